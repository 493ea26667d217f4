/* SPDX-License-Identifier: MIT
 *
 * order.h - what the order files of the domain share (order.c,
 * order_timeline_build.c, settle.c, refund_case.c, evidence.c, sweep.c,
 * events.c).  Internal to src/domain: the outside world sees orders only
 * through the events it is sent (events.h) and the store.
 *
 * Flow (DESIGN.md "Orders", "Billing anomalies -> refund cases"):
 *   tx start         -> order_on_tx_start: one order per transaction, state
 *                       charging, tariff snapshot, order.started
 *   status / meter   -> order_on_status / order_on_samples: sub-state,
 *                       order.state_changed only when it changes; late data
 *                       on a settled order -> order_rejudge
 *   tx end           -> order_on_tx_end -> settle: billed, window,
 *                       detectors, cases, completed / abnormal / cancelled
 *   sweep            -> triggers, silence and stop findings, CostUpdated,
 *                       SLA timers
 * Every change is stored and emitted in the caller's batch.
 */
#ifndef DOMAIN_ORDER_H
#define DOMAIN_ORDER_H
#include <stdint.h>

#include "domain/billing/anomaly.h"
#include "domain/billing/timeline.h"
#include "domain/domain_int.h"
#include "domain/events.h"

/* ---- events.c: filling and emitting a struct domain_event ------------- */

/* One event being built; lives for one emit.  Numbers are formatted into
 * num[] so the field values stay valid until the emit. */
struct event_buf {
	struct domain_event ev;
	char num[EVENT_FIELDS_MAX][24];
	char ref[24];
};

/* Start an event of type t about order o (NULL: none) at at_ms. */
void event_begin(struct event_buf *b, enum event_type t, enum event_source src, int64_t at_ms,
		 const struct order_row *o);
/* source_ref: a string borrowed until the emit, or a number. */
void event_ref(struct event_buf *b, const char *ref);
void event_ref_i64(struct event_buf *b, int64_t ref);
/* Add a field; silently dropped past EVENT_FIELDS_MAX (a bug caught by the
 * tests, not worth failing a frame for). */
void event_str(struct event_buf *b, const char *name, const char *value);
void event_i64(struct event_buf *b, const char *name, int64_t value);
/* Emit through the domain's sink; GW_OK without a sink. */
int domain_emit(struct domain *d, struct event_buf *b);
/* Ask the sink to send cmd; GW_ENOTFOUND without a sink. */
int domain_command(struct domain *d, const struct domain_cmd *cmd);

/* ---- order.c: creation, sub-states, state changes ---------------------- */

/* A frame-driven change: who said it (src, NULL for the sweep) and when on
 * our clock. */
struct order_ctx {
	const struct domain_src *src;
	int64_t now_ms;
};

/* Create the order of tx (once: an existing order is updated when a 2.0.1
 * Started fills an orphan).  ev is the start or first event seen.  *out
 * (may be NULL) = the order.  GW_OK or a store code. */
int order_on_tx_start(struct domain *d, const struct order_ctx *c, const struct tx_row *tx,
		      const struct tx_event *ev, struct order_row *out);

/* tx ended (or an end arrived for a settled order): settle or re-judge.
 * out (may be NULL) gets the cost to answer. */
int order_on_tx_end(struct domain *d, const struct order_ctx *c, const struct tx_row *tx,
		    struct tx_result *out);

/* A 2.0.1 Updated, or samples for tx: sub-state, late-data re-judgement,
 * running cost into out (NULL: none asked). */
int order_on_tx_update(struct domain *d, const struct order_ctx *c, const struct tx_row *tx,
		       const struct tx_event *ev, const struct meter_sample *s, size_t n,
		       struct tx_result *out);

/* A connector status of pile: sub-states of the open orders there. */
int order_on_status(struct domain *d, const struct order_ctx *c, const char *pile,
		    const struct status_report *r);

/* Move o to state / sub-state, store it and emit order.state_changed when
 * either changed.  src_kind/ref say who moved it. */
int order_set_state(struct domain *d, const struct order_ctx *c, struct order_row *o,
		    enum order_state state, enum order_sub_state sub);

/* 1 when the pile reported TariffCostCtrlr.Enabled[Cost] = true (2.0.1
 * I02/I03: a station without cost support gets no totalCost / CostUpdated). */
int order_cost_enabled(struct domain *d, const char *pile);

/* ---- order_timeline_build.c ------------------------------------------- */

/* An order's timeline and the arrays it points into; lives from
 * order_tl_build to order_tl_free. */
struct order_tl {
	struct order_timeline tl;
	struct tl_status *status;
	struct tl_sample *samples;
	struct tl_command *commands;
	struct tl_stamp *stamps;
	struct tl_other_order *others;
	int64_t *faults;
};

/* Build the timeline of o (whose transaction is tx) as of now_ms, clock
 * corrected (see the file header for the offset rule).  GW_OK, GW_ENOMEM
 * or a store code; on error t holds nothing to free. */
int order_tl_build(struct domain *d, const struct order_row *o, const struct tx_row *tx,
		   int64_t now_ms, struct order_tl *t);
/* Add the other orders overlapping o on its connector or idTag (t->tl.others,
 * DUPLICATE_TRANSACTION and the evidence) to a timeline from order_tl_build;
 * call it once, before the detectors run.  GW_OK, GW_ENOMEM or a store code;
 * t stays the caller's to free either way. */
int order_tl_add_others(struct domain *d, const struct order_row *o, struct order_tl *t);
void order_tl_free(struct order_tl *t);

/* ---- settle.c ---------------------------------------------------------- */

/* Settle o (ended) or re-judge it (already settled; late data): billed and
 * re-rated amounts, detectors, cases, final state.  GW_OK or a store code;
 * a timeline the billing code refuses marks the order abnormal. */
int order_settle(struct domain *d, const struct order_ctx *c, struct order_row *o,
		 const struct tx_row *tx);

/* The running cost of an open order as of now_ms (billing_billed). */
int order_running_cost(struct domain *d, const struct order_row *o, const struct tx_row *tx,
		       int64_t now_ms, int64_t *cost_minor);

/* ---- refund_case.c ----------------------------------------------------- */

/* Open the case of finding f on o with amount_minor (capped by the caller),
 * or amend the existing one of that (order, rule).  Emits
 * refund_case.opened / refund_case.updated; *auto_ok = 1 when the case is
 * (or stays) auto-approved.  tl: the timeline judged (evidence). */
int refund_case_apply(struct domain *d, const struct order_ctx *c, const struct order_row *o,
		      const struct order_tl *t, const struct anomaly_finding *f,
		      int64_t amount_minor, int64_t rerated_all_minor, int *auto_ok);

/* A case whose finding no longer fires on re-judgement: amended to amount
 * 0 ("withdrawn: ..."), refund_case.updated; a decided case is left alone. */
int refund_case_withdraw(struct domain *d, const struct order_ctx *c, const struct order_row *o,
			 struct case_row *cr);

/* 1 while a case waits for a person (opened, under_review, awaiting_info). */
int refund_case_pending(const struct case_row *cr);

/* SLA timers of the open cases: warning at 75 %, breach at the due time. */
int refund_case_sla_sweep(struct domain *d, int64_t now_ms);

/* ---- evidence.c -------------------------------------------------------- */

/* Append the evidence bundle of f to case_row (its frames window +-10 min,
 * the derived timeline, the commands and answers, the tariff snapshot, the
 * amounts) and recompute its manifest (case_row->manifest_sha256).
 * GW_OK, GW_ENOMEM, GW_EINTERNAL or a store code. */
int evidence_bundle_append(struct domain *d, const struct order_row *o, const struct order_tl *t,
			   const struct anomaly_finding *f, int64_t amount_minor,
			   int64_t rerated_all_minor, struct case_row *case_row);

/* The manifest over every evidence item of cr, into cr->manifest_sha256:
 * SHA-256 of the lines "seq kind ref sha256(body)\n" in seq order.  Called
 * again whenever an item is added (a dispute's evidence too).  GW_OK,
 * GW_ENOMEM, GW_EINTERNAL or a store code. */
int evidence_manifest(struct domain *d, struct case_row *cr);

#endif
