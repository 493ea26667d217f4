/* SPDX-License-Identifier: MIT
 *
 * anomaly_phantom_energy.c - PHANTOM_ENERGY: the register rises while no
 * energy can be flowing.
 *
 * Walks consecutive readings of the billed transaction from the first plug
 * evidence on (energy before it is ENERGY_BEFORE_PLUG's).  An interval
 * between two readings is phantom when the register rises and either the
 * connector is SUSPENDED_EV / SUSPENDED_EVSE / FINISHING / AVAILABLE /
 * FAULTED all through it, or the samples at both ends measure current or
 * power and show no flow (current < phantom_current_ma and power <
 * phantom_power_w).  Fires when the phantom rises add up to more than
 * phantom_wh.  Refund: energy and service fees of the phantom intervals
 * (tier C: a meter case for a person).
 */
#include <stdio.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

static int phantom_state(enum conn_state s)
{
	return s == CONN_SUSPENDED_EV || s == CONN_SUSPENDED_EVSE || s == CONN_FINISHING ||
	       s == CONN_AVAILABLE || s == CONN_FAULTED;
}

static int phantom_state_throughout(const struct order_timeline *tl, int64_t a, int64_t b)
{
	if (!phantom_state(order_timeline_state_at(tl, a)))
		return 0;
	for (size_t i = 0; i < tl->n_status; i++) {
		const struct tl_status *s = &tl->status[i];

		if (s->at_ms > a && s->at_ms < b && s->state != CONN_UNKNOWN && !phantom_state(s->state))
			return 0;
	}
	return 1;
}

/* 1 if the sample row at at_ms measures current or power and shows none. */
static int no_flow_at(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		      int64_t at_ms)
{
	for (size_t i = 0; i < tl->n_samples; i++) {
		const struct tl_sample *s = &tl->samples[i];

		if (s->at_ms == at_ms && (s->have & (TL_HAVE_CURRENT | TL_HAVE_POWER)))
			return !order_timeline_sample_flows(s, th->phantom_current_ma,
							    th->phantom_power_w);
	}
	return 0;
}

int anomaly_phantom_energy(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			   const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct billing_window w;
	struct tariff_reading *r = NULL;
	size_t n;
	int64_t total_wh = 0;
	int rc;

	*fired = 0;
	if ((rc = billing_window(tl, th, &w)) != GW_OK)
		return rc;
	if (!w.has_plug)
		return GW_OK;
	if ((rc = billing_billed_readings(tl, &r, &n)) != GW_OK)
		return rc;
	anomaly_finding_init(out, ANOMALY_PHANTOM_ENERGY, 0, 0, "%s", "");
	for (size_t i = 0; i + 1 < n; i++) {
		int64_t a = r[i].at_ms, b = r[i + 1].at_ms, rise = r[i + 1].energy_wh - r[i].energy_wh;

		if (a < w.start_ms || rise <= 0)
			continue;
		if (!phantom_state_throughout(tl, a, b) && !(no_flow_at(tl, th, a) && no_flow_at(tl, th, b)))
			continue;
		if (total_wh == 0)
			out->from_ms = a;
		out->to_ms = b;
		total_wh += rise;
		if (out->n_excl && out->excl[out->n_excl - 1].to_ms == a)
			out->excl[out->n_excl - 1].to_ms = b; /* contiguous: one exclusion */
		else
			anomaly_finding_exclude(out, a, b, TARIFF_BITS_ENERGY);
	}
	GW_FREE(r);
	if (total_wh <= th->phantom_wh)
		return GW_OK;
	snprintf(out->explain, sizeof(out->explain),
		 "register rose %lld Wh while no current flowed or the connector was not charging",
		 (long long)total_wh);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
