/* SPDX-License-Identifier: MIT
 *
 * test_inflight.c - the set of pile CALL ids being handled: duplicates,
 * the ceiling, removal, bad ids, and the inline first slot with the array
 * made for a second id and freed when one is left.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"

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

/* 0 or 1 id: no heap at all; a second id makes the array, which grows
 * and goes away again once one id (in whichever slot) is left. */
static void test_inflight_grow_shrink(void)
{
	struct rpc_inflight s;
	char id[8];
	long before;

	before = gw_alloc_count();
	CU_ASSERT_EQUAL_FATAL(rpc_inflight_init(&s, 0), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "a"), GW_OK);
	CU_ASSERT_PTR_NULL(s.more);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "a"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "b"), GW_OK);
	CU_ASSERT_EQUAL(gw_alloc_count(), before); /* one at a time: no allocation */

	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "c"), GW_OK); /* second: array */
	CU_ASSERT_PTR_NOT_NULL(s.more);
	CU_ASSERT_EQUAL(s.count, 2);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "b"), GW_OK); /* inline one goes */
	CU_ASSERT_PTR_NULL(s.more);                          /* array freed */
	CU_ASSERT_STRING_EQUAL(s.one, "c");                  /* last moved inline */
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "c"), GW_EDUP);

	/* fill to the ceiling: the array grows past its first size */
	for (int i = 0; i < RPC_INFLIGHT_DEFAULT - 1; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		CU_ASSERT_EQUAL(rpc_inflight_add(&s, id), GW_OK);
	}
	CU_ASSERT_EQUAL(s.count, RPC_INFLIGHT_DEFAULT);
	CU_ASSERT(s.more_cap >= RPC_INFLIGHT_DEFAULT - 1);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "over"), GW_EBUSY);
	for (int i = 0; i < RPC_INFLIGHT_DEFAULT - 1; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		CU_ASSERT_EQUAL(rpc_inflight_add(&s, id), GW_EDUP);
	}
	/* empty it from the front: every id is still found after the moves */
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "c"), GW_OK);
	for (int i = 0; i < RPC_INFLIGHT_DEFAULT - 2; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		CU_ASSERT_EQUAL(rpc_inflight_remove(&s, id), GW_OK);
	}
	CU_ASSERT_EQUAL(s.count, 1);
	CU_ASSERT_PTR_NULL(s.more);
	snprintf(id, sizeof(id), "g%d", RPC_INFLIGHT_DEFAULT - 2);
	CU_ASSERT_STRING_EQUAL(s.one, id);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, id), GW_OK);
	CU_ASSERT_EQUAL(s.count, 0);

	/* no room for the second slot: the id is not kept, the first stays */
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "x1"), GW_OK);
	gw_alloc_fail_after(1);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "x2"), GW_ENOMEM);
	gw_alloc_fail_after(0);
	CU_ASSERT_EQUAL(s.count, 1);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "x2"), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "x2"), GW_OK);
	rpc_inflight_cleanup(&s); /* with the array still there */
	CU_ASSERT_PTR_NULL(s.more);
}

/* A ceiling of 1 never allocates; a ceiling of 2 sizes the array to 1. */
static void test_inflight_small_ceiling(void)
{
	struct rpc_inflight s;

	CU_ASSERT_EQUAL_FATAL(rpc_inflight_init(&s, 1), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "a"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "b"), GW_EBUSY);
	CU_ASSERT_PTR_NULL(s.more);
	rpc_inflight_cleanup(&s);
	CU_ASSERT_EQUAL_FATAL(rpc_inflight_init(&s, 2), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "a"), GW_OK);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "b"), GW_OK);
	CU_ASSERT_EQUAL(s.more_cap, 1);
	CU_ASSERT_EQUAL(rpc_inflight_add(&s, "c"), GW_EBUSY);
	CU_ASSERT_EQUAL(rpc_inflight_remove(&s, "b"), GW_OK);
	CU_ASSERT_PTR_NULL(s.more);
	CU_ASSERT_STRING_EQUAL(s.one, "a");
	rpc_inflight_cleanup(&s);
}

int test_inflight_register(void)
{
	static CU_TestInfo tests[] = {
		{"duplicate id", test_inflight_dup},
		{"ceiling", test_inflight_bounded},
		{"bad ids", test_inflight_bad_ids},
		{"inline first id, array grows and shrinks", test_inflight_grow_shrink},
		{"ceiling of 1 and 2", test_inflight_small_ceiling},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("rpc_inflight", tests);
}
