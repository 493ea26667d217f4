/* SPDX-License-Identifier: MIT
 *
 * http_vhost.c - the operator API's HTTP/1.1 listener: one more vhost on
 * the transport's lws context and libev loop (transport.h, "the operator
 * HTTP listener"), plain or, when cfg->api_tls names a server chain, HTTPS
 * only (TLS 1.2+, forward-secret AEAD suites, an optional second ECDSA
 * chain loaded by tls.c as for an OCPP listener; a plain-HTTP client on
 * that port gets no answer: lws's non-TLS-on-TLS-port option stays off).
 *
 * Flow of one connection through http_callback():
 *   HTTP                -> method, path, query, Authorization, Content-Type
 *                          copied; Content-Length checked against the cap
 *   HTTP_BODY*          -> body appended (413 the moment it passes the cap)
 *   [HTTP_BODY_COMPLETION]
 *                       -> hooks.on_request (the API answers with
 *                          http_reply now or later)
 *   HTTP_WRITEABLE      -> status line, headers, body in chunks; then close
 *   CLOSED_HTTP         -> on_abort if still unanswered; buffers freed
 * Invariants: one request per connection and the connection closes after
 * the answer (never keep-alive), and every Upgrade is refused without
 * reading `in`: together these keep this vhost off lws 4.1.6's NN-2025-0102
 * use-after-free path (see handshake.c for the two guards).  The answer is
 * written from a writable callback, i.e. in a later loop turn than the one
 * the request was handled in, after that turn's group commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>
#include <openssl/ssl.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "transport/transport_int.h"

#define HTTP_REQ_MAGIC 0x48545251u /* "HTRQ" */
#define HTTP_CHUNK 16384           /* body bytes written per writable turn */
#define HTTP_WAIT_S 300            /* an unanswered request is dropped after this */

/* HTTPS: operators' clients are current software, so only forward-secret
 * AEAD suites for TLS 1.2 (TLS 1.3 keeps OpenSSL's own list).  Unlike the
 * OCPP listeners, no static-RSA suite is needed: OCPP's mandatory suites
 * (A00.FR.317) are for piles.  No compression, no renegotiation. */
#define HTTPS_CIPHERS                                                   \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"    \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"    \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define HTTPS_OPTIONS (SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION)

/* One per API listener; lives in the vhost's protocol private memory, freed
 * by lws with the vhost. */
struct http_vhost {
	struct transport *t;
	struct http_hooks h;
	struct lws_vhost *vhost;
	int port;
};

/* One per HTTP connection (lws per-session data, zeroed by lws); the
 * buffers are ours and freed in req_cleanup. */
struct http_req {
	uint32_t magic;
	struct http_vhost *hv;
	struct lws *wsi;
	struct http_request rq;   /* the view handed up; points into the fields below */
	char method[8];
	char path[512];
	char query[1024];
	char auth[512];
	char ctype[128];
	char peer[64];
	char hook_ts[24];
	char hook_sig[80];
	char *body;               /* gw_malloc'd, NUL-terminated */
	size_t body_len, body_cap;
	long long content_length; /* -1 = none announced */
	int handed_up;            /* on_request was called */
	int answered;             /* http_reply was called */
	int headers_sent;
	int done;                 /* everything queued: close when drained */
	void *user;
	/* the answer: LWS_PRE spare bytes, then the body */
	unsigned char *resp;
	size_t resp_len, resp_sent;
	int status;
	char ctype_out[64];
	char extra[256];
};

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len);

/* Row 0 is the only row: every request, every TLS and destroy callback of
 * this vhost comes here (PROTOCOL.md 3.2). */
static const struct lws_protocols http_protocols[] = {
	{ "ocppgw-api", http_callback, sizeof(struct http_req), 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const struct {
	enum lws_token_indexes tok;
	const char *name;
} methods[] = {
	{ WSI_TOKEN_GET_URI, "GET" },       { WSI_TOKEN_POST_URI, "POST" },
	{ WSI_TOKEN_PUT_URI, "PUT" },       { WSI_TOKEN_PATCH_URI, "PATCH" },
	{ WSI_TOKEN_DELETE_URI, "DELETE" }, { WSI_TOKEN_OPTIONS_URI, "OPTIONS" },
	{ WSI_TOKEN_HEAD_URI, "HEAD" },
};

static struct http_vhost *vhost_of(struct lws *wsi)
{
	struct lws_vhost *v = lws_get_vhost(wsi);

	return v ? lws_protocol_vh_priv_get(v, &http_protocols[0]) : NULL;
}

static struct http_req *req_of(void *user)
{
	struct http_req *r = user;

	return r && r->magic == HTTP_REQ_MAGIC ? r : NULL;
}

/* Free the buffers; tell the layer above if it still holds r.  Idempotent. */
static void req_cleanup(struct http_req *r)
{
	if (r->handed_up && !r->answered && r->hv && r->hv->h.on_abort) {
		r->answered = 1; /* no reply may follow */
		r->hv->h.on_abort(r->hv->h.arg, r);
	}
	gw_free(r->body);
	r->body = NULL;
	gw_free(r->resp);
	r->resp = NULL;
	r->magic = 0;
}

/* The transport's own refusals (before the API saw the request): the same
 * JSON error shape as the API's map (api/errors.c). */
static int reply_error(struct http_req *r, int status, const char *code, const char *msg)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code,
			 msg);

	return http_reply(r, status, NULL, body, (size_t)n, NULL);
}

static void copy_hdr(struct lws *wsi, enum lws_token_indexes tok, char *buf, size_t size)
{
	if (lws_hdr_total_length(wsi, tok) <= 0 || lws_hdr_copy(wsi, buf, (int)size, tok) < 0)
		buf[0] = '\0';
}

/* lws keeps each "a=b" of the query as one fragment: join them with '&'
 * (lws_hdr_copy would not).  Too long a query is cut at a whole argument. */
static void copy_args(struct lws *wsi, char *buf, size_t size)
{
	size_t used = 0;
	char frag[512];

	buf[0] = '\0';
	for (int i = 0;; i++) {
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag), WSI_TOKEN_HTTP_URI_ARGS, i);

		if (n < 0)
			break;
		if (used + (size_t)n + 2 > size)
			break;
		if (used)
			buf[used++] = '&';
		memcpy(buf + used, frag, (size_t)n);
		used += (size_t)n;
		buf[used] = '\0';
	}
}

static void hand_up(struct http_req *r)
{
	r->rq.body = r->body ? r->body : "";
	r->rq.body_len = r->body_len;
	r->handed_up = 1;
	/* an answer that waits for a pile keeps the connection this long */
	lws_set_timeout(r->wsi, PENDING_TIMEOUT_HTTP_CONTENT, HTTP_WAIT_S);
	r->hv->h.on_request(r->hv->h.arg, r, &r->rq);
}

static int on_http(struct http_vhost *hv, struct http_req *r, struct lws *wsi, const char *uri)
{
	char cl[24];

	memset(r, 0, sizeof(*r));
	r->magic = HTTP_REQ_MAGIC;
	r->hv = hv;
	r->wsi = wsi;
	r->content_length = -1;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (lws_hdr_total_length(wsi, methods[i].tok) > 0) {
			snprintf(r->method, sizeof(r->method), "%s", methods[i].name);
			break;
		}
	snprintf(r->path, sizeof(r->path), "%s", uri ? uri : "");
	copy_args(wsi, r->query, sizeof(r->query));
	copy_hdr(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, r->auth, sizeof(r->auth));
	copy_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, r->ctype, sizeof(r->ctype));
	lws_get_peer_simple(wsi, r->peer, sizeof(r->peer));
	if (lws_hdr_custom_copy(wsi, r->hook_ts, sizeof(r->hook_ts), "x-ocppgw-timestamp:", 19) < 0)
		r->hook_ts[0] = '\0';
	if (lws_hdr_custom_copy(wsi, r->hook_sig, sizeof(r->hook_sig), "x-ocppgw-signature:", 19) < 0)
		r->hook_sig[0] = '\0';
	r->rq.hook_timestamp = r->hook_ts;
	r->rq.hook_signature = r->hook_sig;
	r->rq.method = r->method;
	r->rq.path = r->path;
	r->rq.query = r->query;
	r->rq.authorization = r->auth;
	r->rq.content_type = r->ctype;
	r->rq.peer = r->peer;
	r->rq.body = "";

	if (!r->method[0])
		return reply_error(r, 405, "method_not_allowed", "unsupported method") ? -1 : 0;
	/* NN-2025-0102: this vhost never upgrades (h2c included) */
	if (lws_hdr_total_length(wsi, WSI_TOKEN_UPGRADE) > 0)
		return reply_error(r, 400, "bad_request", "Upgrade is not allowed here") ? -1 : 0;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
		char *end;

		copy_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, cl, sizeof(cl));
		r->content_length = strtoll(cl, &end, 10);
		if (end == cl || *end || r->content_length < 0)
			return reply_error(r, 400, "bad_request", "bad Content-Length") ? -1 : 0;
		if ((unsigned long long)r->content_length > hv->h.max_body_bytes)
			return reply_error(r, 413, "too_large", "request body over the limit") ? -1 : 0;
	} else if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
		return reply_error(r, 411, "length_required", "send Content-Length") ? -1 : 0;
	}
	if (r->content_length > 0)
		return 0; /* HTTP_BODY follows, then BODY_COMPLETION */
	hand_up(r);
	return 0;
}

static int on_body(struct http_req *r, const char *in, size_t len)
{
	if (r->answered)
		return 0; /* already refused: drain */
	if (r->body_len + len > r->hv->h.max_body_bytes)
		return reply_error(r, 413, "too_large", "request body over the limit") ? -1 : 0;
	if (r->body_len + len + 1 > r->body_cap) {
		size_t cap = r->body_len + len + 1;
		char *nb;

		if (r->content_length > 0 && (size_t)r->content_length + 1 > cap)
			cap = (size_t)r->content_length + 1;
		nb = gw_realloc(r->body, cap);
		if (!nb)
			return -1;
		r->body = nb;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, in, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return 0;
}

static int write_headers(struct http_req *r)
{
	unsigned char buf[LWS_PRE + 1024];
	unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;

	if (lws_add_http_header_status(r->wsi, (unsigned int)r->status, &p, end) ||
	    lws_add_http_header_by_token(r->wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
					 (const unsigned char *)r->ctype_out,
					 (int)strlen(r->ctype_out), &p, end) ||
	    lws_add_http_header_content_length(r->wsi, r->resp_len, &p, end) ||
	    lws_add_http_header_by_token(r->wsi, WSI_TOKEN_CONNECTION,
					 (const unsigned char *)"close", 5, &p, end) ||
	    lws_add_http_header_by_name(r->wsi, (const unsigned char *)"cache-control:",
					(const unsigned char *)"no-store", 8, &p, end))
		return -1;
	if (r->extra[0]) {
		char name[64];
		const char *colon = strchr(r->extra, ':');
		const char *v;
		size_t nl;

		if (!colon || (nl = (size_t)(colon - r->extra)) + 2 > sizeof(name))
			return -1;
		memcpy(name, r->extra, nl + 1);
		name[nl + 1] = '\0';
		for (v = colon + 1; *v == ' '; v++)
			;
		if (lws_add_http_header_by_name(r->wsi, (const unsigned char *)name,
						(const unsigned char *)v, (int)strlen(v), &p, end))
			return -1;
	}
	return lws_finalize_write_http_header(r->wsi, start, &p, end) ? -1 : 0;
}

/* Headers, then the body in chunks; -1 (close) once everything left. */
static int on_writable(struct http_req *r)
{
	size_t left, n;
	int last;

	if (!r->answered || !r->resp)
		return 0;
	if (r->done)
		return -1; /* lws drained what it buffered: now close */
	if (!r->headers_sent) {
		if (write_headers(r))
			return -1;
		r->headers_sent = 1;
		if (r->resp_len) {
			lws_callback_on_writable(r->wsi);
			return 0;
		}
	}
	left = r->resp_len - r->resp_sent;
	n = left > HTTP_CHUNK ? HTTP_CHUNK : left;
	last = n == left;
	if (n && lws_write(r->wsi, r->resp + LWS_PRE + r->resp_sent, n,
			   last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n)
		return -1;
	r->resp_sent += n;
	if (!last) {
		lws_callback_on_writable(r->wsi);
		return 0;
	}
	/* one request per connection (NN-2025-0102 guard 2): never
	 * lws_http_transaction_completed(), close once lws flushed */
	r->done = 1;
	if (lws_partial_buffered(r->wsi)) {
		lws_callback_on_writable(r->wsi);
		return 0;
	}
	return -1;
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	struct http_vhost *hv;
	struct http_req *r;

	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS: {
		/* user = the vhost SSL_CTX, in = the lws_vhost being made (its
		 * user is the transport, see transport_http_listen): TLS 1.2
		 * floor and the ECDSA chain, by the OCPP listeners' own code */
		struct transport *t = in ? lws_get_vhost_user((struct lws_vhost *)in) : NULL;
		struct ws_vhost vh;

		if (!t)
			return 0;
		memset(&vh, 0, sizeof(vh));
		vh.t = t;
		vh.l = &t->cfg->api_tls;
		return tls_load_extra(&vh, user);
	}

	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		(void)in; /* never read `in` here (NN-2025-0102): no upgrades */
		return -1;

	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		return 0;

	case LWS_CALLBACK_HTTP:
		hv = vhost_of(wsi);
		if (!hv || !user)
			return -1;
		return on_http(hv, user, wsi, in);

	case LWS_CALLBACK_HTTP_BODY:
		r = req_of(user);
		return r ? on_body(r, in, len) : -1;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		r = req_of(user);
		if (!r)
			return -1;
		if (!r->answered && !r->handed_up)
			hand_up(r);
		return 0;

	case LWS_CALLBACK_HTTP_WRITEABLE:
		r = req_of(user);
		return r ? on_writable(r) : -1;

	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_WSI_DESTROY:
		r = req_of(user);
		if (r)
			req_cleanup(r);
		return 0;

	default:
		return 0;
	}
}

int http_reply(struct http_req *r, int status, const char *content_type, const char *body,
	       size_t len, const char *extra_header)
{
	if (!r || r->magic != HTTP_REQ_MAGIC || r->answered)
		return GW_EINVAL;
	r->answered = 1;
	r->status = status;
	snprintf(r->ctype_out, sizeof(r->ctype_out), "%s",
		 content_type ? content_type : "application/json");
	snprintf(r->extra, sizeof(r->extra), "%s", extra_header ? extra_header : "");
	r->resp = gw_malloc(LWS_PRE + len + 1);
	if (!r->resp) {
		lws_set_timeout(r->wsi, PENDING_TIMEOUT_HTTP_CONTENT, LWS_TO_KILL_ASYNC);
		return GW_ENOMEM;
	}
	if (len)
		memcpy(r->resp + LWS_PRE, body, len);
	r->resp_len = len;
	gw_log(GW_LOG_INFO, "api peer=%s %s %s -> %d", r->peer, r->method, r->path, status);
	lws_callback_on_writable(r->wsi);
	return GW_OK;
}

void http_req_set_user(struct http_req *r, void *u)
{
	r->user = u;
}

void *http_req_user(const struct http_req *r)
{
	return r->user;
}

int transport_http_listen(struct transport *t, const char *address, int port,
			  const struct http_hooks *h, int *bound_port)
{
	const struct gw_listener *tls;
	struct lws_context_creation_info info;
	struct http_vhost *hv;
	struct lws_vhost *v;

	if (!t || !h || !h->on_request || port < 0 || port > 65535)
		return GW_EINVAL;
	tls = &t->cfg->api_tls;
	memset(&info, 0, sizeof(info));
	info.vhost_name = "api";
	info.port = port;
	info.iface = address && address[0] ? address : NULL;
	info.protocols = http_protocols;
	info.alpn = "http/1.1";
	info.user = t; /* for LOAD_EXTRA_SERVER_VERIFY_CERTS, before the priv below exists */
	info.keepalive_timeout = t->cfg->handshake_timeout_s > 0 ? t->cfg->handshake_timeout_s : 5;
	info.timeout_secs_ah_idle = (unsigned int)info.keepalive_timeout;
	if (tls->tls_cert[0]) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = tls->tls_cert;
		info.ssl_private_key_filepath = tls->tls_key;
		info.ssl_cipher_list = HTTPS_CIPHERS;
		info.ssl_options_set = HTTPS_OPTIONS;
	}
	v = lws_create_vhost(t->ctx, &info);
	if (!v) {
		gw_log(GW_LOG_ERR, "api: cannot listen on %s:%d (port in use%s?)",
		       info.iface ? info.iface : "*", port, tls->tls_cert[0] ? " or bad TLS files" : "");
		return GW_ECONFIG;
	}
	hv = lws_protocol_vh_priv_zalloc(v, &http_protocols[0], sizeof(*hv));
	if (!hv) {
		lws_vhost_destroy(v);
		return GW_ENOMEM;
	}
	hv->t = t;
	hv->h = *h;
	hv->vhost = v;
	hv->port = lws_get_vhost_listen_port(v);
	if (bound_port)
		*bound_port = hv->port;
	gw_log(GW_LOG_NOTICE, "api: listening on %s:%d (%s)", info.iface ? info.iface : "*", hv->port,
	       tls->tls_cert[0] ? "https" : "plain http");
	return GW_OK;
}
