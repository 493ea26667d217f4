#!/usr/bin/env python3
"""Check schemas/ocpp2.0.1/ against our conventions and a few sample payloads.

    python3 tools/schemagen201/check.py

1. all 64 actions have a Request and a Response file, and nothing else is there;
2. each file is valid JSON, pretty-printed with 2 spaces and newline-terminated;
3. only the keywords src/schema/ accepts are used, with the allowed values;
   every "$ref" is "#/definitions/Name" and resolves inside the same file;
   every object but CustomDataType has additionalProperties false and customData;
4. the generator reproduces the files byte for byte;
5. realistic payloads validate and broken ones do not (a tiny validator below).
Exit status 0 when all is well.
"""
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the tree clean of __pycache__
sys.path.insert(0, HERE)
import gen  # noqa: E402

DIR = gen.OUT_DIR

ACTIONS = """Authorize BootNotification CancelReservation CertificateSigned ChangeAvailability
ClearCache ClearChargingProfile ClearDisplayMessage ClearedChargingLimit ClearVariableMonitoring
CostUpdated CustomerInformation DataTransfer DeleteCertificate FirmwareStatusNotification
Get15118EVCertificate GetBaseReport GetCertificateStatus GetChargingProfiles GetCompositeSchedule
GetDisplayMessages GetInstalledCertificateIds GetLocalListVersion GetLog GetMonitoringReport
GetReport GetTransactionStatus GetVariables Heartbeat InstallCertificate LogStatusNotification
MeterValues NotifyChargingLimit NotifyCustomerInformation NotifyDisplayMessages
NotifyEVChargingNeeds NotifyEVChargingSchedule NotifyEvent NotifyMonitoringReport NotifyReport
PublishFirmware PublishFirmwareStatusNotification ReportChargingProfiles RequestStartTransaction
RequestStopTransaction ReservationStatusUpdate ReserveNow Reset SecurityEventNotification
SendLocalList SetChargingProfile SetDisplayMessage SetMonitoringBase SetMonitoringLevel
SetNetworkProfile SetVariableMonitoring SetVariables SignCertificate StatusNotification
TransactionEvent TriggerMessage UnlockConnector UnpublishFirmware UpdateFirmware""".split()

ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment"}
KEYWORDS = ANNOTATIONS | {
    "definitions", "$ref", "type", "properties", "required", "additionalProperties", "enum",
    "minLength", "maxLength", "minimum", "maximum", "items", "minItems", "maxItems", "format"}
TYPES = {"object", "array", "string", "integer", "number", "boolean"}
FORMATS = {"date-time", "uri"}
REF_RE = re.compile(r"^#/definitions/([A-Za-z0-9_]+)$")

errors = []


def err(where, msg):
    errors.append("%s: %s" % (where, msg))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


# ------------------------------------------------------------ convention walk
def walk(node, where, defs, name=None):
    if not isinstance(node, dict):
        err(where, "schema is not an object")
        return
    for key in node:
        if key not in KEYWORDS:
            err(where, "keyword not allowed: " + key)
    for key in ("title", "description", "$comment"):
        if key in node and not isinstance(node[key], str):
            err(where, key + " is not a string")
    if "$ref" in node:
        m = REF_RE.match(node["$ref"]) if isinstance(node["$ref"], str) else None
        if not m:
            err(where, "bad $ref " + repr(node["$ref"]))
        elif m.group(1) not in defs:
            err(where, "unresolved $ref " + node["$ref"])
        if set(node) - ANNOTATIONS - {"$ref"}:
            err(where, "$ref with siblings")
    t = node.get("type")
    if "type" in node and not (isinstance(t, str) and t in TYPES):
        err(where, "bad type " + repr(t))
        return
    if "format" in node and (node["format"] not in FORMATS or t != "string"):
        err(where, "bad format " + repr(node["format"]))
    if "enum" in node:
        e = node["enum"]
        if not isinstance(e, list) or not e or not all(isinstance(v, str) for v in e) \
                or len(set(e)) != len(e):
            err(where, "enum must be a non-empty list of distinct strings")
    for key in ("minLength", "maxLength", "minItems", "maxItems"):
        if key in node and (not is_int(node[key]) or node[key] < 0):
            err(where, key + " must be a non-negative integer")
    for key in ("minimum", "maximum"):
        if key in node and not (is_int(node[key]) or isinstance(node[key], float)):
            err(where, key + " must be a number")
    if t == "object" or "properties" in node:
        if t != "object":
            err(where, "properties without type object")
        ap = node.get("additionalProperties")
        if not isinstance(ap, bool):
            err(where, "additionalProperties missing or not boolean")
        elif ap is not (name == "CustomDataType"):
            err(where, "additionalProperties must be %s" % (name == "CustomDataType"))
        props = node.get("properties", {})
        if not isinstance(props, dict):
            err(where, "properties is not an object")
            props = {}
        if name != "CustomDataType" and props.get("customData") != {"$ref": "#/definitions/CustomDataType"}:
            err(where, "object without customData")
        req = node.get("required", [])
        if not isinstance(req, list) or len(set(req)) != len(req) or any(r not in props for r in req):
            err(where, "required must list distinct declared properties")
        for pname, sub in props.items():
            walk(sub, where + "/" + pname, defs)
    elif "additionalProperties" in node or "required" in node:
        err(where, "object keywords on a non-object")
    if t == "array" or "items" in node:
        if t != "array" or "items" not in node:
            err(where, "array needs type array and items")
        else:
            walk(node["items"], where + "[]", defs)
    if "$ref" not in node and "type" not in node and set(node) - ANNOTATIONS:
        err(where, "constraint without type")


def check_file(fname, text):
    where = fname
    try:
        doc = json.loads(text)
    except ValueError as e:
        err(where, "invalid JSON: %s" % e)
        return None
    if text != json.dumps(doc, indent=2, ensure_ascii=False) + "\n":
        err(where, "not pretty-printed with 2 spaces and a final newline")
    title = fname[:-len(".json")]
    if doc.get("$schema") != "http://json-schema.org/draft-06/schema#":
        err(where, "bad $schema")
    if doc.get("$id") != "urn:ocppgw:ocpp2.0.1:" + title:
        err(where, "bad $id")
    if doc.get("title") != title:
        err(where, "bad title")
    if doc.get("type") != "object":
        err(where, "root is not an object")
    defs = doc.get("definitions", {})
    if not isinstance(defs, dict):
        err(where, "definitions is not an object")
        defs = {}
    for dname, dschema in defs.items():
        walk(dschema, where + "#" + dname, defs, dname)
    root = {k: v for k, v in doc.items() if k != "definitions"}
    walk(root, where, defs)
    used = gen.refs_in(doc, set())
    for dname in defs:
        if dname not in used:
            err(where, "unused definition " + dname)
    return doc


# ---------------------------------------------------------- tiny validator
DATE_TIME = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$")


def validate(doc, value, schema=None, path="$"):
    """Return a list of problems with value against schema (doc's root if None)."""
    if schema is None:
        schema = doc
    if "$ref" in schema:
        return validate(doc, value, doc["definitions"][schema["$ref"].split("/")[-1]], path)
    out = []
    t = schema.get("type")
    ok = {
        None: True,
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": is_int(value),
        "number": (is_int(value) or isinstance(value, float)) and not (
            isinstance(value, float) and not math.isfinite(value)),
        "boolean": isinstance(value, bool),
    }[t]
    if not ok:
        return ["%s: expected %s" % (path, t)]
    if "enum" in schema and value not in schema["enum"]:
        out.append("%s: %r not in enum" % (path, value))
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append("%s: longer than %d" % (path, schema["maxLength"]))
        if "minLength" in schema and len(value) < schema["minLength"]:
            out.append("%s: shorter than %d" % (path, schema["minLength"]))
        if schema.get("format") == "date-time" and not DATE_TIME.match(value):
            out.append("%s: not a date-time" % path)
    if t in ("integer", "number"):
        if "minimum" in schema and value < schema["minimum"]:
            out.append("%s: below %s" % (path, schema["minimum"]))
        if "maximum" in schema and value > schema["maximum"]:
            out.append("%s: above %s" % (path, schema["maximum"]))
    if t == "object":
        props = schema.get("properties", {})
        for r in schema.get("required", []):
            if r not in value:
                out.append("%s: missing %s" % (path, r))
        for k, v in value.items():
            if k in props:
                out += validate(doc, v, props[k], path + "." + k)
            elif schema.get("additionalProperties") is False:
                out.append("%s: unexpected property %s" % (path, k))
    if t == "array":
        if len(value) < schema.get("minItems", 0):
            out.append("%s: fewer than %d items" % (path, schema["minItems"]))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append("%s: more than %d items" % (path, schema["maxItems"]))
        for i, v in enumerate(value):
            out += validate(doc, v, schema["items"], "%s[%d]" % (path, i))
    return out


def cv(component, variable, evse=None):
    c = {"name": component}
    if evse is not None:
        c["evse"] = {"id": evse}
    return {"component": c, "variable": {"name": variable}}


GOOD = [
    ("BootNotificationRequest", {
        "reason": "PowerUp",
        "chargingStation": {"model": "AC22-T2", "vendorName": "Acme EV", "serialNumber": "SN-0001",
                            "firmwareVersion": "1.4.2", "modem": {"iccid": "8931000000000000001",
                                                                  "imsi": "204080000000001"}},
        "customData": {"vendorId": "com.acme", "boardRev": 3}}),
    ("BootNotificationResponse", {"currentTime": "2024-05-01T08:00:00Z", "interval": 300,
                                  "status": "Accepted"}),
    ("TransactionEventRequest", {
        "eventType": "Started", "timestamp": "2024-05-01T08:01:02.345+02:00",
        "triggerReason": "Authorized", "seqNo": 0,
        "transactionInfo": {"transactionId": "b7a5c2e4-0f3e-4d5b-9c1a-5f2e8a1d3c77",
                            "chargingState": "EVConnected", "remoteStartId": 12},
        "evse": {"id": 1, "connectorId": 1},
        "idToken": {"idToken": "04A2B3C4D5E6F7", "type": "ISO14443",
                    "additionalInfo": [{"additionalIdToken": "NL-ACM-C12345678-X", "type": "eMAID"}]},
        "meterValue": [{"timestamp": "2024-05-01T08:01:02Z", "sampledValue": [
            {"value": 123456.5, "context": "Transaction.Begin",
             "measurand": "Energy.Active.Import.Register", "location": "Outlet",
             "unitOfMeasure": {"unit": "Wh", "multiplier": 0}},
            {"value": 0, "context": "Transaction.Begin", "measurand": "Power.Active.Import",
             "unitOfMeasure": {"unit": "W"}},
            {"value": 15.9, "measurand": "Current.Import", "phase": "L1"}]}]}),
    ("TransactionEventRequest", {
        "eventType": "Ended", "timestamp": "2024-05-01T09:00:00Z", "triggerReason": "EVCommunicationLost",
        "seqNo": 7, "offline": True,
        "transactionInfo": {"transactionId": "b7a5c2e4", "chargingState": "Idle",
                            "stoppedReason": "EVDisconnected", "timeSpentCharging": 3400}}),
    ("TransactionEventResponse", {"totalCost": 12.34, "idTokenInfo": {"status": "Accepted", "evseId": [1]},
                                  "updatedPersonalMessage": {"format": "UTF8", "content": "Thanks!"}}),
    ("NotifyReportRequest", {
        "requestId": 42, "generatedAt": "2024-05-01T08:05:00Z", "seqNo": 0, "tbc": False,
        "reportData": [
            dict(cv("EVSE", "Power", 1),
                 variableAttribute=[{"type": "MaxSet", "value": "22000", "mutability": "ReadOnly",
                                     "persistent": True, "constant": True}],
                 variableCharacteristics={"unit": "W", "dataType": "decimal", "maxLimit": 22000,
                                          "supportsMonitoring": True}),
            dict(cv("SampledDataCtrlr", "TxUpdatedMeasurands"),
                 variableAttribute=[{"type": "Actual", "value": "Energy.Active.Import.Register",
                                     "mutability": "ReadWrite"}],
                 variableCharacteristics={"dataType": "MemberList", "supportsMonitoring": False,
                                          "valuesList": "Energy.Active.Import.Register,Power.Active.Import,Current.Import"})]}),
    ("SetVariablesRequest", {"setVariableData": [
        dict(cv("SampledDataCtrlr", "TxUpdatedInterval"), attributeValue="60"),
        dict(cv("AlignedDataCtrlr", "Interval"), attributeValue="900", attributeType="Actual"),
        dict(cv("SampledDataCtrlr", "TxUpdatedMeasurands"),
             attributeValue="Energy.Active.Import.Register,Power.Active.Import,Current.Import")]}),
    ("SetVariablesResponse", {"setVariableResult": [
        dict(cv("SampledDataCtrlr", "TxUpdatedInterval"), attributeStatus="Accepted"),
        dict(cv("AlignedDataCtrlr", "Interval"), attributeStatus="RebootRequired",
             attributeStatusInfo={"reasonCode": "Reboot"})]}),
    ("GetVariablesResponse", {"getVariableResult": [
        dict(cv("EVSE", "Power", 1), attributeStatus="Accepted", attributeType="MaxSet",
             attributeValue="22000"),
        dict(cv("Connector", "ConnectorType"), attributeStatus="UnknownComponent",
             attributeStatusInfo={"reasonCode": "NoSuchComponent", "additionalInfo": "not here"})]}),
    ("StatusNotificationRequest", {"timestamp": "2024-05-01T08:00:59Z", "connectorStatus": "Occupied",
                                   "evseId": 1, "connectorId": 1}),
    ("HeartbeatRequest", {}),
    ("DataTransferRequest", {"vendorId": "com.acme", "messageId": "x", "data": [1, {"a": None}]}),
    ("SetChargingProfileRequest", {"evseId": 0, "chargingProfile": {
        "id": 1, "stackLevel": 0, "chargingProfilePurpose": "ChargingStationMaxProfile",
        "chargingProfileKind": "Absolute", "chargingSchedule": [{
            "id": 1, "chargingRateUnit": "W", "startSchedule": "2024-05-01T00:00:00Z",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000.0, "numberPhases": 3}]}]}}),
]

BAD = [
    ("BootNotificationRequest", {"reason": "PowerUp", "chargingStation": {"model": "M"}},
     "missing vendorName"),
    ("BootNotificationRequest", {"reason": "PowerOn", "chargingStation": {"model": "M", "vendorName": "V"}},
     "bad enum"),
    ("BootNotificationRequest", {"reason": "PowerUp", "chargingStation": {
        "model": "M" * 21, "vendorName": "V"}}, "model too long"),
    ("BootNotificationRequest", {"reason": "PowerUp", "extra": 1, "chargingStation": {
        "model": "M", "vendorName": "V"}}, "additional property"),
    ("BootNotificationRequest", {"reason": "PowerUp", "customData": {}, "chargingStation": {
        "model": "M", "vendorName": "V"}}, "customData without vendorId"),
    ("TransactionEventRequest", {"eventType": "Started", "timestamp": "2024-05-01 08:00", "triggerReason":
        "Authorized", "seqNo": 0, "transactionInfo": {"transactionId": "t"}}, "bad date-time"),
    ("TransactionEventRequest", {"eventType": "Started", "timestamp": "2024-05-01T08:00:00Z", "triggerReason":
        "Authorized", "seqNo": -1, "transactionInfo": {"transactionId": "t"}}, "negative seqNo"),
    ("TransactionEventRequest", {"eventType": "Started", "timestamp": "2024-05-01T08:00:00Z", "triggerReason":
        "Authorized", "seqNo": 1.5, "transactionInfo": {"transactionId": "t"}}, "non-integer seqNo"),
    ("TransactionEventRequest", {"eventType": "Started", "timestamp": "2024-05-01T08:00:00Z", "triggerReason":
        "Authorized", "seqNo": 0, "transactionInfo": {"transactionId": "t"}, "meterValue": []},
     "empty meterValue"),
    ("TransactionEventRequest", {"eventType": "Updated", "timestamp": "2024-05-01T08:00:00Z", "triggerReason":
        "Authorized", "seqNo": 0, "transactionInfo": {"transactionId": "t", "chargingState": "EVDetected"}},
     "2.0 chargingState value"),
    ("NotifyReportRequest", {"requestId": 1, "generatedAt": "2024-05-01T08:00:00Z", "seqNo": 0,
                             "reportData": [dict(cv("EVSE", "Power"), variableAttribute=[{}] * 5)]},
     "five attributes"),
    ("SetVariablesRequest", {"setVariableData": [dict(cv("X", "Y"), attributeValue="v" * 1001)]},
     "value too long"),
    ("GetVariablesResponse", {"getVariableResult": [dict(cv("X", "Y"), attributeStatus="Ok")]},
     "bad attributeStatus"),
    ("StatusNotificationRequest", {"timestamp": "2024-05-01T08:00:59Z", "connectorStatus": "Charging",
                                   "evseId": 1, "connectorId": 1}, "1.6 status"),
    ("HeartbeatRequest", {"foo": True}, "unexpected property"),
]


def main():
    names = set(n for n in os.listdir(DIR) if n.endswith(".json")) if os.path.isdir(DIR) else set()
    expected = set(a + k + ".json" for a in ACTIONS for k in ("Request", "Response"))
    if len(ACTIONS) != 64 or len(set(ACTIONS)) != 64:
        err("check.py", "action list is not 64 distinct names")
    for n in sorted(expected - names):
        err(n, "missing")
    for n in sorted(set(os.listdir(DIR)) - expected if os.path.isdir(DIR) else []):
        err(n, "unexpected file")
    docs = {}
    for n in sorted(names & expected):
        with open(os.path.join(DIR, n), encoding="utf-8") as f:
            doc = check_file(n, f.read())
        if doc is not None:
            docs[n[:-5]] = doc

    generated = gen.all_files()
    for n in sorted(expected):
        path = os.path.join(DIR, n)
        if n not in generated:
            err(n, "the generator does not produce it")
        elif os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                if f.read() != generated[n]:
                    err(n, "differs from the generator's output")
    reached = set()
    for doc in docs.values():
        reached |= set(doc.get("definitions", {}))
    for name in sorted((set(gen.TYPES) | set(gen.ENUMS)) - reached):
        err("generator", "datatype or enum never used: " + name)

    for title, payload in GOOD:
        if title in docs:
            for p in validate(docs[title], payload):
                err("sample " + title, p)
    for title, payload, why in BAD:
        if title in docs and not validate(docs[title], payload):
            err("sample " + title, "accepted a broken payload (%s)" % why)

    for line in errors:
        print(line)
    print("%d files, %d good and %d broken samples: %s" % (
        len(names), len(GOOD), len(BAD), "%d problems" % len(errors) if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
