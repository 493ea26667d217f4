/* SPDX-License-Identifier: MIT
 *
 * test_loopback.c - the in-process loopback of STYLE.md 9: raw OCPP-J
 * frames through rpc -> schema -> v16 / v201 -> domain -> a ":memory:"
 * store, with fake_transport.c in place of lws.  Asserts exact replies,
 * persist-then-reply (nothing leaves before loop_turn), per-frame
 * savepoints inside the group commit, and that a storage failure on a
 * transaction message closes the session instead of answering.
 *
 * Storage failures are forced by wrapping the store's ops table (store.h is
 * a struct of function pointers; a test swaps st->ops for a copy whose
 * chosen op fails), so no test hook in src/ was needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "core/dispatch.h"
#include "loopback/loop_env.h"
#include "rpc/rpc.h"
#include "schema/schema.h"
#include "store/store.h"

#define T0 1764095400000LL /* 2025-11-25T18:30:00.000Z */
#define NOW "2025-11-25T18:30:00.000Z"

static struct schema_set *g16, *g201;
static struct loop_env le;

/* ---- fixture */

static void up(int push_config)
{
	loop_env_defaults(&le);
	le.cfg.push_config_on_boot = push_config;
	gw_clock_set_fake(T0);
	rpc_msgid_seed(0, 1);
	CU_ASSERT_EQUAL_FATAL(loop_env_start(&le, g16, g201), GW_OK);
	CU_ASSERT_EQUAL_FATAL(loop_env_token(&le, "TAG1", "Accepted"), GW_OK);
}

static void down(void)
{
	struct dispatch_stats ds;

	dispatch_stats_get(le.env.dispatch, &ds);
	CU_ASSERT_EQUAL(ds.outbound_invalid, 0); /* our payloads always match their schema */
	loop_env_stop(&le);
}

/* ---- exact replies */

static void expect_at(struct ws_session *s, const char *const *want, int line)
{
	struct loop_msg *all = loop_take_sent(s), *m = all;
	size_t i = 0;
	int ok = 1;

	for (; want[i] && m; i++, m = m->next)
		if (strcmp(want[i], m->text)) {
			fprintf(stderr, "\nline %d: reply %zu\n  want %s\n  got  %s\n", line, i, want[i],
				m->text);
			ok = 0;
		}
	if (want[i] || m) {
		fprintf(stderr, "\nline %d: %s reply %zu: %s\n", line, want[i] ? "missing" : "extra", i,
			want[i] ? want[i] : m->text);
		ok = 0;
	}
	CU_assertImplementation(ok, (unsigned)line, "replies as expected", __FILE__, "", CU_FALSE);
	loop_msgs_free(all);
}

#define EXPECT(s, ...) expect_at((s), (const char *const[]){__VA_ARGS__, NULL}, __LINE__)
#define EXPECT_NONE(s) expect_at((s), (const char *const[]){NULL}, __LINE__)

static const char BOOT16[] =
	"[2,\"b1\",\"BootNotification\",{\"chargePointVendor\":\"V\",\"chargePointModel\":\"M\"}]";
static const char BOOT16_OK[] =
	"[3,\"b1\",{\"status\":\"Accepted\",\"currentTime\":\"" NOW "\",\"interval\":300}]";
static const char BOOT201[] = "[2,\"b1\",\"BootNotification\",{\"reason\":\"PowerUp\","
			      "\"chargingStation\":{\"model\":\"M\",\"vendorName\":\"V\"}}]";
static const char BOOT201_OK[] =
	"[3,\"b1\",{\"currentTime\":\"" NOW "\",\"interval\":300,\"status\":\"Accepted\"}]";

static struct ws_session *booted(const char *identity, enum ocpp_version v)
{
	struct ws_session *s = loop_open(identity, v);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(loop_send(s, v == OCPP_16 ? BOOT16 : BOOT201), GW_OK);
	loop_turn();
	EXPECT(s, v == OCPP_16 ? BOOT16_OK : BOOT201_OK);
	return s;
}

/* ---- store failures: a wrapped ops table */

static struct store_ops wrap;
static const struct store_ops *real;
static char fail_pile[64];       /* only this pile's writes fail */
static int fail_tx, fail_conn, fail_commit, fail_commit_broken;

static int w_tx_insert(struct store *st, struct tx_row *row)
{
	if (fail_tx && !strcmp(row->pile, fail_pile))
		return GW_ESTORE;
	return real->tx_insert(st, row);
}

static int w_tx_event_insert(struct store *st, const char *pile, const struct tx_event *ev,
			     int64_t recv_ms, int64_t frame_seq)
{
	if (fail_tx && !strcmp(pile, fail_pile))
		return GW_ESTORE;
	return real->tx_event_insert(st, pile, ev, recv_ms, frame_seq);
}

/* The write happens, then the op reports a failure: the frame's savepoint
 * must undo it. */
static int w_connector_set(struct store *st, const char *pile, const struct status_report *r,
			   enum conn_source source, int64_t recv_ms, int64_t frame_seq)
{
	int rc = real->connector_set(st, pile, r, source, recv_ms, frame_seq);

	if (rc == GW_OK && fail_conn && !strcmp(pile, fail_pile))
		return GW_ECONFLICT;
	return rc;
}

static int w_commit(struct store *st)
{
	if (fail_commit) { /* as a failed COMMIT: rolled back, GW_ESTORE */
		fail_commit--;
		real->rollback(st);
		st->broken = fail_commit_broken; /* fsync/EIO, not a busy disk */
		return GW_ESTORE;
	}
	return real->commit(st);
}

static void wrap_store(const char *pile)
{
	struct store *st = le.env.store;

	real = st->ops;
	wrap = *real;
	wrap.tx_insert = w_tx_insert;
	wrap.tx_event_insert = w_tx_event_insert;
	wrap.connector_set = w_connector_set;
	wrap.commit = w_commit;
	st->ops = &wrap;
	snprintf(fail_pile, sizeof(fail_pile), "%s", pile);
	fail_tx = fail_conn = fail_commit = fail_commit_broken = 0;
}

/* ==== tests ============================================================ */

/* The reply is parked until the turn's commit; the write is inside the
 * turn's batch until then. */
static void t_persist_then_reply(void)
{
	struct ws_session *s;
	struct pile_row p;
	struct tx_row tx;

	up(0);
	s = loop_open("CP1", OCPP_16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(loop_send(s, BOOT16), GW_OK);
	EXPECT_NONE(s);
	CU_ASSERT_TRUE(store_in_batch(le.env.store));
	loop_turn();
	CU_ASSERT_FALSE(store_in_batch(le.env.store));
	EXPECT(s, BOOT16_OK);
	CU_ASSERT_EQUAL(store_pile_get(le.env.store, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(p.last_boot_ms, T0);
	CU_ASSERT_STRING_EQUAL(p.boot.vendor, "V");

	loop_send(s, "[2,\"s1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\","
		     "\"meterStart\":100,\"timestamp\":\"2025-11-25T18:00:00Z\"}]");
	EXPECT_NONE(s);
	CU_ASSERT_TRUE(store_in_batch(le.env.store));
	loop_turn();
	EXPECT(s, "[3,\"s1\",{\"transactionId\":1,\"idTagInfo\":{\"status\":\"Accepted\"}}]");
	CU_ASSERT_EQUAL(store_tx_get(le.env.store, 1, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.state, TXS_OPEN);
	CU_ASSERT_EQUAL(tx.meter_start_wh, 100);

	/* a resent start (new message id, same content) gets the same id */
	loop_send(s, "[2,\"s2\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\","
		     "\"meterStart\":100,\"timestamp\":\"2025-11-25T18:00:01Z\"}]");
	loop_send(s, "[2,\"e1\",\"StopTransaction\",{\"transactionId\":1,\"meterStop\":900,"
		     "\"timestamp\":\"2025-11-25T18:20:00Z\"}]");
	EXPECT_NONE(s);
	loop_turn();
	EXPECT(s, "[3,\"s2\",{\"transactionId\":1,\"idTagInfo\":{\"status\":\"Accepted\"}}]",
	       "[3,\"e1\",{}]");
	CU_ASSERT_EQUAL(store_tx_get(le.env.store, 1, &tx), GW_OK);
	CU_ASSERT_EQUAL(tx.state, TXS_ENDED);
	CU_ASSERT_EQUAL(tx.meter_stop_wh, 900);
	CU_ASSERT_NOT_EQUAL(store_tx_get(le.env.store, 2, &tx), GW_OK);
	down();
}

/* Every frame of a turn, of every pile, commits once; replies leave in the
 * order they were produced, per pile. */
static void t_group_commit(void)
{
	struct ws_session *a, *b;
	struct store_stats before, after;

	up(0);
	a = booted("CPA", OCPP_16);
	b = booted("CSB", OCPP_201);
	store_stats_get(le.env.store, &before);
	loop_send(a, "[2,\"1\",\"Heartbeat\",{}]");
	loop_send(b, "[2,\"1\",\"Heartbeat\",{}]");
	loop_send(a, "[2,\"2\",\"Heartbeat\",{}]");
	loop_send(b, "[2,\"2\",\"StatusNotification\",{\"timestamp\":\"2025-11-25T18:00:00Z\","
		     "\"connectorStatus\":\"Available\",\"evseId\":1,\"connectorId\":1}]");
	EXPECT_NONE(a);
	EXPECT_NONE(b);
	loop_turn();
	store_stats_get(le.env.store, &after);
	CU_ASSERT_EQUAL(after.commits - before.commits, 1);
	EXPECT(a, "[3,\"1\",{\"currentTime\":\"" NOW "\"}]", "[3,\"2\",{\"currentTime\":\"" NOW "\"}]");
	EXPECT(b, "[3,\"1\",{\"currentTime\":\"" NOW "\"}]", "[3,\"2\",{}]");
	/* an idle turn commits nothing */
	loop_turn();
	store_stats_get(le.env.store, &before);
	CU_ASSERT_EQUAL(before.commits, after.commits);
	down();
}

/* STYLE.md 9 abuse list, 1.6 spelling: each gets its exact CALLERROR (or
 * the silence 1.6 prescribes), the session stays open, and another pile's
 * frames in the same turn are answered. */
static void t_abuse_16(void)
{
	struct ws_session *s, *other;

	up(0);
	s = booted("CP1", OCPP_16);
	other = booted("CP2", OCPP_16);
	loop_send(s, "nope");
	loop_send(other, "[2,\"o1\",\"Heartbeat\",{}]");
	loop_send(s, "[2,\"1\",\"Heartbeat\",{}] x");            /* trailing garbage */
	loop_send(s, "[2,\"2\",\"Heartbeat\",{},]");             /* not strict JSON */
	loop_send(s, "{\"a\":1}");                               /* not an array */
	loop_send(s, "[5,\"3\",{}]");                            /* 1.6: ignored */
	loop_send(s, "[\"2\",\"4\",\"Heartbeat\",{}]");          /* type not an integer */
	loop_send(s, "[2,\"1234567890123456789012345678901234567\",\"Heartbeat\",{}]");
	loop_send(s, "[2,\"5\",\"Heartbeat\"]");                 /* payload missing */
	loop_send(s, "[2,\"6\",\"Heartbeat\",null]");            /* 1.6 reads null as {} */
	loop_send(s, "[2,\"7\",\"Foo\",{}]");
	loop_send(s, "[2,\"8\",\"Reset\",{\"type\":\"Hard\"}]"); /* ours to send */
	loop_send(s, "[2,\"9\",\"StatusNotification\",{\"connectorId\":\"1\","
		     "\"errorCode\":\"NoError\",\"status\":\"Available\"}]");
	loop_send(s, "[2,\"10\",\"StatusNotification\",{\"connectorId\":1,\"errorCode\":\"NoError\"}]");
	loop_send(s, "[2,\"11\",\"StatusNotification\",{\"connectorId\":1,"
		     "\"errorCode\":\"NoError\",\"status\":\"Sleeping\"}]");
	loop_send(s, "[2,\"12\",\"Heartbeat\",{}]");
	loop_send(s, "[2,\"12\",\"Heartbeat\",{}]");             /* id already in flight */
	loop_send(s, "[3,\"zz\",{}]");                           /* answer to nothing */
	loop_send(s, "[2,\"13\",\"Heartbeat\",{\"\\u0000\":1}]");     /* U+0000: refused */
	EXPECT_NONE(s);
	loop_turn();
	EXPECT(s, "[4,\"-1\",\"FormationViolation\",\"invalid JSON\",{}]",
	       "[4,\"-1\",\"FormationViolation\",\"invalid JSON\",{}]",
	       "[4,\"-1\",\"FormationViolation\",\"invalid JSON\",{}]",
	       "[4,\"-1\",\"GenericError\",\"not an OCPP-J frame\",{}]",
	       "[4,\"4\",\"ProtocolError\",\"not an OCPP-J frame\",{}]",
	       "[4,\"-1\",\"GenericError\",\"not an OCPP-J frame\",{}]",
	       "[4,\"5\",\"ProtocolError\",\"not an OCPP-J frame\",{}]",
	       "[3,\"6\",{\"currentTime\":\"" NOW "\"}]",
	       "[4,\"7\",\"NotImplemented\",\"unknown action\",{}]",
	       "[4,\"8\",\"NotSupported\",\"we are the central system; this action goes the other way\",{}]",
	       "[4,\"9\",\"TypeConstraintViolation\",\"connectorId: expected integer\",{}]",
	       "[4,\"10\",\"OccurenceConstraintViolation\",\"status: required\",{}]",
	       "[4,\"11\",\"PropertyConstraintViolation\",\"status: value not allowed\",{}]",
	       "[3,\"12\",{\"currentTime\":\"" NOW "\"}]",
	       "[4,\"12\",\"ProtocolError\",\"message id already being handled\",{}]",
	       "[4,\"-1\",\"FormationViolation\",\"invalid JSON\",{}]");
	EXPECT(other, "[3,\"o1\",{\"currentTime\":\"" NOW "\"}]");
	CU_ASSERT_FALSE(loop_is_closing(s));
	loop_send(s, "[2,\"14\",\"Heartbeat\",{}]");
	loop_turn();
	EXPECT(s, "[3,\"14\",{\"currentTime\":\"" NOW "\"}]");
	down();
}

/* The same list in 2.0.1 spelling, and its boot gate (errata 3.10). */
static void t_abuse_201(void)
{
	struct ws_session *s;

	up(0);
	s = loop_open("CS1", OCPP_201);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	loop_send(s, "[2,\"h0\",\"Heartbeat\",{}]");
	loop_send(s, BOOT201);
	loop_send(s, "[2,\"h1\",\"Heartbeat\",{}]");
	loop_send(s, "nope");
	loop_send(s, "[5,\"3\",{}]");
	loop_send(s, "[2,\"4\",\"Heartbeat\",null]");
	loop_send(s, "[2,\"1234567890123456789012345678901234567\",\"Heartbeat\",{}]");
	loop_send(s, "[2,\"5\",\"Foo\",{}]");
	loop_send(s, "[2,\"6\",\"StatusNotification\",{\"timestamp\":\"2025-11-25T18:00:00Z\","
		     "\"connectorStatus\":\"Available\",\"evseId\":1}]");
	loop_send(s, "[2,\"7\",\"StatusNotification\",{\"timestamp\":\"yesterday\","
		     "\"connectorStatus\":\"Available\",\"evseId\":1,\"connectorId\":1}]");
	loop_turn();
	EXPECT(s, "[4,\"h0\",\"SecurityError\",\"BootNotification not accepted yet\",{}]", BOOT201_OK,
	       "[3,\"h1\",{\"currentTime\":\"" NOW "\"}]",
	       "[4,\"-1\",\"FormatViolation\",\"invalid JSON\",{}]",
	       "[4,\"3\",\"MessageTypeNotSupported\",\"unknown message type\",{}]",
	       "[4,\"4\",\"ProtocolError\",\"not an OCPP-J frame\",{}]",
	       "[4,\"-1\",\"RpcFrameworkError\",\"not an OCPP-J frame\",{}]",
	       "[4,\"5\",\"NotImplemented\",\"unknown action\",{}]",
	       "[4,\"6\",\"OccurrenceConstraintViolation\",\"connectorId: required\",{}]",
	       "[4,\"7\",\"PropertyConstraintViolation\",\"timestamp: not a valid date-time\",{}]");
	/* a reconnect is not a boot: the acceptance carries over */
	s = loop_open("CS1", OCPP_201);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	loop_send(s, "[2,\"h2\",\"Heartbeat\",{}]");
	loop_turn();
	EXPECT(s, "[3,\"h2\",{\"currentTime\":\"" NOW "\"}]");
	down();
}

/* A frame that fails after writing is undone to its own savepoint; another
 * pile's frame of the same turn commits. */
static void t_savepoint_isolation(void)
{
	static const char st16[] = "[2,\"x\",\"StatusNotification\",{\"connectorId\":1,"
				   "\"errorCode\":\"NoError\",\"status\":\"Available\"}]";
	struct ws_session *a, *b;
	struct connector_row row;
	int64_t n = -1;

	up(0);
	a = booted("CPA", OCPP_16);
	b = booted("CPB", OCPP_16);
	wrap_store("CPB");
	fail_conn = 1;
	loop_send(a, st16);
	loop_send(b, st16);
	loop_send(a, "[2,\"y\",\"Heartbeat\",{}]");
	loop_turn();
	EXPECT(a, "[3,\"x\",{}]", "[3,\"y\",{\"currentTime\":\"" NOW "\"}]");
	EXPECT(b, "[4,\"x\",\"GenericError\",\"domain_status: conflict\",{}]");
	CU_ASSERT_EQUAL(store_connector_get(le.env.store, "CPA", 1, 1, &row), GW_OK);
	CU_ASSERT_EQUAL(store_connector_get(le.env.store, "CPB", 1, 1, &row), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_connector_history_count(le.env.store, "CPB", 1, 1, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_FALSE(loop_is_closing(b));
	/* the raw frames of both piles are evidence and stay */
	CU_ASSERT_EQUAL(store_frames_verify(le.env.store, "CPB", &n), GW_OK);
	CU_ASSERT_TRUE(n >= 3); /* boot in + out, status in + out */
	down();
}

/* PROTOCOL.md 1.4 rule 3: a storage failure on a transaction message closes
 * the connection (the pile keeps the message queued) - no CALLERROR, no
 * CALLRESULT; the other pile's frame of the same turn is answered. */
static void t_tx_store_failure_closes(void)
{
	struct ws_session *a, *b, *c;
	struct tx_row tx;

	up(0);
	a = booted("CPA", OCPP_16);
	b = booted("CPB", OCPP_16);
	wrap_store("CPB");
	fail_tx = 1;
	loop_send(b, "[2,\"s1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\","
		     "\"meterStart\":100,\"timestamp\":\"2025-11-25T18:00:00Z\"}]");
	loop_send(a, "[2,\"s1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\","
		     "\"meterStart\":5,\"timestamp\":\"2025-11-25T18:00:00Z\"}]");
	CU_ASSERT_TRUE(loop_is_closing(b));
	CU_ASSERT_EQUAL(loop_close_status(b), 1011);
	CU_ASSERT_EQUAL(loop_send(b, "[2,\"h\",\"Heartbeat\",{}]"), GW_ECLOSED);
	loop_turn();
	EXPECT_NONE(b);
	CU_ASSERT_TRUE(loop_is_gone(b));
	EXPECT(a, "[3,\"s1\",{\"transactionId\":1,\"idTagInfo\":{\"status\":\"Accepted\"}}]");
	CU_ASSERT_EQUAL(store_tx_get(le.env.store, 1, &tx), GW_OK);
	CU_ASSERT_STRING_EQUAL(tx.pile, "CPA");

	/* 2.0.1 TransactionEvent, same rule */
	c = booted("CPB", OCPP_201); /* CPB is back, on 2.0.1 */
	loop_send(c, "[2,\"t1\",\"TransactionEvent\",{\"eventType\":\"Started\",\"timestamp\":"
		     "\"2025-11-25T18:00:00Z\",\"triggerReason\":\"Authorized\",\"seqNo\":0,"
		     "\"transactionInfo\":{\"transactionId\":\"T1\"}}]");
	loop_turn();
	EXPECT_NONE(c);
	CU_ASSERT_TRUE(loop_is_gone(c));
	CU_ASSERT_EQUAL(loop_close_status(c), 1011);
	/* once storage is back the resent message is taken */
	fail_tx = 0;
	c = loop_open("CPB", OCPP_201);
	loop_send(c, "[2,\"t2\",\"TransactionEvent\",{\"eventType\":\"Started\",\"timestamp\":"
		     "\"2025-11-25T18:00:00Z\",\"triggerReason\":\"Authorized\",\"seqNo\":0,"
		     "\"transactionInfo\":{\"transactionId\":\"T1\"}}]");
	loop_turn();
	EXPECT(c, "[3,\"t2\",{}]");
	CU_ASSERT_EQUAL(store_tx_get_by_pile_tx(le.env.store, "CPB", "T1", &tx), GW_OK);
	down();
}

/* A failed group commit acknowledges nothing of the turn: every pile of the
 * turn is closed and resends; a broken store stops the loop. */
static void t_commit_failure(void)
{
	struct ws_session *a, *b;
	struct tx_row tx;

	up(0);
	a = booted("CPA", OCPP_16);
	b = booted("CPB", OCPP_201);
	wrap_store("-");
	fail_commit = 1;
	loop_send(a, "[2,\"s1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\","
		     "\"meterStart\":100,\"timestamp\":\"2025-11-25T18:00:00Z\"}]");
	loop_send(b, "[2,\"h\",\"Heartbeat\",{}]");
	loop_turn();
	EXPECT_NONE(a);
	EXPECT_NONE(b);
	CU_ASSERT_TRUE(loop_is_gone(a));
	CU_ASSERT_TRUE(loop_is_gone(b));
	CU_ASSERT_EQUAL(loop_close_status(a), 1011);
	CU_ASSERT_EQUAL(store_tx_get(le.env.store, 1, &tx), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(loop_stop_requests(), 0);
	CU_ASSERT_FALSE(store_in_batch(le.env.store));

	/* the pile resends after reconnecting: same answer as the first time */
	a = loop_open("CPA", OCPP_16);
	loop_send(a, "[2,\"s2\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\","
		     "\"meterStart\":100,\"timestamp\":\"2025-11-25T18:00:00Z\"}]");
	loop_turn();
	EXPECT(a, "[3,\"s2\",{\"transactionId\":1,\"idTagInfo\":{\"status\":\"Accepted\"}}]");

	/* an I/O failure marks the store broken: the loop is asked to stop */
	fail_commit = fail_commit_broken = 1;
	loop_send(a, "[2,\"h\",\"Heartbeat\",{}]");
	loop_turn();
	EXPECT_NONE(a);
	CU_ASSERT_EQUAL(loop_stop_requests(), 1);
	le.env.store->broken = 0;
	down();
}

/* Server CALLs: one outstanding at a time, each after the reply of the frame
 * that queued it; answers are matched by id, stray answers ignored. */
static void t_commands(void)
{
	struct ws_session *s;
	struct loop_msg *m;

	up(1);
	s = loop_open("CP1", OCPP_16);
	loop_send(s, BOOT16);
	loop_turn();
	EXPECT(s, BOOT16_OK,
	       "[2,\"0000000000000000-1\",\"ChangeConfiguration\",{\"key\":\"MeterValueSampleInterval\","
	       "\"value\":\"60\"}]");
	loop_send(s, "[3,\"nobody\",{\"status\":\"Accepted\"}]");
	loop_turn();
	EXPECT_NONE(s); /* still waiting for -1 */
	loop_send(s, "[3,\"0000000000000000-1\",{\"status\":\"Accepted\"}]");
	loop_turn();
	m = loop_take_sent(s);
	CU_ASSERT_EQUAL(loop_msgs_count(m), 1);
	CU_ASSERT_TRUE(m && strstr(m->text, "[2,\"0000000000000000-2\",\"ChangeConfiguration\""));
	loop_msgs_free(m);
	loop_send(s, "[4,\"0000000000000000-2\",\"NotSupported\",\"\",{}]");
	loop_turn();
	m = loop_take_sent(s);
	CU_ASSERT_EQUAL(loop_msgs_count(m), 1);
	CU_ASSERT_TRUE(m && strstr(m->text, "[2,\"0000000000000000-3\","));
	loop_msgs_free(m);
	/* a pile CALL crossing ours is answered; ours stays outstanding */
	loop_send(s, "[2,\"h\",\"Heartbeat\",{}]");
	loop_turn();
	EXPECT(s, "[3,\"h\",{\"currentTime\":\"" NOW "\"}]");
	/* the pile goes away with a call outstanding and one queued: nothing
	 * leaks, nothing is sent (ASan checks the first half) */
	loop_peer_close(s);
	loop_turn();
	EXPECT_NONE(s);
	down();
}

/* The pile drops with replies parked: they are dropped, the turn still
 * commits what the frames wrote. */
static void t_close_with_parked_replies(void)
{
	struct ws_session *s;
	struct tx_row tx;

	up(0);
	s = booted("CP1", OCPP_16);
	loop_send(s, "[2,\"s1\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\","
		     "\"meterStart\":100,\"timestamp\":\"2025-11-25T18:00:00Z\"}]");
	loop_peer_close(s);
	loop_turn();
	EXPECT_NONE(s);
	CU_ASSERT_EQUAL(store_tx_get(le.env.store, 1, &tx), GW_OK);
	CU_ASSERT_EQUAL(transport_session_count(le.loop), 0);
	down();
}

/* rpc.h: a broken CALLRESULT or CALLERROR is logged and dropped - an answer
 * is never answered (OCPP-J 4.1); found by the fuzzer (tests/fuzz/README.md,
 * finding 1, fixed). */
static void t_broken_answer_not_answered(void)
{
	struct ws_session *s, *t;

	up(0);
	s = booted("CP1", OCPP_16);
	t = booted("CS2", OCPP_201);
	loop_send(s, "[3,\"zz\",\"x\"]");
	loop_send(s, "[4,\"zz\",\"GenericError\"]");
	loop_send(t, "[3,\"zz\",null]");
	loop_turn();
	EXPECT_NONE(s);
	EXPECT_NONE(t);
	down();
}

int main(void)
{
	static CU_TestInfo tests[] = {
		{"persist, then reply", t_persist_then_reply},
		{"group commit", t_group_commit},
		{"abuse list 1.6", t_abuse_16},
		{"abuse list 2.0.1 and boot gate", t_abuse_201},
		{"savepoint isolation", t_savepoint_isolation},
		{"tx storage failure closes", t_tx_store_failure_closes},
		{"commit failure", t_commit_failure},
		{"server calls", t_commands},
		{"close with parked replies", t_close_with_parked_replies},
		{"broken answer is not answered", t_broken_answer_not_answered},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"loopback", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	unsigned failed;

	if (loop_schemas_load(NULL, &g16, &g201) != GW_OK)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	schema_set_free(g16);
	schema_set_free(g201);
	gw_clock_set_fake(0);
	return failed ? 1 : 0;
}
