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
#include <stdint.h>

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
};
void dispatch_stats_get(const struct dispatch *d, struct dispatch_stats *out);

#endif
