/* SPDX-License-Identifier: MIT
 * test_rpc.h - suites of test_rpc, one per file, registered by test_main.c. */
#ifndef TEST_RPC_H
#define TEST_RPC_H
#include <CUnit/CUnit.h>

int test_frame_register(void);
int test_build_register(void);
int test_error_register(void);
int test_inflight_register(void);
int test_calls_register(void);
int test_alloc_register(void);

/* Add a suite with tests {name, fn}... ending in CU_TEST_INFO_NULL. */
int test_add_suite(const char *name, CU_TestInfo *tests);

#endif
