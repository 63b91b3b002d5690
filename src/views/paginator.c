/*
 * paginator.c - pages of a query, a list or a count (see paginator.h),
 * and their template values.
 *
 * The arithmetic is Django's (django/core/paginator.py), line for line
 * where it can be: num_pages = ceil(max(1, count - orphans) / per_page),
 * a page's top stretched to the end when only orphans would follow.  A
 * query is counted once and each page is the same query with LIMIT and
 * OFFSET, so the database, not the process, skips the other pages.
 */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "wick/views/paginator.h"

/* see paginator.h */
int
wk_paginator_init(struct wk_paginator *p, long long count,
    long long per_page, long long orphans, int allow_empty_first_page)
{
	long long hits;

	memset(p, 0, sizeof(*p));
	if (per_page < 1 || orphans < 0 || count < 0)
		return -1;
	p->count = count;
	p->per_page = per_page;
	p->orphans = orphans;
	p->allow_empty_first_page = allow_empty_first_page != 0;
	if (count == 0 && !p->allow_empty_first_page) {
		p->num_pages = 0;
		return 0;
	}
	hits = count - orphans > 1 ? count - orphans : 1;
	p->num_pages = hits / per_page + (hits % per_page != 0);
	return 0;
}

/* see paginator.h */
int
wk_paginator_init_query(struct wk_paginator *p, struct wk_query *q,
    long long per_page, long long orphans, int allow_empty_first_page)
{
	long long n;
	int st;

	memset(p, 0, sizeof(*p));
	if (q->status != WK_DB_OK)
		return q->status;
	if (q->limit >= 0 || q->offset > 0 || per_page < 1 || orphans < 0)
		return WK_DB_INVALID;
	if ((st = wk_q_count(q, &n)) != WK_DB_OK)
		return st;
	if (wk_paginator_init(p, n, per_page, orphans,
	    allow_empty_first_page) != 0)
		return WK_DB_INVALID;
	p->query = q;
	return WK_DB_OK;
}

/* see paginator.h */
int
wk_paginator_init_list(struct wk_paginator *p, const struct wk_list *l,
    long long per_page, long long orphans, int allow_empty_first_page)
{
	if (l == NULL || l->len > (size_t)LLONG_MAX ||
	    wk_paginator_init(p, (long long)l->len, per_page, orphans,
	    allow_empty_first_page) != 0) {
		memset(p, 0, sizeof(*p));
		return -1;
	}
	p->list = l;
	return 0;
}

/* see paginator.h */
enum wk_page_status
wk_paginator_validate(const struct wk_paginator *p, long long number)
{
	if (number < 1)
		return WK_PAGE_LESS_THAN_ONE;
	if (number > p->num_pages &&
	    !(number == 1 && p->allow_empty_first_page))
		return WK_PAGE_NO_RESULTS;
	return WK_PAGE_OK;
}

/* see paginator.h */
enum wk_page_status
wk_paginator_parse(const struct wk_paginator *p, const char *s,
    long long *number)
{
	unsigned long long v = 0, lim;
	int neg = 0, digits = 0, over = 0;

	*number = 1;
	if (s == NULL || *s == '\0')
		return WK_PAGE_OK;
	if (strcmp(s, "last") == 0) {
		*number = p->num_pages;
		return WK_PAGE_OK;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		unsigned d = (unsigned)(*s - '0');
		if (over || v > (lim - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (digits == 0 || *s != '\0')
		return WK_PAGE_NOT_AN_INTEGER;
	if (over)
		*number = neg ? LLONG_MIN : LLONG_MAX;
	else if (neg)
		*number = v == lim ? LLONG_MIN : -(long long)v;
	else
		*number = (long long)v;
	return WK_PAGE_OK;
}

/* see paginator.h */
enum wk_page_status
wk_paginator_page(const struct wk_paginator *p, long long number,
    struct wk_page *out)
{
	enum wk_page_status st;
	long long bottom, top;

	memset(out, 0, sizeof(*out));
	if ((st = wk_paginator_validate(p, number)) != WK_PAGE_OK)
		return st;
	/* number <= num_pages (or 1), so bottom <= count: no overflow */
	bottom = (number - 1) * p->per_page;
	top = p->count - bottom > p->per_page ? bottom + p->per_page :
	    p->count;
	if (p->count - top <= p->orphans)
		top = p->count;
	out->paginator = p;
	out->number = number;
	out->bottom = bottom;
	out->top = top;
	if (p->list != NULL) {
		out->slice.items = p->list->items + bottom;
		out->slice.len = (size_t)(top - bottom);
		out->slice.cap = out->slice.len;
	}
	return WK_PAGE_OK;
}

/* see paginator.h */
enum wk_page_status
wk_paginator_get_page(const struct wk_paginator *p, const char *s,
    struct wk_page *out)
{
	long long n;

	if (p->num_pages == 0) {
		memset(out, 0, sizeof(*out));
		return WK_PAGE_NO_RESULTS;
	}
	switch (wk_paginator_parse(p, s, &n) == WK_PAGE_OK ?
	    wk_paginator_validate(p, n) : WK_PAGE_NOT_AN_INTEGER) {
	case WK_PAGE_OK:
		break;
	case WK_PAGE_NOT_AN_INTEGER:
		n = 1;
		break;
	default:
		n = p->num_pages;
		break;
	}
	return wk_paginator_page(p, n, out);
}

/* see paginator.h */
int
wk_page_fetch(struct wk_page *pg)
{
	struct wk_query run;

	assert(pg->paginator != NULL);
	pg->rows = NULL;
	pg->nrows = 0;
	if (pg->paginator->query == NULL || pg->top == pg->bottom)
		return WK_DB_OK;
	/*
	 * A query runs once (wk_q_next then says DONE), so each page runs
	 * a copy of the unrun one: the copy shares its arena memory (the
	 * WHERE text, the bound values) and adds LIMIT and OFFSET of its
	 * own, after the values the original holds.
	 */
	run = *pg->paginator->query;
	if (wk_q_limit(&run, pg->top - pg->bottom, pg->bottom) != WK_DB_OK)
		return run.status;
	return wk_q_list(&run, &pg->rows, &pg->nrows);
}

/* see paginator.h */
long long
wk_page_len(const struct wk_page *pg)
{
	return pg->top - pg->bottom;
}

/* see paginator.h */
int
wk_page_has_next(const struct wk_page *pg)
{
	return pg->number < pg->paginator->num_pages;
}

/* see paginator.h */
int
wk_page_has_previous(const struct wk_page *pg)
{
	return pg->number > 1;
}

/* see paginator.h */
int
wk_page_has_other_pages(const struct wk_page *pg)
{
	return wk_page_has_previous(pg) || wk_page_has_next(pg);
}

/* see paginator.h */
enum wk_page_status
wk_page_next_number(const struct wk_page *pg, long long *n)
{
	enum wk_page_status st;

	*n = 0;
	if ((st = wk_paginator_validate(pg->paginator, pg->number + 1)) ==
	    WK_PAGE_OK)
		*n = pg->number + 1;
	return st;
}

/* see paginator.h */
enum wk_page_status
wk_page_previous_number(const struct wk_page *pg, long long *n)
{
	enum wk_page_status st;

	*n = 0;
	if ((st = wk_paginator_validate(pg->paginator, pg->number - 1)) ==
	    WK_PAGE_OK)
		*n = pg->number - 1;
	return st;
}

/* see paginator.h */
long long
wk_page_start_index(const struct wk_page *pg)
{
	if (pg->paginator->count == 0)
		return 0;
	return pg->paginator->per_page * (pg->number - 1) + 1;
}

/* see paginator.h */
long long
wk_page_end_index(const struct wk_page *pg)
{
	/* the last page may hold orphans */
	if (pg->number == pg->paginator->num_pages)
		return pg->paginator->count;
	return pg->number * pg->paginator->per_page;
}

/* Append first..last to out[*n] (bounded by cap: the caller checked). */
static void
range_put(long long *out, size_t *n, long long first, long long last)
{
	for (; first <= last; first++)
		out[(*n)++] = first;
}

/* see paginator.h */
enum wk_page_status
wk_paginator_elided_range(const struct wk_paginator *p, long long number,
    long long on_each_side, long long on_ends, long long *out, size_t cap,
    size_t *n)
{
	enum wk_page_status st;
	long long pages = p->num_pages;

	*n = 0;
	if ((st = wk_paginator_validate(p, number)) != WK_PAGE_OK)
		return st;
	if (on_each_side < 0 || on_ends < 0 || on_each_side > 1000 ||
	    on_ends > 1000 || cap < WK_PAGE_ELIDED_MAX(on_each_side, on_ends))
		return WK_PAGE_NO_RESULTS;
	if (pages <= (on_each_side + on_ends) * 2) {
		range_put(out, n, 1, pages);
		return WK_PAGE_OK;
	}
	if (number > (1 + on_each_side + on_ends) + 1) {
		range_put(out, n, 1, on_ends);
		out[(*n)++] = WK_PAGE_ELLIPSIS;
		range_put(out, n, number - on_each_side, number);
	} else {
		range_put(out, n, 1, number);
	}
	if (number < (pages - on_each_side - on_ends) - 1) {
		range_put(out, n, number + 1, number + on_each_side);
		out[(*n)++] = WK_PAGE_ELLIPSIS;
		range_put(out, n, pages - on_ends + 1, pages);
	} else {
		range_put(out, n, number + 1, pages);
	}
	return WK_PAGE_OK;
}

/* Django's messages, by status. */
static const char *const page_messages[WK_PAGE__MAX] = {
	[WK_PAGE_OK] = "",
	[WK_PAGE_NOT_AN_INTEGER] = "That page number is not an integer",
	[WK_PAGE_LESS_THAN_ONE] = "That page number is less than 1",
	[WK_PAGE_NO_RESULTS] = "That page contains no results",
};

/* see paginator.h */
const char *
wk_page_status_message(enum wk_page_status st)
{
	if ((int)st < 0 || st >= WK_PAGE__MAX)
		return "Invalid page";
	return page_messages[st];
}

/* ---- template values ------------------------------------------------------------ */

/* 1 when name (len bytes) is lit. */
static int
is_name(const char *name, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(name, lit, len) == 0;
}

/* page_range: 1 .. num_pages as a sequence computed on demand. */
static size_t
range_len(const void *self)
{
	const struct wk_paginator *p = self;

	return (size_t)p->num_pages;
}

static int
range_item(const void *self, size_t i, wk_arena *a, struct wk_value *out)
{
	const struct wk_paginator *p = self;

	(void)a;
	if ((long long)i >= p->num_pages)
		return 1;
	*out = wk_val_int((long long)i + 1);
	return 0;
}

static int
range_str(const void *self, wk_buf *out)
{
	const struct wk_paginator *p = self;

	return wk_buf_printf(out, "range(1, %lld)", p->num_pages + 1);
}

static const struct wk_object_ops range_ops = {
	.type_name = "range",
	.len = range_len,
	.item = range_item,
	.str = range_str,
};

static int
paginator_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct wk_paginator *p = self;

	(void)a;
	if (is_name(name, len, "count"))
		*out = wk_val_int(p->count);
	else if (is_name(name, len, "num_pages"))
		*out = wk_val_int(p->num_pages);
	else if (is_name(name, len, "per_page"))
		*out = wk_val_int(p->per_page);
	else if (is_name(name, len, "orphans"))
		*out = wk_val_int(p->orphans);
	else if (is_name(name, len, "allow_empty_first_page"))
		*out = wk_val_bool(p->allow_empty_first_page);
	else if (is_name(name, len, "page_range"))
		*out = wk_val_object(&range_ops, p);
	else
		return 1;
	return 0;
}

static int
paginator_str(const void *self, wk_buf *out)
{
	(void)self;
	return wk_buf_puts(out, "<Paginator>");
}

static const struct wk_object_ops paginator_ops = {
	.type_name = "Paginator",
	.get = paginator_get,
	.str = paginator_str,
};

/* see paginator.h */
struct wk_value
wk_paginator_value(wk_arena *a, const struct wk_paginator *p)
{
	(void)a;
	return p != NULL ? wk_val_object(&paginator_ops, p) : wk_val_null();
}

/* Rows of a model, seen as a sequence of row objects. */
struct rows_ref {
	const struct wk_model *m;
	void *const *rows;
	size_t n;
};

static size_t
rows_len(const void *self)
{
	const struct rows_ref *r = self;

	return r->n;
}

static int
rows_item(const void *self, size_t i, wk_arena *a, struct wk_value *out)
{
	const struct rows_ref *r = self;

	if (i >= r->n)
		return 1;
	*out = wk_orm_value(a, r->m, r->rows[i]);
	return out->kind == WK_VAL_NULL ? -1 : 0;
}

static int
rows_str(const void *self, wk_buf *out)
{
	const struct rows_ref *r = self;

	return wk_buf_printf(out, "<QuerySet of %zu %s>", r->n, r->m->name);
}

static const struct wk_object_ops rows_ops = {
	.type_name = "QuerySet",
	.len = rows_len,
	.item = rows_item,
	.str = rows_str,
};

/* see paginator.h */
struct wk_value
wk_rows_value(wk_arena *a, const struct wk_model *m, void *const *rows,
    size_t n)
{
	struct rows_ref *r;

	if ((r = wk_arena_alloc(a, sizeof(*r))) == NULL)
		return wk_val_null();
	r->m = m;
	r->rows = rows;
	r->n = n;
	return wk_val_object(&rows_ops, r);
}

/* The page's objects: its rows (query) or its slice (list); none for a
 * count source. */
static struct wk_value
page_objects(const struct wk_page *pg, wk_arena *a)
{
	const struct wk_paginator *p = pg->paginator;

	if (p->query != NULL)
		return wk_rows_value(a, p->query->model, pg->rows, pg->nrows);
	if (p->list != NULL) {
		struct wk_list *l = wk_arena_alloc(a, sizeof(*l));
		if (l != NULL)
			*l = pg->slice;   /* the items stay the list's */
		return wk_val_list(l);
	}
	return wk_val_list(wk_list_new(a));
}

static size_t
page_len(const void *self)
{
	const struct wk_page *pg = self;
	const struct wk_paginator *p = pg->paginator;

	if (p->query != NULL)
		return pg->nrows;
	return p->list != NULL ? pg->slice.len : 0;
}

static int
page_item(const void *self, size_t i, wk_arena *a, struct wk_value *out)
{
	const struct wk_page *pg = self;
	struct wk_value all = page_objects(pg, a);

	if (all.kind == WK_VAL_NULL)
		return -1;
	return wk_value_item(&all, i, a, out);
}

static int
page_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct wk_page *pg = self;
	long long n;

	if (is_name(name, len, "number"))
		*out = wk_val_int(pg->number);
	else if (is_name(name, len, "has_next"))
		*out = wk_val_bool(wk_page_has_next(pg));
	else if (is_name(name, len, "has_previous"))
		*out = wk_val_bool(wk_page_has_previous(pg));
	else if (is_name(name, len, "has_other_pages"))
		*out = wk_val_bool(wk_page_has_other_pages(pg));
	else if (is_name(name, len, "next_page_number")) {
		if (wk_page_next_number(pg, &n) != WK_PAGE_OK)
			return 1;
		*out = wk_val_int(n);
	} else if (is_name(name, len, "previous_page_number")) {
		if (wk_page_previous_number(pg, &n) != WK_PAGE_OK)
			return 1;
		*out = wk_val_int(n);
	} else if (is_name(name, len, "start_index"))
		*out = wk_val_int(wk_page_start_index(pg));
	else if (is_name(name, len, "end_index"))
		*out = wk_val_int(wk_page_end_index(pg));
	else if (is_name(name, len, "paginator"))
		*out = wk_paginator_value(a, pg->paginator);
	else if (is_name(name, len, "object_list")) {
		*out = page_objects(pg, a);
		return out->kind == WK_VAL_NULL ? -1 : 0;
	} else
		return 1;
	return 0;
}

static int
page_str(const void *self, wk_buf *out)
{
	const struct wk_page *pg = self;

	return wk_buf_printf(out, "<Page %lld of %lld>", pg->number,
	    pg->paginator->num_pages);
}

static const struct wk_object_ops page_ops = {
	.type_name = "Page",
	.get = page_get,
	.len = page_len,
	.item = page_item,
	.str = page_str,
};

/* see paginator.h */
struct wk_value
wk_page_value(wk_arena *a, const struct wk_page *pg)
{
	(void)a;
	if (pg == NULL || pg->paginator == NULL)
		return wk_val_null();
	return wk_val_object(&page_ops, pg);
}
