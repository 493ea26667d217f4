/* SPDX-License-Identifier: MIT
 *
 * session_hooks.c - the transport's view of the store: who may connect
 * (pile_lookup, pile_register, password rotation) and the life of a
 * struct pile_conn (on_open .. on_close).
 *
 * These run outside the frame path, so each small write commits in this
 * loop turn's batch like any other.  A reconnect is not a boot (2.0.1
 * §5.3): a pile whose last BootNotification was Accepted keeps that state
 * on a new connection.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/domain.h"
#include "core/conn.h"
#include "core/env.h"
#include "store/store.h"
#include "transport/transport.h"

void dispatch_forget_conn(struct dispatch *d, struct pile_conn *c);
void dispatch_before_sleep(void *arg);
void dispatch_on_message(void *arg, struct ws_session *s, const char *buf, size_t len);

static void copy_pw(const struct store_password *pw, int *has, unsigned char hash[32],
		    unsigned char salt[16], int *iterations)
{
	*has = pw->present;
	if (!pw->present)
		return;
	memcpy(hash, pw->hash, 32);
	memcpy(salt, pw->salt, 16);
	*iterations = (int)pw->iterations;
}

static int hook_pile_lookup(void *arg, const char *identity, struct pile_credentials *out)
{
	struct dispatch *d = arg;
	struct pile_row row;
	int rc = store_pile_get(d->env->store, identity, &row);

	memset(out, 0, sizeof(*out));
	if (rc != GW_OK)
		return rc;
	out->registered = 1;
	out->registration_rejected = row.reg_status == REG_REJECTED;
	out->min_profile = row.min_security_profile;
	copy_pw(&row.password, &out->has_password, out->pw_hash, out->pw_salt, &out->pw_iterations);
	copy_pw(&row.pending, &out->has_pending, out->pending_hash, out->pending_salt,
		&out->pending_iterations);
	return GW_OK;
}

static int hook_pile_register(void *arg, const char *identity)
{
	struct dispatch *d = arg;
	struct pile_row row;
	int rc;

	memset(&row, 0, sizeof(row));
	snprintf(row.identity, sizeof(row.identity), "%s", identity);
	row.reg_status = REG_ACCEPTED;
	row.first_seen_ms = gw_clock_now_ms();
	rc = dispatch_batch_ensure(d);
	if (rc == GW_OK)
		rc = store_pile_insert(d->env->store, &row);
	if (rc == GW_EDUP) /* a row exists but lookup missed it: an operator removed it */
		rc = store_pile_readd(d->env->store, &row);
	if (rc == GW_OK)
		gw_log(GW_LOG_NOTICE, "cp=%s auto-registered on first connect (ocpp.auto_register is on)",
		       identity);
	return rc;
}

static void hook_pending_password_used(void *arg, const char *identity)
{
	struct dispatch *d = arg;
	int rc = dispatch_batch_ensure(d);

	if (rc == GW_OK)
		rc = store_pile_promote_password(d->env->store, identity);
	gw_log(rc == GW_OK ? GW_LOG_NOTICE : GW_LOG_ERR, "cp=%s new password in use: %s", identity,
	       rc == GW_OK ? "old one retired" : gw_strerror(rc));
}

static void hook_security_event(void *arg, const char *identity, const char *event, const char *detail)
{
	struct dispatch *d = arg;
	struct pile_report rep;
	struct pile_row row;

	gw_log(GW_LOG_WARN, "cp=%s security event %s: %s", identity[0] ? identity : "-", event,
	       detail ? detail : "");
	/* keep it with the pile when we know the pile (A00.FR.323, .408) */
	if (!identity[0] || store_pile_get(d->env->store, identity, &row) != GW_OK)
		return;
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.kind, sizeof(rep.kind), "CentralSystemSecurityEvent");
	snprintf(rep.status, sizeof(rep.status), "%s", event);
	snprintf(rep.detail, sizeof(rep.detail), "%s", detail ? detail : "");
	if (dispatch_batch_ensure(d) == GW_OK)
		store_report_insert(d->env->store, identity, &rep, gw_clock_now_ms(), 0);
}

static void hook_on_open(void *arg, struct ws_session *s)
{
	struct dispatch *d = arg;
	const struct gw_config *cfg = d->env->cfg;
	struct pile_conn *c = gw_calloc(1, sizeof(*c));
	struct pile_row row;

	if (!c || rpc_inflight_init(&c->inflight, 0) != GW_OK) {
		gw_free(c);
		session_close(s, 1011, "out of memory");
		return;
	}
	c->d = d;
	c->s = s;
	c->identity = session_identity(s);
	c->version = session_version(s);
	c->registration = REG_PENDING;
	if (store_pile_get(d->env->store, c->identity, &row) == GW_OK && row.last_boot_ms > 0 &&
	    row.reg_status == REG_ACCEPTED)
		c->registration = REG_ACCEPTED;
	rpc_calls_init(&c->calls, (size_t)cfg->max_pending_calls, cfg->call_timeout_ms);
	c->next = d->conns;
	if (d->conns)
		d->conns->prev = c;
	d->conns = c;
	session_set_user(s, c);
	if (dispatch_batch_ensure(d) == GW_OK)
		store_pile_touch(d->env->store, c->identity, c->version, gw_clock_now_ms());
	gw_log(GW_LOG_NOTICE, "cp=%s connected from %s, OCPP %s, profile %d%s", c->identity, session_peer(s),
	       c->version == OCPP_201 ? "2.0.1" : "1.6", session_security_profile(s),
	       c->registration == REG_ACCEPTED ? ", boot accepted before" : "");
}

static void hook_on_close(void *arg, struct ws_session *s)
{
	struct dispatch *d = arg;
	struct pile_conn *c = session_user(s);

	if (!c)
		return;
	gw_log(GW_LOG_NOTICE, "cp=%s disconnected", c->identity);
	c->s = NULL;
	session_set_user(s, NULL);
	dispatch_forget_conn(d, c);
	command_fail_all(c);
	rpc_calls_cleanup(&c->calls);
	rpc_inflight_cleanup(&c->inflight);
	triggered_free(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		d->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	gw_free(c);
}

void dispatch_hooks(struct dispatch *d, struct transport_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->arg = d;
	h->pile_lookup = hook_pile_lookup;
	h->pile_register = hook_pile_register;
	h->pending_password_used = hook_pending_password_used;
	h->on_open = hook_on_open;
	h->on_message = dispatch_on_message;
	h->on_close = hook_on_close;
	h->before_sleep = dispatch_before_sleep;
	h->security_event = hook_security_event;
}

int dispatch_new(struct gw_env *env, struct dispatch **out)
{
	struct dispatch *d = gw_calloc(1, sizeof(*d));

	if (!d)
		return GW_ENOMEM;
	d->env = env;
	if (dispatch_metrics_new(d) != GW_OK) {
		gw_free(d);
		return GW_ENOMEM;
	}
	*out = d;
	return GW_OK;
}

void dispatch_free(struct dispatch *d)
{
	if (!d)
		return;
	dispatch_metrics_free(d);
	gw_free(d);
}

void dispatch_tick(void *arg)
{
	struct dispatch *d = arg;
	int64_t now = gw_clock_mono_ms();

	for (struct pile_conn *c = d->conns; c; c = c->next) {
		if (rpc_calls_next_deadline(&c->calls) <= now) {
			rpc_calls_expire(&c->calls, now);
			dispatch_mark_flush(d, c);
		}
	}
}

void dispatch_sweep(void *arg)
{
	struct dispatch *d = arg;
	int rc = dispatch_batch_ensure(d);

	/* the sweep's writes and outbox rows commit in this turn's batch */
	if (rc == GW_OK)
		rc = domain_sweep(d->env->domain, gw_clock_now_ms());
	if (rc != GW_OK)
		gw_log(GW_LOG_ERR, "detector sweep failed: %s", gw_strerror(rc));
}

void dispatch_stats_get(const struct dispatch *d, struct dispatch_stats *out)
{
	*out = d->stats;
}
