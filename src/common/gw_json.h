/* SPDX-License-Identifier: MIT
 *
 * gw_json.h - the one strict way to read JSON with json-c 0.16, plus typed
 * getters that never coerce.  Every JSON text that enters ocppgw (OCPP-J
 * frames, operator API bodies, partner callbacks) goes through
 * gw_json_parse(); PROTOCOL.md §3.3 lists the json-c behaviours it closes.
 *
 * Invariant: a tree returned by gw_json_parse() holds only well-formed UTF-8
 * without U+0000 or surrogates, finite doubles and integers inside int64.
 * Duplicate keys cannot be seen through json-c: the last one wins.
 * This header pulls in json-c; domain/ must not include it (STYLE.md §1).
 */
#ifndef GW_JSON_H
#define GW_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define GW_JSON_DEPTH 16 /* depth limit for frames and API bodies, see gw_json_parse */

/* Parse exactly len bytes of buf as one JSON document.
 * max_depth (>= 1) is json-c's depth: the document is level 1, each array
 * element or member value one level below its container, and no value may
 * sit below level max_depth, so [[1]] needs 3 and [[]] needs 2 [verified
 * on 0.16].  Rejected with GW_EFORMAT: anything json-c's strict mode
 * rejects, bytes after the document (garbage, a second document, a NUL),
 * empty input, invalid or non-shortest UTF-8, surrogates (raw or as lone
 * \u escapes), U+0000 anywhere (also in keys, which json-c would silently
 * truncate), NaN/Infinity/overflowing doubles, integers outside int64
 * (json-c saturates them; -2^63 itself is rejected too because a saturated
 * negative looks the same).  GW_EINVAL for a NULL buf/out or
 * max_depth < 1, GW_ETOOBIG if len exceeds INT32_MAX, GW_ENOMEM.
 * On GW_OK *out is the tree, owned by the caller (json_object_put once); it
 * is NULL for the document `null`.  On failure *out is NULL.  buf need not
 * be NUL-terminated.  Reentrant: each call uses its own tokener. */
int gw_json_parse(const char *buf, size_t len, int max_depth, struct json_object **out);

/* Typed member reads.  obj is borrowed; nothing is allocated.
 * Codes: GW_OK; GW_ENOTFOUND if key is absent; GW_ETYPE if obj is not an
 * object or the member has another JSON type (null included; a string "12"
 * is not an integer, 2.0 is not an integer); GW_ECONSTRAINT if the value is
 * out of range (only possible for trees not made by gw_json_parse);
 * GW_EINVAL for NULL arguments.  *out is written only on GW_OK. */
int gw_json_get_int64(struct json_object *obj, const char *key, int64_t *out);
/* Integer or fractional number, finite. */
int gw_json_get_double(struct json_object *obj, const char *key, double *out);
/* true/false only (no 0/1, no "true"). */
int gw_json_get_bool(struct json_object *obj, const char *key, bool *out);

/* The string member key of obj, or NULL if obj is not an object, the key is
 * absent or the member is not a string.  The pointer is borrowed from obj
 * and valid until obj is put or modified; it is NUL-terminated and *len (if
 * len is not NULL) gets its length in bytes. */
const char *gw_json_get_str(struct json_object *obj, const char *key, size_t *len);

/* Compact serialisation of o (NULL prints as `null`): no spaces, '/' not
 * escaped.  Returns a NUL-terminated copy the caller frees with gw_free(),
 * its length in *len if len is not NULL; NULL if out of memory. */
char *gw_json_dump(struct json_object *o, size_t *len);

#endif
