/* SPDX-License-Identifier: MIT
 *
 * sim_url.h - the server URL: ws[s]://HOST[:PORT][/PREFIX] and the path a
 * pile dials, PREFIX/{identity} with the identity percent-encoded (OCPP-J
 * 1.6 §3.1.1, 2.0.1 Part 4 §3.1.1).  Pure.
 */
#ifndef SIM_URL_H
#define SIM_URL_H
#include <stddef.h>

/* Lives for the run. */
struct sim_url {
	int tls;          /* wss */
	char host[256];   /* without brackets for IPv6 literals */
	int port;         /* 1..65535; 80 / 443 when absent */
	char prefix[512]; /* "/ocpp" or "" (never a trailing slash) */
};

/* GW_OK or GW_EINVAL (with a reason in why, if why != NULL). */
int sim_url_parse(const char *text, struct sim_url *u, const char **why);
/* Percent-encode everything but RFC 3986 unreserved characters.  GW_OK or
 * GW_ETOOBIG when out (of size n) is too small. */
int sim_url_escape(const char *in, char *out, size_t n);
/* prefix + "/" + escaped identity into out.  GW_OK or GW_ETOOBIG. */
int sim_url_path(const struct sim_url *u, const char *identity, char *out, size_t n);

#endif
