/* SPDX-License-Identifier: MIT
 *
 * schema_validate.c - walks a compiled schema against a json-c payload.
 *
 * Hot path, called for every inbound OCPP payload: no allocation, no
 * formatting until a violation is found.  The field path is a chain of
 * stack frames (struct vpath) rendered into text only on failure.  The
 * first violation wins; required properties are checked before the values
 * of the present ones.  Code per failure (the RPC layer turns these into
 * CALLERROR names, PROTOCOL.md §1.2): wrong JSON type -> GW_ETYPE; missing
 * required, minItems/maxItems -> GW_EOCCURRENCE; enum, length, range,
 * format, additional property -> GW_ECONSTRAINT.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "schema/schema_int.h"

#define DEPTH_MAX 64    /* trees from gw_json_parse are far shallower */
#define PATH_SEGS_MAX 48

/* One step from the payload root to the value being checked; lives on the
 * stack of the check that descends into it. */
struct vpath {
	const struct vpath *up; /* NULL at the payload root's children */
	const char *key;        /* member name, or NULL for an array index */
	size_t idx;
};

static void put(char *dst, size_t cap, size_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *o + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[(*o)++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	dst[*o] = '\0';
}

/* "meterValue[0].sampledValue[1].value" from the chain ending at p. */
static void render_path(char *dst, size_t cap, const struct vpath *p)
{
	const struct vpath *seg[PATH_SEGS_MAX];
	size_t n = 0, o = 0;
	char idx[24];

	dst[0] = '\0';
	for (; p && n < PATH_SEGS_MAX; p = p->up)
		seg[n++] = p;
	if (p)
		put(dst, cap, &o, "...", 3);
	while (n-- > 0) {
		if (seg[n]->key) {
			if (o)
				put(dst, cap, &o, ".", 1);
			put(dst, cap, &o, seg[n]->key, strlen(seg[n]->key));
		} else {
			int len = snprintf(idx, sizeof(idx), "[%zu]", seg[n]->idx);
			put(dst, cap, &o, idx, (size_t)len);
		}
	}
}

__attribute__((format(printf, 4, 5))) static int fail(struct schema_error *err, const struct vpath *at,
						      int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	render_path(err->path, sizeof(err->path), at);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

/* -1, 0, 1 as v is below, at, above d; exact for every int64 and finite d. */
static int cmp_i64_dbl(int64_t v, double d)
{
	double f;
	int64_t fi;

	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	f = floor(d);
	fi = (int64_t)f;
	if (v != fi)
		return v < fi ? -1 : 1;
	return f == d ? 0 : -1;
}

static int check(const struct schema_node *n, struct json_object *v, const struct vpath *at, int depth,
		 struct schema_error *err);

static const struct schema_prop *find_prop(const struct schema_node *n, const char *key)
{
	uint32_t lo = 0, hi = n->nprops;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, n->props[mid].name);
		if (!c)
			return &n->props[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int check_object(const struct schema_node *n, struct json_object *v, const struct vpath *at,
			int depth, struct schema_error *err)
{
	int rc;

	if (!json_object_is_type(v, json_type_object))
		return fail(err, at, GW_ETYPE, "expected object");
	for (uint32_t i = 0; i < n->nrequired; i++) {
		if (!json_object_object_get_ex(v, n->required[i], NULL)) {
			struct vpath p = { at, n->required[i], 0 };
			return fail(err, &p, GW_EOCCURRENCE, "required");
		}
	}
	json_object_object_foreach(v, key, val)
	{
		struct vpath p = { at, key, 0 };
		const struct schema_prop *prop = find_prop(n, key);
		if (!prop) {
			if (n->flags & SN_NO_ADDITIONAL)
				return fail(err, &p, GW_ECONSTRAINT, "not allowed");
			continue;
		}
		rc = check(prop->node, val, &p, depth + 1, err);
		if (rc)
			return rc;
	}
	return GW_OK;
}

static int check_array(const struct schema_node *n, struct json_object *v, const struct vpath *at,
		       int depth, struct schema_error *err)
{
	size_t len;
	int rc;

	if (!json_object_is_type(v, json_type_array))
		return fail(err, at, GW_ETYPE, "expected array");
	len = json_object_array_length(v);
	if (len < n->min_items)
		return fail(err, at, GW_EOCCURRENCE, "needs at least %u item%s", n->min_items,
			    n->min_items == 1 ? "" : "s");
	if ((n->flags & SN_HAS_MAX_ITEMS) && len > n->max_items)
		return fail(err, at, GW_EOCCURRENCE, "more than %u item%s", n->max_items,
			    n->max_items == 1 ? "" : "s");
	if (!n->items)
		return GW_OK;
	for (size_t i = 0; i < len; i++) {
		struct vpath p = { at, NULL, i };
		rc = check(n->items, json_object_array_get_idx(v, i), &p, depth + 1, err);
		if (rc)
			return rc;
	}
	return GW_OK;
}

static int check_enum(const struct schema_node *n, const char *s, size_t len, const struct vpath *at,
		      struct schema_error *err)
{
	char shown[64];

	for (uint32_t i = 0; i < n->nenum; i++)
		if (n->enums[i].len == len && !memcmp(n->enums[i].value, s, len))
			return GW_OK;
	schema_quote_value(shown, sizeof(shown), s, len);
	return fail(err, at, GW_ECONSTRAINT, "'%s' is not one of the allowed values", shown);
}

static int check_string(const struct schema_node *n, struct json_object *v, const struct vpath *at,
			struct schema_error *err)
{
	const char *s;
	size_t len;
	int rc;

	if (!json_object_is_type(v, json_type_string))
		return fail(err, at, GW_ETYPE, "expected string");
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (n->nenum && (rc = check_enum(n, s, len, at, err)))
		return rc;
	/* code points <= bytes, so only count when the byte length is not enough */
	if ((n->flags & SN_HAS_MAX_LEN) && len > n->max_len && schema_utf8_count(s, len) > n->max_len)
		return fail(err, at, GW_ECONSTRAINT, "longer than %u characters", n->max_len);
	if (n->min_len && (len < n->min_len || schema_utf8_count(s, len) < n->min_len))
		return fail(err, at, GW_ECONSTRAINT, "shorter than %u characters", n->min_len);
	if (n->format == SF_DATE_TIME && schema_check_date_time(s, len))
		return fail(err, at, GW_ECONSTRAINT, "not a valid date-time");
	if (n->format == SF_URI && schema_check_uri(s, len))
		return fail(err, at, GW_ECONSTRAINT, "not a valid uri");
	return GW_OK;
}

/* minimum/maximum for an integer value. */
static int check_int_range(const struct schema_node *n, struct json_object *v, const struct vpath *at,
			   struct schema_error *err)
{
	int64_t i = json_object_get_int64(v);

	if (i == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
		return fail(err, at, GW_ECONSTRAINT, "out of range");
	if ((n->flags & SN_HAS_MINIMUM) && cmp_i64_dbl(i, n->minimum) < 0)
		return fail(err, at, GW_ECONSTRAINT, "less than minimum %.15g", n->minimum);
	if ((n->flags & SN_HAS_MAXIMUM) && cmp_i64_dbl(i, n->maximum) > 0)
		return fail(err, at, GW_ECONSTRAINT, "greater than maximum %.15g", n->maximum);
	return GW_OK;
}

static int check_number(const struct schema_node *n, struct json_object *v, const struct vpath *at,
			struct schema_error *err)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		return check_int_range(n, v, at, err);
	if (n->kind == SK_INTEGER)
		return fail(err, at, GW_ETYPE, "expected integer");
	if (!json_object_is_type(v, json_type_double))
		return fail(err, at, GW_ETYPE, "expected number");
	d = json_object_get_double(v);
	if (!isfinite(d))
		return fail(err, at, GW_ECONSTRAINT, "not a finite number");
	if ((n->flags & SN_HAS_MINIMUM) && d < n->minimum)
		return fail(err, at, GW_ECONSTRAINT, "less than minimum %.15g", n->minimum);
	if ((n->flags & SN_HAS_MAXIMUM) && d > n->maximum)
		return fail(err, at, GW_ECONSTRAINT, "greater than maximum %.15g", n->maximum);
	return GW_OK;
}

static int check(const struct schema_node *n, struct json_object *v, const struct vpath *at, int depth,
		 struct schema_error *err)
{
	while (n->kind == SK_REF) /* cycles were refused at load */
		n = n->ref;
	if (depth > DEPTH_MAX)
		return fail(err, at, GW_ECONSTRAINT, "nested too deeply");
	switch (n->kind) {
	case SK_OBJECT:
		return check_object(n, v, at, depth, err);
	case SK_ARRAY:
		return check_array(n, v, at, depth, err);
	case SK_STRING:
		return check_string(n, v, at, err);
	case SK_INTEGER:
	case SK_NUMBER:
		return check_number(n, v, at, err);
	case SK_BOOLEAN:
		if (!json_object_is_type(v, json_type_boolean))
			return fail(err, at, GW_ETYPE, "expected boolean");
		return GW_OK;
	default:
		return GW_OK; /* SK_ANY */
	}
}

int schema_validate(const struct schema *s, struct json_object *payload, struct schema_error *err)
{
	if (err) {
		err->code = GW_OK;
		err->path[0] = '\0';
		err->message[0] = '\0';
	}
	if (!s)
		return fail(err, NULL, GW_EINVAL, "no schema");
	return check(s->root, payload, NULL, 0, err);
}
