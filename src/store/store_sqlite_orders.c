/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_orders.c - orders (DESIGN.md "Orders"): one row per
 * transaction of either version, with its tariff snapshot.
 *
 * Invariants: tx_id is UNIQUE, so a second order for one transaction is
 * GW_EDUP whatever the caller does; the order number is the Crockford form
 * of the id (order_number_format), written by insert in the same
 * statement batch, so it never differs from the id.  The tariff snapshot is
 * stored as exact integers: the scalar fields in columns, the periods as
 * "start_min,energy_e4,service_e4,time_e4,idle_e4" joined by ';' (no JSON,
 * no floats), parsed back to the same struct tariff.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "domain/billing/order_number.h"
#include "store/store_sqlite_int.h"

#define ORDER_COLS                                                                            \
	"id, number, tx_id, pile, pile_tx_id, evse_id, connector_id, id_token, orphan, state," \
	" sub_state, tariff_id, currency, minor_exp, utc_offset_min, start_fee_minor,"         \
	" idle_grace_min, periods, dc, p_max_w, started_ms, ended_ms, bill_start_ms,"          \
	" bill_end_ms, billed_minor, rerated_minor, amount_minor, energy_wh, clock_offset_ms," \
	" cost_sent_ms, created_ms, updated_ms, settled_ms"

_Static_assert(STORE_ORDER_NUMBER_MAX >= ORDER_NUMBER_BUFSZ, "order number buffer");

#define PERIODS_TEXT_MAX (TARIFF_PERIODS_MAX * 5 * 21 + 16)

static void periods_format(const struct tariff *t, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->n_periods && i < TARIFF_PERIODS_MAX && len < cap; i++) {
		const struct tariff_period *p = &t->periods[i];
		int w = snprintf(buf + len, cap - len, "%s%d,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64,
				 i ? ";" : "", p->start_min, p->energy_per_kwh_e4,
				 p->service_per_kwh_e4, p->time_per_hour_e4, p->idle_per_min_e4);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* Parse one integer and its separator; 0 on a malformed text. */
static int next_i64(const char **p, int64_t *v, char sep)
{
	char *end;

	*v = strtoll(*p, &end, 10);
	if (end == *p || (*end != sep && !(sep == ';' && *end == '\0')))
		return 0;
	*p = *end ? end + 1 : end;
	return 1;
}

/* GW_OK, or GW_ECONSTRAINT on a text this file did not write. */
static int periods_parse(const char *text, struct tariff *t)
{
	const char *p = text;
	int64_t v[5];

	t->n_periods = 0;
	while (*p) {
		if (t->n_periods == TARIFF_PERIODS_MAX || !next_i64(&p, &v[0], ',') ||
		    !next_i64(&p, &v[1], ',') || !next_i64(&p, &v[2], ',') ||
		    !next_i64(&p, &v[3], ',') || !next_i64(&p, &v[4], ';')) {
			t->n_periods = 0;
			return GW_ECONSTRAINT;
		}
		t->periods[t->n_periods++] = (struct tariff_period){
			.start_min = (int)v[0],
			.energy_per_kwh_e4 = v[1],
			.service_per_kwh_e4 = v[2],
			.time_per_hour_e4 = v[3],
			.idle_per_min_e4 = v[4],
		};
	}
	return GW_OK;
}

static void read_row(sqlite3_stmt *stmt, void *row)
{
	struct order_row *o = row;
	char word[24], periods[PERIODS_TEXT_MAX];

	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(stmt, 0);
	SQ_TEXT(stmt, 1, o->number);
	o->tx_id = sqlite3_column_int64(stmt, 2);
	SQ_TEXT(stmt, 3, o->pile);
	SQ_TEXT(stmt, 4, o->pile_tx_id);
	o->evse_id = sqlite3_column_int(stmt, 5);
	o->connector_id = sqlite3_column_int(stmt, 6);
	SQ_TEXT(stmt, 7, o->id_token);
	o->orphan = sqlite3_column_int(stmt, 8);
	SQ_TEXT(stmt, 9, word);
	store_order_state_parse(word, &o->state);
	SQ_TEXT(stmt, 10, word);
	store_order_sub_parse(word, &o->sub_state);
	SQ_TEXT(stmt, 11, o->tariff_id);
	SQ_TEXT(stmt, 12, o->currency);
	memcpy(o->tariff.currency, o->currency, sizeof(o->tariff.currency));
	o->minor_exp = o->tariff.minor_exp = sqlite3_column_int(stmt, 13);
	o->tariff.utc_offset_min = sqlite3_column_int(stmt, 14);
	o->tariff.start_fee_minor = sqlite3_column_int64(stmt, 15);
	o->tariff.idle_grace_min = sqlite3_column_int64(stmt, 16);
	SQ_TEXT(stmt, 17, periods);
	if (periods_parse(periods, &o->tariff) != GW_OK)
		gw_log(GW_LOG_ERR, "store: order %" PRId64 " has an unreadable tariff snapshot", o->id);
	o->dc = sqlite3_column_int(stmt, 18);
	o->p_max_w = sqlite3_column_int64(stmt, 19);
	o->started_ms = sqlite3_column_int64(stmt, 20);
	o->ended_ms = sqlite3_column_int64(stmt, 21);
	o->bill_start_ms = sqlite3_column_int64(stmt, 22);
	o->bill_end_ms = sqlite3_column_int64(stmt, 23);
	o->billed_minor = sqlite3_column_int64(stmt, 24);
	o->rerated_minor = sqlite3_column_int64(stmt, 25);
	o->amount_minor = sqlite3_column_int64(stmt, 26);
	o->energy_wh = sqlite3_column_int64(stmt, 27);
	o->clock_offset_ms = sqlite3_column_int64(stmt, 28);
	o->cost_sent_ms = sqlite3_column_int64(stmt, 29);
	o->created_ms = sqlite3_column_int64(stmt, 30);
	o->updated_ms = sqlite3_column_int64(stmt, 31);
	o->settled_ms = sqlite3_column_int64(stmt, 32);
}

/* Bind the fields at ?5 .. ?33 (column index + 1); insert uses them all,
 * update all but ?31 (created_ms).  periods must outlive the step. */
static void bind_fields(sqlite3_stmt *stmt, const struct order_row *o, const char *periods)
{
	store_sqlite_bind_text(stmt, 5, o->pile_tx_id);
	sqlite3_bind_int(stmt, 6, o->evse_id);
	sqlite3_bind_int(stmt, 7, o->connector_id);
	store_sqlite_bind_text(stmt, 8, o->id_token);
	sqlite3_bind_int(stmt, 9, o->orphan);
	store_sqlite_bind_text(stmt, 10, store_order_state_name(o->state));
	store_sqlite_bind_text(stmt, 11,
			       o->state == ORDER_CHARGING ? store_order_sub_name(o->sub_state) : "");
	store_sqlite_bind_text(stmt, 12, o->tariff_id);
	sqlite3_bind_text(stmt, 13, o->tariff.currency,
			  (int)strnlen(o->tariff.currency, sizeof(o->tariff.currency)),
			  SQLITE_STATIC);
	sqlite3_bind_int(stmt, 14, o->tariff.minor_exp);
	sqlite3_bind_int(stmt, 15, o->tariff.utc_offset_min);
	sqlite3_bind_int64(stmt, 16, o->tariff.start_fee_minor);
	sqlite3_bind_int64(stmt, 17, o->tariff.idle_grace_min);
	store_sqlite_bind_text(stmt, 18, periods);
	sqlite3_bind_int(stmt, 19, o->dc);
	sqlite3_bind_int64(stmt, 20, o->p_max_w);
	sqlite3_bind_int64(stmt, 21, o->started_ms);
	sqlite3_bind_int64(stmt, 22, o->ended_ms);
	sqlite3_bind_int64(stmt, 23, o->bill_start_ms);
	sqlite3_bind_int64(stmt, 24, o->bill_end_ms);
	sqlite3_bind_int64(stmt, 25, o->billed_minor);
	sqlite3_bind_int64(stmt, 26, o->rerated_minor);
	sqlite3_bind_int64(stmt, 27, o->amount_minor);
	sqlite3_bind_int64(stmt, 28, o->energy_wh);
	sqlite3_bind_int64(stmt, 29, o->clock_offset_ms);
	sqlite3_bind_int64(stmt, 30, o->cost_sent_ms);
	sqlite3_bind_int64(stmt, 31, o->created_ms); /* SQLITE_RANGE in update: ignored */
	sqlite3_bind_int64(stmt, 32, o->updated_ms);
	sqlite3_bind_int64(stmt, 33, o->settled_ms);
}

int store_sqlite_order_insert(struct store *st, struct order_row *row)
{
	struct sq_store *s = sq(st);
	char periods[PERIODS_TEXT_MAX], number[STORE_ORDER_NUMBER_MAX];
	sqlite3_stmt *stmt;
	int64_t id;
	int rc;

	if (!row || !row->pile[0])
		return GW_EINVAL;
	periods_format(&row->tariff, periods, sizeof(periods));
	stmt = store_sqlite_prep(s, SQ_ORDER_INSERT,
				 "INSERT INTO orders(" ORDER_COLS ") VALUES(NULL, '', ?3, ?4, ?5, ?6,"
				 " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
				 " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 3, row->tx_id);
	store_sqlite_bind_text(stmt, 4, row->pile);
	bind_fields(stmt, row, periods);
	if ((rc = store_sqlite_exec(s, stmt, "order insert")) != GW_OK)
		return rc;
	id = sqlite3_last_insert_rowid(s->db);
	if (order_number_format((uint64_t)id, number, sizeof(number)) != GW_OK)
		return GW_EINTERNAL;
	stmt = store_sqlite_prep(s, SQ_ORDER_NUMBER, "UPDATE orders SET number = ?2 WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	store_sqlite_bind_text(stmt, 2, number);
	if ((rc = store_sqlite_exec(s, stmt, "order number")) != GW_OK)
		return rc;
	row->id = id;
	memcpy(row->number, number, sizeof(row->number));
	memcpy(row->currency, row->tariff.currency, sizeof(row->currency));
	row->minor_exp = row->tariff.minor_exp;
	return GW_OK;
}

int store_sqlite_order_update(struct store *st, const struct order_row *row)
{
	struct sq_store *s = sq(st);
	char periods[PERIODS_TEXT_MAX];
	sqlite3_stmt *stmt;
	int rc;

	if (!row)
		return GW_EINVAL;
	periods_format(&row->tariff, periods, sizeof(periods));
	stmt = store_sqlite_prep(s, SQ_ORDER_UPDATE,
				 "UPDATE orders SET pile_tx_id = ?5, evse_id = ?6, connector_id = ?7,"
				 " id_token = ?8, orphan = ?9, state = ?10, sub_state = ?11,"
				 " tariff_id = ?12, currency = ?13, minor_exp = ?14,"
				 " utc_offset_min = ?15, start_fee_minor = ?16, idle_grace_min = ?17,"
				 " periods = ?18, dc = ?19, p_max_w = ?20, started_ms = ?21,"
				 " ended_ms = ?22, bill_start_ms = ?23, bill_end_ms = ?24,"
				 " billed_minor = ?25, rerated_minor = ?26, amount_minor = ?27,"
				 " energy_wh = ?28, clock_offset_ms = ?29, cost_sent_ms = ?30,"
				 " updated_ms = ?32, settled_ms = ?33 WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, row->id);
	bind_fields(stmt, row, periods);
	rc = store_sqlite_exec(s, stmt, "order update");
	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		rc = GW_ENOTFOUND;
	return rc;
}

int store_sqlite_order_get(struct store *st, int64_t id, struct order_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_ORDER_GET, "SELECT " ORDER_COLS " FROM orders WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	return store_sqlite_get_row(s, stmt, read_row, out, "order get");
}

int store_sqlite_order_get_by_tx(struct store *st, int64_t tx_id, struct order_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_ORDER_GET_TX,
				 "SELECT " ORDER_COLS " FROM orders WHERE tx_id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, tx_id);
	return store_sqlite_get_row(s, stmt, read_row, out, "order get by tx");
}

int store_sqlite_order_list_open(struct store *st, int64_t after_id, struct order_row *rows,
				 size_t cap, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*n = 0;
	stmt = store_sqlite_prep(s, SQ_ORDER_LIST_OPEN,
				 "SELECT " ORDER_COLS " FROM orders WHERE id > ?1 AND " SQ_ORDER_OPEN
				 " ORDER BY id LIMIT ?2");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, after_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)cap);
	return store_sqlite_list_rows(s, stmt, read_row, rows, sizeof(*rows), cap, n,
				      "order list open");
}

/* The overlaps of an order are the merge of four index range scans, each
 * cut at its first cap by (started_ms, id): the orders of the connector
 * that are open / that ended after self started, and the same for the
 * idTag (orders_conn_end, orders_token_end: migrate.c v5).  Only orders
 * that are open or ended after self started are visited, never a token's
 * whole history.  The rowid ends every index entry, so (started_ms, id) is
 * the index order of the open arms; the ended arms come in ended_ms order
 * and keep their first cap in a small sorted array here (an ORDER BY ...
 * LIMIT in SQL would build a throw-away b-tree per query and insert every
 * visited row into it).  An order of the connector that also holds the
 * idTag comes from two arms with the same key and is taken once.  The
 * first cap of the merge are exactly the first cap of the union, since
 * each arm's first cap holds every one of them that the arm holds.  Then
 * the rows themselves are read by id. */
enum { ARM_CONN_OPEN, ARM_CONN_ENDED, ARM_TOKEN_OPEN, ARM_TOKEN_ENDED, ARMS };

#define ARM_CONN "SELECT id, started_ms FROM orders INDEXED BY orders_conn_end WHERE pile = ?2" \
	" AND evse_id = ?3 AND connector_id = ?4 AND "
#define ARM_TOKEN "SELECT id, started_ms FROM orders INDEXED BY orders_token_end" \
	" WHERE id_token = ?5 AND id_token <> '' AND "
#define ARM_OPEN "ended_ms = 0 AND started_ms < ?7 AND id <> ?1 ORDER BY started_ms, id LIMIT ?8"
#define ARM_ENDED "ended_ms > ?6 AND ended_ms <> 0 AND started_ms < ?7 AND id <> ?1"

static const struct {
	enum sq_id id;
	const char *sql;
	int sorted; /* rows come in (started_ms, id) order, at most cap */
} overlap_arms[ARMS] = {
	{SQ_ORDER_OVERLAP_CONN_OPEN, ARM_CONN ARM_OPEN, 1},
	{SQ_ORDER_OVERLAP_CONN_ENDED, ARM_CONN ARM_ENDED, 0},
	{SQ_ORDER_OVERLAP_TOKEN_OPEN, ARM_TOKEN ARM_OPEN, 1},
	{SQ_ORDER_OVERLAP_TOKEN_ENDED, ARM_TOKEN ARM_ENDED, 0},
};

struct key {
	int64_t start, id;
};

static int key_less(struct key a, struct key b)
{
	return a.start < b.start || (a.start == b.start && a.id < b.id);
}

/* One arm of the merge: a sorted statement, or the first cap of an
 * unsorted one in buf[0..n); cur is its current key while live. */
struct arm {
	sqlite3_stmt *stmt;
	struct key *buf;
	size_t n, pos;
	int live;
	struct key cur;
};

/* Keep k if it is among the cap least keys seen: buf[0..*n) stays sorted. */
static void keep_least(struct key *buf, size_t *n, size_t cap, struct key k)
{
	size_t i;

	if (*n == cap && !key_less(k, buf[cap - 1]))
		return;
	i = *n < cap ? (*n)++ : cap - 1;
	for (; i > 0 && key_less(k, buf[i - 1]); i--)
		buf[i] = buf[i - 1];
	buf[i] = k;
}

static struct key row_key(sqlite3_stmt *stmt)
{
	return (struct key){sqlite3_column_int64(stmt, 1), sqlite3_column_int64(stmt, 0)};
}

/* Move arm a to its next key; GW_OK (a->live tells) or a store error. */
static int arm_next(struct sq_store *s, struct arm *a)
{
	int rc;

	if (a->buf) {
		a->live = a->pos < a->n;
		if (a->live)
			a->cur = a->buf[a->pos++];
		return GW_OK;
	}
	rc = store_sqlite_step_row(s, a->stmt, "order list overlap");
	a->live = rc == GW_OK;
	if (a->live)
		a->cur = row_key(a->stmt);
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}

/* Bind and start arm i; an unsorted arm is read whole into buf (cap). */
static int arm_open(struct sq_store *s, int i, const struct order_row *self, size_t cap,
		    struct key *buf, struct arm *a)
{
	sqlite3_stmt *stmt = store_sqlite_prep(s, overlap_arms[i].id, overlap_arms[i].sql);
	int rc;

	if (!stmt)
		return GW_ESTORE;
	a->stmt = stmt;
	sqlite3_bind_int64(stmt, 1, self->id);
	store_sqlite_bind_text(stmt, 2, self->pile);
	sqlite3_bind_int(stmt, 3, self->evse_id);
	sqlite3_bind_int(stmt, 4, self->connector_id);
	store_sqlite_bind_text(stmt, 5, self->id_token);
	sqlite3_bind_int64(stmt, 6, self->started_ms);
	sqlite3_bind_int64(stmt, 7, self->ended_ms ? self->ended_ms : INT64_MAX);
	sqlite3_bind_int64(stmt, 8, (int64_t)cap); /* SQLITE_RANGE where unused: ignored */
	if (overlap_arms[i].sorted)
		return arm_next(s, a);
	while ((rc = store_sqlite_step_row(s, stmt, "order list overlap")) == GW_OK)
		keep_least(buf, &a->n, cap, row_key(stmt));
	sqlite3_reset(stmt);
	if (rc != GW_ENOTFOUND)
		return rc;
	a->buf = buf;
	return arm_next(s, a);
}

/* The live arm with the least key, or NULL when all are done. */
static struct arm *arm_least(struct arm *arms, int n)
{
	struct arm *best = NULL;

	for (int i = 0; i < n; i++)
		if (arms[i].live && (!best || key_less(arms[i].cur, best->cur)))
			best = &arms[i];
	return best;
}

int store_sqlite_order_list_overlap(struct store *st, const struct order_row *self,
				    struct order_row *rows, size_t cap, size_t *n)
{
	struct sq_store *s = sq(st);
	struct arm arms[ARMS], *a;
	struct key *bufs, k;
	int n_arms = 0;
	int rc = GW_OK;

	*n = 0;
	if (!self)
		return GW_EINVAL;
	if (!cap)
		return GW_OK;
	if (!(bufs = gw_malloc(ARMS * cap * sizeof(*bufs))))
		return GW_ENOMEM;
	memset(arms, 0, sizeof(arms));
	n_arms = self->id_token[0] ? ARMS : ARM_TOKEN_OPEN;
	for (int i = 0; i < n_arms && rc == GW_OK; i++)
		rc = arm_open(s, i, self, cap, bufs + (size_t)i * cap, &arms[i]);
	while (rc == GW_OK && *n < cap && (a = arm_least(arms, n_arms))) {
		k = a->cur;
		rows[(*n)++].id = k.id;
		/* the same order from a connector arm and a token arm */
		for (int i = 0; i < n_arms && rc == GW_OK; i++)
			if (arms[i].live && arms[i].cur.start == k.start && arms[i].cur.id == k.id)
				rc = arm_next(s, &arms[i]);
	}
	for (int i = 0; i < n_arms; i++)
		if (arms[i].stmt)
			sqlite3_reset(arms[i].stmt);
	gw_free(bufs);
	for (size_t i = 0; rc == GW_OK && i < *n; i++)
		rc = store_sqlite_order_get(st, rows[i].id, &rows[i]);
	if (rc != GW_OK)
		*n = 0;
	return rc;
}

int store_sqlite_order_auto_refunds_count(struct store *st, const char *id_token,
					  int64_t since_ms, int64_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	*n = 0;
	if (!id_token || !id_token[0])
		return GW_OK;
	stmt = store_sqlite_prep(s, SQ_ORDER_AUTO_COUNT,
				 "SELECT count(*) FROM refund_cases c JOIN orders o ON o.id = c.order_id"
				 " WHERE o.id_token = ?1 AND c.auto_approved = 1 AND c.opened_ms >= ?2");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, id_token);
	sqlite3_bind_int64(stmt, 2, since_ms);
	rc = store_sqlite_step_row(s, stmt, "order auto refunds count");
	if (rc == GW_OK)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc;
}
