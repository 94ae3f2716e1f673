/*
 * The address book's search keys of members' names: the pinyin of name_in_enterprise, stored
 * beside it (members.name_pinyin, members.name_initials) so a search reads them rather than
 * computing them for every member at every keystroke.  Whoever writes a member's name calls
 * member_search_keys_update() in the same transaction.
 */
#ifndef ATRIUM_APPS_ORG_ADDRESS_BOOK_H
#define ATRIUM_APPS_ORG_ADDRESS_BOOK_H
#include <stdint.h>
#include "store/store.h"

/*
 * Recomputes the keys of member uid of eid from the name stored now (core/pinyin.h: full and
 * initials).  A name whose keys cannot be made (not UTF-8) gets empty keys: it is still found
 * by its characters.  0, or -1 when the store fails; no such member is no failure.
 */
int member_search_keys_update(struct store *st, int64_t eid, int64_t uid);

/*
 * Fills the keys of every member whose keys are empty (rows older than the keys, or written by
 * hand), in one transaction of its own.  Run by the server at start, before it serves.  Returns
 * how many rows it looked at, or -1 (nothing changed).
 */
int member_search_keys_backfill(struct store *st);

#endif
