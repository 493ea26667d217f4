/* SPDX-License-Identifier: MIT
 *
 * anomaly_overtime.c - OVERTIME: a transaction far longer than any real
 * charge (a forgotten or stuck session).
 *
 * Fires when the billed transaction (tx start to stop, now while open) is
 * longer than overtime_dc_ms on a DC connector or overtime_ac_ms on AC or
 * an unknown current type.  The window is the part past the limit.  Alerts
 * an operator (tier C, refund 0).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_overtime(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		     const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	int64_t end, limit;
	int rc;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	end = order_timeline_tx_end(tl);
	limit = tl->current == TL_CURRENT_DC ? th->overtime_dc_ms : th->overtime_ac_ms;
	if (end - tl->tx_start_ms <= limit)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_OVERTIME, tl->tx_start_ms + limit, end,
			     "%s transaction open %lld h, over the %lld h limit",
			     tl->current == TL_CURRENT_DC ? "DC" : "AC",
			     (long long)((end - tl->tx_start_ms) / 3600000), (long long)(limit / 3600000));
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
