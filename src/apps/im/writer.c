/* The message writer: see writer.h. */
#include <stdlib.h>
#include <string.h>
#include "apps/im/hub.h"
#include "apps/im/im.h"
#include "apps/im/message.h"
#include "apps/im/search.h"
#include "apps/im/writer.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "store/store.h"
#include "store/writer.h"
#include "core/banned.h"

void im_send_free(struct im_send *s)
{
	if (!s)
		return;
	free(s->body);
	free(s->text);
	free(s->message);
	free(s);
}

static void finish(struct im_send *s)
{
	loop_post(s->loop, (void (*)(void *))s->done, s);
}

static void fail(struct im_send *s, enum err e, const char *detail)
{
	s->err = e;
	s->detail = detail;
}

/* The message (cid, seq) as clients see it, into s->message. */
static int render(struct store *st, struct im_send *s, int64_t seq)
{
	struct store_stmt *q = store_prepare(st, "SELECT " IM_MESSAGE_COLS " FROM messages m"
						   " WHERE m.conversation_id = ? AND m.seq = ?");
	store_bind_int(q, 1, s->cid);
	store_bind_int(q, 2, seq);
	if (store_step(q) != STORE_ROW) {
		store_reset(q);
		return -1;
	}
	struct jsonw j;
	jsonw_init(&j);
	im_message_write(st, s->kr, q, &j);
	store_reset(q);
	s->message = j.buf; /* taken over: jsonw_release is not called */
	s->message_len = j.len;
	return 0;
}

/* A retry: the message this sender stored under this client_id, if any.  Its seq, 0, or -1. */
static int64_t stored_before(struct store *st, struct im_send *s)
{
	if (!*s->client_id)
		return 0;
	struct store_stmt *q = store_prepare(st,
		"SELECT seq FROM messages WHERE conversation_id = ? AND sender_id = ? AND client_id = ?");
	store_bind_int(q, 1, s->cid);
	store_bind_int(q, 2, s->sender);
	store_bind_text(q, 3, s->client_id, -1);
	enum store_rc rc = store_step(q);
	int64_t seq = rc == STORE_ROW ? store_col_int(q, 0) : rc == STORE_DONE ? 0 : -1;
	store_reset(q);
	return seq;
}

/* Stores one send inside the writer's batch (writer_item.store). */
static int store_send(struct store *st, struct writer_item *it)
{
	struct im_send *s = (struct im_send *)it;
	int64_t now = clock_now_ms();
	int64_t seq = stored_before(st, s);
	if (seq < 0)
		return -1;
	if (seq) {
		s->duplicate = 1;
		return render(st, s, seq);
	}
	/* The route checked membership; it may have changed since, on another loop. */
	struct store_stmt *q = store_prepare(st,
		"SELECT c.dissolved_at IS NULL FROM conversations c JOIN conversation_members m"
		" ON m.conversation_id = c.id AND m.user_id = ? WHERE c.id = ? AND c.enterprise_id = ?");
	store_bind_int(q, 1, s->sender);
	store_bind_int(q, 2, s->cid);
	store_bind_int(q, 3, s->eid);
	enum store_rc rc = store_step(q);
	int open = rc == STORE_ROW && store_col_int(q, 0);
	store_reset(q);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return -1;
	if (!open) {
		fail(s, ERR_CONVERSATION_NOT_FOUND, NULL);
		return 0;
	}
	q = store_prepare(st, "UPDATE conversations SET last_seq = last_seq + 1, last_at = ? WHERE id = ? RETURNING last_seq");
	store_bind_int(q, 1, now);
	store_bind_int(q, 2, s->cid);
	rc = store_step(q);
	seq = rc == STORE_ROW ? store_col_int(q, 0) : 0;
	store_reset(q);
	if (!seq)
		return -1;
	q = store_prepare(st,
		"INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, client_id, kind, body, reply_to,"
		" created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, NULLIF(?, 0), ?)");
	store_bind_int(q, 1, s->cid);
	store_bind_int(q, 2, seq);
	store_bind_int(q, 3, id_next());
	store_bind_int(q, 4, s->eid);
	store_bind_int(q, 5, s->sender);
	store_bind_text(q, 6, s->client_id, -1);
	store_bind_text(q, 7, s->kind, -1);
	store_bind_text(q, 8, s->body, -1);
	store_bind_int(q, 9, s->reply_to);
	store_bind_int(q, 10, now);
	if (store_run(q) != STORE_DONE)
		return -1;
	if (s->text && im_search_index(st, s->eid, s->cid, seq, s->sender, now, s->text))
		return -1;
	for (size_t i = 0; i < s->nmentions; i++) {
		q = store_prepare(st, "INSERT OR IGNORE INTO message_mentions (conversation_id, seq, user_id) VALUES (?, ?, ?)");
		store_bind_int(q, 1, s->cid);
		store_bind_int(q, 2, seq);
		store_bind_int(q, 3, s->mentions[i]);
		if (store_run(q) != STORE_DONE)
			return -1;
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		q = store_prepare(st, "INSERT OR IGNORE INTO message_files (conversation_id, seq, enterprise_id, file_id)"
					" VALUES (?, ?, ?, ?)");
		store_bind_int(q, 1, s->cid);
		store_bind_int(q, 2, seq);
		store_bind_int(q, 3, s->eid);
		store_bind_int(q, 4, s->files[i]);
		if (store_run(q) != STORE_DONE)
			return -1;
	}
	/* What one sends, one has read. */
	q = store_prepare(st, "UPDATE conversation_members SET read_seq = ? WHERE conversation_id = ? AND user_id = ?");
	store_bind_int(q, 1, seq);
	store_bind_int(q, 2, s->cid);
	store_bind_int(q, 3, s->sender);
	if (store_run(q) != STORE_DONE)
		return -1;
	return render(st, s, seq);
}

/* After the batch (writer_item.done): pushes a new message to the conversation's members, then
 * hands the send back to its loop. */
static void send_done(struct store *st, struct writer_item *it, int committed)
{
	struct im_send *s = (struct im_send *)it;
	int64_t *users = NULL;
	size_t n, len;
	if (!committed) {
		free(s->message);
		s->message = NULL;
		s->duplicate = 0;
		fail(s, ERR_INTERNAL, "the message could not be stored; send it again with the same client_id");
	} else if (!s->err && !s->duplicate && s->message && !im_members(st, s->cid, &users, &n)) {
		char *event = im_message_event(s->eid, s->message, s->message_len, &len);
		if (event)
			hub_publish(users, n, event, len);
		free(event);
		free(users);
	}
	finish(s);
}

void im_writer_submit(struct im_send *s)
{
	s->item.store = store_send;
	s->item.done = send_done;
	if (writer_submit(&s->item)) {
		fail(s, ERR_UNAVAILABLE, "the server is stopping; send again with the same client_id");
		finish(s);
	}
}
