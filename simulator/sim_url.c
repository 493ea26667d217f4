/* SPDX-License-Identifier: MIT
 * sim_url.c - URL parsing and identity escaping for the pile's dial path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "sim_url.h"

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return GW_EINVAL;
}

/* Host and optional port from [a, b). */
static int parse_authority(const char *a, const char *b, struct sim_url *u, const char **why)
{
	const char *host = a, *host_end, *colon = NULL;
	char *end;
	long port;

	if (a == b)
		return fail(why, "missing host");
	if (*a == '[') {
		host = a + 1;
		host_end = memchr(a, ']', (size_t)(b - a));
		if (!host_end)
			return fail(why, "unterminated IPv6 literal");
		if (host_end + 1 < b) {
			if (host_end[1] != ':')
				return fail(why, "garbage after IPv6 literal");
			colon = host_end + 1;
		}
	} else {
		colon = memchr(a, ':', (size_t)(b - a));
		host_end = colon ? colon : b;
	}
	if (host_end == host || (size_t)(host_end - host) >= sizeof(u->host))
		return fail(why, "bad host");
	memcpy(u->host, host, (size_t)(host_end - host));
	u->host[host_end - host] = '\0';
	u->port = u->tls ? 443 : 80;
	if (!colon)
		return GW_OK;
	if (colon + 1 == b)
		return fail(why, "empty port");
	port = strtol(colon + 1, &end, 10);
	if (end != b || port < 1 || port > 65535)
		return fail(why, "bad port");
	u->port = (int)port;
	return GW_OK;
}

int sim_url_parse(const char *text, struct sim_url *u, const char **why)
{
	const char *p, *slash;
	size_t plen;

	memset(u, 0, sizeof(*u));
	if (!text)
		return fail(why, "no URL");
	if (!strncasecmp(text, "ws://", 5)) {
		p = text + 5;
	} else if (!strncasecmp(text, "wss://", 6)) {
		u->tls = 1;
		p = text + 6;
	} else {
		return fail(why, "scheme must be ws:// or wss://");
	}
	slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	if (memchr(p, '@', (size_t)(slash - p)))
		return fail(why, "credentials in the URL are not supported (use --password)");
	if (parse_authority(p, slash, u, why))
		return GW_EINVAL;
	plen = strlen(slash);
	while (plen && slash[plen - 1] == '/')
		plen--;
	if (plen >= sizeof(u->prefix))
		return fail(why, "path too long");
	if (strpbrk(slash, "?# "))
		return fail(why, "query, fragment or space in the path");
	memcpy(u->prefix, slash, plen);
	u->prefix[plen] = '\0';
	return GW_OK;
}

int sim_url_escape(const char *in, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *s = (const unsigned char *)in; *s; s++) {
		int plain = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
			    (*s >= '0' && *s <= '9') || strchr("-._~", *s);

		if (o + (plain ? 1 : 3) >= n)
			return GW_ETOOBIG;
		if (plain) {
			out[o++] = (char)*s;
		} else {
			out[o++] = '%';
			out[o++] = hex[*s >> 4];
			out[o++] = hex[*s & 15];
		}
	}
	if (o >= n)
		return GW_ETOOBIG;
	out[o] = '\0';
	return GW_OK;
}

int sim_url_path(const struct sim_url *u, const char *identity, char *out, size_t n)
{
	char esc[256];
	int len;

	if (sim_url_escape(identity, esc, sizeof(esc)))
		return GW_ETOOBIG;
	len = snprintf(out, n, "%s/%s", u->prefix, esc);
	return len < 0 || (size_t)len >= n ? GW_ETOOBIG : GW_OK;
}
