/* SPDX-License-Identifier: MIT
 *
 * certs.c - SignCertificate (1.6 security extension, A02/A03): check the
 * pile's CSR, sign it with the configured CA and deliver the chain with a
 * CertificateSigned command.
 *
 * Order (PROTOCOL.md 1.3): the pile first gets SignCertificate.conf, then
 * CertificateSigned.req; a command queued by a handler leaves after the
 * handler's reply (core/command.h), so queueing it here keeps that order.
 * The CSR must name this pile: CN = its identity and O = our operator name
 * (cfg->operator_name); pki_sign_csr checks both.  Any failure - a bad
 * CSR, our CA unreadable, the chain not queueable - answers Rejected and is
 * kept as a pile report of kind "SecurityEvent" with the reason, for an
 * operator to see (A02: alert, do not make the pile retry).  The pile's
 * answer to CertificateSigned is kept as a "CertificateSigned" report.
 */
#include <stdio.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/command.h"
#include "core/env.h"
#include "ocpp16/v16.h"

#if defined(__has_include)
#if __has_include("transport/pki.h")
#include "transport/pki.h"
#define V16_HAVE_PKI_H 1
#endif
#endif
#ifndef V16_HAVE_PKI_H
/* transport/pki.h is being written; same prototype, drop when it lands. */
int pki_sign_csr(const char *ca_cert_path, const char *ca_key_path, const char *csr_pem, size_t len,
		 const char *expect_cn, const char *expect_o, int days, char **chain_pem_out,
		 char *why, size_t whylen);
#endif

/* gw_reply_fn for CertificateSigned: keep the pile's verdict on the chain. */
static void chain_answered(void *arg, int status, struct json_object *payload,
			   const char *err_code, const char *err_desc)
{
	struct v16_cmd *c = arg;
	struct domain_src src = v16_cmd_src(c);
	struct pile_report rep = {.kind = "CertificateSigned"};
	int rc;

	(void)err_desc;
	v16_cmd_outcome(status, payload, err_code, rep.status, sizeof(rep.status));
	rc = domain_pile_report(c->domain, &src, &rep);
	gw_log(rc == GW_OK ? GW_LOG_NOTICE : GW_LOG_WARN, "cp=%s action=CertificateSigned %s%s%s",
	       c->identity, rep.status, rc == GW_OK ? "" : ", not recorded: ",
	       rc == GW_OK ? "" : gw_strerror(rc));
	v16_cmd_free(c);
}

static int send_chain(struct action_ctx *ctx, const char *chain, char *why, size_t whylen)
{
	struct json_object *payload = json_object_new_object();
	struct v16_cmd *c = v16_cmd_new(ctx, NULL);
	int rc = payload && c ? GW_OK : GW_ENOMEM;

	if (rc == GW_OK)
		rc = v16_add_str(payload, "certificateChain", chain);
	if (rc == GW_OK)
		rc = gw_command_send(ctx->env, c->identity, "CertificateSigned", payload, 0,
				     chain_answered, c);
	if (rc != GW_OK) { /* the callback will not run: c is still ours */
		snprintf(why, whylen, "CertificateSigned not queued: %s", gw_strerror(rc));
		v16_cmd_free(c);
	}
	json_object_put(payload);
	return rc;
}

static int keep_refusal(struct action_ctx *ctx, int rc, const char *why)
{
	struct pile_report rep = {.kind = "SecurityEvent", .status = "CsrRejected"};

	snprintf(rep.detail, sizeof(rep.detail), "%s", why[0] ? why : gw_strerror(rc));
	gw_log(GW_LOG_WARN, "cp=%s msg=%s action=SignCertificate rejected: %s", ctx->src.identity,
	       ctx->src.msg_id, rep.detail);
	rc = domain_pile_report(ctx->domain, &ctx->src, &rep);
	return rc == GW_OK ? GW_OK : v16_domain_failed(ctx, "domain_pile_report", rc);
}

int v16_sign_certificate(struct action_ctx *ctx, struct json_object *req)
{
	const struct gw_config *cfg = ctx->env->cfg;
	struct json_object *resp;
	size_t len = 0;
	const char *csr = gw_json_get_str(req, "csr", &len);
	char why[200] = "";
	char *chain = NULL;
	int rc, signed_ok;

	rc = pki_sign_csr(cfg->ca_cert, cfg->ca_key, csr, len, ctx->src.identity,
			  cfg->operator_name, cfg->cert_validity_days, &chain, why, sizeof(why));
	if (rc == GW_OK)
		rc = send_chain(ctx, chain, why, sizeof(why));
	GW_FREE(chain);
	signed_ok = rc == GW_OK;
	if (!signed_ok) {
		rc = keep_refusal(ctx, rc, why);
		if (rc != GW_OK)
			return rc;
	}
	resp = json_object_new_object();
	rc = resp ? v16_add_str(resp, "status", signed_ok ? "Accepted" : "Rejected") : GW_ENOMEM;
	return v16_reply(ctx, resp, rc);
}
