/* SPDX-License-Identifier: MIT
 *
 * schema.h - JSON Schema validation of OCPP payloads (DESIGN.md "schema").
 *
 * A schema set is every *.json file of one directory (schemas/ocpp1.6/,
 * schemas/ocpp2.0.1/), compiled once at start-up into a compact C tree:
 * $refs resolved to pointers, property names sorted for bsearch.  After
 * loading, a set is read-only and may be shared by any number of threads.
 *
 * Supported keywords (anything else fails the load, so typos are caught at
 * start-up): annotations $schema $id title description $comment default
 * javaType; definitions, $ref "#/definitions/Name"; type (one of object
 * array string integer number boolean); properties required
 * additionalProperties(boolean); items minItems maxItems; enum(strings)
 * minLength maxLength (Unicode code points) format("date-time" | "uri");
 * minimum maximum.  "integer" means a JSON number written without fraction
 * or exponent: 1.5, 2.0 and 1e2 are GW_ETYPE, the same rule as
 * gw_json_get_int64() so a payload that validates can always be read.
 */
#ifndef SCHEMA_H
#define SCHEMA_H
#include <stddef.h>

struct json_object;
struct schema;     /* one compiled file; lives as long as its set */
struct schema_set; /* one directory; from schema_set_load to schema_set_free */

/* The first violation schema_validate() found; lives on the caller's stack. */
struct schema_error {
	int code;          /* same as the return value: GW_ETYPE, GW_EOCCURRENCE, GW_ECONSTRAINT */
	char path[128];    /* field, "meterValue[0].sampledValue[1].value"; "" = the payload */
	char message[160]; /* short English: "expected integer", "required", "not allowed" */
};

/* Load and compile every *.json file in dir (not recursive); a schema's name
 * is its file name without ".json" ("BootNotificationRequest").  Files load
 * in name order.  On GW_OK *out is owned by the caller (schema_set_free).
 * On failure *out is NULL and err (if errlen > 0) holds one line naming the
 * file and the cause, e.g. "Foo.json: /properties/idTag: unknown keyword
 * 'maxLenght'".  Codes: GW_EIO (directory or file unreadable), GW_ECONFIG
 * (invalid JSON, unknown keyword, bad keyword value, dangling or cyclic
 * $ref, file over 1 MiB), GW_ENOMEM, GW_EINVAL (NULL dir or out).
 * An empty directory gives GW_OK with a set of 0 schemas. */
int schema_set_load(const char *dir, struct schema_set **out, char *err, size_t errlen);

/* Compile one schema from JSON text held in memory (tests, tools).  name is
 * used for schema_find() and error messages and is copied.  Same codes and
 * ownership as schema_set_load(); the set holds exactly one schema. */
int schema_set_load_mem(const char *name, const char *json, size_t len, struct schema_set **out,
			char *err, size_t errlen);

/* Free a set and every schema in it; NULL is a no-op.  Pointers obtained
 * with schema_find() die with it. */
void schema_set_free(struct schema_set *set);

/* Number of schemas in set (0 for NULL). */
int schema_set_count(const struct schema_set *set);

/* The schema called name ("StartTransactionRequest"), borrowed from set, or
 * NULL if there is none.  O(log n). */
const struct schema *schema_find(const struct schema_set *set, const char *name);

/* The name a schema was loaded under; borrowed, lives as long as the set. */
const char *schema_name(const struct schema *s);

/* Check payload (borrowed, not modified) against s.  Returns GW_OK, or the
 * code of the first violation found, which is also copied into *err when err
 * is not NULL: GW_ETYPE (wrong JSON type, including a payload that is not an
 * object where the schema wants one), GW_EOCCURRENCE (required property
 * missing, minItems/maxItems), GW_ECONSTRAINT (enum, lengths, minimum/
 * maximum, format, additional property not allowed).  Required properties
 * are checked before the values of present ones.  GW_EINVAL if s is NULL.
 * Allocates nothing; safe to call concurrently on a shared set. */
int schema_validate(const struct schema *s, struct json_object *payload, struct schema_error *err);

#endif
