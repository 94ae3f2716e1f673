/*
 * Day results: each person's working day judged from their group's rule, the calendar, their
 * punches and approved make-ups, stored in attendance_days (and summed by month in
 * attendance_months) and judged again when one of them changes — at once after a punch or a
 * make-up decision; after a rule or calendar change when next read, or by the results job, which
 * also judges every member's days once they have closed, so reports only read.
 *
 * Which punch counts.  Each shift has two windows, in minutes after the day's local midnight:
 *   start window  [start - 4 h, midpoint of the shift)   the earliest punch in it is the start
 *   end window    [midpoint, end + 6 h)                  the latest punch in it is the end
 * Where two shifts (of the same day, or the last of one day and the first of the next) come so
 * close that their windows would meet, both stop at the middle of the gap between the first's
 * end and the second's start, so no punch ever counts twice.  An overnight shift (end before
 * start) ends the next day, and its end window runs on into that day.  Days without shifts (rest
 * days) own the rest of their calendar date; flexible-hours and free rules judge calendar dates.
 *
 * Judgement, per shift: late by (start punch - start) minutes once past the flexible minutes,
 * on time while within the grace; a later start inside the flexible minutes moves the expected
 * end as much; early by (expected end - end punch) minutes beyond the early grace; a window that
 * has closed without a punch is a missing punch; worked minutes run from the start punch to the
 * end punch less the rest breaks between them (0 when either is missing).  A working day with no
 * punch counted at all is absent.  The day's status is the most serious of: absent, missing,
 * late, early, (ongoing while a window is open), field_pending, field, normal.  Flexible hours:
 * worked = last - first punch of the date; short of hours_per_day counts as leaving early by the
 * shortfall.  Free punching: recorded, never judged.  A rest day stays "rest" whatever is
 * punched: the time between its first and last punch is shown as rest-day work, not overtime
 * (overtime needs an approval, the approval module's business).
 *
 * Field punches (outside every place) count while they await review, and the day says so;
 * rejected punches do not count.  Times are judged to the minute: 09:00:59 is 09:00.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/attendance/result.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/banned.h"

#define OPEN_BEFORE 240 /* minutes a start window opens before the start */
#define CLOSE_AFTER 360 /* minutes an end window stays open after the end */
#define MAX_MARKS 64    /* punches of one day that are looked at; more are ignored */
#define MINUTE_MS 60000LL

/* ---- local dates ---- */

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reports walk thousands of days: the next one by the digits, not through day numbers. */
void att_day_next(char day[ATT_DAY_LEN])
{
	int y = 0, m = 0, d = 0;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (day[i] - '0');
	m = (day[5] - '0') * 10 + (day[6] - '0');
	d = (day[8] - '0') * 10 + (day[9] - '0');
	if (++d > month_days(y, m)) {
		d = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	for (int i = 3; i >= 0; i--, y /= 10)
		day[i] = (char)('0' + y % 10);
	day[5] = (char)('0' + m / 10);
	day[6] = (char)('0' + m % 10);
	day[8] = (char)('0' + d / 10);
	day[9] = (char)('0' + d % 10);
}

int att_month_parse(const char *month, char first[ATT_DAY_LEN], int *ndays)
{
	char next[ATT_DAY_LEN];
	if (!month || strlen(month) != 7 || month[4] != '-' || month[5] < '0' || month[5] > '1')
		return 0;
	snprintf(first, ATT_DAY_LEN, "%.7s-01", month);
	if (!att_day_valid(first) || strcmp(first, "2000-01-01") < 0)
		return 0;
	/* the first of the next month, 28 to 31 days on */
	for (*ndays = 28; *ndays < 31; (*ndays)++) {
		att_day_add(first, *ndays, next);
		if (strncmp(next, first, 7))
			break;
	}
	return 1;
}

int att_day_now(struct store *st, int64_t eid, int64_t now, char out[ATT_DAY_LEN], int *offset)
{
	int off;
	if (att_zone_offset(st, eid, &off))
		return -1;
	att_local_time(now, off, out, NULL);
	if (offset)
		*offset = off;
	return 0;
}

void att_hhmm(int minutes, char out[6])
{
	int m = ((minutes % 1440) + 1440) % 1440;
	snprintf(out, 6, "%02d:%02d", m / 60, m % 60);
}

/* ---- statuses ---- */

static const char *const status_names[] = {
	[ATT_ST_NONE] = "none", [ATT_ST_NORMAL] = "normal", [ATT_ST_LATE] = "late", [ATT_ST_EARLY] = "early",
	[ATT_ST_MISSING] = "missing", [ATT_ST_ABSENT] = "absent", [ATT_ST_FIELD_PENDING] = "field_pending",
	[ATT_ST_FIELD] = "field", [ATT_ST_ONGOING] = "ongoing", [ATT_ST_REST] = "rest", [ATT_ST_FREE] = "free",
};
#define NSTATUS (sizeof(status_names) / sizeof(status_names[0]))

const char *att_status_name(enum att_status s)
{
	return (unsigned)s < NSTATUS ? status_names[s] : "none";
}

enum att_status att_status_parse(const char *name)
{
	for (size_t i = 0; i < NSTATUS; i++)
		if (!strcmp(name, status_names[i]))
			return (enum att_status)i;
	return ATT_ST_NONE;
}

void att_day_release(struct att_day *d)
{
	free(d->detail);
	d->detail = NULL;
}

/* ---- judging one day: pure, from the plan and the punches ---- */

enum field_state { FIELD_NO, FIELD_PENDING, FIELD_ACCEPTED };

/* A punch, or an approved make-up, as the judgement sees it. */
struct mark {
	int64_t at, id;
	int64_t place_id;        /* the place matched, 0 for a field punch or a make-up */
	int makeup;
	enum att_review review;  /* what review made of the punch (none for a make-up) */
	enum field_state field;
};

/* What the day is judged against. */
struct plan {
	enum att_rule_kind kind;
	int workday;             /* flexible and free rules: whether the calendar works the day */
	struct att_shift shifts[ATT_MAX_SHIFTS];
	int nshifts;
	int hours_per_day;       /* minutes */
	int has_prev, prev_end;  /* the previous day's last shift: its end, minutes after that day's midnight */
	int has_next, next_start; /* the next day's first shift: its start, minutes after that day's midnight */
	int64_t midnight;        /* this day's local midnight, UTC ms */
};

/* Minutes after the day's midnight: the shift, its windows, the end its start moved. */
struct window {
	int start, end, open, mid, close;
};

struct shift_verdict {
	struct window w;
	int expected_end;
	int in, out;             /* the marks counted (indexes), -1 when none */
	int in_missing, out_missing;
	int late, early, worked;
};

struct verdict {
	struct att_day day;
	struct shift_verdict shifts[ATT_MAX_SHIFTS];
	int nshifts;
	int lo, hi;              /* the span of the day's punches, minutes after its midnight */
	int64_t settles_at;      /* the next time a window closes, 0 when all have */
};

static int imin(int a, int b)
{
	return a < b ? a : b;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

static int64_t at_minute(const struct plan *p, int m)
{
	return p->midnight + m * MINUTE_MS;
}

/* The minute after midnight a punch falls in (floor, so 08:59:59 is 08:59). */
static int minute_of(const struct plan *p, int64_t at)
{
	int64_t d = at - p->midnight;
	return (int)(d >= 0 ? d / MINUTE_MS : -((-d + MINUTE_MS - 1) / MINUTE_MS));
}

static int shift_end(const struct att_shift *s)
{
	return s->end > s->start ? s->end : s->end + 1440;
}

/* Where the windows of a shift ending at a and one starting at b meet, kept between their middles. */
static int meeting(int a, int b, int amid, int bmid)
{
	int g = a + (b - a) / 2;
	return imax(amid, imin(g, bmid));
}

/* The shifts' windows and the span [lo, hi) of the punches the day owns. */
static void plan_windows(const struct plan *p, struct window *w, int *lo, int *hi)
{
	int n = p->nshifts;
	for (int k = 0; k < n; k++) {
		const struct att_shift *s = &p->shifts[k];
		w[k].start = s->start;
		w[k].end = shift_end(s);
		w[k].open = w[k].start - OPEN_BEFORE;
		w[k].mid = w[k].start + (w[k].end - w[k].start) / 2;
		w[k].close = w[k].end + CLOSE_AFTER;
	}
	for (int k = 1; k < n; k++) {
		int g = meeting(w[k - 1].end, w[k].start, w[k - 1].mid, w[k].mid);
		w[k - 1].close = imin(w[k - 1].close, g);
		w[k].open = imax(w[k].open, g);
	}
	if (n && p->has_prev) {
		int pe = p->prev_end - 1440;
		int g = meeting(pe, w[0].start, INT_MIN / 2, w[0].mid);
		w[0].open = imax(w[0].open, imin(g, w[0].mid));
	}
	if (n && p->has_next) {
		int ns = p->next_start + 1440;
		int g = meeting(w[n - 1].end, ns, w[n - 1].mid, INT_MAX / 2);
		w[n - 1].close = imin(w[n - 1].close, g);
	}
	if (n) {
		*lo = w[0].open;
		*hi = w[n - 1].close;
		return;
	}
	*lo = 0;
	*hi = 1440;
	if (p->kind == ATT_FIXED || p->kind == ATT_SCHEDULED) {
		/* a rest day: what its neighbours' windows leave of the date */
		if (p->has_prev)
			*lo = imin(1440, imax(0, p->prev_end - 1440 + CLOSE_AFTER));
		if (p->has_next)
			*hi = imax(*lo, imin(1440, p->next_start + 1440 - OPEN_BEFORE));
	}
}

/* Minutes of [a, b) that fall in the shift's rest breaks. */
static int break_minutes(const struct att_shift *s, int a, int b)
{
	int total = 0;
	for (int i = 0; i < s->nbreaks && i < ATT_MAX_BREAKS; i++) {
		int b0 = s->breaks[i][0], b1 = s->breaks[i][1];
		if (b0 < s->start)
			b0 += 1440;
		if (b1 <= b0)
			b1 += 1440;
		int x = imax(a, b0), y = imin(b, b1);
		if (y > x)
			total += y - x;
	}
	return total;
}

static void count_mark(struct verdict *v, const struct mark *m, int *pending, int *accepted)
{
	if (m->field != FIELD_NO) {
		v->day.field_count++;
		*(m->field == FIELD_PENDING ? pending : accepted) = 1;
	}
	if (m->makeup)
		v->day.makeup_count++;
}

/* The next moment after now at which minute m passes; keeps the earliest in *next. */
static void next_boundary(const struct plan *p, int m, int64_t now, int64_t *next)
{
	int64_t t = at_minute(p, m);
	if (t > now && (!*next || t < *next))
		*next = t;
}

static void judge_shifts(const struct plan *p, const struct mark *marks, size_t n, int64_t now, struct verdict *v)
{
	int pending = 0, accepted = 0, counted = 0, open = 0;
	v->day.expected = 1;
	for (int k = 0; k < v->nshifts; k++) {
		struct shift_verdict *sv = &v->shifts[k];
		const struct att_shift *s = &p->shifts[k];
		const struct window *w = &sv->w;
		sv->in = sv->out = -1;
		for (size_t i = 0; i < n; i++) {
			int64_t t = marks[i].at;
			if (sv->in < 0 && t >= at_minute(p, w->open) && t < at_minute(p, w->mid))
				sv->in = (int)i;
			if (t >= at_minute(p, w->mid) && t < at_minute(p, w->close))
				sv->out = (int)i;
		}
		int in_closed = now >= at_minute(p, w->mid), out_closed = now >= at_minute(p, w->close);
		open |= !in_closed || !out_closed;
		next_boundary(p, w->mid, now, &v->settles_at);
		next_boundary(p, w->close, now, &v->settles_at);
		sv->expected_end = w->end;
		if (sv->in >= 0) {
			int d = minute_of(p, marks[sv->in].at) - w->start;
			int flex = imax(0, s->flex);
			sv->expected_end = w->end + imax(0, imin(d, flex));
			int late = d - flex;
			sv->late = late > imax(0, s->late_grace) ? late : 0;
			counted++;
			count_mark(v, &marks[sv->in], &pending, &accepted);
		} else {
			sv->in_missing = in_closed;
		}
		if (sv->out >= 0) {
			int early = sv->expected_end - minute_of(p, marks[sv->out].at);
			sv->early = early > imax(0, s->early_grace) ? early : 0;
			counted++;
			count_mark(v, &marks[sv->out], &pending, &accepted);
		} else {
			sv->out_missing = out_closed;
		}
		if (sv->in >= 0 && sv->out >= 0) {
			int a = minute_of(p, marks[sv->in].at), b = minute_of(p, marks[sv->out].at);
			sv->worked = imax(0, b - a - break_minutes(s, a, b));
		}
	}
	struct att_day *d = &v->day;
	d->attended = counted > 0;
	if (!counted) {
		/* nothing counted: absent once every window has closed, else not yet known */
		d->status = open ? ATT_ST_ONGOING : ATT_ST_ABSENT;
		return;
	}
	for (int k = 0; k < v->nshifts; k++) {
		struct shift_verdict *sv = &v->shifts[k];
		d->missing_count += sv->in_missing + sv->out_missing;
		d->late_count += sv->late > 0;
		d->late_minutes += sv->late;
		d->early_count += sv->early > 0;
		d->early_minutes += sv->early;
		d->worked_minutes += sv->worked;
	}
	d->status = d->missing_count ? ATT_ST_MISSING
		: d->late_count      ? ATT_ST_LATE
		: d->early_count     ? ATT_ST_EARLY
		: open               ? ATT_ST_ONGOING
		: pending            ? ATT_ST_FIELD_PENDING
		: accepted           ? ATT_ST_FIELD
				     : ATT_ST_NORMAL;
}

/* Flexible hours, free punching and rest days: the first and last punch of the span. */
static void judge_span(const struct plan *p, const struct mark *marks, size_t n, int64_t now, struct verdict *v)
{
	struct att_day *d = &v->day;
	int first = -1, last = -1;
	for (size_t i = 0; i < n; i++) {
		if (marks[i].at < at_minute(p, v->lo) || marks[i].at >= at_minute(p, v->hi))
			continue;
		if (first < 0)
			first = (int)i;
		last = (int)i;
	}
	d->attended = first >= 0;
	if (first >= 0 && last != first)
		d->worked_minutes = imax(0, minute_of(p, marks[last].at) - minute_of(p, marks[first].at));
	if (p->kind == ATT_FREE) {
		d->status = ATT_ST_FREE;
		return;
	}
	if (p->kind != ATT_FLEXIBLE || !p->workday) {
		d->status = ATT_ST_REST;
		return;
	}
	int closed = now >= at_minute(p, v->hi), pending = 0, accepted = 0;
	d->expected = 1;
	next_boundary(p, v->hi, now, &v->settles_at);
	if (first >= 0) {
		count_mark(v, &marks[first], &pending, &accepted);
		if (last != first)
			count_mark(v, &marks[last], &pending, &accepted);
	}
	if (!closed)
		d->status = ATT_ST_ONGOING;
	else if (first < 0)
		d->status = ATT_ST_ABSENT;
	else if (last == first)
		d->missing_count = 1, d->status = ATT_ST_MISSING;
	else if (d->worked_minutes < p->hours_per_day)
		d->early_count = 1, d->early_minutes = p->hours_per_day - d->worked_minutes, d->status = ATT_ST_EARLY;
	else
		d->status = pending ? ATT_ST_FIELD_PENDING : accepted ? ATT_ST_FIELD : ATT_ST_NORMAL;
}

/*
 * Judges the day p describes from its punches (marks, in time order) as of now.  Pure: the
 * same plan, punches and time give the same verdict.
 */
static void judge(const struct plan *p, const struct mark *marks, size_t n, int64_t now, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	struct window w[ATT_MAX_SHIFTS];
	v->nshifts = p->kind == ATT_FIXED || p->kind == ATT_SCHEDULED ? imin(p->nshifts, ATT_MAX_SHIFTS) : 0;
	struct plan q = *p;
	q.nshifts = v->nshifts;
	plan_windows(&q, w, &v->lo, &v->hi);
	for (int k = 0; k < v->nshifts; k++)
		v->shifts[k].w = w[k];
	for (size_t i = 0; i < n; i++) {
		if (marks[i].at < at_minute(p, v->lo) || marks[i].at >= at_minute(p, v->hi))
			continue;
		if (!v->day.first_at)
			v->day.first_at = marks[i].at;
		v->day.last_at = marks[i].at;
	}
	if (v->nshifts)
		judge_shifts(&q, marks, n, now, v);
	else
		judge_span(&q, marks, n, now, v);
}

/* The shifts in start order (a rule may list them in any). */
static void sort_shifts(struct att_shift *s, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && s[j].start < s[j - 1].start; j--) {
			struct att_shift t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
}

/* ---- the detail the API shows ---- */

static void write_mark(struct jsonw *w, const char *key, const struct mark *m)
{
	static const char *const reviews[] = { "none", "pending", "accepted", "rejected" };
	if (!m) {
		jsonw_null(w, key);
		return;
	}
	jsonw_open(w, key, '{');
	jsonw_time(w, "at", m->at);
	jsonw_str(w, "proof", m->makeup ? "makeup" : m->field != FIELD_NO ? "field" : "place");
	if (m->makeup)
		jsonw_id(w, "makeup_id", m->id);
	else
		jsonw_id(w, "punch_id", m->id);
	jsonw_ref(w, "place_id", m->place_id);
	jsonw_str(w, "review", (unsigned)m->review < 4 ? reviews[m->review] : "none");
	jsonw_close(w, '}');
}

static void write_shifts(struct jsonw *w, const struct plan *p, const struct verdict *v, const struct mark *marks)
{
	char t[6];
	jsonw_init(w);
	jsonw_open(w, NULL, '[');
	for (int k = 0; k < v->nshifts; k++) {
		const struct shift_verdict *sv = &v->shifts[k];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "name", p->shifts[k].name);
		att_hhmm(sv->w.start, t);
		jsonw_str(w, "start", t);
		att_hhmm(sv->w.end, t);
		jsonw_str(w, "end", t);
		jsonw_bool(w, "ends_next_day", sv->w.end >= 1440);
		att_hhmm(sv->expected_end, t);
		jsonw_str(w, "expected_end", t);
		write_mark(w, "in", sv->in >= 0 ? &marks[sv->in] : NULL);
		write_mark(w, "out", sv->out >= 0 ? &marks[sv->out] : NULL);
		jsonw_bool(w, "in_missing", sv->in_missing);
		jsonw_bool(w, "out_missing", sv->out_missing);
		jsonw_int(w, "late_minutes", sv->late);
		jsonw_int(w, "early_minutes", sv->early);
		jsonw_int(w, "worked_minutes", sv->worked);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
}

/* ---- the store ---- */

/*
 * The punches (those not rejected in review) and approved make-ups of uid that fall in
 * [from, to), in time order, at most max.  The count, or -1.
 */
static int load_marks(struct store *st, int64_t eid, int64_t uid, int64_t from, int64_t to, struct mark *out, int max)
{
	struct att_punch punches[MAX_MARKS];
	int n = att_punches_between(st, eid, uid, from, to, punches, MAX_MARKS), m = 0;
	if (n < 0)
		return -1;
	for (int i = 0; i < n && i < max; i++) {
		struct mark *k = &out[m++];
		memset(k, 0, sizeof(*k));
		k->id = punches[i].id;
		k->at = punches[i].at;
		k->place_id = punches[i].place_id;
		k->review = punches[i].review;
		k->field = !punches[i].field ? FIELD_NO : punches[i].review == ATT_REVIEW_ACCEPTED ? FIELD_ACCEPTED : FIELD_PENDING;
	}
	struct store_stmt *s = store_prepare(st,
		"SELECT id, at FROM attendance_makeups WHERE enterprise_id = ? AND user_id = ? AND status = 'approved'"
		" AND at >= ? AND at < ? ORDER BY at, id");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_int(s, 3, from);
	store_bind_int(s, 4, to);
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (m == max)
			continue;
		/* merged in time order: a make-up is a punch at the time it claims */
		struct mark k = { .id = store_col_int(s, 0), .at = store_col_int(s, 1), .makeup = 1 };
		int j = m++;
		while (j > 0 && out[j - 1].at > k.at) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = k;
	}
	return rc == STORE_DONE ? m : -1;
}

static int store_verdict(struct store *st, int64_t eid, int64_t uid, const char *day, int64_t gid,
			 const struct verdict *v, const char *detail, int64_t now)
{
	const struct att_day *d = &v->day;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_days (enterprise_id, user_id, day, group_id, status, expected, attended,"
		" late_count, late_minutes, early_count, early_minutes, missing_count, field_count, makeup_count,"
		" worked_minutes, first_at, last_at, detail, computed_at, settles_at, stale)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
		" ON CONFLICT (enterprise_id, user_id, day) DO UPDATE SET group_id = excluded.group_id,"
		" status = excluded.status, expected = excluded.expected, attended = excluded.attended,"
		" late_count = excluded.late_count, late_minutes = excluded.late_minutes,"
		" early_count = excluded.early_count, early_minutes = excluded.early_minutes,"
		" missing_count = excluded.missing_count, field_count = excluded.field_count,"
		" makeup_count = excluded.makeup_count, worked_minutes = excluded.worked_minutes,"
		" first_at = excluded.first_at, last_at = excluded.last_at, detail = excluded.detail,"
		" computed_at = excluded.computed_at, settles_at = excluded.settles_at, stale = 0");
	int i = 1;
	store_bind_int(s, i++, eid);
	store_bind_int(s, i++, uid);
	store_bind_text(s, i++, day, -1);
	store_bind_int(s, i++, gid);
	store_bind_text(s, i++, att_status_name(d->status), -1);
	store_bind_int(s, i++, d->expected);
	store_bind_int(s, i++, d->attended);
	store_bind_int(s, i++, d->late_count);
	store_bind_int(s, i++, d->late_minutes);
	store_bind_int(s, i++, d->early_count);
	store_bind_int(s, i++, d->early_minutes);
	store_bind_int(s, i++, d->missing_count);
	store_bind_int(s, i++, d->field_count);
	store_bind_int(s, i++, d->makeup_count);
	store_bind_int(s, i++, d->worked_minutes);
	if (d->first_at)
		store_bind_int(s, i++, d->first_at), store_bind_int(s, i++, d->last_at);
	else
		store_bind_null(s, i++), store_bind_null(s, i++);
	store_bind_text(s, i++, detail, -1);
	store_bind_int(s, i++, now);
	if (v->settles_at)
		store_bind_int(s, i++, v->settles_at);
	else
		store_bind_null(s, i++);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/* Deletes a result that should not be; whether there was one to *gone.  0 or -1. */
static int forget_day(struct store *st, int64_t eid, int64_t uid, const char *day, int *gone)
{
	struct store_stmt *s = store_prepare(st, "DELETE FROM attendance_days WHERE enterprise_id = ? AND user_id = ? AND day = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, day, -1);
	if (store_run(s) != STORE_DONE)
		return -1;
	*gone = store_changes(st) > 0;
	return 0;
}

/* Sums uid's month ("YYYY-MM") of attendance_days into attendance_months again.  0 or -1. */
static int refresh_month(struct store *st, int64_t eid, int64_t uid, const char *month)
{
	char lo[ATT_DAY_LEN], hi[ATT_DAY_LEN];
	snprintf(lo, sizeof(lo), "%.7s-01", month);
	snprintf(hi, sizeof(hi), "%.7s-31", month);
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_months (enterprise_id, user_id, month, group_id, expected_days, attended_days,"
		" late_count, late_minutes, early_count, early_minutes, absent_days, missing_count, field_count,"
		" makeup_count, worked_minutes, rest_minutes)"
		" SELECT ?, ?, ?, max(group_id), coalesce(sum(expected), 0),"
		" coalesce(sum(CASE WHEN expected = 1 AND attended = 1 THEN 1 ELSE 0 END), 0),"
		" coalesce(sum(late_count), 0), coalesce(sum(late_minutes), 0), coalesce(sum(early_count), 0),"
		" coalesce(sum(early_minutes), 0), coalesce(sum(CASE WHEN status = 'absent' THEN 1 ELSE 0 END), 0),"
		" coalesce(sum(missing_count), 0), coalesce(sum(field_count), 0), coalesce(sum(makeup_count), 0),"
		" coalesce(sum(CASE WHEN status = 'rest' THEN 0 ELSE worked_minutes END), 0),"
		" coalesce(sum(CASE WHEN status = 'rest' THEN worked_minutes ELSE 0 END), 0)"
		" FROM attendance_days WHERE enterprise_id = ? AND user_id = ? AND day >= ? AND day <= ?"
		" ON CONFLICT (enterprise_id, user_id, month) DO UPDATE SET group_id = excluded.group_id,"
		" expected_days = excluded.expected_days, attended_days = excluded.attended_days,"
		" late_count = excluded.late_count, late_minutes = excluded.late_minutes,"
		" early_count = excluded.early_count, early_minutes = excluded.early_minutes,"
		" absent_days = excluded.absent_days, missing_count = excluded.missing_count,"
		" field_count = excluded.field_count, makeup_count = excluded.makeup_count,"
		" worked_minutes = excluded.worked_minutes, rest_minutes = excluded.rest_minutes");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, lo, 7);
	store_bind_int(s, 4, eid);
	store_bind_int(s, 5, uid);
	store_bind_text(s, 6, lo, -1);
	store_bind_text(s, 7, hi, -1);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/* The shifts of a day, remembered for its neighbours: a month asks for each day three times. */
struct shift_cache {
	char day[3][ATT_DAY_LEN];
	struct att_shift shifts[3][ATT_MAX_SHIFTS];
	int n[3], next;
};

static int shifts_of(struct store *st, const struct att_rule *rule, int64_t uid, const char *day, struct shift_cache *c,
		     const struct att_shift **out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(c->day[i], day)) {
			*out = c->shifts[i];
			return c->n[i];
		}
	int i = c->next;
	c->next = (c->next + 1) % 3;
	memset(c->shifts[i], 0, sizeof(c->shifts[i]));
	int n = att_shifts_on(st, rule, uid, day, c->shifts[i]);
	if (n < 0)
		return -1;
	c->n[i] = imin(n, ATT_MAX_SHIFTS);
	sort_shifts(c->shifts[i], c->n[i]);
	snprintf(c->day[i], ATT_DAY_LEN, "%s", day);
	*out = c->shifts[i];
	return c->n[i];
}

/* The plan of day under rule.  0 or -1. */
static int make_plan(struct store *st, const struct att_rule *rule, int64_t uid, const char *day, int offset,
		     struct shift_cache *c, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = rule->kind;
	p->hours_per_day = rule->hours_per_day;
	p->midnight = att_day_ms(day, offset);
	if (rule->kind == ATT_FLEXIBLE || rule->kind == ATT_FREE) {
		p->workday = att_is_workday(st, rule->enterprise_id, day);
		return p->workday < 0 ? -1 : 0;
	}
	const struct att_shift *s;
	char other[ATT_DAY_LEN];
	int n = shifts_of(st, rule, uid, day, c, &s);
	if (n < 0)
		return -1;
	memcpy(p->shifts, s, (size_t)n * sizeof(*s));
	p->nshifts = n;
	p->workday = n > 0;
	att_day_add(day, -1, other);
	if ((n = shifts_of(st, rule, uid, other, c, &s)) < 0)
		return -1;
	for (int k = 0; k < n; k++) {
		p->prev_end = p->has_prev ? imax(p->prev_end, shift_end(&s[k])) : shift_end(&s[k]);
		p->has_prev = 1;
	}
	att_day_add(day, 1, other);
	if ((n = shifts_of(st, rule, uid, other, c, &s)) < 0)
		return -1;
	if (n) {
		p->has_next = 1;
		p->next_start = s[0].start;
	}
	return 0;
}

/* The local date uid joined eid ("" when they are no member).  0 or -1. */
static int joined_day(struct store *st, int64_t eid, int64_t uid, int offset, char out[ATT_DAY_LEN])
{
	struct store_stmt *s = store_prepare(st, "SELECT joined_at FROM members WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	enum store_rc rc = store_step(s);
	out[0] = '\0';
	if (rc == STORE_ROW)
		att_local_time(store_col_int(s, 0), offset, out, NULL);
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

/*
 * The local date group gid was made: its rule judges no day before it (a group made today does
 * not make last month absent).  0 or -1.
 */
static int group_day(struct store *st, int64_t eid, int64_t gid, int offset, char out[ATT_DAY_LEN])
{
	struct store_stmt *s = store_prepare(st, "SELECT created_at FROM attendance_groups WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	enum store_rc rc = store_step(s);
	out[0] = '\0';
	if (rc == STORE_ROW)
		att_local_time(store_col_int(s, 0), offset, out, NULL);
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

/* What judging uid's days needs once: today, the rule, and the first day it may judge. */
struct person {
	int64_t eid, uid;
	int offset;
	char today[ATT_DAY_LEN];
	char since[ATT_DAY_LEN]; /* the later of joining and the group's making; "" with no rule */
	int has_rule;
	struct att_rule rule;
	struct shift_cache cache;
};

static int person_load(struct store *st, int64_t eid, int64_t uid, int64_t now, struct person *p)
{
	char made[ATT_DAY_LEN];
	memset(p, 0, sizeof(*p));
	p->eid = eid;
	p->uid = uid;
	if (att_day_now(st, eid, now, p->today, &p->offset) || joined_day(st, eid, uid, p->offset, p->since))
		return -1;
	if (!p->since[0])
		return 0;
	if ((p->has_rule = att_rule_of(st, eid, uid, &p->rule)) < 0 ||
	    (p->has_rule && group_day(st, eid, p->rule.group_id, p->offset, made)))
		return -1;
	if (!p->has_rule)
		p->since[0] = '\0';
	else if (strcmp(made, p->since) > 0)
		memcpy(p->since, made, ATT_DAY_LEN);
	return 0;
}

/* Whether p's rule judges day (not after today, not before p->since). */
static int person_judges(const struct person *p, const char *day)
{
	return p->has_rule && p->since[0] && strcmp(day, p->since) >= 0 && strcmp(day, p->today) <= 0;
}

/*
 * Judges and stores uid's days (ascending), as of now.  Days after today are left alone; days
 * before uid joined or their group was made, or while uid is in no group, have no result: any
 * stored one goes.  0 or -1.
 */
static int compute_days(struct store *st, int64_t eid, int64_t uid, char (*days)[ATT_DAY_LEN], int ndays, int64_t now)
{
	struct person who;
	char month[ATT_DAY_LEN] = "";
	int touched = 0;
	if (person_load(st, eid, uid, now, &who))
		return -1;
	for (int i = 0; i < ndays; i++) {
		const char *day = days[i];
		if (strcmp(day, who.today) > 0)
			continue;
		/* each month changed is summed again once, when the days move past it */
		if (strncmp(day, month, 7)) {
			if (touched && refresh_month(st, eid, uid, month))
				return -1;
			snprintf(month, sizeof(month), "%.7s", day);
			touched = 0;
		}
		if (!person_judges(&who, day)) {
			int gone;
			if (forget_day(st, eid, uid, day, &gone))
				return -1;
			touched |= gone;
			continue;
		}
		touched = 1;
		struct plan p;
		struct verdict v;
		struct mark marks[MAX_MARKS];
		struct jsonw detail;
		struct window w[ATT_MAX_SHIFTS];
		int lo, hi;
		if (make_plan(st, &who.rule, uid, day, who.offset, &who.cache, &p))
			return -1;
		plan_windows(&p, w, &lo, &hi);
		int n = load_marks(st, eid, uid, at_minute(&p, lo), at_minute(&p, hi), marks, MAX_MARKS);
		if (n < 0)
			return -1;
		judge(&p, marks, (size_t)n, now, &v);
		write_shifts(&detail, &p, &v, marks);
		int rc = store_verdict(st, eid, uid, day, who.rule.group_id, &v, detail.buf, now);
		jsonw_release(&detail);
		if (rc)
			return -1;
	}
	return touched ? refresh_month(st, eid, uid, month) : 0;
}

int att_day_plan(struct store *st, int64_t eid, int64_t uid, const char *day, int64_t now, struct att_day_plan *out)
{
	struct person who;
	struct plan p;
	struct window w[ATT_MAX_SHIFTS];
	int lo, hi;
	memset(out, 0, sizeof(*out));
	if (person_load(st, eid, uid, now, &who))
		return -1;
	if (!person_judges(&who, day))
		return 0;
	out->rule = who.rule;
	if (make_plan(st, &who.rule, uid, day, who.offset, &who.cache, &p))
		return -1;
	plan_windows(&p, w, &lo, &hi);
	out->lo = at_minute(&p, lo);
	out->hi = at_minute(&p, hi);
	out->midnight = p.midnight;
	out->judged = p.nshifts > 0 || (p.kind == ATT_FLEXIBLE && p.workday);
	out->nshifts = p.kind == ATT_FIXED || p.kind == ATT_SCHEDULED ? p.nshifts : 0;
	for (int k = 0; k < out->nshifts; k++) {
		out->shifts[k] = p.shifts[k];
		out->open[k] = at_minute(&p, w[k].open);
		out->close[k] = at_minute(&p, w[k].close);
	}
	return 1;
}

int att_day_compute(struct store *st, int64_t eid, int64_t uid, const char *day)
{
	char d[1][ATT_DAY_LEN];
	if (!att_day_valid(day))
		return -1;
	snprintf(d[0], ATT_DAY_LEN, "%s", day);
	return compute_days(st, eid, uid, d, 1, clock_now_ms());
}

int att_days_stale(struct store *st, int64_t eid, const char *from)
{
	struct store_stmt *s = store_prepare(st, "UPDATE attendance_days SET stale = 1 WHERE enterprise_id = ? AND day >= ?");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, from, -1);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

int att_settled_range(struct store *st, int64_t eid, char from[ATT_DAY_LEN], char through[ATT_DAY_LEN])
{
	struct store_stmt *s = store_prepare(st, "SELECT from_day, through_day FROM attendance_settled WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	enum store_rc rc = store_step(s);
	from[0] = through[0] = '\0';
	if (rc == STORE_ROW) {
		snprintf(from, ATT_DAY_LEN, "%s", store_col_text(s, 0));
		snprintf(through, ATT_DAY_LEN, "%s", store_col_text(s, 1));
	}
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/*
 * A day is judged again when its stored result is stale or has an open window that has since
 * closed, or when it has none and the results job has not settled it: a day the job settled
 * without storing a result had nothing to judge then (no group, not yet a member).
 */
int att_days_ensure(struct store *st, int64_t eid, int64_t uid, const char *from, const char *to, int64_t now)
{
	char today[ATT_DAY_LEN], day[ATT_DAY_LEN], sfrom[ATT_DAY_LEN], sthrough[ATT_DAY_LEN];
	char (*days)[ATT_DAY_LEN] = NULL, (*rows)[ATT_DAY_LEN] = NULL;
	unsigned char *fresh = NULL;
	int n = 0, cap = 0, nrows = 0, rcap = 0, rc;
	if (att_day_now(st, eid, now, today, NULL) || att_settled_range(st, eid, sfrom, sthrough) < 0)
		return -1;
	const char *last = strcmp(to, today) < 0 ? to : today;
	if (strcmp(from, last) > 0)
		return 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT day, stale = 0 AND (settles_at IS NULL OR settles_at > ?) FROM attendance_days"
		" WHERE enterprise_id = ? AND user_id = ? AND day >= ? AND day <= ? ORDER BY day");
	store_bind_int(s, 1, now);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, uid);
	store_bind_text(s, 4, from, -1);
	store_bind_text(s, 5, last, -1);
	enum store_rc src;
	while ((src = store_step(s)) == STORE_ROW) {
		if (nrows == rcap) {
			rcap = rcap ? rcap * 2 : 32;
			rows = xrealloc(rows, (size_t)rcap * sizeof(*rows));
			fresh = xrealloc(fresh, (size_t)rcap);
		}
		snprintf(rows[nrows], ATT_DAY_LEN, "%s", store_col_text(s, 0));
		fresh[nrows++] = (unsigned char)store_col_int(s, 1);
	}
	int f = 0;
	for (snprintf(day, sizeof(day), "%s", from); src == STORE_DONE && strcmp(day, last) <= 0; att_day_next(day)) {
		while (f < nrows && strcmp(rows[f], day) < 0)
			f++;
		int stored = f < nrows && !strcmp(rows[f], day);
		if (stored ? fresh[f] : sthrough[0] && strcmp(day, sfrom) >= 0 && strcmp(day, sthrough) <= 0)
			continue;
		if (n == cap)
			days = xrealloc(days, (size_t)(cap = cap ? cap * 2 : 32) * sizeof(*days));
		snprintf(days[n++], ATT_DAY_LEN, "%s", day);
	}
	rc = src != STORE_DONE ? -1 : n ? compute_days(st, eid, uid, days, n, now) : 0;
	free(days);
	free(rows);
	free(fresh);
	return rc;
}

static int read_day(struct store *st, int64_t eid, int64_t uid, const char *day, int64_t now, int fresh_only,
		    struct att_day *out)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT group_id, status, expected, attended, late_count, late_minutes, early_count, early_minutes,"
		" missing_count, field_count, makeup_count, worked_minutes, first_at, last_at, detail, computed_at"
		" FROM attendance_days WHERE enterprise_id = ? AND user_id = ? AND day = ?"
		" AND (? = 0 OR (stale = 0 AND (settles_at IS NULL OR settles_at > ?)))");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, day, -1);
	store_bind_int(s, 4, fresh_only);
	store_bind_int(s, 5, now);
	enum store_rc rc = store_step(s);
	if (rc != STORE_ROW) {
		store_reset(s);
		return rc == STORE_DONE ? 0 : -1;
	}
	int i = 0;
	out->group_id = store_col_int(s, i++);
	out->status = att_status_parse(store_col_text(s, i++));
	out->expected = (int)store_col_int(s, i++);
	out->attended = (int)store_col_int(s, i++);
	out->late_count = (int)store_col_int(s, i++);
	out->late_minutes = (int)store_col_int(s, i++);
	out->early_count = (int)store_col_int(s, i++);
	out->early_minutes = (int)store_col_int(s, i++);
	out->missing_count = (int)store_col_int(s, i++);
	out->field_count = (int)store_col_int(s, i++);
	out->makeup_count = (int)store_col_int(s, i++);
	out->worked_minutes = (int)store_col_int(s, i++);
	out->first_at = store_col_int(s, i++);
	out->last_at = store_col_int(s, i++);
	out->detail = xstrdup(store_col_text(s, i++));
	out->computed_at = store_col_int(s, i++);
	store_reset(s);
	return 1;
}

int att_day_read(struct store *st, int64_t eid, int64_t uid, const char *day, struct att_day *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->day, sizeof(out->day), "%s", day);
	int found = read_day(st, eid, uid, day, 0, 0, out);
	if (!found)
		out->status = ATT_ST_NONE;
	return found < 0 ? -1 : 0;
}

int att_day_get(struct store *st, int64_t eid, int64_t uid, const char *day, int64_t now, struct att_day *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->day, sizeof(out->day), "%s", day);
	int found = read_day(st, eid, uid, day, now, 1, out);
	if (found)
		return found < 0 ? -1 : 0;
	if (att_days_ensure(st, eid, uid, day, day, now) || (found = read_day(st, eid, uid, day, now, 0, out)) < 0)
		return -1;
	if (!found)
		out->status = ATT_ST_NONE;
	return 0;
}

/* ---- writing a day ---- */

void att_day_write(struct jsonw *w, const char *key, const struct att_day *d)
{
	jsonw_open(w, key, '{');
	jsonw_str(w, "day", d->day);
	jsonw_str(w, "status", att_status_name(d->status));
	jsonw_ref(w, "group_id", d->group_id);
	jsonw_bool(w, "expected", d->expected);
	jsonw_bool(w, "attended", d->attended);
	jsonw_int(w, "late_count", d->late_count);
	jsonw_int(w, "late_minutes", d->late_minutes);
	jsonw_int(w, "early_count", d->early_count);
	jsonw_int(w, "early_minutes", d->early_minutes);
	jsonw_int(w, "missing_count", d->missing_count);
	jsonw_int(w, "field_count", d->field_count);
	jsonw_int(w, "makeup_count", d->makeup_count);
	jsonw_int(w, "worked_minutes", d->worked_minutes);
	if (d->first_at) {
		jsonw_time(w, "first_punch_at", d->first_at);
		jsonw_time(w, "last_punch_at", d->last_at);
	} else {
		jsonw_null(w, "first_punch_at");
		jsonw_null(w, "last_punch_at");
	}
	if (d->detail && *d->detail)
		jsonw_raw(w, "shifts", d->detail, strlen(d->detail));
	else
		jsonw_raw(w, "shifts", "[]", 2);
	if (d->computed_at)
		jsonw_time(w, "computed_at", d->computed_at);
	else
		jsonw_null(w, "computed_at");
	jsonw_close(w, '}');
}

int att_day_write_expected(struct store *st, const struct att_rule *rule, int have_rule, int64_t uid, const char *day,
			   struct jsonw *w)
{
	struct att_shift shifts[ATT_MAX_SHIFTS];
	int n = 0, workday = 0;
	memset(shifts, 0, sizeof(shifts));
	if (have_rule && (rule->kind == ATT_FLEXIBLE || rule->kind == ATT_FREE)) {
		if ((workday = att_is_workday(st, rule->enterprise_id, day)) < 0)
			return -1;
	} else if (have_rule) {
		if ((n = att_shifts_on(st, rule, uid, day, shifts)) < 0)
			return -1;
		n = imin(n, ATT_MAX_SHIFTS);
		sort_shifts(shifts, n);
		workday = n > 0;
	}
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "day", day);
	/* Nothing is judged yet: a free rule's day to come is no more "free" (punched freely) than
	 * another rule's is "normal". */
	jsonw_str(w, "status", !have_rule ? "none" : workday ? "future" : "rest");
	jsonw_ref(w, "group_id", have_rule ? rule->group_id : 0);
	jsonw_bool(w, "expected", have_rule && rule->kind != ATT_FREE && workday);
	if (have_rule && rule->kind == ATT_FLEXIBLE && workday)
		jsonw_int(w, "expected_minutes", rule->hours_per_day);
	jsonw_open(w, "shifts", '[');
	for (int k = 0; k < n; k++) {
		char t[6];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "name", shifts[k].name);
		att_hhmm(shifts[k].start, t);
		jsonw_str(w, "start", t);
		att_hhmm(shifts[k].end, t);
		jsonw_str(w, "end", t);
		jsonw_bool(w, "ends_next_day", shifts[k].end <= shifts[k].start);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
	return 0;
}

/* ---- the job: days settled off the event loops ---- */

#define SETTLE_BACK_DAYS 35 /* how far back an enterprise's first settling reaches */
#define SETTLE_PEOPLE 50    /* people judged in one transaction */
#define REDO_PEOPLE 50      /* people whose stale or overdue results are judged in one transaction */

/*
 * Judges again the results a rule change made stale, or whose open window has closed: person
 * by person, each one's days together (their rule and shifts read once).
 */
static int redo_due(struct store *st, int64_t now, int (*stopping)(void))
{
	struct who {
		int64_t eid, uid;
	} *due = xmalloc(REDO_PEOPLE * sizeof(*due));
	char (*days)[ATT_DAY_LEN] = NULL;
	int cap = 0, rc = 0;
	for (int round = 0; round < 10000 && !rc && !(stopping && stopping()); round++) {
		int n = 0;
		enum store_rc src;
		struct store_stmt *s = store_prepare(st,
			"SELECT DISTINCT enterprise_id, user_id FROM attendance_days WHERE stale = 1 LIMIT ?");
		for (int pass = 0; pass < 2 && n < REDO_PEOPLE; pass++) {
			if (pass)
				s = store_prepare(st,
					"SELECT DISTINCT enterprise_id, user_id FROM attendance_days WHERE settles_at <= ? LIMIT ?");
			int i = 1;
			if (pass)
				store_bind_int(s, i++, now);
			store_bind_int(s, i, REDO_PEOPLE - n);
			while ((src = store_step(s)) == STORE_ROW) {
				struct who w = { store_col_int(s, 0), store_col_int(s, 1) };
				int seen = 0;
				for (int k = 0; k < n && !seen; k++)
					seen = due[k].eid == w.eid && due[k].uid == w.uid;
				if (!seen && n < REDO_PEOPLE)
					due[n++] = w;
			}
			if (src != STORE_DONE)
				rc = -1;
		}
		if (rc || !n)
			break;
		if (store_begin(st) != STORE_OK) {
			rc = -1;
			break;
		}
		for (int k = 0; k < n && !rc; k++) {
			int nd = 0;
			s = store_prepare(st,
				"SELECT day FROM attendance_days WHERE enterprise_id = ? AND user_id = ? AND (stale = 1 OR settles_at <= ?)"
				" ORDER BY day");
			store_bind_int(s, 1, due[k].eid);
			store_bind_int(s, 2, due[k].uid);
			store_bind_int(s, 3, now);
			while ((src = store_step(s)) == STORE_ROW) {
				if (nd == cap)
					days = xrealloc(days, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(*days));
				snprintf(days[nd++], ATT_DAY_LEN, "%s", store_col_text(s, 0));
			}
			rc = src == STORE_DONE ? compute_days(st, due[k].eid, due[k].uid, days, nd, now) : -1;
		}
		if (rc || store_commit(st) != STORE_OK) {
			store_rollback(st);
			rc = -1;
		}
	}
	free(days);
	free(due);
	return rc;
}

/*
 * Settles eid's closed days since the last settling (at most SETTLE_BACK_DAYS back): every
 * member's days judged, or known to have nothing to judge, from from_day through through_day.
 */
static int settle_enterprise(struct store *st, int64_t eid, int64_t now, int (*stopping)(void))
{
	char today[ATT_DAY_LEN], from[ATT_DAY_LEN], to[ATT_DAY_LEN], oldest[ATT_DAY_LEN];
	if (att_day_now(st, eid, now, today, NULL))
		return -1;
	att_day_add(today, -1, to);
	att_day_add(today, -SETTLE_BACK_DAYS, oldest);
	char sfrom[ATT_DAY_LEN], sthrough[ATT_DAY_LEN];
	int settled = att_settled_range(st, eid, sfrom, sthrough);
	if (settled < 0)
		return -1;
	if (settled)
		att_day_add(sthrough, 1, from);
	/* the first settling, or one after a break longer than the job looks back, starts anew */
	if (!settled || strcmp(from, oldest) < 0) {
		memcpy(from, oldest, ATT_DAY_LEN);
		memcpy(sfrom, oldest, ATT_DAY_LEN);
	}
	if (strcmp(from, to) > 0)
		return 0;
	int64_t *people = NULL;
	size_t n = 0, cap = 0;
	enum store_rc src;
	/* every member, disabled ones too: the reports show everyone */
	struct store_stmt *s = store_prepare(st, "SELECT user_id FROM members WHERE enterprise_id = ? ORDER BY user_id");
	store_bind_int(s, 1, eid);
	while ((src = store_step(s)) == STORE_ROW) {
		if (n == cap)
			people = xrealloc(people, (cap = cap ? cap * 2 : 64) * sizeof(*people));
		people[n++] = store_col_int(s, 0);
	}
	int rc = src == STORE_DONE ? 0 : -1;
	for (size_t i = 0; i < n && !rc; i += SETTLE_PEOPLE) {
		if (stopping && stopping()) {
			free(people);
			return 0; /* taken up again at the next run: nothing recorded as settled */
		}
		if (store_begin(st) != STORE_OK) {
			rc = -1;
			break;
		}
		for (size_t k = i; k < n && k < i + SETTLE_PEOPLE && !rc; k++)
			rc = att_days_ensure(st, eid, people[k], from, to, now);
		if (rc || store_commit(st) != STORE_OK) {
			store_rollback(st);
			rc = -1;
		}
	}
	free(people);
	if (rc || store_begin(st) != STORE_OK)
		return -1;
	s = store_prepare(st,
		"INSERT INTO attendance_settled (enterprise_id, from_day, through_day) VALUES (?, ?, ?)"
		" ON CONFLICT (enterprise_id) DO UPDATE SET from_day = excluded.from_day, through_day = excluded.through_day");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, sfrom, -1);
	store_bind_text(s, 3, to, -1);
	if (store_run(s) != STORE_DONE || store_commit(st) != STORE_OK) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int att_results_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void))
{
	int64_t now = clock_now_ms();
	if (redo_due(st, now, stopping)) {
		fprintf(stderr, "atrium: attendance results: cannot judge the stale days again: %s\n", store_errmsg(st));
		return -1;
	}
	int64_t *ents = NULL;
	size_t n = 0, cap = 0;
	struct store_stmt *s = store_prepare(st, "SELECT DISTINCT enterprise_id FROM attendance_groups ORDER BY enterprise_id");
	enum store_rc src;
	while ((src = store_step(s)) == STORE_ROW) {
		if (n == cap)
			ents = xrealloc(ents, (cap = cap ? cap * 2 : 16) * sizeof(*ents));
		ents[n++] = store_col_int(s, 0);
	}
	int rc = src == STORE_DONE ? 0 : -1;
	for (size_t i = 0; i < n && !rc && !(stopping && stopping()); i++)
		rc = settle_enterprise(st, ents[i], now, stopping);
	free(ents);
	if (rc)
		fprintf(stderr, "atrium: attendance results: cannot settle the days: %s\n", store_errmsg(st));
	return rc;
}
