/* SPDX-License-Identifier: MIT
 *
 * redact.c - secrets never reach the store or the log.
 *
 * A password rotation sends the new pile password inside a command
 * (1.6 ChangeConfiguration AuthorizationKey, 2.0.1 SetVariables
 * SecurityCtrlr.BasicAuthPassword).  The pile must get it, but the raw
 * frame log and the commands table keep every frame we send; there the
 * value is replaced by "***" (A01.FR.08/.09: store only salted hashes,
 * never log passwords).  The hash chain covers the text as stored.
 */
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_json.h"
#include "core/conn.h"

#define REDACTED "***"

static int redact_change_configuration(struct json_object *payload)
{
	struct json_object *key;

	if (!json_object_object_get_ex(payload, "key", &key) ||
	    strcmp(json_object_get_string(key), "AuthorizationKey"))
		return 0;
	json_object_object_add(payload, "value", json_object_new_string(REDACTED));
	return 1;
}

static int redact_set_variables(struct json_object *payload)
{
	struct json_object *list, *var, *name;
	int n = 0;

	if (!json_object_object_get_ex(payload, "setVariableData", &list) ||
	    !json_object_is_type(list, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *item = json_object_array_get_idx(list, i);
		if (json_object_object_get_ex(item, "variable", &var) &&
		    json_object_object_get_ex(var, "name", &name) &&
		    !strcmp(json_object_get_string(name), "BasicAuthPassword")) {
			json_object_object_add(item, "attributeValue", json_object_new_string(REDACTED));
			n++;
		}
	}
	return n > 0;
}

static const struct {
	const char *action;
	int (*redact)(struct json_object *payload);
} rules[] = {
	{ "ChangeConfiguration", redact_change_configuration },
	{ "SetVariables", redact_set_variables },
};

char *command_redact(const char *action, const char *frame, size_t len, size_t *out_len)
{
	struct json_object *root = NULL, *payload;
	char *out = NULL;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].action, action))
			continue;
		/* our own frame [2,id,action,payload]: parse it back */
		if (gw_json_parse(frame, len, 16, &root) != 0 || !json_object_is_type(root, json_type_array) ||
		    !(payload = json_object_array_get_idx(root, 3)))
			break;
		if (rules[i].redact(payload))
			out = gw_json_dump(root, out_len);
		break;
	}
	json_object_put(root);
	return out;
}
