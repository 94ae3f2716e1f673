/* Retention rules, and the sweep that applies them in bounded batches (PP-29, PP-33). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/mem.h"
#include "privacy/audit.h"
#include "privacy/datamap.h"
#include "privacy/retention.h"
#include "core/banned.h"

#define DAY_MS (24LL * 3600 * 1000)

/* Milliseconds n days before t; INT64_MIN (nothing is that old) for absurd n. */
static int64_t days_before(int64_t t, long days)
{
	if (days > 100000)
		return INT64_MIN;
	return t - (int64_t)days * DAY_MS;
}

/* Codes live code-ttl (at most a day); a day of them also serves the per-number daily limit. */
static int64_t codes_due(const struct config *cfg, int64_t now)
{
	return days_before(now, 1);
}

/* A session idle past session-idle-days has ended (account.c refuses it): its device data goes.
 * The registry's retention of sessions says so. */
static int64_t sessions_due(const struct config *cfg, int64_t now)
{
	return days_before(now, cfg->session_idle_days);
}

static int64_t notifications_due(const struct config *cfg, int64_t now)
{
	return days_before(now, RETENTION_NOTIFICATION_DAYS);
}

/* Pending members carry their own deadline (pending-days after they were entered). */
static int64_t now_due(const struct config *cfg, int64_t now)
{
	return now;
}

static int64_t requests_due(const struct config *cfg, int64_t now)
{
	return days_before(now, RETENTION_REQUEST_DAYS);
}

static int64_t device_changes_due(const struct config *cfg, int64_t now)
{
	return days_before(now, RETENTION_DEVICE_CHANGE_DAYS);
}

/*
 * Exports have no rule here: their registry entry keeps the record while the account exists and
 * deletes the file 7 days after it is ready, which the export job does (privacy/export.h).
 *
 * One rule: the rows of table that are due at a cutoff.  select finds them in id order after a
 * cursor (binds: cursor, cutoff, limit), so each batch continues where the last stopped and a
 * sweep reads the table once by its primary key; delete removes one by id, or, where the row
 * outlives part of it, clears that part (and the column judged by, so it is not due again).  The
 * rule applies only when the data map declares both the table's id and the column it judges by.
 */
static const struct rule {
	const char *table, *column, *what;
	const char *select, *delete;
	int64_t (*cutoff)(const struct config *cfg, int64_t now);
} rules[] = {
	{ "verification_codes", "created_at", "verification codes created more than a day ago",
	  "SELECT id FROM verification_codes WHERE id > ? AND created_at <= ? ORDER BY id LIMIT ?",
	  "DELETE FROM verification_codes WHERE id = ?", codes_due },
	{ "sessions", "last_seen_at", "sessions idle past session-idle-days (ended), with their device data",
	  "SELECT id FROM sessions WHERE id > ? AND last_seen_at < ? ORDER BY id LIMIT ?",
	  "DELETE FROM sessions WHERE id = ?", sessions_due },
	{ "notifications", "read_at", "notifications read more than 180 days ago",
	  "SELECT id FROM notifications WHERE id > ? AND read_at IS NOT NULL AND read_at < ? ORDER BY id LIMIT ?",
	  "DELETE FROM notifications WHERE id = ?", notifications_due },
	{ "rights_requests", "answered_at", "rights requests closed more than 3 years ago",
	  "SELECT id FROM rights_requests WHERE id > ? AND status <> 'open' AND answered_at < ? ORDER BY id LIMIT ?",
	  "DELETE FROM rights_requests WHERE id = ?", requests_due },
	{ "pending_members", "expires_at", "what enterprises entered about people who did not answer within pending-days",
	  "SELECT id FROM pending_members WHERE id > ? AND expires_at <= ? ORDER BY id LIMIT ?",
	  "DELETE FROM pending_members WHERE id = ?", now_due },
	/* Each enterprise sets its own period (im_settings.retention_days; none: kept).  The files a
	 * message carried lose their last reference and go with the file store's sweep. */
	{ "messages", "created_at", "messages older than their enterprise's retention period",
	  "SELECT m.id FROM messages m JOIN im_settings s ON s.enterprise_id = m.enterprise_id"
	  " WHERE m.id > ? AND s.retention_days IS NOT NULL AND m.created_at < ? - s.retention_days * 86400000"
	  " ORDER BY m.id LIMIT ?",
	  "DELETE FROM messages WHERE id = ?", now_due },
	/* A punch keeps its place and distance; its raw coordinates go once their enterprise's
	 * period (location_retention_days, stamped on the punch) has passed: the "delete" of this
	 * rule clears the sealed column, not the row. */
	{ "attendance_punches", "location_expires_at", "raw punch coordinates past their enterprise's retention period (the punch stays)",
	  "SELECT id FROM attendance_punches WHERE id > ? AND location_expires_at <= ? ORDER BY id LIMIT ?",
	  "UPDATE attendance_punches SET location_sealed = NULL, location_expires_at = NULL WHERE id = ?", now_due },
	{ "attendance_device_changes", "decided_at", "device change requests decided more than 90 days ago",
	  "SELECT id FROM attendance_device_changes WHERE id > ? AND decided_at < ? ORDER BY id LIMIT ?",
	  "DELETE FROM attendance_device_changes WHERE id = ?", device_changes_due },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static void pause_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
	if (ms > 0)
		nanosleep(&ts, NULL);
}

/* One batch in one transaction: up to batch ids after *cursor; *removed gets the count. */
static int sweep_batch(struct store *st, const struct rule *r, int64_t cutoff, int batch, int64_t *ids,
		       int64_t *cursor, int *removed)
{
	char object[AUDIT_OBJECT_LEN], detail[64];
	int n = 0, rc = -1;
	*removed = 0;
	if (store_begin(st) != STORE_OK)
		return -1;
	struct store_stmt *s = store_prepare(st, r->select);
	store_bind_int(s, 1, *cursor);
	store_bind_int(s, 2, cutoff);
	store_bind_int(s, 3, batch);
	enum store_rc src = STORE_DONE;
	while (n < batch && (src = store_step(s)) == STORE_ROW)
		ids[n++] = store_col_int(s, 0);
	store_reset(s);
	if (n < batch && src != STORE_DONE)
		goto out;
	for (int i = 0; i < n; i++) {
		s = store_prepare(st, r->delete);
		store_bind_int(s, 1, ids[i]);
		if (store_run(s) != STORE_DONE)
			goto out;
		*removed += store_changes(st);
	}
	if (n) {
		*cursor = ids[n - 1];
		snprintf(object, sizeof(object), "table:%s", r->table);
		snprintf(detail, sizeof(detail), "{\"removed\":%d}", *removed);
		/* One entry per batch, committed with it: the chain records every deletion, no one's
		 * data (a table and a count). */
		if (audit_append(st, 0, "retention.sweep", 0, object, detail) || store_commit(st) != STORE_OK)
			goto out;
	} else {
		store_rollback(st);
	}
	/* A short batch was the last one. */
	rc = n < batch ? 1 : 0;
out:
	if (rc < 0) {
		store_rollback(st);
		*removed = 0;
	}
	return rc;
}

int retention_run(struct store *st, const struct config *cfg, int64_t now, const struct retention_opts *opts,
		  void (*fn)(const struct retention_report *r, void *arg), void *arg)
{
	int batch = opts && opts->batch > 0 ? opts->batch : RETENTION_BATCH;
	int pause = opts ? opts->pause_ms : 0, failed = 0;
	int (*stopping)(void) = opts ? opts->stopping : NULL;
	int64_t *ids = xmalloc(sizeof(*ids) * (size_t)batch);
	for (size_t i = 0; i < NRULES; i++) {
		const struct rule *r = &rules[i];
		struct retention_report rep = { .table = r->table, .rule = r->what };
		if (!datamap_find(r->table, "id") || !datamap_find(r->table, r->column)) {
			rep.skipped = 1;
		} else {
			int64_t cutoff = r->cutoff(cfg, now), cursor = 0;
			for (;;) {
				if (stopping && stopping())
					break;
				int removed, rc = sweep_batch(st, r, cutoff, batch, ids, &cursor, &removed);
				if (rc < 0) {
					failed = 1;
					break;
				}
				rep.removed += removed;
				rep.batches += removed > 0;
				if (rc > 0)
					break;
				/* Let the event loops' writers in before the next batch. */
				pause_ms(pause);
			}
		}
		if (fn)
			fn(&rep, arg);
	}
	free(ids);
	return failed ? -1 : 0;
}
