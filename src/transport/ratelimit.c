/* SPDX-License-Identifier: MIT
 *
 * ratelimit.c - failed handshakes per identity per minute.
 *
 * Debian's lws is built without LWS_WITH_PEER_LIMITS (PROTOCOL.md §3.1), so
 * brute force against a pile's password is ours to slow down.  A fixed
 * one-minute window per identity: after `limit` failures the identity is
 * refused (HTTP 429) until the window ends, even with the right password.
 * Only identities that exist are counted (unknown ones get 404 first), and
 * the table is bounded: past max_entries new identities are not tracked
 * until the next sweep (logged by the caller as a storm).
 * Time is gw_clock_mono_ms(), so the unit tests move it by hand.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "transport/transport_int.h"

#define WINDOW_MS 60000

/* One identity with failures in the current window; freed by the sweep. */
struct rl_entry {
	struct rl_entry *next;
	int64_t window_start_ms;
	int count;
	char identity[GW_IDENTITY_MAX + 1];
};

struct ratelimit {
	int limit;
	size_t max_entries, n_entries;
	size_t n_buckets; /* power of two */
	struct rl_entry **b;
};

static size_t hash_id(const char *s)
{
	size_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

struct ratelimit *ratelimit_new(int limit_per_min, size_t max_entries)
{
	struct ratelimit *rl = gw_calloc(1, sizeof(*rl));

	if (!rl)
		return NULL;
	rl->limit = limit_per_min;
	rl->max_entries = max_entries ? max_entries : 1;
	rl->n_buckets = 64;
	while (rl->n_buckets < rl->max_entries / 2 && rl->n_buckets < (1u << 20))
		rl->n_buckets <<= 1;
	rl->b = gw_calloc(rl->n_buckets, sizeof(*rl->b));
	if (!rl->b) {
		gw_free(rl);
		return NULL;
	}
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	for (size_t i = 0; i < rl->n_buckets; i++)
		while (rl->b[i]) {
			struct rl_entry *e = rl->b[i];

			rl->b[i] = e->next;
			gw_free(e);
		}
	gw_free(rl->b);
	gw_free(rl);
}

static struct rl_entry *find(struct ratelimit *rl, const char *id)
{
	struct rl_entry *e = rl->b[hash_id(id) & (rl->n_buckets - 1)];

	while (e && strcmp(e->identity, id))
		e = e->next;
	return e;
}

int ratelimit_blocked(struct ratelimit *rl, const char *identity)
{
	struct rl_entry *e;

	if (!rl || rl->limit <= 0)
		return 0;
	e = find(rl, identity);
	if (!e || gw_clock_mono_ms() - e->window_start_ms >= WINDOW_MS)
		return 0;
	return e->count >= rl->limit;
}

void ratelimit_fail(struct ratelimit *rl, const char *identity)
{
	struct rl_entry *e;
	int64_t now = gw_clock_mono_ms();

	if (!rl || rl->limit <= 0 || strlen(identity) > GW_IDENTITY_MAX)
		return;
	e = find(rl, identity);
	if (!e) {
		size_t i = hash_id(identity) & (rl->n_buckets - 1);

		if (rl->n_entries >= rl->max_entries)
			ratelimit_sweep(rl);
		if (rl->n_entries >= rl->max_entries)
			return;
		e = gw_calloc(1, sizeof(*e));
		if (!e)
			return;
		strcpy(e->identity, identity);
		e->window_start_ms = now;
		e->next = rl->b[i];
		rl->b[i] = e;
		rl->n_entries++;
	}
	if (now - e->window_start_ms >= WINDOW_MS) {
		e->window_start_ms = now;
		e->count = 0;
	}
	e->count++;
}

void ratelimit_sweep(struct ratelimit *rl)
{
	int64_t now = gw_clock_mono_ms();

	if (!rl)
		return;
	for (size_t i = 0; i < rl->n_buckets; i++) {
		struct rl_entry **pp = &rl->b[i];

		while (*pp) {
			struct rl_entry *e = *pp;

			if (now - e->window_start_ms >= WINDOW_MS) {
				*pp = e->next;
				gw_free(e);
				rl->n_entries--;
			} else {
				pp = &e->next;
			}
		}
	}
}

size_t ratelimit_size(const struct ratelimit *rl)
{
	return rl ? rl->n_entries : 0;
}
