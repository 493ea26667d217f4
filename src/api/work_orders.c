/* SPDX-License-Identifier: MIT
 *
 * work_orders.c - an order's work orders as its history records them:
 * GET /v1/work-orders/{number} and the "work_orders" list of
 * GET /v1/orders/{number}.
 *
 * A work order is no row of its own: it is the events whose source_ref is
 * its number (domain/remote_stop.h).  A remote stop goes
 *   requested -> accepted | rejected | timed_out | failed
 *   accepted  -> effective (end message within anomaly.stop_timeout_s of
 *                the acceptance) | effective_late (after it: the
 *                STOP_NOT_EFFECTIVE rule opens a case) | not_effective
 *                (no end message yet, the timeout passed)
 * A force-close is one step: closed.  Remote-stop numbers are
 * "WO-" ORDER "-" N, so the number alone finds its order; a force-close
 * number is the operator's own and is listed only with its order.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "config.h"
#include "core/env.h"
#include "domain/event_names.h"
#include "domain/remote_stop.h"
#include "store/store_api.h"

#define WO_EVENTS_MAX 2000
#define WO_CASES_MAX 16
#define WO_MAX 32 /* work orders listed per order */

/* One work order folded from the history; lives for one request. */
struct wo {
	char ref[64];
	int force_close;
	int64_t requested_ms, answered_ms, effective_ms;
	char by[40];
	char outcome[48];
	char reason[200];
	int accepted;
	struct json_object *effective; /* the effective event's payload, borrowed */
};

/* The payload member name of a stored event as a string ("" if none). */
static const char *member(struct json_object *payload, const char *name)
{
	struct json_object *v;

	if (!payload || !json_object_object_get_ex(payload, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static struct wo *wo_of(struct wo *w, size_t *n, const char *ref)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(w[i].ref, ref))
			return &w[i];
	if (*n >= WO_MAX)
		return NULL;
	memset(&w[*n], 0, sizeof(w[*n]));
	snprintf(w[*n].ref, sizeof(w[*n].ref), "%s", ref);
	return &w[(*n)++];
}

/* Fold one event into the work orders; payload is the event's (borrowed). */
static void fold(struct wo *w, size_t *n, const struct store_event_row *e, struct json_object *payload)
{
	const char *t = e->type;
	struct wo *x;

	if (strcmp(e->source, "operator") || !e->source_ref[0])
		return;
	if (!strcmp(t, event_type_name(EV_ORDER_ENDED))) {
		if (strcmp(member(payload, "stop_reason"), "ForceClosed") || !(x = wo_of(w, n, e->source_ref)))
			return;
		x->force_close = 1;
		x->requested_ms = x->answered_ms = e->recv_ms;
		snprintf(x->by, sizeof(x->by), "%s", member(payload, "closed_by"));
		snprintf(x->reason, sizeof(x->reason), "%s", member(payload, "reason"));
		return;
	}
	if (strncmp(t, "order.remote_stop_", 18) || !(x = wo_of(w, n, e->source_ref)))
		return;
	if (!strcmp(t, event_type_name(EV_ORDER_REMOTE_STOP_REQUESTED))) {
		x->requested_ms = e->at_ms;
		snprintf(x->by, sizeof(x->by), "%s", member(payload, "requested_by"));
	} else if (!strcmp(t, event_type_name(EV_ORDER_REMOTE_STOP_ACCEPTED)) ||
		   !strcmp(t, event_type_name(EV_ORDER_REMOTE_STOP_REJECTED))) {
		x->answered_ms = e->at_ms;
		x->accepted = !strcmp(t, event_type_name(EV_ORDER_REMOTE_STOP_ACCEPTED));
		snprintf(x->outcome, sizeof(x->outcome), "%s", member(payload, "outcome"));
	} else if (!strcmp(t, event_type_name(EV_ORDER_REMOTE_STOP_EFFECTIVE))) {
		x->effective_ms = e->at_ms;
		x->effective = payload;
	}
}

static const char *stop_state(const struct wo *x, int64_t now_ms, int64_t timeout_ms)
{
	struct json_object *within;

	if (x->effective) {
		if (json_object_object_get_ex(x->effective, "within_timeout", &within) &&
		    !json_object_get_boolean(within))
			return "effective_late";
		return "effective";
	}
	if (!x->answered_ms)
		return "requested";
	if (x->accepted)
		return now_ms - x->answered_ms > timeout_ms ? "not_effective" : "accepted";
	if (!strcmp(x->outcome, "Rejected"))
		return "rejected";
	if (!strcmp(x->outcome, "Timeout"))
		return "timed_out";
	return "failed"; /* a CALLERROR, the pile went away, or the send failed */
}

static void add_member_or_null(struct json_object *o, const char *k, struct json_object *from)
{
	struct json_object *v = NULL;

	if (from && json_object_object_get_ex(from, k, &v))
		v = json_object_get(v);
	json_object_object_add(o, k, v);
}

static struct json_object *wo_json(const struct wo *x, const struct order_row *o, int64_t case_id,
				   int64_t now_ms, int64_t timeout_ms)
{
	struct json_object *j = json_object_new_object();

	api_add_str(j, "work_order", x->ref);
	api_add_str(j, "kind", x->force_close ? "force_close" : "remote_stop");
	api_add_str(j, "order", o->number);
	api_add_str(j, "pile", o->pile);
	if (x->force_close) {
		api_add_str(j, "state", "closed");
		api_add_time(j, "closed_at", x->answered_ms);
		api_add_str(j, "closed_by", x->by);
		api_add_str(j, "reason", x->reason);
		return j;
	}
	api_add_str(j, "state", stop_state(x, now_ms, timeout_ms));
	api_add_time(j, "requested_at", x->requested_ms);
	api_add_str(j, "requested_by", x->by);
	api_add_time(j, "answered_at", x->answered_ms);
	json_object_object_add(j, "outcome", x->outcome[0] ? json_object_new_string(x->outcome) : NULL);
	api_add_time(j, "effective_at", x->effective_ms);
	add_member_or_null(j, "delay_ms", x->effective);
	add_member_or_null(j, "received_delay_ms", x->effective);
	add_member_or_null(j, "within_timeout", x->effective);
	json_object_object_add(j, "case_id", x->accepted && case_id ? json_object_new_int64(case_id) : NULL);
	return j;
}

struct json_object *api_work_orders_json(const struct gw_env *env, const struct order_row *o,
					 const struct store_event_row *ev, size_t n_ev,
					 const struct case_row *cases, size_t n_cases, const char *only)
{
	struct wo w[WO_MAX];
	struct json_object *payloads[WO_MAX * 4], *arr = json_object_new_array();
	size_t n = 0, n_pl = 0;
	int64_t case_id = 0, now = gw_clock_now_ms();

	for (size_t i = 0; i < n_cases; i++)
		if (!strcmp(cases[i].rule, "STOP_NOT_EFFECTIVE"))
			case_id = cases[i].id;
	for (size_t i = 0; i < n_ev; i++) {
		struct json_object *p = NULL;

		if (strcmp(ev[i].source, "operator") || (only && strcmp(ev[i].source_ref, only)))
			continue;
		if (n_pl < sizeof(payloads) / sizeof(payloads[0]) &&
		    gw_json_parse(ev[i].payload, strlen(ev[i].payload), GW_JSON_DEPTH, &p) == GW_OK)
			payloads[n_pl++] = p;
		fold(w, &n, &ev[i], p);
	}
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, wo_json(&w[i], o, case_id, now,
						   env->cfg->anomaly.stop_timeout_ms));
	for (size_t i = 0; i < n_pl; i++)
		json_object_put(payloads[i]);
	return arr;
}

int api_work_order_next(struct api_ctx *c, const struct order_row *o, char *buf, size_t size)
{
	const char *requested = event_type_name(EV_ORDER_REMOTE_STOP_REQUESTED);
	struct store_event_row *ev = NULL;
	size_t n_ev = 0, seq = 1;
	int rc = store_api_order_events(c->env->store, o->id, WO_EVENTS_MAX, &ev, &n_ev);

	if (rc != GW_OK)
		return rc;
	for (size_t i = 0; i < n_ev; i++)
		seq += !strcmp(ev[i].type, requested);
	store_api_events_free(ev, n_ev);
	snprintf(buf, size, REMOTE_STOP_WO_PREFIX "%s-%zu", o->number, seq);
	return GW_OK;
}

/* "WO-" ORDER "-" N (any case) into the order part and N; GW_EINVAL. */
static int parse_number(const char *s, char *order, size_t size, long *seq)
{
	size_t pl = strlen(REMOTE_STOP_WO_PREFIX);
	const char *dash = strrchr(s, '-');
	char *end;

	if (strncasecmp(s, REMOTE_STOP_WO_PREFIX, pl) || !dash || dash < s + pl + 1 ||
	    (size_t)(dash - s - pl) >= size)
		return GW_EINVAL;
	*seq = strtol(dash + 1, &end, 10);
	if (end == dash + 1 || *end || *seq < 1)
		return GW_EINVAL;
	memcpy(order, s + pl, (size_t)(dash - s - pl));
	order[dash - s - pl] = '\0';
	return GW_OK;
}

int api_work_order_get(struct api_ctx *c)
{
	const char *number = c->param[0];
	char order[API_PARAM_MAX], ref[64];
	struct order_row o;
	struct case_row cases[WO_CASES_MAX];
	struct store_event_row *ev = NULL;
	struct json_object *arr;
	size_t n_ev = 0, n_cases = 0;
	long seq;
	int rc;

	if (parse_number(number, order, sizeof(order), &seq) != GW_OK)
		return api_fail(c, GW_ENOTFOUND, "no work order %s (remote stops are WO-ORDER-N)",
				number);
	rc = api_order_lookup(c, order, &o);
	if (rc == GW_EINVAL || rc == GW_ENOTFOUND)
		return api_fail(c, GW_ENOTFOUND, "no work order %s", number);
	if (rc != GW_OK)
		return rc; /* 422: the order part's check symbol (a typo?) */
	snprintf(ref, sizeof(ref), REMOTE_STOP_WO_PREFIX "%s-%ld", o.number, seq);
	if ((rc = store_api_order_events(c->env->store, o.id, WO_EVENTS_MAX, &ev, &n_ev)) != GW_OK)
		return rc;
	rc = store_case_list_by_order(c->env->store, o.id, cases, WO_CASES_MAX, &n_cases);
	if (rc == GW_OK) {
		arr = api_work_orders_json(c->env, &o, ev, n_ev, cases, n_cases, ref);
		if (json_object_array_length(arr) == 1)
			c->body = json_object_get(json_object_array_get_idx(arr, 0));
		else
			rc = api_fail(c, GW_ENOTFOUND, "no work order %s", number);
		json_object_put(arr);
	}
	store_api_events_free(ev, n_ev);
	return rc;
}
