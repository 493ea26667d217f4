#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""14-running-cost: the running cost of a 1.6 session (issue 4, "1.6 piles
that accept it get the running cost through DataTransfer only if
configured").

With orders.cost_datatransfer_vendor set, the sweep sends the charging 1.6
pile DataTransfer {vendorId, messageId "RunningCost", data}: data is a
string in 1.6 (DataTransfer.req), here JSON text
{"transactionId":N,"totalCost":"0.33","currency":"EUR"}.  With the setting
empty (the default) the pile gets nothing, as before.

The tariff is energy only (0.30 EUR/kWh) so the running cost is checkable
by hand: the pile reported 1100 Wh since meterStart -> 0.33 EUR.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwtest import Gateway, iso, run  # noqa: E402
from payloads import server_calls, wait_until  # noqa: E402

TARIFF = """tariffs = ( { id = "default"; currency = "EUR"; minor_exp = 2;
  periods = ( { start = "00:00"; energy_per_kwh = "0.3000"; } ); } );
"""


def orders(vendor):
    return TARIFF + ('orders: { sweep_interval_s = 1; cost_update_interval_s = 1; '
                     'cost_datatransfer_vendor = "%s"; };\n' % vendor)


def charge(gw, ident):
    """A 1.6 session charging since a minute ago with 1100 Wh so far."""
    p = gw.pile(ident, "1.6", answers={"DataTransfer": {"status": "Accepted"}})
    t0 = (int(time.time()) - 60) * 1000
    p.call("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging",
                                  "timestamp": iso(t0 / 1000)})
    res = p.call("StartTransaction", {"connectorId": 1, "idTag": "TAG-14", "meterStart": 5000,
                                      "timestamp": iso(t0 / 1000)})
    tx = res["transactionId"]
    for k, wh in ((1, 5550), (2, 6100)):
        p.call("MeterValues", {"connectorId": 1, "transactionId": tx, "meterValue": [{
            "timestamp": iso((t0 + k * 20000) / 1000), "sampledValue": [{
                "value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh",
                "context": "Sample.Periodic"}]}]})
    return p, tx


def test_datatransfer_when_configured(t):
    with Gateway(t, extra=orders("com.example")) as gw:
        p, tx = charge(gw, "CP14A")
        dts = wait_until("a RunningCost DataTransfer", lambda: server_calls(p, "DataTransfer"),
                         timeout=10, pile=p)
        dt = dts[0]
        assert dt["vendorId"] == "com.example", dt
        assert dt["messageId"] == "RunningCost", dt
        assert isinstance(dt["data"], str), dt
        data = json.loads(dt["data"])
        assert data == {"transactionId": tx, "totalCost": "0.33", "currency": "EUR"}, data
        # again after the interval while still charging
        wait_until("a second DataTransfer", lambda: len(server_calls(p, "DataTransfer")) >= 2,
                   timeout=10, pile=p)
        # a stopped session gets no more
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 6100, "timestamp": iso(),
                                   "reason": "Local"})
        p.pump(0.5)
        n = len(server_calls(p, "DataTransfer"))
        p.pump(2.5)
        assert len(server_calls(p, "DataTransfer")) == n, server_calls(p, "DataTransfer")
        p.close()


def test_nothing_when_not_configured(t):
    with Gateway(t, extra=orders("")) as gw:
        p, tx = charge(gw, "CP14B")
        p.pump(4.0)
        assert server_calls(p, "DataTransfer") == [], server_calls(p, "DataTransfer")
        # the order is charging: the sweep would have sent it
        rows = gw.query("SELECT state FROM orders")
        assert [r["state"] for r in rows] == ["charging"], rows
        p.close()


if __name__ == "__main__":
    run(globals())
