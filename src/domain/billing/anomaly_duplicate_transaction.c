/* SPDX-License-Identifier: MIT
 *
 * anomaly_duplicate_transaction.c - DUPLICATE_TRANSACTION: a second open
 * order on one connector, or one idTag charging on two connectors.
 *
 * The timeline lists the other orders that share this order's connector or
 * idTag.  This order is the duplicate when one of them overlaps it in time
 * and started before it (or at the same instant with a lower order id); the
 * earlier order is the original and does not fire.  Refund: all of the
 * duplicate (tier A).
 */
#include "common/gw_err.h"
#include "domain/billing/anomaly.h"
#include "domain/billing/billing_int.h"
#include "domain/billing/billing_window.h"

int anomaly_duplicate_transaction(const struct order_timeline *tl,
				  const struct anomaly_thresholds *th, const struct tariff *t,
				  struct anomaly_finding *out, int *fired)
{
	int64_t start = tl->tx_start_ms, end;
	int rc;

	(void)th;
	*fired = 0;
	if (order_timeline_check(tl) != GW_OK)
		return GW_EINVAL;
	end = order_timeline_tx_end(tl);
	for (size_t i = 0; i < tl->n_others; i++) {
		const struct tl_other_order *o = &tl->others[i];
		int64_t o_end = o->end_ms ? o->end_ms : end;
		int earlier = o->start_ms < start || (o->start_ms == start && o->order_id < tl->order_id);

		if (!(o->same_connector || o->same_token) || !earlier || o->start_ms >= end ||
		    o_end <= start)
			continue;
		anomaly_finding_init(out, ANOMALY_DUPLICATE_TRANSACTION, start, billing_min64(end, o_end),
				     "order %lld was already open on the same %s",
				     (long long)o->order_id, o->same_connector ? "connector" : "idTag");
		anomaly_finding_exclude(out, start, end, TARIFF_BITS_ALL);
		if ((rc = anomaly_finding_refund(out, tl, t)) != GW_OK)
			return rc;
		*fired = 1;
		return GW_OK;
	}
	return GW_OK;
}
