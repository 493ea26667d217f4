/* SPDX-License-Identifier: MIT
 *
 * password.h - salted password hashes for Basic auth (OCPP A01.FR.08:
 * "store only salted password hashes").  PBKDF2-HMAC-SHA256, 16-byte
 * random salt, 32-byte hash, iterations stored beside each hash so they
 * can be raised later without breaking old rows.  Passwords are raw bytes
 * (a 1.6 AuthorizationKey may contain NUL): always pass the length.
 */
#ifndef TRANSPORT_PASSWORD_H
#define TRANSPORT_PASSWORD_H
#include <stddef.h>

#define PASSWORD_SALT_LEN 16
#define PASSWORD_HASH_LEN 32
/* Default work factor for new hashes.  Measured on the 2-core CI machine
 * (src/transport/README.md): 1.8 ms per verification at 10000, 17.8 ms at
 * 100000.  Verification runs on the loop thread; a reconnect storm after a
 * restart verifies every pile once (the auth cache is memory only), so
 * 10k piles cost ~18 s of loop time here against ~3 min at 100000.  OCPP
 * passwords are random per pile (A01.FR.06/07, >= 16 bytes), so the work
 * factor guards a stolen table, not guessable human passwords. */
#define PASSWORD_ITERATIONS_DEFAULT 10000
#define PASSWORD_ITERATIONS_MIN 1000
#define PASSWORD_ITERATIONS_MAX 10000000

/* out = PBKDF2-HMAC-SHA256(pw, salt, iterations).  GW_OK, GW_EINVAL
 * (iterations out of range, NULL out), GW_EINTERNAL (OpenSSL failed). */
int password_hash(const unsigned char *pw, size_t len, const unsigned char salt[16],
		  int iterations, unsigned char out[32]);

/* A fresh random salt (RAND_bytes) and the hash of pw under it.
 * iterations <= 0 means PASSWORD_ITERATIONS_DEFAULT.  GW_OK or as above. */
int password_new(const unsigned char *pw, size_t len, int iterations,
		 unsigned char salt_out[16], unsigned char hash_out[32]);

/* GW_OK if pw hashes to hash under salt/iterations, compared in constant
 * time (CRYPTO_memcmp); GW_EAUTH if not; GW_EINVAL/GW_EINTERNAL. */
int password_verify(const unsigned char *pw, size_t len, const unsigned char salt[16],
		    int iterations, const unsigned char hash[32]);

#endif
