/* SPDX-License-Identifier: MIT
 *
 * charging.c - smart-charging notifications (2.0.1 block K):
 * NotifyChargingLimit, ClearedChargingLimit, NotifyEVChargingNeeds,
 * NotifyEVChargingSchedule, ReportChargingProfiles.
 *
 * ocppgw has no smart-charging engine: it keeps these as pile reports (an
 * external limit explains a slow session to the stall detector's reader)
 * and answers what is true when no CSMS schedule exists:
 *  - NotifyEVChargingNeeds: "Rejected".  Accepted promises a schedule
 *    "momentarily" and Processing says one is being computed (K15); either
 *    would leave the station waiting for a SetChargingProfile that never
 *    comes.  Rejected lets it go on with its own limits.
 *  - NotifyEVChargingSchedule: "Accepted".  The CSMS checks the EV's
 *    schedule against the limits it set (K17); we set none, so there is
 *    nothing for it to violate.
 */
#include "ocpp201/v201.h"

static const struct v201_report_spec limit_spec = {
	"NotifyChargingLimit", "chargingLimit.chargingLimitSource", NULL,
	{"evseId", "chargingLimit.isGridCritical", "#chargingSchedule"}, NULL, NULL, NULL,
};
static const struct v201_report_spec cleared_spec = {
	"ClearedChargingLimit", "chargingLimitSource", NULL, {"evseId"}, NULL, NULL, NULL,
};
static const struct v201_report_spec needs_spec = {
	"NotifyEVChargingNeeds", "chargingNeeds.requestedEnergyTransfer", NULL,
	{"evseId", "maxScheduleTuples", "chargingNeeds.departureTime"}, "Rejected", "NotSupported",
	"no smart charging here: no schedule will follow",
};
static const struct v201_report_spec schedule_spec = {
	"NotifyEVChargingSchedule", NULL, "timeBase",
	{"evseId", "chargingSchedule.chargingRateUnit", "#chargingSchedule.chargingSchedulePeriod"},
	"Accepted", NULL, NULL,
};
static const struct v201_report_spec profiles_spec = {
	"ReportChargingProfiles", "chargingLimitSource", NULL,
	{"requestId", "evseId", "tbc", "#chargingProfile"}, NULL, NULL, NULL,
};

int v201_notify_charging_limit(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &limit_spec);
}

int v201_cleared_charging_limit(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &cleared_spec);
}

int v201_notify_ev_charging_needs(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &needs_spec);
}

int v201_notify_ev_charging_schedule(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &schedule_spec);
}

int v201_report_charging_profiles(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &profiles_spec);
}
