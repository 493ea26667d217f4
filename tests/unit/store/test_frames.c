/* SPDX-License-Identifier: MIT
 * test_frames.c - the raw frame log and its per-pile hash chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"
#include "test_store.h"

static int append(struct store *st, const char *pile, const char *msg_id, const char *payload,
		  int64_t recv_ms, int64_t *seq)
{
	struct frame_in f = {
		.pile = pile,
		.dir = FRAME_IN,
		.msg_id = msg_id,
		.msg_type = 2,
		.action = "Heartbeat",
		.payload = payload,
		.payload_len = strlen(payload),
		.recv_ms = recv_ms,
	};

	return store_frame_append(st, &f, seq);
}

static void feed(EVP_MD_CTX *md, const char *s)
{
	size_t len = strlen(s);
	unsigned char be[4] = {0, 0, (unsigned char)(len >> 8), (unsigned char)len};

	EVP_DigestUpdate(md, be, 4);
	EVP_DigestUpdate(md, s, len);
}

/* The documented format, computed independently (known answer). */
static void test_format(void)
{
	struct store *st = ts_open_mem(0);
	unsigned char want[32], zero[32] = {0};
	unsigned int len;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	sqlite3_stmt *stmt = NULL;
	int64_t seq = 0;

	CU_ASSERT_EQUAL_FATAL(append(st, "CP1", "m1", "[2,\"m1\",\"Heartbeat\",{}]", 1234, &seq),
			      GW_OK);
	CU_ASSERT(seq > 0);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, zero, 32);
	feed(md, "CP1");
	feed(md, "in");
	feed(md, "m1");
	feed(md, "2");
	feed(md, "Heartbeat");
	feed(md, "[2,\"m1\",\"Heartbeat\",{}]");
	feed(md, ""); /* pile_ms NULL */
	feed(md, "1234");
	EVP_DigestFinal_ex(md, want, &len);
	EVP_MD_CTX_free(md);
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(sq(st)->db, "SELECT prev_hash, hash, pile_ms"
					 " FROM frames", -1, &stmt, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_step(stmt), SQLITE_ROW);
	CU_ASSERT_EQUAL(memcmp(sqlite3_column_blob(stmt, 0), zero, 32), 0);
	CU_ASSERT_EQUAL(memcmp(sqlite3_column_blob(stmt, 1), want, 32), 0);
	CU_ASSERT_EQUAL(sqlite3_column_type(stmt, 2), SQLITE_NULL);
	sqlite3_finalize(stmt);
	store_close(st);
}

static void test_chain_verify_tamper(void)
{
	struct store *st = ts_open_mem(0);
	int64_t n = -1, seq = 0;
	char id[16];

	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_OK); /* empty chain */
	CU_ASSERT_EQUAL(n, 0);
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "m%d", i);
		CU_ASSERT_EQUAL(append(st, i % 2 ? "CP1" : "CP2", id, "{}", 1000 + i, &seq),
				GW_OK);
	}
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP2", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 5);

	/* The table refuses edits by mistake ... */
	CU_ASSERT_NOT_EQUAL(ts_sql(st, "UPDATE frames SET payload = 'x' WHERE seq = 4"), 0);
	CU_ASSERT_NOT_EQUAL(ts_sql(st, "DELETE FROM frames WHERE seq = 4"), 0);
	/* ... and an attacker who drops the guard is caught by the chain. */
	CU_ASSERT_EQUAL(ts_sql(st, "DROP TRIGGER frames_no_update; DROP TRIGGER frames_no_delete"),
			0);
	CU_ASSERT_EQUAL(ts_sql(st, "UPDATE frames SET payload = '{\"x\":1}' WHERE seq = 4"), 0);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_ECONFLICT);
	CU_ASSERT_EQUAL(n, 1); /* seq 2 good, seq 4 broken */
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP2", &n), GW_OK);

	/* Re-hashing the edited row moves the break to the next link. */
	CU_ASSERT_EQUAL(ts_sql(st, "UPDATE frames SET hash = zeroblob(32) WHERE seq = 4"), 0);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_ECONFLICT);
	CU_ASSERT_EQUAL(n, 1);

	/* A deleted middle row breaks the link of its successor. */
	CU_ASSERT_EQUAL(ts_sql(st, "DELETE FROM frames WHERE seq = 3"), 0);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP2", &n), GW_ECONFLICT);
	CU_ASSERT_EQUAL(n, 1);
	/* pile_ms is covered too */
	CU_ASSERT_EQUAL(ts_sql(st, "UPDATE frames SET pile_ms = 5 WHERE seq = 1"), 0);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP2", &n), GW_ECONFLICT);
	CU_ASSERT_EQUAL(n, 0);
	store_close(st);
}

/* A frame rolled back to its savepoint leaves no link behind: the next
 * frame chains to the last committed one. */
static void test_rollback_keeps_chain(void)
{
	struct store *st = ts_open_mem(0);
	int64_t n = 0, seq = 0;

	CU_ASSERT_EQUAL(append(st, "CP1", "a", "{}", 1, &seq), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_begin(st), GW_OK);
	CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP1", "b", "{}", 2, &seq), GW_OK);
	CU_ASSERT_EQUAL(store_release(st), GW_OK);
	CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP1", "c", "{}", 3, &seq), GW_OK);
	CU_ASSERT_EQUAL(store_rollback_to(st), GW_OK);
	CU_ASSERT_EQUAL(store_savepoint(st), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP1", "d", "{}", 4, &seq), GW_OK);
	CU_ASSERT_EQUAL(store_release(st), GW_OK);
	CU_ASSERT_EQUAL(store_commit(st), GW_OK);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 3);

	/* a whole batch rolled back, too */
	CU_ASSERT_EQUAL_FATAL(store_begin(st), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP1", "e", "{}", 5, &seq), GW_OK);
	CU_ASSERT_EQUAL(store_rollback(st), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP1", "f", "{}", 6, &seq), GW_OK);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frames WHERE msg_id IN ('c','e')"), 0);
	store_close(st);
}

static void test_frame_args(void)
{
	struct store *st = ts_open_mem(0);
	struct frame_in f = {.pile = "UNREGISTERED", .dir = FRAME_OUT, .recv_ms = 1};
	int64_t seq = 0, n = 0;

	/* evidence from a pile we never registered is kept */
	CU_ASSERT_EQUAL(store_frame_append(st, &f, &seq), GW_OK);
	CU_ASSERT_EQUAL(store_frames_verify(st, "UNREGISTERED", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	f.pile = "";
	CU_ASSERT_EQUAL(store_frame_append(st, &f, NULL), GW_EINVAL);
	f.pile = "CP1";
	f.payload_len = 3; /* length without bytes */
	CU_ASSERT_EQUAL(store_frame_append(st, &f, NULL), GW_EINVAL);
	store_close(st);
}

/* A v5 file (chain found through frames(pile, seq)) migrates to v6: its
 * heads are taken from the frames it holds, and the chain goes on where it
 * stopped. */
static void test_migrate_heads(void)
{
	char *dir = ts_tmpdir();
	char path[512];
	struct store *st = NULL;
	int64_t seq = 0, n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP1", "a1", "[1]", 10, NULL), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP2", "b1", "[2]", 11, NULL), GW_OK);
	CU_ASSERT_EQUAL(append(st, "CP1", "a2", "[3]", 12, &seq), GW_OK);
	/* back to what v5 had */
	CU_ASSERT_EQUAL(ts_sql(st, "DROP TABLE frame_heads; DROP INDEX ms_pile_tx_at;"
				   " CREATE INDEX frames_pile ON frames(pile, seq);"
				   " CREATE INDEX ms_pile_tx ON meter_samples(pile, pile_tx_id)"
				   " WHERE tx_id IS NULL;"
				   " CREATE INDEX ms_same ON meter_samples(pile, connector_id, pile_ms,"
				   " measurand_raw);"
				   " CREATE INDEX csh_conn ON connector_status_history(pile, evse_id,"
				   " connector_id, id);"
				   " PRAGMA user_version=5"),
			0);
	store_close(st);
	st = NULL;
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 1000, &st), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "PRAGMA user_version"), store_sqlite_schema_version());
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM frame_heads"), 2);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT seq FROM frame_heads WHERE pile = 'CP1'"), seq);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				     " ('frames_pile', 'ms_same', 'ms_pile_tx', 'csh_conn')"),
			0);
	CU_ASSERT_EQUAL(append(st, "CP1", "a3", "[4]", 13, &seq), GW_OK);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT seq FROM frame_heads WHERE pile = 'CP1'"), seq);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP1", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(store_frames_verify(st, "CP2", &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	store_close(st);
	free(dir);
}

static CU_TestInfo tests[] = {
	{"hash format (known answer)", test_format},
	{"chain verify and tamper", test_chain_verify_tamper},
	{"rollback keeps the chain", test_rollback_keeps_chain},
	{"arguments", test_frame_args},
	{"v5 file: heads from the stored frames", test_migrate_heads},
	CU_TEST_INFO_NULL,
};

int test_frames_register(void)
{
	return test_add_suite("store_frames", tests);
}
