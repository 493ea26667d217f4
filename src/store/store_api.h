/* SPDX-License-Identifier: MIT
 *
 * store_api.h - read queries the operator API needs beyond the ops table
 * (listing with filters, cursor pages, counters for /metrics).
 *
 * Implemented for SQLite in store_sqlite_api.c; on another implementation
 * every call returns GW_ENOTSUPP until it grows the same queries.  Reads
 * only, outside or inside a batch; every value is bound to a prepared
 * statement, nothing is built from input.  Error codes as in store.h.
 */
#ifndef STORE_STORE_API_H
#define STORE_STORE_API_H
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* GW_OK when the store answers a trivial query (healthz). */
int store_api_ping(struct store *st);

/* Order filters; NULL / "" / 0 = not filtered.  Times are started_ms in
 * [from_ms, to_ms). */
struct store_order_filter {
	const char *state;    /* on-disk word: "charging", "completed", ... */
	const char *pile;
	const char *id_token; /* compared case-insensitively */
	int64_t from_ms;
	int64_t to_ms;
	int64_t after_id;     /* cursor: ids greater than this */
};

/* Ids of matching orders by id, at most limit, into ids[]; *n = how many. */
int store_api_order_ids(struct store *st, const struct store_order_filter *f, size_t limit,
			int64_t *ids, size_t *n);

/* Ids of refund cases by id with id > after_id; state, rule, tier NULL or
 * "" = any. */
int store_api_case_ids(struct store *st, const char *state, const char *rule, const char *tier,
		       int64_t after_id, size_t limit, int64_t *ids, size_t *n);

/* Current connectors of pile by (evse, connector), at most cap. */
int store_api_connectors(struct store *st, const char *pile, struct connector_row *rows,
			 size_t cap, size_t *n);

/* One order_events row read back; payload is allocated. */
struct store_event_row {
	int64_t seq;
	int64_t case_id;       /* 0 = none */
	int64_t at_ms;
	int64_t recv_ms;
	char source[12];
	char source_ref[64];
	char type[48];
	char *payload;         /* JSON text, owned by the array */
};

/* Events of order_id (and of its cases) by seq, at most max; *rows
 * allocated (free with store_api_events_free), NULL when *n == 0. */
int store_api_order_events(struct store *st, int64_t order_id, size_t max,
			   struct store_event_row **rows, size_t *n);
void store_api_events_free(struct store_event_row *rows, size_t n);

/* Refund cases whose SLA timers run (opened, under_review, awaiting_info)
 * counted by rule and tier. */
struct store_case_count {
	char rule[STORE_RULE_MAX];
	char tier;
	int64_t count;
};
int store_api_open_case_counts(struct store *st, struct store_case_count *rows, size_t cap,
			       size_t *n);

/* Orders counted by state: counts[ORDER_STATE_COUNT]. */
int store_api_order_state_counts(struct store *st, int64_t counts[ORDER_STATE_COUNT]);

#endif
