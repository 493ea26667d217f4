/* SPDX-License-Identifier: MIT
 *
 * tariff.c - pricing a session with a tariff snapshot (rules in tariff.h).
 *
 * The window is cut into elementary intervals at every period boundary,
 * state change, exclusion edge, idle start and grace end; inside one
 * interval the period, the state and the exclusions are constant, so each
 * interval adds exact integer quantities (mWh, ms) to its period's
 * accumulators.  Money is computed once per line from the accumulated
 * quantity: quantity x price x 10^minor_exp / unit, rounded half-up.
 */
#include <string.h>

#include "common/gw_err.h"
#include "domain/billing/billing_int.h"
#include "domain/billing/tariff.h"

#define MIN_MS 60000LL
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

/* denominators turning quantity x price_e4 x 10^exp into minor units */
#define DEN_PER_KWH 10000000000LL /* mWh -> kWh (10^6) x price 10^4 */
#define DEN_PER_HOUR (HOUR_MS * 10000LL)
#define DEN_PER_MIN (MIN_MS * 10000LL)

static const int64_t pow10_tab[TARIFF_MINOR_EXP_MAX + 1] = {1, 10, 100, 1000, 10000};

int tariff_check(const struct tariff *t)
{
	if (!t || t->minor_exp < 0 || t->minor_exp > TARIFF_MINOR_EXP_MAX)
		return GW_ECONSTRAINT;
	for (int i = 0; i < 3; i++)
		if (t->currency[i] < 'A' || t->currency[i] > 'Z')
			return GW_ECONSTRAINT;
	if (t->currency[3] != '\0' || t->utc_offset_min < -840 || t->utc_offset_min > 840 ||
	    t->start_fee_minor < 0 || t->idle_grace_min < 0 || t->n_periods < 1 ||
	    t->n_periods > TARIFF_PERIODS_MAX)
		return GW_ECONSTRAINT;
	for (size_t i = 0; i < t->n_periods; i++) {
		const struct tariff_period *p = &t->periods[i];

		if (p->start_min < 0 || p->start_min > 1439 ||
		    (i && p->start_min <= t->periods[i - 1].start_min))
			return GW_ECONSTRAINT;
		if (p->energy_per_kwh_e4 < 0 || p->service_per_kwh_e4 < 0 || p->time_per_hour_e4 < 0 ||
		    p->idle_per_min_e4 < 0)
			return GW_ECONSTRAINT;
	}
	return GW_OK;
}

/* ms since local midnight of at_ms's local day */
static int64_t local_ms_of_day(const struct tariff *t, int64_t at_ms)
{
	int64_t local = at_ms + (int64_t)t->utc_offset_min * MIN_MS;

	return local - (int64_t)billing_floor_div(local, DAY_MS) * DAY_MS;
}

int tariff_period_at(const struct tariff *t, int64_t at_ms)
{
	int64_t mod = local_ms_of_day(t, at_ms);
	int p = (int)t->n_periods - 1; /* before the first start: yesterday's last */

	for (size_t i = 0; i < t->n_periods; i++)
		if ((int64_t)t->periods[i].start_min * MIN_MS <= mod)
			p = (int)i;
	return p;
}

/* First period boundary strictly after at_ms. */
static int64_t next_boundary(const struct tariff *t, int64_t at_ms)
{
	int64_t mod = local_ms_of_day(t, at_ms);
	int64_t day0 = at_ms - mod; /* this local day's midnight, on the UTC axis */

	for (size_t i = 0; i < t->n_periods; i++) {
		int64_t s = (int64_t)t->periods[i].start_min * MIN_MS;

		if (s > mod)
			return day0 + s;
	}
	return day0 + DAY_MS + (int64_t)t->periods[0].start_min * MIN_MS;
}

/* Index of the last reading at or before at_ms, or -1. */
static long last_at_or_before(const struct tariff_reading *r, size_t n, int64_t at_ms)
{
	size_t lo = 0, hi = n; /* answer is lo - 1 after the search */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].at_ms <= at_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

int64_t tariff_energy_at_mwh(const struct tariff_reading *r, size_t n, int64_t at_ms)
{
	long i;
	const struct tariff_reading *a, *b;

	if (!r || n == 0)
		return 0;
	i = last_at_or_before(r, n, at_ms);
	if (i < 0)
		return r[0].energy_wh * 1000;
	if ((size_t)i == n - 1 || r[i].at_ms == at_ms)
		return r[i].energy_wh * 1000;
	a = &r[i];
	b = &r[i + 1];
	return a->energy_wh * 1000 +
	       billing_round((billing_i128)(b->energy_wh - a->energy_wh) * 1000 * (at_ms - a->at_ms),
			     b->at_ms - a->at_ms);
}

/* State at at_ms: the last state at or before it. */
static enum conn_state state_at(const struct tariff_usage *u, int64_t at_ms)
{
	enum conn_state s = CONN_UNKNOWN;

	for (size_t i = 0; i < u->n_states && u->states[i].at_ms <= at_ms; i++)
		s = u->states[i].state;
	return s;
}

/* First state change strictly after at_ms, or INT64_MAX. */
static int64_t next_state_change(const struct tariff_usage *u, int64_t at_ms)
{
	for (size_t i = 0; i < u->n_states; i++)
		if (u->states[i].at_ms > at_ms)
			return u->states[i].at_ms;
	return INT64_MAX;
}

static int is_idle_state(enum conn_state s)
{
	return s == CONN_SUSPENDED_EV || s == CONN_FINISHING;
}

static int is_active_state(enum conn_state s)
{
	return s == CONN_CHARGING || s == CONN_SUSPENDED_EVSE;
}

/* Components excluded at at_ms (exclusions are half-open). */
static unsigned excluded_at(const struct tariff_usage *u, int64_t at_ms)
{
	unsigned bits = 0;

	for (size_t i = 0; i < u->n_excl; i++)
		if (u->excl[i].from_ms <= at_ms && at_ms < u->excl[i].to_ms)
			bits |= u->excl[i].components;
	return bits;
}

static int64_t next_excl_edge(const struct tariff_usage *u, int64_t at_ms)
{
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < u->n_excl; i++) {
		if (u->excl[i].from_ms > at_ms)
			next = billing_min64(next, u->excl[i].from_ms);
		if (u->excl[i].to_ms > at_ms)
			next = billing_min64(next, u->excl[i].to_ms);
	}
	return next;
}

/* idle_from as defined in tariff.h */
static int64_t idle_from(const struct tariff_usage *u)
{
	int64_t active_end = u->from_ms, flat_from = u->from_ms;
	int64_t a = u->from_ms;
	long i;

	while (a < u->to_ms) {
		int64_t b = billing_min64(next_state_change(u, a), u->to_ms);

		if (is_active_state(state_at(u, a)))
			active_end = b;
		a = b;
	}
	i = last_at_or_before(u->readings, u->n_readings, u->to_ms);
	if (i >= 0) {
		while (i > 0 && u->readings[i - 1].energy_wh == u->readings[i].energy_wh)
			i--;
		flat_from = billing_max64(u->from_ms, u->readings[i].at_ms);
	}
	return billing_max64(active_end, flat_from);
}

/* The instant the first grace_ms of idle-state time after idle_ms have
 * elapsed; to_ms when the session never gets that far. */
static int64_t grace_end(const struct tariff_usage *u, int64_t idle_ms, int64_t grace_ms)
{
	int64_t a = idle_ms;

	while (a < u->to_ms) {
		int64_t b = billing_min64(next_state_change(u, a), u->to_ms);

		if (is_idle_state(state_at(u, a))) {
			if (b - a >= grace_ms)
				return a + grace_ms;
			grace_ms -= b - a;
		}
		a = b;
	}
	return u->to_ms;
}

static int usage_check(const struct tariff_usage *u)
{
	if (!u || u->to_ms < u->from_ms || (u->n_readings && !u->readings) ||
	    (u->n_states && !u->states) || (u->n_excl && !u->excl))
		return GW_EINVAL;
	for (size_t i = 1; i < u->n_readings; i++)
		if (u->readings[i].at_ms < u->readings[i - 1].at_ms)
			return GW_EINVAL;
	for (size_t i = 1; i < u->n_states; i++)
		if (u->states[i].at_ms < u->states[i - 1].at_ms)
			return GW_EINVAL;
	return GW_OK;
}

/* Quantities per period and component, filled by the walk. */
struct acc {
	int64_t q[TARIFF_PERIODS_MAX][TARIFF_C_START];
};

static void walk(const struct tariff *t, const struct tariff_usage *u, struct acc *acc)
{
	int64_t idle0 = idle_from(u);
	int64_t grace0 = grace_end(u, idle0, t->idle_grace_min * MIN_MS);
	int64_t a = u->from_ms;

	while (a < u->to_ms) {
		int64_t b = u->to_ms;
		int p = tariff_period_at(t, a);
		enum conn_state st = state_at(u, a);
		unsigned ex = excluded_at(u, a);
		int64_t e_mwh;

		b = billing_min64(b, next_boundary(t, a));
		b = billing_min64(b, next_state_change(u, a));
		b = billing_min64(b, next_excl_edge(u, a));
		if (idle0 > a)
			b = billing_min64(b, idle0);
		if (grace0 > a)
			b = billing_min64(b, grace0);

		e_mwh = tariff_energy_at_mwh(u->readings, u->n_readings, b) -
			tariff_energy_at_mwh(u->readings, u->n_readings, a);
		e_mwh = billing_max64(e_mwh, 0);
		if (!(ex & TARIFF_BIT(TARIFF_C_ENERGY)))
			acc->q[p][TARIFF_C_ENERGY] += e_mwh;
		if (!(ex & TARIFF_BIT(TARIFF_C_SERVICE)))
			acc->q[p][TARIFF_C_SERVICE] += e_mwh;
		/* DESIGN.md "Amount": no time fee while SUSPENDED_EVSE */
		if (st != CONN_SUSPENDED_EVSE && !(ex & TARIFF_BIT(TARIFF_C_TIME)))
			acc->q[p][TARIFF_C_TIME] += b - a;
		if (a >= idle0 && a >= grace0 && is_idle_state(st) && !(ex & TARIFF_BIT(TARIFF_C_IDLE)))
			acc->q[p][TARIFF_C_IDLE] += b - a;
		a = b;
	}
}

/* The unit price of component c in period p (START: the fee). */
static int64_t unit_price(const struct tariff *t, int p, enum tariff_component c)
{
	const struct tariff_period *per = &t->periods[p];

	switch (c) {
	case TARIFF_C_ENERGY: return per->energy_per_kwh_e4;
	case TARIFF_C_SERVICE: return per->service_per_kwh_e4;
	case TARIFF_C_TIME: return per->time_per_hour_e4;
	case TARIFF_C_IDLE: return per->idle_per_min_e4;
	default: return t->start_fee_minor;
	}
}

static void add_line(const struct tariff *t, struct tariff_bill *out, int p,
		     enum tariff_component c, int64_t qty)
{
	static const int64_t den[TARIFF_C_START] = {DEN_PER_KWH, DEN_PER_KWH, DEN_PER_HOUR,
						     DEN_PER_MIN};
	struct tariff_line *l = &out->lines[out->n_lines++];

	l->period = p;
	l->component = c;
	l->quantity = qty;
	l->unit_price_e4 = unit_price(t, p, c);
	if (c == TARIFF_C_START)
		l->amount_minor = t->start_fee_minor;
	else
		l->amount_minor = billing_round((billing_i128)qty * l->unit_price_e4 *
							pow10_tab[t->minor_exp],
						den[c]);
	out->total_minor += l->amount_minor;
}

int tariff_price(const struct tariff *t, const struct tariff_usage *u, struct tariff_bill *out)
{
	struct acc acc;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = tariff_check(t)) != GW_OK)
		return rc;
	memcpy(out->currency, t->currency, sizeof(out->currency));
	out->minor_exp = t->minor_exp;
	if ((rc = usage_check(u)) != GW_OK)
		return rc;
	if (u->from_ms == u->to_ms)
		return GW_OK;

	memset(&acc, 0, sizeof(acc));
	walk(t, u, &acc);
	for (int p = 0; p < (int)t->n_periods; p++) {
		for (int c = 0; c < TARIFF_C_START; c++)
			if (acc.q[p][c] > 0 && unit_price(t, p, (enum tariff_component)c) > 0)
				add_line(t, out, p, (enum tariff_component)c, acc.q[p][c]);
		if (t->start_fee_minor > 0 && p == tariff_period_at(t, u->from_ms) &&
		    !(excluded_at(u, u->from_ms) & TARIFF_BIT(TARIFF_C_START)))
			add_line(t, out, p, TARIFF_C_START, 1);
		out->energy_mwh += acc.q[p][TARIFF_C_ENERGY];
		out->time_ms += acc.q[p][TARIFF_C_TIME];
		out->idle_ms += acc.q[p][TARIFF_C_IDLE];
	}
	return GW_OK;
}
