/* SPDX-License-Identifier: MIT
 *
 * inflight.c - the CALL ids a pile sent that we have not answered yet.
 *
 * The dispatcher adds an id when a CALL arrives and removes it once the
 * reply is queued (which, for transaction messages, is after the group
 * commit).  A second CALL with an id still in the set is a duplicate
 * (PROTOCOL.md §1.2 "unique id already being handled").  Bounded: a pile
 * that floods CALLs without waiting for replies gets GW_EBUSY.  A pile
 * normally has 0 or 1 id in flight, so a linear scan is the right size.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "rpc/rpc.h"

int rpc_inflight_init(struct rpc_inflight *s, size_t max)
{
	s->count = 0;
	s->max = max ? max : RPC_INFLIGHT_DEFAULT;
	s->ids = gw_calloc(s->max, sizeof(*s->ids));
	if (!s->ids) {
		s->max = 0;
		return GW_ENOMEM;
	}
	return GW_OK;
}

void rpc_inflight_cleanup(struct rpc_inflight *s)
{
	if (!s)
		return;
	GW_FREE(s->ids);
	s->count = 0;
	s->max = 0;
}

static size_t find(const struct rpc_inflight *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		if (strcmp(s->ids[i], id) == 0)
			return i;
	return s->count;
}

int rpc_inflight_add(struct rpc_inflight *s, const char *id)
{
	size_t len = id ? strlen(id) : 0;

	if (len < 1 || len > RPC_ID_MAX)
		return GW_EINVAL;
	if (find(s, id) < s->count)
		return GW_EDUP;
	if (s->count >= s->max)
		return GW_EBUSY;
	memcpy(s->ids[s->count++], id, len + 1);
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
		memcpy(s->ids[i], s->ids[s->count], sizeof(s->ids[i]));
	return GW_OK;
}
