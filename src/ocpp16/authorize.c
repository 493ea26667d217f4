/* SPDX-License-Identifier: MIT
 *
 * authorize.c - Authorize.req -> domain_authorize -> {idTagInfo}.
 *
 * 1.6 tokens carry no type: the domain gets id_token_type "".  A refusal
 * is a CALLRESULT with a refusing status, never a CALLERROR (PROTOCOL.md
 * 1.2).  An idTag longer than any token we can hold (VOCAB_TOKEN_MAX bytes)
 * is no token we know: Invalid, without asking the domain.
 */
#include "common/gw_err.h"
#include "ocpp16/v16.h"

int v16_authorize(struct action_ctx *ctx, struct json_object *req)
{
	char tag[VOCAB_TOKEN_MAX + 1];
	struct auth_info a = {.status = AUTH_INVALID};
	struct json_object *resp;
	int rc;

	if (v16_copy_token(req, "idTag", tag) == 1) {
		rc = domain_authorize(ctx->domain, &ctx->src, tag, "", &a);
		if (rc != GW_OK)
			return v16_domain_failed(ctx, "domain_authorize", rc);
	}
	resp = json_object_new_object();
	rc = resp ? v16_add_id_tag_info(resp, &a) : GW_ENOMEM;
	return v16_reply(ctx, resp, rc);
}
