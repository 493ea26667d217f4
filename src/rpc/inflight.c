/* SPDX-License-Identifier: MIT
 *
 * inflight.c - the CALL ids a pile sent that we have not answered yet.
 *
 * The dispatcher adds an id when a CALL arrives and removes it once the
 * reply is queued (which, for transaction messages, is after the group
 * commit).  A second CALL with an id still in the set is a duplicate
 * (PROTOCOL.md §1.2 "unique id already being handled").  Bounded: a pile
 * that floods CALLs without waiting for replies gets GW_EBUSY.  A pile
 * normally has 0 or 1 id in flight, so slot 0 is inline (no heap for an
 * idle pile), the rest live in an array made on the second id and freed
 * when the set is back to one, and a linear scan is the right size.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "rpc/rpc.h"

#define MORE_FIRST 3 /* first size of `more`: 4 ids in flight without regrowing */

int rpc_inflight_init(struct rpc_inflight *s, size_t max)
{
	memset(s, 0, sizeof(*s));
	if (!max)
		max = RPC_INFLIGHT_DEFAULT;
	s->max = (uint16_t)(max > UINT16_MAX ? UINT16_MAX : max);
	return GW_OK;
}

void rpc_inflight_cleanup(struct rpc_inflight *s)
{
	if (!s)
		return;
	GW_FREE(s->more);
	s->more_cap = 0;
	s->count = 0;
	s->max = 0;
}

static char *slot(struct rpc_inflight *s, size_t i)
{
	return i ? s->more[i - 1] : s->one;
}

static size_t find(struct rpc_inflight *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		if (strcmp(slot(s, i), id) == 0)
			return i;
	return s->count;
}

/* Room for slot s->count.  GW_OK or GW_ENOMEM (nothing changed). */
static int reserve(struct rpc_inflight *s)
{
	size_t want = s->count; /* slots needed in `more` after the add */
	size_t ncap;
	void *nb;

	if (!s->count || want <= s->more_cap)
		return GW_OK;
	ncap = s->more_cap ? 2u * s->more_cap : MORE_FIRST;
	if (ncap > (size_t)s->max - 1)
		ncap = (size_t)s->max - 1;
	nb = gw_realloc(s->more, ncap * sizeof(*s->more));
	if (!nb)
		return GW_ENOMEM;
	s->more = nb;
	s->more_cap = (uint16_t)ncap;
	return GW_OK;
}

int rpc_inflight_add(struct rpc_inflight *s, const char *id)
{
	size_t len = id ? strlen(id) : 0;
	int rc;

	if (len < 1 || len > RPC_ID_MAX)
		return GW_EINVAL;
	if (find(s, id) < s->count)
		return GW_EDUP;
	if (s->count >= s->max)
		return GW_EBUSY;
	rc = reserve(s);
	if (rc)
		return rc;
	memcpy(slot(s, s->count), id, len + 1);
	s->count++;
	return GW_OK;
}

int rpc_inflight_remove(struct rpc_inflight *s, const char *id)
{
	size_t i = id ? find(s, id) : s->count;

	if (i >= s->count)
		return GW_ENOTFOUND;
	/* order does not matter: move the last slot into the hole */
	s->count--;
	if (i != s->count)
		memcpy(slot(s, i), slot(s, s->count), RPC_ID_MAX + 1);
	if (s->count <= 1 && s->more) {
		/* back to the usual 0 or 1: give the array back */
		GW_FREE(s->more);
		s->more_cap = 0;
	}
	return GW_OK;
}
