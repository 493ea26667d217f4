/* SPDX-License-Identifier: MIT
 *
 * status.c - StatusNotification: current connector state plus one history
 * row per report (the detectors read the history; DESIGN.md "Close on end
 * messages only": a status never ends a transaction), then the sub-state
 * of the open orders on that connector (order.c).
 */
#include "common/gw_err.h"
#include "domain/order.h"

int domain_status(struct domain *d, const struct domain_src *src, const struct status_report *r)
{
	struct order_ctx c = {.src = src, .now_ms = src->recv_ms};
	int rc = store_connector_set(d->st, src->identity, r, CONN_SRC_STATUS, src->recv_ms,
				     src->frame_seq);

	if (rc != GW_OK)
		return rc;
	return order_on_status(d, &c, src->identity, r);
}
