/* SPDX-License-Identifier: MIT
 *
 * anomaly_meter_regression.c - METER_REGRESSION: the energy register went
 * backwards (a meter swap, a reset, a bad meterStop such as -1).
 *
 * Fires when meterStop < meterStart, or when a reading of the billed
 * transaction (meterStart, samples, meterStop, in time order) is more than
 * regression_wh below the one before it.  The window is the first fall.
 * Holds the settlement (tier C, refund 0): nobody can say what was
 * delivered.
 */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_meter_regression(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			     const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct tariff_reading *r = NULL;
	size_t n;
	int rc;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	if (tl->have_meter_start && tl->have_stop && tl->have_meter_stop &&
	    tl->meter_stop_wh < tl->meter_start_wh) {
		anomaly_finding_init(out, ANOMALY_METER_REGRESSION, tl->tx_start_ms, tl->tx_stop_ms,
				     "meterStop %lld Wh below meterStart %lld Wh",
				     (long long)tl->meter_stop_wh, (long long)tl->meter_start_wh);
		goto found;
	}
	if ((rc = billing_billed_readings(tl, &r, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i + 1 < n; i++) {
		int64_t fall = r[i].energy_wh - r[i + 1].energy_wh;

		if (fall > th->regression_wh) {
			anomaly_finding_init(out, ANOMALY_METER_REGRESSION, r[i].at_ms, r[i + 1].at_ms,
					     "register fell %lld Wh (from %lld to %lld Wh)",
					     (long long)fall, (long long)r[i].energy_wh,
					     (long long)r[i + 1].energy_wh);
			GW_FREE(r);
			goto found;
		}
	}
	GW_FREE(r);
	return GW_OK;
found:
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
