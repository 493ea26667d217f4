/* SPDX-License-Identifier: MIT
 *
 * anomaly_meter_silence.c - METER_SILENCE: the pile was online but sent no
 * meter data for too long, so nobody can tell what was delivered when.
 *
 * Gaps are measured between the transaction start, every meter row and the
 * end of the transaction (now while open); time the pile was offline does
 * not count (it may upload later).  The sweep sends TriggerMessage after
 * silence_trigger_intervals sample intervals (anomaly_trigger_due); a gap
 * longer than silence_trigger_intervals + silence_more_intervals intervals
 * is a finding.  Needs an accepted sample interval: without one there is no
 * promise to judge.  Holds the settlement (tier C, refund 0).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_int.h"
#include "domain/billing/billing_window.h"

/* ms of [a, b) the pile was online */
static int64_t online_ms(const struct order_timeline *tl, int64_t a, int64_t b)
{
	int64_t off = 0;

	for (size_t i = 0; i < tl->n_offline; i++) {
		int64_t lo = billing_max64(a, tl->offline[i].from_ms);
		int64_t hi = billing_min64(b, tl->offline[i].to_ms);

		if (hi > lo)
			off += hi - lo;
	}
	return billing_max64(b - a - off, 0);
}

int anomaly_meter_silence(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			  const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	int64_t end, prev, limit, worst = 0, worst_from = 0, worst_to = 0;
	int rc;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	if (tl->sample_interval_s <= 0)
		return GW_OK;
	limit = (th->silence_trigger_intervals + th->silence_more_intervals) *
		tl->sample_interval_s * 1000;
	end = order_timeline_tx_end(tl);
	prev = tl->tx_start_ms;
	for (size_t i = 0; i <= tl->n_samples; i++) {
		int64_t at = i < tl->n_samples ? tl->samples[i].at_ms : end;
		int64_t on;

		if (at <= prev || at > end)
			continue;
		on = online_ms(tl, prev, at);
		if (on > limit && on > worst) {
			worst = on;
			worst_from = prev;
			worst_to = at;
		}
		prev = at;
	}
	if (!worst)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_METER_SILENCE, worst_from, worst_to,
			     "no meter data for %lld s while online (sample interval %lld s)",
			     (long long)(worst / 1000), (long long)tl->sample_interval_s);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
