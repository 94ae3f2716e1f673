/*
 * The job runner: one background thread, beside the event loops, for work too long for a request
 * (DESIGN §6: bulk work never blocks an event loop).  It wakes when poked and once a minute, and
 * runs each job in turn; a job finds what is due in the database (its state lives in tables, so
 * work a crash interrupted is found again at the next start) and does it.
 */
#ifndef ATRIUM_JOBS_JOBS_H
#define ATRIUM_JOBS_JOBS_H
#include <stddef.h>
#include "store/store.h"

/*
 * A job.  run does what is due and returns 0, or -1 after saying why on stderr (it runs again at
 * the next wake).  st is the runner's connection for short writes; rd a second connection for
 * long snapshot reads, so a job can record its progress on st while it reads on rd.  A long run
 * asks stopping() now and then and returns early, leaving its work to be taken up again, once
 * it answers non-zero.
 */
struct job {
	const char *name;
	int (*run)(struct store *st, struct store *rd, void *arg, int (*stopping)(void));
	void *arg;
};

/*
 * Starts the runner on its own two connections to db_path, running the jobs of list (terminated
 * by a NULL name; it must outlive the runner) at once and then when poked or every minute.  The
 * thread blocks every signal: they stay with the thread that waits for them.  Returns 0, or -1
 * with a message in err.  One runner per process.
 */
int jobs_start(const char *db_path, const struct job *list, char *err, size_t errlen);
/* Wakes the runner now (cheap; any thread; a no-op when it is not running). */
void jobs_poke(void);
/* Asks the runner to stop, waits for the job in progress to return, closes its connections. */
void jobs_stop(void);

#endif
