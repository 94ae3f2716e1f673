/* Unit tests of core/id.c: ids never repeat, always increase, and read back. */
#include <pthread.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "../../../src/core/id.c"

#define SEQ(id) ((id) & 0xfff)
#define NODE(id) (((id) >> 12) & 0x3ff)

/* Each test starts as a freshly started process would: no id issued yet, clock not pinned. */
static int fresh(void **state)
{
	last = 0;
	clock_set_fixed(0);
	id_init(0);
	return 0;
}

static void test_id__time_is_now(void **state)
{
	int64_t before = clock_now_ms();
	int64_t id = id_next();
	int64_t after = clock_now_ms();
	assert_true(id > 0);
	assert_in_range(id_time_ms(id), before, after);
}

static void test_id__strictly_increase_in_one_thread(void **state)
{
	int64_t prev = id_next();
	for (int i = 0; i < 100000; i++) {
		int64_t id = id_next();
		if (id <= prev)
			fail_msg("id %lld after %lld at call %d", (long long)id, (long long)prev, i);
		prev = id;
	}
}

#define PER_THREAD 50000

static void *make_ids(void *arg)
{
	int64_t *out = arg;
	for (int i = 0; i < PER_THREAD; i++)
		out[i] = id_next();
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_id__unique_across_threads(void **state)
{
	int64_t *ids = malloc(2 * PER_THREAD * sizeof(*ids));
	pthread_t t[2];
	assert_non_null(ids);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, make_ids, ids + i * PER_THREAD), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < 2; i++)
		for (int j = 1; j < PER_THREAD; j++)
			if (ids[i * PER_THREAD + j] <= ids[i * PER_THREAD + j - 1])
				fail_msg("thread %d: id %d does not increase", i, j);
	qsort(ids, 2 * PER_THREAD, sizeof(*ids), cmp_id);
	for (int i = 1; i < 2 * PER_THREAD; i++)
		if (ids[i] == ids[i - 1])
			fail_msg("id %lld made twice", (long long)ids[i]);
	free(ids);
}

static void test_id__node_is_in_the_id(void **state)
{
	id_init(1023);
	int64_t a = id_next(), b = id_next();
	assert_int_equal(NODE(a), 1023);
	assert_int_equal(NODE(b), 1023);
	assert_true(b > a);
	id_init(5);
	assert_int_equal(NODE(id_next()), 5);
}

static void test_id__format_parse_round_trip(void **state)
{
	char buf[ID_STR_LEN];
	int64_t fixed[] = { 1, 9, 10, 4096, INT64_C(1234567890123456789), INT64_C(922337203685477579) };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		int64_t back = 0;
		assert_int_equal(id_parse(id_format(fixed[i], buf), &back), 0);
		assert_int_equal(back, fixed[i]);
	}
	for (int i = 0; i < 1000; i++) {
		int64_t id = id_next(), back = 0;
		assert_int_equal(id_parse(id_format(id, buf), &back), 0);
		assert_int_equal(back, id);
	}
	assert_string_equal(id_format(42, buf), "42");
}

static void test_id__parse_rejects_what_is_not_an_id(void **state)
{
	static const char *bad[] = {
		"", "0", "-1", "+1", "12a", "a12", " 12", "12 ", "1.5", "0123",
		"99999999999999999999",     /* 20 digits */
		"123456789012345678901234", /* far past int64 */
		"9223372036854775808",      /* INT64_MAX + 1 */
		"18446744073709551616",     /* UINT64_MAX + 1: must not wrap */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t id = 77;
		if (id_parse(bad[i], &id) != -1)
			fail_msg("id_parse accepted '%s' as %lld", bad[i], (long long)id);
		assert_int_equal(id, 77); /* OUT untouched on failure */
	}
}

/* 4096 ids in one pinned millisecond use up the sequence; the next borrows the next millisecond. */
static void test_id__borrows_next_ms_when_sequence_is_used_up(void **state)
{
	enum { N = 3 * 4096 + 10 };
	int64_t *ids = malloc(N * sizeof(*ids));
	int64_t t = clock_now_ms() + 1000;
	assert_non_null(ids);
	clock_set_fixed(t);
	for (int i = 0; i < N; i++)
		ids[i] = id_next();
	for (int i = 0; i < 4096; i++) {
		assert_int_equal(id_time_ms(ids[i]), t);
		assert_int_equal(SEQ(ids[i]), i);
	}
	assert_int_equal(id_time_ms(ids[4096]), t + 1);
	assert_int_equal(SEQ(ids[4096]), 0);
	assert_int_equal(id_time_ms(ids[2 * 4096]), t + 2);
	for (int i = 1; i < N; i++)
		if (ids[i] <= ids[i - 1])
			fail_msg("id %d (%lld) does not follow %lld", i, (long long)ids[i], (long long)ids[i - 1]);
	free(ids);
}

/* A clock stepping back (NTP) must not make an id that was already issued. */
static void test_id__clock_going_back_never_repeats(void **state)
{
	int64_t t = clock_now_ms() + 1000;
	clock_set_fixed(t);
	int64_t a = id_next();
	clock_set_fixed(t - 60000);
	int64_t b = id_next();
	clock_set_fixed(t + 1);
	int64_t c = id_next();
	assert_true(b > a);
	assert_true(c > b);
	assert_int_equal(id_time_ms(c), t + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_id__time_is_now, fresh),
		cmocka_unit_test_setup(test_id__strictly_increase_in_one_thread, fresh),
		cmocka_unit_test_setup(test_id__unique_across_threads, fresh),
		cmocka_unit_test_setup(test_id__node_is_in_the_id, fresh),
		cmocka_unit_test_setup(test_id__format_parse_round_trip, fresh),
		cmocka_unit_test_setup(test_id__parse_rejects_what_is_not_an_id, fresh),
		cmocka_unit_test_setup(test_id__borrows_next_ms_when_sequence_is_used_up, fresh),
		cmocka_unit_test_setup(test_id__clock_going_back_never_repeats, fresh),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	clock_set_fixed(0);
	return rc;
}
