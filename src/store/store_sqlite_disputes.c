/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_disputes.c - partner disputes (DESIGN.md "Partners and
 * disputes"): the inbox of inbound event ids, the disputes, and who owns a
 * case and executes its refund.
 *
 * Invariants: PRIMARY KEY(partner, event_id) makes "a redelivered event
 * changes nothing" a property of the table; UNIQUE(partner, ext_id) makes a
 * partner's dispute one row however often it is opened; case_roles has one
 * row per case and is never updated (first claim wins).
 */
#include <string.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

#define DISP_COLS                                                                       \
	"id, partner, ext_id, order_id, case_id, state, outcome, reason, claimed_minor," \
	" currency, executed_by, opened_case, opened_ms, updated_ms"

static const char *const state_names[DISPUTE_STATE_COUNT] = {
	[DISPUTE_OPEN] = "open",
	[DISPUTE_WITHDRAWN] = "withdrawn",
	[DISPUTE_RESOLVED] = "resolved",
};

const char *store_dispute_state_name(enum dispute_state s)
{
	return (unsigned)s < DISPUTE_STATE_COUNT ? state_names[s] : "open";
}

int store_dispute_state_parse(const char *s, enum dispute_state *out)
{
	for (int i = 0; i < DISPUTE_STATE_COUNT; i++)
		if (s && !strcmp(s, state_names[i])) {
			*out = (enum dispute_state)i;
			return GW_OK;
		}
	*out = DISPUTE_OPEN;
	return GW_ECONSTRAINT;
}

int store_sqlite_dispute_inbox_claim(struct store *st, const char *partner, const char *event_id,
				     const char *event_type, int64_t recv_ms)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!partner || !event_id || !event_id[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_DISP_INBOX,
				 "INSERT INTO dispute_inbox(partner, event_id, event_type, recv_ms)"
				 " VALUES(?1, ?2, ?3, ?4)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, partner);
	store_sqlite_bind_text(stmt, 2, event_id);
	store_sqlite_bind_text(stmt, 3, event_type);
	sqlite3_bind_int64(stmt, 4, recv_ms);
	return store_sqlite_exec(s, stmt, "dispute inbox claim");
}

static void read_row(sqlite3_stmt *stmt, void *row)
{
	struct dispute_row *d = row;
	char word[16];

	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(stmt, 0);
	SQ_TEXT(stmt, 1, d->partner);
	SQ_TEXT(stmt, 2, d->ext_id);
	d->order_id = sqlite3_column_int64(stmt, 3);
	d->case_id = sqlite3_column_int64(stmt, 4);
	SQ_TEXT(stmt, 5, word);
	store_dispute_state_parse(word, &d->state);
	SQ_TEXT(stmt, 6, d->outcome);
	SQ_TEXT(stmt, 7, d->reason);
	d->claimed_minor = sqlite3_column_int64(stmt, 8);
	SQ_TEXT(stmt, 9, d->currency);
	SQ_TEXT(stmt, 10, d->executed_by);
	d->opened_case = sqlite3_column_int(stmt, 11);
	d->opened_ms = sqlite3_column_int64(stmt, 12);
	d->updated_ms = sqlite3_column_int64(stmt, 13);
}

/* Bind ?5 .. ?12 and ?14: the fields an update may change.  The row must
 * outlive the step (SQLITE_STATIC). */
static void bind_fields(sqlite3_stmt *stmt, const struct dispute_row *d)
{
	store_sqlite_bind_opt_i64(stmt, 5, d->case_id != 0, d->case_id);
	store_sqlite_bind_text(stmt, 6, store_dispute_state_name(d->state));
	sqlite3_bind_text(stmt, 7, d->outcome, (int)strnlen(d->outcome, sizeof(d->outcome)),
			  SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, d->reason, (int)strnlen(d->reason, sizeof(d->reason)),
			  SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 9, d->claimed_minor);
	sqlite3_bind_text(stmt, 10, d->currency, (int)strnlen(d->currency, sizeof(d->currency)),
			  SQLITE_STATIC);
	sqlite3_bind_text(stmt, 11, d->executed_by,
			  (int)strnlen(d->executed_by, sizeof(d->executed_by)), SQLITE_STATIC);
	sqlite3_bind_int(stmt, 12, d->opened_case ? 1 : 0);
	sqlite3_bind_int64(stmt, 14, d->updated_ms);
}

int store_sqlite_dispute_insert(struct store *st, struct dispute_row *row)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (!row || !row->partner[0] || !row->ext_id[0] || row->order_id <= 0)
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_DISP_INSERT,
				 "INSERT INTO disputes(" DISP_COLS ") VALUES(NULL, ?2, ?3, ?4, ?5, ?6,"
				 " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_text(stmt, 2, row->partner, (int)strnlen(row->partner, sizeof(row->partner)),
			  SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->ext_id, (int)strnlen(row->ext_id, sizeof(row->ext_id)),
			  SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, row->order_id);
	sqlite3_bind_int64(stmt, 13, row->opened_ms);
	bind_fields(stmt, row);
	rc = store_sqlite_exec(s, stmt, "dispute insert");
	if (rc == GW_OK)
		row->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_sqlite_dispute_update(struct store *st, const struct dispute_row *row)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (!row || row->id <= 0)
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_DISP_UPDATE,
				 "UPDATE disputes SET case_id = ?5, state = ?6, outcome = ?7,"
				 " reason = ?8, claimed_minor = ?9, currency = ?10, executed_by = ?11,"
				 " opened_case = ?12, updated_ms = ?14 WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, row->id);
	bind_fields(stmt, row);
	rc = store_sqlite_exec(s, stmt, "dispute update");
	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		rc = GW_ENOTFOUND;
	return rc;
}

int store_sqlite_dispute_get(struct store *st, const char *partner, const char *ext_id,
			     struct dispute_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!partner || !ext_id)
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_DISP_GET,
				 "SELECT " DISP_COLS " FROM disputes WHERE partner = ?1 AND ext_id = ?2");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, partner);
	store_sqlite_bind_text(stmt, 2, ext_id);
	return store_sqlite_get_row(s, stmt, read_row, out, "dispute get");
}

int store_sqlite_dispute_list_by_case(struct store *st, int64_t case_id,
				      struct dispute_row *rows, size_t cap, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*n = 0;
	stmt = store_sqlite_prep(s, SQ_DISP_LIST_CASE,
				 "SELECT " DISP_COLS " FROM disputes WHERE case_id = ?1"
				 " ORDER BY id LIMIT ?2");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, case_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)cap);
	return store_sqlite_list_rows(s, stmt, read_row, rows, sizeof(*rows), cap, n,
				      "dispute list");
}

int store_sqlite_case_role_claim(struct store *st, const struct case_role_row *row)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!row || row->case_id <= 0 || !row->owner[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_ROLE_CLAIM,
				 "INSERT INTO case_roles(case_id, owner, executed_by, claimed_ms)"
				 " VALUES(?1, ?2, ?3, ?4)");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, row->case_id);
	sqlite3_bind_text(stmt, 2, row->owner, (int)strnlen(row->owner, sizeof(row->owner)),
			  SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->executed_by,
			  (int)strnlen(row->executed_by, sizeof(row->executed_by)), SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, row->claimed_ms);
	return store_sqlite_exec(s, stmt, "case role claim");
}

int store_sqlite_case_role_get(struct store *st, int64_t case_id, struct case_role_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sqlite_prep(s, SQ_ROLE_GET,
				 "SELECT case_id, owner, executed_by, claimed_ms FROM case_roles"
				 " WHERE case_id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, case_id);
	rc = store_sqlite_step_row(s, stmt, "case role get");
	if (rc == GW_OK) {
		memset(out, 0, sizeof(*out));
		out->case_id = sqlite3_column_int64(stmt, 0);
		SQ_TEXT(stmt, 1, out->owner);
		SQ_TEXT(stmt, 2, out->executed_by);
		out->claimed_ms = sqlite3_column_int64(stmt, 3);
	}
	sqlite3_reset(stmt);
	return rc;
}
