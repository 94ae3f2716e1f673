/*
 * The server's event loops as other threads see them: post a function to run on a loop's own
 * thread (the only thread that may touch its sockets and requests), from any thread.  The IM
 * writer answers deferred requests this way, and the hub hands events to the loop that holds a
 * WebSocket.  Loops exist while http_serve() runs.
 */
#ifndef ATRIUM_HTTP_LOOP_H
#define ATRIUM_HTTP_LOOP_H

struct loop;

/* Runs fn(arg) on l's thread soon, in post order.  Any thread; never blocks. */
void loop_post(struct loop *l, void (*fn)(void *arg), void *arg);
/* How many loops serve, and the i-th (0 ≤ i < loop_count()); 0 and NULL before serving starts. */
int loop_count(void);
struct loop *loop_at(int i);
/* The index of l among the loops. */
int loop_index(const struct loop *l);
/* The h2o event loop of l, for modules that own sockets on it (http/ws.c). */
struct st_h2o_evloop_t *loop_evloop(struct loop *l);

#endif
