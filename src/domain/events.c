/* SPDX-License-Identifier: MIT
 *
 * events.c - names of the event vocabulary (events.h) and the small
 * helpers the order files use to fill a struct domain_event and hand it to
 * the sink.  The domain never builds JSON: an event is a list of
 * name = value facts, numbers written in decimal and marked as numbers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "domain/event_names.h"
#include "domain/order.h"

static const char *const type_names[EV_TYPE_COUNT] = {
	[EV_ORDER_STARTED] = "order.started",
	[EV_ORDER_STATE_CHANGED] = "order.state_changed",
	[EV_ORDER_REMOTE_STOP_REQUESTED] = "order.remote_stop_requested",
	[EV_ORDER_REMOTE_STOP_ACCEPTED] = "order.remote_stop_accepted",
	[EV_ORDER_REMOTE_STOP_REJECTED] = "order.remote_stop_rejected",
	[EV_ORDER_REMOTE_STOP_EFFECTIVE] = "order.remote_stop_effective",
	[EV_ORDER_ENDED] = "order.ended",
	[EV_ORDER_SETTLED] = "order.settled",
	[EV_ORDER_CANCELLED] = "order.cancelled",
	[EV_ANOMALY_DETECTED] = "anomaly.detected",
	[EV_REFUND_CASE_OPENED] = "refund_case.opened",
	[EV_REFUND_CASE_UPDATED] = "refund_case.updated",
	[EV_REFUND_CASE_RESOLVED] = "refund_case.resolved",
	[EV_REFUND_CASE_SLA_WARNING] = "refund_case.sla_warning",
	[EV_REFUND_CASE_SLA_BREACHED] = "refund_case.sla_breached",
	[EV_CDR_CREDITED] = "cdr.credited",
	[EV_DISPUTE_ACKNOWLEDGED] = "dispute.acknowledged",
	[EV_DISPUTE_RESOLVED] = "dispute.resolved",
};

const char *event_type_name(enum event_type t)
{
	return (unsigned)t < EV_TYPE_COUNT && type_names[t] ? type_names[t] : "unknown";
}

const char *event_source_name(enum event_source s)
{
	switch (s) {
	case EVSRC_PILE: return "pile";
	case EVSRC_OPERATOR: return "operator";
	case EVSRC_DETECTOR: return "detector";
	case EVSRC_PARTNER: return "partner";
	case EVSRC_SYSTEM: return "system";
	}
	return "system";
}

void event_begin(struct event_buf *b, enum event_type t, enum event_source src, int64_t at_ms,
		 const struct order_row *o)
{
	memset(b, 0, sizeof(*b));
	b->ev.type = t;
	b->ev.source = src;
	b->ev.source_ref = "";
	b->ev.at_ms = at_ms;
	b->ev.order_number = "";
	b->ev.pile = "";
	b->ev.id_token = "";
	if (o) {
		b->ev.order_id = o->id;
		b->ev.order_number = o->number;
		b->ev.pile = o->pile;
		b->ev.id_token = o->id_token;
	}
}

void event_ref(struct event_buf *b, const char *ref)
{
	b->ev.source_ref = ref ? ref : "";
}

void event_ref_i64(struct event_buf *b, int64_t ref)
{
	snprintf(b->ref, sizeof(b->ref), "%" PRId64, ref);
	b->ev.source_ref = b->ref;
}

static void add(struct event_buf *b, const char *name, const char *value, int is_number)
{
	struct event_field *f;

	if (b->ev.n_fields >= EVENT_FIELDS_MAX)
		return;
	f = &b->ev.fields[b->ev.n_fields++];
	f->name = name;
	f->value = value ? value : "";
	f->is_number = is_number;
}

void event_str(struct event_buf *b, const char *name, const char *value)
{
	add(b, name, value, 0);
}

void event_i64(struct event_buf *b, const char *name, int64_t value)
{
	char *slot;

	if (b->ev.n_fields >= EVENT_FIELDS_MAX)
		return;
	slot = b->num[b->ev.n_fields];
	snprintf(slot, sizeof(b->num[0]), "%" PRId64, value);
	add(b, name, slot, 1);
}

int domain_emit(struct domain *d, struct event_buf *b)
{
	if (!d->sink || !d->sink->emit)
		return GW_OK;
	return d->sink->emit(d->sink->arg, &b->ev);
}

int domain_command(struct domain *d, const struct domain_cmd *cmd)
{
	if (!d->sink || !d->sink->command)
		return GW_ENOTFOUND;
	return d->sink->command(d->sink->arg, cmd);
}
