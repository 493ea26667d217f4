#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""02-rpc-errors: every CALLERROR code, spelled as each version spells it,
for the abuse list of STYLE.md 9 (malformed JSON, wrong messageTypeId,
unknown action, wrong types, oversize and fragmented frames) - and another
pile's session stays healthy throughout."""
import json
import wsclient
from gwtest import Gateway, run

V16 = {"format": "FormationViolation", "occurrence": "OccurenceConstraintViolation",
       "frame": "GenericError"}
V201 = {"format": "FormatViolation", "occurrence": "OccurrenceConstraintViolation",
        "frame": "RpcFrameworkError"}


def answer(p, text, mid):
    return p.call_raw(text, mid)


def check_codes(gw, version, names):
    p = gw.pile("ERR-" + version, version)
    other = gw.pile("OK-" + version, version)
    cases = [
        # (raw frame, id we expect back, code)
        ('[2,"a1","Heartbeat",{]', "-1", names["format"]),
        ('{"not":"a frame"}', "-1", names["frame"] if version == "2.0.1" else "GenericError"),
        ('[2,"a2","NoSuchAction",{}]', "a2", "NotImplemented"),
        ('[2,"a3","RemoteStopTransaction",{"transactionId":1}]' if version == "1.6" else
         '[2,"a3","RequestStopTransaction",{"transactionId":"x"}]', "a3", "NotSupported"),
        ('[2,"a4","Authorize",{}]', "a4", names["occurrence"]),
        ('[2,"a5","Authorize",{"idTag":12}]' if version == "1.6" else
         '[2,"a5","Authorize",{"idToken":{"idToken":12,"type":"ISO14443"}}]', "a5",
         "TypeConstraintViolation"),
        ('[2,"a6","Authorize",{"idTag":"%s"}]' % ("X" * 21) if version == "1.6" else
         '[2,"a6","Authorize",{"idToken":{"idToken":"A","type":"Banana"}}]', "a6",
         "PropertyConstraintViolation"),
        ('[2,"a7","Heartbeat"]', "a7", "ProtocolError"),
    ]
    for text, mid, code in cases:
        msg = answer(p, text, mid)
        assert msg[0] == 4 and msg[1] == mid and msg[2] == code, (text, msg)
        assert isinstance(msg[3], str) and len(msg[3]) <= 255 and msg[4] == {}, msg
        assert "Banana" not in msg[3], msg  # never echo the pile's input (2.0.1 4.2.3)
        other.call("Heartbeat", {})  # the neighbour is unaffected
    # unknown message type: 2.0.1 answers, 1.6 ignores
    p.send_raw('[7,"a8",{}]')
    if version == "2.0.1":
        msg = p.recv_frame()
        assert msg[:3] == [4, "a8", "MessageTypeNotSupported"], msg
    p.call("Heartbeat", {})  # still answered in order after the ignored frame
    # a fragmented message is reassembled
    mid = p.next_id()
    p.ws.send_text(json.dumps([2, mid, "Heartbeat", {}]), fragments=5)
    msg = p.recv_frame()
    assert msg[0] == 3 and msg[1] == mid, msg
    p.close()
    other.close()


def test_codes_16(t):
    with Gateway() as gw:
        check_codes(gw, "1.6", V16)


def test_codes_201(t):
    with Gateway() as gw:
        check_codes(gw, "2.0.1", V201)


def test_oversize_closed_1009_neighbour_fine(t):
    with Gateway(limits={"max_message_bytes": 4096}) as gw:
        p = gw.pile("BIG", "1.6")
        other = gw.pile("SMALL", "1.6")
        p.ws.send_text('[2,"x","DataTransfer",{"vendorId":"v","data":"%s"}]' % ("A" * 5000))
        ev = p.ws.recv(timeout=5)
        assert ev[0] == "close" and ev[1] == 1009, ev
        other.call("Heartbeat", {})
        other.close()


def test_bad_utf8_closed_1007(t):
    with Gateway() as gw:
        p = gw.pile("UTF", "1.6")
        p.ws.send_bytes_as_text(b'[2,"x","Heartbeat",{"a":"\xc0\xaf"}]')
        ev = p.ws.recv(timeout=5)
        assert ev[0] == "close" and ev[1] == 1007, ev


def test_frames_logged_hash_chained(t):
    with Gateway() as gw:
        p = gw.pile("LOG", "1.6")
        p.call("Heartbeat", {})
        p.send_raw('[2,"zz","Heartbeat",{]')
        p.recv_frame()
        p.close()
        rows = gw.query("SELECT direction, msg_id, action FROM frames WHERE pile = ? ORDER BY seq", "LOG")
        dirs = [(r["direction"], r["msg_id"]) for r in rows]
        assert ("in", "m1") in dirs and ("out", "m1") in dirs, dirs
        assert ("in", "-1") in dirs or ("in", "") in dirs, dirs


run(globals())
