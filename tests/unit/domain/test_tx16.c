/* SPDX-License-Identifier: MIT
 * test_tx16.c - OCPP 1.6 start/stop through the domain: duplicates within
 * and outside +-2 s, orphan and repeated stops, ConcurrentTx, samples. */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "test_domain.h"

#define T0 1700000000000LL

static void test_start_and_duplicates(void)
{
	struct fx f;
	struct tx_event ev = ev16_start(1, "TAG", 1000, T0);
	struct tx_result r1, r2;

	fx_open(&f);
	fx_token(&f, "TAG", "Accepted", 0);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r1), GW_OK);
	CU_ASSERT(r1.tx_id > 0);
	CU_ASSERT_EQUAL(r1.duplicate, 0);
	CU_ASSERT_EQUAL(r1.auth.status, AUTH_ACCEPTED);

	/* resend, clock 1.9 s off: same id, nothing touched */
	ev.pile_ms = T0 + 1900;
	fx_token(&f, "TAG", "Blocked", 0); /* the answer must not change either */
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_EQUAL(r2.tx_id, r1.tx_id);
	CU_ASSERT_EQUAL(r2.duplicate, 1);
	CU_ASSERT_EQUAL(r2.auth.status, AUTH_ACCEPTED);
	ev.pile_ms = T0 - 2000;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_EQUAL(r2.tx_id, r1.tx_id);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM transactions"), 1);

	/* 2.5 s later: another transaction */
	ev.pile_ms = T0 + 2500;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_NOT_EQUAL(r2.tx_id, r1.tx_id);
	CU_ASSERT_EQUAL(r2.duplicate, 0);
	CU_ASSERT_EQUAL(r2.auth.status, AUTH_BLOCKED); /* started anyway: the pile decides */
	/* same time, other meterStart: another transaction */
	ev.pile_ms = T0;
	ev.meter_wh = 1001;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_EQUAL(r2.duplicate, 0);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM transactions"), 3);
	fx_close(&f);
}

static void test_unknown_token_still_starts(void)
{
	struct fx f;
	struct tx_event ev = ev16_start(1, "STRANGER", 0, T0);
	struct tx_result r;
	struct tx_row tx;

	fx_open(&f);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r), GW_OK);
	CU_ASSERT_EQUAL(r.auth.status, AUTH_INVALID);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.auth_status, AUTH_INVALID);
	CU_ASSERT_EQUAL(tx.state, TXS_OPEN);
	fx_close(&f);
}

static void test_concurrent_tx(void)
{
	struct fx f;
	struct tx_event ev = ev16_start(1, "TAG", 0, T0);
	struct tx_result r;

	fx_open(&f);
	fx_token(&f, "TAG", "Accepted", 0);
	f.src.identity = "CP2";
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r), GW_OK);
	CU_ASSERT_EQUAL(r.auth.status, AUTH_ACCEPTED);
	f.src.identity = "CP1";
	ev.pile_ms = T0 + 60000;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r), GW_OK);
	CU_ASSERT_EQUAL(r.auth.status, AUTH_CONCURRENT_TX);
	CU_ASSERT(r.tx_id > 0); /* stored all the same */
	/* a plain Authorize of the same tag is not refused */
	{
		struct auth_info a;

		CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "TAG", "", &a), GW_OK);
		CU_ASSERT_EQUAL(a.status, AUTH_ACCEPTED);
	}
	fx_close(&f);
}

static void test_stop_and_repeat(void)
{
	struct fx f;
	struct tx_event ev = ev16_start(1, "TAG", 1000, T0);
	struct meter_sample s[2] = {smp_wh(T0 + 1000, 1500), smp_wh(T0 + 2000, 2500)};
	struct tx_result r, rs;
	struct tx_row tx;
	struct sample_row *rows = NULL;
	size_t n = 0;

	fx_open(&f);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r), GW_OK);
	CU_ASSERT_EQUAL(domain_meter_values(f.d, &f.src, r.tx_id, "", s, 1), GW_OK);
	ev = ev16_stop(r.tx_id, 2500, T0 + 3000);
	ev.samples = &s[1];
	ev.n_samples = 1;
	f.src.frame_seq = 42;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &rs), GW_OK);
	CU_ASSERT_EQUAL(rs.tx_id, r.tx_id);
	CU_ASSERT_EQUAL(rs.duplicate, 0);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.state, TXS_ENDED);
	CU_ASSERT_EQUAL(tx.meter_stop_wh, 2500);
	CU_ASSERT_EQUAL(tx.stop_pile_ms, T0 + 3000);
	CU_ASSERT_STRING_EQUAL(tx.stop_reason, "Local");
	CU_ASSERT_EQUAL(tx.end_frame_seq, 42);
	CU_ASSERT_EQUAL(store_samples_by_tx(f.st, r.tx_id, 10, &rows, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	gw_free(rows);

	ev.meter_wh = 9999; /* a repeated stop changes nothing */
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &rs), GW_OK);
	CU_ASSERT_EQUAL(rs.duplicate, 1);
	CU_ASSERT_EQUAL(rs.tx_id, r.tx_id);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.meter_stop_wh, 2500);
	fx_close(&f);
}

static void test_orphan_stop(void)
{
	struct fx f;
	struct tx_event ev = ev16_stop(31337, 500, T0);
	struct tx_result r, r2;
	struct tx_row tx;

	fx_open(&f);
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r), GW_OK);
	CU_ASSERT(r.tx_id > 0);
	CU_ASSERT_EQUAL(r.duplicate, 0);
	CU_ASSERT_EQUAL(store_tx_get(f.st, r.tx_id, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.orphan, 1);
	CU_ASSERT_EQUAL(tx.orphan_ref, 31337);
	CU_ASSERT_EQUAL(tx.state, TXS_ENDED);
	CU_ASSERT_EQUAL(tx.have_meter_start, 0);
	/* resent: duplicate of the orphan */
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
	CU_ASSERT_EQUAL(r2.duplicate, 1);
	CU_ASSERT_EQUAL(r2.tx_id, r.tx_id);
	/* meter values naming the orphan id now attach to the orphan row */
	{
		struct meter_sample s = smp_wh(T0, 1);

		CU_ASSERT_EQUAL(domain_meter_values(f.d, &f.src, 31337, "", &s, 1), GW_OK);
		CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM meter_samples WHERE tx_id ="
					     " (SELECT id FROM transactions WHERE orphan = 1)"),
				1);
	}
	/* another pile's transaction id is an orphan too, not a stop of it */
	{
		struct tx_event st = ev16_start(1, "T", 0, T0);
		struct tx_result rs;

		f.src.identity = "CP2";
		CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &st, &rs), GW_OK);
		f.src.identity = "CP1";
		ev = ev16_stop(rs.tx_id, 10, T0 + 5);
		CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_OK);
		CU_ASSERT_NOT_EQUAL(r2.tx_id, rs.tx_id);
		CU_ASSERT_EQUAL(store_tx_get(f.st, rs.tx_id, &tx), GW_OK);
		CU_ASSERT_EQUAL(tx.state, TXS_OPEN);
	}
	/* 1.6 has no Updated */
	ev.kind = TX_UPDATED;
	CU_ASSERT_EQUAL(domain_tx_event(f.d, &f.src, &ev, &r2), GW_EINVAL);
	fx_close(&f);
}

static CU_TestInfo tests[] = {
	{"start; duplicate within +-2 s; new outside", test_start_and_duplicates},
	{"unknown token still starts", test_unknown_token_still_starts},
	{"ConcurrentTx on another pile", test_concurrent_tx},
	{"stop; repeated stop", test_stop_and_repeat},
	{"orphan stop", test_orphan_stop},
	CU_TEST_INFO_NULL,
};

int test_tx16_register(void)
{
	return test_add_suite("domain_tx16", tests);
}
