/* SPDX-License-Identifier: MIT
 *
 * batch.c - group commit: one store batch per event-loop turn.
 *
 * The first frame of a turn opens the batch (BEGIN IMMEDIATE); every frame
 * of the turn adds to it; before the loop sleeps, dispatch_before_sleep()
 * lets each touched pile queue its next server CALL, commits once (one
 * fsync for all of them) and only then writes the parked replies and CALLs,
 * in the order they were produced.  If the commit fails nothing of the turn
 * was persisted, so nothing of it is acknowledged: the touched piles are
 * disconnected and will resend (PROTOCOL.md 1.4 rules 1 and 3).
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "core/conn.h"
#include "core/env.h"
#include "store/store.h"
#include "transport/transport.h"

int dispatch_batch_ensure(struct dispatch *d)
{
	struct store *st = d->env->store;

	if (store_in_batch(st))
		return GW_OK;
	return store_begin(st);
}

void dispatch_mark_flush(struct dispatch *d, struct pile_conn *c)
{
	if (c->in_flush_list)
		return;
	c->in_flush_list = 1;
	c->flush_next = d->flush_list;
	d->flush_list = c;
}

int dispatch_frame_log(struct dispatch *d, const struct pile_conn *c, int dir, const char *msg_id,
		       int msg_type, const char *action, const char *buf, size_t len, int64_t *seq)
{
	struct frame_in f;
	int rc;

	if (seq)
		*seq = 0;
	memset(&f, 0, sizeof(f));
	f.pile = c->identity;
	f.dir = dir;
	f.msg_id = msg_id ? msg_id : "";
	f.msg_type = msg_type;
	f.action = action ? action : "";
	f.payload = buf;
	f.payload_len = len;
	f.recv_ms = gw_clock_now_ms();
	if (dir == FRAME_OUT)
		d->stats.frames_out++;
	rc = dispatch_batch_ensure(d);
	if (rc == GW_OK)
		rc = store_frame_append(d->env->store, &f, seq);
	if (rc != GW_OK)
		gw_log(GW_LOG_ERR, "cp=%s msg=%s raw frame not stored: %s", c->identity, f.msg_id,
		       gw_strerror(rc));
	return rc;
}

static void drop_parked(struct pile_conn *c)
{
	struct parked *p = c->park_head, *next;

	for (; p; p = next) {
		next = p->next;
		gw_free(p->buf);
		gw_free(p);
	}
	c->park_head = c->park_tail = NULL;
}

/* Write what c has parked, in order, then forget it. */
static void send_parked(struct pile_conn *c)
{
	struct parked *p = c->park_head, *next;

	for (; p; p = next) {
		next = p->next;
		if (c->s && session_send(c->s, p->buf, p->len) != GW_OK)
			gw_log(GW_LOG_WARN, "cp=%s reply %s not sent: session closing", c->identity, p->id);
		if (p->id[0])
			rpc_inflight_remove(&c->inflight, p->id);
		gw_free(p->buf);
		gw_free(p);
	}
	c->park_head = c->park_tail = NULL;
}

void dispatch_before_sleep(void *arg)
{
	struct dispatch *d = arg;
	struct store *st = d->env->store;
	struct pile_conn *c, *next;
	int rc = GW_OK;

	if (!d->flush_list && !store_in_batch(st))
		return;
	for (c = d->flush_list; c; c = c->flush_next)
		command_pump(d, c);
	if (store_in_batch(st))
		rc = store_commit(st);
	if (rc != GW_OK) {
		d->stats.commits_failed++;
		gw_log(GW_LOG_ERR, "group commit failed (%s): closing the piles of this turn, they resend",
		       gw_strerror(rc));
		store_rollback(st);
		if (store_broken(st) && d->env->transport) {
			/* fsync / I/O failure: never "retry and assume success"
			 * (PROTOCOL.md 4.1) - stop, let the supervisor restart us */
			gw_log(GW_LOG_ERR, "store is broken after an I/O failure: stopping for a clean restart");
			transport_stop(d->env->transport);
		}
	}
	for (c = d->flush_list; c; c = next) {
		next = c->flush_next;
		c->in_flush_list = 0;
		c->flush_next = NULL;
		if (rc == GW_OK) {
			send_parked(c);
		} else {
			drop_parked(c);
			if (c->s)
				session_close(c->s, 1011, "storage unavailable");
		}
	}
	d->flush_list = NULL;
}

/* Unlink c from the flush list and drop its parked frames (on_close). */
void dispatch_forget_conn(struct dispatch *d, struct pile_conn *c)
{
	struct pile_conn **pp;

	for (pp = &d->flush_list; *pp; pp = &(*pp)->flush_next) {
		if (*pp == c) {
			*pp = c->flush_next;
			break;
		}
	}
	c->in_flush_list = 0;
	drop_parked(c);
}
