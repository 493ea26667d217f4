/* SPDX-License-Identifier: MIT
 *
 * loop_env.c - main.c's wiring over the loopback transport (loop_env.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "core/dispatch.h"
#include "domain/domain.h"
#include "loopback/loop_env.h"
#include "schema/schema.h"
#include "store/store.h"

#ifndef OCPPGW_SOURCE_DIR
#define OCPPGW_SOURCE_DIR "."
#endif

static const char *source_root(const char *root)
{
	const char *env = getenv("OCPPGW_SOURCE_DIR");

	if (root)
		return root;
	return env && env[0] ? env : OCPPGW_SOURCE_DIR;
}

int loop_schemas_load(const char *root, struct schema_set **s16, struct schema_set **s201)
{
	char dir[GW_PATH_MAX + 32], err[256];
	int rc;

	*s16 = *s201 = NULL;
	snprintf(dir, sizeof(dir), "%s/schemas/ocpp1.6", source_root(root));
	rc = schema_set_load(dir, s16, err, sizeof(err));
	if (rc == GW_OK) {
		snprintf(dir, sizeof(dir), "%s/schemas/ocpp2.0.1", source_root(root));
		rc = schema_set_load(dir, s201, err, sizeof(err));
	}
	if (rc != GW_OK) {
		fprintf(stderr, "loop_schemas_load: %s: %s\n", dir, err);
		schema_set_free(*s16);
		*s16 = NULL;
	}
	return rc;
}

void loop_env_defaults(struct loop_env *le)
{
	const char *lvl = getenv("OCPPGW_TEST_LOG");

	memset(le, 0, sizeof(*le));
	config_defaults(&le->cfg);
	snprintf(le->cfg.db_path, sizeof(le->cfg.db_path), ":memory:");
	snprintf(le->cfg.schema_dir, sizeof(le->cfg.schema_dir), "%s/schemas", source_root(NULL));
	snprintf(le->cfg.ca_cert, sizeof(le->cfg.ca_cert), "%s/certs/dev/ca.pem", source_root(NULL));
	snprintf(le->cfg.ca_key, sizeof(le->cfg.ca_key), "%s/certs/dev/ca.key", source_root(NULL));
	le->cfg.validate_outbound = 1;
	gw_log_level = lvl && lvl[0] ? gw_log_level_parse(lvl) : GW_LOG_ERR;
}

int loop_env_start(struct loop_env *le, struct schema_set *s16, struct schema_set *s201)
{
	struct transport_hooks hooks;
	int rc;

	le->env.cfg = &le->cfg;
	le->env.schemas_16 = s16;
	le->env.schemas_201 = s201;
	rc = store_sqlite_open(le->cfg.db_path, le->cfg.db_busy_timeout_ms, &le->env.store);
	if (rc == GW_OK)
		rc = domain_new(le->env.store, &le->cfg, &le->env.domain);
	if (rc == GW_OK)
		rc = dispatch_new(&le->env, &le->env.dispatch);
	if (rc == GW_OK) {
		dispatch_hooks(le->env.dispatch, &hooks);
		le->loop = loop_new(&hooks);
		le->env.transport = le->loop;
		if (!le->loop)
			rc = GW_ENOMEM;
	}
	if (rc != GW_OK)
		loop_env_stop(le);
	return rc;
}

void loop_env_stop(struct loop_env *le)
{
	loop_free(le->loop); /* on_close for every open session */
	le->loop = NULL;
	le->env.transport = NULL;
	/* a turn left open (a test that never ran loop_turn) is rolled back by
	 * store_close */
	dispatch_free(le->env.dispatch);
	le->env.dispatch = NULL;
	domain_free(le->env.domain);
	le->env.domain = NULL;
	store_close(le->env.store);
	le->env.store = NULL;
	config_cleanup(&le->cfg);
}

int loop_env_token(struct loop_env *le, const char *id, const char *status)
{
	struct token_row row;
	int rc;

	memset(&row, 0, sizeof(row));
	snprintf(row.id, sizeof(row.id), "%s", id);
	snprintf(row.status, sizeof(row.status), "%s", status);
	rc = store_begin(le->env.store);
	if (rc == GW_OK)
		rc = store_token_upsert(le->env.store, &row);
	if (rc == GW_OK)
		return store_commit(le->env.store);
	store_rollback(le->env.store);
	return rc;
}

int loop_env_pile(struct loop_env *le, const char *identity, enum reg_status reg)
{
	struct pile_row row;
	int rc;

	memset(&row, 0, sizeof(row));
	snprintf(row.identity, sizeof(row.identity), "%s", identity);
	row.reg_status = reg;
	row.first_seen_ms = 1;
	rc = store_begin(le->env.store);
	if (rc == GW_OK)
		rc = store_pile_insert(le->env.store, &row);
	if (rc == GW_OK)
		return store_commit(le->env.store);
	store_rollback(le->env.store);
	return rc;
}
