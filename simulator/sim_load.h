/* SPDX-License-Identifier: MIT
 *
 * sim_load.h - load mode: many piles, a message mix, a target rate or a
 * closed loop, and latency statistics.
 */
#ifndef SIM_LOAD_H
#define SIM_LOAD_H

struct sim_opts;
struct sim_net_opts;

/* Run the load described by o.  Returns an enum sim_exit code. */
int sim_load_run(const struct sim_opts *o, const struct sim_net_opts *net_opts);

#endif
