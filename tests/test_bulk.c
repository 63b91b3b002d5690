/*
 * test_bulk.c - get_or_create, update_or_create and bulk_create
 * (src/db/bulk.c), and unique-together constraints (model.h's
 * .unique_together, src/db/unique.c, the index migrate makes, diffmodels
 * proposing it, model forms' message) against real SQLite, with their
 * failure paths: an invalid row writes nothing, a clash is a field error
 * in Django's words, a violation is WK_DB_CONSTRAINT.
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

#include "wick/core/log.h"
#include "wick/db/bulk.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/db/unique.h"
#include "wick/forms/form.h"

#include "fixture/fixture.h"

#define B_TAG(F, M) \
	F(M, name, TEXT, .max_length = 20, .flags = WK_UNIQUE) \
	F(M, color, TEXT, .def = "grey") \
	F(M, uses, INT, .def = "0")
WK_MODEL_STRUCT(b_tag, B_TAG)
WK_MODEL_DEFINE(b_tag, B_TAG, .verbose_name = "tag")

#define B_POST(F, M) \
	F(M, author, TEXT, .max_length = 30, .verbose_name = "author") \
	F(M, slug, TEXT, .max_length = 30, .verbose_name = "slug") \
	F(M, lang, TEXT, .flags = WK_NULL, .verbose_name = "language") \
	F(M, title, TEXT, .flags = WK_BLANK, .def = "")
WK_MODEL_STRUCT(b_post, B_POST)
WK_MODEL_DEFINE(b_post, B_POST, .verbose_name = "post",
    .unique_together = WK_UNIQUE_TOGETHER("author,slug",
    "author,slug,lang"))

static const struct wk_model *const b_models[] = {
	&b_tag_model, &b_post_model, NULL
};
static const struct wk_migration b_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(b_tag_model),
	    WK_CREATE_TABLE(b_post_model)),
};
static const struct wk_schema b_schema = {
	.app = "b", .order = 100, .models = b_models, .steps = b_steps,
	.nsteps = 1,
};

static wk_arena arena;
static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	assert_int_equal(fixture_db_open(&b_schema, "bulk", tmpdir,
	    sizeof(tmpdir)), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_arena_free(&arena);
	assert_int_equal(fixture_db_close(tmpdir), 0);
	return 0;
}

static long long
count(const struct wk_model *m)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, m);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

static void
tag(struct b_tag *t, const char *name, const char *color)
{
	assert_int_equal(wk_model_init(&b_tag_model, t), 0);
	t->name = name;
	if (color != NULL)
		t->color = color;
}

/* ---- get_or_create / update_or_create ------------------------------------------ */

static int
goc(const char *name, const char *color, struct b_tag **row, int *created)
{
	struct wk_query q;
	struct b_tag *t = wk_arena_alloc(&arena, sizeof(*t));

	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str(name));
	tag(t, name, color);
	return wk_orm_get_or_create(&q, t, (void **)row, created);
}

static void
test_get_or_create(void **state)
{
	struct b_tag *row, *again;
	struct wk_query q;
	struct b_tag t;
	int created = -1;

	(void)state;
	assert_int_equal(goc("c", "red", &row, &created), WK_DB_OK);
	assert_int_equal(created, 1);
	assert_true(row->id > 0);
	assert_string_equal(row->color, "red");
	assert_int_equal(goc("c", "blue", &again, &created), WK_DB_OK);
	assert_int_equal(created, 0);
	assert_int_equal(again->id, row->id);
	assert_string_equal(again->color, "red");   /* defaults unused */
	assert_int_equal(count(&b_tag_model), 1);

	/* Invalid: nothing written, WK_DB_INVALID. */
	assert_int_equal(goc("012345678901234567890123", NULL, &row,
	    &created), WK_DB_INVALID);
	assert_null(row);
	assert_int_equal(created, 0);
	assert_int_equal(count(&b_tag_model), 1);

	/* The insert breaks the unique name although the get found nothing
	 * (its filter is narrower): the retry finds nothing either, so the
	 * constraint error is the answer. */
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("c"));
	wk_q_filter(&q, "color", wk_val_str("green"));
	tag(&t, "c", "green");
	assert_int_equal(wk_orm_get_or_create(&q, &t, (void **)&row,
	    &created), WK_DB_CONSTRAINT);
	assert_int_equal(created, 0);

	/* Inside the caller's block: the failed insert is undone by its
	 * savepoint, what the caller did before stays. */
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	assert_int_equal(goc("d", NULL, &row, &created), WK_DB_OK);
	assert_int_equal(created, 1);
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("d"));
	wk_q_filter(&q, "uses", wk_val_int(5));
	tag(&t, "d", NULL);
	assert_int_equal(wk_orm_get_or_create(&q, &t, (void **)&row,
	    &created), WK_DB_CONSTRAINT);
	assert_int_equal(wk_db_commit(), WK_DB_OK);
	assert_int_equal(count(&b_tag_model), 2);

	/* More than one match. */
	wk_q_init(&q, &arena, &b_tag_model);
	tag(&t, "e", NULL);
	assert_int_equal(wk_orm_get_or_create(&q, &t, (void **)&row,
	    &created), WK_DB_MULTIPLE);
	/* A failed query. */
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "nope", wk_val_str("e"));
	assert_int_equal(wk_orm_get_or_create(&q, &t, (void **)&row,
	    &created), WK_DB_INVALID);
	assert_int_equal(count(&b_tag_model), 2);
}

static void
test_update_or_create(void **state)
{
	struct wk_query q;
	struct b_tag t, *row;
	int created = -1;

	(void)state;
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("u"));
	tag(&t, "u", "red");
	t.uses = 3;
	assert_int_equal(wk_orm_update_or_create(&q, &t, "color", (void **)&row,
	    &created), WK_DB_OK);
	assert_int_equal(created, 1);
	assert_int_equal(row->uses, 3);

	/* Found: only the named fields change. */
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("u"));
	tag(&t, "u", "blue");
	t.uses = 9;
	assert_int_equal(wk_orm_update_or_create(&q, &t, "color", (void **)&row,
	    &created), WK_DB_OK);
	assert_int_equal(created, 0);
	assert_int_equal(wk_orm_get(&arena, &b_tag_model, row->id,
	    (void **)&row), WK_DB_OK);
	assert_string_equal(row->color, "blue");
	assert_int_equal(row->uses, 3);

	/* NULL: every field but the key. */
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("u"));
	assert_int_equal(wk_orm_update_or_create(&q, &t, NULL, (void **)&row,
	    &created), WK_DB_OK);
	assert_int_equal(wk_orm_get(&arena, &b_tag_model, row->id,
	    (void **)&row), WK_DB_OK);
	assert_int_equal(row->uses, 9);

	/* Unknown or read-only names: nothing written. */
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("u"));
	t.color = "green";
	assert_int_equal(wk_orm_update_or_create(&q, &t, "color,nope",
	    (void **)&row, &created), WK_DB_INVALID);
	assert_null(row);
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("u"));
	assert_int_equal(wk_orm_update_or_create(&q, &t, "id", (void **)&row,
	    &created), WK_DB_INVALID);
	/* An invalid update rolls back whole. */
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "name", wk_val_str("u"));
	t.name = "";
	assert_int_equal(wk_orm_update_or_create(&q, &t, NULL, (void **)&row,
	    &created), WK_DB_INVALID);
	assert_int_equal(wk_db_depth(), 0);
	wk_q_init(&q, &arena, &b_tag_model);
	wk_q_filter(&q, "color", wk_val_str("blue"));
	assert_int_equal(wk_q_get(&q, (void **)&row), WK_DB_OK);
	assert_string_equal(row->name, "u");
}

/* ---- bulk_create ------------------------------------------------------------------- */

static void
test_bulk_create(void **state)
{
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	struct b_tag many[5], *row;
	size_t i, bad = 99;

	(void)state;
	for (i = 0; i < 5; i++) {
		tag(&many[i], names[i], NULL);
		many[i].uses = (int)i;
	}
	assert_int_equal(wk_orm_bulk_create(&b_tag_model, many, 0, &bad),
	    WK_DB_OK);
	assert_int_equal(count(&b_tag_model), 0);
	assert_int_equal(wk_orm_bulk_create(&b_tag_model, many, 5, &bad),
	    WK_DB_OK);
	assert_int_equal(count(&b_tag_model), 5);
	for (i = 0; i < 5; i++) {
		assert_true(many[i].id > 0);
		assert_int_equal(wk_orm_get(&arena, &b_tag_model, many[i].id,
		    (void **)&row), WK_DB_OK);
		assert_string_equal(row->name, names[i]);
		assert_int_equal(row->uses, (int)i);
	}
	assert_int_equal(many[4].id, many[0].id + 4);
}

static void
test_bulk_create_bad_row(void **state)
{
	struct b_tag many[3];
	size_t bad = 99;

	(void)state;
	tag(&many[0], "x", NULL);
	tag(&many[1], "y", NULL);
	tag(&many[2], "", NULL);          /* required */
	assert_int_equal(wk_orm_bulk_create(&b_tag_model, many, 3, &bad),
	    WK_DB_INVALID);
	assert_int_equal(bad, 2);
	assert_non_null(strstr(wk_db_last_error(), "row 2"));
	assert_non_null(strstr(wk_db_last_error(), "b_tag.name"));
	assert_int_equal(count(&b_tag_model), 0);
	assert_int_equal(many[0].id, 0);

	/* A unique clash part-way: the whole batch is rolled back, and the
	 * ids set so far are cleared again. */
	tag(&many[2], "x", NULL);
	assert_int_equal(wk_orm_bulk_create(&b_tag_model, many, 3, &bad),
	    WK_DB_CONSTRAINT);
	assert_int_equal(bad, 2);
	assert_int_equal(count(&b_tag_model), 0);
	assert_int_equal(many[0].id, 0);
	assert_int_equal(many[1].id, 0);
	assert_int_equal(wk_db_depth(), 0);

	/* Inside a caller's block the batch is a savepoint. */
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	tag(&many[0], "keep", NULL);
	assert_int_equal(wk_orm_create(&b_tag_model, &many[0]), WK_DB_OK);
	tag(&many[0], "p", NULL);
	tag(&many[1], "p", NULL);
	assert_int_equal(wk_orm_bulk_create(&b_tag_model, many, 2, NULL),
	    WK_DB_CONSTRAINT);
	assert_int_equal(wk_db_commit(), WK_DB_OK);
	assert_int_equal(count(&b_tag_model), 1);
}

/* ---- unique together --------------------------------------------------------------- */

static void
post(struct b_post *p, const char *author, const char *slug, const char *lang)
{
	assert_int_equal(wk_model_init(&b_post_model, p), 0);
	p->author = author;
	p->slug = slug;
	p->lang = lang;
}

static void
test_unique_together(void **state)
{
	struct wk_kvlist errs = { 0 };
	struct b_post p, q2;
	int n = -1;

	(void)state;
	post(&p, "ann", "hello", NULL);
	assert_int_equal(wk_orm_create(&b_post_model, &p), WK_DB_OK);
	/* Another author, or another slug: fine. */
	post(&q2, "bo", "hello", NULL);
	assert_int_equal(wk_orm_validate_unique(&arena, &b_post_model, &q2,
	    WK_UNIQUE_CHECK_FIELDS | WK_UNIQUE_CHECK_TOGETHER, &errs, &n),
	    WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(wk_orm_create(&b_post_model, &q2), WK_DB_OK);

	/* The same pair: Django's message on __all__; the lang list has a
	 * NULL member and is not checked. */
	post(&q2, "ann", "hello", NULL);
	assert_int_equal(wk_orm_validate_unique(&arena, &b_post_model, &q2,
	    WK_UNIQUE_CHECK_TOGETHER, &errs, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].name, WK_UNIQUE_ALL);
	assert_string_equal(errs.items[0].value,
	    "Post with this Author and Slug already exists.");
	/* The database says so too: the index migrate made. */
	assert_int_equal(wk_orm_create(&b_post_model, &q2), WK_DB_CONSTRAINT);
	assert_non_null(strstr(wk_db_last_error(), "UNIQUE"));

	/* The row itself is no clash when it is saved again. */
	assert_int_equal(wk_orm_validate_unique(&arena, &b_post_model, &p,
	    WK_UNIQUE_CHECK_TOGETHER, NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);

	/* Three names, and a unique field's message. */
	assert_string_equal(wk_orm_unique_message(&arena, &b_post_model,
	    "author,slug,lang"),
	    "Post with this Author, Slug and Language already exists.");
	assert_null(wk_orm_unique_message(&arena, &b_post_model, "nope"));
	{
		struct b_tag t;
		struct wk_kvlist e2 = { 0 };
		tag(&t, "same", NULL);
		assert_int_equal(wk_orm_create(&b_tag_model, &t), WK_DB_OK);
		t.id = 0;
		assert_int_equal(wk_orm_validate_unique(&arena, &b_tag_model,
		    &t, WK_UNIQUE_CHECK_FIELDS, &e2, &n), WK_DB_OK);
		assert_int_equal(n, 1);
		assert_string_equal(e2.items[0].name, "name");
		assert_string_equal(e2.items[0].value,
		    "Tag with this Name already exists.");
	}
}

static const char *
form_err(const struct wk_form *f, const char *name)
{
	return wk_kv_get(&f->errors, name);
}

static void
test_unique_together_form(void **state)
{
	static const char *const fields[] = { "author", "slug", "title", NULL };
	struct wk_model_form mf;
	struct wk_kvlist *data;
	struct b_post p;

	(void)state;
	post(&p, "ann", "hello", NULL);
	assert_int_equal(wk_orm_create(&b_post_model, &p), WK_DB_OK);
	data = wk_arena_calloc(&arena, 1, sizeof(*data));
	assert_int_equal(wk_kv_add(&arena, data, "author", "ann", 3), 0);
	assert_int_equal(wk_kv_add(&arena, data, "slug", "hello", 5), 0);
	assert_int_equal(wk_model_form_init(&mf, &arena, &b_post_model, fields,
	    NULL), 0);
	assert_int_equal(wk_form_bind_data(&mf.form, data), 0);
	assert_int_equal(wk_model_form_is_valid(&mf), 1);
	((struct b_post *)mf.obj)->lang = NULL;
	assert_int_equal(wk_model_form_save(&mf), WK_DB_INVALID);
	assert_string_equal(form_err(&mf.form, "__all__"),
	    "Post with this Author and Slug already exists.");
	assert_int_equal(count(&b_post_model), 1);

	/* Editing the row itself with its own pair is fine. */
	assert_int_equal(wk_model_form_init(&mf, &arena, &b_post_model, fields,
	    &p), 0);
	assert_int_equal(wk_form_bind_data(&mf.form, data), 0);
	assert_int_equal(wk_model_form_is_valid(&mf), 1);
	assert_int_equal(wk_model_form_save(&mf), WK_DB_OK);
}

/* The declaration check and what migrate and diffmodels do with it. */
#define B_BAD(F, M) \
	F(M, a, TEXT)
WK_MODEL_STRUCT(b_bad, B_BAD)
WK_MODEL_DEFINE(b_bad, B_BAD, .unique_together = WK_UNIQUE_TOGETHER("a,b",
    "a,a", "a,"))

#define B_LATE(F, M) \
	F(M, a, TEXT) \
	F(M, b, TEXT)
WK_MODEL_STRUCT(b_late, B_LATE)
WK_MODEL_DEFINE(b_late, B_LATE, .unique_together = WK_UNIQUE_TOGETHER("a,b"))

static const struct wk_model *const late_models[] = { &b_late_model, NULL };
static const struct wk_migration late_v1[] = {
	WK_MIGRATION("0001", WK_RUN_SQL("CREATE TABLE b_late (id INTEGER "
	    "PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)")),
};
static const struct wk_migration late_v2[] = {
	WK_MIGRATION("0001", WK_RUN_SQL("CREATE TABLE b_late (id INTEGER "
	    "PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)")),
	WK_MIGRATION("0002", WK_ADD_INDEX(b_late_model, "a,b", 1)),
};

static int
index_exists(const char *name)
{
	struct wk_raw r;
	struct wk_value arg = wk_val_str(name);
	int found = 0;

	assert_int_equal(wk_raw(&r, &arena, "SELECT 1 FROM sqlite_master "
	    "WHERE type = 'index' AND name = ?", &arg, 1), WK_DB_OK);
	while (wk_raw_next(&r) == WK_DB_ROW)
		found = 1;
	wk_raw_close(&r);
	return found;
}

static void
test_unique_together_migrations(void **state)
{
	struct wk_schema late = { .app = "late", .order = 100,
	    .models = late_models, .steps = late_v1, .nsteps = 1 };
	char out[1024];
	FILE *f;
	int n = -1;

	(void)state;
	assert_int_not_equal(wk_model_check(&b_bad_model, out, sizeof(out)),
	    0);
	assert_non_null(strstr(out, "unique_together"));
	assert_int_equal(wk_model_check(&b_post_model, out, sizeof(out)), 0);
	assert_true(index_exists("b_post__author_slug__uniq"));
	assert_true(index_exists("b_post__author_slug_lang__uniq"));

	/* A table made before the model had unique_together: diffmodels
	 * proposes the index step, and the step makes it. */
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&late), 0);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_non_null(f = fmemopen(out, sizeof(out), "w"));
	assert_int_equal(wk_migrate_diff(f, &n), WK_DB_OK);
	fclose(f);
	assert_int_equal(n, 1);
	assert_non_null(strstr(out, "b_late: new unique together (a,b); add a "
	    "step with WK_ADD_INDEX(b_late_model, \"a,b\", 1)"));
	/* Pending, the step covers it. */
	late.steps = late_v2;
	late.nsteps = 2;
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_true(index_exists("b_late__a_b__uniq"));
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_or_create, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_update_or_create, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bulk_create, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bulk_create_bad_row,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique_together, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unique_together_form,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unique_together_migrations, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
