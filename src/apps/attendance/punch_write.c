/* Storing a punch: the bound device, recomputing the day, and the writer's item (punch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/attendance/punch.h"
#include "core/id.h"
#include "privacy/audit.h"
#include "core/banned.h"

int punch_bound_device(struct store *st, int64_t eid, int64_t uid, char dev[CONSENT_DEVICE_LEN])
{
	struct store_stmt *s = store_prepare(st,
		"SELECT device_id FROM attendance_devices WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(dev, CONSENT_DEVICE_LEN, "%s", store_col_text(s, 0));
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

int punch_bind_device(struct store *st, int64_t eid, int64_t uid, const char *dev, int64_t now)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_devices (enterprise_id, user_id, device_id, bound_at) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (enterprise_id, user_id) DO UPDATE SET device_id = excluded.device_id,"
		" bound_at = excluded.bound_at");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, dev, -1);
	store_bind_int(s, 4, now);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/* The Unix milliseconds at which the local month of now began in eid's zone. */
static int64_t month_start(int64_t now, int offset)
{
	char day[ATT_DAY_LEN];
	att_local_time(now, offset, day, NULL);
	day[8] = '0';
	day[9] = '1';
	return att_day_ms(day, offset);
}

/* Changes uid's device without approval when the rule still allows one this month: 1 done,
 * 0 not allowed, -1. */
static int auto_rebind(struct store *st, const struct att_rule *rule, int64_t eid, int64_t uid, const char *dev,
		       int offset, int64_t now)
{
	if (rule->device_changes_per_month <= 0)
		return 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT count(*) FROM attendance_device_changes WHERE enterprise_id = ? AND user_id = ?"
		" AND status = 'automatic' AND created_at >= ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_int(s, 3, month_start(now, offset));
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return -1;
	}
	int64_t used = store_col_int(s, 0);
	store_reset(s);
	if (used >= rule->device_changes_per_month)
		return 0;
	s = store_prepare(st,
		"INSERT INTO attendance_device_changes (id, enterprise_id, user_id, device_id, reason, status, created_at,"
		" decided_at) VALUES (?, ?, ?, ?, '', 'automatic', ?, ?)");
	int64_t id = id_next();
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, uid);
	store_bind_text(s, 4, dev, -1);
	store_bind_int(s, 5, now);
	store_bind_int(s, 6, now);
	if (store_run(s) != STORE_DONE || punch_bind_device(st, eid, uid, dev, now))
		return -1;
	char object[AUDIT_OBJECT_LEN];
	if (audit_append(st, uid, "attendance.device_change", uid, audit_object("device_request", id, object),
			 "{\"status\":\"automatic\"}"))
		return -1;
	return 1;
}


/* Whether a shift of rule ends the day after it starts: a punch may then close yesterday. */
static int crosses_midnight(const struct att_rule *rule)
{
	for (int i = 0; i < rule->nshifts; i++)
		if (rule->shifts[i].end < rule->shifts[i].start)
			return 1;
	return 0;
}

int punch_recompute(struct store *st, int64_t eid, int64_t uid, const char *day, const struct att_rule *rule)
{
	if (att_day_compute(st, eid, uid, day))
		return -1;
	if (rule && crosses_midnight(rule)) {
		char before[ATT_DAY_LEN];
		att_day_add(day, -1, before);
		if (*before && att_day_compute(st, eid, uid, before))
			return -1;
	}
	return 0;
}

int64_t punch_by_key(struct store *st, int64_t eid, int64_t uid, const char *key)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT id FROM attendance_punches WHERE enterprise_id = ? AND user_id = ? AND idempotency_key = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, key, -1);
	int64_t id = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	return id;
}


/* ---- the writer's item ---- */

static void refuse(struct punch_write *p, enum err e, const char *detail)
{
	p->err = e;
	p->detail = detail;
}

/* Binds the device on the first punch, or rebinds it within the rule's monthly allowance;
 * refuses another device.  0 (refused or not: see p->err), or -1. */
static int check_device(struct store *st, struct punch_write *p)
{
	char bound[CONSENT_DEVICE_LEN];
	int found = punch_bound_device(st, p->eid, p->uid, bound);
	if (found < 0)
		return -1;
	if (!found)
		return punch_bind_device(st, p->eid, p->uid, p->device, p->now);
	if (!strcmp(bound, p->device))
		return 0;
	int done = auto_rebind(st, &p->rule, p->eid, p->uid, p->device, p->offset, p->now);
	if (done < 0)
		return -1;
	if (!done)
		refuse(p, ERR_DEVICE_NOT_BOUND, "punches come from the device bound to you; this is another one: "
		       "ask for a device change (POST …/attendance/device-requests)");
	return 0;
}

static int render(struct store *st, struct punch_write *p, int64_t pid, int apps_checked)
{
	struct jsonw w;
	jsonw_init(&w);
	if (punch_render(st, p->kr, p->eid, pid, PUNCH_VIEW_OWN, apps_checked, &w)) {
		jsonw_release(&w);
		return -1;
	}
	p->reply = w.buf; /* taken over */
	p->reply_len = w.len;
	return 0;
}

static int store_punch(struct store *st, struct writer_item *it)
{
	struct punch_write *p = (struct punch_write *)it;
	char detail[256];
	int64_t pid = punch_by_key(st, p->eid, p->uid, p->key);
	if (pid) {
		p->status = 200;
		return render(st, p, pid, -1);
	}
	/* PP-12, PP-13: checked again where the punch is stored. */
	for (int i = 0; i < 2 && p->purposes[i]; i++) {
		enum err e = consent_require(st, p->uid, p->purposes[i], p->device, detail, sizeof(detail));
		if (e == ERR_CONSENT_REQUIRED) {
			refuse(p, e, "the consent this punch needs is not given (or its permission is off on this device)");
			p->purpose = p->purposes[i];
			return 0;
		}
		if (e)
			return -1;
	}
	if (check_device(st, p))
		return -1;
	if (p->err)
		return 0;
	pid = id_next();
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_punches (id, enterprise_id, user_id, idempotency_key, kind, punched_at, day,"
		" client_time, device_id, place_id, matched_by, distance_m, location_sealed, location_expires_at, flags,"
		" note, photo_file_id, review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, -1), ?,"
		" ?, ?, ?, NULLIF(?, 0), ?)");
	store_bind_int(s, 1, pid);
	store_bind_int(s, 2, p->eid);
	store_bind_int(s, 3, p->uid);
	store_bind_text(s, 4, p->key, -1);
	store_bind_text(s, 5, punch_kind_name(p->kind), -1);
	store_bind_int(s, 6, p->now);
	store_bind_text(s, 7, p->day, -1);
	store_bind_int(s, 8, p->client_ms);
	store_bind_text(s, 9, p->device, -1);
	store_bind_int(s, 10, p->place_id);
	store_bind_text(s, 11, p->matched_by, -1);
	store_bind_int(s, 12, p->distance_m);
	if (p->sealed) {
		store_bind_blob(s, 13, p->sealed, p->sealed_len);
		store_bind_int(s, 14, p->location_expires_at);
	} else {
		store_bind_null(s, 13);
		store_bind_null(s, 14);
	}
	store_bind_int(s, 15, p->flags);
	store_bind_text(s, 16, p->note, -1);
	store_bind_int(s, 17, p->photo);
	store_bind_text(s, 18, punch_review_name(p->flags ? ATT_REVIEW_PENDING : ATT_REVIEW_NONE), -1);
	if (store_run(s) != STORE_DONE || punch_recompute(st, p->eid, p->uid, p->day, &p->rule))
		return -1;
	p->status = 201;
	return render(st, p, pid, p->apps_checked);
}

static void punch_free(struct punch_write *p)
{
	free(p->note);
	free(p->sealed);
	free(p->reply);
	free(p);
}

/* On the request's loop: the answer. */
static void answer(void *arg)
{
	struct punch_write *p = arg;
	if (p->err) {
		if (p->purpose)
			req_later_extra(p->later, "purpose", json_string(p->purpose));
		req_later_fail(p->later, p->err, p->detail);
	} else {
		req_later_json(p->later, p->status, p->reply, p->reply_len);
	}
	punch_free(p);
}

static void punch_done(struct store *st, struct writer_item *it, int committed)
{
	struct punch_write *p = (struct punch_write *)it;
	(void)st;
	if (!committed && !p->err)
		refuse(p, ERR_INTERNAL, "the punch could not be stored; send it again with the same idempotency_key");
	loop_post(p->loop, answer, p);
}

void punch_write_submit(struct punch_write *p)
{
	p->item.store = store_punch;
	p->item.done = punch_done;
	if (writer_submit(&p->item)) {
		refuse(p, ERR_UNAVAILABLE, "the server is stopping; send the punch again with the same idempotency_key");
		loop_post(p->loop, answer, p);
	}
}
