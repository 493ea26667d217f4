/* SPDX-License-Identifier: MIT
 *
 * events.c - domain events out: history, outbox, and commands to piles.
 *
 * emit(): every domain event becomes one append-only order_events row
 * (payload as JSON) and, when the order belongs to a partner platform, one
 * outbox row per webhook event it implies, with the envelope of DESIGN.md
 * (event_id, event_type, occurred_at, data).  Both go into the batch the
 * domain is writing in, so the change, its history and its webhooks commit
 * together (the transactional outbox; delivery is hooks/).
 *
 * command(): a neutral request of the domain (trigger meter values, ask for
 * the transaction status, running cost) becomes the pile's own message,
 * chosen from a table by (kind, version).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "common/gw_money.h"
#include "common/gw_time.h"
#include "config.h"
#include "core/command.h"
#include "core/conn.h"
#include "core/env.h"
#include "core/events.h"
#include "domain/event_names.h"
#include "domain/events.h"
#include "store/store.h"

/* Domain event -> the webhook event partners receive (NULL: none).  Every
 * order event a driver would notice is a session.updated; the settlement
 * is the CDR. */
static const char *const webhook_of[EV_TYPE_COUNT] = {
	[EV_ORDER_STARTED] = "session.updated",
	[EV_ORDER_STATE_CHANGED] = "session.updated",
	[EV_ORDER_REMOTE_STOP_REQUESTED] = "session.updated",
	[EV_ORDER_REMOTE_STOP_ACCEPTED] = "session.updated",
	[EV_ORDER_REMOTE_STOP_REJECTED] = "session.updated",
	[EV_ORDER_REMOTE_STOP_EFFECTIVE] = "session.updated",
	[EV_ORDER_ENDED] = "session.updated",
	[EV_ORDER_SETTLED] = "cdr.created",
	[EV_ORDER_CANCELLED] = "session.updated",
	[EV_REFUND_CASE_OPENED] = "refund_case.opened",
	[EV_REFUND_CASE_UPDATED] = "refund_case.updated",
	[EV_REFUND_CASE_RESOLVED] = "refund_case.resolved",
	[EV_REFUND_CASE_SLA_BREACHED] = "refund_case.sla_breached",
	[EV_CDR_CREDITED] = "cdr.credited",
	[EV_DISPUTE_ACKNOWLEDGED] = "dispute.acknowledged",
	[EV_DISPUTE_RESOLVED] = "dispute.resolved",
};

/* The event's payload: identity of the order/case plus its fields. */
static struct json_object *payload_of(const struct domain_event *ev)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (ev->order_number && ev->order_number[0])
		json_object_object_add(o, "order_number", json_object_new_string(ev->order_number));
	if (ev->case_id)
		json_object_object_add(o, "case_id", json_object_new_int64(ev->case_id));
	if (ev->pile && ev->pile[0])
		json_object_object_add(o, "pile", json_object_new_string(ev->pile));
	for (size_t i = 0; i < ev->n_fields && i < EVENT_FIELDS_MAX; i++) {
		const struct event_field *f = &ev->fields[i];
		struct json_object *v;
		if (!f->name || !f->value)
			continue;
		if (f->is_number && (!strcmp(f->value, "true") || !strcmp(f->value, "false"))) {
			v = json_object_new_boolean(f->value[0] == 't'); /* e.g. a credit CDR's credit */
		} else if (f->is_number) {
			long long n;
			char *end;
			n = strtoll(f->value, &end, 10);
			v = *end ? json_object_new_string(f->value) : json_object_new_int64(n);
		} else {
			v = json_object_new_string(f->value);
		}
		json_object_object_add(o, f->name, v);
	}
	return o;
}

static const struct gw_partner *partner_of(struct gw_env *env, const struct domain_event *ev)
{
	struct token_row tok;
	const char *group = NULL;

	if (!env->cfg->n_partners || !ev->id_token || !ev->id_token[0])
		return NULL;
	if (store_token_get(env->store, ev->id_token, &tok) == GW_OK)
		group = tok.group_id;
	return config_partner_for_token(env->cfg, ev->id_token, group);
}

static int emit(void *arg, const struct domain_event *ev)
{
	struct gw_env *env = arg;
	const char *type = event_type_name(ev->type);
	const struct gw_partner *partner;
	struct json_object *data = payload_of(ev), *env_obj = NULL;
	char event_id[48], when[GW_TIME_STRLEN];
	int64_t seq = 0;
	int rc;

	if (!data)
		return GW_ENOMEM;
	rc = store_order_event_append(env->store, ev->order_id, ev->case_id, ev->at_ms,
				      event_source_name(ev->source),
				      ev->source_ref ? ev->source_ref : "", type,
				      json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN), &seq);
	if (rc != GW_OK)
		goto out;
	gw_log(GW_LOG_INFO, "order=%s event %s%s%s", ev->order_number ? ev->order_number : "-", type,
	       ev->case_id ? " case=" : "", ev->case_id ? "yes" : "");
	partner = partner_of(env, ev);
	if (!partner || (int)ev->type < 0 || (int)ev->type >= EV_TYPE_COUNT ||
	    !webhook_of[ev->type])
		goto out;
	/* the history row's seq makes a stable, unique event id: a retried
	 * delivery carries the same id, so partners can de-duplicate */
	snprintf(event_id, sizeof(event_id), "evt-%lld", (long long)seq);
	env_obj = json_object_new_object();
	json_object_object_add(env_obj, "event_id", json_object_new_string(event_id));
	json_object_object_add(env_obj, "event_type", json_object_new_string(webhook_of[ev->type]));
	json_object_object_add(env_obj, "occurred_at", json_object_new_string(gw_time_format(ev->at_ms, when)));
	json_object_object_add(env_obj, "data", json_object_get(data));
	rc = store_outbox_insert(env->store, partner->name, ev->order_id, event_id, webhook_of[ev->type],
				 ev->at_ms, json_object_to_json_string_ext(env_obj, JSON_C_TO_STRING_PLAIN),
				 NULL);
out:
	json_object_put(env_obj);
	json_object_put(data);
	return rc;
}

static struct json_object *evse_obj(int evse_id)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "id", json_object_new_int(evse_id));
	return e;
}

/* One row per (kind, version): the action, whether this pile gets it
 * (NULL: always) and how to fill its payload (NULL: out of memory). */
struct cmd_row {
	enum domain_cmd_kind kind;
	enum ocpp_version version;
	const char *action;
	int (*wanted)(const struct gw_config *cfg, const struct domain_cmd *c);
	struct json_object *(*build)(const struct gw_config *cfg, const struct domain_cmd *c);
};

static struct json_object *trigger16(const struct domain_cmd *c, const char *what)
{
	struct json_object *p = json_object_new_object();

	json_object_object_add(p, "requestedMessage", json_object_new_string(what));
	if (c->connector_id > 0)
		json_object_object_add(p, "connectorId", json_object_new_int(c->connector_id));
	return p;
}

static struct json_object *b16_meter(const struct gw_config *cfg, const struct domain_cmd *c)
{
	(void)cfg;
	return trigger16(c, "MeterValues");
}

static struct json_object *b16_status(const struct gw_config *cfg, const struct domain_cmd *c)
{
	(void)cfg;
	return trigger16(c, "StatusNotification");
}

/* 1.6 has no running-cost message; piles that accept it get a DataTransfer
 * of the configured vendor whose data (a string in 1.6: 5.6, 6.17) is JSON text:
 * {"transactionId":N,"totalCost":"12.34","currency":"EUR"}. */
static int w16_cost(const struct gw_config *cfg, const struct domain_cmd *c)
{
	(void)c;
	return cfg->cost_datatransfer_vendor[0] != 0;
}

static struct json_object *b16_cost(const struct gw_config *cfg, const struct domain_cmd *c)
{
	struct json_object *p = json_object_new_object(), *data = json_object_new_object();
	char total[GW_MONEY_STRLEN];

	if (!p || !data) {
		json_object_put(p);
		json_object_put(data);
		return NULL;
	}
	gw_money_text(c->amount_minor, c->minor_exp, total, sizeof(total));
	json_object_object_add(data, "transactionId", json_object_new_int64(c->tx_id));
	json_object_object_add(data, "totalCost", json_object_new_string(total));
	json_object_object_add(data, "currency", json_object_new_string(c->currency ? c->currency : ""));
	json_object_object_add(p, "vendorId", json_object_new_string(cfg->cost_datatransfer_vendor));
	json_object_object_add(p, "messageId", json_object_new_string("RunningCost"));
	json_object_object_add(p, "data",
			       json_object_new_string(json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN)));
	json_object_put(data);
	return p;
}

static struct json_object *b201_meter(const struct gw_config *cfg, const struct domain_cmd *c)
{
	(void)cfg;
	struct json_object *p = json_object_new_object();

	json_object_object_add(p, "requestedMessage", json_object_new_string("MeterValues"));
	if (c->evse_id > 0)
		json_object_object_add(p, "evse", evse_obj(c->evse_id));
	return p;
}

static struct json_object *b201_tx_status(const struct gw_config *cfg, const struct domain_cmd *c)
{
	(void)cfg;
	struct json_object *p = json_object_new_object();

	if (c->pile_tx_id && c->pile_tx_id[0])
		json_object_object_add(p, "transactionId", json_object_new_string(c->pile_tx_id));
	return p;
}

/* I02/I03: only a station whose TariffCostCtrlr is enabled. */
static int w201_cost(const struct gw_config *cfg, const struct domain_cmd *c)
{
	(void)cfg;
	return c->cost_native;
}

static struct json_object *b201_cost(const struct gw_config *cfg, const struct domain_cmd *c)
{
	(void)cfg;
	struct json_object *p = json_object_new_object();

	json_object_object_add(p, "totalCost", gw_money_json(c->amount_minor, c->minor_exp));
	json_object_object_add(p, "transactionId", json_object_new_string(c->pile_tx_id ? c->pile_tx_id : ""));
	return p;
}

static const struct cmd_row cmd_rows[] = {
	{ DCMD_TRIGGER_METER_VALUES, OCPP_16, "TriggerMessage", NULL, b16_meter },
	{ DCMD_TRIGGER_METER_VALUES, OCPP_201, "TriggerMessage", NULL, b201_meter },
	{ DCMD_TRIGGER_TX_STATUS, OCPP_16, "TriggerMessage", NULL, b16_status },
	{ DCMD_TRIGGER_TX_STATUS, OCPP_201, "GetTransactionStatus", NULL, b201_tx_status },
	{ DCMD_COST_UPDATE, OCPP_16, "DataTransfer", w16_cost, b16_cost },
	{ DCMD_COST_UPDATE, OCPP_201, "CostUpdated", w201_cost, b201_cost },
};

static int command(void *arg, const struct domain_cmd *cmd)
{
	struct gw_env *env = arg;
	struct pile_conn *c = dispatch_conn_find(env->dispatch, cmd->pile);
	struct json_object *payload;
	int rc;

	if (!c)
		return GW_ENOTFOUND;
	for (size_t i = 0; i < sizeof(cmd_rows) / sizeof(cmd_rows[0]); i++) {
		const struct cmd_row *r = &cmd_rows[i];
		if (r->kind != cmd->kind || r->version != c->version)
			continue;
		if (r->wanted && !r->wanted(env->cfg, cmd))
			return GW_ENOTSUPP;
		payload = r->build(env->cfg, cmd);
		if (!payload)
			return GW_ENOMEM;
		rc = gw_command_send(env, cmd->pile, r->action, payload, 0, NULL, NULL);
		json_object_put(payload);
		return rc;
	}
	return GW_ENOTSUPP;
}

void events_sink_init(struct gw_env *env, struct event_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->arg = env;
	sink->emit = emit;
	sink->command = command;
}
