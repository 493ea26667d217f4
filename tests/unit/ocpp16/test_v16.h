/* SPDX-License-Identifier: MIT
 *
 * test_v16.h - suites of test_ocpp16 and what they share: the recording
 * stubs of the domain, gw_command_send and pki_sign_csr (domain_stubs.c)
 * and the fixture that runs one handler on a parsed payload and checks its
 * answer (fixture.c).
 *
 * Lifetime: everything here is process-global and reset by fx_setup()
 * before every test; nothing is shared between tests.
 */
#ifndef TEST_V16_H
#define TEST_V16_H
#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "config.h"
#include "core/command.h"
#include "core/env.h"
#include "domain/domain.h"
#include "rpc/action.h"

/* ---- suites */
int test_actions_register(void);
int test_authorize_register(void);
int test_boot_register(void);
int test_status_register(void);
int test_meter_register(void);
int test_transaction_register(void);
int test_reports_register(void);
int test_certs_register(void);
int test_alloc_register(void);
int test_add_suite(const char *name, CU_TestInfo *tests);

/* ---- domain_stubs.c: what the handlers handed over, and what to answer */
#define STUB_MAX_SAMPLES 32
#define STUB_MAX_REPORTS 8
#define STUB_MAX_VARS 32
#define STUB_MAX_CMDS 16

struct stub_state {
	int rc;            /* returned by every domain call (GW_OK by default) */
	int calls;         /* domain calls so far */
	const char *last;  /* name of the last domain function called, "" if none */
	char src_identity[64];
	char src_msg_id[64];

	struct boot_report boot;
	struct boot_result boot_out; /* scripted */

	char auth_token[64];
	char auth_type[32];
	struct auth_info auth_out;   /* scripted */

	struct status_report status;

	int64_t mv_tx_id;
	char mv_pile_tx_id[40];
	struct meter_sample samples[STUB_MAX_SAMPLES];
	size_t n_samples;

	struct tx_event tx;                 /* samples pointer cleared, copied below */
	struct meter_sample tx_samples[STUB_MAX_SAMPLES];
	struct tx_result tx_out;            /* scripted */

	struct pile_report reports[STUB_MAX_REPORTS];
	size_t n_reports;

	struct device_var vars[STUB_MAX_VARS];
	size_t n_vars;
	int device_var_calls;
};
extern struct stub_state stub;

/* One gw_command_send call. */
struct stub_cmd {
	char identity[64];
	char action[48];
	char *payload; /* compact JSON, gw_free'd by stub_reset */
	gw_reply_fn *cb;
	void *arg;
	int answered;
};
extern struct stub_cmd stub_cmds[STUB_MAX_CMDS];
extern size_t stub_n_cmds;
extern int stub_cmd_rc; /* gw_command_send's scripted return code */

/* Answer queued command i: status GW_OK with payload_json (a CALLRESULT
 * payload), or GW_ECALLERROR with err_code, GW_ETIMEOUT, GW_ECLOSED. */
void stub_cmd_answer(size_t i, int status, const char *payload_json, const char *err_code);

struct stub_pki {
	int rc;            /* scripted */
	const char *chain; /* scripted chain PEM returned on GW_OK */
	const char *why;   /* scripted reason on failure */
	int calls;
	char ca_cert[128], ca_key[128], cn[64], o[64], csr[256];
	int days;
};
extern struct stub_pki stub_pki;

/* Forget every call, answer every still-queued command with Closed (which
 * frees the handler's per-command state), restore GW_OK answers. */
void stub_reset(void);

/* ---- fixture.c */
#define FX_T0_MS 1795629600000LL /* 2026-11-25T18:00:00.000Z, the fake clock */
#define FX_T0 "2026-11-25T18:00:00.000Z"

struct fx {
	struct gw_config cfg;
	struct gw_env env;
	struct action_ctx ctx;
	enum reg_status registration;
	long fail_after; /* > 0: fx_call makes the handler's Nth gw_* allocation fail */
};
extern struct fx fx;

/* Reset stubs, config, fake clock and a fresh ctx for pile "CP042". */
void fx_setup(void);
/* Put the last answer and every stub allocation. */
void fx_teardown(void);

/* Parse payload, check it against <action>Request (when schemas are
 * built), run the table's handler; returns the handler's code. */
int fx_call(const char *action, const char *payload);

/* The answer equals expected (JSON text, key order free) and is valid
 * against <action>Response.  Reports the difference on failure. */
#define FX_EXPECT_RESPONSE(action, expected) fx_expect_response(action, expected, __FILE__, __LINE__)
void fx_expect_response(const char *action, const char *expected, const char *file, int line);

/* Validate a JSON text against schemas/ocpp1.6/<name>.json: GW_OK, the
 * violation code, or 1 when the schema library is not built (skipped). */
int fx_validate(const char *name, const char *json);
#define FX_VALID(rc) ((rc) == 0 || (rc) == 1) /* valid, or not checkable */

/* 1 when the schema library is linked and the 1.6 set loaded. */
int fx_have_schemas(void);

/* The source tree: $OCPPGW_SOURCE_DIR, else the one this was built from. */
const char *fx_source_dir(void);

/* An RFC 3339 text as ms, for expectations. */
int64_t fx_ms(const char *rfc3339);

#endif
