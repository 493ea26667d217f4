/* SPDX-License-Identifier: MIT
 *
 * schema_compile.c - turns one parsed schema document into schema_nodes.
 *
 * Order: every entry of the top-level "definitions" gets an empty node
 * first, so a $ref can point at a definition that is compiled later (or at
 * itself, for recursive types); then the definitions are compiled, then the
 * root.  A subschema that is only a $ref compiles to no node of its own: its
 * parent points straight at the definition.  A definition that is only a
 * $ref becomes an SK_REF node; chains of those are checked for cycles here
 * so the validator can follow them blindly.  Error messages carry the JSON
 * pointer of the offending subschema ("#/properties/idTag").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "schema/schema_int.h"

#define REF_PREFIX "#/definitions/"

int schema_cc_fail(struct schema_cc *cc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cc->err && cc->errlen)
		snprintf(cc->err, cc->errlen, "%s: %s: %s", cc->file, cc->ptr, msg);
	return GW_ECONFIG;
}

size_t schema_cc_push(struct schema_cc *cc, const char *seg)
{
	size_t old = cc->ptr_len;
	int n = snprintf(cc->ptr + old, sizeof(cc->ptr) - old, "/%s", seg);

	if (n > 0)
		cc->ptr_len = old + (size_t)n < sizeof(cc->ptr) ? old + (size_t)n : sizeof(cc->ptr) - 1;
	return old;
}

void schema_cc_pop(struct schema_cc *cc, size_t old)
{
	cc->ptr_len = old;
	cc->ptr[old] = '\0';
}

static int def_cmp(const void *a, const void *b)
{
	return strcmp(((const struct schema_def *)a)->name, ((const struct schema_def *)b)->name);
}

/* The definition a "$ref" value names, in *out. */
static int ref_lookup(struct schema_cc *cc, struct json_object *ref, struct schema_node **out)
{
	struct schema_def key, *hit;
	const char *s;

	if (!json_object_is_type(ref, json_type_string))
		return schema_cc_fail(cc, "$ref must be a string");
	s = json_object_get_string(ref);
	key.name = s + strlen(REF_PREFIX);
	if (strncmp(s, REF_PREFIX, strlen(REF_PREFIX)) || !*key.name || strchr(key.name, '/'))
		return schema_cc_fail(cc, "unsupported $ref '%s' (only " REF_PREFIX "Name)", s);
	hit = cc->ndefs ? bsearch(&key, cc->defs, cc->ndefs, sizeof(key), def_cmp) : NULL;
	if (!hit)
		return schema_cc_fail(cc, "dangling $ref '%s'", s);
	*out = hit->node;
	return GW_OK;
}

/* If js is {"$ref": ...} (annotations allowed beside it; "definitions" too
 * at the root), put its target in *target and return 1; 0 if js has no
 * $ref; GW_ECONFIG if a constraint keyword sits beside the $ref, because
 * JSON Schema ignores those and a reader of our schema would not. */
static int as_ref(struct schema_cc *cc, struct json_object *js, bool root, struct schema_node **target)
{
	struct json_object *ref;
	int rc;

	if (!json_object_object_get_ex(js, "$ref", &ref))
		return 0;
	json_object_object_foreach(js, key, val)
	{
		(void)val;
		if (strcmp(key, "$ref") && !schema_keyword_is_annotation(key) &&
		    !(root && !strcmp(key, "definitions")))
			return schema_cc_fail(cc, "'%s' beside $ref is not supported", key);
	}
	rc = ref_lookup(cc, ref, target);
	return rc ? rc : 1;
}

static int parse_type(struct schema_cc *cc, struct json_object *type, uint8_t *kind)
{
	static const char *const names[] = {
		[SK_OBJECT] = "object",   [SK_ARRAY] = "array",     [SK_STRING] = "string",
		[SK_INTEGER] = "integer", [SK_NUMBER] = "number",   [SK_BOOLEAN] = "boolean",
	};
	const char *s;

	if (!json_object_is_type(type, json_type_string))
		return schema_cc_fail(cc, "type must be a single string");
	s = json_object_get_string(type);
	for (uint8_t k = SK_OBJECT; k <= SK_BOOLEAN; k++) {
		if (!strcmp(s, names[k])) {
			*kind = k;
			return GW_OK;
		}
	}
	return schema_cc_fail(cc, "unsupported type '%s'", s);
}

/* Fill node from the schema object js ("$ref" already ruled out). */
static int compile_into(struct schema_cc *cc, struct json_object *js, struct schema_node *node, bool root)
{
	struct json_object *type;
	int rc;

	if (!json_object_is_type(js, json_type_object))
		return schema_cc_fail(cc, "a schema must be a JSON object");
	if (json_object_object_get_ex(js, "type", &type)) {
		rc = parse_type(cc, type, &node->kind);
		if (rc)
			return rc;
	}
	json_object_object_foreach(js, key, val)
	{
		if (!strcmp(key, "type") || (root && !strcmp(key, "definitions")))
			continue;
		rc = schema_keyword_apply(cc, node, key, val);
		if (rc)
			return rc;
	}
	return schema_keyword_finish(cc, node);
}

int schema_compile_child(struct schema_cc *cc, struct json_object *js, const char *segment,
			 const struct schema_node **out)
{
	size_t mark = schema_cc_push(cc, segment);
	struct schema_node *node = NULL;
	int rc;

	if (!json_object_is_type(js, json_type_object)) {
		rc = schema_cc_fail(cc, "a schema must be a JSON object");
		goto out;
	}
	rc = as_ref(cc, js, false, &node);
	if (rc == 1) {
		rc = GW_OK;
		goto out;
	}
	if (rc)
		goto out;
	node = schema_arena_alloc(cc->arena, sizeof(*node));
	if (!node) {
		rc = GW_ENOMEM;
		goto out;
	}
	rc = compile_into(cc, js, node, false);
out:
	if (rc == GW_OK)
		*out = node;
	schema_cc_pop(cc, mark);
	return rc;
}

/* Allocate one node per definition, sorted by name, into cc->defs. */
static int defs_prepare(struct schema_cc *cc, struct json_object *defs)
{
	size_t i = 0, mark = schema_cc_push(cc, "definitions");
	int rc = GW_OK;

	if (!json_object_is_type(defs, json_type_object)) {
		rc = schema_cc_fail(cc, "definitions must be an object");
		goto out;
	}
	cc->ndefs = (size_t)json_object_object_length(defs);
	cc->defs = gw_calloc(cc->ndefs, sizeof(*cc->defs));
	if (!cc->defs) {
		rc = GW_ENOMEM;
		goto out;
	}
	json_object_object_foreach(defs, name, body)
	{
		(void)body;
		cc->defs[i].name = name;
		cc->defs[i].node = schema_arena_alloc(cc->arena, sizeof(struct schema_node));
		if (!cc->defs[i].node) {
			rc = GW_ENOMEM;
			goto out;
		}
		i++;
	}
	qsort(cc->defs, cc->ndefs, sizeof(*cc->defs), def_cmp);
out:
	schema_cc_pop(cc, mark);
	return rc;
}

/* Compile each definition body into its prepared node. */
static int defs_compile(struct schema_cc *cc, struct json_object *defs)
{
	size_t mark = schema_cc_push(cc, "definitions");
	int rc = GW_OK;

	for (size_t i = 0; i < cc->ndefs && rc == GW_OK; i++) {
		struct json_object *body = json_object_object_get(defs, cc->defs[i].name);
		struct schema_node *node = cc->defs[i].node, *target;
		size_t inner = schema_cc_push(cc, cc->defs[i].name);

		if (!json_object_is_type(body, json_type_object)) {
			rc = schema_cc_fail(cc, "a schema must be a JSON object");
		} else if ((rc = as_ref(cc, body, false, &target)) == 1) {
			node->kind = SK_REF;
			node->ref = target;
			rc = GW_OK;
		} else if (rc == GW_OK) {
			rc = compile_into(cc, body, node, false);
		}
		schema_cc_pop(cc, inner);
	}
	schema_cc_pop(cc, mark);
	return rc;
}

/* A definition that is only a $ref must end at a real node. */
static int defs_check_cycles(struct schema_cc *cc)
{
	for (size_t i = 0; i < cc->ndefs; i++) {
		const struct schema_node *n = cc->defs[i].node;
		size_t steps = 0;

		while (n->kind == SK_REF) {
			n = n->ref;
			if (++steps > cc->ndefs)
				return schema_cc_fail(cc, "$ref cycle through " REF_PREFIX "%s",
						      cc->defs[i].name);
		}
	}
	return GW_OK;
}

int schema_compile(struct schema_cc *cc, struct json_object *doc, const struct schema_node **root)
{
	struct json_object *defs = NULL;
	struct schema_node *node = NULL;
	int rc;

	snprintf(cc->ptr, sizeof(cc->ptr), "#");
	cc->ptr_len = 1;
	if (!json_object_is_type(doc, json_type_object)) {
		rc = schema_cc_fail(cc, "a schema must be a JSON object");
		goto out;
	}
	if (json_object_object_get_ex(doc, "definitions", &defs)) {
		rc = defs_prepare(cc, defs);
		if (rc == GW_OK)
			rc = defs_compile(cc, defs);
		if (rc == GW_OK)
			rc = defs_check_cycles(cc);
		if (rc)
			goto out;
	}
	rc = as_ref(cc, doc, true, &node);
	if (rc == 1) {
		rc = GW_OK;
		goto out;
	}
	if (rc)
		goto out;
	node = schema_arena_alloc(cc->arena, sizeof(*node));
	if (!node) {
		rc = GW_ENOMEM;
		goto out;
	}
	rc = compile_into(cc, doc, node, true);
out:
	if (rc == GW_OK)
		*root = node;
	GW_FREE(cc->defs);
	cc->ndefs = 0;
	return rc;
}
