/* SPDX-License-Identifier: MIT
 *
 * status.c - StatusNotification: current connector state plus one history
 * row per report (the detectors read the history; DESIGN.md "Close on end
 * messages only": a status never ends a transaction).
 */
#include "domain/domain_int.h"

int domain_status(struct domain *d, const struct domain_src *src, const struct status_report *r)
{
	return store_connector_set(d->st, src->identity, r, CONN_SRC_STATUS, src->recv_ms,
				   src->frame_seq);
}
