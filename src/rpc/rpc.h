/* SPDX-License-Identifier: MIT
 *
 * rpc.h - OCPP-J RPC framing (PROTOCOL.md §1.2): parse and build the three
 * frames [2,id,action,payload] [3,id,payload] [4,id,code,desc,details], the
 * one GW_E* -> CALLERROR map per version, the set of pile CALL ids being
 * handled, and the queue of server CALLs with exactly one outstanding.
 *
 * Sits between transport (raw reassembled messages) and the v16/v201 action
 * tables.  Knows no action and no payload field; payloads are json-c objects
 * the caller validates (schema) and translates (ocpp16/ocpp201).
 * Single-threaded: every function runs on the service-loop thread.
 */
#ifndef RPC_H
#define RPC_H
#include <stddef.h>
#include <stdint.h>

#include "common/gw_ocpp.h"

struct json_object;

#define RPC_ID_MAX GW_MSGID_MAX  /* message id: 1..36 bytes on the wire */
#define RPC_ID_UNREADABLE "-1"   /* id we answer with when none is usable */
#define RPC_DESC_MAX 255         /* errorDescription ceiling, bytes */
#define RPC_NO_DEADLINE INT64_MAX

enum rpc_msg_type {
	RPC_CALL = 2,
	RPC_CALLRESULT = 3,
	RPC_CALLERROR = 4,
};

/* ---------------------------------------------------------------------------
 * Frames
 * ------------------------------------------------------------------------- */

/* One parsed message; lives for one frame.  Owns root; every other pointer
 * is borrowed from root and dies with rpc_frame_release(). */
struct rpc_frame {
	int type;                       /* RPC_CALL..RPC_CALLERROR; the raw number
	                                 * on GW_EMSGTYPE; 0 if unreadable */
	char id[RPC_ID_MAX + 1];        /* always a NUL-terminated id to echo;
	                                 * RPC_ID_UNREADABLE if none is usable */
	int id_unreadable;              /* 1: id missing, not a string, empty,
	                                 * > 36 bytes, has NUL, or bad JSON */
	const char *action;             /* CALL only */
	struct json_object *payload;    /* CALL, CALLRESULT: always an object */
	const char *err_code;           /* CALLERROR only */
	const char *err_desc;           /* CALLERROR only, may be "" */
	struct json_object *err_details;/* CALLERROR only, always an object */
	struct json_object *root;       /* the whole tree; NULL after an error */
};

/* Parse one complete message of len bytes (strict json-c recipe, then the
 * OCPP-J PDU structure).  Always fills f->id/id_unreadable/type as far as
 * they could be read, so the caller can answer with
 * rpc_build_error_frame(v, f, rc, ...).
 * Returns GW_OK; GW_EFORMAT (not strict JSON by gw_json_parse, id "-1");
 * GW_EPROTO (not an array, bad element count or type, unusable id -> "-1"
 * and id_unreadable); GW_EMSGTYPE (integer type not 2/3/4; id kept if
 * readable); GW_ENOMEM; GW_ETOOBIG (len > INT32_MAX: transport caps
 * messages long before that); GW_EINVAL (buf NULL).  Nesting deeper than
 * GW_JSON_DEPTH (16) is GW_EFORMAT.
 * A null payload (or CALLERROR details) is read as {} for OCPP_16 only:
 * 1.6 prefers {} but tolerates null; 2.0.1 forbids null.
 * f->type is set even when the body is refused, so the caller can tell a
 * broken CALL (answer it with a CALLERROR) from a broken CALLRESULT or
 * CALLERROR (log and drop it: an answer is never answered).
 * On GW_OK the frame owns the tree; on error f->root is NULL.  Either way
 * rpc_frame_release(f) may be called. */
int rpc_frame_parse(enum ocpp_version v, const char *buf, size_t len, struct rpc_frame *f);

/* Put the tree and clear f.  f may be NULL; calling it twice is harmless. */
void rpc_frame_release(struct rpc_frame *f);

/* Build [3,id,payload].  payload NULL means {}; it is borrowed, never
 * owned.  id must be 1..36 bytes.  *out is NUL-terminated, from gw_malloc,
 * the caller gw_free()s it; *len excludes the NUL.
 * Returns GW_OK, GW_EINVAL (bad id), GW_ENOMEM. */
int rpc_build_result(const char *id, struct json_object *payload, char **out, size_t *len);

/* Build [2,id,action,payload].  As rpc_build_result; action non-empty. */
int rpc_build_call(const char *id, const char *action, struct json_object *payload, char **out,
		   size_t *len);

/* Build [4,id,code,desc,{}] with code = rpc_error_code(v, gw_err).  desc
 * (NULL = "") is ours, never the peer's input (PROTOCOL.md §1.2: a
 * CALLERROR SHALL NOT embed the invalid message); it is cut to
 * RPC_DESC_MAX bytes at a UTF-8 boundary.  id may be RPC_ID_UNREADABLE.
 * Returns GW_OK with *out NULL and *len 0 when the version answers this
 * error with silence (1.6, GW_EMSGTYPE); otherwise as rpc_build_result. */
int rpc_build_error(enum ocpp_version v, const char *id, int gw_err, const char *desc, char **out,
		    size_t *len);

/* As rpc_build_error for the reply to a frame rpc_frame_parse() refused:
 * uses f->id and rpc_error_code_frame(). */
int rpc_build_error_frame(enum ocpp_version v, const struct rpc_frame *f, int gw_err,
			  const char *desc, char **out, size_t *len);

/* ---------------------------------------------------------------------------
 * The error map (the only place GW_E* meets CALLERROR spellings)
 * ------------------------------------------------------------------------- */

/* Wire spelling of gw_err for version v; static.  NULL means "send nothing"
 * (1.6 ignores unknown message types).  Unmapped codes give "GenericError". */
const char *rpc_error_code(enum ocpp_version v, int gw_err);

/* As rpc_error_code, but for the answer to a frame rpc_frame_parse()
 * refused: an unusable id turns GW_EPROTO into 2.0.1 "RpcFrameworkError"
 * and 1.6 "GenericError" (1.6 has no code for it).  f may be NULL. */
const char *rpc_error_code_frame(enum ocpp_version v, int gw_err, const struct rpc_frame *f);

/* A peer's CALLERROR code (either version's spelling) -> GW_E*.
 * Unknown or NULL -> GW_EGENERIC. */
int rpc_error_from_code(const char *code);

/* ---------------------------------------------------------------------------
 * Message ids
 * ------------------------------------------------------------------------- */

#define RPC_MSGID_LEN 33 /* 16 hex random + '-' + up to 16 hex counter */

/* Write a fresh id into out (RPC_ID_MAX + 1 bytes): a random 64-bit
 * per-process prefix and a 64-bit counter, unique across connections and
 * reconnects (2.0.1, PROTOCOL.md §1.2: unique across all connections of an
 * identity, retries included). */
void rpc_msgid_next(char out[RPC_ID_MAX + 1]);

/* Test-only: fix the prefix and the next counter value. */
void rpc_msgid_seed(uint64_t prefix, uint64_t counter);

/* ---------------------------------------------------------------------------
 * CALL ids from the pile being handled (received, reply not yet sent)
 * ------------------------------------------------------------------------- */

#define RPC_INFLIGHT_DEFAULT 16

/* One per connection, freed with it.  Replies may wait for a group commit,
 * so more than one id can be in flight - but a pile nearly always has 0 or
 * 1, so the first id lives inline and an idle pile costs no heap (bench:
 * bytes per idle pile).  Ids 2..max go to `more`, allocated when a second
 * id arrives (grown by doubling) and freed when one or none is left. */
struct rpc_inflight {
	char (*more)[RPC_ID_MAX + 1]; /* slots 1..count-1; NULL when count <= 1 */
	char one[RPC_ID_MAX + 1];     /* slot 0 */
	uint16_t count;               /* 0..max */
	uint16_t max;                 /* ceiling from config */
	uint16_t more_cap;            /* slots in `more` */
};

/* max 0 = RPC_INFLIGHT_DEFAULT (and at most UINT16_MAX).  Allocates
 * nothing; always GW_OK (kept for callers that check). */
int rpc_inflight_init(struct rpc_inflight *s, size_t max);
void rpc_inflight_cleanup(struct rpc_inflight *s); /* s may be NULL */

/* GW_OK; GW_EDUP if id is already being handled; GW_EBUSY at the ceiling;
 * GW_EINVAL for an id that is not 1..36 chars; GW_ENOMEM if a second slot
 * was needed and could not be had (id not kept).  id is copied. */
int rpc_inflight_add(struct rpc_inflight *s, const char *id);

/* GW_OK or GW_ENOTFOUND. */
int rpc_inflight_remove(struct rpc_inflight *s, const char *id);

/* ---------------------------------------------------------------------------
 * Server CALLs to the pile: FIFO queue, exactly one outstanding
 * ------------------------------------------------------------------------- */

#define RPC_CALLS_QUEUE_DEFAULT 32
#define RPC_CALL_TIMEOUT_DEFAULT_MS 30000

/* Answer to one server CALL.  status: GW_OK (payload = CALLRESULT payload),
 * GW_ECALLERROR (err_code/err_desc set, payload = the error details),
 * GW_ETIMEOUT, or the err given to rpc_calls_fail_all (GW_ECLOSED on
 * disconnect); payload/err_* are NULL when there is none.  Everything is
 * borrowed for the duration of the call.  Called exactly once per enqueued
 * call.  The callback may enqueue new calls; it must not call
 * rpc_calls_cleanup. */
typedef void rpc_reply_fn(void *arg, int status, struct json_object *payload, const char *err_code,
			  const char *err_desc);

struct rpc_call; /* private to call.c */

/* One per connection; cleaned up when the connection is freed. */
struct rpc_calls {
	struct rpc_call *head, *tail;  /* queued, not yet sent, FIFO */
	size_t queued;                 /* 0..max_queued */
	size_t max_queued;             /* ceiling from config */
	struct rpc_call *outstanding;  /* sent, not answered; at most one */
	int64_t default_timeout_ms;    /* > 0 */
	int closed;                    /* set by cleanup: enqueue refuses */
};

/* max_queued 0 = RPC_CALLS_QUEUE_DEFAULT, default_timeout_ms <= 0 =
 * RPC_CALL_TIMEOUT_DEFAULT_MS.  Allocates nothing. */
void rpc_calls_init(struct rpc_calls *c, size_t max_queued, int64_t default_timeout_ms);

/* Fail everything still queued or outstanding with GW_ECLOSED, then free.
 * c may be NULL. */
void rpc_calls_cleanup(struct rpc_calls *c);

/* Queue a CALL.  On GW_OK a reference to payload is taken (NULL = {}),
 * action is copied and cb will be called exactly once.  timeout_ms <= 0 =
 * the default; it counts from rpc_calls_next().  id_out (may be NULL,
 * RPC_ID_MAX + 1 bytes) receives the message id, for logs.
 * Returns GW_OK, GW_EBUSY (queue full), GW_ECLOSED (after cleanup began),
 * GW_EINVAL (empty action), GW_ENOMEM; on error nothing is kept. */
int rpc_calls_enqueue(struct rpc_calls *c, const char *action, struct json_object *payload,
		      int64_t timeout_ms, rpc_reply_fn *cb, void *arg, char *id_out);

/* If nothing is outstanding, build the frame of the oldest queued call,
 * mark it outstanding with deadline now_ms + its timeout and hand the frame
 * to the caller (gw_malloc'd, caller gw_free()s, *len excludes the NUL).
 * Returns GW_OK; GW_EBUSY (a call is outstanding: 2.0.1 SHALL NOT send
 * another, PROTOCOL.md §1.2); GW_ENOTFOUND (queue empty); GW_ENOMEM (the
 * call stays queued). */
int rpc_calls_next(struct rpc_calls *c, int64_t now_ms, char **frame, size_t *len);

/* Match a CALLRESULT or CALLERROR to the outstanding call and fire its
 * callback.  A pile CALL crossing ours is not an answer and must not be
 * passed here.  Returns GW_OK; GW_ENOTFOUND (no outstanding call with that
 * id, e.g. a late answer after a timeout: log and ignore); GW_EINVAL (f is
 * not an answer). */
int rpc_calls_on_result(struct rpc_calls *c, const struct rpc_frame *f);

/* Fire GW_ETIMEOUT for the outstanding call if now_ms >= its deadline. */
void rpc_calls_expire(struct rpc_calls *c, int64_t now_ms);

/* Fire err for the outstanding call and every queued one, in order, and
 * free them (on disconnect: GW_ECLOSED).  Calls enqueued by those callbacks
 * stay queued. */
void rpc_calls_fail_all(struct rpc_calls *c, int err);

/* Deadline of the outstanding call, or RPC_NO_DEADLINE. */
int64_t rpc_calls_next_deadline(const struct rpc_calls *c);

/* Id of the outstanding call, or NULL; borrowed until it is answered. */
const char *rpc_calls_outstanding_id(const struct rpc_calls *c);

#endif
