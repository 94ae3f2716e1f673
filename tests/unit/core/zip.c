/*
 * Unit tests of core/zip.c: what it writes opens in an independent reader (tests/unit/lib/unzip.h)
 * and in Python's zipfile, byte for byte, CRCs and sizes checked, across the buffer's edges; and
 * misuse and a broken file fail and stay failed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/zip.h"
#include "../lib/unzip.h"

struct fixture {
	char path[64];
	int fd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/atrium-zip-test-XXXXXX");
	f->fd = mkstemp(f->path);
	if (f->fd < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	close(f->fd);
	unlink(f->path);
	free(f);
	return 0;
}

static void add(struct zip *z, const char *name, const void *data, size_t len, size_t piece)
{
	assert_int_equal(zip_begin(z, name, 1767225600000LL), 0);
	for (size_t off = 0; off < len; off += piece)
		assert_int_equal(zip_write(z, (const char *)data + off, len - off < piece ? len - off : piece), 0);
	assert_int_equal(zip_end(z), 0);
}

static void test_zip__entries_read_back_exactly(void **state)
{
	struct fixture *f = *state;
	/* text that compresses well, bytes that do not (past the 64 KiB buffer several times), an
	 * empty file, and a Chinese name */
	size_t big = 3 * 1024 * 1024 + 17, noise = 300 * 1000 + 3;
	char *text = malloc(big);
	unsigned char *rnd = malloc(noise);
	for (size_t i = 0; i < big; i++)
		text[i] = "{\"title\":\"新设备登录\",\"n\":12345}\n"[i % 39];
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < noise; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		rnd[i] = (unsigned char)x;
	}
	struct zip *z = zip_new(f->fd, 6);
	add(z, "data.json", text, big, 100000);
	add(z, "noise.bin", rnd, noise, noise);
	add(z, "empty.txt", "", 0, 1);
	add(z, "目录/说明.html", "<p>你好</p>", strlen("<p>你好</p>"), 3);
	assert_int_equal(zip_finish(z), 0);
	assert_string_equal(zip_error(z), "");
	off_t size = lseek(f->fd, 0, SEEK_END);
	assert_int_equal((uint64_t)size, zip_size(z));
	assert_true(size < (off_t)(big / 20 + noise + 4096)); /* the text was deflated */
	zip_free(z);

	struct unzip_entry e[8];
	char why[160] = "";
	int n = unzip_file(f->path, e, 8, why, sizeof(why));
	if (n < 0)
		fail_msg("the archive does not read back: %s", why);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].name, "data.json");
	assert_int_equal(e[0].len, big);
	assert_memory_equal(e[0].data, text, big);
	assert_string_equal(e[1].name, "noise.bin");
	assert_int_equal(e[1].len, noise);
	assert_memory_equal(e[1].data, rnd, noise);
	assert_string_equal(e[2].name, "empty.txt");
	assert_int_equal(e[2].len, 0);
	assert_string_equal(e[3].name, "目录/说明.html");
	assert_string_equal((char *)e[3].data, "<p>你好</p>");
	unzip_release(e, n);
	if (unzip_python_ok(f->path) == 0)
		fail_msg("python3 -m zipfile -t rejects the archive");
	free(text);
	free(rnd);
}

static void test_zip__an_empty_archive_is_valid(void **state)
{
	struct fixture *f = *state;
	struct zip *z = zip_new(f->fd, 6);
	assert_int_equal(zip_finish(z), 0);
	assert_int_equal(zip_size(z), 22);
	zip_free(z);
	struct unzip_entry e[1];
	char why[160];
	assert_int_equal(unzip_file(f->path, e, 1, why, sizeof(why)), 0);
	assert_int_not_equal(unzip_python_ok(f->path), 0);
}

static void test_zip__misuse_fails_and_stays_failed(void **state)
{
	struct fixture *f = *state;
	struct zip *z = zip_new(f->fd, 6);
	assert_int_equal(zip_write(z, "x", 1), -1);
	assert_non_null(strstr(zip_error(z), "outside an entry"));
	/* the first failure is the one reported, and everything after fails too */
	assert_int_equal(zip_begin(z, "a.txt", 0), -1);
	assert_int_equal(zip_finish(z), -1);
	assert_non_null(strstr(zip_error(z), "outside an entry"));
	zip_free(z);

	z = zip_new(f->fd, 6);
	assert_int_equal(zip_begin(z, "/etc/passwd", 0), -1);
	assert_non_null(strstr(zip_error(z), "relative"));
	zip_free(z);

	z = zip_new(f->fd, 6);
	assert_int_equal(zip_begin(z, "a.txt", 0), 0);
	assert_int_equal(zip_begin(z, "b.txt", 0), -1);
	zip_free(z); /* freed with an entry open: nothing leaks */
}

static void test_zip__a_write_error_is_reported(void **state)
{
	(void)state;
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		skip();
	struct zip *z = zip_new(fd, 6);
	char block[4096];
	memset(block, 'a', sizeof(block));
	assert_int_equal(zip_begin(z, "a.txt", 0), 0);
	int rc = 0;
	for (int i = 0; i < 64 && !rc; i++)
		rc = zip_write(z, block, sizeof(block));
	if (!rc)
		rc = zip_end(z) || zip_finish(z);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(zip_error(z), "cannot write"));
	zip_free(z);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zip__entries_read_back_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zip__an_empty_archive_is_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zip__misuse_fails_and_stays_failed, setup, teardown),
		cmocka_unit_test(test_zip__a_write_error_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
