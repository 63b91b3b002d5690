/*
 * test_paginator.c - the paginator (src/views/paginator.c), with Django's
 * own cases (tests/pagination/tests.py of Django 3.2) as tables:
 * count / num_pages / page_range for every mix of orphans and
 * allow_empty_first_page, start and end indexes, invalid numbers,
 * get_page, the elided page range; then a list source (the page as a
 * sequence), a query source over SQLite (Django's ModelPaginationTests:
 * first and last page, rows by LIMIT/OFFSET), parsing ?page=, and the
 * template values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/template/template.h"
#include "wick/views/paginator.h"
#include "fixture/fixture.h"

/* ---- Django's test_paginator: (count, per_page, orphans, allow_empty) ->
 * (count, num_pages); page_range is 1..num_pages ---------------------------- */

struct pcase {
	long long count, per_page, orphans;
	int allow_empty;
	long long num_pages;
};

static const struct pcase pcases[] = {
	/* Ten items, varying orphans, no empty first page. */
	{ 10, 4, 0, 0, 3 }, { 10, 4, 1, 0, 3 }, { 10, 4, 2, 0, 2 },
	{ 10, 4, 5, 0, 2 }, { 10, 4, 6, 0, 1 },
	/* Ten items, varying orphans, allow empty first page. */
	{ 10, 4, 0, 1, 3 }, { 10, 4, 1, 1, 3 }, { 10, 4, 2, 1, 2 },
	{ 10, 4, 5, 1, 2 }, { 10, 4, 6, 1, 1 },
	/* One item, varying orphans, either. */
	{ 1, 4, 0, 0, 1 }, { 1, 4, 1, 0, 1 }, { 1, 4, 2, 0, 1 },
	{ 1, 4, 0, 1, 1 }, { 1, 4, 1, 1, 1 }, { 1, 4, 2, 1, 1 },
	/* Zero items, varying orphans, no empty first page. */
	{ 0, 4, 0, 0, 0 }, { 0, 4, 1, 0, 0 }, { 0, 4, 2, 0, 0 },
	/* Zero items, varying orphans, allow empty first page. */
	{ 0, 4, 0, 1, 1 }, { 0, 4, 1, 1, 1 }, { 0, 4, 2, 1, 1 },
	/* Number of items one less than per_page. */
	{ 0, 1, 0, 1, 1 }, { 0, 1, 0, 0, 0 }, { 1, 2, 0, 1, 1 },
	{ 9, 10, 0, 1, 1 },
	/* Number of items equal to per_page. */
	{ 1, 1, 0, 1, 1 }, { 2, 2, 0, 1, 1 }, { 10, 10, 0, 1, 1 },
	/* Number of items one more than per_page. */
	{ 2, 1, 0, 1, 2 }, { 3, 2, 0, 1, 2 }, { 11, 10, 0, 1, 2 },
	/* ... with one orphan. */
	{ 2, 1, 1, 1, 1 }, { 3, 2, 1, 1, 1 }, { 11, 10, 1, 1, 1 },
};

static void
test_django_paginator_table(void **state)
{
	struct wk_paginator p;
	struct wk_value v, range, item;
	wk_arena a;
	size_t i, n;
	long long k;

	(void)state;
	wk_arena_init(&a);
	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct pcase *c = &pcases[i];
		assert_int_equal(wk_paginator_init(&p, c->count, c->per_page,
		    c->orphans, c->allow_empty), 0);
		if (p.count != c->count || p.num_pages != c->num_pages)
			fail_msg("case %zu: count %lld pages %lld, expected "
			    "%lld %lld", i, p.count, p.num_pages, c->count,
			    c->num_pages);
		/* page_range, as templates see it */
		v = wk_paginator_value(&a, &p);
		assert_int_equal(wk_value_attr(&v, "page_range", 10, &a,
		    &range), 0);
		assert_int_equal(wk_value_len(&range, &n), 0);
		assert_int_equal((long long)n, c->num_pages);
		for (k = 0; k < c->num_pages; k++) {
			assert_int_equal(wk_value_item(&range, (size_t)k, &a,
			    &item), 0);
			assert_int_equal(item.u.i, k + 1);
		}
		assert_int_equal(wk_value_item(&range, (size_t)k, &a, &item),
		    1);
	}
	wk_arena_free(&a);
}

static void
test_bad_arguments(void **state)
{
	struct wk_paginator p;

	(void)state;
	assert_int_equal(wk_paginator_init(&p, 10, 0, 0, 1), -1);
	assert_int_equal(wk_paginator_init(&p, 10, -4, 0, 1), -1);
	assert_int_equal(wk_paginator_init(&p, 10, 4, -1, 1), -1);
	assert_int_equal(wk_paginator_init(&p, -1, 4, 0, 1), -1);
	assert_int_equal(p.num_pages, 0);
	assert_int_equal(wk_paginator_init_list(&p, NULL, 4, 0, 1), -1);
}

/* Django's test_invalid_page_number, test_no_content_allow_empty_first_page */
static void
test_invalid_page_number(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;
	long long n;

	(void)state;
	assert_int_equal(wk_paginator_init(&p, 3, 2, 0, 1), 0);
	assert_int_equal(wk_paginator_page(&p, 3, &pg), WK_PAGE_NO_RESULTS);
	assert_null(pg.paginator);
	assert_int_equal(wk_paginator_page(&p, 0, &pg), WK_PAGE_LESS_THAN_ONE);
	assert_int_equal(wk_paginator_page(&p, -1, &pg),
	    WK_PAGE_LESS_THAN_ONE);
	assert_int_equal(wk_paginator_parse(&p, "x", &n),
	    WK_PAGE_NOT_AN_INTEGER);
	assert_int_equal(wk_paginator_parse(&p, "1.2", &n),
	    WK_PAGE_NOT_AN_INTEGER);
	/* Django's validate_number(1.0) is 1, but the list view's int("1.0")
	 * fails: a query string is text, so Wick follows the view */
	assert_int_equal(wk_paginator_parse(&p, "1.0", &n),
	    WK_PAGE_NOT_AN_INTEGER);
	assert_string_equal(wk_page_status_message(WK_PAGE_NOT_AN_INTEGER),
	    "That page number is not an integer");
	assert_string_equal(wk_page_status_message(WK_PAGE_LESS_THAN_ONE),
	    "That page number is less than 1");
	assert_string_equal(wk_page_status_message(WK_PAGE_NO_RESULTS),
	    "That page contains no results");
	/* no content, allow_empty_first_page: 1 is a page */
	assert_int_equal(wk_paginator_init(&p, 0, 2, 0, 1), 0);
	assert_int_equal(wk_paginator_validate(&p, 1), WK_PAGE_OK);
	assert_int_equal(wk_paginator_validate(&p, 2), WK_PAGE_NO_RESULTS);
	assert_int_equal(wk_paginator_init(&p, 0, 2, 0, 0), 0);
	assert_int_equal(wk_paginator_validate(&p, 1), WK_PAGE_NO_RESULTS);
}

/* Python's int() as the list view applies it, and "last". */
static void
test_parse(void **state)
{
	static const struct {
		const char *s;
		enum wk_page_status st;
		long long n;
	} t[] = {
		{ NULL, WK_PAGE_OK, 1 }, { "", WK_PAGE_OK, 1 },
		{ "1", WK_PAGE_OK, 1 }, { "42", WK_PAGE_OK, 42 },
		{ " 7 ", WK_PAGE_OK, 7 }, { "+3", WK_PAGE_OK, 3 },
		{ "-2", WK_PAGE_OK, -2 }, { "007", WK_PAGE_OK, 7 },
		{ "last", WK_PAGE_OK, 5 },
		{ "99999999999999999999999", WK_PAGE_OK, LLONG_MAX },
		{ "-99999999999999999999999", WK_PAGE_OK, LLONG_MIN },
		{ "9223372036854775807", WK_PAGE_OK, LLONG_MAX },
		{ "-9223372036854775808", WK_PAGE_OK, LLONG_MIN },
		{ "Last", WK_PAGE_NOT_AN_INTEGER, 1 },
		{ "first", WK_PAGE_NOT_AN_INTEGER, 1 },
		{ "1e3", WK_PAGE_NOT_AN_INTEGER, 1 },
		{ "0x10", WK_PAGE_NOT_AN_INTEGER, 1 },
		{ "-", WK_PAGE_NOT_AN_INTEGER, 1 },
		{ " ", WK_PAGE_NOT_AN_INTEGER, 1 },
		{ "2 2", WK_PAGE_NOT_AN_INTEGER, 1 },
		{ "3;", WK_PAGE_NOT_AN_INTEGER, 1 },
	};
	struct wk_paginator p;
	struct wk_page pg;
	size_t i;
	long long n;

	(void)state;
	assert_int_equal(wk_paginator_init(&p, 50, 10, 0, 1), 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = 1;
		if (wk_paginator_parse(&p, t[i].s, &n) != t[i].st ||
		    (t[i].st == WK_PAGE_OK && n != t[i].n))
			fail_msg("parse '%s': %lld", t[i].s ? t[i].s : "NULL",
			    n);
	}
	/* huge numbers are past the end, not a crash */
	assert_int_equal(wk_paginator_parse(&p, "99999999999999999999", &n),
	    WK_PAGE_OK);
	assert_int_equal(wk_paginator_page(&p, n, &pg), WK_PAGE_NO_RESULTS);
	assert_int_equal(wk_paginator_page(&p, LLONG_MIN, &pg),
	    WK_PAGE_LESS_THAN_ONE);
	/* "last" of an empty paginator without pages is 0: not a page */
	assert_int_equal(wk_paginator_init(&p, 0, 10, 0, 0), 0);
	assert_int_equal(wk_paginator_parse(&p, "last", &n), WK_PAGE_OK);
	assert_int_equal(wk_paginator_page(&p, n, &pg), WK_PAGE_LESS_THAN_ONE);
}

/* Django's test_paginate_misc_classes: anything with a count. */
static void
test_count_source(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;

	(void)state;
	assert_int_equal(wk_paginator_init(&p, 42, 10, 0, 1), 0);
	assert_int_equal(p.count, 42);
	assert_int_equal(p.num_pages, 5);
	assert_int_equal(wk_paginator_page(&p, 5, &pg), WK_PAGE_OK);
	assert_int_equal(pg.bottom, 40);
	assert_int_equal(pg.top, 42);
	assert_int_equal(wk_page_len(&pg), 2);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);  /* nothing to fetch */
}

/* ---- Django's test_page_indexes: (count, per_page, orphans, allow_empty)
 * -> first page (start, end), last page (start, end) -------------------------- */

struct icase {
	long long count, per_page, orphans;
	int allow_empty;
	long long fs, fe, ls, le;
};

static const struct icase icases[] = {
	/* Ten items, varying per_page, no orphans. */
	{ 10, 1, 0, 1, 1, 1, 10, 10 }, { 10, 2, 0, 1, 1, 2, 9, 10 },
	{ 10, 3, 0, 1, 1, 3, 10, 10 }, { 10, 5, 0, 1, 1, 5, 6, 10 },
	/* Ten items, varying per_page, with orphans. */
	{ 10, 1, 1, 1, 1, 1, 9, 10 }, { 10, 1, 2, 1, 1, 1, 8, 10 },
	{ 10, 3, 1, 1, 1, 3, 7, 10 }, { 10, 3, 2, 1, 1, 3, 7, 10 },
	{ 10, 3, 4, 1, 1, 3, 4, 10 }, { 10, 5, 1, 1, 1, 5, 6, 10 },
	{ 10, 5, 2, 1, 1, 5, 6, 10 }, { 10, 5, 5, 1, 1, 10, 1, 10 },
	/* One item, varying orphans, either. */
	{ 1, 4, 0, 0, 1, 1, 1, 1 }, { 1, 4, 1, 0, 1, 1, 1, 1 },
	{ 1, 4, 2, 0, 1, 1, 1, 1 }, { 1, 4, 0, 1, 1, 1, 1, 1 },
	{ 1, 4, 1, 1, 1, 1, 1, 1 }, { 1, 4, 2, 1, 1, 1, 1, 1 },
	/* Zero items, varying orphans, allow empty first page. */
	{ 0, 4, 0, 1, 0, 0, 0, 0 }, { 0, 4, 1, 1, 0, 0, 0, 0 },
	{ 0, 4, 2, 1, 0, 0, 0, 0 },
};

static void
test_django_page_indexes(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(icases) / sizeof(icases[0]); i++) {
		const struct icase *c = &icases[i];
		assert_int_equal(wk_paginator_init(&p, c->count, c->per_page,
		    c->orphans, c->allow_empty), 0);
		assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_OK);
		if (wk_page_start_index(&pg) != c->fs ||
		    wk_page_end_index(&pg) != c->fe)
			fail_msg("case %zu first page: %lld-%lld", i,
			    wk_page_start_index(&pg), wk_page_end_index(&pg));
		assert_int_equal(wk_paginator_page(&p, p.num_pages, &pg),
		    WK_PAGE_OK);
		if (wk_page_start_index(&pg) != c->ls ||
		    wk_page_end_index(&pg) != c->le)
			fail_msg("case %zu last page: %lld-%lld", i,
			    wk_page_start_index(&pg), wk_page_end_index(&pg));
		/* the page's slice agrees with its indexes */
		if (c->count > 0)
			assert_int_equal(pg.top - pg.bottom,
			    c->le - c->ls + 1);
	}
	/* no items and no empty first page: page 1 is EmptyPage */
	assert_int_equal(wk_paginator_init(&p, 0, 4, 0, 0), 0);
	assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_NO_RESULTS);
	assert_int_equal(wk_paginator_init(&p, 0, 4, 1, 0), 0);
	assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_NO_RESULTS);
	assert_int_equal(wk_paginator_init(&p, 0, 4, 2, 0), 0);
	assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_NO_RESULTS);
}

/* A list of one-letter strings. */
static struct wk_list *
letters(wk_arena *a, const char *s)
{
	struct wk_list *l = wk_list_new(a);

	assert_non_null(l);
	for (; *s != '\0'; s++)
		assert_int_equal(wk_list_push(a, l, wk_val_strn(s, 1)), 0);
	return l;
}

/* The page's objects joined, as ''.join(page) (forward) or reversed. */
static const char *
joined(wk_arena *a, const struct wk_page *pg, int backwards)
{
	static char out[64];
	struct wk_value v = wk_page_value(a, pg), item;
	size_t n, i, k = 0;

	assert_int_equal(wk_value_len(&v, &n), 0);
	for (i = 0; i < n && k + 1 < sizeof(out); i++) {
		assert_int_equal(wk_value_item(&v, backwards ? n - 1 - i : i,
		    a, &item), 0);
		out[k++] = item.u.s.p[0];
	}
	out[k] = '\0';
	assert_int_equal(wk_value_item(&v, n, a, &item), 1);
	return out;
}

/* Django's test_page_sequence and test_paginator_iteration. */
static void
test_page_sequence(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;
	struct wk_value v, needle;
	wk_arena a;
	struct wk_list *l;

	(void)state;
	wk_arena_init(&a);
	l = letters(&a, "abcdefghijk");
	assert_int_equal(wk_paginator_init_list(&p, l, 5, 1, 1), 0);
	assert_int_equal(wk_paginator_page(&p, 2, &pg), WK_PAGE_OK);
	assert_int_equal(pg.slice.len, 6);
	v = wk_page_value(&a, &pg);
	needle = wk_val_str("k");
	assert_int_equal(wk_value_contains(&v, &needle, &a), 1);
	needle = wk_val_str("a");
	assert_int_equal(wk_value_contains(&v, &needle, &a), 0);
	assert_string_equal(joined(&a, &pg, 0), "fghijk");
	assert_string_equal(joined(&a, &pg, 1), "kjihgf");

	/* iteration: [1, 2], [3] */
	l = letters(&a, "123");
	assert_int_equal(wk_paginator_init_list(&p, l, 2, 0, 1), 0);
	assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_OK);
	assert_string_equal(joined(&a, &pg, 0), "12");
	assert_int_equal(wk_paginator_page(&p, 2, &pg), WK_PAGE_OK);
	assert_string_equal(joined(&a, &pg, 0), "3");
	wk_arena_free(&a);
}

/* Django's test_get_page_hook idea, with the plain page: neighbours. */
static void
test_neighbours(void **state)
{
	struct wk_paginator p;
	struct wk_page p1, p2;
	long long n;

	(void)state;
	assert_int_equal(wk_paginator_init(&p, 11, 6, 0, 1), 0);
	assert_int_equal(wk_paginator_page(&p, 1, &p1), WK_PAGE_OK);
	assert_int_equal(wk_paginator_page(&p, 2, &p2), WK_PAGE_OK);
	assert_int_equal(wk_page_previous_number(&p1, &n),
	    WK_PAGE_LESS_THAN_ONE);
	assert_int_equal(wk_page_next_number(&p1, &n), WK_PAGE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(wk_page_previous_number(&p2, &n), WK_PAGE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_page_next_number(&p2, &n), WK_PAGE_NO_RESULTS);
	assert_true(wk_page_has_next(&p1));
	assert_false(wk_page_has_previous(&p1));
	assert_true(wk_page_has_other_pages(&p1));
	assert_false(wk_page_has_next(&p2));
	assert_true(wk_page_has_previous(&p2));
	/* one page: no other pages */
	assert_int_equal(wk_paginator_init(&p, 3, 6, 0, 1), 0);
	assert_int_equal(wk_paginator_page(&p, 1, &p1), WK_PAGE_OK);
	assert_false(wk_page_has_other_pages(&p1));
}

/* Django's test_get_page, ..._empty_object_list, ..._allow_empty_false */
static void
test_get_page(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;
	wk_arena a;
	struct wk_list *l;

	(void)state;
	wk_arena_init(&a);
	l = letters(&a, "123");
	assert_int_equal(wk_paginator_init_list(&p, l, 2, 0, 1), 0);
	assert_int_equal(wk_paginator_get_page(&p, "1", &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 1);
	assert_string_equal(joined(&a, &pg, 0), "12");
	/* an empty page gives the last page */
	assert_int_equal(wk_paginator_get_page(&p, "3", &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 2);
	assert_int_equal(wk_paginator_get_page(&p, "-5", &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 2);
	/* a non-integer gives the first */
	assert_int_equal(wk_paginator_get_page(&p, NULL, &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 1);
	assert_int_equal(wk_paginator_get_page(&p, "x", &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 1);

	l = wk_list_new(&a);
	assert_int_equal(wk_paginator_init_list(&p, l, 2, 0, 1), 0);
	assert_int_equal(wk_paginator_get_page(&p, "1", &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 1);
	assert_int_equal(wk_paginator_get_page(&p, "2", &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 1);
	assert_int_equal(wk_paginator_get_page(&p, NULL, &pg), WK_PAGE_OK);
	assert_int_equal(pg.number, 1);
	assert_string_equal(joined(&a, &pg, 0), "");

	assert_int_equal(wk_paginator_init_list(&p, l, 2, 0, 0), 0);
	assert_int_equal(wk_paginator_get_page(&p, "1", &pg),
	    WK_PAGE_NO_RESULTS);
	wk_arena_free(&a);
}

/* ---- Django's test_get_elided_page_range ----------------------------------- */

#define E WK_PAGE_ELLIPSIS
#define END (-1)

struct ecase {
	long long number, each, ends;
	long long want[16];   /* END-terminated */
};

static const struct ecase ecases[] = {
	/* on_each_side=3, on_ends=2 (the defaults) */
	{ 1, 3, 2, { 1, 2, 3, 4, E, 49, 50, END } },
	{ 6, 3, 2, { 1, 2, 3, 4, 5, 6, 7, 8, 9, E, 49, 50, END } },
	{ 7, 3, 2, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, E, 49, 50, END } },
	{ 8, 3, 2, { 1, 2, E, 5, 6, 7, 8, 9, 10, 11, E, 49, 50, END } },
	{ 43, 3, 2, { 1, 2, E, 40, 41, 42, 43, 44, 45, 46, E, 49, 50, END } },
	{ 44, 3, 2, { 1, 2, E, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
	    END } },
	{ 45, 3, 2, { 1, 2, E, 42, 43, 44, 45, 46, 47, 48, 49, 50, END } },
	{ 50, 3, 2, { 1, 2, E, 47, 48, 49, 50, END } },
	/* on_each_side=2, on_ends=1 */
	{ 1, 2, 1, { 1, 2, 3, E, 50, END } },
	{ 4, 2, 1, { 1, 2, 3, 4, 5, 6, E, 50, END } },
	{ 5, 2, 1, { 1, 2, 3, 4, 5, 6, 7, E, 50, END } },
	{ 6, 2, 1, { 1, E, 4, 5, 6, 7, 8, E, 50, END } },
	{ 45, 2, 1, { 1, E, 43, 44, 45, 46, 47, E, 50, END } },
	{ 46, 2, 1, { 1, E, 44, 45, 46, 47, 48, 49, 50, END } },
	{ 47, 2, 1, { 1, E, 45, 46, 47, 48, 49, 50, END } },
	{ 50, 2, 1, { 1, E, 48, 49, 50, END } },
	/* on_each_side=1, on_ends=3 */
	{ 1, 1, 3, { 1, 2, E, 48, 49, 50, END } },
	{ 5, 1, 3, { 1, 2, 3, 4, 5, 6, E, 48, 49, 50, END } },
	{ 6, 1, 3, { 1, 2, 3, 4, 5, 6, 7, E, 48, 49, 50, END } },
	{ 7, 1, 3, { 1, 2, 3, E, 6, 7, 8, E, 48, 49, 50, END } },
	{ 44, 1, 3, { 1, 2, 3, E, 43, 44, 45, E, 48, 49, 50, END } },
	{ 45, 1, 3, { 1, 2, 3, E, 44, 45, 46, 47, 48, 49, 50, END } },
	{ 46, 1, 3, { 1, 2, 3, E, 45, 46, 47, 48, 49, 50, END } },
	{ 50, 1, 3, { 1, 2, 3, E, 49, 50, END } },
	/* on_each_side=4, on_ends=0 */
	{ 1, 4, 0, { 1, 2, 3, 4, 5, E, END } },
	{ 5, 4, 0, { 1, 2, 3, 4, 5, 6, 7, 8, 9, E, END } },
	{ 6, 4, 0, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, E, END } },
	{ 7, 4, 0, { E, 3, 4, 5, 6, 7, 8, 9, 10, 11, E, END } },
	{ 44, 4, 0, { E, 40, 41, 42, 43, 44, 45, 46, 47, 48, E, END } },
	{ 45, 4, 0, { E, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, END } },
	{ 46, 4, 0, { E, 42, 43, 44, 45, 46, 47, 48, 49, 50, END } },
	{ 50, 4, 0, { E, 46, 47, 48, 49, 50, END } },
	/* on_each_side=0, on_ends=1 */
	{ 1, 0, 1, { 1, E, 50, END } },
	{ 2, 0, 1, { 1, 2, E, 50, END } },
	{ 3, 0, 1, { 1, 2, 3, E, 50, END } },
	{ 4, 0, 1, { 1, E, 4, E, 50, END } },
	{ 47, 0, 1, { 1, E, 47, E, 50, END } },
	{ 48, 0, 1, { 1, E, 48, 49, 50, END } },
	{ 49, 0, 1, { 1, E, 49, 50, END } },
	{ 50, 0, 1, { 1, E, 50, END } },
	/* on_each_side=0, on_ends=0 */
	{ 1, 0, 0, { 1, E, END } },
	{ 2, 0, 0, { 1, 2, E, END } },
	{ 3, 0, 0, { E, 3, E, END } },
	{ 48, 0, 0, { E, 48, E, END } },
	{ 49, 0, 0, { E, 49, 50, END } },
	{ 50, 0, 0, { E, 50, END } },
};

/* 1 when the range holds an ellipsis. */
static int
elided(const struct wk_paginator *p, long long number, long long each,
    long long ends)
{
	long long out[64];
	size_t n, i;

	assert_int_equal(wk_paginator_elided_range(p, number, each, ends, out,
	    64, &n), WK_PAGE_OK);
	for (i = 0; i < n; i++)
		if (out[i] == E)
			return 1;
	return 0;
}

static void
test_django_elided_page_range(void **state)
{
	/* Range is not elided if not enough pages when using custom
	 * arguments: (pages, on_each_side, on_ends, elided_after) */
	static const long long plain[][4] = {
		{ 6, 2, 1, 1 }, { 8, 1, 3, 1 }, { 8, 4, 0, 1 }, { 4, 1, 1, 1 },
		{ 2, 0, 1, 2 }, { 2, 1, 0, 2 }, { 1, 0, 0, 2 },
	};
	struct wk_paginator p;
	long long out[64];
	size_t i, n, k;
	long long off;

	(void)state;
	/* not elided with the defaults up to 10 pages, elided after */
	assert_int_equal(wk_paginator_init(&p, 10 * 100, 100, 0, 1), 0);
	assert_false(elided(&p, 1, 3, 2));
	assert_int_equal(wk_paginator_init(&p, 10 * 100 + 1, 100, 0, 1), 0);
	assert_true(elided(&p, 1, 3, 2));
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		for (off = 0; off <= plain[i][3]; off++) {
			assert_int_equal(wk_paginator_init(&p, (plain[i][0] +
			    off) * 100, 100, 0, 1), 0);
			assert_int_equal(elided(&p, 1, plain[i][1],
			    plain[i][2]), off >= plain[i][3]);
		}
	}
	assert_int_equal(wk_paginator_init(&p, 5000, 100, 0, 1), 0);
	for (i = 0; i < sizeof(ecases) / sizeof(ecases[0]); i++) {
		const struct ecase *c = &ecases[i];
		assert_int_equal(wk_paginator_elided_range(&p, c->number,
		    c->each, c->ends, out, WK_PAGE_ELIDED_MAX(c->each,
		    c->ends), &n), WK_PAGE_OK);
		for (k = 0; c->want[k] != END; k++)
			if (k >= n || out[k] != c->want[k])
				fail_msg("case %zu (page %lld, %lld, %lld): item "
				    "%zu", i, c->number, c->each, c->ends, k);
		assert_int_equal(n, k);
	}
	/* validate_number is applied; a short buffer is refused */
	assert_int_equal(wk_paginator_elided_range(&p, 51, 3, 2, out, 64, &n),
	    WK_PAGE_NO_RESULTS);
	assert_int_equal(wk_paginator_elided_range(&p, 0, 3, 2, out, 64, &n),
	    WK_PAGE_LESS_THAN_ONE);
	assert_int_equal(wk_paginator_elided_range(&p, 5, 3, 2, out, 5, &n),
	    WK_PAGE_NO_RESULTS);
	assert_int_equal(n, 0);
	assert_int_equal(wk_paginator_elided_range(&p, 5, -1, 2, out, 64, &n),
	    WK_PAGE_NO_RESULTS);
}

/* ---- a query source: Django's ModelPaginationTests ----------------------------- */

static char tmpdir[64];

static int
db_setup(void **state)
{
	char path[128];
	wk_arena a;
	int i;

	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wick-paginator-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.sqlite3", tmpdir);
	assert_int_equal(wk_db_set_path(path), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	wk_arena_init(&a);
	for (i = 1; i <= 9; i++) {
		struct fixture_note n;
		assert_int_equal(wk_model_init(&fixture_note_model, &n), 0);
		n.title = wk_arena_printf(&a, "Article %d", i);
		n.slug = wk_arena_printf(&a, "article-%d", i);
		assert_int_equal(wk_orm_create(&fixture_note_model, &n),
		    WK_DB_OK);
		assert_int_equal(n.id, i);
	}
	wk_arena_free(&a);
	return 0;
}

static int
db_teardown(void **state)
{
	char cmd[160];

	(void)state;
	wk_db_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
check_rows(const struct wk_page *pg, long long first, size_t n)
{
	size_t i;

	assert_int_equal(pg->nrows, n);
	for (i = 0; i < n; i++)
		assert_int_equal(((struct fixture_note *)pg->rows[i])->id,
		    first + (long long)i);
}

static void
test_query_first_and_last_page(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;
	struct wk_query q;
	wk_arena a;
	wk_buf b;
	long long n;

	(void)state;
	wk_arena_init(&a);
	wk_q_init(&q, &a, &fixture_note_model);
	wk_q_order_by(&q, "id");
	assert_int_equal(wk_paginator_init_query(&p, &q, 5, 0, 1), WK_DB_OK);
	assert_int_equal(p.count, 9);
	assert_int_equal(p.num_pages, 2);
	assert_ptr_equal(p.query, &q);

	assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_OK);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);
	wk_buf_init(&b, &a);
	{
		struct wk_value v = wk_page_value(&a, &pg);
		assert_int_equal(wk_value_write(&v, &b), 0);
		assert_string_equal(wk_buf_cstr(&b), "<Page 1 of 2>");
	}
	check_rows(&pg, 1, 5);
	assert_true(wk_page_has_next(&pg));
	assert_false(wk_page_has_previous(&pg));
	assert_true(wk_page_has_other_pages(&pg));
	assert_int_equal(wk_page_next_number(&pg, &n), WK_PAGE_OK);
	assert_int_equal(n, 2);
	assert_int_not_equal(wk_page_previous_number(&pg, &n), WK_PAGE_OK);
	assert_int_equal(wk_page_start_index(&pg), 1);
	assert_int_equal(wk_page_end_index(&pg), 5);

	/* the same query serves the next page */
	assert_int_equal(wk_paginator_page(&p, 2, &pg), WK_PAGE_OK);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);
	check_rows(&pg, 6, 4);
	assert_false(wk_page_has_next(&pg));
	assert_true(wk_page_has_previous(&pg));
	assert_int_not_equal(wk_page_next_number(&pg, &n), WK_PAGE_OK);
	assert_int_equal(wk_page_previous_number(&pg, &n), WK_PAGE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_page_start_index(&pg), 6);
	assert_int_equal(wk_page_end_index(&pg), 9);
	/* and the first again, after the second set a limit */
	assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_OK);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);
	check_rows(&pg, 1, 5);
	wk_arena_free(&a);
}

static void
test_query_filtered_orphans_and_errors(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;
	struct wk_query q;
	wk_arena a;

	(void)state;
	wk_arena_init(&a);
	/* ids 3..9 descending, 3 a page with 1 orphan: 9 8 7 | 6 5 4 3 */
	wk_q_init(&q, &a, &fixture_note_model);
	wk_q_filter(&q, "id__gte", wk_val_int(3));
	wk_q_order_by(&q, "-id");
	assert_int_equal(wk_paginator_init_query(&p, &q, 3, 1, 1), WK_DB_OK);
	assert_int_equal(p.count, 7);
	assert_int_equal(p.num_pages, 2);
	assert_int_equal(wk_paginator_page(&p, 2, &pg), WK_PAGE_OK);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);
	assert_int_equal(pg.nrows, 4);
	assert_int_equal(((struct fixture_note *)pg.rows[0])->id, 6);
	assert_int_equal(((struct fixture_note *)pg.rows[3])->id, 3);

	/* nothing matches: one empty page, no query for its rows */
	wk_q_init(&q, &a, &fixture_note_model);
	wk_q_filter(&q, "title", wk_val_str("nothing"));
	assert_int_equal(wk_paginator_init_query(&p, &q, 3, 0, 1), WK_DB_OK);
	assert_int_equal(p.num_pages, 1);
	assert_int_equal(wk_paginator_page(&p, 1, &pg), WK_PAGE_OK);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);
	assert_int_equal(pg.nrows, 0);

	/* a query with a limit of its own, bad arguments, a failed query */
	wk_q_init(&q, &a, &fixture_note_model);
	wk_q_limit(&q, 2, 0);
	assert_int_equal(wk_paginator_init_query(&p, &q, 3, 0, 1),
	    WK_DB_INVALID);
	wk_q_init(&q, &a, &fixture_note_model);
	assert_int_equal(wk_paginator_init_query(&p, &q, 0, 0, 1),
	    WK_DB_INVALID);
	wk_q_init(&q, &a, &fixture_note_model);
	wk_q_filter(&q, "nosuchfield", wk_val_int(1));
	assert_int_equal(wk_paginator_init_query(&p, &q, 3, 0, 1),
	    WK_DB_INVALID);
	assert_null(p.query);
	wk_arena_free(&a);
}

/* ---- in a template ------------------------------------------------------------ */

static const char *
render(wk_arena *a, const char *src, const struct wk_map *ctx)
{
	struct wk_template *t;
	struct wk_template_error err;
	struct wk_render_env env = { .arena = a };
	wk_buf out;

	wk_buf_init(&out, a);
	if (wk_template_parse(a, "t", src, strlen(src), 0, &t, &err) != 0)
		fail_msg("%s", err.message);
	if (wk_template_render(t, &env, ctx, &out, &err) != 0)
		fail_msg("%s", err.message);
	return wk_buf_cstr(&out);
}

static void
test_template_values(void **state)
{
	struct wk_paginator p;
	struct wk_page pg;
	struct wk_query q;
	struct wk_map *ctx;
	wk_arena a;

	(void)state;
	wk_arena_init(&a);
	wk_q_init(&q, &a, &fixture_note_model);
	wk_q_order_by(&q, "id");
	assert_int_equal(wk_paginator_init_query(&p, &q, 4, 0, 1), WK_DB_OK);
	assert_int_equal(wk_paginator_page(&p, 2, &pg), WK_PAGE_OK);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);
	ctx = wk_map_new(&a);
	wk_map_set(&a, ctx, "page_obj", wk_page_value(&a, &pg));
	wk_map_set(&a, ctx, "paginator", wk_paginator_value(&a, &p));
	assert_string_equal(render(&a,
	    "{{ page_obj }} {{ page_obj.number }}/{{ paginator.num_pages }} "
	    "{{ paginator.count }} {{ paginator.per_page }} "
	    "{{ paginator.orphans }} {{ paginator.allow_empty_first_page }} "
	    "{{ page_obj.has_next }} {{ page_obj.has_previous }} "
	    "{{ page_obj.has_other_pages }} {{ page_obj.next_page_number }} "
	    "{{ page_obj.previous_page_number }} {{ page_obj.start_index }}-"
	    "{{ page_obj.end_index }} "
	    "{% for n in page_obj %}{{ n.slug }},{% endfor %} "
	    "{% for n in page_obj.object_list %}{{ n.pk }}{% endfor %} "
	    "{{ page_obj|length }} {{ page_obj.paginator.num_pages }} "
	    "{% for i in paginator.page_range %}{{ i }}{% endfor %} "
	    "{{ paginator.page_range|length }}", ctx),
	    "&lt;Page 2 of 3&gt; 2/3 9 4 0 True True True True 3 1 5-8 "
	    "article-5,article-6,article-7,article-8, 5678 4 3 123 3");
	/* on the last page there is no next number: it renders "" */
	assert_int_equal(wk_paginator_page(&p, 3, &pg), WK_PAGE_OK);
	assert_int_equal(wk_page_fetch(&pg), WK_DB_OK);
	assert_string_equal(render(&a, "[{{ page_obj.next_page_number }}]"
	    "[{{ page_obj.nothing }}]{{ page_obj.end_index }}", ctx),
	    "[][]9");
	wk_arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_django_paginator_table),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_invalid_page_number),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_count_source),
		cmocka_unit_test(test_django_page_indexes),
		cmocka_unit_test(test_page_sequence),
		cmocka_unit_test(test_neighbours),
		cmocka_unit_test(test_get_page),
		cmocka_unit_test(test_django_elided_page_range),
	};
	const struct CMUnitTest db[] = {
		cmocka_unit_test(test_query_first_and_last_page),
		cmocka_unit_test(test_query_filtered_orphans_and_errors),
		cmocka_unit_test(test_template_values),
	};
	int failed;

	failed = cmocka_run_group_tests_name("paginator", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("paginator_query", db,
	    db_setup, db_teardown);
	return failed;
}
