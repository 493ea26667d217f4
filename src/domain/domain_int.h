/* SPDX-License-Identifier: MIT
 *
 * domain_int.h - what the domain_*.c files share: struct domain and the
 * helpers one entry point lends another (authorization for a start,
 * storing attached samples, the connector state a tx event implies).
 */
#ifndef DOMAIN_INT_H
#define DOMAIN_INT_H
#include <stdint.h>

#include "domain/domain.h"
#include "store/store.h"

/* One per process (per store); lives from domain_new to domain_free. */
struct domain {
	struct store *st;             /* borrowed */
	const struct gw_config *cfg;  /* borrowed */
	const struct event_sink *sink; /* borrowed; NULL = events are not emitted */
};

/* Answer for id_token at recv_ms.  When start_pile is not NULL this is a
 * start: ConcurrentTx if the token has an open transaction other than
 * self_tx_id on another socket than (start_pile, start_evse,
 * start_connector) of any pile (in 2.0.1 EVSE 1 connector 1 and EVSE 2
 * connector 1 are different sockets; 1.6 passes evse = connector).
 * GW_OK or a store code. */
int domain_auth_lookup(struct domain *d, const char *id_token, int64_t recv_ms,
		       const char *start_pile, int start_evse, int start_connector,
		       int64_t self_tx_id, struct auth_info *out);

/* Store the samples attached to a tx event under tx_id (0 = unknown). */
int domain_store_samples(struct domain *d, const struct domain_src *src, int64_t tx_id,
			 const char *pile_tx_id, const struct meter_sample *s, size_t n);

/* 1.6 and 2.0.1 halves of domain_tx_event (tx16.c, tx201.c). */
int domain_tx16_start(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		      struct tx_result *out);
int domain_tx16_stop(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		     struct tx_result *out);
int domain_tx201_event(struct domain *d, const struct domain_src *src,
		       const struct tx_event *ev, struct tx_result *out);

#endif
