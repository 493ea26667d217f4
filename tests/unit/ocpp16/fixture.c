/* SPDX-License-Identifier: MIT
 *
 * fixture.c - run one 1.6 handler the way the dispatcher does (payload
 * parsed strictly, checked against its Request schema, handler looked up in
 * v16_actions) and check the answer exactly and against its Response
 * schema (STYLE.md 9: validate outbound payloads in tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_time.h"
#include "test_v16.h"
#ifdef HAVE_GW_SCHEMA
#include "schema/schema.h"
#endif

struct fx fx;

#ifdef HAVE_GW_SCHEMA
static struct schema_set *schemas;
static int schemas_tried;

static const struct schema_set *load_schemas(void)
{
	char dir[512], err[256];

	if (schemas_tried)
		return schemas;
	schemas_tried = 1;
	snprintf(dir, sizeof(dir), "%s/schemas/ocpp1.6", fx_source_dir());
	if (schema_set_load(dir, &schemas, err, sizeof(err)) != GW_OK) {
		fprintf(stderr, "\n[test_ocpp16] cannot load %s: %s\n", dir, err);
		schemas = NULL;
	}
	return schemas;
}

int fx_have_schemas(void)
{
	return load_schemas() != NULL;
}

int fx_validate(const char *name, const char *json)
{
	const struct schema *s = schema_find(load_schemas(), name);
	struct json_object *o = NULL;
	struct schema_error se;
	int rc;

	if (!s) {
		fprintf(stderr, "\n[test_ocpp16] no schema %s\n", name);
		return GW_ENOTFOUND;
	}
	if (gw_json_parse(json, strlen(json), GW_JSON_DEPTH, &o) != GW_OK)
		return GW_EFORMAT;
	rc = schema_validate(s, o, &se);
	if (rc != GW_OK)
		fprintf(stderr, "\n[test_ocpp16] %s invalid at '%s': %s\n  %s\n", name, se.path,
			se.message, json);
	json_object_put(o);
	return rc;
}
#else
int fx_have_schemas(void)
{
	return 0;
}

int fx_validate(const char *name, const char *json)
{
	static int said;

	(void)name;
	(void)json;
	if (!said++)
		fprintf(stderr, "\n[test_ocpp16] src/schema not built: schema checks skipped\n");
	return 1;
}
#endif

void fx_setup(void)
{
	stub_reset();
	json_object_put(fx.ctx.response);
	memset(&fx, 0, sizeof(fx));
	fx.cfg.push_config_on_boot = 1;
	fx.cfg.meter_sample_interval_s = 60; /* config_defaults: the pushed sample interval */
	fx.cfg.heartbeat_interval_s = 300;
	fx.cfg.boot_retry_interval_s = 30;
	fx.cfg.cert_validity_days = 365;
	snprintf(fx.cfg.operator_name, sizeof(fx.cfg.operator_name), "Example CPO");
	snprintf(fx.cfg.ca_cert, sizeof(fx.cfg.ca_cert), "certs/dev/ca.pem");
	snprintf(fx.cfg.ca_key, sizeof(fx.cfg.ca_key), "certs/dev/ca.key");
	fx.env.cfg = &fx.cfg;
	fx.registration = REG_PENDING;
	fx.ctx.env = &fx.env;
	fx.ctx.domain = (struct domain *)&fx; /* opaque to the handlers, ignored by the stubs */
	fx.ctx.src.identity = "CP042";
	fx.ctx.src.msg_id = "m1";
	fx.ctx.src.frame_seq = 7;
	fx.ctx.src.recv_ms = FX_T0_MS;
	fx.ctx.version = OCPP_16;
	fx.ctx.registration = &fx.registration;
	gw_clock_set_fake(FX_T0_MS);
	gw_alloc_fail_after(0);
}

void fx_teardown(void)
{
	gw_alloc_fail_after(0);
	json_object_put(fx.ctx.response);
	fx.ctx.response = NULL;
	stub_reset();
}

int fx_call(const char *action, const char *payload)
{
	const struct action_row *row = action_find(&v16_actions, action);
	struct json_object *req = NULL;
	char name[96];
	int rc;

	CU_ASSERT_FATAL(row != NULL && row->handler != NULL);
	CU_ASSERT_FATAL(gw_json_parse(payload, strlen(payload), GW_JSON_DEPTH, &req) == GW_OK);
	snprintf(name, sizeof(name), "%sRequest", action);
	rc = fx_validate(name, payload);
	CU_ASSERT(FX_VALID(rc)); /* the test's own input must be a valid request */
	json_object_put(fx.ctx.response);
	fx.ctx.response = NULL;
	fx.ctx.err_desc[0] = '\0';
	gw_alloc_fail_after(fx.fail_after);
	rc = row->handler(&fx.ctx, req);
	gw_alloc_fail_after(0);
	json_object_put(req);
	return rc;
}

void fx_expect_response(const char *action, const char *expected, const char *file, int line)
{
	struct json_object *want = NULL;
	char *got = NULL, name[96];
	int ok, rc;

	CU_assertImplementation(fx.ctx.response != NULL, (unsigned)line, "response set", file, "",
				CU_FALSE);
	if (!fx.ctx.response)
		return;
	got = gw_json_dump(fx.ctx.response, NULL);
	ok = gw_json_parse(expected, strlen(expected), GW_JSON_DEPTH, &want) == GW_OK &&
	     json_object_equal(fx.ctx.response, want);
	if (!ok)
		fprintf(stderr, "\n%s:%d: %s answer\n  got  %s\n  want %s\n", file, line, action, got,
			expected);
	CU_assertImplementation(ok, (unsigned)line, "response equals expected", file, "", CU_FALSE);
	snprintf(name, sizeof(name), "%sResponse", action);
	rc = fx_validate(name, got);
	CU_assertImplementation(FX_VALID(rc), (unsigned)line, "response valid per schema",
				file, "", CU_FALSE);
	json_object_put(want);
	gw_free(got);
}

const char *fx_source_dir(void)
{
	const char *root = getenv("OCPPGW_SOURCE_DIR");

	return root && *root ? root : V16_SOURCE_DIR;
}

int64_t fx_ms(const char *s)
{
	int64_t ms = 0;

	CU_ASSERT(gw_time_parse(s, strlen(s), &ms) == GW_OK);
	return ms;
}
