/* SPDX-License-Identifier: MIT
 *
 * transport_int.h - what the files of src/transport/ share and nobody else
 * sees: the transport, the per-listener vhost, the session, and the small
 * pure helpers (identity from path, Basic header, subprotocol choice, rate
 * limiter, auth cache) that the unit tests drive without sockets.
 *
 * Files: ws_server.c (context, loop, lws callback), handshake.c (the
 * pre-upgrade checklist), session.c (registry, queues, close), tls.c,
 * identity.c, basic_auth.c, ratelimit.c, authcache.c, password.c, pki.c.
 */
#ifndef TRANSPORT_INT_H
#define TRANSPORT_INT_H
#include <stddef.h>
#include <stdint.h>

#include "common/gw_ocpp.h"
#include "transport/transport.h"

struct lws;
struct lws_context;
struct lws_vhost;
struct ev_loop;

/* ==== pure helpers (unit-tested) ======================================= */

/* identity.c: take the identity out of a request path that lws has already
 * percent-decoded (lws 4.1.6 decodes %XX, turns '+' into ' ' and folds
 * dot segments while parsing, so we must NOT decode a second time:
 * "%2541" would become "A").  path must be PREFIX "/" IDENTITY exactly.
 * A ' ' is turned back into '+' (a raw space cannot be in a request line,
 * so it came from '+'; identifierString allows '+' and no space).
 * Returns GW_OK and out (NUL-terminated), GW_ENOTFOUND if the prefix does
 * not match (HTTP 404), GW_EFORMAT if the identity breaks the rules
 * (HTTP 400): empty, > GW_IDENTITY_MAX bytes, ':', '/', '\\', control
 * bytes (< 0x20, 0x7f) or invalid UTF-8. */
int identity_from_path(const char *prefix, const char *path, size_t path_len,
		       char out[GW_IDENTITY_MAX + 1]);

/* The same rules for an identity that is already separated. */
int identity_valid(const char *id, size_t len);

/* basic_auth.c: parse an Authorization header value "Basic <b64>".
 * The decoded octets are split at the first ':'; the user part must be
 * 1..GW_IDENTITY_MAX bytes without NUL; the password part is raw bytes
 * (OCPP 1.6 AuthorizationKey may hold NUL and ':'), at most pwcap bytes.
 * GW_OK with user (NUL-terminated) and pw/pwlen; GW_EFORMAT otherwise.
 * Never logs. */
#define BASIC_PW_MAX 128
int basic_auth_parse(const char *hdr, size_t hdrlen, char user[GW_IDENTITY_MAX + 1],
		     unsigned char *pw, size_t pwcap, size_t *pwlen);

/* subprotocol choice from a Sec-WebSocket-Protocol value, in the client's
 * order ("ocpp2.0.1, ocpp1.6" -> OCPP_201).  OCPP_NONE if nothing we
 * speak was offered (or the header is empty). */
enum ocpp_version subprotocol_choose(const char *offer, size_t len);
const char *subprotocol_name(enum ocpp_version v);

/* ratelimit.c: failed handshakes per identity in a fixed one-minute
 * window.  Lifetime: one per transport.  Time comes from gw_clock. */
struct ratelimit;
struct ratelimit *ratelimit_new(int limit_per_min, size_t max_entries);
void ratelimit_free(struct ratelimit *rl);
/* 1 if identity reached the limit in the current window. */
int ratelimit_blocked(struct ratelimit *rl, const char *identity);
/* Count one failure. */
void ratelimit_fail(struct ratelimit *rl, const char *identity);
/* Forget windows older than a minute (called from a periodic timer). */
void ratelimit_sweep(struct ratelimit *rl);
size_t ratelimit_size(const struct ratelimit *rl);

/* authcache.c: remembers (stored hash, Authorization header) pairs that
 * verified, so a reconnect storm does not rerun PBKDF2.  Keyed by
 * SHA-256(identity, stored hash, salt, iterations, header); a password
 * change changes the stored hash and so misses by construction.  Fixed
 * size, direct-mapped, in memory only. */
struct authcache;
struct authcache *authcache_new(size_t slots);
void authcache_free(struct authcache *c);
void authcache_key(const char *identity, const unsigned char hash[32],
		   const unsigned char salt[16], int iterations, const char *hdr,
		   size_t hdrlen, unsigned char key[32]);
int authcache_has(const struct authcache *c, const unsigned char key[32]);
void authcache_put(struct authcache *c, const unsigned char key[32]);

/* ==== live objects ===================================================== */

/* One outbound text message.  Lifetime: from session_send() until written
 * in a SERVER_WRITEABLE turn or the session is freed.  buf has LWS_PRE
 * bytes of headroom before data. */
struct txmsg {
	struct txmsg *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE + len */
};

#define SESSION_MAGIC 0x5e5510a1u

/* "ip:port" of the peer: the longest is an IPv6 address in its IPv4-mapped
 * spelling (45 bytes) + ":65535" + NUL. */
#define SESSION_PEER_MAX 52

/* A message arriving in more than one rx chunk, while it is assembled.
 * Lifetime: from its first chunk to its delivery (or the session's end).
 * Bounded by cfg->max_message_bytes. */
struct rxbuf {
	size_t len, cap; /* data bytes held / allocated */
	char data[];
};

/* One per connected charge point, allocated when the handshake passed
 * (HTTP_CONFIRM_UPGRADE), attached as the wsi's external user space, freed
 * at LWS_CALLBACK_WSI_DESTROY.  The layer above sees it from on_open to
 * on_close only.  Kept small (bench: bytes per idle pile): what an idle
 * session does not use - a half-assembled message, the close reason, the
 * tx queue - is a pointer to memory made when needed. */
struct ws_session {
	unsigned int magic;
	uint8_t version;         /* enum ocpp_version; OCPP_NONE: no subprotocol,
	                          * closed at once */
	uint8_t profile;         /* 1..3, the listener's */
	unsigned opened : 1;     /* on_open called, in the registry */
	unsigned app_closed : 1; /* on_close called: the app forgot us */
	unsigned closing : 1;    /* close requested: write queue, then close */
	unsigned rx_paused : 1;
	unsigned ping_sent : 1;  /* pinged since the last frame from the peer */
	unsigned ping_due : 1;   /* a ping waits for the writable turn */
	unsigned peer_closing : 1; /* the peer sent a close: no direct writes */
	unsigned hs_over : 1;    /* counted out of the pending handshakes */
	struct transport *t;
	struct ws_vhost *vh;
	struct lws *wsi;
	void *user;
	char identity[GW_IDENTITY_MAX + 1];
	char peer[SESSION_PEER_MAX];

	int close_status;   /* WebSocket close code to send */
	char *close_reason; /* gw_malloc'd at session_close(); NULL = none */

	struct rxbuf *rx;    /* NULL unless a message spans rx chunks */
	int64_t last_rx_ms;  /* last frame (data or pong) from the peer, monotonic ms */

	/* tx queue, bounded by cfg->max_outbound_bytes */
	struct txmsg *tx_head, *tx_tail;
	size_t tx_bytes;

	struct ws_session *reg_next; /* registry bucket chain */
};

/* One per listener, lives as long as the transport. */
struct ws_vhost {
	struct transport *t;
	const struct gw_listener *l;
	int idx;
	struct lws_vhost *vhost;
	int port; /* bound port */
	void *io; /* struct listener_io * (listen.c): our listen socket */
};

struct ev_timer_node;

/* One per process. */
struct transport {
	const struct gw_config *cfg;
	struct transport_hooks h;
	struct ev_loop *loop;
	struct lws_context *ctx;
	struct ws_vhost vh[8];
	int n_vh;
	void *ev_prepare; /* struct ev_prepare * (ev.h stays in ws_server.c) */
	void *ev_async;   /* struct ev_async * */
	void *lws_tick;   /* struct lws_tick *, see ws_server.c */
	struct ev_timer_node *timers;

	/* registry: identity -> opened session, chained hash */
	struct ws_session **reg;
	size_t reg_buckets;
	size_t reg_count;
	size_t sweep_next; /* next bucket session_sweep() visits */

	struct ratelimit *rl;
	struct authcache *ac;
	int stopping;
	int in_before_sleep;   /* inside h.before_sleep: session_send may write */
	unsigned char *wbuf;   /* LWS_PRE + message scratch for those writes */
	size_t wbuf_cap;

	/* accept pacing (listen.c) */
	int hs_pending;           /* adopted, not yet ESTABLISHED or gone */
	unsigned accept_paused : 1;  /* at HANDSHAKES_MAX: listeners stopped */
	unsigned accept_backoff : 1; /* after EMFILE...: listeners stopped */
	void *accept_retry;       /* struct ev_timer *: the backoff */
	uint64_t accept_pauses;   /* times the limit was reached */
	int64_t accept_pause_log_ms; /* last "accepting paused" notice */
};

/* ==== handshake.c ====================================================== */

/* The pre-upgrade checklist for one request (HTTP_CONFIRM_UPGRADE).  Returns
 * 0 to let lws upgrade (the session is attached to wsi), 1 after an HTTP
 * refusal was written, -1 to hang up without a word. */
int handshake_confirm(struct ws_vhost *vh, struct lws *wsi);

/* An HTTP request without Upgrade: answer 400 and close (see the
 * NN-2025-0102 note in handshake.c for why we never keep such a
 * connection alive).  Always returns 1. */
int handshake_plain_http(struct ws_vhost *vh, struct lws *wsi);

/* ==== session.c ======================================================= */

struct ws_session *session_new(struct transport *t, struct ws_vhost *vh, struct lws *wsi,
			       const char *identity, enum ocpp_version v);
/* WSI_DESTROY: frees s and its queues. */
void session_destroy(struct ws_session *s);
/* ESTABLISHED: registry insert (closing an older one), on_open.  Returns
 * 0, or -1 to fail the connection. */
int session_established(struct ws_session *s);
/* CLOSED: registry remove, on_close if not done yet. */
void session_closed(struct ws_session *s);
/* RECEIVE: reassembly and on_message; always 0 (a refusal closes from
 * the writable turn, see refuse() in session.c). */
int session_receive(struct ws_session *s, const void *in, size_t len);
/* SERVER_WRITEABLE: a due ping, then the queue; -1 to close now. */
int session_writable(struct ws_session *s);
/* RECEIVE_PONG: the peer is alive. */
void session_pong(struct ws_session *s);
/* Liveness, one slice: visit the next n registry buckets; ping sessions
 * silent for cfg->ping_interval_s, hang up those silent for
 * cfg->idle_hangup_s.  A whole pass of the registry costs one visit per
 * session and never touches lws's timer list (see ws_server.c). */
void session_sweep(struct transport *t, size_t n, int64_t now_ms);
int registry_init(struct transport *t, size_t buckets);
void registry_cleanup(struct transport *t);

/* Log "cp=ID peer=IP:PORT ..." lines and call security_event. */
void transport_security(struct transport *t, const char *identity, const char *peer,
			const char *event, const char *detail);

/* ==== listen.c ======================================================= */

/* Bind and listen on vh->l's address and port (0: the OS picks; vh->port
 * gets the real one) and accept from the loop, handing each connection to
 * lws.  GW_OK, GW_ECONFIG (bad address, port in use: logged), GW_ENOMEM. */
int listener_open(struct ws_vhost *vh);
/* Stop accepting and close every listen socket. */
void listener_close(struct transport *t);
/* The listener that accepted wsi (kept in its opaque user data), or NULL:
 * lws may re-bind a wsi to another of our vhosts (see listen.c). */
struct ws_vhost *listener_of(struct transport *t, struct lws *wsi);
/* One pending handshake is over (ESTABLISHED or destroyed before): count
 * it out and accept again below the limit.  Once per adopted wsi. */
void listener_handshake_over(struct transport *t);

/* ==== tls.c =========================================================== */

/* LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS: the ECDSA chain. */
int tls_load_extra(struct ws_vhost *vh, void *ssl_ctx);
/* LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION: 0 accept,
 * 1 refuse (lws inverts it for OpenSSL). */
int tls_verify_client(struct transport *t, void *x509_ctx, int preverify_ok);
/* Profile 3: the peer certificate's CN must equal identity and its O
 * contain operator (if non-empty).  GW_OK or GW_EAUTH with why filled. */
int tls_check_peer(struct lws *wsi, const char *identity, const char *operator_name,
		   char *why, size_t whylen);

#endif
