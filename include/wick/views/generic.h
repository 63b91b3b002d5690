/*
 * generic.h - Django's generic views from model metadata: a list (with
 * pagination), a detail page, create and update forms, and a delete with
 * a confirmation page.
 *
 * A generic view is an ordinary view function; what it shows comes from
 * the route's .data (router.h), a const struct of settings that names the
 * model.  One function serves every route that uses it:
 *
 *   static const struct wk_list_view note_list = {
 *       .model = &notes_note_model, .templates = &notes_templates,
 *       .paginate_by = 20, .ordering = "-created" };
 *   static const struct wk_object_view note_detail = {
 *       .model = &notes_note_model, .templates = &notes_templates };
 *   static const char *const note_fields[] = { "title", "body", NULL };
 *   static const struct wk_object_view note_edit = {
 *       .model = &notes_note_model, .templates = &notes_templates,
 *       .fields = note_fields, .success_route = "note_detail" };
 *   static const struct wk_object_view note_delete = {
 *       .model = &notes_note_model, .templates = &notes_templates,
 *       .success_route = "note_list" };
 *
 *   static const struct wk_route routes[] = {
 *       { "", wk_list_view, "note_list", WK_GET, NULL, &note_list },
 *       { "<int:pk>/", wk_detail_view, "note_detail", WK_GET, NULL,
 *         &note_detail },
 *       { "new/", wk_create_view, "note_new", WK_GET | WK_POST, NULL,
 *         &note_edit },
 *       { "<int:pk>/edit/", wk_update_view, "note_edit",
 *         WK_GET | WK_POST, NULL, &note_edit },
 *       { "<int:pk>/delete/", wk_delete_view, "note_delete",
 *         WK_GET | WK_POST, NULL, &note_delete },
 *       WK_ROUTES_END
 *   };
 *
 * Templates, by Django's names: a model named app_model (notes_note:
 * app label "notes", model name "note", split at the first '_'; a name
 * without one has no folder) is shown with
 *   list     notes/note_list.html            object_list, note_list,
 *                                             paginator, page_obj,
 *                                             is_paginated
 *   detail   notes/note_detail.html          object, note
 *   create   notes/note_form.html            form
 *   update   notes/note_form.html            form, object, note
 *   delete   notes/note_confirm_delete.html  object, note
 * .template_name replaces the name; .context_object_name replaces
 * "note_list" / "note" (object_list and object are always there).  The
 * page is rendered with wk_render, so the app's context processors run
 * (the user, messages, csrf...), and the view's values win.
 *
 * Answers, as Django's:
 *   - list: ?page=N (or the route's <int:page>), "last" for the last
 *     page; a page that is not a number, or out of range -> 404.  An
 *     empty list is a page, unless .disallow_empty (-> 404).
 *   - the object views find the object by the route's <int:pk> (or
 *     <int:id>), else by <slug:slug> against .slug_field ("slug"); none
 *     that matches -> 404 "No note found matching the query".
 *   - create/update: GET shows the model form (wk_model_form_*, the
 *     .fields listed); POST validates, saves and redirects (302); an
 *     invalid form (a unique value already taken included) is shown
 *     again, 200, with its errors.  CSRF is the middleware's job.
 *   - delete: GET shows the confirmation page and deletes nothing; POST
 *     (or DELETE) deletes and redirects.
 *   - OPTIONS answers 200 with Allow; a method the view does not take
 *     (a route with methods 0 lets every one through) -> 405 with Allow.
 *     Routes should still list their methods: then the router answers.
 * Database errors become the usual pages (wk_db_respond: 503 when busy).
 *
 * A view configured wrongly (no .data, no .model, no URL to go to after
 * a save, a route without pk or slug) logs what is missing and answers
 * 500: a programming error, never the visitor's.
 *
 * The hooks (all optional) get the request and return 0 to go on, -1 for
 * a 500, or an HTTP status >= 400 to answer with that error page instead
 * (403 when the visitor may not see the rows, say).
 */
#ifndef WICK_VIEWS_GENERIC_H
#define WICK_VIEWS_GENERIC_H

#include <stddef.h>

#include "wick/core/value.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/forms/form.h"
#include "wick/template/template.h"
#include "wick/views/paginator.h"

struct wk_request;
struct wk_response;

/*
 * A queryset hook (Django's get_queryset): refine q, already made over
 * the view's model (and ordered, for a list), with filters of the
 * request's: only the visitor's own rows, only the published ones.  For
 * the object views a row the hook filters out is a 404.
 */
typedef int (*wk_view_queryset_fn)(struct wk_request *req,
    struct wk_query *q);

/*
 * A context hook (Django's get_context_data): add values to ctx, which
 * already holds the view's own (object_list, object, form...).
 */
typedef int (*wk_view_context_fn)(struct wk_request *req,
    struct wk_map *ctx);

/* The settings of a list view (Django's ListView); zero is the default. */
struct wk_list_view {
	const struct wk_model *model;          /* required */
	const struct wk_template_set *templates; /* the app's; NULL: only
	                                          the library's */
	const char *template_name;             /* NULL: app/model_list.html */
	const char *context_object_name;       /* NULL: "<model>_list" */
	const char *ordering;                  /* wk_q_order_by's syntax:
	                                          "-created,title"; NULL:
	                                          none */
	long long paginate_by;                 /* 0: no pagination */
	long long paginate_orphans;            /* Django's paginate_orphans */
	int disallow_empty;                    /* 1: an empty list is 404
	                                          (Django's allow_empty =
	                                          False) */
	const char *page_kwarg;                /* NULL: "page" (a route
	                                          capture, else ?page=) */
	wk_view_queryset_fn get_queryset;      /* filters, or NULL */
	wk_view_context_fn get_context;        /* more context, or NULL */
};

/*
 * The settings of the object views: detail, create, update and delete
 * (Django's SingleObjectMixin and ModelFormMixin).  One struct may serve
 * create and update both.  Zero is the default.
 */
struct wk_object_view {
	const struct wk_model *model;          /* required */
	const struct wk_template_set *templates;
	const char *template_name;             /* NULL: Django's name */
	const char *context_object_name;       /* NULL: "<model>" */
	/* Finding the object (detail, update, delete). */
	const char *pk_url_kwarg;              /* NULL: "pk", then "id" */
	const char *slug_url_kwarg;            /* NULL: "slug" */
	const char *slug_field;                /* NULL: "slug" */
	wk_view_queryset_fn get_queryset;
	wk_view_context_fn get_context;
	/* The form (create, update): the model fields it edits, a
	 * NULL-terminated list (required there). */
	const char *const *fields;
	/*
	 * Called with a valid form before it is saved (Django's
	 * form_valid): set what the form does not show on mf->obj (the
	 * author, a date).  May add errors (wk_form_add_error on
	 * &mf->form) and return 0: the form is then shown again.
	 */
	int (*form_valid)(struct wk_request *req, struct wk_model_form *mf);
	/*
	 * Where to go after a save or a delete.  success_url: a path in the
	 * app ("/notes/{id}/"; SCRIPT_NAME is put in front), where {field}
	 * is replaced by the object's field (percent-encoded), as Django's
	 * success_url.format(**obj.__dict__); or an absolute http(s) URL
	 * (then wk_response_redirect's host rules apply).  Else
	 * success_route: a route name, reversed with no arguments or with
	 * the object's pk as <pk> or <id>, or its slug as <slug>, whichever
	 * the route takes (Django's get_absolute_url).  One is required.
	 */
	const char *success_url;
	const char *success_route;
};

/*
 * The views: put them in a route table with their settings as .data
 * (a struct wk_list_view for wk_list_view, a struct wk_object_view for
 * the others).  They return 0 with resp filled (404, 405... included),
 * or -1 for a 500 (logged).
 */
int wk_list_view(struct wk_request *req, struct wk_response *resp);
int wk_detail_view(struct wk_request *req, struct wk_response *resp);
int wk_create_view(struct wk_request *req, struct wk_response *resp);
int wk_update_view(struct wk_request *req, struct wk_response *resp);
int wk_delete_view(struct wk_request *req, struct wk_response *resp);

/* ---- the pieces, for views of an app's own ------------------------------------ */

/*
 * wk_view_template_name - Django's default template name for model m and
 * suffix ("_list", "_detail", "_form", "_confirm_delete"):
 * "notes/note_list.html" for notes_note.  Arena string; NULL on failure.
 */
const char *wk_view_template_name(wk_arena *a, const struct wk_model *m,
    const char *suffix);

/*
 * wk_view_model_name - Django's model_name: the model's name after the
 * app label ("note" for notes_note; the whole name when it has no '_').
 * Points into m->name; its length goes to *len.
 */
const char *wk_view_model_name(const struct wk_model *m, size_t *len);

/*
 * wk_view_paginate - paginate q for req as the list view does: the page
 * number from the route's capture page_kwarg ("page" when NULL) or else
 * the query string, "last" allowed; then one COUNT, the check, and the
 * page's rows (wk_page_fetch).  *p and *pg are filled; q must outlive
 * them.  Returns 0 when the page is ready; 1 when resp holds the answer
 * instead (404 for a page that is not a number or out of range, with
 * Django's message; a database error's page); -1 on failure (logged).
 *
 *   if ((st = wk_view_paginate(req, resp, &q, 20, 0, 1, NULL, &p, &pg)))
 *       return st < 0 ? -1 : 0;
 */
int wk_view_paginate(struct wk_request *req, struct wk_response *resp,
    struct wk_query *q, long long per_page, long long orphans,
    int allow_empty_first_page, const char *page_kwarg,
    struct wk_paginator *p, struct wk_page *pg);

#endif /* WICK_VIEWS_GENERIC_H */
