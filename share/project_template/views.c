/*
 * views.c - the project's own pages: home, log in and out, static files
 * and the error pages.  A view gathers values into a context and calls
 * wk_render; the templates decide how things look.  "user" and
 * "messages" come from the context processor (app.c).
 */
#include <stddef.h>

#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/http/app.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/static.h"
#include "wick/template/template.h"
#include "@PROJECT@.h"
#include "models.h"

#define HOME_NOTES 10

/* see @PROJECT@.h */
int
@PROJECT@_home(struct wk_request *req, struct wk_response *resp)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	struct wk_list *notes = wk_list_new(req->arena);
	struct wk_query q;
	void *row;
	int st;

	if (ctx == NULL || notes == NULL)
		return -1;
	wk_q_init(&q, req->arena, &@PROJECT@_note_model);
	wk_q_order_by(&q, "-created,-id");
	wk_q_limit(&q, HOME_NOTES, 0);
	while ((st = wk_q_next(&q, &row)) == WK_DB_ROW)
		if (wk_list_push(req->arena, notes, wk_orm_value(req->arena,
		    &@PROJECT@_note_model, row)) != 0) {
			wk_q_close(&q);
			return -1;
		}
	wk_q_close(&q);
	if (st != WK_DB_DONE)
		return wk_db_respond(req, resp, st, 0);
	if (wk_map_set(req->arena, ctx, "notes", wk_val_list(notes)) != 0)
		return -1;
	return wk_render(req, resp, &@PROJECT@_templates, "home.html", ctx);
}

static const struct wk_auth_pages @PROJECT@_auth_pages = {
	.set = &@PROJECT@_templates,
	.login_template = "login.html",
	.after_login = "home",
	.after_logout = "home",
};

/* see @PROJECT@.h */
int
@PROJECT@_login(struct wk_request *req, struct wk_response *resp)
{
	return wk_auth_login_view(req, resp, &@PROJECT@_auth_pages);
}

/* see @PROJECT@.h */
int
@PROJECT@_logout(struct wk_request *req, struct wk_response *resp)
{
	return wk_auth_logout_view(req, resp, &@PROJECT@_auth_pages);
}

/* see @PROJECT@.h: the embedded files of static/, by plain or hashed name */
int
@PROJECT@_static(struct wk_request *req, struct wk_response *resp)
{
	const char *name = wk_request_arg(req, "name");

	if (name == NULL)
		return wk_error(req, resp, 404, "No such static file");
	return wk_asset_serve(&@PROJECT@_templates, req, resp, name);
}

/* see @PROJECT@.h: templates/404.html (a status without a template gets
 * Wick's built-in page) */
int
@PROJECT@_error_page(struct wk_request *req, struct wk_response *resp,
    const char *message)
{
	return wk_template_error_page(&@PROJECT@_templates, req, resp,
	    message);
}
