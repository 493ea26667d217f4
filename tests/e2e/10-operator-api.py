#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""10-operator-api: the operator HTTP API of the real gateway through a real
HTTP client (urllib): bearer tokens and scopes, every error status, piles
and orders after real sessions, the typo-tolerant order lookup, the generic
command endpoint, and a remote stop of a 1.6 and a 2.0.1 session that ends
in a completed order with its remote-stop events."""
import json
import os
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request

from gwtest import Gateway, run, free_port
from payloads import iso_ms, server_calls, wait_until, whole_second_ms

READ = "read-token-0123456789abcdef"
OPERATE = "operate-token-0123456789abcdef"
REVIEW = "review-token-0123456789abcdef"



class ApiGateway(Gateway):
    """A Gateway whose config turns the API on, on a port the test picked
    (gwtest reads only the OCPP LISTENING lines)."""

    def __init__(self, max_body=None, **kw):
        super().__init__(**kw)
        self.api_port = free_port()
        body = " max_body_bytes = %d;" % max_body if max_body else ""
        self.api_conf = ('api: { address = "127.0.0.1"; port = %d;%s tokens = ('
                         ' { name = "viewer"; token = "%s"; scopes = "read"; },'
                         ' { name = "ops"; token = "%s"; scopes = "read,operate"; },'
                         ' { name = "reviewer"; token = "%s"; scopes = "review"; }); };'
                         % (self.api_port, body, READ, OPERATE, REVIEW))

    def api(self, method, path, token=READ, body=None, raw=None, headers=None, timeout=10):
        """(status, parsed JSON or text, headers)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.api_port, path), data=data,
                                     method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, text, hdrs = r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as e:
            status, text, hdrs = e.code, e.read().decode(), e.headers
        ctype = hdrs.get("Content-Type", "")
        return status, (json.loads(text) if ctype.startswith("application/json") else text), hdrs


def expect_error(res, status, code):
    st, body, _ = res
    assert st == status, "expected %d, got %d: %r" % (status, st, body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"], body


def session16(p, tag="TAG-API", meter=1000):
    p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Preparing"})
    # started 20 minutes ago: past the free-cancel window, so a stop settles
    res = p.call("StartTransaction", {"connectorId": 1, "idTag": tag, "meterStart": meter,
                                      "timestamp": iso_ms(whole_second_ms() - 20 * 60000)})
    assert res["idTagInfo"]["status"] == "Accepted", res
    p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
    return res["transactionId"]


def te201(event, seq, tx, trigger, state=None, stopped=None, token=None, meter_kwh=None):
    at = whole_second_ms() - (20 * 60000 if event == "Started" else 0)
    info = {"transactionId": tx}
    if state:
        info["chargingState"] = state
    if stopped:
        info["stoppedReason"] = stopped
    body = {"eventType": event, "timestamp": iso_ms(at), "triggerReason": trigger,
            "seqNo": seq, "transactionInfo": info, "evse": {"id": 1, "connectorId": 1}}
    if token:
        body["idToken"] = {"idToken": token, "type": "ISO14443"}
    if meter_kwh is not None:
        ctx = "Transaction.Begin" if event == "Started" else "Transaction.End"
        body["meterValue"] = [{"timestamp": body["timestamp"], "sampledValue": [
            {"value": meter_kwh, "context": ctx, "measurand": "Energy.Active.Import.Register",
             "unitOfMeasure": {"unit": "kWh"}}]}]
    return body


# ------------------------------------------------------------------ auth and errors

def test_auth_scopes_and_health(t):
    with ApiGateway() as gw:
        st, body, _ = gw.api("GET", "/healthz", token=None)
        assert st == 200 and body == {"status": "ok", "store": "ok", "piles_online": 0}, body
        # 401 without a token, with a bad one, with another scheme; header says Bearer
        res = gw.api("GET", "/v1/piles", token=None)
        expect_error(res, 401, "unauthorized")
        assert res[2].get("WWW-Authenticate", "").startswith("Bearer"), res[2]
        expect_error(gw.api("GET", "/v1/piles", token="wrong-token-0123456789abcdef"), 401,
                     "unauthorized")
        expect_error(gw.api("GET", "/v1/piles", token=None,
                            headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401, "unauthorized")
        # 403 per scope: review cannot read, read cannot operate
        expect_error(gw.api("GET", "/v1/piles", token=REVIEW), 403, "forbidden")
        expect_error(gw.api("GET", "/metrics", token=REVIEW), 403, "forbidden")
        expect_error(gw.api("POST", "/v1/orders/1/stop", token=READ), 403, "forbidden")
        expect_error(gw.api("POST", "/v1/piles/X/commands/Reset", token=READ, body={}), 403,
                     "forbidden")
        st, body, _ = gw.api("GET", "/v1/piles", token=OPERATE)
        assert st == 200 and body == {"items": [], "next_cursor": None}, body
        st, text, hdrs = gw.api("GET", "/metrics")
        assert st == 200 and hdrs["Content-Type"].startswith("text/plain"), hdrs
        assert "ocppgw_piles_online 0" in text and 'ocppgw_frames_total{direction="in"}' in text, text
        assert "ocppgw_store_commits_total" in text and 'ocppgw_orders{state="completed"} 0' in text


def test_error_statuses(t):
    with ApiGateway(max_body=2048) as gw:
        p = gw.pile("CP-ERR", "1.6")
        expect_error(gw.api("GET", "/v1/nothing"), 404, "not_found")
        expect_error(gw.api("GET", "/v1/piles/NOPE"), 404, "not_found")
        expect_error(gw.api("GET", "/v1/refund-cases/999"), 404, "not_found")
        expect_error(gw.api("DELETE", "/v1/orders"), 405, "method_not_allowed")
        expect_error(gw.api("GET", "/v1/orders?limit=0"), 400, "bad_request")
        expect_error(gw.api("GET", "/v1/orders?limit=101"), 400, "bad_request")
        expect_error(gw.api("GET", "/v1/orders?state=flying"), 400, "bad_request")
        expect_error(gw.api("GET", "/v1/orders?from=yesterday"), 400, "bad_request")
        expect_error(gw.api("GET", "/v1/refund-cases?tier=Z"), 400, "bad_request")
        expect_error(gw.api("GET", "/v1/orders/not!a!number"), 400, "bad_request")
        # a well-formed number with a wrong check symbol is a typo, not a guess
        expect_error(gw.api("GET", "/v1/orders/10"), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles/CP-ERR/commands/Reset", token=OPERATE,
                            raw=b"{not json"), 400, "bad_json")
        expect_error(gw.api("POST", "/v1/piles/CP-ERR/commands/Reset", token=OPERATE,
                            raw=b"[1,2]"), 400, "bad_field")
        expect_error(gw.api("POST", "/v1/piles/CP-ERR/commands/Reset", token=OPERATE,
                            body={"type": "Sideways"}), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles/CP-ERR/commands/BootNotification", token=OPERATE,
                            body={}), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles/CP-ERR/commands/Reset", token=OPERATE,
                            raw=b"x" * 4096), 413, "too_large")
        gw.pile("CP-GONE", "1.6").close()
        wait_until("CP-GONE offline",
                   lambda: gw.api("GET", "/v1/piles/CP-GONE")[1].get("online") is False)
        expect_error(gw.api("POST", "/v1/piles/CP-GONE/commands/Reset", token=OPERATE,
                            body={"type": "Soft"}), 409, "conflict")
        # an order that is over cannot be stopped
        tx = session16(p)
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 2000,
                                   "timestamp": iso_ms(whole_second_ms())})
        number = gw.api("GET", "/v1/orders?pile=CP-ERR")[1]["items"][0]["number"]
        expect_error(gw.api("POST", "/v1/orders/%s/stop" % number, token=OPERATE), 409, "conflict")
        # the transport itself refuses an upgrade on this listener
        s = socket.create_connection(("127.0.0.1", gw.api_port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n")
        head = s.recv(4096)
        s.close()
        assert head == b"" or b" 200 " not in head.split(b"\r\n")[0], head
        st, body, _ = gw.api("GET", "/healthz", token=None)
        assert st == 200, body
        p.close()


# ------------------------------------------------------------------ reading

def test_piles_and_orders_listing(t):
    with ApiGateway() as gw:
        p = gw.pile("CP-LIST", "1.6")
        tx = session16(p, tag="Tag-Mixed")
        st, body, _ = gw.api("GET", "/v1/piles")
        assert st == 200 and [x["identity"] for x in body["items"]] == ["CP-LIST"], body
        pile = body["items"][0]
        assert pile["online"] is True and pile["ocpp_version"] == "1.6", pile
        assert pile["registration"] == "Accepted" and pile["boot"]["vendor"] == "ocppgw-test", pile
        assert pile["last_seen_at"] and pile["session"]["security_profile"] == 1, pile
        st, detail, _ = gw.api("GET", "/v1/piles/CP-LIST")
        assert st == 200 and detail["connectors"][0]["state"] == "CHARGING", detail
        assert detail["connectors"][0]["connector_id"] == 1, detail

        st, body, _ = gw.api("GET", "/v1/orders?pile=CP-LIST&state=charging")
        assert st == 200 and len(body["items"]) == 1, body
        order = body["items"][0]
        assert order["transaction_id"] == tx and order["id_token"] == "Tag-Mixed", order
        # idTag filter is case-insensitive; other filters exclude
        assert len(gw.api("GET", "/v1/orders?id_token=TAG-MIXED")[1]["items"]) == 1
        assert gw.api("GET", "/v1/orders?state=completed")[1]["items"] == []
        assert gw.api("GET", "/v1/orders?pile=OTHER")[1]["items"] == []
        assert gw.api("GET", "/v1/orders?from=2099-01-01T00:00:00Z")[1]["items"] == []
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 5000,
                                   "timestamp": iso_ms(whole_second_ms())})
        # cursor pagination by id
        for i in range(3):
            t2 = session16(p, tag="T%d" % i)
            p.call("StopTransaction", {"transactionId": t2, "meterStop": 1500,
                                       "timestamp": iso_ms(whole_second_ms())})
        seen, cursor = [], ""
        while True:
            st, page, _ = gw.api("GET", "/v1/orders?limit=2" + ("&cursor=" + cursor if cursor else ""))
            assert st == 200 and len(page["items"]) <= 2, page
            seen += [o["id"] for o in page["items"]]
            if not page["next_cursor"]:
                break
            cursor = page["next_cursor"]
        assert seen == sorted(seen) and len(seen) == 4, seen
        st, detail, _ = gw.api("GET", "/v1/orders/" + order["number"])
        assert st == 200 and detail["state"] == "completed", detail
        types = [e["type"] for e in detail["events"]]
        assert types[0] == "order.started" and "order.settled" in types, types
        assert detail["amounts"]["currency"] and isinstance(detail["cases"], list), detail
        st, cases, _ = gw.api("GET", "/v1/refund-cases")
        assert st == 200 and "items" in cases, cases
        for c in cases["items"]:
            st, cd, _ = gw.api("GET", "/v1/refund-cases/%d" % c["id"])
            assert st == 200 and cd["manifest"]["items"] == len(cd["evidence"]), cd
        p.close()


def test_typo_tolerant_order_number(t):
    gw = ApiGateway()
    gw.start()
    assert gw.api("GET", "/healthz", token=None)[0] == 200  # up, signal handler installed
    gw.stop()
    # order ids from 1024 on, so the number holds zeros: 1024 = "100" + check
    with sqlite3.connect(gw.db_path) as c:
        c.execute("INSERT INTO sqlite_sequence(name, seq) VALUES ('orders', 1023)")
    gw.restart()
    try:
        p = gw.pile("CP-TYPO", "1.6")
        session16(p)
        order = gw.api("GET", "/v1/orders?pile=CP-TYPO")[1]["items"][0]
        number = order["number"]
        assert order["id"] == 1024 and "0" in number, order
        variants = [number, number.lower(), number.replace("0", "O"), number.replace("0", "o"),
                    "-".join(number), " %s " % number.replace("0", "O").lower()]
        for v in variants:
            st, body, _ = gw.api("GET", "/v1/orders/" + urllib.request.quote(v))
            assert st == 200 and body["number"] == number, (v, st, body)
        p.close()
        gw.stop()
    finally:
        gw.kill9()
    gw.cleanup()


# ------------------------------------------------------------------ commands

def test_generic_command_waits_for_the_pile(t):
    with ApiGateway() as gw:
        p = gw.pile("CP-CMD", "1.6")
        p.answers["GetConfiguration"] = {"configurationKey": [
            {"key": "HeartbeatInterval", "readonly": False, "value": "300"}]}
        out = {}

        def ask():
            out["res"] = gw.api("POST", "/v1/piles/CP-CMD/commands/GetConfiguration", token=OPERATE,
                                body={"key": ["HeartbeatInterval"]})
        th = threading.Thread(target=ask)
        th.start()
        wait_until("the command", lambda: "res" in out, pile=p)
        th.join()
        st, body, _ = out["res"]
        assert st == 200, body
        assert body["outcome"] == "answered" and body["action"] == "GetConfiguration", body
        assert body["response"]["configurationKey"][0]["value"] == "300", body
        assert server_calls(p, "GetConfiguration") == [{"key": ["HeartbeatInterval"]}]
        # a CALLERROR from the pile is a 502 with its code
        p.answers["Reset"] = None
        out.clear()
        th = threading.Thread(target=lambda: out.update(res=gw.api(
            "POST", "/v1/piles/CP-CMD/commands/Reset", token=OPERATE, body={"type": "Soft"})))
        th.start()
        wait_until("the reset", lambda: "res" in out, pile=p)
        th.join()
        expect_error(out["res"], 502, "pile_error")
        assert "NotImplemented" in out["res"][1]["error"]["message"], out
        # /metrics counts frames by action and result, commands by outcome
        p.call("Heartbeat", {})
        p.call("Heartbeat", {})
        p.expect_error("StatusNotification", {"connectorId": 1}, "OccurenceConstraintViolation")
        p.expect_error("NoSuchAction", {}, "NotImplemented")
        p.expect_error("Reset", {"type": "Soft"}, "NotSupported")  # goes the other way
        err = p.call_raw("not json at all", "-1")
        assert err[0] == 4, err
        st, text, _ = gw.api("GET", "/metrics")
        assert st == 200, text
        series = {}
        for line in text.splitlines():
            if line.startswith(("ocppgw_frames_in_total{", "ocppgw_commands_total{")):
                name, value = line.rsplit(" ", 1)
                series[name] = int(value)
        want = {
            'ocppgw_frames_in_total{version="1.6",action="BootNotification",result="ok"}': 1,
            'ocppgw_frames_in_total{version="1.6",action="Heartbeat",result="ok"}': 2,
            'ocppgw_frames_in_total{version="1.6",action="StatusNotification",result="error"}': 1,
            'ocppgw_frames_in_total{version="1.6",action="Reset",result="error"}': 1,
            'ocppgw_commands_total{version="1.6",action="GetConfiguration",outcome="accepted"}': 1,
            'ocppgw_commands_total{version="1.6",action="Reset",outcome="error"}': 1,
        }
        for k, v in want.items():
            assert series.get(k) == v, "%s: want %d, got %r\n%s" % (k, v, series.get(k), text)
        # only non-zero series, and nothing we did not do
        assert all(series.values()) and set(series) == set(want), series
        assert "ocppgw_frames_malformed_total 1\n" in text, text
        assert "ocppgw_calls_unknown_action_total 1\n" in text, text
        p.close()


def remote_stop(gw, p, number):
    st, body, _ = gw.api("POST", "/v1/orders/%s/stop" % number, token=OPERATE)
    assert st == 202, body
    assert body["work_order"].startswith("WO-") and body["order"] == number, body
    return body


def order_events(gw, number):
    return [e["type"] for e in gw.api("GET", "/v1/orders/" + number)[1]["events"]]


def test_remote_stop_16(t):
    with ApiGateway() as gw:
        p = gw.pile("CP-STOP16", "1.6")
        tx = session16(p)
        number = gw.api("GET", "/v1/orders?pile=CP-STOP16")[1]["items"][0]["number"]
        body = remote_stop(gw, p, number)
        assert body["action"] == "RemoteStopTransaction", body
        wait_until("RemoteStopTransaction", lambda: server_calls(p, "RemoteStopTransaction"), pile=p)
        assert server_calls(p, "RemoteStopTransaction") == [{"transactionId": tx}]
        wait_until("accepted", lambda: "order.remote_stop_accepted" in order_events(gw, number),
                   pile=p)
        assert gw.api("GET", "/v1/orders/" + number)[1]["state"] == "stopping"
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 4000, "reason": "Remote",
                                   "timestamp": iso_ms(whole_second_ms())})
        detail = gw.api("GET", "/v1/orders/" + number)[1]
        assert detail["state"] == "completed", detail
        ev = {e["type"]: e for e in detail["events"]}
        assert ev["order.remote_stop_requested"]["source"] == "operator", ev
        assert ev["order.remote_stop_requested"]["source_ref"] == body["work_order"], ev
        types = [e["type"] for e in detail["events"]]
        assert types.index("order.remote_stop_requested") < types.index("order.remote_stop_accepted")
        p.close()


def test_remote_stop_201(t):
    with ApiGateway() as gw:
        p = gw.pile("CS-STOP201", "2.0.1")
        p.call("StatusNotification", {"timestamp": iso_ms(whole_second_ms()), "connectorStatus":
                                      "Occupied", "evseId": 1, "connectorId": 1})
        res = p.call("TransactionEvent", te201("Started", 0, "TX-API-1", "Authorized",
                                               state="Charging", token="TAG201", meter_kwh=1.0))
        assert res["idTokenInfo"]["status"] == "Accepted", res
        number = gw.api("GET", "/v1/orders?pile=CS-STOP201")[1]["items"][0]["number"]
        body = remote_stop(gw, p, number)
        assert body["action"] == "RequestStopTransaction", body
        wait_until("RequestStopTransaction",
                   lambda: server_calls(p, "RequestStopTransaction"), pile=p)
        assert server_calls(p, "RequestStopTransaction") == [{"transactionId": "TX-API-1"}]
        wait_until("accepted", lambda: "order.remote_stop_accepted" in order_events(gw, number),
                   pile=p)
        p.call("TransactionEvent", te201("Ended", 1, "TX-API-1", "RemoteStop", state="EVConnected",
                                         stopped="Remote", meter_kwh=3.0))
        detail = gw.api("GET", "/v1/orders/" + number)[1]
        assert detail["state"] == "completed", detail
        assert detail["transaction_id"] == "TX-API-1", detail
        types = [e["type"] for e in detail["events"]]
        assert "order.remote_stop_requested" in types and "order.remote_stop_accepted" in types
        # a rejected stop is recorded as such
        p.call("TransactionEvent", te201("Started", 0, "TX-API-2", "Authorized",
                                         state="Charging", token="TAG201", meter_kwh=3.0))
        p.answers["RequestStopTransaction"] = {"status": "Rejected"}
        n2 = [o for o in gw.api("GET", "/v1/orders?pile=CS-STOP201&state=charging")[1]["items"]][0]
        remote_stop(gw, p, n2["number"])
        wait_until("rejected",
                   lambda: "order.remote_stop_rejected" in order_events(gw, n2["number"]), pile=p)
        assert gw.api("GET", "/v1/orders/" + n2["number"])[1]["state"] == "charging"
        p.close()


run(globals())
