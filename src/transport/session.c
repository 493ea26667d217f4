/* SPDX-License-Identifier: MIT
 *
 * session.c - one connected charge point: the registry (identity -> the
 * one live session), inbound reassembly, the bounded outbound queue, and
 * closing.
 *
 * Lifetimes: a session is allocated by handshake.c once the request passed
 * every check, is opened at ESTABLISHED (registry + on_open), is closed for
 * the layer above exactly once (on_close: at CLOSED, or earlier when a
 * newer authenticated session replaces it), and is freed at WSI_DESTROY.
 * Nothing here frees a session inside a callback chain that still uses it
 * (STYLE.md §5): session_close() only marks and asks for a writable turn,
 * where lws is told to close.
 * Bounds: inbound messages <= cfg->max_message_bytes (1009 above, checked
 * before allocating), outbound queue <= cfg->max_outbound_bytes (closed
 * with 1008 above).
 * Memory of an idle session: the struct alone (bench: bytes per idle
 * pile).  A message in one rx chunk is handed up from lws's buffer; only a
 * message spanning chunks gets a buffer, freed once it is delivered.
 */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <libwebsockets.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "transport/transport_int.h"

/* ---- registry -------------------------------------------------------- */

static size_t hash_id(const char *s)
{
	size_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

int registry_init(struct transport *t, size_t buckets)
{
	t->reg = gw_calloc(buckets, sizeof(*t->reg));
	if (!t->reg)
		return GW_ENOMEM;
	t->reg_buckets = buckets;
	return GW_OK;
}

void registry_cleanup(struct transport *t)
{
	GW_FREE(t->reg);
	t->reg_buckets = 0;
	t->reg_count = 0;
}

static void registry_grow(struct transport *t)
{
	size_t nb = t->reg_buckets * 2;
	struct ws_session **nr = gw_calloc(nb, sizeof(*nr));

	if (!nr)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < t->reg_buckets; i++)
		while (t->reg[i]) {
			struct ws_session *s = t->reg[i];
			size_t j = hash_id(s->identity) & (nb - 1);

			t->reg[i] = s->reg_next;
			s->reg_next = nr[j];
			nr[j] = s;
		}
	gw_free(t->reg);
	t->reg = nr;
	t->reg_buckets = nb;
}

static void registry_remove(struct transport *t, struct ws_session *s)
{
	struct ws_session **pp;

	if (!t->reg)
		return;
	pp = &t->reg[hash_id(s->identity) & (t->reg_buckets - 1)];
	while (*pp && *pp != s)
		pp = &(*pp)->reg_next;
	if (*pp) {
		*pp = s->reg_next;
		s->reg_next = NULL;
		t->reg_count--;
	}
}

static void registry_insert(struct transport *t, struct ws_session *s)
{
	size_t i;

	if (t->reg_count >= t->reg_buckets)
		registry_grow(t);
	i = hash_id(s->identity) & (t->reg_buckets - 1);
	s->reg_next = t->reg[i];
	t->reg[i] = s;
	t->reg_count++;
}

struct ws_session *transport_session_find(struct transport *t, const char *identity)
{
	struct ws_session *s;

	if (!t || !identity || !t->reg)
		return NULL;
	s = t->reg[hash_id(identity) & (t->reg_buckets - 1)];
	while (s && strcmp(s->identity, identity))
		s = s->reg_next;
	return s;
}

size_t transport_session_count(const struct transport *t)
{
	return t ? t->reg_count : 0;
}

/* ---- accessors ------------------------------------------------------- */

const char *session_identity(const struct ws_session *s)
{
	return s->identity;
}

enum ocpp_version session_version(const struct ws_session *s)
{
	return (enum ocpp_version)s->version;
}

int session_security_profile(const struct ws_session *s)
{
	return s->profile;
}

const char *session_peer(const struct ws_session *s)
{
	return s->peer;
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
	return s->closing || s->app_closed;
}

/* ---- life ------------------------------------------------------------ */

static void peer_of(struct lws *wsi, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (!getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&ss, &sl)) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
			port = ntohs(a->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
			port = ntohs(a->sin6_port);
		}
	}
	/* a v6 listener shows v4 peers as ::ffff:a.b.c.d; log them as v4 */
	snprintf(buf, len, "%s:%d", strncmp(ip, "::ffff:", 7) ? ip : ip + 7, port);
}

struct ws_session *session_new(struct transport *t, struct ws_vhost *vh, struct lws *wsi,
			       const char *identity, enum ocpp_version v)
{
	struct ws_session *s = gw_calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->magic = SESSION_MAGIC;
	s->t = t;
	s->vh = vh;
	s->wsi = wsi;
	s->version = (uint8_t)v;
	s->profile = (uint8_t)vh->l->security_profile;
	snprintf(s->identity, sizeof(s->identity), "%s", identity);
	peer_of(wsi, s->peer, sizeof(s->peer));
	s->last_rx_ms = gw_clock_mono_ms();
	return s;
}

static void txq_clear(struct ws_session *s)
{
	while (s->tx_head) {
		struct txmsg *m = s->tx_head;

		s->tx_head = m->next;
		gw_free(m);
	}
	s->tx_tail = NULL;
	s->tx_bytes = 0;
}

void session_destroy(struct ws_session *s)
{
	/* CLOSED may not come (upgrade failed after CONFIRM_UPGRADE): make
	 * sure the registry and the layer above forget s before it goes */
	session_closed(s);
	txq_clear(s);
	GW_FREE(s->rx);
	GW_FREE(s->close_reason);
	s->magic = 0;
	gw_free(s);
}

/* Tell the layer above once; afterwards s is invisible to it. */
static void app_close(struct ws_session *s)
{
	struct transport *t = s->t;

	if (!s->opened || s->app_closed)
		return;
	s->app_closed = 1;
	registry_remove(t, s);
	if (t->h.on_close)
		t->h.on_close(t->h.arg, s);
	s->user = NULL;
}

int session_established(struct ws_session *s)
{
	struct transport *t = s->t;
	struct ws_session *old;

	if (s->version == OCPP_NONE) {
		/* OCPP-J §3.1.2: no subprotocol agreed -> the handshake completes
		 * without the header and we close at once */
		gw_log(GW_LOG_NOTICE, "cp=%s peer=%s no subprotocol offered: closing", s->identity,
		       s->peer);
		session_close(s, LWS_CLOSE_STATUS_PROTOCOL_ERR, "no OCPP subprotocol");
		return 0;
	}
	/* One owner per identity (PROTOCOL.md §4 rule 8): an authenticated
	 * newcomer replaces the old session, which the layer above sees close
	 * before it sees the new one open. */
	old = transport_session_find(t, s->identity);
	if (old) {
		gw_log(GW_LOG_NOTICE, "cp=%s peer=%s replaces session from %s", s->identity, s->peer,
		       old->peer);
		session_close(old, LWS_CLOSE_STATUS_NORMAL, "replaced");
		app_close(old);
	}
	registry_insert(t, s);
	s->opened = 1;
	gw_log(GW_LOG_INFO, "cp=%s peer=%s open %s profile %d", s->identity, s->peer,
	       subprotocol_name((enum ocpp_version)s->version), s->profile);
	if (t->h.on_open)
		t->h.on_open(t->h.arg, s);
	return 0;
}

void session_closed(struct ws_session *s)
{
	if (s->opened && !s->app_closed)
		gw_log(GW_LOG_INFO, "cp=%s peer=%s closed", s->identity, s->peer);
	app_close(s);
}

/* ---- inbound --------------------------------------------------------- */

/* Refuse what the peer is sending and close with st.  Returning -1 from
 * RECEIVE is not enough in lws 4.1.6: it stops parsing mid-chunk, moves the
 * wsi to "waiting to send close" and asks for a writable turn - but if more
 * of the refused message reaches the socket before that turn (a message
 * over the cap arriving in many chunks or fragments, or a 1 KiB rx chunk
 * that holds only its start), lws parses it in that state, bails a second
 * time and hangs up without the close frame (seen with strace: no write
 * between the two lws_read_h1 bails, then shutdown).  So: stop reading
 * (lws keeps what it already read in its buflist, freed with the wsi),
 * then send the close from the writable turn like any session_close(). */
static int refuse(struct ws_session *s, enum lws_close_status st, const char *why)
{
	gw_log(GW_LOG_NOTICE, "cp=%s peer=%s %s: closing %d", s->identity, s->peer, why, (int)st);
	GW_FREE(s->rx);
	session_close(s, (int)st, why);
	if (!s->rx_paused) {
		s->rx_paused = 1;
		lws_rx_flow_control(s->wsi, 0);
	}
	return 0;
}

/* Hand one whole message up.  buf is not NUL-terminated (transport.h). */
static void deliver(struct ws_session *s, const char *buf, size_t len)
{
	struct transport *t = s->t;

	if (t->h.on_message)
		t->h.on_message(t->h.arg, s, buf, len);
}

int session_receive(struct ws_session *s, const void *in, size_t len)
{
	struct transport *t = s->t;
	size_t cap = t->cfg->max_message_bytes > 0 ? (size_t)t->cfg->max_message_bytes : 65536;
	size_t remain = lws_remaining_packet_payload(s->wsi);
	int first = lws_is_first_fragment(s->wsi);
	int last = !remain && lws_is_final_fragment(s->wsi);
	size_t need;

	if (first) {
		/* lws refuses a new message inside a fragmented one ("bad
		 * cont"), so nothing is half-assembled here; be sure anyway */
		GW_FREE(s->rx);
	}
	if (lws_frame_is_binary(s->wsi))
		return refuse(s, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "text frames only");
	/* any frame is proof of life (session_sweep); a stamp, not a call
	 * into lws: lws_validity_confirmed() re-inserted a timer into lws's
	 * one sorted list, O(piles) per call (bench/ANALYSIS.md §1) */
	s->last_rx_ms = gw_clock_mono_ms();
	s->ping_sent = 0;
	if (s->closing || s->app_closed)
		return 0; /* draining towards close: drop */

	/* the cap is checked against what the frame header announced, before
	 * a byte is allocated for it (PROTOCOL.md §3.2) */
	need = (s->rx ? s->rx->len : 0) + len;
	if (len > cap || remain > cap || need > cap || need + remain > cap) {
		gw_log(GW_LOG_WARN, "cp=%s peer=%s message over %zu bytes", s->identity, s->peer,
		       cap);
		return refuse(s, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big");
	}
	if (first && last) {
		/* the whole message in one chunk (nearly every OCPP message at
		 * RX_CHUNK): hand up lws's own bytes, no copy.  Read-only: lws
		 * 4.1.6 may deliver straight from its read buffer, where
		 * in[len] is the first byte of the next frame (writing a NUL
		 * there turned the next frame into a bad continuation, 1002). */
		deliver(s, in, len);
		goto done;
	}
	/* a message in several chunks: a buffer for this message only, sized
	 * from what the current frame announced; fragments of a message whose
	 * total nobody announced grow it geometrically */
	if (!s->rx || need + remain > s->rx->cap) {
		size_t have = s->rx ? s->rx->cap : 0;
		size_t ncap = need + remain;
		struct rxbuf *nb;

		if (!lws_is_final_fragment(s->wsi) && ncap < 2 * have)
			ncap = 2 * have;
		if (ncap > cap)
			ncap = cap;
		nb = gw_realloc(s->rx, sizeof(*nb) + ncap);
		if (!nb)
			return refuse(s, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
		if (!s->rx)
			nb->len = 0;
		nb->cap = ncap;
		s->rx = nb;
	}
	memcpy(s->rx->data + s->rx->len, in, len);
	s->rx->len += len;
	if (!last)
		return 0;
	deliver(s, s->rx->data, s->rx->len);
	/* give the buffer back once the message is handled: an idle pile
	 * holds no reassembly memory (bench: bytes per idle pile) */
	GW_FREE(s->rx);
done:
	if (s->closing)
		lws_callback_on_writable(s->wsi);
	return 0;
}

/* ---- outbound -------------------------------------------------------- */

/* Write one message now, from before_sleep (outside every lws callback),
 * when nothing is queued ahead of it and lws holds no unsent rest of an
 * earlier write: saves the two epoll_ctl of a writable request and the
 * poll() of lws_send_pipe_choked() per reply (bench/ANALYSIS.md §2).  A
 * short send is kept and finished by lws itself (lws_write() then returns
 * len and lws_partial_buffered() turns 1, which sends later messages down
 * the queue).  GW_OK, GW_EBUSY when it must be queued instead, or
 * GW_ECLOSED after a write error (the connection is dropped). */
static int write_now(struct ws_session *s, const char *buf, size_t len)
{
	struct transport *t = s->t;

	if (!t->in_before_sleep || s->tx_head || s->ping_due || s->peer_closing ||
	    lws_partial_buffered(s->wsi))
		return GW_EBUSY;
	if (LWS_PRE + len > t->wbuf_cap) {
		size_t cap = LWS_PRE + len < 4096 ? 4096 : LWS_PRE + len;
		unsigned char *nb;

		if (cap > 65536 + LWS_PRE)
			return GW_EBUSY; /* a big one: queue it, keep the scratch small */
		nb = gw_realloc(t->wbuf, cap);
		if (!nb)
			return GW_EBUSY;
		t->wbuf = nb;
		t->wbuf_cap = cap;
	}
	memcpy(t->wbuf + LWS_PRE, buf, len);
	if (lws_write(s->wsi, t->wbuf + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len) {
		gw_log(GW_LOG_INFO, "cp=%s peer=%s write failed", s->identity, s->peer);
		s->closing = 1;
		lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return GW_ECLOSED;
	}
	return GW_OK;
}

int session_send(struct ws_session *s, const char *buf, size_t len)
{
	struct transport *t = s->t;
	size_t cap = t->cfg->max_outbound_bytes > 0 ? (size_t)t->cfg->max_outbound_bytes
						    : 1024 * 1024;
	struct txmsg *m;
	int rc;

	if (s->closing || s->app_closed)
		return GW_ECLOSED;
	if (len > cap || s->tx_bytes + len > cap) {
		gw_log(GW_LOG_WARN, "cp=%s peer=%s outbound queue over %zu bytes: closing",
		       s->identity, s->peer, cap);
		session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "outbound queue full");
		return GW_ETOOBIG;
	}
	rc = write_now(s, buf, len);
	if (rc != GW_EBUSY)
		return rc;
	m = gw_malloc(sizeof(*m) + LWS_PRE + len);
	if (!m)
		return GW_ENOMEM;
	m->next = NULL;
	m->len = len;
	memcpy(m->buf + LWS_PRE, buf, len);
	if (s->tx_tail)
		s->tx_tail->next = m;
	else
		s->tx_head = m;
	s->tx_tail = m;
	s->tx_bytes += len;
	/* one request per turn however many messages are queued (§5) */
	lws_callback_on_writable(s->wsi);
	return GW_OK;
}

void session_close(struct ws_session *s, int ws_close_status, const char *reason)
{
	if (s->closing)
		return;
	s->closing = 1;
	s->close_status = ws_close_status;
	/* a close frame carries at most 123 bytes of reason (RFC 6455 5.5);
	 * without memory the close goes out without one */
	s->close_reason = reason && *reason ? gw_strndup(reason, 123) : NULL;
	lws_callback_on_writable(s->wsi);
}

void session_pause_rx(struct ws_session *s, int pause)
{
	if (s->rx_paused == !!pause)
		return;
	s->rx_paused = !!pause;
	lws_rx_flow_control(s->wsi, !pause);
}

int session_writable(struct ws_session *s)
{
	/* lws never calls this with an unsent rest pending (lws-ws-state.h),
	 * so each write below only has to check whether it left one:
	 * lws_partial_buffered() reads a flag, lws_send_pipe_choked() would
	 * poll() the socket once per message */
	if (s->ping_due && !s->closing) {
		/* one payload byte: lws 4.1.6 calls RECEIVE_PONG only for a pong
		 * with a payload, and a pong echoes the ping's (RFC 6455 5.5.3) */
		unsigned char ping[LWS_PRE + 1];

		s->ping_due = 0;
		ping[LWS_PRE] = 'p';
		if (lws_write(s->wsi, ping + LWS_PRE, 1, LWS_WRITE_PING) < 0)
			return -1;
	}
	/* write as many queued messages as the socket takes in this turn */
	while (s->tx_head && !lws_partial_buffered(s->wsi)) {
		struct txmsg *m = s->tx_head;
		int n = lws_write(s->wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);

		if (n < (int)m->len) {
			gw_log(GW_LOG_INFO, "cp=%s peer=%s write failed", s->identity, s->peer);
			return -1;
		}
		s->tx_head = m->next;
		if (!s->tx_head)
			s->tx_tail = NULL;
		s->tx_bytes -= m->len;
		gw_free(m);
	}
	if (s->tx_head || (s->ping_due && !s->closing)) {
		lws_callback_on_writable(s->wsi);
		return 0;
	}
	if (s->closing) {
		lws_close_reason(s->wsi, (enum lws_close_status)s->close_status,
				 (unsigned char *)s->close_reason,
				 s->close_reason ? strlen(s->close_reason) : 0);
		return -1;
	}
	return 0;
}

/* ---- liveness -------------------------------------------------------- */

void session_pong(struct ws_session *s)
{
	s->last_rx_ms = gw_clock_mono_ms();
	s->ping_sent = 0;
}

/* lws 4.1.6 would do this itself (retry_and_idle_policy), but it keeps
 * each connection's validity timer in the thread's one sorted timer list
 * and re-inserts it, O(piles), on every pong and every
 * lws_validity_confirmed(): ws_server.c turns that off, and this does the
 * same job with one stamp per frame and one visit per session per pass. */
static void liveness(struct ws_session *s, int64_t now)
{
	const struct gw_config *cfg = s->t->cfg;
	int64_t silent = now - s->last_rx_ms;

	if (s->rx_paused && !s->closing)
		return; /* we stopped reading (back-pressure): the silence is ours */
	if (silent >= (int64_t)cfg->idle_hangup_s * 1000) {
		gw_log(GW_LOG_NOTICE, "cp=%s peer=%s silent for %lld s: hanging up", s->identity,
		       s->peer, (long long)(silent / 1000));
		/* like lws's validity hang-up: no close frame to a dead peer;
		 * lws closes it from its timer list head, O(1) */
		lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	}
	if (silent >= (int64_t)cfg->ping_interval_s * 1000 && !s->ping_sent && !s->closing) {
		s->ping_sent = 1;
		s->ping_due = 1;
		lws_callback_on_writable(s->wsi);
	}
}

void session_sweep(struct transport *t, size_t n, int64_t now_ms)
{
	if (!t->reg || !t->reg_buckets)
		return;
	while (n--) {
		size_t i = t->sweep_next++ & (t->reg_buckets - 1);

		for (struct ws_session *s = t->reg[i]; s; s = s->reg_next)
			liveness(s, now_ms);
	}
}

void transport_security(struct transport *t, const char *identity, const char *peer,
			const char *event, const char *detail)
{
	gw_log(GW_LOG_NOTICE, "cp=%s peer=%s security %s: %s", identity && *identity ? identity : "-",
	       peer ? peer : "-", event, detail ? detail : "");
	if (t && t->h.security_event)
		t->h.security_event(t->h.arg, identity ? identity : "", event, detail ? detail : "");
}
