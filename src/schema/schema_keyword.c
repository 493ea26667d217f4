/* SPDX-License-Identifier: MIT
 *
 * schema_keyword.c - the table of keywords we accept and what each one
 * writes into a schema_node.  Adding a keyword = one row + one function (and
 * the matching check in schema_validate.c).  A keyword that is not in the
 * table, or that sits on a node of a type it cannot apply to ("maxLength"
 * on an integer), fails the load: such a schema would silently check less
 * than its author meant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "schema/schema_int.h"

typedef int kw_fn(struct schema_cc *cc, struct schema_node *node, struct json_object *val);

#define K(kind) (1u << (kind))
#define K_NUMERIC (K(SK_INTEGER) | K(SK_NUMBER))

/* One accepted keyword.  fn NULL = annotation, ignored. */
struct keyword {
	const char *name;
	unsigned kinds; /* K(SK_*) the keyword applies to */
	kw_fn *fn;
};

static const char *kind_name(unsigned kind)
{
	static const char *const names[] = { "any", "object", "array", "string", "integer",
					     "number", "boolean", "$ref" };
	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static int get_u32(struct schema_cc *cc, struct json_object *val, const char *kw, uint32_t *out)
{
	int64_t v;

	if (!json_object_is_type(val, json_type_int) || (v = json_object_get_int64(val)) < 0 ||
	    v > UINT32_MAX)
		return schema_cc_fail(cc, "'%s' must be a non-negative integer", kw);
	*out = (uint32_t)v;
	return GW_OK;
}

static int get_number(struct schema_cc *cc, struct json_object *val, const char *kw, double *out)
{
	if (json_object_is_type(val, json_type_int))
		*out = (double)json_object_get_int64(val);
	else if (json_object_is_type(val, json_type_double))
		*out = json_object_get_double(val);
	else
		return schema_cc_fail(cc, "'%s' must be a number", kw);
	return GW_OK;
}

static int prop_cmp(const void *a, const void *b)
{
	return strcmp(((const struct schema_prop *)a)->name, ((const struct schema_prop *)b)->name);
}

static int kw_properties(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	struct schema_prop *props;
	size_t i = 0, n, mark;
	int rc = GW_OK;

	if (!json_object_is_type(val, json_type_object))
		return schema_cc_fail(cc, "'properties' must be an object");
	n = (size_t)json_object_object_length(val);
	props = schema_arena_alloc(cc->arena, (n ? n : 1) * sizeof(*props));
	if (!props)
		return GW_ENOMEM;
	mark = schema_cc_push(cc, "properties");
	json_object_object_foreach(val, name, sub)
	{
		props[i].name = schema_arena_strndup(cc->arena, name, strlen(name));
		if (!props[i].name) {
			rc = GW_ENOMEM;
			goto out;
		}
		rc = schema_compile_child(cc, sub, name, &props[i].node);
		if (rc)
			goto out;
		i++;
	}
	qsort(props, n, sizeof(*props), prop_cmp);
	node->props = props;
	node->nprops = (uint32_t)n;
out:
	schema_cc_pop(cc, mark);
	return rc;
}

#define NOT_DISTINCT_STRINGS 1 /* positive: never mistaken for a GW_E* code */

/* Fill an arena array of n strings from the JSON array val.  GW_OK,
 * GW_ENOMEM, or NOT_DISTINCT_STRINGS if an entry is not a string or repeats
 * an earlier one (the caller words the message). */
static int copy_strings(struct schema_cc *cc, struct json_object *val, size_t n, struct schema_enum *out)
{
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(val, i);
		if (!json_object_is_type(e, json_type_string))
			return NOT_DISTINCT_STRINGS;
		out[i].len = (uint32_t)json_object_get_string_len(e);
		out[i].value = schema_arena_strndup(cc->arena, json_object_get_string(e), out[i].len);
		if (!out[i].value)
			return GW_ENOMEM;
		for (size_t j = 0; j < i; j++)
			if (out[j].len == out[i].len && !memcmp(out[j].value, out[i].value, out[i].len))
				return NOT_DISTINCT_STRINGS;
	}
	return GW_OK;
}

static int kw_required(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	struct schema_enum *tmp;
	const char **names;
	size_t n;
	int rc;

	if (!json_object_is_type(val, json_type_array))
		return schema_cc_fail(cc, "'required' must be an array of distinct strings");
	n = json_object_array_length(val);
	tmp = schema_arena_alloc(cc->arena, (n ? n : 1) * sizeof(*tmp));
	names = schema_arena_alloc(cc->arena, (n ? n : 1) * sizeof(*names));
	if (!tmp || !names)
		return GW_ENOMEM;
	rc = copy_strings(cc, val, n, tmp);
	if (rc == GW_ENOMEM)
		return rc;
	if (rc)
		return schema_cc_fail(cc, "'required' must be an array of distinct strings");
	for (size_t i = 0; i < n; i++)
		names[i] = tmp[i].value;
	node->required = names;
	node->nrequired = (uint32_t)n;
	return GW_OK;
}

static int kw_enum(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	struct schema_enum *vals;
	size_t n;
	int rc;

	if (!json_object_is_type(val, json_type_array) || !(n = json_object_array_length(val)))
		return schema_cc_fail(cc, "'enum' must be a non-empty array of distinct strings");
	vals = schema_arena_alloc(cc->arena, n * sizeof(*vals));
	if (!vals)
		return GW_ENOMEM;
	rc = copy_strings(cc, val, n, vals);
	if (rc == GW_ENOMEM)
		return rc;
	if (rc)
		return schema_cc_fail(cc, "'enum' must be a non-empty array of distinct strings");
	node->enums = vals;
	node->nenum = (uint32_t)n;
	return GW_OK;
}

static int kw_additional(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	if (!json_object_is_type(val, json_type_boolean))
		return schema_cc_fail(cc, "'additionalProperties' must be true or false");
	if (!json_object_get_boolean(val))
		node->flags |= SN_NO_ADDITIONAL;
	return GW_OK;
}

static int kw_items(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	return schema_compile_child(cc, val, "items", &node->items);
}

static int kw_format(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	const char *s;

	if (!json_object_is_type(val, json_type_string))
		return schema_cc_fail(cc, "'format' must be a string");
	s = json_object_get_string(val);
	if (!strcmp(s, "date-time"))
		node->format = SF_DATE_TIME;
	else if (!strcmp(s, "uri"))
		node->format = SF_URI;
	else
		return schema_cc_fail(cc, "unsupported format '%s'", s);
	return GW_OK;
}

static int kw_min_length(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	return get_u32(cc, val, "minLength", &node->min_len);
}

static int kw_max_length(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	node->flags |= SN_HAS_MAX_LEN;
	return get_u32(cc, val, "maxLength", &node->max_len);
}

static int kw_min_items(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	return get_u32(cc, val, "minItems", &node->min_items);
}

static int kw_max_items(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	node->flags |= SN_HAS_MAX_ITEMS;
	return get_u32(cc, val, "maxItems", &node->max_items);
}

static int kw_minimum(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	node->flags |= SN_HAS_MINIMUM;
	return get_number(cc, val, "minimum", &node->minimum);
}

static int kw_maximum(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	node->flags |= SN_HAS_MAXIMUM;
	return get_number(cc, val, "maximum", &node->maximum);
}

static int kw_definitions(struct schema_cc *cc, struct schema_node *node, struct json_object *val)
{
	(void)node;
	(void)val;
	return schema_cc_fail(cc, "'definitions' is only allowed at the top level");
}

/* "type" and "$ref" are handled by schema_compile.c before this table. */
static const struct keyword keywords[] = {
	{ "$comment", 0, NULL },
	{ "$id", 0, NULL },
	{ "$schema", 0, NULL },
	{ "title", 0, NULL },
	{ "description", 0, NULL },
	{ "default", 0, NULL },
	{ "javaType", 0, NULL },
	{ "definitions", ~0u, kw_definitions },
	{ "properties", K(SK_OBJECT), kw_properties },
	{ "required", K(SK_OBJECT), kw_required },
	/* any type: the official OCPP 2.0.1 schemas put it on every string enum */
	{ "additionalProperties", ~0u, kw_additional },
	{ "items", K(SK_ARRAY), kw_items },
	{ "minItems", K(SK_ARRAY), kw_min_items },
	{ "maxItems", K(SK_ARRAY), kw_max_items },
	{ "enum", K(SK_STRING), kw_enum },
	{ "minLength", K(SK_STRING), kw_min_length },
	{ "maxLength", K(SK_STRING), kw_max_length },
	{ "format", K(SK_STRING), kw_format },
	{ "minimum", K_NUMERIC, kw_minimum },
	{ "maximum", K_NUMERIC, kw_maximum },
};

static const struct keyword *keyword_find(const char *name)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(keywords[i].name, name))
			return &keywords[i];
	return NULL;
}

bool schema_keyword_is_annotation(const char *key)
{
	const struct keyword *kw = keyword_find(key);

	return kw && !kw->fn;
}

int schema_keyword_apply(struct schema_cc *cc, struct schema_node *node, const char *key,
			 struct json_object *val)
{
	const struct keyword *kw = keyword_find(key);

	if (!kw)
		return schema_cc_fail(cc, "unknown keyword '%s'", key);
	if (!kw->fn)
		return GW_OK;
	if (!(kw->kinds & K(node->kind))) {
		if (node->kind == SK_ANY)
			return schema_cc_fail(cc, "'%s' needs a \"type\"", key);
		return schema_cc_fail(cc, "'%s' does not apply to type %s", key, kind_name(node->kind));
	}
	return kw->fn(cc, node, val);
}

int schema_keyword_finish(struct schema_cc *cc, struct schema_node *node)
{
	struct schema_prop key;

	if ((node->flags & SN_HAS_MAX_LEN) && node->min_len > node->max_len)
		return schema_cc_fail(cc, "minLength is above maxLength");
	if ((node->flags & SN_HAS_MAX_ITEMS) && node->min_items > node->max_items)
		return schema_cc_fail(cc, "minItems is above maxItems");
	if ((node->flags & SN_HAS_MINIMUM) && (node->flags & SN_HAS_MAXIMUM) &&
	    node->minimum > node->maximum)
		return schema_cc_fail(cc, "minimum is above maximum");
	for (uint32_t i = 0; i < node->nrequired; i++) {
		key.name = node->required[i];
		if (!node->nprops ||
		    !bsearch(&key, node->props, node->nprops, sizeof(key), prop_cmp))
			return schema_cc_fail(cc, "required '%s' is not in properties", key.name);
	}
	return GW_OK;
}
