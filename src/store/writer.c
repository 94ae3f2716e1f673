/* The writer: see writer.h. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include "store/writer.h"
#include "core/banned.h"

#define BATCH_MAX 1024 /* items in one transaction at most */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct writer_item *head, *tail;
	int running, stopping;
	pthread_t thread;
	struct store *st;
} w = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static int exec(const char *sql)
{
	return store_run(store_prepare(w.st, sql)) == STORE_DONE ? 0 : -1;
}

/* Runs one item in a savepoint: 1 stored, 0 refused by the store (undone), -1 when the
 * savepoint itself failed (the batch cannot go on). */
static int store_one(struct writer_item *it)
{
	if (exec("SAVEPOINT item"))
		return -1;
	if (!it->store(w.st, it))
		return exec("RELEASE item") ? -1 : 1;
	fprintf(stderr, "atrium: writer: an item was not stored (%s)\n", store_errmsg(w.st));
	return exec("ROLLBACK TO item") || exec("RELEASE item") ? -1 : 0;
}

static void run_batch(struct writer_item *batch, int n)
{
	unsigned char ok[BATCH_MAX] = { 0 };
	int i = 0, fine = store_begin(w.st) == STORE_OK;
	for (struct writer_item *it = batch; fine && it; it = it->next, i++) {
		int rc = store_one(it);
		ok[i] = rc == 1;
		fine = rc >= 0;
	}
	if (!fine || store_commit(w.st) != STORE_OK) {
		fprintf(stderr, "atrium: writer: batch of %d lost: %s\n", n, store_errmsg(w.st));
		store_rollback(w.st);
		for (i = 0; i < n; i++)
			ok[i] = 0;
	}
	i = 0;
	for (struct writer_item *it = batch, *next; it; it = next, i++) {
		next = it->next;
		it->next = NULL;
		it->done(w.st, it, ok[i]);
	}
}

static void *writer_main(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&w.lock);
		while (!w.head && !w.stopping)
			pthread_cond_wait(&w.wake, &w.lock);
		struct writer_item *batch = w.head, *last = batch;
		int n = batch ? 1 : 0;
		for (; last && last->next && n < BATCH_MAX; n++)
			last = last->next;
		if (last) {
			w.head = last->next;
			if (!w.head)
				w.tail = NULL;
			last->next = NULL;
		}
		pthread_mutex_unlock(&w.lock);
		if (!batch)
			return NULL; /* stopping, and nothing is left */
		run_batch(batch, n);
	}
}

int writer_start(const char *db_path, char *err, size_t errlen)
{
	sigset_t all, old;
	if (!(w.st = store_open(db_path, err, errlen)))
		return -1;
	w.stopping = 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&w.thread, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the writer thread");
		store_close(w.st);
		w.st = NULL;
		return -1;
	}
	pthread_mutex_lock(&w.lock);
	w.running = 1;
	pthread_mutex_unlock(&w.lock);
	return 0;
}

void writer_stop(void)
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

int writer_submit(struct writer_item *it)
{
	it->next = NULL;
	pthread_mutex_lock(&w.lock);
	if (!w.running || w.stopping) {
		pthread_mutex_unlock(&w.lock);
		return -1;
	}
	if (w.tail)
		w.tail->next = it;
	else
		w.head = it;
	w.tail = it;
	pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
	return 0;
}
