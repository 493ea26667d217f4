/* SPDX-License-Identifier: MIT
 *
 * sim_run.c - the scenario runner.  Steps run one after another once the
 * pile is booted; each step's handler (table step_fns) acts on the pile
 * and says what it waits for: a (virtual) time, the pile's queue to drain,
 * a response, a server CALL, a connector status.  Pile hooks re-check the
 * wait and kick the next step from a zero timer, never from inside a
 * callback chain.  At the end the transcript, the expectations and the
 * final state are printed and, with --json, written.
 *
 * Time: a step is an instant of pile time.  The instant a wait ends (a
 * `wait` step's virtual timer, the answer that drained the queue) is held
 * on the pile's clock until the kicked step has run, so no sampler can
 * slip in between, and every message of the step carries that instant
 * (sim_vclock.h).
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "common/gw_time.h"
#include "sim_cli.h"
#include "sim_conn.h"
#include "sim_frame.h"
#include "sim_pile.h"
#include "sim_run.h"
#include "sim_transcript.h"

#define IDLE_TIMEOUT_S 30.0 /* a message step gives up waiting for answers */
#define BOOT_TIMEOUT_S 120.0

enum run_wait {
	W_NONE,     /* run the next step */
	W_BOOT,     /* first BootNotification accepted */
	W_TIMER,    /* v_wait fires (pile time) */
	W_IDLE,     /* queue drained (or link down) */
	W_ONLINE,   /* link up and queue drained */
	W_RESPONSE, /* a CALLRESULT/CALLERROR for step->action */
	W_CALL,     /* a server CALL step->action */
	W_STATUS,   /* connector status == step->status */
	W_END,      /* all steps done: drain, then stop */
	W_DONE,
};

/* One per scenario run. */
struct sim_run {
	struct sim_scenario *sc;
	struct sim_pile *pile;
	struct sim_net net;
	struct sim_transcript tr;
	size_t step;                   /* next step to run */
	const struct sim_step *cur;    /* step being waited on */
	enum run_wait wait;
	ev_timer t_step;               /* real-time deadline of a wait */
	ev_timer t_kick;               /* zero-delay advance */
	struct sim_vtimer v_wait;      /* a `wait` step, on pile time */
	int pinned;                    /* the pile clock is held for the kicked step */
	double max_wait_s;             /* --max-wait: cap on a wait step, pile s; 0 = none */
	struct json_object *responses; /* action -> last answer payload */
	struct json_object *calls;     /* action -> CALLs received */
	struct json_object *used;      /* action -> CALLs consumed by expect_call */
	struct json_object *expects;   /* [{line, step, ok, detail}] */
	int failed;                    /* expectations failed */
	int exit_code;
};

static void finish(struct sim_run *r, int code)
{
	if (r->wait == W_DONE)
		return;
	r->wait = W_DONE;
	if (code > r->exit_code)
		r->exit_code = code;
	ev_break(r->net.loop, EVBREAK_ALL);
}

/* Run the next step (or recheck) from a zero timer, at the present
 * instant: the clock stays held there until kick_cb has run. */
static void kick(struct sim_run *r)
{
	if (!r->pinned) {
		sim_vclock_enter(&r->pile->clock);
		r->pinned = 1;
	}
	ev_timer_stop(r->net.loop, &r->t_kick);
	ev_timer_set(&r->t_kick, 0, 0);
	ev_timer_start(r->net.loop, &r->t_kick);
}

static void deadline(struct sim_run *r, double real_s)
{
	ev_timer_stop(r->net.loop, &r->t_step);
	ev_timer_set(&r->t_step, real_s > 0 ? real_s : 0.001, 0);
	ev_timer_start(r->net.loop, &r->t_step);
}

static void event(struct sim_run *r, const char *what, const char *detail)
{
	sim_transcript_event(&r->tr, r->pile->identity, sim_pile_now(r->pile), what, detail);
}

static void record_expect(struct sim_run *r, const struct sim_step *st, int ok, const char *detail)
{
	struct json_object *e = json_object_new_object();
	char line[400];

	json_object_object_add(e, "line", json_object_new_int(st->line));
	json_object_object_add(e, "step", json_object_new_string(sim_step_name(st->kind)));
	json_object_object_add(e, "ok", json_object_new_boolean(ok));
	json_object_object_add(e, "detail", json_object_new_string(detail));
	json_object_array_add(r->expects, e);
	snprintf(line, sizeof(line), "line %d %s", st->line, detail);
	event(r, ok ? "expect ok" : "EXPECT FAILED", line);
	if (!ok)
		r->failed++;
}

static void done_waiting(struct sim_run *r)
{
	ev_timer_stop(r->net.loop, &r->t_step);
	sim_vclock_cancel(&r->pile->clock, &r->v_wait);
	r->wait = W_NONE;
	r->cur = NULL;
	kick(r);
}

/* ---- checks ----------------------------------------------------------- */

static int check_response(struct sim_run *r, const struct sim_step *st, int final)
{
	struct json_object *payload, *v;
	char detail[300];
	const char *got;
	int ok;

	if (!json_object_object_get_ex(r->responses, st->action, &payload)) {
		if (final) {
			snprintf(detail, sizeof(detail), "%s: no response", st->action);
			record_expect(r, st, 0, detail);
		}
		return final;
	}
	v = sim_json_path(payload, st->field);
	got = !v ? NULL : json_object_is_type(v, json_type_string) ? json_object_get_string(v) :
							      json_object_to_json_string(v);
	ok = got && (!st->equals[0] || !strcmp(got, st->equals));
	snprintf(detail, sizeof(detail), "%s %s == %s (got %s)", st->action, st->field,
		 st->equals[0] ? st->equals : "<present>", got ? got : "<absent>");
	record_expect(r, st, ok, detail);
	return 1;
}

static int check_call(struct sim_run *r, const struct sim_step *st, int final)
{
	struct json_object *n;
	int seen = 0, used = 0;
	char detail[200];

	if (json_object_object_get_ex(r->calls, st->action, &n))
		seen = json_object_get_int(n);
	if (json_object_object_get_ex(r->used, st->action, &n))
		used = json_object_get_int(n);
	if (seen > used) {
		json_object_object_add(r->used, st->action, json_object_new_int(used + 1));
		snprintf(detail, sizeof(detail), "server sent %s", st->action);
		record_expect(r, st, 1, detail);
		return 1;
	}
	if (final) {
		snprintf(detail, sizeof(detail), "server sent no %s within %.0f s", st->action,
			 st->within_s);
		record_expect(r, st, 0, detail);
	}
	return final;
}

static int check_status(struct sim_run *r, const struct sim_step *st, int final)
{
	struct sim_connector *c = sim_pile_connector(r->pile, st->connector);
	const char *now = sim_status_name(c->status);
	char detail[200];

	if (strcmp(now, st->status) && !final)
		return 0;
	snprintf(detail, sizeof(detail), "connector %d status %s (is %s)", c->id, st->status, now);
	record_expect(r, st, !strcmp(now, st->status), detail);
	return 1;
}

/* Re-evaluate the current wait; advance when satisfied. */
static void recheck(struct sim_run *r)
{
	struct sim_pile *p = r->pile;
	int ok = 0;

	switch (r->wait) {
	case W_IDLE:
		ok = sim_pile_idle(p) || !p->connected;
		break;
	case W_ONLINE:
		ok = p->connected && p->boot == SIM_BOOT_ACCEPTED && sim_pile_idle(p);
		break;
	case W_RESPONSE:
		ok = check_response(r, r->cur, 0);
		break;
	case W_CALL:
		ok = check_call(r, r->cur, 0);
		break;
	case W_STATUS:
		ok = check_status(r, r->cur, 0);
		break;
	case W_END:
		if (sim_pile_idle(p) || !p->connected)
			finish(r, SIM_EXIT_OK);
		return;
	default:
		return;
	}
	if (ok)
		done_waiting(r);
}

/* ---- steps ------------------------------------------------------------ */

typedef enum run_wait step_fn(struct sim_run *r, const struct sim_step *st,
			      struct sim_connector *c);

static enum run_wait s_wait(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	double s = st->seconds;

	(void)c;
	if (r->max_wait_s > 0 && s > r->max_wait_s)
		s = r->max_wait_s;
	sim_vclock_after(&r->pile->clock, &r->v_wait, (int64_t)(s * 1000));
	return W_TIMER;
}

/* A wait step's instant came (the clock is held there). */
static void wait_cb(struct sim_vtimer *t)
{
	struct sim_run *r = t->data;

	if (r->wait == W_TIMER)
		done_waiting(r);
}

static enum run_wait s_plug(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	(void)st;
	sim_pile_plug(r->pile, c);
	return W_IDLE;
}

static enum run_wait s_unplug(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	sim_pile_unplug(r->pile, c, st->keep_tx);
	return W_IDLE;
}

static enum run_wait s_authorize(struct sim_run *r, const struct sim_step *st,
				 struct sim_connector *c)
{
	(void)c;
	r->pile->proto->authorize(r->pile, st->id_tag);
	return W_IDLE;
}

static enum run_wait s_start(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	if (sim_pile_start_tx(r->pile, c, st->id_tag, -1))
		event(r, "warning", "start: connector busy, faulted or unavailable");
	return W_IDLE;
}

static enum run_wait s_charge(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	enum sim_status to = st->kind == SIM_STEP_SUSPEND_EV ? SIM_ST_SUSPENDED_EV :
			     st->kind == SIM_STEP_SUSPEND_EVSE ? SIM_ST_SUSPENDED_EVSE : SIM_ST_CHARGING;
	double w = st->kind == SIM_STEP_CHARGE ? st->kw * 1000.0 :
		   st->kind == SIM_STEP_RESUME ? (c->draw_w > 0 ? c->draw_w : r->pile->default_kw * 1000) :
		   0;

	sim_pile_set_charging(r->pile, c, to, w);
	return W_IDLE;
}

static enum run_wait s_fault(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	if (st->kind == SIM_STEP_FAULT)
		sim_pile_fault(r->pile, c, st->error_code);
	else
		sim_pile_clear_fault(r->pile, c);
	return W_IDLE;
}

static enum run_wait s_stop(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	if (sim_pile_stop_tx(r->pile, c, st->reason, NULL))
		event(r, "warning", "stop: no transaction on that connector");
	return W_IDLE;
}

static enum run_wait s_offline(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	(void)st;
	(void)c;
	sim_pile_go_offline(r->pile);
	event(r, "offline", NULL);
	return W_NONE;
}

static enum run_wait s_online(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	(void)c;
	sim_pile_go_online(r->pile);
	event(r, "online", NULL);
	deadline(r, st->within_s > IDLE_TIMEOUT_S ? st->within_s : IDLE_TIMEOUT_S);
	return W_ONLINE;
}

static enum run_wait s_replay(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	(void)st;
	if (sim_pile_resend_start(r->pile, c, r->pile->proto->start_action))
		event(r, "warning", "replay_start: no transaction started on that connector");
	return W_IDLE;
}

static enum run_wait s_switch(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	struct sim_pile *p = r->pile;

	switch (st->kind) {
	case SIM_STEP_IGNORE_REMOTE_STOP:
		p->quirks.ignore_remote_stop = st->enable;
		break;
	case SIM_STEP_METER_SILENCE:
		p->quirks.meter_silence = st->enable;
		break;
	case SIM_STEP_METER_KWH:
		c->meter.kwh = st->enable;
		break;
	case SIM_STEP_METER_BACKWARDS:
		sim_meter_advance(&c->meter, sim_pile_now(p));
		c->meter.backwards = st->enable;
		break;
	case SIM_STEP_CLOCK_OFFSET:
		p->clock.offset_ms += (int64_t)(st->seconds * 1000);
		break;
	case SIM_STEP_INJECT_ENERGY:
		sim_meter_advance(&c->meter, sim_pile_now(p));
		sim_meter_inject(&c->meter, st->wh);
		break;
	default:
		break;
	}
	return W_NONE;
}

static enum run_wait s_send(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	if (st->kind == SIM_STEP_HEARTBEAT)
		r->pile->proto->heartbeat(r->pile);
	else
		sim_pile_sample(r->pile, c, c->tx.active ? "Sample.Periodic" : "Trigger");
	return W_IDLE;
}

static enum run_wait s_expect(struct sim_run *r, const struct sim_step *st, struct sim_connector *c)
{
	(void)c;
	deadline(r, st->within_s);
	return st->kind == SIM_STEP_EXPECT_RESPONSE ? W_RESPONSE :
	       st->kind == SIM_STEP_EXPECT_CALL ? W_CALL : W_STATUS;
}

static step_fn *const step_fns[SIM_STEP_KIND_COUNT] = {
	[SIM_STEP_WAIT] = s_wait,
	[SIM_STEP_PLUG] = s_plug,
	[SIM_STEP_UNPLUG] = s_unplug,
	[SIM_STEP_AUTHORIZE] = s_authorize,
	[SIM_STEP_START] = s_start,
	[SIM_STEP_CHARGE] = s_charge,
	[SIM_STEP_STALL] = s_charge,
	[SIM_STEP_SUSPEND_EV] = s_charge,
	[SIM_STEP_SUSPEND_EVSE] = s_charge,
	[SIM_STEP_RESUME] = s_charge,
	[SIM_STEP_FAULT] = s_fault,
	[SIM_STEP_CLEAR_FAULT] = s_fault,
	[SIM_STEP_STOP] = s_stop,
	[SIM_STEP_OFFLINE] = s_offline,
	[SIM_STEP_ONLINE] = s_online,
	[SIM_STEP_REPLAY_START] = s_replay,
	[SIM_STEP_IGNORE_REMOTE_STOP] = s_switch,
	[SIM_STEP_CLOCK_OFFSET] = s_switch,
	[SIM_STEP_METER_KWH] = s_switch,
	[SIM_STEP_METER_BACKWARDS] = s_switch,
	[SIM_STEP_METER_SILENCE] = s_switch,
	[SIM_STEP_INJECT_ENERGY] = s_switch,
	[SIM_STEP_HEARTBEAT] = s_send,
	[SIM_STEP_METER_NOW] = s_send,
	[SIM_STEP_EXPECT_RESPONSE] = s_expect,
	[SIM_STEP_EXPECT_CALL] = s_expect,
	[SIM_STEP_EXPECT_STATUS] = s_expect,
};

static void run_steps(struct sim_run *r)
{
	while (r->wait == W_NONE) {
		const struct sim_step *st;
		char what[64];

		if (r->step >= r->sc->nsteps) {
			r->wait = W_END;
			deadline(r, IDLE_TIMEOUT_S);
			recheck(r);
			return;
		}
		st = &r->sc->steps[r->step++];
		snprintf(what, sizeof(what), "step %zu (line %d)", r->step, st->line);
		event(r, what, sim_step_name(st->kind));
		r->cur = st;
		r->wait = step_fns[st->kind](r, st, sim_pile_connector(r->pile, st->connector));
		if (r->wait == W_IDLE)
			deadline(r, IDLE_TIMEOUT_S);
		recheck(r);
	}
}

static void deadline_passed(struct sim_run *r)
{
	switch (r->wait) {
	case W_RESPONSE:
		check_response(r, r->cur, 1);
		break;
	case W_CALL:
		check_call(r, r->cur, 1);
		break;
	case W_STATUS:
		check_status(r, r->cur, 1);
		break;
	case W_BOOT:
		event(r, "error", "BootNotification not accepted in time");
		r->failed++;
		finish(r, SIM_EXIT_EXPECT);
		return;
	case W_END:
		finish(r, SIM_EXIT_OK);
		return;
	default:
		event(r, "warning", "step timed out waiting for answers; going on");
		break;
	}
	done_waiting(r);
}

static void step_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct sim_run *r = t->data;

	(void)loop;
	(void)revents;
	sim_vclock_enter(&r->pile->clock);
	deadline_passed(r);
	sim_vclock_leave(&r->pile->clock);
}

/* ---- pile hooks ------------------------------------------------------- */

static void h_frame(struct sim_pile *p, int outgoing, const char *text, size_t len)
{
	struct sim_run *r = p->driver;

	sim_transcript_frame(&r->tr, p->identity, sim_pile_now(p), outgoing, text, len);
}

static void h_event(struct sim_pile *p, const char *what, const char *detail)
{
	event(p->driver, what, detail);
}

static void h_link_up(struct sim_pile *p, int64_t ms)
{
	char d[64];

	snprintf(d, sizeof(d), "in %lld ms", (long long)ms);
	event(p->driver, "connected", d);
}

static void h_link_down(struct sim_pile *p, int was_up, int status, const char *why)
{
	struct sim_run *r = p->driver;
	char d[300];

	snprintf(d, sizeof(d), "%s%s (HTTP %d)", was_up ? "" : "connect failed: ", why ? why : "",
		 status);
	event(r, was_up ? "disconnected" : "connect failed", d);
	if (!p->ever_connected) {
		/* the first dial decides whether this setup can work at all */
		if (status == 401) {
			fprintf(stderr, "ocppsim: server refused identity %s: HTTP 401 (wrong password?)\n",
				p->identity);
			finish(r, SIM_EXIT_AUTH);
		} else {
			fprintf(stderr, "ocppsim: connection refused: %s%s%.0d\n", why ? why : "?",
				status ? ", HTTP " : "", status);
			finish(r, SIM_EXIT_REFUSED);
		}
		return;
	}
	recheck(r);
}

static void h_booted(struct sim_pile *p)
{
	struct sim_run *r = p->driver;

	event(r, "booted", NULL);
	if (r->wait == W_BOOT)
		done_waiting(r);
	else
		recheck(r);
}

static void h_answered(struct sim_pile *p, const struct sim_msg *m, const struct sim_frame *f,
		       int64_t lat)
{
	struct sim_run *r = p->driver;
	struct json_object *v;

	(void)lat;
	if (!m)
		return;
	if (f && f->type == SIM_FRAME_RESULT) {
		v = json_object_get(f->payload);
	} else {
		v = json_object_new_object();
		json_object_object_add(v, "_callerror",
				       json_object_new_string(f ? f->err_code : "Timeout"));
	}
	json_object_object_add(r->responses, m->action, v);
	recheck(r);
}

static void h_called(struct sim_pile *p, const struct sim_frame *f)
{
	struct sim_run *r = p->driver;
	struct json_object *n;
	int seen = 0;

	if (json_object_object_get_ex(r->calls, f->action, &n))
		seen = json_object_get_int(n);
	json_object_object_add(r->calls, f->action, json_object_new_int(seen + 1));
	kick(r); /* recheck after the reply and its side effects went out */
}

static void h_idle(struct sim_pile *p)
{
	recheck(p->driver);
}

static const struct sim_pile_hooks run_hooks = {
	.frame = h_frame,
	.event = h_event,
	.link_down = h_link_down,
	.link_up = h_link_up,
	.booted = h_booted,
	.answered = h_answered,
	.called = h_called,
	.idle = h_idle,
};

/* The kick: next steps, or a recheck when no step is runnable; then the
 * instant held by kick() is let go. */
static void kick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct sim_run *r = t->data;
	int pinned = r->pinned;

	(void)loop;
	(void)revents;
	r->pinned = 0; /* a step that kicks again pins anew */
	sim_vclock_enter(&r->pile->clock);
	if (r->wait == W_NONE)
		run_steps(r);
	else
		recheck(r);
	sim_vclock_leave(&r->pile->clock);
	if (pinned)
		sim_vclock_leave(&r->pile->clock);
}

/* ---- result ----------------------------------------------------------- */

static struct json_object *final_state(struct sim_run *r)
{
	struct sim_pile *p = r->pile;
	struct json_object *o = json_object_new_object(), *conns = json_object_new_array();
	static const char *const boot[] = { "None", "Sent", "Pending", "Rejected", "Accepted" };
	char ts[GW_TIME_STRLEN];

	json_object_object_add(o, "identity", json_object_new_string(p->identity));
	json_object_object_add(o, "connected", json_object_new_boolean(p->connected));
	json_object_object_add(o, "boot", json_object_new_string(boot[p->boot]));
	json_object_object_add(o, "pile_time",
			       json_object_new_string(gw_time_format(sim_pile_now(p), ts)));
	json_object_object_add(o, "queued", json_object_new_int((int)p->calls.len));
	json_object_object_add(o, "queued_tx",
			       json_object_new_int((int)sim_queue_count(&p->calls, SIM_MSG_TX)));
	for (int i = 0; i < p->nconn; i++) {
		struct sim_connector *c = &p->conn[i];
		struct json_object *co = json_object_new_object();

		sim_meter_advance(&c->meter, sim_pile_now(p));
		json_object_object_add(co, "id", json_object_new_int(c->id));
		json_object_object_add(co, "status", json_object_new_string(sim_status_name(c->status)));
		json_object_object_add(co, "plugged", json_object_new_boolean(c->plugged));
		json_object_object_add(co, "energy_wh", json_object_new_double((double)(long long)c->meter.energy_wh));
		json_object_object_add(co, "power_w", json_object_new_double(c->meter.power_w));
		json_object_object_add(co, "transaction_open", json_object_new_boolean(c->tx.active));
		if (c->tx.active) {
			json_object_object_add(co, "transaction_id", json_object_new_string(c->tx.id));
			json_object_object_add(co, "transaction_id_16",
					       json_object_new_int64(p->txid_map[c->tx.ref % 16]));
		}
		json_object_array_add(conns, co);
	}
	json_object_object_add(o, "connectors", conns);
	return o;
}

static int write_json(struct sim_run *r, const char *path, struct json_object *final)
{
	struct json_object *o = json_object_new_object();
	const char *text;
	FILE *f;
	int rc = GW_OK;

	json_object_object_add(o, "scenario", json_object_new_string(r->sc->name));
	json_object_object_add(o, "version", json_object_new_string(r->sc->version == 16 ? "1.6" : "2.0.1"));
	json_object_object_add(o, "result", json_object_new_string(r->exit_code ? "fail" : "pass"));
	json_object_object_add(o, "exit_code", json_object_new_int(r->exit_code));
	json_object_object_add(o, "expectations", json_object_get(r->expects));
	json_object_object_add(o, "final", json_object_get(final));
	json_object_object_add(o, "frames", json_object_get(r->tr.frames));
	json_object_object_add(o, "events", json_object_get(r->tr.events));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f || fprintf(f, "%s\n", text) < 0)
		rc = GW_EIO;
	if (f && f != stdout && fclose(f))
		rc = GW_EIO;
	if (rc)
		fprintf(stderr, "ocppsim: cannot write %s\n", path);
	json_object_put(o);
	return rc;
}

/* ---- entry ------------------------------------------------------------ */

static void setup_pile(struct sim_run *r, const struct sim_opts *o)
{
	struct sim_scenario *sc = r->sc;
	struct sim_pile *p = r->pile;
	double scale = o->time_scale > 0 ? o->time_scale : sc->time_scale;
	int64_t back = sc->backdate_s >= 0 ? (int64_t)sc->backdate_s * 1000 :
		       (int64_t)((sim_scenario_virtual_s(sc) + 10.0 * scale + 10.0) * 1000);

	r->max_wait_s = o->max_wait_s;
	p->hooks = &run_hooks;
	p->driver = r;
	p->vendor = sc->vendor;
	p->model = sc->model;
	p->default_kw = sc->default_kw;
	p->call_timeout_s = o->call_timeout_s;
	p->cfg.meter_interval_s = sc->meter_interval_s;
	p->cfg.clock_aligned_s = sc->clock_aligned_s;
	p->cfg.heartbeat_s = sc->heartbeat_s;
	sim_vclock_start(&p->clock, scale, back);
	for (int i = 0; i < p->nconn; i++)
		sim_meter_init(&p->conn[i].meter, sc->meter_start_wh, sim_pile_now(p));
}

static int load_scenario(const struct sim_opts *o, struct sim_scenario **sc)
{
	struct sim_scenario_error err;
	int rc = sim_scenario_load(o->scenario, sc, &err);

	if (rc == GW_ECONFIG) {
		fprintf(stderr, "ocppsim: %s:%d: %s\n", o->scenario, err.line, err.msg);
		return SIM_EXIT_SCENARIO;
	}
	if (rc) {
		fprintf(stderr, "ocppsim: %s: %s\n", o->scenario, gw_strerror(rc));
		return SIM_EXIT_SCENARIO;
	}
	return SIM_EXIT_OK;
}

int sim_run_scenario(const struct sim_opts *o, const struct sim_net_opts *net_opts)
{
	struct sim_run r;
	struct json_object *final = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = load_scenario(o, &r.sc);
	if (rc)
		return rc;
	rc = SIM_EXIT_REFUSED;
	if (sim_net_init(&r.net, net_opts)) {
		fprintf(stderr, "ocppsim: cannot set up the client (check --ca/--cert/--key)\n");
		goto out;
	}
	rc = SIM_EXIT_EXPECT;
	if (sim_transcript_init(&r.tr, o->quiet ? NULL : stdout) ||
	    sim_pile_new(&r.net, o->identity ? o->identity : r.sc->identity,
			 r.sc->version == 201 ? &sim_proto_v201 : &sim_proto_v16, r.sc->connectors,
			 r.sc->meter_start_wh, &r.pile))
		goto out;
	r.responses = json_object_new_object();
	r.calls = json_object_new_object();
	r.used = json_object_new_object();
	r.expects = json_object_new_array();
	setup_pile(&r, o);
	ev_timer_init(&r.t_step, step_timer_cb, 1, 0);
	ev_timer_init(&r.t_kick, kick_cb, 0, 0);
	sim_vtimer_init(&r.v_wait, wait_cb, &r);
	r.t_step.data = r.t_kick.data = &r;
	r.wait = W_BOOT;
	deadline(&r, BOOT_TIMEOUT_S);
	event(&r, "scenario", r.sc->name);
	sim_pile_go_online(r.pile);
	ev_run(r.net.loop, 0);

	ev_timer_stop(r.net.loop, &r.t_step);
	ev_timer_stop(r.net.loop, &r.t_kick);
	if (r.failed && r.exit_code < SIM_EXIT_EXPECT)
		r.exit_code = SIM_EXIT_EXPECT;
	final = final_state(&r);
	if (!o->quiet || !o->json)
		printf("final: %s\nresult: %s (%d expectation(s) failed)\n",
		       json_object_to_json_string_ext(final, JSON_C_TO_STRING_PLAIN), r.exit_code ? "FAIL" : "PASS",
		       r.failed);
	if (o->json)
		write_json(&r, o->json, final);
	rc = r.exit_code;
out:
	if (r.pile)
		sim_pile_stop(r.pile);
	sim_net_cleanup(&r.net);
	sim_pile_free(r.pile);
	sim_transcript_cleanup(&r.tr);
	json_object_put(final);
	json_object_put(r.responses);
	json_object_put(r.calls);
	json_object_put(r.used);
	json_object_put(r.expects);
	sim_scenario_free(r.sc);
	return rc;
}
