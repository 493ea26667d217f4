/* SPDX-License-Identifier: MIT
 *
 * actions.c - the OCPP 2.0.1 action table: one row per action of either
 * direction, sorted by strcmp for bsearch (rpc/action.c action_find).
 *
 * Station -> CSMS rows carry a handler and ACT_FROM_PILE; ACT_TX marks the
 * transaction messages (commit before reply, PROTOCOL.md 1.4); only
 * BootNotification has ACT_PRE_BOOT (B02.FR.09 / errata 3.10: any other
 * CALL before Accepted gets SecurityError from the dispatcher).
 * CSMS -> station rows have no handler and ACT_TO_PILE: the command layer
 * uses them to know the action exists, and a pile that sends one to us gets
 * NotSupported.  DataTransfer goes both ways.
 * Adding a message = adding a row here and its handler in the family file;
 * tests/unit/ocpp201 checks the order and that schemas/ocpp2.0.1 and this
 * table name the same 64 actions.
 */
#include <stddef.h>

#include "ocpp201/v201.h"

static const struct action_row rows[] = {
	{"Authorize",                          v201_authorize, ACT_FROM_PILE},
	{"BootNotification",                   v201_boot_notification, ACT_FROM_PILE | ACT_PRE_BOOT},
	{"CancelReservation",                  NULL, ACT_TO_PILE},
	{"CertificateSigned",                  NULL, ACT_TO_PILE},
	{"ChangeAvailability",                 NULL, ACT_TO_PILE},
	{"ClearCache",                         NULL, ACT_TO_PILE},
	{"ClearChargingProfile",               NULL, ACT_TO_PILE},
	{"ClearDisplayMessage",                NULL, ACT_TO_PILE},
	{"ClearVariableMonitoring",            NULL, ACT_TO_PILE},
	{"ClearedChargingLimit",               v201_cleared_charging_limit, ACT_FROM_PILE},
	{"CostUpdated",                        NULL, ACT_TO_PILE},
	{"CustomerInformation",                NULL, ACT_TO_PILE},
	{"DataTransfer",                       v201_data_transfer, ACT_FROM_PILE | ACT_TO_PILE},
	{"DeleteCertificate",                  NULL, ACT_TO_PILE},
	{"FirmwareStatusNotification",         v201_firmware_status_notification, ACT_FROM_PILE},
	{"Get15118EVCertificate",              v201_get_15118_ev_certificate, ACT_FROM_PILE},
	{"GetBaseReport",                      NULL, ACT_TO_PILE},
	{"GetCertificateStatus",               v201_get_certificate_status, ACT_FROM_PILE},
	{"GetChargingProfiles",                NULL, ACT_TO_PILE},
	{"GetCompositeSchedule",               NULL, ACT_TO_PILE},
	{"GetDisplayMessages",                 NULL, ACT_TO_PILE},
	{"GetInstalledCertificateIds",         NULL, ACT_TO_PILE},
	{"GetLocalListVersion",                NULL, ACT_TO_PILE},
	{"GetLog",                             NULL, ACT_TO_PILE},
	{"GetMonitoringReport",                NULL, ACT_TO_PILE},
	{"GetReport",                          NULL, ACT_TO_PILE},
	{"GetTransactionStatus",               NULL, ACT_TO_PILE},
	{"GetVariables",                       NULL, ACT_TO_PILE},
	{"Heartbeat",                          v201_heartbeat, ACT_FROM_PILE},
	{"InstallCertificate",                 NULL, ACT_TO_PILE},
	{"LogStatusNotification",              v201_log_status_notification, ACT_FROM_PILE},
	{"MeterValues",                        v201_meter_values, ACT_FROM_PILE | ACT_TX},
	{"NotifyChargingLimit",                v201_notify_charging_limit, ACT_FROM_PILE},
	{"NotifyCustomerInformation",          v201_notify_customer_information, ACT_FROM_PILE},
	{"NotifyDisplayMessages",              v201_notify_display_messages, ACT_FROM_PILE},
	{"NotifyEVChargingNeeds",              v201_notify_ev_charging_needs, ACT_FROM_PILE},
	{"NotifyEVChargingSchedule",           v201_notify_ev_charging_schedule, ACT_FROM_PILE},
	{"NotifyEvent",                        v201_notify_event, ACT_FROM_PILE},
	{"NotifyMonitoringReport",             v201_notify_monitoring_report, ACT_FROM_PILE},
	{"NotifyReport",                       v201_notify_report, ACT_FROM_PILE},
	{"PublishFirmware",                    NULL, ACT_TO_PILE},
	{"PublishFirmwareStatusNotification",  v201_publish_firmware_status_notification, ACT_FROM_PILE},
	{"ReportChargingProfiles",             v201_report_charging_profiles, ACT_FROM_PILE},
	{"RequestStartTransaction",            NULL, ACT_TO_PILE},
	{"RequestStopTransaction",             NULL, ACT_TO_PILE},
	{"ReservationStatusUpdate",            v201_reservation_status_update, ACT_FROM_PILE},
	{"ReserveNow",                         NULL, ACT_TO_PILE},
	{"Reset",                              NULL, ACT_TO_PILE},
	{"SecurityEventNotification",          v201_security_event_notification, ACT_FROM_PILE},
	{"SendLocalList",                      NULL, ACT_TO_PILE},
	{"SetChargingProfile",                 NULL, ACT_TO_PILE},
	{"SetDisplayMessage",                  NULL, ACT_TO_PILE},
	{"SetMonitoringBase",                  NULL, ACT_TO_PILE},
	{"SetMonitoringLevel",                 NULL, ACT_TO_PILE},
	{"SetNetworkProfile",                  NULL, ACT_TO_PILE},
	{"SetVariableMonitoring",              NULL, ACT_TO_PILE},
	{"SetVariables",                       NULL, ACT_TO_PILE},
	{"SignCertificate",                    v201_sign_certificate, ACT_FROM_PILE},
	{"StatusNotification",                 v201_status_notification, ACT_FROM_PILE},
	{"TransactionEvent",                   v201_transaction_event, ACT_FROM_PILE | ACT_TX},
	{"TriggerMessage",                     NULL, ACT_TO_PILE},
	{"UnlockConnector",                    NULL, ACT_TO_PILE},
	{"UnpublishFirmware",                  NULL, ACT_TO_PILE},
	{"UpdateFirmware",                     NULL, ACT_TO_PILE},
};

const struct action_table v201_actions = {
	.version = OCPP_201,
	.rows = rows,
	.n_rows = sizeof(rows) / sizeof(rows[0]),
};
