#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""09-webhooks: partner webhooks end to end (DESIGN.md "Partners and
disputes", issue 5).  A real HTTP receiver started here (http.server on
127.0.0.1, port 0) checks every signature and records every body; the
gateway runs 1.6 and 2.0.1 sessions of the partner's idTags.  Asserted:
signed envelopes, in order per order, at least once through a receiver
that is down then back and through gateway restarts (SIGTERM and kill -9),
dead-lettering after the configured retries while another partner keeps
receiving.  Retries are 1 s apart so each test stays within seconds."""
import json
import time

from gwtest import Gateway, run
from receiver import SignedReceiver
from payloads import iso_ms, wait_until

SECRETS = {"app": "whsec-app-0123456789abcdef", "map": "whsec-map-0123456789abcdef",
           "slow": "whsec-slow-0123456789abcdef"}
PREFIXES = {"app": "APP", "map": "MAP", "slow": "SLOW"}
ENVELOPE = {"event_id", "event_type", "occurred_at", "data"}


class Receiver(SignedReceiver):
    """Partner name's endpoint (see receiver.py)."""

    def __init__(self, name, status=None, delay_s=0.0):
        self.name = name
        super().__init__(SECRETS[name], status, delay_s)


def partners_cfg(receivers, retry="1, 1, 1", timeout_ms=None):
    rows = ['{ name = "%s"; url = "http://127.0.0.1:%d/hook"; secret = "%s"; token_prefixes = "%s"; }'
            % (r.name, r.port, SECRETS[r.name], PREFIXES[r.name]) for r in receivers]
    hooks = "retry_s = [ %s ];" % retry
    if timeout_ms:
        hooks += " timeout_ms = %d;" % timeout_ms
    return "partners = ( %s );\nhooks: { %s };" % (", ".join(rows), hooks)


def session16(gw, ident, tag):
    p = gw.pile(ident, "1.6")
    at = int(time.time() * 1000) - 120000
    tx = p.call("StartTransaction", {"connectorId": 1, "idTag": tag, "meterStart": 1000,
                                     "timestamp": iso_ms(at)})["transactionId"]
    p.call("StopTransaction", {"transactionId": tx, "idTag": tag, "meterStop": 1400,
                               "timestamp": iso_ms(at + 60000)})
    p.close()


def session201(gw, ident, tag, txid):
    p = gw.pile(ident, "2.0.1")
    at = int(time.time() * 1000) - 120000
    p.call("TransactionEvent", {
        "eventType": "Started", "timestamp": iso_ms(at), "triggerReason": "Authorized", "seqNo": 0,
        "transactionInfo": {"transactionId": txid, "chargingState": "Charging"},
        "idToken": {"idToken": tag, "type": "ISO14443"}, "evse": {"id": 1, "connectorId": 1},
        "meterValue": [{"timestamp": iso_ms(at), "sampledValue": [
            {"value": 1000, "context": "Transaction.Begin"}]}]})
    p.call("TransactionEvent", {
        "eventType": "Ended", "timestamp": iso_ms(at + 60000), "triggerReason": "StopAuthorized",
        "seqNo": 1, "transactionInfo": {"transactionId": txid, "stoppedReason": "Local"},
        "meterValue": [{"timestamp": iso_ms(at + 60000), "sampledValue": [
            {"value": 1400, "context": "Transaction.End"}]}]})
    p.close()


def outbox(gw, partner):
    return gw.query("SELECT id, order_id, event_id, event_type, state, attempts, last_error, data"
                    " FROM outbox WHERE partner = ? ORDER BY id", partner)


def all_delivered(gw, partner, at_least=1):
    rows = outbox(gw, partner)
    return len(rows) >= at_least and all(r["state"] == "delivered" for r in rows)


def per_order(rows):
    """order_id -> [event_id, ...] in outbox order."""
    out = {}
    for r in rows:
        out.setdefault(r["order_id"], []).append(r["event_id"])
    return out


def check_received(rec, rows):
    """Every outbox row arrived (once or more), signed, as stored, and each
    order's accepted deliveries are its outbox rows in order (a repeat is
    allowed only as a re-send of something already seen: at least once)."""
    got = rec.accepted()
    by_id = {r["event_id"]: r for r in rows}
    for s in rec.all():
        assert s["sig_ok"], "bad or stale signature on %r" % s["body"][:200]
        assert s["ctype"] == "application/json" and s["path"] == "/hook", s
        assert set(s["event"]) == ENVELOPE, s["event"]
        r = by_id[s["event"]["event_id"]]
        assert s["body"].decode() == r["data"], (s["body"], r["data"])
        assert s["event"]["event_type"] == r["event_type"], s["event"]
        assert s["event"]["occurred_at"].endswith("Z") and isinstance(s["event"]["data"], dict)
    assert {r["event_id"] for r in rows} == {s["event"]["event_id"] for s in got}
    want = per_order(rows)
    seen = {}
    for s in got:
        oid = by_id[s["event"]["event_id"]]["order_id"]
        first = seen.setdefault(oid, [])
        if s["event"]["event_id"] not in first:
            first.append(s["event"]["event_id"])
    assert seen == want, "out of order:\n%r\n%r" % (seen, want)


def run_sessions(gw, tag):
    session16(gw, "CP16", tag + "-16")
    session201(gw, "CP201", tag + "-201", "TX-" + tag)


# ------------------------------------------------------------------ tests

def test_sessions_delivered_signed_in_order(t):
    rec = Receiver("app")
    try:
        with Gateway(extra=partners_cfg([rec])) as gw:
            run_sessions(gw, "APP")
            rows = wait_until("every webhook delivered",
                              lambda: all_delivered(gw, "app", 4) and outbox(gw, "app"), timeout=10)
            check_received(rec, rows)
            # exactly once without failures; unique ids
            ids = [s["event"]["event_id"] for s in rec.accepted()]
            assert len(ids) == len(set(ids)) == len(rows), ids
            assert all(r["attempts"] == 1 for r in rows), rows
            # both orders: session.updated first, cdr.created present
            orders = {}
            for r in rows:
                orders.setdefault(r["order_id"], []).append(r["event_type"])
            assert len(orders) == 2, orders
            for types in orders.values():
                assert types[0] == "session.updated" and "cdr.created" in types, types
            pile_of = {json.loads(r["data"])["data"]["pile"] for r in rows}
            assert pile_of == {"CP16", "CP201"}, pile_of
    finally:
        rec.close()


def test_receiver_down_then_back(t):
    t0 = time.time()
    rec = Receiver("app", status=lambda n: 503 if time.time() - t0 < 2.0 else 200)
    try:
        with Gateway(extra=partners_cfg([rec])) as gw:
            run_sessions(gw, "APP")
            rows = wait_until("delivery after the receiver came back",
                              lambda: all_delivered(gw, "app", 4) and outbox(gw, "app"), timeout=15)
            assert any(s["status"] == 503 for s in rec.all()), "the receiver was never down"
            assert any(r["attempts"] > 1 for r in rows), rows
            check_received(rec, rows)
    finally:
        rec.close()


def test_restart_in_the_middle_loses_nothing(t):
    down = {"on": True}
    rec = Receiver("app", status=lambda n: 503 if down["on"] else 200)
    try:
        gw = Gateway(extra=partners_cfg([rec], retry="1, 1, 1, 1, 1, 1, 1, 1"))
        gw.start()
        run_sessions(gw, "APP")
        wait_until("first failed attempts", lambda: len(rec.all()) >= 2, timeout=5)
        gw.stop()                               # SIGTERM while rows are pending
        down["on"] = False
        rec.delay_s = 0.3                       # attempts stay in flight a while
        gw.restart()
        wait_until("some deliveries", lambda: len(rec.accepted()) >= 1, timeout=5)
        gw.kill9()                              # crash with attempts in flight
        rec.delay_s = 0.0
        gw.restart()
        rows = wait_until("every webhook delivered after the restarts",
                          lambda: all_delivered(gw, "app", 4) and outbox(gw, "app"), timeout=15)
        check_received(rec, rows)
        # the attempt the crash cut off was sent again: at least once, not at most
        ids = [s["event"]["event_id"] for s in rec.accepted()]
        assert any(ids.count(e) > 1 for e in ids), ids
        gw.stop()
        gw.cleanup()
    finally:
        rec.close()


def test_dead_partner_never_delays_another(t):
    dead = Receiver("app", status=lambda n: 500)
    slow = Receiver("slow", delay_s=2.0)
    good = Receiver("map")
    try:
        with Gateway(extra=partners_cfg([dead, slow, good], timeout_ms=700)) as gw:
            t0 = time.time()
            run_sessions(gw, "APP")
            run_sessions(gw, "SLOW")
            run_sessions(gw, "MAP")
            rows = wait_until("the good partner served", lambda: all_delivered(gw, "map", 4)
                              and outbox(gw, "map"), timeout=5)
            assert time.time() - t0 < 4, "the good partner waited for the others"
            check_received(good, rows)
            # the failing partner: the first row of each order dead after 1 + 3 attempts,
            # the later rows of that order held back (never delivered past a gap)
            def dead_rows():
                r = outbox(gw, "app")
                d = [x for x in r if x["state"] == "dead"]
                return len(d) == 2 and r
            arows = wait_until("dead letters", dead_rows, timeout=10)
            firsts = {ids[0] for ids in per_order(arows).values()}
            for r in arows:
                if r["event_id"] in firsts:
                    assert r["state"] == "dead" and r["attempts"] == 4, r
                    assert r["last_error"] == "HTTP 500", r
                else:
                    assert r["state"] == "pending" and r["attempts"] == 0, r
            tried = [s["event"]["event_id"] for s in dead.all()]
            assert sorted(set(tried)) == sorted(firsts), tried
            assert all(tried.count(e) == 4 for e in firsts), tried
            # the slow partner times out, and is retried like any failure
            srows = wait_until("slow partner timed out", lambda: [
                r for r in outbox(gw, "slow") if r["attempts"] >= 1 and "timed out" in r["last_error"]], timeout=10)
            assert srows
            assert not any(r["state"] == "delivered" for r in outbox(gw, "slow"))
    finally:
        for r in (dead, slow, good):
            r.close()


run(globals())
