/* SPDX-License-Identifier: MIT
 *
 * firmware.c - firmware and log progress (2.0.1 blocks L and N):
 * FirmwareStatusNotification, PublishFirmwareStatusNotification,
 * LogStatusNotification.  Kept as pile reports (status = the progress word,
 * detail = the request they belong to); each is answered {}.
 */
#include "ocpp201/v201.h"

static const struct v201_report_spec firmware_spec = {
	"FirmwareStatusNotification", "status", NULL, {"requestId"}, NULL, NULL, NULL,
};
static const struct v201_report_spec publish_spec = {
	"PublishFirmwareStatusNotification", "status", NULL, {"requestId", "#location"}, NULL, NULL,
	NULL,
};
static const struct v201_report_spec log_spec = {
	"LogStatusNotification", "status", NULL, {"requestId"}, NULL, NULL, NULL,
};

int v201_firmware_status_notification(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &firmware_spec);
}

int v201_publish_firmware_status_notification(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &publish_spec);
}

int v201_log_status_notification(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &log_spec);
}
