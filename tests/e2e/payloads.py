# SPDX-License-Identifier: MIT
"""payloads - realistic pile payloads and small helpers shared by the
handler tests (03-ocpp16-handlers, 04-ocpp201-handlers).

Only the Python 3 standard library and the `openssl` CLI are used.  The
CSR helper makes a real PKCS#10 request in a temp dir, the way a pile's
firmware would (EC P-256: fast, and >= 112-bit security as A00.FR.501 asks).
"""
import calendar
import os
import re
import shutil
import subprocess
import tempfile
import time

from gwtest import SRC, iso

CA_PEM = os.path.join(SRC, "certs", "dev", "ca.pem")
OPERATOR = "Acme Charging Ltd"


# ---------------------------------------------------------------- time

def ms(text):
    """RFC 3339 'YYYY-MM-DDTHH:MM:SS[.fff]Z' -> ms since the epoch."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?Z$", text)
    assert m, "not a UTC RFC 3339 time: %r" % text
    secs = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    return secs * 1000 + int((m.group(2) or "0").ljust(3, "0"))


def iso_ms(at_ms):
    return iso(at_ms / 1000.0)


def assert_now(text, slack_s=10):
    """A currentTime from the gateway: well formed, close to our clock."""
    got = ms(text)
    assert abs(got - time.time() * 1000) < slack_s * 1000, "currentTime %s is not now" % text


def whole_second_ms():
    """A pile timestamp in the recent past, on a whole second."""
    return (int(time.time()) - 60) * 1000


# ---------------------------------------------------------------- waiting

def wait_until(what, fn, timeout=5.0, pile=None):
    """Poll fn() until it returns something truthy; answer the server's
    CALLs on pile meanwhile.  Returns fn()'s value."""
    end = time.time() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.time() > end:
            raise AssertionError("timed out waiting for " + what)
        if pile is not None:
            pile.pump(0.05)
        else:
            time.sleep(0.05)


def server_calls(pile, action):
    return [p for a, p in pile.server_calls if a == action]


# ---------------------------------------------------------------- certificates

class CsrFactory:
    """Makes keys and CSRs with the openssl CLI in a private temp dir."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ocppgw-csr-")
        self.n = 0

    def csr(self, cn, o=OPERATOR, extra_subject=""):
        self.n += 1
        key = os.path.join(self.dir, "k%d.pem" % self.n)
        out = os.path.join(self.dir, "r%d.csr" % self.n)
        subj = "/C=GB%s/O=%s/CN=%s" % (extra_subject, o, cn)
        subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                        "-subj", subj, "-sha256", "-out", out],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            return f.read()

    def verify_chain(self, chain_pem):
        """openssl verify the leaf of chain_pem against certs/dev/ca.pem.
        Returns (ok, leaf subject line, number of certificates)."""
        certs = re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----",
                           chain_pem, re.S)
        self.n += 1
        leaf = os.path.join(self.dir, "leaf%d.pem" % self.n)
        with open(leaf, "w") as f:
            f.write(certs[0] + "\n" if certs else chain_pem)
        v = subprocess.run(["openssl", "verify", "-CAfile", CA_PEM, leaf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        s = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253",
                            "-in", leaf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        return v.returncode == 0 and ": OK" in v.stdout, s.stdout.strip(), len(certs)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- OCPP 1.6

BOOT16 = {
    "chargePointVendor": "Alfen BV",
    "chargePointModel": "NG920-61001",
    "chargePointSerialNumber": "ACE0123456",
    "chargeBoxSerialNumber": "CB-OLD-99",
    "firmwareVersion": "5.8.1-4123",
    "iccid": "89314404000012345678",
    "imsi": "204080123456789",
    "meterType": "Eastron SDM630",
    "meterSerialNumber": "SDM-0042-77",
}


def sv16(value, measurand=None, unit=None, context=None, phase=None, location=None, fmt=None):
    d = {"value": value}
    for k, v in (("measurand", measurand), ("unit", unit), ("context", context),
                 ("phase", phase), ("location", location), ("format", fmt)):
        if v is not None:
            d[k] = v
    return d


# ---------------------------------------------------------------- OCPP 2.0.1

BOOT201 = {
    "reason": "PowerUp",
    "chargingStation": {
        "vendorName": "Kempower",
        "model": "S-Series Satellite",
        "serialNumber": "KP-S-2024-0815",
        "firmwareVersion": "1.42.0",
        "modem": {"iccid": "89462046040012345678", "imsi": "240074612345678"},
    },
}


def sv201(value, measurand=None, unit=None, multiplier=None, context=None, phase=None,
          location=None):
    d = {"value": value}
    if unit is not None or multiplier is not None:
        d["unitOfMeasure"] = {}
        if unit is not None:
            d["unitOfMeasure"]["unit"] = unit
        if multiplier is not None:
            d["unitOfMeasure"]["multiplier"] = multiplier
    for k, v in (("measurand", measurand), ("context", context), ("phase", phase),
                 ("location", location)):
        if v is not None:
            d[k] = v
    return d


def notify_report(request_id=42, seq=0, tbc=False):
    """A slice of a GetBaseReport(FullInventory) answer: connector facts the
    detectors need (type, nameplate power), a read-only and a read-write
    value, a WriteOnly variable (no value) and a Target attribute."""
    return {
        "requestId": request_id, "generatedAt": iso(), "seqNo": seq, "tbc": tbc,
        "reportData": [
            {"component": {"name": "EVSE", "evse": {"id": 1}},
             "variable": {"name": "Power"},
             "variableAttribute": [{"type": "MaxSet", "value": "150000", "mutability": "ReadOnly"}],
             "variableCharacteristics": {"unit": "W", "dataType": "decimal",
                                         "supportsMonitoring": True}},
            {"component": {"name": "Connector", "evse": {"id": 1, "connectorId": 1}},
             "variable": {"name": "ConnectorType"},
             "variableAttribute": [{"value": "cCCS2", "mutability": "ReadOnly"}],
             "variableCharacteristics": {"dataType": "string", "supportsMonitoring": False}},
            {"component": {"name": "SampledDataCtrlr"},
             "variable": {"name": "TxUpdatedInterval"},
             "variableAttribute": [{"type": "Actual", "value": "30", "mutability": "ReadWrite"},
                                   {"type": "Target", "value": "60"}],
             "variableCharacteristics": {"unit": "s", "dataType": "integer",
                                         "supportsMonitoring": False}},
            {"component": {"name": "SecurityCtrlr"},
             "variable": {"name": "BasicAuthPassword"},
             "variableAttribute": [{"mutability": "WriteOnly"}],
             "variableCharacteristics": {"dataType": "string",
                                         "supportsMonitoring": False}},
            {"component": {"name": "OCPPCommCtrlr", "instance": "Primary"},
             "variable": {"name": "MessageAttempts", "instance": "TransactionEvent"},
             "variableAttribute": [{"value": "5"}],
             "variableCharacteristics": {"dataType": "integer", "supportsMonitoring": False}},
        ],
    }


def notify_event():
    return {
        "generatedAt": iso(), "seqNo": 0, "tbc": False,
        "eventData": [
            {"eventId": 7, "timestamp": "2024-05-01T10:00:00.000Z", "trigger": "Delta",
             "actualValue": "Faulted", "techCode": "E-CP-12", "eventNotificationType": "HardWiredNotification",
             "cleared": False,
             "component": {"name": "Connector", "evse": {"id": 1, "connectorId": 1}},
             "variable": {"name": "AvailabilityState"}},
            {"eventId": 8, "timestamp": "2024-05-01T10:05:00.000Z", "trigger": "Alerting",
             "actualValue": "81.5", "eventNotificationType": "HardWiredMonitor",
             "transactionId": "TX-EVT-1",
             "component": {"name": "ChargingStation"},
             "variable": {"name": "Temperature"}},
        ],
    }


def notify_monitoring_report():
    return {
        "requestId": 5, "generatedAt": "2024-05-01T11:00:00.000Z", "seqNo": 0, "tbc": False,
        "monitor": [
            {"component": {"name": "ChargingStation"}, "variable": {"name": "Temperature"},
             "variableMonitoring": [{"id": 1, "transaction": False, "value": 80.0,
                                     "type": "UpperThreshold", "severity": 4}]},
            {"component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"},
             "variableMonitoring": [{"id": 2, "transaction": True, "value": 5000,
                                     "type": "Delta", "severity": 7}]},
        ],
    }


def charging_schedule(sched_id=1, periods=2):
    return {"id": sched_id, "chargingRateUnit": "W",
            "chargingSchedulePeriod": [{"startPeriod": 900 * i, "limit": 11000.0 - 1000 * i}
                                       for i in range(periods)]}
