/*
 * paginator.h - split a list of objects into numbered pages (Django's
 * django.core.paginator: Paginator and Page).
 *
 * A paginator is arithmetic over a count: per_page objects a page, the
 * last page taking up to `orphans` more rather than leaving them alone on
 * a page of their own, and (allow_empty_first_page) one empty page when
 * there is nothing at all.  Pages are numbered from 1.  The objects come
 * from one of three sources:
 *
 *   - an ORM query (wk_paginator_init_query): one COUNT when the
 *     paginator is made, then, per page, the query itself with LIMIT and
 *     OFFSET (wk_page_fetch): two statements, whatever the table's size;
 *   - a template list (wk_paginator_init_list): a page's objects are a
 *     slice of the list, nothing copied;
 *   - anything else, by count (wk_paginator_init): a page says which
 *     indices it covers, [page.bottom, page.top), and the caller slices
 *     its own array.
 *
 *   struct wk_paginator p;
 *   struct wk_page pg;
 *   long long n;
 *
 *   wk_q_init(&q, req->arena, &blog_post_model);
 *   wk_q_order_by(&q, "-created");
 *   if ((st = wk_paginator_init_query(&p, &q, 20, 0, 1)) != WK_DB_OK)
 *       return wk_db_respond(req, resp, st, 0);
 *   if (wk_paginator_parse(&p, wk_request_get(req, "page"), &n) !=
 *       WK_PAGE_OK || wk_paginator_page(&p, n, &pg) != WK_PAGE_OK)
 *       return wk_error(req, resp, 404, "Invalid page");
 *   if ((st = wk_page_fetch(&pg)) != WK_DB_OK) ...
 *   ... pg.rows[0 .. pg.nrows) ...
 *   wk_map_set(a, ctx, "page_obj", wk_page_value(req->arena, &pg));
 *
 * Bad page numbers are input, not errors: they come back as a
 * WK_PAGE_* code (Django's PageNotAnInteger and EmptyPage), which a view
 * turns into a 404 (the generic list view does).  The generic views
 * (generic.h) paginate with this; an app's own view can too.
 *
 * Nothing here allocates except where an arena is passed; the paginator
 * and its pages are the caller's structs and hold pointers to the query
 * or list, which must outlive them.
 */
#ifndef WICK_VIEWS_PAGINATOR_H
#define WICK_VIEWS_PAGINATOR_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/value.h"
#include "wick/db/orm.h"

/* Why a page number is not a page (Django's InvalidPage and kin). */
enum wk_page_status {
	WK_PAGE_OK = 0,
	WK_PAGE_NOT_AN_INTEGER,  /* PageNotAnInteger: "x", "", "1.5" */
	WK_PAGE_LESS_THAN_ONE,   /* EmptyPage: 0 or negative */
	WK_PAGE_NO_RESULTS,      /* EmptyPage: after the last page */
	WK_PAGE__MAX
};

struct wk_paginator {
	long long count;            /* objects across all pages */
	long long per_page;         /* >= 1 */
	long long orphans;          /* >= 0 */
	int allow_empty_first_page; /* page 1 exists when count is 0 */
	long long num_pages;        /* 0 only when count is 0 and
	                               allow_empty_first_page is not set */
	struct wk_query *query;     /* the source, or NULL */
	const struct wk_list *list; /* the source, or NULL */
};

struct wk_page {
	const struct wk_paginator *paginator;
	long long number;           /* 1-based */
	long long bottom, top;      /* its objects: indices [bottom, top) */
	/* A query's page, after wk_page_fetch: the rows (arena memory). */
	void **rows;
	size_t nrows;
	/* A list's page: a slice of the paginator's list (no copy). */
	struct wk_list slice;
};

/*
 * wk_paginator_init - a paginator over count objects of a source of the
 * caller's own.  per_page must be >= 1, orphans and count >= 0.  Returns
 * 0, or -1 (and p zeroed) for an argument out of range.
 */
int wk_paginator_init(struct wk_paginator *p, long long count,
    long long per_page, long long orphans, int allow_empty_first_page);

/*
 * wk_paginator_init_query - a paginator over the rows q matches: runs
 * COUNT once (wk_q_count).  q must not have been run (wk_q_next...),
 * and must carry no limit or offset of its own
 * (its pages set them) and should be ordered, or rows may move between
 * pages (Django warns for an unordered one; the list view logs it).  q
 * must outlive p.  Returns WK_DB_OK, WK_DB_INVALID for arguments out of
 * range or a query with a limit, or the query's error.
 */
int wk_paginator_init_query(struct wk_paginator *p, struct wk_query *q,
    long long per_page, long long orphans, int allow_empty_first_page);

/*
 * wk_paginator_init_list - a paginator over the values of l (which must
 * outlive p and not change).  0, or -1 as wk_paginator_init.
 */
int wk_paginator_init_list(struct wk_paginator *p, const struct wk_list *l,
    long long per_page, long long orphans, int allow_empty_first_page);

/*
 * wk_paginator_validate - whether number is a page of p (Django's
 * validate_number): WK_PAGE_OK, WK_PAGE_LESS_THAN_ONE, or
 * WK_PAGE_NO_RESULTS past the last page (page 1 of an empty paginator
 * is fine when allow_empty_first_page is set).
 */
enum wk_page_status wk_paginator_validate(const struct wk_paginator *p,
    long long number);

/*
 * wk_paginator_parse - the page number written in s, as Django's list
 * view reads ?page=: a decimal integer (surrounding blanks and a sign
 * allowed, as Python's int()), or "last" for the last page.  NULL or ""
 * is page 1 (no parameter).  Stores it in *number and returns WK_PAGE_OK,
 * or WK_PAGE_NOT_AN_INTEGER ("x", "1.5", "1e3").  The number is not
 * validated: pass it to wk_paginator_page.  A number too big for a long
 * long reads as the largest (past the last page, so NO_RESULTS there).
 */
enum wk_page_status wk_paginator_parse(const struct wk_paginator *p,
    const char *s, long long *number);

/*
 * wk_paginator_page - page number of p into *out (Django's page()): its
 * indices, and for a list source its slice.  A query page has no rows
 * until wk_page_fetch.  Returns WK_PAGE_OK or wk_paginator_validate's
 * answer (out is then zeroed).
 */
enum wk_page_status wk_paginator_page(const struct wk_paginator *p,
    long long number, struct wk_page *out);

/*
 * wk_paginator_get_page - Django's get_page(): like wk_paginator_page but
 * never refuses a number: one that does not parse is page 1, one out of
 * range the last page.  s as for wk_paginator_parse.  Returns WK_PAGE_OK,
 * or WK_PAGE_NO_RESULTS when p has no pages at all (count 0 without
 * allow_empty_first_page).
 */
enum wk_page_status wk_paginator_get_page(const struct wk_paginator *p,
    const char *s, struct wk_page *out);

/*
 * wk_page_fetch - run the paginator's query for page pg (LIMIT top -
 * bottom OFFSET bottom) into pg->rows / pg->nrows, in the query's arena.
 * The query itself is left unrun (a copy of it runs), so any page may
 * be fetched, in any order, more than once.  A page of a list or count
 * source has nothing to fetch: WK_DB_OK.  Returns WK_DB_OK or the
 * query's error.
 */
int wk_page_fetch(struct wk_page *pg);

/* wk_page_len - how many objects pg holds (top - bottom). */
long long wk_page_len(const struct wk_page *pg);

/* Django's Page methods. */
int wk_page_has_next(const struct wk_page *pg);
int wk_page_has_previous(const struct wk_page *pg);
int wk_page_has_other_pages(const struct wk_page *pg);

/*
 * wk_page_next_number / wk_page_previous_number - the neighbour's number
 * into *n: WK_PAGE_OK, or why there is none (NO_RESULTS after the last
 * page, LESS_THAN_ONE before the first), as Django raises.
 */
enum wk_page_status wk_page_next_number(const struct wk_page *pg,
    long long *n);
enum wk_page_status wk_page_previous_number(const struct wk_page *pg,
    long long *n);

/*
 * wk_page_start_index / wk_page_end_index - the 1-based positions of the
 * page's first and last objects among all of them (0 and 0 when there
 * are none).
 */
long long wk_page_start_index(const struct wk_page *pg);
long long wk_page_end_index(const struct wk_page *pg);

/*
 * WK_PAGE_ELLIPSIS - the gap in an elided page range (Django's "…").
 * wk_paginator_elided_range writes it as 0, never a page number.
 */
#define WK_PAGE_ELLIPSIS 0

/*
 * wk_paginator_elided_range - Django's get_elided_page_range(number,
 * on_each_side, on_ends): the page numbers to show around page number,
 * with WK_PAGE_ELLIPSIS for each gap ("1 2 … 40 41 42 43 44 45 46 … 49
 * 50" for page 43 of 50 with 3 and 2).  Writes at most cap entries to out
 * and the count to *n; WK_PAGE_ELIDED_MAX(on_each_side, on_ends) entries
 * always suffice.  Returns WK_PAGE_OK, the validation of number, or
 * WK_PAGE_NO_RESULTS when cap is too small (nothing written then) or an
 * argument is negative.
 */
#define WK_PAGE_ELIDED_MAX(each, ends) (2 * (size_t)(each) + \
	2 * (size_t)(ends) + 3)
enum wk_page_status wk_paginator_elided_range(const struct wk_paginator *p,
    long long number, long long on_each_side, long long on_ends,
    long long *out, size_t cap, size_t *n);

/* wk_page_status_message - Django's message for st ("That page number is
 * not an integer", ...); "" for WK_PAGE_OK. */
const char *wk_page_status_message(enum wk_page_status st);

/* ---- in templates ------------------------------------------------------------ */

/*
 * wk_paginator_value - p as a template value: {{ paginator.count }},
 * .num_pages, .per_page, .orphans, .allow_empty_first_page, and
 * .page_range (a sequence 1 .. num_pages, computed as it is read, so a
 * paginator of a million pages costs nothing until a template loops).
 * p must outlive the render.  Allocates a wrapper in a; null on failure.
 */
struct wk_value wk_paginator_value(wk_arena *a, const struct wk_paginator *p);

/*
 * wk_page_value - pg as a template value, Django's Page: .number,
 * .has_next, .has_previous, .has_other_pages, .next_page_number and
 * .previous_page_number (missing, so they render "", where Django would
 * raise), .start_index, .end_index, .paginator, .object_list; the page is
 * itself the sequence of its objects ({% for o in page_obj %}, |length),
 * and {{ page_obj }} shows "<Page 2 of 5>".  A query's rows are shown as
 * rows of its model (wk_orm_value), a list's items as they are.  pg (and
 * its paginator) must outlive the render.  Null on allocation failure.
 */
struct wk_value wk_page_value(wk_arena *a, const struct wk_page *pg);

/*
 * wk_rows_value - n rows of model m (as wk_q_list gives them) as a
 * template sequence of rows: what the list views put in object_list.
 * Nothing is copied; null on allocation failure.
 */
struct wk_value wk_rows_value(wk_arena *a, const struct wk_model *m,
    void *const *rows, size_t n);

#endif /* WICK_VIEWS_PAGINATOR_H */
