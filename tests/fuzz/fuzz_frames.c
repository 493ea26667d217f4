/* SPDX-License-Identifier: MIT
 *
 * fuzz_frames.c - libFuzzer target: arbitrary bytes as whole messages from
 * one pile, through the in-process loopback (tests/loopback) into the real
 * dispatcher: rpc -> schema -> v16 / v201 -> domain -> a ":memory:" store,
 * with the real schemas (OCPPGW_SOURCE_DIR/schemas).
 *
 * Input layout:
 *   byte 0  flags  bit 0  version: 0 = OCPP 1.6, 1 = OCPP 2.0.1
 *                  bit 1  push_config_on_boot (server CALLs to answer)
 *                  bit 2  accept_all_tokens
 *                  bit 3  do NOT boot first (reach the boot gate itself)
 *                  bit 4  loop_turn() after every message (else at the end)
 *                  bit 5  reconnect the pile after the first message
 *                  bit 6  before every turn, 31 s pass and dispatch_tick()
 *                         runs (our CALLs time out)
 *   rest   up to MAX_MSGS messages separated by the two bytes FF FF (never
 *          inside valid UTF-8, so never inside a message the transport
 *          would deliver).  A message that is not valid UTF-8 is dropped, as
 *          the transport closes such a connection before the dispatcher.
 * Before the messages the pile connects and, unless bit 3, boots (so
 * handlers behind the boot gate are reached); message ids of our own CALLs
 * are seeded to "0000000000000000-1", "...-2", ... so the dictionary can
 * answer them.
 *
 * Invariants checked (abort() on violation, so libFuzzer saves the input):
 *   - no reply leaves before loop_turn() (persist, then reply);
 *   - every CALL the pile sent gets exactly one answer with its id, or the
 *     session is closed; a malformed frame gets at most one answer (exactly
 *     one, except 1.6's ignored unknown message types);
 *   - an answer (CALLRESULT / CALLERROR) from the pile is never answered;
 *   - everything we send is strict JSON and a well-formed OCPP-J frame of
 *     the pile's version, CALLERROR codes are from the version's list;
 *   - no payload of ours fails its schema (dispatch stats outbound_invalid);
 *   - the pile's raw frame hash chain verifies after the last turn.
 * Each input gets a fresh store, domain, dispatcher and loop, all freed
 * before returning; only the schema sets (read-only) live across inputs, so
 * LeakSanitizer sees any per-input leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "core/dispatch.h"
#include "loopback/loop_env.h"
#include "rpc/action.h"
#include "rpc/rpc.h"
#include "schema/schema.h"
#include "store/store.h"

#define T0 1764095400000LL
#define MAX_MSGS 16
#define MAX_IDS (MAX_MSGS * 2)

static struct schema_set *g16, *g201;
static int log_level; /* OCPPGW_FUZZ_LOG, default -1 (silent) */

/* ---- invariant bookkeeping, per session */

struct expect_id {
	char id[RPC_ID_MAX + 1];
	int want;      /* answers required */
	int got;
	int tx_valid;  /* a schema-valid transaction message past the boot gate */
};

struct book {
	struct ws_session *s;
	enum ocpp_version v;
	int booted;
	struct expect_id ids[MAX_IDS];
	size_t n;
};

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_frames: invariant broken: %s: %s\n", what, detail ? detail : "");
	abort();
}

static struct expect_id *slot(struct book *b, const char *id)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->ids[i].id, id))
			return &b->ids[i];
	if (b->n == MAX_IDS)
		fail("bookkeeping", "too many ids");
	memset(&b->ids[b->n], 0, sizeof(b->ids[b->n]));
	snprintf(b->ids[b->n].id, sizeof(b->ids[b->n].id), "%s", id);
	return &b->ids[b->n++];
}

/* Answers still owed on this session (the in-flight ids). */
static int outstanding(const struct book *b)
{
	int n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->ids[i].want > b->ids[i].got ? b->ids[i].want - b->ids[i].got : 0;
	return n;
}

/* A transaction-related CALL (ACT_TX) whose payload is schema-valid. */
static int tx_valid(enum ocpp_version v, const struct rpc_frame *f)
{
	const struct action_row *row = action_find(v == OCPP_201 ? &v201_actions : &v16_actions,
						   f->action);
	char name[96];

	if (!row || !(row->flags & ACT_TX))
		return 0;
	snprintf(name, sizeof(name), "%sRequest", f->action);
	return schema_validate(schema_find(v == OCPP_201 ? g201 : g16, name), f->payload, NULL) ==
	       GW_OK;
}

/* What the dispatcher owes for one message, from our own parse of it. */
static void expect_for(struct book *b, const char *buf, size_t len)
{
	struct rpc_frame f;
	struct expect_id *e;
	int rc = rpc_frame_parse(b->v, buf, len, &f), pending;

	e = slot(b, f.id);
	pending = e->want > e->got;
	if (pending)
		e->tx_valid = 0; /* two frames share the id: answers cannot be told apart */
	if (rc == GW_OK && f.type == RPC_CALL) {
		if (!pending)
			e->tx_valid = outstanding(b) < RPC_INFLIGHT_DEFAULT &&
				      (b->booted || b->v == OCPP_16) && tx_valid(b->v, &f);
		e->want++;
	} else if (rc != GW_OK && (f.type == RPC_CALLRESULT || f.type == RPC_CALLERROR)) {
		/* rpc.h: a broken answer is dropped, never answered */
	} else if (rc != GW_OK && !(b->v == OCPP_16 && rc == GW_EMSGTYPE)) {
		e->want++; /* a broken CALL or an unreadable frame: one CALLERROR */
	} /* else a well-formed answer, or 1.6's ignored type: nothing owed */
	rpc_frame_release(&f);
}

static int code_ok(enum ocpp_version v, const char *code)
{
	static const char *const c16[] = {
		"NotImplemented", "NotSupported", "InternalError", "ProtocolError", "SecurityError",
		"FormationViolation", "PropertyConstraintViolation", "OccurenceConstraintViolation",
		"TypeConstraintViolation", "GenericError", NULL};
	static const char *const c201[] = {
		"FormatViolation", "GenericError", "InternalError", "MessageTypeNotSupported",
		"NotImplemented", "NotSupported", "OccurrenceConstraintViolation",
		"PropertyConstraintViolation", "ProtocolError", "RpcFrameworkError", "SecurityError",
		"TypeConstraintViolation", NULL};

	for (const char *const *c = v == OCPP_201 ? c201 : c16; *c; c++)
		if (!strcmp(*c, code))
			return 1;
	return 0;
}

/* One frame we sent: strict JSON, a well-formed frame, counted if an answer. */
static void check_out(struct book *b, const struct loop_msg *m, int counting)
{
	struct json_object *root = NULL;
	struct rpc_frame f;
	struct expect_id *e;

	if (gw_json_parse(m->text, m->len, GW_JSON_DEPTH, &root) != GW_OK)
		fail("outbound frame is not strict JSON", m->text);
	json_object_put(root);
	if (rpc_frame_parse(b->v, m->text, m->len, &f) != GW_OK)
		fail("outbound frame is not OCPP-J", m->text);
	if (f.type == RPC_CALLERROR && !code_ok(b->v, f.err_code))
		fail("CALLERROR code not in this version's list", m->text);
	if (f.type == RPC_CALLERROR && strlen(f.err_desc) > RPC_DESC_MAX)
		fail("errorDescription over 255 bytes", m->text);
	if (f.type == RPC_CALL) {
		const struct action_row *row =
			action_find(b->v == OCPP_201 ? &v201_actions : &v16_actions, f.action);
		if (!row || !(row->flags & ACT_TO_PILE))
			fail("we sent a CALL that is not ours to send", m->text);
	} else if (counting) {
		e = slot(b, f.id);
		/* PROTOCOL.md 1.4 rules 3-4: a valid transaction message gets a
		 * CALLRESULT (oddities are flagged, not refused) or a close, never
		 * a CALLERROR for our own failure */
		if (f.type == RPC_CALLERROR && e->tx_valid && e->got < e->want &&
		    (!strcmp(f.err_code, "InternalError") || !strcmp(f.err_code, "GenericError")))
			fail("a schema-valid transaction message got a CALLERROR for our own failure",
			     m->text);
		if (++e->got > e->want)
			fail("more answers than the pile's CALLs for one id", m->text);
	}
	rpc_frame_release(&f);
}

/* Take what s was sent; outside a turn nothing may be there. */
static void drain(struct book *b, int after_turn, int counting)
{
	struct loop_msg *all, *m;

	if (!b->s)
		return;
	all = loop_take_sent(b->s);
	if (all && !after_turn)
		fail("a reply left before the turn's commit", all->text);
	for (m = all; m; m = m->next)
		check_out(b, m, counting);
	loop_msgs_free(all);
}

/* End of a session's life in this input: every CALL answered unless closed. */
static void settle(struct book *b)
{
	int closed = b->s && loop_is_closing(b->s);

	for (size_t i = 0; i < b->n; i++) {
		const struct expect_id *e = &b->ids[i];
		if (e->got < e->want && !closed) {
			char d[96];
			snprintf(d, sizeof(d), "id \"%s\": %d answer(s), %d owed", e->id, e->got, e->want);
			fail("a CALL was not answered and the session is open", d);
		}
	}
	b->n = 0;
}

static int utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], n, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		if (i + n >= len)
			return 0;
		for (unsigned k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* One loop turn, as the transport's loop would run it. */
static void turn(struct loop_env *le, struct book *b, unsigned flags)
{
	if (flags & 64) {
		gw_clock_advance(31000);
		dispatch_tick(le->env.dispatch);
	}
	loop_turn();
	drain(b, 1, 1);
}

static const char BOOT16[] =
	"[2,\"boot\",\"BootNotification\",{\"chargePointVendor\":\"V\",\"chargePointModel\":\"M\"}]";
static const char BOOT201[] = "[2,\"boot\",\"BootNotification\",{\"reason\":\"PowerUp\","
			      "\"chargingStation\":{\"model\":\"M\",\"vendorName\":\"V\"}}]";

static void connect(struct book *b, enum ocpp_version v, int boot)
{
	b->v = v;
	b->n = 0;
	b->s = loop_open("FZ1", v);
	if (!b->s)
		fail("loop_open", "refused");
	b->booted = boot;
	if (!boot)
		return;
	loop_send(b->s, v == OCPP_16 ? BOOT16 : BOOT201);
	loop_turn();
	drain(b, 1, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *lvl = getenv("OCPPGW_FUZZ_LOG");

	(void)argc;
	(void)argv;
	if (loop_schemas_load(NULL, &g16, &g201) != GW_OK)
		abort();
	/* -1: nothing at all; set OCPPGW_FUZZ_LOG=debug to watch a reproducer */
	log_level = lvl && lvl[0] ? gw_log_level_parse(lvl) : -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loop_env le;
	struct book b;
	struct dispatch_stats ds;
	const uint8_t *p, *end, *sep;
	unsigned flags;
	int64_t checked = 0;
	int nmsg = 0, each_turn;

	if (size < 1)
		return 0;
	flags = data[0];
	each_turn = !!(flags & 16);
	p = data + 1;
	end = data + size;

	loop_env_defaults(&le);
	gw_log_level = log_level;
	le.cfg.push_config_on_boot = !!(flags & 2);
	le.cfg.accept_all_tokens = !!(flags & 4);
	gw_clock_set_fake(T0);
	rpc_msgid_seed(0, 1);
	if (loop_env_start(&le, g16, g201) != GW_OK || loop_env_token(&le, "TAG1", "Accepted") != GW_OK)
		fail("loop_env_start", "");
	memset(&b, 0, sizeof(b));
	connect(&b, (flags & 1) ? OCPP_201 : OCPP_16, !(flags & 8));

	while (p <= end && nmsg < MAX_MSGS) {
		size_t len;

		sep = p;
		while (sep + 1 < end && !(sep[0] == 0xff && sep[1] == 0xff))
			sep++;
		if (sep + 1 >= end)
			sep = end;
		len = (size_t)(sep - p);
		nmsg++;
		if (utf8_valid(p, len) && !loop_is_closing(b.s)) {
			expect_for(&b, (const char *)p, len);
			loop_send_len(b.s, (const char *)p, len);
			drain(&b, 0, 1);
			gw_clock_advance(1000);
			if (each_turn)
				turn(&le, &b, flags);
		}
		if ((flags & 32) && nmsg == 1) { /* reconnect: a reconnect is not a boot */
			turn(&le, &b, flags);
			settle(&b);
			int booted = b.booted; /* a reconnect is not a boot: it carries over */
			connect(&b, b.v, 0);
			b.booted = booted;
		}
		p = sep + 2;
	}
	turn(&le, &b, flags);
	settle(&b);

	dispatch_stats_get(le.env.dispatch, &ds);
	if (ds.outbound_invalid)
		fail("a payload of ours failed its schema", "see OCPPGW_FUZZ_LOG=err");
	if (store_frames_verify(le.env.store, "FZ1", &checked) != GW_OK)
		fail("raw frame hash chain broken", "");
	loop_env_stop(&le);
	gw_clock_set_fake(0);
	return 0;
}
