/* SPDX-License-Identifier: MIT
 *
 * test_paths.c - the field path and error struct schema_validate reports:
 * nested arrays and objects, required and additional members, hostile keys,
 * a NULL err, first violation wins.
 */
#include <string.h>

#include "common/gw_err.h"
#include "test_schema.h"

static const char meter[] =
	"{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"connectorId\",\"meterValue\"],"
	"\"properties\":{\"connectorId\":{\"type\":\"integer\",\"minimum\":0},"
	"\"meterValue\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":\"object\","
	"\"required\":[\"timestamp\",\"sampledValue\"],\"properties\":{"
	"\"timestamp\":{\"type\":\"string\",\"format\":\"date-time\"},"
	"\"sampledValue\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"value\"],"
	"\"additionalProperties\":false,\"properties\":{\"value\":{\"type\":\"string\"},"
	"\"unit\":{\"type\":\"string\",\"enum\":[\"Wh\",\"kWh\"]}}}}}}}}}";

#define MV0 "{\"timestamp\":\"2026-11-25T18:00:00Z\",\"sampledValue\":[{\"value\":\"1\"}]}"

static void expect(const char *payload, int rc, const char *path, const char *message)
{
	struct schema_error err;

	CU_ASSERT_EQUAL(test_check(meter, payload, &err), rc);
	CU_ASSERT_EQUAL(err.code, rc);
	CU_ASSERT_STRING_EQUAL(err.path, path);
	CU_ASSERT_STRING_EQUAL(err.message, message);
}

static void test_nested_paths(void)
{
	expect("{\"connectorId\":1,\"meterValue\":[" MV0 "]}", GW_OK, "", "");
	expect("{\"connectorId\":1,\"meterValue\":[" MV0 ",{\"timestamp\":\"2026-11-25T18:00:00Z\","
	       "\"sampledValue\":[{\"value\":\"1\"},{\"value\":2}]}]}",
	       GW_ETYPE, "meterValue[1].sampledValue[1].value", "expected string");
	expect("{\"connectorId\":1,\"meterValue\":[" MV0 ",{\"timestamp\":\"2026-11-25T18:00:00Z\","
	       "\"sampledValue\":[{\"value\":\"1\",\"unit\":\"MWh\"}]}]}",
	       GW_ECONSTRAINT, "meterValue[1].sampledValue[0].unit", "'MWh' is not one of the allowed values");
	expect("{\"connectorId\":1,\"meterValue\":[{\"sampledValue\":[]}]}", GW_EOCCURRENCE,
	       "meterValue[0].timestamp", "required");
	expect("{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"2026-13-01T00:00:00Z\","
	       "\"sampledValue\":[]}]}",
	       GW_ECONSTRAINT, "meterValue[0].timestamp", "not a valid date-time");
	expect("{\"connectorId\":1,\"meterValue\":[" MV0 "],\"extra\":true}", GW_ECONSTRAINT, "extra",
	       "not allowed");
	expect("{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"2026-11-25T18:00:00Z\","
	       "\"sampledValue\":[{\"value\":\"1\",\"phase\":\"L1\"}]}]}",
	       GW_ECONSTRAINT, "meterValue[0].sampledValue[0].phase", "not allowed");
	expect("{\"meterValue\":[]}", GW_EOCCURRENCE, "connectorId", "required");
	expect("{\"connectorId\":1,\"meterValue\":[]}", GW_EOCCURRENCE, "meterValue", "needs at least 1 item");
	expect("{\"connectorId\":-1,\"meterValue\":[" MV0 "]}", GW_ECONSTRAINT, "connectorId",
	       "less than minimum 0");
	expect("[]", GW_ETYPE, "", "expected object");
}

static void test_hostile_keys(void)
{
	/* control bytes in a pile's key never reach a log line raw */
	expect("{\"connectorId\":1,\"meterValue\":[" MV0 "],\"a\\nb\\u001b\":1}", GW_ECONSTRAINT, "a?b?",
	       "not allowed");
}

static void test_long_path(void)
{
	static const char deep[] =
		"{\"type\":\"object\",\"properties\":{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":"
		"{\"type\":\"object\",\"properties\":{\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\":"
		"{\"type\":\"object\",\"properties\":{\"cccccccccccccccccccccccccccccccccccccccccccccccccc\":"
		"{\"type\":\"integer\"}}}}}}}";
	struct schema_error err;

	CU_ASSERT_EQUAL(test_check(deep,
				   "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":"
				   "{\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\":"
				   "{\"cccccccccccccccccccccccccccccccccccccccccccccccccc\":\"x\"}}}",
				   &err),
			GW_ETYPE);
	/* cut to the buffer, still NUL-terminated */
	CU_ASSERT_EQUAL(strlen(err.path), sizeof(err.path) - 1);
	CU_ASSERT_EQUAL(strncmp(err.path, "aaaaaaaaaa", 10), 0);
}

static void test_err_optional(void)
{
	struct schema_set *set = NULL;
	struct schema_error err;
	char msg[128];

	CU_ASSERT_EQUAL_FATAL(schema_set_load_mem("M", meter, strlen(meter), &set, msg, sizeof(msg)), GW_OK);
	CU_ASSERT_EQUAL(schema_validate(schema_find(set, "M"), NULL, NULL), GW_ETYPE);
	CU_ASSERT_EQUAL(schema_validate(NULL, NULL, &err), GW_EINVAL);
	CU_ASSERT_EQUAL(err.code, GW_EINVAL);
	CU_ASSERT_STRING_EQUAL(schema_name(schema_find(set, "M")), "M");
	CU_ASSERT_PTR_NULL(schema_find(set, "m"));
	CU_ASSERT_PTR_NULL(schema_find(NULL, "M"));
	schema_set_free(set);
}

int test_paths_register(void)
{
	static CU_TestInfo tests[] = {
		{"nested paths and codes", test_nested_paths},
		{"hostile keys are sanitised", test_hostile_keys},
		{"long path is cut", test_long_path},
		{"NULL err, NULL schema, lookups", test_err_optional},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("schema paths", tests);
}
