/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_admin.c - what the operator API changes about piles beyond
 * the frame path (remove, register again, the work that blocks a removal)
 * and the sums /metrics shows (refunded money, webhook deliveries).
 *
 * Removal is a soft delete: reg_status becomes STORE_REG_REMOVED and the
 * credentials are cleared; the row stays because orders, frames, reports
 * and the hash chain refer to it (foreign keys), and pile_get / pile_list
 * (store_sqlite_piles.c) skip it.  Like store_sqlite_api.c these run per
 * API request, so each statement is prepared for the call and finalized
 * after it; every value is bound.
 */
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_sqlite_int.h"

static int prep(struct sq_store *s, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, 0, stmt, NULL) != SQLITE_OK) {
		gw_log(GW_LOG_ERR, "store: admin query prepare failed: %s", sqlite3_errmsg(s->db));
		*stmt = NULL;
		return GW_ESTORE;
	}
	return GW_OK;
}

/* Step an UPDATE that must hit one row, finalize it. */
static int update_one(struct sq_store *s, sqlite3_stmt *stmt, const char *what)
{
	int rc = store_sqlite_rc(s, sqlite3_step(stmt), what);

	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		rc = GW_ENOTFOUND;
	sqlite3_finalize(stmt);
	return rc;
}

int store_sqlite_pile_remove(struct store *st, const char *identity)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc = prep(s,
		      "UPDATE piles SET reg_status = '" STORE_REG_REMOVED "', pw_hash = NULL,"
		      " pw_salt = NULL, pw_iter = NULL, pend_hash = NULL, pend_salt = NULL,"
		      " pend_iter = NULL WHERE identity = ?1 AND reg_status <> '" STORE_REG_REMOVED "'",
		      &stmt);

	if (rc != GW_OK)
		return rc;
	store_sqlite_bind_text(stmt, 1, identity);
	return update_one(s, stmt, "pile remove");
}

/* pw at col, col+1, col+2 (NULLs when absent), as store_sqlite_piles.c. */
static void bind_pw(sqlite3_stmt *stmt, int col, const struct store_password *pw)
{
	if (!pw->present) {
		sqlite3_bind_null(stmt, col);
		sqlite3_bind_null(stmt, col + 1);
		sqlite3_bind_null(stmt, col + 2);
		return;
	}
	sqlite3_bind_blob(stmt, col, pw->hash, STORE_PW_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, col + 1, pw->salt, STORE_PW_SALT_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, col + 2, pw->iterations);
}

int store_sqlite_pile_readd(struct store *st, const struct pile_row *r)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (!r || !r->identity[0])
		return GW_EINVAL;
	rc = prep(s,
		  "UPDATE piles SET reg_status = ?2, min_profile = ?3, pw_hash = ?4, pw_salt = ?5,"
		  " pw_iter = ?6, pend_hash = NULL, pend_salt = NULL, pend_iter = NULL,"
		  " first_seen_ms = ?7 WHERE identity = ?1 AND reg_status = '" STORE_REG_REMOVED "'",
		  &stmt);
	if (rc != GW_OK)
		return rc;
	store_sqlite_bind_text(stmt, 1, r->identity);
	store_sqlite_bind_text(stmt, 2, store_reg_name(r->reg_status));
	sqlite3_bind_int(stmt, 3, r->min_security_profile);
	bind_pw(stmt, 4, &r->password);
	sqlite3_bind_int64(stmt, 7, r->first_seen_ms);
	return update_one(s, stmt, "pile re-add");
}

int store_sqlite_pile_open_work(struct store *st, const char *identity,
				struct store_pile_work *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc = prep(s,
		      "SELECT (SELECT count(*) FROM orders WHERE pile = ?1 AND state IN"
		      " ('starting','charging','stopping')),"
		      " (SELECT count(*) FROM transactions WHERE pile = ?1 AND state = 'open')",
		      &stmt);

	memset(out, 0, sizeof(*out));
	if (rc != GW_OK)
		return rc;
	store_sqlite_bind_text(stmt, 1, identity);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->open_orders = sqlite3_column_int64(stmt, 0);
		out->open_transactions = sqlite3_column_int64(stmt, 1);
		rc = GW_OK;
	} else {
		rc = store_sqlite_rc(s, rc, "pile open work");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int store_sqlite_refund_sums(struct store *st, struct store_money_sum *rows, size_t cap,
			     size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc = prep(s,
		      "SELECT state, currency, sum(amount_minor), count(*) FROM refund_cases"
		      " WHERE state IN ('auto_approved','approved','partially_approved',"
		      "'refunding','refunded') GROUP BY state, currency ORDER BY state, currency",
		      &stmt);

	*n = 0;
	if (rc != GW_OK)
		return rc;
	while (*n < cap && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_money_sum *m = &rows[(*n)++];

		memset(m, 0, sizeof(*m));
		SQ_TEXT(stmt, 0, m->state);
		SQ_TEXT(stmt, 1, m->currency);
		m->amount_minor = sqlite3_column_int64(stmt, 2);
		m->cases = sqlite3_column_int64(stmt, 3);
	}
	rc = (*n == cap || rc == SQLITE_DONE) ? GW_OK : store_sqlite_rc(s, rc, "refund sums");
	sqlite3_finalize(stmt);
	return rc;
}

int store_sqlite_outbox_counts(struct store *st, struct store_outbox_counts *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	/* a delivered row's last attempt succeeded; every other attempt failed */
	int rc = prep(s,
		      "SELECT state, count(*),"
		      " sum(CASE WHEN state = 'delivered' THEN max(attempts - 1, 0) ELSE attempts END),"
		      " sum(state = 'pending' AND attempts > 0) FROM outbox GROUP BY state",
		      &stmt);

	memset(out, 0, sizeof(*out));
	if (rc != GW_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(stmt, 0);
		int i = !state			     ? OUTBOX_PENDING :
			!strcmp(state, "delivered") ? OUTBOX_DELIVERED :
			!strcmp(state, "dead")	     ? OUTBOX_DEAD : OUTBOX_PENDING;

		out->rows[i] += sqlite3_column_int64(stmt, 1);
		out->failed_attempts += sqlite3_column_int64(stmt, 2);
		out->retrying += sqlite3_column_int64(stmt, 3);
	}
	rc = rc == SQLITE_DONE ? GW_OK : store_sqlite_rc(s, rc, "outbox counts");
	sqlite3_finalize(stmt);
	return rc;
}
