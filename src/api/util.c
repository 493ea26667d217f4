/* SPDX-License-Identifier: MIT
 *
 * util.c - small helpers the resource files share: query arguments, JSON
 * building, the request body.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_time.h"
#include "core/env.h"
#include "store/store.h"

int api_query(const char *query, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);
	const char *p = query;

	buf[0] = '\0';
	while (p && *p) {
		size_t seg = strcspn(p, "&");

		if (seg > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			size_t vl = seg - nl - 1;

			if (vl >= size)
				vl = size - 1;
			memcpy(buf, p + nl + 1, vl);
			buf[vl] = '\0';
			return 1;
		}
		if (seg == nl && !strncmp(p, name, nl))
			return 1; /* "name" without a value: "" */
		p += seg;
		if (*p == '&')
			p++;
	}
	return 0;
}

int api_fail(struct api_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return err;
}

int api_query_limit(struct api_ctx *c, size_t *limit)
{
	char buf[24], *end;
	long v;

	*limit = API_PAGE_DEFAULT;
	if (!api_query(c->rq->query, "limit", buf, sizeof(buf)))
		return GW_OK;
	v = strtol(buf, &end, 10);
	if (end == buf || *end || v < 1 || v > API_PAGE_MAX)
		return api_fail(c, GW_EINVAL, "limit must be 1..%d", API_PAGE_MAX);
	*limit = (size_t)v;
	return GW_OK;
}

int api_query_time(struct api_ctx *c, const char *name, int64_t *at_ms)
{
	char buf[64];

	*at_ms = 0;
	if (!api_query(c->rq->query, name, buf, sizeof(buf)))
		return GW_OK;
	if (gw_time_parse(buf, strlen(buf), at_ms) != GW_OK)
		return api_fail(c, GW_EINVAL, "%s must be an RFC 3339 time", name);
	return GW_OK;
}

struct json_object *api_json_time(int64_t at_ms)
{
	char buf[GW_TIME_STRLEN];

	return at_ms ? json_object_new_string(gw_time_format(at_ms, buf)) : NULL;
}

void api_add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

void api_add_i64(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

void api_add_bool(struct json_object *o, const char *k, int v)
{
	json_object_object_add(o, k, json_object_new_boolean(v ? 1 : 0));
}

void api_add_time(struct json_object *o, const char *k, int64_t at_ms)
{
	json_object_object_add(o, k, api_json_time(at_ms));
}

int api_body_object(struct api_ctx *c, struct json_object **out)
{
	struct json_object *o = NULL;
	int rc;

	*out = NULL;
	if (c->rq->body_len == 0) {
		*out = json_object_new_object();
		return *out ? GW_OK : GW_ENOMEM;
	}
	rc = gw_json_parse(c->rq->body, c->rq->body_len, GW_JSON_DEPTH, &o);
	if (rc != GW_OK)
		return api_fail(c, GW_EFORMAT, "the body is not valid JSON");
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return api_fail(c, GW_ETYPE, "the body must be a JSON object");
	}
	*out = o;
	return GW_OK;
}

int api_in_batch(struct gw_env *env, int (*fn)(void *), void *arg)
{
	struct store *st = env->store;
	int opened = !store_in_batch(st);
	int rc;

	if (opened && (rc = store_begin(st)) != GW_OK)
		return rc;
	if ((rc = store_savepoint(st)) == GW_OK) {
		rc = fn(arg);
		if (rc == GW_OK)
			rc = store_release(st);
		else
			store_rollback_to(st);
	}
	if (opened) {
		if (rc == GW_OK)
			rc = store_commit(st);
		else
			store_rollback(st);
	}
	return rc;
}

int api_body_str(struct api_ctx *c, struct json_object *body, const char *name, int required,
		 size_t max, const char **out)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(body, name, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return api_fail(c, GW_ECONSTRAINT, "%s is required", name);
		return GW_OK;
	}
	if (!json_object_is_type(v, json_type_string))
		return api_fail(c, GW_ETYPE, "%s must be a string", name);
	*out = json_object_get_string(v);
	if (required && !**out)
		return api_fail(c, GW_ECONSTRAINT, "%s must not be empty", name);
	if (strlen(*out) > max)
		return api_fail(c, GW_ECONSTRAINT, "%s is longer than %zu bytes", name, max);
	return GW_OK;
}

int api_body_i64(struct api_ctx *c, struct json_object *body, const char *name, int required,
		 int64_t *out, int *present)
{
	struct json_object *v = NULL;

	*present = 0;
	if (!json_object_object_get_ex(body, name, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return api_fail(c, GW_ECONSTRAINT, "%s is required", name);
		return GW_OK;
	}
	if (!json_object_is_type(v, json_type_int))
		return api_fail(c, GW_ETYPE, "%s must be an integer", name);
	*out = json_object_get_int64(v);
	*present = 1;
	return GW_OK;
}

int api_param_id(struct api_ctx *c, int i, const char *what, int64_t *id)
{
	char *end;

	*id = strtoll(c->param[i], &end, 10);
	if (*end || *id <= 0)
		return api_fail(c, GW_EINVAL, "a %s id is a positive integer", what);
	return GW_OK;
}

int api_pile_load(struct api_ctx *c, const char *identity, struct pile_row *row)
{
	int rc = store_pile_get(c->env->store, identity, row);

	return rc == GW_ENOTFOUND ? api_fail(c, rc, "no pile %s", identity) : rc;
}
