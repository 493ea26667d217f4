/* SPDX-License-Identifier: MIT
 *
 * deliveries.c - dead-lettered webhook deliveries (DESIGN.md "Partners and
 * disputes": "dead-lettered and visible in the API").
 * GET /v1/deliveries/dead (?partner=, cursor by id; scope read) and
 * POST /v1/deliveries/{id}/retry (scope operate): the row is pending again,
 * attempts 0, due now; the hooks thread picks it up on its next poll and
 * the later rows of its order follow it in order.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "core/env.h"
#include "store/store.h"

static struct json_object *row_json(const struct outbox_row *r)
{
	struct json_object *o = json_object_new_object(), *env = NULL;

	api_add_i64(o, "id", r->id);
	api_add_str(o, "partner", r->partner);
	if (r->order_id)
		api_add_i64(o, "order_id", r->order_id);
	else
		json_object_object_add(o, "order_id", NULL);
	api_add_str(o, "event_id", r->event_id);
	api_add_str(o, "event_type", r->event_type);
	api_add_time(o, "occurred_at", r->occurred_ms);
	api_add_str(o, "state", store_outbox_state_name(r->state));
	api_add_i64(o, "attempts", r->attempts);
	api_add_str(o, "last_error", r->last_error);
	api_add_time(o, "created_at", r->created_ms);
	if (r->data && gw_json_parse(r->data, strlen(r->data), GW_JSON_DEPTH, &env) != GW_OK)
		env = json_object_new_string(r->data);
	json_object_object_add(o, "envelope", env);
	return o;
}

int api_dead_list(struct api_ctx *c)
{
	char partner[STORE_PARTNER_MAX], cursor[24], *end;
	struct outbox_row *rows = NULL;
	struct json_object *items;
	int64_t after = 0;
	size_t limit, n = 0;
	int rc;

	if ((rc = api_query_limit(c, &limit)) != GW_OK)
		return rc;
	api_query(c->rq->query, "partner", partner, sizeof(partner));
	if (api_query(c->rq->query, "cursor", cursor, sizeof(cursor)) && cursor[0]) {
		after = strtoll(cursor, &end, 10);
		if (*end || after < 0)
			return api_fail(c, GW_EINVAL, "bad cursor");
	}
	if ((rc = store_outbox_list_dead(c->env->store, partner, after, limit, &rows, &n)) != GW_OK)
		return rc;
	c->body = json_object_new_object();
	items = json_object_new_array();
	json_object_object_add(c->body, "items", items);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, row_json(&rows[i]));
	if (n == limit) {
		snprintf(cursor, sizeof(cursor), "%" PRId64, rows[n - 1].id);
		api_add_str(c->body, "next_cursor", cursor);
	} else {
		json_object_object_add(c->body, "next_cursor", NULL);
	}
	store_outbox_rows_free(rows, n);
	return GW_OK;
}

struct retry_op {
	struct store *st;
	int64_t id;
};

static int requeue(void *arg)
{
	struct retry_op *r = arg;

	return store_outbox_requeue(r->st, r->id, gw_clock_now_ms());
}

int api_dead_retry(struct api_ctx *c)
{
	struct retry_op r;
	int rc;

	if ((rc = api_param_id(c, 0, "delivery", &r.id)) != GW_OK)
		return rc;
	r.st = c->env->store;
	rc = api_in_batch(c->env, requeue, &r);
	if (rc == GW_ENOTFOUND)
		return api_fail(c, rc, "no dead delivery %s", c->param[0]);
	if (rc != GW_OK)
		return rc;
	c->status = 202;
	c->body = json_object_new_object();
	api_add_i64(c->body, "id", r.id);
	api_add_str(c->body, "state", "pending");
	return GW_OK;
}
