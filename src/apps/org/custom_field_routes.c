/*
 * Custom field routes: the profile fields an enterprise defines for itself (name in Chinese and
 * English, kind, choices, who sees it, order), at most CUSTOM_FIELDS_MAX of them.  Any member
 * lists them; changing them needs the members right and is audited with ids and attribute names
 * only.  Members' values are set through PATCH …/members/{uid} (member_routes.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/org/custom_field.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/banned.h"

#define NAME_ZH_MAX 32
#define NAME_EN_MAX 64
#define OPTION_MAX 64
#define SORT_LIMIT 1000000

#define COLUMNS "SELECT id, name_zh, name_en, kind, options, level, sort, created_at, updated_at FROM custom_fields"

/* Writes the definition at the current row of s (COLUMNS). */
static void field_write(struct store_stmt *s, struct jsonw *w)
{
	const char *options = store_col_text(s, 4);
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", store_col_int(s, 0));
	jsonw_str(w, "name_zh", store_col_text(s, 1));
	jsonw_str(w, "name_en", store_col_text(s, 2));
	jsonw_str(w, "kind", store_col_text(s, 3));
	jsonw_raw(w, "options", options, strlen(options)); /* JSON this module wrote */
	jsonw_str(w, "level", store_col_text(s, 5));
	jsonw_int(w, "sort", store_col_int(s, 6));
	jsonw_time(w, "created_at", store_col_int(s, 7));
	jsonw_time(w, "updated_at", store_col_int(s, 8));
	jsonw_close(w, '}');
}

static enum err reply_field(struct req *r, int status, int64_t eid, int64_t fid)
{
	struct store_stmt *s = store_prepare(r->app->st, COLUMNS " WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, fid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_INTERNAL, "cannot read the custom field back");
	}
	struct jsonw w;
	jsonw_init(&w);
	field_write(s, &w);
	store_reset(s);
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* The field {fid} names in eid, with its kind; else custom_field_not_found. */
static enum err find_field(struct req *r, int64_t eid, int64_t *fid, enum custom_kind *kind)
{
	int found = 0;
	if (!id_parse(r->params[1], fid)) {
		struct store_stmt *s = store_prepare(r->app->st,
			"SELECT kind FROM custom_fields WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, *fid);
		if ((found = store_step(s) == STORE_ROW))
			for (int i = 0; i < 4; i++)
				if (!strcmp(custom_kind_names[i], store_col_text(s, 0)))
					*kind = (enum custom_kind)i;
		store_reset(s);
	}
	if (!found)
		return req_fail(r, ERR_CUSTOM_FIELD_NOT_FOUND, "no custom field '%.24s' in this enterprise", r->params[1]);
	return ERR_OK;
}

/* A definition as the body gives it: NULL or -1 for what is absent. */
struct definition {
	const char *name_zh, *name_en;
	int kind, level;
	char *options; /* JSON text, malloc'ed */
	int has_sort;
	int64_t sort;
};

/* invalid_value naming field; the rest as req_fail takes it. */
#define BAD(field, ...) (req_extra(r, "field", json_string(field)), req_fail(r, ERR_INVALID_VALUE, __VA_ARGS__))

/* The choices of a choice field: 1 to CUSTOM_OPTIONS_MAX distinct texts, kept in their order. */
static enum err check_options(struct req *r, json_t *list, char **out)
{
	size_t i, n = json_array_size(list);
	json_t *o;
	char field[32];
	if (n < 1 || n > CUSTOM_OPTIONS_MAX) {
		req_extra(r, "field", json_string("options"));
		return req_fail(r, ERR_INVALID_VALUE, "'options' must list 1 to %d choices", CUSTOM_OPTIONS_MAX);
	}
	json_array_foreach(list, i, o) {
		enum err rc;
		snprintf(field, sizeof(field), "options[%zu]", i);
		if (!json_is_string(o)) {
			req_extra(r, "field", json_string(field));
			return req_fail(r, ERR_INVALID_TYPE, "'%s' must be a string", field);
		}
		if ((rc = org_check_text(r, field, json_string_value(o), OPTION_MAX, 0)))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(json_string_value(json_array_get(list, j)), json_string_value(o)))
				return BAD(field, "the choice '%.64s' is listed twice", json_string_value(o));
	}
	*out = json_dumps(list, JSON_COMPACT);
	return ERR_OK;
}

/*
 * Reads and checks the body's definition.  stored_kind is the field's kind for a PATCH (which
 * cannot change it), -1 for a POST.  ERR_OK or the failure; d->options is the caller's to free.
 */
static enum err read_definition(struct req *r, int stored_kind, struct definition *d)
{
	enum err rc;
	json_t *options = json_object_get(r->body, "options"), *sort = json_object_get(r->body, "sort");
	const char *kind = req_str(r, "kind"), *level = req_str(r, "level");
	memset(d, 0, sizeof(*d));
	d->kind = d->level = -1;
	d->name_zh = req_str(r, "name_zh");
	d->name_en = req_str(r, "name_en");
	if ((d->name_zh && (rc = org_check_text(r, "name_zh", d->name_zh, NAME_ZH_MAX, 0))) ||
	    (d->name_en && (rc = org_check_text(r, "name_en", d->name_en, NAME_EN_MAX, 1))))
		return rc;
	for (int i = 0; kind && i < 4; i++)
		if (!strcmp(custom_kind_names[i], kind))
			d->kind = i;
	if (kind && d->kind < 0)
		return BAD("kind", "'kind' must be text, number, date or choice, not '%.16s'", kind);
	if (kind && stored_kind >= 0 && d->kind != stored_kind)
		return BAD("kind", "'kind' cannot change (the values were checked as %s): create a new field instead",
			   custom_kind_names[stored_kind]);
	int choice = (stored_kind >= 0 ? stored_kind : d->kind) == CUSTOM_CHOICE;
	if (options && !json_is_null(options)) {
		if (!choice)
			return BAD("options", "'options' belong to a field of kind choice only");
		if ((rc = check_options(r, options, &d->options)))
			return rc;
	} else if (choice && stored_kind < 0) {
		req_extra(r, "field", json_string("options"));
		return req_fail(r, ERR_MISSING_FIELD, "a field of kind choice needs its 'options'");
	}
	for (int i = 0; level && i < 4; i++)
		if (!strcmp(member_level_names[i], level))
			d->level = i;
	if (level && d->level < 0)
		return BAD("level", "'level' must be everyone, department, admins or hidden, not '%.16s'", level);
	if (sort && !json_is_null(sort)) {
		d->has_sort = 1;
		d->sort = json_integer_value(sort);
		if (d->sort < -SORT_LIMIT || d->sort > SORT_LIMIT) {
			req_extra(r, "field", json_string("sort"));
			return req_fail(r, ERR_INVALID_VALUE, "'sort' must be between %d and %d", -SORT_LIMIT, SORT_LIMIT);
		}
	}
	return ERR_OK;
}

static const struct field definition_spec[] = {
	{ "name_zh", F_STRING, 0 }, { "name_en", F_STRING, 0 }, { "kind", F_STRING, 0 },
	{ "options", F_ARRAY, 0 }, { "level", F_STRING, 0 }, { "sort", F_INT, 0 }, { 0 }
};

static enum err get_custom_fields(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL);
	if (rc)
		return rc;
	struct store_stmt *s = store_prepare(r->app->st, COLUMNS " WHERE enterprise_id = ? ORDER BY sort, id");
	store_bind_int(s, 1, eid);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "fields", '[');
	while (store_step(s) == STORE_ROW)
		field_write(s, &w);
	jsonw_close(&w, ']');
	jsonw_int(&w, "max", CUSTOM_FIELDS_MAX);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err post_custom_field(struct req *r)
{
	static const struct field required[] = { { "name_zh", F_STRING, 1 }, { "kind", F_STRING, 1 }, { "options", F_ARRAY, 0 },
		{ "name_en", F_STRING, 0 }, { "level", F_STRING, 0 }, { "sort", F_INT, 0 }, { 0 } };
	int64_t eid, fid = id_next(), now = clock_now_ms();
	struct store *st = r->app->st;
	struct definition d = { 0 };
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_MEMBERS, required, &eid, NULL)) || (rc = read_definition(r, -1, &d)))
		goto out;
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM custom_fields WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	int64_t n = store_step(s) == STORE_ROW ? store_col_int(s, 0) : -1;
	store_reset(s);
	if (n < 0) {
		rc = req_fail(r, ERR_INTERNAL, "cannot count the custom fields");
		goto out;
	}
	if (n >= CUSTOM_FIELDS_MAX) {
		rc = req_fail(r, ERR_CUSTOM_FIELD_LIMIT, "the enterprise has %d custom fields, the most it may have",
			      CUSTOM_FIELDS_MAX);
		goto out;
	}
	s = store_prepare(st, "INSERT INTO custom_fields (id, enterprise_id, name_zh, name_en, kind, options, level, sort,"
			      " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, fid);
	store_bind_int(s, 2, eid);
	store_bind_text(s, 3, d.name_zh, -1);
	store_bind_text(s, 4, d.name_en ? d.name_en : "", -1);
	store_bind_text(s, 5, custom_kind_names[d.kind], -1);
	store_bind_text(s, 6, d.options ? d.options : "[]", -1);
	store_bind_text(s, 7, member_level_names[d.level < 0 ? MEMBER_LV_EVERYONE : d.level], -1);
	store_bind_int(s, 8, d.has_sort ? d.sort : 0);
	store_bind_int(s, 9, now);
	store_bind_int(s, 10, now);
	if (store_run(s) != STORE_DONE) {
		rc = req_fail(r, ERR_INTERNAL, "cannot store the custom field");
		goto out;
	}
	char detail[160], id[ID_STR_LEN];
	snprintf(detail, sizeof(detail), "{\"enterprise\":\"%s\",\"kind\":\"%s\",\"level\":\"%s\"}", id_format(eid, id),
		 custom_kind_names[d.kind], member_level_names[d.level < 0 ? MEMBER_LV_EVERYONE : d.level]);
	if ((rc = org_audit(r, "enterprise.custom_field_create", 0, "custom_field", fid, detail)) || (rc = org_commit(r)))
		goto out;
	rc = reply_field(r, 201, eid, fid);
out:
	free(d.options);
	return rc;
}

/* Clears the values of a choice field that its new options no longer hold; the count, or -1. */
static int64_t clear_dropped_choices(struct store *st, int64_t eid, int64_t fid, const char *options)
{
	int64_t *users = NULL, n = 0, cap = 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id, value FROM member_custom_values WHERE enterprise_id = ? AND field_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, fid);
	while (store_step(s) == STORE_ROW) {
		if (custom_field_valid(CUSTOM_CHOICE, options, store_col_text(s, 1)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			users = xrealloc(users, (size_t)cap * sizeof(*users));
		}
		users[n++] = store_col_int(s, 0);
	}
	store_reset(s);
	for (int64_t i = 0; i < n; i++) {
		s = store_prepare(st, "DELETE FROM member_custom_values WHERE enterprise_id = ? AND field_id = ? AND user_id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, fid);
		store_bind_int(s, 3, users[i]);
		if (store_run(s) != STORE_DONE) {
			n = -1;
			break;
		}
	}
	free(users);
	return n;
}

/*
 * Changes what the body names; the kind never changes.  New options of a choice field clear the
 * values no longer among them (said in the audit entry as a count).
 */
static enum err patch_custom_field(struct req *r)
{
	int64_t eid, fid, cleared = 0;
	enum custom_kind kind = CUSTOM_TEXT;
	struct store *st = r->app->st;
	struct definition d = { 0 };
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_MEMBERS, definition_spec, &eid, NULL)) || (rc = find_field(r, eid, &fid, &kind)) ||
	    (rc = read_definition(r, (int)kind, &d)))
		goto out;
	struct store_stmt *s = store_prepare(st,
		"UPDATE custom_fields SET name_zh = COALESCE(?, name_zh), name_en = COALESCE(?, name_en),"
		" options = COALESCE(?, options), level = COALESCE(?, level), sort = COALESCE(?, sort), updated_at = ?"
		" WHERE enterprise_id = ? AND id = ?");
	store_bind_text(s, 1, d.name_zh, -1);
	store_bind_text(s, 2, d.name_en, -1);
	store_bind_text(s, 3, d.options, -1);
	store_bind_text(s, 4, d.level < 0 ? NULL : member_level_names[d.level], -1);
	if (d.has_sort)
		store_bind_int(s, 5, d.sort);
	else
		store_bind_null(s, 5);
	store_bind_int(s, 6, clock_now_ms());
	store_bind_int(s, 7, eid);
	store_bind_int(s, 8, fid);
	if (store_run(s) != STORE_DONE || (d.options && (cleared = clear_dropped_choices(st, eid, fid, d.options)) < 0)) {
		rc = req_fail(r, ERR_INTERNAL, "cannot store the custom field");
		goto out;
	}
	/* Attribute names and a count: the definition is the enterprise's, the values are not. */
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_id(&detail, "enterprise", eid);
	jsonw_open(&detail, "changed", '[');
	static const char *const attrs[] = { "name_zh", "name_en", "options", "level", "sort" };
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		json_t *v = json_object_get(r->body, attrs[i]);
		if (v && !json_is_null(v))
			jsonw_str(&detail, NULL, attrs[i]);
	}
	jsonw_close(&detail, ']');
	if (d.level >= 0)
		jsonw_str(&detail, "level", member_level_names[d.level]);
	if (d.options)
		jsonw_int(&detail, "values_cleared", cleared);
	jsonw_close(&detail, '}');
	rc = org_audit(r, "enterprise.custom_field_update", 0, "custom_field", fid, detail.buf);
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		goto out;
	rc = reply_field(r, 200, eid, fid);
out:
	free(d.options);
	return rc;
}

/* Deletes the field and every member's value of it. */
static enum err delete_custom_field(struct req *r)
{
	int64_t eid, fid;
	enum custom_kind kind;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)) ||
	    (rc = find_field(r, eid, &fid, &kind)))
		return rc;
	struct store_stmt *s = store_prepare(st, "DELETE FROM member_custom_values WHERE enterprise_id = ? AND field_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, fid);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot delete the custom field's values");
	int deleted = store_changes(st);
	s = store_prepare(st, "DELETE FROM custom_fields WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, fid);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot delete the custom field");
	char detail[96], id[ID_STR_LEN];
	snprintf(detail, sizeof(detail), "{\"enterprise\":\"%s\",\"values_deleted\":%d}", id_format(eid, id), deleted);
	if ((rc = org_audit(r, "enterprise.custom_field_delete", 0, "custom_field", fid, detail)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

const struct route custom_field_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/custom-fields", get_custom_fields, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/custom-fields", post_custom_field, ROUTE_AUTH },
	{ "PATCH", "/api/v1/enterprises/{eid}/custom-fields/{fid}", patch_custom_field, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/custom-fields/{fid}", delete_custom_field, ROUTE_AUTH },
	{ 0 }
};
