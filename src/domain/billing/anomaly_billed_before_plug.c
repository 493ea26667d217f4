/* SPDX-License-Identifier: MIT
 *
 * anomaly_billed_before_plug.c - BILLED_BEFORE_PLUG: time fees charged
 * while the driver had not plugged in yet.
 *
 * Fires when bill_start is more than plug_gap_ms after the transaction
 * start and the time / idle fees of [tx start, bill_start) are > 0.  The
 * start fee stays: the driver did plug in and charge.  Energy before the
 * plug is ENERGY_BEFORE_PLUG's (a meter case).  Refund: those fees (tier B).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_billed_before_plug(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct billing_window w;
	int rc;

	*fired = 0;
	if ((rc = billing_window(tl, th, &w)) != GW_OK)
		return rc;
	if (!w.has_plug || w.start_ms - tl->tx_start_ms <= th->plug_gap_ms)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_BILLED_BEFORE_PLUG, tl->tx_start_ms, w.start_ms,
			     "transaction started %lld s before the first plug evidence",
			     (long long)((w.start_ms - tl->tx_start_ms) / 1000));
	anomaly_finding_exclude(out, tl->tx_start_ms, w.start_ms, TARIFF_BITS_FEES);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = out->refund_minor > 0;
	return GW_OK;
}
