#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""wsclient - a small WebSocket client for ocppgw's end-to-end tests.

Python 3 standard library only (no pip).  It speaks just enough RFC 6455 to
drive the gateway the way a charge point would, and to misbehave on purpose:

    import wsclient
    ws = wsclient.connect("ws://127.0.0.1:9000/ocpp/CP1",
                          subprotocols=["ocpp1.6"], basic=("CP1", b"secret"))
    ws.subprotocol                      # "ocpp1.6" (None if the server sent none)
    ws.send_text('[2,"1","Heartbeat",{}]')
    ws.recv_text()                      # '[3,"1",{...}]'
    ws.close()

Refused handshakes raise HandshakeRefused with .status (401, 404, ...;
None if the server hung up without an HTTP answer) and .headers.  A close
from the server shows up as ("close", code, reason) from recv(), or as
WsClosed from recv_text().  Every blocking call takes a timeout (seconds)
and raises socket.timeout / TimeoutError when it expires.

Abuse helpers: send_text(..., fragments=N) splits a message into N frames,
send_bytes_as_text() sends arbitrary bytes with the text opcode (bad UTF-8),
send_frame() sends any opcode/payload/fin, raw_request() writes raw bytes
(e.g. an `Upgrade: foo` request) and returns whatever comes back.
"""

import base64
import hashlib
import os
import socket
import ssl
import struct
import time
import urllib.parse

__all__ = ["connect", "raw_request", "tls_context", "WsConn", "WsError",
           "HandshakeRefused", "WsClosed"]

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


class WsError(Exception):
    """Base class of this module's errors."""


class HandshakeRefused(WsError):
    """The server did not answer 101.  status is the HTTP status (None if
    the connection closed without a status line), headers a dict with
    lower-case names, body the bytes that followed the headers."""

    def __init__(self, status, headers=None, body=b""):
        super().__init__("handshake refused: %s" % status)
        self.status = status
        self.headers = headers or {}
        self.body = body


class WsClosed(WsError):
    """The connection closed.  code is the WebSocket close code (None if the
    TCP connection ended without a close frame), reason its text."""

    def __init__(self, code, reason=""):
        super().__init__("closed: %s %s" % (code, reason))
        self.code = code
        self.reason = reason


def tls_context(ca=None, cert=None, key=None, min_version=None,
                max_version=None, ciphers=None, check_hostname=True):
    """An ssl.SSLContext for wss:// — ca: CA file to trust (None = no
    verification), cert/key: client certificate (profile 3),
    min_version/max_version: ssl.TLSVersion values, ciphers: OpenSSL list."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca:
        ctx.load_verify_locations(ca)
        ctx.check_hostname = check_hostname
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(cert, key)
    if min_version is not None:
        if min_version < ssl.TLSVersion.TLSv1_2:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = min_version
    if max_version is not None:
        ctx.maximum_version = max_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    return ctx


def _open_socket(host, port, tls, timeout, server_hostname=None):
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(timeout)
    if tls is not None:
        sock = tls.wrap_socket(sock, server_hostname=server_hostname or host)
    return sock


def _read_head(sock, limit=65536):
    """Read until the end of the HTTP head; return (head, rest)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        try:
            chunk = sock.recv(4096)
        except (ConnectionResetError, ssl.SSLError):
            chunk = b""
        if not chunk:
            return buf, None
        buf += chunk
        if len(buf) > limit:
            raise WsError("HTTP head too long")
    head, _, rest = buf.partition(b"\r\n\r\n")
    return head, rest


def _parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


def connect(url, subprotocols=(), headers=None, basic=None, tls=None,
            timeout=5.0, origin=None, path_raw=None):
    """Open a WebSocket.

    url: ws://host:port/path or wss://...; subprotocols: list offered in
    order (empty: no Sec-WebSocket-Protocol header); headers: extra headers
    (dict or list of pairs); basic: (user, password) with password as
    bytes or str, encoded exactly as given (NUL allowed); tls: an
    SSLContext for wss (default: tls_context() without verification);
    path_raw: send this request target instead of the url's path
    (already percent-encoded as you want it on the wire).
    Returns a WsConn; raises HandshakeRefused if the answer is not 101."""
    u = urllib.parse.urlsplit(url)
    secure = u.scheme == "wss"
    port = u.port or (443 if secure else 80)
    if secure and tls is None:
        tls = tls_context()
    sock = _open_socket(u.hostname, port, tls if secure else None, timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    target = path_raw or (u.path or "/") + ("?" + u.query if u.query else "")
    lines = ["GET %s HTTP/1.1" % target,
             "Host: %s:%d" % (u.hostname, port),
             "Upgrade: websocket",
             "Connection: Upgrade",
             "Sec-WebSocket-Key: %s" % key,
             "Sec-WebSocket-Version: 13"]
    if subprotocols:
        lines.append("Sec-WebSocket-Protocol: %s" % ", ".join(subprotocols))
    if origin:
        lines.append("Origin: %s" % origin)
    if basic is not None:
        user, pw = basic
        if isinstance(user, str):
            user = user.encode()
        if isinstance(pw, str):
            pw = pw.encode()
        lines.append("Authorization: Basic %s" %
                     base64.b64encode(user + b":" + pw).decode())
    for k, v in (headers.items() if isinstance(headers, dict) else headers or []):
        lines.append("%s: %s" % (k, v))
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head, rest = _read_head(sock)
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
        sock.close()
        raise HandshakeRefused(None)
    if rest is None:
        sock.close()
        raise HandshakeRefused(None)
    status, hdrs = _parse_head(head)
    if status != 101:
        sock.close()
        raise HandshakeRefused(status, hdrs, rest)
    want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    if hdrs.get("sec-websocket-accept") != want:
        sock.close()
        raise WsError("bad Sec-WebSocket-Accept")
    return WsConn(sock, hdrs, rest, timeout)


class WsConn:
    """One client connection.  Attributes: subprotocol (str or None),
    headers (the 101 response headers), sock."""

    def __init__(self, sock, headers, pending, timeout):
        self.sock = sock
        self.headers = headers
        self.subprotocol = headers.get("sec-websocket-protocol")
        self._buf = pending or b""
        self._timeout = timeout
        self.closed = False

    # ---- sending ----
    def send_frame(self, opcode, payload=b"", fin=True, mask=True, rsv=0):
        """Send one frame exactly as told (client frames are masked)."""
        if isinstance(payload, str):
            payload = payload.encode()
        b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
        n = len(payload)
        mbit = 0x80 if mask else 0
        if n < 126:
            hdr = struct.pack("!BB", b0, mbit | n)
        elif n < 65536:
            hdr = struct.pack("!BBH", b0, mbit | 126, n)
        else:
            hdr = struct.pack("!BBQ", b0, mbit | 127, n)
        if mask:
            mk = os.urandom(4)
            payload = bytes(b ^ mk[i & 3] for i, b in enumerate(payload)) \
                if n < 4096 else _mask_fast(payload, mk)
            hdr += mk
        self.sock.sendall(hdr + payload)

    def send_text(self, text, fragments=1):
        """Send a text message (str or bytes), split into `fragments`
        frames (first TEXT, then CONTINUATION) when > 1."""
        data = text.encode() if isinstance(text, str) else text
        self.send_bytes_as_text(data, fragments)

    def send_bytes_as_text(self, data, fragments=1):
        """Send arbitrary bytes with the text opcode (e.g. invalid UTF-8)."""
        fragments = max(1, min(fragments, max(1, len(data))))
        step = -(-len(data) // fragments) if data else 0
        chunks = [data[i:i + step] for i in range(0, len(data), step)] if data else [b""]
        for i, c in enumerate(chunks):
            self.send_frame(OP_TEXT if i == 0 else OP_CONT, c,
                            fin=(i == len(chunks) - 1))

    def send_binary(self, data):
        self.send_frame(OP_BINARY, data)

    def send_ping(self, payload=b""):
        self.send_frame(OP_PING, payload)

    def close(self, code=1000, reason="", wait=1.0):
        """Send a close frame, wait up to `wait` s for the server's, close
        the socket.  Never raises."""
        if self.closed:
            return
        try:
            if not self.closed:
                self.send_frame(OP_CLOSE, struct.pack("!H", code) + reason.encode())
                end = time.time() + wait
                while time.time() < end and not self.closed:
                    ev = self.recv(timeout=max(0.01, end - time.time()))
                    if ev[0] == "close":
                        break
        except Exception:
            pass
        self.closed = True
        try:
            self.sock.close()
        except Exception:
            pass

    # ---- receiving ----
    def _fill(self, n, deadline):
        while len(self._buf) < n:
            left = deadline - time.time()
            if left <= 0:
                raise socket.timeout("recv timed out")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                chunk = b""
            if not chunk:
                raise EOFError()
            self._buf += chunk

    def _take(self, n, deadline):
        self._fill(n, deadline)
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _frame(self, deadline):
        b0, b1 = self._take(2, deadline)
        fin, op, n = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._take(2, deadline))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._take(8, deadline))[0]
        mk = self._take(4, deadline) if b1 & 0x80 else None
        payload = self._take(n, deadline)
        if mk:
            payload = _mask_fast(payload, mk)
        return bool(fin), op, payload

    def recv(self, timeout=None):
        """Next event: ("text", str), ("binary", bytes), ("ping", bytes),
        ("pong", bytes) or ("close", code, reason).  A TCP end without a
        close frame is ("close", None, "").  Pings are reported, and
        answered with a pong automatically."""
        deadline = time.time() + (self._timeout if timeout is None else timeout)
        parts, first_op = [], None
        while True:
            try:
                fin, op, payload = self._frame(deadline)
            except EOFError:
                self._finish()
                return ("close", None, "")
            if op == OP_PING:
                try:
                    self.send_frame(OP_PONG, payload)
                except OSError:
                    pass
                return ("ping", payload)
            if op == OP_PONG:
                return ("pong", payload)
            if op == OP_CLOSE:
                self.closed = True
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                reason = payload[2:].decode("utf-8", "replace")
                try:
                    self.send_frame(OP_CLOSE, payload[:2])
                except OSError:
                    pass
                self._finish()
                return ("close", code, reason)
            if op in (OP_TEXT, OP_BINARY):
                first_op, parts = op, [payload]
            elif op == OP_CONT:
                parts.append(payload)
            if fin:
                data = b"".join(parts)
                if first_op == OP_TEXT:
                    return ("text", data.decode("utf-8"))
                return ("binary", data)

    def _finish(self):
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass

    def recv_text(self, timeout=None):
        """Next text message, skipping pings/pongs; raises WsClosed on close."""
        deadline = time.time() + (self._timeout if timeout is None else timeout)
        while True:
            ev = self.recv(timeout=max(0.0, deadline - time.time()))
            if ev[0] == "text":
                return ev[1]
            if ev[0] == "close":
                raise WsClosed(ev[1], ev[2])

    def wait_close(self, timeout=None):
        """Read until the connection closes; return (code, reason) —
        code None if the TCP connection ended without a close frame."""
        deadline = time.time() + (self._timeout if timeout is None else timeout)
        while True:
            ev = self.recv(timeout=max(0.0, deadline - time.time()))
            if ev[0] == "close":
                return ev[1], ev[2]


def _mask_fast(data, mk):
    n = len(data)
    m = (mk * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(m, "big")).to_bytes(n, "big") \
        if n else b""


def raw_request(host, port, data, timeout=3.0, tls=None, read_all=True):
    """Write raw bytes to host:port (wrapped in TLS if tls is an
    SSLContext) and return what the server sends back until it closes or
    the timeout passes (b"" if nothing).  For malformed requests such as
    `Upgrade: foo`."""
    sock = _open_socket(host, port, tls, timeout)
    out = b""
    try:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the server may answer and hang up before reading it all
        end = time.time() + timeout
        while time.time() < end:
            sock.settimeout(max(0.01, end - time.time()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except (ConnectionResetError, ssl.SSLError):
                break
            if not chunk:
                break
            out += chunk
            if not read_all and b"\r\n\r\n" in out:
                break
    finally:
        sock.close()
    return out
