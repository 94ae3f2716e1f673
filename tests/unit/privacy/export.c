/*
 * Unit tests of privacy/export.c: the archive holds every exported column of the user's rows and
 * nothing of anyone else, sealed fields opened and secrets left out; a destroyed key leaves the
 * field empty; a stop abandons the work and leaves the export queued; the job builds what is
 * queued (also what a crash left running), keeps files private, and deletes old and orphaned
 * files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "core/clock.h"
#include "privacy/export.h"
#include "privacy/privacy.h"
#include "../lib/unzip.h"

#define ME 1001
#define OTHER 2002
#define NOW 1767225600000LL

struct fixture {
	char dir[64], db[96], exports[96], zip[96];
	struct store *st, *rd; /* two connections to one file, as the job runner has */
	struct keyring *kr;
	struct unzip_entry files[4];
	int nfiles;
	json_t *data;
};

static void exec_sql(struct store *st, const char *sql)
{
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
}

static void add_user(struct fixture *f, int64_t id, const char *phone, const char *name)
{
	size_t len;
	assert_int_equal(subject_key_create(f->st, f->kr, id), 0);
	uint8_t *sealed = subject_seal(f->st, f->kr, id, "users.phone", phone, &len);
	assert_non_null(sealed);
	struct store_stmt *s = store_prepare(f->st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, 'v1', ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_blob(s, 2, phone, strlen(phone)); /* stands in for the keyed index */
	store_bind_blob(s, 3, sealed, len);
	store_bind_text(s, 4, name, -1);
	store_bind_int(s, 5, NOW);
	store_bind_int(s, 6, NOW);
	assert_int_equal(store_run(s), STORE_DONE);
	free(sealed);
}

static void add_session(struct fixture *f, int64_t id, int64_t user, const char *model)
{
	struct store_stmt *s = store_prepare(f->st,
		"INSERT INTO sessions (id, user_id, token_hash, cookie, device_id, device_model, device_os,"
		" app_version, ip, created_at, last_seen_at) VALUES (?, ?, ?, 0, ?, ?, 'Android 14', '1.0.0',"
		" '10.0.0.7', ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, user);
	char hash[64];
	snprintf(hash, sizeof(hash), "SECRET-TOKEN-HASH-%lld", (long long)id);
	store_bind_blob(s, 3, hash, strlen(hash));
	store_bind_text(s, 4, model, -1); /* the device id: unique enough here */
	store_bind_text(s, 5, model, -1);
	store_bind_int(s, 6, NOW);
	store_bind_int(s, 7, NOW + 1500);
	assert_int_equal(store_run(s), STORE_DONE);
}

static void add_notification(struct fixture *f, int64_t id, int64_t user, const char *body)
{
	struct store_stmt *s = store_prepare(f->st,
		"INSERT INTO notifications (id, user_id, kind, title, body, created_at) VALUES (?, ?, 'note', '通知', ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, user);
	store_bind_text(s, 3, body, -1);
	store_bind_int(s, 4, NOW);
	assert_int_equal(store_run(s), STORE_DONE);
}

static int setup(void **state)
{
	static const uint8_t master[KEYRING_KEY_LEN] = "export-test-master-key-32-bytes!";
	char err[256];
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/atrium-export-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/atrium.db", f->dir);
	snprintf(f->exports, sizeof(f->exports), "%s/exports", f->dir);
	snprintf(f->zip, sizeof(f->zip), "%s/out.zip", f->dir);
	if (!(f->st = store_open(f->db, err, sizeof(err))) || store_migrate(f->st, err, sizeof(err)) ||
	    !(f->rd = store_open(f->db, err, sizeof(err))) || !(f->kr = keyring_from_bytes(master))) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	add_user(f, ME, "+8613800138000", "韩梅梅");
	add_user(f, OTHER, "+8613900139000", "Other Person");
	add_session(f, 11, ME, "Mate 60 Pro");
	add_session(f, 22, OTHER, "iPhone 15");
	add_notification(f, 31, ME, "<script>alert(1)</script> & more");
	add_notification(f, 32, OTHER, "theirs only");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	unzip_release(f->files, f->nfiles);
	json_decref(f->data);
	store_close(f->rd);
	store_close(f->st);
	keyring_free(f->kr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int never(void) { return 0; }
static int always(void) { return 1; }

/* Writes user's export to f->zip and reads it back: data.json parsed into f->data. */
static void export_and_read(struct fixture *f, int64_t user)
{
	char err[160] = "", why[160] = "";
	uint64_t size = 0;
	int fd = open(f->zip, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	if (export_write(f->rd, f->kr, user, 77, NOW, fd, NULL, NULL, never, &size, err, sizeof(err)))
		fail_msg("export_write: %s", err);
	close(fd);
	struct stat sb;
	assert_int_equal(stat(f->zip, &sb), 0);
	assert_int_equal((uint64_t)sb.st_size, size);
	f->nfiles = unzip_file(f->zip, f->files, 4, why, sizeof(why));
	if (f->nfiles < 0)
		fail_msg("the export does not unzip: %s", why);
	assert_int_equal(f->nfiles, 2);
	assert_string_equal(f->files[0].name, "data.json");
	assert_string_equal(f->files[1].name, "index.html");
	json_error_t jerr;
	f->data = json_loads((const char *)f->files[0].data, 0, &jerr);
	if (!f->data)
		fail_msg("data.json is not JSON: %s at %d:%d", jerr.text, jerr.line, jerr.column);
	if (unzip_python_ok(f->zip) == 0)
		fail_msg("python3 -m zipfile -t rejects the export");
}

static json_t *rows_of(struct fixture *f, const char *table)
{
	json_t *rows = json_object_get(json_object_get(json_object_get(f->data, "datasets"), table), "rows");
	assert_true(json_is_array(rows));
	return rows;
}

static void test_export__holds_the_users_rows_with_sealed_fields_opened(void **state)
{
	struct fixture *f = *state;
	export_and_read(f, ME);
	const char *text = (const char *)f->files[0].data, *html = (const char *)f->files[1].data;

	json_t *users = rows_of(f, "users");
	assert_int_equal(json_array_size(users), 1);
	json_t *me = json_array_get(users, 0);
	assert_string_equal(json_string_value(json_object_get(me, "phone")), "+8613800138000");
	assert_string_equal(json_string_value(json_object_get(me, "name")), "韩梅梅");
	assert_string_equal(json_string_value(json_object_get(me, "id")), "1001"); /* ids as strings */
	assert_string_equal(json_string_value(json_object_get(me, "created_at")), "2026-01-01T00:00:00.000Z");
	assert_true(json_is_null(json_object_get(me, "email")));
	assert_null(json_object_get(me, "phone_sealed"));
	assert_null(json_object_get(me, "phone_index"));
	json_t *title = json_object_get(json_object_get(json_object_get(f->data, "datasets"), "users"), "title");
	assert_string_equal(json_string_value(json_object_get(title, "zh")), "账号资料");
	assert_string_equal(json_string_value(json_object_get(title, "en")), "account profile");

	json_t *sessions = rows_of(f, "sessions");
	assert_int_equal(json_array_size(sessions), 1);
	json_t *s = json_array_get(sessions, 0);
	assert_string_equal(json_string_value(json_object_get(s, "device_model")), "Mate 60 Pro");
	assert_string_equal(json_string_value(json_object_get(s, "last_seen_at")), "2026-01-01T00:00:01.500Z");
	assert_int_equal(json_integer_value(json_object_get(s, "cookie")), 0);
	assert_null(json_object_get(s, "token_hash"));

	json_t *notes = rows_of(f, "notifications");
	assert_int_equal(json_array_size(notes), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "body")),
			    "<script>alert(1)</script> & more");
	assert_int_equal(json_array_size(rows_of(f, "subject_keys")), 1);

	/* nothing secret, nothing of the other user, in either file */
	static const char *const absent[] = { "SECRET-TOKEN-HASH", "U0VDUkVULVRPS0VO", "wrapped",
					      "+8613900139000", "Other Person", "iPhone 15", "theirs only", "2002" };
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (strstr(text, absent[i]) || strstr(html, absent[i]))
			fail_msg("the export holds '%s'", absent[i]);
	/* the page for people: Chinese before English, typed text escaped */
	assert_non_null(strstr(html, "账号资料"));
	assert_true(strstr(html, "账号资料") < strstr(html, "account profile"));
	assert_non_null(strstr(html, "+8613800138000"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
	assert_null(strstr(html, "<script>"));
}

static void test_export__a_destroyed_key_leaves_the_field_empty(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(subject_key_destroy(f->st, ME), 0);
	export_and_read(f, ME);
	json_t *me = json_array_get(rows_of(f, "users"), 0);
	assert_true(json_is_null(json_object_get(me, "phone")));
	assert_string_equal(json_string_value(json_object_get(me, "name")), "韩梅梅");
	assert_int_equal(json_array_size(rows_of(f, "subject_keys")), 0);
}

static void test_export__a_stop_abandons_the_work(void **state)
{
	struct fixture *f = *state;
	char err[160] = "";
	uint64_t size = 0;
	exec_sql(f->st, "BEGIN");
	for (int i = 0; i < 3000; i++)
		add_notification(f, 100 + i, ME, "many");
	exec_sql(f->st, "COMMIT");
	int fd = open(f->zip, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(export_write(f->rd, f->kr, ME, 77, NOW, fd, NULL, NULL, always, &size, err, sizeof(err)), -1);
	close(fd);
	assert_string_equal(err, "stopped");
	/* and the reading connection is free again: a write elsewhere is not held up */
	exec_sql(f->st, "DELETE FROM notifications WHERE body = 'many'");
}

static struct export_info job_export(struct fixture *f, int64_t id)
{
	struct export_info e;
	assert_int_equal(export_get(f->st, ME, id, clock_now_ms(), &e), 0);
	return e;
}

static void test_export__the_job_builds_queued_exports_and_deletes_old_files(void **state)
{
	struct fixture *f = *state;
	struct export_env env = { .kr = f->kr, .dir = f->exports };
	struct export_info q, again;
	char path[160];
	int created;

	/* one queued by a request, one a crash left running */
	assert_int_equal(store_begin(f->st), STORE_OK);
	assert_int_equal(export_request(f->st, ME, NOW, &q, &created), 0);
	assert_int_equal(created, 1);
	assert_int_equal(q.status, EXPORT_QUEUED);
	/* asking again while it waits gives the same one */
	assert_int_equal(export_request(f->st, ME, NOW, &again, &created), 0);
	assert_int_equal(created, 0);
	assert_int_equal(again.id, q.id);
	assert_int_equal(store_commit(f->st), STORE_OK);
	exec_sql(f->st, "INSERT INTO exports (id, user_id, status, progress, created_at) VALUES (5, 1001, 'running', 40, 1)");
	/* leftovers: an orphan file (an erased account's), a half-written one, and a file not ours */
	mkdir(f->exports, 0700);
	static const char *const leftovers[] = { "999.zip", "6.zip.part", "README" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->exports, leftovers[i]);
		FILE *fp = fopen(path, "w");
		fputs("x", fp);
		fclose(fp);
	}

	assert_int_equal(export_job(f->st, f->rd, &env, never), 0);
	const int64_t built[] = { q.id, 5 };
	for (size_t i = 0; i < 2; i++) {
		struct export_info e = job_export(f, built[i]);
		assert_int_equal(e.status, EXPORT_READY);
		assert_int_equal(e.progress, 100);
		assert_true(e.expires_at - e.ready_at == EXPORT_KEEP_MS);
		snprintf(path, sizeof(path), "%s/%s", f->exports, e.file);
		struct stat sb;
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		assert_int_equal(sb.st_size, e.size);
	}
	snprintf(path, sizeof(path), "%s/999.zip", f->exports);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/6.zip.part", f->exports);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/README", f->exports);
	assert_int_equal(access(path, F_OK), 0);

	/* the time of one runs out: the next run deletes its file */
	struct export_info e = job_export(f, 5);
	exec_sql(f->st, "UPDATE exports SET expires_at = 2 WHERE id = 5");
	assert_int_equal(job_export(f, 5).status, EXPORT_EXPIRED); /* reads as expired at once */
	assert_int_equal(export_job(f->st, f->rd, &env, never), 0);
	snprintf(path, sizeof(path), "%s/%s", f->exports, e.file);
	assert_int_not_equal(access(path, F_OK), 0);
	struct export_info gone = job_export(f, 5);
	assert_int_equal(gone.status, EXPORT_EXPIRED);
	assert_string_equal(gone.file, "");
	assert_int_equal(job_export(f, q.id).status, EXPORT_READY);

	/* another user's export is not mine to read */
	struct export_info theirs;
	assert_int_equal(export_get(f->st, OTHER, q.id, clock_now_ms(), &theirs), 1);
}

/* Answers "go on" once (the job takes an export), then "stop" (in the middle of building it). */
static int stop_calls;
static int stop_while_building(void) { return ++stop_calls >= 2; }

static void test_export__a_stop_while_building_leaves_the_export_queued(void **state)
{
	struct fixture *f = *state;
	struct export_env env = { .kr = f->kr, .dir = f->exports };
	char path[160];
	exec_sql(f->st, "BEGIN");
	for (int i = 0; i < 3000; i++)
		add_notification(f, 100 + i, ME, "many");
	exec_sql(f->st, "COMMIT");
	exec_sql(f->st, "INSERT INTO exports (id, user_id, status, progress, created_at) VALUES (7, 1001, 'queued', 0, 1)");
	stop_calls = 0;
	assert_int_equal(export_job(f->st, f->rd, &env, stop_while_building), 0);
	assert_true(stop_calls >= 3); /* it was building when told to stop */
	struct export_info e = job_export(f, 7);
	assert_int_equal(e.status, EXPORT_QUEUED);
	assert_int_equal(e.progress, 0);
	snprintf(path, sizeof(path), "%s/7.zip.part", f->exports);
	assert_int_not_equal(access(path, F_OK), 0);
	/* the next run finishes it */
	assert_int_equal(export_job(f->st, f->rd, &env, never), 0);
	assert_int_equal(job_export(f, 7).status, EXPORT_READY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_export__holds_the_users_rows_with_sealed_fields_opened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export__a_destroyed_key_leaves_the_field_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export__a_stop_abandons_the_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export__the_job_builds_queued_exports_and_deletes_old_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export__a_stop_while_building_leaves_the_export_queued, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
