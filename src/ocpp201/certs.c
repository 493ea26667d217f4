/* SPDX-License-Identifier: MIT
 *
 * certs.c - certificate messages from the pile (2.0.1 blocks A and M):
 * SignCertificate, Get15118EVCertificate, GetCertificateStatus.
 *
 * SignCertificate (A02/A03): the CSR is signed at once by the configured CA
 * (pki_sign_csr checks CN = the pile's identity and O = the operator name,
 * PROTOCOL.md 1.3), answered Accepted, and the chain follows as a
 * CertificateSigned command, which leaves after this reply.  A CSR that
 * fails the checks is answered Rejected and kept as a "SecurityEvent" pile
 * report; a failure on our side (CA files, memory, queue) is Rejected too,
 * with reasonCode InternalError, and logged at ERR for the operator (A02:
 * tell an operator, do not make the pile retry).  V2GCertificate CSRs are
 * Rejected: we hold no V2G sub-CA, and a V2G leaf under our CSMS CA would
 * be useless to any EV.
 *
 * Get15118EVCertificate / GetCertificateStatus: we have no ISO 15118 PKI
 * and no OCSP client.  "Failed" with a statusInfo is the correct CALLRESULT
 * (the spec's own word for "could not"), not a NotSupported CALLERROR,
 * because the message itself is supported.  exiResponse is required even on
 * Failed; we send "" (nothing was produced).
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "common/gw_ocpp.h"
#include "config.h"
#include "core/command.h"
#include "core/env.h"
#include "ocpp201/v201.h"
#include "transport/pki.h"

/* pki_sign_csr codes that mean "the CSR is wrong" (pki.h: not a CSR, bad
 * self-signature, CN/O mismatch, weak key); anything else (CA files,
 * memory, internal) is ours. */
static const struct v201_word csr_faults[] = {
	{"not a CSR / bad signature", GW_EFORMAT},
	{"CN/O mismatch / weak key", GW_ECONSTRAINT},
};

static const struct v201_report_spec ocsp_spec = {
	"GetCertificateStatus", NULL, NULL,
	{"ocspRequestData.serialNumber", "ocspRequestData.responderURL"}, "Failed", "NotSupported",
	"no OCSP client in this CSMS",
};
static const struct v201_report_spec ev_cert_spec = {
	"Get15118EVCertificate", "action", NULL, {"iso15118SchemaVersion"}, "Failed", "NotSupported",
	"no ISO 15118 PKI in this CSMS",
};

/* One CertificateSigned in flight; freed by its callback. */
struct signed_call {
	struct gw_env *env;
	char identity[GW_IDENTITY_MAX + 1];
};

static void on_signed(void *arg, int status, struct json_object *payload, const char *err_code,
		      const char *err_desc)
{
	struct signed_call *c = arg;
	struct domain_src src = {c->identity, "", 0, gw_clock_now_ms()};
	struct pile_report rep = {0};
	int rc;

	v201_copy(rep.kind, sizeof(rep.kind), "CertificateSigned");
	v201_outcome_word(status, payload, err_code, rep.status, sizeof(rep.status));
	v201_copy(rep.detail, sizeof(rep.detail),
		  status == GW_OK ? gw_json_get_str(v201_obj(payload, "statusInfo"), "reasonCode", NULL)
				  : err_desc);
	rc = domain_pile_report(c->env->domain, &src, &rep);
	gw_log(rc == GW_OK && !strcmp(rep.status, "Accepted") ? GW_LOG_NOTICE : GW_LOG_WARN,
	       "cp=%s action=CertificateSigned %s%s%s", c->identity, rep.status,
	       rc ? ", not recorded: " : "", rc ? gw_strerror(rc) : "");
	gw_free(c);
}

/* Queue CertificateSigned {certificateChain, certificateType?}. */
static int send_chain(struct action_ctx *ctx, const char *chain, const char *type)
{
	struct signed_call *c = gw_calloc(1, sizeof(*c));
	struct json_object *req = json_object_new_object();
	int rc = c ? GW_OK : GW_ENOMEM;

	v201_put_str(&rc, req, "certificateChain", chain);
	v201_put_str(&rc, req, "certificateType", type);
	if (!rc) {
		c->env = ctx->env;
		v201_copy(c->identity, sizeof(c->identity), ctx->src.identity);
		rc = gw_command_send(ctx->env, ctx->src.identity, "CertificateSigned", req, 0, on_signed, c);
	}
	json_object_put(req);
	if (rc)
		gw_free(c);
	return rc;
}

static int sign_answer(struct action_ctx *ctx, const char *status, const char *reason,
		       const char *info)
{
	struct json_object *resp = json_object_new_object();
	int rc = GW_OK;

	v201_put_str(&rc, resp, "status", status);
	if (reason)
		v201_put(&rc, resp, "statusInfo", v201_status_info(reason, info));
	return v201_respond(ctx, resp, rc);
}

/* A CSR that failed the checks: kept as a security fact, then refused. */
static int sign_refused(struct action_ctx *ctx, const char *why)
{
	struct pile_report rep = {0};
	int rc;

	v201_copy(rep.kind, sizeof(rep.kind), "SecurityEvent");
	v201_copy(rep.status, sizeof(rep.status), "CsrRejected"); /* the 1.6 word, one search */
	v201_copy(rep.detail, sizeof(rep.detail), why);
	gw_log(GW_LOG_WARN, "cp=%s msg=%s action=SignCertificate rejected: %s", ctx->src.identity,
	       ctx->src.msg_id, why);
	if ((rc = domain_pile_report(ctx->domain, &ctx->src, &rep)))
		return rc;
	return sign_answer(ctx, "Rejected", "InvalidCSR", why);
}

int v201_sign_certificate(struct action_ctx *ctx, struct json_object *req)
{
	const struct gw_config *cfg = ctx->env ? ctx->env->cfg : NULL;
	const char *type = gw_json_get_str(req, "certificateType", NULL);
	size_t len = 0;
	const char *csr = gw_json_get_str(req, "csr", &len);
	char why[160] = "";
	char *chain = NULL;
	int rc;

	if (!cfg || !csr)
		return GW_EINTERNAL;
	if (type && !strcmp(type, "V2GCertificate"))
		return sign_answer(ctx, "Rejected", "NotSupported", "no V2G sub-CA in this CSMS");
	rc = pki_sign_csr(cfg->ca_cert, cfg->ca_key, csr, len, ctx->src.identity, cfg->operator_name,
			  cfg->cert_validity_days, &chain, why, sizeof(why));
	if (rc && v201_word_name(csr_faults, V201_NWORDS(csr_faults), rc, NULL))
		return sign_refused(ctx, why[0] ? why : gw_strerror(rc));
	if (!rc)
		rc = send_chain(ctx, chain, type);
	gw_free(chain);
	if (rc) {
		gw_log(GW_LOG_ERR, "cp=%s msg=%s action=SignCertificate not signed: %s %s",
		       ctx->src.identity, ctx->src.msg_id, gw_strerror(rc), why);
		return sign_answer(ctx, "Rejected", "InternalError", "signing failed at the CSMS");
	}
	return sign_answer(ctx, "Accepted", NULL, NULL);
}

int v201_get_certificate_status(struct action_ctx *ctx, struct json_object *req)
{
	return v201_report_simple(ctx, req, &ocsp_spec);
}

int v201_get_15118_ev_certificate(struct action_ctx *ctx, struct json_object *req)
{
	struct pile_report rep;
	struct json_object *resp;
	int rc;

	if ((rc = v201_report_fill(req, &ev_cert_spec, &rep)) ||
	    (rc = domain_pile_report(ctx->domain, &ctx->src, &rep)) ||
	    (rc = v201_report_answer(ctx, &ev_cert_spec)))
		return rc;
	resp = ctx->response;
	v201_put_str(&rc, resp, "exiResponse", "");
	if (rc) {
		json_object_put(resp);
		ctx->response = NULL;
	}
	return rc;
}
