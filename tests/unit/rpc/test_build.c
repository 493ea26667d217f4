/* SPDX-License-Identifier: MIT
 *
 * test_build.c - rpc_build_*: exact bytes, payload ownership, argument
 * checks, and the UTF-8-safe cut of errorDescription.
 */
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "rpc/rpc.h"
#include "test_rpc.h"

static json_object *obj(const char *text)
{
	json_object *o = NULL;

	CU_ASSERT_EQUAL_FATAL(gw_json_parse(text, strlen(text), 16, &o), GW_OK);
	return o;
}

/* out must equal want byte for byte, len included; frees out. */
static void expect(int rc, char *out, size_t len, const char *want)
{
	CU_ASSERT_EQUAL(rc, GW_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, want);
	CU_ASSERT_EQUAL(len, strlen(want));
	gw_free(out);
}

/* Run a builder into fresh out/len and compare. */
#define EXPECT(want, fn, ...)                                   \
	do {                                                    \
		char *out_ = NULL;                              \
		size_t len_ = 0;                                \
		int rc_ = fn(__VA_ARGS__, &out_, &len_);        \
		expect(rc_, out_, len_, want);                  \
	} while (0)

static void test_build_result(void)
{
	json_object *p = obj("{\"status\":\"Accepted\",\"interval\":300}");

	EXPECT("[3,\"19223201\",{\"status\":\"Accepted\",\"interval\":300}]",
	       rpc_build_result, "19223201", p);
	EXPECT("[3,\"a\",{}]", rpc_build_result, "a", NULL);
	/* the payload was borrowed: our single reference frees it */
	CU_ASSERT_EQUAL(json_object_put(p), 1);
}

static void test_build_call(void)
{
	json_object *p = obj("{\"type\":\"Soft\"}");

	EXPECT("[2,\"b1\",\"Reset\",{\"type\":\"Soft\"}]", rpc_build_call, "b1", "Reset", p);
	EXPECT("[2,\"b2\",\"Heartbeat\",{}]", rpc_build_call, "b2", "Heartbeat", NULL);
	CU_ASSERT_EQUAL(json_object_put(p), 1);
}

/* Ids and strings are escaped by json-c; '/' stays as is. */
static void test_build_escaping(void)
{
	EXPECT("[3,\"a\\\"b\\\\c/d\",{}]", rpc_build_result, "a\"b\\c/d", NULL);
	EXPECT("[4,\"x\",\"ProtocolError\",\"tab\\there \\\"q\\\"\",{}]",
	       rpc_build_error, OCPP_201, "x", GW_EPROTO, "tab\there \"q\"");
}

static void test_build_bad_args(void)
{
	char *out = (char *)1;
	size_t len = 7;
	const char *id37 = "0123456789012345678901234567890123456";

	CU_ASSERT_EQUAL(rpc_build_result(NULL, NULL, &out, &len), GW_EINVAL);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(rpc_build_result("", NULL, &out, &len), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_build_result(id37, NULL, &out, &len), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_build_call("a", NULL, NULL, &out, &len), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_build_call("a", "", NULL, &out, &len), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_build_call(id37, "Reset", NULL, &out, &len), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_build_error(OCPP_16, "", GW_EPROTO, "", &out, &len), GW_EINVAL);
	CU_ASSERT_PTR_NULL(out);
}

static void test_build_error(void)
{
	EXPECT("[4,\"m1\",\"FormationViolation\",\"bad JSON\",{}]",
	       rpc_build_error, OCPP_16, "m1", GW_EFORMAT, "bad JSON");
	EXPECT("[4,\"m1\",\"FormatViolation\",\"bad JSON\",{}]",
	       rpc_build_error, OCPP_201, "m1", GW_EFORMAT, "bad JSON");
	EXPECT("[4,\"m2\",\"NotImplemented\",\"\",{}]",
	       rpc_build_error, OCPP_16, "m2", GW_ENOTIMPL, NULL);
	EXPECT("[4,\"-1\",\"MessageTypeNotSupported\",\"\",{}]",
	       rpc_build_error, OCPP_201, "-1", GW_EMSGTYPE, "");
	EXPECT("[4,\"m3\",\"OccurenceConstraintViolation\",\"idTag missing\",{}]",
	       rpc_build_error, OCPP_16, "m3", GW_EOCCURRENCE, "idTag missing");
}

/* 1.6 answers an unknown message type with silence: GW_OK, nothing built. */
static void test_build_error_silence(void)
{
	char *out = (char *)1;
	size_t len = 9;

	CU_ASSERT_EQUAL(rpc_build_error(OCPP_16, "m", GW_EMSGTYPE, "x", &out, &len), GW_OK);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(len, 0);
}

/* Parse a broken frame and answer it as the dispatcher will. */
static void answer(enum ocpp_version v, const char *in, int want_rc, const char *want)
{
	struct rpc_frame f;
	char *out;
	size_t len;
	int rc = rpc_frame_parse(v, in, strlen(in), &f);

	CU_ASSERT_EQUAL(rc, want_rc);
	rc = rpc_build_error_frame(v, &f, rc, "d", &out, &len);
	if (want) {
		expect(rc, out, len, want);
	} else {
		CU_ASSERT_EQUAL(rc, GW_OK);
		CU_ASSERT_PTR_NULL(out);
	}
	rpc_frame_release(&f);
}

static void test_build_error_frame(void)
{
	answer(OCPP_201, "{}", GW_EPROTO, "[4,\"-1\",\"RpcFrameworkError\",\"d\",{}]");
	answer(OCPP_16, "{}", GW_EPROTO, "[4,\"-1\",\"GenericError\",\"d\",{}]");
	answer(OCPP_201, "[2,\"0123456789012345678901234567890123456\",\"Heartbeat\",{}]", GW_EPROTO,
	       "[4,\"-1\",\"RpcFrameworkError\",\"d\",{}]");
	answer(OCPP_201, "[2,\"a\",\"Heartbeat\",[]]", GW_EPROTO,
	       "[4,\"a\",\"ProtocolError\",\"d\",{}]");
	answer(OCPP_16, "[2,\"a\",\"Heartbeat\",[]]", GW_EPROTO,
	       "[4,\"a\",\"ProtocolError\",\"d\",{}]");
	answer(OCPP_201, "[2,\"a\",\"Heart", GW_EFORMAT, "[4,\"-1\",\"FormatViolation\",\"d\",{}]");
	answer(OCPP_16, "[2,\"a\",\"Heart", GW_EFORMAT, "[4,\"-1\",\"FormationViolation\",\"d\",{}]");
	answer(OCPP_201, "[9,\"a\",{}]", GW_EMSGTYPE, "[4,\"a\",\"MessageTypeNotSupported\",\"d\",{}]");
	answer(OCPP_201, "[9]", GW_EMSGTYPE, "[4,\"-1\",\"MessageTypeNotSupported\",\"d\",{}]");
	answer(OCPP_16, "[9,\"a\",{}]", GW_EMSGTYPE, NULL);
}

/* Build an error with desc and return the description read back. */
static size_t cut_len(const char *desc)
{
	struct rpc_frame f;
	char *out;
	size_t len, n = 0;

	CU_ASSERT_EQUAL_FATAL(rpc_build_error(OCPP_201, "t", GW_EINTERNAL, desc, &out, &len), GW_OK);
	/* rpc_frame_parse goes through gw_json_parse, which rejects any
	 * broken UTF-8: a bad cut fails here */
	CU_ASSERT_EQUAL(rpc_frame_parse(OCPP_201, out, len, &f), GW_OK);
	if (f.err_desc) {
		n = strlen(f.err_desc);
		CU_ASSERT(strncmp(f.err_desc, desc, n) == 0);
	}
	rpc_frame_release(&f);
	gw_free(out);
	return n;
}

static char *repeat(const char *unit, size_t times)
{
	size_t u = strlen(unit);
	char *s = gw_malloc(u * times + 1);

	for (size_t i = 0; i < times; i++)
		memcpy(s + i * u, unit, u);
	s[u * times] = '\0';
	return s;
}

static void test_build_desc_cut(void)
{
	static const struct {
		const char *prefix, *unit;
		size_t times, want;
	} cases[] = {
		{"", "a", 255, 255},             /* at the ceiling: untouched */
		{"", "a", 256, 255},             /* one over */
		{"", "a", 300, 255},
		{"", "\xc3\xa9", 200, 254},      /* é, 2 bytes: 127 chars */
		{"", "\xe2\x82\xac", 85, 255},   /* €, 3 bytes: exactly 255 */
		{"", "\xe2\x82\xac", 100, 255},
		{"a", "\xe2\x82\xac", 100, 253}, /* 1 + 84 x 3 */
		{"ab", "\xe2\x82\xac", 100, 254},/* 2 + 84 x 3 */
		{"", "\xf0\x9f\x98\x80", 70, 252}, /* 😀, 4 bytes: 63 chars */
		{"abc", "\xf0\x9f\x98\x80", 70, 255},
		{"a", "\xf0\x9f\x98\x80", 70, 253},
		{"", "", 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *body = repeat(cases[i].unit, cases[i].times);
		char *desc = gw_malloc(strlen(cases[i].prefix) + strlen(body) + 1);

		strcpy(desc, cases[i].prefix);
		strcat(desc, body);
		CU_ASSERT_EQUAL(cut_len(desc), cases[i].want);
		gw_free(desc);
		gw_free(body);
	}
}

/* What we build parses back to the same fields. */
static void test_build_round_trip(void)
{
	json_object *p = obj("{\"connectorId\":1,\"idTag\":\"ABC\"}");
	struct rpc_frame f;
	char *out;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(rpc_build_call("rt-1", "RemoteStartTransaction", p, &out, &len), GW_OK);
	CU_ASSERT_EQUAL_FATAL(rpc_frame_parse(OCPP_16, out, len, &f), GW_OK);
	CU_ASSERT_EQUAL(f.type, RPC_CALL);
	CU_ASSERT_STRING_EQUAL(f.id, "rt-1");
	CU_ASSERT_STRING_EQUAL(f.action, "RemoteStartTransaction");
	CU_ASSERT(json_object_equal(f.payload, p));
	rpc_frame_release(&f);
	gw_free(out);
	json_object_put(p);
}

int test_build_register(void)
{
	static CU_TestInfo tests[] = {
		{"CALLRESULT bytes, payload borrowed", test_build_result},
		{"CALL bytes, payload borrowed", test_build_call},
		{"escaping", test_build_escaping},
		{"bad arguments", test_build_bad_args},
		{"CALLERROR bytes per version", test_build_error},
		{"1.6 unknown type: silence", test_build_error_silence},
		{"answers to refused frames", test_build_error_frame},
		{"description cut at UTF-8 boundary", test_build_desc_cut},
		{"round trip", test_build_round_trip},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("rpc_build", tests);
}
