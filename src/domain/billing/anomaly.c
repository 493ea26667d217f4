/* SPDX-License-Identifier: MIT
 *
 * anomaly.c - the rule table, DESIGN.md's default thresholds, running every
 * rule, the TriggerMessages the sweep owes, and the small helpers every
 * detector uses to fill a finding.
 *
 * Adding a rule = a file anomaly_<rule>.c, an enum value in anomaly.h and a
 * row here (rows are indexed by enum anomaly_rule; a test checks the order).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_int.h"
#include "domain/billing/billing_window.h"

#define SEC_MS 1000LL
#define MIN_MS (60 * SEC_MS)
#define HOUR_MS (60 * MIN_MS)

/* DESIGN.md "Billing anomalies": refund, tier column. */
static const struct anomaly_rule_row rules[ANOMALY_RULE_COUNT] = {
	[ANOMALY_NO_PLUG_BILLED] = {"NO_PLUG_BILLED", anomaly_no_plug_billed, REFUND_TIER_A,
				    ANOMALY_ACT_REFUND},
	[ANOMALY_BILLED_BEFORE_PLUG] = {"BILLED_BEFORE_PLUG", anomaly_billed_before_plug,
					REFUND_TIER_B, ANOMALY_ACT_REFUND},
	[ANOMALY_ENERGY_BEFORE_PLUG] = {"ENERGY_BEFORE_PLUG", anomaly_energy_before_plug,
					REFUND_TIER_C, ANOMALY_ACT_REFUND},
	[ANOMALY_STALL_BILLED] = {"STALL_BILLED", anomaly_stall_billed, REFUND_TIER_B,
				  ANOMALY_ACT_REFUND},
	[ANOMALY_PHANTOM_ENERGY] = {"PHANTOM_ENERGY", anomaly_phantom_energy, REFUND_TIER_C,
				    ANOMALY_ACT_REFUND},
	[ANOMALY_METER_SILENCE] = {"METER_SILENCE", anomaly_meter_silence, REFUND_TIER_C,
				   ANOMALY_ACT_HOLD},
	[ANOMALY_BILLED_AFTER_FAULT] = {"BILLED_AFTER_FAULT", anomaly_billed_after_fault,
					REFUND_TIER_B, ANOMALY_ACT_REFUND},
	[ANOMALY_BILLED_AFTER_UNPLUG] = {"BILLED_AFTER_UNPLUG", anomaly_billed_after_unplug,
					 REFUND_TIER_B, ANOMALY_ACT_REFUND},
	[ANOMALY_STOP_NOT_EFFECTIVE] = {"STOP_NOT_EFFECTIVE", anomaly_stop_not_effective,
					REFUND_TIER_A, ANOMALY_ACT_REFUND},
	[ANOMALY_DUPLICATE_TRANSACTION] = {"DUPLICATE_TRANSACTION", anomaly_duplicate_transaction,
					   REFUND_TIER_A, ANOMALY_ACT_REFUND},
	[ANOMALY_ZERO_ENERGY_BILLED] = {"ZERO_ENERGY_BILLED", anomaly_zero_energy_billed,
					REFUND_TIER_A, ANOMALY_ACT_REFUND},
	[ANOMALY_METER_REGRESSION] = {"METER_REGRESSION", anomaly_meter_regression, REFUND_TIER_C,
				      ANOMALY_ACT_HOLD},
	[ANOMALY_IMPLAUSIBLE_ENERGY] = {"IMPLAUSIBLE_ENERGY", anomaly_implausible_energy,
					REFUND_TIER_C, ANOMALY_ACT_HOLD},
	[ANOMALY_CLOCK_SKEW] = {"CLOCK_SKEW", anomaly_clock_skew, REFUND_TIER_C, ANOMALY_ACT_RETIME},
	[ANOMALY_FEE_SPIKE] = {"FEE_SPIKE", anomaly_fee_spike, REFUND_TIER_C, ANOMALY_ACT_ALERT},
	[ANOMALY_OVERTIME] = {"OVERTIME", anomaly_overtime, REFUND_TIER_C, ANOMALY_ACT_ALERT},
};

void anomaly_thresholds_default(struct anomaly_thresholds *th)
{
	*th = (struct anomaly_thresholds){
		.flow_current_ma = 500,
		.flow_power_w = 200,
		.no_plug_max_wh = 50,
		.plug_gap_ms = 120 * SEC_MS,
		.before_plug_wh = 50,
		.stall_window_ms = 10 * MIN_MS,
		.stall_min_wh = 100,
		.stall_pmax_pct = 1,
		.stall_power_w = 500,
		.stall_min_ms = 15 * MIN_MS,
		.phantom_wh = 50,
		.phantom_current_ma = 500,
		.phantom_power_w = 200,
		.silence_trigger_intervals = 3,
		.silence_more_intervals = 2,
		.fault_grace_ms = 60 * SEC_MS,
		.unplug_grace_ms = 60 * SEC_MS,
		.stop_trigger_ms = 60 * SEC_MS,
		.stop_grace_ms = 60 * SEC_MS,
		.stop_timeout_ms = 300 * SEC_MS,
		.zero_energy_wh = 100,
		.regression_wh = 1,
		.implausible_pct = 110,
		.implausible_extra_wh = 100,
		.skew_future_ms = 300 * SEC_MS,
		.fee_spike_factor = 3,
		.overtime_dc_ms = 12 * HOUR_MS,
		.overtime_ac_ms = 24 * HOUR_MS,
	};
}

const struct anomaly_rule_row *anomaly_rule_row(enum anomaly_rule r)
{
	return (unsigned)r < ANOMALY_RULE_COUNT ? &rules[r] : NULL;
}

const char *anomaly_rule_name(enum anomaly_rule r)
{
	return (unsigned)r < ANOMALY_RULE_COUNT ? rules[r].name : "?";
}

int anomaly_rule_parse(const char *name, enum anomaly_rule *out)
{
	for (int i = 0; name && i < ANOMALY_RULE_COUNT; i++) {
		if (strcmp(name, rules[i].name) == 0) {
			*out = (enum anomaly_rule)i;
			return GW_OK;
		}
	}
	return GW_ENOTFOUND;
}

int anomaly_run_all(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		    const struct tariff *t, struct anomaly_finding *out, size_t cap, size_t *n_out)
{
	struct anomaly_finding f;
	size_t n = 0, fired_total = 0;
	int fired, rc;

	if (!n_out || (cap && !out))
		return GW_EINVAL;
	*n_out = 0;
	for (int i = 0; i < ANOMALY_RULE_COUNT; i++) {
		if ((rc = rules[i].detect(tl, th, t, &f, &fired)) != GW_OK)
			return rc;
		if (!fired)
			continue;
		fired_total++;
		if (n < cap)
			out[n++] = f;
	}
	*n_out = n;
	return fired_total > cap ? GW_ETOOBIG : GW_OK;
}

/* Time of the last meter row at or before now, tx start if none. */
static int64_t last_meter_ms(const struct order_timeline *tl)
{
	int64_t last = tl->tx_start_ms;

	for (size_t i = 0; i < tl->n_samples; i++)
		if (tl->samples[i].at_ms <= tl->now_ms && tl->samples[i].at_ms > last)
			last = tl->samples[i].at_ms;
	return last;
}

/* 1 if a command of kind was sent at or after since_ms. */
static int sent_since(const struct order_timeline *tl, enum tl_command_kind kind, int64_t since_ms)
{
	for (size_t i = 0; i < tl->n_commands; i++)
		if (tl->commands[i].kind == kind && tl->commands[i].sent_ms >= since_ms)
			return 1;
	return 0;
}

static int offline_at(const struct order_timeline *tl, int64_t at_ms)
{
	for (size_t i = 0; i < tl->n_offline; i++)
		if (tl->offline[i].from_ms <= at_ms && at_ms < tl->offline[i].to_ms)
			return 1;
	return 0;
}

int anomaly_trigger_due(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			unsigned *due)
{
	int64_t last, acc;

	if (order_timeline_check(tl) != GW_OK || !th || !due)
		return GW_EINVAL;
	*due = 0;
	if (tl->have_stop || offline_at(tl, tl->now_ms))
		return GW_OK; /* nothing to ask a closed transaction or an absent pile */
	last = last_meter_ms(tl);
	if (tl->sample_interval_s > 0 &&
	    tl->now_ms - last > th->silence_trigger_intervals * tl->sample_interval_s * SEC_MS &&
	    !sent_since(tl, TL_CMD_TRIGGER_METER, last))
		*due |= ANOMALY_TRIGGER_METER;
	if (order_timeline_stop_accepted(tl, tl->tx_start_ms, &acc) &&
	    tl->now_ms - acc >= th->stop_trigger_ms && !sent_since(tl, TL_CMD_TRIGGER_STATUS, acc))
		*due |= ANOMALY_TRIGGER_STOP;
	return GW_OK;
}

void anomaly_finding_init(struct anomaly_finding *f, enum anomaly_rule r, int64_t from_ms,
			  int64_t to_ms, const char *fmt, ...)
{
	va_list ap;

	memset(f, 0, sizeof(*f));
	f->rule = r;
	f->tier = rules[r].tier;
	f->action = rules[r].action;
	f->from_ms = from_ms;
	f->to_ms = to_ms;
	va_start(ap, fmt);
	vsnprintf(f->explain, sizeof(f->explain), fmt, ap);
	va_end(ap);
}

void anomaly_finding_exclude(struct anomaly_finding *f, int64_t from_ms, int64_t to_ms,
			     unsigned components)
{
	struct tariff_exclusion *last;

	if (to_ms <= from_ms)
		return;
	if (f->n_excl < ANOMALY_EXCL_MAX) {
		f->excl[f->n_excl++] = (struct tariff_exclusion){from_ms, to_ms, components};
		return;
	}
	/* full: widen the last one (an over-estimate, fine for tier C review) */
	last = &f->excl[ANOMALY_EXCL_MAX - 1];
	last->to_ms = billing_max64(last->to_ms, to_ms);
	last->components |= components;
}

int anomaly_finding_refund(struct anomaly_finding *f, const struct order_timeline *tl,
			   const struct tariff *t)
{
	struct tariff_bill billed, rest;
	int rc;

	if ((rc = billing_billed(tl, t, NULL, 0, &billed)) != GW_OK)
		return rc;
	f->billed_minor = billed.total_minor;
	f->refund_minor = 0;
	if (f->action != ANOMALY_ACT_REFUND || f->n_excl == 0)
		return GW_OK;
	if ((rc = billing_billed(tl, t, f->excl, f->n_excl, &rest)) != GW_OK)
		return rc;
	/* never more than was charged, never negative */
	f->refund_minor = billing_min64(billing_max64(billed.total_minor - rest.total_minor, 0),
					billed.total_minor);
	return GW_OK;
}
