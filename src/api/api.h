/* SPDX-License-Identifier: MIT
 *
 * api.h - the operator HTTP API (DESIGN.md "Who uses it"; issue 5).
 *
 * REST resources over the transport's HTTP listener: bearer tokens from
 * the config with scopes read / operate / review, a route table
 * {method, pattern, handler, scope} (routes.c), JSON errors
 * {"error":{"code","message"}} from one map (errors.c).  Runs on the loop
 * thread; reads go straight to the store, changes join the group commit.
 */
#ifndef API_API_H
#define API_API_H

struct gw_env;

/* Start the listener on cfg->api_address:cfg->api_port unless api_port is
 * -1 (off: GW_OK, nothing done).  Prints "LISTENING name=api port=N" on
 * stdout (tests read it).  env is borrowed and must outlive the transport;
 * env->transport must exist.  GW_OK, GW_ECONFIG (port in use), GW_ENOMEM.
 * Nothing to free: the listener goes with transport_free(). */
int api_start(struct gw_env *env);

#endif
