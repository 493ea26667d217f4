/* SPDX-License-Identifier: MIT
 *
 * handshake.c - everything decided before a WebSocket upgrade: path and
 * identity, subprotocol, rate limit, who the pile is, security profile,
 * Basic auth or client certificate.  A refusal is an HTTP status, which
 * OCPP asks for (404 unknown identity, 401 bad credentials): lws 4.1.6 can
 * only send one from LWS_CALLBACK_HTTP_CONFIRM_UPGRADE
 * (FILTER_PROTOCOL_CONNECTION just drops, PROTOCOL.md §3.2), so the whole
 * checklist runs there and the session is attached to the wsi only when
 * every step passed: an unauthenticated request never reaches the
 * registry and so never evicts anybody.
 *
 * NN-2025-0102 (lws 4.1.6 pre-auth use-after-free).  In
 * lws_handshake_server() an `Upgrade:` other than websocket/h2c gets a 403
 * and lws_http_transaction_completed(); on a keep-alive connection that
 * detaches and frees the header table, and lws then calls CONFIRM_UPGRADE
 * with `in` pointing into it and strcasecmp()s it twice more if we return
 * 0.  Debian's package carries no fix.  Two independent guards:
 *  1. CONFIRM_UPGRADE never reads `in`.  It reads Upgrade again through
 *     lws_hdr_copy(), which is NULL-safe (0 bytes once the table is gone),
 *     and returns -1 unless it is exactly "websocket".  On -1 lws goes
 *     straight to bail_nuke_ah: no further use of the dangling pointer.
 *  2. The free only happens when http.conn_type is KEEP_ALIVE, which lws
 *     sets in lws_http_action(), i.e. only after a previous plain HTTP
 *     request on the same connection.  We answer every plain HTTP request
 *     with 400 and close (handshake_plain_http), so a connection never
 *     reaches keep-alive and the 403 path always ends in bail_nuke_ah
 *     before the callback.  tests/e2e/transport checks both under
 *     valgrind (no invalid read).
 */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <libwebsockets.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "transport/password.h"
#include "transport/transport_int.h"

/* Write a status with no body, and optionally a Basic challenge.  The
 * caller returns 1: lws completes the transaction, and since the request
 * never went through lws_http_action the connection is closed. */
static int refuse(struct lws *wsi, unsigned int status, int challenge)
{
	unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start,
					   *end = buf + sizeof(buf) - 1;
	static const char realm[] = "Basic realm=\"ocpp\"";

	if (lws_add_http_header_status(wsi, status, &p, end) ||
	    (challenge && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
						       (const unsigned char *)realm,
						       (int)strlen(realm), &p, end)) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
					 (const unsigned char *)"close", 5, &p, end) ||
	    lws_add_http_header_content_length(wsi, 0, &p, end) ||
	    lws_finalize_http_header(wsi, &p, end))
		return -1;
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS) < 0)
		return -1;
	return 1;
}

static void peer_str(struct lws *wsi, char *buf, size_t len)
{
	char ip[64];

	lws_get_peer_simple(wsi, ip, sizeof(ip));
	snprintf(buf, len, "%s", strncmp(ip, "::ffff:", 7) ? ip : ip + 7);
}

int handshake_plain_http(struct ws_vhost *vh, struct lws *wsi)
{
	(void)vh;
	/* guard 2 of NN-2025-0102 above: never keep-alive */
	lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST, "WebSocket only");
	return 1;
}

/* The Basic credentials of a profile 1/2 pile.  GW_OK, or GW_EAUTH with
 * why set.  *pending_used is set when the pending (rotated) password
 * matched. */
static int check_basic(struct transport *t, const char *identity,
		       const struct pile_credentials *pc, const char *hdr, size_t hdrlen,
		       int *pending_used, const char **why)
{
	char user[GW_IDENTITY_MAX + 1];
	unsigned char pw[BASIC_PW_MAX], key[32];
	size_t pwlen = 0;
	int rc = GW_EAUTH;

	*pending_used = 0;
	if (!pc->has_password && !pc->has_pending) {
		if (!t->cfg->require_password)
			return GW_OK;
		*why = "no password stored and require_password is set";
		return GW_EAUTH;
	}
	if (!hdrlen) {
		*why = "no Authorization header";
		return GW_EAUTH;
	}
	if (basic_auth_parse(hdr, hdrlen, user, pw, sizeof(pw), &pwlen)) {
		*why = "malformed Basic header";
		goto out;
	}
	/* 2.0.1 §3.1.1: do not rely on the URL alone */
	if (strcmp(user, identity)) {
		*why = "username differs from identity";
		goto out;
	}
	if (pc->has_password) {
		authcache_key(identity, pc->pw_hash, pc->pw_salt, pc->pw_iterations, hdr, hdrlen, key);
		if (authcache_has(t->ac, key) ||
		    password_verify(pw, pwlen, pc->pw_salt, pc->pw_iterations, pc->pw_hash) == GW_OK) {
			authcache_put(t->ac, key);
			rc = GW_OK;
			goto out;
		}
	}
	if (pc->has_pending) {
		authcache_key(identity, pc->pending_hash, pc->pending_salt, pc->pending_iterations,
			      hdr, hdrlen, key);
		if (authcache_has(t->ac, key) ||
		    password_verify(pw, pwlen, pc->pending_salt, pc->pending_iterations,
				    pc->pending_hash) == GW_OK) {
			authcache_put(t->ac, key);
			*pending_used = 1;
			rc = GW_OK;
			goto out;
		}
	}
	*why = "wrong password";
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
}

/* Look the pile up, registering it if the config says so.  Returns 0 or
 * the HTTP status to refuse with. */
static unsigned int lookup(struct transport *t, const char *identity, const char *peer,
			   struct pile_credentials *pc)
{
	int rc = t->h.pile_lookup ? t->h.pile_lookup(t->h.arg, identity, pc) : GW_ENOTFOUND;

	if (rc == GW_OK && pc->registered)
		return 0;
	if (rc != GW_OK && rc != GW_ENOTFOUND) {
		gw_log(GW_LOG_ERR, "cp=%s peer=%s pile lookup failed: %s", identity, peer,
		       gw_strerror(rc));
		return HTTP_STATUS_SERVICE_UNAVAILABLE;
	}
	if (!t->cfg->auto_register) {
		transport_security(t, identity, peer, "unknown_identity", "not registered: 404");
		return HTTP_STATUS_NOT_FOUND;
	}
	rc = t->h.pile_register ? t->h.pile_register(t->h.arg, identity) : GW_EINTERNAL;
	if (rc) {
		gw_log(GW_LOG_ERR, "cp=%s peer=%s auto-register failed: %s", identity, peer,
		       gw_strerror(rc));
		return HTTP_STATUS_SERVICE_UNAVAILABLE;
	}
	gw_log(GW_LOG_NOTICE, "cp=%s peer=%s auto-registered (auto_register is on)", identity, peer);
	memset(pc, 0, sizeof(*pc));
	pc->registered = 1;
	return 0;
}

static int fail_auth(struct ws_vhost *vh, struct lws *wsi, const char *identity,
		     const char *peer, const char *event, const char *why, unsigned int status)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "%s (profile %d): %u", why, vh->l->security_profile,
		 status);
	ratelimit_fail(vh->t->rl, identity);
	transport_security(vh->t, identity, peer, event, detail);
	return refuse(wsi, status, status == HTTP_STATUS_UNAUTHORIZED);
}

int handshake_confirm(struct ws_vhost *vh, struct lws *wsi)
{
	struct transport *t = vh->t;
	struct pile_credentials pc;
	struct ws_session *s;
	char up[16], path[256], proto[128], identity[GW_IDENTITY_MAX + 1], peer[64], why[128];
	char auth[512];
	const char *reason = NULL;
	enum ocpp_version v;
	int n, rc, pending_used = 0;
	unsigned int status;

	/* 1. Upgrade must still be readable and be websocket (NN-2025-0102
	 *    guard 1: the header table may already be gone; never use `in`) */
	if (lws_hdr_copy(wsi, up, sizeof(up), WSI_TOKEN_UPGRADE) <= 0 || strcasecmp(up, "websocket"))
		return -1;
	peer_str(wsi, peer, sizeof(peer));

	/* 2. GET PREFIX/{identity} (lws already percent-decoded it) */
	n = lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI);
	if (n <= 0)
		return refuse(wsi, HTTP_STATUS_BAD_REQUEST, 0);
	rc = identity_from_path(vh->l->path_prefix, path, (size_t)n, identity);
	if (rc == GW_ENOTFOUND) {
		gw_log(GW_LOG_INFO, "peer=%s path outside %s/: 404", peer, vh->l->path_prefix);
		return refuse(wsi, HTTP_STATUS_NOT_FOUND, 0);
	}
	if (rc) {
		transport_security(t, "", peer, "bad_identity", "identity breaks the rules: 400");
		return refuse(wsi, HTTP_STATUS_BAD_REQUEST, 0);
	}

	/* 3. subprotocol, in the client's order; none offered is allowed here
	 *    and closed right after the upgrade (OCPP-J §3.1.2), an offer of
	 *    only unknown names cannot be completed by lws: 400 */
	n = lws_hdr_copy(wsi, proto, sizeof(proto), WSI_TOKEN_PROTOCOL);
	if (n < 0)
		return refuse(wsi, HTTP_STATUS_BAD_REQUEST, 0);
	v = subprotocol_choose(proto, (size_t)n);
	if (n > 0 && v == OCPP_NONE) {
		gw_log(GW_LOG_NOTICE, "cp=%s peer=%s no supported subprotocol in offer: 400", identity,
		       peer);
		return refuse(wsi, HTTP_STATUS_BAD_REQUEST, 0);
	}

	/* 4. too many failures for this identity lately */
	if (ratelimit_blocked(t->rl, identity)) {
		transport_security(t, identity, peer, "auth_rate_limited",
				   "too many failed handshakes: 429");
		return refuse(wsi, 429, 0);
	}

	/* 5. who is it */
	memset(&pc, 0, sizeof(pc));
	status = lookup(t, identity, peer, &pc);
	if (status)
		return refuse(wsi, status, 0);
	if (pc.registration_rejected)
		return fail_auth(vh, wsi, identity, peer, "pile_rejected", "registration rejected",
				 HTTP_STATUS_FORBIDDEN);

	/* 6. A00.FR.001/002: never below the pile's registered profile */
	if (pc.min_profile > vh->l->security_profile) {
		snprintf(why, sizeof(why), "pile requires profile %d", pc.min_profile);
		return fail_auth(vh, wsi, identity, peer, "profile_too_low", why,
				 HTTP_STATUS_FORBIDDEN);
	}

	/* 7. credentials: client certificate (3) or Basic (1, 2) */
	if (vh->l->security_profile == 3) {
		if (tls_check_peer(wsi, identity, t->cfg->operator_name, why, sizeof(why)))
			return fail_auth(vh, wsi, identity, peer, "bad_client_cert", why,
					 HTTP_STATUS_FORBIDDEN);
	} else {
		n = lws_hdr_copy(wsi, auth, sizeof(auth), WSI_TOKEN_HTTP_AUTHORIZATION);
		if (n < 0)
			n = 0; /* longer than any valid header: treated as absent */
		rc = check_basic(t, identity, &pc, auth, (size_t)n, &pending_used, &reason);
		OPENSSL_cleanse(auth, sizeof(auth));
		if (rc)
			return fail_auth(vh, wsi, identity, peer, "auth_failed", reason,
					 HTTP_STATUS_UNAUTHORIZED);
	}

	/* 8. passed: attach the session; lws binds the row and upgrades */
	s = session_new(t, vh, wsi, identity, v);
	if (!s)
		return refuse(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, 0);
	lws_set_wsi_user(wsi, s);
	if (pending_used) {
		gw_log(GW_LOG_NOTICE, "cp=%s peer=%s authenticated with the pending password: "
		       "rotation confirmed", identity, peer);
		if (t->h.pending_password_used)
			t->h.pending_password_used(t->h.arg, identity);
	}
	return 0;
}
