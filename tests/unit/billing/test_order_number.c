/* SPDX-License-Identifier: MIT
 *
 * test_order_number.c - Crockford base32 order numbers: known values, round
 * trips, every single-symbol substitution caught, the typo mappings, full-
 * width input, garbage.
 */
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "domain/billing/order_number.h"
#include "test_billing.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

static int parse(const char *s, uint64_t *id)
{
	return order_number_parse(s, strlen(s), id);
}

static void test_known(void)
{
	static const struct {
		uint64_t id;
		const char *text;
	} rows[] = {
		{0, "00"},
		{1, "11"},
		{31, "ZZ"},
		{32, "10*"},  /* check 32 = '*' */
		{36, "14U"},  /* 36 = 1 x 32 + 4, check 36 = 'U' */
		{1000, "Z81"},
		{1ULL << 40, "1000-0000-0G"},
		{UINT64_MAX, "FZZZ-ZZZZ-ZZZZ-ZB"},
	};
	char buf[ORDER_NUMBER_BUFSZ];
	uint64_t id;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CU_ASSERT_EQUAL(order_number_format(rows[i].id, buf, sizeof(buf)), GW_OK);
		CU_ASSERT_STRING_EQUAL(buf, rows[i].text);
		CU_ASSERT_EQUAL(parse(buf, &id), GW_OK);
		CU_ASSERT_EQUAL(id, rows[i].id);
	}
	CU_ASSERT_EQUAL(order_number_format(UINT64_MAX, buf, 17), GW_ETOOBIG);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(order_number_format(UINT64_MAX, buf, 18), GW_OK);
}

static uint64_t next_rand(uint64_t *s)
{
	/* splitmix64: deterministic, no libc rand state */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void test_round_trip(void)
{
	uint64_t seed = 42, id, back;
	char buf[ORDER_NUMBER_BUFSZ];

	for (int i = 0; i < 20000; i++) {
		id = next_rand(&seed) >> (next_rand(&seed) % 64); /* every magnitude */
		CU_ASSERT_EQUAL_FATAL(order_number_format(id, buf, sizeof(buf)), GW_OK);
		CU_ASSERT_EQUAL_FATAL(parse(buf, &back), GW_OK);
		CU_ASSERT_EQUAL_FATAL(back, id);
	}
}

/* Replace each symbol of each number by every other symbol of the
 * alphabet: never GW_OK, and GW_ECONSTRAINT whenever it is still well formed. */
static void test_substitution(void)
{
	uint64_t seed = 7, id, back;
	char buf[ORDER_NUMBER_BUFSZ], typo[ORDER_NUMBER_BUFSZ];
	long tried = 0;

	for (int i = 0; i < 300; i++) {
		id = next_rand(&seed) >> (next_rand(&seed) % 64);
		order_number_format(id, buf, sizeof(buf));
		for (size_t pos = 0; buf[pos]; pos++) {
			if (buf[pos] == '-')
				continue;
			for (size_t a = 0; a < 37; a++) {
				int rc;

				if (alphabet[a] == buf[pos])
					continue;
				memcpy(typo, buf, sizeof(buf));
				typo[pos] = alphabet[a];
				rc = parse(typo, &back);
				tried++;
				CU_ASSERT_NOT_EQUAL_FATAL(rc, GW_OK);
				CU_ASSERT_EQUAL_FATAL(rc, a < 32 || buf[pos + 1] == '\0'
								  ? GW_ECONSTRAINT
								  : GW_EFORMAT);
			}
		}
	}
	CU_ASSERT(tried > 50000);
}

static void test_transposition(void)
{
	uint64_t seed = 9, id, back;
	char buf[ORDER_NUMBER_BUFSZ], sw[ORDER_NUMBER_BUFSZ];

	for (int i = 0; i < 2000; i++) {
		size_t len;

		id = next_rand(&seed);
		order_number_format(id, buf, sizeof(buf));
		len = strlen(buf);
		for (size_t p = 0; p + 2 < len; p++) { /* digits only, not the check */
			size_t q = buf[p + 1] == '-' ? p + 2 : p + 1;

			if (buf[p] == '-' || buf[p] == buf[q] || buf[q + 1] == '\0')
				continue;
			memcpy(sw, buf, sizeof(buf));
			sw[p] = buf[q];
			sw[q] = buf[p];
			CU_ASSERT_EQUAL_FATAL(parse(sw, &back), GW_ECONSTRAINT);
		}
	}
}

static void test_typos(void)
{
	static const struct {
		const char *in;
		uint64_t id;
		int rc;
	} rows[] = {
		{"z81", 1000, GW_OK},
		{"Z 8 1", 1000, GW_OK},
		{" z-8-1 ", 1000, GW_OK},
		{"Z81\t", 1000, GW_OK},
		{"oo", 0, GW_OK},            /* O -> 0 */
		{"0O", 0, GW_OK},
		{"Il", 1, GW_OK},            /* I and l -> 1 */
		{"iL", 1, GW_OK},
		{"1o00-ooOo-og", 1ULL << 40, GW_OK},
		{"14u", 36, GW_OK},          /* u as check symbol */
		{"Z82", 0, GW_ECONSTRAINT},  /* wrong check */
		{"Z8", 0, GW_ECONSTRAINT},   /* check dropped: 8 is not Z's check */
		{"G000-0000-0000-00", 0, GW_ECONSTRAINT}, /* > 64 bits */
		{"", 0, GW_EFORMAT},
		{"   ", 0, GW_EFORMAT},
		{"1", 0, GW_EFORMAT},        /* a check alone */
		{"U1", 0, GW_EFORMAT},       /* U is only a check symbol */
		{"*0", 0, GW_EFORMAT},
		{"Z8#1", 0, GW_EFORMAT},
		{"Z8.1", 0, GW_EFORMAT},
		{"Z8\xC3\xA9" "1", 0, GW_EFORMAT}, /* e-acute: 2-byte UTF-8 */
		{"Z8\xEF\xBC", 0, GW_EFORMAT},  /* truncated full-width */
		{"Z8\xE2\x82\xAC" "1", 0, GW_EFORMAT}, /* euro sign */
	};
	uint64_t id;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		id = 99;
		CU_ASSERT_EQUAL(parse(rows[i].in, &id), rows[i].rc);
		if (rows[i].rc == GW_OK)
			CU_ASSERT_EQUAL(id, rows[i].id);
	}
	CU_ASSERT_EQUAL(order_number_parse(NULL, 0, &id), GW_EFORMAT);
	{
		char big[ORDER_NUMBER_INPUT_MAX + 2];

		memset(big, '0', sizeof(big));
		CU_ASSERT_EQUAL(order_number_parse(big, sizeof(big), &id), GW_EFORMAT);
		CU_ASSERT_EQUAL(order_number_parse(big, ORDER_NUMBER_INPUT_MAX, &id), GW_OK);
		CU_ASSERT_EQUAL(id, 0);
	}
}

static void test_full_width(void)
{
	/* "Ｚ８－１" and "ｚ８　１", full-width Z 8 hyphen 1 / z 8 ideographic-space 1 */
	static const char *const in[] = {
		"\xEF\xBC\xBA\xEF\xBC\x98\xEF\xBC\x8D\xEF\xBC\x91",
		"\xEF\xBD\x9A\xEF\xBC\x98\xE3\x80\x80\xEF\xBC\x91",
		"Z\xEF\xBC\x98\xE2\x80\x90" "1",        /* mixed, U+2010 hyphen */
		"\xEF\xBC\xBA" "8\xE2\x88\x92\xEF\xBD\x8C", /* U+2212 minus, full-width l */
	};
	uint64_t id;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		id = 0;
		CU_ASSERT_EQUAL(parse(in[i], &id), GW_OK);
		CU_ASSERT_EQUAL(id, 1000);
	}
	/* full-width U (U+FF35) as the check of 36; full-width '*' as check 32 */
	CU_ASSERT_EQUAL(parse("14\xEF\xBC\xB5", &id), GW_OK);
	CU_ASSERT_EQUAL(id, 36);
	CU_ASSERT_EQUAL(parse("10\xEF\xBC\x8A", &id), GW_OK);
	CU_ASSERT_EQUAL(id, 32);
	/* full-width wrong check still refused */
	CU_ASSERT_EQUAL(parse("\xEF\xBC\xBA\xEF\xBC\x98\xEF\xBC\x92", &id), GW_ECONSTRAINT);
}

int test_order_number_register(void)
{
	static CU_TestInfo tests[] = {
		{"known values and buffer size", test_known},
		{"round trip of 20000 ids", test_round_trip},
		{"every single substitution is caught", test_substitution},
		{"adjacent digit transpositions are caught", test_transposition},
		{"typo mappings and garbage", test_typos},
		{"full-width and dash forms", test_full_width},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("order_number", tests);
}
