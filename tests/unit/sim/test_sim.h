/* SPDX-License-Identifier: MIT
 * test_sim.h - suites of the simulator's unit tests. */
#ifndef TEST_SIM_H
#define TEST_SIM_H
#include <CUnit/CUnit.h>

int test_sim_add_scenario(void); /* test_sim_scenario.c */

#endif
