/*
 * Unit tests of privacy/retention.c: each rule removes only what is due, in batches of the
 * configured size, each batch audited; the counts reported are the rows removed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/privacy/retention.c"

#define T0 1772438400000LL /* 2026-03-02T08:00:00Z */
#define HOUR (3600LL * 1000)

struct fixture {
	struct store *st;
	struct config cfg;
};

static int setup(void **state)
{
	char err[256];
	struct fixture *f = calloc(1, sizeof(*f));
	if (!(f->st = store_open(":memory:", err, sizeof(err))) || store_migrate(f->st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	f->cfg.session_idle_days = 30;
	f->cfg.request_due_days = 15;
	f->cfg.request_repeat_days = 180;
	/* one account for the rows that need one */
	struct store_stmt *s = store_prepare(f->st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'00', 'Li Lei', 'v1', 0, 0)");
	if (store_run(s) != STORE_DONE)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	free(f);
	return 0;
}

static int64_t count(struct store *st, const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

static void code(struct store *st, int64_t id, int64_t created)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO verification_codes (id, target_index, purpose, code_hash, created_at, expires_at)"
		" VALUES (?, x'00', 'login', x'00', ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, created);
	store_bind_int(s, 3, created + 300000);
	assert_int_equal(store_run(s), STORE_DONE);
}

static void session(struct store *st, int64_t id, int64_t last_seen)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO sessions (id, user_id, token_hash, cookie, device_id, device_model, device_os, app_version,"
		" ip, created_at, last_seen_at) VALUES (?, 1, ?, 0, 'd', 'Pixel 8', 'Android 14', '1.0', '10.0.0.1', 0, ?)");
	store_bind_int(s, 1, id);
	store_bind_blob(s, 2, &id, sizeof(id));
	store_bind_int(s, 3, last_seen);
	assert_int_equal(store_run(s), STORE_DONE);
}

/* read_at 0: unread */
static void notification(struct store *st, int64_t id, int64_t read_at)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO notifications (id, user_id, kind, title, body, created_at, read_at)"
		" VALUES (?, 1, 'new_sign_in', 't', 'b', 0, ?)");
	store_bind_int(s, 1, id);
	if (read_at)
		store_bind_int(s, 2, read_at);
	else
		store_bind_null(s, 2);
	assert_int_equal(store_run(s), STORE_DONE);
}

/* answered_at 0: still open */
static void request(struct store *st, int64_t id, int64_t answered_at)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO rights_requests (id, type, channel, requester, received_at, status, answered_at)"
		" VALUES (?, 'access', 'email', 'Li Lei', 0, ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_text(s, 2, answered_at ? "answered" : "open", -1);
	if (answered_at)
		store_bind_int(s, 3, answered_at);
	else
		store_bind_null(s, 3);
	assert_int_equal(store_run(s), STORE_DONE);
}

struct seen {
	struct retention_report r[8];
	int n;
};

static void record(const struct retention_report *r, void *arg)
{
	struct seen *s = arg;
	assert_true(s->n < 8);
	s->r[s->n++] = *r;
}

static const struct retention_report *report_of(const struct seen *s, const char *table)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->r[i].table, table))
			return &s->r[i];
	fail_msg("no report for %s", table);
	return NULL;
}

static void test_retention__removes_only_what_is_due(void **state)
{
	struct fixture *f = *state;
	code(f->st, 1, T0 - 2 * DAY_MS);
	code(f->st, 2, T0 - DAY_MS);     /* a day old: due */
	code(f->st, 3, T0 - DAY_MS + 1); /* a millisecond short: kept */
	code(f->st, 4, T0);
	session(f->st, 10, T0 - 31 * DAY_MS);
	session(f->st, 11, T0 - 30 * DAY_MS - 1); /* just past the idle limit: ended */
	session(f->st, 12, T0 - 30 * DAY_MS);     /* at the limit: still valid (account.c) */
	session(f->st, 13, T0 - HOUR);
	notification(f->st, 20, T0 - 181 * DAY_MS);
	notification(f->st, 21, T0 - 179 * DAY_MS);
	notification(f->st, 22, 0); /* unread, however old: kept */
	request(f->st, 30, T0 - RETENTION_REQUEST_DAYS * DAY_MS - 1);
	request(f->st, 31, T0 - 2 * 365 * DAY_MS);
	request(f->st, 32, 0); /* open: kept whatever its age */

	struct seen seen = { .n = 0 };
	assert_int_equal(retention_run(f->st, &f->cfg, T0, NULL, record, &seen), 0);
	assert_int_equal(seen.n, (int)NRULES);
	assert_int_equal(report_of(&seen, "verification_codes")->removed, 2);
	assert_int_equal(report_of(&seen, "sessions")->removed, 2);
	assert_int_equal(report_of(&seen, "notifications")->removed, 1);
	assert_int_equal(report_of(&seen, "rights_requests")->removed, 1);
	for (int i = 0; i < seen.n; i++) {
		assert_int_equal(seen.r[i].skipped, 0);
		assert_true(strlen(seen.r[i].rule) > 10);
	}
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes WHERE id IN (3, 4)"), 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes"), 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM sessions WHERE id IN (12, 13)"), 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM sessions"), 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM notifications WHERE id IN (21, 22)"), 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM notifications"), 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM rights_requests WHERE id IN (31, 32)"), 2);
	/* the account itself is no rule's business */
	assert_int_equal(count(f->st, "SELECT count(*) FROM users"), 1);

	/* A second run finds nothing more. */
	seen.n = 0;
	assert_int_equal(retention_run(f->st, &f->cfg, T0, NULL, record, &seen), 0);
	for (int i = 0; i < seen.n; i++)
		assert_int_equal(seen.r[i].removed, 0);
}

static void test_retention__session_idle_days_is_the_limit(void **state)
{
	struct fixture *f = *state;
	session(f->st, 10, T0 - 8 * DAY_MS);
	session(f->st, 11, T0 - 6 * DAY_MS);
	f->cfg.session_idle_days = 7;
	assert_int_equal(retention_run(f->st, &f->cfg, T0, NULL, NULL, NULL), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(count(f->st, "SELECT id FROM sessions"), 11);
}

static void test_retention__deletes_in_batches_each_audited(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(store_begin(f->st), STORE_OK);
	for (int64_t i = 1; i <= 1234; i++)
		code(f->st, i, T0 - 3 * DAY_MS);
	code(f->st, 5000, T0); /* young: stays */
	assert_int_equal(store_commit(f->st), STORE_OK);

	struct seen seen = { .n = 0 };
	struct retention_opts opts = { .batch = 500 };
	assert_int_equal(retention_run(f->st, &f->cfg, T0, &opts, record, &seen), 0);
	const struct retention_report *r = report_of(&seen, "verification_codes");
	assert_int_equal(r->removed, 1234);
	assert_int_equal(r->batches, 3);
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes"), 1);

	/* One audit entry per batch, naming the table and the count, and the chain holds. */
	struct store_stmt *s = store_prepare(f->st,
		"SELECT actor, action, subject, object, detail FROM audit_log ORDER BY id");
	const char *details[] = { "{\"removed\":500}", "{\"removed\":500}", "{\"removed\":234}" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_step(s), STORE_ROW);
		assert_int_equal(store_col_int(s, 0), 0);
		assert_string_equal(store_col_text(s, 1), "retention.sweep");
		assert_int_equal(store_col_int(s, 2), 0);
		assert_string_equal(store_col_text(s, 3), "table:verification_codes");
		assert_string_equal(store_col_text(s, 4), details[i]);
	}
	assert_int_equal(store_step(s), STORE_DONE);
	int64_t bad = 0;
	char why[128];
	assert_int_equal(audit_verify(f->st, &bad, why, sizeof(why)), 0);
}

/* An exact multiple of the batch ends with an empty batch, which commits nothing. */
static void test_retention__exact_multiple_of_a_batch(void **state)
{
	struct fixture *f = *state;
	for (int64_t i = 1; i <= 10; i++)
		code(f->st, i, T0 - 3 * DAY_MS);
	struct seen seen = { .n = 0 };
	struct retention_opts opts = { .batch = 5 };
	assert_int_equal(retention_run(f->st, &f->cfg, T0, &opts, record, &seen), 0);
	assert_int_equal(report_of(&seen, "verification_codes")->removed, 10);
	assert_int_equal(report_of(&seen, "verification_codes")->batches, 2);
	assert_int_equal(count(f->st, "SELECT count(*) FROM audit_log"), 2);
}

static int calls;
static int stop_after_first_batch(void)
{
	return calls++ > 0;
}

static void test_retention__stops_between_batches_when_asked(void **state)
{
	struct fixture *f = *state;
	for (int64_t i = 1; i <= 25; i++)
		code(f->st, i, T0 - 3 * DAY_MS);
	calls = 0;
	struct seen seen = { .n = 0 };
	struct retention_opts opts = { .batch = 10, .stopping = stop_after_first_batch };
	assert_int_equal(retention_run(f->st, &f->cfg, T0, &opts, record, &seen), 0);
	assert_int_equal(report_of(&seen, "verification_codes")->removed, 10);
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes"), 15);
	/* The next run takes up the rest. */
	seen.n = 0;
	assert_int_equal(retention_run(f->st, &f->cfg, T0, &opts, record, &seen), 0);
	/* stop_after_first_batch keeps saying stop: nothing is removed now */
	assert_int_equal(report_of(&seen, "verification_codes")->removed, 0);
	assert_int_equal(retention_run(f->st, &f->cfg, T0, NULL, NULL, NULL), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM verification_codes"), 0);
}

/* Each rule's table and the column it judges by are declared in the data map, whose retention
 * text says the same thing the rule does. */
static void test_retention__rules_follow_the_data_map(void **state)
{
	static const struct {
		const char *table, *says;
	} says[] = {
		{ "verification_codes", "a day" },
		{ "sessions", "session-idle-days" },
		{ "rights_requests", "3 years after" },
	};
	for (size_t i = 0; i < NRULES; i++) {
		assert_non_null(datamap_dataset(rules[i].table));
		assert_non_null(datamap_find(rules[i].table, "id"));
		assert_non_null(datamap_find(rules[i].table, rules[i].column));
	}
	for (size_t i = 0; i < sizeof(says) / sizeof(says[0]); i++) {
		const struct pi_column *c = datamap_find(says[i].table, "id");
		assert_non_null(c);
		if (!strstr(c->retention, says[i].says))
			fail_msg("%s: retention '%s' does not say '%s'", says[i].table, c->retention, says[i].says);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retention__removes_only_what_is_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__session_idle_days_is_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__deletes_in_batches_each_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__exact_multiple_of_a_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__stops_between_batches_when_asked, setup, teardown),
		cmocka_unit_test(test_retention__rules_follow_the_data_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
