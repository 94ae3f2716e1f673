/*
 * Unit tests of apps/im/file.c: who may see a file a message carries, what releasing it does,
 * the enterprise's rules, and the files job — an image stripped and thumbnailed, unsent uploads
 * and released files gone with their blobs, a leaver's drafts gone.
 */
#define _GNU_SOURCE /* memmem, mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <vips/vips.h>
#include "../../../src/apps/im/file.c"
#include "core/config.h"
#include "crypto/keyring.h"

#include "../lib/db.h"

static const uint8_t master[KEYRING_KEY_LEN] = { 1, 2, 3 };

/*
 * Enterprise 10: 1 uploads; 2 has been in group 500 from the start, 3 joined it after seq 5, 4 is
 * a member outside it.  Message 1 carries image 900, message 6 file 901.  903 is an upload of 1
 * never sent, 904 an image that failed, 905 already deleted.  Enterprise 20 has 5 alone.
 */
static void seed(struct store *st)
{
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0),"
		" (4, x'04', x'04', 'd', '1', 0, 0), (5, x'05', x'05', 'e', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 5, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'member', 'active', 0), (10, 3, 'c', 'member', 'active', 0),"
		" (10, 4, 'd', 'member', 'active', 0), (20, 5, 'e', 'owner', 'active', 0)");
	run(st, "INSERT INTO conversations (id, enterprise_id, kind, name, max_members, last_seq, last_at, created_at)"
		" VALUES (500, 10, 'group', 'g', 100, 7, 0, 0)");
	run(st, "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, joined_seq)"
		" VALUES (500, 10, 1, 0), (500, 10, 2, 0), (500, 10, 3, 5)");
	run(st, "INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, kind, body, created_at)"
		" VALUES (500, 1, 8001, 10, 1, 'image', '{}', 0), (500, 6, 8006, 10, 1, 'file', '{}', 0)");
	run(st, "INSERT INTO message_files (conversation_id, seq, enterprise_id, file_id) VALUES (500, 1, 10, 900), (500, 6, 10, 901)");
	run(st, "INSERT INTO files (id, enterprise_id, uploader_id, kind, name, type, mime, size, width, height, duration_ms,"
		" status, blob_id, thumb_blob_id, created_at) VALUES"
		" (900, 10, 1, 'image', 'a.jpg', 'jpeg', 'image/jpeg', 10, 4, 3, NULL, 'ready', 9001, 9002, 0),"
		" (901, 10, 1, 'file', 'b.pdf', 'pdf', 'application/pdf', 20, NULL, NULL, NULL, 'ready', 9011, NULL, 0),"
		" (902, 10, 2, 'voice', 'voice.amr', 'amr', 'audio/amr', 30, NULL, NULL, 4000, 'ready', 9021, NULL, 0),"
		" (903, 10, 1, 'image', 'c.png', 'png', 'image/png', 40, 8, 8, NULL, 'processing', 9031, NULL, 0),"
		" (904, 10, 1, 'image', 'd.png', 'png', 'image/png', 50, 8, 8, NULL, 'failed', NULL, NULL, 0),"
		" (905, 10, 1, 'file', '', 'pdf', 'application/pdf', 60, NULL, NULL, NULL, 'deleted', 9051, NULL, 0)");
}

static const char *status_of(struct store *st, int64_t fid)
{
	static char status[16];
	struct store_stmt *s = store_prepare(st, "SELECT status FROM files WHERE id = ?");
	store_bind_int(s, 1, fid);
	snprintf(status, sizeof(status), "%s", store_step(s) == STORE_ROW ? store_col_text(s, 0) : "none");
	store_reset(s);
	return status;
}

/* file_describe into a fresh object: the JSON, or the error's code. */
static const char *describe(struct store *st, int64_t eid, int64_t fid, int64_t uid, const char *kind)
{
	static char out[512];
	struct jsonw w;
	enum err e = ERR_OK;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	if (file_describe(st, eid, fid, uid, kind, &w, &e)) {
		snprintf(out, sizeof(out), "%s", err_code(e));
	} else {
		jsonw_close(&w, '}');
		snprintf(out, sizeof(out), "%s", w.buf);
	}
	jsonw_release(&w);
	return out;
}

static void test_file__describe_to_the_uploader_and_those_who_see_a_message(void **state)
{
	struct store *st = *state;
	seed(st);
	assert_string_equal(describe(st, 10, 900, 2, "image"),
			    "{\"file_id\":\"900\",\"kind\":\"image\",\"name\":\"a.jpg\",\"size\":10,\"mime\":\"image/jpeg\",\"width\":4,\"height\":3}");
	assert_string_equal(describe(st, 10, 902, 2, NULL),
			    "{\"file_id\":\"902\",\"kind\":\"voice\",\"name\":\"voice.amr\",\"size\":30,\"mime\":\"audio/amr\",\"duration_ms\":4000}");
	assert_string_equal(describe(st, 10, 901, 1, "file"),
			    "{\"file_id\":\"901\",\"kind\":\"file\",\"name\":\"b.pdf\",\"size\":20,\"mime\":\"application/pdf\"}");
	assert_string_equal(describe(st, 10, 903, 1, "image"), "{\"file_id\":\"903\",\"kind\":\"image\",\"name\":\"c.png\",\"size\":40,"
			    "\"mime\":\"image/png\",\"width\":8,\"height\":8}"); /* processing: may be sent already */
	assert_string_equal(describe(st, 10, 901, 3, NULL), "{\"file_id\":\"901\",\"kind\":\"file\",\"name\":\"b.pdf\",\"size\":20,"
			    "\"mime\":\"application/pdf\"}");
	assert_string_equal(describe(st, 10, 900, 3, NULL), "file_not_found"); /* sent before they joined */
	assert_string_equal(describe(st, 10, 900, 4, NULL), "file_not_found"); /* not in the conversation */
	assert_string_equal(describe(st, 10, 903, 2, NULL), "file_not_found"); /* never sent: the uploader's alone */
	assert_string_equal(describe(st, 10, 900, 2, "voice"), "invalid_value");
	assert_string_equal(describe(st, 10, 904, 1, NULL), "file_not_found"); /* failed */
	assert_string_equal(describe(st, 10, 905, 1, NULL), "file_not_found"); /* deleted */
	assert_string_equal(describe(st, 20, 900, 2, NULL), "file_not_found"); /* another enterprise's id */
	assert_string_equal(describe(st, 10, 999, 1, NULL), "file_not_found");
}

static void test_file__release_when_no_live_message_shows_it(void **state)
{
	struct store *st = *state;
	seed(st);
	/* 901 is forwarded into a second message: recalling one leaves the other showing it. */
	run(st, "INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, kind, body, created_at)"
		" VALUES (500, 7, 8007, 10, 2, 'file', '{}', 0)");
	run(st, "INSERT INTO message_files (conversation_id, seq, enterprise_id, file_id) VALUES (500, 7, 10, 901)");
	run(st, "UPDATE messages SET recalled_at = 1, body = '{}' WHERE seq = 6");
	assert_int_equal(file_release(st, 10, 901), 0);
	assert_string_equal(status_of(st, 901), "ready");
	assert_string_equal(describe(st, 10, 901, 3, NULL), "{\"file_id\":\"901\",\"kind\":\"file\",\"name\":\"b.pdf\",\"size\":20,"
			    "\"mime\":\"application/pdf\"}");
	run(st, "UPDATE messages SET recalled_at = 1, body = '{}' WHERE seq = 7");
	assert_int_equal(file_release(st, 10, 901), 0);
	assert_string_equal(status_of(st, 901), "deleted");
	assert_string_equal(describe(st, 10, 901, 1, NULL), "file_not_found"); /* not even the uploader */
	assert_int_equal(file_release(st, 10, 901), 0);                        /* twice is harmless */
	assert_int_equal(file_release(st, 20, 900), 0);                        /* another enterprise's: nothing */
	assert_string_equal(status_of(st, 900), "ready");

	/* A message deleted (retention, a dissolved group) takes its files' last reference with it. */
	run(st, "DELETE FROM messages WHERE conversation_id = 500 AND seq = 1");
	assert_string_equal(status_of(st, 900), "deleted");
	/* And the name, content of the enterprise's, goes at once, before the job removes the rest. */
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM files WHERE name <> '' AND status = 'deleted'");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 0);
	store_reset(s);
}

static void test_file__rules_default_and_stored(void **state)
{
	struct store *st = *state;
	seed(st);
	struct config cfg = { .max_upload = 1000, .file_image_max = 5000, .file_voice_max = 300 };
	struct file_rule r;
	assert_int_equal(file_rule_get(st, &cfg, 10, FILE_KIND_IMAGE, &r), 0);
	assert_int_equal(r.max_bytes, 1000); /* capped at max-upload */
	assert_true(r.types & file_type_bit(filetype_find("gif")));
	assert_false(r.types & file_type_bit(filetype_find("pdf")));
	assert_int_equal(file_rule_get(st, &cfg, 10, FILE_KIND_VOICE, &r), 0);
	assert_int_equal(r.max_bytes, 300);
	assert_false(r.types & file_type_bit(filetype_find("wav")));
	r.max_bytes = 200;
	r.types = file_type_bit(filetype_find("amr"));
	assert_int_equal(file_rule_put(st, 10, FILE_KIND_VOICE, &r), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(file_rule_get(st, &cfg, 10, FILE_KIND_VOICE, &r), 0);
	assert_int_equal(r.max_bytes, 200);
	assert_int_equal(r.types, file_type_bit(filetype_find("amr")));
	cfg.max_upload = 100; /* lowered since: still the cap */
	assert_int_equal(file_rule_get(st, &cfg, 10, FILE_KIND_VOICE, &r), 0);
	assert_int_equal(r.max_bytes, 100);
	assert_int_equal(file_rule_get(st, &cfg, 20, FILE_KIND_VOICE, &r), 0); /* another enterprise: defaults */
	assert_true(r.types & file_type_bit(filetype_find("m4a")));
	/* A stored name the catalogue does not have for the kind allows nothing. */
	run(st, "UPDATE file_settings SET types = 'amr,pdf,bogus' WHERE enterprise_id = 10 AND kind = 'voice'");
	assert_int_equal(file_rule_get(st, &cfg, 10, FILE_KIND_VOICE, &r), 0);
	assert_int_equal(r.types, file_type_bit(filetype_find("amr")));
}

static void test_file__enterprise_key_is_made_once_and_goes_with_the_enterprise(void **state)
{
	struct store *st = *state;
	seed(st);
	struct keyring *kr = keyring_from_bytes(master);
	uint8_t a[BLOB_KEY_LEN], b[BLOB_KEY_LEN];
	assert_int_equal(file_enterprise_key(st, kr, 10, a), 0);
	assert_int_equal(file_enterprise_key(st, kr, 10, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(file_enterprise_key(st, kr, 20, b), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	run(st, "DELETE FROM enterprises WHERE id = 20");
	assert_int_equal(subject_key_open(st, kr, 20, b), -1);
	assert_int_equal(subject_key_open(st, kr, 10, b), 0);
	keyring_free(kr);
}

struct job_fixture {
	char root[64];
	struct keyring *kr;
	uint8_t key[BLOB_KEY_LEN];
	struct file_env env;
};

static struct job_fixture *job_setup(struct store *st)
{
	static struct job_fixture f;
	memset(&f, 0, sizeof(f));
	snprintf(f.root, sizeof(f.root), "/tmp/atrium-files-XXXXXX");
	assert_non_null(mkdtemp(f.root));
	f.kr = keyring_from_bytes(master);
	assert_int_equal(file_enterprise_key(st, f.kr, 10, f.key), 0);
	f.env.kr = f.kr;
	f.env.root = f.root;
	return &f;
}

static void job_teardown(struct job_fixture *f)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	keyring_free(f->kr);
}

static int blob_exists(struct job_fixture *f, int64_t bid)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/10/%lld", f->root, (long long)bid);
	return access(p, F_OK) == 0;
}

static void put_blob(struct job_fixture *f, int64_t bid, const void *data, size_t len)
{
	char err[256];
	assert_int_equal(blob_write(f->root, 10, bid, f->key, data, len, err, sizeof(err)), 0);
}

static void test_file__job_strips_and_thumbnails_images(void **state)
{
	struct store *st = *state;
	seed(st);
	id_init(0);
	struct job_fixture *f = job_setup(st);
	/* 903's upload: a JPEG with an EXIF block naming its camera; 904 made a second try with
	 * garbage (a header, nothing after). */
	VipsImage *img;
	void *jpeg;
	size_t len;
	assert_int_equal(image_init(), 0);
	assert_int_equal(vips_black(&img, 640, 480, "bands", 3, NULL), 0);
	vips_image_set_string(img, "exif-ifd0-Make", "SpyCam (SpyCam, ASCII, 7 components, 7 bytes)");
	assert_int_equal(vips_jpegsave_buffer(img, &jpeg, &len, NULL), 0);
	g_object_unref(img);
	assert_non_null(memmem(jpeg, len, "SpyCam", 6));
	put_blob(f, 9031, jpeg, len);
	g_free(jpeg);
	run(st, "UPDATE files SET status = 'processing', blob_id = 9041 WHERE id = 904");
	/* Uploaded just now: the sweep after the processing must leave them be. */
	struct store_stmt *q = store_prepare(st, "UPDATE files SET created_at = ?");
	store_bind_int(q, 1, clock_now_ms());
	assert_int_equal(store_run(q), STORE_DONE);
	put_blob(f, 9041, "\xff\xd8\xff\xe0", 4);

	assert_int_equal(file_job(st, st, &f->env, NULL), 0);
	struct file_row row;
	assert_int_equal(file_get(st, 10, 903, &row), 1);
	assert_string_equal(row.status, "ready");
	assert_int_equal(row.width, 640);
	assert_int_equal(row.height, 480);
	assert_true(row.blob_id != 9031 && row.thumb_blob_id);
	assert_false(blob_exists(f, 9031)); /* the upload as sent is gone */
	size_t n;
	uint8_t *full = blob_load(f->root, 10, row.blob_id, f->key, SIZE_MAX, &n);
	assert_non_null(full);
	assert_int_equal(n, row.size);
	assert_null(memmem(full, n, "SpyCam", 6));
	assert_null(memmem(full, n, "Exif", 4));
	free(full);
	uint8_t *thumb = blob_load(f->root, 10, row.thumb_blob_id, f->key, SIZE_MAX, &n);
	assert_non_null(thumb);
	assert_int_equal(n, row.thumb_size);
	VipsImage *t;
	assert_int_equal(vips_jpegload_buffer(thumb, n, &t, NULL), 0);
	assert_int_equal(vips_image_get_width(t), FILE_THUMB_SIZE);
	assert_int_equal(vips_image_get_height(t), 240);
	g_object_unref(t);
	free(thumb);

	assert_string_equal(status_of(st, 904), "failed");
	assert_false(blob_exists(f, 9041));
	job_teardown(f);
}

static void test_file__sweep_removes_unsent_released_and_orphans(void **state)
{
	struct store *st = *state;
	seed(st);
	struct job_fixture *f = job_setup(st);
	int64_t now = ID_EPOCH_MS + 100 * FILE_UNSENT_MS;
	for (int64_t bid = 9001; bid <= 9051; bid += 10)
		put_blob(f, bid, "x", 1);
	put_blob(f, 9002, "t", 1);
	/* A blob no row names, old by its id; one as young as now. */
	int64_t old = (now - ID_EPOCH_MS - 2 * FILE_ORPHAN_MS) << 22, young = (now - ID_EPOCH_MS) << 22;
	put_blob(f, old, "o", 1);
	put_blob(f, young, "y", 1);
	/* Everything is a day old by now: 902, 903 and 904 (failed) were never sent; 905 is deleted
	 * already. */
	struct file_sweep_report rep;
	assert_int_equal(file_sweep(st, f->root, now, 1, &rep), 0);
	assert_int_equal(rep.expired, 3);
	assert_int_equal(rep.removed, 4);
	assert_int_equal(rep.orphans, 2); /* old, and 9041 that failed 904 no longer names */
	assert_string_equal(status_of(st, 903), "none");
	assert_string_equal(status_of(st, 904), "none");
	assert_string_equal(status_of(st, 905), "none");
	assert_string_equal(status_of(st, 902), "none");
	assert_false(blob_exists(f, 9021));
	assert_false(blob_exists(f, 9031));
	assert_false(blob_exists(f, 9051));
	assert_false(blob_exists(f, old));
	assert_false(blob_exists(f, 9041));
	assert_true(blob_exists(f, young));
	assert_true(blob_exists(f, 9001) && blob_exists(f, 9002) && blob_exists(f, 9011));
	/* A second sweep finds nothing more. */
	assert_int_equal(file_sweep(st, f->root, now, 1, &rep), 0);
	assert_int_equal(rep.expired + rep.removed + rep.orphans, 0);
	assert_string_equal(status_of(st, 900), "ready");
	struct store_stmt *s = store_prepare(st, "SELECT detail FROM audit_log WHERE action = 'retention.sweep'");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_string_equal(store_col_text(s, 0), "{\"removed\":3}");
	store_reset(s);
	job_teardown(f);
}

static void test_file__a_leaver_takes_their_drafts_and_leaves_their_sent_files(void **state)
{
	struct store *st = *state;
	seed(st);
	assert_int_equal(member_leaves(st, 10, 1), 0);
	assert_string_equal(status_of(st, 903), "deleted");
	assert_string_equal(status_of(st, 900), "ready");
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM files WHERE uploader_id = 1");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 0);
	store_reset(s);
	assert_string_equal(describe(st, 10, 900, 2, NULL), "{\"file_id\":\"900\",\"kind\":\"image\",\"name\":\"a.jpg\",\"size\":10,"
			    "\"mime\":\"image/jpeg\",\"width\":4,\"height\":3}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file__describe_to_the_uploader_and_those_who_see_a_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file__release_when_no_live_message_shows_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file__rules_default_and_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file__enterprise_key_is_made_once_and_goes_with_the_enterprise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file__job_strips_and_thumbnails_images, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file__sweep_removes_unsent_released_and_orphans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file__a_leaver_takes_their_drafts_and_leaves_their_sent_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
