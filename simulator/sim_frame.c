/* SPDX-License-Identifier: MIT
 *
 * sim_frame.c - OCPP-J frame text.  Parsing follows the strict json-c
 * recipe in PROTOCOL.md §3.3 (strict flags, whole input consumed) so a
 * server that sends garbage shows up in the transcript as an error rather
 * than a half-read frame.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "sim_frame.h"

static char *dup_text(struct json_object *arr)
{
	const char *s = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	char *out = s ? gw_strdup(s) : NULL;

	json_object_put(arr);
	return out;
}

static struct json_object *payload_or_empty(struct json_object *payload)
{
	return payload ? json_object_get(payload) : json_object_new_object();
}

char *sim_frame_call(const char *id, const char *action, struct json_object *payload)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_int(SIM_FRAME_CALL));
	json_object_array_add(a, json_object_new_string(id));
	json_object_array_add(a, json_object_new_string(action));
	json_object_array_add(a, payload_or_empty(payload));
	return dup_text(a);
}

char *sim_frame_result(const char *id, struct json_object *payload)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_int(SIM_FRAME_RESULT));
	json_object_array_add(a, json_object_new_string(id));
	json_object_array_add(a, payload_or_empty(payload));
	return dup_text(a);
}

char *sim_frame_error(const char *id, const char *code, const char *desc)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_int(SIM_FRAME_ERROR));
	json_object_array_add(a, json_object_new_string(id));
	json_object_array_add(a, json_object_new_string(code));
	json_object_array_add(a, json_object_new_string(desc ? desc : ""));
	json_object_array_add(a, json_object_new_object());
	return dup_text(a);
}

static const char *str_at(struct json_object *a, size_t i)
{
	struct json_object *o = json_object_array_get_idx(a, i);

	return json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

/* Check the shape of an already parsed array; fills f. */
static int read_frame(struct json_object *root, struct sim_frame *f)
{
	size_t n = json_object_array_length(root);
	struct json_object *t = json_object_array_get_idx(root, 0);

	if (n < 3 || !json_object_is_type(t, json_type_int))
		return GW_EPROTO;
	f->type = (int)json_object_get_int64(t);
	f->id = str_at(root, 1);
	if (!f->id)
		return GW_EPROTO;
	switch (f->type) {
	case SIM_FRAME_CALL:
		f->action = str_at(root, 2);
		f->payload = json_object_array_get_idx(root, 3);
		if (n != 4 || !f->action || !json_object_is_type(f->payload, json_type_object))
			return GW_EPROTO;
		return GW_OK;
	case SIM_FRAME_RESULT:
		f->payload = json_object_array_get_idx(root, 2);
		return n == 3 && json_object_is_type(f->payload, json_type_object) ? GW_OK : GW_EPROTO;
	case SIM_FRAME_ERROR:
		f->err_code = str_at(root, 2);
		f->err_desc = n > 3 ? str_at(root, 3) : NULL;
		return f->err_code ? GW_OK : GW_EPROTO;
	default:
		return GW_EPROTO;
	}
}

int sim_frame_parse(const char *buf, size_t len, struct sim_frame *f)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	struct json_object *root = NULL;
	int rc = GW_EFORMAT;

	memset(f, 0, sizeof(*f));
	if (!tok)
		return GW_ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len)
		goto out;
	rc = GW_EPROTO;
	if (!json_object_is_type(root, json_type_array))
		goto out;
	rc = read_frame(root, f);
	if (rc == GW_OK) {
		f->root = root;
		root = NULL;
	}
out:
	json_object_put(root);
	json_tokener_free(tok);
	if (rc != GW_OK)
		memset(f, 0, sizeof(*f));
	return rc;
}

void sim_frame_cleanup(struct sim_frame *f)
{
	json_object_put(f->root);
	memset(f, 0, sizeof(*f));
}

struct json_object *sim_json_path(struct json_object *obj, const char *path)
{
	char key[128];
	const char *p = path, *dot;
	size_t n;

	while (obj && p && *p) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (json_object_is_type(obj, json_type_array)) {
			char *end;
			long i = strtol(key, &end, 10);

			if (*end || i < 0)
				return NULL;
			obj = json_object_array_get_idx(obj, (size_t)i);
		} else if (!json_object_object_get_ex(obj, key, &obj)) {
			return NULL;
		}
		p = dot ? dot + 1 : NULL;
	}
	return obj;
}
