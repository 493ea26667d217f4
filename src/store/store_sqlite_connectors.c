/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_connectors.c - connector state (current row + append-only
 * history) and the id-token table.
 *
 * Invariant: every store_connector_set() writes both the current row and
 * one history row in the caller's batch, so the two never disagree.  The
 * current row is overwritten by arrival order, not by pile time: a replayed
 * offline status is history, and the detectors read the history.
 */
#include <string.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

int store_sqlite_connector_set(struct store *st, const char *pile, const struct status_report *r,
			       enum conn_source source, int64_t recv_ms, int64_t frame_seq)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sqlite_prep(s, SQ_CONN_UPSERT,
				 "INSERT INTO connectors(pile, evse_id, connector_id, state, plugged,"
				 " error_code, info, pile_ms, recv_ms, frame_seq)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
				 " ON CONFLICT(pile, evse_id, connector_id) DO UPDATE SET"
				 " state = excluded.state, plugged = excluded.plugged,"
				 " error_code = excluded.error_code, info = excluded.info,"
				 " pile_ms = excluded.pile_ms, recv_ms = excluded.recv_ms,"
				 " frame_seq = excluded.frame_seq");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, r->evse_id);
	sqlite3_bind_int(stmt, 3, r->connector_id);
	store_sqlite_bind_text(stmt, 4, store_conn_name(r->state));
	sqlite3_bind_int(stmt, 5, (int)r->plugged);
	store_sqlite_bind_text(stmt, 6, r->error_code);
	store_sqlite_bind_text(stmt, 7, r->info);
	sqlite3_bind_int64(stmt, 8, r->pile_ms);
	sqlite3_bind_int64(stmt, 9, recv_ms);
	sqlite3_bind_int64(stmt, 10, frame_seq);
	if ((rc = store_sqlite_exec(s, stmt, "connector upsert")) != GW_OK)
		return rc;

	stmt = store_sqlite_prep(s, SQ_CONN_HISTORY,
				 "INSERT INTO connector_status_history(pile, evse_id, connector_id,"
				 " state, plugged, error_code, info, vendor_id, vendor_error,"
				 " raw_status, source, pile_ms, recv_ms, frame_seq)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, r->evse_id);
	sqlite3_bind_int(stmt, 3, r->connector_id);
	store_sqlite_bind_text(stmt, 4, store_conn_name(r->state));
	sqlite3_bind_int(stmt, 5, (int)r->plugged);
	store_sqlite_bind_text(stmt, 6, r->error_code);
	store_sqlite_bind_text(stmt, 7, r->info);
	store_sqlite_bind_text(stmt, 8, r->vendor_id);
	store_sqlite_bind_text(stmt, 9, r->vendor_error);
	store_sqlite_bind_text(stmt, 10, r->raw_status);
	store_sqlite_bind_text(stmt, 11, source == CONN_SRC_TX_EVENT ? "tx_event" : "status");
	sqlite3_bind_int64(stmt, 12, r->pile_ms);
	sqlite3_bind_int64(stmt, 13, recv_ms);
	sqlite3_bind_int64(stmt, 14, frame_seq);
	return store_sqlite_exec(s, stmt, "connector history insert");
}

/* sq_read_fn over CONNECTOR_COLS, for every query of a connector row. */
void store_sqlite_read_connector(sqlite3_stmt *stmt, void *row)
{
	struct connector_row *r = row;
	char state[24];

	memset(r, 0, sizeof(*r));
	SQ_TEXT(stmt, 0, r->pile);
	r->evse_id = sqlite3_column_int(stmt, 1);
	r->connector_id = sqlite3_column_int(stmt, 2);
	SQ_TEXT(stmt, 3, state);
	r->state = store_conn_parse(state);
	r->plugged = (enum plug_evidence)sqlite3_column_int(stmt, 4);
	SQ_TEXT(stmt, 5, r->error_code);
	SQ_TEXT(stmt, 6, r->info);
	r->pile_ms = sqlite3_column_int64(stmt, 7);
	r->recv_ms = sqlite3_column_int64(stmt, 8);
	r->frame_seq = sqlite3_column_int64(stmt, 9);
}

int store_sqlite_connector_get(struct store *st, const char *pile, int evse_id, int connector_id,
			       struct connector_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_CONN_GET,
				 "SELECT " CONNECTOR_COLS " FROM connectors"
				 " WHERE pile = ?1 AND evse_id = ?2 AND connector_id = ?3");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, evse_id);
	sqlite3_bind_int(stmt, 3, connector_id);
	return store_sqlite_get_row(s, stmt, store_sqlite_read_connector, out, "connector get");
}

int store_sqlite_connector_history_count(struct store *st, const char *pile, int evse_id,
					 int connector_id, int64_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sqlite_prep(s, SQ_CONN_HISTORY_COUNT,
				 "SELECT count(*) FROM connector_status_history"
				 " WHERE pile = ?1 AND evse_id = ?2 AND connector_id = ?3");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, evse_id);
	sqlite3_bind_int(stmt, 3, connector_id);
	rc = store_sqlite_step_row(s, stmt, "connector history count");
	if (rc == GW_OK)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc;
}

/* ---- id tokens ------------------------------------------------------- */

static void read_token(sqlite3_stmt *stmt, void *row)
{
	struct token_row *t = row;
	memset(t, 0, sizeof(*t));
	SQ_TEXT(stmt, 0, t->id);
	SQ_TEXT(stmt, 1, t->status);
	t->expiry_ms = sqlite3_column_int64(stmt, 2);
	SQ_TEXT(stmt, 3, t->group_id);
	t->updated_ms = sqlite3_column_int64(stmt, 4);
}

int store_sqlite_token_get(struct store *st, const char *id, struct token_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_TOKEN_GET,
				 "SELECT id, status, expiry_ms, group_id, updated_ms FROM id_tokens"
				 " WHERE id = ?1 COLLATE NOCASE");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, id);
	return store_sqlite_get_row(s, stmt, read_token, out, "token get");
}

int store_sqlite_token_upsert(struct store *st, const struct token_row *t)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!t || !t->id[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_TOKEN_UPSERT,
				 "INSERT INTO id_tokens(id, status, expiry_ms, group_id, updated_ms)"
				 " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET"
				 " status = excluded.status, expiry_ms = excluded.expiry_ms,"
				 " group_id = excluded.group_id, updated_ms = excluded.updated_ms");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, t->id);
	store_sqlite_bind_text(stmt, 2, t->status);
	sqlite3_bind_int64(stmt, 3, t->expiry_ms);
	store_sqlite_bind_text(stmt, 4, t->group_id);
	sqlite3_bind_int64(stmt, 5, t->updated_ms);
	return store_sqlite_exec(s, stmt, "token upsert");
}

int store_sqlite_token_list(struct store *st, const char *after, struct token_row *rows,
			    size_t cap, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*n = 0;
	stmt = store_sqlite_prep(s, SQ_TOKEN_LIST,
				 "SELECT id, status, expiry_ms, group_id, updated_ms FROM id_tokens"
				 " WHERE id > ?1 ORDER BY id LIMIT ?2");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, after);
	sqlite3_bind_int64(stmt, 2, (int64_t)cap);
	return store_sqlite_list_rows(s, stmt, read_token, rows, sizeof(*rows), cap, n,
				      "token list");
}
