/*
 * Full-text search over messages (issue 5): an index of the character pairs of each text message
 * (migrations/0021_im_search.sql), kept in step with the messages inside their own transactions,
 * and the search a member runs over the conversations they are in.  Chinese is found inside
 * words whatever the length of the query (考勤 in 今天考勤打卡了吗), ASCII letters whatever their
 * case, anything by substring.
 */
#ifndef ATRIUM_APPS_IM_SEARCH_H
#define ATRIUM_APPS_IM_SEARCH_H
#include <stddef.h>
#include <stdint.h>
#include "store/store.h"

#define IM_SEARCH_QUERY_MAX 64   /* characters of a query */
#define IM_SEARCH_TEXT_MAX 5000  /* characters of a text indexed: im_search_positions holds as many */

/*
 * Indexes the text of message seq of conversation cid, which the caller has just stored in its
 * open transaction with text as the body's "text" (eid, sender and created_at are the message's;
 * the index reads them from messages).  0, or -1 when the store failed (the caller rolls back).
 */
int im_search_index(struct store *st, int64_t eid, int64_t cid, int64_t seq, int64_t sender, int64_t created_at,
		    const char *text);

/*
 * Removes message seq of cid from the index at once, in the caller's transaction: for a recall,
 * called while the body still holds the text (the trigger im_search_message_replaced covers a
 * caller that clears it first; a deleted message's rows go with it by trigger).  0, or -1.
 */
int im_search_forget(struct store *st, int64_t cid, int64_t seq);

/*
 * Rebuilds the index of every conversation from its messages, one conversation per transaction,
 * so a running server goes on (its searches of a conversation see the old rows or the new).
 * progress, when not NULL, is told after each conversation.  0, or -1 (what was done stays).
 */
int im_search_reindex(struct store *st, void (*progress)(int64_t conversations, int64_t messages, void *arg), void *arg);

/* A search, as the route read it. */
struct im_search {
	int64_t eid, user_id;
	const char *q;           /* 1 to IM_SEARCH_QUERY_MAX characters, no white space around */
	int64_t conversation_id; /* only this conversation; 0 for all the user's */
	int64_t sender_id;       /* only this sender; 0 for any */
	int64_t from, to;        /* created_at from … to, inclusive, in ms */
	int64_t before;          /* only messages whose id is below it: the cursor */
	int limit;
};

/* A message found: its id orders the results (newest first). */
struct im_search_hit {
	int64_t id, conversation_id, seq;
};

/*
 * Finds the newest messages, up to s->limit + 1 of them (one more tells there is a next page),
 * of conversations s->user_id is in (live ones of enterprise s->eid), sent after they joined, not
 * recalled, whose text holds s->q (ASCII letters in either case).  hits holds s->limit + 1.
 * The number found, or -1 when the store failed.
 */
int im_search_run(struct store *st, const struct im_search *s, struct im_search_hit *hits /* OUT */);

/*
 * Where q (trimmed, as searched) occurs in text: a piece of text around the first occurrence,
 * at most about 80 characters, with "…" where it was cut, into *snippet (malloc'ed), and the
 * occurrences in it as character offsets and lengths, up to max, into ranges.  Characters are
 * Unicode code points.  The number of ranges.
 */
size_t im_search_highlight(const char *text, const char *q, char **snippet /* OUT */, int64_t (*ranges)[2], size_t max);

#endif
