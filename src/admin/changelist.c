/*
 * changelist.c - the admin's list of one model's rows (see admin.h):
 * columns, sortable headers, the search box, the filter sidebar with
 * counts, pagination with the total, and the action form around the
 * rows (the actions themselves are actions.c's).
 *
 * Everything the request says goes through the model's metadata first:
 * a sort names a list_display field or is ignored, a filter value is one
 * of its field's values or the request is 400, search words are bound
 * values of LIKE lookups (the ORM escapes % and _).  So no byte of the
 * query string becomes SQL text.
 */
#include <stdlib.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/http/app.h"
#include "internal.h"

#define MAX_WORDS 10

/* What the request asked of the list. */
struct cl {
	const struct wk_admin_entry *e;
	const struct wk_model *m;
	const struct wk_model_admin *o;
	const char *q;                          /* search, or NULL */
	const char *words[MAX_WORDS];
	size_t nwords;
	const struct wk_field *sort;            /* ?o=, or NULL */
	int desc;
	const char *fval[WK_ADMIN_MAX_NAMES];   /* ?FIELD= per list_filter */
	size_t nfilters;
	long long page;                         /* 1-based */
};

/* "?q=..&o=..&FIELD=..&p=.." for cl with filter fi set to fv (fi < 0:
 * none changed; fv NULL: removed), sort o ("" none, NULL: cl's), page p
 * (1: left out).  Arena string; NULL on failure. */
static const char *
cl_url(struct wk_request *req, const struct cl *cl, long fi,
    const char *fv, const char *o, long long p)
{
	wk_buf b;
	size_t i;
	const char *v, *sep = "?";

	wk_buf_init(&b, req->arena);
	if (cl->q != NULL) {
		wk_buf_puts(&b, "?q=");
		wk__admin_encode(&b, cl->q);
		sep = "&";
	}
	if (o == NULL && cl->sort != NULL)
		o = wk_arena_printf(req->arena, "%s%s", cl->desc ? "-" : "",
		    cl->sort->name);
	if (o != NULL && o[0] != '\0') {
		wk_buf_printf(&b, "%so=", sep);
		wk__admin_encode(&b, o);
		sep = "&";
	}
	for (i = 0; i < cl->nfilters; i++) {
		v = (long)i == fi ? fv : cl->fval[i];
		if (v == NULL)
			continue;
		wk_buf_printf(&b, "%s%s=", sep, cl->o->list_filter[i]);
		wk__admin_encode(&b, v);
		sep = "&";
	}
	if (p > 1)
		wk_buf_printf(&b, "%sp=%lld", sep, p);
	if (b.failed)
		return NULL;
	return b.len == 0 ? "?" : wk_buf_cstr(&b);
}

/* 1 if v is a value field f can hold for a filter. */
static int
filter_value_ok(const struct wk_field *f, const char *v)
{
	size_t i;

	if (f->choices != NULL) {
		for (i = 0; f->choices[i].value != NULL; i++)
			if (strcmp(f->choices[i].value, v) == 0)
				return 1;
		return 0;
	}
	if (f->kind == WK_FIELD_BOOL)
		return strcmp(v, "0") == 0 || strcmp(v, "1") == 0;
	/* FK: an id */
	for (i = 0; v[i] != '\0'; i++)
		if (v[i] < '0' || v[i] > '9' || i >= 18)
			return 0;
	return i > 0;
}

/* Read ?q= ?o= ?p= and the filters into cl.  0; 400 or 404 for a bad
 * filter value or page (the status); -1 on allocation failure. */
static int
cl_parse(struct wk_request *req, struct cl *cl)
{
	const struct wk_field *f;
	const char *s;
	char *w, *save = NULL, *copy;
	size_t i;

	/* a search where no field is searched is ignored, as Django does */
	if ((s = wk_request_get(req, "q")) != NULL && s[0] != '\0' &&
	    cl->o->search_fields != NULL && cl->o->search_fields[0] != NULL) {
		cl->q = s;
		if ((copy = wk_arena_strdup(req->arena, s)) == NULL)
			return -1;
		for (w = strtok_r(copy, " \t\r\n", &save); w != NULL &&
		    cl->nwords < MAX_WORDS; w = strtok_r(NULL, " \t\r\n",
		    &save))
			cl->words[cl->nwords++] = w;
	}
	if ((s = wk_request_get(req, "o")) != NULL) {
		int desc = s[0] == '-';
		const char *name = desc ? s + 1 : s;
		for (i = 0; cl->o->list_display != NULL &&
		    cl->o->list_display[i] != NULL; i++)
			if (strcmp(cl->o->list_display[i], name) == 0) {
				cl->sort = wk_model_field(cl->m, name);
				cl->desc = desc;
			}
	}
	for (i = 0; cl->o->list_filter != NULL &&
	    cl->o->list_filter[i] != NULL; i++) {
		f = wk_model_field(cl->m, cl->o->list_filter[i]);
		s = wk_request_get(req, f->name);
		if (s != NULL && !filter_value_ok(f, s))
			return 400;
		cl->fval[i] = s;
		cl->nfilters = i + 1;
	}
	cl->page = 1;
	if ((s = wk_request_get(req, "p")) != NULL) {
		long long v = 0;
		for (i = 0; s[i] != '\0'; i++) {
			if (s[i] < '0' || s[i] > '9' || i >= 12)
				return 404;
			v = v * 10 + (s[i] - '0');
		}
		if (i == 0 || v < 1)
			return 404;
		cl->page = v;
	}
	return 0;
}

/* The filter's condition on q. */
static void
filter_apply(struct wk_query *q, const struct wk_field *f, const char *v)
{
	if (f->choices != NULL)
		wk_q_filter(q, f->name, wk_val_str(v));
	else if (f->kind == WK_FIELD_BOOL)
		wk_q_filter(q, f->name, wk_val_bool(v[0] == '1'));
	else
		wk_q_filter(q, f->name, wk_val_int(strtoll(v, NULL, 10)));
}

/* q over the model with the search and every filter but skip (-1: all). */
static void
cl_query(struct wk_request *req, const struct cl *cl, struct wk_query *q,
    long skip)
{
	const char *name, *lookup;
	size_t i, j;

	wk_q_init(q, req->arena, cl->m);
	for (i = 0; i < cl->nfilters; i++)
		if ((long)i != skip && cl->fval[i] != NULL)
			filter_apply(q, wk_model_field(cl->m,
			    cl->o->list_filter[i]), cl->fval[i]);
	for (i = 0; i < cl->nwords; i++) {
		wk_q_or(q);
		for (j = 0; cl->o->search_fields[j] != NULL; j++) {
			name = cl->o->search_fields[j];
			if (name[0] == '^')
				lookup = wk_arena_printf(req->arena,
				    "%s__istartswith", name + 1);
			else if (name[0] == '=')
				lookup = wk_arena_printf(req->arena,
				    "%s__iexact", name + 1);
			else
				lookup = wk_arena_printf(req->arena,
				    "%s__icontains", name);
			if (lookup == NULL) {
				q->status = WK_DB_NOMEM;
				return;
			}
			wk_q_filter(q, lookup, wk_val_str(cl->words[i]));
		}
		wk_q_end(q);
	}
}

/* One option of a filter: label, link, selected, count. */
static int
option(struct wk_request *req, const struct cl *cl, struct wk_list *opts,
    long fi, const char *label, const char *value)
{
	wk_arena *a = req->arena;
	const struct wk_field *f = wk_model_field(cl->m,
	    cl->o->list_filter[fi]);
	struct wk_map *m = wk_map_new(a);
	const char *url = cl_url(req, cl, fi, value, NULL, 1);
	const char *cur = cl->fval[fi];
	struct wk_query q;
	long long n = 0;
	int st;

	if (m == NULL || url == NULL)
		return -1;
	cl_query(req, cl, &q, fi);
	if (value != NULL)
		filter_apply(&q, f, value);
	if ((st = wk_q_count(&q, &n)) != WK_DB_OK)
		return st;
	if (wk_map_set(a, m, "label", wk_val_str(label)) != 0 ||
	    wk_map_set(a, m, "url", wk_val_str(url)) != 0 ||
	    wk_map_set(a, m, "selected", wk_val_bool(value == NULL ?
	    cur == NULL : cur != NULL && strcmp(cur, value) == 0)) != 0 ||
	    wk_map_set(a, m, "count", wk_val_int(n)) != 0 ||
	    wk_list_push(a, opts, wk_val_map(m)) != 0)
		return -1;
	return 0;
}

/* The sidebar: a list of {title, options}.  WK_DB_OK, -1 or a database
 * status. */
static int
sidebar(struct wk_request *req, const struct cl *cl, struct wk_list *out)
{
	wk_arena *a = req->arena;
	const struct wk_field *f;
	struct wk_list *opts;
	struct wk_map *m;
	struct wk_query q;
	void **rows;
	size_t i, j, n;
	int st;

	for (i = 0; i < cl->nfilters; i++) {
		f = wk_model_field(cl->m, cl->o->list_filter[i]);
		if ((m = wk_map_new(a)) == NULL ||
		    (opts = wk_list_new(a)) == NULL ||
		    wk_map_set(a, m, "title", wk_val_str(wk_field_label(f))) ||
		    wk_map_set(a, m, "options", wk_val_list(opts)) != 0 ||
		    wk_list_push(a, out, wk_val_map(m)) != 0)
			return -1;
		if ((st = option(req, cl, opts, (long)i, "All", NULL)) != 0)
			return st;
		if (f->choices != NULL) {
			for (j = 0; f->choices[j].value != NULL; j++)
				if ((st = option(req, cl, opts, (long)i,
				    f->choices[j].label,
				    f->choices[j].value)) != 0)
					return st;
		} else if (f->kind == WK_FIELD_BOOL) {
			if ((st = option(req, cl, opts, (long)i, "Yes",
			    "1")) != 0 ||
			    (st = option(req, cl, opts, (long)i, "No",
			    "0")) != 0)
				return st;
		} else {
			wk_q_init(&q, a, f->to);
			wk_q_order_by(&q, "id");
			wk_q_limit(&q, WK_ADMIN_FK_FILTER_MAX, 0);
			if ((st = wk_q_list(&q, &rows, &n)) != WK_DB_OK)
				return st;
			for (j = 0; j < n; j++) {
				const char *label = wk_model_str(f->to,
				    rows[j], a);
				const char *id = wk_arena_printf(a, "%lld",
				    wk_model_id(f->to, rows[j]));
				if (label == NULL || id == NULL)
					return -1;
				if ((st = option(req, cl, opts, (long)i, label,
				    id)) != 0)
					return st;
			}
		}
	}
	return WK_DB_OK;
}

/* The column headers: {label, url, sorted ("asc", "desc", "")}. */
static int
headers(struct wk_request *req, const struct cl *cl, struct wk_list *out)
{
	wk_arena *a = req->arena;
	const struct wk_field *f;
	const char *url, *o;
	struct wk_map *m;
	size_t i;
	int on;

	if (cl->o->list_display == NULL) {
		if ((m = wk_map_new(a)) == NULL ||
		    wk_map_set(a, m, "label", wk_val_str(
		    cl->m->verbose_name != NULL ? cl->m->verbose_name :
		    cl->e->model_name)) != 0 ||
		    wk_list_push(a, out, wk_val_map(m)) != 0)
			return -1;
		return 0;
	}
	for (i = 0; cl->o->list_display[i] != NULL; i++) {
		f = wk_model_field(cl->m, cl->o->list_display[i]);
		if (f == NULL) {                      /* computed: no sort */
			const struct wk_admin_column *c = wk__admin_column(
			    cl->o, cl->o->list_display[i]);
			if ((m = wk_map_new(a)) == NULL ||
			    wk_map_set(a, m, "label", wk_val_str(c->label !=
			    NULL ? c->label : c->name)) != 0 ||
			    wk_list_push(a, out, wk_val_map(m)) != 0)
				return -1;
			continue;
		}
		on = cl->sort == f;
		o = wk_arena_printf(a, "%s%s", on && !cl->desc ? "-" : "",
		    f->name);
		if (o == NULL || (url = cl_url(req, cl, -1, NULL, o, 1)) ==
		    NULL || (m = wk_map_new(a)) == NULL ||
		    wk_map_set(a, m, "label", wk_val_str(wk_field_label(f))) ||
		    wk_map_set(a, m, "url", wk_val_str(url)) != 0 ||
		    wk_map_set(a, m, "sorted", wk_val_str(!on ? "" :
		    cl->desc ? "desc" : "asc")) != 0 ||
		    wk_list_push(a, out, wk_val_map(m)) != 0)
			return -1;
	}
	return 0;
}

/* The page's rows: {url, cells}. */
static int
rows_value(struct wk_request *req, struct wk__admin *ad,
    const struct cl *cl, void **rows, size_t n, struct wk_list *out)
{
	wk_arena *a = req->arena;
	struct wk_list *cells;
	struct wk_map *m;
	const char *url, *text;
	size_t i, j;

	for (i = 0; i < n; i++) {
		url = wk_arena_printf(a, "%s%lld/change/",
		    wk__admin_url(req, ad, cl->e, ""),
		    wk_model_id(cl->m, rows[i]));
		if (url == NULL || (m = wk_map_new(a)) == NULL ||
		    (cells = wk_list_new(a)) == NULL ||
		    wk_map_set(a, m, "url", wk_val_str(url)) != 0 ||
		    wk_map_set(a, m, "id", wk_val_int(wk_model_id(cl->m,
		    rows[i]))) != 0 ||
		    wk_map_set(a, m, "cells", wk_val_list(cells)) != 0 ||
		    wk_list_push(a, out, wk_val_map(m)) != 0)
			return -1;
		if (cl->o->list_display == NULL) {
			if ((text = wk_model_str(cl->m, rows[i], a)) == NULL ||
			    wk_list_push(a, cells, wk_val_str(text)) != 0)
				return -1;
			continue;
		}
		for (j = 0; cl->o->list_display[j] != NULL; j++) {
			const char *name = cl->o->list_display[j];
			const struct wk_field *f = wk_model_field(cl->m, name);
			text = f != NULL ? wk__admin_cell(req, cl->m, f,
			    rows[i]) : wk__admin_column(cl->o, name)->value(req,
			    rows[i]);
			if (text == NULL ||
			    wk_list_push(a, cells, wk_val_str(text)) != 0)
				return -1;
		}
	}
	return 0;
}

/* The ids of the page's rows, "12,7,3": the value of the header's
 * "select all" box, so that it selects the page without JavaScript. */
static const char *
page_ids(struct wk_request *req, const struct wk_model *m, void **rows,
    size_t n)
{
	wk_buf b;
	size_t i;

	wk_buf_init(&b, req->arena);
	wk_buf_append(&b, "", 0);
	for (i = 0; i < n; i++)
		wk_buf_printf(&b, "%s%lld", i > 0 ? "," : "",
		    wk_model_id(m, rows[i]));
	return b.failed ? NULL : wk_buf_cstr(&b);
}

/* Hidden inputs for the search form: the filters in force and the sort. */
static int
hidden(struct wk_request *req, const struct cl *cl, struct wk_list *out)
{
	wk_arena *a = req->arena;
	struct wk_map *m;
	size_t i;

	for (i = 0; i < cl->nfilters; i++) {
		if (cl->fval[i] == NULL)
			continue;
		if ((m = wk_map_new(a)) == NULL ||
		    wk_map_set(a, m, "name",
		    wk_val_str(cl->o->list_filter[i])) != 0 ||
		    wk_map_set(a, m, "value", wk_val_str(cl->fval[i])) != 0 ||
		    wk_list_push(a, out, wk_val_map(m)) != 0)
			return -1;
	}
	if (cl->sort != NULL) {
		if ((m = wk_map_new(a)) == NULL ||
		    wk_map_set(a, m, "name", wk_val_str("o")) != 0 ||
		    wk_map_set(a, m, "value", wk_val_str(wk_arena_printf(a,
		    "%s%s", cl->desc ? "-" : "", cl->sort->name))) != 0 ||
		    wk_list_push(a, out, wk_val_map(m)) != 0)
			return -1;
	}
	return 0;
}

/* see internal.h */
int
wk__admin_changelist(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	wk_arena *a = req->arena;
	struct cl cl;
	struct wk_query q;
	struct wk_list *hd, *rl, *side, *hid, *acts;
	struct wk_map *ctx;
	const char *title, *vn;
	long long count, total, per, pages;
	void **rows;
	size_t n, i;
	int st, can_change;

	if (req->method != WK_METHOD_GET && req->method != WK_METHOD_HEAD)
		return wk_response_not_allowed(resp, WK_GET);
	if (!wk__admin_can_see(req, ad, ad->entry))
		return wk__admin_forbidden(req, resp);
	memset(&cl, 0, sizeof(cl));
	cl.e = ad->entry;
	cl.m = cl.e->model;
	cl.o = cl.e->opts;
	if ((st = cl_parse(req, &cl)) != 0) {
		if (st < 0)
			return -1;
		return wk_error(req, resp, st, st == 400 ? "Unknown filter "
		    "value" : "Invalid page");
	}
	per = cl.o->list_per_page > 0 ? cl.o->list_per_page :
	    WK_ADMIN_PER_PAGE;
	wk_q_init(&q, a, cl.m);
	if ((st = wk_q_count(&q, &total)) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	cl_query(req, &cl, &q, -1);
	if ((st = wk_q_count(&q, &count)) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	pages = count == 0 ? 1 : (count + per - 1) / per;
	if (cl.page > pages)
		return wk_error(req, resp, 404, "Invalid page");
	if (cl.sort != NULL) {
		const char *o = wk_arena_printf(a, "%s%s", cl.desc ? "-" : "",
		    cl.sort->name);
		if (o == NULL)
			return -1;
		wk_q_order_by(&q, o);
		if (!(cl.sort->flags & WK_PK))
			wk_q_order_by(&q, "-id");
	} else {
		wk_q_order_by(&q, cl.o->ordering != NULL ? cl.o->ordering :
		    "-id");
	}
	for (i = 0; cl.o->list_display != NULL &&
	    cl.o->list_display[i] != NULL; i++) {
		const struct wk_field *f = wk_model_field(cl.m,
		    cl.o->list_display[i]);
		if (f != NULL && f->kind == WK_FIELD_FK)
			wk_q_select_related(&q, f->name);
	}
	wk_q_limit(&q, per, (cl.page - 1) * per);
	if ((st = wk_q_list(&q, &rows, &n)) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if ((hd = wk_list_new(a)) == NULL || (rl = wk_list_new(a)) == NULL ||
	    (side = wk_list_new(a)) == NULL ||
	    (hid = wk_list_new(a)) == NULL ||
	    headers(req, &cl, hd) != 0 ||
	    rows_value(req, ad, &cl, rows, n, rl) != 0 ||
	    hidden(req, &cl, hid) != 0)
		return -1;
	if ((st = sidebar(req, &cl, side)) != WK_DB_OK)
		return st < 0 ? -1 : wk_db_respond(req, resp, st, 0);
	can_change = wk__admin_perm(req, ad, cl.e, "change");
	vn = cl.m->verbose_name != NULL ? cl.m->verbose_name :
	    cl.e->model_name;
	title = wk_arena_printf(a, "Select %s to %s", vn, can_change ?
	    "change" : "view");
	if (title == NULL || (ctx = wk__admin_context(req, ad, title)) ==
	    NULL ||
	    wk_map_set(a, ctx, "model_name", wk_val_str(
	    cl.m->verbose_name_plural != NULL ? cl.m->verbose_name_plural :
	    vn)) != 0 ||
	    wk_map_set(a, ctx, "verbose_name", wk_val_str(vn)) != 0 ||
	    wk_map_set(a, ctx, "app_label", wk_val_str(cl.e->app_label)) ||
	    wk_map_set(a, ctx, "app_url", wk_val_str(wk_arena_printf(a,
	    "%s%s/", ad->base, cl.e->app_label))) != 0 ||
	    wk_map_set(a, ctx, "headers", wk_val_list(hd)) != 0 ||
	    wk_map_set(a, ctx, "rows", wk_val_list(rl)) != 0 ||
	    wk_map_set(a, ctx, "filters", wk_val_list(side)) != 0 ||
	    wk_map_set(a, ctx, "hidden", wk_val_list(hid)) != 0 ||
	    wk_map_set(a, ctx, "searchable", wk_val_bool(
	    cl.o->search_fields != NULL && cl.o->search_fields[0] != NULL)) ||
	    wk_map_set(a, ctx, "q", wk_val_str(cl.q != NULL ? cl.q : "")) ||
	    wk_map_set(a, ctx, "count", wk_val_int(count)) != 0 ||
	    wk_map_set(a, ctx, "total", wk_val_int(total)) != 0 ||
	    wk_map_set(a, ctx, "filtered", wk_val_bool(count != total)) ||
	    wk_map_set(a, ctx, "page", wk_val_int(cl.page)) != 0 ||
	    wk_map_set(a, ctx, "pages", wk_val_int(pages)) != 0)
		return -1;
	if (cl.page > 1 && wk_map_set(a, ctx, "prev_url", wk_val_str(
	    cl_url(req, &cl, -1, NULL, NULL, cl.page - 1))) != 0)
		return -1;
	if (cl.page < pages && wk_map_set(a, ctx, "next_url", wk_val_str(
	    cl_url(req, &cl, -1, NULL, NULL, cl.page + 1))) != 0)
		return -1;
	if (wk__admin_perm(req, ad, cl.e, "add") &&
	    wk_map_set(a, ctx, "add_url", wk_val_str(wk__admin_url(req, ad,
	    cl.e, "add/"))) != 0)
		return -1;
	if ((acts = wk__admin_action_choices(req, ad)) == NULL ||
	    (acts->len > 0 && (wk_map_set(a, ctx, "actions",
	    wk_val_list(acts)) != 0 ||
	    wk_map_set(a, ctx, "page_ids", wk_val_str(page_ids(req, cl.m,
	    rows, n))) != 0)))
		return -1;
	return wk__admin_render(req, resp, ad, "admin/change_list.html", ctx,
	    200);
}
