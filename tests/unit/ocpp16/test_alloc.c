/* SPDX-License-Identifier: MIT
 * test_alloc.c - the Nth allocation fails (gw_alloc_fail_after): every
 * handler that allocates through gw_* answers fully or returns GW_ENOMEM,
 * leaks nothing (ASan) and never leaves half an answer behind. */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "test_v16.h"

static const struct {
	const char *action;
	const char *payload;
} cases[] = {
	{"MeterValues", "{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"2026-11-25T17:00:00Z\","
			"\"sampledValue\":[{\"value\":\"1\"},{\"value\":\"2\"}]}]}"},
	{"StopTransaction", "{\"transactionId\":1,\"meterStop\":5,\"timestamp\":\"2026-11-25T17:00:00Z\","
			    "\"transactionData\":[{\"timestamp\":\"2026-11-25T17:00:00Z\","
			    "\"sampledValue\":[{\"value\":\"1\"}]}]}"},
	{"BootNotification", "{\"chargePointVendor\":\"A\",\"chargePointModel\":\"B\"}"},
	{"SignCertificate", "{\"csr\":\"x\"}"},
};

static void test_sweep(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (long n = 1; n < 16; n++) {
			int rc;

			fx_teardown();
			fx_setup();
			fx.fail_after = n;
			rc = fx_call(cases[i].action, cases[i].payload);
			CU_ASSERT(rc == GW_OK || rc == GW_ENOMEM);
			CU_ASSERT((rc == GW_OK) == (fx.ctx.response != NULL));
		}
	}
}

int test_alloc_register(void)
{
	static CU_TestInfo tests[] = {
		{"allocation failure sweep", test_sweep},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 allocation failures", tests);
}
