/*
 * test_relations.c - following relations for a whole result set
 * (relations.h, src/db/relations.c, src/db/aggregate.c): select_related
 * as one query with a JOIN, prefetch_related of reverse foreign keys and
 * many-to-many sets in one more query per relation (two for an M2M) with
 * the keys chunked, and annotations (Count / Sum / Avg / Min / Max over
 * relations) used in filters and orderings - the number of statements
 * counted with SQLite's trace hook - and their failure paths.
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

#include <sqlite3.h>

#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/db/relations.h"

#include "fixture/fixture.h"
#include "../src/db/internal.h"  /* wk__db_handle: to count statements */

#define X_AUTHOR(F, M) F(M, name, TEXT)
WK_MODEL_STRUCT(x_author, X_AUTHOR)
WK_MODEL_DEFINE(x_author, X_AUTHOR)

#define X_TAG(F, M) F(M, name, TEXT)
WK_MODEL_STRUCT(x_tag, X_TAG)
WK_MODEL_DEFINE(x_tag, X_TAG)

#define X_POST(F, M) \
	F(M, title, TEXT) \
	F(M, author, FK, .to = &x_author_model, .flags = WK_NULL, \
	    .on_delete = WK_SET_NULL, .related_name = "posts") \
	F(M, tags, M2M, .to = &x_tag_model)
WK_MODEL_STRUCT(x_post, X_POST)
WK_MODEL_DEFINE(x_post, X_POST)

#define X_COMMENT(F, M) \
	F(M, post, FK, .to = &x_post_model, .related_name = "comments") \
	F(M, likes, INT, .def = "0") \
	F(M, body, TEXT, .flags = WK_BLANK, .def = "")
WK_MODEL_STRUCT(x_comment, X_COMMENT)
WK_MODEL_DEFINE(x_comment, X_COMMENT)

static const struct wk_model *const x_models[] = {
	&x_author_model, &x_tag_model, &x_post_model, &x_comment_model, NULL
};
static const struct wk_migration x_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(x_author_model),
	    WK_CREATE_TABLE(x_tag_model), WK_CREATE_TABLE(x_post_model),
	    WK_CREATE_TABLE(x_comment_model)),
};
static const struct wk_schema x_schema = {
	.app = "x", .order = 100, .models = x_models, .steps = x_steps,
	.nsteps = 1,
};

static wk_arena arena;
static char tmpdir[64];
static int statements;
static long long ann, p1, p2, p3, t1, t2;

static int
on_trace(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)ctx;
	(void)p;
	(void)x;
	statements++;
	return 0;
}

/* Count statements from here on. */
static void
count_from_here(void)
{
	sqlite3 *h;

	assert_int_equal(wk__db_handle(&h), WK_DB_OK);
	assert_int_equal(sqlite3_trace_v2(h, SQLITE_TRACE_STMT, on_trace,
	    NULL), SQLITE_OK);
	statements = 0;
}

static long long
mk(const struct wk_model *m, void *obj)
{
	if (wk_orm_create(m, obj) != WK_DB_OK)
		fail_msg("%s", wk_db_last_error());
	return wk_model_id(m, obj);
}

static long long
mk_post(const char *title, long long author)
{
	struct x_post p;

	assert_int_equal(wk_model_init(&x_post_model, &p), 0);
	p.title = title;
	p.author = author;
	if (author == 0)
		wk_set_null(&p, x_post, author);
	else
		wk_clear_null(&p, x_post, author);
	return mk(&x_post_model, &p);
}

static void
mk_comment(long long post, int likes)
{
	struct x_comment c;

	assert_int_equal(wk_model_init(&x_comment_model, &c), 0);
	c.post = post;
	c.likes = likes;
	mk(&x_comment_model, &c);
}

static int
setup(void **state)
{
	struct x_author a;
	struct x_tag t;
	long long both[2];

	(void)state;
	wk_arena_init(&arena);
	assert_int_equal(fixture_db_open(&x_schema, "rel", tmpdir,
	    sizeof(tmpdir)), 0);
	assert_int_equal(wk_model_init(&x_author_model, &a), 0);
	a.name = "ann";
	ann = mk(&x_author_model, &a);
	assert_int_equal(wk_model_init(&x_tag_model, &t), 0);
	t.name = "c";
	t1 = mk(&x_tag_model, &t);
	t.name = "sql";
	t2 = mk(&x_tag_model, &t);
	/* p1: ann, tags c+sql, 3 comments (1+2+4 likes); p2: ann, tag c,
	 * no comment; p3: no author, no tag, 1 comment (5 likes). */
	p1 = mk_post("one", ann);
	p2 = mk_post("two", ann);
	p3 = mk_post("three", 0);
	both[0] = t2;
	both[1] = t1;
	assert_int_equal(wk_m2m_add(&arena, &x_post_model, p1, "tags", both,
	    2), WK_DB_OK);
	assert_int_equal(wk_m2m_add(&arena, &x_post_model, p2, "tags", &t1, 1),
	    WK_DB_OK);
	mk_comment(p1, 1);
	mk_comment(p1, 2);
	mk_comment(p1, 4);
	mk_comment(p3, 5);
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

/* ---- select_related ------------------------------------------------------------------ */

static void
test_select_related_one_query(void **state)
{
	struct wk_query q;
	void **rows;
	size_t n, i;
	int authored = 0;

	(void)state;
	count_from_here();
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_select_related(&q, "author"), WK_DB_OK);
	wk_q_order_by(&q, "id");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		const struct x_post *p = rows[i];
		const struct x_author *a = p->author_obj;
		if (a != NULL) {
			assert_string_equal(a->name, "ann");
			authored++;
		}
	}
	assert_int_equal(authored, 2);
	assert_int_equal(statements, 1);  /* one SELECT with a LEFT JOIN */
	/* a chain is not followed: refused by name, never half done */
	wk_q_init(&q, &arena, &x_comment_model);
	assert_int_equal(wk_q_select_related(&q, "post__author"),
	    WK_DB_INVALID);
}

/* ---- prefetch_related ----------------------------------------------------------------- */

static void
test_prefetch(void **state)
{
	struct wk_query q;
	void **rows, **set;
	size_t n, ns;
	struct wk_value v, got;

	(void)state;
	count_from_here();
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_prefetch_related(&q, "comments"), WK_DB_OK);
	assert_int_equal(wk_q_prefetch_related(&q, "tags"), WK_DB_OK);
	wk_q_order_by(&q, "id");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(statements, 1 + 1 + 2);
	assert_int_equal(wk_prefetched(&x_post_model, rows[0], "comments",
	    &set, &ns), 0);
	assert_int_equal(ns, 3);
	assert_int_equal(((struct x_comment *)set[0])->likes, 1);
	assert_int_equal(((struct x_comment *)set[2])->likes, 4);
	assert_int_equal(wk_prefetched(&x_post_model, rows[0], "tags", &set,
	    &ns), 0);
	assert_int_equal(ns, 2);  /* in the tags' key order */
	assert_string_equal(((struct x_tag *)set[0])->name, "c");
	assert_string_equal(((struct x_tag *)set[1])->name, "sql");
	assert_int_equal(wk_prefetched(&x_post_model, rows[1], "comments",
	    &set, &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(wk_prefetched(&x_post_model, rows[2], "tags", &set,
	    &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(wk_prefetched(&x_post_model, rows[2], "comments",
	    &set, &ns), 0);
	assert_int_equal(ns, 1);
	/* not asked for */
	assert_int_equal(wk_prefetched(&x_post_model, rows[0], "posts", &set,
	    &ns), -1);
	assert_null(set);
	/* a template sees the set as a list of rows */
	v = wk_orm_value(&arena, &x_post_model, rows[0]);
	assert_int_equal(v.kind, WK_VAL_OBJECT);
	assert_int_equal(v.u.obj.ops->get(v.u.obj.self, "tags", 4, &arena,
	    &got), 0);
	assert_int_equal(got.kind, WK_VAL_LIST);
	assert_int_equal(got.u.list->len, 2);
	assert_int_equal(v.u.obj.ops->get(v.u.obj.self, "nope", 4, &arena,
	    &got), 1);

	/* from the far end: an author's posts (reverse FK) */
	wk_q_init(&q, &arena, &x_author_model);
	assert_int_equal(wk_q_prefetch_related(&q, "posts"), WK_DB_OK);
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_prefetched(&x_author_model, rows[0], "posts", &set,
	    &ns), 0);
	assert_int_equal(ns, 2);
	/* and a tag's posts (reverse M2M, default name: the model's) */
	wk_q_init(&q, &arena, &x_tag_model);
	assert_int_equal(wk_q_prefetch_related(&q, "x_post"), WK_DB_OK);
	wk_q_order_by(&q, "id");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	assert_int_equal(wk_prefetched(&x_tag_model, rows[0], "x_post", &set,
	    &ns), 0);
	assert_int_equal(ns, 2);
	assert_int_equal(wk_prefetched(&x_tag_model, rows[1], "x_post", &set,
	    &ns), 0);
	assert_int_equal(ns, 1);
}

static void
test_prefetch_chunks(void **state)
{
	struct wk_query q;
	void **rows, **set;
	size_t n, ns, i;
	long long id;
	int ok = 0;

	(void)state;
	/* more posts than one query may name: 400 with a comment each */
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	for (i = 0; i < 400; i++) {
		id = mk_post("many", ann);
		mk_comment(id, (int)i);
		assert_int_equal(wk_m2m_add(&arena, &x_post_model, id, "tags",
		    &t2, 1), WK_DB_OK);
	}
	assert_int_equal(wk_db_commit(), WK_DB_OK);
	count_from_here();
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_filter(&q, "title", wk_val_str("many"));
	wk_q_prefetch_related(&q, "comments");
	wk_q_prefetch_related(&q, "tags");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	assert_int_equal(n, 400);
	assert_int_equal(statements, 1 + 3 + 3 * 2);  /* chunks of 150 */
	for (i = 0; i < n; i++) {
		assert_int_equal(wk_prefetched(&x_post_model, rows[i],
		    "comments", &set, &ns), 0);
		assert_int_equal(ns, 1);
		assert_int_equal(((struct x_comment *)set[0])->post,
		    wk_model_id(&x_post_model, rows[i]));
		assert_int_equal(wk_prefetched(&x_post_model, rows[i], "tags",
		    &set, &ns), 0);
		ok += ns == 1 && ((struct x_tag *)set[0])->id == t2;
	}
	assert_int_equal(ok, 400);
}

static void
test_prefetch_failures(void **state)
{
	struct wk_query q;
	void **rows;
	size_t n;
	int i;

	(void)state;
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_prefetch_related(&q, "nope"), WK_DB_INVALID);
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	/* a field, even a foreign key, is select_related's */
	assert_int_equal(wk_q_prefetch_related(&q, "author"), WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_prefetch_related(&q, NULL), WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	for (i = 0; i < 8; i++)
		assert_int_equal(wk_q_prefetch_related(&q, "tags"), WK_DB_OK);
	assert_int_equal(wk_q_prefetch_related(&q, "tags"), WK_DB_INVALID);
	/* an empty result runs no prefetch query */
	count_from_here();
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_filter(&q, "title", wk_val_str("none such"));
	wk_q_prefetch_related(&q, "comments");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(statements, 1);
}

/* ---- annotate ------------------------------------------------------------------------- */

/* The titles of q's rows with alias's value: "one=3,two=0". */
static const char *
annotated(struct wk_query *q, const char *alias)
{
	static char out[256];
	void **rows;
	size_t n, i, used = 0;

	out[0] = '\0';
	assert_int_equal(wk_q_list(q, &rows, &n), WK_DB_OK);
	for (i = 0; i < n; i++) {
		struct wk_value v = wk_annotation(&x_post_model, rows[i],
		    alias);
		char num[32];
		int k;
		if (v.kind == WK_VAL_INT)
			snprintf(num, sizeof(num), "%lld", v.u.i);
		else if (v.kind == WK_VAL_REAL)
			snprintf(num, sizeof(num), "%.2f", v.u.r);
		else
			snprintf(num, sizeof(num), "null");
		k = snprintf(out + used, sizeof(out) - used, "%s%s=%s",
		    i ? "," : "", ((struct x_post *)rows[i])->title, num);
		assert_true(k > 0 && (size_t)k < sizeof(out) - used);
		used += (size_t)k;
	}
	return out;
}

static void
test_annotate(void **state)
{
	struct wk_query q;
	struct wk_value v, got;
	void **rows;
	size_t n;
	long long cnt;

	(void)state;
	count_from_here();
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "n", WK_AGG_COUNT, "comments"),
	    WK_DB_OK);
	wk_q_order_by(&q, "-n,title");
	assert_string_equal(annotated(&q, "n"), "one=3,three=1,two=0");
	assert_int_equal(statements, 1);
	/* over the M2M, filtered on the annotation */
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_annotate(&q, "ntags", WK_AGG_COUNT, "tags");
	assert_int_equal(wk_q_filter(&q, "ntags__gte", wk_val_int(1)),
	    WK_DB_OK);
	wk_q_order_by(&q, "ntags");
	assert_string_equal(annotated(&q, "ntags"), "two=1,one=2");
	/* Sum / Avg / Max of a far field; null without related rows */
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_annotate(&q, "likes", WK_AGG_SUM, "comments__likes");
	wk_q_order_by(&q, "id");
	assert_string_equal(annotated(&q, "likes"), "one=7,two=null,three=5");
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_annotate(&q, "avg", WK_AGG_AVG, "comments__likes");
	wk_q_exclude(&q, "avg__lt", wk_val_int(3));
	wk_q_order_by(&q, "id");
	/* two has no comments: its avg is NULL, and exclude keeps it */
	assert_string_equal(annotated(&q, "avg"), "two=null,three=5.00");
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_annotate(&q, "top", WK_AGG_MAX, "comments__likes");
	wk_q_annotate(&q, "n", WK_AGG_COUNT, "comments");
	wk_q_filter(&q, "n", wk_val_int(3));
	assert_string_equal(annotated(&q, "top"), "one=4");
	/* with count and a template */
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_annotate(&q, "n", WK_AGG_COUNT, "comments");
	wk_q_filter(&q, "n__gt", wk_val_int(0));
	assert_int_equal(wk_q_count(&q, &cnt), WK_DB_OK);
	assert_int_equal(cnt, 2);
	wk_q_order_by(&q, "id");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	v = wk_orm_value(&arena, &x_post_model, rows[0]);
	assert_int_equal(v.u.obj.ops->get(v.u.obj.self, "n", 1, &arena, &got),
	    0);
	assert_int_equal(got.kind, WK_VAL_INT);
	assert_int_equal(got.u.i, 3);
	assert_int_equal(wk_annotation(&x_post_model, rows[0], "zz").kind,
	    WK_VAL_NULL);
	/* annotations and prefetch on the same rows */
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_annotate(&q, "n", WK_AGG_COUNT, "comments");
	wk_q_prefetch_related(&q, "comments");
	wk_q_order_by(&q, "id");
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_OK);
	{
		void **set;
		size_t ns;
		assert_int_equal(wk_prefetched(&x_post_model, rows[0],
		    "comments", &set, &ns), 0);
		assert_int_equal(ns, 3);
		assert_int_equal(wk_annotation(&x_post_model, rows[0], "n").u.i,
		    3);
	}
}

static void
test_annotate_failures(void **state)
{
	struct wk_query q;
	void **rows;
	size_t n;

	(void)state;
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "n", WK_AGG_COUNT, "nope"),
	    WK_DB_INVALID);
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "n", WK_AGG_SUM, "comments"),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "n", WK_AGG_SUM,
	    "comments__nope"), WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "title", WK_AGG_COUNT, "comments"),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "a__b", WK_AGG_COUNT, "comments"),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "Bad!", WK_AGG_COUNT, "comments"),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "n", WK_AGG__MAX, "comments"),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_annotate(&q, "n", WK_AGG_COUNT, "comments"),
	    WK_DB_OK);
	assert_int_equal(wk_q_annotate(&q, "n", WK_AGG_COUNT, "tags"),
	    WK_DB_INVALID);
	/* an annotation is not a field of the far model */
	wk_q_init(&q, &arena, &x_post_model);
	wk_q_annotate(&q, "n", WK_AGG_COUNT, "comments");
	assert_int_equal(wk_q_filter(&q, "tags__n", wk_val_int(1)),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &x_post_model);
	assert_int_equal(wk_q_order_by(&q, "n"), WK_DB_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_select_related_one_query,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefetch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefetch_chunks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prefetch_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_annotate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_annotate_failures, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
