/* SPDX-License-Identifier: MIT
 *
 * anomaly_stall_billed.c - STALL_BILLED: the pile says CHARGING but the
 * energy barely moves, and the driver pays time fees for it.
 *
 * A time t (every reading of the billed transaction, and a grid of
 * stall_window_ms / 10 from the tx start) starts a stalled window when
 * [t, t + stall_window_ms) lies in the transaction, the connector is
 * CHARGING all through it, the register rises less than
 * max(stall_min_wh, stall_pmax_pct % of P_max x window) over it
 * (interpolated, as pricing reads it) and no power sample in it reaches
 * stall_power_w.  Overlapping stalled windows merge into a stall; a stall of
 * at least stall_min_ms is excluded from the time and idle fees (the little
 * energy it delivered is still paid).  Fires when that refund is > 0 (B).
 */
#include <stdio.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_int.h"
#include "domain/billing/billing_window.h"

#define STALL_GRID_MAX 20000

/* 1 if the connector is CHARGING all through [a, b). */
static int charging_throughout(const struct order_timeline *tl, int64_t a, int64_t b)
{
	if (order_timeline_state_at(tl, a) != CONN_CHARGING)
		return 0;
	for (size_t i = 0; i < tl->n_status; i++) {
		const struct tl_status *s = &tl->status[i];

		if (s->at_ms > a && s->at_ms < b && s->state != CONN_UNKNOWN &&
		    s->state != CONN_CHARGING)
			return 0;
	}
	return 1;
}

/* 1 if a power sample in [a, b) reaches limit_w. */
static int power_reaches(const struct order_timeline *tl, int64_t a, int64_t b, int64_t limit_w)
{
	for (size_t i = 0; i < tl->n_samples; i++) {
		const struct tl_sample *s = &tl->samples[i];

		if (s->at_ms >= a && s->at_ms < b && (s->have & TL_HAVE_POWER) && s->power_w >= limit_w)
			return 1;
	}
	return 0;
}

int anomaly_stall_billed(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			 const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct tariff_reading *r = NULL;
	size_t n;
	int64_t win = th->stall_window_ms, end, thr_mwh, run_from = 0, run_to = 0, total_ms = 0;
	int64_t step, a = INT64_MIN;
	int rc, have_run = 0, started = 0;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK || win <= 0)
		return GW_EINVAL;
	end = order_timeline_tx_end(tl);
	/* per window: max(min Wh, pct % of P_max over the window), in mWh */
	thr_mwh = billing_max64(th->stall_min_wh * 1000,
				tl->p_max_w * win / 3600 * th->stall_pmax_pct / 100);
	if ((rc = billing_billed_readings(tl, &r, &n)) != GW_OK)
		return rc;
	/* candidates: every reading and a grid of window / 10 from the start,
	 * so that a stretch without rows is judged too.  The grid is capped at
	 * STALL_GRID_MAX points: a pile stamping its stop centuries ahead must
	 * not buy unbounded CPU (found by the fuzzer); such a session is an
	 * OVERTIME case anyway. */
	step = billing_max64(billing_max64(win / 10, 1), (end - tl->tx_start_ms) / STALL_GRID_MAX);
	for (size_t i = 0;;) {
		int64_t g = a < tl->tx_start_ms
				    ? tl->tx_start_ms
				    : tl->tx_start_ms + ((a - tl->tx_start_ms) / step + 1) * step;
		int stalled = 0;

		while (i < n && r[i].at_ms <= a)
			i++;
		a = i < n && r[i].at_ms < g ? r[i].at_ms : g;
		if (a > end - win)
			a = INT64_MAX; /* no candidate left: close the last run */
		if (a != INT64_MAX && a >= tl->tx_start_ms) {
			int64_t rise = tariff_energy_at_mwh(r, n, a + win) - tariff_energy_at_mwh(r, n, a);

			stalled = rise < thr_mwh && charging_throughout(tl, a, a + win) &&
				  !power_reaches(tl, a, a + win, th->stall_power_w);
		}
		if (stalled && have_run && a <= run_to) {
			run_to = a + win; /* overlaps the run: extend it */
			continue;
		}
		if (have_run && run_to - run_from >= th->stall_min_ms) {
			if (!started)
				anomaly_finding_init(out, ANOMALY_STALL_BILLED, run_from, run_to, "%s", "");
			started = 1;
			out->to_ms = run_to;
			total_ms += run_to - run_from;
			anomaly_finding_exclude(out, run_from, run_to, TARIFF_BITS_FEES);
		}
		have_run = stalled;
		if (stalled) {
			run_from = a;
			run_to = a + win;
		}
		if (a == INT64_MAX)
			break;
	}
	GW_FREE(r);
	if (!started)
		return GW_OK;
	snprintf(out->explain, sizeof(out->explain),
		 "CHARGING without energy for %lld min (under %lld Wh per %lld min, power under %lld W)",
		 (long long)(total_ms / 60000), (long long)(thr_mwh / 1000), (long long)(win / 60000),
		 (long long)th->stall_power_w);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = out->refund_minor > 0;
	return GW_OK;
}
