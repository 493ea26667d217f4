/* SPDX-License-Identifier: MIT
 *
 * msgid.c - message ids for the CALLs the server sends.
 *
 * 2.0.1 wants ids unique across all connections of an identity, retries and
 * reconnects included (PROTOCOL.md §1.2).  An id is a 64-bit random prefix
 * drawn once per process plus a process-wide 64-bit counter:
 * "9f3c2a1b7e4d5c6f-1a".  The counter makes ids unique within the process,
 * the prefix across restarts.  Service-loop thread only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/gw_clock.h"
#include "rpc/rpc.h"

static uint64_t prefix;
static uint64_t counter;
static int seeded;

static void seed(void)
{
	uint64_t r;

	/* GRND_NONBLOCK: never stall start-up on an early-boot entropy pool */
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* no entropy yet: still differs between restarts */
		r = (uint64_t)gw_clock_now_ms() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();
	}
	prefix = r;
	counter = 1;
	seeded = 1;
}

void rpc_msgid_next(char out[RPC_ID_MAX + 1])
{
	if (!seeded)
		seed();
	snprintf(out, RPC_ID_MAX + 1, "%016" PRIx64 "-%" PRIx64, prefix, counter++);
}

void rpc_msgid_seed(uint64_t prefix_in, uint64_t counter_in)
{
	prefix = prefix_in;
	counter = counter_in;
	seeded = 1;
}
