/* SPDX-License-Identifier: MIT
 *
 * auth.c - bearer tokens.  The config keeps only each token's SHA-256; the
 * presented token is hashed and compared with every configured hash in
 * constant time (CRYPTO_memcmp, no early exit), so neither the position
 * of a match nor a common prefix shows in the timing.  Tokens never reach
 * a log line.
 */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "api/api_int.h"
#include "common/gw_err.h"
#include "config.h"
#include "core/env.h"

int api_auth(const struct gw_env *env, const char *authorization, const struct gw_api_token **out)
{
	const struct gw_config *cfg = env->cfg;
	unsigned char h[SHA256_DIGEST_LENGTH];
	const char *tok;
	size_t len;
	int found = -1;

	*out = NULL;
	if (!authorization || strncasecmp(authorization, "Bearer ", 7))
		return GW_EAUTH;
	for (tok = authorization + 7; *tok == ' '; tok++)
		;
	len = strlen(tok);
	while (len && tok[len - 1] == ' ')
		len--;
	if (!len)
		return GW_EAUTH;
	SHA256((const unsigned char *)tok, len, h);
	for (int i = 0; i < cfg->n_api_tokens; i++)
		if (!CRYPTO_memcmp(h, cfg->api_tokens[i].sha256, sizeof(h)) && found < 0)
			found = i;
	OPENSSL_cleanse(h, sizeof(h));
	if (found < 0)
		return GW_EAUTH;
	*out = &cfg->api_tokens[found];
	return GW_OK;
}
