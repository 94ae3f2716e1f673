/* Shared between the files of http/ only. */
#ifndef ATRIUM_HTTP_INTERNAL_H
#define ATRIUM_HTTP_INTERNAL_H
#define H2O_USE_LIBUV 0
#include <h2o.h>
#include "http/req.h"

/* A loop's access log: lines gather here and go out in one write per loop turn. */
struct logbuf {
	int fd; /* -1: no log */
	size_t len;
	char buf[1 << 16];
};

/* Handles one request completely (route, auth, body, reply, log line). */
void http_handle(h2o_req_t *h, struct app *app, struct logbuf *log);
/* Marks r answered by a protocol switch (the handler has started h2o's upgrade: h2o writes the
 * 101) and logs it; the dispatcher then sends nothing. */
void http_upgraded(struct req *r);
/* Writes out what the loop's log holds. */
void logbuf_flush(struct logbuf *log);

#endif
