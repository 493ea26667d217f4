/* SPDX-License-Identifier: MIT
 *
 * payload.c - reading 1.6 request members into fixed-size struct fields and
 * building answers, shared by every handler of the room.
 *
 * Invariants: a field is never overrun and never holds half a UTF-8
 * character; an identifier is copied whole or refused, never cut; an
 * answer is either complete or not handed over at all.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_time.h"
#include "ocpp16/v16.h"

/* Longest prefix of s (len bytes, valid UTF-8) that fits cap - 1 bytes
 * without splitting a character: back off over continuation bytes. */
static size_t utf8_fit(const char *s, size_t len, size_t cap)
{
	size_t n;

	if (len < cap)
		return len;
	n = cap - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

int v16_copy_text(struct json_object *obj, const char *key, char *dst, size_t cap)
{
	size_t len = 0;
	const char *s = gw_json_get_str(obj, key, &len);
	size_t n;

	dst[0] = '\0';
	if (!s)
		return 0;
	n = utf8_fit(s, len, cap);
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 1;
}

int v16_copy_token(struct json_object *obj, const char *key, char dst[VOCAB_TOKEN_MAX + 1])
{
	size_t len = 0;
	const char *s = gw_json_get_str(obj, key, &len);

	dst[0] = '\0';
	if (!s)
		return 0;
	if (len > VOCAB_TOKEN_MAX)
		return GW_ECONSTRAINT;
	memcpy(dst, s, len + 1);
	return 1;
}

int v16_get_int(struct action_ctx *ctx, struct json_object *obj, const char *key, int dflt,
		int *out)
{
	int64_t v;
	int rc = gw_json_get_int64(obj, key, &v);

	if (rc == GW_ENOTFOUND) {
		*out = dflt;
		return GW_OK;
	}
	if (rc == GW_OK && (v < INT_MIN || v > INT_MAX))
		rc = GW_ECONSTRAINT;
	if (rc != GW_OK) {
		snprintf(ctx->err_desc, sizeof(ctx->err_desc), "%s out of range", key);
		return rc;
	}
	*out = (int)v;
	return GW_OK;
}

int v16_get_time(struct action_ctx *ctx, struct json_object *obj, const char *key,
		 int64_t *at_ms)
{
	size_t len = 0;
	const char *s = gw_json_get_str(obj, key, &len);

	*at_ms = 0;
	if (!s)
		return GW_OK;
	if (gw_time_parse(s, len, at_ms) != GW_OK) {
		snprintf(ctx->err_desc, sizeof(ctx->err_desc), "%s is not an RFC 3339 date-time",
			 key);
		return GW_ECONSTRAINT;
	}
	return GW_OK;
}

/* json-c takes val; on failure we still own it and put it. */
static int add(struct json_object *resp, const char *key, struct json_object *val)
{
	if (!val)
		return GW_ENOMEM;
	if (json_object_object_add(resp, key, val) != 0) {
		json_object_put(val);
		return GW_ENOMEM;
	}
	return GW_OK;
}

int v16_add_str(struct json_object *resp, const char *key, const char *s)
{
	return add(resp, key, json_object_new_string(s));
}

int v16_add_int(struct json_object *resp, const char *key, int64_t v)
{
	return add(resp, key, json_object_new_int64(v));
}

int v16_add_time(struct json_object *resp, const char *key, int64_t at_ms)
{
	char buf[GW_TIME_STRLEN];

	return v16_add_str(resp, key, gw_time_format(at_ms, buf));
}

int v16_reply(struct action_ctx *ctx, struct json_object *resp, int rc)
{
	if (rc == GW_OK && !resp)
		rc = GW_ENOMEM;
	if (rc != GW_OK) {
		json_object_put(resp);
		return rc;
	}
	json_object_put(ctx->response); /* a handler answers once; NULL is fine */
	ctx->response = resp;
	return GW_OK;
}

int v16_reply_empty(struct action_ctx *ctx)
{
	return v16_reply(ctx, json_object_new_object(), GW_OK);
}

int v16_domain_failed(struct action_ctx *ctx, const char *what, int rc)
{
	snprintf(ctx->err_desc, sizeof(ctx->err_desc), "%s: %s", what, gw_strerror(rc));
	return rc;
}
