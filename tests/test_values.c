/*
 * test_values.c - values() / values_list() (src/db/values.c) and F()
 * expressions (src/db/expr.c) against real SQLite: maps and tuples of the
 * chosen fields, a column through a foreign key, flat and distinct, atomic
 * `views = views + 1` updates, field-to-field filters, and every name
 * from outside refused (WK_DB_INVALID, never SQL text).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/db/expr.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/db/values.h"

#define V_WRITER(F, M) \
	F(M, name, TEXT, .max_length = 50) \
	F(M, country, TEXT, .flags = WK_NULL)
WK_MODEL_STRUCT(v_writer, V_WRITER)
WK_MODEL_DEFINE(v_writer, V_WRITER, .verbose_name = "writer")

#define V_ARTICLE(F, M) \
	F(M, writer, FK, .to = &v_writer_model, .on_delete = WK_CASCADE, \
	    .flags = WK_NULL) \
	F(M, title, TEXT) \
	F(M, views, INT, .def = "0") \
	F(M, likes, INT, .def = "0") \
	F(M, score, REAL, .def = "1.0") \
	F(M, hidden, BOOL, .def = "0") \
	F(M, extra, INT, .flags = WK_NULL)
WK_MODEL_STRUCT(v_article, V_ARTICLE)
WK_MODEL_DEFINE(v_article, V_ARTICLE)

static const struct wk_model *const v_models[] = {
	&v_writer_model, &v_article_model, NULL
};
static const struct wk_migration v_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(v_writer_model),
	    WK_CREATE_TABLE(v_article_model)),
};
static const struct wk_schema v_schema = {
	.app = "v", .order = 100, .models = v_models, .steps = v_steps,
	.nsteps = 1,
};

static wk_arena arena;

static long long
add_writer(const char *name, const char *country)
{
	struct v_writer w;

	assert_int_equal(wk_model_init(&v_writer_model, &w), 0);
	w.name = name;
	w.country = country;
	assert_int_equal(wk_orm_create(&v_writer_model, &w), WK_DB_OK);
	return w.id;
}

static void
add_article(long long writer, const char *title, int views, int likes)
{
	struct v_article a;

	assert_int_equal(wk_model_init(&v_article_model, &a), 0);
	if (writer == 0)
		wk_set_null(&a, v_article, writer);
	else
		wk_clear_null(&a, v_article, writer);
	a.writer = writer;
	a.title = title;
	a.views = views;
	a.likes = likes;
	assert_int_equal(wk_orm_create(&v_article_model, &a), WK_DB_OK);
}

static int
setup(void **state)
{
	long long ann, bo;

	(void)state;
	wk_log_set_fd(-1);
	wk_arena_init(&arena);
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&v_schema), 0);
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	ann = add_writer("Ann", "NZ");
	bo = add_writer("Bo", NULL);
	add_article(ann, "one", 10, 3);
	add_article(ann, "two", 5, 7);
	add_article(bo, "three", 1, 1);
	add_article(0, "orphan", 0, 2);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_db_close();
	wk_db_allow_create(0);
	wk_arena_free(&arena);
	return 0;
}

static const struct wk_value *
get(const struct wk_value *row, const char *key)
{
	assert_int_equal(row->kind, WK_VAL_MAP);
	return wk_map_get(row->u.map, key, strlen(key));
}

static void
assert_str(const struct wk_value *v, const char *s)
{
	assert_non_null(v);
	assert_int_equal(v->kind, WK_VAL_STR);
	assert_int_equal(v->u.s.n, strlen(s));
	assert_memory_equal(v->u.s.p, s, v->u.s.n);
}

static void
test_values_maps(void **state)
{
	struct wk_query q;
	struct wk_list *rows;
	const struct wk_value *r;

	(void)state;
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_order_by(&q, "-views");
	assert_int_equal(wk_q_values(&q, "title,views,writer__name,hidden,"
	    "score,pk", 0, &rows), WK_DB_OK);
	assert_int_equal(rows->len, 4);
	r = &rows->items[0];
	assert_int_equal(r->u.map->len, 6);
	assert_str(get(r, "title"), "one");
	assert_int_equal(get(r, "views")->kind, WK_VAL_INT);
	assert_int_equal(get(r, "views")->u.i, 10);
	assert_str(get(r, "writer__name"), "Ann");
	assert_int_equal(get(r, "hidden")->kind, WK_VAL_BOOL);
	assert_int_equal(get(r, "score")->kind, WK_VAL_REAL);
	assert_int_equal(get(r, "pk")->u.i, 1);
	/* The article without a writer: the joined column is null. */
	assert_str(get(&rows->items[3], "title"), "orphan");
	assert_int_equal(get(&rows->items[3], "writer__name")->kind,
	    WK_VAL_NULL);

	/* Every field, filtered and limited. */
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "writer__name", wk_val_str("Ann"));
	wk_q_order_by(&q, "title");
	wk_q_limit(&q, 1, 1);
	assert_int_equal(wk_q_values(&q, NULL, 0, &rows), WK_DB_OK);
	assert_int_equal(rows->len, 1);
	assert_int_equal(rows->items[0].u.map->len, v_article_model.nfields);
	assert_str(get(&rows->items[0], "title"), "two");
	assert_int_equal(get(&rows->items[0], "writer")->u.i, 1);
	assert_int_equal(get(&rows->items[0], "extra")->kind, WK_VAL_NULL);
}

static void
test_values_list_flat_distinct(void **state)
{
	struct wk_query q;
	struct wk_list *rows;

	(void)state;
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_order_by(&q, "views");
	assert_int_equal(wk_q_values_list(&q, "title,likes", 0, &rows),
	    WK_DB_OK);
	assert_int_equal(rows->len, 4);
	assert_int_equal(rows->items[0].kind, WK_VAL_LIST);
	assert_int_equal(rows->items[0].u.list->len, 2);
	assert_str(&rows->items[0].u.list->items[0], "orphan");
	assert_int_equal(rows->items[0].u.list->items[1].u.i, 2);

	wk_q_init(&q, &arena, &v_article_model);
	wk_q_order_by(&q, "title");
	assert_int_equal(wk_q_values_list(&q, "title", WK_VALUES_FLAT, &rows),
	    WK_DB_OK);
	assert_int_equal(rows->len, 4);
	assert_str(&rows->items[0], "one");
	assert_str(&rows->items[3], "two");

	/* distinct: two of Ann's, one of Bo's, and the NULL writer. */
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_order_by(&q, "writer__name");
	assert_int_equal(wk_q_values_list(&q, "writer__name", WK_VALUES_FLAT |
	    WK_VALUES_DISTINCT, &rows), WK_DB_OK);
	assert_int_equal(rows->len, 3);
	assert_int_equal(rows->items[0].kind, WK_VAL_NULL);
	assert_str(&rows->items[1], "Ann");
	assert_str(&rows->items[2], "Bo");

	/* No rows: an empty list, not NULL. */
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "views__gt", wk_val_int(1000));
	assert_int_equal(wk_q_values(&q, "title", 0, &rows), WK_DB_OK);
	assert_non_null(rows);
	assert_int_equal(rows->len, 0);
}

static void
test_values_refused(void **state)
{
	static const char *const bad[] = {
		"nope", "title,nope", "title,", ",title", "title;DROP TABLE "
		"v_article", "writer__nope", "title__writer", "views__gt",
		"\"title\"", "",
	};
	struct wk_query q;
	struct wk_list *rows = (struct wk_list *)&arena;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i][0] == '\0')
			continue;  /* "" means every field */
		wk_q_init(&q, &arena, &v_article_model);
		assert_int_equal(wk_q_values(&q, bad[i], 0, &rows),
		    WK_DB_INVALID);
		assert_null(rows);
		assert_null(strstr(wk_db_last_error(), "SELECT"));
	}
	/* flat needs exactly one field; values() has no flat form. */
	wk_q_init(&q, &arena, &v_article_model);
	assert_int_equal(wk_q_values_list(&q, "title,views", WK_VALUES_FLAT,
	    &rows), WK_DB_INVALID);
	wk_q_init(&q, &arena, &v_article_model);
	assert_int_equal(wk_q_values(&q, "title", WK_VALUES_FLAT, &rows),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &v_article_model);
	assert_int_equal(wk_q_values(&q, "title", 0x80, &rows),
	    WK_DB_INVALID);
	/* A failed query stays failed. */
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "nope", wk_val_int(1));
	assert_int_equal(wk_q_values(&q, "title", 0, &rows), WK_DB_INVALID);
	/* The table is still there. */
	wk_q_init(&q, &arena, &v_article_model);
	assert_int_equal(wk_q_values(&q, "title", 0, &rows), WK_DB_OK);
	assert_int_equal(rows->len, 4);
}

static long long
views_of(const char *title)
{
	struct wk_query q;
	struct v_article *a;

	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "title", wk_val_str(title));
	assert_int_equal(wk_q_get(&q, (void **)&a), WK_DB_OK);
	return a->views;
}

static void
test_f_update(void **state)
{
	struct wk_query q;
	struct v_article *a;
	long long n;

	(void)state;
	/* views = views + 1, twice, on one row. */
	for (int i = 0; i < 2; i++) {
		wk_q_init(&q, &arena, &v_article_model);
		wk_q_filter(&q, "title", wk_val_str("one"));
		assert_int_equal(wk_q_set_f(&q, "views", "views", '+',
		    wk_val_int(1)), WK_DB_OK);
		assert_int_equal(wk_q_update(&q, &n), WK_DB_OK);
		assert_int_equal(n, 1);
	}
	assert_int_equal(views_of("one"), 12);
	assert_int_equal(views_of("two"), 5);

	/* Every article of Ann's (a filter through the FK): views * 2, and
	 * likes = views - likes in the same UPDATE (SQL reads the old row). */
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "writer__name", wk_val_str("Ann"));
	wk_q_set_f(&q, "views", "views", '*', wk_val_str("2"));
	wk_q_set_ff(&q, "likes", "views", '-', "likes");
	assert_int_equal(wk_q_update(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "title", wk_val_str("two"));
	assert_int_equal(wk_q_get(&q, (void **)&a), WK_DB_OK);
	assert_int_equal(a->views, 10);
	assert_int_equal(a->likes, -2);

	/* REAL: score = score - 0.5; a copy: extra = likes. */
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "title", wk_val_str("three"));
	wk_q_set_f(&q, "score", "score", '-', wk_val_real(0.5));
	wk_q_set_f(&q, "extra", "likes", 0, wk_val_null());
	assert_int_equal(wk_q_update(&q, NULL), WK_DB_OK);
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "title", wk_val_str("three"));
	assert_int_equal(wk_q_get(&q, (void **)&a), WK_DB_OK);
	assert_true(a->score == 0.5);
	assert_false(wk_is_null(a, v_article, extra));
	assert_int_equal(a->extra, 1);

	/* NULL + 1 into a NOT NULL field: the database refuses it. */
	wk_q_init(&q, &arena, &v_article_model);
	wk_q_filter(&q, "title", wk_val_str("one"));
	wk_q_set_f(&q, "views", "extra", '+', wk_val_int(1));
	assert_int_equal(wk_q_update(&q, NULL), WK_DB_CONSTRAINT);
	assert_int_equal(views_of("one"), 24);
}

static void
test_f_refused(void **state)
{
	struct wk_query q;

	(void)state;
#define REFUSED(call) do { \
		wk_q_init(&q, &arena, &v_article_model); \
		assert_int_equal((call), WK_DB_INVALID); \
		assert_int_equal(wk_q_update(&q, NULL), WK_DB_INVALID); \
	} while (0)
	REFUSED(wk_q_set_f(&q, "nope", "views", '+', wk_val_int(1)));
	REFUSED(wk_q_set_f(&q, "views", "nope", '+', wk_val_int(1)));
	REFUSED(wk_q_set_f(&q, "id", "views", '+', wk_val_int(1)));
	REFUSED(wk_q_set_f(&q, "views", "views", '/', wk_val_int(1)));
	REFUSED(wk_q_set_f(&q, "views", "views", '+', wk_val_str("1; --")));
	REFUSED(wk_q_set_f(&q, "views", "views", '+', wk_val_null()));
	REFUSED(wk_q_set_f(&q, "views", "views", '+', wk_val_real(1.5)));
	REFUSED(wk_q_set_f(&q, "title", "title", '+', wk_val_int(1)));
	REFUSED(wk_q_set_f(&q, "views", "title", 0, wk_val_null()));
	REFUSED(wk_q_set_f(&q, "views", "writer__views", '+',
	    wk_val_int(1)));
	REFUSED(wk_q_set_ff(&q, "views", "views", '+', "title"));
	REFUSED(wk_q_set_ff(&q, "views", "views", '%', "likes"));
	REFUSED(wk_q_set_ff(&q, "views", "views", '+', "nope"));
	REFUSED(wk_q_filter_f(&q, "views__contains", "likes"));
	REFUSED(wk_q_filter_f(&q, "views__gt", "nope"));
	REFUSED(wk_q_filter_f(&q, "nope__gt", "views"));
	REFUSED(wk_q_filter_f(&q, "views__gt", "likes) OR (1"));
#undef REFUSED
	assert_int_equal(views_of("one"), 10);
}

static long long
count_f(const char *lookup, const char *other, int negate)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, &v_article_model);
	if (negate)
		wk_q_not(&q);
	assert_int_equal(wk_q_filter_f(&q, lookup, other), WK_DB_OK);
	if (negate)
		wk_q_end(&q);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

static void
test_f_filter(void **state)
{
	(void)state;
	/* views/likes: 10/3, 5/7, 1/1, 0/2 */
	assert_int_equal(count_f("views__gt", "likes", 0), 1);
	assert_int_equal(count_f("views__gte", "likes", 0), 2);
	assert_int_equal(count_f("views__lt", "likes", 0), 2);
	assert_int_equal(count_f("views__lte", "likes", 0), 3);
	assert_int_equal(count_f("views", "likes", 0), 1);
	assert_int_equal(count_f("views__exact", "likes", 0), 1);
	assert_int_equal(count_f("views__gt", "likes", 1), 3);
	/* Through the FK: the writer's id against the article's likes. */
	assert_int_equal(count_f("writer__id__lt", "likes", 0), 2);
	assert_int_equal(count_f("writer__id__lt", "likes", 1), 2);
	/* NULL extra: no row is extra > views, and NOT of it is all rows. */
	assert_int_equal(count_f("extra__gt", "views", 0), 0);
	assert_int_equal(count_f("extra__gt", "views", 1), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_values_maps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_values_list_flat_distinct,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_f_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_f_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_f_filter, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
