/* SPDX-License-Identifier: MIT
 *
 * test_alloc.c - allocation-failure sweep (curl torture style): make the
 * Nth gw_malloc fail for N = 1, 2, ... until an operation runs without
 * hitting the failure.  Every step must return GW_OK or GW_ENOMEM, leave
 * nothing behind (LeakSanitizer checks at exit) and not crash.  json-c
 * allocates with plain malloc, so only our own allocations fail here.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "rpc/rpc.h"
#include "test_rpc.h"

#define SWEEP_MAX 64

/* One operation under test: GW_OK or an error; cleans up after itself. */
typedef int sweep_fn(void);

/* Run fn with failure at N = 1.. until it no longer reaches the failure.
 * Returns how many steps failed with GW_ENOMEM. */
static int sweep(sweep_fn *fn, int ok_rc)
{
	int enomem = 0;

	for (long n = 1; n <= SWEEP_MAX; n++) {
		long used;
		int rc;

		gw_alloc_fail_after(n);
		rc = fn();
		used = gw_alloc_count();
		gw_alloc_fail_after(0);
		CU_ASSERT(rc == ok_rc || rc == GW_ENOMEM);
		if (rc == GW_ENOMEM)
			enomem++;
		if (used < n) {
			CU_ASSERT_EQUAL(rc, ok_rc); /* no failure injected: must succeed */
			return enomem;
		}
	}
	CU_FAIL("sweep did not converge");
	return enomem;
}

static const char *const frames[] = {
	"[2,\"a\",\"BootNotification\",{\"chargePointVendor\":\"V\",\"chargePointModel\":\"M\"}]",
	"[2,\"a\",\"Heartbeat\",null]",
	"[3,\"a\",{\"status\":\"Accepted\"}]",
	"[4,\"a\",\"GenericError\",\"\",null]",
	"[2,\"a\",\"Heartbeat\",[]]",
	"{}",
	"[9,\"a\"]",
	"[2,\"a\"",
};
static size_t frame_i;

static int op_parse(void)
{
	struct rpc_frame f;
	int rc = rpc_frame_parse(OCPP_16, frames[frame_i], strlen(frames[frame_i]), &f);

	rpc_frame_release(&f);
	return rc == GW_ENOMEM ? rc : GW_OK; /* the parse verdict is not under test */
}

static void test_alloc_parse(void)
{
	for (frame_i = 0; frame_i < sizeof(frames) / sizeof(frames[0]); frame_i++)
		sweep(op_parse, GW_OK);
}

static int op_build(void)
{
	json_object *p = json_object_new_object();
	char *out = NULL;
	size_t len;
	int rc;

	json_object_object_add(p, "status", json_object_new_string("Accepted"));
	rc = rpc_build_result("r1", p, &out, &len);
	if (rc == GW_OK) {
		GW_FREE(out);
		rc = rpc_build_call("c1", "Reset", p, &out, &len);
	}
	if (rc == GW_OK) {
		GW_FREE(out);
		rc = rpc_build_error(OCPP_201, "e1", GW_ETYPE, "connectorId: want integer", &out,
				     &len);
	}
	if (rc != GW_OK)
		CU_ASSERT_PTR_NULL(out);
	gw_free(out);
	CU_ASSERT_EQUAL(json_object_put(p), 1); /* never kept, never lost */
	return rc;
}

static int op_build_error_frame(void)
{
	struct rpc_frame f;
	char *out = NULL;
	size_t len;
	int rc = rpc_frame_parse(OCPP_201, "[\"x\"]", 5, &f);

	rc = rpc_build_error_frame(OCPP_201, &f, rc, "not an OCPP-J frame", &out, &len);
	gw_free(out);
	rpc_frame_release(&f);
	return rc;
}

static void test_alloc_build(void)
{
	CU_ASSERT(sweep(op_build, GW_OK) >= 3);
	CU_ASSERT(sweep(op_build_error_frame, GW_OK) >= 1);
}

/* three ids: the second allocates the array, the fourth would regrow it */
static int op_inflight(void)
{
	struct rpc_inflight s;
	int rc = rpc_inflight_init(&s, 8);

	if (rc == GW_OK)
		rc = rpc_inflight_add(&s, "x");
	if (rc == GW_OK)
		rc = rpc_inflight_add(&s, "y");
	if (rc == GW_OK)
		rc = rpc_inflight_add(&s, "z");
	if (rc == GW_OK)
		rc = rpc_inflight_add(&s, "w");
	if (rc == GW_OK)
		rc = rpc_inflight_add(&s, "v");
	rpc_inflight_cleanup(&s);
	return rc;
}

static int replies;
static void count_reply(void *arg, int status, json_object *payload, const char *code,
			const char *desc)
{
	(void)arg;
	(void)status;
	(void)payload;
	(void)code;
	(void)desc;
	replies++;
}

/* Enqueue two, send, answer, send; every enqueued call answers once. */
static int op_calls(void)
{
	json_object *p = json_object_new_object();
	struct rpc_calls c;
	struct rpc_frame f;
	char id[RPC_ID_MAX + 1], text[128], *frame = NULL;
	size_t len;
	int rc, queued = 0;

	replies = 0;
	rpc_calls_init(&c, 0, 0);
	rc = rpc_calls_enqueue(&c, "Reset", p, 0, count_reply, NULL, id);
	queued += rc == GW_OK;
	if (rc == GW_OK) {
		rc = rpc_calls_enqueue(&c, "Heartbeat", NULL, 0, count_reply, NULL, NULL);
		queued += rc == GW_OK;
	}
	if (rc == GW_OK)
		rc = rpc_calls_next(&c, 0, &frame, &len);
	if (rc == GW_OK) {
		GW_FREE(frame);
		snprintf(text, sizeof(text), "[3,\"%s\",{}]", id);
		CU_ASSERT_EQUAL(rpc_frame_parse(OCPP_201, text, strlen(text), &f), GW_OK);
		CU_ASSERT_EQUAL(rpc_calls_on_result(&c, &f), GW_OK);
		rpc_frame_release(&f);
		rc = rpc_calls_next(&c, 0, &frame, &len);
		gw_free(frame);
	}
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(replies, queued);
	CU_ASSERT_EQUAL(json_object_put(p), 1);
	return rc;
}

static void test_alloc_state(void)
{
	CU_ASSERT(sweep(op_inflight, GW_OK) >= 1);
	CU_ASSERT(sweep(op_calls, GW_OK) >= 5);
}

int test_alloc_register(void)
{
	static CU_TestInfo tests[] = {
		{"sweep rpc_frame_parse", test_alloc_parse},
		{"sweep builders", test_alloc_build},
		{"sweep inflight and calls", test_alloc_state},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("rpc_alloc", tests);
}
