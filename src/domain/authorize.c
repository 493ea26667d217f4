/* SPDX-License-Identifier: MIT
 *
 * authorize.c - id token decisions: Authorize and the idTagInfo of a start.
 *
 * Order of the checks: dev mode (accept_all_tokens) -> known token ->
 * expiry against the receive time -> the stored status word -> for a start
 * only, ConcurrentTx when the token already charges on another connector.
 * An unknown token is AUTH_INVALID; the 2.0.1 handler may spell it Unknown.
 * ConcurrentTx is not applied to a plain Authorize: a driver presenting the
 * tag to stop his own session must not be refused.
 */
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/domain_int.h"

/* The id_tokens.status words (config seeds, API). */
static const struct {
	const char *word;
	enum auth_status status;
} status_words[] = {
	{"Accepted", AUTH_ACCEPTED}, {"Blocked", AUTH_BLOCKED},
	{"Expired", AUTH_EXPIRED},   {"Invalid", AUTH_INVALID},
	{"ConcurrentTx", AUTH_CONCURRENT_TX}, {"Unknown", AUTH_UNKNOWN},
	{"NoCredit", AUTH_NO_CREDIT},
};

static enum auth_status parse_status(const char *word)
{
	for (size_t i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++)
		if (strcmp(status_words[i].word, word) == 0)
			return status_words[i].status;
	return AUTH_INVALID; /* a word we do not know never grants access */
}

/* ConcurrentTx: an open transaction of the token other than self on another
 * connector; GW_OK with *busy set, or a store code. */
static int concurrent(struct domain *d, const char *id_token, const char *pile, int evse,
		      int connector, int64_t self_tx_id, int *busy)
{
	struct tx_row tx;
	int rc = store_tx_find_open_by_token(d->st, id_token, &tx);

	*busy = 0;
	if (rc == GW_ENOTFOUND)
		return GW_OK;
	if (rc != GW_OK)
		return rc;
	*busy = tx.id != self_tx_id &&
		(strcmp(tx.pile, pile) != 0 || tx.evse_id != evse || tx.connector_id != connector);
	return GW_OK;
}

int domain_auth_lookup(struct domain *d, const char *id_token, int64_t recv_ms,
		       const char *start_pile, int start_evse, int start_connector,
		       int64_t self_tx_id, struct auth_info *out)
{
	struct token_row tok;
	int busy = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (d->cfg->accept_all_tokens) {
		out->status = AUTH_ACCEPTED;
		return GW_OK;
	}
	rc = store_token_get(d->st, id_token ? id_token : "", &tok);
	if (rc == GW_ENOTFOUND) {
		out->status = AUTH_INVALID;
		return GW_OK;
	}
	if (rc != GW_OK)
		return rc;
	out->status = parse_status(tok.status);
	out->expiry_ms = tok.expiry_ms;
	memcpy(out->group_id, tok.group_id, sizeof(out->group_id));
	if (tok.expiry_ms && tok.expiry_ms < recv_ms)
		out->status = AUTH_EXPIRED;
	if (out->status == AUTH_ACCEPTED && start_pile) {
		rc = concurrent(d, id_token, start_pile, start_evse, start_connector, self_tx_id, &busy);
		if (rc != GW_OK)
			return rc;
		if (busy)
			out->status = AUTH_CONCURRENT_TX;
	}
	return GW_OK;
}

int domain_authorize(struct domain *d, const struct domain_src *src, const char *id_token,
		     const char *id_token_type, struct auth_info *out)
{
	int rc;

	(void)id_token_type; /* kept in the raw frame; no type-specific rule yet */
	rc = domain_auth_lookup(d, id_token, src->recv_ms, NULL, 0, 0, 0, out);
	if (rc == GW_OK)
		gw_log(GW_LOG_DEBUG, "cp=%s msg=%s action=Authorize status=%d", src->identity,
		       src->msg_id, (int)out->status);
	return rc;
}
