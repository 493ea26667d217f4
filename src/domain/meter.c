/* SPDX-License-Identifier: MIT
 *
 * meter.c - MeterValues and the samples attached to transaction messages.
 *
 * A sample is attached to our transaction only when that transaction
 * belongs to the reporting pile.  Otherwise it is still stored, with tx
 * NULL and the id the pile used kept as text in pile_tx_id (2.0.1: its
 * transactionId; 1.6: the decimal transactionId it claimed), so nothing a
 * pile reports is dropped and a later pass or detector can attach it.
 * Samples of a known transaction then move its order (order.c): the
 * sub-state while it is open, a re-judgement once it is settled.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/order.h"

int domain_store_samples(struct domain *d, const struct domain_src *src, int64_t tx_id,
			 const char *pile_tx_id, const struct meter_sample *s, size_t n)
{
	struct sample_ctx ctx = {
		.pile = src->identity,
		.tx_id = tx_id,
		.pile_tx_id = pile_tx_id,
		.recv_ms = src->recv_ms,
		.frame_seq = src->frame_seq,
	};
	struct meter_sample *placed = NULL;
	struct tx_row tx;
	int rc;

	if (n == 0)
		return GW_OK;
	/* A 1.6 StopTransaction's transactionData and a 2.0.1 event naming no
	 * EVSE carry no place: the samples belong on the transaction's
	 * connector, not on connector 0 (the main meter). */
	if (tx_id && store_tx_get(d->st, tx_id, &tx) == GW_OK && (tx.evse_id || tx.connector_id)) {
		for (size_t i = 0; i < n && !placed; i++)
			if (!s[i].evse_id && !s[i].connector_id)
				placed = gw_malloc(n * sizeof(*placed));
		if (placed) {
			memcpy(placed, s, n * sizeof(*placed));
			for (size_t i = 0; i < n; i++) {
				if (!placed[i].evse_id && !placed[i].connector_id) {
					placed[i].evse_id = tx.evse_id;
					placed[i].connector_id = tx.connector_id;
				}
			}
			s = placed;
		}
	}
	rc = store_samples_insert(d->st, &ctx, s, n);
	gw_free(placed);
	return rc;
}

/* 1.6: our id if it is this pile's (a known orphan row counts too). */
static int resolve16(struct domain *d, const char *pile, int64_t claimed, int64_t *tx_id)
{
	struct tx_row tx;
	int rc = store_tx_get(d->st, claimed, &tx);

	if (rc == GW_OK && strcmp(tx.pile, pile) == 0 && !tx.pile_tx_id[0] && !tx.orphan) {
		*tx_id = tx.id;
		return GW_OK;
	}
	if (rc != GW_OK && rc != GW_ENOTFOUND)
		return rc;
	rc = store_tx_get_orphan(d->st, pile, claimed, &tx);
	if (rc == GW_OK)
		*tx_id = tx.id;
	return rc == GW_ENOTFOUND ? GW_OK : rc;
}

int domain_meter_values(struct domain *d, const struct domain_src *src, int64_t tx_id,
			const char *pile_tx_id, const struct meter_sample *samples, size_t n)
{
	struct tx_row tx;
	char claimed[24] = "";
	int64_t ours = 0;
	int rc = GW_OK;

	if (pile_tx_id && pile_tx_id[0]) {
		rc = store_tx_get_by_pile_tx(d->st, src->identity, pile_tx_id, &tx);
		if (rc == GW_OK)
			ours = tx.id;
		else if (rc != GW_ENOTFOUND)
			return rc;
	} else if (tx_id != 0) {
		if ((rc = resolve16(d, src->identity, tx_id, &ours)) != GW_OK)
			return rc;
		if (!ours)
			snprintf(claimed, sizeof(claimed), "%" PRId64, tx_id);
		pile_tx_id = claimed;
	}
	if ((rc = domain_store_samples(d, src, ours, pile_tx_id, samples, n)) != GW_OK || !ours)
		return rc;
	/* the order's sub-state, or a re-judgement when it is settled */
	{
		struct order_ctx c = {.src = src, .now_ms = src->recv_ms};

		if ((rc = store_tx_get(d->st, ours, &tx)) != GW_OK)
			return rc;
		return order_on_tx_update(d, &c, &tx, NULL, samples, n, NULL);
	}
}
