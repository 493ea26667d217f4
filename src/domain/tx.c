/* SPDX-License-Identifier: MIT
 *
 * tx.c - domain_tx_event: one entry for the transaction messages of both
 * versions.  A 2.0.1 event carries the pile's transactionId; a 1.6 one
 * carries ours (or none on a start).  The halves live in tx16.c and
 * tx201.c; both follow "accept, then flag" (DESIGN.md): a pile's
 * transaction message is never refused for its content, because the pile
 * would retry it forever or drop it (PROTOCOL.md 1.4 rule 3).
 */
#include <string.h>

#include "common/gw_err.h"
#include "domain/domain_int.h"

int domain_tx_event(struct domain *d, const struct domain_src *src, const struct tx_event *ev,
		    struct tx_result *out)
{
	if (!d || !src || !src->identity || !ev || !out)
		return GW_EINVAL;
	memset(out, 0, sizeof(*out));
	out->auth.status = AUTH_ACCEPTED;
	if (ev->pile_tx_id[0])
		return domain_tx201_event(d, src, ev, out);
	switch (ev->kind) {
	case TX_STARTED:
		return domain_tx16_start(d, src, ev, out);
	case TX_ENDED:
		return domain_tx16_stop(d, src, ev, out);
	default:
		return GW_EINVAL; /* 1.6 has no "updated" message: a handler bug */
	}
}
