#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of src/transport through transport_harness.

    test_transport.py --harness PATH [--vg-harness PATH] [unittest args]

Each test starts its own harness on a port the OS picks, drives it with
tests/e2e/wsclient.py, and stops it with SIGTERM; the harness must then
exit 0 (an ASan build turns leaks into a failing exit code).  The hook
calls the harness prints (OPEN/CLOSE/SECURITY/...) are collected and
asserted on.  Classes are run one per CTest entry (see CMakeLists.txt).
"""
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import wsclient  # noqa: E402

HARNESS = None
VG_HARNESS = None
CERTS = None


def certs():
    """The dev PKI, made once per run in a temp dir by certs/make-dev-certs.sh."""
    global CERTS
    if CERTS is None:
        d = tempfile.mkdtemp(prefix="ocppgw-certs-")
        script = os.path.join(HERE, "..", "..", "..", "certs", "make-dev-certs.sh")
        subprocess.run(["sh", script, d, "CP1", "CP2"], check=True,
                       stdout=subprocess.DEVNULL, timeout=120)
        CERTS = d
    return CERTS


class Harness:
    """One transport_harness process."""

    def __init__(self, *args, binary=None, wrapper=(), start_timeout=10.0):
        self.lines = []
        self.eof = False
        self.cv = threading.Condition()
        self.err = tempfile.TemporaryFile()
        cmd = list(wrapper) + [binary or HARNESS] + list(args)
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err,
                                  text=True)
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()
        line = self.wait_line(r"^LISTENING port=(\d+)", start_timeout)
        if not line:
            self.p.kill()
            self.p.wait()
            self.t.join(2)
            self.p.stdout.close()
            msg = self.stderr()
            self.err.close()
            raise RuntimeError("harness did not start: %s" % msg)
        self.port = int(line.split("=")[1])

    def _reader(self):
        for line in self.p.stdout:
            with self.cv:
                self.lines.append(line.rstrip("\n"))
                self.cv.notify_all()
        with self.cv:  # EOF: wake wait_line() so a dead harness is seen now
            self.eof = True
            self.cv.notify_all()

    def wait_line(self, pattern, timeout=5.0):
        """First output line matching pattern (regex), waiting up to timeout."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        with self.cv:
            while True:
                for l in self.lines:
                    if rx.search(l):
                        return l
                left = end - time.time()
                if left <= 0 or self.eof:
                    return None
                self.cv.wait(left)

    def count(self, pattern):
        rx = re.compile(pattern)
        with self.cv:
            return sum(1 for l in self.lines if rx.search(l))

    def wait_count(self, pattern, n, timeout=5.0):
        """Lines matching pattern once there are at least n (or timeout):
        the harness prints a hook line before the client sees the answer,
        but our reader thread may not have read it yet."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        with self.cv:
            while True:
                c = sum(1 for l in self.lines if rx.search(l))
                left = end - time.time()
                if c >= n or left <= 0:
                    return c
                self.cv.wait(left)

    def url(self, ident, scheme="ws", prefix="/ocpp"):
        return "%s://127.0.0.1:%d%s/%s" % (scheme, self.port, prefix, ident)

    def stderr(self):
        if self.err.closed:
            return self.errtext
        self.err.seek(0)
        return self.err.read().decode(errors="replace")

    def alive(self):
        return self.p.poll() is None

    def stop(self, timeout=30.0):
        """SIGTERM, wait, return the exit code."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.t.join(2)
        self.p.stdout.close()
        self.errtext = self.stderr()
        self.err.close()
        return rc


def one_write(ws, send):
    """Run send() (calls of ws.send_*) but put everything it sends on the
    wire in one write, so the server reads the frames together."""
    class Collect:
        def __init__(self):
            self.parts = []

        def sendall(self, data):
            self.parts.append(data)

    real, ws.sock = ws.sock, Collect()
    try:
        send()
        data = b"".join(ws.sock.parts)
    finally:
        ws.sock = real
    real.sendall(data)


class Base(unittest.TestCase):
    harness_args = ()

    def start(self, *extra, **kw):
        h = Harness(*(tuple(self.harness_args) + extra), **kw)
        self.harnesses.append(h)
        return h

    def setUp(self):
        self.harnesses = []

    def tearDown(self):
        for h in self.harnesses:
            rc = h.stop()
            if rc != 0:
                self.fail("harness exit %d:\n%s" % (rc, h.stderr()[-4000:]))

    def refused(self, url, status, **kw):
        with self.assertRaises(wsclient.HandshakeRefused) as cm:
            wsclient.connect(url, **kw)
        self.assertEqual(cm.exception.status, status)
        return cm.exception

    def echo(self, ws, text="ping?"):
        ws.send_text(text)
        self.assertEqual(ws.recv_text(timeout=5), text)


# ---------------------------------------------------------------- profile 1
class Handshake(Base):
    harness_args = ("--pile", "CP1:secret-CP1-0123", "--pile", "CP2:secret-CP2-0123")

    def test_subprotocol_client_order(self):
        h = self.start()
        for offer, want in ((["ocpp2.0.1", "ocpp1.6"], "ocpp2.0.1"),
                            (["ocpp1.6", "ocpp2.0.1"], "ocpp1.6"),
                            (["foo", "ocpp1.6"], "ocpp1.6")):
            ws = wsclient.connect(h.url("CP1"), offer, basic=("CP1", "secret-CP1-0123"))
            self.assertEqual(ws.subprotocol, want)
            self.echo(ws)
            ws.close()
        self.assertIsNotNone(h.wait_line(r"^OPEN CP1 v=2"))
        self.assertIsNotNone(h.wait_line(r"^OPEN CP1 v=1"))

    def test_no_subprotocol_is_completed_then_closed(self):
        h = self.start()
        ws = wsclient.connect(h.url("CP1"), [], basic=("CP1", "secret-CP1-0123"))
        self.assertIsNone(ws.subprotocol)
        code, _ = ws.wait_close(5)
        self.assertEqual(code, 1002)
        self.assertEqual(h.count(r"^OPEN"), 0)  # never treated as 1.6

    def test_unknown_subprotocol_refused(self):
        h = self.start()
        self.refused(h.url("CP1"), 400, subprotocols=["ocpp1.5", "mqtt"],
                     basic=("CP1", "secret-CP1-0123"))
        self.refused(h.url("CP1"), 400, subprotocols=["ocppgw-no-subprotocol"],
                     basic=("CP1", "secret-CP1-0123"))

    def test_unknown_identity_404(self):
        h = self.start()
        self.refused(h.url("NOPE"), 404, subprotocols=["ocpp1.6"], basic=("NOPE", "x" * 16))
        self.assertIsNotNone(h.wait_line(r"^SECURITY NOPE unknown_identity"))

    def test_identity_rules(self):
        h = self.start("--auto-register", "--require-password", "0")
        ok = ["A" * 48, "CP-1_x.y*z=|@", "%43P%39"]  # last one: percent-encoded "CP9"
        for ident in ok:
            ws = wsclient.connect(h.url("x"), ["ocpp1.6"], path_raw="/ocpp/" + ident)
            ws.close()
        self.assertIsNotNone(h.wait_line(r"^OPEN CP9 "))
        bad = ["A" * 49, "CP%3A1", "CP:1", "CP%2F1", "CP%01", "CP%7F", "", "CP%C0%AF",
               "CP%5C1"]
        for ident in bad:
            self.refused(h.url("x"), 400, subprotocols=["ocpp1.6"], path_raw="/ocpp/" + ident)
        self.refused(h.url("x"), 404, subprotocols=["ocpp1.6"], path_raw="/other/CP1")
        self.refused(h.url("x"), 404, subprotocols=["ocpp1.6"], path_raw="/ocppCP1")
        # '+' survives lws turning it into ' '
        ws = wsclient.connect(h.url("x"), ["ocpp1.6"], path_raw="/ocpp/CP+7")
        ws.close()
        self.assertIsNotNone(h.wait_line(r"^OPEN CP\+7 "))

    def test_auto_register(self):
        h = self.start("--auto-register", "--require-password", "0")
        ws = wsclient.connect(h.url("NEW1"), ["ocpp1.6"])
        self.echo(ws)
        ws.close()
        self.assertIsNotNone(h.wait_line(r"^REGISTER NEW1"))
        self.assertIn("auto-registered", h.stderr())

    def test_slow_handshake_dropped(self):
        h = self.start("--handshake", "2")
        s = socket.create_connection(("127.0.0.1", h.port), timeout=10)
        s.sendall(b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\n")  # never finished
        t0 = time.time()
        try:
            data = s.recv(100)
        except (ConnectionResetError, socket.timeout):
            data = b"timeout"
        s.close()
        self.assertEqual(data, b"")
        self.assertLess(time.time() - t0, 6)

    def test_plain_http_refused(self):
        h = self.start()
        out = wsclient.raw_request("127.0.0.1", h.port,
                                   b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:40])


class BasicAuth(Base):
    key16 = "hex:00112233003a44556677889900aabbccddeeff00"  # NUL and ':' inside
    harness_args = ("--pile", "CP1:secret-CP1-0123",
                    "--pile", "K16:" + key16,
                    "--pile", "ROT:old-password-0001:0:new-password-0002",
                    "--pile", "NOPW", "--pile", "P2ONLY:secret-P2-000001:2")

    def test_good_and_wrong(self):
        h = self.start()
        ws = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))
        self.echo(ws)
        ws.close()
        e = self.refused(h.url("CP1"), 401, subprotocols=["ocpp1.6"], basic=("CP1", "wrong"))
        self.assertEqual(e.headers.get("www-authenticate"), 'Basic realm="ocpp"')
        self.refused(h.url("CP1"), 401, subprotocols=["ocpp1.6"],
                     basic=("CP2", "secret-CP1-0123"))
        self.refused(h.url("CP1"), 401, subprotocols=["ocpp1.6"])
        self.refused(h.url("CP1"), 401, subprotocols=["ocpp1.6"],
                     headers={"Authorization": "Basic !!notbase64"})
        self.assertGreaterEqual(h.wait_count(r"^SECURITY CP1 auth_failed", 4), 4)
        self.assertNotIn("secret-CP1", h.stderr())  # never logged

    def test_binary_key_with_nul(self):
        h = self.start()
        key = bytes.fromhex(self.key16[4:])
        ws = wsclient.connect(h.url("K16"), ["ocpp1.6"], basic=("K16", key))
        self.echo(ws)
        ws.close()
        # the same key cut at its first NUL must not pass
        self.refused(h.url("K16"), 401, subprotocols=["ocpp1.6"],
                     basic=("K16", key[:key.index(b"\0")]))

    def test_pending_password_rotation(self):
        h = self.start()
        ws = wsclient.connect(h.url("ROT"), ["ocpp1.6"], basic=("ROT", "old-password-0001"))
        ws.close()
        self.assertEqual(h.count(r"^PENDING_USED"), 0)
        ws = wsclient.connect(h.url("ROT"), ["ocpp1.6"], basic=("ROT", "new-password-0002"))
        ws.close()
        self.assertIsNotNone(h.wait_line(r"^PENDING_USED ROT"))
        # the harness promoted it: the old one is gone (A01.FR.03)
        self.refused(h.url("ROT"), 401, subprotocols=["ocpp1.6"],
                     basic=("ROT", "old-password-0001"))

    def test_require_password(self):
        h = self.start()
        self.refused(h.url("NOPW"), 401, subprotocols=["ocpp1.6"], basic=("NOPW", "anything"))
        h2 = self.start("--require-password", "0")
        wsclient.connect(h2.url("NOPW"), ["ocpp1.6"]).close()

    def test_min_profile(self):
        h = self.start()
        self.refused(h.url("P2ONLY"), 403, subprotocols=["ocpp1.6"],
                     basic=("P2ONLY", "secret-P2-000001"))
        self.assertIsNotNone(h.wait_line(r"^SECURITY P2ONLY profile_too_low"))

    def test_rate_limit(self):
        h = self.start("--fail-limit", "3")
        for _ in range(3):
            self.refused(h.url("CP1"), 401, subprotocols=["ocpp1.6"], basic=("CP1", "bad"))
        self.refused(h.url("CP1"), 429, subprotocols=["ocpp1.6"],
                     basic=("CP1", "secret-CP1-0123"))
        self.assertIsNotNone(h.wait_line(r"^SECURITY CP1 auth_rate_limited"))
        # other identities are not affected
        self.refused(h.url("K16"), 401, subprotocols=["ocpp1.6"], basic=("K16", "bad"))


class Sessions(Base):
    harness_args = ("--pile", "CP1:secret-CP1-0123", "--pile", "CP2:secret-CP2-0123")

    def test_replacement(self):
        h = self.start()
        a = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))
        self.echo(a)
        b = wsclient.connect(h.url("CP1"), ["ocpp2.0.1"], basic=("CP1", "secret-CP1-0123"))
        code, reason = a.wait_close(5)
        self.assertEqual((code, reason), (1000, "replaced"))
        self.echo(b)
        b.send_text("!count")
        self.assertEqual(b.recv_text(), "count 1")
        b.close()
        self.assertIsNotNone(h.wait_line(r"^CLOSE CP1", 5))
        time.sleep(0.3)
        with h.cv:
            seq = [l.split()[0] for l in h.lines if l.startswith(("OPEN", "CLOSE"))]
        self.assertEqual(seq, ["OPEN", "CLOSE", "OPEN", "CLOSE"])  # once each

    def test_unauthenticated_evicts_nobody(self):
        h = self.start()
        a = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))
        self.refused(h.url("CP1"), 401, subprotocols=["ocpp1.6"], basic=("CP1", "bad"))
        self.refused(h.url("CP1"), 401, subprotocols=["ocpp1.6"])
        self.echo(a)
        self.assertEqual(h.count(r"^CLOSE"), 0)
        a.close()

    def test_many_sessions(self):
        h = self.start()
        conns = [wsclient.connect(h.url("CP%d" % (i % 2 + 1)), ["ocpp1.6"],
                                  basic=("CP%d" % (i % 2 + 1), "secret-CP%d-0123" % (i % 2 + 1)))
                 for i in range(2)]
        for c in conns:
            self.echo(c)
        conns[0].send_text("!count")
        self.assertEqual(conns[0].recv_text(), "count 2")
        for c in conns:
            c.close()


class Listener(Base):
    """Our own listen socket (src/transport/listen.c): bound address and port,
    and accept pacing during a storm."""
    harness_args = ("--pile", "CP1:secret-CP1-0123")

    def test_any_address_dual_stack(self):
        h = self.start("--address", "::")
        ws = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))
        self.echo(ws)
        ws.close()
        try:
            s6 = socket.create_connection(("::1", h.port), timeout=3)
        except OSError:
            self.skipTest("no IPv6 loopback here")
        s6.close()

    def test_bad_address_refused(self):
        with self.assertRaises(RuntimeError):
            self.start("--address", "not-an-address.invalid")

    def test_port_in_use_refused(self):
        h = self.start()
        with self.assertRaises(RuntimeError):
            self.start("--port", str(h.port))

    def test_storm_is_paced_not_dropped(self):
        # more silent connections than the transport lets handshake at once
        # (HANDSHAKES_MAX 512): accepting pauses; the silent ones time out
        # (--handshake 2) and the pile behind them is served, not dropped
        h = self.start("--handshake", "2")
        silent = [socket.create_connection(("127.0.0.1", h.port), timeout=5)
                  for _ in range(600)]
        time.sleep(0.3)
        t0 = time.time()
        ws = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"),
                              timeout=10)
        self.echo(ws)
        ws.close()
        self.assertLess(time.time() - t0, 8)
        for s in silent:
            s.close()
        self.assertIn("accepting paused", h.stderr())


class Messages(Base):
    harness_args = ("--pile", "CP1:secret-CP1-0123", "--pile", "CP2:secret-CP2-0123",
                    "--max-msg", "1000", "--max-out", "5000")

    def conn(self, h):
        return wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))

    def test_fragments_reassembled(self):
        h = self.start()
        ws = self.conn(h)
        msg = "[2,\"1\",\"Heartbeat\",{}]" * 20
        ws.send_text(msg, fragments=7)
        self.assertEqual(ws.recv_text(), msg)
        ws.send_text("x" * 1000, fragments=3)  # exactly at the cap
        self.assertEqual(ws.recv_text(), "x" * 1000)
        ws.close()

    def test_too_big_1009(self):
        h = self.start()
        ws = self.conn(h)
        ws.send_text("x" * 1001)
        self.assertEqual(ws.wait_close(5)[0], 1009)
        ws = self.conn(h)
        ws.send_text("y" * 2400, fragments=4)  # each frame under, total over
        self.assertEqual(ws.wait_close(5)[0], 1009)
        ws = self.conn(h)  # announced 64-bit length, nothing sent after
        ws.sock.sendall(b"\x81\xff" + (1 << 40).to_bytes(8, "big") + b"abcd" + b"z" * 8192)
        self.assertEqual(ws.wait_close(5)[0], 1009)

    def test_frames_in_one_write(self):
        # lws reads several frames at once and may hand a one-chunk message
        # up from its read buffer: the bytes after it are the next frame's
        # and must reach lws untouched (a NUL written there made it 1002)
        h = self.start()
        ws = self.conn(h)
        one_write(ws, lambda: (ws.send_text("first"), ws.send_text("second"),
                               ws.send_text("third", fragments=2), ws.send_text("!count")))
        self.assertEqual([ws.recv_text() for _ in range(4)], ["first", "second", "third", "count 1"])
        ws.close()

    def test_messages_over_rx_chunks(self):
        # above the rx chunk (1 KiB) a message is assembled from several
        # RECEIVE calls, framed or fragmented, up to the cap exactly
        h = self.start("--max-msg", "65536", "--max-out", "300000")
        ws = self.conn(h)
        for text, frags in (("a" * 5000, 1), ("b" * 3000, 3), ("c" * 65536, 1),
                            ("d" * 65536, 9), ("e" * 1025, 1)):
            ws.send_text(text, fragments=frags)
            self.assertEqual(ws.recv_text(), text)
        one_write(ws, lambda: (ws.send_text("f" * 3000), ws.send_text("g" * 2000, fragments=2),
                               ws.send_text("h")))
        self.assertEqual([ws.recv_text() for _ in range(3)], ["f" * 3000, "g" * 2000, "h"])
        ws.send_text("i" * 65537, fragments=5)
        self.assertEqual(ws.wait_close(5)[0], 1009)
        self.assertTrue(h.alive())

    def test_bad_utf8_1007(self):
        h = self.start()
        ws = self.conn(h)
        ws.send_bytes_as_text(b"[2,\"1\",\"A\",{\"x\":\"\xc0\xaf\"}]")
        self.assertEqual(ws.wait_close(5)[0], 1007)
        ws = self.conn(h)
        ws.send_bytes_as_text(b"ok \xed\xa0\x80", fragments=2)  # surrogate
        self.assertEqual(ws.wait_close(5)[0], 1007)

    def test_binary_refused(self):
        h = self.start()
        ws = self.conn(h)
        ws.send_binary(b"\x00\x01")
        self.assertEqual(ws.wait_close(5)[0], 1003)

    def test_burst_batched(self):
        h = self.start()
        ws = self.conn(h)
        ws.send_text("!burst 50")
        got = [ws.recv_text() for _ in range(50)]
        self.assertEqual(got, ["burst %d" % i for i in range(50)])
        ws.close()

    def test_reply_from_before_sleep(self):
        h = self.start()
        ws = self.conn(h)
        ws.send_text("!later committed")
        self.assertEqual(ws.recv_text(), "committed")
        ws.close()

    def test_stop_with_open_sessions(self):
        h = self.start()
        a, b = self.conn(h), wsclient.connect(h.url("CP2"), ["ocpp1.6"],
                                              basic=("CP2", "secret-CP2-0123"))
        self.echo(a)
        self.echo(b)
        self.assertEqual(h.stop(), 0)  # ASan: nothing leaked
        self.assertEqual(h.count(r"^CLOSE CP1$"), 1)
        self.assertEqual(h.count(r"^CLOSE CP2$"), 1)
        a.close()
        b.close()

    def test_outbound_cap(self):
        h = self.start()
        ws = self.conn(h)
        ws.send_text("!big 6000")
        self.assertEqual(ws.wait_close(5)[0], 1008)

    def test_close_from_server(self):
        h = self.start()
        ws = self.conn(h)
        ws.send_text("!close")
        self.assertEqual(ws.wait_close(5), (1000, "bye"))
        self.assertIsNotNone(h.wait_line(r"^CLOSE CP1"))


class PingIdle(Base):
    harness_args = ("--pile", "CP1:secret-CP1-0123", "--ping", "1", "--idle", "3")

    def test_server_pings_and_hangs_up(self):
        h = self.start()
        ws = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))
        ev = ws.recv(timeout=4)
        self.assertEqual(ev[0], "ping")
        end, pings = time.time() + 4.5, 1  # longer than --idle: pongs keep it up
        while time.time() < end:
            try:
                ev = ws.recv(timeout=end - time.time())
            except socket.timeout:
                break
            self.assertEqual(ev[0], "ping")  # wsclient answers each with a pong
            pings += 1
        self.assertGreaterEqual(pings, 3)
        self.echo(ws)
        ws.close()
        # a peer that never answers pings is hung up on
        mute = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))
        t0 = time.time()
        mute.sock.settimeout(10)
        data = b""
        while True:
            try:
                chunk = mute.sock.recv(4096)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
        self.assertLess(time.time() - t0, 8)
        self.assertIn(b"\x89", data[:2])  # it was pinged first
        self.assertIsNotNone(h.wait_line(r"^CLOSE CP1", 2))

    def test_messages_are_proof_of_life(self):
        # a peer that talks but never answers a ping (recv() is what pongs,
        # and we do not call it) stays up well past --idle
        h = self.start()
        ws = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"))
        end = time.time() + 5.0
        n = 0
        while time.time() < end:
            ws.send_text("tick %d" % n)
            n += 1
            time.sleep(0.4)
        got = []
        while len(got) < n:
            ev = ws.recv(timeout=5)  # pings waiting in the socket are answered here
            if ev[0] == "text":
                got.append(ev[1])
            else:
                self.assertEqual(ev[0], "ping")
        self.assertEqual(got, ["tick %d" % i for i in range(n)])
        self.assertEqual(h.count(r"^CLOSE CP1"), 0)
        ws.close()


UPGRADE_FOO = [
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n",
    # keep-alive first, then the bad upgrade on the same connection (the UAF path)
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n",
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n" * 2,
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
    b"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
    b"GET / HTTP/1.0\r\nUpgrade: websocket\r\n\r\n",
    b"\x00\x01garbage\r\n\r\n",
]


def upgrade_foo_round(tc, h):
    for req in UPGRADE_FOO:
        wsclient.raw_request("127.0.0.1", h.port, req, timeout=2)
    # keep-alive request, pause, then the bad upgrade (separate reads)
    s = socket.create_connection(("127.0.0.1", h.port), timeout=3)
    try:
        s.sendall(UPGRADE_FOO[1].split(b"\r\n\r\n")[0] + b"\r\n\r\n")
        time.sleep(0.3)
        s.sendall(UPGRADE_FOO[0])
        time.sleep(0.3)
    except OSError:
        pass
    s.close()
    tc.assertTrue(h.alive())
    ws = wsclient.connect(h.url("CP1"), ["ocpp1.6"], basic=("CP1", "secret-CP1-0123"),
                          timeout=10)
    tc.echo(ws)
    ws.close()


class UpgradeFoo(Base):
    harness_args = ("--pile", "CP1:secret-CP1-0123")

    def test_survives(self):
        h = self.start()
        upgrade_foo_round(self, h)


class UpgradeFooValgrind(Base):
    harness_args = ("--pile", "CP1:secret-CP1-0123")

    def test_no_invalid_read(self):
        if not shutil.which("valgrind"):
            self.skipTest("valgrind not installed")
        if not VG_HARNESS:
            self.skipTest("no non-sanitized harness")
        log = tempfile.NamedTemporaryFile(suffix=".vg", delete=False).name
        h = self.start(binary=VG_HARNESS, start_timeout=60,
                       wrapper=("valgrind", "--error-exitcode=99", "--log-file=" + log))
        upgrade_foo_round(self, h)
        rc = h.stop(60)
        self.harnesses.remove(h)
        with open(log) as f:
            text = f.read()
        os.unlink(log)
        self.assertNotIn("Invalid read", text, text[-3000:])
        self.assertIn("ERROR SUMMARY: 0 errors", text, text[-3000:])
        self.assertEqual(rc, 0)


# ---------------------------------------------------------------- TLS
def s_client(port, *args):
    """openssl s_client's output for one handshake (empty stdin)."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
                        "-CAfile", os.path.join(certs(), "ca.pem")] + list(args),
                       input=b"", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=15)
    return p.stdout.decode(errors="replace")


class TlsProfile2(Base):
    def server_args(self):
        c = certs()
        return ("--profile", "2", "--pile", "CP1:secret-CP1-0123",
                "--cert", os.path.join(c, "server-rsa-chain.pem"),
                "--key", os.path.join(c, "server-rsa.key"),
                "--ecdsa-cert", os.path.join(c, "server-ecdsa-chain.pem"),
                "--ecdsa-key", os.path.join(c, "server-ecdsa.key"))

    def test_wss_with_dev_ca(self):
        h = self.start(*self.server_args())
        ctx = wsclient.tls_context(ca=os.path.join(certs(), "ca.pem"))
        ws = wsclient.connect(h.url("CP1", "wss"), ["ocpp1.6"], tls=ctx,
                              basic=("CP1", "secret-CP1-0123"))
        self.echo(ws)
        self.assertIn(ws.sock.version(), ("TLSv1.2", "TLSv1.3"))
        ws.close()
        self.refused(h.url("CP1", "wss"), 401, subprotocols=["ocpp1.6"], tls=ctx,
                     basic=("CP1", "nope"))

    def test_old_tls_refused(self):
        h = self.start(*self.server_args())
        for v in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
            try:
                ctx = wsclient.tls_context(min_version=v, max_version=v)
            except (ValueError, ssl.SSLError):
                continue
            with self.assertRaises((wsclient.HandshakeRefused, ssl.SSLError, OSError)):
                wsclient.connect(h.url("CP1", "wss"), ["ocpp1.6"], tls=ctx,
                                 basic=("CP1", "secret-CP1-0123"))
        out = s_client(h.port, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")
        self.assertIn("Cipher is (NONE)", out)
        self.assertIn("alert protocol version", out)

    def test_rsa_and_ecdsa_negotiable(self):
        h = self.start(*self.server_args())
        rsa = s_client(h.port, "-tls1_2", "-sigalgs", "RSA+SHA256:RSA-PSS+SHA256")
        self.assertIn("Server public key is 2048 bit", rsa)
        ec = s_client(h.port, "-tls1_2", "-sigalgs", "ECDSA+SHA256")
        self.assertIn("Server public key is 256 bit", ec)
        for cipher, keybits in (("ECDHE-ECDSA-AES128-GCM-SHA256", 256),
                                ("ECDHE-ECDSA-AES256-GCM-SHA384", 256),
                                ("AES128-GCM-SHA256", 2048), ("AES256-GCM-SHA384", 2048)):
            out = s_client(h.port, "-tls1_2", "-cipher", cipher)
            self.assertIn("Cipher is %s" % cipher, out, out[-800:])
            self.assertIn("Server public key is %d bit" % keybits, out)
        self.assertNotIn("Compression: zlib", rsa)


class TlsProfile3(Base):
    def server_args(self, *extra):
        c = certs()
        return ("--profile", "3", "--pile", "CP1", "--operator", "ocppgw dev CPO",
                "--cert", os.path.join(c, "server-rsa-chain.pem"),
                "--key", os.path.join(c, "server-rsa.key"),
                "--ca", os.path.join(c, "ca.pem")) + extra

    def ctx(self, name):
        c = certs()
        return wsclient.tls_context(ca=os.path.join(c, "ca.pem"),
                                    cert=os.path.join(c, name + ".pem"),
                                    key=os.path.join(c, name + ".key"))

    def test_good_cert(self):
        h = self.start(*self.server_args())
        ws = wsclient.connect(h.url("CP1", "wss"), ["ocpp2.0.1"], tls=self.ctx("pile-CP1"))
        self.echo(ws)
        ws.close()
        self.assertIsNotNone(h.wait_line(r"^OPEN CP1 v=2 profile=3"))

    def test_bad_certs_refused(self):
        h = self.start(*self.server_args())
        for name in ("pile-expired", "pile-selfsigned", "pile-foreign", "pile-wrongcn",
                     "pile-wrongo"):
            with self.assertRaises((wsclient.HandshakeRefused, ssl.SSLError, OSError),
                                   msg=name) as cm:
                wsclient.connect(h.url("CP1", "wss"), ["ocpp1.6"], tls=self.ctx(name))
            if isinstance(cm.exception, wsclient.HandshakeRefused) and cm.exception.status:
                self.assertEqual(cm.exception.status, 403, name)
        # no certificate at all
        ctx = wsclient.tls_context(ca=os.path.join(certs(), "ca.pem"))
        with self.assertRaises((wsclient.HandshakeRefused, ssl.SSLError, OSError)):
            wsclient.connect(h.url("CP1", "wss"), ["ocpp1.6"], tls=ctx)
        self.assertEqual(h.count(r"^OPEN"), 0)
        self.assertGreaterEqual(h.wait_count(r"^SECURITY .* bad_client_cert", 5), 5)


def main():
    global HARNESS, VG_HARNESS
    args = sys.argv[1:]
    if "--harness" in args:
        i = args.index("--harness")
        HARNESS = args[i + 1]
        del args[i:i + 2]
    if "--vg-harness" in args:
        i = args.index("--vg-harness")
        VG_HARNESS = args[i + 1]
        del args[i:i + 2]
    if not HARNESS:
        sys.exit("usage: test_transport.py --harness PATH [--vg-harness PATH] [tests]")
    try:
        unittest.main(argv=[sys.argv[0]] + args, verbosity=2)
    finally:
        if CERTS:
            shutil.rmtree(CERTS, ignore_errors=True)


if __name__ == "__main__":
    main()
