/* SPDX-License-Identifier: MIT
 *
 * gw_money.h - money as decimal text and as exact JSON numbers.  Amounts
 * live everywhere as int64 minor units with an exponent (EUR: 2, JPY: 0,
 * up to 4); turning them into "12.34" is done here, with integers only,
 * so no float rounding ever touches an amount a driver or partner reads.
 */
#ifndef GW_MONEY_H
#define GW_MONEY_H
#include <stddef.h>
#include <stdint.h>

struct json_object;

#define GW_MONEY_STRLEN 32 /* "-9223372036854775808" with a point and a NUL */

/* amount_minor / 10^minor_exp as text ("-0.05", "1200", "3.1416") into buf;
 * minor_exp is clamped to 0..4; INT64_MIN is fine.  Returns buf. */
char *gw_money_text(int64_t amount_minor, int minor_exp, char *buf, size_t size);

/* The same as a JSON number whose serialized text is exactly that decimal
 * (json_object_new_double_s); NULL when out of memory. */
struct json_object *gw_money_json(int64_t amount_minor, int minor_exp);

#endif
