/* SPDX-License-Identifier: MIT
 *
 * order_actions.c - POST /v1/orders/{number}/force-close and
 * POST /v1/orders/{number}/cancel (scope operate).
 *
 * force-close {work_order, reason}: both required (422); only an open
 * order whose pile is not connected (409 otherwise: stop it instead); the
 * order is priced with the data known and held as abnormal
 * (domain/order_actions.c); a late end message re-judges it.
 * cancel, by state: starting -> cancelled; charging inside the free-cancel
 * window -> the remote stop of commands.c (202, work order) and the
 * free-cancel rule cancels it at settlement; completed -> 409 "appeal
 * instead"; anything else 409.
 */
#include <string.h>

#include "api/api_int.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "config.h"
#include "core/env.h"
#include "domain/order_actions.h"
#include "store/store.h"
#include "transport/transport.h"

#define WORK_ORDER_MAX 64
#define REASON_MAX 200

struct close_op {
	struct gw_env *env;
	int64_t order_id;
	const char *work_order, *reason, *who;
	int cancel;             /* 1: cancel an unstarted order */
	struct order_row out;
};

static int run(void *arg)
{
	struct close_op *op = arg;
	int64_t now = gw_clock_now_ms();

	if (op->cancel)
		return domain_order_cancel_unstarted(op->env->domain, op->order_id, op->who, now,
						     &op->out);
	return domain_order_force_close(op->env->domain, op->order_id, op->work_order, op->reason,
					op->who, now, &op->out);
}

int api_order_force_close(struct api_ctx *c)
{
	struct close_op op;
	struct order_row o;
	struct json_object *body = NULL;
	int rc;

	memset(&op, 0, sizeof(op));
	if ((rc = api_order_lookup(c, c->param[0], &o)) != GW_OK ||
	    (rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	if ((rc = api_body_str(c, body, "work_order", 1, WORK_ORDER_MAX, &op.work_order)) != GW_OK ||
	    (rc = api_body_str(c, body, "reason", 1, REASON_MAX, &op.reason)) != GW_OK)
		goto out;
	if (o.state != ORDER_STARTING && o.state != ORDER_CHARGING && o.state != ORDER_STOPPING) {
		rc = api_fail(c, GW_ECONFLICT, "order %s is %s: nothing to close", o.number,
			      store_order_state_name(o.state));
		goto out;
	}
	if (transport_session_find(c->env->transport, o.pile)) {
		rc = api_fail(c, GW_ECONFLICT, "pile %s is online: stop the order instead", o.pile);
		goto out;
	}
	op.env = c->env;
	op.order_id = o.id;
	op.who = c->token ? c->token->name : "";
	rc = api_in_batch(c->env, run, &op);
	if (rc == GW_ECONFLICT)
		rc = api_fail(c, rc, "order %s is no longer open", o.number);
	if (rc == GW_OK) {
		c->body = api_order_json(&op.out);
		api_add_str(c->body, "work_order", op.work_order);
	}
out:
	json_object_put(body);
	return rc;
}

int api_order_cancel(struct api_ctx *c)
{
	struct close_op op;
	struct order_row o;
	int rc = api_order_lookup(c, c->param[0], &o);

	if (rc != GW_OK)
		return rc;
	switch (o.state) {
	case ORDER_STARTING:
		memset(&op, 0, sizeof(op));
		op.env = c->env;
		op.order_id = o.id;
		op.cancel = 1;
		op.who = c->token ? c->token->name : "";
		if ((rc = api_in_batch(c->env, run, &op)) != GW_OK)
			return rc == GW_ECONFLICT ? api_fail(c, rc, "order %s has started", o.number) :
						    rc;
		c->body = api_order_json(&op.out);
		api_add_str(c->body, "outcome", "cancelled");
		return GW_OK;
	case ORDER_CHARGING:
		if (!domain_order_in_free_cancel(c->env->domain, &o, gw_clock_now_ms()))
			return api_fail(c, GW_ECONFLICT,
					"order %s is past the free-cancel window: stop it instead",
					o.number);
		if ((rc = api_order_stop(c)) == GW_OK)
			api_add_str(c->body, "cancel", "free_cancel");
		return rc;
	case ORDER_COMPLETED:
		return api_fail(c, GW_ECONFLICT, "appeal instead");
	default:
		return api_fail(c, GW_ECONFLICT, "order %s is %s: it cannot be cancelled", o.number,
				store_order_state_name(o.state));
	}
}
