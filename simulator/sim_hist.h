/* SPDX-License-Identifier: MIT
 *
 * sim_hist.h - a log-linear latency histogram (the HdrHistogram idea).
 * Values below 64 get a bucket each; above, every power of two is split
 * into 32 linear sub-buckets, so a reported percentile is within 1/32
 * (~3 %) of the true value.  Fixed size, no allocation, mergeable: one per
 * load run, one per action, summed at the end.  Units are the caller's
 * (ocppsim records microseconds).
 */
#ifndef SIM_HIST_H
#define SIM_HIST_H
#include <stdint.h>

#define SIM_HIST_SUB_BITS 5                          /* 32 sub-buckets per octave */
#define SIM_HIST_SUB (1u << SIM_HIST_SUB_BITS)
#define SIM_HIST_BUCKETS (2 * SIM_HIST_SUB + 58 * SIM_HIST_SUB)

/* Lives as long as its owner (embedded, never allocated). */
struct sim_hist {
	uint64_t counts[SIM_HIST_BUCKETS];
	uint64_t total; /* samples recorded */
	uint64_t min;   /* smallest sample, UINT64_MAX when empty */
	uint64_t max;   /* largest sample, 0 when empty */
	double sum;     /* for the mean */
};

void sim_hist_init(struct sim_hist *h);
void sim_hist_record(struct sim_hist *h, uint64_t v);
/* Add every sample of src to dst. */
void sim_hist_merge(struct sim_hist *dst, const struct sim_hist *src);
/* The smallest value v such that at least pct % of the samples are <= v
 * (bucket upper bound, clamped to [min, max]).  0 when empty.
 * pct in [0, 100]. */
uint64_t sim_hist_percentile(const struct sim_hist *h, double pct);
double sim_hist_mean(const struct sim_hist *h);

/* Bucket arithmetic, exported for the unit test. */
unsigned sim_hist_bucket(uint64_t v);
uint64_t sim_hist_bucket_high(unsigned idx);

#endif
