/*
 * An enterprise's own profile fields as the member routes see them: checking, storing and showing
 * a member's values (custom_field.h).  The definitions' routes are in custom_field_routes.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/org/custom_field.h"
#include "core/mem.h"
#include "core/banned.h"

const char *const custom_kind_names[4] = { "text", "number", "date", "choice" };

static enum custom_kind kind_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(custom_kind_names[i], s))
			return (enum custom_kind)i;
	return CUSTOM_TEXT;
}

static enum member_level level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(member_level_names[i], s))
			return (enum member_level)i;
	return MEMBER_LV_HIDDEN; /* an unknown stored level shows to the fewest */
}

void custom_field_write_values(struct store *st, int64_t eid, int64_t uid, enum member_level seen, struct jsonw *w)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT f.id, f.name_zh, f.name_en, f.level, v.value FROM member_custom_values v"
		" JOIN custom_fields f ON f.enterprise_id = v.enterprise_id AND f.id = v.field_id"
		" WHERE v.enterprise_id = ? AND v.user_id = ? ORDER BY f.sort, f.id");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	jsonw_open(w, "custom", '[');
	while (store_step(s) == STORE_ROW) {
		if (level_parse(store_col_text(s, 3)) > seen)
			continue;
		jsonw_open(w, NULL, '{');
		jsonw_id(w, "id", store_col_int(s, 0));
		jsonw_str(w, "name_zh", store_col_text(s, 1));
		jsonw_str(w, "name_en", store_col_text(s, 2));
		jsonw_str(w, "value", store_col_text(s, 4));
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

/* A decimal number: an optional minus, digits, and optionally a point and more digits. */
static int valid_number(const char *v)
{
	const char *p = v;
	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return !*p && p - v <= CUSTOM_NUMBER_MAX;
}

static int valid_choice(const char *options, const char *v)
{
	json_t *list = json_loads(options, 0, NULL), *o;
	size_t i;
	int found = 0;
	json_array_foreach(list, i, o)
		if (json_is_string(o) && !strcmp(json_string_value(o), v))
			found = 1;
	json_decref(list);
	return found;
}

int custom_field_valid(enum custom_kind kind, const char *options, const char *v)
{
	static const struct member_field date = { "date", MEMBER_K_DATE, 10, MEMBER_LV_EVERYONE, NULL };
	char unused[PHONE_E164_LEN];
	switch (kind) {
	case CUSTOM_NUMBER:
		return valid_number(v);
	case CUSTOM_DATE:
		return member_field_valid(&date, v, unused);
	case CUSTOM_CHOICE:
		return valid_choice(options, v);
	case CUSTOM_TEXT:
		break;
	}
	return 1;
}

/* One value of the "custom" object: field "custom.<key>" of eid, checked against its kind. */
static enum err check_value(struct req *r, int64_t eid, const char *key, json_t *v)
{
	char field[64], *options = NULL;
	int64_t fid;
	enum custom_kind kind = CUSTOM_TEXT;
	int found = 0;
	snprintf(field, sizeof(field), "custom.%.40s", key);
	if (!id_parse(key, &fid)) {
		struct store_stmt *s = store_prepare(r->app->st,
			"SELECT kind, options FROM custom_fields WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, fid);
		if ((found = store_step(s) == STORE_ROW)) {
			kind = kind_parse(store_col_text(s, 0));
			options = xstrdup(store_col_text(s, 1));
		}
		store_reset(s);
	}
	if (!found) {
		req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_UNKNOWN_FIELD, "no custom field '%.40s' in this enterprise", key);
	}
	enum err rc = ERR_OK;
	const char *text = json_string_value(v);
	if (!json_is_string(v)) {
		req_extra(r, "field", json_string(field));
		rc = req_fail(r, ERR_INVALID_TYPE, "field '%s' must be a string (\"\" clears it)", field);
	} else if (kind == CUSTOM_TEXT) {
		rc = org_check_text(r, field, text, CUSTOM_TEXT_MAX, 1);
	} else if (*text && !custom_field_valid(kind, options, text)) {
		static const char *const want[] = {
			[CUSTOM_TEXT] = "text",
			[CUSTOM_NUMBER] = "a decimal number such as 42 or -3.5",
			[CUSTOM_DATE] = "a date YYYY-MM-DD",
			[CUSTOM_CHOICE] = "one of the field's options",
		};
		req_extra(r, "field", json_string(field));
		rc = req_fail(r, ERR_INVALID_VALUE, "'%s' must be %s, not '%.64s'", field, want[kind], text);
	}
	free(options);
	return rc;
}

enum err custom_field_check_values(struct req *r, int64_t eid, json_t *custom)
{
	const char *key;
	json_t *v;
	enum err rc;
	json_object_foreach(custom, key, v)
		if ((rc = check_value(r, eid, key, v)))
			return rc;
	return ERR_OK;
}

int custom_field_store_values(struct store *st, int64_t eid, int64_t uid, json_t *custom, struct jsonw *names)
{
	const char *key;
	json_t *v;
	json_object_foreach(custom, key, v) {
		int64_t fid;
		char name[64];
		const char *text = json_string_value(v);
		if (id_parse(key, &fid) || !text)
			return -1; /* custom_field_check_values let it through: a programmer error */
		struct store_stmt *s;
		if (*text) {
			s = store_prepare(st, "INSERT INTO member_custom_values (enterprise_id, user_id, field_id, value)"
					      " VALUES (?, ?, ?, ?) ON CONFLICT (enterprise_id, user_id, field_id)"
					      " DO UPDATE SET value = excluded.value");
			store_bind_int(s, 1, eid);
			store_bind_int(s, 2, uid);
			store_bind_int(s, 3, fid);
			store_bind_text(s, 4, text, -1);
		} else {
			s = store_prepare(st, "DELETE FROM member_custom_values"
					      " WHERE enterprise_id = ? AND user_id = ? AND field_id = ?");
			store_bind_int(s, 1, eid);
			store_bind_int(s, 2, uid);
			store_bind_int(s, 3, fid);
		}
		if (store_run(s) != STORE_DONE)
			return -1;
		snprintf(name, sizeof(name), "custom.%s", key);
		jsonw_str(names, NULL, name);
	}
	return 0;
}
