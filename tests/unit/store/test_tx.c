/* SPDX-License-Identifier: MIT
 * test_tx.c - transactions, 2.0.1 events and meter samples in the store. */
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "test_store.h"

static struct tx_row start_row(const char *pile, int conn, const char *tag, int64_t meter,
			       int64_t at_ms)
{
	struct tx_row t;

	memset(&t, 0, sizeof(t));
	strcpy(t.pile, pile);
	t.evse_id = conn;
	t.connector_id = conn;
	strcpy(t.id_token, tag);
	t.have_meter_start = 1;
	t.meter_start_wh = meter;
	t.start_pile_ms = at_ms;
	t.start_recv_ms = at_ms + 5;
	t.last_seq_no = -1;
	t.reservation_id = -1;
	t.remote_start_id = -1;
	return t;
}

static void test_insert_get_update(void)
{
	struct store *st = ts_open_mem(0);
	struct tx_row t = start_row("CP1", 1, "TAG", 100, 50000), g;

	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	CU_ASSERT_EQUAL(t.id, 1);
	CU_ASSERT_EQUAL(store_tx_get(st, t.id, &g), GW_OK);
	CU_ASSERT_EQUAL(g.meter_start_wh, 100);
	CU_ASSERT_EQUAL(g.have_meter_stop, 0);
	CU_ASSERT_EQUAL(g.state, TXS_OPEN);
	CU_ASSERT_EQUAL(g.auth_status, AUTH_ACCEPTED);
	CU_ASSERT_EQUAL(store_tx_get(st, 99, &g), GW_ENOTFOUND);

	g.state = TXS_ENDED;
	g.have_meter_stop = 1;
	g.meter_stop_wh = -1; /* accepted as is: a detector flags it later */
	g.stop_pile_ms = 60000;
	strcpy(g.stop_reason, "Local");
	CU_ASSERT_EQUAL(store_tx_update(st, &g), GW_OK);
	CU_ASSERT_EQUAL(store_tx_get(st, t.id, &g), GW_OK);
	CU_ASSERT_EQUAL(g.state, TXS_ENDED);
	CU_ASSERT_EQUAL(g.meter_stop_wh, -1);
	CU_ASSERT_STRING_EQUAL(g.stop_reason, "Local");
	g.id = 77;
	CU_ASSERT_EQUAL(store_tx_update(st, &g), GW_ENOTFOUND);

	t = start_row("nope", 1, "TAG", 100, 50000);
	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_ENOTFOUND);
	store_close(st);
}

static void test_pile_tx_unique(void)
{
	struct store *st = ts_open_mem(1);
	struct tx_row t = start_row("CP1", 1, "", 0, 1000), g;

	strcpy(t.pile_tx_id, "abc");
	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_EDUP);
	strcpy(t.pile, "CP2"); /* another pile may use the same id */
	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	CU_ASSERT_EQUAL(store_tx_get_by_pile_tx(st, "CP1", "abc", &g), GW_OK);
	CU_ASSERT_STRING_EQUAL(g.pile, "CP1");
	CU_ASSERT_EQUAL(store_tx_get_by_pile_tx(st, "CP1", "zzz", &g), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_tx_get_by_pile_tx(st, "CP1", "", &g), GW_ENOTFOUND);
	/* 1.6 rows all have pile_tx_id "": no uniqueness among them */
	t = start_row("CP1", 1, "T", 0, 1000);
	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	store_close(st);
}

static void test_find_start_dup(void)
{
	struct store *st = ts_open_mem(0);
	struct tx_row t = start_row("CP1", 1, "TAG", 100, 50000), g;
	int64_t id;

	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	id = t.id;
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "TAG", 100, 50000, &g), GW_OK);
	CU_ASSERT_EQUAL(g.id, id);
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "TAG", 100, 52000, &g), GW_OK);
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "TAG", 100, 48000, &g), GW_OK);
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "TAG", 100, 52001, &g),
			GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "TAG", 101, 50000, &g),
			GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 2, "TAG", 100, 50000, &g),
			GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "OTHER", 100, 50000, &g),
			GW_ENOTFOUND);
	/* the closest in time wins */
	t = start_row("CP1", 1, "TAG", 100, 51500);
	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "TAG", 100, 51400, &g), GW_OK);
	CU_ASSERT_EQUAL(g.id, t.id);
	store_close(st);
}

static void test_open_lists_orphan(void)
{
	struct store *st = ts_open_mem(1);
	struct tx_row a = start_row("CP1", 1, "TAG", 0, 1000);
	struct tx_row b = start_row("CP2", 2, "TAG", 0, 2000);
	struct tx_row o = start_row("CP1", 1, "", 0, 0), rows[4], g;
	size_t n;

	CU_ASSERT_EQUAL(store_tx_insert(st, &a), GW_OK);
	CU_ASSERT_EQUAL(store_tx_insert(st, &b), GW_OK);
	CU_ASSERT_EQUAL(store_tx_list_open(st, "CP1", -1, 1, rows, 4, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(rows[0].id, a.id);
	CU_ASSERT_EQUAL(store_tx_list_open(st, "CP1", 5, 1, rows, 4, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(store_tx_find_open_by_token(st, "TAG", &g), GW_OK);
	CU_ASSERT_EQUAL(g.id, b.id); /* most recent */
	CU_ASSERT_EQUAL(store_tx_find_open_by_token(st, "", &g), GW_ENOTFOUND);
	a.state = TXS_ENDED;
	b.state = TXS_ENDED;
	CU_ASSERT_EQUAL(store_tx_update(st, &a), GW_OK);
	CU_ASSERT_EQUAL(store_tx_update(st, &b), GW_OK);
	CU_ASSERT_EQUAL(store_tx_find_open_by_token(st, "TAG", &g), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_tx_list_open(st, "CP1", -1, 1, rows, 4, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);

	o.orphan = 1;
	o.orphan_ref = 4242;
	o.state = TXS_ENDED;
	CU_ASSERT_EQUAL(store_tx_insert(st, &o), GW_OK);
	CU_ASSERT_NOT_EQUAL(o.id, 4242);
	CU_ASSERT_EQUAL(store_tx_get_orphan(st, "CP1", 4242, &g), GW_OK);
	CU_ASSERT_EQUAL(g.id, o.id);
	CU_ASSERT_EQUAL(g.orphan, 1);
	CU_ASSERT_EQUAL(store_tx_get_orphan(st, "CP2", 4242, &g), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_tx_get_orphan(st, "CP1", 0, &g), GW_ENOTFOUND); /* no such ref */
	/* an orphan is never mistaken for a start */
	CU_ASSERT_EQUAL(store_tx_find_start_dup(st, "CP1", 1, "", 0, 0, &g), GW_ENOTFOUND);
	store_close(st);
}

static void test_tx_events(void)
{
	struct store *st = ts_open_mem(0);
	struct tx_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = TX_STARTED;
	strcpy(ev.pile_tx_id, "T-1");
	ev.seq_no = 0;
	strcpy(ev.trigger, "CablePluggedIn");
	ev.charging_state = CONN_PREPARING;
	CU_ASSERT_EQUAL(store_tx_event_insert(st, "CP1", &ev, 10, 1), GW_OK);
	CU_ASSERT_EQUAL(store_tx_event_insert(st, "CP1", &ev, 11, 2), GW_EDUP);
	ev.seq_no = 1;
	ev.kind = TX_UPDATED;
	CU_ASSERT_EQUAL(store_tx_event_insert(st, "CP1", &ev, 12, 3), GW_OK);
	CU_ASSERT_EQUAL(store_tx_event_insert(st, "nope", &ev, 12, 3), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM tx_events"), 2);
	store_close(st);
}

static struct meter_sample sample(int64_t at, enum measurand m, double v)
{
	struct meter_sample s;

	memset(&s, 0, sizeof(s));
	s.pile_ms = at;
	s.evse_id = 1;
	s.connector_id = 1;
	s.measurand = m;
	s.context = CTX_SAMPLE_PERIODIC;
	s.value = v;
	strcpy(s.measurand_raw, "Energy.Active.Import.Register");
	strcpy(s.unit_raw, "kWh");
	return s;
}

static void test_samples(void)
{
	struct store *st = ts_open_mem(0);
	struct tx_row t = start_row("CP1", 1, "TAG", 0, 1000);
	struct meter_sample s[3] = {
		sample(3000, MEAS_ENERGY_IMPORT_WH, 1500.0),
		sample(1000, MEAS_ENERGY_IMPORT_WH, 1000.0),
		sample(2000, MEAS_POWER_IMPORT_W, 7400.5),
	};
	struct sample_ctx ctx = {.pile = "CP1", .recv_ms = 4000, .frame_seq = 9};
	struct sample_row *rows = NULL;
	size_t n = 0;

	CU_ASSERT_EQUAL(store_tx_insert(st, &t), GW_OK);
	ctx.tx_id = t.id;
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 3), GW_OK);
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 0), GW_OK);
	ctx.tx_id = 0;
	ctx.pile_tx_id = "unknown-tx";
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 1), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM meter_samples WHERE tx_id IS NULL"
				     " AND pile_tx_id = 'unknown-tx'"),
			1);

	CU_ASSERT_EQUAL_FATAL(store_samples_by_tx(st, t.id, 100, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(rows[0].s.pile_ms, 1000);
	CU_ASSERT_EQUAL(rows[1].s.pile_ms, 2000);
	CU_ASSERT_EQUAL(rows[1].s.measurand, MEAS_POWER_IMPORT_W);
	CU_ASSERT_DOUBLE_EQUAL(rows[1].s.value, 7400.5, 1e-9);
	CU_ASSERT_EQUAL(rows[2].s.pile_ms, 3000);
	CU_ASSERT_STRING_EQUAL(rows[2].s.unit_raw, "kWh");
	CU_ASSERT_EQUAL(rows[2].frame_seq, 9);
	CU_ASSERT_EQUAL(rows[2].tx_id, t.id);
	gw_free(rows);

	CU_ASSERT_EQUAL(store_samples_by_tx(st, t.id, 2, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	gw_free(rows);
	CU_ASSERT_EQUAL(store_samples_by_tx(st, 999, 10, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(rows);

	/* allocation failure is reported, nothing leaks */
	gw_alloc_fail_after(1);
	CU_ASSERT_EQUAL(store_samples_by_tx(st, t.id, 100, &rows, &n), GW_ENOMEM);
	gw_alloc_fail_after(0);
	CU_ASSERT_PTR_NULL(rows);
	store_close(st);
}

/* A resent sample is kept once, with or without a known transaction (two
 * statements, two indexes); any field that differs makes a new sample. */
static void test_samples_resent(void)
{
	struct store *st = ts_open_mem(0);
	struct tx_row t = start_row("CP1", 1, "TAG", 0, 1000);
	struct meter_sample s[2] = {
		sample(3000, MEAS_ENERGY_IMPORT_WH, 1500.0),
		sample(3000, MEAS_POWER_IMPORT_W, 7400.5),
	};
	struct meter_sample other = s[0];
	struct sample_ctx ctx = {.pile = "CP1", .recv_ms = 4000, .frame_seq = 9};

	CU_ASSERT_EQUAL_FATAL(store_tx_insert(st, &t), GW_OK);
	ctx.tx_id = t.id;
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 2), GW_OK);
	ctx.recv_ms = 5000; /* the resend arrives later, in another frame */
	ctx.frame_seq = 10;
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 2), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM meter_samples"), 2);
	other.value = 1501.0;
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, &other, 1), GW_OK);
	other = s[0];
	strcpy(other.phase, "L1");
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, &other, 1), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM meter_samples"), 4);

	/* the same samples without a known transaction are other samples */
	ctx.tx_id = 0;
	ctx.pile_tx_id = "pile-tx";
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 2), GW_OK);
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 2), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM meter_samples WHERE tx_id IS NULL"), 2);
	ctx.pile_tx_id = "";
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 1), GW_OK);
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, s, 1), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM meter_samples WHERE tx_id IS NULL"), 3);
	other = s[0];
	other.connector_id = 2;
	CU_ASSERT_EQUAL(store_samples_insert(st, &ctx, &other, 1), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM meter_samples"), 8);
	store_close(st);
}

static CU_TestInfo tests[] = {
	{"insert, get, update", test_insert_get_update},
	{"2.0.1 transactionId unique per pile", test_pile_tx_unique},
	{"1.6 duplicate start within +-2 s", test_find_start_dup},
	{"open lists, by token, orphans", test_open_lists_orphan},
	{"2.0.1 seqNo replay is GW_EDUP", test_tx_events},
	{"meter samples", test_samples},
	{"a resent meter sample is kept once", test_samples_resent},
	CU_TEST_INFO_NULL,
};

int test_tx_register(void)
{
	return test_add_suite("store_tx", tests);
}
