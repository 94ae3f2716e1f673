/* Rights requests that come another way (PP-39 … PP-42): record, verify, answer, refuse, clocks. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/id.h"
#include "core/mem.h"
#include "privacy/audit.h"
#include "privacy/requests.h"
#include "privacy/retention.h"
#include "core/banned.h"

/* A clock that runs a little ahead of the operator's is not an error; a date days ahead is. */
#define SKEW_MS (5 * 60 * 1000)

/*
 * The grounds a refusal may name, worded as the policy words them (section 5 of the policy).
 * PP-41: "requests that are repeated without reason, require too many technical means (for
 * example, developing a new system or fundamentally changing current practice), pose risks to
 * the legitimate rights and interests of others, or are very impractical (for example, involving
 * information stored on backup tapes)".  PP-42: the five circumstances in which a request
 * cannot be answered.  Ids are stored in rights_requests.ground: never rename one.
 */
const struct request_ground request_grounds[] = {
	{ "repeated", "PP-41",
	  "无端重复的请求",
	  "the request repeats an earlier one without reason", 1 },
	{ "technically_excessive", "PP-41",
	  "需要过多技术手段（例如需要开发新系统或从根本上改变现行惯例）的请求",
	  "the request requires too many technical means (for example, developing a new system or fundamentally changing current practice)", 0 },
	{ "risk_to_others", "PP-41",
	  "给他人合法权益带来风险的请求",
	  "the request poses risks to the legitimate rights and interests of others", 0 },
	{ "impractical", "PP-41",
	  "非常不切实际（例如涉及备份磁带上存放的信息）的请求",
	  "the request is very impractical (for example, it involves information stored on backup tapes)", 0 },
	{ "national_security", "PP-42",
	  "与国家安全、国防安全有关的",
	  "it is related to national security and national defence security", 0 },
	{ "public_interest", "PP-42",
	  "与公共安全、公共卫生、重大公共利益有关的",
	  "it is related to public security, public health or major public interests", 0 },
	{ "criminal_justice", "PP-42",
	  "与犯罪侦查、起诉、审判和判决执行等有关的",
	  "it is related to criminal investigation, prosecution or trial", 0 },
	{ "malice_or_abuse", "PP-42",
	  "有充分证据表明您存在主观恶意或滥用权利的",
	  "there is sufficient evidence that the requester has subjective malice or abuses their rights", 0 },
	{ "serious_harm", "PP-42",
	  "响应您的请求将导致您或其他个人、组织的合法权益受到严重损害的",
	  "answering would seriously harm the legitimate rights and interests of the requester or of other individuals or organisations", 0 },
	{ 0 }
};

static const char *const types[] = { "access", "correction", "deletion", "cancellation", "other", NULL };
static const char *const channels[] = { "email", "phone", "post", "in_person", "other", NULL };

const struct request_ground *requests_ground(const char *id)
{
	for (const struct request_ground *g = request_grounds; id && g->id; g++)
		if (!strcmp(g->id, id))
			return g;
	return NULL;
}

int requests_check_config(const struct config *cfg, char *err, size_t errlen)
{
	/* PP-40 promises 15 days: the operator may promise less, never more. */
	if (cfg->request_due_days < 1 || cfg->request_due_days > 15) {
		snprintf(err, errlen, "request-due-days must be 1 to 15 (PP-40 promises an answer within 15 days), not %ld",
			 cfg->request_due_days);
		return -1;
	}
	if (cfg->request_repeat_days > 3650) {
		snprintf(err, errlen, "request-repeat-days must be 0 to 3650, not %ld", cfg->request_repeat_days);
		return -1;
	}
	return 0;
}

static int one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static void join(const char *const *list, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (; *list && n < len; list++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", *list);
}

/*
 * Well-formed UTF-8 without control characters, which would break the operator's listings; a
 * letter (lines) may hold line breaks and tabs.
 */
static int text_ok(const char *s, int lines)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n;
		uint32_t c;
		if (*p < 0x80) {
			if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
				return 0;
			p++;
			continue;
		} else if ((*p & 0xe0) == 0xc0) {
			n = 1, c = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2, c = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3, c = *p & 0x07;
		} else {
			return 0;
		}
		p++;
		for (int i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (*p & 0x3f);
		}
		if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) || (n == 3 && c < 0x10000) || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff) || (c >= 0x80 && c < 0xa0))
			return 0;
	}
	return 1;
}

/* Whether free text says anything: not only spaces. */
static int blank(const char *s)
{
	while (s && isspace((unsigned char)*s))
		s++;
	return !s || !*s;
}

/* Fills *e and returns -1 (see struct request_error). */
static int fail(struct request_error *e, enum err code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct request_error *e, enum err code, const char *field, const char *fmt, ...)
{
	va_list ap;
	e->code = code;
	e->field = field;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return -1;
}

/* Lower-case ASCII letters, one space for each run of spaces, none at either end; malloc'ed. */
static char *requester_key(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	int space = 0;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = 1;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = 0;
		*o++ = (char)tolower((unsigned char)*s);
	}
	*o = '\0';
	return out;
}

/*
 * The same requester written twice: equal once case (of ASCII letters) and spacing are ignored.
 * "Li Lei <li@example.cn>" and "li lei  <LI@example.cn>" are one person; "Li Lei" and
 * "Li Lei <li@example.cn>" are not known to be.
 */
static int same_requester(const char *a, const char *b)
{
	char *ka = requester_key(a), *kb = requester_key(b);
	int same = !strcmp(ka, kb);
	free(ka);
	free(kb);
	return same;
}

/* Milliseconds n days before t, never overflowing; INT64_MIN when that is before all time. */
static int64_t days_before(int64_t t, long days)
{
	if (days > 100000)
		return INT64_MIN;
	return t - (int64_t)days * REQUEST_DAY_MS;
}

static int audit_request(struct store *st, int64_t actor, const char *action, int64_t user, int64_t id,
			 const char *detail)
{
	char object[AUDIT_OBJECT_LEN];
	return audit_append(st, actor, action, user, audit_object("request", id, object), detail);
}

/* The latest earlier request of the same type by the same requester within the window, or 0. */
static int find_repeat(struct store *st, const struct config *cfg, const struct request_new *in,
		       int64_t received, int64_t *repeat_of)
{
	*repeat_of = 0;
	if (cfg->request_repeat_days <= 0)
		return 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT id, requester, user_id FROM rights_requests WHERE type = ? AND received_at >= ?"
		" AND received_at <= ? ORDER BY received_at DESC, id DESC");
	store_bind_text(s, 1, in->type, -1);
	store_bind_int(s, 2, days_before(received, cfg->request_repeat_days));
	store_bind_int(s, 3, received);
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t user = store_col_is_null(s, 2) ? 0 : store_col_int(s, 2);
		if ((in->user_id && user == in->user_id) || same_requester(store_col_text(s, 1), in->requester)) {
			*repeat_of = store_col_int(s, 0);
			break;
		}
	}
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

int requests_add(struct store *st, const struct config *cfg, int64_t actor, const struct request_new *in,
		 int64_t *id, int64_t *repeat_of, struct request_error *e)
{
	char list[128], detail[160], rid[ID_STR_LEN];
	int64_t now = clock_now_ms(), received = in->received_at ? in->received_at : now;
	*id = *repeat_of = 0;
	if (!one_of(in->type, types)) {
		join(types, list, sizeof(list));
		return fail(e, ERR_INVALID_VALUE, "type", "request type '%.40s' is not one of %s",
			    in->type ? in->type : "", list);
	}
	if (!one_of(in->channel, channels)) {
		join(channels, list, sizeof(list));
		return fail(e, ERR_INVALID_VALUE, "channel", "channel '%.40s' is not one of %s",
			    in->channel ? in->channel : "", list);
	}
	if (blank(in->requester))
		return fail(e, ERR_INVALID_VALUE, "requester",
			    "a request needs its requester: the name and contact as given");
	if (strlen(in->requester) > REQUEST_REQUESTER_MAX || !text_ok(in->requester, 0))
		return fail(e, ERR_INVALID_VALUE, "requester",
			    "the requester must be at most %d bytes of text without control characters",
			    REQUEST_REQUESTER_MAX);
	if (in->user_id < 0)
		return fail(e, ERR_INVALID_VALUE, "user_id", "user id must be positive");
	if (received > now + SKEW_MS || received < ID_EPOCH_MS) {
		char t[CLOCK_RFC3339_LEN];
		return fail(e, ERR_INVALID_VALUE, "received_at", "received time '%s' is in the future or before 2024",
			    clock_format(received, t));
	}
	if (store_begin(st) != STORE_OK)
		return fail(e, ERR_UNAVAILABLE, NULL, "cannot write the database: %s", store_errmsg(st));
	if (find_repeat(st, cfg, in, received, repeat_of))
		goto failed;
	*id = id_next();
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO rights_requests (id, type, channel, requester, user_id, received_at, repeat_of)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, *id);
	store_bind_text(s, 2, in->type, -1);
	store_bind_text(s, 3, in->channel, -1);
	store_bind_text(s, 4, in->requester, -1);
	if (in->user_id)
		store_bind_int(s, 5, in->user_id);
	else
		store_bind_null(s, 5);
	store_bind_int(s, 6, received);
	if (*repeat_of)
		store_bind_int(s, 7, *repeat_of);
	else
		store_bind_null(s, 7);
	enum store_rc rc = store_run(s);
	if (rc == STORE_CONSTRAINT) {
		store_rollback(st);
		*id = *repeat_of = 0;
		return fail(e, ERR_INVALID_VALUE, "user_id", "no account with id '%s'", id_format(in->user_id, rid));
	}
	if (rc != STORE_DONE)
		goto failed;
	/* No personal data in the chain: kinds and ids only. */
	if (*repeat_of)
		snprintf(detail, sizeof(detail), "{\"type\":\"%s\",\"channel\":\"%s\",\"repeat_of\":\"%s\"}", in->type,
			 in->channel, id_format(*repeat_of, rid));
	else
		snprintf(detail, sizeof(detail), "{\"type\":\"%s\",\"channel\":\"%s\"}", in->type, in->channel);
	if (audit_request(st, actor, "request.add", in->user_id, *id, detail) || store_commit(st) != STORE_OK)
		goto failed;
	return 0;
failed:
	fail(e, ERR_INTERNAL, NULL, "cannot record the request: %s", store_errmsg(st));
	store_rollback(st);
	*id = *repeat_of = 0;
	return -1;
}

/* The state of an open request, read inside the caller's transaction. */
struct state {
	char status[16], identity[16];
	int64_t user_id, received_at, repeat_of;
};

/* 0 found, 1 not found, -1 store error. */
static int read_state(struct store *st, int64_t id, struct state *out)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT status, identity_state, user_id, received_at, repeat_of FROM rights_requests WHERE id = ?");
	store_bind_int(s, 1, id);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		snprintf(out->status, sizeof(out->status), "%s", store_col_text(s, 0));
		snprintf(out->identity, sizeof(out->identity), "%s", store_col_text(s, 1));
		out->user_id = store_col_is_null(s, 2) ? 0 : store_col_int(s, 2);
		out->received_at = store_col_int(s, 3);
		out->repeat_of = store_col_is_null(s, 4) ? 0 : store_col_int(s, 4);
	}
	store_reset(s);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? 1 : -1;
}

/* Begins a write and reads an open request; on failure rolls back with *e filled. */
static int begin_open(struct store *st, int64_t id, struct state *out, struct request_error *e)
{
	char rid[ID_STR_LEN];
	if (store_begin(st) != STORE_OK)
		return fail(e, ERR_UNAVAILABLE, NULL, "cannot write the database: %s", store_errmsg(st));
	int rc = read_state(st, id, out);
	if (rc < 0)
		fail(e, ERR_INTERNAL, NULL, "cannot read the request: %s", store_errmsg(st));
	else if (rc > 0)
		fail(e, ERR_REQUEST_NOT_FOUND, NULL, "no rights request '%s'", id_format(id, rid));
	else if (strcmp(out->status, "open"))
		fail(e, ERR_REQUEST_CLOSED, NULL, "request '%s' is closed (%s)", id_format(id, rid), out->status);
	else
		return 0;
	store_rollback(st);
	return -1;
}

int requests_verify(struct store *st, const struct config *cfg, int64_t actor, int64_t id, int64_t at, int failed,
		    int64_t *due_at, struct request_error *e)
{
	struct state cur;
	char rid[ID_STR_LEN], t[CLOCK_RFC3339_LEN], detail[96];
	int64_t now = clock_now_ms();
	*due_at = 0;
	if (!at)
		at = now;
	if (begin_open(st, id, &cur, e))
		return -1;
	if (!strcmp(cur.identity, "verified")) {
		fail(e, ERR_IDENTITY_ALREADY_VERIFIED, NULL, "request '%s' is already verified", id_format(id, rid));
		goto refused;
	}
	if (at < cur.received_at || at > now + SKEW_MS) {
		fail(e, ERR_INVALID_VALUE, "at",
		     "verification time '%s' is before the request was received or in the future", clock_format(at, t));
		goto refused;
	}
	struct store_stmt *s;
	if (failed) {
		/* The clock stays stopped: nothing is due to someone who has not shown who they are. */
		s = store_prepare(st, "UPDATE rights_requests SET identity_state = 'failed' WHERE id = ?");
		store_bind_int(s, 1, id);
		snprintf(detail, sizeof(detail), "{\"identity\":\"failed\"}");
	} else {
		*due_at = at + cfg->request_due_days * REQUEST_DAY_MS;
		s = store_prepare(st,
			"UPDATE rights_requests SET identity_state = 'verified', verified_at = ?, due_at = ? WHERE id = ?");
		store_bind_int(s, 1, at);
		store_bind_int(s, 2, *due_at);
		store_bind_int(s, 3, id);
		snprintf(detail, sizeof(detail), "{\"identity\":\"verified\",\"due_at\":\"%s\"}", clock_format(*due_at, t));
	}
	if (store_run(s) != STORE_DONE || audit_request(st, actor, "request.verify", cur.user_id, id, detail) ||
	    store_commit(st) != STORE_OK) {
		fail(e, ERR_INTERNAL, NULL, "cannot record the verification: %s", store_errmsg(st));
		goto refused;
	}
	return 0;
refused:
	store_rollback(st);
	*due_at = 0;
	return -1;
}

/* Closes an open request as answered or refused (ground NULL: answered). */
static int close_request(struct store *st, int64_t actor, int64_t id, const struct request_ground *ground,
			 const char *text, struct request_error *e)
{
	struct state cur;
	char rid[ID_STR_LEN], detail[96];
	if (text && (strlen(text) > REQUEST_ANSWER_MAX || !text_ok(text, 1)))
		return fail(e, ERR_INVALID_VALUE, "text", "the text must be at most %d bytes of UTF-8",
			    REQUEST_ANSWER_MAX);
	if (begin_open(st, id, &cur, e))
		return -1;
	if (!strcmp(cur.identity, "unverified")) {
		fail(e, ERR_IDENTITY_NOT_VERIFIED, NULL,
		     "request '%s' is not verified: verify the requester's identity first (PP-39)", id_format(id, rid));
		goto refused;
	}
	if (ground && ground->repeat_only && !cur.repeat_of) {
		fail(e, ERR_INVALID_VALUE, "ground", "request '%s' is not flagged as a repeat: ground '%s' does not hold",
		     id_format(id, rid), ground->id);
		goto refused;
	}
	struct store_stmt *s = store_prepare(st,
		"UPDATE rights_requests SET status = ?, answer = ?, ground = ?, answered_at = ?"
		" WHERE id = ? AND status = 'open'");
	store_bind_text(s, 1, ground ? "refused" : "answered", -1);
	store_bind_text(s, 2, text && *text ? text : NULL, -1);
	store_bind_text(s, 3, ground ? ground->id : NULL, -1);
	store_bind_int(s, 4, clock_now_ms());
	store_bind_int(s, 5, id);
	if (ground)
		snprintf(detail, sizeof(detail), "{\"ground\":\"%s\"}", ground->id);
	if (store_run(s) != STORE_DONE ||
	    audit_request(st, actor, ground ? "request.refuse" : "request.answer", cur.user_id, id,
			  ground ? detail : NULL) ||
	    store_commit(st) != STORE_OK) {
		fail(e, ERR_INTERNAL, NULL, "cannot record the answer: %s", store_errmsg(st));
		goto refused;
	}
	return 0;
refused:
	store_rollback(st);
	return -1;
}

int requests_answer(struct store *st, int64_t actor, int64_t id, const char *text, struct request_error *e)
{
	if (blank(text))
		return fail(e, ERR_INVALID_VALUE, "text", "an answer needs its text");
	return close_request(st, actor, id, NULL, text, e);
}

int requests_refuse(struct store *st, int64_t actor, int64_t id, const char *ground, const char *text,
		    struct request_error *e)
{
	const struct request_ground *g = requests_ground(ground);
	if (!g) {
		fail(e, ERR_INVALID_VALUE, "ground", "%s: a refusal must name one of the grounds of PP-41 and PP-42:",
		     blank(ground) ? "no ground named" : "unknown ground");
		size_t n = strlen(e->text);
		for (g = request_grounds; g->id && n < sizeof(e->text); g++)
			n += (size_t)snprintf(e->text + n, sizeof(e->text) - n, " %s", g->id);
		return -1;
	}
	return close_request(st, actor, id, g, text, e);
}

/* The columns struct request is read from, in this order. */
#define REQUEST_COLUMNS \
	"id, user_id, type, channel, requester, identity_state, received_at, verified_at, due_at, status," \
	" answer, ground, answered_at, repeat_of"

static int64_t int_or_0(struct store_stmt *s, int col)
{
	return store_col_is_null(s, col) ? 0 : store_col_int(s, col);
}

static void read_request(struct store_stmt *s, struct request *r)
{
	r->id = store_col_int(s, 0);
	r->user_id = int_or_0(s, 1);
	r->type = store_col_text(s, 2);
	r->channel = store_col_text(s, 3);
	r->requester = store_col_text(s, 4);
	r->identity = store_col_text(s, 5);
	r->received_at = store_col_int(s, 6);
	r->verified_at = int_or_0(s, 7);
	r->due_at = int_or_0(s, 8);
	r->status = store_col_text(s, 9);
	r->answer = store_col_text(s, 10);
	r->ground = store_col_text(s, 11);
	r->answered_at = int_or_0(s, 12);
	r->repeat_of = int_or_0(s, 13);
}

int requests_get(struct store *st, int64_t id, void (*fn)(const struct request *r, void *arg), void *arg)
{
	struct store_stmt *s = store_prepare(st, "SELECT " REQUEST_COLUMNS " FROM rights_requests WHERE id = ?");
	store_bind_int(s, 1, id);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		struct request r;
		read_request(s, &r);
		fn(&r, arg);
	}
	store_reset(s);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? 1 : -1;
}

int requests_list(struct store *st, enum requests_list_flags flags, int64_t now,
		  void (*fn)(const struct request *r, void *arg), void *arg)
{
	struct store_stmt *s;
	if (flags & REQUESTS_DUE_SOON) {
		s = store_prepare(st, "SELECT " REQUEST_COLUMNS " FROM rights_requests"
				      " WHERE status = 'open' AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id");
		store_bind_int(s, 1, now + REQUEST_NEAR_DAYS * REQUEST_DAY_MS);
	} else if (flags & REQUESTS_ALL) {
		s = store_prepare(st, "SELECT " REQUEST_COLUMNS " FROM rights_requests"
				      " ORDER BY status <> 'open', answered_at DESC, due_at IS NULL, due_at, received_at, id");
	} else {
		s = store_prepare(st, "SELECT " REQUEST_COLUMNS " FROM rights_requests WHERE status = 'open'"
				      " ORDER BY due_at IS NULL, due_at, received_at, id");
	}
	enum store_rc rc;
	int n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct request r;
		read_request(s, &r);
		fn(&r, arg);
		n++;
	}
	store_reset(s);
	return rc == STORE_DONE ? n : -1;
}

int requests_overdue(struct store *st, int64_t now, int64_t *ids, int max)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT id FROM rights_requests WHERE status = 'open' AND due_at < ? ORDER BY due_at, id");
	store_bind_int(s, 1, now);
	enum store_rc rc;
	int n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (n < max)
			ids[n] = store_col_int(s, 0);
		n++;
	}
	store_reset(s);
	return rc == STORE_DONE ? n : -1;
}

int requests_warn_overdue(struct store *st, int64_t now)
{
	enum { SHOWN = 20 };
	int64_t ids[SHOWN];
	char line[SHOWN * (ID_STR_LEN + 2) + 128], id[ID_STR_LEN];
	int n = requests_overdue(st, now, ids, SHOWN);
	if (n < 0) {
		fprintf(stderr, "atrium: cannot check rights requests for overdue ones: %s\n", store_errmsg(st));
		return -1;
	}
	if (n == 0)
		return 0;
	size_t len = (size_t)snprintf(line, sizeof(line), "atrium: WARNING: %d rights request(s) overdue: ids", n);
	for (int i = 0; i < n && i < SHOWN; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %s", i ? "," : "", id_format(ids[i], id));
	if (n > SHOWN)
		snprintf(line + len, sizeof(line) - len, " and %d more", n - SHOWN);
	/* One write, so the line is not interleaved with the event loops' output. */
	fprintf(stderr, "%s (PP-40: see 'atrium admin requests due')\n", line);
	fflush(stderr);
	return n;
}

/* ---- the privacy clock: overdue warnings daily, retention hourly ---- */

#define CLOCK_CHECK_MS (24LL * 3600 * 1000)
#define CLOCK_SWEEP_MS (3600LL * 1000)

static int64_t mono_ms(void)
{
	return clock_mono_us() / 1000;
}

static void log_sweep(const struct retention_report *r, void *arg)
{
	(void)arg;
	if (r->removed > 0)
		printf("atrium: retention: %s: %lld removed (%s)\n", r->table, (long long)r->removed, r->rule);
}

int requests_clock_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void))
{
	struct requests_clock *c = arg;
	int rc = 0;
	(void)rd;
	if (!c->next_check || mono_ms() >= c->next_check) {
		if (requests_warn_overdue(st, clock_now_ms()) < 0)
			rc = -1; /* said on stderr; tried again at the next round */
		else
			c->next_check = mono_ms() + CLOCK_CHECK_MS;
	}
	if (!stopping() && (!c->next_sweep || mono_ms() >= c->next_sweep)) {
		/* Batches yield to the event loops' writers and stop when the server does. */
		struct retention_opts opts = { .batch = RETENTION_BATCH, .pause_ms = 5, .stopping = stopping };
		if (retention_run(st, c->cfg, clock_now_ms(), &opts, log_sweep, NULL)) {
			fprintf(stderr, "atrium: retention sweep failed: %s\n", store_errmsg(st));
			rc = -1;
		} else {
			c->next_sweep = mono_ms() + CLOCK_SWEEP_MS;
		}
		fflush(stdout);
	}
	return rc;
}
