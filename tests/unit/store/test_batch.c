/* SPDX-License-Identifier: MIT
 * test_batch.c - batches, savepoints, group commit, transient failures and
 * a kill -9 in the middle of a batch. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/gw_err.h"
#include "test_store.h"

static int add_frame(struct store *st, const char *msg_id)
{
	struct frame_in f = {.pile = "CP1", .dir = FRAME_IN, .msg_id = msg_id, .msg_type = 2,
			     .action = "StatusNotification", .payload = "{}", .payload_len = 2,
			     .recv_ms = 1};

	return store_frame_append(st, &f, NULL);
}

static int add_tx(struct store *st, const char *pile_tx_id)
{
	struct tx_row t;

	memset(&t, 0, sizeof(t));
	strcpy(t.pile, "CP1");
	snprintf(t.pile_tx_id, sizeof(t.pile_tx_id), "%s", pile_tx_id);
	t.last_seq_no = -1;
	return store_tx_insert(st, &t);
}

static void test_misuse(void)
{
	struct store *st = ts_open_mem(0);

	CU_ASSERT_EQUAL(store_commit(st), GW_ECONFLICT);
	CU_ASSERT_EQUAL(store_rollback(st), GW_ECONFLICT);
	CU_ASSERT_EQUAL(store_savepoint(st), GW_ECONFLICT);
	CU_ASSERT_EQUAL(store_release(st), GW_ECONFLICT);
	CU_ASSERT_EQUAL(store_begin(st), GW_OK);
	CU_ASSERT(store_in_batch(st));
	CU_ASSERT_EQUAL(store_begin(st), GW_ECONFLICT);
	CU_ASSERT_EQUAL(store_release(st), GW_ECONFLICT); /* no savepoint open */
	CU_ASSERT_EQUAL(store_rollback_to(st), GW_ECONFLICT);
	CU_ASSERT_EQUAL(store_commit(st), GW_OK);
	CU_ASSERT(!store_in_batch(st));
	store_close(st);
}

/* Three frames in one batch; the middle one fails half-way (its second
 * insert is a duplicate): rolling back to its savepoint keeps the other
 * two frames' rows and removes all of the failed frame's rows. */
static void test_savepoint_isolation(void)
{
	struct store *st = ts_open_mem(0);

	CU_ASSERT_EQUAL_FATAL(store_begin(st), GW_OK);
	CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
	CU_ASSERT_EQUAL(add_frame(st, "f1"), GW_OK);
	CU_ASSERT_EQUAL(add_tx(st, "A"), GW_OK);
	CU_ASSERT_EQUAL(store_release(st), GW_OK);

	CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
	CU_ASSERT_EQUAL(add_frame(st, "f2"), GW_OK);
	CU_ASSERT_EQUAL(add_tx(st, "B"), GW_OK);
	CU_ASSERT_EQUAL(add_tx(st, "A"), GW_EDUP); /* the failure */
	CU_ASSERT_EQUAL(store_rollback_to(st), GW_OK);

	CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
	CU_ASSERT_EQUAL(add_frame(st, "f3"), GW_OK);
	CU_ASSERT_EQUAL(add_tx(st, "C"), GW_OK);
	CU_ASSERT_EQUAL(store_release(st), GW_OK);
	CU_ASSERT_EQUAL(store_commit(st), GW_OK);

	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frames WHERE msg_id IN ('f1','f3')"),
			2);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frames WHERE msg_id = 'f2'"), 0);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM transactions"), 2);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM transactions WHERE pile_tx_id = 'B'"),
			0);
	store_close(st);
}

/* 100 frames, one commit, on a real file; re-opened, all are there. */
static void test_group_commit_100(void)
{
	char *dir = ts_tmpdir();
	char path[512], id[16], cmd[600];
	struct store *st = NULL;
	struct store_stats stats;
	struct pile_row p;
	int64_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/gc.db", dir);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	memset(&p, 0, sizeof(p));
	strcpy(p.identity, "CP1");
	CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_begin(st), GW_OK);
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
		CU_ASSERT_EQUAL(add_frame(st, id), GW_OK);
		CU_ASSERT_EQUAL(add_tx(st, id), GW_OK);
		CU_ASSERT_EQUAL(store_release(st), GW_OK);
	}
	CU_ASSERT_EQUAL(store_commit(st), GW_OK);
	store_stats_get(st, &stats);
	CU_ASSERT_EQUAL(stats.commits, 1);
	CU_ASSERT(stats.commit_us_max > 0);
	CU_ASSERT(stats.commit_us_total >= stats.commit_us_max);
	CU_ASSERT(stats.exec_count > 400);
	store_close(st);
	st = NULL;

	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frames"), 100);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM transactions"), 100);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 100);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	free(dir);
}

/* A second writer on the same file waits busy_timeout, then gets the
 * transient GW_ESTORE (never a code that becomes a CALLERROR). */
static void test_busy_is_transient(void)
{
	char *dir = ts_tmpdir();
	char path[512], cmd[600];
	struct store *a = NULL, *b = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/busy.db", dir);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &a), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 50, &b), GW_OK);
	CU_ASSERT_EQUAL(store_begin(a), GW_OK);
	CU_ASSERT_EQUAL(store_begin(b), GW_ESTORE);
	CU_ASSERT(!store_in_batch(b));
	CU_ASSERT_EQUAL(store_commit(a), GW_OK);
	CU_ASSERT_EQUAL(store_begin(b), GW_OK);
	CU_ASSERT_EQUAL(store_commit(b), GW_OK);
	store_close(a);
	store_close(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	free(dir);
}

/* Disk full inside a batch: GW_ESTORE, and the batch ends cleanly. */
static void test_disk_full(void)
{
	struct store *st = ts_open_mem(0);
	char big[4096];
	struct frame_in f = {.pile = "CP1", .msg_id = "x", .action = "", .payload = big,
			     .payload_len = sizeof(big), .recv_ms = 1};
	int rc = GW_OK;

	memset(big, 'x', sizeof(big));
	CU_ASSERT_EQUAL(ts_sql(st, "PRAGMA max_page_count = 60"), 0);
	CU_ASSERT_EQUAL_FATAL(store_begin(st), GW_OK);
	for (int i = 0; i < 200 && rc == GW_OK; i++) {
		CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
		rc = store_frame_append(st, &f, NULL);
		if (rc == GW_OK)
			CU_ASSERT_EQUAL(store_release(st), GW_OK);
	}
	CU_ASSERT_EQUAL(rc, GW_ESTORE);
	rc = store_rollback_to(st);
	CU_ASSERT(rc == GW_OK || rc == GW_ESTORE);
	rc = store_commit(st);
	CU_ASSERT(rc == GW_OK || rc == GW_ESTORE);
	CU_ASSERT(!store_in_batch(st));
	store_close(st);
}

/* kill -9 between statements of an open batch: after restart the
 * committed batch is complete and the interrupted one is absent. */
static void test_kill9_mid_batch(void)
{
	char *dir = ts_tmpdir();
	char path[512], cmd[600];
	struct store *st = NULL;
	int status = 0;
	pid_t pid;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/k.db", dir);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	{
		struct pile_row p;

		memset(&p, 0, sizeof(p));
		strcpy(p.identity, "CP1");
		CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_OK);
	}
	store_close(st);
	st = NULL;

	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (store_sqlite_open(path, 1000, &st) != GW_OK || store_begin(st) != GW_OK ||
		    add_frame(st, "done") != GW_OK || add_tx(st, "done") != GW_OK ||
		    store_commit(st) != GW_OK || store_begin(st) != GW_OK ||
		    add_frame(st, "lost") != GW_OK || add_tx(st, "lost") != GW_OK)
			_exit(3);
		raise(SIGKILL);
		_exit(4);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frames WHERE msg_id = 'done'"), 1);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM transactions WHERE pile_tx_id = 'done'"),
			1);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frames WHERE msg_id = 'lost'"), 0);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM transactions WHERE pile_tx_id = 'lost'"),
			0);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", NULL), GW_OK);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	free(dir);
}

/* Checkpoints run in the store's own thread (store_sqlite_ckpt.c): after
 * a commit of well over 1000 WAL pages the database file grows without
 * another call on the store, and close stops the thread cleanly. */
static void test_background_checkpoint(void)
{
	char *dir = ts_tmpdir();
	char path[512], id[16], big[3000];
	struct store *st = NULL;
	struct pile_row p;
	struct stat sb;
	off_t before;
	int grown = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/ck.db", dir);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	memset(&p, 0, sizeof(p));
	strcpy(p.identity, "CP1");
	CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_OK);
	CU_ASSERT_EQUAL_FATAL(stat(path, &sb), 0);
	before = sb.st_size;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL_FATAL(store_begin(st), GW_OK);
	for (int i = 0; i < 2000; i++) { /* ~2000 pages of frames */
		struct frame_in f = {.pile = "CP1", .dir = FRAME_IN, .msg_id = id, .msg_type = 2,
				     .action = "DataTransfer", .payload = big,
				     .payload_len = sizeof(big) - 1, .recv_ms = 1000 + i};

		snprintf(id, sizeof(id), "c%d", i);
		CU_ASSERT_EQUAL(store_frame_append(st, &f, NULL), GW_OK);
	}
	CU_ASSERT_EQUAL(store_commit(st), GW_OK);
	for (int i = 0; i < 500 && !grown; i++) { /* up to 5 s */
		usleep(10000);
		grown = stat(path, &sb) == 0 && sb.st_size > before + 4 * 1024 * 1024;
	}
	CU_ASSERT(grown);
	store_close(st);
	st = NULL;
	/* everything is there after a re-open */
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frames"), 2000);
	store_close(st);
	free(dir);
}

static CU_TestInfo tests[] = {
	{"misuse answers GW_ECONFLICT", test_misuse},
	{"savepoint rollback keeps other frames", test_savepoint_isolation},
	{"group commit of 100 frames", test_group_commit_100},
	{"busy is transient (GW_ESTORE)", test_busy_is_transient},
	{"disk full is transient (GW_ESTORE)", test_disk_full},
	{"kill -9 mid batch", test_kill9_mid_batch},
	{"checkpoints in the background", test_background_checkpoint},
	CU_TEST_INFO_NULL,
};

int test_batch_register(void)
{
	return test_add_suite("store_batch", tests);
}
