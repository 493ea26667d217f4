/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_outbox.c - the order event log and the webhook outbox
 * (DESIGN.md "Events", "Partners and disputes"; PROTOCOL.md 4 rule 5).
 *
 * Both are written by the event sink inside the batch of the change they
 * describe, so a change, its history and its webhooks commit together or
 * not at all.  order_events is append-only (triggers refuse UPDATE and
 * DELETE, as for frames); outbox rows change state when issue 5 delivers
 * them.  The store never parses the JSON it is handed.
 */
#include <string.h>

#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

/* The words of column order_events.source (enum event_source of events.h). */
static int source_ok(const char *source)
{
	static const char *const words[] = {"pile", "operator", "detector", "partner", "system"};

	for (size_t i = 0; source && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(source, words[i]) == 0)
			return 1;
	return 0;
}

int store_sqlite_order_event_append(struct store *st, int64_t order_id, int64_t case_id,
				    int64_t at_ms, const char *source, const char *source_ref,
				    const char *type, const char *payload_json, int64_t *seq_out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc;

	if (!source_ok(source) || !type || !type[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_EVENT_APPEND,
				 "INSERT INTO order_events(order_id, case_id, at_ms, recv_ms, source,"
				 " source_ref, type, payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_opt_i64(stmt, 1, order_id != 0, order_id);
	store_sqlite_bind_opt_i64(stmt, 2, case_id != 0, case_id);
	sqlite3_bind_int64(stmt, 3, at_ms);
	sqlite3_bind_int64(stmt, 4, gw_clock_now_ms());
	store_sqlite_bind_text(stmt, 5, source);
	store_sqlite_bind_text(stmt, 6, source_ref);
	store_sqlite_bind_text(stmt, 7, type);
	store_sqlite_bind_text(stmt, 8, payload_json ? payload_json : "{}");
	rc = store_sqlite_exec(s, stmt, "order event append");
	if (rc == GW_OK && seq_out)
		*seq_out = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_sqlite_outbox_insert(struct store *st, const char *partner, int64_t order_id,
			       const char *event_id, const char *event_type, int64_t occurred_ms,
			       const char *data_json, int64_t *id_out)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int64_t now = gw_clock_now_ms();
	int rc;

	if (!partner || !event_id || !event_id[0] || !event_type || !event_type[0])
		return GW_EINVAL;
	stmt = store_sqlite_prep(s, SQ_OUTBOX_INSERT,
				 "INSERT INTO outbox(partner, order_id, event_id, event_type,"
				 " occurred_ms, data, next_attempt_ms, created_ms)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
	if (!stmt)
		return GW_ESTORE;
	store_sqlite_bind_text(stmt, 1, partner);
	store_sqlite_bind_opt_i64(stmt, 2, order_id != 0, order_id);
	store_sqlite_bind_text(stmt, 3, event_id);
	store_sqlite_bind_text(stmt, 4, event_type);
	sqlite3_bind_int64(stmt, 5, occurred_ms);
	store_sqlite_bind_text(stmt, 6, data_json ? data_json : "{}");
	sqlite3_bind_int64(stmt, 7, now);
	rc = store_sqlite_exec(s, stmt, "outbox insert");
	if (rc == GW_OK && id_out)
		*id_out = sqlite3_last_insert_rowid(s->db);
	return rc;
}
