/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_delivery.c - webhook delivery over the outbox (issue 5,
 * DESIGN.md "Partners and disputes"): which rows are due, their outcomes,
 * the dead letters and their requeue.
 *
 * Invariants: an order's events reach its partner in outbox id order.  The
 * due query therefore offers only the oldest undelivered row of each
 * (partner, order_id); a row waiting for its retry, or dead, holds back the
 * later rows of that order and of no other.  Nothing marks a row "in
 * flight": hooks/ keeps that in memory, so a crash leaves the row pending
 * and it is sent again (at least once; partners de-duplicate by event_id).
 * Outcomes only move pending rows, so a requeue racing an old attempt's
 * outcome cannot be overwritten by it.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

#define ROW_COLS                                                                              \
	"id, partner, order_id, event_id, event_type, occurred_ms, state, attempts,"          \
	" next_attempt_ms, last_error, created_ms, data"

const char *store_outbox_state_name(enum outbox_state s)
{
	switch (s) {
	case OUTBOX_PENDING: return "pending";
	case OUTBOX_DELIVERED: return "delivered";
	case OUTBOX_DEAD: return "dead";
	}
	return "pending";
}

static enum outbox_state state_parse(const char *s)
{
	return !strcmp(s, "delivered") ? OUTBOX_DELIVERED : !strcmp(s, "dead") ? OUTBOX_DEAD
									    : OUTBOX_PENDING;
}

void store_outbox_rows_free(struct outbox_row *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		GW_FREE(rows[i].data);
	gw_free(rows);
}

/* Copy the current row of stmt (ROW_COLS order) into r; GW_ENOMEM. */
static int read_row(sqlite3_stmt *stmt, struct outbox_row *r)
{
	char state[16];
	const char *data;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(stmt, 0);
	SQ_TEXT(stmt, 1, r->partner);
	r->order_id = sqlite3_column_int64(stmt, 2); /* NULL reads 0 */
	SQ_TEXT(stmt, 3, r->event_id);
	SQ_TEXT(stmt, 4, r->event_type);
	r->occurred_ms = sqlite3_column_int64(stmt, 5);
	SQ_TEXT(stmt, 6, state);
	r->state = state_parse(state);
	r->attempts = sqlite3_column_int(stmt, 7);
	r->next_attempt_ms = sqlite3_column_int64(stmt, 8);
	SQ_TEXT(stmt, 9, r->last_error);
	r->created_ms = sqlite3_column_int64(stmt, 10);
	data = (const char *)sqlite3_column_text(stmt, 11);
	r->data = gw_strndup(data ? data : "", (size_t)sqlite3_column_bytes(stmt, 11));
	return r->data ? GW_OK : GW_ENOMEM;
}

/* Step stmt (bound, LIMIT included) into an allocated array. */
static int read_rows(struct sq_store *s, sqlite3_stmt *stmt, const char *what,
		     struct outbox_row **rows, size_t *n)
{
	struct outbox_row *buf = NULL;
	size_t cap = 0;
	int rc;

	while ((rc = store_sqlite_step_row(s, stmt, what)) == GW_OK) {
		if ((rc = store_sqlite_grow((void **)&buf, &cap, *n, sizeof(*buf))) != GW_OK)
			break;
		if ((rc = read_row(stmt, &buf[*n])) != GW_OK) {
			gw_free(buf[*n].data);
			break;
		}
		(*n)++;
	}
	sqlite3_reset(stmt);
	if (rc != GW_ENOTFOUND) {
		store_outbox_rows_free(buf, *n);
		*n = 0;
		return rc == GW_OK ? GW_EINTERNAL : rc;
	}
	if (*n == 0)
		GW_FREE(buf);
	*rows = buf;
	return GW_OK;
}

int store_sqlite_outbox_due(struct store *st, const char *partner, int64_t now_ms, size_t cap,
			    struct outbox_row **rows, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*rows = NULL;
	*n = 0;
	if (!partner || !partner[0])
		return GW_EINVAL;
	if (!cap)
		return GW_OK;
	/* outbox_pending (partner, id) yields the rows in id order, so the
	 * LIMIT stops the walk (the planner prefers outbox_due without the
	 * hint, then sorts every due row); outbox_order (partner, order_id,
	 * id) answers the NOT EXISTS probe */
	stmt = store_sqlite_prep(s, SQ_OUTBOX_DUE,
				 "SELECT " ROW_COLS " FROM outbox o INDEXED BY outbox_pending"
				 " WHERE o.partner = ?1 AND o.state = 'pending'"
				 " AND o.next_attempt_ms <= ?2"
				 " AND (o.order_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox e"
				 " WHERE e.partner = o.partner AND e.order_id = o.order_id"
				 " AND e.id < o.id AND e.state <> 'delivered'))"
				 " ORDER BY o.id LIMIT ?3");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, partner);
	sqlite3_bind_int64(stmt, 2, now_ms);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)cap);
	return read_rows(s, stmt, "outbox due", rows, n);
}

/* Run an UPDATE of one pending/dead row; GW_ENOTFOUND when none changed. */
static int update_one(struct sq_store *s, sqlite3_stmt *stmt, const char *what)
{
	int rc = store_sqlite_exec(s, stmt, what);

	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		return GW_ENOTFOUND;
	return rc;
}

int store_sqlite_outbox_delivered(struct store *st, int64_t id, int attempts)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_OUTBOX_DELIVERED,
				 "UPDATE outbox SET state = 'delivered', attempts = ?2,"
				 " last_error = '' WHERE id = ?1 AND state = 'pending'");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, attempts);
	return update_one(s, stmt, "outbox delivered");
}

int store_sqlite_outbox_failed(struct store *st, int64_t id, int attempts,
			       int64_t next_attempt_ms, int dead, const char *error)
{
	struct sq_store *s = sq(st);
	char err[STORE_HOOK_ERROR_MAX];
	sqlite3_stmt *stmt;

	snprintf(err, sizeof(err), "%s", error ? error : "");
	stmt = store_sqlite_prep(s, SQ_OUTBOX_FAILED,
				 "UPDATE outbox SET state = ?5, attempts = ?2,"
				 " next_attempt_ms = ?3, last_error = ?4"
				 " WHERE id = ?1 AND state = 'pending'");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, attempts);
	sqlite3_bind_int64(stmt, 3, next_attempt_ms);
	sqlite3_bind_text(stmt, 4, err, -1, SQLITE_TRANSIENT);
	store_sqlite_bind_text(stmt, 5, dead ? "dead" : "pending");
	return update_one(s, stmt, "outbox failed");
}

int store_sqlite_outbox_list_dead(struct store *st, const char *partner, int64_t after_id,
				  size_t cap, struct outbox_row **rows, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*rows = NULL;
	*n = 0;
	if (!cap)
		return GW_OK;
	stmt = store_sqlite_prep(s, SQ_OUTBOX_DEAD,
				 "SELECT " ROW_COLS " FROM outbox"
				 " WHERE state = 'dead' AND id > ?1 AND (?2 = '' OR partner = ?2)"
				 " ORDER BY id LIMIT ?3");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, after_id);
	store_sqlite_bind_text(stmt, 2, partner);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)cap);
	return read_rows(s, stmt, "outbox dead list", rows, n);
}

int store_sqlite_outbox_requeue(struct store *st, int64_t id, int64_t now_ms)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_OUTBOX_REQUEUE,
				 "UPDATE outbox SET state = 'pending', attempts = 0,"
				 " next_attempt_ms = ?2 WHERE id = ?1 AND state = 'dead'");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now_ms);
	return update_one(s, stmt, "outbox requeue");
}
