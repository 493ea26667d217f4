/* SPDX-License-Identifier: MIT
 *
 * anomaly_zero_energy_billed.c - ZERO_ENERGY_BILLED: the driver paid but
 * (almost) nothing was delivered.
 *
 * Fires when the billed energy (what the driver was charged for: positive
 * register rises from meterStart to meterStop) is under zero_energy_wh and
 * the billed amount is > 0.  Refund: everything (tier A).  A session that
 * ended within the free-cancel window is cancelled with amount 0 before the
 * detectors run, so it never gets here.
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_zero_energy_billed(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct tariff_bill billed;
	int64_t end;
	int rc;

	*fired = 0;
	if ((rc = billing_billed(tl, t, NULL, 0, &billed)) != GW_OK)
		return rc;
	if (billed.total_minor <= 0 || billed.energy_mwh >= th->zero_energy_wh * 1000)
		return GW_OK;
	end = order_timeline_tx_end(tl);
	anomaly_finding_init(out, ANOMALY_ZERO_ENERGY_BILLED, tl->tx_start_ms, end,
			     "%lld Wh delivered, under %lld Wh, but billed",
			     (long long)(billed.energy_mwh / 1000), (long long)th->zero_energy_wh);
	anomaly_finding_exclude(out, tl->tx_start_ms, end, TARIFF_BITS_ALL);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
