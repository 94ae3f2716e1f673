/* The HTTP server: event loops, listeners, routing, access log. */
#ifndef ATRIUM_HTTP_HTTP_H
#define ATRIUM_HTTP_HTTP_H
#include <stdio.h>
#include "core/config.h"
#include "crypto/keyring.h"
#include "notify/notify.h"

/*
 * Serves until SIGINT or SIGTERM: then stops accepting, lets requests in flight finish (up to 10
 * seconds), and returns 0.  A second signal exits at once.  Each loop opens its own connection
 * to db_path.  Returns non-zero (with a message on stderr) when it cannot start.
 */
int http_serve(const struct config *cfg, const char *db_path, const struct keyring *kr,
	       struct notify *notify);
/* Prints every route as "METHOD /path", one a line. */
void http_print_routes(FILE *out);

#endif
