/* SPDX-License-Identifier: MIT
 *
 * main.c - wiring only: arguments, config, store, schemas, domain,
 * dispatcher, transport, the loop, and shutdown.  Everything else lives in
 * its room.
 *
 *   ocppgw [-c FILE]                     run the gateway
 *   ocppgw -c FILE --check-config        validate the config and exit
 *   ocppgw -c FILE --dump-config         print the effective config
 *   ocppgw -c FILE set-password ID [--hex]
 *                                        read a pile's password from stdin,
 *                                        store its salted hash (registers
 *                                        the pile if it is new)
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "common/gw_time.h"
#include "config.h"
#include "core/dispatch.h"
#include "core/env.h"
#include "core/events.h"
#include "domain/events.h"
#include "domain/domain.h"
#include "hooks/hooks.h"
#include "schema/schema.h"
#include "store/store.h"
#include "transport/password.h"
#include "transport/transport.h"

static struct transport *running; /* for the signal handler only */

static void on_signal(int sig)
{
	(void)sig;
	if (running)
		transport_stop(running);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ocppgw [-c FILE] [--check-config | --dump-config]\n"
		   "       ocppgw [-c FILE] set-password IDENTITY [--hex]   (password on stdin)\n"
		   "Runs the OCPP central-system gateway. Without -c the embedded defaults are used.\n");
}

static int load_schemas(struct gw_env *env, struct schema_set **s16, struct schema_set **s201)
{
	char dir[GW_PATH_MAX + 16], err[256];
	int rc;

	snprintf(dir, sizeof(dir), "%s/ocpp1.6", env->cfg->schema_dir);
	rc = schema_set_load(dir, s16, err, sizeof(err));
	if (rc == GW_OK) {
		snprintf(dir, sizeof(dir), "%s/ocpp2.0.1", env->cfg->schema_dir);
		rc = schema_set_load(dir, s201, err, sizeof(err));
	}
	if (rc != GW_OK)
		gw_log(GW_LOG_ERR, "schemas: %s", err);
	else
		gw_log(GW_LOG_INFO, "schemas loaded: %d for 1.6, %d for 2.0.1", schema_set_count(*s16),
		       schema_set_count(*s201));
	env->schemas_16 = *s16;
	env->schemas_201 = *s201;
	return rc;
}

static enum reg_status reg_from_word(const char *w)
{
	return !strcmp(w, "Pending") ? REG_PENDING : !strcmp(w, "Rejected") ? REG_REJECTED : REG_ACCEPTED;
}

/* Config seeds: id tokens are upserted by value, piles registered if new
 * (their status and minimum profile follow the config). */
static int seed_store(const struct gw_config *cfg, struct store *st)
{
	int rc = store_begin(st);

	for (size_t i = 0; rc == GW_OK && i < cfg->n_tokens; i++) {
		const struct gw_token_seed *t = &cfg->tokens[i];
		struct token_row row;

		memset(&row, 0, sizeof(row));
		snprintf(row.id, sizeof(row.id), "%s", t->id);
		snprintf(row.status, sizeof(row.status), "%s", t->status);
		snprintf(row.group_id, sizeof(row.group_id), "%s", t->group_id);
		if (t->expiry[0] && gw_time_parse(t->expiry, strlen(t->expiry), &row.expiry_ms) != GW_OK) {
			gw_log(GW_LOG_ERR, "id token %s: expiry '%s' is not an RFC 3339 time", t->id, t->expiry);
			rc = GW_ECONFIG;
			break;
		}
		row.updated_ms = gw_clock_now_ms();
		rc = store_token_upsert(st, &row);
	}
	for (size_t i = 0; rc == GW_OK && i < cfg->n_piles; i++) {
		const struct gw_pile_seed *p = &cfg->piles[i];
		struct pile_row row;

		if (store_pile_get(st, p->identity, &row) == GW_OK) {
			rc = store_pile_set_registration(st, p->identity, reg_from_word(p->status),
							 p->security_profile);
			continue;
		}
		memset(&row, 0, sizeof(row));
		snprintf(row.identity, sizeof(row.identity), "%s", p->identity);
		row.reg_status = reg_from_word(p->status);
		row.min_security_profile = p->security_profile;
		row.first_seen_ms = gw_clock_now_ms();
		rc = store_pile_insert(st, &row);
	}
	if (rc == GW_OK)
		return store_commit(st);
	store_rollback(st);
	return rc;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* set-password: the secret comes on stdin so it never shows in ps or in
 * the shell history.  --hex reads a 1.6 AuthorizationKey as hex digits and
 * stores the decoded bytes (which may contain NUL). */
static int cmd_set_password(const struct gw_config *cfg, const char *identity, int hex)
{
	unsigned char pw[128];
	char line[300];
	size_t len = 0;
	struct store *st = NULL;
	struct store_password spw;
	struct pile_row row;
	int rc;

	if (!fgets(line, sizeof(line), stdin)) {
		fprintf(stderr, "set-password: no password on stdin\n");
		return 2;
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (hex) {
		size_t n = strlen(line);
		if (n % 2 || n > 2 * sizeof(pw)) {
			fprintf(stderr, "set-password: --hex needs an even number of hex digits\n");
			return 2;
		}
		for (size_t i = 0; i < n; i += 2) {
			int hi = hexval(line[i]), lo = hexval(line[i + 1]);
			if (hi < 0 || lo < 0) {
				fprintf(stderr, "set-password: not a hex digit\n");
				return 2;
			}
			pw[len++] = (unsigned char)(hi << 4 | lo);
		}
	} else {
		len = strlen(line);
		if (len > sizeof(pw))
			len = sizeof(pw);
		memcpy(pw, line, len);
	}
	if (len < 16 || len > 64) {
		fprintf(stderr, "set-password: a pile password is 16 to 64 bytes (OCPP security profiles)\n");
		return 2;
	}
	memset(&spw, 0, sizeof(spw));
	spw.present = 1;
	spw.iterations = PASSWORD_ITERATIONS_DEFAULT;
	rc = password_new(pw, len, (int)spw.iterations, spw.salt, spw.hash);
	memset(pw, 0, sizeof(pw));
	memset(line, 0, sizeof(line));
	if (rc == GW_OK)
		rc = store_sqlite_open(cfg->db_path, cfg->db_busy_timeout_ms, &st);
	if (rc == GW_OK)
		rc = store_begin(st);
	if (rc == GW_OK && store_pile_get(st, identity, &row) == GW_ENOTFOUND) {
		memset(&row, 0, sizeof(row));
		snprintf(row.identity, sizeof(row.identity), "%s", identity);
		row.reg_status = REG_ACCEPTED;
		row.first_seen_ms = gw_clock_now_ms();
		rc = store_pile_insert(st, &row);
	}
	if (rc == GW_OK)
		rc = store_pile_set_password(st, identity, &spw);
	if (rc == GW_OK)
		rc = store_commit(st);
	store_close(st);
	if (rc != GW_OK) {
		fprintf(stderr, "set-password: %s\n", gw_strerror(rc));
		return 1;
	}
	fprintf(stderr, "password of %s stored (PBKDF2-HMAC-SHA256, %u rounds)\n", identity, spw.iterations);
	return 0;
}

static int run(struct gw_config *cfg)
{
	struct gw_env env;
	struct schema_set *s16 = NULL, *s201 = NULL;
	struct transport_hooks hooks;
	struct event_sink sink;
	struct hooks *webhooks = NULL;
	int rc;

	memset(&env, 0, sizeof(env));
	env.cfg = cfg;
	rc = store_sqlite_open(cfg->db_path, cfg->db_busy_timeout_ms, &env.store);
	if (rc != GW_OK) {
		gw_log(GW_LOG_ERR, "store %s: %s", cfg->db_path, gw_strerror(rc));
		goto out;
	}
	if ((rc = seed_store(cfg, env.store)) != GW_OK ||
	    (rc = load_schemas(&env, &s16, &s201)) != GW_OK ||
	    (rc = domain_new(env.store, cfg, &env.domain)) != GW_OK ||
	    (rc = dispatch_new(&env, &env.dispatch)) != GW_OK)
		goto out;
	if ((rc = hooks_start(cfg, cfg->db_path, &webhooks)) != GW_OK)
		goto out;
	events_sink_init(&env, &sink);
	domain_set_sink(env.domain, &sink);
	dispatch_hooks(env.dispatch, &hooks);
	rc = transport_new(cfg, &hooks, &env.transport);
	if (rc != GW_OK)
		goto out;
	transport_timer_every(env.transport, 1000, dispatch_tick, env.dispatch);
	transport_timer_every(env.transport, (int64_t)cfg->sweep_interval_s * 1000, dispatch_sweep, env.dispatch);
	for (int i = 0; i < cfg->n_listeners; i++) {
		/* one machine-readable line per listener: tests read the port */
		printf("LISTENING name=%s port=%d profile=%d\n", cfg->listeners[i].name,
		       transport_listener_port(env.transport, i), cfg->listeners[i].security_profile);
	}
	if ((rc = api_start(&env)) != GW_OK)
		goto out;
	fflush(stdout);
	if (cfg->auto_register)
		gw_log(GW_LOG_WARN, "ocpp.auto_register is on: any identity may connect (try-out mode)");
	running = env.transport;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	gw_log(GW_LOG_NOTICE, "ocppgw ready: store %s", cfg->db_path);
	rc = transport_run(env.transport);
	running = NULL;
	gw_log(GW_LOG_NOTICE, "ocppgw stopping");
out:
	hooks_stop(webhooks);
	transport_free(env.transport);
	dispatch_free(env.dispatch);
	domain_free(env.domain);
	schema_set_free(s16);
	schema_set_free(s201);
	store_close(env.store);
	return rc == GW_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'k' },
		{ "dump-config", no_argument, NULL, 'd' },
		{ "hex", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gw_config cfg;
	const char *path = NULL;
	int check = 0, dump = 0, hex = 0, opt, rc;
	char err[512];

	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'k': check = 1; break;
		case 'd': dump = 1; break;
		case 'x': hex = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	config_defaults(&cfg);
	if (path && config_load(&cfg, path, err, sizeof(err)) != GW_OK) {
		fprintf(stderr, "ocppgw: bad configuration: %s\n", err);
		config_cleanup(&cfg);
		return 2;
	}
	gw_log_level = cfg.log_level;
	gw_log_route_lws();
	if (check || dump) {
		if (dump)
			config_dump(&cfg, stdout);
		else
			printf("%s: configuration OK\n", path ? path : "(embedded defaults)");
		config_cleanup(&cfg);
		return 0;
	}
	if (optind < argc && !strcmp(argv[optind], "set-password")) {
		if (optind + 1 >= argc) {
			usage(stderr);
			config_cleanup(&cfg);
			return 2;
		}
		rc = cmd_set_password(&cfg, argv[optind + 1], hex);
	} else if (optind < argc) {
		usage(stderr);
		rc = 2;
	} else {
		rc = run(&cfg);
	}
	config_cleanup(&cfg);
	return rc;
}
