/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_reports.c - what piles report that we keep but do not judge
 * (pile_reports), their device model (device_vars) and the log of commands
 * we sent them (commands, evidence for refund cases).
 *
 * device_vars is keyed by the full OCPP 2.0.1 address of a value
 * (component + instance + EVSE + connector, variable + instance, attribute);
 * a 1.6 configuration key is component "" and variable = key.
 */
#include <string.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

int store_sqlite_report_insert(struct store *st, const char *pile, const struct pile_report *rep,
			       int64_t recv_ms, int64_t frame_seq)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_REPORT_INSERT,
				 "INSERT INTO pile_reports(pile, kind, status, detail, pile_ms,"
				 " recv_ms, frame_seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	store_sqlite_bind_text(stmt, 2, rep->kind);
	store_sqlite_bind_text(stmt, 3, rep->status);
	store_sqlite_bind_text(stmt, 4, rep->detail);
	sqlite3_bind_int64(stmt, 5, rep->pile_ms);
	sqlite3_bind_int64(stmt, 6, recv_ms);
	sqlite3_bind_int64(stmt, 7, frame_seq);
	return store_sqlite_exec(s, stmt, "pile report insert");
}

/* Bind the key of v at ?1 .. ?8. */
static void bind_key(sqlite3_stmt *stmt, const char *pile, const struct device_var *v)
{
	store_sqlite_bind_text(stmt, 1, pile);
	store_sqlite_bind_text(stmt, 2, v->component);
	store_sqlite_bind_text(stmt, 3, v->component_instance);
	sqlite3_bind_int(stmt, 4, v->evse_id);
	sqlite3_bind_int(stmt, 5, v->connector_id);
	store_sqlite_bind_text(stmt, 6, v->variable);
	store_sqlite_bind_text(stmt, 7, v->variable_instance);
	store_sqlite_bind_text(stmt, 8, v->attribute[0] ? v->attribute : "Actual");
}

int store_sqlite_device_var_upsert(struct store *st, const char *pile, const struct device_var *v,
				   int64_t recv_ms, int64_t frame_seq)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;

	stmt = store_sqlite_prep(s, SQ_DEVVAR_UPSERT,
				 "INSERT INTO device_vars(pile, component, component_instance,"
				 " evse_id, connector_id, variable, variable_instance, attribute,"
				 " value, readonly, recv_ms, frame_seq)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
				 " ON CONFLICT DO UPDATE SET value = excluded.value,"
				 " readonly = excluded.readonly, recv_ms = excluded.recv_ms,"
				 " frame_seq = excluded.frame_seq");
	if (!stmt)
		return GW_ESTORE;
	bind_key(stmt, pile, v);
	store_sqlite_bind_text(stmt, 9, v->value);
	sqlite3_bind_int(stmt, 10, v->readonly);
	sqlite3_bind_int64(stmt, 11, recv_ms);
	sqlite3_bind_int64(stmt, 12, frame_seq);
	return store_sqlite_exec(s, stmt, "device var upsert");
}

int store_sqlite_device_var_get(struct store *st, const char *pile, struct device_var *v)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sqlite_prep(s, SQ_DEVVAR_GET,
				 "SELECT value, readonly FROM device_vars WHERE pile = ?1"
				 " AND component = ?2 AND component_instance = ?3 AND evse_id = ?4"
				 " AND connector_id = ?5 AND variable = ?6 AND variable_instance = ?7"
				 " AND attribute = ?8");
	if (!stmt)
		return GW_ESTORE;
	bind_key(stmt, pile, v);
	rc = store_sqlite_step_row(s, stmt, "device var get");
	if (rc == GW_OK) {
		SQ_TEXT(stmt, 0, v->value);
		v->readonly = sqlite3_column_int(stmt, 1);
	}
	sqlite3_reset(stmt);
	return rc;
}

int store_sqlite_command_insert(struct store *st, const char *pile, const char *msg_id,
				const char *action, const char *payload, int64_t sent_ms,
				int64_t *id_out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sqlite_prep(s, SQ_CMD_INSERT,
				 "INSERT INTO commands(pile, msg_id, action, payload, sent_ms)"
				 " VALUES(?1, ?2, ?3, ?4, ?5)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, pile);
	store_sqlite_bind_text(stmt, 2, msg_id);
	store_sqlite_bind_text(stmt, 3, action);
	store_sqlite_bind_text(stmt, 4, payload);
	sqlite3_bind_int64(stmt, 5, sent_ms);
	rc = store_sqlite_exec(s, stmt, "command insert");
	if (rc == GW_OK && id_out)
		*id_out = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_sqlite_command_finish(struct store *st, int64_t id, enum cmd_outcome outcome,
				const char *answer, int64_t done_ms)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sqlite_prep(s, SQ_CMD_FINISH,
				 "UPDATE commands SET outcome = ?2, answer = ?3, done_ms = ?4"
				 " WHERE id = ?1");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, id);
	store_sqlite_bind_text(stmt, 2, store_cmd_outcome_name(outcome));
	store_sqlite_bind_text(stmt, 3, answer);
	sqlite3_bind_int64(stmt, 4, done_ms);
	rc = store_sqlite_exec(s, stmt, "command finish");
	if (rc == GW_OK && sqlite3_changes(s->db) == 0)
		rc = GW_ENOTFOUND;
	return rc;
}
