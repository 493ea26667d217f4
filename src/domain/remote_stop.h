/* SPDX-License-Identifier: MIT
 *
 * remote_stop.h - an operator's remote stop of an order, as the domain
 * records it (DESIGN.md "Orders"; issue 5 "POST .../stop").
 *
 * The API sends RemoteStopTransaction / RequestStopTransaction itself and
 * tells the domain what happened: requested (at once, with the work-order
 * number), then accepted or rejected (the pile's answer, a CALLERROR, a
 * timeout or the disconnect).  When the pile's end message follows an
 * accepted stop, order.c calls remote_stop_on_end() and the work order
 * is recorded as effective (order.remote_stop_effective, once per work
 * order).  The history of a work order is these events, each with
 * source operator and source_ref = the work-order number; the API reads
 * its state from them.  Each call stores and emits in the caller's store
 * batch.  The sweep's STOP_NOT_EFFECTIVE rule judges the same stop from
 * the commands table; "within_timeout" below is its test, so a work order
 * recorded as effective late is exactly one that rule opens a case for.
 */
#ifndef DOMAIN_REMOTE_STOP_H
#define DOMAIN_REMOTE_STOP_H
#include <stdint.h>

struct domain;
struct order_row;
struct tx_row;

/* order.remote_stop_requested (source operator, ref work_order).  who is
 * the token name that asked.  GW_ENOTFOUND (no such order), GW_ECONFLICT
 * (the order is not charging / stopping), a store code. */
int domain_order_remote_stop_requested(struct domain *d, int64_t order_id, const char *work_order,
				       const char *who, int64_t now_ms);

/* order.remote_stop_accepted (the order moves to stopping) or
 * order.remote_stop_rejected with outcome ("Rejected", "Timeout",
 * "Closed", a CALLERROR code).  An acceptance that comes after the
 * transaction already ended (the pile sent its end message before its
 * answer) is effective at once (delay 0).  GW_ENOTFOUND or a store code. */
int domain_order_remote_stop_result(struct domain *d, int64_t order_id, const char *work_order,
				    int accepted, const char *outcome, int64_t now_ms);

/* Internal to src/domain (order.c): the end message of tx arrived for o,
 * still open (its state before settling).  Every accepted stop work order
 * of o not yet effective gets order.remote_stop_effective with
 *   delay_ms          end (pile time, clock-corrected) - acceptance, >= 0
 *   received_delay_ms end message received - acceptance, >= 0
 *   within_timeout    delay_ms <= anomaly.stop_timeout_ms
 *   end_frame_seq     the end message's raw frame
 * An order that is not stopping has no accepted stop: nothing is read.
 * GW_OK or a store code. */
int remote_stop_on_end(struct domain *d, const struct order_row *o, const struct tx_row *tx);

/* Work-order numbers of remote stops: "WO-" ORDER "-" N, N = 1, 2, ...
 * per order (the API numbers them).  The order number part may itself
 * hold hyphens; N follows the last one. */
#define REMOTE_STOP_WO_PREFIX "WO-"

#endif
