/* SPDX-License-Identifier: MIT
 *
 * fake_transport.h - the in-process loopback (STYLE.md 9; h2o
 * h2o_loopback_conn_t, MicroOcpp LoopbackConnection).
 *
 * fake_transport.c implements the session_* and transport_session_* half of
 * transport/transport.h in memory, so a test or a fuzz target can link it
 * INSTEAD of gw_transport and push raw frames through the real dispatcher
 * (rpc -> schema -> v16/v201 -> domain -> store) without sockets or lws.
 * The dispatcher talks to it through the same struct transport_hooks that
 * transport_new() receives.
 *
 * One loop per process (a static; tests are single-threaded), from
 * loop_new() to loop_free().  Sessions are owned by the loop: after a
 * session's on_close it stays readable as a "gone" zombie (loop_is_gone,
 * loop_close_status, loop_take_sent still work) until loop_free(), which the
 * real transport would not do, so that tests can assert on a closed pile.
 *
 * Differences from the real transport, on purpose:
 *   - no handshake: loop_open() runs pile_lookup (+ pile_register when the
 *     identity is unknown and auto-register is on) and then on_open;
 *     passwords, profiles and TLS are not checked;
 *   - session_send() never blocks and queues in memory until
 *     loop_take_sent(); session_close() only marks the session, its
 *     on_close comes from the next loop_turn() (after before_sleep), as lws
 *     would close it from the loop after writing what was queued;
 *   - messages are delivered only while the session is open (not closing),
 *     as the real transport stops reading once a close was asked for.
 */
#ifndef LOOPBACK_FAKE_TRANSPORT_H
#define LOOPBACK_FAKE_TRANSPORT_H
#include <stddef.h>

#include "common/gw_ocpp.h"
#include "transport/transport.h"

/* One message the gateway wrote to a pile; NUL-terminated at text[len]
 * (the gateway's own frames hold no NUL).  A list of them belongs to whoever
 * took it (loop_msgs_free). */
struct loop_msg {
	struct loop_msg *next;
	size_t len;
	char text[];
};

/* Make the loop.  h is copied (its arg is the dispatcher).  The returned
 * fake struct transport goes into env->transport so that
 * transport_session_find() works for the dispatcher's command path.
 * NULL on allocation failure or if a loop exists already. */
struct transport *loop_new(const struct transport_hooks *h);

/* Close every open session (on_close for each, as transport_free does), then
 * free every session and the loop.  NULL ok. */
void loop_free(struct transport *t);

/* 1 (default): an unknown identity is registered through pile_register at
 * loop_open, as cfg->auto_register does; 0: loop_open refuses it. */
void loop_set_auto_register(int on);

/* Per-session outbound ceiling in bytes (0 = none, the default); above it
 * session_send() closes the session with 1008 and returns GW_ETOOBIG, as
 * cfg->max_outbound_bytes does in the real transport. */
void loop_set_outbound_cap(size_t bytes);

/* A pile connects: identity (<= 48 bytes), version; security profile 1,
 * peer "127.0.0.1:1".  Runs pile_lookup (pile_register when unknown and
 * auto-register is on), then on_open.  Returns the session (owned by the
 * loop) or NULL when the handshake would be refused (unknown identity,
 * rejected registration, store down) or memory ran out.  A live session of
 * the same identity is closed first (its on_close comes before the new
 * on_open), as the real registry replaces it. */
struct ws_session *loop_open(const char *identity, enum ocpp_version v);

/* Hand one whole text message to the dispatcher's on_message, as the
 * transport does after reassembly.  Returns GW_OK, or GW_ECLOSED (nothing
 * delivered) when the session is closing or gone.  buf is copied into a
 * NUL-terminated buffer of exactly len (+1) bytes first, so ASan sees any
 * read past len.  loop_send() is loop_send_len(s, text, strlen(text)). */
int loop_send_len(struct ws_session *s, const char *buf, size_t len);
int loop_send(struct ws_session *s, const char *text);

/* One event-loop turn: before_sleep (the group commit, then the parked
 * replies and queued CALLs are written), then on_close for every session
 * that is closing. */
void loop_turn(void);

/* The peer closes (or the socket drops): on_close now. */
void loop_peer_close(struct ws_session *s);

/* Everything written to s since the last call, oldest first; the caller
 * owns the list (loop_msgs_free).  NULL if nothing. */
struct loop_msg *loop_take_sent(struct ws_session *s);
size_t loop_msgs_count(const struct loop_msg *m);
void loop_msgs_free(struct loop_msg *m);

/* 1 once session_close() was called (or the loop closed it). */
int loop_is_closing(const struct ws_session *s);
/* 1 once on_close was called for s. */
int loop_is_gone(const struct ws_session *s);
/* The WebSocket status given to session_close (0 = none yet) and reason. */
int loop_close_status(const struct ws_session *s);
const char *loop_close_reason(const struct ws_session *s);
/* How many times transport_stop() was called (store broken). */
int loop_stop_requests(void);

#endif
