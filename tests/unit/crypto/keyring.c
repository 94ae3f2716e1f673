/* Unit tests of crypto/keyring.c: the key file, sealing, subject keys and blind indexes. */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "crypto/keyring.h"

struct fixture {
	char dir[64], key[128];
	struct keyring *kr; /* on a fixed master key */
};

static const uint8_t master[KEYRING_KEY_LEN] = "0123456789abcdef0123456789abcde";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/atrium-keyring-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->key, sizeof(f->key), "%s/master.key", f->dir);
	if (!(f->kr = keyring_from_bytes(master)))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unlink(f->key);
	rmdir(f->dir);
	keyring_free(f->kr);
	free(f);
	return 0;
}

static void write_key_file(const char *path, const void *bytes, size_t len, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_keyring__load_creates_a_private_key_file_and_reloads_it(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	uint8_t before[KEYRING_INDEX_LEN], after[KEYRING_INDEX_LEN];
	struct stat sb;

	struct keyring *kr = keyring_load(f->key, err, sizeof(err));
	if (!kr)
		fail_msg("keyring_load: %s", err);
	assert_int_equal(stat(f->key, &sb), 0);
	assert_int_equal(sb.st_size, KEYRING_KEY_LEN);
	assert_int_equal(sb.st_mode & 0777, 0600);
	keyring_index(kr, "phone", "+8613800138000", before);
	keyring_free(kr);

	kr = keyring_load(f->key, err, sizeof(err));
	if (!kr)
		fail_msg("keyring_load again: %s", err);
	keyring_index(kr, "phone", "+8613800138000", after);
	assert_memory_equal(before, after, KEYRING_INDEX_LEN);
	keyring_free(kr);

	/* A new key file is a new key. */
	assert_int_equal(unlink(f->key), 0);
	kr = keyring_load(f->key, err, sizeof(err));
	assert_non_null(kr);
	keyring_index(kr, "phone", "+8613800138000", after);
	assert_memory_not_equal(before, after, KEYRING_INDEX_LEN);
	keyring_free(kr);
}

static void test_keyring__load_uses_the_bytes_in_the_file(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	uint8_t a[KEYRING_INDEX_LEN], b[KEYRING_INDEX_LEN];
	write_key_file(f->key, master, KEYRING_KEY_LEN, 0600);
	struct keyring *kr = keyring_load(f->key, err, sizeof(err));
	if (!kr)
		fail_msg("keyring_load: %s", err);
	keyring_index(kr, "email", "a@example.com", a);
	keyring_index(f->kr, "email", "a@example.com", b);
	assert_memory_equal(a, b, KEYRING_INDEX_LEN);
	keyring_free(kr);
}

static void test_keyring__load_refuses_a_key_others_may_read(void **state)
{
	struct fixture *f = *state;
	static const mode_t modes[] = { 0644, 0640, 0604, 0660 };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char err[256] = "";
		write_key_file(f->key, master, KEYRING_KEY_LEN, modes[i]);
		struct keyring *kr = keyring_load(f->key, err, sizeof(err));
		if (kr) {
			keyring_free(kr);
			fail_msg("a key file of mode %o was accepted", (unsigned)modes[i]);
		}
		assert_non_null(strstr(err, f->key));
	}
}

static void test_keyring__load_refuses_a_key_of_the_wrong_size(void **state)
{
	struct fixture *f = *state;
	uint8_t bytes[KEYRING_KEY_LEN + 1] = { 0 };
	static const size_t sizes[] = { 0, 16, KEYRING_KEY_LEN - 1, KEYRING_KEY_LEN + 1 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char err[256] = "";
		write_key_file(f->key, bytes, sizes[i], 0600);
		struct keyring *kr = keyring_load(f->key, err, sizeof(err));
		if (kr) {
			keyring_free(kr);
			fail_msg("a key file of %zu bytes was accepted", sizes[i]);
		}
		assert_non_null(strstr(err, "32 bytes"));
	}
	/* The refused file is left as it was, not replaced by a fresh key. */
	struct stat sb;
	assert_int_equal(stat(f->key, &sb), 0);
	assert_int_equal(sb.st_size, KEYRING_KEY_LEN + 1);
}

static void test_keyring__load_fails_where_it_cannot_create(void **state)
{
	char err[256] = "";
	assert_null(keyring_load("/nonexistent/dir/master.key", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/dir/master.key"));
}

static void test_keyring__seal_open_round_trip(void **state)
{
	uint8_t key[KEYRING_KEY_LEN];
	const char *msg = "+8613800138000";
	size_t n = strlen(msg);
	uint8_t sealed[64], again[64];
	char opened[64] = "";
	memset(key, 7, sizeof(key));
	keyring_seal(key, "users.phone:1", msg, n, sealed);
	assert_int_equal(keyring_open(key, "users.phone:1", sealed, n + KEYRING_SEAL_OVERHEAD, (uint8_t *)opened), 0);
	assert_memory_equal(opened, msg, n);
	/* The plain text is not in the sealed bytes, and sealing twice gives other bytes (fresh nonce). */
	assert_null(memmem(sealed, n + KEYRING_SEAL_OVERHEAD, msg, n));
	keyring_seal(key, "users.phone:1", msg, n, again);
	assert_memory_not_equal(sealed, again, n + KEYRING_SEAL_OVERHEAD);
	/* An empty value seals too. */
	keyring_seal(key, "x", "", 0, sealed);
	assert_int_equal(keyring_open(key, "x", sealed, KEYRING_SEAL_OVERHEAD, (uint8_t *)opened), 0);
}

static void test_keyring__open_refuses_forgeries(void **state)
{
	uint8_t key[KEYRING_KEY_LEN], other[KEYRING_KEY_LEN];
	const char *msg = "sensitive";
	size_t n = strlen(msg), len = n + KEYRING_SEAL_OVERHEAD;
	uint8_t sealed[64], copy[64], out[64];
	memset(key, 7, sizeof(key));
	memset(other, 8, sizeof(other));
	keyring_seal(key, "users.phone:1", msg, n, sealed);

	assert_int_equal(keyring_open(key, "users.phone:2", sealed, len, out), -1);
	assert_int_equal(keyring_open(key, "users.email:1", sealed, len, out), -1);
	assert_int_equal(keyring_open(key, "", sealed, len, out), -1);
	assert_int_equal(keyring_open(other, "users.phone:1", sealed, len, out), -1);
	for (size_t i = 0; i < len; i++) { /* any flipped byte: nonce, cipher text or tag */
		memcpy(copy, sealed, len);
		copy[i] ^= 0x01;
		if (keyring_open(key, "users.phone:1", copy, len, out) != -1)
			fail_msg("byte %zu flipped and still opened", i);
	}
	assert_int_equal(keyring_open(key, "users.phone:1", sealed, len - 1, out), -1);
	assert_int_equal(keyring_open(key, "users.phone:1", sealed, KEYRING_SEAL_OVERHEAD - 1, out), -1);
	assert_int_equal(keyring_open(key, "users.phone:1", sealed, 0, out), -1);
	assert_int_equal(keyring_open(key, "users.phone:1", sealed, len, out), 0);
}

static void test_keyring__subject_key_wrap_unwrap(void **state)
{
	struct fixture *f = *state;
	uint8_t wrapped[KEYRING_WRAPPED_LEN], key[KEYRING_KEY_LEN], back[KEYRING_KEY_LEN];
	uint8_t wrapped2[KEYRING_WRAPPED_LEN], key2[KEYRING_KEY_LEN];
	keyring_new_subject_key(f->kr, 1001, wrapped, key);
	assert_int_equal(keyring_open_subject_key(f->kr, 1001, wrapped, back), 0);
	assert_memory_equal(key, back, KEYRING_KEY_LEN);
	assert_null(memmem(wrapped, sizeof(wrapped), key, sizeof(key))); /* the key is not in the clear */

	/* Each subject gets its own key. */
	keyring_new_subject_key(f->kr, 1002, wrapped2, key2);
	assert_memory_not_equal(key, key2, KEYRING_KEY_LEN);

	/* A wrapped key opens only for its subject and under its master key. */
	assert_int_equal(keyring_open_subject_key(f->kr, 1002, wrapped, back), -1);
	assert_int_equal(keyring_open_subject_key(f->kr, -1001, wrapped, back), -1);
	uint8_t other_master[KEYRING_KEY_LEN];
	memset(other_master, 0x5a, sizeof(other_master));
	struct keyring *other = keyring_from_bytes(other_master);
	assert_non_null(other);
	assert_int_equal(keyring_open_subject_key(other, 1001, wrapped, back), -1);
	keyring_free(other);
	wrapped[KEYRING_WRAPPED_LEN - 1] ^= 0x80;
	assert_int_equal(keyring_open_subject_key(f->kr, 1001, wrapped, back), -1);
}

static void test_keyring__blind_index_is_deterministic_per_domain(void **state)
{
	struct fixture *f = *state;
	uint8_t a[KEYRING_INDEX_LEN], b[KEYRING_INDEX_LEN], c[KEYRING_INDEX_LEN], d[KEYRING_INDEX_LEN];
	keyring_index(f->kr, "phone", "+8613800138000", a);
	keyring_index(f->kr, "phone", "+8613800138000", b);
	assert_memory_equal(a, b, KEYRING_INDEX_LEN);
	keyring_index(f->kr, "email", "+8613800138000", c);
	assert_memory_not_equal(a, c, KEYRING_INDEX_LEN);
	keyring_index(f->kr, "phone", "+8613800138001", d);
	assert_memory_not_equal(a, d, KEYRING_INDEX_LEN);
	/* Domain and value cannot slide into each other. */
	keyring_index(f->kr, "ph", "one+8613800138000", c);
	assert_memory_not_equal(a, c, KEYRING_INDEX_LEN);

	/* Another master key gives other indexes: they are keyed, not plain hashes. */
	uint8_t other_master[KEYRING_KEY_LEN];
	memset(other_master, 0x5a, sizeof(other_master));
	struct keyring *other = keyring_from_bytes(other_master);
	keyring_index(other, "phone", "+8613800138000", c);
	assert_memory_not_equal(a, c, KEYRING_INDEX_LEN);
	keyring_free(other);
}

static void test_keyring__mac_is_keyed_and_domain_separated(void **state)
{
	struct fixture *f = *state;
	uint8_t a[32], b[32], c[32], idx[KEYRING_INDEX_LEN];
	keyring_mac(f->kr, "csrf", "session-1", 9, a);
	keyring_mac(f->kr, "csrf", "session-1", 9, b);
	assert_memory_equal(a, b, 32);
	keyring_mac(f->kr, "csrf", "session-2", 9, c);
	assert_memory_not_equal(a, c, 32);
	keyring_mac(f->kr, "other", "session-1", 9, c);
	assert_memory_not_equal(a, c, 32);
	/* The MAC key is not the index key. */
	keyring_index(f->kr, "csrf", "session-1", idx);
	assert_memory_not_equal(a, idx, 32);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_keyring__load_creates_a_private_key_file_and_reloads_it),
		T(test_keyring__load_uses_the_bytes_in_the_file),
		T(test_keyring__load_refuses_a_key_others_may_read),
		T(test_keyring__load_refuses_a_key_of_the_wrong_size),
		T(test_keyring__load_fails_where_it_cannot_create),
		T(test_keyring__seal_open_round_trip),
		T(test_keyring__open_refuses_forgeries),
		T(test_keyring__subject_key_wrap_unwrap),
		T(test_keyring__blind_index_is_deterministic_per_domain),
		T(test_keyring__mac_is_keyed_and_domain_separated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
