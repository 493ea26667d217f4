/* SPDX-License-Identifier: MIT
 *
 * metrics_actions.c - per-action frame and command counters for /metrics.
 *
 * One array per version, as long as that version's action table
 * (rpc/action.h), indexed by the row: counting is an array increment with
 * the row the dispatcher already found, never a string lookup.
 */
#include <assert.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "core/conn.h"
#include "rpc/action.h"

static const struct action_table *table_of(enum ocpp_version v)
{
	return v == OCPP_201 ? &v201_actions : v == OCPP_16 ? &v16_actions : NULL;
}

int dispatch_metrics_new(struct dispatch *d)
{
	for (int v = OCPP_16; v <= OCPP_201; v++) {
		d->acts[v] = gw_calloc(table_of((enum ocpp_version)v)->n_rows, sizeof(*d->acts[v]));
		if (!d->acts[v]) {
			dispatch_metrics_free(d);
			return GW_ENOMEM;
		}
	}
	return GW_OK;
}

void dispatch_metrics_free(struct dispatch *d)
{
	for (int v = 0; v < OCPP_VERSIONS; v++) {
		gw_free(d->acts[v]);
		d->acts[v] = NULL;
	}
}

void dispatch_count_in(struct dispatch *d, enum ocpp_version v, const struct action_row *row,
		       enum dispatch_in_result r)
{
	const struct action_table *t = table_of(v);

	if (!t || !row) {
		if (!row && r == DISPATCH_IN_ERROR)
			d->stats.calls_unknown++;
		return;
	}
	assert(row >= t->rows && row < t->rows + t->n_rows);
	if (d->acts[v])
		d->acts[v][row - t->rows].in[r]++;
}

void dispatch_count_cmd(struct dispatch *d, enum ocpp_version v, size_t row,
			enum dispatch_cmd_outcome o)
{
	const struct action_table *t = table_of(v);

	if (t && d->acts[v] && row < t->n_rows)
		d->acts[v][row].cmd[o]++;
}

const struct dispatch_action_stats *dispatch_action_stats(const struct dispatch *d,
							 enum ocpp_version v, size_t *n_rows)
{
	const struct action_table *t = table_of(v);

	*n_rows = t && d->acts[v] ? t->n_rows : 0;
	return *n_rows ? d->acts[v] : NULL;
}
