/* SPDX-License-Identifier: MIT
 *
 * transaction.c - StartTransaction and StopTransaction -> struct tx_event
 * -> domain_tx_event (rows flagged ACT_TX: the reply waits for the commit).
 *
 * Accept, then flag (DESIGN.md, PROTOCOL.md 1.4 rule 4): neither message is
 * ever refused for what its numbers say - meterStop = -1, a stop below the
 * start, an unknown transactionId are all acknowledged and left to the
 * detectors.  A refusal of the driver travels in idTagInfo, never as a
 * CALLERROR.  The only errors are ours (domain/store), and on these rows
 * the dispatcher closes the connection instead of answering (rule 3).
 * An idTag too long for VOCAB_TOKEN_MAX is recorded as "" and answered
 * Invalid: the transaction is kept, the unknown token is not authorized.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp16/v16.h"

static void tx_init(struct tx_event *ev, enum tx_event_kind kind)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->seq_no = -1;          /* 2.0.1 only */
	ev->charging_state = CONN_UNKNOWN;
	ev->plugged = PLUG_UNKNOWN;
	ev->reservation_id = -1;
	ev->remote_start_id = -1; /* 2.0.1 only */
	ev->have_meter = 1;       /* meterStart / meterStop are required in 1.6 */
}

/* The answer's idTagInfo: the domain's verdict, or Invalid for a token we
 * could not even hold (fits < 0). */
static int add_tag_info(struct json_object *resp, struct tx_result *r, int fits)
{
	if (fits < 0)
		r->auth = (struct auth_info){.status = AUTH_INVALID};
	return v16_add_id_tag_info(resp, &r->auth);
}

int v16_start_transaction(struct action_ctx *ctx, struct json_object *req)
{
	struct tx_event ev;
	struct tx_result r = {0};
	struct json_object *resp;
	int fits, rc;

	tx_init(&ev, TX_STARTED);
	rc = v16_get_int(ctx, req, "connectorId", 0, &ev.connector_id);
	if (rc == GW_OK)
		rc = v16_get_int(ctx, req, "reservationId", -1, &ev.reservation_id);
	if (rc == GW_OK)
		rc = v16_get_time(ctx, req, "timestamp", &ev.pile_ms);
	if (rc != GW_OK)
		return rc;
	ev.evse_id = ev.connector_id;
	gw_json_get_int64(req, "meterStart", &ev.meter_wh);
	fits = v16_copy_token(req, "idTag", ev.id_token);
	rc = domain_tx_event(ctx->domain, &ctx->src, &ev, &r);
	if (rc != GW_OK)
		return v16_domain_failed(ctx, "domain_tx_event(started)", rc);
	resp = json_object_new_object();
	rc = resp ? v16_add_int(resp, "transactionId", r.tx_id) : GW_ENOMEM;
	if (rc == GW_OK)
		rc = add_tag_info(resp, &r, fits);
	return v16_reply(ctx, resp, rc);
}

/* 1.6 StopTransaction.req: reason "MAY only be omitted when the Reason is
 * Local", so absent means "Local".  EVDisconnected is the one reason that
 * says where the cable is. */
static void read_reason(struct json_object *req, struct tx_event *ev)
{
	if (!v16_copy_text(req, "reason", ev->stop_reason, sizeof(ev->stop_reason)))
		strcpy(ev->stop_reason, "Local");
	if (!strcmp(ev->stop_reason, "EVDisconnected"))
		ev->plugged = PLUG_NO;
}

int v16_stop_transaction(struct action_ctx *ctx, struct json_object *req)
{
	struct tx_event ev;
	struct tx_result r = {0};
	struct meter_sample *samples = NULL;
	struct json_object *resp, *data = NULL;
	int fits, rc;

	tx_init(&ev, TX_ENDED);
	gw_json_get_int64(req, "transactionId", &ev.tx_id);
	gw_json_get_int64(req, "meterStop", &ev.meter_wh);
	rc = v16_get_time(ctx, req, "timestamp", &ev.pile_ms);
	if (rc != GW_OK)
		return rc;
	read_reason(req, &ev);
	fits = v16_copy_token(req, "idTag", ev.id_token);
	/* The connector is not in the message: samples get 0 and belong to
	 * the transaction, which the domain knows. */
	json_object_object_get_ex(req, "transactionData", &data);
	rc = v16_samples_parse(ctx, data, 0, &samples, &ev.n_samples);
	if (rc != GW_OK)
		return rc;
	ev.samples = samples;
	rc = domain_tx_event(ctx->domain, &ctx->src, &ev, &r);
	GW_FREE(samples);
	if (rc != GW_OK)
		return v16_domain_failed(ctx, "domain_tx_event(ended)", rc);
	resp = json_object_new_object();
	rc = resp ? GW_OK : GW_ENOMEM;
	if (rc == GW_OK && fits != 0) /* idTagInfo only when an idTag was sent */
		rc = add_tag_info(resp, &r, fits);
	return v16_reply(ctx, resp, rc);
}
