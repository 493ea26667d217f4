/* SPDX-License-Identifier: MIT
 *
 * sim_hist.c - log-linear histogram: bucket index from the position of the
 * highest set bit (the octave) and the next SIM_HIST_SUB_BITS bits (the
 * linear step inside it).  Recording is O(1); a percentile walks the
 * fixed bucket array once.
 */
#include <string.h>

#include "sim_hist.h"

void sim_hist_init(struct sim_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned sim_hist_bucket(uint64_t v)
{
	unsigned msb, shift;

	if (v < 2 * SIM_HIST_SUB)
		return (unsigned)v;
	msb = 63u - (unsigned)__builtin_clzll(v);
	shift = msb - SIM_HIST_SUB_BITS; /* >= 1 here */
	/* v >> shift lies in [SUB, 2*SUB) */
	return 2 * SIM_HIST_SUB + (shift - 1) * SIM_HIST_SUB + (unsigned)((v >> shift) - SIM_HIST_SUB);
}

uint64_t sim_hist_bucket_high(unsigned idx)
{
	unsigned shift;
	uint64_t sub;

	if (idx < 2 * SIM_HIST_SUB)
		return idx;
	shift = (idx - 2 * SIM_HIST_SUB) / SIM_HIST_SUB + 1;
	sub = (idx - 2 * SIM_HIST_SUB) % SIM_HIST_SUB + SIM_HIST_SUB;
	if (shift >= 58 && sub == 2 * SIM_HIST_SUB - 1)
		return UINT64_MAX;
	return ((sub + 1) << shift) - 1;
}

void sim_hist_record(struct sim_hist *h, uint64_t v)
{
	h->counts[sim_hist_bucket(v)]++;
	h->total++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void sim_hist_merge(struct sim_hist *dst, const struct sim_hist *src)
{
	for (unsigned i = 0; i < SIM_HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t sim_hist_percentile(const struct sim_hist *h, double pct)
{
	uint64_t rank, seen = 0, v;

	if (!h->total)
		return 0;
	if (pct <= 0)
		return h->min;
	if (pct >= 100)
		return h->max;
	/* rank of the sample that must be covered, 1-based, rounded up */
	rank = (uint64_t)((pct / 100.0) * (double)h->total);
	if ((double)rank < (pct / 100.0) * (double)h->total)
		rank++;
	if (rank == 0)
		rank = 1;
	for (unsigned i = 0; i < SIM_HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			v = sim_hist_bucket_high(i);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

double sim_hist_mean(const struct sim_hist *h)
{
	return h->total ? h->sum / (double)h->total : 0.0;
}
