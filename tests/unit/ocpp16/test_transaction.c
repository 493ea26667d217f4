/* SPDX-License-Identifier: MIT
 * test_transaction.c - StartTransaction / StopTransaction: the exact
 * struct tx_event, answers, accept-then-flag, defaults. */
#include <string.h>

#include "common/gw_err.h"
#include "test_v16.h"

#define START                                                                               \
	"{\"connectorId\":2,\"idTag\":\"ABC123\",\"meterStart\":1000,"                          \
	"\"timestamp\":\"2026-11-25T17:30:00Z\"}"

static void test_start(void)
{
	const struct tx_event *ev = &stub.tx;

	CU_ASSERT_EQUAL(fx_call("StartTransaction", START), GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.last, "domain_tx_event");
	CU_ASSERT_EQUAL(ev->kind, TX_STARTED);
	CU_ASSERT_EQUAL(ev->tx_id, 0);
	CU_ASSERT_STRING_EQUAL(ev->pile_tx_id, "");
	CU_ASSERT_EQUAL(ev->seq_no, -1);
	CU_ASSERT_EQUAL(ev->evse_id, 2);
	CU_ASSERT_EQUAL(ev->connector_id, 2);
	CU_ASSERT_STRING_EQUAL(ev->id_token, "ABC123");
	CU_ASSERT_STRING_EQUAL(ev->id_token_type, "");
	CU_ASSERT_EQUAL(ev->have_meter, 1);
	CU_ASSERT_EQUAL(ev->meter_wh, 1000);
	CU_ASSERT_EQUAL(ev->pile_ms, fx_ms("2026-11-25T17:30:00Z"));
	CU_ASSERT_STRING_EQUAL(ev->trigger, "");
	CU_ASSERT_EQUAL(ev->charging_state, CONN_UNKNOWN);
	CU_ASSERT_EQUAL(ev->plugged, PLUG_UNKNOWN); /* a start is no plug evidence in 1.6 */
	CU_ASSERT_STRING_EQUAL(ev->stop_reason, "");
	CU_ASSERT_EQUAL(ev->reservation_id, -1);
	CU_ASSERT_EQUAL(ev->remote_start_id, -1);
	CU_ASSERT_EQUAL(ev->n_samples, 0);
	FX_EXPECT_RESPONSE("StartTransaction",
			   "{\"transactionId\":42,\"idTagInfo\":{\"status\":\"Accepted\"}}");
}

static void test_start_reservation_and_refused_tag(void)
{
	stub.tx_out = (struct tx_result){.tx_id = 7,
					 .auth = {.status = AUTH_BLOCKED,
						  .expiry_ms = fx_ms("2026-12-01T00:00:00Z")}};
	CU_ASSERT_EQUAL(fx_call("StartTransaction",
				"{\"connectorId\":1,\"idTag\":\"T\",\"meterStart\":-1,"
				"\"reservationId\":12,\"timestamp\":\"2026-11-25T17:30:00Z\"}"),
			GW_OK);
	CU_ASSERT_EQUAL(stub.tx.reservation_id, 12);
	CU_ASSERT_EQUAL(stub.tx.meter_wh, -1); /* accepted, then flagged */
	/* never refused: the transaction gets its id, the token its verdict */
	FX_EXPECT_RESPONSE("StartTransaction",
			   "{\"transactionId\":7,\"idTagInfo\":{\"status\":\"Blocked\","
			   "\"expiryDate\":\"2026-12-01T00:00:00.000Z\"}}");
}

/* A resent start gets the answer the domain gives for the duplicate. */
static void test_start_duplicate_same_answer(void)
{
	stub.tx_out = (struct tx_result){.tx_id = 42, .duplicate = 1, .auth = {.status = AUTH_ACCEPTED}};
	CU_ASSERT_EQUAL(fx_call("StartTransaction", START), GW_OK);
	FX_EXPECT_RESPONSE("StartTransaction",
			   "{\"transactionId\":42,\"idTagInfo\":{\"status\":\"Accepted\"}}");
}

static void test_start_oversize_tag(void)
{
	char payload[256] = "{\"connectorId\":1,\"meterStart\":0,\"timestamp\":"
			    "\"2026-11-25T17:30:00Z\",\"idTag\":\"";

	for (int i = 0; i < 20; i++)
		strcat(payload, "\xe2\x82\xac");
	strcat(payload, "\"}");
	CU_ASSERT_EQUAL(fx_call("StartTransaction", payload), GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.last, "domain_tx_event"); /* kept all the same */
	CU_ASSERT_STRING_EQUAL(stub.tx.id_token, "");
	FX_EXPECT_RESPONSE("StartTransaction",
			   "{\"transactionId\":42,\"idTagInfo\":{\"status\":\"Invalid\"}}");
}

static void test_start_store_failure(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(fx_call("StartTransaction", START), GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
}

static void test_stop_minimal(void)
{
	const struct tx_event *ev = &stub.tx;

	CU_ASSERT_EQUAL(fx_call("StopTransaction",
				"{\"transactionId\":42,\"meterStop\":2500,"
				"\"timestamp\":\"2026-11-25T17:45:00Z\"}"),
			GW_OK);
	CU_ASSERT_EQUAL(ev->kind, TX_ENDED);
	CU_ASSERT_EQUAL(ev->tx_id, 42);
	CU_ASSERT_EQUAL(ev->have_meter, 1);
	CU_ASSERT_EQUAL(ev->meter_wh, 2500);
	CU_ASSERT_EQUAL(ev->pile_ms, fx_ms("2026-11-25T17:45:00Z"));
	CU_ASSERT_STRING_EQUAL(ev->stop_reason, "Local"); /* the spec's default */
	CU_ASSERT_STRING_EQUAL(ev->id_token, "");
	CU_ASSERT_EQUAL(ev->plugged, PLUG_UNKNOWN);
	CU_ASSERT_EQUAL(ev->n_samples, 0);
	CU_ASSERT_EQUAL(ev->seq_no, -1);
	CU_ASSERT_EQUAL(ev->reservation_id, -1);
	FX_EXPECT_RESPONSE("StopTransaction", "{}"); /* no idTag, no idTagInfo */
}

static void test_stop_full(void)
{
	const struct meter_sample *s = stub.tx_samples;

	stub.tx_out = (struct tx_result){.tx_id = 42, .auth = {.status = AUTH_ACCEPTED, .group_id = "G"}};
	CU_ASSERT_EQUAL(
		fx_call("StopTransaction",
			"{\"transactionId\":42,\"idTag\":\"ABC123\",\"meterStop\":-1,"
			"\"timestamp\":\"2026-11-25T17:45:00Z\",\"reason\":\"EVDisconnected\","
			"\"transactionData\":[{\"timestamp\":\"2026-11-25T17:30:00Z\",\"sampledValue\":"
			"[{\"value\":\"1.0\",\"unit\":\"kWh\",\"context\":\"Transaction.Begin\"}]},"
			"{\"timestamp\":\"2026-11-25T17:45:00Z\",\"sampledValue\":"
			"[{\"value\":\"2.5\",\"unit\":\"kWh\",\"context\":\"Transaction.End\"}]}]}"),
		GW_OK);
	CU_ASSERT_EQUAL(stub.tx.meter_wh, -1); /* accepted, then flagged */
	CU_ASSERT_STRING_EQUAL(stub.tx.stop_reason, "EVDisconnected");
	CU_ASSERT_EQUAL(stub.tx.plugged, PLUG_NO);
	CU_ASSERT_STRING_EQUAL(stub.tx.id_token, "ABC123");
	CU_ASSERT_EQUAL_FATAL(stub.tx.n_samples, 2);
	CU_ASSERT_EQUAL(s[0].context, CTX_TX_BEGIN);
	CU_ASSERT_DOUBLE_EQUAL(s[0].value, 1000.0, 1e-9);
	CU_ASSERT_EQUAL(s[0].pile_ms, fx_ms("2026-11-25T17:30:00Z"));
	CU_ASSERT_EQUAL(s[1].context, CTX_TX_END);
	CU_ASSERT_DOUBLE_EQUAL(s[1].value, 2500.0, 1e-9);
	CU_ASSERT_EQUAL(s[1].connector_id, 0); /* not in the message: the tx knows */
	FX_EXPECT_RESPONSE("StopTransaction",
			   "{\"idTagInfo\":{\"status\":\"Accepted\",\"parentIdTag\":\"G\"}}");
}

/* An unknown transaction is acknowledged: the domain flags it. */
static void test_stop_unknown_tx_acknowledged(void)
{
	stub.tx_out = (struct tx_result){.tx_id = 0, .auth = {.status = AUTH_INVALID}};
	CU_ASSERT_EQUAL(fx_call("StopTransaction",
				"{\"transactionId\":999999,\"idTag\":\"X\",\"meterStop\":10,"
				"\"timestamp\":\"2026-11-25T17:45:00Z\",\"reason\":\"Remote\","
				"\"transactionData\":[]}"),
			GW_OK);
	CU_ASSERT_EQUAL(stub.tx.tx_id, 999999);
	CU_ASSERT_STRING_EQUAL(stub.tx.stop_reason, "Remote");
	CU_ASSERT_EQUAL(stub.tx.n_samples, 0);
	FX_EXPECT_RESPONSE("StopTransaction", "{\"idTagInfo\":{\"status\":\"Invalid\"}}");
}

static void test_stop_store_failure(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(fx_call("StopTransaction",
				"{\"transactionId\":42,\"meterStop\":2500,"
				"\"timestamp\":\"2026-11-25T17:45:00Z\",\"transactionData\":"
				"[{\"timestamp\":\"2026-11-25T17:30:00Z\",\"sampledValue\":[{\"value\":\"1\"}]}]}"),
			GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
}

int test_transaction_register(void)
{
	static CU_TestInfo tests[] = {
		{"start: exact tx_event and answer", test_start},
		{"start: reservation, meterStart -1, refused tag still answered", test_start_reservation_and_refused_tag},
		{"start: duplicate gets the same answer", test_start_duplicate_same_answer},
		{"start: oversize idTag kept as \"\", Invalid", test_start_oversize_tag},
		{"start: store failure returned", test_start_store_failure},
		{"stop: defaults, reason Local, answer {}", test_stop_minimal},
		{"stop: transactionData in Wh, EVDisconnected = unplug", test_stop_full},
		{"stop: unknown transactionId acknowledged", test_stop_unknown_tx_acknowledged},
		{"stop: store failure returned", test_stop_store_failure},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 transactions", tests);
}
