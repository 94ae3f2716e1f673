/*
 * External contacts of an enterprise: cards of customers and partners, each held by the member
 * who made it and shared with departments or colleagues.  What other code needs of them: who may
 * see a card, and the handover of a leaving member's cards, so none is lost (PP-09, PP-37).
 */
#ifndef ATRIUM_APPS_ORG_CONTACT_H
#define ATRIUM_APPS_ORG_CONTACT_H
#include <stdint.h>
#include "apps/org/org.h"
#include "store/store.h"

/*
 * Whether the member m sees card cid of m's enterprise: its owner, an administrator holding the
 * members right, a colleague it is shared with, or a member of a department it is shared with or
 * of one below it.  1, 0 (also when there is no such card), or -1 when the store fails.
 */
int contact_visible(struct store *st, const struct org_member *m, int64_t cid);

/*
 * Who receives the cards of leaver by default: the first active head (by user id) of the
 * leaver's primary department who is not the leaver, else the owner of the enterprise.  The user
 * id, or -1 when the store fails.
 */
int64_t contact_heir(struct store *st, int64_t eid, int64_t leaver);

/*
 * Hands every card from holds in eid over to to, and drops the shares that name from as a
 * colleague.  Runs inside the caller's transaction, before the membership of from is erased.
 * Returns the number of cards handed over, or -1 (the caller rolls back).
 */
int contact_handover(struct store *st, int64_t eid, int64_t from, int64_t to);

/*
 * The contacts' part of a member leaving or being removed (contact_routes.c): the recipient is
 * handover_to (a user id text, may be NULL for the default of contact_heir), which must be an
 * active member of eid other than from, else 400 handover_target_invalid and nothing changes.
 * Hands the cards over and audits it as contact.handover with counts only.  Inside the caller's
 * transaction; ERR_OK or the failure (recorded on r).
 */
enum err contact_leave(struct req *r, int64_t eid, int64_t from, const char *handover_to);

#endif
