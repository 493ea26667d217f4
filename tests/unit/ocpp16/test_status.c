/* SPDX-License-Identifier: MIT
 * test_status.c - StatusNotification: state words, plug evidence
 * (Preparing is not a plug), connector 0, optional fields. */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_v16.h"

static void test_states_and_plug_evidence(void)
{
	static const struct {
		const char *word;
		enum conn_state state;
		enum plug_evidence plugged;
	} rows[] = {
		{"Available", CONN_AVAILABLE, PLUG_NO},
		{"Preparing", CONN_PREPARING, PLUG_UNKNOWN}, /* tag, cable or bay: not a plug */
		{"Charging", CONN_CHARGING, PLUG_YES},
		{"SuspendedEV", CONN_SUSPENDED_EV, PLUG_YES},
		{"SuspendedEVSE", CONN_SUSPENDED_EVSE, PLUG_YES},
		{"Finishing", CONN_FINISHING, PLUG_UNKNOWN},
		{"Reserved", CONN_RESERVED, PLUG_UNKNOWN},
		{"Unavailable", CONN_UNAVAILABLE, PLUG_UNKNOWN},
		{"Faulted", CONN_FAULTED, PLUG_UNKNOWN},
	};
	char payload[160];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(payload, sizeof(payload),
			 "{\"connectorId\":2,\"errorCode\":\"NoError\",\"status\":\"%s\"}", rows[i].word);
		CU_ASSERT_EQUAL(fx_call("StatusNotification", payload), GW_OK);
		CU_ASSERT_STRING_EQUAL(stub.last, "domain_status");
		CU_ASSERT_EQUAL(stub.status.state, rows[i].state);
		CU_ASSERT_EQUAL(stub.status.plugged, rows[i].plugged);
		CU_ASSERT_STRING_EQUAL(stub.status.raw_status, rows[i].word);
		CU_ASSERT_EQUAL(stub.status.evse_id, 2);
		CU_ASSERT_EQUAL(stub.status.connector_id, 2);
		CU_ASSERT_STRING_EQUAL(stub.status.error_code, "NoError");
		CU_ASSERT_EQUAL(stub.status.pile_ms, 0); /* not stamped */
		FX_EXPECT_RESPONSE("StatusNotification", "{}");
	}
}

/* Connector 0 is the pile: it has no cable, so never evidence. */
static void test_connector_zero(void)
{
	CU_ASSERT_EQUAL(fx_call("StatusNotification",
				"{\"connectorId\":0,\"errorCode\":\"NoError\",\"status\":\"Available\"}"),
			GW_OK);
	CU_ASSERT_EQUAL(stub.status.state, CONN_AVAILABLE);
	CU_ASSERT_EQUAL(stub.status.plugged, PLUG_UNKNOWN);
	CU_ASSERT_EQUAL(stub.status.connector_id, 0);
}

static void test_optional_fields(void)
{
	CU_ASSERT_EQUAL(fx_call("StatusNotification",
				"{\"connectorId\":1,\"errorCode\":\"GroundFailure\",\"status\":\"Faulted\","
				"\"info\":\"RCD tripped\",\"timestamp\":\"2026-11-25T17:59:58Z\","
				"\"vendorId\":\"com.acme\",\"vendorErrorCode\":\"E42\"}"),
			GW_OK);
	CU_ASSERT_EQUAL(stub.status.state, CONN_FAULTED);
	CU_ASSERT_STRING_EQUAL(stub.status.error_code, "GroundFailure");
	CU_ASSERT_STRING_EQUAL(stub.status.info, "RCD tripped");
	CU_ASSERT_STRING_EQUAL(stub.status.vendor_id, "com.acme");
	CU_ASSERT_STRING_EQUAL(stub.status.vendor_error, "E42");
	CU_ASSERT_EQUAL(stub.status.pile_ms, FX_T0_MS - 2000);
	FX_EXPECT_RESPONSE("StatusNotification", "{}");
}

/* info is 50 characters: in multi-byte text that is more than the field's
 * 50 bytes; it is cut on a character boundary, never mid-character. */
static void test_info_cut_on_character(void)
{
	char payload[512] = "{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Available\","
			    "\"info\":\"";

	for (int i = 0; i < 50; i++)
		strcat(payload, "\xc3\xa9"); /* U+00E9, 2 bytes */
	strcat(payload, "\"}");
	CU_ASSERT_EQUAL(fx_call("StatusNotification", payload), GW_OK);
	CU_ASSERT_EQUAL(strlen(stub.status.info), 50); /* 25 whole characters */
	CU_ASSERT_EQUAL((unsigned char)stub.status.info[48], 0xc3);
}

static void test_connector_out_of_int_range(void)
{
	CU_ASSERT_EQUAL(fx_call("StatusNotification",
				"{\"connectorId\":4294967296,\"errorCode\":\"NoError\","
				"\"status\":\"Available\"}"),
			GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(stub.calls, 0);
	CU_ASSERT(strstr(fx.ctx.err_desc, "connectorId") != NULL);
}

int test_status_register(void)
{
	static CU_TestInfo tests[] = {
		{"every status word: state and plug evidence", test_states_and_plug_evidence},
		{"connector 0 is never plug evidence", test_connector_zero},
		{"info, vendor fields, timestamp", test_optional_fields},
		{"free text cut on a character boundary", test_info_cut_on_character},
		{"connectorId beyond int: PropertyConstraintViolation", test_connector_out_of_int_range},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 StatusNotification", tests);
}
