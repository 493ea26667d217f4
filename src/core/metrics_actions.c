/* SPDX-License-Identifier: MIT
 *
 * metrics_actions.c - per-action frame and command counters for /metrics.
 *
 * One array per version, as long as that version's action table
 * (rpc/action.h), indexed by the row: counting is an array increment with
 * the row the dispatcher already found, never a string lookup.
 *
 * The CALLERRORs we answer with are also split by error code
 * (metrics_actions.h): a [row][code] matrix allocated in the same block,
 * right after the per-row stats, with one extra row for CALLs of no
 * known action; the code is found in the short list of codes either
 * version spells (rpc/rpc_error.c), only on the error path.
 */
#include <assert.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "core/conn.h"
#include "core/metrics_actions.h"
#include "rpc/action.h"

/* Every CALLERROR code of 1.6 (4.2.3) and 2.0.1 (4.3), both spellings of
 * the one that differs; "GenericError" also takes anything unexpected. */
static const char *const error_codes[] = {
	"FormationViolation", "FormatViolation", "GenericError", "InternalError",
	"MessageTypeNotSupported", "NotImplemented", "NotSupported",
	"OccurenceConstraintViolation", "OccurrenceConstraintViolation",
	"PropertyConstraintViolation", "ProtocolError", "RpcFrameworkError", "SecurityError",
	"TypeConstraintViolation",
};
#define N_CODES (sizeof(error_codes) / sizeof(error_codes[0]))
#define GENERIC_ERROR 2 /* index of "GenericError" */

static const struct action_table *table_of(enum ocpp_version v)
{
	return v == OCPP_201 ? &v201_actions : v == OCPP_16 ? &v16_actions : NULL;
}

int dispatch_metrics_new(struct dispatch *d)
{
	for (int v = OCPP_16; v <= OCPP_201; v++) {
		size_t rows = table_of((enum ocpp_version)v)->n_rows;

		/* sizeof(*d->acts[v]) is a multiple of 8: the uint64_t matrix
		 * that follows is aligned */
		d->acts[v] = gw_calloc(1, rows * sizeof(*d->acts[v]) +
					      (rows + 1) * N_CODES * sizeof(uint64_t));
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

/* The [row][code] matrix of version v, after its per-row stats. */
static uint64_t *errors_of(const struct dispatch *d, enum ocpp_version v, size_t *n_rows)
{
	const struct action_table *t = table_of(v);

	*n_rows = t && d->acts[v] ? t->n_rows : 0;
	return *n_rows ? (uint64_t *)(void *)(d->acts[v] + t->n_rows) : NULL;
}

void dispatch_count_error(struct dispatch *d, enum ocpp_version v, const struct action_row *row,
			  const char *code)
{
	const struct action_table *t = table_of(v);
	size_t n_rows, r, k = GENERIC_ERROR;
	uint64_t *m = errors_of(d, v, &n_rows);

	if (!m || !code)
		return;
	assert(!row || (row >= t->rows && row < t->rows + t->n_rows));
	r = row ? (size_t)(row - t->rows) : n_rows;
	for (size_t i = 0; i < N_CODES; i++)
		if (!strcmp(error_codes[i], code)) {
			k = i;
			break;
		}
	m[r * N_CODES + k]++;
}

const uint64_t *dispatch_error_stats(const struct dispatch *d, enum ocpp_version v, size_t *n_rows,
				     const char *const **codes, size_t *n_codes)
{
	uint64_t *m = errors_of(d, v, n_rows);

	*codes = error_codes;
	*n_codes = N_CODES;
	return m;
}
