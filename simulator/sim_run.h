/* SPDX-License-Identifier: MIT
 *
 * sim_run.h - scenario mode: one pile walks a scenario's timeline against
 * a real server, with a transcript, and exits 0 when every expect held.
 */
#ifndef SIM_RUN_H
#define SIM_RUN_H

struct sim_opts;
struct sim_net_opts;

/* Run o->scenario.  Returns an enum sim_exit code. */
int sim_run_scenario(const struct sim_opts *o, const struct sim_net_opts *net_opts);

#endif
