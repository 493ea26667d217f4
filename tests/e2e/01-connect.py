#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""01-connect: piles of both versions connect, boot and heartbeat; the
boot state gates other calls; a reconnect is not a boot; subprotocol and
identity refusals."""
import wsclient
from gwtest import Gateway, Pile, run, CallError


def test_boot_and_heartbeat_16(t):
    with Gateway() as gw:
        p = gw.pile("CP16", "1.6")
        res = p.call("Heartbeat", {})
        assert "currentTime" in res
        rows = gw.query("SELECT * FROM piles WHERE identity = ?", "CP16")
        assert len(rows) == 1
        p.close()


def test_boot_and_heartbeat_201(t):
    with Gateway() as gw:
        p = Pile(gw, "CS201", "2.0.1")
        res = p.boot()
        assert res["interval"] == 300
        assert "currentTime" in p.call("Heartbeat", {})
        p.close()


def test_security_error_before_boot_201(t):
    with Gateway() as gw:
        p = gw.pile("CS-NOBOOT", "2.0.1", boot=False)
        p.expect_error("Heartbeat", {}, "SecurityError")
        p.boot()
        p.call("Heartbeat", {})
        p.close()


def test_reconnect_is_not_a_boot_201(t):
    with Gateway() as gw:
        p = gw.pile("CS-RECON", "2.0.1")
        p.close()
        q = gw.pile("CS-RECON", "2.0.1", boot=False)
        q.call("Heartbeat", {})
        q.close()


def test_pending_registration_held(t):
    extra = 'piles = ( { identity = "CP-PEND"; status = "Pending"; } );'
    with Gateway(ocpp={"auto_register": False}, extra=extra) as gw:
        p = gw.pile("CP-PEND", "1.6", boot=False)
        res = p.call("BootNotification", {"chargePointVendor": "v", "chargePointModel": "m"})
        assert res["status"] == "Pending", res
        assert res["interval"] == 30, res
        p.close()


def test_unknown_identity_404(t):
    with Gateway(ocpp={"auto_register": False}) as gw:
        try:
            wsclient.connect(gw.url("NOBODY"), subprotocols=["ocpp1.6"])
            raise AssertionError("connected")
        except wsclient.HandshakeRefused as e:
            assert e.status == 404, e.status


def test_subprotocol_choice_and_refusal(t):
    with Gateway() as gw:
        ws = wsclient.connect(gw.url("CP-SUB"), subprotocols=["ocpp2.0.1", "ocpp1.6"])
        assert ws.subprotocol == "ocpp2.0.1"
        ws.close()
        ws = wsclient.connect(gw.url("CP-SUB"), subprotocols=["ocpp1.5", "ocpp1.6"])
        assert ws.subprotocol == "ocpp1.6"
        ws.close()
        for offer in ([], ["ocpp1.2"]):
            try:
                ws = wsclient.connect(gw.url("CP-SUB2"), subprotocols=offer)
                # completing the handshake without the header then closing is allowed too
                assert ws.subprotocol is None
                ws.wait_close(timeout=3)
            except (wsclient.HandshakeRefused, wsclient.WsClosed, EOFError):
                pass


run(globals())
