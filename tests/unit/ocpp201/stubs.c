/* SPDX-License-Identifier: MIT
 *
 * stubs.c - the recording fakes of stubs.h (domain, command layer, CA),
 * in the style of mosquitto's *_stubs.c.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "stubs.h"

struct stub_domain stub;
struct stub_cmd stub_cmds[STUB_MAX_CMDS];
size_t stub_n_cmds;
int stub_cmd_rc;
struct stub_pki stub_pki;

static int seen(const struct domain_src *src)
{
	stub.calls++;
	stub.last_identity = src ? src->identity : NULL;
	return stub.rc;
}

int domain_new(struct store *st, const struct gw_config *cfg, struct domain **out)
{
	(void)st;
	(void)cfg;
	*out = NULL;
	return GW_OK;
}

void domain_free(struct domain *d)
{
	(void)d;
}

int domain_boot(struct domain *d, const struct domain_src *src, const struct boot_report *boot,
		struct boot_result *out)
{
	(void)d;
	stub.boot = *boot;
	*out = stub.boot_res;
	return seen(src);
}

int domain_heartbeat(struct domain *d, const struct domain_src *src)
{
	(void)d;
	stub.heartbeats++;
	return seen(src);
}

int domain_authorize(struct domain *d, const struct domain_src *src, const char *id_token,
		     const char *id_token_type, struct auth_info *out)
{
	(void)d;
	strcpy(stub.auth_token, id_token);
	strcpy(stub.auth_type, id_token_type);
	*out = stub.auth_res;
	return seen(src);
}

int domain_status(struct domain *d, const struct domain_src *src, const struct status_report *st)
{
	(void)d;
	stub.status = *st;
	return seen(src);
}

static void keep_samples(const struct meter_sample *s, size_t n)
{
	CU_ASSERT_FATAL(n <= STUB_MAX_SAMPLES);
	if (n)
		memcpy(stub.samples, s, n * sizeof(*s));
	stub.n_samples = n;
}

int domain_meter_values(struct domain *d, const struct domain_src *src, int64_t tx_id,
			const char *pile_tx_id, const struct meter_sample *samples, size_t n)
{
	(void)d;
	stub.meter_calls++;
	stub.mv_tx_id = tx_id;
	strcpy(stub.mv_pile_tx, pile_tx_id);
	keep_samples(samples, n);
	return seen(src);
}

int domain_tx_event(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		    struct tx_result *out)
{
	(void)d;
	stub.tx = *ev;
	keep_samples(ev->samples, ev->n_samples);
	stub.tx.samples = stub.samples;
	*out = stub.tx_res;
	return seen(src);
}

int domain_pile_report(struct domain *d, const struct domain_src *src,
		       const struct pile_report *rep)
{
	(void)d;
	CU_ASSERT_FATAL(stub.n_reports < STUB_MAX_REPORTS);
	stub.reports[stub.n_reports++] = *rep;
	return seen(src);
}

int domain_device_vars(struct domain *d, const struct domain_src *src, const struct device_var *vars,
		       size_t n)
{
	(void)d;
	CU_ASSERT_FATAL(stub.n_vars + n <= STUB_MAX_VARS);
	memcpy(&stub.vars[stub.n_vars], vars, n * sizeof(*vars));
	stub.n_vars += n;
	return seen(src);
}

/* ---- command layer ------------------------------------------------------ */

int gw_command_send(struct gw_env *env, const char *identity, const char *action,
		    struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg)
{
	struct stub_cmd *c;

	(void)env;
	(void)timeout_ms;
	if (stub_cmd_rc)
		return stub_cmd_rc;
	CU_ASSERT_FATAL(stub_n_cmds < STUB_MAX_CMDS);
	c = &stub_cmds[stub_n_cmds++];
	memset(c, 0, sizeof(*c));
	strncpy(c->identity, identity, sizeof(c->identity) - 1);
	strncpy(c->action, action, sizeof(c->action) - 1);
	c->payload = json_object_get(payload);
	c->cb = cb;
	c->arg = arg;
	return GW_OK;
}

void stub_cmd_answer(size_t i, int status, const char *json, const char *err_code)
{
	struct json_object *payload = NULL;
	struct stub_cmd *c = &stub_cmds[i];

	CU_ASSERT_FATAL(i < stub_n_cmds && !c->answered);
	if (json)
		CU_ASSERT_FATAL(gw_json_parse(json, strlen(json), GW_JSON_DEPTH, &payload) == GW_OK);
	c->answered = 1;
	if (c->cb)
		c->cb(c->arg, status, payload, err_code, err_code ? "desc" : NULL);
	json_object_put(payload);
}

/* ---- CA ----------------------------------------------------------------- */

int pki_sign_csr(const char *ca_cert_path, const char *ca_key_path, const char *csr_pem, size_t len,
		 const char *expect_cn, const char *expect_o, int days, char **chain_pem_out,
		 char *why, size_t whylen)
{
	(void)ca_cert_path;
	(void)ca_key_path;
	stub_pki.calls++;
	strncpy(stub_pki.cn, expect_cn, sizeof(stub_pki.cn) - 1);
	strncpy(stub_pki.o, expect_o, sizeof(stub_pki.o) - 1);
	memcpy(stub_pki.csr, csr_pem, len < sizeof(stub_pki.csr) - 1 ? len : sizeof(stub_pki.csr) - 1);
	stub_pki.days = days;
	*chain_pem_out = NULL;
	if (stub_pki.why && whylen)
		strncpy(why, stub_pki.why, whylen - 1);
	if (stub_pki.rc)
		return stub_pki.rc;
	*chain_pem_out = gw_strdup(stub_pki.chain);
	return *chain_pem_out ? GW_OK : GW_ENOMEM;
}

void stub_reset(void)
{
	for (size_t i = 0; i < stub_n_cmds; i++) {
		if (!stub_cmds[i].answered)
			stub_cmd_answer(i, GW_ECLOSED, NULL, NULL);
		json_object_put(stub_cmds[i].payload);
	}
	memset(stub_cmds, 0, sizeof(stub_cmds));
	stub_n_cmds = 0;
	stub_cmd_rc = GW_OK;
	memset(&stub, 0, sizeof(stub));
	memset(&stub_pki, 0, sizeof(stub_pki));
}
