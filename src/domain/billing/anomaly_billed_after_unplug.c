/* SPDX-License-Identifier: MIT
 *
 * anomaly_billed_after_unplug.c - BILLED_AFTER_UNPLUG: the car left but the
 * transaction stayed open and kept billing.
 *
 * The unplug is the first status after bill_start whose evidence says the
 * cable is out (1.6 AVAILABLE with the transaction open; 2.0.1
 * EVCommunicationLost / Idle as the translator marks them).  Fires when the
 * transaction was still open more than unplug_grace_ms after it and what it
 * billed after the unplug (all but the start fee) is > 0.  Refund: that
 * (tier B).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_billed_after_unplug(const struct order_timeline *tl,
				const struct anomaly_thresholds *th, const struct tariff *t,
				struct anomaly_finding *out, int *fired)
{
	struct billing_window w;
	int64_t unplug, end;
	int rc;

	*fired = 0;
	if ((rc = billing_window(tl, th, &w)) != GW_OK)
		return rc;
	end = order_timeline_tx_end(tl);
	if (!w.has_plug || !order_timeline_unplug_after(tl, w.start_ms, end, &unplug) ||
	    end - unplug <= th->unplug_grace_ms)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_BILLED_AFTER_UNPLUG, unplug, end,
			     "transaction open %lld s after the unplug",
			     (long long)((end - unplug) / 1000));
	anomaly_finding_exclude(out, unplug, end, TARIFF_BITS_ENERGY | TARIFF_BITS_FEES);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = out->refund_minor > 0;
	return GW_OK;
}
