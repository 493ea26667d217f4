/* SPDX-License-Identifier: MIT
 *
 * status.c - StatusNotification.req -> struct status_report -> {}.
 *
 * The 1.6 status words map one to one onto enum conn_state.  Plug evidence
 * follows DESIGN.md: 1.6 has no plug signal, so only Charging, SuspendedEV
 * and SuspendedEVSE prove a plug and only Available proves its absence.
 * Preparing can be a tag, a cable or an occupied bay, and Finishing a cable
 * still hanging or a car still parked: neither proves anything.  Connector
 * 0 is the pile itself, which has no cable: never evidence.
 */
#include <string.h>

#include "common/gw_err.h"
#include "ocpp16/v16.h"

struct status_row {
	const char *word; /* ChargePointStatus, exact spelling */
	enum conn_state state;
	enum plug_evidence plugged;
};

static const struct status_row status_rows[] = {
	{"Available", CONN_AVAILABLE, PLUG_NO},
	{"Charging", CONN_CHARGING, PLUG_YES},
	{"Faulted", CONN_FAULTED, PLUG_UNKNOWN},
	{"Finishing", CONN_FINISHING, PLUG_UNKNOWN},
	{"Preparing", CONN_PREPARING, PLUG_UNKNOWN},
	{"Reserved", CONN_RESERVED, PLUG_UNKNOWN},
	{"SuspendedEV", CONN_SUSPENDED_EV, PLUG_YES},
	{"SuspendedEVSE", CONN_SUSPENDED_EVSE, PLUG_YES},
	{"Unavailable", CONN_UNAVAILABLE, PLUG_UNKNOWN},
};

static const struct status_row unknown_row = {"", CONN_UNKNOWN, PLUG_UNKNOWN};

static const struct status_row *status_lookup(const char *word)
{
	for (size_t i = 0; word && i < sizeof(status_rows) / sizeof(status_rows[0]); i++)
		if (!strcmp(status_rows[i].word, word))
			return &status_rows[i];
	return &unknown_row; /* the schema's enum makes this unreachable */
}

int v16_status_notification(struct action_ctx *ctx, struct json_object *req)
{
	struct status_report st = {0};
	const struct status_row *row;
	int rc;

	rc = v16_get_int(ctx, req, "connectorId", 0, &st.connector_id);
	if (rc == GW_OK)
		rc = v16_get_time(ctx, req, "timestamp", &st.pile_ms); /* 0: not stamped */
	if (rc != GW_OK)
		return rc;
	st.evse_id = st.connector_id;
	v16_copy_text(req, "status", st.raw_status, sizeof(st.raw_status));
	row = status_lookup(st.raw_status);
	st.state = row->state;
	st.plugged = st.connector_id == 0 ? PLUG_UNKNOWN : row->plugged;
	v16_copy_text(req, "errorCode", st.error_code, sizeof(st.error_code));
	v16_copy_text(req, "info", st.info, sizeof(st.info));
	v16_copy_text(req, "vendorId", st.vendor_id, sizeof(st.vendor_id));
	v16_copy_text(req, "vendorErrorCode", st.vendor_error, sizeof(st.vendor_error));
	rc = domain_status(ctx->domain, &ctx->src, &st);
	if (rc != GW_OK)
		return v16_domain_failed(ctx, "domain_status", rc);
	return v16_reply_empty(ctx);
}
