/*
 * The department tree of an enterprise, as the department routes and the administrator scope
 * check see it.  Every query names the enterprise: an id of another enterprise is no department.
 */
#ifndef ATRIUM_APPS_ORG_DEPT_H
#define ATRIUM_APPS_ORG_DEPT_H
#include <stdint.h>
#include "apps/org/org.h"
#include "store/store.h"

/* Deeper than any real organisation; a walk up the tree stops here (a loop in stored data). */
#define DEPT_MAX_DEPTH 64

/* Whether did is a department of eid: 1, 0, or -1 when the store fails. */
int dept_exists(struct store *st, int64_t eid, int64_t did);

/*
 * Whether did is ancestor itself or lies below it in eid's tree: 1, 0, or -1 (the store failed,
 * or the walk up passed DEPT_MAX_DEPTH).  Moving a department under a new parent makes a cycle
 * exactly when dept_within(st, eid, department, new_parent) is 1.
 */
int dept_within(struct store *st, int64_t eid, int64_t ancestor, int64_t did);

/*
 * Whether the membership m may change department did: the owner and administrators of scope
 * "all" may change any, an administrator of scope "departments" only those departments and
 * their descendants; did 0 (the top of the tree) is outside every such scope.  1, 0, or -1.
 */
int dept_in_scope(struct store *st, const struct org_member *m, int64_t did);

/* A member's departments, primary first, then by id: at most max ids, the count returned;
 * *primary gets the primary one or 0. */
size_t dept_of_member(struct store *st, int64_t eid, int64_t uid, int64_t *ids, size_t max,
		      int64_t *primary /* OUT */);

#endif
