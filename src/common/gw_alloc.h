/* SPDX-License-Identifier: MIT
 *
 * gw_alloc.h - thin allocation wrappers.  Tests can make the Nth allocation
 * fail (gw_alloc_fail_after) to sweep error paths, as curl's torture mode.
 * gw_free(NULL) is a no-op.  GW_FREE(p) frees and sets p to NULL.
 */
#ifndef GW_ALLOC_H
#define GW_ALLOC_H
#include <stddef.h>

void *gw_malloc(size_t size);
void *gw_calloc(size_t nmemb, size_t size);
void *gw_realloc(void *ptr, size_t size);
char *gw_strdup(const char *s);
char *gw_strndup(const char *s, size_t n);
void gw_free(void *ptr);

#define GW_FREE(p)            \
	do {                  \
		gw_free(p);   \
		(p) = NULL;   \
	} while (0)

/* Make allocation number n (1-based, counted from this call) and every later
 * one fail; n <= 0 turns failure injection off.  Test-only. */
void gw_alloc_fail_after(long n);
/* Allocations attempted since the last gw_alloc_fail_after() call. */
long gw_alloc_count(void);

#endif
