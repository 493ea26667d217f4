/* SPDX-License-Identifier: MIT
 *
 * dispatch.h - the dispatcher: where transport, rpc, schema, the handler
 * tables and the store meet (DESIGN.md "How data flows").
 *
 * For every whole message the transport hands up:
 *   parse (rpc) -> raw frame appended (store) -> CALL: duplicate id? action
 *   row? boot state? schema-valid? -> handler (v16 / v201 table) inside a
 *   savepoint -> reply built and parked on the connection.
 * Once per loop turn (before_sleep) the batch commits and only then are the
 * parked replies, and after them the next server CALL of each pile, written
 * (group commit: STYLE.md 4, Redis beforeSleep).
 *
 * Lifetime: one per process, from dispatch_new to dispatch_free; one
 * struct pile_conn per live session, freed in on_close.
 */
#ifndef CORE_DISPATCH_H
#define CORE_DISPATCH_H
#include <stddef.h>
#include <stdint.h>

#include "common/gw_ocpp.h"

struct gw_env;
struct dispatch;
struct transport_hooks;

/* env is borrowed (must outlive the dispatcher); env->store, ->domain,
 * ->schemas_* and ->cfg must be set.  GW_OK or GW_ENOMEM. */
int dispatch_new(struct gw_env *env, struct dispatch **out);

/* Fill the transport hooks that route into this dispatcher. */
void dispatch_hooks(struct dispatch *d, struct transport_hooks *h);

/* Once a second (transport timer): expire server CALLs that timed out. */
void dispatch_tick(void *d);

/* Every cfg->sweep_interval_s (transport timer): the domain's sweep
 * (silence, stops not effective, running cost, SLA timers). */
void dispatch_sweep(void *d);

/* Frees what is left; sessions must already be closed.  NULL ok. */
void dispatch_free(struct dispatch *d);

/* Counters for /metrics and the closing report. */
struct dispatch_stats {
	uint64_t frames_in, frames_out;
	uint64_t calls_ok, calls_error; /* pile CALLs answered with a result / an error */
	uint64_t commits_failed;
	uint64_t outbound_invalid;      /* our own payloads that failed their schema */
	uint64_t frames_malformed;      /* inbound frames that did not parse (answered or dropped) */
	uint64_t calls_unknown;         /* pile CALLs of an action in no table row (NotImplemented) */
	uint64_t frames_quiet;          /* accepted Heartbeats: answered, not in the frame log */
};
void dispatch_stats_get(const struct dispatch *d, struct dispatch_stats *out);

/* Per-action counters, one per row of a version's action table
 * (rpc/action.h: row i counts v16_actions.rows[i] / v201_actions.rows[i]). */
enum dispatch_in_result {
	DISPATCH_IN_OK,    /* answered with a CALLRESULT */
	DISPATCH_IN_ERROR, /* answered with a CALLERROR (or left unanswered on a 1.6 quirk) */
	DISPATCH_IN_RESULTS,
};
enum dispatch_cmd_outcome {
	DISPATCH_CMD_ACCEPTED, /* CALLRESULT with a positive status (command.c outcome_of) */
	DISPATCH_CMD_REJECTED, /* CALLRESULT with a negative status */
	DISPATCH_CMD_ERROR,    /* CALLERROR, or an answer that broke its schema */
	DISPATCH_CMD_TIMEOUT,
	DISPATCH_CMD_CLOSED,   /* the pile went away before answering */
	DISPATCH_CMD_OUTCOMES,
};
struct dispatch_action_stats {
	uint64_t in[DISPATCH_IN_RESULTS];   /* pile CALLs of this action, by our answer */
	uint64_t cmd[DISPATCH_CMD_OUTCOMES]; /* our commands of this action, by outcome */
};

/* Read-only view of version v's counters: *n_rows entries, valid until
 * dispatch_free.  NULL (and *n_rows = 0) for an unknown version. */
const struct dispatch_action_stats *dispatch_action_stats(const struct dispatch *d,
							 enum ocpp_version v, size_t *n_rows);

#endif
