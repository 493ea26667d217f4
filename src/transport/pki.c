/* SPDX-License-Identifier: MIT
 *
 * pki.c - CSR in, certificate chain out (see pki.h).  Used by the
 * SignCertificate handlers of both OCPP versions; no lws, no sessions.
 * Order: load CA, parse CSR, verify the CSR's own signature, check key
 * and names, build and sign the leaf, write leaf + CA as PEM.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "transport/pki.h"

static int load_ca(const char *cert_path, const char *key_path, X509 **ca, EVP_PKEY **key)
{
	FILE *f = fopen(cert_path, "r");

	if (!f)
		return GW_ECONFIG;
	*ca = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	f = fopen(key_path, "r");
	if (!f)
		return GW_ECONFIG;
	*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!*ca || !*key || X509_check_private_key(*ca, *key) != 1)
		return GW_ECONFIG;
	return GW_OK;
}

/* First entry nid of name as UTF-8 into buf; 0 on success. */
static int name_get(X509_NAME *name, int nid, char *buf, size_t len)
{
	int idx = X509_NAME_get_index_by_NID(name, nid, -1);
	unsigned char *utf8 = NULL;
	int n;

	if (idx < 0)
		return -1;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
	if (n < 0 || (size_t)n >= len || memchr(utf8, 0, (size_t)n)) {
		OPENSSL_free(utf8);
		return -1;
	}
	memcpy(buf, utf8, (size_t)n);
	buf[n] = '\0';
	OPENSSL_free(utf8);
	return 0;
}

static int key_strong(EVP_PKEY *pk)
{
	int bits = EVP_PKEY_get_bits(pk);

	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		return bits >= 2048;
	case EVP_PKEY_EC:
		return bits >= 224;
	default:
		return 0;
	}
}

static int add_ext(X509 *cert, X509 *ca, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, ca, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static X509 *build_leaf(X509_REQ *req, EVP_PKEY *pub, X509 *ca, EVP_PKEY *cakey, int days)
{
	X509 *cert = X509_new();
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (!cert || RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f; /* positive */
	serial[0] |= 0x01; /* and never zero-led */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) &&
	     X509_set_version(cert, 2) && X509_set_issuer_name(cert, X509_get_subject_name(ca)) &&
	     X509_set_subject_name(cert, X509_REQ_get_subject_name(req)) &&
	     X509_gmtime_adj(X509_getm_notBefore(cert), 0) &&
	     X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400) &&
	     X509_set_pubkey(cert, pub) &&
	     add_ext(cert, ca, NID_basic_constraints, "critical,CA:FALSE") &&
	     add_ext(cert, ca, NID_key_usage,
		     EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA
			     ? "critical,digitalSignature,keyEncipherment"
			     : "critical,digitalSignature,keyAgreement") &&
	     add_ext(cert, ca, NID_ext_key_usage, "clientAuth,serverAuth") &&
	     add_ext(cert, ca, NID_subject_key_identifier, "hash") &&
	     add_ext(cert, ca, NID_authority_key_identifier, "keyid,issuer") &&
	     X509_sign(cert, cakey, EVP_sha256()) > 0;
out:
	BN_free(bn);
	if (!ok) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

static char *pem_chain(X509 *leaf, X509 *ca)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (b && PEM_write_bio_X509(b, leaf) && PEM_write_bio_X509(b, ca)) {
		n = BIO_get_mem_data(b, &data);
		out = gw_malloc((size_t)n + 1);
		if (out) {
			memcpy(out, data, (size_t)n);
			out[n] = '\0';
		}
	}
	BIO_free(b);
	return out;
}

int pki_sign_csr(const char *ca_cert_path, const char *ca_key_path, const char *csr_pem,
		 size_t len, const char *expect_cn, const char *expect_o, int days,
		 char **chain_pem_out, char *why, size_t whylen)
{
	X509 *ca = NULL, *leaf = NULL;
	EVP_PKEY *cakey = NULL, *pub = NULL;
	X509_REQ *req = NULL;
	BIO *in = NULL;
	char cn[256], o[256];
	int rc;

	if (!chain_pem_out || !csr_pem || !expect_cn || days < 1 || len > 65536 || !why)
		return GW_EINVAL;
	*chain_pem_out = NULL;
	why[0] = '\0';
	rc = load_ca(ca_cert_path, ca_key_path, &ca, &cakey);
	if (rc) {
		snprintf(why, whylen, "CA certificate/key unreadable or not a pair");
		goto out;
	}
	rc = GW_EFORMAT;
	in = BIO_new_mem_buf(csr_pem, (int)len);
	req = in ? PEM_read_bio_X509_REQ(in, NULL, NULL, NULL) : NULL;
	if (!req) {
		snprintf(why, whylen, "not a PEM PKCS#10 request");
		goto out;
	}
	pub = X509_REQ_get_pubkey(req);
	if (!pub || X509_REQ_verify(req, pub) != 1) {
		snprintf(why, whylen, "CSR signature does not verify");
		goto out;
	}
	rc = GW_ECONSTRAINT;
	if (!key_strong(pub)) {
		snprintf(why, whylen, "key too weak (need RSA >= 2048 or EC >= 224)");
		goto out;
	}
	if (name_get(X509_REQ_get_subject_name(req), NID_commonName, cn, sizeof(cn)) ||
	    strcmp(cn, expect_cn)) {
		snprintf(why, whylen, "CSR CN is not the identity");
		goto out;
	}
	if (expect_o && expect_o[0] &&
	    (name_get(X509_REQ_get_subject_name(req), NID_organizationName, o, sizeof(o)) ||
	     !strstr(o, expect_o))) {
		snprintf(why, whylen, "CSR O does not contain the CPO name");
		goto out;
	}
	rc = GW_EINTERNAL;
	leaf = build_leaf(req, pub, ca, cakey, days);
	if (!leaf) {
		snprintf(why, whylen, "signing failed");
		goto out;
	}
	*chain_pem_out = pem_chain(leaf, ca);
	rc = *chain_pem_out ? GW_OK : GW_ENOMEM;
out:
	X509_free(leaf);
	EVP_PKEY_free(pub);
	X509_REQ_free(req);
	BIO_free(in);
	EVP_PKEY_free(cakey);
	X509_free(ca);
	return rc;
}
