/* SPDX-License-Identifier: MIT
 * test_piles.c - piles, connectors, id tokens, reports, device vars and
 * commands: every op, its not-found and duplicate answers. */
#include <string.h>

#include "common/gw_err.h"
#include "test_store.h"

static void test_pile_ops(void)
{
	struct store *st = ts_open_mem(0);
	struct pile_row p, rows[4];
	struct boot_report b;
	size_t n = 0;

	CU_ASSERT_EQUAL(store_pile_get(st, "nope", &p), GW_ENOTFOUND);
	CU_ASSERT_EQUAL_FATAL(store_pile_get(st, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(p.reg_status, REG_ACCEPTED);
	CU_ASSERT_EQUAL(p.password.present, 0);
	CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_EDUP);

	memset(&b, 0, sizeof(b));
	strcpy(b.vendor, "ACME");
	strcpy(b.model, "Fast-1");
	strcpy(b.firmware, "1.2.3");
	strcpy(b.reason, "PowerUp");
	CU_ASSERT_EQUAL(store_pile_update_boot(st, "CP1", &b, 7000), GW_OK);
	CU_ASSERT_EQUAL(store_pile_update_boot(st, "nope", &b, 7000), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_pile_touch(st, "CP1", OCPP_201, 6000), GW_OK); /* older: kept */
	CU_ASSERT_EQUAL(store_pile_touch(st, "nope", 0, 6000), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_pile_set_registration(st, "CP1", REG_PENDING, 2), GW_OK);
	CU_ASSERT_EQUAL(store_pile_get(st, "CP1", &p), GW_OK);
	CU_ASSERT_STRING_EQUAL(p.boot.vendor, "ACME");
	CU_ASSERT_STRING_EQUAL(p.boot.reason, "PowerUp");
	CU_ASSERT_EQUAL(p.last_boot_ms, 7000);
	CU_ASSERT_EQUAL(p.last_seen_ms, 7000);
	CU_ASSERT_EQUAL(p.ocpp_version, OCPP_201);
	CU_ASSERT_EQUAL(p.reg_status, REG_PENDING);
	CU_ASSERT_EQUAL(p.min_security_profile, 2);
	CU_ASSERT_EQUAL(store_pile_touch(st, "CP1", 0, 9000), GW_OK);
	CU_ASSERT_EQUAL(store_pile_get(st, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(p.last_seen_ms, 9000);
	CU_ASSERT_EQUAL(p.ocpp_version, OCPP_201);

	memset(&p, 0, sizeof(p));
	strcpy(p.identity, "CP0");
	CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_OK);
	strcpy(p.identity, "CP2");
	CU_ASSERT_EQUAL(store_pile_insert(st, &p), GW_OK);
	CU_ASSERT_EQUAL(store_pile_list(st, NULL, rows, 2, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(rows[0].identity, "CP0");
	CU_ASSERT_STRING_EQUAL(rows[1].identity, "CP1");
	CU_ASSERT_EQUAL(store_pile_list(st, rows[1].identity, rows, 4, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(rows[0].identity, "CP2");
	store_close(st);
}

static void fill_pw(struct store_password *pw, unsigned char seed)
{
	memset(pw, 0, sizeof(*pw));
	pw->present = 1;
	memset(pw->hash, seed, sizeof(pw->hash));
	memset(pw->salt, seed + 1, sizeof(pw->salt));
	pw->iterations = 100000u + seed;
}

static void test_passwords(void)
{
	struct store *st = ts_open_mem(0);
	struct store_password a, b;
	struct pile_row p;

	fill_pw(&a, 1);
	fill_pw(&b, 2);
	CU_ASSERT_EQUAL(store_pile_set_password(st, "nope", &a), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_pile_promote_password(st, "CP1"), GW_ENOTFOUND); /* none pending */
	CU_ASSERT_EQUAL(store_pile_set_password(st, "CP1", &a), GW_OK);
	CU_ASSERT_EQUAL(store_pile_set_pending_password(st, "CP1", &b), GW_OK);
	CU_ASSERT_EQUAL(store_pile_get(st, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(memcmp(&p.password, &a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(memcmp(&p.pending, &b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(store_pile_promote_password(st, "CP1"), GW_OK);
	CU_ASSERT_EQUAL(store_pile_get(st, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(memcmp(&p.password, &b, sizeof(b)), 0);
	CU_ASSERT_EQUAL(p.pending.present, 0);
	/* setting the current password drops a pending one; NULL clears */
	CU_ASSERT_EQUAL(store_pile_set_pending_password(st, "CP1", &a), GW_OK);
	CU_ASSERT_EQUAL(store_pile_set_password(st, "CP1", &a), GW_OK);
	CU_ASSERT_EQUAL(store_pile_get(st, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(p.pending.present, 0);
	CU_ASSERT_EQUAL(store_pile_set_password(st, "CP1", NULL), GW_OK);
	CU_ASSERT_EQUAL(store_pile_get(st, "CP1", &p), GW_OK);
	CU_ASSERT_EQUAL(p.password.present, 0);
	store_close(st);
}

static void test_connectors(void)
{
	struct store *st = ts_open_mem(0);
	struct status_report r;
	struct connector_row c;
	int64_t n = 0;

	memset(&r, 0, sizeof(r));
	r.evse_id = 1;
	r.connector_id = 1;
	r.state = CONN_PREPARING;
	r.plugged = PLUG_UNKNOWN;
	strcpy(r.error_code, "NoError");
	r.pile_ms = 100;
	CU_ASSERT_EQUAL(store_connector_get(st, "CP1", 1, 1, &c), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_connector_set(st, "CP1", &r, CONN_SRC_STATUS, 150, 3), GW_OK);
	r.state = CONN_CHARGING;
	r.plugged = PLUG_YES;
	r.pile_ms = 200;
	CU_ASSERT_EQUAL(store_connector_set(st, "CP1", &r, CONN_SRC_TX_EVENT, 250, 4), GW_OK);
	CU_ASSERT_EQUAL(store_connector_set(st, "nope", &r, CONN_SRC_STATUS, 250, 4),
			GW_ENOTFOUND);
	CU_ASSERT_EQUAL(store_connector_get(st, "CP1", 1, 1, &c), GW_OK);
	CU_ASSERT_EQUAL(c.state, CONN_CHARGING);
	CU_ASSERT_EQUAL(c.plugged, PLUG_YES);
	CU_ASSERT_EQUAL(c.recv_ms, 250);
	CU_ASSERT_EQUAL(c.frame_seq, 4);
	CU_ASSERT_STRING_EQUAL(c.error_code, "NoError");
	CU_ASSERT_EQUAL(store_connector_history_count(st, "CP1", 1, 1, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM connector_status_history"
				     " WHERE source = 'tx_event' AND state = 'CHARGING'"),
			1);
	store_close(st);
}

static void test_tokens(void)
{
	struct store *st = ts_open_mem(0);
	struct token_row t, rows[3];
	size_t n;

	memset(&t, 0, sizeof(t));
	CU_ASSERT_EQUAL(store_token_upsert(st, &t), GW_EINVAL);
	CU_ASSERT_EQUAL(store_token_get(st, "TAG1", &t), GW_ENOTFOUND);
	strcpy(t.id, "TAG1");
	strcpy(t.status, "Accepted");
	strcpy(t.group_id, "FLEET");
	t.expiry_ms = 5000;
	CU_ASSERT_EQUAL(store_token_upsert(st, &t), GW_OK);
	strcpy(t.status, "Blocked");
	CU_ASSERT_EQUAL(store_token_upsert(st, &t), GW_OK);
	strcpy(t.id, "TAG0");
	CU_ASSERT_EQUAL(store_token_upsert(st, &t), GW_OK);
	CU_ASSERT_EQUAL(store_token_get(st, "TAG1", &t), GW_OK);
	CU_ASSERT_STRING_EQUAL(t.status, "Blocked");
	CU_ASSERT_STRING_EQUAL(t.group_id, "FLEET");
	CU_ASSERT_EQUAL(t.expiry_ms, 5000);
	CU_ASSERT_EQUAL(store_token_list(st, "", rows, 3, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(rows[0].id, "TAG0");
	store_close(st);
}

static void test_reports_vars_commands(void)
{
	struct store *st = ts_open_mem(0);
	struct pile_report rep;
	struct device_var v;
	int64_t id = 0;

	memset(&rep, 0, sizeof(rep));
	strcpy(rep.kind, "FirmwareStatusNotification");
	strcpy(rep.status, "Installed");
	CU_ASSERT_EQUAL(store_report_insert(st, "CP1", &rep, 10, 1), GW_OK);
	CU_ASSERT_EQUAL(store_report_insert(st, "nope", &rep, 10, 1), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM pile_reports"), 1);

	memset(&v, 0, sizeof(v));
	strcpy(v.component, "DeviceDataCtrlr");
	strcpy(v.variable, "ItemsPerMessage");
	strcpy(v.variable_instance, "GetVariables");
	v.evse_id = -1;
	v.connector_id = -1;
	strcpy(v.value, "4");
	v.readonly = 1;
	CU_ASSERT_EQUAL(store_device_var_upsert(st, "CP1", &v, 10, 2), GW_OK);
	strcpy(v.value, "8");
	CU_ASSERT_EQUAL(store_device_var_upsert(st, "CP1", &v, 11, 3), GW_OK);
	memset(v.value, 0, sizeof(v.value));
	v.readonly = 0;
	CU_ASSERT_EQUAL(store_device_var_get(st, "CP1", &v), GW_OK); /* "" attribute = Actual */
	CU_ASSERT_STRING_EQUAL(v.value, "8");
	CU_ASSERT_EQUAL(v.readonly, 1);
	strcpy(v.variable_instance, "SetVariables");
	CU_ASSERT_EQUAL(store_device_var_get(st, "CP1", &v), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM device_vars"), 1);

	CU_ASSERT_EQUAL(store_command_insert(st, "CP1", "m1", "Reset", "{\"type\":\"Soft\"}", 20,
					     &id),
			GW_OK);
	CU_ASSERT(id > 0);
	CU_ASSERT_EQUAL(store_command_finish(st, id, CMD_ACCEPTED, "{\"status\":\"Accepted\"}", 25),
			GW_OK);
	CU_ASSERT_EQUAL(store_command_finish(st, id + 100, CMD_TIMEOUT, NULL, 25), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(ts_count(st, "SELECT count(*) FROM commands WHERE outcome = 'ACCEPTED'"
				     " AND done_ms = 25"),
			1);
	store_close(st);
}

static CU_TestInfo tests[] = {
	{"pile ops", test_pile_ops},
	{"password rotation", test_passwords},
	{"connector state + history", test_connectors},
	{"id tokens", test_tokens},
	{"reports, device vars, commands", test_reports_vars_commands},
	CU_TEST_INFO_NULL,
};

int test_piles_register(void)
{
	return test_add_suite("store_piles", tests);
}
