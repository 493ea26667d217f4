/* SPDX-License-Identifier: MIT
 *
 * gw_ocpp.h - the OCPP versions ocppgw speaks.  The transport selects one
 * per connection from the WebSocket subprotocol; rpc and the handler tables
 * branch on it.  The domain never sees it.
 */
#ifndef GW_OCPP_H
#define GW_OCPP_H

enum ocpp_version {
	OCPP_NONE = 0,
	OCPP_16 = 1,  /* subprotocol "ocpp1.6" */
	OCPP_201 = 2, /* subprotocol "ocpp2.0.1" */
};

#define GW_IDENTITY_MAX 48 /* 2.0.1 identifierString; we apply it to 1.6 too */
#define GW_MSGID_MAX 36

#endif
