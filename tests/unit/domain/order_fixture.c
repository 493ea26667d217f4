/* SPDX-License-Identifier: MIT
 * order_fixture.c - recording sink and 1.6 session builders for the order
 * tests (order_fixture.h). */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "domain/event_names.h"
#include "order_fixture.h"

static void copy_field(const struct domain_event *ev, const char *name, char *out, size_t cap)
{
	for (size_t i = 0; i < ev->n_fields; i++)
		if (!strcmp(ev->fields[i].name, name)) {
			snprintf(out, cap, "%s", ev->fields[i].value);
			return;
		}
}

static int rec_emit(void *arg, const struct domain_event *ev)
{
	struct rec *r = arg;
	struct rec_event *e;
	char amount[32] = "";

	CU_ASSERT_FATAL(r->n_ev < REC_EVENTS);
	e = &r->ev[r->n_ev++];
	memset(e, 0, sizeof(*e));
	e->type = ev->type;
	e->source = ev->source;
	e->order_id = ev->order_id;
	e->case_id = ev->case_id;
	e->at_ms = ev->at_ms;
	snprintf(e->ref, sizeof(e->ref), "%s", ev->source_ref);
	copy_field(ev, "rule", e->rule, sizeof(e->rule));
	copy_field(ev, "tier", e->tier, sizeof(e->tier));
	copy_field(ev, "state", e->state, sizeof(e->state));
	copy_field(ev, "to", e->to, sizeof(e->to));
	copy_field(ev, "sub_state", e->sub_state, sizeof(e->sub_state));
	copy_field(ev, "amount_minor", amount, sizeof(amount));
	copy_field(ev, "work_order", e->work_order, sizeof(e->work_order));
	copy_field(ev, "outcome", e->outcome, sizeof(e->outcome));
	copy_field(ev, "delay_ms", e->delay_ms, sizeof(e->delay_ms));
	copy_field(ev, "within_timeout", e->within_timeout, sizeof(e->within_timeout));
	if (amount[0]) {
		e->have_amount = 1;
		sscanf(amount, "%lld", (long long *)&e->amount_minor);
	}
	/* every event names its order and has a type name */
	CU_ASSERT(ev->order_id > 0);
	CU_ASSERT_PTR_NOT_NULL(ev->order_number);
	CU_ASSERT_STRING_NOT_EQUAL(event_type_name(ev->type), "unknown");
	if (r->st) {
		int64_t seq = 0;

		CU_ASSERT_EQUAL(store_order_event_append(r->st, ev->order_id, ev->case_id, ev->at_ms,
							 event_source_name(ev->source), ev->source_ref,
							 event_type_name(ev->type), "{}", &seq),
				GW_OK);
	}
	return GW_OK;
}

static int rec_command(void *arg, const struct domain_cmd *cmd)
{
	struct rec *r = arg;

	CU_ASSERT_FATAL(r->n_cmd < REC_CMDS);
	snprintf(r->cmd_currency[r->n_cmd], sizeof(r->cmd_currency[0]), "%s", cmd->currency ? cmd->currency : "");
	r->cmd[r->n_cmd++] = *cmd;
	return r->command_rc;
}

void ofx_open(struct ofx *o)
{
	struct tariff *t;

	memset(o, 0, sizeof(*o));
	fx_open(&o->f);
	o->sink = (struct event_sink){.arg = &o->rec, .emit = rec_emit, .command = rec_command};
	domain_set_sink(o->f.d, &o->sink);
	t = &o->f.cfg.tariffs[0].t;
	t->periods[0].energy_per_kwh_e4 = 3000;
	t->periods[0].service_per_kwh_e4 = 500;
	t->periods[0].time_per_hour_e4 = 12000;
	o->seq = 1;
}

void ofx_close(struct ofx *o)
{
	fx_close(&o->f);
}

const struct domain_src *ofx_src(struct ofx *o, int64_t at_ms)
{
	o->f.src.recv_ms = at_ms;
	o->f.src.frame_seq = o->seq++;
	return &o->f.src;
}

void ofx_status(struct ofx *o, int64_t at_ms, enum conn_state st, enum plug_evidence pl)
{
	struct status_report r;

	memset(&r, 0, sizeof(r));
	r.evse_id = r.connector_id = 1;
	r.state = st;
	r.plugged = pl;
	r.pile_ms = at_ms;
	CU_ASSERT_EQUAL(domain_status(o->f.d, ofx_src(o, at_ms), &r), GW_OK);
}

void ofx_meter(struct ofx *o, int64_t tx_id, int64_t at_ms, double wh, double w, double a)
{
	struct meter_sample s[3];

	s[0] = smp_wh(at_ms, wh);
	s[1] = smp_wh(at_ms, w);
	s[1].measurand = MEAS_POWER_IMPORT_W;
	s[2] = smp_wh(at_ms, a);
	s[2].measurand = MEAS_CURRENT_IMPORT_A;
	CU_ASSERT_EQUAL(domain_meter_values(o->f.d, ofx_src(o, at_ms), tx_id, "", s, 3), GW_OK);
}

int64_t ofx_start(struct ofx *o, int64_t at_ms, int64_t meter_wh)
{
	struct tx_event ev = ev16_start(1, "TAG", meter_wh, at_ms);
	struct tx_result res;

	CU_ASSERT_EQUAL(domain_tx_event(o->f.d, ofx_src(o, at_ms), &ev, &res), GW_OK);
	return res.tx_id;
}

void ofx_stop(struct ofx *o, int64_t tx_id, int64_t at_ms, int64_t meter_wh)
{
	struct tx_event ev = ev16_stop(tx_id, meter_wh, at_ms);
	struct tx_result res;

	CU_ASSERT_EQUAL(domain_tx_event(o->f.d, ofx_src(o, at_ms), &ev, &res), GW_OK);
	CU_ASSERT_EQUAL(res.have_cost, 0); /* 1.6: no totalCost */
}

size_t rec_count(const struct rec *r, enum event_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_ev; i++)
		n += r->ev[i].type == t;
	return n;
}

const struct rec_event *rec_nth(const struct rec *r, enum event_type t, size_t k)
{
	for (size_t i = 0; i < r->n_ev; i++)
		if (r->ev[i].type == t && k-- == 0)
			return &r->ev[i];
	return NULL;
}

void ofx_order(struct ofx *o, int64_t tx_id, struct order_row *out)
{
	CU_ASSERT_EQUAL_FATAL(store_order_get_by_tx(o->f.st, tx_id, out), GW_OK);
}

size_t ofx_cases(struct ofx *o, int64_t order_id, struct case_row *rows, size_t cap)
{
	size_t n = 0;

	CU_ASSERT_EQUAL(store_case_list_by_order(o->f.st, order_id, rows, cap, &n), GW_OK);
	return n;
}
