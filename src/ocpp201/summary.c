/* SPDX-License-Identifier: MIT
 *
 * summary.c - notifications the gateway keeps but does not judge.  Each
 * becomes one struct pile_report described by a static v201_report_spec
 * row (reports.c, charging.c, firmware.c): which member is the main word,
 * which carries the time, which few members make the detail line.  The full
 * payload stays in the raw frame log; the report is the searchable summary.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp201/v201.h"

/* Follow "a.b.c" through nested objects; NULL if any step is missing. */
static struct json_object *path_get(struct json_object *o, const char *path)
{
	char part[64];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		struct json_object *next = NULL;

		if (len >= sizeof(part) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		if (!json_object_object_get_ex(o, part, &next))
			return NULL;
		o = next;
		path += dot ? len + 1 : len;
	}
	return o;
}

/* Leaf name of a path, for the "k=v" label. */
static const char *leaf(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

void v201_detail_append(char *buf, size_t cap, const char *label, const char *val)
{
	size_t used = strlen(buf);
	char head[128];

	if (used + 1 >= cap)
		return;
	snprintf(head, sizeof(head), "%s%s=", used ? " " : "", label);
	v201_copy(buf + used, cap - used, head);
	used = strlen(buf);
	/* the value is the pile's text: cut only at a UTF-8 boundary */
	v201_copy(buf + used, cap - used, val);
}

void v201_summarise(struct json_object *req, const char *const *keys, char *buf, size_t cap)
{
	char val[160];

	for (; keys && *keys; keys++) {
		int count = (*keys)[0] == '#';
		const char *path = *keys + count;
		struct json_object *v = path_get(req, path);

		if (!v)
			continue;
		if (count && json_object_is_type(v, json_type_array))
			snprintf(val, sizeof(val), "%zu", json_object_array_length(v));
		else if (json_object_is_type(v, json_type_string))
			v201_copy(val, sizeof(val), json_object_get_string(v));
		else if (json_object_is_type(v, json_type_int))
			snprintf(val, sizeof(val), "%" PRId64, json_object_get_int64(v));
		else if (json_object_is_type(v, json_type_boolean))
			snprintf(val, sizeof(val), "%s", json_object_get_boolean(v) ? "true" : "false");
		else if (json_object_is_type(v, json_type_double))
			snprintf(val, sizeof(val), "%g", json_object_get_double(v));
		else
			continue;
		v201_detail_append(buf, cap, leaf(path), val);
	}
}

int v201_report_fill(struct json_object *req, const struct v201_report_spec *spec,
		     struct pile_report *rep)
{
	struct json_object *st = spec->status_path ? path_get(req, spec->status_path) : NULL;

	memset(rep, 0, sizeof(*rep));
	v201_copy(rep->kind, sizeof(rep->kind), spec->kind);
	if (st && json_object_is_type(st, json_type_string))
		v201_copy(rep->status, sizeof(rep->status), json_object_get_string(st));
	v201_summarise(req, spec->detail, rep->detail, sizeof(rep->detail));
	return spec->time_key ? v201_get_time(req, spec->time_key, &rep->pile_ms) : GW_OK;
}

int v201_report_answer(struct action_ctx *ctx, const struct v201_report_spec *spec)
{
	struct json_object *resp = json_object_new_object();
	int rc = GW_OK;

	v201_put_str(&rc, resp, "status", spec->answer);
	if (spec->answer_reason)
		v201_put(&rc, resp, "statusInfo",
			 v201_status_info(spec->answer_reason, spec->answer_info));
	return v201_respond(ctx, resp, rc);
}

int v201_report_simple(struct action_ctx *ctx, struct json_object *req,
		       const struct v201_report_spec *spec)
{
	struct pile_report rep;
	int rc = v201_report_fill(req, spec, &rep);

	if (!rc)
		rc = domain_pile_report(ctx->domain, &ctx->src, &rep);
	return rc ? rc : v201_report_answer(ctx, spec);
}
