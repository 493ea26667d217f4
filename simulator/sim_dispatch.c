/* SPDX-License-Identifier: MIT
 * sim_dispatch.c - table lookup, the error map, and JSON helpers shared by
 * the two version files. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "common/gw_time.h"
#include "sim_dispatch.h"
#include "sim_frame.h"
#include "sim_pile.h"

/* Codes whose spelling differs by version carry both. */
struct err_row {
	int err;
	const char *v16;
	const char *v201;
};

static const struct err_row errors[] = {
	{ GW_ENOTIMPL, "NotImplemented", "NotImplemented" },
	{ GW_ENOTSUPP, "NotSupported", "NotSupported" },
	{ GW_EFORMAT, "FormationViolation", "FormatViolation" },
	{ GW_EPROTO, "ProtocolError", "ProtocolError" },
	{ GW_EOCCURRENCE, "OccurenceConstraintViolation", "OccurrenceConstraintViolation" },
	{ GW_ETYPE, "TypeConstraintViolation", "TypeConstraintViolation" },
	{ GW_ECONSTRAINT, "PropertyConstraintViolation", "PropertyConstraintViolation" },
	{ GW_ESECURITY, "SecurityError", "SecurityError" },
	{ GW_EINTERNAL, "InternalError", "InternalError" },
	{ GW_ENOMEM, "InternalError", "InternalError" },
};

const char *sim_error_code(int err, int version)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].err == err)
			return version == 201 ? errors[i].v201 : errors[i].v16;
	return "GenericError";
}

static int row_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct sim_action_row *)row)->action);
}

char *sim_dispatch(struct sim_pile *p, const struct sim_action_row *rows, size_t n,
		   const struct sim_frame *f, int version)
{
	const struct sim_action_row *row = bsearch(f->action, rows, n, sizeof(*rows), row_cmp);
	struct json_object *resp = NULL;
	char *out;
	int rc;

	if (!row) {
		gw_log(GW_LOG_INFO, "cp=%s action=%s: no ocppsim handler, answered NotImplemented",
		       p->identity, f->action);
		return sim_frame_error(f->id, sim_error_code(GW_ENOTIMPL, version), "");
	}
	rc = row->handler(p, f->payload, row->fixed, &resp);
	if (rc != GW_OK) {
		json_object_put(resp);
		return sim_frame_error(f->id, sim_error_code(rc, version), gw_strerror(rc));
	}
	out = sim_frame_result(f->id, resp);
	json_object_put(resp);
	return out;
}

int sim_reply_fixed(struct sim_pile *p, struct json_object *req, const char *fixed,
		    struct json_object **resp)
{
	(void)p;
	(void)req;
	*resp = json_tokener_parse(fixed ? fixed : "{}");
	return *resp ? GW_OK : GW_EINTERNAL;
}

void sim_json_add_time(struct json_object *o, const char *key, int64_t at_ms)
{
	char ts[GW_TIME_STRLEN];

	json_object_object_add(o, key, json_object_new_string(gw_time_format(at_ms, ts)));
}

int sim_reply_data_transfer(struct sim_pile *p, struct json_object *req, const char *fixed,
			    struct json_object **resp)
{
	const char *vendor = sim_json_str(req, "vendorId");

	(void)fixed;
	if (!vendor)
		return GW_EOCCURRENCE;
	*resp = sim_json_status(!strcmp(vendor, p->vendor) ? "Accepted" : "UnknownVendorId");
	return GW_OK;
}

const char *sim_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long sim_json_int(struct json_object *o, const char *key, long def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return def;
	return (long)json_object_get_int64(v);
}

struct json_object *sim_json_status(const char *status)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(status));
	return o;
}
