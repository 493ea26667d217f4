/* SPDX-License-Identifier: MIT
 *
 * remote_stop.c - the order side of an operator's remote stop
 * (remote_stop.h): events requested / accepted / rejected and the move to
 * stopping.  Plain C over the store; the command itself is sent by the API.
 */
#include "common/gw_err.h"
#include "domain/order.h"
#include "domain/remote_stop.h"

int domain_order_remote_stop_requested(struct domain *d, int64_t order_id, const char *work_order,
				       const char *who, int64_t now_ms)
{
	struct order_row o;
	struct event_buf b;
	int rc = store_order_get(d->st, order_id, &o);

	if (rc != GW_OK)
		return rc;
	if (o.state != ORDER_CHARGING && o.state != ORDER_STOPPING && o.state != ORDER_STARTING)
		return GW_ECONFLICT;
	event_begin(&b, EV_ORDER_REMOTE_STOP_REQUESTED, EVSRC_OPERATOR, now_ms, &o);
	event_ref(&b, work_order);
	event_str(&b, "work_order", work_order);
	event_str(&b, "requested_by", who ? who : "");
	return domain_emit(d, &b);
}

int domain_order_remote_stop_result(struct domain *d, int64_t order_id, const char *work_order,
				    int accepted, const char *outcome, int64_t now_ms)
{
	struct order_ctx c = { NULL, now_ms };
	struct order_row o;
	struct event_buf b;
	int rc = store_order_get(d->st, order_id, &o);

	if (rc != GW_OK)
		return rc;
	event_begin(&b, accepted ? EV_ORDER_REMOTE_STOP_ACCEPTED : EV_ORDER_REMOTE_STOP_REJECTED,
		    EVSRC_OPERATOR, now_ms, &o);
	event_ref(&b, work_order);
	event_str(&b, "work_order", work_order);
	event_str(&b, "outcome", outcome ? outcome : (accepted ? "Accepted" : "Rejected"));
	if ((rc = domain_emit(d, &b)) != GW_OK)
		return rc;
	/* the end message may already have come: only a running order stops */
	if (accepted && o.state == ORDER_CHARGING)
		rc = order_set_state(d, &c, &o, ORDER_STOPPING, ORDER_SUB_NONE);
	return rc;
}
