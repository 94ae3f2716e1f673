/*
 * Importing people from a CSV or XLSX file (PP-04, PP-11): an administrator uploads the file,
 * the job runner checks every row and either stores them all as pending members (join.h) — who
 * then accept or decline — or stores none and reports each bad row.  Progress is visible while
 * it runs; the file is deleted once read.
 */
#ifndef ATRIUM_APPS_ORG_IMPORT_H
#define ATRIUM_APPS_ORG_IMPORT_H
#include "core/config.h"
#include "crypto/keyring.h"
#include "notify/notify.h"
#include "store/store.h"

/* What the import job needs beside its connections. */
struct import_env {
	const struct config *cfg;
	const struct keyring *kr;
	struct notify *notify;
};

/* The job (jobs.h): runs every queued import, and any a crash interrupted, from the start. */
int import_job(struct store *st, struct store *rd, void *env /* struct import_env */, int (*stopping)(void));

#endif
