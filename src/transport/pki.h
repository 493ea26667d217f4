/* SPDX-License-Identifier: MIT
 *
 * pki.h - sign a charge point's certificate signing request with our CA
 * (SignCertificate, 1.6 security extension / 2.0.1 A02-A03).  The spec
 * would rather have an external CA sign (A02.FR.04: CSMS "SHOULD NOT" sign
 * itself); this is the in-house CA for development and small operators.
 */
#ifndef TRANSPORT_PKI_H
#define TRANSPORT_PKI_H
#include <stddef.h>

/* Parse csr_pem (len bytes, PEM PKCS#10), verify its self-signature and
 * key strength (RSA >= 2048 bits, EC >= 224 bits, A00.FR.501), check that
 * its subject CN equals expect_cn and its O contains expect_o (skipped if
 * NULL or ""), and sign it with the CA (SHA-256, random 128-bit serial,
 * valid from now for days days, clientAuth + serverAuth usage, CA:FALSE).
 * On GW_OK *chain_pem_out is a NUL-terminated PEM chain "leaf + CA" the
 * caller frees with gw_free().  Errors (why gets a one-line reason, never
 * key material): GW_EFORMAT (not a CSR, bad signature), GW_ECONSTRAINT
 * (CN/O mismatch, weak key), GW_ECONFIG (CA files unreadable or not a
 * pair), GW_EINVAL, GW_ENOMEM, GW_EINTERNAL.  Blocking file I/O: call at
 * message rate, not in a loop. */
int pki_sign_csr(const char *ca_cert_path, const char *ca_key_path, const char *csr_pem,
		 size_t len, const char *expect_cn, const char *expect_o, int days,
		 char **chain_pem_out, char *why, size_t whylen);

#endif
