/* SPDX-License-Identifier: MIT
 *
 * test_status.c - StatusNotification (ConnectorStatus -> state + plug
 * evidence) and Authorize (status words, expiry, group, certificates).
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_v201.h"

static void t_status_words(void)
{
	static const struct {
		const char *word;
		enum conn_state state;
		enum plug_evidence plugged;
	} rows[] = {
		{"Available", CONN_AVAILABLE, PLUG_NO},	      {"Occupied", CONN_PREPARING, PLUG_YES},
		{"Reserved", CONN_RESERVED, PLUG_UNKNOWN},     {"Unavailable", CONN_UNAVAILABLE, PLUG_UNKNOWN},
		{"Faulted", CONN_FAULTED, PLUG_UNKNOWN},
	};
	char req[256];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(req, sizeof(req),
			 "{\"timestamp\":\"2026-01-01T00:00:05Z\",\"connectorStatus\":\"%s\","
			 "\"evseId\":2,\"connectorId\":1}",
			 rows[i].word);
		CU_ASSERT_EQUAL_FATAL(h_run("StatusNotification", req), GW_OK);
		CU_ASSERT_STRING_EQUAL(h_resp(), "{}");
		CU_ASSERT_EQUAL(stub.status.state, rows[i].state);
		CU_ASSERT_EQUAL(stub.status.plugged, rows[i].plugged);
		CU_ASSERT_STRING_EQUAL(stub.status.raw_status, rows[i].word);
		CU_ASSERT_EQUAL(stub.status.evse_id, 2);
		CU_ASSERT_EQUAL(stub.status.connector_id, 1);
		CU_ASSERT_EQUAL(stub.status.pile_ms, T_NOW_MS + 5000);
		CU_ASSERT_STRING_EQUAL(stub.status.error_code, "");
	}
}

static void t_status_errors(void)
{
	/* an EVSE id past int: the schema has no upper bound, we do */
	CU_ASSERT_EQUAL(h_run("StatusNotification",
			      "{\"timestamp\":\"2026-01-01T00:00:05Z\",\"connectorStatus\":\"Available\","
			      "\"evseId\":4294967296,\"connectorId\":1}"),
			GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(stub.calls, 0);
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(h_run("StatusNotification",
			      "{\"timestamp\":\"2026-01-01T00:00:05Z\",\"connectorStatus\":\"Available\","
			      "\"evseId\":1,\"connectorId\":1}"),
			GW_ESTORE);
}

static void t_authorize_full(void)
{
	stub.auth_res.status = AUTH_ACCEPTED;
	stub.auth_res.expiry_ms = T_NOW_MS + 86400000;
	strcpy(stub.auth_res.group_id, "FLEET-7");
	CU_ASSERT_EQUAL_FATAL(h_run("Authorize", "{\"idToken\":{\"idToken\":\"04A1B2C3\",\"type\":\"ISO14443\"}}"),
			      GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.auth_token, "04A1B2C3");
	CU_ASSERT_STRING_EQUAL(stub.auth_type, "ISO14443");
	CU_ASSERT_STRING_EQUAL(h_resp(),
			       "{\"idTokenInfo\":{\"status\":\"Accepted\","
			       "\"cacheExpiryDateTime\":\"2026-01-02T00:00:00.000Z\","
			       "\"groupIdToken\":{\"idToken\":\"FLEET-7\",\"type\":\"Central\"}}}");
}

static void t_authorize_words(void)
{
	static const struct {
		enum auth_status s;
		const char *word;
	} rows[] = {
		{AUTH_ACCEPTED, "Accepted"},	   {AUTH_BLOCKED, "Blocked"},   {AUTH_EXPIRED, "Expired"},
		{AUTH_INVALID, "Invalid"},	   {AUTH_CONCURRENT_TX, "ConcurrentTx"},
		{AUTH_UNKNOWN, "Unknown"},	   {AUTH_NO_CREDIT, "NoCredit"},
	};
	char want[128];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&stub.auth_res, 0, sizeof(stub.auth_res));
		stub.auth_res.status = rows[i].s;
		CU_ASSERT_EQUAL_FATAL(h_run("Authorize", "{\"idToken\":{\"idToken\":\"K1\",\"type\":\"KeyCode\"}}"),
				      GW_OK);
		snprintf(want, sizeof(want), "{\"idTokenInfo\":{\"status\":\"%s\"}}", rows[i].word);
		CU_ASSERT_STRING_EQUAL(h_resp(), want);
	}
}

static void t_authorize_certificate(void)
{
	stub.auth_res.status = AUTH_ACCEPTED;
	CU_ASSERT_EQUAL_FATAL(
		h_run("Authorize",
		      "{\"idToken\":{\"idToken\":\"DE8ACC12345678\",\"type\":\"eMAID\"},"
		      "\"iso15118CertificateHashData\":[{\"hashAlgorithm\":\"SHA256\",\"issuerNameHash\":\"aa\","
		      "\"issuerKeyHash\":\"bb\",\"serialNumber\":\"01\",\"responderURL\":\"http://ocsp.example\"}]}"),
		GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(),
			       "{\"idTokenInfo\":{\"status\":\"Invalid\"},\"certificateStatus\":\"CertChainError\"}");
	/* a refusal stays what the domain said */
	stub.auth_res.status = AUTH_BLOCKED;
	CU_ASSERT_EQUAL_FATAL(h_run("Authorize",
				    "{\"idToken\":{\"idToken\":\"DE8ACC12345678\",\"type\":\"eMAID\"},"
				    "\"certificate\":\"-----BEGIN CERTIFICATE-----\"}"),
			      GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(),
			       "{\"idTokenInfo\":{\"status\":\"Blocked\"},\"certificateStatus\":\"CertChainError\"}");
}

int test_status_register(void)
{
	static CU_TestInfo tests[] = {
		{"StatusNotification: every ConnectorStatus", t_status_words},
		{"StatusNotification: int range, domain error", t_status_errors},
		{"Authorize: expiry and group", t_authorize_full},
		{"Authorize: every status word", t_authorize_words},
		{"Authorize: contract certificate is never claimed valid", t_authorize_certificate},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 status+authorize", tests);
}
