/* SPDX-License-Identifier: MIT
 *
 * test_error.c - the GW_E* -> CALLERROR map for every code and both
 * versions (PROTOCOL.md §1.2 spellings), the id-unreadable variant and the
 * reverse map for CALLERRORs a pile sends us.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "rpc/rpc.h"
#include "test_rpc.h"

#define GEN "GenericError"
#define INT "InternalError"

static const struct map_row {
	int err;
	const char *v16, *v201; /* NULL = send nothing */
} map_rows[] = {
	{GW_OK, GEN, GEN},
	{GW_ENOMEM, INT, INT},
	{GW_EINVAL, GEN, GEN},
	{GW_EFORMAT, "FormationViolation", "FormatViolation"},
	{GW_EPROTO, "ProtocolError", "ProtocolError"},
	{GW_EOCCURRENCE, "OccurenceConstraintViolation", "OccurrenceConstraintViolation"},
	{GW_ETYPE, "TypeConstraintViolation", "TypeConstraintViolation"},
	{GW_ECONSTRAINT, "PropertyConstraintViolation", "PropertyConstraintViolation"},
	{GW_ENOTIMPL, "NotImplemented", "NotImplemented"},
	{GW_ENOTSUPP, "NotSupported", "NotSupported"},
	{GW_ESECURITY, "SecurityError", "SecurityError"},
	{GW_EINTERNAL, INT, INT},
	{GW_ENOTFOUND, GEN, GEN},
	{GW_ECONFLICT, GEN, GEN},
	{GW_ESTORE, INT, INT},
	{GW_EDUP, "ProtocolError", "ProtocolError"},
	{GW_ETIMEOUT, GEN, GEN},
	{GW_EBUSY, GEN, GEN},
	{GW_ETOOBIG, GEN, GEN},
	{GW_EMSGTYPE, NULL, "MessageTypeNotSupported"},
	{GW_EAUTH, GEN, GEN},
	{GW_ECONFIG, GEN, GEN},
	{GW_EIO, GEN, GEN},
	{GW_EGENERIC, GEN, GEN},
	{GW_ECLOSED, GEN, GEN},
	{GW_ECALLERROR, GEN, GEN},
	{-26, GEN, GEN},
	{-1000, GEN, GEN},
	{5, GEN, GEN},
};

static int same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void test_error_map(void)
{
	for (size_t i = 0; i < sizeof(map_rows) / sizeof(map_rows[0]); i++) {
		const struct map_row *r = &map_rows[i];
		const char *c16 = rpc_error_code(OCPP_16, r->err);
		const char *c201 = rpc_error_code(OCPP_201, r->err);

		if (!same(c16, r->v16) || !same(c201, r->v201))
			fprintf(stderr, "\nerr %d: 1.6 %s 2.0.1 %s\n", r->err, c16 ? c16 : "(none)",
				c201 ? c201 : "(none)");
		CU_ASSERT(same(c16, r->v16));
		CU_ASSERT(same(c201, r->v201));
		/* without an unreadable id the frame variant is the same map */
		CU_ASSERT(same(rpc_error_code_frame(OCPP_16, r->err, NULL), r->v16));
		CU_ASSERT(same(rpc_error_code_frame(OCPP_201, r->err, NULL), r->v201));
	}
}

static void test_error_unknown_version(void)
{
	CU_ASSERT_STRING_EQUAL(rpc_error_code(OCPP_NONE, GW_EFORMAT), GEN);
	CU_ASSERT_STRING_EQUAL(rpc_error_code(OCPP_NONE, GW_EMSGTYPE), GEN);
	CU_ASSERT_STRING_EQUAL(rpc_error_code((enum ocpp_version)7, GW_EPROTO), GEN);
}

static void test_error_code_frame(void)
{
	struct rpc_frame f;

	memset(&f, 0, sizeof(f));
	f.id_unreadable = 1;
	CU_ASSERT_STRING_EQUAL(rpc_error_code_frame(OCPP_201, GW_EPROTO, &f), "RpcFrameworkError");
	CU_ASSERT_STRING_EQUAL(rpc_error_code_frame(OCPP_16, GW_EPROTO, &f), GEN);
	/* only the structure error changes: bad JSON keeps its own code */
	CU_ASSERT_STRING_EQUAL(rpc_error_code_frame(OCPP_201, GW_EFORMAT, &f), "FormatViolation");
	CU_ASSERT_STRING_EQUAL(rpc_error_code_frame(OCPP_16, GW_EFORMAT, &f), "FormationViolation");
	CU_ASSERT_STRING_EQUAL(rpc_error_code_frame(OCPP_201, GW_EMSGTYPE, &f),
			       "MessageTypeNotSupported");
	CU_ASSERT_PTR_NULL(rpc_error_code_frame(OCPP_16, GW_EMSGTYPE, &f));
	f.id_unreadable = 0;
	CU_ASSERT_STRING_EQUAL(rpc_error_code_frame(OCPP_201, GW_EPROTO, &f), "ProtocolError");
	CU_ASSERT_STRING_EQUAL(rpc_error_code_frame(OCPP_16, GW_EPROTO, &f), "ProtocolError");
}

static void test_error_from_code(void)
{
	static const struct {
		const char *code;
		int err;
	} rows[] = {
		{"FormationViolation", GW_EFORMAT},
		{"FormatViolation", GW_EFORMAT},
		{"ProtocolError", GW_EPROTO},
		{"RpcFrameworkError", GW_EPROTO},
		{"OccurenceConstraintViolation", GW_EOCCURRENCE},
		{"OccurrenceConstraintViolation", GW_EOCCURRENCE},
		{"TypeConstraintViolation", GW_ETYPE},
		{"PropertyConstraintViolation", GW_ECONSTRAINT},
		{"NotImplemented", GW_ENOTIMPL},
		{"NotSupported", GW_ENOTSUPP},
		{"SecurityError", GW_ESECURITY},
		{"InternalError", GW_EINTERNAL},
		{"MessageTypeNotSupported", GW_EMSGTYPE},
		{"GenericError", GW_EGENERIC},
		{"protocolerror", GW_EGENERIC}, /* exact spelling only */
		{"ProtocolError ", GW_EGENERIC},
		{"", GW_EGENERIC},
		{"Nonsense", GW_EGENERIC},
		{NULL, GW_EGENERIC},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_EQUAL(rpc_error_from_code(rows[i].code), rows[i].err);
}

/* Every code we send reads back as a code of the same wire meaning. */
static void test_error_round_trip(void)
{
	for (size_t i = 0; i < sizeof(map_rows) / sizeof(map_rows[0]); i++) {
		for (int v = OCPP_16; v <= OCPP_201; v++) {
			const char *c = rpc_error_code((enum ocpp_version)v, map_rows[i].err);

			if (c)
				CU_ASSERT_STRING_EQUAL(
					rpc_error_code((enum ocpp_version)v, rpc_error_from_code(c)), c);
		}
	}
}

int test_error_register(void)
{
	static CU_TestInfo tests[] = {
		{"every GW code, both versions", test_error_map},
		{"unknown version", test_error_unknown_version},
		{"unreadable id variant", test_error_code_frame},
		{"peer code -> GW code", test_error_from_code},
		{"round trip", test_error_round_trip},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("rpc_error", tests);
}
