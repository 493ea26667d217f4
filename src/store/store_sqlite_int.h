/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_int.h - internals shared by the store_sqlite*.c files.
 *
 * Invariants: every statement is prepared once (lazily, on first use) from
 * a constant SQL string and cached by its enum id; nothing is ever built
 * from input, every value is bound.  Every op resets the statements it
 * stepped before returning, so no read snapshot outlives an op (WAL
 * checkpoints would stall behind it).  Text columns are copied into fixed
 * arrays with truncation, never overflow.
 */
#ifndef STORE_SQLITE_INT_H
#define STORE_SQLITE_INT_H
#include <sqlite3.h>

#include "store/store.h"

/* One cached statement per call site. */
enum sq_id {
	SQ_BEGIN = 0,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_PILE_GET,
	SQ_PILE_INSERT,
	SQ_PILE_BOOT,
	SQ_PILE_PW,
	SQ_PILE_PW_PENDING,
	SQ_PILE_PW_PROMOTE,
	SQ_PILE_REG,
	SQ_PILE_TOUCH,
	SQ_PILE_LIST,
	SQ_CONN_UPSERT,
	SQ_CONN_HISTORY,
	SQ_CONN_GET,
	SQ_CONN_HISTORY_COUNT,
	SQ_TOKEN_GET,
	SQ_TOKEN_UPSERT,
	SQ_TOKEN_LIST,
	SQ_TX_INSERT,
	SQ_TX_UPDATE,
	SQ_TX_GET,
	SQ_TX_GET_PILE_TX,
	SQ_TX_GET_ORPHAN,
	SQ_TX_FIND_DUP,
	SQ_TX_LIST_OPEN,
	SQ_TX_OPEN_BY_TOKEN,
	SQ_TX_EVENT_INSERT,
	SQ_SAMPLE_INSERT,
	SQ_SAMPLE_SEEN,
	SQ_SAMPLE_SEEN_NO_TX,
	SQ_SAMPLE_BY_TX,
	SQ_FRAME_LAST,
	SQ_FRAME_INSERT,
	SQ_FRAME_HEAD,
	SQ_FRAME_WALK,
	SQ_REPORT_INSERT,
	SQ_DEVVAR_UPSERT,
	SQ_DEVVAR_GET,
	SQ_CMD_INSERT,
	SQ_CMD_FINISH,
	SQ_EVENT_APPEND,
	SQ_OUTBOX_INSERT,
	SQ_ORDER_INSERT,
	SQ_ORDER_NUMBER,
	SQ_ORDER_UPDATE,
	SQ_ORDER_GET,
	SQ_ORDER_GET_TX,
	SQ_ORDER_LIST_OPEN,
	SQ_ORDER_OVERLAP_CONN_OPEN,
	SQ_ORDER_OVERLAP_CONN_ENDED,
	SQ_ORDER_OVERLAP_TOKEN_OPEN,
	SQ_ORDER_OVERLAP_TOKEN_ENDED,
	SQ_ORDER_AUTO_COUNT,
	SQ_CASE_INSERT,
	SQ_CASE_UPDATE,
	SQ_CASE_GET,
	SQ_CASE_GET_RULE,
	SQ_CASE_LIST_ORDER,
	SQ_CASE_LIST_OPEN,
	SQ_EVID_INSERT,
	SQ_EVID_LIST,
	SQ_FRAMES_WINDOW,
	SQ_HIST_WINDOW,
	SQ_HIST_BEFORE,
	SQ_CMD_WINDOW,
	SQ_OUTBOX_DUE,
	SQ_OUTBOX_DELIVERED,
	SQ_OUTBOX_FAILED,
	SQ_OUTBOX_DEAD,
	SQ_OUTBOX_REQUEUE,
	SQ_DISP_INBOX,
	SQ_DISP_INSERT,
	SQ_DISP_UPDATE,
	SQ_DISP_GET,
	SQ_DISP_LIST_CASE,
	SQ_ROLE_CLAIM,
	SQ_ROLE_GET,
	SQ_COUNT
};

/* The WHERE of the partial indexes orders_open and cases_open (migrate.c
 * v5), word for word: a query uses such an index only when it repeats it. */
#define SQ_ORDER_OPEN                                                                      \
	"(state = 'starting' OR state = 'charging' OR state = 'stopping' OR state = 'settling')"
#define SQ_CASE_OPEN "(state = 'opened' OR state = 'under_review' OR state = 'awaiting_info')"

struct sq_ckpt;

/* One per open SQLite store; freed by store_close. */
struct sq_store {
	struct store base;          /* first: a struct store * points here */
	sqlite3 *db;
	void *md;                   /* EVP_MD_CTX *, reused for every frame hash */
	void *sha256;               /* EVP_MD *, SHA-256 fetched once at open */
	struct sq_ckpt *ckpt;       /* checkpoint thread; NULL in memory or if it failed */
	sqlite3_stmt *stmt[SQ_COUNT];
};

static inline struct sq_store *sq(struct store *st)
{
	return (struct sq_store *)st;
}

/* ---- helpers (store_sqlite.c) ---------------------------------------- */

/* The cached statement id, prepared from sql on first use, reset and with
 * bindings cleared.  NULL on failure (logged, counted). */
sqlite3_stmt *store_sqlite_prep(struct sq_store *s, enum sq_id id, const char *sql);

/* Map an SQLite result code to GW_*: OK/ROW/DONE -> GW_OK, unique or
 * primary-key constraint -> GW_EDUP, foreign key -> GW_ENOTFOUND, anything
 * else -> GW_ESTORE (logged at ERR with what, counted). */
int store_sqlite_rc(struct sq_store *s, int rc, const char *what);

/* Step a statement that returns no rows, then reset it; mapped code. */
int store_sqlite_exec(struct sq_store *s, sqlite3_stmt *stmt, const char *what);

/* Step once: GW_OK with a row, GW_ENOTFOUND at the end, or mapped error.
 * Does not reset (the caller reads columns, then resets). */
int store_sqlite_step_row(struct sq_store *s, sqlite3_stmt *stmt, const char *what);

/* Text binding (NULL binds ""), transient copy not needed: values outlive
 * the step. */
int store_sqlite_bind_text(sqlite3_stmt *stmt, int i, const char *v);
/* Binds NULL when have == 0. */
int store_sqlite_bind_opt_i64(sqlite3_stmt *stmt, int i, int have, int64_t v);
/* Copy column i as text into buf (size bytes, always NUL-terminated). */
void store_sqlite_col_text(sqlite3_stmt *stmt, int i, char *buf, size_t size);

/* Copies the current row of stmt into the row struct at row (one per
 * table file, e.g. struct order_row). */
typedef void sq_read_fn(sqlite3_stmt *stmt, void *row);

/* Step a bound query for at most one row: read it into out, then reset.
 * GW_OK, GW_ENOTFOUND or a mapped error (what names it in the log). */
int store_sqlite_get_row(struct sq_store *s, sqlite3_stmt *stmt, sq_read_fn *read, void *out,
			 const char *what);

/* Step a bound list query into rows (cap structs of elem bytes) from
 * rows[*n] on, counting in *n, then reset.  GW_OK at the end of the rows
 * or of the room, else a mapped error. */
int store_sqlite_list_rows(struct sq_store *s, sqlite3_stmt *stmt, sq_read_fn *read, void *rows,
			   size_t elem, size_t cap, size_t *n, const char *what);

/* Make room for one more element in a growing array: *buf of *cap
 * elements of elem bytes holding n.  GW_OK or GW_ENOMEM (*buf untouched). */
int store_sqlite_grow(void **buf, size_t *cap, size_t n, size_t elem);

#define SQ_TEXT(stmt, i, field) store_sqlite_col_text((stmt), (i), (field), sizeof(field))

/* The columns of a struct connector_row, in the order
 * store_sqlite_read_connector() reads them (store_sqlite_connectors.c). */
#define CONNECTOR_COLS                                                          \
	"pile, evse_id, connector_id, state, plugged, error_code, info, pile_ms," \
	" recv_ms, frame_seq"
void store_sqlite_read_connector(sqlite3_stmt *stmt, void *row);

/* ---- background checkpoints (store_sqlite_ckpt.c) --------------------- */

/* Checkpoint s's WAL from a thread with its own connection to path instead
 * of inside the loop's commits.  GW_OK, or an error after which SQLite's
 * own checkpoints stay in place (logged; the store works either way). */
int store_sqlite_ckpt_start(struct sq_store *s, const char *path);
/* Stop and join the thread (NULL-safe: nothing started, nothing done). */
void store_sqlite_ckpt_stop(struct sq_store *s);

/* ---- migrations (migrate.c) ------------------------------------------ */

/* Bring the schema to the newest version; GW_OK or GW_ESTORE. */
int store_sqlite_migrate(sqlite3 *db);
/* Newest schema version this build knows. */
int store_sqlite_schema_version(void);

/* ---- names stored in text columns (store_names.c) -------------------- */

const char *store_reg_name(enum reg_status v);
enum reg_status store_reg_parse(const char *s);
const char *store_conn_name(enum conn_state v);
enum conn_state store_conn_parse(const char *s);
const char *store_auth_name(enum auth_status v);
enum auth_status store_auth_parse(const char *s);
const char *store_meas_name(enum measurand v);
enum measurand store_meas_parse(const char *s);
const char *store_ctx_name(enum reading_ctx v);
enum reading_ctx store_ctx_parse(const char *s);
const char *store_kind_name(enum tx_event_kind v);
enum cmd_outcome store_cmd_outcome_parse(const char *s);

/* ---- ops, one file per table group ----------------------------------- */

/* store_sqlite_piles.c */
int store_sqlite_pile_get(struct store *st, const char *identity, struct pile_row *out);
int store_sqlite_pile_insert(struct store *st, const struct pile_row *row);
int store_sqlite_pile_update_boot(struct store *st, const char *identity,
				  const struct boot_report *b, int64_t boot_ms);
int store_sqlite_pile_set_password(struct store *st, const char *identity,
				   const struct store_password *pw);
int store_sqlite_pile_set_pending_password(struct store *st, const char *identity,
					   const struct store_password *pw);
int store_sqlite_pile_promote_password(struct store *st, const char *identity);
int store_sqlite_pile_set_registration(struct store *st, const char *identity,
				       enum reg_status status, int min_security_profile);
int store_sqlite_pile_touch(struct store *st, const char *identity, int ocpp_version,
			    int64_t seen_ms);
int store_sqlite_pile_list(struct store *st, const char *after, struct pile_row *rows, size_t cap,
			   size_t *n);

/* store_sqlite_connectors.c (connectors, id tokens) */
int store_sqlite_connector_set(struct store *st, const char *pile, const struct status_report *r,
			       enum conn_source source, int64_t recv_ms, int64_t frame_seq);
int store_sqlite_connector_get(struct store *st, const char *pile, int evse_id, int connector_id,
			       struct connector_row *out);
int store_sqlite_connector_history_count(struct store *st, const char *pile, int evse_id,
					 int connector_id, int64_t *n);
int store_sqlite_token_get(struct store *st, const char *id, struct token_row *out);
int store_sqlite_token_upsert(struct store *st, const struct token_row *row);
int store_sqlite_token_list(struct store *st, const char *after, struct token_row *rows,
			    size_t cap, size_t *n);

/* store_sqlite_tx.c */
int store_sqlite_tx_insert(struct store *st, struct tx_row *row);
int store_sqlite_tx_update(struct store *st, const struct tx_row *row);
int store_sqlite_tx_get(struct store *st, int64_t id, struct tx_row *out);
int store_sqlite_tx_get_by_pile_tx(struct store *st, const char *pile, const char *pile_tx_id,
				   struct tx_row *out);
int store_sqlite_tx_get_orphan(struct store *st, const char *pile, int64_t orphan_ref,
			       struct tx_row *out);
int store_sqlite_tx_find_start_dup(struct store *st, const char *pile, int connector_id,
				   const char *id_token, int64_t meter_start_wh,
				   int64_t start_pile_ms, struct tx_row *out);
int store_sqlite_tx_list_open(struct store *st, const char *pile, int evse_id, int connector_id,
			      struct tx_row *rows, size_t cap, size_t *n);
int store_sqlite_tx_find_open_by_token(struct store *st, const char *id_token,
				       struct tx_row *out);
int store_sqlite_tx_event_insert(struct store *st, const char *pile, const struct tx_event *ev,
				 int64_t recv_ms, int64_t frame_seq);

/* store_sqlite_samples.c */
int store_sqlite_samples_insert(struct store *st, const struct sample_ctx *ctx,
				const struct meter_sample *s, size_t n);
int store_sqlite_samples_by_tx(struct store *st, int64_t tx_id, size_t max,
			       struct sample_row **rows, size_t *n);

/* store_sqlite_frames.c */
int store_sqlite_frame_append(struct store *st, const struct frame_in *f, int64_t *seq_out);
int store_sqlite_frames_verify(struct store *st, const char *pile, int64_t *n_checked);

/* store_sqlite_reports.c (reports, device vars, commands) */
int store_sqlite_report_insert(struct store *st, const char *pile, const struct pile_report *rep,
			       int64_t recv_ms, int64_t frame_seq);
int store_sqlite_device_var_upsert(struct store *st, const char *pile, const struct device_var *v,
				   int64_t recv_ms, int64_t frame_seq);
int store_sqlite_device_var_get(struct store *st, const char *pile, struct device_var *v);
int store_sqlite_command_insert(struct store *st, const char *pile, const char *msg_id,
				const char *action, const char *payload, int64_t sent_ms,
				int64_t *id_out);
int store_sqlite_command_finish(struct store *st, int64_t id, enum cmd_outcome outcome,
				const char *answer, int64_t done_ms);

/* store_sqlite_outbox.c (order events, outbox) */
int store_sqlite_order_event_append(struct store *st, int64_t order_id, int64_t case_id,
				    int64_t at_ms, const char *source, const char *source_ref,
				    const char *type, const char *payload_json, int64_t *seq_out);
int store_sqlite_outbox_insert(struct store *st, const char *partner, int64_t order_id,
			       const char *event_id, const char *event_type, int64_t occurred_ms,
			       const char *data_json, int64_t *id_out);

/* store_sqlite_orders.c */
int store_sqlite_order_insert(struct store *st, struct order_row *row);
int store_sqlite_order_update(struct store *st, const struct order_row *row);
int store_sqlite_order_get(struct store *st, int64_t id, struct order_row *out);
int store_sqlite_order_get_by_tx(struct store *st, int64_t tx_id, struct order_row *out);
int store_sqlite_order_list_open(struct store *st, int64_t after_id, struct order_row *rows,
				 size_t cap, size_t *n);
int store_sqlite_order_list_overlap(struct store *st, const struct order_row *self,
				    struct order_row *rows, size_t cap, size_t *n);
int store_sqlite_order_auto_refunds_count(struct store *st, const char *id_token,
					  int64_t since_ms, int64_t *n);

/* store_sqlite_cases.c (refund cases, evidence) */
int store_sqlite_case_insert(struct store *st, struct case_row *row);
int store_sqlite_case_update(struct store *st, const struct case_row *row);
int store_sqlite_case_get(struct store *st, int64_t id, struct case_row *out);
int store_sqlite_case_get_by_rule(struct store *st, int64_t order_id, const char *rule,
				  struct case_row *out);
int store_sqlite_case_list_by_order(struct store *st, int64_t order_id, struct case_row *rows,
				    size_t cap, size_t *n);
int store_sqlite_case_list_open(struct store *st, int64_t after_id, struct case_row *rows,
				size_t cap, size_t *n);
int store_sqlite_case_evidence_append(struct store *st, int64_t case_id, const char *kind,
				      const char *ref, const char *body, int64_t *seq_out);
int store_sqlite_case_evidence_list(struct store *st, int64_t case_id,
				    struct case_evidence_row **rows, size_t *n);

/* store_sqlite_windows.c (evidence queries over frames, history, commands) */
int store_sqlite_frames_window(struct store *st, const char *pile, int64_t from_ms,
			       int64_t to_ms, size_t max, struct frame_row **rows, size_t *n);
int store_sqlite_connector_history_window(struct store *st, const char *pile, int evse_id,
					  int connector_id, int64_t from_ms, int64_t to_ms,
					  size_t max, struct status_hist_row **rows, size_t *n);
int store_sqlite_commands_window(struct store *st, const char *pile, int64_t from_ms,
				 int64_t to_ms, size_t max, struct command_row **rows, size_t *n);

/* store_sqlite_delivery.c (webhook delivery: due rows, outcomes, dead letters) */
int store_sqlite_outbox_due(struct store *st, const char *partner, int64_t now_ms, size_t cap,
			    struct outbox_row **rows, size_t *n);
int store_sqlite_outbox_delivered(struct store *st, int64_t id, int attempts);
int store_sqlite_outbox_failed(struct store *st, int64_t id, int attempts,
			       int64_t next_attempt_ms, int dead, const char *error);
int store_sqlite_outbox_list_dead(struct store *st, const char *partner, int64_t after_id,
				  size_t cap, struct outbox_row **rows, size_t *n);
int store_sqlite_outbox_requeue(struct store *st, int64_t id, int64_t now_ms);

/* store_sqlite_disputes.c (partner disputes, their inbox, case roles) */
int store_sqlite_dispute_inbox_claim(struct store *st, const char *partner, const char *event_id,
				     const char *event_type, int64_t recv_ms);
int store_sqlite_dispute_insert(struct store *st, struct dispute_row *row);
int store_sqlite_dispute_update(struct store *st, const struct dispute_row *row);
int store_sqlite_dispute_get(struct store *st, const char *partner, const char *ext_id,
			     struct dispute_row *out);
int store_sqlite_dispute_list_by_case(struct store *st, int64_t case_id,
				      struct dispute_row *rows, size_t cap, size_t *n);
int store_sqlite_case_role_claim(struct store *st, const struct case_role_row *row);
int store_sqlite_case_role_get(struct store *st, int64_t case_id, struct case_role_row *out);

/* store_sqlite_admin.c (operator administration, /metrics sums) */
int store_sqlite_pile_remove(struct store *st, const char *identity);
int store_sqlite_pile_readd(struct store *st, const struct pile_row *row);
int store_sqlite_pile_open_work(struct store *st, const char *identity,
				struct store_pile_work *out);
int store_sqlite_refund_sums(struct store *st, struct store_money_sum *rows, size_t cap,
			     size_t *n);
int store_sqlite_outbox_counts(struct store *st, struct store_outbox_counts *out);

#endif
