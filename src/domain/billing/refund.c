/* SPDX-License-Identifier: MIT
 *
 * refund.c - the tier -> automatic approval decision (rules in refund.h).
 */
#include <stddef.h>

#include "common/gw_err.h"
#include "domain/billing/refund.h"

void refund_policy_default(struct refund_policy *p)
{
	p->auto_approve_cap_minor = 1000;
	p->abuse_max_auto = 3;
}

char refund_tier_letter(enum refund_tier tier)
{
	switch (tier) {
	case REFUND_TIER_A: return 'A';
	case REFUND_TIER_B: return 'B';
	case REFUND_TIER_C: return 'C';
	}
	return '?';
}

int refund_tier_decide(const struct refund_policy *p, enum refund_tier tier, int64_t amount_minor,
		       int64_t auto_refunds_30d, int partner_dispute, enum refund_decision *out)
{
	if (!p || !out || amount_minor < 0 || auto_refunds_30d < 0)
		return GW_EINVAL;
	switch (tier) {
	case REFUND_TIER_A:
		*out = partner_dispute ? REFUND_UNDER_REVIEW : REFUND_AUTO_APPROVED;
		return GW_OK;
	case REFUND_TIER_B:
		*out = !partner_dispute && amount_minor <= p->auto_approve_cap_minor &&
				       auto_refunds_30d < p->abuse_max_auto
			       ? REFUND_AUTO_APPROVED
			       : REFUND_UNDER_REVIEW;
		return GW_OK;
	case REFUND_TIER_C:
		*out = REFUND_UNDER_REVIEW;
		return GW_OK;
	}
	return GW_EINVAL;
}
