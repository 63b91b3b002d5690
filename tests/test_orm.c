/*
 * test_orm.c - the ORM against real SQLite: every lookup, groups, ordering,
 * limits, aggregates, writes, foreign keys and select_related, raw SQL, the
 * template view of rows, and SQL-injection payloads pushed through every
 * entry point (values, lookups, ordering, field names, raw) to show that
 * they stay data.  Runs on :memory: and on a file database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"

/* ---- test models ------------------------------------------------------------------ */

#define T_AUTHOR(F, M) \
	F(M, name, TEXT, .max_length = 50) \
	F(M, age, INT, .flags = WK_NULL) \
	F(M, score, REAL, .def = "1.5") \
	F(M, big, BIGINT, .def = "0") \
	F(M, active, BOOL, .def = "true") \
	F(M, born, DATE, .flags = WK_NULL) \
	F(M, seen, DATETIME, .flags = WK_NULL) \
	F(M, photo, BLOB, .flags = WK_NULL) \
	F(M, kind, TEXT, .def = "a", .flags = WK_INDEX, \
	    .choices = WK_CHOICES({ "a", "Kind A" }, { "b", "Kind B" }))
WK_MODEL_STRUCT(t_author, T_AUTHOR)
WK_MODEL_DEFINE(t_author, T_AUTHOR, .verbose_name = "author")

#define T_BOOK(F, M) \
	F(M, author, FK, .to = &t_author_model, .on_delete = WK_CASCADE) \
	F(M, title, TEXT, .flags = WK_UNIQUE) \
	F(M, editor, FK, .to = &t_author_model, .on_delete = WK_SET_NULL, \
	    .flags = WK_NULL) \
	F(M, pages, INT, .def = "0")
WK_MODEL_STRUCT(t_book, T_BOOK)
WK_MODEL_DEFINE(t_book, T_BOOK)

#define T_LOAN(F, M) \
	F(M, book, FK, .to = &t_book_model, .on_delete = WK_PROTECT) \
	F(M, who, TEXT)
WK_MODEL_STRUCT(t_loan, T_LOAN)
WK_MODEL_DEFINE(t_loan, T_LOAN)

static const struct wk_model *const t_models[] = {
	&t_author_model, &t_book_model, &t_loan_model, NULL
};

static const struct wk_migration t_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(t_author_model),
	    WK_CREATE_TABLE(t_book_model), WK_CREATE_TABLE(t_loan_model)),
};

static const struct wk_schema t_schema = {
	.app = "t", .order = 100, .models = t_models, .steps = t_steps,
	.nsteps = 1,
};

static char tmpdir[64];
static wk_arena arena;

static const char *names[] = {
	"Alice", "bob", "Carol", "dave", "Eve", "Mallory", "Trent", "peggy",
};

/* Eight authors with ages 20, 25 ... 55 (Mallory's age is NULL). */
static void
seed(void)
{
	size_t i;

	for (i = 0; i < 8; i++) {
		struct t_author a;
		assert_int_equal(wk_model_init(&t_author_model, &a), 0);
		a.name = names[i];
		a.age = 20 + 5 * (int)i;
		if (i == 5)
			wk_set_null(&a, t_author, age);
		else
			wk_clear_null(&a, t_author, age);
		a.score = (double)i / 2;
		a.big = (long long)i << 40;
		a.kind = i % 2 ? "b" : "a";
		assert_int_equal(wk_orm_create(&t_author_model, &a), WK_DB_OK);
		assert_int_equal(a.id, (long long)i + 1);
	}
}

static int
setup_db(const char *path)
{
	wk_arena_init(&arena);
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&t_schema), 0);
	assert_int_equal(wk_db_set_path(path), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	seed();
	return 0;
}

static int
setup_mem(void **state)
{
	(void)state;
	return setup_db(":memory:");
}

static int
setup_file(void **state)
{
	char path[128];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wick-orm-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.sqlite3", tmpdir);
	return setup_db(path);
}

static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	wk_db_close();
	wk_db_allow_create(0);
	wk_arena_free(&arena);
	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		assert_int_equal(system(cmd), 0);
		tmpdir[0] = '\0';
	}
	return 0;
}

/* Count rows of author matching one lookup. */
static long long
count1(const char *lookup, struct wk_value v)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, lookup, v);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void
test_create_get(void **state)
{
	struct t_author *a;

	(void)state;
	assert_int_equal(wk_orm_get(&arena, &t_author_model, 3, (void **)&a),
	    WK_DB_OK);
	assert_string_equal(a->name, "Carol");
	assert_int_equal(a->age, 30);
	assert_true(a->score == 1.0);
	assert_int_equal(a->big, 2LL << 40);
	assert_int_equal(a->active, 1);
	assert_string_equal(a->kind, "a");
	assert_true(wk_is_null(a, t_author, born));
	assert_null(a->born);
	assert_false(wk_is_null(a, t_author, age));
	assert_int_equal(wk_orm_get(&arena, &t_author_model, 6, (void **)&a),
	    WK_DB_OK);
	assert_true(wk_is_null(a, t_author, age));
	assert_int_equal(wk_orm_get(&arena, &t_author_model, 99, (void **)&a),
	    WK_DB_NOT_FOUND);
	assert_null(a);
}

static void
test_blob_dates(void **state)
{
	struct t_author x, *y;
	static const unsigned char bytes[] = { 0, 1, 2, 0xff, 0 };

	(void)state;
	wk_model_init(&t_author_model, &x);
	x.name = "Blobby";
	x.born = "1999-12-31";
	x.seen = "2024-02-29T23:59:59Z";
	x.photo.data = bytes;
	x.photo.len = sizeof(bytes);
	wk_clear_null(&x, t_author, born);
	wk_clear_null(&x, t_author, seen);
	wk_clear_null(&x, t_author, photo);
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_OK);
	assert_int_equal(wk_orm_get(&arena, &t_author_model, x.id,
	    (void **)&y), WK_DB_OK);
	assert_string_equal(y->born, "1999-12-31");
	assert_string_equal(y->seen, "2024-02-29T23:59:59Z");
	assert_int_equal(y->photo.len, sizeof(bytes));
	assert_memory_equal(y->photo.data, bytes, sizeof(bytes));
	/* Bad dates are refused before SQL. */
	x.born = "1999-13-01";
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_INVALID);
	/* Days the calendar lacks, and anything after the date. */
	{
		static const char *const bad[] = { "2024-02-30", "2023-02-29",
		    "1900-02-29", "2024-04-31", "0000-01-01", "2024-02-03x",
		    "2024-02-03T00:00:00Z", "2024-1-05" };
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			x.born = bad[i];
			assert_int_equal(wk_orm_create(&t_author_model, &x),
			    WK_DB_INVALID);
		}
	}
	x.born = "2000-02-29";  /* a leap year: divisible by 400 */
	x.seen = NULL;
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_OK);
	x.born = "1999-12-31";
	x.seen = "2024-02-29 25:00:00";
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_INVALID);
}

static void
test_validation(void **state)
{
	struct t_author x;
	struct wk_kvlist errs = { NULL, 0, 0 };
	char longname[80];

	(void)state;
	wk_model_init(&t_author_model, &x);
	x.name = "";
	x.kind = "zzz";
	assert_int_equal(wk_model_validate(&t_author_model, &x, &arena, &errs),
	    2);
	assert_string_equal(wk_kv_get(&errs, "name"),
	    "This field is required.");
	assert_string_equal(wk_kv_get(&errs, "kind"), "Select a valid choice.");
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_INVALID);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	x.name = longname;
	x.kind = "a";
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_INVALID);
	x.name = "bad \xff utf8";
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_INVALID);
	x.name = NULL;  /* NOT NULL */
	assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_INVALID);
	/* 50 two-byte characters are 50 characters, not 100. */
	{
		char s[101];
		for (int i = 0; i < 50; i++) {
			s[2 * i] = (char)0xc3;
			s[2 * i + 1] = (char)0xa9;
		}
		s[100] = '\0';
		x.name = s;
		assert_int_equal(wk_orm_create(&t_author_model, &x), WK_DB_OK);
	}
}

static void
test_get_errors(void **state)
{
	struct wk_query q;
	void *row;

	(void)state;
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "kind", wk_val_str("a"));
	assert_int_equal(wk_q_get(&q, &row), WK_DB_MULTIPLE);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "name", wk_val_str("nobody"));
	assert_int_equal(wk_q_get(&q, &row), WK_DB_NOT_FOUND);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "name", wk_val_str("Eve"));
	assert_int_equal(wk_q_get(&q, &row), WK_DB_OK);
	assert_string_equal(((struct t_author *)row)->name, "Eve");
}

static void
test_lookups(void **state)
{
	(void)state;
	assert_int_equal(count1("name", wk_val_str("bob")), 1);
	assert_int_equal(count1("name__exact", wk_val_str("Bob")), 0);
	assert_int_equal(count1("name__iexact", wk_val_str("BOB")), 1);
	assert_int_equal(count1("name__iexact", wk_val_str("bo_")), 0);
	assert_int_equal(count1("name__contains", wk_val_str("a")), 3);
	assert_int_equal(count1("name__icontains", wk_val_str("A")), 4);
	assert_int_equal(count1("name__startswith", wk_val_str("C")), 1);
	assert_int_equal(count1("name__startswith", wk_val_str("c")), 0);
	assert_int_equal(count1("name__istartswith", wk_val_str("c")), 1);
	assert_int_equal(count1("name__endswith", wk_val_str("e")), 3);
	assert_int_equal(count1("name__endswith", wk_val_str("")), 8);
	assert_int_equal(count1("name__endswith", wk_val_str("xAlice")), 0);
	assert_int_equal(count1("name__iendswith", wk_val_str("E")), 3);
	assert_int_equal(count1("age__gt", wk_val_int(40)), 2);
	assert_int_equal(count1("age__gte", wk_val_int(40)), 3);
	assert_int_equal(count1("age__lt", wk_val_int(30)), 2);
	assert_int_equal(count1("age__lte", wk_val_str("30")), 3);
	assert_int_equal(count1("age__in", WK_LIST(wk_val_int(20),
	    wk_val_int(35), wk_val_int(99))), 2);
	assert_int_equal(count1("name__in", WK_LIST(wk_val_str("Eve"))), 1);
	assert_int_equal(count1("age__isnull", wk_val_bool(1)), 1);
	assert_int_equal(count1("age__isnull", wk_val_bool(0)), 7);
	assert_int_equal(count1("age", wk_val_null()), 1);
	assert_int_equal(count1("age__range", WK_LIST(wk_val_int(25),
	    wk_val_int(35))), 3);
	assert_int_equal(count1("score__gt", wk_val_real(2.9)), 2);
	assert_int_equal(count1("big__gte", wk_val_int(6LL << 40)), 2);
	assert_int_equal(count1("active", wk_val_bool(1)), 8);
	assert_int_equal(count1("active", wk_val_str("false")), 0);
	/* LIKE wildcards in values are literal. */
	assert_int_equal(count1("name__icontains", wk_val_str("%")), 0);
	assert_int_equal(count1("name__icontains", wk_val_str("_")), 0);
}

static void
test_lookup_errors(void **state)
{
	struct wk_query q;
	long long n;

	(void)state;
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "nope", wk_val_int(1)),
	    WK_DB_INVALID);
	/* Sticky: later calls keep the first error. */
	assert_int_equal(wk_q_filter(&q, "name", wk_val_str("x")),
	    WK_DB_INVALID);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "name__regex", wk_val_str(".")),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "age", wk_val_str("12abc")),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "age__in", wk_val_int(3)),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "age__range",
	    WK_LIST(wk_val_int(3))), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "age__gt", wk_val_null()),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "name__contains", wk_val_int(3)),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "", wk_val_int(3)), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_end(&q), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_or(&q);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_INVALID); /* unclosed */
	/* Empty IN is false, not an SQL error. */
	assert_int_equal(count1("age__in", wk_val_list(&(struct wk_list){
	    NULL, 0, 0 })), 0);
}

static void
test_groups(void **state)
{
	struct wk_query q;
	long long n;

	(void)state;
	/* kind = a AND (age < 26 OR age > 50) -> Alice(20) only (Mallory's
	 * age NULL; 55 is peggy, kind b) */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "kind", wk_val_str("a"));
	wk_q_or(&q);
	wk_q_filter(&q, "age__lt", wk_val_int(26));
	wk_q_filter(&q, "age__gt", wk_val_int(50));
	wk_q_end(&q);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	/* NOT (kind = a AND age > 30): 8 - (Eve 40, Trent 50) = 6 */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_not(&q);
	wk_q_filter(&q, "kind", wk_val_str("a"));
	wk_q_filter(&q, "age__gt", wk_val_int(30));
	wk_q_end(&q);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 6);
	/* exclude */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_exclude(&q, "kind", wk_val_str("a"));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 4);
	/* Nested: (name=Alice OR (kind=b AND age>=50)) -> Alice, peggy(55) */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_or(&q);
	wk_q_filter(&q, "name", wk_val_str("Alice"));
	wk_q_and(&q);
	wk_q_filter(&q, "kind", wk_val_str("b"));
	wk_q_filter(&q, "age__gte", wk_val_int(50));
	wk_q_end(&q);
	wk_q_end(&q);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	/* Empty OR group is true (Q()). */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_or(&q);
	wk_q_end(&q);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 8);
}

static void
test_order_limit(void **state)
{
	struct wk_query q;
	struct t_author *a;
	void **rows;
	size_t n;

	(void)state;
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_order_by(&q, "-kind,age");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	assert_int_equal(n, 8);
	/* kind b first; within, age ascending with NULL first */
	assert_string_equal(((struct t_author *)rows[0])->name, "Mallory");
	assert_string_equal(((struct t_author *)rows[1])->name, "bob");
	assert_string_equal(((struct t_author *)rows[4])->name, "Alice");
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_order_by(&q, "-id");
	wk_q_limit(&q, 3, 2);
	assert_int_equal(wk_q_next(&q, (void **)&a), WK_DB_ROW);
	assert_int_equal(a->id, 6);
	assert_int_equal(wk_q_next(&q, (void **)&a), WK_DB_ROW);
	assert_int_equal(wk_q_next(&q, (void **)&a), WK_DB_ROW);
	assert_int_equal(a->id, 4);
	assert_int_equal(wk_q_next(&q, (void **)&a), WK_DB_DONE);
	assert_int_equal(wk_q_next(&q, (void **)&a), WK_DB_DONE);
	/* Unknown orderings are errors, not SQL. */
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_order_by(&q, "age,"), WK_DB_OK);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_order_by(&q, "--age"), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_order_by(&q, "age desc"), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_limit(&q, 5, -1), WK_DB_INVALID);
}

static void
test_count_exists_aggregate(void **state)
{
	struct wk_query q;
	struct wk_value v;
	long long n;
	int yes;

	(void)state;
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_exists(&q, &yes), WK_DB_OK);
	assert_true(yes);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "age__gt", wk_val_int(1000));
	assert_int_equal(wk_q_exists(&q, &yes), WK_DB_OK);
	assert_false(yes);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_limit(&q, 3, 6);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_aggregate(&q, WK_AGG_SUM, "age", &v), WK_DB_OK);
	assert_int_equal(v.kind, WK_VAL_INT);
	assert_int_equal(v.u.i, 20 + 25 + 30 + 35 + 40 + 50 + 55);
	assert_int_equal(wk_q_aggregate(&q, WK_AGG_COUNT, "age", &v),
	    WK_DB_OK);
	assert_int_equal(v.u.i, 7);
	assert_int_equal(wk_q_aggregate(&q, WK_AGG_MIN, "name", &v), WK_DB_OK);
	assert_int_equal(v.kind, WK_VAL_STR);
	assert_memory_equal(v.u.s.p, "Alice", 5);
	assert_int_equal(wk_q_aggregate(&q, WK_AGG_MAX, "age", &v), WK_DB_OK);
	assert_int_equal(v.u.i, 55);
	assert_int_equal(wk_q_aggregate(&q, WK_AGG_AVG, "score", &v),
	    WK_DB_OK);
	assert_int_equal(v.kind, WK_VAL_REAL);
	assert_true(v.u.r == 1.75);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "age__gt", wk_val_int(1000));
	assert_int_equal(wk_q_aggregate(&q, WK_AGG_SUM, "age", &v), WK_DB_OK);
	assert_int_equal(v.kind, WK_VAL_NULL);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_aggregate(&q, WK_AGG_SUM, "age); DROP TABLE "
	    "t_author; --", &v), WK_DB_INVALID);
}

static void
test_update_delete(void **state)
{
	struct wk_query q;
	struct t_author *a;
	long long n;

	(void)state;
	/* update one */
	assert_int_equal(wk_orm_get(&arena, &t_author_model, 2, (void **)&a),
	    WK_DB_OK);
	a->name = "Robert";
	assert_int_equal(wk_orm_save(&t_author_model, a), WK_DB_OK);
	assert_int_equal(count1("name", wk_val_str("Robert")), 1);
	a->id = 999;
	assert_int_equal(wk_orm_save(&t_author_model, a), WK_DB_NOT_FOUND);
	/* update many */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "kind", wk_val_str("b"));
	wk_q_set(&q, "active", wk_val_bool(0));
	wk_q_set(&q, "score", wk_val_int(7));
	assert_int_equal(wk_q_update(&q, &n), WK_DB_OK);
	assert_int_equal(n, 4);
	assert_int_equal(count1("active", wk_val_bool(0)), 4);
	assert_int_equal(count1("score", wk_val_real(7)), 4);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_set(&q, "id", wk_val_int(1)), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_set(&q, "name", wk_val_null()), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_update(&q, &n), WK_DB_INVALID);
	/* delete */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "age__gte", wk_val_int(50));
	assert_int_equal(wk_q_delete(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(wk_orm_delete(&t_author_model, 1), WK_DB_OK);
	assert_int_equal(wk_orm_delete(&t_author_model, 1), WK_DB_NOT_FOUND);
	assert_int_equal(count1("id__gt", wk_val_int(0)), 5);
}

static long long
add_book(long long author, const char *title, long long editor)
{
	struct t_book b;

	wk_model_init(&t_book_model, &b);
	b.author = author;
	b.title = title;
	if (editor > 0) {
		b.editor = editor;
		wk_clear_null(&b, t_book, editor);
	}
	assert_int_equal(wk_orm_create(&t_book_model, &b), WK_DB_OK);
	return b.id;
}

static void
test_foreign_keys(void **state)
{
	struct wk_query q;
	struct t_book *b;
	struct t_loan l;
	long long n, b1;
	int st;

	(void)state;
	b1 = add_book(1, "Alice's book", 2);
	add_book(1, "Alice's second", 0);
	add_book(3, "Carol's book", 1);
	/* FK to a missing row */
	{
		struct t_book bad;
		wk_model_init(&t_book_model, &bad);
		bad.author = 4242;
		bad.title = "ghost";
		assert_int_equal(wk_orm_create(&t_book_model, &bad),
		    WK_DB_CONSTRAINT);
	}
	/* unique */
	{
		struct t_book dup;
		wk_model_init(&t_book_model, &dup);
		dup.author = 1;
		dup.title = "Carol's book";
		assert_int_equal(wk_orm_create(&t_book_model, &dup),
		    WK_DB_CONSTRAINT);
	}
	/* select_related and FK paths */
	wk_q_init(&q, &arena, &t_book_model);
	wk_q_select_related(&q, "author");
	wk_q_select_related(&q, "editor");
	wk_q_filter(&q, "author__name__iexact", wk_val_str("alice"));
	wk_q_order_by(&q, "title");
	assert_int_equal(wk_q_next(&q, (void **)&b), WK_DB_ROW);
	assert_string_equal(b->title, "Alice's book");
	assert_non_null(b->author_obj);
	assert_string_equal(((const struct t_author *)b->author_obj)->name,
	    "Alice");
	assert_string_equal(((const struct t_author *)b->editor_obj)->name,
	    "bob");
	assert_int_equal(wk_q_next(&q, (void **)&b), WK_DB_ROW);
	assert_null(b->editor_obj);
	assert_true(wk_is_null(b, t_book, editor));
	assert_int_equal(wk_q_next(&q, (void **)&b), WK_DB_DONE);
	wk_q_init(&q, &arena, &t_book_model);
	wk_q_order_by(&q, "-author__name");
	assert_int_equal(wk_q_next(&q, (void **)&b), WK_DB_ROW);
	assert_string_equal(b->title, "Carol's book");
	wk_q_close(&q);
	wk_q_init(&q, &arena, &t_book_model);
	assert_int_equal(wk_q_select_related(&q, "title"), WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_book_model);
	assert_int_equal(wk_q_filter(&q, "author__nope", wk_val_int(1)),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_book_model);
	assert_int_equal(wk_q_filter(&q, "title__name", wk_val_int(1)),
	    WK_DB_INVALID);
	/* update through an FK path */
	wk_q_init(&q, &arena, &t_book_model);
	wk_q_filter(&q, "author__name", wk_val_str("Alice"));
	wk_q_set(&q, "pages", wk_val_int(12));
	assert_int_equal(wk_q_update(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	/* PROTECT */
	wk_model_init(&t_loan_model, &l);
	l.book = b1;
	l.who = "me";
	assert_int_equal(wk_orm_create(&t_loan_model, &l), WK_DB_OK);
	st = wk_orm_delete(&t_book_model, b1);
	assert_int_equal(st, WK_DB_CONSTRAINT);
	assert_int_equal(wk_db_http_status(st), 400);
	assert_int_equal(wk_orm_delete(&t_loan_model, l.id), WK_DB_OK);
	/* SET NULL: deleting bob (editor of b1) */
	assert_int_equal(wk_orm_delete(&t_author_model, 2), WK_DB_OK);
	assert_int_equal(wk_orm_get(&arena, &t_book_model, b1, (void **)&b),
	    WK_DB_OK);
	assert_true(wk_is_null(b, t_book, editor));
	/* CASCADE: deleting Alice takes her two books */
	assert_int_equal(wk_orm_delete(&t_author_model, 1), WK_DB_OK);
	wk_q_init(&q, &arena, &t_book_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
}

static void
test_streaming_nested(void **state)
{
	struct wk_query outer, inner;
	struct t_author *a, *b;
	int rows = 0, inner_rows = 0;

	(void)state;
	/* The same query shape inside its own iteration: the cached
	 * statement is busy, so a private one is used. */
	wk_q_init(&outer, &arena, &t_author_model);
	wk_q_filter(&outer, "id__gt", wk_val_int(0));
	while (wk_q_next(&outer, (void **)&a) == WK_DB_ROW) {
		rows++;
		wk_q_init(&inner, &arena, &t_author_model);
		wk_q_filter(&inner, "id__gt", wk_val_int(a->id));
		while (wk_q_next(&inner, (void **)&b) == WK_DB_ROW)
			inner_rows++;
	}
	assert_int_equal(rows, 8);
	assert_int_equal(inner_rows, 7 * 8 / 2);
}

static void
test_raw(void **state)
{
	struct wk_raw r;
	struct wk_value args[2];
	long long changes;

	(void)state;
	args[0] = wk_val_str("b");
	args[1] = wk_val_int(30);
	assert_int_equal(wk_raw(&r, &arena, "SELECT name, age FROM t_author "
	    "WHERE kind = ? AND age > ? ORDER BY id", args, 2), WK_DB_OK);
	assert_int_equal(wk_raw_next(&r), WK_DB_ROW);
	assert_string_equal(wk_raw_col(&r, 0).u.s.p, "dave");
	assert_int_equal(wk_raw_col(&r, 1).u.i, 35);
	assert_int_equal(wk_raw_col(&r, 7).kind, WK_VAL_NULL);
	assert_int_equal(wk_raw_next(&r), WK_DB_ROW);  /* peggy; Mallory NULL */
	assert_int_equal(wk_raw_next(&r), WK_DB_DONE);
	wk_raw_close(&r);
	/* wrong number of values */
	assert_int_equal(wk_raw(&r, &arena, "SELECT ?", args, 2),
	    WK_DB_INVALID);
	args[0] = wk_val_str("x'); DROP TABLE t_author; --");
	assert_int_equal(wk_raw_exec(&arena, "UPDATE t_author SET name = ? "
	    "WHERE id = 1", args, 1, &changes), WK_DB_OK);
	assert_int_equal(changes, 1);
	assert_int_equal(count1("name", args[0]), 1);
	assert_int_equal(count1("id__gt", wk_val_int(0)), 8);
}

/* The raw macro refuses a non-literal at compile time. */
static void
test_raw_needs_literal(void **state)
{
	FILE *f;
	int rc;

	(void)state;
	if (system("command -v gcc >/dev/null 2>&1") != 0)
		skip();
	f = popen("gcc -std=c11 -fsyntax-only -Iinclude -x c - "
	    ">/dev/null 2>&1", "w");
	assert_non_null(f);
	fputs("#include \"wick/db/orm.h\"\n"
	    "int f(struct wk_raw *r, wk_arena *a, const char *sql);\n"
	    "int f(struct wk_raw *r, wk_arena *a, const char *sql)\n"
	    "{ return wk_raw(r, a, sql, NULL, 0); }\n", f);
	rc = pclose(f);
	assert_int_not_equal(rc, 0);
	f = popen("gcc -std=c11 -fsyntax-only -Iinclude -x c - "
	    ">/dev/null 2>&1", "w");
	assert_non_null(f);
	fputs("#include \"wick/db/orm.h\"\n"
	    "int f(struct wk_raw *r, wk_arena *a);\n"
	    "int f(struct wk_raw *r, wk_arena *a)\n"
	    "{ return wk_raw(r, a, \"SELECT 1\", NULL, 0); }\n", f);
	rc = pclose(f);
	assert_int_equal(rc, 0);
}

static const char *const payloads[] = {
	"'; DROP TABLE t_author; --",
	"\" OR 1=1 --",
	"x' OR '1'='1",
	"1; DELETE FROM t_author",
	"name) OR (1=1",
	"name, (SELECT sqlite_version())",
	"id DESC; DROP TABLE t_book",
	"name__in) OR 1=1 --",
	"?1",
	"%' OR 1=1 --",
	"\\",
	"\x01\x7f",
	"name\"--",
	"t.\"name\"",
	"ROWID",
	"name COLLATE NOCASE",
};

static void
test_injection(void **state)
{
	struct wk_query q;
	struct wk_value v;
	struct t_author x;
	size_t i;
	long long n;

	(void)state;
	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		const char *p = payloads[i];
		char lk[128];
		/* values: inert, match nothing, stored verbatim */
		assert_int_equal(count1("name", wk_val_str(p)), 0);
		assert_int_equal(count1("name__icontains", wk_val_str(p)), 0);
		assert_int_equal(count1("name__startswith", wk_val_str(p)), 0);
		/* field names and lookups */
		wk_q_init(&q, &arena, &t_author_model);
		assert_int_equal(wk_q_filter(&q, p, wk_val_int(1)),
		    WK_DB_INVALID);
		snprintf(lk, sizeof(lk), "name__%s", p);
		wk_q_init(&q, &arena, &t_author_model);
		assert_int_equal(wk_q_filter(&q, lk, wk_val_int(1)),
		    WK_DB_INVALID);
		/* orderings (?sort=) */
		wk_q_init(&q, &arena, &t_author_model);
		assert_int_equal(wk_q_order_by(&q, p), WK_DB_INVALID);
		snprintf(lk, sizeof(lk), "-%s", p);
		wk_q_init(&q, &arena, &t_author_model);
		assert_int_equal(wk_q_order_by(&q, lk), WK_DB_INVALID);
		/* update/aggregate/select_related names */
		wk_q_init(&q, &arena, &t_author_model);
		assert_int_equal(wk_q_set(&q, p, wk_val_int(1)),
		    WK_DB_INVALID);
		wk_q_init(&q, &arena, &t_author_model);
		assert_int_equal(wk_q_aggregate(&q, WK_AGG_MAX, p, &v),
		    WK_DB_INVALID);
		wk_q_init(&q, &arena, &t_book_model);
		assert_int_equal(wk_q_select_related(&q, p), WK_DB_INVALID);
		/* stored as data */
		wk_model_init(&t_author_model, &x);
		x.name = p;
		if (strlen(p) > 0 && p[0] >= 0x20) {
			assert_int_equal(wk_orm_create(&t_author_model, &x),
			    WK_DB_OK);
			assert_int_equal(count1("name", wk_val_str(p)), 1);
			assert_int_equal(count1("name__contains",
			    wk_val_str(p)), 1);
			assert_int_equal(count1("name__endswith",
			    wk_val_str(p)), 1);
		}
	}
	/* Everything still there. */
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_true(n >= 8);
	wk_q_init(&q, &arena, &t_book_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
}

static void
test_template_value(void **state)
{
	struct t_author *a;
	struct wk_value v, out;
	wk_buf b;

	(void)state;
	assert_int_equal(wk_orm_get(&arena, &t_author_model, 1, (void **)&a),
	    WK_DB_OK);
	v = wk_orm_value(&arena, &t_author_model, a);
	assert_int_equal(v.kind, WK_VAL_OBJECT);
	assert_int_equal(v.u.obj.ops->get(v.u.obj.self, "name", 4, &arena,
	    &out), 0);
	assert_int_equal(out.kind, WK_VAL_STR);
	assert_memory_equal(out.u.s.p, "Alice", 5);
	assert_int_equal(v.u.obj.ops->get(v.u.obj.self, "pk", 2, &arena,
	    &out), 0);
	assert_int_equal(out.u.i, 1);
	assert_int_equal(v.u.obj.ops->get(v.u.obj.self, "active", 6, &arena,
	    &out), 0);
	assert_int_equal(out.kind, WK_VAL_BOOL);
	assert_int_equal(v.u.obj.ops->get(v.u.obj.self, "nope", 4, &arena,
	    &out), 1);
	wk_buf_init(&b, &arena);
	assert_int_equal(v.u.obj.ops->str(v.u.obj.self, &b), 0);
	assert_string_equal(wk_buf_cstr(&b), "author object (1)");
}

static void
test_model_check(void **state)
{
	char out[512];

	(void)state;
	assert_int_equal(wk_model_check(&t_author_model, out, sizeof(out)), 0);
	assert_int_equal(wk_model_check(&t_book_model, out, sizeof(out)), 0);
	assert_ptr_equal(wk_model_field(&t_book_model, "editor"),
	    &t_book_model.fields[t_book__editor]);
	assert_null(wk_model_field(&t_book_model, "editor_obj"));
	assert_int_equal(t_author__nfields, 10);
}

/* Count authors matching NOT (one lookup). */
static long long
count_ex(const char *lookup, struct wk_value v)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, &t_author_model);
	wk_q_exclude(&q, lookup, v);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

/* The WHERE text a query has collected (\x01 marks the base table). */
static void
assert_where(const struct wk_query *q, const char *want)
{
	assert_int_equal(q->status, WK_DB_OK);
	assert_non_null(q->where.data);
	assert_string_equal(q->where.data, want);
}

/* exclude and wk_q_not are the complement of the filter, NULL rows
 * included, as in Django (Mallory's age is NULL). */
static void
test_exclude_nulls(void **state)
{
	struct wk_query q;
	long long n;

	(void)state;
	assert_int_equal(count1("age__gt", wk_val_int(40)), 2);
	assert_int_equal(count_ex("age__gt", wk_val_int(40)), 6);
	assert_int_equal(count_ex("age", wk_val_int(20)), 7);
	assert_int_equal(count_ex("age__range", WK_LIST(wk_val_int(25),
	    wk_val_int(35))), 5);
	assert_int_equal(count_ex("age__in", WK_LIST(wk_val_null(),
	    wk_val_int(20))), 7);
	assert_int_equal(count_ex("age__in", WK_LIST(wk_val_null())), 8);
	assert_int_equal(count_ex("age", wk_val_null()), 7);
	assert_int_equal(count_ex("age__isnull", wk_val_bool(0)), 1);
	/* The SQL: a guard on nullable columns only. */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_exclude(&q, "age__gt", wk_val_int(40));
	assert_where(&q, "NOT (\x01\"age\" > ?1 AND \x01\"age\" IS NOT NULL)");
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_exclude(&q, "score__gt", wk_val_int(1));
	assert_where(&q, "NOT (\x01\"score\" > ?1)");
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_exclude(&q, "age", wk_val_null());
	assert_where(&q, "NOT (\x01\"age\" IS NULL)");
	/* wk_q_not groups: members are guarded; two NOTs cancel. */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_not(&q);
	wk_q_or(&q);
	wk_q_filter(&q, "age__gt", wk_val_int(40));
	wk_q_filter(&q, "name", wk_val_str("zzz"));
	wk_q_end(&q);
	wk_q_end(&q);
	assert_where(&q, "NOT (((\x01\"age\" > ?1 AND \x01\"age\" IS NOT NULL)"
	    " OR \x01\"name\" = ?2))");
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 6);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_not(&q);
	wk_q_exclude(&q, "age__gt", wk_val_int(40));
	wk_q_end(&q);
	assert_where(&q, "NOT (NOT (\x01\"age\" > ?1))");
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	/* Through a nullable FK every column can read NULL; through a
	 * NOT NULL one only the nullable columns. */
	add_book(1, "B1", 2);
	add_book(2, "B2", 0);
	add_book(3, "B3", 3);
	wk_q_init(&q, &arena, &t_book_model);
	wk_q_exclude(&q, "editor__name", wk_val_str("bob"));
	assert_where(&q, "NOT (j3.\"name\" = ?1 AND j3.\"name\" IS NOT NULL)");
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	wk_q_init(&q, &arena, &t_book_model);
	wk_q_exclude(&q, "author__name", wk_val_str("Alice"));
	assert_where(&q, "NOT (j1.\"name\" = ?1)");
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	wk_q_init(&q, &arena, &t_book_model);
	wk_q_exclude(&q, "editor", wk_val_int(2));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
}

/* None where Django accepts it: exact/iexact mean IS NULL, `in` drops it. */
static void
test_none_values(void **state)
{
	struct wk_query q;

	(void)state;
	assert_int_equal(count1("age__iexact", wk_val_null()), 1);
	assert_int_equal(count1("name__iexact", wk_val_null()), 0);
	assert_int_equal(count1("age__in", WK_LIST(wk_val_null(),
	    wk_val_int(20), wk_val_int(25))), 2);
	assert_int_equal(count1("age__in", WK_LIST(wk_val_null())), 0);
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "age__in", WK_LIST(wk_val_int(20), wk_val_null(),
	    wk_val_int(25)));
	assert_where(&q, "\x01\"age\" IN (?1, ?2)");
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "name__iexact", wk_val_null());
	assert_where(&q, "\x01\"name\" IS NULL");
	/* Still refused: None with other lookups, None in a range. */
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "name__contains", wk_val_null()),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, "age__range", WK_LIST(wk_val_null(),
	    wk_val_int(3))), WK_DB_INVALID);
}

/* Give author id born and seen. */
static void
set_dates(long long id, const char *born, const char *seen)
{
	struct wk_query q;
	long long n;

	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_set(&q, "born", wk_val_str(born));
	wk_q_set(&q, "seen", wk_val_str(seen));
	assert_int_equal(wk_q_update(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
}

/* Expect lookup to fail with a message naming why. */
static void
assert_refused(const char *lookup, struct wk_value v, const char *why)
{
	struct wk_query q;

	wk_q_init(&q, &arena, &t_author_model);
	assert_int_equal(wk_q_filter(&q, lookup, v), WK_DB_INVALID);
	if (strstr(wk_db_last_error(), why) == NULL)
		fail_msg("%s: '%s' lacks '%s'", lookup, wk_db_last_error(),
		    why);
}

static void
test_date_parts(void **state)
{
	struct wk_query q;

	(void)state;
	/* A Thursday leap day; an ISO-2009 Monday; an ISO-2020 Sunday. */
	set_dates(1, "2024-02-29", "2024-02-29T23:59:59Z");
	set_dates(2, "2008-12-29", "2008-12-29T06:07:08Z");
	set_dates(3, "2021-01-03", "2021-01-03T00:00:00Z");
	assert_int_equal(count1("born__year", wk_val_int(2024)), 1);
	assert_int_equal(count1("born__year", wk_val_str("2024")), 1);
	assert_int_equal(count1("born__year__gte", wk_val_int(2021)), 2);
	assert_int_equal(count1("born__year__range", WK_LIST(wk_val_int(2008),
	    wk_val_int(2021))), 2);
	assert_int_equal(count1("born__year__isnull", wk_val_bool(1)), 5);
	assert_int_equal(count1("born__month", wk_val_int(12)), 1);
	assert_int_equal(count1("born__day", wk_val_int(29)), 2);
	assert_int_equal(count1("born__week_day", wk_val_int(5)), 1);
	assert_int_equal(count1("born__week_day", wk_val_int(1)), 1);
	assert_int_equal(count1("born__week_day__lte", wk_val_int(2)), 2);
	assert_int_equal(count1("born__iso_week_day", wk_val_int(7)), 1);
	assert_int_equal(count1("born__iso_week_day", wk_val_int(1)), 1);
	assert_int_equal(count1("born__iso_year", wk_val_int(2009)), 1);
	assert_int_equal(count1("born__iso_year", wk_val_int(2020)), 1);
	assert_int_equal(count1("born__week", wk_val_int(53)), 1);
	assert_int_equal(count1("born__week", wk_val_int(1)), 1);
	assert_int_equal(count1("born__week", wk_val_int(9)), 1);
	assert_int_equal(count1("born__quarter", wk_val_int(1)), 2);
	assert_int_equal(count1("born__quarter__in", WK_LIST(wk_val_int(4))),
	    1);
	assert_int_equal(count1("seen__date", wk_val_str("2024-02-29")), 1);
	assert_int_equal(count1("seen__date__lt", wk_val_str("2010-01-01")),
	    1);
	assert_int_equal(count1("seen__year", wk_val_int(2021)), 1);
	assert_int_equal(count1("seen__hour", wk_val_int(23)), 1);
	assert_int_equal(count1("seen__hour__in", WK_LIST(wk_val_int(0),
	    wk_val_int(6))), 2);
	assert_int_equal(count1("seen__minute", wk_val_int(7)), 1);
	assert_int_equal(count1("seen__second__gt", wk_val_int(7)), 2);
	/* The complement keeps the authors without dates. */
	assert_int_equal(count_ex("born__year", wk_val_int(2024)), 7);
	/* The SQL: a function of the column, the value bound. */
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_filter(&q, "born__year__gte", wk_val_int(2021));
	assert_where(&q, "CAST(strftime('%Y', \x01\"born\") AS INTEGER) >= ?1");
	wk_q_init(&q, &arena, &t_author_model);
	wk_q_exclude(&q, "seen__date", wk_val_str("2024-02-29"));
	assert_where(&q, "NOT (date(\x01\"seen\") = ?1 AND \x01\"seen\" IS NOT "
	    "NULL)");
	/* Refusals, each saying why. */
	assert_refused("age__year", wk_val_int(2024), "DATE or DATETIME");
	assert_refused("name__month", wk_val_int(1), "DATE or DATETIME");
	assert_refused("born__hour", wk_val_int(1), "needs a DATETIME");
	assert_refused("born__date", wk_val_str("2024-01-01"),
	    "needs a DATETIME");
	assert_refused("born__year__contains", wk_val_str("2"),
	    "may follow a date part");
	assert_refused("born__year", wk_val_str("2024 OR 1=1"),
	    "does not fit");
	assert_refused("born__fortnight", wk_val_int(1), "unknown field");
	assert_refused("age__foo", wk_val_int(1), "unknown field or lookup");
	assert_refused("name__regex", wk_val_str("^a"), "regex");
	assert_refused("name__iregex", wk_val_str("^a"), "regex");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_mem, teardown), \
	cmocka_unit_test_setup_teardown(f, setup_file, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_get),
		T(test_blob_dates),
		T(test_validation),
		T(test_get_errors),
		T(test_lookups),
		T(test_lookup_errors),
		T(test_groups),
		T(test_exclude_nulls),
		T(test_none_values),
		T(test_date_parts),
		T(test_order_limit),
		T(test_count_exists_aggregate),
		T(test_update_delete),
		T(test_foreign_keys),
		T(test_streaming_nested),
		T(test_raw),
		cmocka_unit_test(test_raw_needs_literal),
		T(test_injection),
		T(test_template_value),
		cmocka_unit_test(test_model_check),
	};

	wk_log_set_fd(-1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
