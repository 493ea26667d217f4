/* SPDX-License-Identifier: MIT
 *
 * test_boot.c - BootNotification (translation, answer, registration state,
 * the configuration push and the recording of its answers) and Heartbeat.
 */
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_v201.h"

static const char *const boot_req =
	"{\"chargingStation\":{\"serialNumber\":\"SN-77\",\"model\":\"AC22\",\"vendorName\":\"Acme\","
	"\"firmwareVersion\":\"1.2.3\",\"modem\":{\"iccid\":\"8931000000\",\"imsi\":\"262010000\"}},"
	"\"reason\":\"PowerUp\"}";

static const char *const get_limits =
	"{\"getVariableData\":["
	"{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":\"ItemsPerMessage\",\"instance\":\"GetVariables\"}},"
	"{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":\"BytesPerMessage\",\"instance\":\"GetVariables\"}},"
	"{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":\"ItemsPerMessage\",\"instance\":\"SetVariables\"}},"
	"{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":\"BytesPerMessage\",\"instance\":\"SetVariables\"}}]}";

static const char *const set_config =
	"{\"setVariableData\":["
	"{\"attributeValue\":\"60\",\"component\":{\"name\":\"SampledDataCtrlr\"},\"variable\":{\"name\":\"TxUpdatedInterval\"}},"
	"{\"attributeValue\":\"Energy.Active.Import.Register,Power.Active.Import,Current.Import\","
	"\"component\":{\"name\":\"SampledDataCtrlr\"},\"variable\":{\"name\":\"TxUpdatedMeasurands\"}},"
	"{\"attributeValue\":\"900\",\"component\":{\"name\":\"AlignedDataCtrlr\"},\"variable\":{\"name\":\"Interval\"}},"
	"{\"attributeValue\":\"Energy.Active.Import.Register\",\"component\":{\"name\":\"AlignedDataCtrlr\"},"
	"\"variable\":{\"name\":\"Measurands\"}},"
	"{\"attributeValue\":\"true\",\"component\":{\"name\":\"TxCtrlr\"},\"variable\":{\"name\":\"StopTxOnEVSideDisconnect\"}}]}";

static void accept_boot(void)
{
	stub.boot_res.status = REG_ACCEPTED;
	stub.boot_res.interval_s = 300;
	CU_ASSERT_EQUAL_FATAL(h_run("BootNotification", boot_req), GW_OK);
}

static void assert_var_attr(size_t i, const char *comp, const char *inst, const char *var,
			    const char *var_inst, const char *attr, const char *value)
{
	const struct device_var *v = &stub.vars[i];

	CU_ASSERT_STRING_EQUAL(v->component, comp);
	CU_ASSERT_STRING_EQUAL(v->component_instance, inst);
	CU_ASSERT_STRING_EQUAL(v->variable, var);
	CU_ASSERT_STRING_EQUAL(v->variable_instance, var_inst);
	CU_ASSERT_STRING_EQUAL(v->attribute, attr);
	CU_ASSERT_STRING_EQUAL(v->value, value);
	CU_ASSERT_EQUAL(v->evse_id, -1);
	CU_ASSERT_EQUAL(v->connector_id, -1);
}

static void assert_var(size_t i, const char *comp, const char *var, const char *inst,
		       const char *value)
{
	assert_var_attr(i, comp, "", var, inst, "Actual", value);
}

/* The three rows of one pushed variable: Target, outcome, Actual if Accepted. */
static size_t assert_push(size_t i, const char *comp, const char *var, const char *value,
			  const char *outcome)
{
	assert_var_attr(i++, comp, "", var, "", "Target", value);
	assert_var_attr(i++, "OcppgwConfigPush", comp, var, "", "Actual", outcome);
	if (!strcmp(outcome, "Accepted"))
		assert_var_attr(i++, comp, "", var, "", "Actual", value);
	return i;
}

static void t_boot_accepted(void)
{
	accept_boot();
	CU_ASSERT_STRING_EQUAL(h_resp(),
			       "{\"currentTime\":\"" T_NOW "\",\"interval\":300,\"status\":\"Accepted\"}");
	CU_ASSERT_EQUAL(h.reg, REG_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(stub.boot.vendor, "Acme");
	CU_ASSERT_STRING_EQUAL(stub.boot.model, "AC22");
	CU_ASSERT_STRING_EQUAL(stub.boot.serial, "SN-77");
	CU_ASSERT_STRING_EQUAL(stub.boot.firmware, "1.2.3");
	CU_ASSERT_STRING_EQUAL(stub.boot.iccid, "8931000000");
	CU_ASSERT_STRING_EQUAL(stub.boot.imsi, "262010000");
	CU_ASSERT_STRING_EQUAL(stub.boot.meter_type, "");
	CU_ASSERT_STRING_EQUAL(stub.boot.reason, "PowerUp");
	CU_ASSERT_STRING_EQUAL(stub.last_identity, "CP042");
	/* first the limits, nothing else yet */
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 1);
	CU_ASSERT_STRING_EQUAL(stub_cmds[0].identity, "CP042");
	CU_ASSERT_STRING_EQUAL(stub_cmds[0].action, "GetVariables");
	CU_ASSERT_STRING_EQUAL(h_dump(stub_cmds[0].payload), get_limits);
	h_validate("GetVariablesRequest", stub_cmds[0].payload);
}

static void t_push_chain(void)
{
	static const char *const limits_reply =
		"{\"getVariableResult\":["
		"{\"attributeStatus\":\"Accepted\",\"attributeValue\":\"20\",\"component\":{\"name\":\"DeviceDataCtrlr\"},"
		"\"variable\":{\"name\":\"ItemsPerMessage\",\"instance\":\"GetVariables\"}},"
		"{\"attributeStatus\":\"Accepted\",\"attributeValue\":\"4096\",\"component\":{\"name\":\"DeviceDataCtrlr\"},"
		"\"variable\":{\"name\":\"BytesPerMessage\",\"instance\":\"GetVariables\"}},"
		"{\"attributeStatus\":\"UnknownVariable\",\"component\":{\"name\":\"DeviceDataCtrlr\"},"
		"\"variable\":{\"name\":\"ItemsPerMessage\",\"instance\":\"SetVariables\"}}]}";
	static const char *const set_reply =
		"{\"setVariableResult\":["
		"{\"attributeStatus\":\"Accepted\",\"component\":{\"name\":\"SampledDataCtrlr\"},\"variable\":{\"name\":\"TxUpdatedInterval\"}},"
		"{\"attributeStatus\":\"Accepted\",\"component\":{\"name\":\"AlignedDataCtrlr\"},\"variable\":{\"name\":\"Interval\"}},"
		"{\"attributeStatus\":\"RebootRequired\",\"component\":{\"name\":\"TxCtrlr\"},"
		"\"variable\":{\"name\":\"StopTxOnEVSideDisconnect\"}}]}";
	struct json_object *p = NULL;

	accept_boot();
	CU_ASSERT_FATAL(gw_json_parse(limits_reply, strlen(limits_reply), 16, &p) == GW_OK);
	h_validate("GetVariablesResponse", p);
	json_object_put(p);
	stub_cmd_answer(0, GW_OK, limits_reply, NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_vars, 2);
	assert_var(0, "DeviceDataCtrlr", "ItemsPerMessage", "GetVariables", "20");
	assert_var(1, "DeviceDataCtrlr", "BytesPerMessage", "GetVariables", "4096");
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "GetVariables");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "UnknownVariable");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "DeviceDataCtrlr.ItemsPerMessage[SetVariables]");
	/* then the configuration, as one command */
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 2);
	CU_ASSERT_STRING_EQUAL(stub_cmds[1].action, "SetVariables");
	CU_ASSERT_STRING_EQUAL(h_dump(stub_cmds[1].payload), set_config);
	h_validate("SetVariablesRequest", stub_cmds[1].payload);

	CU_ASSERT_FATAL(gw_json_parse(set_reply, strlen(set_reply), 16, &p) == GW_OK);
	h_validate("SetVariablesResponse", p);
	json_object_put(p);
	stub_cmd_answer(1, GW_OK, set_reply, NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_vars, 10);
	CU_ASSERT_EQUAL(assert_push(2, "SampledDataCtrlr", "TxUpdatedInterval", "60", "Accepted"), 5);
	CU_ASSERT_EQUAL(assert_push(5, "AlignedDataCtrlr", "Interval", "900", "Accepted"), 8);
	CU_ASSERT_EQUAL(assert_push(8, "TxCtrlr", "StopTxOnEVSideDisconnect", "true", "RebootRequired"), 10);
	CU_ASSERT_EQUAL(stub.n_reports, 1);
	CU_ASSERT_EQUAL(stub_n_cmds, 2);
}

static const char *const pushed[][3] = {
	{"SampledDataCtrlr", "TxUpdatedInterval", "60"},
	{"SampledDataCtrlr", "TxUpdatedMeasurands", "Energy.Active.Import.Register,Power.Active.Import,Current.Import"},
	{"AlignedDataCtrlr", "Interval", "900"},
	{"AlignedDataCtrlr", "Measurands", "Energy.Active.Import.Register"},
	{"TxCtrlr", "StopTxOnEVSideDisconnect", "true"},
};

static void assert_all_pushed(const char *outcome)
{
	size_t k = 0;

	CU_ASSERT_EQUAL_FATAL(stub.n_vars, 10);
	for (size_t i = 0; i < 5; i++)
		k = assert_push(k, pushed[i][0], pushed[i][1], pushed[i][2], outcome);
}

static void t_push_failures(void)
{
	accept_boot();
	/* the limits call times out: recorded, and the configuration still goes */
	stub_cmd_answer(0, GW_ETIMEOUT, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "GetVariables");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "Timeout");
	CU_ASSERT_EQUAL(stub.n_vars, 0);
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 2);
	CU_ASSERT_STRING_EQUAL(stub_cmds[1].action, "SetVariables");
	/* the pile refuses the SetVariables with a CALLERROR: every row says so */
	stub_cmd_answer(1, GW_ECALLERROR, NULL, "OccurrenceConstraintViolation");
	assert_all_pushed("CallError:OccurrenceConstraintViolation");
	CU_ASSERT_EQUAL(stub.n_reports, 1);
}

static void t_push_closed(void)
{
	accept_boot();
	stub_cmd_answer(0, GW_ECLOSED, NULL, NULL);
	CU_ASSERT_EQUAL(stub_n_cmds, 1); /* nobody to configure */
	CU_ASSERT_EQUAL(stub.n_reports, 0);
	CU_ASSERT_EQUAL(stub.n_vars, 0);
	/* gone while the SetVariables was out: recorded as Closed */
	stub_reset();
	accept_boot();
	stub_cmd_answer(0, GW_OK, "{\"getVariableResult\":[{\"attributeStatus\":\"Accepted\","
				  "\"attributeValue\":\"8\",\"component\":{\"name\":\"DeviceDataCtrlr\"},"
				  "\"variable\":{\"name\":\"ItemsPerMessage\",\"instance\":\"SetVariables\"}}]}",
			NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_vars, 1);
	assert_var(0, "DeviceDataCtrlr", "ItemsPerMessage", "SetVariables", "8");
	stub.n_vars = 0;
	stub_cmd_answer(1, GW_ECLOSED, NULL, NULL);
	assert_all_pushed("Closed");
}

static void t_push_not_queued(void)
{
	stub_cmd_rc = GW_EBUSY;
	accept_boot(); /* the boot is still Accepted */
	CU_ASSERT_EQUAL(h.reg, REG_ACCEPTED);
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
}

static void t_boot_pending(void)
{
	stub.boot_res.status = REG_PENDING;
	stub.boot_res.interval_s = 30;
	h.reg = REG_REJECTED;
	CU_ASSERT_EQUAL_FATAL(h_run("BootNotification",
				    "{\"chargingStation\":{\"model\":\"M\",\"vendorName\":\"V\"},"
				    "\"reason\":\"Unknown\"}"),
			      GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(),
			       "{\"currentTime\":\"" T_NOW "\",\"interval\":30,\"status\":\"Pending\"}");
	CU_ASSERT_EQUAL(h.reg, REG_PENDING);
	CU_ASSERT_STRING_EQUAL(stub.boot.serial, "");
	CU_ASSERT_STRING_EQUAL(stub.boot.iccid, "");
	CU_ASSERT_EQUAL(stub_n_cmds, 0); /* no push before Accepted */
}

static void t_boot_rejected_and_no_push(void)
{
	stub.boot_res.status = REG_REJECTED;
	stub.boot_res.interval_s = 600;
	CU_ASSERT_EQUAL_FATAL(h_run("BootNotification", boot_req), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(),
			       "{\"currentTime\":\"" T_NOW "\",\"interval\":600,\"status\":\"Rejected\"}");
	CU_ASSERT_EQUAL(h.reg, REG_REJECTED);
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
	/* Accepted with the push switched off */
	h.cfg.push_config_on_boot = 0;
	accept_boot();
	CU_ASSERT_EQUAL(h.reg, REG_ACCEPTED);
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
}

static void t_boot_store_error(void)
{
	stub.rc = GW_ESTORE;
	stub.boot_res.status = REG_ACCEPTED;
	CU_ASSERT_EQUAL(h_run("BootNotification", boot_req), GW_ESTORE);
	CU_ASSERT_EQUAL(h.reg, REG_PENDING); /* untouched */
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
}

static void t_heartbeat(void)
{
	CU_ASSERT_EQUAL_FATAL(h_run("Heartbeat", "{}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"currentTime\":\"" T_NOW "\"}");
	CU_ASSERT_EQUAL(stub.heartbeats, 1);
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(h_run("Heartbeat", "{}"), GW_ESTORE);
}

int test_boot_register(void)
{
	static CU_TestInfo tests[] = {
		{"Accepted: answer, registration, GetVariables(limits) queued", t_boot_accepted},
		{"push: limits recorded, then one SetVariables, outcomes recorded", t_push_chain},
		{"push: timeout and CALLERROR recorded, chain goes on", t_push_failures},
		{"push: pile gone stops the chain / is recorded", t_push_closed},
		{"push: queue full does not fail the boot", t_push_not_queued},
		{"Pending: no push, registration Pending", t_boot_pending},
		{"Rejected, and Accepted with push off", t_boot_rejected_and_no_push},
		{"domain error: no answer, state untouched", t_boot_store_error},
		{"Heartbeat", t_heartbeat},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 boot", tests);
}
