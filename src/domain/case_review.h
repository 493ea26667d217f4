/* SPDX-License-Identifier: MIT
 *
 * case_review.h - what people do to refund cases and orders through the
 * operator API (DESIGN.md "Billing anomalies -> refund cases", "Orders";
 * issue 5): a reviewer's decision, the refund confirmation of whoever holds
 * the money, the appeal of a settled order, and an operator's force-close
 * and cancel of an order.
 *
 * Case states a person moves (the gateway moves the rest, refund_case.c):
 *   opened | under_review | awaiting_info --approve--> approved
 *                                         --partial--> partially_approved
 *                                         --reject---> rejected
 *   opened | under_review                 --request_info--> awaiting_info
 *   approved | partially_approved | auto_approved | refunding
 *                                         --confirm--> refunded
 * Anything else is GW_ECONFLICT.  Money is granted at most once: the
 * amounts granted on one order (auto_approved, approved, partially_approved,
 * refunding, refunded) never exceed what the order billed, and a refunded
 * case cannot be confirmed again.
 *
 * Every call stores and emits (refund_case.updated / resolved, cdr.credited,
 * order.*) in the caller's store batch.  Strings are borrowed for the call.
 */
#ifndef DOMAIN_CASE_REVIEW_H
#define DOMAIN_CASE_REVIEW_H
#include <stdint.h>

#include "store/store.h"

struct domain;

enum case_decision {
	CASE_DECIDE_APPROVE = 0,
	CASE_DECIDE_PARTIAL,
	CASE_DECIDE_REJECT,
	CASE_DECIDE_REQUEST_INFO,
};

#define CASE_APPEAL_RULE "APPEAL"
#define CASE_NOTE_MAX 500 /* reviewer note, bytes */

/* "approve", "partial", "reject", "request_info" -> *out; GW_ECONSTRAINT
 * for any other word. */
int case_decision_parse(const char *s, enum case_decision *out);

/* A reviewer's decision on case case_id.  amount_minor is read for
 * CASE_DECIDE_PARTIAL only (1 .. the case's amount - 1).  who: the token
 * name; note: the reviewer's words (kept in the event history).
 * On GW_OK *out (may be NULL) is the case as stored.
 * GW_ENOTFOUND, GW_ECONFLICT (the state does not allow it, or the order's
 * money was already granted by other cases: *why says which),
 * GW_ECONSTRAINT (partial amount out of range), a store code. */
int domain_case_decide(struct domain *d, int64_t case_id, enum case_decision dec,
		       int64_t amount_minor, const char *who, const char *note, int64_t now_ms,
		       struct case_row *out, const char **why);

/* Whoever holds the money says it was paid back: refunded, once.
 * GW_ENOTFOUND, GW_ECONFLICT (not granted, or refunded already), a store
 * code. */
int domain_case_confirm(struct domain *d, int64_t case_id, const char *executed_by,
			const char *reference, int64_t now_ms, struct case_row *out,
			const char **why);

/* Open the manual case of an appeal on order_id (rule "APPEAL", tier C,
 * under_review, amount = what the order billed minus what other cases
 * granted).  Once per order.  GW_ENOTFOUND, GW_ECONFLICT (not settled, an
 * appeal exists, or nothing left to refund), a store code. */
int domain_order_appeal(struct domain *d, int64_t order_id, const char *who, const char *note,
			int64_t now_ms, struct case_row *out, const char **why);

#endif
