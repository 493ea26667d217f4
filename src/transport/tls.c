/* SPDX-License-Identifier: MIT
 *
 * tls.c - what lws 4.1.6 leaves to us for security profiles 2 and 3.
 *
 *  - A second (ECDSA) server chain beside the RSA one, so both OCPP suite
 *    families are negotiable (1.6 A00.FR.317, 2.0.1 A00.FR.318): loaded
 *    into the vhost SSL_CTX from LOAD_EXTRA_SERVER_VERIFY_CERTS.
 *  - Client-certificate verification that honours OpenSSL's verdict: lws
 *    returns !our_answer to OpenSSL and answers "accept" by default, so
 *    without this an expired, self-signed or foreign certificate passes
 *    (PROTOCOL.md §3.2).
 *  - The profile 3 identity check after TLS: CN == identity, O contains
 *    the CPO name (A00.FR.404/405), done in handshake.c's checklist.
 * All of these run in protocols[0]'s callback (ws_server.c).
 */
#include <string.h>

#include <libwebsockets.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "transport/transport_int.h"

int tls_load_extra(struct ws_vhost *vh, void *ssl_ctx)
{
	SSL_CTX *ctx = ssl_ctx;
	const struct gw_listener *l = vh->l;

	if (!ctx)
		return 0;
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS); /* 47 -> 14 KB per conn (§5) */
	/* one certificate set per listener: no SNI switch to another
	 * listener's SSL_CTX (lws would look among every vhost of "port" -2,
	 * i.e. every OCPP listener, see listen.c; A00.FR.006) */
	SSL_CTX_set_tlsext_servername_callback(ctx, NULL);
	/* lws sets only the no-SSLv2/3 floor itself; say TLS 1.2 explicitly */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (!l->tls_ecdsa_cert[0])
		return 0;
	if (SSL_CTX_use_certificate_chain_file(ctx, l->tls_ecdsa_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, l->tls_ecdsa_key[0] ? l->tls_ecdsa_key : l->tls_ecdsa_cert,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		unsigned long e = ERR_get_error();

		gw_log(GW_LOG_ERR, "transport: listener %s: cannot load ECDSA chain %s: %s", l->name,
		       l->tls_ecdsa_cert, ERR_error_string(e, NULL));
		return 1;
	}
	gw_log(GW_LOG_INFO, "transport: listener %s: ECDSA chain %s loaded", l->name,
	       l->tls_ecdsa_cert);
	return 0;
}

int tls_verify_client(struct transport *t, void *x509_ctx, int preverify_ok)
{
	X509_STORE_CTX *xs = x509_ctx;
	X509 *cert;
	char subject[256] = "?", detail[400];
	int err;

	if (preverify_ok)
		return 0;
	err = X509_STORE_CTX_get_error(xs);
	cert = X509_STORE_CTX_get_current_cert(xs);
	if (cert)
		X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
	snprintf(detail, sizeof(detail), "client certificate refused at depth %d: %s (%s)",
		 X509_STORE_CTX_get_error_depth(xs), X509_verify_cert_error_string(err), subject);
	transport_security(t, "", NULL, "bad_client_cert", detail);
	return 1;
}

/* Copy the first entry nid of name into buf; 0 or -1 if absent. */
static int name_entry(X509_NAME *name, int nid, char *buf, size_t len)
{
	int idx = X509_NAME_get_index_by_NID(name, nid, -1);
	X509_NAME_ENTRY *e;
	ASN1_STRING *d;
	unsigned char *utf8 = NULL;
	int n;

	if (idx < 0 || !(e = X509_NAME_get_entry(name, idx)) || !(d = X509_NAME_ENTRY_get_data(e)))
		return -1;
	n = ASN1_STRING_to_UTF8(&utf8, d);
	if (n < 0 || (size_t)n >= len || memchr(utf8, 0, (size_t)n)) {
		OPENSSL_free(utf8);
		return -1;
	}
	memcpy(buf, utf8, (size_t)n);
	buf[n] = '\0';
	OPENSSL_free(utf8);
	return 0;
}

int tls_check_peer(struct lws *wsi, const char *identity, const char *operator_name,
		   char *why, size_t whylen)
{
	SSL *ssl = lws_get_ssl(wsi);
	X509 *cert;
	X509_NAME *name;
	char cn[256], o[256];
	int rc = GW_EAUTH;

	if (!ssl || !(cert = SSL_get1_peer_certificate(ssl))) {
		snprintf(why, whylen, "no client certificate");
		return GW_EAUTH;
	}
	if (SSL_get_verify_result(ssl) != X509_V_OK) {
		snprintf(why, whylen, "client certificate did not verify");
		goto out;
	}
	name = X509_get_subject_name(cert);
	if (name_entry(name, NID_commonName, cn, sizeof(cn))) {
		snprintf(why, whylen, "client certificate has no CN");
		goto out;
	}
	if (strcmp(cn, identity)) {
		snprintf(why, whylen, "certificate CN '%.60s' is not the identity", cn);
		goto out;
	}
	if (operator_name && operator_name[0] &&
	    (name_entry(name, NID_organizationName, o, sizeof(o)) || !strstr(o, operator_name))) {
		snprintf(why, whylen, "certificate O does not contain the CPO name");
		goto out;
	}
	rc = GW_OK;
out:
	X509_free(cert);
	return rc;
}
