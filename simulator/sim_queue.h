/* SPDX-License-Identifier: MIT
 *
 * sim_queue.h - a pile's outgoing CALL queue, which is also its offline
 * queue.  OCPP lets a pile have one CALL outstanding (2.0.1 Part 4 §4.1.1
 * SHALL NOT send another), so every CALL waits here; the head is the one
 * in flight and leaves only when answered.  While the pile is offline the
 * transaction messages (1.6 core §3.7: Start/Stop/MeterValues, 2.0.1
 * TransactionEvent) stay and are replayed in order with the timestamps
 * written into their payloads when they were queued; everything else is
 * dropped on disconnect, as a real pile does.
 */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H
#include <stddef.h>
#include <stdint.h>

struct json_object;

enum sim_msg_flag {
	SIM_MSG_TX = 1 << 0,      /* transaction message: survives disconnects */
	SIM_MSG_PATCH_TXID = 1 << 1, /* 1.6: set transactionId from tx_ref at send time */
};

/* One queued CALL; owned by the queue from push until pop, then by the
 * popper, who frees it with sim_msg_free(). */
struct sim_msg {
	struct sim_msg *next;
	char action[48];
	struct json_object *payload; /* owned */
	int flags;                   /* SIM_MSG_* */
	int tx_ref;                  /* local transaction number, -1 if none */
	int connector;               /* connector the message is about, 0 if none */
	int64_t queued_ms;           /* pile time when queued */
	int attempts;                /* sends so far */
};

/* Embedded in its pile; cleaned up with it. */
struct sim_queue {
	struct sim_msg *head, *tail;
	size_t len;
	size_t max_len;  /* ceiling; 0 = 1024 */
	size_t dropped;  /* messages refused or dropped so far */
};

/* New message taking ownership of payload (also on failure: it is put).
 * NULL on allocation failure. */
struct sim_msg *sim_msg_new(const char *action, struct json_object *payload, int flags);
void sim_msg_free(struct sim_msg *m); /* NULL is fine */

void sim_queue_init(struct sim_queue *q, size_t max_len);
void sim_queue_cleanup(struct sim_queue *q);
/* Append m.  When full, a non-transaction message already queued (not the
 * head, which may be in flight) is dropped to make room for a transaction
 * message; otherwise GW_EBUSY and m stays the caller's.  GW_OK: the queue
 * owns m. */
int sim_queue_push(struct sim_queue *q, struct sim_msg *m);
struct sim_msg *sim_queue_peek(const struct sim_queue *q);
struct sim_msg *sim_queue_pop(struct sim_queue *q); /* caller owns the result */
/* Drop every message without SIM_MSG_TX (the link went down).  Returns the
 * number dropped. */
size_t sim_queue_drop_volatile(struct sim_queue *q);
/* Count messages with all of flags set. */
size_t sim_queue_count(const struct sim_queue *q, int flags);

#endif
