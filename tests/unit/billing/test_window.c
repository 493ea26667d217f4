/* SPDX-License-Identifier: MIT
 *
 * test_window.c - bill_start and bill_end by table (PREPARING is no
 * evidence, plug before authorization, current flowing, each end cause),
 * then the billed and the re-rated amounts of one session.
 */
#include <stdio.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "test_billing.h"

static void w_preparing(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_status(b, MIN(5), CONN_CHARGING);
	tlb_charge(b, 5, 30);
	tlb_stop(b, MIN(30), "Local");
}

static void w_plug_before_auth(struct tlb *b)
{
	tlb_plug(b, MIN(-10), PLUG_YES); /* 2.0.1 CablePluggedIn before the tag */
	tlb_plug(b, MIN(-9), PLUG_UNKNOWN);
	tlb_charge(b, 0, 30);
	tlb_stop(b, MIN(30), "Local");
}

static void w_current_flows(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_flat(b, 0, 2);
	tlb_charge(b, 2, 30); /* first flowing row at minute 3 */
	tlb_stop(b, MIN(30), "Local");
}

static void w_never(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_flat(b, 0, 30);
	tlb_stop(b, MIN(30), "Local");
}

static void w_fault(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 30);
	tlb_status(b, MIN(30), CONN_FAULTED);
	tlb_flat(b, 30, 60);
	tlb_stop(b, MIN(60), "Other");
}

static void w_fault_report(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 60);
	tlb_fault(b, MIN(25));
	tlb_fault(b, MIN(-5)); /* before the plug: not this session's */
	tlb_stop(b, MIN(60), "Local");
}

static void w_unplug(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 40);
	tlb_status(b, MIN(40), CONN_AVAILABLE);
	tlb_stop(b, MIN(60), "Local");
}

static void w_remote_stop(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 60);
	tlb_cmd(b, TL_CMD_REMOTE_STOP, MIN(10), 0); /* rejected: no effect */
	tlb_cmd(b, TL_CMD_REMOTE_STOP, MIN(20) - 800, MIN(20));
	tlb_stop(b, MIN(60), "Remote");
}

static void w_open(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 60);
	b->tl.now_ms = MIN(61);
}

static void w_stale(struct tlb *b)
{
	tlb_status(b, MIN(-60), CONN_CHARGING); /* the previous driver */
	tlb_status(b, MIN(-30), CONN_AVAILABLE);
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_status(b, MIN(4), CONN_CHARGING);
	tlb_charge(b, 4, 30);
	tlb_stop(b, MIN(30), "Local");
}

static void w_no_auth(struct tlb *b)
{
	b->tl.auth_ms = 0; /* local start: the tx start counts */
	tlb_status(b, MIN(-3), CONN_SUSPENDED_EV);
	tlb_charge(b, 0, 30);
	tlb_stop(b, MIN(30), "Local");
}

static const struct window_row {
	const char *name;
	void (*build)(struct tlb *);
	int has_plug;
	int64_t start_ms, end_ms;
	enum billing_end_cause cause;
} window_rows[] = {
	{"1.6 PREPARING is not evidence", w_preparing, 1, MIN(5), MIN(30), BILLING_END_MESSAGE},
	{"plugged before authorization", w_plug_before_auth, 1, MIN(0), MIN(30),
	 BILLING_END_MESSAGE},
	{"current flowing is evidence", w_current_flows, 1, MIN(3), MIN(30), BILLING_END_MESSAGE},
	{"no evidence at all", w_never, 0, MIN(30), MIN(30), BILLING_END_MESSAGE},
	{"FAULTED ends it", w_fault, 1, MIN(0), MIN(30), BILLING_END_FAULT},
	{"a fault report ends it", w_fault_report, 1, MIN(0), MIN(25), BILLING_END_FAULT},
	{"unplug ends it", w_unplug, 1, MIN(0), MIN(40), BILLING_END_UNPLUG},
	{"remote stop accepted + 60 s", w_remote_stop, 1, MIN(0), MIN(21),
	 BILLING_END_REMOTE_STOP},
	{"open: up to now", w_open, 1, MIN(0), MIN(61), BILLING_END_OPEN},
	{"the previous driver's plug is stale", w_stale, 1, MIN(4), MIN(30), BILLING_END_MESSAGE},
	{"no authorization: from the tx start", w_no_auth, 1, MIN(0), MIN(30),
	 BILLING_END_MESSAGE},
};

static void test_window_table(void)
{
	struct anomaly_thresholds th;

	anomaly_thresholds_default(&th);
	for (size_t i = 0; i < sizeof(window_rows) / sizeof(window_rows[0]); i++) {
		const struct window_row *r = &window_rows[i];
		struct billing_window w;
		struct tlb b;

		tlb_init(&b);
		r->build(&b);
		CU_ASSERT_EQUAL_FATAL(billing_window(tlb_done(&b), &th, &w), GW_OK);
		if (w.has_plug != r->has_plug || w.start_ms != r->start_ms || w.end_ms != r->end_ms ||
		    w.end_cause != r->cause)
			fprintf(stderr, "\nwindow row '%s': plug %d start %+lld s end %+lld s cause %d\n",
				r->name, w.has_plug, (long long)(w.start_ms - T0_MS) / 1000,
				(long long)(w.end_ms - T0_MS) / 1000, (int)w.end_cause);
		CU_ASSERT_EQUAL(w.has_plug, r->has_plug);
		CU_ASSERT_EQUAL(w.start_ms, r->start_ms);
		CU_ASSERT_EQUAL(w.end_ms, r->end_ms);
		CU_ASSERT_EQUAL(w.end_cause, r->cause);
	}
}

/* Started at 0, plugged at 10, charged 10..40, unplugged at 40, stopped at
 * 60 by the pile.  Without the row at 10 the re-rate would interpolate
 * between meterStart and the row at 11 and start at 10109 Wh. */
static void test_billed_vs_rerated(void)
{
	struct anomaly_thresholds th;
	struct anomaly_finding f = {0};
	struct tariff t;
	struct tariff_bill bill;
	struct tlb b;
	const struct order_timeline *tl;

	anomaly_thresholds_default(&th);
	tariff_std(&t);
	tlb_init(&b);
	tlb_status(&b, MIN(0), CONN_PREPARING);
	tlb_flat(&b, 0, 10); /* a row at 10: nothing to interpolate across the plug-in */
	tlb_status(&b, MIN(10), CONN_CHARGING);
	tlb_charge(&b, 10, 40);
	tlb_status(&b, MIN(40), CONN_AVAILABLE);
	tlb_stop(&b, MIN(60), "EVDisconnected");
	tl = tlb_done(&b);

	/* 3.6 kWh: 108 + 18; 60 min: 120; start 50 */
	CU_ASSERT_EQUAL(billing_billed(tl, &t, NULL, 0, &bill), GW_OK);
	CU_ASSERT_EQUAL(bill.total_minor, 108 + 18 + 120 + 50);
	/* window 10..40: 30 min */
	CU_ASSERT_EQUAL(billing_rerated(tl, &th, &t, NULL, 0, &bill), GW_OK);
	CU_ASSERT_EQUAL(bill.total_minor, 108 + 18 + 60 + 50);
	/* minus a finding's exclusion of the time fee 10..20 */
	f.n_excl = 1;
	f.excl[0] = (struct tariff_exclusion){MIN(10), MIN(20), TARIFF_BIT(TARIFF_C_TIME)};
	CU_ASSERT_EQUAL(billing_rerated(tl, &th, &t, &f, 1, &bill), GW_OK);
	CU_ASSERT_EQUAL(bill.total_minor, 108 + 18 + 40 + 50);
	/* the pile's meterStop wins over a sample at the same instant */
	tlb_sample(&b, MIN(60), TL_HAVE_ENERGY, 99999, 0, 0);
	tl = tlb_done(&b);
	CU_ASSERT_EQUAL(billing_billed(tl, &t, NULL, 0, &bill), GW_OK);
	CU_ASSERT_EQUAL(bill.energy_mwh, 3600000);
	/* an unsorted timeline is refused */
	b.samples[0].at_ms = MIN(100);
	CU_ASSERT_EQUAL(billing_billed(tlb_done(&b), &t, NULL, 0, &bill), GW_EINVAL);
}

/* Every allocation of the billed price and of run_all can fail: the error
 * comes back, nothing leaks (ASan checks at exit), and once allocations work
 * again the answer is the same. */
static void test_alloc_failure(void)
{
	struct anomaly_thresholds th;
	struct anomaly_finding f[ANOMALY_RULE_COUNT];
	struct tariff t;
	struct tariff_bill bill;
	struct tlb b;
	size_t n;
	long k;
	int rc;

	anomaly_thresholds_default(&th);
	tariff_std(&t);
	tlb_init(&b);
	w_unplug(&b);
	tlb_done(&b);
	for (k = 1; k <= 2; k++) {
		gw_alloc_fail_after(k);
		CU_ASSERT_EQUAL(billing_billed(&b.tl, &t, NULL, 0, &bill), GW_ENOMEM);
	}
	for (k = 1;; k++) {
		gw_alloc_fail_after(k);
		rc = anomaly_run_all(&b.tl, &th, &t, f, ANOMALY_RULE_COUNT, &n);
		gw_alloc_fail_after(0);
		if (rc == GW_OK)
			break;
		CU_ASSERT_EQUAL_FATAL(rc, GW_ENOMEM);
	}
	CU_ASSERT(k > 10);
	/* no rows after the unplug at 40 (the stop came at 60) */
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(f[0].rule, ANOMALY_METER_SILENCE);
	CU_ASSERT_EQUAL(f[1].rule, ANOMALY_BILLED_AFTER_UNPLUG);
	CU_ASSERT_EQUAL(f[1].refund_minor, 40); /* 40..60: 20 min x 2 ct */
}

int test_window_register(void)
{
	static CU_TestInfo tests[] = {
		{"bill_start and bill_end", test_window_table},
		{"billed vs re-rated", test_billed_vs_rerated},
		{"allocation failures", test_alloc_failure},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("billing window", tests);
}
