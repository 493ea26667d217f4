/* SPDX-License-Identifier: MIT
 *
 * billing_window.h - the gateway's own billing window, the billed amount and
 * the re-rated amount of an order (DESIGN.md "Billed vs re-rated").
 *
 * billed   = the tariff over the pile's transaction as reported: tx start to
 *            tx stop (now while open), meterStart to meterStop, with the
 *            samples in between for period boundaries.
 * window   = bill_start: first strong plug evidence at or after the
 *            authorization (the tx start when there was none); bill_end: the
 *            earliest of the end message (now while open), the first fault
 *            after bill_start, the first unplug after bill_start, and the
 *            first accepted remote stop + stop_grace_ms.
 * re-rated = the tariff over the window, with every sample and the pile's
 *            meterStart / meterStop as readings, minus what the findings
 *            exclude.
 * Readings the pile reports at the same instant as meterStart / meterStop
 * yield to them (the pile's own numbers are what it billed).
 */
#ifndef DOMAIN_BILLING_WINDOW_H
#define DOMAIN_BILLING_WINDOW_H
#include <stddef.h>
#include <stdint.h>

#include "domain/billing/anomaly.h"
#include "domain/billing/tariff.h"
#include "domain/billing/timeline.h"

enum billing_end_cause {
	BILLING_END_OPEN = 0,    /* no end yet: now_ms */
	BILLING_END_MESSAGE,     /* StopTransaction / TransactionEvent(Ended) */
	BILLING_END_FAULT,       /* FAULTED, a fault report or a fault stop reason */
	BILLING_END_UNPLUG,      /* unplugged */
	BILLING_END_REMOTE_STOP, /* remote stop accepted + grace */
};

/* The window; a plain value. */
struct billing_window {
	int has_plug;     /* 0: no strong plug evidence, the window is empty */
	int64_t start_ms; /* bill_start (== end_ms when !has_plug) */
	int64_t end_ms;   /* bill_end */
	enum billing_end_cause end_cause;
};

/* Compute the window of tl.  GW_OK or GW_EINVAL (timeline fails its check). */
int billing_window(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		   struct billing_window *out);

/* The billed amount, minus excl[0..n_excl) (n_excl 0 for the plain billed
 * amount).  GW_OK, GW_EINVAL, GW_ECONSTRAINT (tariff) or GW_ENOMEM. */
int billing_billed(const struct order_timeline *tl, const struct tariff *t,
		   const struct tariff_exclusion *excl, size_t n_excl, struct tariff_bill *out);

/* The re-rated amount: the window minus every exclusion of findings[0..n)
 * (n 0 for the plain window).  GW_OK, GW_EINVAL, GW_ECONSTRAINT or
 * GW_ENOMEM. */
int billing_rerated(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		    const struct tariff *t, const struct anomaly_finding *findings, size_t n,
		    struct tariff_bill *out);

/* The register readings of the billed transaction (meterStart, the samples
 * strictly inside, meterStop), into a new array *out of *n entries, freed
 * by the caller with gw_free (NULL when *n is 0).  GW_OK or GW_ENOMEM. */
int billing_billed_readings(const struct order_timeline *tl, struct tariff_reading **out,
			    size_t *n);

#endif
