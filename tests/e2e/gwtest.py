# SPDX-License-Identifier: MIT
"""gwtest - end-to-end harness for ocppgw (Python 3 standard library only).

    from gwtest import Gateway, Pile, run
    def test_boot(t):
        with Gateway(t) as gw:
            p = gw.pile("CP1", "1.6")
            res = p.call("BootNotification", {...})   # CALLRESULT payload, or raises CallError
    run(globals())

Gateway starts the real binary (path in $OCPPGW_BIN) with a config written
into a fresh temp dir: ports picked by the OS (listener port 0; the binary
prints "LISTENING name=... port=N"), its own SQLite file, outbound payloads
schema-checked.  stop() sends SIGTERM and asserts a clean exit (status 0, no
sanitizer report).  kill9() is the crash.  Pile is an OCPP-J client over
wsclient that answers the server's CALLs like a cooperative pile and checks
every CALLRESULT we receive against schemas/ (see check_payload).
"""

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import wsclient  # noqa: E402

SRC = os.environ.get("OCPPGW_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
BIN = os.environ.get("OCPPGW_BIN", os.path.join(SRC, "build", "src", "ocppgw"))
SUBPROTO = {"1.6": "ocpp1.6", "2.0.1": "ocpp2.0.1"}
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "ERROR: UndefinedBehaviorSanitizer")


class CallError(Exception):
    """The gateway answered a CALL with a CALLERROR."""

    def __init__(self, code, desc, details):
        super().__init__("%s: %s" % (code, desc))
        self.code, self.desc, self.details = code, desc, details


def _cfg_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago (for the API
    listener, which the tests place on a port they know)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Gateway:
    """One ocppgw process in its own temp dir.  listeners: list of dicts
    (name, security_profile, tls_*...), port 0 unless given.  ocpp: dict
    of ocpp.* settings.  extra: raw libconfig text appended.  A subclass
    that wants the operator API sets self.api_conf to its api { } section."""

    def __init__(self, t=None, listeners=None, ocpp=None, limits=None, extra="", tmpdir=None,
                 log_level="info"):
        self.tmp = tmpdir or tempfile.mkdtemp(prefix="ocppgw-e2e-")
        self.db_path = os.path.join(self.tmp, "gw.db")
        self.listeners = listeners or [{"name": "plain", "security_profile": 1}]
        o = {"auto_register": True, "require_password": False, "accept_all_tokens": True,
             "validate_outbound": True, "push_config_on_boot": False, "call_timeout_ms": 3000}
        o.update(ocpp or {})
        self.ocpp = o
        self.limits = limits or {}
        self.extra = extra
        self.log_level = log_level
        self.proc = None
        self.ports = {}
        self.stderr_path = os.path.join(self.tmp, "stderr.log")
        self.api_conf = None  # the api { } section; None: no operator API

    # ---- config and process
    def write_config(self):
        lines = ['log_level = "%s";' % self.log_level,
                 'schema_dir = "%s";' % os.path.join(SRC, "schemas"),
                 'store: { path = "%s"; };' % self.db_path,
                 self.api_conf or 'api: { port = -1; };',
                 'pki: { ca_cert = "%s"; ca_key = "%s"; };' % (
                     os.path.join(SRC, "certs", "dev", "ca.pem"),
                     os.path.join(SRC, "certs", "dev", "ca.key"))]
        ls = []
        for l in self.listeners:
            d = {"address": "127.0.0.1", "port": 0, "path_prefix": "/ocpp"}
            d.update(l)
            ls.append("{ " + " ".join("%s = %s;" % (k, _cfg_value(v)) for k, v in d.items()) + " }")
        lines.append("listeners = (\n  " + ",\n  ".join(ls) + "\n);")
        lines.append("ocpp: { " + " ".join("%s = %s;" % (k, _cfg_value(v))
                                           for k, v in self.ocpp.items()) + " };")
        if self.limits:
            lines.append("limits: { " + " ".join("%s = %s;" % (k, _cfg_value(v))
                                                 for k, v in self.limits.items()) + " };")
        lines.append(self.extra)
        self.config_path = os.path.join(self.tmp, "gw.conf")
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, timeout=15.0):
        if not hasattr(self, "config_path"):
            self.write_config()
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen([BIN, "-c", self.config_path], stdout=subprocess.PIPE,
                                     stderr=self.stderr, cwd=self.tmp)
        want = len(self.listeners)
        end = time.time() + timeout
        self.ports = {}
        while len(self.ports) < want:
            if time.time() > end:
                self.kill9()
                raise AssertionError("gateway did not start:\n" + self.log())
            line = self.proc.stdout.readline().decode()
            if not line:
                raise AssertionError("gateway exited at start (%s):\n%s" % (self.proc.wait(), self.log()))
            m = re.match(r"LISTENING name=(\S+) port=(\d+)", line)
            if m:
                self.ports[m.group(1)] = int(m.group(2))
        return self

    def stop(self, timeout=20.0):
        """SIGTERM, wait, and assert a clean exit with no sanitizer report."""
        if not self.proc:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("gateway did not stop on SIGTERM:\n" + self.log())
        self.proc.stdout.close()
        self.proc = None
        self.stderr.close()
        log = self.log()
        for mark in SANITIZER_MARKS:
            assert mark not in log, "sanitizer report:\n" + log[-6000:]
        assert rc == 0, "gateway exit status %s:\n%s" % (rc, log[-4000:])

    def kill9(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc.stdout.close()
            self.proc = None
            self.stderr.close()

    def restart(self):
        self.start()
        return self

    def log(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, et, ev, tb):
        if et is None:
            self.stop()
            self.cleanup()
        else:
            self.kill9()
            sys.stderr.write("gateway log (kept in %s):\n%s\n" % (self.tmp, self.log()[-3000:]))

    def cleanup(self):
        """Remove the temp dir (kept when a test failed, for the post-mortem)."""
        if self.proc is None and os.path.isdir(self.tmp):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- helpers
    def url(self, identity, listener=None):
        name = listener or self.listeners[0]["name"]
        prof = [l for l in self.listeners if l["name"] == name][0].get("security_profile", 1)
        scheme = "wss" if prof >= 2 else "ws"
        return "%s://127.0.0.1:%d/ocpp/%s" % (scheme, self.ports[name], identity)

    def pile(self, identity, version="1.6", boot=True, **kw):
        p = Pile(self, identity, version, **kw)
        if boot:
            p.boot()
        return p

    def db(self):
        """A read-only connection to the gateway's SQLite file."""
        c = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True, timeout=5)
        c.row_factory = sqlite3.Row
        return c

    def query(self, sql, *args):
        with self.db() as c:
            return [dict(r) for r in c.execute(sql, args).fetchall()]


_schema_cache = {}


def load_schema(version, name):
    key = (version, name)
    if key not in _schema_cache:
        path = os.path.join(SRC, "schemas", "ocpp" + version, name + ".json")
        with open(path) as f:
            _schema_cache[key] = json.load(f)
    return _schema_cache[key]


def check_payload(version, name, payload):
    """A small independent validator for what the gateway sends us: required
    fields, types, enums, lengths, additionalProperties.  Returns a list of
    problems (empty = valid)."""
    root = load_schema(version, name)
    problems = []

    def walk(s, v, path):
        if "$ref" in s:
            s = root["definitions"][s["$ref"].split("/")[-1]]
        t = s.get("type")
        types = {"object": dict, "array": list, "string": str, "boolean": bool}
        if t in types and not isinstance(v, types[t]):
            problems.append("%s: expected %s" % (path, t))
            return
        if t == "integer" and (not isinstance(v, int) or isinstance(v, bool)):
            problems.append("%s: expected integer" % path)
            return
        if t == "number" and (not isinstance(v, (int, float)) or isinstance(v, bool)):
            problems.append("%s: expected number" % path)
            return
        if "enum" in s and v not in s["enum"]:
            problems.append("%s: %r not in enum" % (path, v))
        if "maxLength" in s and len(v) > s["maxLength"]:
            problems.append("%s: too long" % path)
        if t == "object":
            props = s.get("properties", {})
            for r in s.get("required", []):
                if r not in v:
                    problems.append("%s.%s: required" % (path, r))
            for k, x in v.items():
                if k in props:
                    walk(props[k], x, path + "." + k)
                elif s.get("additionalProperties") is False:
                    problems.append("%s.%s: not allowed" % (path, k))
        if t == "array":
            for i, x in enumerate(v):
                walk(s.get("items", {}), x, "%s[%d]" % (path, i))

    walk(root, payload, name)
    return problems


class Pile:
    """An OCPP-J client.  answers: dict action -> payload (or callable) used
    to answer the server's CALLs; default answers are cooperative."""

    DEFAULT_ANSWERS = {
        "ChangeConfiguration": {"status": "Accepted"},
        "SetVariables": lambda p: {"setVariableResult": [
            {"attributeStatus": "Accepted", "component": v["component"], "variable": v["variable"]}
            for v in p["setVariableData"]]},
        "GetVariables": lambda p: {"getVariableResult": [
            {"attributeStatus": "UnknownVariable", "component": v["component"], "variable": v["variable"]}
            for v in p["getVariableData"]]},
        "CertificateSigned": {"status": "Accepted"},
        "RemoteStopTransaction": {"status": "Accepted"},
        "RequestStopTransaction": {"status": "Accepted"},
        "TriggerMessage": {"status": "Accepted"},
    }

    def __init__(self, gw, identity, version="1.6", password=None, listener=None, tls=None,
                 answers=None, subprotocols=None, timeout=5.0):
        self.gw, self.identity, self.version = gw, identity, version
        self.seq = 0
        self.server_calls = []  # (action, payload) the gateway sent us
        self.answers = dict(self.DEFAULT_ANSWERS)
        self.answers.update(answers or {})
        basic = (identity, password) if password is not None else None
        self.ws = wsclient.connect(gw.url(identity, listener),
                                   subprotocols=subprotocols or [SUBPROTO[version]],
                                   basic=basic, tls=tls, timeout=timeout)

    def next_id(self):
        self.seq += 1
        return "m%d" % self.seq

    def send_raw(self, text, fragments=1):
        self.ws.send_text(text, fragments=fragments)

    def _answer_server_call(self, msg):
        _, mid, action, payload = msg
        self.server_calls.append((action, payload))
        problems = check_payload(self.version, action + "Request", payload)
        assert not problems, "gateway sent an invalid %s: %s" % (action, problems)
        ans = self.answers.get(action)
        if ans is None:
            self.ws.send_text(json.dumps([4, mid, "NotImplemented", "", {}]))
            return
        if callable(ans):
            ans = ans(payload)
        self.ws.send_text(json.dumps([3, mid, ans]))

    def recv_frame(self, timeout=5.0):
        """Next frame that is not a server CALL (those are answered)."""
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                raise socket.timeout("no frame within %.1fs" % timeout)
            text = self.ws.recv_text(timeout=left)
            msg = json.loads(text)
            if isinstance(msg, list) and msg and msg[0] == 2:
                self._answer_server_call(msg)
                continue
            return msg

    def call_raw(self, text, mid, timeout=5.0):
        """Send text and return the frame answering mid."""
        self.ws.send_text(text)
        while True:
            msg = self.recv_frame(timeout)
            if msg[1] == mid:
                return msg

    def call(self, action, payload, timeout=5.0):
        """CALL and return the CALLRESULT payload (schema-checked); raise
        CallError on a CALLERROR."""
        mid = self.next_id()
        msg = self.call_raw(json.dumps([2, mid, action, payload]), mid, timeout)
        if msg[0] == 4:
            raise CallError(msg[2], msg[3], msg[4])
        assert msg[0] == 3, msg
        problems = check_payload(self.version, action + "Response", msg[2])
        assert not problems, "invalid %sResponse %s: %s" % (action, msg[2], problems)
        return msg[2]

    def expect_error(self, action, payload, code):
        try:
            self.call(action, payload)
        except CallError as e:
            assert e.code == code, "expected %s, got %s (%s)" % (code, e.code, e.desc)
            return e
        raise AssertionError("expected CALLERROR %s for %s" % (code, action))

    def pump(self, seconds=0.3):
        """Answer server CALLs for a while."""
        end = time.time() + seconds
        while time.time() < end:
            try:
                msg = self.recv_frame(timeout=max(0.01, end - time.time()))
            except (socket.timeout, TimeoutError):
                return
            raise AssertionError("unexpected frame %r" % (msg,))

    def boot(self):
        if self.version == "1.6":
            res = self.call("BootNotification", {"chargePointVendor": "ocppgw-test",
                                                  "chargePointModel": "E2E", "chargePointSerialNumber":
                                                  self.identity})
        else:
            res = self.call("BootNotification", {"reason": "PowerUp", "chargingStation": {
                "vendorName": "ocppgw-test", "model": "E2E", "serialNumber": self.identity}})
        assert res["status"] == "Accepted", res
        return res

    def close(self):
        self.ws.close()


def iso(ts=None):
    ts = time.time() if ts is None else ts
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % int((ts % 1) * 1000)


def assert_every_handler_tested(room, test_file, at_least):
    """Every action row of src/<room>/actions.c that names a handler is quoted
    ("Action") somewhere in test_file: adding a row means adding its test."""
    prefix = {"ocpp16": "v16_", "ocpp201": "v201_"}[room]
    with open(os.path.join(SRC, "src", room, "actions.c")) as f:
        handled = re.findall(r'\{\s*"(\w+)",\s*%s\w+' % prefix, f.read())
    with open(os.path.abspath(test_file)) as f:
        me = f.read()
    assert len(handled) >= at_least, handled
    missing = [a for a in handled if '"%s"' % a not in me]
    assert not missing, "handlers without a test in %s: %s" % (os.path.basename(test_file), missing)


def run(ns):
    """Run every test_* function of the module; each gets a scratch object.
    Prints 'N passed, M failed' and exits 1 on any failure."""
    only = sys.argv[1:]
    names = [n for n in sorted(ns) if n.startswith("test_") and callable(ns[n])
             and (not only or n in only)]
    passed = failed = 0
    for n in names:
        t0 = time.time()
        try:
            ns[n](type("T", (), {})())
            passed += 1
            print("PASS %s (%.2fs)" % (n, time.time() - t0), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s (%.2fs)\n%s" % (n, time.time() - t0, traceback.format_exc()), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
