/* SPDX-License-Identifier: MIT
 *
 * test_transport.c - CUnit suites for the socket-free parts of
 * src/transport: identity from path, Basic header parsing, password
 * hashes, subprotocol choice, the rate limiter (injected clock), the auth
 * cache and CSR signing.  The socket parts are covered end to end by
 * tests/e2e/transport.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "transport/password.h"
#include "transport/pki.h"
#include "transport/transport_int.h"

/* ---- identity ------------------------------------------------------- */

static int id_rc(const char *prefix, const char *path, char *out)
{
	return identity_from_path(prefix, path, strlen(path), out);
}

static void test_identity_path(void)
{
	char id[GW_IDENTITY_MAX + 1], path[128];

	CU_ASSERT_EQUAL(id_rc("/ocpp", "/ocpp/CP1", id), GW_OK);
	CU_ASSERT_STRING_EQUAL(id, "CP1");
	CU_ASSERT_EQUAL(id_rc("/ocpp/", "/ocpp/CP1", id), GW_OK); /* trailing slash in config */
	CU_ASSERT_STRING_EQUAL(id, "CP1");
	CU_ASSERT_EQUAL(id_rc("", "/CP1", id), GW_OK);
	CU_ASSERT_STRING_EQUAL(id, "CP1");
	CU_ASSERT_EQUAL(id_rc("/ocpp", "/other/CP1", id), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(id_rc("/ocpp", "/ocppCP1", id), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(id_rc("/ocpp", "/ocp", id), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(id_rc("/ocpp", "/ocpp/", id), GW_EFORMAT);
	CU_ASSERT_EQUAL(id_rc("/ocpp", "/ocpp/a/b", id), GW_EFORMAT);
	/* lws turned '+' into ' ': we turn it back */
	CU_ASSERT_EQUAL(id_rc("/ocpp", "/ocpp/CP 1", id), GW_OK);
	CU_ASSERT_STRING_EQUAL(id, "CP+1");
	/* already decoded by lws: a '%' is a literal '%', not decoded twice */
	CU_ASSERT_EQUAL(id_rc("/ocpp", "/ocpp/CP%41", id), GW_OK);
	CU_ASSERT_STRING_EQUAL(id, "CP%41");
	snprintf(path, sizeof(path), "/ocpp/%048d", 7);
	CU_ASSERT_EQUAL(id_rc("/ocpp", path, id), GW_OK);
	snprintf(path, sizeof(path), "/ocpp/%049d", 7);
	CU_ASSERT_EQUAL(id_rc("/ocpp", path, id), GW_EFORMAT);
}

static void test_identity_rules(void)
{
	CU_ASSERT_EQUAL(identity_valid("CP-1_x.y*z=|@+", 14), GW_OK);
	CU_ASSERT_EQUAL(identity_valid("Ladesäule", strlen("Ladesäule")), GW_OK);
	CU_ASSERT_EQUAL(identity_valid("", 0), GW_EFORMAT);
	CU_ASSERT_EQUAL(identity_valid("CP:1", 4), GW_EFORMAT);
	CU_ASSERT_EQUAL(identity_valid("CP/1", 4), GW_EFORMAT);
	CU_ASSERT_EQUAL(identity_valid("CP\\1", 4), GW_EFORMAT);
	CU_ASSERT_EQUAL(identity_valid("CP\x01", 3), GW_EFORMAT);
	CU_ASSERT_EQUAL(identity_valid("CP\x7f", 3), GW_EFORMAT);
	CU_ASSERT_EQUAL(identity_valid("CP\0X", 4), GW_EFORMAT);
	CU_ASSERT_EQUAL(identity_valid("CP\xc2\x85", 4), GW_EFORMAT);   /* C1 control */
	CU_ASSERT_EQUAL(identity_valid("CP\xc0\xaf", 4), GW_EFORMAT);   /* overlong */
	CU_ASSERT_EQUAL(identity_valid("CP\xed\xa0\x80", 5), GW_EFORMAT); /* surrogate */
	CU_ASSERT_EQUAL(identity_valid("CP\xe2\x82", 4), GW_EFORMAT);   /* truncated */
	CU_ASSERT_EQUAL(identity_valid("CP\xf5\x80\x80\x80", 6), GW_EFORMAT);
}

/* ---- Basic header ---------------------------------------------------- */

static void test_basic_parse(void)
{
	char user[GW_IDENTITY_MAX + 1];
	unsigned char pw[BASIC_PW_MAX];
	size_t n = 0;
	const char *h;

	h = "Basic Q1AxOnNlY3JldA=="; /* CP1:secret */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_OK);
	CU_ASSERT_STRING_EQUAL(user, "CP1");
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT(!memcmp(pw, "secret", 6));
	h = "basic   Q1AxOnNlY3JldA==  "; /* scheme is case-insensitive, spaces */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_OK);
	h = "Basic Q1AxOnNlY3JldA"; /* padding optional */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_OK);
	CU_ASSERT_EQUAL(n, 6);
	/* NUL and ':' inside a 1.6 AuthorizationKey: "CP1:\0pa:ss\0" */
	h = "Basic Q1AxOgBwYTpzcwA=";
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_OK);
	CU_ASSERT_STRING_EQUAL(user, "CP1");
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT(!memcmp(pw, "\0pa:ss\0", 7));
	/* empty password */
	h = "Basic Q1AxOg=="; /* "CP1:" */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);

	h = "Bearer Q1AxOnNlY3JldA==";
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_EFORMAT);
	h = "Basic Q1AxOnNl!3JldA==";
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_EFORMAT);
	h = "Basic Q1AxOnNlY3JldA="; /* wrong padding */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_EFORMAT);
	h = "Basic Q1Ax"; /* "CP1": no colon */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_EFORMAT);
	h = "Basic OnNlY3JldA=="; /* ":secret": empty user */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_EFORMAT);
	h = "Basic AEE6eA=="; /* "\0A:x": NUL in user */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, sizeof(pw), &n), GW_EFORMAT);
	h = "Basic Q1AxOnNlY3JldA=="; /* password longer than the caller's buffer */
	CU_ASSERT_EQUAL(basic_auth_parse(h, strlen(h), user, pw, 5, &n), GW_EFORMAT);
	CU_ASSERT_EQUAL(basic_auth_parse("Basic", 5, user, pw, sizeof(pw), &n), GW_EFORMAT);
	CU_ASSERT_EQUAL(basic_auth_parse(NULL, 0, user, pw, sizeof(pw), &n), GW_EFORMAT);
}

/* ---- password -------------------------------------------------------- */

static void unhex(const char *h, unsigned char *out)
{
	for (size_t i = 0; h[2 * i]; i++) {
		unsigned int b;

		sscanf(h + 2 * i, "%2x", &b);
		out[i] = (unsigned char)b;
	}
}

static void test_password(void)
{
	const unsigned char salt[16] = "0123456789abcdef";
	unsigned char out[32], want[32], s2[16], h2[32];

	/* vectors from Python hashlib.pbkdf2_hmac('sha256', pw, salt, 1000) */
	CU_ASSERT_EQUAL(password_hash((const unsigned char *)"password", 8, salt, 1000, out), GW_OK);
	unhex("8514638175a45bc45eb1f22f04ff7d27f4f8be480498c455ff4b494ce8d1e7d2", want);
	CU_ASSERT(!memcmp(out, want, 32));
	CU_ASSERT_EQUAL(password_hash((const unsigned char *)"a\0b:c", 5, salt, 1000, out), GW_OK);
	unhex("6df5cc967f068991d8a9bd93aaae691903a37b71600c22a9cfb919e288124f1e", want);
	CU_ASSERT(!memcmp(out, want, 32));

	CU_ASSERT_EQUAL(password_verify((const unsigned char *)"a\0b:c", 5, salt, 1000, want), GW_OK);
	CU_ASSERT_EQUAL(password_verify((const unsigned char *)"a", 1, salt, 1000, want), GW_EAUTH);
	CU_ASSERT_EQUAL(password_verify((const unsigned char *)"a\0b:d", 5, salt, 1000, want),
			GW_EAUTH);
	CU_ASSERT_EQUAL(password_hash((const unsigned char *)"x", 1, salt, 10, out), GW_EINVAL);

	CU_ASSERT_EQUAL(password_new((const unsigned char *)"pw", 2, 0, s2, h2), GW_OK);
	CU_ASSERT_EQUAL(password_verify((const unsigned char *)"pw", 2, s2,
					PASSWORD_ITERATIONS_DEFAULT, h2), GW_OK);
	CU_ASSERT_EQUAL(password_new((const unsigned char *)"pw", 2, 1000, s2, out), GW_OK);
	CU_ASSERT(memcmp(h2, out, 32)); /* fresh salt each time */
}

/* ---- subprotocol ----------------------------------------------------- */

static enum ocpp_version choose(const char *s)
{
	return subprotocol_choose(s, strlen(s));
}

static void test_subprotocol(void)
{
	CU_ASSERT_EQUAL(choose("ocpp1.6"), OCPP_16);
	CU_ASSERT_EQUAL(choose("ocpp2.0.1"), OCPP_201);
	CU_ASSERT_EQUAL(choose("ocpp2.0.1, ocpp1.6"), OCPP_201);
	CU_ASSERT_EQUAL(choose("ocpp1.6,ocpp2.0.1"), OCPP_16);
	CU_ASSERT_EQUAL(choose("ocpp2.0, ocpp1.5 ,  ocpp1.6"), OCPP_16);
	CU_ASSERT_EQUAL(choose("OCPP1.6"), OCPP_NONE); /* lws matches exactly */
	CU_ASSERT_EQUAL(choose("ocpp1.6x"), OCPP_NONE);
	CU_ASSERT_EQUAL(choose("ocpp1"), OCPP_NONE);
	CU_ASSERT_EQUAL(choose(""), OCPP_NONE);
	CU_ASSERT_EQUAL(subprotocol_choose(NULL, 0), OCPP_NONE);
	CU_ASSERT_STRING_EQUAL(subprotocol_name(OCPP_201), "ocpp2.0.1");
}

/* ---- rate limiter (time injected) ------------------------------------ */

static void test_ratelimit(void)
{
	struct ratelimit *rl = ratelimit_new(3, 4);

	gw_clock_set_fake(1000000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rl);
	CU_ASSERT_FALSE(ratelimit_blocked(rl, "CP1"));
	ratelimit_fail(rl, "CP1");
	ratelimit_fail(rl, "CP1");
	CU_ASSERT_FALSE(ratelimit_blocked(rl, "CP1"));
	ratelimit_fail(rl, "CP1");
	CU_ASSERT_TRUE(ratelimit_blocked(rl, "CP1"));
	CU_ASSERT_FALSE(ratelimit_blocked(rl, "CP2"));
	gw_clock_advance(59999);
	CU_ASSERT_TRUE(ratelimit_blocked(rl, "CP1"));
	gw_clock_advance(1); /* the window is over */
	CU_ASSERT_FALSE(ratelimit_blocked(rl, "CP1"));
	ratelimit_fail(rl, "CP1"); /* a new window starts at 1 */
	CU_ASSERT_FALSE(ratelimit_blocked(rl, "CP1"));

	/* bounded: past max_entries new identities are not tracked */
	ratelimit_fail(rl, "A");
	ratelimit_fail(rl, "B");
	ratelimit_fail(rl, "C");
	CU_ASSERT_EQUAL(ratelimit_size(rl), 4);
	ratelimit_fail(rl, "D");
	CU_ASSERT_EQUAL(ratelimit_size(rl), 4);
	gw_clock_advance(60000);
	ratelimit_sweep(rl);
	CU_ASSERT_EQUAL(ratelimit_size(rl), 0);
	ratelimit_fail(rl, "D");
	CU_ASSERT_EQUAL(ratelimit_size(rl), 1);
	ratelimit_free(rl);

	rl = ratelimit_new(0, 10); /* limit 0 = off */
	ratelimit_fail(rl, "X");
	CU_ASSERT_FALSE(ratelimit_blocked(rl, "X"));
	ratelimit_free(rl);
	ratelimit_free(NULL);
	gw_clock_set_fake(0);
}

/* ---- auth cache ------------------------------------------------------ */

static void test_authcache(void)
{
	struct authcache *c = authcache_new(64);
	unsigned char h1[32] = { 1 }, h2[32] = { 2 }, salt[16] = { 3 }, k1[32], k2[32], k3[32];
	const char *hdr = "Basic Q1AxOnNlY3JldA==";

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	authcache_key("CP1", h1, salt, 1000, hdr, strlen(hdr), k1);
	authcache_key("CP1", h2, salt, 1000, hdr, strlen(hdr), k2); /* password changed */
	authcache_key("CP2", h1, salt, 1000, hdr, strlen(hdr), k3);
	CU_ASSERT_FALSE(authcache_has(c, k1));
	authcache_put(c, k1);
	CU_ASSERT_TRUE(authcache_has(c, k1));
	CU_ASSERT_FALSE(authcache_has(c, k2));
	CU_ASSERT_FALSE(authcache_has(c, k3));
	authcache_free(c);
}

/* ---- pki ------------------------------------------------------------- */

static EVP_PKEY *ec_key(void)
{
	return EVP_EC_gen("P-256");
}

static void name_add(X509_NAME *n, const char *field, const char *v)
{
	X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)v, -1, -1, 0);
}

/* Write a throwaway self-signed CA to dir/ca.pem, dir/ca.key. */
static void make_ca(const char *dir)
{
	EVP_PKEY *k = ec_key();
	X509 *c = X509_new();
	char path[512];
	FILE *f;

	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
	name_add(X509_get_subject_name(c), "CN", "unit CA");
	X509_set_issuer_name(c, X509_get_subject_name(c));
	X509_gmtime_adj(X509_getm_notBefore(c), 0);
	X509_gmtime_adj(X509_getm_notAfter(c), 86400);
	X509_set_pubkey(c, k);
	X509_sign(c, k, EVP_sha256());
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	f = fopen(path, "w");
	PEM_write_X509(f, c);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ca.key", dir);
	f = fopen(path, "w");
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	X509_free(c);
	EVP_PKEY_free(k);
}

/* A CSR for cn/o as PEM (gw_free it); tamper = 1 breaks the signature. */
static char *make_csr(const char *cn, const char *o, int tamper, size_t *len)
{
	EVP_PKEY *k = ec_key();
	X509_REQ *r = X509_REQ_new();
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	name_add(X509_REQ_get_subject_name(r), "CN", cn);
	if (o)
		name_add(X509_REQ_get_subject_name(r), "O", o);
	X509_REQ_set_pubkey(r, k);
	X509_REQ_sign(r, k, EVP_sha256());
	if (tamper) /* change the subject after signing */
		name_add(X509_REQ_get_subject_name(r), "OU", "evil");
	PEM_write_bio_X509_REQ(b, r);
	n = BIO_get_mem_data(b, &data);
	out = gw_malloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	BIO_free(b);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	return out;
}

static void test_pki(void)
{
	char dir[] = "/tmp/ocppgw-pki-XXXXXX", ca[600], key[600], why[128], *chain = NULL, *csr;
	size_t len;
	BIO *b;
	X509 *leaf;
	FILE *f;
	X509 *cacert;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	make_ca(dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(key, sizeof(key), "%s/ca.key", dir);

	csr = make_csr("CP1", "ocppgw dev CPO", 0, &len);
	CU_ASSERT_EQUAL(pki_sign_csr(ca, key, csr, len, "CP1", "dev CPO", 30, &chain, why,
				     sizeof(why)), GW_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(chain);
	CU_ASSERT_PTR_NOT_NULL(strstr(strstr(chain, "END CERTIFICATE"), "BEGIN CERTIFICATE"));
	b = BIO_new_mem_buf(chain, -1);
	leaf = PEM_read_bio_X509(b, NULL, NULL, NULL);
	f = fopen(ca, "r");
	cacert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(leaf);
	CU_ASSERT_EQUAL(X509_verify(leaf, X509_get0_pubkey(cacert)), 1);
	CU_ASSERT_EQUAL(X509_get_signature_nid(leaf), NID_ecdsa_with_SHA256);
	X509_free(leaf);
	X509_free(cacert);
	BIO_free(b);
	GW_FREE(chain);

	/* without an O expectation */
	CU_ASSERT_EQUAL(pki_sign_csr(ca, key, csr, len, "CP1", NULL, 30, &chain, why, sizeof(why)),
			GW_OK);
	GW_FREE(chain);
	CU_ASSERT_EQUAL(pki_sign_csr(ca, key, csr, len, "CP2", NULL, 30, &chain, why, sizeof(why)),
			GW_ECONSTRAINT);
	CU_ASSERT_PTR_NULL(chain);
	CU_ASSERT_EQUAL(pki_sign_csr(ca, key, csr, len, "CP1", "Other CPO", 30, &chain, why,
				     sizeof(why)), GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(pki_sign_csr(ca, key, csr, len / 2, "CP1", NULL, 30, &chain, why,
				     sizeof(why)), GW_EFORMAT);
	CU_ASSERT_EQUAL(pki_sign_csr(ca, "/nonexistent", csr, len, "CP1", NULL, 30, &chain, why,
				     sizeof(why)), GW_ECONFIG);
	gw_free(csr);

	csr = make_csr("CP1", NULL, 1, &len);
	CU_ASSERT_EQUAL(pki_sign_csr(ca, key, csr, len, "CP1", NULL, 30, &chain, why, sizeof(why)),
			GW_EFORMAT);
	gw_free(csr);
	csr = make_csr("CP1", NULL, 0, &len);
	CU_ASSERT_EQUAL(pki_sign_csr(ca, key, csr, len, "CP1", "ocppgw", 30, &chain, why,
				     sizeof(why)), GW_ECONSTRAINT); /* no O at all */
	gw_free(csr);
	unlink(ca);
	unlink(key);
	rmdir(dir);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("transport", NULL, NULL);
	CU_add_test(s, "identity from path", test_identity_path);
	CU_add_test(s, "identity rules", test_identity_rules);
	CU_add_test(s, "basic header", test_basic_parse);
	CU_add_test(s, "password hash/verify", test_password);
	CU_add_test(s, "subprotocol choice", test_subprotocol);
	CU_add_test(s, "rate limiter", test_ratelimit);
	CU_add_test(s, "auth cache", test_authcache);
	CU_add_test(s, "pki sign csr", test_pki);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
