/*
 * The hub (hub.h): an event is framed once, and one delivery carrying that frame and the user
 * list is posted to each loop that holds authenticated sockets; each loop queues the frame on its
 * sockets of those users (http/ws.c).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "apps/im/hub.h"
#include "core/mem.h"
#include "http/loop.h"
#include "http/ws.h"
#include "core/banned.h"

/* One event on its way to the loops; the last loop done with it frees it. */
struct delivery {
	atomic_int loops;
	struct ws_frame *frame;
	int64_t except_session;
	size_t n;
	int64_t users[];
};

static void deliver(void *arg)
{
	struct delivery *d = arg;
	ws_deliver(d->users, d->n, d->except_session, d->frame);
	if (atomic_fetch_sub_explicit(&d->loops, 1, memory_order_acq_rel) == 1) {
		ws_frame_unref(&d->frame);
		free(d);
	}
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void publish(const int64_t *users, size_t n, int64_t except_session, const char *json, size_t len)
{
	int nloops = loop_count(), targets[WS_LOOPS_MAX], nt = 0;
	if (!n)
		return;
	/* A loop with no signed-in socket has nothing to do: it is not woken.  A socket signing in
	 * right now may miss this event; its client syncs after "ready" and finds it there. */
	for (int i = 0; i < nloops && i < WS_LOOPS_MAX; i++)
		if (ws_loop_sockets(i))
			targets[nt++] = i;
	if (!nt)
		return;
	struct delivery *d = xmalloc(sizeof(*d) + n * sizeof(*users));
	atomic_init(&d->loops, nt);
	d->frame = ws_frame_new(WS_TEXT, json, len);
	d->except_session = except_session;
	memcpy(d->users, users, n * sizeof(*users));
	/* a user named twice still gets the event once */
	qsort(d->users, n, sizeof(*d->users), by_id);
	d->n = 1;
	for (size_t i = 1; i < n; i++)
		if (d->users[i] != d->users[d->n - 1])
			d->users[d->n++] = d->users[i];
	for (int i = 0; i < nt; i++)
		loop_post(loop_at(targets[i]), deliver, d);
}

void hub_publish(const int64_t *users, size_t n, const char *json, size_t len)
{
	publish(users, n, 0, json, len);
}

void hub_publish_user(int64_t user, int64_t except_session, const char *json, size_t len)
{
	publish(&user, 1, except_session, json, len);
}

size_t hub_sockets(void)
{
	return ws_sockets();
}
