/* SPDX-License-Identifier: MIT
 * test_main.c - CUnit runner for src/domain/billing.  Exit status 1 on any
 * failure. */
#include <CUnit/Basic.h>

#include "test_billing.h"

int test_add_suite(const char *name, CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = {
		{(char *)name, NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}

int main(void)
{
	int (*reg[])(void) = {test_order_number_register, test_tariff_register,
			      test_tariff_ref_register,   test_window_register,
			      test_detectors_register,    test_refund_register};
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof(reg) / sizeof(reg[0]); i++) {
		if (reg[i]()) {
			CU_cleanup_registry();
			return 2;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
