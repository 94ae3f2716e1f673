/*
 * Exports of a user's data (PP-36).  A request queues one; the job runner builds a ZIP holding
 * data.json (every row the data map says is the user's, each column whose export is
 * EXPORT_VALUE, sealed fields opened) and index.html (the same for a person to read, Chinese
 * first, then English).  The file waits in <data>/exports/ for EXPORT_KEEP_MS after it is ready
 * and is deleted then.  The state of every export lives in table exports, so an export that a
 * crash or a stop cut short is built again at the next start.
 */
#ifndef ATRIUM_PRIVACY_EXPORT_H
#define ATRIUM_PRIVACY_EXPORT_H
#include <stddef.h>
#include <stdint.h>
#include "crypto/keyring.h"
#include "store/store.h"

#define EXPORT_DIR "exports" /* under the data folder */
#define EXPORT_KEEP_MS (7 * 24 * 3600 * 1000LL)
#define EXPORT_FILE_LEN 32   /* "<id>.zip" and its NUL */

enum export_status { EXPORT_QUEUED, EXPORT_RUNNING, EXPORT_READY, EXPORT_FAILED, EXPORT_EXPIRED };

struct export_info {
	int64_t id, user, created_at;
	int64_t ready_at, expires_at, size; /* 0 until ready */
	enum export_status status;
	int progress;                       /* 0-100 */
	char file[EXPORT_FILE_LEN];         /* its file in the exports folder; "" when none */
};

/* "queued", "running", "ready", "failed" or "expired". */
const char *export_status_name(enum export_status s);

/*
 * Queues an export of user's data, or, when one of theirs is still queued or running, gives that
 * one (*created 0) rather than queue the same work twice.  Runs inside the caller's write
 * transaction.  Returns 0 or -1.
 */
int export_request(struct store *st, int64_t user, int64_t now, struct export_info *out /* OUT */,
		   int *created /* OUT */);
/*
 * Reads export id if it is user's: 0, 1 when there is no such export of user's, -1 on error.  A
 * ready export whose time is up reads as EXPORT_EXPIRED even before the sweep has marked it.
 */
int export_get(struct store *st, int64_t user, int64_t id, int64_t now, struct export_info *out /* OUT */);

/*
 * Writes the ZIP of everything the data map says is user's, read in one snapshot of rd (the
 * function opens and ends the read transaction), to fd.  progress (may be NULL) hears the
 * percentage done now and then; stopping (may be NULL) is asked now and then, and a non-zero
 * answer abandons the work.  *size gets the archive's length.  Returns 0, or -1 with the reason
 * in err.
 */
int export_write(struct store *rd, const struct keyring *kr, int64_t user, int64_t export_id,
		 int64_t now, int fd, void (*progress)(void *arg, int percent), void *arg,
		 int (*stopping)(void), uint64_t *size /* OUT */, char *err, size_t errlen);

/*
 * Makes erasure take an account's export files with its rows (the rows alone would leave the
 * ZIPs on disk until the job's next sweep).  dir is <data>/exports; call once at start.
 */
void export_init(const char *dir);

/* What the export job needs; dir is <data>/exports, created when missing. */
struct export_env {
	const struct keyring *kr;
	const char *dir;
	int recovered; /* 0 until the first run has put cut-off exports back in the queue */
};

/*
 * The job (jobs/jobs.h; arg is a struct export_env): builds every queued export, then deletes
 * the files whose time is up and any file no ready export names (an erased account's).  0 or -1.
 */
int export_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void));

#endif
