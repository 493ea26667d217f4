/* SPDX-License-Identifier: MIT
 *
 * errors.c - the one map from GW_E* to the operator API's wire: HTTP status
 * and the error code word of {"error":{"code","message"}} (STYLE.md 4, the
 * twin of rpc_error_code()).  Handlers return precise internal codes and
 * never pick a status themselves.
 */
#include <string.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"

static const struct {
	int err;
	int status;
	const char *code;
} map[] = {
	{ GW_EFORMAT, 400, "bad_json" },         /* body is not JSON */
	{ GW_EINVAL, 400, "bad_request" },       /* a query or path field is malformed */
	{ GW_ETYPE, 400, "bad_field" },          /* a body field has the wrong type */
	{ GW_EOCCURRENCE, 400, "bad_field" },    /* a body field is missing */
	{ GW_EPROTO, 400, "bad_request" },
	{ GW_EAUTH, 401, "unauthorized" },       /* no / unknown bearer token */
	{ GW_ESECURITY, 403, "forbidden" },      /* token lacks the route's scope */
	{ GW_ENOTFOUND, 404, "not_found" },
	{ GW_ENOTSUPP, 405, "method_not_allowed" },
	{ GW_ECONFLICT, 409, "conflict" },       /* state forbids it; pile offline */
	{ GW_EDUP, 409, "conflict" },
	{ GW_ETOOBIG, 413, "too_large" },
	{ GW_ECONSTRAINT, 422, "unprocessable" }, /* schema / range / check symbol */
	{ GW_ENOTIMPL, 422, "unprocessable" },   /* action unknown to the pile's version */
	{ GW_EBUSY, 429, "busy" },               /* the pile's command queue is full */
	{ GW_ECALLERROR, 502, "pile_error" },    /* the pile answered with a CALLERROR */
	{ GW_ESTORE, 503, "store_unavailable" },
	{ GW_ECLOSED, 503, "pile_gone" },
	{ GW_ETIMEOUT, 504, "pile_timeout" },
};

int api_error_status(int err, const char **code)
{
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].err == err) {
			*code = map[i].code;
			return map[i].status;
		}
	*code = "internal";
	return 500;
}

void api_reply_json(struct http_req *r, int status, struct json_object *o)
{
	size_t len = 0;
	char *s = gw_json_dump(o, &len);

	if (!s) {
		http_reply(r, 500, NULL, "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}",
			   56, NULL);
		return;
	}
	http_reply(r, status, NULL, s, len, NULL);
	gw_free(s);
}

void api_reply_error(struct http_req *r, int err, const char *msg)
{
	struct json_object *o = json_object_new_object(), *e = json_object_new_object();
	const char *code;
	int status = api_error_status(err, &code);
	char *s;
	size_t len = 0;

	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(msg && *msg ? msg : gw_strerror(err)));
	json_object_object_add(o, "error", e);
	s = gw_json_dump(o, &len);
	json_object_put(o);
	if (!s) {
		http_reply(r, 500, NULL, "{}", 2, NULL);
		return;
	}
	http_reply(r, status, NULL, s, len,
		   status == 401 ? "WWW-Authenticate: Bearer realm=\"ocppgw\"" : NULL);
	gw_free(s);
}
