/* SPDX-License-Identifier: MIT
 * sim_vclock.c - scaled pile time over gw_clock (so tests can fake it),
 * events as instants, and the agenda of virtual timers (sim_vclock.h). */
#include <stddef.h>

#include "common/gw_clock.h"
#include "sim_vclock.h"

/* Pile time now by the real clock, offset excluded. */
static int64_t live_ms(const struct sim_vclock *c)
{
	double el = (double)(gw_clock_mono_ms() - c->real0_ms) * c->scale;

	return c->virt0_ms + (int64_t)el;
}

/* The present instant, offset excluded. */
static int64_t present_ms(const struct sim_vclock *c)
{
	return c->depth ? c->held_ms : live_ms(c);
}

static void wake_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sim_vclock *c = w->data;

	(void)loop;
	(void)revents;
	sim_vclock_enter(c); /* fires what is due */
	sim_vclock_leave(c);
}

void sim_vclock_init(struct sim_vclock *c, struct ev_loop *loop)
{
	c->agenda = NULL;
	c->loop = loop;
	ev_timer_init(&c->wake, wake_cb, 1, 0);
	c->wake.data = c;
}

void sim_vclock_start(struct sim_vclock *c, double scale, int64_t backdate_ms)
{
	c->real0_ms = gw_clock_mono_ms();
	c->virt0_ms = gw_clock_now_ms() - backdate_ms;
	c->scale = scale > 0 ? scale : 1.0;
	c->offset_ms = 0;
	c->depth = 0;
	c->held_ms = c->virt0_ms;
}

int64_t sim_vclock_now(const struct sim_vclock *c)
{
	return present_ms(c) + c->offset_ms;
}

int64_t sim_vclock_real_ms(const struct sim_vclock *c, int64_t virt_ms)
{
	if (virt_ms <= 0)
		return 0;
	return (int64_t)((double)virt_ms / c->scale + 0.5);
}

/* Set the alarm for the agenda's head; it only ever runs between events. */
static void rearm(struct sim_vclock *c)
{
	int64_t wait_ms;

	if (!c->loop)
		return;
	ev_timer_stop(c->loop, &c->wake);
	if (!c->agenda || c->depth)
		return;
	wait_ms = sim_vclock_real_ms(c, c->agenda->due_ms - live_ms(c));
	/* +1 ms: libev may wake a hair early, and an early wake finds nothing due */
	ev_timer_set(&c->wake, (double)(wait_ms + 1) / 1000.0, 0);
	ev_timer_start(c->loop, &c->wake);
}

/* Fire, in order, each timer due at or before upto_ms, while this is the
 * only event in progress (a timer that holds the clock on, like a runner
 * kicking its next step, stops the catch-up at its instant). */
static void fire_due(struct sim_vclock *c, int64_t upto_ms)
{
	struct sim_vtimer *t;

	while (c->depth == 1 && (t = c->agenda) && t->due_ms <= upto_ms) {
		c->agenda = t->next;
		t->next = NULL;
		t->armed = 0;
		if (t->due_ms > c->held_ms)
			c->held_ms = t->due_ms;
		t->fire(t);
	}
}

void sim_vclock_enter(struct sim_vclock *c)
{
	int64_t now;

	if (c->depth++)
		return;
	now = live_ms(c);
	fire_due(c, now);
	if (c->depth == 1 && now > c->held_ms)
		c->held_ms = now;
}

void sim_vclock_leave(struct sim_vclock *c)
{
	if (c->depth > 0 && --c->depth == 0)
		rearm(c);
}

void sim_vtimer_init(struct sim_vtimer *t, sim_vtimer_fn *fire, void *data)
{
	t->next = NULL;
	t->due_ms = 0;
	t->fire = fire;
	t->data = data;
	t->armed = 0;
}

void sim_vclock_cancel(struct sim_vclock *c, struct sim_vtimer *t)
{
	struct sim_vtimer **pp;

	if (!t->armed)
		return;
	for (pp = &c->agenda; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->next = NULL;
	t->armed = 0;
	rearm(c);
}

static void insert(struct sim_vclock *c, struct sim_vtimer *t, int64_t due_ms)
{
	struct sim_vtimer **pp = &c->agenda;

	sim_vclock_cancel(c, t);
	while (*pp && (*pp)->due_ms <= due_ms)
		pp = &(*pp)->next;
	t->due_ms = due_ms;
	t->next = *pp;
	*pp = t;
	t->armed = 1;
	rearm(c);
}

void sim_vclock_after(struct sim_vclock *c, struct sim_vtimer *t, int64_t virt_ms)
{
	insert(c, t, present_ms(c) + (virt_ms > 0 ? virt_ms : 0));
}

void sim_vclock_at(struct sim_vclock *c, struct sim_vtimer *t, int64_t at_ms)
{
	insert(c, t, at_ms - c->offset_ms);
}

void sim_vclock_stop(struct sim_vclock *c)
{
	while (c->agenda)
		sim_vclock_cancel(c, c->agenda);
	if (c->loop)
		ev_timer_stop(c->loop, &c->wake);
}
