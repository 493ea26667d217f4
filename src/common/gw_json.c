/* SPDX-License-Identifier: MIT
 *
 * gw_json.c - strict JSON parsing over json-c 0.16 and typed getters.
 *
 * gw_json_parse() runs three passes, each closing a gap the previous leaves:
 *  1. json-c with STRICT | VALIDATE_UTF8 and an explicit length: grammar,
 *     gross UTF-8 errors, depth; then parse_end == len (trailing bytes).
 *  2. a byte scan of the raw text: shortest-form UTF-8 without surrogates or
 *     code points above U+10FFFF, no 0x00 byte, and every \u escape neither
 *     U+0000 nor half a surrogate pair.  It must read the raw text because
 *     json-c 0.16 turns a lone "\ud800" into U+FFFD and cuts an object key
 *     at "\u0000", so neither is visible in the tree [verified on Debian's
 *     0.16-2, which contradicts the "ED A0 80" folklore].
 *  3. a tree walk for numbers json-c saturated: inf from 1e400, NaN and
 *     Infinity literals, integers clamped to the uint64/int64 limits.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"

/* Length of the shortest-form UTF-8 sequence at s (Unicode 15 Table 3-7),
 * or 0 if it is malformed, overlong, a surrogate or above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	if (c == 0xE0)
		lo = 0xA0; /* overlong below U+0800 */
	else if (c == 0xED)
		hi = 0x9F; /* U+D800..U+DFFF */
	else if (c == 0xF0)
		lo = 0x90; /* overlong below U+10000 */
	else if (c == 0xF4)
		hi = 0x8F; /* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Four hex digits at s[pos..pos+3] into *cp; -1 if short or not hex. */
static int hex4(const unsigned char *s, size_t len, size_t pos, unsigned *cp)
{
	unsigned v = 0;

	if (pos + 4 > len)
		return -1;
	for (size_t i = pos; i < pos + 4; i++) {
		unsigned c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	*cp = v;
	return 0;
}

/* The \u escape starting at s[*pos] (the backslash): -1 for U+0000 or a
 * surrogate that is not a high+low pair; advances *pos past it. */
static int check_u_escape(const unsigned char *s, size_t len, size_t *pos)
{
	unsigned cp, low;

	if (hex4(s, len, *pos + 2, &cp))
		return -1;
	*pos += 6;
	if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
		return -1;
	if (cp < 0xD800 || cp > 0xDBFF)
		return 0;
	if (*pos + 1 >= len || s[*pos] != '\\' || s[*pos + 1] != 'u' ||
	    hex4(s, len, *pos + 2, &low) || low < 0xDC00 || low > 0xDFFF)
		return -1;
	*pos += 6;
	return 0;
}

/* Pass 2.  In valid JSON a backslash only occurs inside strings and always
 * starts an escape, so walking escape by escape needs no string state. */
static int scan_raw(const unsigned char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		unsigned c = s[i];
		if (c >= 0x80) {
			n = utf8_seq(s + i, len - i);
			if (!n)
				return -1;
			i += n;
		} else if (c == '\\') {
			if (i + 1 >= len)
				return -1;
			if (s[i + 1] != 'u')
				i += 2;
			else if (check_u_escape(s, len, &i))
				return -1;
		} else if (c == 0) {
			return -1;
		} else {
			i++;
		}
	}
	return 0;
}

/* Pass 3.  Recursion depth is bounded by the tokener's max_depth. */
static int check_numbers(struct json_object *o)
{
	size_t n;

	switch (json_object_get_type(o)) {
	case json_type_double:
		return isfinite(json_object_get_double(o)) ? 0 : -1;
	case json_type_int:
		if (json_object_get_int64(o) == INT64_MIN)
			return -1;
		if (json_object_get_int64(o) == INT64_MAX &&
		    json_object_get_uint64(o) > (uint64_t)INT64_MAX)
			return -1;
		return 0;
	case json_type_array:
		n = json_object_array_length(o);
		for (size_t i = 0; i < n; i++)
			if (check_numbers(json_object_array_get_idx(o, i)))
				return -1;
		return 0;
	case json_type_object: {
		json_object_object_foreach(o, key, val)
		{
			(void)key;
			if (check_numbers(val))
				return -1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

int gw_json_parse(const char *buf, size_t len, int max_depth, struct json_object **out)
{
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;
	enum json_tokener_error jerr;
	int rc = GW_EFORMAT;

	if (!out)
		return GW_EINVAL;
	*out = NULL;
	if (!buf || max_depth < 1)
		return GW_EINVAL;
	if (len > INT32_MAX)
		return GW_ETOOBIG;
	tok = json_tokener_new_ex(max_depth);
	if (!tok)
		return GW_ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);

	root = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (json_tokener_get_parse_end(tok) != len)
		goto out; /* garbage, a second document or a NUL after the first */
	if (jerr == json_tokener_continue) {
		/* A top-level number only ends at a delimiter: feed one NUL.
		 * Truncated documents fail here with "unexpected end of data". */
		root = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
	}
	if (jerr != json_tokener_success)
		goto out;
	if (scan_raw((const unsigned char *)buf, len) || check_numbers(root))
		goto out;
	*out = root;
	root = NULL;
	rc = GW_OK;
out:
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

/* The member key of obj, borrowed, in *val.  GW_ENOTFOUND / GW_ETYPE. */
static int member(struct json_object *obj, const char *key, struct json_object **val)
{
	if (!json_object_is_type(obj, json_type_object))
		return GW_ETYPE;
	if (!json_object_object_get_ex(obj, key, val))
		return GW_ENOTFOUND;
	return GW_OK;
}

int gw_json_get_int64(struct json_object *obj, const char *key, int64_t *out)
{
	struct json_object *v;
	int64_t i;
	int rc;

	if (!obj || !key || !out)
		return GW_EINVAL;
	rc = member(obj, key, &v);
	if (rc)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		return GW_ETYPE;
	i = json_object_get_int64(v);
	if (i == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
		return GW_ECONSTRAINT;
	*out = i;
	return GW_OK;
}

int gw_json_get_double(struct json_object *obj, const char *key, double *out)
{
	struct json_object *v;
	double d;
	int rc;

	if (!obj || !key || !out)
		return GW_EINVAL;
	rc = member(obj, key, &v);
	if (rc)
		return rc;
	if (json_object_is_type(v, json_type_int))
		d = (double)json_object_get_int64(v);
	else if (json_object_is_type(v, json_type_double))
		d = json_object_get_double(v);
	else
		return GW_ETYPE;
	if (!isfinite(d))
		return GW_ECONSTRAINT;
	*out = d;
	return GW_OK;
}

int gw_json_get_bool(struct json_object *obj, const char *key, bool *out)
{
	struct json_object *v;
	int rc;

	if (!obj || !key || !out)
		return GW_EINVAL;
	rc = member(obj, key, &v);
	if (rc)
		return rc;
	if (!json_object_is_type(v, json_type_boolean))
		return GW_ETYPE;
	*out = json_object_get_boolean(v) != 0;
	return GW_OK;
}

const char *gw_json_get_str(struct json_object *obj, const char *key, size_t *len)
{
	struct json_object *v;

	if (!obj || !key || member(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	if (len)
		*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

char *gw_json_dump(struct json_object *o, size_t *len)
{
	const char *s;
	size_t n = 0;
	char *copy;

	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
					      &n);
	if (!s)
		return NULL;
	copy = gw_malloc(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	if (len)
		*len = n;
	return copy;
}
