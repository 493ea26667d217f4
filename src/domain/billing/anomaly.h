/* SPDX-License-Identifier: MIT
 *
 * anomaly.h - billing-anomaly detectors (DESIGN.md "Billing anomalies ->
 * refund cases").
 *
 * Each rule of DESIGN.md's table is one pure function in its own file
 * (anomaly_<rule>.c) with the signature anomaly_detect_fn: it reads an order
 * timeline, the thresholds and the order's tariff snapshot, and says whether
 * it fired and with what finding.  anomaly.c holds the table of rules
 * {name, function, default tier, action}; callers run the table, never an
 * if-chain.  Detectors allocate at most scratch memory they free before
 * returning; they do no I/O and keep no state, so running one twice on the
 * same timeline gives the same finding (the periodic sweep relies on it).
 *
 * Refund amounts: a rule that refunds names what it excludes from the
 * billed session (finding.excl); refund = billed - billed-with-those-
 * exclusions, clamped to 0..billed.  Findings of different rules can
 * overlap (an unplug and a fault excluding the same tail): their refunds
 * must not be summed; billing_rerated() over all findings gives the cap.
 */
#ifndef DOMAIN_BILLING_ANOMALY_H
#define DOMAIN_BILLING_ANOMALY_H
#include <stddef.h>
#include <stdint.h>

#include "domain/billing/refund.h"
#include "domain/billing/tariff.h"
#include "domain/billing/timeline.h"

/* The rules, in DESIGN.md's table order; also the index of the table. */
enum anomaly_rule {
	ANOMALY_NO_PLUG_BILLED = 0,
	ANOMALY_BILLED_BEFORE_PLUG,
	ANOMALY_ENERGY_BEFORE_PLUG,
	ANOMALY_STALL_BILLED,
	ANOMALY_PHANTOM_ENERGY,
	ANOMALY_METER_SILENCE,
	ANOMALY_BILLED_AFTER_FAULT,
	ANOMALY_BILLED_AFTER_UNPLUG,
	ANOMALY_STOP_NOT_EFFECTIVE,
	ANOMALY_DUPLICATE_TRANSACTION,
	ANOMALY_ZERO_ENERGY_BILLED,
	ANOMALY_METER_REGRESSION,
	ANOMALY_IMPLAUSIBLE_ENERGY,
	ANOMALY_CLOCK_SKEW,
	ANOMALY_FEE_SPIKE,
	ANOMALY_OVERTIME,
	ANOMALY_RULE_COUNT
};

/* What a finding asks of the settlement. */
enum anomaly_action {
	ANOMALY_ACT_REFUND = 0, /* open a refund case for refund_minor */
	ANOMALY_ACT_HOLD,       /* hold the settlement for review, refund 0 */
	ANOMALY_ACT_ALERT,      /* tell an operator, refund 0 */
	ANOMALY_ACT_RETIME,     /* re-time the order's messages, refund 0 */
};

/* Every threshold of DESIGN.md's table; anomaly_thresholds_default() gives
 * the documented defaults, the config overrides any of them.  Energy in Wh,
 * power in W, current in mA, times in ms. */
struct anomaly_thresholds {
	/* "current flowing" (strong plug evidence, phantom energy) */
	int64_t flow_current_ma; /* 500 */
	int64_t flow_power_w;    /* 200 */
	/* NO_PLUG_BILLED: no plug evidence, delivered < this */
	int64_t no_plug_max_wh; /* 50 */
	/* BILLED_BEFORE_PLUG: plug-in later than tx start by more than this */
	int64_t plug_gap_ms; /* 120 s */
	/* ENERGY_BEFORE_PLUG: register rises more than this before plug-in */
	int64_t before_plug_wh; /* 50 */
	/* STALL_BILLED: in every window of stall_window_ms, energy rises less
	 * than max(stall_min_wh, stall_pmax_pct % of P_max x window) and power
	 * stays below stall_power_w, for at least stall_min_ms */
	int64_t stall_window_ms; /* 10 min */
	int64_t stall_min_wh;    /* 100 */
	int64_t stall_pmax_pct;  /* 1 */
	int64_t stall_power_w;   /* 500 */
	int64_t stall_min_ms;    /* 15 min */
	/* PHANTOM_ENERGY: rises more than phantom_wh while no current flows
	 * (current < phantom_current_ma and power < phantom_power_w) or while
	 * suspended / finishing / available / faulted */
	int64_t phantom_wh;         /* 50 */
	int64_t phantom_current_ma; /* 500 */
	int64_t phantom_power_w;    /* 200 */
	/* METER_SILENCE: trigger after this many silent sample intervals, a
	 * finding after silence_more_intervals more */
	int64_t silence_trigger_intervals; /* 3 */
	int64_t silence_more_intervals;    /* 2 */
	/* BILLED_AFTER_FAULT / _UNPLUG: billing goes on longer than this */
	int64_t fault_grace_ms;  /* 60 s */
	int64_t unplug_grace_ms; /* 60 s */
	/* STOP_NOT_EFFECTIVE and bill_end */
	int64_t stop_trigger_ms; /* 60 s: TriggerMessage after an accepted stop */
	int64_t stop_grace_ms;   /* 60 s: bill_end = accepted + this */
	int64_t stop_timeout_ms; /* 300 s: no end message by then = not effective */
	/* ZERO_ENERGY_BILLED: delivered < this */
	int64_t zero_energy_wh; /* 100 */
	/* METER_REGRESSION: the register falls by more than this */
	int64_t regression_wh; /* 1 */
	/* IMPLAUSIBLE_ENERGY: energy > P_max x duration x pct / 100 + extra */
	int64_t implausible_pct;      /* 110 */
	int64_t implausible_extra_wh; /* 100 */
	/* CLOCK_SKEW: a stamp further than this in the future of its receipt */
	int64_t skew_future_ms; /* 300 s */
	/* FEE_SPIKE / OVERTIME */
	int64_t fee_spike_factor; /* 3: billed > factor x expected */
	int64_t overtime_dc_ms;   /* 12 h */
	int64_t overtime_ac_ms;   /* 24 h (also used when the current type is unknown) */
};

#define ANOMALY_EXCL_MAX 8
#define ANOMALY_EXPLAIN_MAX 200

/* One detector's verdict; a plain value. */
struct anomaly_finding {
	enum anomaly_rule rule;
	enum refund_tier tier;
	enum anomaly_action action;
	int64_t from_ms; /* evidence window [from_ms, to_ms), corrected pile time */
	int64_t to_ms;
	int64_t billed_minor; /* the order's billed amount when judged */
	int64_t refund_minor; /* 0..billed_minor; 0 for hold / alert / retime */
	size_t n_excl;        /* what the refund takes out of the billed session */
	struct tariff_exclusion excl[ANOMALY_EXCL_MAX];
	char explain[ANOMALY_EXPLAIN_MAX]; /* one line for humans, NUL-terminated */
};

/* A detector.  Returns GW_OK with *fired = 0 or 1 (*out is meaningful only
 * when it fired), or GW_EINVAL (bad timeline), GW_ECONSTRAINT (bad tariff),
 * GW_ENOMEM.  tl must pass order_timeline_check. */
typedef int anomaly_detect_fn(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			      const struct tariff *t, struct anomaly_finding *out, int *fired);

/* One row of the rule table. */
struct anomaly_rule_row {
	const char *name; /* "NO_PLUG_BILLED", the word used in config, events and API */
	anomaly_detect_fn *detect;
	enum refund_tier tier;
	enum anomaly_action action;
};

anomaly_detect_fn anomaly_no_plug_billed;
anomaly_detect_fn anomaly_billed_before_plug;
anomaly_detect_fn anomaly_energy_before_plug;
anomaly_detect_fn anomaly_stall_billed;
anomaly_detect_fn anomaly_phantom_energy;
anomaly_detect_fn anomaly_meter_silence;
anomaly_detect_fn anomaly_billed_after_fault;
anomaly_detect_fn anomaly_billed_after_unplug;
anomaly_detect_fn anomaly_stop_not_effective;
anomaly_detect_fn anomaly_duplicate_transaction;
anomaly_detect_fn anomaly_zero_energy_billed;
anomaly_detect_fn anomaly_meter_regression;
anomaly_detect_fn anomaly_implausible_energy;
anomaly_detect_fn anomaly_clock_skew;
anomaly_detect_fn anomaly_fee_spike;
anomaly_detect_fn anomaly_overtime;

/* Fill *th with DESIGN.md's defaults. */
void anomaly_thresholds_default(struct anomaly_thresholds *th);

/* The table row of rule r, NULL when r is out of range. */
const struct anomaly_rule_row *anomaly_rule_row(enum anomaly_rule r);

/* "NO_PLUG_BILLED", ...; "?" when out of range; never NULL. */
const char *anomaly_rule_name(enum anomaly_rule r);

/* Rule by name (exact upper-case word).  GW_OK or GW_ENOTFOUND. */
int anomaly_rule_parse(const char *name, enum anomaly_rule *out);

/* Run every rule of the table on tl; the findings that fired go to out[]
 * in table order.  GW_OK with *n_out set; GW_ETOOBIG when cap is too small
 * (out[] then holds the first cap findings); or the first detector error. */
int anomaly_run_all(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		    const struct tariff *t, struct anomaly_finding *out, size_t cap, size_t *n_out);

/* TriggerMessages due now (tl->now_ms), for the sweep to send. */
#define ANOMALY_TRIGGER_METER 0x1u /* METER_SILENCE: 3 silent intervals, none sent since */
#define ANOMALY_TRIGGER_STOP 0x2u  /* STOP_NOT_EFFECTIVE: accepted 60 s ago, no end yet */

/* Set *due to the ANOMALY_TRIGGER_* bits due now.  GW_OK or GW_EINVAL. */
int anomaly_trigger_due(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			unsigned *due);

/* ---- helpers for the detectors (anomaly.c) ----------------------------- */

/* Start a finding of rule r: tier and action from the table, window
 * [from_ms, to_ms), explanation printf-style (truncated to fit). */
void anomaly_finding_init(struct anomaly_finding *f, enum anomaly_rule r, int64_t from_ms,
			  int64_t to_ms, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Add an exclusion to f (merged into the last one when f is full). */
void anomaly_finding_exclude(struct anomaly_finding *f, int64_t from_ms, int64_t to_ms,
			     unsigned components);

/* Price f's exclusions: billed_minor and refund_minor.  GW_OK or an error
 * of billing_billed(). */
int anomaly_finding_refund(struct anomaly_finding *f, const struct order_timeline *tl,
			   const struct tariff *t);

#endif
