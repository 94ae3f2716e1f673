/*
 * The web client (web/, issue 7), built by make and embedded in the binary (scripts/embed-web
 * makes build/gen/web.c from web/dist): served to GET and HEAD of every path outside /api/.  A
 * path naming no file and no file type ("/chat/42") gets index.html, where the client's router
 * takes it; a missing file ("/assets/gone.js") is 404.  Hashed files under /assets/ are cached for
 * a year, everything else revalidated by ETag; text goes gzip'ed to clients that take it.
 */
#ifndef ATRIUM_HTTP_WEB_H
#define ATRIUM_HTTP_WEB_H
#include <stddef.h>
#include "http/req.h"

struct web_file {
	const char *path;         /* "/index.html", "/assets/index-1a2b.js" */
	const unsigned char *data;
	size_t len;
	const unsigned char *gz;  /* the gzip'ed bytes, or NULL when that saves too little */
	size_t gz_len;
	const char *etag;         /* quoted, as the header carries it */
};
extern const struct web_file web_files[];
extern const unsigned web_files_count;

/* The route of every web path: whether the request is one (GET or HEAD outside /api/). */
int web_wanted(const char *method, size_t method_len, const char *path, size_t path_len);
/* The handler that route runs. */
enum err web_serve(struct req *r);

#endif
