/* SPDX-License-Identifier: MIT
 *
 * schema_int.h - private to src/schema/: the compiled tree, the arena it
 * lives in, and the seams between load, compile and validate.
 *
 * Flow: schema_load.c reads files -> schema_compile.c builds nodes (with
 * schema_keyword.c deciding what each keyword means) -> schema_validate.c
 * walks nodes against a payload, with schema_format.c for strings.
 * Every node, string and array of a set lives in the set's arena and is
 * freed in one go; nothing points out of the arena into json-c.
 */
#ifndef SCHEMA_INT_H
#define SCHEMA_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"

struct json_object;

/* ---------------------------------------------------------------- nodes */

enum schema_kind {
	SK_ANY = 0, /* no "type": anything goes (DataTransfer.data) */
	SK_OBJECT,
	SK_ARRAY,
	SK_STRING,
	SK_INTEGER,
	SK_NUMBER,
	SK_BOOLEAN,
	SK_REF, /* a definition that is only a $ref: follow ->ref */
};

enum schema_format {
	SF_NONE = 0,
	SF_DATE_TIME, /* RFC 3339 via gw_time_parse() */
	SF_URI,       /* loose: scheme ":" then no whitespace */
};

#define SN_HAS_MINIMUM 0x01
#define SN_HAS_MAXIMUM 0x02
#define SN_NO_ADDITIONAL 0x04 /* additionalProperties: false */
#define SN_HAS_MAX_LEN 0x08
#define SN_HAS_MAX_ITEMS 0x10

struct schema_node;

/* One entry of "properties"; arrays of these are sorted by strcmp(name). */
struct schema_prop {
	const char *name;
	const struct schema_node *node;
};

/* One value of a string "enum". */
struct schema_enum {
	const char *value;
	uint32_t len; /* bytes */
};

/* One compiled (sub)schema.  Lives in the set's arena, read-only once the
 * set is loaded.  Fields not meaning anything for ->kind stay zero. */
struct schema_node {
	uint8_t kind;   /* enum schema_kind */
	uint8_t format; /* enum schema_format, SK_STRING only */
	uint8_t flags;  /* SN_* */
	uint32_t nprops, nrequired, nenum;
	const struct schema_node *ref;    /* SK_REF: the definition it names */
	const struct schema_prop *props;  /* SK_OBJECT: sorted, nprops */
	const char *const *required;      /* SK_OBJECT: in schema order, nrequired */
	const struct schema_node *items;  /* SK_ARRAY: NULL = any item */
	const struct schema_enum *enums;  /* SK_STRING: nenum values */
	uint32_t min_len, max_len;        /* SK_STRING: code points; max if SN_HAS_MAX_LEN */
	uint32_t min_items, max_items;    /* SK_ARRAY: max if SN_HAS_MAX_ITEMS */
	double minimum, maximum;          /* SK_INTEGER/NUMBER: if SN_HAS_MINIMUM/MAXIMUM */
};

/* One loaded file. */
struct schema {
	const char *name;               /* file name without ".json", in the arena */
	const struct schema_node *root; /* in the arena */
};

/* ---------------------------------------------------------------- arena */

struct schema_arena; /* a list of chunks; one per set */

/* Zeroed, max-aligned memory living until schema_arena_free; NULL on ENOMEM. */
void *schema_arena_alloc(struct schema_arena **a, size_t size);
/* NUL-terminated copy of len bytes of s; NULL on ENOMEM. */
char *schema_arena_strndup(struct schema_arena **a, const char *s, size_t len);
/* Free every chunk; NULL is a no-op. */
void schema_arena_free(struct schema_arena *a);

/* ------------------------------------------------------------- compiling */

/* One definition of the file being compiled. */
struct schema_def {
	const char *name;          /* borrowed from the json-c tree */
	struct schema_node *node;  /* in the arena, filled by compile */
};

/* Lives for the compilation of one file. */
struct schema_cc {
	struct schema_arena **arena;
	const char *file;  /* for messages, "BootNotificationRequest.json" */
	char *err;         /* caller's buffer, may be NULL */
	size_t errlen;
	struct schema_def *defs; /* sorted by name, ndefs */
	size_t ndefs;
	char ptr[192];     /* JSON pointer of the node being compiled */
	size_t ptr_len;
};

/* Compile the parsed document doc (borrowed) into *root, allocated in
 * cc->arena.  GW_OK, GW_ECONFIG with cc->err filled, GW_ENOMEM. */
int schema_compile(struct schema_cc *cc, struct json_object *doc, const struct schema_node **root);

/* Compile the subschema js (borrowed) found under keyword at cc->ptr into
 * *out: a new node, or the definition node a pure $ref names. */
int schema_compile_child(struct schema_cc *cc, struct json_object *js, const char *segment,
			 const struct schema_node **out);

/* Apply one keyword of the object being compiled to node.  GW_OK,
 * GW_ECONFIG (unknown, misplaced or ill-valued keyword), GW_ENOMEM.
 * node->kind is already set from "type". */
int schema_keyword_apply(struct schema_cc *cc, struct schema_node *node, const char *key,
			 struct json_object *val);

/* Post-checks once every keyword of node is in: min <= max, required names
 * are properties.  GW_OK or GW_ECONFIG. */
int schema_keyword_finish(struct schema_cc *cc, struct schema_node *node);

/* True for the keywords that carry no constraint ($schema, title, ...). */
bool schema_keyword_is_annotation(const char *key);

/* Append "/seg" to cc->ptr (cut if long); returns the mark to pop back to. */
size_t schema_cc_push(struct schema_cc *cc, const char *seg);
void schema_cc_pop(struct schema_cc *cc, size_t mark);

/* Write "file: pointer: message" to cc->err and return GW_ECONFIG. */
int schema_cc_fail(struct schema_cc *cc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------ validation */

/* Code points in len bytes of UTF-8 s (counts non-continuation bytes). */
size_t schema_utf8_count(const char *s, size_t len);
/* 0 if len bytes of s are a date-time / uri as schema.h describes, else -1. */
int schema_check_date_time(const char *s, size_t len);
int schema_check_uri(const char *s, size_t len);
/* Copy up to ~40 bytes of s into dst (size dstlen) for an error message:
 * control bytes and quotes become '?', a cut gets "...". */
void schema_quote_value(char *dst, size_t dstlen, const char *s, size_t len);

#endif
