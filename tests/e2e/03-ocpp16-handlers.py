#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""03-ocpp16-handlers: every OCPP 1.6 pile->central-system handler over a
real socket - the exact CALLRESULT the pile gets and the rows the gateway
keeps (piles, connectors + history, id tokens, transactions, meter samples,
pile reports, device vars, frames, commands).  Each test starts its own
gateway; tokens are seeded through the config as an operator would."""
import json
import time

from gwtest import assert_every_handler_tested, Gateway, run
from payloads import (BOOT16, OPERATOR, CsrFactory, assert_now, iso_ms, ms, server_calls,
                      sv16, wait_until, whole_second_ms)

TOKENS = ('id_tokens = ('
          ' { id = "04A1B2C3D4"; },'
          ' { id = "TAG-BLOCKED"; status = "Blocked"; },'
          ' { id = "TAG-INVALID"; status = "Invalid"; },'
          ' { id = "TAG-OLD"; expiry = "2020-01-01T00:00:00Z"; },'
          ' { id = "TAG-KID"; group = "FLEET-7"; expiry = "2099-12-31T23:59:59Z"; },'
          ' { id = "TAG-LONGGROUP"; group = "GROUP-NAME-LONGER-THAN-20"; }'
          ');')


def strict_gw(**kw):
    """A gateway that checks tokens (accept_all_tokens = false)."""
    ocpp = {"accept_all_tokens": False}
    ocpp.update(kw.pop("ocpp", {}))
    return Gateway(ocpp=ocpp, extra=TOKENS + kw.pop("extra", ""), **kw)


def reports(gw, pile, kind=None):
    sql = "SELECT kind, status, detail, pile_ms FROM pile_reports WHERE pile = ?"
    args = [pile]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    return gw.query(sql + " ORDER BY id", *args)


def tx_rows(gw, pile):
    return gw.query("SELECT * FROM transactions WHERE pile = ? ORDER BY id", pile)


def start(p, connector=1, tag="TAG1", meter=1000, at_ms=None, **extra):
    body = {"connectorId": connector, "idTag": tag, "meterStart": meter,
            "timestamp": iso_ms(at_ms if at_ms is not None else whole_second_ms())}
    body.update(extra)
    return p.call("StartTransaction", body)


# ------------------------------------------------------------------ BootNotification, Heartbeat

def test_boot_stores_identity_card(t):
    with Gateway(ocpp={"heartbeat_interval_s": 120}) as gw:
        p = gw.pile("CP-BOOT", "1.6", boot=False)
        before = int(time.time() * 1000)
        res = p.call("BootNotification", BOOT16)
        assert set(res) == {"status", "currentTime", "interval"}, res
        assert res["status"] == "Accepted" and res["interval"] == 120, res
        assert_now(res["currentTime"])
        row = gw.query("SELECT * FROM piles WHERE identity = 'CP-BOOT'")[0]
        want = {"vendor": "Alfen BV", "model": "NG920-61001", "serial": "ACE0123456",
                "firmware": "5.8.1-4123", "iccid": "89314404000012345678",
                "imsi": "204080123456789", "meter_type": "Eastron SDM630",
                "meter_serial": "SDM-0042-77", "reg_status": "Accepted"}
        assert {k: row[k] for k in want} == want, row
        assert row["last_boot_ms"] >= before - 1000, row
        # the deprecated chargeBoxSerialNumber is the serial only when it is alone
        p.call("BootNotification", {"chargePointVendor": "Alfen BV", "chargePointModel": "NG9",
                                    "chargeBoxSerialNumber": "CB-ONLY-1"})
        row = gw.query("SELECT serial, firmware FROM piles WHERE identity = 'CP-BOOT'")[0]
        assert row == {"serial": "CB-ONLY-1", "firmware": ""}, row
        # both frames are logged, in then out, with the message id
        fr = gw.query("SELECT direction, msg_type, action, payload FROM frames"
                      " WHERE pile = 'CP-BOOT' AND msg_id = 'm1' ORDER BY seq")
        assert [(f["direction"], f["msg_type"]) for f in fr] == [("in", 2), ("out", 3)], fr
        assert json.loads(fr[0]["payload"])[3] == BOOT16, fr[0]
        assert json.loads(fr[1]["payload"])[2] == res, fr[1]
        p.close()


def test_boot_pushes_detector_configuration(t):
    words = {"MeterValueSampleInterval": "Accepted", "MeterValuesSampledData": "Rejected",
             "ClockAlignedDataInterval": "RebootRequired",
             "StopTransactionOnEVSideDisconnect": "NotSupported"}
    answers = {"ChangeConfiguration": lambda req: {"status": words[req["key"]]}}
    with Gateway(ocpp={"push_config_on_boot": True}) as gw:
        p = gw.pile("CP-PUSH", "1.6", answers=answers)
        wait_until("4 ChangeConfiguration", lambda: len(p.server_calls) >= 4, pile=p)
        p.pump(0.3)  # nothing else follows
        assert [(a, x) for a, x in p.server_calls] == [
            ("ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": "60"}),
            ("ChangeConfiguration", {"key": "MeterValuesSampledData", "value":
                                     "Energy.Active.Import.Register,Power.Active.Import,"
                                     "Current.Import"}),
            ("ChangeConfiguration", {"key": "ClockAlignedDataInterval", "value": "900"}),
            ("ChangeConfiguration", {"key": "StopTransactionOnEVSideDisconnect",
                                     "value": "true"}),
        ], p.server_calls

        def vars_():
            return gw.query("SELECT component, variable, attribute, value, evse_id, connector_id"
                            " FROM device_vars WHERE pile = 'CP-PUSH'"
                            " ORDER BY component, variable, attribute")
        rows = wait_until("push answers recorded", lambda: len(vars_()) == 9 and vars_())
        got = {(r["component"], r["variable"], r["attribute"]): r["value"] for r in rows}
        assert got == {
            ("", "MeterValueSampleInterval", "Target"): "60",
            ("", "MeterValueSampleInterval", "Actual"): "60",
            ("", "MeterValuesSampledData", "Target"):
                "Energy.Active.Import.Register,Power.Active.Import,Current.Import",
            ("", "ClockAlignedDataInterval", "Target"): "900",
            ("", "StopTransactionOnEVSideDisconnect", "Target"): "true",
            ("OcppgwConfigPush", "MeterValueSampleInterval", "Actual"): "Accepted",
            ("OcppgwConfigPush", "MeterValuesSampledData", "Actual"): "Rejected",
            ("OcppgwConfigPush", "ClockAlignedDataInterval", "Actual"): "RebootRequired",
            ("OcppgwConfigPush", "StopTransactionOnEVSideDisconnect", "Actual"): "NotSupported",
        }, got  # "Actual" only where the pile said Accepted (RebootRequired applies later)
        # a 1.6 key has no EVSE: -1 / -1 throughout
        assert all(r["evse_id"] == -1 and r["connector_id"] == -1 for r in rows), rows
        cmds = gw.query("SELECT msg_id, action, payload, outcome, answer FROM commands"
                        " WHERE pile = 'CP-PUSH' ORDER BY id")
        assert [c["action"] for c in cmds] == ["ChangeConfiguration"] * 4, cmds
        assert [c["outcome"] for c in cmds] == ["ACCEPTED", "REJECTED", "ACCEPTED", "REJECTED"], cmds
        assert [json.loads(c["answer"])["status"] for c in cmds] == list(words.values()), cmds
        assert [json.loads(c["payload"])[3]["key"] for c in cmds] == list(words), cmds
        # each command is in the frame log both ways under its message id
        for c in cmds:
            fr = gw.query("SELECT direction, msg_type FROM frames WHERE pile = 'CP-PUSH'"
                          " AND msg_id = ? ORDER BY seq", c["msg_id"])
            assert [(f["direction"], f["msg_type"]) for f in fr] == [("out", 2), ("in", 3)], fr
        p.close()


def test_no_push_when_disabled(t):
    with Gateway(ocpp={"push_config_on_boot": False}) as gw:
        p = gw.pile("CP-NOPUSH", "1.6")
        p.pump(0.3)
        assert p.server_calls == [], p.server_calls
        assert gw.query("SELECT count(*) AS n FROM commands")[0]["n"] == 0
        p.close()


def test_heartbeat(t):
    with Gateway() as gw:
        p = gw.pile("CP-HB", "1.6")
        before = gw.query("SELECT last_seen_ms FROM piles WHERE identity = 'CP-HB'")[0]
        time.sleep(0.02)
        res = p.call("Heartbeat", {})
        assert list(res) == ["currentTime"], res
        assert_now(res["currentTime"])
        after = gw.query("SELECT last_seen_ms FROM piles WHERE identity = 'CP-HB'")[0]
        assert after["last_seen_ms"] > before["last_seen_ms"], (before, after)
        assert abs(after["last_seen_ms"] - time.time() * 1000) < 5000, after
        p.close()


# ------------------------------------------------------------------ Authorize

def test_authorize_dev_mode_accepts_anything(t):
    with Gateway(ocpp={"accept_all_tokens": True}) as gw:
        p = gw.pile("CP-AUTH-DEV", "1.6")
        assert p.call("Authorize", {"idTag": "ANY-TAG-AT-ALL"}) == {"idTagInfo": {"status": "Accepted"}}
        p.close()


def test_authorize_statuses(t):
    with strict_gw() as gw:
        seeded = gw.query("SELECT id, status, expiry_ms, group_id FROM id_tokens ORDER BY id")
        assert {r["id"]: (r["status"], r["expiry_ms"], r["group_id"]) for r in seeded} == {
            "04A1B2C3D4": ("Accepted", 0, ""),
            "TAG-BLOCKED": ("Blocked", 0, ""),
            "TAG-INVALID": ("Invalid", 0, ""),
            "TAG-OLD": ("Accepted", ms("2020-01-01T00:00:00Z"), ""),
            "TAG-KID": ("Accepted", ms("2099-12-31T23:59:59Z"), "FLEET-7"),
            "TAG-LONGGROUP": ("Accepted", 0, "GROUP-NAME-LONGER-THAN-20"),
        }, seeded
        p = gw.pile("CP-AUTH", "1.6")
        cases = [
            ("04A1B2C3D4", {"status": "Accepted"}),
            ("TAG-BLOCKED", {"status": "Blocked"}),
            ("TAG-INVALID", {"status": "Invalid"}),
            ("TAG-OLD", {"status": "Expired", "expiryDate": "2020-01-01T00:00:00.000Z"}),
            ("NOBODY-KNOWS", {"status": "Invalid"}),
            ("TAG-KID", {"status": "Accepted", "expiryDate": "2099-12-31T23:59:59.000Z",
                         "parentIdTag": "FLEET-7"}),
            # a group too long for 1.6's 20-character parentIdTag is left out
            ("TAG-LONGGROUP", {"status": "Accepted"}),
        ]
        for tag, info in cases:
            res = p.call("Authorize", {"idTag": tag})
            assert res == {"idTagInfo": info}, (tag, res)
        # Authorize changes nothing in the store
        assert gw.query("SELECT count(*) AS n FROM transactions")[0]["n"] == 0
        p.close()


def test_authorize_idtag_is_case_insensitive(t):
    # 1.6 IdToken is a CiString20Type: "It is a case insensitive string"
    # (spec 7.28), and RFID readers differ in the case of their hex digits.
    with strict_gw() as gw:
        p = gw.pile("CP-CASE", "1.6")
        res = p.call("Authorize", {"idTag": "04a1b2c3d4"})
        assert res == {"idTagInfo": {"status": "Accepted"}}, res
        p.close()


# ------------------------------------------------------------------ StartTransaction

def test_start_transaction_row_and_answer(t):
    with Gateway() as gw:
        p = gw.pile("CP-START", "1.6")
        at = whole_second_ms()
        before = int(time.time() * 1000)
        res = start(p, connector=2, tag="TAG1", meter=12345, at_ms=at, reservationId=77)
        assert set(res) == {"transactionId", "idTagInfo"}, res
        assert res["idTagInfo"] == {"status": "Accepted"}, res
        assert isinstance(res["transactionId"], int) and res["transactionId"] > 0, res
        row = tx_rows(gw, "CP-START")
        assert len(row) == 1, row
        row = row[0]
        want = {"id": res["transactionId"], "pile_tx_id": "", "evse_id": 2, "connector_id": 2,
                "id_token": "TAG1", "auth_status": "Accepted", "state": "open", "orphan": 0,
                "meter_start_wh": 12345, "start_pile_ms": at, "meter_stop_wh": None,
                "reservation_id": 77, "stop_reason": ""}
        assert {k: row[k] for k in want} == want, row
        assert row["start_recv_ms"] >= before - 1000 and row["start_frame_seq"] > 0, row
        fr = gw.query("SELECT action, direction FROM frames WHERE seq = ?", row["start_frame_seq"])
        assert fr == [{"action": "StartTransaction", "direction": "in"}], fr
        p.close()


def test_start_transaction_resend_is_idempotent(t):
    with Gateway() as gw:
        p = gw.pile("CP-DUP", "1.6")
        at = whole_second_ms()
        first = start(p, tag="TAG-D", meter=500, at_ms=at)
        # the same start resent (its .conf was lost), clock jitter within 2 s
        for delta in (0, 1500, -1999, 2000):
            again = start(p, tag="TAG-D", meter=500, at_ms=at + delta)
            assert again == first, (delta, first, again)
        assert len(tx_rows(gw, "CP-DUP")) == 1
        # different content is a different transaction
        other_meter = start(p, tag="TAG-D", meter=501, at_ms=at)
        later = start(p, tag="TAG-D", meter=500, at_ms=at + 2500)
        other_conn = start(p, connector=2, tag="TAG-D", meter=500, at_ms=at)
        other_tag = start(p, tag="TAG-E", meter=500, at_ms=at)
        ids = [first["transactionId"], other_meter["transactionId"], later["transactionId"],
               other_conn["transactionId"], other_tag["transactionId"]]
        assert len(set(ids)) == 5, ids
        assert [r["id"] for r in tx_rows(gw, "CP-DUP")] == ids, tx_rows(gw, "CP-DUP")
        p.close()


def test_start_transaction_resend_keeps_refusal(t):
    with strict_gw() as gw:
        p = gw.pile("CP-BLK", "1.6")
        at = whole_second_ms()
        res = start(p, tag="TAG-BLOCKED", meter=0, at_ms=at)
        # never refused as a message: the row exists, the token answer says stop
        assert res["idTagInfo"] == {"status": "Blocked"}, res
        assert start(p, tag="TAG-BLOCKED", meter=0, at_ms=at + 1000) == res
        rows = tx_rows(gw, "CP-BLK")
        assert [(r["id"], r["auth_status"], r["state"]) for r in rows] == [
            (res["transactionId"], "Blocked", "open")], rows
        kid = start(p, connector=2, tag="TAG-KID", meter=0, at_ms=at)
        assert kid["idTagInfo"] == {"status": "Accepted", "expiryDate": "2099-12-31T23:59:59.000Z",
                                    "parentIdTag": "FLEET-7"}, kid
        p.close()


def test_start_concurrent_tx_on_another_connector(t):
    with strict_gw() as gw:
        p = gw.pile("CP-CONC", "1.6")
        at = whole_second_ms()
        a = start(p, connector=1, tag="04A1B2C3D4", meter=0, at_ms=at)
        b = start(p, connector=2, tag="04A1B2C3D4", meter=0, at_ms=at + 5000)
        assert a["idTagInfo"] == {"status": "Accepted"}, a
        assert b["idTagInfo"] == {"status": "ConcurrentTx"}, b
        assert a["transactionId"] != b["transactionId"]
        rows = tx_rows(gw, "CP-CONC")
        assert [r["auth_status"] for r in rows] == ["Accepted", "ConcurrentTx"], rows
        p.close()


# ------------------------------------------------------------------ StopTransaction

def test_stop_transaction_with_transaction_data(t):
    with Gateway() as gw:
        p = gw.pile("CP-STOP", "1.6")
        at = whole_second_ms() - 3600 * 1000
        tx = start(p, connector=1, tag="TAG-S", meter=1000, at_ms=at)["transactionId"]
        end = at + 1800 * 1000
        res = p.call("StopTransaction", {
            "transactionId": tx, "idTag": "TAG-S", "meterStop": 8500, "timestamp": iso_ms(end),
            "reason": "EVDisconnected",
            "transactionData": [
                {"timestamp": iso_ms(at), "sampledValue": [
                    sv16("1.000", "Energy.Active.Import.Register", "kWh", "Transaction.Begin")]},
                {"timestamp": iso_ms(end), "sampledValue": [
                    sv16("8.5", "Energy.Active.Import.Register", "kWh", "Transaction.End"),
                    sv16("0", "Power.Active.Import", "kW", "Transaction.End")]},
            ]})
        assert res == {"idTagInfo": {"status": "Accepted"}}, res
        row = tx_rows(gw, "CP-STOP")[0]
        want = {"state": "ended", "meter_start_wh": 1000, "meter_stop_wh": 8500,
                "stop_pile_ms": end, "stop_reason": "EVDisconnected", "orphan": 0}
        assert {k: row[k] for k in want} == want, row
        assert row["end_frame_seq"] > row["start_frame_seq"] > 0, row
        smp = gw.query("SELECT tx_id, pile_tx_id, measurand, context, value, unit_raw, pile_ms"
                       " FROM meter_samples WHERE pile = 'CP-STOP' ORDER BY id")
        assert smp == [
            {"tx_id": tx, "pile_tx_id": "", "measurand": "ENERGY_IMPORT_WH",
             "context": "Transaction.Begin", "value": 1000.0, "unit_raw": "kWh", "pile_ms": at},
            {"tx_id": tx, "pile_tx_id": "", "measurand": "ENERGY_IMPORT_WH",
             "context": "Transaction.End", "value": 8500.0, "unit_raw": "kWh", "pile_ms": end},
            {"tx_id": tx, "pile_tx_id": "", "measurand": "POWER_IMPORT_W",
             "context": "Transaction.End", "value": 0.0, "unit_raw": "kW", "pile_ms": end},
        ], smp
        # a repeated stop is acknowledged and changes nothing
        again = p.call("StopTransaction", {"transactionId": tx, "meterStop": 9999,
                                           "timestamp": iso_ms(end + 5000)})
        assert again == {}, again
        assert tx_rows(gw, "CP-STOP")[0] == row
        p.close()


def test_stop_transaction_samples_keep_the_connector(t):
    # transactionData has no connectorId, but the transaction has one; a
    # sample stored on connector 0 reads as the pile's main meter (1.6
    # MeterValues.req: connectorId 0 = the main energy meter), not as the
    # session's connector.
    with Gateway() as gw:
        p = gw.pile("CP-STOPCONN", "1.6")
        at = whole_second_ms()
        tx = start(p, connector=2, tag="TAG-C", meter=0, at_ms=at)["transactionId"]
        p.call("StopTransaction", {"transactionId": tx, "meterStop": 10, "timestamp": iso_ms(at + 1000),
                                   "transactionData": [{"timestamp": iso_ms(at + 1000), "sampledValue": [
                                       sv16("10", context="Transaction.End")]}]})
        smp = gw.query("SELECT tx_id, evse_id, connector_id FROM meter_samples"
                       " WHERE pile = 'CP-STOPCONN'")
        assert smp == [{"tx_id": tx, "evse_id": 2, "connector_id": 2}], smp
        p.close()


def test_stop_reason_defaults_to_local_and_no_idtag_no_info(t):
    with Gateway() as gw:
        p = gw.pile("CP-LOCAL", "1.6")
        at = whole_second_ms()
        tx = start(p, at_ms=at)["transactionId"]
        res = p.call("StopTransaction", {"transactionId": tx, "meterStop": 1000,
                                         "timestamp": iso_ms(at + 60000)})
        assert res == {}, res  # idTagInfo only answers an idTag
        row = tx_rows(gw, "CP-LOCAL")[0]
        assert (row["state"], row["stop_reason"], row["meter_stop_wh"]) == ("ended", "Local", 1000), row
        p.close()


def test_stop_unknown_transaction_is_acknowledged_as_orphan(t):
    with strict_gw() as gw:
        p = gw.pile("CP-ORPH", "1.6")
        at = whole_second_ms()
        body = {"transactionId": 424242, "idTag": "TAG-BLOCKED", "meterStop": 777,
                "timestamp": iso_ms(at), "reason": "PowerLoss"}
        res = p.call("StopTransaction", body)
        assert res == {"idTagInfo": {"status": "Blocked"}}, res
        rows = tx_rows(gw, "CP-ORPH")
        assert len(rows) == 1, rows
        want = {"orphan": 1, "orphan_ref": 424242, "state": "ended", "meter_stop_wh": 777,
                "meter_start_wh": None, "stop_pile_ms": at, "stop_reason": "PowerLoss",
                "id_token": "TAG-BLOCKED", "pile_tx_id": ""}
        assert {k: rows[0][k] for k in want} == want, rows
        # the pile retries (lost .conf): same answer, no second orphan
        assert p.call("StopTransaction", body) == res
        assert len(tx_rows(gw, "CP-ORPH")) == 1
        p.close()


def test_stop_of_another_piles_transaction_is_an_orphan(t):
    with Gateway() as gw:
        a = gw.pile("CP-OWNER", "1.6")
        b = gw.pile("CP-THIEF", "1.6")
        at = whole_second_ms()
        tx = start(a, at_ms=at)["transactionId"]
        assert b.call("StopTransaction", {"transactionId": tx, "meterStop": 5,
                                          "timestamp": iso_ms(at + 1000)}) == {}
        assert tx_rows(gw, "CP-OWNER")[0]["state"] == "open"
        orphan = tx_rows(gw, "CP-THIEF")
        assert [(r["orphan"], r["orphan_ref"], r["state"]) for r in orphan] == [(1, tx, "ended")], orphan
        a.close()
        b.close()


def test_stop_meter_minus_one_is_acknowledged(t):
    with Gateway() as gw:
        p = gw.pile("CP-M1", "1.6")
        at = whole_second_ms()
        tx = start(p, meter=2000, at_ms=at)["transactionId"]
        res = p.call("StopTransaction", {"transactionId": tx, "idTag": "TAG1", "meterStop": -1,
                                         "timestamp": iso_ms(at + 1000), "reason": "Other"})
        assert res == {"idTagInfo": {"status": "Accepted"}}, res
        row = tx_rows(gw, "CP-M1")[0]
        assert (row["state"], row["meter_stop_wh"], row["stop_reason"]) == ("ended", -1, "Other"), row
        p.close()


# ------------------------------------------------------------------ MeterValues

def test_meter_values_normalized(t):
    with Gateway() as gw:
        p = gw.pile("CP-MV", "1.6")
        at = whole_second_ms()
        tx = start(p, connector=1, at_ms=at)["transactionId"]
        t1, t2 = at + 60000, at + 900000
        res = p.call("MeterValues", {"connectorId": 1, "transactionId": tx, "meterValue": [
            {"timestamp": iso_ms(t1), "sampledValue": [
                sv16("12.345", "Energy.Active.Import.Register", "kWh", "Sample.Periodic"),
                sv16("7.2", "Power.Active.Import", "kW", "Sample.Periodic"),
                sv16("16.1", "Current.Import", "A", "Sample.Periodic", phase="L1", location="Outlet"),
                sv16("55", "SoC", "Percent", "Sample.Periodic", location="EV"),
                sv16("230.5", "Voltage", "V", "Sample.Periodic", phase="L1-N"),
                sv16("1500"),  # all defaults: Energy.Active.Import.Register, Wh, Sample.Periodic
            ]},
            {"timestamp": iso_ms(t2), "sampledValue": [
                sv16("12500", "Energy.Active.Import.Register", "Wh", "Sample.Clock"),
                sv16("3", "Current.Import", "A", "Trigger"),
                sv16("abc", "Energy.Active.Import.Register", "Wh", "Sample.Periodic"),
                sv16("12,5", "Energy.Active.Import.Register", "kWh", "Sample.Periodic"),
                sv16("0A1B2C", "Energy.Active.Import.Register", "Wh", "Sample.Periodic",
                     fmt="SignedData"),
                sv16("42", "Energy.Active.Import.Register", "A", "Sample.Periodic"),
                sv16("9", "Frequency", None, "Sample.Periodic"),
            ]},
        ]})
        assert res == {}, res
        cols = ("tx_id, pile_tx_id, evse_id, connector_id, measurand, measurand_raw, context,"
                " value, unit_raw, phase, location, signed_data, pile_ms")
        rows = gw.query("SELECT %s FROM meter_samples WHERE pile = 'CP-MV' ORDER BY id" % cols)
        got = [(r["measurand"], r["measurand_raw"], r["context"], r["value"], r["unit_raw"],
                r["phase"], r["location"], r["signed_data"], r["pile_ms"]) for r in rows]
        E = "Energy.Active.Import.Register"
        assert got == [
            ("ENERGY_IMPORT_WH", E, "Sample.Periodic", 12345.0, "kWh", "", "", 0, t1),
            ("POWER_IMPORT_W", "Power.Active.Import", "Sample.Periodic", 7200.0, "kW", "", "", 0, t1),
            ("CURRENT_IMPORT_A", "Current.Import", "Sample.Periodic", 16.1, "A", "L1", "Outlet", 0, t1),
            ("SOC_PCT", "SoC", "Sample.Periodic", 55.0, "Percent", "", "EV", 0, t1),
            ("VOLTAGE_V", "Voltage", "Sample.Periodic", 230.5, "V", "L1-N", "", 0, t1),
            ("ENERGY_IMPORT_WH", "", "Sample.Periodic", 1500.0, "", "", "", 0, t1),
            ("ENERGY_IMPORT_WH", E, "Sample.Clock", 12500.0, "Wh", "", "", 0, t2),
            ("CURRENT_IMPORT_A", "Current.Import", "Trigger", 3.0, "A", "", "", 0, t2),
            # kept, never judged: unparsable, a comma decimal, signed, a wrong unit, unknown
            ("OTHER", E, "Sample.Periodic", 0.0, "Wh", "", "", 0, t2),
            ("OTHER", E, "Sample.Periodic", 0.0, "kWh", "", "", 0, t2),
            ("OTHER", E, "Sample.Periodic", 0.0, "Wh", "", "", 1, t2),
            ("OTHER", E, "Sample.Periodic", 42.0, "A", "", "", 0, t2),
            ("OTHER", "Frequency", "Sample.Periodic", 9.0, "", "", "", 0, t2),
        ], got
        assert all((r["tx_id"], r["pile_tx_id"], r["evse_id"], r["connector_id"]) == (tx, "", 1, 1)
                   for r in rows), rows
        p.close()


def test_meter_values_outside_and_unknown_transaction(t):
    with Gateway() as gw:
        p = gw.pile("CP-MV0", "1.6")
        at = whole_second_ms()
        assert p.call("MeterValues", {"connectorId": 0, "meterValue": [
            {"timestamp": iso_ms(at), "sampledValue": [sv16("98765.4", unit="kWh",
                                                            context="Sample.Clock")]}]}) == {}
        assert p.call("MeterValues", {"connectorId": 1, "transactionId": 9999, "meterValue": [
            {"timestamp": iso_ms(at), "sampledValue": [sv16("100")]}]}) == {}
        rows = gw.query("SELECT tx_id, pile_tx_id, connector_id, value, context FROM meter_samples"
                        " WHERE pile = 'CP-MV0' ORDER BY id")
        assert rows == [
            {"tx_id": None, "pile_tx_id": "", "connector_id": 0, "value": 98765400.0,
             "context": "Sample.Clock"},
            # an id we never issued: kept, with the claimed id, for a later pass
            {"tx_id": None, "pile_tx_id": "9999", "connector_id": 1, "value": 100.0,
             "context": "Sample.Periodic"},
        ], rows
        p.close()


# ------------------------------------------------------------------ StatusNotification

def test_status_notification_state_and_history(t):
    with Gateway() as gw:
        p = gw.pile("CP-ST", "1.6")
        at = whole_second_ms()
        seq = [  # (connector, status, errorCode, extra) -> (state, plugged)
            (1, "Available", "NoError", {}, ("AVAILABLE", 0)),
            (1, "Preparing", "NoError", {}, ("PREPARING", -1)),   # a tag, a cable or a bay
            (1, "Charging", "NoError", {}, ("CHARGING", 1)),
            (1, "SuspendedEV", "NoError", {}, ("SUSPENDED_EV", 1)),
            (1, "SuspendedEVSE", "NoError", {}, ("SUSPENDED_EVSE", 1)),
            (1, "Finishing", "NoError", {}, ("FINISHING", -1)),
            (1, "Faulted", "GroundFailure", {"info": "RCD tripped", "vendorId": "com.alfen",
                                             "vendorErrorCode": "E-203"}, ("FAULTED", -1)),
            (2, "Reserved", "NoError", {}, ("RESERVED", -1)),
            (2, "Unavailable", "NoError", {}, ("UNAVAILABLE", -1)),
            (0, "Available", "NoError", {}, ("AVAILABLE", -1)),  # the pile itself: no cable
        ]
        for i, (conn, status, err, extra, _) in enumerate(seq):
            body = {"connectorId": conn, "status": status, "errorCode": err,
                    "timestamp": iso_ms(at + i * 1000)}
            body.update(extra)
            assert p.call("StatusNotification", body) == {}
        hist = gw.query("SELECT evse_id, connector_id, state, plugged, error_code, info, vendor_id,"
                        " vendor_error, raw_status, source, pile_ms FROM connector_status_history"
                        " WHERE pile = 'CP-ST' ORDER BY id")
        assert len(hist) == len(seq), hist
        for i, (h, (conn, status, err, extra, (state, plugged))) in enumerate(zip(hist, seq)):
            assert h == {"evse_id": conn, "connector_id": conn, "state": state, "plugged": plugged,
                         "error_code": err, "info": extra.get("info", ""),
                         "vendor_id": extra.get("vendorId", ""),
                         "vendor_error": extra.get("vendorErrorCode", ""), "raw_status": status,
                         "source": "status", "pile_ms": at + i * 1000}, (i, h)
        cur = gw.query("SELECT connector_id, state, plugged, error_code, info FROM connectors"
                       " WHERE pile = 'CP-ST' ORDER BY connector_id")
        assert cur == [
            {"connector_id": 0, "state": "AVAILABLE", "plugged": -1, "error_code": "NoError", "info": ""},
            {"connector_id": 1, "state": "FAULTED", "plugged": -1, "error_code": "GroundFailure",
             "info": "RCD tripped"},
            {"connector_id": 2, "state": "UNAVAILABLE", "plugged": -1, "error_code": "NoError",
             "info": ""},
        ], cur
        p.close()


def test_status_without_timestamp(t):
    with Gateway() as gw:
        p = gw.pile("CP-ST0", "1.6")
        assert p.call("StatusNotification", {"connectorId": 1, "status": "Preparing",
                                             "errorCode": "NoError"}) == {}
        h = gw.query("SELECT state, plugged, pile_ms, recv_ms FROM connector_status_history"
                     " WHERE pile = 'CP-ST0'")
        assert len(h) == 1 and h[0]["state"] == "PREPARING" and h[0]["plugged"] == -1, h
        assert h[0]["pile_ms"] == 0 and h[0]["recv_ms"] > 0, h
        p.close()


# ------------------------------------------------------------------ reports kept, not judged

def test_notifications_kept_as_reports(t):
    with Gateway() as gw:
        p = gw.pile("CP-REP", "1.6")
        at = whole_second_ms()
        calls = [
            ("DiagnosticsStatusNotification", {"status": "Uploaded"},
             ("DiagnosticsStatusNotification", "Uploaded", "", 0)),
            ("FirmwareStatusNotification", {"status": "InstallationFailed"},
             ("FirmwareStatusNotification", "InstallationFailed", "", 0)),
            ("SecurityEventNotification", {"type": "TamperDetectionActivated",
                                           "timestamp": iso_ms(at), "techInfo": "lid sensor 2"},
             ("SecurityEventNotification", "TamperDetectionActivated", "lid sensor 2", at)),
            ("SignedFirmwareStatusNotification", {"status": "InvalidSignature", "requestId": 31},
             ("SignedFirmwareStatusNotification", "InvalidSignature", "requestId=31", 0)),
            ("LogStatusNotification", {"status": "UploadFailure", "requestId": 12},
             ("LogStatusNotification", "UploadFailure", "requestId=12", 0)),
        ]
        for action, body, _ in calls:
            assert p.call(action, body) == {}, action
        got = [(r["kind"], r["status"], r["detail"], r["pile_ms"]) for r in reports(gw, "CP-REP")]
        assert got == [c[2] for c in calls], got
        p.close()


def test_data_transfer_unknown_vendor_kept(t):
    with Gateway() as gw:
        p = gw.pile("CP-DT", "1.6")
        res = p.call("DataTransfer", {"vendorId": "com.vendor.display", "messageId": "ShowPrice",
                                      "data": json.dumps({"price": "0.39 EUR/kWh"})})
        assert res == {"status": "UnknownVendorId"}, res
        res = p.call("DataTransfer", {"vendorId": "org.openchargealliance.iso15118pnc"})
        assert res == {"status": "UnknownVendorId"}, res
        got = [(r["kind"], r["status"], r["detail"]) for r in reports(gw, "CP-DT")]
        assert got == [("DataTransfer", "com.vendor.display", "ShowPrice"),
                       ("DataTransfer", "org.openchargealliance.iso15118pnc", "")], got
        p.close()


# ------------------------------------------------------------------ SignCertificate

def test_sign_certificate_accepted_then_chain_delivered(t):
    f = CsrFactory()
    try:
        with Gateway(ocpp={"operator_name": OPERATOR}) as gw:
            p = gw.pile("CP-PKI", "1.6")
            res = p.call("SignCertificate", {"csr": f.csr("CP-PKI")})
            assert res == {"status": "Accepted"}, res
            chains = wait_until("CertificateSigned", lambda: server_calls(p, "CertificateSigned"),
                                pile=p)
            assert len(chains) == 1 and list(chains[0]) == ["certificateChain"], chains
            ok, subject, n = f.verify_chain(chains[0]["certificateChain"])
            assert ok, "chain does not verify against certs/dev/ca.pem"
            assert "CN=CP-PKI" in subject and "O=" + OPERATOR in subject, subject
            assert n == 2, "expected leaf + CA, got %d certificates" % n
            rep = wait_until("CertificateSigned answer kept",
                             lambda: reports(gw, "CP-PKI", "CertificateSigned"), pile=p)
            assert [(r["kind"], r["status"]) for r in rep] == [("CertificateSigned", "Accepted")], rep
            cmds = gw.query("SELECT action, outcome FROM commands WHERE pile = 'CP-PKI'")
            assert cmds == [{"action": "CertificateSigned", "outcome": "ACCEPTED"}], cmds
            assert reports(gw, "CP-PKI", "SecurityEvent") == []
            p.close()
    finally:
        f.close()


def test_sign_certificate_wrong_subject_rejected(t):
    f = CsrFactory()
    try:
        with Gateway(ocpp={"operator_name": OPERATOR}) as gw:
            p = gw.pile("CP-PKI2", "1.6")
            cases = [f.csr("CP-SOMEONE-ELSE"), f.csr("CP-PKI2", o="Evil Corp"),
                     "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"]
            for csr in cases:
                assert p.call("SignCertificate", {"csr": csr}) == {"status": "Rejected"}
            p.pump(0.3)
            assert server_calls(p, "CertificateSigned") == [], p.server_calls
            rep = reports(gw, "CP-PKI2")
            assert [(r["kind"], r["status"]) for r in rep] == [("SecurityEvent", "CsrRejected")] * 3, rep
            assert all(r["detail"] for r in rep), rep
            assert gw.query("SELECT count(*) AS n FROM commands")[0]["n"] == 0
            p.close()
    finally:
        f.close()


def test_sign_certificate_needs_accepted_boot(t):
    f = CsrFactory()
    try:
        with Gateway(ocpp={"operator_name": OPERATOR}) as gw:
            p = gw.pile("CP-PKI3", "1.6", boot=False)
            p.expect_error("SignCertificate", {"csr": f.csr("CP-PKI3")}, "SecurityError")
            p.close()
    finally:
        f.close()


# ------------------------------------------------------------------ coverage

def test_every_handler_has_a_test_here(t):
    """A row added to src/ocpp16/actions.c with a handler needs a test in this file."""
    assert_every_handler_tested("ocpp16", __file__, 14)


run(globals())
