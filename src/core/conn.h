/* SPDX-License-Identifier: MIT
 *
 * conn.h - private to core/: the dispatcher's per-connection state.
 * One struct pile_conn per live session, made in on_open, freed in
 * on_close.  The session pointer is borrowed from the transport and valid
 * until on_close.
 */
#ifndef CORE_CONN_H
#define CORE_CONN_H
#include <stddef.h>
#include <stdint.h>

#include "common/gw_ocpp.h"
#include "core/command.h"
#include "core/dispatch.h"
#include "domain/vocab.h"
#include "rpc/rpc.h"

struct ws_session;
struct schema_set;
struct gw_env;
struct json_object;

/* A reply parked until the batch that produced it is committed. */
struct parked {
	struct parked *next;
	char *buf;  /* gw_malloc'd frame text */
	size_t len;
	char id[RPC_ID_MAX + 1]; /* the pile's CALL id (in flight until sent) */
};

/* A server CALL we queued: the rpc_calls arg; lives until its answer. */
struct command {
	struct dispatch *d;
	char identity[GW_IDENTITY_MAX + 1];
	enum ocpp_version version;
	char action[48];
	gw_reply_fn *cb;
	void *arg;
	int64_t store_id; /* commands table row, 0 until sent */
	size_t row;       /* its row in the version's action table (metrics) */
	struct command *next; /* conn's FIFO of queued / outstanding commands */
};

#define TRIGGERED_MAX 4

/* B02.FR.09: what we asked a not yet Accepted pile for (triggered.c).
 * Allocated by the first such command, freed with the conn. */
struct triggered {
	struct {
		char action[48];
		int64_t until_ms; /* monotonic */
	} slot[TRIGGERED_MAX];
};

struct pile_conn {
	struct dispatch *d;
	struct ws_session *s;
	const char *identity; /* the session's (session_identity): c lives
			       * from on_open to on_close, inside the session */
	enum ocpp_version version;
	enum reg_status registration; /* REG_ACCEPTED once booted (now or before) */
	struct rpc_inflight inflight;
	struct rpc_calls calls;
	struct command *cmd_head, *cmd_tail; /* same order as calls' queue */
	struct parked *park_head, *park_tail;
	struct triggered *triggered; /* NULL until a command needs it */
	int in_flush_list;
	struct pile_conn *flush_next; /* conns with parked replies or calls to send */
	struct pile_conn *prev, *next; /* every live conn */
};

#define OCPP_VERSIONS (OCPP_201 + 1) /* acts[] index: enum ocpp_version */

struct dispatch {
	struct gw_env *env;
	struct pile_conn *conns;      /* every live connection */
	struct pile_conn *flush_list; /* touched this loop turn */
	struct dispatch_stats stats;
	struct dispatch_action_stats *acts[OCPP_VERSIONS]; /* [version][table row] */
};

struct action_row;
/* metrics_actions.c: the per-action arrays (dispatch_new / dispatch_free)
 * and one count, by the table row the caller already holds.  A NULL row
 * with an error counts an unknown action. */
int dispatch_metrics_new(struct dispatch *d);
void dispatch_metrics_free(struct dispatch *d);
void dispatch_count_in(struct dispatch *d, enum ocpp_version v, const struct action_row *row,
		       enum dispatch_in_result r);
void dispatch_count_cmd(struct dispatch *d, enum ocpp_version v, size_t row,
			enum dispatch_cmd_outcome o);

/* Open the batch if this loop turn has none yet.  GW_OK or GW_ESTORE. */
int dispatch_batch_ensure(struct dispatch *d);

/* Put conn on this turn's flush list (idempotent). */
void dispatch_mark_flush(struct dispatch *d, struct pile_conn *c);

/* Append one raw frame (direction, id, type, action) to the store inside the
 * current batch; *seq = its row (0 on failure, which is logged). */
int dispatch_frame_log(struct dispatch *d, const struct pile_conn *c, int dir, const char *msg_id,
		       int msg_type, const char *action, const char *buf, size_t len, int64_t *seq);

/* The schema set of a version. */
const struct schema_set *dispatch_schemas(const struct dispatch *d, enum ocpp_version v);

/* The conn of a live identity, or NULL. */
struct pile_conn *dispatch_conn_find(struct dispatch *d, const char *identity);

/* Send queued server CALLs of c if none is outstanding (logs them, records
 * the command row); called while flushing. */
void command_pump(struct dispatch *d, struct pile_conn *c);

/* gw_command_send without the split: exactly one CALL. */
int gw_command_send_one(struct gw_env *env, const char *identity, const char *action,
			struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg);

/* 2.0.1 GetVariables / SetVariables / GetReport over the pile's
 * ItemsPerMessage / BytesPerMessage: sends the parts and sets *handled;
 * *handled = 0 and GW_OK when the request fits (send it normally). */
int command_split_send(struct gw_env *env, const char *identity, const char *action,
		       struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg,
		       int *handled);

/* A command sent to a pile not yet Accepted: allow the messages it
 * causes for a while (2.0.1 B02.FR.09). */
void triggered_note(struct pile_conn *c, const char *command, struct json_object *payload);
/* 1 if action was caused by one of our commands and may pass the boot gate. */
int triggered_allows(const struct pile_conn *c, const char *action);
/* Free c->triggered (on_close). */
void triggered_free(struct pile_conn *c);

/* The frame of a command that carries a secret (a new pile password), with
 * the secret replaced by "***", for the store and the log: gw_malloc'd,
 * caller frees; NULL when the frame carries none (keep it as it is). */
char *command_redact(const char *action, const char *frame, size_t len, size_t *out_len);

/* Fail every command of c (disconnect). */
void command_fail_all(struct pile_conn *c);

#endif
