/* SPDX-License-Identifier: MIT
 *
 * remote_stop.h - an operator's remote stop of an order, as the domain
 * records it (DESIGN.md "Orders"; issue 5 "POST .../stop").
 *
 * The API sends RemoteStopTransaction / RequestStopTransaction itself and
 * tells the domain what happened: requested (at once, with the work-order
 * number), then accepted or rejected (the pile's answer, a CALLERROR, a
 * timeout or the disconnect).  Each call stores and emits in the caller's
 * store batch.  Whether the end message came is for the sweep's
 * STOP_NOT_EFFECTIVE rule, which reads the command from the commands table.
 */
#ifndef DOMAIN_REMOTE_STOP_H
#define DOMAIN_REMOTE_STOP_H
#include <stdint.h>

struct domain;

/* order.remote_stop_requested (source operator, ref work_order).  who is
 * the token name that asked.  GW_ENOTFOUND (no such order), GW_ECONFLICT
 * (the order is not charging / stopping), a store code. */
int domain_order_remote_stop_requested(struct domain *d, int64_t order_id, const char *work_order,
				       const char *who, int64_t now_ms);

/* order.remote_stop_accepted (the order moves to stopping) or
 * order.remote_stop_rejected with outcome ("Rejected", "Timeout",
 * "Closed", a CALLERROR code).  GW_ENOTFOUND or a store code. */
int domain_order_remote_stop_result(struct domain *d, int64_t order_id, const char *work_order,
				    int accepted, const char *outcome, int64_t now_ms);

#endif
