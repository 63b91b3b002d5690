/*
 * test_m2m.c - many-to-many fields and relations seen from their far end
 * (relations.h: src/db/related.c, src/db/relations.c, the lookups of
 * src/db/query.c, the join tables of src/db/migrate.c) against real
 * SQLite: add / remove / set / clear, queries over one row's related
 * rows, "__" lookups across M2M and reverse foreign keys without repeated
 * rows, join tables made by migrate and proposed by diffmodels, and the
 * failure paths (unknown names, missing rows, text keys refused).
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
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/db/relations.h"

#include "fixture/fixture.h"

#define R_TAG(F, M) \
	F(M, name, TEXT, .max_length = 20, .flags = WK_UNIQUE)
WK_MODEL_STRUCT(r_tag, R_TAG)
WK_MODEL_DEFINE(r_tag, R_TAG, .verbose_name = "tag")

#define R_POST(F, M) \
	F(M, title, TEXT, .max_length = 50) \
	F(M, tags, M2M, .to = &r_tag_model, .related_name = "posts") \
	F(M, rank, INT, .def = "0")
WK_MODEL_STRUCT(r_post, R_POST)
WK_MODEL_DEFINE(r_post, R_POST, .verbose_name = "post")

#define R_COMMENT(F, M) \
	F(M, post, FK, .to = &r_post_model, .related_name = "comments") \
	F(M, body, TEXT)
WK_MODEL_STRUCT(r_comment, R_COMMENT)
WK_MODEL_DEFINE(r_comment, R_COMMENT)

/* A model linked to itself, and one whose join table is the app's. */
#define R_PERSON(F, M) \
	F(M, name, TEXT) \
	F(M, follows, M2M, .to = &r_person_model, .related_name = "fans")
WK_MODEL_STRUCT(r_person, R_PERSON)
WK_MODEL_DEFINE(r_person, R_PERSON)

#define R_CLUB(F, M) \
	F(M, name, TEXT) \
	F(M, members, M2M, .to = &r_person_model, \
	    .through = &r_membership_model, .related_name = "clubs")
WK_MODEL_STRUCT(r_club, R_CLUB)

#define R_MEMBERSHIP(F, M) \
	F(M, club, FK, .to = &r_club_model) \
	F(M, person, FK, .to = &r_person_model) \
	F(M, role, TEXT, .def = "member")
WK_MODEL_STRUCT(r_membership, R_MEMBERSHIP)
WK_MODEL_DEFINE(r_membership, R_MEMBERSHIP)
WK_MODEL_DEFINE(r_club, R_CLUB)

/* Refused declarations, never migrated: an M2M to a text key, a through
 * model without the keys, a name that is a field's. */
#define R_COUNTRY(F, M) F(M, name, TEXT)
WK_MODEL_STRUCT_PK(r_country, R_COUNTRY, code)
WK_MODEL_DEFINE_TEXT_PK(r_country, R_COUNTRY, code, 2)

#define R_BAD(F, M) \
	F(M, title, TEXT) \
	F(M, lands, M2M, .to = &r_country_model) \
	F(M, pals, M2M, .to = &r_tag_model, .through = &r_comment_model) \
	F(M, title2, M2M) \
	F(M, bad__name, M2M, .to = &r_tag_model)
WK_MODEL_STRUCT(r_bad, R_BAD)
WK_MODEL_DEFINE(r_bad, R_BAD)

static const struct wk_model *const r_models[] = {
	&r_tag_model, &r_post_model, &r_comment_model, &r_person_model,
	&r_club_model, &r_membership_model, NULL
};
static const struct wk_migration r_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(r_tag_model),
	    WK_CREATE_TABLE(r_post_model), WK_CREATE_TABLE(r_comment_model),
	    WK_CREATE_TABLE(r_person_model), WK_CREATE_TABLE(r_club_model),
	    WK_CREATE_TABLE(r_membership_model)),
};
static const struct wk_schema r_schema = {
	.app = "r", .order = 100, .models = r_models, .steps = r_steps,
	.nsteps = 1,
};
/* The same app later: the tags field came in a step of its own. */
static const struct wk_migration r_steps2[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(r_tag_model),
	    WK_CREATE_TABLE(r_post_model), WK_CREATE_TABLE(r_comment_model),
	    WK_CREATE_TABLE(r_person_model), WK_CREATE_TABLE(r_club_model),
	    WK_CREATE_TABLE(r_membership_model)),
	WK_MIGRATION("0002_post_tags", WK_ADD_M2M(r_post_model, "tags")),
};
static const struct wk_schema r_schema2 = {
	.app = "r", .order = 100, .models = r_models, .steps = r_steps2,
	.nsteps = 2,
};

static wk_arena arena;
static char tmpdir[64];
static long long tag_a, tag_b, tag_c, post1, post2, post3;

static long long
mk_tag(const char *name)
{
	struct r_tag t;

	assert_int_equal(wk_model_init(&r_tag_model, &t), 0);
	t.name = name;
	assert_int_equal(wk_orm_create(&r_tag_model, &t), WK_DB_OK);
	return t.id;
}

static long long
mk_post(const char *title, int rank)
{
	struct r_post p;

	assert_int_equal(wk_model_init(&r_post_model, &p), 0);
	p.title = title;
	p.rank = rank;
	assert_int_equal(wk_orm_create(&r_post_model, &p), WK_DB_OK);
	return p.id;
}

static long long
mk_comment(long long post, const char *body)
{
	struct r_comment c;

	assert_int_equal(wk_model_init(&r_comment_model, &c), 0);
	c.post = post;
	c.body = body;
	assert_int_equal(wk_orm_create(&r_comment_model, &c), WK_DB_OK);
	return c.id;
}

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	assert_int_equal(fixture_db_open(&r_schema, "m2m", tmpdir,
	    sizeof(tmpdir)), 0);
	tag_a = mk_tag("a");
	tag_b = mk_tag("b");
	tag_c = mk_tag("c");
	post1 = mk_post("one", 1);
	post2 = mk_post("two", 2);
	post3 = mk_post("three", 3);
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

/* The titles (or names) of q's rows, comma-separated, in its order. */
static const char *
names(struct wk_query *q, int tags)
{
	static char out[256];
	void **rows;
	size_t n, i, used = 0;

	out[0] = '\0';
	assert_int_equal(wk_q_list(q, &rows, &n), WK_DB_OK);
	for (i = 0; i < n; i++) {
		const char *s = tags ? ((struct r_tag *)rows[i])->name :
		    ((struct r_post *)rows[i])->title;
		int k = snprintf(out + used, sizeof(out) - used, "%s%s",
		    i ? "," : "", s);
		assert_true(k > 0 && (size_t)k < sizeof(out) - used);
		used += (size_t)k;
	}
	return out;
}

/* The tags of post id, by name. */
static const char *
tags_of(long long id)
{
	struct wk_query q;

	assert_int_equal(wk_q_related(&q, &arena, &r_post_model, id, "tags"),
	    WK_DB_OK);
	wk_q_order_by(&q, "name");
	return names(&q, 1);
}

/* The posts matching lookup = v, by title. */
static const char *
posts_where(const char *lookup, struct wk_value v, int exclude)
{
	struct wk_query q;

	wk_q_init(&q, &arena, &r_post_model);
	if (exclude)
		wk_q_exclude(&q, lookup, v);
	else
		wk_q_filter(&q, lookup, v);
	wk_q_order_by(&q, "rank");
	return names(&q, 0);
}

static long long
count_sql_links(void)
{
	struct wk_raw r;
	long long n = -1;

	assert_int_equal(wk_raw(&r, &arena, "SELECT count(*) FROM "
	    "r_post_tags", NULL, 0), WK_DB_OK);
	while (wk_raw_next(&r) == WK_DB_ROW)
		n = wk_raw_col(&r, 0).u.i;
	wk_raw_close(&r);
	return n;
}

/* ---- the related manager ------------------------------------------------------------ */

static void
test_add_and_list(void **state)
{
	long long ids[] = { tag_b, tag_a, tag_b };
	struct wk_query q;

	(void)state;
	assert_string_equal(tags_of(post1), "");
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tags", ids,
	    3), WK_DB_OK);
	assert_string_equal(tags_of(post1), "a,b");
	/* again: links that exist are left alone */
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tags", ids,
	    2), WK_DB_OK);
	assert_int_equal(count_sql_links(), 2);
	/* from the far end, by the related name */
	assert_int_equal(wk_m2m_add(&arena, &r_tag_model, tag_a, "posts",
	    &post2, 1), WK_DB_OK);
	assert_string_equal(tags_of(post2), "a");
	assert_int_equal(wk_q_related(&q, &arena, &r_tag_model, tag_a,
	    "posts"), WK_DB_OK);
	wk_q_order_by(&q, "rank");
	assert_string_equal(names(&q, 0), "one,two");
	/* the related query refines like any other */
	assert_int_equal(wk_q_related(&q, &arena, &r_post_model, post1,
	    "tags"), WK_DB_OK);
	wk_q_filter(&q, "name", wk_val_str("b"));
	assert_string_equal(names(&q, 1), "b");
}

static void
test_remove_set_clear(void **state)
{
	long long ab[] = { tag_a, tag_b }, bc[] = { tag_b, tag_c };
	long long nope[] = { tag_c, 999 };

	(void)state;
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tags", ab,
	    2), WK_DB_OK);
	/* removing a tag that is not linked is not an error */
	assert_int_equal(wk_m2m_remove(&arena, &r_post_model, post1, "tags",
	    nope, 1), WK_DB_OK);
	assert_int_equal(wk_m2m_remove(&arena, &r_post_model, post1, "tags",
	    ab, 1), WK_DB_OK);
	assert_string_equal(tags_of(post1), "b");
	assert_int_equal(wk_m2m_set(&arena, &r_post_model, post1, "tags", bc,
	    2), WK_DB_OK);
	assert_string_equal(tags_of(post1), "b,c");
	/* set with a missing row changes nothing */
	assert_int_equal(wk_m2m_set(&arena, &r_post_model, post1, "tags", nope,
	    2), WK_DB_NOT_FOUND);
	assert_non_null(strstr(wk_db_last_error(), "no r_tag with id 999"));
	assert_string_equal(tags_of(post1), "b,c");
	assert_int_equal(wk_m2m_set(&arena, &r_post_model, post1, "tags", ab,
	    1), WK_DB_OK);
	assert_string_equal(tags_of(post1), "a");
	assert_int_equal(wk_m2m_clear(&arena, &r_post_model, post1, "tags"),
	    WK_DB_OK);
	assert_string_equal(tags_of(post1), "");
	assert_int_equal(count_sql_links(), 0);
}

static void
test_failures(void **state)
{
	long long ids[] = { tag_a, 999 };
	struct wk_query q;

	(void)state;
	/* a missing far row: nothing is added, the error names it */
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tags", ids,
	    2), WK_DB_NOT_FOUND);
	assert_non_null(strstr(wk_db_last_error(), "999"));
	assert_int_equal(count_sql_links(), 0);
	/* a missing row of our own */
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, 4242, "tags", ids,
	    1), WK_DB_NOT_FOUND);
	assert_int_equal(wk_m2m_clear(&arena, &r_post_model, 4242, "tags"),
	    WK_DB_NOT_FOUND);
	/* names: unknown, a field, a reverse FK (no join table), none */
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tagz", ids,
	    1), WK_DB_INVALID);
	assert_non_null(strstr(wk_db_last_error(), "tagz"));
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "title", ids,
	    1), WK_DB_INVALID);
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "comments",
	    ids, 1), WK_DB_INVALID);
	assert_int_equal(wk_m2m_remove(&arena, &r_post_model, post1, NULL,
	    ids, 1), WK_DB_INVALID);
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tags", NULL,
	    1), WK_DB_INVALID);
	assert_int_equal(wk_q_related(&q, &arena, &r_post_model, post1,
	    "nope"), WK_DB_INVALID);
	assert_int_equal(wk_q_related(&q, &arena, &r_post_model, post1, NULL),
	    WK_DB_INVALID);
	/* the same sticky error when it runs */
	{
		void **rows;
		size_t n;
		assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_INVALID);
	}
	assert_int_equal(count_sql_links(), 0);
}

static void
test_cascade(void **state)
{
	long long ab[] = { tag_a, tag_b };

	(void)state;
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tags", ab,
	    2), WK_DB_OK);
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post2, "tags", ab,
	    1), WK_DB_OK);
	assert_int_equal(wk_orm_delete(&r_tag_model, tag_a), WK_DB_OK);
	assert_string_equal(tags_of(post1), "b");
	assert_string_equal(tags_of(post2), "");
	assert_int_equal(wk_orm_delete(&r_post_model, post1), WK_DB_OK);
	assert_int_equal(count_sql_links(), 0);
}

/* ---- lookups across relations ------------------------------------------------------- */

static void
link_all(void)
{
	long long ab[] = { tag_a, tag_b }, a[] = { tag_a };

	/* one: a, b; two: a; three: none.  Comments on one and three. */
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post1, "tags", ab,
	    2), WK_DB_OK);
	assert_int_equal(wk_m2m_add(&arena, &r_post_model, post2, "tags", a, 1),
	    WK_DB_OK);
	mk_comment(post1, "first!");
	mk_comment(post1, "nice post");
	mk_comment(post3, "nice too");
}

static void
test_lookups(void **state)
{
	struct wk_query q;
	long long n;

	(void)state;
	link_all();
	assert_string_equal(posts_where("tags__name", wk_val_str("a"), 0),
	    "one,two");
	assert_string_equal(posts_where("tags__name", wk_val_str("b"), 0),
	    "one");
	/* two tags of one match: still one row, and the count agrees */
	assert_string_equal(posts_where("tags__name__in", WK_LIST(
	    wk_val_str("a"), wk_val_str("b")), 0), "one,two");
	wk_q_init(&q, &arena, &r_post_model);
	wk_q_filter(&q, "tags__name__in", WK_LIST(wk_val_str("a"),
	    wk_val_str("b")));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(posts_where("tags", wk_val_int(tag_b), 0), "one");
	assert_string_equal(posts_where("tags__in", WK_LIST(wk_val_int(tag_b),
	    wk_val_int(tag_c)), 0), "one");
	assert_string_equal(posts_where("tags__name__startswith",
	    wk_val_str("c"), 0), "");
	assert_string_equal(posts_where("tags__isnull", wk_val_bool(1), 0),
	    "three");
	assert_string_equal(posts_where("tags__isnull", wk_val_bool(0), 0),
	    "one,two");
	/* exclude: no related row matches (the untagged post included) */
	assert_string_equal(posts_where("tags__name", wk_val_str("b"), 1),
	    "two,three");
	/* reverse M2M and reverse FK */
	wk_q_init(&q, &arena, &r_tag_model);
	wk_q_filter(&q, "posts__rank__gte", wk_val_int(1));
	wk_q_order_by(&q, "name");
	assert_string_equal(names(&q, 1), "a,b");
	wk_q_init(&q, &arena, &r_tag_model);
	wk_q_filter(&q, "posts__title", wk_val_str("two"));
	assert_string_equal(names(&q, 1), "a");
	assert_string_equal(posts_where("comments__body__contains",
	    wk_val_str("nice"), 0), "one,three");
	assert_string_equal(posts_where("comments__isnull", wk_val_bool(1), 0),
	    "two");
	/* mixed with plain conditions and an OR group */
	wk_q_init(&q, &arena, &r_post_model);
	wk_q_or(&q);
	wk_q_filter(&q, "tags__name", wk_val_str("b"));
	wk_q_filter(&q, "rank", wk_val_int(3));
	wk_q_end(&q);
	wk_q_order_by(&q, "-rank");
	assert_string_equal(names(&q, 0), "three,one");
	/* the related rows of one post: reverse FK */
	assert_int_equal(wk_q_related(&q, &arena, &r_post_model, post1,
	    "comments"), WK_DB_OK);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
}

static void
test_lookup_failures(void **state)
{
	struct wk_query q;
	void **rows;
	size_t n;

	(void)state;
	link_all();
	wk_q_init(&q, &arena, &r_post_model);
	assert_int_equal(wk_q_filter(&q, "tags__nope", wk_val_str("a")),
	    WK_DB_INVALID);
	assert_non_null(strstr(wk_db_last_error(), "nope"));
	wk_q_init(&q, &arena, &r_post_model);
	assert_int_equal(wk_q_filter(&q, "tagz__name", wk_val_str("a")),
	    WK_DB_INVALID);
	/* one step only */
	wk_q_init(&q, &arena, &r_tag_model);
	assert_int_equal(wk_q_filter(&q, "posts__comments__body",
	    wk_val_str("x")), WK_DB_INVALID);
	wk_q_init(&q, &arena, &r_post_model);
	assert_int_equal(wk_q_filter(&q, "comments__post__title",
	    wk_val_str("x")), WK_DB_INVALID);
	assert_non_null(strstr(wk_db_last_error(), "one step"));
	assert_int_equal(wk_q_list(&q, &rows, &n), WK_DB_INVALID);
	/* values must fit the far field */
	wk_q_init(&q, &arena, &r_post_model);
	assert_int_equal(wk_q_filter(&q, "tags", wk_val_str("x")),
	    WK_DB_INVALID);
	wk_q_init(&q, &arena, &r_post_model);
	assert_int_equal(wk_q_filter(&q, "tags__isnull", wk_val_str("x")),
	    WK_DB_INVALID);
}

static void
test_write_through_lookup(void **state)
{
	struct wk_query q;
	long long n = -1;

	(void)state;
	link_all();
	/* update and delete what a relation lookup matches */
	wk_q_init(&q, &arena, &r_post_model);
	wk_q_filter(&q, "tags__name", wk_val_str("a"));
	wk_q_set(&q, "rank", wk_val_int(9));
	assert_int_equal(wk_q_update(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(posts_where("rank", wk_val_int(9), 0), "one,two");
	wk_q_init(&q, &arena, &r_post_model);
	wk_q_filter(&q, "tags__name", wk_val_str("b"));
	assert_int_equal(wk_q_delete(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(posts_where("rank", wk_val_int(9), 0), "two");
}

/* ---- a model linked to itself; a through model -------------------------------------- */

static void
test_self_and_through(void **state)
{
	struct r_person p;
	struct r_club c;
	struct wk_query q;
	long long ann, bob, n;

	(void)state;
	assert_int_equal(wk_model_init(&r_person_model, &p), 0);
	p.name = "ann";
	assert_int_equal(wk_orm_create(&r_person_model, &p), WK_DB_OK);
	ann = p.id;
	p.name = "bob";
	assert_int_equal(wk_orm_create(&r_person_model, &p), WK_DB_OK);
	bob = p.id;
	/* ann follows bob: not symmetrical */
	assert_int_equal(wk_m2m_add(&arena, &r_person_model, ann, "follows",
	    &bob, 1), WK_DB_OK);
	assert_int_equal(wk_q_related(&q, &arena, &r_person_model, ann,
	    "follows"), WK_DB_OK);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_q_related(&q, &arena, &r_person_model, bob,
	    "follows"), WK_DB_OK);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(wk_q_related(&q, &arena, &r_person_model, bob,
	    "fans"), WK_DB_OK);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	wk_q_init(&q, &arena, &r_person_model);
	wk_q_filter(&q, "fans__name", wk_val_str("ann"));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);

	/* the through model's rows are the links, its default filled in */
	assert_int_equal(wk_model_init(&r_club_model, &c), 0);
	c.name = "chess";
	assert_int_equal(wk_orm_create(&r_club_model, &c), WK_DB_OK);
	assert_int_equal(wk_m2m_add(&arena, &r_club_model, c.id, "members",
	    &bob, 1), WK_DB_OK);
	assert_int_equal(wk_m2m_add(&arena, &r_person_model, ann, "clubs",
	    &c.id, 1), WK_DB_OK);
	assert_int_equal(wk_m2m_add(&arena, &r_person_model, ann, "clubs",
	    &c.id, 1), WK_DB_OK);
	wk_q_init(&q, &arena, &r_membership_model);
	wk_q_filter(&q, "role", wk_val_str("member"));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	wk_q_init(&q, &arena, &r_club_model);
	wk_q_filter(&q, "members__name", wk_val_str("bob"));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_m2m_clear(&arena, &r_club_model, c.id, "members"),
	    WK_DB_OK);
	wk_q_init(&q, &arena, &r_membership_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 0);
}

/* ---- declarations and migrations ----------------------------------------------------- */

static void
test_model_check(void **state)
{
	char out[2048];

	(void)state;
	assert_int_equal(r_post_model.nm2m, 1);
	assert_int_equal(r_post_model.nfields, 3);  /* id, title, rank */
	assert_int_equal(r_post__rank, 2);
	assert_string_equal(r_post_model.m2m[0].table, "r_post_tags");
	assert_int_equal(r_tag_model.nm2m, 0);
	if (wk_model_check(&r_post_model, out, sizeof(out)) != 0)
		fprintf(stderr, "%s", out);
	assert_int_equal(wk_model_check(&r_post_model, out, sizeof(out)), 0);
	assert_int_equal(wk_model_check(&r_club_model, out, sizeof(out)), 0);
	assert_int_equal(wk_model_check(&r_person_model, out, sizeof(out)), 0);
	assert_int_equal(wk_model_check(&r_bad_model, out, sizeof(out)), 4);
	assert_non_null(strstr(out, "r_bad.lands: many-to-many needs integer "
	    "primary keys on both models"));
	assert_non_null(strstr(out, "r_bad.pals: a .through model needs"));
	assert_non_null(strstr(out, "r_bad.title2: many-to-many field without "
	    ".to"));
	assert_non_null(strstr(out, "r_bad.bad__name: many-to-many name"));
}

static void
test_migrations(void **state)
{
	char buf[1024];
	FILE *f;
	int nd = -1;
	size_t len;

	(void)state;
	/* migrate made the join table (with its unique pair) */
	assert_int_equal(count_sql_links(), 0);
	assert_int_equal(wk_raw_exec(&arena, "INSERT INTO r_post_tags "
	    "(r_post_id, r_tag_id) VALUES (1, 1)", NULL, 0, NULL), WK_DB_OK);
	assert_int_equal(wk_raw_exec(&arena, "INSERT INTO r_post_tags "
	    "(r_post_id, r_tag_id) VALUES (1, 1)", NULL, 0, NULL),
	    WK_DB_CONSTRAINT);
	assert_int_equal(wk_migrate_diff(NULL, &nd), WK_DB_OK);
	assert_int_equal(nd, 0);
	/* a database from before the field: diffmodels proposes the step */
	assert_int_equal(wk_raw_exec(&arena, "DROP TABLE r_post_tags", NULL, 0,
	    NULL), WK_DB_OK);
	f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	assert_int_equal(wk_migrate_diff(f, &nd), WK_DB_OK);
	fclose(f);
	assert_int_equal(nd, 1);
	assert_non_null(strstr(buf, "r_post.tags: new many-to-many field; add "
	    "a step with WK_ADD_M2M(r_post_model, \"tags\")"));
	/* the app adds it: pending, it covers the change; migrate makes it */
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&r_schema2), 0);
	assert_int_equal(wk_migrate_diff(NULL, &nd), WK_DB_OK);
	assert_int_equal(nd, 0);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(count_sql_links(), 0);
	len = strlen(buf);
	assert_true(len > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_and_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_remove_set_clear, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cascade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_through_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_self_and_through, setup,
		    teardown),
		cmocka_unit_test(test_model_check),
		cmocka_unit_test_setup_teardown(test_migrations, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
