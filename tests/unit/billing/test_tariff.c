/* SPDX-License-Identifier: MIT
 *
 * test_tariff.c - pricing by hand-computed examples: one period, one and two
 * period boundaries, interpolation at a boundary, half-up at exactly .5, a
 * SUSPENDED_EVSE stretch, the idle fee and its grace, exclusions, a
 * zero-decimal currency, and bad input.
 */
#include <string.h>

#include "common/gw_err.h"
#include "test_billing.h"

#define R(min, wh) {MIN(min), (wh)}
#define S(min, st) {MIN(min), (st)}

static int64_t price(const struct tariff *t, int64_t from, int64_t to,
		     const struct tariff_reading *r, size_t nr, const struct tariff_state *s, size_t ns,
		     const struct tariff_exclusion *x, size_t nx, struct tariff_bill *bill)
{
	struct tariff_usage u = {from, to, r, nr, s, ns, x, nx};

	CU_ASSERT_EQUAL_FATAL(tariff_price(t, &u, bill), GW_OK);
	return bill->total_minor;
}

/* amount of the line (period, component), -1 when absent */
static int64_t line(const struct tariff_bill *b, int period, enum tariff_component c)
{
	for (size_t i = 0; i < b->n_lines; i++)
		if (b->lines[i].period == period && b->lines[i].component == c)
			return b->lines[i].amount_minor;
	return -1;
}

static void test_single_period(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading r[] = {R(0, 10000), R(30, 13600), R(60, 17200)};
	struct tariff_state s[] = {S(0, CONN_CHARGING)};

	tariff_std(&t);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 3, s, 1, NULL, 0, &b), 422);
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_ENERGY), 216); /* 7.2 kWh x 0.30 */
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_SERVICE), 36); /* 7.2 kWh x 0.05 */
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_TIME), 120);   /* 1 h x 1.20 */
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_START), 50);
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_IDLE), -1);
	CU_ASSERT_EQUAL(b.n_lines, 4);
	CU_ASSERT_EQUAL(b.energy_mwh, 7200000);
	CU_ASSERT_EQUAL(b.time_ms, 3600000);
	CU_ASSERT_STRING_EQUAL(b.currency, "EUR");
	/* an empty window is an empty bill, start fee included */
	CU_ASSERT_EQUAL(price(&t, MIN(5), MIN(5), r, 3, s, 1, NULL, 0, &b), 0);
	CU_ASSERT_EQUAL(b.n_lines, 0);
}

/* CET snapshot (UTC+1): night 00:00, day 11:30, late 22:00 local; energy
 * only.  T0 is 10:00 UTC = 11:00 local. */
static void tou(struct tariff *t)
{
	tariff_energy_only(t);
	t->utc_offset_min = 60;
	t->n_periods = 3;
	t->periods[0] = (struct tariff_period){0, 2000, 0, 0, 0};
	t->periods[1] = (struct tariff_period){690, 4000, 0, 0, 0};
	t->periods[2] = (struct tariff_period){1320, 1000, 0, 0, 0};
}

static void test_one_boundary(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading r[] = {R(0, 0), R(10, 1200), R(20, 2400), R(30, 3600), R(40, 4800),
				     R(50, 6000), R(60, 7200)};

	tou(&t);
	CU_ASSERT_EQUAL(tariff_period_at(&t, MIN(29)), 0);
	CU_ASSERT_EQUAL(tariff_period_at(&t, MIN(30)), 1);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 7, NULL, 0, NULL, 0, &b), 72 + 144);
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_ENERGY), 72);  /* 3.6 kWh x 0.20 */
	CU_ASSERT_EQUAL(line(&b, 1, TARIFF_C_ENERGY), 144); /* 3.6 kWh x 0.40 */
}

static void test_two_boundaries(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading r[] = {R(0, 0), R(690, 13800)}; /* 20 Wh a minute, 11:30 h */

	tou(&t);
	/* 11:00 -> 22:30 local: 30 min night, 630 min day, 30 min late */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(690), r, 2, NULL, 0, NULL, 0, &b), 12 + 504 + 6);
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_ENERGY), 12);
	CU_ASSERT_EQUAL(line(&b, 1, TARIFF_C_ENERGY), 504);
	CU_ASSERT_EQUAL(line(&b, 2, TARIFF_C_ENERGY), 6);
	CU_ASSERT_EQUAL(b.lines[2].quantity, 600000);
	/* the same night period twice (next morning 00:00-11:30 local again)
	 * shares one line */
	CU_ASSERT_EQUAL(tariff_period_at(&t, MIN(14 * 60)), 0);
}

static void test_interpolation(void)
{
	struct tariff t;
	struct tariff_bill b;
	/* flat until 10:20, then 2400 Wh by 10:40; the 10:30 boundary has no reading */
	struct tariff_reading r1[] = {R(0, 10000), R(20, 10000), R(40, 12400), R(60, 12400)};
	/* 1000 Wh over 45 min: 666.6667 Wh before the boundary */
	struct tariff_reading r2[] = {R(0, 0), R(45, 1000)};

	tou(&t);
	CU_ASSERT_EQUAL(tariff_energy_at_mwh(r1, 4, MIN(30)), 11200000);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r1, 4, NULL, 0, NULL, 0, &b), 24 + 48);
	CU_ASSERT_EQUAL(tariff_energy_at_mwh(r2, 2, MIN(30)), 666667); /* half-up to 1 mWh */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r2, 2, NULL, 0, NULL, 0, &b), 13 + 13);
	CU_ASSERT_EQUAL(b.lines[0].quantity, 666667);
	CU_ASSERT_EQUAL(b.lines[1].quantity, 333333);
	/* outside the readings the register is flat */
	CU_ASSERT_EQUAL(tariff_energy_at_mwh(r2, 2, MIN(-5)), 0);
	CU_ASSERT_EQUAL(tariff_energy_at_mwh(r2, 2, MIN(90)), 1000000);
	CU_ASSERT_EQUAL(tariff_energy_at_mwh(NULL, 0, MIN(90)), 0);
}

static void test_half_up(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading r25[] = {R(0, 0), R(1, 25)}, r24[] = {R(0, 0), R(1, 24)};
	struct tariff_reading r75[] = {R(0, 0), R(1, 75)};

	tariff_std(&t);
	t.start_fee_minor = 0;
	t.periods[0] = (struct tariff_period){0, 2000, 0, 12000, 0};
	/* time: 1.20/h x 15 s = 0.5 ct exactly -> 1; 14.999 s -> 0; 75 s = 2.5 -> 3 */
	CU_ASSERT_EQUAL(price(&t, SEC(0), SEC(15), NULL, 0, NULL, 0, NULL, 0, &b), 1);
	CU_ASSERT_EQUAL(price(&t, SEC(0), SEC(15) - 1, NULL, 0, NULL, 0, NULL, 0, &b), 0);
	CU_ASSERT_EQUAL(price(&t, SEC(0), SEC(75), NULL, 0, NULL, 0, NULL, 0, &b), 3);
	/* energy: 0.20/kWh x 25 Wh = 0.5 ct -> 1 (+ 1 min time = 2); 24 Wh -> 0;
	 * 75 Wh = 1.5 -> 2 */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(1), r25, 2, NULL, 0, NULL, 0, &b), 1 + 2);
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_ENERGY), 1);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(1), r24, 2, NULL, 0, NULL, 0, &b), 0 + 2);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(1), r75, 2, NULL, 0, NULL, 0, &b), 2 + 2);
}

static void test_suspended_evse(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading r[] = {R(0, 0), R(20, 2400), R(40, 2400), R(60, 4800)};
	struct tariff_state s[] = {S(-5, CONN_PREPARING), S(0, CONN_CHARGING),
				   S(20, CONN_SUSPENDED_EVSE), S(40, CONN_CHARGING)};

	tariff_std(&t);
	/* energy 4.8 kWh: 144 + 24; time 40 of 60 min: 80; start 50 */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 4, s, 4, NULL, 0, &b), 144 + 24 + 80 + 50);
	CU_ASSERT_EQUAL(b.time_ms, 40 * 60000);
	CU_ASSERT_EQUAL(b.idle_ms, 0);
}

static void test_idle(void)
{
	struct tariff t;
	struct tariff_bill b;
	/* charged 60 min, full at 60, SUSPENDED_EV 60..90 */
	struct tariff_reading r[] = {R(0, 0), R(60, 7200), R(75, 7200), R(90, 7200)};
	struct tariff_state s[] = {S(0, CONN_CHARGING), S(60, CONN_SUSPENDED_EV)};
	struct tariff_state pause[] = {S(0, CONN_CHARGING), S(20, CONN_SUSPENDED_EV),
				       S(40, CONN_CHARGING), S(60, CONN_FINISHING)};
	struct tariff_state stuck[] = {S(0, CONN_CHARGING)};
	/* the register still crept until 70: idle starts at 70 */
	struct tariff_reading creep[] = {R(0, 0), R(60, 7200), R(70, 7210), R(90, 7210)};

	tariff_std(&t);
	/* energy 216 + 36, time 90 min 180, start 50, idle 30 - 10 = 20 min x 0.10 = 200 */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(90), r, 4, s, 2, NULL, 0, &b), 216 + 36 + 180 + 50 + 200);
	CU_ASSERT_EQUAL(b.idle_ms, 20 * 60000);
	/* a mid-session pause is not idle; FINISHING after the last charge is */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(90), r, 4, pause, 4, NULL, 0, &b),
			216 + 36 + 180 + 50 + 200);
	/* still CHARGING with a flat register: never idle */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(90), r, 4, stuck, 1, NULL, 0, &b), 216 + 36 + 180 + 50);
	/* inside the grace: no idle line */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(70), r, 4, s, 2, NULL, 0, &b), 216 + 36 + 140 + 50);
	CU_ASSERT_EQUAL(line(&b, 0, TARIFF_C_IDLE), -1);
	/* 7.21 kWh: 216.3 -> 216, 36.05 -> 36; idle 70 + 10 grace .. 90 = 10 min */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(90), creep, 4, s, 2, NULL, 0, &b),
			216 + 36 + 180 + 50 + 100);
}

static void test_exclusions(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading r[] = {R(0, 0), R(60, 7200)};
	struct tariff_exclusion time10 = {MIN(20), MIN(30), TARIFF_BIT(TARIFF_C_TIME)};
	struct tariff_exclusion energy_half = {MIN(30), MIN(60), TARIFF_BITS_ENERGY};
	struct tariff_exclusion all = {MIN(0), MIN(60), TARIFF_BITS_ALL};
	struct tariff_exclusion both[] = {time10, energy_half};

	tariff_std(&t);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 2, NULL, 0, &time10, 1, &b), 422 - 20);
	/* half the energy: 108 + 18 */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 2, NULL, 0, &energy_half, 1, &b),
			108 + 18 + 120 + 50);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 2, NULL, 0, both, 2, &b), 108 + 18 + 100 + 50);
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 2, NULL, 0, &all, 1, &b), 0);
	CU_ASSERT_EQUAL(b.n_lines, 0);
}

static void test_zero_decimals(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading r[] = {R(0, 0), R(60, 7250)};

	memset(&t, 0, sizeof(t));
	memcpy(t.currency, "JPY", 4);
	t.minor_exp = 0;
	t.utc_offset_min = 540;
	t.start_fee_minor = 100;
	t.n_periods = 1;
	/* 35 JPY/kWh, 2.5 JPY/kWh service, 120 JPY/h */
	t.periods[0] = (struct tariff_period){0, 350000, 25000, 1200000, 0};
	/* 7.25 kWh: 253.75 -> 254, 18.125 -> 18; 120; 100 */
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 2, NULL, 0, NULL, 0, &b), 254 + 18 + 120 + 100);
	CU_ASSERT_STRING_EQUAL(b.currency, "JPY");
	CU_ASSERT_EQUAL(b.minor_exp, 0);
	/* KWD has 3 decimals: 7.25 kWh x 0.0350 = 0.25375 -> 254 fils */
	memcpy(t.currency, "KWD", 4);
	t.minor_exp = 3;
	t.start_fee_minor = 0;
	t.periods[0] = (struct tariff_period){0, 350, 0, 0, 0};
	CU_ASSERT_EQUAL(price(&t, MIN(0), MIN(60), r, 2, NULL, 0, NULL, 0, &b), 254);
}

static void test_bad_input(void)
{
	struct tariff t;
	struct tariff_bill b;
	struct tariff_reading unsorted[] = {R(10, 0), R(5, 10)};
	struct tariff_usage u = {MIN(0), MIN(60), NULL, 0, NULL, 0, NULL, 0};

	tariff_std(&t);
	CU_ASSERT_EQUAL(tariff_check(&t), GW_OK);
	u.to_ms = MIN(-1);
	CU_ASSERT_EQUAL(tariff_price(&t, &u, &b), GW_EINVAL);
	u.to_ms = MIN(60);
	u.readings = unsorted;
	u.n_readings = 2;
	CU_ASSERT_EQUAL(tariff_price(&t, &u, &b), GW_EINVAL);
	u.readings = NULL;
	CU_ASSERT_EQUAL(tariff_price(&t, &u, &b), GW_EINVAL);
	u.n_readings = 0;
	CU_ASSERT_EQUAL(tariff_price(&t, &u, &b), GW_OK);

	{
		struct tariff x = t;

		x.minor_exp = 5;
		CU_ASSERT_EQUAL(tariff_price(&x, &u, &b), GW_ECONSTRAINT);
		CU_ASSERT_EQUAL(b.total_minor, 0);
		x = t;
		memcpy(x.currency, "eur", 4);
		CU_ASSERT_EQUAL(tariff_check(&x), GW_ECONSTRAINT);
		x = t;
		x.n_periods = 0;
		CU_ASSERT_EQUAL(tariff_check(&x), GW_ECONSTRAINT);
		x = t;
		x.n_periods = 2;
		x.periods[1] = x.periods[0]; /* same start minute twice */
		CU_ASSERT_EQUAL(tariff_check(&x), GW_ECONSTRAINT);
		x = t;
		x.periods[0].service_per_kwh_e4 = -1;
		CU_ASSERT_EQUAL(tariff_check(&x), GW_ECONSTRAINT);
		x = t;
		x.utc_offset_min = 900;
		CU_ASSERT_EQUAL(tariff_check(&x), GW_ECONSTRAINT);
		x = t;
		x.periods[0].start_min = 1440;
		CU_ASSERT_EQUAL(tariff_check(&x), GW_ECONSTRAINT);
	}
}

int test_tariff_register(void)
{
	static CU_TestInfo tests[] = {
		{"single period", test_single_period},
		{"across one period boundary", test_one_boundary},
		{"across two period boundaries", test_two_boundaries},
		{"interpolation at a boundary", test_interpolation},
		{"half-up at exactly .5", test_half_up},
		{"no time fee while SUSPENDED_EVSE", test_suspended_evse},
		{"idle fee after the grace", test_idle},
		{"exclusions", test_exclusions},
		{"zero- and three-decimal currencies", test_zero_decimals},
		{"bad tariff and usage", test_bad_input},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("tariff", tests);
}
