/* SPDX-License-Identifier: MIT
 * test_certs.c - SignCertificate: what is checked, the answer, the
 * CertificateSigned command after it, refusals kept as security events. */
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_v16.h"

#define CSR "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nMIIC\\n-----END CERTIFICATE REQUEST-----\\n\"}"

static void test_signed_and_sent(void)
{
	struct json_object *o = NULL;

	CU_ASSERT_EQUAL(fx_call("SignCertificate", CSR), GW_OK);
	CU_ASSERT_EQUAL(stub_pki.calls, 1);
	CU_ASSERT_STRING_EQUAL(stub_pki.ca_cert, "certs/dev/ca.pem");
	CU_ASSERT_STRING_EQUAL(stub_pki.ca_key, "certs/dev/ca.key");
	CU_ASSERT_STRING_EQUAL(stub_pki.cn, "CP042");        /* the pile's identity */
	CU_ASSERT_STRING_EQUAL(stub_pki.o, "Example CPO");   /* our operator */
	CU_ASSERT_EQUAL(stub_pki.days, 365);
	CU_ASSERT(strncmp(stub_pki.csr, "-----BEGIN CERTIFICATE REQUEST-----\nMIIC", 40) == 0);
	FX_EXPECT_RESPONSE("SignCertificate", "{\"status\":\"Accepted\"}");
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 1);
	CU_ASSERT_STRING_EQUAL(stub_cmds[0].action, "CertificateSigned");
	CU_ASSERT_STRING_EQUAL(stub_cmds[0].identity, "CP042");
	CU_ASSERT(FX_VALID(fx_validate("CertificateSignedRequest", stub_cmds[0].payload)));
	CU_ASSERT_EQUAL_FATAL(gw_json_parse(stub_cmds[0].payload, strlen(stub_cmds[0].payload), 4, &o),
			      GW_OK);
	CU_ASSERT_STRING_EQUAL(gw_json_get_str(o, "certificateChain", NULL), stub_pki.chain);
	json_object_put(o);
	CU_ASSERT_EQUAL(stub.n_reports, 0);

	/* the pile's verdict on the chain is kept */
	stub_cmd_answer(0, GW_OK, "{\"status\":\"Rejected\"}", NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "CertificateSigned");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "Rejected");
	CU_ASSERT_STRING_EQUAL(stub.src_identity, "CP042");
}

static void test_bad_csr_rejected(void)
{
	stub_pki.rc = GW_ECONSTRAINT;
	stub_pki.why = "CSR subject CN 'CP999' is not the pile 'CP042'";
	CU_ASSERT_EQUAL(fx_call("SignCertificate", CSR), GW_OK);
	FX_EXPECT_RESPONSE("SignCertificate", "{\"status\":\"Rejected\"}");
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "SecurityEvent");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "CsrRejected");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, stub_pki.why);
}

/* No reason from pki: the code's text stands in. */
static void test_refusal_without_reason(void)
{
	stub_pki.rc = GW_EIO;
	CU_ASSERT_EQUAL(fx_call("SignCertificate", CSR), GW_OK);
	FX_EXPECT_RESPONSE("SignCertificate", "{\"status\":\"Rejected\"}");
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, gw_strerror(GW_EIO));
}

/* Signed, but the chain cannot be queued: the pile would wait for nothing. */
static void test_chain_not_queued(void)
{
	stub_cmd_rc = GW_EBUSY;
	CU_ASSERT_EQUAL(fx_call("SignCertificate", CSR), GW_OK);
	FX_EXPECT_RESPONSE("SignCertificate", "{\"status\":\"Rejected\"}");
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT(strstr(stub.reports[0].detail, "CertificateSigned not queued") != NULL);
}

static void test_refusal_not_recorded(void)
{
	stub_pki.rc = GW_ECONSTRAINT;
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(fx_call("SignCertificate", CSR), GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
}

int test_certs_register(void)
{
	static CU_TestInfo tests[] = {
		{"signed: Accepted, then CertificateSigned; answer kept", test_signed_and_sent},
		{"bad CSR: Rejected + SecurityEvent with why", test_bad_csr_rejected},
		{"refusal without a reason", test_refusal_without_reason},
		{"chain not queueable: Rejected", test_chain_not_queued},
		{"refusal not recordable: error returned", test_refusal_not_recorded},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 SignCertificate", tests);
}
