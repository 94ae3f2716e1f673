/*
 * Joining an enterprise with the person's consent (PP-04, PP-11).  What an enterprise enters or
 * imports about someone who has not joined is a pending member: its administrators see it, the
 * address book never does, and it becomes a member only when the person accepts.  The invitation
 * routes (invite_routes.c) and the import job (import.c) both go through these functions, inside
 * the caller's write transaction.
 */
#ifndef ATRIUM_APPS_ORG_JOIN_H
#define ATRIUM_APPS_ORG_JOIN_H
#include <stdint.h>
#include "core/config.h"
#include "crypto/keyring.h"
#include "notify/notify.h"
#include "store/store.h"

/* What is held about a person: name required; the rest may be "" (department_id 0: none). */
struct join_person {
	const char *name, *phone /* E.164, or NULL for a request through a link */, *title, *job_number, *email;
	int64_t department_id;
};

enum join_rc { JOIN_OK = 0, JOIN_ALREADY_INVITED = 1, JOIN_ALREADY_MEMBER = 2, JOIN_FAILED = -1 };

/* Where a pending row came from and what it waits for. */
struct join_origin {
	const char *source;  /* "invitation", "import" or "link" */
	const char *status;  /* "awaiting_person" or "awaiting_approval" */
	int64_t created_by;  /* the administrator, or the person for a link request */
	int64_t invitation_id, import_id, user_id; /* 0 when none */
	int64_t expires_at;
};

/*
 * Stores p as a pending member of eid (its phone sealed with a key of the row's own, found
 * through the blind index).  JOIN_ALREADY_MEMBER when the number or user already belongs to eid,
 * JOIN_ALREADY_INVITED when a pending row for them exists; *pid gets the new row's id.
 */
enum join_rc join_pending_add(struct store *st, const struct keyring *kr, int64_t eid, const struct join_person *p,
			      const struct join_origin *o, int64_t now, int64_t *pid /* OUT */);

/*
 * Makes uid an active member of eid with what p holds (name in the enterprise, title, job number,
 * e-mail; the department as primary when it still exists), and deletes every pending row of eid
 * for that person (by account or mobile).  JOIN_ALREADY_MEMBER when uid is one.
 */
enum join_rc join_member_add(struct store *st, int64_t eid, int64_t uid, const struct join_person *p, int64_t now);

/* Whether the account with this phone blind index is a member of eid: 1, 0, -1. */
int join_phone_is_member(struct store *st, int64_t eid, const uint8_t index[KEYRING_INDEX_LEN]);

/*
 * Resolves a department path as people write it ("研发部/前端组", names from the top of the
 * tree, "/" between levels) to an id of eid.  0 when there is none of that name.
 */
int64_t join_department_by_path(struct store *st, int64_t eid, const char *path);

/* The address people open Atrium at, for links in messages: public-url, else http(s)://<listen>. */
void join_base_url(const struct config *cfg, char *out, size_t len);

/*
 * Tells the person at phone that enterprise invited them (SMS, Chinese then English), pointing
 * at base_url where they sign in to accept or decline, and when unanswered data is deleted.
 */
int join_notify(struct notify *n, const char *phone, const char *enterprise, const char *base_url, int days);

#endif
