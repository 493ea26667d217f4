#!/usr/bin/env python3
"""Check schemas/ocpp1.6/ against our house rules and a few real payloads.

1. Every action of OCPP 1.6 (28) and of the security extension (11) has
   <Action>Request.json and <Action>Response.json, and there is nothing else.
2. Each file is valid JSON, pretty-printed with 2-space indentation and ends
   with a newline (the same text json.tool-style dumping gives back).
3. Only the keywords our C loader accepts are used, each where it makes sense;
   every object has "additionalProperties": false; every $ref is local and
   resolves; no definition is unused.
4. The files are exactly what tools/schemagen16/gen.py produces.
5. A tiny validator (written here, supporting only that keyword set) accepts
   a handful of realistic payloads and rejects broken ones.

Run: python3 tools/schemagen16/check.py   (exit status 0 = all good)
"""

import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCHEMA_DIR = os.path.join(REPO, "schemas", "ocpp1.6")

CORE_ACTIONS = [
    "Authorize", "BootNotification", "CancelReservation", "ChangeAvailability",
    "ChangeConfiguration", "ClearCache", "ClearChargingProfile", "DataTransfer",
    "DiagnosticsStatusNotification", "FirmwareStatusNotification",
    "GetCompositeSchedule", "GetConfiguration", "GetDiagnostics",
    "GetLocalListVersion", "Heartbeat", "MeterValues", "RemoteStartTransaction",
    "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList",
    "SetChargingProfile", "StartTransaction", "StatusNotification",
    "StopTransaction", "TriggerMessage", "UnlockConnector", "UpdateFirmware",
]
SECURITY_ACTIONS = [
    "CertificateSigned", "DeleteCertificate", "ExtendedTriggerMessage",
    "GetInstalledCertificateIds", "GetLog", "InstallCertificate",
    "LogStatusNotification", "SecurityEventNotification", "SignCertificate",
    "SignedFirmwareStatusNotification", "SignedUpdateFirmware",
]
ACTIONS = CORE_ACTIONS + SECURITY_ACTIONS

ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment"}
KEYWORDS = ANNOTATIONS | {
    "definitions", "$ref", "type", "properties", "required",
    "additionalProperties", "enum", "minLength", "maxLength", "minimum",
    "maximum", "items", "minItems", "maxItems", "format",
}
TYPES = {"object", "array", "string", "integer", "number", "boolean"}
FORMATS = {"date-time", "uri"}
# Which keywords make sense with which type.
FOR_TYPE = {
    "object": {"properties", "required", "additionalProperties"},
    "array": {"items", "minItems", "maxItems"},
    "string": {"enum", "minLength", "maxLength", "format"},
    "integer": {"minimum", "maximum"},
    "number": {"minimum", "maximum"},
    "boolean": set(),
}
REF_RE = re.compile(r"^#/definitions/([A-Za-z0-9_]+)$")

problems = []


def problem(where, msg):
    problems.append("%s: %s" % (where, msg))


# --------------------------------------------------------------------------
# Structure checks.

def is_uint(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def check_schema(node, where, defs, used):
    if not isinstance(node, dict):
        problem(where, "schema is not an object")
        return
    for k in node:
        if k not in KEYWORDS:
            problem(where, "keyword not allowed: " + k)
    for k in ANNOTATIONS & set(node):
        if not isinstance(node[k], str):
            problem(where, k + " must be a string")

    if "$ref" in node:
        m = REF_RE.match(node["$ref"]) if isinstance(node["$ref"], str) else None
        if not m:
            problem(where, "bad $ref " + repr(node["$ref"]))
        elif m.group(1) not in defs:
            problem(where, "unresolved $ref " + node["$ref"])
        else:
            used.add(m.group(1))
        extra = set(node) - ANNOTATIONS - {"$ref"}
        if extra:
            problem(where, "$ref with sibling keywords %s" % sorted(extra))
        return

    t = node.get("type")
    if not isinstance(t, str) or t not in TYPES:
        problem(where, "type missing or not one of %s: %r" % (sorted(TYPES), t))
        return
    allowed_here = ANNOTATIONS | {"type", "definitions"} | FOR_TYPE[t]
    for k in node:
        if k in KEYWORDS and k not in allowed_here:
            problem(where, "keyword %s makes no sense on type %s" % (k, t))

    if t == "object":
        props = node.get("properties")
        if not isinstance(props, dict):
            problem(where, "object without properties")
            props = {}
        if node.get("additionalProperties") is not False:
            problem(where, "object must have additionalProperties: false")
        req = node.get("required")
        if req is not None:
            if not isinstance(req, list) or not req or not all(isinstance(r, str) for r in req):
                problem(where, "required must be a non-empty list of names")
            else:
                if len(set(req)) != len(req):
                    problem(where, "duplicate names in required")
                for r in req:
                    if r not in props:
                        problem(where, "required names unknown property " + r)
        for name, sub in props.items():
            check_schema(sub, where + "/properties/" + name, defs, used)
    elif t == "array":
        if "items" not in node:
            problem(where, "array without items")
        else:
            check_schema(node["items"], where + "/items", defs, used)
        for k in ("minItems", "maxItems"):
            if k in node and not is_uint(node[k]):
                problem(where, k + " must be a non-negative integer")
    elif t == "string":
        if "enum" in node:
            e = node["enum"]
            if not isinstance(e, list) or not e or not all(isinstance(x, str) for x in e):
                problem(where, "enum must be a non-empty list of strings")
            elif len(set(e)) != len(e):
                problem(where, "duplicate enum values")
        for k in ("minLength", "maxLength"):
            if k in node and not is_uint(node[k]):
                problem(where, k + " must be a non-negative integer")
        if "format" in node and node["format"] not in FORMATS:
            problem(where, "format must be one of %s" % sorted(FORMATS))
    elif t in ("integer", "number"):
        for k in ("minimum", "maximum"):
            if k in node and (isinstance(node[k], bool) or not isinstance(node[k], (int, float))):
                problem(where, k + " must be a number")


def check_file(name, text):
    where = name
    try:
        doc = json.loads(text)
    except ValueError as e:
        problem(where, "invalid JSON: %s" % e)
        return None
    if text != json.dumps(doc, indent=2, ensure_ascii=False) + "\n":
        problem(where, "not pretty-printed with 2-space indent and a final newline")
    base = name[:-len(".json")]
    if doc.get("$schema") != "http://json-schema.org/draft-04/schema#":
        problem(where, "$schema must be draft-04")
    if doc.get("$id") != "urn:ocppgw:ocpp1.6:" + base:
        problem(where, "$id must be urn:ocppgw:ocpp1.6:" + base)
    if doc.get("title") != base:
        problem(where, "title must be " + base)
    if doc.get("type") != "object":
        problem(where, "root must be an object")
    defs = doc.get("definitions", {})
    if not isinstance(defs, dict):
        problem(where, "definitions must be an object")
        defs = {}
    used = set()
    root = {k: v for k, v in doc.items() if k != "definitions"}
    check_schema(root, where + "#", defs, used)
    # Definitions are checked for what they reference too; iterate until
    # the set of used names stops growing so that unused ones are found.
    checked = set()
    while used - checked:
        for d in sorted(used - checked):
            checked.add(d)
            check_schema(defs[d], where + "#/definitions/" + d, defs, used)
    for d in sorted(set(defs) - used):
        problem(where, "unused definition " + d)
    return doc


def check_tree():
    present = sorted(f for f in os.listdir(SCHEMA_DIR) if f.endswith(".json"))
    others = sorted(f for f in os.listdir(SCHEMA_DIR) if not f.endswith(".json"))
    for f in others:
        problem(f, "unexpected non-JSON file in schemas/ocpp1.6")
    expected = {a + k + ".json" for a in ACTIONS for k in ("Request", "Response")}
    for f in sorted(expected - set(present)):
        problem(f, "missing")
    for f in sorted(set(present) - expected):
        problem(f, "not an OCPP 1.6 action we know")
    docs = {}
    for f in present:
        with open(os.path.join(SCHEMA_DIR, f), encoding="utf-8") as fh:
            text = fh.read()
        before = len(problems)
        doc = check_file(f, text)
        if doc is not None and len(problems) == before:
            docs[f[:-len(".json")]] = doc  # only sound files get samples run
    return docs


def check_generator():
    sys.dont_write_bytecode = True  # leave no __pycache__ in the tree
    sys.path.insert(0, HERE)
    import gen  # noqa: E402  (the generator next to this file)
    files = gen.all_files()
    for name, text in sorted(files.items()):
        path = os.path.join(SCHEMA_DIR, name)
        if not os.path.exists(path):
            continue  # reported by check_tree
        with open(path, encoding="utf-8") as fh:
            if fh.read() != text:
                problem(name, "differs from what gen.py produces")
    for name in set(ACTIONS[i] + k + ".json" for i in range(len(ACTIONS)) for k in ("Request", "Response")) - set(files):
        problem(name, "gen.py does not produce it")


# --------------------------------------------------------------------------
# A tiny validator for exactly our keyword set.

DATE_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def date_time_ok(v):
    m = DATE_TIME_RE.match(v)
    if not m:
        return False
    y, mo, d, h, mi, s = (int(m.group(k)) for k in range(1, 7))
    try:
        datetime.datetime(y, mo, d, h, mi, min(s, 59))  # allow a leap second
    except ValueError:
        return False
    return s <= 60


def json_type(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def validate(schema, value, root, path="$"):
    errs = []
    if "$ref" in schema:
        name = REF_RE.match(schema["$ref"]).group(1)
        return validate(root["definitions"][name], value, root, path)
    t = schema["type"]
    jt = json_type(value)
    if not (jt == t or (t == "number" and jt == "integer")):
        return ["%s: expected %s, got %s" % (path, t, jt)]
    if t == "object":
        props = schema["properties"]
        for r in schema.get("required", []):
            if r not in value:
                errs.append("%s: missing required %s" % (path, r))
        for k, v in value.items():
            if k in props:
                errs += validate(props[k], v, root, path + "." + k)
            elif schema.get("additionalProperties") is False:
                errs.append("%s: unexpected property %s" % (path, k))
    elif t == "array":
        if "minItems" in schema and len(value) < schema["minItems"]:
            errs.append("%s: fewer than %d items" % (path, schema["minItems"]))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errs.append("%s: more than %d items" % (path, schema["maxItems"]))
        for n, v in enumerate(value):
            errs += validate(schema["items"], v, root, "%s[%d]" % (path, n))
    elif t == "string":
        if "enum" in schema and value not in schema["enum"]:
            errs.append("%s: %r not in enum" % (path, value))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errs.append("%s: longer than %d" % (path, schema["maxLength"]))
        if "minLength" in schema and len(value) < schema["minLength"]:
            errs.append("%s: shorter than %d" % (path, schema["minLength"]))
        f = schema.get("format")
        if f == "date-time" and not date_time_ok(value):
            errs.append("%s: not a date-time: %r" % (path, value))
        if f == "uri" and not URI_RE.match(value):
            errs.append("%s: not a uri: %r" % (path, value))
    elif t in ("integer", "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append("%s: below minimum %s" % (path, schema["minimum"]))
        if "maximum" in schema and value > schema["maximum"]:
            errs.append("%s: above maximum %s" % (path, schema["maximum"]))
    return errs


# --------------------------------------------------------------------------
# Sample payloads: (schema name, payload, should it pass?, label).

PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"

METER_VALUES = {
    "connectorId": 1,
    "transactionId": 1042,
    "meterValue": [{
        "timestamp": "2024-05-01T10:15:00Z",
        "sampledValue": [
            {"value": "123456", "context": "Sample.Periodic", "format": "Raw",
             "measurand": "Energy.Active.Import.Register", "location": "Outlet", "unit": "Wh"},
            {"value": "7.2", "context": "Sample.Periodic",
             "measurand": "Power.Active.Import", "unit": "kW"},
            {"value": "31.4", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
            {"value": "57", "measurand": "SoC", "location": "EV", "unit": "Percent"},
            {"value": "41.5", "measurand": "Temperature", "location": "Body", "unit": "Celcius"},
        ],
    }],
}

STOP_TRANSACTION = {
    "idTag": "04A2B3C4D5E6F7",
    "meterStop": 131200,
    "timestamp": "2024-05-01T11:02:31.250+02:00",
    "transactionId": 1042,
    "reason": "EVDisconnected",
    "transactionData": [
        {"timestamp": "2024-05-01T10:00:02+02:00",
         "sampledValue": [{"value": "123000", "context": "Transaction.Begin",
                           "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]},
        {"timestamp": "2024-05-01T11:02:31+02:00",
         "sampledValue": [{"value": "131.2", "context": "Transaction.End",
                           "measurand": "Energy.Active.Import.Register", "unit": "kWh"}]},
    ],
}

CHARGING_PROFILE = {
    "chargingProfileId": 7,
    "transactionId": 1042,
    "stackLevel": 0,
    "chargingProfilePurpose": "TxProfile",
    "chargingProfileKind": "Absolute",
    "validTo": "2024-05-01T12:00:00Z",
    "chargingSchedule": {
        "duration": 3600,
        "startSchedule": "2024-05-01T10:00:00Z",
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": 16.5, "numberPhases": 3},
            {"startPeriod": 1800, "limit": 10},
        ],
        "minChargingRate": 6.0,
    },
}


def with_(base, **changes):
    out = json.loads(json.dumps(base))
    for k, v in changes.items():
        if v is DROP:
            out.pop(k, None)
        else:
            out[k] = v
    return out


DROP = object()

BOOT = {
    "chargePointVendor": "Alfen BV",
    "chargePointModel": "NG920-61001",
    "chargePointSerialNumber": "ACE0123456",
    "chargeBoxSerialNumber": "ACE0123456",
    "firmwareVersion": "6.1.0-4231",
    "iccid": "8931081234567890123",
    "imsi": "204081234567890",
    "meterType": "Carlo Gavazzi EM340",
    "meterSerialNumber": "KY1234567",
}

SAMPLES = [
    # Core: the charge point's side.
    ("BootNotificationRequest", BOOT, True, "real boot"),
    ("BootNotificationRequest", with_(BOOT, chargePointVendor="A" * 21), False, "vendor over 20"),
    ("BootNotificationRequest", with_(BOOT, chargePointModel=DROP), False, "model missing"),
    ("BootNotificationRequest", with_(BOOT, extra="x"), False, "unknown field"),
    ("BootNotificationResponse", {"status": "Accepted", "currentTime": "2024-05-01T10:00:00.000Z", "interval": 300}, True, "accepted"),
    ("BootNotificationResponse", {"status": "OK", "currentTime": "2024-05-01T10:00:00Z", "interval": 300}, False, "bad status"),
    ("HeartbeatRequest", {}, True, "empty"),
    ("HeartbeatRequest", {"foo": 1}, False, "not empty"),
    ("HeartbeatResponse", {"currentTime": "2024-05-01 10:00:00"}, False, "space instead of T"),
    ("AuthorizeResponse", {"idTagInfo": {"status": "Accepted", "expiryDate": "2024-06-01T00:00:00Z", "parentIdTag": "GROUP1"}}, True, "accepted tag"),
    ("StartTransactionRequest", {"connectorId": 1, "idTag": "04A2B3C4D5E6F7", "meterStart": 123000, "timestamp": "2024-05-01T08:00:02Z"}, True, "real start"),
    ("StartTransactionRequest", {"connectorId": 1, "idTag": "04A2B3C4D5E6F7", "meterStart": -1, "timestamp": "2024-05-01T08:00:02Z"}, True, "meterStart -1 accepted, flagged later"),
    ("StartTransactionRequest", {"connectorId": 0, "idTag": "04A2B3C4D5E6F7", "meterStart": 0, "timestamp": "2024-05-01T08:00:02Z"}, False, "connector 0"),
    ("StartTransactionRequest", {"connectorId": 1.0, "idTag": "X", "meterStart": 0, "timestamp": "2024-05-01T08:00:02Z"}, False, "float connectorId"),
    ("StartTransactionRequest", {"connectorId": 1, "idTag": "X" * 21, "meterStart": 0, "timestamp": "2024-05-01T08:00:02Z"}, False, "idTag over 20"),
    ("StartTransactionResponse", {"idTagInfo": {"status": "ConcurrentTx"}, "transactionId": 1042}, True, "concurrent"),
    ("MeterValuesRequest", METER_VALUES, True, "periodic sample, five measurands"),
    ("MeterValuesRequest", with_(METER_VALUES, meterValue=[]), False, "no meterValue"),
    ("MeterValuesRequest", with_(METER_VALUES, meterValue=[{"timestamp": "2024-05-01T10:15:00Z", "sampledValue": []}]), False, "empty sampledValue"),
    ("MeterValuesRequest", with_(METER_VALUES, meterValue=[{"timestamp": "2024-05-01T10:15:00Z", "sampledValue": [{"value": 123456}]}]), False, "numeric value"),
    ("MeterValuesRequest", with_(METER_VALUES, meterValue=[{"timestamp": "2024-05-01T10:15:00Z", "sampledValue": [{"value": "1", "measurand": "Energy.Active.Import"}]}]), False, "bad measurand"),
    ("MeterValuesRequest", with_(METER_VALUES, connectorId=0, transactionId=DROP), True, "main meter"),
    ("MeterValuesRequest", with_(METER_VALUES, connectorId=-1), False, "negative connector"),
    ("MeterValuesResponse", {}, True, "empty"),
    ("StopTransactionRequest", STOP_TRANSACTION, True, "stop with transactionData"),
    ("StopTransactionRequest", with_(STOP_TRANSACTION, meterStop=-1, reason="DeAuthorized"), True, "meterStop -1 accepted"),
    ("StopTransactionRequest", with_(STOP_TRANSACTION, reason="Unplugged"), False, "bad reason"),
    ("StopTransactionRequest", with_(STOP_TRANSACTION, transactionId=DROP), False, "no transactionId"),
    ("StopTransactionResponse", {}, True, "no idTagInfo"),
    ("StatusNotificationRequest", {"connectorId": 1, "errorCode": "NoError", "status": "SuspendedEVSE", "timestamp": "2024-05-01T10:20:00Z"}, True, "suspended by EVSE"),
    ("StatusNotificationRequest", {"connectorId": 0, "errorCode": "OtherError", "status": "Faulted", "info": "RCD", "vendorId": "com.alfen", "vendorErrorCode": "E42"}, True, "charge point fault"),
    ("StatusNotificationRequest", {"connectorId": 1, "errorCode": "NoError", "status": "Suspended"}, False, "bad status"),
    ("StatusNotificationRequest", {"connectorId": 1, "errorCode": "NoError", "status": "Available", "info": "x" * 51}, False, "info over 50"),
    ("DataTransferRequest", {"vendorId": "com.example", "messageId": "SetPrice", "data": "{\"eur\":0.39}"}, True, "string data"),
    ("DataTransferRequest", {"vendorId": "com.example", "data": {"eur": 0.39}}, False, "object data (spec says string)"),
    # Core: our side.
    ("RemoteStartTransactionRequest", {"connectorId": 2, "idTag": "APP-7F3K2", "chargingProfile": CHARGING_PROFILE}, True, "remote start with profile"),
    ("RemoteStartTransactionRequest", {"connectorId": 0, "idTag": "APP-7F3K2"}, False, "remote start on connector 0"),
    ("SetChargingProfileRequest", {"connectorId": 0, "csChargingProfiles": with_(CHARGING_PROFILE, chargingProfilePurpose="ChargePointMaxProfile", transactionId=DROP)}, True, "station max profile"),
    ("SetChargingProfileRequest", {"connectorId": 1, "csChargingProfiles": with_(CHARGING_PROFILE, stackLevel=-1)}, False, "negative stackLevel"),
    ("ChangeConfigurationRequest", {"key": "MeterValuesSampledData", "value": "Energy.Active.Import.Register,Power.Active.Import,Current.Import"}, True, "boot-time config push"),
    ("GetConfigurationResponse", {"configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}], "unknownKey": ["Foo"]}, True, "config read"),
    ("GetConfigurationResponse", {"configurationKey": [{"key": "HeartbeatInterval", "readonly": "false"}]}, False, "readonly as string"),
    ("TriggerMessageRequest", {"requestedMessage": "MeterValues", "connectorId": 1}, True, "meter silence trigger"),
    ("GetDiagnosticsRequest", {"location": "ftp://user:pw@diag.example.com/uploads/", "retries": 3, "retryInterval": 60}, True, "diagnostics"),
    ("GetDiagnosticsRequest", {"location": "not a uri"}, False, "bad uri"),
    ("ClearCacheRequest", {}, True, "empty"),
    ("GetLocalListVersionResponse", {"listVersion": -1}, True, "list not supported"),
    ("SendLocalListRequest", {"listVersion": 3, "updateType": "Differential", "localAuthorizationList": [{"idTag": "A1"}, {"idTag": "B2", "idTagInfo": {"status": "Blocked"}}]}, True, "differential"),
    # Security extension.
    ("SecurityEventNotificationRequest", {"type": "StartupOfTheDevice", "timestamp": "2024-05-01T07:59:00Z", "techInfo": "cold boot"}, True, "security event"),
    ("SecurityEventNotificationRequest", {"type": "X" * 51, "timestamp": "2024-05-01T07:59:00Z"}, False, "type over 50"),
    ("SignCertificateRequest", {"csr": "-----BEGIN CERTIFICATE REQUEST-----\nMIIB...\n-----END CERTIFICATE REQUEST-----\n"}, True, "csr"),
    ("CertificateSignedRequest", {"certificateChain": PEM_CERT * 2}, True, "chain"),
    ("CertificateSignedRequest", {"certificateChain": "x" * 10001}, False, "chain too long"),
    ("InstallCertificateRequest", {"certificateType": "CentralSystemRootCertificate", "certificate": PEM_CERT}, True, "install root"),
    ("InstallCertificateRequest", {"certificateType": "V2GRootCertificate", "certificate": PEM_CERT}, False, "2.0.1-only certificate type"),
    ("DeleteCertificateRequest", {"certificateHashData": {"hashAlgorithm": "SHA256", "issuerNameHash": "a" * 64, "issuerKeyHash": "b" * 64, "serialNumber": "FFF"}}, True, "delete"),
    ("DeleteCertificateRequest", {"certificateHashData": {"hashAlgorithm": "MD5", "issuerNameHash": "a", "issuerKeyHash": "b", "serialNumber": "1"}}, False, "bad hash algorithm"),
    ("GetInstalledCertificateIdsResponse", {"status": "Accepted", "certificateHashData": [{"hashAlgorithm": "SHA384", "issuerNameHash": "c" * 96, "issuerKeyHash": "d" * 96, "serialNumber": "1A2B"}]}, True, "list"),
    ("GetLogRequest", {"logType": "SecurityLog", "requestId": 12, "log": {"remoteLocation": "https://logs.example.com/upload", "oldestTimestamp": "2024-04-01T00:00:00Z"}}, True, "get security log"),
    ("GetLogResponse", {"status": "AcceptedCanceled", "filename": "security-2024-05-01.log"}, True, "log accepted"),
    ("LogStatusNotificationRequest", {"status": "Uploaded", "requestId": 12}, True, "log uploaded"),
    ("ExtendedTriggerMessageRequest", {"requestedMessage": "SignChargePointCertificate"}, True, "trigger CSR"),
    ("SignedUpdateFirmwareRequest", {"requestId": 5, "retries": 2, "firmware": {"location": "https://fw.example.com/ng920-6.2.0.bin", "retrieveDateTime": "2024-05-02T02:00:00Z", "signingCertificate": PEM_CERT, "signature": "MEUCIQ=="}}, True, "signed firmware"),
    ("SignedUpdateFirmwareRequest", {"requestId": 5, "firmware": {"location": "https://fw.example.com/x.bin", "retrieveDateTime": "2024-05-02T02:00:00Z", "signingCertificate": PEM_CERT}}, False, "signature missing"),
    ("SignedFirmwareStatusNotificationRequest", {"status": "SignatureVerified", "requestId": 5}, True, "firmware progress"),
    ("SignedUpdateFirmwareResponse", {"status": "RevokedCertificate"}, True, "revoked"),
]


def run_samples(docs):
    passed = 0
    for name, payload, ok, label in SAMPLES:
        doc = docs.get(name)
        if doc is None:
            problem(name, "sample '%s' not run: schema missing or unsound" % label)
            continue
        errs = validate(doc, payload, doc)
        if ok and errs:
            problem(name, "sample '%s' should pass but: %s" % (label, "; ".join(errs)))
        elif not ok and not errs:
            problem(name, "sample '%s' should fail but passed" % label)
        else:
            passed += 1
    return passed


def main():
    docs = check_tree()
    check_generator()
    passed = run_samples(docs)
    for p in problems:
        print("FAIL " + p)
    print("%d sound schema files, %d actions, %d/%d samples as expected, %d problems"
          % (len(docs), len(ACTIONS), passed, len(SAMPLES), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
