/* SPDX-License-Identifier: MIT
 *
 * piles.c - GET /v1/piles (cursor by identity) and GET /v1/piles/{id}
 * (with connectors): what the store knows plus the live session.  Removed
 * piles are not listed (the store skips them).  Changes to piles live in
 * pile_admin.c and pile_password.c.
 */
#include <string.h>

#include "api/api_int.h"
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "core/env.h"
#include "domain/vocab.h"
#include "store/store_api.h"
#include "transport/transport.h"

#define PILE_CONNECTORS_MAX 64

static const char *reg_word(enum reg_status s)
{
	return s == REG_PENDING ? "Pending" : s == REG_REJECTED ? "Rejected" : "Accepted";
}

static const char *version_word(int v)
{
	return v == OCPP_16 ? "1.6" : v == OCPP_201 ? "2.0.1" : NULL;
}

static const char *plug_word(enum plug_evidence p)
{
	return p == PLUG_YES ? "yes" : p == PLUG_NO ? "no" : "unknown";
}

struct json_object *api_pile_json(struct api_ctx *c, const struct pile_row *p)
{
	struct json_object *o = json_object_new_object(), *boot = json_object_new_object();
	struct ws_session *s = transport_session_find(c->env->transport, p->identity);
	const char *v = version_word(s ? (int)session_version(s) : p->ocpp_version);

	api_add_str(o, "identity", p->identity);
	api_add_str(o, "registration", reg_word(p->reg_status));
	api_add_i64(o, "min_security_profile", p->min_security_profile);
	api_add_bool(o, "online", s != NULL);
	json_object_object_add(o, "ocpp_version", v ? json_object_new_string(v) : NULL);
	api_add_bool(o, "has_password", p->password.present);
	api_add_bool(o, "password_rotation_pending", p->pending.present);
	api_add_str(boot, "vendor", p->boot.vendor);
	api_add_str(boot, "model", p->boot.model);
	api_add_str(boot, "serial", p->boot.serial);
	api_add_str(boot, "firmware", p->boot.firmware);
	json_object_object_add(o, "boot", boot);
	api_add_time(o, "registered_at", p->first_seen_ms);
	api_add_time(o, "last_boot_at", p->last_boot_ms);
	api_add_time(o, "last_seen_at", p->last_seen_ms);
	if (s) {
		struct json_object *ss = json_object_new_object();

		api_add_str(ss, "peer", session_peer(s));
		api_add_i64(ss, "security_profile", session_security_profile(s));
		json_object_object_add(o, "session", ss);
	} else {
		json_object_object_add(o, "session", NULL);
	}
	return o;
}

int api_piles_list(struct api_ctx *c)
{
	char after[GW_IDENTITY_MAX + 1];
	struct pile_row *rows;
	struct json_object *items;
	size_t limit, n = 0;
	int rc;

	if ((rc = api_query_limit(c, &limit)) != GW_OK)
		return rc;
	api_query(c->rq->query, "cursor", after, sizeof(after));
	rows = gw_calloc(limit, sizeof(*rows));
	if (!rows)
		return GW_ENOMEM;
	rc = store_pile_list(c->env->store, after, rows, limit, &n);
	if (rc != GW_OK) {
		gw_free(rows);
		return rc;
	}
	c->body = json_object_new_object();
	items = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(items, api_pile_json(c, &rows[i]));
	json_object_object_add(c->body, "items", items);
	json_object_object_add(c->body, "next_cursor",
			       n == limit ? json_object_new_string(rows[n - 1].identity) : NULL);
	gw_free(rows);
	return GW_OK;
}

int api_pile_get(struct api_ctx *c)
{
	struct pile_row p;
	struct connector_row *cr;
	struct json_object *arr;
	size_t n = 0;
	int rc = api_pile_load(c, c->param[0], &p);

	if (rc != GW_OK)
		return rc;
	cr = gw_calloc(PILE_CONNECTORS_MAX, sizeof(*cr));
	if (!cr)
		return GW_ENOMEM;
	rc = store_api_connectors(c->env->store, p.identity, cr, PILE_CONNECTORS_MAX, &n);
	if (rc != GW_OK) {
		gw_free(cr);
		return rc;
	}
	c->body = api_pile_json(c, &p);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		api_add_i64(o, "evse_id", cr[i].evse_id);
		api_add_i64(o, "connector_id", cr[i].connector_id);
		api_add_str(o, "state", conn_state_name(cr[i].state));
		api_add_str(o, "plugged", plug_word(cr[i].plugged));
		api_add_str(o, "error_code", cr[i].error_code);
		api_add_str(o, "info", cr[i].info);
		api_add_time(o, "pile_time", cr[i].pile_ms);
		api_add_time(o, "received_at", cr[i].recv_ms);
		json_object_array_add(arr, o);
	}
	json_object_object_add(c->body, "connectors", arr);
	gw_free(cr);
	return GW_OK;
}
