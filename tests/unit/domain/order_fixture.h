/* SPDX-License-Identifier: MIT
 * order_fixture.h - the order tests' fixture: the domain fixture plus a
 * recording fake event sink, a test tariff with exact prices and small
 * builders for 1.6 sessions (status, meter values, start, stop). */
#ifndef ORDER_FIXTURE_H
#define ORDER_FIXTURE_H
#include "domain/events.h"
#include "test_domain.h"

#define REC_EVENTS 256
#define REC_CMDS 32

/* One event as the sink saw it (strings copied). */
struct rec_event {
	enum event_type type;
	enum event_source source;
	int64_t order_id;
	int64_t case_id;
	int64_t at_ms;
	char ref[40];
	char rule[32];
	char tier[4];
	char state[24];
	char to[24];
	char sub_state[24];
	int64_t amount_minor;
	int have_amount;
	char work_order[48];
	char outcome[32];
	char delay_ms[24];       /* "" = no such field */
	char within_timeout[8];  /* "true" / "false" / "" */
};

struct rec {
	struct rec_event ev[REC_EVENTS];
	size_t n_ev;
	struct domain_cmd cmd[REC_CMDS];
	char cmd_currency[REC_CMDS][4]; /* cmd[i].currency, copied ("" = none) */
	size_t n_cmd;
	int command_rc; /* what command() answers */
	struct store *st; /* non-NULL: every event is also appended to order_events
	                   * there, as the real sink does (the remote-stop tests
	                   * need the history back) */
};

struct ofx {
	struct fx f;
	struct rec rec;
	struct event_sink sink;
	int64_t seq; /* frame seq handed to the next frame */
};

/* t0: 2023-11-14 22:13:20 UTC, a Tuesday */
#define T0 1700000000000LL
#define MIN (60 * 1000LL)

/* Open: fixture, sink set, tariff "default" = energy 0.30 + service 0.05
 * per kWh, time 1.20 per hour, EUR. */
void ofx_open(struct ofx *o);
void ofx_close(struct ofx *o);

/* A frame from CP1 received at at_ms (online: pile time = receive time). */
const struct domain_src *ofx_src(struct ofx *o, int64_t at_ms);

/* 1.6 StatusNotification of connector 1. */
void ofx_status(struct ofx *o, int64_t at_ms, enum conn_state st, enum plug_evidence pl);
/* 1.6 MeterValues of tx at at_ms: energy (Wh), power (W), current (A). */
void ofx_meter(struct ofx *o, int64_t tx_id, int64_t at_ms, double wh, double w, double a);
/* 1.6 start on connector 1 of tag "TAG"; returns our tx id. */
int64_t ofx_start(struct ofx *o, int64_t at_ms, int64_t meter_wh);
/* 1.6 stop. */
void ofx_stop(struct ofx *o, int64_t tx_id, int64_t at_ms, int64_t meter_wh);

/* Events of a type; the i-th of them (NULL if fewer). */
size_t rec_count(const struct rec *r, enum event_type t);
const struct rec_event *rec_nth(const struct rec *r, enum event_type t, size_t i);

/* The order of tx / its cases. */
void ofx_order(struct ofx *o, int64_t tx_id, struct order_row *out);
size_t ofx_cases(struct ofx *o, int64_t order_id, struct case_row *rows, size_t cap);

#endif
