#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate tests/fuzz/corpus/ and tests/fuzz/ocpp.dict from schemas/.

   python3 tests/fuzz/make_corpus.py

Seeds (input layout in fuzz_frames.c: one flags byte, then messages split by
the bytes FF FF):
  - for every *Request.json of both versions, a CALL with only the required
    fields and one with every property, values taken from the schema's shape
    (enum -> first value, date-time -> a timestamp, integer -> minimum...);
  - transaction sequences (1.6 start/meter/stop, 2.0.1 Started/Updated/Ended),
    answers to our pushed config CALLs, a reconnect, the boot gate;
  - malformed frames (the STYLE.md 9 abuse list).
The dictionary holds every action, property and enum value of the schemas.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEP = b"\xff\xff"
TS = "2025-11-25T18:00:00Z"

V16, V201 = 0, 1
PUSH, ACCEPT_ALL, NO_BOOT, EACH_TURN, RECONNECT, TIMEOUTS = 2, 4, 8, 16, 32, 64


def csr(cn):
    """A PEM CSR for the fuzz pile (CN = its identity), or None without openssl."""
    try:
        return subprocess.run(
            ["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", "/dev/null", "-subj", "/CN=%s" % cn],
            check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def resolve(schema, node):
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].split("/")[-1]]
    return node


def value(schema, node, full, depth=0):
    node = resolve(schema, node)
    t = node.get("type")
    if "enum" in node:
        return node["enum"][0]
    if t == "object" or "properties" in node:
        out = {}
        props = node.get("properties", {})
        keys = props.keys() if full and depth < 6 else node.get("required", [])
        for k in keys:
            if k == "customData":
                continue
            out[k] = value(schema, props[k], full, depth + 1)
        return out
    if t == "array":
        n = max(1, node.get("minItems", 1))
        return [value(schema, node.get("items", {}), full, depth + 1) for _ in range(n)]
    if t == "integer":
        return max(node.get("minimum", 1), 1) if node.get("maximum", 1) >= 1 else node.get("minimum", 0)
    if t == "number":
        return 1.5
    if t == "boolean":
        return True
    if t == "string":
        if node.get("format") == "date-time":
            return TS
        if node.get("format") == "uri":
            return "https://example.com/x"
        n = node.get("maxLength", 20)
        return "TAG1"[: max(1, min(n, 4))] if node.get("minLength", 0) <= 4 else "x" * node["minLength"]
    return {}


def frame(msg_id, action, payload):
    return json.dumps([2, msg_id, action, payload], separators=(",", ":")).encode()


def main():
    corpus = os.path.join(HERE, "corpus")
    os.makedirs(corpus, exist_ok=True)
    for f in os.listdir(corpus):
        os.unlink(os.path.join(corpus, f))
    seeds = {}
    words = set()

    def add(name, flags, *msgs):
        seeds[name] = bytes([flags]) + SEP.join(m if isinstance(m, bytes) else m.encode() for m in msgs)

    for vname, vbit in (("ocpp1.6", V16), ("ocpp2.0.1", V201)):
        d = os.path.join(ROOT, "schemas", vname)
        for fn in sorted(os.listdir(d)):
            if not fn.endswith(".json"):
                continue
            schema = json.load(open(os.path.join(d, fn)))
            stem = fn[:-5]
            for action_suffix in ("Request", "Response"):
                if stem.endswith(action_suffix):
                    words.add(stem[: -len(action_suffix)])

            def walk(node):
                if isinstance(node, dict):
                    for k, v in node.get("properties", {}).items():
                        words.add(k)
                    for e in node.get("enum", []):
                        words.add(e)
                    for v in node.values():
                        walk(v)
                elif isinstance(node, list):
                    for v in node:
                        walk(v)

            walk(schema)
            if not stem.endswith("Request"):
                continue
            action = stem[: -len("Request")]
            tag = "v16" if vbit == V16 else "v201"
            add(f"{tag}-{action}-min", vbit, frame("1", action, value(schema, schema, False)))
            add(f"{tag}-{action}-full", vbit | EACH_TURN, frame("1", action, value(schema, schema, True)))

    # 1.6 transaction sequence, accepted tag, meter values, duplicate start
    start = frame("s1", "StartTransaction", {"connectorId": 1, "idTag": "TAG1", "meterStart": 100, "timestamp": TS})
    meter = frame("m1", "MeterValues", {"connectorId": 1, "transactionId": 1, "meterValue": [
        {"timestamp": "2025-11-25T18:05:00Z", "sampledValue": [
            {"value": "250", "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": "7400", "measurand": "Power.Active.Import", "unit": "W"}]}]})
    status = frame("st", "StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
    stop = frame("e1", "StopTransaction", {"transactionId": 1, "meterStop": 900, "timestamp": "2025-11-25T18:20:00Z",
                                            "reason": "EVDisconnected", "idTag": "TAG1"})
    add("seq-v16-tx", V16, status, start, meter, stop)
    add("seq-v16-tx-turns", V16 | EACH_TURN, start, start.replace(b'"s1"', b'"s2"'), meter, stop, stop.replace(b'"e1"', b'"e2"'))
    add("seq-v16-stop-unknown", V16 | EACH_TURN, stop, meter)
    add("seq-v16-noboot", V16 | NO_BOOT | EACH_TURN, start, frame("h", "Heartbeat", {}),
        frame("b", "BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}))
    add("seq-v16-push", V16 | PUSH | EACH_TURN, frame("h", "Heartbeat", {}),
        '[3,"0000000000000000-1",{"status":"Accepted"}]',
        '[4,"0000000000000000-2","NotSupported","",{}]',
        '[3,"0000000000000000-3",{"status":"RebootRequired"}]',
        '[3,"0000000000000000-4",{"status":"Rejected"}]')
    add("seq-v16-reconnect", V16 | PUSH | RECONNECT, start, stop)

    # 2.0.1 transaction events
    def te(mid, kind, seq, trig, extra=None):
        p = {"eventType": kind, "timestamp": TS, "triggerReason": trig, "seqNo": seq,
             "transactionInfo": {"transactionId": "T1", "chargingState": "Charging"},
             "evse": {"id": 1, "connectorId": 1}}
        if extra:
            p.update(extra)
        return frame(mid, "TransactionEvent", p)

    mv = {"meterValue": [{"timestamp": TS, "sampledValue": [
        {"value": 1234.5, "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}}]}]}
    add("seq-v201-tx", V201 | EACH_TURN,
        te("t0", "Started", 0, "CablePluggedIn", {"idToken": {"idToken": "TAG1", "type": "ISO14443"}}),
        te("t1", "Updated", 1, "MeterValuePeriodic", mv),
        te("t1b", "Updated", 1, "MeterValuePeriodic", mv),
        te("t2", "Ended", 2, "EVCommunicationLost", {"transactionInfo": {"transactionId": "T1", "stoppedReason": "EVDisconnected"}}))
    add("seq-v201-noboot", V201 | NO_BOOT, frame("h", "Heartbeat", {}),
        frame("b", "BootNotification", {"reason": "PowerUp", "chargingStation": {"model": "M", "vendorName": "V"}}),
        frame("h2", "Heartbeat", {}))
    add("seq-v201-push", V201 | PUSH | EACH_TURN, frame("h", "Heartbeat", {}),
        json.dumps([3, "0000000000000000-1", {"getVariableResult": [
            {"attributeStatus": "Accepted", "attributeValue": "4",
             "component": {"name": "DeviceDataCtrlr"}, "variable": {"name": "ItemsPerMessage", "instance": "GetVariables"}},
            {"attributeStatus": "Accepted", "attributeValue": "8000",
             "component": {"name": "DeviceDataCtrlr"}, "variable": {"name": "BytesPerMessage", "instance": "GetVariables"}}]}],
            separators=(",", ":")),
        '[4,"0000000000000000-2","InternalError","",{}]')
    def gv_answer(items, size):
        res = []
        for inst in ("GetVariables", "SetVariables"):
            res.append({"attributeStatus": "Accepted", "attributeValue": items,
                        "component": {"name": "DeviceDataCtrlr"}, "variable": {"name": "ItemsPerMessage", "instance": inst}})
            res.append({"attributeStatus": "Accepted", "attributeValue": size,
                        "component": {"name": "DeviceDataCtrlr"}, "variable": {"name": "BytesPerMessage", "instance": inst}})
        return json.dumps([3, "0000000000000000-1", {"getVariableResult": res}], separators=(",", ":"))

    set_ok = json.dumps([3, "0000000000000000-2", {"setVariableResult": [
        {"attributeStatus": "Accepted", "component": {"name": "SampledDataCtrlr"},
         "variable": {"name": "TxUpdatedInterval"}}]}], separators=(",", ":"))
    for i, (items, size) in enumerate((("1", "4000"), ("2", "10"), ("0", "0"), ("-1", "99999999999"), ("x", ""))):
        add(f"seq-v201-split-{i}", V201 | PUSH | EACH_TURN, gv_answer(items, size), set_ok,
            set_ok.replace("-2", "-3"), '[4,"0000000000000000-4","NotSupported","",{}]')
    add("seq-v201-reconnect", V201 | RECONNECT | EACH_TURN, te("t0", "Started", 0, "Authorized"), frame("h", "Heartbeat", {}))

    # time-outs of our CALLs
    add("seq-v16-timeouts", V16 | PUSH | EACH_TURN | TIMEOUTS, frame("h", "Heartbeat", {}), frame("h2", "Heartbeat", {}))
    add("seq-v201-timeouts", V201 | PUSH | EACH_TURN | TIMEOUTS, frame("h", "Heartbeat", {}), frame("h2", "Heartbeat", {}))

    # SignCertificate with a CSR the in-house CA signs (CN = FZ1, the fuzz
    # pile), then the pile's answer to our CertificateSigned
    pem = csr("FZ1")
    if pem:
        add("seq-v16-sign", V16 | EACH_TURN, frame("c", "SignCertificate", {"csr": pem}),
            '[3,"0000000000000000-1",{"status":"Accepted"}]')
        add("seq-v201-sign", V201 | EACH_TURN,
            frame("c", "SignCertificate", {"csr": pem, "certificateType": "ChargingStationCertificate"}),
            '[3,"0000000000000000-1",{"status":"Rejected"}]')

    # malformed: the abuse list, both versions
    bad = [b"nope", b"", b"[]", b"[2]", b'[2,"1"]', b'[2,"1","Heartbeat"]', b'[2,"1","Heartbeat",{}] x',
           b'[2,"1","Heartbeat",{},]', b'{"a":1}', b'[5,"3",{}]', b'["2","4","Heartbeat",{}]',
           b'[2,"1234567890123456789012345678901234567","Heartbeat",{}]', b'[2,"6","Heartbeat",null]',
           b'[2,"7","Foo",{}]', b'[2,"8","Reset",{"type":"Hard"}]', b'[2,"9","Heartbeat",{"\\u0000":1}]',
           b'[3,"zz",{}]', b'[3,"zz","x"]', b'[4,"zz","GenericError"]', b'[4,"zz","GenericError","",{}]',
           b'[2,1,"Heartbeat",{}]', b'[2,"",{}]', b'[2.0,"1","Heartbeat",{}]', b'[99999999999999999999,"1"]',
           b'[2,"1","Heartbeat",{"a":NaN}]', b'[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]',
           b'[2,"1","StartTransaction",{"connectorId":1e400,"idTag":"T","meterStart":0,"timestamp":"' + TS.encode() + b'"}]',
           b'[2,"1","StartTransaction",{"connectorId":4294967296,"idTag":"T","meterStart":-1,"timestamp":"9999-99-99T99:99:99Z"}]',
           b'[2,"d","Heartbeat",{}]' + SEP + b'[2,"d","Heartbeat",{}]']
    for i, b in enumerate(bad):
        add(f"bad-v16-{i:02d}", V16, b)
        add(f"bad-v201-{i:02d}", V201, b)

    for name, data in sorted(seeds.items()):
        with open(os.path.join(corpus, name), "wb") as f:
            f.write(data)

    with open(os.path.join(HERE, "ocpp.dict"), "w") as f:
        f.write("# libFuzzer dictionary for fuzz_frames, made by make_corpus.py from schemas/\n")
        for tok in ['[2,', '[3,', '[4,', '"1"', '"-1"', '{}', 'null', 'true', 'false', '[]', '":', '",',
                    '"0000000000000000-1"', '"0000000000000000-2"', '"0000000000000000-5"', '\\u0000',
                    '\\ud800', '1e400', '-1', '2147483648', '9223372036854775808', TS,
                    '2025-11-25T18:00:00.123+02:00']:
            f.write('"%s"\n' % tok.replace("\\", "\\\\").replace('"', '\\"'))
        f.write('"\\xff\\xff"\n')
        for w in sorted(words):
            f.write('"\\"%s\\""\n' % w.replace("\\", "\\\\").replace('"', '\\"'))
    print(f"{len(seeds)} seeds, {len(words)} dictionary words", file=sys.stderr)


if __name__ == "__main__":
    main()
