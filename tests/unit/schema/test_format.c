/* SPDX-License-Identifier: MIT
 *
 * test_format.c - the string checks behind "format" and the lengths:
 * date-time edge cases (through gw_time_parse), loose uri, code-point
 * counting, quoting a pile's value into a message.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_time.h"
#include "schema/schema_int.h"
#include "test_schema.h"

struct str_row {
	const char *s;
	int ok; /* 1 = accepted */
};

static void run(const struct str_row *rows, size_t n, int (*fn)(const char *, size_t), const char *what)
{
	for (size_t i = 0; i < n; i++) {
		int ok = fn(rows[i].s, strlen(rows[i].s)) == 0;
		if (ok != rows[i].ok)
			fprintf(stderr, "\n%s '%s': got %s\n", what, rows[i].s, ok ? "accepted" : "refused");
		CU_ASSERT_EQUAL(ok, rows[i].ok);
	}
}

static void test_date_time(void)
{
	static const struct str_row rows[] = {
		{"2026-11-25T18:00:00Z", 1},
		{"2026-11-25T18:00:00.1Z", 1},
		{"2026-11-25T18:00:00.123Z", 1},
		{"2026-11-25T18:00:00.123456789Z", 1},
		{"2026-11-25T18:00:00+01:00", 1},
		{"2026-11-25T18:00:00.5-05:30", 1},
		{"2026-11-25T18:00:00-00:00", 1},
		{"2026-11-25t18:00:00z", 1}, /* RFC 3339 §5.6 NOTE allows lower case */
		{"2024-02-29T00:00:00Z", 1},
		{"2000-02-29T00:00:00Z", 1},
		{"2026-12-31T23:59:60Z", 1}, /* leap second */
		{"0001-01-01T00:00:00Z", 1},
		{"9999-12-31T23:59:59Z", 1},
		/* gw_time.h tolerates a missing offset (read as UTC) for 1.6 piles */
		{"2026-11-25T18:00:00", 1},
		{"2023-02-29T00:00:00Z", 0},
		{"1900-02-29T00:00:00Z", 0},
		{"2026-04-31T00:00:00Z", 0},
		{"2026-00-10T00:00:00Z", 0},
		{"2026-13-10T00:00:00Z", 0},
		{"2026-11-00T00:00:00Z", 0},
		{"2026-11-25T24:00:00Z", 0},
		{"2026-11-25T23:60:00Z", 0},
		{"2026-11-25T23:59:61Z", 0},
		{"2026-11-25 18:00:00Z", 0},
		{"2026-11-25T18:00Z", 0},
		{"2026-11-25T18:00:00.Z", 0},
		{"2026-11-25T18:00:00,5Z", 0},
		{"2026-11-25T18:00:00+0100", 0},
		{"2026-11-25T18:00:00+01", 0},
		{"2026-11-25T18:00:00+24:00", 0},
		{"2026-11-25T18:00:00+01:60", 0},
		{"2026-11-25T18:00:00ZZ", 0},
		{"2026-11-25T18:00:00Z ", 0},
		{" 2026-11-25T18:00:00Z", 0},
		{"2026-11-25T18:00:00 Z", 0},
		{"26-11-25T18:00:00Z", 0},
		{"2026-1-25T18:00:00Z", 0},
		{"+2026-11-25T18:00:00Z", 0},
		{"2026-11-25", 0},
		{"18:00:00Z", 0},
		{"", 0},
		{"2026-11-25T18:00:00.123456789", 1},
		{"20261125T180000Z", 0}, /* ISO 8601 basic format is not RFC 3339 */
	};
	run(rows, sizeof(rows) / sizeof(rows[0]), schema_check_date_time, "date-time");
}

/* The instant behind the string, so the validator and handlers agree. */
static void test_date_time_values(void)
{
	int64_t a = 0, b = 1;

	CU_ASSERT_EQUAL(gw_time_parse("2026-11-25T19:30:00+01:30", 25, &a), GW_OK);
	CU_ASSERT_EQUAL(gw_time_parse("2026-11-25T18:00:00Z", 20, &b), GW_OK);
	CU_ASSERT_EQUAL(a, b);
	CU_ASSERT_EQUAL(gw_time_parse("1970-01-01T00:00:00.999Z", 24, &a), GW_OK);
	CU_ASSERT_EQUAL(a, 999);
	CU_ASSERT_EQUAL(gw_time_parse("1969-12-31T23:59:59.5Z", 22, &a), GW_OK);
	CU_ASSERT_EQUAL(a, -500);
	/* explicit length: bytes after len are not looked at */
	CU_ASSERT_EQUAL(gw_time_parse("2026-11-25T18:00:00Zjunk", 20, &a), GW_OK);
}

static void test_uri(void)
{
	static const struct str_row rows[] = {
		{"http://example.com/fw.bin", 1},
		{"ftp://user:pw@host:21/diag/", 1},
		{"HTTPS://X", 1},
		{"urn:isbn:0451450523", 1},
		{"coap+tcp://h", 1},
		{"x:", 1}, /* RFC 3986 allows an empty path */
		{"", 0},
		{"://x", 0},
		{"1http://x", 0},
		{"http//x", 0},
		{"host/fw.bin", 0},
		{"h_ttp://x", 0},
		{"http://a b", 0},
		{"http://a\tb", 0},
		{"http://a\x7f", 0},
		{"http://x\n", 0},
	};
	run(rows, sizeof(rows) / sizeof(rows[0]), schema_check_uri, "uri");
}

static void test_code_points(void)
{
	CU_ASSERT_EQUAL(schema_utf8_count("", 0), 0);
	CU_ASSERT_EQUAL(schema_utf8_count("abc", 3), 3);
	CU_ASSERT_EQUAL(schema_utf8_count("\xc3\xa9", 2), 1);
	CU_ASSERT_EQUAL(schema_utf8_count("\xe2\x82\xac", 3), 1);
	CU_ASSERT_EQUAL(schema_utf8_count("\xf0\x9f\x98\x80", 4), 1);
	CU_ASSERT_EQUAL(schema_utf8_count("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z", 11), 5);
}

static void test_quote(void)
{
	char buf[64];

	schema_quote_value(buf, sizeof(buf), "Foo", 3);
	CU_ASSERT_STRING_EQUAL(buf, "Foo");
	schema_quote_value(buf, sizeof(buf), "a\"b\\c'\x01", 7);
	CU_ASSERT_STRING_EQUAL(buf, "a?b?c??");
	/* 39 bytes then a 2-byte character across the 40-byte cut */
	schema_quote_value(buf, sizeof(buf), "012345678901234567890123456789012345678\xc3\xa9xyz", 44);
	CU_ASSERT_STRING_EQUAL(buf, "012345678901234567890123456789012345678...");
	schema_quote_value(buf, 4, "abcdef", 6);
	CU_ASSERT_STRING_EQUAL(buf, "abc");
}

int test_format_register(void)
{
	static CU_TestInfo tests[] = {
		{"date-time edge cases", test_date_time},
		{"date-time instants", test_date_time_values},
		{"uri", test_uri},
		{"code points", test_code_points},
		{"quoted values", test_quote},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("schema formats", tests);
}
