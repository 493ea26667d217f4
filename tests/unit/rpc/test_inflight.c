/* SPDX-License-Identifier: MIT
 *
 * test_inflight.c - the set of pile CALL ids being handled: duplicates,
 * the ceiling, removal, bad ids.
 */
#include <stdio.h>

#include "common/gw_err.h"
#include "rpc/rpc.h"
#include "test_rpc.h"

static void test_inflight_dup(void)
{
	struct rpc_inflight s;

	CU_ASSERT_EQUAL_FATAL(rpc_inflight_init(&s, 0), GW_OK);
	CU_ASSERT_EQUAL(s.max, RPC_INFLIGHT_DEFAULT);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "19223201"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "19223201"), GW_EDUP);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "19223202"), GW_OK);
	CU_ASSERT_EQUAL(s.count, 2);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "19223201"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "19223201"), GW_ENOTFOUND);
	/* once answered, the id may come again (ids are unique per sender,
	 * but we only police the ones being handled) */
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "19223201"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "19223202"), GW_EDUP);
	rpc_inflight_cleanup(&s);
	rpc_inflight_cleanup(&s);
	rpc_inflight_cleanup(NULL);
}

static void test_inflight_bounded(void)
{
	struct rpc_inflight s;
	char id[8];

	CU_ASSERT_EQUAL_FATAL(rpc_inflight_init(&s, 3), GW_OK);
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "id%d", i);
		CU_ASSERT_EQUAL(rpc_inflight_add(&s, id), GW_OK);
	}
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "id3"), GW_EBUSY);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "id1"), GW_EDUP); /* dup wins over busy */
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "id0"), GW_OK); /* hole in front */
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "id3"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "id2"), GW_EDUP);  /* moved, still there */
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "id2"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "id3"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "id1"), GW_OK);
	CU_ASSERT_EQUAL(s.count, 0);
	rpc_inflight_cleanup(&s);
}

static void test_inflight_bad_ids(void)
{
	struct rpc_inflight s;

	CU_ASSERT_EQUAL_FATAL(rpc_inflight_init(&s, 2), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, NULL), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, ""), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "0123456789012345678901234567890123456"), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "012345678901234567890123456789012345"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, NULL), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "012345678901234567890123456789012345"), GW_OK);
	rpc_inflight_cleanup(&s);
}

int test_inflight_register(void)
{
	static CU_TestInfo tests[] = {
		{"duplicate id", test_inflight_dup},
		{"ceiling", test_inflight_bounded},
		{"bad ids", test_inflight_bad_ids},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("rpc_inflight", tests);
}
