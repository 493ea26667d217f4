/* SPDX-License-Identifier: MIT
 *
 * test_certs.c - SignCertificate: signing with the configured CA and the
 * expected CN/O, the CertificateSigned that follows, and every refusal
 * (bad CSR, our own failure, V2G, full queue).
 */
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_v201.h"

#define CSR "-----BEGIN CERTIFICATE REQUEST-----\\nMIIC\\n-----END CERTIFICATE REQUEST-----\\n"
#define CHAIN "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

static void t_sign_ok(void)
{
	stub_pki.chain = CHAIN;
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"" CSR "\","
						       "\"certificateType\":\"ChargingStationCertificate\"}"),
			      GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"status\":\"Accepted\"}");
	CU_ASSERT_EQUAL(stub_pki.calls, 1);
	CU_ASSERT_STRING_EQUAL(stub_pki.cn, "CP042");
	CU_ASSERT_STRING_EQUAL(stub_pki.o, "Example CPO");
	CU_ASSERT_EQUAL(stub_pki.days, 365);
	CU_ASSERT_STRING_EQUAL(stub_pki.csr,
			       "-----BEGIN CERTIFICATE REQUEST-----\nMIIC\n-----END CERTIFICATE REQUEST-----\n");
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 1);
	CU_ASSERT_STRING_EQUAL(stub_cmds[0].action, "CertificateSigned");
	CU_ASSERT_STRING_EQUAL(stub_cmds[0].identity, "CP042");
	CU_ASSERT_STRING_EQUAL(h_dump(stub_cmds[0].payload),
			       "{\"certificateChain\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\","
			       "\"certificateType\":\"ChargingStationCertificate\"}");
	h_validate("CertificateSignedRequest", stub_cmds[0].payload);
	CU_ASSERT_EQUAL(stub.n_reports, 0);
	/* the pile installs it: recorded */
	stub_cmd_answer(0, GW_OK, "{\"status\":\"Accepted\"}", NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "CertificateSigned");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "Accepted");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "");
}

static void t_sign_no_type_pile_refuses(void)
{
	stub_pki.chain = CHAIN;
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"" CSR "\"}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"status\":\"Accepted\"}");
	CU_ASSERT_EQUAL_FATAL(stub_n_cmds, 1);
	CU_ASSERT_PTR_NULL(gw_json_get_str(stub_cmds[0].payload, "certificateType", NULL));
	stub_cmd_answer(0, GW_OK,
			"{\"status\":\"Rejected\",\"statusInfo\":{\"reasonCode\":\"InvalidChain\"}}", NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "Rejected");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "InvalidChain");
}

static void t_chain_not_answered(void)
{
	stub_pki.chain = CHAIN;
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"" CSR "\"}"), GW_OK);
	stub_cmd_answer(0, GW_ECALLERROR, NULL, "FormatViolation");
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "CertificateSigned");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "CallError:FormatViolation");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "desc");
	stub_reset();
	stub_pki.chain = CHAIN;
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"" CSR "\"}"), GW_OK);
	stub_cmd_answer(0, GW_ETIMEOUT, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "Timeout");
}

static void t_sign_bad_csr(void)
{
	stub_pki.rc = GW_ECONSTRAINT;
	stub_pki.why = "CN 'CP999' is not the identity";
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"" CSR "\"}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"status\":\"Rejected\",\"statusInfo\":{\"reasonCode\":\"InvalidCSR\","
					 "\"additionalInfo\":\"CN 'CP999' is not the identity\"}}");
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].kind, "SecurityEvent");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].status, "CsrRejected");
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, "CN 'CP999' is not the identity");
	/* unparseable PEM, no reason given: the code's text */
	stub_reset();
	stub_pki.rc = GW_EFORMAT;
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"garbage\"}"), GW_OK);
	CU_ASSERT_EQUAL_FATAL(stub.n_reports, 1);
	CU_ASSERT_STRING_EQUAL(stub.reports[0].detail, gw_strerror(GW_EFORMAT));
}

static void t_sign_our_failure(void)
{
	static const char *const internal =
		"{\"status\":\"Rejected\",\"statusInfo\":{\"reasonCode\":\"InternalError\","
		"\"additionalInfo\":\"signing failed at the CSMS\"}}";

	stub_pki.rc = GW_ECONFIG; /* CA files unreadable */
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"" CSR "\"}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), internal);
	CU_ASSERT_EQUAL(stub.n_reports, 0); /* not the pile's doing */
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
	/* signed, but the chain cannot be queued */
	stub_reset();
	stub_pki.chain = CHAIN;
	stub_cmd_rc = GW_EBUSY;
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate", "{\"csr\":\"" CSR "\"}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), internal);
}

static void t_sign_v2g(void)
{
	CU_ASSERT_EQUAL_FATAL(h_run("SignCertificate",
				    "{\"csr\":\"" CSR "\",\"certificateType\":\"V2GCertificate\"}"),
			      GW_OK);
	CU_ASSERT_STRING_EQUAL(h_resp(), "{\"status\":\"Rejected\",\"statusInfo\":{\"reasonCode\":\"NotSupported\","
					 "\"additionalInfo\":\"no V2G sub-CA in this CSMS\"}}");
	CU_ASSERT_EQUAL(stub_pki.calls, 0);
	CU_ASSERT_EQUAL(stub_n_cmds, 0);
}

int test_certs_register(void)
{
	static CU_TestInfo tests[] = {
		{"SignCertificate: signed, CertificateSigned queued, answer kept", t_sign_ok},
		{"SignCertificate: no type; pile rejects the chain", t_sign_no_type_pile_refuses},
		{"CertificateSigned: CALLERROR and timeout recorded", t_chain_not_answered},
		{"SignCertificate: bad CSR -> Rejected + SecurityEvent", t_sign_bad_csr},
		{"SignCertificate: our failure -> Rejected InternalError", t_sign_our_failure},
		{"SignCertificate: V2GCertificate not signed here", t_sign_v2g},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 certs", tests);
}
