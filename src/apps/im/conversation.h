/*
 * Conversations as the IM routes use them: the caller's check (enterprise member and member of
 * the conversation), and the events that change a conversation (a member added, a rename, a
 * recall), which are messages of the system so that sync carries them in order.
 */
#ifndef ATRIUM_APPS_IM_CONVERSATION_H
#define ATRIUM_APPS_IM_CONVERSATION_H
#include <stdint.h>
#include "apps/org/org.h"
#include "http/req.h"

struct im_conv {
	int64_t id, eid, owner_id, department_id, last_seq, max_members;
	char kind[16];     /* direct, group, department, all_staff */
	char who_adds[8];  /* members, admins */
	int mute_all;
};

/* The caller's place in a conversation. */
struct im_seat {
	struct org_member org; /* the caller's enterprise membership */
	char role[8];          /* owner, admin, member */
	int64_t joined_seq, read_seq;
	int pinned, muted;
};

/*
 * The check of every conversation route: params[0] an enterprise the caller belongs to (else
 * the router's 404), params[1] a live conversation of it the caller is in (else 404
 * conversation_not_found).  Fills *c and *seat.  ERR_OK or the failure (recorded).
 */
enum err im_require(struct req *r, struct im_conv *c, struct im_seat *seat);

/* Whether the seat may manage the group: its owner or one of its administrators. */
int im_seat_manages(const struct im_seat *seat);

/*
 * Appends an event of the system (kind, body a JSON object text; actor 0 for none) to cid in the
 * caller's transaction.  Its seq, or 0 when the store failed.
 */
int64_t im_event_append(struct store *st, int64_t eid, int64_t cid, int64_t actor, const char *kind, const char *body);

/*
 * uid leaves group cid of eid (in the caller's transaction): their seat goes; a group they owned
 * passes to its first administrator, else its longest-standing member, and one left empty is
 * dissolved; the member_leave event is appended.  Its seq, or 0 when the store failed.
 */
int64_t im_seat_leave(struct store *st, int64_t eid, int64_t cid, int64_t uid);

/*
 * After the commit: pushes message seq of cid to the conversation's members, and to also (a user
 * just removed, 0 for none).
 */
void im_publish_seq(struct req *r, int64_t cid, int64_t seq, int64_t also);

/*
 * Brings the members of department or all-staff group cid of eid in line with the enterprise's
 * structure (follow.c); im_follow_init() registers that for every change.  0 or -1.
 */
int im_follow_one(struct store *st, int64_t eid, int64_t cid);
void im_follow_init(void);

/* Publishes a small event (JSON object text) to every member of cid. */
void im_publish_members(struct store *st, int64_t cid, const char *json, size_t len);

#endif
