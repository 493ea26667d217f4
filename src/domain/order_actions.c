/* SPDX-License-Identifier: MIT
 *
 * order_actions.c - force-close and cancel of an order by an operator
 * (order_actions.h).
 *
 * Force-close keeps the rule "close on end messages only" honest: the
 * order is closed, the transaction is not.  The pile's own end message,
 * when it comes, goes through order_on_tx_end -> order_settle, which
 * re-judges a settled (here abnormal) order with the real data: amounts
 * amended, cases opened or amended, never duplicated.
 */
#include <inttypes.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/order.h"
#include "domain/order_actions.h"

#define FREE_CANCEL_MAX_WH 100 /* 0.1 kWh, as settle.c */

static int open_state(enum order_state s)
{
	return s == ORDER_STARTING || s == ORDER_CHARGING || s == ORDER_STOPPING;
}

int domain_order_force_close(struct domain *d, int64_t order_id, const char *work_order,
			     const char *reason, const char *who, int64_t now_ms,
			     struct order_row *out)
{
	struct order_ctx c = { NULL, now_ms };
	struct order_row o;
	struct pile_row p;
	struct tx_row tx;
	struct event_buf b;
	int64_t end_ms = now_ms, cost = 0;
	int rc = store_order_get(d->st, order_id, &o);

	if (rc != GW_OK)
		return rc;
	if (!open_state(o.state))
		return GW_ECONFLICT;
	if ((rc = store_tx_get(d->st, o.tx_id, &tx)) != GW_OK)
		return rc;
	if (store_pile_get(d->st, o.pile, &p) == GW_OK && p.last_seen_ms && p.last_seen_ms < now_ms)
		end_ms = p.last_seen_ms;
	if (end_ms < o.started_ms)
		end_ms = o.started_ms;
	/* the data known: a timeline the billing code refuses prices 0 and
	 * the order is held all the same */
	rc = order_running_cost(d, &o, &tx, end_ms, &cost);
	if (rc == GW_ESTORE || rc == GW_ENOMEM)
		return rc;
	if (rc != GW_OK)
		cost = 0;
	o.ended_ms = end_ms;
	o.billed_minor = o.rerated_minor = o.amount_minor = cost;
	o.settled_ms = o.updated_ms = now_ms;
	if ((rc = store_order_update(d->st, &o)) != GW_OK)
		return rc;
	event_begin(&b, EV_ORDER_ENDED, EVSRC_OPERATOR, end_ms, &o);
	event_ref(&b, work_order);
	event_str(&b, "stop_reason", "ForceClosed");
	event_str(&b, "work_order", work_order);
	event_str(&b, "reason", reason);
	event_str(&b, "closed_by", who);
	event_i64(&b, "late", 0);
	if ((rc = domain_emit(d, &b)) != GW_OK)
		return rc;
	event_begin(&b, EV_ORDER_SETTLED, EVSRC_OPERATOR, now_ms, &o);
	event_ref(&b, work_order);
	event_i64(&b, "billed_minor", o.billed_minor);
	event_i64(&b, "rerated_minor", o.rerated_minor);
	event_i64(&b, "amount_minor", o.amount_minor);
	event_str(&b, "currency", o.tariff.currency);
	event_i64(&b, "minor_exp", o.tariff.minor_exp);
	event_i64(&b, "started_ms", o.started_ms);
	event_i64(&b, "ended_ms", o.ended_ms);
	event_i64(&b, "force_closed", 1);
	if ((rc = domain_emit(d, &b)) != GW_OK ||
	    (rc = order_set_state(d, &c, &o, ORDER_ABNORMAL, ORDER_SUB_NONE)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "cp=%s order %s force-closed by %s (%s: %s): %" PRId64 " %s, abnormal",
	       o.pile, o.number, who, work_order, reason, cost, o.tariff.currency);
	if (out)
		*out = o;
	return GW_OK;
}

int domain_order_cancel_unstarted(struct domain *d, int64_t order_id, const char *who,
				  int64_t now_ms, struct order_row *out)
{
	struct order_ctx c = { NULL, now_ms };
	struct order_row o;
	struct event_buf b;
	int rc = store_order_get(d->st, order_id, &o);

	if (rc != GW_OK)
		return rc;
	if (o.state != ORDER_STARTING)
		return GW_ECONFLICT;
	o.amount_minor = o.billed_minor = o.rerated_minor = 0;
	o.settled_ms = o.updated_ms = now_ms;
	if ((rc = store_order_update(d->st, &o)) != GW_OK ||
	    (rc = order_set_state(d, &c, &o, ORDER_CANCELLED, ORDER_SUB_NONE)) != GW_OK)
		return rc;
	event_begin(&b, EV_ORDER_CANCELLED, EVSRC_OPERATOR, now_ms, &o);
	event_ref(&b, who);
	event_str(&b, "reason", "operator");
	event_i64(&b, "amount_minor", 0);
	event_str(&b, "currency", o.tariff.currency);
	if ((rc = domain_emit(d, &b)) != GW_OK)
		return rc;
	if (out)
		*out = o;
	return GW_OK;
}

int domain_order_in_free_cancel(struct domain *d, const struct order_row *o, int64_t now_ms)
{
	if (o->state != ORDER_CHARGING && o->state != ORDER_STARTING)
		return 0;
	return o->energy_wh < FREE_CANCEL_MAX_WH &&
	       now_ms - o->started_ms <= (int64_t)d->cfg->free_cancel_min * 60000;
}
