/* SPDX-License-Identifier: MIT
 *
 * sign.c - the webhook signature of DESIGN.md "Partners and disputes":
 * HMAC-SHA256(secret, timestamp + "." + body), hex, with OpenSSL 3's
 * EVP_MAC.  Outbound deliveries are signed here; inbound partner calls
 * (disputes) are checked here, with a maximum clock skew and a
 * constant-time compare (CRYPTO_memcmp) so the check leaks no prefix.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "common/gw_err.h"
#include "hooks/hooks.h"

#define MAC_LEN 32

/* raw = HMAC-SHA256(secret, ts "." body); GW_OK or GW_EINTERNAL. */
static int mac(const char *secret, const char *ts, size_t ts_len, const char *body,
	       size_t body_len, unsigned char raw[MAC_LEN])
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[2];
	size_t out_len = 0;
	int rc = GW_EINTERNAL;

	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params) ||
	    !EVP_MAC_update(ctx, (const unsigned char *)ts, ts_len) ||
	    !EVP_MAC_update(ctx, (const unsigned char *)".", 1) ||
	    (body_len && !EVP_MAC_update(ctx, (const unsigned char *)body, body_len)) ||
	    !EVP_MAC_final(ctx, raw, &out_len, MAC_LEN) || out_len != MAC_LEN)
		goto out;
	rc = GW_OK;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return rc;
}

int hook_sign(const char *secret, int64_t ts_s, const char *body, size_t body_len,
	      char hex[HOOK_SIG_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[MAC_LEN];
	char ts[24];
	int len, rc;

	if (!secret || !hex || (!body && body_len))
		return GW_EINVAL;
	len = snprintf(ts, sizeof(ts), "%lld", (long long)ts_s);
	rc = mac(secret, ts, (size_t)len, body, body_len, raw);
	if (rc != GW_OK)
		return rc;
	for (int i = 0; i < MAC_LEN; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[HOOK_SIG_HEX_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return GW_OK;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A strict Unix time: 1 to 12 digits, nothing else. */
static int parse_ts(const char *text, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;

	for (; text[n]; n++) {
		if (text[n] < '0' || text[n] > '9' || n >= 12)
			return GW_EAUTH;
		v = v * 10 + (text[n] - '0');
	}
	if (!n)
		return GW_EAUTH;
	*out = v;
	return GW_OK;
}

int hook_verify(const char *secret, const char *ts_text, const char *sig_hex, const char *body,
		size_t body_len, int64_t now_s, int max_skew_s)
{
	unsigned char want[MAC_LEN], got[MAC_LEN];
	int64_t ts, skew;
	int rc;

	if (!secret || !ts_text || !sig_hex || (!body && body_len))
		return GW_EAUTH;
	if (parse_ts(ts_text, &ts) != GW_OK || strlen(sig_hex) != HOOK_SIG_HEX_LEN)
		return GW_EAUTH;
	for (int i = 0; i < MAC_LEN; i++) {
		int hi = hexval((unsigned char)sig_hex[2 * i]);
		int lo = hexval((unsigned char)sig_hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return GW_EAUTH;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	rc = mac(secret, ts_text, strlen(ts_text), body, body_len, want);
	if (rc != GW_OK)
		return GW_EAUTH;
	rc = CRYPTO_memcmp(want, got, MAC_LEN) == 0 ? GW_OK : GW_EAUTH;
	OPENSSL_cleanse(want, sizeof(want));
	if (rc != GW_OK)
		return rc;
	/* the signature covers the timestamp, so a replay cannot refresh it:
	 * judge freshness only once the signature is known good */
	skew = now_s > ts ? now_s - ts : ts - now_s;
	return skew > (int64_t)max_skew_s ? GW_ETIMEOUT : GW_OK;
}
