/* SPDX-License-Identifier: MIT
 * test_remote_stop.c - an operator's remote stop in the domain
 * (domain/remote_stop.c): requested / accepted / rejected, the move to
 * stopping, and order.remote_stop_effective when the end message follows
 * an accepted stop: once per work order, with its delay and the
 * STOP_NOT_EFFECTIVE timeout's verdict; also when the end came before the
 * pile's answer; never for a rejected stop or a repeated end. */
#include <string.h>

#include "common/gw_err.h"
#include "domain/event_names.h"
#include "domain/remote_stop.h"
#include "order_fixture.h"
#include "test_domain.h"

#define ACC (T0 + 10 * MIN) /* the stop's acceptance */

/* A 1.6 session charging since T0, events kept in the store; its order. */
static int64_t charging(struct ofx *o, struct order_row *ord)
{
	int64_t tx;

	ofx_open(o);
	o->rec.st = o->f.st;
	ofx_status(o, T0, CONN_PREPARING, PLUG_UNKNOWN);
	tx = ofx_start(o, T0, 1000);
	ofx_status(o, T0 + 1000, CONN_CHARGING, PLUG_UNKNOWN);
	ofx_order(o, tx, ord);
	return tx;
}

static void request(struct ofx *o, const struct order_row *ord, const char *wo, int64_t at)
{
	CU_ASSERT_EQUAL(domain_order_remote_stop_requested(o->f.d, ord->id, wo, "ops", at), GW_OK);
}

static void answer(struct ofx *o, const struct order_row *ord, const char *wo, int accepted,
		   const char *outcome, int64_t at)
{
	CU_ASSERT_EQUAL(domain_order_remote_stop_result(o->f.d, ord->id, wo, accepted, outcome, at),
			GW_OK);
}

static const struct rec_event *effective(const struct ofx *o, size_t i)
{
	return rec_nth(&o->rec, EV_ORDER_REMOTE_STOP_EFFECTIVE, i);
}

static void test_accepted_then_end(void)
{
	struct ofx o;
	struct order_row ord;
	const struct rec_event *e;
	int64_t tx = charging(&o, &ord);

	request(&o, &ord, "WO-11-1", ACC - 2000);
	answer(&o, &ord, "WO-11-1", 1, "Accepted", ACC);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_STOPPING);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 0);
	ofx_stop(&o, tx, ACC + 30000, 4000);
	CU_ASSERT_EQUAL_FATAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 1);
	e = effective(&o, 0);
	CU_ASSERT_STRING_EQUAL(e->ref, "WO-11-1");
	CU_ASSERT_STRING_EQUAL(e->work_order, "WO-11-1");
	CU_ASSERT_EQUAL(e->source, EVSRC_OPERATOR);
	CU_ASSERT_EQUAL(e->at_ms, ACC + 30000);
	CU_ASSERT_STRING_EQUAL(e->delay_ms, "30000");
	CU_ASSERT_STRING_EQUAL(e->within_timeout, "true");
	/* after order.ended, before the settlement */
	CU_ASSERT(e > rec_nth(&o.rec, EV_ORDER_ENDED, 0));
	CU_ASSERT(e < rec_nth(&o.rec, EV_ORDER_SETTLED, 0));
	CU_ASSERT_STRING_EQUAL(event_type_name(EV_ORDER_REMOTE_STOP_EFFECTIVE),
			       "order.remote_stop_effective");
	/* a repeated end message records nothing twice */
	ofx_stop(&o, tx, ACC + 30000, 4000);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 1);
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM order_events WHERE type ="
				       " 'order.remote_stop_effective'"), 1);
	ofx_close(&o);
}

/* An end stamped past anomaly.stop_timeout_ms: effective, not within. */
static void test_late_end(void)
{
	struct ofx o;
	struct order_row ord;
	int64_t tx = charging(&o, &ord);

	request(&o, &ord, "WO-11-1", ACC);
	answer(&o, &ord, "WO-11-1", 1, "Accepted", ACC);
	ofx_stop(&o, tx, ACC + o.f.cfg.anomaly.stop_timeout_ms + 1000, 4000);
	CU_ASSERT_EQUAL_FATAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 1);
	CU_ASSERT_STRING_EQUAL(effective(&o, 0)->within_timeout, "false");
	ofx_close(&o);
}

/* The pile sent its end message before answering the stop. */
static void test_end_before_answer(void)
{
	struct ofx o;
	struct order_row ord;
	const struct rec_event *e;
	int64_t tx = charging(&o, &ord);

	request(&o, &ord, "WO-11-1", ACC - 1000);
	ofx_stop(&o, tx, ACC - 500, 4000);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 0);
	answer(&o, &ord, "WO-11-1", 1, "Accepted", ACC);
	CU_ASSERT_EQUAL_FATAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 1);
	e = effective(&o, 0);
	CU_ASSERT_STRING_EQUAL(e->ref, "WO-11-1");
	CU_ASSERT_STRING_EQUAL(e->delay_ms, "0");
	CU_ASSERT_STRING_EQUAL(e->within_timeout, "true");
	CU_ASSERT_EQUAL(e->at_ms, ACC - 500);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_NOT_EQUAL(ord.state, ORDER_STOPPING); /* settled stays settled */
	ofx_close(&o);
}

/* Rejected, timed out: the end message that follows marks nothing; two
 * accepted stops are both effective, each once. */
static void test_rejected_and_two_accepted(void)
{
	struct ofx o;
	struct order_row ord;
	int64_t tx = charging(&o, &ord);

	request(&o, &ord, "WO-11-1", ACC - 3000);
	answer(&o, &ord, "WO-11-1", 0, "Rejected", ACC - 2900);
	request(&o, &ord, "WO-11-2", ACC - 2000);
	answer(&o, &ord, "WO-11-2", 0, "Timeout", ACC - 1000);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_CHARGING);
	CU_ASSERT_STRING_EQUAL(rec_nth(&o.rec, EV_ORDER_REMOTE_STOP_REJECTED, 1)->outcome, "Timeout");
	request(&o, &ord, "WO-11-3", ACC - 500);
	answer(&o, &ord, "WO-11-3", 1, "Accepted", ACC);
	request(&o, &ord, "WO-11-4", ACC + 500);
	answer(&o, &ord, "WO-11-4", 1, "Accepted", ACC + 1000);
	ofx_stop(&o, tx, ACC + 5000, 4000);
	CU_ASSERT_EQUAL_FATAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 2);
	CU_ASSERT_STRING_EQUAL(effective(&o, 0)->ref, "WO-11-3");
	CU_ASSERT_STRING_EQUAL(effective(&o, 0)->delay_ms, "5000");
	CU_ASSERT_STRING_EQUAL(effective(&o, 1)->ref, "WO-11-4");
	CU_ASSERT_STRING_EQUAL(effective(&o, 1)->delay_ms, "4000");
	ofx_close(&o);
}

/* No stop at all: the end reads no history and adds no event. */
static void test_no_stop(void)
{
	struct ofx o;
	struct order_row ord;
	int64_t tx = charging(&o, &ord);

	ofx_stop(&o, tx, ACC, 4000);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_REMOTE_STOP_EFFECTIVE), 0);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_ENDED), 1);
	/* a stop of a settled order is refused */
	CU_ASSERT_EQUAL(domain_order_remote_stop_requested(o.f.d, ord.id, "WO-11-1", "ops", ACC + 1),
			GW_ECONFLICT);
	ofx_close(&o);
}

int test_remote_stop_register(void)
{
	static CU_TestInfo tests[] = {
		{"accepted, then the end: effective once", test_accepted_then_end},
		{"end past the stop timeout", test_late_end},
		{"end before the pile's answer", test_end_before_answer},
		{"rejected, timed out, two accepted", test_rejected_and_two_accepted},
		{"no stop, no effective", test_no_stop},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("domain_remote_stop", tests);
}
