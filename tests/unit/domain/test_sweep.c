/* SPDX-License-Identifier: MIT
 * test_sweep.c - domain_sweep with injected time: TriggerMessage after
 * meter silence and the METER_SILENCE case after more of it, CostUpdated
 * for 2.0.1 piles with cost support, SLA warnings and breaches of refund
 * cases, the working-day calendar. */
#include <string.h>

#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "domain/order.h"
#include "order_fixture.h"

#define FLOW_W_TEST 10800.0

static void set_var(struct ofx *o, const char *component, const char *variable,
		    const char *instance, const char *value)
{
	struct device_var v;

	memset(&v, 0, sizeof(v));
	strcpy(v.component, component);
	strcpy(v.variable, variable);
	strcpy(v.variable_instance, instance);
	strcpy(v.attribute, "Actual");
	strcpy(v.value, value);
	v.evse_id = v.connector_id = -1;
	CU_ASSERT_EQUAL(domain_device_vars(o->f.d, ofx_src(o, T0 - 10 * MIN), &v, 1), GW_OK);
}

/* Sample interval 60 s accepted: 3 silent intervals -> TriggerMessage,
 * 2 more -> METER_SILENCE (C, hold), opened once. */
static void test_meter_silence(void)
{
	struct ofx o;
	struct order_row ord;
	struct case_row cases[4];
	int64_t tx, last;

	ofx_open(&o);
	set_var(&o, "", "MeterValueSampleInterval", "", "60");
	tx = ofx_start(&o, T0, 1000);
	ofx_status(&o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	last = T0 + MIN;
	ofx_meter(&o, tx, last, 1180, FLOW_W_TEST, 16);

	gw_clock_set_fake(last + 2 * MIN);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, gw_clock_now_ms()), GW_OK);
	CU_ASSERT_EQUAL(o.rec.n_cmd, 0); /* 2 intervals: nothing yet */

	gw_clock_advance(MIN + 1000);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, gw_clock_now_ms()), GW_OK);
	CU_ASSERT_EQUAL_FATAL(o.rec.n_cmd, 1);
	CU_ASSERT_EQUAL(o.rec.cmd[0].kind, DCMD_TRIGGER_METER_VALUES);
	CU_ASSERT_EQUAL(o.rec.cmd[0].tx_id, tx);
	CU_ASSERT_EQUAL(o.rec.cmd[0].connector_id, 1);
	CU_ASSERT_EQUAL(fx_count(&o.f, "SELECT count(*) FROM refund_cases"), 0);

	/* the trigger was recorded as sent (what the command layer does): no
	 * second one for the same silence */
	CU_ASSERT_EQUAL(store_command_insert(o.f.st, "CP1", "t1", "TriggerMessage",
					     "[2,\"t1\",\"TriggerMessage\",{\"requestedMessage\":"
					     "\"MeterValues\",\"connectorId\":1}]",
					     gw_clock_now_ms(), NULL),
			GW_OK);
	gw_clock_advance(30 * 1000);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, gw_clock_now_ms()), GW_OK);
	CU_ASSERT_EQUAL(o.rec.n_cmd, 1);

	gw_clock_set_fake(last + 5 * MIN + 1000);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, gw_clock_now_ms()), GW_OK);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, gw_clock_now_ms() + 1000), GW_OK);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_CHARGING);
	CU_ASSERT_EQUAL_FATAL(ofx_cases(&o, ord.id, cases, 4), 1);
	CU_ASSERT_STRING_EQUAL(cases[0].rule, "METER_SILENCE");
	CU_ASSERT_EQUAL(cases[0].tier, 'C');
	CU_ASSERT_EQUAL(cases[0].state, CASE_UNDER_REVIEW);
	CU_ASSERT_EQUAL(cases[0].amount_minor, 0);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_OPENED), 1);

	/* the pile speaks again and stops: the held settlement is abnormal */
	ofx_meter(&o, tx, last + 6 * MIN, 2000, FLOW_W_TEST, 16);
	ofx_stop(&o, tx, last + 7 * MIN, 2100);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL(ord.state, ORDER_ABNORMAL);
	CU_ASSERT_EQUAL(ofx_cases(&o, ord.id, cases, 4), 1);
	/* nothing to ask a closed transaction */
	o.rec.n_cmd = 0;
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, last + 60 * MIN), GW_OK);
	CU_ASSERT_EQUAL(o.rec.n_cmd, 0);
	gw_clock_set_fake(0);
	ofx_close(&o);
}

/* 2.0.1 with cost support: CostUpdated every cost_update_interval_s with
 * the running cost; a pile that is not connected is asked again later. */
static void test_cost_update(void)
{
	struct ofx o;
	struct tx_event ev;
	struct tx_result res;
	struct meter_sample s;

	ofx_open(&o);
	set_var(&o, "TariffCostCtrlr", "Enabled", "Cost", "true");
	ev = ev201(TX_STARTED, "TX-C", 0, T0);
	ev.charging_state = CONN_CHARGING;
	ev.have_meter = 1;
	ev.meter_wh = 0;
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0), &ev, &res), GW_OK);
	ev = ev201(TX_UPDATED, "TX-C", 1, T0 + 10 * MIN);
	s = smp_wh(T0 + 10 * MIN, 1800);
	ev.samples = &s;
	ev.n_samples = 1;
	CU_ASSERT_EQUAL(domain_tx_event(o.f.d, ofx_src(&o, T0 + 10 * MIN), &ev, &res), GW_OK);

	o.rec.command_rc = GW_ENOTFOUND; /* not connected here */
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 10 * MIN), GW_OK);
	CU_ASSERT_EQUAL_FATAL(o.rec.n_cmd, 1);
	o.rec.command_rc = GW_OK;
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 10 * MIN + 1000), GW_OK);
	CU_ASSERT_EQUAL_FATAL(o.rec.n_cmd, 2);
	CU_ASSERT_EQUAL(o.rec.cmd[1].kind, DCMD_COST_UPDATE);
	CU_ASSERT_STRING_EQUAL(o.rec.cmd[1].pile_tx_id, "TX-C");
	/* 1.8 kWh: 54 + 9, 10 min 1 s of time fee: 20 */
	CU_ASSERT_EQUAL(o.rec.cmd[1].amount_minor, 54 + 9 + 20);
	CU_ASSERT_EQUAL(o.rec.cmd[1].minor_exp, 2);
	/* not again before the interval (300 s) */
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 14 * MIN), GW_OK);
	CU_ASSERT_EQUAL(o.rec.n_cmd, 2);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 15 * MIN + 1000), GW_OK);
	CU_ASSERT_EQUAL(o.rec.n_cmd, 3);
	ofx_close(&o);
}

/* A pile without cost support (a 1.6 pile): no running cost unless
 * orders.cost_datatransfer_vendor is set; then the sink decides the
 * channel, and a pile it cannot reach (GW_ENOTSUPP) waits the interval. */
static void test_cost_update_side_channel(void)
{
	struct ofx o;
	int64_t tx;
	size_t n;

	ofx_open(&o);
	tx = ofx_start(&o, T0, 1000);
	ofx_status(&o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	ofx_meter(&o, tx, T0 + 10 * MIN, 2800, 10800, 16);
	n = o.rec.n_cmd;
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 10 * MIN + 1000), GW_OK);
	for (size_t i = n; i < o.rec.n_cmd; i++)
		CU_ASSERT_NOT_EQUAL(o.rec.cmd[i].kind, DCMD_COST_UPDATE);

	snprintf(o.f.cfg.cost_datatransfer_vendor, sizeof(o.f.cfg.cost_datatransfer_vendor), "com.example");
	o.rec.command_rc = GW_ENOTSUPP;
	n = o.rec.n_cmd;
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 10 * MIN + 2000), GW_OK);
	CU_ASSERT_EQUAL_FATAL(o.rec.n_cmd, n + 1);
	CU_ASSERT_EQUAL(o.rec.cmd[n].kind, DCMD_COST_UPDATE);
	CU_ASSERT_EQUAL(o.rec.cmd[n].cost_native, 0);
	CU_ASSERT_EQUAL(o.rec.cmd[n].tx_id, tx);
	CU_ASSERT_STRING_EQUAL(o.rec.cmd_currency[n], "EUR");
	/* 1.8 kWh x (0.30 + 0.05) = 63, 10 min of time fee (1.20/h) = 20 */
	CU_ASSERT_EQUAL(o.rec.cmd[n].amount_minor, 63 + 20);
	/* not supported there: no retry before the interval */
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, T0 + 12 * MIN), GW_OK);
	CU_ASSERT_EQUAL(o.rec.n_cmd, n + 1);
	ofx_close(&o);
}

/* The default calendar (Mon-Fri, UTC, no holidays). */
static int64_t wd(int64_t at_ms, int days)
{
	struct sla_calendar cal;

	sla_calendar_default(&cal);
	return sla_working_days_add(&cal, at_ms, days);
}

#define DAY (24 * 60 * MIN)

/* The working-day calendar: Mon-Fri, UTC. */
static void test_working_days(void)
{
	/* T0 is Tuesday 22:13:20 UTC: +3 -> Friday, +7 -> next Thursday */
	CU_ASSERT_EQUAL(wd(T0, 3), T0 + 3 * DAY);
	CU_ASSERT_EQUAL(wd(T0, 7), T0 + 9 * DAY);
	/* Friday + 1 -> Monday */
	CU_ASSERT_EQUAL(wd(T0 + 3 * DAY, 1), T0 + 6 * DAY);
	/* Saturday 10:00 + 1 -> Tuesday 00:00 (counting from Monday 00:00) */
	{
		int64_t sat_midnight = T0 - (T0 % DAY) + 4 * DAY;

		CU_ASSERT_EQUAL(wd(sat_midnight + 10 * 60 * MIN, 1), sat_midnight + 3 * DAY);
		CU_ASSERT_EQUAL(wd(sat_midnight + 10 * 60 * MIN, 0), sat_midnight + 2 * DAY);
	}
}

/* A holiday and a Saturday are skipped; a working Saturday is not. */
static void test_working_days_holiday(void)
{
	struct sla_calendar cal;
	int64_t thu;

	sla_calendar_default(&cal);
	/* Thursday 2023-11-16 off: Tue + 3 -> Wed, Fri, (Sat, Sun) Mon */
	CU_ASSERT_EQUAL_FATAL(sla_date_parse("2023-11-16", &cal.holidays[0]), GW_OK);
	CU_ASSERT_EQUAL(cal.holidays[0], (T0 - T0 % DAY) / DAY + 2);
	cal.n_holidays = 1;
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, T0, 3), T0 + 6 * DAY);
	/* a case opened on the holiday counts from Friday 00:00 */
	thu = T0 - T0 % DAY + 2 * DAY;
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, thu + 9 * 60 * MIN, 0), thu + DAY);
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, thu + 9 * 60 * MIN, 1), thu + 4 * DAY);
	/* Saturdays worked: Tue + 3 -> Wed, Fri, Sat */
	CU_ASSERT_EQUAL(sla_weekdays_parse("Mon, Tue,wed,Thu,Fri,Sat", &cal.weekday_mask), GW_OK);
	CU_ASSERT_EQUAL(cal.weekday_mask, 0x7eu);
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, T0, 3), T0 + 4 * DAY);
	/* bad input */
	CU_ASSERT_EQUAL(sla_weekdays_parse("", &cal.weekday_mask), GW_EINVAL);
	CU_ASSERT_EQUAL(sla_weekdays_parse("Mon,Funday", &cal.weekday_mask), GW_EINVAL);
	CU_ASSERT_EQUAL(sla_weekdays_parse("Monday", &cal.weekday_mask), GW_EINVAL);
	CU_ASSERT_EQUAL(sla_date_parse("2023-02-29", &cal.holidays[1]), GW_EINVAL);
	CU_ASSERT_EQUAL(sla_date_parse("2024-02-29", &cal.holidays[1]), GW_OK);
	CU_ASSERT_EQUAL(sla_date_parse("2024-2-9", &cal.holidays[1]), GW_EINVAL);
	CU_ASSERT_EQUAL(sla_date_parse("1970-01-01", &cal.holidays[1]), GW_OK);
	CU_ASSERT_EQUAL(cal.holidays[1], 0);
}

/* The local offset moves the day boundary. */
static void test_working_days_offset(void)
{
	struct sla_calendar cal;
	int64_t fri = T0 - T0 % DAY + 3 * DAY; /* Friday 00:00 UTC */

	sla_calendar_default(&cal);
	/* Friday 23:30 UTC is a working day in UTC ... */
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, fri + 23 * 60 * MIN + 30 * MIN, 0), fri + 23 * 60 * MIN + 30 * MIN);
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, fri + 23 * 60 * MIN + 30 * MIN, 1), fri + 3 * DAY + 23 * 60 * MIN + 30 * MIN);
	/* ... but Saturday 00:30 at UTC+1: counts from Monday 00:00 local (Sunday 23:00 UTC) */
	cal.utc_offset_min = 60;
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, fri + 23 * 60 * MIN + 30 * MIN, 0), fri + 2 * DAY + 23 * 60 * MIN);
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, fri + 23 * 60 * MIN + 30 * MIN, 1), fri + 3 * DAY + 23 * 60 * MIN);
	/* Saturday 00:30 UTC is still Friday at UTC-1: + 1 -> Monday 23:30 local */
	cal.utc_offset_min = -60;
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, fri + DAY + 30 * MIN, 1), fri + 4 * DAY + 30 * MIN);
	cal.utc_offset_min = 0;
	CU_ASSERT_EQUAL(sla_working_days_add(&cal, fri + DAY + 30 * MIN, 1), fri + 4 * DAY);
}

/* A case takes its timers from the config's calendar. */
static void test_sla_config(void)
{
	struct ofx o;
	struct order_row ord;
	struct case_row c[2];
	int64_t tx;
	static const double e_wh[] = {2800, 1000};

	ofx_open(&o);
	o.f.cfg.sla.ack_ms = 24 * 60 * MIN;
	o.f.cfg.sla.decide_complex_days = 2;
	CU_ASSERT_EQUAL_FATAL(sla_date_parse("2023-11-15", &o.f.cfg.sla.holidays[0]), GW_OK);
	o.f.cfg.sla.n_holidays = 1;
	tx = ofx_start(&o, T0, 1000);
	ofx_status(&o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int i = 0; i < 2; i++)
		ofx_meter(&o, tx, T0 + (i + 1) * 10 * MIN, e_wh[i], 10800, 16);
	ofx_stop(&o, tx, T0 + 30 * MIN, 3000);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL_FATAL(ofx_cases(&o, ord.id, c, 2), 1);
	CU_ASSERT_EQUAL(c[0].state, CASE_UNDER_REVIEW);
	CU_ASSERT_EQUAL(c[0].ack_due_ms, c[0].opened_ms + 24 * 60 * MIN);
	/* opened Tuesday; Wednesday the 15th is a holiday: Thursday, Friday */
	CU_ASSERT_EQUAL(c[0].decide_due_ms, sla_working_days_add(&o.f.cfg.sla, c[0].opened_ms, 2));
	CU_ASSERT_EQUAL(c[0].decide_due_ms, c[0].opened_ms + 3 * DAY);
	ofx_close(&o);
}

/* A tier-C case under review: warning at 75 % of 48 h, breach at 48 h,
 * each once; the decide timer (7 working days) later. */
static void test_sla(void)
{
	struct ofx o;
	struct order_row ord;
	struct case_row c[2];
	const struct rec_event *e;
	int64_t tx, opened;
	static const double e_wh[] = {2800, 1000};

	ofx_open(&o);
	tx = ofx_start(&o, T0, 1000);
	ofx_status(&o, T0, CONN_CHARGING, PLUG_UNKNOWN);
	for (int i = 0; i < 2; i++)
		ofx_meter(&o, tx, T0 + (i + 1) * 10 * MIN, e_wh[i], 10800, 16);
	ofx_stop(&o, tx, T0 + 30 * MIN, 3000);
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL_FATAL(ofx_cases(&o, ord.id, c, 2), 1);
	CU_ASSERT_EQUAL(c[0].state, CASE_UNDER_REVIEW);
	opened = c[0].opened_ms;
	CU_ASSERT_EQUAL(c[0].ack_due_ms, opened + 48 * 60 * MIN);
	CU_ASSERT_EQUAL(c[0].decide_due_ms, wd(opened, 7));

	CU_ASSERT_EQUAL(domain_sweep(o.f.d, opened + 35 * 60 * MIN), GW_OK);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_SLA_WARNING), 0);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, opened + 36 * 60 * MIN), GW_OK);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_SLA_WARNING), 1);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, opened + 40 * 60 * MIN), GW_OK);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_SLA_WARNING), 1);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, opened + 48 * 60 * MIN), GW_OK);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_SLA_BREACHED), 1);
	e = rec_nth(&o.rec, EV_REFUND_CASE_SLA_BREACHED, 0);
	CU_ASSERT_EQUAL(e->case_id, c[0].id);
	CU_ASSERT_EQUAL(e->source, EVSRC_SYSTEM);
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, opened + 50 * 60 * MIN), GW_OK);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_SLA_BREACHED), 1);
	/* decide timer: breached at its due time, once */
	CU_ASSERT_EQUAL(domain_sweep(o.f.d, c[0].decide_due_ms), GW_OK);
	CU_ASSERT_EQUAL(rec_count(&o.rec, EV_REFUND_CASE_SLA_BREACHED), 2);
	CU_ASSERT_EQUAL(store_case_get(o.f.st, c[0].id, &c[1]), GW_OK);
	CU_ASSERT_EQUAL(c[1].sla_flags, CASE_SLA_ACK_WARNED | CASE_SLA_ACK_BREACHED |
						CASE_SLA_DECIDE_WARNED | CASE_SLA_DECIDE_BREACHED);
	ofx_close(&o);
}

/* The evidence manifest is the documented hash over the items. */
static void test_manifest(void)
{
	struct ofx o;
	struct order_row ord;
	struct case_row c;
	struct case_evidence_row *ev = NULL;
	size_t n = 0;
	int64_t tx;

	ofx_open(&o);
	tx = ofx_start(&o, T0, 1000);
	ofx_stop(&o, tx, T0 + 30 * MIN, 1020); /* no plug: NO_PLUG_BILLED */
	ofx_order(&o, tx, &ord);
	CU_ASSERT_EQUAL_FATAL(ofx_cases(&o, ord.id, &c, 1), 1);
	CU_ASSERT_EQUAL(store_case_evidence_list(o.f.st, c.id, &ev, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 6);
	CU_ASSERT_STRING_EQUAL(ev[0].kind, "finding");
	CU_ASSERT_STRING_EQUAL(ev[0].ref, "NO_PLUG_BILLED");
	CU_ASSERT_STRING_EQUAL(ev[2].kind, "tariff");
	CU_ASSERT_STRING_EQUAL(ev[3].kind, "timeline");
	CU_ASSERT_STRING_EQUAL(ev[4].kind, "frames");
	CU_ASSERT_PTR_NOT_NULL(strstr(ev[1].body, "case_amount_minor=61\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ev[3].body, "tx_stop_ms="));
	store_case_evidence_free(ev, n);
	CU_ASSERT_EQUAL(strspn(c.manifest_sha256, "0123456789abcdef"), 64);
	ofx_close(&o);
}

int test_sweep_register(void)
{
	static CU_TestInfo tests[] = {
		{"meter silence: trigger, then a case", test_meter_silence},
		{"CostUpdated for 2.0.1 with cost support", test_cost_update},
		{"running cost through the configured side channel", test_cost_update_side_channel},
		{"working days", test_working_days},
		{"working days: a holiday and a Saturday", test_working_days_holiday},
		{"working days: local offset", test_working_days_offset},
		{"SLA timers from the config", test_sla_config},
		{"SLA warning and breach, once each", test_sla},
		{"evidence items and manifest", test_manifest},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("domain_sweep", tests);
}
