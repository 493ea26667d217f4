/* SPDX-License-Identifier: MIT
 * gw_alloc.c - malloc wrappers with failure injection for tests. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"

/* Atomic: the webhook thread allocates too (hooks/deliver.c). */
static _Atomic long fail_at;  /* 0 = never fail */
static _Atomic long attempts; /* counted since the last gw_alloc_fail_after() */

static int should_fail(void)
{
	long n = atomic_fetch_add(&attempts, 1) + 1, at = atomic_load(&fail_at);

	return at > 0 && n >= at;
}

void *gw_malloc(size_t size)
{
	return should_fail() ? NULL : malloc(size ? size : 1);
}

void *gw_calloc(size_t nmemb, size_t size)
{
	return should_fail() ? NULL : calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *gw_realloc(void *ptr, size_t size)
{
	return should_fail() ? NULL : realloc(ptr, size ? size : 1);
}

char *gw_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = gw_malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *gw_strdup(const char *s)
{
	return gw_strndup(s, strlen(s));
}

void gw_free(void *ptr)
{
	free(ptr);
}

void gw_alloc_fail_after(long n)
{
	atomic_store(&fail_at, n > 0 ? n : 0);
	atomic_store(&attempts, 0);
}

long gw_alloc_count(void)
{
	return atomic_load(&attempts);
}
