/* Full-text search over messages: see search.h and migrations/0021_im_search.sql. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/im/search.h"
#include "core/mem.h"
#include "core/banned.h"

#define PAIR_MAX 8       /* bytes of a pair: two characters of valid UTF-8 */
#define SNIPPET_BEFORE 20
#define SNIPPET_CHARS 80

/* ---- characters and pairs, exactly as the triggers' SQL takes a text apart ---- */

/* Bytes of the character at s as SQLite counts characters (substr, length): a byte below 0xC0
 * alone, a lead byte with the continuation bytes after it. */
static size_t char_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 1;
	if (*p >= 0xC0)
		while ((p[n] & 0xC0) == 0x80)
			n++;
	return n;
}

/* White space, which no pair starts with: it would only make every query slower. */
static int is_space(const char *s, size_t len)
{
	if (len == 1)
		return *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';
	return len == 3 && !memcmp(s, "\xE3\x80\x80", 3); /* U+3000, the ideographic space */
}

/* text with its ASCII letters lowered, as SQL's lower() does (malloc'ed). */
static char *fold(const char *text, size_t *len /* OUT */)
{
	size_t n = strlen(text);
	char *f = xmalloc(n + 1);
	for (size_t i = 0; i <= n; i++)
		f[i] = text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] + ('a' - 'A')) : text[i];
	if (len)
		*len = n;
	return f;
}

/*
 * Calls fn for each pair of the folded text f that the index holds: at each of the first
 * IM_SEARCH_TEXT_MAX characters that is not white space, that character and the next (alone
 * at the end).  Stops at fn's first non-zero answer and returns it.
 */
static int each_pair(const char *f, int (*fn)(const char *pair, size_t len, void *arg), void *arg)
{
	const char *p = f;
	for (int i = 0; *p && i < IM_SEARCH_TEXT_MAX; i++) {
		size_t a = char_len(p), b = p[a] ? char_len(p + a) : 0;
		int rc;
		if (!is_space(p, a) && a + b <= PAIR_MAX && (rc = fn(p, a + b, arg)))
			return rc;
		p += a;
	}
	return 0;
}

/* ---- keeping the index ---- */

struct indexing {
	struct store *st;
	int64_t cid, seq;
};

static int insert_pair(const char *pair, size_t len, void *arg)
{
	struct indexing *x = arg;
	struct store_stmt *q = store_prepare(x->st,
		"INSERT INTO im_search_grams (conversation_id, gram, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
	store_bind_int(q, 1, x->cid);
	store_bind_text(q, 2, pair, (int)len);
	store_bind_int(q, 3, x->seq);
	return store_run(q) == STORE_DONE ? 0 : -1;
}

int im_search_index(struct store *st, int64_t eid, int64_t cid, int64_t seq, int64_t sender, int64_t created_at,
		    const char *text)
{
	(void)eid, (void)sender, (void)created_at;
	struct indexing x = { st, cid, seq };
	char *f = fold(text, NULL);
	int rc = each_pair(f, insert_pair, &x);
	free(f);
	return rc ? -1 : 0;
}

int im_search_forget(struct store *st, int64_t cid, int64_t seq)
{
	/* The same statement as the triggers': the pairs of the text, found without reading the index. */
	struct store_stmt *q = store_prepare(st,
		"DELETE FROM im_search_grams WHERE conversation_id = ?1 AND seq = ?2 AND gram IN"
		" (SELECT substr(t.text, p.i, 2) FROM (SELECT lower(json_extract(body, '$.text')) AS text FROM messages"
		"   WHERE conversation_id = ?1 AND seq = ?2 AND json_valid(body) AND json_type(body, '$.text') = 'text') t"
		"  JOIN im_search_positions p ON p.i <= length(t.text))");
	store_bind_int(q, 1, cid);
	store_bind_int(q, 2, seq);
	return store_run(q) == STORE_DONE ? 0 : -1;
}

/* A pair as one number whose order is the bytes' order (BINARY collation): the index's order. */
struct posting {
	uint64_t pair;
	int64_t seq;
};

struct postings {
	struct posting *v;
	size_t n, cap;
	int64_t seq;
};

static int add_posting(const char *pair, size_t len, void *arg)
{
	struct postings *p = arg;
	uint64_t key = 0;
	for (size_t i = 0; i < PAIR_MAX; i++)
		key = key << 8 | (i < len ? (unsigned char)pair[i] : 0);
	if (p->n == p->cap)
		p->v = xrealloc(p->v, (p->cap = p->cap ? 2 * p->cap : 4096) * sizeof(*p->v));
	p->v[p->n].pair = key;
	p->v[p->n++].seq = p->seq;
	return 0;
}

static int by_pair_seq(const void *a, const void *b)
{
	const struct posting *x = a, *y = b;
	if (x->pair != y->pair)
		return x->pair < y->pair ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One conversation: its rows deleted, then those of its messages inserted in the index's order. */
static int reindex_one(struct store *st, int64_t cid, struct postings *p, int64_t *messages)
{
	p->n = 0;
	if (store_begin(st) != STORE_OK)
		return -1;
	struct store_stmt *q = store_prepare(st, "DELETE FROM im_search_grams WHERE conversation_id = ?");
	store_bind_int(q, 1, cid);
	if (store_run(q) != STORE_DONE)
		goto fail;
	/* What members sent (the writer indexes those), not recalled, with a text. */
	q = store_prepare(st,
		"SELECT seq, json_extract(body, '$.text') FROM messages WHERE conversation_id = ? AND recalled_at IS NULL"
		" AND kind IN ('text', 'image', 'file', 'voice', 'location', 'card') AND json_valid(body)"
		" AND json_type(body, '$.text') = 'text'");
	store_bind_int(q, 1, cid);
	enum store_rc rc;
	while ((rc = store_step(q)) == STORE_ROW) {
		char *f = fold(store_col_text(q, 1), NULL);
		p->seq = store_col_int(q, 0);
		each_pair(f, add_posting, p);
		free(f);
		(*messages)++;
	}
	if (rc != STORE_DONE)
		goto fail;
	qsort(p->v, p->n, sizeof(*p->v), by_pair_seq);
	for (size_t i = 0; i < p->n; i++) {
		if (i && p->v[i].pair == p->v[i - 1].pair && p->v[i].seq == p->v[i - 1].seq)
			continue;
		char pair[PAIR_MAX];
		int len = 0;
		for (int b = PAIR_MAX - 1; b >= 0; b--)
			if ((pair[PAIR_MAX - 1 - b] = (char)(p->v[i].pair >> (8 * b))) != 0)
				len = PAIR_MAX - b;
		q = store_prepare(st, "INSERT INTO im_search_grams (conversation_id, gram, seq) VALUES (?, ?, ?)");
		store_bind_int(q, 1, cid);
		store_bind_text(q, 2, pair, len);
		store_bind_int(q, 3, p->v[i].seq);
		if (store_run(q) != STORE_DONE)
			goto fail;
	}
	if (store_commit(st) != STORE_OK)
		return -1;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int im_search_reindex(struct store *st, void (*progress)(int64_t conversations, int64_t messages, void *arg), void *arg)
{
	int64_t *ids = NULL, messages = 0;
	size_t n = 0, cap = 0;
	struct postings p = { 0 };
	int rc = -1;
	struct store_stmt *q = store_prepare(st, "SELECT id FROM conversations ORDER BY id");
	enum store_rc src;
	while ((src = store_step(q)) == STORE_ROW) {
		if (n == cap)
			ids = xrealloc(ids, (cap = cap ? 2 * cap : 256) * sizeof(*ids));
		ids[n++] = store_col_int(q, 0);
	}
	if (src != STORE_DONE)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (reindex_one(st, ids[i], &p, &messages))
			goto out;
		if (progress)
			progress((int64_t)i + 1, messages, arg);
	}
	rc = 0;
out:
	free(ids);
	free(p.v);
	return rc;
}

/* ---- searching ---- */

struct run {
	struct store *st;
	const struct im_search *s;
	const char *fq; /* the folded query */
	size_t fqlen;
	struct im_search_hit *hits; /* newest first */
	int n, want;
};

/* Whether a message with this id can still enter the results. */
static int can_enter(const struct run *r, int64_t id)
{
	return r->n < r->want || id > r->hits[r->want - 1].id;
}

static void enter(struct run *r, int64_t id, int64_t cid, int64_t seq)
{
	int i = r->n < r->want ? r->n++ : r->want - 1;
	while (i > 0 && r->hits[i - 1].id < id) {
		r->hits[i] = r->hits[i - 1];
		i--;
	}
	r->hits[i] = (struct im_search_hit){ id, cid, seq };
}

/* Whether text holds the query, ASCII letters in either case. */
static int holds(const struct run *r, const char *text)
{
	size_t n;
	char *f = fold(text, &n);
	int found = memmem(f, n, r->fq, r->fqlen) != NULL;
	free(f);
	return found;
}

/*
 * The candidates of one conversation, newest first: messages after the member joined holding the
 * pair (or, for one character, any pair it starts), with the route's filters.  Binds: 1 the
 * conversation, 2 the pair (the lower bound), 3 joined_seq, 4 enterprise, 5 before (cursor),
 * 6 to, 7 sender or 0, 8 the second pair (the upper bound), 9 the third pair or "".
 */
#define CANDIDATE_FILTERS \
	" AND m.enterprise_id = ?4 AND m.recalled_at IS NULL AND m.id < ?5 AND m.created_at <= ?6" \
	" AND (?7 = 0 OR m.sender_id = ?7)"
static const char *const candidates_by_pair =
	"SELECT g.seq, m.id, m.created_at, json_extract(m.body, '$.text') FROM im_search_grams g JOIN messages m"
	" ON m.conversation_id = g.conversation_id AND m.seq = g.seq"
	" WHERE g.conversation_id = ?1 AND g.gram = ?2 AND g.seq > ?3" CANDIDATE_FILTERS " ORDER BY g.seq DESC";
static const char *const candidates_by_pairs =
	"SELECT g.seq, m.id, m.created_at, json_extract(m.body, '$.text') FROM im_search_grams g JOIN messages m"
	" ON m.conversation_id = g.conversation_id AND m.seq = g.seq"
	" WHERE g.conversation_id = ?1 AND g.gram = ?2 AND g.seq > ?3"
	" AND EXISTS (SELECT 1 FROM im_search_grams h WHERE h.conversation_id = ?1 AND h.gram = ?8 AND h.seq = g.seq)"
	" AND (?9 = '' OR EXISTS (SELECT 1 FROM im_search_grams h WHERE h.conversation_id = ?1 AND h.gram = ?9 AND h.seq = g.seq))"
	CANDIDATE_FILTERS " ORDER BY g.seq DESC";
static const char *const candidates_by_char =
	"SELECT m.seq, m.id, m.created_at, json_extract(m.body, '$.text') FROM messages m"
	" WHERE m.conversation_id = ?1 AND m.seq IN (SELECT g.seq FROM im_search_grams g"
	"  WHERE g.conversation_id = ?1 AND g.gram >= ?2 AND g.gram < ?8 AND g.seq > ?3)" CANDIDATE_FILTERS
	" ORDER BY m.seq DESC";

struct plan {
	const char *sql;
	char first[PAIR_MAX + 2], second[PAIR_MAX + 2], third[PAIR_MAX + 2]; /* NUL-terminated */
};

/*
 * One conversation's candidates in the order of their seq, which is the order of their ids:
 * each that holds the query enters the results, until this conversation can add nothing more.
 */
static int search_conversation(struct run *r, const struct plan *p, int64_t cid, int64_t joined)
{
	const struct im_search *s = r->s;
	struct store_stmt *q = store_prepare(r->st, p->sql);
	store_bind_int(q, 1, cid);
	store_bind_text(q, 2, p->first, -1);
	store_bind_int(q, 3, joined);
	store_bind_int(q, 4, s->eid);
	store_bind_int(q, 5, s->before);
	store_bind_int(q, 6, s->to);
	store_bind_int(q, 7, s->sender_id);
	if (p->sql != candidates_by_pair)
		store_bind_text(q, 8, p->second, -1);
	if (p->sql == candidates_by_pairs)
		store_bind_text(q, 9, p->third, -1);
	enum store_rc rc;
	int found = 0;
	while ((rc = store_step(q)) == STORE_ROW) {
		int64_t id = store_col_int(q, 1);
		/* Older ones can neither enter nor be after from. */
		if (!can_enter(r, id) || store_col_int(q, 2) < s->from)
			break;
		if (!holds(r, store_col_text(q, 3)))
			continue;
		enter(r, id, cid, store_col_int(q, 0));
		if (++found == r->want)
			break;
	}
	store_reset(q);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

/* The distinct pairs inside a folded query: at each character but the last that is not white
 * space, it and the next (what follows the last character of a query is not known). */
struct pair_list {
	char pair[IM_SEARCH_QUERY_MAX][PAIR_MAX + 1];
	int n;
};

static void list_pairs(const char *fq, struct pair_list *l)
{
	l->n = 0;
	for (const char *p = fq; *p;) {
		size_t a = char_len(p), b = p[a] ? char_len(p + a) : 0;
		int seen = 0;
		if (!b)
			break;
		for (int i = 0; i < l->n && !seen; i++)
			seen = !strncmp(l->pair[i], p, a + b) && !l->pair[i][a + b];
		if (!is_space(p, a) && a + b <= PAIR_MAX && !seen && l->n < IM_SEARCH_QUERY_MAX) {
			memcpy(l->pair[l->n], p, a + b);
			l->pair[l->n++][a + b] = '\0';
		}
		p += a;
	}
}

/*
 * Which rows to read.  A query of one character reads every pair it starts.  A longer one reads
 * the rows of its first pair, those that also hold its last pair and one from its middle: a
 * message holding the query holds every pair of it, and the check of the text does the rest.
 * The first and the last share no character (unless the query is short), so together they pass
 * few messages that do not hold the query; checking them costs a lookup each in the index, where
 * reading the message to check its text would cost more.  (Counting each pair's rows first, to
 * start from the rarest, cost more than it saved, measured on bench/im-search's million.)
 */
static int make_plan(struct run *r, struct plan *p)
{
	struct pair_list l;
	list_pairs(r->fq, &l);
	if (!l.n) {
		/* One character (or one and white space): every pair it starts, between it and what
		 * is above all of them, as no byte of UTF-8 is 0xFF. */
		size_t first = char_len(r->fq);
		if (first > PAIR_MAX / 2 || is_space(r->fq, first))
			return -1;
		p->sql = candidates_by_char;
		memcpy(p->first, r->fq, first);
		p->first[first] = '\0';
		memcpy(p->second, r->fq, first);
		p->second[first] = '\xFF';
		p->second[first + 1] = '\0';
		return 0;
	}
	snprintf(p->first, sizeof(p->first), "%s", l.pair[0]);
	p->sql = l.n > 1 ? candidates_by_pairs : candidates_by_pair;
	snprintf(p->second, sizeof(p->second), "%s", l.pair[l.n - 1]);
	/* "" when there is no third: the statement then checks none. */
	snprintf(p->third, sizeof(p->third), "%s", l.n > 2 ? l.pair[l.n / 2] : "");
	return 0;
}

int im_search_run(struct store *st, const struct im_search *s, struct im_search_hit *hits)
{
	size_t fqlen;
	char *fq = fold(s->q, &fqlen);
	struct run r = { st, s, fq, fqlen, hits, 0, s->limit + 1 };
	struct plan p;
	int64_t *convs = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	if (!*fq || make_plan(&r, &p))
		goto out;
	/* The live conversations the user is in, the latest first: their hits fill the results
	 * soonest, and the older conversations then stop at their first candidate. */
	struct store_stmt *q = store_prepare(st,
		"SELECT cm.conversation_id, cm.joined_seq FROM conversation_members cm JOIN conversations c"
		" ON c.id = cm.conversation_id AND c.enterprise_id = cm.enterprise_id"
		" WHERE cm.user_id = ?1 AND cm.enterprise_id = ?2 AND c.dissolved_at IS NULL"
		" AND (?3 = 0 OR cm.conversation_id = ?3) ORDER BY c.last_at DESC");
	store_bind_int(q, 1, s->user_id);
	store_bind_int(q, 2, s->eid);
	store_bind_int(q, 3, s->conversation_id);
	enum store_rc src;
	while ((src = store_step(q)) == STORE_ROW) {
		if (n == cap)
			convs = xrealloc(convs, (cap = cap ? 2 * cap : 64) * 2 * sizeof(*convs));
		convs[2 * n] = store_col_int(q, 0);
		convs[2 * n++ + 1] = store_col_int(q, 1);
	}
	if (src != STORE_DONE)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (search_conversation(&r, &p, convs[2 * i], convs[2 * i + 1]))
			goto out;
	rc = r.n;
out:
	free(convs);
	free(fq);
	return rc;
}

/* ---- the highlight ---- */

static size_t chars_in(const char *s, size_t bytes)
{
	size_t n = 0;
	for (size_t i = 0; i < bytes; i += char_len(s + i))
		n++;
	return n;
}

/* The byte offset of character number c of s (or its end). */
static size_t byte_of(const char *s, size_t c)
{
	size_t b = 0;
	while (c-- && s[b])
		b += char_len(s + b);
	return b;
}

size_t im_search_highlight(const char *text, const char *q, char **snippet, int64_t (*ranges)[2], size_t max)
{
	size_t tlen, qlen;
	char *ft = fold(text, &tlen), *fq = fold(q, &qlen);
	const char *first = qlen ? memmem(ft, tlen, fq, qlen) : NULL;
	size_t total = chars_in(text, tlen), at = first ? chars_in(text, (size_t)(first - ft)) : 0;
	size_t qchars = chars_in(q, qlen);
	/* A window of SNIPPET_CHARS characters that starts a little before the first occurrence. */
	size_t from = at > SNIPPET_BEFORE ? at - SNIPPET_BEFORE : 0;
	size_t to = from + SNIPPET_CHARS > total ? total : from + SNIPPET_CHARS;
	if (to < at + qchars)
		to = at + qchars;
	/* Ending with the text, it starts earlier to hold as much (a short text is shown whole). */
	if (to == total && (total > SNIPPET_CHARS ? total - SNIPPET_CHARS : 0) < from)
		from = total > SNIPPET_CHARS ? total - SNIPPET_CHARS : 0;
	size_t bfrom = byte_of(text, from), bto = bfrom + byte_of(text + bfrom, to - from);
	size_t lead = from > 0, n = 0;
	char *out = xmalloc(bto - bfrom + 7);
	size_t o = 0;
	if (lead) {
		memcpy(out, "\xE2\x80\xA6", 3); /* … */
		o = 3;
	}
	memcpy(out + o, text + bfrom, bto - bfrom);
	o += bto - bfrom;
	if (to < total) {
		memcpy(out + o, "\xE2\x80\xA6", 3);
		o += 3;
	}
	out[o] = '\0';
	/* Every occurrence inside the window, left to right, not overlapping. */
	for (const char *m = first; m && n < max;) {
		size_t b = (size_t)(m - ft);
		if (b + qlen > bto)
			break;
		if (b >= bfrom) {
			ranges[n][0] = (int64_t)(lead + chars_in(text + bfrom, b - bfrom));
			ranges[n++][1] = (int64_t)qchars;
		}
		b += qlen;
		m = b < tlen ? memmem(ft + b, tlen - b, fq, qlen) : NULL;
	}
	free(ft);
	free(fq);
	*snippet = out;
	return n;
}
