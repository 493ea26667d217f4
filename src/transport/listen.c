/* SPDX-License-Identifier: MIT
 *
 * listen.c - the OCPP listeners' sockets, and accept pacing.
 *
 * lws 4.1.6 accepts every connection waiting on a listen socket at once
 * and has no way to hold back: each accepted socket gets its handshake
 * timeouts inserted into the thread's one sorted timer list (O(pending)
 * per insert), and beyond max_http_header_pool the header-table wait list
 * is walked too, so a reconnect storm of 10k TLS piles spent most of its
 * time in lws's bookkeeping while handshakes expired (bench/ANALYSIS.md
 * §6).  So the OCPP vhosts are created without an lws listener
 * (CONTEXT_PORT_NO_LISTEN_SERVER); the socket is ours, on our libev loop,
 * and each accepted connection is handed to lws with
 * lws_adopt_socket_vhost() - the same path lws's own listener takes,
 * including TLS.
 *
 * Which listener: every OCPP vhost now has lws's "port" -2, and lws 4.1.6
 * re-binds a connection to the vhost its Host header (or, in TLS, its SNI
 * name) names among vhosts of the same port - falling back to the first
 * one.  So lws's vhost of a wsi may not be the listener that accepted it.
 * The wsi's opaque user data therefore holds the adopting struct ws_vhost
 * for its whole life (listener_of()), and that, never lws_get_vhost(),
 * decides profile, path prefix and TLS checks; tls.c turns SNI switching
 * off.
 *
 * Pacing: a connection counts as a pending handshake from its adoption
 * until it is ESTABLISHED (its session's hs_over bit) or destroyed
 * (ws_server.c calls listener_handshake_over() for both, once).  At
 * HANDSHAKES_MAX pending, every listener stops accepting; below
 * HANDSHAKES_RESUME they accept again.  Waiting connections sit in the
 * kernel's backlog, where they cost us nothing and no timer runs.
 *
 * Lifetimes: listener_open() at transport_new(), listener_close() at
 * transport_free(), before the lws context goes (so no accept races the
 * teardown).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ev.h>
#include <libwebsockets.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "transport/transport_int.h"

/* Handshakes (TCP accepted, not yet a WebSocket) in progress at once.
 * Below lws's header-table pool (max_http_header_pool, ws_server.c) so no
 * connection ever waits for a table; chosen by measurement (bench storm,
 * see README.md). */
#define HANDSHAKES_MAX 512
#define HANDSHAKES_RESUME (HANDSHAKES_MAX * 3 / 4)
/* Accepts per readiness callback, so one loop turn stays short. */
#define ACCEPT_BURST 64
/* After EMFILE/ENFILE/ENOBUFS/ENOMEM, accept again after this long. */
#define ACCEPT_RETRY_S 0.1

struct listener_io {
	ev_io w; /* first: the watcher pointer is the struct pointer */
	struct ws_vhost *vh;
};

static void accepting(struct transport *t, int on)
{
	for (int i = 0; i < t->n_vh; i++) {
		struct listener_io *io = t->vh[i].io;

		if (!io)
			continue;
		if (on)
			ev_io_start(t->loop, &io->w);
		else
			ev_io_stop(t->loop, &io->w);
	}
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct transport *t = w->data;

	(void)loop, (void)revents;
	t->accept_backoff = 0;
	if (!t->accept_paused && !t->stopping)
		accepting(t, 1);
}

static void backoff(struct transport *t, int err)
{
	ev_timer *rt = t->accept_retry;

	gw_log(GW_LOG_WARN, "transport: accept: %s; not accepting for %d ms", strerror(err),
	       (int)(ACCEPT_RETRY_S * 1000));
	accepting(t, 0);
	t->accept_backoff = 1;
	ev_timer_set(rt, ACCEPT_RETRY_S, 0.);
	ev_timer_start(t->loop, rt);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct listener_io *io = (struct listener_io *)w;
	struct ws_vhost *vh = io->vh;
	struct transport *t = vh->t;

	(void)loop, (void)revents;
	for (int n = 0; n < ACCEPT_BURST && t->hs_pending < HANDSHAKES_MAX; n++) {
		int one = 1;
		int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct lws *wsi;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				backoff(t, errno);
			return; /* EAGAIN: drained */
		}
		/* what lws's own listener sets on an accepted socket */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* closes fd itself on failure (lws-adopt.h) */
		wsi = lws_adopt_socket_vhost(vh->vhost, fd);
		if (!wsi)
			continue;
		lws_set_opaque_user_data(wsi, vh);
		t->hs_pending++;
	}
	if (t->hs_pending >= HANDSHAKES_MAX && !t->accept_paused) {
		int64_t now = gw_clock_mono_ms();

		t->accept_paused = 1;
		t->accept_pauses++;
		accepting(t, 0);
		if (now - t->accept_pause_log_ms >= 10000) { /* once per storm */
			t->accept_pause_log_ms = now;
			gw_log(GW_LOG_NOTICE, "transport: %d handshakes in progress: accepting "
			       "paused until %d (reconnect storm?)", t->hs_pending,
			       HANDSHAKES_RESUME);
		}
	}
}

struct ws_vhost *listener_of(struct transport *t, struct lws *wsi)
{
	struct ws_vhost *vh = lws_get_opaque_user_data(wsi);

	for (int i = 0; i < t->n_vh; i++)
		if (vh == &t->vh[i])
			return vh;
	return NULL;
}

void listener_handshake_over(struct transport *t)
{
	if (t->hs_pending > 0)
		t->hs_pending--;
	if (t->accept_paused && t->hs_pending <= HANDSHAKES_RESUME) {
		t->accept_paused = 0;
		if (!t->accept_backoff && !t->stopping)
			accepting(t, 1);
	}
}

/* address "" = every address, IPv6 and IPv4 on one socket where the host
 * has IPv6 (v4 peers then show as ::ffff:a.b.c.d, see session.c). */
static int bind_one(const char *address, int port, int *out_fd, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	int fd = -1, rc, e = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(address && *address ? address : "::", service, &hints, &res);
	if (rc && !(address && *address))
		rc = getaddrinfo("0.0.0.0", service, &hints, &res); /* no IPv6 here */
	if (rc) {
		snprintf(err, errlen, "bad address: %s", gai_strerror(rc));
		return GW_ECONFIG;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int one = 1, zero = 0;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		/* the kernel caps the backlog at net.core.somaxconn */
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 65535))
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(e ? e : EADDRNOTAVAIL));
		return GW_ECONFIG;
	}
	*out_fd = fd;
	return GW_OK;
}

static int bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int listener_open(struct ws_vhost *vh)
{
	struct transport *t = vh->t;
	struct listener_io *io;
	char err[128];
	int fd = -1, rc;

	if (!t->accept_retry) {
		ev_timer *rt = gw_calloc(1, sizeof(*rt));

		if (!rt)
			return GW_ENOMEM;
		ev_init(rt, on_retry);
		rt->data = t;
		t->accept_retry = rt;
		t->accept_pause_log_ms = INT64_MIN / 2;
	}
	io = gw_calloc(1, sizeof(*io));
	if (!io)
		return GW_ENOMEM;
	rc = bind_one(vh->l->address, vh->l->port, &fd, err, sizeof(err));
	if (rc) {
		gw_log(GW_LOG_ERR, "transport: listener %s %s:%d: %s", vh->l->name,
		       vh->l->address, vh->l->port, err);
		gw_free(io);
		return rc;
	}
	io->vh = vh;
	ev_io_init(&io->w, on_accept, fd, EV_READ);
	vh->io = io;
	vh->port = bound_port(fd);
	if (!t->accept_paused && !t->accept_backoff)
		ev_io_start(t->loop, &io->w);
	return GW_OK;
}

void listener_close(struct transport *t)
{
	for (int i = 0; i < t->n_vh; i++) {
		struct listener_io *io = t->vh[i].io;

		if (!io)
			continue;
		if (t->loop)
			ev_io_stop(t->loop, &io->w);
		close(io->w.fd);
		gw_free(io);
		t->vh[i].io = NULL;
	}
	if (t->accept_retry) {
		if (t->loop)
			ev_timer_stop(t->loop, (ev_timer *)t->accept_retry);
		gw_free(t->accept_retry);
		t->accept_retry = NULL;
	}
}
