/* SPDX-License-Identifier: MIT
 *
 * authcache.c - "this Authorization header already verified against this
 * stored hash", so that a pile reconnecting does not cost a PBKDF2 run.
 *
 * The key is SHA-256 over (identity, stored hash, salt, iterations, the
 * whole header).  Only the digest is kept, never the header, so the cache
 * holds no secret that the store does not already hold in stronger form.
 * Because the stored hash is part of the key, a password change or a
 * promoted rotation can never be answered from a stale entry.  Direct
 * mapped, fixed size, no allocation after creation: a collision just
 * costs one more PBKDF2.  Memory only: lost on restart by design.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/gw_alloc.h"
#include "transport/transport_int.h"

struct authcache {
	size_t slots;
	unsigned char (*key)[32];
	unsigned char *used;
};

struct authcache *authcache_new(size_t slots)
{
	struct authcache *c = gw_calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->slots = slots ? slots : 1;
	c->key = gw_calloc(c->slots, 32);
	c->used = gw_calloc(c->slots, 1);
	if (!c->key || !c->used) {
		authcache_free(c);
		return NULL;
	}
	return c;
}

void authcache_free(struct authcache *c)
{
	if (!c)
		return;
	gw_free(c->key);
	gw_free(c->used);
	gw_free(c);
}

void authcache_key(const char *identity, const unsigned char hash[32],
		   const unsigned char salt[16], int iterations, const char *hdr,
		   size_t hdrlen, unsigned char key[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char it[4] = { (unsigned char)(iterations >> 24), (unsigned char)(iterations >> 16),
				(unsigned char)(iterations >> 8), (unsigned char)iterations };
	unsigned int outlen = 32;

	memset(key, 0, 32);
	if (!md)
		return; /* all-zero key: never stored (see authcache_put) */
	if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(md, identity, strlen(identity) + 1) ||
	    !EVP_DigestUpdate(md, hash, 32) || !EVP_DigestUpdate(md, salt, 16) ||
	    !EVP_DigestUpdate(md, it, 4) || !EVP_DigestUpdate(md, hdr, hdrlen) ||
	    !EVP_DigestFinal_ex(md, key, &outlen))
		memset(key, 0, 32);
	EVP_MD_CTX_free(md);
}

static size_t slot_of(const struct authcache *c, const unsigned char key[32])
{
	size_t h = 0;

	memcpy(&h, key, sizeof(h));
	return h % c->slots;
}

static int key_is_zero(const unsigned char key[32])
{
	static const unsigned char zero[32];

	return !memcmp(key, zero, 32);
}

int authcache_has(const struct authcache *c, const unsigned char key[32])
{
	size_t i;

	if (!c || key_is_zero(key))
		return 0;
	i = slot_of(c, key);
	return c->used[i] && !CRYPTO_memcmp(c->key[i], key, 32);
}

void authcache_put(struct authcache *c, const unsigned char key[32])
{
	size_t i;

	if (!c || key_is_zero(key))
		return;
	i = slot_of(c, key);
	memcpy(c->key[i], key, 32);
	c->used[i] = 1;
}
