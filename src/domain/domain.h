/* SPDX-License-Identifier: MIT
 *
 * domain.h - the domain's entry points for what piles report.
 *
 * The handler tables (ocpp16/, ocpp201/) call these with the normalized
 * structs of vocab.h.  Each call runs inside the store batch that the
 * dispatcher opened for the frame (store_begin ... store_commit), so every
 * change and its outbox rows commit together and the reply leaves after the
 * commit.  The domain never sees JSON, frames, sockets or versions.
 *
 * All functions return GW_OK or a negative GW_E* code.  GW_ESTORE means a
 * transient storage failure: the caller must not answer a transaction
 * message with a CALLERROR but close the connection (PROTOCOL.md 1.4 rule 3).
 * Semantic oddities (unknown transaction, meter going backwards, ...) are
 * never errors: they are accepted and flagged.
 */
#ifndef DOMAIN_DOMAIN_H
#define DOMAIN_DOMAIN_H
#include <stdint.h>

#include "domain/vocab.h"

struct store;
struct domain;     /* process-wide; one per store */
struct gw_config;
struct event_sink;

/* Where a reported fact came from; lives for one frame. */
struct domain_src {
	const char *identity; /* the pile */
	const char *msg_id;   /* OCPP message id of the frame */
	int64_t frame_seq;    /* raw frame row id (evidence link), 0 if none */
	int64_t recv_ms;      /* server receive time */
};

/* Create the domain over an open store.  cfg is borrowed and must outlive
 * the domain.  *out is freed with domain_free (NULL ok). */
int domain_new(struct store *st, const struct gw_config *cfg, struct domain **out);
void domain_free(struct domain *d);

/* Where events and command requests go (events.h); borrowed, must outlive
 * d.  Without a sink, events are not emitted (unit tests of ingest). */
void domain_set_sink(struct domain *d, const struct event_sink *sink);

/* The periodic sweep (every cfg->sweep_interval_s): judge what is only
 * visible as silence (METER_SILENCE, STOP_NOT_EFFECTIVE), request
 * TriggerMessage / GetTransactionStatus / CostUpdated through the sink,
 * advance refund-case SLA timers.  Runs inside a store batch the caller
 * opened.  now_ms is our wall clock. */
int domain_sweep(struct domain *d, int64_t now_ms);

/* BootNotification: record the pile's identity card, decide Accepted /
 * Pending / Rejected from its registration, fill the interval. */
int domain_boot(struct domain *d, const struct domain_src *src, const struct boot_report *boot,
		struct boot_result *out);

/* Heartbeat (and any sign of life): last-seen time. */
int domain_heartbeat(struct domain *d, const struct domain_src *src);

/* Authorize an id token against the id-token table (dev mode: accept all). */
int domain_authorize(struct domain *d, const struct domain_src *src, const char *id_token,
		     const char *id_token_type, struct auth_info *out);

/* A connector status change: current state + append-only history. */
int domain_status(struct domain *d, const struct domain_src *src, const struct status_report *st);

/* Meter values, inside a transaction (tx_id / pile_tx_id) or not (0 / ""). */
int domain_meter_values(struct domain *d, const struct domain_src *src, int64_t tx_id,
			const char *pile_tx_id, const struct meter_sample *samples, size_t n);

/* A transaction message of either version.  Idempotent: a resent 1.6 start
 * (same pile, connector, idTag, meterStart, timestamp +-2 s) returns the same
 * tx_id with duplicate = 1; a 2.0.1 event with a seen (transactionId, seqNo)
 * is a no-op with duplicate = 1.  Attached samples are stored too. */
int domain_tx_event(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		    struct tx_result *out);

/* Keep a report we do not judge (firmware status, security event, ...). */
int domain_pile_report(struct domain *d, const struct domain_src *src,
		       const struct pile_report *rep);

/* Device-model values reported by the pile (NotifyReport, GetVariables,
 * GetConfiguration answers). */
int domain_device_vars(struct domain *d, const struct domain_src *src, const struct device_var *vars,
		       size_t n);

#endif
