/* SPDX-License-Identifier: MIT
 *
 * test_reports.c - notifications kept as pile reports: one table row per
 * action {request -> kind, status, detail, time, exact answer}, then
 * NotifyEvent (one report per event) and NotifyReport (device vars).
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_v201.h"

struct report_case {
	const char *action;
	const char *req;
	const char *status;
	const char *detail;
	int64_t pile_ms;
	const char *resp;
};

static const struct report_case cases[] = {
	{"NotifyMonitoringReport",
	 "{\"requestId\":3,\"seqNo\":0,\"generatedAt\":\"2026-01-01T00:00:00Z\",\"tbc\":true,\"monitor\":["
	 "{\"component\":{\"name\":\"EVSE\",\"evse\":{\"id\":1}},\"variable\":{\"name\":\"Power\"},"
	 "\"variableMonitoring\":[{\"id\":1,\"transaction\":false,\"value\":100,\"type\":\"UpperThreshold\","
	 "\"severity\":5}]}]}",
	 "", "requestId=3 seqNo=0 tbc=true monitor=1", T_NOW_MS, "{}"},
	/* personal data: the text never reaches the report */
	{"NotifyCustomerInformation",
	 "{\"data\":\"name=Jane Doe\",\"tbc\":false,\"seqNo\":1,\"generatedAt\":\"2026-01-01T00:00:00Z\","
	 "\"requestId\":9}",
	 "", "requestId=9 seqNo=1 tbc=false", T_NOW_MS, "{}"},
	{"NotifyDisplayMessages",
	 "{\"requestId\":4,\"messageInfo\":[{\"id\":1,\"priority\":\"NormalCycle\","
	 "\"message\":{\"format\":\"UTF8\",\"content\":\"Hallo\"}}]}",
	 "", "requestId=4 messageInfo=1", 0, "{}"},
	{"SecurityEventNotification",
	 "{\"type\":\"TamperDetectionActivated\",\"timestamp\":\"2026-01-01T00:00:01Z\","
	 "\"techInfo\":\"door opened\"}",
	 "TamperDetectionActivated", "techInfo=door opened", T_NOW_MS + 1000, "{}"},
	{"ReservationStatusUpdate", "{\"reservationId\":12,\"reservationUpdateStatus\":\"Expired\"}",
	 "Expired", "reservationId=12", 0, "{}"},
	{"DataTransfer", "{\"vendorId\":\"com.acme\",\"messageId\":\"Ping\",\"data\":{\"x\":[1,2]}}",
	 "com.acme", "messageId=Ping", 0, "{\"status\":\"UnknownVendorId\"}"},
	{"NotifyChargingLimit",
	 "{\"evseId\":1,\"chargingLimit\":{\"chargingLimitSource\":\"EMS\",\"isGridCritical\":true}}",
	 "EMS", "evseId=1 isGridCritical=true", 0, "{}"},
	{"ClearedChargingLimit", "{\"chargingLimitSource\":\"SO\",\"evseId\":2}", "SO", "evseId=2", 0,
	 "{}"},
	{"NotifyEVChargingNeeds",
	 "{\"evseId\":1,\"maxScheduleTuples\":3,\"chargingNeeds\":{\"requestedEnergyTransfer\":\"DC\","
	 "\"departureTime\":\"2026-01-01T08:00:00Z\",\"dcChargingParameters\":{\"evMaxCurrent\":200,"
	 "\"evMaxVoltage\":400}}}",
	 "DC", "evseId=1 maxScheduleTuples=3 departureTime=2026-01-01T08:00:00Z", 0,
	 "{\"status\":\"Rejected\",\"statusInfo\":{\"reasonCode\":\"NotSupported\","
	 "\"additionalInfo\":\"no smart charging here: no schedule will follow\"}}"},
	{"NotifyEVChargingSchedule",
	 "{\"timeBase\":\"2026-01-01T00:00:00Z\",\"evseId\":1,\"chargingSchedule\":{\"id\":1,"
	 "\"chargingRateUnit\":\"W\",\"chargingSchedulePeriod\":[{\"startPeriod\":0,\"limit\":11000}]}}",
	 "", "evseId=1 chargingRateUnit=W chargingSchedulePeriod=1", T_NOW_MS,
	 "{\"status\":\"Accepted\"}"},
	{"ReportChargingProfiles",
	 "{\"requestId\":5,\"chargingLimitSource\":\"CSO\",\"evseId\":1,\"tbc\":false,\"chargingProfile\":["
	 "{\"id\":1,\"stackLevel\":0,\"chargingProfilePurpose\":\"TxDefaultProfile\","
	 "\"chargingProfileKind\":\"Absolute\",\"chargingSchedule\":[{\"id\":1,\"chargingRateUnit\":\"A\","
	 "\"chargingSchedulePeriod\":[{\"startPeriod\":0,\"limit\":16}]}]}]}",
	 "CSO", "requestId=5 evseId=1 tbc=false chargingProfile=1", 0, "{}"},
	{"FirmwareStatusNotification", "{\"status\":\"Installed\",\"requestId\":8}", "Installed",
	 "requestId=8", 0, "{}"},
	{"PublishFirmwareStatusNotification",
	 "{\"status\":\"Published\",\"location\":[\"http://a.example/fw.bin\",\"ftp://b.example/fw.bin\"],"
	 "\"requestId\":2}",
	 "Published", "requestId=2 location=2", 0, "{}"},
	{"LogStatusNotification", "{\"status\":\"Uploaded\"}", "Uploaded", "", 0, "{}"},
	{"GetCertificateStatus",
	 "{\"ocspRequestData\":{\"hashAlgorithm\":\"SHA256\",\"issuerNameHash\":\"aa\",\"issuerKeyHash\":\"bb\","
	 "\"serialNumber\":\"0F\",\"responderURL\":\"http://ocsp.example\"}}",
	 "", "serialNumber=0F responderURL=http://ocsp.example", 0,
	 "{\"status\":\"Failed\",\"statusInfo\":{\"reasonCode\":\"NotSupported\","
	 "\"additionalInfo\":\"no OCSP client in this CSMS\"}}"},
	{"Get15118EVCertificate",
	 "{\"iso15118SchemaVersion\":\"urn:iso:15118:2:2013:MsgDef\",\"action\":\"Install\","
	 "\"exiRequest\":\"AAAA\"}",
	 "Install", "iso15118SchemaVersion=urn:iso:15118:2:2013:MsgDef", 0,
	 "{\"status\":\"Failed\",\"statusInfo\":{\"reasonCode\":\"NotSupported\","
	 "\"additionalInfo\":\"no ISO 15118 PKI in this CSMS\"},\"exiResponse\":\"\"}"},
};

static void t_report_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct report_case *c = &cases[i];
		const struct pile_report *r = &stub.reports[0];

		stub_reset();
		CU_ASSERT_EQUAL_FATAL(h_run(c->action, c->req), GW_OK);
		if (strcmp(h_resp(), c->resp) || stub.n_reports != 1 || strcmp(r->detail, c->detail))
			fprintf(stderr, "\n%s: resp %s detail '%s'\n", c->action, h_resp(), r->detail);
		CU_ASSERT_STRING_EQUAL(h_resp(), c->resp);
		CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
		CU_ASSERT_STRING_EQUAL(r->kind, c->action);
		CU_ASSERT_STRING_EQUAL(r->status, c->status);
		CU_ASSERT_STRING_EQUAL(r->detail, c->detail);
		CU_ASSERT_EQUAL(r->pile_ms, c->pile_ms);
		CU_ASSERT_STRING_EQUAL(stub.last_identity, "CP042");
	}
}

static void t_report_store_error(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(h_run("FirmwareStatusNotification", "{\"status\":\"Idle\"}"), GW_ESTORE);
}

static void t_notify_event(void)
{
	CU_ASSERT_EQUAL_FATAL(
		h_run("NotifyEvent",
		      "{\"generatedAt\":\"2026-01-01T00:00:00Z\",\"seqNo\":0,\"eventData\":["
		      "{\"eventId\":7,\"timestamp\":\"2026-01-01T00:00:02Z\",\"trigger\":\"Alerting\","
		      "\"actualValue\":\"Faulted\",\"techCode\":\"E42\",\"cleared\":false,"
		      "\"component\":{\"name\":\"EVSE\",\"evse\":{\"id\":1}},\"variable\":{\"name\":\"AvailabilityState\"},"
		      "\"eventNotificationType\":\"HardWiredNotification\"},"
		      "{\"eventId\":8,\"timestamp\":\"2026-01-01T00:00:03Z\",\"trigger\":\"Delta\","
		      "\"actualValue\":\"230.5\",\"transactionId\":\"TX-9\",\"component\":{\"name\":\"EVSE\"},"
		      "\"variable\":{\"name\":\"Voltage\"},\"eventNotificationType\":\"CustomMonitor\"}]}"),
		GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{}");
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 2);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "NotifyEvent");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "Alerting");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail,
			       "eventId=7 EVSE/AvailabilityState=Faulted techCode=E42 cleared=false");
	CU_ASSERT_EQUAL(stub.reports[0].pile_ms, T_NOW_MS + 2000);
	CU_ASSERT_STRING_EQUAL(stub.reports[1].status, "Delta");
	CU_ASSERT_STRING_EQUAL(stub.reports[1].detail, "eventId=8 EVSE/Voltage=230.5 transactionId=TX-9");
	CU_ASSERT_EQUAL(stub.reports[1].pile_ms, T_NOW_MS + 3000);
}

static void t_notify_report(void)
{
	const struct device_var *v = stub.vars;

	CU_ASSERT_EQUAL_FATAL(
		h_run("NotifyReport",
		      "{\"requestId\":1,\"generatedAt\":\"2026-01-01T00:00:00Z\",\"seqNo\":0,\"tbc\":false,"
		      "\"reportData\":["
		      "{\"component\":{\"name\":\"EVSE\",\"evse\":{\"id\":1}},\"variable\":{\"name\":\"Power\"},"
		      "\"variableAttribute\":[{\"type\":\"Actual\",\"value\":\"0\",\"mutability\":\"ReadOnly\"},"
		      "{\"type\":\"MaxSet\",\"value\":\"22000\",\"mutability\":\"ReadWrite\"}],"
		      "\"variableCharacteristics\":{\"unit\":\"W\",\"dataType\":\"decimal\",\"maxLimit\":22000,"
		      "\"supportsMonitoring\":true}},"
		      "{\"component\":{\"name\":\"SecurityCtrlr\"},\"variable\":{\"name\":\"BasicAuthPassword\"},"
		      "\"variableAttribute\":[{\"mutability\":\"WriteOnly\"}]},"
		      "{\"component\":{\"name\":\"Connector\",\"instance\":\"c1\",\"evse\":{\"id\":1,\"connectorId\":1}},"
		      "\"variable\":{\"name\":\"ConnectorType\",\"instance\":\"x\"},"
		      "\"variableAttribute\":[{\"value\":\"cType2\"}]}]}"),
		GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{}");
	CU_ASSERT_EQUAL_FATAL(stub.n_vars, 3);
	CU_ASSERT_STRING_EQUAL(v[0].component, "EVSE");
	CU_ASSERT_EQUAL(v[0].evse_id, 1);
	CU_ASSERT_EQUAL(v[0].connector_id, -1);
	CU_ASSERT_STRING_EQUAL(v[0].variable, "Power");
	CU_ASSERT_STRING_EQUAL(v[0].attribute, "Actual");
	CU_ASSERT_STRING_EQUAL(v[0].value, "0");
	CU_ASSERT_EQUAL(v[0].readonly, 1);
	CU_ASSERT_STRING_EQUAL(v[1].attribute, "MaxSet");
	CU_ASSERT_STRING_EQUAL(v[1].value, "22000");
	CU_ASSERT_EQUAL(v[1].readonly, 0);
	CU_ASSERT_STRING_EQUAL(v[2].component, "Connector");
	CU_ASSERT_STRING_EQUAL(v[2].component_instance, "c1");
	CU_ASSERT_EQUAL(v[2].evse_id, 1);
	CU_ASSERT_EQUAL(v[2].connector_id, 1);
	CU_ASSERT_STRING_EQUAL(v[2].variable_instance, "x");
	CU_ASSERT_STRING_EQUAL(v[2].attribute, "Actual"); /* type absent: Actual */
	CU_ASSERT_STRING_EQUAL(v[2].value, "cType2");
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "NotifyReport");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "requestId=1 seqNo=0 tbc=false reportData=3 vars=3");
	CU_ASSERT_EQUAL(stub.reports[0].pile_ms, T_NOW_MS);
}

int test_reports_register(void)
{
	static CU_TestInfo tests[] = {
		{"every kept notification: report and exact answer", t_report_table},
		{"domain error is returned", t_report_store_error},
		{"NotifyEvent: one report per event", t_notify_event},
		{"NotifyReport: device vars and the frame summary", t_notify_report},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 reports", tests);
}
