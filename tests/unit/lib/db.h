/*
 * A migrated in-memory database for unit tests: cmocka setup and teardown functions that put
 * the store in *state, and run() for statements that must succeed.  Header-only (static
 * functions), like the other helpers of tests/unit/lib.
 */
#ifndef ATRIUM_TESTS_UNIT_LIB_DB_H
#define ATRIUM_TESTS_UNIT_LIB_DB_H
#include <stdio.h>
#include "store/store.h"

static int setup(void **state)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	if (!st || store_migrate(st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		store_close(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* Runs one statement that returns no rows; the test fails unless it succeeds. */
static void run(struct store *st, const char *sql)
{
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
}

#endif
