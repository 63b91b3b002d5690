/*
 * views.c - the app books: the reading list and a form to add a book.
 */
#include <stddef.h>

#include "wick/auth/session.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/forms/form.h"
#include "wick/http/app.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/template/template.h"
#include "wick/views/generic.h"
#include "mysite.h"
#include "books.h"
#include "models.h"

/*
 * /books/ - every book, unread first, then by title, 20 to a page: a
 * generic list view (wick/views/generic.h) renders books/book_list.html
 * with book_list, page_obj, paginator and is_paginated.
 */
static const struct wk_list_view book_list = {
	.model = &books_book_model,
	.templates = &mysite_templates,
	.ordering = "read,title,id",
	.paginate_by = 20,
};

const struct wk_route books_routes[] = {
	{ "", wk_list_view, "book_list", WK_GET, NULL, &book_list },
	{ "new/", books_book_new, "book_new", WK_GET | WK_POST, NULL },
	WK_ROUTES_END
};

static const char *const book_form_fields[] = { "title", "author", "read",
    NULL };

static int
render_form(struct wk_request *req, struct wk_response *resp,
    struct wk_form *form)
{
	struct wk_map *ctx = wk_map_new(req->arena);

	if (ctx == NULL ||
	    wk_map_set(req->arena, ctx, "form", wk_form_value(form)) != 0)
		return -1;
	return wk_render(req, resp, &mysite_templates, "books/book_form.html",
	    ctx);
}

/* /books/new/ - GET: the empty form; POST: check it, save, redirect. */
int
books_book_new(struct wk_request *req, struct wk_response *resp)
{
	struct wk_model_form mf;
	struct books_book *b;
	char now[32];
	const char *url;
	int st;

	if (wk_model_form_init(&mf, req->arena, &books_book_model,
	    book_form_fields, NULL) != 0)
		return -1;
	if (req->method != WK_METHOD_POST)
		return render_form(req, resp, &mf.form);
	if (wk_form_bind(&mf.form, req) != 0)
		return -1;
	if ((st = wk_model_form_is_valid(&mf)) < 0)
		return -1;
	if (st == 0)                       /* errors: show them */
		return render_form(req, resp, &mf.form);
	if (wk_db_now(now, sizeof(now)) != 0)
		return -1;
	b = mf.obj;
	b->added = now;
	st = wk_model_form_save(&mf);
	if (st == WK_DB_INVALID)
		return render_form(req, resp, &mf.form);
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if (wk_message_add(req, WK_MSG_SUCCESS, "Book added.") != 0 ||
	    (url = wk_url(req, "book_list", NULL, 0)) == NULL)
		return -1;
	return wk_response_redirect(resp, req, url, 302);
}
