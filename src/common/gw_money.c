/* SPDX-License-Identifier: MIT
 *
 * gw_money.c - see gw_money.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "common/gw_money.h"

char *gw_money_text(int64_t amount_minor, int minor_exp, char *buf, size_t size)
{
	static const uint64_t pow10[] = {1, 10, 100, 1000, 10000};
	int exp = minor_exp < 0 ? 0 : minor_exp > 4 ? 4 : minor_exp;
	/* magnitude in unsigned arithmetic: -INT64_MIN does not fit int64 */
	uint64_t mag = amount_minor < 0 ? 0 - (uint64_t)amount_minor : (uint64_t)amount_minor;
	const char *sign = amount_minor < 0 ? "-" : "";

	if (exp == 0)
		snprintf(buf, size, "%s%" PRIu64, sign, mag);
	else
		snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, sign, mag / pow10[exp], exp,
			 mag % pow10[exp]);
	return buf;
}

struct json_object *gw_money_json(int64_t amount_minor, int minor_exp)
{
	char buf[GW_MONEY_STRLEN];

	gw_money_text(amount_minor, minor_exp, buf, sizeof(buf));
	return json_object_new_double_s(strtod(buf, NULL), buf);
}
