/* SPDX-License-Identifier: MIT
 *
 * transport_harness.c - the transport alone, with fake hooks, for the
 * end-to-end tests in this folder (and anyone who wants to poke at the
 * handshake by hand).
 *
 * Piles live in a tiny in-memory table from the command line:
 *   --pile ID[:PASSWORD[:MIN_PROFILE[:PENDING]]]   PASSWORD/PENDING are
 *   text, or hex:.. for raw bytes (NUL allowed); "-" = none.
 * Every text message is echoed back, except the commands
 *   "!close"      close with 1000,  "!big N"  reply N bytes of 'x',
 *   "!count"      reply the number of live sessions,
 *   "!burst N"    reply N small messages in one turn (batched writes),
 *   "!later X"    reply X from before_sleep (the dispatcher's group commit
 *                 point), not from on_message.
 * Hook calls are printed to stdout, one line each, flushed:
 *   LISTENING port=N | OPEN id v=1|2 profile=P | CLOSE id | REGISTER id |
 *   PENDING_USED id | SECURITY id event detail
 * SIGTERM/SIGINT stop the loop; the process then frees everything, so an
 * ASan/valgrind run shows leaks too.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "transport/password.h"
#include "transport/transport.h"

#define MAX_PILES 64

struct fake_pile {
	char id[GW_IDENTITY_MAX + 1];
	struct pile_credentials pc;
};

static struct fake_pile piles[MAX_PILES];
static int n_piles;
static int iterations = PASSWORD_ITERATIONS_MIN;
static struct transport *tr;
static struct ws_session *later_s; /* one deferred reply, sent in before_sleep */
static char later_buf[256];
static size_t later_len;

static size_t parse_secret(const char *s, unsigned char *out, size_t cap)
{
	size_t n = 0;

	if (!strncmp(s, "hex:", 4)) {
		for (s += 4; s[0] && s[1] && n < cap; s += 2) {
			unsigned int b;

			sscanf(s, "%2x", &b);
			out[n++] = (unsigned char)b;
		}
		return n;
	}
	n = strlen(s);
	if (n > cap)
		n = cap;
	memcpy(out, s, n);
	return n;
}

static void add_pile(const char *spec)
{
	char buf[512], *f[4] = { NULL, NULL, NULL, NULL }, *save = NULL;
	unsigned char pw[256];
	struct fake_pile *p;
	size_t len;
	int i = 0;

	if (n_piles >= MAX_PILES)
		return;
	p = &piles[n_piles++];
	snprintf(buf, sizeof(buf), "%s", spec);
	/* ':' cannot be in an identity, and hex: secrets have one ':' we skip */
	for (char *tok = strtok_r(buf, ":", &save); tok && i < 4; tok = strtok_r(NULL, ":", &save)) {
		if (!strcmp(tok, "hex") && save) {
			char *rest = strtok_r(NULL, ":", &save);

			tok[3] = ':';
			memmove(tok + 4, rest, strlen(rest) + 1);
		}
		f[i++] = tok;
	}
	snprintf(p->id, sizeof(p->id), "%s", f[0]);
	p->pc.registered = 1;
	if (f[1] && strcmp(f[1], "-")) {
		len = parse_secret(f[1], pw, sizeof(pw));
		p->pc.has_password = 1;
		p->pc.pw_iterations = iterations;
		password_new(pw, len, iterations, p->pc.pw_salt, p->pc.pw_hash);
	}
	if (f[2])
		p->pc.min_profile = atoi(f[2]);
	if (f[3] && strcmp(f[3], "-")) {
		len = parse_secret(f[3], pw, sizeof(pw));
		p->pc.has_pending = 1;
		p->pc.pending_iterations = iterations;
		password_new(pw, len, iterations, p->pc.pending_salt, p->pc.pending_hash);
	}
}

static struct fake_pile *find_pile(const char *id)
{
	for (int i = 0; i < n_piles; i++)
		if (!strcmp(piles[i].id, id))
			return &piles[i];
	return NULL;
}

/* ---- hooks ---- */

static int h_lookup(void *arg, const char *id, struct pile_credentials *out)
{
	struct fake_pile *p = find_pile(id);

	(void)arg;
	if (!p)
		return GW_ENOTFOUND;
	*out = p->pc;
	return GW_OK;
}

static int h_register(void *arg, const char *id)
{
	(void)arg;
	printf("REGISTER %s\n", id);
	fflush(stdout);
	add_pile(id);
	return GW_OK;
}

static void h_pending(void *arg, const char *id)
{
	struct fake_pile *p = find_pile(id);

	(void)arg;
	if (p) { /* promote: the pending password becomes the password */
		memcpy(p->pc.pw_hash, p->pc.pending_hash, 32);
		memcpy(p->pc.pw_salt, p->pc.pending_salt, 16);
		p->pc.pw_iterations = p->pc.pending_iterations;
		p->pc.has_password = 1;
		p->pc.has_pending = 0;
	}
	printf("PENDING_USED %s\n", id);
	fflush(stdout);
}

static void h_open(void *arg, struct ws_session *s)
{
	(void)arg;
	printf("OPEN %s v=%d profile=%d peer=%s\n", session_identity(s), (int)session_version(s),
	       session_security_profile(s), session_peer(s));
	fflush(stdout);
}

/* The number after a command word; buf is not NUL-terminated. */
static unsigned long arg_num(const char *buf, size_t len, size_t skip)
{
	char num[24];

	len -= skip;
	if (len >= sizeof(num))
		len = sizeof(num) - 1;
	memcpy(num, buf + skip, len);
	num[len] = '\0';
	return strtoul(num, NULL, 10);
}

static void h_message(void *arg, struct ws_session *s, const char *buf, size_t len)
{
	char reply[64];

	(void)arg;
	if (len == 6 && !memcmp(buf, "!close", 6)) {
		session_close(s, 1000, "bye");
	} else if (len > 5 && !memcmp(buf, "!big ", 5)) {
		size_t n = arg_num(buf, len, 5);
		char *b = malloc(n ? n : 1);

		memset(b, 'x', n);
		session_send(s, b, n);
		free(b);
	} else if (len > 7 && !memcmp(buf, "!burst ", 7)) {
		int n = (int)arg_num(buf, len, 7);

		for (int i = 0; i < n; i++) {
			snprintf(reply, sizeof(reply), "burst %d", i);
			session_send(s, reply, strlen(reply));
		}
	} else if (len > 7 && !memcmp(buf, "!later ", 7) && len - 7 < sizeof(later_buf)) {
		later_s = s;
		later_len = len - 7;
		memcpy(later_buf, buf + 7, later_len);
	} else if (len == 6 && !memcmp(buf, "!count", 6)) {
		snprintf(reply, sizeof(reply), "count %zu", transport_session_count(tr));
		session_send(s, reply, strlen(reply));
	} else {
		session_send(s, buf, len);
	}
}

static void h_before_sleep(void *arg)
{
	(void)arg;
	if (later_s) {
		session_send(later_s, later_buf, later_len);
		later_s = NULL;
	}
}

static void h_close(void *arg, struct ws_session *s)
{
	(void)arg;
	if (later_s == s)
		later_s = NULL;
	printf("CLOSE %s\n", session_identity(s));
	fflush(stdout);
}

static void h_security(void *arg, const char *id, const char *event, const char *detail)
{
	(void)arg;
	printf("SECURITY %s %s %s\n", id[0] ? id : "-", event, detail);
	fflush(stdout);
}

static void on_signal(int sig)
{
	(void)sig;
	transport_stop(tr);
}

static const char *need(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "missing value for %s\n", argv[*i]);
		exit(2);
	}
	return argv[++*i];
}

int main(int argc, char **argv)
{
	static struct gw_config cfg;
	struct gw_listener *l = &cfg.listeners[0];
	struct transport_hooks h = {
		.pile_lookup = h_lookup, .pile_register = h_register,
		.pending_password_used = h_pending, .on_open = h_open,
		.on_message = h_message, .on_close = h_close, .security_event = h_security,
		.before_sleep = h_before_sleep,
	};
	int rc;

	/* defaults as config.h documents them, short timers for tests */
	cfg.n_listeners = 1;
	snprintf(l->name, sizeof(l->name), "test");
	snprintf(l->address, sizeof(l->address), "127.0.0.1");
	l->port = 0;
	l->security_profile = 1;
	snprintf(l->path_prefix, sizeof(l->path_prefix), "/ocpp");
	cfg.require_password = 1;
	cfg.auth_fail_limit = 5;
	cfg.max_message_bytes = 65536;
	cfg.max_outbound_bytes = 1024 * 1024;
	cfg.ping_interval_s = 60;
	cfg.idle_hangup_s = 180;
	cfg.handshake_timeout_s = 5;
	gw_log_level = GW_LOG_NOTICE;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--iterations")) iterations = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--pile")) add_pile(need(argc, argv, &i));
		else if (!strcmp(a, "--profile")) l->security_profile = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--port")) l->port = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--address")) snprintf(l->address, sizeof(l->address), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--prefix")) snprintf(l->path_prefix, sizeof(l->path_prefix), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--auto-register")) cfg.auto_register = 1;
		else if (!strcmp(a, "--require-password")) cfg.require_password = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--fail-limit")) cfg.auth_fail_limit = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--max-msg")) cfg.max_message_bytes = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--max-out")) cfg.max_outbound_bytes = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--ping")) cfg.ping_interval_s = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--idle")) cfg.idle_hangup_s = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--handshake")) cfg.handshake_timeout_s = atoi(need(argc, argv, &i));
		else if (!strcmp(a, "--cert")) snprintf(l->tls_cert, sizeof(l->tls_cert), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--key")) snprintf(l->tls_key, sizeof(l->tls_key), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--ecdsa-cert")) snprintf(l->tls_ecdsa_cert, sizeof(l->tls_ecdsa_cert), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--ecdsa-key")) snprintf(l->tls_ecdsa_key, sizeof(l->tls_ecdsa_key), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--ca")) snprintf(l->tls_ca, sizeof(l->tls_ca), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--operator")) snprintf(cfg.operator_name, sizeof(cfg.operator_name), "%s", need(argc, argv, &i));
		else if (!strcmp(a, "--debug")) gw_log_level = GW_LOG_DEBUG;
		else {
			fprintf(stderr, "unknown argument %s\n", a);
			return 2;
		}
	}
	gw_log_route_lws();
	rc = transport_new(&cfg, &h, &tr);
	if (rc) {
		fprintf(stderr, "transport_new: %s\n", gw_strerror(rc));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	printf("LISTENING port=%d\n", transport_listener_port(tr, 0));
	fflush(stdout);
	rc = transport_run(tr);
	transport_free(tr);
	printf("STOPPED\n");
	fflush(stdout);
	return rc ? 1 : 0;
}
