/* SPDX-License-Identifier: MIT
 *
 * deliver.c - the delivery thread: its own store connection and a libcurl
 * multi handle, polling the outbox every HOOK_POLL_MS (and at once when an
 * attempt ends, so an order's next event follows without delay).
 *
 * Flow per turn: claim due rows per partner (outbox_claim) into free
 * slots, POST each envelope signed (sign.c), let curl run every transfer
 * at once, collect finished attempts, wait in curl_multi_poll for sockets,
 * the poll period or hooks_stop's wakeup.  Finished attempts are recorded
 * (outbox_record) in one commit per round rather than one per delivery
 * (outbox_record_due says when): every commit of this connection is an
 * fsync and makes the OCPP loop's connection drop its page cache.  Until
 * then their rows stay pending in the store and are kept out of the claim
 * like rows in flight, so an order's next row waits for the record.
 *
 * Invariants: each partner has its own HOOK_INFLIGHT_PER_PARTNER slots, so
 * a slow or dead partner only ever fills its own and never delays
 * another; the OCPP loop shares nothing with this thread but the database
 * file (SQLite WAL: its readers never wait for us, and our writes are one
 * short batch per round behind the busy timeout).  An attempt in flight,
 * or finished and not recorded yet, is only in memory: a crash leaves its
 * row pending and it is sent again (at least once; stop records what
 * finished).
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "hooks/hooks.h"
#include "hooks/hooks_int.h"

/* One attempt in flight; a slot of struct hooks, free when easy == NULL. */
struct transfer {
	CURL *easy;
	struct curl_slist *hdrs;
	struct outbox_row row;        /* row.data is the body, owned here */
	int partner;                  /* index in cfg->partners */
	char errbuf[CURL_ERROR_SIZE];
};

#define N_SLOTS (GW_CONFIG_MAX_PARTNERS * HOOK_INFLIGHT_PER_PARTNER)

/* Room for outcomes: the record is due at HOOK_RECORD_MAX and one drain
 * adds at most one per slot. */
#define N_DONE (HOOK_RECORD_MAX + N_SLOTS)

/* One per process, from hooks_start to hooks_stop. */
struct hooks {
	const struct gw_config *cfg;  /* borrowed, outlives us */
	struct store *st;             /* used by the delivery thread only */
	CURLM *multi;
	pthread_t thread;
	atomic_int stop;              /* set by hooks_stop */
	struct transfer xfer[GW_CONFIG_MAX_PARTNERS][HOOK_INFLIGHT_PER_PARTNER];
	struct hook_result done[N_DONE]; /* finished, not yet recorded */
	size_t n_done;
	int64_t done_since_ms;        /* monotonic: when done[0] finished */
	atomic_uint_fast64_t n_finished; /* attempts finished (hooks_stats_get) */
	atomic_uint_fast64_t n_commits;  /* outcome batches committed */
};

/* The answer body is not kept: a 2xx status is the whole receipt. */
static size_t discard(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

static void release(struct hooks *h, struct transfer *t)
{
	if (t->easy) {
		curl_multi_remove_handle(h->multi, t->easy);
		curl_easy_cleanup(t->easy);
	}
	curl_slist_free_all(t->hdrs);
	gw_free(t->row.data);
	memset(t, 0, sizeof(*t));
}

static struct curl_slist *headers(const char *secret, const char *body, size_t len)
{
	char ts_hdr[64], sig_hdr[sizeof(HOOK_HDR_SIGNATURE) + HOOK_SIG_HEX_LEN + 4];
	char hex[HOOK_SIG_HEX_LEN + 1];
	int64_t ts = gw_clock_now_ms() / 1000;
	struct curl_slist *l = NULL, *next;
	const char *lines[] = {"Content-Type: application/json", ts_hdr, sig_hdr,
			       "Expect:" /* no 100-continue round trip */};

	if (hook_sign(secret, ts, body, len, hex) != GW_OK)
		return NULL;
	snprintf(ts_hdr, sizeof(ts_hdr), HOOK_HDR_TIMESTAMP ": %lld", (long long)ts);
	snprintf(sig_hdr, sizeof(sig_hdr), HOOK_HDR_SIGNATURE ": %s", hex);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (!(next = curl_slist_append(l, lines[i]))) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = next;
	}
	return l;
}

/* Start one POST of t->row to partner p; GW_OK or the slot is released. */
static int start(struct hooks *h, struct transfer *t)
{
	const struct gw_partner *p = &h->cfg->partners[t->partner];
	size_t len = strlen(t->row.data);
	CURL *e;

	t->hdrs = headers(p->secret, t->row.data, len);
	t->easy = e = curl_easy_init();
	if (!t->hdrs || !e)
		goto fail;
	curl_easy_setopt(e, CURLOPT_URL, p->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->row.data);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "ocppgw-hooks");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)h->cfg->hook_timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)h->cfg->hook_timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM timeouts */
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		goto fail;
	gw_log(GW_LOG_DEBUG, "hook partner=%s event=%s row=%lld attempt %d sent", p->name,
	       t->row.event_id, (long long)t->row.id, t->row.attempts + 1);
	return GW_OK;
fail:
	gw_log(GW_LOG_ERR, "hook partner=%s event=%s row=%lld: cannot start the request", p->name,
	       t->row.event_id, (long long)t->row.id);
	if (t->easy) {
		curl_easy_cleanup(t->easy);
		t->easy = NULL;
	}
	release(h, t);
	return GW_EINTERNAL;
}

/* Claim due rows of every partner into its free slots, around the rows
 * in flight and those finished but not recorded. */
static void fill(struct hooks *h)
{
	int64_t now = gw_clock_now_ms();

	for (int p = 0; p < h->cfg->n_partners; p++) {
		struct transfer *slots = h->xfer[p];
		int64_t busy[HOOK_INFLIGHT_PER_PARTNER + N_DONE];
		struct outbox_row *rows = NULL;
		size_t n_in = 0, n_busy, n = 0, next = 0;

		for (int i = 0; i < HOOK_INFLIGHT_PER_PARTNER; i++)
			if (slots[i].easy)
				busy[n_in++] = slots[i].row.id;
		if (n_in == HOOK_INFLIGHT_PER_PARTNER)
			continue;
		n_busy = n_in;
		for (size_t i = 0; i < h->n_done; i++)
			if (h->done[i].partner_idx == p)
				busy[n_busy++] = h->done[i].id;
		if (outbox_claim(h->st, h->cfg->partners[p].name, now,
				 HOOK_INFLIGHT_PER_PARTNER - n_in, busy, n_busy, &rows,
				 &n) != GW_OK)
			continue; /* logged by the store; try again next turn */
		for (int i = 0; i < HOOK_INFLIGHT_PER_PARTNER && next < n; i++) {
			if (slots[i].easy)
				continue;
			slots[i].row = rows[next];
			rows[next++].data = NULL; /* moved into the slot */
			slots[i].partner = p;
			start(h, &slots[i]);
		}
		store_outbox_rows_free(rows, n);
	}
}

/* Bounded copy that may cut src (error texts are informative only). */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Collect finished attempts into h->done; returns how many. */
static size_t drain(struct hooks *h)
{
	size_t n0 = h->n_done;
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left))) {
		struct transfer *t = NULL;
		struct hook_result *r;
		long status = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		if (!h->n_done)
			h->done_since_ms = gw_clock_mono_ms();
		r = &h->done[h->n_done++];
		memset(r, 0, sizeof(*r));
		r->id = t->row.id;
		r->partner_idx = t->partner;
		r->attempts = t->row.attempts + 1;
		snprintf(r->partner, sizeof(r->partner), "%s", h->cfg->partners[t->partner].name);
		snprintf(r->event_id, sizeof(r->event_id), "%s", t->row.event_id);
		if (msg->data.result != CURLE_OK)
			copy_text(r->error, sizeof(r->error),
				  t->errbuf[0] ? t->errbuf : curl_easy_strerror(msg->data.result));
		else if (status < 200 || status > 299)
			snprintf(r->error, sizeof(r->error), "HTTP %ld", status);
		else
			r->ok = 1;
		release(h, t);
	}
	atomic_fetch_add(&h->n_finished, h->n_done - n0);
	return h->n_done - n0;
}

/* Write h->done in one commit; on failure the rows stay pending and are
 * sent again (outbox_record logged it). */
static void record(struct hooks *h)
{
	if (outbox_record(h->st, h->cfg, h->done, h->n_done, gw_clock_now_ms()) == GW_OK)
		atomic_fetch_add(&h->n_commits, 1);
	h->n_done = 0;
}

static void *run(void *arg)
{
	struct hooks *h = arg;
	int64_t last_fill = 0, now, wait;
	int refill = 1, running;
	size_t n;

	gw_log(GW_LOG_NOTICE, "hooks: delivering to %d partner(s)", h->cfg->n_partners);
	while (!atomic_load(&h->stop)) {
		now = gw_clock_mono_ms();
		if (refill || now - last_fill >= HOOK_POLL_MS) {
			fill(h);
			last_fill = now;
			refill = 0;
		}
		curl_multi_perform(h->multi, &running);
		/* slots just freed are filled before "nothing in flight" counts */
		n = drain(h);
		now = gw_clock_mono_ms();
		if (outbox_record_due(h->n_done, h->done_since_ms, now, n ? 1 : running)) {
			record(h);
			refill = 1;
		}
		if (n)
			refill = 1;
		if (refill)
			continue;
		wait = last_fill + HOOK_POLL_MS - now;
		if (h->n_done && h->done_since_ms + HOOK_RECORD_MS - now < wait)
			wait = h->done_since_ms + HOOK_RECORD_MS - now;
		curl_multi_poll(h->multi, NULL, 0, wait > 0 ? (int)wait : 1, NULL);
	}
	/* what finished is recorded; abandoned attempts stay pending in the
	 * store: sent again at start */
	if (h->n_done)
		record(h);
	for (int p = 0; p < GW_CONFIG_MAX_PARTNERS; p++)
		for (int i = 0; i < HOOK_INFLIGHT_PER_PARTNER; i++)
			if (h->xfer[p][i].easy)
				release(h, &h->xfer[p][i]);
	return NULL;
}

void hooks_stats_get(struct hooks *h, struct hooks_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!h)
		return;
	out->attempts = atomic_load(&h->n_finished);
	out->commits = atomic_load(&h->n_commits);
}

static void destroy(struct hooks *h)
{
	if (h->multi)
		curl_multi_cleanup(h->multi);
	store_close(h->st);
	gw_free(h);
	curl_global_cleanup();
}

static const int async_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM,
				    SIGUSR1, SIGUSR2, SIGCHLD};

int hooks_start(const struct gw_config *cfg, const char *db_path, struct hooks **out)
{
	struct hooks *h;
	sigset_t all, old;
	int rc;

	if (!cfg || !db_path || !out)
		return GW_EINVAL;
	*out = NULL;
	if (!cfg->n_partners) {
		gw_log(GW_LOG_INFO, "hooks: no partner configured, no webhook delivery");
		return GW_OK;
	}
	if (!strcmp(db_path, ":memory:")) {
		gw_log(GW_LOG_ERR, "hooks: the store is in memory; webhooks need a database file");
		return GW_EINVAL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return GW_EINTERNAL;
	if (!(h = gw_calloc(1, sizeof(*h)))) {
		curl_global_cleanup();
		return GW_ENOMEM;
	}
	h->cfg = cfg;
	if ((rc = store_sqlite_open(db_path, cfg->db_busy_timeout_ms, &h->st)) != GW_OK)
		goto fail;
	rc = GW_EINTERNAL;
	if (!(h->multi = curl_multi_init()))
		goto fail;
	/* asynchronous signals (SIGTERM, SIGINT, ...) belong to the loop
	 * thread; faults (SIGSEGV, ...) stay with whoever faults */
	sigemptyset(&all);
	for (size_t i = 0; i < sizeof(async_signals) / sizeof(async_signals[0]); i++)
		sigaddset(&all, async_signals[i]);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&h->thread, NULL, run, h) == 0 ? GW_OK : GW_EINTERNAL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != GW_OK)
		goto fail;
	*out = h;
	return GW_OK;
fail:
	gw_log(GW_LOG_ERR, "hooks: cannot start delivery: %s", gw_strerror(rc));
	destroy(h);
	return rc;
}

void hooks_stop(struct hooks *h)
{
	if (!h)
		return;
	atomic_store(&h->stop, 1);
	curl_multi_wakeup(h->multi);
	pthread_join(h->thread, NULL);
	destroy(h);
	gw_log(GW_LOG_NOTICE, "hooks: stopped");
}
