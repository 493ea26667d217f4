/* SPDX-License-Identifier: MIT
 *
 * anomaly_fee_spike.c - FEE_SPIKE: the billed amount is far above what the
 * session should have cost.
 *
 * "Expected" is the re-rated amount over the billing window with no
 * exclusions: the same tariff over the gateway's own view of the session.
 * Fires when expected > 0 and billed > fee_spike_factor x expected (an
 * expected 0 with a bill is NO_PLUG_BILLED's / ZERO_ENERGY_BILLED's case).
 * Alerts an operator (tier C, refund 0).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_fee_spike(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		      const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	struct tariff_bill billed, expected;
	int rc;

	*fired = 0;
	if ((rc = billing_billed(tl, t, NULL, 0, &billed)) != GW_OK)
		return rc;
	if ((rc = billing_rerated(tl, th, t, NULL, 0, &expected)) != GW_OK)
		return rc;
	if (expected.total_minor <= 0 || billed.total_minor <= th->fee_spike_factor * expected.total_minor)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_FEE_SPIKE, tl->tx_start_ms, order_timeline_tx_end(tl),
			     "billed %lld is over %lld x the expected %lld (minor units, %s)",
			     (long long)billed.total_minor, (long long)th->fee_spike_factor,
			     (long long)expected.total_minor, t->currency);
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
