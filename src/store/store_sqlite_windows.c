/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_windows.c - the evidence queries of a refund case and the
 * timeline of an order: a pile's raw frames in a time window (without
 * payloads: seq + hash identify them in the chain), a connector's status
 * history in a window (with the state in force at its start), and the
 * commands we sent a pile in a window.
 *
 * Every op fills an allocated array (gw_free by the caller) of at most max
 * rows and resets what it stepped.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

/* Step stmt into a growing array of elem-sized rows via read(); at most
 * max rows.  On error the array is freed. */
static int collect(struct sq_store *s, sqlite3_stmt *stmt, size_t max, size_t elem,
		   void (*read)(sqlite3_stmt *, void *), void **rows, size_t *n, const char *what)
{
	void *buf = *rows;
	size_t cap = *n;
	int rc = GW_OK;

	while (*n < max && (rc = store_sqlite_step_row(s, stmt, what)) == GW_OK) {
		if ((rc = store_sqlite_grow(&buf, &cap, *n, elem)) != GW_OK)
			break;
		read(stmt, (char *)buf + *n * elem);
		(*n)++;
	}
	sqlite3_reset(stmt);
	if (rc == GW_ENOTFOUND)
		rc = GW_OK;
	if (rc != GW_OK || *n == 0) {
		GW_FREE(buf);
		*n = 0;
	}
	*rows = buf;
	return rc;
}

static void hex(const unsigned char *b, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < cap; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * i] = '\0';
}

static void read_frame(sqlite3_stmt *stmt, void *p)
{
	struct frame_row *f = p;
	char dir[8];

	memset(f, 0, sizeof(*f));
	f->seq = sqlite3_column_int64(stmt, 0);
	SQ_TEXT(stmt, 1, dir);
	f->dir = strcmp(dir, "out") == 0 ? FRAME_OUT : FRAME_IN;
	SQ_TEXT(stmt, 2, f->msg_id);
	f->msg_type = sqlite3_column_int(stmt, 3);
	SQ_TEXT(stmt, 4, f->action);
	f->pile_ms = sqlite3_column_int64(stmt, 5);
	f->recv_ms = sqlite3_column_int64(stmt, 6);
	hex(sqlite3_column_blob(stmt, 7), (size_t)sqlite3_column_bytes(stmt, 7), f->hash_hex,
	    sizeof(f->hash_hex));
}

int store_sqlite_frames_window(struct store *st, const char *pile, int64_t from_ms,
			       int64_t to_ms, size_t max, struct frame_row **rows, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*rows = NULL;
	*n = 0;
	stmt = store_sqlite_prep(s, SQ_FRAMES_WINDOW,
				 "SELECT seq, direction, msg_id, msg_type, action, pile_ms, recv_ms,"
				 " hash FROM frames WHERE pile = ?1 AND recv_ms BETWEEN ?2 AND ?3"
				 " ORDER BY seq LIMIT ?4");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int64(stmt, 2, from_ms);
	sqlite3_bind_int64(stmt, 3, to_ms);
	sqlite3_bind_int64(stmt, 4, (int64_t)max);
	return collect(s, stmt, max, sizeof(**rows), read_frame, (void **)rows, n, "frames window");
}

#define HIST_COLS                                                                           \
	"id, evse_id, connector_id, state, plugged, error_code, raw_status, source, pile_ms," \
	" recv_ms, frame_seq"

static void read_hist(sqlite3_stmt *stmt, void *p)
{
	struct status_hist_row *h = p;
	char word[24];

	memset(h, 0, sizeof(*h));
	h->id = sqlite3_column_int64(stmt, 0);
	h->evse_id = sqlite3_column_int(stmt, 1);
	h->connector_id = sqlite3_column_int(stmt, 2);
	SQ_TEXT(stmt, 3, word);
	h->state = store_conn_parse(word);
	h->plugged = (enum plug_evidence)sqlite3_column_int(stmt, 4);
	SQ_TEXT(stmt, 5, h->error_code);
	SQ_TEXT(stmt, 6, h->raw_status);
	SQ_TEXT(stmt, 7, word);
	h->source = strcmp(word, "tx_event") == 0 ? CONN_SRC_TX_EVENT : CONN_SRC_STATUS;
	h->pile_ms = sqlite3_column_int64(stmt, 8);
	h->recv_ms = sqlite3_column_int64(stmt, 9);
	h->frame_seq = sqlite3_column_int64(stmt, 10);
}

int store_sqlite_connector_history_window(struct store *st, const char *pile, int evse_id,
					  int connector_id, int64_t from_ms, int64_t to_ms,
					  size_t max, struct status_hist_row **rows, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	*rows = NULL;
	*n = 0;
	if (max == 0)
		return GW_OK;
	/* the state in force at from_ms: the newest row before it */
	stmt = store_sqlite_prep(s, SQ_HIST_BEFORE,
				 "SELECT " HIST_COLS " FROM connector_status_history WHERE pile = ?1"
				 " AND evse_id = ?2 AND connector_id = ?3 AND pile_ms < ?4"
				 " ORDER BY pile_ms DESC, id DESC LIMIT 1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, evse_id);
	sqlite3_bind_int(stmt, 3, connector_id);
	sqlite3_bind_int64(stmt, 4, from_ms);
	if ((rc = collect(s, stmt, 1, sizeof(**rows), read_hist, (void **)rows, n,
			  "connector history before")) != GW_OK)
		return rc;
	stmt = store_sqlite_prep(s, SQ_HIST_WINDOW,
				 "SELECT " HIST_COLS " FROM connector_status_history WHERE pile = ?1"
				 " AND evse_id = ?2 AND connector_id = ?3 AND pile_ms BETWEEN ?4 AND ?5"
				 " ORDER BY pile_ms, id LIMIT ?6");
	if (!stmt) {
		GW_FREE(*rows);
		*n = 0;
		return GW_ESTORE;
	}
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int(stmt, 2, evse_id);
	sqlite3_bind_int(stmt, 3, connector_id);
	sqlite3_bind_int64(stmt, 4, from_ms);
	sqlite3_bind_int64(stmt, 5, to_ms);
	sqlite3_bind_int64(stmt, 6, (int64_t)max);
	return collect(s, stmt, max, sizeof(**rows), read_hist, (void **)rows, n,
		       "connector history window");
}

static void read_cmd(sqlite3_stmt *stmt, void *p)
{
	struct command_row *c = p;
	char word[24];

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(stmt, 0);
	SQ_TEXT(stmt, 1, c->msg_id);
	SQ_TEXT(stmt, 2, c->action);
	SQ_TEXT(stmt, 3, c->payload);
	c->sent_ms = sqlite3_column_int64(stmt, 4);
	SQ_TEXT(stmt, 5, word);
	c->outcome = store_cmd_outcome_parse(word);
	SQ_TEXT(stmt, 6, c->answer);
	c->done_ms = sqlite3_column_int64(stmt, 7);
}

int store_sqlite_commands_window(struct store *st, const char *pile, int64_t from_ms,
				 int64_t to_ms, size_t max, struct command_row **rows, size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*rows = NULL;
	*n = 0;
	stmt = store_sqlite_prep(s, SQ_CMD_WINDOW,
				 "SELECT id, msg_id, action, payload, sent_ms, outcome, answer, done_ms"
				 " FROM commands WHERE pile = ?1 AND sent_ms BETWEEN ?2 AND ?3"
				 " ORDER BY id LIMIT ?4");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	sqlite3_bind_int64(stmt, 2, from_ms);
	sqlite3_bind_int64(stmt, 3, to_ms);
	sqlite3_bind_int64(stmt, 4, (int64_t)max);
	return collect(s, stmt, max, sizeof(**rows), read_cmd, (void **)rows, n, "commands window");
}
