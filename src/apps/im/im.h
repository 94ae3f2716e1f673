/*
 * Instant messaging: conversations of an enterprise (one-to-one, groups, department and
 * all-staff groups), messages stored once per conversation under a per-conversation sequence,
 * read receipts, recall, sync.  Sends go through one writer thread that commits them in batches
 * (writer.c) and answers each sender after the commit; the hub (hub.h) pushes every change to
 * the members' online devices.  What other modules need of it is here.
 */
#ifndef ATRIUM_APPS_IM_H
#define ATRIUM_APPS_IM_H
#include <stddef.h>
#include <stdint.h>
#include "store/store.h"

/* Whether uid is a member of conversation cid of enterprise eid: 1, 0, or -1. */
int im_is_member(struct store *st, int64_t eid, int64_t cid, int64_t uid);

/*
 * The user ids of cid's members into *users (malloc'ed, the caller frees) and their count into
 * *n.  0, or -1.
 */
int im_members(struct store *st, int64_t cid, int64_t **users /* OUT */, size_t *n /* OUT */);

/*
 * Whether uid may fetch file fid of eid: a member of a conversation holding a message that
 * carries it, sent after they joined and not recalled, or whose avatar it is.  (The uploader's own right before sending
 * is the file module's to judge.)  1, 0, or -1.
 */
int im_file_visible(struct store *st, int64_t eid, int64_t fid, int64_t uid);

/*
 * Registers messaging's part of a member leaving an enterprise (org_add_leave_hook): they leave
 * each group (ownership passes on), and their messages stay under a pseudonym or are deleted as
 * the enterprise chose (im_settings.on_leave).  Call once at start.
 */
void im_init(void);

#endif
