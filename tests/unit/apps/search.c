/*
 * Unit tests of apps/im/search.c: the pairs a text gives, the same in C and in the triggers' SQL
 * (so a deleted or recalled message leaves no row behind), the search against a brute-force
 * reading of the same messages, the highlight, and the rebuild.
 */
#define _GNU_SOURCE /* memmem, in the search.c included below */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/apps/im/search.c"

#include "../lib/db.h"

/* Texts that try the edges: case, white space of every kind, characters of 1 to 4 bytes,
 * combining sequences, a lone character, a text longer than what is indexed. */
static const char *const tricky[] = {
	"今天考勤打卡了吗",
	"Hello  World\tTAB\nnew 行\r\nEND ",
	"\xE3\x80\x80全角空格\xE3\x80\x80ＡＢＣ",
	"👍🏽 emoji 👨‍👩‍👧 é é",
	"a",
	"  leading and trailing  ",
};

struct collected {
	char pairs[64][PAIR_MAX + 1];
	int n;
};

static int collect(const char *pair, size_t len, void *arg)
{
	struct collected *c = arg;
	assert_true(c->n < 64 && len <= PAIR_MAX);
	memcpy(c->pairs[c->n], pair, len);
	c->pairs[c->n++][len] = '\0';
	return 0;
}

static void test_search__pairs_of_a_text(void **state)
{
	struct collected c = { .n = 0 };
	char *f = fold("今天考勤打卡了吗", NULL);
	each_pair(f, collect, &c);
	free(f);
	static const char *const want[] = { "今天", "天考", "考勤", "勤打", "打卡", "卡了", "了吗", "吗" };
	assert_int_equal(c.n, 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(c.pairs[i], want[i]);
	/* ASCII lowered, nothing starts with white space, the last character alone. */
	c.n = 0;
	f = fold("Hi  BOB\xE3\x80\x80x", NULL);
	each_pair(f, collect, &c);
	free(f);
	static const char *const latin[] = { "hi", "i ", "bo", "ob", "b\xE3\x80\x80", "x" };
	assert_int_equal(c.n, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(c.pairs[i], latin[i]);
	/* Pairs inside a query: what follows its last character is not known. */
	struct pair_list l;
	list_pairs("考勤", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.pair[0], "考勤");
	list_pairs("a b a b", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.pair[0], "a ");
	assert_string_equal(l.pair[1], "b ");
	list_pairs("x", &l);
	assert_int_equal(l.n, 0);
}

/* One enterprise (10), users 1 to 4, conversations 100 and 200. */
static void seed(struct store *st)
{
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0),"
		" (4, x'04', x'04', 'd', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 4, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'member', 'active', 0),"
		" (10, 3, 'c', 'member', 'active', 0), (20, 4, 'd', 'owner', 'active', 0)");
	run(st, "INSERT INTO conversations (id, enterprise_id, kind, name, max_members, last_at, created_at)"
		" VALUES (100, 10, 'group', 'g', 500, 0, 0), (200, 10, 'group', 'h', 500, 0, 0), (300, 20, 'group', 'x', 500, 0, 0)");
}

/* Stores message (cid, seq) with text as the writer does, and indexes it. */
static void put(struct store *st, int64_t cid, int64_t seq, int64_t sender, int64_t at, const char *text)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, kind, body, created_at)"
		" VALUES (?1, ?2, ?3, (SELECT enterprise_id FROM conversations WHERE id = ?1), ?4, 'text', json_object('text', ?5), ?6)");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, seq);
	store_bind_int(s, 3, at * 1000 + cid); /* time-ordered, and in seq order within a conversation */
	store_bind_int(s, 4, sender);
	store_bind_text(s, 5, text, -1);
	store_bind_int(s, 6, at);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(im_search_index(st, 10, cid, seq, sender, at, text), 0);
}

static int64_t count(struct store *st, const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

/* Whatever removes a message's text — deleting it, replacing its body, im_search_forget — leaves
 * no row of it: the SQL of the triggers takes the text apart as the C did. */
static void test_search__every_removal_leaves_nothing(void **state)
{
	struct store *st = *state;
	seed(st);
	size_t n = sizeof(tricky) / sizeof(tricky[0]);
	/* A text longer than what is indexed, too: its pairs up to the limit, and no more. */
	char *longer = malloc(3 * (IM_SEARCH_TEXT_MAX + 10) + 1);
	for (int i = 0; i < IM_SEARCH_TEXT_MAX + 10; i++)
		memcpy(longer + 3 * i, i % 2 ? "考" : "勤", 3);
	longer[3 * (IM_SEARCH_TEXT_MAX + 10)] = '\0';
	for (int way = 0; way < 4; way++) {
		for (size_t i = 0; i < n; i++)
			put(st, 100, (int64_t)i + 1, 1, (int64_t)i, tricky[i]);
		put(st, 100, (int64_t)n + 1, 1, (int64_t)n, longer);
		assert_true(count(st, "SELECT count(*) FROM im_search_grams") > 40);
		for (size_t i = 0; i <= n; i++) {
			struct store_stmt *s;
			if (way == 0) {
				s = store_prepare(st, "DELETE FROM messages WHERE conversation_id = 100 AND seq = ?");
			} else if (way == 1) {
				s = store_prepare(st, "UPDATE messages SET body = '{}', recalled_at = 1 WHERE conversation_id = 100 AND seq = ?");
			} else if (way == 2) {
				assert_int_equal(im_search_forget(st, 100, (int64_t)i + 1), 0);
				continue;
			} else {
				break;
			}
			store_bind_int(s, 1, (int64_t)i + 1);
			assert_int_equal(store_run(s), STORE_DONE);
		}
		if (way == 3) /* the conversation itself */
			run(st, "DELETE FROM conversations WHERE id = 100");
		if (count(st, "SELECT count(*) FROM im_search_grams"))
			fail_msg("way %d left %lld rows", way, (long long)count(st, "SELECT count(*) FROM im_search_grams"));
		if (way < 3)
			run(st, "DELETE FROM messages");
		else
			run(st, "INSERT INTO conversations (id, enterprise_id, kind, name, max_members, last_at, created_at)"
				" VALUES (100, 10, 'group', 'g', 500, 0, 0)");
	}
	free(longer);
	/* A message without text, or whose body is not JSON, can still be deleted. */
	run(st, "INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, kind, body, created_at)"
		" VALUES (100, 1, 1, 10, 1, 'card', '{\"person\":{}}', 0), (100, 2, 2, 10, 1, 'text', 'not json', 0)");
	run(st, "DELETE FROM messages");
}

/* ---- the search against a brute-force reading ---- */

struct seat {
	int64_t cid, user, joined;
};

static const struct seat seats[] = {
	{ 100, 1, 0 }, { 100, 2, 0 }, { 200, 1, 7 }, { 200, 3, 0 },
};

/* Every message of the seeded conversations; the brute force reads them back. */
struct row {
	int64_t cid, seq, id, sender, at;
	int recalled;
	char text[64];
};

static int64_t rng = 12345;
static int next_rand(int n)
{
	rng = (rng * 1103515245 + 12345) % 2147483648;
	return (int)(rng % n);
}

static void random_text(char *out, size_t size)
{
	static const char *const pieces[] = { "考", "勤", "打", "卡", "a", "B", "b", " ", "👍", "了", "Ab", "\xE3\x80\x80" };
	size_t o = 0;
	int n = 1 + next_rand(8);
	for (int i = 0; i < n; i++) {
		const char *p = pieces[next_rand(sizeof(pieces) / sizeof(pieces[0]))];
		if (o + strlen(p) + 1 > size)
			break;
		memcpy(out + o, p, strlen(p));
		o += strlen(p);
	}
	out[o] = '\0';
	if (!o || out[0] == ' ')
		snprintf(out, size, "卡");
}

static int lower_holds(const char *text, const char *q)
{
	char *a = fold(text, NULL), *b = fold(q, NULL);
	int found = strstr(a, b) != NULL;
	free(a);
	free(b);
	return found;
}

static int64_t joined_of(int64_t cid, int64_t user)
{
	for (size_t i = 0; i < sizeof(seats) / sizeof(seats[0]); i++)
		if (seats[i].cid == cid && seats[i].user == user)
			return seats[i].joined;
	return -1;
}

static int by_id_desc(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The brute force: every message the search may return, newest first. */
static int expected(struct row *rows, int nrows, const struct im_search *s, const struct row **out)
{
	int n = 0;
	for (int i = 0; i < nrows; i++) {
		const struct row *m = &rows[i];
		int64_t joined = joined_of(m->cid, s->user_id);
		if (joined < 0 || m->seq <= joined || m->recalled || (s->conversation_id && m->cid != s->conversation_id) ||
		    (s->sender_id && m->sender != s->sender_id) || m->at < s->from || m->at > s->to || m->id >= s->before ||
		    !lower_holds(m->text, s->q))
			continue;
		out[n++] = m;
	}
	qsort(out, (size_t)n, sizeof(*out), by_id_desc);
	return n;
}

static void test_search__finds_what_a_full_reading_finds(void **state)
{
	struct store *st = *state;
	enum { NROWS = 400 };
	static struct row rows[NROWS];
	static const struct row *want[NROWS];
	seed(st);
	run(st, "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, joined_seq) VALUES"
		" (100, 10, 1, 0), (100, 10, 2, 0), (200, 10, 1, 7), (200, 10, 3, 0)");
	int64_t seqs[2] = { 0, 0 };
	for (int i = 0; i < NROWS; i++) {
		struct row *m = &rows[i];
		m->cid = next_rand(3) ? 100 : 200;
		m->seq = ++seqs[m->cid == 200];
		m->at = 1000 + i;
		m->id = m->at * 1000 + m->cid;
		m->sender = 1 + next_rand(3);
		random_text(m->text, sizeof(m->text));
		put(st, m->cid, m->seq, m->sender, m->at, m->text);
	}
	/* A message of another enterprise that holds everything. */
	put(st, 300, 1, 4, 5000, "考勤打卡了 ab AB 👍");
	/* Some are recalled the way post_recall does it. */
	for (int i = 0; i < NROWS; i += 9) {
		assert_int_equal(im_search_forget(st, rows[i].cid, rows[i].seq), 0);
		struct store_stmt *s = store_prepare(st, "UPDATE messages SET body = '{}', recalled_at = 1 WHERE conversation_id = ? AND seq = ?");
		store_bind_int(s, 1, rows[i].cid);
		store_bind_int(s, 2, rows[i].seq);
		assert_int_equal(store_run(s), STORE_DONE);
		rows[i].recalled = 1;
	}
	static const char *const queries[] = { "考勤", "考", "勤打卡", "a", "ab", "AB", "b a", "👍", "卡了", "卡 了", "考勤考勤", "zz" };
	struct im_search_hit hits[NROWS + 1];
	int checked = 0;
	for (size_t qi = 0; qi < sizeof(queries) / sizeof(queries[0]); qi++) {
		for (int variant = 0; variant < 6; variant++) {
			struct im_search s = { .eid = 10, .user_id = 1 + variant % 3, .q = queries[qi], .from = INT64_MIN,
					       .to = INT64_MAX, .before = INT64_MAX, .limit = 1 + variant * 7 };
			if (variant == 3)
				s.conversation_id = 200;
			if (variant == 4)
				s.sender_id = 2;
			if (variant == 5)
				s.from = 1100, s.to = 1300;
			int nwant = expected(rows, NROWS, &s, want), at = 0;
			/* Page through it all, each page starting below the last id of the one before. */
			for (int page = 0;; page++) {
				int n = im_search_run(st, &s, hits);
				assert_true(n >= 0 && n <= s.limit + 1);
				int shown = n > s.limit ? s.limit : n;
				for (int i = 0; i < shown; i++, at++) {
					if (at >= nwant || hits[i].id != want[at]->id)
						fail_msg("'%s' variant %d page %d: hit %d is %lld, expected %lld", s.q, variant, page, i,
							 (long long)hits[i].id, at < nwant ? (long long)want[at]->id : -1LL);
					assert_int_equal(hits[i].conversation_id, want[at]->cid);
					assert_int_equal(hits[i].seq, want[at]->seq);
				}
				if (n <= s.limit)
					break;
				s.before = hits[s.limit - 1].id;
			}
			if (at != nwant)
				fail_msg("'%s' variant %d: %d found, %d expected", queries[qi], variant, at, nwant);
			checked += nwant;
		}
	}
	assert_true(checked > 500); /* the queries do find things */
}

static void test_search__highlight_marks_each_occurrence(void **state)
{
	char *snippet;
	int64_t ranges[4][2];
	size_t n = im_search_highlight("今天考勤打卡了吗", "考勤", &snippet, ranges, 4);
	assert_string_equal(snippet, "今天考勤打卡了吗");
	assert_int_equal(n, 1);
	assert_int_equal(ranges[0][0], 2);
	assert_int_equal(ranges[0][1], 2);
	free(snippet);
	/* Either case; every occurrence, in characters (the emoji is one). */
	n = im_search_highlight("👍Meeting, meeting, MEETING", "meeting", &snippet, ranges, 4);
	assert_string_equal(snippet, "👍Meeting, meeting, MEETING");
	assert_int_equal(n, 3);
	assert_int_equal(ranges[0][0], 1);
	assert_int_equal(ranges[1][0], 10);
	assert_int_equal(ranges[2][0], 19);
	assert_int_equal(ranges[2][1], 7);
	free(snippet);
	/* A long text: a window around the first occurrence, cut with … on both sides. */
	char text[1024];
	int o = 0;
	for (int i = 0; i < 100; i++)
		o += snprintf(text + o, sizeof(text) - (size_t)o, "字");
	o += snprintf(text + o, sizeof(text) - (size_t)o, "考勤");
	for (int i = 0; i < 100; i++)
		o += snprintf(text + o, sizeof(text) - (size_t)o, "字");
	n = im_search_highlight(text, "考勤", &snippet, ranges, 4);
	assert_int_equal(n, 1);
	assert_int_equal(ranges[0][0], 1 + SNIPPET_BEFORE);
	assert_int_equal(strncmp(snippet, "…", 3), 0);
	assert_int_equal(strcmp(snippet + strlen(snippet) - 3, "…"), 0);
	assert_int_equal((int)chars_in(snippet, strlen(snippet)), SNIPPET_CHARS + 2);
	assert_int_equal(strncmp(snippet + 3 + 3 * SNIPPET_BEFORE, "考勤", 6), 0);
	free(snippet);
	/* Near the end: the window ends with the text and starts earlier to hold as much. */
	o = 3 * 102 + 3 * 5;
	text[o] = '\0';
	n = im_search_highlight(text, "考勤", &snippet, ranges, 4);
	assert_int_equal(n, 1);
	assert_int_equal(strncmp(snippet, "…", 3), 0);
	assert_int_equal((int)chars_in(snippet, strlen(snippet)), SNIPPET_CHARS + 1);
	assert_int_equal(ranges[0][0], 1 + SNIPPET_CHARS - 7);
	assert_int_equal(strcmp(snippet + strlen(snippet) - 3 * 5, "字字字字字"), 0);
	free(snippet);
	n = im_search_highlight(text + 3 * 90, "字", &snippet, ranges, 4);
	assert_int_equal(n, 4);
	assert_int_equal(ranges[0][0], 0);
	free(snippet);
}

/* The rebuild gives the rows the writer gave, and drops those of recalled messages. */
static void test_search__reindex_gives_what_the_writer_gave(void **state)
{
	struct store *st = *state;
	seed(st);
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		put(st, i % 2 ? 100 : 200, (int64_t)i + 1, 1, (int64_t)i, tricky[i]);
	run(st, "INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, kind, body, created_at)"
		" VALUES (100, 99, 99, 10, 0, 'rename', '{\"text\":\"not a member''s\"}', 0)");
	run(st, "CREATE TEMP TABLE before AS SELECT * FROM im_search_grams");
	run(st, "INSERT INTO im_search_grams VALUES (100, 'zz', 1), (200, 'stale', 3)");
	assert_int_equal(im_search_reindex(st, NULL, NULL), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM (SELECT * FROM im_search_grams EXCEPT SELECT * FROM before)"), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM (SELECT * FROM before EXCEPT SELECT * FROM im_search_grams)"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search__pairs_of_a_text),
		cmocka_unit_test_setup_teardown(test_search__every_removal_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search__finds_what_a_full_reading_finds, setup, teardown),
		cmocka_unit_test(test_search__highlight_marks_each_occurrence),
		cmocka_unit_test_setup_teardown(test_search__reindex_gives_what_the_writer_gave, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
