/* SPDX-License-Identifier: MIT
 *
 * refund.h - refund tiers and the automatic-approval decision (DESIGN.md
 * "Billing anomalies -> refund cases").
 *
 * A is approved automatically.  B is approved automatically when the amount
 * is at most auto_approve_cap_minor and the driver's idTag has had fewer than
 * abuse_max_auto automatic refunds in the last 30 days; otherwise it goes to
 * manual review.  C and every partner dispute go to manual review.  The case
 * states, SLA timers and evidence bundles live with the store (later step).
 */
#ifndef DOMAIN_BILLING_REFUND_H
#define DOMAIN_BILLING_REFUND_H
#include <stdint.h>

enum refund_tier {
	REFUND_TIER_A = 0, /* certain, auto-approved */
	REFUND_TIER_B,     /* likely, auto-approved under the cap and abuse limit */
	REFUND_TIER_C,     /* needs a person */
};

enum refund_decision {
	REFUND_AUTO_APPROVED = 0, /* case state opened -> auto_approved */
	REFUND_UNDER_REVIEW,      /* case state opened -> under_review */
};

/* Config of the decision; a plain value. */
struct refund_policy {
	int64_t auto_approve_cap_minor; /* B: at most this, minor units of the order (1000) */
	int64_t abuse_max_auto;         /* B: fewer auto refunds per idTag in 30 days (3) */
};

/* Fill *p with the defaults above. */
void refund_policy_default(struct refund_policy *p);

/* 'A', 'B', 'C'; '?' when out of range. */
char refund_tier_letter(enum refund_tier tier);

/* Decide a new case: tier of its rule, amount_minor (>= 0), auto_refunds_30d
 * = automatic refunds the same idTag got in the 30 days before (not counting
 * this one), partner_dispute = 1 when a partner opened it.  GW_OK with *out,
 * or GW_EINVAL (NULL, negative amount or count, unknown tier). */
int refund_tier_decide(const struct refund_policy *p, enum refund_tier tier, int64_t amount_minor,
		       int64_t auto_refunds_30d, int partner_dispute, enum refund_decision *out);

#endif
