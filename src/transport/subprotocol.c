/* SPDX-License-Identifier: MIT
 *
 * subprotocol.c - which OCPP version a client gets, from its
 * Sec-WebSocket-Protocol offer, in the client's order of preference
 * (OCPP-J 1.6 §3.1.2, 2.0.1 Part 4 §3.1.2).  lws makes the same choice
 * when it binds the protocol; handshake.c decides first so that an offer
 * with nothing we speak is refused with an HTTP status instead of lws's
 * silent drop.
 */
#include <string.h>
#include <strings.h>

#include "transport/transport_int.h"

static const struct {
	const char *name;
	enum ocpp_version v;
} protos[] = {
	{ "ocpp1.6", OCPP_16 },
	{ "ocpp2.0.1", OCPP_201 },
};

const char *subprotocol_name(enum ocpp_version v)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].v == v)
			return protos[i].name;
	return "";
}

enum ocpp_version subprotocol_choose(const char *offer, size_t len)
{
	size_t i = 0;

	while (offer && i < len) {
		size_t start, end;

		while (i < len && (offer[i] == ' ' || offer[i] == '\t' || offer[i] == ','))
			i++;
		start = i;
		while (i < len && offer[i] != ',' && offer[i] != ' ' && offer[i] != '\t')
			i++;
		end = i;
		/* lws compares names exactly (case-sensitive), so do we */
		for (size_t p = 0; p < sizeof(protos) / sizeof(protos[0]); p++)
			if (end - start == strlen(protos[p].name) &&
			    !memcmp(offer + start, protos[p].name, end - start))
				return protos[p].v;
	}
	return OCPP_NONE;
}
