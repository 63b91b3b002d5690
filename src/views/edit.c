/*
 * edit.c - the generic views that change rows (see generic.h): create
 * and update through a model form, delete after a confirmation page.
 * Django's django/views/generic/edit.py: GET shows, POST acts, a valid
 * form is saved and followed by a redirect (302), an invalid one is
 * shown again with its errors.  CSRF is checked before any of this, by
 * the middleware.
 */
#include <string.h>

#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/http/app.h"
#include "wick/views/generic.h"
#include "internal.h"

/* Show the form page: form, and the object being edited when there is
 * one.  0 or -1, as a view. */
static int
show_form(struct wk_request *req, struct wk_response *resp,
    const struct wk_object_view *v, struct wk_model_form *mf,
    const void *instance)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	int rc;

	if (ctx == NULL ||
	    wk_map_set(req->arena, ctx, "form", wk_form_value(&mf->form)) != 0)
		return -1;
	if (instance != NULL && wk__view_put_object(req, ctx, v, instance))
		return -1;
	rc = wk__view_render(req, resp, v, "_form", ctx);
	return rc < 0 ? -1 : 0;
}

/* Create (instance NULL) or update: the whole of ProcessFormView. */
static int
form_view(struct wk_request *req, struct wk_response *resp,
    const char *view, int update)
{
	const struct wk_object_view *v;
	struct wk_model_form mf;
	const char *url;
	void *obj = NULL;
	int rc, st;

	if ((rc = wk__view_method(req, resp, WK_GET | WK_POST)) != 0)
		return rc < 0 ? -1 : 0;
	if ((v = wk__view_object(req, view)) == NULL)
		return -1;
	if (v->fields == NULL ||
	    (v->success_url == NULL && v->success_route == NULL)) {
		/* said before anything is saved, not after */
		wk_log(req, WK_LOG_ERROR, "%s for %s: no %s", view,
		    v->model->name, v->fields == NULL ? ".fields" :
		    "URL to redirect to; set success_url or success_route");
		return -1;
	}
	if (update && (rc = wk__view_get_object(req, resp, v, &obj)) != 0)
		return rc < 0 ? -1 : 0;
	if (wk_model_form_init(&mf, req->arena, v->model, v->fields, obj)) {
		wk_log(req, WK_LOG_ERROR, "%s for %s: .fields names a field "
		    "the model does not have, or too many", view,
		    v->model->name);
		return -1;
	}
	if (req->method != WK_METHOD_POST)
		return show_form(req, resp, v, &mf, obj);
	if (wk_form_bind(&mf.form, req) != 0 ||
	    (st = wk_model_form_is_valid(&mf)) < 0)
		return -1;
	if (st == 0)
		return show_form(req, resp, v, &mf, obj);
	if (v->form_valid != NULL) {
		if ((rc = wk__view_hook(req, resp, v->form_valid(req, &mf))))
			return rc < 0 ? -1 : 0;
		if (mf.form.errors.len > 0)
			return show_form(req, resp, v, &mf, obj);
	}
	st = wk_model_form_save(&mf);
	if (st == WK_DB_INVALID)
		return show_form(req, resp, v, &mf, obj);
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if ((url = wk__view_success_url(req, v, mf.obj)) == NULL)
		return -1;
	return wk_response_redirect(resp, req, url, 302);
}

/* see generic.h */
int
wk_create_view(struct wk_request *req, struct wk_response *resp)
{
	return form_view(req, resp, "wk_create_view", 0);
}

/* see generic.h */
int
wk_update_view(struct wk_request *req, struct wk_response *resp)
{
	return form_view(req, resp, "wk_update_view", 1);
}

/* see generic.h */
int
wk_delete_view(struct wk_request *req, struct wk_response *resp)
{
	const struct wk_object_view *v;
	struct wk_map *ctx;
	const char *url;
	void *obj;
	int rc, st;

	if ((rc = wk__view_method(req, resp, WK_GET | WK_POST | WK_DELETE)))
		return rc < 0 ? -1 : 0;
	if ((v = wk__view_object(req, "wk_delete_view")) == NULL)
		return -1;
	if (v->success_url == NULL && v->success_route == NULL) {
		wk_log(req, WK_LOG_ERROR, "wk_delete_view for %s: no URL to "
		    "redirect to; set success_url or success_route",
		    v->model->name);
		return -1;
	}
	if ((rc = wk__view_get_object(req, resp, v, &obj)) != 0)
		return rc < 0 ? -1 : 0;
	if (req->method == WK_METHOD_GET || req->method == WK_METHOD_HEAD) {
		if ((ctx = wk_map_new(req->arena)) == NULL ||
		    wk__view_put_object(req, ctx, v, obj) != 0)
			return -1;
		rc = wk__view_render(req, resp, v, "_confirm_delete", ctx);
		return rc < 0 ? -1 : 0;
	}
	/* Django works the URL out first: it may name the object's fields */
	if ((url = wk__view_success_url(req, v, obj)) == NULL)
		return -1;
	st = wk_orm_delete(v->model, wk_model_id(v->model, obj));
	if (st == WK_DB_NOT_FOUND)   /* deleted meanwhile */
		return wk_error(req, resp, 404, "Already deleted");
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	return wk_response_redirect(resp, req, url, 302);
}
