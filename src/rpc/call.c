/* SPDX-License-Identifier: MIT
 *
 * call.c - CALLs the server sends to one pile: a bounded FIFO and exactly
 * one outstanding CALL.
 *
 * 2.0.1 SHALL NOT (1.6 SHOULD NOT) send a CALL before the previous one is
 * answered or timed out (PROTOCOL.md §1.2), so operator commands wait here.
 * The timeout of a call starts when rpc_calls_next() hands out its frame.
 * A CALL from the pile crossing ours is normal and never touches this
 * state: only CALLRESULT/CALLERROR frames are matched.
 * Invariants: every enqueued call's callback fires exactly once; a call is
 * unlinked from the struct before its callback runs, so callbacks may
 * enqueue (and call rpc_calls_next) freely.
 */
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "rpc/rpc.h"

/* One per queued or outstanding CALL; freed after its callback. */
struct rpc_call {
	struct rpc_call *next;
	char id[RPC_ID_MAX + 1];
	char *action;         /* gw_strdup'd */
	json_object *payload; /* our reference until sent; NULL = {} */
	int64_t timeout_ms;   /* > 0 */
	int64_t deadline_ms;  /* monotonic; set when sent */
	rpc_reply_fn *cb;     /* may be NULL */
	void *arg;
};

static void call_free(struct rpc_call *call)
{
	if (!call)
		return;
	json_object_put(call->payload);
	gw_free(call->action);
	gw_free(call);
}

/* Fire the callback of an unlinked call, then free it. */
static void call_finish(struct rpc_call *call, int status, json_object *payload, const char *code,
			const char *desc)
{
	if (call->cb)
		call->cb(call->arg, status, payload, code, desc);
	call_free(call);
}

void rpc_calls_init(struct rpc_calls *c, size_t max_queued, int64_t default_timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->max_queued = max_queued ? max_queued : RPC_CALLS_QUEUE_DEFAULT;
	c->default_timeout_ms =
		default_timeout_ms > 0 ? default_timeout_ms : RPC_CALL_TIMEOUT_DEFAULT_MS;
}

void rpc_calls_cleanup(struct rpc_calls *c)
{
	if (!c)
		return;
	c->closed = 1; /* callbacks below cannot enqueue more */
	rpc_calls_fail_all(c, GW_ECLOSED);
}

int rpc_calls_enqueue(struct rpc_calls *c, const char *action, json_object *payload,
		      int64_t timeout_ms, rpc_reply_fn *cb, void *arg, char *id_out)
{
	struct rpc_call *call;

	if (c->closed)
		return GW_ECLOSED;
	if (!action || !action[0])
		return GW_EINVAL;
	if (c->queued >= c->max_queued)
		return GW_EBUSY;
	call = gw_calloc(1, sizeof(*call));
	if (!call)
		return GW_ENOMEM;
	call->action = gw_strdup(action);
	if (!call->action) {
		call_free(call);
		return GW_ENOMEM;
	}
	rpc_msgid_next(call->id);
	call->payload = payload ? json_object_get(payload) : NULL;
	call->timeout_ms = timeout_ms > 0 ? timeout_ms : c->default_timeout_ms;
	call->cb = cb;
	call->arg = arg;
	if (c->tail)
		c->tail->next = call;
	else
		c->head = call;
	c->tail = call;
	c->queued++;
	if (id_out)
		memcpy(id_out, call->id, sizeof(call->id));
	return GW_OK;
}

int rpc_calls_next(struct rpc_calls *c, int64_t now_ms, char **frame, size_t *len)
{
	struct rpc_call *call = c->head;
	int rc;

	*frame = NULL;
	*len = 0;
	if (c->outstanding)
		return GW_EBUSY;
	if (!call)
		return GW_ENOTFOUND;
	rc = rpc_build_call(call->id, call->action, call->payload, frame, len);
	if (rc != GW_OK)
		return rc; /* stays at the head, try again later */
	c->head = call->next;
	if (!c->head)
		c->tail = NULL;
	c->queued--;
	call->next = NULL;
	json_object_put(call->payload); /* it is in the frame now */
	call->payload = NULL;
	call->deadline_ms = now_ms + call->timeout_ms;
	c->outstanding = call;
	return GW_OK;
}

int rpc_calls_on_result(struct rpc_calls *c, const struct rpc_frame *f)
{
	struct rpc_call *call = c->outstanding;

	if (f->type != RPC_CALLRESULT && f->type != RPC_CALLERROR)
		return GW_EINVAL;
	if (!call || f->id_unreadable || strcmp(call->id, f->id) != 0)
		return GW_ENOTFOUND;
	c->outstanding = NULL;
	if (f->type == RPC_CALLRESULT)
		call_finish(call, GW_OK, f->payload, NULL, NULL);
	else
		call_finish(call, GW_ECALLERROR, f->err_details, f->err_code, f->err_desc);
	return GW_OK;
}

void rpc_calls_expire(struct rpc_calls *c, int64_t now_ms)
{
	struct rpc_call *call = c->outstanding;

	if (!call || now_ms < call->deadline_ms)
		return;
	c->outstanding = NULL;
	call_finish(call, GW_ETIMEOUT, NULL, NULL, NULL);
}

void rpc_calls_fail_all(struct rpc_calls *c, int err)
{
	struct rpc_call *out = c->outstanding;
	struct rpc_call *list = c->head;
	struct rpc_call *next;

	/* unlink everything first: callbacks may enqueue into c */
	c->outstanding = NULL;
	c->head = c->tail = NULL;
	c->queued = 0;
	if (out)
		call_finish(out, err, NULL, NULL, NULL);
	for (; list; list = next) {
		next = list->next;
		call_finish(list, err, NULL, NULL, NULL);
	}
}

int64_t rpc_calls_next_deadline(const struct rpc_calls *c)
{
	return c->outstanding ? c->outstanding->deadline_ms : RPC_NO_DEADLINE;
}

const char *rpc_calls_outstanding_id(const struct rpc_calls *c)
{
	return c->outstanding ? c->outstanding->id : NULL;
}
