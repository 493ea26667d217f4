/* SPDX-License-Identifier: MIT
 *
 * hooks_int.h - internals shared by deliver.c and outbox.c (and the unit
 * tests): claiming due rows around the ones in flight, recording outcomes.
 */
#ifndef HOOKS_HOOKS_INT_H
#define HOOKS_HOOKS_INT_H
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct gw_config;

#define HOOK_INFLIGHT_PER_PARTNER 4 /* attempts in flight per partner (connection cap) */
#define HOOK_POLL_MS 200            /* outbox poll period */
#define HOOK_RECORD_MS 200          /* longest an outcome waits in memory to be recorded */
#define HOOK_RECORD_MAX 128         /* outcomes written in one commit, at most */

/* The outcome of one attempt; lives until recorded. */
struct hook_result {
	int64_t id;                           /* outbox row */
	int partner_idx;                      /* index in cfg->partners */
	char partner[STORE_PARTNER_MAX];
	char event_id[STORE_EVENT_ID_MAX];
	int attempts;                         /* including this one */
	int ok;                               /* 1: the partner answered 2xx */
	char error[STORE_HOOK_ERROR_MAX];     /* when !ok: "HTTP 503", curl's text */
};

/* The rows of partner to start now: due rows (store_outbox_due) minus
 * those whose id is in inflight[0..n_inflight), at most free_slots.
 * inflight holds the rows in flight and those whose outcome is not
 * recorded yet (still pending in the store).  Because only the oldest
 * undelivered row of an order is ever due, such a row also keeps the rest
 * of its order out: never two attempts of one (partner, order) at once,
 * and an order's next row only after its predecessor is recorded as
 * delivered.  *rows as store_outbox_due (free with
 * store_outbox_rows_free).  Errors: those of store_outbox_due. */
int outbox_claim(struct store *st, const char *partner, int64_t now_ms, size_t free_slots,
		 const int64_t *inflight, size_t n_inflight, struct outbox_row **rows,
		 size_t *n);

/* 1 when the n outcomes waiting in memory (the oldest finished at
 * oldest_ms, monotonic) are to be recorded now: none is in flight any more
 * (running == 0: the round is over, and the next rows of their orders wait
 * for this record), HOOK_RECORD_MAX of them wait, or the oldest has waited
 * HOOK_RECORD_MS.  Otherwise they wait for more, so that a busy outbox costs
 * one commit per round, not one per delivery: each commit from this
 * connection costs an fsync and makes the OCPP loop's connection drop its
 * page cache. */
int outbox_record_due(size_t n, int64_t oldest_ms, int64_t now_ms, int running);

/* Write the outcomes res[0..n) in one store batch (one short write lock
 * for the loop to wait behind, not one per row): delivered, or retried at
 * the schedule of cfg, or dead-lettered; each logged.  GW_OK or the
 * store's error (then nothing was written: the rows stay pending and are
 * sent again, which at-least-once allows). */
int outbox_record(struct store *st, const struct gw_config *cfg, const struct hook_result *res,
		  size_t n, int64_t now_ms);

#endif
