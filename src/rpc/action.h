/* SPDX-License-Identifier: MIT
 *
 * action.h - the contract between the dispatcher and the per-version
 * handler tables (ocpp16/actions.c, ocpp201/actions.c).
 *
 * Each version has one sorted static const array of struct action_row,
 * searched with bsearch (action_find).  The dispatcher enforces the row's
 * flags in one place, the way Redis processCommand enforces CMD_WRITE:
 *   - the request payload is validated against "<Action>Request" before the
 *     handler runs, the response against "<Action>Response" in tests;
 *   - ACT_TX: transaction-related; the reply leaves only after the store
 *     commit, and a storage failure closes the connection instead of a
 *     CALLERROR (PROTOCOL.md 1.4 rule 3);
 *   - without ACT_PRE_BOOT a CALL from a pile whose BootNotification was not
 *     Accepted gets SecurityError (2.0.1, errata 3.10) ;
 *   - a row with handler == NULL is known but not supported: NotSupported.
 * A missing row answers NotImplemented.
 *
 * Handlers translate the payload into the normalized vocabulary (vocab.h),
 * call the domain, and build the response payload.  They never touch
 * sockets, never commit, and never send a CALLERROR for a business refusal.
 */
#ifndef RPC_ACTION_H
#define RPC_ACTION_H
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/gw_ocpp.h"
#include "domain/domain.h"

struct gw_env;    /* process-wide handles, owned by main (core/env.h) */
struct pile_conn; /* per-connection state, owned by the dispatcher */

enum action_flags {
	ACT_TX = 1u << 0,        /* transaction-related: commit before reply */
	ACT_PRE_BOOT = 1u << 1,  /* allowed before BootNotification was Accepted */
	ACT_FROM_PILE = 1u << 2, /* the pile sends it (we answer) */
	ACT_TO_PILE = 1u << 3,   /* we send it (the pile answers) */
};

/* Lives for one inbound CALL. */
struct action_ctx {
	struct gw_env *env;
	struct domain *domain;
	struct domain_src src;      /* identity, msg id, frame seq, recv time */
	enum ocpp_version version;
	struct pile_conn *conn;
	enum reg_status *registration; /* the connection's boot state; BootNotification sets it */
	struct json_object *response;  /* set by the handler: CALLRESULT payload, owned by ctx */
	char err_desc[128];            /* optional detail when the handler returns an error */
};

/* Returns GW_OK with ctx->response set, or a GW_E* code that the dispatcher
 * maps to a CALLERROR (GW_ESTORE on an ACT_TX row closes the connection). */
typedef int action_fn(struct action_ctx *ctx, struct json_object *req);

struct action_row {
	const char *name; /* exact OCPP action name; rows sorted by strcmp */
	action_fn *handler;
	unsigned flags;
};

struct action_table {
	enum ocpp_version version;
	const struct action_row *rows;
	size_t n_rows;
};

/* bsearch in the table; NULL if the action is unknown. */
const struct action_row *action_find(const struct action_table *t, const char *name);

/* Tables, one per version (ocpp16/actions.c, ocpp201/actions.c). */
extern const struct action_table v16_actions;
extern const struct action_table v201_actions;

#endif
