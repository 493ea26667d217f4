#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""15-scenarios-remote: the shipped ocppsim scenarios that 07-orders-scenarios
skips because they need an operator's remote stop, driven against the real
gateway with its operator API on (issue 3 "Done means": every shipped
scenario, both versions).

  - 16-/201-clean-remote-stop (shipped files, as they are): while ocppsim
    waits for the stop, the test calls POST /v1/orders/{number}/stop; the
    pile ends with reason Remote, the order completes with no case, and
    order.remote_stop_requested (operator, the work order) and
    order.remote_stop_accepted are in its history before order.ended.
  - 16-/201-stop-not-effective (shipped files, as they are, with
    `ocppsim --max-wait 10`): the files wait 330 s of real time after the
    accepted stop, sized for the gateway's default 60 s / 300 s timers;
    against this gateway's short ones (stop_trigger_s = 2, stop_grace_s = 2,
    stop_timeout_s = 5, sweep 1 s) a 10 s wait proves the same: the pile
    accepts the stop and keeps charging, the gateway asks for the
    transaction's status (1.6 TriggerMessage(StatusNotification), 2.0.1
    GetTransactionStatus), and exactly one STOP_NOT_EFFECTIVE case (tier A,
    auto-approved, refund = everything after acceptance + grace but the
    start fee) opens, by the sweep, before the end message.  The files
    charge at 7 kW, so ~12 s deliver ~25 Wh: this gateway gives no free
    cancel (free_cancel_min = 0), takes 10 Wh as "some energy"
    (zero_energy_wh), and prices these two piles steeply so that the
    refund is a visible amount.

The shipped 16-/201-meter-silence run in 07-orders-scenarios.py (their own
gateway needs the boot push; see there).
"""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

from gwtest import SRC, Gateway, run, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = os.environ.get("OCPPSIM_BIN", os.path.join(SRC, "build", "simulator", "ocppsim"))
SHIPPED = os.path.join(SRC, "simulator", "scenarios")
OPERATE = "operate-token-0123456789abcdef"
START_FEE = 50
STOP_ACTION = {"1.6": "RemoteStopTransaction", "2.0.1": "RequestStopTransaction"}
# what the sweep sends stop_trigger_s after an accepted stop without its end
# (sweep.c DCMD_TRIGGER_TX_STATUS): 1.6 TriggerMessage(StatusNotification),
# 2.0.1 GetTransactionStatus
TRIGGER = {"1.6": ("TriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 1}),
           "2.0.1": ("GetTransactionStatus", None)}

# file, identity, idTag per run
RUNS = {
    ("1.6", "clean-remote-stop"): (os.path.join(SHIPPED, "16-clean-remote-stop.cfg"), "R-16-CLEAN",
                                   "TAGR16C"),
    ("2.0.1", "clean-remote-stop"): (os.path.join(SHIPPED, "201-clean-remote-stop.cfg"),
                                     "R-201-CLEAN", "TAGR201C"),
    ("1.6", "stop-not-effective"): (os.path.join(SHIPPED, "16-stop-not-effective.cfg"),
                                    "R-16-SNE", "TAGR16S"),
    ("2.0.1", "stop-not-effective"): (os.path.join(SHIPPED, "201-stop-not-effective.cfg"),
                                      "R-201-SNE", "TAGR201S"),
}
# more ocppsim arguments per run
SIM_ARGS = {("1.6", "stop-not-effective"): ["--max-wait", "10"],
            ("2.0.1", "stop-not-effective"): ["--max-wait", "10"]}

EXTRA = "\n".join([
    'tariffs = ( { id = "flat"; currency = "EUR"; minor_exp = 2; utc_offset_min = 0;'
    ' start_fee_minor = %d; idle_grace_min = 10; periods = ( { start = "00:00";'
    ' energy_per_kwh = "0.3000"; service_per_kwh = "0.0500"; time_per_hour = "1.2000";'
    ' idle_per_min = "0.1000"; } ); },'
    # the real-time stop-not-effective piles: ~12 s at 7 kW, 1 ct a second + 3 EUR/kWh
    ' { id = "steep"; currency = "EUR"; minor_exp = 2; utc_offset_min = 0;'
    ' start_fee_minor = %d; idle_grace_min = 10; periods = ( { start = "00:00";'
    ' energy_per_kwh = "3.0000"; service_per_kwh = "0.0000"; time_per_hour = "36.0000";'
    ' idle_per_min = "0.1000"; } ); } );' % (START_FEE, START_FEE),
    'connectors = ( { pile = "R-16-SNE"; current = "AC"; p_max_w = 11000; tariff = "steep"; },'
    ' { pile = "R-201-SNE"; current = "AC"; p_max_w = 11000; tariff = "steep"; },'
    ' { pile = "*"; current = "AC"; p_max_w = 11000; tariff = "flat"; } );',
    "orders: { sweep_interval_s = 1; free_cancel_min = 0; };",
    "anomaly: { stop_trigger_s = 2; stop_grace_s = 2; stop_timeout_s = 5; zero_energy_wh = 10; };"])



class ApiGateway(Gateway):
    """The API on a port the test picked, one operate token (as 10-operator-api)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.api_port = free_port()
        self.api_conf = ('api: { address = "127.0.0.1"; port = %d; tokens = ( { name = "ops";'
                         ' token = "%s"; scopes = "read,operate"; } ); };' % (self.api_port, OPERATE))

    def api(self, method, path, timeout=10):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.api_port, path),
                                     method=method, data=b"" if method == "POST" else None)
        req.add_header("Authorization", "Bearer " + OPERATE)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


class Batch:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="ocppgw-15-")
        self.gw = ApiGateway(ocpp={"push_config_on_boot": False}, extra=EXTRA)
        self.result = {}   # key -> (rc, json, text)
        self.stops = {}    # key -> (status, body) of the API stop
        self.errors = []

    def start(self):
        self.gw.start()
        threads = [threading.Thread(target=self.guard, args=(k,)) for k in RUNS]
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        end = time.time() + 15
        while time.time() < end and self.gw.query(
                "SELECT count(*) AS n FROM orders WHERE state NOT IN"
                " ('completed', 'abnormal', 'cancelled')")[0]["n"]:
            time.sleep(0.2)

    def guard(self, key):
        try:
            self.one(key)
        except Exception as e:  # reported by the test that reads it
            self.errors.append((key, e))

    def one(self, key):
        path, ident, tag = RUNS[key]
        with open(path) as f:
            text = f.read()
        cfg = os.path.join(self.tmp, ident + ".cfg")
        with open(cfg, "w") as f:
            f.write('id_tag = "%s";\n' % tag + text)
        out = os.path.join(self.tmp, ident + ".json")
        proc = subprocess.Popen([SIM, "scenario", cfg, "--url", "ws://127.0.0.1:%d/ocpp" %
                                 self.gw.ports["plain"], "--id", ident, "--json", out, "--quiet"]
                                + SIM_ARGS.get(key, []),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        buf = []
        reader = threading.Thread(target=lambda: buf.append(proc.stdout.read()))
        reader.start()
        # the operator stops the session as soon as it is charging (a scaled
        # pile clock is backdated by only ~10 real seconds' worth of pile time)
        number, end = None, time.time() + 30
        while number is None and time.time() < end and proc.poll() is None:
            rows = self.gw.query("SELECT number, state FROM orders WHERE pile = ?", ident)
            if rows and rows[0]["state"] == "charging":
                number = rows[0]["number"]
            else:
                time.sleep(0.1)
        if number is not None:
            time.sleep(1.0)
            self.stops[key] = self.gw.api("POST", "/v1/orders/%s/stop" % number)
        proc.wait(timeout=90)
        reader.join(5)
        with open(out) as f:
            self.result[key] = (proc.returncode, json.load(f),
                                b"".join(buf).decode(errors="replace"))
        assert number is not None, "order of %s never charging" % ident

    def stop(self):
        self.gw.stop()
        self.gw.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)


BATCH = None
BATCH_ERROR = []


def batch():
    global BATCH
    if BATCH_ERROR:
        raise AssertionError("the batch failed: %r" % BATCH_ERROR[0])
    if BATCH is None:
        BATCH = Batch()
        try:
            BATCH.start()
        except Exception as e:
            BATCH_ERROR.append(e)
            BATCH.gw.kill9()
            raise
    return BATCH


def common(key):
    """The run passed, the API stop was taken; -> (gw, order, events, js)."""
    b = batch()
    errs = [e for k, e in b.errors if k == key]
    assert not errs, errs
    version = key[0]
    rc, js, text = b.result[key]
    assert rc == 0, "ocppsim %s exited %d:\n%s\n%s" % (key, rc, text[-1500:], [
        e for e in js.get("expectations", []) if not e["ok"]])
    st, body = b.stops[key]
    assert st == 202, (st, body)
    assert body["action"] == STOP_ACTION[version] and body["work_order"].startswith("WO-"), body
    gw = b.gw
    ident = RUNS[key][1]
    orders = gw.query("SELECT * FROM orders WHERE pile = ? ORDER BY id", ident)
    assert len(orders) == 1, [(o["number"], o["state"]) for o in orders]
    o = orders[0]
    assert body["order"] == o["number"], (body, o["number"])
    ev = gw.query("SELECT * FROM order_events WHERE order_id = ? ORDER BY seq", o["id"])
    types = [e["type"] for e in ev]
    req = [e for e in ev if e["type"] == "order.remote_stop_requested"]
    acc = [e for e in ev if e["type"] == "order.remote_stop_accepted"]
    assert len(req) == 1 and len(acc) == 1, types
    assert req[0]["source"] == "operator" and req[0]["source_ref"] == body["work_order"], req
    assert types.index("order.remote_stop_requested") < types.index(
        "order.remote_stop_accepted") < types.index("order.ended"), types
    cmds = gw.query("SELECT action, payload, outcome, sent_ms FROM commands WHERE pile = ?"
                    " ORDER BY id", ident)
    stops = [c for c in cmds if c["action"] == STOP_ACTION[version]]
    assert len(stops) == 1 and stops[0]["outcome"] == "ACCEPTED", cmds
    # what the pile sent at the end
    out = [fr["frame"] for fr in js["frames"] if fr["dir"] == "out" and fr["frame"][0] == 2]
    if version == "1.6":
        ends = [m[3] for m in out if m[2] == "StopTransaction"]
        reason = ends[-1].get("reason") if ends else None
    else:
        ends = [m[3] for m in out if m[2] == "TransactionEvent" and m[3]["eventType"] == "Ended"]
        reason = ends[-1]["transactionInfo"].get("stoppedReason") if ends else None
    assert len(ends) == 1, ends
    return gw, o, ev, cmds, reason


def check_clean(version):
    gw, o, ev, cmds, reason = common((version, "clean-remote-stop"))
    assert reason == "Remote", reason
    cases = gw.query("SELECT rule, tier, explain FROM refund_cases WHERE order_id = ?", o["id"])
    assert not cases, cases
    assert o["state"] == "completed" and o["billed_minor"] > START_FEE, (o["state"],
                                                                          o["billed_minor"])
    assert not [c for c in cmds if c["action"] in ("TriggerMessage", "GetTransactionStatus")], cmds
    types = [e["type"] for e in ev]
    assert types.count("order.settled") == 1 and "refund_case.opened" not in types, types
    print("  %s clean-remote-stop: order %s completed, billed %d, events %s" % (
        version, o["number"], o["billed_minor"], types), flush=True)


def check_not_effective(version):
    gw, o, ev, cmds, reason = common((version, "stop-not-effective"))
    assert reason == "Local", reason  # the pile ignored the stop and ended by itself
    acc_ms = [c for c in cmds if c["action"] == STOP_ACTION[version]][0]["sent_ms"]
    action, want = TRIGGER[version]
    trig = [c for c in cmds if c["action"] == action]
    assert len(trig) == 1, ("want one %s after the accepted stop" % action, cmds)
    payload = json.loads(trig[0]["payload"])[3]
    if want is not None:
        assert payload == want, payload
    else:
        assert set(payload) == {"transactionId"}, payload
    print("  %s stop-not-effective: trigger %s %s, %.1f s after the stop was sent" % (
        version, trig[0]["payload"], trig[0]["outcome"], (trig[0]["sent_ms"] - acc_ms) / 1000.0),
        flush=True)
    assert 1000 <= trig[0]["sent_ms"] - acc_ms <= 5000, (trig[0]["sent_ms"] - acc_ms)
    cases = gw.query("SELECT * FROM refund_cases WHERE order_id = ? ORDER BY id", o["id"])
    assert [(c["rule"], c["tier"]) for c in cases] == [("STOP_NOT_EFFECTIVE", "A")], [
        (c["rule"], c["tier"], c["state"], c["explain"]) for c in cases]
    c = cases[0]
    print("  %s stop-not-effective: case %s %s amount %d of billed %d, window [%+.1f s, %+.1f s)"
          " from the stop; %s" % (version, c["rule"], c["state"], c["amount_minor"],
                                  o["billed_minor"], (c["window_from_ms"] - acc_ms) / 1000.0,
                                  (c["window_to_ms"] - acc_ms) / 1000.0, c["explain"]), flush=True)
    assert c["state"] == "auto_approved" and c["auto_approved"] == 1, c
    ev_rows = gw.query("SELECT kind FROM case_evidence WHERE case_id = ? ORDER BY seq", c["id"])
    assert ev_rows and len(c["manifest_sha256"]) == 64, (ev_rows, c["manifest_sha256"])
    # refund: everything after acceptance + 2 s grace but the start fee
    assert 0 < c["amount_minor"] <= o["billed_minor"] - START_FEE, (c["amount_minor"],
                                                                    o["billed_minor"])
    assert 1000 <= c["window_from_ms"] - acc_ms <= 4000, c["window_from_ms"] - acc_ms
    types = [e["type"] for e in ev]
    # opened once, by the sweep while the transaction was still open, amended
    # (not re-opened) when the end message brought the amount
    assert types.count("refund_case.opened") == 1, types
    assert types.count("anomaly.detected") == 1, types
    assert types.index("refund_case.opened") < types.index("order.ended"), types
    assert o["state"] == "completed", (o["state"], types)
    print("  %s stop-not-effective: order %s %s, events %s" % (version, o["number"], o["state"],
                                                              types), flush=True)


def test_16_clean_remote_stop(t):
    check_clean("1.6")


def test_201_clean_remote_stop(t):
    check_clean("2.0.1")


def test_16_stop_not_effective(t):
    check_not_effective("1.6")


def test_201_stop_not_effective(t):
    check_not_effective("2.0.1")


def test_zz_gateway_exits_cleanly(t):
    """SIGTERM: status 0, no sanitizer report."""
    batch().stop()


if __name__ == "__main__":
    run(globals())
