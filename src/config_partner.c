/* SPDX-License-Identifier: MIT
 *
 * config_partner.c - the partners list:
 *
 *   partners = ( { name = "chargeapp"; url = "https://hooks.example/ocppgw";
 *                  secret = "..."; token_prefixes = "CA-,04CA"; groups = "CHARGEAPP"; } );
 *
 * An order belongs to the partner whose prefix starts its id token, else
 * whose group is the token's group (DESIGN.md "Partners and disputes").
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "common/gw_err.h"
#include "config_int.h"

int config_read_partners(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen)
{
	static const char *const known[] = { "name", "url", "secret", "token_prefixes", "groups", NULL };
	int n = config_setting_length(list);

	if (!config_setting_is_list(list) || n > GW_CONFIG_MAX_PARTNERS)
		return BAD(list, "partners", "expected a list of at most 16 partner groups");
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
		struct gw_partner *p = &cfg->partners[i];
		int rc;

		memset(p, 0, sizeof(*p));
		if ((rc = config_check_members(el, known, err, errlen)) ||
		    (rc = config_member_str(el, "name", p->name, sizeof(p->name), err, errlen)) ||
		    (rc = config_member_str(el, "url", p->url, sizeof(p->url), err, errlen)) ||
		    (rc = config_member_str(el, "secret", p->secret, sizeof(p->secret), err, errlen)) ||
		    (rc = config_member_str(el, "token_prefixes", p->token_prefixes, sizeof(p->token_prefixes),
					    err, errlen)) ||
		    (rc = config_member_str(el, "groups", p->groups, sizeof(p->groups), err, errlen)))
			return rc;
		if (!p->name[0] || strspn(p->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
					   strlen(p->name))
			return BAD(el, "name", "letters, digits, '-' and '_' only (it appears in URLs)");
		if (strncmp(p->url, "http://", 7) && strncmp(p->url, "https://", 8))
			return BAD(el, "url", "an http:// or https:// URL");
		if (strlen(p->secret) < 16)
			return BAD(el, "secret", "at least 16 characters (HMAC-SHA256 key)");
		for (int j = 0; j < i; j++)
			if (!strcmp(cfg->partners[j].name, p->name))
				return BAD(el, "name", "two partners with the same name");
	}
	cfg->n_partners = n;
	return GW_OK;
}

/* 1 if word is one of the comma-separated items of list (as a prefix of
 * word when prefix is set). */
static int list_has(const char *list, const char *word, int prefix)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		if (len && (prefix ? !strncmp(word, p, len) : (strlen(word) == len && !strncmp(word, p, len))))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

const struct gw_partner *config_partner_for_token(const struct gw_config *cfg, const char *id_token,
						 const char *group_id)
{
	if (!id_token || !id_token[0])
		return NULL;
	for (int i = 0; i < cfg->n_partners; i++)
		if (list_has(cfg->partners[i].token_prefixes, id_token, 1))
			return &cfg->partners[i];
	for (int i = 0; group_id && group_id[0] && i < cfg->n_partners; i++)
		if (list_has(cfg->partners[i].groups, group_id, 0))
			return &cfg->partners[i];
	return NULL;
}

/* api: { tokens = ( { name = "ops"; token = "..."; scopes = "read,operate"; } ); }
 * The token text is hashed at once and never kept: a config dump or a core
 * file shows only the SHA-256. */
int config_read_api_tokens(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen)
{
	static const char *const known[] = { "name", "token", "scopes", NULL };
	int n = config_setting_length(list);

	if (!config_setting_is_list(list) || n > GW_CONFIG_MAX_API_TOKENS)
		return BAD(list, "api.tokens", "expected a list of at most 32 token groups");
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
		struct gw_api_token *t = &cfg->api_tokens[i];
		char token[256] = "", scopes[64] = "read";
		int rc;

		memset(t, 0, sizeof(*t));
		if ((rc = config_check_members(el, known, err, errlen)) ||
		    (rc = config_member_str(el, "name", t->name, sizeof(t->name), err, errlen)) ||
		    (rc = config_member_str(el, "token", token, sizeof(token), err, errlen)) ||
		    (rc = config_member_str(el, "scopes", scopes, sizeof(scopes), err, errlen)))
			return rc;
		if (strlen(token) < 16)
			return BAD(el, "token", "at least 16 characters");
		SHA256((const unsigned char *)token, strlen(token), t->sha256);
		OPENSSL_cleanse(token, sizeof(token));
		t->scopes = (list_has(scopes, "read", 0) ? GW_SCOPE_READ : 0) |
			    (list_has(scopes, "operate", 0) ? GW_SCOPE_OPERATE : 0) |
			    (list_has(scopes, "review", 0) ? GW_SCOPE_REVIEW : 0);
		if (!t->scopes)
			return BAD(el, "scopes", "a comma-separated list of read, operate, review");
	}
	cfg->n_api_tokens = n;
	return GW_OK;
}

/* hooks: { retry_s = [ 60, 300, 1800, 7200, 43200 ]; } */
int config_read_retries(struct gw_config *cfg, const config_setting_t *arr, char *err, size_t errlen)
{
	int n = config_setting_length(arr);

	if (!config_setting_is_array(arr) || n < 1 || n > GW_HOOK_RETRIES_MAX)
		return BAD(arr, "hooks.retry_s", "an array of 1 to 8 waits in seconds, e.g. [ 60, 300 ]");
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(arr, (unsigned)i);
		long long v = config_setting_get_int64(e);
		if (config_setting_type(e) != CONFIG_TYPE_INT || v < 1 || v > 86400)
			return BAD(arr, "hooks.retry_s", "waits are 1 to 86400 seconds");
		cfg->hook_retry_s[i] = (int)v;
	}
	cfg->n_hook_retries = n;
	return GW_OK;
}
