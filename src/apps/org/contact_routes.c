/*
 * External contact routes: cards of customers and partners (list with search and tag filter,
 * create, read, edit, delete), shared by their owner with departments or colleagues, and the
 * enterprise's CSV export of all of them.  The people on the cards are third parties whose data
 * the enterprise controls (PP-09): they are exported with the enterprise's data, never with a
 * member's own, and a leaving member's cards pass to a colleague (contact_leave).
 */
#define _GNU_SOURCE /* memfd_create: the CSV is built in memory, then streamed */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "apps/org/contact.h"
#include "apps/org/dept.h"
#include "apps/org/member.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/banned.h"

#define MAX_VALUES 10  /* phones, e-mails of one card */
#define MAX_TAGS 20
#define TAG_MAX_CHARS 32
#define MAX_SHARES 64  /* departments, colleagues a card is shared with */
#define NOTES_MAX_CHARS 2000
#define Q_MAX_CHARS 64

/* The text fields of a card: name (the API key and the column), longest value, and its update. */
static const struct text_field {
	const char *name;
	int max;
	const char *update;
} texts[] = {
#define SET(c) "UPDATE external_contacts SET " c " = ? WHERE enterprise_id = ? AND id = ?"
	{ "name", 100, SET("name") },
	{ "company", 100, SET("company") },
	{ "title", 64, SET("title") },
	{ "address", 200, SET("address") },
	{ "notes", NOTES_MAX_CHARS, SET("notes") },
#undef SET
};
#define NTEXTS (sizeof(texts) / sizeof(texts[0]))

/* What a POST or PATCH body asks for, once checked; a list not given is NULL (or has_… 0). */
struct card_in {
	json_t *phones, *emails, *tags;
	int has_depts, has_colleagues;
	int64_t depts[MAX_SHARES], colleagues[MAX_SHARES];
	size_t ndepts, ncolleagues;
	int64_t owner; /* PATCH owner_id, else 0 */
};

static json_t *given(struct req *r, const char *name)
{
	json_t *v = json_object_get(r->body, name);
	return v && !json_is_null(v) ? v : NULL;
}

static enum err bad_value(struct req *r, const char *field)
{
	req_extra(r, "field", json_string(field));
	return ERR_INVALID_VALUE;
}

/* Notes may run over lines; other control characters are refused like everywhere else. */
static enum err check_notes(struct req *r, const char *v)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return req_fail(r, bad_value(r, "notes"), "'notes' may hold no control characters but line breaks and tabs");
		n += (*p & 0xc0) != 0x80;
	}
	if (n > NOTES_MAX_CHARS)
		return req_fail(r, bad_value(r, "notes"), "'notes' must be at most %d characters", NOTES_MAX_CHARS);
	return ERR_OK;
}

static enum err check_texts(struct req *r)
{
	enum err rc;
	for (size_t i = 0; i < NTEXTS; i++) {
		const char *v = req_str(r, texts[i].name);
		if (!v)
			continue;
		rc = !strcmp(texts[i].name, "notes") ? check_notes(r, v)
						     : org_check_text(r, texts[i].name, v, texts[i].max, strcmp(texts[i].name, "name") != 0);
		if (rc)
			return rc;
	}
	return ERR_OK;
}

/* Characters of UTF-8 text, or -1 on a control character. */
static int text_chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		n += (*p & 0xc0) != 0x80;
	}
	return n;
}

enum list_kind { LIST_PHONES, LIST_EMAILS, LIST_TAGS };

/*
 * A list of strings: phones (checked as a landline is: digits with + - ( ) and spaces), e-mails,
 * or tags (1 to 32 characters, each once).  Fails naming the field.
 */
static enum err check_list(struct req *r, const char *field, json_t *list, enum list_kind kind)
{
	size_t i, j, max = kind == LIST_TAGS ? MAX_TAGS : MAX_VALUES;
	json_t *v;
	enum err rc;
	if (json_array_size(list) > max)
		return req_fail(r, bad_value(r, field), "'%s' holds at most %zu entries", field, max);
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);
		char e164[PHONE_E164_LEN];
		if (!s) {
			req_extra(r, "field", json_string(field));
			return req_fail(r, ERR_INVALID_TYPE, "'%s' must be a list of strings", field);
		}
		if (kind == LIST_TAGS) {
			if ((rc = org_check_text(r, field, s, TAG_MAX_CHARS, 0)))
				return rc;
			for (j = 0; j < i; j++)
				if (!strcmp(s, json_string_value(json_array_get(list, j))))
					return req_fail(r, bad_value(r, field), "tag '%.32s' is given twice", s);
			continue;
		}
		const struct member_field *f = member_field_find(kind == LIST_PHONES ? "landline" : "email");
		int n = text_chars(s);
		if (n >= 1 && n <= f->max && member_field_valid(f, s, e164))
			continue;
		if (kind == LIST_PHONES)
			return req_fail(r, bad_value(r, field), "phone number '%.40s' is not valid", s);
		return req_fail(r, bad_value(r, field), "e-mail address '%.64s' is not valid", s);
	}
	return ERR_OK;
}

static int contains(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* shared_with: {"departments": [...], "colleagues": [...]}; a list given replaces the old one. */
static enum err parse_shares(struct req *r, int64_t eid, json_t *obj, struct card_in *in)
{
	static const struct field spec[] = { { "departments", F_ARRAY, 0 }, { "colleagues", F_ARRAY, 0 }, { 0 } };
	struct store *st = r->app->st;
	json_t *list, *v;
	size_t i;
	enum err rc = req_check_object(r, obj, "shared_with", spec);
	if (rc)
		return rc;
	if ((list = json_object_get(obj, "departments")) && !json_is_null(list)) {
		in->has_depts = 1;
		if (json_array_size(list) > MAX_SHARES)
			return req_fail(r, bad_value(r, "shared_with.departments"), "a card is shared with at most %d departments", MAX_SHARES);
		json_array_foreach(list, i, v) {
			const char *text = json_is_string(v) ? json_string_value(v) : "";
			int64_t did = 0;
			int found = id_parse(text, &did) ? 0 : dept_exists(st, eid, did);
			if (found < 0)
				return req_fail(r, ERR_INTERNAL, "cannot read the departments");
			if (!found) {
				req_extra(r, "field", json_string("shared_with.departments"));
				return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, "no department '%.24s' in this enterprise", text);
			}
			if (!contains(in->depts, in->ndepts, did))
				in->depts[in->ndepts++] = did;
		}
	}
	if ((list = json_object_get(obj, "colleagues")) && !json_is_null(list)) {
		in->has_colleagues = 1;
		if (json_array_size(list) > MAX_SHARES)
			return req_fail(r, bad_value(r, "shared_with.colleagues"), "a card is shared with at most %d colleagues", MAX_SHARES);
		json_array_foreach(list, i, v) {
			const char *text = json_is_string(v) ? json_string_value(v) : "";
			struct org_member m;
			int64_t uid = 0;
			int found = id_parse(text, &uid) ? 0 : org_member_get(st, eid, uid, &m);
			if (found < 0)
				return req_fail(r, ERR_INTERNAL, "cannot read the membership");
			if (!found || !m.active) {
				req_extra(r, "field", json_string("shared_with.colleagues"));
				return req_fail(r, ERR_MEMBER_NOT_FOUND, "no active member '%.24s' in this enterprise", text);
			}
			if (!contains(in->colleagues, in->ncolleagues, uid))
				in->colleagues[in->ncolleagues++] = uid;
		}
	}
	return ERR_OK;
}

/* Checks the whole body before anything is written, so a bad field changes nothing. */
static enum err parse_input(struct req *r, int64_t eid, struct card_in *in)
{
	json_t *v;
	enum err rc;
	memset(in, 0, sizeof(*in));
	if ((rc = check_texts(r)))
		return rc;
	if ((in->phones = given(r, "phones")) && (rc = check_list(r, "phones", in->phones, LIST_PHONES)))
		return rc;
	if ((in->emails = given(r, "emails")) && (rc = check_list(r, "emails", in->emails, LIST_EMAILS)))
		return rc;
	if ((in->tags = given(r, "tags")) && (rc = check_list(r, "tags", in->tags, LIST_TAGS)))
		return rc;
	if ((v = given(r, "shared_with")) && (rc = parse_shares(r, eid, v, in)))
		return rc;
	if ((v = given(r, "owner_id"))) {
		struct org_member m;
		const char *text = json_string_value(v);
		int found = id_parse(text, &in->owner) ? 0 : org_member_get(r->app->st, eid, in->owner, &m);
		if (found < 0)
			return req_fail(r, ERR_INTERNAL, "cannot read the membership");
		if (!found || !m.active) {
			req_extra(r, "field", json_string("owner_id"));
			return req_fail(r, ERR_MEMBER_NOT_FOUND, "no active member '%.24s' in this enterprise", text);
		}
	}
	return ERR_OK;
}

/* A list as the JSON text stored for it. */
static void list_text(json_t *list, struct jsonw *w)
{
	size_t i;
	json_t *v;
	jsonw_init(w);
	jsonw_open(w, NULL, '[');
	json_array_foreach(list, i, v)
		jsonw_str(w, NULL, json_string_value(v));
	jsonw_close(w, ']');
}

/* Writes the lists, shares and owner the body gave (the row exists).  0 or -1. */
static int store_lists(struct store *st, int64_t eid, int64_t cid, const struct card_in *in)
{
	struct store_stmt *s;
	struct jsonw w;
	size_t i;
	int ok = 1;
	if (in->phones) {
		/* The digits of each phone, space-separated: "138 0013 8000" is found by 13800138000. */
		char digits[MAX_VALUES * 40] = "";
		size_t n = 0;
		json_t *v;
		json_array_foreach(in->phones, i, v) {
			if (n)
				digits[n++] = ' ';
			for (const char *p = json_string_value(v); *p && n < sizeof(digits) - 2; p++)
				if (*p >= '0' && *p <= '9')
					digits[n++] = *p;
		}
		digits[n] = '\0';
		list_text(in->phones, &w);
		s = store_prepare(st, "UPDATE external_contacts SET phones = ?, phone_digits = ? WHERE enterprise_id = ? AND id = ?");
		store_bind_text(s, 1, w.buf, (int)w.len);
		store_bind_text(s, 2, digits, -1);
		store_bind_int(s, 3, eid);
		store_bind_int(s, 4, cid);
		ok = store_run(s) == STORE_DONE;
		jsonw_release(&w);
	}
	if (ok && in->emails) {
		list_text(in->emails, &w);
		s = store_prepare(st, "UPDATE external_contacts SET emails = ? WHERE enterprise_id = ? AND id = ?");
		store_bind_text(s, 1, w.buf, (int)w.len);
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, cid);
		ok = store_run(s) == STORE_DONE;
		jsonw_release(&w);
	}
	if (ok && in->tags) {
		s = store_prepare(st, "DELETE FROM external_contact_tags WHERE enterprise_id = ? AND contact_id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, cid);
		ok = store_run(s) == STORE_DONE;
		for (i = 0; ok && i < json_array_size(in->tags); i++) {
			s = store_prepare(st, "INSERT INTO external_contact_tags (enterprise_id, contact_id, sort, tag) VALUES (?, ?, ?, ?)");
			store_bind_int(s, 1, eid);
			store_bind_int(s, 2, cid);
			store_bind_int(s, 3, (int64_t)i);
			store_bind_text(s, 4, json_string_value(json_array_get(in->tags, i)), -1);
			ok = store_run(s) == STORE_DONE;
		}
	}
	if (ok && in->has_depts) {
		s = store_prepare(st, "DELETE FROM external_contact_departments WHERE enterprise_id = ? AND contact_id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, cid);
		ok = store_run(s) == STORE_DONE;
		for (i = 0; ok && i < in->ndepts; i++) {
			s = store_prepare(st,
				"INSERT INTO external_contact_departments (enterprise_id, contact_id, department_id) VALUES (?, ?, ?)");
			store_bind_int(s, 1, eid);
			store_bind_int(s, 2, cid);
			store_bind_int(s, 3, in->depts[i]);
			ok = store_run(s) == STORE_DONE;
		}
	}
	if (ok && in->has_colleagues) {
		s = store_prepare(st, "DELETE FROM external_contact_colleagues WHERE enterprise_id = ? AND contact_id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, cid);
		ok = store_run(s) == STORE_DONE;
		for (i = 0; ok && i < in->ncolleagues; i++) {
			s = store_prepare(st,
				"INSERT INTO external_contact_colleagues (enterprise_id, contact_id, colleague_id) VALUES (?, ?, ?)");
			store_bind_int(s, 1, eid);
			store_bind_int(s, 2, cid);
			store_bind_int(s, 3, in->colleagues[i]);
			ok = store_run(s) == STORE_DONE;
		}
	}
	if (ok && in->owner) {
		s = store_prepare(st, "UPDATE external_contacts SET owner_id = ? WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, in->owner);
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, cid);
		ok = store_run(s) == STORE_DONE;
	}
	return ok ? 0 : -1;
}

/* The ids one query gives (its first column), as a JSON array under key. */
static void write_ids(struct jsonw *w, const char *key, struct store_stmt *s, int64_t eid, int64_t cid)
{
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cid);
	jsonw_open(w, key, '[');
	while (store_step(s) == STORE_ROW)
		jsonw_id(w, NULL, store_col_int(s, 0));
	jsonw_close(w, ']');
}

/* The colleagues card cid of eid is shared with, each as a person (a name, not only an id). */
static void write_colleagues(struct store *st, const struct keyring *kr, int64_t eid, int64_t cid, struct jsonw *w)
{
	int64_t ids[MAX_SHARES];
	size_t n = 0;
	struct store_stmt *s = store_prepare(st, "SELECT colleague_id FROM external_contact_colleagues"
						 " WHERE enterprise_id = ? AND contact_id = ? ORDER BY colleague_id");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cid);
	while (n < MAX_SHARES && store_step(s) == STORE_ROW)
		ids[n++] = store_col_int(s, 0);
	store_reset(s);
	jsonw_open(w, "colleague_people", '[');
	for (size_t i = 0; i < n; i++)
		org_write_person(st, kr, eid, ids[i], NULL, w);
	jsonw_close(w, ']');
}

/* Writes card cid as me sees it (every field: whoever sees a card sees all of it).  0 or -1. */
static int card_write(struct store *st, const struct keyring *kr, const struct org_member *me, int64_t cid,
		      struct jsonw *w)
{
	int64_t eid = me->enterprise_id;
	struct store_stmt *s = store_prepare(st,
		"SELECT owner_id, name, company, title, phones, emails, address, notes, created_at, updated_at"
		" FROM external_contacts WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return -1;
	}
	int64_t owner = store_col_int(s, 0);
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", cid);
	jsonw_str(w, "name", store_col_text(s, 1));
	jsonw_str(w, "company", store_col_text(s, 2));
	jsonw_str(w, "title", store_col_text(s, 3));
	const char *phones = store_col_text(s, 4), *emails = store_col_text(s, 5);
	jsonw_raw(w, "phones", phones, strlen(phones));
	jsonw_raw(w, "emails", emails, strlen(emails));
	jsonw_str(w, "address", store_col_text(s, 6));
	struct store_stmt *t = store_prepare(st,
		"SELECT tag FROM external_contact_tags WHERE enterprise_id = ? AND contact_id = ? ORDER BY sort");
	store_bind_int(t, 1, eid);
	store_bind_int(t, 2, cid);
	jsonw_open(w, "tags", '[');
	while (store_step(t) == STORE_ROW)
		jsonw_str(w, NULL, store_col_text(t, 0));
	jsonw_close(w, ']');
	jsonw_str(w, "notes", store_col_text(s, 7));
	jsonw_id(w, "owner_id", owner);
	org_write_person(st, kr, eid, owner, "owner", w);
	jsonw_open(w, "shared_with", '{');
	write_ids(w, "departments", store_prepare(st,
		"SELECT department_id FROM external_contact_departments WHERE enterprise_id = ? AND contact_id = ?"
		" ORDER BY department_id"), eid, cid);
	write_ids(w, "colleagues", store_prepare(st,
		"SELECT colleague_id FROM external_contact_colleagues WHERE enterprise_id = ? AND contact_id = ?"
		" ORDER BY colleague_id"), eid, cid);
	write_colleagues(st, kr, eid, cid, w);
	jsonw_close(w, '}');
	jsonw_bool(w, "can_edit", owner == me->user_id || org_allows(me, ORG_RIGHT_MEMBERS));
	jsonw_time(w, "created_at", store_col_int(s, 8));
	jsonw_time(w, "updated_at", store_col_int(s, 9));
	jsonw_close(w, '}');
	store_reset(s);
	return 0;
}

static enum err reply_card(struct req *r, int status, const struct org_member *me, int64_t cid)
{
	struct jsonw w;
	jsonw_init(&w);
	if (card_write(r->app->st, r->app->kr, me, cid, &w)) {
		jsonw_release(&w);
		return req_fail(r, ERR_CONTACT_NOT_FOUND, NULL);
	}
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* The card {cid} names if me may see it, else contact_not_found; its owner to *owner. */
static enum err find_card(struct req *r, const struct org_member *me, int64_t *cid, int64_t *owner)
{
	struct store *st = r->app->st;
	int seen = id_parse(r->params[1], cid) ? 0 : contact_visible(st, me, *cid);
	if (seen < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the external contacts");
	if (!seen)
		return req_fail(r, ERR_CONTACT_NOT_FOUND, "no external contact '%.24s' you may see in this enterprise", r->params[1]);
	struct store_stmt *s = store_prepare(st, "SELECT owner_id FROM external_contacts WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, me->enterprise_id);
	store_bind_int(s, 2, *cid);
	*owner = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	return ERR_OK;
}

/* Changing a card is its owner's, or an administrator's with the members right. */
static enum err require_editor(struct req *r, const struct org_member *me, int64_t owner)
{
	if (owner == me->user_id || org_allows(me, ORG_RIGHT_MEMBERS))
		return ERR_OK;
	req_extra(r, "right", json_string(org_right_name(ORG_RIGHT_MEMBERS)));
	return req_fail(r, ERR_FORBIDDEN, "only the card's owner or an administrator with the 'members' right may change it");
}

/* q as a LIKE pattern: ASCII letters lowered (as SQL lower() does), % _ \ escaped, in %…%. */
static void like_pattern(const char *q, char *out, size_t cap)
{
	size_t n = 0;
	out[n++] = '%';
	for (; *q && n + 4 < cap; q++) {
		char c = *q >= 'A' && *q <= 'Z' ? (char)(*q - 'A' + 'a') : *q;
		if (c == '%' || c == '_' || c == '\\')
			out[n++] = '\\';
		out[n++] = c;
	}
	out[n++] = '%';
	out[n] = '\0';
}

/* The digits of q as a pattern when q looks like (part of) a phone number, else "". */
static void digits_pattern(const char *q, char *out, size_t cap)
{
	size_t n = 1, digits = 0;
	out[0] = '%';
	for (; *q && n + 2 < cap; q++) {
		if (*q >= '0' && *q <= '9')
			out[n++] = *q, digits++;
		else if (!strchr("+-() ", *q))
			break;
	}
	if (*q || digits < 3) {
		out[0] = '\0';
		return;
	}
	out[n++] = '%';
	out[n] = '\0';
}

/*
 * The cards the caller may see, by id, filtered by q (in the name, company, phones or tags) and
 * tag (exactly).  Whoever sees a card sees all of it, so the list shows whole cards.
 */
static enum err get_contacts(struct req *r)
{
	int64_t eid, cursor, ids[101];
	int limit, n = 0;
	struct org_member me;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) || (rc = req_page(r, &limit, &cursor)))
		return rc;
	const char *q = req_query(r, "q"), *tag = req_query(r, "tag");
	q = q ? q : "";
	tag = tag ? tag : "";
	int qn = text_chars(q), tn = text_chars(tag);
	if (qn < 0 || qn > Q_MAX_CHARS)
		return req_fail(r, bad_value(r, "q"), "'q' must be at most %d characters of text", Q_MAX_CHARS);
	if (tn < 0 || tn > TAG_MAX_CHARS)
		return req_fail(r, bad_value(r, "tag"), "'tag' must be at most %d characters of text", TAG_MAX_CHARS);
	char like[Q_MAX_CHARS * 8 + 4], digits[Q_MAX_CHARS * 4 + 4];
	like_pattern(q, like, sizeof(like));
	digits_pattern(q, digits, sizeof(digits));
	struct store_stmt *s = store_prepare(st,
		"WITH RECURSIVE mine (id) AS ("
		" SELECT department_id FROM member_departments WHERE enterprise_id = ? AND user_id = ?"
		" UNION SELECT d.parent_id FROM departments d JOIN mine ON d.id = mine.id"
		" WHERE d.enterprise_id = ? AND d.parent_id IS NOT NULL)"
		" SELECT c.id FROM external_contacts c WHERE c.enterprise_id = ? AND c.id > ?"
		" AND (? = 1 OR c.owner_id = ?"
		" OR EXISTS (SELECT 1 FROM external_contact_colleagues s WHERE s.enterprise_id = c.enterprise_id"
		" AND s.contact_id = c.id AND s.colleague_id = ?)"
		" OR EXISTS (SELECT 1 FROM external_contact_departments s WHERE s.enterprise_id = c.enterprise_id"
		" AND s.contact_id = c.id AND s.department_id IN (SELECT id FROM mine)))"
		" AND (? = '' OR lower(c.name) LIKE ? ESCAPE '\\' OR lower(c.company) LIKE ? ESCAPE '\\'"
		" OR (? <> '' AND c.phone_digits LIKE ?)"
		" OR EXISTS (SELECT 1 FROM external_contact_tags t WHERE t.enterprise_id = c.enterprise_id"
		" AND t.contact_id = c.id AND lower(t.tag) LIKE ? ESCAPE '\\'))"
		" AND (? = '' OR EXISTS (SELECT 1 FROM external_contact_tags t WHERE t.enterprise_id = c.enterprise_id"
		" AND t.contact_id = c.id AND t.tag = ?))"
		" ORDER BY c.id LIMIT ?");
	int i = 1;
	store_bind_int(s, i++, eid);
	store_bind_int(s, i++, me.user_id);
	store_bind_int(s, i++, eid);
	store_bind_int(s, i++, eid);
	store_bind_int(s, i++, cursor);
	store_bind_int(s, i++, org_allows(&me, ORG_RIGHT_MEMBERS));
	store_bind_int(s, i++, me.user_id);
	store_bind_int(s, i++, me.user_id);
	store_bind_text(s, i++, q, -1);
	store_bind_text(s, i++, like, -1);
	store_bind_text(s, i++, like, -1);
	store_bind_text(s, i++, digits, -1);
	store_bind_text(s, i++, digits, -1);
	store_bind_text(s, i++, like, -1);
	store_bind_text(s, i++, tag, -1);
	store_bind_text(s, i++, tag, -1);
	store_bind_int(s, i++, limit + 1);
	enum store_rc src;
	while (n < limit + 1 && (src = store_step(s)) == STORE_ROW)
		ids[n++] = store_col_int(s, 0);
	store_reset(s);
	if (n < limit + 1 && src != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot read the external contacts");
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "contacts", '[');
	for (int k = 0; k < n && k < limit; k++)
		card_write(st, r->app->kr, &me, ids[k], &w);
	req_page_reply(r, &w, n > limit ? ids[limit - 1] : 0);
	return ERR_OK;
}

static const struct field post_spec[] = {
	{ "name", F_STRING, 1 }, { "company", F_STRING, 0 }, { "title", F_STRING, 0 }, { "phones", F_ARRAY, 0 },
	{ "emails", F_ARRAY, 0 }, { "address", F_STRING, 0 }, { "tags", F_ARRAY, 0 }, { "notes", F_STRING, 0 },
	{ "shared_with", F_OBJECT, 0 }, { 0 }
};

/* A new card, held by its maker; private unless shared_with says otherwise. */
static enum err post_contact(struct req *r)
{
	int64_t eid, cid = id_next(), now = clock_now_ms();
	struct org_member me;
	struct card_in in;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require_body(r, ORG_MEMBER, post_spec, &eid, &me)) || (rc = parse_input(r, eid, &in)))
		return rc;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO external_contacts (enterprise_id, id, owner_id, name, company, title, address, notes,"
		" created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cid);
	store_bind_int(s, 3, me.user_id);
	for (size_t i = 0; i < NTEXTS; i++) {
		const char *v = req_str(r, texts[i].name);
		store_bind_text(s, 4 + (int)i, v ? v : "", -1);
	}
	store_bind_int(s, 9, now);
	store_bind_int(s, 10, now);
	if (store_run(s) != STORE_DONE || store_lists(st, eid, cid, &in))
		return req_fail(r, ERR_INTERNAL, "cannot store the external contact");
	if ((rc = org_audit(r, "contact.create", 0, "contact", cid, NULL)) || (rc = org_commit(r)))
		return rc;
	return reply_card(r, 201, &me, cid);
}

static enum err get_contact(struct req *r)
{
	int64_t eid, cid, owner;
	struct org_member me;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) || (rc = find_card(r, &me, &cid, &owner)))
		return rc;
	return reply_card(r, 200, &me, cid);
}

/* Fields absent stay; "" clears a text (not the name); a list given replaces the old one. */
static enum err patch_contact(struct req *r)
{
	static const struct field spec[] = {
		{ "name", F_STRING, 0 }, { "company", F_STRING, 0 }, { "title", F_STRING, 0 }, { "phones", F_ARRAY, 0 },
		{ "emails", F_ARRAY, 0 }, { "address", F_STRING, 0 }, { "tags", F_ARRAY, 0 }, { "notes", F_STRING, 0 },
		{ "shared_with", F_OBJECT, 0 }, { "owner_id", F_STRING, 0 }, { 0 }
	};
	int64_t eid, cid, owner;
	struct org_member me;
	struct card_in in;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require_body(r, ORG_MEMBER, spec, &eid, &me)) || (rc = find_card(r, &me, &cid, &owner)) ||
	    (rc = require_editor(r, &me, owner)) || (rc = parse_input(r, eid, &in)))
		return rc;
	int ok = 1;
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "fields", '[');
	for (size_t i = 0; ok && i < NTEXTS; i++) {
		const char *v = req_str(r, texts[i].name);
		if (!v)
			continue;
		struct store_stmt *s = store_prepare(st, texts[i].update);
		store_bind_text(s, 1, v, -1);
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, cid);
		ok = store_run(s) == STORE_DONE;
	}
	/* Names of the fields changed, never their values: the audit holds no one's data. */
	for (const struct field *f = spec; f->name; f++)
		if (given(r, f->name))
			jsonw_str(&detail, NULL, f->name);
	jsonw_close(&detail, ']');
	jsonw_close(&detail, '}');
	if (ok && !store_lists(st, eid, cid, &in)) {
		struct store_stmt *s = store_prepare(st, "UPDATE external_contacts SET updated_at = ? WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, clock_now_ms());
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, cid);
		ok = store_run(s) == STORE_DONE;
	} else {
		ok = 0;
	}
	rc = ok ? org_audit(r, "contact.update", 0, "contact", cid, detail.buf)
		: req_fail(r, ERR_INTERNAL, "cannot update the external contact");
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	return reply_card(r, 200, &me, cid);
}

static enum err delete_contact(struct req *r)
{
	/* The shares and tags first: one literal statement per table. */
	static const char *const sql[] = {
		"DELETE FROM external_contact_tags WHERE enterprise_id = ? AND contact_id = ?",
		"DELETE FROM external_contact_departments WHERE enterprise_id = ? AND contact_id = ?",
		"DELETE FROM external_contact_colleagues WHERE enterprise_id = ? AND contact_id = ?",
		"DELETE FROM external_contacts WHERE enterprise_id = ? AND id = ?",
	};
	int64_t eid, cid, owner;
	struct org_member me;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) ||
	    (rc = find_card(r, &me, &cid, &owner)) || (rc = require_editor(r, &me, owner)))
		return rc;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct store_stmt *s = store_prepare(r->app->st, sql[i]);
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, cid);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot delete the external contact");
	}
	if ((rc = org_audit(r, "contact.delete", 0, "contact", cid, NULL)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* ---- the enterprise's export: CSV for Excel ---- */

#define CSV_BUF (1 << 16)

/* CSV written to a file descriptor through one buffer; failed stays set after a failed write. */
struct csv {
	int fd, failed;
	size_t len, size;
	char buf[CSV_BUF];
};

static void csv_flush(struct csv *c)
{
	for (size_t done = 0; done < c->len && !c->failed;) {
		ssize_t n = write(c->fd, c->buf + done, c->len - done);
		if (n <= 0)
			c->failed = 1;
		else
			done += (size_t)n;
	}
	c->size += c->len;
	c->len = 0;
}

static void csv_put(struct csv *c, const char *s, size_t n)
{
	while (n) {
		size_t k = CSV_BUF - c->len < n ? CSV_BUF - c->len : n;
		memcpy(c->buf + c->len, s, k);
		c->len += k;
		s += k;
		n -= k;
		if (c->len == CSV_BUF)
			csv_flush(c);
	}
}

/*
 * One field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.  A
 * value starting with = + - @ or a tab would be taken by a spreadsheet for a formula (CSV
 * injection): it gets a leading apostrophe, so it shows as the text it is.
 */
static void csv_cell(struct csv *c, int first, const char *s)
{
	int formula = *s && strchr("=+-@\t\r", *s);
	int quote = formula || strpbrk(s, ",\"\r\n");
	if (!first)
		csv_put(c, ",", 1);
	if (quote)
		csv_put(c, "\"", 1);
	if (formula)
		csv_put(c, "'", 1);
	const char *run = s;
	for (const char *p = s;; p++) {
		if (*p && *p != '"')
			continue;
		csv_put(c, run, (size_t)(p - run));
		if (!*p)
			break;
		csv_put(c, "\"\"", 2);
		run = p + 1;
	}
	if (quote)
		csv_put(c, "\"", 1);
}

/* Appends "; "-separated values: a stored JSON list, or the first column of a query's rows. */
struct joined {
	char *buf;
	size_t len, cap;
};

static void join_add(struct joined *j, const char *s)
{
	size_t n = strlen(s), need = j->len + n + 3;
	if (need > j->cap)
		j->buf = xrealloc(j->buf, j->cap = need * 2);
	if (j->len) {
		memcpy(j->buf + j->len, "; ", 2);
		j->len += 2;
	}
	memcpy(j->buf + j->len, s, n + 1);
	j->len += n;
}

static void join_json(struct joined *j, const char *text)
{
	json_t *list = json_loads(text, 0, NULL), *v;
	size_t i;
	json_array_foreach(list, i, v)
		if (json_is_string(v))
			join_add(j, json_string_value(v));
	json_decref(list);
}

static void join_rows(struct joined *j, struct store_stmt *s, int64_t eid, int64_t cid)
{
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cid);
	while (store_step(s) == STORE_ROW)
		join_add(j, store_col_text(s, 0));
}

static const char *const csv_header[] = {
	"编号 ID", "姓名 Name", "公司 Company", "职位 Title", "电话 Phones", "邮箱 E-mails", "地址 Address",
	"标签 Tags", "备注 Notes", "负责人 Owner", "负责人编号 Owner ID", "共享部门 Shared with departments",
	"共享同事 Shared with colleagues", "创建时间 Created (UTC)", "更新时间 Updated (UTC)",
};

/* Writes every card of eid; the number of cards to *rows.  0, or -1 when the store fails. */
static int write_csv(struct store *st, int64_t eid, struct csv *c, int64_t *rows)
{
	static const char bom[] = "\xEF\xBB\xBF"; /* so Excel reads the file as UTF-8 */
	csv_put(c, bom, 3);
	for (size_t i = 0; i < sizeof(csv_header) / sizeof(csv_header[0]); i++)
		csv_cell(c, i == 0, csv_header[i]);
	csv_put(c, "\r\n", 2);
	struct store_stmt *s = store_prepare(st,
		"SELECT c.id, c.name, c.company, c.title, c.phones, c.emails, c.address, c.notes, c.owner_id,"
		" m.name_in_enterprise, c.created_at, c.updated_at FROM external_contacts c"
		" LEFT JOIN members m ON m.enterprise_id = c.enterprise_id AND m.user_id = c.owner_id"
		" WHERE c.enterprise_id = ? ORDER BY c.id");
	store_bind_int(s, 1, eid);
	enum store_rc rc;
	*rows = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t cid = store_col_int(s, 0);
		char id[ID_STR_LEN], owner[ID_STR_LEN], created[CLOCK_RFC3339_LEN], updated[CLOCK_RFC3339_LEN];
		struct joined phones = { 0 }, emails = { 0 }, tags = { 0 }, depts = { 0 }, people = { 0 };
		join_json(&phones, store_col_text(s, 4));
		join_json(&emails, store_col_text(s, 5));
		join_rows(&tags, store_prepare(st,
			"SELECT tag FROM external_contact_tags WHERE enterprise_id = ? AND contact_id = ? ORDER BY sort"), eid, cid);
		join_rows(&depts, store_prepare(st,
			"SELECT d.name FROM external_contact_departments s JOIN departments d"
			" ON d.enterprise_id = s.enterprise_id AND d.id = s.department_id"
			" WHERE s.enterprise_id = ? AND s.contact_id = ? ORDER BY d.id"), eid, cid);
		join_rows(&people, store_prepare(st,
			"SELECT m.name_in_enterprise FROM external_contact_colleagues s JOIN members m"
			" ON m.enterprise_id = s.enterprise_id AND m.user_id = s.colleague_id"
			" WHERE s.enterprise_id = ? AND s.contact_id = ? ORDER BY s.colleague_id"), eid, cid);
		const char *cells[] = {
			id_format(cid, id), store_col_text(s, 1), store_col_text(s, 2), store_col_text(s, 3),
			phones.buf ? phones.buf : "", emails.buf ? emails.buf : "", store_col_text(s, 6),
			tags.buf ? tags.buf : "", store_col_text(s, 7), store_col_text(s, 9),
			id_format(store_col_int(s, 8), owner), depts.buf ? depts.buf : "", people.buf ? people.buf : "",
			clock_format(store_col_int(s, 10), created), clock_format(store_col_int(s, 11), updated),
		};
		_Static_assert(sizeof(cells) / sizeof(cells[0]) == sizeof(csv_header) / sizeof(csv_header[0]),
			       "one cell per header");
		for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
			csv_cell(c, i == 0, cells[i]);
		csv_put(c, "\r\n", 2);
		free(phones.buf);
		free(emails.buf);
		free(tags.buf);
		free(depts.buf);
		free(people.buf);
		(*rows)++;
	}
	csv_flush(c);
	return rc == STORE_DONE && !c->failed ? 0 : -1;
}

/*
 * Every card of the enterprise as CSV, for the privacy or members right: the enterprise's copy of
 * the third parties' data it controls.  The export is audited, so this read leaves the read
 * snapshot and runs in a write transaction: the entry and the file go together or not at all.
 */
static enum err get_export(struct req *r)
{
	int64_t eid, rows;
	struct org_member me;
	struct store *st = r->app->st;
	enum err rc;
	store_end_read(st);
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)))
		return rc;
	if (!org_allows(&me, ORG_RIGHT_PRIVACY) && !org_allows(&me, ORG_RIGHT_MEMBERS)) {
		req_extra(r, "right", json_string(org_right_name(ORG_RIGHT_PRIVACY)));
		return req_fail(r, ERR_FORBIDDEN, "this needs the 'privacy' or the 'members' right");
	}
	struct csv *c = xmalloc(sizeof(*c));
	c->failed = 0;
	c->len = c->size = 0;
	/* In memory, never in a file of the data folder that could outlive the request. */
	c->fd = memfd_create("atrium-external-contacts", MFD_CLOEXEC);
	if (c->fd < 0 || write_csv(st, eid, c, &rows)) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return req_fail(r, ERR_INTERNAL, "cannot write the export");
	}
	int fd = c->fd;
	size_t size = c->size;
	free(c);
	char detail[48], disposition[96], id[ID_STR_LEN];
	snprintf(detail, sizeof(detail), "{\"rows\":%lld}", (long long)rows);
	if ((rc = org_audit(r, "contact.export", 0, "enterprise", eid, detail)) || (rc = org_commit(r))) {
		close(fd);
		return rc;
	}
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"external-contacts-%s.csv\"", id_format(eid, id));
	req_set_header(r, "content-disposition", disposition);
	req_set_header(r, "x-content-type-options", "nosniff");
	req_send_file(r, 200, "text/csv; charset=utf-8", fd, size);
	return ERR_OK;
}

/* ---- leaving: the cards go to a colleague (contact.h) ---- */

enum err contact_leave(struct req *r, int64_t eid, int64_t from, const char *handover_to)
{
	struct store *st = r->app->st;
	int64_t to;
	if (handover_to) {
		struct org_member m;
		int found = id_parse(handover_to, &to) ? 0 : org_member_get(st, eid, to, &m);
		if (found < 0)
			return req_fail(r, ERR_INTERNAL, "cannot read the membership");
		if (!found || !m.active || to == from) {
			req_extra(r, "field", json_string("handover_to"));
			return req_fail(r, ERR_HANDOVER_TARGET_INVALID,
					"'handover_to' must name an active member of this enterprise other than the one leaving, not '%.24s'",
					handover_to);
		}
	} else if ((to = contact_heir(st, eid, from)) < 0) {
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	}
	struct store_stmt *s = store_prepare(st,
		"SELECT count(*) FROM external_contact_colleagues WHERE enterprise_id = ? AND colleague_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, from);
	int64_t shares = store_step(s) == STORE_ROW ? store_col_int(s, 0) : -1;
	store_reset(s);
	int cards = shares < 0 ? -1 : contact_handover(st, eid, from, to);
	if (cards < 0)
		return req_fail(r, ERR_INTERNAL, "cannot hand the external contacts over");
	if (!cards && !shares)
		return ERR_OK;
	/* The recipient is the subject (the leaver is the subject of member.leave or member.remove,
	 * appended in the same transaction); the detail holds counts, never what the cards say. */
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"cards\":%d,\"shares_dropped\":%lld}", cards, (long long)shares);
	return org_audit(r, "contact.handover", to, "enterprise", eid, detail);
}

const struct route contact_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/external-contacts", get_contacts, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/external-contacts", post_contact, ROUTE_AUTH },
	/* before {cid}: the first pattern that matches serves */
	{ "GET", "/api/v1/enterprises/{eid}/external-contacts/export", get_export, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/external-contacts/{cid}", get_contact, ROUTE_AUTH },
	{ "PATCH", "/api/v1/enterprises/{eid}/external-contacts/{cid}", patch_contact, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/external-contacts/{cid}", delete_contact, ROUTE_AUTH },
	{ 0 }
};
