#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""08-orders-durability: kill -9 the gateway twice while piles of both
versions run charging sessions, restart it on the same data dir, let the
piles finish (resending what was not acknowledged, as a pile's queue does):
every acknowledged transaction has exactly one order, no order, order
event, refund case or outbox row is lost, changed or doubled by the crash,
and every session settles at the amount computed by hand below.

Sessions (pile clocks in the past, so the sweep and the clock offset stay
out of it; the sweep is off, the boot push too):
  clean - Charging, 10 min, the register +1100 Wh (a sample every 2 min):
      energy  1.1 kWh x 0.30 = 0.3300 -> 33
      service 1.1 kWh x 0.05 = 0.0550 -> 6 (half-up)
      time    10 min = 1/6 h x 1.20 = 0.2000 -> 20
      start fee 50                              total 109, no case
  zero  - SuspendedEV (plugged: 1.6 SuspendedEV, 2.0.1 chargingState), 20
      min, the register flat:
      time    20 min = 1/3 h x 1.20 = 0.4000 -> 40
      idle    after 10 min of grace, 10 min x 0.10 = 1.0000 -> 100
      start fee 50                              total 190,
      ZERO_ENERGY_BILLED (tier A, auto-approved) for all 190
"""
import json
import threading
import time

from gwtest import Gateway, Pile, run

N16, N201 = 3, 3
SESSIONS = 6                  # per pile; every third one is a zero-energy session
KILL_AFTER_ACKS = (50, 160)   # acknowledged messages (all piles) before each kill
BASE_S = int(time.time()) - 3 * 86400
CLEAN_MINOR, ZERO_MINOR = 109, 190

EXTRA = "\n".join([
    'tariffs = ( { id = "flat"; currency = "EUR"; minor_exp = 2; utc_offset_min = 0;'
    ' start_fee_minor = 50; idle_grace_min = 10; periods = ( { start = "00:00";'
    ' energy_per_kwh = "0.3000"; service_per_kwh = "0.0500"; time_per_hour = "1.2000";'
    ' idle_per_min = "0.1000"; } ); } );',
    'connectors = ( { pile = "*"; current = "AC"; p_max_w = 11000; tariff = "flat"; } );',
    "orders: { sweep_interval_s = 3600; };",
    'partners = ( { name = "acme"; url = "http://127.0.0.1:9/hook";'
    ' secret = "e2e-secret-0123456789"; token_prefixes = "TAG"; } );'])


def iso(at_ms):
    return "%s.%03dZ" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at_ms // 1000)),
                         at_ms % 1000)


def zero(j):
    return j % 3 == 2


def t0_of(pile_no, j):
    return (BASE_S + pile_no * 86400 // 8 + j * 3600) * 1000


def script(version, pile_no, ident):
    """[(action, builder(state) -> payload, kind)] of all sessions of one
    pile.  kind: 'start' / 'stop' mark the transaction ends (for the
    acknowledged-implies-stored check), else ''."""
    steps = []
    tag = "TAG-%s" % ident
    for j in range(SESSIONS):
        t0 = t0_of(pile_no, j)
        z = zero(j)
        dur = 1200000 if z else 600000
        m0 = 1000 + j * 5000
        m1 = m0 if z else m0 + 1100
        samples = [(t0 + k * 120000, m0 if z else m0 + 220 * k) for k in range(1, 5)]
        key = (ident, j)
        if version == "1.6":
            def st(word, at):
                return lambda s: {"connectorId": 1, "errorCode": "NoError", "status": word,
                                  "timestamp": iso(at)}
            steps.append(("StatusNotification", st("SuspendedEV" if z else "Charging", t0), "",
                          key))
            steps.append(("StartTransaction", lambda s, t0=t0, m0=m0: {
                "connectorId": 1, "idTag": tag, "meterStart": m0, "timestamp": iso(t0)},
                "start", key))
            for at, wh in samples:
                steps.append(("MeterValues", lambda s, at=at, wh=wh, key=key: {
                    "connectorId": 1, "transactionId": s[key], "meterValue": [{
                        "timestamp": iso(at), "sampledValue": [{
                            "value": str(wh), "measurand": "Energy.Active.Import.Register",
                            "unit": "Wh", "context": "Sample.Periodic"}]}]}, "", key))
            steps.append(("StopTransaction", lambda s, t1=t0 + dur, m1=m1, key=key: {
                "transactionId": s[key], "meterStop": m1, "timestamp": iso(t1),
                "reason": "Local"}, "stop", key))
            steps.append(("StatusNotification", st("Available", t0 + dur + 1000), "", key))
        else:
            txid = "%s-TX%d" % (ident, j)
            state = "SuspendedEV" if z else "Charging"

            def mv(at, wh, ctx):
                return [{"timestamp": iso(at), "sampledValue": [{
                    "value": wh, "measurand": "Energy.Active.Import.Register", "context": ctx}]}]
            steps.append(("StatusNotification", lambda s, t0=t0: {
                "timestamp": iso(t0), "connectorStatus": "Occupied", "evseId": 1,
                "connectorId": 1}, "", key))
            steps.append(("TransactionEvent", lambda s, t0=t0, m0=m0, txid=txid, state=state: {
                "eventType": "Started", "timestamp": iso(t0), "triggerReason": "Authorized",
                "seqNo": 0, "transactionInfo": {"transactionId": txid, "chargingState": state},
                "evse": {"id": 1, "connectorId": 1},
                "idToken": {"idToken": tag, "type": "ISO14443"},
                "meterValue": mv(t0, m0, "Transaction.Begin")}, "start", key))
            for k, (at, wh) in enumerate(samples):
                steps.append(("TransactionEvent", lambda s, at=at, wh=wh, k=k, txid=txid: {
                    "eventType": "Updated", "timestamp": iso(at),
                    "triggerReason": "MeterValuePeriodic", "seqNo": k + 1,
                    "transactionInfo": {"transactionId": txid},
                    "meterValue": mv(at, wh, "Sample.Periodic")}, "", key))
            steps.append(("TransactionEvent", lambda s, t1=t0 + dur, m1=m1, txid=txid: {
                "eventType": "Ended", "timestamp": iso(t1), "triggerReason": "StopAuthorized",
                "seqNo": 5, "transactionInfo": {"transactionId": txid, "stoppedReason": "Local"},
                "meterValue": mv(t1, m1, "Transaction.End")}, "stop", key))
            steps.append(("StatusNotification", lambda s, t1=t0 + dur: {
                "timestamp": iso(t1 + 1000), "connectorStatus": "Available", "evseId": 1,
                "connectorId": 1}, "", key))
    return steps


class Runner:
    """One pile walking its script; survives the gateway's death and picks
    up at its first unacknowledged message after a reconnect."""

    def __init__(self, gw, version, pile_no, ident, acks):
        self.gw, self.version, self.pile_no, self.ident = gw, version, pile_no, ident
        self.steps = script(version, pile_no, ident)
        self.i = 0           # next step to send (everything before it was acknowledged)
        self.state = {}      # 1.6 transactionIds by session key
        self.acked = []      # (kind, key, answer) acknowledged
        self.acks = acks
        self.mid = 0
        self.in_flight = 0   # sends cut off by a kill (their fate unknown to the pile)

    def go(self, stop_evt):
        """Send until done, the link breaks, or stop_evt is set."""
        try:
            p = Pile(self.gw, self.ident, self.version, timeout=5.0)
            p.next_id = self.next_id
            p.boot()
        except Exception:
            return
        try:
            while self.i < len(self.steps) and not stop_evt.is_set():
                action, build, kind, key = self.steps[self.i]
                res = p.call(action, build(self.state), timeout=5.0)
                if action == "StartTransaction":
                    self.state[key] = res["transactionId"]
                self.acked.append((kind, key, res))
                self.i += 1
                with self.acks[1]:
                    self.acks[0][0] += 1
        except Exception:
            self.in_flight += 1  # the gateway died: resend from self.i after the restart
        finally:
            try:
                p.close()
            except Exception:
                pass

    def next_id(self):
        self.mid += 1
        return "%s-%d" % (self.ident, self.mid)


def snapshot(gw):
    q = gw.query
    return {
        "orders": {r["id"]: (r["tx_id"], r["number"], r["pile"], r["id_token"], r["state"],
                             r["billed_minor"], r["amount_minor"])
                   for r in q("SELECT * FROM orders")},
        "settled": {r["id"] for r in q("SELECT id FROM orders WHERE state IN"
                                       " ('completed', 'abnormal', 'cancelled')")},
        "events": {r["seq"]: (r["order_id"], r["case_id"], r["type"], r["at_ms"], r["source"],
                              r["payload"]) for r in q("SELECT * FROM order_events")},
        "cases": {r["id"]: (r["order_id"], r["rule"], r["tier"], r["state"], r["amount_minor"],
                            r["manifest_sha256"]) for r in q("SELECT * FROM refund_cases")},
        "outbox": {r["event_id"]: (r["order_id"], r["event_type"], r["data"])
                   for r in q("SELECT * FROM outbox")},
        "tx": {r["id"]: (r["pile"], r["pile_tx_id"], r["start_pile_ms"])
               for r in q("SELECT * FROM transactions")},
    }


def order_of(snap, ident, version, j):
    """The order of session j of pile ident, or None."""
    t0 = None
    for txid, (pile, ptx, start) in snap["tx"].items():
        if pile != ident:
            continue
        if (version == "2.0.1" and ptx == "%s-TX%d" % (ident, j)) or (
                version == "1.6" and start == t0_of(int(ident[-1]), j)):
            t0 = txid
    if t0 is None:
        return None
    hits = [oid for oid, o in snap["orders"].items() if o[0] == t0]
    assert len(hits) == 1, (ident, j, hits)
    return hits[0]


def assert_acked_stored(runners, snap, when):
    """Everything a pile got an answer for is in the store."""
    for r in runners:
        for kind, key, _ in r.acked:
            if kind not in ("start", "stop"):
                continue
            oid = order_of(snap, r.ident, r.version, key[1])
            assert oid is not None, "%s: acknowledged %s of %s has no order" % (when, kind, key)
            if kind == "stop":  # settlement commits with the end message
                assert oid in snap["settled"], "%s: acknowledged stop of %s unsettled" % (
                    when, key)


def assert_kept(before, after, when):
    """Nothing of `before` is lost or changed in `after`."""
    for table in ("events", "outbox", "tx"):
        for k, v in before[table].items():
            assert after[table].get(k) == v, "%s: %s row %s lost or changed: %r -> %r" % (
                when, table, k, v, after[table].get(k))
    for k, v in before["orders"].items():
        assert k in after["orders"] and after["orders"][k][:4] == v[:4], (when, k, v)
        if k in before["settled"]:
            assert after["orders"][k] == v, (when, "settled order changed", v, after["orders"][k])
    for k, v in before["cases"].items():
        assert k in after["cases"] and after["cases"][k][:3] == v[:3], (when, k, v)


def test_kill9_mid_sessions_loses_no_order_event_or_case(t):
    gw = Gateway(ocpp={"push_config_on_boot": False}, extra=EXTRA)
    gw.start()
    acks = ([0], threading.Lock())
    runners = [Runner(gw, "1.6", i, "D16-%d" % i, acks) for i in range(N16)] + \
              [Runner(gw, "2.0.1", i, "D201-%d" % i, acks) for i in range(N201)]
    snaps = []
    try:
        for kill_at in KILL_AFTER_ACKS + (None,):
            stop_evt = threading.Event()
            ths = [threading.Thread(target=r.go, args=(stop_evt,)) for r in runners]
            for th in ths:
                th.start()
            if kill_at is None:
                for th in ths:
                    th.join(60)
                break
            end = time.time() + 20
            while acks[0][0] < kill_at and time.time() < end and any(th.is_alive() for th in ths):
                time.sleep(0.002)
            gw.kill9()  # mid-flight: some answers never leave, some frames never arrive
            stop_evt.set()
            for th in ths:
                th.join(30)
            crashed = snapshot(gw)
            assert_acked_stored(runners, crashed, "after kill at %d acks" % acks[0][0])
            if snaps:
                assert_kept(snaps[-1], crashed, "across the kill")
            gw.restart()
            again = snapshot(gw)
            assert_kept(crashed, again, "restart")
            assert again["events"].keys() == crashed["events"].keys(), "restart wrote events"
            snaps.append(crashed)
            print("  kill -9 at %d acks: %d orders, %d events, %d cases kept" % (
                acks[0][0], len(crashed["orders"]), len(crashed["events"]),
                len(crashed["cases"])), flush=True)
        assert all(r.i == len(r.steps) for r in runners), [(r.ident, r.i) for r in runners]
        # the kills did land mid-flight: sends whose answer never came were resent
        assert sum(r.in_flight for r in runners) >= 2, [(r.ident, r.in_flight) for r in runners]
        # a pile that never heard the last answer resends its last start: no second order
        p = Pile(gw, "D16-0", "1.6")
        p.boot()
        last = runners[0].steps[[k for k, s in enumerate(runners[0].steps)
                                 if s[0] == "StartTransaction"][-1]]
        res = p.call("StartTransaction", last[1]({}))
        assert res["transactionId"] == runners[0].state[last[3]], (res, runners[0].state)
        p.close()
        final = snapshot(gw)
        for s in snaps:
            assert_kept(s, final, "final")
        check_final(gw, runners, final)
    except Exception:
        gw.kill9()
        raise
    gw.stop()
    gw.cleanup()


def check_final(gw, runners, snap):
    assert len(snap["orders"]) == len(runners) * SESSIONS, len(snap["orders"])
    assert len(snap["tx"]) == len(runners) * SESSIONS, len(snap["tx"])
    for r in runners:
        for j in range(SESSIONS):
            oid = order_of(snap, r.ident, r.version, j)
            assert oid is not None, (r.ident, j)
            o = gw.query("SELECT * FROM orders WHERE id = ?", oid)[0]
            want = ZERO_MINOR if zero(j) else CLEAN_MINOR
            assert (o["state"], o["billed_minor"], o["amount_minor"]) == (
                "completed", want, want), (r.ident, j, o["state"], o["billed_minor"], want)
            cases = gw.query("SELECT rule, tier, state, amount_minor FROM refund_cases"
                             " WHERE order_id = ?", oid)
            assert cases == ([{"rule": "ZERO_ENERGY_BILLED", "tier": "A", "state": "auto_approved",
                               "amount_minor": ZERO_MINOR}] if zero(j) else []), (r.ident, j, cases)
            ev = gw.query("SELECT seq, type, payload FROM order_events WHERE order_id = ?"
                          " ORDER BY seq", oid)
            types = [e["type"] for e in ev]
            for once in ("order.started", "order.ended", "order.settled"):
                assert types.count(once) == 1, (r.ident, j, types)
            n_case = 1 if zero(j) else 0
            assert types.count("anomaly.detected") == n_case, (r.ident, j, types)
            assert types.count("refund_case.opened") == n_case, (r.ident, j, types)
            assert types.index("order.started") < types.index("order.ended") < \
                types.index("order.settled"), types
            # one outbox row per webhook event, none twice
            ob = gw.query("SELECT event_id, event_type, data FROM outbox WHERE order_id = ?", oid)
            webhook = [e for e in ev if e["type"] != "anomaly.detected"]
            assert sorted(x["event_id"] for x in ob) == sorted(
                "evt-%d" % e["seq"] for e in webhook), (r.ident, j)
            for x in ob:
                env = json.loads(x["data"])
                assert set(env) == {"event_id", "event_type", "occurred_at", "data"}, env


if __name__ == "__main__":
    run(globals())
