/* SPDX-License-Identifier: MIT
 *
 * settle.c - an ended order: settling -> billed amount, billing window,
 * detectors, refund cases -> completed / abnormal / cancelled.  The same
 * code re-judges a settled order when late data arrives (meter values
 * after the end message, an end message after a forced close): cases are
 * amended, never opened twice for one (order, rule).
 *
 * Checklist (DESIGN.md "Orders", "Billing anomalies -> refund cases"):
 *   1. build the timeline (clock-corrected) and price the pile's own
 *      transaction: billed = billing_billed;
 *   2. free cancel: ended within free_cancel_min of bill_start (of the tx
 *      start when no plug was ever seen) with < 0.1 kWh -> cancelled,
 *      amount 0, no detectors (a completed order is never cancelled later);
 *   3. the overlapping orders join the timeline (only now: a free cancel
 *      never reads them); anomaly_run_all; re-rated = billing_rerated over all findings; the
 *      refunds of all cases together are capped at billed - re-rated
 *      (findings overlap), handed out in rule-table order;
 *   4. each finding opens or amends its case (refund_case.c); a refund
 *      finding left with nothing by the cap (another rule already refunds
 *      all it would, e.g. ZERO_ENERGY_BILLED after NO_PLUG_BILLED) opens no
 *      case; cases whose finding no longer fires are withdrawn;
 *   5. completed when every case is decided without a person, abnormal when
 *      one waits for review or a finding holds the settlement.
 * A timeline or tariff the billing code refuses (our data, not the pile's
 * fault) makes the order abnormal instead of failing the pile's frame.
 */
#include <inttypes.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/billing/billing_window.h"
#include "domain/order.h"

#define FREE_CANCEL_MAX_MWH 100000 /* 0.1 kWh */
#define CASES_MAX 32

static int settled(enum order_state s)
{
	return s == ORDER_COMPLETED || s == ORDER_ABNORMAL || s == ORDER_CANCELLED;
}

static int transient(int rc)
{
	return rc == GW_ESTORE || rc == GW_ENOMEM;
}

static int emit_settled(struct domain *d, const struct order_ctx *c, const struct order_row *o,
			size_t n_findings, int rejudged)
{
	struct event_buf b;

	event_begin(&b, EV_ORDER_SETTLED, c->src ? EVSRC_PILE : EVSRC_SYSTEM, c->now_ms, o);
	if (c->src)
		event_ref_i64(&b, c->src->frame_seq);
	event_i64(&b, "billed_minor", o->billed_minor);
	event_i64(&b, "rerated_minor", o->rerated_minor);
	event_i64(&b, "amount_minor", o->amount_minor);
	event_str(&b, "currency", o->tariff.currency);
	event_i64(&b, "minor_exp", o->tariff.minor_exp);
	event_i64(&b, "energy_wh", o->energy_wh);
	event_i64(&b, "started_ms", o->started_ms);
	event_i64(&b, "ended_ms", o->ended_ms);
	event_i64(&b, "bill_start_ms", o->bill_start_ms);
	event_i64(&b, "bill_end_ms", o->bill_end_ms);
	event_i64(&b, "clock_offset_ms", o->clock_offset_ms);
	event_i64(&b, "findings", (int64_t)n_findings);
	event_i64(&b, "rejudged", rejudged);
	return domain_emit(d, &b);
}

/* The billing code refused our own data: hold the order for a person. */
static int refuse(struct domain *d, const struct order_ctx *c, struct order_row *o, int why)
{
	gw_log(GW_LOG_ERR, "cp=%s order %s cannot be priced (%s): held as abnormal", o->pile,
	       o->number, gw_strerror(why));
	return order_set_state(d, c, o, ORDER_ABNORMAL, ORDER_SUB_NONE);
}

/* Steps 3-4: findings -> cases.  *hold = 1 when one needs a person. */
static int judge(struct domain *d, const struct order_ctx *c, struct order_row *o,
		 const struct order_tl *t, const struct anomaly_finding *f, size_t nf, int *hold)
{
	struct case_row cases[CASES_MAX];
	int64_t cap = o->billed_minor - o->rerated_minor;
	int fired[ANOMALY_RULE_COUNT] = {0};
	size_t nc = 0;
	int rc, auto_ok;

	cap = cap < 0 ? 0 : cap > o->billed_minor ? o->billed_minor : cap;
	*hold = 0;
	for (size_t i = 0; i < nf; i++) {
		int64_t amount = 0;

		if (f[i].action == ANOMALY_ACT_REFUND) {
			amount = f[i].refund_minor < cap ? f[i].refund_minor : cap;
			cap -= amount;
			if (f[i].refund_minor > 0 && amount == 0) {
				gw_log(GW_LOG_INFO, "cp=%s order %s %s: already refunded by an earlier"
				       " rule, no case", o->pile, o->number,
				       anomaly_rule_name(f[i].rule));
				continue;
			}
		}
		if (f[i].action == ANOMALY_ACT_HOLD)
			*hold = 1;
		fired[f[i].rule] = 1;
		rc = refund_case_apply(d, c, o, t, &f[i], amount, o->rerated_minor, &auto_ok);
		if (rc != GW_OK)
			return rc;
		if (!auto_ok)
			*hold = 1;
	}
	/* cases whose finding is gone */
	if ((rc = store_case_list_by_order(d->st, o->id, cases, CASES_MAX, &nc)) != GW_OK)
		return rc;
	for (size_t i = 0; i < nc; i++) {
		enum anomaly_rule r;

		if (anomaly_rule_parse(cases[i].rule, &r) != GW_OK || fired[r])
			continue;
		if ((rc = refund_case_withdraw(d, c, o, &cases[i])) != GW_OK)
			return rc;
	}
	return GW_OK;
}

/* Step 2. */
static int free_cancel(struct domain *d, const struct order_row *o, const struct order_tl *t,
		       const struct billing_window *w, const struct tariff_bill *billed)
{
	int64_t ref = w->has_plug ? w->start_ms : t->tl.tx_start_ms;

	if (o->state == ORDER_COMPLETED || o->state == ORDER_ABNORMAL)
		return 0; /* only appealed from here on */
	return t->tl.have_stop && billed->energy_mwh < FREE_CANCEL_MAX_MWH &&
	       t->tl.tx_stop_ms - ref <= (int64_t)d->cfg->free_cancel_min * 60000;
}

static int cancel(struct domain *d, const struct order_ctx *c, struct order_row *o)
{
	struct event_buf b;
	int was = o->state == ORDER_CANCELLED;
	int rc;

	o->amount_minor = 0;
	o->rerated_minor = 0;
	o->settled_ms = c->now_ms;
	o->updated_ms = c->now_ms;
	if ((rc = store_order_update(d->st, o)) != GW_OK)
		return rc;
	if (was)
		return GW_OK;
	if ((rc = order_set_state(d, c, o, ORDER_CANCELLED, ORDER_SUB_NONE)) != GW_OK)
		return rc;
	event_begin(&b, EV_ORDER_CANCELLED, c->src ? EVSRC_PILE : EVSRC_SYSTEM, c->now_ms, o);
	if (c->src)
		event_ref_i64(&b, c->src->frame_seq);
	event_str(&b, "reason", "free_cancel");
	event_i64(&b, "billed_minor", o->billed_minor);
	event_i64(&b, "amount_minor", 0);
	event_str(&b, "currency", o->tariff.currency);
	event_i64(&b, "energy_wh", o->energy_wh);
	return domain_emit(d, &b);
}

/* The amounts of o as they stand, to tell whether a re-judgement changed
 * anything. */
struct amounts {
	int64_t billed, rerated, amount, bill_start, bill_end, energy;
};

static struct amounts amounts_of(const struct order_row *o)
{
	return (struct amounts){o->billed_minor, o->rerated_minor, o->amount_minor,
				o->bill_start_ms, o->bill_end_ms, o->energy_wh};
}

int order_settle(struct domain *d, const struct order_ctx *c, struct order_row *o,
		 const struct tx_row *tx)
{
	const struct anomaly_thresholds *th = &d->cfg->anomaly;
	struct anomaly_finding f[ANOMALY_RULE_COUNT];
	struct tariff_bill billed, rerated;
	struct billing_window w;
	struct order_tl t;
	struct amounts before = amounts_of(o), after;
	enum order_state state_before = o->state;
	int rejudge = settled(o->state);
	size_t nf = 0;
	int rc, hold;

	if (!rejudge && (rc = order_set_state(d, c, o, ORDER_SETTLING, ORDER_SUB_NONE)) != GW_OK)
		return rc;
	if ((rc = order_tl_build(d, o, tx, c->now_ms, &t)) != GW_OK)
		return transient(rc) ? rc : refuse(d, c, o, rc);
	if ((rc = billing_billed(&t.tl, &o->tariff, NULL, 0, &billed)) != GW_OK ||
	    (rc = billing_window(&t.tl, th, &w)) != GW_OK)
		goto refused;
	o->clock_offset_ms = t.tl.clock_offset_ms;
	o->started_ms = t.tl.tx_start_ms;
	o->ended_ms = t.tl.have_stop ? t.tl.tx_stop_ms : 0;
	o->bill_start_ms = w.has_plug ? w.start_ms : 0;
	o->bill_end_ms = w.has_plug ? w.end_ms : 0;
	o->billed_minor = billed.total_minor;
	o->energy_wh = (billed.energy_mwh + 500) / 1000;
	if (free_cancel(d, o, &t, &w, &billed)) {
		rc = cancel(d, c, o);
		goto out;
	}
	rc = order_tl_add_others(d, o, &t);
	if (rc == GW_OK)
		rc = anomaly_run_all(&t.tl, th, &o->tariff, f, ANOMALY_RULE_COUNT, &nf);
	if (rc == GW_OK)
		rc = billing_rerated(&t.tl, th, &o->tariff, f, nf, &rerated);
	if (rc != GW_OK)
		goto refused;
	o->rerated_minor = rerated.total_minor;
	o->amount_minor = o->billed_minor;
	o->settled_ms = c->now_ms;
	o->updated_ms = c->now_ms;
	if ((rc = store_order_update(d->st, o)) != GW_OK)
		goto out;
	if ((rc = judge(d, c, o, &t, f, nf, &hold)) != GW_OK)
		goto out;
	after = amounts_of(o);
	if (!rejudge || memcmp(&before, &after, sizeof(before)) != 0 ||
	    state_before == ORDER_CANCELLED) {
		if ((rc = emit_settled(d, c, o, nf, rejudge)) != GW_OK)
			goto out;
	}
	rc = order_set_state(d, c, o, hold ? ORDER_ABNORMAL : ORDER_COMPLETED, ORDER_SUB_NONE);
	gw_log(GW_LOG_INFO, "cp=%s order %s %s: billed %" PRId64 " %s-minor, %zu finding(s), %s", o->pile,
	       o->number, rejudge ? "re-judged" : "settled", o->billed_minor, o->tariff.currency, nf,
	       store_order_state_name(o->state));
	goto out;
refused:
	order_tl_free(&t);
	return transient(rc) ? rc : refuse(d, c, o, rc);
out:
	order_tl_free(&t);
	return rc;
}

int order_running_cost(struct domain *d, const struct order_row *o, const struct tx_row *tx,
		       int64_t now_ms, int64_t *cost_minor)
{
	struct tariff_bill billed;
	struct order_tl t;
	int rc;

	if ((rc = order_tl_build(d, o, tx, now_ms, &t)) != GW_OK)
		return rc;
	rc = billing_billed(&t.tl, &o->tariff, NULL, 0, &billed);
	if (rc == GW_OK)
		*cost_minor = billed.total_minor;
	order_tl_free(&t);
	return rc;
}
