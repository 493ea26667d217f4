/* SPDX-License-Identifier: MIT
 *
 * schema_arena.c - bump allocator for one schema set.  A set's nodes are
 * written once at load and freed together, so a chunk list keeps them close
 * in memory (fewer cache misses while validating) and makes
 * schema_set_free() one loop.  Allocations go through gw_malloc so the
 * failure-injection tests reach every load error path.
 */
#include <stdalign.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "schema/schema_int.h"

#define CHUNK_MIN 16384 /* bytes; a typical OCPP 2.0.1 file needs 4-20 KiB */

struct schema_arena {
	struct schema_arena *next; /* older chunk */
	size_t used, cap;          /* bytes of data[] */
	alignas(max_align_t) unsigned char data[];
};

void *schema_arena_alloc(struct schema_arena **a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct schema_arena *c = *a;
	size_t need = (size + align - 1) & ~(align - 1);
	void *p;

	if (need < size)
		return NULL; /* overflow */
	if (!c || c->cap - c->used < need) {
		size_t cap = need > CHUNK_MIN ? need : CHUNK_MIN;
		c = gw_malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = *a;
		c->used = 0;
		c->cap = cap;
		*a = c;
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

char *schema_arena_strndup(struct schema_arena **a, const char *s, size_t len)
{
	char *p = schema_arena_alloc(a, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void schema_arena_free(struct schema_arena *a)
{
	while (a) {
		struct schema_arena *next = a->next;
		gw_free(a);
		a = next;
	}
}
