/* SPDX-License-Identifier: MIT
 *
 * sim_conn.h - the network under every pile: one libev loop and one lws
 * client context per process (LWS_SERVER_OPTION_LIBEV, so ten thousand
 * sockets cost epoll, not poll), one WebSocket per pile.  Owns the
 * handshake (subprotocol, Basic auth header, TLS files), message
 * reassembly and the per-pile write queue.  Knows nothing of OCPP.
 */
#ifndef SIM_CONN_H
#define SIM_CONN_H
#include <stddef.h>

#include <ev.h>

#include "sim_url.h"

struct lws_context;
struct sim_pile;

#define SIM_MAX_MESSAGE (64 * 1024) /* larger inbound messages close the link */

/* Options for the whole run. */
struct sim_net_opts {
	struct sim_url url;
	const char *password; /* Basic auth (profile 1/2); NULL = none */
	const char *ca;       /* CA file to verify the server (wss) */
	const char *cert;     /* client certificate (profile 3) */
	const char *key;      /* its private key */
	int insecure;         /* accept any server certificate */
	int fd_limit;         /* sockets lws may hold */
	int connect_timeout_s; /* a dial (TCP, TLS, handshake) gives up after this; 0 = 10 */
};

/* One per process; lives for the run. */
struct sim_net {
	struct ev_loop *loop;
	struct lws_context *lws;
	struct sim_net_opts opts;
	int shutting_down;
	unsigned long frames_out, frames_in;
};

/* Create loop and context.  GW_OK, GW_EIO (lws refused, e.g. bad TLS
 * files; logged), GW_ENOMEM. */
int sim_net_init(struct sim_net *n, const struct sim_net_opts *o);
/* Close every link and free loop and context.  Piles must be stopped first. */
void sim_net_cleanup(struct sim_net *n);

/* Start dialing p's URL.  GW_OK (the outcome arrives as sim_pile_on_open
 * or sim_pile_on_close) or GW_EIO (could not even start; on_close was
 * called). */
int sim_conn_open(struct sim_pile *p);
/* Queue text (len bytes) for p's socket.  Copies.  GW_OK, GW_ECLOSED when
 * the link is down (the frame is dropped), GW_ENOMEM. */
int sim_conn_send(struct sim_pile *p, const char *text, size_t len);
/* Drop the link now (offline step, reboot).  sim_pile_on_close follows. */
void sim_conn_close(struct sim_pile *p);
/* Free p's unsent frames and reassembly buffer. */
void sim_conn_discard(struct sim_pile *p);

#endif
