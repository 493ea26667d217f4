/* SPDX-License-Identifier: MIT
 *
 * order.c - orders: one per transaction of either version, created at the
 * start (or by the first end / update of a transaction whose start we never
 * saw: orphan = 1), with the connector's tariff snapshotted; sub-states
 * moved by what piles report; the end handed to settle.c (after the
 * remote stops waiting for it are marked effective, remote_stop.c).
 *
 * Sub-states (DESIGN.md "Orders"): awaiting_plug until strong plug
 * evidence (a CHARGING / SUSPENDED_* status, a status whose plug evidence
 * says YES, or current flowing in a sample), then energy_flowing,
 * suspended_ev or suspended_evse as the connector says; evidence that the
 * cable is out moves back to awaiting_plug.  PREPARING is no evidence.
 * order.state_changed is emitted only when the state or sub-state
 * actually changes, never per sample.  pile_offline needs the connection
 * history the domain does not have yet (later).
 *
 * Cost shown to the driver (decision): the running / final totalCost of a
 * 2.0.1 TransactionEventResponse and CostUpdated go only to piles that
 * reported TariffCostCtrlr.Enabled[Cost] = true (OCPP 2.0.1 I02/I03 tie
 * cost display to it; a pile without it has nowhere to show the amount).
 * 1.6 piles get no cost (DataTransfer only if configured: later).
 *
 * Idempotent replays never reach this file: tx16.c / tx201.c return before
 * it on a duplicate, and store_order_insert refuses a second order for one
 * transaction (UNIQUE tx_id) in any case.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/order.h"
#include "domain/remote_stop.h"

#define DEFAULT_P_MAX_W 22000
#define DEFAULT_TARIFF "default"

/* Connector spec and tariff snapshot of (pile, evse) into o. */
static void snapshot(struct domain *d, struct order_row *o)
{
	const struct gw_connector_spec *spec = config_connector_find(d->cfg, o->pile, o->evse_id);
	const char *tid = spec && spec->tariff[0] ? spec->tariff : DEFAULT_TARIFF;
	const struct gw_tariff *t = config_tariff_find(d->cfg, tid);

	o->dc = spec ? spec->dc : 0;
	o->p_max_w = spec && spec->p_max_w > 0 ? spec->p_max_w : DEFAULT_P_MAX_W;
	if (!t && strcmp(tid, DEFAULT_TARIFF) != 0)
		t = config_tariff_find(d->cfg, DEFAULT_TARIFF);
	if (t) {
		o->tariff = t->t;
		snprintf(o->tariff_id, sizeof(o->tariff_id), "%s", t->id);
		return;
	}
	/* no tariff at all: a free one, so the order and its detectors still
	 * exist; the operator sees tariff_id "" */
	gw_log(GW_LOG_WARN, "cp=%s evse=%d no tariff '%s' configured: order priced at 0",
	       o->pile, o->evse_id, tid);
	memset(&o->tariff, 0, sizeof(o->tariff));
	memcpy(o->tariff.currency, "EUR", 4);
	o->tariff.minor_exp = 2;
	o->tariff.n_periods = 1;
	o->tariff_id[0] = '\0';
}

/* The sub-state after a status (state st, plug evidence pl) when it was cur. */
static enum order_sub_state sub_from_status(enum order_sub_state cur, enum conn_state st,
					    enum plug_evidence pl)
{
	if (pl == PLUG_UNKNOWN)
		pl = st == CONN_CHARGING || st == CONN_SUSPENDED_EV || st == CONN_SUSPENDED_EVSE
			     ? PLUG_YES
			     : st == CONN_AVAILABLE ? PLUG_NO : PLUG_UNKNOWN;
	if (pl == PLUG_NO)
		return ORDER_SUB_AWAITING_PLUG;
	switch (st) {
	case CONN_CHARGING: return ORDER_SUB_ENERGY_FLOWING;
	case CONN_SUSPENDED_EV: return ORDER_SUB_SUSPENDED_EV;
	case CONN_SUSPENDED_EVSE: return ORDER_SUB_SUSPENDED_EVSE;
	default: break;
	}
	if (pl == PLUG_YES && (cur == ORDER_SUB_AWAITING_PLUG || cur == ORDER_SUB_NONE))
		return ORDER_SUB_ENERGY_FLOWING;
	return cur == ORDER_SUB_NONE ? ORDER_SUB_AWAITING_PLUG : cur;
}

/* Current flowing in samples is strong plug evidence. */
static enum order_sub_state sub_from_samples(struct domain *d, enum order_sub_state cur,
					     const struct meter_sample *s, size_t n)
{
	const struct anomaly_thresholds *th = &d->cfg->anomaly;

	if (cur != ORDER_SUB_AWAITING_PLUG)
		return cur;
	for (size_t i = 0; i < n; i++) {
		if ((s[i].measurand == MEAS_POWER_IMPORT_W && s[i].value >= (double)th->flow_power_w) ||
		    (s[i].measurand == MEAS_CURRENT_IMPORT_A &&
		     s[i].value * 1000.0 >= (double)th->flow_current_ma))
			return ORDER_SUB_ENERGY_FLOWING;
	}
	return cur;
}

static int settled(enum order_state s)
{
	return s == ORDER_COMPLETED || s == ORDER_ABNORMAL || s == ORDER_CANCELLED;
}

int order_set_state(struct domain *d, const struct order_ctx *c, struct order_row *o,
		    enum order_state state, enum order_sub_state sub)
{
	enum order_state from = o->state;
	enum order_sub_state sub_from = o->sub_state;
	struct event_buf b;
	int rc;

	if (state != ORDER_CHARGING)
		sub = ORDER_SUB_NONE;
	if (state == from && sub == sub_from)
		return GW_OK;
	o->state = state;
	o->sub_state = sub;
	o->updated_ms = c->now_ms;
	if ((rc = store_order_update(d->st, o)) != GW_OK)
		return rc;
	event_begin(&b, EV_ORDER_STATE_CHANGED, c->src ? EVSRC_PILE : EVSRC_SYSTEM, c->now_ms, o);
	if (c->src)
		event_ref_i64(&b, c->src->frame_seq);
	event_str(&b, "from", store_order_state_name(from));
	event_str(&b, "to", store_order_state_name(state));
	event_str(&b, "sub_state_from", store_order_sub_name(sub_from));
	event_str(&b, "sub_state", store_order_sub_name(sub));
	return domain_emit(d, &b);
}

int order_cost_enabled(struct domain *d, const char *pile)
{
	struct device_var v;

	memset(&v, 0, sizeof(v));
	snprintf(v.component, sizeof(v.component), "TariffCostCtrlr");
	snprintf(v.variable, sizeof(v.variable), "Enabled");
	snprintf(v.variable_instance, sizeof(v.variable_instance), "Cost");
	snprintf(v.attribute, sizeof(v.attribute), "Actual");
	v.evse_id = -1;
	v.connector_id = -1;
	return store_device_var_get(d->st, pile, &v) == GW_OK && strcasecmp(v.value, "true") == 0;
}

static int emit_started(struct domain *d, const struct order_ctx *c, const struct order_row *o)
{
	struct event_buf b;

	event_begin(&b, EV_ORDER_STARTED, c->src ? EVSRC_PILE : EVSRC_SYSTEM, o->started_ms, o);
	if (c->src)
		event_ref_i64(&b, c->src->frame_seq);
	event_i64(&b, "tx_id", o->tx_id);
	event_str(&b, "pile_tx_id", o->pile_tx_id);
	event_i64(&b, "evse_id", o->evse_id);
	event_i64(&b, "connector_id", o->connector_id);
	event_str(&b, "state", store_order_state_name(o->state));
	event_str(&b, "sub_state", store_order_sub_name(o->sub_state));
	event_str(&b, "tariff_id", o->tariff_id);
	event_str(&b, "currency", o->tariff.currency);
	event_i64(&b, "orphan", o->orphan);
	event_i64(&b, "dc", o->dc);
	event_i64(&b, "p_max_w", o->p_max_w);
	return domain_emit(d, &b);
}

int order_on_tx_start(struct domain *d, const struct order_ctx *c, const struct tx_row *tx,
		      const struct tx_event *ev, struct order_row *out)
{
	struct order_row o;
	struct connector_row cur;
	int rc = store_order_get_by_tx(d->st, tx->id, &o);

	if (rc == GW_OK) {
		/* a 2.0.1 Started after its Updated/Ended: the order learns its start */
		if (o.orphan && !tx->orphan) {
			o.orphan = 0;
			o.started_ms = tx->start_pile_ms;
			o.updated_ms = c->now_ms;
			rc = store_order_update(d->st, &o);
		}
		if (out)
			*out = o;
		return rc;
	}
	if (rc != GW_ENOTFOUND)
		return rc;
	memset(&o, 0, sizeof(o));
	o.tx_id = tx->id;
	memcpy(o.pile, tx->pile, sizeof(o.pile));
	memcpy(o.pile_tx_id, tx->pile_tx_id, sizeof(o.pile_tx_id));
	o.evse_id = tx->evse_id;
	o.connector_id = tx->connector_id;
	memcpy(o.id_token, tx->id_token, sizeof(o.id_token));
	o.orphan = tx->orphan;
	o.state = ORDER_CHARGING; /* a pile-started (RFID) order starts charging */
	o.sub_state = ORDER_SUB_AWAITING_PLUG;
	rc = store_connector_get(d->st, tx->pile, tx->evse_id, tx->connector_id, &cur);
	if (rc == GW_OK)
		o.sub_state = sub_from_status(o.sub_state, cur.state, cur.plugged);
	else if (rc != GW_ENOTFOUND)
		return rc;
	if (ev) {
		if (ev->charging_state != CONN_UNKNOWN || ev->plugged != PLUG_UNKNOWN)
			o.sub_state = sub_from_status(o.sub_state, ev->charging_state, ev->plugged);
		o.sub_state = sub_from_samples(d, o.sub_state, ev->samples, ev->n_samples);
	}
	snapshot(d, &o);
	o.started_ms = tx->start_pile_ms ? tx->start_pile_ms
			 : tx->stop_pile_ms ? tx->stop_pile_ms
			 : ev && ev->pile_ms ? ev->pile_ms : c->now_ms;
	o.created_ms = o.updated_ms = c->now_ms;
	if ((rc = store_order_insert(d->st, &o)) != GW_OK)
		return rc;
	gw_log(GW_LOG_INFO, "cp=%s tx=%" PRId64 " order %s created (%s%s, tariff %s)", o.pile,
	       o.tx_id, o.number, store_order_sub_name(o.sub_state), o.orphan ? ", orphan" : "",
	       o.tariff_id[0] ? o.tariff_id : "none");
	if ((rc = emit_started(d, c, &o)) != GW_OK)
		return rc;
	if (out)
		*out = o;
	return GW_OK;
}

/* The order of tx, made now when the transaction predates orders. */
static int order_of_tx(struct domain *d, const struct order_ctx *c, const struct tx_row *tx,
		       struct order_row *o)
{
	int rc = store_order_get_by_tx(d->st, tx->id, o);

	if (rc == GW_ENOTFOUND)
		rc = order_on_tx_start(d, c, tx, NULL, o);
	return rc;
}

static void answer_cost(struct domain *d, const struct order_row *o, int64_t cost_minor,
			struct tx_result *out)
{
	if (!out || !o->pile_tx_id[0] || !order_cost_enabled(d, o->pile))
		return;
	out->have_cost = 1;
	out->total_cost_minor = cost_minor;
	memcpy(out->currency, o->tariff.currency, sizeof(out->currency));
}

int order_on_tx_end(struct domain *d, const struct order_ctx *c, const struct tx_row *tx,
		    struct tx_result *out)
{
	struct order_row o;
	struct event_buf b;
	int rc;

	if ((rc = order_of_tx(d, c, tx, &o)) != GW_OK)
		return rc;
	event_begin(&b, EV_ORDER_ENDED, c->src ? EVSRC_PILE : EVSRC_SYSTEM,
		    tx->stop_pile_ms - o.clock_offset_ms, &o);
	if (c->src)
		event_ref_i64(&b, c->src->frame_seq);
	event_str(&b, "stop_reason", tx->stop_reason);
	if (tx->have_meter_stop)
		event_i64(&b, "meter_stop_wh", tx->meter_stop_wh);
	event_i64(&b, "late", settled(o.state));
	if ((rc = domain_emit(d, &b)) != GW_OK)
		return rc;
	/* an accepted remote stop's work order learns its end came (once; a
	 * settled order is past that: force-closed, or a repeated end) */
	if ((rc = remote_stop_on_end(d, &o, tx)) != GW_OK)
		return rc;
	if ((rc = order_settle(d, c, &o, tx)) != GW_OK)
		return rc;
	answer_cost(d, &o, o.amount_minor, out);
	return GW_OK;
}

int order_on_tx_update(struct domain *d, const struct order_ctx *c, const struct tx_row *tx,
		       const struct tx_event *ev, const struct meter_sample *s, size_t n,
		       struct tx_result *out)
{
	struct order_row o;
	enum order_sub_state sub;
	int64_t cost;
	int rc;

	rc = store_order_get_by_tx(d->st, tx->id, &o);
	if (rc == GW_ENOTFOUND && tx->state == TXS_OPEN)
		rc = order_on_tx_start(d, c, tx, ev, &o);
	if (rc == GW_ENOTFOUND)
		return GW_OK; /* an ended transaction from before orders existed */
	if (rc != GW_OK)
		return rc;
	if (settled(o.state)) /* late data: judge the order again */
		return order_settle(d, c, &o, tx);
	sub = o.sub_state;
	if (ev && (ev->charging_state != CONN_UNKNOWN || ev->plugged != PLUG_UNKNOWN))
		sub = sub_from_status(sub, ev->charging_state, ev->plugged);
	sub = sub_from_samples(d, sub, s, n);
	if ((rc = order_set_state(d, c, &o, o.state, sub)) != GW_OK)
		return rc;
	if (out && o.pile_tx_id[0] && order_cost_enabled(d, o.pile)) {
		if ((rc = order_running_cost(d, &o, tx, c->now_ms, &cost)) == GW_OK)
			answer_cost(d, &o, cost, out);
		else if (rc == GW_ESTORE || rc == GW_ENOMEM)
			return rc;
	}
	return GW_OK;
}

int order_on_status(struct domain *d, const struct order_ctx *c, const char *pile,
		    const struct status_report *r)
{
	struct tx_row txs[4];
	struct order_row o;
	size_t n;
	int rc;

	if (r->connector_id == 0 && r->evse_id == 0)
		return GW_OK; /* the whole pile: no order's sub-state */
	if ((rc = store_tx_list_open(d->st, pile, r->evse_id, r->connector_id, txs, 4, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		rc = store_order_get_by_tx(d->st, txs[i].id, &o);
		if (rc == GW_ENOTFOUND || (rc == GW_OK && settled(o.state)))
			continue;
		if (rc == GW_OK)
			rc = order_set_state(d, c, &o, o.state,
					     sub_from_status(o.sub_state, r->state, r->plugged));
		if (rc != GW_OK)
			return rc;
	}
	return GW_OK;
}
