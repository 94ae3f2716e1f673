/* The job runner's thread: sleep until poked or a minute passes, run every job, again. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include "jobs/jobs.h"
#include "core/banned.h"

#define ROUND_S 60 /* a job also runs this often unpoked: expiry and sweeps need no trigger */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int poked, started;
	atomic_int stopping;
	pthread_t thread;
	struct store *st, *rd;
	const struct job *list;
} runner = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int stopping(void)
{
	return atomic_load(&runner.stopping);
}

static void *run(void *arg)
{
	(void)arg;
	struct timespec next;
	for (;;) {
		for (const struct job *j = runner.list; j->name && !stopping(); j++)
			if (j->run(runner.st, runner.rd, j->arg, stopping))
				fprintf(stderr, "atrium: job %s failed; it runs again at the next wake\n", j->name);
		clock_gettime(CLOCK_MONOTONIC, &next);
		next.tv_sec += ROUND_S;
		pthread_mutex_lock(&runner.lock);
		while (!runner.poked && !stopping() &&
		       pthread_cond_timedwait(&runner.wake, &runner.lock, &next) == 0)
			;
		runner.poked = 0;
		pthread_mutex_unlock(&runner.lock);
		if (stopping())
			return NULL;
	}
}

int jobs_start(const char *db_path, const struct job *list, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	if (runner.started) {
		snprintf(err, errlen, "the job runner is already running");
		return -1;
	}
	if (!(runner.st = store_open(db_path, err, errlen)) || !(runner.rd = store_open(db_path, err, errlen))) {
		store_close(runner.st);
		runner.st = NULL;
		return -1;
	}
	/* Timed waits on the monotonic clock: a wall-clock step must not stall or rush the runner. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&runner.wake, &ca);
	pthread_condattr_destroy(&ca);
	runner.list = list;
	runner.poked = 0;
	atomic_store(&runner.stopping, 0);
	/* The thread inherits the mask it is created with: with every signal blocked from its first
	 * instruction, SIGTERM can only reach the thread that sigwait()s for it. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&runner.thread, NULL, run, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the job runner");
		pthread_cond_destroy(&runner.wake);
		store_close(runner.rd);
		store_close(runner.st);
		runner.st = runner.rd = NULL;
		return -1;
	}
	pthread_mutex_lock(&runner.lock);
	runner.started = 1;
	pthread_mutex_unlock(&runner.lock);
	return 0;
}

void jobs_poke(void)
{
	pthread_mutex_lock(&runner.lock);
	runner.poked = 1;
	if (runner.started)
		pthread_cond_signal(&runner.wake);
	pthread_mutex_unlock(&runner.lock);
}

void jobs_stop(void)
{
	if (!runner.started)
		return;
	pthread_mutex_lock(&runner.lock);
	atomic_store(&runner.stopping, 1);
	pthread_cond_signal(&runner.wake);
	pthread_mutex_unlock(&runner.lock);
	pthread_join(runner.thread, NULL);
	pthread_mutex_lock(&runner.lock);
	runner.started = 0;
	pthread_mutex_unlock(&runner.lock);
	pthread_cond_destroy(&runner.wake);
	store_close(runner.rd);
	store_close(runner.st);
	runner.st = runner.rd = NULL;
}
