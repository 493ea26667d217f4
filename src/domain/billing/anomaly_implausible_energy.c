/* SPDX-License-Identifier: MIT
 *
 * anomaly_implausible_energy.c - IMPLAUSIBLE_ENERGY: more energy than the
 * connector can deliver in the time (typically a Wh / kWh mix-up).
 *
 * Fires when the billed energy exceeds P_max x duration x implausible_pct /
 * 100 + implausible_extra_wh, duration being the billed transaction (tx
 * start to stop, now while open).  Needs P_max.  Compared exactly in 128-bit
 * integers.  Holds the settlement (tier C, refund 0).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_int.h"
#include "domain/billing/billing_window.h"

int anomaly_implausible_energy(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct tariff_bill billed;
	int64_t end, dur_ms;
	billing_i128 lhs, rhs;
	int rc;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	if (tl->p_max_w <= 0)
		return GW_OK;
	if ((rc = billing_billed(tl, t, NULL, 0, &billed)) != GW_OK)
		return rc;
	end = order_timeline_tx_end(tl);
	dur_ms = end - tl->tx_start_ms;
	/* mWh / 1000 > W x ms / 3.6e6 x pct / 100 + extra, all times 3.6e11 */
	lhs = (billing_i128)billed.energy_mwh * 360000000;
	rhs = (billing_i128)tl->p_max_w * dur_ms * th->implausible_pct * 1000 +
	      (billing_i128)th->implausible_extra_wh * 360000000000LL;
	if (lhs <= rhs)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_IMPLAUSIBLE_ENERGY, tl->tx_start_ms, end,
			     "%lld Wh in %lld min exceeds %lld W nameplate power",
			     (long long)(billed.energy_mwh / 1000), (long long)(dur_ms / 60000),
			     (long long)tl->p_max_w);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
