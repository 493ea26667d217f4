/* SPDX-License-Identifier: MIT
 *
 * refund_case.c - refund cases: opened once per (order, rule), amended on
 * re-judgement, decided by tier, timed by SLA (DESIGN.md "Billing
 * anomalies -> refund cases").
 *
 * Decision at opening: refund_tier_decide() with the policy of the config
 * and the number of automatic refunds the same idTag got in the 30 days
 * before (store_order_auto_refunds_count): auto_approved (decided now, no
 * timers) or under_review with two SLA timers:
 *   - acknowledge within sla.ack_h (48 h) of opening;
 *   - decide within sla.decide_simple_days (3) working days (tiers A and B)
 *     or sla.decide_complex_days (7, tier C).
 * Working days come from the config's calendar (billing/sla.h: weekdays,
 * holidays, local offset; default Monday to Friday UTC, no holidays).
 * The sweep warns once at 75 % of a timer's span and escalates once at its
 * due time (refund_case.sla_warning / sla_breached), marks kept in
 * sla_flags so a restart does not repeat them.
 *
 * Amending: a re-judgement that changes a case's amount, window, billed
 * amount or explanation updates it (refund_case.updated) with a fresh
 * evidence bundle, as long as no person decided it yet; a decided case
 * (approved, rejected, refunding, ...) is left to the people and the
 * change is logged.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/order.h"

_Static_assert(STORE_EXPLAIN_MAX >= ANOMALY_EXPLAIN_MAX, "case explanation holds a finding's");

#define DAY_MS (24 * 3600 * 1000LL)
#define ABUSE_WINDOW_MS (30 * DAY_MS)
#define CASES_PAGE 64
#define WITHDRAWN "withdrawn: "

int refund_case_pending(const struct case_row *cr)
{
	return cr->state == CASE_OPENED || cr->state == CASE_UNDER_REVIEW ||
	       cr->state == CASE_AWAITING_INFO;
}

/* Cases the gateway may still change by itself. */
static int amendable(const struct case_row *cr)
{
	return refund_case_pending(cr) || cr->state == CASE_AUTO_APPROVED;
}

static void case_fields(struct event_buf *b, const struct case_row *cr)
{
	event_str(b, "rule", cr->rule);
	event_str(b, "tier", cr->tier == 'A' ? "A" : cr->tier == 'B' ? "B" : "C");
	event_str(b, "state", store_case_state_name(cr->state));
	event_i64(b, "auto_approved", cr->auto_approved);
	event_i64(b, "amount_minor", cr->amount_minor);
	event_str(b, "currency", cr->currency);
	event_i64(b, "billed_minor", cr->billed_minor);
	event_i64(b, "rerated_minor", cr->rerated_minor);
	event_i64(b, "window_from_ms", cr->window_from_ms);
	event_i64(b, "window_to_ms", cr->window_to_ms);
	event_str(b, "explain", cr->explain);
	event_str(b, "manifest_sha256", cr->manifest_sha256);
	event_i64(b, "ack_due_ms", cr->ack_due_ms);
	event_i64(b, "decide_due_ms", cr->decide_due_ms);
}

static int emit_case(struct domain *d, const struct order_ctx *c, const struct order_row *o,
		     enum event_type type, const struct case_row *cr)
{
	struct event_buf b;

	event_begin(&b, type, EVSRC_DETECTOR, c->now_ms, o);
	b.ev.case_id = cr->id;
	event_ref(&b, cr->rule);
	case_fields(&b, cr);
	return domain_emit(d, &b);
}

static int emit_detected(struct domain *d, const struct order_row *o,
			 const struct anomaly_finding *f, int64_t amount_minor)
{
	const struct anomaly_rule_row *row = anomaly_rule_row(f->rule);
	static const char *const actions[] = {"refund", "hold", "alert", "retime"};
	struct event_buf b;

	event_begin(&b, EV_ANOMALY_DETECTED, EVSRC_DETECTOR, f->from_ms, o);
	event_ref(&b, row->name);
	event_str(&b, "rule", row->name);
	event_str(&b, "tier", f->tier == REFUND_TIER_A ? "A" : f->tier == REFUND_TIER_B ? "B" : "C");
	event_str(&b, "action", (unsigned)f->action < 4 ? actions[f->action] : "alert");
	event_i64(&b, "from_ms", f->from_ms);
	event_i64(&b, "to_ms", f->to_ms);
	event_i64(&b, "billed_minor", f->billed_minor);
	event_i64(&b, "refund_minor", f->refund_minor);
	event_i64(&b, "amount_minor", amount_minor);
	event_str(&b, "explain", f->explain);
	return domain_emit(d, &b);
}

/* Decide cr (amount set) as of now: auto_approved or under_review with its
 * timers.  self_auto: cr is counted among the idTag's auto refunds already. */
static int decide(struct domain *d, const struct order_row *o, struct case_row *cr,
		  enum refund_tier tier, int self_auto, int64_t now_ms)
{
	enum refund_decision dec;
	int64_t count = 0;
	int rc;

	rc = store_order_auto_refunds_count(d->st, o->id_token, now_ms - ABUSE_WINDOW_MS, &count);
	if (rc != GW_OK)
		return rc;
	if (self_auto && count > 0)
		count--;
	if ((rc = refund_tier_decide(&d->cfg->refund, tier, cr->amount_minor, count, 0, &dec)) !=
	    GW_OK)
		return rc;
	if (dec == REFUND_AUTO_APPROVED) {
		cr->state = CASE_AUTO_APPROVED;
		cr->auto_approved = 1;
		cr->acked_ms = cr->decided_ms = now_ms;
		cr->ack_due_ms = cr->decide_due_ms = 0;
		return GW_OK;
	}
	cr->state = CASE_UNDER_REVIEW;
	cr->auto_approved = 0;
	cr->acked_ms = cr->decided_ms = 0;
	cr->sla_flags = 0;
	cr->ack_due_ms = now_ms + d->cfg->sla.ack_ms;
	cr->decide_due_ms = sla_working_days_add(
		&d->cfg->sla, now_ms,
		(int)(tier == REFUND_TIER_C ? d->cfg->sla.decide_complex_days : d->cfg->sla.decide_simple_days));
	return GW_OK;
}

/* The finding's view of the case: amounts, window, explanation. */
static void fill(struct case_row *cr, const struct order_row *o, const struct anomaly_finding *f,
		 int64_t amount_minor)
{
	cr->amount_minor = amount_minor;
	memcpy(cr->currency, o->tariff.currency, sizeof(cr->currency));
	cr->billed_minor = f->billed_minor;
	cr->rerated_minor = f->billed_minor - f->refund_minor;
	cr->window_from_ms = f->from_ms;
	cr->window_to_ms = f->to_ms;
	snprintf(cr->explain, sizeof(cr->explain), "%s", f->explain);
}

static int open_case(struct domain *d, const struct order_ctx *c, const struct order_row *o,
		     const struct order_tl *t, const struct anomaly_finding *f, int64_t amount_minor,
		     int64_t rerated_all_minor, struct case_row *cr)
{
	int rc;

	memset(cr, 0, sizeof(*cr));
	cr->order_id = o->id;
	snprintf(cr->rule, sizeof(cr->rule), "%s", anomaly_rule_name(f->rule));
	cr->tier = refund_tier_letter(f->tier);
	fill(cr, o, f, amount_minor);
	cr->opened_ms = cr->updated_ms = c->now_ms;
	if ((rc = decide(d, o, cr, f->tier, 0, c->now_ms)) != GW_OK ||
	    (rc = store_case_insert(d->st, cr)) != GW_OK ||
	    (rc = evidence_bundle_append(d, o, t, f, amount_minor, rerated_all_minor, cr)) != GW_OK ||
	    (rc = store_case_update(d->st, cr)) != GW_OK ||
	    (rc = emit_detected(d, o, f, amount_minor)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "cp=%s order %s case %" PRId64 " %s tier %c: %" PRId64 " %s-minor, %s",
	       o->pile, o->number, cr->id, cr->rule, cr->tier, cr->amount_minor, cr->currency,
	       store_case_state_name(cr->state));
	return emit_case(d, c, o, EV_REFUND_CASE_OPENED, cr);
}

int refund_case_apply(struct domain *d, const struct order_ctx *c, const struct order_row *o,
		      const struct order_tl *t, const struct anomaly_finding *f,
		      int64_t amount_minor, int64_t rerated_all_minor, int *auto_ok)
{
	struct case_row cr, want;
	int rc = store_case_get_by_rule(d->st, o->id, anomaly_rule_name(f->rule), &cr);

	*auto_ok = 0;
	if (rc == GW_ENOTFOUND) {
		if ((rc = open_case(d, c, o, t, f, amount_minor, rerated_all_minor, &cr)) == GW_OK)
			*auto_ok = !refund_case_pending(&cr);
		return rc;
	}
	if (rc != GW_OK)
		return rc;
	want = cr;
	fill(&want, o, f, amount_minor);
	if (want.amount_minor == cr.amount_minor && want.billed_minor == cr.billed_minor &&
	    want.rerated_minor == cr.rerated_minor && want.window_from_ms == cr.window_from_ms &&
	    want.window_to_ms == cr.window_to_ms && !strcmp(want.explain, cr.explain)) {
		*auto_ok = !refund_case_pending(&cr);
		return GW_OK;
	}
	if (!amendable(&cr)) {
		gw_log(GW_LOG_WARN, "cp=%s order %s case %" PRId64 " %s is %s: re-judgement (%" PRId64
		       " -> %" PRId64 ") left to the reviewer", o->pile, o->number, cr.id, cr.rule,
		       store_case_state_name(cr.state), cr.amount_minor, want.amount_minor);
		*auto_ok = !refund_case_pending(&cr);
		return GW_OK;
	}
	/* re-decide unless a person already acknowledged it */
	if (cr.state == CASE_AUTO_APPROVED || (cr.state == CASE_UNDER_REVIEW && !cr.acked_ms)) {
		if ((rc = decide(d, o, &want, f->tier, cr.auto_approved, c->now_ms)) != GW_OK)
			return rc;
	}
	want.updated_ms = c->now_ms;
	if ((rc = evidence_bundle_append(d, o, t, f, amount_minor, rerated_all_minor, &want)) !=
		    GW_OK ||
	    (rc = store_case_update(d->st, &want)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "cp=%s order %s case %" PRId64 " %s amended: %" PRId64 " -> %" PRId64
	       " %s-minor", o->pile, o->number, cr.id, cr.rule, cr.amount_minor, want.amount_minor,
	       want.currency);
	*auto_ok = !refund_case_pending(&want);
	return emit_case(d, c, o, EV_REFUND_CASE_UPDATED, &want);
}

int refund_case_withdraw(struct domain *d, const struct order_ctx *c, const struct order_row *o,
			 struct case_row *cr)
{
	char old[STORE_EXPLAIN_MAX];
	int rc;

	if (!amendable(cr) || !strncmp(cr->explain, WITHDRAWN, strlen(WITHDRAWN)))
		return GW_OK;
	memcpy(old, cr->explain, sizeof(old));
	snprintf(cr->explain, sizeof(cr->explain), WITHDRAWN "%.*s",
		 (int)(sizeof(cr->explain) - sizeof(WITHDRAWN)), old);
	cr->amount_minor = 0;
	cr->updated_ms = c->now_ms;
	if ((rc = store_case_update(d->st, cr)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "cp=%s order %s case %" PRId64 " %s no longer found: amount 0",
	       o->pile, o->number, cr->id, cr->rule);
	return emit_case(d, c, o, EV_REFUND_CASE_UPDATED, cr);
}

/* ---- SLA timers -------------------------------------------------------- */

/* One timer of cr: warn / breach bits, due time, start. */
static int timer_step(int64_t now_ms, int64_t opened_ms, int64_t due_ms, int done, int flags,
		      int warn_bit, int breach_bit, enum event_type *type)
{
	int64_t warn_at = opened_ms + (due_ms - opened_ms) * 3 / 4;

	if (done || !due_ms || (flags & breach_bit))
		return 0;
	if (now_ms >= due_ms) {
		*type = EV_REFUND_CASE_SLA_BREACHED;
		return breach_bit | warn_bit;
	}
	if (now_ms >= warn_at && !(flags & warn_bit)) {
		*type = EV_REFUND_CASE_SLA_WARNING;
		return warn_bit;
	}
	return 0;
}

static int sla_one(struct domain *d, struct case_row *cr, int64_t now_ms)
{
	static const struct {
		const char *name;
		int warn, breach;
	} timers[] = {
		{"acknowledge", CASE_SLA_ACK_WARNED, CASE_SLA_ACK_BREACHED},
		{"decide", CASE_SLA_DECIDE_WARNED, CASE_SLA_DECIDE_BREACHED},
	};
	struct order_row o;
	struct event_buf b;
	int rc;

	for (size_t i = 0; i < 2; i++) {
		int64_t due = i == 0 ? cr->ack_due_ms : cr->decide_due_ms;
		int done = i == 0 ? cr->acked_ms != 0 : cr->decided_ms != 0;
		enum event_type type = EV_REFUND_CASE_SLA_WARNING;
		int bits = timer_step(now_ms, cr->opened_ms, due, done, cr->sla_flags, timers[i].warn,
				      timers[i].breach, &type);

		if (!bits)
			continue;
		cr->sla_flags |= bits;
		cr->updated_ms = now_ms;
		if ((rc = store_case_update(d->st, cr)) != GW_OK ||
		    (rc = store_order_get(d->st, cr->order_id, &o)) != GW_OK)
			return rc;
		gw_log(GW_LOG_WARN, "order %s case %" PRId64 " %s: %s timer %s", o.number, cr->id,
		       cr->rule, timers[i].name,
		       type == EV_REFUND_CASE_SLA_BREACHED ? "breached" : "at 75 %");
		event_begin(&b, type, EVSRC_SYSTEM, now_ms, &o);
		b.ev.case_id = cr->id;
		event_ref(&b, "sla");
		event_str(&b, "timer", timers[i].name);
		event_i64(&b, "due_ms", due);
		case_fields(&b, cr);
		if ((rc = domain_emit(d, &b)) != GW_OK)
			return rc;
	}
	return GW_OK;
}

int refund_case_sla_sweep(struct domain *d, int64_t now_ms)
{
	struct case_row rows[CASES_PAGE];
	int64_t after = 0;
	size_t n;
	int rc;

	do {
		if ((rc = store_case_list_open(d->st, after, rows, CASES_PAGE, &n)) != GW_OK)
			return rc;
		for (size_t i = 0; i < n; i++) {
			after = rows[i].id;
			if ((rc = sla_one(d, &rows[i], now_ms)) != GW_OK)
				return rc;
		}
	} while (n == CASES_PAGE);
	return GW_OK;
}
