/* SPDX-License-Identifier: MIT
 *
 * events.h - the domain's event sink (domain/events.h), made here because
 * it is where JSON, partners and protocol versions are allowed.
 */
#ifndef CORE_EVENTS_H
#define CORE_EVENTS_H

struct gw_env;
struct event_sink;

/* Fill sink so that domain events become order_events rows and partner
 * outbox rows, and domain command requests become commands of the pile's
 * version.  env is borrowed for the life of the sink. */
void events_sink_init(struct gw_env *env, struct event_sink *sink);

#endif
