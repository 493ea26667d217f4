/* SPDX-License-Identifier: MIT
 *
 * anomaly_energy_before_plug.c - ENERGY_BEFORE_PLUG: the register rose
 * before any car was plugged in (a meter or wiring case).
 *
 * Looks at the readings the pile billed (meterStart, samples) up to the
 * first strong plug evidence, or over the whole transaction when there is
 * none.  Fires when the last reading at or before the plug is more than
 * before_plug_wh above the first one.  Only observed readings count:
 * interpolating across the plug-in would blame the car's first minutes on
 * the meter.  Refund: the energy and service fees of that rise (tier C).
 */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_energy_before_plug(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct billing_window w;
	struct tariff_reading *r = NULL;
	size_t n, last = 0;
	int64_t plug;
	int rc;

	*fired = 0;
	if ((rc = billing_window(tl, th, &w)) != GW_OK)
		return rc;
	plug = w.has_plug ? w.start_ms : order_timeline_tx_end(tl);
	if ((rc = billing_billed_readings(tl, &r, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i < n && r[i].at_ms <= plug; i++)
		last = i;
	if (n == 0 || r[last].energy_wh - r[0].energy_wh <= th->before_plug_wh)
		goto out;
	anomaly_finding_init(out, ANOMALY_ENERGY_BEFORE_PLUG, r[0].at_ms, r[last].at_ms,
			     "register rose %lld Wh before %s",
			     (long long)(r[last].energy_wh - r[0].energy_wh),
			     w.has_plug ? "the first plug evidence" : "any plug evidence");
	anomaly_finding_exclude(out, tl->tx_start_ms, r[last].at_ms, TARIFF_BITS_ENERGY);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		goto out;
	*fired = 1;
out:
	GW_FREE(r);
	return rc;
}
