/* SPDX-License-Identifier: MIT
 * test_domain.h - shared fixture of the src/domain unit tests: a
 * ":memory:" store with piles CP1 and CP2, a hand-filled config and a
 * domain over both, plus small builders for events. */
#ifndef TEST_DOMAIN_H
#define TEST_DOMAIN_H
#include <CUnit/CUnit.h>

#include "config.h"
#include "domain/domain.h"
#include "store/store.h"

int test_add_suite(const char *name, CU_TestInfo *tests);
int test_basic_register(void);
int test_tx16_register(void);
int test_tx201_register(void);
int test_orders_register(void);
int test_sweep_register(void);
int test_remote_stop_register(void);

struct fx {
	struct store *st;
	struct gw_config cfg;
	struct domain *d;
	struct domain_src src; /* identity "CP1", recv_ms 1000000 */
};

void fx_open(struct fx *f);
void fx_close(struct fx *f);
/* Seed an id token; expiry 0 = none. */
void fx_token(struct fx *f, const char *id, const char *status, int64_t expiry_ms);
/* count(*) style query on the store's database; -1 on error. */
long long fx_count(struct fx *f, const char *sql);

/* A 1.6 start / stop event. */
struct tx_event ev16_start(int connector, const char *tag, int64_t meter_wh, int64_t at_ms);
struct tx_event ev16_stop(int64_t tx_id, int64_t meter_wh, int64_t at_ms);
/* A 2.0.1 event. */
struct tx_event ev201(enum tx_event_kind kind, const char *tx, int64_t seq_no, int64_t at_ms);
/* An energy sample in Wh. */
struct meter_sample smp_wh(int64_t at_ms, double wh);

#endif
