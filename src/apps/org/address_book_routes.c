/*
 * The address book (issue 4): an enterprise's departments level by level with the members sitting
 * directly in each, and a search of its members by name, pinyin, job number, title and phone.
 * Every member is written by member_write() as the viewer may see them, never as an audited full
 * view of someone else; a search matches a field only where the viewer sees that field of that
 * member, since a hit on a field they cannot see would disclose it.  Pending people are not
 * members and never appear.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "apps/org/dept.h"
#include "apps/org/member.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/phone.h"
#include "core/pinyin.h"
#include "core/banned.h"

#define QUERY_MAX_CHARS 64

/* The department an id text names in eid, else department_not_found naming department_id. */
static enum err find_department(struct req *r, int64_t eid, const char *text, int64_t *did)
{
	int found = id_parse(text, did) ? 0 : dept_exists(r->app->st, eid, *did);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	if (!found) {
		req_extra(r, "field", json_string("department_id"));
		return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, "no department '%.24s' in this enterprise", text);
	}
	return ERR_OK;
}

/* The ancestors of did, from the top of the tree down to its parent, as {id, name}. */
static void write_path(struct store *st, struct jsonw *w, int64_t eid, int64_t did)
{
	int64_t ids[DEPT_MAX_DEPTH];
	char *names[DEPT_MAX_DEPTH];
	int n = 0;
	struct store_stmt *s = store_prepare(st, "SELECT parent_id FROM departments WHERE enterprise_id = ? AND id = ?");
	struct store_stmt *p = store_prepare(st, "SELECT name, parent_id FROM departments WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	int64_t up = store_step(s) == STORE_ROW && !store_col_is_null(s, 0) ? store_col_int(s, 0) : 0;
	store_reset(s);
	/* A loop in stored data stops at DEPT_MAX_DEPTH rather than forever. */
	while (up && n < DEPT_MAX_DEPTH) {
		store_bind_int(p, 1, eid);
		store_bind_int(p, 2, up);
		if (store_step(p) != STORE_ROW) {
			store_reset(p);
			break;
		}
		ids[n] = up;
		names[n++] = xstrdup(store_col_text(p, 0));
		up = store_col_is_null(p, 1) ? 0 : store_col_int(p, 1);
		store_reset(p);
	}
	jsonw_open(w, "path", '[');
	for (int i = n - 1; i >= 0; i--) {
		jsonw_open(w, NULL, '{');
		jsonw_id(w, "id", ids[i]);
		jsonw_str(w, "name", names[i]);
		jsonw_close(w, '}');
		free(names[i]);
	}
	jsonw_close(w, ']');
}

struct dept_node {
	int64_t id, parent;
};

struct placement {
	size_t child;
	int64_t uid;
};

static int node_by_id(const void *a, const void *b)
{
	int64_t x = ((const struct dept_node *)a)->id, y = ((const struct dept_node *)b)->id;
	return x < y ? -1 : x > y;
}

static int placement_order(const void *a, const void *b)
{
	const struct placement *x = a, *y = b;
	if (x->child != y->child)
		return x->child < y->child ? -1 : 1;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/*
 * The member count of each of the n children of level did (0: the top): the people sitting in
 * the child or any department below it, each once however many of them they sit in.  Reads the
 * tree once and the placements of that part of it only, so a small branch costs little.
 */
static void count_children(struct store *st, int64_t eid, int64_t did, const int64_t *children, size_t n, int64_t *counts)
{
	struct dept_node *tree = NULL;
	struct placement *rows = NULL;
	size_t ntree = 0, cap = 0, nrows = 0, rcap = 0;
	struct store_stmt *s = store_prepare(st, "SELECT id, parent_id FROM departments WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	while (store_step(s) == STORE_ROW) {
		if (ntree == cap)
			tree = xrealloc(tree, (cap = cap ? 2 * cap : 64) * sizeof(*tree));
		tree[ntree].id = store_col_int(s, 0);
		tree[ntree++].parent = store_col_is_null(s, 1) ? 0 : store_col_int(s, 1);
	}
	store_reset(s);
	if (ntree > 1)
		qsort(tree, ntree, sizeof(*tree), node_by_id);
	s = store_prepare(st, "SELECT user_id FROM member_departments WHERE enterprise_id = ? AND department_id = ?");
	for (size_t i = 0; i < ntree; i++) {
		/* The child of the level this department lies under, if any: walk up to the level. */
		struct dept_node key = tree[i], *at = &key;
		int depth = 0;
		while (at && at->parent != did && depth++ < DEPT_MAX_DEPTH) {
			key.id = at->parent;
			at = at->parent ? bsearch(&key, tree, ntree, sizeof(*tree), node_by_id) : NULL;
		}
		if (!at || at->parent != did)
			continue;
		size_t child = 0;
		while (child < n && children[child] != at->id)
			child++;
		if (child == n)
			continue;
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, tree[i].id);
		while (store_step(s) == STORE_ROW) {
			if (nrows == rcap)
				rows = xrealloc(rows, (rcap = rcap ? 2 * rcap : 256) * sizeof(*rows));
			rows[nrows].child = child;
			rows[nrows++].uid = store_col_int(s, 0);
		}
		store_reset(s);
	}
	if (nrows > 1)
		qsort(rows, nrows, sizeof(*rows), placement_order);
	for (size_t i = 0; i < n; i++)
		counts[i] = 0;
	for (size_t i = 0; i < nrows; i++)
		if (!i || rows[i].child != rows[i - 1].child || rows[i].uid != rows[i - 1].uid)
			counts[rows[i].child]++;
	free(tree);
	free(rows);
}

/* The departments directly under did (0: the top), in their siblings' order, with their counts. */
static void write_children(struct store *st, struct jsonw *w, int64_t eid, int64_t did)
{
	struct store_stmt *s = did
		? store_prepare(st, "SELECT id, name FROM departments WHERE enterprise_id = ? AND parent_id = ? ORDER BY sort, id")
		: store_prepare(st, "SELECT id, name FROM departments WHERE enterprise_id = ? AND parent_id IS NULL ORDER BY sort, id");
	int64_t *ids = NULL, *counts;
	char **names = NULL;
	size_t n = 0, cap = 0;
	store_bind_int(s, 1, eid);
	if (did)
		store_bind_int(s, 2, did);
	while (store_step(s) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
			names = xrealloc(names, cap * sizeof(*names));
		}
		ids[n] = store_col_int(s, 0);
		names[n++] = xstrdup(store_col_text(s, 1));
	}
	store_reset(s);
	counts = xcalloc(n ? n : 1, sizeof(*counts));
	count_children(st, eid, did, ids, n, counts);
	jsonw_open(w, "departments", '[');
	for (size_t i = 0; i < n; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_id(w, "id", ids[i]);
		jsonw_str(w, "name", names[i]);
		jsonw_int(w, "member_count", counts[i]);
		jsonw_close(w, '}');
		free(names[i]);
	}
	jsonw_close(w, ']');
	free(ids);
	free(names);
	free(counts);
}

/*
 * One level of the tree: the department (none: the top), its ancestors, its sub-departments and
 * the members directly in it — at the top, those in no department — in pinyin order of their
 * names.  The cursor is the last member of the previous page; pages follow the same order.
 */
static enum err get_address_book(struct req *r)
{
	int64_t eid, did = 0, cursor, ids[101];
	int limit, n = 0;
	struct org_member me;
	struct member_viewer v;
	struct store *st = r->app->st;
	const char *dtext = req_query(r, "department_id");
	char *after_pinyin = NULL, *after_name = NULL;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) || (rc = req_page(r, &limit, &cursor)) ||
	    (dtext && (rc = find_department(r, eid, dtext, &did))))
		return rc;
	if (cursor) {
		struct store_stmt *c = store_prepare(st,
			"SELECT name_pinyin, name_in_enterprise FROM members WHERE enterprise_id = ? AND user_id = ?");
		store_bind_int(c, 1, eid);
		store_bind_int(c, 2, cursor);
		if (store_step(c) == STORE_ROW) {
			after_pinyin = xstrdup(store_col_text(c, 0));
			after_name = xstrdup(store_col_text(c, 1));
		}
		store_reset(c);
		if (!after_pinyin) {
			/* That member has left since: the client starts the level again. */
			req_extra(r, "field", json_string("cursor"));
			return req_fail(r, ERR_INVALID_VALUE, "cursor '%.24s' is not one this server gave", req_query(r, "cursor"));
		}
	}
	/* Rows after the cursor's (pinyin, name, user id); the first page starts before every row. */
	struct store_stmt *s = did
		? store_prepare(st,
			"SELECT m.user_id FROM member_departments md JOIN members m"
			" ON m.enterprise_id = md.enterprise_id AND m.user_id = md.user_id"
			" WHERE md.enterprise_id = ? AND md.department_id = ?"
			" AND (m.name_pinyin, m.name_in_enterprise, m.user_id) > (?, ?, ?)"
			" ORDER BY m.name_pinyin, m.name_in_enterprise, m.user_id LIMIT ?")
		: store_prepare(st,
			"SELECT m.user_id FROM members m WHERE m.enterprise_id = ? AND NOT EXISTS (SELECT 1 FROM"
			" member_departments md WHERE md.enterprise_id = m.enterprise_id AND md.user_id = m.user_id)"
			" AND (m.name_pinyin, m.name_in_enterprise, m.user_id) > (?, ?, ?)"
			" ORDER BY m.name_pinyin, m.name_in_enterprise, m.user_id LIMIT ?");
	int i = 1;
	store_bind_int(s, i++, eid);
	if (did)
		store_bind_int(s, i++, did);
	store_bind_text(s, i++, after_pinyin ? after_pinyin : "", -1);
	store_bind_text(s, i++, after_name ? after_name : "", -1);
	store_bind_int(s, i++, cursor);
	store_bind_int(s, i, limit + 1);
	while (n < limit + 1 && store_step(s) == STORE_ROW)
		ids[n++] = store_col_int(s, 0);
	store_reset(s);
	free(after_pinyin);
	free(after_name);

	member_viewer_load(st, eid, &me, &v);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	if (did) {
		struct store_stmt *d = store_prepare(st, "SELECT name FROM departments WHERE enterprise_id = ? AND id = ?");
		store_bind_int(d, 1, eid);
		store_bind_int(d, 2, did);
		jsonw_open(&w, "department", '{');
		jsonw_id(&w, "id", did);
		jsonw_str(&w, "name", store_step(d) == STORE_ROW ? store_col_text(d, 0) : "");
		jsonw_close(&w, '}');
		store_reset(d);
	} else {
		jsonw_null(&w, "department");
	}
	write_path(st, &w, eid, did);
	write_children(st, &w, eid, did);
	jsonw_open(&w, "members", '[');
	for (i = 0; i < n && i < limit; i++)
		member_write(r, &v, eid, ids[i], ids[i] == me.user_id, &w);
	jsonw_close(&w, ']');
	if (n > limit)
		jsonw_id(&w, "next_cursor", ids[limit - 1]);
	else
		jsonw_null(&w, "next_cursor");
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* How well a member matches, best first; disabled members come after every active one. */
enum rank {
	R_NAME_EXACT,   /* the name as typed */
	R_NAME_PREFIX,  /* the start of the name */
	R_PINYIN_EXACT, /* all of its pinyin or initials: "zhangsan", "zs" */
	R_PINYIN,       /* pinyin from the first character: "zhang", "zhs" */
	R_NAME_PART,    /* characters inside the name: 小明 */
	R_GIVEN,        /* pinyin from a later character, the given name: "xiaoming", "xm" */
	R_NUMBER,       /* the whole job number, or the account's mobile (administrators) */
	R_FIELD,        /* part of the job number, title or work phone */
	R_NONE,
};

/* What was typed, in the forms each field is matched in. */
struct query {
	const char *text;                    /* trimmed */
	char lower[4 * QUERY_MAX_CHARS + 1]; /* ASCII letters lowercased */
	char pinyin[QUERY_MAX_CHARS + 1];    /* pinyin_query(), or "" */
	char phone[QUERY_MAX_CHARS + 1];     /* digits, an optional leading '+', or "" */
	int64_t mobile_uid; /* the member whose account has this mobile, when the viewer may search by it */
	size_t job, title, work_phone; /* their visibility indexes */
};

/* The profile fields of a member that hold the query; whether the viewer sees them is asked later. */
enum field_match { FM_JOB = 1 << 0, FM_JOB_EXACT = 1 << 1, FM_TITLE = 1 << 2, FM_PHONE = 1 << 3 };

struct profile_hit {
	int64_t uid;
	unsigned fields; /* enum field_match */
};

struct hit {
	int64_t uid;
	int disabled;
	enum rank rank;
	char *pinyin, *name;
};

static void ascii_lower(const char *in, char *out, size_t size)
{
	size_t i = 0;
	for (; in[i] && i + 1 < size; i++)
		out[i] = in[i] >= 'A' && in[i] <= 'Z' ? (char)(in[i] - 'A' + 'a') : in[i];
	out[i] = '\0';
}

/* Where the lowercased needle starts in hay, ASCII case folded: 0 at the start, 1 further in, -1 nowhere. */
static int find_folded(const char *hay, const char *needle)
{
	for (const char *h = hay; *h; h++) {
		size_t i = 0;
		while (needle[i] && (h[i] >= 'A' && h[i] <= 'Z' ? h[i] - 'A' + 'a' : h[i]) == needle[i])
			i++;
		if (!needle[i])
			return h == hay ? 0 : 1;
	}
	return -1;
}

static int equal_folded(const char *a, const char *lowered)
{
	return strlen(a) == strlen(lowered) && find_folded(a, lowered) == 0;
}

/* Whether the letters of query appear in full in order. */
static int in_order(const char *full, const char *query)
{
	for (; *query; query++) {
		full = strchr(full, *query);
		if (!full++)
			return 0;
	}
	return 1;
}

/* The visibility index of a profile field. */
static size_t field_index(const char *name)
{
	const struct member_field *f = member_field_find(name);
	assert(f);
	return (size_t)(f - member_fields);
}

/* How the name and its stored pinyin keys match, R_NONE when they do not: no field to hide. */
static enum rank name_rank(const struct query *q, const char *name, const char *full, const char *initials)
{
	enum rank best = R_NONE;
	int at = find_folded(name, q->lower);
	if (at == 0)
		best = equal_folded(name, q->lower) ? R_NAME_EXACT : R_NAME_PREFIX;
	else if (at > 0)
		best = R_NAME_PART;
	/* Cheap tests first: pinyin_match_word() reads the name again, so only on rows that can match. */
	if (!q->pinyin[0] || best <= R_PINYIN_EXACT || !strchr(initials, q->pinyin[0]) || !in_order(full, q->pinyin))
		return best;
	if (!strcmp(full, q->pinyin) || !strcmp(initials, q->pinyin))
		return R_PINYIN_EXACT;
	int word = pinyin_match_word(name, q->pinyin);
	enum rank py = word == 0 ? R_PINYIN : word > 0 ? R_GIVEN : R_NONE;
	return py < best ? py : best;
}

/* How a member's profile matches for v: each field only where v sees it of that member. */
static enum rank field_rank(struct store *st, const struct member_viewer *v, const struct query *q, int64_t uid,
			    unsigned fields)
{
	if ((fields & FM_JOB) && member_sees(st, v, uid, q->job))
		return fields & FM_JOB_EXACT ? R_NUMBER : R_FIELD;
	if ((fields & FM_TITLE) && member_sees(st, v, uid, q->title))
		return R_FIELD;
	if ((fields & FM_PHONE) && member_sees(st, v, uid, q->work_phone))
		return R_FIELD;
	return R_NONE;
}

/* The profiles of eid with a field that holds the query, in user id order; the count to *n. */
static struct profile_hit *profile_hits(struct store *st, int64_t eid, const struct query *q, size_t *n)
{
	struct profile_hit *hits = NULL;
	size_t cap = 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id, job_number, title, work_phone FROM member_profiles WHERE enterprise_id = ? ORDER BY user_id");
	*n = 0;
	store_bind_int(s, 1, eid);
	while (store_step(s) == STORE_ROW) {
		const char *job = store_col_text(s, 1);
		unsigned fields = 0;
		if (find_folded(job, q->lower) >= 0)
			fields |= FM_JOB | (equal_folded(job, q->lower) ? FM_JOB_EXACT : 0);
		if (find_folded(store_col_text(s, 2), q->lower) >= 0)
			fields |= FM_TITLE;
		if (q->phone[0] && strstr(store_col_text(s, 3), q->phone))
			fields |= FM_PHONE;
		if (!fields)
			continue;
		if (*n == cap)
			hits = xrealloc(hits, (cap = cap ? 2 * cap : 64) * sizeof(*hits));
		hits[*n].uid = store_col_int(s, 0);
		hits[(*n)++].fields = fields;
	}
	store_reset(s);
	return hits;
}

static int by_uid(const void *key, const void *elem)
{
	int64_t a = *(const int64_t *)key, b = ((const struct profile_hit *)elem)->uid;
	return a < b ? -1 : a > b;
}

static int hit_order(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;
	int c;
	if (a->disabled != b->disabled)
		return a->disabled - b->disabled;
	if (a->rank != b->rank)
		return (int)a->rank - (int)b->rank;
	if ((c = strcmp(a->pinyin, b->pinyin)) || (c = strcmp(a->name, b->name)))
		return c;
	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

/* A number as typed, "139 0013-9000" or "+86139…": its digits with an optional '+', 3 or more. */
static void phone_part(const char *text, char *out, size_t size)
{
	size_t n = 0, digits = 0;
	for (const char *t = text; *t; t++) {
		if (*t == ' ' || *t == '-' || *t == '(' || *t == ')')
			continue;
		if (!((*t >= '0' && *t <= '9') || (*t == '+' && !n)) || n + 1 >= size) {
			n = digits = 0;
			break;
		}
		digits += *t != '+';
		out[n++] = *t;
	}
	out[digits >= 3 ? n : 0] = '\0';
}

/*
 * The member of eid whose account has the mobile typed, found by its blind index, when me may
 * search by it: an administrator with the members right over that member.  0 when none.
 */
static int64_t mobile_member(struct req *r, const struct org_member *me, int64_t eid, const char *text)
{
	char e164[PHONE_E164_LEN];
	uint8_t index[KEYRING_INDEX_LEN];
	if (!org_allows(me, ORG_RIGHT_MEMBERS) || phone_normalize(text, e164))
		return 0;
	keyring_index(r->app->kr, "phone", e164, index);
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT m.user_id FROM users u JOIN members m ON m.user_id = u.id AND m.enterprise_id = ?"
		" WHERE u.phone_index = ?");
	store_bind_int(s, 1, eid);
	store_bind_blob(s, 2, index, KEYRING_INDEX_LEN);
	int64_t uid = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	return uid && member_in_scope(r->app->st, me, uid) == 1 ? uid : 0;
}

/*
 * Reads q: 1 to 64 characters of UTF-8 text once the spaces around it are cut, else
 * invalid_value naming q.  Fills every form of it but mobile_uid.
 */
static enum err read_query(struct req *r, struct query *q, char *text, size_t size)
{
	const char *raw = req_query(r, "q");
	size_t n;
	if (!raw)
		raw = "";
	while (*raw == ' ')
		raw++;
	n = strlen(raw);
	while (n && raw[n - 1] == ' ')
		n--;
	if (n >= size) {
		req_extra(r, "field", json_string("q"));
		return req_fail(r, ERR_INVALID_VALUE, "'q' must be 1 to %d characters of text", QUERY_MAX_CHARS);
	}
	memcpy(text, raw, n);
	text[n] = '\0';
	enum err rc = org_check_text(r, "q", text, QUERY_MAX_CHARS, 0);
	if (rc)
		return rc;
	/* pinyin_keys() refuses only what is not UTF-8 when its buffers are as large as it says. */
	char *full = xmalloc(2 * n + 1), *initials = xmalloc(n + 1);
	int utf8 = !pinyin_keys(text, full, 2 * n + 1, initials, n + 1);
	free(full);
	free(initials);
	if (!utf8) {
		req_extra(r, "field", json_string("q"));
		return req_fail(r, ERR_INVALID_VALUE, "'q' is not UTF-8 text");
	}
	q->text = text;
	ascii_lower(text, q->lower, sizeof(q->lower));
	pinyin_query(text, q->pinyin, sizeof(q->pinyin));
	phone_part(text, q->phone, sizeof(q->phone));
	q->mobile_uid = 0;
	q->job = field_index("job_number");
	q->title = field_index("title");
	q->work_phone = field_index("work_phone");
	return ERR_OK;
}

/*
 * The search: one pass over the profiles of the enterprise notes whose job number, title or work
 * phone holds the query, one pass over its members ranks each by name, pinyin keys (the stored
 * ones; pinyin_match_word() only on rows whose keys can match) and those profile fields where the
 * viewer sees them.  Matching in C over two index scans costs less than LIKE over a join of the
 * two tables.  The hits are ranked, then paged by position: the cursor is how many came before.
 */
static enum err get_search(struct req *r)
{
	int64_t eid, cursor;
	int limit;
	struct org_member me;
	struct member_viewer v;
	struct store *st = r->app->st;
	struct query q;
	char text[4 * QUERY_MAX_CHARS + 1];
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) || (rc = req_page(r, &limit, &cursor)) ||
	    (rc = read_query(r, &q, text, sizeof(text))))
		return rc;
	q.mobile_uid = mobile_member(r, &me, eid, q.text);
	member_viewer_load(st, eid, &me, &v);

	size_t nprofiles, n = 0, cap = 0;
	struct profile_hit *profiles = profile_hits(st, eid, &q, &nprofiles), *ph;
	struct hit *hits = NULL;
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id, name_in_enterprise, name_pinyin, name_initials, status FROM members WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	while (store_step(s) == STORE_ROW) {
		int64_t uid = store_col_int(s, 0);
		enum rank rank = name_rank(&q, store_col_text(s, 1), store_col_text(s, 2), store_col_text(s, 3));
		if (rank > R_NUMBER && uid == q.mobile_uid) {
			rank = R_NUMBER;
		} else if (rank > R_NUMBER && (ph = bsearch(&uid, profiles, nprofiles, sizeof(*profiles), by_uid))) {
			enum rank field = field_rank(st, &v, &q, uid, ph->fields);
			if (field < rank)
				rank = field;
		}
		if (rank == R_NONE)
			continue;
		if (n == cap)
			hits = xrealloc(hits, (cap = cap ? 2 * cap : 64) * sizeof(*hits));
		hits[n].uid = uid;
		hits[n].name = xstrdup(store_col_text(s, 1));
		hits[n].pinyin = xstrdup(store_col_text(s, 2));
		hits[n].disabled = strcmp(store_col_text(s, 4), "active") != 0;
		hits[n++].rank = rank;
	}
	store_reset(s);
	free(profiles);
	if (n > 1)
		qsort(hits, n, sizeof(*hits), hit_order);

	struct jsonw w;
	size_t from = (uint64_t)cursor < n ? (size_t)cursor : n, to = from + (size_t)limit < n ? from + (size_t)limit : n;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "members", '[');
	for (size_t i = from; i < to; i++)
		member_write(r, &v, eid, hits[i].uid, hits[i].uid == me.user_id, &w);
	jsonw_close(&w, ']');
	if (to < n)
		jsonw_id(&w, "next_cursor", (int64_t)to);
	else
		jsonw_null(&w, "next_cursor");
	jsonw_close(&w, '}');
	for (size_t i = 0; i < n; i++) {
		free(hits[i].name);
		free(hits[i].pinyin);
	}
	free(hits);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

const struct route address_book_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/address-book", get_address_book, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/address-book/search", get_search, ROUTE_AUTH },
	{ 0 }
};
