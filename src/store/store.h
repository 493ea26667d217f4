/* SPDX-License-Identifier: MIT
 *
 * store.h - the storage interface of ocppgw (DESIGN.md "store").
 *
 * A struct of function pointers, like Redis ConnectionType: struct store
 * holds the ops table of one implementation (SQLite today, store_sqlite.c;
 * PostgreSQL later behind the same table).  Callers use only the store_xxx()
 * wrappers at the bottom of this file.
 *
 * Batches: every change made for one loop turn runs between store_begin()
 * and store_commit(); each frame inside the batch is wrapped in
 * store_savepoint() ... store_release() (or store_rollback_to() when that
 * frame failed), so one bad frame does not undo the others (group commit,
 * STYLE.md 4 "Persist, then reply").  A reply leaves only after
 * store_commit() returned GW_OK.  Reads may also run outside a batch.
 *
 * Error codes of every op: GW_OK; GW_ENOTFOUND (no such row, or the pile a
 * row refers to does not exist); GW_EDUP (a unique key we expect to repeat:
 * 2.0.1 (transactionId, seqNo), 2.0.1 transactionId per pile, pile
 * identity); GW_EINVAL (NULL / oversize argument: our own bug);
 * GW_ESTORE for every storage failure (busy, locked, disk full, I/O, corrupt,
 * out of memory inside the engine).  GW_ESTORE is transient from the pile's
 * point of view: never CALLERROR a transaction message for it, close the
 * connection (PROTOCOL.md 1.4 rule 3).
 *
 * Ownership: strings passed in are borrowed for the call; rows come back by
 * value in caller-owned structs (fixed arrays, nothing to free) unless the
 * op says it allocates.  One store is used from one thread.
 *
 * Secrets: password hashes and salts pass through here as bytes; no
 * implementation logs them.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "common/gw_err.h"
#include "common/gw_ocpp.h"
#include "domain/billing/tariff.h"
#include "domain/vocab.h"

#define STORE_PW_HASH_LEN 32 /* PBKDF2-SHA256 output, bytes */
#define STORE_PW_SALT_LEN 16
#define STORE_HASH_LEN 32    /* SHA-256 of the raw frame chain */
#define STORE_TX_WINDOW_MS 2000 /* 1.6 duplicate start: same timestamp +-2 s */

struct store;

/* ==== rows ============================================================= */

/* A pile's stored password (hashing lives in transport/password.c). */
struct store_password {
	int present;                        /* 0: none set, the rest is zero */
	uint8_t hash[STORE_PW_HASH_LEN];
	uint8_t salt[STORE_PW_SALT_LEN];
	uint32_t iterations;                /* PBKDF2 rounds, > 0 when present */
};

/* One registered pile; a copy, lives as long as the caller keeps it. */
struct pile_row {
	char identity[GW_IDENTITY_MAX + 1];
	enum reg_status reg_status;
	int min_security_profile;           /* 0 = the listener's, else 1..3 */
	struct store_password password;     /* current credentials */
	struct store_password pending;      /* rotation: sent, not yet in use */
	struct boot_report boot;            /* from the last BootNotification */
	int ocpp_version;                   /* enum ocpp_version last used, 0 = never */
	int64_t first_seen_ms;              /* registration time */
	int64_t last_boot_ms;               /* 0 = never booted */
	int64_t last_seen_ms;               /* 0 = never seen */
};

/* Current state of one connector. */
struct connector_row {
	char pile[GW_IDENTITY_MAX + 1];
	int evse_id;
	int connector_id;
	enum conn_state state;
	enum plug_evidence plugged;
	char error_code[51];
	char info[51];
	int64_t pile_ms;
	int64_t recv_ms;
	int64_t frame_seq;                  /* frame that set it, 0 if none */
};

/* Where a connector state came from (history column "source"). */
enum conn_source {
	CONN_SRC_STATUS = 0,   /* StatusNotification */
	CONN_SRC_TX_EVENT = 1, /* 2.0.1 TransactionEvent chargingState / trigger */
};

/* One id token (config seeds, operator API). */
struct token_row {
	char id[VOCAB_TOKEN_MAX + 1];
	char status[20];                    /* "Accepted", "Blocked", "Expired", "Invalid", ... */
	int64_t expiry_ms;                  /* 0 = never expires */
	char group_id[VOCAB_TOKEN_MAX + 1]; /* "" = none */
	int64_t updated_ms;
};

enum tx_state {
	TXS_OPEN = 0,
	TXS_ENDED = 1,
};

/* One transaction of either version.  id is ours and is the 1.6
 * transactionId; pile_tx_id is the 2.0.1 one (unique per pile, "" in 1.6). */
struct tx_row {
	int64_t id;                         /* INTEGER PRIMARY KEY, never reused */
	char pile[GW_IDENTITY_MAX + 1];
	char pile_tx_id[VOCAB_PILE_TX_MAX + 1];
	int evse_id;
	int connector_id;
	char id_token[VOCAB_TOKEN_MAX + 1];
	enum auth_status auth_status;       /* answered at start */
	enum tx_state state;
	int orphan;                         /* 1: row made by an end/update whose start we never saw */
	int64_t orphan_ref;                 /* 1.6 orphan (orphan = 1, pile_tx_id ""): the
					     * transactionId the pile sent (any value, 0 too) */
	int have_meter_start;
	int64_t meter_start_wh;
	int64_t start_pile_ms;              /* 0 = unknown */
	int64_t start_recv_ms;
	int have_meter_stop;
	int64_t meter_stop_wh;
	int64_t stop_pile_ms;               /* 0 = not ended */
	int64_t stop_recv_ms;
	char stop_reason[32];
	int64_t last_seq_no;                /* 2.0.1 highest seqNo seen, -1 = none */
	int reservation_id;                 /* -1 = none */
	int remote_start_id;                /* -1 = none */
	int64_t start_frame_seq;            /* raw frame of the start, 0 = none */
	int64_t end_frame_seq;              /* raw frame of the end, 0 = none */
};

/* Where a stored meter sample belongs. */
struct sample_ctx {
	const char *pile;
	int64_t tx_id;                      /* 0 = outside a known transaction (NULL) */
	const char *pile_tx_id;             /* 2.0.1 id as sent, "" or NULL = none */
	int64_t recv_ms;
	int64_t frame_seq;
};

/* A stored meter sample, read back. */
struct sample_row {
	int64_t id;
	int64_t tx_id;                      /* 0 = NULL */
	char pile_tx_id[VOCAB_PILE_TX_MAX + 1];
	struct meter_sample s;
	int64_t recv_ms;
	int64_t frame_seq;
};

enum frame_dir {
	FRAME_IN = 0,  /* pile -> us, stored as 'in' */
	FRAME_OUT = 1, /* us -> pile, stored as 'out' */
};

/* One raw frame to append; every pointer is borrowed for the call. */
struct frame_in {
	const char *pile;
	enum frame_dir dir;
	const char *msg_id;    /* "" if unreadable */
	int msg_type;          /* 2 CALL, 3 CALLRESULT, 4 CALLERROR, 0 unparsable */
	const char *action;    /* "" for results / errors we cannot pair */
	const char *payload;   /* the whole frame text as received / sent */
	size_t payload_len;
	int64_t pile_ms;       /* time the pile stamped, 0 = none (NULL) */
	int64_t recv_ms;       /* our receive / send time */
};

/* Outcome of a server-initiated CALL. */
enum cmd_outcome {
	CMD_PENDING = 0,
	CMD_ACCEPTED,  /* CALLRESULT with a positive status */
	CMD_REJECTED,  /* CALLRESULT with a negative status */
	CMD_ERROR,     /* CALLERROR */
	CMD_TIMEOUT,
	CMD_CLOSED,    /* the pile went away before answering */
};

/* Running counters; read with store_stats_get(). */
struct store_stats {
	uint64_t exec_count;     /* statements stepped since open */
	uint64_t commits;        /* successful store_commit() */
	uint64_t commit_us_total;/* sum of commit latencies, microseconds */
	uint64_t commit_us_max;
	uint64_t rollbacks;      /* store_rollback() + failed commits */
	uint64_t savepoint_rollbacks;
	uint64_t errors;         /* ops that returned GW_ESTORE */
};


/* ---- orders, refund cases, events, outbox (issue 4) ------------------ */

#define STORE_ORDER_NUMBER_MAX 18 /* ORDER_NUMBER_BUFSZ: 13 digits + check + 3 hyphens + NUL */
#define STORE_RULE_MAX 32         /* anomaly rule name, "NO_PLUG_BILLED" */
#define STORE_EXPLAIN_MAX 200     /* ANOMALY_EXPLAIN_MAX */
#define STORE_SHA256_HEX 65       /* 64 hex digits + NUL */
#define STORE_TARIFF_ID_MAX 32

/* DESIGN.md "Orders": states.  Stored as the lower-case word. */
enum order_state {
	ORDER_STARTING = 0, /* remote start accepted, waiting for the pile */
	ORDER_CHARGING,     /* the pile's transaction is open */
	ORDER_STOPPING,     /* a stop was accepted, waiting for the end message */
	ORDER_SETTLING,     /* ended; amount computed; anomaly gate */
	ORDER_COMPLETED,
	ORDER_ABNORMAL,     /* settlement held for review */
	ORDER_CANCELLED,    /* start failed, free cancel, nothing chargeable */
	ORDER_STATE_COUNT
};

/* Sub-states of ORDER_CHARGING ("" in every other state). */
enum order_sub_state {
	ORDER_SUB_NONE = 0,
	ORDER_SUB_AWAITING_PLUG,
	ORDER_SUB_ENERGY_FLOWING,
	ORDER_SUB_SUSPENDED_EV,
	ORDER_SUB_SUSPENDED_EVSE,
	ORDER_SUB_PILE_OFFLINE,
	ORDER_SUB_COUNT
};

/* One order (DESIGN.md "Orders"): one per transaction of either version.
 * A copy; lives as long as the caller keeps it.  Times are ms since the
 * epoch: *_ms of the session (started/ended/bill_*) are pile time corrected
 * by clock_offset_ms (server clock = pile clock - clock_offset_ms);
 * created/updated/settled are our clock. */
struct order_row {
	int64_t id;                              /* INTEGER PRIMARY KEY, never reused */
	char number[STORE_ORDER_NUMBER_MAX];     /* order_number_format(id), set by insert */
	int64_t tx_id;                           /* transactions.id (the 1.6 transactionId) */
	char pile[GW_IDENTITY_MAX + 1];
	char pile_tx_id[VOCAB_PILE_TX_MAX + 1];  /* 2.0.1 transactionId, "" in 1.6 */
	int evse_id;
	int connector_id;
	char id_token[VOCAB_TOKEN_MAX + 1];      /* "" when none */
	int orphan;                              /* 1: made from an end/update without its start */
	enum order_state state;
	enum order_sub_state sub_state;          /* ORDER_SUB_NONE unless CHARGING */
	char tariff_id[STORE_TARIFF_ID_MAX];     /* config tariff the snapshot came from */
	struct tariff tariff;                    /* snapshot at start, never changed after */
	char currency[4];                        /* = tariff.currency (read back; written from tariff) */
	int minor_exp;                           /* = tariff.minor_exp (idem) */
	int dc;                                  /* 1 DC, 0 AC */
	int64_t p_max_w;                         /* nameplate maximum power, W */
	int64_t started_ms;                      /* tx start (corrected) */
	int64_t ended_ms;                        /* tx end (corrected), 0 = open */
	int64_t bill_start_ms;                   /* gateway billing window, 0 = none yet */
	int64_t bill_end_ms;
	int64_t billed_minor;                    /* tariff over the pile's transaction */
	int64_t rerated_minor;                   /* tariff over the window minus exclusions */
	int64_t amount_minor;                    /* what the driver is charged: billed, 0 if cancelled */
	int64_t energy_wh;                       /* billed energy */
	int64_t clock_offset_ms;                 /* measured pile clock - server clock */
	int64_t cost_sent_ms;                    /* last running cost sent (CostUpdated), 0 = never */
	int64_t created_ms;
	int64_t updated_ms;
	int64_t settled_ms;                      /* 0 = not settled */
};

/* Refund-case states (DESIGN.md "Billing anomalies -> refund cases"). */
enum case_state {
	CASE_OPENED = 0,
	CASE_AUTO_APPROVED,
	CASE_UNDER_REVIEW,
	CASE_APPROVED,
	CASE_PARTIALLY_APPROVED,
	CASE_REJECTED,
	CASE_AWAITING_INFO,
	CASE_REFUNDING,
	CASE_REFUNDED,
	CASE_STATE_COUNT
};

/* SLA timer marks already emitted (case_row.sla_flags). */
#define CASE_SLA_ACK_WARNED 0x1
#define CASE_SLA_ACK_BREACHED 0x2
#define CASE_SLA_DECIDE_WARNED 0x4
#define CASE_SLA_DECIDE_BREACHED 0x8

/* One refund case, opened once per (order, rule); a re-judgement amends
 * it.  A copy. */
struct case_row {
	int64_t id;
	int64_t order_id;
	char rule[STORE_RULE_MAX];           /* anomaly rule name, or "DISPUTE" */
	char tier;                           /* 'A', 'B', 'C' */
	enum case_state state;
	int auto_approved;                   /* 1: approved by the gateway (abuse limit counts these) */
	int64_t amount_minor;                /* refund, 0..billed */
	char currency[4];
	int64_t billed_minor;                /* the order's billed amount when judged */
	int64_t rerated_minor;               /* billed - this rule's exclusions */
	int64_t window_from_ms;              /* evidence window, corrected pile time */
	int64_t window_to_ms;
	char explain[STORE_EXPLAIN_MAX];
	char manifest_sha256[STORE_SHA256_HEX]; /* hex SHA-256 over the evidence items */
	int64_t opened_ms;
	int64_t ack_due_ms;                  /* 0 = no timer (decided at open) */
	int64_t decide_due_ms;               /* 0 = no timer */
	int64_t acked_ms;                    /* 0 = not yet */
	int64_t decided_ms;                  /* 0 = not yet */
	int sla_flags;                       /* CASE_SLA_* */
	int appeals;                         /* 0 or 1 (appeal once) */
	int64_t updated_ms;
};

/* One evidence item of a case, read back; body is allocated. */
struct case_evidence_row {
	int64_t case_id;
	int64_t seq;        /* 1, 2, ... per case, append order */
	char kind[24];      /* "frame", "timeline", "command", "tariff", "amounts", ... */
	char ref[64];       /* frame seq, command id, ... or "" */
	char *body;         /* NUL-terminated text, owned by the row array */
};

/* One raw frame in a window (evidence), without its payload. */
struct frame_row {
	int64_t seq;
	enum frame_dir dir;
	char msg_id[37];
	int msg_type;
	char action[48];
	int64_t pile_ms;    /* 0 = none */
	int64_t recv_ms;
	char hash_hex[STORE_SHA256_HEX];
};

/* One row of a connector's status history. */
struct status_hist_row {
	int64_t id;
	int evse_id;
	int connector_id;
	enum conn_state state;
	enum plug_evidence plugged;
	char error_code[51];
	char raw_status[32];
	enum conn_source source;
	int64_t pile_ms;
	int64_t recv_ms;
	int64_t frame_seq;
};

/* One command we sent, read back (payload and answer truncated to fit). */
struct command_row {
	int64_t id;
	char msg_id[37];
	char action[48];
	char payload[512];
	int64_t sent_ms;
	enum cmd_outcome outcome;
	char answer[512];
	int64_t done_ms;    /* 0 = no answer yet */
};

/* ---- webhook delivery (issue 5, hooks/) ------------------------------ */

#define STORE_PARTNER_MAX 32     /* gw_partner.name */
#define STORE_EVENT_ID_MAX 48
#define STORE_EVENT_TYPE_MAX 40
#define STORE_HOOK_ERROR_MAX 160 /* last_error kept per row */

enum outbox_state {
	OUTBOX_PENDING = 0,      /* to deliver (also while an attempt is in flight) */
	OUTBOX_DELIVERED,        /* the partner answered 2xx */
	OUTBOX_DEAD,             /* retries exhausted: dead-lettered, API may requeue */
};

/* One outbox row, read back.  data (the envelope JSON, the exact body
 * POSTed) is allocated and owned by the row array: free the array with
 * store_outbox_rows_free(). */
struct outbox_row {
	int64_t id;
	char partner[STORE_PARTNER_MAX];
	int64_t order_id;                    /* 0 = none (NULL) */
	char event_id[STORE_EVENT_ID_MAX];
	char event_type[STORE_EVENT_TYPE_MAX];
	int64_t occurred_ms;
	enum outbox_state state;
	int attempts;                        /* failed or successful attempts so far */
	int64_t next_attempt_ms;             /* due time while pending */
	char last_error[STORE_HOOK_ERROR_MAX]; /* "" or "HTTP 503", "timeout ..." */
	int64_t created_ms;
	char *data;
};

/* ---- operator administration (issue 5, store_sqlite_admin.c) --------- */

/* The on-disk reg_status of a removed pile (soft delete): the row and its
 * history stay (orders, frames, reports refer to it), pile_get and
 * pile_list no longer see it, so its next handshake is answered 404. */
#define STORE_REG_REMOVED "Removed"

/* Work that keeps a pile from being removed. */
struct store_pile_work {
	int64_t open_orders;       /* orders starting / charging / stopping */
	int64_t open_transactions; /* transactions still open */
};

/* Refund money by case state and currency (/metrics). */
struct store_money_sum {
	char state[24];            /* case state word: "approved", "refunded", ... */
	char currency[4];
	int64_t amount_minor;      /* sum of refund_cases.amount_minor */
	int64_t cases;
};

/* Webhook delivery counters over the whole outbox (/metrics). */
struct store_outbox_counts {
	int64_t rows[3];           /* by enum outbox_state */
	int64_t failed_attempts;   /* attempts that did not deliver */
	int64_t retrying;          /* pending rows with at least one failed attempt */
};

struct dispute_row;
struct case_role_row;

/* ==== the ops table ==================================================== */

struct store_ops {
	const char *name; /* "sqlite" */
	void (*close)(struct store *st);

	int (*begin)(struct store *st);
	int (*commit)(struct store *st);
	int (*rollback)(struct store *st);
	int (*savepoint)(struct store *st);
	int (*release)(struct store *st);
	int (*rollback_to)(struct store *st);

	int (*pile_get)(struct store *st, const char *identity, struct pile_row *out);
	int (*pile_insert)(struct store *st, const struct pile_row *row);
	int (*pile_update_boot)(struct store *st, const char *identity, const struct boot_report *b,
				int64_t boot_ms);
	int (*pile_set_password)(struct store *st, const char *identity,
				 const struct store_password *pw);
	int (*pile_set_pending_password)(struct store *st, const char *identity,
					 const struct store_password *pw);
	int (*pile_promote_password)(struct store *st, const char *identity);
	int (*pile_set_registration)(struct store *st, const char *identity, enum reg_status status,
				     int min_security_profile);
	int (*pile_touch)(struct store *st, const char *identity, int ocpp_version, int64_t seen_ms);
	int (*pile_list)(struct store *st, const char *after, struct pile_row *rows, size_t cap,
			 size_t *n);

	int (*connector_set)(struct store *st, const char *pile, const struct status_report *r,
			     enum conn_source source, int64_t recv_ms, int64_t frame_seq);
	int (*connector_get)(struct store *st, const char *pile, int evse_id, int connector_id,
			     struct connector_row *out);
	int (*connector_history_count)(struct store *st, const char *pile, int evse_id,
				       int connector_id, int64_t *n);

	int (*token_get)(struct store *st, const char *id, struct token_row *out);
	int (*token_upsert)(struct store *st, const struct token_row *row);
	int (*token_list)(struct store *st, const char *after, struct token_row *rows, size_t cap,
			  size_t *n);

	int (*tx_insert)(struct store *st, struct tx_row *row);
	int (*tx_update)(struct store *st, const struct tx_row *row);
	int (*tx_get)(struct store *st, int64_t id, struct tx_row *out);
	int (*tx_get_by_pile_tx)(struct store *st, const char *pile, const char *pile_tx_id,
				 struct tx_row *out);
	int (*tx_get_orphan)(struct store *st, const char *pile, int64_t orphan_ref,
			     struct tx_row *out);
	int (*tx_find_start_dup)(struct store *st, const char *pile, int connector_id,
				 const char *id_token, int64_t meter_start_wh, int64_t start_pile_ms,
				 struct tx_row *out);
	int (*tx_list_open)(struct store *st, const char *pile, int evse_id, int connector_id,
			    struct tx_row *rows, size_t cap, size_t *n);
	int (*tx_find_open_by_token)(struct store *st, const char *id_token, struct tx_row *out);

	int (*tx_event_insert)(struct store *st, const char *pile, const struct tx_event *ev,
			       int64_t recv_ms, int64_t frame_seq);

	int (*samples_insert)(struct store *st, const struct sample_ctx *ctx,
			      const struct meter_sample *s, size_t n);
	int (*samples_by_tx)(struct store *st, int64_t tx_id, size_t max, struct sample_row **rows,
			     size_t *n);

	int (*frame_append)(struct store *st, const struct frame_in *f, int64_t *seq_out);
	int (*frames_verify)(struct store *st, const char *pile, int64_t *n_checked);

	int (*report_insert)(struct store *st, const char *pile, const struct pile_report *rep,
			     int64_t recv_ms, int64_t frame_seq);
	int (*device_var_upsert)(struct store *st, const char *pile, const struct device_var *v,
				 int64_t recv_ms, int64_t frame_seq);
	int (*device_var_get)(struct store *st, const char *pile, struct device_var *v);

	int (*command_insert)(struct store *st, const char *pile, const char *msg_id,
			      const char *action, const char *payload, int64_t sent_ms,
			      int64_t *id_out);
	int (*command_finish)(struct store *st, int64_t id, enum cmd_outcome outcome,
			      const char *answer, int64_t done_ms);

	/* ---- issue 4: orders, cases, events, outbox, evidence queries */
	int (*order_event_append)(struct store *st, int64_t order_id, int64_t case_id,
				  int64_t at_ms, const char *source, const char *source_ref,
				  const char *type, const char *payload_json, int64_t *seq_out);
	int (*outbox_insert)(struct store *st, const char *partner, int64_t order_id,
			     const char *event_id, const char *event_type, int64_t occurred_ms,
			     const char *data_json, int64_t *id_out);

	int (*order_insert)(struct store *st, struct order_row *row);
	int (*order_update)(struct store *st, const struct order_row *row);
	int (*order_get)(struct store *st, int64_t id, struct order_row *out);
	int (*order_get_by_tx)(struct store *st, int64_t tx_id, struct order_row *out);
	int (*order_list_open)(struct store *st, int64_t after_id, struct order_row *rows,
			       size_t cap, size_t *n);
	int (*order_list_overlap)(struct store *st, const struct order_row *self,
				  struct order_row *rows, size_t cap, size_t *n);
	int (*order_auto_refunds_count)(struct store *st, const char *id_token, int64_t since_ms,
					int64_t *n);

	int (*case_insert)(struct store *st, struct case_row *row);
	int (*case_update)(struct store *st, const struct case_row *row);
	int (*case_get)(struct store *st, int64_t id, struct case_row *out);
	int (*case_get_by_rule)(struct store *st, int64_t order_id, const char *rule,
				struct case_row *out);
	int (*case_list_by_order)(struct store *st, int64_t order_id, struct case_row *rows,
				  size_t cap, size_t *n);
	int (*case_list_open)(struct store *st, int64_t after_id, struct case_row *rows,
			      size_t cap, size_t *n);
	int (*case_evidence_append)(struct store *st, int64_t case_id, const char *kind,
				    const char *ref, const char *body, int64_t *seq_out);
	int (*case_evidence_list)(struct store *st, int64_t case_id,
				  struct case_evidence_row **rows, size_t *n);

	int (*frames_window)(struct store *st, const char *pile, int64_t from_ms, int64_t to_ms,
			     size_t max, struct frame_row **rows, size_t *n);
	int (*connector_history_window)(struct store *st, const char *pile, int evse_id,
					int connector_id, int64_t from_ms, int64_t to_ms,
					size_t max, struct status_hist_row **rows, size_t *n);
	int (*commands_window)(struct store *st, const char *pile, int64_t from_ms,
			       int64_t to_ms, size_t max, struct command_row **rows, size_t *n);

	/* ---- issue 5: webhook delivery (hooks/, dead letters for the API) */
	int (*outbox_due)(struct store *st, const char *partner, int64_t now_ms, size_t cap,
			  struct outbox_row **rows, size_t *n);
	int (*outbox_delivered)(struct store *st, int64_t id, int attempts);
	int (*outbox_failed)(struct store *st, int64_t id, int attempts, int64_t next_attempt_ms,
			     int dead, const char *error);
	int (*outbox_list_dead)(struct store *st, const char *partner, int64_t after_id,
				size_t cap, struct outbox_row **rows, size_t *n);
	int (*outbox_requeue)(struct store *st, int64_t id, int64_t now_ms);

	/* ---- issue 5: partner disputes (store_sqlite_disputes.c) */
	int (*dispute_inbox_claim)(struct store *st, const char *partner, const char *event_id,
				   const char *event_type, int64_t recv_ms);
	int (*dispute_insert)(struct store *st, struct dispute_row *row);
	int (*dispute_update)(struct store *st, const struct dispute_row *row);
	int (*dispute_get)(struct store *st, const char *partner, const char *ext_id,
			   struct dispute_row *out);
	int (*dispute_list_by_case)(struct store *st, int64_t case_id, struct dispute_row *rows,
				    size_t cap, size_t *n);
	int (*case_role_claim)(struct store *st, const struct case_role_row *row);
	int (*case_role_get)(struct store *st, int64_t case_id, struct case_role_row *out);

	/* ---- issue 5: operator administration (store_sqlite_admin.c) */
	int (*pile_remove)(struct store *st, const char *identity);
	int (*pile_readd)(struct store *st, const struct pile_row *row);
	int (*pile_open_work)(struct store *st, const char *identity, struct store_pile_work *out);
	int (*refund_sums)(struct store *st, struct store_money_sum *rows, size_t cap, size_t *n);
	int (*outbox_counts)(struct store *st, struct store_outbox_counts *out);
};

/* The common head of every implementation; an implementation embeds it as
 * its first member.  Lives from *_open to store_close. */
struct store {
	const struct store_ops *ops;
	struct store_stats stats;
	int in_batch;      /* 1 between store_begin and commit/rollback */
	int savepoint_depth;
	int broken;        /* 1 after a failed COMMIT for I/O or corruption */
};

/* ==== constructors (one per implementation) ============================ */

/* Open (creating if needed) the SQLite database at path; ":memory:" gives a
 * private in-memory database (tests, fuzzing).  The parent folder is made
 * if missing.  Sets WAL, synchronous=FULL, foreign_keys=ON and the busy
 * timeout, then runs pending migrations (each in its own transaction;
 * re-opening an up-to-date file changes nothing).  On GW_OK *out is the
 * store, freed with store_close().  Errors: GW_EINVAL, GW_ENOMEM, GW_EIO
 * (folder), GW_ESTORE (cannot open, newer schema than this build, migration
 * failed). */
int store_sqlite_open(const char *path, int busy_timeout_ms, struct store **out);

/* Close and free; NULL ok.  An open batch is rolled back. */
void store_close(struct store *st);

/* Copy the running counters. */
void store_stats_get(const struct store *st, struct store_stats *out);

/* ==== wrappers ========================================================= */

/* --- batches.  begin: BEGIN IMMEDIATE (GW_ECONFLICT if a batch is open).
 * commit: durable on GW_OK (fsync with synchronous=FULL); on failure the
 * batch is rolled back and GW_ESTORE returned: nothing of it was persisted,
 * so nothing of it may be acknowledged.  savepoint/release/rollback_to nest
 * inside a batch (GW_ECONFLICT outside one); rollback_to undoes everything
 * since the matching savepoint and closes it. */
static inline int store_begin(struct store *st) { return st->ops->begin(st); }
static inline int store_commit(struct store *st) { return st->ops->commit(st); }
static inline int store_rollback(struct store *st) { return st->ops->rollback(st); }
static inline int store_savepoint(struct store *st) { return st->ops->savepoint(st); }
static inline int store_release(struct store *st) { return st->ops->release(st); }
static inline int store_rollback_to(struct store *st) { return st->ops->rollback_to(st); }
/* If SQLite itself aborted the batch (disk full, I/O error), every later
 * op, rollback_to and commit return GW_ESTORE: the whole batch is lost and
 * none of its frames may be acknowledged; store_rollback() then resets. */
static inline int store_in_batch(const struct store *st) { return st->in_batch; }
/* After a COMMIT failed with an I/O error (fsync/EIO) or corruption the
 * engine's view of the file can no longer be trusted: the process should
 * exit and restart (crash-only, PROTOCOL.md 4 rule 1), never retry and
 * assume success.  A busy or full disk does not set it. */
static inline int store_broken(const struct store *st) { return st->broken; }

/* --- piles.  get: GW_ENOTFOUND if unknown.  insert: registers row (all of
 * it: status, profile, passwords, boot, times); GW_EDUP if the identity
 * exists.  update_boot: copies b and sets last_boot_ms = last_seen_ms =
 * boot_ms.  set_password: replaces the current password (pw NULL or
 * !present clears it) and clears any pending one.  set_pending_password:
 * stores the rotation candidate (NULL clears).  promote_password: pending
 * becomes current (GW_ENOTFOUND if none pending).  touch: last_seen_ms =
 * max(old, seen_ms) and, if ocpp_version > 0, the version; cheap, one
 * UPDATE, may run on every frame.  list: up to cap rows with identity >
 * after ("" or NULL = from the start), by identity; *n = rows written. */
static inline int store_pile_get(struct store *st, const char *identity, struct pile_row *out)
{
	return st->ops->pile_get(st, identity, out);
}
static inline int store_pile_insert(struct store *st, const struct pile_row *row)
{
	return st->ops->pile_insert(st, row);
}
static inline int store_pile_update_boot(struct store *st, const char *identity,
					 const struct boot_report *b, int64_t boot_ms)
{
	return st->ops->pile_update_boot(st, identity, b, boot_ms);
}
static inline int store_pile_set_password(struct store *st, const char *identity,
					  const struct store_password *pw)
{
	return st->ops->pile_set_password(st, identity, pw);
}
static inline int store_pile_set_pending_password(struct store *st, const char *identity,
						  const struct store_password *pw)
{
	return st->ops->pile_set_pending_password(st, identity, pw);
}
static inline int store_pile_promote_password(struct store *st, const char *identity)
{
	return st->ops->pile_promote_password(st, identity);
}
static inline int store_pile_set_registration(struct store *st, const char *identity,
					      enum reg_status status, int min_security_profile)
{
	return st->ops->pile_set_registration(st, identity, status, min_security_profile);
}
static inline int store_pile_touch(struct store *st, const char *identity, int ocpp_version,
				   int64_t seen_ms)
{
	return st->ops->pile_touch(st, identity, ocpp_version, seen_ms);
}
static inline int store_pile_list(struct store *st, const char *after, struct pile_row *rows,
				  size_t cap, size_t *n)
{
	return st->ops->pile_list(st, after, rows, cap, n);
}

/* --- connectors.  set: upserts the current state of (pile, r->evse_id,
 * r->connector_id) and appends the report to connector_status_history with
 * its source and frame; GW_ENOTFOUND if the pile is unknown.  get:
 * GW_ENOTFOUND if never reported.  history_count: rows in the history of
 * that connector (tests, API). */
static inline int store_connector_set(struct store *st, const char *pile,
				      const struct status_report *r, enum conn_source source,
				      int64_t recv_ms, int64_t frame_seq)
{
	return st->ops->connector_set(st, pile, r, source, recv_ms, frame_seq);
}
static inline int store_connector_get(struct store *st, const char *pile, int evse_id,
				      int connector_id, struct connector_row *out)
{
	return st->ops->connector_get(st, pile, evse_id, connector_id, out);
}
static inline int store_connector_history_count(struct store *st, const char *pile, int evse_id,
						int connector_id, int64_t *n)
{
	return st->ops->connector_history_count(st, pile, evse_id, connector_id, n);
}

/* --- id tokens.  get: GW_ENOTFOUND if unknown.  upsert: insert or replace
 * by id.  list: as store_pile_list, by id. */
static inline int store_token_get(struct store *st, const char *id, struct token_row *out)
{
	return st->ops->token_get(st, id, out);
}
static inline int store_token_upsert(struct store *st, const struct token_row *row)
{
	return st->ops->token_upsert(st, row);
}
static inline int store_token_list(struct store *st, const char *after, struct token_row *rows,
				   size_t cap, size_t *n)
{
	return st->ops->token_list(st, after, rows, cap, n);
}

/* --- transactions.
 * insert: row->id is ignored and set to the new id on GW_OK; GW_EDUP if
 *   (pile, pile_tx_id) exists for a non-empty pile_tx_id; GW_ENOTFOUND if
 *   the pile is unknown.
 * update: writes every mutable field of row (all but id and pile) by id;
 *   GW_ENOTFOUND if no such id.
 * get / get_by_pile_tx / get_orphan (the newest 1.6 orphan row of pile
 *   whose orphan_ref is the id the pile sent): GW_ENOTFOUND if none.
 * find_start_dup: the 1.6 start with the same pile, connector, id token and
 *   meter start whose start_pile_ms is within STORE_TX_WINDOW_MS of
 *   start_pile_ms (the closest one); GW_ENOTFOUND if none.
 * list_open: open transactions on (pile, evse, connector), oldest first,
 *   up to cap; evse_id < 0 matches any EVSE (1.6).
 * find_open_by_token: any open transaction of id_token on any pile (the
 *   most recent); GW_ENOTFOUND if none. */
static inline int store_tx_insert(struct store *st, struct tx_row *row)
{
	return st->ops->tx_insert(st, row);
}
static inline int store_tx_update(struct store *st, const struct tx_row *row)
{
	return st->ops->tx_update(st, row);
}
static inline int store_tx_get(struct store *st, int64_t id, struct tx_row *out)
{
	return st->ops->tx_get(st, id, out);
}
static inline int store_tx_get_by_pile_tx(struct store *st, const char *pile,
					  const char *pile_tx_id, struct tx_row *out)
{
	return st->ops->tx_get_by_pile_tx(st, pile, pile_tx_id, out);
}
static inline int store_tx_get_orphan(struct store *st, const char *pile, int64_t orphan_ref,
				      struct tx_row *out)
{
	return st->ops->tx_get_orphan(st, pile, orphan_ref, out);
}
static inline int store_tx_find_start_dup(struct store *st, const char *pile, int connector_id,
					  const char *id_token, int64_t meter_start_wh,
					  int64_t start_pile_ms, struct tx_row *out)
{
	return st->ops->tx_find_start_dup(st, pile, connector_id, id_token, meter_start_wh,
					  start_pile_ms, out);
}
static inline int store_tx_list_open(struct store *st, const char *pile, int evse_id,
				     int connector_id, struct tx_row *rows, size_t cap, size_t *n)
{
	return st->ops->tx_list_open(st, pile, evse_id, connector_id, rows, cap, n);
}
static inline int store_tx_find_open_by_token(struct store *st, const char *id_token,
					      struct tx_row *out)
{
	return st->ops->tx_find_open_by_token(st, id_token, out);
}

/* --- 2.0.1 transaction events: append (pile, ev->pile_tx_id, ev->seq_no,
 * kind, trigger, charging state, times, offline, frame).  GW_EDUP when that
 * (pile, transactionId, seqNo) was stored before: a replay. */
static inline int store_tx_event_insert(struct store *st, const char *pile,
					const struct tx_event *ev, int64_t recv_ms,
					int64_t frame_seq)
{
	return st->ops->tx_event_insert(st, pile, ev, recv_ms, frame_seq);
}

/* --- meter samples.  insert: n samples (n may be 0) under ctx, all or
 * nothing within the caller's batch.  by_tx: samples of tx_id ordered by
 * pile_ms then insertion, at most max; *rows is allocated (gw_malloc) and
 * owned by the caller (gw_free), NULL when *n == 0. */
static inline int store_samples_insert(struct store *st, const struct sample_ctx *ctx,
				       const struct meter_sample *s, size_t n)
{
	return st->ops->samples_insert(st, ctx, s, n);
}
static inline int store_samples_by_tx(struct store *st, int64_t tx_id, size_t max,
				      struct sample_row **rows, size_t *n)
{
	return st->ops->samples_by_tx(st, tx_id, max, rows, n);
}

/* --- raw frames, hash-chained per pile.
 * hash = SHA-256(prev_hash || F(pile) || F(dir) || F(msg_id) ||
 *                F(msg_type) || F(action) || F(payload) || F(pile_ms) ||
 *                F(recv_ms))
 * where F(x) is x's length as 4 bytes big-endian then x's bytes, dir is
 * "in"/"out", numbers are decimal text and a NULL pile_ms is "".  prev_hash
 * is the pile's previous row's hash, 32 zero bytes for its first row.  The
 * length prefixes make field boundaries unambiguous.
 * append: *seq_out (may be NULL) = the new row's seq; the link is read
 *   inside the caller's batch, so a rolled-back savepoint leaves no stale
 *   link behind.  A frame is evidence: the pile need not be registered.
 * verify: walks the pile's rows in seq order; GW_OK if every link holds,
 *   GW_ECONFLICT at the first row whose prev_hash or hash is wrong (logged
 *   with its seq).  *n_checked (may be NULL) = rows found good. */
static inline int store_frame_append(struct store *st, const struct frame_in *f,
				     int64_t *seq_out)
{
	return st->ops->frame_append(st, f, seq_out);
}
static inline int store_frames_verify(struct store *st, const char *pile, int64_t *n_checked)
{
	return st->ops->frames_verify(st, pile, n_checked);
}

/* --- reports and device model.  report_insert: append.  device_var_upsert:
 * by (pile, component, component_instance, evse, connector, variable,
 * variable_instance, attribute).  device_var_get: v's key fields are read,
 * value and readonly are filled; GW_ENOTFOUND if never reported. */
static inline int store_report_insert(struct store *st, const char *pile,
				      const struct pile_report *rep, int64_t recv_ms,
				      int64_t frame_seq)
{
	return st->ops->report_insert(st, pile, rep, recv_ms, frame_seq);
}
static inline int store_device_var_upsert(struct store *st, const char *pile,
					  const struct device_var *v, int64_t recv_ms,
					  int64_t frame_seq)
{
	return st->ops->device_var_upsert(st, pile, v, recv_ms, frame_seq);
}
static inline int store_device_var_get(struct store *st, const char *pile, struct device_var *v)
{
	return st->ops->device_var_get(st, pile, v);
}

/* --- commands we sent.  insert: a CMD_PENDING row, *id_out = its id.
 * finish: sets outcome, answer text (payload or error code + description,
 * may be NULL) and done_ms; GW_ENOTFOUND if no such id. */
static inline int store_command_insert(struct store *st, const char *pile, const char *msg_id,
				       const char *action, const char *payload, int64_t sent_ms,
				       int64_t *id_out)
{
	return st->ops->command_insert(st, pile, msg_id, action, payload, sent_ms, id_out);
}
static inline int store_command_finish(struct store *st, int64_t id, enum cmd_outcome outcome,
				       const char *answer, int64_t done_ms)
{
	return st->ops->command_finish(st, id, outcome, answer, done_ms);
}

/* "PENDING", "ACCEPTED", ...; never NULL. */
const char *store_cmd_outcome_name(enum cmd_outcome o);

/* ==== issue 4: orders, refund cases, events, outbox ==================== */

/* --- order events: append-only (triggers refuse UPDATE and DELETE, like
 * frames).  One row per domain event, written by the event sink in the
 * same batch as the change.  order_id / case_id 0 store NULL.  source is
 * "pile" / "operator" / "detector" / "partner" / "system" (anything else,
 * or an empty type, is GW_EINVAL); source_ref is
 * the frame seq, work order, rule or partner ("" if none); type is
 * "order.started", ...; payload_json is the event's payload (the sink's
 * JSON; the store does not parse it; NULL stores "{}").  recv_ms (when it
 * was recorded) is our clock (gw_clock_now_ms).  *seq_out (may be NULL) =
 * the new row's seq, increasing in commit order. */
static inline int store_order_event_append(struct store *st, int64_t order_id, int64_t case_id,
					   int64_t at_ms, const char *source,
					   const char *source_ref, const char *type,
					   const char *payload_json, int64_t *seq_out)
{
	return st->ops->order_event_append(st, order_id, case_id, at_ms, source, source_ref, type,
					   payload_json, seq_out);
}

/* --- outbox: one row per (partner, event) to deliver (issue 5 delivers).
 * New rows are state 'pending', attempts 0, next_attempt_ms = created_ms =
 * our clock.  event_id is the envelope's id, unique: GW_EDUP when it was
 * inserted before (a replayed emit).  order_id 0 stores NULL.  Delivery
 * order per order is (partner, order_id, id).  *id_out may be NULL. */
static inline int store_outbox_insert(struct store *st, const char *partner, int64_t order_id,
				      const char *event_id, const char *event_type,
				      int64_t occurred_ms, const char *data_json, int64_t *id_out)
{
	return st->ops->outbox_insert(st, partner, order_id, event_id, event_type, occurred_ms,
				      data_json, id_out);
}

/* --- orders.
 * insert: row->id and row->number are set on GW_OK (number =
 *   order_number_format(id)); GW_EDUP if an order for row->tx_id exists
 *   (one order per transaction); GW_ENOTFOUND if the transaction or pile
 *   does not exist; GW_EINVAL on a NULL row or empty pile.
 * update: every mutable field (all but id, number, tx_id, pile, created_ms)
 *   by id; GW_ENOTFOUND if no such id.
 * get / get_by_tx: GW_ENOTFOUND if none.
 * list_open: orders in starting / charging / stopping / settling with id >
 *   after_id, by id, up to cap (the sweep pages with the last id).
 * list_overlap: other orders whose [started_ms, ended_ms or open) overlaps
 *   self's, on the same (pile, connector) or with the same non-empty
 *   id_token; by started_ms, up to cap (DUPLICATE_TRANSACTION).
 * auto_refunds_count: cases with auto_approved = 1 opened at or after
 *   since_ms on orders of id_token (the abuse limit per idTag). */
static inline int store_order_insert(struct store *st, struct order_row *row)
{
	return st->ops->order_insert(st, row);
}
static inline int store_order_update(struct store *st, const struct order_row *row)
{
	return st->ops->order_update(st, row);
}
static inline int store_order_get(struct store *st, int64_t id, struct order_row *out)
{
	return st->ops->order_get(st, id, out);
}
static inline int store_order_get_by_tx(struct store *st, int64_t tx_id, struct order_row *out)
{
	return st->ops->order_get_by_tx(st, tx_id, out);
}
static inline int store_order_list_open(struct store *st, int64_t after_id,
					struct order_row *rows, size_t cap, size_t *n)
{
	return st->ops->order_list_open(st, after_id, rows, cap, n);
}
static inline int store_order_list_overlap(struct store *st, const struct order_row *self,
					   struct order_row *rows, size_t cap, size_t *n)
{
	return st->ops->order_list_overlap(st, self, rows, cap, n);
}
static inline int store_order_auto_refunds_count(struct store *st, const char *id_token,
						 int64_t since_ms, int64_t *n)
{
	return st->ops->order_auto_refunds_count(st, id_token, since_ms, n);
}

/* --- refund cases.
 * insert: row->id set on GW_OK; GW_EDUP if (order_id, rule) has a case
 *   (a case is opened once per order and rule: amend it with update);
 *   GW_ENOTFOUND if the order does not exist.
 * update: every field but id, order_id, rule and opened_ms, by id;
 *   GW_ENOTFOUND if none.
 * get / get_by_rule: GW_ENOTFOUND if none.
 * list_by_order: the order's cases by id, up to cap.
 * list_open: cases whose SLA timers still run (opened, under_review,
 *   awaiting_info) with id > after_id, by id, up to cap.
 * evidence_append: item seq = 1 + the case's last; *seq_out may be NULL;
 *   GW_ENOTFOUND if the case does not exist.  body NULL stores "".
 * evidence_list: every item of the case by seq into *rows (allocated, free
 *   with store_case_evidence_free), NULL when *n == 0. */
static inline int store_case_insert(struct store *st, struct case_row *row)
{
	return st->ops->case_insert(st, row);
}
static inline int store_case_update(struct store *st, const struct case_row *row)
{
	return st->ops->case_update(st, row);
}
static inline int store_case_get(struct store *st, int64_t id, struct case_row *out)
{
	return st->ops->case_get(st, id, out);
}
static inline int store_case_get_by_rule(struct store *st, int64_t order_id, const char *rule,
					 struct case_row *out)
{
	return st->ops->case_get_by_rule(st, order_id, rule, out);
}
static inline int store_case_list_by_order(struct store *st, int64_t order_id,
					   struct case_row *rows, size_t cap, size_t *n)
{
	return st->ops->case_list_by_order(st, order_id, rows, cap, n);
}
static inline int store_case_list_open(struct store *st, int64_t after_id, struct case_row *rows,
				       size_t cap, size_t *n)
{
	return st->ops->case_list_open(st, after_id, rows, cap, n);
}
static inline int store_case_evidence_append(struct store *st, int64_t case_id, const char *kind,
					     const char *ref, const char *body, int64_t *seq_out)
{
	return st->ops->case_evidence_append(st, case_id, kind, ref, body, seq_out);
}
static inline int store_case_evidence_list(struct store *st, int64_t case_id,
					   struct case_evidence_row **rows, size_t *n)
{
	return st->ops->case_evidence_list(st, case_id, rows, n);
}
/* Free an array from store_case_evidence_list (bodies included); NULL ok. */
void store_case_evidence_free(struct case_evidence_row *rows, size_t n);

/* --- evidence queries.  Each fills an allocated array (*rows, freed with
 * gw_free; NULL when *n == 0) with at most max rows.
 * frames_window: the pile's frames with recv_ms in [from_ms, to_ms], by seq.
 * connector_history_window: the connector's history rows with pile_ms in
 *   [from_ms, to_ms], plus the newest row before from_ms (the state in
 *   force at from_ms), by pile_ms then id.
 * commands_window: commands to the pile with sent_ms in [from_ms, to_ms],
 *   by id. */
static inline int store_frames_window(struct store *st, const char *pile, int64_t from_ms,
				      int64_t to_ms, size_t max, struct frame_row **rows,
				      size_t *n)
{
	return st->ops->frames_window(st, pile, from_ms, to_ms, max, rows, n);
}
static inline int store_connector_history_window(struct store *st, const char *pile, int evse_id,
						 int connector_id, int64_t from_ms,
						 int64_t to_ms, size_t max,
						 struct status_hist_row **rows, size_t *n)
{
	return st->ops->connector_history_window(st, pile, evse_id, connector_id, from_ms, to_ms,
						 max, rows, n);
}
static inline int store_commands_window(struct store *st, const char *pile, int64_t from_ms,
					int64_t to_ms, size_t max, struct command_row **rows,
					size_t *n)
{
	return st->ops->commands_window(st, pile, from_ms, to_ms, max, rows, n);
}

/* On-disk words: "charging", "awaiting_plug" ("" for NONE), "under_review";
 * never NULL.  parse: unknown words give ORDER_CHARGING / ORDER_SUB_NONE /
 * CASE_OPENED and GW_ECONSTRAINT. */
const char *store_order_state_name(enum order_state s);
const char *store_order_sub_name(enum order_sub_state s);
const char *store_case_state_name(enum case_state s);
int store_order_state_parse(const char *s, enum order_state *out);
int store_order_sub_parse(const char *s, enum order_sub_state *out);
int store_case_state_parse(const char *s, enum case_state *out);

/* ==== issue 5: webhook delivery ========================================= */

/* --- outbox delivery (hooks/ runs these on its own connection; the API
 * lists and requeues dead letters).
 * due: the rows of partner that may be attempted now, by id, at most cap,
 *   into *rows (allocated, free with store_outbox_rows_free; NULL when
 *   *n == 0).  A row is due when it is pending, next_attempt_ms <= now_ms
 *   and it is the oldest undelivered row of its (partner, order_id): an
 *   earlier row of the same order that is pending (waiting for a retry) or
 *   dead holds it back, so a partner sees an order's events in order and
 *   never one past a gap.  Rows without an order are due on their own.
 *   Nothing is marked: a row being attempted stays pending, so after a
 *   crash it is simply due again (at least once).
 * delivered: state 'delivered', attempts = attempts, last_error ''.
 * failed: attempts and last_error (truncated) are written; dead = 0 keeps
 *   the row pending until next_attempt_ms, dead = 1 dead-letters it.
 *   Both only touch a pending row: GW_ENOTFOUND otherwise.
 * list_dead: dead rows with id > after_id, of partner (NULL or "" = all),
 *   by id, at most cap; allocated as for due.
 * requeue: a dead row becomes pending again with attempts 0, due at
 *   now_ms (the later rows of its order follow it); GW_ENOTFOUND if id is
 *   not a dead row. */
static inline int store_outbox_due(struct store *st, const char *partner, int64_t now_ms,
				   size_t cap, struct outbox_row **rows, size_t *n)
{
	return st->ops->outbox_due(st, partner, now_ms, cap, rows, n);
}
static inline int store_outbox_delivered(struct store *st, int64_t id, int attempts)
{
	return st->ops->outbox_delivered(st, id, attempts);
}
static inline int store_outbox_failed(struct store *st, int64_t id, int attempts,
				      int64_t next_attempt_ms, int dead, const char *error)
{
	return st->ops->outbox_failed(st, id, attempts, next_attempt_ms, dead, error);
}
static inline int store_outbox_list_dead(struct store *st, const char *partner,
					 int64_t after_id, size_t cap, struct outbox_row **rows,
					 size_t *n)
{
	return st->ops->outbox_list_dead(st, partner, after_id, cap, rows, n);
}
static inline int store_outbox_requeue(struct store *st, int64_t id, int64_t now_ms)
{
	return st->ops->outbox_requeue(st, id, now_ms);
}
/* Free an array from store_outbox_due / store_outbox_list_dead; NULL ok. */
void store_outbox_rows_free(struct outbox_row *rows, size_t n);
/* "pending", "delivered", "dead"; never NULL. */
const char *store_outbox_state_name(enum outbox_state s);

/* ==== issue 5: partner disputes ========================================= */

#define STORE_PARTNER_MAX 32      /* GW partner name, as in the config */
#define STORE_DISPUTE_ID_MAX 64   /* the partner's own dispute id */
#define STORE_EXEC_MAX 16         /* "partner" | "operator" */

/* A partner's dispute (DESIGN.md "Partners and disputes").  Stored as the
 * lower-case word. */
enum dispute_state {
	DISPUTE_OPEN = 0,  /* linked to a case that is not decided yet */
	DISPUTE_WITHDRAWN, /* the partner withdrew it */
	DISPUTE_RESOLVED,  /* its case was decided (or already was) */
	DISPUTE_STATE_COUNT
};

/* One dispute: unique per (partner, ext_id); linked to its order and the
 * case that covers it.  A copy. */
struct dispute_row {
	int64_t id;
	char partner[STORE_PARTNER_MAX];
	char ext_id[STORE_DISPUTE_ID_MAX];     /* data.dispute_id */
	int64_t order_id;
	int64_t case_id;                       /* always set once opened */
	enum dispute_state state;
	char outcome[24];                      /* "case_opened", "case_linked", "already_refunded" */
	char reason[STORE_EXPLAIN_MAX];
	int64_t claimed_minor;                 /* what the partner claims, minor units */
	char currency[4];
	char executed_by[STORE_EXEC_MAX];      /* who the partner says executes the refund */
	int opened_case;                       /* 1: this dispute opened case_id */
	int64_t opened_ms;
	int64_t updated_ms;
};

/* Who owns a case and who executes its refund: the first to claim it
 * keeps it (the platform the driver contacted first).  A copy. */
struct case_role_row {
	int64_t case_id;
	char owner[STORE_PARTNER_MAX];         /* partner name, or "operator" */
	char executed_by[STORE_EXEC_MAX];      /* "partner" | "operator" */
	int64_t claimed_ms;
};

/* --- disputes.
 * inbox_claim: remember (partner, event_id) of an inbound event; GW_EDUP
 *   when it was seen (a redelivery: change nothing).  Part of the batch,
 *   so a rolled-back handling does not consume the id.
 * dispute_insert: row->id set; GW_EDUP if (partner, ext_id) exists.
 * dispute_update: every field but id, partner, ext_id, order_id, opened_ms.
 * dispute_get: by (partner, ext_id); GW_ENOTFOUND.
 * dispute_list_by_case: the case's disputes by id, up to cap.
 * case_role_claim: insert unless the case has one (GW_EDUP: keep it).
 * case_role_get: GW_ENOTFOUND when nobody claimed the case. */
static inline int store_dispute_inbox_claim(struct store *st, const char *partner,
					    const char *event_id, const char *event_type,
					    int64_t recv_ms)
{
	return st->ops->dispute_inbox_claim(st, partner, event_id, event_type, recv_ms);
}
static inline int store_dispute_insert(struct store *st, struct dispute_row *row)
{
	return st->ops->dispute_insert(st, row);
}
static inline int store_dispute_update(struct store *st, const struct dispute_row *row)
{
	return st->ops->dispute_update(st, row);
}
static inline int store_dispute_get(struct store *st, const char *partner, const char *ext_id,
				    struct dispute_row *out)
{
	return st->ops->dispute_get(st, partner, ext_id, out);
}
static inline int store_dispute_list_by_case(struct store *st, int64_t case_id,
					     struct dispute_row *rows, size_t cap, size_t *n)
{
	return st->ops->dispute_list_by_case(st, case_id, rows, cap, n);
}
static inline int store_case_role_claim(struct store *st, const struct case_role_row *row)
{
	return st->ops->case_role_claim(st, row);
}
static inline int store_case_role_get(struct store *st, int64_t case_id,
				      struct case_role_row *out)
{
	return st->ops->case_role_get(st, case_id, out);
}
/* --- operator administration.  pile_remove: soft delete (reg_status
 * STORE_REG_REMOVED, credentials cleared, everything else kept);
 * GW_ENOTFOUND if unknown or already removed.  pile_readd: registers a
 * removed identity again from row (status, profile, password, first_seen_ms;
 * pending cleared); GW_ENOTFOUND if the identity is not a removed pile.
 * pile_open_work: counts what keeps the pile from being removed.
 * refund_sums: sums of amount_minor by (state, currency) of cases approved
 * or further (auto_approved, approved, partially_approved, refunding,
 * refunded), at most cap rows.  outbox_counts: the outbox by state and its
 * failed attempts.  An implementation without them (NULL) answers
 * GW_ENOTSUPP. */
static inline int store_pile_remove(struct store *st, const char *identity)
{
	return st->ops->pile_remove ? st->ops->pile_remove(st, identity) : GW_ENOTSUPP;
}
static inline int store_pile_readd(struct store *st, const struct pile_row *row)
{
	return st->ops->pile_readd ? st->ops->pile_readd(st, row) : GW_ENOTSUPP;
}
static inline int store_pile_open_work(struct store *st, const char *identity,
				       struct store_pile_work *out)
{
	return st->ops->pile_open_work ? st->ops->pile_open_work(st, identity, out) : GW_ENOTSUPP;
}
static inline int store_refund_sums(struct store *st, struct store_money_sum *rows, size_t cap,
				    size_t *n)
{
	*n = 0;
	return st->ops->refund_sums ? st->ops->refund_sums(st, rows, cap, n) : GW_ENOTSUPP;
}
static inline int store_outbox_counts(struct store *st, struct store_outbox_counts *out)
{
	return st->ops->outbox_counts ? st->ops->outbox_counts(st, out) : GW_ENOTSUPP;
}

/* "open", "withdrawn", "resolved"; parse: GW_ECONSTRAINT (-> OPEN). */
const char *store_dispute_state_name(enum dispute_state s);
int store_dispute_state_parse(const char *s, enum dispute_state *out);

#endif
