/* SPDX-License-Identifier: MIT
 *
 * migrate.c - versioned schema for the SQLite store.
 *
 * PRAGMA user_version holds the schema version.  At open, every migration
 * newer than it runs in its own BEGIN IMMEDIATE transaction together with
 * the version bump, so a crash leaves either the old or the new version,
 * never half a migration; the version is re-read inside the transaction, so
 * two processes starting at once do not both migrate.  Re-opening an
 * up-to-date file runs nothing.  A file newer than this build is refused.
 * Migrations are append-only: never edit a shipped one, add the next.
 *
 * Text columns hold names, not enum numbers (store_names.c), so a
 * reordered enum in vocab.h cannot silently change stored meaning.
 */
#include <stdio.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_sqlite_int.h"

static const char v1_sql[] =
	"CREATE TABLE piles("
	" identity TEXT PRIMARY KEY,"
	" reg_status TEXT NOT NULL DEFAULT 'Pending',"
	" min_profile INTEGER NOT NULL DEFAULT 0,"
	" pw_hash BLOB, pw_salt BLOB, pw_iter INTEGER,"
	" pend_hash BLOB, pend_salt BLOB, pend_iter INTEGER,"
	" vendor TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',"
	" serial TEXT NOT NULL DEFAULT '', firmware TEXT NOT NULL DEFAULT '',"
	" iccid TEXT NOT NULL DEFAULT '', imsi TEXT NOT NULL DEFAULT '',"
	" meter_type TEXT NOT NULL DEFAULT '', meter_serial TEXT NOT NULL DEFAULT '',"
	" boot_reason TEXT NOT NULL DEFAULT '',"
	" ocpp_version INTEGER NOT NULL DEFAULT 0,"
	" first_seen_ms INTEGER NOT NULL,"
	" last_boot_ms INTEGER NOT NULL DEFAULT 0,"
	" last_seen_ms INTEGER NOT NULL DEFAULT 0);"

	"CREATE TABLE connectors("
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,"
	" state TEXT NOT NULL, plugged INTEGER NOT NULL,"
	" error_code TEXT NOT NULL, info TEXT NOT NULL,"
	" pile_ms INTEGER NOT NULL, recv_ms INTEGER NOT NULL, frame_seq INTEGER NOT NULL,"
	" PRIMARY KEY(pile, evse_id, connector_id));"

	"CREATE TABLE connector_status_history("
	" id INTEGER PRIMARY KEY,"
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,"
	" state TEXT NOT NULL, plugged INTEGER NOT NULL,"
	" error_code TEXT NOT NULL, info TEXT NOT NULL,"
	" vendor_id TEXT NOT NULL, vendor_error TEXT NOT NULL, raw_status TEXT NOT NULL,"
	" source TEXT NOT NULL CHECK(source IN ('status','tx_event')),"
	" pile_ms INTEGER NOT NULL, recv_ms INTEGER NOT NULL, frame_seq INTEGER NOT NULL);"
	"CREATE INDEX csh_conn ON connector_status_history(pile, evse_id, connector_id, id);"

	"CREATE TABLE id_tokens("
	" id TEXT PRIMARY KEY, status TEXT NOT NULL,"
	" expiry_ms INTEGER NOT NULL DEFAULT 0, group_id TEXT NOT NULL DEFAULT '',"
	" updated_ms INTEGER NOT NULL DEFAULT 0);"

	/* AUTOINCREMENT: a 1.6 transactionId is never handed out twice, even
	 * if the newest row were ever removed. */
	"CREATE TABLE transactions("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" pile_tx_id TEXT NOT NULL DEFAULT '',"
	" evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,"
	" id_token TEXT NOT NULL DEFAULT '', auth_status TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK(state IN ('open','ended')),"
	" orphan INTEGER NOT NULL DEFAULT 0, orphan_ref INTEGER NOT NULL DEFAULT 0,"
	" meter_start_wh INTEGER, start_pile_ms INTEGER NOT NULL, start_recv_ms INTEGER NOT NULL,"
	" meter_stop_wh INTEGER, stop_pile_ms INTEGER NOT NULL, stop_recv_ms INTEGER NOT NULL,"
	" stop_reason TEXT NOT NULL DEFAULT '', last_seq_no INTEGER NOT NULL DEFAULT -1,"
	" reservation_id INTEGER NOT NULL DEFAULT -1, remote_start_id INTEGER NOT NULL DEFAULT -1,"
	" start_frame_seq INTEGER NOT NULL DEFAULT 0, end_frame_seq INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX tx_pile_tx ON transactions(pile, pile_tx_id) WHERE pile_tx_id <> '';"
	"CREATE INDEX tx_dup ON transactions(pile, connector_id, id_token, meter_start_wh,"
	" start_pile_ms);"
	"CREATE INDEX tx_open ON transactions(pile, connector_id) WHERE state = 'open';"
	"CREATE INDEX tx_token_open ON transactions(id_token) WHERE state = 'open';"
	"CREATE INDEX tx_orphan ON transactions(pile, orphan_ref) WHERE orphan = 1 AND pile_tx_id = '';"

	"CREATE TABLE tx_events("
	" id INTEGER PRIMARY KEY,"
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" pile_tx_id TEXT NOT NULL, seq_no INTEGER NOT NULL,"
	" kind TEXT NOT NULL, trigger TEXT NOT NULL, charging_state TEXT NOT NULL,"
	" id_token TEXT NOT NULL, stop_reason TEXT NOT NULL, meter_wh INTEGER,"
	" pile_ms INTEGER NOT NULL, recv_ms INTEGER NOT NULL, offline INTEGER NOT NULL,"
	" frame_seq INTEGER NOT NULL,"
	" UNIQUE(pile, pile_tx_id, seq_no));"

	"CREATE TABLE meter_samples("
	" id INTEGER PRIMARY KEY,"
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" tx_id INTEGER REFERENCES transactions(id), pile_tx_id TEXT NOT NULL DEFAULT '',"
	" evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,"
	" measurand TEXT NOT NULL, measurand_raw TEXT NOT NULL, context TEXT NOT NULL,"
	" value REAL NOT NULL, unit_raw TEXT NOT NULL, phase TEXT NOT NULL,"
	" location TEXT NOT NULL, signed_data INTEGER NOT NULL,"
	" pile_ms INTEGER NOT NULL, recv_ms INTEGER NOT NULL, frame_seq INTEGER NOT NULL);"
	"CREATE INDEX ms_tx ON meter_samples(tx_id, pile_ms, id) WHERE tx_id IS NOT NULL;"
	"CREATE INDEX ms_pile_tx ON meter_samples(pile, pile_tx_id) WHERE tx_id IS NULL;"

	/* No foreign key: a frame is evidence even from a pile we refused. */
	"CREATE TABLE frames("
	" seq INTEGER PRIMARY KEY,"
	" pile TEXT NOT NULL,"
	" direction TEXT NOT NULL CHECK(direction IN ('in','out')),"
	" msg_id TEXT NOT NULL, msg_type INTEGER NOT NULL, action TEXT NOT NULL,"
	" payload TEXT NOT NULL, pile_ms INTEGER, recv_ms INTEGER NOT NULL,"
	" prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
	"CREATE INDEX frames_pile ON frames(pile, seq);"
	/* Append-only.  This stops mistakes, not an attacker with the file:
	 * the hash chain is what catches the latter. */
	"CREATE TRIGGER frames_no_update BEFORE UPDATE ON frames"
	" BEGIN SELECT RAISE(ABORT, 'frames are append-only'); END;"
	"CREATE TRIGGER frames_no_delete BEFORE DELETE ON frames"
	" BEGIN SELECT RAISE(ABORT, 'frames are append-only'); END;"

	"CREATE TABLE pile_reports("
	" id INTEGER PRIMARY KEY,"
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" kind TEXT NOT NULL, status TEXT NOT NULL, detail TEXT NOT NULL,"
	" pile_ms INTEGER NOT NULL, recv_ms INTEGER NOT NULL, frame_seq INTEGER NOT NULL);"
	"CREATE INDEX pr_pile ON pile_reports(pile, id);"

	"CREATE TABLE device_vars("
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" component TEXT NOT NULL, component_instance TEXT NOT NULL,"
	" evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,"
	" variable TEXT NOT NULL, variable_instance TEXT NOT NULL, attribute TEXT NOT NULL,"
	" value TEXT NOT NULL, readonly INTEGER NOT NULL,"
	" recv_ms INTEGER NOT NULL, frame_seq INTEGER NOT NULL,"
	" PRIMARY KEY(pile, component, component_instance, evse_id, connector_id, variable,"
	" variable_instance, attribute));"

	"CREATE TABLE commands("
	" id INTEGER PRIMARY KEY,"
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" msg_id TEXT NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL,"
	" sent_ms INTEGER NOT NULL, outcome TEXT NOT NULL DEFAULT 'PENDING',"
	" answer TEXT NOT NULL DEFAULT '', done_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX cmd_pile ON commands(pile, id);";

/* Index i holds the migration to version i + 1. */
static const char *const migrations[] = {
	v1_sql,
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int store_sqlite_schema_version(void)
{
	return N_MIGRATIONS;
}

static int read_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *stmt = NULL;
	int rc = GW_ESTORE;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		goto out;
	*version = sqlite3_column_int(stmt, 0);
	rc = GW_OK;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Run migration to version v (v >= 1) in one transaction. */
static int run_one(sqlite3 *db, int v)
{
	char bump[48];
	int cur = 0;
	int rc = GW_ESTORE;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (read_version(db, &cur) != GW_OK)
		goto fail;
	if (cur >= v) { /* another process got here first */
		rc = GW_OK;
		goto fail;
	}
	snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", v);
	if (sqlite3_exec(db, migrations[v - 1], NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	gw_log(GW_LOG_NOTICE, "store: schema migrated to v%d", v);
	return GW_OK;
fail:
	if (rc != GW_OK)
		gw_log(GW_LOG_ERR, "store: migration to v%d failed: %s", v, sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_sqlite_migrate(sqlite3 *db)
{
	int version = 0;
	int rc;

	if ((rc = read_version(db, &version)) != GW_OK) {
		gw_log(GW_LOG_ERR, "store: cannot read schema version: %s", sqlite3_errmsg(db));
		return rc;
	}
	if (version > N_MIGRATIONS) {
		gw_log(GW_LOG_ERR, "store: database schema v%d is newer than this build (v%d)",
		       version, N_MIGRATIONS);
		return GW_ESTORE;
	}
	for (int v = version + 1; v <= N_MIGRATIONS; v++)
		if ((rc = run_one(db, v)) != GW_OK)
			return rc;
	return GW_OK;
}
