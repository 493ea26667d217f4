/* SPDX-License-Identifier: MIT
 *
 * store_sqlite_samples.c - meter samples, normalized value plus the raw
 * measurand and unit as sent.
 *
 * A sample whose transaction we do not know yet keeps tx_id NULL and the
 * pile's transactionId text, so a later pass can attach it (index
 * ms_pile_tx_at).  Reads order by pile time, then arrival, which is the
 * timeline the detectors walk.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

/* A resent sample (same pile, place, time, measurand, phase, location,
 * context, value and transaction) is kept once.  The check is a query of
 * its own, on the index that also serves the reads: ms_tx (tx_id, pile_ms)
 * for a sample of a known transaction, ms_pile_tx_at (pile, pile_tx_id,
 * pile_ms) for the others (migrate.c v6); a partial index is used only by
 * a query whose WHERE implies its own, hence two of them.  Then a plain
 * one-row INSERT: an INSERT ... SELECT that reads its own table copies
 * the row through a throw-away b-tree and opens a statement journal. */
#define SAMPLE_SAME                                                                  \
	" AND pile_ms = ?14 AND pile = ?1 AND connector_id = ?5 AND measurand_raw = ?7" \
	" AND evse_id = ?4 AND context = ?8 AND value = ?9 AND phase = ?11"            \
	" AND location = ?12 AND unit_raw = ?10 AND signed_data = ?13"                 \
	" AND pile_tx_id = ?3 LIMIT 1"

static void bind_sample(sqlite3_stmt *stmt, const struct sample_ctx *ctx,
			const struct meter_sample *m)
{
	store_sqlite_bind_text(stmt, 1, ctx->pile);
	store_sqlite_bind_opt_i64(stmt, 2, ctx->tx_id != 0, ctx->tx_id);
	store_sqlite_bind_text(stmt, 3, ctx->pile_tx_id);
	sqlite3_bind_int(stmt, 4, m->evse_id);
	sqlite3_bind_int(stmt, 5, m->connector_id);
	store_sqlite_bind_text(stmt, 6, store_meas_name(m->measurand));
	store_sqlite_bind_text(stmt, 7, m->measurand_raw);
	store_sqlite_bind_text(stmt, 8, store_ctx_name(m->context));
	sqlite3_bind_double(stmt, 9, m->value);
	store_sqlite_bind_text(stmt, 10, m->unit_raw);
	store_sqlite_bind_text(stmt, 11, m->phase);
	store_sqlite_bind_text(stmt, 12, m->location);
	sqlite3_bind_int(stmt, 13, m->signed_data);
	sqlite3_bind_int64(stmt, 14, m->pile_ms);
	sqlite3_bind_int64(stmt, 15, ctx->recv_ms);
	sqlite3_bind_int64(stmt, 16, ctx->frame_seq);
}

/* GW_OK when m is stored already (a resend), GW_ENOTFOUND when not. */
static int sample_seen(struct sq_store *s, const struct sample_ctx *ctx,
		       const struct meter_sample *m)
{
	sqlite3_stmt *stmt;
	int rc;

	if (ctx->tx_id != 0)
		stmt = store_sqlite_prep(s, SQ_SAMPLE_SEEN,
					 "SELECT 1 FROM meter_samples WHERE tx_id = ?2" SAMPLE_SAME);
	else
		stmt = store_sqlite_prep(s, SQ_SAMPLE_SEEN_NO_TX,
					 "SELECT 1 FROM meter_samples WHERE tx_id IS NULL"
					 SAMPLE_SAME);
	if (!stmt)
		return GW_ESTORE;
	bind_sample(stmt, ctx, m); /* SQLITE_RANGE for ?15, ?16: ignored */
	rc = store_sqlite_step_row(s, stmt, "sample seen");
	sqlite3_reset(stmt);
	return rc;
}

int store_sqlite_samples_insert(struct store *st, const struct sample_ctx *ctx,
				const struct meter_sample *smp, size_t n)
{
	struct sq_store *s = sq(st);
	sqlite3_stmt *stmt;
	int rc = GW_OK;

	for (size_t i = 0; i < n && rc == GW_OK; i++) {
		rc = sample_seen(s, ctx, &smp[i]);
		if (rc == GW_OK)
			continue; /* a resend: kept once */
		if (rc != GW_ENOTFOUND)
			return rc;
		stmt = store_sqlite_prep(s, SQ_SAMPLE_INSERT,
					 "INSERT INTO meter_samples(pile, tx_id, pile_tx_id, evse_id,"
					 " connector_id, measurand, measurand_raw, context, value,"
					 " unit_raw, phase, location, signed_data, pile_ms, recv_ms,"
					 " frame_seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
					 " ?11, ?12, ?13, ?14, ?15, ?16)");
		if (!stmt)
			return GW_ESTORE;
		bind_sample(stmt, ctx, &smp[i]);
		rc = store_sqlite_exec(s, stmt, "sample insert");
	}
	return rc;
}

static void read_row(sqlite3_stmt *stmt, struct sample_row *r)
{
	char word[24];

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(stmt, 0);
	r->tx_id = sqlite3_column_int64(stmt, 1);
	SQ_TEXT(stmt, 2, r->pile_tx_id);
	r->s.evse_id = sqlite3_column_int(stmt, 3);
	r->s.connector_id = sqlite3_column_int(stmt, 4);
	SQ_TEXT(stmt, 5, word);
	r->s.measurand = store_meas_parse(word);
	SQ_TEXT(stmt, 6, r->s.measurand_raw);
	SQ_TEXT(stmt, 7, word);
	r->s.context = store_ctx_parse(word);
	r->s.value = sqlite3_column_double(stmt, 8);
	SQ_TEXT(stmt, 9, r->s.unit_raw);
	SQ_TEXT(stmt, 10, r->s.phase);
	SQ_TEXT(stmt, 11, r->s.location);
	r->s.signed_data = sqlite3_column_int(stmt, 12);
	r->s.pile_ms = sqlite3_column_int64(stmt, 13);
	r->recv_ms = sqlite3_column_int64(stmt, 14);
	r->frame_seq = sqlite3_column_int64(stmt, 15);
}

int store_sqlite_samples_by_tx(struct store *st, int64_t tx_id, size_t max,
			       struct sample_row **rows, size_t *n)
{
	struct sq_store *s = sq(st);
	struct sample_row *buf = NULL, *grown;
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc = GW_OK;

	*rows = NULL;
	*n = 0;
	stmt = store_sqlite_prep(s, SQ_SAMPLE_BY_TX,
				 "SELECT id, tx_id, pile_tx_id, evse_id, connector_id, measurand,"
				 " measurand_raw, context, value, unit_raw, phase, location,"
				 " signed_data, pile_ms, recv_ms, frame_seq FROM meter_samples"
				 " WHERE tx_id = ?1 AND tx_id IS NOT NULL ORDER BY pile_ms, id"
				 " LIMIT ?2");
	if (!stmt)
		return GW_ESTORE;
	sqlite3_bind_int64(stmt, 1, tx_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)max);
	while (*n < max && (rc = store_sqlite_step_row(s, stmt, "samples by tx")) == GW_OK) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = gw_realloc(buf, cap * sizeof(*buf));
			if (!grown) {
				rc = GW_ENOMEM;
				goto out;
			}
			buf = grown;
		}
		read_row(stmt, &buf[(*n)++]);
	}
	if (rc == GW_ENOTFOUND)
		rc = GW_OK;
out:
	sqlite3_reset(stmt);
	if (rc != GW_OK || *n == 0) {
		GW_FREE(buf);
		*n = 0;
	}
	*rows = buf;
	return rc;
}
