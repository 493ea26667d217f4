/* SPDX-License-Identifier: MIT
 *
 * stubs.h - fakes for what the 2.0.1 handlers call: the domain (domain.h),
 * the command layer (gw_command_send) and the CA (pki_sign_csr).  Each
 * records the last inputs and returns what the test scripted; stub_reset()
 * clears everything between tests.  Lives for the test process.
 */
#ifndef TEST_OCPP201_STUBS_H
#define TEST_OCPP201_STUBS_H
#include <stddef.h>

#include "core/command.h"
#include "domain/domain.h"

#define STUB_MAX_SAMPLES 32
#define STUB_MAX_REPORTS 16
#define STUB_MAX_VARS 16
#define STUB_MAX_CMDS 8

struct stub_domain {
	int rc;    /* returned by every domain call */
	int calls; /* domain calls since reset */
	/* scripted answers */
	struct boot_result boot_res;
	struct auth_info auth_res;
	struct tx_result tx_res;
	/* what the handlers gave */
	struct boot_report boot;
	int heartbeats;
	char auth_token[VOCAB_TOKEN_MAX + 1];
	char auth_type[21];
	struct status_report status;
	struct tx_event tx; /* tx.samples points into samples[] */
	int64_t mv_tx_id;
	char mv_pile_tx[VOCAB_PILE_TX_MAX + 1];
	int meter_calls;
	struct meter_sample samples[STUB_MAX_SAMPLES];
	size_t n_samples;
	struct pile_report reports[STUB_MAX_REPORTS];
	size_t n_reports;
	struct device_var vars[STUB_MAX_VARS];
	size_t n_vars;
	const char *last_identity;
};

struct stub_cmd {
	char identity[49];
	char action[40];
	struct json_object *payload; /* own reference */
	gw_reply_fn *cb;
	void *arg;
	int answered;
};

struct stub_pki {
	int rc;
	const char *chain; /* copied into *chain_pem_out on GW_OK */
	const char *why;
	int calls;
	char cn[64], o[64], csr[256];
	int days;
};

extern struct stub_domain stub;
extern struct stub_cmd stub_cmds[STUB_MAX_CMDS];
extern size_t stub_n_cmds;
extern int stub_cmd_rc; /* gw_command_send's return */
extern struct stub_pki stub_pki;

/* Answer command i (once): cb(arg, status, payload parsed from json). */
void stub_cmd_answer(size_t i, int status, const char *json, const char *err_code);
/* Forget everything; commands never answered are closed (GW_ECLOSED) so
 * their callbacks free what they own. */
void stub_reset(void);

#endif
