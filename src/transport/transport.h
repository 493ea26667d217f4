/* SPDX-License-Identifier: MIT
 *
 * transport.h - sockets, TLS, authentication and the session registry.
 *
 * The transport owns one libwebsockets context running on our own libev
 * loop, one vhost per configured listener (security profile 1, 2 or 3), and
 * the registry identity -> live session.  It knows nothing of OCPP payloads:
 * it hands the layer above (the dispatcher) whole, reassembled, UTF-8-valid
 * text messages and sends back whatever bytes it is given.
 *
 * Threading: everything here runs on the loop thread, except
 * transport_stop(), which may be called from a signal handler.
 *
 * Order of hooks for one connection:
 *   pile_lookup (+ pile_register, pending_password_used) during the
 *   handshake, then on_open, on_message*, on_close (exactly once per
 *   on_open).  A refused handshake calls security_event and never on_open.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H
#include <stddef.h>
#include <stdint.h>

#include "common/gw_ocpp.h"

struct gw_config;
struct transport;  /* one per process */
struct ws_session; /* one per connected charge point, freed after on_close */

/* What the store knows of a pile for authentication.  Filled by
 * pile_lookup; read only during the handshake. */
struct pile_credentials {
	int registered;            /* 1 if the identity is known */
	int registration_rejected; /* operator rejected this pile: refuse */
	int min_profile;           /* 0 = any; refused on a listener below it */
	int has_password;
	unsigned char pw_hash[32]; /* PBKDF2-HMAC-SHA256(password, salt, iterations) */
	unsigned char pw_salt[16];
	int pw_iterations;
	int has_pending;           /* a rotation was sent, not yet confirmed */
	unsigned char pending_hash[32];
	unsigned char pending_salt[16];
	int pending_iterations;
};

/* The layer above.  Every hook is called on the loop thread; arg is
 * passed back unchanged.  NULL hooks are skipped (pile_lookup NULL = every
 * identity unknown). */
struct transport_hooks {
	void *arg;
	/* GW_OK (out filled), GW_ENOTFOUND (unknown identity), GW_ESTORE
	 * (store down: the handshake is refused with 503). */
	int (*pile_lookup)(void *arg, const char *identity, struct pile_credentials *out);
	/* cfg->auto_register and an unknown identity: register it.  GW_OK or
	 * an error (refused with 503). */
	int (*pile_register)(void *arg, const char *identity);
	/* The pile authenticated with its pending password: promote it (A01
	 * rotation confirmed by use). */
	void (*pending_password_used)(void *arg, const char *identity);
	/* A session was authenticated and upgraded.  It is already in the
	 * registry; any older session of the same identity is already closed
	 * (its on_close came first). */
	void (*on_open)(void *arg, struct ws_session *s);
	/* One whole reassembled, UTF-8-valid text message of at most
	 * cfg->max_message_bytes.  buf is borrowed for the call and is NOT
	 * NUL-terminated: a message that came in one rx chunk is handed up
	 * straight from lws's buffer, where buf[len] belongs to the next
	 * frame or lies past the buffer: never touch it.  U+0000 is valid
	 * UTF-8 too, so always use len. */
	void (*on_message)(void *arg, struct ws_session *s, const char *buf, size_t len);
	/* The session is gone (peer close, error, replacement, our close).
	 * Called exactly once per on_open; s is freed right after it returns,
	 * so drop every pointer to it (and to session_user) here. */
	void (*on_close)(void *arg, struct ws_session *s);
	/* Once per event-loop turn, before the loop blocks (libev ev_prepare):
	 * the dispatcher's group commit, then its replies (STYLE.md §4). */
	void (*before_sleep)(void *arg);
	/* Our own security log: failed auth, bad client cert, rate limit...
	 * identity may be "" when it could not be read; event is a short
	 * token ("auth_failed", "bad_client_cert", ...); detail never
	 * contains a secret. */
	void (*security_event)(void *arg, const char *identity, const char *event,
			       const char *detail);
};

/* ---- lifetime of the transport */

/* Create the loop, the lws context and one vhost per cfg->listeners[i],
 * bind every port and raise RLIMIT_NOFILE.  cfg and h are borrowed and must
 * outlive the transport (h is copied).  GW_OK and *out, or GW_ECONFIG (bad
 * TLS files, port in use: logged), GW_ENOMEM, GW_EIO. */
int transport_new(const struct gw_config *cfg, const struct transport_hooks *h,
		  struct transport **out);

/* Run the loop until transport_stop().  Returns GW_OK, or GW_EIO if the loop
 * failed.  Sessions are still open afterwards: transport_free() closes them
 * (on_close is called for each). */
int transport_run(struct transport *t);

/* Ask transport_run() to return at the next loop turn.  Async-signal-safe
 * (ev_async_send); callable from any thread or a SIGTERM handler. */
void transport_stop(struct transport *t);

/* Close every session (on_close for each), destroy the context and the
 * loop.  NULL is fine.  Never call from inside a hook. */
void transport_free(struct transport *t);

/* The port listener idx (index into cfg->listeners) is bound to: the real
 * one when the config said 0.  -1 if idx is out of range. */
int transport_listener_port(const struct transport *t, int idx);

/* Call fn(arg) every interval_ms on the loop thread, first after
 * interval_ms, until transport_free().  GW_OK, GW_EINVAL (interval < 1),
 * GW_ENOMEM. */
int transport_timer_every(struct transport *t, int64_t interval_ms, void (*fn)(void *),
			  void *arg);

/* ---- the session registry */

/* The live (opened, not yet closed) session of identity, or NULL.
 * Borrowed: valid until its on_close. */
struct ws_session *transport_session_find(struct transport *t, const char *identity);
size_t transport_session_count(const struct transport *t);

/* ---- one session (all borrowed pointers live until on_close) */

const char *session_identity(const struct ws_session *s); /* decoded, <= 48 bytes */
enum ocpp_version session_version(const struct ws_session *s);
int session_security_profile(const struct ws_session *s); /* 1, 2 or 3 */
const char *session_peer(const struct ws_session *s);     /* "ip:port" */
void *session_user(const struct ws_session *s);
void session_set_user(struct ws_session *s, void *u);
/* 1 once session_close() was called or the peer is going away: sends are
 * refused with GW_ECLOSED. */
int session_is_closing(const struct ws_session *s);

/* Send len bytes as one text message, in order with the session's
 * earlier ones.  Called from before_sleep (the dispatcher, after its group
 * commit) with nothing queued, it is written at once; otherwise it is
 * copied into the session's outbound queue and written with the others in
 * the next writable turn.  GW_OK; GW_ECLOSED if the session is closing (or
 * the write failed: the connection is then dropped);
 * GW_ETOOBIG if the queue would exceed cfg->max_outbound_bytes (the
 * session is then closed with 1008 "outbound queue full"); GW_ENOMEM.
 * buf is borrowed.  Callable from any hook, including on_message. */
int session_send(struct ws_session *s, const char *buf, size_t len);

/* Close the session with a WebSocket close status (1000, 1008, 1011...) and
 * a short reason (<= 120 bytes, no secrets).  Queued messages are still
 * written first.  Never frees inside the call: on_close follows later from
 * the loop.  Idempotent. */
void session_close(struct ws_session *s, int ws_close_status, const char *reason);

/* pause = 1: stop reading from the peer (back-pressure while a commit is
 * pending); 0: resume. */
void session_pause_rx(struct ws_session *s, int pause);

/* ---- the operator HTTP listener (http_vhost.c) ----------------------
 *
 * One more vhost on the same lws context and loop, serving plain HTTP/1.1
 * to the operator API.  The transport reads one whole request (headers
 * and a body of at most max_body_bytes; beyond that it answers 413 itself)
 * and hands it up; the layer above answers exactly once with http_reply(),
 * at once or later (an answer that waits for a pile).  Every connection
 * carries one request and is closed after the answer: never keep-alive, and
 * any Upgrade header is refused, which keeps the vhost out of lws 4.1.6's
 * NN-2025-0102 path (PROTOCOL.md 3.2, handshake.c). */

struct http_req; /* one per request in flight; owned by the transport */

/* A whole request; every pointer is borrowed until http_reply() or
 * on_abort for it. */
struct http_request {
	const char *method;        /* "GET", "POST", "PUT", "PATCH", "DELETE", ... */
	const char *path;          /* percent-decoded by lws, starts with '/' */
	const char *query;         /* arguments joined with '&', "" if none */
	const char *authorization; /* "" if absent; a secret: never log it */
	const char *content_type;  /* "" if absent */
	const char *body;          /* NUL-terminated at body[body_len]; "" if none */
	size_t body_len;
	const char *peer;          /* "ip" */
	const char *hook_timestamp; /* X-Ocppgw-Timestamp, "" if absent */
	const char *hook_signature; /* X-Ocppgw-Signature, "" if absent */
};

struct http_hooks {
	void *arg;
	size_t max_body_bytes;     /* request body cap: 413 beyond */
	/* One whole request.  Answer with http_reply(r, ...) exactly once,
	 * now or later from the loop thread. */
	void (*on_request)(void *arg, struct http_req *r, const struct http_request *rq);
	/* The connection went away before http_reply(): forget r (freed
	 * right after this returns).  Never called after http_reply(). */
	void (*on_abort)(void *arg, struct http_req *r);
};

/* Listen on address:port (port 0: the OS picks; *bound_port, may be NULL,
 * gets the real one).  h is copied.  GW_OK, GW_ECONFIG (port in use,
 * logged), GW_ENOMEM, GW_EINVAL.  Call after transport_new(), before
 * transport_run(); the listener lives until transport_free(). */
int transport_http_listen(struct transport *t, const char *address, int port,
			  const struct http_hooks *h, int *bound_port);

/* Answer r: status, content type (NULL = "application/json") and body
 * (copied; len bytes).  extra_header (NULL = none) is one "Name: value"
 * line without CRLF (WWW-Authenticate, Location...).  The answer is
 * written on the next writable turn of the loop, so after the group
 * commit of this turn (STYLE.md 4).  GW_OK, GW_EINVAL (already answered),
 * GW_ENOMEM (the connection is then closed). */
int http_reply(struct http_req *r, int status, const char *content_type, const char *body,
	       size_t len, const char *extra_header);

/* A pointer of the layer above kept with r (e.g. its pending command). */
void http_req_set_user(struct http_req *r, void *u);
void *http_req_user(const struct http_req *r);

#endif
