/* SPDX-License-Identifier: MIT
 *
 * tx16.c - OCPP 1.6 StartTransaction / StopTransaction.
 *
 * Start: a resend (same pile, connector, idTag, meterStart, timestamp
 * +-2 s; PROTOCOL.md 4 rule 3) gets the same transactionId and the same
 * idTagInfo status and touches nothing.  Otherwise a new row; the start is
 * never refused (the pile has started already), the idTagInfo tells the
 * pile whether to stop.
 * Stop: a stop for an ended transaction is a duplicate.  A stop for an id
 * we never issued to this pile becomes an "orphan" row (orphan = 1,
 * orphan_ref = the id sent) so a detector can flag it; the pile still gets
 * its CALLRESULT.
 * Orders (order.c): a new start creates the transaction's order, a stop
 * settles it (an orphan stop creates an orphan order first).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "domain/order.h"

int domain_tx16_start(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		      struct tx_result *out)
{
	struct tx_row tx;
	int rc;

	rc = store_tx_find_start_dup(d->st, src->identity, ev->connector_id, ev->id_token,
				     ev->meter_wh, ev->pile_ms, &tx);
	if (rc == GW_OK) {
		rc = domain_auth_lookup(d, ev->id_token, src->recv_ms, NULL, 0, 0, 0, &out->auth);
		out->auth.status = tx.auth_status; /* the same answer as the first time */
		out->tx_id = tx.id;
		out->duplicate = 1;
		gw_log(GW_LOG_INFO, "cp=%s msg=%s action=StartTransaction duplicate of tx=%" PRId64,
		       src->identity, src->msg_id, tx.id);
		return rc;
	}
	if (rc != GW_ENOTFOUND)
		return rc;
	rc = domain_auth_lookup(d, ev->id_token, src->recv_ms, src->identity, ev->evse_id,
				ev->connector_id, 0, &out->auth);
	if (rc != GW_OK)
		return rc;
	memset(&tx, 0, sizeof(tx));
	snprintf(tx.pile, sizeof(tx.pile), "%s", src->identity);
	tx.evse_id = ev->evse_id;
	tx.connector_id = ev->connector_id;
	memcpy(tx.id_token, ev->id_token, sizeof(tx.id_token));
	tx.auth_status = out->auth.status;
	tx.state = TXS_OPEN;
	tx.have_meter_start = ev->have_meter;
	tx.meter_start_wh = ev->meter_wh;
	tx.start_pile_ms = ev->pile_ms;
	tx.start_recv_ms = src->recv_ms;
	tx.last_seq_no = -1;
	tx.reservation_id = ev->reservation_id;
	tx.remote_start_id = ev->remote_start_id;
	tx.start_frame_seq = src->frame_seq;
	if ((rc = store_tx_insert(d->st, &tx)) != GW_OK)
		return rc;
	out->tx_id = tx.id;
	gw_log(GW_LOG_INFO, "cp=%s msg=%s action=StartTransaction tx=%" PRId64 " connector=%d"
	       " auth=%d", src->identity, src->msg_id, tx.id, tx.connector_id,
	       (int)tx.auth_status);
	if ((rc = domain_store_samples(d, src, tx.id, "", ev->samples, ev->n_samples)) != GW_OK)
		return rc;
	return order_on_tx_start(d, &(struct order_ctx){src, src->recv_ms}, &tx, ev, NULL);
}

/* Record the end on a row we hold. */
static void set_end(struct tx_row *tx, const struct domain_src *src, const struct tx_event *ev)
{
	tx->state = TXS_ENDED;
	tx->have_meter_stop = ev->have_meter;
	tx->meter_stop_wh = ev->meter_wh;
	tx->stop_pile_ms = ev->pile_ms;
	tx->stop_recv_ms = src->recv_ms;
	memcpy(tx->stop_reason, ev->stop_reason, sizeof(tx->stop_reason));
	tx->end_frame_seq = src->frame_seq;
}

/* A stop for an id we never gave this pile. */
static int stop_orphan(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		       struct tx_result *out)
{
	struct tx_row tx;
	int rc = store_tx_get_orphan(d->st, src->identity, ev->tx_id, &tx);

	if (rc == GW_OK && tx.stop_pile_ms == ev->pile_ms && tx.have_meter_stop == ev->have_meter &&
	    tx.meter_stop_wh == ev->meter_wh) {
		out->tx_id = tx.id;
		out->duplicate = 1;
		return GW_OK;
	}
	if (rc != GW_OK && rc != GW_ENOTFOUND)
		return rc;
	memset(&tx, 0, sizeof(tx));
	snprintf(tx.pile, sizeof(tx.pile), "%s", src->identity);
	memcpy(tx.id_token, ev->id_token, sizeof(tx.id_token));
	tx.auth_status = out->auth.status;
	tx.orphan = 1;
	tx.orphan_ref = ev->tx_id;
	tx.last_seq_no = -1;
	tx.reservation_id = -1;
	tx.remote_start_id = -1;
	set_end(&tx, src, ev);
	if ((rc = store_tx_insert(d->st, &tx)) != GW_OK)
		return rc;
	out->tx_id = tx.id;
	gw_log(GW_LOG_WARN, "cp=%s msg=%s action=StopTransaction unknown transactionId=%" PRId64
	       ", kept as orphan tx=%" PRId64, src->identity, src->msg_id, ev->tx_id, tx.id);
	if ((rc = domain_store_samples(d, src, tx.id, "", ev->samples, ev->n_samples)) != GW_OK)
		return rc;
	return order_on_tx_end(d, &(struct order_ctx){src, src->recv_ms}, &tx, out);
}

int domain_tx16_stop(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		     struct tx_result *out)
{
	struct tx_row tx;
	int rc;

	if (ev->id_token[0]) {
		rc = domain_auth_lookup(d, ev->id_token, src->recv_ms, NULL, 0, 0, 0, &out->auth);
		if (rc != GW_OK)
			return rc;
	}
	rc = store_tx_get(d->st, ev->tx_id, &tx);
	if (rc == GW_ENOTFOUND || (rc == GW_OK && (strcmp(tx.pile, src->identity) != 0 ||
						   tx.pile_tx_id[0] || tx.orphan)))
		return stop_orphan(d, src, ev, out);
	if (rc != GW_OK)
		return rc;
	out->tx_id = tx.id;
	if (tx.state == TXS_ENDED) {
		out->duplicate = 1;
		return GW_OK;
	}
	set_end(&tx, src, ev);
	if ((rc = store_tx_update(d->st, &tx)) != GW_OK)
		return rc;
	gw_log(GW_LOG_INFO, "cp=%s msg=%s action=StopTransaction tx=%" PRId64 " reason=%s",
	       src->identity, src->msg_id, tx.id, tx.stop_reason[0] ? tx.stop_reason : "-");
	if ((rc = domain_store_samples(d, src, tx.id, "", ev->samples, ev->n_samples)) != GW_OK)
		return rc;
	return order_on_tx_end(d, &(struct order_ctx){src, src->recv_ms}, &tx, out);
}
