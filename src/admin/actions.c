/*
 * actions.c - the change list's actions (see admin.h): what the action
 * select offers a user, the POST that runs one on the ticked rows, the
 * built-in "delete selected" with its confirmation page, and the app's
 * actions registered by name.
 *
 * The POST names an action and the rows: a "_selected_action" field per
 * ticked row, and "_select_page" (the header's "select all" box, which
 * carries the ids of the whole page so that it works without JavaScript).
 * Every id must be a number of an existing row of the model, else 400;
 * the action must be one the user may run, else 403.  An action runs in
 * one atomic block: all of its rows change, or none.
 */
#include <stdlib.h>
#include <string.h>

#include "wick/auth/session.h"
#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/http/app.h"
#include "internal.h"

#define DELETE_SELECTED "delete_selected"
#define MSG_NO_ITEMS "Items must be selected in order to perform actions " \
	"on them. No items have been changed."
#define MSG_NO_ACTION "No action selected."

/* The action a POST names: the built-in delete (act NULL) or an app's. */
struct chosen {
	const char *name;
	const struct wk_admin_action *act;   /* NULL: delete selected */
};

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

/*
 * The history of an action: one admin log entry per row it was run on
 * (read before it ran), inside the action's atomic block, so the rows
 * and their entries commit or roll back together.  Delete selected is
 * logged as Django logs it, a deletion per row; an app action as an
 * action naming it.  0, or -1 to roll the action back.
 */
static int
log_action(struct wk_request *req, const struct wk__admin *ad,
    const char *action, void **rows, size_t n)
{
	const struct wk_admin_entry *e = ad->entry;
	int del = strcmp(action, DELETE_SELECTED) == 0;
	const char *msg = del ? "Deleted." : wk_arena_printf(req->arena,
	    "Action “%s”.", action);
	size_t i;

	if (msg == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (wk_admin_log(req, e, wk_model_id(e->model, rows[i]),
		    wk_model_str(e->model, rows[i], req->arena),
		    del ? WK_ADMIN_DELETION : WK_ADMIN_ACTION, msg) != WK_DB_OK)
			return -1;
	return 0;
}

/* 1 if the user may run act (NULL: delete selected) on e's model. */
static int
may_run(struct wk_request *req, const struct wk__admin *ad,
    const struct wk_admin_action *act)
{
	if (act == NULL)
		return wk__admin_perm(req, ad, ad->entry, "delete");
	if (act->perm == NULL)
		return wk__admin_can_see(req, ad, ad->entry);
	return wk__admin_perm(req, ad, ad->entry, act->perm);
}

/* see internal.h */
struct wk_list *
wk__admin_action_choices(struct wk_request *req, const struct wk__admin *ad)
{
	wk_arena *a = req->arena;
	const struct wk_admin_action *acts = ad->entry->opts->actions;
	struct wk_list *l = wk_list_new(a);
	struct wk_map *m;
	const char *label;
	size_t i;

	if (l == NULL)
		return NULL;
	if (may_run(req, ad, NULL)) {
		label = wk_arena_printf(a, "Delete selected %s",
		    verbose_plural(ad->entry));
		if (label == NULL || (m = wk_map_new(a)) == NULL ||
		    wk_map_set(a, m, "name", wk_val_str(DELETE_SELECTED)) ||
		    wk_map_set(a, m, "label", wk_val_str(label)) != 0 ||
		    wk_list_push(a, l, wk_val_map(m)) != 0)
			return NULL;
	}
	for (i = 0; acts != NULL && acts[i].name != NULL; i++) {
		if (!may_run(req, ad, &acts[i]))
			continue;
		if ((m = wk_map_new(a)) == NULL ||
		    wk_map_set(a, m, "name", wk_val_str(acts[i].name)) != 0 ||
		    wk_map_set(a, m, "label", wk_val_str(acts[i].label !=
		    NULL ? acts[i].label : acts[i].name)) != 0 ||
		    wk_list_push(a, l, wk_val_map(m)) != 0)
			return NULL;
	}
	return l;
}

/* see admin.h */
int
wk_admin_filter_ids(struct wk_query *q, const long long *ids, size_t n)
{
	struct wk_list *l;
	size_t i;

	if (q->status != WK_DB_OK)
		return q->status;
	if (n == 0 || n > WK_ADMIN_MAX_SELECTED)
		return q->status = WK_DB_INVALID;
	if ((l = wk_list_new(q->arena)) == NULL)
		return q->status = WK_DB_NOMEM;
	for (i = 0; i < n; i++)
		if (wk_list_push(q->arena, l, wk_val_int(ids[i])) != 0)
			return q->status = WK_DB_NOMEM;
	return wk_q_filter(q, "id__in", wk_val_list(l));
}

/* One id: 1 to 18 digits, not 0 (site.c's rule for ids in the URL). */
static int
parse_id(const char *s, size_t len, long long *id)
{
	long long v = 0;
	size_t i;

	if (len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v == 0)
		return -1;
	*id = v;
	return 0;
}

static int
cmp_id(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return (a > b) - (a < b);
}

/*
 * The ids the POST selects, sorted, each once, into *ids (arena) and *n.
 * 0; 400 for a value that is no id or more than WK_ADMIN_MAX_SELECTED
 * ids; -1 on allocation failure.
 */
static int
selected_ids(struct wk_request *req, long long **ids, size_t *n)
{
	const char **vals, *page, *s, *comma;
	size_t nvals, i, k = 0, cap, j;
	long long *out;

	nvals = wk_kv_get_all(&req->post, "_selected_action", NULL, 0);
	if (nvals > WK_ADMIN_MAX_SELECTED)
		return 400;
	if ((vals = wk_arena_calloc(req->arena, nvals + 1, sizeof(*vals))) ==
	    NULL)
		return -1;
	wk_kv_get_all(&req->post, "_selected_action", vals, nvals);
	page = wk_request_post(req, "_select_page");
	cap = nvals + WK_ADMIN_MAX_SELECTED + 1;
	if ((out = wk_arena_calloc(req->arena, cap, sizeof(*out))) == NULL)
		return -1;
	for (i = 0; i < nvals; i++)
		if (parse_id(vals[i], strlen(vals[i]), &out[k++]) != 0)
			return 400;
	for (s = page; s != NULL && *s != '\0'; s = comma + 1) {
		if ((comma = strchr(s, ',')) == NULL)
			comma = s + strlen(s);
		if (k >= cap - 1 || parse_id(s, (size_t)(comma - s),
		    &out[k++]) != 0)
			return 400;
		if (*comma == '\0')
			break;
	}
	qsort(out, k, sizeof(*out), cmp_id);
	for (i = 0, j = 0; i < k; i++)
		if (j == 0 || out[j - 1] != out[i])
			out[j++] = out[i];
	if (j > WK_ADMIN_MAX_SELECTED)
		return 400;
	*ids = out;
	*n = j;
	return 0;
}

/* The change list again, with the query string it was posted with (its
 * search, filters, sort and page); a string with bytes that have no
 * business in a URL is dropped. */
static const char *
back_url(struct wk_request *req, const struct wk__admin *ad)
{
	const char *list = wk__admin_url(req, ad, ad->entry, "");
	const char *qs = req->query_string;
	size_t i;

	if (list == NULL || qs[0] == '\0')
		return list;
	for (i = 0; qs[i] != '\0'; i++)
		if ((unsigned char)qs[i] <= ' ' || (unsigned char)qs[i] >= 0x7f)
			return list;
	return wk_arena_printf(req->arena, "%s?%s", list, qs);
}

/* A flash message, then back to the list. */
static int
done(struct wk_request *req, struct wk_response *resp,
    const struct wk__admin *ad, enum wk_message_level level,
    const char *text)
{
	const char *url = back_url(req, ad);

	if (url == NULL || text == NULL ||
	    wk_message_add(req, level, text) != 0)
		return -1;
	return wk_response_redirect(resp, NULL, url, 302);
}

/* The linker's bounds of the models' section (model.h; weak: a binary
 * may define no model). */
extern const struct wk_model *const __start_wk_models[]
    __attribute__((weak));
extern const struct wk_model *const __stop_wk_models[]
    __attribute__((weak));

/* see internal.h */
int
wk__admin_related(struct wk_request *req, const struct wk_model *m,
    const long long *ids, size_t n, struct wk_list *gone,
    struct wk_list *kept)
{
	const struct wk_model *const *p;
	const struct wk_field *f;
	struct wk_query q;
	struct wk_list *l;
	const char *text, *name, *lookup;
	long long count;
	size_t i;

	if (__start_wk_models == NULL || __stop_wk_models == NULL)
		return 0;
	if ((l = wk_list_new(req->arena)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (wk_list_push(req->arena, l, wk_val_int(ids[i])) != 0)
			return -1;
	for (p = __start_wk_models; p < __stop_wk_models; p++) {
		for (i = 1; i < (*p)->nfields; i++) {
			f = &(*p)->fields[i];
			if (f->kind != WK_FIELD_FK || f->to != m ||
			    f->on_delete == WK_SET_NULL)
				continue;
			if ((lookup = wk_arena_printf(req->arena, "%s__in",
			    f->name)) == NULL)
				return -1;
			wk_q_init(&q, req->arena, *p);
			wk_q_filter(&q, lookup, wk_val_list(l));
			if (wk_q_count(&q, &count) != WK_DB_OK || count == 0)
				continue;            /* e.g. not migrated */
			name = count == 1 || (*p)->verbose_name_plural == NULL ?
			    (*p)->verbose_name : (*p)->verbose_name_plural;
			text = wk_arena_printf(req->arena, "%lld %s", count,
			    name != NULL ? name : (*p)->name);
			if (text == NULL || wk_list_push(req->arena,
			    f->on_delete == WK_PROTECT ? kept : gone,
			    wk_val_str(text)) != 0)
				return -1;
		}
	}
	return 0;
}

/* The confirmation page of "delete selected": the rows, what goes with
 * them, or what protects them (then no button). */
static int
confirm_delete(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, const long long *ids, void **rows, size_t n)
{
	wk_arena *a = req->arena;
	const struct wk_admin_entry *e = ad->entry;
	struct wk_list *objs = wk_list_new(a), *idl = wk_list_new(a);
	struct wk_list *gone = wk_list_new(a), *kept = wk_list_new(a);
	struct wk_map *ctx, *o;
	const char *label, *url, *id;
	size_t i;

	if (objs == NULL || idl == NULL || gone == NULL || kept == NULL ||
	    wk__admin_related(req, e->model, ids, n, gone, kept) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		label = wk_model_str(e->model, rows[i], a);
		id = wk_arena_printf(a, "%lld", wk_model_id(e->model,
		    rows[i]));
		url = wk_arena_printf(a, "%s%s/change/", wk__admin_url(req,
		    ad, e, ""), id != NULL ? id : "");
		if (label == NULL || id == NULL || url == NULL ||
		    (o = wk_map_new(a)) == NULL ||
		    wk_map_set(a, o, "label", wk_val_str(label)) != 0 ||
		    wk_map_set(a, o, "url", wk_val_str(url)) != 0 ||
		    wk_list_push(a, objs, wk_val_map(o)) != 0 ||
		    wk_list_push(a, idl, wk_val_str(id)) != 0)
			return -1;
	}
	if ((ctx = wk__admin_context(req, ad, "Delete multiple objects")) ==
	    NULL ||
	    wk_map_set(a, ctx, "objects", wk_val_list(objs)) != 0 ||
	    wk_map_set(a, ctx, "ids", wk_val_list(idl)) != 0 ||
	    wk_map_set(a, ctx, "cascades", wk_val_list(gone)) != 0 ||
	    wk_map_set(a, ctx, "protected", wk_val_list(kept)) != 0 ||
	    wk_map_set(a, ctx, "action", wk_val_str(DELETE_SELECTED)) != 0 ||
	    wk_map_set(a, ctx, "model_name", wk_val_str(n == 1 ? verbose(e) :
	    verbose_plural(e))) != 0 ||
	    wk_map_set(a, ctx, "model_plural",
	    wk_val_str(verbose_plural(e))) != 0 ||
	    wk_map_set(a, ctx, "app_label", wk_val_str(e->app_label)) != 0 ||
	    wk_map_set(a, ctx, "list_url", wk_val_str(back_url(req, ad))))
		return -1;
	return wk__admin_render(req, resp, ad,
	    "admin/delete_selected_confirmation.html", ctx, 200);
}

/* "delete selected", confirmed: every row in one atomic block. */
static int
delete_rows(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, const long long *ids, void **rows, size_t n)
{
	const struct wk_admin_entry *e = ad->entry;
	struct wk_query q;
	long long gone = 0;
	int st;

	if ((st = wk_db_begin()) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_q_init(&q, req->arena, e->model);
	wk_admin_filter_ids(&q, ids, n);
	st = wk_q_delete(&q, &gone);
	if (st == WK_DB_OK && log_action(req, ad, DELETE_SELECTED, rows,
	    n) != 0)
		st = WK_DB_ERROR;
	if (st == WK_DB_OK)
		st = wk_db_commit();
	else
		wk_db_rollback();
	if (st == WK_DB_CONSTRAINT)
		return done(req, resp, ad, WK_MSG_ERROR, wk_arena_printf(
		    req->arena, "The selected %s cannot be deleted: other rows "
		    "protect them. No items have been changed.",
		    verbose_plural(e)));
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: deleted %lld %s rows by user %lld",
	    gone, e->model->name, ad->user->id);
	return done(req, resp, ad, WK_MSG_SUCCESS, wk_arena_printf(
	    req->arena, "Successfully deleted %lld %s.", gone, gone == 1 ?
	    verbose(e) : verbose_plural(e)));
}

/* An app action: its run function in one atomic block. */
static int
run_action(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, const struct wk_admin_action *act,
    const long long *ids, void **rows, size_t n)
{
	const char *msg;
	int st;

	if ((st = wk_db_begin()) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	msg = act->run(req, ad->entry, ids, n);
	if (msg == NULL || log_action(req, ad, act->name, rows, n) != 0) {
		wk_db_rollback();
		wk_log(req, WK_LOG_ERROR, "admin: %s: action '%s' failed",
		    ad->entry->model->name, act->name);
		return -1;
	}
	if ((st = wk_db_commit()) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: action %s on %zu %s rows by user "
	    "%lld", act->name, n, ad->entry->model->name, ad->user->id);
	return done(req, resp, ad, WK_MSG_INFO, msg);
}

/* The action the POST names into *c: 0; 400 for a name that is none. */
static int
find_action(const struct wk_admin_entry *e, const char *name,
    struct chosen *c)
{
	const struct wk_admin_action *acts = e->opts->actions;
	size_t i;

	c->name = name;
	c->act = NULL;
	if (strcmp(name, DELETE_SELECTED) == 0)
		return 0;
	for (i = 0; acts != NULL && acts[i].name != NULL; i++)
		if (strcmp(acts[i].name, name) == 0) {
			c->act = &acts[i];
			return 0;
		}
	return 400;
}

/* see internal.h */
int
wk__admin_actions(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	const struct wk_admin_entry *e = ad->entry;
	const char *name = wk_request_post(req, "action");
	struct chosen c;
	struct wk_query q;
	long long *ids = NULL;
	void **rows;
	size_t n = 0, nrows;
	int st;

	if (!wk__admin_can_see(req, ad, e))
		return wk__admin_forbidden(req, resp);
	if (name == NULL || name[0] == '\0')
		return done(req, resp, ad, WK_MSG_WARNING, MSG_NO_ACTION);
	if (find_action(e, name, &c) != 0)
		return wk_error(req, resp, 400, "Unknown action");
	if (!may_run(req, ad, c.act))
		return wk__admin_forbidden(req, resp);
	if ((st = selected_ids(req, &ids, &n)) != 0) {
		if (st < 0)
			return -1;
		return wk_error(req, resp, 400, "Invalid selection");
	}
	if (n == 0)
		return done(req, resp, ad, WK_MSG_WARNING, MSG_NO_ITEMS);
	wk_q_init(&q, req->arena, e->model);
	wk_admin_filter_ids(&q, ids, n);
	wk_q_order_by(&q, "id");
	if ((st = wk_q_list(&q, &rows, &nrows)) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if (nrows != n)
		return wk_error(req, resp, 400, "Invalid selection: no such "
		    "rows");
	if (c.act != NULL)
		return run_action(req, resp, ad, c.act, ids, rows, n);
	if (wk_request_post(req, "post") == NULL ||
	    strcmp(wk_request_post(req, "post"), "yes") != 0)
		return confirm_delete(req, resp, ad, ids, rows, n);
	return delete_rows(req, resp, ad, ids, rows, n);
}
