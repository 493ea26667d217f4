/* SPDX-License-Identifier: MIT
 *
 * reports.c - what a pile reports that we keep but do not judge: firmware,
 * diagnostics and log upload progress, security events, vendor data.  Each
 * becomes one struct pile_report (the searchable summary; the raw frame log
 * holds the whole payload) and is answered at once.
 *
 * One row per action says which members fill the summary; the handlers are
 * one-liners because an action_fn does not know which row it serves.
 * DataTransfer: no vendorId is configured yet, so every vendor is unknown
 * and the answer is UnknownVendorId, as the 1.6 spec asks for an unknown
 * vendor - after the data was kept.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp16/v16.h"

struct report_row {
	const char *kind;        /* pile_report.kind: the action name */
	const char *status_key;  /* string member -> pile_report.status */
	const char *detail_key;  /* string member -> pile_report.detail, or NULL */
	const char *request_key; /* integer member -> "requestId=N" detail, or NULL */
	const char *time_key;    /* date-time member -> pile_ms, or NULL (0) */
};

static const struct report_row rep_data_transfer = {"DataTransfer", "vendorId", "messageId", NULL,
						     NULL};
static const struct report_row rep_diagnostics = {"DiagnosticsStatusNotification", "status", NULL,
						  NULL, NULL};
static const struct report_row rep_firmware = {"FirmwareStatusNotification", "status", NULL, NULL,
					       NULL};
static const struct report_row rep_log = {"LogStatusNotification", "status", NULL, "requestId",
					  NULL};
static const struct report_row rep_security = {"SecurityEventNotification", "type", "techInfo",
					       NULL, "timestamp"};
static const struct report_row rep_signed_firmware = {"SignedFirmwareStatusNotification", "status",
						      NULL, "requestId", NULL};

static int report_keep(struct action_ctx *ctx, struct json_object *req,
		       const struct report_row *row)
{
	struct pile_report rep = {0};
	int64_t request_id;
	int rc;

	snprintf(rep.kind, sizeof(rep.kind), "%s", row->kind);
	v16_copy_text(req, row->status_key, rep.status, sizeof(rep.status));
	if (row->detail_key)
		v16_copy_text(req, row->detail_key, rep.detail, sizeof(rep.detail));
	if (row->request_key && gw_json_get_int64(req, row->request_key, &request_id) == GW_OK)
		snprintf(rep.detail, sizeof(rep.detail), "%s=%lld", row->request_key,
			 (long long)request_id);
	if (row->time_key) {
		rc = v16_get_time(ctx, req, row->time_key, &rep.pile_ms);
		if (rc != GW_OK)
			return rc;
	}
	rc = domain_pile_report(ctx->domain, &ctx->src, &rep);
	if (rc != GW_OK)
		return v16_domain_failed(ctx, "domain_pile_report", rc);
	return GW_OK;
}

static int report_and_ack(struct action_ctx *ctx, struct json_object *req,
			  const struct report_row *row)
{
	int rc = report_keep(ctx, req, row);

	return rc == GW_OK ? v16_reply_empty(ctx) : rc;
}

int v16_diagnostics_status(struct action_ctx *ctx, struct json_object *req)
{
	return report_and_ack(ctx, req, &rep_diagnostics);
}

int v16_firmware_status(struct action_ctx *ctx, struct json_object *req)
{
	return report_and_ack(ctx, req, &rep_firmware);
}

int v16_log_status(struct action_ctx *ctx, struct json_object *req)
{
	return report_and_ack(ctx, req, &rep_log);
}

int v16_security_event(struct action_ctx *ctx, struct json_object *req)
{
	return report_and_ack(ctx, req, &rep_security);
}

int v16_signed_firmware_status(struct action_ctx *ctx, struct json_object *req)
{
	return report_and_ack(ctx, req, &rep_signed_firmware);
}

int v16_data_transfer(struct action_ctx *ctx, struct json_object *req)
{
	struct json_object *resp;
	int rc = report_keep(ctx, req, &rep_data_transfer);

	if (rc != GW_OK)
		return rc;
	resp = json_object_new_object();
	rc = resp ? v16_add_str(resp, "status", "UnknownVendorId") : GW_ENOMEM;
	return v16_reply(ctx, resp, rc);
}
