/* SPDX-License-Identifier: MIT
 *
 * triggered.c - what a pile that is not yet Accepted may still send.
 *
 * 2.0.1 B02.FR.09: while Pending, a station may send the messages the CSMS
 * itself asked for (TriggerMessage, GetBaseReport, ...).  When we send such
 * a command to a pile whose boot is not Accepted, the actions it causes
 * are allowed for a while; every other CALL still gets SecurityError.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_log.h"
#include "core/conn.h"

#define TRIGGER_WINDOW_MS (10 * 60 * 1000)

/* Command -> the pile message it causes (NULL: read requestedMessage). */
static const struct {
	const char *command;
	const char *causes;
} causes[] = {
	{ "CustomerInformation", "NotifyCustomerInformation" },
	{ "GetBaseReport", "NotifyReport" },
	{ "GetChargingProfiles", "ReportChargingProfiles" },
	{ "GetDisplayMessages", "NotifyDisplayMessages" },
	{ "GetLog", "LogStatusNotification" },
	{ "GetMonitoringReport", "NotifyMonitoringReport" },
	{ "GetReport", "NotifyReport" },
	{ "PublishFirmware", "PublishFirmwareStatusNotification" },
	{ "TriggerMessage", NULL },
	{ "UpdateFirmware", "FirmwareStatusNotification" },
};

/* TriggerMessage's requestedMessage words that are not action names. */
static const char *trigger_action(const char *word)
{
	if (!strcmp(word, "SignChargingStationCertificate") || !strcmp(word, "SignV2GCertificate") ||
	    !strcmp(word, "SignCombinedCertificate"))
		return "SignCertificate";
	return word;
}

static void allow(struct pile_conn *c, const char *action)
{
	int64_t now = gw_clock_mono_ms();
	struct triggered *tr = c->triggered;
	size_t slot = 0;

	if (!tr) {
		/* only piles not yet Accepted get here, so an accepted pile
		 * (nearly all of them) never carries this */
		tr = gw_calloc(1, sizeof(*tr));
		if (!tr) {
			gw_log(GW_LOG_WARN, "cp=%s out of memory: %s will get SecurityError",
			       c->identity, action);
			return;
		}
		c->triggered = tr;
	}
	for (size_t i = 0; i < TRIGGERED_MAX; i++) {
		if (!strcmp(tr->slot[i].action, action) || tr->slot[i].until_ms < now) {
			slot = i;
			break;
		}
		if (tr->slot[i].until_ms < tr->slot[slot].until_ms)
			slot = i;
	}
	snprintf(tr->slot[slot].action, sizeof(tr->slot[slot].action), "%s", action);
	tr->slot[slot].until_ms = now + TRIGGER_WINDOW_MS;
}

void triggered_note(struct pile_conn *c, const char *command, struct json_object *payload)
{
	if (c->registration == REG_ACCEPTED)
		return;
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		struct json_object *word;
		if (strcmp(causes[i].command, command))
			continue;
		if (causes[i].causes)
			allow(c, causes[i].causes);
		else if (json_object_object_get_ex(payload, "requestedMessage", &word))
			allow(c, trigger_action(json_object_get_string(word)));
	}
}

int triggered_allows(const struct pile_conn *c, const char *action)
{
	const struct triggered *tr = c->triggered;
	int64_t now;

	if (!tr)
		return 0;
	now = gw_clock_mono_ms();
	for (size_t i = 0; i < TRIGGERED_MAX; i++)
		if (tr->slot[i].until_ms >= now && !strcmp(tr->slot[i].action, action))
			return 1;
	return 0;
}

void triggered_free(struct pile_conn *c)
{
	GW_FREE(c->triggered);
}
