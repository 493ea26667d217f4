/* SPDX-License-Identifier: MIT
 *
 * domain.c - domain_new/free and the entry points that only record what a
 * pile says: heartbeat, reports we keep but do not judge, device model.
 *
 * Every entry point runs inside the caller's batch (domain.h); nothing here
 * commits, and nothing is cached in memory that the store does not hold
 * (DESIGN.md "Scale": several nodes may share one store).
 */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/domain_int.h"

int domain_new(struct store *st, const struct gw_config *cfg, struct domain **out)
{
	struct domain *d;

	if (!st || !cfg || !out)
		return GW_EINVAL;
	d = gw_calloc(1, sizeof(*d));
	if (!d)
		return GW_ENOMEM;
	d->st = st;
	d->cfg = cfg;
	*out = d;
	return GW_OK;
}

void domain_set_sink(struct domain *d, const struct event_sink *sink)
{
	if (d)
		d->sink = sink;
}

void domain_free(struct domain *d)
{
	gw_free(d);
}

int domain_heartbeat(struct domain *d, const struct domain_src *src)
{
	return store_pile_touch(d->st, src->identity, 0, src->recv_ms);
}

int domain_pile_report(struct domain *d, const struct domain_src *src,
		       const struct pile_report *rep)
{
	return store_report_insert(d->st, src->identity, rep, src->recv_ms, src->frame_seq);
}

int domain_device_vars(struct domain *d, const struct domain_src *src,
		       const struct device_var *vars, size_t n)
{
	int rc = GW_OK;

	for (size_t i = 0; i < n && rc == GW_OK; i++)
		rc = store_device_var_upsert(d->st, src->identity, &vars[i], src->recv_ms,
					     src->frame_seq);
	return rc;
}
