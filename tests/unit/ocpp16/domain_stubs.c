/* SPDX-License-Identifier: MIT
 *
 * domain_stubs.c - fakes of the handlers' collaborators, in the manner of
 * mosquitto's *_stubs.c: domain.h records the last call and returns
 * scripted results; gw_command_send records queued commands so a test can
 * answer them; pki_sign_csr returns a scripted chain or refusal.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_v16.h"

struct stub_state stub;
struct stub_cmd stub_cmds[STUB_MAX_CMDS];
size_t stub_n_cmds;
int stub_cmd_rc;
struct stub_pki stub_pki;

static void note(const char *fn, const struct domain_src *src)
{
	stub.calls++;
	stub.last = fn;
	snprintf(stub.src_identity, sizeof(stub.src_identity), "%s", src->identity ? src->identity : "(null)");
	snprintf(stub.src_msg_id, sizeof(stub.src_msg_id), "%s", src->msg_id ? src->msg_id : "(null)");
}

int domain_boot(struct domain *d, const struct domain_src *src, const struct boot_report *boot,
		struct boot_result *out)
{
	(void)d;
	note("domain_boot", src);
	stub.boot = *boot;
	if (stub.rc == GW_OK)
		*out = stub.boot_out;
	return stub.rc;
}

int domain_heartbeat(struct domain *d, const struct domain_src *src)
{
	(void)d;
	note("domain_heartbeat", src);
	return stub.rc;
}

int domain_authorize(struct domain *d, const struct domain_src *src, const char *id_token,
		     const char *id_token_type, struct auth_info *out)
{
	(void)d;
	note("domain_authorize", src);
	snprintf(stub.auth_token, sizeof(stub.auth_token), "%s", id_token ? id_token : "(null)");
	snprintf(stub.auth_type, sizeof(stub.auth_type), "%s", id_token_type ? id_token_type : "(null)");
	if (stub.rc == GW_OK)
		*out = stub.auth_out;
	return stub.rc;
}

int domain_status(struct domain *d, const struct domain_src *src, const struct status_report *st)
{
	(void)d;
	note("domain_status", src);
	stub.status = *st;
	return stub.rc;
}

int domain_meter_values(struct domain *d, const struct domain_src *src, int64_t tx_id,
			const char *pile_tx_id, const struct meter_sample *samples, size_t n)
{
	(void)d;
	note("domain_meter_values", src);
	stub.mv_tx_id = tx_id;
	snprintf(stub.mv_pile_tx_id, sizeof(stub.mv_pile_tx_id), "%s", pile_tx_id ? pile_tx_id : "(null)");
	stub.n_samples = n;
	if (n > STUB_MAX_SAMPLES)
		n = STUB_MAX_SAMPLES;
	if (n)
		memcpy(stub.samples, samples, n * sizeof(*samples));
	return stub.rc;
}

int domain_tx_event(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		    struct tx_result *out)
{
	size_t n = ev->n_samples < STUB_MAX_SAMPLES ? ev->n_samples : STUB_MAX_SAMPLES;

	(void)d;
	note("domain_tx_event", src);
	stub.tx = *ev;
	if (n)
		memcpy(stub.tx_samples, ev->samples, n * sizeof(*ev->samples));
	stub.tx.samples = NULL; /* borrowed: gone after the call */
	if (stub.rc == GW_OK)
		*out = stub.tx_out;
	return stub.rc;
}

int domain_pile_report(struct domain *d, const struct domain_src *src,
		       const struct pile_report *rep)
{
	(void)d;
	note("domain_pile_report", src);
	if (stub.n_reports < STUB_MAX_REPORTS)
		stub.reports[stub.n_reports++] = *rep;
	return stub.rc;
}

int domain_device_vars(struct domain *d, const struct domain_src *src, const struct device_var *vars,
		       size_t n)
{
	(void)d;
	note("domain_device_vars", src);
	stub.device_var_calls++;
	for (size_t i = 0; i < n && stub.n_vars < STUB_MAX_VARS; i++)
		stub.vars[stub.n_vars++] = vars[i];
	return stub.rc;
}

int gw_command_send(struct gw_env *env, const char *identity, const char *action,
		    struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg)
{
	struct stub_cmd *c;

	(void)env;
	(void)timeout_ms;
	if (stub_cmd_rc != GW_OK)
		return stub_cmd_rc;
	CU_ASSERT_FATAL(stub_n_cmds < STUB_MAX_CMDS);
	c = &stub_cmds[stub_n_cmds++];
	memset(c, 0, sizeof(*c));
	snprintf(c->identity, sizeof(c->identity), "%s", identity);
	snprintf(c->action, sizeof(c->action), "%s", action);
	c->payload = gw_json_dump(payload, NULL);
	c->cb = cb;
	c->arg = arg;
	return GW_OK;
}

void stub_cmd_answer(size_t i, int status, const char *payload_json, const char *err_code)
{
	struct json_object *payload = NULL;
	struct stub_cmd *c = &stub_cmds[i];

	CU_ASSERT_FATAL(i < stub_n_cmds && !c->answered);
	if (payload_json)
		CU_ASSERT_FATAL(gw_json_parse(payload_json, strlen(payload_json), 8, &payload) == GW_OK);
	c->answered = 1;
	if (c->cb)
		c->cb(c->arg, status, payload, err_code, err_code ? "scripted" : NULL);
	json_object_put(payload);
}

int pki_sign_csr(const char *ca_cert_path, const char *ca_key_path, const char *csr_pem, size_t len,
		 const char *expect_cn, const char *expect_o, int days, char **chain_pem_out,
		 char *why, size_t whylen)
{
	stub_pki.calls++;
	snprintf(stub_pki.ca_cert, sizeof(stub_pki.ca_cert), "%s", ca_cert_path);
	snprintf(stub_pki.ca_key, sizeof(stub_pki.ca_key), "%s", ca_key_path);
	snprintf(stub_pki.cn, sizeof(stub_pki.cn), "%s", expect_cn);
	snprintf(stub_pki.o, sizeof(stub_pki.o), "%s", expect_o);
	snprintf(stub_pki.csr, sizeof(stub_pki.csr), "%.*s", (int)len, csr_pem);
	stub_pki.days = days;
	*chain_pem_out = NULL;
	if (stub_pki.rc != GW_OK) {
		snprintf(why, whylen, "%s", stub_pki.why ? stub_pki.why : "");
		return stub_pki.rc;
	}
	*chain_pem_out = gw_strdup(stub_pki.chain);
	return *chain_pem_out ? GW_OK : GW_ENOMEM;
}

void stub_reset(void)
{
	for (size_t i = 0; i < stub_n_cmds; i++) {
		if (!stub_cmds[i].answered)
			stub_cmd_answer(i, GW_ECLOSED, NULL, NULL);
		GW_FREE(stub_cmds[i].payload);
	}
	stub_n_cmds = 0;
	stub_cmd_rc = GW_OK;
	memset(&stub, 0, sizeof(stub));
	stub.last = "";
	stub.boot_out = (struct boot_result){.status = REG_ACCEPTED, .interval_s = 300};
	stub.auth_out = (struct auth_info){.status = AUTH_ACCEPTED};
	stub.tx_out = (struct tx_result){.tx_id = 42, .auth = {.status = AUTH_ACCEPTED}};
	memset(&stub_pki, 0, sizeof(stub_pki));
	stub_pki.chain = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
}
