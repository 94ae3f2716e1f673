/*
 * Department routes: the tree (create, rename, reorder, move without cycles, delete when empty),
 * its heads, and the departments a member sits in (several, one primary).  Like every route under
 * /enterprises/{eid} they start with org_require(), inside the write transaction for writes, and
 * read the body after it; an administrator of scope "departments" acts only inside that branch.
 */
#include <stdlib.h>
#include <string.h>
#include "apps/org/dept.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "privacy/audit.h"
#include "core/banned.h"

#define MAX_LIST 64 /* heads of a department, departments of a member */
#define NAME_MAX_CHARS 64

/* The department an id text names in eid, else department_not_found (naming field if any). */
static enum err find_department(struct req *r, int64_t eid, const char *text, const char *field, int64_t *did)
{
	int found = id_parse(text, did) ? 0 : dept_exists(r->app->st, eid, *did);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	if (!found) {
		if (field)
			req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, "no department '%.24s' in this enterprise", text);
	}
	return ERR_OK;
}

/* A parent_id of the body: an id of this enterprise, or null for the top (*did 0). */
static enum err body_parent(struct req *r, int64_t eid, json_t *v, int64_t *did)
{
	*did = 0;
	if (!v || json_is_null(v))
		return ERR_OK;
	if (!json_is_string(v)) {
		req_extra(r, "field", json_string("parent_id"));
		return req_fail(r, ERR_INVALID_TYPE, "'parent_id' must be a department id or null");
	}
	return find_department(r, eid, json_string_value(v), "parent_id", did);
}

/* 403 forbidden unless me may change did (0: the top); the refusal names the scope. */
static enum err require_scope(struct req *r, const struct org_member *me, int64_t did)
{
	int in = dept_in_scope(r->app->st, me, did);
	if (in < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	if (in)
		return ERR_OK;
	json_t *scope = json_object(), *list = json_array();
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT department_id FROM admin_scope_departments WHERE enterprise_id = ? AND user_id = ?"
		" ORDER BY department_id");
	store_bind_int(s, 1, me->enterprise_id);
	store_bind_int(s, 2, me->user_id);
	while (store_step(s) == STORE_ROW) {
		char id[ID_STR_LEN];
		json_array_append_new(list, json_string(id_format(store_col_int(s, 0), id)));
	}
	json_object_set_new(scope, "departments", list);
	req_extra(r, "scope", scope);
	if (!did)
		return req_fail(r, ERR_FORBIDDEN, "the top of the tree is outside your scope of departments");
	char id[ID_STR_LEN];
	return req_fail(r, ERR_FORBIDDEN, "department '%s' is outside your scope of departments", id_format(did, id));
}

/* The next sort value among the children of parent (0: the top), so a new one comes last. */
static int64_t next_sort(struct store *st, int64_t eid, int64_t parent)
{
	struct store_stmt *s = parent
		? store_prepare(st, "SELECT coalesce(max(sort) + 1, 0) FROM departments WHERE enterprise_id = ? AND parent_id = ?")
		: store_prepare(st, "SELECT coalesce(max(sort) + 1, 0) FROM departments WHERE enterprise_id = ? AND parent_id IS NULL");
	store_bind_int(s, 1, eid);
	if (parent)
		store_bind_int(s, 2, parent);
	int64_t sort = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	return sort;
}

/* Writes one department without its children (the caller closes the object). */
static void dept_fields(struct req *r, struct jsonw *w, int64_t eid, int64_t did, const char *name, int64_t parent,
			int64_t sort)
{
	struct store *st = r->app->st;
	jsonw_id(w, "id", did);
	jsonw_str(w, "name", name);
	if (parent)
		jsonw_id(w, "parent_id", parent);
	else
		jsonw_null(w, "parent_id");
	jsonw_int(w, "sort", sort);
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id FROM department_heads WHERE enterprise_id = ? AND department_id = ? ORDER BY user_id");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	jsonw_open(w, "head_user_ids", '[');
	while (store_step(s) == STORE_ROW)
		jsonw_id(w, NULL, store_col_int(s, 0));
	jsonw_close(w, ']');
	s = store_prepare(st, "SELECT count(*) FROM member_departments WHERE enterprise_id = ? AND department_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	jsonw_int(w, "member_count", store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0);
	store_reset(s);
}

static enum err reply_department(struct req *r, int status, int64_t eid, int64_t did)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT name, parent_id, sort FROM departments WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, NULL);
	}
	char *name = xstrdup(store_col_text(s, 0));
	int64_t parent = store_col_is_null(s, 1) ? 0 : store_col_int(s, 1), sort = store_col_int(s, 2);
	store_reset(s);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	dept_fields(r, &w, eid, did, name, parent, sort);
	jsonw_close(&w, '}');
	free(name);
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

struct node {
	int64_t id, parent, sort;
	char *name;
};

/* nodes are in (sort, id) order, so each level comes out in its siblings' order. */
static void write_children(struct req *r, struct jsonw *w, int64_t eid, const struct node *nodes, size_t n,
			   int64_t parent, int depth)
{
	jsonw_open(w, "children", '[');
	for (size_t i = 0; i < n && depth < DEPT_MAX_DEPTH; i++) {
		if (nodes[i].parent != parent)
			continue;
		jsonw_open(w, NULL, '{');
		dept_fields(r, w, eid, nodes[i].id, nodes[i].name, nodes[i].parent, nodes[i].sort);
		write_children(r, w, eid, nodes, n, nodes[i].id, depth + 1);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

static enum err get_departments(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL);
	if (rc)
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT id, parent_id, sort, name FROM departments WHERE enterprise_id = ? ORDER BY sort, id");
	store_bind_int(s, 1, eid);
	struct node *nodes = NULL;
	size_t n = 0, cap = 0;
	while (store_step(s) == STORE_ROW) {
		if (n == cap)
			nodes = xrealloc(nodes, (cap = cap ? cap * 2 : 32) * sizeof(*nodes));
		nodes[n].id = store_col_int(s, 0);
		nodes[n].parent = store_col_is_null(s, 1) ? 0 : store_col_int(s, 1);
		nodes[n].sort = store_col_int(s, 2);
		nodes[n].name = xstrdup(store_col_text(s, 3));
		n++;
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	/* The top level is the "departments" array; below it each department has "children". */
	jsonw_open(&w, "departments", '[');
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].parent)
			continue;
		jsonw_open(&w, NULL, '{');
		dept_fields(r, &w, eid, nodes[i].id, nodes[i].name, 0, nodes[i].sort);
		write_children(r, &w, eid, nodes, n, nodes[i].id, 1);
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	for (size_t i = 0; i < n; i++)
		free(nodes[i].name);
	free(nodes);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err post_department(struct req *r)
{
	static const struct field spec[] = { { "name", F_STRING, 1 }, { "parent_id", F_ANY, 0 }, { 0 } };
	int64_t eid, parent, did = id_next();
	struct org_member me;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_DEPARTMENTS, spec, &eid, &me)) ||
	    (rc = org_check_text(r, "name", req_str(r, "name"), NAME_MAX_CHARS, 0)) ||
	    (rc = body_parent(r, eid, json_object_get(r->body, "parent_id"), &parent)) ||
	    (rc = require_scope(r, &me, parent)))
		return rc;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO departments (id, enterprise_id, name, parent_id, sort) VALUES (?, ?, ?, ?, ?)");
	store_bind_int(s, 1, did);
	store_bind_int(s, 2, eid);
	store_bind_text(s, 3, req_str(r, "name"), -1);
	if (parent)
		store_bind_int(s, 4, parent);
	else
		store_bind_null(s, 4);
	store_bind_int(s, 5, next_sort(st, eid, parent));
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the department");
	if ((rc = org_audit(r, "department.create", 0, "department", did, NULL)) || (rc = org_commit(r)))
		return rc;
	return reply_department(r, 201, eid, did);
}

/* Rename, reorder among siblings (sort), or move under another parent, never into its own branch. */
static enum err patch_department(struct req *r)
{
	static const struct field spec[] = {
		{ "name", F_STRING, 0 }, { "parent_id", F_ANY, 0 }, { "sort", F_INT, 0 }, { 0 }
	};
	int64_t eid, did, parent = 0;
	struct org_member me;
	struct store *st = r->app->st;
	json_t *parent_v, *sort_v;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_DEPARTMENTS, spec, &eid, &me)) ||
	    (rc = find_department(r, eid, r->params[1], NULL, &did)) || (rc = require_scope(r, &me, did)))
		return rc;
	const char *name = req_str(r, "name");
	if (name && (rc = org_check_text(r, "name", name, NAME_MAX_CHARS, 0)))
		return rc;
	if ((sort_v = json_object_get(r->body, "sort")) &&
	    (json_integer_value(sort_v) < 0 || json_integer_value(sort_v) > 1000000000)) {
		req_extra(r, "field", json_string("sort"));
		return req_fail(r, ERR_INVALID_VALUE, "'sort' must be 0 to 1000000000");
	}
	if ((parent_v = json_object_get(r->body, "parent_id"))) {
		if ((rc = body_parent(r, eid, parent_v, &parent)))
			return rc;
		int cycle = parent ? dept_within(st, eid, did, parent) : 0;
		if (cycle < 0)
			return req_fail(r, ERR_INTERNAL, "cannot read the departments");
		if (cycle) {
			req_extra(r, "field", json_string("parent_id"));
			return req_fail(r, ERR_DEPARTMENT_CYCLE, "department '%.24s' cannot move under itself or its own sub-department '%.24s'",
					r->params[1], json_string_value(parent_v));
		}
		if ((rc = require_scope(r, &me, parent)))
			return rc;
	}
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "fields", '[');
	struct store_stmt *s;
	int ok = 1;
	if (name) {
		s = store_prepare(st, "UPDATE departments SET name = ? WHERE enterprise_id = ? AND id = ?");
		store_bind_text(s, 1, name, -1);
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, did);
		ok = ok && store_run(s) == STORE_DONE;
		jsonw_str(&detail, NULL, "name");
	}
	if (parent_v) {
		/* A moved department goes last among its new siblings unless the same call sorts it. */
		s = store_prepare(st, "UPDATE departments SET parent_id = ?, sort = ? WHERE enterprise_id = ? AND id = ?");
		if (parent)
			store_bind_int(s, 1, parent);
		else
			store_bind_null(s, 1);
		store_bind_int(s, 2, next_sort(st, eid, parent));
		store_bind_int(s, 3, eid);
		store_bind_int(s, 4, did);
		ok = ok && store_run(s) == STORE_DONE && !org_changed(st, eid);
		jsonw_str(&detail, NULL, "parent_id");
	}
	if (sort_v) {
		s = store_prepare(st, "UPDATE departments SET sort = ? WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, json_integer_value(sort_v));
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, did);
		ok = ok && store_run(s) == STORE_DONE;
		jsonw_str(&detail, NULL, "sort");
	}
	jsonw_close(&detail, ']');
	if (parent_v) {
		if (parent)
			jsonw_id(&detail, "parent_id", parent);
		else
			jsonw_null(&detail, "parent_id");
	}
	jsonw_close(&detail, '}');
	rc = ok ? org_audit(r, "department.update", 0, "department", did, detail.buf)
		: req_fail(r, ERR_INTERNAL, "cannot update the department");
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	return reply_department(r, 200, eid, did);
}

static int any_row(struct store_stmt *s, int64_t eid, int64_t did)
{
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/* Only an empty department goes: its people and sub-departments are never orphaned. */
static enum err delete_department(struct req *r)
{
	int64_t eid, did;
	struct org_member me;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_DEPARTMENTS, &eid, &me)) ||
	    (rc = find_department(r, eid, r->params[1], NULL, &did)) || (rc = require_scope(r, &me, did)))
		return rc;
	int children = any_row(store_prepare(st, "SELECT 1 FROM departments WHERE enterprise_id = ? AND parent_id = ? LIMIT 1"), eid, did);
	int members = any_row(store_prepare(st,
		"SELECT 1 FROM member_departments WHERE enterprise_id = ? AND department_id = ? LIMIT 1"), eid, did);
	if (children < 0 || members < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	if (children)
		return req_fail(r, ERR_DEPARTMENT_NOT_EMPTY, "department '%.24s' still has sub-departments", r->params[1]);
	if (members)
		return req_fail(r, ERR_DEPARTMENT_NOT_EMPTY, "department '%.24s' still has members", r->params[1]);
	struct store_stmt *s = store_prepare(st, "DELETE FROM departments WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot delete the department");
	if ((rc = org_audit(r, "department.delete", 0, "department", did, NULL)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* A list of distinct active members of eid from an array of id strings (field names it). */
static enum err member_list(struct req *r, int64_t eid, json_t *list, const char *field, int64_t *ids, size_t *n)
{
	size_t i;
	json_t *v;
	*n = 0;
	if (json_array_size(list) > MAX_LIST) {
		req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_INVALID_VALUE, "at most %d people", MAX_LIST);
	}
	json_array_foreach(list, i, v) {
		struct org_member m;
		int64_t uid = 0;
		const char *text = json_is_string(v) ? json_string_value(v) : "";
		int found = id_parse(text, &uid) ? 0 : org_member_get(r->app->st, eid, uid, &m);
		if (found < 0)
			return req_fail(r, ERR_INTERNAL, "cannot read the membership");
		if (!found || !m.active) {
			req_extra(r, "field", json_string(field));
			return req_fail(r, ERR_MEMBER_NOT_FOUND, "no active member '%.24s' in this enterprise", text);
		}
		size_t j = 0;
		while (j < *n && ids[j] != uid)
			j++;
		if (j == *n)
			ids[(*n)++] = uid;
	}
	return ERR_OK;
}

/* Replaces the heads of a department; heads must be members of the enterprise. */
static enum err put_heads(struct req *r)
{
	static const struct field spec[] = { { "user_ids", F_ARRAY, 1 }, { 0 } };
	int64_t eid, did, heads[MAX_LIST];
	size_t n;
	struct org_member me;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_DEPARTMENTS, spec, &eid, &me)) ||
	    (rc = find_department(r, eid, r->params[1], NULL, &did)) || (rc = require_scope(r, &me, did)) ||
	    (rc = member_list(r, eid, json_object_get(r->body, "user_ids"), "user_ids", heads, &n)))
		return rc;
	struct store_stmt *s = store_prepare(st, "DELETE FROM department_heads WHERE enterprise_id = ? AND department_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	int ok = store_run(s) == STORE_DONE;
	for (size_t i = 0; ok && i < n; i++) {
		s = store_prepare(st, "INSERT INTO department_heads (enterprise_id, department_id, user_id) VALUES (?, ?, ?)");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, did);
		store_bind_int(s, 3, heads[i]);
		ok = store_run(s) == STORE_DONE;
	}
	if (!ok)
		return req_fail(r, ERR_INTERNAL, "cannot store the heads");
	/* Bare user ids only: they name no one once an account is gone (audit.h). */
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "head_user_ids", '[');
	for (size_t i = 0; i < n; i++)
		jsonw_id(&detail, NULL, heads[i]);
	jsonw_close(&detail, ']');
	jsonw_close(&detail, '}');
	rc = org_audit(r, "department.heads_set", 0, "department", did, detail.buf);
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	return reply_department(r, 200, eid, did);
}

static enum err reply_member_departments(struct req *r, int64_t eid, int64_t uid)
{
	int64_t ids[MAX_LIST], primary;
	size_t n = dept_of_member(r->app->st, eid, uid, ids, MAX_LIST, &primary);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_id(&w, "user_id", uid);
	jsonw_open(&w, "departments", '[');
	for (size_t i = 0; i < n; i++)
		jsonw_id(&w, NULL, ids[i]);
	jsonw_close(&w, ']');
	if (primary)
		jsonw_id(&w, "primary", primary);
	else
		jsonw_null(&w, "primary");
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static int contains(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static enum err get_member_departments(struct req *r)
{
	int64_t eid, uid;
	struct org_member m;
	enum err rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL);
	if (rc)
		return rc;
	int found = id_parse(r->params[1], &uid) ? 0 : org_member_get(r->app->st, eid, uid, &m);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the membership");
	if (!found)
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no member '%.24s' in this enterprise", r->params[1]);
	return reply_member_departments(r, eid, uid);
}

/*
 * Sets the departments a member sits in and the one primary among them.  A scoped administrator
 * may add or remove only departments inside the scope, and move the primary only within it.
 */
static enum err put_member_departments(struct req *r)
{
	static const struct field spec[] = { { "departments", F_ARRAY, 1 }, { "primary", F_ANY, 0 }, { 0 } };
	int64_t eid, uid, ids[MAX_LIST], old[MAX_LIST], primary = 0, old_primary;
	size_t n = 0, nold, i;
	struct org_member me, target;
	struct store *st = r->app->st;
	json_t *v, *list, *primary_v;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_MEMBERS, spec, &eid, &me)))
		return rc;
	int found = id_parse(r->params[1], &uid) ? 0 : org_member_get(st, eid, uid, &target);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the membership");
	if (!found || !target.active)
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no active member '%.24s' in this enterprise", r->params[1]);
	list = json_object_get(r->body, "departments");
	if (json_array_size(list) > MAX_LIST) {
		req_extra(r, "field", json_string("departments"));
		return req_fail(r, ERR_INVALID_VALUE, "a member sits in at most %d departments", MAX_LIST);
	}
	json_array_foreach(list, i, v) {
		int64_t did;
		if ((rc = find_department(r, eid, json_is_string(v) ? json_string_value(v) : "", "departments", &did)))
			return rc;
		if (!contains(ids, n, did))
			ids[n++] = did;
	}
	primary_v = json_object_get(r->body, "primary");
	if (n && !json_is_string(primary_v)) {
		req_extra(r, "field", json_string("primary"));
		return req_fail(r, ERR_INVALID_VALUE, "'primary' must name one of the departments");
	}
	if (n && (id_parse(json_string_value(primary_v), &primary) || !contains(ids, n, primary))) {
		req_extra(r, "field", json_string("primary"));
		return req_fail(r, ERR_INVALID_VALUE, "'primary' must be one of the departments, not '%.24s'",
				json_string_value(primary_v));
	}
	if (!n && primary_v && !json_is_null(primary_v)) {
		req_extra(r, "field", json_string("primary"));
		return req_fail(r, ERR_INVALID_VALUE, "no departments, so no primary");
	}
	nold = dept_of_member(st, eid, uid, old, MAX_LIST, &old_primary);
	for (i = 0; i < n; i++)
		if (!contains(old, nold, ids[i]) && (rc = require_scope(r, &me, ids[i])))
			return rc;
	for (i = 0; i < nold; i++)
		if (!contains(ids, n, old[i]) && (rc = require_scope(r, &me, old[i])))
			return rc;
	if (primary != old_primary && ((primary && (rc = require_scope(r, &me, primary))) ||
				       (old_primary && (rc = require_scope(r, &me, old_primary)))))
		return rc;
	struct store_stmt *s = store_prepare(st, "DELETE FROM member_departments WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	int ok = store_run(s) == STORE_DONE;
	for (i = 0; ok && i < n; i++) {
		s = store_prepare(st,
			"INSERT INTO member_departments (enterprise_id, user_id, department_id, is_primary) VALUES (?, ?, ?, ?)");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, uid);
		store_bind_int(s, 3, ids[i]);
		store_bind_int(s, 4, ids[i] == primary);
		ok = store_run(s) == STORE_DONE;
	}
	if (!ok || org_changed(st, eid))
		return req_fail(r, ERR_INTERNAL, "cannot store the departments");
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "departments", '[');
	for (i = 0; i < n; i++)
		jsonw_id(&detail, NULL, ids[i]);
	jsonw_close(&detail, ']');
	jsonw_close(&detail, '}');
	/* The member is the subject, so they see it in their access log. */
	rc = primary ? org_audit(r, "department.membership_set", uid, "department", primary, detail.buf)
		     : org_audit(r, "department.membership_set", uid, "enterprise", eid, detail.buf);
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	return reply_member_departments(r, eid, uid);
}

const struct route dept_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/departments", get_departments, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/departments", post_department, ROUTE_AUTH },
	{ "PATCH", "/api/v1/enterprises/{eid}/departments/{did}", patch_department, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/departments/{did}", delete_department, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/departments/{did}/heads", put_heads, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/members/{uid}/departments", get_member_departments, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/members/{uid}/departments", put_member_departments, ROUTE_AUTH },
	{ 0 }
};
