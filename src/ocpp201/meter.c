/* SPDX-License-Identifier: MIT
 *
 * meter.c - MeterValues (2.0.1 use case J01): meter data outside a
 * transaction (or the pile's choice not to tie it to one).  Samples are
 * normalized by samples.c and stored with no transaction; the row is ACT_TX
 * so the reply waits for the commit.
 */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "ocpp201/v201.h"

int v201_meter_values(struct action_ctx *ctx, struct json_object *req)
{
	struct meter_sample *s = NULL;
	size_t n = 0;
	int evse_id;
	int rc;

	if ((rc = v201_get_int(req, "evseId", 0, &evse_id)) ||
	    (rc = v201_samples(v201_arr(req, "meterValue"), evse_id, 0, &s, &n)))
		return rc;
	rc = domain_meter_values(ctx->domain, &ctx->src, 0, "", s, n);
	gw_free(s);
	return rc ? rc : v201_respond_empty(ctx);
}
