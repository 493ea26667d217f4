/* SPDX-License-Identifier: MIT
 *
 * anomaly_no_plug_billed.c - NO_PLUG_BILLED: the driver paid for a session
 * in which no car was ever seen plugged in.
 *
 * Fires when there is no strong plug evidence from authorization to the end
 * of the transaction, less than no_plug_max_wh was delivered and the billed
 * amount is > 0.  Refund: everything (tier A).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_no_plug_billed(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			   const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct tariff_bill billed;
	int64_t from, end, plug;
	int rc;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	from = tl->auth_ms > 0 ? tl->auth_ms : tl->tx_start_ms;
	end = order_timeline_tx_end(tl);
	if (order_timeline_plug_start(tl, from, end, th->flow_current_ma, th->flow_power_w, &plug))
		return GW_OK;
	if ((rc = billing_billed(tl, t, NULL, 0, &billed)) != GW_OK)
		return rc;
	if (billed.total_minor <= 0 || billed.energy_mwh >= th->no_plug_max_wh * 1000)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_NO_PLUG_BILLED, tl->tx_start_ms, end,
			     "no plug evidence in the whole session; %lld Wh delivered",
			     (long long)(billed.energy_mwh / 1000));
	anomaly_finding_exclude(out, tl->tx_start_ms, end, TARIFF_BITS_ALL);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
