/* SPDX-License-Identifier: MIT
 * test_main.c - CUnit runner and fixture for src/domain.  Exit 1 on failure. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <sqlite3.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_sqlite_int.h"
#include "test_domain.h"

int test_add_suite(const char *name, CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = {
		{(char *)name, NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}

static void add_pile(struct store *st, const char *id, enum reg_status reg)
{
	struct pile_row p;

	memset(&p, 0, sizeof(p));
	snprintf(p.identity, sizeof(p.identity), "%s", id);
	p.reg_status = reg;
	p.first_seen_ms = 1;
	CU_ASSERT_EQUAL_FATAL(store_pile_insert(st, &p), GW_OK);
}

void fx_open(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	/* every default (tariff, thresholds, refund policy), then what the
	 * ingest tests rely on */
	config_defaults(&f->cfg);
	f->cfg.heartbeat_interval_s = 300;
	f->cfg.boot_retry_interval_s = 30;
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(":memory:", 1000, &f->st), GW_OK);
	add_pile(f->st, "CP1", REG_ACCEPTED);
	add_pile(f->st, "CP2", REG_PENDING);
	CU_ASSERT_EQUAL_FATAL(domain_new(f->st, &f->cfg, &f->d), GW_OK);
	f->src.identity = "CP1";
	f->src.msg_id = "m1";
	f->src.frame_seq = 0;
	f->src.recv_ms = 1000000;
}

void fx_close(struct fx *f)
{
	domain_free(f->d);
	store_close(f->st);
	memset(f, 0, sizeof(*f));
}

void fx_token(struct fx *f, const char *id, const char *status, int64_t expiry_ms)
{
	struct token_row t;

	memset(&t, 0, sizeof(t));
	snprintf(t.id, sizeof(t.id), "%s", id);
	snprintf(t.status, sizeof(t.status), "%s", status);
	snprintf(t.group_id, sizeof(t.group_id), "G-%s", id);
	t.expiry_ms = expiry_ms;
	CU_ASSERT_EQUAL_FATAL(store_token_upsert(f->st, &t), GW_OK);
}

long long fx_count(struct fx *f, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(sq(f->st)->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static struct tx_event ev_base(void)
{
	struct tx_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq_no = -1;
	ev.reservation_id = -1;
	ev.remote_start_id = -1;
	ev.plugged = PLUG_UNKNOWN;
	return ev;
}

struct tx_event ev16_start(int connector, const char *tag, int64_t meter_wh, int64_t at_ms)
{
	struct tx_event ev = ev_base();

	ev.kind = TX_STARTED;
	ev.evse_id = connector;
	ev.connector_id = connector;
	snprintf(ev.id_token, sizeof(ev.id_token), "%s", tag);
	ev.have_meter = 1;
	ev.meter_wh = meter_wh;
	ev.pile_ms = at_ms;
	return ev;
}

struct tx_event ev16_stop(int64_t tx_id, int64_t meter_wh, int64_t at_ms)
{
	struct tx_event ev = ev_base();

	ev.kind = TX_ENDED;
	ev.tx_id = tx_id;
	ev.have_meter = 1;
	ev.meter_wh = meter_wh;
	ev.pile_ms = at_ms;
	strcpy(ev.stop_reason, "Local");
	return ev;
}

struct tx_event ev201(enum tx_event_kind kind, const char *tx, int64_t seq_no, int64_t at_ms)
{
	struct tx_event ev = ev_base();

	ev.kind = kind;
	snprintf(ev.pile_tx_id, sizeof(ev.pile_tx_id), "%s", tx);
	ev.seq_no = seq_no;
	ev.evse_id = 1;
	ev.connector_id = 1;
	ev.pile_ms = at_ms;
	return ev;
}

struct meter_sample smp_wh(int64_t at_ms, double wh)
{
	struct meter_sample s;

	memset(&s, 0, sizeof(s));
	s.pile_ms = at_ms;
	s.evse_id = 1;
	s.connector_id = 1;
	s.measurand = MEAS_ENERGY_IMPORT_WH;
	s.context = CTX_SAMPLE_PERIODIC;
	s.value = wh;
	strcpy(s.measurand_raw, "Energy.Active.Import.Register");
	strcpy(s.unit_raw, "Wh");
	return s;
}

int main(void)
{
	int (*reg[])(void) = {test_basic_register, test_tx16_register, test_tx201_register,
			      test_orders_register, test_sweep_register,
			      test_remote_stop_register};
	unsigned failed;

	gw_log_level = GW_LOG_ERR - 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof(reg) / sizeof(reg[0]); i++) {
		if (reg[i]()) {
			CU_cleanup_registry();
			return 2;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
