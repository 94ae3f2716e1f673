/*
 * The hub: pushes events to the online devices of users, over their WebSockets (http/ws.c).
 * Any thread may publish; delivery happens on the loops that hold the sockets.
 */
#ifndef ATRIUM_APPS_IM_HUB_H
#define ATRIUM_APPS_IM_HUB_H
#include <stddef.h>
#include <stdint.h>

/* Delivers the event json (a complete JSON object text, len bytes) to every online device of
 * each user in users[0..n): framed once as a WebSocket text frame, the same bytes queued on
 * every socket, all frames queued for a socket written in one call.  Any thread; copies what
 * it needs and returns at once. */
void hub_publish(const int64_t *users, size_t n, const char *json, size_t len);
/* The same for every device of one user except the socket of session except_session (0: none). */
void hub_publish_user(int64_t user, int64_t except_session, const char *json, size_t len);
/* Sockets open and authenticated on all loops (tests, bench). */
size_t hub_sockets(void);

#endif
