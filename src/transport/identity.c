/* SPDX-License-Identifier: MIT
 *
 * identity.c - the charge point identity from the request path.
 *
 * First step of the handshake checklist (handshake.c).  lws 4.1.6 has
 * already percent-decoded the path while parsing (lws_parse_urldecode:
 * %XX decoded, '+' turned into ' ', "//", "/./", "/../" folded, %00
 * refused), so this file only cuts and checks; decoding again would turn
 * "%2541" into "A".  Rules (OCPP 2.0.1 Part 4 §3.1.1, identifierString, and
 * the Basic-auth username it must equal): 1..48 bytes, no ':', no '/', no
 * '\\', no control bytes, valid UTF-8.
 */
#include <string.h>

#include "common/gw_err.h"
#include "transport/transport_int.h"

/* Length of the UTF-8 sequence at s (1..4), 0 if invalid (overlong,
 * surrogate, > U+10FFFF, truncated). */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int identity_valid(const char *id, size_t len)
{
	const unsigned char *s = (const unsigned char *)id;

	if (!id || len == 0 || len > GW_IDENTITY_MAX)
		return GW_EFORMAT;
	for (size_t i = 0; i < len;) {
		size_t n;

		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == ':' || s[i] == '/' || s[i] == '\\')
			return GW_EFORMAT;
		n = utf8_seq(s + i, len - i);
		if (!n)
			return GW_EFORMAT;
		/* C1 controls U+0080..U+009F are encoded C2 80..C2 9F */
		if (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0)
			return GW_EFORMAT;
		i += n;
	}
	return GW_OK;
}

int identity_from_path(const char *prefix, const char *path, size_t path_len,
		       char out[GW_IDENTITY_MAX + 1])
{
	size_t plen = strlen(prefix);
	const char *id;
	size_t idlen;

	/* a configured prefix "/ocpp/" or "/" must not double the slash */
	while (plen && prefix[plen - 1] == '/')
		plen--;
	if (path_len < plen + 1 || memcmp(path, prefix, plen) || path[plen] != '/')
		return GW_ENOTFOUND;
	id = path + plen + 1;
	idlen = path_len - plen - 1;
	if (idlen > GW_IDENTITY_MAX)
		return GW_EFORMAT;
	memcpy(out, id, idlen);
	out[idlen] = '\0';
	for (size_t i = 0; i < idlen; i++)
		if (out[i] == ' ')
			out[i] = '+';
	return identity_valid(out, idlen);
}
