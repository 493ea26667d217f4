/* SPDX-License-Identifier: MIT
 *
 * password.c - PBKDF2-HMAC-SHA256 password hashes (see password.h).
 * Used by the handshake (verify) and by whoever stores a new password
 * (the API and the rotation flow: password_new).
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/gw_err.h"
#include "transport/password.h"

int password_hash(const unsigned char *pw, size_t len, const unsigned char salt[16],
		  int iterations, unsigned char out[32])
{
	static const unsigned char empty[1];

	if (!out || !salt || iterations < PASSWORD_ITERATIONS_MIN ||
	    iterations > PASSWORD_ITERATIONS_MAX || len > 1024)
		return GW_EINVAL;
	if (!PKCS5_PBKDF2_HMAC((const char *)(pw ? pw : empty), (int)len, salt,
			       PASSWORD_SALT_LEN, iterations, EVP_sha256(),
			       PASSWORD_HASH_LEN, out))
		return GW_EINTERNAL;
	return GW_OK;
}

int password_new(const unsigned char *pw, size_t len, int iterations,
		 unsigned char salt_out[16], unsigned char hash_out[32])
{
	if (iterations <= 0)
		iterations = PASSWORD_ITERATIONS_DEFAULT;
	if (!salt_out || RAND_bytes(salt_out, PASSWORD_SALT_LEN) != 1)
		return salt_out ? GW_EINTERNAL : GW_EINVAL;
	return password_hash(pw, len, salt_out, iterations, hash_out);
}

int password_verify(const unsigned char *pw, size_t len, const unsigned char salt[16],
		    int iterations, const unsigned char hash[32])
{
	unsigned char got[PASSWORD_HASH_LEN];
	int rc;

	if (!hash)
		return GW_EINVAL;
	rc = password_hash(pw, len, salt, iterations, got);
	if (rc == GW_OK && CRYPTO_memcmp(got, hash, PASSWORD_HASH_LEN))
		rc = GW_EAUTH;
	OPENSSL_cleanse(got, sizeof(got));
	return rc;
}
