/* SPDX-License-Identifier: MIT
 *
 * timeline.h - one order's facts, as the billing window and the anomaly
 * detectors read them (DESIGN.md "Orders", "Billing anomalies").
 *
 * The store (a later step) builds a timeline from an order's events, status
 * history, meter samples and commands; everything here only reads it.  All
 * at_ms fields are pile time corrected by the measured clock offset (server
 * clock = pile clock - clock_offset_ms), ms since the epoch, UTC; arrays are
 * sorted by time, equal times keep arrival order.  The only uncorrected
 * times are tl_stamp (CLOCK_SKEW needs the raw stamps) and tl_command
 * (server clock).
 *
 * Lifetime: a timeline and its arrays belong to the caller and must outlive
 * every call that reads them; nothing here frees or keeps a pointer.
 */
#ifndef DOMAIN_BILLING_TIMELINE_H
#define DOMAIN_BILLING_TIMELINE_H
#include <stddef.h>
#include <stdint.h>

#include "domain/vocab.h"

enum tl_current {
	TL_CURRENT_UNKNOWN = 0,
	TL_CURRENT_AC,
	TL_CURRENT_DC,
};

/* One connector status observation (StatusNotification, or the chargingState
 * / trigger of a 2.0.1 TransactionEvent).  Holds until the next one. */
struct tl_status {
	int64_t at_ms;
	enum conn_state state;      /* CONN_UNKNOWN: the message carried only plug evidence */
	enum plug_evidence plugged; /* what the translator read from the message */
};

#define TL_HAVE_ENERGY 0x1u
#define TL_HAVE_POWER 0x2u
#define TL_HAVE_CURRENT 0x4u

/* One sampling instant: the phase totals of one MeterValue. */
struct tl_sample {
	int64_t at_ms;
	unsigned have;      /* TL_HAVE_* present in this row */
	int64_t energy_wh;  /* Energy.Active.Import.Register, Wh */
	int64_t power_w;    /* Power.Active.Import, W */
	int64_t current_ma; /* Current.Import, mA (sum of phases if no total) */
	enum reading_ctx context;
};

enum tl_command_kind {
	TL_CMD_REMOTE_STOP = 0, /* RemoteStopTransaction / RequestStopTransaction */
	TL_CMD_TRIGGER_METER,   /* TriggerMessage(MeterValues) */
	TL_CMD_TRIGGER_STATUS,  /* TriggerMessage(StatusNotification / TransactionEvent) */
	TL_CMD_OTHER,
};

/* A command we sent to the pile for this order, on the server clock. */
struct tl_command {
	enum tl_command_kind kind;
	int64_t sent_ms;
	int64_t accepted_ms; /* when the pile answered Accepted, 0 = not accepted (yet) */
};

/* A message's own stamp next to its receive time, both uncorrected. */
struct tl_stamp {
	int64_t pile_ms;
	int64_t recv_ms;
};

/* Another order that overlaps this one on its connector or its idTag. */
struct tl_other_order {
	int64_t order_id;
	int same_connector; /* 1: same connector as this order */
	int same_token;     /* 1: same idTag, on another connector */
	int64_t start_ms;
	int64_t end_ms;     /* 0 = still open */
};

/* A stretch of time [from_ms, to_ms), e.g. the pile being offline. */
struct tl_span {
	int64_t from_ms;
	int64_t to_ms;
};

/* Configuration the pile accepted at boot (DESIGN.md "Configuration pushed"). */
#define TL_CFG_SAMPLE_INTERVAL 0x01u      /* MeterValueSampleInterval */
#define TL_CFG_SAMPLED_POWER 0x02u        /* Power.Active.Import sampled */
#define TL_CFG_SAMPLED_CURRENT 0x04u      /* Current.Import sampled */
#define TL_CFG_CLOCK_ALIGNED 0x08u        /* ClockAlignedDataInterval */
#define TL_CFG_STOP_ON_EV_DISCONNECT 0x10u /* StopTransactionOnEVSideDisconnect */

/* One order's facts; built per evaluation, freed by whoever built it. */
struct order_timeline {
	int64_t order_id;
	int64_t now_ms;          /* evaluation time: open orders are judged up to it */
	int64_t clock_offset_ms; /* already applied to every at_ms; kept as evidence */

	/* the connector (registration or device model) */
	enum tl_current current;
	int64_t p_max_w;           /* nameplate maximum power, W; 0 = unknown */
	int64_t sample_interval_s; /* accepted MeterValueSampleInterval, 0 = none */
	unsigned cfg;              /* TL_CFG_* accepted */

	/* authorization and the pile's transaction */
	int64_t auth_ms; /* Authorize / remote start accepted; 0 = none (tx start counts) */
	int64_t tx_start_ms;
	int have_meter_start;
	int64_t meter_start_wh;
	int have_stop; /* the end message arrived */
	int64_t tx_stop_ms;
	int have_meter_stop;
	int64_t meter_stop_wh; /* as reported: may be -1 or below the start */
	char stop_reason[32];  /* 1.6 reason / 2.0.1 stoppedReason, "" if none */

	/* observations, sorted by time */
	const struct tl_status *status;
	size_t n_status;
	const struct tl_sample *samples;
	size_t n_samples;
	const struct tl_command *commands;
	size_t n_commands;
	const int64_t *faults_ms; /* faults seen other than a FAULTED status */
	size_t n_faults;
	const struct tl_span *offline; /* the pile was not connected */
	size_t n_offline;
	const struct tl_stamp *stamps; /* every frame of the order; any order */
	size_t n_stamps;
	const struct tl_other_order *others; /* overlapping orders, any order */
	size_t n_others;
};

/* GW_OK, or GW_EINVAL when an array is NULL with a count or a time-sorted
 * array is out of order.  Every function below assumes a checked timeline. */
int order_timeline_check(const struct order_timeline *tl);

/* End of the pile's transaction as billed: the stop time, or now_ms while
 * it is open. */
int64_t order_timeline_tx_end(const struct order_timeline *tl);

/* Connector state at at_ms: the last status with a state at or before it,
 * CONN_UNKNOWN if none. */
enum conn_state order_timeline_state_at(const struct order_timeline *tl, int64_t at_ms);

/* Plug evidence one status carries: its `plugged` when known, else YES for
 * CHARGING / SUSPENDED_EV / SUSPENDED_EVSE, NO for AVAILABLE, UNKNOWN for
 * the rest (PREPARING is not evidence: DESIGN.md "Billing anomalies"). */
enum plug_evidence order_timeline_status_plug(const struct tl_status *s);

/* 1 if the row shows current flowing: current >= flow_current_ma or power
 * >= flow_power_w (a row without either measurand shows nothing). */
int order_timeline_sample_flows(const struct tl_sample *s, int64_t flow_current_ma,
				int64_t flow_power_w);

/* First instant in [from_ms, to_ms) with strong plug evidence: from_ms when
 * the last status evidence at or before it says YES, else the first status
 * saying YES or the first sample showing current flowing.  Returns 1 and
 * sets *at_ms, or 0 when there is none. */
int order_timeline_plug_start(const struct order_timeline *tl, int64_t from_ms, int64_t to_ms,
			      int64_t flow_current_ma, int64_t flow_power_w, int64_t *at_ms);

/* First status in (from_ms, to_ms) whose evidence says NO (1.6 AVAILABLE,
 * 2.0.1 EVCommunicationLost / Idle after a plug).  1 and *at_ms, or 0. */
int order_timeline_unplug_after(const struct order_timeline *tl, int64_t from_ms, int64_t to_ms,
				int64_t *at_ms);

/* 1 if the stop reason names a fault: EmergencyStop, PowerLoss, GroundFault,
 * OvercurrentFault, PowerQuality (any case). */
int order_timeline_fault_reason(const char *stop_reason);

/* First fault at or after from_ms: a FAULTED status, an entry of faults_ms,
 * or, for a fault stop reason, the pile's last sign of life before the stop
 * (its last status or sample before tx_stop_ms, from_ms if none): the fault
 * happened then, the stop merely reports it.  1 and *at_ms, or 0. */
int order_timeline_first_fault(const struct order_timeline *tl, int64_t from_ms, int64_t *at_ms);

/* First accepted remote stop at or after from_ms.  1 and *accepted_ms, or 0. */
int order_timeline_stop_accepted(const struct order_timeline *tl, int64_t from_ms,
				 int64_t *accepted_ms);

#endif
