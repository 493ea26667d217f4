/* SPDX-License-Identifier: MIT
 *
 * test_frame.c - rpc_frame_parse: every malformed frame kind with its GW
 * code, the id it reports ("-1" when none is usable) and the message type;
 * well-formed frames with their borrowed fields.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "rpc/rpc.h"
#include "test_rpc.h"

#define BOTH 0 /* run the row for 1.6 and 2.0.1 */

struct parse_row {
	int v;             /* BOTH, OCPP_16 or OCPP_201 */
	const char *in;
	int rc;
	const char *id;
	int unreadable;
	int type;
};

#define ID37 "0123456789012345678901234567890123456"
#define ID36 "012345678901234567890123456789012345"

static const struct parse_row rows[] = {
	/* not strict JSON: GW_EFORMAT, id "-1" */
	{BOTH, "", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\",\"Heartbeat\",{}", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\",\"Heartbeat\",{}]x", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\",\"Heartbeat\",{}][3,\"b\",{}]", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,'a',\"Heartbeat\",{}]", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\",\"Heartbeat\",{},]", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\",\"Heartbeat\",{}] /*c*/", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\xff\",\"Heartbeat\",{}]", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\",\"Heartbeat\",{\"x\":NaN}]", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\\u0000b\",\"Heartbeat\",{}]", GW_EFORMAT, "-1", 1, 0},
	{BOTH, "[2,\"a\",\"X\",{\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}]", GW_EFORMAT, "-1", 1, 0},
	/* JSON but not an array: GW_EPROTO, id "-1" */
	{BOTH, "{}", GW_EPROTO, "-1", 1, 0},
	{BOTH, "{\"id\":\"a\"}", GW_EPROTO, "-1", 1, 0},
	{BOTH, "\"[2,\\\"a\\\",\\\"Heartbeat\\\",{}]\"", GW_EPROTO, "-1", 1, 0},
	{BOTH, "2", GW_EPROTO, "-1", 1, 0},
	{BOTH, "null", GW_EPROTO, "-1", 1, 0},
	{BOTH, "[]", GW_EPROTO, "-1", 1, 0},
	/* known type, id missing or unusable: GW_EPROTO, id "-1" */
	{BOTH, "[2]", GW_EPROTO, "-1", 1, 2},
	{BOTH, "[3]", GW_EPROTO, "-1", 1, 3},
	{BOTH, "[2,17,\"Heartbeat\",{}]", GW_EPROTO, "-1", 1, 2},
	{BOTH, "[2,null,\"Heartbeat\",{}]", GW_EPROTO, "-1", 1, 2},
	{BOTH, "[2,\"\",\"Heartbeat\",{}]", GW_EPROTO, "-1", 1, 2},
	{BOTH, "[3,{\"a\":1},{}]", GW_EPROTO, "-1", 1, 3},
	{BOTH, "[4,[\"a\"],\"GenericError\",\"\",{}]", GW_EPROTO, "-1", 1, 4},
	{BOTH, "[2,\"" ID37 "\",\"Heartbeat\",{}]", GW_EPROTO, "-1", 1, 2},
	/* message type not an integer: GW_EPROTO, id kept */
	{BOTH, "[\"2\",\"a\",\"Heartbeat\",{}]", GW_EPROTO, "a", 0, 0},
	{BOTH, "[2.0,\"a\",\"Heartbeat\",{}]", GW_EPROTO, "a", 0, 0},
	{BOTH, "[true,\"a\",\"Heartbeat\",{}]", GW_EPROTO, "a", 0, 0},
	{BOTH, "[null,\"a\",\"Heartbeat\",{}]", GW_EPROTO, "a", 0, 0},
	{BOTH, "[{},\"a\"]", GW_EPROTO, "a", 0, 0},
	/* unknown message type number: GW_EMSGTYPE, id kept if readable */
	{BOTH, "[5,\"a\",\"Heartbeat\",{}]", GW_EMSGTYPE, "a", 0, 5},
	{BOTH, "[1,\"m1\"]", GW_EMSGTYPE, "m1", 0, 1},
	{BOTH, "[0,\"m0\",{}]", GW_EMSGTYPE, "m0", 0, 0},
	{BOTH, "[-2,\"a\",\"Heartbeat\",{}]", GW_EMSGTYPE, "a", 0, 0},
	{BOTH, "[99999999999,\"a\",{}]", GW_EMSGTYPE, "a", 0, 0},
	{BOTH, "[6,17]", GW_EMSGTYPE, "-1", 1, 6},
	{BOTH, "[7]", GW_EMSGTYPE, "-1", 1, 7},
	/* wrong element count, readable id: GW_EPROTO */
	{BOTH, "[2,\"a\"]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[2,\"a\",\"Heartbeat\"]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[2,\"a\",\"Heartbeat\",{},{}]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[3,\"a\"]", GW_EPROTO, "a", 0, 3},
	{BOTH, "[3,\"a\",{},1]", GW_EPROTO, "a", 0, 3},
	{BOTH, "[4,\"a\",\"GenericError\",\"d\"]", GW_EPROTO, "a", 0, 4},
	{BOTH, "[4,\"a\",\"GenericError\",\"d\",{},1]", GW_EPROTO, "a", 0, 4},
	/* wrong element types, readable id: GW_EPROTO */
	{BOTH, "[2,\"a\",7,{}]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[2,\"a\",\"\",{}]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[2,\"a\",null,{}]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[2,\"a\",\"Heartbeat\",[]]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[2,\"a\",\"Heartbeat\",\"{}\"]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[2,\"a\",\"Heartbeat\",0]", GW_EPROTO, "a", 0, 2},
	{BOTH, "[3,\"a\",[]]", GW_EPROTO, "a", 0, 3},
	{BOTH, "[3,\"a\",true]", GW_EPROTO, "a", 0, 3},
	{BOTH, "[4,\"a\",5,\"d\",{}]", GW_EPROTO, "a", 0, 4},
	{BOTH, "[4,\"a\",\"\",\"d\",{}]", GW_EPROTO, "a", 0, 4},
	{BOTH, "[4,\"a\",\"GenericError\",null,{}]", GW_EPROTO, "a", 0, 4},
	{BOTH, "[4,\"a\",\"GenericError\",\"d\",[]]", GW_EPROTO, "a", 0, 4},
	/* null payload: {} for 1.6 only */
	{OCPP_16, "[2,\"a\",\"Heartbeat\",null]", GW_OK, "a", 0, 2},
	{OCPP_201, "[2,\"a\",\"Heartbeat\",null]", GW_EPROTO, "a", 0, 2},
	{OCPP_16, "[3,\"a\",null]", GW_OK, "a", 0, 3},
	{OCPP_201, "[3,\"a\",null]", GW_EPROTO, "a", 0, 3},
	{OCPP_16, "[4,\"a\",\"GenericError\",\"\",null]", GW_OK, "a", 0, 4},
	{OCPP_201, "[4,\"a\",\"GenericError\",\"\",null]", GW_EPROTO, "a", 0, 4},
	/* well-formed */
	{BOTH, "[2,\"a\",\"Heartbeat\",{}]", GW_OK, "a", 0, 2},
	{BOTH, " [ 2 , \"a\" , \"Heartbeat\" , { } ]\r\n", GW_OK, "a", 0, 2},
	{BOTH, "[2,\"" ID36 "\",\"Heartbeat\",{}]", GW_OK, ID36, 0, 2},
	{BOTH, "[2,\"a\\\"b/c\",\"Heartbeat\",{}]", GW_OK, "a\"b/c", 0, 2},
	{BOTH, "[3,\"a\",{\"currentTime\":\"2026-11-25T18:00:00Z\"}]", GW_OK, "a", 0, 3},
	{BOTH, "[4,\"a\",\"NotSupported\",\"\",{}]", GW_OK, "a", 0, 4},
};

static void check_row(size_t i, enum ocpp_version v, const struct parse_row *r)
{
	struct rpc_frame f;
	int rc = rpc_frame_parse(v, r->in, strlen(r->in), &f);
	int ok = rc == r->rc && strcmp(f.id, r->id) == 0 && f.id_unreadable == r->unreadable &&
		 f.type == r->type;

	if (rc != GW_OK)
		ok = ok && !f.root && !f.payload && !f.action && !f.err_code && !f.err_details;
	else if (r->type == RPC_CALLERROR)
		ok = ok && f.err_code && f.err_desc && json_object_is_type(f.err_details, json_type_object);
	else
		ok = ok && json_object_is_type(f.payload, json_type_object) &&
		     (r->type != RPC_CALL || f.action);
	if (!ok)
		fprintf(stderr, "\nrow %zu v=%d in=%s: rc=%d id=%s unreadable=%d type=%d\n", i, v,
			r->in, rc, f.id, f.id_unreadable, f.type);
	CU_ASSERT(ok);
	rpc_frame_release(&f);
}

static void test_parse_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].v == BOTH || rows[i].v == OCPP_16)
			check_row(i, OCPP_16, &rows[i]);
		if (rows[i].v == BOTH || rows[i].v == OCPP_201)
			check_row(i, OCPP_201, &rows[i]);
	}
}

static void test_parse_call_fields(void)
{
	const char *in = "[2,\"19223201\",\"BootNotification\",{\"chargePointVendor\":\"VendorX\","
			 "\"chargePointModel\":\"SingleSocketCharger\"}]";
	struct rpc_frame f;
	json_object *vendor = NULL;

	CU_ASSERT_EQUAL_FATAL(rpc_frame_parse(OCPP_16, in, strlen(in), &f), GW_OK);
	CU_ASSERT_EQUAL(f.type, RPC_CALL);
	CU_ASSERT_STRING_EQUAL(f.id, "19223201");
	CU_ASSERT_STRING_EQUAL(f.action, "BootNotification");
	CU_ASSERT(json_object_object_get_ex(f.payload, "chargePointVendor", &vendor));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(vendor), "VendorX");
	CU_ASSERT_PTR_NULL(f.err_code);
	CU_ASSERT_PTR_NOT_NULL(f.root);
	rpc_frame_release(&f);
	CU_ASSERT_PTR_NULL(f.root);
	CU_ASSERT_PTR_NULL(f.payload);
	rpc_frame_release(&f); /* twice is harmless */
	rpc_frame_release(NULL);
}

static void test_parse_error_fields(void)
{
	const char *in = "[4,\"162376037\",\"NotSupported\",\"SetDisplayMessageRequest not "
			 "implemented\",{\"hint\":1}]";
	struct rpc_frame f;

	CU_ASSERT_EQUAL_FATAL(rpc_frame_parse(OCPP_201, in, strlen(in), &f), GW_OK);
	CU_ASSERT_EQUAL(f.type, RPC_CALLERROR);
	CU_ASSERT_STRING_EQUAL(f.id, "162376037");
	CU_ASSERT_STRING_EQUAL(f.err_code, "NotSupported");
	CU_ASSERT_STRING_EQUAL(f.err_desc, "SetDisplayMessageRequest not implemented");
	CU_ASSERT(json_object_object_get_ex(f.err_details, "hint", NULL));
	CU_ASSERT_PTR_NULL(f.payload);
	CU_ASSERT_PTR_NULL(f.action);
	rpc_frame_release(&f);
}

/* 1.6 null payload becomes an empty object that lives in the tree. */
static void test_parse_null_payload_16(void)
{
	const char *in = "[2,\"hb\",\"Heartbeat\",null]";
	struct rpc_frame f;

	CU_ASSERT_EQUAL_FATAL(rpc_frame_parse(OCPP_16, in, strlen(in), &f), GW_OK);
	CU_ASSERT(json_object_is_type(f.payload, json_type_object));
	CU_ASSERT_EQUAL(json_object_object_length(f.payload), 0);
	CU_ASSERT_PTR_EQUAL(f.payload, json_object_array_get_idx(f.root, 3));
	rpc_frame_release(&f);
}

/* The length is explicit: bytes after len are not read, no NUL needed. */
static void test_parse_explicit_length(void)
{
	const char buf[] = "[3,\"a\",{}]garbage";
	char exact[10];
	struct rpc_frame f;

	CU_ASSERT_EQUAL(rpc_frame_parse(OCPP_201, buf, 10, &f), GW_OK);
	CU_ASSERT_STRING_EQUAL(f.id, "a");
	rpc_frame_release(&f);
	memcpy(exact, buf, sizeof(exact)); /* no terminating NUL at all */
	CU_ASSERT_EQUAL(rpc_frame_parse(OCPP_201, exact, sizeof(exact), &f), GW_OK);
	rpc_frame_release(&f);
	CU_ASSERT_EQUAL(rpc_frame_parse(OCPP_201, buf, strlen(buf), &f), GW_EFORMAT);
	rpc_frame_release(&f);
}

/* Parse state does not leak between frames: a good frame after a bad one. */
static void test_parse_sequence(void)
{
	struct rpc_frame f;

	CU_ASSERT_EQUAL(rpc_frame_parse(OCPP_201, "[2,\"a\"", 6, &f), GW_EFORMAT);
	rpc_frame_release(&f);
	CU_ASSERT_EQUAL(rpc_frame_parse(OCPP_201, "[3,\"b\",{}]", 10, &f), GW_OK);
	CU_ASSERT_STRING_EQUAL(f.id, "b");
	CU_ASSERT_EQUAL(f.id_unreadable, 0);
	rpc_frame_release(&f);
}

int test_frame_register(void)
{
	static CU_TestInfo tests[] = {
		{"parse table (malformed kinds, codes, ids)", test_parse_table},
		{"CALL fields", test_parse_call_fields},
		{"CALLERROR fields", test_parse_error_fields},
		{"1.6 null payload as {}", test_parse_null_payload_16},
		{"explicit length", test_parse_explicit_length},
		{"bad then good frame", test_parse_sequence},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("rpc_frame", tests);
}
