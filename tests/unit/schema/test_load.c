/* SPDX-License-Identifier: MIT
 *
 * test_load.c - loading schema sets: the fixture directories under
 * tests/unit/schema/fixtures/, every class of bad schema (each must fail
 * the load with the file and the cause in the message), an allocation
 * failure sweep, and the real schemas/ocpp1.6 and schemas/ocpp2.0.1 once
 * they exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_schema.h"

#define FIXTURES "tests/unit/schema/fixtures"

/* ctest runs us in the source dir; OCPPGW_SOURCE_DIR says so explicitly. */
static void src_path(char *buf, size_t len, const char *rel)
{
	const char *top = getenv("OCPPGW_SOURCE_DIR");

	snprintf(buf, len, "%s/%s", top && *top ? top : ".", rel);
}

static int load(const char *rel, struct schema_set **set, char *err, size_t errlen)
{
	char dir[1024];

	src_path(dir, sizeof(dir), rel);
	return schema_set_load(dir, set, err, errlen);
}

/* Validate payload against s and assert the code; says why on a miss. */
static void expect_valid(const struct schema *s, const char *payload, int want)
{
	struct json_object *o = NULL;
	struct schema_error err;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(gw_json_parse(payload, strlen(payload), GW_JSON_DEPTH, &o), GW_OK);
	rc = schema_validate(s, o, &err);
	if (rc != want)
		fprintf(stderr, "\n%s: got %d '%s' at '%s', want %d\n", schema_name(s), rc, err.message,
			err.path, want);
	CU_ASSERT_EQUAL(rc, want);
	json_object_put(o);
}

static void test_good_dir(void)
{
	struct schema_set *set = NULL;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(load(FIXTURES "/good", &set, err, sizeof(err)), GW_OK);
	CU_ASSERT_STRING_EQUAL(err, "");
	/* README.txt and the hidden .editor-swap.json are not schemas */
	CU_ASSERT_EQUAL(schema_set_count(set), 5);
	CU_ASSERT_PTR_NOT_NULL(schema_find(set, "A"));
	CU_ASSERT_PTR_NOT_NULL(schema_find(set, "A-b"));
	CU_ASSERT_PTR_NOT_NULL(schema_find(set, "BootNotificationResponse"));
	CU_ASSERT_PTR_NULL(schema_find(set, "BootNotificationResponse.json"));
	CU_ASSERT_PTR_NULL(schema_find(set, "README"));
	expect_valid(schema_find(set, "BootNotificationRequest"),
				      "{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"M\","
				      "\"vendorName\":\"V\",\"modem\":{\"iccid\":\"8931\"}}}", GW_OK);
	expect_valid(schema_find(set, "BootNotificationRequest"),
				      "{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"M\","
				      "\"vendorName\":\"V\",\"modem\":{\"iccid\":\"123456789012345678901\"}}}", GW_ECONSTRAINT);
	schema_set_free(set);
	schema_set_free(NULL);
	CU_ASSERT_EQUAL(schema_set_count(NULL), 0);
}

static void test_empty_and_missing_dir(void)
{
	struct schema_set *set = (struct schema_set *)1;
	char err[256];

	CU_ASSERT_EQUAL(load(FIXTURES "/empty", &set, err, sizeof(err)), GW_OK);
	CU_ASSERT_EQUAL(schema_set_count(set), 0);
	CU_ASSERT_PTR_NULL(schema_find(set, "A"));
	schema_set_free(set);
	set = (struct schema_set *)1;
	CU_ASSERT_EQUAL(load(FIXTURES "/no-such-dir", &set, err, sizeof(err)), GW_EIO);
	CU_ASSERT_PTR_NULL(set);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no-such-dir"));
	CU_ASSERT_EQUAL(schema_set_load(NULL, &set, err, sizeof(err)), GW_EINVAL);
	CU_ASSERT_EQUAL(schema_set_load(".", NULL, err, sizeof(err)), GW_EINVAL);
	/* err is optional */
	CU_ASSERT_EQUAL(load(FIXTURES "/no-such-dir", &set, NULL, 0), GW_EIO);
}

static void expect_dir_error(const char *rel, int rc, const char *must1, const char *must2)
{
	struct schema_set *set = (struct schema_set *)1;
	char err[256];

	CU_ASSERT_EQUAL(load(rel, &set, err, sizeof(err)), rc);
	CU_ASSERT_PTR_NULL(set);
	if (!strstr(err, must1) || !strstr(err, must2))
		fprintf(stderr, "\nmessage '%s' lacks '%s' / '%s'\n", err, must1, must2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, must1));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, must2));
}

static void test_bad_dirs(void)
{
	expect_dir_error(FIXTURES "/bad_keyword", GW_ECONFIG, "AuthorizeRequest.json: #/properties/idTag",
			 "unknown keyword 'maxLenght'");
	expect_dir_error(FIXTURES "/bad_ref", GW_ECONFIG, "X.json: #/properties/a",
			 "dangling $ref '#/definitions/Missing'");
	expect_dir_error(FIXTURES "/bad_json", GW_ECONFIG, "Y.json", "not valid JSON");
}

struct bad_row {
	const char *schema;
	const char *must; /* substring of the error message */
};

static const struct bad_row bad[] = {
	{"{\"type\":\"object\",\"exclusiveMinimum\":1}", "#: unknown keyword 'exclusiveMinimum'"},
	{"{\"type\":\"object\",\"id\":\"urn:x\"}", "unknown keyword 'id'"},
	{"{\"type\":[\"string\",\"null\"]}", "type must be a single string"},
	{"{\"type\":\"null\"}", "unsupported type 'null'"},
	{"{\"type\":\"Object\"}", "unsupported type 'Object'"},
	{"{\"type\":\"integer\",\"maxLength\":3}", "'maxLength' does not apply to type integer"},
	{"{\"type\":\"string\",\"minimum\":3}", "'minimum' does not apply to type string"},
	{"{\"type\":\"string\",\"items\":{}}", "'items' does not apply to type string"},
	{"{\"type\":\"integer\",\"enum\":[\"1\"]}", "'enum' does not apply to type integer"},
	{"{\"properties\":{}}", "'properties' needs a \"type\""},
	{"{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]}",
	 "required 'b' is not in properties"},
	{"{\"type\":\"object\",\"required\":[\"a\"]}", "required 'a' is not in properties"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":\"a\"}", "'required' must be"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"a\",\"a\"]}", "'required' must be"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[1]}", "'required' must be"},
	{"{\"type\":\"string\",\"enum\":[]}", "'enum' must be a non-empty array"},
	{"{\"type\":\"string\",\"enum\":[\"a\",1]}", "'enum' must be a non-empty array"},
	{"{\"type\":\"string\",\"enum\":[\"a\",\"a\"]}", "'enum' must be a non-empty array"},
	{"{\"type\":\"string\",\"format\":\"email\"}", "unsupported format 'email'"},
	{"{\"type\":\"string\",\"format\":1}", "'format' must be a string"},
	{"{\"type\":\"string\",\"minLength\":-1}", "'minLength' must be a non-negative integer"},
	{"{\"type\":\"string\",\"maxLength\":1.5}", "'maxLength' must be a non-negative integer"},
	{"{\"type\":\"string\",\"maxLength\":\"3\"}", "'maxLength' must be a non-negative integer"},
	{"{\"type\":\"array\",\"minItems\":4294967296}", "'minItems' must be a non-negative integer"},
	{"{\"type\":\"integer\",\"minimum\":\"0\"}", "'minimum' must be a number"},
	{"{\"type\":\"string\",\"minLength\":3,\"maxLength\":2}", "minLength is above maxLength"},
	{"{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}", "minItems is above maxItems"},
	{"{\"type\":\"number\",\"minimum\":3,\"maximum\":2.5}", "minimum is above maximum"},
	{"{\"type\":\"object\",\"additionalProperties\":{}}", "'additionalProperties' must be true or false"},
	{"{\"type\":\"array\",\"items\":[{}]}", "#/items: a schema must be a JSON object"},
	{"{\"type\":\"object\",\"properties\":{\"a\":true}}", "#/properties/a: a schema must be a JSON object"},
	{"[]", "#: a schema must be a JSON object"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"other.json#/definitions/X\"}}}",
	 "unsupported $ref 'other.json#/definitions/X'"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/definitions/A/b\"}},"
	 "\"definitions\":{\"A\":{}}}",
	 "unsupported $ref"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/definitions/\"}}}", "unsupported $ref"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":7}}}", "$ref must be a string"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/definitions/A\",\"type\":\"string\"}},"
	 "\"definitions\":{\"A\":{}}}",
	 "#/properties/a: 'type' beside $ref is not supported"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/definitions/Nope\"}}}",
	 "dangling $ref '#/definitions/Nope'"},
	{"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"definitions\":{}}}}",
	 "'definitions' is only allowed at the top level"},
	{"{\"type\":\"object\",\"definitions\":[]}", "definitions must be an object"},
	{"{\"type\":\"object\",\"definitions\":{\"A\":{\"$ref\":\"#/definitions/B\"},"
	 "\"B\":{\"$ref\":\"#/definitions/A\"}}}",
	 "$ref cycle through #/definitions/"},
	{"{\"type\":\"object\",\"definitions\":{\"A\":{\"$ref\":\"#/definitions/A\"}}}",
	 "$ref cycle through #/definitions/A"},
	/* an unused definition is still checked, with its pointer */
	{"{\"type\":\"object\",\"definitions\":{\"Foo\":{\"type\":\"object\",\"properties\":"
	 "{\"x\":{\"type\":\"string\",\"pattern\":\"^a\"}}}}}",
	 "T: #/definitions/Foo/properties/x: unknown keyword 'pattern'"},
	{"{\"type\":\"object\",}", "T: not valid JSON"},
	{"{\"type\":\"object\"} {}", "T: not valid JSON"},
	{"", "T: not valid JSON"},
};

static void test_bad_schemas(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct schema_set *set = NULL;
		char err[256] = "";
		int rc = schema_set_load_mem("T", bad[i].schema, strlen(bad[i].schema), &set, err, sizeof(err));
		if (rc != GW_ECONFIG || !strstr(err, bad[i].must))
			fprintf(stderr, "\nbad %zu: %s -> %d '%s', want '%s'\n", i, bad[i].schema, rc, err,
				bad[i].must);
		CU_ASSERT_EQUAL(rc, GW_ECONFIG);
		CU_ASSERT_PTR_NULL(set);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].must));
	}
}

/* What JSON Schema allows and our schemas use must load. */
static void test_good_schemas(void)
{
	static const char *const good[] = {
		"{}",
		"{\"type\":\"object\",\"properties\":{}}",
		"{\"type\":\"string\",\"additionalProperties\":false,\"enum\":[\"A\"]}", /* 2.0.1 enums */
		"{\"$ref\":\"#/definitions/R\",\"definitions\":{\"R\":{\"type\":\"object\"}},\"title\":\"t\"}",
		"{\"type\":\"object\",\"definitions\":{\"A\":{\"$ref\":\"#/definitions/B\"},"
		"\"B\":{\"$ref\":\"#/definitions/C\"},\"C\":{\"type\":\"integer\"}},"
		"\"properties\":{\"x\":{\"$ref\":\"#/definitions/A\"}}}",
		"{\"type\":\"integer\",\"minimum\":-1.5,\"maximum\":1e3}",
		"{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{}}}",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct schema_set *set = NULL;
		char err[256] = "";
		int rc = schema_set_load_mem("T", good[i], strlen(good[i]), &set, err, sizeof(err));
		if (rc)
			fprintf(stderr, "\ngood %zu: %s\n", i, err);
		CU_ASSERT_EQUAL(rc, GW_OK);
		CU_ASSERT_EQUAL(schema_set_count(set), 1);
		schema_set_free(set);
	}
}

/* Fail every allocation in turn: each attempt must fail cleanly (ASan
 * reports any leak at exit) until one succeeds. */
static void test_alloc_sweep(void)
{
	struct schema_set *set = NULL;
	char err[256];
	int rc = GW_ENOMEM;
	long n;

	for (n = 1; n < 10000 && rc == GW_ENOMEM; n++) {
		gw_alloc_fail_after(n);
		rc = load(FIXTURES "/good", &set, err, sizeof(err));
		if (rc == GW_ENOMEM) {
			CU_ASSERT_PTR_NULL(set);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of memory"));
		}
	}
	gw_alloc_fail_after(0);
	CU_ASSERT_EQUAL(rc, GW_OK);
	CU_ASSERT_TRUE(n > 5);
	CU_ASSERT_EQUAL(schema_set_count(set), 5);

	/* validating allocates nothing */
	gw_alloc_fail_after(1);
	expect_valid(schema_find(set, "BootNotificationResponse"),
				      "{\"currentTime\":\"2026-11-25T18:00:00Z\",\"interval\":300,"
				      "\"status\":\"Accepted\"}", GW_OK);
	CU_ASSERT_EQUAL(gw_alloc_count(), 0);
	gw_alloc_fail_after(0);
	schema_set_free(set);
}

/* schemas/ocpp1.6 and schemas/ocpp2.0.1 are written by colleagues; until
 * they land (directory missing or empty) this test only says so. */
static void check_real_dir(const char *rel, int min, int exact, const char *boot_payload)
{
	struct schema_set *set = NULL;
	char err[512];
	int rc;

	rc = load(rel, &set, err, sizeof(err));
	if (rc == GW_EIO || (rc == GW_OK && schema_set_count(set) == 0)) {
		fprintf(stderr, "\n  SKIP: %s missing or empty, not checked yet ", rel);
		CU_PASS("schema directory not there yet");
		schema_set_free(set);
		return;
	}
	if (rc)
		fprintf(stderr, "\n%s: %s\n", rel, err);
	CU_ASSERT_EQUAL_FATAL(rc, GW_OK);
	if (schema_set_count(set) < min || (exact && schema_set_count(set) != exact))
		fprintf(stderr, "\n%s: %d schemas\n", rel, schema_set_count(set));
	CU_ASSERT_TRUE(schema_set_count(set) >= min);
	if (exact)
		CU_ASSERT_EQUAL(schema_set_count(set), exact);
	expect_valid(schema_find(set, "BootNotificationRequest"), boot_payload, GW_OK);
	expect_valid(schema_find(set, "BootNotificationRequest"), "{}", GW_EOCCURRENCE);
	CU_ASSERT_PTR_NOT_NULL(schema_find(set, "HeartbeatRequest"));
	CU_ASSERT_PTR_NOT_NULL(schema_find(set, "HeartbeatResponse"));
	schema_set_free(set);
}

#define MV16                                                                                   \
	"{\"connectorId\":1,\"transactionId\":1234,\"meterValue\":[{\"timestamp\":"                 \
	"\"2026-11-25T18:00:00.000Z\",\"sampledValue\":[{\"value\":\"12345.6\",\"context\":"        \
	"\"Sample.Periodic\",\"measurand\":\"Energy.Active.Import.Register\",\"unit\":\"Wh\"}]}]}"
#define TE201                                                                                  \
	"{\"eventType\":\"Updated\",\"timestamp\":\"2026-11-25T18:00:00.000Z\",\"triggerReason\":"   \
	"\"MeterValuePeriodic\",\"seqNo\":17,\"transactionInfo\":{\"transactionId\":\"tx-1\","       \
	"\"chargingState\":\"Charging\"},\"evse\":{\"id\":1,\"connectorId\":1},\"meterValue\":"     \
	"[{\"timestamp\":\"2026-11-25T18:00:00.000Z\",\"sampledValue\":[{\"value\":12345.6}]}]}"

static void test_real_schemas(void)
{
	struct schema_set *set = NULL;
	char err[256];

	check_real_dir("schemas/ocpp1.6", 78, 0,
		       "{\"chargePointVendor\":\"Vendor\",\"chargePointModel\":\"Model\"}");
	check_real_dir("schemas/ocpp2.0.1", 128, 128,
		       "{\"reason\":\"PowerUp\",\"chargingStation\":{\"model\":\"M\",\"vendorName\":\"V\"}}");
	/* typical traffic, and the path a pile would be told about */
	if (load("schemas/ocpp1.6", &set, err, sizeof(err)) == GW_OK && schema_set_count(set)) {
		expect_valid(schema_find(set, "MeterValuesRequest"), MV16, GW_OK);
		expect_valid(schema_find(set, "StartTransactionRequest"),
			     "{\"connectorId\":1,\"idTag\":\"04A2B3C4D5E6F7\",\"meterStart\":0,"
			     "\"timestamp\":\"2026-11-25T18:00:00Z\"}",
			     GW_OK);
		expect_valid(schema_find(set, "StartTransactionRequest"),
			     "{\"connectorId\":1,\"idTag\":\"123456789012345678901\",\"meterStart\":0,"
			     "\"timestamp\":\"2026-11-25T18:00:00Z\"}",
			     GW_ECONSTRAINT);
	}
	schema_set_free(set);
	set = NULL;
	if (load("schemas/ocpp2.0.1", &set, err, sizeof(err)) == GW_OK && schema_set_count(set)) {
		expect_valid(schema_find(set, "TransactionEventRequest"), TE201, GW_OK);
		expect_valid(schema_find(set, "TransactionEventRequest"),
			     "{\"eventType\":\"Sideways\",\"timestamp\":\"2026-11-25T18:00:00Z\","
			     "\"triggerReason\":\"Authorized\",\"seqNo\":0,\"transactionInfo\":"
			     "{\"transactionId\":\"t\"}}",
			     GW_ECONSTRAINT);
	}
	schema_set_free(set);
}

int test_load_register(void)
{
	static CU_TestInfo tests[] = {
		{"fixture directory", test_good_dir},
		{"empty and missing directory", test_empty_and_missing_dir},
		{"bad files name file and cause", test_bad_dirs},
		{"bad schemas fail the load", test_bad_schemas},
		{"unusual but valid schemas load", test_good_schemas},
		{"allocation failure sweep", test_alloc_sweep},
		{"real schemas/ocpp1.6 and ocpp2.0.1", test_real_schemas},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("schema load", tests);
}
