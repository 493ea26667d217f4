/* SPDX-License-Identifier: MIT
 *
 * order_actions.h - an operator's hand on an order (DESIGN.md "Orders";
 * issue 5 "POST .../force-close", ".../cancel"), as the domain records it.
 * Each call stores and emits in the caller's store batch; strings are
 * borrowed for the call.
 */
#ifndef DOMAIN_ORDER_ACTIONS_H
#define DOMAIN_ORDER_ACTIONS_H
#include <stdint.h>

#include "store/store.h"

struct domain;

/* Close an open order (starting / charging / stopping) whose pile is gone:
 * priced with the data known (the tariff over the transaction up to the
 * pile's last sign of life, or now when it was never seen), ended there,
 * order.ended (source operator, ref work_order, stop_reason "ForceClosed",
 * reason) then order.settled, state abnormal - held for a person.  The
 * transaction stays open: a late end message re-judges the order through
 * the usual late-data path (settle.c).  *out (may be NULL) = the order.
 * GW_ENOTFOUND, GW_ECONFLICT (not open), a store code. */
int domain_order_force_close(struct domain *d, int64_t order_id, const char *work_order,
			     const char *reason, const char *who, int64_t now_ms,
			     struct order_row *out);

/* Cancel an order that has not started (starting): cancelled, amount 0,
 * order.cancelled (reason "operator").  GW_ENOTFOUND, GW_ECONFLICT (any
 * other state), a store code. */
int domain_order_cancel_unstarted(struct domain *d, int64_t order_id, const char *who,
				  int64_t now_ms, struct order_row *out);

/* 1 when an open order o is still inside the free-cancel window at now_ms
 * (free_cancel_min after its start) and has delivered < 0.1 kWh. */
int domain_order_in_free_cancel(struct domain *d, const struct order_row *o, int64_t now_ms);

#endif
