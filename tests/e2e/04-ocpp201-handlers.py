#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""04-ocpp201-handlers: every OCPP 2.0.1 station->CSMS handler over a real
socket - the exact CALLRESULT and the rows kept (piles, connectors +
history, transactions, tx_events with seqNo replay, meter samples with
normalized units, pile reports, device vars, commands).  Each test starts
its own gateway; tokens are seeded through the config."""
import time

from gwtest import assert_every_handler_tested, Gateway, run
from payloads import (BOOT201, OPERATOR, CsrFactory, assert_now, charging_schedule, iso_ms, ms,
                      notify_event, notify_monitoring_report, notify_report, server_calls,
                      sv201, wait_until, whole_second_ms)

V = "2.0.1"
E = "Energy.Active.Import.Register"
TOKENS = ('id_tokens = ('
          ' { id = "04A1B2C3D4"; },'
          ' { id = "TAG-BLOCKED"; status = "Blocked"; },'
          ' { id = "TAG-OLD"; expiry = "2020-01-01T00:00:00Z"; },'
          ' { id = "TAG-KID"; group = "FLEET-7"; expiry = "2099-12-31T23:59:59Z"; }'
          ');')


def strict_gw(**kw):
    ocpp = {"accept_all_tokens": False}
    ocpp.update(kw.pop("ocpp", {}))
    return Gateway(ocpp=ocpp, extra=TOKENS, **kw)


def reports(gw, pile, kind=None):
    sql = "SELECT kind, status, detail, pile_ms FROM pile_reports WHERE pile = ?"
    args = [pile]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    return gw.query(sql + " ORDER BY id", *args)


def tx_row(gw, pile, pile_tx_id):
    rows = gw.query("SELECT * FROM transactions WHERE pile = ? AND pile_tx_id = ?", pile, pile_tx_id)
    assert len(rows) == 1, rows
    return rows[0]


def tx_events(gw, pile):
    return gw.query("SELECT pile_tx_id, seq_no, kind, trigger, charging_state, id_token,"
                    " stop_reason, meter_wh, pile_ms, offline FROM tx_events WHERE pile = ?"
                    " ORDER BY id", pile)


def history(gw, pile):
    return gw.query("SELECT evse_id, connector_id, state, plugged, raw_status, source, pile_ms"
                    " FROM connector_status_history WHERE pile = ? ORDER BY id", pile)


def te(event, seq, tx, trigger, at_ms, state=None, evse=None, token=None, mv=None,
       offline=None, stopped=None, remote_start=None):
    """A TransactionEventRequest."""
    info = {"transactionId": tx}
    if state:
        info["chargingState"] = state
    if stopped:
        info["stoppedReason"] = stopped
    if remote_start is not None:
        info["remoteStartId"] = remote_start
    body = {"eventType": event, "timestamp": iso_ms(at_ms), "triggerReason": trigger,
            "seqNo": seq, "transactionInfo": info}
    if evse:
        body["evse"] = evse
    if token:
        body["idToken"] = {"idToken": token, "type": "ISO14443"}
    if mv:
        body["meterValue"] = mv
    if offline is not None:
        body["offline"] = offline
    return body


def status(p, evse, conn, word, at_ms):
    return p.call("StatusNotification", {"timestamp": iso_ms(at_ms), "connectorStatus": word,
                                         "evseId": evse, "connectorId": conn})


# ------------------------------------------------------------------ BootNotification, Heartbeat

def test_boot_stores_identity_card(t):
    with Gateway(ocpp={"heartbeat_interval_s": 90}) as gw:
        p = gw.pile("CS-BOOT", V, boot=False)
        res = p.call("BootNotification", BOOT201)
        assert set(res) == {"currentTime", "interval", "status"}, res
        assert (res["status"], res["interval"]) == ("Accepted", 90), res
        assert_now(res["currentTime"])
        row = gw.query("SELECT * FROM piles WHERE identity = 'CS-BOOT'")[0]
        want = {"vendor": "Kempower", "model": "S-Series Satellite", "serial": "KP-S-2024-0815",
                "firmware": "1.42.0", "iccid": "89462046040012345678", "imsi": "240074612345678",
                "boot_reason": "PowerUp", "meter_type": "", "meter_serial": ""}
        assert {k: row[k] for k in want} == want, row
        assert row["last_boot_ms"] > 0, row
        p.close()


def test_heartbeat(t):
    with Gateway() as gw:
        p = gw.pile("CS-HB", V)
        before = gw.query("SELECT last_seen_ms FROM piles WHERE identity = 'CS-HB'")[0]["last_seen_ms"]
        time.sleep(0.02)
        res = p.call("Heartbeat", {})
        assert list(res) == ["currentTime"], res
        assert_now(res["currentTime"])
        after = gw.query("SELECT last_seen_ms FROM piles WHERE identity = 'CS-HB'")[0]["last_seen_ms"]
        assert after > before, (before, after)
        p.close()


LIMITS = [("ItemsPerMessage", "GetVariables"), ("BytesPerMessage", "GetVariables"),
          ("ItemsPerMessage", "SetVariables"), ("BytesPerMessage", "SetVariables")]
PUSHED = [("SampledDataCtrlr", "TxUpdatedInterval", "60"),
          ("SampledDataCtrlr", "TxUpdatedMeasurands",
           "Energy.Active.Import.Register,Power.Active.Import,Current.Import"),
          ("AlignedDataCtrlr", "Interval", "900"),
          ("AlignedDataCtrlr", "Measurands", "Energy.Active.Import.Register"),
          ("TxCtrlr", "StopTxOnEVSideDisconnect", "true")]


def test_boot_push_reads_limits_then_sets_variables(t):
    with Gateway(ocpp={"push_config_on_boot": True}) as gw:
        p = gw.pile("CS-PUSH", V)  # default answers: limits unknown, every set Accepted
        wait_until("SetVariables", lambda: server_calls(p, "SetVariables"), pile=p)
        p.pump(0.3)
        assert [a for a, _ in p.server_calls] == ["GetVariables", "SetVariables"], p.server_calls
        assert p.server_calls[0][1] == {"getVariableData": [
            {"component": {"name": "DeviceDataCtrlr"}, "variable": {"name": v, "instance": i}}
            for v, i in LIMITS]}, p.server_calls[0]
        assert p.server_calls[1][1] == {"setVariableData": [
            {"attributeValue": val, "component": {"name": c}, "variable": {"name": v}}
            for c, v, val in PUSHED]}, p.server_calls[1]

        def vars_():
            return gw.query("SELECT component, component_instance, variable, variable_instance,"
                            " attribute, value, evse_id, connector_id FROM device_vars"
                            " WHERE pile = 'CS-PUSH'")
        rows = wait_until("15 device vars", lambda: len(vars_()) == 15 and vars_())
        got = {(r["component"], r["component_instance"], r["variable"], r["attribute"]): r["value"]
               for r in rows}
        want = {}
        for c, v, val in PUSHED:
            want[(c, "", v, "Target")] = val
            want[(c, "", v, "Actual")] = val
            want[("OcppgwConfigPush", c, v, "Actual")] = "Accepted"
        assert got == want, got
        assert all(r["evse_id"] == -1 and r["connector_id"] == -1 and r["variable_instance"] == ""
                   for r in rows), rows
        unknown = [(r["kind"], r["status"], r["detail"]) for r in reports(gw, "CS-PUSH")]
        assert unknown == [("GetVariables", "UnknownVariable", "DeviceDataCtrlr.%s[%s]" % l)
                           for l in LIMITS], unknown
        cmds = gw.query("SELECT action, outcome FROM commands WHERE pile = 'CS-PUSH' ORDER BY id")
        assert [(c["action"], c["outcome"]) for c in cmds] == [("GetVariables", "ACCEPTED"),
                                                               ("SetVariables", "ACCEPTED")], cmds
        p.close()


def test_boot_push_respects_items_per_message(t):
    limits = {("ItemsPerMessage", "GetVariables"): "20", ("BytesPerMessage", "GetVariables"): "8000",
              ("ItemsPerMessage", "SetVariables"): "2"}
    verdict = {"Measurands": "Rejected", "StopTxOnEVSideDisconnect": "RebootRequired"}

    def get_vars(req):
        out = []
        for d in req["getVariableData"]:
            key = (d["variable"]["name"], d["variable"].get("instance"))
            r = {"component": d["component"], "variable": d["variable"],
                 "attributeStatus": "Accepted" if key in limits else "UnknownVariable"}
            if key in limits:
                r["attributeValue"] = limits[key]
            out.append(r)
        return {"getVariableResult": out}

    def set_vars(req):
        return {"setVariableResult": [
            {"attributeStatus": verdict.get(d["variable"]["name"], "Accepted"),
             "component": d["component"], "variable": d["variable"]} for d in req["setVariableData"]]}

    with Gateway(ocpp={"push_config_on_boot": True}) as gw:
        p = gw.pile("CS-SPLIT", V, answers={"GetVariables": get_vars, "SetVariables": set_vars})
        wait_until("3 SetVariables", lambda: len(server_calls(p, "SetVariables")) == 3, pile=p)
        p.pump(0.3)
        parts = [[(d["component"]["name"], d["variable"]["name"]) for d in x["setVariableData"]]
                 for x in server_calls(p, "SetVariables")]
        assert parts == [[(c, v) for c, v, _ in PUSHED[i:i + 2]] for i in (0, 2, 4)], parts

        def vars_():
            return gw.query("SELECT component, component_instance, variable, variable_instance,"
                            " attribute, value FROM device_vars WHERE pile = 'CS-SPLIT'")
        # 3 limits + 5 Target + 5 outcomes + 3 Actual (the Accepted ones)
        rows = wait_until("16 device vars", lambda: len(vars_()) == 16 and vars_())
        got = {(r["component"], r["component_instance"], r["variable"], r["variable_instance"],
                r["attribute"]): r["value"] for r in rows}
        for (v, i), val in limits.items():
            assert got[("DeviceDataCtrlr", "", v, i, "Actual")] == val, got
        for c, v, val in PUSHED:
            assert got[(c, "", v, "", "Target")] == val, got
            word = verdict.get(v, "Accepted")
            assert got[("OcppgwConfigPush", c, v, "", "Actual")] == word, got
            assert got.get((c, "", v, "", "Actual")) == (val if word == "Accepted" else None), got
        assert [(r["status"], r["detail"]) for r in reports(gw, "CS-SPLIT")] == [
            ("UnknownVariable", "DeviceDataCtrlr.BytesPerMessage[SetVariables]")]
        cmds = gw.query("SELECT action, outcome FROM commands WHERE pile = 'CS-SPLIT' ORDER BY id")
        assert [c["action"] for c in cmds] == ["GetVariables"] + ["SetVariables"] * 3, cmds
        assert all(c["outcome"] == "ACCEPTED" for c in cmds), cmds
        p.close()


# ------------------------------------------------------------------ StatusNotification

def test_status_notification_state_and_history(t):
    with Gateway() as gw:
        p = gw.pile("CS-ST", V)
        at = whole_second_ms()
        seq = [(1, 1, "Available", ("AVAILABLE", 0)), (1, 1, "Occupied", ("PREPARING", 1)),
               (1, 1, "Faulted", ("FAULTED", -1)), (2, 1, "Reserved", ("RESERVED", -1)),
               (2, 1, "Unavailable", ("UNAVAILABLE", -1))]
        for i, (evse, conn, word, _) in enumerate(seq):
            assert status(p, evse, conn, word, at + i * 1000) == {}
        got = [(h["evse_id"], h["connector_id"], h["state"], h["plugged"], h["raw_status"],
                h["source"], h["pile_ms"]) for h in history(gw, "CS-ST")]
        assert got == [(e, c, s, pl, w, "status", at + i * 1000)
                       for i, (e, c, w, (s, pl)) in enumerate(seq)], got
        cur = gw.query("SELECT evse_id, connector_id, state, plugged FROM connectors"
                       " WHERE pile = 'CS-ST' ORDER BY evse_id")
        assert cur == [{"evse_id": 1, "connector_id": 1, "state": "FAULTED", "plugged": -1},
                       {"evse_id": 2, "connector_id": 1, "state": "UNAVAILABLE", "plugged": -1}], cur
        p.close()


# ------------------------------------------------------------------ Authorize

def test_authorize_dev_mode(t):
    with Gateway(ocpp={"accept_all_tokens": True}) as gw:
        p = gw.pile("CS-AUTH-DEV", V)
        res = p.call("Authorize", {"idToken": {"idToken": "ANYTHING", "type": "Central"}})
        assert res == {"idTokenInfo": {"status": "Accepted"}}, res
        p.close()


def test_authorize_statuses(t):
    with strict_gw() as gw:
        p = gw.pile("CS-AUTH", V)
        cases = [
            ("04A1B2C3D4", "ISO14443", {"status": "Accepted"}),
            ("TAG-BLOCKED", "ISO14443", {"status": "Blocked"}),
            ("TAG-OLD", "ISO14443", {"status": "Expired",
                                     "cacheExpiryDateTime": "2020-01-01T00:00:00.000Z"}),
            ("NOBODY-KNOWS", "eMAID", {"status": "Invalid"}),
            ("TAG-KID", "ISO14443", {"status": "Accepted",
                                     "cacheExpiryDateTime": "2099-12-31T23:59:59.000Z",
                                     "groupIdToken": {"idToken": "FLEET-7", "type": "Central"}}),
        ]
        for tok, typ, info in cases:
            res = p.call("Authorize", {"idToken": {"idToken": tok, "type": typ}})
            assert res == {"idTokenInfo": info}, (tok, res)
        p.close()


def test_authorize_contract_certificate_not_verifiable(t):
    with Gateway(ocpp={"accept_all_tokens": True}) as gw:
        p = gw.pile("CS-AUTH-PNC", V)
        res = p.call("Authorize", {
            "idToken": {"idToken": "DEKPW0001234567", "type": "eMAID"},
            "iso15118CertificateHashData": [{"hashAlgorithm": "SHA256", "issuerNameHash": "a1b2",
                                             "issuerKeyHash": "c3d4", "serialNumber": "0f",
                                             "responderURL": "http://ocsp.example.com/"}]})
        # no V2G root, no OCSP: never an Accepted we cannot back
        assert res == {"idTokenInfo": {"status": "Invalid"}, "certificateStatus": "CertChainError"}, res
        p.close()


def test_authorize_idtoken_is_case_insensitive(t):
    # 2.0.1 IdTokenType.idToken: "IdToken is case insensitive."
    with strict_gw() as gw:
        p = gw.pile("CS-CASE", V)
        res = p.call("Authorize", {"idToken": {"idToken": "04a1b2c3d4", "type": "ISO14443"}})
        assert res == {"idTokenInfo": {"status": "Accepted"}}, res
        p.close()


# ------------------------------------------------------------------ TransactionEvent

def test_transaction_lifecycle(t):
    with Gateway() as gw:
        p = gw.pile("CS-TX", V)
        at = whole_second_ms() - 3600 * 1000
        ev1 = {"id": 1, "connectorId": 1}
        assert status(p, 1, 1, "Occupied", at) == {}
        res = p.call("TransactionEvent", te(
            "Started", 0, "TX-0001", "CablePluggedIn", at + 1000, "EVConnected", evse=ev1,
            token="TAG201", remote_start=17,
            mv=[{"timestamp": iso_ms(at + 1000),
                 "sampledValue": [sv201(1.5, E, "kWh", context="Transaction.Begin")]}]))
        assert res == {"idTokenInfo": {"status": "Accepted"}}, res
        upd = te("Updated", 1, "TX-0001", "ChargingStateChanged", at + 2000, "Charging",
                 mv=[{"timestamp": iso_ms(at + 2000), "sampledValue": [
                     sv201(25, E, "kWh", multiplier=-1, context="Sample.Periodic"),
                     sv201(11, "Power.Active.Import", "kW", context="Sample.Periodic"),
                     sv201(16, "Current.Import", context="Sample.Periodic", phase="L1")]}])
        assert p.call("TransactionEvent", upd) == {}
        assert p.call("TransactionEvent", te("Updated", 2, "TX-0001", "ChargingStateChanged",
                                             at + 3000, "SuspendedEV")) == {}
        res = p.call("TransactionEvent", te(
            "Ended", 3, "TX-0001", "EVCommunicationLost", at + 4000, "Idle",
            stopped="EVDisconnected",
            mv=[{"timestamp": iso_ms(at + 4000),
                 "sampledValue": [sv201(12.75, E, "kWh", context="Transaction.End")]}]))
        assert res == {}, res
        row = tx_row(gw, "CS-TX", "TX-0001")
        want = {"evse_id": 1, "connector_id": 1, "id_token": "TAG201", "auth_status": "Accepted",
                "state": "ended", "orphan": 0, "meter_start_wh": 1500, "start_pile_ms": at + 1000,
                "meter_stop_wh": 12750, "stop_pile_ms": at + 4000, "stop_reason": "EVDisconnected",
                "last_seq_no": 3, "remote_start_id": 17}
        assert {k: row[k] for k in want} == want, row
        evs = [(e["seq_no"], e["kind"], e["trigger"], e["charging_state"], e["id_token"],
                e["stop_reason"], e["meter_wh"], e["pile_ms"], e["offline"])
               for e in tx_events(gw, "CS-TX")]
        assert evs == [
            (0, "started", "CablePluggedIn", "PREPARING", "TAG201", "", 1500, at + 1000, 0),
            (1, "updated", "ChargingStateChanged", "CHARGING", "", "", None, at + 2000, 0),
            (2, "updated", "ChargingStateChanged", "SUSPENDED_EV", "", "", None, at + 3000, 0),
            (3, "ended", "EVCommunicationLost", "AVAILABLE", "", "EVDisconnected", 12750, at + 4000, 0),
        ], evs
        got = [(h["evse_id"], h["connector_id"], h["state"], h["plugged"], h["raw_status"], h["source"])
               for h in history(gw, "CS-TX")]
        # the Started says what the Occupied said already: no row for it
        assert got == [(1, 1, "PREPARING", 1, "Occupied", "status"),
                       (1, 1, "CHARGING", 1, "ChargingStateChanged", "tx_event"),
                       (1, 1, "SUSPENDED_EV", 1, "ChargingStateChanged", "tx_event"),
                       (1, 1, "AVAILABLE", 0, "EVCommunicationLost", "tx_event")], got
        smp = gw.query("SELECT tx_id, pile_tx_id, measurand, context, value, unit_raw, phase"
                       " FROM meter_samples WHERE pile = 'CS-TX' ORDER BY id")
        tx = row["id"]
        assert smp == [
            {"tx_id": tx, "pile_tx_id": "TX-0001", "measurand": "ENERGY_IMPORT_WH",
             "context": "Transaction.Begin", "value": 1500.0, "unit_raw": "kWh", "phase": ""},
            {"tx_id": tx, "pile_tx_id": "TX-0001", "measurand": "ENERGY_IMPORT_WH",
             "context": "Sample.Periodic", "value": 2500.0, "unit_raw": "kWh", "phase": ""},
            {"tx_id": tx, "pile_tx_id": "TX-0001", "measurand": "POWER_IMPORT_W",
             "context": "Sample.Periodic", "value": 11000.0, "unit_raw": "kW", "phase": ""},
            {"tx_id": tx, "pile_tx_id": "TX-0001", "measurand": "CURRENT_IMPORT_A",
             "context": "Sample.Periodic", "value": 16.0, "unit_raw": "", "phase": "L1"},
            {"tx_id": tx, "pile_tx_id": "TX-0001", "measurand": "ENERGY_IMPORT_WH",
             "context": "Transaction.End", "value": 12750.0, "unit_raw": "kWh", "phase": ""},
        ], smp
        # a replayed seqNo (lost answer) is a no-op with the same answer
        n_smp = len(smp)
        assert p.call("TransactionEvent", upd) == {}
        assert len(tx_events(gw, "CS-TX")) == 4
        assert len(gw.query("SELECT id FROM meter_samples WHERE pile = 'CS-TX'")) == n_smp
        assert len(history(gw, "CS-TX")) == 4
        assert tx_row(gw, "CS-TX", "TX-0001") == row
        p.close()


def test_samples_of_an_event_without_evse_keep_the_transaction_evse(t):
    # Updated events rarely repeat the EVSE; evse 0 is the whole station
    # (its main meter), so the samples must carry the transaction's EVSE.
    with Gateway() as gw:
        p = gw.pile("CS-TXEVSE", V)
        at = whole_second_ms()
        p.call("TransactionEvent", te("Started", 0, "TX-E", "Authorized", at, "EVConnected",
                                      evse={"id": 2, "connectorId": 1}, token="T"))
        p.call("TransactionEvent", te("Updated", 1, "TX-E", "MeterValuePeriodic", at + 1000, mv=[
            {"timestamp": iso_ms(at + 1000), "sampledValue": [sv201(100, E)]}]))
        smp = gw.query("SELECT evse_id, connector_id FROM meter_samples WHERE pile = 'CS-TXEVSE'")
        assert smp == [{"evse_id": 2, "connector_id": 1}], smp
        p.close()


def test_transaction_replay_gives_the_same_answer(t):
    with strict_gw() as gw:
        p = gw.pile("CS-REPLAY", V)
        at = whole_second_ms()
        started = te("Started", 0, "TX-R", "Authorized", at, "EVConnected",
                     evse={"id": 1, "connectorId": 1}, token="TAG-KID")
        first = p.call("TransactionEvent", started)
        assert first == {"idTokenInfo": {
            "status": "Accepted", "cacheExpiryDateTime": "2099-12-31T23:59:59.000Z",
            "groupIdToken": {"idToken": "FLEET-7", "type": "Central"}}}, first
        # PROTOCOL.md 1.4 rule 2: a duplicate gets the identical answer
        again = p.call("TransactionEvent", started)
        assert len(tx_events(gw, "CS-REPLAY")) == 1
        assert again == first, (first, again)
        p.close()


def test_transaction_refused_token_is_kept(t):
    with strict_gw() as gw:
        p = gw.pile("CS-TXBLK", V)
        at = whole_second_ms()
        res = p.call("TransactionEvent", te("Started", 0, "TX-B", "Authorized", at, "EVConnected",
                                            evse={"id": 1, "connectorId": 1}, token="TAG-BLOCKED"))
        assert res == {"idTokenInfo": {"status": "Blocked"}}, res
        row = tx_row(gw, "CS-TXBLK", "TX-B")
        assert (row["auth_status"], row["state"], row["orphan"]) == ("Blocked", "open", 0), row
        # a later event of the same transaction answers the token again
        res = p.call("TransactionEvent", te("Updated", 1, "TX-B", "ChargingStateChanged", at + 1000,
                                            "Charging", token="TAG-BLOCKED"))
        assert res == {"idTokenInfo": {"status": "Blocked"}}, res
        p.close()


def test_concurrent_tx_on_another_connector_of_the_same_evse(t):
    with strict_gw() as gw:
        p = gw.pile("CS-CONC1", V)
        at = whole_second_ms()
        ok = p.call("TransactionEvent", te("Started", 0, "TX-C1", "Authorized", at, "EVConnected",
                                           evse={"id": 1, "connectorId": 1}, token="04A1B2C3D4"))
        busy = p.call("TransactionEvent", te("Started", 0, "TX-C2", "Authorized", at, "EVConnected",
                                             evse={"id": 1, "connectorId": 2}, token="04A1B2C3D4"))
        assert ok == {"idTokenInfo": {"status": "Accepted"}}, ok
        assert busy == {"idTokenInfo": {"status": "ConcurrentTx"}}, busy
        assert tx_row(gw, "CS-CONC1", "TX-C2")["auth_status"] == "ConcurrentTx"
        p.close()


def test_concurrent_tx_on_another_evse(t):
    # 2.0.1 numbers connectors per EVSE: EVSE 1 connector 1 and EVSE 2
    # connector 1 are two sockets, and one token charging on both is the
    # ConcurrentTx case (and the DUPLICATE_TRANSACTION detector's).
    with strict_gw() as gw:
        p = gw.pile("CS-CONC2", V)
        at = whole_second_ms()
        ok = p.call("TransactionEvent", te("Started", 0, "TX-C1", "Authorized", at, "EVConnected",
                                           evse={"id": 1, "connectorId": 1}, token="04A1B2C3D4"))
        busy = p.call("TransactionEvent", te("Started", 0, "TX-C2", "Authorized", at, "EVConnected",
                                             evse={"id": 2, "connectorId": 1}, token="04A1B2C3D4"))
        assert ok == {"idTokenInfo": {"status": "Accepted"}}, ok
        assert busy == {"idTokenInfo": {"status": "ConcurrentTx"}}, busy
        p.close()


def test_event_naming_only_the_evse_updates_its_connector(t):
    # EVSEType.connectorId is optional.  On an EVSE with one known connector
    # the state belongs to that connector, not to a "connector 0" that the
    # station never reported (2.0.1 connectors are numbered from 1).
    with Gateway() as gw:
        p = gw.pile("CS-EVSEONLY", V)
        at = whole_second_ms()
        status(p, 1, 1, "Occupied", at)
        p.call("TransactionEvent", te("Started", 0, "TX-EO", "Authorized", at + 1000, "Charging",
                                      evse={"id": 1}, token="T"))
        cur = gw.query("SELECT evse_id, connector_id, state FROM connectors WHERE pile = 'CS-EVSEONLY'")
        assert cur == [{"evse_id": 1, "connector_id": 1, "state": "CHARGING"}], cur
        p.close()


def test_transaction_plug_evidence_from_trigger_and_state(t):
    with Gateway() as gw:
        p = gw.pile("CS-PLUG", V)
        at = whole_second_ms()
        ev = {"id": 1, "connectorId": 1}
        # authorized first, no cable yet: Idle -> PREPARING, unplugged
        p.call("TransactionEvent", te("Started", 0, "TX-P", "Authorized", at, "Idle", evse=ev,
                                      token="T1"))
        p.call("TransactionEvent", te("Updated", 1, "TX-P", "CablePluggedIn", at + 1000, "EVConnected"))
        p.call("TransactionEvent", te("Updated", 2, "TX-P", "ChargingStateChanged", at + 2000,
                                      "SuspendedEVSE"))
        # stopped with the cable still in: FINISHING, still plugged
        p.call("TransactionEvent", te("Ended", 3, "TX-P", "StopAuthorized", at + 3000, "EVConnected",
                                      stopped="Local", token="T1"))
        got = [(h["state"], h["plugged"], h["raw_status"]) for h in history(gw, "CS-PLUG")]
        assert got == [("PREPARING", 0, "Authorized"), ("PREPARING", 1, "CablePluggedIn"),
                       ("SUSPENDED_EVSE", 1, "ChargingStateChanged"),
                       ("FINISHING", 1, "StopAuthorized")], got
        # a trigger alone still moves the plug evidence
        p.call("TransactionEvent", te("Started", 0, "TX-P2", "Authorized", at + 4000, "EVConnected",
                                      evse={"id": 2, "connectorId": 1}, token="T2"))
        p.call("TransactionEvent", te("Updated", 1, "TX-P2", "EVCommunicationLost", at + 5000))
        cur = gw.query("SELECT state, plugged FROM connectors WHERE pile = 'CS-PLUG' AND evse_id = 2")
        assert cur == [{"state": "PREPARING", "plugged": 0}], cur
        p.close()


def test_offline_events_and_ended_before_started(t):
    with Gateway() as gw:
        p = gw.pile("CS-OFF", V)
        at = whole_second_ms() - 86400 * 1000  # yesterday, uploaded from the queue
        # the Ended arrives first: kept as an orphan row, acknowledged
        res = p.call("TransactionEvent", te(
            "Ended", 2, "TX-LOST", "EVDeparted", at + 7200 * 1000, "Idle", stopped="EVDisconnected",
            evse={"id": 1, "connectorId": 1}, offline=True,
            mv=[{"timestamp": iso_ms(at + 7200 * 1000),
                 "sampledValue": [sv201(20.5, E, "kWh", context="Transaction.End")]}]))
        assert res == {}, res
        row = tx_row(gw, "CS-OFF", "TX-LOST")
        want = {"orphan": 1, "state": "ended", "meter_stop_wh": 20500, "meter_start_wh": None,
                "stop_reason": "EVDisconnected", "last_seq_no": 2}
        assert {k: row[k] for k in want} == want, row
        # then its Started from the offline queue fills the start, keeps the end
        res = p.call("TransactionEvent", te(
            "Started", 0, "TX-LOST", "CablePluggedIn", at, "EVConnected",
            evse={"id": 1, "connectorId": 1}, token="TAG-OFF", offline=True,
            mv=[{"timestamp": iso_ms(at),
                 "sampledValue": [sv201(5000, E, "Wh", context="Transaction.Begin")]}]))
        assert res == {"idTokenInfo": {"status": "Accepted"}}, res
        row = tx_row(gw, "CS-OFF", "TX-LOST")
        want = {"orphan": 0, "state": "ended", "meter_start_wh": 5000, "start_pile_ms": at,
                "meter_stop_wh": 20500, "id_token": "TAG-OFF", "last_seq_no": 2}
        assert {k: row[k] for k in want} == want, row
        evs = [(e["seq_no"], e["kind"], e["offline"], e["meter_wh"]) for e in tx_events(gw, "CS-OFF")]
        assert evs == [(2, "ended", 1, 20500), (0, "started", 1, 5000)], evs
        p.close()


# ------------------------------------------------------------------ MeterValues

def test_meter_values_units_and_multiplier(t):
    with Gateway() as gw:
        p = gw.pile("CS-MV", V)
        at = whole_second_ms()
        res = p.call("MeterValues", {"evseId": 0, "meterValue": [
            {"timestamp": iso_ms(at), "sampledValue": [
                sv201(1234.5, E, "kWh", context="Sample.Clock"),
                sv201(12, E, "Wh", multiplier=3, context="Sample.Clock"),
                sv201(22, "Power.Active.Import", "kW", context="Sample.Clock"),
                sv201(7400, "Power.Active.Import", context="Sample.Clock"),  # no unit: W
                sv201(32, "Current.Import", "A", phase="L2"),
                sv201(230, "Voltage", "V", phase="L1-N"),
                sv201(80, "SoC", "Percent", location="EV"),
                sv201(99),  # all defaults
                sv201(5, "Current.Import", "kWh"),  # a unit that does not fit: kept, unjudged
                sv201(50, "Frequency", "Hz"),
            ]}]})
        assert res == {}, res
        rows = gw.query("SELECT tx_id, pile_tx_id, evse_id, measurand, measurand_raw, context, value,"
                        " unit_raw, phase, location FROM meter_samples WHERE pile = 'CS-MV' ORDER BY id")
        got = [(r["measurand"], r["measurand_raw"], r["context"], r["value"], r["unit_raw"], r["phase"],
                r["location"]) for r in rows]
        assert got == [
            ("ENERGY_IMPORT_WH", E, "Sample.Clock", 1234500.0, "kWh", "", ""),
            ("ENERGY_IMPORT_WH", E, "Sample.Clock", 12000.0, "Wh", "", ""),
            ("POWER_IMPORT_W", "Power.Active.Import", "Sample.Clock", 22000.0, "kW", "", ""),
            ("POWER_IMPORT_W", "Power.Active.Import", "Sample.Clock", 7400.0, "", "", ""),
            ("CURRENT_IMPORT_A", "Current.Import", "Sample.Periodic", 32.0, "A", "L2", ""),
            ("VOLTAGE_V", "Voltage", "Sample.Periodic", 230.0, "V", "L1-N", ""),
            ("SOC_PCT", "SoC", "Sample.Periodic", 80.0, "Percent", "", "EV"),
            ("ENERGY_IMPORT_WH", E, "Sample.Periodic", 99.0, "", "", ""),
            ("OTHER", "Current.Import", "Sample.Periodic", 5.0, "kWh", "", ""),
            ("OTHER", "Frequency", "Sample.Periodic", 50.0, "Hz", "", ""),
        ], got
        assert all((r["tx_id"], r["pile_tx_id"], r["evse_id"]) == (None, "", 0) for r in rows), rows
        p.close()


# ------------------------------------------------------------------ device model

def test_notify_report_stores_device_vars(t):
    with Gateway() as gw:
        p = gw.pile("CS-NR", V)
        body = notify_report()
        assert p.call("NotifyReport", body) == {}
        rows = gw.query("SELECT component, component_instance, evse_id, connector_id, variable,"
                        " variable_instance, attribute, value, readonly FROM device_vars"
                        " WHERE pile = 'CS-NR' ORDER BY component, variable, attribute")
        assert [tuple(r.values()) for r in rows] == [
            ("Connector", "", 1, 1, "ConnectorType", "", "Actual", "cCCS2", 1),
            ("EVSE", "", 1, -1, "Power", "", "MaxSet", "150000", 1),
            ("OCPPCommCtrlr", "Primary", -1, -1, "MessageAttempts", "TransactionEvent", "Actual", "5", 0),
            ("SampledDataCtrlr", "", -1, -1, "TxUpdatedInterval", "", "Actual", "30", 0),
            ("SampledDataCtrlr", "", -1, -1, "TxUpdatedInterval", "", "Target", "60", 0),
        ], rows  # the WriteOnly password reports no value and is not stored
        rep = reports(gw, "CS-NR")
        assert [(r["kind"], r["status"], r["detail"], r["pile_ms"]) for r in rep] == [
            ("NotifyReport", "", "requestId=42 seqNo=0 tbc=false reportData=5 vars=5",
             ms(body["generatedAt"]))], rep
        # a later report updates a value in place
        body = notify_report(seq=1)
        body["reportData"] = [{"component": {"name": "SampledDataCtrlr"},
                               "variable": {"name": "TxUpdatedInterval"},
                               "variableAttribute": [{"value": "60"}]}]
        assert p.call("NotifyReport", body) == {}
        v = gw.query("SELECT value FROM device_vars WHERE pile = 'CS-NR'"
                     " AND variable = 'TxUpdatedInterval' AND attribute = 'Actual'")
        assert v == [{"value": "60"}], v
        p.close()


def test_notify_event_one_report_per_event(t):
    with Gateway() as gw:
        p = gw.pile("CS-NE", V)
        assert p.call("NotifyEvent", notify_event()) == {}
        got = [(r["kind"], r["status"], r["detail"], r["pile_ms"]) for r in reports(gw, "CS-NE")]
        assert got == [
            ("NotifyEvent", "Delta", "eventId=7 Connector/AvailabilityState=Faulted techCode=E-CP-12"
             " cleared=false", ms("2024-05-01T10:00:00.000Z")),
            ("NotifyEvent", "Alerting", "eventId=8 ChargingStation/Temperature=81.5"
             " transactionId=TX-EVT-1", ms("2024-05-01T10:05:00.000Z")),
        ], got
        p.close()


def test_notifications_kept_as_reports(t):
    at = whole_second_ms()
    profile = {"id": 3, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
               "chargingProfileKind": "Absolute", "chargingSchedule": [charging_schedule(1, 3)]}
    calls = [  # (action, request, answer, (kind, status, detail, pile_ms))
        ("NotifyMonitoringReport", notify_monitoring_report(), {},
         ("NotifyMonitoringReport", "", "requestId=5 seqNo=0 tbc=false monitor=2",
          ms("2024-05-01T11:00:00.000Z"))),
        ("NotifyCustomerInformation", {"data": "Jane Doe, jane@example.com, card 04A1B2C3D4",
                                       "seqNo": 0, "generatedAt": iso_ms(at), "requestId": 9}, {},
         ("NotifyCustomerInformation", "", "requestId=9 seqNo=0", at)),
        ("NotifyDisplayMessages", {"requestId": 3, "messageInfo": [
            {"id": 1, "priority": "NormalCycle",
             "message": {"format": "UTF8", "content": "Welcome", "language": "en"}}]}, {},
         ("NotifyDisplayMessages", "", "requestId=3 messageInfo=1", 0)),
        ("NotifyChargingLimit", {"evseId": 1, "chargingLimit": {"chargingLimitSource": "EMS",
                                                                "isGridCritical": True},
                                 "chargingSchedule": [charging_schedule()]}, {},
         ("NotifyChargingLimit", "EMS", "evseId=1 isGridCritical=true chargingSchedule=1", 0)),
        ("ClearedChargingLimit", {"chargingLimitSource": "SO", "evseId": 1}, {},
         ("ClearedChargingLimit", "SO", "evseId=1", 0)),
        ("NotifyEVChargingNeeds", {"evseId": 1, "maxScheduleTuples": 3, "chargingNeeds": {
            "requestedEnergyTransfer": "AC_three_phase", "departureTime": "2024-05-01T18:00:00.000Z",
            "acChargingParameters": {"energyAmount": 30000, "evMinCurrent": 6, "evMaxCurrent": 32,
                                     "evMaxVoltage": 400}}},
         {"status": "Rejected", "statusInfo": {"reasonCode": "NotSupported", "additionalInfo":
                                               "no smart charging here: no schedule will follow"}},
         ("NotifyEVChargingNeeds", "AC_three_phase",
          "evseId=1 maxScheduleTuples=3 departureTime=2024-05-01T18:00:00.000Z", 0)),
        ("NotifyEVChargingSchedule", {"timeBase": iso_ms(at), "evseId": 1,
                                      "chargingSchedule": charging_schedule(2, 2)},
         {"status": "Accepted"},
         ("NotifyEVChargingSchedule", "", "evseId=1 chargingRateUnit=W chargingSchedulePeriod=2", at)),
        ("ReportChargingProfiles", {"requestId": 4, "chargingLimitSource": "CSO", "tbc": False,
                                    "evseId": 1, "chargingProfile": [profile]}, {},
         ("ReportChargingProfiles", "CSO", "requestId=4 evseId=1 tbc=false chargingProfile=1", 0)),
        ("ReservationStatusUpdate", {"reservationId": 12, "reservationUpdateStatus": "Expired"}, {},
         ("ReservationStatusUpdate", "Expired", "reservationId=12", 0)),
        ("SecurityEventNotification", {"type": "InvalidCsmsCertificate", "timestamp": iso_ms(at),
                                       "techInfo": "chain depth 3"}, {},
         ("SecurityEventNotification", "InvalidCsmsCertificate", "techInfo=chain depth 3", at)),
        ("FirmwareStatusNotification", {"status": "Installed", "requestId": 7}, {},
         ("FirmwareStatusNotification", "Installed", "requestId=7", 0)),
        ("PublishFirmwareStatusNotification", {"status": "Published", "requestId": 8, "location": [
            "http://10.0.0.5/fw.bin", "https://cs.local/fw.bin"]}, {},
         ("PublishFirmwareStatusNotification", "Published", "requestId=8 location=2", 0)),
        ("LogStatusNotification", {"status": "Uploaded", "requestId": 6}, {},
         ("LogStatusNotification", "Uploaded", "requestId=6", 0)),
        ("DataTransfer", {"vendorId": "com.kempower", "messageId": "DiagBundle", "data": {"x": 1}},
         {"status": "UnknownVendorId"}, ("DataTransfer", "com.kempower", "messageId=DiagBundle", 0)),
        ("GetCertificateStatus", {"ocspRequestData": {
            "hashAlgorithm": "SHA256", "issuerNameHash": "9a1c", "issuerKeyHash": "7b2d",
            "serialNumber": "5f3e01", "responderURL": "http://ocsp.v2g.example/"}},
         {"status": "Failed", "statusInfo": {"reasonCode": "NotSupported",
                                             "additionalInfo": "no OCSP client in this CSMS"}},
         ("GetCertificateStatus", "", "serialNumber=5f3e01 responderURL=http://ocsp.v2g.example/", 0)),
        ("Get15118EVCertificate", {"iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef",
                                   "action": "Install", "exiRequest": "gAAQABAgME"},
         {"status": "Failed", "statusInfo": {"reasonCode": "NotSupported",
                                             "additionalInfo": "no ISO 15118 PKI in this CSMS"},
          "exiResponse": ""},
         ("Get15118EVCertificate", "Install", "iso15118SchemaVersion=urn:iso:15118:2:2013:MsgDef", 0)),
    ]
    with Gateway() as gw:
        p = gw.pile("CS-REP", V)
        for action, req, answer, _ in calls:
            res = p.call(action, req)
            assert res == answer, (action, res)
        got = [(r["kind"], r["status"], r["detail"], r["pile_ms"]) for r in reports(gw, "CS-REP")]
        assert got == [c[3] for c in calls], got
        # customer information is personal data: it stays in the frame log only
        assert not any("jane" in r["detail"].lower() for r in reports(gw, "CS-REP"))
        p.close()


# ------------------------------------------------------------------ SignCertificate

def test_sign_certificate_accepted_then_chain_delivered(t):
    f = CsrFactory()
    try:
        with Gateway(ocpp={"operator_name": OPERATOR}) as gw:
            p = gw.pile("CS-PKI", V)
            res = p.call("SignCertificate", {"csr": f.csr("CS-PKI"),
                                             "certificateType": "ChargingStationCertificate"})
            assert res == {"status": "Accepted"}, res
            calls = wait_until("CertificateSigned", lambda: server_calls(p, "CertificateSigned"), pile=p)
            assert len(calls) == 1 and set(calls[0]) == {"certificateChain", "certificateType"}, calls
            assert calls[0]["certificateType"] == "ChargingStationCertificate", calls
            ok, subject, n = f.verify_chain(calls[0]["certificateChain"])
            assert ok, "chain does not verify against certs/dev/ca.pem"
            assert "CN=CS-PKI" in subject and "O=" + OPERATOR in subject and n == 2, (subject, n)
            rep = wait_until("CertificateSigned kept", lambda: reports(gw, "CS-PKI", "CertificateSigned"),
                             pile=p)
            assert [(r["status"]) for r in rep] == ["Accepted"], rep
            cmds = gw.query("SELECT action, outcome FROM commands WHERE pile = 'CS-PKI'")
            assert cmds == [{"action": "CertificateSigned", "outcome": "ACCEPTED"}], cmds
            p.close()
    finally:
        f.close()


def test_sign_certificate_refusals(t):
    f = CsrFactory()
    try:
        with Gateway(ocpp={"operator_name": OPERATOR}) as gw:
            p = gw.pile("CS-PKI2", V)
            for csr in (f.csr("CS-SOMEONE-ELSE"), f.csr("CS-PKI2", o="Evil Corp")):
                res = p.call("SignCertificate", {"csr": csr})
                assert set(res) == {"status", "statusInfo"} and res["status"] == "Rejected", res
                assert res["statusInfo"]["reasonCode"] == "InvalidCSR", res
            res = p.call("SignCertificate", {"csr": f.csr("CS-PKI2"),
                                             "certificateType": "V2GCertificate"})
            assert res == {"status": "Rejected", "statusInfo": {
                "reasonCode": "NotSupported", "additionalInfo": "no V2G sub-CA in this CSMS"}}, res
            p.pump(0.3)
            assert server_calls(p, "CertificateSigned") == [], p.server_calls
            rep = reports(gw, "CS-PKI2")
            assert [(r["kind"], r["status"]) for r in rep] == [("SecurityEvent", "CsrRejected")] * 2, rep
            assert gw.query("SELECT count(*) AS n FROM commands")[0]["n"] == 0
            p.close()
    finally:
        f.close()


# ------------------------------------------------------------------ coverage

def test_every_handler_has_a_test_here(t):
    """A row added to src/ocpp201/actions.c with a handler needs a test in this file."""
    assert_every_handler_tested("ocpp201", __file__, 25)


run(globals())
