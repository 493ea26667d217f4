/* SPDX-License-Identifier: MIT
 *
 * sim_load.c - load mode.  Piles are dialed at --ramp per second; a booted
 * pile sends the --mix of messages, either as fast as answers come back
 * (closed loop: the next message goes when the pile's queue drains) or
 * paced by a token bucket to --rate CALLs/s over all piles (refilled every
 * millisecond, so the offered load has no bursts of its own: the latency
 * measures the server, not our 5 ms clumps).  Every answer's
 * latency goes into log-linear histograms (sim_hist): one for the run, one
 * for the last second's progress line.  Traffic runs for --duration after
 * the ramp; the summary is text or --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "sim_cli.h"
#include "sim_conn.h"
#include "sim_frame.h"
#include "sim_hist.h"
#include "sim_load.h"
#include "sim_pile.h"

enum load_kind { K_HEARTBEAT, K_STATUS, K_TRANSACTION, K_COUNT };
static const char *const kind_names[K_COUNT] = { "heartbeat", "status", "transaction" };

enum load_err { E_CONNECT, E_HTTP401, E_HANDSHAKE, E_CLOSED, E_CALLERROR, E_TIMEOUT, E_COUNT };
static const char *const err_names[E_COUNT] = { "connect_failed", "http_401", "handshake_refused",
						"link_lost", "callerror", "timeout" };

#define TICK_S 0.001        /* token-bucket refill */
#define BUCKET_S 0.005      /* at most this much rate in the bucket (after a stall) */
#define RAMP_TICK_S 0.01
/* Dials in progress at once.  lws keeps one sorted list of connect
 * timeouts, each dial an O(list) insert, so 10k dials at once cost O(N^2)
 * and block the loop for seconds (bench/ANALYSIS.md §7).  Dials the ramp
 * makes due beyond this wait for earlier ones to connect or fail. */
#define MAX_PENDING_DIALS 256

struct load;

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One per pile, beside it. */
struct load_pile {
	struct load *l;
	struct sim_pile *p;
	unsigned long seq; /* messages started: picks the mix slot */
	int tx_phase;      /* transaction mix: 0 start, 1..3 samples, 4 stop */
	int up;            /* counted in l->up */
	int dialing;       /* counted in l->pending */
};

/* One per load run. */
struct load {
	const struct sim_opts *o;
	struct sim_net net;
	struct load_pile *lp;
	int n, dialed, up, up_peak, ever_up;
	int pending;       /* dials of the ramp not yet connected or failed */
	int weights[K_COUNT], total_weight;
	double ramp_acc, tokens;
	int cursor;
	int sending;
	int ending;        /* traffic over: counts progress lines until exit */
	int64_t t0_ms, traffic_start_ms, traffic_end_ms;
	int64_t last_tick_us, last_progress_ms, last_ramp_ms;
	ev_timer t_ramp, t_tick, t_progress;
	struct sim_hist lat, lat_win, conn;
	unsigned long sent, answered, answered_win, behind;
	unsigned long errs[E_COUNT];
};

/* "heartbeat" or "heartbeat=60,status=20,transaction=20".  0 or -1. */
static int parse_mix(struct load *l, const char *mix)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", mix);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int w = 1, k;

		if (eq) {
			*eq = '\0';
			w = atoi(eq + 1);
		}
		for (k = 0; k < K_COUNT && strcmp(kind_names[k], tok); k++)
			;
		if (k == K_COUNT || w < 0 || w > 1000)
			return -1;
		l->weights[k] += w;
		l->total_weight += w;
	}
	return l->total_weight > 0 ? 0 : -1;
}

static enum load_kind pick(struct load *l, unsigned long seq)
{
	int slot = (int)(seq % (unsigned long)l->total_weight);

	for (int k = 0; k < K_COUNT; k++) {
		if (slot < l->weights[k])
			return (enum load_kind)k;
		slot -= l->weights[k];
	}
	return K_HEARTBEAT;
}

/* Start the pile's next unit of traffic. */
static void next_message(struct load_pile *lp)
{
	struct sim_pile *p = lp->p;
	struct sim_connector *c = &p->conn[0];

	/* a transaction in progress continues before the mix picks again */
	switch (lp->tx_phase ? K_TRANSACTION : pick(lp->l, lp->seq++)) {
	case K_HEARTBEAT:
		p->proto->heartbeat(p);
		return;
	case K_STATUS:
		c->sent_status = -1;
		p->proto->status(p, c, NULL);
		return;
	case K_TRANSACTION:
	case K_COUNT:
		break;
	}
	if (lp->tx_phase == 0) {
		sim_pile_plug(p, c);
		sim_pile_start_tx(p, c, "LOADTAG", -1);
	} else if (lp->tx_phase < 4) {
		sim_pile_sample(p, c, "Sample.Periodic");
	} else {
		sim_pile_stop_tx(p, c, "Local", NULL);
		sim_pile_unplug(p, c, 0);
	}
	lp->tx_phase = (lp->tx_phase + 1) % 5;
}

static int ready(const struct load_pile *lp)
{
	return lp->up && lp->p->connected && sim_pile_idle(lp->p);
}

/* ---- hooks ------------------------------------------------------------ */

/* A dial of the ramp is over (a pile's own reconnects are not counted). */
static void dial_done(struct load_pile *lp)
{
	if (lp->dialing) {
		lp->dialing = 0;
		lp->l->pending--;
	}
}

static void h_link_up(struct sim_pile *p, int64_t ms)
{
	struct load_pile *lp = p->driver;

	dial_done(lp);
	sim_hist_record(&lp->l->conn, (uint64_t)ms * 1000);
}

static void h_link_down(struct sim_pile *p, int was_up, int status, const char *why)
{
	struct load_pile *lp = p->driver;
	struct load *l = lp->l;

	(void)why;
	dial_done(lp);
	if (l->ending)
		return;
	if (lp->up) {
		lp->up = 0;
		l->up--;
	}
	l->errs[was_up ? E_CLOSED : status == 401 ? E_HTTP401 : status ? E_HANDSHAKE : E_CONNECT]++;
}

static void h_booted(struct sim_pile *p)
{
	struct load_pile *lp = p->driver;
	struct load *l = lp->l;

	if (!lp->up) {
		lp->up = 1;
		l->ever_up = 1;
		if (++l->up > l->up_peak)
			l->up_peak = l->up;
	}
}

static void h_answered(struct sim_pile *p, const struct sim_msg *m, const struct sim_frame *f,
		       int64_t lat_us)
{
	struct load *l = ((struct load_pile *)p->driver)->l;

	(void)m;
	if (!f) {
		l->errs[E_TIMEOUT]++;
		return;
	}
	if (f->type == SIM_FRAME_ERROR)
		l->errs[E_CALLERROR]++;
	if (!l->sending && !l->ending)
		return; /* boots during the ramp are not traffic */
	l->answered++;
	l->answered_win++;
	sim_hist_record(&l->lat, (uint64_t)(lat_us > 0 ? lat_us : 0));
	sim_hist_record(&l->lat_win, (uint64_t)(lat_us > 0 ? lat_us : 0));
}

static void h_idle(struct sim_pile *p)
{
	struct load_pile *lp = p->driver;
	struct load *l = lp->l;

	/* closed loop: the next message goes as soon as the last was answered */
	if (l->sending && l->o->rate <= 0 && lp->up) {
		l->sent++;
		next_message(lp);
	}
}

static const struct sim_pile_hooks load_hooks = {
	.link_up = h_link_up,
	.link_down = h_link_down,
	.booted = h_booted,
	.answered = h_answered,
	.idle = h_idle,
};

/* ---- timers ----------------------------------------------------------- */

static void arm(struct load *l, ev_timer *t, double s)
{
	ev_timer_stop(l->net.loop, t);
	ev_timer_set(t, s, 0);
	ev_timer_start(l->net.loop, t);
}

/* Dial what the ramp makes due, keeping at most MAX_PENDING_DIALS in
 * progress; while that holds dials back, look again in a millisecond. */
static void ramp_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct load *l = t->data;
	int64_t now = gw_clock_mono_ms();

	(void)loop;
	(void)revents;
	l->ramp_acc += l->o->ramp * (double)(now - l->last_ramp_ms) / 1000.0;
	l->last_ramp_ms = now;
	if (l->ramp_acc > l->n - l->dialed)
		l->ramp_acc = l->n - l->dialed;
	while (l->ramp_acc >= 1 && l->dialed < l->n && l->pending < MAX_PENDING_DIALS) {
		struct load_pile *lp = &l->lp[l->dialed++];

		lp->dialing = 1;
		l->pending++;
		sim_pile_go_online(lp->p);
		l->ramp_acc -= 1;
	}
	if (l->dialed < l->n)
		arm(l, t, l->ramp_acc >= 1 ? 0.001 : RAMP_TICK_S);
}

static void start_closed_loop(struct load *l)
{
	for (int i = 0; i < l->n; i++)
		if (ready(&l->lp[i])) {
			l->sent++;
			next_message(&l->lp[i]);
		}
}

/* Token bucket over all piles, round robin from the cursor. */
static void tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct load *l = t->data;
	int64_t now = gw_clock_mono_ms(), now_us = mono_us();

	(void)loop;
	(void)revents;
	if (l->ending)
		return;
	if (!l->sending) {
		l->sending = 1; /* the ramp is over: traffic starts now */
		l->traffic_start_ms = now;
		l->last_tick_us = now_us;
		l->traffic_end_ms = now + (int64_t)(l->o->duration_s * 1000);
	}
	if (now >= l->traffic_end_ms) {
		l->sending = 0; /* answers in flight get until the next progress line */
		l->ending = 1;
		return;
	}
	if (l->o->rate <= 0) {
		start_closed_loop(l); /* piles that came up late or were idle */
		arm(l, t, 0.1);
		return;
	}
	l->tokens += l->o->rate * (double)(now_us - l->last_tick_us) / 1e6;
	l->last_tick_us = now_us;
	if (l->tokens > l->o->rate * BUCKET_S + 1)
		l->tokens = l->o->rate * BUCKET_S + 1;
	while (l->tokens >= 1) {
		int scanned = 0;

		while (scanned < l->n && !ready(&l->lp[l->cursor])) {
			l->cursor = (l->cursor + 1) % l->n;
			scanned++;
		}
		if (scanned == l->n) {
			l->behind++; /* every pile busy: the rate is above what they can do */
			break;
		}
		{
			struct sim_pile *p = l->lp[l->cursor].p;
			size_t before = p->calls.len, calls; /* the head stays queued while in flight */

			/* a unit (a transaction start) may be several CALLs: pay for each */
			next_message(&l->lp[l->cursor]);
			calls = p->calls.len - before;
			l->tokens -= calls ? (double)calls : 1.0;
		}
		l->cursor = (l->cursor + 1) % l->n;
	}
	arm(l, t, TICK_S);
}

static double ms_of(uint64_t us)
{
	return (double)us / 1000.0;
}

static void progress_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct load *l = t->data;
	int64_t now = gw_clock_mono_ms();
	double dt = (double)(now - l->last_progress_ms) / 1000.0;
	unsigned long errs = 0;

	(void)revents;
	for (int i = 0; i < E_COUNT; i++)
		errs += l->errs[i];
	fprintf(stderr, "t=%5.1fs piles up %d/%d  msg/s %7.0f  errors %lu  p99 %.2f ms\n",
		(double)(now - l->t0_ms) / 1000.0, l->up, l->n, dt > 0 ? l->answered_win / dt : 0, errs,
		ms_of(sim_hist_percentile(&l->lat_win, 99)));
	l->answered_win = 0;
	sim_hist_init(&l->lat_win);
	l->last_progress_ms = now;
	if (l->ending && ++l->ending > 2) { /* one more line for late answers */
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	arm(l, t, 1.0);
}

/* ---- report ----------------------------------------------------------- */

static struct json_object *hist_json(const struct sim_hist *h)
{
	static const double pcts[] = { 50, 90, 99, 99.9 };
	static const char *const names[] = { "p50_ms", "p90_ms", "p99_ms", "p99_9_ms" };
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "count", json_object_new_int64((int64_t)h->total));
	for (size_t i = 0; i < 4; i++)
		json_object_object_add(o, names[i], json_object_new_double(ms_of(sim_hist_percentile(h, pcts[i]))));
	json_object_object_add(o, "max_ms", json_object_new_double(ms_of(h->max)));
	json_object_object_add(o, "mean_ms", json_object_new_double(sim_hist_mean(h) / 1000.0));
	return o;
}

static void report(struct load *l, double traffic_s)
{
	struct json_object *o = json_object_new_object(), *e = json_object_new_object();
	double rate = traffic_s > 0 ? (double)l->answered / traffic_s : 0;

	for (int i = 0; i < E_COUNT; i++)
		json_object_object_add(e, err_names[i], json_object_new_int64((int64_t)l->errs[i]));
	json_object_object_add(o, "piles", json_object_new_int(l->n));
	json_object_object_add(o, "piles_up_peak", json_object_new_int(l->up_peak));
	json_object_object_add(o, "mix", json_object_new_string(l->o->mix));
	json_object_object_add(o, "target_rate", json_object_new_double(l->o->rate));
	json_object_object_add(o, "traffic_s", json_object_new_double(traffic_s));
	json_object_object_add(o, "sent", json_object_new_int64((int64_t)l->sent));
	json_object_object_add(o, "answered", json_object_new_int64((int64_t)l->answered));
	json_object_object_add(o, "msg_per_s", json_object_new_double(rate));
	json_object_object_add(o, "rate_limited_ticks", json_object_new_int64((int64_t)l->behind));
	json_object_object_add(o, "latency", hist_json(&l->lat));
	json_object_object_add(o, "connect", hist_json(&l->conn));
	json_object_object_add(o, "errors", e);
	if (l->o->json) {
		FILE *f = strcmp(l->o->json, "-") ? fopen(l->o->json, "w") : stdout;

		if (f) {
			fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
			if (f != stdout)
				fclose(f);
		} else {
			fprintf(stderr, "ocppsim: cannot write %s\n", l->o->json);
		}
	} else {
		printf("piles %d (peak up %d), mix %s, %.1f s of traffic\n", l->n, l->up_peak, l->o->mix,
		       traffic_s);
		printf("messages: %lu CALLs sent (incl. boots), %lu answered in traffic, %.0f msg/s\n", l->sent, l->answered, rate);
		printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
		       ms_of(sim_hist_percentile(&l->lat, 50)), ms_of(sim_hist_percentile(&l->lat, 90)),
		       ms_of(sim_hist_percentile(&l->lat, 99)), ms_of(sim_hist_percentile(&l->lat, 99.9)),
		       ms_of(l->lat.max));
		printf("connect ms: p50 %.2f  p99 %.2f  max %.2f  (%llu connects)\n",
		       ms_of(sim_hist_percentile(&l->conn, 50)), ms_of(sim_hist_percentile(&l->conn, 99)),
		       ms_of(l->conn.max), (unsigned long long)l->conn.total);
		printf("errors:");
		for (int i = 0; i < E_COUNT; i++)
			printf(" %s=%lu", err_names[i], l->errs[i]);
		printf("\n");
	}
	json_object_put(o);
}

/* ---- entry ------------------------------------------------------------ */

static int make_piles(struct load *l, const struct sim_proto *proto)
{
	char id[80];

	l->lp = gw_calloc((size_t)l->n, sizeof(*l->lp));
	if (!l->lp)
		return GW_ENOMEM;
	for (int i = 0; i < l->n; i++) {
		snprintf(id, sizeof(id), "%s%05d", l->o->id_prefix, l->o->first_index + i);
		if (sim_pile_new(&l->net, id, proto, l->o->connectors, 0, &l->lp[i].p))
			return GW_ENOMEM;
		l->lp[i].l = l;
		l->lp[i].p->driver = &l->lp[i];
		l->lp[i].p->hooks = &load_hooks;
		l->lp[i].p->call_timeout_s = l->o->call_timeout_s;
		l->lp[i].p->cfg.meter_interval_s = 0; /* the mix decides what is sent */
		l->lp[i].p->cfg.heartbeat_s = 86400;
	}
	return GW_OK;
}

int sim_load_run(const struct sim_opts *o, const struct sim_net_opts *net_opts)
{
	struct sim_net_opts no = *net_opts;
	struct load l;
	double ramp_s;
	int rc = SIM_EXIT_URL;

	memset(&l, 0, sizeof(l));
	l.o = o;
	sim_hist_init(&l.lat);
	sim_hist_init(&l.lat_win);
	sim_hist_init(&l.conn);
	if (parse_mix(&l, o->mix)) {
		fprintf(stderr, "ocppsim: bad --mix '%s'\n", o->mix);
		return SIM_EXIT_URL;
	}
	l.n = o->piles;
	if (l.n > no.fd_limit - 64) {
		fprintf(stderr, "ocppsim: open-file limit %d allows %d piles; using that many\n",
			no.fd_limit, no.fd_limit - 64);
		l.n = no.fd_limit - 64;
	}
	rc = SIM_EXIT_REFUSED;
	if (sim_net_init(&l.net, &no)) {
		fprintf(stderr, "ocppsim: cannot set up the client (check --ca/--cert/--key)\n");
		goto out;
	}
	if (make_piles(&l, strcmp(o->version, "2.0.1") ? &sim_proto_v16 : &sim_proto_v201)) {
		fprintf(stderr, "ocppsim: out of memory for %d piles\n", l.n);
		goto out;
	}
	ramp_s = (double)l.n / o->ramp;
	l.t0_ms = l.last_progress_ms = l.last_ramp_ms = gw_clock_mono_ms();
	l.traffic_start_ms = l.t0_ms + (int64_t)(ramp_s * 1000);
	l.traffic_end_ms = l.traffic_start_ms + (int64_t)(o->duration_s * 1000);
	ev_timer_init(&l.t_ramp, ramp_cb, 0, 0);
	ev_timer_init(&l.t_tick, tick_cb, 0, 0);
	ev_timer_init(&l.t_progress, progress_cb, 1, 0);
	l.t_ramp.data = l.t_tick.data = l.t_progress.data = &l;
	arm(&l, &l.t_ramp, 0);
	arm(&l, &l.t_tick, ramp_s);
	arm(&l, &l.t_progress, 1.0);
	ev_run(l.net.loop, 0);
	l.ending = 1;
	l.sent = 0;
	for (int i = 0; i < l.n; i++)
		l.sent += l.lp[i].p->sent_calls;
	report(&l, (double)(l.traffic_end_ms - l.traffic_start_ms) / 1000.0);
	rc = SIM_EXIT_OK;
	if (!l.ever_up) {
		fprintf(stderr, "ocppsim: no pile could connect\n");
		rc = l.errs[E_HTTP401] ? SIM_EXIT_AUTH : SIM_EXIT_REFUSED;
	}
out:
	for (int i = 0; l.lp && i < l.n; i++)
		if (l.lp[i].p)
			sim_pile_stop(l.lp[i].p);
	if (l.net.loop) {
		ev_timer_stop(l.net.loop, &l.t_ramp);
		ev_timer_stop(l.net.loop, &l.t_tick);
		ev_timer_stop(l.net.loop, &l.t_progress);
	}
	sim_net_cleanup(&l.net);
	for (int i = 0; l.lp && i < l.n; i++)
		sim_pile_free(l.lp[i].p);
	gw_free(l.lp);
	return rc;
}
