/*
 * Members as the enterprise holds them and who sees what of them: see member.h.
 */
#include <stdlib.h>
#include <string.h>
#include "apps/org/dept.h"
#include "apps/org/custom_field.h"
#include "apps/org/member.h"
#include "apps/org/photo.h"
#include "privacy/privacy.h"
#include "core/banned.h"

const char *const member_level_names[4] = { "everyone", "department", "admins", "hidden" };

#define SET(col) "UPDATE member_profiles SET " col " = ? WHERE enterprise_id = ? AND user_id = ?"

/* The profile's fields in the order of the SELECT below, with their checks and default levels. */
const struct member_field member_fields[MEMBER_NFIELDS] = {
	{ "gender", MEMBER_K_GENDER, 16, MEMBER_LV_EVERYONE, SET("gender") },
	{ "work_phone", MEMBER_K_MOBILE, 16, MEMBER_LV_DEPARTMENT, SET("work_phone") },
	{ "landline", MEMBER_K_PHONE, 32, MEMBER_LV_EVERYONE, SET("landline") },
	{ "email", MEMBER_K_EMAIL, 254, MEMBER_LV_EVERYONE, SET("email") },
	{ "position", MEMBER_K_TEXT, 64, MEMBER_LV_EVERYONE, SET("position") },
	{ "rank", MEMBER_K_TEXT, 64, MEMBER_LV_ADMINS, SET("rank") },
	{ "title", MEMBER_K_TEXT, 64, MEMBER_LV_EVERYONE, SET("title") },
	{ "job_number", MEMBER_K_TEXT, 32, MEMBER_LV_ADMINS, SET("job_number") },
	{ "office_seat", MEMBER_K_TEXT, 64, MEMBER_LV_DEPARTMENT, SET("office_seat") },
	{ "fax", MEMBER_K_PHONE, 32, MEMBER_LV_EVERYONE, SET("fax") },
	{ "work_signature", MEMBER_K_TEXT, 200, MEMBER_LV_EVERYONE, SET("work_signature") },
	{ "hire_date", MEMBER_K_DATE, 10, MEMBER_LV_ADMINS, SET("hire_date") },
};
const char *member_vis_name(size_t i)
{
	return i == MEMBER_MOBILE ? "mobile" : member_fields[i].name;
}

const struct member_field *member_field_find(const char *name)
{
	for (size_t i = 0; i < MEMBER_NFIELDS; i++)
		if (!strcmp(member_fields[i].name, name))
			return &member_fields[i];
	return NULL;
}

/* The enterprise's levels (defaults where it set none) and its show_mobile setting. */
void member_levels_load(struct store *st, int64_t eid, enum member_level *levels, int *show_mobile)
{
	for (size_t i = 0; i < MEMBER_NVIS; i++)
		levels[i] = i == MEMBER_MOBILE ? MEMBER_LV_EVERYONE : member_fields[i].def;
	struct store_stmt *s = store_prepare(st, "SELECT field, level FROM field_visibility WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	while (store_step(s) == STORE_ROW)
		for (size_t i = 0; i < MEMBER_NVIS; i++)
			if (!strcmp(member_vis_name(i), store_col_text(s, 0)))
				for (int l = 0; l < 4; l++)
					if (!strcmp(member_level_names[l], store_col_text(s, 1)))
						levels[i] = (enum member_level)l;
	s = store_prepare(st, "SELECT show_mobile FROM enterprises WHERE id = ?");
	store_bind_int(s, 1, eid);
	*show_mobile = store_step(s) == STORE_ROW && store_col_int(s, 0);
	store_reset(s);
}

void member_viewer_load(struct store *st, int64_t eid, const struct org_member *me, struct member_viewer *v)
{
	int64_t primary;
	v->me = *me;
	v->ndepts = dept_of_member(st, eid, me->user_id, v->depts, MEMBER_MAX_DEPTS, &primary);
	member_levels_load(st, eid, v->levels, &v->show_mobile);
}

/* Whether me may manage uid: scope "all", or uid sits in a department of me's scope.  1, 0, -1. */
int member_in_scope(struct store *st, const struct org_member *me, int64_t uid)
{
	int64_t ids[MEMBER_MAX_DEPTS], primary;
	if (me->scope_all)
		return 1;
	size_t n = dept_of_member(st, me->enterprise_id, uid, ids, MEMBER_MAX_DEPTS, &primary);
	for (size_t i = 0; i < n; i++) {
		int in = dept_in_scope(st, me, ids[i]);
		if (in)
			return in;
	}
	return 0;
}

/* The widest level v sees of a member in depts: full views see even hidden fields. */
enum member_level member_seen_level(const struct member_viewer *v, int full, const int64_t *depts, size_t n)
{
	if (full)
		return MEMBER_LV_HIDDEN;
	if (v->me.role != ORG_ROLE_MEMBER)
		return MEMBER_LV_ADMINS;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < v->ndepts; j++)
			if (depts[i] == v->depts[j])
				return MEMBER_LV_DEPARTMENT;
	return MEMBER_LV_EVERYONE;
}

int member_sees(struct store *st, const struct member_viewer *v, int64_t uid, size_t i)
{
	int64_t depts[MEMBER_MAX_DEPTS], primary;
	if (v->levels[i] == MEMBER_LV_EVERYONE)
		return 1;
	if (member_full_view(st, &v->me, uid))
		return 1;
	size_t n = dept_of_member(st, v->me.enterprise_id, uid, depts, MEMBER_MAX_DEPTS, &primary);
	return v->levels[i] <= member_seen_level(v, 0, depts, n);
}

/* The account's mobile number, opened from its sealed column; malloc'ed, NULL when erased. */
static char *account_mobile(struct req *r, int64_t uid)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT u.phone_sealed, k.wrapped FROM users u LEFT JOIN subject_keys k ON k.subject_id = u.id"
		" WHERE u.id = ?");
	store_bind_int(s, 1, uid);
	char *phone = NULL;
	if (store_step(s) == STORE_ROW) {
		size_t len, wlen;
		const uint8_t *sealed = store_col_blob(s, 0, &len), *wrapped = store_col_blob(s, 1, &wlen);
		phone = subject_open_with(r->app->kr, uid, wrapped, wlen, "users.phone", sealed, len);
	}
	store_reset(s);
	return phone;
}

/*
 * Writes the member as v sees them (full: every field, the mobile unmasked).  0, or -1 when uid
 * is no member of eid.
 */
int member_write(struct req *r, const struct member_viewer *v, int64_t eid, int64_t uid, int full, struct jsonw *w)
{
	struct store *st = r->app->st;
	int64_t depts[MEMBER_MAX_DEPTS], primary;
	size_t n = dept_of_member(st, eid, uid, depts, MEMBER_MAX_DEPTS, &primary);
	enum member_level seen = member_seen_level(v, full, depts, n);
	char *mobile = v->levels[MEMBER_MOBILE] <= seen ? account_mobile(r, uid) : NULL;
	struct store_stmt *s = store_prepare(st,
		"SELECT m.name_in_enterprise, m.role, m.status, m.joined_at, p.gender, p.work_phone, p.landline,"
		" p.email, p.position, p.rank, p.title, p.job_number, p.office_seat, p.fax, p.work_signature,"
		" p.hire_date FROM members m LEFT JOIN member_profiles p"
		" ON p.enterprise_id = m.enterprise_id AND p.user_id = m.user_id"
		" WHERE m.enterprise_id = ? AND m.user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		free(mobile);
		return -1;
	}
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "user_id", uid);
	jsonw_str(w, "name_in_enterprise", store_col_text(s, 0));
	jsonw_str(w, "role", store_col_text(s, 1));
	jsonw_str(w, "status", store_col_text(s, 2));
	jsonw_time(w, "joined_at", store_col_int(s, 3));
	jsonw_open(w, "departments", '[');
	for (size_t i = 0; i < n; i++)
		jsonw_id(w, NULL, depts[i]);
	jsonw_close(w, ']');
	if (primary)
		jsonw_id(w, "primary_department", primary);
	else
		jsonw_null(w, "primary_department");
	jsonw_str(w, "view", full ? "full" : member_level_names[seen]);
	for (size_t i = 0; i < MEMBER_NFIELDS; i++)
		if (v->levels[i] <= seen)
			jsonw_str(w, member_fields[i].name, store_col_text(s, 4 + (int)i));
	store_reset(s);
	/* The enterprise's own fields obey the same levels, each its own. */
	custom_field_write_values(st, eid, uid, seen, w);
	/* Any member may fetch the photo (…/members/{uid}/photo): say whether there is one. */
	jsonw_bool(w, "photo", photo_exists(st, eid, uid));
	if (v->levels[MEMBER_MOBILE] <= seen) {
		/* PP-26: masked unless the enterprise allows it, or the viewer is its administrator. */
		char masked[PHONE_E164_LEN];
		if (mobile && !v->show_mobile && seen < MEMBER_LV_ADMINS) {
			phone_mask(mobile, masked);
			jsonw_str(w, "mobile", masked);
		} else {
			jsonw_str(w, "mobile", mobile);
		}
		jsonw_bool(w, "mobile_masked", mobile && !v->show_mobile && seen < MEMBER_LV_ADMINS);
	}
	jsonw_close(w, '}');
	free(mobile);
	return 0;
}

/* Whether me sees uid's full profile: themself, or holding the members right over them. */
int member_full_view(struct store *st, const struct org_member *me, int64_t uid)
{
	if (me->user_id == uid)
		return 1;
	return org_allows(me, ORG_RIGHT_MEMBERS) && member_in_scope(st, me, uid) == 1;
}
static int leap(int y)
{
	return (y % 4 == 0 && y % 100) || y % 400 == 0;
}

/* YYYY-MM-DD, a real day between 1900 and 2999. */
static int valid_date(const char *v)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
			return 0;
	int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
	int m = (v[5] - '0') * 10 + (v[6] - '0'), d = (v[8] - '0') * 10 + (v[9] - '0');
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap(y));
}

/* A landline or fax: digits with + - ( ) and spaces, at least 3 digits. */
static int valid_phone(const char *v)
{
	int digits = 0;
	for (const char *p = v; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr("+-() ", *p))
			return 0;
	}
	return digits >= 3;
}

static int valid_email(const char *v)
{
	const char *at = strchr(v, '@');
	return at && at != v && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') && !strchr(v, ' ');
}

int member_field_valid(const struct member_field *f, const char *v, char out[PHONE_E164_LEN])
{
	switch (f->kind) {
	case MEMBER_K_GENDER:
		return !strcmp(v, "male") || !strcmp(v, "female") || !strcmp(v, "unspecified");
	case MEMBER_K_MOBILE:
		return !phone_normalize(v, out);
	case MEMBER_K_PHONE:
		return valid_phone(v);
	case MEMBER_K_EMAIL:
		return valid_email(v);
	case MEMBER_K_DATE:
		return valid_date(v);
	case MEMBER_K_TEXT:
		break;
	}
	return 1;
}

enum err member_check_field(struct req *r, const struct member_field *f, const char *v, char out[PHONE_E164_LEN],
			    const char **stored)
{
	enum err rc = org_check_text(r, f->name, v, f->max, 1);
	*stored = v;
	if (rc || !*v)
		return rc;
	if (member_field_valid(f, v, out)) {
		if (f->kind == MEMBER_K_MOBILE)
			*stored = out;
		return ERR_OK;
	}
	req_extra(r, "field", json_string(f->name));
	if (f->kind == MEMBER_K_GENDER)
		return req_fail(r, ERR_INVALID_VALUE, "'gender' must be male, female or unspecified, not '%.16s'", v);
	if (f->kind == MEMBER_K_DATE)
		return req_fail(r, ERR_INVALID_VALUE, "'hire_date' must be a date YYYY-MM-DD, not '%.16s'", v);
	return req_fail(r, ERR_INVALID_VALUE, "%s '%.64s' is not valid", f->name, v);
}
