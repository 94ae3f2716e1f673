/* Request handling: routing, body checks, authentication, replies, problems and the access log. */
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/mem.h"
#include "http/internal.h"
#include "http/routes.h"
#include "http/web.h"
#include "core/banned.h"

#define H(r) ((h2o_req_t *)(r)->h)

static enum err (*authenticate)(struct req *r);

void req_set_authenticator(enum err (*fn)(struct req *r))
{
	authenticate = fn;
}

/* Per-request state the handlers do not see. */
struct req_full {
	struct req r;
	struct logbuf *log;
	int64_t started_us;
	int replied;
};

static char *pool_strndup(struct req *r, const char *s, size_t n)
{
	char *p = h2o_mem_alloc_pool(&H(r)->pool, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

enum err req_fail(struct req *r, enum err e, const char *fmt, ...)
{
	if (r->err != ERR_OK)
		return r->err;
	r->err = e;
	if (fmt) {
		char buf[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		r->detail = pool_strndup(r, buf, strlen(buf));
	}
	return e;
}

void req_extra(struct req *r, const char *key, json_t *value)
{
	if (!r->extra)
		r->extra = json_object();
	json_object_set_new(r->extra, key, value);
}

static const char *type_name(enum field_type t)
{
	switch (t) {
	case F_STRING: return "a string";
	case F_BOOL: return "true or false";
	case F_INT: return "an integer";
	case F_OBJECT: return "an object";
	case F_ARRAY: return "an array";
	case F_ANY: return "a value";
	}
	return "?";
}

static int type_ok(json_t *v, enum field_type t)
{
	switch (t) {
	case F_STRING: return json_is_string(v);
	case F_BOOL: return json_is_boolean(v);
	case F_INT: return json_is_integer(v);
	case F_OBJECT: return json_is_object(v);
	case F_ARRAY: return json_is_array(v);
	case F_ANY: return 1;
	}
	return 0;
}

enum err req_check_object(struct req *r, json_t *obj, const char *prefix, const struct field *spec)
{
	char name[128];
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		const struct field *f = spec;
		while (f->name && strcmp(f->name, key))
			f++;
		snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "", key);
		if (!f->name) {
			req_extra(r, "field", json_string(name));
			return req_fail(r, ERR_UNKNOWN_FIELD, "field '%s' is not taken here", name);
		}
		/* null counts as absent for optional fields */
		if (json_is_null(v) && !f->required)
			continue;
		if (!type_ok(v, f->type)) {
			req_extra(r, "field", json_string(name));
			return req_fail(r, ERR_INVALID_TYPE, "field '%s' must be %s", name, type_name(f->type));
		}
	}
	for (const struct field *f = spec; f->name; f++) {
		if (f->required && !json_object_get(obj, f->name)) {
			snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "", f->name);
			req_extra(r, "field", json_string(name));
			return req_fail(r, ERR_MISSING_FIELD, "field '%s' is required", name);
		}
	}
	return ERR_OK;
}

enum err req_check_body(struct req *r, const struct field *spec)
{
	return req_check_object(r, r->body, "", spec);
}

const char *json_str(json_t *obj, const char *name, const char *def)
{
	json_t *v = json_object_get(obj, name);
	return json_is_string(v) ? json_string_value(v) : def;
}

const char *req_str(struct req *r, const char *name)
{
	return json_str(r->body, name, NULL);
}

const char *req_header(struct req *r, const char *name)
{
	ssize_t i = h2o_find_header_by_str(&H(r)->headers, name, strlen(name), -1);
	if (i < 0)
		return NULL;
	h2o_iovec_t v = H(r)->headers.entries[i].value;
	return pool_strndup(r, v.base, v.len);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

const char *req_query(struct req *r, const char *name)
{
	h2o_req_t *h = H(r);
	if (h->query_at == SIZE_MAX)
		return NULL;
	const char *q = h->path.base + h->query_at + 1, *end = h->path.base + h->path.len;
	size_t nlen = strlen(name);
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		if (!amp)
			amp = end;
		if ((size_t)(amp - q) > nlen && !memcmp(q, name, nlen) && q[nlen] == '=') {
			const char *v = q + nlen + 1;
			char *out = h2o_mem_alloc_pool(&h->pool, (size_t)(amp - v) + 1), *o = out;
			for (; v < amp; v++) {
				if (*v == '%' && amp - v > 2 && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
					*o++ = (char)(hexval(v[1]) * 16 + hexval(v[2]));
					v += 2;
				} else {
					*o++ = *v == '+' ? ' ' : *v;
				}
			}
			*o = '\0';
			return out;
		}
		q = amp + 1;
	}
	return NULL;
}

const char *req_lang(struct req *r)
{
	/* The first of zh or en the header names wins; q-values rank the same way in practice,
	 * since clients list languages in order of preference. */
	const char *al = req_header(r, "accept-language");
	for (const char *p = al; p && *p; p++) {
		if (p != al && p[-1] != ',' && p[-1] != ' ')
			continue;
		if (!strncasecmp(p, "en", 2))
			return "en";
		if (!strncasecmp(p, "zh", 2))
			return "zh";
	}
	return "zh";
}

enum err req_page(struct req *r, int *limit, int64_t *cursor)
{
	const char *l = req_query(r, "limit"), *c = req_query(r, "cursor");
	*limit = 20;
	*cursor = 0;
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > 100) {
			req_extra(r, "field", json_string("limit"));
			return req_fail(r, ERR_INVALID_VALUE, "limit must be 1 to 100");
		}
		*limit = (int)v;
	}
	if (c && id_parse(c, cursor)) {
		req_extra(r, "field", json_string("cursor"));
		return req_fail(r, ERR_INVALID_VALUE, "cursor '%.24s' is not one this server gave", c);
	}
	return ERR_OK;
}

int req_unsafe(struct req *r)
{
	h2o_iovec_t m = H(r)->method;
	return !h2o_memis(m.base, m.len, H2O_STRLIT("GET")) && !h2o_memis(m.base, m.len, H2O_STRLIT("HEAD")) &&
	       !h2o_memis(m.base, m.len, H2O_STRLIT("OPTIONS"));
}

void req_set_header(struct req *r, const char *name, const char *value)
{
	h2o_req_t *h = H(r);
	/* h2o keeps the pointers: copy both into the request's pool. */
	h2o_iovec_t n = h2o_strdup(&h->pool, name, SIZE_MAX), v = h2o_strdup(&h->pool, value, SIZE_MAX);
	h2o_add_header_by_str(&h->pool, &h->res.headers, n.base, n.len, 1, NULL, v.base, v.len);
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 426: return "Upgrade Required";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status < 500 ? "Client Error" : "Internal Server Error";
	}
}

/* The address in the log: IPv4 cut to /24, IPv6 to /48, so it names a network, not a person. */
static void truncate_ip(const char *ip, char *out, size_t len)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, ip, a) == 1) {
		a[3] = 0;
		inet_ntop(AF_INET, a, out, (socklen_t)len);
	} else if (inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 6, 0, 10);
		inet_ntop(AF_INET6, a, out, (socklen_t)len);
	} else {
		snprintf(out, len, "-");
	}
}

static void log_request(struct req_full *f, int status, size_t bytes)
{
	struct logbuf *log = f->log;
	h2o_req_t *h = H(&f->r);
	if (!log || log->fd < 0)
		return;
	char now[CLOCK_RFC3339_LEN], ip[48];
	truncate_ip(f->r.ip, ip, sizeof(ip));
	json_t *line = json_pack("{s:s, s:s, s:s%, s:o, s:i, s:I, s:I, s:s, s:s}",
		"time", clock_format(clock_now_ms(), now), "request_id", f->r.id,
		"method", h->method.base, h->method.len,
		"route", f->r.route ? json_string(f->r.route->path) : json_null(),
		"status", status, "bytes", (json_int_t)bytes,
		"duration_us", (json_int_t)(clock_mono_us() - f->started_us),
		"ip", ip, "proto", h->version >= 0x200 ? "HTTP/2" : "HTTP/1.1");
	char tmp[1024];
	size_t n = json_dumpb(line, tmp, sizeof(tmp) - 1, JSON_COMPACT);
	json_decref(line);
	if (n == 0 || n >= sizeof(tmp) - 1)
		return;
	tmp[n++] = '\n';
	if (log->len + n > sizeof(log->buf))
		logbuf_flush(log);
	memcpy(log->buf + log->len, tmp, n);
	log->len += n;
}

void logbuf_flush(struct logbuf *log)
{
	if (log->fd >= 0 && log->len) {
		ssize_t w = write(log->fd, log->buf, log->len);
		(void)w; /* a log that cannot be written must not stop service */
	}
	log->len = 0;
}

/* The status line and headers of the one reply a request gets, logged. */
static h2o_req_t *start_reply(struct req *r, int status, const char *type, size_t len)
{
	struct req_full *f = (struct req_full *)r;
	h2o_req_t *h = H(r);
	assert(!f->replied);
	f->replied = 1;
	h->res.status = status;
	h->res.reason = reason(status);
	h->res.content_length = len;
	if (type)
		h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, type, strlen(type));
	log_request(f, status, len);
	return h;
}

static void send_body(struct req *r, int status, const char *type, const char *body, size_t len)
{
	h2o_req_t *h = start_reply(r, status, type, len);
	h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
	h2o_send_inline(h, body, len);
}

void http_upgraded(struct req *r)
{
	struct req_full *f = (struct req_full *)r;
	assert(!f->replied);
	f->replied = 1;
	log_request(f, 101, 0);
}

void req_json(struct req *r, int status, json_t *obj)
{
	char stack[4096];
	size_t n = json_dumpb(obj, stack, sizeof(stack), JSON_COMPACT);
	if (n <= sizeof(stack)) {
		send_body(r, status, "application/json; charset=utf-8", stack, n);
	} else {
		char *heap = json_dumps(obj, JSON_COMPACT);
		send_body(r, status, "application/json; charset=utf-8", heap, strlen(heap));
		free(heap);
	}
	json_decref(obj);
}

void req_json_text(struct req *r, int status, const char *json, size_t len)
{
	send_body(r, status, "application/json; charset=utf-8", json, len);
}

void req_send_bytes(struct req *r, int status, const char *type, const void *data, size_t len)
{
	send_body(r, status, type, data, len); /* h2o_send_inline copies the bytes into the request's pool */
}

void req_send_static(struct req *r, int status, const char *type, const void *data, size_t len, const char *encoding)
{
	static h2o_generator_t done = { NULL, NULL }; /* one final send: nothing to proceed or stop */
	h2o_req_t *h = start_reply(r, status, type, len);
	if (encoding)
		h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL, encoding, strlen(encoding));
	h2o_iovec_t buf = h2o_iovec_init(data, len);
	h2o_start_response(h, &done);
	h2o_send(h, &buf, len ? 1 : 0, H2O_SEND_STATE_FINAL);
}

const char *req_path(struct req *r, size_t *len)
{
	h2o_req_t *h = H(r);
	*len = h->query_at == SIZE_MAX ? h->path.len : h->query_at;
	return h->path.base;
}

void req_page_reply(struct req *r, struct jsonw *w, int64_t next)
{
	jsonw_close(w, ']');
	if (next)
		jsonw_id(w, "next_cursor", next);
	else
		jsonw_null(w, "next_cursor");
	jsonw_close(w, '}');
	req_json_text(r, 200, w->buf, w->len);
	jsonw_release(w);
}

void req_no_content(struct req *r)
{
	send_body(r, 204, NULL, "", 0);
}

/* A streamed reply: one chunk read per turn of the loop, when h2o asks for the next. */
#define STREAM_CHUNK (1 << 16)
struct stream_reply {
	h2o_generator_t super;
	struct req_stream src;
	int open;
	size_t left;
	char *buf; /* h2o holds the chunk until it asks for the next: one buffer is enough */
};

static void stream_close(struct stream_reply *f)
{
	if (f->open && f->src.close)
		f->src.close(f->src.ctx);
	f->open = 0;
}

static void stream_proceed(h2o_generator_t *g, h2o_req_t *h)
{
	struct stream_reply *f = (struct stream_reply *)g;
	size_t n = f->left < STREAM_CHUNK ? f->left : STREAM_CHUNK;
	ssize_t got = n ? f->src.read(f->src.ctx, f->buf, n) : 0;
	if (got <= 0 && n) { /* the source shrank or broke: cut the reply short, visibly */
		stream_close(f);
		h2o_send(h, NULL, 0, H2O_SEND_STATE_ERROR);
		return;
	}
	f->left -= (size_t)got;
	h2o_iovec_t v = h2o_iovec_init(f->buf, (size_t)got);
	if (!f->left)
		stream_close(f);
	h2o_send(h, &v, 1, f->left ? H2O_SEND_STATE_IN_PROGRESS : H2O_SEND_STATE_FINAL);
}

static void stream_stop(h2o_generator_t *g, h2o_req_t *h)
{
	stream_close((struct stream_reply *)g);
}

/* The request's pool frees the reply: the source is closed even if neither end ever came. */
static void stream_dispose(void *p)
{
	stream_close(p);
}

void req_send_stream(struct req *r, int status, const char *type, size_t size, const struct req_stream *src)
{
	struct req_full *full = (struct req_full *)r;
	h2o_req_t *h = H(r);
	assert(!full->replied);
	full->replied = 1;
	struct stream_reply *f = h2o_mem_alloc_shared(&h->pool, sizeof(*f), stream_dispose);
	f->super.proceed = stream_proceed;
	f->super.stop = stream_stop;
	f->src = *src;
	f->open = 1;
	f->left = size;
	f->buf = h2o_mem_alloc_pool(&h->pool, STREAM_CHUNK);
	h->res.status = status;
	h->res.reason = reason(status);
	h->res.content_length = size;
	h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, type, strlen(type));
	h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
	log_request(full, status, size);
	h2o_start_response(h, &f->super);
	stream_proceed(&f->super, h);
}

/* A file as a stream: pread from its own offset, so nothing else moves it. */
struct file_source {
	int fd;
	off_t off;
};

static ssize_t file_read(void *ctx, void *buf, size_t cap)
{
	struct file_source *f = ctx;
	ssize_t got = pread(f->fd, buf, cap, f->off);
	if (got > 0)
		f->off += got;
	return got;
}

static void file_close(void *ctx)
{
	struct file_source *f = ctx;
	close(f->fd);
}

void req_send_file(struct req *r, int status, const char *type, int fd, size_t size)
{
	struct file_source *f = h2o_mem_alloc_pool(&H(r)->pool, sizeof(*f));
	f->fd = fd;
	f->off = 0;
	struct req_stream src = { file_read, file_close, f };
	req_send_stream(r, status, type, size, &src);
}

static void send_problem(struct req *r)
{
	enum err e = r->err;
	int status = err_status(e);
	char type[96];
	snprintf(type, sizeof(type), "urn:atrium:error:%s", err_code(e));
	json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title", err_text(e),
			      "status", status, "code", err_code(e), "detail",
			      r->detail ? r->detail : err_text(e), "request_id", r->id);
	if (r->extra) {
		json_object_update(p, r->extra);
		json_decref(r->extra);
		r->extra = NULL;
	}
	char *body = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	send_body(r, status, "application/problem+json; charset=utf-8", body, strlen(body));
	free(body);
}

/* Matches path against a pattern like "/api/v1/me/sessions/{id}", filling params. */
static int match(struct req *r, const char *pattern, const char *path, size_t len, int fill)
{
	const char *p = pattern, *s = path, *end = path + len;
	int n = 0;
	while (*p && s < end) {
		if (*p == '{') {
			const char *slash = memchr(s, '/', (size_t)(end - s));
			size_t seg = slash ? (size_t)(slash - s) : (size_t)(end - s);
			if (!seg || n == 4)
				return 0;
			if (fill)
				r->params[n] = pool_strndup(r, s, seg);
			n++;
			s += seg;
			p = strchr(p, '}') + 1;
		} else if (*p++ != *s++) {
			return 0;
		}
	}
	return !*p && s == end;
}

static const struct route web_route = { "GET", "/", web_serve, 0 };

static enum err route(struct req *r, h2o_req_t *h)
{
	size_t len = h->query_at == SIZE_MAX ? h->path.len : h->query_at;
	char allow[128] = "";
	for (const struct route *const *t = route_tables; *t; t++) {
		for (const struct route *rt = *t; rt->method; rt++) {
			if (!match(r, rt->path, h->path.base, len, 0))
				continue;
			if (h2o_memis(h->method.base, h->method.len, rt->method, strlen(rt->method))) {
				match(r, rt->path, h->path.base, len, 1);
				r->route = rt;
				return ERR_OK;
			}
			size_t a = strlen(allow);
			snprintf(allow + a, sizeof(allow) - a, "%s%s", a ? ", " : "", rt->method);
		}
	}
	if (*allow) {
		req_set_header(r, "allow", allow);
		return req_fail(r, ERR_METHOD_NOT_ALLOWED, "%.*s is not allowed here; use %s",
				(int)h->method.len, h->method.base, allow);
	}
	/* Outside the API, the web client's files (http/web.h). */
	if (web_wanted(h->method.base, h->method.len, h->path.base, len)) {
		r->route = &web_route;
		return ERR_OK;
	}
	return req_fail(r, ERR_NOT_FOUND, "no route for this path");
}

static enum err read_body(struct req *r, h2o_req_t *h)
{
	size_t cap = (size_t)r->app->cfg->max_body;
	if (h->entity.len > cap)
		return req_fail(r, ERR_BODY_TOO_LARGE, "the body has %zu bytes; at most %zu are accepted",
				h->entity.len, cap);
	ssize_t i = h2o_find_header(&h->headers, H2O_TOKEN_CONTENT_TYPE, -1);
	h2o_iovec_t ct = i >= 0 ? h->headers.entries[i].value : h2o_iovec_init(NULL, 0);
	if (ct.len < 16 || strncasecmp(ct.base, "application/json", 16) ||
	    (ct.len > 16 && ct.base[16] != ';' && ct.base[16] != ' '))
		return req_fail(r, ERR_UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
	json_error_t jerr;
	r->body = json_loadb(h->entity.base ? h->entity.base : "", h->entity.len,
			     JSON_REJECT_DUPLICATES, &jerr);
	if (!r->body)
		return req_fail(r, ERR_MALFORMED_JSON, "%s at line %d column %d", jerr.text, jerr.line,
				jerr.column);
	if (!json_is_object(r->body)) {
		req_extra(r, "field", json_string(""));
		return req_fail(r, ERR_INVALID_TYPE, "the body must be a JSON object");
	}
	return ERR_OK;
}

enum err req_read_body(struct req *r)
{
	return r->body ? ERR_OK : read_body(r, H(r));
}

enum err req_upload(struct req *r, size_t cap, const uint8_t **data, size_t *len)
{
	h2o_req_t *h = H(r);
	if (h->entity.len > cap)
		return req_fail(r, ERR_BODY_TOO_LARGE, "the file has %zu bytes; at most %zu are accepted",
				h->entity.len, cap);
	if (!h->entity.len)
		return req_fail(r, ERR_EMPTY_UPLOAD, NULL);
	*data = (const uint8_t *)h->entity.base;
	*len = h->entity.len;
	return ERR_OK;
}

/* A deferred reply: a copy of the request's state; f.r.h is NULL once h2o has let it go. */
struct req_later {
	struct req_full f;
	struct later_hook *hook;
};

/* Lives in the request's pool: when the pool goes, the deferred handle learns it. */
struct later_hook {
	struct req_later *later;
};

static void later_gone(void *p)
{
	struct later_hook *k = p;
	if (k->later) {
		k->later->f.r.h = NULL;
		k->later->hook = NULL;
	}
}

struct req_later *req_defer(struct req *r)
{
	struct req_full *f = (struct req_full *)r;
	struct req_later *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->f = *f;
	l->f.r.body = NULL;
	l->f.r.extra = NULL;
	l->f.r.detail = NULL;
	l->f.r.after = NULL;
	l->hook = h2o_mem_alloc_shared(&H(r)->pool, sizeof(*l->hook), later_gone);
	l->hook->later = l;
	f->replied = 1; /* the dispatcher sends nothing: the answer comes later */
	return l;
}

/* Whether l's request can still be answered; detaches the hook so answering cannot race it. */
static int later_live(struct req_later *l)
{
	if (!l->f.r.h)
		return 0;
	l->hook->later = NULL;
	return 1;
}

void req_later_json(struct req_later *l, int status, const char *json, size_t len)
{
	if (later_live(l))
		send_body(&l->f.r, status, "application/json; charset=utf-8", json, len);
	free(l);
}

void req_later_fail(struct req_later *l, enum err e, const char *detail)
{
	if (later_live(l)) {
		if (detail)
			req_fail(&l->f.r, e, "%s", detail);
		else
			req_fail(&l->f.r, e, NULL);
		send_problem(&l->f.r);
	}
	free(l);
}

void req_later_extra(struct req_later *l, const char *key, json_t *value)
{
	if (l->f.r.h)
		req_extra(&l->f.r, key, value);
	else
		json_decref(value);
}

const char *req_later_id(const struct req_later *l)
{
	return l->f.r.id;
}

static void peer(struct req *r, h2o_req_t *h)
{
	struct sockaddr_storage sa;
	socklen_t n = h->conn->callbacks->get_peername(h->conn, (struct sockaddr *)&sa);
	if (n && sa.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, r->ip, sizeof(r->ip));
	else if (n && sa.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, r->ip, sizeof(r->ip));
	else
		snprintf(r->ip, sizeof(r->ip), "-");
}

void http_handle(h2o_req_t *h, struct app *app, struct logbuf *log)
{
	struct req_full f;
	memset(&f, 0, sizeof(f));
	struct req *r = &f.r;
	f.log = log;
	f.started_us = clock_mono_us();
	r->h = h;
	r->app = app;
	id_format(id_next(), r->id);
	peer(r, h);
	req_set_header(r, "x-request-id", r->id);
	enum err rc = route(r, h);
	/* A signed-in read runs several queries (session, then data): one snapshot takes the
	 * database's locks once.  Anonymous reads run one query and need none. */
	int reading = !rc && (r->route->flags & ROUTE_AUTH) && !req_unsafe(r);
	if (reading)
		store_begin_read(app->st);
	if (!rc && (r->route->flags & ROUTE_AUTH))
		rc = authenticate ? authenticate(r) : req_fail(r, ERR_INTERNAL, "no authenticator");
	if (!rc && (r->route->flags & ROUTE_BODY))
		rc = read_body(r, h);
	if (!rc)
		rc = r->route->fn(r);
	if (rc && !r->err)
		req_fail(r, rc, NULL);
	if (!f.replied) {
		if (!r->err)
			req_fail(r, ERR_INTERNAL, "the handler sent no reply");
		store_rollback(app->st); /* a failed request changes nothing */
		send_problem(r);
	}
	if (reading)
		store_end_read(app->st);
	if (r->after)
		r->after(r);
	if (r->body)
		json_decref(r->body);
	if (r->extra)
		json_decref(r->extra);
}
