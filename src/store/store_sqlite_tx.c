/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_tx.c - transactions of both versions and the 2.0.1
 * transaction-event log.
 *
 * Idempotency keys live here (PROTOCOL.md 4 rule 3): the 1.6 content key
 * (pile, connector, idTag, meterStart, timestamp +-2 s) is a range query on
 * index tx_dup; the 2.0.1 key (pile, transactionId, seqNo) is a UNIQUE
 * constraint on tx_events, so a replay becomes GW_EDUP at insert time, even
 * when two copies arrive in one batch.
 */
#include <string.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

#define TX_COLS                                                                              \
	"id, pile, pile_tx_id, evse_id, connector_id, id_token, auth_status, state, orphan,"  \
	" orphan_ref, meter_start_wh, start_pile_ms, start_recv_ms, meter_stop_wh,"           \
	" stop_pile_ms, stop_recv_ms, stop_reason, last_seq_no, reservation_id,"              \
	" remote_start_id, start_frame_seq, end_frame_seq"

static void read_row(sqlite3_stmt *stmt, void *row)
{
	struct tx_row *t = row;
	char word[24];

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(stmt, 0);
	SQ_TEXT(stmt, 1, t->pile);
	SQ_TEXT(stmt, 2, t->pile_tx_id);
	t->evse_id = sqlite3_column_int(stmt, 3);
	t->connector_id = sqlite3_column_int(stmt, 4);
	SQ_TEXT(stmt, 5, t->id_token);
	SQ_TEXT(stmt, 6, word);
	t->auth_status = store_auth_parse(word);
	SQ_TEXT(stmt, 7, word);
	t->state = strcmp(word, "ended") == 0 ? TXS_ENDED : TXS_OPEN;
	t->orphan = sqlite3_column_int(stmt, 8);
	t->orphan_ref = sqlite3_column_int64(stmt, 9);
	t->have_meter_start = sqlite3_column_type(stmt, 10) != SQLITE_NULL;
	t->meter_start_wh = sqlite3_column_int64(stmt, 10);
	t->start_pile_ms = sqlite3_column_int64(stmt, 11);
	t->start_recv_ms = sqlite3_column_int64(stmt, 12);
	t->have_meter_stop = sqlite3_column_type(stmt, 13) != SQLITE_NULL;
	t->meter_stop_wh = sqlite3_column_int64(stmt, 13);
	t->stop_pile_ms = sqlite3_column_int64(stmt, 14);
	t->stop_recv_ms = sqlite3_column_int64(stmt, 15);
	SQ_TEXT(stmt, 16, t->stop_reason);
	t->last_seq_no = sqlite3_column_int64(stmt, 17);
	t->reservation_id = sqlite3_column_int(stmt, 18);
	t->remote_start_id = sqlite3_column_int(stmt, 19);
	t->start_frame_seq = sqlite3_column_int64(stmt, 20);
	t->end_frame_seq = sqlite3_column_int64(stmt, 21);
}

/* Bind the mutable fields at ?3 .. ?22 (insert and update share them). */
static void bind_fields(sqlite3_stmt *stmt, const struct tx_row *t)
{
	store_sqlite_bind_text(stmt, 3, t->pile_tx_id);
	sqlite3_bind_int(stmt, 4, t->evse_id);
	sqlite3_bind_int(stmt, 5, t->connector_id);
	store_sqlite_bind_text(stmt, 6, t->id_token);
	store_sqlite_bind_text(stmt, 7, store_auth_name(t->auth_status));
	store_sqlite_bind_text(stmt, 8, t->state == TXS_ENDED ? "ended" : "open");
	sqlite3_bind_int(stmt, 9, t->orphan);
	sqlite3_bind_int64(stmt, 10, t->orphan_ref);
	store_sqlite_bind_opt_i64(stmt, 11, t->have_meter_start, t->meter_start_wh);
	sqlite3_bind_int64(stmt, 12, t->start_pile_ms);
	sqlite3_bind_int64(stmt, 13, t->start_recv_ms);
	store_sqlite_bind_opt_i64(stmt, 14, t->have_meter_stop, t->meter_stop_wh);
	sqlite3_bind_int64(stmt, 15, t->stop_pile_ms);
	sqlite3_bind_int64(stmt, 16, t->stop_recv_ms);
	store_sqlite_bind_text(stmt, 17, t->stop_reason);
	sqlite3_bind_int64(stmt, 18, t->last_seq_no);
	sqlite3_bind_int(stmt, 19, t->reservation_id);
	sqlite3_bind_int(stmt, 20, t->remote_start_id);
	sqlite3_bind_int64(stmt, 21, t->start_frame_seq);
	sqlite3_bind_int64(stmt, 22, t->end_frame_seq);
}

int store_sqlite_tx_insert(struct store *st, struct tx_row *row)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (!row || !row->pile[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_TX_INSERT,
				 "INSERT INTO transactions(" TX_COLS ") VALUES(NULL, ?2, ?3, ?4, ?5,"
				 " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
				 " ?20, ?21, ?22)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 2, row->pile);
	bind_fields(stmt, row);
	rc = store_sqlite_exec(s, stmt, "tx insert");
	if (rc == GW_OK)
		row->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_sqlite_tx_update(struct store *st, const struct tx_row *row)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sqlite_prep(s, SQ_TX_UPDATE,
				 "UPDATE transactions SET pile_tx_id = ?3, evse_id = ?4,"
				 " connector_id = ?5, id_token = ?6, auth_status = ?7, state = ?8,"
				 " orphan = ?9, orphan_ref = ?10, meter_start_wh = ?11,"
				 " start_pile_ms = ?12, start_recv_ms = ?13, meter_stop_wh = ?14,"
				 " stop_pile_ms = ?15, stop_recv_ms = ?16, stop_reason = ?17,"
				 " last_seq_no = ?18, reservation_id = ?19, remote_start_id = ?20,"
				 " start_frame_seq = ?21, end_frame_seq = ?22 WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, row->id);
	bind_fields(stmt, row);
	rc = store_sqlite_exec(s, stmt, "tx update");
	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		rc = GW_ENOTFOUND;
	return rc;
}

int store_sqlite_tx_get(struct store *st, int64_t id, struct tx_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_TX_GET, "SELECT " TX_COLS " FROM transactions WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	return store_sqlite_get_row(s, stmt, read_row, out, "tx get");
}

int store_sqlite_tx_get_by_pile_tx(struct store *st, const char *pile, const char *pile_tx_id,
				   struct tx_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!pile_tx_id || !pile_tx_id[0])
		return GW_ENOTFOUND;
	stmt = store_sqlite_prep(s, SQ_TX_GET_PILE_TX,
				 "SELECT " TX_COLS " FROM transactions"
				 " WHERE pile = ?1 AND pile_tx_id = ?2 AND pile_tx_id <> ''");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	store_sqlite_bind_text(stmt, 2, pile_tx_id);
	return store_sqlite_get_row(s, stmt, read_row, out, "tx get by pile tx");
}

int store_sqlite_tx_get_orphan(struct store *st, const char *pile, int64_t orphan_ref,
			       struct tx_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_TX_GET_ORPHAN,
				 "SELECT " TX_COLS " FROM transactions"
				 " WHERE pile = ?1 AND orphan_ref = ?2 AND orphan = 1 AND pile_tx_id = ''"
				 " ORDER BY id DESC LIMIT 1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int64(stmt, 2, orphan_ref);
	return store_sqlite_get_row(s, stmt, read_row, out, "tx get orphan");
}

int store_sqlite_tx_find_start_dup(struct store *st, const char *pile, int connector_id,
				   const char *id_token, int64_t meter_start_wh,
				   int64_t start_pile_ms, struct tx_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	/* The range on start_pile_ms keeps this an index search on tx_dup. */
	stmt = store_sqlite_prep(s, SQ_TX_FIND_DUP,
				 "SELECT " TX_COLS " FROM transactions"
				 " WHERE pile = ?1 AND connector_id = ?2 AND id_token = ?3 COLLATE NOCASE"
				 " AND meter_start_wh = ?4 AND start_pile_ms BETWEEN ?5 - ?6 AND ?5 + ?6"
				 " AND pile_tx_id = '' AND orphan = 0"
				 " ORDER BY abs(start_pile_ms - ?5), id LIMIT 1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, connector_id);
	store_sqlite_bind_text(stmt, 3, id_token);
	sqlite3_bind_int64(stmt, 4, meter_start_wh);
	sqlite3_bind_int64(stmt, 5, start_pile_ms);
	sqlite3_bind_int64(stmt, 6, STORE_TX_WINDOW_MS);
	return store_sqlite_get_row(s, stmt, read_row, out, "tx find duplicate start");
}

int store_sqlite_tx_list_open(struct store *st, const char *pile, int evse_id, int connector_id,
			      struct tx_row *rows, size_t cap, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*n = 0;
	stmt = store_sqlite_prep(s, SQ_TX_LIST_OPEN,
				 "SELECT " TX_COLS " FROM transactions"
				 " WHERE pile = ?1 AND connector_id = ?3 AND state = 'open'"
				 " AND (?2 < 0 OR evse_id = ?2) ORDER BY id LIMIT ?4");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, evse_id);
	sqlite3_bind_int(stmt, 3, connector_id);
	sqlite3_bind_int64(stmt, 4, (int64_t)cap);
	return store_sqlite_list_rows(s, stmt, read_row, rows, sizeof(*rows), cap, n,
				      "tx list open");
}

int store_sqlite_tx_find_open_by_token(struct store *st, const char *id_token,
				       struct tx_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!id_token || !id_token[0])
		return GW_ENOTFOUND;
	stmt = store_sqlite_prep(s, SQ_TX_OPEN_BY_TOKEN,
				 "SELECT " TX_COLS " FROM transactions"
				 " WHERE id_token = ?1 COLLATE NOCASE AND state = 'open' ORDER BY id DESC LIMIT 1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, id_token);
	return store_sqlite_get_row(s, stmt, read_row, out, "tx open by token");
}

int store_sqlite_tx_event_insert(struct store *st, const char *pile, const struct tx_event *ev,
				 int64_t recv_ms, int64_t frame_seq)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_TX_EVENT_INSERT,
				 "INSERT INTO tx_events(pile, pile_tx_id, seq_no, kind, trigger,"
				 " charging_state, id_token, stop_reason, meter_wh, pile_ms, recv_ms,"
				 " offline, frame_seq)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	store_sqlite_bind_text(stmt, 2, ev->pile_tx_id);
	sqlite3_bind_int64(stmt, 3, ev->seq_no);
	store_sqlite_bind_text(stmt, 4, store_kind_name(ev->kind));
	store_sqlite_bind_text(stmt, 5, ev->trigger);
	store_sqlite_bind_text(stmt, 6, store_conn_name(ev->charging_state));
	store_sqlite_bind_text(stmt, 7, ev->id_token);
	store_sqlite_bind_text(stmt, 8, ev->stop_reason);
	store_sqlite_bind_opt_i64(stmt, 9, ev->have_meter, ev->meter_wh);
	sqlite3_bind_int64(stmt, 10, ev->pile_ms);
	sqlite3_bind_int64(stmt, 11, recv_ms);
	sqlite3_bind_int(stmt, 12, ev->offline);
	sqlite3_bind_int64(stmt, 13, frame_seq);
	return store_sqlite_exec(s, stmt, "tx event insert");
}
