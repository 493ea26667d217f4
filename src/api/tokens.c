/* SPDX-License-Identifier: MIT
 *
 * tokens.c - id tokens (issue 5 "id tokens (create, block, expire, group,
 * list)"): GET /v1/id-tokens (cursor by id; scope read),
 * POST /v1/id-tokens {id, status?, expiry?, group_id?} (201; 409 when the
 * id exists) and PATCH /v1/id-tokens/{id} {status?, expiry?, group_id?}
 * (scope operate).  Statuses are the OCPP words Accepted, Blocked,
 * Expired, Invalid; expiry is an RFC 3339 time or null (never expires).
 * Authorization reads the same rows (domain/authorize.c) unless
 * ocpp.accept_all_tokens is on.  Tokens seeded from the config are
 * written again at start-up: the config wins over the API for those.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_time.h"
#include "core/env.h"
#include "store/store.h"

static const char *const statuses[] = { "Accepted", "Blocked", "Expired", "Invalid" };

static struct json_object *token_json(const struct token_row *t)
{
	struct json_object *o = json_object_new_object();

	api_add_str(o, "id", t->id);
	api_add_str(o, "status", t->status);
	api_add_time(o, "expiry", t->expiry_ms);
	json_object_object_add(o, "group_id", t->group_id[0] ? json_object_new_string(t->group_id) :
							       NULL);
	api_add_time(o, "updated_at", t->updated_ms);
	return o;
}

/* status / expiry / group_id of body into t (absent fields unchanged). */
static int read_fields(struct api_ctx *c, struct json_object *body, struct token_row *t)
{
	struct json_object *v = NULL;
	const char *s = NULL;
	size_t i;
	int rc;

	if ((rc = api_body_str(c, body, "status", 0, sizeof(t->status) - 1, &s)) != GW_OK)
		return rc;
	if (s) {
		for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (!strcmp(s, statuses[i]))
				break;
		if (i == sizeof(statuses) / sizeof(statuses[0]))
			return api_fail(c, GW_ECONSTRAINT,
					"status is Accepted, Blocked, Expired or Invalid");
		snprintf(t->status, sizeof(t->status), "%s", s);
	}
	if (json_object_object_get_ex(body, "expiry", &v)) {
		if (!v) {
			t->expiry_ms = 0;
		} else if (!json_object_is_type(v, json_type_string)) {
			return api_fail(c, GW_ETYPE, "expiry must be an RFC 3339 time or null");
		} else if (gw_time_parse(json_object_get_string(v), strlen(json_object_get_string(v)),
					 &t->expiry_ms) != GW_OK) {
			return api_fail(c, GW_ECONSTRAINT, "expiry must be an RFC 3339 time");
		}
	}
	if (json_object_object_get_ex(body, "group_id", &v)) {
		if (!v)
			t->group_id[0] = '\0';
		else if ((rc = api_body_str(c, body, "group_id", 0, sizeof(t->group_id) - 1, &s)) !=
			 GW_OK)
			return rc;
		else
			snprintf(t->group_id, sizeof(t->group_id), "%s", s);
	}
	t->updated_ms = gw_clock_now_ms();
	return GW_OK;
}

static int upsert(void *arg)
{
	void **a = arg;

	return store_token_upsert(a[0], a[1]);
}

static int save(struct api_ctx *c, struct token_row *t)
{
	void *a[2] = { c->env->store, t };

	return api_in_batch(c->env, upsert, a);
}

int api_tokens_list(struct api_ctx *c)
{
	char after[VOCAB_TOKEN_MAX + 1];
	struct token_row *rows;
	struct json_object *items;
	size_t limit, n = 0;
	int rc;

	if ((rc = api_query_limit(c, &limit)) != GW_OK)
		return rc;
	api_query(c->rq->query, "cursor", after, sizeof(after));
	if (!(rows = gw_calloc(limit, sizeof(*rows))))
		return GW_ENOMEM;
	if ((rc = store_token_list(c->env->store, after, rows, limit, &n)) == GW_OK) {
		c->body = json_object_new_object();
		items = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(items, token_json(&rows[i]));
		json_object_object_add(c->body, "items", items);
		json_object_object_add(c->body, "next_cursor",
				       n == limit ? json_object_new_string(rows[n - 1].id) : NULL);
	}
	gw_free(rows);
	return rc;
}

int api_token_create(struct api_ctx *c)
{
	struct json_object *body = NULL;
	struct token_row t;
	const char *id = NULL;
	int rc;

	memset(&t, 0, sizeof(t));
	snprintf(t.status, sizeof(t.status), "Accepted");
	if ((rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	if ((rc = api_body_str(c, body, "id", 1, VOCAB_TOKEN_MAX, &id)) != GW_OK ||
	    (rc = read_fields(c, body, &t)) != GW_OK)
		goto out;
	snprintf(t.id, sizeof(t.id), "%s", id);
	{
		struct token_row old;

		rc = store_token_get(c->env->store, t.id, &old);
		if (rc == GW_OK) {
			rc = api_fail(c, GW_ECONFLICT, "id token %s exists: PATCH it", t.id);
			goto out;
		}
		if (rc != GW_ENOTFOUND)
			goto out;
	}
	if ((rc = save(c, &t)) == GW_OK) {
		c->status = 201;
		c->body = token_json(&t);
	}
out:
	json_object_put(body);
	return rc;
}

int api_token_patch(struct api_ctx *c)
{
	struct json_object *body = NULL;
	struct token_row t;
	int rc = store_token_get(c->env->store, c->param[0], &t);

	if (rc == GW_ENOTFOUND)
		return api_fail(c, rc, "no id token %s", c->param[0]);
	if (rc != GW_OK || (rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	if ((rc = read_fields(c, body, &t)) == GW_OK && (rc = save(c, &t)) == GW_OK)
		c->body = token_json(&t);
	json_object_put(body);
	return rc;
}
