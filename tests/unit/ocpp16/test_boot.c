/* SPDX-License-Identifier: MIT
 * test_boot.c - BootNotification (report, answer, registration, the
 * configuration push and how its answers are recorded) and Heartbeat. */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_v16.h"

#define BOOT_FULL                                                                          \
	"{\"chargePointVendor\":\"Acme\",\"chargePointModel\":\"AC22\","                   \
	"\"chargePointSerialNumber\":\"SN-1\",\"chargeBoxSerialNumber\":\"BOX-1\","         \
	"\"firmwareVersion\":\"1.2.3\",\"iccid\":\"8931\",\"imsi\":\"2620\","               \
	"\"meterType\":\"DZG\",\"meterSerialNumber\":\"M-9\"}"

static const char *const pushed[][2] = {
	{"MeterValueSampleInterval", "60"},
	{"MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import,Current.Import"},
	{"ClockAlignedDataInterval", "900"},
	{"StopTransactionOnEVSideDisconnect", "true"},
};

static void test_accepted(void)
{
	char want[256];

	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.last, "domain_boot");
	CU_ASSERT_STRING_EQUAL(stub.boot.vendor, "Acme");
	CU_ASSERT_STRING_EQUAL(stub.boot.model, "AC22");
	CU_ASSERT_STRING_EQUAL(stub.boot.serial, "SN-1"); /* chargePoint wins over chargeBox */
	CU_ASSERT_STRING_EQUAL(stub.boot.firmware, "1.2.3");
	CU_ASSERT_STRING_EQUAL(stub.boot.iccid, "8931");
	CU_ASSERT_STRING_EQUAL(stub.boot.imsi, "2620");
	CU_ASSERT_STRING_EQUAL(stub.boot.meter_type, "DZG");
	CU_ASSERT_STRING_EQUAL(stub.boot.meter_serial, "M-9");
	CU_ASSERT_STRING_EQUAL(stub.boot.reason, "");
	FX_EXPECT_RESPONSE("BootNotification",
			   "{\"status\":\"Accepted\",\"currentTime\":\"" FX_T0 "\",\"interval\":300}");
	CU_ASSERT_EQUAL(fx.registration, REG_ACCEPTED);
	/* the detector configuration, one command per key, in order */
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 4);
	for (size_t i = 0; i < 4; i++) {
		snprintf(want, sizeof(want), "{\"key\":\"%s\",\"value\":\"%s\"}", pushed[i][0],
			 pushed[i][1]);
		CU_ASSERT_STRING_EQUAL(stub_cmds[i].action, "ChangeConfiguration");
		CU_ASSERT_STRING_EQUAL(stub_cmds[i].identity, "CP042");
		CU_ASSERT_STRING_EQUAL(stub_cmds[i].payload, want);
		CU_ASSERT(FX_VALID(fx_validate("ChangeConfigurationRequest", stub_cmds[i].payload)));
	}
	CU_ASSERT_EQUAL(stub.device_var_calls, 0); /* nothing recorded before an answer */
}

static void test_box_serial_fallback(void)
{
	CU_ASSERT_EQUAL(fx_call("BootNotification",
				"{\"chargePointVendor\":\"Acme\",\"chargePointModel\":\"AC22\","
				"\"chargeBoxSerialNumber\":\"BOX-1\"}"),
			GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.boot.serial, "BOX-1");
	CU_ASSERT_STRING_EQUAL(stub.boot.firmware, "");
}

static void test_pending_and_rejected(void)
{
	stub.boot_out = (struct boot_result){.status = REG_PENDING, .interval_s = 30};
	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_OK);
	FX_EXPECT_RESPONSE("BootNotification",
			   "{\"status\":\"Pending\",\"currentTime\":\"" FX_T0 "\",\"interval\":30}");
	CU_ASSERT_EQUAL(fx.registration, REG_PENDING);
	stub.boot_out = (struct boot_result){.status = REG_REJECTED, .interval_s = -5};
	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_OK);
	FX_EXPECT_RESPONSE("BootNotification",
			   "{\"status\":\"Rejected\",\"currentTime\":\"" FX_T0 "\",\"interval\":0}");
	CU_ASSERT_EQUAL(fx.registration, REG_REJECTED);
	CU_ASSERT_EQUAL(stub_n_cmds, 0); /* no push unless Accepted */
}

static void test_push_off(void)
{
	fx.cfg.push_config_on_boot = 0;
	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_OK);
	CU_ASSERT_EQUAL(fx.registration, REG_ACCEPTED);
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
}

static const struct device_var *find_var(const char *component, const char *variable,
					 const char *attribute)
{
	for (size_t i = 0; i < stub.n_vars; i++)
		if (!strcmp(stub.vars[i].component, component) &&
		    !strcmp(stub.vars[i].variable, variable) &&
		    !strcmp(stub.vars[i].attribute, attribute))
			return &stub.vars[i];
	return NULL;
}

static void expect_var(const char *component, const char *variable, const char *attribute,
		       const char *value)
{
	const struct device_var *v = find_var(component, variable, attribute);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v->value, value);
	CU_ASSERT_EQUAL(v->evse_id, -1);
	CU_ASSERT_EQUAL(v->connector_id, -1);
	CU_ASSERT_STRING_EQUAL(v->component_instance, "");
	CU_ASSERT_STRING_EQUAL(v->variable_instance, "");
}

/* Each answer: Target always, our outcome word always, Actual only when
 * the pile Accepted. */
static void test_push_answers_recorded(void)
{
	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_OK);
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 4);

	stub_cmd_answer(0, GW_OK, "{\"status\":\"Accepted\"}", NULL);
	CU_ASSERT_EQUAL(stub.device_var_calls, 1);
	CU_ASSERT_EQUAL(stub.n_vars, 3);
	CU_ASSERT_STRING_EQUAL(stub.src_identity, "CP042");
	expect_var("", "MeterValueSampleInterval", "Target", "60");
	expect_var("", "MeterValueSampleInterval", "Actual", "60");
	expect_var("OcppgwConfigPush", "MeterValueSampleInterval", "Actual", "Accepted");

	stub_cmd_answer(1, GW_OK, "{\"status\":\"RebootRequired\"}", NULL);
	CU_ASSERT_EQUAL(stub.n_vars, 5);
	expect_var("", "MeterValuesSampledData", "Target", pushed[1][1]);
	CU_ASSERT_PTR_NULL(find_var("", "MeterValuesSampledData", "Actual"));
	expect_var("OcppgwConfigPush", "MeterValuesSampledData", "Actual", "RebootRequired");

	stub_cmd_answer(2, GW_ECALLERROR, NULL, "NotSupported");
	expect_var("OcppgwConfigPush", "ClockAlignedDataInterval", "Actual", "CallError:NotSupported");
	CU_ASSERT_PTR_NULL(find_var("", "ClockAlignedDataInterval", "Actual"));

	stub_cmd_answer(3, GW_ETIMEOUT, NULL, NULL);
	expect_var("OcppgwConfigPush", "StopTransactionOnEVSideDisconnect", "Actual", "Timeout");
	expect_var("", "StopTransactionOnEVSideDisconnect", "Target", "true");
	CU_ASSERT_EQUAL(stub.device_var_calls, 4);
	CU_ASSERT_EQUAL(stub.n_vars, 9);
}

static void test_push_rejected_and_not_supported(void)
{
	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_OK);
	stub_cmd_answer(0, GW_OK, "{\"status\":\"Rejected\"}", NULL);
	stub_cmd_answer(1, GW_OK, "{\"status\":\"NotSupported\"}", NULL);
	stub_cmd_answer(2, GW_ECLOSED, NULL, NULL);
	expect_var("OcppgwConfigPush", "MeterValueSampleInterval", "Actual", "Rejected");
	expect_var("OcppgwConfigPush", "MeterValuesSampledData", "Actual", "NotSupported");
	expect_var("OcppgwConfigPush", "ClockAlignedDataInterval", "Actual", "Closed");
	CU_ASSERT_PTR_NULL(find_var("", "MeterValueSampleInterval", "Actual"));
}

/* A full command queue does not change the boot answer (and leaks nothing:
 * ASan checks that the per-command state was freed). */
static void test_push_queue_full(void)
{
	stub_cmd_rc = GW_EBUSY;
	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_OK);
	FX_EXPECT_RESPONSE("BootNotification",
			   "{\"status\":\"Accepted\",\"currentTime\":\"" FX_T0 "\",\"interval\":300}");
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
	CU_ASSERT_EQUAL(fx.registration, REG_ACCEPTED);
}

static void test_boot_domain_error(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(fx_call("BootNotification", BOOT_FULL), GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
	CU_ASSERT_EQUAL(fx.registration, REG_PENDING); /* unchanged */
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
}

static void test_heartbeat(void)
{
	CU_ASSERT_EQUAL(fx_call("Heartbeat", "{}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.last, "domain_heartbeat");
	FX_EXPECT_RESPONSE("Heartbeat", "{\"currentTime\":\"" FX_T0 "\"}");
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(fx_call("Heartbeat", "{}"), GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
}

int test_boot_register(void)
{
	static CU_TestInfo tests[] = {
		{"Accepted: report, answer, registration, 4 commands", test_accepted},
		{"chargeBoxSerialNumber only when no chargePointSerialNumber", test_box_serial_fallback},
		{"Pending and Rejected: no push, interval >= 0", test_pending_and_rejected},
		{"push_config_on_boot = 0", test_push_off},
		{"push answers: Target, outcome, Actual on Accepted", test_push_answers_recorded},
		{"push answers: Rejected, NotSupported, Closed", test_push_rejected_and_not_supported},
		{"queue full: boot still Accepted", test_push_queue_full},
		{"domain error: no answer, registration kept", test_boot_domain_error},
		{"Heartbeat", test_heartbeat},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 BootNotification", tests);
}
