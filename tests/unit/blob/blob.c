/* Unit tests of blob/blob.c: what goes in comes out, only under its own enterprise, id and key;
 * nothing readable lies on disk; anything altered, swapped or cut short fails to open. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "blob/blob.h"

struct fixture {
	char root[64];
	uint8_t key[BLOB_KEY_LEN], other[BLOB_KEY_LEN];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/atrium-blob-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	memset(f->key, 7, sizeof(f->key));
	memset(f->other, 8, sizeof(f->other));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + i / 7);
	return p;
}

static char *path_of(struct fixture *f, int64_t eid, int64_t bid)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/%lld/%lld", f->root, (long long)eid, (long long)bid);
	return p;
}

static uint8_t *file_bytes(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	rewind(fp);
	uint8_t *b = malloc(*len + 1);
	assert_int_equal(fread(b, 1, *len, fp), *len);
	fclose(fp);
	return b;
}

static void put_bytes(const char *path, const uint8_t *b, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(b, 1, len, fp), len);
	fclose(fp);
}

static void test_blob__round_trips_at_every_chunk_boundary(void **state)
{
	struct fixture *f = *state;
	static const size_t sizes[] = { 0, 1, 1000, BLOB_CHUNK - 1, BLOB_CHUNK, BLOB_CHUNK + 1, 3 * BLOB_CHUNK + 17 };
	char err[256];
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *in = pattern(sizes[i]);
		int64_t bid = 1000 + (int64_t)i;
		assert_int_equal(blob_write(f->root, 5, bid, f->key, in, sizes[i], err, sizeof(err)), 0);
		size_t len = 99;
		uint8_t *out = blob_load(f->root, 5, bid, f->key, SIZE_MAX, &len);
		assert_non_null(out);
		assert_int_equal(len, sizes[i]);
		if (sizes[i])
			assert_memory_equal(out, in, sizes[i]);
		free(out);
		/* Read back through the streaming reader, in odd pieces. */
		size_t size = 0, got = 0;
		struct blob_reader *b = blob_open(f->root, 5, bid, f->key, &size);
		assert_non_null(b);
		assert_int_equal(size, sizes[i]);
		uint8_t piece[5000];
		ssize_t n;
		while ((n = blob_read(b, piece, sizeof(piece))) > 0) {
			assert_memory_equal(piece, in + got, (size_t)n);
			got += (size_t)n;
		}
		assert_int_equal(n, 0);
		assert_int_equal(got, sizes[i]);
		blob_close(b);
		/* Too large for the caller's cap: refused whole. */
		if (sizes[i] > 1)
			assert_null(blob_load(f->root, 5, bid, f->key, sizes[i] - 1, &len));
		free(in);
	}
}

static void test_blob__nothing_readable_on_disk_and_no_temporary_left(void **state)
{
	struct fixture *f = *state;
	char err[256];
	const char *secret = "the quarterly numbers are 42 42 42 42 42 42 42 42";
	assert_int_equal(blob_write(f->root, 5, 77, f->key, secret, strlen(secret), err, sizeof(err)), 0);
	size_t len;
	uint8_t *disk = file_bytes(path_of(f, 5, 77), &len);
	assert_true(len > strlen(secret));
	assert_null(memmem(disk, len, "quarterly", 9));
	assert_null(memmem(disk, len, "42 42", 5));
	free(disk);
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path_of(f, 5, 77));
	assert_int_equal(access(tmp, F_OK), -1);
	struct stat sb;
	assert_int_equal(stat(path_of(f, 5, 77), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void test_blob__opens_only_under_its_own_key_enterprise_and_id(void **state)
{
	struct fixture *f = *state;
	char err[256], dir[256];
	size_t len = 2 * BLOB_CHUNK + 5, size;
	uint8_t *a = pattern(len), *disk;
	assert_int_equal(blob_write(f->root, 5, 10, f->key, a, len, err, sizeof(err)), 0);
	assert_int_equal(blob_write(f->root, 5, 11, f->key, a, len, err, sizeof(err)), 0);
	assert_null(blob_open(f->root, 5, 10, f->other, &size));     /* another enterprise's key */
	assert_null(blob_open(f->root, 5, 12, f->key, &size));       /* none */
	/* Copied over another blob of the same size: the id is bound in, so it does not open. */
	size_t dlen;
	disk = file_bytes(path_of(f, 5, 10), &dlen);
	put_bytes(path_of(f, 5, 11), disk, dlen);
	assert_null(blob_open(f->root, 5, 11, f->key, &size));
	/* Moved to another enterprise's folder, under the same id and even the same key. */
	snprintf(dir, sizeof(dir), "%s/6", f->root);
	mkdir(dir, 0700);
	put_bytes(path_of(f, 6, 10), disk, dlen);
	assert_null(blob_open(f->root, 6, 10, f->key, &size));
	/* The original still opens. */
	uint8_t *back = blob_load(f->root, 5, 10, f->key, SIZE_MAX, &size);
	assert_non_null(back);
	assert_memory_equal(back, a, len);
	free(back);
	free(disk);
	free(a);
}

static void test_blob__altered_cut_or_extended_fails(void **state)
{
	struct fixture *f = *state;
	char err[256];
	size_t len = 2 * BLOB_CHUNK + 100, dlen, size;
	uint8_t *a = pattern(len);
	assert_int_equal(blob_write(f->root, 5, 20, f->key, a, len, err, sizeof(err)), 0);
	uint8_t *disk = file_bytes(path_of(f, 5, 20), &dlen);

	/* One bit flipped in the last chunk: the first chunks read, then the reader fails. */
	disk[dlen - 30] ^= 1;
	put_bytes(path_of(f, 5, 20), disk, dlen);
	assert_null(blob_load(f->root, 5, 20, f->key, SIZE_MAX, &size));
	struct blob_reader *b = blob_open(f->root, 5, 20, f->key, &size);
	assert_non_null(b);
	uint8_t *buf = malloc(len);
	assert_int_equal(blob_read(b, buf, BLOB_CHUNK), BLOB_CHUNK);
	assert_int_equal(blob_read(b, buf, len), -1);
	blob_close(b);
	disk[dlen - 30] ^= 1;

	/* The final chunk cut off: whole chunks remain, but the end is not the end. */
	size_t cut = dlen - (100 + 17);
	put_bytes(path_of(f, 5, 20), disk, cut);
	assert_null(blob_load(f->root, 5, 20, f->key, SIZE_MAX, &size));
	/* A chunk appended (the first one again). */
	uint8_t *longer = malloc(dlen + BLOB_CHUNK + 17);
	memcpy(longer, disk, dlen);
	memcpy(longer + dlen, disk + 8 + 24, BLOB_CHUNK + 17);
	put_bytes(path_of(f, 5, 20), longer, dlen + BLOB_CHUNK + 17);
	assert_null(blob_load(f->root, 5, 20, f->key, SIZE_MAX, &size));
	/* The header altered. */
	disk[10] ^= 0x80;
	put_bytes(path_of(f, 5, 20), disk, dlen);
	assert_null(blob_open(f->root, 5, 20, f->key, &size));
	free(longer);
	free(buf);
	free(disk);
	free(a);
}

struct seen {
	int64_t ids[16];
	int temps, n;
};

static void seen_blob(int64_t bid, int temp, void *arg)
{
	struct seen *s = arg;
	s->ids[s->n++] = bid;
	s->temps += temp;
}

static void seen_enterprise(int64_t eid, void *arg)
{
	seen_blob(eid, 0, arg);
}

static void test_blob__lists_and_deletes(void **state)
{
	struct fixture *f = *state;
	char err[256], p[300];
	assert_int_equal(blob_write(f->root, 5, 30, f->key, "a", 1, err, sizeof(err)), 0);
	assert_int_equal(blob_write(f->root, 5, 31, f->key, "b", 1, err, sizeof(err)), 0);
	assert_int_equal(blob_write(f->root, 9, 32, f->key, "c", 1, err, sizeof(err)), 0);
	snprintf(p, sizeof(p), "%s.tmp", path_of(f, 5, 33));
	put_bytes(p, (const uint8_t *)"x", 1);
	snprintf(p, sizeof(p), "%s/5/not-a-blob", f->root);
	put_bytes(p, (const uint8_t *)"x", 1);

	struct seen s = { .n = 0 };
	assert_int_equal(blob_each(f->root, 5, seen_blob, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.temps, 1);
	s.n = 0;
	assert_int_equal(blob_each_enterprise(f->root, seen_enterprise, &s), 0);
	assert_int_equal(s.n, 2);
	s.n = 0;
	assert_int_equal(blob_each(f->root, 404, seen_blob, &s), 0); /* no folder: nothing, no error */
	assert_int_equal(s.n, 0);

	assert_int_equal(blob_delete(f->root, 5, 30), 0);
	assert_int_equal(blob_delete(f->root, 5, 30), 0); /* already gone */
	assert_int_equal(blob_delete(f->root, 5, 33), 0); /* its temporary file */
	s.n = s.temps = 0;
	blob_each(f->root, 5, seen_blob, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 31);
	assert_int_equal(s.temps, 0);

	/* A folder holding something this store did not write is left with it. */
	assert_int_equal(blob_delete_enterprise(f->root, 5), -1);
	unlink(p);
	assert_int_equal(blob_delete_enterprise(f->root, 5), 0);
	snprintf(p, sizeof(p), "%s/5", f->root);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(blob_delete_enterprise(f->root, 5), 0);
	size_t size;
	uint8_t *c = blob_load(f->root, 9, 32, f->key, 10, &size);
	assert_non_null(c);
	free(c);
}

static void test_blob__a_write_that_cannot_happen_says_why(void **state)
{
	struct fixture *f = *state;
	char err[256] = "", p[300];
	snprintf(p, sizeof(p), "%s/7", f->root);
	put_bytes(p, (const uint8_t *)"x", 1); /* a file where the enterprise's folder should be */
	assert_int_equal(blob_write(f->root, 7, 40, f->key, "a", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot write blob"));
	assert_non_null(strstr(err, "Not a directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blob__round_trips_at_every_chunk_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob__nothing_readable_on_disk_and_no_temporary_left, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob__opens_only_under_its_own_key_enterprise_and_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob__altered_cut_or_extended_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob__lists_and_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob__a_write_that_cannot_happen_says_why, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
