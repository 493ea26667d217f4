/* SPDX-License-Identifier: MIT
 *
 * anomaly_billed_after_fault.c - BILLED_AFTER_FAULT: the transaction kept
 * billing after the pile faulted.
 *
 * The fault is the first FAULTED status, reported fault, or fault stop
 * reason (timed at the pile's last sign of life before the stop) at or after
 * bill_start (the tx start when there is no plug evidence).  Fires when the
 * transaction went on more than fault_grace_ms after it and the energy,
 * service, time and idle fees after the fault are > 0.  The start fee stays.
 * Refund: everything after the fault but the start fee (tier B).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_billed_after_fault(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct billing_window w;
	int64_t fault, end;
	int rc;

	*fired = 0;
	if ((rc = billing_window(tl, th, &w)) != GW_OK)
		return rc;
	end = order_timeline_tx_end(tl);
	if (!order_timeline_first_fault(tl, w.has_plug ? w.start_ms : tl->tx_start_ms, &fault) ||
	    end - fault <= th->fault_grace_ms)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_BILLED_AFTER_FAULT, fault, end,
			     "transaction went on %lld s after a fault%s%s",
			     (long long)((end - fault) / 1000), tl->stop_reason[0] ? "; stop reason " : "",
			     tl->stop_reason);
	anomaly_finding_exclude(out, fault, end, TARIFF_BITS_ENERGY | TARIFF_BITS_FEES);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = out->refund_minor > 0;
	return GW_OK;
}
