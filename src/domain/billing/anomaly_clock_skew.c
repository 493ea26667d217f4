/* SPDX-License-Identifier: MIT
 *
 * anomaly_clock_skew.c - CLOCK_SKEW: the pile stamps messages in the
 * future.
 *
 * Fires when a message of the order is stamped more than skew_future_ms
 * after we received it.  A stamp in the past alone is no skew: it can be an
 * offline upload (PROTOCOL.md 1.4 "historical messages are normal").  The
 * window spans the skewed stamps (raw pile time).  Asks for re-timing
 * (tier C, refund 0).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"

int anomaly_clock_skew(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		       const struct tariff *t, struct anomaly_finding *out, int *fired)
{
	int64_t worst = 0, from = INT64_MAX, to = INT64_MIN;
	size_t count = 0;
	int rc;

	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	for (size_t i = 0; i < tl->n_stamps; i++) {
		int64_t ahead = tl->stamps[i].pile_ms - tl->stamps[i].recv_ms;

		if (ahead <= th->skew_future_ms)
			continue;
		count++;
		worst = ahead > worst ? ahead : worst;
		from = tl->stamps[i].pile_ms < from ? tl->stamps[i].pile_ms : from;
		to = tl->stamps[i].pile_ms + 1 > to ? tl->stamps[i].pile_ms + 1 : to;
	}
	if (!count)
		return GW_OK;
	anomaly_finding_init(out, ANOMALY_CLOCK_SKEW, from, to,
			     "%zu message(s) stamped up to %lld s after their receipt", count,
			     (long long)(worst / 1000));
	if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
		return rc;
	*fired = 1;
	return GW_OK;
}
