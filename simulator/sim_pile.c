/* SPDX-License-Identifier: MIT
 *
 * sim_pile.c - a pile's life on the wire: link up/down, reconnect with
 * doubling back-off and jitter (2.0.1 Part 4 §5.3), BootNotification and
 * its retry, the one-CALL-at-a-time pump, answers, timeouts and the
 * transaction-message retry rule (1.6 §3.7.1: only a CALLERROR is a
 * failure; a lost link keeps the message queued), and the periodic timers
 * (heartbeat on real time, meter samples on pile time).  Every callback
 * into the pile is one event of its clock (sim_vclock_enter/_leave).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "sim_conn.h"
#include "sim_dispatch.h"
#include "sim_frame.h"
#include "sim_pile.h"

#define RECONNECT_MIN_MS 1000
#define RECONNECT_MAX_MS 30000
#define RECONNECT_JITTER_MS 1000

static void pump(struct sim_pile *p);

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void arm(struct sim_pile *p, ev_timer *t, double secs)
{
	ev_timer_stop(p->net->loop, t);
	if (p->stopped)
		return;
	ev_timer_set(t, secs > 0 ? secs : 0.001, 0);
	ev_timer_start(p->net->loop, t);
}

static void disarm(struct sim_pile *p, ev_timer *t)
{
	ev_timer_stop(p->net->loop, t);
}

/* Virtual seconds -> real seconds for timer arming. */
static double real_s(const struct sim_pile *p, double virt_s)
{
	return (double)sim_vclock_real_ms(&p->clock, (int64_t)(virt_s * 1000.0)) / 1000.0;
}

int64_t sim_pile_now(const struct sim_pile *p)
{
	return sim_vclock_now(&p->clock);
}

void sim_pile_msg_id(struct sim_pile *p, char *buf, size_t n)
{
	snprintf(buf, n, "%04x-%lu", p->id_salt & 0xffff, ++p->next_id);
}

struct sim_connector *sim_pile_connector(struct sim_pile *p, int id)
{
	return id >= 1 && id <= p->nconn ? &p->conn[id - 1] : NULL;
}

int sim_pile_idle(const struct sim_pile *p)
{
	return !p->in_flight && !p->boot_msg && !sim_queue_peek(&p->calls);
}

/* ---- sending ---------------------------------------------------------- */

static void send_call(struct sim_pile *p, struct sim_msg *m)
{
	char *text;

	sim_pile_msg_id(p, p->in_flight_id, sizeof(p->in_flight_id));
	if (p->proto->prepare)
		p->proto->prepare(p, m);
	text = sim_frame_call(p->in_flight_id, m->action, m->payload);
	if (!text)
		return; /* out of memory: try again on the next pump */
	if (p->hooks->frame)
		p->hooks->frame(p, 1, text, strlen(text));
	if (sim_conn_send(p, text, strlen(text)) == GW_OK) {
		p->in_flight = 1;
		p->sent_us = mono_us();
		p->sent_calls++;
		arm(p, &p->t_call, p->call_timeout_s);
	}
	gw_free(text);
}

static void pump(struct sim_pile *p)
{
	struct sim_msg *m;

	if (!p->connected || p->closing || p->in_flight || p->in_dispatch || p->retry_wait ||
	    p->stopped)
		return;
	if (p->boot_msg) {
		p->in_flight_boot = 1;
		send_call(p, p->boot_msg);
		return;
	}
	if (p->boot != SIM_BOOT_ACCEPTED)
		return;
	m = sim_queue_peek(&p->calls);
	if (!m) {
		if (p->hooks->idle)
			p->hooks->idle(p);
		return;
	}
	p->in_flight_boot = 0;
	send_call(p, m);
}

void sim_pile_enqueue(struct sim_pile *p, const char *action, struct json_object *payload,
		      int flags, int tx_ref, int connector)
{
	struct sim_msg *m = sim_msg_new(action, payload, flags);

	if (!m)
		return;
	m->tx_ref = tx_ref;
	m->connector = connector;
	m->queued_ms = sim_pile_now(p);
	if (!strcmp(action, "BootNotification")) {
		if (p->boot_msg && p->in_flight && p->in_flight_boot) {
			sim_msg_free(m); /* one is already on its way */
			return;
		}
		sim_msg_free(p->boot_msg);
		p->boot_msg = m;
		p->boot = SIM_BOOT_SENT;
	} else if (sim_queue_push(&p->calls, m) != GW_OK) {
		gw_log(GW_LOG_WARN, "cp=%s queue full, %s dropped", p->identity, action);
		sim_msg_free(m);
		return;
	}
	pump(p);
}

/* ---- answers ---------------------------------------------------------- */

/* Take the in-flight message out of its place; caller owns it. */
static struct sim_msg *take_in_flight(struct sim_pile *p)
{
	struct sim_msg *m;

	p->in_flight = 0;
	disarm(p, &p->t_call);
	if (p->in_flight_boot) {
		p->in_flight_boot = 0;
		m = p->boot_msg;
		p->boot_msg = NULL;
		return m;
	}
	return sim_queue_pop(&p->calls);
}

static void on_callerror(struct sim_pile *p, const struct sim_frame *f, int64_t lat)
{
	struct sim_msg *m = p->in_flight_boot ? p->boot_msg : sim_queue_peek(&p->calls);

	p->errors++;
	if (p->hooks->answered)
		p->hooks->answered(p, m, f, lat);
	if (m && (m->flags & SIM_MSG_TX) && ++m->attempts < p->cfg.tx_attempts) {
		/* 1.6 §3.7.1: wait interval x attempts, then resend */
		p->in_flight = 0;
		p->retry_wait = 1;
		arm(p, &p->t_call, real_s(p, (double)p->cfg.tx_retry_s * m->attempts));
		return;
	}
	m = take_in_flight(p);
	if (m && !strcmp(m->action, "BootNotification"))
		sim_pile_boot_result(p, SIM_BOOT_REJECTED, 0);
	sim_msg_free(m);
}

static void on_answer(struct sim_pile *p, const struct sim_frame *f)
{
	int64_t lat = mono_us() - p->sent_us;
	struct sim_msg *m;

	if (!p->in_flight || strcmp(f->id, p->in_flight_id)) {
		gw_log(GW_LOG_NOTICE, "cp=%s answer to unknown message id %s ignored", p->identity,
		       f->id);
		return;
	}
	if (f->type == SIM_FRAME_ERROR) {
		on_callerror(p, f, lat);
	} else {
		m = take_in_flight(p);
		if (m && p->proto->on_result)
			p->proto->on_result(p, m, f->payload);
		if (p->hooks->answered)
			p->hooks->answered(p, m, f, lat);
		sim_msg_free(m);
	}
	pump(p);
}

static void on_call(struct sim_pile *p, const struct sim_frame *f)
{
	char *reply;

	p->recv_calls++;
	if (p->hooks->called)
		p->hooks->called(p, f);
	p->in_dispatch = 1;
	reply = p->proto->dispatch(p, f);
	if (reply) {
		if (p->hooks->frame)
			p->hooks->frame(p, 1, reply, strlen(reply));
		sim_conn_send(p, reply, strlen(reply));
		gw_free(reply);
	}
	p->in_dispatch = 0;
	pump(p);
}

static void on_text(struct sim_pile *p, const char *buf, size_t len)
{
	struct sim_frame f;
	int rc;

	if (p->hooks->frame)
		p->hooks->frame(p, 0, buf, len);
	rc = sim_frame_parse(buf, len, &f);
	if (rc) {
		gw_log(GW_LOG_WARN, "cp=%s unreadable frame from server: %s", p->identity,
		       gw_strerror(rc));
		p->errors++;
		return;
	}
	if (f.type == SIM_FRAME_CALL)
		on_call(p, &f);
	else
		on_answer(p, &f);
	sim_frame_cleanup(&f);
}

void sim_pile_on_text(struct sim_pile *p, const char *buf, size_t len)
{
	sim_vclock_enter(&p->clock);
	on_text(p, buf, len);
	sim_vclock_leave(&p->clock);
}

/* ---- timers ----------------------------------------------------------- */

static void call_timeout(struct sim_pile *p)
{
	struct sim_msg *m;

	if (p->retry_wait) {
		p->retry_wait = 0;
		pump(p);
		return;
	}
	if (!p->in_flight)
		return;
	m = p->in_flight_boot ? p->boot_msg : sim_queue_peek(&p->calls);
	gw_log(GW_LOG_WARN, "cp=%s %s: no answer in %d s", p->identity, m ? m->action : "?",
	       p->call_timeout_s);
	p->errors++;
	if (p->hooks->answered)
		p->hooks->answered(p, m, NULL, (int64_t)p->call_timeout_s * 1000000);
	if (m && ((m->flags & SIM_MSG_TX) || p->in_flight_boot)) {
		p->in_flight = 0; /* resend with a new id */
	} else {
		m = take_in_flight(p);
		sim_msg_free(m);
	}
	pump(p);
}

static void call_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct sim_pile *p = t->data;

	(void)loop;
	(void)revents;
	sim_vclock_enter(&p->clock);
	call_timeout(p);
	sim_vclock_leave(&p->clock);
}

static void heartbeat_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct sim_pile *p = t->data;

	(void)loop;
	(void)revents;
	sim_vclock_enter(&p->clock);
	if (p->connected && p->boot == SIM_BOOT_ACCEPTED)
		p->proto->heartbeat(p);
	arm(p, &p->t_heartbeat, p->cfg.heartbeat_s);
	sim_vclock_leave(&p->clock);
}

static void sample_all(struct sim_pile *p, const char *context)
{
	for (int i = 0; i < p->nconn; i++)
		if (p->conn[i].tx.active)
			sim_pile_sample(p, &p->conn[i], context);
}

/* Pile ms from now to the next clock-aligned instant (never 0: the
 * instant we stand on has been sampled). */
static int64_t next_aligned_ms(const struct sim_pile *p)
{
	int64_t iv = (int64_t)p->cfg.clock_aligned_s * 1000, now = sim_pile_now(p);

	return (now / iv + 1) * iv - now;
}

/* The samplers are virtual timers: each sample is stamped with the pile
 * instant it was due at, and they interleave with a scenario's steps in
 * pile-time order however late the process runs (sim_vclock.h). */
static void sample_cb(struct sim_vtimer *t)
{
	struct sim_pile *p = t->data;

	if (p->stopped || p->cfg.meter_interval_s <= 0)
		return;
	sample_all(p, "Sample.Periodic");
	sim_vclock_after(&p->clock, t, (int64_t)p->cfg.meter_interval_s * 1000);
}

static void clock_cb(struct sim_vtimer *t)
{
	struct sim_pile *p = t->data;

	if (p->stopped || p->cfg.clock_aligned_s <= 0)
		return;
	sample_all(p, "Sample.Clock");
	sim_vclock_after(&p->clock, t, next_aligned_ms(p));
}

void sim_pile_config_changed(struct sim_pile *p)
{
	if (p->boot == SIM_BOOT_ACCEPTED && p->cfg.heartbeat_s > 0)
		arm(p, &p->t_heartbeat, p->cfg.heartbeat_s);
	if (p->stopped || p->cfg.meter_interval_s <= 0)
		sim_vclock_cancel(&p->clock, &p->v_sample);
	else
		sim_vclock_after(&p->clock, &p->v_sample, (int64_t)p->cfg.meter_interval_s * 1000);
	if (p->stopped || p->cfg.clock_aligned_s <= 0)
		sim_vclock_cancel(&p->clock, &p->v_clock);
	else
		sim_vclock_after(&p->clock, &p->v_clock, next_aligned_ms(p));
}

static void boot_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct sim_pile *p = t->data;

	(void)loop;
	(void)revents;
	sim_vclock_enter(&p->clock);
	if (p->connected && p->boot != SIM_BOOT_ACCEPTED)
		p->proto->boot(p);
	sim_vclock_leave(&p->clock);
}

void sim_pile_boot_answer(struct sim_pile *p, struct json_object *payload)
{
	const char *s = sim_json_str(payload, "status");
	enum sim_boot b = !s ? SIM_BOOT_REJECTED :
			  !strcmp(s, "Accepted") ? SIM_BOOT_ACCEPTED :
			  !strcmp(s, "Pending") ? SIM_BOOT_PENDING : SIM_BOOT_REJECTED;

	sim_pile_boot_result(p, b, (int)sim_json_int(payload, "interval", 0));
}

void sim_pile_boot_result(struct sim_pile *p, enum sim_boot st, int interval_s)
{
	p->boot = st;
	if (st != SIM_BOOT_ACCEPTED) {
		/* Pending / Rejected: try again after the interval given (or 30 s) */
		arm(p, &p->t_boot, interval_s > 0 ? interval_s : 30);
		if (p->hooks->event)
			p->hooks->event(p, "boot", st == SIM_BOOT_PENDING ? "Pending" : "Rejected");
		return;
	}
	if (interval_s > 0)
		p->cfg.heartbeat_s = interval_s;
	sim_pile_config_changed(p);
	for (int i = 0; i < p->nconn; i++) {
		p->conn[i].sent_status = -1;
		p->proto->status(p, &p->conn[i], NULL);
	}
	if (p->hooks->booted)
		p->hooks->booted(p);
}

/* ---- link ------------------------------------------------------------- */

static void reconnect_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct sim_pile *p = t->data;

	(void)loop;
	(void)revents;
	sim_vclock_enter(&p->clock);
	if (p->want_online && !p->connected && !p->connecting && !p->wsi)
		sim_conn_open(p);
	sim_vclock_leave(&p->clock);
}

void sim_pile_go_online(struct sim_pile *p)
{
	p->want_online = 1;
	if (!p->connected && !p->connecting && !p->wsi)
		arm(p, &p->t_reconnect, 0);
}

void sim_pile_go_offline(struct sim_pile *p)
{
	p->want_online = 0;
	disarm(p, &p->t_reconnect);
	sim_conn_close(p);
}

static void link_open(struct sim_pile *p)
{
	p->closing = 0;
	p->connected = 1;
	p->connecting = 0;
	p->ever_connected = 1;
	p->backoff_ms = 0;
	if (p->hooks->link_up)
		p->hooks->link_up(p, gw_clock_mono_ms() - p->connect_started_ms);
	if (p->boot != SIM_BOOT_ACCEPTED) {
		p->proto->boot(p);
		return;
	}
	/* a reconnect is not a boot (2.0.1 Part 4 §5.3): re-announce states */
	for (int i = 0; i < p->nconn; i++) {
		p->conn[i].sent_status = -1;
		p->proto->status(p, &p->conn[i], NULL);
	}
	sim_pile_config_changed(p);
	pump(p);
}

void sim_pile_on_open(struct sim_pile *p)
{
	sim_vclock_enter(&p->clock);
	link_open(p);
	sim_vclock_leave(&p->clock);
}

static void link_closed(struct sim_pile *p, int http_status, const char *why)
{
	int was_up = p->connected;
	double wait_s;

	p->connected = 0;
	p->connecting = 0;
	p->closing = 0;
	p->wsi = NULL;
	p->in_flight = 0;
	p->retry_wait = 0;
	disarm(p, &p->t_call);
	disarm(p, &p->t_heartbeat);
	disarm(p, &p->t_boot);
	if (p->boot != SIM_BOOT_ACCEPTED) {
		sim_msg_free(p->boot_msg);
		p->boot_msg = NULL;
		p->boot = SIM_BOOT_NONE;
	}
	sim_queue_drop_volatile(&p->calls);
	if (p->hooks->link_down)
		p->hooks->link_down(p, was_up, http_status, why);
	if (!p->want_online || p->stopped)
		return;
	if (!p->backoff_ms)
		p->backoff_ms = RECONNECT_MIN_MS;
	else if (p->backoff_ms < RECONNECT_MAX_MS)
		p->backoff_ms *= 2;
	wait_s = (p->backoff_ms + rand() % RECONNECT_JITTER_MS) / 1000.0;
	arm(p, &p->t_reconnect, wait_s);
}

void sim_pile_on_close(struct sim_pile *p, int http_status, const char *why)
{
	sim_vclock_enter(&p->clock);
	link_closed(p, http_status, why);
	sim_vclock_leave(&p->clock);
}

/* ---- reboot ----------------------------------------------------------- */

static void reboot_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct sim_pile *p = t->data;

	(void)loop;
	(void)revents;
	sim_vclock_enter(&p->clock);
	if (p->hooks->event)
		p->hooks->event(p, "reboot", p->reboot_reason);
	/* close first: the end messages below stay queued for after the boot */
	sim_conn_close(p);
	for (int i = 0; i < p->nconn; i++)
		if (p->conn[i].tx.active)
			sim_pile_stop_tx(p, &p->conn[i], p->reboot_reason, "ResetCommand");
	p->boot = SIM_BOOT_NONE;
	p->backoff_ms = 0;
	sim_vclock_leave(&p->clock);
}

void sim_pile_reboot(struct sim_pile *p, const char *reason)
{
	snprintf(p->reboot_reason, sizeof(p->reboot_reason), "%s", reason);
	arm(p, &p->t_reboot, 0.2);
}

/* ---- life ------------------------------------------------------------- */

int sim_pile_new(struct sim_net *net, const char *identity, const struct sim_proto *proto,
		 int connectors, double meter_start_wh, struct sim_pile **out)
{
	struct sim_pile *p = gw_calloc(1, sizeof(*p));

	if (!p)
		return GW_ENOMEM;
	snprintf(p->identity, sizeof(p->identity), "%s", identity);
	p->net = net;
	p->proto = proto;
	sim_cfg_defaults(&p->cfg);
	sim_vclock_init(&p->clock, net->loop);
	sim_vclock_start(&p->clock, 1.0, 0);
	sim_queue_init(&p->calls, 1024);
	p->call_timeout_s = 30;
	p->default_kw = 11.0;
	p->vendor = "ocppsim";
	p->model = "SIM-AC22";
	p->id_salt = (unsigned)rand();
	p->nconn = connectors < 1 ? 1 : connectors > SIM_MAX_CONNECTORS ? SIM_MAX_CONNECTORS : connectors;
	p->cfg.connectors = p->nconn;
	for (int i = 0; i < p->nconn; i++) {
		p->conn[i].id = i + 1;
		p->conn[i].status = SIM_ST_AVAILABLE;
		p->conn[i].sent_status = -1;
		p->conn[i].sent_charging = -1;
		sim_meter_init(&p->conn[i].meter, meter_start_wh, sim_pile_now(p));
	}
	ev_timer_init(&p->t_heartbeat, heartbeat_cb, 1, 0);
	sim_vtimer_init(&p->v_sample, sample_cb, p);
	sim_vtimer_init(&p->v_clock, clock_cb, p);
	ev_timer_init(&p->t_call, call_timer_cb, 1, 0);
	ev_timer_init(&p->t_reconnect, reconnect_cb, 1, 0);
	ev_timer_init(&p->t_boot, boot_cb, 1, 0);
	ev_timer_init(&p->t_reboot, reboot_cb, 1, 0);
	p->t_reboot.data = p;
	p->t_heartbeat.data = p;
	p->t_call.data = p->t_reconnect.data = p->t_boot.data = p;
	*out = p;
	return GW_OK;
}

void sim_pile_stop(struct sim_pile *p)
{
	ev_timer *all[] = { &p->t_heartbeat, &p->t_call, &p->t_reconnect, &p->t_boot,
			    &p->t_reboot };

	p->stopped = 1;
	p->want_online = 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		disarm(p, all[i]);
	sim_vclock_stop(&p->clock);
}

void sim_pile_free(struct sim_pile *p)
{
	if (!p)
		return;
	sim_pile_stop(p);
	sim_queue_cleanup(&p->calls);
	sim_msg_free(p->boot_msg);
	for (int i = 0; i < p->nconn; i++)
		json_object_put(p->conn[i].tx.start_payload);
	sim_conn_discard(p);
	gw_free(p);
}
