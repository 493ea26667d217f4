/* SPDX-License-Identifier: MIT
 *
 * sim_main.c - ocppsim's wiring only: command line, logging, the open-file
 * limit, the server URL, then scenario or load mode.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/gw_log.h"
#include "sim_cli.h"
#include "sim_conn.h"
#include "sim_load.h"
#include "sim_run.h"

/* Soft RLIMIT_NOFILE up to the hard one; returns the limit in force. */
static int raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur > 10000000 ? 10000000 : (int)rl.rlim_cur;
}

int main(int argc, char **argv)
{
	struct sim_net_opts net = { 0 };
	struct sim_opts o;
	const char *why = NULL;
	int rc, level;

	rc = sim_cli_parse(argc, argv, &o, stderr);
	if (rc)
		return rc;
	if (o.mode == SIM_MODE_HELP) {
		sim_cli_help(stdout);
		return SIM_EXIT_OK;
	}
	level = gw_log_level_parse(o.log_level);
	gw_log_level = level >= 0 ? level : GW_LOG_WARN;
	gw_log_route_lws();
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	if (sim_url_parse(o.url, &net.url, &why)) {
		fprintf(stderr, "ocppsim: bad URL '%s': %s\n", o.url, why);
		return SIM_EXIT_URL;
	}
	net.password = o.password;
	net.ca = o.ca;
	net.cert = o.cert;
	net.key = o.key;
	net.insecure = o.insecure;
	net.fd_limit = raise_nofile();
	net.connect_timeout_s = o.connect_timeout_s;
	if (o.mode == SIM_MODE_SCENARIO)
		return sim_run_scenario(&o, &net);
	return sim_load_run(&o, &net);
}
