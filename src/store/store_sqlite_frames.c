/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_frames.c - the raw frame log, hash-chained per pile
 * (DESIGN.md "Raw frames"; format of the hash in store.h).
 *
 * The previous link is read from the store inside the caller's batch,
 * never from a process cache: after store_rollback_to() the rolled-back
 * rows are gone and so is their link, and a second process appending to
 * the same file (or a PostgreSQL twin of this code) sees the same truth.
 * It lives in frame_heads (pile -> seq and hash of its newest frame,
 * migrate.c v6), written by every append in the same statement batch as
 * the row: one small table whose pages all piles share, where an index
 * frames(pile, seq) cost one more WAL page per frame.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_sqlite_int.h"

/* The fields of one row that the hash covers. */
struct frame_fields {
	const char *pile, *dir, *msg_id, *action, *payload;
	size_t payload_len;
	int msg_type;
	int have_pile_ms;
	int64_t pile_ms, recv_ms;
};

static int put(EVP_MD_CTX *md, const void *p, size_t len)
{
	unsigned char be[4] = { (unsigned char)(len >> 24), (unsigned char)(len >> 16),
				(unsigned char)(len >> 8), (unsigned char)len };

	return EVP_DigestUpdate(md, be, 4) && (len == 0 || EVP_DigestUpdate(md, p, len));
}

static int put_str(EVP_MD_CTX *md, const char *s)
{
	return put(md, s, strlen(s));
}

static int put_i64(EVP_MD_CTX *md, int have, int64_t v)
{
	char buf[24];
	int len = have ? snprintf(buf, sizeof(buf), "%" PRId64, v) : 0;

	return put(md, buf, (size_t)len);
}

/* out = SHA-256(prev || F(fields)...); GW_OK or GW_EINTERNAL. */
static int frame_hash(struct sq_store *s, const uint8_t prev[STORE_HASH_LEN],
		      const struct frame_fields *f, uint8_t out[STORE_HASH_LEN])
{
	EVP_MD_CTX *md = s->md;
	unsigned int len = 0;

	if (!EVP_DigestInit_ex(md, s->sha256, NULL) ||
	    !EVP_DigestUpdate(md, prev, STORE_HASH_LEN) || !put_str(md, f->pile) ||
	    !put_str(md, f->dir) || !put_str(md, f->msg_id) ||
	    !put_i64(md, 1, f->msg_type) || !put_str(md, f->action) ||
	    !put(md, f->payload, f->payload_len) || !put_i64(md, f->have_pile_ms, f->pile_ms) ||
	    !put_i64(md, 1, f->recv_ms) || !EVP_DigestFinal_ex(md, out, &len) ||
	    len != STORE_HASH_LEN)
		return GW_EINTERNAL;
	return GW_OK;
}

/* prev = the pile's newest hash, or zeros for its first frame. */
static int last_hash(struct sq_store *s, const char *pile, uint8_t prev[STORE_HASH_LEN])
{
	sqlite3_stmt *stmt;
	int rc;

	memset(prev, 0, STORE_HASH_LEN);
	stmt = store_sqlite_prep(s, SQ_FRAME_LAST, "SELECT hash FROM frame_heads WHERE pile = ?1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	rc = store_sqlite_step_row(s, stmt, "frame last hash");
	if (rc == GW_OK && sqlite3_column_bytes(stmt, 0) == STORE_HASH_LEN)
		memcpy(prev, sqlite3_column_blob(stmt, 0), STORE_HASH_LEN);
	sqlite3_reset(stmt);
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}

int store_sqlite_frame_append(struct store *st, const struct frame_in *f, int64_t *seq_out)
{
	struct sq_store *s = sq(st);
	struct frame_fields ff;
	uint8_t prev[STORE_HASH_LEN], hash[STORE_HASH_LEN];
	sqlite3_stmt *stmt;
	int64_t seq;
	int rc;

	if (!f || !f->pile || !f->pile[0] || (!f->payload && f->payload_len))
		return GW_EINVAL;
	ff = (struct frame_fields){
		.pile = f->pile,
		.dir = f->dir == FRAME_OUT ? "out" : "in",
		.msg_id = f->msg_id ? f->msg_id : "",
		.action = f->action ? f->action : "",
		.payload = f->payload ? f->payload : "",
		.payload_len = f->payload_len,
		.msg_type = f->msg_type,
		.have_pile_ms = f->pile_ms != 0,
		.pile_ms = f->pile_ms,
		.recv_ms = f->recv_ms,
	};
	if ((rc = last_hash(s, f->pile, prev)) != GW_OK)
		return rc;
	if ((rc = frame_hash(s, prev, &ff, hash)) != GW_OK)
		return rc;
	stmt = store_sqlite_prep(s, SQ_FRAME_INSERT,
				 "INSERT INTO frames(pile, direction, msg_id, msg_type, action,"
				 " payload, pile_ms, recv_ms, prev_hash, hash)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, ff.pile);
	store_sqlite_bind_text(stmt, 2, ff.dir);
	store_sqlite_bind_text(stmt, 3, ff.msg_id);
	sqlite3_bind_int(stmt, 4, ff.msg_type);
	store_sqlite_bind_text(stmt, 5, ff.action);
	sqlite3_bind_text(stmt, 6, ff.payload, (int)ff.payload_len, SQLITE_STATIC);
	store_sqlite_bind_opt_i64(stmt, 7, ff.have_pile_ms, ff.pile_ms);
	sqlite3_bind_int64(stmt, 8, ff.recv_ms);
	sqlite3_bind_blob(stmt, 9, prev, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 10, hash, STORE_HASH_LEN, SQLITE_STATIC);
	if ((rc = store_sqlite_exec(s, stmt, "frame append")) != GW_OK)
		return rc;
	seq = sqlite3_last_insert_rowid(s->db);
	stmt = store_sqlite_prep(s, SQ_FRAME_HEAD,
				 "INSERT INTO frame_heads(pile, seq, hash) VALUES(?1, ?2, ?3)"
				 " ON CONFLICT(pile) DO UPDATE SET seq = excluded.seq,"
				 " hash = excluded.hash");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, ff.pile);
	sqlite3_bind_int64(stmt, 2, seq);
	sqlite3_bind_blob(stmt, 3, hash, STORE_HASH_LEN, SQLITE_STATIC);
	if ((rc = store_sqlite_exec(s, stmt, "frame head")) == GW_OK && seq_out)
		*seq_out = seq;
	return rc;
}

/* Does the row under stmt link to prev and hash to its stored hash? */
static int row_holds(struct sq_store *s, sqlite3_stmt *stmt, const uint8_t prev[STORE_HASH_LEN])
{
	struct frame_fields ff;
	uint8_t want[STORE_HASH_LEN];

	if (sqlite3_column_bytes(stmt, 8) != STORE_HASH_LEN ||
	    sqlite3_column_bytes(stmt, 9) != STORE_HASH_LEN ||
	    memcmp(sqlite3_column_blob(stmt, 8), prev, STORE_HASH_LEN) != 0)
		return 0;
	ff = (struct frame_fields){
		.pile = (const char *)sqlite3_column_text(stmt, 0),
		.dir = (const char *)sqlite3_column_text(stmt, 1),
		.msg_id = (const char *)sqlite3_column_text(stmt, 2),
		.msg_type = sqlite3_column_int(stmt, 3),
		.action = (const char *)sqlite3_column_text(stmt, 4),
		.have_pile_ms = sqlite3_column_type(stmt, 6) != SQLITE_NULL,
		.pile_ms = sqlite3_column_int64(stmt, 6),
		.recv_ms = sqlite3_column_int64(stmt, 7),
	};
	/* text before bytes, the order SQLite asks for */
	ff.payload = (const char *)sqlite3_column_text(stmt, 5);
	ff.payload_len = (size_t)sqlite3_column_bytes(stmt, 5);
	if (!ff.pile || !ff.dir || !ff.msg_id || !ff.action || !ff.payload)
		return 0;
	if (frame_hash(s, prev, &ff, want) != GW_OK)
		return 0;
	return memcmp(sqlite3_column_blob(stmt, 9), want, STORE_HASH_LEN) == 0;
}

int store_sqlite_frames_verify(struct store *st, const char *pile, int64_t *n_checked)
{
	struct sq_store *s = sq(st);
	uint8_t prev[STORE_HASH_LEN] = { 0 };
	sqlite3_stmt *stmt;
	int64_t good = 0;
	int rc;

	stmt = store_sqlite_prep(s, SQ_FRAME_WALK,
				 "SELECT pile, direction, msg_id, msg_type, action, payload, pile_ms,"
				 " recv_ms, prev_hash, hash, seq FROM frames WHERE pile = ?1"
				 " ORDER BY seq");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	while ((rc = store_sqlite_step_row(s, stmt, "frames verify")) == GW_OK) {
		if (!row_holds(s, stmt, prev)) {
			gw_log(GW_LOG_WARN, "cp=%s frame chain broken at seq=%" PRId64
			       " after %" PRId64 " good rows", pile,
			       (int64_t)sqlite3_column_int64(stmt, 10), good);
			rc = GW_ECONFLICT;
			break;
		}
		memcpy(prev, sqlite3_column_blob(stmt, 9), STORE_HASH_LEN);
		good++;
	}
	sqlite3_reset(stmt);
	if (n_checked)
		*n_checked = good;
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}
