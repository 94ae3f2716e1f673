/*
 * Messages as clients see them, written the same way by every path that shows one: the reply
 * to a send, the event pushed to members, history and sync.
 */
#ifndef ATRIUM_APPS_IM_MESSAGE_H
#define ATRIUM_APPS_IM_MESSAGE_H
#include <stdint.h>
#include "core/jsonw.h"
#include "crypto/keyring.h"
#include "store/store.h"

/* The columns im_message_write() reads, from messages aliased m, in this order. */
#define IM_MESSAGE_COLS                                                                           \
	"m.conversation_id, m.seq, m.id, m.sender_id, m.client_id, m.kind, m.body, m.reply_to, " \
	"m.created_at, m.recalled_at, m.enterprise_id"

/*
 * Writes the message the statement s is on (IM_MESSAGE_COLS first) as one JSON object:
 * conversation_id, seq, id, sender ({user_id, name}, a pseudonym once they have left, null for
 * the system), client_id (the sender's id for the send, when given), kind, body (the content by kind; {} once
 * recalled), recalled, reply_to, created_at.
 */
void im_message_write(struct store *st, const struct keyring *kr, struct store_stmt *s, struct jsonw *w);

/* The event that carries a message of enterprise eid to devices:
 * {"type":"message","enterprise_id":"…","message":<message>}, malloc'ed (NULL when out of
 * memory), its length in *len. */
char *im_message_event(int64_t eid, const char *message, size_t message_len, size_t *len /* OUT */);

/* Kinds a member may send, and the system's own events. */
int im_kind_sendable(const char *kind);

#endif
