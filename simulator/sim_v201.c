/* SPDX-License-Identifier: MIT
 *
 * sim_v201.c - OCPP 2.0.1 as a station speaks it.  Transactions are
 * TransactionEvent Started/Updated/Ended with a station-chosen
 * transactionId, seqNo from 0, a triggerReason and chargingState
 * (2.0.1 block E); connector status is the coarse ConnectorStatus
 * (Available/Occupied/Reserved/Unavailable/Faulted).  Events queued while
 * offline carry offline=true.  The server's CALLs are answered from the
 * table at the end.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "sim_dispatch.h"
#include "sim_frame.h"
#include "sim_pile.h"

enum cs201 { CS_AVAILABLE, CS_OCCUPIED, CS_RESERVED, CS_UNAVAILABLE, CS_FAULTED };
static const char *const cs_names[] = { "Available", "Occupied", "Reserved", "Unavailable",
					"Faulted" };

enum chg201 { CHG_CHARGING, CHG_EV_CONNECTED, CHG_SUSPENDED_EV, CHG_SUSPENDED_EVSE, CHG_IDLE };
static const char *const chg_names[] = { "Charging", "EVConnected", "SuspendedEV",
					 "SuspendedEVSE", "Idle" };

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static enum cs201 connector_status(const struct sim_connector *c)
{
	if (c->faulted || c->status == SIM_ST_FAULTED)
		return CS_FAULTED;
	if (c->status == SIM_ST_UNAVAILABLE)
		return CS_UNAVAILABLE;
	if (c->plugged)
		return CS_OCCUPIED;
	return c->status == SIM_ST_RESERVED ? CS_RESERVED : CS_AVAILABLE;
}

static enum chg201 charging_state(const struct sim_connector *c)
{
	switch (c->status) {
	case SIM_ST_CHARGING:
		return CHG_CHARGING;
	case SIM_ST_SUSPENDED_EV:
		return CHG_SUSPENDED_EV;
	case SIM_ST_SUSPENDED_EVSE:
	case SIM_ST_FAULTED:
		return c->plugged ? CHG_SUSPENDED_EVSE : CHG_IDLE;
	default:
		return c->plugged ? CHG_EV_CONNECTED : CHG_IDLE;
	}
}

static struct json_object *evse(const struct sim_connector *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int(c->id));
	json_object_object_add(o, "connectorId", json_object_new_int(1));
	return o;
}

static struct json_object *id_token(const char *tag)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "idToken", jstr(tag));
	json_object_object_add(o, "type", jstr("ISO14443"));
	return o;
}

static void v201_boot(struct sim_pile *p)
{
	struct json_object *o = json_object_new_object(), *cs = json_object_new_object();

	json_object_object_add(cs, "model", jstr(p->model));
	json_object_object_add(cs, "vendorName", jstr(p->vendor));
	json_object_object_add(cs, "serialNumber", jstr(p->identity));
	json_object_object_add(cs, "firmwareVersion", jstr("ocppsim-1.0"));
	json_object_object_add(o, "chargingStation", cs);
	json_object_object_add(o, "reason", jstr("PowerUp"));
	sim_pile_enqueue(p, "BootNotification", o, 0, -1, 0);
}

static void v201_heartbeat(struct sim_pile *p)
{
	sim_pile_enqueue(p, "Heartbeat", json_object_new_object(), 0, -1, 0);
}

static void v201_authorize(struct sim_pile *p, const char *tag)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "idToken", id_token(tag));
	sim_pile_enqueue(p, "Authorize", o, 0, -1, 0);
}

/* ---- meter values ----------------------------------------------------- */

static void add_sv(struct json_object *arr, double value, const char *context,
		   const char *measurand, const char *unit, const char *location)
{
	struct json_object *sv = json_object_new_object(), *u = json_object_new_object();

	json_object_object_add(sv, "value", json_object_new_double(value));
	json_object_object_add(sv, "context", jstr(context));
	json_object_object_add(sv, "measurand", jstr(measurand));
	json_object_object_add(sv, "location", jstr(location));
	json_object_object_add(u, "unit", jstr(unit));
	json_object_object_add(sv, "unitOfMeasure", u);
	json_object_array_add(arr, sv);
}

static double round_to(double v, double step)
{
	return (double)(long long)(v / step + (v >= 0 ? 0.5 : -0.5)) * step;
}

/* [ {timestamp, sampledValue:[...]} ] with the configured measurands. */
static struct json_object *meter_values(struct sim_pile *p, struct sim_connector *c,
					const char *context)
{
	struct json_object *arr = json_object_new_array(), *mv = json_object_new_object();
	struct json_object *svs = json_object_new_array();
	const char *want = p->cfg.measurands;
	int edge = !strncmp(context, "Transaction.", 12);
	struct sim_meter_reading r;

	sim_meter_read(&c->meter, &r);
	sim_json_add_time(mv, "timestamp", sim_pile_now(p));
	if (edge || strstr(want, "Energy.Active.Import.Register"))
		add_sv(svs, round_to(r.energy, c->meter.kwh ? 0.001 : 1), context,
		       "Energy.Active.Import.Register", r.energy_unit, "Outlet");
	if (!edge && strstr(want, "Power.Active.Import"))
		add_sv(svs, round_to(r.power_w, 0.1), context, "Power.Active.Import", "W", "Outlet");
	if (!edge && strstr(want, "Current.Import"))
		add_sv(svs, round_to(r.current_a, 0.01), context, "Current.Import", "A", "Outlet");
	if (!edge && strstr(want, "SoC"))
		add_sv(svs, round_to(r.soc_pct, 1), context, "SoC", "Percent", "EV");
	json_object_object_add(mv, "sampledValue", svs);
	json_object_array_add(arr, mv);
	return arr;
}

/* ---- TransactionEvent ------------------------------------------------- */

/* Queue one TransactionEvent for c.  meter_ctx adds a meterValue. */
static void tx_event(struct sim_pile *p, struct sim_connector *c, const char *type,
		     const char *trigger, const char *meter_ctx, const char *stopped)
{
	struct json_object *o = json_object_new_object(), *info = json_object_new_object();
	enum chg201 chg = charging_state(c);

	json_object_object_add(o, "eventType", jstr(type));
	sim_json_add_time(o, "timestamp", sim_pile_now(p));
	json_object_object_add(o, "triggerReason", jstr(trigger));
	json_object_object_add(o, "seqNo", json_object_new_int(c->tx.seq_no++));
	if (!p->connected)
		json_object_object_add(o, "offline", json_object_new_boolean(1));
	json_object_object_add(info, "transactionId", jstr(c->tx.id));
	json_object_object_add(info, "chargingState", jstr(chg_names[chg]));
	if (stopped)
		json_object_object_add(info, "stoppedReason", jstr(stopped));
	if (c->tx.remote_start_id >= 0 && !strcmp(type, "Started"))
		json_object_object_add(info, "remoteStartId", json_object_new_int(c->tx.remote_start_id));
	json_object_object_add(o, "transactionInfo", info);
	if (strcmp(type, "Updated"))
		json_object_object_add(o, "idToken", id_token(c->tx.id_tag));
	json_object_object_add(o, "evse", evse(c));
	if (meter_ctx)
		json_object_object_add(o, "meterValue", meter_values(p, c, meter_ctx));
	c->sent_charging = (int)chg;
	if (!strcmp(type, "Started"))
		json_object_deep_copy(o, &c->tx.start_payload, NULL);
	sim_pile_enqueue(p, "TransactionEvent", o, SIM_MSG_TX, c->tx.ref, c->id);
}

static void v201_status(struct sim_pile *p, struct sim_connector *c, const char *trigger)
{
	enum cs201 cs = connector_status(c);
	struct json_object *o;

	if (c->sent_status != (int)cs) {
		c->sent_status = (int)cs;
		o = json_object_new_object();
		sim_json_add_time(o, "timestamp", sim_pile_now(p));
		json_object_object_add(o, "connectorStatus", jstr(cs_names[cs]));
		json_object_object_add(o, "evseId", json_object_new_int(c->id));
		json_object_object_add(o, "connectorId", json_object_new_int(1));
		sim_pile_enqueue(p, "StatusNotification", o, 0, -1, c->id);
	}
	if (c->tx.active && (trigger || c->sent_charging != (int)charging_state(c)))
		tx_event(p, c, "Updated", trigger ? trigger : "ChargingStateChanged", NULL, NULL);
}

static void v201_tx_begin(struct sim_pile *p, struct sim_connector *c, const char *trigger)
{
	tx_event(p, c, "Started", trigger, p->quirks.meter_silence ? NULL : "Transaction.Begin", NULL);
}

static void v201_meter(struct sim_pile *p, struct sim_connector *c, const char *context)
{
	struct json_object *o;
	const char *trigger = !strcmp(context, "Sample.Clock") ? "MeterValueClock" :
			      !strcmp(context, "Trigger") ? "Trigger" : "MeterValuePeriodic";

	if (c->tx.active) {
		tx_event(p, c, "Updated", trigger, context, NULL);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "evseId", json_object_new_int(c->id));
	json_object_object_add(o, "meterValue", meter_values(p, c, context));
	sim_pile_enqueue(p, "MeterValues", o, 0, -1, c->id);
}

/* 1.6-style reason names the scenarios use -> 2.0.1 ReasonEnumType. */
static const char *stopped_reason(const char *reason)
{
	static const char *const map[][2] = {
		{ "HardReset", "ImmediateReset" }, { "SoftReset", "ImmediateReset" },
		{ "UnlockCommand", "Other" },      { "Reboot", "Reboot" },
		{ "EmergencyStop", "EmergencyStop" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], reason))
			return map[i][1];
	return reason;
}

static const char *stop_trigger(const char *reason)
{
	static const char *const map[][2] = {
		{ "Local", "StopAuthorized" },     { "Remote", "RemoteStop" },
		{ "EVDisconnected", "EVCommunicationLost" }, { "DeAuthorized", "Deauthorized" },
		{ "EnergyLimitReached", "EnergyLimitReached" }, { "GroundFault", "AbnormalCondition" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], reason))
			return map[i][1];
	return "AbnormalCondition";
}

static void v201_tx_end(struct sim_pile *p, struct sim_connector *c, const char *reason,
			const char *trigger)
{
	tx_event(p, c, "Ended", trigger ? trigger : stop_trigger(reason),
		 p->quirks.meter_silence ? NULL : "Transaction.End", stopped_reason(reason));
}

static void v201_on_result(struct sim_pile *p, struct sim_msg *m, struct json_object *payload)
{
	struct json_object *st = sim_json_path(payload, "idTokenInfo.status");
	struct sim_connector *c;

	if (!strcmp(m->action, "BootNotification")) {
		sim_pile_boot_answer(p, payload);
		return;
	}
	if (strcmp(m->action, "TransactionEvent") || m->tx_ref < 0 || !st)
		return;
	c = sim_pile_connector_of_ref(p, m->tx_ref);
	if (c && strcmp(json_object_get_string(st), "Accepted"))
		sim_pile_stop_tx(p, c, "DeAuthorized", "Deauthorized");
}

/* ---- the server's CALLs ---------------------------------------------- */

static struct sim_connector *connector_of_txid(struct sim_pile *p, const char *id)
{
	for (int i = 0; id && i < p->nconn; i++)
		if (p->conn[i].tx.active && !strcmp(p->conn[i].tx.id, id))
			return &p->conn[i];
	return NULL;
}

static int h_request_stop(struct sim_pile *p, struct json_object *req, const char *fixed,
			  struct json_object **resp)
{
	const char *id = sim_json_str(req, "transactionId");
	struct sim_connector *c = connector_of_txid(p, id);

	(void)fixed;
	if (!id)
		return GW_EOCCURRENCE;
	*resp = sim_json_status(c ? "Accepted" : "Rejected");
	if (c && p->quirks.ignore_remote_stop)
		c->tx.stop_requested = 1;
	else if (c)
		sim_pile_stop_tx(p, c, "Remote", "RemoteStop");
	return GW_OK;
}

static int h_request_start(struct sim_pile *p, struct json_object *req, const char *fixed,
			   struct json_object **resp)
{
	struct json_object *tok = sim_json_path(req, "idToken.idToken");
	long want = sim_json_int(req, "evseId", 0), rsid = sim_json_int(req, "remoteStartId", -1);
	struct sim_connector *c = NULL;

	(void)fixed;
	if (!tok || rsid < 0)
		return GW_EOCCURRENCE;
	for (int i = 0; i < p->nconn && !c; i++)
		if ((!want || p->conn[i].id == want) && !p->conn[i].tx.active && !p->conn[i].faulted)
			c = &p->conn[i];
	*resp = sim_json_status(c ? "Accepted" : "Rejected");
	if (c && sim_pile_start_tx(p, c, json_object_get_string(tok), (int)rsid) == GW_OK)
		json_object_object_add(*resp, "transactionId", jstr(c->tx.id));
	return GW_OK;
}

static int h_trigger(struct sim_pile *p, struct json_object *req, const char *fixed,
		     struct json_object **resp)
{
	const char *what = sim_json_str(req, "requestedMessage");
	long eid = (long)json_object_get_int64(sim_json_path(req, "evse.id"));
	static const char *const known[] = { "BootNotification", "Heartbeat", "StatusNotification",
					     "MeterValues", "TransactionEvent" };
	const char *st = "NotImplemented";

	(void)fixed;
	if (!what)
		return GW_EOCCURRENCE;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i], what))
			st = "Accepted";
	if (!strcmp(what, "MeterValues") && p->quirks.meter_silence)
		st = "Rejected";
	*resp = sim_json_status(st);
	if (strcmp(st, "Accepted"))
		return GW_OK;
	if (!strcmp(what, "BootNotification"))
		v201_boot(p);
	else if (!strcmp(what, "Heartbeat"))
		v201_heartbeat(p);
	else
		for (int i = 0; i < p->nconn; i++) {
			struct sim_connector *c = &p->conn[i];

			if (eid && c->id != eid)
				continue;
			sim_meter_advance(&c->meter, sim_pile_now(p));
			if (!strcmp(what, "StatusNotification")) {
				c->sent_status = -1;
				v201_status(p, c, NULL);
			} else if (!strcmp(what, "MeterValues")) {
				v201_meter(p, c, "Trigger");
			} else if (c->tx.active) {
				tx_event(p, c, "Updated", "Trigger", NULL, NULL);
			}
		}
	return GW_OK;
}

/* component.name / variable.name of one *VariableData element. */
static void names(struct json_object *d, const char **comp, const char **var)
{
	struct json_object *c = sim_json_path(d, "component.name"), *v = sim_json_path(d, "variable.name");

	*comp = json_object_is_type(c, json_type_string) ? json_object_get_string(c) : NULL;
	*var = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static struct json_object *result_row(struct json_object *d, const char *status)
{
	struct json_object *r = json_object_new_object(), *c = NULL, *v = NULL;

	json_object_object_add(r, "attributeStatus", jstr(status));
	json_object_object_get_ex(d, "component", &c);
	json_object_object_get_ex(d, "variable", &v);
	json_object_object_add(r, "component", c ? json_object_get(c) : json_object_new_object());
	json_object_object_add(r, "variable", v ? json_object_get(v) : json_object_new_object());
	return r;
}

static const char *const cfg_status_201[] = {
	[SIM_CFG_ACCEPTED] = "Accepted", [SIM_CFG_REJECTED] = "Rejected",
	[SIM_CFG_UNKNOWN] = "UnknownVariable", [SIM_CFG_UNKNOWN_COMPONENT] = "UnknownComponent",
};

static int h_set_variables(struct sim_pile *p, struct json_object *req, const char *fixed,
			   struct json_object **resp)
{
	struct json_object *list, *out;
	int changed = 0;

	(void)fixed;
	if (!json_object_object_get_ex(req, "setVariableData", &list) ||
	    !json_object_is_type(list, json_type_array))
		return GW_EOCCURRENCE;
	out = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *d = json_object_array_get_idx(list, i);
		enum sim_cfg_status st = SIM_CFG_UNKNOWN;
		const struct sim_cfg_row *r;
		const char *comp, *var;

		names(d, &comp, &var);
		r = sim_cfg_find_201(comp, var, &st);
		if (r)
			st = sim_cfg_set(&p->cfg, r, sim_json_str(d, "attributeValue"));
		changed |= st == SIM_CFG_ACCEPTED;
		json_object_array_add(out, result_row(d, cfg_status_201[st]));
	}
	*resp = json_object_new_object();
	json_object_object_add(*resp, "setVariableResult", out);
	if (changed)
		sim_pile_config_changed(p);
	return GW_OK;
}

static int h_get_variables(struct sim_pile *p, struct json_object *req, const char *fixed,
			   struct json_object **resp)
{
	struct json_object *list, *out;

	(void)fixed;
	if (!json_object_object_get_ex(req, "getVariableData", &list) ||
	    !json_object_is_type(list, json_type_array))
		return GW_EOCCURRENCE;
	out = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *d = json_object_array_get_idx(list, i), *row;
		enum sim_cfg_status st = SIM_CFG_UNKNOWN;
		const struct sim_cfg_row *r;
		const char *comp, *var;
		char v[256];

		names(d, &comp, &var);
		r = sim_cfg_find_201(comp, var, &st);
		if (r && sim_cfg_get(&p->cfg, r, v, sizeof(v)))
			r = NULL, st = SIM_CFG_REJECTED; /* write-only */
		row = result_row(d, r ? "Accepted" : cfg_status_201[st]);
		if (r)
			json_object_object_add(row, "attributeValue", jstr(v));
		json_object_array_add(out, row);
	}
	*resp = json_object_new_object();
	json_object_object_add(*resp, "getVariableResult", out);
	return GW_OK;
}

static int h_reset(struct sim_pile *p, struct json_object *req, const char *fixed,
		   struct json_object **resp)
{
	(void)fixed;
	if (!sim_json_str(req, "type"))
		return GW_EOCCURRENCE;
	*resp = sim_json_status("Accepted");
	sim_pile_reboot(p, "ImmediateReset");
	return GW_OK;
}

static int h_tx_status(struct sim_pile *p, struct json_object *req, const char *fixed,
		       struct json_object **resp)
{
	const char *id = sim_json_str(req, "transactionId");

	(void)fixed;
	*resp = json_object_new_object();
	if (id)
		json_object_object_add(*resp, "ongoingIndicator",
				       json_object_new_boolean(connector_of_txid(p, id) != NULL));
	json_object_object_add(*resp, "messagesInQueue",
			       json_object_new_boolean(sim_queue_count(&p->calls, SIM_MSG_TX) > 0));
	return GW_OK;
}

/* Sorted by action (bsearch). */
static const struct sim_action_row v201_actions[] = {
	{ "CancelReservation", sim_reply_fixed, "{\"status\":\"Rejected\"}" },
	{ "ChangeAvailability", sim_reply_fixed, "{\"status\":\"Accepted\"}" },
	{ "ClearCache", sim_reply_fixed, "{\"status\":\"Accepted\"}" },
	{ "ClearChargingProfile", sim_reply_fixed, "{\"status\":\"Unknown\"}" },
	{ "CostUpdated", sim_reply_fixed, "{}" },
	{ "DataTransfer", sim_reply_data_transfer, NULL },
	{ "GetBaseReport", sim_reply_fixed, "{\"status\":\"NotSupported\"}" },
	{ "GetCompositeSchedule", sim_reply_fixed, "{\"status\":\"Rejected\"}" },
	{ "GetLocalListVersion", sim_reply_fixed, "{\"versionNumber\":0}" },
	{ "GetTransactionStatus", h_tx_status, NULL },
	{ "GetVariables", h_get_variables, NULL },
	{ "RequestStartTransaction", h_request_start, NULL },
	{ "RequestStopTransaction", h_request_stop, NULL },
	{ "ReserveNow", sim_reply_fixed, "{\"status\":\"Rejected\"}" },
	{ "Reset", h_reset, NULL },
	{ "SendLocalList", sim_reply_fixed, "{\"status\":\"Failed\"}" },
	{ "SetChargingProfile", sim_reply_fixed, "{\"status\":\"Rejected\"}" },
	{ "SetVariables", h_set_variables, NULL },
	{ "TriggerMessage", h_trigger, NULL },
	{ "UnlockConnector", sim_reply_fixed, "{\"status\":\"Unlocked\"}" },
};

static char *v201_dispatch(struct sim_pile *p, const struct sim_frame *f)
{
	return sim_dispatch(p, v201_actions, sizeof(v201_actions) / sizeof(v201_actions[0]), f, 201);
}

const struct sim_proto sim_proto_v201 = {
	.subprotocol = "ocpp2.0.1",
	.version = 201,
	.boot = v201_boot,
	.heartbeat = v201_heartbeat,
	.status = v201_status,
	.authorize = v201_authorize,
	.tx_begin = v201_tx_begin,
	.meter = v201_meter,
	.tx_end = v201_tx_end,
	.start_action = "TransactionEvent",
	.on_result = v201_on_result,
	.dispatch = v201_dispatch,
	.prepare = NULL,
};
