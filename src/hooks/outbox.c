/* SPDX-License-Identifier: MIT
 *
 * outbox.c - the delivery rules that need no network: which rows to start
 * (the claim around rows already in flight), the retry schedule, when to
 * write outcomes back, and writing them in one batch.
 *
 * Invariants: at most one attempt per (partner, order) at a time (the
 * store offers only the oldest undelivered row of an order, and a row in
 * flight is never offered twice); a row is tried 1 + n_hook_retries times
 * and then dead-lettered; nothing here ever runs on the OCPP loop.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "hooks/hooks.h"
#include "hooks/hooks_int.h"

int outbox_retry_plan(const int *retry_s, int n_retries, int attempts, int64_t now_ms,
		      int64_t *next_ms)
{
	if (!retry_s || attempts < 1 || attempts > n_retries)
		return GW_ECONFLICT;
	*next_ms = now_ms + (int64_t)retry_s[attempts - 1] * 1000;
	return GW_OK;
}

int outbox_record_due(size_t n, int64_t oldest_ms, int64_t now_ms, int running)
{
	return n && (!running || n >= HOOK_RECORD_MAX || now_ms - oldest_ms >= HOOK_RECORD_MS);
}

static int in_flight(const int64_t *inflight, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (inflight[i] == id)
			return 1;
	return 0;
}

int outbox_claim(struct store *st, const char *partner, int64_t now_ms, size_t free_slots,
		 const int64_t *inflight, size_t n_inflight, struct outbox_row **rows,
		 size_t *n)
{
	size_t kept = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!free_slots)
		return GW_OK;
	/* rows in flight are still pending and due: ask for enough to skip them */
	rc = store_outbox_due(st, partner, now_ms, free_slots + n_inflight, rows, n);
	if (rc != GW_OK)
		return rc;
	for (size_t i = 0; i < *n; i++) {
		if (kept == free_slots || in_flight(inflight, n_inflight, (*rows)[i].id)) {
			GW_FREE((*rows)[i].data);
			continue;
		}
		if (kept != i)
			(*rows)[kept] = (*rows)[i];
		kept++;
	}
	*n = kept;
	if (!kept)
		GW_FREE(*rows);
	return GW_OK;
}

static int record_one(struct store *st, const struct gw_config *cfg, const struct hook_result *r,
		      int64_t now_ms)
{
	int64_t next = 0;
	int rc;

	if (r->ok) {
		gw_log(GW_LOG_INFO, "hook partner=%s event=%s row=%lld delivered (attempt %d)",
		       r->partner, r->event_id, (long long)r->id, r->attempts);
		rc = store_outbox_delivered(st, r->id, r->attempts);
	} else if (outbox_retry_plan(cfg->hook_retry_s, cfg->n_hook_retries, r->attempts, now_ms,
				     &next) == GW_OK) {
		gw_log(GW_LOG_WARN, "hook partner=%s event=%s row=%lld attempt %d failed: %s;"
		       " retry in %lld s", r->partner, r->event_id, (long long)r->id, r->attempts,
		       r->error, (long long)((next - now_ms) / 1000));
		rc = store_outbox_failed(st, r->id, r->attempts, next, 0, r->error);
	} else {
		gw_log(GW_LOG_ERR, "hook partner=%s event=%s row=%lld dead-lettered after %d"
		       " attempts: %s", r->partner, r->event_id, (long long)r->id, r->attempts,
		       r->error);
		rc = store_outbox_failed(st, r->id, r->attempts, now_ms, 1, r->error);
	}
	/* a requeue or a second process moved the row meanwhile: its new
	 * state stands, ours is stale */
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}

int outbox_record(struct store *st, const struct gw_config *cfg, const struct hook_result *res,
		  size_t n, int64_t now_ms)
{
	int rc;

	if (!n)
		return GW_OK;
	if ((rc = store_begin(st)) != GW_OK)
		goto fail;
	for (size_t i = 0; i < n && rc == GW_OK; i++)
		rc = record_one(st, cfg, &res[i], now_ms);
	if (rc == GW_OK)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (rc == GW_OK) {
		gw_log(GW_LOG_INFO, "hooks: %zu outcome(s) recorded in one commit", n);
		return GW_OK;
	}
fail:
	gw_log(GW_LOG_WARN, "hooks: %zu outcome(s) not recorded (%s); those rows will be sent"
	       " again", n, gw_strerror(rc));
	return rc;
}
