/* SPDX-License-Identifier: MIT
 *
 * sim_pile_ev.c - what a charge point does when the driver or the server
 * acts: plug, unplug, start, stop, charge/stall/suspend, fault.  Each
 * change first updates the meter (so energy is integrated up to the
 * instant), then the state, then lets the proto send what a real pile of
 * that version sends, in the order it sends it.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "sim_pile.h"

#define STALL_W 20.0 /* "power ~0 while Charging" */

static const char *const status_names[SIM_ST_COUNT] = {
	[SIM_ST_AVAILABLE] = "Available",     [SIM_ST_PREPARING] = "Preparing",
	[SIM_ST_CHARGING] = "Charging",       [SIM_ST_SUSPENDED_EV] = "SuspendedEV",
	[SIM_ST_SUSPENDED_EVSE] = "SuspendedEVSE", [SIM_ST_FINISHING] = "Finishing",
	[SIM_ST_RESERVED] = "Reserved",       [SIM_ST_UNAVAILABLE] = "Unavailable",
	[SIM_ST_FAULTED] = "Faulted",
};

const char *sim_status_name(enum sim_status st)
{
	return st < SIM_ST_COUNT ? status_names[st] : "?";
}

int sim_status_parse(const char *name)
{
	for (int i = 0; i < SIM_ST_COUNT; i++)
		if (!strcmp(status_names[i], name))
			return i;
	return -1;
}

static void set_power(struct sim_pile *p, struct sim_connector *c, double w)
{
	sim_meter_set_power(&c->meter, w, sim_pile_now(p));
}

/* Change status and let the proto announce it (trigger: 2.0.1 reason). */
static void set_status(struct sim_pile *p, struct sim_connector *c, enum sim_status st,
		       const char *trigger)
{
	c->status = st;
	p->proto->status(p, c, trigger);
}

static double draw_w(const struct sim_pile *p, const struct sim_connector *c)
{
	return c->draw_w > 0 ? c->draw_w : p->default_kw * 1000.0;
}

void sim_pile_plug(struct sim_pile *p, struct sim_connector *c)
{
	if (c->plugged)
		return;
	c->plugged = 1;
	if (c->faulted)
		return;
	if (c->tx.active) {
		set_power(p, c, draw_w(p, c));
		set_status(p, c, SIM_ST_CHARGING, "CablePluggedIn");
	} else {
		set_status(p, c, SIM_ST_PREPARING, "CablePluggedIn");
	}
}

void sim_pile_unplug(struct sim_pile *p, struct sim_connector *c, int keep_tx)
{
	if (!c->plugged)
		return;
	c->plugged = 0;
	set_power(p, c, 0);
	if (c->tx.active && !keep_tx && p->cfg.stop_on_unplug) {
		sim_pile_stop_tx(p, c, "EVDisconnected", "EVCommunicationLost");
		return;
	}
	if (!c->faulted)
		set_status(p, c, SIM_ST_AVAILABLE, c->tx.active ? "EVCommunicationLost" : NULL);
}

int sim_pile_start_tx(struct sim_pile *p, struct sim_connector *c, const char *id_tag,
		      int remote_start_id)
{
	struct sim_tx *tx = &c->tx;

	if (tx->active || c->faulted || c->status == SIM_ST_UNAVAILABLE)
		return GW_ECONFLICT;
	sim_meter_advance(&c->meter, sim_pile_now(p));
	memset(tx, 0, sizeof(*tx));
	tx->active = 1;
	tx->ref = ++p->next_tx_ref;
	p->txid_map[tx->ref % 16] = 0;
	/* 2.0.1 string[36]: salt + ref, unique per identity across restarts */
	snprintf(tx->id, sizeof(tx->id), "%08x-%d", p->id_salt, tx->ref);
	snprintf(tx->id_tag, sizeof(tx->id_tag), "%s", id_tag);
	tx->remote_start_id = remote_start_id;
	tx->start_ms = sim_pile_now(p);
	/* state first (the Start carries it in 2.0.1), announcement after */
	if (c->plugged) {
		set_power(p, c, draw_w(p, c));
		c->status = SIM_ST_CHARGING;
	} else {
		c->status = SIM_ST_PREPARING;
	}
	p->proto->tx_begin(p, c, remote_start_id >= 0 ? "RemoteStart" : "Authorized");
	p->proto->status(p, c, NULL);
	return GW_OK;
}

int sim_pile_stop_tx(struct sim_pile *p, struct sim_connector *c, const char *reason,
		     const char *trigger)
{
	if (!c->tx.active)
		return GW_ENOTFOUND;
	set_power(p, c, 0);
	if (!c->faulted)
		c->status = c->plugged ? SIM_ST_FINISHING : SIM_ST_AVAILABLE;
	p->proto->tx_end(p, c, reason, trigger);
	json_object_put(c->tx.start_payload);
	memset(&c->tx, 0, sizeof(c->tx));
	p->proto->status(p, c, NULL);
	return GW_OK;
}

void sim_pile_set_charging(struct sim_pile *p, struct sim_connector *c, enum sim_status st,
			   double power_w)
{
	if (c->faulted)
		return;
	if (st == SIM_ST_CHARGING) {
		if (power_w > STALL_W)
			c->draw_w = power_w;
		set_power(p, c, power_w > 0 ? power_w : STALL_W);
	} else {
		set_power(p, c, 0);
	}
	set_status(p, c, st, NULL);
}

void sim_pile_fault(struct sim_pile *p, struct sim_connector *c, const char *code)
{
	c->faulted = 1;
	snprintf(c->error_code, sizeof(c->error_code), "%s", code);
	set_power(p, c, 0);
	set_status(p, c, SIM_ST_FAULTED, NULL);
}

void sim_pile_clear_fault(struct sim_pile *p, struct sim_connector *c)
{
	if (!c->faulted)
		return;
	c->faulted = 0;
	c->error_code[0] = '\0';
	if (c->tx.active && c->plugged) {
		set_power(p, c, draw_w(p, c));
		set_status(p, c, SIM_ST_CHARGING, NULL);
	} else {
		set_status(p, c, c->plugged ? SIM_ST_PREPARING : SIM_ST_AVAILABLE, NULL);
	}
}

struct sim_connector *sim_pile_connector_of_ref(struct sim_pile *p, int ref)
{
	for (int i = 0; i < p->nconn; i++)
		if (p->conn[i].tx.active && p->conn[i].tx.ref == ref)
			return &p->conn[i];
	return NULL;
}

int sim_pile_resend_start(struct sim_pile *p, struct sim_connector *c, const char *action)
{
	struct json_object *copy = NULL;

	if (!c->tx.start_payload || json_object_deep_copy(c->tx.start_payload, &copy, NULL))
		return GW_ENOTFOUND;
	sim_pile_enqueue(p, action, copy, SIM_MSG_TX, -1, c->id);
	return GW_OK;
}

void sim_pile_sample(struct sim_pile *p, struct sim_connector *c, const char *context)
{
	if (p->quirks.meter_silence)
		return;
	sim_meter_advance(&c->meter, sim_pile_now(p));
	p->proto->meter(p, c, context);
}
