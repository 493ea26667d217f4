/* SPDX-License-Identifier: MIT
 *
 * tx201.c - OCPP 2.0.1 TransactionEvent (Started / Updated / Ended).
 *
 * Checklist per event:
 *   1. append to tx_events; a seen (transactionId, seqNo) is a replay:
 *      answer as before, change nothing (PROTOCOL.md 4 rule 3);
 *   2. find the transaction row by (pile, transactionId) or create it: an
 *      Updated/Ended may arrive before its Started after an offline period
 *      (the row is then orphan = 1 until the Started fills its start);
 *   3. merge what this event says (token, ids, end) and keep the highest
 *      seqNo; an Ended row is never reopened by a late Updated;
 *   4. store the attached samples under our id;
 *   5. a chargingState that differs from the connector's current state is
 *      a connector state change too (source tx_event);
 *   6. the order (order.c): created by the first event of the transaction
 *      (orphan until its Started), sub-state and running cost on
 *      Started / Updated, settled on Ended; an event for an ended
 *      transaction (offline reordering) re-judges the settled order.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "domain/order.h"

/* A row for an event of a transaction we have not seen yet. */
static void new_row(struct tx_row *tx, const struct domain_src *src, const struct tx_event *ev)
{
	memset(tx, 0, sizeof(*tx));
	snprintf(tx->pile, sizeof(tx->pile), "%s", src->identity);
	memcpy(tx->pile_tx_id, ev->pile_tx_id, sizeof(tx->pile_tx_id));
	tx->evse_id = ev->evse_id;
	tx->connector_id = ev->connector_id;
	tx->auth_status = AUTH_ACCEPTED;
	tx->state = TXS_OPEN;
	tx->orphan = 1; /* cleared below when this is the Started */
	tx->last_seq_no = -1;
	tx->reservation_id = -1;
	tx->remote_start_id = -1;
}

/* Merge ev into tx (steps 3); out->auth is the answer for ev's token. */
static void merge(struct tx_row *tx, const struct domain_src *src, const struct tx_event *ev,
		  const struct tx_result *out)
{
	if (ev->kind == TX_STARTED && tx->orphan) {
		tx->orphan = 0;
		tx->have_meter_start = ev->have_meter;
		tx->meter_start_wh = ev->meter_wh;
		tx->start_pile_ms = ev->pile_ms;
		tx->start_recv_ms = src->recv_ms;
		tx->start_frame_seq = src->frame_seq;
	}
	if (ev->id_token[0] && !tx->id_token[0]) {
		memcpy(tx->id_token, ev->id_token, sizeof(tx->id_token));
		tx->auth_status = out->auth.status;
	}
	if (!tx->evse_id && ev->evse_id)
		tx->evse_id = ev->evse_id;
	if (!tx->connector_id && ev->connector_id)
		tx->connector_id = ev->connector_id;
	if (ev->reservation_id >= 0)
		tx->reservation_id = ev->reservation_id;
	if (ev->remote_start_id >= 0)
		tx->remote_start_id = ev->remote_start_id;
	if (ev->seq_no > tx->last_seq_no)
		tx->last_seq_no = ev->seq_no;
	if (ev->kind == TX_ENDED) {
		tx->state = TXS_ENDED;
		tx->have_meter_stop = ev->have_meter;
		tx->meter_stop_wh = ev->meter_wh;
		tx->stop_pile_ms = ev->pile_ms;
		tx->stop_recv_ms = src->recv_ms;
		memcpy(tx->stop_reason, ev->stop_reason, sizeof(tx->stop_reason));
		tx->end_frame_seq = src->frame_seq;
	}
}

/* Step 5. */
static int charging_state(struct domain *d, const struct domain_src *src,
			  const struct tx_event *ev, const struct tx_row *tx)
{
	struct connector_row cur;
	struct status_report r;
	int evse_id = ev->evse_id ? ev->evse_id : tx->evse_id;
	int connector_id = ev->connector_id ? ev->connector_id : tx->connector_id;
	enum conn_state state = ev->charging_state;
	int rc;

	/* Most Updated events name no EVSE: the transaction's own EVSE is
	 * meant.  A trigger alone (EVCommunicationLost, CablePluggedIn) still
	 * carries plug evidence the detectors need, on the current state. */
	if (state == CONN_UNKNOWN && ev->plugged == PLUG_UNKNOWN)
		return GW_OK;
	rc = store_connector_get(d->st, src->identity, evse_id, connector_id, &cur);
	if (rc != GW_OK && rc != GW_ENOTFOUND)
		return rc;
	if (state == CONN_UNKNOWN)
		state = rc == GW_OK ? cur.state : CONN_UNKNOWN;
	/* 2.0.1 reports a fault by StatusNotification(Faulted); the EVSE then
	 * suspends the transaction (chargingState SuspendedEVSE), often in the
	 * same instant.  The fault stands until a status clears it, so the
	 * connector reads FAULTED as in 1.6, not SUSPENDED_EVSE. */
	if (rc == GW_OK && cur.state == CONN_FAULTED && state == CONN_SUSPENDED_EVSE)
		state = CONN_FAULTED;
	if (rc == GW_OK && cur.state == state &&
	    (ev->plugged == PLUG_UNKNOWN || cur.plugged == ev->plugged))
		return GW_OK;
	memset(&r, 0, sizeof(r));
	r.evse_id = evse_id;
	r.connector_id = connector_id;
	r.state = state;
	r.plugged = ev->plugged != PLUG_UNKNOWN ? ev->plugged : rc == GW_OK ? cur.plugged : PLUG_UNKNOWN;
	snprintf(r.raw_status, sizeof(r.raw_status), "%s", ev->trigger);
	r.pile_ms = ev->pile_ms;
	return store_connector_set(d->st, src->identity, &r, CONN_SRC_TX_EVENT, src->recv_ms,
				   src->frame_seq);
}

/* Step 6. */
static int order_step(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		      const struct tx_row *tx, int was_ended, struct tx_result *out)
{
	struct order_ctx c = {.src = src, .now_ms = src->recv_ms};
	int rc;

	if ((rc = order_on_tx_start(d, &c, tx, ev, NULL)) != GW_OK)
		return rc;
	if (ev->kind == TX_ENDED && !was_ended)
		return order_on_tx_end(d, &c, tx, out);
	return order_on_tx_update(d, &c, tx, ev, ev->samples, ev->n_samples, out);
}

/* Step 1 found a replay: answer what the row says. */
static int replay(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		  struct tx_result *out)
{
	struct tx_row tx;
	int rc = store_tx_get_by_pile_tx(d->st, src->identity, ev->pile_tx_id, &tx);

	out->duplicate = 1;
	if (rc == GW_OK) {
		out->tx_id = tx.id;
		/* the same answer as the first time (PROTOCOL.md 1.4 rule 2): the
		 * token's expiry and group again, with the status stored then */
		if (ev->id_token[0]) {
			int lrc = domain_auth_lookup(d, ev->id_token, src->recv_ms, NULL, 0, 0, 0, &out->auth);
			if (lrc != GW_OK)
				return lrc;
		}
		out->auth.status = tx.auth_status;
	}
	gw_log(GW_LOG_INFO, "cp=%s msg=%s action=TransactionEvent tx=%s seqNo=%" PRId64
	       " replay ignored", src->identity, src->msg_id, ev->pile_tx_id, ev->seq_no);
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}

int domain_tx201_event(struct domain *d, const struct domain_src *src,
		       const struct tx_event *in, struct tx_result *out)
{
	struct tx_event place = *in;
	const struct tx_event *ev = &place;
	struct tx_row tx;
	int found, was_ended;
	int rc;

	/* An event naming its EVSE but no connector means the EVSE's connector
	 * (2.0.1 numbers connectors from 1; connector 0 is not a socket): the
	 * transaction's own, else 1. */
	if (place.evse_id > 0 && place.connector_id == 0) {
		rc = store_tx_get_by_pile_tx(d->st, src->identity, place.pile_tx_id, &tx);
		if (rc != GW_OK && rc != GW_ENOTFOUND)
			return rc;
		place.connector_id = (rc == GW_OK && tx.connector_id) ? tx.connector_id : 1;
	}
	rc = store_tx_event_insert(d->st, src->identity, ev, src->recv_ms, src->frame_seq);
	if (rc == GW_EDUP)
		return replay(d, src, ev, out);
	if (rc != GW_OK)
		return rc;
	rc = store_tx_get_by_pile_tx(d->st, src->identity, ev->pile_tx_id, &tx);
	if (rc != GW_OK && rc != GW_ENOTFOUND)
		return rc;
	found = rc == GW_OK;
	if (!found)
		new_row(&tx, src, ev);
	was_ended = tx.state == TXS_ENDED;
	if (ev->id_token[0]) {
		/* ConcurrentTx only when the token is being attached (a start). */
		int attach = !tx.id_token[0];

		rc = domain_auth_lookup(d, ev->id_token, src->recv_ms,
					attach ? src->identity : NULL, tx.evse_id, tx.connector_id,
					found ? tx.id : 0, &out->auth);
		if (rc != GW_OK)
			return rc;
	}
	merge(&tx, src, ev, out);
	rc = found ? store_tx_update(d->st, &tx) : store_tx_insert(d->st, &tx);
	if (rc != GW_OK)
		return rc;
	out->tx_id = tx.id;
	if (!found && tx.orphan)
		gw_log(GW_LOG_WARN, "cp=%s msg=%s action=TransactionEvent tx=%s seqNo=%" PRId64
		       " before its Started: kept", src->identity, src->msg_id, ev->pile_tx_id,
		       ev->seq_no);
	rc = domain_store_samples(d, src, tx.id, ev->pile_tx_id, ev->samples, ev->n_samples);
	if (rc != GW_OK)
		return rc;
	if ((rc = charging_state(d, src, ev, &tx)) != GW_OK)
		return rc;
	return order_step(d, src, ev, &tx, was_ended, out);
}
