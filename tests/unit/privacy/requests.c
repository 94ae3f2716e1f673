/*
 * Unit tests of privacy/requests.c: rights requests that come by e-mail, phone, post or in person
 * (PP-39 … PP-42).  The due date is verification + 15 days and there is none before; overdue
 * requests are found; repeats are flagged; a refusal needs a valid ground; every change is
 * audited without personal data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/clock.h"
#include "core/id.h"
#include "crypto/keyring.h"
#include "privacy/audit.h"
#include "privacy/erasure.h"
#include "privacy/requests.h"
#include "privacy/retention.h"

#define DAY REQUEST_DAY_MS
/* 2026-03-02T08:00:00Z */
#define T0 1772438400000LL
#define LI "Li Lei <li@example.cn>"

struct fixture {
	struct store *st;
	struct config cfg;
	char err[512];
	struct request_error e;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!(f->st = store_open(":memory:", f->err, sizeof(f->err))) || store_migrate(f->st, f->err, sizeof(f->err))) {
		fprintf(stderr, "store: %s\n", f->err);
		return -1;
	}
	f->cfg.request_due_days = 15;
	f->cfg.request_repeat_days = 180;
	f->cfg.session_idle_days = 30;
	clock_set_fixed(T0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	clock_set_fixed(0);
	store_close(f->st);
	free(f);
	return 0;
}

/* Adds a request and returns its id (the test fails when it cannot). */
static int64_t add(struct fixture *f, const char *type, const char *requester, int64_t user, int64_t received)
{
	struct request_new in = { .type = type, .channel = "email", .requester = requester, .user_id = user,
				  .received_at = received };
	int64_t id = 0, repeat = -1;
	if (requests_add(f->st, &f->cfg, 0, &in, &id, &repeat, &f->e))
		fail_msg("requests_add: %s", f->e.text);
	assert_true(id > 0);
	return id;
}

static int64_t repeat_of(struct fixture *f, const char *type, const char *requester, int64_t user, int64_t received)
{
	struct request_new in = { .type = type, .channel = "phone", .requester = requester, .user_id = user,
				  .received_at = received };
	int64_t id = 0, repeat = -1;
	if (requests_add(f->st, &f->cfg, 0, &in, &id, &repeat, &f->e))
		fail_msg("requests_add: %s", f->e.text);
	return repeat;
}

static void verify(struct fixture *f, int64_t id, int64_t at)
{
	int64_t due;
	if (requests_verify(f->st, &f->cfg, 0, id, at, 0, &due, &f->e))
		fail_msg("requests_verify: %s", f->e.text);
}

/* A copy of a request, for assertions after the callback. */
struct copy {
	struct request r;
	char type[32], identity[16], status[16], ground[32], answer[256], requester[256];
};

static void copy_request(const struct request *r, void *arg)
{
	struct copy *c = arg;
	c->r = *r;
	snprintf(c->type, sizeof(c->type), "%s", r->type);
	snprintf(c->identity, sizeof(c->identity), "%s", r->identity);
	snprintf(c->status, sizeof(c->status), "%s", r->status);
	snprintf(c->ground, sizeof(c->ground), "%s", r->ground);
	snprintf(c->answer, sizeof(c->answer), "%s", r->answer);
	snprintf(c->requester, sizeof(c->requester), "%s", r->requester);
}

static struct copy get(struct fixture *f, int64_t id)
{
	struct copy c;
	memset(&c, 0, sizeof(c));
	assert_int_equal(requests_get(f->st, id, copy_request, &c), 0);
	return c;
}

static int64_t count(struct store *st, const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

static int64_t add_user(struct store *st, int64_t id)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (?, ?, x'00', 'Li Lei', 'v1', 0, 0)");
	store_bind_int(s, 1, id);
	store_bind_blob(s, 2, &id, sizeof(id));
	assert_int_equal(store_run(s), STORE_DONE);
	return id;
}

static void test_requests__due_date_is_verified_plus_15_days(void **state)
{
	struct fixture *f = *state;
	int64_t id = add(f, "deletion", LI, 0, 0), due = 0;
	struct copy c = get(f, id);
	assert_string_equal(c.identity, "unverified");
	assert_string_equal(c.status, "open");
	assert_int_equal(c.r.received_at, T0);
	assert_int_equal(c.r.due_at, 0);

	/* Verified two days after it came in: the 15 days run from the verification (PP-40). */
	clock_set_fixed(T0 + 2 * DAY);
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, id, 0, 0, &due, &f->e), 0);
	assert_int_equal(due, T0 + 17 * DAY);
	c = get(f, id);
	assert_string_equal(c.identity, "verified");
	assert_int_equal(c.r.verified_at, T0 + 2 * DAY);
	assert_int_equal(c.r.due_at, T0 + 17 * DAY);

	/* A shorter promise may be configured; the new due date follows it. */
	f->cfg.request_due_days = 10;
	int64_t other = add(f, "access", "Han Meimei", 0, T0);
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, other, T0 + DAY, 0, &due, &f->e), 0);
	assert_int_equal(due, T0 + 11 * DAY);
	/* Verifying twice does not move the clock. */
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, other, 0, 0, &due, &f->e), -1);
	assert_non_null(strstr(f->e.text, "already verified"));
	assert_int_equal(f->e.code, ERR_IDENTITY_ALREADY_VERIFIED);
	assert_int_equal(get(f, other).r.due_at, T0 + 11 * DAY);
}

static void test_requests__unverified_has_no_due_date(void **state)
{
	struct fixture *f = *state;
	int64_t ids[4];
	/* Received 40 days ago and never verified: the clock is paused, nothing is overdue. */
	int64_t id = add(f, "access", LI, 0, T0 - 40 * DAY);
	clock_set_fixed(T0 + 100 * DAY);
	assert_int_equal(get(f, id).r.due_at, 0);
	assert_int_equal(requests_overdue(f->st, clock_now_ms(), ids, 4), 0);
	assert_int_equal(requests_warn_overdue(f->st, clock_now_ms()), 0);

	/* A failed verification leaves it paused too. */
	int64_t due = -1;
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, id, 0, 1, &due, &f->e), 0);
	assert_int_equal(due, 0);
	struct copy c = get(f, id);
	assert_string_equal(c.identity, "failed");
	assert_int_equal(c.r.due_at, 0);
	assert_int_equal(c.r.verified_at, 0);
	assert_int_equal(requests_overdue(f->st, clock_now_ms(), ids, 4), 0);
	/* … and proof of identity that comes later starts it then. */
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, id, 0, 0, &due, &f->e), 0);
	assert_int_equal(due, T0 + 115 * DAY);
}

static void test_requests__overdue_is_found_and_warned(void **state)
{
	struct fixture *f = *state;
	int64_t ids[4];
	int64_t late = add(f, "correction", LI, 0, T0 - 20 * DAY);
	int64_t fine = add(f, "access", "Han Meimei", 0, 0);
	verify(f, late, T0 - 20 * DAY);
	verify(f, fine, T0);
	/* Due exactly now is not yet late; a millisecond after is. */
	assert_int_equal(requests_overdue(f->st, T0 - 5 * DAY, ids, 4), 0);
	assert_int_equal(requests_overdue(f->st, T0 - 5 * DAY + 1, ids, 4), 1);
	assert_int_equal(ids[0], late);
	assert_int_equal(requests_overdue(f->st, T0, ids, 4), 1);
	assert_int_equal(requests_warn_overdue(f->st, T0), 1);
	assert_int_equal(requests_overdue(f->st, T0 + 16 * DAY, ids, 4), 2);
	assert_int_equal(ids[0], late); /* soonest due first */
	assert_int_equal(ids[1], fine);
	/* More than fit: counted all the same. */
	assert_int_equal(requests_overdue(f->st, T0 + 16 * DAY, ids, 1), 2);

	/* Answered, it is no longer overdue. */
	assert_int_equal(requests_answer(f->st, 0, late, "corrected the e-mail address", &f->e), 0);
	assert_int_equal(requests_overdue(f->st, T0, ids, 4), 0);
	assert_int_equal(get(f, late).r.answered_at, T0);
}

struct listed {
	int64_t ids[8];
	int n;
};

static void collect(const struct request *r, void *arg)
{
	struct listed *l = arg;
	if (l->n < 8)
		l->ids[l->n++] = r->id;
}

static void test_requests__list_and_due_soon(void **state)
{
	struct fixture *f = *state;
	int64_t paused = add(f, "other", "A", 0, T0 - DAY);
	int64_t soon = add(f, "access", "B", 0, T0 - 30 * DAY);
	int64_t later = add(f, "access", "C", 0, T0 - 30 * DAY);
	int64_t late = add(f, "access", "D", 0, T0 - 30 * DAY);
	int64_t closed = add(f, "access", "E", 0, 0);
	verify(f, soon, T0 - 13 * DAY);  /* due in 2 days */
	verify(f, later, T0 - 10 * DAY); /* due in 5 days */
	verify(f, late, T0 - 30 * DAY);  /* 15 days late */
	verify(f, closed, T0);
	assert_int_equal(requests_answer(f->st, 0, closed, "sent the copy", &f->e), 0);

	struct listed all = { .n = 0 };
	assert_int_equal(requests_list(f->st, 0, T0, collect, &all), 4);
	assert_int_equal(all.ids[0], late);
	assert_int_equal(all.ids[1], soon);
	assert_int_equal(all.ids[2], later);
	assert_int_equal(all.ids[3], paused); /* no due date: last */

	struct listed due = { .n = 0 };
	assert_int_equal(requests_list(f->st, REQUESTS_DUE_SOON, T0, collect, &due), 2);
	assert_int_equal(due.ids[0], late);
	assert_int_equal(due.ids[1], soon);

	/* All of them: the open ones as before, then the closed. */
	struct listed every = { .n = 0 };
	assert_int_equal(requests_list(f->st, REQUESTS_ALL, T0, collect, &every), 5);
	assert_int_equal(every.ids[0], late);
	assert_int_equal(every.ids[3], paused);
	assert_int_equal(every.ids[4], closed);
}

static void test_requests__repeat_is_flagged(void **state)
{
	struct fixture *f = *state;
	int64_t user = add_user(f->st, 77);
	int64_t first = add(f, "deletion", LI, 0, T0 - 100 * DAY);
	/* Same type and requester (case and spacing aside) within 180 days: a repeat of the latest. */
	assert_int_equal(repeat_of(f, "deletion", "li lei   <LI@example.cn> ", 0, 0), first);
	int64_t second = add(f, "deletion", LI, 0, T0 + 1);
	assert_true(get(f, second).r.repeat_of > first);
	assert_int_equal(repeat_of(f, "deletion", LI, 0, T0 + 1), second);
	/* Another type, another requester: not a repeat. */
	assert_int_equal(repeat_of(f, "access", LI, 0, 0), 0);
	assert_int_equal(repeat_of(f, "correction", "Han Meimei <han@example.cn>", 0, 0), 0);
	/* Older than the window: not a repeat. */
	int64_t old = add(f, "correction", "Wang Wu", 0, T0 - 200 * DAY);
	assert_int_equal(repeat_of(f, "correction", "Wang Wu", 0, 0), 0);
	assert_true(old > 0);
	/* The same account under other words is the same requester. */
	int64_t linked = add(f, "cancellation", "Zhao by phone", user, T0 - DAY);
	assert_int_equal(repeat_of(f, "cancellation", "Zhao Liu, 138 0013 8000", user, 0), linked);
	/* request-repeat-days 0: no repeats flagged. */
	f->cfg.request_repeat_days = 0;
	assert_int_equal(repeat_of(f, "deletion", LI, 0, 0), 0);
}

static void test_requests__refusal_needs_a_valid_ground(void **state)
{
	struct fixture *f = *state;
	int64_t id = add(f, "access", LI, 0, 0);
	verify(f, id, 0);
	const char *bad[] = { NULL, "", "  ", "because", "NATIONAL_SECURITY" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f->e.text[0] = '\0';
		assert_int_equal(requests_refuse(f->st, 0, id, bad[i], "no", &f->e), -1);
		assert_non_null(strstr(f->e.text, "national_security")); /* the message names the valid ones */
		assert_int_equal(f->e.code, ERR_INVALID_VALUE);
		assert_string_equal(f->e.field, "ground");
		assert_string_equal(get(f, id).status, "open");
	}
	/* The repeat ground holds only for a request flagged as a repeat. */
	assert_int_equal(requests_refuse(f->st, 0, id, "repeated", NULL, &f->e), -1);
	assert_int_equal(f->e.code, ERR_INVALID_VALUE);
	assert_string_equal(f->e.field, "ground");
	assert_string_equal(get(f, id).status, "open");

	assert_int_equal(requests_refuse(f->st, 0, id, "impractical", "it is on backup tapes", &f->e), 0);
	struct copy c = get(f, id);
	assert_string_equal(c.status, "refused");
	assert_string_equal(c.ground, "impractical");
	assert_string_equal(c.answer, "it is on backup tapes");
	assert_int_equal(c.r.answered_at, T0);
	/* Closed: nothing more. */
	assert_int_equal(requests_refuse(f->st, 0, id, "serious_harm", NULL, &f->e), -1);
	assert_int_equal(requests_answer(f->st, 0, id, "yes after all", &f->e), -1);
	assert_non_null(strstr(f->e.text, "closed"));
	assert_int_equal(f->e.code, ERR_REQUEST_CLOSED);

	int64_t again = add(f, "access", LI, 0, 0);
	verify(f, again, 0);
	assert_int_equal(requests_refuse(f->st, 0, again, "repeated", NULL, &f->e), 0);
	assert_string_equal(get(f, again).ground, "repeated");
}

static void test_requests__identity_is_checked_first(void **state)
{
	struct fixture *f = *state;
	int64_t id = add(f, "access", LI, 0, 0);
	assert_int_equal(requests_answer(f->st, 0, id, "here is your data", &f->e), -1);
	assert_non_null(strstr(f->e.text, "identity"));
	assert_int_equal(f->e.code, ERR_IDENTITY_NOT_VERIFIED);
	assert_int_equal(requests_refuse(f->st, 0, id, "national_security", NULL, &f->e), -1);
	assert_string_equal(get(f, id).status, "open");
	/* Verification cannot precede receipt or lie in the future. */
	int64_t due;
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, id, T0 - 1, 0, &due, &f->e), -1);
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, id, T0 + DAY, 0, &due, &f->e), -1);
	assert_int_equal(f->e.code, ERR_INVALID_VALUE);
	assert_string_equal(f->e.field, "at");
	assert_string_equal(get(f, id).identity, "unverified");
	/* Once it failed, the answer saying so closes the request. */
	assert_int_equal(requests_verify(f->st, &f->cfg, 0, id, 0, 1, &due, &f->e), 0);
	assert_int_equal(requests_answer(f->st, 0, id, "we could not verify who you are", &f->e), 0);
	assert_string_equal(get(f, id).status, "answered");
	/* An answer needs words. */
	int64_t other = add(f, "access", "Han", 0, 0);
	verify(f, other, 0);
	assert_int_equal(requests_answer(f->st, 0, other, " ", &f->e), -1);
	assert_int_equal(requests_answer(f->st, 0, other, NULL, &f->e), -1);
	assert_string_equal(f->e.field, "text");
	/* Unknown ids are named. */
	assert_int_equal(requests_answer(f->st, 0, 12345, "x", &f->e), -1);
	assert_non_null(strstr(f->e.text, "no rights request '12345'"));
	assert_int_equal(f->e.code, ERR_REQUEST_NOT_FOUND);
}

static void test_requests__bad_input_stores_nothing(void **state)
{
	struct fixture *f = *state;
	struct request_new cases[] = {
		{ .type = "erase", .channel = "email", .requester = LI },
		{ .type = NULL, .channel = "email", .requester = LI },
		{ .type = "access", .channel = "fax", .requester = LI },
		{ .type = "access", .channel = "email", .requester = "" },
		{ .type = "access", .channel = "email", .requester = "   " },
		{ .type = "access", .channel = "email", .requester = NULL },
		{ .type = "access", .channel = "email", .requester = "Li\nLei" },
		{ .type = "access", .channel = "email", .requester = "Li \xff Lei" },
		{ .type = "access", .channel = "email", .requester = LI, .received_at = T0 + 2 * DAY },
		{ .type = "access", .channel = "email", .requester = LI, .user_id = 999 }, /* no such account */
		{ .type = "access", .channel = "email", .requester = LI, .user_id = -1 },
	};
	/* The admin API names the field at fault. */
	const char *fields[] = { "type", "type", "channel", "requester", "requester", "requester", "requester",
				 "requester", "received_at", "user_id", "user_id" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t id = -1, repeat = -1;
		f->e.text[0] = '\0';
		assert_int_equal(requests_add(f->st, &f->cfg, 0, &cases[i], &id, &repeat, &f->e), -1);
		assert_int_equal(id, 0);
		assert_true(strlen(f->e.text) > 5);
		assert_int_equal(f->e.code, ERR_INVALID_VALUE);
		assert_string_equal(f->e.field, fields[i]);
	}
	assert_non_null(strstr(f->e.text, "must be positive"));
	char big[REQUEST_REQUESTER_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct request_new in = { .type = "access", .channel = "email", .requester = big };
	int64_t id, repeat;
	assert_int_equal(requests_add(f->st, &f->cfg, 0, &in, &id, &repeat, &f->e), -1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM rights_requests"), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM audit_log"), 0);
	/* Chinese names and all channels are fine. */
	const char *channels[] = { "email", "phone", "post", "in_person", "other" };
	for (size_t i = 0; i < 5; i++) {
		struct request_new ok = { .type = "other", .channel = channels[i], .requester = "李雷，北京市海淀区" };
		assert_int_equal(requests_add(f->st, &f->cfg, 0, &ok, &id, &repeat, &f->e), 0);
	}
}

static void test_requests__every_change_is_audited_without_personal_data(void **state)
{
	struct fixture *f = *state;
	int64_t user = add_user(f->st, 4242);
	int64_t id = add(f, "deletion", LI, user, 0);
	verify(f, id, 0);
	assert_int_equal(requests_refuse(f->st, 0, id, "criminal_justice", "Li Lei is under investigation", &f->e), 0);
	char object[AUDIT_OBJECT_LEN];
	audit_object("request", id, object);
	struct store_stmt *s = store_prepare(f->st,
		"SELECT actor, action, subject, object, detail FROM audit_log ORDER BY id");
	const char *actions[] = { "request.add", "request.verify", "request.refuse" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_step(s), STORE_ROW);
		assert_int_equal(store_col_int(s, 0), 0);
		assert_string_equal(store_col_text(s, 1), actions[i]);
		assert_int_equal(store_col_int(s, 2), user);
		assert_string_equal(store_col_text(s, 3), object);
		const char *detail = store_col_text(s, 4);
		assert_null(strstr(detail, "Li"));
		assert_null(strstr(detail, "example"));
		assert_null(strstr(detail, "investigation"));
	}
	assert_int_equal(store_step(s), STORE_DONE);
	int64_t bad = 0;
	char why[128];
	assert_int_equal(audit_verify(f->st, &bad, why, sizeof(why)), 0);
	/* Without a linked account the subject is 0. */
	add(f, "access", "Han", 0, 0);
	assert_int_equal(count(f->st, "SELECT subject FROM audit_log ORDER BY id DESC LIMIT 1"), 0);
}

/* Through the admin API the operator's own account is the actor; refused changes leave no entry. */
static void test_requests__the_operator_who_acted_is_the_actor(void **state)
{
	struct fixture *f = *state;
	int64_t user = add_user(f->st, 4242), operator = add_user(f->st, 7), id, repeat, due;
	struct request_new in = { .type = "access", .channel = "phone", .requester = LI, .user_id = user };
	assert_int_equal(requests_add(f->st, &f->cfg, operator, &in, &id, &repeat, &f->e), 0);
	assert_int_equal(requests_answer(f->st, operator, id, "too early", &f->e), -1);
	assert_int_equal(requests_verify(f->st, &f->cfg, operator, id, 0, 0, &due, &f->e), 0);
	assert_int_equal(requests_refuse(f->st, operator, id, "because", NULL, &f->e), -1);
	assert_int_equal(requests_answer(f->st, operator, id, "here is the copy", &f->e), 0);
	struct store_stmt *s = store_prepare(f->st, "SELECT actor, action, subject FROM audit_log ORDER BY id");
	const char *actions[] = { "request.add", "request.verify", "request.answer" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_step(s), STORE_ROW);
		assert_int_equal(store_col_int(s, 0), operator);
		assert_string_equal(store_col_text(s, 1), actions[i]);
		assert_int_equal(store_col_int(s, 2), user);
	}
	assert_int_equal(store_step(s), STORE_DONE);
	/* The same change from the machine's command line has actor 0. */
	int64_t other = add(f, "access", "Han", 0, 0);
	assert_int_equal(count(f->st, "SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1"), 0);
	assert_true(other > id);
}

static void test_requests__config_keeps_the_15_day_promise(void **state)
{
	struct fixture *f = *state;
	char err[256];
	assert_int_equal(requests_check_config(&f->cfg, err, sizeof(err)), 0);
	f->cfg.request_due_days = 16;
	assert_int_equal(requests_check_config(&f->cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "request-due-days"));
	f->cfg.request_due_days = 0;
	assert_int_equal(requests_check_config(&f->cfg, err, sizeof(err)), -1);
	f->cfg.request_due_days = 1;
	f->cfg.request_repeat_days = 5000;
	assert_int_equal(requests_check_config(&f->cfg, err, sizeof(err)), -1);
}

static void test_requests__grounds_are_the_policys(void **state)
{
	int pp41 = 0, pp42 = 0;
	for (const struct request_ground *g = request_grounds; g->id; g++) {
		assert_true(strlen(g->zh) > 5 && strlen(g->en) > 20);
		assert_ptr_equal(requests_ground(g->id), g);
		pp41 += !strcmp(g->promise, "PP-41");
		pp42 += !strcmp(g->promise, "PP-42");
		for (const struct request_ground *h = g + 1; h->id; h++)
			assert_string_not_equal(g->id, h->id);
	}
	assert_int_equal(pp42, 5); /* "the five circumstances" */
	assert_int_equal(pp41, 4); /* repeated, technically excessive, risk to others, impractical */
	assert_null(requests_ground("nope"));
	assert_null(requests_ground(NULL));
}

/* Erasing the linked account, as the data map declares: the requester becomes 'erased', the link
 * and the answer are cleared, and the record of what was asked and when stays as proof. */
static void test_requests__erasure_keeps_the_proof_not_the_person(void **state)
{
	static const uint8_t master[KEYRING_KEY_LEN] = "requests-test-master-key-32bytes";
	struct fixture *f = *state;
	struct keyring *kr = keyring_from_bytes(master);
	int64_t user = add_user(f->st, 88);
	int64_t id = add(f, "deletion", LI, user, 0);
	int64_t other = add(f, "access", "Han Meimei", 0, 0);
	verify(f, id, 0);
	assert_int_equal(requests_answer(f->st, 0, id, "Li Lei's account is deleted", &f->e), 0);
	assert_int_equal(erasure_erase_user(f->st, kr, NULL, user, NULL), 0);
	struct copy c = get(f, id);
	assert_string_equal(c.requester, "erased");
	assert_int_equal(c.r.user_id, 0);
	assert_string_equal(c.answer, "");
	assert_string_equal(c.type, "deletion");
	assert_string_equal(c.status, "answered");
	assert_int_equal(c.r.due_at, T0 + 15 * DAY);
	assert_int_equal(c.r.answered_at, T0);
	assert_string_equal(get(f, other).requester, "Han Meimei"); /* someone else's stays */
	keyring_free(kr);
}

static int stop_never(void)
{
	return 0;
}

/* The server's clock job: warns and sweeps at its first round, then waits its intervals. */
static void test_requests__clock_job_runs_at_start_then_waits(void **state)
{
	struct fixture *f = *state;
	struct requests_clock c = { .cfg = &f->cfg };
	const char *old_code = "INSERT INTO verification_codes (id, target_index, purpose, code_hash, created_at,"
			       " expires_at) VALUES (?, x'00', 'login', x'00', ?, ?)";
	struct store_stmt *s = store_prepare(f->st, old_code);
	store_bind_int(s, 1, 1);
	store_bind_int(s, 2, T0 - 2 * DAY);
	store_bind_int(s, 3, T0 - 2 * DAY + 300000);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(requests_clock_job(f->st, NULL, &c, stop_never), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes"), 0);
	assert_true(c.next_check > 0 && c.next_sweep > 0 && c.next_check > c.next_sweep);

	/* Within the hour nothing is swept again … */
	s = store_prepare(f->st, old_code);
	store_bind_int(s, 1, 2);
	store_bind_int(s, 2, T0 - 2 * DAY);
	store_bind_int(s, 3, T0 - 2 * DAY + 300000);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(requests_clock_job(f->st, NULL, &c, stop_never), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes"), 1);
	/* … and once it is up, it is. */
	c.next_sweep = 1;
	assert_int_equal(requests_clock_job(f->st, NULL, &c, stop_never), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_requests__due_date_is_verified_plus_15_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__unverified_has_no_due_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__overdue_is_found_and_warned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__list_and_due_soon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__repeat_is_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__refusal_needs_a_valid_ground, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__identity_is_checked_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__bad_input_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__every_change_is_audited_without_personal_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__the_operator_who_acted_is_the_actor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__config_keeps_the_15_day_promise, setup, teardown),
		cmocka_unit_test(test_requests__grounds_are_the_policys),
		cmocka_unit_test_setup_teardown(test_requests__erasure_keeps_the_proof_not_the_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests__clock_job_runs_at_start_then_waits, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
