/*
 * Unit tests of privacy/datamap.c: every column of the live schema is declared in the data map,
 * and every declaration names a real column.  A migration that adds a column without saying what
 * it holds, whose it is and how it is erased fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "privacy/datamap.h"
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

/* A list of "table.column" names for a failure message. */
struct names {
	char text[4096];
	size_t len;
	int count;
};

static void names_add(struct names *n, const char *table, const char *column)
{
	n->count++;
	if (n->len < sizeof(n->text))
		n->len += (size_t)snprintf(n->text + n->len, sizeof(n->text) - n->len, " %s.%s", table, column);
}

/* Walks the live schema; returns the number of columns seen and lists those not declared. */
static int undeclared_columns(struct store *st, struct names *missing)
{
	int tables = 0, columns = 0;
	struct store_stmt *t = store_prepare(st,
		"SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
	while (store_step(t) == STORE_ROW) {
		char table[128];
		snprintf(table, sizeof(table), "%s", store_col_text(t, 0));
		tables++;
		struct store_stmt *c = store_prepare(st, "SELECT name FROM pragma_table_info(?)");
		store_bind_text(c, 1, table, -1);
		int n = 0;
		while (store_step(c) == STORE_ROW) {
			const char *column = store_col_text(c, 0);
			n++;
			columns++;
			const struct pi_column *d = datamap_find(table, column);
			if (!d)
				names_add(missing, table, column);
			else
				assert_true(!strcmp(d->table, table) && !strcmp(d->column, column));
		}
		if (n == 0)
			fail_msg("table %s has no columns: the pragma query is broken", table);
	}
	/* The walk really saw the schema, so an empty result cannot pass by accident. */
	assert_true(tables >= 8);
	return columns;
}

static void test_datamap__every_column_is_declared(void **state)
{
	struct names missing = { .len = 0 };
	assert_true(undeclared_columns(*state, &missing) >= 40);
	if (missing.count)
		fail_msg("%d column(s) without a data map entry:%s", missing.count, missing.text);
}

/* The guard itself: a column a migration adds without a declaration is named. */
static void test_datamap__an_undeclared_column_is_caught(void **state)
{
	struct store *st = *state;
	struct names missing = { .len = 0 };
	assert_int_equal(store_run(store_prepare(st, "ALTER TABLE users ADD COLUMN nickname TEXT")), STORE_DONE);
	assert_int_equal(store_run(store_prepare(st, "CREATE TABLE payslips (id INTEGER PRIMARY KEY, salary INTEGER)")),
			 STORE_DONE);
	undeclared_columns(st, &missing);
	assert_int_equal(missing.count, 3);
	assert_non_null(strstr(missing.text, " users.nickname"));
	assert_non_null(strstr(missing.text, " payslips.id"));
	assert_non_null(strstr(missing.text, " payslips.salary"));
}

struct stale {
	struct store *st;
	struct names names;
	int seen;
};

static void check_declaration(const struct pi_column *d, void *arg)
{
	struct stale *s = arg;
	s->seen++;
	struct store_stmt *q = store_prepare(s->st, "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?");
	store_bind_text(q, 1, d->table, -1);
	store_bind_text(q, 2, d->column, -1);
	int found = store_step(q) == STORE_ROW && store_col_int(q, 0) == 1;
	store_reset(q);
	if (!found)
		names_add(&s->names, d->table, d->column);
}

static void test_datamap__every_declaration_names_a_real_column(void **state)
{
	struct stale s = { .st = *state };
	datamap_each(check_declaration, &s);
	assert_true(s.seen >= 40);
	if (s.names.count)
		fail_msg("%d data map entr(y/ies) for columns that do not exist:%s", s.names.count, s.names.text);
}

struct all {
	const struct pi_column *decl[1024];
	int n;
};

static void collect(const struct pi_column *d, void *arg)
{
	struct all *a = arg;
	assert_true(a->n < (int)(sizeof(a->decl) / sizeof(a->decl[0])));
	a->decl[a->n++] = d;
}

static void test_datamap__each_column_is_declared_once(void **state)
{
	static struct all all;
	struct names dup = { .len = 0 };
	all.n = 0;
	datamap_each(collect, &all);
	assert_true(all.n > 0);
	for (int i = 0; i < all.n; i++)
		for (int j = i + 1; j < all.n; j++)
			if (!strcmp(all.decl[i]->table, all.decl[j]->table) &&
			    !strcmp(all.decl[i]->column, all.decl[j]->column))
				names_add(&dup, all.decl[i]->table, all.decl[i]->column);
	if (dup.count)
		fail_msg("declared more than once:%s", dup.text);
}

static void check_complete(const struct pi_column *d, void *arg)
{
	struct names *bad = arg;
	if (!d->purpose || !*d->purpose || !d->basis || !*d->basis || !d->retention || !*d->retention ||
	    (unsigned)d->category > PI_ENTERPRISE || (unsigned)d->erasure > ERASE_KEEP)
		names_add(bad, d->table, d->column);
}

static void test_datamap__declarations_say_why_and_how_long(void **state)
{
	struct names bad = { .len = 0 };
	datamap_each(check_complete, &bad);
	if (bad.count)
		fail_msg("declarations without purpose, basis, retention or a valid category/erasure:%s", bad.text);
}

static void test_datamap__find_answers_declared_and_unknown(void **state)
{
	const struct pi_column *c = datamap_find("users", "phone_sealed");
	assert_non_null(c);
	assert_int_equal(c->category, PI_CONTACT);
	assert_int_equal(c->erasure, ERASE_DESTROY_KEY);
	assert_string_equal(c->subject, "id");
	assert_null(datamap_find("users", "no_such_column"));
	assert_null(datamap_find("no_such_table", "id"));
	assert_null(datamap_find("", ""));
}

/* Every table is also described for people, in both languages, with a real subject column. */
static void test_datamap__every_table_has_a_dataset(void **state)
{
	struct store *st = *state;
	struct names missing = { .len = 0 };
	int tables = 0;
	struct store_stmt *t = store_prepare(st,
		"SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
	while (store_step(t) == STORE_ROW) {
		const char *table = store_col_text(t, 0);
		const struct pi_dataset *d = datamap_dataset(table);
		tables++;
		if (!d) {
			names_add(&missing, table, "*");
			continue;
		}
		if (!d->title_zh || !d->title_en || !d->why_zh || !d->why_en || !d->kept_zh || !d->kept_en)
			names_add(&missing, table, "(texts)");
		if (d->subject && !datamap_find(table, d->subject))
			names_add(&missing, table, d->subject);
	}
	assert_true(tables >= 8);
	if (missing.count)
		fail_msg("tables without a complete dataset declaration:%s", missing.text);
}

static void check_basis(const struct pi_column *d, void *arg)
{
	struct names *bad = arg;
	if (strcmp(d->basis, "none") && !datamap_basis(d->basis))
		names_add(bad, d->table, d->column);
	if (!strcmp(d->basis, "none") && d->category != PI_NONE)
		names_add(bad, d->table, d->column); /* personal data always has a basis */
}

/* PP-21: every basis is consent or one of the policy's named exceptions. */
static void test_datamap__every_basis_is_named(void **state)
{
	struct names bad = { .len = 0 };
	datamap_each(check_basis, &bad);
	if (bad.count)
		fail_msg("columns whose legal basis is not consent or a named exception:%s", bad.text);
	assert_int_equal(datamap_basis("contract")->exception, 7);
	assert_int_equal(datamap_basis("legal obligation: proof of erasure (PIPL art. 47)")->exception, 11);
	assert_null(datamap_basis("because we like it"));
	assert_null(datamap_basis("contractual"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_datamap__every_column_is_declared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_datamap__an_undeclared_column_is_caught, setup, teardown),
		cmocka_unit_test_setup_teardown(test_datamap__every_declaration_names_a_real_column, setup, teardown),
		cmocka_unit_test(test_datamap__each_column_is_declared_once),
		cmocka_unit_test(test_datamap__declarations_say_why_and_how_long),
		cmocka_unit_test(test_datamap__find_answers_declared_and_unknown),
		cmocka_unit_test_setup_teardown(test_datamap__every_table_has_a_dataset, setup, teardown),
		cmocka_unit_test(test_datamap__every_basis_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
