/* SPDX-License-Identifier: MIT
 *
 * remote_stop.c - the order side of an operator's remote stop
 * (remote_stop.h): events requested / accepted / rejected / effective and
 * the move to stopping.  Plain C over the store; the command itself is
 * sent by the API.  Which work orders are still waiting for the end
 * message is read back from the order's own history (order_events), the
 * one place a work order is recorded.
 */
#include <string.h>

#include "common/gw_err.h"
#include "config.h"
#include "domain/event_names.h"
#include "domain/order.h"
#include "domain/remote_stop.h"
#include "store/store_api.h"

#define EVENTS_MAX 2000 /* history read per end message of a stopping order */

int domain_order_remote_stop_requested(struct domain *d, int64_t order_id, const char *work_order,
				       const char *who, int64_t now_ms)
{
	struct order_row o;
	struct event_buf b;
	int rc = store_order_get(d->st, order_id, &o);

	if (rc != GW_OK)
		return rc;
	if (o.state != ORDER_CHARGING && o.state != ORDER_STOPPING && o.state != ORDER_STARTING)
		return GW_ECONFLICT;
	event_begin(&b, EV_ORDER_REMOTE_STOP_REQUESTED, EVSRC_OPERATOR, now_ms, &o);
	event_ref(&b, work_order);
	event_str(&b, "work_order", work_order);
	event_str(&b, "requested_by", who ? who : "");
	return domain_emit(d, &b);
}

/* order.remote_stop_effective of work_order, accepted at accepted_ms, for
 * the end of tx (see remote_stop.h for the fields). */
static int emit_effective(struct domain *d, const struct order_row *o, const struct tx_row *tx,
			  const char *work_order, int64_t accepted_ms)
{
	int64_t end_ms = tx->stop_pile_ms ? tx->stop_pile_ms - o->clock_offset_ms : tx->stop_recv_ms;
	int64_t delay = end_ms > accepted_ms ? end_ms - accepted_ms : 0;
	int64_t recv_delay = tx->stop_recv_ms > accepted_ms ? tx->stop_recv_ms - accepted_ms : 0;
	int within = delay <= d->cfg->anomaly.stop_timeout_ms;
	struct event_buf b;

	event_begin(&b, EV_ORDER_REMOTE_STOP_EFFECTIVE, EVSRC_OPERATOR, end_ms, o);
	event_ref(&b, work_order);
	event_str(&b, "work_order", work_order);
	event_i64(&b, "delay_ms", delay);
	event_i64(&b, "received_delay_ms", recv_delay);
	/* a JSON boolean: the sink types "true"/"false" marked as numbers */
	b.ev.fields[b.ev.n_fields++] = (struct event_field){ "within_timeout",
							     within ? "true" : "false", 1 };
	event_i64(&b, "end_frame_seq", tx->end_frame_seq);
	return domain_emit(d, &b);
}

int domain_order_remote_stop_result(struct domain *d, int64_t order_id, const char *work_order,
				    int accepted, const char *outcome, int64_t now_ms)
{
	struct order_ctx c = { NULL, now_ms };
	struct order_row o;
	struct tx_row tx;
	struct event_buf b;
	int rc = store_order_get(d->st, order_id, &o);

	if (rc != GW_OK)
		return rc;
	event_begin(&b, accepted ? EV_ORDER_REMOTE_STOP_ACCEPTED : EV_ORDER_REMOTE_STOP_REJECTED,
		    EVSRC_OPERATOR, now_ms, &o);
	event_ref(&b, work_order);
	event_str(&b, "work_order", work_order);
	event_str(&b, "outcome", outcome ? outcome : (accepted ? "Accepted" : "Rejected"));
	if ((rc = domain_emit(d, &b)) != GW_OK || !accepted)
		return rc;
	/* only a running order stops */
	if (o.state == ORDER_CHARGING)
		return order_set_state(d, &c, &o, ORDER_STOPPING, ORDER_SUB_NONE);
	if (o.state == ORDER_STOPPING || o.state == ORDER_STARTING)
		return GW_OK;
	/* the end message came before this answer (remote_stop_on_end saw no
	 * accepted stop then): the stop is effective now, once */
	rc = store_tx_get(d->st, o.tx_id, &tx);
	if (rc == GW_ENOTFOUND || (rc == GW_OK && tx.state != TXS_ENDED))
		return GW_OK; /* force-closed while the pile was silent: no end message */
	if (rc != GW_OK)
		return rc;
	return emit_effective(d, &o, &tx, work_order, now_ms);
}

/* 1 when rows hold an event of type word with source_ref ref. */
static int has_event(const struct store_event_row *rows, size_t n, const char *word,
		     const char *ref)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].type, word) && !strcmp(rows[i].source_ref, ref))
			return 1;
	return 0;
}

int remote_stop_on_end(struct domain *d, const struct order_row *o, const struct tx_row *tx)
{
	const char *accepted = event_type_name(EV_ORDER_REMOTE_STOP_ACCEPTED);
	const char *effective = event_type_name(EV_ORDER_REMOTE_STOP_EFFECTIVE);
	struct store_event_row *rows = NULL;
	size_t n = 0;
	int rc;

	if (o->state != ORDER_STOPPING)
		return GW_OK; /* no stop was accepted: the common end costs no read */
	rc = store_api_order_events(d->st, o->id, EVENTS_MAX, &rows, &n);
	if (rc == GW_ENOTSUPP)
		return GW_OK; /* a store without history queries: nothing to mark */
	for (size_t i = 0; rc == GW_OK && i < n; i++) {
		if (strcmp(rows[i].type, accepted) || !rows[i].source_ref[0] ||
		    has_event(rows, n, effective, rows[i].source_ref))
			continue;
		rc = emit_effective(d, o, tx, rows[i].source_ref, rows[i].at_ms);
	}
	store_api_events_free(rows, n);
	return rc;
}
