/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_ckpt.c - WAL checkpoints off the event loop.
 *
 * By default SQLite checkpoints inside the COMMIT that takes the WAL past
 * 1000 pages: the committing thread copies the WAL back into the database
 * and fsyncs both, while every pile of the loop waits.  Measured under
 * transaction traffic (issue 3) that was ~11 % of the loop's CPU and the
 * longest commits.  Here the loop's connection only notes the WAL size
 * (sqlite3_wal_hook, called after each commit) and wakes a thread of this
 * store that runs PASSIVE checkpoints on a connection of its own.  SQLite
 * allows one checkpointer beside a writer in WAL mode; PASSIVE never waits
 * for the writer nor makes it wait, and a crash in the middle of one is
 * recovered by SQLite at the next open, so durability is as before: a
 * commit is durable once its WAL frames are fsynced (store_sqlite.c).
 *
 * The WAL is rewound by the next writer once a checkpoint has copied all
 * of it.  Should the thread fall behind anyway (CKPT_INLINE_FRAMES), the
 * loop's connection checkpoints itself as SQLite would have done.
 */
#include <pthread.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "store/store_sqlite_int.h"

#define CKPT_FRAMES 1000         /* wake the thread (SQLite's own default) */
#define CKPT_INLINE_FRAMES 65536 /* ~256 MiB of WAL: checkpoint in the loop */

/* One per file store with a checkpoint thread, from store_sqlite_ckpt_start
 * to store_sqlite_ckpt_stop. */
struct sq_ckpt {
	sqlite3 *db; /* the thread's own connection */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int want, stop; /* under mu */
};

static void *run(void *arg)
{
	struct sq_ckpt *k = arg;
	int log_frames, done_frames, rc;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->want && !k->stop)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stop)
			break;
		k->want = 0;
		pthread_mutex_unlock(&k->mu);
		rc = sqlite3_wal_checkpoint_v2(k->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
					       &done_frames);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			gw_log(GW_LOG_WARN, "store: background checkpoint failed: %s (%d)",
			       sqlite3_errmsg(k->db), rc);
		pthread_mutex_lock(&k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

/* sqlite3_wal_hook: runs in the committing thread after each commit. */
static int on_wal(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct sq_ckpt *k = arg;

	if (frames >= CKPT_INLINE_FRAMES) {
		/* what SQLite's default hook does; a failure is not the commit's */
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	if (frames >= CKPT_FRAMES) {
		pthread_mutex_lock(&k->mu);
		k->want = 1;
		pthread_cond_signal(&k->cv);
		pthread_mutex_unlock(&k->mu);
	}
	return SQLITE_OK;
}

int store_sqlite_ckpt_start(struct sq_store *s, const char *path)
{
	struct sq_ckpt *k = gw_calloc(1, sizeof(*k));
	int rc = GW_ESTORE;

	if (!k)
		return GW_ENOMEM;
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	if (sqlite3_open_v2(path, &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(k->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (pthread_create(&k->thread, NULL, run, k) != 0) {
		rc = GW_EINTERNAL;
		goto fail;
	}
	s->ckpt = k;
	sqlite3_wal_hook(s->db, on_wal, k); /* replaces SQLite's auto-checkpoint */
	return GW_OK;
fail:
	gw_log(GW_LOG_WARN, "store: no background checkpoints (%s): SQLite checkpoints in the loop",
	       k->db ? sqlite3_errmsg(k->db) : "out of memory");
	sqlite3_close_v2(k->db);
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
	gw_free(k);
	return rc;
}

void store_sqlite_ckpt_stop(struct sq_store *s)
{
	struct sq_ckpt *k = s->ckpt;

	if (!k)
		return;
	sqlite3_wal_autocheckpoint(s->db, CKPT_FRAMES); /* SQLite's own hook again */
	pthread_mutex_lock(&k->mu);
	k->stop = 1;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thread, NULL);
	sqlite3_close_v2(k->db);
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
	gw_free(k);
	s->ckpt = NULL;
}
