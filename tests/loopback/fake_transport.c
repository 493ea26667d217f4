/* SPDX-License-Identifier: MIT
 *
 * fake_transport.c - transport/transport.h's session registry and session
 * functions in memory, plus the loop_* drivers (fake_transport.h).
 *
 * Linked instead of gw_transport: the dispatcher (gw_core) only calls
 * session_*, transport_session_find and transport_stop (check with
 * `nm -u libgw_core.a`).  Everything here uses plain malloc, not gw_malloc,
 * so allocation-failure sweeps hit only the gateway's own allocations.
 */
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "loopback/fake_transport.h"

/* One per loop_open; owned by the loop until loop_free (kept as a zombie
 * after on_close so tests can inspect it). */
struct ws_session {
	struct ws_session *next; /* every session ever opened, newest first */
	char identity[GW_IDENTITY_MAX + 1];
	enum ocpp_version version;
	void *user;
	struct loop_msg *sent_head, *sent_tail; /* written, not yet taken */
	size_t sent_bytes;
	int closing;      /* session_close() called */
	int gone;         /* on_close done: not in the registry any more */
	int close_status; /* WebSocket close code, 0 = none */
	char close_reason[124];
	int rx_paused;
};

/* The fake transport: one per process. */
struct transport {
	struct transport_hooks h;
	struct ws_session *sessions;
	int auto_register;
	size_t outbound_cap;
	int stop_requests;
};

static struct transport *loop; /* the one live loop, or NULL */

/* ---- the loop */

struct transport *loop_new(const struct transport_hooks *h)
{
	if (loop || !h)
		return NULL;
	loop = calloc(1, sizeof(*loop));
	if (!loop)
		return NULL;
	loop->h = *h;
	loop->auto_register = 1;
	return loop;
}

static void gone(struct ws_session *s)
{
	if (s->gone)
		return;
	s->gone = 1;
	s->closing = 1;
	if (loop->h.on_close)
		loop->h.on_close(loop->h.arg, s);
	s->user = NULL;
}

void loop_free(struct transport *t)
{
	struct ws_session *s, *next;

	if (!t)
		return;
	for (s = t->sessions; s; s = s->next)
		gone(s);
	for (s = t->sessions; s; s = next) {
		next = s->next;
		loop_msgs_free(s->sent_head);
		free(s);
	}
	free(t);
	if (loop == t)
		loop = NULL;
}

void loop_set_auto_register(int on)
{
	if (loop)
		loop->auto_register = on;
}

void loop_set_outbound_cap(size_t bytes)
{
	if (loop)
		loop->outbound_cap = bytes;
}

int loop_stop_requests(void)
{
	return loop ? loop->stop_requests : 0;
}

/* The handshake's store side, as transport/handshake.c asks it. */
static int admit(const char *identity)
{
	struct pile_credentials cred;
	int rc;

	if (!loop->h.pile_lookup)
		return GW_ENOTFOUND;
	rc = loop->h.pile_lookup(loop->h.arg, identity, &cred);
	if (rc == GW_ENOTFOUND && loop->auto_register && loop->h.pile_register)
		rc = loop->h.pile_register(loop->h.arg, identity);
	else if (rc == GW_OK && cred.registration_rejected)
		rc = GW_EAUTH;
	return rc;
}

struct ws_session *loop_open(const char *identity, enum ocpp_version v)
{
	struct ws_session *s, *old;

	if (!loop || !identity || strlen(identity) > GW_IDENTITY_MAX || admit(identity) != GW_OK)
		return NULL;
	old = transport_session_find(loop, identity);
	if (old) /* the registry replaces it: its on_close comes first */
		gone(old);
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	memcpy(s->identity, identity, strlen(identity) + 1);
	s->version = v;
	s->next = loop->sessions;
	loop->sessions = s;
	if (loop->h.on_open)
		loop->h.on_open(loop->h.arg, s);
	return s;
}

int loop_send_len(struct ws_session *s, const char *buf, size_t len)
{
	char *copy;

	if (!loop || !s || s->closing || s->gone)
		return GW_ECLOSED;
	/* exactly len + 1 bytes, as the transport's reassembly buffer ends */
	copy = malloc(len + 1);
	if (!copy)
		return GW_ENOMEM;
	if (len)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	if (loop->h.on_message)
		loop->h.on_message(loop->h.arg, s, copy, len);
	free(copy);
	return GW_OK;
}

int loop_send(struct ws_session *s, const char *text)
{
	return loop_send_len(s, text, strlen(text));
}

void loop_turn(void)
{
	struct ws_session *s;

	if (!loop)
		return;
	if (loop->h.before_sleep)
		loop->h.before_sleep(loop->h.arg);
	for (s = loop->sessions; s; s = s->next)
		if (s->closing && !s->gone)
			gone(s);
}

void loop_peer_close(struct ws_session *s)
{
	if (loop && s)
		gone(s);
}

struct loop_msg *loop_take_sent(struct ws_session *s)
{
	struct loop_msg *m;

	if (!s)
		return NULL;
	m = s->sent_head;
	s->sent_head = s->sent_tail = NULL;
	s->sent_bytes = 0;
	return m;
}

size_t loop_msgs_count(const struct loop_msg *m)
{
	size_t n = 0;

	for (; m; m = m->next)
		n++;
	return n;
}

void loop_msgs_free(struct loop_msg *m)
{
	struct loop_msg *next;

	for (; m; m = next) {
		next = m->next;
		free(m);
	}
}

int loop_is_closing(const struct ws_session *s)
{
	return s->closing;
}

int loop_is_gone(const struct ws_session *s)
{
	return s->gone;
}

int loop_close_status(const struct ws_session *s)
{
	return s->close_status;
}

const char *loop_close_reason(const struct ws_session *s)
{
	return s->close_reason;
}

/* ---- transport.h: what the dispatcher calls */

void transport_stop(struct transport *t)
{
	if (t)
		t->stop_requests++;
}

struct ws_session *transport_session_find(struct transport *t, const char *identity)
{
	struct ws_session *s;

	if (!t || !identity)
		return NULL;
	for (s = t->sessions; s; s = s->next)
		if (!s->gone && !strcmp(s->identity, identity))
			return s;
	return NULL;
}

size_t transport_session_count(const struct transport *t)
{
	size_t n = 0;

	for (const struct ws_session *s = t ? t->sessions : NULL; s; s = s->next)
		n += !s->gone;
	return n;
}

const char *session_identity(const struct ws_session *s)
{
	return s->identity;
}

enum ocpp_version session_version(const struct ws_session *s)
{
	return s->version;
}

int session_security_profile(const struct ws_session *s)
{
	(void)s;
	return 1;
}

const char *session_peer(const struct ws_session *s)
{
	(void)s;
	return "127.0.0.1:1";
}

void *session_user(const struct ws_session *s)
{
	return s->user;
}

void session_set_user(struct ws_session *s, void *u)
{
	s->user = u;
}

int session_is_closing(const struct ws_session *s)
{
	return s->closing;
}

void session_close(struct ws_session *s, int ws_close_status, const char *reason)
{
	if (s->closing)
		return; /* idempotent: the first status wins */
	s->closing = 1;
	s->close_status = ws_close_status;
	if (reason) {
		size_t n = strlen(reason);
		if (n >= sizeof(s->close_reason))
			n = sizeof(s->close_reason) - 1;
		memcpy(s->close_reason, reason, n);
		s->close_reason[n] = '\0';
	}
}

int session_send(struct ws_session *s, const char *buf, size_t len)
{
	struct loop_msg *m;

	if (s->closing)
		return GW_ECLOSED;
	if (loop && loop->outbound_cap && s->sent_bytes + len > loop->outbound_cap) {
		session_close(s, 1008, "outbound queue full");
		return GW_ETOOBIG;
	}
	m = malloc(sizeof(*m) + len + 1);
	if (!m)
		return GW_ENOMEM;
	m->next = NULL;
	m->len = len;
	memcpy(m->text, buf, len);
	m->text[len] = '\0';
	if (s->sent_tail)
		s->sent_tail->next = m;
	else
		s->sent_head = m;
	s->sent_tail = m;
	s->sent_bytes += len;
	return GW_OK;
}

void session_pause_rx(struct ws_session *s, int pause)
{
	s->rx_paused = pause;
}
