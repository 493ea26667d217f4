/* SPDX-License-Identifier: MIT
 *
 * test_keywords.c - every supported keyword with a passing and a failing
 * payload, each failure with its GW code and message.  Rows are
 * {schema, payload, code, message}; schemas are inline so each row reads
 * on its own.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_schema.h"

struct kw_row {
	const char *schema;
	const char *payload;
	int rc;
	const char *message; /* NULL when rc is GW_OK */
};

static void run_rows(const struct kw_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct schema_error err;
		int rc = test_check(rows[i].schema, rows[i].payload, &err);
		int ok = rc == rows[i].rc && err.code == rc &&
			 (!rows[i].message || !strcmp(err.message, rows[i].message));
		if (!ok)
			fprintf(stderr, "\nrow %zu: %s vs %s: got %d '%s' at '%s', want %d '%s'\n", i,
				rows[i].schema, rows[i].payload, rc, err.message, err.path, rows[i].rc,
				rows[i].message ? rows[i].message : "");
		CU_ASSERT_TRUE(ok);
	}
}

#define OBJ(props) "{\"type\":\"object\",\"properties\":{" props "}}"

static void test_types(void)
{
	static const struct kw_row rows[] = {
		{OBJ("\"v\":{\"type\":\"string\"}"), "{\"v\":\"x\"}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"string\"}"), "{\"v\":1}", GW_ETYPE, "expected string"},
		{OBJ("\"v\":{\"type\":\"string\"}"), "{\"v\":null}", GW_ETYPE, "expected string"},
		{OBJ("\"v\":{\"type\":\"integer\"}"), "{\"v\":-3}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"integer\"}"), "{\"v\":1.5}", GW_ETYPE, "expected integer"},
		{OBJ("\"v\":{\"type\":\"integer\"}"), "{\"v\":2.0}", GW_ETYPE, "expected integer"},
		{OBJ("\"v\":{\"type\":\"integer\"}"), "{\"v\":1e2}", GW_ETYPE, "expected integer"},
		{OBJ("\"v\":{\"type\":\"integer\"}"), "{\"v\":\"12\"}", GW_ETYPE, "expected integer"},
		{OBJ("\"v\":{\"type\":\"integer\"}"), "{\"v\":true}", GW_ETYPE, "expected integer"},
		{OBJ("\"v\":{\"type\":\"number\"}"), "{\"v\":1.25}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"number\"}"), "{\"v\":7}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"number\"}"), "{\"v\":\"1.25\"}", GW_ETYPE, "expected number"},
		{OBJ("\"v\":{\"type\":\"boolean\"}"), "{\"v\":false}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"boolean\"}"), "{\"v\":0}", GW_ETYPE, "expected boolean"},
		{OBJ("\"v\":{\"type\":\"boolean\"}"), "{\"v\":\"true\"}", GW_ETYPE, "expected boolean"},
		{OBJ("\"v\":{\"type\":\"array\"}"), "{\"v\":[1,\"a\"]}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"array\"}"), "{\"v\":{}}", GW_ETYPE, "expected array"},
		{OBJ("\"v\":{\"type\":\"object\"}"), "{\"v\":{\"any\":1}}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"object\"}"), "{\"v\":[]}", GW_ETYPE, "expected object"},
		/* no type: anything (DataTransfer.data) */
		{OBJ("\"v\":{\"description\":\"any\"}"), "{\"v\":[{\"x\":null}]}", GW_OK, NULL},
		{OBJ("\"v\":{}"), "{\"v\":null}", GW_OK, NULL},
		/* the payload itself */
		{"{\"type\":\"object\"}", "[]", GW_ETYPE, "expected object"},
		{"{\"type\":\"object\"}", "null", GW_ETYPE, "expected object"},
		{"{\"type\":\"object\"}", "\"{}\"", GW_ETYPE, "expected object"},
		{"{\"type\":\"object\"}", "{}", GW_OK, NULL},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_objects(void)
{
	static const char req[] = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
				  "\"b\":{\"type\":\"string\"}},\"required\":[\"a\",\"b\"]}";
	static const char closed[] = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
				     "\"additionalProperties\":false}";
	static const char open[] = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
				   "\"additionalProperties\":true}";
	static const struct kw_row rows[] = {
		{req, "{\"a\":1,\"b\":\"x\"}", GW_OK, NULL},
		{req, "{\"a\":1}", GW_EOCCURRENCE, "required"},
		{req, "{}", GW_EOCCURRENCE, "required"},
		{req, "{\"a\":null,\"b\":\"x\"}", GW_ETYPE, "expected integer"}, /* present but null */
		/* required is checked before the values of present properties */
		{req, "{\"a\":\"wrong\"}", GW_EOCCURRENCE, "required"},
		{closed, "{\"a\":1}", GW_OK, NULL},
		{closed, "{}", GW_OK, NULL},
		{closed, "{\"a\":1,\"z\":2}", GW_ECONSTRAINT, "not allowed"},
		{open, "{\"a\":1,\"z\":{\"deep\":[1]}}", GW_OK, NULL},
		{open, "{\"a\":\"x\",\"z\":2}", GW_ETYPE, "expected integer"},
		/* additionalProperties absent = true */
		{OBJ("\"a\":{\"type\":\"integer\"}"), "{\"zz\":1}", GW_OK, NULL},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_arrays(void)
{
	static const char arr[] = OBJ("\"v\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},"
				      "\"minItems\":1,\"maxItems\":3}");
	static const struct kw_row rows[] = {
		{arr, "{\"v\":[1]}", GW_OK, NULL},
		{arr, "{\"v\":[1,2,3]}", GW_OK, NULL},
		{arr, "{\"v\":[]}", GW_EOCCURRENCE, "needs at least 1 item"},
		{arr, "{\"v\":[1,2,3,4]}", GW_EOCCURRENCE, "more than 3 items"},
		{arr, "{\"v\":[1,\"2\"]}", GW_ETYPE, "expected integer"},
		{OBJ("\"v\":{\"type\":\"array\",\"minItems\":2}"), "{\"v\":[1]}", GW_EOCCURRENCE,
		 "needs at least 2 items"},
		{OBJ("\"v\":{\"type\":\"array\",\"maxItems\":0}"), "{\"v\":[]}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"array\",\"maxItems\":1}"), "{\"v\":[1,2]}", GW_EOCCURRENCE,
		 "more than 1 item"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_strings(void)
{
	static const char en[] = OBJ("\"v\":{\"type\":\"string\",\"enum\":[\"Accepted\",\"Rejected\"]}");
	static const char len[] = OBJ("\"v\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":4}");
	static const struct kw_row rows[] = {
		{en, "{\"v\":\"Accepted\"}", GW_OK, NULL},
		{en, "{\"v\":\"Foo\"}", GW_ECONSTRAINT, "'Foo' is not one of the allowed values"},
		{en, "{\"v\":\"accepted\"}", GW_ECONSTRAINT, "'accepted' is not one of the allowed values"},
		{en, "{\"v\":\"Accepted \"}", GW_ECONSTRAINT, "'Accepted ' is not one of the allowed values"},
		{en, "{\"v\":\"Accept\"}", GW_ECONSTRAINT, "'Accept' is not one of the allowed values"},
		{en, "{\"v\":\"\"}", GW_ECONSTRAINT, "'' is not one of the allowed values"},
		{en, "{\"v\":1}", GW_ETYPE, "expected string"},
		/* the pile's value is quoted safely: control bytes and quotes hidden, long cut */
		{en, "{\"v\":\"a\\n'b\"}", GW_ECONSTRAINT, "'a??b' is not one of the allowed values"},
		{en, "{\"v\":\"0123456789012345678901234567890123456789XYZ\"}", GW_ECONSTRAINT,
		 "'0123456789012345678901234567890123456789...' is not one of the allowed values"},
		{len, "{\"v\":\"ab\"}", GW_OK, NULL},
		{len, "{\"v\":\"abcd\"}", GW_OK, NULL},
		{len, "{\"v\":\"a\"}", GW_ECONSTRAINT, "shorter than 2 characters"},
		{len, "{\"v\":\"abcde\"}", GW_ECONSTRAINT, "longer than 4 characters"},
		/* lengths count code points: 4 characters, 10 bytes */
		{len, "{\"v\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z\"}", GW_OK, NULL},
		{len, "{\"v\":\"\\u00e9\\u20ac\\ud83d\\ude00z\"}", GW_OK, NULL},
		/* 5 characters, 7 bytes */
		{len, "{\"v\":\"\xc3\xa9\xc3\xa9\xc3\xa9""ab\"}", GW_ECONSTRAINT, "longer than 4 characters"},
		/* 1 character, 4 bytes: short although 4 bytes */
		{len, "{\"v\":\"\xf0\x9f\x98\x80\"}", GW_ECONSTRAINT, "shorter than 2 characters"},
		{OBJ("\"v\":{\"type\":\"string\",\"maxLength\":0}"), "{\"v\":\"\"}", GW_OK, NULL},
		{OBJ("\"v\":{\"type\":\"string\",\"maxLength\":0}"), "{\"v\":\"x\"}", GW_ECONSTRAINT,
		 "longer than 0 characters"},
		{OBJ("\"v\":{\"type\":\"string\",\"maxLength\":20}"), "{\"v\":\"123456789012345678901\"}",
		 GW_ECONSTRAINT, "longer than 20 characters"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_numbers(void)
{
	static const char iv[] = OBJ("\"v\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}");
	static const char nv[] = OBJ("\"v\":{\"type\":\"number\",\"minimum\":-1.5,\"maximum\":2.5}");
	static const char frac[] = OBJ("\"v\":{\"type\":\"integer\",\"minimum\":0.5,\"maximum\":9.5}");
	static const char huge[] = OBJ("\"v\":{\"type\":\"integer\",\"maximum\":9223372036854775807}");
	static const struct kw_row rows[] = {
		{iv, "{\"v\":0}", GW_OK, NULL},
		{iv, "{\"v\":100}", GW_OK, NULL},
		{iv, "{\"v\":-1}", GW_ECONSTRAINT, "less than minimum 0"},
		{iv, "{\"v\":101}", GW_ECONSTRAINT, "greater than maximum 100"},
		{iv, "{\"v\":-9223372036854775807}", GW_ECONSTRAINT, "less than minimum 0"},
		{nv, "{\"v\":-1.5}", GW_OK, NULL},
		{nv, "{\"v\":2.5}", GW_OK, NULL},
		{nv, "{\"v\":2}", GW_OK, NULL},
		{nv, "{\"v\":-1.50001}", GW_ECONSTRAINT, "less than minimum -1.5"},
		{nv, "{\"v\":3}", GW_ECONSTRAINT, "greater than maximum 2.5"},
		{nv, "{\"v\":2.6e0}", GW_ECONSTRAINT, "greater than maximum 2.5"},
		/* integer against fractional bounds is compared exactly */
		{frac, "{\"v\":0}", GW_ECONSTRAINT, "less than minimum 0.5"},
		{frac, "{\"v\":1}", GW_OK, NULL},
		{frac, "{\"v\":9}", GW_OK, NULL},
		{frac, "{\"v\":10}", GW_ECONSTRAINT, "greater than maximum 9.5"},
		/* 2^63-1 as a double is 2^63: no int64 is above it */
		{huge, "{\"v\":9223372036854775807}", GW_OK, NULL},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_annotations(void)
{
	static const char doc[] =
		"{\"$schema\":\"http://json-schema.org/draft-06/schema#\",\"$id\":\"urn:x\","
		"\"title\":\"T\",\"description\":\"d\",\"$comment\":\"c\",\"javaType\":\"J\","
		"\"type\":\"object\",\"default\":{},\"properties\":{\"v\":{\"type\":\"integer\","
		"\"default\":5,\"description\":\"x\",\"javaType\":\"Integer\"}}}";
	static const struct kw_row rows[] = {
		{doc, "{}", GW_OK, NULL}, /* default is not applied */
		{doc, "{\"v\":\"5\"}", GW_ETYPE, "expected integer"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_refs(void)
{
	static const char doc[] =
		"{\"type\":\"object\",\"definitions\":{"
		"\"Mode\":{\"type\":\"string\",\"enum\":[\"A\",\"B\"]},"
		"\"Alias\":{\"$ref\":\"#/definitions/Mode\",\"description\":\"same\"},"
		"\"Inner\":{\"type\":\"object\",\"properties\":{\"mode\":{\"$ref\":\"#/definitions/Alias\"}},"
		"\"required\":[\"mode\"],\"additionalProperties\":false},"
		"\"Node\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/definitions/Node\"},"
		"\"n\":{\"type\":\"integer\"}}}},"
		"\"properties\":{\"inner\":{\"$ref\":\"#/definitions/Inner\"},"
		"\"list\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/Inner\"}},"
		"\"chain\":{\"$ref\":\"#/definitions/Node\"}}}";
	static const struct kw_row rows[] = {
		{doc, "{\"inner\":{\"mode\":\"A\"}}", GW_OK, NULL},
		{doc, "{\"inner\":{\"mode\":\"C\"}}", GW_ECONSTRAINT, "'C' is not one of the allowed values"},
		{doc, "{\"inner\":{}}", GW_EOCCURRENCE, "required"},
		{doc, "{\"inner\":{\"mode\":\"A\",\"x\":1}}", GW_ECONSTRAINT, "not allowed"},
		{doc, "{\"list\":[{\"mode\":\"B\"},{\"mode\":\"A\"}]}", GW_OK, NULL},
		{doc, "{\"list\":[{\"mode\":\"B\"},{\"mode\":1}]}", GW_ETYPE, "expected string"},
		/* a recursive definition follows the payload down */
		{doc, "{\"chain\":{\"n\":1,\"next\":{\"n\":2,\"next\":{\"n\":3}}}}", GW_OK, NULL},
		{doc, "{\"chain\":{\"n\":1,\"next\":{\"n\":2,\"next\":{\"n\":\"3\"}}}}", GW_ETYPE,
		 "expected integer"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_formats(void)
{
	static const char dt[] = OBJ("\"v\":{\"type\":\"string\",\"format\":\"date-time\"}");
	static const char uri[] = OBJ("\"v\":{\"type\":\"string\",\"format\":\"uri\"}");
	static const struct kw_row rows[] = {
		{dt, "{\"v\":\"2026-11-25T18:00:00Z\"}", GW_OK, NULL},
		{dt, "{\"v\":\"2026-11-25 18:00:00Z\"}", GW_ECONSTRAINT, "not a valid date-time"},
		{dt, "{\"v\":\"yesterday\"}", GW_ECONSTRAINT, "not a valid date-time"},
		{uri, "{\"v\":\"ftp://host/fw.bin\"}", GW_OK, NULL},
		{uri, "{\"v\":\"host/fw.bin\"}", GW_ECONSTRAINT, "not a valid uri"},
		{uri, "{\"v\":\"http://a b\"}", GW_ECONSTRAINT, "not a valid uri"},
		{uri, "{\"v\":\"\"}", GW_ECONSTRAINT, "not a valid uri"},
	};
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

int test_keywords_register(void)
{
	static CU_TestInfo tests[] = {
		{"type", test_types},
		{"properties, required, additionalProperties", test_objects},
		{"items, minItems, maxItems", test_arrays},
		{"enum, minLength, maxLength (code points)", test_strings},
		{"minimum, maximum", test_numbers},
		{"annotations are ignored", test_annotations},
		{"definitions and $ref", test_refs},
		{"format", test_formats},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("schema keywords", tests);
}
