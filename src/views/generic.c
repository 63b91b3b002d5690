/*
 * generic.c - the list and detail views (see generic.h), and what every
 * generic view shares: reading the route's settings, the methods, the
 * hooks, finding the object, Django's template and context names, the
 * URL after a save.  The editing views are in edit.c.
 *
 * Django builds these from mixins (django/views/generic/list.py,
 * detail.py); here each view is a function reading a const struct, and
 * the mixins' behaviour is these helpers.
 */
#include <stdio.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/http/app.h"
#include "wick/http/router.h"
#include "wick/views/generic.h"
#include "internal.h"

/* ---- names ------------------------------------------------------------------ */

/* see generic.h */
const char *
wk_view_model_name(const struct wk_model *m, size_t *len)
{
	const char *u = strchr(m->name, '_');
	const char *name = u != NULL && u[1] != '\0' ? u + 1 : m->name;

	*len = strlen(name);
	return name;
}

/* see generic.h */
const char *
wk_view_template_name(wk_arena *a, const struct wk_model *m,
    const char *suffix)
{
	size_t n;
	const char *model = wk_view_model_name(m, &n);

	if (model == m->name)
		return wk_arena_printf(a, "%s%s.html", model, suffix);
	return wk_arena_printf(a, "%.*s/%s%s.html", (int)(model - m->name - 1),
	    m->name, model, suffix);
}

/* "<model><suffix>" ("note", "note_list"), or the configured name. */
static const char *
context_name(wk_arena *a, const struct wk_model *m, const char *configured,
    const char *suffix)
{
	size_t n;
	const char *model;

	if (configured != NULL)
		return configured;
	model = wk_view_model_name(m, &n);
	return wk_arena_printf(a, "%s%s", model, suffix);
}

/* ---- what every view does ------------------------------------------------------ */

/* see internal.h */
const void *
wk__view_data(struct wk_request *req, const char *view)
{
	const void *d = req->route != NULL ? req->route->data : NULL;

	if (d == NULL)
		wk_log(req, WK_LOG_ERROR, "%s: route %s has no settings (.data)",
		    view, req->route != NULL && req->route->name != NULL ?
		    req->route->name : "?");
	return d;
}

/* see internal.h */
int
wk__view_method(struct wk_request *req, struct wk_response *resp,
    unsigned allowed)
{
	struct wk_response tmp;
	const char *allow;

	if (allowed & WK_BIT(req->method))
		return 0;
	/* The Allow list, written the one way response.c writes it. */
	wk_response_init(&tmp, resp->arena);
	if (wk_response_not_allowed(&tmp, allowed) != 0 ||
	    (allow = wk_response_header(&tmp, "Allow")) == NULL)
		return -1;
	if (req->method == WK_METHOD_OPTIONS) {
		/* Django's View.options: 200, the methods, no body */
		resp->status = 200;
		wk_buf_reset(&resp->body);
		if (wk_response_set_header(resp, "Allow", allow) != 0 ||
		    wk_response_set_header(resp, "Content-Type",
		    "text/plain; charset=utf-8") != 0)
			return -1;
		return 1;
	}
	wk_log(req, WK_LOG_WARN, "method not allowed: %s %s",
	    req->method_name, req->path);
	wk_error(req, resp, 405, "Method not allowed");
	if (wk_response_set_header(resp, "Allow", allow) != 0)
		return -1;
	return 1;
}

/* see internal.h */
int
wk__view_hook(struct wk_request *req, struct wk_response *resp, int rc)
{
	if (rc == 0)
		return 0;
	if (rc >= 400 && rc <= 599) {
		wk_error(req, resp, rc, NULL);
		return 1;
	}
	if (rc != -1)
		wk_log(req, WK_LOG_ERROR, "generic view: a hook returned %d",
		    rc);
	return -1;
}

/* A database status: 0 for OK, else its page in resp (1) or -1. */
static int
db_answer(struct wk_request *req, struct wk_response *resp, int st)
{
	if (st == WK_DB_OK)
		return 0;
	return wk_db_respond(req, resp, st, 0) == 0 ? 1 : -1;
}

/* see internal.h */
int
wk__view_get_object(struct wk_request *req, struct wk_response *resp,
    const struct wk_object_view *v, void **obj)
{
	const char *pk_name = v->pk_url_kwarg, *slug;
	const char *slug_name = v->slug_url_kwarg != NULL ? v->slug_url_kwarg :
	    "slug";
	const char *pk = NULL;
	struct wk_query q;
	long long id;
	int rc;

	*obj = NULL;
	if (pk_name != NULL)
		pk = wk_request_arg(req, pk_name);
	else if ((pk = wk_request_arg(req, pk_name = "pk")) == NULL)
		pk = wk_request_arg(req, pk_name = "id");
	slug = wk_request_arg(req, slug_name);
	if (pk == NULL && slug == NULL) {
		wk_log(req, WK_LOG_ERROR, "generic view for %s: the route has "
		    "neither a pk nor a slug argument", v->model->name);
		return -1;
	}
	wk_q_init(&q, req->arena, v->model);
	if (pk != NULL) {
		/* <int:pk> is digits; one too big for an id matches nothing */
		if (wk_request_arg_long(req, pk_name, &id) != 0)
			goto none;
		wk_q_filter(&q, "id", wk_val_int(id));
	} else {
		wk_q_filter(&q, v->slug_field != NULL ? v->slug_field : "slug",
		    wk_val_str(slug));
	}
	if (v->get_queryset != NULL &&
	    (rc = wk__view_hook(req, resp, v->get_queryset(req, &q))) != 0)
		return rc;
	switch ((rc = wk_q_get(&q, obj))) {
	case WK_DB_OK:
		return 0;
	case WK_DB_NOT_FOUND:
		goto none;
	case WK_DB_INVALID:
		/* a slug_field or a hook's filter the model does not have */
		wk_log(req, WK_LOG_ERROR, "generic view for %s: %s",
		    v->model->name, wk_db_last_error());
		return -1;
	default:
		return db_answer(req, resp, rc);
	}
none:
	wk_error(req, resp, 404, wk_arena_printf(req->arena, "No %s found "
	    "matching the query", v->model->verbose_name != NULL ?
	    v->model->verbose_name : v->model->name));
	return 1;
}

/* see internal.h */
int
wk__view_put_object(struct wk_request *req, struct wk_map *ctx,
    const struct wk_object_view *v, const void *obj)
{
	struct wk_value o = wk_orm_value(req->arena, v->model, obj);
	const char *name = context_name(req->arena, v->model,
	    v->context_object_name, "");

	if (o.kind == WK_VAL_NULL || name == NULL ||
	    wk_map_set(req->arena, ctx, "object", o) != 0 ||
	    wk_map_set(req->arena, ctx, name, o) != 0)
		return -1;
	return 0;
}

/* Run a context hook, then render name (or the default for suffix). */
static int
render(struct wk_request *req, struct wk_response *resp,
    const struct wk_model *m, const struct wk_template_set *set,
    const char *name, const char *suffix, wk_view_context_fn hook,
    struct wk_map *ctx)
{
	int rc;

	if (hook != NULL && (rc = wk__view_hook(req, resp, hook(req, ctx))))
		return rc;
	if (name == NULL &&
	    (name = wk_view_template_name(req->arena, m, suffix)) == NULL)
		return -1;
	return wk_render(req, resp, set, name, ctx) == 0 ? 1 : -1;
}

/* see internal.h */
int
wk__view_render(struct wk_request *req, struct wk_response *resp,
    const struct wk_object_view *v, const char *suffix, struct wk_map *ctx)
{
	return render(req, resp, v->model, v->templates, v->template_name,
	    suffix, v->get_context, ctx);
}

/* ---- the URL after a save or a delete ------------------------------------------- */

/* Append s percent-encoded (RFC 3986 unreserved kept). */
static void
put_encoded(wk_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			wk_buf_putc(b, (char)c);
		} else {
			wk_buf_putc(b, '%');
			wk_buf_putc(b, hex[c >> 4]);
			wk_buf_putc(b, hex[c & 15]);
		}
	}
}

/* success_url with {field} filled from obj ({{ and }} are braces). */
static const char *
format_url(struct wk_request *req, const struct wk_object_view *v,
    const void *obj)
{
	const char *u = v->success_url, *e, *p;
	const struct wk_field *f;
	struct wk_value val;
	size_t n;
	wk_buf b;

	wk_buf_init(&b, req->arena);
	if (u[0] == '/')
		wk_buf_puts(&b, req->script_name);
	for (; *u != '\0'; u++) {
		if ((u[0] == '{' || u[0] == '}') && u[1] == u[0]) {
			wk_buf_putc(&b, *u++);
			continue;
		}
		if (*u != '{') {
			wk_buf_putc(&b, *u);
			continue;
		}
		if ((e = strchr(u + 1, '}')) == NULL)
			goto bad;
		n = (size_t)(e - u - 1);
		f = n == 2 && memcmp(u + 1, "pk", 2) == 0 ?
		    &v->model->fields[0] : wk_model_fieldn(v->model, u + 1, n);
		if (f == NULL)
			goto bad;
		val = wk_orm_field_value(v->model, f, obj);
		if (wk_value_text(&val, req->arena, &p, &n) != 0)
			return NULL;
		put_encoded(&b, p, n);
		u = e;
	}
	return wk_buf_cstr(&b);
bad:
	wk_log(req, WK_LOG_ERROR, "generic view for %s: success_url '%s': "
	    "an unknown field or an unclosed {", v->model->name,
	    v->success_url);
	return NULL;
}

/* see internal.h */
const char *
wk__view_success_url(struct wk_request *req, const struct wk_object_view *v,
    const void *obj)
{
	const char *id, *url, *key;
	const struct wk_field *slug;
	size_t i;

	if (v->success_url != NULL) {
		if (strncmp(v->success_url, "http://", 7) != 0 &&
		    strncmp(v->success_url, "https://", 8) != 0 &&
		    v->success_url[0] != '/') {
			wk_log(req, WK_LOG_ERROR, "generic view for %s: "
			    "success_url '%s' is neither a path nor an "
			    "http(s) URL", v->model->name, v->success_url);
			return NULL;
		}
		return format_url(req, v, obj);
	}
	if (v->success_route == NULL) {
		wk_log(req, WK_LOG_ERROR, "generic view for %s: no URL to "
		    "redirect to; set success_url or success_route",
		    v->model->name);
		return NULL;
	}
	if ((url = wk_url(req, v->success_route, NULL, 0)) != NULL)
		return url;
	id = wk_arena_printf(req->arena, "%lld", wk_model_id(v->model, obj));
	if (id == NULL)
		return NULL;
	for (i = 0; i < 2; i++) {
		key = i == 0 ? "pk" : "id";
		if ((url = wk_url_kw(req, v->success_route, &key, &id, 1)) !=
		    NULL)
			return url;
	}
	slug = wk_model_field(v->model, v->slug_field != NULL ?
	    v->slug_field : "slug");
	if (slug != NULL && slug->kind == WK_FIELD_TEXT &&
	    !wk_model_is_null(v->model, slug, obj)) {
		const char *s;
		key = "slug";
		memcpy(&s, (const char *)obj + slug->offset, sizeof(s));
		if ((url = wk_url_kw(req, v->success_route, &key, &s, 1)) !=
		    NULL)
			return url;
	}
	wk_log(req, WK_LOG_ERROR, "generic view for %s: route '%s' does not "
	    "reverse with no argument, the pk or the slug", v->model->name,
	    v->success_route);
	return NULL;
}

/* ---- pagination ------------------------------------------------------------------ */

/* see generic.h */
int
wk_view_paginate(struct wk_request *req, struct wk_response *resp,
    struct wk_query *q, long long per_page, long long orphans,
    int allow_empty_first_page, const char *page_kwarg,
    struct wk_paginator *p, struct wk_page *pg)
{
	enum wk_page_status ps;
	const char *s;
	long long n;
	int st;

	if (page_kwarg == NULL)
		page_kwarg = "page";
	if ((st = wk_paginator_init_query(p, q, per_page, orphans,
	    allow_empty_first_page)) != WK_DB_OK) {
		if (st == WK_DB_INVALID) {
			wk_log(req, WK_LOG_ERROR, "paginate %s: %s",
			    q->model->name, per_page < 1 ? "per_page < 1" :
			    orphans < 0 ? "orphans < 0" : wk_db_last_error());
			return -1;
		}
		return db_answer(req, resp, st);
	}
	if ((s = wk_request_arg(req, page_kwarg)) == NULL)
		s = wk_request_get(req, page_kwarg);
	if (wk_paginator_parse(p, s, &n) != WK_PAGE_OK) {
		wk_error(req, resp, 404, "Page is not \xe2\x80\x9clast\xe2\x80"
		    "\x9d, nor can it be converted to an int.");
		return 1;
	}
	if ((ps = wk_paginator_page(p, n, pg)) != WK_PAGE_OK) {
		wk_error(req, resp, 404, wk_arena_printf(req->arena,
		    "Invalid page (%lld): %s", n, wk_page_status_message(ps)));
		return 1;
	}
	return db_answer(req, resp, wk_page_fetch(pg));
}

/* ---- the list view ------------------------------------------------------------- */

/* see generic.h */
int
wk_list_view(struct wk_request *req, struct wk_response *resp)
{
	const struct wk_list_view *v;
	struct wk_paginator *p;
	struct wk_page *pg;
	struct wk_query q;
	struct wk_value list;
	struct wk_map *ctx;
	const char *name;
	void **rows;
	size_t n;
	int rc, yes;

	if ((rc = wk__view_method(req, resp, WK_GET)) != 0)
		return rc < 0 ? -1 : 0;
	if ((v = wk__view_data(req, "wk_list_view")) == NULL)
		return -1;
	if (v->model == NULL) {
		wk_log(req, WK_LOG_ERROR, "wk_list_view: no .model");
		return -1;
	}
	wk_q_init(&q, req->arena, v->model);
	if (v->ordering != NULL && wk_q_order_by(&q, v->ordering) != WK_DB_OK) {
		wk_log(req, WK_LOG_ERROR, "wk_list_view for %s: ordering "
		    "'%s': %s", v->model->name, v->ordering,
		    wk_db_last_error());
		return -1;
	}
	if (v->get_queryset != NULL &&
	    (rc = wk__view_hook(req, resp, v->get_queryset(req, &q))) != 0)
		return rc < 0 ? -1 : 0;
	if (q.status != WK_DB_OK) {
		if (q.status == WK_DB_INVALID) {
			wk_log(req, WK_LOG_ERROR, "wk_list_view for %s: %s",
			    v->model->name, wk_db_last_error());
			return -1;
		}
		return db_answer(req, resp, q.status) < 0 ? -1 : 0;
	}
	if (v->disallow_empty) {
		/* Django asks the cheap question before paginating */
		if ((rc = db_answer(req, resp, wk_q_exists(&q, &yes))) != 0)
			return rc < 0 ? -1 : 0;
		if (!yes)
			return wk_error(req, resp, 404, "Empty list and "
			    "\xe2\x80\x9c" "allow_empty\xe2\x80\x9d is False.");
	}
	if ((ctx = wk_map_new(req->arena)) == NULL)
		return -1;
	if (v->paginate_by > 0) {
		p = wk_arena_alloc(req->arena, sizeof(*p));
		pg = wk_arena_alloc(req->arena, sizeof(*pg));
		if (p == NULL || pg == NULL)
			return -1;
		if (q.order.len == 0)
			wk_log(req, WK_LOG_WARN, "wk_list_view: pagination may "
			    "yield inconsistent results with an unordered "
			    "%s list; set .ordering", v->model->name);
		if ((rc = wk_view_paginate(req, resp, &q, v->paginate_by,
		    v->paginate_orphans, !v->disallow_empty, v->page_kwarg,
		    p, pg)) != 0)
			return rc < 0 ? -1 : 0;
		list = wk_rows_value(req->arena, v->model, pg->rows,
		    pg->nrows);
		if (wk_map_set(req->arena, ctx, "paginator",
		    wk_paginator_value(req->arena, p)) != 0 ||
		    wk_map_set(req->arena, ctx, "page_obj",
		    wk_page_value(req->arena, pg)) != 0 ||
		    wk_map_set(req->arena, ctx, "is_paginated",
		    wk_val_bool(wk_page_has_other_pages(pg))) != 0)
			return -1;
	} else {
		if ((rc = db_answer(req, resp, wk_q_list(&q, &rows, &n))) != 0)
			return rc < 0 ? -1 : 0;
		list = wk_rows_value(req->arena, v->model, rows, n);
		if (wk_map_set(req->arena, ctx, "paginator",
		    wk_val_null()) != 0 ||
		    wk_map_set(req->arena, ctx, "page_obj", wk_val_null()) ||
		    wk_map_set(req->arena, ctx, "is_paginated",
		    wk_val_bool(0)) != 0)
			return -1;
	}
	name = context_name(req->arena, v->model, v->context_object_name,
	    "_list");
	if (list.kind == WK_VAL_NULL || name == NULL ||
	    wk_map_set(req->arena, ctx, "object_list", list) != 0 ||
	    wk_map_set(req->arena, ctx, name, list) != 0)
		return -1;
	rc = render(req, resp, v->model, v->templates, v->template_name,
	    "_list", v->get_context, ctx);
	return rc < 0 ? -1 : 0;
}

/* ---- the detail view ----------------------------------------------------------- */

/* see internal.h */
const struct wk_object_view *
wk__view_object(struct wk_request *req, const char *view)
{
	const struct wk_object_view *v = wk__view_data(req, view);

	if (v != NULL && v->model == NULL) {
		wk_log(req, WK_LOG_ERROR, "%s: no .model", view);
		return NULL;
	}
	return v;
}

/* see generic.h */
int
wk_detail_view(struct wk_request *req, struct wk_response *resp)
{
	const struct wk_object_view *v;
	struct wk_map *ctx;
	void *obj;
	int rc;

	if ((rc = wk__view_method(req, resp, WK_GET)) != 0)
		return rc < 0 ? -1 : 0;
	if ((v = wk__view_object(req, "wk_detail_view")) == NULL)
		return -1;
	if ((rc = wk__view_get_object(req, resp, v, &obj)) != 0)
		return rc < 0 ? -1 : 0;
	if ((ctx = wk_map_new(req->arena)) == NULL ||
	    wk__view_put_object(req, ctx, v, obj) != 0)
		return -1;
	rc = wk__view_render(req, resp, v, "_detail", ctx);
	return rc < 0 ? -1 : 0;
}
