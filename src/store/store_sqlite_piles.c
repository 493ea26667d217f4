/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_piles.c - the piles table: registration, credentials, the
 * identity card of the last boot, last-seen time.
 *
 * Password bytes go from the caller to BLOB columns and back; they are
 * never logged, not even at DEBUG.  A password is stored as three columns
 * (hash, salt, iterations) that are all NULL or all set.  get and list
 * skip removed piles (STORE_REG_REMOVED, store_sqlite_admin.c).
 */
#include <string.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

#define PILE_COLS                                                                          \
	"identity, reg_status, min_profile, pw_hash, pw_salt, pw_iter, pend_hash, pend_salt," \
	" pend_iter, vendor, model, serial, firmware, iccid, imsi, meter_type, meter_serial," \
	" boot_reason, ocpp_version, first_seen_ms, last_boot_ms, last_seen_ms"

static void read_pw(sqlite3_stmt *stmt, int col, struct store_password *pw)
{
	const void *h = sqlite3_column_blob(stmt, col);
	const void *s = sqlite3_column_blob(stmt, col + 1);

	memset(pw, 0, sizeof(*pw));
	if (!h || !s || sqlite3_column_bytes(stmt, col) != STORE_PW_HASH_LEN ||
	    sqlite3_column_bytes(stmt, col + 1) != STORE_PW_SALT_LEN)
		return;
	memcpy(pw->hash, h, STORE_PW_HASH_LEN);
	memcpy(pw->salt, s, STORE_PW_SALT_LEN);
	pw->iterations = (uint32_t)sqlite3_column_int64(stmt, col + 2);
	pw->present = 1;
}

static void read_row(sqlite3_stmt *stmt, void *row)
{
	struct pile_row *r = row;
	char reg[16];

	memset(r, 0, sizeof(*r));
	SQ_TEXT(stmt, 0, r->identity);
	SQ_TEXT(stmt, 1, reg);
	r->reg_status = store_reg_parse(reg);
	r->min_security_profile = sqlite3_column_int(stmt, 2);
	read_pw(stmt, 3, &r->password);
	read_pw(stmt, 6, &r->pending);
	SQ_TEXT(stmt, 9, r->boot.vendor);
	SQ_TEXT(stmt, 10, r->boot.model);
	SQ_TEXT(stmt, 11, r->boot.serial);
	SQ_TEXT(stmt, 12, r->boot.firmware);
	SQ_TEXT(stmt, 13, r->boot.iccid);
	SQ_TEXT(stmt, 14, r->boot.imsi);
	SQ_TEXT(stmt, 15, r->boot.meter_type);
	SQ_TEXT(stmt, 16, r->boot.meter_serial);
	SQ_TEXT(stmt, 17, r->boot.reason);
	r->ocpp_version = sqlite3_column_int(stmt, 18);
	r->first_seen_ms = sqlite3_column_int64(stmt, 19);
	r->last_boot_ms = sqlite3_column_int64(stmt, 20);
	r->last_seen_ms = sqlite3_column_int64(stmt, 21);
}

/* Bind pw at col, col+1, col+2 (NULLs when absent). */
static void bind_pw(sqlite3_stmt *stmt, int col, const struct store_password *pw)
{
	if (!pw || !pw->present) {
		sqlite3_bind_null(stmt, col);
		sqlite3_bind_null(stmt, col + 1);
		sqlite3_bind_null(stmt, col + 2);
		return;
	}
	sqlite3_bind_blob(stmt, col, pw->hash, STORE_PW_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, col + 1, pw->salt, STORE_PW_SALT_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, col + 2, pw->iterations);
}

/* An UPDATE ... WHERE identity = ? that must hit one row. */
static int update_one(struct sq_store *s, sqlite3_stmt *stmt, const char *what)
{
	int rc = store_sqlite_exec(s, stmt, what);

	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		rc = GW_ENOTFOUND;
	return rc;
}

int store_sqlite_pile_get(struct store *st, const char *identity, struct pile_row *out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_PILE_GET,
				 "SELECT " PILE_COLS " FROM piles WHERE identity = ?1"
				 " AND reg_status <> '" STORE_REG_REMOVED "'");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, identity);
	return store_sqlite_get_row(s, stmt, read_row, out, "pile get");
}

int store_sqlite_pile_insert(struct store *st, const struct pile_row *r)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	if (!r || !r->identity[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_PILE_INSERT,
				 "INSERT INTO piles(" PILE_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
				 " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
				 " ?20, ?21, ?22)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, r->identity);
	store_sqlite_bind_text(stmt, 2, store_reg_name(r->reg_status));
	sqlite3_bind_int(stmt, 3, r->min_security_profile);
	bind_pw(stmt, 4, &r->password);
	bind_pw(stmt, 7, &r->pending);
	store_sqlite_bind_text(stmt, 10, r->boot.vendor);
	store_sqlite_bind_text(stmt, 11, r->boot.model);
	store_sqlite_bind_text(stmt, 12, r->boot.serial);
	store_sqlite_bind_text(stmt, 13, r->boot.firmware);
	store_sqlite_bind_text(stmt, 14, r->boot.iccid);
	store_sqlite_bind_text(stmt, 15, r->boot.imsi);
	store_sqlite_bind_text(stmt, 16, r->boot.meter_type);
	store_sqlite_bind_text(stmt, 17, r->boot.meter_serial);
	store_sqlite_bind_text(stmt, 18, r->boot.reason);
	sqlite3_bind_int(stmt, 19, r->ocpp_version);
	sqlite3_bind_int64(stmt, 20, r->first_seen_ms);
	sqlite3_bind_int64(stmt, 21, r->last_boot_ms);
	sqlite3_bind_int64(stmt, 22, r->last_seen_ms);
	return store_sqlite_exec(s, stmt, "pile insert");
}

int store_sqlite_pile_update_boot(struct store *st, const char *identity,
				  const struct boot_report *b, int64_t boot_ms)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_PILE_BOOT,
				 "UPDATE piles SET vendor = ?2, model = ?3, serial = ?4,"
				 " firmware = ?5, iccid = ?6, imsi = ?7, meter_type = ?8,"
				 " meter_serial = ?9, boot_reason = ?10, last_boot_ms = ?11,"
				 " last_seen_ms = max(last_seen_ms, ?11) WHERE identity = ?1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, identity);
	store_sqlite_bind_text(stmt, 2, b->vendor);
	store_sqlite_bind_text(stmt, 3, b->model);
	store_sqlite_bind_text(stmt, 4, b->serial);
	store_sqlite_bind_text(stmt, 5, b->firmware);
	store_sqlite_bind_text(stmt, 6, b->iccid);
	store_sqlite_bind_text(stmt, 7, b->imsi);
	store_sqlite_bind_text(stmt, 8, b->meter_type);
	store_sqlite_bind_text(stmt, 9, b->meter_serial);
	store_sqlite_bind_text(stmt, 10, b->reason);
	sqlite3_bind_int64(stmt, 11, boot_ms);
	return update_one(s, stmt, "pile boot update");
}

int store_sqlite_pile_set_password(struct store *st, const char *identity,
				   const struct store_password *pw)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_PILE_PW,
				 "UPDATE piles SET pw_hash = ?2, pw_salt = ?3, pw_iter = ?4,"
				 " pend_hash = NULL, pend_salt = NULL, pend_iter = NULL"
				 " WHERE identity = ?1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, identity);
	bind_pw(stmt, 2, pw);
	return update_one(s, stmt, "pile set password");
}

int store_sqlite_pile_set_pending_password(struct store *st, const char *identity,
					   const struct store_password *pw)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_PILE_PW_PENDING,
				 "UPDATE piles SET pend_hash = ?2, pend_salt = ?3, pend_iter = ?4"
				 " WHERE identity = ?1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, identity);
	bind_pw(stmt, 2, pw);
	return update_one(s, stmt, "pile set pending password");
}

int store_sqlite_pile_promote_password(struct store *st, const char *identity)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_PILE_PW_PROMOTE,
				 "UPDATE piles SET pw_hash = pend_hash, pw_salt = pend_salt,"
				 " pw_iter = pend_iter, pend_hash = NULL, pend_salt = NULL,"
				 " pend_iter = NULL WHERE identity = ?1 AND pend_hash IS NOT NULL");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, identity);
	return update_one(s, stmt, "pile promote password");
}

int store_sqlite_pile_set_registration(struct store *st, const char *identity,
				       enum reg_status status, int min_security_profile)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_PILE_REG,
				 "UPDATE piles SET reg_status = ?2, min_profile = ?3"
				 " WHERE identity = ?1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, identity);
	store_sqlite_bind_text(stmt, 2, store_reg_name(status));
	sqlite3_bind_int(stmt, 3, min_security_profile);
	return update_one(s, stmt, "pile set registration");
}

int store_sqlite_pile_touch(struct store *st, const char *identity, int ocpp_version,
			    int64_t seen_ms)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_PILE_TOUCH,
				 "UPDATE piles SET last_seen_ms = max(last_seen_ms, ?2),"
				 " ocpp_version = CASE WHEN ?3 > 0 THEN ?3 ELSE ocpp_version END"
				 " WHERE identity = ?1");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, identity);
	sqlite3_bind_int64(stmt, 2, seen_ms);
	sqlite3_bind_int(stmt, 3, ocpp_version);
	return update_one(s, stmt, "pile touch");
}

int store_sqlite_pile_list(struct store *st, const char *after, struct pile_row *rows, size_t cap,
			   size_t *n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	*n = 0;
	stmt = store_sqlite_prep(s, SQ_PILE_LIST,
				 "SELECT " PILE_COLS " FROM piles WHERE identity > ?1"
				 " AND reg_status <> '" STORE_REG_REMOVED "'"
				 " ORDER BY identity LIMIT ?2");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, after);
	sqlite3_bind_int64(stmt, 2, (int64_t)cap);
	return store_sqlite_list_rows(s, stmt, read_row, rows, sizeof(*rows), cap, n, "pile list");
}
