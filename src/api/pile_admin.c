/* SPDX-License-Identifier: MIT
 *
 * pile_admin.c - registering, changing and removing piles (scope operate).
 *
 * POST /v1/piles: a new identity (or a removed one registered again) with
 * its registration status, minimum security profile and optional password
 * (hashed here, never kept in clear, never logged).  PATCH /v1/piles/{id}:
 * registration and / or minimum profile; a live session the change no
 * longer admits (Rejected, or a profile above the session's) is closed, so
 * the pile meets the new rule at its next handshake.  DELETE
 * /v1/piles/{id}: refused (409) while the pile has open orders or
 * transactions; otherwise a soft delete (store_pile_remove: the row and its
 * history stay, the pile is no longer known and its next handshake gets
 * 404), recorded as a pile report, and a live session is closed.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/env.h"
#include "store/store.h"
#include "transport/transport.h"

/* Registration words of the API (= the 1.6 / 2.0.1 RegistrationStatus). */
static const struct {
	const char *word;
	enum reg_status v;
} reg_words[] = { { "Accepted", REG_ACCEPTED }, { "Pending", REG_PENDING }, { "Rejected", REG_REJECTED } };

static int reg_parse(const char *s, enum reg_status *out)
{
	for (size_t i = 0; i < sizeof(reg_words) / sizeof(reg_words[0]); i++)
		if (!strcmp(s, reg_words[i].word)) {
			*out = reg_words[i].v;
			return GW_OK;
		}
	return GW_ECONSTRAINT;
}

static const char *reg_word(enum reg_status v)
{
	for (size_t i = 0; i < sizeof(reg_words) / sizeof(reg_words[0]); i++)
		if (reg_words[i].v == v)
			return reg_words[i].word;
	return "Rejected";
}

/* The transport's identity rules (transport/identity.c, OCPP 2.0.1 Part 4
 * 3.1.1): 1..48 bytes, no ':' (it is the Basic-auth username), no '/' or
 * '\\', no control bytes.  UTF-8 validity was checked by the JSON parser. */
static int identity_ok(const char *id)
{
	size_t len = strlen(id);

	if (len < 1 || len > GW_IDENTITY_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ':' || *p == '/' || *p == '\\')
			return 0;
	return 1;
}

/* registration and min_security_profile of body into *reg / *profile
 * (untouched when absent; *seen counts the fields present). */
static int read_settings(struct api_ctx *c, struct json_object *body, enum reg_status *reg,
			 int *profile, int *seen)
{
	const char *word;
	int64_t v;
	int present, rc;

	if ((rc = api_body_str(c, body, "registration", 0, 16, &word)) != GW_OK)
		return rc;
	if (word) {
		if (reg_parse(word, reg) != GW_OK)
			return api_fail(c, GW_ECONSTRAINT,
					"registration must be Accepted, Pending or Rejected");
		(*seen)++;
	}
	if ((rc = api_body_i64(c, body, "min_security_profile", 0, &v, &present)) != GW_OK)
		return rc;
	if (present) {
		if (v < 0 || v > 3)
			return api_fail(c, GW_ECONSTRAINT, "min_security_profile must be 0..3");
		*profile = (int)v;
		(*seen)++;
	}
	return GW_OK;
}

/* ---- POST /v1/piles ----------------------------------------------------- */

struct create_step {
	struct store *st;
	struct pile_row *row;
	int readded;
};

static int create_step(void *arg)
{
	struct create_step *s = arg;
	int rc = store_pile_insert(s->st, s->row);

	if (rc == GW_EDUP) {
		/* a removed identity comes back; a live one is a conflict */
		rc = store_pile_readd(s->st, s->row);
		if (rc == GW_ENOTFOUND)
			return GW_EDUP;
		s->readded = rc == GW_OK;
	}
	return rc;
}

int api_pile_create(struct api_ctx *c)
{
	struct json_object *body = NULL;
	struct pile_row row, back;
	struct create_step step;
	const char *identity, *pw = NULL;
	size_t pw_len = 0;
	int seen = 0, rc;

	if ((rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	memset(&row, 0, sizeof(row));
	row.reg_status = REG_ACCEPTED;
	if ((rc = api_body_str(c, body, "identity", 1, 1024, &identity)) != GW_OK)
		goto out;
	if (!identity_ok(identity)) {
		rc = api_fail(c, GW_ECONSTRAINT,
			      "identity must be 1..%d bytes without ':', '/', '\\' or control characters",
			      GW_IDENTITY_MAX);
		goto out;
	}
	snprintf(row.identity, sizeof(row.identity), "%s", identity);
	if ((rc = read_settings(c, body, &row.reg_status, &row.min_security_profile, &seen)) != GW_OK ||
	    (rc = api_body_password(c, body, 0, API_PASSWORD_MAX, &pw, &pw_len)) != GW_OK)
		goto out;
	if (pw && (rc = api_password_hash(c, pw, pw_len, &row.password)) != GW_OK)
		goto out;
	row.first_seen_ms = gw_clock_now_ms();
	step = (struct create_step){ c->env->store, &row, 0 };
	rc = api_in_batch(c->env, create_step, &step);
	if (rc == GW_EDUP) {
		rc = api_fail(c, GW_EDUP, "pile %s already exists", row.identity);
		goto out;
	}
	if (rc != GW_OK)
		goto out;
	gw_log(GW_LOG_NOTICE, "api token=%s cp=%s registered%s: %s, min profile %d, %s",
	       c->token ? c->token->name : "", row.identity, step.readded ? " again" : "",
	       reg_word(row.reg_status), row.min_security_profile,
	       pw ? "password set" : "no password");
	c->status = 201;
	if (store_pile_get(c->env->store, row.identity, &back) == GW_OK)
		c->body = api_pile_json(c, &back);
	else
		c->body = api_pile_json(c, &row);
out:
	json_object_put(body);
	return rc;
}

/* ---- PATCH /v1/piles/{id} ------------------------------------------------ */

struct patch_step {
	struct store *st;
	const char *identity;
	enum reg_status reg;
	int profile;
};

static int patch_step(void *arg)
{
	struct patch_step *s = arg;

	return store_pile_set_registration(s->st, s->identity, s->reg, s->profile);
}

/* Close a live session of identity that the pile's new settings no longer
 * admit; the reason goes to the log and the close frame (no secrets). */
static void enforce(struct api_ctx *c, const char *identity, enum reg_status reg, int profile,
		    int removed)
{
	struct ws_session *s = transport_session_find(c->env->transport, identity);
	const char *why = NULL;

	if (!s)
		return;
	if (removed)
		why = "pile removed";
	else if (reg == REG_REJECTED)
		why = "registration rejected";
	else if (profile > session_security_profile(s))
		why = "security profile below the pile's minimum";
	if (!why)
		return;
	gw_log(GW_LOG_NOTICE, "api cp=%s disconnected: %s", identity, why);
	session_close(s, 1008, why);
}

int api_pile_patch(struct api_ctx *c)
{
	struct json_object *body = NULL;
	struct pile_row row;
	struct patch_step step;
	int seen = 0, rc = api_pile_load(c, c->param[0], &row);

	if (rc != GW_OK)
		return rc;
	if ((rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	if ((rc = read_settings(c, body, &row.reg_status, &row.min_security_profile, &seen)) != GW_OK)
		goto out;
	if (!seen) {
		rc = api_fail(c, GW_ECONSTRAINT, "give registration and / or min_security_profile");
		goto out;
	}
	step = (struct patch_step){ c->env->store, row.identity, row.reg_status,
				    row.min_security_profile };
	if ((rc = api_in_batch(c->env, patch_step, &step)) != GW_OK)
		goto out;
	gw_log(GW_LOG_NOTICE, "api token=%s cp=%s now %s, min profile %d",
	       c->token ? c->token->name : "", row.identity, reg_word(row.reg_status),
	       row.min_security_profile);
	enforce(c, row.identity, row.reg_status, row.min_security_profile, 0);
	c->body = api_pile_json(c, &row);
out:
	json_object_put(body);
	return rc;
}

/* ---- DELETE /v1/piles/{id} ----------------------------------------------- */

struct delete_step {
	struct api_ctx *c;
	const char *identity;
};

static int delete_step(void *arg)
{
	struct delete_step *s = arg;
	struct store *st = s->c->env->store;
	struct store_pile_work w;
	struct pile_report rep;
	int rc = store_pile_open_work(st, s->identity, &w);

	if (rc != GW_OK)
		return rc;
	if (w.open_orders || w.open_transactions)
		return api_fail(s->c, GW_ECONFLICT,
				"pile %s has %lld open order(s) and %lld open transaction(s):"
				" stop or force-close them first",
				s->identity, (long long)w.open_orders, (long long)w.open_transactions);
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.kind, sizeof(rep.kind), "OperatorPileRemoved");
	snprintf(rep.status, sizeof(rep.status), "Removed");
	snprintf(rep.detail, sizeof(rep.detail), "token=%s",
		 s->c->token ? s->c->token->name : "");
	if ((rc = store_report_insert(st, s->identity, &rep, gw_clock_now_ms(), 0)) != GW_OK)
		return rc;
	return store_pile_remove(st, s->identity);
}

int api_pile_delete(struct api_ctx *c)
{
	struct pile_row row;
	struct delete_step step;
	int rc = api_pile_load(c, c->param[0], &row);

	if (rc != GW_OK)
		return rc;
	step = (struct delete_step){ c, row.identity };
	rc = api_in_batch(c->env, delete_step, &step);
	if (rc != GW_OK)
		return rc;
	gw_log(GW_LOG_NOTICE, "api token=%s cp=%s removed (history kept)",
	       c->token ? c->token->name : "", row.identity);
	enforce(c, row.identity, row.reg_status, row.min_security_profile, 1);
	c->body = json_object_new_object();
	api_add_str(c->body, "identity", row.identity);
	api_add_bool(c->body, "removed", 1);
	return GW_OK;
}
