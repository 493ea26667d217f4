/* SPDX-License-Identifier: MIT
 *
 * orders.c - GET /v1/orders (filters state, pile, id_token, partner,
 * from/to; cursor by id), GET /v1/orders/{number} (typo-tolerant number;
 * events, amounts, work orders, linked cases).  POST /v1/orders/{number}/stop
 * lives in commands.c, the work orders in work_orders.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "config.h"
#include "core/env.h"
#include "domain/billing/order_number.h"
#include "store/store_api.h"

#define ORDER_EVENTS_MAX 500
#define ORDER_CASES_MAX 16

struct json_object *api_order_json(const struct order_row *o)
{
	struct json_object *j = json_object_new_object(), *amt = json_object_new_object();

	api_add_str(j, "number", o->number);
	api_add_i64(j, "id", o->id);
	api_add_str(j, "state", store_order_state_name(o->state));
	json_object_object_add(j, "sub_state", o->sub_state ?
			       json_object_new_string(store_order_sub_name(o->sub_state)) : NULL);
	api_add_str(j, "pile", o->pile);
	api_add_i64(j, "evse_id", o->evse_id);
	api_add_i64(j, "connector_id", o->connector_id);
	if (o->pile_tx_id[0])
		api_add_str(j, "transaction_id", o->pile_tx_id);
	else
		api_add_i64(j, "transaction_id", o->tx_id);
	api_add_str(j, "id_token", o->id_token);
	api_add_bool(j, "orphan", o->orphan);
	api_add_str(j, "tariff_id", o->tariff_id);
	api_add_str(amt, "currency", o->currency);
	api_add_i64(amt, "minor_exp", o->minor_exp);
	api_add_i64(amt, "billed_minor", o->billed_minor);
	api_add_i64(amt, "rerated_minor", o->rerated_minor);
	api_add_i64(amt, "amount_minor", o->amount_minor);
	json_object_object_add(j, "amounts", amt);
	api_add_i64(j, "energy_wh", o->energy_wh);
	api_add_time(j, "started_at", o->started_ms);
	api_add_time(j, "ended_at", o->ended_ms);
	api_add_time(j, "billing_start", o->bill_start_ms);
	api_add_time(j, "billing_end", o->bill_end_ms);
	api_add_time(j, "created_at", o->created_ms);
	api_add_time(j, "updated_at", o->updated_ms);
	api_add_time(j, "settled_at", o->settled_ms);
	return j;
}

/* The order of a typed number: lower case, O for 0, I/L for 1, hyphens
 * and spaces anywhere are forgiven (order_number_parse). */
int api_order_lookup(struct api_ctx *c, const char *number, struct order_row *o)
{
	uint64_t id;
	int rc = order_number_parse(number, strlen(number), &id);

	if (rc == GW_EFORMAT)
		return api_fail(c, GW_EINVAL, "'%s' is not an order number", number);
	if (rc == GW_ECONSTRAINT)
		return api_fail(c, GW_ECONSTRAINT,
				"'%s': the check symbol does not match (a typo?)", number);
	if (rc != GW_OK || id > INT64_MAX)
		return api_fail(c, GW_ENOTFOUND, "no order %s", number);
	rc = store_order_get(c->env->store, (int64_t)id, o);
	if (rc == GW_ENOTFOUND)
		return api_fail(c, rc, "no order %s", number);
	return rc;
}

/* 1 when o belongs to partner p (config_partner_for_token: token prefix,
 * then the token's group). */
static int of_partner(struct api_ctx *c, const struct order_row *o, const struct gw_partner *p)
{
	struct token_row tok;
	const struct gw_partner *q;

	q = config_partner_for_token(c->env->cfg, o->id_token,
				     store_token_get(c->env->store, o->id_token, &tok) == GW_OK ?
					     tok.group_id : NULL);
	return q == p;
}

#define PARTNER_SCAN_MAX 5000 /* orders looked at per page when ?partner= filters */

int api_orders_list(struct api_ctx *c)
{
	char state[24], pile[GW_IDENTITY_MAX + 1], token[VOCAB_TOKEN_MAX + 1], cursor[24], *end;
	char partner[40];
	const struct gw_partner *p = NULL;
	struct store_order_filter f;
	enum order_state st;
	int64_t ids[API_PAGE_MAX];
	struct json_object *items;
	size_t limit, n = 0, taken = 0, scanned = 0;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = api_query_limit(c, &limit)) != GW_OK ||
	    (rc = api_query_time(c, "from", &f.from_ms)) != GW_OK ||
	    (rc = api_query_time(c, "to", &f.to_ms)) != GW_OK)
		return rc;
	if (api_query(c->rq->query, "state", state, sizeof(state)) &&
	    store_order_state_parse(state, &st) != GW_OK)
		return api_fail(c, GW_EINVAL, "unknown state '%s'", state);
	api_query(c->rq->query, "pile", pile, sizeof(pile));
	if (!api_query(c->rq->query, "id_token", token, sizeof(token)))
		api_query(c->rq->query, "idTag", token, sizeof(token));
	if (api_query(c->rq->query, "partner", partner, sizeof(partner)) && partner[0]) {
		for (int i = 0; i < c->env->cfg->n_partners && !p; i++)
			if (!strcmp(c->env->cfg->partners[i].name, partner))
				p = &c->env->cfg->partners[i];
		if (!p)
			return api_fail(c, GW_EINVAL, "unknown partner '%s'", partner);
	}
	if (api_query(c->rq->query, "cursor", cursor, sizeof(cursor)) && cursor[0]) {
		f.after_id = strtoll(cursor, &end, 10);
		if (*end || f.after_id < 0)
			return api_fail(c, GW_EINVAL, "bad cursor");
	}
	f.state = state;
	f.pile = pile;
	f.id_token = token;
	c->body = json_object_new_object();
	items = json_object_new_array();
	json_object_object_add(c->body, "items", items);
	/* a partner is no store column (config decides who owns a token):
	 * filter store pages here; the cursor is the last order looked at */
	do {
		if ((rc = store_api_order_ids(c->env->store, &f, limit, ids, &n)) != GW_OK)
			return rc;
		for (size_t i = 0; i < n && taken < limit; i++) {
			struct order_row o;

			if ((rc = store_order_get(c->env->store, ids[i], &o)) != GW_OK)
				return rc;
			f.after_id = ids[i];
			scanned++;
			if (p && !of_partner(c, &o, p))
				continue;
			json_object_array_add(items, api_order_json(&o));
			taken++;
		}
	} while (p && taken < limit && n == limit && scanned < PARTNER_SCAN_MAX);
	if (n == limit || (p && taken == limit)) {
		snprintf(cursor, sizeof(cursor), "%" PRId64, f.after_id);
		api_add_str(c->body, "next_cursor", cursor);
	} else {
		json_object_object_add(c->body, "next_cursor", NULL);
	}
	return GW_OK;
}

static struct json_object *events_json(struct store_event_row *ev, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_new_object(), *payload = NULL;

		api_add_i64(e, "seq", ev[i].seq);
		api_add_str(e, "type", ev[i].type);
		api_add_time(e, "at", ev[i].at_ms);
		api_add_time(e, "recorded_at", ev[i].recv_ms);
		api_add_str(e, "source", ev[i].source);
		api_add_str(e, "source_ref", ev[i].source_ref);
		if (ev[i].case_id)
			api_add_i64(e, "case_id", ev[i].case_id);
		if (gw_json_parse(ev[i].payload, strlen(ev[i].payload), GW_JSON_DEPTH, &payload) != GW_OK)
			payload = json_object_new_string(ev[i].payload);
		json_object_object_add(e, "payload", payload);
		json_object_array_add(arr, e);
	}
	return arr;
}

int api_order_get(struct api_ctx *c)
{
	struct order_row o;
	struct case_row cases[ORDER_CASES_MAX];
	struct store_event_row *ev = NULL;
	struct json_object *arr;
	size_t n_ev = 0, n_cases = 0;
	int rc = api_order_lookup(c, c->param[0], &o);

	if (rc != GW_OK)
		return rc;
	if ((rc = store_api_order_events(c->env->store, o.id, ORDER_EVENTS_MAX, &ev, &n_ev)) != GW_OK)
		return rc;
	rc = store_case_list_by_order(c->env->store, o.id, cases, ORDER_CASES_MAX, &n_cases);
	if (rc != GW_OK) {
		store_api_events_free(ev, n_ev);
		return rc;
	}
	c->body = api_order_json(&o);
	json_object_object_add(c->body, "events", events_json(ev, n_ev));
	json_object_object_add(c->body, "work_orders",
			       api_work_orders_json(c->env, &o, ev, n_ev, cases, n_cases, NULL));
	store_api_events_free(ev, n_ev);
	arr = json_object_new_array();
	for (size_t i = 0; i < n_cases; i++)
		json_object_array_add(arr, api_case_json(&cases[i]));
	json_object_object_add(c->body, "cases", arr);
	return GW_OK;
}
