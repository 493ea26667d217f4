/* SPDX-License-Identifier: MIT
 *
 * env.h - process-wide handles, made by main.c and borrowed by everyone
 * below it for the life of the process.  There is no other global state:
 * anything that must survive a restart or be shared between nodes lives in
 * the store (DESIGN.md "Scale").
 */
#ifndef CORE_ENV_H
#define CORE_ENV_H

struct gw_config;
struct store;
struct domain;
struct schema_set;
struct transport;
struct dispatch;

struct gw_env {
	const struct gw_config *cfg;
	struct store *store;
	struct domain *domain;
	struct schema_set *schemas_16;  /* schemas/ocpp1.6 */
	struct schema_set *schemas_201; /* schemas/ocpp2.0.1 */
	struct transport *transport;
	struct dispatch *dispatch;
};

#endif
