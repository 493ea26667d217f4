/* SPDX-License-Identifier: MIT
 *
 * evidence.c - the evidence bundle of a refund case and its SHA-256
 * manifest (DESIGN.md "Billing anomalies -> refund cases").
 *
 * A bundle is six items appended to the case (store case_evidence, which
 * is append-only), each a text body:
 *   finding   rule, tier, action, window, refund, explanation
 *   amounts   billed, re-rated for this rule, re-rated for all findings,
 *             the case amount after the cap, the billing window
 *   tariff    the order's tariff snapshot, exact integers
 *   timeline  the derived timeline, one line per fact (corrected times)
 *   frames    the pile's raw frames received in the case window +-10 min
 *             (widened to the transaction's own arrival span, so an offline
 *             upload keeps its frames), one line each: seq, direction,
 *             message id, action, pile and receive time, chain hash; the
 *             payloads stay in the hash-chained frame log
 *   commands  the commands we sent the pile in that span and their answers
 * A re-judgement appends a new bundle; nothing is ever rewritten.
 *
 * Manifest (canonical form): SHA-256 over the lines
 *     "<seq> <kind> <ref> <sha256(body) in hex>\n"
 * of every item of the case in seq order; hex, lower case.  Anyone holding
 * the items can recompute it, and an item changed afterwards shows.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/order.h"

#define WINDOW_MARGIN_MS (10 * 60 * 1000LL)
#define FRAMES_MAX 5000
#define COMMANDS_MAX 512

/* A growing text; lives for one item. */
struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if ((size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = (t->cap ? t->cap * 2 : 1024) + (size_t)n;
			char *grown = gw_realloc(t->buf, cap);

			if (!grown) {
				t->failed = 1;
				return;
			}
			t->buf = grown;
			t->cap = cap;
		}
	}
}

/* Append t as an item of cr and free it. */
static int item(struct domain *d, const struct case_row *cr, const char *kind, const char *ref,
		struct text *t)
{
	int rc;

	if (t->failed) {
		GW_FREE(t->buf);
		return GW_ENOMEM;
	}
	rc = store_case_evidence_append(d->st, cr->id, kind, ref, t->buf ? t->buf : "", NULL);
	GW_FREE(t->buf);
	memset(t, 0, sizeof(*t));
	return rc;
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* SHA-256 of len bytes into 65 bytes of hex; GW_OK or GW_EINTERNAL. */
static int sha256_hex(const void *p, size_t len, char out[STORE_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) || n != 32)
		return GW_EINTERNAL;
	hex(md, n, out);
	return GW_OK;
}

static const char *tier_word(enum refund_tier t)
{
	return t == REFUND_TIER_A ? "A" : t == REFUND_TIER_B ? "B" : "C";
}

static void finding_text(struct text *t, const struct anomaly_finding *f)
{
	static const char *const actions[] = {"refund", "hold", "alert", "retime"};

	text_printf(t, "rule=%s tier=%s action=%s\n", anomaly_rule_name(f->rule), tier_word(f->tier),
		    (unsigned)f->action < 4 ? actions[f->action] : "?");
	text_printf(t, "window_from_ms=%" PRId64 " window_to_ms=%" PRId64 "\n", f->from_ms, f->to_ms);
	text_printf(t, "billed_minor=%" PRId64 " refund_minor=%" PRId64 "\n", f->billed_minor,
		    f->refund_minor);
	for (size_t i = 0; i < f->n_excl; i++)
		text_printf(t, "exclude from_ms=%" PRId64 " to_ms=%" PRId64 " components=0x%x\n",
			    f->excl[i].from_ms, f->excl[i].to_ms, f->excl[i].components);
	text_printf(t, "explain=%s\n", f->explain);
}

static void amounts_text(struct text *t, const struct order_row *o,
			 const struct anomaly_finding *f, int64_t amount, int64_t rerated_all)
{
	text_printf(t, "currency=%s minor_exp=%d\n", o->tariff.currency, o->tariff.minor_exp);
	text_printf(t, "billed_minor=%" PRId64 "\n", f->billed_minor);
	text_printf(t, "rerated_rule_minor=%" PRId64 "\n", f->billed_minor - f->refund_minor);
	text_printf(t, "rerated_all_minor=%" PRId64 "\n", rerated_all);
	text_printf(t, "refund_rule_minor=%" PRId64 "\n", f->refund_minor);
	text_printf(t, "case_amount_minor=%" PRId64 "\n", amount);
	text_printf(t, "bill_start_ms=%" PRId64 " bill_end_ms=%" PRId64 "\n", o->bill_start_ms,
		    o->bill_end_ms);
	text_printf(t, "energy_wh=%" PRId64 "\n", o->energy_wh);
}

static void tariff_text(struct text *t, const struct order_row *o)
{
	const struct tariff *tf = &o->tariff;

	text_printf(t, "tariff_id=%s currency=%s minor_exp=%d utc_offset_min=%d"
		    " start_fee_minor=%" PRId64 " idle_grace_min=%" PRId64 "\n",
		    o->tariff_id, tf->currency, tf->minor_exp, tf->utc_offset_min, tf->start_fee_minor,
		    tf->idle_grace_min);
	for (size_t i = 0; i < tf->n_periods && i < TARIFF_PERIODS_MAX; i++)
		text_printf(t, "period start_min=%d energy_per_kwh_e4=%" PRId64
			    " service_per_kwh_e4=%" PRId64 " time_per_hour_e4=%" PRId64
			    " idle_per_min_e4=%" PRId64 "\n",
			    tf->periods[i].start_min, tf->periods[i].energy_per_kwh_e4,
			    tf->periods[i].service_per_kwh_e4, tf->periods[i].time_per_hour_e4,
			    tf->periods[i].idle_per_min_e4);
}

static void timeline_text(struct text *t, const struct order_row *o, const struct order_tl *ot)
{
	static const char *const cmds[] = {"remote_stop", "trigger_meter", "trigger_status", "other"};
	const struct order_timeline *tl = &ot->tl;

	text_printf(t, "order=%s tx_id=%" PRId64 " pile=%s evse=%d connector=%d pile_tx_id=%s\n",
		    o->number, o->tx_id, o->pile, o->evse_id, o->connector_id, o->pile_tx_id);
	text_printf(t, "judged_at_ms=%" PRId64 " clock_offset_ms=%" PRId64 " current=%s p_max_w=%" PRId64
		    " sample_interval_s=%" PRId64 "\n",
		    tl->now_ms, tl->clock_offset_ms, tl->current == TL_CURRENT_DC ? "DC" : "AC",
		    tl->p_max_w, tl->sample_interval_s);
	text_printf(t, "tx_start_ms=%" PRId64 " meter_start_wh=%s%" PRId64 "\n", tl->tx_start_ms,
		    tl->have_meter_start ? "" : "none:", tl->meter_start_wh);
	for (size_t i = 0; i < tl->n_status; i++)
		text_printf(t, "status at_ms=%" PRId64 " state=%s plugged=%d\n", tl->status[i].at_ms,
			    conn_state_name(tl->status[i].state), (int)tl->status[i].plugged);
	for (size_t i = 0; i < tl->n_samples; i++) {
		const struct tl_sample *s = &tl->samples[i];

		text_printf(t, "sample at_ms=%" PRId64, s->at_ms);
		if (s->have & TL_HAVE_ENERGY)
			text_printf(t, " energy_wh=%" PRId64, s->energy_wh);
		if (s->have & TL_HAVE_POWER)
			text_printf(t, " power_w=%" PRId64, s->power_w);
		if (s->have & TL_HAVE_CURRENT)
			text_printf(t, " current_ma=%" PRId64, s->current_ma);
		text_printf(t, "\n");
	}
	for (size_t i = 0; i < tl->n_faults; i++)
		text_printf(t, "fault at_ms=%" PRId64 "\n", tl->faults_ms[i]);
	for (size_t i = 0; i < tl->n_commands; i++)
		text_printf(t, "command %s sent_ms=%" PRId64 " accepted_ms=%" PRId64 "\n",
			    (unsigned)tl->commands[i].kind < 4 ? cmds[tl->commands[i].kind] : "?",
			    tl->commands[i].sent_ms, tl->commands[i].accepted_ms);
	for (size_t i = 0; i < tl->n_others; i++)
		text_printf(t, "other_order id=%" PRId64 " same_connector=%d same_token=%d"
			    " start_ms=%" PRId64 " end_ms=%" PRId64 "\n",
			    tl->others[i].order_id, tl->others[i].same_connector,
			    tl->others[i].same_token, tl->others[i].start_ms, tl->others[i].end_ms);
	if (tl->have_stop)
		text_printf(t, "tx_stop_ms=%" PRId64 " meter_stop_wh=%s%" PRId64 " reason=%s\n",
			    tl->tx_stop_ms, tl->have_meter_stop ? "" : "none:", tl->meter_stop_wh,
			    tl->stop_reason);
	else
		text_printf(t, "tx open\n");
}

/* The arrival span of the evidence: the case window +-10 min, widened to
 * the transaction's own frames. */
static void span(const struct order_row *o, const struct order_tl *ot,
		 const struct anomaly_finding *f, int64_t *from, int64_t *to)
{
	int64_t a = f->from_ms, b = f->to_ms;

	if (o->created_ms && o->created_ms < a)
		a = o->created_ms;
	if (ot->tl.now_ms > b && !ot->tl.have_stop)
		b = ot->tl.now_ms;
	if (o->settled_ms > b)
		b = o->settled_ms;
	*from = a - WINDOW_MARGIN_MS;
	*to = b + WINDOW_MARGIN_MS;
}

static int frames_item(struct domain *d, const struct order_row *o, const struct case_row *cr,
		       int64_t from, int64_t to)
{
	struct frame_row *fr = NULL;
	struct text t = {0};
	char ref[48] = "";
	size_t n = 0;
	int rc;

	if ((rc = store_frames_window(d->st, o->pile, from, to, FRAMES_MAX, &fr, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		text_printf(&t, "seq=%" PRId64 " dir=%s type=%d msg_id=%s action=%s pile_ms=%" PRId64
			    " recv_ms=%" PRId64 " hash=%s\n",
			    fr[i].seq, fr[i].dir == FRAME_OUT ? "out" : "in", fr[i].msg_type,
			    fr[i].msg_id, fr[i].action, fr[i].pile_ms, fr[i].recv_ms, fr[i].hash_hex);
	if (n)
		snprintf(ref, sizeof(ref), "%" PRId64 "-%" PRId64, fr[0].seq, fr[n - 1].seq);
	gw_free(fr);
	return item(d, cr, "frames", ref, &t);
}

static int commands_item(struct domain *d, const struct order_row *o, const struct case_row *cr,
			 int64_t from, int64_t to)
{
	struct command_row *c = NULL;
	struct text t = {0};
	size_t n = 0;
	int rc;

	if ((rc = store_commands_window(d->st, o->pile, from, to, COMMANDS_MAX, &c, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		text_printf(&t, "id=%" PRId64 " action=%s sent_ms=%" PRId64 " outcome=%s done_ms=%" PRId64
			    " payload=%s answer=%s\n",
			    c[i].id, c[i].action, c[i].sent_ms, store_cmd_outcome_name(c[i].outcome),
			    c[i].done_ms, c[i].payload, c[i].answer);
	gw_free(c);
	return item(d, cr, "commands", "", &t);
}

int evidence_manifest(struct domain *d, struct case_row *cr)
{
	struct case_evidence_row *ev = NULL;
	struct text t = {0};
	char body_hex[STORE_SHA256_HEX];
	size_t n = 0;
	int rc;

	if ((rc = store_case_evidence_list(d->st, cr->id, &ev, &n)) != GW_OK)
		return rc;
	for (size_t i = 0; i < n && rc == GW_OK; i++) {
		rc = sha256_hex(ev[i].body, strlen(ev[i].body), body_hex);
		text_printf(&t, "%" PRId64 " %s %s %s\n", ev[i].seq, ev[i].kind, ev[i].ref, body_hex);
	}
	store_case_evidence_free(ev, n);
	if (rc == GW_OK && t.failed)
		rc = GW_ENOMEM;
	if (rc == GW_OK)
		rc = sha256_hex(t.buf ? t.buf : "", t.len, cr->manifest_sha256);
	GW_FREE(t.buf);
	return rc;
}

int evidence_bundle_append(struct domain *d, const struct order_row *o, const struct order_tl *t,
			   const struct anomaly_finding *f, int64_t amount_minor,
			   int64_t rerated_all_minor, struct case_row *case_row)
{
	struct text x = {0};
	int64_t from, to;
	int rc;

	finding_text(&x, f);
	if ((rc = item(d, case_row, "finding", anomaly_rule_name(f->rule), &x)) != GW_OK)
		return rc;
	amounts_text(&x, o, f, amount_minor, rerated_all_minor);
	if ((rc = item(d, case_row, "amounts", "", &x)) != GW_OK)
		return rc;
	tariff_text(&x, o);
	if ((rc = item(d, case_row, "tariff", o->tariff_id, &x)) != GW_OK)
		return rc;
	timeline_text(&x, o, t);
	if ((rc = item(d, case_row, "timeline", o->number, &x)) != GW_OK)
		return rc;
	span(o, t, f, &from, &to);
	if ((rc = frames_item(d, o, case_row, from, to)) != GW_OK ||
	    (rc = commands_item(d, o, case_row, from, to)) != GW_OK)
		return rc;
	return evidence_manifest(d, case_row);
}
