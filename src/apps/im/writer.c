/* The message writer: see writer.h. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
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
#include "core/banned.h"

#define BATCH_MAX 1024 /* sends in one transaction at most */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct im_send *head, *tail;
	int running, stopping;
	pthread_t thread;
	struct store *st;
	const struct keyring *kr;
} w = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

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
static int render(struct im_send *s, int64_t seq)
{
	struct store_stmt *q = store_prepare(w.st, "SELECT " IM_MESSAGE_COLS " FROM messages m"
						   " WHERE m.conversation_id = ? AND m.seq = ?");
	store_bind_int(q, 1, s->cid);
	store_bind_int(q, 2, seq);
	if (store_step(q) != STORE_ROW) {
		store_reset(q);
		return -1;
	}
	struct jsonw j;
	jsonw_init(&j);
	im_message_write(w.st, w.kr, q, &j);
	store_reset(q);
	s->message = j.buf; /* taken over: jsonw_release is not called */
	s->message_len = j.len;
	return 0;
}

/* A retry: the message this sender stored under this client_id, if any.  Its seq, 0, or -1. */
static int64_t stored_before(struct im_send *s)
{
	if (!*s->client_id)
		return 0;
	struct store_stmt *q = store_prepare(w.st,
		"SELECT seq FROM messages WHERE conversation_id = ? AND sender_id = ? AND client_id = ?");
	store_bind_int(q, 1, s->cid);
	store_bind_int(q, 2, s->sender);
	store_bind_text(q, 3, s->client_id, -1);
	enum store_rc rc = store_step(q);
	int64_t seq = rc == STORE_ROW ? store_col_int(q, 0) : rc == STORE_DONE ? 0 : -1;
	store_reset(q);
	return seq;
}

/* Stores one send inside the batch's transaction.  0, or -1 when the store failed (the batch
 * fails); a send refused for its own reason sets s->err and returns 0. */
static int store_one(struct im_send *s, int64_t now)
{
	int64_t seq = stored_before(s);
	if (seq < 0)
		return -1;
	if (seq) {
		s->duplicate = 1;
		return render(s, seq);
	}
	/* The route checked membership; it may have changed since, on another loop. */
	struct store_stmt *q = store_prepare(w.st,
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
	q = store_prepare(w.st, "UPDATE conversations SET last_seq = last_seq + 1, last_at = ? WHERE id = ? RETURNING last_seq");
	store_bind_int(q, 1, now);
	store_bind_int(q, 2, s->cid);
	rc = store_step(q);
	seq = rc == STORE_ROW ? store_col_int(q, 0) : 0;
	store_reset(q);
	if (!seq)
		return -1;
	q = store_prepare(w.st,
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
	if (s->text && im_search_index(w.st, s->eid, s->cid, seq, s->sender, now, s->text))
		return -1;
	for (size_t i = 0; i < s->nmentions; i++) {
		q = store_prepare(w.st, "INSERT OR IGNORE INTO message_mentions (conversation_id, seq, user_id) VALUES (?, ?, ?)");
		store_bind_int(q, 1, s->cid);
		store_bind_int(q, 2, seq);
		store_bind_int(q, 3, s->mentions[i]);
		if (store_run(q) != STORE_DONE)
			return -1;
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		q = store_prepare(w.st, "INSERT OR IGNORE INTO message_files (conversation_id, seq, enterprise_id, file_id)"
					" VALUES (?, ?, ?, ?)");
		store_bind_int(q, 1, s->cid);
		store_bind_int(q, 2, seq);
		store_bind_int(q, 3, s->eid);
		store_bind_int(q, 4, s->files[i]);
		if (store_run(q) != STORE_DONE)
			return -1;
	}
	/* What one sends, one has read. */
	q = store_prepare(w.st, "UPDATE conversation_members SET read_seq = ? WHERE conversation_id = ? AND user_id = ?");
	store_bind_int(q, 1, seq);
	store_bind_int(q, 2, s->cid);
	store_bind_int(q, 3, s->sender);
	if (store_run(q) != STORE_DONE)
		return -1;
	return render(s, seq);
}

/* Pushes each new message of the batch to its conversation's members. */
static void publish(struct im_send *batch)
{
	int64_t cid = 0, *users = NULL;
	size_t n = 0;
	for (struct im_send *s = batch; s; s = s->next) {
		if (s->err || s->duplicate || !s->message)
			continue;
		if (s->cid != cid) {
			free(users);
			users = NULL;
			cid = im_members(w.st, s->cid, &users, &n) ? 0 : s->cid;
			if (!cid)
				continue;
		}
		size_t len;
		char *event = im_message_event(s->message, s->message_len, &len);
		if (!event)
			continue;
		hub_publish(users, n, event, len);
		free(event);
	}
	free(users);
}

static void run_batch(struct im_send *batch)
{
	int64_t now = clock_now_ms();
	int ok = store_begin(w.st) == STORE_OK;
	for (struct im_send *s = batch; ok && s; s = s->next)
		ok = !store_one(s, now);
	if (ok && store_commit(w.st) == STORE_OK) {
		publish(batch);
		return;
	}
	fprintf(stderr, "atrium: message writer: %s\n", store_errmsg(w.st));
	store_rollback(w.st);
	for (struct im_send *s = batch; s; s = s->next) {
		free(s->message);
		s->message = NULL;
		s->duplicate = 0;
		fail(s, ERR_INTERNAL, "the message could not be stored; send it again with the same client_id");
	}
}

static void *writer_main(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&w.lock);
		while (!w.head && !w.stopping)
			pthread_cond_wait(&w.wake, &w.lock);
		struct im_send *batch = w.head, *last = batch;
		for (int i = 1; last && last->next && i < BATCH_MAX; i++)
			last = last->next;
		if (last) {
			w.head = last->next;
			if (!w.head)
				w.tail = NULL;
			last->next = NULL;
		}
		int stop = w.stopping && !w.head && !batch;
		pthread_mutex_unlock(&w.lock);
		if (stop)
			return NULL;
		if (!batch)
			continue;
		run_batch(batch);
		for (struct im_send *s = batch, *next; s; s = next) {
			next = s->next;
			s->next = NULL;
			finish(s);
		}
	}
}

int im_writer_start(const char *db_path, const struct keyring *kr, char *err, size_t errlen)
{
	sigset_t all, old;
	if (!(w.st = store_open(db_path, err, errlen)))
		return -1;
	w.kr = kr;
	w.stopping = 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&w.thread, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the message writer");
		store_close(w.st);
		w.st = NULL;
		return -1;
	}
	pthread_mutex_lock(&w.lock);
	w.running = 1;
	pthread_mutex_unlock(&w.lock);
	return 0;
}

void im_writer_stop(void)
{
	pthread_mutex_lock(&w.lock);
	if (!w.running) {
		pthread_mutex_unlock(&w.lock);
		return;
	}
	w.stopping = 1;
	pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
	pthread_join(w.thread, NULL);
	pthread_mutex_lock(&w.lock);
	w.running = 0;
	pthread_mutex_unlock(&w.lock);
	store_close(w.st);
	w.st = NULL;
}

void im_writer_submit(struct im_send *s)
{
	s->next = NULL;
	pthread_mutex_lock(&w.lock);
	if (!w.running || w.stopping) {
		pthread_mutex_unlock(&w.lock);
		fail(s, ERR_UNAVAILABLE, "the server is stopping; send again with the same client_id");
		finish(s);
		return;
	}
	if (w.tail)
		w.tail->next = s;
	else
		w.head = s;
	w.tail = s;
	pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
}
