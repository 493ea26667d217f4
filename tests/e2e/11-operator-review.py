#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""11-operator-review: refund cases reviewed through the operator API of the
real gateway (DESIGN.md "Billing anomalies -> refund cases"; issue 5 "a case
reviewed through the API").  Real 1.6 sessions of a partner's idTags, a
real HTTP receiver for the partner's signed webhooks.  Asserted: the
appeal opens one manual case (tier C, APPEAL) per order; decisions approve /
partial / reject / request_info with the state machine's 409s; the refund
confirmation happens once (409 after); money granted goes out as
refund_case.resolved and a cdr.credited credit CDR (negative totals,
credit_reference_id = the order); scopes and body errors."""
import json
import urllib.error
import urllib.request

from gwtest import Gateway, run, free_port
from receiver import SignedReceiver
from payloads import iso_ms, server_calls, wait_until, whole_second_ms

READ = "read-token-0123456789abcdef"
OPERATE = "operate-token-0123456789abcdef"
REVIEW = "review-token-0123456789abcdef"
SECRET = "whsec-app-0123456789abcdef"



class Receiver(SignedReceiver):
    """The partner's endpoint (see receiver.py); code is the HTTP status it
    answers now (503: down)."""

    def __init__(self):
        self.code = 200
        super().__init__(SECRET, status=lambda n: self.code)

    def events(self, event_type=None):
        return [s["event"] for s in super().events(event_type)]

    def all_signed(self):
        return all(s["sig_ok"] for s in self.accepted())


class ApiGateway(Gateway):
    """The gateway with its API on a picked port and tokens of each scope."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.api_port = free_port()
        self.api_conf = ('api: { address = "127.0.0.1"; port = %d; tokens = ('
                         ' { name = "viewer"; token = "%s"; scopes = "read"; },'
                         ' { name = "ops"; token = "%s"; scopes = "read,operate"; },'
                         ' { name = "reviewer"; token = "%s"; scopes = "read,review"; }); };'
                         % (self.api_port, READ, OPERATE, REVIEW))

    def api(self, method, path, token=READ, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.api_port, path), data=data,
                                     method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        return status, json.loads(text)


def expect_error(res, status, code):
    st, body = res
    assert st == status, "expected %d, got %d: %r" % (status, st, body)
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert body["error"]["message"], body


def charged_order(gw, p, tag, stop_wh=3000):
    """A completed 1.6 session of 20 kWh over 40 minutes; its order."""
    now = whole_second_ms()
    p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
    tx = p.call("StartTransaction", {"connectorId": 1, "idTag": tag, "meterStart": 1000,
                                     "timestamp": iso_ms(now - 40 * 60000)})["transactionId"]
    p.call("MeterValues", {"connectorId": 1, "transactionId": tx, "meterValue": [
        {"timestamp": iso_ms(now - 20 * 60000), "sampledValue": [
            {"value": str((1000 + stop_wh) // 2), "measurand": "Energy.Active.Import.Register"},
            {"value": "16", "measurand": "Current.Import", "unit": "A"},
            {"value": "11000", "measurand": "Power.Active.Import", "unit": "W"}]}]})
    p.call("StopTransaction", {"transactionId": tx, "idTag": tag, "meterStop": stop_wh,
                               "timestamp": iso_ms(now)})
    p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Available"})
    orders = gw.api("GET", "/v1/orders?id_token=" + tag)[1]["items"]
    assert len(orders) == 1, orders
    return orders[0]


def appeal(gw, number, note="the driver says the price was wrong"):
    st, case = gw.api("POST", "/v1/orders/%s/appeal" % number, token=REVIEW, body={"note": note})
    assert st == 201, case
    assert case["rule"] == "APPEAL" and case["tier"] == "C", case
    assert case["state"] == "under_review" and case["decide_due"], case
    return case


def decide(gw, case_id, **body):
    return gw.api("POST", "/v1/refund-cases/%d/decision" % case_id, token=REVIEW, body=body)


def partner_cfg(rec):
    return ('partners = ( { name = "app"; url = "http://127.0.0.1:%d/hook"; secret = "%s";'
            ' token_prefixes = "APP"; } );\nhooks: { retry_s = [ 1, 1 ]; };'
            % (rec.srv.server_port, SECRET))


# ------------------------------------------------------------------ tests

def test_approve_confirm_once_with_credit_cdr(t):
    rec = Receiver()
    try:
        with ApiGateway(extra=partner_cfg(rec)) as gw:
            p = gw.pile("CP-REV1", "1.6")
            order = charged_order(gw, p, "APP-1")
            assert order["state"] == "completed", order
            billed = order["amounts"]["billed_minor"]
            assert billed > 0, order
            case = appeal(gw, order["number"])
            assert case["amount_minor"] == billed, (case, billed)
            # once per order
            expect_error(gw.api("POST", "/v1/orders/%s/appeal" % order["number"], token=REVIEW,
                                body={}), 409, "conflict")
            # confirm before a decision: nothing granted yet
            expect_error(gw.api("POST", "/v1/refund-cases/%d/confirm" % case["id"], token=REVIEW,
                                body={"executed_by": "app", "reference": "R-1"}), 409, "conflict")
            st, done = decide(gw, case["id"], decision="approve", note="agreed")
            assert st == 200 and done["state"] == "approved", done
            assert done["amount_minor"] == billed and done["decided_at"], done
            # a decided case is not decided again
            expect_error(decide(gw, case["id"], decision="reject", note="changed my mind"), 409,
                         "conflict")
            st, paid = gw.api("POST", "/v1/refund-cases/%d/confirm" % case["id"], token=REVIEW,
                              body={"executed_by": "app", "reference": "PAY-77"})
            assert st == 200 and paid["state"] == "refunded", paid
            # never the same money twice
            res = gw.api("POST", "/v1/refund-cases/%d/confirm" % case["id"], token=REVIEW,
                         body={"executed_by": "operator", "reference": "PAY-78"})
            expect_error(res, 409, "conflict")
            assert "twice" in res[1]["error"]["message"], res
            # the history: opened, resolved (with the note), cdr.credited, updated (refunded)
            ev = gw.api("GET", "/v1/orders/" + order["number"])[1]["events"]
            mine = [e for e in ev if e.get("case_id") == case["id"]]
            assert [e["type"] for e in mine] == ["refund_case.opened", "refund_case.resolved",
                                                 "cdr.credited", "refund_case.updated"], mine
            assert mine[1]["payload"]["note"] == "agreed" and mine[1]["source"] == "operator"
            assert mine[1]["payload"]["decision"] == "approve", mine[1]
            assert mine[3]["payload"]["executed_by"] == "app", mine[3]
            assert mine[3]["payload"]["reference"] == "PAY-77", mine[3]
            # the partner hears it: signed, resolved, a credit CDR with negative totals
            wait_until("credit CDR delivered", lambda: rec.events("cdr.credited"), timeout=10)
            wait_until("refunded delivered",
                       lambda: any(e["data"].get("state") == "refunded"
                                   for e in rec.events("refund_case.updated")), timeout=10)
            cdr = rec.events("cdr.credited")[0]["data"]
            assert cdr["credit"] in (True, "true"), cdr
            assert cdr["credit_reference_id"] == order["number"], cdr
            assert cdr["id"] == "%s-C%d" % (order["number"], case["id"]), cdr
            assert cdr["total_cost_minor"] == -billed and cdr["currency"], cdr
            created = rec.events("cdr.created")[0]["data"]
            assert created["order_number"] == order["number"], created
            resolved = rec.events("refund_case.resolved")[0]["data"]
            assert resolved["state"] == "approved" and resolved["case_id"] == case["id"]
            assert rec.all_signed()
            # the case list filters see the new state
            st, lst = gw.api("GET", "/v1/refund-cases?state=refunded&rule=APPEAL")
            assert st == 200 and [c["id"] for c in lst["items"]] == [case["id"]], lst
            p.close()
    finally:
        rec.close()


def test_partial_reject_request_info(t):
    with ApiGateway() as gw:
        p = gw.pile("CP-REV2", "1.6")
        p2 = gw.pile("CP-REV2B", "1.6")  # overlapping sessions on one connector are duplicates
        o1 = charged_order(gw, p, "TAG-P1")
        o2 = charged_order(gw, p2, "TAG-P2")
        c1 = appeal(gw, o1["number"])
        c2 = appeal(gw, o2["number"])
        # request_info, not twice; then partial from awaiting_info
        st, info = decide(gw, c1["id"], decision="request_info", note="send the receipt")
        assert st == 200 and info["state"] == "awaiting_info" and info["acked_at"], info
        assert not info["decided_at"], info
        expect_error(decide(gw, c1["id"], decision="request_info", note="again"), 409, "conflict")
        # partial: amount required, 1 .. amount - 1
        expect_error(decide(gw, c1["id"], decision="partial", note="half"), 422, "unprocessable")
        expect_error(decide(gw, c1["id"], decision="partial", note="all",
                            amount_minor=c1["amount_minor"]), 422, "unprocessable")
        expect_error(decide(gw, c1["id"], decision="partial", note="x", amount_minor="12"), 400,
                     "bad_field")
        half = c1["amount_minor"] // 2
        st, part = decide(gw, c1["id"], decision="partial", amount_minor=half, note="half of it")
        assert st == 200 and part["state"] == "partially_approved", part
        assert part["amount_minor"] == half, part
        # reject needs a note; then rejected is final
        expect_error(decide(gw, c2["id"], decision="reject"), 422, "unprocessable")
        st, rej = decide(gw, c2["id"], decision="reject", note="the session was fine")
        assert st == 200 and rej["state"] == "rejected", rej
        expect_error(decide(gw, c2["id"], decision="approve"), 409, "conflict")
        expect_error(gw.api("POST", "/v1/refund-cases/%d/confirm" % c2["id"], token=REVIEW,
                            body={"executed_by": "op", "reference": "X"}), 409, "conflict")
        # the appeal of o2 was its one appeal
        expect_error(gw.api("POST", "/v1/orders/%s/appeal" % o2["number"], token=REVIEW),
                     409, "conflict")
        # unknown decision words, missing fields, bad ids
        expect_error(decide(gw, c1["id"], decision="maybe"), 422, "unprocessable")
        expect_error(decide(gw, c1["id"]), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/refund-cases/%d/decision" % c1["id"], token=REVIEW,
                            raw=b"{nope"), 400, "bad_json")
        expect_error(decide(gw, 9999, decision="approve"), 404, "not_found")
        expect_error(gw.api("POST", "/v1/refund-cases/abc/decision", token=REVIEW,
                            body={"decision": "approve"}), 400, "bad_request")
        expect_error(gw.api("POST", "/v1/refund-cases/%d/confirm" % c1["id"], token=REVIEW,
                            body={"executed_by": "op"}), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/orders/NOTANUMBER1/appeal", token=REVIEW), 400,
                     "bad_request")
        p.close()
        p2.close()


def test_scopes_and_open_orders(t):
    with ApiGateway() as gw:
        p = gw.pile("CP-REV3", "1.6")
        order = charged_order(gw, p, "TAG-S1")
        # review scope only: read and operate tokens are refused
        expect_error(gw.api("POST", "/v1/orders/%s/appeal" % order["number"], token=READ), 403,
                     "forbidden")
        expect_error(gw.api("POST", "/v1/orders/%s/appeal" % order["number"], token=OPERATE),
                     403, "forbidden")
        expect_error(gw.api("POST", "/v1/refund-cases/1/decision", token=OPERATE,
                            body={"decision": "approve"}), 403, "forbidden")
        expect_error(gw.api("POST", "/v1/refund-cases/1/confirm", token=None), 401,
                     "unauthorized")
        # an order still charging cannot be appealed
        p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
        p.call("StartTransaction", {"connectorId": 1, "idTag": "TAG-S2", "meterStart": 30000,
                                    "timestamp": iso_ms(whole_second_ms())})
        running = gw.api("GET", "/v1/orders?state=charging")[1]["items"][0]
        expect_error(gw.api("POST", "/v1/orders/%s/appeal" % running["number"], token=REVIEW),
                     409, "conflict")
        p.close()


def order_of(gw, pile):
    items = gw.api("GET", "/v1/orders?pile=" + pile)[1]["items"]
    assert len(items) == 1, items
    return items[0]


def test_force_close_then_late_end(t):
    with ApiGateway() as gw:
        p = gw.pile("CP-GONE", "1.6")
        now = whole_second_ms()
        p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
        tx = p.call("StartTransaction", {"connectorId": 1, "idTag": "TAG-FC", "meterStart": 1000,
                                         "timestamp": iso_ms(now - 30 * 60000)})["transactionId"]
        p.call("MeterValues", {"connectorId": 1, "transactionId": tx, "meterValue": [
            {"timestamp": iso_ms(now - 1000), "sampledValue": [
                {"value": "4000", "measurand": "Energy.Active.Import.Register"}]}]})
        number = order_of(gw, "CP-GONE")["number"]
        path = "/v1/orders/%s/force-close" % number
        body = {"work_order": "WO-7781", "reason": "pile destroyed by a truck"}
        # the pile is online: stop it instead
        expect_error(gw.api("POST", path, token=OPERATE, body=body), 409, "conflict")
        p.close()
        wait_until("CP-GONE offline",
                   lambda: gw.api("GET", "/v1/piles/CP-GONE")[1].get("online") is False)
        # both fields required; scope operate
        expect_error(gw.api("POST", path, token=OPERATE, body={"reason": "x"}), 422,
                     "unprocessable")
        expect_error(gw.api("POST", path, token=OPERATE, body={"work_order": "WO-1"}), 422,
                     "unprocessable")
        expect_error(gw.api("POST", path, token=OPERATE, body={"work_order": "", "reason": "x"}),
                     422, "unprocessable")
        expect_error(gw.api("POST", path, token=OPERATE, body={"work_order": 5, "reason": "x"}),
                     400, "bad_field")
        expect_error(gw.api("POST", path, token=REVIEW, body=body), 403, "forbidden")
        st, closed = gw.api("POST", path, token=OPERATE, body=body)
        assert st == 200 and closed["state"] == "abnormal", closed
        assert closed["work_order"] == "WO-7781" and closed["ended_at"], closed
        assert closed["amounts"]["billed_minor"] > 0, closed
        detail = gw.api("GET", "/v1/orders/" + number)[1]
        ended = [e for e in detail["events"] if e["type"] == "order.ended"]
        assert len(ended) == 1 and ended[0]["source"] == "operator", ended
        assert ended[0]["source_ref"] == "WO-7781", ended
        assert ended[0]["payload"]["reason"] == "pile destroyed by a truck", ended
        assert ended[0]["payload"]["stop_reason"] == "ForceClosed", ended
        # closed once
        expect_error(gw.api("POST", path, token=OPERATE, body=body), 409, "conflict")
        # the pile comes back with its end message: re-judged with the real data
        p = gw.pile("CP-GONE", "1.6")
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 5000, "reason": "PowerLoss",
                                   "timestamp": iso_ms(now)})
        detail = gw.api("GET", "/v1/orders/" + number)[1]
        ended = [e for e in detail["events"] if e["type"] == "order.ended"]
        assert len(ended) == 2 and ended[1]["source"] == "pile", ended
        assert ended[1]["payload"]["late"] == 1, ended
        assert detail["state"] in ("completed", "abnormal"), detail
        assert detail["energy_wh"] == 4000, detail
        p.close()


def test_cancel_by_state(t):
    with ApiGateway() as gw:
        p = gw.pile("CP-CANCEL", "1.6")
        p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
        tx = p.call("StartTransaction", {"connectorId": 1, "idTag": "TAG-C1", "meterStart": 1000,
                                         "timestamp": iso_ms(whole_second_ms() - 60000)})["transactionId"]
        number = order_of(gw, "CP-CANCEL")["number"]
        expect_error(gw.api("POST", "/v1/orders/%s/cancel" % number, token=READ), 403, "forbidden")
        # charging inside the free-cancel window: stop and cancel
        st, body = gw.api("POST", "/v1/orders/%s/cancel" % number, token=OPERATE)
        assert st == 202 and body["work_order"].startswith("WO-"), body
        assert body["cancel"] == "free_cancel", body
        wait_until("RemoteStopTransaction", lambda: server_calls(p, "RemoteStopTransaction"), pile=p)
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 1010, "reason": "Remote",
                                   "timestamp": iso_ms(whole_second_ms())})
        done = gw.api("GET", "/v1/orders/" + number)[1]
        assert done["state"] == "cancelled" and done["amounts"]["amount_minor"] == 0, done
        # cancelled: nothing more to cancel
        expect_error(gw.api("POST", "/v1/orders/%s/cancel" % number, token=OPERATE), 409, "conflict")
        # past the window: 409; completed: appeal instead
        p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
        tx2 = p.call("StartTransaction", {"connectorId": 1, "idTag": "TAG-C2", "meterStart": 2000,
                                          "timestamp": iso_ms(whole_second_ms() - 40 * 60000)})["transactionId"]
        n2 = gw.api("GET", "/v1/orders?id_token=TAG-C2")[1]["items"][0]["number"]
        expect_error(gw.api("POST", "/v1/orders/%s/cancel" % n2, token=OPERATE), 409, "conflict")
        p.call("StopTransaction", {"transactionId": tx2, "meterStop": 6000,
                                   "timestamp": iso_ms(whole_second_ms())})
        assert gw.api("GET", "/v1/orders/" + n2)[1]["state"] == "completed"
        st, err = gw.api("POST", "/v1/orders/%s/cancel" % n2, token=OPERATE)
        assert st == 409 and err == {"error": {"code": "conflict", "message": "appeal instead"}}, err
        p.close()


def test_dead_letters_list_and_retry(t):
    rec = Receiver()
    rec.code = 503
    try:
        with ApiGateway(extra=partner_cfg(rec).replace("[ 1, 1 ]", "[ 1 ]")) as gw:
            p = gw.pile("CP-DEAD", "1.6")
            charged_order(gw, p, "APP-DEAD")
            st, page = wait_until("dead letters", lambda: (
                lambda r: r if r[1]["items"] else None)(gw.api("GET", "/v1/deliveries/dead")),
                timeout=15)
            assert st == 200, page
            first = page["items"][0]
            assert first["partner"] == "app" and first["state"] == "dead", first
            assert first["attempts"] == 2 and "503" in first["last_error"], first
            assert first["envelope"]["event_id"] == first["event_id"], first
            assert gw.api("GET", "/v1/deliveries/dead?partner=other")[1]["items"] == []
            expect_error(gw.api("POST", "/v1/deliveries/%d/retry" % first["id"], token=READ), 403,
                         "forbidden")
            expect_error(gw.api("POST", "/v1/deliveries/999999/retry", token=OPERATE), 404,
                         "not_found")
            expect_error(gw.api("POST", "/v1/deliveries/x/retry", token=OPERATE), 400,
                         "bad_request")
            rec.code = 200
            # retry every dead row of the order, oldest first: delivered in order
            ids = [d["id"] for d in gw.api("GET", "/v1/deliveries/dead")[1]["items"]]
            for i in ids:
                st, body = gw.api("POST", "/v1/deliveries/%d/retry" % i, token=OPERATE)
                assert st == 202 and body == {"id": i, "state": "pending"}, body
            wait_until("redelivered", lambda: len(rec.events()) >= len(ids), timeout=10)
            got = [e["event_id"] for e in rec.events()]
            assert got[:len(ids)] == [d["event_id"] for d in page["items"]][:len(ids)] or \
                set(got) >= {d["event_id"] for d in page["items"]}, got
            assert rec.all_signed()
            wait_until("nothing dead", lambda: gw.api("GET", "/v1/deliveries/dead")[1]["items"] == [])
            p.close()
    finally:
        rec.close()


def test_id_tokens(t):
    with ApiGateway(ocpp={"accept_all_tokens": False}) as gw:
        st, tok = gw.api("POST", "/v1/id-tokens", token=OPERATE,
                         body={"id": "RFID-1", "group_id": "FLEET"})
        assert st == 201 and tok == {"id": "RFID-1", "status": "Accepted", "expiry": None,
                                     "group_id": "FLEET", "updated_at": tok["updated_at"]}, tok
        expect_error(gw.api("POST", "/v1/id-tokens", token=OPERATE, body={"id": "RFID-1"}), 409,
                     "conflict")
        expect_error(gw.api("POST", "/v1/id-tokens", token=OPERATE, body={}), 422, "unprocessable")
        expect_error(gw.api("POST", "/v1/id-tokens", token=READ, body={"id": "X"}), 403,
                     "forbidden")
        expect_error(gw.api("POST", "/v1/id-tokens", token=OPERATE,
                            body={"id": "X", "status": "Maybe"}), 422, "unprocessable")
        expect_error(gw.api("PATCH", "/v1/id-tokens/NOPE", token=OPERATE, body={}), 404,
                     "not_found")
        p = gw.pile("CP-TOK", "1.6")
        assert p.call("Authorize", {"idTag": "RFID-1"})["idTagInfo"]["status"] == "Accepted"
        assert p.call("Authorize", {"idTag": "RFID-2"})["idTagInfo"]["status"] == "Invalid"
        # block, then expire in the past, then unblock and regroup
        st, tok = gw.api("PATCH", "/v1/id-tokens/RFID-1", token=OPERATE, body={"status": "Blocked"})
        assert st == 200 and tok["status"] == "Blocked" and tok["group_id"] == "FLEET", tok
        assert p.call("Authorize", {"idTag": "RFID-1"})["idTagInfo"]["status"] == "Blocked"
        st, tok = gw.api("PATCH", "/v1/id-tokens/RFID-1", token=OPERATE,
                         body={"status": "Accepted", "expiry": "2020-01-01T00:00:00Z",
                               "group_id": None})
        assert st == 200 and tok["expiry"].startswith("2020-01-01") and tok["group_id"] is None
        assert p.call("Authorize", {"idTag": "RFID-1"})["idTagInfo"]["status"] == "Expired"
        expect_error(gw.api("PATCH", "/v1/id-tokens/RFID-1", token=OPERATE,
                            body={"expiry": "soon"}), 422, "unprocessable")
        gw.api("POST", "/v1/id-tokens", token=OPERATE, body={"id": "RFID-0", "status": "Invalid"})
        st, page = gw.api("GET", "/v1/id-tokens?limit=1")
        assert st == 200 and [x["id"] for x in page["items"]] == ["RFID-0"], page
        st, page = gw.api("GET", "/v1/id-tokens?limit=1&cursor=" + page["next_cursor"])
        assert [x["id"] for x in page["items"]] == ["RFID-1"], page
        p.close()


run(globals())
