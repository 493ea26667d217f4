/* SPDX-License-Identifier: MIT
 *
 * test_calls.c - server CALLs: message ids, FIFO order, one outstanding,
 * answers matched by id, timeouts on an injected clock, fail_all, the
 * queue ceiling, payload references.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "rpc/rpc.h"
#include "test_rpc.h"

/* ---- a log of callbacks ---- */

struct reply {
	int tag, status;
	char code[64], desc[64], payload[128];
};

static struct reply replies[16];
static int n_replies;

static void on_reply(void *arg, int status, json_object *payload, const char *code,
		     const char *desc)
{
	struct reply *r = &replies[n_replies < 16 ? n_replies++ : 15];
	char *dump = payload ? gw_json_dump(payload, NULL) : NULL;

	memset(r, 0, sizeof(*r));
	r->tag = (int)(intptr_t)arg;
	r->status = status;
	snprintf(r->code, sizeof(r->code), "%s", code ? code : "");
	snprintf(r->desc, sizeof(r->desc), "%s", desc ? desc : "");
	snprintf(r->payload, sizeof(r->payload), "%s", dump ? dump : "");
	gw_free(dump);
}

static void log_reset(void)
{
	memset(replies, 0, sizeof(replies));
	n_replies = 0;
}

#define TAG(n) ((void *)(intptr_t)(n))

/* Feed a text frame as the pile's answer. */
static int answer(struct rpc_calls *c, const char *text)
{
	struct rpc_frame f;
	int rc = rpc_frame_parse(OCPP_201, text, strlen(text), &f);

	CU_ASSERT_EQUAL_FATAL(rc, GW_OK);
	rc = rpc_calls_on_result(c, &f);
	rpc_frame_release(&f);
	return rc;
}

static void answer_fmt(struct rpc_calls *c, const char *fmt, const char *id, int want)
{
	char text[256];

	snprintf(text, sizeof(text), fmt, id);
	CU_ASSERT_EQUAL(answer(c, text), want);
}

/* Send the next CALL; return its id (static buffer) or NULL. */
static const char *send_next(struct rpc_calls *c, int64_t now_ms)
{
	char *frame;
	size_t len;

	if (rpc_calls_next(c, now_ms, &frame, &len) != GW_OK)
		return NULL;
	gw_free(frame);
	return rpc_calls_outstanding_id(c);
}

/* ---- message ids ---- */

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_msgid_unique(void)
{
	enum { N = 20000 };
	char(*ids)[RPC_ID_MAX + 1] = gw_malloc(N * sizeof(*ids));

	for (int i = 0; i < N; i++) {
		rpc_msgid_next(ids[i]);
		CU_ASSERT(strlen(ids[i]) >= 1 && strlen(ids[i]) <= RPC_ID_MAX);
	}
	qsort(ids, N, sizeof(*ids), cmp_ids);
	for (int i = 1; i < N; i++)
		CU_ASSERT(strcmp(ids[i - 1], ids[i]) != 0);
	gw_free(ids);
}

static void test_msgid_format(void)
{
	char id[RPC_ID_MAX + 1];

	rpc_msgid_seed(0x0123456789abcdefull, 1);
	rpc_msgid_next(id);
	CU_ASSERT_STRING_EQUAL(id, "0123456789abcdef-1");
	rpc_msgid_next(id);
	CU_ASSERT_STRING_EQUAL(id, "0123456789abcdef-2");
	rpc_msgid_seed(UINT64_MAX, UINT64_MAX); /* the longest id */
	rpc_msgid_next(id);
	CU_ASSERT_STRING_EQUAL(id, "ffffffffffffffff-ffffffffffffffff");
	CU_ASSERT_EQUAL(strlen(id), RPC_MSGID_LEN);
	CU_ASSERT(RPC_MSGID_LEN <= RPC_ID_MAX);
}

/* ---- the queue ---- */

static void test_calls_frame_bytes(void)
{
	struct rpc_calls c;
	json_object *p = NULL;
	char id[RPC_ID_MAX + 1];
	char *frame;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(gw_json_parse("{\"type\":\"Soft\"}", 15, 16, &p), GW_OK);
	rpc_msgid_seed(0xaa, 7);
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", p, 0, on_reply, TAG(1), id), GW_OK);
	CU_ASSERT_STRING_EQUAL(id, "00000000000000aa-7");
	json_object_put(p); /* the queue holds its own reference */
	CU_ASSERT_EQUAL(rpc_calls_next(&c, 1000, &frame, &len), GW_OK);
	CU_ASSERT_STRING_EQUAL(frame, "[2,\"00000000000000aa-7\",\"Reset\",{\"type\":\"Soft\"}]");
	CU_ASSERT_EQUAL(len, strlen(frame));
	CU_ASSERT_STRING_EQUAL(rpc_calls_outstanding_id(&c), id);
	CU_ASSERT_EQUAL(rpc_calls_next_deadline(&c), 1000 + RPC_CALL_TIMEOUT_DEFAULT_MS);
	gw_free(frame);
	log_reset();
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(n_replies, 1);
	CU_ASSERT_EQUAL(replies[0].status, GW_ECLOSED);
}

static void test_calls_order_one_outstanding(void)
{
	struct rpc_calls c;
	const char *acts[] = {"Reset", "GetConfiguration", "TriggerMessage"};
	char ids[3][RPC_ID_MAX + 1];
	char *frame = (char *)1;
	size_t len;

	log_reset();
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(rpc_calls_next(&c, 0, &frame, &len), GW_ENOTFOUND);
	CU_ASSERT_PTR_NULL(frame);
	CU_ASSERT_EQUAL(rpc_calls_next_deadline(&c), RPC_NO_DEADLINE);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, acts[i], NULL, 0, on_reply, TAG(i), ids[i]),
				GW_OK);
	CU_ASSERT_EQUAL(c.queued, 3);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL_FATAL(rpc_calls_next(&c, 0, &frame, &len), GW_OK);
		CU_ASSERT(strstr(frame, acts[i]) != NULL);
		CU_ASSERT(strstr(frame, ids[i]) != NULL);
		gw_free(frame);
		/* never a second CALL while one is outstanding */
		CU_ASSERT_EQUAL(rpc_calls_next(&c, 0, &frame, &len), GW_EBUSY);
		CU_ASSERT_PTR_NULL(frame);
		answer_fmt(&c, "[3,\"%s\",{\"status\":\"Accepted\"}]", ids[i], GW_OK);
		CU_ASSERT_EQUAL(n_replies, i + 1);
		CU_ASSERT_EQUAL(replies[i].tag, i);
		CU_ASSERT_EQUAL(replies[i].status, GW_OK);
		CU_ASSERT_STRING_EQUAL(replies[i].payload, "{\"status\":\"Accepted\"}");
	}
	CU_ASSERT_EQUAL(rpc_calls_next(&c, 0, &frame, &len), GW_ENOTFOUND);
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(n_replies, 3);
}

static void test_calls_callerror(void)
{
	struct rpc_calls c;
	const char *id;

	log_reset();
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "SetChargingProfile", NULL, 0, on_reply, TAG(5), NULL),
			GW_OK);
	id = send_next(&c, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	answer_fmt(&c, "[4,\"%s\",\"NotSupported\",\"no smart charging\",{\"k\":1}]", id, GW_OK);
	CU_ASSERT_EQUAL(n_replies, 1);
	CU_ASSERT_EQUAL(replies[0].tag, 5);
	CU_ASSERT_EQUAL(replies[0].status, GW_ECALLERROR);
	CU_ASSERT_STRING_EQUAL(replies[0].code, "NotSupported");
	CU_ASSERT_STRING_EQUAL(replies[0].desc, "no smart charging");
	CU_ASSERT_STRING_EQUAL(replies[0].payload, "{\"k\":1}");
	CU_ASSERT_EQUAL(rpc_error_from_code(replies[0].code), GW_ENOTSUPP);
	CU_ASSERT_PTR_NULL(rpc_calls_outstanding_id(&c));
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(n_replies, 1);
}

/* Unknown ids and crossing CALLs leave the outstanding call alone. */
static void test_calls_unknown_and_crossing(void)
{
	struct rpc_calls c;
	const char *id;
	char keep[RPC_ID_MAX + 1];

	log_reset();
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(answer(&c, "[3,\"nobody\",{}]"), GW_ENOTFOUND); /* none outstanding */
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", NULL, 0, on_reply, TAG(1), NULL), GW_OK);
	id = send_next(&c, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	strcpy(keep, id);
	CU_ASSERT_EQUAL(answer(&c, "[3,\"other\",{}]"), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(answer(&c, "[4,\"other\",\"GenericError\",\"\",{}]"), GW_ENOTFOUND);
	/* the pile's own CALL may cross ours, even reusing our id string */
	answer_fmt(&c, "[2,\"%s\",\"StatusNotification\",{}]", keep, GW_EINVAL);
	CU_ASSERT_EQUAL(n_replies, 0);
	CU_ASSERT_STRING_EQUAL(rpc_calls_outstanding_id(&c), keep);
	answer_fmt(&c, "[3,\"%s\",{}]", keep, GW_OK);
	CU_ASSERT_EQUAL(n_replies, 1);
	answer_fmt(&c, "[3,\"%s\",{}]", keep, GW_ENOTFOUND); /* answered twice */
	CU_ASSERT_EQUAL(n_replies, 1);
	rpc_calls_cleanup(&c);
}

static void test_calls_timeout(void)
{
	struct rpc_calls c;
	const char *id;
	char keep[RPC_ID_MAX + 1];
	int64_t t0;

	log_reset();
	gw_clock_set_fake(1764093600000);
	t0 = gw_clock_mono_ms();
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", NULL, 5000, on_reply, TAG(1), NULL), GW_OK);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Heartbeat", NULL, 0, on_reply, TAG(2), NULL), GW_OK);
	gw_clock_advance(60000); /* time spent queued does not count */
	id = send_next(&c, gw_clock_mono_ms());
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	strcpy(keep, id);
	CU_ASSERT_EQUAL(rpc_calls_next_deadline(&c), t0 + 60000 + 5000);
	gw_clock_advance(4999);
	rpc_calls_expire(&c, gw_clock_mono_ms());
	CU_ASSERT_EQUAL(n_replies, 0);
	gw_clock_advance(1);
	rpc_calls_expire(&c, gw_clock_mono_ms());
	CU_ASSERT_EQUAL(n_replies, 1);
	CU_ASSERT_EQUAL(replies[0].tag, 1);
	CU_ASSERT_EQUAL(replies[0].status, GW_ETIMEOUT);
	CU_ASSERT_EQUAL(rpc_calls_next_deadline(&c), RPC_NO_DEADLINE);
	answer_fmt(&c, "[3,\"%s\",{}]", keep, GW_ENOTFOUND); /* late answer */
	/* the next call goes out with the default timeout */
	CU_ASSERT_PTR_NOT_NULL(send_next(&c, gw_clock_mono_ms()));
	CU_ASSERT_EQUAL(rpc_calls_next_deadline(&c), gw_clock_mono_ms() + RPC_CALL_TIMEOUT_DEFAULT_MS);
	rpc_calls_expire(&c, gw_clock_mono_ms() + RPC_CALL_TIMEOUT_DEFAULT_MS - 1);
	CU_ASSERT_EQUAL(n_replies, 1);
	rpc_calls_expire(&c, gw_clock_mono_ms() + RPC_CALL_TIMEOUT_DEFAULT_MS);
	CU_ASSERT_EQUAL(n_replies, 2);
	CU_ASSERT_EQUAL(replies[1].tag, 2);
	CU_ASSERT_EQUAL(replies[1].status, GW_ETIMEOUT);
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(n_replies, 2);
	gw_clock_set_fake(0);
}

static void test_calls_configured_timeout(void)
{
	struct rpc_calls c;

	log_reset();
	rpc_calls_init(&c, 0, 1500);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", NULL, -1, on_reply, TAG(1), NULL), GW_OK);
	CU_ASSERT_PTR_NOT_NULL(send_next(&c, 100));
	CU_ASSERT_EQUAL(rpc_calls_next_deadline(&c), 1600);
	rpc_calls_cleanup(&c);
}

static void test_calls_fail_all(void)
{
	struct rpc_calls c;

	log_reset();
	rpc_calls_init(&c, 0, 0);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", NULL, 0, on_reply, TAG(i), NULL), GW_OK);
	CU_ASSERT_PTR_NOT_NULL(send_next(&c, 0));
	rpc_calls_fail_all(&c, GW_ECLOSED);
	CU_ASSERT_EQUAL(n_replies, 4);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(replies[i].tag, i); /* outstanding first, then FIFO */
		CU_ASSERT_EQUAL(replies[i].status, GW_ECLOSED);
	}
	CU_ASSERT_EQUAL(c.queued, 0);
	CU_ASSERT_PTR_NULL(rpc_calls_outstanding_id(&c));
	/* still usable afterwards (e.g. fail_all used for a reset, not a close) */
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", NULL, 0, on_reply, TAG(9), NULL), GW_OK);
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(n_replies, 5);
	CU_ASSERT_EQUAL(replies[4].status, GW_ECLOSED);
	rpc_calls_cleanup(NULL);
}

static void test_calls_bounded(void)
{
	struct rpc_calls c;
	json_object *p = json_object_new_object();

	log_reset();
	rpc_calls_init(&c, 2, 0);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "A", NULL, 0, on_reply, TAG(0), NULL), GW_OK);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "B", NULL, 0, on_reply, TAG(1), NULL), GW_OK);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "C", p, 0, on_reply, TAG(2), NULL), GW_EBUSY);
	CU_ASSERT_PTR_NOT_NULL(send_next(&c, 0)); /* the outstanding one leaves the queue */
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "C", NULL, 0, on_reply, TAG(2), NULL), GW_OK);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "D", NULL, 0, on_reply, TAG(3), NULL), GW_EBUSY);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "", NULL, 0, on_reply, TAG(3), NULL), GW_EINVAL);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, NULL, NULL, 0, on_reply, TAG(3), NULL), GW_EINVAL);
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(n_replies, 3); /* refused calls never call back */
	CU_ASSERT_EQUAL(json_object_put(p), 1); /* no reference kept on failure */
}

/* ---- callbacks that re-enter ---- */

static struct rpc_calls *reenter_c;
static int reenter_rc;

static void on_reply_enqueue(void *arg, int status, json_object *payload, const char *code,
			     const char *desc)
{
	char *frame;
	size_t len;

	on_reply(arg, status, payload, code, desc);
	reenter_rc = rpc_calls_enqueue(reenter_c, "Follow", NULL, 0, on_reply, TAG(100), NULL);
	if (reenter_rc == GW_OK && status == GW_OK) {
		/* the answered call is gone: the follow-up may go out at once */
		CU_ASSERT_EQUAL(rpc_calls_next(reenter_c, 0, &frame, &len), GW_OK);
		gw_free(frame);
	}
}

static void test_calls_reentrant(void)
{
	struct rpc_calls c;
	const char *id;

	log_reset();
	reenter_c = &c;
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", NULL, 0, on_reply_enqueue, TAG(1), NULL),
			GW_OK);
	id = send_next(&c, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	answer_fmt(&c, "[3,\"%s\",{}]", id, GW_OK);
	CU_ASSERT_EQUAL(reenter_rc, GW_OK);
	CU_ASSERT_PTR_NOT_NULL(rpc_calls_outstanding_id(&c));
	CU_ASSERT_EQUAL(n_replies, 1);
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(n_replies, 2);
	CU_ASSERT_EQUAL(replies[1].tag, 100);
	CU_ASSERT_EQUAL(replies[1].status, GW_ECLOSED);

	/* during cleanup, enqueueing is refused so cleanup terminates */
	log_reset();
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "Reset", NULL, 0, on_reply_enqueue, TAG(1), NULL),
			GW_OK);
	rpc_calls_cleanup(&c);
	CU_ASSERT_EQUAL(reenter_rc, GW_ECLOSED);
	CU_ASSERT_EQUAL(n_replies, 1);
	reenter_c = NULL;
}

/* The queue keeps the payload alive after the caller drops it. */
static void test_calls_payload_ref(void)
{
	struct rpc_calls c;
	json_object *p = json_object_new_object();
	char *frame;
	size_t len;

	json_object_object_add(p, "connectorId", json_object_new_int(2));
	rpc_msgid_seed(1, 1);
	rpc_calls_init(&c, 0, 0);
	CU_ASSERT_EQUAL(rpc_calls_enqueue(&c, "UnlockConnector", p, 0, NULL, NULL, NULL), GW_OK);
	CU_ASSERT_EQUAL(json_object_put(p), 0); /* still referenced by the queue */
	CU_ASSERT_EQUAL(rpc_calls_next(&c, 0, &frame, &len), GW_OK);
	CU_ASSERT_STRING_EQUAL(frame,
			       "[2,\"0000000000000001-1\",\"UnlockConnector\",{\"connectorId\":2}]");
	gw_free(frame);
	rpc_calls_cleanup(&c); /* NULL callback: nothing to call */
}

int test_calls_register(void)
{
	static CU_TestInfo tests[] = {
		{"message ids unique", test_msgid_unique},
		{"message id format", test_msgid_format},
		{"CALL frame bytes", test_calls_frame_bytes},
		{"FIFO, one outstanding", test_calls_order_one_outstanding},
		{"CALLERROR answer", test_calls_callerror},
		{"unknown id, crossing CALL", test_calls_unknown_and_crossing},
		{"timeout on injected clock", test_calls_timeout},
		{"configured timeout", test_calls_configured_timeout},
		{"fail_all", test_calls_fail_all},
		{"queue ceiling", test_calls_bounded},
		{"re-entrant callbacks", test_calls_reentrant},
		{"payload reference", test_calls_payload_ref},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("rpc_calls", tests);
}
