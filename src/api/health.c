/* SPDX-License-Identifier: MIT
 *
 * health.c - GET /healthz (no token: is the store answering, how many piles
 * are online) and GET /metrics (Prometheus text exposition 0.0.4).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "core/dispatch.h"
#include "core/env.h"
#include "core/metrics_actions.h"
#include "rpc/action.h"
#include "store/store_api.h"
#include "transport/transport.h"

int api_healthz(struct api_ctx *c)
{
	int store_ok = store_api_ping(c->env->store) == GW_OK;

	c->body = json_object_new_object();
	api_add_str(c->body, "status", store_ok ? "ok" : "degraded");
	api_add_str(c->body, "store", store_ok ? "ok" : "unavailable");
	api_add_i64(c->body, "piles_online", (int64_t)transport_session_count(c->env->transport));
	c->status = store_ok ? 200 : 503;
	return GW_OK;
}

/* A growing text buffer for the exposition; lives for one request. */
struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if (t->buf && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
		char *nb = gw_realloc(t->buf, cap);
		if (!nb) {
			t->failed = 1;
			return;
		}
		t->buf = nb;
		t->cap = cap;
	}
}

/* Refunded money by case state and currency, webhook deliveries by state
 * and their failed attempts (store sums over refund_cases and outbox). */
static int metrics_money_and_hooks(struct api_ctx *c, struct text *t)
{
	struct store_money_sum m[32];
	struct store_outbox_counts oc;
	size_t n = 0;
	int rc;

	if ((rc = store_refund_sums(c->env->store, m, 32, &n)) != GW_OK ||
	    (rc = store_outbox_counts(c->env->store, &oc)) != GW_OK)
		return rc;
	put(t, "# HELP ocppgw_refund_amount_minor Refund money of approved cases and further,"
	       " in minor units, by case state and currency.\n"
	       "# TYPE ocppgw_refund_amount_minor gauge\n");
	for (size_t i = 0; i < n; i++)
		put(t, "ocppgw_refund_amount_minor{state=\"%s\",currency=\"%s\"} %" PRId64 "\n",
		    m[i].state, m[i].currency, m[i].amount_minor);
	put(t, "# HELP ocppgw_refund_cases_decided Cases approved or further, by state and currency.\n"
	       "# TYPE ocppgw_refund_cases_decided gauge\n");
	for (size_t i = 0; i < n; i++)
		put(t, "ocppgw_refund_cases_decided{state=\"%s\",currency=\"%s\"} %" PRId64 "\n",
		    m[i].state, m[i].currency, m[i].cases);
	put(t, "# HELP ocppgw_webhook_deliveries Outbox rows by delivery state.\n"
	       "# TYPE ocppgw_webhook_deliveries gauge\n");
	for (int s = OUTBOX_PENDING; s <= OUTBOX_DEAD; s++)
		put(t, "ocppgw_webhook_deliveries{state=\"%s\"} %" PRId64 "\n",
		    store_outbox_state_name((enum outbox_state)s), oc.rows[s]);
	put(t, "# HELP ocppgw_webhook_failed_attempts_total Delivery attempts that did not deliver.\n"
	       "# TYPE ocppgw_webhook_failed_attempts_total counter\n"
	       "ocppgw_webhook_failed_attempts_total %" PRId64 "\n"
	       "# HELP ocppgw_webhook_retrying Pending deliveries that failed at least once.\n"
	       "# TYPE ocppgw_webhook_retrying gauge\nocppgw_webhook_retrying %" PRId64 "\n",
	    oc.failed_attempts, oc.retrying);
	return GW_OK;
}

/* Inbound CALLs and our commands by version, action (the table row) and
 * result; only the series that counted something. */
static void metrics_actions(struct api_ctx *c, struct text *t, const struct dispatch_stats *ds)
{
	static const char *const in_names[DISPATCH_IN_RESULTS] = { "ok", "error" };
	static const char *const cmd_names[DISPATCH_CMD_OUTCOMES] = {
		"accepted", "rejected", "error", "timeout", "closed",
	};
	static const struct { enum ocpp_version v; const char *name; const struct action_table *t; }
	vers[] = { { OCPP_16, "1.6", &v16_actions }, { OCPP_201, "2.0.1", &v201_actions } };
	const struct dispatch_action_stats *a;
	size_t n;

	put(t, "# HELP ocppgw_frames_malformed_total Inbound frames that were not OCPP-J.\n"
	       "# TYPE ocppgw_frames_malformed_total counter\nocppgw_frames_malformed_total %" PRIu64 "\n"
	       "# HELP ocppgw_calls_unknown_action_total Pile CALLs of an action no table knows.\n"
	       "# TYPE ocppgw_calls_unknown_action_total counter\n"
	       "ocppgw_calls_unknown_action_total %" PRIu64 "\n",
	    ds->frames_malformed, ds->calls_unknown);
	put(t, "# HELP ocppgw_frames_in_total Pile CALLs by version, action and our answer.\n"
	       "# TYPE ocppgw_frames_in_total counter\n");
	for (size_t i = 0; c->env->dispatch && i < sizeof(vers) / sizeof(vers[0]); i++) {
		a = dispatch_action_stats(c->env->dispatch, vers[i].v, &n);
		for (size_t r = 0; r < n && r < vers[i].t->n_rows; r++)
			for (int k = 0; k < DISPATCH_IN_RESULTS; k++)
				if (a[r].in[k])
					put(t, "ocppgw_frames_in_total{version=\"%s\",action=\"%s\","
					       "result=\"%s\"} %" PRIu64 "\n",
					    vers[i].name, vers[i].t->rows[r].name, in_names[k], a[r].in[k]);
	}
	put(t, "# HELP ocppgw_callerrors_out_total CALLERRORs we answered pile CALLs with, by "
	       "version, action (\"(unknown)\": no such action, or no parse) and error code.\n"
	       "# TYPE ocppgw_callerrors_out_total counter\n");
	for (size_t i = 0; c->env->dispatch && i < sizeof(vers) / sizeof(vers[0]); i++) {
		const char *const *codes;
		size_t n_codes;
		const uint64_t *m = dispatch_error_stats(c->env->dispatch, vers[i].v, &n, &codes,
							 &n_codes);

		for (size_t r = 0; m && r <= n && r <= vers[i].t->n_rows; r++)
			for (size_t k = 0; k < n_codes; k++)
				if (m[r * n_codes + k])
					put(t, "ocppgw_callerrors_out_total{version=\"%s\",action=\"%s\","
					       "code=\"%s\"} %" PRIu64 "\n", vers[i].name,
					    r < n ? vers[i].t->rows[r].name : "(unknown)", codes[k],
					    m[r * n_codes + k]);
	}
	put(t, "# HELP ocppgw_commands_total Our commands to piles by version, action and outcome.\n"
	       "# TYPE ocppgw_commands_total counter\n");
	for (size_t i = 0; c->env->dispatch && i < sizeof(vers) / sizeof(vers[0]); i++) {
		a = dispatch_action_stats(c->env->dispatch, vers[i].v, &n);
		for (size_t r = 0; r < n && r < vers[i].t->n_rows; r++)
			for (int k = 0; k < DISPATCH_CMD_OUTCOMES; k++)
				if (a[r].cmd[k])
					put(t, "ocppgw_commands_total{version=\"%s\",action=\"%s\","
					       "outcome=\"%s\"} %" PRIu64 "\n",
					    vers[i].name, vers[i].t->rows[r].name, cmd_names[k], a[r].cmd[k]);
	}
}

int api_metrics(struct api_ctx *c)
{
	struct dispatch_stats ds;
	struct store_stats ss;
	struct store_case_count cc[64];
	int64_t orders[ORDER_STATE_COUNT];
	struct text t = { 0 };
	size_t n = 0;
	int rc;

	memset(&ds, 0, sizeof(ds));
	if (c->env->dispatch)
		dispatch_stats_get(c->env->dispatch, &ds);
	store_stats_get(c->env->store, &ss);
	if ((rc = store_api_open_case_counts(c->env->store, cc, 64, &n)) != GW_OK ||
	    (rc = store_api_order_state_counts(c->env->store, orders)) != GW_OK)
		return rc;
	put(&t, "# HELP ocppgw_piles_online Charge points with a live session.\n"
		"# TYPE ocppgw_piles_online gauge\nocppgw_piles_online %zu\n",
	    transport_session_count(c->env->transport));
	put(&t, "# HELP ocppgw_frames_total OCPP-J frames by direction.\n"
		"# TYPE ocppgw_frames_total counter\n"
		"ocppgw_frames_total{direction=\"in\"} %" PRIu64 "\n"
		"ocppgw_frames_total{direction=\"out\"} %" PRIu64 "\n",
	    ds.frames_in, ds.frames_out);
	put(&t, "# HELP ocppgw_frames_quiet_total Accepted Heartbeats: counted in frames_total, but"
		" neither they nor their answers are written to the raw frame log (piles.last_seen_ms is"
		" their trace).\n"
		"# TYPE ocppgw_frames_quiet_total counter\nocppgw_frames_quiet_total %" PRIu64 "\n",
	    ds.frames_quiet);
	put(&t, "# HELP ocppgw_pile_calls_total CALLs from piles by result.\n"
		"# TYPE ocppgw_pile_calls_total counter\n"
		"ocppgw_pile_calls_total{result=\"ok\"} %" PRIu64 "\n"
		"ocppgw_pile_calls_total{result=\"error\"} %" PRIu64 "\n",
	    ds.calls_ok, ds.calls_error);
	metrics_actions(c, &t, &ds);
	put(&t, "# HELP ocppgw_store_commits_total Successful store commits.\n"
		"# TYPE ocppgw_store_commits_total counter\nocppgw_store_commits_total %" PRIu64 "\n"
		"# HELP ocppgw_store_commit_seconds Commit latency.\n"
		"# TYPE ocppgw_store_commit_seconds summary\n"
		"ocppgw_store_commit_seconds_sum %.6f\nocppgw_store_commit_seconds_count %" PRIu64 "\n"
		"# HELP ocppgw_store_commit_seconds_max Slowest commit since start.\n"
		"# TYPE ocppgw_store_commit_seconds_max gauge\nocppgw_store_commit_seconds_max %.6f\n",
	    ss.commits, (double)ss.commit_us_total / 1e6, ss.commits, (double)ss.commit_us_max / 1e6);
	put(&t, "# HELP ocppgw_store_errors_total Store operations that failed.\n"
		"# TYPE ocppgw_store_errors_total counter\nocppgw_store_errors_total %" PRIu64 "\n"
		"# HELP ocppgw_commits_failed_total Group commits that failed.\n"
		"# TYPE ocppgw_commits_failed_total counter\nocppgw_commits_failed_total %" PRIu64 "\n",
	    ss.errors, ds.commits_failed);
	put(&t, "# HELP ocppgw_orders Orders by state.\n# TYPE ocppgw_orders gauge\n");
	for (int s = 0; s < ORDER_STATE_COUNT; s++)
		put(&t, "ocppgw_orders{state=\"%s\"} %" PRId64 "\n",
		    store_order_state_name((enum order_state)s), orders[s]);
	put(&t, "# HELP ocppgw_refund_cases_open Refund cases awaiting a decision.\n"
		"# TYPE ocppgw_refund_cases_open gauge\n");
	for (size_t i = 0; i < n; i++)
		put(&t, "ocppgw_refund_cases_open{rule=\"%s\",tier=\"%c\"} %" PRId64 "\n", cc[i].rule,
		    cc[i].tier ? cc[i].tier : '?', cc[i].count);
	if ((rc = metrics_money_and_hooks(c, &t)) != GW_OK) {
		gw_free(t.buf);
		return rc;
	}
	if (t.failed) {
		gw_free(t.buf);
		return GW_ENOMEM;
	}
	c->text = t.buf;
	c->text_type = "text/plain; version=0.0.4";
	return GW_OK;
}
