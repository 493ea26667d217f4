"""Tiny vocabulary for describing OCPP 2.0.1 payloads.

A field spec is a plain JSON-Schema fragment built with the helpers below;
a datatype is an object with fields. Only the keywords accepted by
src/schema/ are produced (see check.py for the list).
"""


def S(max_len, desc=None):
    """string[n] / identifierString[n] / passwordString[n]."""
    return _d({"type": "string", "maxLength": max_len}, desc)


def I(minimum=None, maximum=None, desc=None):
    """integer, optionally bounded."""
    spec = {"type": "integer"}
    if minimum is not None:
        spec["minimum"] = minimum
    if maximum is not None:
        spec["maximum"] = maximum
    return _d(spec, desc)


def N(desc=None):
    """decimal."""
    return _d({"type": "number"}, desc)


def B(desc=None):
    return _d({"type": "boolean"}, desc)


def DT(desc=None):
    """dateTime (RFC 3339)."""
    return _d({"type": "string", "format": "date-time"}, desc)


def ANY(desc):
    """anyType: no constraint at all (only DataTransfer.data)."""
    return {"description": desc}


def R(name):
    """Reference to a datatype or enum defined in types.py."""
    return {"$ref": "#/definitions/" + name}


def A(item, min_items=1, max_items=None, desc=None):
    spec = {"type": "array", "items": item, "minItems": min_items}
    if max_items is not None:
        spec["maxItems"] = max_items
    return _d(spec, desc)


def req(name, spec):
    return (name, spec, True)


def opt(name, spec):
    return (name, spec, False)


def _d(spec, desc):
    if desc:
        return dict({"description": desc}, **spec)
    return spec


# Common shapes, so every message says the same thing the same way.
EVSE_ID = I(0, desc="EVSE id; 0 addresses the Charging Station as a whole where the message allows it.")
CONNECTOR_ID = I(0, desc="Connector id, unique within its EVSE.")
SEQ_NO = I(0, desc="Sequence number of this message, starting at 0.")
TX_ID = S(36, desc="Transaction id as assigned by the Charging Station.")
REQUEST_ID = I(desc="Id of the request this message belongs to.")
TBC = B(desc="To be continued: more messages for this request follow. Absent means false.")
GENERATED_AT = DT(desc="When the Charging Station generated this message.")
STATUS_INFO = R("StatusInfoType")
