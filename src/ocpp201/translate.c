/* SPDX-License-Identifier: MIT
 *
 * translate.c - the small readers and builders every 2.0.1 handler shares:
 * word tables, bounded UTF-8 copies, typed member reads, IdToken / EVSE /
 * component-variable translation, and the sticky-error response builder.
 *
 * Readers trust the schema pass that ran before the handler (types and
 * enums are right) but not the sizes: the schema bounds strings in code
 * points and leaves most integers unbounded above, so copies are cut at a
 * UTF-8 boundary and integers are range-checked into int.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_time.h"
#include "ocpp201/v201.h"

int v201_word_find(const struct v201_word *t, size_t n, const char *name, int dflt)
{
	if (!name)
		return dflt;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].value;
	return dflt;
}

const char *v201_word_name(const struct v201_word *t, size_t n, int value, const char *dflt)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return dflt;
}

void v201_copy(char *dst, size_t cap, const char *src)
{
	size_t len;

	if (!cap)
		return;
	len = src ? strlen(src) : 0;
	if (len >= cap) {
		len = cap - 1;
		/* back off continuation bytes so no code point is cut in two */
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

static struct json_object *member(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_is_type(v, t) ? v : NULL;
}

struct json_object *v201_obj(struct json_object *o, const char *key)
{
	return member(o, key, json_type_object);
}

struct json_object *v201_arr(struct json_object *o, const char *key)
{
	return member(o, key, json_type_array);
}

size_t v201_arr_len(struct json_object *o, const char *key)
{
	struct json_object *a = v201_arr(o, key);

	return a ? json_object_array_length(a) : 0;
}

int v201_get_int(struct json_object *o, const char *key, int dflt, int *out)
{
	int64_t v;
	int rc = o ? gw_json_get_int64(o, key, &v) : GW_ENOTFOUND; /* no parent: absent */

	if (rc == GW_ENOTFOUND) {
		*out = dflt;
		return GW_OK;
	}
	if (rc)
		return rc;
	if (v < INT_MIN || v > INT_MAX)
		return GW_ECONSTRAINT;
	*out = (int)v;
	return GW_OK;
}

int v201_get_flag(struct json_object *o, const char *key, int dflt)
{
	bool b;

	return gw_json_get_bool(o, key, &b) == GW_OK ? (int)b : dflt;
}

int v201_get_time(struct json_object *o, const char *key, int64_t *at_ms)
{
	size_t len;
	const char *s = gw_json_get_str(o, key, &len);

	*at_ms = 0;
	if (!s)
		return GW_OK;
	return gw_time_parse(s, len, at_ms) == GW_OK ? GW_OK : GW_ECONSTRAINT;
}

void v201_id_token(struct json_object *tok, char *id, char *type)
{
	v201_copy(id, VOCAB_TOKEN_MAX + 1, gw_json_get_str(tok, "idToken", NULL));
	v201_copy(type, 21, gw_json_get_str(tok, "type", NULL));
}

int v201_evse(struct json_object *evse, int *evse_id, int *connector_id)
{
	int rc = v201_get_int(evse, "id", 0, evse_id);

	return rc ? rc : v201_get_int(evse, "connectorId", 0, connector_id);
}

int v201_device_var(struct json_object *component, struct json_object *variable,
		    const char *attribute, const char *value, struct device_var *out)
{
	struct json_object *evse = v201_obj(component, "evse");
	int rc;

	memset(out, 0, sizeof(*out));
	v201_copy(out->component, sizeof(out->component), gw_json_get_str(component, "name", NULL));
	v201_copy(out->component_instance, sizeof(out->component_instance),
		  gw_json_get_str(component, "instance", NULL));
	v201_copy(out->variable, sizeof(out->variable), gw_json_get_str(variable, "name", NULL));
	v201_copy(out->variable_instance, sizeof(out->variable_instance),
		  gw_json_get_str(variable, "instance", NULL));
	v201_copy(out->attribute, sizeof(out->attribute), attribute ? attribute : "Actual");
	v201_copy(out->value, sizeof(out->value), value);
	rc = v201_get_int(evse, "id", -1, &out->evse_id);
	return rc ? rc : v201_get_int(evse, "connectorId", -1, &out->connector_id);
}

/* ---- building ----------------------------------------------------------- */

void v201_put(int *rc, struct json_object *o, const char *key, struct json_object *val)
{
	if (*rc || !o || !val) {
		json_object_put(val);
		if (!*rc)
			*rc = GW_ENOMEM;
		return;
	}
	/* json-c 0.16 leaves val with the caller when the add fails */
	if (json_object_object_add(o, key, val)) {
		json_object_put(val);
		*rc = GW_ENOMEM;
	}
}

void v201_put_str(int *rc, struct json_object *o, const char *key, const char *val)
{
	if (val)
		v201_put(rc, o, key, json_object_new_string(val));
}

struct json_object *v201_json_time(int64_t at_ms)
{
	char buf[GW_TIME_STRLEN];

	return json_object_new_string(gw_time_format(at_ms, buf));
}

struct json_object *v201_status_info(const char *reason, const char *info)
{
	struct json_object *o = json_object_new_object();
	int rc = GW_OK;

	v201_put_str(&rc, o, "reasonCode", reason);
	v201_put_str(&rc, o, "additionalInfo", info);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* AuthorizationStatusEnumType; ours has no NotAllowedTypeEVSE /
 * NotAtThisLocation / NotAtThisTime, so they are never answered. */
static const struct v201_word auth_words[] = {
	{"Accepted", AUTH_ACCEPTED},	    {"Blocked", AUTH_BLOCKED}, {"ConcurrentTx", AUTH_CONCURRENT_TX},
	{"Expired", AUTH_EXPIRED},	    {"Invalid", AUTH_INVALID}, {"NoCredit", AUTH_NO_CREDIT},
	{"Unknown", AUTH_UNKNOWN},
};

const char *v201_auth_word(enum auth_status s)
{
	/* an out-of-table value is our bug; answer the safe refusal */
	return v201_word_name(auth_words, V201_NWORDS(auth_words), (int)s, "Invalid");
}

struct json_object *v201_id_token_info(const struct auth_info *auth)
{
	struct json_object *o = json_object_new_object();
	struct json_object *group = NULL;
	int rc = GW_OK;

	v201_put_str(&rc, o, "status", v201_auth_word(auth->status));
	if (auth->expiry_ms)
		v201_put(&rc, o, "cacheExpiryDateTime", v201_json_time(auth->expiry_ms));
	if (auth->group_id[0]) {
		group = json_object_new_object();
		v201_put_str(&rc, group, "idToken", auth->group_id);
		v201_put_str(&rc, group, "type", "Central");
		v201_put(&rc, o, "groupIdToken", group);
	}
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int v201_respond(struct action_ctx *ctx, struct json_object *resp, int rc)
{
	if (rc || !resp) {
		json_object_put(resp);
		return rc ? rc : GW_ENOMEM;
	}
	ctx->response = resp;
	return GW_OK;
}

int v201_respond_empty(struct action_ctx *ctx)
{
	return v201_respond(ctx, json_object_new_object(), GW_OK);
}

/* How a command can end without an answer (ocpp16/cmd.c says the same). */
static const struct v201_word no_answer[] = {{"Timeout", GW_ETIMEOUT}, {"Closed", GW_ECLOSED}};

void v201_outcome_word(int status, struct json_object *payload, const char *err_code, char *buf,
		       size_t cap)
{
	const char *word = status == GW_OK ? gw_json_get_str(payload, "status", NULL)
					   : v201_word_name(no_answer, V201_NWORDS(no_answer), status, NULL);

	if (status == GW_OK)
		snprintf(buf, cap, "%s", word ? word : "Answered");
	else if (status == GW_ECALLERROR)
		snprintf(buf, cap, "CallError:%s", err_code ? err_code : "");
	else if (word)
		snprintf(buf, cap, "%s", word);
	else
		snprintf(buf, cap, "Failed:%s", gw_strerror(status));
}
