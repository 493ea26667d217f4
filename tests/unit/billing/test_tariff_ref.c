/* SPDX-License-Identifier: MIT
 *
 * test_tariff_ref.c - tariff_price() against a naive reference model on
 * random sessions (SQLite's self-test habit).
 *
 * The reference walks the session one second at a time (every random time
 * is a whole second): it finds the period from the local clock by hand,
 * keeps its own cursor into the states and readings, interpolates the
 * register with its own code, counts the idle grace down second by second,
 * and rounds each (period, component) sum once.  It shares no code with
 * tariff.c; it shares the definitions of tariff.h.  Both must agree on every
 * line to the minor unit.
 */
#include <string.h>

#include "common/gw_err.h"
#include "test_billing.h"

__extension__ typedef __int128 i128;

#define SESSIONS 160
#define MAXR 400
#define MAXS 24

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int64_t rnd_in(int64_t lo, int64_t hi) /* [lo, hi] */
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

struct session {
	struct tariff t;
	int64_t from_s, to_s;
	struct tariff_reading r[MAXR];
	size_t nr;
	struct tariff_state st[MAXS];
	size_t ns;
	struct tariff_exclusion x[3];
	size_t nx;
};

static void make_session(struct session *s)
{
	static const enum conn_state states[] = {CONN_CHARGING, CONN_SUSPENDED_EV,
						 CONN_SUSPENDED_EVSE, CONN_FINISHING,
						 CONN_PREPARING, CONN_AVAILABLE};
	static const int exps[] = {0, 2, 2, 3};
	int64_t at, e;

	memset(s, 0, sizeof(*s));
	memcpy(s->t.currency, "XTS", 4);
	s->t.minor_exp = exps[rnd() % 4];
	s->t.utc_offset_min = (int)rnd_in(-48, 56) * 15;
	s->t.start_fee_minor = rnd() % 3 ? rnd_in(0, 500) : 0;
	s->t.idle_grace_min = rnd_in(0, 30);
	s->t.n_periods = (size_t)rnd_in(1, 5);
	for (size_t i = 0; i < s->t.n_periods; i++) {
		struct tariff_period *p = &s->t.periods[i];

		/* distinct, increasing start minutes; the first one anywhere */
		p->start_min = i == 0 ? (int)rnd_in(0, 1200)
				      : s->t.periods[i - 1].start_min + (int)rnd_in(1, 45);
		p->energy_per_kwh_e4 = rnd_in(0, 60000);
		p->service_per_kwh_e4 = rnd_in(0, 9999);
		p->time_per_hour_e4 = rnd() % 2 ? rnd_in(0, 50000) : 0;
		p->idle_per_min_e4 = rnd() % 2 ? rnd_in(0, 5000) : 0;
	}
	s->from_s = T0_MS / 1000 + rnd_in(0, 86400);
	s->to_s = s->from_s + (rnd() % 10 ? rnd_in(0, 30 * 3600) : rnd_in(0, 300));
	/* readings: from a bit before the window to maybe past it; a
	 * non-decreasing register, sometimes flat for long stretches */
	at = s->from_s - rnd_in(0, 900);
	e = rnd_in(0, 100000);
	for (; s->nr < MAXR && at <= s->to_s + rnd_in(-600, 900); s->nr++) {
		s->r[s->nr] = (struct tariff_reading){at * 1000, e};
		at += rnd_in(1, 1500);
		e += rnd() % 4 ? rnd_in(0, 600) : 0;
	}
	/* states */
	at = s->from_s - rnd_in(-300, 600);
	for (; s->ns < MAXS && at < s->to_s; s->ns++) {
		s->st[s->ns] = (struct tariff_state){at * 1000, states[rnd() % 6]};
		at += rnd_in(1, 7200);
	}
	/* exclusions */
	s->nx = (size_t)rnd_in(0, 2);
	for (size_t i = 0; i < s->nx; i++) {
		int64_t a = rnd_in(s->from_s - 600, s->to_s);

		s->x[i] = (struct tariff_exclusion){a * 1000, (a + rnd_in(0, 7200)) * 1000,
						    (unsigned)rnd_in(1, TARIFF_BITS_ALL)};
	}
}

/* ---- the reference ------------------------------------------------------- */

static int ref_period(const struct tariff *t, int64_t at_s)
{
	int64_t local = at_s + t->utc_offset_min * 60;
	int64_t minute = ((local / 60) % 1440 + 1440) % 1440;
	int p = -1;

	for (size_t i = 0; i < t->n_periods; i++)
		if (t->periods[i].start_min <= minute)
			p = (int)i;
	return p < 0 ? (int)t->n_periods - 1 : p;
}

/* register in mWh at at_s; *k is a cursor for increasing at_s (start 0) */
static int64_t ref_energy(const struct session *s, int64_t at_s, size_t *k)
{
	int64_t t = at_s * 1000;
	i128 num, den;

	if (s->nr == 0)
		return 0;
	while (*k + 1 < s->nr && s->r[*k + 1].at_ms <= t)
		(*k)++;
	if (s->r[*k].at_ms > t || *k == s->nr - 1 || s->r[*k].at_ms == t)
		return s->r[*k].energy_wh * 1000; /* before the first, at, or after the last */
	/* non-decreasing: plain half-up of a non-negative fraction */
	num = (i128)(s->r[*k + 1].energy_wh - s->r[*k].energy_wh) * 1000 * (t - s->r[*k].at_ms);
	den = s->r[*k + 1].at_ms - s->r[*k].at_ms;
	return s->r[*k].energy_wh * 1000 + (int64_t)((2 * num + den) / (2 * den));
}

static enum conn_state ref_state(const struct session *s, int64_t at_s)
{
	enum conn_state st = CONN_UNKNOWN;

	for (size_t i = 0; i < s->ns; i++)
		if (s->st[i].at_ms <= at_s * 1000)
			st = s->st[i].state;
	return st;
}

static unsigned ref_excl(const struct session *s, int64_t at_s)
{
	unsigned m = 0;

	for (size_t i = 0; i < s->nx; i++)
		if (s->x[i].from_ms <= at_s * 1000 && at_s * 1000 < s->x[i].to_ms)
			m |= s->x[i].components;
	return m;
}

struct ref_bill {
	int64_t q[TARIFF_PERIODS_MAX][TARIFF_C_COUNT];
	int64_t amount[TARIFF_PERIODS_MAX][TARIFF_C_COUNT];
	int64_t total;
};

static void reference(const struct session *s, struct ref_bill *b)
{
	static const int64_t p10[] = {1, 10, 100, 1000, 10000};
	int64_t active_end = s->from_s, flat_from = s->from_s, idle0, grace_left;
	int64_t e_prev;
	long last = -1;
	size_t cursor = 0;

	memset(b, 0, sizeof(*b));
	if (s->to_s == s->from_s)
		return;
	/* idle start, by brute force */
	for (int64_t sec = s->from_s; sec < s->to_s; sec++) {
		enum conn_state st = ref_state(s, sec);

		if (st == CONN_CHARGING || st == CONN_SUSPENDED_EVSE)
			active_end = sec + 1;
	}
	for (size_t i = 0; i < s->nr; i++)
		if (s->r[i].at_ms <= s->to_s * 1000)
			last = (long)i;
	if (last >= 0) {
		while (last > 0 && s->r[last - 1].energy_wh == s->r[last].energy_wh)
			last--;
		if (s->r[last].at_ms / 1000 > flat_from)
			flat_from = s->r[last].at_ms / 1000;
	}
	idle0 = active_end > flat_from ? active_end : flat_from;
	grace_left = s->t.idle_grace_min * 60;

	e_prev = ref_energy(s, s->from_s, &cursor);
	for (int64_t sec = s->from_s; sec < s->to_s; sec++) {
		int p = ref_period(&s->t, sec);
		enum conn_state st = ref_state(s, sec);
		unsigned ex = ref_excl(s, sec);
		int64_t e_next = ref_energy(s, sec + 1, &cursor);
		int idle_state = st == CONN_SUSPENDED_EV || st == CONN_FINISHING;

		if (!(ex & TARIFF_BIT(TARIFF_C_ENERGY)))
			b->q[p][TARIFF_C_ENERGY] += e_next - e_prev;
		if (!(ex & TARIFF_BIT(TARIFF_C_SERVICE)))
			b->q[p][TARIFF_C_SERVICE] += e_next - e_prev;
		if (st != CONN_SUSPENDED_EVSE && !(ex & TARIFF_BIT(TARIFF_C_TIME)))
			b->q[p][TARIFF_C_TIME] += 1000;
		if (sec >= idle0 && idle_state) {
			if (grace_left > 0)
				grace_left--;
			else if (!(ex & TARIFF_BIT(TARIFF_C_IDLE)))
				b->q[p][TARIFF_C_IDLE] += 1000;
		}
		e_prev = e_next;
	}
	for (size_t p = 0; p < s->t.n_periods; p++) {
		const struct tariff_period *tp = &s->t.periods[p];
		const int64_t price[4] = {tp->energy_per_kwh_e4, tp->service_per_kwh_e4,
					  tp->time_per_hour_e4, tp->idle_per_min_e4};
		const i128 den[4] = {(i128)1000000 * 10000, (i128)1000000 * 10000,
				     (i128)3600000 * 10000, (i128)60000 * 10000};

		for (int c = 0; c < 4; c++) {
			i128 num = (i128)b->q[p][c] * price[c] * p10[s->t.minor_exp];

			b->amount[p][c] = (int64_t)((2 * num + den[c]) / (2 * den[c]));
			b->total += b->amount[p][c];
		}
	}
	if (s->t.start_fee_minor && !(ref_excl(s, s->from_s) & TARIFF_BIT(TARIFF_C_START))) {
		b->amount[ref_period(&s->t, s->from_s)][TARIFF_C_START] = s->t.start_fee_minor;
		b->q[ref_period(&s->t, s->from_s)][TARIFF_C_START] = 1;
		b->total += s->t.start_fee_minor;
	}
}

static int64_t price_of(const struct tariff *t, size_t p, int c)
{
	const struct tariff_period *tp = &t->periods[p];
	const int64_t price[TARIFF_C_COUNT] = {tp->energy_per_kwh_e4, tp->service_per_kwh_e4,
					       tp->time_per_hour_e4, tp->idle_per_min_e4,
					       t->start_fee_minor};

	return price[c];
}

static void test_reference_model(void)
{
	static struct session s; /* big: keep it off the stack */
	struct tariff_bill bill;
	struct ref_bill ref;
	long lines = 0;

	rng_state = 20260105;
	for (int n = 0; n < SESSIONS; n++) {
		struct tariff_usage u;

		make_session(&s);
		CU_ASSERT_EQUAL_FATAL(tariff_check(&s.t), GW_OK);
		u = (struct tariff_usage){s.from_s * 1000, s.to_s * 1000, s.r, s.nr, s.st, s.ns,
					  s.x, s.nx};
		CU_ASSERT_EQUAL_FATAL(tariff_price(&s.t, &u, &bill), GW_OK);
		reference(&s, &ref);
		CU_ASSERT_EQUAL(bill.total_minor, ref.total);
		for (size_t i = 0; i < bill.n_lines; i++) {
			const struct tariff_line *l = &bill.lines[i];

			CU_ASSERT_EQUAL(l->quantity, ref.q[l->period][l->component]);
			CU_ASSERT_EQUAL(l->amount_minor, ref.amount[l->period][l->component]);
			lines++;
		}
		/* and no reference line is missing from the bill */
		for (size_t p = 0; p < s.t.n_periods; p++)
			for (int c = 0; c < TARIFF_C_COUNT; c++) {
				int seen = 0;

				for (size_t i = 0; i < bill.n_lines; i++)
					seen |= bill.lines[i].period == (int)p &&
						bill.lines[i].component == (enum tariff_component)c;
				CU_ASSERT(seen == (ref.q[p][c] > 0 && price_of(&s.t, p, c) > 0));
			}
		if (bill.total_minor != ref.total)
			break; /* one failing session is enough to read */
	}
	CU_ASSERT(lines > 400); /* the sessions really exercised the lines */
}

int test_tariff_ref_register(void)
{
	static CU_TestInfo tests[] = {
		{"agrees with a naive per-second model on random sessions", test_reference_model},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("tariff reference model", tests);
}
