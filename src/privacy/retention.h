/*
 * Retention (PP-29, PP-33): the rules that delete what has outlived its purpose, each in bounded
 * batches so a sweep never holds the database long.  The rules are in retention.c; each names a
 * table of the data map, and a rule whose table the data map does not declare (a module not in
 * this build) is skipped.
 */
#ifndef ATRIUM_PRIVACY_RETENTION_H
#define ATRIUM_PRIVACY_RETENTION_H
#include <stdint.h>
#include "core/config.h"
#include "store/store.h"

#define RETENTION_BATCH 500
/* Read notifications are kept this long after they were read. */
#define RETENTION_NOTIFICATION_DAYS 180
/* Closed rights requests are kept this long (3 years, one of them a leap year). */
#define RETENTION_REQUEST_DAYS 1096
/* Decided attendance device changes are kept this long: the monthly limit looks back a month. */
#define RETENTION_DEVICE_CHANGE_DAYS 90

struct retention_opts {
	int batch;                /* rows per transaction; 0: RETENTION_BATCH */
	int pause_ms;             /* sleep between batches so other writers get their turn */
	int (*stopping)(void);    /* non-zero: stop after the current batch; NULL: never */
};

/* What one rule did. */
struct retention_report {
	const char *table;
	const char *rule;    /* what it deletes, for people */
	int64_t removed;     /* rows deleted, committed */
	int batches;         /* transactions that deleted something */
	int skipped;         /* the table is not in this build */
};

/*
 * Applies every rule as of now: deletes due rows in transactions of at most opts->batch rows,
 * each with one audit entry ("retention.sweep", object "table:<name>", detail the count).  Calls
 * fn (may be NULL) once per rule, in rule order.  opts may be NULL (defaults).  Returns 0, or -1
 * when a rule failed (what was committed before stays; the rules after it still run).
 */
int retention_run(struct store *st, const struct config *cfg, int64_t now,
		  const struct retention_opts *opts,
		  void (*fn)(const struct retention_report *r, void *arg), void *arg);

#endif
