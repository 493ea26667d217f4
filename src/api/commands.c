/* SPDX-License-Identifier: MIT
 *
 * commands.c - commands to piles on an operator's behalf.
 *
 * POST /v1/piles/{id}/commands/{Action}: any central-system command of the
 * pile's version, payload schema-checked by gw_command_send().  The HTTP
 * answer waits for the pile: the request stays open (API_DEFERRED) and the
 * gw_reply_fn completes it with the pile's answer, a CALLERROR (502), the
 * timeout (504) or the disconnect (503).  If the operator hangs up first,
 * on_abort (routes.c) clears pending.req and the answer is only logged and
 * stored in the commands table as usual.
 *
 * POST /v1/orders/{number}/stop: RemoteStopTransaction (1.6) /
 * RequestStopTransaction (2.0.1) with the order's transaction id; answers
 * 202 with a work-order number ("WO-" ORDER "-" N, work_orders.c) at once
 * and records order.remote_stop_requested, then _accepted / _rejected from
 * the pile's answer (domain/remote_stop.c); the end message later marks
 * it effective.  Each change runs in a store savepoint:
 * joined to this loop turn's group commit when one is open (the reply is
 * written in a later turn, after that commit), else committed here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/command.h"
#include "core/env.h"
#include "domain/remote_stop.h"
#include "store/store.h"
#include "transport/transport.h"

/* One command in flight for the API; freed by its reply callback. */
struct pending {
	struct http_req *req;   /* first: on_abort NULLs it (routes.c); NULL for a stop */
	struct gw_env *env;
	char identity[GW_IDENTITY_MAX + 1];
	char action[48];
	int64_t order_id;       /* stop only */
	char work_order[40];    /* stop only: "WO-" order number "-" N */
};

/* ---- the generic command ---------------------------------------------- */

static void on_command_reply(void *arg, int status, struct json_object *payload,
			     const char *err_code, const char *err_desc)
{
	struct pending *p = arg;
	char msg[200];

	if (!p->req) {
		gw_log(GW_LOG_INFO, "api cp=%s command %s answered after the operator left",
		       p->identity, p->action);
	} else if (status == GW_OK) {
		struct json_object *o = json_object_new_object();

		api_add_str(o, "pile", p->identity);
		api_add_str(o, "action", p->action);
		api_add_str(o, "outcome", "answered");
		json_object_object_add(o, "response", json_object_get(payload));
		http_req_set_user(p->req, NULL);
		api_reply_json(p->req, 200, o);
		json_object_put(o);
	} else {
		if (status == GW_ECALLERROR)
			snprintf(msg, sizeof(msg), "the pile answered %s: %s", err_code ? err_code : "",
				 err_desc ? err_desc : "");
		else if (status == GW_ETIMEOUT)
			snprintf(msg, sizeof(msg), "no answer from %s in time", p->identity);
		else
			snprintf(msg, sizeof(msg), "%s went away before answering", p->identity);
		http_req_set_user(p->req, NULL);
		api_reply_error(p->req, status, msg);
	}
	gw_free(p);
}

int api_command_send(struct api_ctx *c)
{
	const char *identity = c->param[0], *action = c->param[1];
	struct json_object *payload = NULL;
	struct pending *p;
	struct pile_row row;
	int rc = api_pile_load(c, identity, &row);

	if (rc != GW_OK)
		return rc;
	if (!transport_session_find(c->env->transport, identity))
		return api_fail(c, GW_ECONFLICT, "pile %s is offline", identity);
	if ((rc = api_body_object(c, &payload)) != GW_OK)
		return rc;
	p = gw_calloc(1, sizeof(*p));
	if (!p) {
		json_object_put(payload);
		return GW_ENOMEM;
	}
	p->req = c->req;
	p->env = c->env;
	snprintf(p->identity, sizeof(p->identity), "%.*s", GW_IDENTITY_MAX, identity);
	snprintf(p->action, sizeof(p->action), "%.47s", action);
	rc = gw_command_send(c->env, identity, action, payload, 0, on_command_reply, p);
	json_object_put(payload);
	if (rc != GW_OK) {
		gw_free(p);
		if (rc == GW_ENOTFOUND)
			return api_fail(c, GW_ECONFLICT, "pile %s is offline", identity);
		if (rc == GW_ENOTIMPL)
			return api_fail(c, rc, "%s is not a command this pile's OCPP version takes", action);
		if (rc == GW_EOCCURRENCE || rc == GW_ETYPE || rc == GW_ECONSTRAINT)
			return api_fail(c, GW_ECONSTRAINT, "the payload does not match %sRequest", action);
		if (rc == GW_EBUSY)
			return api_fail(c, rc, "the command queue of %s is full", identity);
		return rc;
	}
	gw_log(GW_LOG_NOTICE, "api token=%s cp=%s command %s queued", c->token ? c->token->name : "",
	       identity, action);
	http_req_set_user(c->req, &p->req);
	return API_DEFERRED;
}

/* ---- remote stop of an order ------------------------------------------ */

struct stop_step {
	struct gw_env *env;
	int64_t order_id;
	const char *work_order;
	const char *who;
	int result;             /* 0: requested; 1: a result */
	int accepted;
	const char *outcome;
};

static int stop_step(void *arg)
{
	struct stop_step *s = arg;
	int64_t now = gw_clock_now_ms();

	if (!s->result)
		return domain_order_remote_stop_requested(s->env->domain, s->order_id, s->work_order,
							  s->who, now);
	return domain_order_remote_stop_result(s->env->domain, s->order_id, s->work_order,
					       s->accepted, s->outcome, now);
}

static void record_result(struct gw_env *env, int64_t order_id, const char *wo, int accepted,
			  const char *outcome)
{
	struct stop_step s = { env, order_id, wo, "", 1, accepted, outcome };
	int rc = api_in_batch(env, stop_step, &s);

	if (rc != GW_OK)
		gw_log(GW_LOG_ERR, "api work_order=%s stop outcome %s not recorded: %s", wo, outcome,
		       gw_strerror(rc));
}

static void on_stop_reply(void *arg, int status, struct json_object *payload, const char *err_code,
			  const char *err_desc)
{
	struct pending *p = arg;
	const char *outcome = "Rejected";
	int accepted = 0;

	(void)err_desc;
	if (status == GW_OK) {
		struct json_object *st = NULL;

		if (json_object_object_get_ex(payload, "status", &st) &&
		    json_object_is_type(st, json_type_string))
			outcome = json_object_get_string(st);
		accepted = !strcmp(outcome, "Accepted");
	} else if (status == GW_ECALLERROR) {
		outcome = err_code && *err_code ? err_code : "CallError";
	} else if (status == GW_ETIMEOUT) {
		outcome = "Timeout";
	} else {
		outcome = "Closed";
	}
	gw_log(GW_LOG_NOTICE, "api cp=%s work_order=%s %s: %s", p->identity, p->work_order, p->action,
	       outcome);
	record_result(p->env, p->order_id, p->work_order, accepted, outcome);
	gw_free(p);
}

int api_order_stop(struct api_ctx *c)
{
	struct order_row o;
	struct ws_session *s;
	struct json_object *payload;
	struct pending *p;
	struct stop_step step;
	const char *action;
	int rc = api_order_lookup(c, c->param[0], &o);

	if (rc != GW_OK)
		return rc;
	if (o.state != ORDER_CHARGING && o.state != ORDER_STARTING && o.state != ORDER_STOPPING)
		return api_fail(c, GW_ECONFLICT, "order %s is %s: nothing to stop", o.number,
				store_order_state_name(o.state));
	s = transport_session_find(c->env->transport, o.pile);
	if (!s)
		return api_fail(c, GW_ECONFLICT, "pile %s is offline: force-close instead", o.pile);
	payload = json_object_new_object();
	if (session_version(s) == OCPP_201) {
		action = "RequestStopTransaction";
		api_add_str(payload, "transactionId", o.pile_tx_id);
	} else {
		action = "RemoteStopTransaction";
		api_add_i64(payload, "transactionId", o.tx_id);
	}
	p = gw_calloc(1, sizeof(*p));
	if (!p) {
		json_object_put(payload);
		return GW_ENOMEM;
	}
	p->env = c->env;
	p->order_id = o.id;
	snprintf(p->identity, sizeof(p->identity), "%s", o.pile);
	snprintf(p->action, sizeof(p->action), "%.47s", action);
	if ((rc = api_work_order_next(c, &o, p->work_order, sizeof(p->work_order))) != GW_OK) {
		gw_free(p);
		json_object_put(payload);
		return rc;
	}

	step = (struct stop_step){ c->env, o.id, p->work_order, c->token ? c->token->name : "", 0, 0, NULL };
	rc = api_in_batch(c->env, stop_step, &step);
	if (rc == GW_OK) {
		rc = gw_command_send(c->env, o.pile, action, payload, 0, on_stop_reply, p);
		if (rc != GW_OK)
			record_result(c->env, o.id, p->work_order, 0, gw_strerror(rc));
	}
	json_object_put(payload);
	if (rc != GW_OK) {
		gw_free(p);
		if (rc == GW_ENOTFOUND)
			return api_fail(c, GW_ECONFLICT, "pile %s is offline", o.pile);
		return rc;
	}
	gw_log(GW_LOG_NOTICE, "api token=%s order=%s work_order=%s %s sent to %s",
	       c->token ? c->token->name : "", o.number, p->work_order, action, o.pile);
	c->status = 202;
	c->body = json_object_new_object();
	api_add_str(c->body, "work_order", p->work_order);
	api_add_str(c->body, "order", o.number);
	api_add_str(c->body, "pile", o.pile);
	api_add_str(c->body, "action", action);
	api_add_str(c->body, "outcome", "requested");
	return GW_OK;
}
