/* SPDX-License-Identifier: MIT
 * test_common.c - gw_time (RFC 3339 both ways), gw_alloc failure injection,
 * gw_strerror, gw_log level names. */
#include <stdint.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "common/gw_money.h"
#include "common/gw_time.h"

static int64_t parse(const char *s, int *rc)
{
	int64_t ms = -1;

	*rc = gw_time_parse(s, strlen(s), &ms);
	return ms;
}

static void test_time_parse_good(void)
{
	static const struct {
		const char *in;
		int64_t ms;
	} rows[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-25T18:00:00Z", 1795629600000LL },
		{ "2026-11-25T18:00:00.5Z", 1795629600500LL },
		{ "2026-11-25T18:00:00.123456Z", 1795629600123LL },
		{ "2026-11-25T19:00:00+01:00", 1795629600000LL },
		{ "2026-11-25T17:30:00-00:30", 1795629600000LL },
		{ "2026-11-25T18:00:00", 1795629600000LL }, /* no offset: read as UTC */
		{ "2024-02-29T00:00:00Z", 1709164800000LL }, /* leap day */
		{ "2000-03-01T00:00:00Z", 951868800000LL },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc;
		int64_t ms = parse(rows[i].in, &rc);
		CU_ASSERT_EQUAL(rc, GW_OK);
		CU_ASSERT_EQUAL(ms, rows[i].ms);
	}
}

static void test_time_parse_bad(void)
{
	static const char *const rows[] = {
		"", "2026-11-25", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
		"2026-11-25T24:00:00Z", "2026-11-25T18:60:00Z", "2026-11-25 18:00:00Z",
		"2026-11-25T18:00:00.Z", "2026-11-25T18:00:00Zjunk", "2026-11-25T18:00:00+0100",
		"26-11-25T18:00:00Z", "2026-11-25T18:00Z",
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc;
		parse(rows[i], &rc);
		CU_ASSERT_EQUAL(rc, GW_ECONSTRAINT);
	}
}

static void test_time_format_round_trip(void)
{
	char buf[GW_TIME_STRLEN];
	int64_t ms;

	CU_ASSERT_STRING_EQUAL(gw_time_format(1795629600123LL, buf), "2026-11-25T18:00:00.123Z");
	CU_ASSERT_STRING_EQUAL(gw_time_format(0, buf), "1970-01-01T00:00:00.000Z");
	for (int64_t t = 946684800000LL; t < 4102444800000LL; t += 86399999LL * 37) {
		gw_time_format(t, buf);
		CU_ASSERT_EQUAL(gw_time_parse(buf, strlen(buf), &ms), GW_OK);
		CU_ASSERT_EQUAL(ms, t);
	}
}

static void test_alloc_failure_injection(void)
{
	void *a, *b;
	char *s;

	gw_alloc_fail_after(2);
	a = gw_malloc(8);
	b = gw_malloc(8);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT_PTR_NULL(gw_strdup("x"));
	CU_ASSERT_EQUAL(gw_alloc_count(), 3);
	gw_alloc_fail_after(0);
	s = gw_strndup("abcdef", 3);
	CU_ASSERT_STRING_EQUAL(s, "abc");
	GW_FREE(s);
	CU_ASSERT_PTR_NULL(s);
	gw_free(a);
	gw_free(NULL);
}

static void test_strerror_and_levels(void)
{
	CU_ASSERT_STRING_EQUAL(gw_strerror(GW_OK), "ok");
	CU_ASSERT_STRING_EQUAL(gw_strerror(GW_ESTORE), "storage failure");
	CU_ASSERT_STRING_EQUAL(gw_strerror(-9999), "unknown error");
	CU_ASSERT_STRING_EQUAL(gw_strerror(5), "unknown error");
	CU_ASSERT_EQUAL(gw_log_level_parse("debug"), GW_LOG_DEBUG);
	CU_ASSERT_EQUAL(gw_log_level_parse("WARN"), GW_LOG_WARN);
	CU_ASSERT_EQUAL(gw_log_level_parse("error"), GW_LOG_ERR);
	CU_ASSERT_EQUAL(gw_log_level_parse("loud"), -1);
}

static void test_fake_clock(void)
{
	gw_clock_set_fake(1000);
	CU_ASSERT_EQUAL(gw_clock_now_ms(), 1000);
	gw_clock_advance(500);
	CU_ASSERT_EQUAL(gw_clock_mono_ms(), 1500);
	gw_clock_set_fake(0);
	CU_ASSERT(gw_clock_now_ms() > 1700000000000LL);
}

/* Money text from integers only: signs, padding, exponents 0..4 and the
 * extremes (INT64_MIN has no int64 magnitude); JSON keeps the exact text. */
static void test_money_text(void)
{
	static const struct { int64_t minor; int exp; const char *text; } rows[] = {
		{ 1234, 2, "12.34" },   { 5, 2, "0.05" },      { -5, 2, "-0.05" },
		{ -1234, 2, "-12.34" }, { 0, 2, "0.00" },      { 1200, 0, "1200" },
		{ -7, 0, "-7" },        { 31416, 4, "3.1416" }, { 1, 3, "0.001" },
		{ 99, 9, "0.0099" },    { 99, -1, "99" },
		{ INT64_MAX, 2, "92233720368547758.07" },
		{ INT64_MIN, 2, "-92233720368547758.08" },
	};
	char buf[GW_MONEY_STRLEN];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_STRING_EQUAL(gw_money_text(rows[i].minor, rows[i].exp, buf, sizeof(buf)),
				       rows[i].text);
	struct json_object *j = gw_money_json(-105, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string(j), "-1.05");
	json_object_put(j);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("common", NULL, NULL);
	CU_add_test(s, "time parse good", test_time_parse_good);
	CU_add_test(s, "time parse bad", test_time_parse_bad);
	CU_add_test(s, "time format round trip", test_time_format_round_trip);
	CU_add_test(s, "alloc failure injection", test_alloc_failure_injection);
	CU_add_test(s, "strerror and levels", test_strerror_and_levels);
	CU_add_test(s, "fake clock", test_fake_clock);
	CU_add_test(s, "money text", test_money_text);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
