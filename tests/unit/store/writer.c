/* The writer: items of one batch are isolated from each other, and done() says what committed. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>
#include "store/writer.h"

struct item {
	struct writer_item it; /* first */
	int x, fail, committed, finished;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int finished;

static int store_x(struct store *st, struct writer_item *it)
{
	struct item *i = (struct item *)it;
	struct store_stmt *s = store_prepare(st, "INSERT INTO t (x) VALUES (?)");
	store_bind_int(s, 1, i->x);
	if (store_run(s) != STORE_DONE)
		return -1;
	return i->fail ? -1 : 0; /* a failing item has written first: that must be undone */
}

static void done_x(struct store *st, struct writer_item *it, int committed)
{
	struct item *i = (struct item *)it;
	(void)st;
	pthread_mutex_lock(&lock);
	i->committed = committed;
	i->finished = 1;
	finished++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static int64_t count(struct store *st, const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

static void test_writer__a_failing_item_is_undone_alone(void **state)
{
	(void)state;
	char path[] = "/tmp/atrium-writer-test-XXXXXX", err[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct store *st = store_open(path, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_run(store_prepare(st, "CREATE TABLE t (x INTEGER NOT NULL)")), STORE_DONE);
	assert_int_equal(writer_start(path, err, sizeof(err)), 0);

	enum { N = 300 };
	static struct item items[N];
	for (int k = 0; k < N; k++) {
		items[k] = (struct item){ .it = { .store = store_x, .done = done_x }, .x = k, .fail = k % 7 == 3 };
		assert_int_equal(writer_submit(&items[k].it), 0);
	}
	pthread_mutex_lock(&lock);
	while (finished < N)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	writer_stop();
	struct item late = { .it = { .store = store_x, .done = done_x } };
	assert_int_equal(writer_submit(&late.it), -1); /* stopped: the caller answers it */

	int64_t want = 0;
	for (int k = 0; k < N; k++) {
		assert_int_equal(items[k].committed, !items[k].fail);
		want += !items[k].fail;
	}
	assert_int_equal(count(st, "SELECT count(*) FROM t"), want);
	assert_int_equal(count(st, "SELECT count(*) FROM t WHERE x % 7 = 3"), 0);
	store_close(st);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer__a_failing_item_is_undone_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
