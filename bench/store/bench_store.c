/* SPDX-License-Identifier: MIT
 *
 * bench_store.c - group-commit throughput of the SQLite store with
 * synchronous=FULL (PROTOCOL.md 5 "Durable writes").
 *
 * One "frame" is what the dispatcher does for a MeterValues CALL: a
 * savepoint, the inbound raw frame (hash-chained), two meter samples, a
 * last-seen touch, the outbound reply frame, release.  A batch of F frames
 * ends with one durable COMMIT.  Prints commits/s, frames/s and the commit
 * latency for F = 1 and F = 50.
 *
 * Build (from the repo root, after building gw_store in /tmp/b-store):
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Isrc bench/store/bench_store.c \
 *      /tmp/b-store/src/store/libgw_store.a /tmp/b-store/src/common/libgw_common.a \
 *      -lsqlite3 -lcrypto -lwebsockets -o /tmp/bench_store
 * Run: /tmp/bench_store [db-path] [seconds-per-case]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/gw_err.h"
#include "store/store.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int one_frame(struct store *st, const char *pile, long i)
{
	static const char in[] = "[2,\"19a\",\"MeterValues\",{\"connectorId\":1,\"meterValue\":"
				 "[{\"timestamp\":\"2026-01-01T00:00:00Z\",\"sampledValue\":"
				 "[{\"value\":\"1234.5\",\"measurand\":\"Energy.Active.Import."
				 "Register\"}]}]}]";
	static const char out[] = "[3,\"19a\",{}]";
	struct frame_in f = {.pile = pile, .dir = FRAME_IN, .msg_id = "19a", .msg_type = 2,
			     .action = "MeterValues", .payload = in, .payload_len = sizeof(in) - 1,
			     .pile_ms = 1700000000000LL + i, .recv_ms = 1700000000000LL + i};
	struct meter_sample s[2];
	struct sample_ctx ctx = {.pile = pile, .recv_ms = f.recv_ms};
	int rc;

	memset(s, 0, sizeof(s));
	s[0].value = (double)i;
	s[1].measurand = MEAS_POWER_IMPORT_W;
	s[1].value = 7400;
	if ((rc = store_savepoint(st)) != GW_OK || (rc = store_frame_append(st, &f, &ctx.frame_seq)) ||
	    (rc = store_samples_insert(st, &ctx, s, 2)) ||
	    (rc = store_pile_touch(st, pile, 0, f.recv_ms)))
		return rc;
	f.dir = FRAME_OUT;
	f.msg_type = 3;
	f.payload = out;
	f.payload_len = sizeof(out) - 1;
	f.pile_ms = 0;
	if ((rc = store_frame_append(st, &f, NULL)) != GW_OK)
		return rc;
	return store_release(st);
}

static int run_case(struct store *st, int per_commit, double secs)
{
	struct store_stats a, b;
	double t0 = now_s(), el;
	long frames = 0, commits = 0;
	char pile[16];

	store_stats_get(st, &a);
	do {
		if (store_begin(st) != GW_OK)
			return 1;
		for (int k = 0; k < per_commit; k++, frames++) {
			snprintf(pile, sizeof(pile), "CP%03ld", frames % 100);
			if (one_frame(st, pile, frames) != GW_OK)
				return 1;
		}
		if (store_commit(st) != GW_OK)
			return 1;
		commits++;
	} while ((el = now_s() - t0) < secs);
	store_stats_get(st, &b);
	printf("frames/commit=%-3d commits/s=%8.0f frames/s=%9.0f commit avg=%6.1f us max=%6llu us\n",
	       per_commit, commits / el, frames / el,
	       (double)(b.commit_us_total - a.commit_us_total) / (double)(b.commits - a.commits),
	       (unsigned long long)b.commit_us_max);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/ocppgw-bench/bench.db";
	double secs = argc > 2 ? atof(argv[2]) : 3.0;
	struct store *st = NULL;
	struct pile_row p;
	char wal[600], shm[600];

	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	if (store_sqlite_open(path, 5000, &st) != GW_OK)
		return 1;
	memset(&p, 0, sizeof(p));
	for (int i = 0; i < 100; i++) {
		snprintf(p.identity, sizeof(p.identity), "CP%03d", i);
		if (store_pile_insert(st, &p) != GW_OK)
			return 1;
	}
	printf("db=%s synchronous=FULL journal=WAL\n", path);
	if (run_case(st, 1, secs) || run_case(st, 50, secs)) {
		fprintf(stderr, "bench failed\n");
		return 1;
	}
	store_close(st);
	return 0;
}
