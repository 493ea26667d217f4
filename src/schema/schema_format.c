/* SPDX-License-Identifier: MIT
 *
 * schema_format.c - string checks used while validating: code-point
 * counting, the "date-time" and "uri" formats, and quoting a pile's value
 * safely into an error message (it may end up in a log line and in a
 * CALLERROR description, so no control bytes and a bounded length).
 */
#include <stdint.h>
#include <string.h>

#include "common/gw_time.h"
#include "schema/schema_int.h"

#define QUOTE_MAX 40 /* bytes of a pile's value shown in a message */

size_t schema_utf8_count(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* gw_time_parse() decides, so the validator and the handlers that read the
 * time afterwards agree on every string (see gw_time.h for what it
 * tolerates beyond RFC 3339). */
int schema_check_date_time(const char *s, size_t len)
{
	int64_t at_ms;

	return gw_time_parse(s, len, &at_ms) == 0 ? 0 : -1;
}

static int is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
 * Beyond that only whitespace and control bytes are refused: piles send
 * firmware and log locations in every shape, the far end will judge them. */
int schema_check_uri(const char *s, size_t len)
{
	size_t i = 0;

	if (!len || !is_alpha((unsigned char)s[0]))
		return -1;
	while (i < len && (is_alpha((unsigned char)s[i]) || (s[i] >= '0' && s[i] <= '9') ||
			   s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (i == len || s[i] != ':')
		return -1;
	for (; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7F)
			return -1;
	return 0;
}

void schema_quote_value(char *dst, size_t dstlen, const char *s, size_t len)
{
	size_t n = len > QUOTE_MAX ? QUOTE_MAX : len, o = 0;

	if (!dstlen)
		return;
	/* do not cut a UTF-8 sequence in half */
	while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	for (size_t i = 0; i < n && o + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[o++] = (c < 0x20 || c == 0x7F || c == '\'' || c == '"' || c == '\\') ? '?' : (char)c;
	}
	if (n < len)
		for (const char *e = "..."; *e && o + 1 < dstlen; e++)
			dst[o++] = *e;
	dst[o] = '\0';
}
