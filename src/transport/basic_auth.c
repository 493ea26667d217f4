/* SPDX-License-Identifier: MIT
 *
 * basic_auth.c - the HTTP Basic Authorization header (RFC 7617) as OCPP
 * uses it (1.6 security whitepaper A00.FR.202-206, 2.0.1 A00.FR.201-206).
 *
 * The password is raw octets: a 1.6 AuthorizationKey is random binary and
 * may hold 0x00 and ':' after base64 decoding, so nothing here treats it
 * as a C string, and nothing here logs.  The username (the identity) ends
 * at the first ':', which is why identities may not contain one.
 */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "common/gw_err.h"
#include "transport/transport_int.h"

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict standard base64; padding optional but, if present, correct.
 * Returns the decoded length or -1. */
static long b64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t o = 0, pad = 0;
	unsigned int acc = 0;
	int bits = 0;

	while (len && in[len - 1] == '=' && pad < 2)
		len--, pad++;
	if (pad && (len + pad) % 4)
		return -1;
	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = b64_val((unsigned char)in[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* leftover bits must be zero (canonical encoding) */
	if (bits && (acc & ((1u << bits) - 1)))
		return -1;
	return (long)o;
}

int basic_auth_parse(const char *hdr, size_t hdrlen, char user[GW_IDENTITY_MAX + 1],
		     unsigned char *pw, size_t pwcap, size_t *pwlen)
{
	unsigned char dec[GW_IDENTITY_MAX + 1 + BASIC_PW_MAX];
	const unsigned char *colon;
	long n;
	size_t ulen;
	int rc = GW_EFORMAT;

	if (!hdr || hdrlen < 6 || strncasecmp(hdr, "Basic ", 6))
		return GW_EFORMAT;
	hdr += 6, hdrlen -= 6;
	while (hdrlen && *hdr == ' ')
		hdr++, hdrlen--;
	while (hdrlen && (hdr[hdrlen - 1] == ' ' || hdr[hdrlen - 1] == '\t'))
		hdrlen--;
	n = b64_decode(hdr, hdrlen, dec, sizeof(dec));
	if (n < 0)
		goto out;
	colon = memchr(dec, ':', (size_t)n);
	if (!colon)
		goto out;
	ulen = (size_t)(colon - dec);
	if (ulen == 0 || ulen > GW_IDENTITY_MAX || memchr(dec, 0, ulen))
		goto out;
	if ((size_t)n - ulen - 1 > pwcap)
		goto out;
	memcpy(user, dec, ulen);
	user[ulen] = '\0';
	*pwlen = (size_t)n - ulen - 1;
	memcpy(pw, colon + 1, *pwlen);
	rc = GW_OK;
out:
	OPENSSL_cleanse(dec, sizeof(dec)); /* the password was in there */
	return rc;
}
