/* SPDX-License-Identifier: MIT
 *
 * bench_schema.c - what one payload costs: gw_json_parse, schema_validate,
 * and both, for typical 1.6 and 2.0.1 payloads against the real schemas.
 * Not a test: run by hand on a quiet machine, see README.md beside it.
 *
 *   bench_schema [SOURCE_DIR] [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "schema/schema.h"

struct sample {
	const char *dir;    /* under SOURCE_DIR/schemas */
	const char *schema; /* schema name */
	const char *payload;
};

static const struct sample samples[] = {
	{"ocpp1.6", "MeterValuesRequest",
	 "{\"connectorId\":1,\"transactionId\":1234,\"meterValue\":[{\"timestamp\":\"2026-11-25T18:00:00.000Z\","
	 "\"sampledValue\":[{\"value\":\"12345.6\",\"context\":\"Sample.Periodic\",\"measurand\":"
	 "\"Energy.Active.Import.Register\",\"unit\":\"Wh\"},{\"value\":\"7200\",\"context\":"
	 "\"Sample.Periodic\",\"measurand\":\"Power.Active.Import\",\"unit\":\"W\"},{\"value\":\"31.2\","
	 "\"context\":\"Sample.Periodic\",\"measurand\":\"Current.Import\",\"unit\":\"A\",\"phase\":\"L1\"}]}]}"},
	{"ocpp1.6", "StartTransactionRequest",
	 "{\"connectorId\":1,\"idTag\":\"04A2B3C4D5E6F7\",\"meterStart\":123456,"
	 "\"timestamp\":\"2026-11-25T18:00:00Z\"}"},
	{"ocpp2.0.1", "TransactionEventRequest",
	 "{\"eventType\":\"Updated\",\"timestamp\":\"2026-11-25T18:00:00.000Z\",\"triggerReason\":"
	 "\"MeterValuePeriodic\",\"seqNo\":17,\"transactionInfo\":{\"transactionId\":"
	 "\"7f2c1a9e-0d4b-4c1e-9a77-3b2f1c0d9e88\",\"chargingState\":\"Charging\"},\"evse\":{\"id\":1,"
	 "\"connectorId\":1},\"meterValue\":[{\"timestamp\":\"2026-11-25T18:00:00.000Z\",\"sampledValue\":"
	 "[{\"value\":12345.6,\"measurand\":\"Energy.Active.Import.Register\",\"context\":"
	 "\"Sample.Periodic\"},{\"value\":7200,\"measurand\":\"Power.Active.Import\",\"context\":"
	 "\"Sample.Periodic\"}]}]}"},
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench(const char *top, const struct sample *s, long iters)
{
	struct schema_set *set = NULL;
	struct json_object *o = NULL;
	const struct schema *sc;
	char dir[1024], err[256];
	size_t len = strlen(s->payload);
	double t0, parse_ns, valid_ns;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/schemas/%s", top, s->dir);
	t0 = now_ns();
	if (schema_set_load(dir, &set, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%-10s load %d schemas: %.1f ms\n", s->dir, schema_set_count(set), (now_ns() - t0) / 1e6);
	sc = schema_find(set, s->schema);
	if (!sc || gw_json_parse(s->payload, len, GW_JSON_DEPTH, &o) || schema_validate(sc, o, NULL)) {
		fprintf(stderr, "%s: sample does not validate\n", s->schema);
		rc = 1;
		goto out;
	}
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		struct json_object *p = NULL;
		rc |= gw_json_parse(s->payload, len, GW_JSON_DEPTH, &p);
		json_object_put(p);
	}
	parse_ns = (now_ns() - t0) / (double)iters;
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		rc |= schema_validate(sc, o, NULL);
	valid_ns = (now_ns() - t0) / (double)iters;
	printf("%-10s %-26s %4zu bytes: parse %6.2f us, validate %5.2f us\n", s->dir, s->schema, len,
	       parse_ns / 1e3, valid_ns / 1e3);
out:
	json_object_put(o);
	schema_set_free(set);
	return rc;
}

int main(int argc, char **argv)
{
	const char *top = argc > 1 ? argv[1] : ".";
	long iters = argc > 2 ? atol(argv[2]) : 200000;
	int rc = 0;

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		rc |= bench(top, &samples[i], iters);
	return rc ? 1 : 0;
}
