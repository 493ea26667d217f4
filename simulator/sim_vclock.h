/* SPDX-License-Identifier: MIT
 *
 * sim_vclock.h - a pile's clock and what is due on it.  Pile time = virt0
 * + real elapsed x scale + offset.  With scale > 1 a scenario's hour
 * passes in a minute: waits are shortened (sim_vclock_real_ms) while pile
 * timestamps advance by the full virtual time.  virt0 is set in the past
 * (back-dating) so the pile never stamps the future unless a scenario asks
 * for a clock offset.
 *
 * Events are instants.  Whatever runs inside sim_vclock_enter/_leave (a
 * scenario step, a received frame, a sampler tick) sees one pile time, so
 * all the messages it queues carry the same stamp however long the CPU
 * takes to build them (at 60x one real millisecond is 60 pile ms).
 * Virtual timers (struct sim_vtimer: meter samplers, a scenario's wait)
 * are due at a pile instant and fire in the order of those instants, each
 * with the clock held at its own instant, before any event of a later
 * instant runs: a late process catches up in pile-time order instead of
 * letting libev's order of expired timers decide.  Pile time never goes
 * backwards while events run.
 */
#ifndef SIM_VCLOCK_H
#define SIM_VCLOCK_H
#include <stdint.h>

#include <ev.h>

struct sim_vtimer;
typedef void sim_vtimer_fn(struct sim_vtimer *t);

/* Embedded in its owner (pile sampler, scenario runner); armed on one
 * clock at a time. */
struct sim_vtimer {
	struct sim_vtimer *next; /* in the clock's agenda, by due_ms */
	int64_t due_ms;          /* pile time without offset_ms */
	sim_vtimer_fn *fire;     /* runs with the clock held at due_ms */
	void *data;
	int armed;
};

/* Embedded in its pile. */
struct sim_vclock {
	int64_t real0_ms;  /* gw_clock_mono_ms() when started */
	int64_t virt0_ms;  /* pile wall time (ms since epoch) at real0 */
	double scale;      /* virtual ms per real ms, > 0 */
	int64_t offset_ms; /* scenario clock offset (CLOCK_SKEW) */
	int depth;         /* events in progress (sim_vclock_enter), >= 0 */
	int64_t held_ms;   /* the instant of the events in progress, offset excluded;
			      never decreases */
	struct sim_vtimer *agenda; /* armed timers, earliest first, ties in arming order */
	struct ev_loop *loop;      /* NULL: no timers (unit tests) */
	ev_timer wake;             /* real-time alarm for the agenda's head */
};

/* Bind to a loop so virtual timers can fire; the clock must be zeroed or
 * fresh.  Call once, before sim_vclock_start. */
void sim_vclock_init(struct sim_vclock *c, struct ev_loop *loop);
/* Start now: pile time begins at wall now - backdate_ms.  Keeps the
 * agenda and the loop. */
void sim_vclock_start(struct sim_vclock *c, double scale, int64_t backdate_ms);
/* Stop the alarm and forget every armed timer. */
void sim_vclock_stop(struct sim_vclock *c);
int64_t sim_vclock_now(const struct sim_vclock *c);   /* pile time, ms since epoch */
int64_t sim_vclock_real_ms(const struct sim_vclock *c, int64_t virt_ms); /* virtual span -> real span */

/* One event begins: unless one is already in progress, first fire every
 * timer due up to the present pile time, then hold the clock at it.
 * Nests; each enter needs its leave.  Holding across callbacks (a runner
 * that kicks its next step from a zero timer) is allowed: pile time then
 * stands still, and no timer fires, until the matching leave. */
void sim_vclock_enter(struct sim_vclock *c);
void sim_vclock_leave(struct sim_vclock *c);

void sim_vtimer_init(struct sim_vtimer *t, sim_vtimer_fn *fire, void *data);
/* Arm t (re-arming moves it) to fire virt_ms of pile time after the
 * present instant (the held one inside an event). */
void sim_vclock_after(struct sim_vclock *c, struct sim_vtimer *t, int64_t virt_ms);
/* Arm t at pile instant at_ms (offset included, as sim_vclock_now gives);
 * an instant already past fires at the next event. */
void sim_vclock_at(struct sim_vclock *c, struct sim_vtimer *t, int64_t at_ms);
void sim_vclock_cancel(struct sim_vclock *c, struct sim_vtimer *t);

#endif
