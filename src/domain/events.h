/* SPDX-License-Identifier: MIT
 *
 * events.h - what the domain tells the world, and the one door it goes
 * through.
 *
 * Every order or refund-case change is an event (DESIGN.md "Events"):
 * append-only, with its time, its source and a payload.  The domain fills
 * a struct domain_event and calls sink->emit() inside the same store batch
 * as the change; the sink (core/events.c) writes the order_events row and
 * the outbox rows for partners in that batch, so the change, its history
 * and its webhooks commit together.  The domain never builds JSON: the
 * sink does.
 *
 * Commands the domain wants sent to a pile (a TriggerMessage after meter
 * silence, a running cost) are requests in neutral terms; the sink turns
 * them into the pile's version of the message.
 *
 * Lifetime: every pointer in these structs is borrowed for the emit call.
 */
#ifndef DOMAIN_EVENTS_H
#define DOMAIN_EVENTS_H
#include <stddef.h>
#include <stdint.h>

enum event_source {
	EVSRC_PILE = 0,  /* a pile frame: source_ref = the raw frame seq */
	EVSRC_OPERATOR,  /* source_ref = work-order number */
	EVSRC_DETECTOR,  /* source_ref = the rule */
	EVSRC_PARTNER,   /* source_ref = partner name */
	EVSRC_SYSTEM,    /* sweeps, timers */
};

enum event_type {
	EV_ORDER_STARTED = 0,
	EV_ORDER_STATE_CHANGED,
	EV_ORDER_REMOTE_STOP_REQUESTED,
	EV_ORDER_REMOTE_STOP_ACCEPTED,
	EV_ORDER_REMOTE_STOP_REJECTED,
	EV_ORDER_REMOTE_STOP_EFFECTIVE, /* an accepted stop was followed by the end message */
	EV_ORDER_ENDED,
	EV_ORDER_SETTLED,
	EV_ORDER_CANCELLED,
	EV_ANOMALY_DETECTED,
	EV_REFUND_CASE_OPENED,
	EV_REFUND_CASE_UPDATED,
	EV_REFUND_CASE_RESOLVED,
	EV_REFUND_CASE_SLA_WARNING,
	EV_REFUND_CASE_SLA_BREACHED,
	EV_CDR_CREDITED,            /* a refund granted: the credit CDR (OCPI) */
	EV_DISPUTE_ACKNOWLEDGED,    /* a partner's dispute.opened was taken (domain/dispute.c) */
	EV_DISPUTE_RESOLVED,        /* its case was decided, or its withdrawal closed the case */
	EV_TYPE_COUNT
};

/* "order.started", "refund_case.opened", ...; never NULL. */
const char *event_type_name(enum event_type t);

/* One name=value fact of an event's payload.  Values are text; numbers in
 * minor units / Wh / ms are written in decimal by the domain so the sink
 * can type them (is_number = 1 -> a JSON number; "true"/"false" -> a boolean). */
struct event_field {
	const char *name;
	const char *value;
	int is_number;
};

#define EVENT_FIELDS_MAX 24

struct domain_event {
	enum event_type type;
	enum event_source source;
	const char *source_ref;  /* frame seq, work order, rule, partner; "" if none */
	int64_t at_ms;           /* when it happened (pile time corrected, or ours) */
	int64_t order_id;        /* 0 if none */
	const char *order_number;
	int64_t case_id;         /* 0 if none */
	const char *pile;
	const char *id_token;    /* routes the webhook to the partner owning it */
	struct event_field fields[EVENT_FIELDS_MAX];
	size_t n_fields;
};

/* A command the domain wants sent; the sink maps it to the version. */
enum domain_cmd_kind {
	DCMD_TRIGGER_METER_VALUES = 0, /* METER_SILENCE: TriggerMessage(MeterValues) */
	DCMD_TRIGGER_TX_STATUS,        /* STOP_NOT_EFFECTIVE: 1.6 TriggerMessage(StatusNotification) /
	                                * 2.0.1 GetTransactionStatus */
	DCMD_COST_UPDATE,              /* running cost while charging: 2.0.1 CostUpdated
	                                * (cost_native), 1.6 DataTransfer (when configured) */
};

struct domain_cmd {
	enum domain_cmd_kind kind;
	const char *pile;
	int evse_id;
	int connector_id;
	int64_t tx_id;              /* ours (1.6 transactionId) */
	const char *pile_tx_id;     /* 2.0.1 transactionId */
	int64_t amount_minor;       /* DCMD_COST_UPDATE */
	int minor_exp;
	const char *currency;       /* DCMD_COST_UPDATE: ISO 4217 of the order's tariff */
	int cost_native;            /* DCMD_COST_UPDATE: the pile reports cost support
	                             * (2.0.1 TariffCostCtrlr.Enabled) */
};

struct event_sink {
	void *arg;
	/* Write the event (order_events row + outbox rows) in the current
	 * batch.  GW_OK or GW_ESTORE / GW_ENOMEM: the caller fails its frame. */
	int (*emit)(void *arg, const struct domain_event *ev);
	/* Queue a command to a pile; GW_ENOTFOUND when it is not connected
	 * here (the sweep tries again later). */
	int (*command)(void *arg, const struct domain_cmd *cmd);
};

#endif
