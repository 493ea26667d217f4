/* SPDX-License-Identifier: MIT
 *
 * loop_env.h - the gateway as main.c wires it (config, store, schemas,
 * domain, dispatcher) over the loopback transport instead of lws: what the
 * loopback test and the fuzz target share.
 *
 * Lifetime: one struct loop_env per test (or per fuzz input), from
 * loop_env_start() to loop_env_stop().  The schema sets are loaded once per
 * process (loop_schemas_load) and only borrowed here: they are read-only
 * after loading (schema.h).
 */
#ifndef LOOPBACK_LOOP_ENV_H
#define LOOPBACK_LOOP_ENV_H
#include "config.h"
#include "core/env.h"
#include "domain/vocab.h"
#include "loopback/fake_transport.h"

struct schema_set;

struct loop_env {
	struct gw_config cfg;  /* set by loop_env_defaults, adjust before start */
	struct gw_env env;     /* env.transport is the loopback */
	struct transport *loop;
};

/* Load schemas/ocpp1.6 and schemas/ocpp2.0.1 under root (the source tree;
 * NULL = $OCPPGW_SOURCE_DIR, else the compile-time OCPPGW_SOURCE_DIR).
 * GW_OK with both sets (the caller frees them with schema_set_free), or the
 * loader's code (the reason goes to stderr). */
int loop_schemas_load(const char *root, struct schema_set **s16, struct schema_set **s201);

/* config_defaults() plus what a test wants: store ":memory:",
 * validate_outbound on, log level from $OCPPGW_TEST_LOG (default: errors
 * only), pki paths under the source tree. */
void loop_env_defaults(struct loop_env *le);

/* Open the store, domain, dispatcher and the loopback (loop_new), with the
 * borrowed schema sets.  GW_OK, or an error with everything undone. */
int loop_env_start(struct loop_env *le, struct schema_set *s16, struct schema_set *s201);

/* Close every session (on_close), then free dispatcher, domain, store.
 * Safe on a half-started or stopped env. */
void loop_env_stop(struct loop_env *le);

/* Upsert an id token (committed now; call outside a loop turn's batch). */
int loop_env_token(struct loop_env *le, const char *id, const char *status);

/* Register a pile with a registration status (committed now). */
int loop_env_pile(struct loop_env *le, const char *identity, enum reg_status reg);

#endif
