/*
 * What a route handler sees: the request context, and the helpers that read the JSON body and
 * write a JSON reply or an RFC 9457 problem.  A handler returns ERR_OK after writing its reply,
 * or an error code (usually through req_fail) and the dispatcher writes the problem.  Everything
 * allocated for a request lives in its pool and dies with it.  Signed-in safe requests (GET,
 * HEAD) run inside one read transaction of the loop's store and must not write; unsafe ones open their own
 * write transactions, and a failed request's open transaction is rolled back.
 */
#ifndef ATRIUM_HTTP_REQ_H
#define ATRIUM_HTTP_REQ_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>
#include "core/config.h"
#include "core/err.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "crypto/keyring.h"
#include "notify/notify.h"
#include "store/store.h"

/* What one event loop owns and handlers use. */
struct app {
	struct loop *loop; /* the event loop this app serves (http/loop.h) */
	struct store *st; /* this loop's own connection */
	const struct keyring *kr;
	const struct config *cfg;
	struct notify *notify;
	int tls;
	int64_t health_checked_at; /* when /health last asked the database, and its answer */
	int health_db_ok;
};

struct req;

enum route_flags {
	ROUTE_AUTH = 1 << 0, /* needs a signed-in session */
	ROUTE_BODY = 1 << 1, /* takes a JSON object body */
};

struct route {
	const char *method, *path; /* path segments "{name}" match one segment */
	enum err (*fn)(struct req *r);
	enum route_flags flags;
};

/* JSON types a body field may be required to have (F_ANY: the route checks the type itself). */
enum field_type { F_STRING, F_BOOL, F_INT, F_OBJECT, F_ARRAY, F_ANY };

struct field {
	const char *name;
	enum field_type type;
	int required;
};

/* The request as handlers see it (fields are read-only to them). */
struct req {
	void *h; /* the h2o request; only http/ touches it */
	struct app *app;
	char id[ID_STR_LEN];
	const struct route *route;
	const char *params[4];
	json_t *body;        /* the parsed body, for ROUTE_BODY routes */
	int64_t user_id;     /* 0 unless signed in */
	int64_t session_id;
	int cookie_session; /* signed in by cookie, not bearer token */
	char ip[48];         /* client address, for rate limits and session records */
	/* runs after the reply, outside the read transaction safe requests run in (bookkeeping
	 * writes such as a session's last activity) */
	void (*after)(struct req *r);
	/* the first failure; later ones do not overwrite it */
	enum err err;
	char *detail;
	json_t *extra;
};

/* Records the failure (first one wins) with a printf-style detail; returns e. */
enum err req_fail(struct req *r, enum err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds a field to the problem document of the failure (takes the reference). */
void req_extra(struct req *r, const char *key, json_t *value);

/*
 * Checks the body against spec (terminated by a NULL name): no field outside spec, every
 * required field present, each of the right type.  Nested objects are checked by the caller with
 * req_check_object().  Returns ERR_OK or the failure (already recorded).
 */
enum err req_check_body(struct req *r, const struct field *spec);
/* The same for a nested object found at the dotted path prefix ("device"). */
enum err req_check_object(struct req *r, json_t *obj, const char *prefix, const struct field *spec);
/*
 * Reads the body as ROUTE_BODY routes have it read before they run (a JSON object, within
 * max-body, sent as application/json), for a route that must first decide whether to answer at
 * all: the admin API answers 404 to all but operators, whatever they send.  ERR_OK, or the
 * failure (already recorded).
 */
enum err req_read_body(struct req *r);
/*
 * The raw body of an upload (a file, an image): at most cap bytes, else body_too_large.  The
 * bytes stay valid until the reply; the caller checks what they are by their content, not by
 * the Content-Type a client claims.  ERR_OK, or the failure (already recorded).
 */
enum err req_upload(struct req *r, size_t cap, const uint8_t **data /* OUT */, size_t *len /* OUT */);
/* A string field of the body or NULL. */
const char *req_str(struct req *r, const char *name);
/* A string field of a nested object, or def. */
const char *json_str(json_t *obj, const char *name, const char *def);

/* The value of a request header, NUL-terminated in the pool, or NULL. */
const char *req_header(struct req *r, const char *name);
/* The value of a query parameter (not decoded beyond %XX), or NULL. */
const char *req_query(struct req *r, const char *name);
/* Whether the method may change state (anything but GET, HEAD, OPTIONS). */
int req_unsafe(struct req *r);
/* The reply language the client prefers by Accept-Language: "en", or "zh" (the default). */
const char *req_lang(struct req *r);
/*
 * Reads the paging of a list: ?limit= (1 to 100, default 20) and ?cursor= (an id this server
 * gave as next_cursor; 0 when absent).  Fails with invalid_value naming the field.
 */
enum err req_page(struct req *r, int *limit /* OUT */, int64_t *cursor /* OUT */);
/*
 * Ends a page of a list in w, written as {"<list>": [ … with the array still open: closes it,
 * adds next_cursor (next, or null when next is 0: the last page), closes the object, sends it
 * with 200 and releases w.
 */
void req_page_reply(struct req *r, struct jsonw *w, int64_t next);
/* Adds a response header. */
void req_set_header(struct req *r, const char *name, const char *value);

/* Sends obj (reference taken) as the JSON reply with status. */
void req_json(struct req *r, int status, json_t *obj);
/* Sends text that is already JSON (len bytes) as the reply. */
void req_json_text(struct req *r, int status, const char *json, size_t len);
/* Sends len bytes (copied) with status and content type: an image, a file made in memory. */
void req_send_bytes(struct req *r, int status, const char *type, const void *data, size_t len);
/* Sends len bytes that live as long as the process (not copied), with status, content type and
 * content encoding (NULL: none), cached as the caller's headers say: the embedded web client. */
void req_send_static(struct req *r, int status, const char *type, const void *data, size_t len, const char *encoding);
/* The request's path without its query, len bytes (not NUL-terminated). */
const char *req_path(struct req *r, size_t *len /* OUT */);
/* Sends an empty reply (204). */
void req_no_content(struct req *r);
/*
 * Sends size bytes of the open file fd as the reply with status and content type, streamed in
 * chunks as the client takes them (never the whole file in memory).  Takes fd: it is closed when
 * the reply ends, however it ends.
 */
void req_send_file(struct req *r, int status, const char *type, int fd, size_t size);
/*
 * Where a streamed reply's bytes come from: read() fills buf with the next bytes, at most cap
 * (fewer only at the end), and returns the count, or -1 when the source broke — the reply is
 * then cut short, visibly, never ended as if complete.  close(ctx) runs once when the reply
 * ends, however it ends.
 */
struct req_stream {
	ssize_t (*read)(void *ctx, void *buf, size_t cap);
	void (*close)(void *ctx);
	void *ctx;
};
/*
 * Sends size bytes from src as the reply with status and content type, one chunk per turn of
 * the loop as the client takes them (an encrypted blob decrypted chunk by chunk).  Takes src:
 * src->close runs when the reply ends.
 */
void req_send_stream(struct req *r, int status, const char *type, size_t size, const struct req_stream *src);

/*
 * Deferred replies.  A handler whose answer comes from another thread (the IM writer commits a
 * batch, then posts back to this loop) calls req_defer() and returns ERR_OK: the dispatcher then
 * sends nothing, and the answer goes out later on this loop's thread with req_later_json() or
 * req_later_fail(), which also free the handle.  Should the client go away first, the handle
 * stays valid and the answer goes nowhere.  NULL when out of memory (then reply at once).
 */
struct req_later;
struct req_later *req_defer(struct req *r);
void req_later_json(struct req_later *l, int status, const char *json, size_t len);
void req_later_fail(struct req_later *l, enum err e, const char *detail);
/* Adds a member to the problem body req_later_fail() will send, as req_extra() does (takes value). */
void req_later_extra(struct req_later *l, const char *key, json_t *value);
/* The request id of a deferred request, for logs. */
const char *req_later_id(const struct req_later *l);

/* Installs the function that authenticates ROUTE_AUTH requests (set by the account module). */
void req_set_authenticator(enum err (*fn)(struct req *r));

#endif
