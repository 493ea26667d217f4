/* SPDX-License-Identifier: MIT
 *
 * hooks.h - partner webhooks (DESIGN.md "Partners and disputes", issue 5).
 *
 * The event sink (core/events.c) writes one outbox row per partner event
 * in the batch of the change it describes.  hooks/ delivers those rows: a
 * thread of its own with its own store connection and a libcurl multi
 * handle POSTs each envelope to the partner, signed, in order per order,
 * at least once, retried on the configured schedule and dead-lettered
 * after the last retry.  The OCPP loop never waits for it.
 *
 * Signature (both directions): X-Ocppgw-Timestamp = Unix seconds,
 * X-Ocppgw-Signature = lower-case hex of HMAC-SHA256(secret,
 * timestamp + "." + body).
 */
#ifndef HOOKS_HOOKS_H
#define HOOKS_HOOKS_H
#include <stddef.h>
#include <stdint.h>

struct gw_config;
struct hooks;

#define HOOK_SIG_HEX_LEN 64 /* hex digits of an HMAC-SHA256 */
#define HOOK_HDR_TIMESTAMP "X-Ocppgw-Timestamp"
#define HOOK_HDR_SIGNATURE "X-Ocppgw-Signature"

/* ==== delivery (deliver.c) ============================================= */

/* Start delivering: opens a second store connection on db_path (a file:
 * ":memory:" is GW_EINVAL, it would be another database) and starts the
 * delivery thread.  Call once, after the loop's store is open (migrations
 * done), from the main thread.  cfg must outlive the hooks.  With no
 * partner configured nothing is started: GW_OK and *out = NULL.  Errors:
 * GW_EINVAL, GW_ENOMEM, GW_ESTORE (open), GW_EINTERNAL (curl, thread).
 * On GW_OK *out (may be NULL) is released with hooks_stop(). */
int hooks_start(const struct gw_config *cfg, const char *db_path, struct hooks **out);

/* Stop promptly: attempts in flight are abandoned (their rows stay pending
 * and are sent again at the next start), the thread is joined, everything
 * freed.  NULL ok.  Call from the thread that called hooks_start. */
void hooks_stop(struct hooks *h);

/* Counters since hooks_start, readable from any thread while the hooks
 * run: attempts finished (answered, failed or timed out) and the commits
 * that recorded their outcomes (one per batch, see hooks/README.md). */
struct hooks_stats {
	uint64_t attempts;
	uint64_t commits;
};

/* *out = h's counters; all 0 for h == NULL (no partner configured). */
void hooks_stats_get(struct hooks *h, struct hooks_stats *out);

/* ==== signing (sign.c) ================================================= */

/* hex = HMAC-SHA256(secret, decimal(ts_s) + "." + body), 64 lower-case hex
 * digits and a NUL.  GW_OK, GW_EINVAL (NULL secret/hex), GW_EINTERNAL
 * (OpenSSL).  The secret is never logged. */
int hook_sign(const char *secret, int64_t ts_s, const char *body, size_t body_len,
	      char hex[HOOK_SIG_HEX_LEN + 1]);

/* Check an inbound signature: ts_text and sig_hex are the two header
 * values as received (not NUL-free input is refused).  GW_OK when ts_text
 * is a decimal Unix time within max_skew_s of now_s (either side) and
 * sig_hex is the signature of it and body (hex of either case); compared
 * in constant time.  GW_EAUTH: missing, malformed or wrong signature;
 * GW_ETIMEOUT: well-formed but stale or from the future. */
int hook_verify(const char *secret, const char *ts_text, const char *sig_hex, const char *body,
		size_t body_len, int64_t now_s, int max_skew_s);

/* ==== retry schedule (outbox.c) ======================================== */

/* After attempt number attempts (1 = the first) failed at now_ms: GW_OK
 * and *next_ms = now_ms + retry_s[attempts - 1] s while attempts <=
 * n_retries, else GW_ECONFLICT: no retry left, dead-letter it.  So a row
 * is tried 1 + n_retries times. */
int outbox_retry_plan(const int *retry_s, int n_retries, int attempts, int64_t now_ms,
		      int64_t *next_ms);

#endif
