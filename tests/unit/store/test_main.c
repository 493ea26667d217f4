/* SPDX-License-Identifier: MIT
 * test_main.c - CUnit runner and fixtures for src/store.  Exit 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <sqlite3.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_sqlite_int.h"
#include "test_store.h"

int test_add_suite(const char *name, CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = {
		{(char *)name, NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}

static void add_pile(struct store *st, const char *id)
{
	struct pile_row p;

	memset(&p, 0, sizeof(p));
	snprintf(p.identity, sizeof(p.identity), "%s", id);
	p.reg_status = REG_ACCEPTED;
	p.first_seen_ms = 1000;
	CU_ASSERT_EQUAL_FATAL(store_pile_insert(st, &p), GW_OK);
}

struct store *ts_open_mem(int two)
{
	struct store *st = NULL;

	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(":memory:", 1000, &st), GW_OK);
	add_pile(st, "CP1");
	if (two)
		add_pile(st, "CP2");
	return st;
}

int ts_sql(struct store *st, const char *sql)
{
	return sqlite3_exec(sq(st)->db, sql, NULL, NULL, NULL);
}

long long ts_count(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(sq(st)->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

char *ts_tmpdir(void)
{
	char tmpl[] = "/tmp/ocppgw-store-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

int main(void)
{
	int (*reg[])(void) = {test_open_register, test_piles_register, test_tx_register,
			      test_frames_register, test_batch_register, test_orders_register};
	unsigned failed;

	gw_log_level = GW_LOG_ERR - 1; /* tests provoke errors on purpose */
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
