/* SPDX-License-Identifier: MIT
 * test_basic.c - boot, heartbeat, authorize, status, meter values outside
 * a transaction, reports and device vars. */
#include <string.h>

#include "common/gw_err.h"
#include "test_domain.h"

static void test_new_free(void)
{
	struct domain *d = NULL;
	struct gw_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	CU_ASSERT_EQUAL(domain_new(NULL, &cfg, &d), GW_EINVAL);
	domain_free(NULL);
}

static void test_boot(void)
{
	struct fx f;
	struct boot_report b;
	struct boot_result r;
	struct pile_row p;

	fx_open(&f);
	memset(&b, 0, sizeof(b));
	strcpy(b.vendor, "ACME");
	strcpy(b.serial, "SN-1");
	CU_ASSERT_EQUAL(domain_boot(f.d, &f.src, &b, &r), GW_OK);
	CU_ASSERT_EQUAL(r.status, REG_ACCEPTED);
	CU_ASSERT_EQUAL(r.interval_s, 300);
	CU_ASSERT_EQUAL(store_pile_get(f.st, "CP1", &p), GW_OK);
	CU_ASSERT_STRING_EQUAL(p.boot.serial, "SN-1");
	CU_ASSERT_EQUAL(p.last_boot_ms, 1000000);

	f.src.identity = "CP2"; /* Pending */
	CU_ASSERT_EQUAL(domain_boot(f.d, &f.src, &b, &r), GW_OK);
	CU_ASSERT_EQUAL(r.status, REG_PENDING);
	CU_ASSERT_EQUAL(r.interval_s, 30);

	f.src.identity = "GHOST"; /* not registered: answered, not stored */
	CU_ASSERT_EQUAL(domain_boot(f.d, &f.src, &b, &r), GW_OK);
	CU_ASSERT_EQUAL(r.status, REG_REJECTED);
	CU_ASSERT_EQUAL(r.interval_s, 30);
	fx_close(&f);
}

static void test_heartbeat(void)
{
	struct fx f;
	struct pile_row p;

	fx_open(&f);
	f.src.recv_ms = 5555;
	CU_ASSERT_EQUAL(domain_heartbeat(f.d, &f.src), GW_OK);
	CU_ASSERT_EQUAL(store_pile_get(f.st, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(p.last_seen_ms, 5555);
	fx_close(&f);
}

static void test_authorize(void)
{
	struct fx f;
	struct auth_info a;

	fx_open(&f);
	fx_token(&f, "OK", "Accepted", 0);
	fx_token(&f, "OLD", "Accepted", 999999); /* expired 1 ms before recv */
	fx_token(&f, "FUTURE", "Accepted", 1000001);
	fx_token(&f, "BLK", "Blocked", 0);
	fx_token(&f, "ODD", "Sideways", 0);

	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "OK", "ISO14443", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_ACCEPTED);
	CU_ASSERT_STRING_EQUAL(a.group_id, "G-OK");
	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "NOPE", "", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_INVALID);
	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "OLD", "", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_EXPIRED);
	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "FUTURE", "", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_ACCEPTED);
	CU_ASSERT_EQUAL(a.expiry_ms, 1000001);
	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "BLK", "", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_BLOCKED);
	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "ODD", "", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_INVALID);

	f.cfg.accept_all_tokens = 1;
	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "NOPE", "", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_ACCEPTED);
	CU_ASSERT_EQUAL(domain_authorize(f.d, &f.src, "BLK", "", &a), GW_OK);
	CU_ASSERT_EQUAL(a.status, AUTH_ACCEPTED);
	fx_close(&f);
}

static void test_status(void)
{
	struct fx f;
	struct status_report r;
	struct connector_row c;
	int64_t n = 0;

	fx_open(&f);
	memset(&r, 0, sizeof(r));
	r.evse_id = 2;
	r.connector_id = 2;
	r.state = CONN_FAULTED;
	r.plugged = PLUG_UNKNOWN;
	strcpy(r.error_code, "GroundFailure");
	strcpy(r.raw_status, "Faulted");
	f.src.frame_seq = 17;
	CU_ASSERT_EQUAL(domain_status(f.d, &f.src, &r), GW_OK);
	r.state = CONN_AVAILABLE;
	CU_ASSERT_EQUAL(domain_status(f.d, &f.src, &r), GW_OK);
	CU_ASSERT_EQUAL(store_connector_get(f.st, "CP1", 2, 2, &c), GW_OK);
	CU_ASSERT_EQUAL(c.state, CONN_AVAILABLE);
	CU_ASSERT_EQUAL(c.frame_seq, 17);
	CU_ASSERT_EQUAL(store_connector_history_count(f.st, "CP1", 2, 2, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	fx_close(&f);
}

static void test_meter_outside_tx(void)
{
	struct fx f;
	struct meter_sample s[2] = {smp_wh(10, 100.0), smp_wh(20, 200.0)};

	fx_open(&f);
	CU_ASSERT_EQUAL(domain_meter_values(f.d, &f.src, 0, "", s, 2), GW_OK);
	CU_ASSERT_EQUAL(domain_meter_values(f.d, &f.src, 0, NULL, s, 0), GW_OK);
	/* 1.6 id we never issued: kept, tx NULL, the claimed id as text */
	CU_ASSERT_EQUAL(domain_meter_values(f.d, &f.src, 777, "", s, 1), GW_OK);
	/* 2.0.1 id not seen yet: kept with its text */
	CU_ASSERT_EQUAL(domain_meter_values(f.d, &f.src, 0, "TX-UNSEEN", s, 1), GW_OK);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM meter_samples WHERE tx_id IS NULL"), 4);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM meter_samples WHERE pile_tx_id = '777'"),
			1);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM meter_samples"
				     " WHERE pile_tx_id = 'TX-UNSEEN'"),
			1);
	fx_close(&f);
}

static void test_reports_vars(void)
{
	struct fx f;
	struct pile_report rep;
	struct device_var v[2];

	fx_open(&f);
	memset(&rep, 0, sizeof(rep));
	strcpy(rep.kind, "SecurityEventNotification");
	strcpy(rep.status, "StartupOfTheDevice");
	CU_ASSERT_EQUAL(domain_pile_report(f.d, &f.src, &rep), GW_OK);
	memset(v, 0, sizeof(v));
	strcpy(v[0].variable, "HeartbeatInterval");
	strcpy(v[0].value, "300");
	strcpy(v[1].variable, "MeterValueSampleInterval");
	strcpy(v[1].value, "60");
	CU_ASSERT_EQUAL(domain_device_vars(f.d, &f.src, v, 2), GW_OK);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM device_vars"), 2);
	CU_ASSERT_EQUAL(fx_count(&f, "SELECT count(*) FROM pile_reports"), 1);
	fx_close(&f);
}

static CU_TestInfo tests[] = {
	{"new/free", test_new_free},
	{"boot: accepted, pending, unknown", test_boot},
	{"heartbeat", test_heartbeat},
	{"authorize", test_authorize},
	{"status: current + history", test_status},
	{"meter values outside a known tx", test_meter_outside_tx},
	{"reports and device vars", test_reports_vars},
	CU_TEST_INFO_NULL,
};

int test_basic_register(void)
{
	return test_add_suite("domain_basic", tests);
}
