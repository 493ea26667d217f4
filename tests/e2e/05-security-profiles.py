#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""05-security-profiles: the real gateway on listeners of security profiles
1 (Basic auth), 2 (TLS + Basic) and 3 (mutual TLS), PROTOCOL.md 1.3.

Profile 1: passwords set with `ocppgw set-password` (1.6 hex keys with NUL
and ':' bytes too), 401 with a Basic challenge for every bad credential,
the per-identity failure limit (429 even with the right password), no
eviction of a live session by an unauthenticated request, replacement by
an authenticated one.  Profile 2: the dev CA verifies the server for both
names, TLS 1.1 is refused, the RSA and the ECDSA chain and the four OCPP
suites negotiate, plain ws:// on the TLS port fails.  Profile 3: the good
client certificate passes; expired, self-signed, foreign-CA, wrong-CN,
wrong-O, missing and borrowed certificates do not; a pile registered at
profile 3 is refused on profile 1 and 2 listeners (A00.FR.001/002).  Finally the NN-2025-0102
request (`Upgrade: foo`, PROTOCOL.md 3.2) against the whole gateway, under
valgrind when a non-sanitized binary is at hand.
"""
import base64
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse

import gwtest
import wsclient
from gwtest import Gateway, Pile, run

CERTS = os.path.join(gwtest.SRC, "certs", "dev")
OPERATOR = "ocppgw dev CPO"
PW1 = "CP1-password-0123456789"
PW2 = "CP2-password-9876543210"
# a 1.6 AuthorizationKey: 20 random-looking octets holding 0x00 and ':'
HEX_KEY = "11223300443a55667788990011aabbccddeeff10"
SUBPROTO = ["ocpp1.6"]
AUTH_ERRORS = (wsclient.HandshakeRefused, wsclient.WsError, ssl.SSLError, OSError, EOFError)


def ensure_certs():
    if not os.path.exists(os.path.join(CERTS, "pile-wrongo.pem")):
        subprocess.run([os.path.join(gwtest.SRC, "certs", "make-dev-certs.sh")], check=True,
                       stdout=subprocess.DEVNULL, timeout=120)


def cert(name):
    return os.path.join(CERTS, name)


def set_password(gw, identity, secret, hex_key=False):
    """`ocppgw -c CONF set-password ID [--hex]` with the secret on stdin,
    before the gateway runs (the config must exist)."""
    args = [gwtest.BIN, "-c", gw.config_path, "set-password", identity]
    if hex_key:
        args.append("--hex")
    p = subprocess.run(args, input=(secret + "\n").encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    err = p.stderr.decode(errors="replace")
    assert p.returncode == 0, "set-password %s: %s %s" % (identity, p.returncode, err)
    assert secret not in err, "set-password echoed the secret"


def refused(url, status=None, **kw):
    """Assert the handshake fails; status: the HTTP status expected
    (None = any refusal, HTTP or TLS).  Returns the exception."""
    kw.setdefault("subprotocols", SUBPROTO)
    kw.setdefault("timeout", 5)
    try:
        ws = wsclient.connect(url, **kw)
    except AUTH_ERRORS as e:
        if status is not None:
            assert isinstance(e, wsclient.HandshakeRefused) and e.status == status, \
                "expected HTTP %s, got %r (%s)" % (status, e, getattr(e, "status", "-"))
        return e
    # TLS 1.3: a refused client certificate may only show on the first read
    try:
        ev = ws.recv(timeout=3)
    except AUTH_ERRORS as e:
        assert status is None, "expected HTTP %s, got %r" % (status, e)
        return e
    ws.close()
    raise AssertionError("connected, expected a refusal (%s); then got %r" % (status, ev))


def expect_401(url, **kw):
    e = refused(url, 401, **kw)
    assert e.headers.get("www-authenticate", "").lower().startswith("basic"), e.headers
    return e


def heartbeat(ws):
    ws.send_text('[2,"hb","Heartbeat",{}]')
    msg = ws.recv_text(timeout=5)
    assert msg.startswith('[3,"hb",'), msg


def security_events(gw, identity, want=None, wait=3.0):
    """The gateway's own security events stored for a pile (A00.FR.323/408).
    They commit with the loop turn that refused the handshake, which may
    be just after the client read the refusal: poll for `want`."""
    end = time.time() + wait
    while True:
        ev = [r["status"] for r in gw.query(
            "SELECT status FROM pile_reports WHERE pile = ? AND kind = 'CentralSystemSecurityEvent'"
            " ORDER BY id", identity)]
        if want is None or want in ev or time.time() > end:
            return ev
        time.sleep(0.05)


# ---------------------------------------------------------------- profile 1
def p1_gateway(**ocpp):
    o = {"auto_register": False, "require_password": True}
    o.update(ocpp)
    gw = Gateway(ocpp=o, extra='piles = ( { identity = "NOPW"; } );')
    gw.write_config()
    return gw


def test_p1_basic_auth(t):
    gw = p1_gateway()
    set_password(gw, "CP1", PW1)
    set_password(gw, "CP2", PW2)
    with gw:
        rows = gw.query("SELECT pw_hash, pw_salt, pw_iter FROM piles WHERE identity = 'CP1'")
        assert len(rows[0]["pw_hash"]) == 32 and len(rows[0]["pw_salt"]) == 16, rows
        for f in os.listdir(gw.tmp):  # only the salted hash, in the file and its WAL
            if f.startswith("gw.db"):
                with open(os.path.join(gw.tmp, f), "rb") as fh:
                    assert PW1.encode() not in fh.read(), f
        p = gw.pile("CP1", "1.6", password=PW1)                      # good password
        assert p.call("Heartbeat", {})["currentTime"]
        url = gw.url("CP1")
        expect_401(url, basic=("CP1", PW1 + "x"))                    # wrong password
        expect_401(url, basic=("CP1", PW1[:-1]))                     # a prefix of it
        expect_401(url, basic=("CP2", PW2))                          # user != identity
        expect_401(url, basic=("CP2", PW1))
        expect_401(url)                                              # no Authorization
        expect_401(url, headers={"Authorization": "Basic !!notbase64"})
        expect_401(url, headers={"Authorization": "Bearer " + PW1})
        refused(gw.url("NOBODY"), 404, basic=("NOBODY", PW1))      # unknown identity
        expect_401(gw.url("NOPW"), basic=("NOPW", PW1))             # registered, no password
        assert "auth_failed" in security_events(gw, "CP1", "auth_failed")
        assert PW1 not in gw.log() and PW1[:-1] not in gw.log()     # A01.FR.09
        q = Pile(gw, "CP2", "2.0.1", password=PW2)                   # 2.0.1 pile, same rules
        q.boot()
        p.call("Heartbeat", {})                                      # CP1 unaffected
        p.close()
        q.close()


def test_p1_hex_key_with_nul(t):
    gw = p1_gateway()
    set_password(gw, "CPHEX", HEX_KEY, hex_key=True)
    key = bytes.fromhex(HEX_KEY)
    assert b"\x00" in key and b":" in key
    with gw:
        p = gw.pile("CPHEX", "1.6", password=key)                    # raw octets
        p.call("Heartbeat", {})
        url = gw.url("CPHEX")
        expect_401(url, basic=("CPHEX", HEX_KEY))                    # the hex text is not it
        expect_401(url, basic=("CPHEX", key[:key.index(b"\x00")]))   # cut at the NUL
        expect_401(url, basic=("CPHEX", key[:-1] + b"\x11"))         # last octet wrong
        p.call("Heartbeat", {})
        p.close()


def test_p1_set_password_rejects_bad_input(t):
    gw = p1_gateway()
    for secret, hexk in (("short", False), ("abc", True), ("zz" * 16, True)):
        p = subprocess.run([gwtest.BIN, "-c", gw.config_path, "set-password", "CPBAD"] +
                           (["--hex"] if hexk else []), input=(secret + "\n").encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        assert p.returncode != 0, (secret, hexk)
    assert not os.path.exists(gw.db_path) or not gw.query(
        "SELECT 1 FROM piles WHERE identity = 'CPBAD'")


def test_p1_rate_limit(t):
    limit = 3
    gw = p1_gateway(auth_fail_limit=limit)
    set_password(gw, "CP1", PW1)
    set_password(gw, "CP2", PW2)
    with gw:
        url = gw.url("CP1")
        for _ in range(limit):
            expect_401(url, basic=("CP1", "wrong-password-0000"))
        # over the limit: refused before the password is even looked at
        for pw in (PW1, "wrong-password-0000", None):
            refused(url, 429, basic=("CP1", pw) if pw else None)
        assert "auth_rate_limited" in security_events(gw, "CP1", "auth_rate_limited")
        # another identity is not affected
        q = gw.pile("CP2", "1.6", password=PW2)
        q.call("Heartbeat", {})
        q.close()
        # The window is WINDOW_MS = 60 s, fixed in src/transport/ratelimit.c:
        # too long for this file's budget; the unit tests move the clock.
        if os.environ.get("OCPPGW_E2E_SLOW"):
            time.sleep(61)
            gw.pile("CP1", "1.6", password=PW1).close()
        else:
            print("  (window expiry not waited for: set OCPPGW_E2E_SLOW=1 to wait 61 s)")


def test_p1_unauthenticated_does_not_evict(t):
    gw = p1_gateway()
    set_password(gw, "CP1", PW1)
    with gw:
        p = gw.pile("CP1", "1.6", password=PW1)
        url = gw.url("CP1")
        expect_401(url, basic=("CP1", "not-the-password-00"))
        expect_401(url)
        expect_401(url, basic=("CP2", PW1))
        # the raw request of an unauthenticated upgrade, nothing more
        out = wsclient.raw_request(
            "127.0.0.1", gw.ports["plain"],
            b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n", timeout=2, read_all=False)
        assert re.match(rb"HTTP/1\.[01] 401 ", out), out[:100]  # lws answers 1.0 here
        assert p.call("Heartbeat", {})["currentTime"]                # still the live session
        # an authenticated newcomer replaces it; the old one hears a close
        q = Pile(gw, "CP1", "1.6", password=PW1)
        code, reason = p.ws.wait_close(timeout=5)
        assert (code, reason) == (1000, "replaced"), (code, reason)
        q.call("Heartbeat", {})
        q.close()


# ---------------------------------------------------------------- profile 2
def p2_listener(name="tls"):
    return {"name": name, "security_profile": 2,
            "tls_cert": cert("server-rsa-chain.pem"), "tls_key": cert("server-rsa.key"),
            "tls_ecdsa_cert": cert("server-ecdsa-chain.pem"),
            "tls_ecdsa_key": cert("server-ecdsa.key")}


def s_client(port, *args):
    """openssl s_client's output for one handshake (empty stdin, bounded)."""
    try:
        p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
                            "-CAfile", cert("ca.pem")] + list(args), input=b"",
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=15)
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode(errors="replace") + "\n(timeout)"
    return p.stdout.decode(errors="replace")


def p2_gateway():
    ensure_certs()
    gw = Gateway(listeners=[p2_listener()], ocpp={"auto_register": False,
                                                  "require_password": True})
    gw.write_config()
    set_password(gw, "CP1", PW1)
    return gw


def test_p2_wss_verifies_server(t):
    with p2_gateway() as gw:
        port = gw.ports["tls"]
        ctx = wsclient.tls_context(ca=cert("ca.pem"))
        for host in ("localhost", "127.0.0.1"):
            url = "wss://%s:%d/ocpp/CP1" % (host, port)
            ws = wsclient.connect(url, SUBPROTO, tls=ctx, basic=("CP1", PW1))
            assert ws.sock.version() in ("TLSv1.2", "TLSv1.3"), ws.sock.version()
            heartbeat(ws)  # a 1.6 Heartbeat needs no boot first
            ws.close()
        p = Pile(gw, "CP1", "2.0.1", password=PW1, tls=ctx)
        p.boot()
        p.close()
        # Basic auth still applies under TLS
        expect_401(gw.url("CP1"), tls=ctx, basic=("CP1", "wrong-password-0000"))
        expect_401(gw.url("CP1"), tls=ctx)
        # a client trusting another CA does not accept our server
        foreign = wsclient.tls_context(ca=cert("foreign-ca.pem"))
        try:
            wsclient.connect(gw.url("CP1"), SUBPROTO, tls=foreign, basic=("CP1", PW1))
            raise AssertionError("server verified against a foreign CA")
        except ssl.SSLCertVerificationError:
            pass


def test_p2_old_tls_and_plain_ws_refused(t):
    with p2_gateway() as gw:
        port = gw.ports["tls"]
        for v in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
            try:
                ctx = wsclient.tls_context(min_version=v, max_version=v)
            except (ValueError, ssl.SSLError):
                continue  # this Python/OpenSSL cannot even offer it
            refused(gw.url("CP1"), None, tls=ctx, basic=("CP1", PW1))
        out = s_client(port, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")
        assert "Cipher is (NONE)" in out or "no protocols available" in out, out[-1500:]
        # a client whose ceiling is TLS 1.1 (offers 1.0 and 1.1)
        ctx = wsclient.tls_context(max_version=ssl.TLSVersion.TLSv1_1,
                                   min_version=ssl.TLSVersion.TLSv1)
        refused(gw.url("CP1"), None, tls=ctx, basic=("CP1", PW1))
        # plain ws:// to the TLS port
        e = refused("ws://127.0.0.1:%d/ocpp/CP1" % port, None, basic=("CP1", PW1))
        assert getattr(e, "status", None) in (None, 400), e
        # and the gateway is fine afterwards
        ws = wsclient.connect(gw.url("CP1"), SUBPROTO, tls=wsclient.tls_context(ca=cert("ca.pem")),
                              basic=("CP1", PW1))
        heartbeat(ws)
        ws.close()


def test_p2_rsa_ecdsa_and_ocpp_suites(t):
    with p2_gateway() as gw:
        port = gw.ports["tls"]
        rsa = s_client(port, "-tls1_2", "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256")
        assert "Server public key is 2048 bit" in rsa, rsa[-1500:]
        assert "Verify return code: 0 (ok)" in rsa, rsa[-1500:]
        ec = s_client(port, "-tls1_2", "-sigalgs", "ECDSA+SHA256")
        assert "Server public key is 256 bit" in ec, ec[-1500:]
        assert "Verify return code: 0 (ok)" in ec, ec[-1500:]
        for out in (rsa, ec):
            assert "Compression: NONE" in out, out[-1500:]  # A00.FR.320
        for cipher, bits in (("ECDHE-ECDSA-AES128-GCM-SHA256", 256),
                             ("ECDHE-ECDSA-AES256-GCM-SHA384", 256),
                             ("AES128-GCM-SHA256", 2048), ("AES256-GCM-SHA384", 2048)):
            out = s_client(port, "-tls1_2", "-cipher", cipher)
            assert "Cipher is %s" % cipher in out, (cipher, out[-1500:])
            assert "Server public key is %d bit" % bits in out, (cipher, out[-1500:])
            # and a real OCPP session over that exact suite
            ctx = wsclient.tls_context(ca=cert("ca.pem"), ciphers=cipher,
                                       max_version=ssl.TLSVersion.TLSv1_2)
            ws = wsclient.connect(gw.url("CP1"), SUBPROTO, tls=ctx, basic=("CP1", PW1))
            assert ws.sock.cipher()[0] == cipher, ws.sock.cipher()
            heartbeat(ws)
            ws.close()
        # outside the list: the legacy CBC suite (1.6 allows it for TLS < 1.2
        # only, which is refused anyway) and a suite without encryption
        for cipher in ("AES128-SHA", "NULL-SHA256:@SECLEVEL=0"):
            out = s_client(port, "-tls1_2", "-cipher", cipher)
            assert "Cipher is (NONE)" in out, (cipher, out[-1500:])


# ---------------------------------------------------------------- profile 3
def p3_listener(name="mtls"):
    return {"name": name, "security_profile": 3, "tls_cert": cert("server-rsa-chain.pem"),
            "tls_key": cert("server-rsa.key"), "tls_ca": cert("ca.pem")}


def client_ctx(name, ca="ca.pem"):
    return wsclient.tls_context(ca=cert(ca), cert=cert(name + ".pem"), key=cert(name + ".key"))


def p3_gateway(operator=OPERATOR):
    ensure_certs()
    o = {"auto_register": False, "require_password": True}
    if operator is not None:
        o["operator_name"] = operator
    return Gateway(listeners=[p3_listener()], ocpp=o,
                   extra='piles = ( { identity = "CP1"; }, { identity = "CP2"; } );')


def test_p3_client_certificates(t):
    with p3_gateway() as gw:
        p = Pile(gw, "CP1", "2.0.1", tls=client_ctx("pile-CP1"))    # no password needed
        p.boot()
        url = gw.url("CP1")
        # A chain that does not verify ends in the TLS handshake (the verify
        # callback honours OpenSSL's verdict, PROTOCOL.md 3.2), never
        # reaching HTTP; a good chain with the wrong names gets a 403.
        no_cert = wsclient.tls_context(ca=cert("ca.pem"))
        for bad in (client_ctx("pile-expired"), client_ctx("pile-selfsigned"),
                    client_ctx("pile-foreign"), no_cert):
            e = refused(url, None, tls=bad)
            assert getattr(e, "status", None) is None, e
        refused(url, None, tls=no_cert, basic=("CP1", PW1))          # Basic is no substitute
        refused(url, 403, tls=client_ctx("pile-wrongcn"))           # CN=CP999
        refused(url, 403, tls=client_ctx("pile-wrongo"))            # O="Someone Else"
        # CP1's certificate for identity CP2: a valid cert, the wrong pile
        refused(gw.url("CP2"), 403, tls=client_ctx("pile-CP1"))
        q = Pile(gw, "CP2", "1.6", tls=client_ctx("pile-CP2"))
        q.boot()
        p.call("Heartbeat", {})                                      # CP1 still served
        ev = security_events(gw, "CP2", "bad_client_cert")
        assert "bad_client_cert" in ev, ev                           # A00.FR.408
        log = gw.log()
        for what in ("certificate has expired", "self-signed", "CN 'CP999'",
                     "O does not contain"):
            assert what in log or what.lower() in log.lower(), "no security log for " + what
        p.close()
        q.close()


def test_p3_wrong_o_only_matters_with_operator_name(t):
    with p3_gateway(operator=None) as gw:
        # no operator_name configured: O is not checked, the same cert passes
        p = Pile(gw, "CP1", "1.6", tls=client_ctx("pile-wrongo"))
        p.boot()
        p.close()


def test_p3_pile_minimum_profile(t):
    """A00.FR.001/002: a pile is never served below its registered profile."""
    ensure_certs()
    gw = Gateway(listeners=[{"name": "plain", "security_profile": 1}, p2_listener("tls"),
                            p3_listener("mtls")],
                 ocpp={"auto_register": False, "require_password": True,
                       "operator_name": OPERATOR},
                 extra='piles = ( { identity = "CP2"; security_profile = 3; },'
                       ' { identity = "CPMIN2"; security_profile = 2; } );')
    gw.write_config()
    set_password(gw, "CP1", PW1)
    set_password(gw, "CP2", PW2)  # Basic would pass: the profile must refuse
    set_password(gw, "CPMIN2", PW2)
    with gw:
        assert gw.query("SELECT min_profile FROM piles WHERE identity = 'CP2'")[0][
            "min_profile"] == 3
        ca = wsclient.tls_context(ca=cert("ca.pem"))
        refused(gw.url("CP2", "plain"), 403, basic=("CP2", PW2))
        refused(gw.url("CP2", "tls"), 403, tls=ca, basic=("CP2", PW2))
        assert "profile_too_low" in security_events(gw, "CP2", "profile_too_low")
        refused(gw.url("CPMIN2", "plain"), 403, basic=("CPMIN2", PW2))
        p = Pile(gw, "CP2", "1.6", listener="mtls", tls=client_ctx("pile-CP2"))
        p.boot()
        m = Pile(gw, "CPMIN2", "2.0.1", listener="tls", tls=ca, password=PW2)
        m.boot()
        for lst, tls in (("plain", None), ("tls", ca)):  # no minimum: any profile
            q = Pile(gw, "CP1", "1.6", listener=lst, tls=tls, password=PW1)
            q.boot()
            q.close()
        p.close()
        m.close()


def test_listener_decides_not_host_or_sni(t):
    """A00.FR.001/006: the listener that accepted a connection sets its
    profile.  The OCPP vhosts share lws's "no listener" port, and lws 4.1.6
    re-binds a request to the vhost its Host header (or TLS SNI) names among
    them; the transport must ignore that."""
    ensure_certs()
    gw = Gateway(listeners=[{"name": "plain", "security_profile": 1}, p2_listener("tls"),
                            p3_listener("mtls")],
                 ocpp={"auto_register": False, "require_password": True,
                       "operator_name": OPERATOR})
    gw.write_config()
    set_password(gw, "CP1", PW1)
    with gw:
        # plain listener, Host naming the mTLS one: served as profile 1
        u = urllib.parse.urlsplit(gw.url("CP1", "plain"))
        s = socket.create_connection((u.hostname, u.port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        auth = base64.b64encode(("CP1:" + PW1).encode()).decode()
        s.sendall(("GET %s HTTP/1.1\r\nHost: mtls\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n"
                   "Authorization: Basic %s\r\n\r\n" % (u.path, key, auth)).encode())
        head = s.recv(4096)
        s.close()
        assert head.startswith(b"HTTP/1.1 101"), head[:80]
        # mTLS listener, SNI naming the profile 2 listener, no client cert:
        # still refused (no switch to the other listener's SSL_CTX)
        u = urllib.parse.urlsplit(gw.url("CP1", "mtls"))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ok, how = False, "?"
        try:
            raw = socket.create_connection((u.hostname, u.port), timeout=5)
            ts = ctx.wrap_socket(raw, server_hostname="tls")
            ts.sendall(("GET %s HTTP/1.1\r\nHost: tls\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n"
                        "Authorization: Basic %s\r\n\r\n" % (u.path, key, auth)).encode())
            head = ts.recv(4096)
            ok, how = head.startswith(b"HTTP/1.1 101"), head[:12]
            ts.close()
        except (ssl.SSLError, OSError) as e:
            how = repr(e)
        print("  mtls listener, SNI 'tls', no client cert: %s" % how)
        assert not ok, "profile 3 listener served a connection without a client certificate"
        assert "profile 1" in gw.log()


# ---------------------------------------------------------------- NN-2025-0102
UPGRADE_FOO = [
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n",
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n",
    b"GET /ocpp/CP1 HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n" * 2,
]


def upgrade_foo_round(gw):
    port = gw.ports[gw.listeners[0]["name"]]
    for req in UPGRADE_FOO:
        out = wsclient.raw_request("127.0.0.1", port, req, timeout=3)
        assert not out.startswith(b"HTTP/1.1 101"), out[:200]
    s = socket.create_connection(("127.0.0.1", port), timeout=3)  # split across reads
    try:
        s.sendall(UPGRADE_FOO[1].split(b"\r\n\r\n")[0] + b"\r\n\r\n")
        time.sleep(0.3)
        s.sendall(UPGRADE_FOO[0])
        time.sleep(0.3)
    except OSError:
        pass
    s.close()
    assert gw.proc.poll() is None, "gateway died:\n" + gw.log()[-3000:]
    p = gw.pile("CP1", "1.6")
    p.call("Heartbeat", {})
    p.close()


def test_upgrade_foo_survives(t):
    with Gateway() as gw:
        upgrade_foo_round(gw)


def _is_asan(path):
    try:
        with open(path, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return True


def _valgrind_binary():
    """A non-sanitized ocppgw, or (None, why)."""
    cands = [os.environ.get("OCPPGW_VG_BIN"), gwtest.BIN,
             os.path.join(gwtest.SRC, "build", "src", "ocppgw")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK) and not _is_asan(c):
            return c, None
    return None, "no non-ASan ocppgw (OCPPGW_VG_BIN, OCPPGW_BIN, build/src/ocppgw)"


class VgGateway(Gateway):
    """The gateway under valgrind (start copied from gwtest with a wrapper)."""

    def __init__(self, binary, **kw):
        super().__init__(**kw)
        self.binary = binary
        self.vglog = os.path.join(self.tmp, "valgrind.log")

    def start(self, timeout=90.0):
        if not hasattr(self, "config_path"):
            self.write_config()
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(["valgrind", "--error-exitcode=99", "--log-file=" + self.vglog,
                                      self.binary, "-c", self.config_path],
                                     stdout=subprocess.PIPE, stderr=self.stderr, cwd=self.tmp)
        end = time.time() + timeout
        while len(self.ports) < len(self.listeners):
            line = self.proc.stdout.readline().decode()
            if not line or time.time() > end:
                self.kill9()
                raise AssertionError("gateway did not start under valgrind:\n" + self.log())
            m = re.match(r"LISTENING name=(\S+) port=(\d+)", line)
            if m:
                self.ports[m.group(1)] = int(m.group(2))
        return self

    def stop_rc(self, timeout=60):
        self.proc.send_signal(15)
        rc = self.proc.wait(timeout)
        self.proc.stdout.close()
        self.stderr.close()
        self.proc = None
        return rc


def test_upgrade_foo_valgrind(t):
    if not shutil.which("valgrind"):
        print("  SKIP: valgrind not installed")
        return
    binary, why = _valgrind_binary()
    if not binary:
        print("  SKIP: " + why)
        return
    gw = VgGateway(binary)
    gw.start()
    try:
        upgrade_foo_round(gw)
        rc = gw.stop_rc()
    except Exception:
        gw.kill9()
        raise
    with open(gw.vglog) as f:
        text = f.read()
    assert "Invalid read" not in text and "Invalid write" not in text, text[-4000:]
    assert "ERROR SUMMARY: 0 errors" in text, text[-4000:]
    assert rc == 0, (rc, text[-2000:])


run(globals())
