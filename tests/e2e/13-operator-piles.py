#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""13-operator-piles: piles administered through the operator API of the real
gateway: register (and its errors), change the registration (a Rejected pile
is disconnected and refused), remove (refused while a transaction is open;
then 404 at the handshake, history kept, registered again later), set a
password directly, rotate it on a 1.6 pile that accepts (the new one works,
the old one gets 401) and on a 2.0.1 pile that rejects (the old one stays),
and the /metrics additions (webhook and refund series, CALLERRORs by code,
Heartbeats kept out of the frame log)."""
import json
import urllib.error
import urllib.request

import wsclient
from gwtest import Gateway, Pile, run, free_port
from payloads import iso_ms, server_calls, wait_until, whole_second_ms

READ = "read-token-0123456789abcdef"
OPERATE = "operate-token-0123456789abcdef"
OLD = "old-password-0123456789"          # 23 bytes: fine for a 2.0.1 pile
OLD16 = "old-key-01234567"               # 16 bytes: a 1.6 AuthorizationKey
NEW16 = "new-key-0123456789ab"           # 20 bytes: the 1.6 maximum
NEW201 = "new-201-password-0123456789abcdef"



class ApiGateway(Gateway):
    """A Gateway with the API on a port the test picked, piles registered
    only through the API (auto_register off)."""

    def __init__(self, **kw):
        kw.setdefault("ocpp", {"auto_register": False})
        super().__init__(**kw)
        self.api_port = free_port()
        self.api_conf = ('api: { address = "127.0.0.1"; port = %d; tokens = ('
                         ' { name = "viewer"; token = "%s"; scopes = "read"; },'
                         ' { name = "ops"; token = "%s"; scopes = "read,operate"; }); };'
                         % (self.api_port, READ, OPERATE))

    def api(self, method, path, token=OPERATE, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.api_port, path), data=data,
                                     method=method)
        req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, text, ctype = r.status, r.read().decode(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            status, text, ctype = e.code, e.read().decode(), e.headers.get("Content-Type", "")
        return status, (json.loads(text) if ctype.startswith("application/json") else text)


def expect_error(res, status, code):
    st, body = res
    assert st == status, "expected %d, got %d: %r" % (status, st, body)
    assert body["error"]["code"] == code and body["error"]["message"], body


def refused(gw, identity, status, password=None, version="1.6"):
    try:
        p = Pile(gw, identity, version, password=password)
    except wsclient.HandshakeRefused as e:
        assert e.status == status, "expected HTTP %s, got %s" % (status, e.status)
        return
    p.close()
    raise AssertionError("%s connected, expected HTTP %s" % (identity, status))


def closed_by_server(p, timeout=5.0):
    """True once the gateway closed p's connection."""
    try:
        p.pump(timeout)
    except (wsclient.WsError, OSError, EOFError, ConnectionError):
        return True
    return False


def reports(gw, identity, kind):
    with gw.db() as c:
        return [r["status"] for r in c.execute(
            "SELECT status FROM pile_reports WHERE pile = ? AND kind = ? ORDER BY id",
            (identity, kind))]


# ------------------------------------------------------------------ register, change, remove

def test_register_errors(t):
    with ApiGateway() as gw:
        expect_error(gw.api("POST", "/v1/piles", token=READ, body={"identity": "CP-A"}), 403,
                     "forbidden")
        st, body = gw.api("POST", "/v1/piles", body={"identity": "CP-A", "min_security_profile": 1})
        assert st == 201, body
        assert body["identity"] == "CP-A" and body["registration"] == "Accepted", body
        assert body["min_security_profile"] == 1 and body["has_password"] is False, body
        expect_error(gw.api("POST", "/v1/piles", body={"identity": "CP-A"}), 409, "conflict")
        for bad in ("a:b", "", "x" * 49, "a/b", "tab\there"):
            expect_error(gw.api("POST", "/v1/piles", body={"identity": bad}), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles", body={}), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles", body={"identity": 7}), 400, "bad_field")
        expect_error(gw.api("POST", "/v1/piles", raw=b"{nope"), 400, "bad_json")
        expect_error(gw.api("POST", "/v1/piles", body={"identity": "CP-B", "registration": "Maybe"}),
                     422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles", body={"identity": "CP-B", "min_security_profile": 4}),
                     422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles", body={"identity": "CP-B", "password": "short"}),
                     422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles", body={"identity": "CP-B", "password": "x" * 65}),
                     422, "unprocessable")
        # an unknown identity is still refused at the handshake (auto_register off)
        refused(gw, "CP-B", 404)
        # PATCH errors
        expect_error(gw.api("PATCH", "/v1/piles/NOPE", body={"registration": "Pending"}), 404,
                     "not_found")
        expect_error(gw.api("PATCH", "/v1/piles/CP-A", body={}), 422, "unprocessable")
        expect_error(gw.api("PATCH", "/v1/piles/CP-A", body={"min_security_profile": "2"}), 400,
                     "bad_field")
        expect_error(gw.api("DELETE", "/v1/piles/NOPE"), 404, "not_found")
        expect_error(gw.api("DELETE", "/v1/piles/CP-A", token=READ), 403, "forbidden")


def test_rejected_pile_is_disconnected(t):
    with ApiGateway() as gw:
        assert gw.api("POST", "/v1/piles", body={"identity": "CP-REJ"})[0] == 201
        p = gw.pile("CP-REJ", "1.6")
        st, body = gw.api("PATCH", "/v1/piles/CP-REJ", body={"registration": "Rejected"})
        assert st == 200 and body["registration"] == "Rejected", body
        assert closed_by_server(p), "a Rejected pile stays connected"
        refused(gw, "CP-REJ", 403)
        st, body = gw.api("PATCH", "/v1/piles/CP-REJ", body={"registration": "Accepted"})
        assert st == 200 and body["registration"] == "Accepted", body
        gw.pile("CP-REJ", "1.6").close()
        # a minimum profile above the live session's closes it too
        p = gw.pile("CP-REJ", "1.6")
        st, body = gw.api("PATCH", "/v1/piles/CP-REJ", body={"min_security_profile": 2})
        assert st == 200 and body["min_security_profile"] == 2, body
        assert closed_by_server(p), "a session below the pile's minimum profile stays connected"
        refused(gw, "CP-REJ", 403)


def test_remove_keeps_history(t):
    with ApiGateway() as gw:
        assert gw.api("POST", "/v1/piles", body={"identity": "CP-DEL"})[0] == 201
        p = gw.pile("CP-DEL", "1.6")
        res = p.call("StartTransaction", {"connectorId": 1, "idTag": "TAG-DEL", "meterStart": 100,
                                          "timestamp": iso_ms(whole_second_ms())})
        tx = res["transactionId"]
        st, body = gw.api("DELETE", "/v1/piles/CP-DEL")
        expect_error((st, body), 409, "conflict")
        assert "open" in body["error"]["message"], body
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 200,
                                   "timestamp": iso_ms(whole_second_ms())})
        st, body = gw.api("DELETE", "/v1/piles/CP-DEL")
        assert st == 200 and body == {"identity": "CP-DEL", "removed": True}, body
        assert closed_by_server(p), "a removed pile stays connected"
        refused(gw, "CP-DEL", 404)
        expect_error(gw.api("GET", "/v1/piles/CP-DEL"), 404, "not_found")
        assert "CP-DEL" not in [x["identity"] for x in gw.api("GET", "/v1/piles")[1]["items"]]
        expect_error(gw.api("DELETE", "/v1/piles/CP-DEL"), 404, "not_found")
        # soft delete: the row, its transaction and the removal are kept
        with gw.db() as c:
            assert c.execute("SELECT reg_status FROM piles WHERE identity = 'CP-DEL'").fetchone()[0] \
                == "Removed"
            assert c.execute("SELECT count(*) FROM transactions WHERE pile = 'CP-DEL'").fetchone()[0] == 1
        assert reports(gw, "CP-DEL", "OperatorPileRemoved") == ["Removed"]
        # registered again: known, with the new settings, and connects
        st, body = gw.api("POST", "/v1/piles", body={"identity": "CP-DEL", "registration": "Pending"})
        assert st == 201 and body["registration"] == "Pending", body
        Pile(gw, "CP-DEL", "1.6").close()


# ------------------------------------------------------------------ passwords

def test_password_set_directly_when_offline(t):
    with ApiGateway() as gw:
        assert gw.api("POST", "/v1/piles", body={"identity": "CP-OFF", "password": OLD})[0] == 201
        assert gw.api("GET", "/v1/piles/CP-OFF")[1]["has_password"] is True
        Pile(gw, "CP-OFF", "1.6", password=OLD).close()
        refused(gw, "CP-OFF", 401)                       # no credentials
        expect_error(gw.api("POST", "/v1/piles/CP-OFF/password", body={}), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/piles/NOPE/password", body={"password": NEW201}), 404,
                     "not_found")
        st, body = gw.api("POST", "/v1/piles/CP-OFF/password", body={"password": NEW201})
        assert st == 200 and body == {"pile": "CP-OFF", "outcome": "set"}, body
        Pile(gw, "CP-OFF", "1.6", password=NEW201).close()
        refused(gw, "CP-OFF", 401, password=OLD)
        assert NEW201 not in gw.log() and OLD not in gw.log()


def test_rotation_16_accepted(t):
    with ApiGateway() as gw:
        assert gw.api("POST", "/v1/piles", body={"identity": "CP-ROT", "password": OLD16})[0] == 201
        p = gw.pile("CP-ROT", "1.6", password=OLD16)
        # a 1.6 AuthorizationKey is at most 20 bytes
        expect_error(gw.api("POST", "/v1/piles/CP-ROT/password", body={"password": NEW201}), 422,
                     "unprocessable")
        st, body = gw.api("POST", "/v1/piles/CP-ROT/password", body={"password": NEW16})
        assert st == 202 and body["action"] == "ChangeConfiguration", body
        assert body["reference"].startswith("PW-") and body["outcome"] == "requested", body
        wait_until("the rotation", lambda: server_calls(p, "ChangeConfiguration"), pile=p)
        assert server_calls(p, "ChangeConfiguration") == [
            {"key": "AuthorizationKey", "value": NEW16.encode().hex().upper()}]
        wait_until("the outcome", lambda: "Accepted" in reports(gw, "CP-ROT", "PasswordRotation"),
                   pile=p)
        assert reports(gw, "CP-ROT", "PasswordRotation") == ["Requested", "Accepted"]
        pile = gw.api("GET", "/v1/piles/CP-ROT")[1]
        assert pile["has_password"] and not pile["password_rotation_pending"], pile
        p.close()
        # A01.FR.03: the old one stops working, the new one works
        refused(gw, "CP-ROT", 401, password=OLD16)
        q = Pile(gw, "CP-ROT", "1.6", password=NEW16)
        q.boot()
        q.close()
        log = gw.log()
        assert NEW16 not in log and NEW16.encode().hex().upper() not in log and OLD16 not in log
        # A01.FR.08: the store keeps no password either - the command and its
        # raw frame are kept with the value redacted
        hexed = NEW16.encode().hex()
        for table, col in (("frames", "payload"), ("commands", "payload")):
            rows = gw.query("SELECT %s AS p FROM %s WHERE %s LIKE '%%AuthorizationKey%%'" % (col, table, col))
            assert rows, table
            for r in rows:
                assert hexed not in r["p"].lower() and NEW16 not in r["p"], (table, r)
                assert '"value":"***"' in r["p"], (table, r)


def test_rotation_201_rejected_keeps_old(t):
    with ApiGateway() as gw:
        assert gw.api("POST", "/v1/piles", body={"identity": "CS-ROT", "password": OLD})[0] == 201
        p = Pile(gw, "CS-ROT", "2.0.1", password=OLD, answers={
            "SetVariables": lambda pl: {"setVariableResult": [
                {"attributeStatus": "Rejected", "component": v["component"], "variable": v["variable"]}
                for v in pl["setVariableData"]]}})
        p.boot()
        st, body = gw.api("POST", "/v1/piles/CS-ROT/password", body={"password": NEW201})
        assert st == 202 and body["action"] == "SetVariables", body
        wait_until("the outcome", lambda: "Rejected" in reports(gw, "CS-ROT", "PasswordRotation"),
                   pile=p)
        sent = server_calls(p, "SetVariables")[0]["setVariableData"][0]
        assert sent["component"]["name"] == "SecurityCtrlr", sent
        assert sent["variable"]["name"] == "BasicAuthPassword" and sent["attributeValue"] == NEW201
        pile = gw.api("GET", "/v1/piles/CS-ROT")[1]
        assert not pile["password_rotation_pending"], pile
        p.close()
        # A01.FR.04: the old one stays, the refused one never worked
        refused(gw, "CS-ROT", 401, password=NEW201, version="2.0.1")
        Pile(gw, "CS-ROT", "2.0.1", password=OLD).close()
        assert NEW201 not in gw.log()


def test_rotation_callerror_keeps_old(t):
    with ApiGateway() as gw:
        assert gw.api("POST", "/v1/piles", body={"identity": "CP-ERR", "password": OLD16})[0] == 201
        p = Pile(gw, "CP-ERR", "1.6", password=OLD16, answers={"ChangeConfiguration": None})
        p.boot()
        assert gw.api("POST", "/v1/piles/CP-ERR/password", body={"password": NEW16})[0] == 202
        wait_until("the outcome",
                   lambda: "NotImplemented" in reports(gw, "CP-ERR", "PasswordRotation"), pile=p)
        p.close()
        refused(gw, "CP-ERR", 401, password=NEW16)
        Pile(gw, "CP-ERR", "1.6", password=OLD16).close()


# ------------------------------------------------------------------ metrics

def test_metrics_additions(t):
    with ApiGateway() as gw:
        st, text = gw.api("GET", "/metrics", token=READ)
        assert st == 200, text
        for line in ('ocppgw_webhook_deliveries{state="pending"} 0',
                     'ocppgw_webhook_deliveries{state="delivered"} 0',
                     'ocppgw_webhook_deliveries{state="dead"} 0',
                     "ocppgw_webhook_failed_attempts_total 0", "ocppgw_webhook_retrying 0",
                     "# TYPE ocppgw_refund_amount_minor gauge"):
            assert line in text, (line, text)


def test_metrics_count_quiet_heartbeats(t):
    """Accepted Heartbeats stay out of the raw frame log; /metrics counts
    them (both versions), and a refused one is not among them."""
    with ApiGateway(ocpp={"auto_register": True}) as gw:
        p = gw.pile("CP-HB", "1.6")
        q = gw.pile("CS-HB", "2.0.1")
        for _ in range(3):
            p.call("Heartbeat", {})
        for _ in range(2):
            q.call("Heartbeat", {})
        q.expect_error("Heartbeat", {"extra": 1}, "PropertyConstraintViolation")
        st, text = gw.api("GET", "/metrics", token=READ)
        assert st == 200, text
        lines = text.splitlines()
        assert "ocppgw_frames_quiet_total 5" in lines, [
            l for l in lines if "quiet" in l]
        assert "# TYPE ocppgw_frames_quiet_total counter" in lines, text
        assert [l for l in lines if l.startswith("# HELP ocppgw_frames_quiet_total ")
                and "piles.last_seen_ms" in l], text
        logged = gw.query("SELECT count(*) AS n FROM frames WHERE action = 'Heartbeat'"
                          " AND direction = 'in'")[0]["n"]
        assert logged == 1, ("only the refused Heartbeat is in the frame log", logged)
        p.close()
        q.close()


def test_metrics_count_callerrors_by_code(t):
    with ApiGateway(ocpp={"auto_register": True}) as gw:
        p = gw.pile("CP-ERR", "1.6")
        p.expect_error("FooBar", {}, "NotImplemented")
        p.expect_error("FooBar", {}, "NotImplemented")
        p.expect_error("Authorize", {}, "OccurenceConstraintViolation")  # 1.6's spelling
        p.expect_error("Authorize", {"idTag": 7}, "TypeConstraintViolation")
        q = gw.pile("CS-ERR", "2.0.1")
        q.expect_error("Heartbeat", {"extra": 1}, "PropertyConstraintViolation")
        st, text = gw.api("GET", "/metrics", token=READ)
        assert st == 200, text
        got = sorted(line for line in text.splitlines()
                     if line.startswith("ocppgw_callerrors_out_total{"))
        assert got == sorted([
            'ocppgw_callerrors_out_total{version="1.6",action="(unknown)",code="NotImplemented"} 2',
            'ocppgw_callerrors_out_total{version="1.6",action="Authorize",'
            'code="OccurenceConstraintViolation"} 1',
            'ocppgw_callerrors_out_total{version="1.6",action="Authorize",'
            'code="TypeConstraintViolation"} 1',
            'ocppgw_callerrors_out_total{version="2.0.1",action="Heartbeat",'
            'code="PropertyConstraintViolation"} 1',
        ]), got
        p.close()
        q.close()


run(globals())
