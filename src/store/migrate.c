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


/* v2 (issue 4): orders, their append-only event log, refund cases with
 * their evidence, the webhook outbox; indexes for the evidence windows. */
static const char v2_sql[] =
	/* AUTOINCREMENT: an order number is never handed out twice. */
	"CREATE TABLE orders("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" number TEXT NOT NULL DEFAULT '',"
	" tx_id INTEGER NOT NULL UNIQUE REFERENCES transactions(id),"
	" pile TEXT NOT NULL REFERENCES piles(identity),"
	" pile_tx_id TEXT NOT NULL DEFAULT '',"
	" evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,"
	" id_token TEXT NOT NULL DEFAULT '', orphan INTEGER NOT NULL DEFAULT 0,"
	" state TEXT NOT NULL CHECK(state IN ('starting','charging','stopping','settling',"
	"'completed','abnormal','cancelled')),"
	" sub_state TEXT NOT NULL DEFAULT '' CHECK(sub_state IN ('','awaiting_plug',"
	"'energy_flowing','suspended_ev','suspended_evse','pile_offline')),"
	" tariff_id TEXT NOT NULL DEFAULT '',"
	" currency TEXT NOT NULL, minor_exp INTEGER NOT NULL,"
	" utc_offset_min INTEGER NOT NULL, start_fee_minor INTEGER NOT NULL,"
	" idle_grace_min INTEGER NOT NULL,"
	/* "start_min,energy_e4,service_e4,time_e4,idle_e4;..." exact integers */
	" periods TEXT NOT NULL,"
	" dc INTEGER NOT NULL, p_max_w INTEGER NOT NULL,"
	" started_ms INTEGER NOT NULL, ended_ms INTEGER NOT NULL DEFAULT 0,"
	" bill_start_ms INTEGER NOT NULL DEFAULT 0, bill_end_ms INTEGER NOT NULL DEFAULT 0,"
	" billed_minor INTEGER NOT NULL DEFAULT 0, rerated_minor INTEGER NOT NULL DEFAULT 0,"
	" amount_minor INTEGER NOT NULL DEFAULT 0, energy_wh INTEGER NOT NULL DEFAULT 0,"
	" clock_offset_ms INTEGER NOT NULL DEFAULT 0, cost_sent_ms INTEGER NOT NULL DEFAULT 0,"
	" created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
	" settled_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX orders_open ON orders(id) WHERE state IN"
	" ('starting','charging','stopping','settling');"
	"CREATE INDEX orders_conn ON orders(pile, connector_id, started_ms);"
	"CREATE INDEX orders_token ON orders(id_token, started_ms) WHERE id_token <> '';"

	"CREATE TABLE refund_cases("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" order_id INTEGER NOT NULL REFERENCES orders(id),"
	" rule TEXT NOT NULL, tier TEXT NOT NULL CHECK(tier IN ('A','B','C')),"
	" state TEXT NOT NULL CHECK(state IN ('opened','auto_approved','under_review','approved',"
	"'partially_approved','rejected','awaiting_info','refunding','refunded')),"
	" auto_approved INTEGER NOT NULL DEFAULT 0,"
	" amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,"
	" billed_minor INTEGER NOT NULL, rerated_minor INTEGER NOT NULL,"
	" window_from_ms INTEGER NOT NULL, window_to_ms INTEGER NOT NULL,"
	" explain TEXT NOT NULL, manifest_sha256 TEXT NOT NULL DEFAULT '',"
	" opened_ms INTEGER NOT NULL, ack_due_ms INTEGER NOT NULL DEFAULT 0,"
	" decide_due_ms INTEGER NOT NULL DEFAULT 0, acked_ms INTEGER NOT NULL DEFAULT 0,"
	" decided_ms INTEGER NOT NULL DEFAULT 0, sla_flags INTEGER NOT NULL DEFAULT 0,"
	" appeals INTEGER NOT NULL DEFAULT 0, updated_ms INTEGER NOT NULL,"
	" UNIQUE(order_id, rule));"
	"CREATE INDEX cases_open ON refund_cases(id) WHERE state IN"
	" ('opened','under_review','awaiting_info');"
	"CREATE INDEX cases_auto ON refund_cases(order_id, opened_ms) WHERE auto_approved = 1;"

	"CREATE TABLE case_evidence("
	" case_id INTEGER NOT NULL REFERENCES refund_cases(id),"
	" seq INTEGER NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, body TEXT NOT NULL,"
	" PRIMARY KEY(case_id, seq));"
	"CREATE TRIGGER case_evidence_no_update BEFORE UPDATE ON case_evidence"
	" BEGIN SELECT RAISE(ABORT, 'case evidence is append-only'); END;"
	"CREATE TRIGGER case_evidence_no_delete BEFORE DELETE ON case_evidence"
	" BEGIN SELECT RAISE(ABORT, 'case evidence is append-only'); END;"

	/* No foreign keys: an event is history and outlives nothing. */
	"CREATE TABLE order_events("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" order_id INTEGER, case_id INTEGER,"
	" at_ms INTEGER NOT NULL, recv_ms INTEGER NOT NULL,"
	" source TEXT NOT NULL CHECK(source IN ('pile','operator','detector','partner','system')),"
	" source_ref TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL);"
	"CREATE INDEX order_events_order ON order_events(order_id, seq) WHERE order_id IS NOT NULL;"
	"CREATE INDEX order_events_case ON order_events(case_id, seq) WHERE case_id IS NOT NULL;"
	"CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events"
	" BEGIN SELECT RAISE(ABORT, 'order events are append-only'); END;"
	"CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events"
	" BEGIN SELECT RAISE(ABORT, 'order events are append-only'); END;"

	"CREATE TABLE outbox("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" partner TEXT NOT NULL, order_id INTEGER,"
	" event_id TEXT NOT NULL UNIQUE, event_type TEXT NOT NULL,"
	" occurred_ms INTEGER NOT NULL, data TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending','delivered','dead')),"
	" attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL,"
	" last_error TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL);"
	"CREATE INDEX outbox_due ON outbox(state, next_attempt_ms);"
	"CREATE INDEX outbox_order ON outbox(partner, order_id, id);"

	"CREATE INDEX frames_pile_recv ON frames(pile, recv_ms);"
	"CREATE INDEX csh_conn_time ON connector_status_history(pile, evse_id, connector_id,"
	" pile_ms, id);"
	"CREATE INDEX cmd_pile_sent ON commands(pile, sent_ms);";

/* v3: id tokens compare case-insensitively (both specs: an idTag / idToken
 * is case-insensitive, and readers differ in hex case); resent meter
 * values are recognised (a 1.6 MeterValues whose answer was lost comes
 * back: the same sample must not be stored twice). */
static const char v3_sql[] =
	"CREATE INDEX id_tokens_nocase ON id_tokens(id COLLATE NOCASE);"
	"CREATE INDEX tx_token_open_nocase ON transactions(id_token COLLATE NOCASE)"
	" WHERE state = 'open';"
	"CREATE INDEX ms_same ON meter_samples(pile, connector_id, pile_ms, measurand_raw);";

/* v4 (issue 5): partner disputes.  dispute_inbox remembers every inbound
 * event id per partner (a redelivery changes nothing); disputes link a
 * partner's dispute to its order and case; case_roles records who owns a
 * case and who executes its refund (first claim wins), so that no order is
 * refunded twice.  IF NOT EXISTS: test_store's "v1 file" is made by
 * dropping the v2/v3 objects of a fresh file, and leaves these behind. */
static const char v4_sql[] =
	"CREATE TABLE IF NOT EXISTS dispute_inbox("
	" partner TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL,"
	" recv_ms INTEGER NOT NULL, PRIMARY KEY(partner, event_id));"
	"CREATE TABLE IF NOT EXISTS disputes("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" partner TEXT NOT NULL, ext_id TEXT NOT NULL,"
	" order_id INTEGER NOT NULL REFERENCES orders(id),"
	" case_id INTEGER REFERENCES refund_cases(id),"
	" state TEXT NOT NULL CHECK(state IN ('open','withdrawn','resolved')),"
	" outcome TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL,"
	" claimed_minor INTEGER NOT NULL, currency TEXT NOT NULL,"
	" executed_by TEXT NOT NULL CHECK(executed_by IN ('partner','operator')),"
	" opened_case INTEGER NOT NULL DEFAULT 0,"
	" opened_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
	" UNIQUE(partner, ext_id));"
	"CREATE INDEX IF NOT EXISTS disputes_case ON disputes(case_id, id) WHERE case_id IS NOT NULL;"
	"CREATE TABLE IF NOT EXISTS case_roles("
	" case_id INTEGER PRIMARY KEY REFERENCES refund_cases(id),"
	" owner TEXT NOT NULL,"
	" executed_by TEXT NOT NULL CHECK(executed_by IN ('partner','operator')),"
	" claimed_ms INTEGER NOT NULL);";

/* v5 (issue 3): the overlap query of store_sqlite_order_list_overlap
 * walks only the orders that are open or ended after a given time, per
 * connector and per idTag, in (started_ms, id) order (the rowid ends every
 * index entry).  They replace orders_conn and orders_token, of which they
 * keep the prefixes (pile; id_token), so every write of an order updates
 * no more indexes than before.  The partial indexes of open orders and
 * open cases say "state = a OR state = b ..." instead of "state IN (a, b,
 * ...)": SQLite tests an IN list of three or more constants with a
 * throw-away b-tree, built on every write of the row; the queries that use
 * them repeat the same words (SQ_ORDER_OPEN / SQ_CASE_OPEN). */
static const char v5_sql[] =
	"CREATE INDEX orders_conn_end ON orders(pile, evse_id, connector_id, ended_ms,"
	" started_ms);"
	"CREATE INDEX orders_token_end ON orders(id_token, ended_ms, started_ms)"
	" WHERE id_token <> '';"
	"DROP INDEX IF EXISTS orders_conn;"
	"DROP INDEX IF EXISTS orders_token;"
	"DROP INDEX IF EXISTS orders_open;"
	"CREATE INDEX orders_open ON orders(id) WHERE (state = 'starting' OR state = 'charging'"
	" OR state = 'stopping' OR state = 'settling');"
	"DROP INDEX IF EXISTS cases_open;"
	"CREATE INDEX cases_open ON refund_cases(id) WHERE (state = 'opened'"
	" OR state = 'under_review' OR state = 'awaiting_info');";

/* v6 (issue 3): fewer B-tree pages written per message.  An index whose
 * key starts with the pile puts every pile's new entry on a page of its
 * own, so each such entry costs one more page in the WAL at every commit
 * and again at the checkpoint.
 *   - frame_heads holds each pile's newest frame (seq and hash): the chain
 *     link is read and written there, a small table whose pages every
 *     commit shares, instead of through frames_pile, which is dropped;
 *     frames are still found per pile through frames_pile_recv.  It is
 *     filled from the frames already stored.
 *   - the resent-sample check of meter samples uses the index of its
 *     query: ms_tx (tx_id, pile_ms) for samples of a known transaction,
 *     ms_pile_tx_at (pile, pile_tx_id, pile_ms) for the others, which
 *     replaces ms_pile_tx (same prefix); ms_same is dropped.
 *   - csh_conn is dropped: csh_conn_time has its prefix and serves the
 *     count of a connector's history as well.
 * IF [NOT] EXISTS: test_orders's "v1 file" replays v2..v6 on a file that
 * may still hold some of these objects. */
static const char v6_sql[] =
	"CREATE TABLE IF NOT EXISTS frame_heads("
	" pile TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash BLOB NOT NULL) WITHOUT ROWID;"
	"INSERT OR REPLACE INTO frame_heads(pile, seq, hash)"
	" SELECT pile, max(seq), hash FROM frames GROUP BY pile;"
	"DROP INDEX IF EXISTS frames_pile;"
	"CREATE INDEX IF NOT EXISTS ms_pile_tx_at ON meter_samples(pile, pile_tx_id, pile_ms)"
	" WHERE tx_id IS NULL;"
	"DROP INDEX IF EXISTS ms_pile_tx;"
	"DROP INDEX IF EXISTS ms_same;"
	"DROP INDEX IF EXISTS csh_conn;";

/* v7 (issue 5): the webhook thread's "next due rows of a partner" walks
 * that partner's pending rows in id order and stops at its LIMIT, instead
 * of reading and sorting every due pending row (outbox_due: ~6 ms a call
 * with 10k rows pending).  IF NOT EXISTS: see v6. */
static const char v7_sql[] =
	"CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(partner, id) WHERE state = 'pending';";

/* Index i holds the migration to version i + 1. */
static const char *const migrations[] = {
	v1_sql,
	v2_sql,
	v3_sql,
	v4_sql,
	v5_sql,
	v6_sql,
	v7_sql,
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
