/* SPDX-License-Identifier: MIT
 *
 * tariff.h - tariff snapshots and pricing (DESIGN.md "Orders", "Amount").
 *
 * A tariff is snapshotted at an order's start and never changes after.  It
 * holds a currency, a day of time-of-use periods and the fees.  Pricing
 * turns a usage (a window [from, to) on pile time, energy register readings
 * and connector states) into lines, one per (period, component), each
 * rounded half-up to the minor unit from exact integer arithmetic; the total
 * is the sum of the lines.  No floating point touches money.
 *
 * Time-of-use: each period starts at a local minute of day; local time is
 * UTC + utc_offset_min, one fixed offset for the whole snapshot (a DST change
 * during a session does not move the boundaries).  Periods are sorted by
 * start_min; a period runs until the next one starts and the last one wraps
 * to the first one of the next day, so the periods always cover the day.
 *
 * Definitions (the exact rules pricing applies):
 * - energy of an interval [a, b) = max(0, E(b) - E(a)) where E(t) is the
 *   register in mWh, read at t when a reading exists, otherwise interpolated
 *   linearly between the nearest readings and rounded half-up to 1 mWh;
 *   before the first / after the last reading E is flat.  Only readings
 *   bound energy to a period: a period boundary without a clock-aligned
 *   reading is interpolated.
 * - time fee: every ms of [from, to) except while SUSPENDED_EVSE (the
 *   pile's fault).
 * - idle fee: idle starts at idle_from = the later of (a) the end of the
 *   last CHARGING or SUSPENDED_EVSE stretch in the window (from if none) and
 *   (b) the first reading of the register's final flat run (the instant the
 *   register is seen at its final value; from if no readings).  From there,
 *   time spent SUSPENDED_EV or FINISHING is idle time; the first
 *   idle_grace_min of idle time are free, the rest is charged pro rata per
 *   ms.  A pile that keeps saying CHARGING with a flat register is never
 *   idle (that is STALL_BILLED's business, not the driver's).
 * - start fee: once, in the period of `from`, when the window is not empty.
 * - exclusions: a component is not charged inside an exclusion that names
 *   it; an exclusion naming START and covering `from` drops the start fee.
 * - lines: all occurrences of one period in the session (e.g. two nights)
 *   share one line per component; a line is emitted when its quantity and
 *   its unit price are > 0 (the summary quantities count free ones too).
 */
#ifndef DOMAIN_BILLING_TARIFF_H
#define DOMAIN_BILLING_TARIFF_H
#include <stddef.h>
#include <stdint.h>

#include "domain/vocab.h"

#define TARIFF_PERIODS_MAX 12
#define TARIFF_MINOR_EXP_MAX 4 /* prices have 4 decimals: finer minor units cannot be exact */

enum tariff_component {
	TARIFF_C_ENERGY = 0, /* energy price x kWh */
	TARIFF_C_SERVICE,    /* service fee x kWh */
	TARIFF_C_TIME,       /* time fee x hours */
	TARIFF_C_IDLE,       /* idle fee x minutes after the grace */
	TARIFF_C_START,      /* the start fee, once */
	TARIFF_C_COUNT
};

#define TARIFF_BIT(c) (1u << (c))
#define TARIFF_BITS_ALL (TARIFF_BIT(TARIFF_C_COUNT) - 1u)
#define TARIFF_BITS_ENERGY (TARIFF_BIT(TARIFF_C_ENERGY) | TARIFF_BIT(TARIFF_C_SERVICE))
#define TARIFF_BITS_FEES (TARIFF_BIT(TARIFF_C_TIME) | TARIFF_BIT(TARIFF_C_IDLE))

#define TARIFF_LINES_MAX (TARIFF_PERIODS_MAX * 4 + 1)

/* One time-of-use period; prices in 1/10000 of the major unit, >= 0. */
struct tariff_period {
	int start_min;              /* local minute of day it starts, 0..1439 */
	int64_t energy_per_kwh_e4;  /* energy price per kWh */
	int64_t service_per_kwh_e4; /* service fee per kWh */
	int64_t time_per_hour_e4;   /* time fee per hour */
	int64_t idle_per_min_e4;    /* idle fee per minute after the grace */
};

/* A tariff snapshot: a plain value, copied into the order at its start. */
struct tariff {
	char currency[4];        /* ISO 4217 alphabetic code, "EUR" */
	int minor_exp;           /* minor unit exponent: EUR 2, JPY 0, KWD 3; 0..4 */
	int utc_offset_min;      /* local = UTC + offset, -840..840 */
	int64_t start_fee_minor; /* once per session, 0 = none, minor units */
	int64_t idle_grace_min;  /* free idle minutes, >= 0 */
	size_t n_periods;        /* 1..TARIFF_PERIODS_MAX */
	struct tariff_period periods[TARIFF_PERIODS_MAX]; /* sorted, distinct start_min */
};

/* ---- pricing input ----------------------------------------------------- */

/* One energy register reading on (corrected) pile time. */
struct tariff_reading {
	int64_t at_ms;
	int64_t energy_wh;
};

/* A connector state that holds from at_ms until the next one. */
struct tariff_state {
	int64_t at_ms;
	enum conn_state state;
};

/* Do not charge `components` (TARIFF_BIT set) inside [from_ms, to_ms). */
struct tariff_exclusion {
	int64_t from_ms;
	int64_t to_ms;
	unsigned components;
};

/* What to price; lives for one tariff_price() call, arrays are borrowed and
 * sorted by at_ms (equal times allowed: the later entry wins).  States may
 * start before from_ms: the last one at or before from_ms is the state at
 * from_ms (CONN_UNKNOWN if none).  Readings outside the window are used to
 * interpolate at its edges. */
struct tariff_usage {
	int64_t from_ms; /* session window [from_ms, to_ms) */
	int64_t to_ms;
	const struct tariff_reading *readings;
	size_t n_readings;
	const struct tariff_state *states;
	size_t n_states;
	const struct tariff_exclusion *excl; /* any order */
	size_t n_excl;
};

/* ---- pricing output ---------------------------------------------------- */

/* One (period, component) line.  quantity: mWh for ENERGY and SERVICE, ms
 * for TIME and IDLE, 1 for START. */
struct tariff_line {
	int period; /* index into tariff.periods */
	enum tariff_component component;
	int64_t quantity;
	int64_t unit_price_e4;  /* per kWh / hour / minute; START: the fee in minor units */
	int64_t amount_minor;   /* exact value rounded half-up to the minor unit */
};

/* A priced session; a plain value (no pointers). */
struct tariff_bill {
	char currency[4];
	int minor_exp;
	int64_t total_minor; /* sum of the lines' amount_minor */
	int64_t energy_mwh;  /* energy charged (outside ENERGY exclusions) */
	int64_t time_ms;     /* time-fee time charged */
	int64_t idle_ms;     /* idle time charged (after the grace) */
	size_t n_lines;
	struct tariff_line lines[TARIFF_LINES_MAX]; /* by period, then component */
};

/* ---- functions --------------------------------------------------------- */

/* Validate a snapshot: currency 3 upper-case letters, minor_exp 0..4, offset
 * in range, 1..TARIFF_PERIODS_MAX periods sorted by distinct start_min in
 * 0..1439, prices, fees and grace >= 0.  GW_OK or GW_ECONSTRAINT. */
int tariff_check(const struct tariff *t);

/* Index of the period that applies at at_ms.  t must pass tariff_check. */
int tariff_period_at(const struct tariff *t, int64_t at_ms);

/* The register at at_ms in mWh (see "Definitions" above); 0 if n == 0.
 * r sorted by at_ms. */
int64_t tariff_energy_at_mwh(const struct tariff_reading *r, size_t n, int64_t at_ms);

/* Price usage u with tariff t into *out (overwritten; on error it is a
 * zero bill in t's currency).  GW_OK; GW_ECONSTRAINT when t fails
 * tariff_check; GW_EINVAL when u is malformed (to < from, unsorted arrays,
 * NULL array with a count).  from == to prices to an empty bill.  Pure: no
 * allocation, no I/O, any thread. */
int tariff_price(const struct tariff *t, const struct tariff_usage *u, struct tariff_bill *out);

#endif
