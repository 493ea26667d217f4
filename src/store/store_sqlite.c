/* SPDX-License-Identifier: MIT
 *
 * store_sqlite.c - the SQLite implementation of store.h: open/close, the
 * ops table, batches (BEGIN IMMEDIATE / savepoints / COMMIT) and the
 * statement cache and error mapping shared by the store_sqlite_*.c files.
 *
 * Durability (PROTOCOL.md 4 rule 1, 5 "Durable writes"): WAL with
 * synchronous=FULL fsyncs the WAL on every COMMIT, so a batch for which
 * store_commit() returned GW_OK survives a crash or power loss, and a batch
 * interrupted before that is absent as a whole after restart (the WAL frames
 * without a commit record are ignored).  Replies are sent only after
 * store_commit() returns GW_OK, hence nothing acknowledged can be lost, and
 * anything lost was never acknowledged: the pile still holds it and resends
 * it, and the idempotency keys make the resend harmless.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_sqlite_int.h"

/* ---- helpers --------------------------------------------------------- */

sqlite3_stmt *store_sqlite_prep(struct sq_store *s, enum sq_id id, const char *sql)
{
	sqlite3_stmt *stmt = s->stmt[id];
	int rc;

	if (stmt) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		return stmt;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (rc != SQLITE_OK) {
		gw_log(GW_LOG_ERR, "store: prepare #%d failed: %s", (int)id, sqlite3_errmsg(s->db));
		s->base.stats.errors++;
		sqlite3_finalize(stmt);
		return NULL;
	}
	s->stmt[id] = stmt;
	return stmt;
}

int store_sqlite_rc(struct sq_store *s, int rc, const char *what)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return GW_OK;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return GW_EDUP;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return GW_ENOTFOUND;
	default:
		break;
	}
	s->base.stats.errors++;
	gw_log(GW_LOG_ERR, "store: %s failed: %s (%d)", what, sqlite3_errmsg(s->db), rc);
	return GW_ESTORE;
}

int store_sqlite_exec(struct sq_store *s, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	if (!stmt)
		return GW_ESTORE;
	s->base.stats.exec_count++;
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return store_sqlite_rc(s, rc, what);
}

int store_sqlite_step_row(struct sq_store *s, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	s->base.stats.exec_count++;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return GW_OK;
	if (rc == SQLITE_DONE)
		return GW_ENOTFOUND;
	return store_sqlite_rc(s, rc, what);
}

int store_sqlite_bind_text(sqlite3_stmt *stmt, int i, const char *v)
{
	return sqlite3_bind_text(stmt, i, v ? v : "", -1, SQLITE_STATIC);
}

int store_sqlite_bind_opt_i64(sqlite3_stmt *stmt, int i, int have, int64_t v)
{
	return have ? sqlite3_bind_int64(stmt, i, v) : sqlite3_bind_null(stmt, i);
}

void store_sqlite_col_text(sqlite3_stmt *stmt, int i, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);
	size_t len = t ? (size_t)sqlite3_column_bytes(stmt, i) : 0;

	if (len >= size)
		len = size - 1;
	if (len)
		memcpy(buf, t, len);
	buf[len] = '\0';
}

int store_sqlite_get_row(struct sq_store *s, sqlite3_stmt *stmt, sq_read_fn *read, void *out,
			 const char *what)
{
	int rc = store_sqlite_step_row(s, stmt, what);

	if (rc == GW_OK)
		read(stmt, out);
	sqlite3_reset(stmt);
	return rc;
}

int store_sqlite_list_rows(struct sq_store *s, sqlite3_stmt *stmt, sq_read_fn *read, void *rows,
			   size_t elem, size_t cap, size_t *n, const char *what)
{
	int rc = GW_OK;

	while (*n < cap && (rc = store_sqlite_step_row(s, stmt, what)) == GW_OK)
		read(stmt, (char *)rows + (*n)++ * elem);
	sqlite3_reset(stmt);
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}

int store_sqlite_grow(void **buf, size_t *cap, size_t n, size_t elem)
{
	size_t want;
	void *grown;

	if (n < *cap)
		return GW_OK;
	want = *cap ? *cap * 2 : 16;
	if (!(grown = gw_realloc(*buf, want * elem)))
		return GW_ENOMEM;
	*buf = grown;
	*cap = want;
	return GW_OK;
}

/* ---- batches --------------------------------------------------------- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* SQLite rolls the whole transaction back by itself after some errors
 * (SQLITE_FULL, IOERR, NOMEM, BUSY in some cases); then the batch is gone. */
static int batch_lost(struct sq_store *s)
{
	return s->base.in_batch && sqlite3_get_autocommit(s->db);
}

static int sq_begin(struct store *st)
{
	struct sq_store *s = sq(st);
	int rc;

	if (st->in_batch)
		return GW_ECONFLICT;
	rc = store_sqlite_exec(s, store_sqlite_prep(s, SQ_BEGIN, "BEGIN IMMEDIATE"), "begin");
	if (rc == GW_OK) {
		st->in_batch = 1;
		st->savepoint_depth = 0;
	}
	return rc;
}

static int sq_rollback(struct store *st)
{
	struct sq_store *s = sq(st);
	int rc = GW_OK;

	if (!st->in_batch)
		return GW_ECONFLICT;
	if (!sqlite3_get_autocommit(s->db))
		rc = store_sqlite_exec(s, store_sqlite_prep(s, SQ_ROLLBACK, "ROLLBACK"),
				       "rollback");
	st->in_batch = 0;
	st->savepoint_depth = 0;
	st->stats.rollbacks++;
	return rc;
}

static int sq_commit(struct store *st)
{
	struct sq_store *s = sq(st);
	uint64_t t0, dt;
	int rc;

	if (!st->in_batch)
		return GW_ECONFLICT;
	if (batch_lost(s)) {
		gw_log(GW_LOG_ERR, "store: commit of a batch SQLite already rolled back");
		sq_rollback(st);
		return GW_ESTORE;
	}
	t0 = now_us();
	rc = store_sqlite_exec(s, store_sqlite_prep(s, SQ_COMMIT, "COMMIT"), "commit");
	if (rc != GW_OK) {
		int prim = sqlite3_extended_errcode(s->db) & 0xff;

		if (prim == SQLITE_IOERR || prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
			st->broken = 1;
			gw_log(GW_LOG_ERR, "store: commit failed with I/O error or corruption;"
			       " restart required");
		}
		/* Not durable: undo all of it so the caller's "not acked" is true. */
		sq_rollback(st);
		return GW_ESTORE;
	}
	dt = now_us() - t0;
	st->in_batch = 0;
	st->savepoint_depth = 0;
	st->stats.commits++;
	st->stats.commit_us_total += dt;
	if (dt > st->stats.commit_us_max)
		st->stats.commit_us_max = dt;
	return GW_OK;
}

static int sq_savepoint(struct store *st)
{
	struct sq_store *s = sq(st);
	int rc;

	if (!st->in_batch)
		return GW_ECONFLICT;
	if (batch_lost(s))
		return GW_ESTORE;
	rc = store_sqlite_exec(s, store_sqlite_prep(s, SQ_SAVEPOINT, "SAVEPOINT f"), "savepoint");
	if (rc == GW_OK)
		st->savepoint_depth++;
	return rc;
}

static int sq_release(struct store *st)
{
	struct sq_store *s = sq(st);
	int rc;

	if (!st->in_batch || st->savepoint_depth <= 0)
		return GW_ECONFLICT;
	if (batch_lost(s))
		return GW_ESTORE;
	rc = store_sqlite_exec(s, store_sqlite_prep(s, SQ_RELEASE, "RELEASE f"), "release");
	if (rc == GW_OK)
		st->savepoint_depth--;
	return rc;
}

static int sq_rollback_to(struct store *st)
{
	struct sq_store *s = sq(st);
	int rc;

	if (!st->in_batch || st->savepoint_depth <= 0)
		return GW_ECONFLICT;
	if (batch_lost(s))
		return GW_ESTORE;
	/* ROLLBACK TO keeps the savepoint open; RELEASE closes it. */
	rc = store_sqlite_exec(s, store_sqlite_prep(s, SQ_ROLLBACK_TO, "ROLLBACK TO f"),
			       "rollback to savepoint");
	if (rc == GW_OK)
		rc = store_sqlite_exec(s, store_sqlite_prep(s, SQ_RELEASE, "RELEASE f"),
				       "release");
	if (rc == GW_OK) {
		st->savepoint_depth--;
		st->stats.savepoint_rollbacks++;
	}
	return rc;
}

/* ---- open / close ---------------------------------------------------- */

static void sq_close(struct store *st)
{
	struct sq_store *s = sq(st);

	if (st->in_batch)
		sq_rollback(st);
	store_sqlite_ckpt_stop(s);
	for (int i = 0; i < SQ_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
	EVP_MD_CTX_free(s->md);
	EVP_MD_free(s->sha256);
	gw_free(s);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.savepoint = sq_savepoint,
	.release = sq_release,
	.rollback_to = sq_rollback_to,
	.pile_get = store_sqlite_pile_get,
	.pile_insert = store_sqlite_pile_insert,
	.pile_update_boot = store_sqlite_pile_update_boot,
	.pile_set_password = store_sqlite_pile_set_password,
	.pile_set_pending_password = store_sqlite_pile_set_pending_password,
	.pile_promote_password = store_sqlite_pile_promote_password,
	.pile_set_registration = store_sqlite_pile_set_registration,
	.pile_touch = store_sqlite_pile_touch,
	.pile_list = store_sqlite_pile_list,
	.connector_set = store_sqlite_connector_set,
	.connector_get = store_sqlite_connector_get,
	.connector_history_count = store_sqlite_connector_history_count,
	.token_get = store_sqlite_token_get,
	.token_upsert = store_sqlite_token_upsert,
	.token_list = store_sqlite_token_list,
	.tx_insert = store_sqlite_tx_insert,
	.tx_update = store_sqlite_tx_update,
	.tx_get = store_sqlite_tx_get,
	.tx_get_by_pile_tx = store_sqlite_tx_get_by_pile_tx,
	.tx_get_orphan = store_sqlite_tx_get_orphan,
	.tx_find_start_dup = store_sqlite_tx_find_start_dup,
	.tx_list_open = store_sqlite_tx_list_open,
	.tx_find_open_by_token = store_sqlite_tx_find_open_by_token,
	.tx_event_insert = store_sqlite_tx_event_insert,
	.samples_insert = store_sqlite_samples_insert,
	.samples_by_tx = store_sqlite_samples_by_tx,
	.frame_append = store_sqlite_frame_append,
	.frames_verify = store_sqlite_frames_verify,
	.report_insert = store_sqlite_report_insert,
	.device_var_upsert = store_sqlite_device_var_upsert,
	.device_var_get = store_sqlite_device_var_get,
	.command_insert = store_sqlite_command_insert,
	.command_finish = store_sqlite_command_finish,
	.order_event_append = store_sqlite_order_event_append,
	.outbox_insert = store_sqlite_outbox_insert,
	.order_insert = store_sqlite_order_insert,
	.order_update = store_sqlite_order_update,
	.order_get = store_sqlite_order_get,
	.order_get_by_tx = store_sqlite_order_get_by_tx,
	.order_list_open = store_sqlite_order_list_open,
	.order_list_overlap = store_sqlite_order_list_overlap,
	.order_auto_refunds_count = store_sqlite_order_auto_refunds_count,
	.case_insert = store_sqlite_case_insert,
	.case_update = store_sqlite_case_update,
	.case_get = store_sqlite_case_get,
	.case_get_by_rule = store_sqlite_case_get_by_rule,
	.case_list_by_order = store_sqlite_case_list_by_order,
	.case_list_open = store_sqlite_case_list_open,
	.case_evidence_append = store_sqlite_case_evidence_append,
	.case_evidence_list = store_sqlite_case_evidence_list,
	.frames_window = store_sqlite_frames_window,
	.connector_history_window = store_sqlite_connector_history_window,
	.commands_window = store_sqlite_commands_window,
	.outbox_due = store_sqlite_outbox_due,
	.outbox_delivered = store_sqlite_outbox_delivered,
	.outbox_failed = store_sqlite_outbox_failed,
	.outbox_list_dead = store_sqlite_outbox_list_dead,
	.outbox_requeue = store_sqlite_outbox_requeue,
	.dispute_inbox_claim = store_sqlite_dispute_inbox_claim,
	.dispute_insert = store_sqlite_dispute_insert,
	.dispute_update = store_sqlite_dispute_update,
	.dispute_get = store_sqlite_dispute_get,
	.dispute_list_by_case = store_sqlite_dispute_list_by_case,
	.case_role_claim = store_sqlite_case_role_claim,
	.case_role_get = store_sqlite_case_role_get,
	.pile_remove = store_sqlite_pile_remove,
	.pile_readd = store_sqlite_pile_readd,
	.pile_open_work = store_sqlite_pile_open_work,
	.refund_sums = store_sqlite_refund_sums,
	.outbox_counts = store_sqlite_outbox_counts,
};

/* mkdir -p of path's parent folder; GW_OK or GW_EIO. */
static int make_parent(const char *path)
{
	char buf[1024];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return GW_EINVAL;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) != 0 && errno != EEXIST) {
			gw_log(GW_LOG_ERR, "store: cannot create folder %s: %s", buf,
			       strerror(errno));
			return GW_EIO;
		}
		*p = '/';
	}
	return GW_OK;
}

/* Connection settings; the WAL answer is checked because a read-only or
 * network file system may silently keep the rollback journal.
 *
 * Speed (measured, issue 3; durability is untouched - still WAL with
 * synchronous=FULL):
 *   - temp_store=MEMORY keeps the statement sub-journal in memory.  Each
 *     frame's handler runs in a savepoint, and SQLite journals every page
 *     the savepoint changes; by default that journal spills to a temp file
 *     past 64 KiB and then stays a file for the connection's life: two
 *     pwrite syscalls per journaled page, ~22 of the ~27 pwrites per
 *     transaction message.
 *   - cache_size 16 MiB (default 2 MiB): one turn's batch plus the index
 *     pages of ~1k busy piles fit, and preads per transaction message fall
 *     from ~4.6 to ~0.7.  The cache fills only with pages actually used, at
 *     most 16 MiB per connection. */
static int configure(sqlite3 *db, int busy_timeout_ms, int in_memory)
{
	sqlite3_stmt *stmt = NULL;
	int rc = GW_ESTORE;

	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, busy_timeout_ms > 0 ? busy_timeout_ms : 0);
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		goto out;
	if (!in_memory && strcmp((const char *)sqlite3_column_text(stmt, 0), "wal") != 0) {
		gw_log(GW_LOG_ERR, "store: WAL mode refused (got %s)",
		       (const char *)sqlite3_column_text(stmt, 0));
		goto out;
	}
	if (sqlite3_exec(db,
			 "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			 " PRAGMA trusted_schema=OFF; PRAGMA temp_store=MEMORY;"
			 " PRAGMA cache_size=-16384;",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = GW_OK;
out:
	if (rc != GW_OK)
		gw_log(GW_LOG_ERR, "store: configure failed: %s", sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return rc;
}

/* Process-wide SQLite settings, before the first connection (SQLite
 * refuses sqlite3_config after sqlite3_initialize; then they are left as
 * they are: they change speed, not results).  The store is this process's
 * only SQLite user.
 *
 * No page-cache bulk allocation: by default every new pager allocates 20
 * pages (~86 KB) at once, and SQLite opens a throw-away pager for each
 * ephemeral b-tree - a CHECK or a partial index with "x IN (3 or more
 * constants)" builds one per statement run (orders, refund_cases, outbox,
 * order_events).  Those ~86 KB blocks came and went at the top of the heap,
 * so glibc trimmed the heap and the next statement page-faulted it back:
 * ~25 % of the CPU of transaction traffic in the kernel (perf, issue 3).
 * Pages are now allocated one at a time, from malloc's free lists.
 *
 * No memory statistics (sqlite3_memory_used, which nothing here reads):
 * with them every sqlite3_malloc and sqlite3_free takes a process-wide
 * mutex, and the in-memory sub-journal alone allocates ~30 blocks per
 * transaction message. */
static void sqlite_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

int store_sqlite_open(const char *path, int busy_timeout_ms, struct store **out)
{
	struct sq_store *s = NULL;
	int in_memory;
	int rc;

	if (!path || !*path || !out)
		return GW_EINVAL;
	*out = NULL;
	pthread_once(&global_once, sqlite_global_init);
	in_memory = strcmp(path, ":memory:") == 0;
	if (!in_memory && (rc = make_parent(path)) != GW_OK)
		return rc;
	s = gw_calloc(1, sizeof(*s));
	if (!s)
		return GW_ENOMEM;
	s->base.ops = &sqlite_ops;
	s->md = EVP_MD_CTX_new();
	/* fetched once: EVP_sha256() at every init looks the digest up again */
	s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!s->md || !s->sha256) {
		rc = GW_ENOMEM;
		goto fail;
	}
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		gw_log(GW_LOG_ERR, "store: cannot open %s: %s", path,
		       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		rc = GW_ESTORE;
		goto fail;
	}
	if ((rc = configure(s->db, busy_timeout_ms, in_memory)) != GW_OK)
		goto fail;
	if ((rc = store_sqlite_migrate(s->db)) != GW_OK)
		goto fail;
	if (!in_memory)
		store_sqlite_ckpt_start(s, path); /* without it SQLite checkpoints itself */
	gw_log(GW_LOG_INFO, "store: opened %s (schema v%d, WAL, synchronous=FULL)", path,
	       store_sqlite_schema_version());
	*out = &s->base;
	return GW_OK;
fail:
	sq_close(&s->base);
	return rc;
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

void store_stats_get(const struct store *st, struct store_stats *out)
{
	*out = st->stats;
}
