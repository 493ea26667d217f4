/* SPDX-License-Identifier: MIT
 *
 * order_number.h - short, human-friendly order numbers (DESIGN.md "Orders").
 *
 * An order number is the order's 64-bit id in Crockford base32 (0-9 A-Z
 * without I L O U), most significant digit first, no padding, followed by
 * Crockford's mod-37 check symbol (0-9 A-Z then * ~ $ = U for 32..36), the
 * whole grouped by four with hyphens from the left: id 1000 -> "Z81",
 * 2^40 -> "1000-0000-0G".  The check symbol catches every single-symbol
 * substitution and every adjacent transposition of two digits.  Pure
 * functions, no allocation.
 */
#ifndef DOMAIN_BILLING_ORDER_NUMBER_H
#define DOMAIN_BILLING_ORDER_NUMBER_H
#include <stddef.h>
#include <stdint.h>

/* 13 digits (2^64 needs 65 bits) + 1 check + 3 hyphens + NUL */
#define ORDER_NUMBER_BUFSZ 18

/* Longest input order_number_parse() looks at, in bytes (full-width forms
 * take 3 bytes a symbol, separators count too). */
#define ORDER_NUMBER_INPUT_MAX 256

/* Write id's order number into buf (cap bytes, NUL-terminated).
 * GW_OK, or GW_ETOOBIG when cap < the length + 1 (buf is then "" if cap > 0).
 * Any time, any thread. */
int order_number_format(uint64_t id, char *buf, size_t cap);

/* Parse len bytes of s (UTF-8, not necessarily NUL-terminated) back to the
 * id.  Forgiving about what people type: lower case, O/o -> 0, I/i/L/l -> 1,
 * spaces, tabs and hyphens anywhere are ignored, and the full-width forms
 * U+FF01..U+FF5E (digits, letters, hyphen, check symbols) and U+3000
 * (ideographic space) are folded to ASCII first, as are the dashes U+2010..
 * U+2015 and U+2212.
 * Returns GW_OK with *id set; GW_ECONSTRAINT when the symbols are well formed
 * but the check symbol does not match or the value does not fit in 64 bits
 * (never "the nearest valid number"); GW_EFORMAT for anything else (empty,
 * a symbol outside the alphabet, U in a digit position, too long). */
int order_number_parse(const char *s, size_t len, uint64_t *id);

#endif
