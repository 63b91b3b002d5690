/*
 * edit.c - the admin's add, change and delete pages (see admin.h): the
 * model form (wk_model_form_*, the generic views' machinery) with its
 * errors in place, the three save buttons, a flash message after each
 * save and delete, and the permission checks of every GET and POST.
 */
#include <string.h>

#include "wick/auth/session.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/forms/form.h"
#include "wick/http/app.h"
#include "internal.h"

/* 1 if name is in the NULL-terminated list (NULL: empty). */
static int
listed(const char *const *list, const char *name)
{
	size_t i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* The fields the page shows, in order: .fields, or every field but the
 * key.  NULL-terminated arena array; NULL on failure. */
static const char **
shown_fields(struct wk_request *req, const struct wk_admin_entry *e)
{
	const struct wk_model *m = e->model;
	const char **out;
	size_t i, n = 0;

	out = wk_arena_calloc(req->arena, m->nfields + 1, sizeof(*out));
	if (out == NULL)
		return NULL;
	if (e->opts->fields != NULL) {
		for (i = 0; e->opts->fields[i] != NULL; i++)
			out[n++] = e->opts->fields[i];
		return out;
	}
	for (i = 0; i < m->nfields; i++)
		if (!(m->fields[i].flags & WK_PK))
			out[n++] = m->fields[i].name;
	return out;
}

/* Of shown, those the form edits (editable) or those only shown. */
static const char **
pick(struct wk_request *req, const struct wk_admin_entry *e,
    const char **shown, int editable, int all_readonly)
{
	const char **out;
	size_t i, n = 0, len = 0;

	while (shown[len] != NULL)
		len++;
	if ((out = wk_arena_calloc(req->arena, len + 1, sizeof(*out))) ==
	    NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		int ro = all_readonly ||
		    listed(e->opts->readonly_fields, shown[i]);
		if (ro != editable)
			out[n++] = shown[i];
	}
	return out;
}

/* The read-only fields as {label, value}. */
static struct wk_list *
readonly_value(struct wk_request *req, const struct wk_model *m,
    const char *const *names, const void *obj)
{
	wk_arena *a = req->arena;
	struct wk_list *l = wk_list_new(a);
	const struct wk_field *f;
	struct wk_map *mp;
	const char *text;
	size_t i;

	if (l == NULL)
		return NULL;
	for (i = 0; names[i] != NULL; i++) {
		f = wk_model_field(m, names[i]);
		text = obj != NULL ? wk__admin_cell(req, m, f, obj) : "-";
		if (text == NULL || (mp = wk_map_new(a)) == NULL ||
		    wk_map_set(a, mp, "label", wk_val_str(wk_field_label(f))) ||
		    wk_map_set(a, mp, "value", wk_val_str(text)) != 0 ||
		    wk_list_push(a, l, wk_val_map(mp)) != 0)
			return NULL;
	}
	return l;
}

static const char *
verbose(const struct wk_admin_entry *e)
{
	return e->model->verbose_name != NULL ? e->model->verbose_name :
	    e->model_name;
}

static const char *
verbose_plural(const struct wk_admin_entry *e)
{
	return e->model->verbose_name_plural != NULL ?
	    e->model->verbose_name_plural : verbose(e);
}

/* The form page (add or change). */
static int
show_form(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, struct wk_model_form *mf, const char **ro,
    const void *obj, int editable, int status)
{
	wk_arena *a = req->arena;
	const struct wk_admin_entry *e = ad->entry;
	struct wk_list *rol = readonly_value(req, e->model, ro, obj);
	const char *title, *label = NULL;
	struct wk_map *ctx;

	if (obj != NULL && (label = wk_model_str(e->model, obj, a)) == NULL)
		return -1;
	title = wk_arena_printf(a, "%s %s", obj == NULL ? "Add" :
	    editable ? "Change" : "View", verbose(e));
	if (rol == NULL || title == NULL ||
	    (ctx = wk__admin_context(req, ad, title)) == NULL ||
	    wk_map_set(a, ctx, "form", mf != NULL ? wk_form_value(&mf->form) :
	    wk_val_null()) != 0 ||
	    wk_map_set(a, ctx, "readonly", wk_val_list(rol)) != 0 ||
	    wk_map_set(a, ctx, "editable", wk_val_bool(editable)) != 0 ||
	    wk_map_set(a, ctx, "is_new", wk_val_bool(obj == NULL)) != 0 ||
	    wk_map_set(a, ctx, "object_label", wk_val_str(label)) != 0 ||
	    wk_map_set(a, ctx, "model_name", wk_val_str(verbose(e))) != 0 ||
	    wk_map_set(a, ctx, "model_plural",
	    wk_val_str(verbose_plural(e))) != 0 ||
	    wk_map_set(a, ctx, "list_url", wk_val_str(wk__admin_url(req, ad,
	    e, ""))) != 0 ||
	    wk_map_set(a, ctx, "app_label", wk_val_str(e->app_label)) != 0)
		return -1;
	if (obj != NULL && wk_map_set(a, ctx, "history_url",
	    wk_val_str(wk_arena_printf(a, "%s%lld/history/",
	    wk__admin_url(req, ad, e, ""), wk_model_id(e->model, obj)))) != 0)
		return -1;
	if (obj != NULL && wk__admin_perm(req, ad, e, "delete") &&
	    wk_map_set(a, ctx, "delete_url", wk_val_str(wk_arena_printf(a,
	    "%s%lld/delete/", wk__admin_url(req, ad, e, ""),
	    wk_model_id(e->model, obj)))) != 0)
		return -1;
	if (obj == NULL || wk__admin_perm(req, ad, e, "add")) {
		if (wk_map_set(a, ctx, "can_add", wk_val_bool(1)) != 0)
			return -1;
	}
	return wk__admin_render(req, resp, ad, "admin/change_form.html", ctx,
	    status);
}

/* After a save: the flash message and where the button pressed goes. */
static int
saved(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, const void *obj, int added)
{
	const struct wk_admin_entry *e = ad->entry;
	const char *label = wk_model_str(e->model, obj, req->arena);
	const char *list = wk__admin_url(req, ad, e, ""), *url, *more = "";
	long long id = wk_model_id(e->model, obj);

	if (label == NULL || list == NULL)
		return -1;
	if (wk_request_post(req, "_continue") != NULL) {
		url = wk_arena_printf(req->arena, "%s%lld/change/", list, id);
		more = " You may edit it again below.";
	} else if (wk_request_post(req, "_addanother") != NULL) {
		url = wk_arena_printf(req->arena, "%sadd/", list);
		more = wk_arena_printf(req->arena, " You may add another %s "
		    "below.", verbose(e));
	} else {
		url = list;
	}
	if (url == NULL || more == NULL ||
	    wk_message_add(req, WK_MSG_SUCCESS, wk_arena_printf(req->arena,
	    "The %s \xe2\x80\x9c%s\xe2\x80\x9d was %s successfully.%s",
	    verbose(e), label, added ? "added" : "changed", more)) != 0)
		return -1;
	return wk_response_redirect(resp, NULL, url, 302);
}

/* Add (obj NULL) or change obj: the whole form page. */
static int
form_page(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, void *obj, int editable)
{
	const struct wk_admin_entry *e = ad->entry;
	const char **shown, **edit, **ro;
	struct wk_model_form mf;
	void *before = NULL;
	int st;

	if ((shown = shown_fields(req, e)) == NULL ||
	    (edit = pick(req, e, shown, 1, !editable)) == NULL ||
	    (ro = pick(req, e, shown, 0, !editable)) == NULL)
		return -1;
	if (!editable)
		return show_form(req, resp, ad, NULL, ro, obj, 0, 200);
	if (wk_model_form_init(&mf, req->arena, e->model, edit, obj) != 0) {
		wk_log(req, WK_LOG_ERROR, "admin: %s: the form cannot be made "
		    "(more than %d fields?)", e->model->name,
		    WK_MODEL_FORM_MAX);
		return -1;
	}
	if (req->method != WK_METHOD_POST)
		return show_form(req, resp, ad, &mf, ro, obj, 1, 200);
	if (obj != NULL &&
	    (before = wk__admin_snapshot(req, e->model, obj)) == NULL)
		return -1;
	if (wk_form_bind(&mf.form, req) != 0 ||
	    (st = wk_model_form_is_valid(&mf)) < 0)
		return -1;
	if (st == 0)
		return show_form(req, resp, ad, &mf, ro, obj, 1, 200);
	st = wk__admin_save_logged(req, ad, &mf, before);
	if (st == WK_DB_INVALID)
		return show_form(req, resp, ad, &mf, ro, obj, 1, 200);
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: %s %s id=%lld by user %lld",
	    obj == NULL ? "added" : "changed", e->model->name,
	    wk_model_id(e->model, mf.obj), ad->user->id);
	return saved(req, resp, ad, mf.obj, obj == NULL);
}

/* The object the URL names into *obj: 0, or 1 with a 404 in resp. */
static int
get_object(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, void **obj)
{
	int st = wk_orm_get(req->arena, ad->entry->model, ad->id, obj);

	if (st == WK_DB_OK)
		return 0;
	if (st == WK_DB_NOT_FOUND)
		wk_error(req, resp, 404, wk_arena_printf(req->arena, "No %s "
		    "with ID %lld", verbose(ad->entry), ad->id));
	else
		wk_db_respond(req, resp, st, 0);
	return 1;
}

/* see internal.h */
int
wk__admin_add(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	if (wk__admin_auth_kind(ad->entry) != 0)
		return wk__admin_auth_add(req, resp, ad);     /* users.c */
	if (!wk__admin_perm(req, ad, ad->entry, "add"))
		return wk__admin_forbidden(req, resp);
	return form_page(req, resp, ad, NULL, 1);
}

/* see internal.h */
int
wk__admin_change(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	int can_change = wk__admin_perm(req, ad, ad->entry, "change");
	void *obj;

	if (wk__admin_auth_kind(ad->entry) != 0)
		return wk__admin_auth_change(req, resp, ad);  /* users.c */
	if (!can_change && (req->method == WK_METHOD_POST ||
	    !wk__admin_perm(req, ad, ad->entry, "view")))
		return wk__admin_forbidden(req, resp);
	if (get_object(req, resp, ad, &obj) != 0)
		return 0;
	return form_page(req, resp, ad, obj, can_change);
}

/* The linker's bounds of the models' section (model.h; weak: a binary
 * may define no model). */
extern const struct wk_model *const __start_wk_models[]
    __attribute__((weak));
extern const struct wk_model *const __stop_wk_models[]
    __attribute__((weak));

/*
 * What deleting row id of m does to the rows that point at it, one step
 * deep: "3 comments" into gone (CASCADE) or kept (PROTECT: the delete
 * will be refused).  A model whose table this database lacks (linked in
 * but not migrated) is skipped.  0, or -1 on allocation failure.
 */
static int
related_rows(struct wk_request *req, const struct wk_model *m, long long id,
    struct wk_list *gone, struct wk_list *kept)
{
	const struct wk_model *const *p;
	const struct wk_field *f;
	struct wk_query q;
	const char *text, *name;
	long long n;
	size_t i;

	if (__start_wk_models == NULL || __stop_wk_models == NULL)
		return 0;
	for (p = __start_wk_models; p < __stop_wk_models; p++) {
		for (i = 1; i < (*p)->nfields; i++) {
			f = &(*p)->fields[i];
			if (f->kind != WK_FIELD_FK || f->to != m ||
			    f->on_delete == WK_SET_NULL)
				continue;
			wk_q_init(&q, req->arena, *p);
			wk_q_filter(&q, f->name, wk_val_int(id));
			if (wk_q_count(&q, &n) != WK_DB_OK || n == 0)
				continue;
			name = n == 1 || (*p)->verbose_name_plural == NULL ?
			    (*p)->verbose_name : (*p)->verbose_name_plural;
			text = wk_arena_printf(req->arena, "%lld %s", n,
			    name != NULL ? name : (*p)->name);
			if (text == NULL || wk_list_push(req->arena,
			    f->on_delete == WK_PROTECT ? kept : gone,
			    wk_val_str(text)) != 0)
				return -1;
		}
	}
	return 0;
}

/* see internal.h */
int
wk__admin_delete(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	wk_arena *a = req->arena;
	const struct wk_admin_entry *e = ad->entry;
	const char *label, *list, *title;
	struct wk_map *ctx;
	void *obj;
	int st;

	if (!wk__admin_perm(req, ad, e, "delete"))
		return wk__admin_forbidden(req, resp);
	if (get_object(req, resp, ad, &obj) != 0)
		return 0;
	if ((label = wk_model_str(e->model, obj, a)) == NULL ||
	    (list = wk__admin_url(req, ad, e, "")) == NULL)
		return -1;
	if (req->method != WK_METHOD_POST) {
		struct wk_list *gone = wk_list_new(a), *kept = wk_list_new(a);
		title = wk_arena_printf(a, "Delete %s", verbose(e));
		if (title == NULL || gone == NULL || kept == NULL ||
		    related_rows(req, e->model, ad->id, gone, kept) != 0 ||
		    (ctx = wk__admin_context(req, ad, title)) == NULL ||
		    wk_map_set(a, ctx, "cascades", wk_val_list(gone)) != 0 ||
		    wk_map_set(a, ctx, "protected", wk_val_list(kept)) != 0)
			return -1;
		if (wk_map_set(a, ctx, "object_label", wk_val_str(label)) ||
		    wk_map_set(a, ctx, "model_name", wk_val_str(verbose(e))) ||
		    wk_map_set(a, ctx, "model_plural",
		    wk_val_str(verbose_plural(e))) != 0 ||
		    wk_map_set(a, ctx, "list_url", wk_val_str(list)) != 0 ||
		    wk_map_set(a, ctx, "change_url", wk_val_str(
		    wk_arena_printf(a, "%s%lld/change/", list, ad->id))) != 0)
			return -1;
		return wk__admin_render(req, resp, ad,
		    "admin/delete_confirmation.html", ctx, 200);
	}
	st = wk__admin_delete_logged(req, ad, label);
	if (st == WK_DB_CONSTRAINT) {
		const char *back = wk_arena_printf(a, "%s%lld/change/", list,
		    ad->id);
		if (back == NULL || wk_message_add(req, WK_MSG_ERROR,
		    wk_arena_printf(a, "The %s \xe2\x80\x9c%s\xe2\x80\x9d "
		    "cannot be deleted: other rows protect it.", verbose(e),
		    label)) != 0)
			return -1;
		return wk_response_redirect(resp, NULL, back, 302);
	}
	if (st == WK_DB_NOT_FOUND)
		return wk_error(req, resp, 404, "Already deleted");
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: deleted %s id=%lld by user %lld",
	    e->model->name, ad->id, ad->user->id);
	if (wk_message_add(req, WK_MSG_SUCCESS, wk_arena_printf(a, "The %s "
	    "\xe2\x80\x9c%s\xe2\x80\x9d was deleted successfully.",
	    verbose(e), label)) != 0)
		return -1;
	return wk_response_redirect(resp, NULL, list, 302);
}
