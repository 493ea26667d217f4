/* SPDX-License-Identifier: MIT
 *
 * authorize.c - Authorize (2.0.1 use cases C01, C07) -> domain_authorize.
 *
 * Contract certificates (ISO 15118 Plug & Charge, C07): the request may carry
 * the EV's contract certificate or its OCSP request data.  We hold no V2G /
 * mobility-operator root and run no OCSP client, so the chain cannot be
 * validated here and "Accepted" would be a false claim.  We answer
 * certificateStatus "CertChainError" (the chain could not be validated to a
 * trusted root) and, for consistency with it, never idTokenInfo.status
 * Accepted for that request (an unverified contract is not an authorization;
 * compare C07.FR.16, which pairs a bad chain with Invalid).  The EV driver
 * can still start with any other token (RFID, app).
 */
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "ocpp201/v201.h"

int v201_authorize(struct action_ctx *ctx, struct json_object *req)
{
	struct json_object *tok = v201_obj(req, "idToken");
	int has_cert = gw_json_get_str(req, "certificate", NULL) ||
		       v201_arr(req, "iso15118CertificateHashData");
	char id[VOCAB_TOKEN_MAX + 1], type[21];
	struct auth_info auth = {0};
	struct json_object *resp;
	int rc;

	v201_id_token(tok, id, type);
	if ((rc = domain_authorize(ctx->domain, &ctx->src, id, type, &auth)))
		return rc;
	if (has_cert && auth.status == AUTH_ACCEPTED) {
		gw_log(GW_LOG_NOTICE, "cp=%s msg=%s action=Authorize contract certificate not verifiable: Invalid",
		       ctx->src.identity, ctx->src.msg_id);
		auth.status = AUTH_INVALID;
	}
	resp = json_object_new_object();
	v201_put(&rc, resp, "idTokenInfo", v201_id_token_info(&auth));
	if (has_cert)
		v201_put_str(&rc, resp, "certificateStatus", "CertChainError");
	return v201_respond(ctx, resp, rc);
}
