/* SPDX-License-Identifier: MIT
 *
 * sim_pile.h - one simulated charge point: connectors, transactions,
 * configuration, clock, the CALL queue and timers.  Version-neutral: what
 * differs between 1.6 and 2.0.1 (message shapes, the server's actions) is
 * behind struct sim_proto (sim_v16.c, sim_v201.c).  The network is behind
 * sim_conn.h; whoever drives the pile (scenario runner, load generator)
 * listens through struct sim_pile_hooks.
 *
 * Flow: a state change (sim_pile_plug, _start_tx, ...) asks the proto to
 * build messages, which are queued (sim_pile_enqueue) and pumped one at a
 * time: the queue head is in flight until its answer arrives.
 *
 * Time: every callback into a pile (a frame, a timer, the link) is one
 * event of its clock (sim_vclock_enter/_leave), and a driver wraps what it
 * does to the pile the same way (the scenario runner does): all messages
 * of one event carry one stamp, and the samplers fire in pile-time order
 * with the driver's own virtual timers.
 */
#ifndef SIM_PILE_H
#define SIM_PILE_H
#include <stdint.h>

#include <ev.h>

#include "sim_config.h"
#include "sim_meter.h"
#include "sim_queue.h"
#include "sim_scenario.h"
#include "sim_vclock.h"

struct json_object;
struct lws;
struct sim_frame;
struct sim_net;
struct sim_pile;
struct sim_out;

/* Connector status, named as 1.6 names them (DESIGN.md vocabulary). */
enum sim_status {
	SIM_ST_AVAILABLE,
	SIM_ST_PREPARING,
	SIM_ST_CHARGING,
	SIM_ST_SUSPENDED_EV,
	SIM_ST_SUSPENDED_EVSE,
	SIM_ST_FINISHING,
	SIM_ST_RESERVED,
	SIM_ST_UNAVAILABLE,
	SIM_ST_FAULTED,
	SIM_ST_COUNT
};

enum sim_boot {
	SIM_BOOT_NONE,     /* not sent yet on this boot */
	SIM_BOOT_SENT,
	SIM_BOOT_PENDING,
	SIM_BOOT_REJECTED,
	SIM_BOOT_ACCEPTED,
};

/* A connector's transaction; active from start to end message. */
struct sim_tx {
	int active;
	int ref;                     /* local number, unique per pile (1.6 id patching) */
	char id[40];                 /* 2.0.1 transactionId, chosen by the pile */
	int seq_no;                  /* 2.0.1 next seqNo */
	char id_tag[40];
	int remote_start_id;         /* 2.0.1 RequestStart id, -1 none */
	int64_t start_ms;            /* pile time */
	struct json_object *start_payload; /* what was sent, for replay_start (owned) */
	int stop_requested;          /* a remote stop was accepted but ignored */
};

/* One connector (1.6) / EVSE with one connector (2.0.1). */
struct sim_connector {
	int id;                 /* 1-based */
	enum sim_status status;
	int plugged;
	int faulted;
	char error_code[40];    /* 1.6 StatusNotification.errorCode */
	double draw_w;          /* what the EV draws when it charges, W */
	struct sim_meter meter;
	struct sim_tx tx;
	int sent_status;        /* version-specific: last status value sent, -1 none */
	int sent_charging;      /* 2.0.1: last chargingState sent, -1 none */
};

/* The version-specific half.  Builders queue messages through
 * sim_pile_enqueue; dispatch answers one server CALL. */
struct sim_proto {
	const char *subprotocol; /* "ocpp1.6" */
	int version;             /* 16 or 201 */
	void (*boot)(struct sim_pile *p);
	void (*heartbeat)(struct sim_pile *p);
	/* status changed (or resend); trigger is a 2.0.1 triggerReason or NULL */
	void (*status)(struct sim_pile *p, struct sim_connector *c, const char *trigger);
	void (*authorize)(struct sim_pile *p, const char *id_tag);
	void (*tx_begin)(struct sim_pile *p, struct sim_connector *c, const char *trigger);
	void (*meter)(struct sim_pile *p, struct sim_connector *c, const char *context);
	void (*tx_end)(struct sim_pile *p, struct sim_connector *c, const char *reason,
		       const char *trigger);
	const char *start_action; /* the message that starts a transaction (sim_pile_resend_start) */
	/* our CALL m was answered with payload (a CALLRESULT) */
	void (*on_result)(struct sim_pile *p, struct sim_msg *m, struct json_object *payload);
	/* answer a server CALL: returns the reply frame text (gw_malloc'd) */
	char *(*dispatch)(struct sim_pile *p, const struct sim_frame *f);
	/* fill per-send fields (1.6 transactionId) just before m goes out */
	void (*prepare)(struct sim_pile *p, struct sim_msg *m);
};

extern const struct sim_proto sim_proto_v16;
extern const struct sim_proto sim_proto_v201;

/* What a driver hears.  Every member may be NULL. */
struct sim_pile_hooks {
	void (*frame)(struct sim_pile *p, int outgoing, const char *text, size_t len);
	void (*event)(struct sim_pile *p, const char *what, const char *detail);
	/* connection attempt failed (http_status 0 if none) or link lost */
	void (*link_down)(struct sim_pile *p, int was_up, int http_status, const char *why);
	void (*link_up)(struct sim_pile *p, int64_t connect_ms);
	void (*booted)(struct sim_pile *p);
	/* our CALL m was answered: f is the CALLRESULT/CALLERROR, NULL on timeout */
	void (*answered)(struct sim_pile *p, const struct sim_msg *m, const struct sim_frame *f,
			 int64_t latency_us);
	void (*called)(struct sim_pile *p, const struct sim_frame *f);
	void (*idle)(struct sim_pile *p); /* nothing queued, nothing in flight */
};

/* Behaviour switches the scenario flips. */
struct sim_quirks {
	int ignore_remote_stop; /* accept RemoteStop/RequestStop, do nothing */
	int meter_silence;      /* no samples; TriggerMessage(MeterValues) rejected */
};

/* One per simulated charge point; sim_pile_free() after its link is gone. */
struct sim_pile {
	char identity[64];
	const struct sim_proto *proto;
	struct sim_net *net;
	const struct sim_pile_hooks *hooks;
	void *driver;                 /* the driver's own state */
	struct sim_pile_cfg cfg;
	struct sim_vclock clock;
	struct sim_quirks quirks;
	const char *vendor, *model;   /* BootNotification */
	double default_kw;            /* EV draw when none was set */

	/* link */
	struct lws *wsi;              /* NULL while down */
	int connected;                /* WebSocket established */
	int connecting;
	int closing;                  /* sim_conn_close() asked to drop the link */
	int want_online;              /* 0 after an offline step */
	int ever_connected;
	int backoff_ms;               /* next reconnect wait (before jitter) */
	int64_t connect_started_ms;   /* mono */
	struct sim_out *out_head, *out_tail; /* frames waiting for WRITEABLE */
	char *rx;                     /* reassembly of fragmented messages */
	size_t rx_len, rx_cap;

	/* RPC */
	enum sim_boot boot;
	struct sim_msg *boot_msg;     /* BootNotification, sent before the queue */
	struct sim_queue calls;       /* head is in flight when in_flight */
	int in_flight;
	char in_flight_id[40];
	int64_t sent_us;              /* mono us when the in-flight CALL left */
	unsigned long next_id;        /* message id counter */
	unsigned id_salt;             /* makes ids unique across processes */
	int in_flight_boot;           /* the in-flight CALL is boot_msg */
	int retry_wait;               /* a CALLERROR'd transaction message waits for t_call */
	int call_timeout_s;           /* no answer after this: give up or resend (real s) */
	int in_dispatch;              /* answering a server CALL: hold the pump */
	int stopped;                  /* shutting down: no timers, no reconnects */

	/* transactions */
	int next_tx_ref;
	long txid_map[16];            /* 1.6 transactionId by ref % 16 */
	int nconn;
	struct sim_connector conn[SIM_MAX_CONNECTORS];

	ev_timer t_heartbeat, t_call, t_reconnect, t_boot, t_reboot; /* real time */
	struct sim_vtimer v_sample, v_clock; /* pile time: periodic, clock-aligned samples */
	char reboot_reason[32];        /* stop reason for transactions at reboot */
	unsigned long sent_calls, recv_calls, errors;
};

/* Create a pile (not connected).  GW_OK or GW_ENOMEM; free with
 * sim_pile_free(). */
int sim_pile_new(struct sim_net *net, const char *identity, const struct sim_proto *proto,
		 int connectors, double meter_start_wh, struct sim_pile **out);
void sim_pile_free(struct sim_pile *p);

/* Link control. */
void sim_pile_go_online(struct sim_pile *p);
void sim_pile_go_offline(struct sim_pile *p);
/* Stop all timers and reconnects (shutdown). */
void sim_pile_stop(struct sim_pile *p);

/* Called by sim_conn. */
void sim_pile_on_open(struct sim_pile *p);
void sim_pile_on_text(struct sim_pile *p, const char *buf, size_t len);
void sim_pile_on_close(struct sim_pile *p, int http_status, const char *why);

/* Queue a CALL (takes payload).  Never fails loudly: a full queue drops and
 * counts.  Sends at once when the link allows. */
void sim_pile_enqueue(struct sim_pile *p, const char *action, struct json_object *payload,
		      int flags, int tx_ref, int connector);
int sim_pile_idle(const struct sim_pile *p);
int64_t sim_pile_now(const struct sim_pile *p); /* pile time, ms */
struct sim_connector *sim_pile_connector(struct sim_pile *p, int id); /* NULL if none */
/* The connector whose open transaction has local number ref; NULL if none. */
struct sim_connector *sim_pile_connector_of_ref(struct sim_pile *p, int ref);

/* Charge-point behaviour (sim_pile_ev.c): what a real pile does when the
 * driver or the server acts. */
void sim_pile_plug(struct sim_pile *p, struct sim_connector *c);
void sim_pile_unplug(struct sim_pile *p, struct sim_connector *c, int keep_tx);
int sim_pile_start_tx(struct sim_pile *p, struct sim_connector *c, const char *id_tag,
		      int remote_start_id);
int sim_pile_stop_tx(struct sim_pile *p, struct sim_connector *c, const char *reason,
		     const char *trigger);
/* Charging sub-state: CHARGING at draw_w, SUSPENDED_EV/EVSE at 0. */
void sim_pile_set_charging(struct sim_pile *p, struct sim_connector *c, enum sim_status st,
			   double power_w);
void sim_pile_fault(struct sim_pile *p, struct sim_connector *c, const char *code);
void sim_pile_clear_fault(struct sim_pile *p, struct sim_connector *c);
void sim_pile_sample(struct sim_pile *p, struct sim_connector *c, const char *context);
/* Queue again the start message of c's transaction (action: the version's
 * StartTransaction / TransactionEvent) exactly as first sent, with no
 * transaction ref, so that whatever 1.6 transactionId the server returns
 * does not replace the first one.  GW_ENOTFOUND if none. */
int sim_pile_resend_start(struct sim_pile *p, struct sim_connector *c, const char *action);
/* Reboot soon (after the current reply leaves): open transactions end
 * with reason, the link drops, the pile boots again. */
void sim_pile_reboot(struct sim_pile *p, const char *reason);
/* The proto read a BootNotification answer. */
void sim_pile_boot_result(struct sim_pile *p, enum sim_boot st, int interval_s);
/* Read a BootNotification CALLRESULT (status, interval: the same fields in
 * both versions) and act on it. */
void sim_pile_boot_answer(struct sim_pile *p, struct json_object *payload);
/* Re-arm timers after a configuration change or boot. */
void sim_pile_config_changed(struct sim_pile *p);

const char *sim_status_name(enum sim_status st); /* "Charging" */
int sim_status_parse(const char *name);          /* -1 if unknown */
/* Next message id (unique per identity across connections). */
void sim_pile_msg_id(struct sim_pile *p, char *buf, size_t n);

#endif
