/* SPDX-License-Identifier: MIT
 * test_deliver.c - src/hooks/deliver.c against a real loopback receiver:
 * many outbox rows (orders interleaved, plus rows without an order) are
 * each delivered exactly once, in order per order, and their outcomes are
 * written in few commits (outbox_record_due), not one per delivery.
 * Also the record rule itself, as a table.
 *
 * The receiver is a few lines of HTTP/1.1 on 127.0.0.1 (port 0): one
 * thread per connection, keep-alive, answers every POST 200 and notes the
 * envelope's event_id in arrival order. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "hooks/hooks.h"
#include "hooks/hooks_int.h"
#include "store/store.h"

/* ---- the record rule --------------------------------------------------- */

static void test_record_due(void)
{
	static const struct {
		size_t n;
		int64_t oldest_ms, now_ms;
		int running, due;
	} rows[] = {
		{0, 0, 999999, 0, 0},                                /* nothing to write */
		{1, 1000, 1000, 0, 1},                               /* round over */
		{1, 1000, 1000, 3, 0},                               /* more to come */
		{1, 1000, 1000 + HOOK_RECORD_MS - 1, 3, 0},
		{1, 1000, 1000 + HOOK_RECORD_MS, 3, 1},              /* waited long enough */
		{HOOK_RECORD_MAX - 1, 1000, 1000, 3, 0},
		{HOOK_RECORD_MAX, 1000, 1000, 3, 1},                 /* a full commit */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_EQUAL(outbox_record_due(rows[i].n, rows[i].oldest_ms, rows[i].now_ms,
						  rows[i].running), rows[i].due);
}

/* ---- a loopback receiver ----------------------------------------------- */

#define RX_CONNS 32
#define RX_SEEN_MAX 1024

struct rx {
	int lfd, port;
	pthread_t acceptor, conns[RX_CONNS];
	int conn_fd[RX_CONNS];
	int n_conns;
	atomic_int stop;
	pthread_mutex_t mu;
	int seen[RX_SEEN_MAX]; /* event numbers in arrival order */
	int n_seen;
};

struct conn_arg {
	struct rx *rx;
	int fd;
};

static struct rx rx;

/* Wait for fd to be readable, giving up when rx is stopping. */
static int readable(struct rx *r, int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	while (!atomic_load(&r->stop)) {
		int n = poll(&p, 1, 100);

		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return 0;
	}
	return 0;
}

/* Read more of fd into buf[*have..cap); 0 on EOF, error, full or stop. */
static int more(struct rx *r, int fd, char *buf, size_t cap, size_t *have)
{
	ssize_t got;

	if (*have == cap || !readable(r, fd) || (got = recv(fd, buf + *have, cap - *have, 0)) <= 0)
		return 0;
	*have += (size_t)got;
	return 1;
}

/* One request per loop turn: headers, Content-Length body, "200 OK". */
static void *rx_conn(void *arg)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct rx *r = ((struct conn_arg *)arg)->rx;
	int fd = ((struct conn_arg *)arg)->fd;
	char buf[16384];
	size_t have = 0;

	free(arg);
	for (;;) {
		char *end, *cl, *ev;
		size_t head, body;

		while (!(end = memmem(buf, have, "\r\n\r\n", 4)))
			if (!more(r, fd, buf, sizeof(buf), &have))
				goto out;
		head = (size_t)(end - buf) + 4;
		buf[head - 1] = '\0'; /* the headers as a string, for a moment */
		cl = strcasestr(buf, "\r\nContent-Length:");
		body = cl ? strtoul(cl + 17, NULL, 10) : 0;
		buf[head - 1] = '\n';
		while (have < head + body)
			if (!more(r, fd, buf, sizeof(buf), &have))
				goto out;
		ev = memmem(buf + head, body, "\"event_id\":\"evt-", 16);
		pthread_mutex_lock(&r->mu);
		if (r->n_seen < RX_SEEN_MAX)
			r->seen[r->n_seen++] = ev ? atoi(ev + 16) : -1;
		pthread_mutex_unlock(&r->mu);
		if (send(fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(ok) - 1)
			goto out;
		memmove(buf, buf + head + body, have - head - body);
		have -= head + body;
	}
out:
	close(fd);
	return NULL;
}

static void *rx_accept(void *arg)
{
	struct rx *r = arg;

	while (readable(r, r->lfd)) {
		struct conn_arg *a;
		int fd = accept(r->lfd, NULL, NULL);

		if (fd < 0)
			continue;
		if (r->n_conns == RX_CONNS || !(a = malloc(sizeof(*a)))) {
			close(fd);
			continue;
		}
		a->rx = r;
		a->fd = fd;
		if (pthread_create(&r->conns[r->n_conns], NULL, rx_conn, a) != 0) {
			free(a);
			close(fd);
			continue;
		}
		r->n_conns++;
	}
	return NULL;
}

static int rx_start(struct rx *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof(a);

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((r->lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(r->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(r->lfd, 64) ||
	    getsockname(r->lfd, (struct sockaddr *)&a, &len))
		return -1;
	r->port = ntohs(a.sin_port);
	return pthread_create(&r->acceptor, NULL, rx_accept, r) ? -1 : 0;
}

static void rx_stop(struct rx *r)
{
	atomic_store(&r->stop, 1);
	pthread_join(r->acceptor, NULL);
	for (int i = 0; i < r->n_conns; i++)
		pthread_join(r->conns[i], NULL);
	close(r->lfd);
	pthread_mutex_destroy(&r->mu);
}

/* ---- many deliveries, few commits -------------------------------------- */

#define N_ORDERS 50
#define N_CHAINED 300 /* row i belongs to order 1 + i % N_ORDERS: 6 per order */
#define N_LOOSE 100   /* rows without an order */
#define N_ROWS (N_CHAINED + N_LOOSE)

static int64_t order_of(int i)
{
	return i < N_CHAINED ? 1 + i % N_ORDERS : 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void test_many_deliveries_few_commits(void)
{
	char dir[] = "/tmp/test_deliver.XXXXXX", path[64];
	struct gw_config *cfg = calloc(1, sizeof(*cfg));
	struct store_outbox_counts oc;
	struct hooks_stats hs;
	struct store *st = NULL;
	struct hooks *h = NULL;
	int last[N_ORDERS + 1], counts[N_ROWS];
	int64_t id;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/gw.db", dir);
	CU_ASSERT_EQUAL_FATAL(rx_start(&rx), 0);
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(path, 5000, &st), GW_OK);
	/* the rows, committed together as the loop would */
	CU_ASSERT_EQUAL_FATAL(store_begin(st), GW_OK);
	for (int i = 0; i < N_ROWS; i++) {
		char ev[32], body[96];

		snprintf(ev, sizeof(ev), "evt-%d", i);
		snprintf(body, sizeof(body), "{\"event_id\":\"evt-%d\",\"n\":%d}", i, i);
		CU_ASSERT_EQUAL_FATAL(store_outbox_insert(st, "app", order_of(i), ev,
							  "session.updated", gw_clock_now_ms(),
							  body, &id), GW_OK);
	}
	CU_ASSERT_EQUAL_FATAL(store_commit(st), GW_OK);

	cfg->n_partners = 1;
	snprintf(cfg->partners[0].name, sizeof(cfg->partners[0].name), "app");
	snprintf(cfg->partners[0].url, sizeof(cfg->partners[0].url), "http://127.0.0.1:%d/hook",
		 rx.port);
	snprintf(cfg->partners[0].secret, sizeof(cfg->partners[0].secret), "whsec-0123456789");
	cfg->hook_timeout_ms = 10000;
	cfg->hook_retry_s[0] = 1;
	cfg->n_hook_retries = 1;
	CU_ASSERT_EQUAL_FATAL(hooks_start(cfg, path, &h), GW_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	for (int waited = 0; waited < 60000; waited += 20) {
		CU_ASSERT_EQUAL_FATAL(store_outbox_counts(st, &oc), GW_OK);
		if (oc.rows[OUTBOX_DELIVERED] == N_ROWS)
			break;
		sleep_ms(20);
	}
	hooks_stats_get(h, &hs);
	hooks_stop(h);
	rx_stop(&rx);

	CU_ASSERT_EQUAL(oc.rows[OUTBOX_DELIVERED], N_ROWS);
	CU_ASSERT_EQUAL(oc.rows[OUTBOX_PENDING], 0);
	/* exactly once (nothing failed, nothing crashed), in order per order */
	CU_ASSERT_EQUAL(rx.n_seen, N_ROWS);
	CU_ASSERT_EQUAL(hs.attempts, N_ROWS);
	memset(counts, 0, sizeof(counts));
	for (int o = 0; o <= N_ORDERS; o++)
		last[o] = -1;
	for (int k = 0; k < rx.n_seen; k++) {
		int i = rx.seen[k];

		CU_ASSERT_FATAL(i >= 0 && i < N_ROWS);
		counts[i]++;
		if (order_of(i)) {
			CU_ASSERT(i > last[order_of(i)]);
			last[order_of(i)] = i;
		}
	}
	for (int i = 0; i < N_ROWS; i++)
		CU_ASSERT_EQUAL(counts[i], 1);
	/* one commit per round, not per delivery: each order's 6 rows need 6
	 * rounds at least; allow slack for a slow machine (HOOK_RECORD_MS) */
	printf("\n    %d deliveries, %llu commits ", N_ROWS, (unsigned long long)hs.commits);
	CU_ASSERT(hs.commits >= N_CHAINED / N_ORDERS);
	CU_ASSERT(hs.commits * 10 <= N_ROWS);

	store_close(st);
	unlink(path);
	{
		char side[80];

		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	rmdir(dir);
	free(cfg);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{"record rule", test_record_due},
		{"many deliveries, few commits", test_many_deliveries_few_commits},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {{(char *)"deliver", NULL, NULL, NULL, NULL, tests},
				 CU_SUITE_INFO_NULL};
	int failed;

	gw_log_level = GW_LOG_ERR;
	if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
