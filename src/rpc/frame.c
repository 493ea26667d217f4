/* SPDX-License-Identifier: MIT
 *
 * frame.c - parse one OCPP-J message into a struct rpc_frame.
 *
 * First step after transport has reassembled a message.  Order of checks,
 * which decides the code a broken frame gets (PROTOCOL.md §1.2):
 *   JSON syntax (GW_EFORMAT) -> top-level array (GW_EPROTO) -> id readable?
 *   -> message type integer (GW_EPROTO) and known (GW_EMSGTYPE, id kept)
 *   -> id usable (GW_EPROTO, "-1") -> element count and types (GW_EPROTO).
 * Invariant: f->id is always a NUL-terminated string we may echo.
 */
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "rpc/rpc.h"

/* Elements per message type, index = type. */
static const size_t frame_len[] = {
	[RPC_CALL] = 4,
	[RPC_CALLRESULT] = 3,
	[RPC_CALLERROR] = 5,
};

static void frame_clear(struct rpc_frame *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->id, RPC_ID_UNREADABLE, sizeof(RPC_ID_UNREADABLE));
	f->id_unreadable = 1;
}

/* A JSON string of 1..max bytes without NUL, or NULL. */
static const char *get_str(json_object *o, size_t max)
{
	int len;

	if (!json_object_is_type(o, json_type_string))
		return NULL;
	len = json_object_get_string_len(o);
	if (len < 1 || (size_t)len > max)
		return NULL;
	if (memchr(json_object_get_string(o), '\0', (size_t)len))
		return NULL; /* "\u0000" inside: the C string would lie */
	return json_object_get_string(o);
}

/* Copy element 1 into f->id if it is an id we can echo. */
static void read_id(json_object *root, struct rpc_frame *f)
{
	const char *id;

	if (json_object_array_length(root) < 2)
		return;
	id = get_str(json_object_array_get_idx(root, 1), RPC_ID_MAX);
	if (!id)
		return; /* missing, not a string, empty, > 36: cannot be echoed */
	strcpy(f->id, id);
	f->id_unreadable = 0;
}

/* GW_OK with f->type set, GW_EPROTO, or GW_EMSGTYPE. */
static int read_type(json_object *root, struct rpc_frame *f)
{
	json_object *t = json_object_array_get_idx(root, 0);
	int64_t n;

	/* json_type_int only: "2", 2.0 and true are not message types */
	if (!json_object_is_type(t, json_type_int))
		return GW_EPROTO;
	n = json_object_get_int64(t); /* saturates; any saturated value is unknown */
	if (n < RPC_CALL || n > RPC_CALLERROR) {
		f->type = n < 0 || n > 9999 ? 0 : (int)n;
		return GW_EMSGTYPE;
	}
	f->type = (int)n;
	return GW_OK;
}

/* Element idx must be an object.  1.6 reads null as {} (it prefers {} but
 * piles send null, e.g. Heartbeat); 2.0.1 forbids null.  The {} replaces the
 * null inside the tree, so it stays borrowed like every other field. */
static int get_obj(enum ocpp_version v, json_object *root, size_t idx, json_object **out)
{
	json_object *o = json_object_array_get_idx(root, idx);

	if (!o && v == OCPP_16) {
		o = json_object_new_object();
		if (!o)
			return GW_ENOMEM;
		if (json_object_array_put_idx(root, idx, o) != 0) {
			json_object_put(o);
			return GW_ENOMEM;
		}
	}
	if (!json_object_is_type(o, json_type_object))
		return GW_EPROTO;
	*out = o;
	return GW_OK;
}

/* Fill the type-specific fields.  GW_OK, GW_EPROTO or GW_ENOMEM. */
static int read_body(enum ocpp_version v, json_object *root, struct rpc_frame *f)
{
	json_object *desc;

	if (json_object_array_length(root) != frame_len[f->type])
		return GW_EPROTO;
	switch (f->type) {
	case RPC_CALL:
		f->action = get_str(json_object_array_get_idx(root, 2), SIZE_MAX);
		if (!f->action)
			return GW_EPROTO;
		return get_obj(v, root, 3, &f->payload);
	case RPC_CALLRESULT:
		return get_obj(v, root, 2, &f->payload);
	default: /* RPC_CALLERROR */
		f->err_code = get_str(json_object_array_get_idx(root, 2), SIZE_MAX);
		desc = json_object_array_get_idx(root, 3);
		if (!f->err_code || !json_object_is_type(desc, json_type_string))
			return GW_EPROTO;
		f->err_desc = json_object_get_string(desc); /* "" allowed */
		return get_obj(v, root, 4, &f->err_details);
	}
}

int rpc_frame_parse(enum ocpp_version v, const char *buf, size_t len, struct rpc_frame *f)
{
	json_object *root = NULL;
	int rc;

	frame_clear(f);
	rc = gw_json_parse(buf, len, GW_JSON_DEPTH, &root);
	if (rc != GW_OK)
		goto out; /* GW_EFORMAT, GW_ENOMEM, ..., id "-1" */
	rc = GW_EPROTO;
	if (!json_object_is_type(root, json_type_array) || json_object_array_length(root) < 1)
		goto out;
	read_id(root, f);
	rc = read_type(root, f);
	if (rc != GW_OK)
		goto out;
	rc = GW_EPROTO;
	if (f->id_unreadable)
		goto out;
	rc = read_body(v, root, f);
out:
	if (rc == GW_OK) {
		f->root = root;
	} else {
		json_object_put(root);
		f->action = f->err_code = f->err_desc = NULL;
		f->payload = f->err_details = NULL;
	}
	return rc;
}

void rpc_frame_release(struct rpc_frame *f)
{
	if (!f)
		return;
	json_object_put(f->root);
	frame_clear(f);
}
