/* SPDX-License-Identifier: MIT
 *
 * test_disputes.c - the inbound partner endpoint (api/disputes.c) over a
 * real in-memory store, the real domain and the real event sink: signature
 * checks (unknown partner, missing, forged, stale), envelope and data
 * errors, de-duplicated event ids, a new manual case, a link to an open
 * case, no second refund of money already refunded, evidence, withdrawal,
 * and dispute.resolved when the case is decided.  The handler is called
 * directly (no route row, no socket) with the two header values.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "api/api_int.h"
#include "common/gw_err.h"
#include "config.h"
#include "core/env.h"
#include "core/events.h"
#include "domain/dispute.h"
#include "domain/domain.h"
#include "domain/events.h"
#include "hooks/hooks.h"
#include "store/store_sqlite_int.h"

#define SECRET_APP "whsec-app-0123456789abcdef"
#define SECRET_MAP "whsec-map-0123456789abcdef"
#define MIN_MS (60 * 1000LL)

static struct gw_config cfg;
static struct gw_env env;
static struct event_sink sink;
static int64_t frame_seq = 1;

static void add_partner(const char *name, const char *secret, const char *prefix)
{
	struct gw_partner *p = &cfg.partners[cfg.n_partners++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->url, sizeof(p->url), "http://127.0.0.1:1/hook");
	snprintf(p->secret, sizeof(p->secret), "%s", secret);
	snprintf(p->token_prefixes, sizeof(p->token_prefixes), "%s", prefix);
}

static void setup(void)
{
	struct pile_row p;
	struct tariff *t;

	memset(&env, 0, sizeof(env));
	config_defaults(&cfg);
	cfg.accept_all_tokens = 1;
	add_partner("app", SECRET_APP, "APP");
	add_partner("map", SECRET_MAP, "MAP");
	t = &cfg.tariffs[0].t;
	t->periods[0].energy_per_kwh_e4 = 3000;
	t->periods[0].service_per_kwh_e4 = 500;
	t->periods[0].time_per_hour_e4 = 12000;
	env.cfg = &cfg;
	CU_ASSERT_EQUAL_FATAL(store_sqlite_open(":memory:", 1000, &env.store), GW_OK);
	memset(&p, 0, sizeof(p));
	snprintf(p.identity, sizeof(p.identity), "CP1");
	p.reg_status = REG_ACCEPTED;
	p.first_seen_ms = 1;
	CU_ASSERT_EQUAL_FATAL(store_pile_insert(env.store, &p), GW_OK);
	CU_ASSERT_EQUAL_FATAL(domain_new(env.store, &cfg, &env.domain), GW_OK);
	events_sink_init(&env, &sink);
	domain_set_sink(env.domain, &sink);
}

static void teardown(void)
{
	domain_free(env.domain);
	store_close(env.store);
	config_cleanup(&cfg);
	memset(&env, 0, sizeof(env));
}

static long long count(const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(sq(env.store)->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void tx(enum tx_event_kind kind, const char *tag, int64_t tx_id, int64_t wh, int64_t at_ms,
	       struct tx_result *res)
{
	struct domain_src src = { "CP1", "m1", frame_seq++, at_ms };
	struct tx_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq_no = -1;
	ev.reservation_id = -1;
	ev.remote_start_id = -1;
	ev.plugged = PLUG_UNKNOWN;
	ev.kind = kind;
	ev.evse_id = ev.connector_id = 1;
	ev.tx_id = tx_id;
	snprintf(ev.id_token, sizeof(ev.id_token), "%s", tag);
	ev.have_meter = 1;
	ev.meter_wh = wh;
	ev.pile_ms = at_ms;
	if (kind == TX_ENDED)
		strcpy(ev.stop_reason, "Local");
	CU_ASSERT_EQUAL_FATAL(store_begin(env.store), GW_OK);
	CU_ASSERT_EQUAL_FATAL(domain_tx_event(env.domain, &src, &ev, res), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_commit(env.store), GW_OK);
}

/* A 30-minute 1.6 session of tag without any plug evidence: billed time
 * fee, NO_PLUG_BILLED tier A, auto-approved (refunding). */
static void session(const char *tag, struct order_row *o, struct case_row *cr)
{
	int64_t t0 = (int64_t)time(NULL) * 1000 - 60 * MIN_MS;
	struct tx_result res;
	size_t n = 0;

	tx(TX_STARTED, tag, 0, 1000, t0, &res);
	tx(TX_ENDED, tag, res.tx_id, 1010, t0 + 30 * MIN_MS, &res); /* past free cancel */
	CU_ASSERT_EQUAL_FATAL(store_order_get_by_tx(env.store, res.tx_id, o), GW_OK);
	CU_ASSERT_FATAL(o->amount_minor > 0);
	CU_ASSERT_EQUAL_FATAL(store_case_list_by_order(env.store, o->id, cr, 1, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(cr->state, CASE_AUTO_APPROVED);
}

static void set_case_state(struct case_row *cr, enum case_state s)
{
	cr->state = s;
	cr->auto_approved = s == CASE_AUTO_APPROVED;
	CU_ASSERT_EQUAL_FATAL(store_case_update(env.store, cr), GW_OK);
}

/* POST as partner with the body; ts_off_s shifts the timestamp; secret
 * NULL sends no signature.  Returns the handler's code; *out the body
 * (owned) or NULL. */
static int post(const char *partner, const char *secret, int ts_off_s, const char *body,
		struct json_object **out, char *msg, size_t msg_size)
{
	struct http_request rq;
	struct api_ctx c;
	char ts[24], sig[HOOK_SIG_HEX_LEN + 1];
	int64_t now = (int64_t)time(NULL) + ts_off_s;
	int rc;

	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.path = "/v1/partners/x/disputes";
	rq.query = rq.authorization = rq.content_type = "";
	rq.peer = "127.0.0.1";
	rq.body = body;
	rq.body_len = strlen(body);
	memset(&c, 0, sizeof(c));
	c.env = &env;
	c.rq = &rq;
	c.status = 200;
	snprintf(c.param[0], sizeof(c.param[0]), "%s", partner);
	c.n_param = 1;
	snprintf(ts, sizeof(ts), "%" PRId64, now);
	if (secret)
		CU_ASSERT_EQUAL_FATAL(hook_sign(secret, now, body, strlen(body), sig), GW_OK);
	rc = api_dispute_receive(&c, secret ? ts : NULL, secret ? sig : NULL);
	if (msg)
		snprintf(msg, msg_size, "%s", c.msg);
	if (out)
		*out = c.body;
	else if (c.body)
		json_object_put(c.body);
	return rc;
}

static char body_buf[2048];

static const char *opened(const char *event_id, const char *dispute_id, const char *number,
			  int64_t amount, const char *exec)
{
	snprintf(body_buf, sizeof(body_buf),
		 "{\"event_id\":\"%s\",\"event_type\":\"dispute.opened\","
		 "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"data\":{\"dispute_id\":\"%s\","
		 "\"order_number\":\"%s\",\"reason\":\"driver says never plugged\","
		 "\"amount_minor\":%" PRId64 ",\"executed_by\":\"%s\"}}",
		 event_id, dispute_id, number, amount, exec);
	return body_buf;
}

static const char *str_at(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, a, &v))
		return "";
	if (b && !json_object_object_get_ex(v, b, &v))
		return "";
	return json_object_get_string(v) ? json_object_get_string(v) : "";
}

static long long outbox(const char *type)
{
	char sql[200];

	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox WHERE partner = 'app' AND event_type = '%s'", type);
	return count(sql);
}

/* ---- tests ------------------------------------------------------------- */

static void test_signature(void)
{
	struct order_row o;
	struct case_row cr;
	char msg[200];

	setup();
	session("APP-1", &o, &cr);
	opened("e1", "D1", o.number, 5, "partner");
	CU_ASSERT_EQUAL(post("nobody", SECRET_APP, 0, body_buf, NULL, msg, sizeof(msg)), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(post("app", NULL, 0, body_buf, NULL, msg, sizeof(msg)), GW_EAUTH);
	CU_ASSERT_EQUAL(post("app", SECRET_MAP, 0, body_buf, NULL, msg, sizeof(msg)), GW_EAUTH);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, -600, body_buf, NULL, msg, sizeof(msg)), GW_EAUTH);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "timestamp"));
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 600, body_buf, NULL, msg, sizeof(msg)), GW_EAUTH);
	/* nothing of the refused requests was kept */
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM dispute_inbox"), 0);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM disputes"), 0);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, -60, body_buf, NULL, msg, sizeof(msg)), GW_OK);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM disputes"), 1);
	teardown();
}

static void test_bad_bodies(void)
{
	struct order_row o, o2;
	struct case_row cr, cr2;
	int status;
	const char *code;

	setup();
	session("APP-1", &o, &cr);
	session("MAP-1", &o2, &cr2);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, "{nope", NULL, NULL, 0), GW_EFORMAT);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, "[]", NULL, NULL, 0), GW_ETYPE);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0,
			     "{\"event_type\":\"dispute.opened\",\"occurred_at\":\"2024-01-01T00:00:00Z\","
			     "\"data\":{}}", NULL, NULL, 0), GW_EOCCURRENCE);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0,
			     "{\"event_id\":\"x\",\"event_type\":\"dispute.lost\","
			     "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"data\":{}}", NULL, NULL, 0),
			GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0,
			     "{\"event_id\":\"x\",\"event_type\":\"dispute.opened\","
			     "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"data\":{\"dispute_id\":\"D\","
			     "\"order_number\":\"1\",\"reason\":\"r\",\"amount_minor\":\"5\","
			     "\"executed_by\":\"partner\"}}", NULL, NULL, 0), GW_ETYPE);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("x", "D", o.number, 5, "nobody"), NULL,
			     NULL, 0), GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("x", "D", o.number, -5, "partner"), NULL,
			     NULL, 0), GW_ECONSTRAINT);
	/* unknown order: a well-formed number of no order */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("x", "D", "not-a-number!", 5, "partner"),
			     NULL, NULL, 0), GW_EINVAL);
	/* another platform's order */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("x", "D", o2.number, 5, "partner"), NULL,
			     NULL, 0), GW_ECONFLICT);
	/* evidence / withdrawal of an unknown dispute */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0,
			     "{\"event_id\":\"y\",\"event_type\":\"dispute.withdrawn\","
			     "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"data\":{\"dispute_id\":\"none\"}}",
			     NULL, NULL, 0), GW_ENOTFOUND);
	/* none of it consumed an event id */
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM dispute_inbox"), 0);
	/* the statuses the error map gives */
	status = api_error_status(GW_EOCCURRENCE, &code);
	CU_ASSERT_EQUAL(status, 400);
	status = api_error_status(GW_ECONSTRAINT, &code);
	CU_ASSERT_EQUAL(status, 422);
	status = api_error_status(GW_EAUTH, &code);
	CU_ASSERT_EQUAL(status, 401);
	status = api_error_status(GW_ECONFLICT, &code);
	CU_ASSERT_EQUAL(status, 409);
	teardown();
}

static void test_new_case_and_replay(void)
{
	struct order_row o;
	struct case_row cr, dc;
	struct case_role_row role;
	struct json_object *ans = NULL;
	long long events;

	setup();
	session("APP-1", &o, &cr);
	set_case_state(&cr, CASE_REJECTED); /* nothing refunded, nothing open */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e1", "D1", o.number, 1000000, "partner"),
			     &ans, NULL, 0), GW_OK);
	CU_ASSERT_STRING_EQUAL(str_at(ans, "dispute", "outcome"), "case_opened");
	json_object_put(ans);
	CU_ASSERT_EQUAL_FATAL(store_case_get_by_rule(env.store, o.id, DISPUTE_RULE, &dc), GW_OK);
	CU_ASSERT_EQUAL(dc.tier, 'C');
	CU_ASSERT_EQUAL(dc.state, CASE_UNDER_REVIEW);
	CU_ASSERT_EQUAL(dc.amount_minor, o.amount_minor); /* capped: never more than charged */
	CU_ASSERT(dc.ack_due_ms > 0 && dc.decide_due_ms > 0);
	CU_ASSERT_EQUAL(dc.manifest_sha256[0] != '\0', 1);
	CU_ASSERT_EQUAL(store_case_role_get(env.store, dc.id, &role), GW_OK);
	CU_ASSERT_STRING_EQUAL(role.owner, "app");
	CU_ASSERT_STRING_EQUAL(role.executed_by, "partner");
	CU_ASSERT_EQUAL(outbox("dispute.acknowledged"), 1);
	CU_ASSERT_EQUAL(outbox("refund_case.opened"), 2); /* the settling's auto case, then ours */
	/* the same event again: 200, duplicate, nothing changes */
	events = count("SELECT COUNT(*) FROM order_events");
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e1", "D1", o.number, 1000000, "partner"),
			     &ans, NULL, 0), GW_OK);
	CU_ASSERT(json_object_get_boolean(json_object_object_get(ans, "duplicate")));
	json_object_put(ans);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM order_events"), events);
	/* the same dispute under a new event id: answered, nothing new */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e2", "D1", o.number, 5, "operator"), NULL,
			     NULL, 0), GW_OK);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM order_events"), events);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM refund_cases"), 2);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM disputes"), 1);
	/* a second dispute on the same order links to the open case, and
	 * the first claim of the roles stays */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e3", "D2", o.number, 5, "operator"), &ans,
			     NULL, 0), GW_OK);
	CU_ASSERT_STRING_EQUAL(str_at(ans, "dispute", "outcome"), "case_linked");
	json_object_put(ans);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM refund_cases"), 2);
	CU_ASSERT_EQUAL(store_case_role_get(env.store, dc.id, &role), GW_OK);
	CU_ASSERT_STRING_EQUAL(role.executed_by, "partner");
	teardown();
}

static void test_no_second_refund(void)
{
	struct order_row o;
	struct case_row cr, after;
	struct json_object *ans = NULL;
	size_t n = 0;

	setup();
	session("APP-1", &o, &cr); /* auto-approved: the whole amount is refunding */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e1", "D1", o.number, 500, "partner"), &ans,
			     NULL, 0), GW_OK);
	CU_ASSERT_STRING_EQUAL(str_at(ans, "dispute", "outcome"), "already_refunded");
	CU_ASSERT_STRING_EQUAL(str_at(ans, "dispute", "state"), "resolved");
	json_object_put(ans);
	CU_ASSERT_EQUAL(store_case_list_by_order(env.store, o.id, &after, 1, &n), GW_OK);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM refund_cases"), 1);
	CU_ASSERT_EQUAL(after.amount_minor, cr.amount_minor);
	CU_ASSERT_STRING_EQUAL(after.manifest_sha256, cr.manifest_sha256);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM disputes WHERE case_id IS NOT NULL"), 1);
	CU_ASSERT_EQUAL(outbox("dispute.acknowledged"), 1);
	CU_ASSERT_EQUAL(outbox("dispute.resolved"), 1);
	CU_ASSERT_EQUAL(outbox("refund_case.opened"), 1); /* the auto case's, from settling */
	/* refunding by a person counts the same */
	set_case_state(&cr, CASE_REFUNDING);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e2", "D2", o.number, 500, "operator"),
			     NULL, NULL, 0), GW_OK);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM refund_cases"), 1);
	teardown();
}

static void test_evidence_withdraw_resolve(void)
{
	struct order_row o;
	struct case_row cr, dc, before;
	struct dispute_row dr;
	const char *ev = "{\"event_id\":\"e2\",\"event_type\":\"dispute.evidence_added\","
			 "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"data\":{\"dispute_id\":\"D1\","
			 "\"kind\":\"photo\",\"evidence\":{\"url\":\"https://x/1.jpg\"}}}";
	const char *wd = "{\"event_id\":\"e3\",\"event_type\":\"dispute.withdrawn\","
			 "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"data\":{\"dispute_id\":\"D1\","
			 "\"reason\":\"driver found the receipt\"}}";

	setup();
	session("APP-1", &o, &cr);
	set_case_state(&cr, CASE_REJECTED);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e1", "D1", o.number, 7, "partner"), NULL,
			     NULL, 0), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_case_get_by_rule(env.store, o.id, DISPUTE_RULE, &before), GW_OK);
	CU_ASSERT_EQUAL(before.amount_minor, 7);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, ev, NULL, NULL, 0), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_case_get(env.store, before.id, &dc), GW_OK);
	CU_ASSERT_STRING_NOT_EQUAL(dc.manifest_sha256, before.manifest_sha256);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM case_evidence WHERE kind = 'photo'"
			      " AND ref = 'D1'"), 1);
	CU_ASSERT_EQUAL(outbox("refund_case.updated"), 1);
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, wd, NULL, NULL, 0), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_case_get(env.store, before.id, &dc), GW_OK);
	CU_ASSERT_EQUAL(dc.state, CASE_REJECTED);
	CU_ASSERT_EQUAL(dc.amount_minor, 0);
	CU_ASSERT_EQUAL(store_dispute_get(env.store, "app", "D1", &dr), GW_OK);
	CU_ASSERT_EQUAL(dr.state, DISPUTE_WITHDRAWN);
	CU_ASSERT_EQUAL(outbox("refund_case.resolved"), 1);
	CU_ASSERT_EQUAL(outbox("dispute.resolved"), 1);
	/* evidence after the withdrawal is refused */
	ev = "{\"event_id\":\"e4\",\"event_type\":\"dispute.evidence_added\","
	     "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"data\":{\"dispute_id\":\"D1\","
	     "\"evidence\":\"late\"}}";
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, ev, NULL, NULL, 0), GW_ECONFLICT);
	teardown();
}

static void test_linked_case_resolved(void)
{
	struct order_row o;
	struct case_row cr;
	struct dispute_row dr;

	setup();
	session("APP-1", &o, &cr);
	set_case_state(&cr, CASE_UNDER_REVIEW); /* an open case of the gateway covers it */
	CU_ASSERT_EQUAL(post("app", SECRET_APP, 0, opened("e1", "D1", o.number, 7, "operator"), NULL,
			     NULL, 0), GW_OK);
	CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM refund_cases"), 1);
	CU_ASSERT_EQUAL(store_dispute_get(env.store, "app", "D1", &dr), GW_OK);
	CU_ASSERT_EQUAL(dr.case_id, cr.id);
	CU_ASSERT_EQUAL(dr.opened_case, 0);
	/* a person decides the case: its disputes are resolved */
	set_case_state(&cr, CASE_APPROVED);
	CU_ASSERT_EQUAL_FATAL(store_begin(env.store), GW_OK);
	CU_ASSERT_EQUAL(dispute_on_case_resolved(env.domain, &cr, (int64_t)time(NULL) * 1000), GW_OK);
	CU_ASSERT_EQUAL_FATAL(store_commit(env.store), GW_OK);
	CU_ASSERT_EQUAL(store_dispute_get(env.store, "app", "D1", &dr), GW_OK);
	CU_ASSERT_EQUAL(dr.state, DISPUTE_RESOLVED);
	CU_ASSERT_EQUAL(outbox("dispute.resolved"), 1);
	teardown();
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("api_disputes", NULL, NULL);
	CU_add_test(s, "signature", test_signature);
	CU_add_test(s, "bad bodies", test_bad_bodies);
	CU_add_test(s, "new case, replayed event", test_new_case_and_replay);
	CU_add_test(s, "no second refund", test_no_second_refund);
	CU_add_test(s, "evidence, withdrawal", test_evidence_withdraw_resolve);
	CU_add_test(s, "linked case resolved", test_linked_case_resolved);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
