/* SPDX-License-Identifier: MIT
 *
 * ws_server.c - the lws context on our libev loop, one vhost per listener,
 * and the one lws callback every protocol row shares.
 *
 * Flow of one connection through ws_callback():
 *   [TLS: PERFORM_CLIENT_CERT_VERIFICATION -> tls.c]
 *   HTTP_CONFIRM_UPGRADE      -> handshake.c: the whole checklist, 401/404...
 *   FILTER_PROTOCOL_CONNECTION: lws bound the row handshake.c expected?
 *   ESTABLISHED               -> session.c: registry, replacement, on_open
 *   RECEIVE / SERVER_WRITEABLE-> session.c: reassembly (in place when one
 *                               chunk), batched writes, refusals closed
 *                               from the writable turn
 *   CLOSED                    -> session.c: on_close once
 *   WSI_DESTROY               -> session.c: free
 * Connections come from listen.c (our listen sockets, lws_adopt_socket_
 * vhost, accept pacing); liveness is session.c's sweep, not lws's
 * validity timers (see vhost_create).
 * Invariants: the loop is ours (LWS_SERVER_OPTION_LIBEV + foreign_loops),
 * so before_sleep runs from an ev_prepare watcher once per loop turn and
 * transport_stop() is an ev_async_send().  All TLS callbacks and
 * WSI_DESTROY go to protocols[0] (PROTOCOL.md §3.2), which is why every row
 * shares ws_callback and row 0 is the reject-everything stub.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include <ev.h>
#include <libwebsockets.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "transport/transport_int.h"

/* lws delivers RECEIVE in chunks of at most this, and allocates it (+ LWS_PRE
 * + 4) per connection for its whole life: the largest item of an idle pile
 * (bench/ANALYSIS.md §5: 4,116 B at 4096).  Nearly every OCPP message fits
 * 1 KiB and is handed up from lws's buffer without a copy; longer ones are
 * assembled in session.c.  lws also sets SO_SNDBUF to this + LWS_PRE (the
 * kernel's floor, ~4.5 KiB, applies); longer replies go out in pieces
 * through lws's own partial-write buffer. */
#define RX_CHUNK 1024

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		       size_t len);

/* The protocol table (STYLE.md §3): the row's id is the OCPP version.
 * Row 0 is the stub: lws binds it when a client sends no
 * Sec-WebSocket-Protocol, and it never carries OCPP (PROTOCOL.md §3.2). */
static const struct lws_protocols protocols[] = {
	{ "ocppgw-no-subprotocol", ws_callback, 0, RX_CHUNK, OCPP_NONE, NULL, 0 },
	{ "ocpp1.6", ws_callback, 0, RX_CHUNK, OCPP_16, NULL, 0 },
	{ "ocpp2.0.1", ws_callback, 0, RX_CHUNK, OCPP_201, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 } /* terminator */
};

/* A periodic timer from transport_timer_every(); lives until
 * transport_free(). */
struct ev_timer_node {
	ev_timer w; /* first: the watcher pointer is the node pointer */
	struct ev_timer_node *next;
	void (*fn)(void *);
	void *arg;
};

/* ---- the lws callback ------------------------------------------------ */

static struct ws_session *session_of(void *user)
{
	struct ws_session *s = user;

	return s && s->magic == SESSION_MAGIC ? s : NULL;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		       size_t len)
{
	struct lws_vhost *lv = lws_get_vhost(wsi);
	struct ws_vhost *vh = lv ? lws_get_vhost_user(lv) : NULL;
	struct ws_session *s;

	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
		/* user is the vhost SSL_CTX, in the lws_vhost (not yet bound
		 * to a real wsi: lws passes a stand-in) */
		vh = lws_get_vhost_user((struct lws_vhost *)in);
		return vh ? tls_load_extra(vh, user) : 0;

	case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION:
		/* user = X509_STORE_CTX, len = OpenSSL's preverify_ok.  lws
		 * inverts our answer, and its default (0) would accept any
		 * certificate (PROTOCOL.md §3.2). */
		return tls_verify_client(vh ? vh->t : NULL, user, (int)len);

	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		/* a request without Upgrade reached lws_http_action */
		vh = vh ? listener_of(vh->t, wsi) : NULL;
		return vh ? handshake_plain_http(vh, wsi) : 1;

	case LWS_CALLBACK_HTTP:
		return -1; /* never reached: FILTER_HTTP_CONNECTION refuses */

	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		/* Never read `in` here (NN-2025-0102, see handshake.c). */
		(void)in;
		/* the listener that accepted it, not the vhost lws picked from
		 * the Host header (listen.c) */
		vh = vh ? listener_of(vh->t, wsi) : NULL;
		return vh ? handshake_confirm(vh, wsi) : -1;

	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		s = session_of(user);
		/* lws picked the row from the same offer; refuse if it picked
		 * something else (e.g. the client named our stub first) */
		if (!s || lws_get_protocol(wsi)->id != (unsigned int)s->version)
			return 1;
		return 0;

	case LWS_CALLBACK_ESTABLISHED:
		s = session_of(user);
		if (!s)
			return -1;
		if (!s->hs_over) {
			s->hs_over = 1;
			listener_handshake_over(s->t); /* accept pacing, listen.c */
		}
		return session_established(s);

	case LWS_CALLBACK_RECEIVE:
		s = session_of(user);
		if (!s)
			return -1;
		return session_receive(s, in, len);

	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		s = session_of(user);
		if (s)
			s->peer_closing = 1;
		return 0; /* lws answers the close */

	case LWS_CALLBACK_RECEIVE_PONG:
		s = session_of(user);
		if (s)
			session_pong(s);
		return 0;

	case LWS_CALLBACK_SERVER_WRITEABLE:
		s = session_of(user);
		if (!s)
			return -1;
		return session_writable(s);

	case LWS_CALLBACK_CLOSED:
		s = session_of(user);
		if (s)
			session_closed(s);
		return 0;

	case LWS_CALLBACK_WSI_DESTROY:
		s = session_of(user);
		if (vh && (!s || !s->hs_over) && listener_of(vh->t, wsi))
			listener_handshake_over(vh->t); /* gone before ESTABLISHED */
		if (s)
			session_destroy(s);
		return 0;

	default:
		return 0;
	}
}

/* ---- loop watchers --------------------------------------------------- */

/* lws 4.1.6's libev glue re-arms its one ev_timer with ev_timer_set() +
 * ev_timer_start(), which libev ignores while the timer is active: a lws
 * timeout inserted earlier than the armed deadline (a handshake timeout, a
 * ping, a close-ack wait) then waits for that later deadline - 30 s and
 * more, measured.  A lws timer of our own that re-schedules itself every
 * LWS_TICK_US keeps the armed deadline at most that far ahead, bounding
 * the lateness of every lws timeout to one tick. */
#define LWS_TICK_US (500 * 1000)

struct lws_tick {
	lws_sorted_usec_list_t sul; /* first: the sul pointer is the tick pointer */
	struct lws_context *ctx;
};

static void on_lws_tick(lws_sorted_usec_list_t *sul)
{
	struct lws_tick *k = (struct lws_tick *)sul;

	lws_sul_schedule(k->ctx, 0, &k->sul, on_lws_tick, LWS_TICK_US);
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct transport *t = w->data;

	(void)loop, (void)revents;
	if (t->h.before_sleep && !t->stopping) {
		/* outside every lws callback: session_send() writes at once */
		t->in_before_sleep = 1;
		t->h.before_sleep(t->h.arg);
		t->in_before_sleep = 0;
	}
}

static void on_async(struct ev_loop *loop, ev_async *w, int revents)
{
	struct transport *t = w->data;

	(void)revents;
	t->stopping = 1;
	ev_break(loop, EVBREAK_ALL);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ev_timer_node *n = (struct ev_timer_node *)w;

	(void)loop, (void)revents;
	n->fn(n->arg);
}

static void sweep_ratelimit(void *arg)
{
	ratelimit_sweep(((struct transport *)arg)->rl);
}

/* Liveness (session.c session_sweep): the registry is walked once per
 * pass, a pass lasting a quarter of the shortest of ping interval and
 * hang-up delay (at most 1 s: pings go out at most that late), in
 * SWEEP_SLICES slices so no loop turn stalls on thousands of sessions. */
#define SWEEP_SLICES 10

static int64_t sweep_pass_ms(const struct gw_config *cfg)
{
	int64_t ms = 1000;

	if ((int64_t)cfg->ping_interval_s * 250 < ms)
		ms = (int64_t)cfg->ping_interval_s * 250;
	if ((int64_t)cfg->idle_hangup_s * 250 < ms)
		ms = (int64_t)cfg->idle_hangup_s * 250;
	return ms < 100 ? 100 : ms;
}

static void sweep_sessions(void *arg)
{
	struct transport *t = arg;

	session_sweep(t, (t->reg_buckets + SWEEP_SLICES - 1) / SWEEP_SLICES, gw_clock_mono_ms());
}

/* ---- construction ---------------------------------------------------- */

/* Reconnect storms need one fd per pile (PROTOCOL.md §5). */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			gw_log(GW_LOG_WARN, "transport: cannot raise RLIMIT_NOFILE: %s",
			       strerror(errno));
	}
	gw_log(GW_LOG_INFO, "transport: RLIMIT_NOFILE %llu", (unsigned long long)rl.rlim_cur);
}

/* TLS 1.2+ only, no compression, no renegotiation (A00.FR.314/320). */
#define TLS_OPTIONS \
	(SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION)
/* The four OCPP suites (A00.FR.317 / 2.0.1 A00.FR.318) first, then modern
 * ECDHE AEAD suites; nothing marked unsuitable (A00.FR.319). */
#define TLS_CIPHERS                                                                   \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"                \
	"AES128-GCM-SHA256:AES256-GCM-SHA384:"                                        \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"                    \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

static int vhost_create(struct transport *t, int idx)
{
	const struct gw_listener *l = &t->cfg->listeners[idx];
	struct ws_vhost *vh = &t->vh[idx];
	struct lws_context_creation_info info;
	static const lws_retry_bo_t no_validity; /* all zero */
	int rc;

	vh->t = t;
	vh->l = l;
	vh->idx = idx;
	memset(&info, 0, sizeof(info));
	info.vhost_name = l->name[0] ? l->name : "ocpp";
	/* the socket is ours (listen.c): lws only serves what we adopt */
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = protocols;
	info.user = vh;
	info.alpn = "http/1.1"; /* no h2: only the h1 upgrade path is audited */
	/* slow-header DoS: a connection may hold a header table (and so a
	 * handshake slot) this long, a per-vhost setting in lws 4.1 */
	info.keepalive_timeout = t->cfg->handshake_timeout_s > 0 ? t->cfg->handshake_timeout_s : 5;
	info.timeout_secs_ah_idle = (unsigned int)info.keepalive_timeout;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;

	/* lws's own liveness ("validity") off: with secs_since_valid_hangup
	 * 0, lws 4.1.6 never arms a connection's validity timer (it would
	 * otherwise use the context default, 300 s / 310 s).  Each arming is
	 * an insert at the tail of the thread's one sorted timer list, so
	 * O(piles) per connect, per pong and per lws_validity_confirmed():
	 * 44-80 % of the CPU at 10k piles (bench/ANALYSIS.md §1).
	 * session_sweep() pings and hangs up instead. */
	info.retry_and_idle_policy = &no_validity;

	if (l->security_profile >= 2) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = l->tls_cert;
		info.ssl_private_key_filepath = l->tls_key;
		info.ssl_cipher_list = TLS_CIPHERS;
		info.ssl_options_set = TLS_OPTIONS;
		if (l->security_profile == 3) {
			info.options |= LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT;
			info.ssl_ca_filepath = l->tls_ca;
		}
	}
	vh->vhost = lws_create_vhost(t->ctx, &info);
	if (!vh->vhost) {
		gw_log(GW_LOG_ERR, "transport: listener %s %s:%d profile %d: cannot create "
		       "(bad TLS files?)", info.vhost_name, l->address, l->port,
		       l->security_profile);
		return GW_ECONFIG;
	}
	rc = listener_open(vh);
	if (rc)
		return rc;
	gw_log(GW_LOG_NOTICE, "transport: listener %s on %s:%d%s profile %d", info.vhost_name,
	       l->address[0] ? l->address : "*", vh->port, l->path_prefix, l->security_profile);
	return GW_OK;
}

int transport_new(const struct gw_config *cfg, const struct transport_hooks *h,
		  struct transport **out)
{
	struct lws_context_creation_info info;
	struct transport *t;
	ev_prepare *prep;
	ev_async *as;
	void *loops[1];
	int rc = GW_ENOMEM;

	*out = NULL;
	if (cfg->n_listeners < 1 || cfg->n_listeners > GW_CONFIG_MAX_LISTENERS)
		return GW_ECONFIG;
	raise_nofile();
	t = gw_calloc(1, sizeof(*t));
	if (!t)
		return GW_ENOMEM;
	t->cfg = cfg;
	t->h = *h;
	t->n_vh = cfg->n_listeners;
	prep = gw_calloc(1, sizeof(*prep));
	as = gw_calloc(1, sizeof(*as));
	t->ev_prepare = prep;
	t->ev_async = as;
	t->rl = ratelimit_new(cfg->auth_fail_limit, 65536);
	t->ac = authcache_new(16384);
	t->lws_tick = gw_calloc(1, sizeof(struct lws_tick));
	if (!prep || !as || !t->rl || !t->ac || !t->lws_tick || registry_init(t, 1024))
		goto fail;
	t->loop = ev_loop_new(EVFLAG_AUTO);
	if (!t->loop) {
		rc = GW_EIO;
		goto fail;
	}
	ev_prepare_init(prep, on_prepare);
	prep->data = t;
	ev_prepare_start(t->loop, prep);
	ev_async_init(as, on_async);
	as->data = t;
	ev_async_start(t->loop, as);

	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_LIBEV |
		       LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	loops[0] = t->loop;
	info.foreign_loops = loops;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.timeout_secs = (unsigned int)(cfg->handshake_timeout_s > 0 ? cfg->handshake_timeout_s : 5);
	info.timeout_secs_ah_idle = info.timeout_secs;
	info.max_http_header_data = 4096; /* one Authorization + URL fit easily */
	/* header tables: more than listen.c lets handshake at once, so none
	 * waits in lws's wait list (O(waiters) per release) */
	info.max_http_header_pool = 1024;
	info.user = t;
	t->ctx = lws_create_context(&info);
	if (!t->ctx) {
		gw_log(GW_LOG_ERR, "transport: lws_create_context failed (libev plugin missing?)");
		rc = GW_EIO;
		goto fail;
	}
	((struct lws_tick *)t->lws_tick)->ctx = t->ctx;
	on_lws_tick(t->lws_tick);
	for (int i = 0; i < t->n_vh; i++) {
		rc = vhost_create(t, i);
		if (rc)
			goto fail;
	}
	rc = transport_timer_every(t, 60000, sweep_ratelimit, t);
	if (!rc)
		rc = transport_timer_every(t, sweep_pass_ms(cfg) / SWEEP_SLICES, sweep_sessions, t);
	if (rc)
		goto fail;
	*out = t;
	return GW_OK;
fail:
	transport_free(t);
	return rc;
}

int transport_run(struct transport *t)
{
	t->stopping = 0;
	ev_run(t->loop, 0);
	return GW_OK;
}

void transport_stop(struct transport *t)
{
	if (t && t->loop)
		ev_async_send(t->loop, (ev_async *)t->ev_async);
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	t->stopping = 1;
	listener_close(t);
	/* lws closes every wsi: CLOSED (on_close) then WSI_DESTROY (free) */
	if (t->ctx) {
		lws_sul_cancel(t->lws_tick);
		lws_context_destroy(t->ctx);
	}
	t->ctx = NULL;
	if (t->loop) {
		ev_prepare_stop(t->loop, (ev_prepare *)t->ev_prepare);
		ev_async_stop(t->loop, (ev_async *)t->ev_async);
		for (struct ev_timer_node *n = t->timers; n; n = n->next)
			ev_timer_stop(t->loop, &n->w);
		ev_loop_destroy(t->loop);
	}
	while (t->timers) {
		struct ev_timer_node *n = t->timers;

		t->timers = n->next;
		gw_free(n);
	}
	registry_cleanup(t);
	ratelimit_free(t->rl);
	authcache_free(t->ac);
	gw_free(t->lws_tick);
	gw_free(t->wbuf);
	gw_free(t->ev_prepare);
	gw_free(t->ev_async);
	gw_free(t);
}

int transport_listener_port(const struct transport *t, int idx)
{
	if (!t || idx < 0 || idx >= t->n_vh)
		return -1;
	return t->vh[idx].port;
}

int transport_timer_every(struct transport *t, int64_t interval_ms, void (*fn)(void *),
			  void *arg)
{
	struct ev_timer_node *n;
	double s = (double)interval_ms / 1000.0;

	if (!t || interval_ms < 1 || !fn)
		return GW_EINVAL;
	n = gw_calloc(1, sizeof(*n));
	if (!n)
		return GW_ENOMEM;
	n->fn = fn;
	n->arg = arg;
	ev_timer_init(&n->w, on_timer, s, s);
	ev_timer_start(t->loop, &n->w);
	n->next = t->timers;
	t->timers = n;
	return GW_OK;
}
