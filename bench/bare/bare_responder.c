/* SPDX-License-Identifier: MIT
 *
 * bare_responder.c - the transport ceiling every bench/ figure is compared
 * with: libwebsockets 4.1.6 on a libev loop (LWS_SERVER_OPTION_LIBEV with a
 * foreign loop, as ocppgw's ws_server.c does), subprotocols ocpp1.6 and
 * ocpp2.0.1, and nothing else.  Every CALL frame [2,"id",...] is answered
 * with one fixed CALLRESULT carrying the same message id; anything else is
 * dropped.  No JSON parser, no schema, no store, no registry, no auth.
 *
 * The transport is kept the same shape as ocppgw's so a ratio measures what
 * the gateway adds on top of lws: the same rx chunk (4096), the same
 * reassembly (a buffer per connection, allocated only when a message comes
 * in more than one chunk: a whole message is parsed in place), replies
 * queued per connection and written from SERVER_WRITEABLE after one
 * lws_callback_on_writable() per turn, LWS_SERVER_OPTION_VALIDATE_UTF8,
 * and for TLS the same cipher list, options, SSL_MODE_RELEASE_BUFFERS and
 * RSA + ECDSA chains.
 *
 *   bare_responder [--address A] [--port N] [--rx-chunk B]
 *                  [--validity PING_S,HANGUP_S] [--confirm-validity]
 *                  [--tls-cert CHAIN --tls-key KEY
 *                   [--tls-ecdsa-cert CHAIN --tls-ecdsa-key KEY]]
 *
 * Two options reproduce ocppgw habits so their cost can be measured alone
 * (both off by default: the ceiling does neither):
 *  --validity gives the vhost ocppgw's retry_and_idle_policy (server ping
 *    after PING_S without a pong, hang-up at HANGUP_S).  Without it lws
 *    4.1.6 still gives every connection its context default (300 s / 310 s).
 *  --confirm-validity calls lws_validity_confirmed() on every received
 *    chunk, as ocppgw's session_receive() does.  In lws 4.1.6 that
 *    re-inserts the connection's validity timer into the one sorted timer
 *    list of the thread (lws_dll2_add_sorted walks it from the head, and a
 *    deadline "now + ping" belongs at the tail): O(connections) per message.
 *
 * Prints "LISTENING name=bare port=N profile=P" once listening (port 0 =
 * chosen by the kernel, like ocppgw).  SIGUSR1 prints
 * "STATS frames=F boots=B last_boot_ms=T conns=C" (T: wall-clock ms of the
 * last BootNotification answer written) and resets frames/boots/T, so
 * bench/run can time a reconnect storm.  SIGTERM/SIGINT stop it.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ev.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>

#define RX_CHUNK_DEFAULT 4096
#define MAX_MESSAGE 65536
#define MAX_ID 64 /* OCPP message ids are at most 36 characters */

/* The one reply.  Fields enough for every CALL a load mix sends, both
 * versions: BootNotification (status, currentTime, interval), Heartbeat
 * (currentTime), StartTransaction / Authorize (transactionId, idTagInfo),
 * the rest take any object. */
static const char REPLY_PAYLOAD[] =
	"{\"status\":\"Accepted\",\"currentTime\":\"2026-01-01T00:00:00.000Z\",\"interval\":300,"
	"\"transactionId\":1,\"idTagInfo\":{\"status\":\"Accepted\"}}";

/* One queued reply; freed once written. */
struct txmsg {
	struct txmsg *next;
	size_t len;
	int boot;                 /* answers a BootNotification */
	unsigned char buf[];      /* LWS_PRE + len */
};

/* One per connection: lws's per-session user area, zeroed by lws, lives
 * until CLOSED (we free what it points to there). */
struct bare_sess {
	char *rx;                 /* reassembly, only for messages in several chunks */
	size_t rx_len, rx_cap;
	struct txmsg *head, *tail;
};

static struct {
	struct ev_loop *loop;
	struct lws_context *ctx;
	unsigned long frames, boots;
	long long last_boot_ms;
	long conns;
	int confirm_validity;
	const char *ecdsa_cert, *ecdsa_key;
} g;

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Find the message id of a CALL: [ 2 , "id" , "Action" ...  Copies the id
 * bytes as they stand (escapes included, echoed verbatim) and says whether
 * the action is BootNotification.  0 or -1 (not a CALL: ignore). */
static int parse_call(const char *p, size_t len, const char **id, size_t *id_len, int *boot)
{
	const char *e = p + len, *s;

#define SKIP_WS() while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++
	SKIP_WS();
	if (p >= e || *p++ != '[')
		return -1;
	SKIP_WS();
	if (p >= e || *p++ != '2')
		return -1;
	SKIP_WS();
	if (p >= e || *p++ != ',')
		return -1;
	SKIP_WS();
	if (p >= e || *p++ != '"')
		return -1;
	for (s = p; p < e && *p != '"'; p++)
		if (*p == '\\')
			p++;
	if (p >= e || p - s > MAX_ID)
		return -1;
	*id = s;
	*id_len = (size_t)(p - s);
	p++;
	SKIP_WS();
	if (p < e && *p == ',')
		p++;
	SKIP_WS();
	*boot = e - p >= 18 && !memcmp(p, "\"BootNotification\"", 18);
#undef SKIP_WS
	return 0;
}

static int queue_reply(struct lws *wsi, struct bare_sess *s, const char *id, size_t id_len,
		       int boot)
{
	size_t len = 4 + id_len + 2 + (sizeof(REPLY_PAYLOAD) - 1) + 1; /* [3," id ", payload ] */
	struct txmsg *m = malloc(sizeof(*m) + LWS_PRE + len);
	unsigned char *b;

	if (!m)
		return -1;
	m->next = NULL;
	m->len = len;
	m->boot = boot;
	b = m->buf + LWS_PRE;
	memcpy(b, "[3,\"", 4);
	memcpy(b + 4, id, id_len);
	memcpy(b + 4 + id_len, "\",", 2);
	memcpy(b + 6 + id_len, REPLY_PAYLOAD, sizeof(REPLY_PAYLOAD) - 1);
	b[len - 1] = ']';
	if (s->tail)
		s->tail->next = m;
	else
		s->head = m;
	s->tail = m;
	lws_callback_on_writable(wsi);
	return 0;
}

static int on_receive(struct lws *wsi, struct bare_sess *s, const char *in, size_t len)
{
	size_t remain = lws_remaining_packet_payload(wsi), need;
	const char *id;
	size_t id_len;
	int boot;

	if (lws_is_first_fragment(wsi))
		s->rx_len = 0;
	if (g.confirm_validity)
		lws_validity_confirmed(wsi);
	need = s->rx_len + len;
	if (need + remain > MAX_MESSAGE)
		return -1;
	/* the common case, a whole small message in one chunk: no copy */
	if (!s->rx_len && !remain && lws_is_final_fragment(wsi)) {
		g.frames++;
		if (!parse_call(in, len, &id, &id_len, &boot))
			return queue_reply(wsi, s, id, id_len, boot);
		return 0;
	}
	if (need + remain + 1 > s->rx_cap) {
		size_t ncap = need + remain + 1 < 1024 ? 1024 : need + remain + 1;
		char *nb = realloc(s->rx, ncap);

		if (!nb)
			return -1;
		s->rx = nb;
		s->rx_cap = ncap;
	}
	memcpy(s->rx + s->rx_len, in, len);
	s->rx_len += len;
	if (remain || !lws_is_final_fragment(wsi))
		return 0;
	g.frames++;
	s->rx_len = 0;
	if (!parse_call(s->rx, need, &id, &id_len, &boot))
		return queue_reply(wsi, s, id, id_len, boot);
	return 0;
}

static int on_writable(struct lws *wsi, struct bare_sess *s)
{
	while (s->head && !lws_send_pipe_choked(wsi)) {
		struct txmsg *m = s->head;

		if (lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) < (int)m->len)
			return -1;
		if (m->boot) {
			g.boots++;
			g.last_boot_ms = wall_ms();
		}
		s->head = m->next;
		if (!s->head)
			s->tail = NULL;
		free(m);
	}
	if (s->head)
		lws_callback_on_writable(wsi);
	return 0;
}

static void sess_free(struct bare_sess *s)
{
	while (s->head) {
		struct txmsg *m = s->head;

		s->head = m->next;
		free(m);
	}
	s->tail = NULL;
	free(s->rx);
	s->rx = NULL;
	s->rx_cap = s->rx_len = 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		    size_t len)
{
	struct bare_sess *s = user;

	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
		/* user is the vhost SSL_CTX: the same TLS tuning as ocppgw's tls.c */
		if (user) {
			SSL_CTX *ctx = user;

			SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
			SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
			if (g.ecdsa_cert &&
			    (SSL_CTX_use_certificate_chain_file(ctx, g.ecdsa_cert) != 1 ||
			     SSL_CTX_use_PrivateKey_file(ctx, g.ecdsa_key, SSL_FILETYPE_PEM) != 1 ||
			     SSL_CTX_check_private_key(ctx) != 1)) {
				fprintf(stderr, "bare_responder: cannot load ECDSA chain %s\n",
					g.ecdsa_cert);
				return 1;
			}
		}
		return 0;
	case LWS_CALLBACK_ESTABLISHED:
		g.conns++;
		return 0;
	case LWS_CALLBACK_RECEIVE:
		return s ? on_receive(wsi, s, in, len) : -1;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return s ? on_writable(wsi, s) : -1;
	case LWS_CALLBACK_CLOSED:
		g.conns--;
		if (s)
			sess_free(s);
		return 0;
	default:
		return 0;
	}
}

static struct lws_protocols protocols[] = {
	{ "ocpp1.6", callback, sizeof(struct bare_sess), RX_CHUNK_DEFAULT, 0, NULL, 0 },
	{ "ocpp2.0.1", callback, sizeof(struct bare_sess), RX_CHUNK_DEFAULT, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

/* Same as ocppgw's ws_server.c (A00.FR.314/317/320). */
#define TLS_OPTIONS \
	(SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION)
#define TLS_CIPHERS                                                                   \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"                \
	"AES128-GCM-SHA256:AES256-GCM-SHA384:"                                        \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"                    \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

static void on_stop(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w, (void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void on_stats(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop, (void)w, (void)revents;
	printf("STATS frames=%lu boots=%lu last_boot_ms=%lld conns=%ld\n", g.frames, g.boots,
	       g.last_boot_ms, g.conns);
	fflush(stdout);
	g.frames = g.boots = 0;
	g.last_boot_ms = 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bare_responder [--address A] [--port N] [--rx-chunk BYTES] [--validity PING_S,HANGUP_S]\n"
		   "         [--confirm-validity]\n"
		   "         [--tls-cert CHAIN --tls-key KEY [--tls-ecdsa-cert CHAIN --tls-ecdsa-key KEY]]\n"
		   "Answers every OCPP-J CALL with one fixed CALLRESULT (the transport ceiling).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "address", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "rx-chunk", required_argument, NULL, 'r' },
		{ "validity", required_argument, NULL, 'v' },
		{ "confirm-validity", no_argument, NULL, 'V' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "tls-ecdsa-cert", required_argument, NULL, 'C' },
		{ "tls-ecdsa-key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lws_context_creation_info info;
	const char *address = "127.0.0.1", *cert = NULL, *key = NULL;
	int port = 0, opt, rx_chunk = RX_CHUNK_DEFAULT, ping_s = 0, hangup_s = 0;
	static lws_retry_bo_t retry;
	struct lws_vhost *vh;
	ev_signal sig_term, sig_int, sig_usr1;
	void *loops[1];

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': address = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'r': rx_chunk = atoi(optarg); break;
		case 'V': g.confirm_validity = 1; break;
		case 'v':
			if (sscanf(optarg, "%d,%d", &ping_s, &hangup_s) != 2 || ping_s < 1 ||
			    hangup_s <= ping_s || hangup_s > 65535) {
				usage(stderr);
				return 2;
			}
			break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'C': g.ecdsa_cert = optarg; break;
		case 'K': g.ecdsa_key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((cert && !key) || (g.ecdsa_cert && (!g.ecdsa_key || !cert)) || rx_chunk < 128) {
		usage(stderr);
		return 2;
	}
	protocols[0].rx_buffer_size = protocols[1].rx_buffer_size = (size_t)rx_chunk;
	lws_set_log_level(LLL_ERR, NULL);
	signal(SIGPIPE, SIG_IGN);

	g.loop = ev_loop_new(EVFLAG_AUTO);
	if (!g.loop)
		return 1;
	memset(&info, 0, sizeof(info));
	/* lws raises nothing itself: it sizes its fd table from RLIMIT_NOFILE,
	 * which bench/run raises to the hard limit before starting us */
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_LIBEV |
		       LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	loops[0] = g.loop;
	info.foreign_loops = loops;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.timeout_secs = 5;
	info.max_http_header_data = 4096;
	info.max_http_header_pool = 1024; /* as ocppgw */
	g.ctx = lws_create_context(&info);
	if (!g.ctx) {
		fprintf(stderr, "bare_responder: lws_create_context failed (libev plugin missing?)\n");
		return 1;
	}
	memset(&info, 0, sizeof(info));
	info.vhost_name = "bare";
	info.port = port;
	info.iface = address;
	info.protocols = protocols;
	info.alpn = "http/1.1";
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	if (ping_s > 0) {
		retry.secs_since_valid_ping = (uint16_t)ping_s;
		retry.secs_since_valid_hangup = (uint16_t)hangup_s;
		info.retry_and_idle_policy = &retry;
	}
	if (cert) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cert;
		info.ssl_private_key_filepath = key;
		info.ssl_cipher_list = TLS_CIPHERS;
		info.ssl_options_set = TLS_OPTIONS;
	}
	vh = lws_create_vhost(g.ctx, &info);
	if (!vh) {
		fprintf(stderr, "bare_responder: cannot listen on %s:%d (port in use or bad TLS files)\n",
			address, port);
		lws_context_destroy(g.ctx);
		return 1;
	}
	printf("LISTENING name=bare port=%d profile=%d\n", lws_get_vhost_listen_port(vh), cert ? 2 : 1);
	fflush(stdout);

	ev_signal_init(&sig_term, on_stop, SIGTERM);
	ev_signal_init(&sig_int, on_stop, SIGINT);
	ev_signal_init(&sig_usr1, on_stats, SIGUSR1);
	ev_signal_start(g.loop, &sig_term);
	ev_signal_start(g.loop, &sig_int);
	ev_signal_start(g.loop, &sig_usr1);
	ev_run(g.loop, 0);

	on_stats(g.loop, &sig_usr1, 0);
	lws_context_destroy(g.ctx);
	ev_signal_stop(g.loop, &sig_term);
	ev_signal_stop(g.loop, &sig_int);
	ev_signal_stop(g.loop, &sig_usr1);
	ev_loop_destroy(g.loop);
	return 0;
}
