/* SPDX-License-Identifier: MIT
 *
 * event_names.h - the words of events.h's enums, as stored and sent:
 * event_source_name() gives the order_events.source column word
 * ("pile", "operator", "detector", "partner", "system") the store expects
 * from the event sink.  event_type_name() is declared in events.h; both
 * live in domain/events.c.
 */
#ifndef DOMAIN_EVENT_NAMES_H
#define DOMAIN_EVENT_NAMES_H

#include "domain/events.h"

/* "pile", "operator", "detector", "partner", "system"; "system" when out
 * of range; never NULL. */
const char *event_source_name(enum event_source s);

#endif
