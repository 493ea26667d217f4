/* SPDX-License-Identifier: MIT
 *
 * routes.c - the route table of the operator API, matching, and the one
 * entry every request goes through (api_on_request): route -> token ->
 * scope -> handler -> answer or error map.  Adding an endpoint = adding a
 * row here, a handler in its resource file, and its path in
 * docs/openapi.yaml (tests/unit/api checks every row is there).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/env.h"

const struct api_route api_routes[] = {
	{ "GET", "/healthz", api_healthz, 0 },
	{ "GET", "/metrics", api_metrics, GW_SCOPE_READ },
	{ "GET", "/v1/piles", api_piles_list, GW_SCOPE_READ },
	{ "POST", "/v1/piles", api_pile_create, GW_SCOPE_OPERATE },
	{ "GET", "/v1/piles/{id}", api_pile_get, GW_SCOPE_READ },
	{ "PATCH", "/v1/piles/{id}", api_pile_patch, GW_SCOPE_OPERATE },
	{ "DELETE", "/v1/piles/{id}", api_pile_delete, GW_SCOPE_OPERATE },
	{ "POST", "/v1/piles/{id}/password", api_pile_password, GW_SCOPE_OPERATE },
	{ "POST", "/v1/piles/{id}/commands/{action}", api_command_send, GW_SCOPE_OPERATE },
	{ "GET", "/v1/orders", api_orders_list, GW_SCOPE_READ },
	{ "GET", "/v1/orders/{number}", api_order_get, GW_SCOPE_READ },
	{ "POST", "/v1/orders/{number}/stop", api_order_stop, GW_SCOPE_OPERATE },
	{ "POST", "/v1/orders/{number}/force-close", api_order_force_close, GW_SCOPE_OPERATE },
	{ "POST", "/v1/orders/{number}/cancel", api_order_cancel, GW_SCOPE_OPERATE },
	{ "GET", "/v1/work-orders/{number}", api_work_order_get, GW_SCOPE_READ },
	{ "GET", "/v1/refund-cases", api_cases_list, GW_SCOPE_READ },
	{ "GET", "/v1/refund-cases/{id}", api_case_get, GW_SCOPE_READ },
	{ "POST", "/v1/refund-cases/{id}/decision", api_case_decide, GW_SCOPE_REVIEW },
	{ "POST", "/v1/refund-cases/{id}/confirm", api_case_confirm, GW_SCOPE_REVIEW },
	{ "POST", "/v1/orders/{number}/appeal", api_order_appeal, GW_SCOPE_REVIEW },
	{ "GET", "/v1/id-tokens", api_tokens_list, GW_SCOPE_READ },
	{ "POST", "/v1/id-tokens", api_token_create, GW_SCOPE_OPERATE },
	{ "PATCH", "/v1/id-tokens/{id}", api_token_patch, GW_SCOPE_OPERATE },
	{ "POST", "/v1/partners/{name}/disputes", api_dispute_post, 0 }, /* signed, no token */
	{ "GET", "/v1/deliveries/dead", api_dead_list, GW_SCOPE_READ },
	{ "POST", "/v1/deliveries/{id}/retry", api_dead_retry, GW_SCOPE_OPERATE },
};
const size_t api_n_routes = sizeof(api_routes) / sizeof(api_routes[0]);

/* 1 if path matches pattern segment by segment; {x} takes one non-empty
 * segment into param[]. */
static int match(const char *pattern, const char *path, char param[API_MAX_PARAMS][API_PARAM_MAX],
		 int *n_param)
{
	const char *p = pattern, *s = path;

	*n_param = 0;
	while (*p && *s) {
		if (*p == '{') {
			size_t n = strcspn(s, "/");
			const char *close = strchr(p, '}');

			if (!close || n == 0 || n >= API_PARAM_MAX || *n_param >= API_MAX_PARAMS)
				return 0;
			memcpy(param[*n_param], s, n);
			param[(*n_param)++][n] = '\0';
			p = close + 1;
			s += n;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return !*p && !*s;
}

int api_route_match(const char *method, const char *path, const struct api_route **out,
		    char param[API_MAX_PARAMS][API_PARAM_MAX], int *n_param)
{
	int path_seen = 0;

	for (size_t i = 0; i < api_n_routes; i++) {
		if (!match(api_routes[i].pattern, path, param, n_param))
			continue;
		path_seen = 1;
		if (!strcmp(api_routes[i].method, method)) {
			*out = &api_routes[i];
			return GW_OK;
		}
	}
	*n_param = 0;
	return path_seen ? GW_ENOTSUPP : GW_ENOTFOUND;
}

static void answer(struct api_ctx *c)
{
	if (c->text) {
		http_reply(c->req, c->status, c->text_type, c->text, strlen(c->text), NULL);
		return;
	}
	api_reply_json(c->req, c->status, c->body);
}

static void on_request(void *arg, struct http_req *r, const struct http_request *rq)
{
	struct api_ctx c;
	const struct api_route *route = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	c.env = arg;
	c.req = r;
	c.rq = rq;
	c.status = 200;
	rc = api_route_match(rq->method, rq->path, &route, c.param, &c.n_param);
	if (rc == GW_OK && route->scope) {
		rc = api_auth(c.env, rq->authorization, &c.token);
		if (rc == GW_OK && !(c.token->scopes & route->scope)) {
			gw_log(GW_LOG_NOTICE, "api peer=%s token=%s %s %s: scope missing", rq->peer,
			       c.token->name, rq->method, rq->path);
			rc = api_fail(&c, GW_ESECURITY, "this token lacks the scope %s",
				      route->scope == GW_SCOPE_OPERATE ? "operate" :
				      route->scope == GW_SCOPE_REVIEW	 ? "review" : "read");
		} else if (rc != GW_OK) {
			gw_log(GW_LOG_NOTICE, "api peer=%s %s %s: no valid bearer token", rq->peer,
			       rq->method, rq->path);
		}
	} else if (rc == GW_ENOTSUPP) {
		api_fail(&c, rc, "method %s not allowed on %s", rq->method, rq->path);
	} else if (rc == GW_ENOTFOUND) {
		api_fail(&c, rc, "no such resource: %s", rq->path);
	}
	if (rc == GW_OK)
		rc = route->handler(&c);
	if (rc == GW_OK)
		answer(&c);
	else if (rc != API_DEFERRED)
		api_reply_error(r, rc, c.msg);
	if (c.body)
		json_object_put(c.body);
	gw_free(c.text);
}

/* The connection of a deferred request went away: the pending command
 * keeps running, its answer has nowhere to go. */
static void on_abort(void *arg, struct http_req *r)
{
	void **slot = http_req_user(r);

	(void)arg;
	if (slot)
		*slot = NULL; /* the pending command's pointer to r */
}

int api_start(struct gw_env *env)
{
	const struct gw_config *cfg = env->cfg;
	struct http_hooks h;
	int port = 0, rc;

	if (cfg->api_port < 0)
		return GW_OK;
	memset(&h, 0, sizeof(h));
	h.arg = env;
	h.max_body_bytes = (size_t)cfg->api_max_body_bytes;
	h.on_request = on_request;
	h.on_abort = on_abort;
	rc = transport_http_listen(env->transport, cfg->api_address, cfg->api_port, &h, &port);
	if (rc != GW_OK)
		return rc;
	if (cfg->n_api_tokens == 0)
		gw_log(GW_LOG_WARN, "api: no tokens configured: only /healthz answers");
	printf("LISTENING name=api port=%d\n", port);
	fflush(stdout);
	return GW_OK;
}
