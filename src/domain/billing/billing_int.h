/* SPDX-License-Identifier: MIT
 *
 * billing_int.h - private helpers of domain/billing: 128-bit integer maths
 * for money and energy.  Not for use outside this room.
 *
 * Every amount is computed as an exact rational num / den with den > 0 and
 * rounded once, half-up (towards +infinity at exactly .5).  Intermediate
 * products (mWh x price x 10^exp, Wh x ms) overflow int64 long before they
 * overflow 128 bits, hence __int128 (GCC and Clang on 64-bit targets).
 */
#ifndef DOMAIN_BILLING_INT_H
#define DOMAIN_BILLING_INT_H
#include <stdint.h>

__extension__ typedef __int128 billing_i128;

/* floor(num / den), den > 0 */
static inline billing_i128 billing_floor_div(billing_i128 num, billing_i128 den)
{
	billing_i128 q = num / den;

	return (num % den != 0 && num < 0) ? q - 1 : q;
}

/* num / den rounded half-up, den > 0: floor((2 num + den) / (2 den)) */
static inline int64_t billing_round(billing_i128 num, billing_i128 den)
{
	return (int64_t)billing_floor_div(2 * num + den, 2 * den);
}

static inline int64_t billing_min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static inline int64_t billing_max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

#endif
