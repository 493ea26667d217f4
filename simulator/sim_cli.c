/* SPDX-License-Identifier: MIT
 *
 * sim_cli.c - the option table.  A row says the option's name, what it
 * stores (string, int, number, flag) and where, and its help line; the
 * same rows print --help.  An option whose value is optional (--json in
 * load mode) takes the next word unless it starts with '-'.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim_cli.h"

enum opt_type { O_STR, O_INT, O_NUM, O_FLAG, O_OPT_STR };

struct opt_row {
	const char *name;
	enum opt_type type;
	size_t offset;
	const char *arg;  /* placeholder in help */
	const char *help;
};

#define OFF(f) offsetof(struct sim_opts, f)

static const struct opt_row opts[] = {
	{ "url", O_STR, OFF(url), "URL", "server, ws[s]://HOST:PORT/PREFIX (the identity is appended)" },
	{ "id", O_STR, OFF(identity), "ID", "scenario: pile identity (default: the file's)" },
	{ "password", O_STR, OFF(password), "PW", "Basic auth password, user = identity (profiles 1, 2)" },
	{ "ca", O_STR, OFF(ca), "FILE", "CA certificate(s) that signed the server (wss)" },
	{ "cert", O_STR, OFF(cert), "FILE", "client certificate (profile 3)" },
	{ "key", O_STR, OFF(key), "FILE", "client private key (profile 3)" },
	{ "insecure", O_FLAG, OFF(insecure), NULL, "do not verify the server certificate" },
	{ "json", O_OPT_STR, OFF(json), "[FILE]", "write the result as JSON to FILE (- or none: stdout)" },
	{ "quiet", O_FLAG, OFF(quiet), NULL, "scenario: no live transcript lines" },
	{ "time-scale", O_NUM, OFF(time_scale), "X", "scenario: override the file's time_scale" },
	{ "max-wait", O_NUM, OFF(max_wait_s), "S", "scenario: no wait step longer than S pile seconds (for a server with short timers)" },
	{ "log", O_STR, OFF(log_level), "LEVEL", "err|warn|notice|info|debug (default warn)" },
	{ "piles", O_INT, OFF(piles), "N", "load: number of piles (default 100)" },
	{ "ramp", O_NUM, OFF(ramp), "R", "load: piles connected per second (default 200)" },
	{ "mix", O_STR, OFF(mix), "MIX", "load: heartbeat|status|transaction, weighted: heartbeat=60,status=20,transaction=20" },
	{ "duration", O_NUM, OFF(duration_s), "S", "load: seconds of traffic after the ramp (default 10)" },
	{ "rate", O_NUM, OFF(rate), "R", "load: target CALLs/s over all piles (default: closed loop)" },
	{ "identity-prefix", O_STR, OFF(id_prefix), "P", "load: identities are P00001... (default SIM)" },
	{ "first-index", O_INT, OFF(first_index), "N", "load: number of the first pile (default 1)" },
	{ "version", O_STR, OFF(version), "V", "load: 1.6 or 2.0.1 (default 1.6)" },
	{ "connectors", O_INT, OFF(connectors), "N", "load: connectors per pile (default 1)" },
	{ "call-timeout", O_INT, OFF(call_timeout_s), "S", "seconds to wait for an answer (default 30)" },
	{ "connect-timeout", O_INT, OFF(connect_timeout_s), "S", "seconds for a dial: TCP, TLS and WebSocket handshake (default 10)" },
	{ "help", O_FLAG, 0, NULL, "this text" },
};

static void defaults(struct sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->piles = 100;
	o->ramp = 200;
	o->mix = "heartbeat";
	o->duration_s = 10;
	o->id_prefix = "SIM";
	o->first_index = 1;
	o->version = "1.6";
	o->connectors = 1;
	o->call_timeout_s = 30;
	o->connect_timeout_s = 10;
	o->log_level = "warn";
}

static const struct opt_row *find(const char *name)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

/* Store the value of row r; returns how many extra words were used, or -1. */
static int store(const struct opt_row *r, struct sim_opts *o, const char *val, FILE *err)
{
	char *dst = (char *)o + r->offset, *end;

	if (!strcmp(r->name, "help")) {
		o->mode = SIM_MODE_HELP;
		return 0;
	}
	switch (r->type) {
	case O_FLAG:
		*(int *)(void *)dst = 1;
		return 0;
	case O_OPT_STR:
		if (!val || (val[0] == '-' && val[1])) {
			*(const char **)(void *)dst = "-";
			return 0;
		}
		*(const char **)(void *)dst = val;
		return 1;
	case O_STR:
		if (!val)
			break;
		*(const char **)(void *)dst = val;
		return 1;
	case O_INT:
		if (!val)
			break;
		*(int *)(void *)dst = (int)strtol(val, &end, 10);
		if (*end || end == val)
			break;
		return 1;
	case O_NUM:
		if (!val)
			break;
		*(double *)(void *)dst = strtod(val, &end);
		if (*end || end == val)
			break;
		return 1;
	}
	fprintf(err, "ocppsim: --%s needs a %s value\n", r->name,
		r->type == O_STR ? "text" : "numeric");
	return -1;
}

int sim_cli_parse(int argc, char **argv, struct sim_opts *o, FILE *err)
{
	int i = 1, used;

	defaults(o);
	if (i < argc && !strcmp(argv[i], "scenario")) {
		o->mode = SIM_MODE_SCENARIO;
		i++;
		if (i < argc && argv[i][0] != '-')
			o->scenario = argv[i++];
	} else if (i < argc && !strcmp(argv[i], "load")) {
		o->mode = SIM_MODE_LOAD;
		i++;
	}
	for (; i < argc; i++) {
		const char *a = argv[i], *eq;
		const struct opt_row *r;
		char name[40];

		if (strncmp(a, "--", 2)) {
			if (o->mode == SIM_MODE_SCENARIO && !o->scenario) {
				o->scenario = a;
				continue;
			}
			fprintf(err, "ocppsim: unexpected argument '%s' (see --help)\n", a);
			return SIM_EXIT_URL;
		}
		eq = strchr(a + 2, '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a - 2) : (int)strlen(a + 2), a + 2);
		r = find(name);
		if (!r) {
			fprintf(err, "ocppsim: unknown option --%s (see --help)\n", name);
			return SIM_EXIT_URL;
		}
		used = store(r, o, eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL), err);
		if (used < 0)
			return SIM_EXIT_URL;
		if (!eq)
			i += used;
	}
	if (o->mode == SIM_MODE_HELP)
		return 0;
	if (o->mode == SIM_MODE_NONE) {
		fprintf(err, "ocppsim: say 'scenario FILE' or 'load' (see --help)\n");
		return SIM_EXIT_URL;
	}
	if (o->mode == SIM_MODE_SCENARIO && !o->scenario) {
		fprintf(err, "ocppsim: scenario needs a file\n");
		return SIM_EXIT_URL;
	}
	if (!o->url) {
		fprintf(err, "ocppsim: --url is required\n");
		return SIM_EXIT_URL;
	}
	if ((o->cert != NULL) != (o->key != NULL)) {
		fprintf(err, "ocppsim: --cert and --key go together\n");
		return SIM_EXIT_URL;
	}
	if (o->piles < 1 || o->ramp <= 0 || o->duration_s < 0 || o->rate < 0 || o->connectors < 1 ||
	    o->call_timeout_s < 1 || o->connect_timeout_s < 1 || o->max_wait_s < 0) {
		fprintf(err, "ocppsim: --piles, --ramp, --connectors, --call-timeout, --connect-timeout,"
			" --max-wait must be positive\n");
		return SIM_EXIT_URL;
	}
	return 0;
}

void sim_cli_help(FILE *out)
{
	fprintf(out,
		"ocppsim - OCPP charge-point simulator (1.6 and 2.0.1, security profiles 1-3)\n\n"
		"usage:\n"
		"  ocppsim scenario FILE.cfg --url ws://HOST:PORT/ocpp [--id CP001] [--password PW]\n"
		"          [--ca CA.pem] [--cert C.pem --key K.pem] [--json out.json]\n"
		"  ocppsim load --url ws://HOST:PORT/ocpp --piles 1000 --ramp 500 --mix heartbeat\n"
		"          --duration 30 [--rate 10000] [--json]\n\n"
		"options:\n");
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		char left[40];

		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			 opts[i].arg ? opts[i].arg : "");
		fprintf(out, "  %-24s %s\n", left, opts[i].help);
	}
	fprintf(out,
		"\nscenario files: simulator/scenarios/*.cfg, format in simulator/README.md.\n"
		"load: a progress line every second, then a latency histogram (p50/p90/p99/p99.9/max),\n"
		"msg/s, errors by kind and connect times; --json for machines.\n\n"
		"exit codes: 0 ok, 1 an expect step failed, 2 bad URL or arguments, 3 connection or\n"
		"handshake refused (HTTP status shown), 4 wrong identity/password (401),\n"
		"5 bad scenario file (line shown).\n");
}
