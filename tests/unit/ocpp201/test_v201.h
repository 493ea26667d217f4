/* SPDX-License-Identifier: MIT
 *
 * test_v201.h - the harness of test_ocpp201: one action_ctx per test, a
 * handler call from a JSON text through the real table, the exact response
 * text, and schema checks of every payload that crosses the wire (request,
 * response and the commands the handlers queue) when src/schema is built.
 */
#ifndef TEST_V201_H
#define TEST_V201_H
#include <CUnit/CUnit.h>

#include "config.h"
#include "core/env.h"
#include "rpc/action.h"
#include "stubs.h"

#define T_NOW_MS 1767225600000LL /* 2026-01-01T00:00:00.000Z, the fake clock */
#define T_NOW "2026-01-01T00:00:00.000Z"

/* Lives for one test: h_setup() .. h_teardown(). */
struct harness {
	struct gw_config cfg;
	struct gw_env env;
	struct action_ctx ctx;
	enum reg_status reg;
};
extern struct harness h;

void h_setup(void);
void h_teardown(void);
/* Once at exit: free the schema set. */
void h_fini(void);
/* Run action's handler (looked up in v201_actions) on json; the request is
 * checked against <action>Request first and a response, when the handler
 * returns GW_OK, against <action>Response.  Returns the handler's code. */
int h_run(const char *action, const char *json);
/* The response as compact text ("" if none); static buffer. */
const char *h_resp(void);
/* Check payload against schema name ("GetVariablesRequest"); CU asserts. */
void h_validate(const char *name, struct json_object *payload);
/* schema_validate's code for json against name; GW_ENOTSUPP when the
 * validator is not built. */
int h_check(const char *name, const char *json);
/* Compact text of any payload; static buffer. */
const char *h_dump(struct json_object *o);

/* Suite registration, one per file. */
int test_add_suite(const char *name, CU_TestInfo *tests);
int test_table_register(void);
int test_boot_register(void);
int test_status_register(void);
int test_tx_register(void);
int test_meter_register(void);
int test_reports_register(void);
int test_certs_register(void);
int test_translate_register(void);

#endif
