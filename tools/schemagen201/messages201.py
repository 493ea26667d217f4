"""The 64 OCPP 2.0.1 actions: description, request fields, response fields.

customData is added to every payload by gen.py, so an empty list means a
payload that carries nothing else.
"""
from dsl import (S, I, N, B, DT, ANY, R, A, req, opt, EVSE_ID, CONNECTOR_ID, SEQ_NO,
                 TX_ID, REQUEST_ID, TBC, GENERATED_AT, STATUS_INFO)


def status(enum_name):
    """The usual response: a status and optional detail."""
    return [req("status", R(enum_name)), opt("statusInfo", STATUS_INFO)]


# action -> (what it is for, request fields, response fields). Sorted by action.
MESSAGES = {
    "Authorize": ("Station asks whether an IdToken may charge.", [
        req("idToken", R("IdTokenType")),
        opt("certificate", S(5500, desc="PEM contract certificate, when the EV sent one.")),
        opt("iso15118CertificateHashData", A(R("OCSPRequestDataType"), 1, 4)),
    ], [
        req("idTokenInfo", R("IdTokenInfoType")),
        opt("certificateStatus", R("AuthorizeCertificateStatusEnumType")),
    ]),
    "BootNotification": ("Station announces itself after a (re)boot.", [
        req("chargingStation", R("ChargingStationType")),
        req("reason", R("BootReasonEnumType")),
    ], [
        req("currentTime", DT()),
        req("interval", I(desc="Heartbeat interval in seconds when Accepted, retry delay otherwise.")),
        req("status", R("RegistrationStatusEnumType")),
        opt("statusInfo", STATUS_INFO),
    ]),
    "CancelReservation": ("CSMS cancels a reservation.", [
        req("reservationId", I()),
    ], status("CancelReservationStatusEnumType")),
    "CertificateSigned": ("CSMS delivers a signed certificate chain.", [
        req("certificateChain", S(10000, desc="PEM chain, leaf first.")),
        opt("certificateType", R("CertificateSigningUseEnumType")),
    ], status("CertificateSignedStatusEnumType")),
    "ChangeAvailability": ("CSMS makes the station, an EVSE or a connector (in)operative.", [
        opt("evse", R("EVSEType")),
        req("operationalStatus", R("OperationalStatusEnumType")),
    ], status("ChangeAvailabilityStatusEnumType")),
    "ClearCache": ("CSMS clears the authorization cache.", [
    ], status("ClearCacheStatusEnumType")),
    "ClearChargingProfile": ("CSMS removes charging profiles by id or by criteria.", [
        opt("chargingProfileId", I()),
        opt("chargingProfileCriteria", R("ClearChargingProfileType")),
    ], status("ClearChargingProfileStatusEnumType")),
    "ClearDisplayMessage": ("CSMS removes a display message.", [
        req("id", I()),
    ], status("ClearMessageStatusEnumType")),
    "ClearedChargingLimit": ("Station reports that an external charging limit was lifted.", [
        req("chargingLimitSource", R("ChargingLimitSourceEnumType")),
        opt("evseId", EVSE_ID),
    ], []),
    "ClearVariableMonitoring": ("CSMS removes monitors by id.", [
        req("id", A(I())),
    ], [
        req("clearMonitoringResult", A(R("ClearMonitoringResultType"))),
    ]),
    "CostUpdated": ("CSMS sends the running cost of a transaction.", [
        req("totalCost", N(desc="Total cost so far, in the configured currency.")),
        req("transactionId", TX_ID),
    ], []),
    "CustomerInformation": ("CSMS asks for (or clears) what the station keeps about a customer.", [
        opt("customerCertificate", R("CertificateHashDataType")),
        opt("idToken", R("IdTokenType")),
        req("requestId", REQUEST_ID),
        req("report", B()),
        req("clear", B()),
        opt("customerIdentifier", S(64)),
    ], status("CustomerInformationStatusEnumType")),
    "DataTransfer": ("Vendor-specific message, in either direction.", [
        opt("messageId", S(50)),
        opt("data", ANY("Vendor-defined content of any JSON type.")),
        req("vendorId", S(255)),
    ], status("DataTransferStatusEnumType") + [
        opt("data", ANY("Vendor-defined content of any JSON type.")),
    ]),
    "DeleteCertificate": ("CSMS deletes an installed certificate.", [
        req("certificateHashData", R("CertificateHashDataType")),
    ], status("DeleteCertificateStatusEnumType")),
    "FirmwareStatusNotification": ("Station reports firmware update progress.", [
        req("status", R("FirmwareStatusEnumType")),
        opt("requestId", REQUEST_ID),
    ], []),
    "Get15118EVCertificate": ("Station relays an EV's contract certificate request.", [
        req("iso15118SchemaVersion", S(50)),
        req("action", R("CertificateActionEnumType")),
        req("exiRequest", S(5600, desc="Base64 EXI request from the EV.")),
    ], status("Iso15118EVCertificateStatusEnumType") + [
        req("exiResponse", S(5600, desc="Base64 EXI response for the EV.")),
    ]),
    "GetBaseReport": ("CSMS asks for a predefined device model report.", [
        req("requestId", REQUEST_ID),
        req("reportBase", R("ReportBaseEnumType")),
    ], status("GenericDeviceModelStatusEnumType")),
    "GetCertificateStatus": ("Station asks the CSMS for the OCSP status of a certificate.", [
        req("ocspRequestData", R("OCSPRequestDataType")),
    ], status("GetCertificateStatusEnumType") + [
        opt("ocspResult", S(5500, desc="Base64 DER OCSP response.")),
    ]),
    "GetChargingProfiles": ("CSMS asks for installed charging profiles.", [
        req("requestId", REQUEST_ID),
        opt("evseId", EVSE_ID),
        req("chargingProfile", R("ChargingProfileCriterionType")),
    ], status("GetChargingProfileStatusEnumType")),
    "GetCompositeSchedule": ("CSMS asks for the resulting schedule of an EVSE.", [
        req("duration", I(desc="In seconds.")),
        opt("chargingRateUnit", R("ChargingRateUnitEnumType")),
        req("evseId", EVSE_ID),
    ], status("GenericStatusEnumType") + [
        opt("schedule", R("CompositeScheduleType")),
    ]),
    "GetDisplayMessages": ("CSMS asks for configured display messages.", [
        opt("id", A(I())),
        req("requestId", REQUEST_ID),
        opt("priority", R("MessagePriorityEnumType")),
        opt("state", R("MessageStateEnumType")),
    ], status("GetDisplayMessagesStatusEnumType")),
    "GetInstalledCertificateIds": ("CSMS asks which certificates are installed.", [
        opt("certificateType", A(R("GetCertificateIdUseEnumType"))),
    ], status("GetInstalledCertificateStatusEnumType") + [
        opt("certificateHashDataChain", A(R("CertificateHashDataChainType"))),
    ]),
    "GetLocalListVersion": ("CSMS asks for the version of the local authorization list.", [
    ], [
        req("versionNumber", I()),
    ]),
    "GetLog": ("CSMS asks the station to upload a log.", [
        req("log", R("LogParametersType")),
        req("logType", R("LogEnumType")),
        req("requestId", REQUEST_ID),
        opt("retries", I()),
        opt("retryInterval", I(desc="In seconds.")),
    ], status("LogStatusEnumType") + [
        opt("filename", S(255)),
    ]),
    "GetMonitoringReport": ("CSMS asks for a report of the monitors.", [
        opt("componentVariable", A(R("ComponentVariableType"))),
        req("requestId", REQUEST_ID),
        opt("monitoringCriteria", A(R("MonitoringCriterionEnumType"), 1, 3)),
    ], status("GenericDeviceModelStatusEnumType")),
    "GetReport": ("CSMS asks for a filtered device model report.", [
        opt("componentVariable", A(R("ComponentVariableType"))),
        req("requestId", REQUEST_ID),
        opt("componentCriteria", A(R("ComponentCriterionEnumType"), 1, 4)),
    ], status("GenericDeviceModelStatusEnumType")),
    "GetTransactionStatus": ("CSMS asks whether transaction messages are still queued.", [
        opt("transactionId", TX_ID),
    ], [
        opt("ongoingIndicator", B()),
        req("messagesInQueue", B()),
    ]),
    "GetVariables": ("CSMS reads device model variables.", [
        req("getVariableData", A(R("GetVariableDataType"))),
    ], [
        req("getVariableResult", A(R("GetVariableResultType"))),
    ]),
    "Heartbeat": ("Station says it is alive and asks for the time.", [
    ], [
        req("currentTime", DT()),
    ]),
    "InstallCertificate": ("CSMS installs a root certificate.", [
        req("certificateType", R("InstallCertificateUseEnumType")),
        req("certificate", S(5500, desc="PEM certificate.")),
    ], status("InstallCertificateStatusEnumType")),
    "LogStatusNotification": ("Station reports log upload progress.", [
        req("status", R("UploadLogStatusEnumType")),
        opt("requestId", REQUEST_ID),
    ], []),
    "MeterValues": ("Station sends meter values outside a transaction.", [
        req("evseId", EVSE_ID),
        req("meterValue", A(R("MeterValueType"))),
    ], []),
    "NotifyChargingLimit": ("Station reports a charging limit set by an external source.", [
        opt("chargingSchedule", A(R("ChargingScheduleType"))),
        opt("evseId", EVSE_ID),
        req("chargingLimit", R("ChargingLimitType")),
    ], []),
    "NotifyCustomerInformation": ("Station sends (part of) the customer information asked for.", [
        req("data", S(512)),
        opt("tbc", TBC),
        req("seqNo", SEQ_NO),
        req("generatedAt", GENERATED_AT),
        req("requestId", REQUEST_ID),
    ], []),
    "NotifyDisplayMessages": ("Station sends (part of) the display messages asked for.", [
        opt("messageInfo", A(R("MessageInfoType"))),
        req("requestId", REQUEST_ID),
        opt("tbc", TBC),
    ], []),
    "NotifyEVChargingNeeds": ("Station relays the EV's charging needs.", [
        opt("maxScheduleTuples", I()),
        req("chargingNeeds", R("ChargingNeedsType")),
        req("evseId", EVSE_ID),
    ], status("NotifyEVChargingNeedsStatusEnumType")),
    "NotifyEVChargingSchedule": ("Station relays the schedule the EV chose.", [
        req("timeBase", DT()),
        req("chargingSchedule", R("ChargingScheduleType")),
        req("evseId", EVSE_ID),
    ], status("GenericStatusEnumType")),
    "NotifyEvent": ("Station reports monitor events.", [
        req("generatedAt", GENERATED_AT),
        opt("tbc", TBC),
        req("seqNo", SEQ_NO),
        req("eventData", A(R("EventDataType"))),
    ], []),
    "NotifyMonitoringReport": ("Station sends (part of) a monitoring report.", [
        opt("monitor", A(R("MonitoringDataType"))),
        req("requestId", REQUEST_ID),
        opt("tbc", TBC),
        req("seqNo", SEQ_NO),
        req("generatedAt", GENERATED_AT),
    ], []),
    "NotifyReport": ("Station sends (part of) a device model report.", [
        req("requestId", REQUEST_ID),
        req("generatedAt", GENERATED_AT),
        opt("reportData", A(R("ReportDataType"))),
        opt("tbc", TBC),
        req("seqNo", SEQ_NO),
    ], []),
    "PublishFirmware": ("CSMS asks a local controller to publish firmware.", [
        req("location", S(512)),
        opt("retries", I()),
        req("checksum", S(32, desc="MD5 of the firmware file, hex.")),
        req("requestId", REQUEST_ID),
        opt("retryInterval", I(desc="In seconds.")),
    ], status("GenericStatusEnumType")),
    "PublishFirmwareStatusNotification": ("Local controller reports publishing progress.", [
        req("status", R("PublishFirmwareStatusEnumType")),
        opt("location", A(S(512), desc="URIs where the firmware is published, when Published.")),
        opt("requestId", REQUEST_ID),
    ], []),
    "ReportChargingProfiles": ("Station sends (part of) the charging profiles asked for.", [
        req("requestId", REQUEST_ID),
        req("chargingLimitSource", R("ChargingLimitSourceEnumType")),
        req("chargingProfile", A(R("ChargingProfileType"))),
        opt("tbc", TBC),
        req("evseId", EVSE_ID),
    ], []),
    "RequestStartTransaction": ("CSMS asks the station to start a transaction.", [
        opt("evseId", I(1, desc="EVSE to start on; absent lets the station choose.")),
        req("remoteStartId", I()),
        req("idToken", R("IdTokenType")),
        opt("chargingProfile", R("ChargingProfileType")),
        opt("groupIdToken", R("IdTokenType")),
    ], status("RequestStartStopStatusEnumType") + [
        opt("transactionId", TX_ID),
    ]),
    "RequestStopTransaction": ("CSMS asks the station to stop a transaction.", [
        req("transactionId", TX_ID),
    ], status("RequestStartStopStatusEnumType")),
    "ReservationStatusUpdate": ("Station reports that a reservation ended.", [
        req("reservationId", I()),
        req("reservationUpdateStatus", R("ReservationUpdateStatusEnumType")),
    ], []),
    "ReserveNow": ("CSMS reserves an EVSE (or any EVSE) for an IdToken.", [
        req("id", I()),
        req("expiryDateTime", DT()),
        opt("connectorType", R("ConnectorEnumType")),
        req("idToken", R("IdTokenType")),
        opt("evseId", EVSE_ID),
        opt("groupIdToken", R("IdTokenType")),
    ], status("ReserveNowStatusEnumType")),
    "Reset": ("CSMS resets the station or an EVSE.", [
        req("type", R("ResetEnumType")),
        opt("evseId", EVSE_ID),
    ], status("ResetStatusEnumType")),
    "SecurityEventNotification": ("Station reports a security event.", [
        req("type", S(50, desc="Security event name, e.g. from the spec's security event list.")),
        req("timestamp", DT()),
        opt("techInfo", S(255)),
    ], []),
    "SendLocalList": ("CSMS sends (an update of) the local authorization list.", [
        opt("localAuthorizationList", A(R("AuthorizationData"))),
        req("versionNumber", I()),
        req("updateType", R("UpdateEnumType")),
    ], status("SendLocalListStatusEnumType")),
    "SetChargingProfile": ("CSMS installs a charging profile.", [
        req("evseId", EVSE_ID),
        req("chargingProfile", R("ChargingProfileType")),
    ], status("ChargingProfileStatusEnumType")),
    "SetDisplayMessage": ("CSMS configures a display message.", [
        req("message", R("MessageInfoType")),
    ], status("DisplayMessageStatusEnumType")),
    "SetMonitoringBase": ("CSMS selects a base set of monitors.", [
        req("monitoringBase", R("MonitoringBaseEnumType")),
    ], status("GenericDeviceModelStatusEnumType")),
    "SetMonitoringLevel": ("CSMS sets the severity threshold for reported events.", [
        req("severity", I(0, 9, desc="Report events of this severity and more severe (lower).")),
    ], status("GenericStatusEnumType")),
    "SetNetworkProfile": ("CSMS writes a network connection profile into a slot.", [
        req("configurationSlot", I()),
        req("connectionData", R("NetworkConnectionProfileType")),
    ], status("SetNetworkProfileStatusEnumType")),
    "SetVariableMonitoring": ("CSMS sets monitors on variables.", [
        req("setMonitoringData", A(R("SetMonitoringDataType"))),
    ], [
        req("setMonitoringResult", A(R("SetMonitoringResultType"))),
    ]),
    "SetVariables": ("CSMS writes device model variables.", [
        req("setVariableData", A(R("SetVariableDataType"))),
    ], [
        req("setVariableResult", A(R("SetVariableResultType"))),
    ]),
    "SignCertificate": ("Station sends a CSR for the CSMS to have signed.", [
        req("csr", S(5500, desc="PEM certificate signing request.")),
        opt("certificateType", R("CertificateSigningUseEnumType")),
    ], status("GenericStatusEnumType")),
    "StatusNotification": ("Station reports the status of a connector.", [
        req("timestamp", DT()),
        req("connectorStatus", R("ConnectorStatusEnumType")),
        req("evseId", EVSE_ID),
        req("connectorId", CONNECTOR_ID),
    ], []),
    "TransactionEvent": ("Station reports a transaction start, update or end.", [
        req("eventType", R("TransactionEventEnumType")),
        opt("meterValue", A(R("MeterValueType"))),
        req("timestamp", DT()),
        req("triggerReason", R("TriggerReasonEnumType")),
        req("seqNo", SEQ_NO),
        opt("offline", B(desc="True when the event happened while offline. Absent means false.")),
        opt("numberOfPhasesUsed", I()),
        opt("cableMaxCurrent", I(desc="Maximum current of the cable, in A.")),
        opt("reservationId", I()),
        req("transactionInfo", R("TransactionType")),
        opt("evse", R("EVSEType")),
        opt("idToken", R("IdTokenType")),
    ], [
        opt("totalCost", N(desc="Running or final cost, in the configured currency.")),
        opt("chargingPriority", I()),
        opt("idTokenInfo", R("IdTokenInfoType")),
        opt("updatedPersonalMessage", R("MessageContentType")),
    ]),
    "TriggerMessage": ("CSMS asks the station to send a given message.", [
        opt("evse", R("EVSEType")),
        req("requestedMessage", R("MessageTriggerEnumType")),
    ], status("TriggerMessageStatusEnumType")),
    "UnlockConnector": ("CSMS asks the station to unlock a connector.", [
        req("evseId", EVSE_ID),
        req("connectorId", CONNECTOR_ID),
    ], status("UnlockStatusEnumType")),
    "UnpublishFirmware": ("CSMS asks a local controller to stop publishing firmware.", [
        req("checksum", S(32, desc="MD5 of the firmware file, hex.")),
    ], [
        req("status", R("UnpublishFirmwareStatusEnumType")),
    ]),
    "UpdateFirmware": ("CSMS asks the station to update its firmware.", [
        opt("retries", I()),
        opt("retryInterval", I(desc="In seconds.")),
        req("requestId", REQUEST_ID),
        req("firmware", R("FirmwareType")),
    ], status("UpdateFirmwareStatusEnumType")),
}
