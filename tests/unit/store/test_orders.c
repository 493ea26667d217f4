/* SPDX-License-Identifier: MIT
 * test_orders.c - orders, refund cases, evidence, order events, outbox and
 * the evidence-window queries (issue 4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "store/store_sqlite_int.h"
#include "test_store.h"

/* A transaction row of CP1 connector conn, returning its id. */
static int64_t add_tx(struct store *st, int conn, const char *tag, int64_t at_ms)
{
	struct tx_row t;

	memset(&t, 0, sizeof(t));
	strcpy(t.pile, "CP1");
	t.evse_id = conn;
	t.connector_id = conn;
	strcpy(t.id_token, tag);
	t.start_pile_ms = at_ms;
	t.last_seq_no = -1;
	t.reservation_id = -1;
	t.remote_start_id = -1;
	CU_ASSERT_EQUAL_FATAL(store_tx_insert(st, &t), GW_OK);
	return t.id;
}

static struct order_row order_of(int64_t tx_id, int conn, const char *tag, int64_t start_ms)
{
	struct order_row o;

	memset(&o, 0, sizeof(o));
	o.tx_id = tx_id;
	strcpy(o.pile, "CP1");
	o.evse_id = conn;
	o.connector_id = conn;
	strcpy(o.id_token, tag);
	o.state = ORDER_CHARGING;
	o.sub_state = ORDER_SUB_AWAITING_PLUG;
	strcpy(o.tariff_id, "night");
	strcpy(o.tariff.currency, "EUR");
	o.tariff.minor_exp = 2;
	o.tariff.utc_offset_min = -90;
	o.tariff.start_fee_minor = 150;
	o.tariff.idle_grace_min = 15;
	o.tariff.n_periods = 2;
	o.tariff.periods[0] = (struct tariff_period){0, 2500, 123, 0, 0};
	o.tariff.periods[1] = (struct tariff_period){1320, 3999, 1, 12345, 99};
	o.p_max_w = 22000;
	o.started_ms = start_ms;
	o.created_ms = start_ms + 5;
	o.updated_ms = start_ms + 5;
	return o;
}

static void test_order_roundtrip(void)
{
	struct store *st = ts_open_mem(0);
	int64_t tx = add_tx(st, 1, "TAG", 1000);
	struct order_row o = order_of(tx, 1, "TAG", 1000), g;

	CU_ASSERT_EQUAL(store_order_insert(st, &o), GW_OK);
	CU_ASSERT_EQUAL(o.id, 1);
	CU_ASSERT_STRING_EQUAL(o.number, "11"); /* id 1 + check symbol 1 */
	CU_ASSERT_EQUAL(store_order_get(st, o.id, &g), GW_OK);
	CU_ASSERT_STRING_EQUAL(g.number, o.number);
	CU_ASSERT_EQUAL(g.tx_id, tx);
	CU_ASSERT_EQUAL(g.state, ORDER_CHARGING);
	CU_ASSERT_EQUAL(g.sub_state, ORDER_SUB_AWAITING_PLUG);
	CU_ASSERT_STRING_EQUAL(g.currency, "EUR");
	CU_ASSERT_EQUAL(g.minor_exp, 2);
	/* the snapshot comes back exactly */
	CU_ASSERT_EQUAL(memcmp(&g.tariff, &o.tariff, sizeof(o.tariff)), 0);
	CU_ASSERT_EQUAL(g.created_ms, 1005);

	/* one order per transaction */
	CU_ASSERT_EQUAL(store_order_insert(st, &o), GW_EDUP);
	o = order_of(999, 1, "TAG", 1000);
	CU_ASSERT_EQUAL(store_order_insert(st, &o), GW_ENOTFOUND);

	g.state = ORDER_COMPLETED;
	g.sub_state = ORDER_SUB_ENERGY_FLOWING; /* not stored outside CHARGING */
	g.billed_minor = 1234;
	g.amount_minor = 1234;
	g.ended_ms = 5000;
	g.created_ms = 77; /* immutable */
	CU_ASSERT_EQUAL(store_order_update(st, &g), GW_OK);
	CU_ASSERT_EQUAL(store_order_get_by_tx(st, tx, &g), GW_OK);
	CU_ASSERT_EQUAL(g.state, ORDER_COMPLETED);
	CU_ASSERT_EQUAL(g.sub_state, ORDER_SUB_NONE);
	CU_ASSERT_EQUAL(g.billed_minor, 1234);
	CU_ASSERT_EQUAL(g.created_ms, 1005);
	CU_ASSERT_EQUAL(store_order_get_by_tx(st, 4242, &g), GW_ENOTFOUND);
	g.id = 50;
	CU_ASSERT_EQUAL(store_order_update(st, &g), GW_ENOTFOUND);
	store_close(st);
}

static void test_order_lists(void)
{
	struct store *st = ts_open_mem(0);
	struct order_row o[4], rows[8];
	size_t n;

	for (int i = 0; i < 4; i++) {
		int64_t tx = add_tx(st, i < 3 ? 1 : 2, i == 3 ? "B" : "A", 1000 * (i + 1));

		o[i] = order_of(tx, i < 3 ? 1 : 2, i == 3 ? "B" : "A", 1000 * (i + 1));
		CU_ASSERT_EQUAL_FATAL(store_order_insert(st, &o[i]), GW_OK);
	}
	o[0].state = ORDER_COMPLETED;
	o[0].ended_ms = 1500;
	CU_ASSERT_EQUAL(store_order_update(st, &o[0]), GW_OK);
	o[1].state = ORDER_SETTLING;
	CU_ASSERT_EQUAL(store_order_update(st, &o[1]), GW_OK);

	CU_ASSERT_EQUAL(store_order_list_open(st, 0, rows, 8, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(rows[0].id, o[1].id);
	CU_ASSERT_EQUAL(store_order_list_open(st, o[1].id, rows, 1, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(rows[0].id, o[2].id);

	/* o[2] (connector 1, open from 3000) overlaps o[1] (open from 2000),
	 * not o[0] (ended at 1500); o[3] is another connector and token */
	CU_ASSERT_EQUAL(store_order_list_overlap(st, &o[2], rows, 8, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(rows[0].id, o[1].id);
	/* the same token on another connector overlaps too */
	strcpy(o[3].id_token, "A");
	CU_ASSERT_EQUAL(store_order_list_overlap(st, &o[3], rows, 8, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	store_close(st);
}

/* The overlap query against a naive model (SQLite's self-test habit):
 * random orders on two piles x two connectors x three tokens (one empty),
 * open or ended, many sharing a start time; every order asks for its
 * overlaps with several caps, and the answer must be exactly the model's
 * "other orders of the connector or the idTag, [start, end or open)
 * overlapping, first cap by (started_ms, id)". */
#define MODEL_N 120

static int model_overlaps(const struct order_row *self, const struct order_row *o)
{
	int64_t end = self->ended_ms ? self->ended_ms : INT64_MAX;
	int conn = !strcmp(o->pile, self->pile) && o->evse_id == self->evse_id &&
		   o->connector_id == self->connector_id;
	int token = self->id_token[0] && !strcmp(o->id_token, self->id_token);

	return o->id != self->id && (conn || token) && o->started_ms < end &&
	       (o->ended_ms == 0 || o->ended_ms > self->started_ms);
}

static int cmp_start_id(const void *a, const void *b)
{
	const struct order_row *x = a, *y = b;

	if (x->started_ms != y->started_ms)
		return x->started_ms < y->started_ms ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void test_overlap_model(void)
{
	static const char *const tags[] = {"", "T1", "T2"};
	struct store *st = ts_open_mem(1);
	struct order_row *o = calloc(MODEL_N, sizeof(*o));
	struct order_row *want = calloc(MODEL_N, sizeof(*want));
	struct order_row rows[MODEL_N];
	unsigned seed = 12345;
	size_t n, nw;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	for (int i = 0; i < MODEL_N; i++) {
		int conn = 1 + (int)(rand_r(&seed) % 2);
		const char *pile = rand_r(&seed) % 2 ? "CP2" : "CP1";
		const char *tag = tags[rand_r(&seed) % 3];
		int64_t start = 1000 * (int64_t)(rand_r(&seed) % 40);
		struct tx_row t;

		memset(&t, 0, sizeof(t));
		strcpy(t.pile, pile);
		t.evse_id = conn;
		t.connector_id = conn;
		strcpy(t.id_token, tag);
		t.start_pile_ms = start;
		t.last_seq_no = t.reservation_id = t.remote_start_id = -1;
		CU_ASSERT_EQUAL_FATAL(store_tx_insert(st, &t), GW_OK);
		o[i] = order_of(t.id, conn, tag, start);
		strcpy(o[i].pile, pile);
		CU_ASSERT_EQUAL_FATAL(store_order_insert(st, &o[i]), GW_OK);
		if (rand_r(&seed) % 3) {
			o[i].ended_ms = start + 500 * (int64_t)(rand_r(&seed) % 12);
			o[i].state = ORDER_COMPLETED;
			CU_ASSERT_EQUAL_FATAL(store_order_update(st, &o[i]), GW_OK);
		}
	}
	for (int i = 0; i < MODEL_N; i++) {
		static const size_t caps[] = {1, 3, 16, MODEL_N};

		nw = 0;
		for (int j = 0; j < MODEL_N; j++)
			if (model_overlaps(&o[i], &o[j]))
				want[nw++] = o[j];
		qsort(want, nw, sizeof(*want), cmp_start_id);
		for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
			size_t k = nw < caps[c] ? nw : caps[c];

			CU_ASSERT_EQUAL(store_order_list_overlap(st, &o[i], rows, caps[c], &n), GW_OK);
			CU_ASSERT_EQUAL(n, k);
			for (size_t j = 0; j < n && j < k; j++)
				CU_ASSERT_EQUAL(rows[j].id, want[j].id);
		}
	}
	free(want);
	free(o);
	store_close(st);
}

/* 1 when the query plan of the cached statement id names index. */
static int plan_uses(struct store *st, enum sq_id id, const char *index)
{
	struct sq_store *s = (struct sq_store *)st;
	char sql[2048];
	sqlite3_stmt *stmt = NULL;
	int found = 0;

	if (!s->stmt[id])
		return 0;
	snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", sqlite3_sql(s->stmt[id]));
	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(stmt) == SQLITE_ROW)
		found |= strstr((const char *)sqlite3_column_text(stmt, 3), index) != NULL;
	sqlite3_finalize(stmt);
	return found;
}

/* The open lists must keep using the partial indexes of migration v5:
 * their WHERE is repeated word for word (SQ_ORDER_OPEN, SQ_CASE_OPEN). */
static void test_open_lists_use_indexes(void)
{
	struct store *st = ts_open_mem(0);
	struct order_row rows[2];
	struct case_row cases[2];
	size_t n;

	CU_ASSERT_EQUAL(store_order_list_open(st, 0, rows, 2, &n), GW_OK);
	CU_ASSERT_EQUAL(store_case_list_open(st, 0, cases, 2, &n), GW_OK);
	CU_ASSERT(plan_uses(st, SQ_ORDER_LIST_OPEN, "orders_open"));
	CU_ASSERT(plan_uses(st, SQ_CASE_LIST_OPEN, "cases_open"));
	/* a write of either row builds no throw-away b-tree for them any more */
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				     " ('orders_open', 'cases_open') AND sql LIKE '% IN %'"),
			0);
	store_close(st);
}

static struct case_row case_of(int64_t order_id, const char *rule, char tier, int64_t at_ms)
{
	struct case_row c;

	memset(&c, 0, sizeof(c));
	c.order_id = order_id;
	strcpy(c.rule, rule);
	c.tier = tier;
	c.state = CASE_UNDER_REVIEW;
	c.amount_minor = 250;
	strcpy(c.currency, "EUR");
	c.billed_minor = 900;
	c.rerated_minor = 650;
	c.window_from_ms = 10;
	c.window_to_ms = 20;
	strcpy(c.explain, "why");
	c.opened_ms = at_ms;
	c.updated_ms = at_ms;
	return c;
}

static void test_cases(void)
{
	struct store *st = ts_open_mem(0);
	struct order_row o = order_of(add_tx(st, 1, "TAG", 1000), 1, "TAG", 1000);
	struct case_row c, d, rows[4];
	int64_t n64;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(store_order_insert(st, &o), GW_OK);
	c = case_of(o.id, "STALL_BILLED", 'B', 5000);
	CU_ASSERT_EQUAL(store_case_insert(st, &c), GW_OK);
	CU_ASSERT(c.id > 0);
	/* once per (order, rule) */
	d = case_of(o.id, "STALL_BILLED", 'B', 6000);
	CU_ASSERT_EQUAL(store_case_insert(st, &d), GW_EDUP);
	d = case_of(o.id, "ZERO_ENERGY_BILLED", 'A', 6000);
	d.state = CASE_AUTO_APPROVED;
	d.auto_approved = 1;
	CU_ASSERT_EQUAL(store_case_insert(st, &d), GW_OK);
	d = case_of(4242, "X", 'C', 1);
	CU_ASSERT_EQUAL(store_case_insert(st, &d), GW_ENOTFOUND);
	d.tier = 'D';
	CU_ASSERT_EQUAL(store_case_insert(st, &d), GW_EINVAL);

	CU_ASSERT_EQUAL(store_case_get_by_rule(st, o.id, "STALL_BILLED", &d), GW_OK);
	CU_ASSERT_EQUAL(d.id, c.id);
	CU_ASSERT_EQUAL(d.tier, 'B');
	CU_ASSERT_EQUAL(d.state, CASE_UNDER_REVIEW);
	CU_ASSERT_STRING_EQUAL(d.explain, "why");
	CU_ASSERT_EQUAL(store_case_get_by_rule(st, o.id, "NOPE", &d), GW_ENOTFOUND);

	/* amend */
	d.amount_minor = 300;
	strcpy(d.manifest_sha256, "ab");
	d.sla_flags = CASE_SLA_ACK_WARNED;
	d.opened_ms = 1; /* immutable */
	CU_ASSERT_EQUAL(store_case_update(st, &d), GW_OK);
	CU_ASSERT_EQUAL(store_case_get(st, c.id, &d), GW_OK);
	CU_ASSERT_EQUAL(d.amount_minor, 300);
	CU_ASSERT_STRING_EQUAL(d.manifest_sha256, "ab");
	CU_ASSERT_EQUAL(d.sla_flags, CASE_SLA_ACK_WARNED);
	CU_ASSERT_EQUAL(d.opened_ms, 5000);
	d.id = 99;
	CU_ASSERT_EQUAL(store_case_update(st, &d), GW_ENOTFOUND);

	CU_ASSERT_EQUAL(store_case_list_by_order(st, o.id, rows, 4, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(store_case_list_open(st, 0, rows, 4, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1); /* the auto-approved one runs no SLA timer */
	CU_ASSERT_EQUAL(rows[0].id, c.id);

	CU_ASSERT_EQUAL(store_order_auto_refunds_count(st, "TAG", 0, &n64), GW_OK);
	CU_ASSERT_EQUAL(n64, 1);
	CU_ASSERT_EQUAL(store_order_auto_refunds_count(st, "TAG", 6001, &n64), GW_OK);
	CU_ASSERT_EQUAL(n64, 0);
	CU_ASSERT_EQUAL(store_order_auto_refunds_count(st, "OTHER", 0, &n64), GW_OK);
	CU_ASSERT_EQUAL(n64, 0);
	store_close(st);
}

static void test_evidence(void)
{
	struct store *st = ts_open_mem(0);
	struct order_row o = order_of(add_tx(st, 1, "TAG", 1000), 1, "TAG", 1000);
	struct case_row c;
	struct case_evidence_row *ev = NULL;
	int64_t seq = 0;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(store_order_insert(st, &o), GW_OK);
	c = case_of(o.id, "STALL_BILLED", 'B', 5000);
	CU_ASSERT_EQUAL_FATAL(store_case_insert(st, &c), GW_OK);
	CU_ASSERT_EQUAL(store_case_evidence_list(st, c.id, &ev, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(ev);
	CU_ASSERT_EQUAL(store_case_evidence_append(st, c.id, "frame", "12", "line 1", &seq), GW_OK);
	CU_ASSERT_EQUAL(seq, 1);
	CU_ASSERT_EQUAL(store_case_evidence_append(st, c.id, "timeline", "", "a\nb\n", &seq), GW_OK);
	CU_ASSERT_EQUAL(seq, 2);
	CU_ASSERT_EQUAL(store_case_evidence_append(st, c.id, "tariff", NULL, NULL, NULL), GW_OK);
	CU_ASSERT_EQUAL(store_case_evidence_append(st, 4242, "frame", "", "x", &seq), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_case_evidence_append(st, c.id, "", "", "x", &seq), GW_EINVAL);
	CU_ASSERT_EQUAL(store_case_evidence_list(st, c.id, &ev, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(ev[0].seq, 1);
	CU_ASSERT_STRING_EQUAL(ev[0].kind, "frame");
	CU_ASSERT_STRING_EQUAL(ev[0].ref, "12");
	CU_ASSERT_STRING_EQUAL(ev[1].body, "a\nb\n");
	CU_ASSERT_STRING_EQUAL(ev[2].body, "");
	store_case_evidence_free(ev, n);
	store_case_evidence_free(NULL, 0);
	/* append-only */
	CU_ASSERT_NOT_EQUAL(ts_sql(st, "UPDATE case_evidence SET body = 'x'"), 0);
	CU_ASSERT_NOT_EQUAL(ts_sql(st, "DELETE FROM case_evidence"), 0);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM case_evidence"), 3);
	store_close(st);
}

static void test_events_outbox(void)
{
	struct store *st = ts_open_mem(0);
	int64_t seq = 0, id = 0;

	gw_clock_set_fake(777000);
	CU_ASSERT_EQUAL(store_order_event_append(st, 1, 0, 5000, "pile", "17", "order.started",
						 "{\"a\":1}", &seq),
			GW_OK);
	CU_ASSERT_EQUAL(seq, 1);
	CU_ASSERT_EQUAL(store_order_event_append(st, 1, 3, 6000, "detector", "STALL_BILLED",
						 "refund_case.opened", NULL, &seq),
			GW_OK);
	CU_ASSERT_EQUAL(seq, 2);
	CU_ASSERT_EQUAL(store_order_event_append(st, 1, 0, 1, "nobody", "", "x", "{}", NULL),
			GW_EINVAL);
	CU_ASSERT_EQUAL(store_order_event_append(st, 1, 0, 1, "system", "", "", "{}", NULL),
			GW_EINVAL);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM order_events WHERE case_id IS NULL"), 1);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT recv_ms FROM order_events WHERE seq = 2"), 777000);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT payload = '{}' FROM order_events WHERE seq = 2"), 1);
	/* append-only */
	CU_ASSERT_NOT_EQUAL(ts_sql(st, "UPDATE order_events SET type = 'x'"), 0);
	CU_ASSERT_NOT_EQUAL(ts_sql(st, "DELETE FROM order_events"), 0);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM order_events"), 2);

	CU_ASSERT_EQUAL(store_outbox_insert(st, "app", 1, "evt-1", "session.updated", 5000,
					    "{\"x\":1}", &id),
			GW_OK);
	CU_ASSERT_EQUAL(id, 1);
	CU_ASSERT_EQUAL(store_outbox_insert(st, "app", 1, "evt-1", "session.updated", 5000, "{}",
					    &id),
			GW_EDUP);
	CU_ASSERT_EQUAL(store_outbox_insert(st, "hub", 0, "evt-2", "cdr.created", 5000, NULL, NULL),
			GW_OK);
	CU_ASSERT_EQUAL(store_outbox_insert(st, "hub", 0, "", "cdr.created", 5000, NULL, NULL),
			GW_EINVAL);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM outbox WHERE state = 'pending'"
				     " AND attempts = 0 AND next_attempt_ms = 777000"),
			2);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM outbox WHERE order_id IS NULL"), 1);
	gw_clock_set_fake(0);
	store_close(st);
}

static void test_windows(void)
{
	struct store *st = ts_open_mem(0);
	struct frame_row *fr = NULL;
	struct status_hist_row *h = NULL;
	struct command_row *cm = NULL;
	struct status_report r;
	size_t n;

	for (int i = 0; i < 5; i++) {
		struct frame_in f = {.pile = "CP1", .dir = i % 2 ? FRAME_OUT : FRAME_IN,
				     .msg_id = "m", .msg_type = 2, .action = "Heartbeat",
				     .payload = "[]", .payload_len = 2, .recv_ms = 1000 * (i + 1)};

		CU_ASSERT_EQUAL(store_frame_append(st, &f, NULL), GW_OK);
	}
	CU_ASSERT_EQUAL(store_frames_window(st, "CP1", 2000, 4000, 10, &fr, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(fr[0].seq, 2);
	CU_ASSERT_EQUAL(fr[0].dir, FRAME_OUT);
	CU_ASSERT_EQUAL(strlen(fr[0].hash_hex), 64);
	CU_ASSERT_STRING_EQUAL(fr[0].action, "Heartbeat");
	gw_free(fr);
	CU_ASSERT_EQUAL(store_frames_window(st, "CP1", 2000, 4000, 2, &fr, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	gw_free(fr);
	CU_ASSERT_EQUAL(store_frames_window(st, "CP9", 0, 9000, 10, &fr, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(fr);

	memset(&r, 0, sizeof(r));
	r.evse_id = r.connector_id = 1;
	r.plugged = PLUG_UNKNOWN;
	for (int i = 0; i < 4; i++) {
		r.state = i % 2 ? CONN_CHARGING : CONN_PREPARING;
		r.pile_ms = 1000 * (i + 1);
		CU_ASSERT_EQUAL(store_connector_set(st, "CP1", &r, CONN_SRC_STATUS, 5, 0), GW_OK);
	}
	/* the one before 2500 (at 2000) and those in [2500, 4000] */
	CU_ASSERT_EQUAL(store_connector_history_window(st, "CP1", 1, 1, 2500, 4000, 10, &h, &n),
			GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(h[0].pile_ms, 2000);
	CU_ASSERT_EQUAL(h[0].state, CONN_CHARGING);
	CU_ASSERT_EQUAL(h[2].pile_ms, 4000);
	CU_ASSERT_EQUAL(h[1].plugged, PLUG_UNKNOWN);
	gw_free(h);
	CU_ASSERT_EQUAL(store_connector_history_window(st, "CP1", 1, 1, 0, 500, 10, &h, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);

	CU_ASSERT_EQUAL(store_command_insert(st, "CP1", "c1", "RemoteStopTransaction",
					     "{\"transactionId\":1}", 3000, NULL),
			GW_OK);
	CU_ASSERT_EQUAL(store_command_finish(st, 1, CMD_ACCEPTED, "{\"status\":\"Accepted\"}", 3100),
			GW_OK);
	CU_ASSERT_EQUAL(store_command_insert(st, "CP1", "c2", "TriggerMessage", "{}", 9000, NULL),
			GW_OK);
	CU_ASSERT_EQUAL(store_commands_window(st, "CP1", 0, 5000, 10, &cm, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(cm[0].action, "RemoteStopTransaction");
	CU_ASSERT_EQUAL(cm[0].outcome, CMD_ACCEPTED);
	CU_ASSERT_EQUAL(cm[0].done_ms, 3100);
	CU_ASSERT_STRING_EQUAL(cm[0].payload, "{\"transactionId\":1}");
	gw_free(cm);
	store_close(st);
}

static void test_names(void)
{
	enum order_state os;
	enum order_sub_state ss;
	enum case_state cs;

	for (int i = 0; i < ORDER_STATE_COUNT; i++) {
		CU_ASSERT_EQUAL(store_order_state_parse(store_order_state_name(i), &os), GW_OK);
		CU_ASSERT_EQUAL((int)os, i);
	}
	for (int i = 0; i < ORDER_SUB_COUNT; i++) {
		CU_ASSERT_EQUAL(store_order_sub_parse(store_order_sub_name(i), &ss), GW_OK);
		CU_ASSERT_EQUAL((int)ss, i);
	}
	for (int i = 0; i < CASE_STATE_COUNT; i++) {
		CU_ASSERT_EQUAL(store_case_state_parse(store_case_state_name(i), &cs), GW_OK);
		CU_ASSERT_EQUAL((int)cs, i);
	}
	CU_ASSERT_EQUAL(store_case_state_parse("nope", &cs), GW_ECONSTRAINT);
	CU_ASSERT_STRING_EQUAL(store_order_state_name(ORDER_SETTLING), "settling");
	CU_ASSERT_STRING_EQUAL(store_case_state_name(CASE_PARTIALLY_APPROVED),
			       "partially_approved");
}

/* A v1 file (before orders) migrates to v2 and keeps its rows. */
static void test_migrate_v1(void)
{
	char *dir = ts_tmpdir();
	char path[512];
	struct store *st = NULL;
	struct pile_row p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	memset(&p, 0, sizeof(p));
	strcpy(p.identity, "CP7");
	p.first_seen_ms = 7;
	CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_OK);
	/* back to what v1 had */
	CU_ASSERT_EQUAL(ts_sql(st, "DROP TABLE outbox; DROP TABLE order_events;"
				   " DROP TABLE case_evidence; DROP TABLE refund_cases;"
				   " DROP TABLE orders; DROP INDEX frames_pile_recv;"
				   " DROP INDEX csh_conn_time; DROP INDEX cmd_pile_sent;"
				   " DROP INDEX id_tokens_nocase; DROP INDEX tx_token_open_nocase;"
				   " DROP TABLE frame_heads; DROP INDEX ms_pile_tx_at;"
				   " DELETE FROM sqlite_sequence WHERE name = 'orders';"
				   " PRAGMA user_version=1"),
			0);
	store_close(st);
	st = NULL;
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "PRAGMA user_version"), store_sqlite_schema_version());
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM orders"), 0);
	CU_ASSERT_EQUAL(store_pile_get(st, "CP7", &p), GW_OK);
	store_close(st);
	free(dir);
}

int test_orders_register(void)
{
	static CU_TestInfo tests[] = {
		{"order insert, get, update, one per tx", test_order_roundtrip},
		{"open list and overlaps", test_order_lists},
		{"overlaps against a naive model", test_overlap_model},
		{"open lists use their partial indexes", test_open_lists_use_indexes},
		{"cases once per (order, rule), amend, auto count", test_cases},
		{"evidence append-only with seq", test_evidence},
		{"order events append-only, outbox unique", test_events_outbox},
		{"frames, history, commands in a window", test_windows},
		{"order and case state names", test_names},
		{"v1 file migrates to v2", test_migrate_v1},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("store_orders", tests);
}
