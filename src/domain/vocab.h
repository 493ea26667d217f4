/* SPDX-License-Identifier: MIT
 *
 * vocab.h - the normalized vocabulary (DESIGN.md "The normalized vocabulary").
 *
 * The 1.6 and 2.0.1 handler tables translate every payload into these plain
 * structs; the domain, the detectors and the store speak only this.  No
 * json-c, no lws, no protocol version in here.  Units are in the names and
 * are already normalized: energy in Wh, power in W, current in A, SoC in %.
 * Times are ms since the Unix epoch, UTC: pile_ms is what the pile stamped,
 * recv_ms is when we received it (PROTOCOL.md 1.4: keep both).
 *
 * Lifetime: every struct here lives for one frame unless copied; string
 * fields are fixed arrays, so copying a struct copies everything.
 */
#ifndef DOMAIN_VOCAB_H
#define DOMAIN_VOCAB_H
#include <stddef.h>
#include <stdint.h>

#define VOCAB_TOKEN_MAX 36   /* 1.6 idTag is 20, 2.0.1 IdToken.idToken is 36 */
#define VOCAB_PILE_TX_MAX 36 /* 2.0.1 transactionId string[36] */

/* ---- connector state -------------------------------------------------- */

enum conn_state {
	CONN_UNKNOWN = 0,
	CONN_AVAILABLE,
	CONN_PREPARING, /* a tag, a cable or an occupied bay: not proof of a plug */
	CONN_CHARGING,
	CONN_SUSPENDED_EV,
	CONN_SUSPENDED_EVSE,
	CONN_FINISHING,
	CONN_RESERVED,
	CONN_UNAVAILABLE,
	CONN_FAULTED,
	CONN_STATE_COUNT
};

/* "AVAILABLE", ... ; never NULL. */
const char *conn_state_name(enum conn_state s);

enum plug_evidence {
	PLUG_UNKNOWN = -1, /* the message says nothing about the cable */
	PLUG_NO = 0,       /* known unplugged (2.0.1 Available, EVCommunicationLost, ...) */
	PLUG_YES = 1,      /* strong evidence: charging/suspended, Occupied, CablePluggedIn */
};

/* One status change of one connector (1.6 StatusNotification, 2.0.1
 * StatusNotification or the chargingState/trigger of a TransactionEvent). */
struct status_report {
	int evse_id;      /* 2.0.1 EVSE id; 1.6: the connector id; 0 = whole pile */
	int connector_id; /* 0 = whole pile / EVSE */
	enum conn_state state;
	enum plug_evidence plugged;
	char error_code[51];   /* 1.6 ChargePointErrorCode ("NoError"), "" in 2.0.1 */
	char info[51];         /* free text from the pile */
	char vendor_id[256];   /* 1.6 vendorId */
	char vendor_error[51]; /* 1.6 vendorErrorCode */
	char raw_status[32];   /* the status word as the pile sent it */
	int64_t pile_ms;
};

/* ---- meter samples ---------------------------------------------------- */

enum measurand {
	MEAS_ENERGY_IMPORT_WH = 0, /* Energy.Active.Import.Register, Wh */
	MEAS_POWER_IMPORT_W,       /* Power.Active.Import, W */
	MEAS_CURRENT_IMPORT_A,     /* Current.Import, A */
	MEAS_SOC_PCT,              /* SoC, % */
	MEAS_VOLTAGE_V,            /* Voltage, V */
	MEAS_POWER_OFFERED_W,      /* Power.Offered, W */
	MEAS_OTHER,                /* kept with its raw name, not judged */
};

enum reading_ctx {
	CTX_SAMPLE_PERIODIC = 0,
	CTX_SAMPLE_CLOCK,
	CTX_TX_BEGIN,
	CTX_TX_END,
	CTX_TRIGGER,
	CTX_INTERRUPTION_BEGIN,
	CTX_INTERRUPTION_END,
	CTX_OTHER,
};

struct meter_sample {
	int64_t pile_ms;
	int evse_id;
	int connector_id;
	enum measurand measurand;
	enum reading_ctx context;
	double value;          /* normalized unit (Wh, W, A, %, V) */
	char measurand_raw[48]; /* as sent, e.g. "Energy.Active.Import.Register" */
	char unit_raw[12];      /* as sent, e.g. "kWh" */
	char phase[8];          /* "L1", "L1-N", ... or "" (phase total) */
	char location[8];       /* "Outlet", "Inlet", "EV", ... or "" */
	int signed_data;        /* 1 if the value came as SignedData (kept raw in frames) */
};

/* ---- authorization ---------------------------------------------------- */

enum auth_status {
	AUTH_ACCEPTED = 0,
	AUTH_BLOCKED,
	AUTH_EXPIRED,
	AUTH_INVALID,
	AUTH_CONCURRENT_TX,
	AUTH_UNKNOWN,   /* 2.0.1 only; 1.6 answers Invalid */
	AUTH_NO_CREDIT, /* 2.0.1 only; 1.6 answers Blocked */
};

struct auth_info {
	enum auth_status status;
	int64_t expiry_ms;          /* 0 = none */
	char group_id[VOCAB_TOKEN_MAX + 1]; /* 1.6 parentIdTag / 2.0.1 groupIdToken, "" = none */
};

/* ---- transactions ----------------------------------------------------- */

enum tx_event_kind {
	TX_STARTED = 0, /* 1.6 StartTransaction, 2.0.1 TransactionEvent(Started) */
	TX_UPDATED,     /* 2.0.1 TransactionEvent(Updated) */
	TX_ENDED,       /* 1.6 StopTransaction, 2.0.1 TransactionEvent(Ended) */
};

/* One transaction message from either version. */
struct tx_event {
	enum tx_event_kind kind;
	int64_t tx_id;                         /* 1.6: our id (0 on a start); 2.0.1: 0 */
	char pile_tx_id[VOCAB_PILE_TX_MAX + 1]; /* 2.0.1 transactionId; "" in 1.6 */
	int64_t seq_no;                        /* 2.0.1 seqNo; -1 in 1.6 */
	int evse_id;
	int connector_id;
	char id_token[VOCAB_TOKEN_MAX + 1]; /* "" when absent */
	char id_token_type[21];             /* 2.0.1 IdTokenEnumType, "" in 1.6 */
	int have_meter;                     /* meter_wh is meaningful */
	int64_t meter_wh;                   /* 1.6 meterStart/meterStop (may be -1 or wrong: accept, then flag) */
	int64_t pile_ms;
	char trigger[32];                   /* 2.0.1 triggerReason, "" in 1.6 */
	enum conn_state charging_state;     /* 2.0.1 chargingState mapped, CONN_UNKNOWN if absent */
	enum plug_evidence plugged;         /* evidence carried by this event */
	char stop_reason[32];               /* 1.6 reason / 2.0.1 stoppedReason, "" if none */
	int offline;                        /* 2.0.1 offline flag */
	int reservation_id;                 /* -1 if none */
	int remote_start_id;                /* 2.0.1 remoteStartId, -1 if none */
	const struct meter_sample *samples; /* attached meter values, borrowed */
	size_t n_samples;
};

struct tx_result {
	int64_t tx_id;      /* our transaction id (1.6 answers it) */
	int duplicate;      /* 1 = idempotent replay, nothing changed */
	struct auth_info auth; /* idTagInfo / idTokenInfo to answer */
	int have_cost;      /* 2.0.1 totalCost to answer (filled from issue 4 on) */
	int64_t total_cost_minor;
	char currency[4];
};

/* ---- boot and other reports ------------------------------------------- */

enum reg_status {
	REG_ACCEPTED = 0,
	REG_PENDING,
	REG_REJECTED,
};

struct boot_report {
	char vendor[51];
	char model[51];
	char serial[51];      /* chargePointSerialNumber / chargingStation.serialNumber */
	char firmware[51];
	char iccid[21];
	char imsi[21];
	char meter_type[26];
	char meter_serial[26];
	char reason[32];      /* 2.0.1 BootReasonEnumType, "" in 1.6 */
};

struct boot_result {
	enum reg_status status;
	int interval_s; /* heartbeat interval (Accepted) or retry interval (Pending/Rejected) */
};

/* Anything else a pile reports that we keep but do not judge: firmware and
 * diagnostics status, security events, log status, notify events, ... The full
 * payload is in the raw frame log; this is the searchable summary. */
struct pile_report {
	char kind[48];    /* the action name, e.g. "SecurityEventNotification" */
	char status[64];  /* its main word: status / type / "" */
	char detail[256]; /* short extra text (techInfo, eventCode, ...) */
	int64_t pile_ms;  /* 0 if the message carries no time */
};

/* One device-model value: 2.0.1 NotifyReport / GetVariables, or a 1.6
 * configuration key (component "" and variable = key). */
struct device_var {
	char component[51];
	char component_instance[51];
	int evse_id;      /* -1 if none */
	int connector_id; /* -1 if none */
	char variable[51];
	char variable_instance[51];
	char attribute[8]; /* Actual / Target / MinSet / MaxSet; "Actual" for 1.6 */
	char value[2501];
	int readonly;
};

/* "Energy.Active.Import.Register" -> MEAS_ENERGY_IMPORT_WH; NULL or "" gives
 * the spec default (the energy register); unknown words MEAS_OTHER. */
enum measurand measurand_parse(const char *name);

/* "Sample.Clock" -> CTX_SAMPLE_CLOCK; NULL or "" gives Sample.Periodic. */
enum reading_ctx reading_ctx_parse(const char *name);

/* Convert raw x 10^multiplier_exp10 in `unit` (NULL = the measurand's default
 * unit) to the normalized unit of m: kWh -> Wh, kW -> W.  GW_OK, or
 * GW_ECONSTRAINT when the unit does not fit the measurand or raw is not
 * finite.  MEAS_OTHER values pass through unchanged. */
int meter_normalize(enum measurand m, const char *unit, int multiplier_exp10, double raw, double *out);

#endif
