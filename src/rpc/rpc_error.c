/* SPDX-License-Identifier: MIT
 *
 * rpc_error.c - the one map between GW_E* and OCPP-J CALLERROR codes.
 *
 * Spellings per version follow PROTOCOL.md §1.2 exactly, including 1.6's
 * "FormationViolation" and "OccurenceConstraintViolation" (one r, kept by the
 * errata).  Choices the spec leaves open:
 *  - GW_EDUP (a CALL id already being handled) -> "ProtocolError" in both
 *    versions.  §1.2 lists it among "corrupt message" causes without a code;
 *    the JSON and the payload are fine, so "FormationViolation" (payload
 *    syntax) would mislead.  Note the dispatcher may rather drop the
 *    duplicate: the pending reply answers that id anyway.
 *  - GW_EMSGTYPE: 1.6 "SHALL ignore" -> NULL (send nothing); 2.0.1 §4.4
 *    "MessageTypeNotSupported" (preferred over §4.1.3's ignore).
 *  - an unusable id: 2.0.1 "RpcFrameworkError"; 1.6 has no code and gets
 *    "GenericError", both with id "-1".
 */
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "rpc/rpc.h"

#define V16 0
#define V201 1

/* Index = -gw_err; a NULL row means GenericError. */
static const char *const err_codes[][2] = {
	[-GW_EFORMAT] = {"FormationViolation", "FormatViolation"},
	[-GW_EPROTO] = {"ProtocolError", "ProtocolError"},
	[-GW_EOCCURRENCE] = {"OccurenceConstraintViolation", "OccurrenceConstraintViolation"},
	[-GW_ETYPE] = {"TypeConstraintViolation", "TypeConstraintViolation"},
	[-GW_ECONSTRAINT] = {"PropertyConstraintViolation", "PropertyConstraintViolation"},
	[-GW_ENOTIMPL] = {"NotImplemented", "NotImplemented"},
	[-GW_ENOTSUPP] = {"NotSupported", "NotSupported"},
	[-GW_ESECURITY] = {"SecurityError", "SecurityError"},
	[-GW_EINTERNAL] = {"InternalError", "InternalError"},
	[-GW_ESTORE] = {"InternalError", "InternalError"},
	[-GW_ENOMEM] = {"InternalError", "InternalError"},
	[-GW_EDUP] = {"ProtocolError", "ProtocolError"},
	[-GW_EMSGTYPE] = {NULL, "MessageTypeNotSupported"}, /* 1.6: silence */
};

#define GENERIC "GenericError"
#define N_ERR_CODES (sizeof(err_codes) / sizeof(err_codes[0]))

static int column(enum ocpp_version v)
{
	return v == OCPP_16 ? V16 : v == OCPP_201 ? V201 : -1;
}

const char *rpc_error_code(enum ocpp_version v, int gw_err)
{
	int col = column(v);
	unsigned idx = gw_err < 0 ? (unsigned)-gw_err : 0;

	if (col < 0)
		return GENERIC;
	if (gw_err == GW_EMSGTYPE)
		return err_codes[idx][col]; /* NULL for 1.6 is meaningful */
	if (idx == 0 || idx >= N_ERR_CODES || !err_codes[idx][col])
		return GENERIC;
	return err_codes[idx][col];
}

const char *rpc_error_code_frame(enum ocpp_version v, int gw_err, const struct rpc_frame *f)
{
	static const char *const unreadable[2] = {GENERIC, "RpcFrameworkError"};
	int col = column(v);

	if (gw_err == GW_EPROTO && f && f->id_unreadable && col >= 0)
		return unreadable[col];
	return rpc_error_code(v, gw_err);
}

/* Both versions' spellings, sorted by strcmp for bsearch. */
static const struct code_row {
	const char *code;
	int err;
} code_rows[] = {
	{"FormatViolation", GW_EFORMAT},
	{"FormationViolation", GW_EFORMAT},
	{"GenericError", GW_EGENERIC},
	{"InternalError", GW_EINTERNAL},
	{"MessageTypeNotSupported", GW_EMSGTYPE},
	{"NotImplemented", GW_ENOTIMPL},
	{"NotSupported", GW_ENOTSUPP},
	{"OccurenceConstraintViolation", GW_EOCCURRENCE},
	{"OccurrenceConstraintViolation", GW_EOCCURRENCE},
	{"PropertyConstraintViolation", GW_ECONSTRAINT},
	{"ProtocolError", GW_EPROTO},
	{"RpcFrameworkError", GW_EPROTO},
	{"SecurityError", GW_ESECURITY},
	{"TypeConstraintViolation", GW_ETYPE},
};

static int code_cmp(const void *key, const void *row)
{
	return strcmp(key, ((const struct code_row *)row)->code);
}

int rpc_error_from_code(const char *code)
{
	const struct code_row *r;

	if (!code)
		return GW_EGENERIC;
	r = bsearch(code, code_rows, sizeof(code_rows) / sizeof(code_rows[0]), sizeof(code_rows[0]),
		    code_cmp);
	return r ? r->err : GW_EGENERIC;
}
