/* SPDX-License-Identifier: MIT
 *
 * dispute.h - a partner platform's disputes, as the domain records them
 * (DESIGN.md "Partners and disputes", issue 5 "Inbound").
 *
 * The API checks the partner's signature, parses the envelope and calls
 * these inside one store batch; each stores its change and emits its
 * events (refund_case.*, dispute.acknowledged, dispute.resolved) in that
 * batch.  The rule they keep: a dispute can never cause a second refund of
 * the same money.  It links to the case that already covers its order, or
 * opens one manual case (rule PARTNER_DISPUTE, tier C, under_review) for at
 * most what is not already refunded or refunding; money already refunded
 * or refunding opens nothing new.  The platform the driver contacted first
 * owns the case and the case records who executes the refund (case_roles:
 * the first claim wins).
 */
#ifndef DOMAIN_DISPUTE_H
#define DOMAIN_DISPUTE_H
#include <stdint.h>

#include "store/store.h"

struct domain;

#define DISPUTE_RULE "PARTNER_DISPUTE"

/* dispute.opened, as the API parsed it; strings borrowed for the call. */
struct dispute_open_req {
	const char *partner;     /* the signing partner's config name */
	const char *ext_id;      /* data.dispute_id, 1..63 characters */
	int64_t order_id;        /* the order the number / CDR id named */
	const char *reason;      /* free text; truncated to STORE_EXPLAIN_MAX - 1 */
	int64_t claimed_minor;   /* >= 0, minor units of the order's currency */
	const char *currency;    /* "" or NULL: the order's */
	const char *executed_by; /* "partner" or "operator" */
	const char *event_id;    /* the envelope's, kept in the evidence */
	int64_t now_ms;
};

/* What a call did; a copy for the answer. */
struct dispute_result {
	struct dispute_row dispute;
	struct case_row cr;         /* the linked case (cr.id 0: none) */
	struct case_role_row role;  /* who owns it / executes the refund ("" if none) */
	int unchanged;              /* 1: nothing to do (same dispute again, already withdrawn) */
};

/* Open (or find again) the partner's dispute ext_id on order_id.
 * GW_OK; GW_ENOTFOUND (no such order); GW_ECONFLICT (the order belongs to
 * another platform, or is not settled); GW_ECONSTRAINT (currency differs,
 * executed_by unknown, claimed_minor < 0); a store code.  The same ext_id
 * again answers its dispute with unchanged = 1. */
int dispute_open(struct domain *d, const struct dispute_open_req *rq, struct dispute_result *out);

/* Append evidence (kind, body text) from the partner to the dispute's case
 * and refresh its manifest (refund_case.updated).  GW_ENOTFOUND (no such
 * dispute of this partner), GW_ECONFLICT (withdrawn), a store code. */
int dispute_evidence_add(struct domain *d, const char *partner, const char *ext_id,
			 const char *kind, const char *body, int64_t now_ms,
			 struct dispute_result *out);

/* Withdraw the dispute.  If its case is still undecided and only this
 * dispute opened it, the case is rejected (refund_case.resolved) and the
 * dispute resolved (dispute.resolved, outcome withdrawn).  GW_ENOTFOUND, a
 * store code; withdrawing twice answers unchanged = 1. */
int dispute_withdraw(struct domain *d, const char *partner, const char *ext_id,
		     const char *reason, int64_t now_ms, struct dispute_result *out);

/* The case was decided (approved, partially approved, rejected, refunding,
 * refunded): every open dispute linked to it is resolved and
 * dispute.resolved is emitted to its partner.  Whoever decides a case
 * calls this in the same batch.  GW_OK or a store code. */
int dispute_on_case_resolved(struct domain *d, const struct case_row *cr, int64_t now_ms);

#endif
