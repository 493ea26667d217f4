/* SPDX-License-Identifier: MIT
 * test_orders.c - orders end to end through the domain over a ":memory:"
 * store and a recording sink: one order per transaction, settlement with
 * exact amounts, one case per anomaly scenario (rule, tier, amount to the
 * cent), free cancel, late data re-judging, 2.0.1 totalCost.
 *
 * Tariff of every scenario: energy 0.30 + service 0.05 per kWh, time 1.20
 * per hour, EUR (order_fixture.c).  Lines are rounded half-up per line:
 * e.g. 10.8 kWh for 1 h = 324 + 54 + 120 = 498 cents. */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "domain/event_names.h"
#include "order_fixture.h"

#define FLOW_W 10800.0
#define FLOW_A 16.0

/* ---- the sessions ------------------------------------------------------ */

/* 10.8 kWh in 1 h, plugged at the start, samples every 10 min. */
static int64_t s_clean(struct ofx *o)
{
	int64_t tx = ofx_start(o, T0, 1000);

	ofx_status(o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int i = 1; i <= 5; i++)
		ofx_meter(o, tx, T0 + i * 10 * MIN, 1000 + i * 1800, FLOW_W, FLOW_A);
	ofx_stop(o, tx, T0 + 60 * MIN, 11800);
	ofx_status(o, T0 + 60 * MIN + 1000, CONN_FINISHING, PLUG_UNKNOWN);
	return tx;
}

/* No plug evidence at all, 20 Wh in 30 min: 1 + 0 + 60 = 61, all back (A).
 * ZERO_ENERGY_BILLED fires too but NO_PLUG_BILLED already refunds all. */
static int64_t s_no_plug(struct ofx *o)
{
	int64_t tx;

	ofx_status(o, T0 - MIN, CONN_PREPARING, PLUG_UNKNOWN);
	tx = ofx_start(o, T0, 1000);
	ofx_meter(o, tx, T0 + 15 * MIN, 1010, 0, 0);
	ofx_stop(o, tx, T0 + 30 * MIN, 1020);
	return tx;
}

/* Plugged 20 min after the start, then 7.2 kWh in 40 min: billed
 * 216 + 36 + 120 = 372; the 20 min of time fee before the plug = 40 (B). */
static int64_t s_billed_before_plug(struct ofx *o)
{
	int64_t tx = ofx_start(o, T0, 1000);

	ofx_status(o, T0 + 1000, CONN_PREPARING, PLUG_UNKNOWN);
	ofx_meter(o, tx, T0 + 10 * MIN, 1000, 0, 0);
	ofx_status(o, T0 + 20 * MIN, CONN_CHARGING, PLUG_UNKNOWN);
	ofx_meter(o, tx, T0 + 20 * MIN, 1000, 0, 0); /* nothing before the plug */
	for (int i = 1; i <= 3; i++)
		ofx_meter(o, tx, T0 + (20 + i * 10) * MIN, 1000 + i * 1800, FLOW_W, FLOW_A);
	ofx_stop(o, tx, T0 + 60 * MIN, 8200);
	return tx;
}

/* CHARGING, but flat from +20 to +50 min at 100 W: 30 min of time fee =
 * 60 (B); billed 5.4 kWh 1 h = 162 + 27 + 120 = 309. */
static int64_t s_stall(struct ofx *o)
{
	int64_t tx = ofx_start(o, T0, 1000);
	int64_t e = 1000;

	ofx_status(o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int m = 5; m <= 55; m += 5) {
		int flowing = m < 20 || m > 50;

		if (m <= 20 || m > 50)
			e += 900;
		ofx_meter(o, tx, T0 + m * MIN, (double)e, flowing ? FLOW_W : 100, flowing ? FLOW_A : 0.4);
	}
	ofx_stop(o, tx, T0 + 60 * MIN, e + 900);
	return tx;
}

/* Unplugged (Available) at +30 min, the stop comes at +60: the last
 * 30 min of time fee = 60 (B); billed 162 + 27 + 120 = 309. */
static int64_t s_after_unplug(struct ofx *o)
{
	int64_t tx = ofx_start(o, T0, 1000);

	ofx_status(o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int i = 1; i <= 3; i++)
		ofx_meter(o, tx, T0 + i * 10 * MIN, 1000 + i * 1800, FLOW_W, FLOW_A);
	ofx_status(o, T0 + 30 * MIN, CONN_AVAILABLE, PLUG_NO);
	ofx_meter(o, tx, T0 + 45 * MIN, 6400, 0, 0);
	ofx_stop(o, tx, T0 + 60 * MIN, 6400);
	return tx;
}

/* The register falls 1.6 kWh at +30 min: held (C, 0), order abnormal;
 * billed: the tariff reads the register only at its interval edges (here
 * start and stop), 5.6 kWh in 50 min = 168 + 28 + 100 = 296. */
static int64_t s_regression(struct ofx *o)
{
	static const double e[] = {2800, 4600, 3000, 4800};
	int64_t tx = ofx_start(o, T0, 1000);

	ofx_status(o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int i = 0; i < 4; i++)
		ofx_meter(o, tx, T0 + (i + 1) * 10 * MIN, e[i], FLOW_W, FLOW_A);
	ofx_stop(o, tx, T0 + 50 * MIN, 6600);
	return tx;
}

/* Plugged (SuspendedEV: the car is full), 40 Wh in 20 min: billed
 * 1 + 0 + 40 = 41, all back (A). */
static int64_t s_zero_energy(struct ofx *o)
{
	int64_t tx = ofx_start(o, T0, 1000);

	ofx_status(o, T0, CONN_SUSPENDED_EV, PLUG_UNKNOWN);
	ofx_meter(o, tx, T0 + 10 * MIN, 1020, 0, 0);
	ofx_meter(o, tx, T0 + 20 * MIN, 1040, 0, 0);
	ofx_stop(o, tx, T0 + 20 * MIN, 1040);
	return tx;
}

/* The previous session on the connector was never closed: this one is a
 * duplicate, all of it back (A): 5.4 kWh in 30 min = 162 + 27 + 60 = 249.
 * Returns the second transaction. */
static int64_t s_duplicate(struct ofx *o)
{
	struct tx_event ev = ev16_start(1, "OTHER", 0, T0 - 30 * MIN);
	struct tx_result res;
	int64_t tx;

	CU_ASSERT_EQUAL(domain_tx_event(o->f.d, ofx_src(o, T0 - 30 * MIN), &ev, &res), GW_OK);
	tx = ofx_start(o, T0, 1000);
	ofx_status(o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int i = 1; i <= 3; i++)
		ofx_meter(o, tx, T0 + i * 10 * MIN, 1000 + i * 1800, FLOW_W, FLOW_A);
	ofx_stop(o, tx, T0 + 30 * MIN, 6400);
	return tx;
}

struct scenario {
	const char *name;
	int64_t (*drive)(struct ofx *o);
	int64_t billed_minor;
	const char *rule; /* NULL: no case */
	char tier;
	int64_t amount_minor;
	enum case_state case_state;
	enum order_state order_state;
};

static const struct scenario scenarios[] = {
	{"clean", s_clean, 498, NULL, 0, 0, 0, ORDER_COMPLETED},
	{"no plug", s_no_plug, 61, "NO_PLUG_BILLED", 'A', 61, CASE_AUTO_APPROVED, ORDER_COMPLETED},
	{"billed before plug", s_billed_before_plug, 372, "BILLED_BEFORE_PLUG", 'B', 40,
	 CASE_AUTO_APPROVED, ORDER_COMPLETED},
	{"stall", s_stall, 309, "STALL_BILLED", 'B', 60, CASE_AUTO_APPROVED, ORDER_COMPLETED},
	{"billed after unplug", s_after_unplug, 309, "BILLED_AFTER_UNPLUG", 'B', 60,
	 CASE_AUTO_APPROVED, ORDER_COMPLETED},
	{"meter regression", s_regression, 296, "METER_REGRESSION", 'C', 0, CASE_UNDER_REVIEW,
	 ORDER_ABNORMAL},
	{"zero energy", s_zero_energy, 41, "ZERO_ENERGY_BILLED", 'A', 41, CASE_AUTO_APPROVED,
	 ORDER_COMPLETED},
	{"duplicate transaction", s_duplicate, 249, "DUPLICATE_TRANSACTION", 'A', 249,
	 CASE_AUTO_APPROVED, ORDER_COMPLETED},
};

static void run_scenario(const struct scenario *sc)
{
	struct ofx o;
	struct order_row ord;
	struct case_row cases[8];
	const struct rec_event *e;
	size_t n;
	int64_t tx;

	ofx_open(&o);
	tx = sc->drive(&o);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.billed_minor, sc->billed_minor);
	if (ord.billed_minor != sc->billed_minor)
		fprintf(stderr, "\n    %s: billed %lld\n", sc->name, (long long)ord.billed_minor);
	CU_ASSERT_EQUAL(ord.amount_minor, sc->billed_minor);
	CU_ASSERT_EQUAL(ord.state, sc->order_state);
	CU_ASSERT_STRING_EQUAL(ord.currency, "EUR");
	n = ofx_cases(&o, ord.id, cases, 8);
	if (!sc->rule) {
		CU_ASSERT_EQUAL(n, 0);
		CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_OPENED), 0);
	} else {
		CU_ASSERT_EQUAL_FATAL(n, 1);
		CU_ASSERT_STRING_EQUAL(cases[0].rule, sc->rule);
		CU_ASSERT_EQUAL(cases[0].tier, sc->tier);
		CU_ASSERT_EQUAL(cases[0].amount_minor, sc->amount_minor);
		CU_ASSERT_EQUAL(cases[0].state, sc->case_state);
		CU_ASSERT_EQUAL(cases[0].billed_minor, sc->billed_minor);
		CU_ASSERT_EQUAL(strlen(cases[0].manifest_sha256), 64);
		CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_OPENED), 1);
		e = rec_nth(&o.rec, EV_REFUND_CASE_OPENED, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_STRING_EQUAL(e->rule, sc->rule);
		CU_ASSERT_EQUAL(e->amount_minor, sc->amount_minor);
		CU_ASSERT_EQUAL(e->case_id, cases[0].id);
		CU_ASSERT_EQUAL(e->source, EVSRC_DETECTOR);
		CU_ASSERT(rec_count(&o.rec, EV_ANOMALY_DETECTED) >= 1);
		if (sc->case_state == CASE_UNDER_REVIEW) {
			CU_ASSERT(cases[0].ack_due_ms > 0);
			CU_ASSERT(cases[0].decide_due_ms > cases[0].ack_due_ms - 48 * 60 * MIN);
		} else {
			CU_ASSERT_EQUAL(cases[0].auto_approved, 1);
			CU_ASSERT_EQUAL(cases[0].ack_due_ms, 0);
		}
	}
	/* the order's life as events: started, settling, settled, final */
	CU_ASSERT(rec_count(&o.rec, EV_ORDER_STARTED) >= 1);
	CU_ASSERT(rec_count(&o.rec, EV_ORDER_ENDED) >= 1);
	e = rec_nth(&o.rec, EV_ORDER_SETTLED, rec_count(&o.rec, EV_ORDER_SETTLED) - 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->amount_minor, sc->billed_minor);
	CU_ASSERT_EQUAL(e->order_id, ord.id);
	ofx_close(&o);
}

static void test_scenarios(void)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		size_t before = CU_get_number_of_failures();

		run_scenario(&scenarios[i]);
		if (CU_get_number_of_failures() != before)
			fprintf(stderr, "\n    scenario '%s' failed\n", scenarios[i].name);
	}
}

/* A clean session: the exact events, in order, and what the store holds. */
static void test_clean_session_events(void)
{
	static const enum event_type want[] = {
		EV_ORDER_STARTED,	 EV_ORDER_STATE_CHANGED, /* awaiting_plug -> energy_flowing */
		EV_ORDER_ENDED,		 EV_ORDER_STATE_CHANGED, /* -> settling */
		EV_ORDER_SETTLED,	 EV_ORDER_STATE_CHANGED, /* -> completed */
	};
	struct ofx o;
	struct order_row ord;
	int64_t tx;

	ofx_open(&o);
	tx = s_clean(&o);
	CU_ASSERT_EQUAL_FATAL(o.rec.n_ev, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < o.rec.n_ev; i++)
		CU_ASSERT_EQUAL(o.rec.ev[i].type, want[i]);
	CU_ASSERT_STRING_EQUAL(o.rec.ev[1].sub_state, "energy_flowing");
	CU_ASSERT_STRING_EQUAL(o.rec.ev[3].to, "settling");
	CU_ASSERT_STRING_EQUAL(o.rec.ev[5].to, "completed");
	CU_ASSERT_EQUAL(o.rec.ev[0].source, EVSRC_PILE);
	CU_ASSERT_STRING_EQUAL(o.rec.ev[0].ref, "1"); /* the start's frame seq */
	ofx_order(&o, tx, &ord);
	CU_ASSERT_STRING_EQUAL(ord.number, "11");
	CU_ASSERT_EQUAL(ord.energy_wh, 10800);
	CU_ASSERT_EQUAL(ord.bill_start_ms, T0);
	CU_ASSERT_EQUAL(ord.bill_end_ms, T0 + 60 * MIN);
	CU_ASSERT_EQUAL(ord.rerated_minor, 498);
	CU_ASSERT_EQUAL(ord.started_ms, T0);
	CU_ASSERT_EQUAL(ord.ended_ms, T0 + 60 * MIN);
	CU_ASSERT_STRING_EQUAL(ord.tariff_id, "default");
	CU_ASSERT_EQUAL(ord.tariff.periods[0].time_per_hour_e4, 12000);
	CU_ASSERT_EQUAL(ord.p_max_w, 22000);
	CU_ASSERT_EQUAL(ord.dc, 0);
	/* the Finishing status after the stop touches no settled order */
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM orders"), 1);
	ofx_close(&o);
}

/* A resent StartTransaction makes no second order and no event. */
static void test_replayed_start(void)
{
	struct ofx o;
	struct tx_event ev = ev16_start(1, "TAG", 1000, T0);
	struct tx_result a, b;

	ofx_open(&o);
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0), &ev, &a), GW_OK);
	ev.pile_ms = T0 + 1500; /* within +-2 s */
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 60000), &ev, &b), GW_OK);
	CU_ASSERT_EQUAL(b.duplicate, 1);
	CU_ASSERT_EQUAL(b.tx_id, a.tx_id);
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM orders"), 1);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_STARTED), 1);
	ofx_stop(&o, a.tx_id, T0 + 20 * MIN, 1000);
	ofx_stop(&o, a.tx_id, T0 + 20 * MIN, 1000); /* a repeated stop changes nothing */
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_ENDED), 1);
	ofx_close(&o);
}

/* Stopped 5 min after the plug with 50 Wh: cancelled, amount 0, no case. */
static void test_free_cancel(void)
{
	struct ofx o;
	struct order_row ord;
	const struct rec_event *e;
	int64_t tx;

	ofx_open(&o);
	tx = ofx_start(&o, T0, 1000);
	ofx_status(&o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	ofx_stop(&o, tx, T0 + 5 * MIN, 1050);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_CANCELLED);
	CU_ASSERT_EQUAL(ord.amount_minor, 0);
	CU_ASSERT_EQUAL(ord.billed_minor, 2 + 0 + 10); /* what the pile would have billed */
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM refund_cases"), 0);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_CANCELLED), 1);
	e = rec_nth(&o.rec, EV_ORDER_CANCELLED, 0);
	CU_ASSERT_EQUAL(e->amount_minor, 0);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_SETTLED), 0);
	/* 16 min is past the window: billed as usual */
	tx = ofx_start(&o, T0 + 60 * MIN, 2000);
	ofx_status(&o, T0 + 60 * MIN, CONN_CHARGING, PLUG_UNKNOWN);
	ofx_meter(&o, tx, T0 + 70 * MIN, 2200, FLOW_W, FLOW_A);
	ofx_stop(&o, tx, T0 + 76 * MIN, 2200);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_COMPLETED);
	CU_ASSERT_EQUAL(ord.amount_minor, 6 + 1 + 32);
	ofx_close(&o);
}

/* Meter values stamped inside a settled session arrive late and show the
 * register falling: the order is re-judged (a case opens, completed ->
 * abnormal); the same late values again change nothing. */
static void test_late_meter_values(void)
{
	struct ofx o;
	struct order_row ord;
	struct case_row cases[4];
	int64_t tx;
	size_t opened;

	ofx_open(&o);
	tx = s_clean(&o);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_COMPLETED);
	ofx_meter(&o, tx, T0 + 35 * MIN, 3000, FLOW_W, FLOW_A); /* below 6400 at +30 */
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_ABNORMAL);
	CU_ASSERT_EQUAL_FATAL(ofx_cases(&o, ord.id, cases, 4), 1);
	CU_ASSERT_STRING_EQUAL(cases[0].rule, "METER_REGRESSION");
	opened = rec_count(&o.rec, EV_REFUND_CASE_OPENED);
	CU_ASSERT_EQUAL(opened, 1);
	ofx_meter(&o, tx, T0 + 36 * MIN, 3100, FLOW_W, FLOW_A);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_OPENED), opened);
	CU_ASSERT_EQUAL(ofx_cases(&o, ord.id, cases, 4), 1);
	ofx_close(&o);
}

/* A remote stop was accepted at +30 min; the sweep opens
 * STOP_NOT_EFFECTIVE while the transaction stays open; the late stop
 * (stamped +50 min) amends that case to its final amount instead of
 * opening a second one.  Billed 9 kWh in 50 min = 270 + 45 + 100 = 415;
 * without [+31, +50) = 167 + 28 + 62 = 257: refund 158 (A). */
static void test_late_stop_amends(void)
{
	struct ofx o;
	struct order_row ord;
	struct case_row cases[4];
	const struct rec_event *e;
	int64_t tx, id;

	ofx_open(&o);
	tx = ofx_start(&o, T0, 1000);
	ofx_status(&o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int i = 1; i <= 3; i++)
		ofx_meter(&o, tx, T0 + i * 10 * MIN, 1000 + i * 1800, FLOW_W, FLOW_A);
	CU_ASSERT_EQUAL(store_command_insert(o.f.st, "CP1", "c1", "RemoteStopTransaction",
					     "[2,\"c1\",\"RemoteStopTransaction\",{\"transactionId\":1}]",
					     T0 + 30 * MIN, &id),
			GW_OK);
	CU_ASSERT_EQUAL(store_command_finish(o.f.st, id, CMD_ACCEPTED, "{\"status\":\"Accepted\"}",
					     T0 + 30 * MIN),
			GW_OK);
	/* +31:01 the trigger, +36 the finding */
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 31 * MIN + 1000), GW_OK);
	CU_ASSERT_EQUAL_FATAL(o.rec.n_cmd, 1);
	CU_ASSERT_EQUAL(o.rec.cmd[0].kind, DCMD_TRIGGER_TX_STATUS);
	CU_ASSERT_EQUAL(o.rec.cmd[0].tx_id, tx);
	CU_ASSERT_STRING_EQUAL(o.rec.cmd[0].pile, "CP1");
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 36 * MIN), GW_OK);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_CHARGING);
	CU_ASSERT_EQUAL_FATAL(ofx_cases(&o, ord.id, cases, 4), 1);
	CU_ASSERT_STRING_EQUAL(cases[0].rule, "STOP_NOT_EFFECTIVE");
	CU_ASSERT_EQUAL(cases[0].amount_minor, 10); /* 5 min of time fee so far */
	/* a second sweep opens nothing more */
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 40 * MIN), GW_OK);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_OPENED), 1);
	ofx_meter(&o, tx, T0 + 40 * MIN, 8200, FLOW_W, FLOW_A);
	ofx_stop(&o, tx, T0 + 50 * MIN, 10000);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.billed_minor, 415);
	CU_ASSERT_EQUAL(ord.state, ORDER_COMPLETED);
	CU_ASSERT_EQUAL_FATAL(ofx_cases(&o, ord.id, cases, 4), 1);
	CU_ASSERT_EQUAL(cases[0].amount_minor, 158);
	CU_ASSERT_EQUAL(cases[0].state, CASE_AUTO_APPROVED);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_OPENED), 1);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_UPDATED), 1);
	e = rec_nth(&o.rec, EV_REFUND_CASE_UPDATED, 0);
	CU_ASSERT_EQUAL(e->amount_minor, 158);
	/* two bundles of six items, one manifest over all of them */
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM case_evidence"), 12);
	ofx_close(&o);
}

/* Without a sink (ingest unit tests) orders still exist; nothing is sent. */
static void test_no_sink(void)
{
	struct fx f;
	struct tx_event ev = ev16_start(1, "TAG", 0, T0);
	struct tx_result res;

	fx_open(&f);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &res), GW_OK);
	ev = ev16_stop(res.tx_id, 100, T0 + 30 * MIN);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &res), GW_OK);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM orders WHERE state <> 'charging'"), 1);
	CU_ASSERT_EQUAL(domain_sweep(f.d, T0 + 40 * MIN), GW_OK);
	fx_close(&f);
}

/* An orphan 1.6 stop (a transactionId we never issued) makes an orphan
 * order and settles it. */
static void test_orphan_stop(void)
{
	struct ofx o;
	struct tx_event ev = ev16_stop(4242, 5000, T0 + 30 * MIN);
	struct tx_result res;
	struct order_row ord;

	ofx_open(&o);
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 30 * MIN), &ev, &res), GW_OK);
	ofx_order(&o, res.tx_id, &ord);
	CU_ASSERT_EQUAL(ord.orphan, 1);
	CU_ASSERT(ord.state == ORDER_COMPLETED || ord.state == ORDER_ABNORMAL ||
		  ord.state == ORDER_CANCELLED);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_STARTED), 1);
	ofx_close(&o);
}

/* 2.0.1: totalCost only for a pile with cost support; running on Updated,
 * final on Ended; the order keeps the pile's transactionId. */
static void test_201_total_cost(void)
{
	struct ofx o;
	struct device_var v;
	struct tx_result res;
	struct order_row ord;
	struct meter_sample s[2];
	struct tx_event ev;

	ofx_open(&o);
	memset(&v, 0, sizeof(v));
	strcpy(v.component, "TariffCostCtrlr");
	strcpy(v.variable, "Enabled");
	strcpy(v.variable_instance, "Cost");
	strcpy(v.attribute, "Actual");
	strcpy(v.value, "true");
	v.evse_id = v.connector_id = -1;
	CU_ASSERT_EQUAL(domain_device_vars(o.f.d, ofx_src(&o, T0 - MIN), &v, 1), GW_OK);

	ev = ev201(TX_STARTED, "TX-1", 0, T0);
	strcpy(ev.id_token, "TAG");
	ev.charging_state = CONN_CHARGING;
	ev.plugged = PLUG_YES;
	ev.have_meter = 1;
	ev.meter_wh = 1000;
	s[0] = smp_wh(T0, 1000);
	ev.samples = s;
	ev.n_samples = 1;
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0), &ev, &res), GW_OK);
	CU_ASSERT_EQUAL(res.have_cost, 1);
	CU_ASSERT_EQUAL(res.total_cost_minor, 0);
	CU_ASSERT_STRING_EQUAL(res.currency, "EUR");

	ev = ev201(TX_UPDATED, "TX-1", 1, T0 + 30 * MIN);
	s[0] = smp_wh(T0 + 30 * MIN, 6400);
	ev.samples = s;
	ev.n_samples = 1;
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 30 * MIN), &ev, &res), GW_OK);
	CU_ASSERT_EQUAL(res.have_cost, 1);
	CU_ASSERT_EQUAL(res.total_cost_minor, 162 + 27 + 60);

	ev = ev201(TX_ENDED, "TX-1", 2, T0 + 60 * MIN);
	ev.have_meter = 1;
	ev.meter_wh = 11800;
	strcpy(ev.stop_reason, "Local");
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 60 * MIN), &ev, &res), GW_OK);
	CU_ASSERT_EQUAL(res.have_cost, 1);
	CU_ASSERT_EQUAL(res.total_cost_minor, 498);
	CU_ASSERT_EQUAL_FATAL(store_order_get_by_tx(o.f.st, res.tx_id, &ord), GW_OK);
	CU_ASSERT_STRING_EQUAL(ord.pile_tx_id, "TX-1");
	CU_ASSERT_EQUAL(ord.state, ORDER_COMPLETED);
	CU_ASSERT_EQUAL(ord.amount_minor, 498);

	/* the replayed Ended is a no-op: same order, nothing emitted */
	{
		size_t n = o.rec.n_ev;

		CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 61 * MIN), &ev, &res), GW_OK);
		CU_ASSERT_EQUAL(res.duplicate, 1);
		CU_ASSERT_EQUAL(o.rec.n_ev, n);
	}
	/* CP2 has no cost support: no totalCost */
	o.f.src.identity = "CP2";
	ev = ev201(TX_STARTED, "TX-2", 0, T0);
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0), &ev, &res), GW_OK);
	CU_ASSERT_EQUAL(res.have_cost, 0);
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM orders"), 2);
	ofx_close(&o);
}

/* An Updated before its Started (offline reordering) makes an orphan
 * order; the Started then fills it: still one order. */
static void test_201_updated_before_started(void)
{
	struct ofx o;
	struct tx_result res;
	struct order_row ord;
	struct tx_event ev;

	ofx_open(&o);
	ev = ev201(TX_UPDATED, "TX-9", 1, T0 + MIN);
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 2 * MIN), &ev, &res), GW_OK);
	ofx_order(&o, res.tx_id, &ord);
	CU_ASSERT_EQUAL(ord.orphan, 1);
	ev = ev201(TX_STARTED, "TX-9", 0, T0);
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 2 * MIN), &ev, &res), GW_OK);
	ofx_order(&o, res.tx_id, &ord);
	CU_ASSERT_EQUAL(ord.orphan, 0);
	CU_ASSERT_EQUAL(ord.started_ms, T0);
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM orders"), 1);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_ORDER_STARTED), 1);
	ofx_close(&o);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(event_type_name(EV_REFUND_CASE_OPENED), "refund_case.opened");
	CU_ASSERT_STRING_EQUAL(event_type_name(EV_ORDER_STATE_CHANGED), "order.state_changed");
	CU_ASSERT_STRING_EQUAL(event_type_name(EV_TYPE_COUNT), "unknown");
	for (int i = 0; i < EV_TYPE_COUNT; i++)
		CU_ASSERT_STRING_NOT_EQUAL(event_type_name(i), "unknown");
	CU_ASSERT_STRING_EQUAL(event_source_name(EVSRC_DETECTOR), "detector");
	CU_ASSERT_STRING_EQUAL(event_source_name(EVSRC_PILE), "pile");
}

int test_orders_register(void)
{
	static CU_TestInfo tests[] = {
		{"anomaly scenarios: one case, rule, tier, amount", test_scenarios},
		{"clean 1.6 session: events and amounts", test_clean_session_events},
		{"replayed start: no second order", test_replayed_start},
		{"free cancel", test_free_cancel},
		{"late meter values re-judge", test_late_meter_values},
		{"late stop amends the sweep's case", test_late_stop_amends},
		{"no sink", test_no_sink},
		{"orphan stop", test_orphan_stop},
		{"2.0.1 totalCost", test_201_total_cost},
		{"2.0.1 Updated before Started", test_201_updated_before_started},
		{"event names", test_names},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("domain_orders", tests);
}
