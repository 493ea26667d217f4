/* SPDX-License-Identifier: MIT
 *
 * pile_password.c - POST /v1/piles/{id}/password: set or rotate a pile's
 * Basic-auth password (OCPP security profiles 1/2, PROTOCOL.md 1.3, A01).
 *
 * An offline pile, or one that never had a password, gets it at once
 * (store_pile_set_password, 200).  An online pile with a password is
 * rotated: the new hash is stored as pending, then ChangeConfiguration
 * AuthorizationKey = hex of the bytes (1.6) or SetVariables
 * SecurityCtrlr.BasicAuthPassword (2.0.1) is sent and the answer is 202
 * with a reference.  While pending, the handshake accepts the old and the
 * new password, and the first use of the new one promotes it
 * (core/session_hooks.c).  The pile's answer decides the rest:
 *   Accepted                  -> promote now: the old one stops working
 *                                (A01.FR.03);
 *   Rejected / NotSupported /
 *   Unknown* / a CALLERROR    -> clear the pending one, the old stays
 *                                (A01.FR.04);
 *   RebootRequired / timeout /
 *   the pile went away        -> the outcome is unknown (the pile may have
 *                                applied it): keep both; the first use of
 *                                the new one promotes it, the old stays
 *                                valid until then, so the pile is never
 *                                locked out.
 * Every outcome is kept as a pile report (kind PasswordRotation).  One
 * rotation per pile at a time (409): a second one racing the first could
 * promote or clear the wrong candidate.  A password is never logged, nor
 * put in a message or a report; the clear copies made here are wiped.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/command.h"
#include "core/env.h"
#include "domain/billing/order_number.h"
#include "store/store.h"
#include "transport/password.h"
#include "transport/transport.h"

/* One rotation waiting for the pile's answer; freed by its callback. */
struct rotation {
	struct rotation *next;
	struct gw_env *env;
	char identity[GW_IDENTITY_MAX + 1];
	char reference[24];                 /* "PW-..." */
	const char *action;                 /* static string */
	uint8_t hash[STORE_PW_HASH_LEN];    /* the pending hash we stored */
};

/* Rotations in flight, loop thread only. */
static struct rotation *in_flight;

static struct rotation *find(const char *identity)
{
	for (struct rotation *r = in_flight; r; r = r->next)
		if (!strcmp(r->identity, identity))
			return r;
	return NULL;
}

static void unlink_rotation(struct rotation *r)
{
	for (struct rotation **p = &in_flight; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			return;
		}
}

int api_body_password(struct api_ctx *c, struct json_object *body, int required, size_t max,
		      const char **pw, size_t *len)
{
	struct json_object *v = NULL;

	*pw = NULL;
	*len = 0;
	if (!json_object_object_get_ex(body, "password", &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return api_fail(c, GW_ECONSTRAINT, "password is required");
		return GW_OK;
	}
	if (!json_object_is_type(v, json_type_string))
		return api_fail(c, GW_ETYPE, "password must be a string");
	*len = (size_t)json_object_get_string_len(v);
	if (*len < API_PASSWORD_MIN || *len > max)
		return api_fail(c, GW_ECONSTRAINT, "password must be %d..%zu bytes (UTF-8)",
				API_PASSWORD_MIN, max);
	*pw = json_object_get_string(v);
	return GW_OK;
}

int api_password_hash(struct api_ctx *c, const char *pw, size_t len, struct store_password *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = password_new((const unsigned char *)pw, len, 0, out->salt, out->hash);
	if (rc != GW_OK)
		return api_fail(c, GW_EINTERNAL, "cannot hash the password");
	out->iterations = PASSWORD_ITERATIONS_DEFAULT;
	out->present = 1;
	return GW_OK;
}

/* ---- store steps (each inside api_in_batch) --------------------------- */

struct pw_step {
	struct store *st;
	const char *identity;
	const struct store_password *pw; /* set / pending; NULL clears pending */
	int pending;                     /* 1: set_pending_password */
	const char *status;              /* report status word */
	char detail[96];                 /* report detail: reference, outcome */
};

static int report(struct pw_step *s)
{
	struct pile_report rep;

	memset(&rep, 0, sizeof(rep));
	snprintf(rep.kind, sizeof(rep.kind), "PasswordRotation");
	snprintf(rep.status, sizeof(rep.status), "%s", s->status);
	snprintf(rep.detail, sizeof(rep.detail), "%s", s->detail);
	return store_report_insert(s->st, s->identity, &rep, gw_clock_now_ms(), 0);
}

static int set_step(void *arg)
{
	struct pw_step *s = arg;
	int rc = s->pending ? store_pile_set_pending_password(s->st, s->identity, s->pw) :
			      store_pile_set_password(s->st, s->identity, s->pw);

	return rc == GW_OK ? report(s) : rc;
}

enum verdict { V_ACCEPTED, V_REFUSED, V_UNKNOWN };

struct finish_step {
	struct pw_step base;
	const struct rotation *r;
	enum verdict v;
	const char *done;                /* what happened to the credentials */
};

static int finish_step(void *arg)
{
	struct finish_step *f = arg;
	struct pile_row row;
	int pending_ours, current_ours, rc = store_pile_get(f->base.st, f->r->identity, &row);

	if (rc != GW_OK)
		return rc; /* removed meanwhile: nothing to change */
	pending_ours = row.pending.present && !CRYPTO_memcmp(row.pending.hash, f->r->hash, 32);
	current_ours = row.password.present && !CRYPTO_memcmp(row.password.hash, f->r->hash, 32);
	f->done = "kept both until the new one is used";
	if (f->v == V_ACCEPTED) {
		if (pending_ours) {
			rc = store_pile_promote_password(f->base.st, f->r->identity);
			f->done = "new password in force, old one retired";
		} else {
			f->done = current_ours ? "new password already in use" : "superseded";
		}
	} else if (f->v == V_REFUSED) {
		if (pending_ours)
			rc = store_pile_set_pending_password(f->base.st, f->r->identity, NULL);
		f->done = "old password kept";
	}
	if (rc != GW_OK)
		return rc;
	snprintf(f->base.detail, sizeof(f->base.detail), "reference=%s %s", f->r->reference, f->done);
	return report(&f->base);
}

/* ---- the pile's answer ------------------------------------------------- */

/* The status word of a ChangeConfiguration / SetVariables answer. */
static const char *answer_word(struct json_object *payload)
{
	struct json_object *v = NULL, *first;

	if (json_object_object_get_ex(payload, "status", &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	if (json_object_object_get_ex(payload, "setVariableResult", &v) &&
	    json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0 &&
	    (first = json_object_array_get_idx(v, 0)) &&
	    json_object_object_get_ex(first, "attributeStatus", &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return "Rejected";
}

static void on_reply(void *arg, int status, struct json_object *payload, const char *err_code,
		     const char *err_desc)
{
	struct rotation *r = arg;
	struct finish_step f;
	const char *outcome;
	int rc;

	(void)err_desc;
	memset(&f, 0, sizeof(f));
	if (status == GW_OK) {
		outcome = answer_word(payload);
		f.v = !strcmp(outcome, "Accepted")	 ? V_ACCEPTED :
		      !strcmp(outcome, "RebootRequired") ? V_UNKNOWN : V_REFUSED;
	} else if (status == GW_ECALLERROR) {
		outcome = err_code && *err_code ? err_code : "CallError";
		f.v = V_REFUSED;
	} else {
		outcome = status == GW_ETIMEOUT ? "Timeout" : "Closed";
		f.v = V_UNKNOWN;
	}
	f.base.st = r->env->store;
	f.base.identity = r->identity;
	f.base.status = outcome;
	f.r = r;
	rc = api_in_batch(r->env, finish_step, &f);
	if (rc == GW_OK)
		gw_log(GW_LOG_NOTICE, "api cp=%s password rotation %s: %s: %s", r->identity,
		       r->reference, outcome, f.done);
	else
		gw_log(GW_LOG_ERR, "api cp=%s password rotation %s: %s, not recorded: %s", r->identity,
		       r->reference, outcome, gw_strerror(rc));
	unlink_rotation(r);
	OPENSSL_cleanse(r->hash, sizeof(r->hash));
	gw_free(r);
}

/* ---- the request ---------------------------------------------------------- */

static void reference_new(char *buf, size_t size)
{
	static unsigned counter;
	char num[ORDER_NUMBER_BUFSZ];

	order_number_format(((uint64_t)gw_clock_now_ms() << 4) | (counter++ & 15u), num, sizeof(num));
	snprintf(buf, size, "PW-%s", num);
}

/* The rotation command for the pile's version; the caller puts it (and
 * it holds the password: wiped by the caller's put, see below). */
static struct json_object *rotation_payload(enum ocpp_version v, const char *pw, size_t len,
					    const char **action)
{
	struct json_object *o = json_object_new_object();

	if (v == OCPP_201) {
		struct json_object *arr = json_object_new_array(), *d = json_object_new_object();
		struct json_object *comp = json_object_new_object(), *var = json_object_new_object();

		*action = "SetVariables";
		json_object_object_add(d, "attributeValue", json_object_new_string_len(pw, (int)len));
		api_add_str(comp, "name", "SecurityCtrlr");
		api_add_str(var, "name", "BasicAuthPassword");
		json_object_object_add(d, "component", comp);
		json_object_object_add(d, "variable", var);
		json_object_array_add(arr, d);
		json_object_object_add(o, "setVariableData", arr);
	} else {
		static const char hex[] = "0123456789ABCDEF";
		char buf[2 * API_PASSWORD_MAX_16 + 1];

		*action = "ChangeConfiguration";
		for (size_t i = 0; i < len; i++) {
			buf[2 * i] = hex[(unsigned char)pw[i] >> 4];
			buf[2 * i + 1] = hex[(unsigned char)pw[i] & 15];
		}
		buf[2 * len] = '\0';
		api_add_str(o, "key", "AuthorizationKey");
		api_add_str(o, "value", buf);
		OPENSSL_cleanse(buf, sizeof(buf));
	}
	return o;
}

/* Offline pile or no password yet: store it now. */
static int set_now(struct api_ctx *c, const struct pile_row *row, const char *pw, size_t len)
{
	struct store_password hash;
	struct pw_step s;
	int rc = api_password_hash(c, pw, len, &hash);

	if (rc != GW_OK)
		return rc;
	memset(&s, 0, sizeof(s));
	s.st = c->env->store;
	s.identity = row->identity;
	s.pw = &hash;
	s.status = "Set";
	snprintf(s.detail, sizeof(s.detail), "set directly by token=%s (%s)",
		 c->token ? c->token->name : "", row->password.present ? "pile offline" : "first password");
	rc = api_in_batch(c->env, set_step, &s);
	OPENSSL_cleanse(&hash, sizeof(hash));
	if (rc != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "api token=%s cp=%s password set directly (%s)",
	       c->token ? c->token->name : "", row->identity,
	       row->password.present ? "pile offline" : "first password");
	c->body = json_object_new_object();
	api_add_str(c->body, "pile", row->identity);
	api_add_str(c->body, "outcome", "set");
	return GW_OK;
}

static int rotate(struct api_ctx *c, const struct pile_row *row, struct ws_session *s,
		  const char *pw, size_t len)
{
	enum ocpp_version v = session_version(s);
	struct store_password hash;
	struct json_object *payload;
	struct rotation *r;
	struct pw_step st;
	int rc;

	if (find(row->identity))
		return api_fail(c, GW_ECONFLICT, "a password rotation of %s is waiting for its answer",
				row->identity);
	if (v != OCPP_201 && len > API_PASSWORD_MAX_16)
		return api_fail(c, GW_ECONSTRAINT,
				"a 1.6 AuthorizationKey is %d..%d bytes (sent as up to 40 hex digits)",
				API_PASSWORD_MIN, API_PASSWORD_MAX_16);
	if ((rc = api_password_hash(c, pw, len, &hash)) != GW_OK)
		return rc;
	r = gw_calloc(1, sizeof(*r));
	if (!r)
		return GW_ENOMEM;
	r->env = c->env;
	snprintf(r->identity, sizeof(r->identity), "%s", row->identity);
	reference_new(r->reference, sizeof(r->reference));
	memcpy(r->hash, hash.hash, sizeof(r->hash));

	/* the pending hash is stored before the pile can see the command */
	memset(&st, 0, sizeof(st));
	st.st = c->env->store;
	st.identity = row->identity;
	st.pw = &hash;
	st.pending = 1;
	st.status = "Requested";
	snprintf(st.detail, sizeof(st.detail), "reference=%s token=%s", r->reference,
		 c->token ? c->token->name : "");
	rc = api_in_batch(c->env, set_step, &st);
	OPENSSL_cleanse(&hash, sizeof(hash));
	if (rc != GW_OK) {
		gw_free(r);
		return rc;
	}
	payload = rotation_payload(v, pw, len, &r->action);
	rc = gw_command_send(c->env, row->identity, r->action, payload, 0, on_reply, r);
	json_object_put(payload);
	if (rc != GW_OK) {
		/* never sent: the pile cannot know it, drop the candidate */
		struct pw_step undo = st;

		undo.pw = NULL;
		undo.status = "NotSent";
		snprintf(undo.detail, sizeof(undo.detail), "reference=%s %s", r->reference,
			 gw_strerror(rc));
		api_in_batch(c->env, set_step, &undo);
		gw_free(r);
		if (rc == GW_ENOTFOUND)
			return api_fail(c, GW_ECONFLICT, "pile %s went offline", row->identity);
		if (rc == GW_EBUSY)
			return api_fail(c, rc, "the command queue of %s is full", row->identity);
		return rc;
	}
	r->next = in_flight;
	in_flight = r;
	gw_log(GW_LOG_NOTICE, "api token=%s cp=%s password rotation %s sent (%s)",
	       c->token ? c->token->name : "", row->identity, r->reference, r->action);
	c->status = 202;
	c->body = json_object_new_object();
	api_add_str(c->body, "pile", row->identity);
	api_add_str(c->body, "reference", r->reference);
	api_add_str(c->body, "action", r->action);
	api_add_str(c->body, "outcome", "requested");
	return GW_OK;
}

int api_pile_password(struct api_ctx *c)
{
	struct json_object *body = NULL;
	struct ws_session *s;
	struct pile_row row;
	const char *pw;
	size_t len;
	int rc = api_pile_load(c, c->param[0], &row);

	if (rc != GW_OK)
		return rc;
	if ((rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	rc = api_body_password(c, body, 1, API_PASSWORD_MAX, &pw, &len);
	if (rc == GW_OK) {
		s = transport_session_find(c->env->transport, row.identity);
		rc = (!s || !row.password.present) ? set_now(c, &row, pw, len) :
						     rotate(c, &row, s, pw, len);
	}
	json_object_put(body);
	return rc;
}
