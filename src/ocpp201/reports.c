/* SPDX-License-Identifier: MIT
 *
 * reports.c - device-model and general notifications from the pile:
 * NotifyEvent, NotifyReport, NotifyMonitoringReport,
 * NotifyCustomerInformation, NotifyDisplayMessages,
 * SecurityEventNotification, ReservationStatusUpdate, DataTransfer.
 *
 * All are kept, none is judged here: one struct pile_report each (one per
 * event for NotifyEvent, whose events are separate facts with their own
 * times), plus the device-model values of NotifyReport, which give the
 * gateway the connector facts of DESIGN.md.  Customer information is
 * personal data: only its frame counters reach the report, the text stays
 * in the raw frame log.  Every answer here is {} except DataTransfer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp201/v201.h"

static const struct v201_report_spec monitoring_spec = {
	"NotifyMonitoringReport", NULL, "generatedAt", {"requestId", "seqNo", "tbc", "#monitor"}, NULL,
	NULL, NULL,
};
static const struct v201_report_spec customer_spec = {
	"NotifyCustomerInformation", NULL, "generatedAt", {"requestId", "seqNo", "tbc"}, NULL, NULL, NULL,
};
static const struct v201_report_spec display_spec = {
	"NotifyDisplayMessages", NULL, NULL, {"requestId", "tbc", "#messageInfo"}, NULL, NULL, NULL,
};
static const struct v201_report_spec security_spec = {
	"SecurityEventNotification", "type", "timestamp", {"techInfo"}, NULL, NULL, NULL,
};
static const struct v201_report_spec reservation_spec = {
	"ReservationStatusUpdate", "reservationUpdateStatus", NULL, {"reservationId"}, NULL, NULL, NULL,
};
/* We run no vendor extensions: UnknownVendorId is the spec's answer (P01). */
static const struct v201_report_spec data_transfer_spec = {
	"DataTransfer", "vendorId", NULL, {"messageId"}, "UnknownVendorId", NULL, NULL,
};
static const struct v201_report_spec report_spec = {
	"NotifyReport", NULL, "generatedAt", {"requestId", "seqNo", "tbc", "#reportData"}, NULL, NULL,
	NULL,
};
static const struct v201_report_spec event_spec = {
	"NotifyEvent", NULL, NULL, {NULL}, NULL, NULL, NULL,
};

int v201_notify_monitoring_report(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &monitoring_spec);
}

int v201_notify_customer_information(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &customer_spec);
}

int v201_notify_display_messages(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &display_spec);
}

int v201_security_event_notification(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &security_spec);
}

int v201_reservation_status_update(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &reservation_spec);
}

int v201_data_transfer(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &data_transfer_spec);
}

/* One EventDataType -> report: status = trigger, detail =
 * "eventId=7 EVSE/AvailabilityState=Faulted techCode=... cleared=true". */
static int event_report(struct json_object *ev, struct pile_report *rep)
{
	static const char *const extra[] = {"techCode", "cleared", "transactionId", NULL};
	struct device_var dv;
	char num[24], label[sizeof(dv.component) + sizeof(dv.variable)];
	int64_t id = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	v201_copy(rep->kind, sizeof(rep->kind), "NotifyEvent");
	v201_copy(rep->status, sizeof(rep->status), gw_json_get_str(ev, "trigger", NULL));
	if ((rc = v201_device_var(v201_obj(ev, "component"), v201_obj(ev, "variable"), NULL,
				  gw_json_get_str(ev, "actualValue", NULL), &dv)))
		return rc;
	gw_json_get_int64(ev, "eventId", &id);
	snprintf(num, sizeof(num), "%" PRId64, id);
	snprintf(label, sizeof(label), "%s/%s", dv.component, dv.variable);
	v201_detail_append(rep->detail, sizeof(rep->detail), "eventId", num);
	v201_detail_append(rep->detail, sizeof(rep->detail), label, dv.value);
	v201_summarise(ev, extra, rep->detail, sizeof(rep->detail));
	return v201_get_time(ev, "timestamp", &rep->pile_ms);
}

int v201_notify_event(struct action_ctx *ctx, struct json_object *req)
{
	struct json_object *events = v201_arr(req, "eventData");
	size_t n = events ? json_object_array_length(events) : 0;
	struct pile_report rep;
	int rc = GW_OK;

	for (size_t i = 0; i < n && !rc; i++) {
		rc = event_report(json_object_array_get_idx(events, i), &rep);
		if (!rc)
			rc = domain_pile_report(ctx->domain, &ctx->src, &rep);
	}
	return rc ? rc : v201_report_answer(ctx, &event_spec);
}

/* The valued attributes (at most 4, ReportDataType) of one reportData. */
static int report_vars(struct action_ctx *ctx, struct json_object *rd, size_t *count)
{
	struct json_object *attrs = v201_arr(rd, "variableAttribute");
	size_t na = attrs ? json_object_array_length(attrs) : 0;
	struct device_var dv[4];
	size_t k = 0;
	int rc = GW_OK;

	for (size_t i = 0; i < na && k < 4 && !rc; i++) {
		struct json_object *a = json_object_array_get_idx(attrs, i);
		const char *value = gw_json_get_str(a, "value", NULL);
		const char *mut = gw_json_get_str(a, "mutability", NULL);

		if (!value) /* WriteOnly variables report no value */
			continue;
		rc = v201_device_var(v201_obj(rd, "component"), v201_obj(rd, "variable"),
				     gw_json_get_str(a, "type", NULL), value, &dv[k]);
		dv[k++].readonly = mut && !strcmp(mut, "ReadOnly");
	}
	if (!rc && k)
		rc = domain_device_vars(ctx->domain, &ctx->src, dv, k);
	*count += k;
	return rc;
}

int v201_notify_report(struct action_ctx *ctx, struct json_object *req)
{
	struct json_object *data = v201_arr(req, "reportData");
	size_t n = data ? json_object_array_length(data) : 0;
	size_t vars = 0;
	struct pile_report rep;
	int rc = GW_OK;

	for (size_t i = 0; i < n && !rc; i++)
		rc = report_vars(ctx, json_object_array_get_idx(data, i), &vars);
	if (!rc)
		rc = v201_report_fill(req, &report_spec, &rep);
	if (!rc) {
		char count[24];

		snprintf(count, sizeof(count), "%zu", vars);
		v201_detail_append(rep.detail, sizeof(rep.detail), "vars", count);
		rc = domain_pile_report(ctx->domain, &ctx->src, &rep);
	}
	return rc ? rc : v201_report_answer(ctx, &report_spec);
}
