/* SPDX-License-Identifier: MIT
 *
 * build.c - serialize CALL, CALLRESULT and CALLERROR frames.
 *
 * Last step before transport queues a reply or a server CALL.  The frame is
 * assembled as a json-c array and dumped once by gw_json_dump, so ids and
 * strings are escaped by the same code that parses them.  Payloads are only
 * borrowed: a reference is taken for the array and given back with it.
 */
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "rpc/rpc.h"

static int id_ok(const char *id)
{
	return id && id[0] && strlen(id) <= RPC_ID_MAX;
}

/* Bytes of s to keep so that it is at most max bytes and does not end in
 * the middle of a UTF-8 sequence (a sequence is at most 4 bytes). */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	int back;

	if (n <= max)
		return n;
	n = max;
	/* s[n] is the first byte dropped: if it continues a sequence, drop the
	 * sequence's lead and the continuation bytes before it too */
	for (back = 0; back < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; back++)
		n--;
	if (((unsigned char)s[n] & 0xC0) == 0x80)
		n = max; /* not UTF-8 anyway: a plain byte cut */
	return n;
}

/* Append to arr, taking o (NULL = allocation failed).  0 or GW_ENOMEM. */
static int add(json_object *arr, json_object *o)
{
	if (!o)
		return GW_ENOMEM;
	if (json_object_array_add(arr, o) != 0) {
		json_object_put(o);
		return GW_ENOMEM;
	}
	return GW_OK;
}

/* Borrowed payload as a new reference, or a fresh {} for NULL. */
static json_object *payload_ref(json_object *payload)
{
	return payload ? json_object_get(payload) : json_object_new_object();
}

/* Start [type,id]. */
static json_object *frame_start(int type, const char *id, int *rc)
{
	json_object *arr = json_object_new_array();

	*rc = GW_ENOMEM;
	if (!arr)
		return NULL;
	*rc = add(arr, json_object_new_int(type));
	if (*rc == GW_OK)
		*rc = add(arr, json_object_new_string(id));
	return arr;
}

/* Dump arr into *out and put it.  rc is the assembly result so far. */
static int frame_finish(json_object *arr, int rc, char **out, size_t *len)
{
	if (rc == GW_OK) {
		*out = gw_json_dump(arr, len);
		if (!*out)
			rc = GW_ENOMEM;
	}
	json_object_put(arr);
	return rc;
}

int rpc_build_result(const char *id, json_object *payload, char **out, size_t *len)
{
	json_object *arr;
	int rc;

	*out = NULL;
	*len = 0;
	if (!id_ok(id))
		return GW_EINVAL;
	arr = frame_start(RPC_CALLRESULT, id, &rc);
	if (rc == GW_OK)
		rc = add(arr, payload_ref(payload));
	return frame_finish(arr, rc, out, len);
}

int rpc_build_call(const char *id, const char *action, json_object *payload, char **out,
		   size_t *len)
{
	json_object *arr;
	int rc;

	*out = NULL;
	*len = 0;
	if (!id_ok(id) || !action || !action[0])
		return GW_EINVAL;
	arr = frame_start(RPC_CALL, id, &rc);
	if (rc == GW_OK)
		rc = add(arr, json_object_new_string(action));
	if (rc == GW_OK)
		rc = add(arr, payload_ref(payload));
	return frame_finish(arr, rc, out, len);
}

/* [4,id,code,desc,{}] */
static int build_error_code(const char *id, const char *code, const char *desc, char **out,
			    size_t *len)
{
	json_object *arr;
	int rc;

	*out = NULL;
	*len = 0;
	if (!code)
		return GW_OK; /* this version answers with silence */
	if (!id_ok(id))
		return GW_EINVAL;
	if (!desc)
		desc = "";
	arr = frame_start(RPC_CALLERROR, id, &rc);
	if (rc == GW_OK)
		rc = add(arr, json_object_new_string(code));
	if (rc == GW_OK)
		rc = add(arr, json_object_new_string_len(desc, (int)utf8_cut(desc, RPC_DESC_MAX)));
	if (rc == GW_OK)
		rc = add(arr, json_object_new_object());
	return frame_finish(arr, rc, out, len);
}

int rpc_build_error(enum ocpp_version v, const char *id, int gw_err, const char *desc, char **out,
		    size_t *len)
{
	return build_error_code(id, rpc_error_code(v, gw_err), desc, out, len);
}

int rpc_build_error_frame(enum ocpp_version v, const struct rpc_frame *f, int gw_err,
			  const char *desc, char **out, size_t *len)
{
	return build_error_code(f->id, rpc_error_code_frame(v, gw_err, f), desc, out, len);
}
