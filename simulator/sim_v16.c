/* SPDX-License-Identifier: MIT
 *
 * sim_v16.c - OCPP 1.6-J as a pile speaks it: message builders (Boot,
 * Heartbeat, StatusNotification, Authorize, Start/StopTransaction,
 * MeterValues) and the answers to the server's CALLs (table at the end).
 * 1.6 transactionIds come from the server, so messages about a
 * transaction carry a local ref and get the id patched in just before they
 * leave (prepare) — which is what lets them queue offline before the
 * StartTransaction was even answered.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "sim_dispatch.h"
#include "sim_frame.h"
#include "sim_pile.h"

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static void v16_boot(struct sim_pile *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "chargePointVendor", jstr(p->vendor));
	json_object_object_add(o, "chargePointModel", jstr(p->model));
	json_object_object_add(o, "chargePointSerialNumber", jstr(p->identity));
	json_object_object_add(o, "firmwareVersion", jstr("ocppsim-1.0"));
	sim_pile_enqueue(p, "BootNotification", o, 0, -1, 0);
}

static void v16_heartbeat(struct sim_pile *p)
{
	sim_pile_enqueue(p, "Heartbeat", json_object_new_object(), 0, -1, 0);
}

static void v16_status(struct sim_pile *p, struct sim_connector *c, const char *trigger)
{
	struct json_object *o;

	(void)trigger; /* 1.6 has no trigger reasons: the status says it all */
	if (c->sent_status == (int)c->status)
		return;
	c->sent_status = (int)c->status;
	o = json_object_new_object();
	json_object_object_add(o, "connectorId", json_object_new_int(c->id));
	json_object_object_add(o, "errorCode", jstr(c->faulted ? c->error_code : "NoError"));
	json_object_object_add(o, "status", jstr(sim_status_name(c->status)));
	sim_json_add_time(o, "timestamp", sim_pile_now(p));
	sim_pile_enqueue(p, "StatusNotification", o, 0, -1, c->id);
}

static void v16_authorize(struct sim_pile *p, const char *id_tag)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "idTag", jstr(id_tag));
	sim_pile_enqueue(p, "Authorize", o, 0, -1, 0);
}

/* ---- meter values ----------------------------------------------------- */

static void add_sv(struct json_object *arr, const char *value, const char *context,
		   const char *measurand, const char *unit, const char *location)
{
	struct json_object *sv = json_object_new_object();

	json_object_object_add(sv, "value", jstr(value));
	json_object_object_add(sv, "context", jstr(context));
	json_object_object_add(sv, "format", jstr("Raw"));
	json_object_object_add(sv, "measurand", jstr(measurand));
	json_object_object_add(sv, "location", jstr(location));
	json_object_object_add(sv, "unit", jstr(unit));
	json_object_array_add(arr, sv);
}

/* One meterValue element with the configured measurands (energy always
 * for Transaction.Begin/End). */
static struct json_object *meter_value(struct sim_pile *p, struct sim_connector *c,
				       const char *context)
{
	struct json_object *mv = json_object_new_object(), *svs = json_object_new_array();
	const char *want = p->cfg.measurands;
	int edge = !strncmp(context, "Transaction.", 12);
	struct sim_meter_reading r;
	char v[32];

	sim_meter_read(&c->meter, &r);
	sim_json_add_time(mv, "timestamp", sim_pile_now(p));
	if (edge || strstr(want, "Energy.Active.Import.Register")) {
		snprintf(v, sizeof(v), c->meter.kwh ? "%.3f" : "%.0f", r.energy);
		add_sv(svs, v, context, "Energy.Active.Import.Register", r.energy_unit, "Outlet");
	}
	if (!edge && strstr(want, "Power.Active.Import")) {
		snprintf(v, sizeof(v), "%.1f", r.power_w);
		add_sv(svs, v, context, "Power.Active.Import", "W", "Outlet");
	}
	if (!edge && strstr(want, "Current.Import")) {
		snprintf(v, sizeof(v), "%.2f", r.current_a);
		add_sv(svs, v, context, "Current.Import", "A", "Outlet");
	}
	if (!edge && strstr(want, "SoC")) {
		snprintf(v, sizeof(v), "%.0f", r.soc_pct);
		add_sv(svs, v, context, "SoC", "Percent", "EV");
	}
	json_object_object_add(mv, "sampledValue", svs);
	return mv;
}

static void v16_meter(struct sim_pile *p, struct sim_connector *c, const char *context)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	int flags = 0;

	json_object_object_add(o, "connectorId", json_object_new_int(c->id));
	json_object_array_add(arr, meter_value(p, c, context));
	json_object_object_add(o, "meterValue", arr);
	/* 1.6 §3.7: periodic and clock-aligned values of a transaction queue offline */
	if (c->tx.active && strcmp(context, "Trigger"))
		flags = SIM_MSG_TX | SIM_MSG_PATCH_TXID;
	sim_pile_enqueue(p, "MeterValues", o, flags, flags ? c->tx.ref : -1, c->id);
}

/* ---- transactions ----------------------------------------------------- */

static void v16_tx_begin(struct sim_pile *p, struct sim_connector *c, const char *trigger)
{
	struct json_object *o = json_object_new_object();

	(void)trigger;
	json_object_object_add(o, "connectorId", json_object_new_int(c->id));
	json_object_object_add(o, "idTag", jstr(c->tx.id_tag));
	json_object_object_add(o, "meterStart", json_object_new_int64(sim_meter_register_int(&c->meter)));
	sim_json_add_time(o, "timestamp", c->tx.start_ms);
	json_object_deep_copy(o, &c->tx.start_payload, NULL);
	sim_pile_enqueue(p, "StartTransaction", o, SIM_MSG_TX, c->tx.ref, c->id);
	sim_pile_sample(p, c, "Transaction.Begin");
}

static void v16_tx_end(struct sim_pile *p, struct sim_connector *c, const char *reason,
		       const char *trigger)
{
	struct json_object *o = json_object_new_object(), *data = json_object_new_array();

	(void)trigger;
	json_object_object_add(o, "idTag", jstr(c->tx.id_tag));
	json_object_object_add(o, "meterStop", json_object_new_int64(sim_meter_register_int(&c->meter)));
	sim_json_add_time(o, "timestamp", sim_pile_now(p));
	json_object_object_add(o, "reason", jstr(reason));
	json_object_array_add(data, meter_value(p, c, "Transaction.End"));
	json_object_object_add(o, "transactionData", data);
	sim_pile_enqueue(p, "StopTransaction", o, SIM_MSG_TX | SIM_MSG_PATCH_TXID, c->tx.ref, c->id);
}

static void v16_prepare(struct sim_pile *p, struct sim_msg *m)
{
	if (!(m->flags & SIM_MSG_PATCH_TXID) || m->tx_ref < 0)
		return;
	json_object_object_add(m->payload, "transactionId",
			       json_object_new_int64(p->txid_map[m->tx_ref % 16]));
}

static void v16_on_result(struct sim_pile *p, struct sim_msg *m, struct json_object *payload)
{
	struct json_object *st = sim_json_path(payload, "idTagInfo.status");
	struct sim_connector *c;

	if (!strcmp(m->action, "BootNotification")) {
		sim_pile_boot_answer(p, payload);
		return;
	}
	if (strcmp(m->action, "StartTransaction") || m->tx_ref < 0)
		return;
	p->txid_map[m->tx_ref % 16] = sim_json_int(payload, "transactionId", 0);
	/* an invalid idTag ends the transaction (StopTransactionOnInvalidId) */
	c = sim_pile_connector_of_ref(p, m->tx_ref);
	if (c && st && strcmp(json_object_get_string(st), "Accepted"))
		sim_pile_stop_tx(p, c, "DeAuthorized", NULL);
}

/* ---- the server's CALLs ---------------------------------------------- */

static struct sim_connector *connector_of_txid(struct sim_pile *p, long id)
{
	for (int i = 0; i < p->nconn; i++)
		if (p->conn[i].tx.active && p->txid_map[p->conn[i].tx.ref % 16] == id)
			return &p->conn[i];
	return NULL;
}

static int h_remote_stop(struct sim_pile *p, struct json_object *req, const char *fixed,
			 struct json_object **resp)
{
	struct sim_connector *c = connector_of_txid(p, sim_json_int(req, "transactionId", -1));

	(void)fixed;
	if (sim_json_int(req, "transactionId", -1) < 0)
		return GW_EOCCURRENCE;
	*resp = sim_json_status(c ? "Accepted" : "Rejected");
	if (c && p->quirks.ignore_remote_stop)
		c->tx.stop_requested = 1;
	else if (c)
		sim_pile_stop_tx(p, c, "Remote", "RemoteStop");
	return GW_OK;
}

static int h_remote_start(struct sim_pile *p, struct json_object *req, const char *fixed,
			  struct json_object **resp)
{
	const char *tag = sim_json_str(req, "idTag");
	long want = sim_json_int(req, "connectorId", 0);
	struct sim_connector *c = NULL;

	(void)fixed;
	if (!tag)
		return GW_EOCCURRENCE;
	for (int i = 0; i < p->nconn && !c; i++)
		if ((!want || p->conn[i].id == want) && !p->conn[i].tx.active && !p->conn[i].faulted)
			c = &p->conn[i];
	*resp = sim_json_status(c ? "Accepted" : "Rejected");
	if (c)
		sim_pile_start_tx(p, c, tag, -1);
	return GW_OK;
}

static int h_trigger(struct sim_pile *p, struct json_object *req, const char *fixed,
		     struct json_object **resp)
{
	const char *what = sim_json_str(req, "requestedMessage");
	long cid = sim_json_int(req, "connectorId", 0);
	const char *st = "Accepted";

	(void)fixed;
	if (!what)
		return GW_EOCCURRENCE;
	if (!strcmp(what, "MeterValues") && p->quirks.meter_silence)
		st = "Rejected";
	else if (strcmp(what, "BootNotification") && strcmp(what, "Heartbeat") &&
		 strcmp(what, "StatusNotification") && strcmp(what, "MeterValues") &&
		 strcmp(what, "DiagnosticsStatusNotification") &&
		 strcmp(what, "FirmwareStatusNotification"))
		st = "NotImplemented";
	*resp = sim_json_status(st);
	if (strcmp(st, "Accepted"))
		return GW_OK;
	if (!strcmp(what, "BootNotification"))
		v16_boot(p);
	else if (!strcmp(what, "Heartbeat"))
		v16_heartbeat(p);
	else if (!strncmp(what, "Diagnostics", 11) || !strncmp(what, "Firmware", 8))
		sim_pile_enqueue(p, what, sim_json_status("Idle"), 0, -1, 0);
	else
		for (int i = 0; i < p->nconn; i++) {
			struct sim_connector *c = &p->conn[i];

			if (cid && c->id != cid)
				continue;
			if (!strcmp(what, "StatusNotification")) {
				c->sent_status = -1;
				v16_status(p, c, NULL);
			} else {
				sim_meter_advance(&c->meter, sim_pile_now(p));
				v16_meter(p, c, "Trigger");
			}
		}
	return GW_OK;
}

static int h_change_config(struct sim_pile *p, struct json_object *req, const char *fixed,
			   struct json_object **resp)
{
	const struct sim_cfg_row *r = sim_cfg_find_16(sim_json_str(req, "key"));
	enum sim_cfg_status st;

	(void)fixed;
	if (!sim_json_str(req, "key") || !sim_json_str(req, "value"))
		return GW_EOCCURRENCE;
	if (!r) {
		*resp = sim_json_status("NotSupported");
		return GW_OK;
	}
	st = sim_cfg_set(&p->cfg, r, sim_json_str(req, "value"));
	*resp = sim_json_status(st == SIM_CFG_ACCEPTED ? "Accepted" : "Rejected");
	if (st == SIM_CFG_ACCEPTED)
		sim_pile_config_changed(p);
	return GW_OK;
}

static void add_key(struct json_object *arr, const struct sim_pile_cfg *cfg,
		    const struct sim_cfg_row *r)
{
	struct json_object *k = json_object_new_object();
	char v[256];

	sim_cfg_get(cfg, r, v, sizeof(v));
	json_object_object_add(k, "key", jstr(sim_cfg_key16(r)));
	json_object_object_add(k, "readonly", json_object_new_boolean(sim_cfg_readonly(r)));
	json_object_object_add(k, "value", jstr(v));
	json_object_array_add(arr, k);
}

static int h_get_config(struct sim_pile *p, struct json_object *req, const char *fixed,
			struct json_object **resp)
{
	struct json_object *keys, *known = json_object_new_array(), *unknown = json_object_new_array();
	const struct sim_cfg_row *r;
	char v[8];

	(void)fixed;
	if (json_object_object_get_ex(req, "key", &keys) && json_object_is_type(keys, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(keys); i++) {
			const char *k = json_object_get_string(json_object_array_get_idx(keys, i));

			r = sim_cfg_find_16(k);
			if (r && !sim_cfg_get(&p->cfg, r, v, sizeof(v)))
				add_key(known, &p->cfg, r);
			else
				json_object_array_add(unknown, jstr(k ? k : ""));
		}
	} else {
		for (size_t i = 0; (r = sim_cfg_row_at(i)); i++)
			if (!sim_cfg_get(&p->cfg, r, v, sizeof(v)))
				add_key(known, &p->cfg, r);
	}
	*resp = json_object_new_object();
	json_object_object_add(*resp, "configurationKey", known);
	if (json_object_array_length(unknown))
		json_object_object_add(*resp, "unknownKey", unknown);
	else
		json_object_put(unknown);
	return GW_OK;
}

static int h_reset(struct sim_pile *p, struct json_object *req, const char *fixed,
		   struct json_object **resp)
{
	const char *type = sim_json_str(req, "type");

	(void)fixed;
	if (!type)
		return GW_EOCCURRENCE;
	*resp = sim_json_status("Accepted");
	sim_pile_reboot(p, !strcmp(type, "Soft") ? "SoftReset" : "HardReset");
	return GW_OK;
}

static int h_change_availability(struct sim_pile *p, struct json_object *req, const char *fixed,
				 struct json_object **resp)
{
	const char *type = sim_json_str(req, "type");
	long cid = sim_json_int(req, "connectorId", -1);
	int busy = 0;

	(void)fixed;
	if (!type || cid < 0)
		return GW_EOCCURRENCE;
	for (int i = 0; i < p->nconn; i++) {
		struct sim_connector *c = &p->conn[i];

		if (cid && c->id != cid)
			continue;
		if (c->tx.active) {
			busy = 1;
			continue;
		}
		c->status = !strcmp(type, "Inoperative") ? SIM_ST_UNAVAILABLE :
			    c->plugged ? SIM_ST_PREPARING : SIM_ST_AVAILABLE;
		v16_status(p, c, NULL);
	}
	*resp = sim_json_status(busy ? "Scheduled" : "Accepted");
	return GW_OK;
}

/* Sorted by action (bsearch). */
static const struct sim_action_row v16_actions[] = {
	{ "CancelReservation", sim_reply_fixed, "{\"status\":\"Rejected\"}" },
	{ "ChangeAvailability", h_change_availability, NULL },
	{ "ChangeConfiguration", h_change_config, NULL },
	{ "ClearCache", sim_reply_fixed, "{\"status\":\"Accepted\"}" },
	{ "ClearChargingProfile", sim_reply_fixed, "{\"status\":\"Unknown\"}" },
	{ "DataTransfer", sim_reply_data_transfer, NULL },
	{ "GetCompositeSchedule", sim_reply_fixed, "{\"status\":\"Rejected\"}" },
	{ "GetConfiguration", h_get_config, NULL },
	{ "GetDiagnostics", sim_reply_fixed, "{}" },
	{ "GetLocalListVersion", sim_reply_fixed, "{\"listVersion\":0}" },
	{ "RemoteStartTransaction", h_remote_start, NULL },
	{ "RemoteStopTransaction", h_remote_stop, NULL },
	{ "ReserveNow", sim_reply_fixed, "{\"status\":\"Rejected\"}" },
	{ "Reset", h_reset, NULL },
	{ "SendLocalList", sim_reply_fixed, "{\"status\":\"NotSupported\"}" },
	{ "SetChargingProfile", sim_reply_fixed, "{\"status\":\"NotSupported\"}" },
	{ "TriggerMessage", h_trigger, NULL },
	{ "UnlockConnector", sim_reply_fixed, "{\"status\":\"Unlocked\"}" },
	{ "UpdateFirmware", sim_reply_fixed, "{}" },
};

static char *v16_dispatch(struct sim_pile *p, const struct sim_frame *f)
{
	return sim_dispatch(p, v16_actions, sizeof(v16_actions) / sizeof(v16_actions[0]), f, 16);
}

const struct sim_proto sim_proto_v16 = {
	.subprotocol = "ocpp1.6",
	.version = 16,
	.boot = v16_boot,
	.heartbeat = v16_heartbeat,
	.status = v16_status,
	.authorize = v16_authorize,
	.tx_begin = v16_tx_begin,
	.meter = v16_meter,
	.tx_end = v16_tx_end,
	.start_action = "StartTransaction",
	.on_result = v16_on_result,
	.dispatch = v16_dispatch,
	.prepare = v16_prepare,
};
