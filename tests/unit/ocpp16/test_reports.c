/* SPDX-License-Identifier: MIT
 * test_reports.c - the reports we keep but do not judge, and DataTransfer. */
#include <string.h>

#include "common/gw_err.h"
#include "test_v16.h"

struct report_case {
	const char *action;
	const char *payload;
	const char *kind, *status, *detail;
	int64_t pile_ms;
};

static void test_notifications(void)
{
	const struct report_case cases[] = {
		{"DiagnosticsStatusNotification", "{\"status\":\"Uploaded\"}",
		 "DiagnosticsStatusNotification", "Uploaded", "", 0},
		{"FirmwareStatusNotification", "{\"status\":\"InstallationFailed\"}",
		 "FirmwareStatusNotification", "InstallationFailed", "", 0},
		{"LogStatusNotification", "{\"status\":\"Uploading\",\"requestId\":17}",
		 "LogStatusNotification", "Uploading", "requestId=17", 0},
		{"LogStatusNotification", "{\"status\":\"Idle\"}", "LogStatusNotification", "Idle", "",
		 0},
		{"SignedFirmwareStatusNotification",
		 "{\"status\":\"InvalidSignature\",\"requestId\":3}",
		 "SignedFirmwareStatusNotification", "InvalidSignature", "requestId=3", 0},
		{"SecurityEventNotification",
		 "{\"type\":\"InvalidCentralSystemCertificate\",\"timestamp\":"
		 "\"2026-11-25T17:00:00Z\",\"techInfo\":\"CN mismatch\"}",
		 "SecurityEventNotification", "InvalidCentralSystemCertificate", "CN mismatch",
		 FX_T0_MS - 3600000},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct report_case *c = &cases[i];

		stub.n_reports = 0;
		CU_ASSERT_EQUAL(fx_call(c->action, c->payload), GW_OK);
		CU_ASSERT_STRING_EQUAL(stub.last, "domain_pile_report");
		CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
		CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, c->kind);
		CU_ASSERT_STRING_EQUAL(stub.reports[0].status, c->status);
		CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, c->detail);
		CU_ASSERT_EQUAL(stub.reports[0].pile_ms, c->pile_ms);
		FX_EXPECT_RESPONSE(c->action, "{}");
	}
}

static void test_report_domain_error(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(fx_call("FirmwareStatusNotification", "{\"status\":\"Idle\"}"), GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
}

static void test_data_transfer(void)
{
	CU_ASSERT_EQUAL(fx_call("DataTransfer", "{\"vendorId\":\"com.acme\",\"messageId\":\"Ping\","
						"\"data\":\"{\\\"x\\\":1}\"}"),
			GW_OK);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "DataTransfer");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "com.acme");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "Ping");
	FX_EXPECT_RESPONSE("DataTransfer", "{\"status\":\"UnknownVendorId\"}");
	/* vendorId only */
	stub.n_reports = 0;
	CU_ASSERT_EQUAL(fx_call("DataTransfer", "{\"vendorId\":\"x\"}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "");
	FX_EXPECT_RESPONSE("DataTransfer", "{\"status\":\"UnknownVendorId\"}");
}

int test_reports_register(void)
{
	static CU_TestInfo tests[] = {
		{"status and security notifications -> pile_report, {}", test_notifications},
		{"domain error returned", test_report_domain_error},
		{"DataTransfer kept, UnknownVendorId", test_data_transfer},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 reports", tests);
}
