/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_cases.c - refund cases and their evidence items (DESIGN.md
 * "Billing anomalies -> refund cases").
 *
 * Invariants: UNIQUE(order_id, rule) makes "a case is opened once per
 * (order, rule)" a property of the table, so a re-judgement can only amend
 * (GW_EDUP tells the caller to update instead).  Evidence is append-only
 * (triggers refuse UPDATE and DELETE); an item's seq is 1 + the case's last
 * one, computed in the INSERT itself, so two items never share a seq.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

#define CASE_COLS                                                                            \
	"id, order_id, rule, tier, state, auto_approved, amount_minor, currency, billed_minor," \
	" rerated_minor, window_from_ms, window_to_ms, explain, manifest_sha256, opened_ms,"    \
	" ack_due_ms, decide_due_ms, acked_ms, decided_ms, sla_flags, appeals, updated_ms"

static void read_row(sqlite3_stmt *stmt, void *row)
{
	struct case_row *c = row;
	char word[24];

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(stmt, 0);
	c->order_id = sqlite3_column_int64(stmt, 1);
	SQ_TEXT(stmt, 2, c->rule);
	SQ_TEXT(stmt, 3, word);
	c->tier = word[0];
	SQ_TEXT(stmt, 4, word);
	store_case_state_parse(word, &c->state);
	c->auto_approved = sqlite3_column_int(stmt, 5);
	c->amount_minor = sqlite3_column_int64(stmt, 6);
	SQ_TEXT(stmt, 7, c->currency);
	c->billed_minor = sqlite3_column_int64(stmt, 8);
	c->rerated_minor = sqlite3_column_int64(stmt, 9);
	c->window_from_ms = sqlite3_column_int64(stmt, 10);
	c->window_to_ms = sqlite3_column_int64(stmt, 11);
	SQ_TEXT(stmt, 12, c->explain);
	SQ_TEXT(stmt, 13, c->manifest_sha256);
	c->opened_ms = sqlite3_column_int64(stmt, 14);
	c->ack_due_ms = sqlite3_column_int64(stmt, 15);
	c->decide_due_ms = sqlite3_column_int64(stmt, 16);
	c->acked_ms = sqlite3_column_int64(stmt, 17);
	c->decided_ms = sqlite3_column_int64(stmt, 18);
	c->sla_flags = sqlite3_column_int(stmt, 19);
	c->appeals = sqlite3_column_int(stmt, 20);
	c->updated_ms = sqlite3_column_int64(stmt, 21);
}

/* Bind ?4 .. ?22 (column index + 1) except ?15 (opened_ms, insert only);
 * tier must outlive the step. */
static void bind_fields(sqlite3_stmt *stmt, const struct case_row *c, const char *tier)
{
	sqlite3_bind_text(stmt, 4, tier, 1, SQLITE_STATIC);
	store_sqlite_bind_text(stmt, 5, store_case_state_name(c->state));
	sqlite3_bind_int(stmt, 6, c->auto_approved ? 1 : 0);
	sqlite3_bind_int64(stmt, 7, c->amount_minor);
	sqlite3_bind_text(stmt, 8, c->currency, (int)strnlen(c->currency, sizeof(c->currency)),
			  SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 9, c->billed_minor);
	sqlite3_bind_int64(stmt, 10, c->rerated_minor);
	sqlite3_bind_int64(stmt, 11, c->window_from_ms);
	sqlite3_bind_int64(stmt, 12, c->window_to_ms);
	sqlite3_bind_text(stmt, 13, c->explain, (int)strnlen(c->explain, sizeof(c->explain)),
			  SQLITE_STATIC);
	sqlite3_bind_text(stmt, 14, c->manifest_sha256,
			  (int)strnlen(c->manifest_sha256, sizeof(c->manifest_sha256)),
			  SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 16, c->ack_due_ms);
	sqlite3_bind_int64(stmt, 17, c->decide_due_ms);
	sqlite3_bind_int64(stmt, 18, c->acked_ms);
	sqlite3_bind_int64(stmt, 19, c->decided_ms);
	sqlite3_bind_int(stmt, 20, c->sla_flags);
	sqlite3_bind_int(stmt, 21, c->appeals);
	sqlite3_bind_int64(stmt, 22, c->updated_ms);
}

int store_sqlite_case_insert(struct store *st, struct case_row *row)
{
	struct sq_store *s = sq(st);
	char tier[2];
	sqlite3_stmt *stmt;
	int rc;

	if (!row || !row->rule[0] || (row->tier != 'A' && row->tier != 'B' && row->tier != 'C'))
		return GW_EINVAL;
	tier[0] = row->tier;
	tier[1] = '\0';
	stmt = store_sqlite_prep(s, SQ_CASE_INSERT,
				 "INSERT INTO refund_cases(" CASE_COLS ") VALUES(NULL, ?2, ?3, ?4, ?5,"
				 " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
				 " ?20, ?21, ?22)");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 2, row->order_id);
	sqlite3_bind_text(stmt, 3, row->rule, (int)strnlen(row->rule, sizeof(row->rule)),
			  SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 15, row->opened_ms);
	bind_fields(stmt, row, tier);
	rc = store_sqlite_exec(s, stmt, "case insert");
	if (rc == GW_OK)
		row->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_sqlite_case_update(struct store *st, const struct case_row *row)
{
	struct sq_store *s = sq(st);
	char tier[2];
	sqlite3_stmt *stmt;
	int rc;

	if (!row || (row->tier != 'A' && row->tier != 'B' && row->tier != 'C'))
		return GW_EINVAL;
	tier[0] = row->tier;
	tier[1] = '\0';
	stmt = store_sqlite_prep(s, SQ_CASE_UPDATE,
				 "UPDATE refund_cases SET tier = ?4, state = ?5, auto_approved = ?6,"
				 " amount_minor = ?7, currency = ?8, billed_minor = ?9,"
				 " rerated_minor = ?10, window_from_ms = ?11, window_to_ms = ?12,"
				 " explain = ?13, manifest_sha256 = ?14, ack_due_ms = ?16,"
				 " decide_due_ms = ?17, acked_ms = ?18, decided_ms = ?19,"
				 " sla_flags = ?20, appeals = ?21, updated_ms = ?22 WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, row->id);
	bind_fields(stmt, row, tier);
	rc = store_sqlite_exec(s, stmt, "case update");
	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		rc = GW_ENOTFOUND;
	return rc;
}

int store_sqlite_case_get(struct store *st, int64_t id, struct case_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_CASE_GET,
				 "SELECT " CASE_COLS " FROM refund_cases WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	return store_sqlite_get_row(s, stmt, read_row, out, "case get");
}

int store_sqlite_case_get_by_rule(struct store *st, int64_t order_id, const char *rule,
				  struct case_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_CASE_GET_RULE,
				 "SELECT " CASE_COLS " FROM refund_cases WHERE order_id = ?1"
				 " AND rule = ?2");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, order_id);
	store_sqlite_bind_text(stmt, 2, rule);
	return store_sqlite_get_row(s, stmt, read_row, out, "case get by rule");
}

int store_sqlite_case_list_by_order(struct store *st, int64_t order_id, struct case_row *rows,
				    size_t cap, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*n = 0;
	stmt = store_sqlite_prep(s, SQ_CASE_LIST_ORDER,
				 "SELECT " CASE_COLS " FROM refund_cases WHERE order_id = ?1"
				 " ORDER BY id LIMIT ?2");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, order_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)cap);
	return store_sqlite_list_rows(s, stmt, read_row, rows, sizeof(*rows), cap, n,
				      "case list by order");
}

int store_sqlite_case_list_open(struct store *st, int64_t after_id, struct case_row *rows,
				size_t cap, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*n = 0;
	stmt = store_sqlite_prep(s, SQ_CASE_LIST_OPEN,
				 "SELECT " CASE_COLS " FROM refund_cases WHERE id > ?1 AND " SQ_CASE_OPEN
				 " ORDER BY id LIMIT ?2");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, after_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)cap);
	return store_sqlite_list_rows(s, stmt, read_row, rows, sizeof(*rows), cap, n,
				      "case list open");
}

/* ---- evidence -------------------------------------------------------- */

int store_sqlite_case_evidence_append(struct store *st, int64_t case_id, const char *kind,
				      const char *ref, const char *body, int64_t *seq_out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (!kind || !kind[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_EVID_INSERT,
				 "INSERT INTO case_evidence(case_id, seq, kind, ref, body)"
				 " SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4 FROM case_evidence"
				 " WHERE case_id = ?1 RETURNING seq");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, case_id);
	store_sqlite_bind_text(stmt, 2, kind);
	store_sqlite_bind_text(stmt, 3, ref);
	store_sqlite_bind_text(stmt, 4, body);
	rc = store_sqlite_step_row(s, stmt, "case evidence append");
	if (rc == GW_OK && seq_out)
		*seq_out = sqlite3_column_int64(stmt, 0);
	if (rc == GW_OK) /* finish the statement: RETURNING writes on the last step */
		rc = store_sqlite_rc(s, sqlite3_step(stmt), "case evidence append");
	sqlite3_reset(stmt);
	return rc;
}

void store_case_evidence_free(struct case_evidence_row *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		GW_FREE(rows[i].body);
	gw_free(rows);
}

int store_sqlite_case_evidence_list(struct store *st, int64_t case_id,
				    struct case_evidence_row **rows, size_t *n)
{
	struct sq_store *s = sq(st);
	struct case_evidence_row *buf = NULL, *r;
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	stmt = store_sqlite_prep(s, SQ_EVID_LIST,
				 "SELECT case_id, seq, kind, ref, body FROM case_evidence"
				 " WHERE case_id = ?1 ORDER BY seq");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, case_id);
	while ((rc = store_sqlite_step_row(s, stmt, "case evidence list")) == GW_OK) {
		const char *body;

		if ((rc = store_sqlite_grow((void **)&buf, &cap, *n, sizeof(*buf))) != GW_OK)
			break;
		r = &buf[*n];
		memset(r, 0, sizeof(*r));
		r->case_id = sqlite3_column_int64(stmt, 0);
		r->seq = sqlite3_column_int64(stmt, 1);
		SQ_TEXT(stmt, 2, r->kind);
		SQ_TEXT(stmt, 3, r->ref);
		body = (const char *)sqlite3_column_text(stmt, 4);
		r->body = gw_strndup(body ? body : "", (size_t)sqlite3_column_bytes(stmt, 4));
		if (!r->body) {
			rc = GW_ENOMEM;
			break;
		}
		(*n)++;
	}
	sqlite3_reset(stmt);
	if (rc != GW_ENOTFOUND) {
		store_case_evidence_free(buf, *n);
		*n = 0;
		return rc == GW_OK ? GW_EINTERNAL : rc;
	}
	if (*n == 0)
		GW_FREE(buf);
	*rows = buf;
	return GW_OK;
}
