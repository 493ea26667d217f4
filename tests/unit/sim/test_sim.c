/* SPDX-License-Identifier: MIT
 *
 * test_sim.c - CUnit tests for the simulator's pure parts: histogram
 * percentiles, the offline queue, the meter model, OCPP-J frames, URL
 * handling and the virtual clock.  Scenario parsing is in
 * test_sim_scenario.c.  Nothing here opens a socket or sleeps.
 */
#include <math.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "sim_frame.h"
#include "sim_hist.h"
#include "sim_meter.h"
#include "sim_queue.h"
#include "sim_url.h"
#include "sim_vclock.h"
#include "test_sim.h"

/* ---- histogram -------------------------------------------------------- */

static void test_hist_buckets_monotonic(void)
{
	unsigned prev = 0;

	for (uint64_t v = 0; v < 200000; v += 7) {
		unsigned b = sim_hist_bucket(v);

		CU_ASSERT(b >= prev);
		CU_ASSERT(b < SIM_HIST_BUCKETS);
		CU_ASSERT(sim_hist_bucket_high(b) >= v);
		prev = b;
	}
	CU_ASSERT(sim_hist_bucket(UINT64_MAX) == SIM_HIST_BUCKETS - 1);
	CU_ASSERT(sim_hist_bucket_high(SIM_HIST_BUCKETS - 1) == UINT64_MAX);
}

static void test_hist_percentiles(void)
{
	struct sim_hist h;

	sim_hist_init(&h);
	CU_ASSERT_EQUAL(sim_hist_percentile(&h, 99), 0);
	for (uint64_t v = 1; v <= 10000; v++)
		sim_hist_record(&h, v);
	CU_ASSERT_EQUAL(h.total, 10000);
	CU_ASSERT_EQUAL(sim_hist_percentile(&h, 0), 1);
	CU_ASSERT_EQUAL(sim_hist_percentile(&h, 100), 10000);
	/* within the 1/32 bucket width of the exact value, never below it */
	CU_ASSERT(sim_hist_percentile(&h, 50) >= 5000 && sim_hist_percentile(&h, 50) <= 5000 * 33 / 32);
	CU_ASSERT(sim_hist_percentile(&h, 99) >= 9900 && sim_hist_percentile(&h, 99) <= 10000);
	CU_ASSERT(sim_hist_percentile(&h, 99.9) >= 9990 && sim_hist_percentile(&h, 99.9) <= 10000);
	CU_ASSERT(fabs(sim_hist_mean(&h) - 5000.5) < 1e-6);
}

static void test_hist_small_exact_and_merge(void)
{
	struct sim_hist a, b;

	sim_hist_init(&a);
	sim_hist_init(&b);
	for (int i = 0; i < 90; i++)
		sim_hist_record(&a, 10);
	for (int i = 0; i < 10; i++)
		sim_hist_record(&b, 50);
	sim_hist_merge(&a, &b);
	CU_ASSERT_EQUAL(a.total, 100);
	CU_ASSERT_EQUAL(sim_hist_percentile(&a, 90), 10); /* values < 64 are exact */
	CU_ASSERT_EQUAL(sim_hist_percentile(&a, 91), 50);
	CU_ASSERT_EQUAL(a.min, 10);
	CU_ASSERT_EQUAL(a.max, 50);
}

/* ---- queue ------------------------------------------------------------ */

static struct sim_msg *msg(const char *action, int flags)
{
	return sim_msg_new(action, json_object_new_object(), flags);
}

static void test_queue_fifo_and_offline_drop(void)
{
	struct sim_queue q;
	struct sim_msg *m;

	sim_queue_init(&q, 0);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("StartTransaction", SIM_MSG_TX)), GW_OK);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("Heartbeat", 0)), GW_OK);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("MeterValues", SIM_MSG_TX)), GW_OK);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("StatusNotification", 0)), GW_OK);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("StopTransaction", SIM_MSG_TX)), GW_OK);
	CU_ASSERT_EQUAL(q.len, 5);
	CU_ASSERT_EQUAL(sim_queue_count(&q, SIM_MSG_TX), 3);
	/* the link drops: only transaction messages stay, in order */
	CU_ASSERT_EQUAL(sim_queue_drop_volatile(&q), 2);
	CU_ASSERT_EQUAL(q.len, 3);
	m = sim_queue_pop(&q);
	CU_ASSERT_STRING_EQUAL(m->action, "StartTransaction");
	sim_msg_free(m);
	m = sim_queue_pop(&q);
	CU_ASSERT_STRING_EQUAL(m->action, "MeterValues");
	sim_msg_free(m);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("Heartbeat", 0)), GW_OK);
	m = sim_queue_pop(&q);
	CU_ASSERT_STRING_EQUAL(m->action, "StopTransaction");
	sim_msg_free(m);
	m = sim_queue_pop(&q);
	CU_ASSERT_STRING_EQUAL(m->action, "Heartbeat"); /* tail was fixed by the drop */
	sim_msg_free(m);
	CU_ASSERT_PTR_NULL(sim_queue_pop(&q));
	sim_queue_cleanup(&q);
}

static void test_queue_ceiling(void)
{
	struct sim_queue q;
	struct sim_msg *m;

	sim_queue_init(&q, 3);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("A", SIM_MSG_TX)), GW_OK);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("B", 0)), GW_OK);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("C", SIM_MSG_TX)), GW_OK);
	m = msg("D", 0);
	CU_ASSERT_EQUAL(sim_queue_push(&q, m), GW_EBUSY); /* full, and D is volatile */
	sim_msg_free(m);
	CU_ASSERT_EQUAL(sim_queue_push(&q, msg("E", SIM_MSG_TX)), GW_OK); /* B made room */
	CU_ASSERT_EQUAL(q.len, 3);
	CU_ASSERT_EQUAL(q.dropped, 2);
	m = sim_queue_pop(&q);
	CU_ASSERT_STRING_EQUAL(m->action, "A");
	sim_msg_free(m);
	m = sim_queue_pop(&q);
	CU_ASSERT_STRING_EQUAL(m->action, "C");
	sim_msg_free(m);
	sim_queue_cleanup(&q);
	CU_ASSERT_EQUAL(q.len, 0);
}

/* ---- meter ------------------------------------------------------------ */

static void test_meter_integrates_power(void)
{
	struct sim_meter m;
	struct sim_meter_reading r;

	sim_meter_init(&m, 1000, 0);
	sim_meter_set_power(&m, 7400, 0);
	sim_meter_advance(&m, 30 * 60 * 1000); /* 7.4 kW for 30 min */
	CU_ASSERT_DOUBLE_EQUAL(m.energy_wh, 1000 + 3700, 1e-6);
	sim_meter_set_power(&m, 0, 30 * 60 * 1000);
	sim_meter_advance(&m, 60 * 60 * 1000);
	CU_ASSERT_DOUBLE_EQUAL(m.energy_wh, 4700, 1e-6);
	sim_meter_advance(&m, 10); /* time going back integrates nothing */
	CU_ASSERT_DOUBLE_EQUAL(m.energy_wh, 4700, 1e-6);
	sim_meter_set_power(&m, 11000, 60 * 60 * 1000);
	sim_meter_read(&m, &r);
	CU_ASSERT_STRING_EQUAL(r.energy_unit, "Wh");
	CU_ASSERT_DOUBLE_EQUAL(r.current_a, 11000.0 / (230 * 3), 1e-9);
	CU_ASSERT_EQUAL(sim_meter_register_int(&m), 4700);
}

static void test_meter_kwh_and_backwards(void)
{
	struct sim_meter m;
	struct sim_meter_reading r;

	sim_meter_init(&m, 12345, 0);
	m.kwh = 1;
	sim_meter_read(&m, &r);
	CU_ASSERT_STRING_EQUAL(r.energy_unit, "kWh");
	CU_ASSERT_DOUBLE_EQUAL(r.energy, 12.345, 1e-9);
	CU_ASSERT_EQUAL(sim_meter_register_int(&m), 12); /* the Wh/kWh mix-up */
	m.kwh = 0;
	m.backwards = 1;
	sim_meter_set_power(&m, 3600, 0);
	sim_meter_advance(&m, 3600 * 1000); /* 3.6 kWh delivered, register falls */
	CU_ASSERT_DOUBLE_EQUAL(m.energy_wh, 12345 - 3600, 1e-6);
	sim_meter_advance(&m, 4 * 3600 * 1000); /* never below zero */
	CU_ASSERT(m.energy_wh >= 0);
	sim_meter_inject(&m, 500);
	CU_ASSERT(m.energy_wh >= 500);
}

/* ---- frames ----------------------------------------------------------- */

static void test_frame_build(void)
{
	struct json_object *p = json_object_new_object();
	char *s;

	json_object_object_add(p, "idTag", json_object_new_string("A/B"));
	s = sim_frame_call("1", "Authorize", p);
	CU_ASSERT_STRING_EQUAL(s, "[2,\"1\",\"Authorize\",{\"idTag\":\"A/B\"}]");
	gw_free(s);
	s = sim_frame_call("2", "Heartbeat", NULL);
	CU_ASSERT_STRING_EQUAL(s, "[2,\"2\",\"Heartbeat\",{}]");
	gw_free(s);
	s = sim_frame_result("x", p);
	CU_ASSERT_STRING_EQUAL(s, "[3,\"x\",{\"idTag\":\"A/B\"}]");
	gw_free(s);
	s = sim_frame_error("y", "NotImplemented", "");
	CU_ASSERT_STRING_EQUAL(s, "[4,\"y\",\"NotImplemented\",\"\",{}]");
	gw_free(s);
	json_object_put(p);
}

static void test_frame_parse(void)
{
	struct sim_frame f;
	const char *call = "[2,\"a1\",\"RemoteStopTransaction\",{\"transactionId\":7}]";
	const char *err = "[4,\"a2\",\"GenericError\",\"oops\",{}]";

	CU_ASSERT_EQUAL(sim_frame_parse(call, strlen(call), &f), GW_OK);
	CU_ASSERT_EQUAL(f.type, SIM_FRAME_CALL);
	CU_ASSERT_STRING_EQUAL(f.id, "a1");
	CU_ASSERT_STRING_EQUAL(f.action, "RemoteStopTransaction");
	CU_ASSERT_EQUAL(json_object_get_int(sim_json_path(f.payload, "transactionId")), 7);
	sim_frame_cleanup(&f);
	CU_ASSERT_EQUAL(sim_frame_parse(err, strlen(err), &f), GW_OK);
	CU_ASSERT_STRING_EQUAL(f.err_code, "GenericError");
	sim_frame_cleanup(&f);
	CU_ASSERT_EQUAL(sim_frame_parse("[3,\"a\",{}]x", 12, &f), GW_EFORMAT);
	CU_ASSERT_EQUAL(sim_frame_parse("{\"a\":1}", 7, &f), GW_EPROTO);
	CU_ASSERT_EQUAL(sim_frame_parse("[5,\"a\",{}]", 10, &f), GW_EPROTO);
	CU_ASSERT_EQUAL(sim_frame_parse("[2,\"a\",\"X\"]", 11, &f), GW_EPROTO);
}

static void test_json_path(void)
{
	struct json_object *o = json_tokener_parse("{\"a\":{\"b\":[{\"c\":\"d\"}]}}");

	CU_ASSERT_STRING_EQUAL(json_object_get_string(sim_json_path(o, "a.b.0.c")), "d");
	CU_ASSERT_PTR_NULL(sim_json_path(o, "a.x"));
	CU_ASSERT_PTR_NULL(sim_json_path(o, "a.b.3"));
	json_object_put(o);
}

/* ---- URL and clock ---------------------------------------------------- */

static void test_url(void)
{
	struct sim_url u;
	char path[128];
	const char *why;

	CU_ASSERT_EQUAL(sim_url_parse("ws://127.0.0.1:9000/ocpp/", &u, &why), GW_OK);
	CU_ASSERT_EQUAL(u.tls, 0);
	CU_ASSERT_STRING_EQUAL(u.host, "127.0.0.1");
	CU_ASSERT_EQUAL(u.port, 9000);
	CU_ASSERT_STRING_EQUAL(u.prefix, "/ocpp");
	CU_ASSERT_EQUAL(sim_url_path(&u, "CP 01/ä", path, sizeof(path)), GW_OK);
	CU_ASSERT_STRING_EQUAL(path, "/ocpp/CP%2001%2F%C3%A4");
	CU_ASSERT_EQUAL(sim_url_parse("wss://[::1]/x", &u, &why), GW_OK);
	CU_ASSERT_EQUAL(u.port, 443);
	CU_ASSERT_STRING_EQUAL(u.host, "::1");
	CU_ASSERT_EQUAL(sim_url_parse("http://a/b", &u, &why), GW_EINVAL);
	CU_ASSERT_EQUAL(sim_url_parse("ws://a:99999/b", &u, &why), GW_EINVAL);
	CU_ASSERT_EQUAL(sim_url_parse("ws://:80/b", &u, &why), GW_EINVAL);
	CU_ASSERT_EQUAL(sim_url_parse("ws://u:p@a/b", &u, &why), GW_EINVAL);
}

static void test_vclock(void)
{
	struct sim_vclock c;

	gw_clock_set_fake(1700000000000);
	sim_vclock_start(&c, 60.0, 3600 * 1000);
	CU_ASSERT_EQUAL(sim_vclock_now(&c), 1700000000000 - 3600 * 1000);
	gw_clock_advance(1000); /* one real second = one pile minute */
	CU_ASSERT_EQUAL(sim_vclock_now(&c), 1700000000000 - 3600 * 1000 + 60000);
	CU_ASSERT_EQUAL(sim_vclock_real_ms(&c, 300000), 5000);
	c.offset_ms = 600000;
	CU_ASSERT_EQUAL(sim_vclock_now(&c), 1700000000000 - 3000 * 1000 + 60000);
	gw_clock_set_fake(0);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("sim", NULL, NULL);
	CU_add_test(s, "hist buckets", test_hist_buckets_monotonic);
	CU_add_test(s, "hist percentiles", test_hist_percentiles);
	CU_add_test(s, "hist small values and merge", test_hist_small_exact_and_merge);
	CU_add_test(s, "queue fifo and offline drop", test_queue_fifo_and_offline_drop);
	CU_add_test(s, "queue ceiling", test_queue_ceiling);
	CU_add_test(s, "meter integrates power", test_meter_integrates_power);
	CU_add_test(s, "meter kWh and backwards", test_meter_kwh_and_backwards);
	CU_add_test(s, "frame build", test_frame_build);
	CU_add_test(s, "frame parse", test_frame_parse);
	CU_add_test(s, "json path", test_json_path);
	CU_add_test(s, "url", test_url);
	CU_add_test(s, "virtual clock", test_vclock);
	if (test_sim_add_scenario()) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
