/* SPDX-License-Identifier: MIT
 *
 * test_api.c - the operator API's tables: every route of the table is in
 * docs/openapi.yaml with its method (a text scan of the paths section),
 * pattern matching with {x} segments, 404 vs 405, the error map, bearer
 * token checks, the CALLERROR-by-code counters behind /metrics.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <openssl/sha.h>

#include "api/api_int.h"
#include "common/gw_err.h"
#include "config.h"
#include "core/conn.h"
#include "core/env.h"
#include "core/metrics_actions.h"
#include "rpc/action.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Under "paths:", the line "  PATTERN:" and, before the next path line, a
 * line "    method:" (lower case). */
static int yaml_has(const char *yaml, const char *pattern, const char *method)
{
	char key[300], m[16];
	const char *paths = strstr(yaml, "\npaths:\n"), *at, *next;
	size_t i;

	if (!paths)
		return 0;
	snprintf(key, sizeof(key), "\n  %s:\n", pattern);
	at = strstr(paths, key);
	if (!at)
		return 0;
	at += strlen(key);
	/* the next path starts with "\n  /" */
	next = strstr(at, "\n  /");
	for (i = 0; method[i] && i < sizeof(m) - 1; i++)
		m[i] = (char)tolower((unsigned char)method[i]);
	m[i] = '\0';
	snprintf(key, sizeof(key), "    %s:\n", m);
	const char *hit = strstr(at - 1, key);
	return hit && (!next || hit < next);
}

static void test_every_route_documented(void)
{
	char path[512];
	const char *src = getenv("OCPPGW_SOURCE_DIR");
	char *yaml;

	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", src ? src : ".");
	yaml = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
	for (size_t i = 0; i < api_n_routes; i++) {
		int ok = yaml_has(yaml, api_routes[i].pattern, api_routes[i].method);

		if (!ok)
			fprintf(stderr, "not in docs/openapi.yaml: %s %s\n", api_routes[i].method,
				api_routes[i].pattern);
		CU_ASSERT(ok);
	}
	/* the scan itself can say no */
	CU_ASSERT(!yaml_has(yaml, "/v1/piles", "DELETE"));
	CU_ASSERT(!yaml_has(yaml, "/v1/nothing", "GET"));
	free(yaml);
}

static void test_route_match(void)
{
	char param[API_MAX_PARAMS][API_PARAM_MAX];
	const struct api_route *r = NULL;
	int n = 0;

	CU_ASSERT_EQUAL(api_route_match("GET", "/v1/piles", &r, param, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(api_route_match("GET", "/v1/piles/CP-1", &r, param, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(param[0], "CP-1");
	CU_ASSERT_EQUAL(api_route_match("POST", "/v1/piles/CP-1/commands/Reset", &r, param, &n),
			GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(param[1], "Reset");
	CU_ASSERT_EQUAL(r->scope, GW_SCOPE_OPERATE);
	CU_ASSERT_EQUAL(api_route_match("GET", "/healthz", &r, param, &n), GW_OK);
	CU_ASSERT_EQUAL(r->scope, 0u);
	CU_ASSERT_EQUAL(api_route_match("DELETE", "/v1/piles", &r, param, &n), GW_ENOTSUPP);
	/* pile administration: operate scope, the identity as the one param */
	CU_ASSERT_EQUAL(api_route_match("POST", "/v1/piles", &r, param, &n), GW_OK);
	CU_ASSERT_EQUAL(r->scope, GW_SCOPE_OPERATE);
	CU_ASSERT_EQUAL(api_route_match("PATCH", "/v1/piles/CP-1", &r, param, &n), GW_OK);
	CU_ASSERT_EQUAL(r->scope, GW_SCOPE_OPERATE);
	CU_ASSERT_EQUAL(api_route_match("DELETE", "/v1/piles/CP-1", &r, param, &n), GW_OK);
	CU_ASSERT_EQUAL(r->scope, GW_SCOPE_OPERATE);
	CU_ASSERT_STRING_EQUAL(param[0], "CP-1");
	CU_ASSERT_EQUAL(api_route_match("POST", "/v1/piles/CP-1/password", &r, param, &n), GW_OK);
	CU_ASSERT_EQUAL(r->scope, GW_SCOPE_OPERATE);
	CU_ASSERT_EQUAL(api_route_match("GET", "/v1/piles/CP-1/password", &r, param, &n),
			GW_ENOTSUPP);
	CU_ASSERT_EQUAL(api_route_match("GET", "/v1/piles/", &r, param, &n), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(api_route_match("GET", "/v1/piles/a/b", &r, param, &n), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(api_route_match("GET", "/v1/pilesX", &r, param, &n), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(api_route_match("GET", "", &r, param, &n), GW_ENOTFOUND);
}

static void test_error_map(void)
{
	static const struct { int err, status; } want[] = {
		{ GW_EFORMAT, 400 }, { GW_EINVAL, 400 }, { GW_ETYPE, 400 }, { GW_EAUTH, 401 },
		{ GW_ESECURITY, 403 }, { GW_ENOTFOUND, 404 }, { GW_ENOTSUPP, 405 },
		{ GW_ECONFLICT, 409 }, { GW_ETOOBIG, 413 }, { GW_ECONSTRAINT, 422 },
		{ GW_ESTORE, 503 }, { GW_ETIMEOUT, 504 }, { GW_EGENERIC, 500 }, { 12345, 500 },
	};
	const char *code;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		code = NULL;
		CU_ASSERT_EQUAL(api_error_status(want[i].err, &code), want[i].status);
		CU_ASSERT_PTR_NOT_NULL(code);
	}
}

static void test_bearer(void)
{
	static struct gw_config cfg;
	struct gw_env env;
	const struct gw_api_token *t = NULL;
	const char *tok = "operate-token-0123456789";

	memset(&env, 0, sizeof(env));
	env.cfg = &cfg;
	cfg.n_api_tokens = 2;
	snprintf(cfg.api_tokens[0].name, sizeof(cfg.api_tokens[0].name), "ro");
	SHA256((const unsigned char *)"read-token-0123456789", 21, cfg.api_tokens[0].sha256);
	cfg.api_tokens[0].scopes = GW_SCOPE_READ;
	snprintf(cfg.api_tokens[1].name, sizeof(cfg.api_tokens[1].name), "op");
	SHA256((const unsigned char *)tok, strlen(tok), cfg.api_tokens[1].sha256);
	cfg.api_tokens[1].scopes = GW_SCOPE_READ | GW_SCOPE_OPERATE;

	CU_ASSERT_EQUAL(api_auth(&env, "Bearer operate-token-0123456789", &t), GW_OK);
	CU_ASSERT_STRING_EQUAL(t->name, "op");
	CU_ASSERT_EQUAL(api_auth(&env, "bearer  read-token-0123456789 ", &t), GW_OK);
	CU_ASSERT_STRING_EQUAL(t->name, "ro");
	CU_ASSERT_EQUAL(api_auth(&env, "Bearer read-token-012345678", &t), GW_EAUTH);
	CU_ASSERT_PTR_NULL(t);
	CU_ASSERT_EQUAL(api_auth(&env, "Basic cmVhZA==", &t), GW_EAUTH);
	CU_ASSERT_EQUAL(api_auth(&env, "Bearer ", &t), GW_EAUTH);
	CU_ASSERT_EQUAL(api_auth(&env, "", &t), GW_EAUTH);
	CU_ASSERT_EQUAL(api_auth(&env, NULL, &t), GW_EAUTH);
}

static void test_query(void)
{
	char buf[16];

	CU_ASSERT(api_query("state=charging&pile=CP1", "pile", buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "CP1");
	CU_ASSERT(api_query("state=charging&pile=CP1", "state", buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "charging");
	CU_ASSERT(!api_query("xpile=1", "pile", buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT(api_query("a=0123456789abcdefghij", "a", buf, sizeof(buf)));
	CU_ASSERT_EQUAL(strlen(buf), sizeof(buf) - 1);
	CU_ASSERT(!api_query("", "a", buf, sizeof(buf)));
}

/* CALLERRORs we send, by version, action row and code (metrics_actions.c). */
static void test_callerror_counts(void)
{
	struct dispatch d;
	const struct action_table *t = &v16_actions;
	const char *const *codes;
	const uint64_t *m;
	size_t rows, n_codes, k_form = 0, k_generic = 0, k_impl = 0;

	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(dispatch_metrics_new(&d), GW_OK);
	dispatch_count_error(&d, OCPP_16, &t->rows[1], "FormationViolation");
	dispatch_count_error(&d, OCPP_16, &t->rows[1], "FormationViolation");
	dispatch_count_error(&d, OCPP_16, &t->rows[1], "NoSuchCode");  /* -> GenericError */
	dispatch_count_error(&d, OCPP_16, NULL, "NotImplemented");       /* unknown action */
	dispatch_count_error(&d, OCPP_16, &t->rows[0], NULL);            /* nothing sent */
	dispatch_count_error(&d, OCPP_201, &v201_actions.rows[0], "FormatViolation");
	m = dispatch_error_stats(&d, OCPP_16, &rows, &codes, &n_codes);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(rows, t->n_rows);
	for (size_t k = 0; k < n_codes; k++) {
		k_form = strcmp(codes[k], "FormationViolation") ? k_form : k;
		k_generic = strcmp(codes[k], "GenericError") ? k_generic : k;
		k_impl = strcmp(codes[k], "NotImplemented") ? k_impl : k;
	}
	CU_ASSERT_EQUAL(m[1 * n_codes + k_form], 2);
	CU_ASSERT_EQUAL(m[1 * n_codes + k_generic], 1);
	CU_ASSERT_EQUAL(m[rows * n_codes + k_impl], 1);
	{
		uint64_t sum = 0;

		for (size_t i = 0; i < (rows + 1) * n_codes; i++)
			sum += m[i];
		CU_ASSERT_EQUAL(sum, 4);
	}
	/* the per-action stats before the matrix are untouched */
	for (size_t r = 0; r < rows; r++)
		CU_ASSERT_EQUAL(d.acts[OCPP_16][r].in[DISPATCH_IN_ERROR], 0);
	m = dispatch_error_stats(&d, OCPP_201, &rows, &codes, &n_codes);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (size_t k = 0; k < n_codes; k++)
		CU_ASSERT_EQUAL(m[k], strcmp(codes[k], "FormatViolation") ? 0 : 1);
	CU_ASSERT_PTR_NULL(dispatch_error_stats(&d, OCPP_NONE, &rows, &codes, &n_codes));
	CU_ASSERT_EQUAL(rows, 0);
	dispatch_metrics_free(&d);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("api", NULL, NULL);
	CU_add_test(s, "every route of the table is in docs/openapi.yaml", test_every_route_documented);
	CU_add_test(s, "route matching, 404 and 405", test_route_match);
	CU_add_test(s, "error map", test_error_map);
	CU_add_test(s, "bearer tokens", test_bearer);
	CU_add_test(s, "query arguments", test_query);
	CU_add_test(s, "CALLERRORs counted by code", test_callerror_counts);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
