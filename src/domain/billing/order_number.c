/* SPDX-License-Identifier: MIT
 *
 * order_number.c - Crockford base32 order numbers with a mod-37 check symbol.
 *
 * Parsing folds what people type (case, O/I/L look-alikes, full-width forms,
 * separators) to the canonical alphabet first, then decodes strictly: the
 * last symbol is the check, every other one a digit.  A mismatch is reported,
 * never repaired (see order_number.h).
 */
#include <string.h>

#include "common/gw_err.h"
#include "domain/billing/order_number.h"

/* Crockford's 37 symbols: 0..31 are digits, 32..36 only appear as check. */
static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

#define DIGITS_MAX 13 /* significant digits of a uint64_t in base 32 */

int order_number_format(uint64_t id, char *buf, size_t cap)
{
	char raw[DIGITS_MAX + 1];
	size_t n = 0, len, out = 0;
	uint64_t v = id;

	do {
		raw[n++] = symbols[v % 32];
		v /= 32;
	} while (v);
	/* raw holds the digits least significant first; the check goes last */
	len = n + 1 + n / 4; /* symbols + a hyphen after every full group of 4 */
	if (cap < len + 1) {
		if (cap)
			buf[0] = '\0';
		return GW_ETOOBIG;
	}
	for (size_t i = 0; i < n + 1; i++) {
		if (i && i % 4 == 0)
			buf[out++] = '-';
		buf[out++] = i < n ? raw[n - 1 - i] : symbols[id % 37];
	}
	buf[out] = '\0';
	return GW_OK;
}

/* Value of one folded ASCII symbol, or -1.  Applies Crockford's decoding
 * aliases: O -> 0, I and L -> 1, any case. */
static int symbol_value(unsigned char c)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c == 'O')
		return 0;
	if (c == 'I' || c == 'L')
		return 1;
	if (c == '\0')
		return -1;
	p = strchr(symbols, c);
	return p ? (int)(p - symbols) : -1;
}

/* Fold one UTF-8 sequence at s[*i] to ASCII and advance *i.  Returns the
 * ASCII byte, or -1 for a sequence we do not know (garbage). */
static int fold_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned cp;

	if (s[*i] < 0x80)
		return s[(*i)++];
	if (*i + 3 > len || (s[*i] & 0xF0) != 0xE0 || (s[*i + 1] & 0xC0) != 0x80 ||
	    (s[*i + 2] & 0xC0) != 0x80)
		return -1;
	cp = ((unsigned)(s[*i] & 0x0F) << 12) | ((unsigned)(s[*i + 1] & 0x3F) << 6) |
	     (unsigned)(s[*i + 2] & 0x3F);
	*i += 3;
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII block */
		return (int)(cp - 0xFEE0);
	if (cp == 0x3000) /* ideographic space */
		return ' ';
	if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212) /* dashes, minus */
		return '-';
	return -1;
}

int order_number_parse(const char *s, size_t len, uint64_t *id)
{
	int vals[ORDER_NUMBER_INPUT_MAX];
	size_t n = 0, i = 0;
	uint64_t v = 0;
	int c;

	if (!s || len > ORDER_NUMBER_INPUT_MAX)
		return GW_EFORMAT;
	while (i < len) {
		c = fold_next((const unsigned char *)s, len, &i);
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c < 0 || (vals[n++] = symbol_value((unsigned char)c)) < 0)
			return GW_EFORMAT;
	}
	if (n < 2)
		return GW_EFORMAT; /* at least one digit and the check */
	for (i = 0; i + 1 < n; i++) {
		if (vals[i] >= 32)
			return GW_EFORMAT; /* a check-only symbol in a digit position */
		if (v > (UINT64_MAX >> 5))
			return GW_ECONSTRAINT; /* well formed, but no 64-bit id */
		v = (v << 5) | (uint64_t)vals[i];
	}
	if ((uint64_t)vals[n - 1] != v % 37)
		return GW_ECONSTRAINT;
	*id = v;
	return GW_OK;
}
