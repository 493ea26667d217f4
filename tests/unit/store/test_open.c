/* SPDX-License-Identifier: MIT
 * test_open.c - open, migrations, re-open, settings of the SQLite store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"
#include "test_store.h"

static void test_memory(void)
{
	struct store *st = NULL;

	CU_ASSERT_EQUAL(store_sqlite_open(":memory:", 100, &st), GW_OK);
	CU_ASSERT_PTR_NOT_NULL(st);
	CU_ASSERT_EQUAL(ts_count(st, "PRAGMA user_version"), store_sqlite_schema_version());
	CU_ASSERT_EQUAL(ts_count(st, "PRAGMA foreign_keys"), 1);
	store_close(st);
	store_close(NULL);
	CU_ASSERT_EQUAL(store_sqlite_open(NULL, 0, &st), GW_EINVAL);
	CU_ASSERT_EQUAL(store_sqlite_open("", 0, &st), GW_EINVAL);
}

/* From empty, in a folder that does not exist yet, then re-open: the rows
 * survive and no migration runs twice. */
static void test_file_reopen(void)
{
	char *dir = ts_tmpdir();
	char path[512];
	struct store *st = NULL;
	struct pile_row p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/sub/dir/gw.db", dir);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "PRAGMA user_version"), store_sqlite_schema_version());
	CU_ASSERT_EQUAL(ts_count(st, "PRAGMA synchronous"), 2); /* FULL */
	CU_ASSERT_EQUAL(ts_count(st, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	memset(&p, 0, sizeof(p));
	strcpy(p.identity, "CP9");
	p.first_seen_ms = 5;
	CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_OK);
	store_close(st);
	st = NULL;

	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "PRAGMA user_version"), store_sqlite_schema_version());
	CU_ASSERT_EQUAL(store_pile_get(st, "CP9", &p), GW_OK);
	CU_ASSERT_EQUAL(p.first_seen_ms, 5);
	store_close(st);
	st = NULL;

	/* A file from a newer build is refused, not "migrated". */
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_sql(st, "PRAGMA user_version=99"), 0);
	store_close(st);
	st = NULL;
	CU_ASSERT_EQUAL(store_sqlite_open(path, 1000, &st), GW_ESTORE);
	CU_ASSERT_PTR_NULL(st);

	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	free(dir);
}

static void test_bad_path(void)
{
	struct store *st = NULL;

	CU_ASSERT_EQUAL(store_sqlite_open("/proc/nope/x.db", 0, &st), GW_EIO);
	CU_ASSERT_PTR_NULL(st);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(store_cmd_outcome_name(CMD_TIMEOUT), "TIMEOUT");
	CU_ASSERT_STRING_EQUAL(store_cmd_outcome_name((enum cmd_outcome)77), "PENDING");
}

static CU_TestInfo tests[] = {
	{"memory", test_memory},
	{"file from empty, re-open, newer refused", test_file_reopen},
	{"bad path", test_bad_path},
	{"names", test_names},
	CU_TEST_INFO_NULL,
};

int test_open_register(void)
{
	return test_add_suite("store_open", tests);
}
