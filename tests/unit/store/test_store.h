/* SPDX-License-Identifier: MIT
 * test_store.h - shared helpers of the src/store unit tests. */
#ifndef TEST_STORE_H
#define TEST_STORE_H
#include <CUnit/CUnit.h>

#include "store/store.h"

int test_add_suite(const char *name, CU_TestInfo *tests);

int test_open_register(void);
int test_piles_register(void);
int test_tx_register(void);
int test_frames_register(void);
int test_batch_register(void);
int test_orders_register(void);

/* A fresh ":memory:" store holding pile "CP1" (and "CP2" when two). */
struct store *ts_open_mem(int two);
/* Run one SQL text on the store's handle; returns the SQLite code. */
int ts_sql(struct store *st, const char *sql);
/* count(*) of a query returning one integer, -1 on error. */
long long ts_count(struct store *st, const char *sql);
/* A fresh temporary folder path (caller frees with free()). */
char *ts_tmpdir(void);

#endif
