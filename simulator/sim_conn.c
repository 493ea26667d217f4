/* SPDX-License-Identifier: MIT
 *
 * sim_conn.c - lws client glue.  One protocol row serves every pile; the
 * pile is the wsi's opaque user data.  Writes happen only in
 * CLIENT_WRITEABLE, one frame per callback (lws buffers partial sends).
 * Fragments are reassembled up to SIM_MAX_MESSAGE; a whole message in one
 * fragment is handed over without a copy.
 */
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "sim_conn.h"
#include "sim_pile.h"

/* One frame waiting to be written; freed after lws_write. */
struct sim_out {
	struct sim_out *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE headroom, then len bytes */
};

static void add_basic_auth(struct sim_pile *p, struct lws *wsi, void *in, size_t len)
{
	unsigned char **pp = (unsigned char **)in, *end = *pp + len;
	const char *pw = p->cfg.auth_key[0] ? p->cfg.auth_key : p->net->opts.password;
	char plain[256], b64[400], hdr[420];
	int n;

	if (!pw)
		return;
	n = snprintf(plain, sizeof(plain), "%s:%s", p->identity, pw);
	if (n < 0 || (size_t)n >= sizeof(plain))
		return;
	if (lws_b64_encode_string(plain, n, b64, sizeof(b64)) < 0)
		return;
	n = snprintf(hdr, sizeof(hdr), "Basic %s", b64);
	if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)hdr, n,
					 pp, end))
		gw_log(GW_LOG_WARN, "cp=%s no room for the Authorization header", p->identity);
}

static int write_one(struct sim_pile *p, struct lws *wsi)
{
	struct sim_out *o = p->out_head;
	int n;

	if (!o)
		return 0;
	p->out_head = o->next;
	if (!p->out_head)
		p->out_tail = NULL;
	n = lws_write(wsi, o->buf + LWS_PRE, o->len, LWS_WRITE_TEXT);
	gw_free(o);
	if (n < 0)
		return -1;
	p->net->frames_out++;
	if (p->out_head)
		lws_callback_on_writable(wsi);
	return 0;
}

/* Deliver a received fragment; whole messages go to the pile. */
static int receive(struct sim_pile *p, struct lws *wsi, const char *in, size_t len)
{
	int first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);
	char *grown;

	if (first && final && !lws_remaining_packet_payload(wsi)) {
		p->net->frames_in++;
		sim_pile_on_text(p, in, len);
		return 0;
	}
	if (first)
		p->rx_len = 0;
	if (p->rx_len + len > SIM_MAX_MESSAGE) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
		return -1;
	}
	if (p->rx_len + len > p->rx_cap) {
		grown = gw_realloc(p->rx, p->rx_len + len + 1024);
		if (!grown)
			return -1;
		p->rx = grown;
		p->rx_cap = p->rx_len + len + 1024;
	}
	memcpy(p->rx + p->rx_len, in, len);
	p->rx_len += len;
	if (final && !lws_remaining_packet_payload(wsi)) {
		p->net->frames_in++;
		sim_pile_on_text(p, p->rx, p->rx_len);
		p->rx_len = 0;
	}
	return 0;
}

/* The link failed or closed: tell the pile once. */
static void link_gone(struct sim_pile *p, struct lws *wsi, int status, const char *why)
{
	if (p->wsi != wsi && p->wsi)
		return; /* an old wsi we already forgot */
	p->wsi = NULL;
	sim_conn_discard(p);
	if (!p->net->shutting_down)
		sim_pile_on_close(p, status, why);
}

static int http_status_of(struct lws *wsi, const char *why)
{
	if (why && strstr(why, "unauthorized"))
		return 401;
	return (int)lws_http_client_http_response(wsi);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		    size_t len)
{
	struct sim_pile *p = wsi ? lws_get_opaque_user_data(wsi) : NULL;

	(void)user;
	if (!p)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		add_basic_auth(p, wsi, in, len);
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		p->wsi = wsi;
		sim_pile_on_open(p);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return receive(p, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (p->closing)
			return -1; /* asked to close */
		return write_one(p, wsi);
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		link_gone(p, wsi, http_status_of(wsi, in), in ? (const char *)in : "connection failed");
		lws_set_opaque_user_data(wsi, NULL);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		link_gone(p, wsi, 0, "closed");
		lws_set_opaque_user_data(wsi, NULL);
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "ocppsim", callback, 0, 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

int sim_net_init(struct sim_net *n, const struct sim_net_opts *o)
{
	struct lws_context_creation_info info;
	void *loops[1];

	memset(n, 0, sizeof(*n));
	n->opts = *o;
	n->loop = ev_loop_new(EVFLAG_AUTO);
	if (!n->loop)
		return GW_ENOMEM;
	loops[0] = n->loop;
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.foreign_loops = loops;
	info.fd_limit_per_thread = o->fd_limit > 0 ? (unsigned)o->fd_limit : 0;
	info.timeout_secs = o->connect_timeout_s > 0 ? (unsigned)o->connect_timeout_s : 10;
	info.client_ssl_ca_filepath = o->ca;
	info.client_ssl_cert_filepath = o->cert;
	info.client_ssl_private_key_filepath = o->key;
	n->lws = lws_create_context(&info);
	if (!n->lws) {
		ev_loop_destroy(n->loop);
		n->loop = NULL;
		return GW_EIO;
	}
	return GW_OK;
}

void sim_net_cleanup(struct sim_net *n)
{
	n->shutting_down = 1;
	if (n->lws)
		lws_context_destroy(n->lws);
	n->lws = NULL;
	if (n->loop)
		ev_loop_destroy(n->loop);
	n->loop = NULL;
}

int sim_conn_open(struct sim_pile *p)
{
	const struct sim_net_opts *o = &p->net->opts;
	struct lws_client_connect_info ci;
	char path[700], host[300];
	struct lws *wsi = NULL;

	if (sim_url_path(&o->url, p->identity, path, sizeof(path))) {
		sim_pile_on_close(p, 0, "identity too long for the URL");
		return GW_EIO;
	}
	snprintf(host, sizeof(host), "%s:%d", o->url.host, o->url.port);
	memset(&ci, 0, sizeof(ci));
	ci.context = p->net->lws;
	ci.address = o->url.host;
	ci.port = o->url.port;
	ci.path = path;
	ci.host = host;
	ci.origin = host;
	ci.protocol = p->proto->subprotocol;
	ci.local_protocol_name = "ocppsim";
	ci.opaque_user_data = p;
	ci.pwsi = &wsi;
	if (o->url.tls)
		ci.ssl_connection = LCCSCF_USE_SSL |
				    (o->insecure ? LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
							   LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE
						 : 0);
	p->connecting = 1;
	p->connect_started_ms = gw_clock_mono_ms();
	p->wsi = NULL;
	if (!lws_client_connect_via_info(&ci)) {
		/* lws may already have reported CONNECTION_ERROR through pwsi's wsi */
		if (p->connecting) {
			p->wsi = NULL;
			sim_pile_on_close(p, 0, "cannot start connection");
		}
		return GW_EIO;
	}
	p->wsi = wsi;
	return GW_OK;
}

int sim_conn_send(struct sim_pile *p, const char *text, size_t len)
{
	struct sim_out *o;

	if (!p->wsi || !p->connected || p->closing)
		return GW_ECLOSED;
	o = gw_malloc(sizeof(*o) + LWS_PRE + len);
	if (!o)
		return GW_ENOMEM;
	o->next = NULL;
	o->len = len;
	memcpy(o->buf + LWS_PRE, text, len);
	if (p->out_tail)
		p->out_tail->next = o;
	else
		p->out_head = o;
	p->out_tail = o;
	lws_callback_on_writable(p->wsi);
	return GW_OK;
}

void sim_conn_close(struct sim_pile *p)
{
	if (!p->wsi)
		return;
	if (!p->connected) {
		/* still handshaking: let lws kill it; CONNECTION_ERROR follows */
		lws_set_timeout(p->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	}
	/* WRITEABLE returns -1: lws closes, CLOSED follows */
	p->closing = 1;
	lws_callback_on_writable(p->wsi);
}

void sim_conn_discard(struct sim_pile *p)
{
	struct sim_out *o;

	while ((o = p->out_head)) {
		p->out_head = o->next;
		gw_free(o);
	}
	p->out_tail = NULL;
	GW_FREE(p->rx);
	p->rx_len = p->rx_cap = 0;
}
