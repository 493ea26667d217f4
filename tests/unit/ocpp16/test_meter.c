/* SPDX-License-Identifier: MIT
 * test_meter.c - MeterValues: unit normalization, spec defaults, values
 * kept unjudged (not decimal, SignedData, unit not fitting), layout. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_v16.h"

#define T1 "2026-11-25T17:59:00Z"

/* One sampledValue object text -> the payload around it. */
static int call_one(const char *sampled_value)
{
	char payload[1024];

	snprintf(payload, sizeof(payload),
		 "{\"connectorId\":1,\"transactionId\":42,\"meterValue\":[{\"timestamp\":\"" T1
		 "\",\"sampledValue\":[%s]}]}",
		 sampled_value);
	return fx_call("MeterValues", payload);
}

static void test_kwh_to_wh_and_defaults(void)
{
	const struct meter_sample *s = &stub.samples[0];

	CU_ASSERT_EQUAL(call_one("{\"value\":\"1.5\",\"unit\":\"kWh\"}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.last, "domain_meter_values");
	CU_ASSERT_EQUAL_FATAL(stub.n_samples, 1);
	CU_ASSERT_EQUAL(stub.mv_tx_id, 42);
	CU_ASSERT_STRING_EQUAL(stub.mv_pile_tx_id, "");
	CU_ASSERT_EQUAL(s->measurand, MEAS_ENERGY_IMPORT_WH); /* default measurand */
	CU_ASSERT_EQUAL(s->context, CTX_SAMPLE_PERIODIC);     /* default context */
	CU_ASSERT_DOUBLE_EQUAL(s->value, 1500.0, 1e-9);
	CU_ASSERT_STRING_EQUAL(s->measurand_raw, ""); /* as sent */
	CU_ASSERT_STRING_EQUAL(s->unit_raw, "kWh");
	CU_ASSERT_EQUAL(s->pile_ms, fx_ms(T1));
	CU_ASSERT_EQUAL(s->evse_id, 1);
	CU_ASSERT_EQUAL(s->connector_id, 1);
	CU_ASSERT_EQUAL(s->signed_data, 0);
	CU_ASSERT_STRING_EQUAL(s->phase, "");
	CU_ASSERT_STRING_EQUAL(s->location, "");
	FX_EXPECT_RESPONSE("MeterValues", "{}");
}

/* No unit: the measurand's own (Wh for energy). */
static void test_default_unit(void)
{
	CU_ASSERT_EQUAL(call_one("{\"value\":\"12345\"}"), GW_OK);
	CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_ENERGY_IMPORT_WH);
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[0].value, 12345.0, 1e-9);
}

static void test_power_current_soc(void)
{
	CU_ASSERT_EQUAL(
		call_one("{\"value\":\"7.4\",\"measurand\":\"Power.Active.Import\",\"unit\":\"kW\","
			 "\"context\":\"Sample.Clock\"},"
			 "{\"value\":\"16.2\",\"measurand\":\"Current.Import\",\"unit\":\"A\","
			 "\"phase\":\"L1\",\"location\":\"Outlet\"},"
			 "{\"value\":\"80\",\"measurand\":\"SoC\",\"unit\":\"Percent\",\"location\":\"EV\","
			 "\"context\":\"Transaction.End\"}"),
		GW_OK);
	CU_ASSERT_EQUAL_FATAL(stub.n_samples, 3);
	CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_POWER_IMPORT_W);
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[0].value, 7400.0, 1e-9);
	CU_ASSERT_EQUAL(stub.samples[0].context, CTX_SAMPLE_CLOCK);
	CU_ASSERT_STRING_EQUAL(stub.samples[0].measurand_raw, "Power.Active.Import");
	CU_ASSERT_EQUAL(stub.samples[1].measurand, MEAS_CURRENT_IMPORT_A);
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[1].value, 16.2, 1e-9);
	CU_ASSERT_STRING_EQUAL(stub.samples[1].phase, "L1");
	CU_ASSERT_STRING_EQUAL(stub.samples[1].location, "Outlet");
	CU_ASSERT_EQUAL(stub.samples[2].measurand, MEAS_SOC_PCT);
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[2].value, 80.0, 1e-9);
	CU_ASSERT_EQUAL(stub.samples[2].context, CTX_TX_END);
	CU_ASSERT_STRING_EQUAL(stub.samples[2].location, "EV");
}

/* A value that is no plain decimal is kept, unjudged, and is no error. */
static void test_unparsable_kept_unjudged(void)
{
	static const char *const bad[] = {"abc", "", " 1.5", "1.5 ", "0x10", "inf", "nan",
					  "1,5", "1e", "-", ".", "1e999", "+-1"};
	char sv[96];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(sv, sizeof(sv), "{\"value\":\"%s\",\"unit\":\"kWh\"}", bad[i]);
		CU_ASSERT_EQUAL(call_one(sv), GW_OK);
		CU_ASSERT_EQUAL(stub.n_samples, 1);
		if (stub.samples[0].measurand != MEAS_OTHER)
			fprintf(stderr, "\n'%s' was judged\n", bad[i]);
		CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_OTHER);
		CU_ASSERT_DOUBLE_EQUAL(stub.samples[0].value, 0.0, 0);
		CU_ASSERT_STRING_EQUAL(stub.samples[0].unit_raw, "kWh");
		FX_EXPECT_RESPONSE("MeterValues", "{}");
	}
}

static void test_decimal_forms(void)
{
	static const struct {
		const char *text;
		double wh;
	} good[] = {{"-3", -3}, {"+2.5", 2.5}, {"1e3", 1000}, {"2.5E-1", 0.25}, {".5", 0.5},
		    {"5.", 5},  {"007", 7}};
	char sv[96];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(sv, sizeof(sv), "{\"value\":\"%s\"}", good[i].text);
		CU_ASSERT_EQUAL(call_one(sv), GW_OK);
		CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_ENERGY_IMPORT_WH);
		CU_ASSERT_DOUBLE_EQUAL(stub.samples[0].value, good[i].wh, 1e-9);
	}
}

static void test_signed_data(void)
{
	CU_ASSERT_EQUAL(call_one("{\"value\":\"AP;0;3;ALCV3ABBBISHMA2RYEGAZE3HV5YQBQRQAEHJR\","
				 "\"format\":\"SignedData\",\"unit\":\"Wh\"},"
				 "{\"value\":\"100\",\"format\":\"Raw\"}"),
			GW_OK);
	CU_ASSERT_EQUAL_FATAL(stub.n_samples, 2);
	CU_ASSERT_EQUAL(stub.samples[0].signed_data, 1);
	CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_OTHER);
	CU_ASSERT_EQUAL(stub.samples[1].signed_data, 0);
	CU_ASSERT_EQUAL(stub.samples[1].measurand, MEAS_ENERGY_IMPORT_WH);
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[1].value, 100.0, 1e-9);
}

/* An energy in amperes cannot be judged as energy: kept raw, MEAS_OTHER. */
static void test_unit_not_fitting(void)
{
	CU_ASSERT_EQUAL(call_one("{\"value\":\"3\",\"measurand\":\"Energy.Active.Import.Register\","
				 "\"unit\":\"A\"}"),
			GW_OK);
	CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_OTHER);
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[0].value, 3.0, 1e-9);
	CU_ASSERT_STRING_EQUAL(stub.samples[0].measurand_raw, "Energy.Active.Import.Register");
	/* a measurand we do not judge keeps its value as sent */
	CU_ASSERT_EQUAL(call_one("{\"value\":\"21.5\",\"measurand\":\"Temperature\","
				 "\"unit\":\"Celsius\"}"),
			GW_OK);
	CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_OTHER);
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[0].value, 21.5, 1e-9);
	CU_ASSERT_STRING_EQUAL(stub.samples[0].measurand_raw, "Temperature");
}

/* Several meterValue entries: each sample carries its entry's time. */
static void test_several_entries_no_tx(void)
{
	CU_ASSERT_EQUAL(fx_call("MeterValues",
				"{\"connectorId\":0,\"meterValue\":["
				"{\"timestamp\":\"2026-11-25T17:00:00Z\",\"sampledValue\":"
				"[{\"value\":\"1\"},{\"value\":\"2\",\"measurand\":\"Voltage\",\"unit\":\"V\"}]},"
				"{\"timestamp\":\"2026-11-25T17:15:00Z\",\"sampledValue\":[{\"value\":\"3\"}]}]}"),
			GW_OK);
	CU_ASSERT_EQUAL(stub.mv_tx_id, 0); /* outside a transaction */
	CU_ASSERT_EQUAL_FATAL(stub.n_samples, 3);
	CU_ASSERT_EQUAL(stub.samples[0].pile_ms, fx_ms("2026-11-25T17:00:00Z"));
	CU_ASSERT_EQUAL(stub.samples[1].pile_ms, fx_ms("2026-11-25T17:00:00Z"));
	CU_ASSERT_EQUAL(stub.samples[1].measurand, MEAS_VOLTAGE_V);
	CU_ASSERT_EQUAL(stub.samples[2].pile_ms, fx_ms("2026-11-25T17:15:00Z"));
	CU_ASSERT_DOUBLE_EQUAL(stub.samples[2].value, 3.0, 1e-9);
	CU_ASSERT_EQUAL(stub.samples[2].connector_id, 0);
	FX_EXPECT_RESPONSE("MeterValues", "{}");
}

static void test_meter_domain_error(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(call_one("{\"value\":\"1\"}"), GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
}

int test_meter_register(void)
{
	static CU_TestInfo tests[] = {
		{"kWh 1.5 -> 1500 Wh, default measurand and context", test_kwh_to_wh_and_defaults},
		{"no unit: the measurand's own", test_default_unit},
		{"kW -> W, A, Percent, phase, location, context", test_power_current_soc},
		{"not a decimal: kept, MEAS_OTHER, no error", test_unparsable_kept_unjudged},
		{"decimal forms accepted", test_decimal_forms},
		{"SignedData flagged and not judged", test_signed_data},
		{"unit not fitting the measurand / other measurand", test_unit_not_fitting},
		{"several entries, connector 0, no transaction", test_several_entries_no_tx},
		{"domain error is returned", test_meter_domain_error},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 MeterValues", tests);
}
