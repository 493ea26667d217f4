/* SPDX-License-Identifier: MIT
 *
 * metrics_actions.h - the CALLERRORs we send, counted by version, action
 * and error code for /metrics (metrics_actions.c; the per-action frame
 * and command counters are in dispatch.h / conn.h).
 *
 * Loop thread only, like every dispatch counter.
 */
#ifndef CORE_METRICS_ACTIONS_H
#define CORE_METRICS_ACTIONS_H
#include <stddef.h>
#include <stdint.h>

#include "common/gw_ocpp.h"

struct dispatch;
struct action_row;

/* One CALLERROR frame we send in answer to a pile CALL of row (NULL: an
 * action no table knows, or a frame that did not parse) with code, as
 * rpc_error_code_frame() spells it.  A code outside the OCPP lists counts
 * as GenericError; NULL (nothing sent: 1.6 ignores it) counts nothing. */
void dispatch_count_error(struct dispatch *d, enum ocpp_version v, const struct action_row *row,
			  const char *code);

/* Read-only view of version v: a matrix of (*n_rows + 1) rows by *n_codes
 * columns, m[row * *n_codes + code]; row i is the action table's row i,
 * row *n_rows the unknown actions; (*codes)[k] names column k.  Valid
 * until dispatch_free.  NULL (and *n_rows = 0) for an unknown version. */
const uint64_t *dispatch_error_stats(const struct dispatch *d, enum ocpp_version v, size_t *n_rows,
				     const char *const **codes, size_t *n_codes);

#endif
