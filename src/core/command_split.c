/* SPDX-License-Identifier: MIT
 *
 * command_split.c - 2.0.1 GetVariables / SetVariables / GetReport split to
 * the pile's own limits.
 *
 * A station publishes DeviceDataCtrlr.ItemsPerMessage and BytesPerMessage
 * per request type; the CSMS must not exceed them.  The boot push records
 * them as device variables (ocpp201/boot_push.c).  Here a request whose
 * list is longer than ItemsPerMessage, or whose text is longer than
 * BytesPerMessage, is cut into several CALLs of the same action; their
 * answers are gathered and the caller's callback sees one merged answer, as
 * if the pile had answered the whole request at once.  A failed part fails
 * the whole (the first failure is reported); parts already sent still run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "core/command.h"
#include "core/conn.h"
#include "core/env.h"
#include "store/store.h"

/* One row per splittable request: which list to cut, which list of the
 * answer to concatenate (NULL: the answer is a status word). */
struct split_rule {
	const char *action;
	const char *req_list;
	const char *res_list;
};

static const struct split_rule rules[] = {
	{ "GetReport", "componentVariable", NULL },
	{ "GetVariables", "getVariableData", "getVariableResult" },
	{ "SetVariables", "setVariableData", "setVariableResult" },
};

static const struct split_rule *rule_find(const char *action)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].action, action))
			return &rules[i];
	return NULL;
}

/* The pile's limit for action (0 = unknown: no split on that axis). */
static long pile_limit(struct gw_env *env, const char *identity, const char *variable,
		       const char *action)
{
	struct device_var v;
	char *end;
	long n;

	memset(&v, 0, sizeof(v));
	snprintf(v.component, sizeof(v.component), "DeviceDataCtrlr");
	snprintf(v.variable, sizeof(v.variable), "%s", variable);
	snprintf(v.variable_instance, sizeof(v.variable_instance), "%s", action);
	snprintf(v.attribute, sizeof(v.attribute), "Actual");
	v.evse_id = -1;
	v.connector_id = -1;
	if (store_device_var_get(env->store, identity, &v) != GW_OK)
		return 0;
	n = strtol(v.value, &end, 10);
	return (*end || n < 1) ? 0 : n;
}

/* Gathers the parts' answers; lives until the last part answered. */
struct gather {
	const struct split_rule *rule;
	gw_reply_fn *cb;
	void *arg;
	int parts_left;
	int status;               /* first failure, GW_OK while none */
	char err_code[64];
	char err_desc[256];
	struct json_object *merged; /* the merged answer */
};

static void part_reply(void *arg, int status, struct json_object *payload, const char *err_code,
		       const char *err_desc)
{
	struct gather *g = arg;

	if (status != GW_OK && g->status == GW_OK) {
		g->status = status;
		snprintf(g->err_code, sizeof(g->err_code), "%s", err_code ? err_code : "");
		snprintf(g->err_desc, sizeof(g->err_desc), "%s", err_desc ? err_desc : "");
	}
	if (status == GW_OK && payload) {
		if (g->rule->res_list) {
			struct json_object *list, *dst;
			json_object_object_get_ex(g->merged, g->rule->res_list, &dst);
			if (json_object_object_get_ex(payload, g->rule->res_list, &list))
				for (size_t i = 0; i < json_object_array_length(list); i++)
					json_object_array_add(dst, json_object_get(json_object_array_get_idx(list, i)));
		} else {
			/* status answers: Accepted wins, else the first word seen */
			struct json_object *st, *cur;
			if (json_object_object_get_ex(payload, "status", &st) &&
			    (!json_object_object_get_ex(g->merged, "status", &cur) ||
			     !strcmp(json_object_get_string(st), "Accepted")))
				json_object_object_add(g->merged, "status", json_object_get(st));
		}
	}
	if (--g->parts_left > 0)
		return;
	if (g->cb) {
		if (g->status == GW_OK)
			g->cb(g->arg, GW_OK, g->merged, NULL, NULL);
		else
			g->cb(g->arg, g->status, NULL, g->err_code[0] ? g->err_code : NULL,
			      g->err_desc[0] ? g->err_desc : NULL);
	}
	json_object_put(g->merged);
	gw_free(g);
}

/* The payload with its list replaced by items [from, to). New reference. */
static struct json_object *slice(struct json_object *payload, const char *key, size_t from, size_t to)
{
	struct json_object *copy = NULL, *list = json_object_new_array(), *src;

	if (json_object_deep_copy(payload, &copy, NULL) != 0 || !list) {
		json_object_put(copy);
		json_object_put(list);
		return NULL;
	}
	json_object_object_get_ex(payload, key, &src);
	for (size_t i = from; i < to; i++)
		json_object_array_add(list, json_object_get(json_object_array_get_idx(src, i)));
	json_object_object_add(copy, key, list);
	return copy;
}

int command_split_send(struct gw_env *env, const char *identity, const char *action,
		       struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg,
		       int *handled)
{
	const struct split_rule *rule = rule_find(action);
	struct json_object *list;
	long items, bytes;
	size_t n, from, base_len, bounds[256], n_parts = 0;
	struct gather *g;
	int rc = GW_OK;

	*handled = 0;
	if (!rule || !json_object_object_get_ex(payload, rule->req_list, &list) ||
	    !json_object_is_type(list, json_type_array))
		return GW_OK;
	n = json_object_array_length(list);
	items = pile_limit(env, identity, "ItemsPerMessage", action);
	bytes = pile_limit(env, identity, "BytesPerMessage", action);
	if ((!items || (long)n <= items) &&
	    (!bytes || (long)strlen(json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN)) + 64 <= bytes))
		return GW_OK; /* fits: the ordinary path sends it */

	/* Greedy cut: as many items as both limits allow per part.  64 bytes
	 * cover the frame around the payload: [2,"<id>","<Action>",...]. */
	base_len = strlen(json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN)) + 64;
	for (size_t i = 0; i < n; i++)
		base_len -= strlen(json_object_to_json_string_ext(json_object_array_get_idx(list, i),
								  JSON_C_TO_STRING_PLAIN)) + 1;
	for (from = 0; from < n;) {
		size_t to = from, len = base_len;
		while (to < n && (!items || (long)(to - from) < items)) {
			size_t add = strlen(json_object_to_json_string_ext(json_object_array_get_idx(list, to),
									   JSON_C_TO_STRING_PLAIN)) + 1;
			if (bytes && to > from && (long)(len + add) > bytes)
				break;
			len += add;
			to++;
		}
		if (n_parts == sizeof(bounds) / sizeof(bounds[0]))
			return GW_ETOOBIG;
		bounds[n_parts++] = to;
		from = to;
	}
	g = gw_calloc(1, sizeof(*g));
	if (!g)
		return GW_ENOMEM;
	g->rule = rule;
	g->cb = cb;
	g->arg = arg;
	g->merged = json_object_new_object();
	if (rule->res_list)
		json_object_object_add(g->merged, rule->res_list, json_object_new_array());
	g->parts_left = (int)n_parts;
	gw_log(GW_LOG_INFO, "cp=%s command %s: %zu items split into %zu parts (ItemsPerMessage %ld, BytesPerMessage %ld)",
	       identity, action, n, n_parts, items, bytes);
	*handled = 1;
	from = 0;
	for (size_t p = 0; p < n_parts; p++) {
		struct json_object *part = slice(payload, rule->req_list, from, bounds[p]);
		int prc = part ? gw_command_send_one(env, identity, action, part, timeout_ms, part_reply, g)
			       : GW_ENOMEM;
		json_object_put(part);
		if (prc != GW_OK) {
			/* this part and the ones after it will never answer */
			size_t unsent = n_parts - p;
			if (p == 0) {
				json_object_put(g->merged);
				gw_free(g);
				*handled = 0;
				return prc;
			}
			rc = GW_OK; /* the caller hears the failure through cb */
			while (unsent--)
				part_reply(g, prc, NULL, NULL, "part of a split request could not be queued");
			break;
		}
		from = bounds[p];
	}
	return rc;
}
