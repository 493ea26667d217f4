/* SPDX-License-Identifier: MIT
 *
 * cases.c - GET /v1/refund-cases (state / rule / tier filters, cursor by
 * id) and GET /v1/refund-cases/{id} (evidence items and the manifest).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "core/env.h"
#include "store/store_api.h"

struct json_object *api_case_json(const struct case_row *cr)
{
	struct json_object *j = json_object_new_object();
	char tier[2] = { cr->tier, '\0' };

	api_add_i64(j, "id", cr->id);
	api_add_i64(j, "order_id", cr->order_id);
	api_add_str(j, "rule", cr->rule);
	api_add_str(j, "tier", tier);
	api_add_str(j, "state", store_case_state_name(cr->state));
	api_add_bool(j, "auto_approved", cr->auto_approved);
	api_add_i64(j, "amount_minor", cr->amount_minor);
	api_add_str(j, "currency", cr->currency);
	api_add_i64(j, "billed_minor", cr->billed_minor);
	api_add_i64(j, "rerated_minor", cr->rerated_minor);
	api_add_time(j, "window_from", cr->window_from_ms);
	api_add_time(j, "window_to", cr->window_to_ms);
	api_add_str(j, "explain", cr->explain);
	api_add_str(j, "manifest_sha256", cr->manifest_sha256);
	api_add_time(j, "opened_at", cr->opened_ms);
	api_add_time(j, "ack_due", cr->ack_due_ms);
	api_add_time(j, "decide_due", cr->decide_due_ms);
	api_add_time(j, "acked_at", cr->acked_ms);
	api_add_time(j, "decided_at", cr->decided_ms);
	api_add_i64(j, "appeals", cr->appeals);
	api_add_time(j, "updated_at", cr->updated_ms);
	return j;
}

int api_cases_list(struct api_ctx *c)
{
	char state[24], rule[STORE_RULE_MAX], tier[4], cursor[24], *end;
	enum case_state cs;
	int64_t ids[API_PAGE_MAX], after = 0;
	struct json_object *items;
	size_t limit, n = 0;
	int rc;

	if ((rc = api_query_limit(c, &limit)) != GW_OK)
		return rc;
	if (api_query(c->rq->query, "state", state, sizeof(state)) &&
	    store_case_state_parse(state, &cs) != GW_OK)
		return api_fail(c, GW_EINVAL, "unknown state '%s'", state);
	api_query(c->rq->query, "rule", rule, sizeof(rule));
	if (api_query(c->rq->query, "tier", tier, sizeof(tier)) &&
	    (strlen(tier) != 1 || tier[0] < 'A' || tier[0] > 'C'))
		return api_fail(c, GW_EINVAL, "tier is A, B or C");
	if (api_query(c->rq->query, "cursor", cursor, sizeof(cursor)) && cursor[0]) {
		after = strtoll(cursor, &end, 10);
		if (*end || after < 0)
			return api_fail(c, GW_EINVAL, "bad cursor");
	}
	if ((rc = store_api_case_ids(c->env->store, state, rule, tier, after, limit, ids, &n)) != GW_OK)
		return rc;
	c->body = json_object_new_object();
	items = json_object_new_array();
	json_object_object_add(c->body, "items", items);
	for (size_t i = 0; i < n; i++) {
		struct case_row cr;

		if ((rc = store_case_get(c->env->store, ids[i], &cr)) != GW_OK)
			return rc;
		json_object_array_add(items, api_case_json(&cr));
	}
	if (n == limit) {
		snprintf(cursor, sizeof(cursor), "%" PRId64, ids[n - 1]);
		api_add_str(c->body, "next_cursor", cursor);
	} else {
		json_object_object_add(c->body, "next_cursor", NULL);
	}
	return GW_OK;
}

int api_case_get(struct api_ctx *c)
{
	struct case_row cr;
	struct order_row o;
	struct case_evidence_row *ev = NULL;
	struct json_object *arr, *man;
	size_t n = 0;
	char *end;
	int64_t id = strtoll(c->param[0], &end, 10);
	int rc;

	if (*end || id <= 0)
		return api_fail(c, GW_EINVAL, "a case id is a positive integer");
	rc = store_case_get(c->env->store, id, &cr);
	if (rc == GW_ENOTFOUND)
		return api_fail(c, rc, "no refund case %s", c->param[0]);
	if (rc != GW_OK)
		return rc;
	if ((rc = store_case_evidence_list(c->env->store, id, &ev, &n)) != GW_OK)
		return rc;
	c->body = api_case_json(&cr);
	if (store_order_get(c->env->store, cr.order_id, &o) == GW_OK)
		api_add_str(c->body, "order_number", o.number);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_new_object(), *body = NULL;

		api_add_i64(e, "seq", ev[i].seq);
		api_add_str(e, "kind", ev[i].kind);
		api_add_str(e, "ref", ev[i].ref);
		if (gw_json_parse(ev[i].body, strlen(ev[i].body), GW_JSON_DEPTH, &body) != GW_OK)
			body = json_object_new_string(ev[i].body);
		json_object_object_add(e, "body", body);
		json_object_array_add(arr, e);
	}
	json_object_object_add(c->body, "evidence", arr);
	man = json_object_new_object();
	api_add_str(man, "algorithm", "sha256");
	api_add_str(man, "sha256", cr.manifest_sha256);
	api_add_i64(man, "items", (int64_t)n);
	json_object_object_add(c->body, "manifest", man);
	store_case_evidence_free(ev, n);
	return GW_OK;
}
