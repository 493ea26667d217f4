/* SPDX-License-Identifier: MIT
 *
 * test_translate.c - shared helpers: money formatted from integers, UTF-8
 * safe copies, word tables, int range checks.
 */
#include <stdint.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp201/v201.h"
#include "test_v201.h"

static void t_cost(void)
{
	static const struct {
		int64_t minor;
		const char *currency;
		const char *text;
	} rows[] = {
		{1234, "EUR", "12.34"},
		{5, "EUR", "0.05"},
		{0, "EUR", "0.00"},
		{-250, "EUR", "-2.50"},
		{-5, "USD", "-0.05"},
		{1500, "JPY", "1500"},
		{12345, "BHD", "12.345"},
		{123456, "CLF", "12.3456"},
		{7, NULL, "0.07"},
		{7, "", "0.07"},
		{INT64_MAX, "EUR", "92233720368547758.07"},
		{INT64_MIN, "EUR", "-92233720368547758.08"},
		{10, "KWD", "0.010"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct json_object *o = v201_cost_json(rows[i].minor, rows[i].currency);

		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		CU_ASSERT(json_object_is_type(o, json_type_double));
		CU_ASSERT_STRING_EQUAL(h_dump(o), rows[i].text);
		json_object_put(o);
	}
	CU_ASSERT_EQUAL(v201_currency_exp("EUR"), 2);
	CU_ASSERT_EQUAL(v201_currency_exp("JPY"), 0);
	CU_ASSERT_EQUAL(v201_currency_exp("XOF"), 0);
	CU_ASSERT_EQUAL(v201_currency_exp("BHD"), 3);
}

static void t_copy(void)
{
	char buf[6];

	v201_copy(buf, sizeof(buf), "abc");
	CU_ASSERT_STRING_EQUAL(buf, "abc");
	v201_copy(buf, sizeof(buf), NULL);
	CU_ASSERT_STRING_EQUAL(buf, "");
	v201_copy(buf, sizeof(buf), "abcdefgh");
	CU_ASSERT_STRING_EQUAL(buf, "abcde");
	/* "ab" + U+20AC (3 bytes) + "x": the euro sign does not fit whole */
	v201_copy(buf, 5, "ab\xE2\x82\xAC" "x");
	CU_ASSERT_STRING_EQUAL(buf, "ab");
	v201_copy(buf, 6, "ab\xE2\x82\xAC" "x");
	CU_ASSERT_STRING_EQUAL(buf, "ab\xE2\x82\xAC");
}

static void t_words_and_ints(void)
{
	static const struct v201_word w[] = {{"A", 1}, {"B", 2}};
	struct json_object *o = NULL;
	const char *txt = "{\"small\":7,\"big\":2147483648,\"neg\":-2147483649,\"s\":\"x\",\"t\":\"bad\"}";
	int v = 0;
	int64_t ms = 1;

	CU_ASSERT_EQUAL(v201_word_find(w, 2, "B", -1), 2);
	CU_ASSERT_EQUAL(v201_word_find(w, 2, "C", -1), -1);
	CU_ASSERT_EQUAL(v201_word_find(w, 2, NULL, -1), -1);
	CU_ASSERT_STRING_EQUAL(v201_word_name(w, 2, 1, "?"), "A");
	CU_ASSERT_STRING_EQUAL(v201_word_name(w, 2, 9, "?"), "?");
	CU_ASSERT_FATAL(gw_json_parse(txt, strlen(txt), 16, &o) == GW_OK);
	CU_ASSERT_EQUAL(v201_get_int(o, "small", 0, &v), GW_OK);
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_EQUAL(v201_get_int(o, "absent", -1, &v), GW_OK);
	CU_ASSERT_EQUAL(v, -1);
	CU_ASSERT_EQUAL(v201_get_int(o, "big", 0, &v), GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(v201_get_int(o, "neg", 0, &v), GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(v201_get_int(o, "s", 0, &v), GW_ETYPE);
	CU_ASSERT_EQUAL(v201_get_time(o, "absent", &ms), GW_OK);
	CU_ASSERT_EQUAL(ms, 0);
	CU_ASSERT_EQUAL(v201_get_time(o, "t", &ms), GW_ECONSTRAINT);
	json_object_put(o);
}

int test_translate_register(void)
{
	static CU_TestInfo tests[] = {
		{"totalCost text from minor units, per currency", t_cost},
		{"bounded copies cut at UTF-8 boundaries", t_copy},
		{"word tables, int range, times", t_words_and_ints},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 translate", tests);
}
