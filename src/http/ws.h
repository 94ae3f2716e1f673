/*
 * The WebSocket endpoint GET /api/v1/ws: one socket per device, upgraded through h2o and then
 * owned by its event loop, authenticated by its first frame.  Each loop keeps its own sockets
 * and a table from user to the user's sockets on that loop; the hub (apps/im/hub.h) reaches them
 * through ws_deliver() posted to each loop.  The frames are described in docs/openapi.yaml.
 */
#ifndef ATRIUM_HTTP_WS_H
#define ATRIUM_HTTP_WS_H
#include <stddef.h>
#include <stdint.h>
#include "http/req.h"
#include "http/ws_frame.h"

/* The most loops that may hold sockets (http_serve() starts at most this many). */
#define WS_LOOPS_MAX 256
/* A socket whose unsent frames pass either bound is closed (4408): a slow consumer never holds
 * memory or others' delivery; it reconnects and syncs. */
#define WS_QUEUE_FRAMES 4096
#define WS_QUEUE_BYTES (1 << 20)

/*
 * Queues frame f (a reference is taken) on every authenticated socket of the calling loop that
 * belongs to one of users[0..n), except sockets of session except_session (0: none), and
 * schedules one write per socket for the end of this loop turn.  Runs on a loop's thread (post
 * it with loop_post()); a loop that never held a socket does nothing.
 */
void ws_deliver(const int64_t *users, size_t n, int64_t except_session, struct ws_frame *f);
/* Authenticated sockets on loop i (any thread; a moment's old count), and on all loops. */
size_t ws_loop_sockets(int i);
size_t ws_sockets(void);

/*
 * For http/server.c.  At a graceful stop, after the loop stops accepting: closes every socket of
 * the loop with 1001 (going away), on app's loop thread.  ws_open() counts the loop's sockets
 * not yet gone, so the stop waits (within its grace) for their closing handshakes.
 */
void ws_stop(struct app *app);
size_t ws_open(struct app *app);

#endif
