/* SPDX-License-Identifier: MIT
 *
 * anomaly_zero_energy_billed.c - ZERO_ENERGY_BILLED: the driver paid but
 * (almost) nothing was delivered.
 *
 * Fires when the billed energy (what the driver was charged for: positive
 * register rises from meterStart to meterStop) is under zero_energy_wh and
 * the billed amount is > 0.  Refund: everything (tier A).  A session that
 * ended within the free-cancel window is cancelled with amount 0 before the
 * detectors run, so it never gets here.  A register that went backwards is
 * not evidence of "nothing delivered": METER_REGRESSION holds that order
 * for review, and an automatic refund would pre-empt the reviewer.
 */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

/* 1 if the billed register falls by more than regression_wh anywhere. */
static int regressed(const struct order_timeline *tl, const struct anomaly_thresholds *th)
{
	struct tariff_reading *r = NULL;
	size_t n = 0;
	int fell = 0;

	if (tl->have_meter_start && tl->have_meter_stop &&
	    tl->meter_stop_wh < tl->meter_start_wh - th->regression_wh)
		return 1;
	if (billing_billed_readings(tl, &r, &n) != GW_OK)
		return 0;
	for (size_t i = 1; i < n && !fell; i++)
		fell = r[i].energy_wh < r[i - 1].energy_wh - th->regression_wh;
	gw_free(r);
	return fell;
}

int anomaly_zero_energy_billed(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct tariff_bill billed;
	int64_t end;
	int rc;

	*fired = 0;
	if (regressed(tl, th))
		return GW_OK;
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
