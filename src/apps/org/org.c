/* Roles and rights in an enterprise: the names of the rights and who holds which. */
#include <stdio.h>
#include <string.h>
#include "apps/org/contact.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "privacy/audit.h"
#include "privacy/erasure.h"
#include "core/banned.h"

static const struct {
	enum org_right right;
	const char *name;
} rights[] = {
	{ ORG_RIGHT_MEMBERS, "members" },       { ORG_RIGHT_DEPARTMENTS, "departments" },
	{ ORG_RIGHT_APPS, "apps" },             { ORG_RIGHT_ATTENDANCE, "attendance" },
	{ ORG_RIGHT_APPROVALS, "approvals" },   { ORG_RIGHT_PRIVACY, "privacy" },
	{ ORG_ANY_ADMIN, "admin" },             { ORG_OWNER, "owner" },
	{ ORG_MEMBER, "member" },
};

enum org_right org_right_parse(const char *name)
{
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(rights[i].name, name))
			return rights[i].right;
	return 0;
}

const char *org_right_name(enum org_right right)
{
	for (size_t i = 0; i < sizeof(rights) / sizeof(rights[0]); i++)
		if (rights[i].right == right)
			return rights[i].name;
	return "?";
}

const char *org_role_name(enum org_role role)
{
	return role == ORG_ROLE_OWNER ? "owner" : role == ORG_ROLE_ADMIN ? "admin" : "member";
}

int org_member_get(struct store *st, int64_t eid, int64_t uid, struct org_member *m)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT m.role, m.status, a.rights, a.scope FROM members m"
		" LEFT JOIN admin_rights a ON a.enterprise_id = m.enterprise_id AND a.user_id = m.user_id"
		" WHERE m.enterprise_id = ? AND m.user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	enum store_rc rc = store_step(s);
	if (rc != STORE_ROW) {
		store_reset(s);
		return rc == STORE_DONE ? 0 : -1;
	}
	const char *role = store_col_text(s, 0);
	memset(m, 0, sizeof(*m));
	m->enterprise_id = eid;
	m->user_id = uid;
	m->role = !strcmp(role, "owner") ? ORG_ROLE_OWNER : !strcmp(role, "admin") ? ORG_ROLE_ADMIN : ORG_ROLE_MEMBER;
	m->active = !strcmp(store_col_text(s, 1), "active");
	if (m->role == ORG_ROLE_OWNER) {
		m->rights = ORG_RIGHTS_ALL;
		m->scope_all = 1;
	} else if (m->role == ORG_ROLE_ADMIN && !store_col_is_null(s, 2)) {
		m->rights = (unsigned)store_col_int(s, 2) & ORG_RIGHTS_ALL;
		m->scope_all = !strcmp(store_col_text(s, 3), "all");
	}
	store_reset(s);
	return 1;
}

int org_allows(const struct org_member *m, enum org_right right)
{
	if (!m->active)
		return 0;
	if (m->role == ORG_ROLE_OWNER || right == ORG_MEMBER)
		return 1;
	if (right == ORG_OWNER)
		return 0;
	if (right == ORG_ANY_ADMIN)
		return m->role == ORG_ROLE_ADMIN;
	return m->role == ORG_ROLE_ADMIN && (m->rights & (unsigned)right) == (unsigned)right;
}

/*
 * The tables of this module that hold rows about a member of one enterprise (enterprise_id,
 * user_id); every one of them is erased with ERASE_DELETE_ROW in the data map (org_pi.c), which
 * a unit test holds this list to.
 */
const char *const org_member_tables[] = {
	"admin_scope_departments", "admin_rights", "department_heads", "member_departments",
	"member_custom_values", "member_photos", "member_profiles", "members", "pending_members",
	"conversation_members", "attendance_group_people", "attendance_roster", "attendance_days",
	"attendance_months", "attendance_makeups", "attendance_punches", "attendance_devices",
	"attendance_device_changes", NULL,
};

#define MAX_LEAVE_HOOKS 8
static org_leave_hook leave_hooks[MAX_LEAVE_HOOKS];
static int nleave_hooks;

void org_add_leave_hook(org_leave_hook fn)
{
	if (nleave_hooks < MAX_LEAVE_HOOKS)
		leave_hooks[nleave_hooks++] = fn;
}

static org_change_hook change_hooks[MAX_LEAVE_HOOKS];
static int nchange_hooks;

void org_add_change_hook(org_change_hook fn)
{
	if (nchange_hooks < MAX_LEAVE_HOOKS)
		change_hooks[nchange_hooks++] = fn;
}

int org_changed(struct store *st, int64_t eid)
{
	for (int i = 0; i < nchange_hooks; i++)
		if (change_hooks[i](st, eid))
			return -1;
	return 0;
}

int org_erase_member(struct store *st, int64_t eid, int64_t uid)
{
	for (int i = 0; i < nleave_hooks; i++)
		if (leave_hooks[i](st, eid, uid))
			return -1;
	/* One literal statement per table: table names are not bound parameters. */
	static const char *const sql[] = {
		"DELETE FROM admin_scope_departments WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM admin_rights WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM department_heads WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM member_departments WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM member_custom_values WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM member_photos WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM member_profiles WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM members WHERE enterprise_id = ? AND user_id = ?",
		/* a request to join awaiting approval, should one be left */
		"DELETE FROM pending_members WHERE enterprise_id = ? AND user_id = ?",
		/* out of every conversation of the enterprise (what becomes of their messages is the
		 * IM module's leave hook, which runs first) */
		"DELETE FROM conversation_members WHERE enterprise_id = ? AND user_id = ?",
		/* the attendance group they were named into or excepted from, and their roster */
		"DELETE FROM attendance_group_people WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM attendance_roster WHERE enterprise_id = ? AND user_id = ?",
		/* their judged days and make-up requests: the enterprise's attendance records about them */
		"DELETE FROM attendance_days WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM attendance_months WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM attendance_makeups WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM attendance_punches WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM attendance_devices WHERE enterprise_id = ? AND user_id = ?",
		"DELETE FROM attendance_device_changes WHERE enterprise_id = ? AND user_id = ?",
	};
	_Static_assert(sizeof(sql) / sizeof(sql[0]) == sizeof(org_member_tables) / sizeof(org_member_tables[0]) - 1,
		       "one statement per member table");
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct store_stmt *s = store_prepare(st, sql[i]);
		if (!s)
			return -1;
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, uid);
		if (store_run(s) != STORE_DONE)
			return -1;
	}
	return 0;
}

int org_make_owner(struct store *st, int64_t eid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st, "DELETE FROM admin_rights WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	if (store_run(s) != STORE_DONE)
		return -1;
	s = store_prepare(st, "UPDATE members SET role = 'owner' WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	if (store_run(s) != STORE_DONE || store_changes(st) != 1)
		return -1;
	s = store_prepare(st, "UPDATE enterprises SET owner_id = ?, updated_at = ? WHERE id = ?");
	store_bind_int(s, 1, uid);
	store_bind_int(s, 2, clock_now_ms());
	store_bind_int(s, 3, eid);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/*
 * Who takes over eid from an owner whose account is erased: the longest-serving active
 * administrator, else the longest-serving active member.  The user id, 0 for nobody, -1.
 */
static int64_t successor(struct store *st, int64_t eid, int64_t owner)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id FROM members WHERE enterprise_id = ? AND user_id <> ? AND status = 'active'"
		" ORDER BY role = 'admin' DESC, joined_at, user_id LIMIT 1");
	if (!s)
		return -1;
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, owner);
	enum store_rc rc = store_step(s);
	int64_t uid = rc == STORE_ROW ? store_col_int(s, 0) : rc == STORE_DONE ? 0 : -1;
	store_reset(s);
	return uid;
}

/* The owner's enterprise eid passes on, or goes when nobody is left.  0 or -1. */
static int pass_on(struct store *st, int64_t eid, int64_t owner)
{
	char object[AUDIT_OBJECT_LEN];
	int64_t next = successor(st, eid, owner);
	if (next < 0)
		return -1;
	audit_object("enterprise", eid, object);
	if (next)
		return org_make_owner(st, eid, next) ||
		       audit_append(st, 0, "enterprise.transfer", next, object, "{\"reason\":\"owner_erased\"}");
	struct store_stmt *s = store_prepare(st, "DELETE FROM enterprises WHERE id = ?");
	store_bind_int(s, 1, eid);
	return store_run(s) != STORE_DONE ||
	       audit_append(st, 0, "enterprise.delete", 0, object, "{\"reason\":\"owner_erased\",\"members_left\":0}");
}

/* The erasure hook: every membership of the person ends as leaving would (org_init). */
static int erase_memberships(struct erasure_ctx *ctx)
{
	int64_t eids[256];
	int owner[256], n = 0;
	struct store_stmt *s = store_prepare(ctx->st, "SELECT enterprise_id, role = 'owner' FROM members WHERE user_id = ?"
						      " ORDER BY enterprise_id LIMIT 256");
	store_bind_int(s, 1, ctx->user);
	while (n < 256 && store_step(s) == STORE_ROW) {
		eids[n] = store_col_int(s, 0);
		owner[n++] = (int)store_col_int(s, 1);
	}
	store_reset(s);
	for (int i = 0; i < n; i++) {
		if (owner[i] && pass_on(ctx->st, eids[i], ctx->user))
			return -1;
		if (org_member_get(ctx->st, eids[i], ctx->user, &(struct org_member){ 0 }) == 0)
			continue; /* the enterprise went with its last member */
		int64_t heir = contact_heir(ctx->st, eids[i], ctx->user);
		if (heir < 0 || (heir > 0 && heir != ctx->user && contact_handover(ctx->st, eids[i], ctx->user, heir) < 0) ||
		    org_erase_member(ctx->st, eids[i], ctx->user))
			return -1;
	}
	return 0;
}

void org_init(void)
{
	erasure_add_hook(erase_memberships);
}

void org_write_person(struct store *st, const struct keyring *kr, int64_t eid, int64_t uid, const char *key,
		      struct jsonw *w)
{
	struct store_stmt *s = store_prepare(st, "SELECT name_in_enterprise FROM members WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	jsonw_open(w, key, '{');
	if (store_step(s) == STORE_ROW) {
		jsonw_id(w, "user_id", uid);
		jsonw_str(w, "name", store_col_text(s, 0));
	} else {
		int64_t pair[2] = { eid, uid };
		uint8_t mac[32];
		char name[64];
		keyring_mac(kr, "pseudonym", pair, sizeof(pair), mac);
		snprintf(name, sizeof(name), "离职成员 %02X%02X%02X", mac[0], mac[1], mac[2]);
		jsonw_str(w, "name", name);
		jsonw_bool(w, "former", 1);
	}
	store_reset(s);
	jsonw_close(w, '}');
}
