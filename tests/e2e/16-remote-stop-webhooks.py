#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""16-remote-stop-webhooks: an operator's remote stop all the way (issue 5
"Done means"), and the API over HTTPS.

A real HTTP receiver started here plays the partner platform that owns the
idTags APP-*; the operator API is driven over HTTP (and HTTPS in the last
tests).  For a 1.6 and a 2.0.1 session: POST /v1/orders/{n}/stop answers
202 with work order "WO-" ORDER "-1" -> the pile gets and accepts
RemoteStopTransaction / RequestStopTransaction -> the work order is
"accepted" -> the pile's end message -> the work order is "effective"
with its delay -> the receiver gets every event of the order as a signed
webhook, in order, the stop's session.updated deliveries before the
cdr.created, each body exactly the order event it carries.  Then a stop the
pile rejects, one it never answers (timed_out), one it answers with a
CALLERROR (failed), and one accepted whose end comes after
anomaly.stop_timeout_s (not_effective, then effective_late, with the
STOP_NOT_EFFECTIVE case of the same stop); a repeated end message records
nothing twice.  HTTPS: a request with certs/dev/ca.pem works on the RSA
and on the ECDSA chain, plain HTTP on that port gets no HTTP answer, and
--check-config refuses a half-configured api.tls_*."""
import json
import os
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request

from gwtest import BIN, SRC, Gateway, run, free_port
from receiver import SignedReceiver
from payloads import iso_ms, server_calls, wait_until, whole_second_ms

READ = "read-token-0123456789abcdef"
OPERATE = "operate-token-0123456789abcdef"
SECRET = "whsec-app-0123456789abcdef"
CERTS = os.path.join(SRC, "certs", "dev")
ENVELOPE = {"event_id", "event_type", "occurred_at", "data"}
STOP_ACTION = {"1.6": "RemoteStopTransaction", "2.0.1": "RequestStopTransaction"}
# the order events a partner hears of, and as what (core/events.c)
WEBHOOK_OF = {
    "order.started": "session.updated", "order.state_changed": "session.updated",
    "order.remote_stop_requested": "session.updated",
    "order.remote_stop_accepted": "session.updated",
    "order.remote_stop_rejected": "session.updated",
    "order.remote_stop_effective": "session.updated", "order.ended": "session.updated",
    "order.settled": "cdr.created", "order.cancelled": "session.updated",
    "refund_case.opened": "refund_case.opened", "refund_case.updated": "refund_case.updated",
    "refund_case.resolved": "refund_case.resolved", "cdr.credited": "cdr.credited",
}



class Receiver(SignedReceiver):
    """The partner "app"'s endpoint (see receiver.py)."""

    def __init__(self):
        super().__init__(SECRET)


class ApiGateway(Gateway):
    """The gateway with its API on a picked port (HTTPS when tls is a dict of
    api.tls_* settings), a read and an operate token, and the receiver as
    partner "app" for idTags APP*."""

    def __init__(self, rec=None, tls=None, anomaly="", **kw):
        extra = anomaly
        if rec:
            extra += ('\npartners = ( { name = "app"; url = "http://127.0.0.1:%d/hook";'
                      ' secret = "%s"; token_prefixes = "APP"; } );\nhooks: { retry_s = [ 1, 1 ]; };'
                      % (rec.srv.server_port, SECRET))
        super().__init__(extra=extra, **kw)
        self.api_port = free_port()
        self.tls = tls
        tls_conf = "".join(' %s = "%s";' % (k, v) for k, v in (tls or {}).items())
        self.api_conf = ('api: { address = "127.0.0.1"; port = %d;%s tokens = ('
                         ' { name = "viewer"; token = "%s"; scopes = "read"; },'
                         ' { name = "ops"; token = "%s"; scopes = "read,operate"; }); };'
                         % (self.api_port, tls_conf, READ, OPERATE))

    def api(self, method, path, token=READ, body=None, context=None):
        data = json.dumps(body).encode() if body is not None else None
        scheme = "https" if self.tls else "http"
        req = urllib.request.Request("%s://127.0.0.1:%d%s" % (scheme, self.api_port, path),
                                     data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10, context=context) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        return status, json.loads(text)


# ------------------------------------------------------------------ sessions

def start16(p, tag):
    p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Preparing"})
    res = p.call("StartTransaction", {"connectorId": 1, "idTag": tag, "meterStart": 1000,
                                      "timestamp": iso_ms(whole_second_ms() - 20 * 60000)})
    assert res["idTagInfo"]["status"] == "Accepted", res
    p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"})
    return res["transactionId"]


def end16(p, tx):
    return p.call("StopTransaction", {"transactionId": tx, "meterStop": 4000, "reason": "Remote",
                                      "timestamp": iso_ms(int(time.time() * 1000))})


def te201(event, seq, txid, trigger, state=None, stopped=None, token=None, wh=None, at_ms=None):
    at = at_ms if at_ms is not None else int(time.time() * 1000)
    info = {"transactionId": txid}
    if state:
        info["chargingState"] = state
    if stopped:
        info["stoppedReason"] = stopped
    body = {"eventType": event, "timestamp": iso_ms(at), "triggerReason": trigger, "seqNo": seq,
            "transactionInfo": info, "evse": {"id": 1, "connectorId": 1}}
    if token:
        body["idToken"] = {"idToken": token, "type": "ISO14443"}
    if wh is not None:
        body["meterValue"] = [{"timestamp": iso_ms(at), "sampledValue": [{"value": wh}]}]
    return body


def start201(p, tag, txid):
    p.call("StatusNotification", {"timestamp": iso_ms(whole_second_ms()), "connectorStatus":
                                  "Occupied", "evseId": 1, "connectorId": 1})
    res = p.call("TransactionEvent", te201("Started", 0, txid, "Authorized", state="Charging",
                                           token=tag, wh=1000,
                                           at_ms=whole_second_ms() - 20 * 60000))
    assert res["idTokenInfo"]["status"] == "Accepted", res


def end201(p, txid):
    return p.call("TransactionEvent", te201("Ended", 1, txid, "RemoteStop", state="EVConnected",
                                            stopped="Remote", wh=4000))


def order_of(gw, pile):
    items = gw.api("GET", "/v1/orders?pile=" + pile)[1]["items"]
    assert len(items) == 1, items
    return items[0]["number"]


def stop(gw, number, version, pile):
    st, body = gw.api("POST", "/v1/orders/%s/stop" % number, token=OPERATE)
    assert st == 202, body
    return body


def work_order(gw, wo):
    st, body = gw.api("GET", "/v1/work-orders/" + wo)
    assert st == 200, body
    return body


def state_is(gw, wo, state, pile=None):
    return wait_until("work order %s %s" % (wo, state),
                      lambda: work_order(gw, wo)["state"] == state and work_order(gw, wo),
                      timeout=8, pile=pile)


def events_of(gw, number):
    return gw.api("GET", "/v1/orders/" + number)[1]["events"]


def delivered(rec, number):
    """The order's deliveries, first arrival of each event id, in arrival
    order (at least once: a repeat is allowed, never a reordering)."""
    out, ids = [], set()
    for s in rec.all():
        if s["event"]["data"].get("order_number") == number and s["event"]["event_id"] not in ids:
            ids.add(s["event"]["event_id"])
            out.append(s)
    return out


def check_webhooks(gw, rec, number):
    """Every event of the order a partner hears of arrived, signed, in the
    order's event order, each body exactly the stored event."""
    evs = [e for e in events_of(gw, number) if e["type"] in WEBHOOK_OF]
    got = wait_until("every webhook of " + number,
                     lambda: len(delivered(rec, number)) >= len(evs) and delivered(rec, number),
                     timeout=10)
    for s in rec.all():
        assert s["sig_ok"], "bad or stale signature on %r" % s["body"][:200]
        assert s["ctype"] == "application/json" and s["path"] == "/hook", s
        assert set(s["event"]) == ENVELOPE, s["event"]
    assert [s["event"]["event_id"] for s in got] == ["evt-%d" % e["seq"] for e in evs], (
        [s["event"]["event_id"] for s in got], [(e["seq"], e["type"]) for e in evs])
    for s, e in zip(got, evs):
        assert s["event"]["event_type"] == WEBHOOK_OF[e["type"]], (s["event"], e)
        assert s["event"]["data"] == e["payload"], (s["event"]["data"], e["payload"])
        assert s["event"]["occurred_at"] == e["at"], (s["event"], e)
    return got, evs


# ------------------------------------------------------------------ remote stop, all the way

def stop_all_the_way(version):
    rec = Receiver()
    try:
        with ApiGateway(rec) as gw:
            pile = "CP-WH16" if version == "1.6" else "CS-WH201"
            p = gw.pile(pile, version)
            tag = "APP-" + version
            if version == "1.6":
                tx = start16(p, tag)
                want_call = {"transactionId": tx}
            else:
                start201(p, tag, "TX-WH-1")
                want_call = {"transactionId": "TX-WH-1"}
            number = order_of(gw, pile)
            body = stop(gw, number, version, pile)
            wo = "WO-%s-1" % number
            assert body == {"work_order": wo, "order": number, "pile": pile,
                            "action": STOP_ACTION[version], "outcome": "requested"}, body

            acc = state_is(gw, wo, "accepted", pile=p)
            assert server_calls(p, STOP_ACTION[version]) == [want_call]
            assert acc["kind"] == "remote_stop" and acc["outcome"] == "Accepted", acc
            assert acc["requested_by"] == "ops" and acc["requested_at"] and acc["answered_at"]
            assert acc["effective_at"] is None and acc["delay_ms"] is None, acc
            assert gw.api("GET", "/v1/orders/" + number)[1]["state"] == "stopping"

            time.sleep(0.3)  # a measurable delay between acceptance and end
            end16(p, tx) if version == "1.6" else end201(p, "TX-WH-1")
            eff = work_order(gw, wo)
            assert eff["state"] == "effective", eff
            assert eff["within_timeout"] is True and 0 <= eff["delay_ms"] < 60000, eff
            assert 250 <= eff["received_delay_ms"] < 60000, eff
            assert eff["case_id"] is None and eff["effective_at"], eff
            for k in ("work_order", "requested_at", "requested_by", "answered_at", "outcome"):
                assert eff[k] == acc[k], (k, eff, acc)

            detail = gw.api("GET", "/v1/orders/" + number)[1]
            assert detail["state"] == "completed", detail
            assert detail["work_orders"] == [eff], detail["work_orders"]
            stops = [e for e in detail["events"] if e["type"].startswith("order.remote_stop_")]
            assert [e["type"] for e in stops] == ["order.remote_stop_requested",
                                                  "order.remote_stop_accepted",
                                                  "order.remote_stop_effective"], stops
            assert all(e["source"] == "operator" and e["source_ref"] == wo for e in stops), stops
            frame = gw.query("SELECT seq FROM frames WHERE pile = ? AND action = ? AND direction = 'in'"
                             " AND msg_type = 2"
                             " ORDER BY seq DESC LIMIT 1", pile,
                             "StopTransaction" if version == "1.6" else "TransactionEvent")
            assert stops[2]["payload"] == {
                "order_number": number, "pile": pile, "work_order": wo,
                "delay_ms": eff["delay_ms"], "received_delay_ms": eff["received_delay_ms"],
                "within_timeout": True, "end_frame_seq": frame[0]["seq"]}, stops[2]
            assert stops[0]["payload"] == {"order_number": number, "pile": pile,
                                           "work_order": wo, "requested_by": "ops"}, stops[0]
            assert stops[1]["payload"] == {"order_number": number, "pile": pile,
                                           "work_order": wo, "outcome": "Accepted"}, stops[1]

            got, evs = check_webhooks(gw, rec, number)
            kinds = [(e["type"], s["event"]["event_type"]) for s, e in zip(got, evs)]
            at = [t for t, _ in kinds]
            # the stop reaches the partner as session.updated, in the order it
            # happened, before the CDR
            assert (at.index("order.remote_stop_requested") < at.index("order.remote_stop_accepted")
                    < at.index("order.ended") < at.index("order.remote_stop_effective")
                    < at.index("order.settled")), kinds
            assert kinds[0] == ("order.started", "session.updated"), kinds
            assert ("order.settled", "cdr.created") in kinds, kinds
            cdr = got[at.index("order.settled")]["event"]["data"]
            assert cdr["order_number"] == number and cdr["amount_minor"] == detail["amounts"][
                "amount_minor"], cdr
            p.close()
    finally:
        rec.close()


def test_16_remote_stop_effective_webhooks(t):
    stop_all_the_way("1.6")


def test_201_remote_stop_effective_webhooks(t):
    stop_all_the_way("2.0.1")


# ------------------------------------------------------------------ stops that do not stop

def test_rejected_timed_out_failed_late(t):
    rec = Receiver()
    try:
        # a stop is effective within 2 s here, so "late" fits in a test
        with ApiGateway(rec, anomaly="anomaly: { stop_timeout_s = 2; };") as gw:
            p = gw.pile("CP-NOSTOP", "1.6")
            tx = start16(p, "APP-NOSTOP")
            number = order_of(gw, "CP-NOSTOP")

            p.answers["RemoteStopTransaction"] = {"status": "Rejected"}
            wo1 = stop(gw, number, "1.6", "CP-NOSTOP")["work_order"]
            assert wo1 == "WO-%s-1" % number
            rej = state_is(gw, wo1, "rejected", pile=p)
            assert rej["outcome"] == "Rejected" and rej["delay_ms"] is None, rej
            assert gw.api("GET", "/v1/orders/" + number)[1]["state"] == "charging"

            # the pile never answers: the CALL times out (ocpp.call_timeout_ms 3000)
            wo2 = stop(gw, number, "1.6", "CP-NOSTOP")["work_order"]
            assert wo2 == "WO-%s-2" % number
            assert work_order(gw, wo2)["state"] == "requested"
            got = state_is(gw, wo2, "timed_out")       # nobody reads the pile's socket
            assert got["outcome"] == "Timeout", got
            p.pump(0.3)                                # the late CALL, answered: ignored

            del p.answers["RemoteStopTransaction"]      # NotImplemented
            wo3 = stop(gw, number, "1.6", "CP-NOSTOP")["work_order"]
            got = state_is(gw, wo3, "failed", pile=p)
            assert got["outcome"] == "NotImplemented", got

            p.answers["RemoteStopTransaction"] = {"status": "Accepted"}
            wo4 = stop(gw, number, "1.6", "CP-NOSTOP")["work_order"]
            acc = state_is(gw, wo4, "accepted", pile=p)
            late = state_is(gw, wo4, "not_effective", pile=p)  # 2 s without an end
            assert late["answered_at"] == acc["answered_at"], late
            time.sleep(0.5)
            end16(p, tx)
            eff = work_order(gw, wo4)
            assert eff["state"] == "effective_late" and eff["within_timeout"] is False, eff
            assert eff["delay_ms"] > 2000, eff
            detail = gw.api("GET", "/v1/orders/" + number)[1]
            cases = {c["rule"]: c["id"] for c in detail["cases"]}
            assert "STOP_NOT_EFFECTIVE" in cases, detail["cases"]
            assert eff["case_id"] == cases["STOP_NOT_EFFECTIVE"], (eff, cases)
            # the earlier work orders keep their states; listed in order
            assert [(w["work_order"], w["state"]) for w in detail["work_orders"]] == [
                (wo1, "rejected"), (wo2, "timed_out"), (wo3, "failed"), (wo4, "effective_late")]

            # a repeated end message records nothing twice
            n_events = len(detail["events"])
            end16(p, tx)
            again = gw.api("GET", "/v1/orders/" + number)[1]
            assert len(again["events"]) == n_events, again["events"][n_events:]
            assert [e["type"] for e in again["events"]].count("order.remote_stop_effective") == 1

            got, evs = check_webhooks(gw, rec, number)
            stops = [(s["event"]["data"]["work_order"], e["type"].rsplit("_", 1)[1],
                      s["event"]["data"].get("outcome"))
                     for s, e in zip(got, evs) if e["type"].startswith("order.remote_stop_")]
            assert stops == [(wo1, "requested", None), (wo1, "rejected", "Rejected"),
                             (wo2, "requested", None), (wo2, "rejected", "Timeout"),
                             (wo3, "requested", None), (wo3, "rejected", "NotImplemented"),
                             (wo4, "requested", None), (wo4, "accepted", "Accepted"),
                             (wo4, "effective", None)], stops
            assert all(s["event"]["event_type"] == "session.updated" for s, e in zip(got, evs)
                       if e["type"].startswith("order.remote_stop_"))

            # the order list filters by the partner that owns the id token
            st, page = gw.api("GET", "/v1/orders?partner=app")
            assert st == 200 and [o["number"] for o in page["items"]] == [number], page
            st, body = gw.api("GET", "/v1/orders?partner=nobody")
            assert st == 400 and body["error"]["code"] == "bad_request", body

            # unknown, malformed and typo'd work-order numbers
            for bad in ("WO-%s-9" % number, "WO-7781", "XX-%s-1" % number, "WO-%s-0" % number):
                st, body = gw.api("GET", "/v1/work-orders/" + bad)
                assert st == 404 and body["error"]["code"] == "not_found", (bad, body)
            st, body = gw.api("GET", "/v1/work-orders/" + wo1.lower())
            assert st == 200 and body["work_order"] == wo1, body
            st, body = gw.api("GET", "/v1/work-orders/" + wo1, token=None)
            assert st == 401, body
            p.close()
    finally:
        rec.close()


# ------------------------------------------------------------------ HTTPS

def tls_files(ecdsa=True):
    d = {"tls_cert": os.path.join(CERTS, "server-rsa-chain.pem"),
         "tls_key": os.path.join(CERTS, "server-rsa.key")}
    if ecdsa:
        d["tls_ecdsa_cert"] = os.path.join(CERTS, "server-ecdsa-chain.pem")
        d["tls_ecdsa_key"] = os.path.join(CERTS, "server-ecdsa.key")
    return d


def ca_context(cipher=None):
    ctx = ssl.create_default_context(cafile=os.path.join(CERTS, "ca.pem"))
    if cipher:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(cipher)
    return ctx


def test_api_over_https(t):
    if not os.path.exists(os.path.join(CERTS, "ca.pem")):
        subprocess.run([os.path.join(SRC, "certs", "make-dev-certs.sh")], check=True, cwd=SRC)
    with ApiGateway(tls=tls_files()) as gw:
        st, body = gw.api("GET", "/healthz", token=None, context=ca_context())
        assert st == 200 and body["status"] == "ok", body
        st, body = gw.api("GET", "/v1/orders", context=ca_context())
        assert st == 200 and body["items"] == [], body
        st, body = gw.api("GET", "/v1/orders", token=None, context=ca_context())
        assert st == 401 and body["error"]["code"] == "unauthorized", body
        # both chains: RSA and the ECDSA one loaded like an OCPP listener's
        for cipher, key_type in (("ECDHE-RSA-AES128-GCM-SHA256", "rsaEncryption"),
                                 ("ECDHE-ECDSA-AES128-GCM-SHA256", "id-ecPublicKey")):
            with socket.create_connection(("127.0.0.1", gw.api_port), timeout=5) as raw:
                with ca_context(cipher).wrap_socket(raw, server_hostname="127.0.0.1") as s:
                    assert s.version() == "TLSv1.2" and s.cipher()[0] == cipher, s.cipher()
                    der = s.getpeercert(binary_form=True)
            out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-text"],
                                 input=der, capture_output=True, check=True).stdout.decode()
            assert "Public Key Algorithm: " + key_type in out, out[:400]
        # plain HTTP on the HTTPS port gets no HTTP answer
        with socket.create_connection(("127.0.0.1", gw.api_port), timeout=5) as raw:
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            got = b""
            try:
                while True:
                    chunk = raw.recv(4096)
                    if not chunk:
                        break
                    got += chunk
            except (ConnectionResetError, socket.timeout):
                pass
        assert not got.startswith(b"HTTP/"), got[:200]
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/healthz" % gw.api_port, timeout=5)
            raise AssertionError("plain HTTP was answered")
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            assert not isinstance(e, urllib.error.HTTPError), e
        # and the gateway still serves HTTPS afterwards; /metrics has the
        # CALLERROR-by-code family
        assert gw.api("GET", "/healthz", token=None, context=ca_context())[0] == 200
        req = urllib.request.Request("https://127.0.0.1:%d/metrics" % gw.api_port,
                                     headers={"Authorization": "Bearer " + READ})
        with urllib.request.urlopen(req, timeout=10, context=ca_context()) as r:
            text = r.read().decode()
        assert "# TYPE ocppgw_callerrors_out_total counter\n" in text, text[:2000]
        assert "api: listening on 127.0.0.1:%d (https)" % gw.api_port in gw.log()


def test_check_config_refuses_half_tls(t):
    cases = [
        ({"tls_cert": tls_files()["tls_cert"]}, "api.tls_cert", "needs api.tls_key"),
        ({"tls_key": tls_files()["tls_key"]}, "api.tls_key", "needs api.tls_cert"),
        ({"tls_ecdsa_cert": tls_files()["tls_ecdsa_cert"]}, "api.tls_ecdsa_cert",
         "a second chain needs"),
        ({"tls_cert": "/nonexistent/chain.pem", "tls_key": tls_files()["tls_key"]},
         "api.tls_cert", "cannot read /nonexistent/chain.pem"),
    ]
    for tls, setting, why in cases:
        gw = ApiGateway(tls=tls)
        gw.write_config()
        res = subprocess.run([BIN, "-c", gw.config_path, "--check-config"], capture_output=True,
                             cwd=gw.tmp)
        err = res.stderr.decode()
        assert res.returncode != 0, (tls, err)
        assert "setting '%s': %s" % (setting, why) in err and "gw.conf:" in err, (tls, err)
        gw.cleanup()
    gw = ApiGateway(tls=tls_files())
    gw.write_config()
    res = subprocess.run([BIN, "-c", gw.config_path, "--check-config"], capture_output=True,
                         cwd=gw.tmp)
    assert res.returncode == 0, res.stderr.decode()
    gw.cleanup()


run(globals())
