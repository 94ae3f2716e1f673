/*
 * Members as the enterprise holds them, and who sees what of them (PP-20, PP-26): the profile's
 * fields, the enterprise's visibility level per field, and the one writer of a member as a given
 * viewer may see them.  Every route that shows a member — the member routes, the address book —
 * goes through member_write(), so the enterprise's decision holds everywhere.
 */
#ifndef ATRIUM_APPS_ORG_MEMBER_H
#define ATRIUM_APPS_ORG_MEMBER_H
#include "apps/org/org.h"
#include "core/jsonw.h"
#include "core/phone.h"

#define MEMBER_MAX_DEPTS 64 /* departments of one member, as dept_routes.c allows */

/* Who may see a field, from the widest to the narrowest; the stored names never change. */
enum member_level { MEMBER_LV_EVERYONE, MEMBER_LV_DEPARTMENT, MEMBER_LV_ADMINS, MEMBER_LV_HIDDEN };
extern const char *const member_level_names[4];

enum member_kind { MEMBER_K_TEXT, MEMBER_K_GENDER, MEMBER_K_MOBILE, MEMBER_K_PHONE, MEMBER_K_EMAIL, MEMBER_K_DATE };

/* A field of member_profiles: its name (column and API key), check, longest value, default level. */
struct member_field {
	const char *name;
	enum member_kind kind;
	int max;
	enum member_level def;
	const char *update; /* UPDATE member_profiles SET <name> = ? WHERE enterprise_id = ? AND user_id = ? */
};
#define MEMBER_NFIELDS 12
extern const struct member_field member_fields[MEMBER_NFIELDS];
/* Visibility also covers "mobile" (index MEMBER_MOBILE): the account's own number. */
#define MEMBER_MOBILE MEMBER_NFIELDS
#define MEMBER_NVIS (MEMBER_NFIELDS + 1)
/* The name of visibility index i: a profile field or "mobile". */
const char *member_vis_name(size_t i);
/* The field called name, or NULL. */
const struct member_field *member_field_find(const char *name);

/* What the person asking may see: their membership and departments, the enterprise's levels. */
struct member_viewer {
	struct org_member me;
	int64_t depts[MEMBER_MAX_DEPTS];
	size_t ndepts;
	enum member_level levels[MEMBER_NVIS];
	int show_mobile;
};
/* The enterprise's levels (defaults where it set none) and its show_mobile setting. */
void member_levels_load(struct store *st, int64_t eid, enum member_level *levels /* [MEMBER_NVIS] */,
			int *show_mobile);
void member_viewer_load(struct store *st, int64_t eid, const struct org_member *me, struct member_viewer *v);
/* The widest level v sees of a member sitting in depts: a full view sees even hidden fields. */
enum member_level member_seen_level(const struct member_viewer *v, int full, const int64_t *depts, size_t n);
/* Whether v sees field i (a visibility index) of uid of v's enterprise.  1 or 0. */
int member_sees(struct store *st, const struct member_viewer *v, int64_t uid, size_t i);

/* Whether me may manage uid: scope "all", or uid sits in a department of me's scope.  1, 0, -1. */
int member_in_scope(struct store *st, const struct org_member *me, int64_t uid);
/* Whether me sees uid's full profile: themself, or holding the members right over them. */
int member_full_view(struct store *st, const struct org_member *me, int64_t uid);

/*
 * Writes member uid of eid as v sees them (full: every field, the mobile unmasked), as one JSON
 * object.  0, or -1 when uid is no member of eid.
 */
int member_write(struct req *r, const struct member_viewer *v, int64_t eid, int64_t uid, int full, struct jsonw *w);

/*
 * Checks a new value v of f ("" clears it); the value to store goes to *stored (E.164 in out for
 * a mobile).  Fails with invalid_value naming the field.  Returns ERR_OK or the failure.
 */
enum err member_check_field(struct req *r, const struct member_field *f, const char *v, char out[PHONE_E164_LEN],
			    const char **stored);
/* The same checks without a request: 1 when v is a valid value of f (E.164 to out for a mobile). */
int member_field_valid(const struct member_field *f, const char *v, char out[PHONE_E164_LEN]);

#endif
