/* SPDX-License-Identifier: MIT
 *
 * test_json.c - gw_json_parse against the whole pitfall table of
 * PROTOCOL.md §3.3 (each row with its expected code), the number and
 * surrogate cases json-c lets through, and the typed getters and dump.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_schema.h"

struct parse_row {
	const char *in;
	size_t len; /* explicit, so rows can hold NUL bytes */
	int rc;
	const char *why;
};

#define ROW(s, rc, why) {s, sizeof(s) - 1, rc, why}

static const struct parse_row rows[] = {
	/* PROTOCOL.md §3.3, in table order */
	ROW("/*comment*/[1]", GW_EFORMAT, "comment"),
	ROW("[1] // c", GW_EFORMAT, "line comment"),
	ROW("['single']", GW_EFORMAT, "single quotes"),
	ROW("[1,]", GW_EFORMAT, "trailing comma in array"),
	ROW("{\"a\":1,}", GW_EFORMAT, "trailing comma in object"),
	ROW("[True]", GW_EFORMAT, "True"),
	ROW("[0012]", GW_EFORMAT, "leading zero"),
	ROW("[1]garbage", GW_EFORMAT, "trailing garbage"),
	ROW("[1][2]", GW_EFORMAT, "two documents"),
	ROW("{\"a\":1}{\"b\":2}", GW_EFORMAT, "two objects"),
	ROW("{\"a\":1}\0", GW_EFORMAT, "NUL after the document"),
	ROW("[1]\0[2]", GW_EFORMAT, "NUL then a second document"),
	ROW("[NaN]", GW_EFORMAT, "NaN"),
	ROW("[Infinity]", GW_EFORMAT, "Infinity"),
	ROW("[-Infinity]", GW_EFORMAT, "-Infinity"),
	ROW("{\"v\":1e400}", GW_EFORMAT, "1e400 overflows to inf"),
	ROW("[-1e400]", GW_EFORMAT, "-1e400"),
	ROW("{\"a\":1,\"a\":2}", GW_OK, "duplicate keys: last wins, cannot be seen"),
	ROW("[\"\xff\"]", GW_EFORMAT, "invalid UTF-8 byte"),
	ROW("[\"\xc3\"]", GW_EFORMAT, "truncated UTF-8"),
	ROW("[\"\xc0\xaf\"]", GW_EFORMAT, "overlong UTF-8 (C0 AF)"),
	ROW("[\"\xe0\x80\xaf\"]", GW_EFORMAT, "overlong 3-byte UTF-8"),
	ROW("[\"\xf0\x80\x80\xaf\"]", GW_EFORMAT, "overlong 4-byte UTF-8"),
	ROW("[\"\xed\xa0\x80\"]", GW_EFORMAT, "raw surrogate ED A0 80"),
	ROW("[\"\xf4\x90\x80\x80\"]", GW_EFORMAT, "above U+10FFFF"),
	ROW("[\"\\ud800\"]", GW_EFORMAT, "lone high surrogate escape"),
	ROW("[\"\\udc00\"]", GW_EFORMAT, "lone low surrogate escape"),
	ROW("[\"\\ud800\\u0041\"]", GW_EFORMAT, "high surrogate then non-low"),
	ROW("[\"\\ud800x\"]", GW_EFORMAT, "high surrogate then text"),
	ROW("[\"\\udc00\\ud800\"]", GW_EFORMAT, "reversed pair"),
	ROW("[\"\\ud83d\\ude00\"]", GW_OK, "valid surrogate pair"),
	ROW("[\"\\\\ud800\"]", GW_OK, "escaped backslash, not an escape"),
	ROW("[\"a\\u0000b\"]", GW_EFORMAT, "\\u0000 in a string"),
	ROW("{\"a\\u0000b\":1}", GW_EFORMAT, "\\u0000 in a key (json-c cuts the key)"),
	ROW("[\"a\0b\"]", GW_EFORMAT, "raw NUL in a string"),
	/* json-c depth: the 1 inside 15 arrays sits at level 16 */
	ROW("[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]", GW_OK, "depth 16 at the limit"),
	ROW("[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]", GW_OK, "16 empty arrays: level 16"),
	ROW("[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]", GW_EFORMAT, "depth 17 over the limit"),
	ROW("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":"
	    "{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}}}}}}}}}}}}", GW_EFORMAT, "objects 17 deep"),
	ROW("[99999999999999999999]", GW_EFORMAT, "huge integer (json-c: UINT64_MAX)"),
	ROW("[18446744073709551615]", GW_EFORMAT, "UINT64_MAX"),
	ROW("[9223372036854775808]", GW_EFORMAT, "INT64_MAX + 1"),
	ROW("[9223372036854775807]", GW_OK, "INT64_MAX"),
	ROW("[-9223372036854775809]", GW_EFORMAT, "below INT64_MIN (saturates)"),
	ROW("[-9223372036854775808]", GW_EFORMAT, "INT64_MIN: indistinguishable, refused"),
	ROW("[-9223372036854775807]", GW_OK, "INT64_MIN + 1"),
	/* documents that must pass */
	ROW("{}", GW_OK, "empty object"),
	ROW(" {\"a\": [1, 2.5, -0, 1e3, true, false, null, \"\\u00e9\\n\"]} \n", GW_OK, "mixed"),
	ROW("[1e-400]", GW_OK, "underflow to 0 is finite"),
	ROW("[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", GW_OK, "2-, 3- and 4-byte UTF-8"),
	ROW("[\"\xef\xbf\xbd\"]", GW_OK, "a real U+FFFD"),
	ROW("1", GW_OK, "top-level number"),
	ROW("-12.5", GW_OK, "top-level fraction"),
	ROW("\"s\"", GW_OK, "top-level string"),
	ROW("true", GW_OK, "top-level true"),
	/* truncated or empty */
	ROW("", GW_EFORMAT, "empty input"),
	ROW("   ", GW_EFORMAT, "whitespace only"),
	ROW("[1", GW_EFORMAT, "unterminated array"),
	ROW("{\"a\":", GW_EFORMAT, "unterminated object"),
	ROW("\"abc", GW_EFORMAT, "unterminated string"),
	ROW("1e", GW_EFORMAT, "unterminated exponent"),
	ROW("\xef\xbb\xbf{}", GW_EFORMAT, "byte order mark"),
};

static void test_pitfall_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct json_object *o = (struct json_object *)1;
		int rc = gw_json_parse(rows[i].in, rows[i].len, GW_JSON_DEPTH, &o);
		if (rc != rows[i].rc)
			fprintf(stderr, "\nrow %zu (%s): got %d want %d\n", i, rows[i].why, rc, rows[i].rc);
		CU_ASSERT_EQUAL(rc, rows[i].rc);
		if (rc)
			CU_ASSERT_PTR_NULL(o);
		json_object_put(rc ? NULL : o);
	}
}

static void test_parse_results(void)
{
	struct json_object *o = NULL;
	int64_t i = 0;

	CU_ASSERT_EQUAL(gw_json_parse("null", 4, 16, &o), GW_OK);
	CU_ASSERT_PTR_NULL(o); /* the document null */
	CU_ASSERT_EQUAL(gw_json_parse("{\"a\":1,\"a\":2}", 13, 16, &o), GW_OK);
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "a", &i), GW_OK);
	CU_ASSERT_EQUAL(i, 2); /* last wins */
	json_object_put(o);
	/* buf need not be NUL-terminated: only len bytes are read */
	CU_ASSERT_EQUAL(gw_json_parse("[7]xyz", 3, 16, &o), GW_OK);
	CU_ASSERT_EQUAL(json_object_get_int64(json_object_array_get_idx(o, 0)), 7);
	json_object_put(o);
	CU_ASSERT_EQUAL(gw_json_parse("123456", 3, 16, &o), GW_OK);
	CU_ASSERT_EQUAL(json_object_get_int64(o), 123);
	json_object_put(o);
}

static void test_parse_args(void)
{
	struct json_object *o = NULL;

	CU_ASSERT_EQUAL(gw_json_parse(NULL, 0, 16, &o), GW_EINVAL);
	CU_ASSERT_EQUAL(gw_json_parse("[]", 2, 16, NULL), GW_EINVAL);
	CU_ASSERT_EQUAL(gw_json_parse("[]", 2, 0, &o), GW_EINVAL);
	CU_ASSERT_EQUAL(gw_json_parse("[]", (size_t)INT32_MAX + 1, 16, &o), GW_ETOOBIG);
	/* json-c's depth: [[1]] needs 3, [[]] needs 2, a scalar 1 */
	CU_ASSERT_EQUAL(gw_json_parse("7", 1, 1, &o), GW_OK);
	json_object_put(o);
	CU_ASSERT_EQUAL(gw_json_parse("[1]", 3, 1, &o), GW_EFORMAT);
	CU_ASSERT_EQUAL(gw_json_parse("[[1]]", 5, 3, &o), GW_OK);
	json_object_put(o);
	CU_ASSERT_EQUAL(gw_json_parse("[[1]]", 5, 2, &o), GW_EFORMAT);
	CU_ASSERT_EQUAL(gw_json_parse("[[]]", 4, 2, &o), GW_OK);
	json_object_put(o);
}

static void test_getters(void)
{
	static const char doc[] = "{\"i\":42,\"neg\":-7,\"d\":1.5,\"two\":2.0,\"s\":\"12\",\"b\":true,"
				  "\"n\":null,\"o\":{},\"e\":\"\"}";
	struct json_object *o = NULL;
	int64_t i = 0;
	double d = 0;
	bool b = false;
	size_t len = 99;

	CU_ASSERT_EQUAL_FATAL(gw_json_parse(doc, sizeof(doc) - 1, 16, &o), GW_OK);
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "i", &i), GW_OK);
	CU_ASSERT_EQUAL(i, 42);
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "neg", &i), GW_OK);
	CU_ASSERT_EQUAL(i, -7);
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "d", &i), GW_ETYPE);
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "two", &i), GW_ETYPE); /* 2.0 is not an integer */
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "s", &i), GW_ETYPE);   /* no string coercion */
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "b", &i), GW_ETYPE);
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "n", &i), GW_ETYPE); /* null is a type */
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "absent", &i), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(i, -7); /* untouched on failure */
	CU_ASSERT_EQUAL(gw_json_get_int64(json_object_object_get(o, "s"), "x", &i), GW_ETYPE);
	CU_ASSERT_EQUAL(gw_json_get_int64(NULL, "x", &i), GW_EINVAL);

	CU_ASSERT_EQUAL(gw_json_get_double(o, "d", &d), GW_OK);
	CU_ASSERT_DOUBLE_EQUAL(d, 1.5, 0);
	CU_ASSERT_EQUAL(gw_json_get_double(o, "i", &d), GW_OK);
	CU_ASSERT_DOUBLE_EQUAL(d, 42, 0);
	CU_ASSERT_EQUAL(gw_json_get_double(o, "s", &d), GW_ETYPE);
	CU_ASSERT_EQUAL(gw_json_get_double(o, "absent", &d), GW_ENOTFOUND);

	CU_ASSERT_EQUAL(gw_json_get_bool(o, "b", &b), GW_OK);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_EQUAL(gw_json_get_bool(o, "i", &b), GW_ETYPE);
	CU_ASSERT_EQUAL(gw_json_get_bool(o, "absent", &b), GW_ENOTFOUND);

	CU_ASSERT_STRING_EQUAL(gw_json_get_str(o, "s", &len), "12");
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_STRING_EQUAL(gw_json_get_str(o, "e", NULL), "");
	CU_ASSERT_PTR_NULL(gw_json_get_str(o, "i", &len));
	CU_ASSERT_PTR_NULL(gw_json_get_str(o, "n", &len));
	CU_ASSERT_PTR_NULL(gw_json_get_str(o, "absent", &len));
	CU_ASSERT_PTR_NULL(gw_json_get_str(NULL, "s", &len));
	json_object_put(o);
}

/* Trees built by code (not parsed) can hold what the parser refuses. */
static void test_getters_built_tree(void)
{
	struct json_object *o = json_object_new_object();
	int64_t i = 0;
	double d = 0;

	json_object_object_add(o, "big", json_object_new_uint64(UINT64_MAX));
	json_object_object_add(o, "inf", json_object_new_double(INFINITY));
	json_object_object_add(o, "min", json_object_new_int64(INT64_MIN));
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "big", &i), GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(gw_json_get_double(o, "inf", &d), GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(gw_json_get_int64(o, "min", &i), GW_OK);
	CU_ASSERT_EQUAL(i, INT64_MIN);
	json_object_put(o);
}

static void test_dump(void)
{
	static const char doc[] = "{ \"url\" : \"http://x/y\", \"a\" : [ 1, 2.50, \"\\u00e9\" ] }";
	struct json_object *o = NULL;
	size_t len = 0;
	char *s;

	CU_ASSERT_EQUAL_FATAL(gw_json_parse(doc, sizeof(doc) - 1, 16, &o), GW_OK);
	s = gw_json_dump(o, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* compact, '/' unescaped, doubles keep their text, UTF-8 raw */
	CU_ASSERT_STRING_EQUAL(s, "{\"url\":\"http://x/y\",\"a\":[1,2.50,\"\xc3\xa9\"]}");
	CU_ASSERT_EQUAL(len, strlen(s));
	gw_free(s);
	s = gw_json_dump(NULL, NULL);
	CU_ASSERT_STRING_EQUAL(s, "null");
	gw_free(s);
	gw_alloc_fail_after(1);
	CU_ASSERT_PTR_NULL(gw_json_dump(o, &len));
	gw_alloc_fail_after(0);
	json_object_put(o);
}

int test_json_register(void)
{
	static CU_TestInfo tests[] = {
		{"pitfall table (PROTOCOL.md 3.3)", test_pitfall_table},
		{"results and explicit length", test_parse_results},
		{"argument checks and depth", test_parse_args},
		{"typed getters, no coercion", test_getters},
		{"getters on built trees", test_getters_built_tree},
		{"compact dump", test_dump},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("gw_json", tests);
}
