/* SPDX-License-Identifier: MIT
 * test_tx201.c - OCPP 2.0.1 TransactionEvent through the domain: seqNo
 * replay, offline reordering, samples, chargingState as connector state. */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "test_domain.h"

#define T0 1700000000000LL

static void test_lifecycle_and_replay(void)
{
	struct fx f;
	struct meter_sample s[2] = {smp_wh(T0, 0), smp_wh(T0 + 60000, 1200)};
	struct tx_event ev = ev201(TX_STARTED, "TX-A", 0, T0);
	struct tx_result r, r2;
	struct tx_row tx;
	struct connector_row c;
	struct sample_row *rows = NULL;
	size_t n = 0;

	fx_open(&f);
	fx_token(&f, "TAG", "Accepted", 0);
	strcpy(ev.id_token, "TAG");
	strcpy(ev.trigger, "CablePluggedIn");
	ev.charging_state = CONN_PREPARING;
	ev.plugged = PLUG_YES;
	ev.samples = &s[0];
	ev.n_samples = 1;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r), GW_OK);
	CU_ASSERT(r.tx_id > 0);
	CU_ASSERT_EQUAL(r.duplicate, 0);
	CU_ASSERT_EQUAL(r.auth.status, AUTH_ACCEPTED);
	CU_ASSERT_EQUAL(store_connector_get(f.st, "CP1", 1, 1, &c), GW_OK);
	CU_ASSERT_EQUAL(c.state, CONN_PREPARING);
	CU_ASSERT_EQUAL(c.plugged, PLUG_YES);

	/* replay of seqNo 0: no-op */
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_EQUAL(r2.duplicate, 1);
	CU_ASSERT_EQUAL(r2.tx_id, r.tx_id);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM meter_samples"), 1);

	ev = ev201(TX_UPDATED, "TX-A", 1, T0 + 60000);
	strcpy(ev.trigger, "ChargingStateChanged");
	ev.charging_state = CONN_CHARGING;
	ev.plugged = PLUG_YES;
	ev.samples = &s[1];
	ev.n_samples = 1;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_EQUAL(r2.tx_id, r.tx_id);
	/* same state again: no new history row */
	ev.seq_no = 2;
	ev.n_samples = 0;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	{
		int64_t h = 0;

		CU_ASSERT_EQUAL(store_connector_history_count(f.st, "CP1", 1, 1, &h), GW_OK);
		CU_ASSERT_EQUAL(h, 2);
	}

	ev = ev201(TX_ENDED, "TX-A", 3, T0 + 120000);
	strcpy(ev.stop_reason, "EVDisconnected");
	ev.have_meter = 1;
	ev.meter_wh = 1300;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.state, TXS_ENDED);
	CU_ASSERT_EQUAL(tx.orphan, 0);
	CU_ASSERT_EQUAL(tx.last_seq_no, 3);
	CU_ASSERT_STRING_EQUAL(tx.id_token, "TAG");
	CU_ASSERT_STRING_EQUAL(tx.stop_reason, "EVDisconnected");
	CU_ASSERT_EQUAL(tx.start_pile_ms, T0);
	CU_ASSERT_EQUAL(store_samples_by_tx(f.st, r.tx_id, 10, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	gw_free(rows);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM tx_events"), 4);
	/* meter values naming the 2.0.1 id attach to our row */
	CU_ASSERT_EQUAL(domain_meter_values(f.d, &f.src, 0, "TX-A", s, 1), GW_OK);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM meter_samples WHERE tx_id IS NULL"), 0);
	fx_close(&f);
}

/* Offline replay out of order: Updated, then Ended, then the Started. */
static void test_reordered(void)
{
	struct fx f;
	struct tx_event up = ev201(TX_UPDATED, "TX-B", 1, T0 + 1000);
	struct tx_event end = ev201(TX_ENDED, "TX-B", 2, T0 + 2000);
	struct tx_event start = ev201(TX_STARTED, "TX-B", 0, T0);
	struct tx_result r1, r2, r3;
	struct tx_row tx;

	fx_open(&f);
	up.offline = 1;
	end.offline = 1;
	start.offline = 1;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &up, &r1), GW_OK);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r1.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.orphan, 1);
	CU_ASSERT_EQUAL(tx.state, TXS_OPEN);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &end, &r2), GW_OK);
	CU_ASSERT_EQUAL(r2.tx_id, r1.tx_id);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &start, &r3), GW_OK);
	CU_ASSERT_EQUAL(r3.tx_id, r1.tx_id);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r1.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.orphan, 0);
	CU_ASSERT_EQUAL(tx.state, TXS_ENDED); /* the late Started does not reopen */
	CU_ASSERT_EQUAL(tx.start_pile_ms, T0);
	CU_ASSERT_EQUAL(tx.stop_pile_ms, T0 + 2000);
	CU_ASSERT_EQUAL(tx.last_seq_no, 2);
	/* a late Updated after the end does not reopen either */
	up.seq_no = 5;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &up, &r1), GW_OK);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r3.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.state, TXS_ENDED);
	CU_ASSERT_EQUAL(tx.last_seq_no, 5);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM transactions"), 1);
	fx_close(&f);
}

/* The same transactionId on two piles is two transactions. */
static void test_per_pile_ids(void)
{
	struct fx f;
	struct tx_event ev = ev201(TX_STARTED, "1", 0, T0);
	struct tx_result a, b;

	fx_open(&f);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &a), GW_OK);
	f.src.identity = "CP2";
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &b), GW_OK);
	CU_ASSERT_EQUAL(b.duplicate, 0);
	CU_ASSERT_NOT_EQUAL(a.tx_id, b.tx_id);
	fx_close(&f);
}

/* A failing frame inside a batch, rolled back to its savepoint, leaves
 * the other frames' domain changes in place (the dispatcher's pattern). */
static void test_batch_pattern(void)
{
	struct fx f;
	struct tx_event a = ev201(TX_STARTED, "TX-1", 0, T0);
	struct tx_event b = ev201(TX_STARTED, "TX-2", 0, T0);
	struct tx_result r;

	fx_open(&f);
	CU_ASSERT_EQUAL_FATAL(store_begin(f.st), GW_OK);
	CU_ASSERT_EQUAL(store_savepoint(f.st), GW_OK);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &a, &r), GW_OK);
	CU_ASSERT_EQUAL(store_release(f.st), GW_OK);
	CU_ASSERT_EQUAL(store_savepoint(f.st), GW_OK);
	f.src.identity = "UNREGISTERED"; /* its tx_events insert fails: no such pile */
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &b, &r), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_rollback_to(f.st), GW_OK);
	CU_ASSERT_EQUAL(store_commit(f.st), GW_OK);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM transactions"), 1);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM tx_events"), 1);
	fx_close(&f);
}

static CU_TestInfo tests[] = {
	{"started/updated/ended, seqNo replay", test_lifecycle_and_replay},
	{"offline reorder", test_reordered},
	{"transactionId is per pile", test_per_pile_ids},
	{"savepoint per frame", test_batch_pattern},
	CU_TEST_INFO_NULL,
};

int test_tx201_register(void)
{
	return test_add_suite("domain_tx201", tests);
}
