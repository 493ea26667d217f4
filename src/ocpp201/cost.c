/* SPDX-License-Identifier: MIT
 *
 * cost.c - money on the 2.0.1 wire.  TransactionEventResponse.totalCost is a
 * JSON decimal; we hold integer minor units (DESIGN.md "Amount").  The
 * number is written from integers ("12.34") and attached to the json-c
 * double as its serialisation (json_object_new_double_s), so the wire text
 * is exact whatever the binary double is.
 */
#include <stdlib.h>
#include <string.h>

#include "common/gw_money.h"
#include "ocpp201/v201.h"

/* ISO 4217 currencies whose minor unit is not 1/100, sorted by strcmp
 * (bsearch).  Everything else has two decimals. */
static const struct v201_word currency_exp[] = {
	{"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0},
	{"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0},
	{"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0}, {"RWF", 0}, {"TND", 3},
	{"UGX", 0}, {"UYI", 0}, {"UYW", 4}, {"VND", 0}, {"VUV", 0}, {"XAF", 0},
	{"XOF", 0}, {"XPF", 0},
};

static int cmp_word(const void *key, const void *row)
{
	return strcmp((const char *)key, ((const struct v201_word *)row)->name);
}

int v201_currency_exp(const char *currency)
{
	const struct v201_word *w;

	if (!currency)
		return 2;
	w = bsearch(currency, currency_exp, V201_NWORDS(currency_exp), sizeof(currency_exp[0]),
		    cmp_word);
	return w ? w->value : 2;
}

struct json_object *v201_cost_json(int64_t amount_minor, const char *currency)
{
	return gw_money_json(amount_minor, v201_currency_exp(currency));
}
