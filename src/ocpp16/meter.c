/* SPDX-License-Identifier: MIT
 *
 * meter.c - MeterValues.req -> struct meter_sample[] -> domain_meter_values
 * -> {} (row flagged ACT_TX: periodic and clock-aligned values are
 * transaction-related messages, 1.6 core 3.7, queued by an offline pile).
 *
 * 1.6 has connectors only: connectorId is both the EVSE and the connector
 * (0 = the main meter).  transactionId, when present, is ours; absent means
 * outside a transaction (0).  What the samples say is never refused here:
 * sample.c keeps unreadable values unjudged.
 */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp16/v16.h"

int v16_meter_values(struct action_ctx *ctx, struct json_object *req)
{
	struct meter_sample *samples = NULL;
	struct json_object *mvs = NULL;
	int64_t tx_id = 0;
	size_t n = 0;
	int connector, rc;

	rc = v16_get_int(ctx, req, "connectorId", 0, &connector);
	if (rc != GW_OK)
		return rc;
	gw_json_get_int64(req, "transactionId", &tx_id); /* stays 0 when absent */
	json_object_object_get_ex(req, "meterValue", &mvs);
	rc = v16_samples_parse(ctx, mvs, connector, &samples, &n);
	if (rc != GW_OK)
		return rc;
	rc = domain_meter_values(ctx->domain, &ctx->src, tx_id, "", samples, n);
	GW_FREE(samples);
	if (rc != GW_OK)
		return v16_domain_failed(ctx, "domain_meter_values", rc);
	return v16_reply_empty(ctx);
}
