/* SPDX-License-Identifier: MIT
 *
 * anomaly_stop_not_effective.c - STOP_NOT_EFFECTIVE: the pile accepted a
 * remote stop but did not end the transaction.
 *
 * Fires when a remote stop was accepted and the end message is stamped more
 * than stop_timeout_ms after the acceptance, or has not come and now is past
 * that (the sweep sent a TriggerMessage at stop_trigger_ms, see
 * anomaly_trigger_due).  An end stamped within the timeout is effective even
 * if it arrived later (offline upload): billing stopped at its stamp.
 * Refund: everything after acceptance + stop_grace_ms but the start fee
 * (tier A); fires even when that is 0, the stop failing is the finding.
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_stop_not_effective(const struct order_timeline *tl, const struct anomaly_thresholds *th,
			       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	int64_t acc, end, from;
	int rc;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	from = tl->auth_ms > 0 && tl->auth_ms < tl->tx_start_ms ? tl->auth_ms : tl->tx_start_ms;
	if (!order_timeline_stop_accepted(tl, from, &acc))
		return GW_OK;
	end = order_timeline_tx_end(tl);
	if (end - acc <= th->stop_timeout_ms)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_STOP_NOT_EFFECTIVE, acc + th->stop_grace_ms, end,
			     "remote stop accepted, %s %lld s later",
			     tl->have_stop ? "transaction ended" : "transaction still open",
			     (long long)((end - acc) / 1000));
	anomaly_finding_exclude(out, acc + th->stop_grace_ms, end,
				TARIFF_BITS_ENERGY | TARIFF_BITS_FEES);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
