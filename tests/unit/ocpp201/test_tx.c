/* SPDX-License-Identifier: MIT
 *
 * test_tx.c - TransactionEvent: the exact tx_event given to the domain
 * (kind, ids, seqNo, offline, trigger, chargingState -> state + plug
 * evidence, meterStart/Stop from the register) and the exact answer
 * (idTokenInfo when a token came, totalCost from minor units).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_v201.h"

static const char *const started =
	"{\"eventType\":\"Started\",\"timestamp\":\"2026-01-01T00:00:10Z\","
	"\"triggerReason\":\"CablePluggedIn\",\"seqNo\":0,\"reservationId\":5,"
	"\"transactionInfo\":{\"transactionId\":\"TX-0001\",\"chargingState\":\"EVConnected\",\"remoteStartId\":42},"
	"\"evse\":{\"id\":1,\"connectorId\":2},\"idToken\":{\"idToken\":\"04A1B2C3\",\"type\":\"ISO14443\"},"
	"\"meterValue\":[{\"timestamp\":\"2026-01-01T00:00:10Z\",\"sampledValue\":["
	"{\"value\":12.345,\"context\":\"Transaction.Begin\",\"measurand\":\"Energy.Active.Import.Register\","
	"\"unitOfMeasure\":{\"unit\":\"kWh\"}},"
	"{\"value\":0,\"context\":\"Transaction.Begin\",\"measurand\":\"Power.Active.Import\",\"unitOfMeasure\":{\"unit\":\"W\"}}]}]}";

static void t_started(void)
{
	const struct tx_event *ev = &stub.tx;

	stub.tx_res.auth.status = AUTH_ACCEPTED;
	CU_ASSERT_EQUAL_FATAL(h_run("TransactionEvent", started), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"idTokenInfo\":{\"status\":\"Accepted\"}}");
	CU_ASSERT_EQUAL(ev->kind, TX_STARTED);
	CU_ASSERT_EQUAL(ev->tx_id, 0);
	CU_ASSERT_STRING_EQUAL(ev->pile_tx_id, "TX-0001");
	CU_ASSERT_EQUAL(ev->seq_no, 0);
	CU_ASSERT_EQUAL(ev->evse_id, 1);
	CU_ASSERT_EQUAL(ev->connector_id, 2);
	CU_ASSERT_STRING_EQUAL(ev->id_token, "04A1B2C3");
	CU_ASSERT_STRING_EQUAL(ev->id_token_type, "ISO14443");
	CU_ASSERT_STRING_EQUAL(ev->trigger, "CablePluggedIn");
	CU_ASSERT_EQUAL(ev->charging_state, CONN_PREPARING);
	CU_ASSERT_EQUAL(ev->plugged, PLUG_YES);
	CU_ASSERT_STRING_EQUAL(ev->stop_reason, "");
	CU_ASSERT_EQUAL(ev->offline, 0);
	CU_ASSERT_EQUAL(ev->reservation_id, 5);
	CU_ASSERT_EQUAL(ev->remote_start_id, 42);
	CU_ASSERT_EQUAL(ev->pile_ms, T_NOW_MS + 10000);
	CU_ASSERT_EQUAL(ev->have_meter, 1);
	CU_ASSERT_EQUAL(ev->meter_wh, 12345);
	CU_ASSERT_EQUAL_FATAL(ev->n_samples, 2);
	CU_ASSERT(fabs(ev->samples[0].value - 12345.0) < 1e-6);
	CU_ASSERT_EQUAL(ev->samples[0].context, CTX_TX_BEGIN);
	CU_ASSERT_EQUAL(ev->samples[0].evse_id, 1);
	CU_ASSERT_EQUAL(ev->samples[0].connector_id, 2);
	CU_ASSERT_STRING_EQUAL(ev->samples[0].unit_raw, "kWh");
	CU_ASSERT_EQUAL(ev->samples[1].measurand, MEAS_POWER_IMPORT_W);
	CU_ASSERT_STRING_EQUAL(stub.last_identity, "CP042");
}

static void t_ended_with_cost(void)
{
	const struct tx_event *ev = &stub.tx;

	stub.tx_res.have_cost = 1;
	stub.tx_res.total_cost_minor = 1234;
	strcpy(stub.tx_res.currency, "EUR");
	CU_ASSERT_EQUAL_FATAL(
		h_run("TransactionEvent",
		      "{\"eventType\":\"Ended\",\"timestamp\":\"2026-01-01T01:00:00Z\","
		      "\"triggerReason\":\"StopAuthorized\",\"seqNo\":7,\"offline\":true,"
		      "\"transactionInfo\":{\"transactionId\":\"TX-0001\",\"chargingState\":\"Idle\","
		      "\"stoppedReason\":\"Local\"},"
		      "\"meterValue\":[{\"timestamp\":\"2026-01-01T01:00:00Z\",\"sampledValue\":["
		      "{\"value\":20000,\"context\":\"Transaction.End\"},"
		      "{\"value\":6000,\"context\":\"Transaction.End\",\"phase\":\"L1\"}]}]}"),
		GW_OK);
	/* no idToken in the request: no idTokenInfo in the answer */
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"totalCost\":12.34}");
	CU_ASSERT_EQUAL(ev->kind, TX_ENDED);
	CU_ASSERT_EQUAL(ev->seq_no, 7);
	CU_ASSERT_EQUAL(ev->offline, 1);
	CU_ASSERT_STRING_EQUAL(ev->stop_reason, "Local");
	CU_ASSERT_EQUAL(ev->charging_state, CONN_AVAILABLE);
	CU_ASSERT_EQUAL(ev->plugged, PLUG_NO);
	CU_ASSERT_EQUAL(ev->evse_id, 0); /* not stated */
	CU_ASSERT_EQUAL(ev->reservation_id, -1);
	CU_ASSERT_EQUAL(ev->remote_start_id, -1);
	CU_ASSERT_STRING_EQUAL(ev->id_token, "");
	CU_ASSERT_EQUAL(ev->have_meter, 1);
	CU_ASSERT_EQUAL(ev->meter_wh, 20000); /* the phase total, not L1 */
	/* both answers at once, in the schema's order of interest */
	strcpy(stub.tx_res.currency, "JPY");
	stub.tx_res.total_cost_minor = 1500;
	stub.tx_res.auth.status = AUTH_NO_CREDIT;
	CU_ASSERT_EQUAL_FATAL(h_run("TransactionEvent",
				    "{\"eventType\":\"Updated\",\"timestamp\":\"2026-01-01T00:30:00Z\","
				    "\"triggerReason\":\"Authorized\",\"seqNo\":2,"
				    "\"transactionInfo\":{\"transactionId\":\"TX-0001\"},"
				    "\"idToken\":{\"idToken\":\"04A1B2C3\",\"type\":\"ISO14443\"}}"),
			      GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"totalCost\":1500,\"idTokenInfo\":{\"status\":\"NoCredit\"}}");
	CU_ASSERT_EQUAL(stub.tx.have_meter, 0);
	CU_ASSERT_EQUAL(stub.tx.n_samples, 0);
}

/* chargingState x trigger x kind -> normalized state + plug evidence */
static void t_state_table(void)
{
	static const struct {
		const char *event, *state, *trigger;
		enum conn_state want;
		enum plug_evidence plugged;
	} rows[] = {
		{"Started", "EVConnected", "CablePluggedIn", CONN_PREPARING, PLUG_YES},
		{"Started", "Idle", "Authorized", CONN_PREPARING, PLUG_NO},
		{"Updated", "Charging", "ChargingStateChanged", CONN_CHARGING, PLUG_YES},
		{"Updated", "SuspendedEV", "ChargingStateChanged", CONN_SUSPENDED_EV, PLUG_YES},
		{"Updated", "SuspendedEVSE", "ChargingStateChanged", CONN_SUSPENDED_EVSE, PLUG_YES},
		{"Updated", "Idle", "EVCommunicationLost", CONN_AVAILABLE, PLUG_NO},
		{"Updated", "Idle", "EVDeparted", CONN_AVAILABLE, PLUG_NO},
		{"Updated", "Idle", "CablePluggedIn", CONN_PREPARING, PLUG_YES},
		{"Updated", NULL, "EVCommunicationLost", CONN_UNKNOWN, PLUG_NO},
		{"Updated", NULL, "EVDetected", CONN_UNKNOWN, PLUG_YES},
		{"Updated", NULL, "MeterValuePeriodic", CONN_UNKNOWN, PLUG_UNKNOWN},
		{"Updated", "Charging", "EVCommunicationLost", CONN_CHARGING, PLUG_NO},
		{"Ended", "Idle", "StopAuthorized", CONN_AVAILABLE, PLUG_NO},
		{"Ended", "EVConnected", "RemoteStop", CONN_FINISHING, PLUG_YES},
		{"Ended", "SuspendedEV", "EnergyLimitReached", CONN_SUSPENDED_EV, PLUG_YES},
	};
	char req[512], state[64];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(state, sizeof(state), rows[i].state ? ",\"chargingState\":\"%s\"" : "%s",
			 rows[i].state ? rows[i].state : "");
		snprintf(req, sizeof(req),
			 "{\"eventType\":\"%s\",\"timestamp\":\"2026-01-01T00:00:10Z\",\"triggerReason\":\"%s\","
			 "\"seqNo\":%zu,\"transactionInfo\":{\"transactionId\":\"T%zu\"%s}}",
			 rows[i].event, rows[i].trigger, i, i, state);
		CU_ASSERT_EQUAL_FATAL(h_run("TransactionEvent", req), GW_OK);
		CU_ASSERT_STRING_EQUAL(h_resp(), "{}");
		if (stub.tx.charging_state != rows[i].want || stub.tx.plugged != rows[i].plugged)
			fprintf(stderr, "\nrow %zu: state %d plug %d\n", i, stub.tx.charging_state,
				stub.tx.plugged);
		CU_ASSERT_EQUAL(stub.tx.charging_state, rows[i].want);
		CU_ASSERT_EQUAL(stub.tx.plugged, rows[i].plugged);
		CU_ASSERT_EQUAL(stub.tx.seq_no, (int64_t)i);
	}
}

static void t_store_error(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(h_run("TransactionEvent", started), GW_ESTORE);
	CU_ASSERT_EQUAL(stub.calls, 1);
}

/* allocation failure while normalizing samples: GW_ENOMEM, nothing leaks,
 * the domain is not called */
static void t_no_memory(void)
{
	const struct action_row *row = action_find(&v201_actions, "TransactionEvent");
	struct json_object *req = NULL;

	CU_ASSERT_FATAL(gw_json_parse(started, strlen(started), GW_JSON_DEPTH, &req) == GW_OK);
	gw_alloc_fail_after(1);
	CU_ASSERT_EQUAL(row->handler(&h.ctx, req), GW_ENOMEM);
	gw_alloc_fail_after(0);
	CU_ASSERT_EQUAL(stub.calls, 0);
	CU_ASSERT_PTR_NULL(h.ctx.response);
	json_object_put(req);
}

int test_tx_register(void)
{
	static CU_TestInfo tests[] = {
		{"Started: every field, meterStart from kWh register", t_started},
		{"Ended: offline, seqNo, stop reason, meterStop, totalCost", t_ended_with_cost},
		{"chargingState/trigger/kind -> state + plug evidence", t_state_table},
		{"domain GW_ESTORE is returned, nothing answered", t_store_error},
		{"allocation failure in samples", t_no_memory},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 transaction", tests);
}
