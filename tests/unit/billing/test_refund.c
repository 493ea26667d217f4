/* SPDX-License-Identifier: MIT
 *
 * test_refund.c - refund_tier_decide by table: A always automatic, B under
 * the cap and the abuse limit, C and partner disputes manual.
 */
#include "common/gw_err.h"
#include "domain/billing/refund.h"
#include "test_billing.h"

static void test_decide(void)
{
	static const struct {
		enum refund_tier tier;
		int64_t amount, count;
		int dispute;
		enum refund_decision want;
	} rows[] = {
		{REFUND_TIER_A, 100000, 50, 0, REFUND_AUTO_APPROVED},
		{REFUND_TIER_A, 100, 0, 1, REFUND_UNDER_REVIEW},
		{REFUND_TIER_B, 1000, 2, 0, REFUND_AUTO_APPROVED}, /* at the cap, under the limit */
		{REFUND_TIER_B, 1001, 0, 0, REFUND_UNDER_REVIEW},  /* over the cap */
		{REFUND_TIER_B, 10, 3, 0, REFUND_UNDER_REVIEW},    /* the 4th in 30 days */
		{REFUND_TIER_B, 10, 0, 1, REFUND_UNDER_REVIEW},
		{REFUND_TIER_B, 0, 0, 0, REFUND_AUTO_APPROVED},
		{REFUND_TIER_C, 1, 0, 0, REFUND_UNDER_REVIEW},
	};
	struct refund_policy p;
	enum refund_decision d;

	refund_policy_default(&p);
	CU_ASSERT_EQUAL(p.auto_approve_cap_minor, 1000);
	CU_ASSERT_EQUAL(p.abuse_max_auto, 3);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CU_ASSERT_EQUAL(refund_tier_decide(&p, rows[i].tier, rows[i].amount, rows[i].count,
						   rows[i].dispute, &d),
				GW_OK);
		CU_ASSERT_EQUAL(d, rows[i].want);
	}
	CU_ASSERT_EQUAL(refund_tier_decide(&p, REFUND_TIER_B, -1, 0, 0, &d), GW_EINVAL);
	CU_ASSERT_EQUAL(refund_tier_decide(&p, REFUND_TIER_B, 1, -1, 0, &d), GW_EINVAL);
	CU_ASSERT_EQUAL(refund_tier_decide(&p, (enum refund_tier)7, 1, 0, 0, &d), GW_EINVAL);
	CU_ASSERT_EQUAL(refund_tier_decide(NULL, REFUND_TIER_A, 1, 0, 0, &d), GW_EINVAL);
	CU_ASSERT_EQUAL(refund_tier_letter(REFUND_TIER_C), 'C');
	CU_ASSERT_EQUAL(refund_tier_letter((enum refund_tier)9), '?');
}

int test_refund_register(void)
{
	static CU_TestInfo tests[] = {
		{"tier decision", test_decide},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("refund", tests);
}
