/*
 * Enterprises and the roles in them (PP-03, PP-04): the owner, administrators with a set of
 * rights and a scope, and members.  Other modules check what a caller may do in an enterprise
 * with org_require(); everything under /api/v1/enterprises/{eid} starts with it.
 */
#ifndef ATRIUM_APPS_ORG_H
#define ATRIUM_APPS_ORG_H
#include <stdint.h>
#include "core/jsonw.h"
#include "http/req.h"
#include "store/store.h"

/*
 * What a route needs.  The six rights are the ones the owner hands to administrators (their bit
 * values are stored in admin_rights.rights and never change); the owner holds them all.
 * ORG_MEMBER asks only for an active membership, ORG_ANY_ADMIN for the owner or any
 * administrator, ORG_OWNER for the owner alone.
 */
enum org_right {
	ORG_MEMBER = 0,
	ORG_RIGHT_MEMBERS = 1 << 0,
	ORG_RIGHT_DEPARTMENTS = 1 << 1,
	ORG_RIGHT_APPS = 1 << 2,
	ORG_RIGHT_ATTENDANCE = 1 << 3,
	ORG_RIGHT_APPROVALS = 1 << 4,
	ORG_RIGHT_PRIVACY = 1 << 5,
	ORG_ANY_ADMIN = 1 << 6,
	ORG_OWNER = 1 << 7,
};
#define ORG_RIGHTS_ALL 0x3f /* the six rights an administrator can hold */

enum org_role { ORG_ROLE_MEMBER, ORG_ROLE_ADMIN, ORG_ROLE_OWNER };

/* A person's membership of an enterprise as the rights check sees it. */
struct org_member {
	int64_t enterprise_id, user_id;
	enum org_role role;
	int active;        /* status 'active' (not 'disabled') */
	unsigned rights;   /* ORG_RIGHTS_ALL for the owner, the stored mask for an admin, else 0 */
	int scope_all;     /* 1 for the owner and admins of scope "all" */
};

/* The right named name ("members" … "privacy"), or 0 when it names none. */
enum org_right org_right_parse(const char *name);
/* The name of a single right or pseudo-right ("owner", "admin", "member"). */
const char *org_right_name(enum org_right right);
/* The name of a role as the API and the database spell it. */
const char *org_role_name(enum org_role role);

/* Reads uid's membership of eid.  Returns 1 and fills *m, 0 when uid is not a member, -1. */
int org_member_get(struct store *st, int64_t eid, int64_t uid, struct org_member *m /* OUT */);
/* Whether the active membership m holds right. */
int org_allows(const struct org_member *m, enum org_right right);

/*
 * The one rights check of every enterprise route: eid_text is the {eid} of the path.  The
 * caller's membership goes to *m (may be NULL).  Someone who is not a member — or an eid that is
 * not one, or does not exist — gets 404 not_found in the router's own words, so an outsider
 * never learns an enterprise exists; a member without the right gets 403 forbidden naming it.
 * Returns ERR_OK or the failure (already recorded); the parsed id goes to *eid.
 */
enum err org_require(struct req *r, const char *eid_text, enum org_right right, int64_t *eid /* OUT */,
		     struct org_member *m /* OUT */);

/*
 * Checks that v is 1 to max characters of text (no control characters, no leading space), or,
 * when may_be_empty, "".  Fails with invalid_value naming field.  Returns ERR_OK or the failure.
 */
enum err org_check_text(struct req *r, const char *field, const char *v, int max, int may_be_empty);

/* Helpers of the route files (org_routes.c): a write transaction, its commit, an audit entry
 * (actor the caller, object "<kind>:<id>"), and the rights check followed by reading the body —
 * in that order, so an outsider learns nothing from what they sent. */
enum err org_begin(struct req *r);
enum err org_commit(struct req *r);
enum err org_audit(struct req *r, const char *action, int64_t subject, const char *kind, int64_t id,
		   const char *detail);
enum err org_require_body(struct req *r, enum org_right right, const struct field *spec, int64_t *eid,
			  struct org_member *me);

/*
 * How a business record of eid names the person uid who made it (PP-37): a member by the name the
 * enterprise uses; someone who has left by a pseudonym — "离职成员 " and six hex digits of a keyed
 * hash of (eid, uid), the same on every record of that enterprise and unrelated across
 * enterprises — so records the enterprise keeps show no name of a person gone.  Writes
 * {"user_id", "name"} or {"name", "former": true} under key.
 */
void org_write_person(struct store *st, const struct keyring *kr, int64_t eid, int64_t uid, const char *key,
		      struct jsonw *w);

/*
 * Makes the member uid the owner of eid: its administrator rights go (the owner holds them all)
 * and enterprises.owner_id names it.  The former owner's membership is the caller's to change.
 * Inside the caller's transaction; 0 or -1.
 */
int org_make_owner(struct store *st, int64_t eid, int64_t uid);

/*
 * Registers the module's part of erasing an account (privacy/erasure.h): in every enterprise the
 * person belonged to, their external contacts pass to a colleague and their rows go as leaving
 * would; an enterprise they owned passes to its longest-serving administrator, else its
 * longest-serving active member, and one with nobody else left is deleted with all it held.
 */
void org_init(void);

/*
 * Leaving (PP-37): the tables that hold rows about a member of one enterprise, NULL-terminated,
 * and the erasure of uid's rows in them for eid alone, as the data map says (every column
 * ERASE_DELETE_ROW).  Runs inside the caller's transaction.  0 or -1.
 */
extern const char *const org_member_tables[];
int org_erase_member(struct store *st, int64_t eid, int64_t uid);

/*
 * What other modules do when uid leaves eid (left, removed, or erased), inside the same
 * transaction and before org_erase_member deletes the rows: messaging passes on the groups they
 * owned and applies the enterprise's choice for their messages.  0 or -1 (the leaving fails).
 */
typedef int (*org_leave_hook)(struct store *st, int64_t eid, int64_t uid);
void org_add_leave_hook(org_leave_hook fn);

/*
 * Who belongs where changed in eid — someone joined, a member's departments were set, a
 * department moved — inside the caller's transaction: modules that follow the structure
 * (department and all-staff groups) catch up.  org_changed() runs the hooks; 0 or -1.
 */
typedef int (*org_change_hook)(struct store *st, int64_t eid);
void org_add_change_hook(org_change_hook fn);
int org_changed(struct store *st, int64_t eid);

#endif
