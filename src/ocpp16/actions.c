/* SPDX-License-Identifier: MIT
 *
 * actions.c - the OCPP 1.6 action table: one row per action of both
 * directions (core profiles plus the security extension), sorted by strcmp
 * for action_find()'s bsearch.  Every file pair in schemas/ocpp1.6/ has a
 * row and every row has its pair (tests/unit/ocpp16/test_actions.c).
 *
 * - CP->CS rows (ACT_FROM_PILE) carry the handler that answers them.
 * - CS->CP rows (ACT_TO_PILE) have no handler: a pile that sends one gets
 *   NotSupported, and gw_command_send() checks here that an action exists.
 * - DataTransfer goes both ways.
 * - ACT_TX marks the transaction-related messages of 1.6 core 3.7
 *   (StartTransaction, StopTransaction, MeterValues): reply after commit,
 *   never a CALLERROR for a storage failure.
 *
 * Before BootNotification is Accepted (ACT_PRE_BOOT).  1.6 tells the pile
 * not to send other requests before Accepted, but unlike 2.0.1 (errata
 * 3.10) it gives the central system no SecurityError rule, and refusing
 * costs more than it protects:
 *   - transaction messages queued offline must be taken whatever the boot
 *     state: a CALLERROR spends the pile's retry budget and the pile then
 *     discards the record - money lost (1.6 core 3.7.1, PROTOCOL.md 1.4
 *     rules 3-4).  The dispatcher carries an earlier acceptance across
 *     reconnects (a 1.6 pile boots after a start-up, not a reconnect), but
 *     a pile that charged before it was ever accepted here - new, moved
 *     from another central system, answered Pending - still holds them;
 *   - while Pending, a pile sends what our TriggerMessage asks for
 *     (Heartbeat, StatusNotification, MeterValues, firmware status...);
 *   - reports (StatusNotification, security events, ...) from a pile we do
 *     not accept are exactly the evidence we want to keep;
 *   - a pile we refuse outright never gets this far: the transport refuses
 *     its handshake.
 * So every CP->CS message is taken before acceptance (PILE_ANYTIME), except
 * SignCertificate: a certificate is a credential we grant, and it is only
 * granted to an accepted pile (the pile renews a month ahead, A03, so
 * waiting for its next boot costs nothing).
 */
#include "ocpp16/v16.h"

#define PILE_ANYTIME (ACT_FROM_PILE | ACT_PRE_BOOT)

static const struct action_row v16_rows[] = {
	{"Authorize", v16_authorize, PILE_ANYTIME},
	{"BootNotification", v16_boot_notification, PILE_ANYTIME},
	{"CancelReservation", NULL, ACT_TO_PILE},
	{"CertificateSigned", NULL, ACT_TO_PILE},
	{"ChangeAvailability", NULL, ACT_TO_PILE},
	{"ChangeConfiguration", NULL, ACT_TO_PILE},
	{"ClearCache", NULL, ACT_TO_PILE},
	{"ClearChargingProfile", NULL, ACT_TO_PILE},
	{"DataTransfer", v16_data_transfer, PILE_ANYTIME | ACT_TO_PILE},
	{"DeleteCertificate", NULL, ACT_TO_PILE},
	{"DiagnosticsStatusNotification", v16_diagnostics_status, PILE_ANYTIME},
	{"ExtendedTriggerMessage", NULL, ACT_TO_PILE},
	{"FirmwareStatusNotification", v16_firmware_status, PILE_ANYTIME},
	{"GetCompositeSchedule", NULL, ACT_TO_PILE},
	{"GetConfiguration", NULL, ACT_TO_PILE},
	{"GetDiagnostics", NULL, ACT_TO_PILE},
	{"GetInstalledCertificateIds", NULL, ACT_TO_PILE},
	{"GetLocalListVersion", NULL, ACT_TO_PILE},
	{"GetLog", NULL, ACT_TO_PILE},
	{"Heartbeat", v16_heartbeat, PILE_ANYTIME},
	{"InstallCertificate", NULL, ACT_TO_PILE},
	{"LogStatusNotification", v16_log_status, PILE_ANYTIME},
	{"MeterValues", v16_meter_values, PILE_ANYTIME | ACT_TX},
	{"RemoteStartTransaction", NULL, ACT_TO_PILE},
	{"RemoteStopTransaction", NULL, ACT_TO_PILE},
	{"ReserveNow", NULL, ACT_TO_PILE},
	{"Reset", NULL, ACT_TO_PILE},
	{"SecurityEventNotification", v16_security_event, PILE_ANYTIME},
	{"SendLocalList", NULL, ACT_TO_PILE},
	{"SetChargingProfile", NULL, ACT_TO_PILE},
	{"SignCertificate", v16_sign_certificate, ACT_FROM_PILE},
	{"SignedFirmwareStatusNotification", v16_signed_firmware_status, PILE_ANYTIME},
	{"SignedUpdateFirmware", NULL, ACT_TO_PILE},
	{"StartTransaction", v16_start_transaction, PILE_ANYTIME | ACT_TX},
	{"StatusNotification", v16_status_notification, PILE_ANYTIME},
	{"StopTransaction", v16_stop_transaction, PILE_ANYTIME | ACT_TX},
	{"TriggerMessage", NULL, ACT_TO_PILE},
	{"UnlockConnector", NULL, ACT_TO_PILE},
	{"UpdateFirmware", NULL, ACT_TO_PILE},
};

const struct action_table v16_actions = {
	.version = OCPP_16,
	.rows = v16_rows,
	.n_rows = sizeof(v16_rows) / sizeof(v16_rows[0]),
};
