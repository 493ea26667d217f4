/* SPDX-License-Identifier: MIT
 *
 * harness.c - see test_v201.h.  Schema checks need src/schema (gw_schema);
 * without it the suite says so once and checks only the exact texts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_v201.h"
#ifdef V201_TEST_SCHEMA
#include "schema/schema.h"
#endif

struct harness h;

#ifdef V201_TEST_SCHEMA
static struct schema_set *schemas;

static struct schema_set *schema_set(void)
{
	char dir[1024], err[256];
	const char *root = getenv("OCPPGW_SOURCE_DIR");

	if (!schemas) {
		snprintf(dir, sizeof(dir), "%s/schemas/ocpp2.0.1", root ? root : ".");
		if (schema_set_load(dir, &schemas, err, sizeof(err)) != GW_OK)
			fprintf(stderr, "schema load failed: %s\n", err);
		CU_ASSERT_FATAL(schemas != NULL);
	}
	return schemas;
}

void h_validate(const char *name, struct json_object *payload)
{
	const struct schema *s = schema_find(schema_set(), name);
	struct schema_error e = {0};
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	rc = schema_validate(s, payload, &e);
	if (rc != GW_OK)
		fprintf(stderr, "\n%s: %s: %s in %s\n", name, e.path, e.message, h_dump(payload));
	CU_ASSERT_EQUAL(rc, GW_OK);
}

int h_check(const char *name, const char *json)
{
	struct json_object *o = NULL;
	int rc;

	CU_ASSERT_FATAL(gw_json_parse(json, strlen(json), GW_JSON_DEPTH, &o) == GW_OK);
	rc = schema_validate(schema_find(schema_set(), name), o, NULL);
	json_object_put(o);
	return rc;
}
#else
int h_check(const char *name, const char *json)
{
	(void)name;
	(void)json;
	return GW_ENOTSUPP;
}

void h_validate(const char *name, struct json_object *payload)
{
	static int said;

	(void)name;
	(void)payload;
	if (!said++)
		fprintf(stderr, "\n[test_ocpp201] src/schema not built: payloads are not "
				"schema-checked, only compared as text\n");
}
#endif

const char *h_dump(struct json_object *o)
{
	static char buf[8192];
	char *s = gw_json_dump(o, NULL);

	snprintf(buf, sizeof(buf), "%s", s ? s : "<oom>");
	gw_free(s);
	return buf;
}

void h_setup(void)
{
	stub_reset();
	memset(&h, 0, sizeof(h));
	gw_clock_set_fake(T_NOW_MS);
	h.cfg.push_config_on_boot = 1;
	h.cfg.meter_sample_interval_s = 60; /* config_defaults: the pushed sample interval */
	h.cfg.cert_validity_days = 365;
	strcpy(h.cfg.operator_name, "Example CPO");
	strcpy(h.cfg.ca_cert, "certs/dev/ca.pem");
	strcpy(h.cfg.ca_key, "certs/dev/ca.key");
	h.env.cfg = &h.cfg;
	h.reg = REG_PENDING;
	h.ctx.env = &h.env;
	h.ctx.domain = NULL; /* the stubs ignore it */
	h.ctx.src.identity = "CP042";
	h.ctx.src.msg_id = "m1";
	h.ctx.src.frame_seq = 7;
	h.ctx.src.recv_ms = T_NOW_MS;
	h.ctx.version = OCPP_201;
	h.ctx.registration = &h.reg;
}

void h_teardown(void)
{
	json_object_put(h.ctx.response);
	h.ctx.response = NULL;
	stub_reset();
	gw_clock_set_fake(0);
}

int h_run(const char *action, const char *json)
{
	const struct action_row *row = action_find(&v201_actions, action);
	struct json_object *req = NULL;
	char name[96];
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row->handler);
	CU_ASSERT_FATAL(gw_json_parse(json, strlen(json), GW_JSON_DEPTH, &req) == GW_OK);
	snprintf(name, sizeof(name), "%sRequest", action);
	h_validate(name, req);
	json_object_put(h.ctx.response);
	h.ctx.response = NULL;
	rc = row->handler(&h.ctx, req);
	json_object_put(req); /* the handler must not keep pointers into it */
	if (rc == GW_OK) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(h.ctx.response);
		snprintf(name, sizeof(name), "%sResponse", action);
		h_validate(name, h.ctx.response);
	} else {
		CU_ASSERT_PTR_NULL(h.ctx.response);
	}
	return rc;
}

const char *h_resp(void)
{
	return h.ctx.response ? h_dump(h.ctx.response) : "";
}

void h_fini(void)
{
#ifdef V201_TEST_SCHEMA
	schema_set_free(schemas);
	schemas = NULL;
#endif
}
