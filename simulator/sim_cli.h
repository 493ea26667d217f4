/* SPDX-License-Identifier: MIT
 *
 * sim_cli.h - command line: `ocppsim scenario FILE ...`, `ocppsim load
 * ...`, `ocppsim --help`.  One table row per option (sim_cli.c) drives
 * parsing and the help text.  Exit codes are here too, so every module
 * uses the same numbers.
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H
#include <stdio.h>

enum sim_exit {
	SIM_EXIT_OK = 0,
	SIM_EXIT_EXPECT = 1,    /* an expect step failed (or the run broke) */
	SIM_EXIT_URL = 2,       /* bad URL or command line */
	SIM_EXIT_REFUSED = 3,   /* connection or handshake refused */
	SIM_EXIT_AUTH = 4,      /* 401: wrong identity/password */
	SIM_EXIT_SCENARIO = 5,  /* bad scenario file */
};

enum sim_mode { SIM_MODE_NONE, SIM_MODE_SCENARIO, SIM_MODE_LOAD, SIM_MODE_HELP };

/* Parsed command line; strings lend from argv.  Lives for the run. */
struct sim_opts {
	enum sim_mode mode;
	const char *scenario;   /* scenario file */
	const char *url;
	const char *identity;   /* scenario: overrides the file's */
	const char *password;
	const char *ca, *cert, *key;
	int insecure;
	const char *json;       /* file, "-" = stdout; NULL = none */
	int quiet;              /* no live transcript */
	double time_scale;      /* 0 = the scenario's */
	double max_wait_s;      /* scenario: cap on each wait step, pile s; 0 = none */
	const char *log_level;
	/* load mode */
	int piles;
	double ramp;            /* piles started per second */
	const char *mix;        /* "heartbeat", "heartbeat=50,status=20,transaction=30" */
	double duration_s;      /* of the measured phase, after the ramp */
	double rate;            /* total CALLs/s; 0 = closed loop */
	const char *id_prefix;
	int first_index;
	const char *version;    /* "1.6" / "2.0.1" */
	int connectors;
	int call_timeout_s;
	int connect_timeout_s;  /* TCP connect + TLS + WebSocket handshake, s */
};

/* Fill o from argv.  0 on success; otherwise prints why to err and returns
 * SIM_EXIT_URL. */
int sim_cli_parse(int argc, char **argv, struct sim_opts *o, FILE *err);
void sim_cli_help(FILE *out);

#endif
