/*
 * Message search: GET /enterprises/{eid}/im/search?q=…, over the messages the caller may read
 * (conversations they are in, after they joined, not recalled), newest first, each with the
 * piece of its text that matched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/im/message.h"
#include "apps/im/search.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/banned.h"

#define DAY_MS (24LL * 3600 * 1000)
#define RANGES_MAX 16

static enum err bad(struct req *r, const char *field, const char *detail)
{
	req_extra(r, "field", json_string(field));
	return req_fail(r, ERR_INVALID_VALUE, "%s", detail);
}

/* White space around a query: what a pair never starts with (search.c). */
static size_t space_at(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		return 1;
	return !strncmp(s, "\xE3\x80\x80", 3) ? 3 : 0;
}

/* Characters of valid UTF-8 text without control characters, or -1. */
static int text_chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
		int more = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
		if (more < 0 || *p < 0x20 || *p == 0x7F || (more == 1 && *p < 0xC2) || (more == 3 && *p > 0xF4))
			return -1;
		unsigned cp = more ? *p & (0x3F >> more) : *p;
		for (int i = 1; i <= more; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((more == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return -1;
		p += more + 1;
	}
	return n;
}

/* q: 1 to 64 characters once the white space around it is cut; the cut text into *q. */
static enum err read_q(struct req *r, char **q)
{
	const char *raw = req_query(r, "q");
	size_t n, k;
	if (!raw)
		raw = "";
	while ((k = space_at(raw)))
		raw += k;
	n = strlen(raw);
	for (int cut = 1; cut && n;) {
		cut = 0;
		if (raw[n - 1] == ' ' || raw[n - 1] == '\t' || raw[n - 1] == '\n' || raw[n - 1] == '\r')
			n--, cut = 1;
		else if (n >= 3 && !memcmp(raw + n - 3, "\xE3\x80\x80", 3))
			n -= 3, cut = 1;
	}
	*q = xmalloc(n + 1);
	memcpy(*q, raw, n);
	(*q)[n] = '\0';
	int chars = text_chars(*q);
	if (chars < 1 || chars > IM_SEARCH_QUERY_MAX) {
		free(*q);
		*q = NULL;
		return bad(r, "q", "'q' must be 1 to 64 characters of text");
	}
	return ERR_OK;
}

/*
 * A time of from or to: RFC 3339 (2024-05-01T09:30:00Z, or with an offset such as +08:00), or a
 * day, YYYY-MM-DD, in UTC: from its first millisecond, to its last.
 */
static int parse_when(const char *v, int to, int64_t *ms)
{
	char buf[40];
	size_t n = strlen(v);
	int64_t offset = 0;
	if (n == 10) {
		if (snprintf(buf, sizeof(buf), "%sT00:00:00Z", v) >= (int)sizeof(buf) || clock_parse(buf, ms))
			return -1;
		if (to)
			*ms += DAY_MS - 1;
		return 0;
	}
	if (n < 20 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n + 1);
	if (n >= 25 && (buf[n - 6] == '+' || buf[n - 6] == '-') && buf[n - 3] == ':') {
		int h = (buf[n - 5] - '0') * 10 + (buf[n - 4] - '0'), m = (buf[n - 2] - '0') * 10 + (buf[n - 1] - '0');
		for (size_t i = n - 5; i < n; i++)
			if (i != n - 3 && (buf[i] < '0' || buf[i] > '9'))
				return -1;
		if (h > 23 || m > 59)
			return -1;
		offset = (buf[n - 6] == '+' ? 1 : -1) * ((int64_t)h * 60 + m) * 60000;
		buf[n - 6] = 'Z';
		buf[n - 5] = '\0';
	}
	if (clock_parse(buf, ms))
		return -1;
	*ms -= offset;
	return 0;
}

static enum err read_when(struct req *r, const char *name, int to, int64_t *ms)
{
	const char *v = req_query(r, name);
	if (v && parse_when(v, to, ms)) {
		req_extra(r, "field", json_string(name));
		return req_fail(r, ERR_INVALID_VALUE, "'%s' must be a day (2024-05-01) or an RFC 3339 time (2024-05-01T09:30:00+08:00), not '%.40s'",
				name, v);
	}
	return ERR_OK;
}

static enum err read_id(struct req *r, const char *name, int64_t *id)
{
	const char *v = req_query(r, name);
	*id = 0;
	if (v && id_parse(v, id)) {
		req_extra(r, "field", json_string(name));
		return req_fail(r, ERR_INVALID_VALUE, "'%s' must be an id, not '%.24s'", name, v);
	}
	return ERR_OK;
}

/* One result: the message as everywhere else, and where its text matched. */
static int write_hit(struct req *r, const struct im_search *s, const struct im_search_hit *h, struct jsonw *w)
{
	struct store_stmt *q = store_prepare(r->app->st, "SELECT " IM_MESSAGE_COLS ", json_extract(m.body, '$.text')"
							 " FROM messages m WHERE m.conversation_id = ? AND m.seq = ? AND m.enterprise_id = ?");
	store_bind_int(q, 1, h->conversation_id);
	store_bind_int(q, 2, h->seq);
	store_bind_int(q, 3, s->eid);
	if (store_step(q) != STORE_ROW)
		return -1;
	char *snippet;
	int64_t ranges[RANGES_MAX][2];
	size_t n = im_search_highlight(store_col_text(q, 11), s->q, &snippet, ranges, RANGES_MAX);
	struct jsonw m;
	jsonw_init(&m);
	im_message_write(r->app->st, r->app->kr, q, &m);
	store_reset(q);
	jsonw_open(w, NULL, '{');
	jsonw_raw(w, "message", m.buf, m.len);
	jsonw_release(&m);
	jsonw_open(w, "highlight", '{');
	jsonw_str(w, "text", snippet);
	jsonw_open(w, "ranges", '[');
	for (size_t i = 0; i < n; i++) {
		jsonw_open(w, NULL, '[');
		jsonw_int(w, NULL, ranges[i][0]);
		jsonw_int(w, NULL, ranges[i][1]);
		jsonw_close(w, ']');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	free(snippet);
	return 0;
}

static enum err get_search(struct req *r)
{
	struct im_search s = { .from = INT64_MIN, .to = INT64_MAX, .before = INT64_MAX };
	char *q = NULL;
	int64_t cursor;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &s.eid, NULL)) || (rc = read_q(r, &q)) ||
	    (rc = read_id(r, "conversation_id", &s.conversation_id)) || (rc = read_id(r, "sender_id", &s.sender_id)) ||
	    (rc = read_when(r, "from", 0, &s.from)) || (rc = read_when(r, "to", 1, &s.to)) ||
	    (rc = req_page(r, &s.limit, &cursor)))
		goto out;
	if (s.from > s.to) {
		rc = bad(r, "to", "'to' is before 'from'");
		goto out;
	}
	s.user_id = r->user_id;
	s.q = q;
	if (cursor)
		s.before = cursor;
	/* A conversation the caller is not in is one they cannot know of. */
	if (s.conversation_id) {
		struct store_stmt *c = store_prepare(r->app->st,
			"SELECT 1 FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id"
			" WHERE m.conversation_id = ? AND m.user_id = ? AND m.enterprise_id = ? AND c.dissolved_at IS NULL");
		store_bind_int(c, 1, s.conversation_id);
		store_bind_int(c, 2, s.user_id);
		store_bind_int(c, 3, s.eid);
		int found = store_step(c) == STORE_ROW;
		store_reset(c);
		if (!found) {
			req_extra(r, "field", json_string("conversation_id"));
			rc = req_fail(r, ERR_CONVERSATION_NOT_FOUND, NULL);
			goto out;
		}
	}
	struct im_search_hit *hits = xmalloc(((size_t)s.limit + 1) * sizeof(*hits));
	int n = im_search_run(r->app->st, &s, hits);
	if (n < 0) {
		free(hits);
		rc = req_fail(r, ERR_INTERNAL, "the search failed");
		goto out;
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "results", '[');
	int shown = n > s.limit ? s.limit : n;
	for (int i = 0; i < shown; i++)
		if (write_hit(r, &s, &hits[i], &w)) {
			jsonw_release(&w);
			free(hits);
			rc = req_fail(r, ERR_INTERNAL, "the search failed");
			goto out;
		}
	int64_t next = n > s.limit ? hits[s.limit - 1].id : 0;
	free(hits);
	req_page_reply(r, &w, next);
out:
	free(q);
	return rc;
}

const struct route im_search_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/im/search", get_search, ROUTE_AUTH },
	{ 0 }
};
