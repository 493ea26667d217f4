#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""06-durability: persist, then reply (PROTOCOL.md 1.4 rule 1), tested the
way mosquitto's 15-persist-* tests do it.

kill -9 in the middle of a burst of transaction messages from piles of
both versions: every message the gateway acknowledged is in the store
after the restart, exactly once; the raw-frame hash chain (store.h) holds
across the crash; resending everything after the restart adds nothing
(1.6 duplicate start +-2 s, repeated stop, 2.0.1 seqNo).  Group commit:
many piles at once all get answers, and each answer's row is readable the
moment the answer arrives.
"""
import hashlib
import sqlite3
import threading
import time

from gwtest import Gateway, Pile, iso, run

N16, N201 = 3, 3            # piles per version in the burst
KILL_AFTER_ACKS = (40, 150, 300, 90, 220)  # acknowledged messages before each kill
KILL_AFTER_S = 8.0          # ... or this long, whichever comes first
BASE_TS = int(time.time()) - 30 * 86400  # pile clocks in the past (offline upload), never ahead


class TPile(Pile):
    """A Pile whose message ids are unique across reconnects (frames are
    looked up by id)."""

    def __init__(self, gw, identity, version, tag, **kw):
        self.tag = tag
        super().__init__(gw, identity, version, **kw)

    def next_id(self):
        self.seq += 1
        return "%s-%d" % (self.tag, self.seq)


def ts_of(pile_no, i):
    """Pile clock of event i: distinct per pile and per event, 10 s apart."""
    return BASE_TS + pile_no * 100000 + i * 10  # 10 000 events per pile before overlap


def ms(ts):
    return int(round(ts * 1000))


def wh_sample(ts, wh, context, v201=False):
    sv = {"value": wh if v201 else str(wh), "context": context,
          "measurand": "Energy.Active.Import.Register"}
    if not v201:
        sv["unit"] = "Wh"
    return {"timestamp": iso(ts), "sampledValue": [sv]}


# ---------------------------------------------------------------- the burst
def script16(pile_no, ident, rnd):
    """Endless 1.6 transactions: (action, payload builder, meta).  The
    builder takes the state dict (transactionId of the open start)."""
    i = rnd * 2000  # events of each round in their own stretch of the pile clock
    n = rnd * 500   # transactions too (meterStart, transactionId)
    while True:
        n += 1
        tag = "TAG-%s" % ident
        start_ts = ts_of(pile_no, i)
        meter0 = n * 10000
        yield ("StartTransaction",
               lambda st, ts=start_ts, m=meter0: {"connectorId": 1, "idTag": tag,
                                                  "meterStart": m, "timestamp": iso(ts)},
               {"ts": start_ts, "meter": meter0})
        i += 1
        for k in range(2):
            mts = ts_of(pile_no, i)
            yield ("MeterValues",
                   lambda st, ts=mts, w=meter0 + 100 * (k + 1): {
                       "connectorId": 1, "transactionId": st["tx"],
                       "meterValue": [wh_sample(ts, w, "Sample.Periodic")]},
                   {"ts": mts})
            i += 1
        stop_ts = ts_of(pile_no, i)
        yield ("StopTransaction",
               lambda st, ts=stop_ts, m=meter0 + 500: {"transactionId": st["tx"], "meterStop": m,
                                                       "timestamp": iso(ts), "reason": "Local"},
               {"ts": stop_ts})
        i += 1


def script201(pile_no, ident, rnd):
    i = rnd * 2000  # events of each round in their own stretch of the pile clock
    n = rnd * 500   # transactions too (meterStart, transactionId)
    while True:
        n += 1
        tid = "%s-tx-%d" % (ident, n)
        for seq, (etype, trig, ctx) in enumerate((
                ("Started", "Authorized", "Transaction.Begin"),
                ("Updated", "MeterValuePeriodic", "Sample.Periodic"),
                ("Updated", "MeterValuePeriodic", "Sample.Periodic"),
                ("Ended", "StopAuthorized", "Transaction.End"))):
            ets = ts_of(pile_no, i)
            i += 1
            payload = {"eventType": etype, "timestamp": iso(ets), "triggerReason": trig,
                       "seqNo": seq,
                       "transactionInfo": {"transactionId": tid,
                                           "chargingState": "Charging" if etype != "Ended"
                                           else "EVConnected"},
                       "meterValue": [wh_sample(ets, n * 10000 + seq * 100, ctx, True)]}
            if etype == "Started":
                payload["evse"] = {"id": 1, "connectorId": 1}
                payload["idToken"] = {"idToken": "TAG-%s" % ident, "type": "ISO14443"}
            if etype == "Ended":
                payload["transactionInfo"]["stoppedReason"] = "Local"
            yield ("TransactionEvent", lambda st, p=payload: p,
                   {"ts": ets, "tid": tid, "seq": seq})


def burst_worker(gw, rnd, pile_no, ident, version, records, stop, ready):
    """Send as fast as the answers come; every CALLRESULT is recorded.
    Ends at the first error (the kill)."""
    try:
        p = TPile(gw, ident, version, "a%d-%d" % (rnd, pile_no))
        p.boot()
    finally:
        ready.release()
    state = {"tx": None}
    gen = (script16 if version == "1.6" else script201)(pile_no, ident, rnd)
    for action, build, meta in gen:
        if stop.is_set():
            break
        payload = build(state)
        rec = {"pile": ident, "version": version, "action": action, "payload": payload,
               "meta": meta, "acked": False, "tx": state["tx"]}
        records.append(rec)
        try:
            res = p.call(action, payload, timeout=5)
        except Exception as e:  # the kill: closed, reset, timeout
            rec["error"], rec["mid"] = repr(e), "%s-%d" % (p.tag, p.seq)
            break
        rec["acked"], rec["result"], rec["mid"] = True, res, "%s-%d" % (p.tag, p.seq)
        if action == "StartTransaction":
            state["tx"] = rec["tx"] = res["transactionId"]
    try:
        p.ws.sock.close()
    except Exception:
        pass


def piles():
    return [(i, "D16-%d" % i, "1.6") for i in range(N16)] + \
           [(N16 + i, "D201-%d" % i, "2.0.1") for i in range(N201)]


# ---------------------------------------------------------------- checks
def count_rows(gw, rec):
    """How many stored rows carry this message (the exactly-once key)."""
    p, a, m = rec["pile"], rec["action"], rec["meta"]
    if a == "StartTransaction":
        return gw.query("SELECT COUNT(*) n FROM transactions WHERE pile = ? AND connector_id = 1"
                        " AND id_token = ? AND meter_start_wh = ? AND start_pile_ms = ?",
                        p, "TAG-" + p, m["meter"], ms(m["ts"]))[0]["n"]
    if a == "MeterValues":
        return gw.query("SELECT COUNT(*) n FROM meter_samples WHERE pile = ? AND pile_ms = ?",
                        p, ms(m["ts"]))[0]["n"]
    if a == "StopTransaction":
        return gw.query("SELECT COUNT(*) n FROM transactions WHERE pile = ? AND id = ?"
                        " AND state = 'ended' AND stop_pile_ms = ?",
                        p, rec["tx"], ms(m["ts"]))[0]["n"]
    # TransactionEvent: the event, and its sample
    ev = gw.query("SELECT COUNT(*) n FROM tx_events WHERE pile = ? AND pile_tx_id = ?"
                  " AND seq_no = ?", p, m["tid"], m["seq"])[0]["n"]
    sm = gw.query("SELECT COUNT(*) n FROM meter_samples WHERE pile = ? AND pile_ms = ?",
                  p, ms(m["ts"]))[0]["n"]
    return ev if ev == sm else ("events %d, samples %d" % (ev, sm))


def check_acked_once(gw, records, where):
    bad = []
    for r in records:
        if r["acked"]:
            n = count_rows(gw, r)
            if n != 1:
                bad.append("%s %s %s: %s rows" % (r["pile"], r["action"], r["meta"], n))
        if r["acked"] and r["action"] == "StartTransaction":
            row = gw.query("SELECT pile, start_pile_ms FROM transactions WHERE id = ?",
                           r["result"]["transactionId"])
            if not row or row[0]["pile"] != r["pile"] or row[0]["start_pile_ms"] != ms(
                    r["meta"]["ts"]):
                bad.append("%s start: transactionId %s is not its row: %s" % (
                    r["pile"], r["result"]["transactionId"], row))
        if r["acked"] and r["action"] == "TransactionEvent":
            n = gw.query("SELECT COUNT(*) n FROM transactions WHERE pile = ? AND pile_tx_id = ?",
                         r["pile"], r["meta"]["tid"])[0]["n"]
            if n != 1:
                bad.append("%s %s: %d transaction rows" % (r["pile"], r["meta"]["tid"], n))
    assert not bad, "%s: %d acknowledged messages not stored exactly once:\n%s" % (
        where, len(bad), "\n".join(bad[:20]))


def F(b):
    if isinstance(b, str):
        b = b.encode()
    return len(b).to_bytes(4, "big") + b


def verify_chain(gw, pile):
    """Recompute the per-pile SHA-256 chain of store.h from the frames
    table; return the number of rows checked."""
    prev = bytes(32)
    n = 0
    with gw.db() as c:
        c.text_factory = bytes
        for r in c.execute("SELECT seq, pile, direction, msg_id, msg_type, action, payload,"
                           " pile_ms, recv_ms, prev_hash, hash FROM frames WHERE pile = ?"
                           " ORDER BY seq", (pile,)):
            assert r["prev_hash"] == prev, "%s frame %d: prev_hash breaks the chain" % (
                pile, r["seq"])
            h = hashlib.sha256(prev + F(r["pile"]) + F(r["direction"]) + F(r["msg_id"]) +
                               F(str(r["msg_type"])) + F(r["action"]) + F(r["payload"]) +
                               F("" if r["pile_ms"] is None else str(r["pile_ms"])) +
                               F(str(r["recv_ms"]))).digest()
            assert h == r["hash"], "%s frame %d: hash does not match its fields" % (
                pile, r["seq"])
            prev = h
            n += 1
    return n


def frames_of(gw, pile, msg_id):
    return gw.query("SELECT direction, msg_type FROM frames WHERE pile = ? AND msg_id = ?"
                    " ORDER BY seq", pile, msg_id)


# ---------------------------------------------------------------- tests
def test_kill9_mid_burst(t):
    gw = Gateway(ocpp={"accept_all_tokens": True})
    gw.start()
    try:
        _kill9_rounds(gw)
    except BaseException:
        gw.kill9()
        raise


def _kill9_rounds(gw):
    """Several crash rounds on one data file: each round's checks cover
    every earlier round too (a restart must not disturb old rows)."""
    everything, total = [], {"sent": 0, "acked": 0, "survived": 0, "inflight": 0,
                             "inflight_stored": 0, "mv_resent": 0, "mv_dup": 0}
    for rnd, kill_after in enumerate(KILL_AFTER_ACKS):
        records = _burst_and_kill(gw, rnd, kill_after, total)
        everything += records
        gw.start()  # same file, same config
        # 1. everything acknowledged is there exactly once
        survived = [r for r in records if r["acked"] and count_rows(gw, r) == 1]
        total["survived"] += len(survived)
        check_acked_once(gw, [r for r in everything if not r.get("mv_dup")],
                         "round %d, after kill -9" % rnd)
        for r in records:  # the CALL and its reply are both in the log
            if r["acked"]:
                kinds = [(f["direction"], f["msg_type"])
                         for f in frames_of(gw, r["pile"], r["mid"])]
                assert kinds == [("in", 2), ("out", 3)], (r["pile"], r["mid"], kinds)
        # 2. the frame chain holds across the crash
        chain = sum(verify_chain(gw, ident) for _, ident, _ in piles())
        # 3. resend what the piles sent, acknowledged or not: nothing new
        _resend(gw, rnd, records, total)
        check_acked_once(gw, [r for r in everything if not r.get("mv_dup")],
                         "round %d, after resending" % rnd)
        chain = sum(verify_chain(gw, ident) for _, ident, _ in piles())
    print("  %d kill -9 rounds: %d sent, %d acknowledged, %d acknowledged survived; %d in flight "
          "at a kill, %d of them committed anyway (answer lost); %d frames chained" % (
              len(KILL_AFTER_ACKS), total["sent"], total["acked"], total["survived"],
              total["inflight"], total["inflight_stored"], chain))
    print("  resending starts, stops and 2.0.1 events after each restart added no row; "
          "%d in-flight 1.6 MeterValues resent, %d of them now stored twice (no dedupe key)" % (
              total["mv_resent"], total["mv_dup"]))
    gw.stop()


def _burst_and_kill(gw, rnd, kill_after, total):
    records, stop, ready = [], threading.Event(), threading.Semaphore(0)
    threads = [threading.Thread(target=burst_worker,
                                args=(gw, rnd, no, ident, v, records, stop, ready), daemon=True)
               for no, ident, v in piles()]
    for th in threads:
        th.start()
    for _ in threads:
        ready.acquire()
    t0 = time.time()
    while time.time() - t0 < KILL_AFTER_S and sum(r["acked"] for r in records) < kill_after:
        time.sleep(0.002)
    gw.kill9()
    stop.set()
    for th in threads:
        th.join(10)
        assert not th.is_alive(), "a pile thread hangs after the kill"
    acked = [r for r in records if r["acked"]]
    assert len(acked) >= min(30, kill_after), "burst too small: %d acked" % len(acked)
    for _, ident, _ in piles():
        assert any(r["pile"] == ident and r["acked"] for r in records), ident + " never answered"
    total["sent"] += len(records)
    total["acked"] += len(acked)
    return records


def _resend(gw, rnd, records, total):
    """Reconnect after the restart without a BootNotification (a reconnect
    is not a boot) and send again what each pile had sent."""
    unacked = [r for r in records if not r["acked"]]
    for r in unacked:
        r["stored_at_kill"] = count_rows(gw, r) == 1
    total["inflight"] += len(unacked)
    total["inflight_stored"] += sum(r["stored_at_kill"] for r in unacked)
    samples_before = gw.query("SELECT COUNT(*) n FROM meter_samples")[0]["n"]
    for no, ident, v in piles():
        p = TPile(gw, ident, v, "r%d-%d" % (rnd, no))
        mine = [r for r in records if r["pile"] == ident]
        for r in mine:
            if r["action"] == "MeterValues" and r["acked"]:
                continue  # 1.6: no key to dedupe a meter sample, see below
            if r["action"] in ("MeterValues", "StopTransaction") and r["tx"] is None:
                continue  # its start was never acknowledged
            res = p.call(r["action"], r["payload"], timeout=10)
            if r["action"] == "StartTransaction" and r["acked"]:
                assert res["transactionId"] == r["result"]["transactionId"], (
                    "resent start got a new transactionId", r["meta"], res)
            if not r["acked"] and r["action"] == "MeterValues":
                r["mv_resent"] = True
            if not r["acked"]:
                r["acked"], r["result"] = True, res
        # 1.6 duplicate window: the same start stamped up to 2 s off is the same start
        firsts = [r for r in mine if r["action"] == "StartTransaction"]
        if v == "1.6" and firsts:
            for shift in (1.5, -1.9):
                again = dict(firsts[0]["payload"], timestamp=iso(firsts[0]["meta"]["ts"] + shift))
                res = p.call("StartTransaction", again)
                assert res["transactionId"] == firsts[0]["result"]["transactionId"], (shift, res)
        p.close()
    # A 1.6 MeterValues carries no id: one that was committed but whose
    # answer was lost comes back; the store recognises the same sample (same
    # place, time, measurand, context and value) and keeps it once.
    for r in records:
        if r.get("mv_resent") and count_rows(gw, r) == 2:
            r["mv_dup"] = True
            total["mv_dup"] += 1
    assert total["mv_dup"] == 0, "a resent MeterValues was stored twice"
    total["mv_resent"] += sum(1 for r in records if r.get("mv_resent"))
    new = sum(1 for r in unacked if r["action"] in ("MeterValues", "TransactionEvent")
              and not r["stored_at_kill"] and (r["action"] != "MeterValues" or r.get("mv_resent")))
    after = gw.query("SELECT COUNT(*) n FROM meter_samples")[0]["n"]
    assert after - samples_before == new, (
        "resending added meter samples beyond the lost ones", samples_before, after, new)


def test_frames_of_acknowledged_messages(t):
    """Every acknowledged CALL has its inbound frame and its reply in the
    log before the reply left (both in the committed batch)."""
    with Gateway(ocpp={"accept_all_tokens": True}) as gw:
        p = TPile(gw, "FR-16", "1.6", "f")
        p.boot()
        res = p.call("StartTransaction", {"connectorId": 1, "idTag": "TAG-FR", "meterStart": 0,
                                          "timestamp": iso(BASE_TS)})
        mid = "f-%d" % p.seq
        rows = frames_of(gw, "FR-16", mid)
        assert [(r["direction"], r["msg_type"]) for r in rows] == [("in", 2), ("out", 3)], rows
        assert gw.query("SELECT id FROM transactions WHERE id = ?", res["transactionId"])
        p.close()
        assert verify_chain(gw, "FR-16") >= 4


def test_duplicate_keys(t):
    """The idempotency keys themselves (PROTOCOL.md 1.4 rule 2): a 1.6 start
    is the same start within +-2 s and only with the same connector, idTag
    and meterStart; a repeated stop and a seen 2.0.1 seqNo change nothing."""
    with Gateway(ocpp={"accept_all_tokens": True}) as gw:
        p = TPile(gw, "DK-16", "1.6", "k")
        p.boot()
        base = {"connectorId": 1, "idTag": "TAG-DK", "meterStart": 500, "timestamp": iso(BASE_TS)}
        tx = p.call("StartTransaction", base)["transactionId"]
        for shift in (2.0, -2.0, 0.001):
            res = p.call("StartTransaction", dict(base, timestamp=iso(BASE_TS + shift)))
            assert res["transactionId"] == tx, (shift, res)
        others = [dict(base, timestamp=iso(BASE_TS + 2.5)), dict(base, meterStart=501),
                  dict(base, connectorId=2), dict(base, idTag="TAG-DK2")]
        ids = {p.call("StartTransaction", o)["transactionId"] for o in others}
        assert tx not in ids and len(ids) == len(others), (tx, ids)
        stop = {"transactionId": tx, "meterStop": 900, "timestamp": iso(BASE_TS + 60)}
        p.call("StopTransaction", stop)
        p.call("StopTransaction", dict(stop, meterStop=950, timestamp=iso(BASE_TS + 90)))
        row = gw.query("SELECT state, meter_stop_wh, stop_pile_ms FROM transactions WHERE id = ?",
                       tx)[0]
        assert row == {"state": "ended", "meter_stop_wh": 900,
                       "stop_pile_ms": ms(BASE_TS + 60)}, row
        assert gw.query("SELECT COUNT(*) n FROM transactions WHERE pile = 'DK-16'")[0]["n"] == 5

        q = TPile(gw, "DK-201", "2.0.1", "k")
        q.boot()
        ev = {"eventType": "Started", "timestamp": iso(BASE_TS), "triggerReason": "Authorized",
              "seqNo": 0, "transactionInfo": {"transactionId": "dk-1"},
              "evse": {"id": 1, "connectorId": 1},
              "meterValue": [wh_sample(BASE_TS, 100, "Transaction.Begin", True)]}
        q.call("TransactionEvent", ev)
        # the same seqNo again, even with other contents, is a replay
        q.call("TransactionEvent", dict(ev, eventType="Ended", timestamp=iso(BASE_TS + 5),
                                        meterValue=[wh_sample(BASE_TS + 5, 999,
                                                              "Transaction.End", True)]))
        assert gw.query("SELECT state FROM transactions WHERE pile_tx_id = 'dk-1'") == [
            {"state": "open"}]
        assert gw.query("SELECT COUNT(*) n FROM tx_events WHERE pile = 'DK-201'")[0]["n"] == 1
        assert gw.query("SELECT COUNT(*) n FROM meter_samples WHERE pile = 'DK-201'")[0]["n"] == 1
        p.close()
        q.close()


def group_worker(gw, no, version, barrier, n_msgs, out):
    ident = "G%s-%d" % ("16" if version == "1.6" else "201", no)
    p = TPile(gw, ident, version, "g")
    p.boot()
    db = sqlite3.connect("file:%s?mode=ro" % gw.db_path, uri=True, timeout=5)
    missing, lat = [], []
    barrier.wait(20)
    for i in range(n_msgs):
        ts = ts_of(no + (0 if version == "1.6" else 500), i)
        t0 = time.time()
        if version == "1.6":
            res = p.call("StartTransaction", {"connectorId": 1 + i, "idTag": "TAG-" + ident,
                                              "meterStart": i, "timestamp": iso(ts)}, timeout=15)
            lat.append(time.time() - t0)
            row = db.execute("SELECT pile FROM transactions WHERE id = ?",
                             (res["transactionId"],)).fetchall()
            if row != [(ident,)]:
                missing.append(("start", res["transactionId"], row))
        else:
            tid = "%s-%d" % (ident, i)
            p.call("TransactionEvent", {
                "eventType": "Started", "timestamp": iso(ts), "triggerReason": "Authorized",
                "seqNo": 0, "transactionInfo": {"transactionId": tid},
                "evse": {"id": 1, "connectorId": 1},
                "idToken": {"idToken": "TAG-%s-%d" % (ident, i), "type": "ISO14443"}}, timeout=15)
            lat.append(time.time() - t0)
            row = db.execute("SELECT COUNT(*) FROM tx_events WHERE pile = ? AND pile_tx_id = ?"
                             " AND seq_no = 0", (ident, tid)).fetchone()[0]
            if row != 1:
                missing.append(("event", tid, row))
    db.close()
    p.close()
    out.append((ident, missing, lat))


def test_group_commit_rows_before_answers(t):
    n_piles, n_msgs = 16, 5  # per version
    with Gateway(ocpp={"accept_all_tokens": True}) as gw:
        barrier = threading.Barrier(2 * n_piles)
        out = []
        threads = [threading.Thread(target=group_worker, args=(gw, no, v, barrier, n_msgs, out),
                                    daemon=True)
                   for v in ("1.6", "2.0.1") for no in range(n_piles)]
        t0 = time.time()
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert len(out) == len(threads), "only %d of %d piles finished:\n%s" % (
            len(out), len(threads), gw.log()[-3000:])
        missing = [(ident, m) for ident, ms_, _ in out for m in ms_]
        assert not missing, "answers that came before their rows: %s" % missing[:10]
        lat = sorted(x for _, _, l in out for x in l)
        print("  %d piles x %d messages answered in %.2fs; latency p50 %.1f ms, max %.1f ms" % (
            len(threads), n_msgs, time.time() - t0, 1000 * lat[len(lat) // 2], 1000 * lat[-1]))
        assert gw.query("SELECT COUNT(*) n FROM transactions")[0]["n"] == 2 * n_piles * n_msgs


run(globals())
