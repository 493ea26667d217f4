/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_api.c - the operator API's read queries (store_api.h) on
 * SQLite.
 *
 * These run per API request, not per frame, so each statement is prepared
 * for the call and finalized after it (sqlite3_prepare_v3) instead of
 * taking a slot in the frame path's cache (store_sqlite_int.h).  Every
 * value is bound; optional filters are "(?N = '' OR col = ?N)" so the SQL
 * text is constant.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_api.h"
#include "store/store_sqlite_int.h"

static int is_sqlite(struct store *st)
{
	return st && st->ops && st->ops->name && !strcmp(st->ops->name, "sqlite");
}

static int prep(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
	struct sq_store *s = sq(st);

	if (!is_sqlite(st))
		return GW_ENOTSUPP;
	if (sqlite3_prepare_v3(s->db, sql, -1, 0, stmt, NULL) != SQLITE_OK) {
		gw_log(GW_LOG_ERR, "store: api query prepare failed: %s", sqlite3_errmsg(s->db));
		*stmt = NULL;
		return GW_ESTORE;
	}
	return GW_OK;
}

/* Step to the end collecting column 0 as ids. */
static int collect_ids(struct store *st, sqlite3_stmt *stmt, size_t limit, int64_t *ids, size_t *n)
{
	int rc = SQLITE_DONE;

	*n = 0;
	while (*n < limit && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(stmt, 0);
	if (*n < limit && rc != SQLITE_DONE)
		return store_sqlite_rc(sq(st), rc, "api list");
	return GW_OK;
}

int store_api_ping(struct store *st)
{
	sqlite3_stmt *stmt;
	int rc = prep(st, "SELECT count(*) FROM piles", &stmt);

	if (rc != GW_OK)
		return rc;
	rc = sqlite3_step(stmt) == SQLITE_ROW ? GW_OK : GW_ESTORE;
	sqlite3_finalize(stmt);
	return rc;
}

int store_api_order_ids(struct store *st, const struct store_order_filter *f, size_t limit,
			int64_t *ids, size_t *n)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "SELECT id FROM orders WHERE id > ?1"
		      " AND (?2 = '' OR state = ?2) AND (?3 = '' OR pile = ?3)"
		      " AND (?4 = '' OR id_token = ?4 COLLATE NOCASE)"
		      " AND (?5 = 0 OR started_ms >= ?5) AND (?6 = 0 OR started_ms < ?6)"
		      " ORDER BY id LIMIT ?7",
		      &stmt);

	*n = 0;
	if (rc != GW_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, f->after_id);
	store_sqlite_bind_text(stmt, 2, f->state);
	store_sqlite_bind_text(stmt, 3, f->pile);
	store_sqlite_bind_text(stmt, 4, f->id_token);
	sqlite3_bind_int64(stmt, 5, f->from_ms);
	sqlite3_bind_int64(stmt, 6, f->to_ms);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)limit);
	rc = collect_ids(st, stmt, limit, ids, n);
	sqlite3_finalize(stmt);
	return rc;
}

int store_api_case_ids(struct store *st, const char *state, const char *rule, const char *tier,
		       int64_t after_id, size_t limit, int64_t *ids, size_t *n)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "SELECT id FROM refund_cases WHERE id > ?1"
		      " AND (?2 = '' OR state = ?2) AND (?3 = '' OR rule = ?3)"
		      " AND (?4 = '' OR tier = ?4) ORDER BY id LIMIT ?5",
		      &stmt);

	*n = 0;
	if (rc != GW_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, after_id);
	store_sqlite_bind_text(stmt, 2, state);
	store_sqlite_bind_text(stmt, 3, rule);
	store_sqlite_bind_text(stmt, 4, tier);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)limit);
	rc = collect_ids(st, stmt, limit, ids, n);
	sqlite3_finalize(stmt);
	return rc;
}

int store_api_connectors(struct store *st, const char *pile, struct connector_row *rows,
			 size_t cap, size_t *n)
{
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "SELECT " CONNECTOR_COLS " FROM connectors WHERE pile = ?1"
		      " ORDER BY evse_id, connector_id",
		      &stmt);

	*n = 0;
	if (rc != GW_OK)
		return rc;
	store_sqlite_bind_text(stmt, 1, pile);
	rc = store_sqlite_list_rows(sq(st), stmt, store_sqlite_read_connector, rows, sizeof(*rows),
				    cap, n, "api connectors");
	sqlite3_finalize(stmt);
	return rc;
}

void store_api_events_free(struct store_event_row *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		gw_free(rows[i].payload);
	gw_free(rows);
}

int store_api_order_events(struct store *st, int64_t order_id, size_t max,
			   struct store_event_row **rows, size_t *n)
{
	struct store_event_row *out = NULL;
	size_t cap = 0;
	sqlite3_stmt *stmt;
	int rc = prep(st,
		      "SELECT seq, case_id, at_ms, recv_ms, source, source_ref, type, payload"
		      " FROM order_events WHERE order_id = ?1"
		      " OR case_id IN (SELECT id FROM refund_cases WHERE order_id = ?1)"
		      " ORDER BY seq LIMIT ?2",
		      &stmt);

	*rows = NULL;
	*n = 0;
	if (rc != GW_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, order_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_event_row *r;
		const unsigned char *p;

		if (store_sqlite_grow((void **)&out, &cap, *n, sizeof(*out)) != GW_OK) {
			rc = GW_ENOMEM;
			goto fail;
		}
		r = &out[*n];
		memset(r, 0, sizeof(*r));
		r->seq = sqlite3_column_int64(stmt, 0);
		r->case_id = sqlite3_column_int64(stmt, 1);
		r->at_ms = sqlite3_column_int64(stmt, 2);
		r->recv_ms = sqlite3_column_int64(stmt, 3);
		SQ_TEXT(stmt, 4, r->source);
		SQ_TEXT(stmt, 5, r->source_ref);
		SQ_TEXT(stmt, 6, r->type);
		p = sqlite3_column_text(stmt, 7);
		r->payload = gw_strdup(p ? (const char *)p : "{}");
		if (!r->payload) {
			rc = GW_ENOMEM;
			goto fail;
		}
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_rc(sq(st), rc, "api order events");
		goto fail;
	}
	sqlite3_finalize(stmt);
	*rows = out;
	return GW_OK;
fail:
	sqlite3_finalize(stmt);
	store_api_events_free(out, *n);
	*n = 0;
	return rc;
}

int store_api_open_case_counts(struct store *st, struct store_case_count *rows, size_t cap,
			       size_t *n)
{
	sqlite3_stmt *stmt;
	char tier[4];
	int rc = prep(st,
		      "SELECT rule, tier, count(*) FROM refund_cases"
		      " WHERE " SQ_CASE_OPEN " GROUP BY rule, tier ORDER BY rule, tier",
		      &stmt);

	*n = 0;
	if (rc != GW_OK)
		return rc;
	while (*n < cap && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_case_count *r = &rows[(*n)++];

		SQ_TEXT(stmt, 0, r->rule);
		SQ_TEXT(stmt, 1, tier);
		r->tier = tier[0];
		r->count = sqlite3_column_int64(stmt, 2);
	}
	rc = (*n == cap || rc == SQLITE_DONE) ? GW_OK : store_sqlite_rc(sq(st), rc, "api case counts");
	sqlite3_finalize(stmt);
	return rc;
}

int store_api_order_state_counts(struct store *st, int64_t counts[ORDER_STATE_COUNT])
{
	sqlite3_stmt *stmt;
	char state[24];
	int rc = prep(st, "SELECT state, count(*) FROM orders GROUP BY state", &stmt);

	memset(counts, 0, sizeof(int64_t) * ORDER_STATE_COUNT);
	if (rc != GW_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		enum order_state s;

		SQ_TEXT(stmt, 0, state);
		if (store_order_state_parse(state, &s) == GW_OK)
			counts[s] = sqlite3_column_int64(stmt, 1);
	}
	rc = rc == SQLITE_DONE ? GW_OK : store_sqlite_rc(sq(st), rc, "api order counts");
	sqlite3_finalize(stmt);
	return rc;
}
