/* SPDX-License-Identifier: MIT
 *
 * dispute.c - partner disputes (dispute.h): opened, evidence added,
 * withdrawn, resolved with their case.
 *
 * Opening, as a checklist (DESIGN.md "Partners and disputes"):
 *   1. the same (partner, dispute id) again: answer the stored dispute;
 *   2. the order must belong to the signing partner and be settled;
 *   3. refunded = the amounts of the order's cases that are auto_approved,
 *      approved, partially_approved, refunding or refunded; left = the
 *      order's amount - refunded.  left <= 0: the money is already refunded
 *      or refunding (or was never charged): the dispute is acknowledged and
 *      resolved at once, linked to that case, and nothing else changes;
 *   4. an undecided case of the order covers it: the dispute links to it;
 *   5. else the PARTNER_DISPUTE case: opened (tier C, under_review, SLA
 *      timers) for min(claimed, left), or reopened if a withdrawal had
 *      rejected it; the dispute opened it;
 *   6. the partner claims the case's roles (owner, executed_by) unless
 *      someone did first; the dispute is evidence of the case (manifest
 *      refreshed); dispute.acknowledged.
 * A case's amount is never more than what is left to refund, so two cases
 * of one order can never hand out the same money twice.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>


#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/dispute.h"
#include "domain/order.h"

#define CASES_MAX 32
#define DISPUTES_MAX 32

/* ---- small helpers ------------------------------------------------------ */

static int settled(enum order_state s)
{
	return s == ORDER_COMPLETED || s == ORDER_ABNORMAL || s == ORDER_CANCELLED;
}

/* Money the gateway (or a person) already decided to give back. */
static int refunding(enum case_state s)
{
	return s == CASE_AUTO_APPROVED || s == CASE_APPROVED || s == CASE_PARTIALLY_APPROVED ||
	       s == CASE_REFUNDING || s == CASE_REFUNDED;
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* The partner that owns o (by its id token), or NULL. */
static const struct gw_partner *order_partner(struct domain *d, const struct order_row *o)
{
	struct token_row tok;
	const char *group = NULL;

	if (!o->id_token[0])
		return NULL;
	if (store_token_get(d->st, o->id_token, &tok) == GW_OK)
		group = tok.group_id;
	return config_partner_for_token(d->cfg, o->id_token, group);
}

/* Append one evidence item to cr, refresh its manifest, store it. */
static int evidence(struct domain *d, struct case_row *cr, const char *kind, const char *ref,
		    const char *body, int64_t now_ms)
{
	int rc;

	if ((rc = store_case_evidence_append(d->st, cr->id, kind, ref, body, NULL)) != GW_OK ||
	    (rc = evidence_manifest(d, cr)) != GW_OK)
		return rc;
	cr->updated_ms = now_ms;
	return store_case_update(d->st, cr);
}

/* ---- events ------------------------------------------------------------- */

static int emit_case(struct domain *d, const struct order_row *o, const struct case_row *cr,
		     enum event_type type, const char *partner, int64_t now_ms)
{
	struct event_buf b;

	event_begin(&b, type, EVSRC_PARTNER, now_ms, o);
	b.ev.case_id = cr->id;
	event_ref(&b, partner);
	event_str(&b, "rule", cr->rule);
	event_str(&b, "tier", cr->tier == 'A' ? "A" : cr->tier == 'B' ? "B" : "C");
	event_str(&b, "state", store_case_state_name(cr->state));
	event_i64(&b, "auto_approved", cr->auto_approved);
	event_i64(&b, "amount_minor", cr->amount_minor);
	event_str(&b, "currency", cr->currency);
	event_i64(&b, "billed_minor", cr->billed_minor);
	event_i64(&b, "rerated_minor", cr->rerated_minor);
	event_str(&b, "explain", cr->explain);
	event_str(&b, "manifest_sha256", cr->manifest_sha256);
	event_i64(&b, "ack_due_ms", cr->ack_due_ms);
	event_i64(&b, "decide_due_ms", cr->decide_due_ms);
	return domain_emit(d, &b);
}

static int emit_dispute(struct domain *d, const struct order_row *o,
			const struct dispute_result *r, enum event_type type, int64_t now_ms)
{
	const struct dispute_row *dp = &r->dispute;
	struct event_buf b;

	event_begin(&b, type, EVSRC_PARTNER, now_ms, o);
	b.ev.case_id = r->cr.id;
	event_ref(&b, dp->partner);
	event_str(&b, "dispute_id", dp->ext_id);
	event_str(&b, "state", store_dispute_state_name(dp->state));
	event_str(&b, "outcome", dp->outcome);
	event_i64(&b, "claimed_minor", dp->claimed_minor);
	event_str(&b, "currency", dp->currency);
	event_str(&b, "executed_by", r->role.executed_by[0] ? r->role.executed_by : dp->executed_by);
	if (r->role.owner[0])
		event_str(&b, "owner", r->role.owner);
	if (r->cr.id) {
		event_str(&b, "case_state", store_case_state_name(r->cr.state));
		event_i64(&b, "refund_minor", r->cr.amount_minor);
	}
	return domain_emit(d, &b);
}

/* ---- opening ------------------------------------------------------------ */

/* Fill r->cr/r->role for the stored dispute r->dispute. */
static int load_links(struct domain *d, struct dispute_result *r)
{
	int rc;

	memset(&r->cr, 0, sizeof(r->cr));
	memset(&r->role, 0, sizeof(r->role));
	if (!r->dispute.case_id)
		return GW_OK;
	if ((rc = store_case_get(d->st, r->dispute.case_id, &r->cr)) != GW_OK)
		return rc;
	rc = store_case_role_get(d->st, r->dispute.case_id, &r->role);
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}

/* Step 5: the PARTNER_DISPUTE case for amount, new or reopened. */
static int dispute_case(struct domain *d, const struct dispute_open_req *rq,
			const struct order_row *o, int64_t amount, struct case_row *cr,
			int *is_new)
{
	int rc = store_case_get_by_rule(d->st, o->id, DISPUTE_RULE, cr);

	if (rc != GW_OK && rc != GW_ENOTFOUND)
		return rc;
	*is_new = rc == GW_ENOTFOUND;
	if (*is_new) {
		memset(cr, 0, sizeof(*cr));
		cr->order_id = o->id;
		copy(cr->rule, sizeof(cr->rule), DISPUTE_RULE);
		cr->tier = 'C';
		cr->opened_ms = rq->now_ms;
	}
	/* a partner dispute always goes to a person (DESIGN.md: tier C and
	 * every partner dispute -> manual review) */
	cr->state = CASE_UNDER_REVIEW;
	cr->auto_approved = 0;
	cr->amount_minor = amount;
	memcpy(cr->currency, o->currency, sizeof(cr->currency));
	cr->billed_minor = o->amount_minor;
	cr->rerated_minor = o->amount_minor - amount;
	cr->window_from_ms = o->started_ms;
	cr->window_to_ms = o->ended_ms;
	snprintf(cr->explain, sizeof(cr->explain), "partner %s dispute %s: %s", rq->partner,
		 rq->ext_id, rq->reason ? rq->reason : "");
	cr->acked_ms = cr->decided_ms = 0;
	cr->sla_flags = 0;
	cr->ack_due_ms = rq->now_ms + d->cfg->sla.ack_ms;
	cr->decide_due_ms = sla_working_days_add(&d->cfg->sla, rq->now_ms, (int)d->cfg->sla.decide_complex_days);
	cr->updated_ms = rq->now_ms;
	return *is_new ? store_case_insert(d->st, cr) : store_case_update(d->st, cr);
}

/* Steps 3-5: which case the dispute links to, and how. */
static int link_case(struct domain *d, const struct dispute_open_req *rq,
		     const struct order_row *o, struct dispute_result *r, int *case_event)
{
	struct case_row rows[CASES_MAX];
	const struct case_row *pending = NULL, *paid = NULL;
	int64_t refunded = 0, left;
	size_t n = 0;
	int rc, is_new = 0;

	*case_event = -1;
	if ((rc = store_case_list_by_order(d->st, o->id, rows, CASES_MAX, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (refunding(rows[i].state)) {
			refunded += rows[i].amount_minor;
			if (!paid || rows[i].amount_minor > paid->amount_minor)
				paid = &rows[i];
		} else if (refund_case_pending(&rows[i]) && !pending) {
			pending = &rows[i];
		}
	}
	left = o->amount_minor - refunded;
	if (left <= 0) {
		copy(r->dispute.outcome, sizeof(r->dispute.outcome),
		     refunded > 0 ? "already_refunded" : "nothing_charged");
		r->dispute.state = DISPUTE_RESOLVED;
		if (paid)
			r->cr = *paid;
		return GW_OK;
	}
	if (pending) {
		copy(r->dispute.outcome, sizeof(r->dispute.outcome), "case_linked");
		r->cr = *pending;
		*case_event = EV_REFUND_CASE_UPDATED;
		return GW_OK;
	}
	rc = dispute_case(d, rq, o, rq->claimed_minor < left ? rq->claimed_minor : left, &r->cr,
			  &is_new);
	if (rc != GW_OK)
		return rc;
	copy(r->dispute.outcome, sizeof(r->dispute.outcome), is_new ? "case_opened" : "case_reopened");
	r->dispute.opened_case = 1;
	*case_event = is_new ? EV_REFUND_CASE_OPENED : EV_REFUND_CASE_UPDATED;
	return GW_OK;
}

/* Step 6: roles (first claim wins) and the dispute as evidence. */
static int claim_and_record(struct domain *d, const struct dispute_open_req *rq,
			    struct dispute_result *r)
{
	char body[STORE_EXPLAIN_MAX + 256];
	int rc;

	memset(&r->role, 0, sizeof(r->role));
	r->role.case_id = r->cr.id;
	copy(r->role.owner, sizeof(r->role.owner), rq->partner);
	copy(r->role.executed_by, sizeof(r->role.executed_by), rq->executed_by);
	r->role.claimed_ms = rq->now_ms;
	rc = store_case_role_claim(d->st, &r->role);
	if (rc == GW_EDUP)
		rc = store_case_role_get(d->st, r->cr.id, &r->role);
	if (rc != GW_OK)
		return rc;
	snprintf(body, sizeof(body),
		 "partner %s\ndispute %s\nevent %s\nreason %s\nclaimed_minor %" PRId64
		 " %s\nexecuted_by %s\n",
		 rq->partner, rq->ext_id, rq->event_id ? rq->event_id : "", r->dispute.reason,
		 rq->claimed_minor, r->dispute.currency, rq->executed_by);
	return evidence(d, &r->cr, "partner_dispute", rq->ext_id, body, rq->now_ms);
}

static int check_request(const struct dispute_open_req *rq, const struct order_row *o)
{
	if (!rq->executed_by ||
	    (strcmp(rq->executed_by, "partner") && strcmp(rq->executed_by, "operator")))
		return GW_ECONSTRAINT;
	if (rq->claimed_minor < 0)
		return GW_ECONSTRAINT;
	if (rq->currency && rq->currency[0] && strcmp(rq->currency, o->currency))
		return GW_ECONSTRAINT;
	return GW_OK;
}

int dispute_open(struct domain *d, const struct dispute_open_req *rq, struct dispute_result *out)
{
	const struct gw_partner *owner;
	struct order_row o;
	int rc, case_event = -1;

	memset(out, 0, sizeof(*out));
	if (!rq->partner || !rq->ext_id || !rq->ext_id[0] ||
	    strlen(rq->ext_id) >= sizeof(out->dispute.ext_id))
		return GW_EINVAL;
	/* 1. the same dispute again */
	rc = store_dispute_get(d->st, rq->partner, rq->ext_id, &out->dispute);
	if (rc == GW_OK) {
		out->unchanged = 1;
		return load_links(d, out);
	}
	if (rc != GW_ENOTFOUND)
		return rc;
	/* 2. whose order, in what state */
	if ((rc = store_order_get(d->st, rq->order_id, &o)) != GW_OK)
		return rc;
	owner = order_partner(d, &o);
	if (!owner || strcmp(owner->name, rq->partner))
		return GW_ECONFLICT;
	if (!settled(o.state))
		return GW_ECONFLICT;
	if ((rc = check_request(rq, &o)) != GW_OK)
		return rc;
	copy(out->dispute.partner, sizeof(out->dispute.partner), rq->partner);
	copy(out->dispute.ext_id, sizeof(out->dispute.ext_id), rq->ext_id);
	out->dispute.order_id = o.id;
	out->dispute.state = DISPUTE_OPEN;
	copy(out->dispute.reason, sizeof(out->dispute.reason), rq->reason);
	out->dispute.claimed_minor = rq->claimed_minor;
	memcpy(out->dispute.currency, o.currency, sizeof(out->dispute.currency));
	copy(out->dispute.executed_by, sizeof(out->dispute.executed_by), rq->executed_by);
	out->dispute.opened_ms = out->dispute.updated_ms = rq->now_ms;
	/* 3-5. the case that covers it */
	if ((rc = link_case(d, rq, &o, out, &case_event)) != GW_OK)
		return rc;
	out->dispute.case_id = out->cr.id;
	if ((rc = store_dispute_insert(d->st, &out->dispute)) != GW_OK)
		return rc;
	/* 6. roles, evidence, events; money already refunded changes nothing */
	if (case_event >= 0) {
		if ((rc = claim_and_record(d, rq, out)) != GW_OK ||
		    (rc = emit_case(d, &o, &out->cr, (enum event_type)case_event, rq->partner,
				    rq->now_ms)) != GW_OK)
			return rc;
	} else if (out->cr.id) {
		rc = store_case_role_get(d->st, out->cr.id, &out->role);
		if (rc != GW_OK && rc != GW_ENOTFOUND)
			return rc;
	}
	gw_log(GW_LOG_NOTICE, "partner=%s dispute=%s order %s: %s, case %" PRId64 " %s", rq->partner,
	       rq->ext_id, o.number, out->dispute.outcome, out->cr.id,
	       out->cr.id ? store_case_state_name(out->cr.state) : "-");
	if ((rc = emit_dispute(d, &o, out, EV_DISPUTE_ACKNOWLEDGED, rq->now_ms)) != GW_OK)
		return rc;
	if (out->dispute.state == DISPUTE_RESOLVED)
		rc = emit_dispute(d, &o, out, EV_DISPUTE_RESOLVED, rq->now_ms);
	return rc;
}

/* ---- evidence, withdrawal, resolution ------------------------------------ */

/* The partner's dispute ext_id, its case, roles and order. */
static int load(struct domain *d, const char *partner, const char *ext_id,
		struct dispute_result *out, struct order_row *o)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (!partner || !ext_id)
		return GW_EINVAL;
	if ((rc = store_dispute_get(d->st, partner, ext_id, &out->dispute)) != GW_OK ||
	    (rc = load_links(d, out)) != GW_OK)
		return rc;
	return store_order_get(d->st, out->dispute.order_id, o);
}

int dispute_evidence_add(struct domain *d, const char *partner, const char *ext_id,
			 const char *kind, const char *body, int64_t now_ms,
			 struct dispute_result *out)
{
	struct order_row o;
	char k[24];
	int rc = load(d, partner, ext_id, out, &o);

	if (rc != GW_OK)
		return rc;
	if (out->dispute.state == DISPUTE_WITHDRAWN)
		return GW_ECONFLICT;
	if (!out->cr.id) {
		out->unchanged = 1; /* nothing was charged: no case to add to */
		return GW_OK;
	}
	snprintf(k, sizeof(k), "%s", kind && kind[0] ? kind : "partner_evidence");
	if ((rc = evidence(d, &out->cr, k, ext_id, body ? body : "", now_ms)) != GW_OK)
		return rc;
	out->dispute.updated_ms = now_ms;
	if ((rc = store_dispute_update(d->st, &out->dispute)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "partner=%s dispute=%s order %s: evidence added to case %" PRId64,
	       partner, ext_id, o.number, out->cr.id);
	return emit_case(d, &o, &out->cr, EV_REFUND_CASE_UPDATED, partner, now_ms);
}

/* 1 when dispute id is the only open dispute of case_id. */
static int only_open(struct domain *d, int64_t case_id, int64_t id, int *only)
{
	struct dispute_row rows[DISPUTES_MAX];
	size_t n = 0;
	int rc = store_dispute_list_by_case(d->st, case_id, rows, DISPUTES_MAX, &n);

	*only = 1;
	for (size_t i = 0; i < n; i++)
		if (rows[i].id != id && rows[i].state == DISPUTE_OPEN)
			*only = 0;
	return rc;
}

int dispute_withdraw(struct domain *d, const char *partner, const char *ext_id,
		     const char *reason, int64_t now_ms, struct dispute_result *out)
{
	struct order_row o;
	char old[STORE_EXPLAIN_MAX];
	int only = 0, rc = load(d, partner, ext_id, out, &o);

	if (rc != GW_OK)
		return rc;
	if (out->dispute.state == DISPUTE_WITHDRAWN) {
		out->unchanged = 1;
		return GW_OK;
	}
	out->dispute.state = DISPUTE_WITHDRAWN;
	out->dispute.updated_ms = now_ms;
	if ((rc = store_dispute_update(d->st, &out->dispute)) != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "partner=%s dispute=%s order %s: withdrawn (%s)", partner, ext_id,
	       o.number, reason && reason[0] ? reason : "no reason given");
	if (!out->cr.id || !out->dispute.opened_case || !refund_case_pending(&out->cr))
		return GW_OK;
	if ((rc = only_open(d, out->cr.id, out->dispute.id, &only)) != GW_OK || !only)
		return rc;
	/* the dispute was the case's only reason to exist: reject it */
	memcpy(old, out->cr.explain, sizeof(old));
	snprintf(out->cr.explain, sizeof(out->cr.explain), "withdrawn by partner: %.*s",
		 (int)(sizeof(out->cr.explain) - 24), old);
	out->cr.state = CASE_REJECTED;
	out->cr.amount_minor = 0;
	if (!out->cr.acked_ms)
		out->cr.acked_ms = now_ms;
	out->cr.decided_ms = now_ms;
	out->cr.updated_ms = now_ms;
	copy(out->dispute.outcome, sizeof(out->dispute.outcome), "withdrawn");
	if ((rc = store_case_update(d->st, &out->cr)) != GW_OK ||
	    (rc = store_dispute_update(d->st, &out->dispute)) != GW_OK ||
	    (rc = emit_case(d, &o, &out->cr, EV_REFUND_CASE_RESOLVED, partner, now_ms)) != GW_OK)
		return rc;
	return emit_dispute(d, &o, out, EV_DISPUTE_RESOLVED, now_ms);
}

int dispute_on_case_resolved(struct domain *d, const struct case_row *cr, int64_t now_ms)
{
	struct dispute_row rows[DISPUTES_MAX];
	struct dispute_result r;
	struct order_row o;
	size_t n = 0;
	int rc;

	if (refund_case_pending(cr))
		return GW_OK;
	if ((rc = store_dispute_list_by_case(d->st, cr->id, rows, DISPUTES_MAX, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].state != DISPUTE_OPEN)
			continue;
		memset(&r, 0, sizeof(r));
		r.dispute = rows[i];
		r.dispute.state = DISPUTE_RESOLVED;
		r.dispute.updated_ms = now_ms;
		r.cr = *cr;
		rc = store_case_role_get(d->st, cr->id, &r.role);
		if ((rc != GW_OK && rc != GW_ENOTFOUND) ||
		    (rc = store_dispute_update(d->st, &r.dispute)) != GW_OK ||
		    (rc = store_order_get(d->st, r.dispute.order_id, &o)) != GW_OK ||
		    (rc = emit_dispute(d, &o, &r, EV_DISPUTE_RESOLVED, now_ms)) != GW_OK)
			return rc;
	}
	return GW_OK;
}
