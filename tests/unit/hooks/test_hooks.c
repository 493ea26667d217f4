/* SPDX-License-Identifier: MIT
 * test_hooks.c - src/hooks: signing (fixed vectors computed independently
 * with Python's hmac module, see each vector), verification with skew,
 * the retry schedule, and the outbox claim rule (oldest undelivered row
 * per (partner, order), rows in flight skipped) with the delivery ops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "hooks/hooks.h"
#include "hooks/hooks_int.h"
#include "store/store.h"

#define SECRET "whsec-0123456789abcdef"
#define BODY "{\"event_id\":\"evt-1\",\"event_type\":\"session.updated\"," \
	     "\"occurred_at\":\"2024-11-25T18:40:00.000Z\",\"data\":{}}"
/* python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec-0123456789abcdef",
 *   b"1732560000." + BODY, hashlib.sha256).hexdigest())' */
#define SIG_BODY "eae1f4cbc4459ebe89557f01775ac7d2d63aec081d9032d93ab220e25103dfb0"
/* the same with timestamp 0 and an empty body: b"0." */
#define SIG_EMPTY "d017903ff68dd4133404648a899878f6a6fd896d30532890110d40c72786859c"

static void test_sign_vectors(void)
{
	char hex[HOOK_SIG_HEX_LEN + 1];

	CU_ASSERT_EQUAL(hook_sign(SECRET, 1732560000, BODY, strlen(BODY), hex), GW_OK);
	CU_ASSERT_STRING_EQUAL(hex, SIG_BODY);
	CU_ASSERT_EQUAL(hook_sign(SECRET, 0, "", 0, hex), GW_OK);
	CU_ASSERT_STRING_EQUAL(hex, SIG_EMPTY);
	CU_ASSERT_EQUAL(hook_sign(NULL, 0, "", 0, hex), GW_EINVAL);
}

static void test_verify(void)
{
	const int64_t now = 1732560000;
	char upper[] = SIG_BODY, bad[] = SIG_BODY;

	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", SIG_BODY, BODY, strlen(BODY), now, 300),
			GW_OK);
	/* within the skew on both sides */
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", SIG_BODY, BODY, strlen(BODY), now + 300,
				    300), GW_OK);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", SIG_BODY, BODY, strlen(BODY), now - 300,
				    300), GW_OK);
	/* stale and future timestamps */
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", SIG_BODY, BODY, strlen(BODY), now + 301,
				    300), GW_ETIMEOUT);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", SIG_BODY, BODY, strlen(BODY), now - 301,
				    300), GW_ETIMEOUT);
	/* hex case does not matter */
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", upper, BODY, strlen(BODY), now, 300), GW_OK);
	/* one flipped digit, another body, another secret, another timestamp */
	bad[10] = bad[10] == '0' ? '1' : '0';
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", bad, BODY, strlen(BODY), now, 300), GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", SIG_BODY, "{}", 2, now, 300), GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify("whsec-other-secret-0000", "1732560000", SIG_BODY, BODY,
				    strlen(BODY), now, 300), GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560001", SIG_BODY, BODY, strlen(BODY), now, 300),
			GW_EAUTH);
	/* malformed headers */
	CU_ASSERT_EQUAL(hook_verify(SECRET, "", SIG_BODY, BODY, strlen(BODY), now, 300), GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "17325600x0", SIG_BODY, BODY, strlen(BODY), now, 300),
			GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "-1732560000", SIG_BODY, BODY, strlen(BODY), now, 300),
			GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", "abc", BODY, strlen(BODY), now, 300),
			GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", SIG_BODY "00", BODY, strlen(BODY), now,
				    300), GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, NULL, SIG_BODY, BODY, strlen(BODY), now, 300), GW_EAUTH);
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", NULL, BODY, strlen(BODY), now, 300),
			GW_EAUTH);
	/* a bad signature with a stale timestamp is a bad signature */
	CU_ASSERT_EQUAL(hook_verify(SECRET, "1732560000", bad, BODY, strlen(BODY), now + 9999, 300),
			GW_EAUTH);
}

static void test_retry_schedule(void)
{
	static const int sched[] = {60, 300, 1800, 7200, 43200};
	static const int64_t want[] = {60000, 300000, 1800000, 7200000, 43200000};
	int64_t next = -1;

	for (int a = 1; a <= 5; a++) {
		CU_ASSERT_EQUAL(outbox_retry_plan(sched, 5, a, 1000, &next), GW_OK);
		CU_ASSERT_EQUAL(next, 1000 + want[a - 1]);
	}
	/* the 6th attempt failed: 5 retries done, dead-letter */
	CU_ASSERT_EQUAL(outbox_retry_plan(sched, 5, 6, 1000, &next), GW_ECONFLICT);
	CU_ASSERT_EQUAL(outbox_retry_plan(sched, 5, 0, 1000, &next), GW_ECONFLICT);
	CU_ASSERT_EQUAL(outbox_retry_plan(sched, 0, 1, 1000, &next), GW_ECONFLICT);
	CU_ASSERT_EQUAL(outbox_retry_plan(sched, 2, 3, 1000, &next), GW_ECONFLICT);
}

/* ---- the claim rule against a ":memory:" store ------------------------ */

#define T0 1800000000000LL

static struct store *st;
static int64_t ids[8];

static void add(int i, const char *partner, int64_t order_id)
{
	char ev[16];

	snprintf(ev, sizeof(ev), "evt-%d", i);
	CU_ASSERT_EQUAL_FATAL(store_outbox_insert(st, partner, order_id, ev, "session.updated", T0,
						  "{\"x\":1}", &ids[i]), GW_OK);
}

/* The ids store_outbox_due(partner, now) returns, as "1,3,5". */
static const char *due(const char *partner, int64_t now)
{
	static char buf[64];
	struct outbox_row *rows = NULL;
	size_t n = 0, len = 0;

	buf[0] = '\0';
	CU_ASSERT_EQUAL(store_outbox_due(st, partner, now, 10, &rows, &n), GW_OK);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			if (ids[k] == rows[i].id)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
							len ? "," : "", k);
	store_outbox_rows_free(rows, n);
	return buf;
}

static void setup_rows(void)
{
	gw_clock_set_fake(T0);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(":memory:", 1000, &st), GW_OK);
	add(1, "app", 10); /* order 10: rows 1, 2 */
	add(2, "app", 10);
	add(3, "app", 20); /* order 20: row 3 */
	add(4, "map", 10); /* same order, another partner */
	add(5, "app", 0);  /* no order */
	add(6, "app", 20);
}

static void test_claim_per_order(void)
{
	struct outbox_row *rows = NULL;
	size_t n = 0;

	setup_rows();
	CU_ASSERT_STRING_EQUAL(due("app", T0), "1,3,5");
	CU_ASSERT_STRING_EQUAL(due("map", T0), "4");
	CU_ASSERT_STRING_EQUAL(due("app", T0 - 1), ""); /* not yet due */
	/* row 1 fails: it waits for its retry and holds row 2 back, nothing else */
	CU_ASSERT_EQUAL(store_outbox_failed(st, ids[1], 1, T0 + 60000, 0, "HTTP 503"), GW_OK);
	CU_ASSERT_STRING_EQUAL(due("app", T0), "3,5");
	CU_ASSERT_STRING_EQUAL(due("map", T0), "4");
	CU_ASSERT_STRING_EQUAL(due("app", T0 + 60000), "1,3,5");
	/* row 1 delivered: row 2 is next of order 10 */
	CU_ASSERT_EQUAL(store_outbox_delivered(st, ids[1], 2), GW_OK);
	CU_ASSERT_EQUAL(store_outbox_delivered(st, ids[1], 2), GW_ENOTFOUND); /* not pending */
	CU_ASSERT_STRING_EQUAL(due("app", T0), "2,3,5");
	/* row 3 delivered: row 6 follows */
	CU_ASSERT_EQUAL(store_outbox_delivered(st, ids[3], 1), GW_OK);
	CU_ASSERT_STRING_EQUAL(due("app", T0), "2,5,6");
	/* claim skips a row in flight and respects the free slots */
	{
		int64_t inflight[1] = {ids[2]};
		CU_ASSERT_EQUAL(outbox_claim(st, "app", T0, 1, inflight, 1, &rows, &n), GW_OK);
		CU_ASSERT_EQUAL_FATAL(n, 1);
		CU_ASSERT_EQUAL(rows[0].id, ids[5]);
		CU_ASSERT_STRING_EQUAL(rows[0].data, "{\"x\":1}");
		CU_ASSERT_STRING_EQUAL(rows[0].partner, "app");
		CU_ASSERT_EQUAL(rows[0].order_id, 0);
		store_outbox_rows_free(rows, n);
		CU_ASSERT_EQUAL(outbox_claim(st, "app", T0, 0, inflight, 1, &rows, &n), GW_OK);
		CU_ASSERT_EQUAL(n, 0);
		CU_ASSERT_PTR_NULL(rows);
	}
	store_close(st);
	st = NULL;
}

static void test_dead_letters(void)
{
	struct outbox_row *rows = NULL;
	size_t n = 0;

	setup_rows();
	/* row 1 dead: order 10 of app is held (in order, never past a gap) */
	CU_ASSERT_EQUAL(store_outbox_failed(st, ids[1], 6, T0, 1, "HTTP 500"), GW_OK);
	CU_ASSERT_STRING_EQUAL(due("app", T0 + 999999), "3,5");
	CU_ASSERT_STRING_EQUAL(due("map", T0), "4");
	CU_ASSERT_EQUAL(store_outbox_list_dead(st, NULL, 0, 10, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(rows[0].id, ids[1]);
	CU_ASSERT_EQUAL(rows[0].state, OUTBOX_DEAD);
	CU_ASSERT_EQUAL(rows[0].attempts, 6);
	CU_ASSERT_STRING_EQUAL(rows[0].last_error, "HTTP 500");
	CU_ASSERT_STRING_EQUAL(rows[0].event_id, "evt-1");
	store_outbox_rows_free(rows, n);
	CU_ASSERT_EQUAL(store_outbox_list_dead(st, "map", 0, 10, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(store_outbox_list_dead(st, "app", ids[1], 10, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	/* an outcome of a stale attempt does not revive it */
	CU_ASSERT_EQUAL(store_outbox_delivered(st, ids[1], 7), GW_ENOTFOUND);
	/* requeue: pending again, attempts 0, due now, order 10 flows again */
	CU_ASSERT_EQUAL(store_outbox_requeue(st, ids[1], T0 + 5), GW_OK);
	CU_ASSERT_EQUAL(store_outbox_requeue(st, ids[1], T0 + 5), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_outbox_requeue(st, 9999, T0), GW_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(due("app", T0), "3,5");
	CU_ASSERT_STRING_EQUAL(due("app", T0 + 5), "1,3,5");
	CU_ASSERT_EQUAL(store_outbox_due(st, "app", T0 + 5, 1, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(rows[0].attempts, 0);
	CU_ASSERT_EQUAL(rows[0].state, OUTBOX_PENDING);
	store_outbox_rows_free(rows, n);
	CU_ASSERT_EQUAL(store_outbox_delivered(st, ids[1], 1), GW_OK);
	CU_ASSERT_STRING_EQUAL(due("app", T0 + 5), "2,3,5");
	store_close(st);
	st = NULL;
}

/* outbox_record: the schedule of the config decides retry or dead. */
static void test_record(void)
{
	static const int sched[] = {60, 300};
	struct hook_result r;
	struct outbox_row *rows = NULL;
	size_t n = 0;
	struct gw_config *cfg = calloc(1, sizeof(*cfg));

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	memcpy(cfg->hook_retry_s, sched, sizeof(sched));
	cfg->n_hook_retries = 2;
	setup_rows();
	memset(&r, 0, sizeof(r));
	r.id = ids[1];
	snprintf(r.partner, sizeof(r.partner), "app");
	snprintf(r.event_id, sizeof(r.event_id), "evt-1");
	snprintf(r.error, sizeof(r.error), "HTTP 503");
	r.attempts = 1;
	CU_ASSERT_EQUAL(outbox_record(st, cfg, &r, 1, T0), GW_OK);
	CU_ASSERT_STRING_EQUAL(due("app", T0 + 59999), "3,5");
	CU_ASSERT_STRING_EQUAL(due("app", T0 + 60000), "1,3,5");
	r.attempts = 2;
	CU_ASSERT_EQUAL(outbox_record(st, cfg, &r, 1, T0 + 60000), GW_OK);
	CU_ASSERT_STRING_EQUAL(due("app", T0 + 359999), "3,5");
	r.attempts = 3; /* the last retry failed: dead */
	CU_ASSERT_EQUAL(outbox_record(st, cfg, &r, 1, T0 + 360000), GW_OK);
	CU_ASSERT_EQUAL(store_outbox_list_dead(st, "app", 0, 10, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	store_outbox_rows_free(rows, n);
	/* success after a requeue */
	CU_ASSERT_EQUAL(store_outbox_requeue(st, ids[1], T0), GW_OK);
	r.ok = 1;
	r.attempts = 1;
	CU_ASSERT_EQUAL(outbox_record(st, cfg, &r, 1, T0), GW_OK);
	CU_ASSERT_STRING_EQUAL(due("app", T0), "2,3,5");
	store_close(st);
	st = NULL;
	free(cfg);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{"sign vectors", test_sign_vectors},
		{"verify with skew", test_verify},
		{"retry schedule", test_retry_schedule},
		{"claim: oldest undelivered per order", test_claim_per_order},
		{"dead letters and requeue", test_dead_letters},
		{"record outcomes", test_record},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {{(char *)"hooks", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
	int failed;

	gw_log_level = GW_LOG_ERR;
	if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
