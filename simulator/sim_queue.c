/* SPDX-License-Identifier: MIT
 *
 * sim_queue.c - singly linked FIFO of struct sim_msg with a ceiling.
 * Order is never changed: replay after reconnect is the queue order.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "sim_queue.h"

struct sim_msg *sim_msg_new(const char *action, struct json_object *payload, int flags)
{
	struct sim_msg *m = gw_calloc(1, sizeof(*m));

	if (!m) {
		json_object_put(payload);
		return NULL;
	}
	snprintf(m->action, sizeof(m->action), "%s", action);
	m->payload = payload;
	m->flags = flags;
	m->tx_ref = -1;
	return m;
}

void sim_msg_free(struct sim_msg *m)
{
	if (!m)
		return;
	json_object_put(m->payload);
	gw_free(m);
}

void sim_queue_init(struct sim_queue *q, size_t max_len)
{
	memset(q, 0, sizeof(*q));
	q->max_len = max_len ? max_len : 1024;
}

void sim_queue_cleanup(struct sim_queue *q)
{
	struct sim_msg *m;

	while ((m = sim_queue_pop(q)))
		sim_msg_free(m);
}

/* Unlink the first non-TX message after the head; 1 if one was dropped. */
static int drop_one_volatile(struct sim_queue *q)
{
	struct sim_msg *prev = q->head, *m;

	if (!prev)
		return 0;
	for (m = prev->next; m; prev = m, m = m->next) {
		if (m->flags & SIM_MSG_TX)
			continue;
		prev->next = m->next;
		if (q->tail == m)
			q->tail = prev;
		sim_msg_free(m);
		q->len--;
		q->dropped++;
		return 1;
	}
	return 0;
}

int sim_queue_push(struct sim_queue *q, struct sim_msg *m)
{
	if (q->len >= q->max_len) {
		if (!(m->flags & SIM_MSG_TX) || !drop_one_volatile(q)) {
			q->dropped++;
			return GW_EBUSY;
		}
	}
	m->next = NULL;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->len++;
	return GW_OK;
}

struct sim_msg *sim_queue_peek(const struct sim_queue *q)
{
	return q->head;
}

struct sim_msg *sim_queue_pop(struct sim_queue *q)
{
	struct sim_msg *m = q->head;

	if (!m)
		return NULL;
	q->head = m->next;
	if (!q->head)
		q->tail = NULL;
	m->next = NULL;
	q->len--;
	return m;
}

size_t sim_queue_drop_volatile(struct sim_queue *q)
{
	struct sim_msg **link = &q->head, *m;
	size_t n = 0;

	q->tail = NULL;
	while ((m = *link)) {
		if (m->flags & SIM_MSG_TX) {
			q->tail = m;
			link = &m->next;
			continue;
		}
		*link = m->next;
		sim_msg_free(m);
		q->len--;
		n++;
	}
	q->dropped += n;
	return n;
}

size_t sim_queue_count(const struct sim_queue *q, int flags)
{
	size_t n = 0;

	for (const struct sim_msg *m = q->head; m; m = m->next)
		if ((m->flags & flags) == flags)
			n++;
	return n;
}
