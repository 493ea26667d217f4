/* SPDX-License-Identifier: MIT
 *
 * test_meter.c - MeterValues and the sample translation both messages
 * share: unit + multiplier normalization, contexts, phases, locations,
 * signed values, one timestamp per meterValue, and units that do not fit
 * kept unjudged instead of refused.
 */
#include <math.h>

#include "common/gw_err.h"
#include "test_v201.h"

static const char *const meter_req =
	"{\"evseId\":1,\"meterValue\":["
	"{\"timestamp\":\"2026-01-01T00:15:00Z\",\"sampledValue\":["
	"{\"value\":1.5,\"measurand\":\"Energy.Active.Import.Register\",\"context\":\"Sample.Clock\","
	"\"unitOfMeasure\":{\"unit\":\"kWh\"}},"
	"{\"value\":7,\"measurand\":\"Power.Active.Import\",\"unitOfMeasure\":{\"unit\":\"kW\"},"
	"\"phase\":\"L1-N\",\"location\":\"Outlet\"},"
	"{\"value\":16,\"measurand\":\"Current.Import\",\"phase\":\"L1\"},"
	"{\"value\":2,\"measurand\":\"Energy.Active.Import.Register\",\"unitOfMeasure\":{\"unit\":\"Wh\",\"multiplier\":3}},"
	"{\"value\":4500,\"measurand\":\"Energy.Active.Import.Register\",\"unitOfMeasure\":{\"unit\":\"kWh\",\"multiplier\":-3}},"
	"{\"value\":55,\"measurand\":\"SoC\",\"unitOfMeasure\":{\"unit\":\"Percent\"},\"location\":\"EV\"},"
	"{\"value\":3,\"measurand\":\"Energy.Active.Import.Register\",\"unitOfMeasure\":{\"unit\":\"A\"}},"
	"{\"value\":50,\"measurand\":\"Frequency\",\"unitOfMeasure\":{\"unit\":\"Hz\"}}]},"
	"{\"timestamp\":\"2026-01-01T00:30:00Z\",\"sampledValue\":["
	"{\"value\":1600,\"signedMeterValue\":{\"signedMeterData\":\"abc\",\"signingMethod\":\"ECDSA\","
	"\"encodingMethod\":\"OCMF\",\"publicKey\":\"pk\"}}]}]}";

static void check(size_t i, enum measurand m, enum reading_ctx c, double v, int64_t at_ms)
{
	const struct meter_sample *s = &stub.samples[i];

	CU_ASSERT_EQUAL(s->measurand, m);
	CU_ASSERT_EQUAL(s->context, c);
	CU_ASSERT(fabs(s->value - v) < 1e-9 * (fabs(v) + 1));
	CU_ASSERT_EQUAL(s->pile_ms, at_ms);
	CU_ASSERT_EQUAL(s->evse_id, 1);
	CU_ASSERT_EQUAL(s->connector_id, 0);
}

static void t_meter_values(void)
{
	const int64_t t15 = T_NOW_MS + 900000, t30 = T_NOW_MS + 1800000;

	CU_ASSERT_EQUAL_FATAL(h_run("MeterValues", meter_req), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{}");
	CU_ASSERT_EQUAL(stub.meter_calls, 1);
	CU_ASSERT_EQUAL(stub.mv_tx_id, 0);
	CU_ASSERT_STRING_EQUAL(stub.mv_pile_tx, "");
	CU_ASSERT_EQUAL_FATAL(stub.n_samples, 9);
	check(0, MEAS_ENERGY_IMPORT_WH, CTX_SAMPLE_CLOCK, 1500, t15);  /* kWh */
	check(1, MEAS_POWER_IMPORT_W, CTX_SAMPLE_PERIODIC, 7000, t15);  /* kW */
	CU_ASSERT_STRING_EQUAL(stub.samples[1].phase, "L1-N");
	CU_ASSERT_STRING_EQUAL(stub.samples[1].location, "Outlet");
	check(2, MEAS_CURRENT_IMPORT_A, CTX_SAMPLE_PERIODIC, 16, t15); /* no unit: A */
	CU_ASSERT_STRING_EQUAL(stub.samples[2].unit_raw, "");
	check(3, MEAS_ENERGY_IMPORT_WH, CTX_SAMPLE_PERIODIC, 2000, t15); /* Wh x 10^3 */
	check(4, MEAS_ENERGY_IMPORT_WH, CTX_SAMPLE_PERIODIC, 4500, t15); /* kWh x 10^-3 */
	check(5, MEAS_SOC_PCT, CTX_SAMPLE_PERIODIC, 55, t15);
	CU_ASSERT_STRING_EQUAL(stub.samples[5].location, "EV");
	/* energy in amperes: kept as sent, not judged */
	check(6, MEAS_OTHER, CTX_SAMPLE_PERIODIC, 3, t15);
	CU_ASSERT_STRING_EQUAL(stub.samples[6].measurand_raw, "Energy.Active.Import.Register");
	CU_ASSERT_STRING_EQUAL(stub.samples[6].unit_raw, "A");
	check(7, MEAS_OTHER, CTX_SAMPLE_PERIODIC, 50, t15);
	CU_ASSERT_STRING_EQUAL(stub.samples[7].measurand_raw, "Frequency");
	/* defaults: the energy register in Wh; signed data flagged */
	check(8, MEAS_ENERGY_IMPORT_WH, CTX_SAMPLE_PERIODIC, 1600, t30);
	CU_ASSERT_STRING_EQUAL(stub.samples[8].measurand_raw, "Energy.Active.Import.Register");
	CU_ASSERT_EQUAL(stub.samples[8].signed_data, 1);
	CU_ASSERT_EQUAL(stub.samples[0].signed_data, 0);
}

static void t_meter_errors(void)
{
	/* a multiplier outside what meter_normalize applies: kept raw, unjudged */
	CU_ASSERT_EQUAL_FATAL(h_run("MeterValues",
				    "{\"evseId\":2,\"meterValue\":[{\"timestamp\":\"2026-01-01T00:00:00Z\","
				    "\"sampledValue\":[{\"value\":7,\"unitOfMeasure\":{\"multiplier\":40}}]}]}"),
			      GW_OK);
	CU_ASSERT_EQUAL_FATAL(stub.n_samples, 1);
	CU_ASSERT_EQUAL(stub.samples[0].measurand, MEAS_OTHER);
	CU_ASSERT(stub.samples[0].value == 7);
	CU_ASSERT_EQUAL(stub.samples[0].evse_id, 2);
	/* the domain's storage failure reaches the dispatcher */
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(h_run("MeterValues", meter_req), GW_ESTORE);
}

int test_meter_register(void)
{
	static CU_TestInfo tests[] = {
		{"MeterValues: units, contexts, phases, signed, timestamps", t_meter_values},
		{"MeterValues: bad multiplier kept, store error", t_meter_errors},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 meter", tests);
}
