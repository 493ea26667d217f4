/* SPDX-License-Identifier: MIT
 *
 * case_review.c - a person's hand on refund cases (case_review.h): the
 * reviewer's decision, the refund confirmation, the appeal.
 *
 * Invariants kept here:
 *   - the transitions of case_review.h, nothing else (GW_ECONFLICT);
 *   - money once: a decision grants at most what the order billed minus
 *     what its other cases granted; a confirmation happens once;
 *   - every change is an event in the caller's batch: request_info and the
 *     confirmation are refund_case.updated, a decision is
 *     refund_case.resolved, and money granted is also a credit CDR
 *     (cdr.credited: id "<order>-C<case>", credit, credit_reference_id =
 *     the order's CDR id - its number, the id cdr.created carries -,
 *     negative totals), so the partner that billed the driver knows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/case_review.h"
#include "domain/dispute.h"
#include "domain/order.h"

#define ORDER_CASES_MAX 32

static const char *const decision_words[] = {
	[CASE_DECIDE_APPROVE] = "approve",
	[CASE_DECIDE_PARTIAL] = "partial",
	[CASE_DECIDE_REJECT] = "reject",
	[CASE_DECIDE_REQUEST_INFO] = "request_info",
};

int case_decision_parse(const char *s, enum case_decision *out)
{
	for (size_t i = 0; i < sizeof(decision_words) / sizeof(decision_words[0]); i++)
		if (s && !strcmp(s, decision_words[i])) {
			*out = (enum case_decision)i;
			return GW_OK;
		}
	return GW_ECONSTRAINT;
}

/* States in which a case's amount is (or will be) paid back. */
static int granted(enum case_state s)
{
	return s == CASE_AUTO_APPROVED || s == CASE_APPROVED || s == CASE_PARTIALLY_APPROVED ||
	       s == CASE_REFUNDING || s == CASE_REFUNDED;
}

/* States a reviewer may still decide. */
static int decidable(enum case_state s)
{
	return s == CASE_OPENED || s == CASE_UNDER_REVIEW || s == CASE_AWAITING_INFO;
}

/* What o may still refund: billed minus every other granted case. */
static int refundable(struct domain *d, const struct order_row *o, int64_t self_id, int64_t *left)
{
	struct case_row rows[ORDER_CASES_MAX];
	size_t n = 0;
	int rc = store_case_list_by_order(d->st, o->id, rows, ORDER_CASES_MAX, &n);

	if (rc != GW_OK)
		return rc;
	*left = o->billed_minor;
	for (size_t i = 0; i < n; i++)
		if (rows[i].id != self_id && granted(rows[i].state))
			*left -= rows[i].amount_minor;
	if (*left < 0)
		*left = 0;
	return GW_OK;
}

static void case_facts(struct event_buf *b, const struct case_row *cr)
{
	event_str(b, "rule", cr->rule);
	event_str(b, "tier", cr->tier == 'A' ? "A" : cr->tier == 'B' ? "B" : "C");
	event_str(b, "state", store_case_state_name(cr->state));
	event_i64(b, "amount_minor", cr->amount_minor);
	event_str(b, "currency", cr->currency);
	event_i64(b, "billed_minor", cr->billed_minor);
	event_i64(b, "decided_ms", cr->decided_ms);
	event_i64(b, "appeals", cr->appeals);
}

/* refund_case.updated / resolved of cr with who and the words of the
 * change (name/value pairs, NULL-terminated). */
static int emit_change(struct domain *d, const struct order_row *o, const struct case_row *cr,
		       enum event_type type, const char *who, int64_t now_ms,
		       const char *const *kv)
{
	struct event_buf b;

	event_begin(&b, type, EVSRC_OPERATOR, now_ms, o);
	b.ev.case_id = cr->id;
	event_ref(&b, who);
	case_facts(&b, cr);
	event_str(&b, "by", who);
	for (; kv && kv[0]; kv += 2)
		event_str(&b, kv[0], kv[1] ? kv[1] : "");
	return domain_emit(d, &b);
}

/* The credit CDR of cr (granted amount) for the order's partner. */
static int emit_credit(struct domain *d, const struct order_row *o, const struct case_row *cr,
		       const char *who, int64_t now_ms)
{
	struct event_buf b;
	char id[STORE_ORDER_NUMBER_MAX + 24];

	snprintf(id, sizeof(id), "%s-C%" PRId64, o->number, cr->id);
	event_begin(&b, EV_CDR_CREDITED, EVSRC_OPERATOR, now_ms, o);
	b.ev.case_id = cr->id;
	event_ref(&b, who);
	event_str(&b, "id", id);
	/* a JSON true once the sink types booleans; "true" until then */
	b.ev.fields[b.ev.n_fields++] = (struct event_field){ "credit", "true", 1 };
	event_str(&b, "credit_reference_id", o->number);
	event_str(&b, "currency", cr->currency);
	event_i64(&b, "minor_exp", o->minor_exp);
	event_i64(&b, "total_cost_minor", -cr->amount_minor);
	event_i64(&b, "total_energy_wh", 0);
	event_i64(&b, "start_ms", o->started_ms);
	event_i64(&b, "end_ms", o->ended_ms);
	event_str(&b, "rule", cr->rule);
	return domain_emit(d, &b);
}

static int load(struct domain *d, int64_t case_id, struct case_row *cr, struct order_row *o)
{
	int rc = store_case_get(d->st, case_id, cr);

	if (rc == GW_OK)
		rc = store_order_get(d->st, cr->order_id, o);
	return rc;
}

int domain_case_decide(struct domain *d, int64_t case_id, enum case_decision dec,
		       int64_t amount_minor, const char *who, const char *note, int64_t now_ms,
		       struct case_row *out, const char **why)
{
	static const enum case_state to[] = {
		[CASE_DECIDE_APPROVE] = CASE_APPROVED,
		[CASE_DECIDE_PARTIAL] = CASE_PARTIALLY_APPROVED,
		[CASE_DECIDE_REJECT] = CASE_REJECTED,
		[CASE_DECIDE_REQUEST_INFO] = CASE_AWAITING_INFO,
	};
	struct case_row cr;
	struct order_row o;
	int64_t left = 0, claimed;
	char asked[24];
	const char *kv[7];
	int rc = load(d, case_id, &cr, &o);

	*why = "";
	if (rc != GW_OK)
		return rc;
	if ((unsigned)dec > CASE_DECIDE_REQUEST_INFO)
		return GW_EINVAL;
	if (!decidable(cr.state) ||
	    (dec == CASE_DECIDE_REQUEST_INFO && cr.state == CASE_AWAITING_INFO)) {
		*why = store_case_state_name(cr.state);
		return GW_ECONFLICT;
	}
	claimed = cr.amount_minor;
	if (dec == CASE_DECIDE_APPROVE || dec == CASE_DECIDE_PARTIAL) {
		if (dec == CASE_DECIDE_PARTIAL && (amount_minor < 1 || amount_minor >= claimed)) {
			*why = "a partial amount is 1 .. the case's amount - 1";
			return GW_ECONSTRAINT;
		}
		if ((rc = refundable(d, &o, cr.id, &left)) != GW_OK)
			return rc;
		if (dec == CASE_DECIDE_APPROVE)
			amount_minor = claimed < left ? claimed : left;
		if (amount_minor <= 0 || amount_minor > left) {
			*why = "the order's money is already granted by its other cases";
			return GW_ECONFLICT;
		}
		cr.amount_minor = amount_minor;
	}
	cr.state = to[dec];
	if (!cr.acked_ms)
		cr.acked_ms = now_ms;
	if (dec != CASE_DECIDE_REQUEST_INFO)
		cr.decided_ms = now_ms;
	cr.updated_ms = now_ms;
	if ((rc = store_case_update(d->st, &cr)) != GW_OK)
		return rc;
	snprintf(asked, sizeof(asked), "%" PRId64, claimed);
	kv[0] = "decision";
	kv[1] = decision_words[dec];
	kv[2] = "note";
	kv[3] = note ? note : "";
	kv[4] = "claimed_minor";
	kv[5] = asked;
	kv[6] = NULL;
	rc = emit_change(d, &o, &cr,
			 dec == CASE_DECIDE_REQUEST_INFO ? EV_REFUND_CASE_UPDATED :
							   EV_REFUND_CASE_RESOLVED,
			 who, now_ms, kv);
	if (rc == GW_OK && granted(cr.state))
		rc = emit_credit(d, &o, &cr, who, now_ms);
	/* a partner dispute linked to this case hears the outcome too */
	if (rc == GW_OK && dec != CASE_DECIDE_REQUEST_INFO)
		rc = dispute_on_case_resolved(d, &cr, now_ms);
	if (rc != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "order %s case %" PRId64 " %s: %s by %s -> %s, %" PRId64 " %s-minor",
	       o.number, cr.id, cr.rule, decision_words[dec], who, store_case_state_name(cr.state),
	       cr.amount_minor, cr.currency);
	if (out)
		*out = cr;
	return GW_OK;
}

int domain_case_confirm(struct domain *d, int64_t case_id, const char *executed_by,
			const char *reference, int64_t now_ms, struct case_row *out,
			const char **why)
{
	struct case_row cr;
	struct order_row o;
	const char *kv[5];
	int rc = load(d, case_id, &cr, &o);

	*why = "";
	if (rc != GW_OK)
		return rc;
	if (cr.state == CASE_REFUNDED) {
		*why = "already refunded: the same money is never paid back twice";
		return GW_ECONFLICT;
	}
	if (!granted(cr.state) || cr.amount_minor <= 0) {
		*why = store_case_state_name(cr.state);
		return GW_ECONFLICT;
	}
	cr.state = CASE_REFUNDED;
	cr.updated_ms = now_ms;
	if ((rc = store_case_update(d->st, &cr)) != GW_OK)
		return rc;
	kv[0] = "executed_by";
	kv[1] = executed_by;
	kv[2] = "reference";
	kv[3] = reference;
	kv[4] = NULL;
	if ((rc = emit_change(d, &o, &cr, EV_REFUND_CASE_UPDATED, executed_by, now_ms, kv)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "order %s case %" PRId64 " refunded by %s: %" PRId64 " %s-minor", o.number,
	       cr.id, executed_by, cr.amount_minor, cr.currency);
	if (out)
		*out = cr;
	return GW_OK;
}

/* Mark the order's rejected cases as appealed (appeal once). */
static int mark_appealed(struct domain *d, const struct order_row *o, int64_t now_ms)
{
	struct case_row rows[ORDER_CASES_MAX];
	size_t n = 0;
	int rc = store_case_list_by_order(d->st, o->id, rows, ORDER_CASES_MAX, &n);

	for (size_t i = 0; rc == GW_OK && i < n; i++) {
		if (rows[i].state != CASE_REJECTED || rows[i].appeals)
			continue;
		rows[i].appeals = 1;
		rows[i].updated_ms = now_ms;
		rc = store_case_update(d->st, &rows[i]);
	}
	return rc;
}

int domain_order_appeal(struct domain *d, int64_t order_id, const char *who, const char *note,
			int64_t now_ms, struct case_row *out, const char **why)
{
	struct order_row o;
	struct case_row cr;
	const char *kv[3];
	int64_t left = 0;
	int rc = store_order_get(d->st, order_id, &o);

	*why = "";
	if (rc != GW_OK)
		return rc;
	if (o.state != ORDER_COMPLETED && o.state != ORDER_ABNORMAL) {
		*why = "only a settled, charged order can be appealed";
		return GW_ECONFLICT;
	}
	rc = store_case_get_by_rule(d->st, o.id, CASE_APPEAL_RULE, &cr);
	if (rc == GW_OK) {
		*why = "this order was appealed already (appeal once)";
		return GW_ECONFLICT;
	}
	if (rc != GW_ENOTFOUND)
		return rc;
	if ((rc = refundable(d, &o, 0, &left)) != GW_OK)
		return rc;
	if (left <= 0) {
		*why = "nothing left to refund on this order";
		return GW_ECONFLICT;
	}
	memset(&cr, 0, sizeof(cr));
	cr.order_id = o.id;
	snprintf(cr.rule, sizeof(cr.rule), "%s", CASE_APPEAL_RULE);
	cr.tier = 'C';
	cr.state = CASE_UNDER_REVIEW;
	cr.amount_minor = left;
	memcpy(cr.currency, o.currency, sizeof(cr.currency));
	cr.billed_minor = o.billed_minor;
	cr.rerated_minor = o.billed_minor - left;
	cr.window_from_ms = o.started_ms;
	cr.window_to_ms = o.ended_ms;
	snprintf(cr.explain, sizeof(cr.explain), "appeal: %.180s", note ? note : "");
	cr.opened_ms = cr.updated_ms = now_ms;
	cr.ack_due_ms = now_ms + d->cfg->sla.ack_ms;
	cr.decide_due_ms = sla_working_days_add(&d->cfg->sla, now_ms, (int)d->cfg->sla.decide_complex_days);
	cr.appeals = 1;
	rc = store_case_insert(d->st, &cr);
	if (rc == GW_EDUP) {
		*why = "this order was appealed already (appeal once)";
		return GW_ECONFLICT;
	}
	if (rc != GW_OK || (rc = mark_appealed(d, &o, now_ms)) != GW_OK)
		return rc;
	kv[0] = "note";
	kv[1] = note ? note : "";
	kv[2] = NULL;
	if ((rc = emit_change(d, &o, &cr, EV_REFUND_CASE_OPENED, who, now_ms, kv)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "order %s appealed by %s: case %" PRId64 ", up to %" PRId64 " %s-minor",
	       o.number, who, cr.id, cr.amount_minor, cr.currency);
	if (out)
		*out = cr;
	return GW_OK;
}
