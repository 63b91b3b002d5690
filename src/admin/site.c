/*
 * site.c - the admin site (see admin.h): registration, the one view that
 * parses the rest of the URL and sends it to its page, who gets in, the
 * login, logout and index pages, and the helpers every page shares.
 *
 * The site is set up lazily, by the first admin request of a process:
 * an app that mounts the admin pays nothing for it on other pages.
 */
#include <stdio.h>
#include <string.h>

#include "wick/admin/admin.h"
#include "wick/auth/auth.h"
#include "wick/auth/session.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/forms/form.h"
#include "wick/http/app.h"
#include "wick/views/generic.h"
#include "internal.h"

#define MSG_STAFF_LOGIN "Please enter the correct username and password " \
	"for a staff account. Note that both fields may be case-sensitive."
#define MSG_THROTTLED "Too many failed login attempts. Please try again " \
	"later."

/* ---- registration -------------------------------------------------------------- */

static const struct wk_model_admin default_opts;

/* Check one NULL-terminated list of opts: each name a field of m that
 * ok() accepts ("^" and "=" prefixes stripped when prefixed is set). */
static int
check_names(const struct wk_model *m, const char *what,
    const char *const *names, int prefixed,
    const char *(*ok)(const struct wk_field *f))
{
	const struct wk_field *f;
	const char *n, *why;
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++) {
		n = names[i];
		if (i >= WK_ADMIN_MAX_NAMES) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s: more than %d "
			    "names in %s", m->name, WK_ADMIN_MAX_NAMES, what);
			return -1;
		}
		if (prefixed && (n[0] == '^' || n[0] == '='))
			n++;
		if ((f = wk_model_field(m, n)) == NULL) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s: %s names '%s', "
			    "not a field of the model", m->name, what, n);
			return -1;
		}
		if (ok != NULL && (why = ok(f)) != NULL) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s: %s: '%s' %s",
			    m->name, what, n, why);
			return -1;
		}
	}
	return 0;
}

static const char *
ok_filter(const struct wk_field *f)
{
	if (f->kind == WK_FIELD_BOOL || f->kind == WK_FIELD_FK ||
	    f->choices != NULL)
		return NULL;
	return "is neither a boolean, a field with choices nor a foreign key";
}

static const char *
ok_search(const struct wk_field *f)
{
	return f->kind == WK_FIELD_TEXT ? NULL : "is not a text field";
}

static const char *
ok_editable(const struct wk_field *f)
{
	return (f->flags & WK_PK) ? "is the primary key" : NULL;
}

/* 1 if the list names the user's password (the hash is never shown). */
static int
names_password(const char *const *names)
{
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		if (strcmp(names[i] + (names[i][0] == '^' ||
		    names[i][0] == '='), "password") == 0)
			return 1;
	return 0;
}

/* The app actions: each named (not "delete_selected", no name twice),
 * with a run function and a known permission codename. */
static int
check_actions(const struct wk_model *m, const struct wk_admin_action *acts)
{
	static const char *const perms[] = { "view", "add", "change",
	    "delete", NULL };
	const char *why = NULL;
	size_t i, j;

	for (i = 0; acts != NULL && acts[i].name != NULL; i++) {
		if (i >= WK_ADMIN_MAX_ACTIONS)
			why = "too many actions";
		else if (acts[i].run == NULL)
			why = "has no run function";
		else if (acts[i].name[0] == '\0' ||
		    strcmp(acts[i].name, "delete_selected") == 0)
			why = "is a reserved name";
		for (j = 0; why == NULL && j < i; j++)
			if (strcmp(acts[j].name, acts[i].name) == 0)
				why = "is named twice";
		for (j = 0; why == NULL && acts[i].perm != NULL &&
		    perms[j] != NULL && strcmp(perms[j], acts[i].perm) != 0;
		    j++)
			;
		if (why == NULL && acts[i].perm != NULL && perms[j] == NULL)
			why = "needs an unknown permission";
		if (why != NULL) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s: action '%s' %s",
			    m->name, acts[i].name, why);
			return -1;
		}
	}
	return 0;
}

/* Copy the app label and model name of m into e; -1 when too long. */
static int
split_name(const struct wk_model *m, struct wk_admin_entry *e)
{
	size_t n, alen;
	const char *model = wk_view_model_name(m, &n);
	int w;

	alen = model == m->name ? n : (size_t)(model - m->name - 1);
	if (alen >= sizeof(e->app_label) || n >= sizeof(e->model_name))
		return -1;
	w = snprintf(e->app_label, sizeof(e->app_label), "%.*s", (int)alen,
	    m->name);
	if (w < 0 || (size_t)w != alen)
		return -1;
	w = snprintf(e->model_name, sizeof(e->model_name), "%s", model);
	return w < 0 || (size_t)w != n ? -1 : 0;
}

/* see admin.h */
int
wk_admin_register(struct wk_admin_site *site, const struct wk_model *m,
    const struct wk_model_admin *opts)
{
	struct wk_admin_entry *e;
	struct wk_query q;
	wk_arena a;
	size_t i;
	int st;

	if (site == NULL || m == NULL)
		return -1;
	if (opts == NULL)   /* users and groups: users.c's (Django's) */
		opts = m == &wick_user_model ? &wk__admin_user_opts :
		    m == &wick_group_model ? &wk__admin_group_opts :
		    &default_opts;
	if (site->n >= WK_ADMIN_MAX_MODELS) {
		wk_log(NULL, WK_LOG_ERROR, "admin: %s: more than %d models",
		    m->name, WK_ADMIN_MAX_MODELS);
		return -1;
	}
	for (i = 0; i < site->n; i++)
		if (site->entries[i].model == m) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s is registered "
			    "twice", m->name);
			return -1;
		}
	if (wk_model_text_pk(m)) {
		wk_log(NULL, WK_LOG_ERROR, "admin: %s: models with a text "
		    "key are not supported yet", m->name);
		return -1;
	}
	for (i = 0; opts->columns != NULL && opts->columns[i].name != NULL;
	    i++)
		if (opts->columns[i].value == NULL) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s: column '%s' has "
			    "no value function", m->name,
			    opts->columns[i].name);
			return -1;
		}
	for (i = 0; opts->list_display != NULL &&
	    opts->list_display[i] != NULL; i++) {
		const char *n = opts->list_display[i];
		if (i >= WK_ADMIN_MAX_NAMES ||
		    (wk_model_field(m, n) == NULL &&
		    wk__admin_column(opts, n) == NULL)) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s: list_display: "
			    "'%s' is neither a field nor a column (or more "
			    "than %d names)", m->name, n, WK_ADMIN_MAX_NAMES);
			return -1;
		}
	}
	if (m == &wick_user_model && (names_password(opts->list_display) ||
	    names_password(opts->list_filter) ||
	    names_password(opts->search_fields) ||
	    names_password(opts->fields) ||
	    names_password(opts->readonly_fields))) {
		wk_log(NULL, WK_LOG_ERROR, "admin: wick_user: the password "
		    "hash is never shown, searched or edited");
		return -1;
	}
	if (check_names(m, "list_filter", opts->list_filter, 0, ok_filter) ||
	    check_names(m, "search_fields", opts->search_fields, 1,
	    ok_search) ||
	    check_names(m, "fields", opts->fields, 0, ok_editable) ||
	    check_names(m, "readonly_fields", opts->readonly_fields, 0,
	    ok_editable))
		return -1;
	if (check_actions(m, opts->actions) != 0)
		return -1;
	if (opts->list_per_page < 0) {
		wk_log(NULL, WK_LOG_ERROR, "admin: %s: list_per_page < 0",
		    m->name);
		return -1;
	}
	if (opts->ordering != NULL) {
		wk_arena_init(&a);
		wk_q_init(&q, &a, m);
		st = wk_q_order_by(&q, opts->ordering);
		wk_arena_free(&a);
		if (st != WK_DB_OK) {
			wk_log(NULL, WK_LOG_ERROR, "admin: %s: ordering '%s' "
			    "names an unknown field", m->name, opts->ordering);
			return -1;
		}
	}
	e = &site->entries[site->n];
	memset(e, 0, sizeof(*e));
	if (split_name(m, e) != 0) {
		wk_log(NULL, WK_LOG_ERROR, "admin: %s: name too long",
		    m->name);
		return -1;
	}
	if (m == &wick_user_model || m == &wick_group_model)
		memcpy(e->app_label, "auth", sizeof("auth"));  /* Django's URL */
	if (wk_admin_find(site, e->app_label, e->model_name) != NULL) {
		wk_log(NULL, WK_LOG_ERROR, "admin: %s: %s/%s is taken",
		    m->name, e->app_label, e->model_name);
		return -1;
	}
	e->model = m;
	e->opts = opts;
	site->n++;
	return 0;
}

/* see admin.h */
int
wk_admin_register_auth(struct wk_admin_site *site)
{
	if (wk_admin_register(site, &wick_user_model, NULL) != 0 ||
	    wk_admin_register(site, &wick_group_model, NULL) != 0)
		return -1;
	return 0;
}

/* see admin.h */
const struct wk_admin_entry *
wk_admin_find(const struct wk_admin_site *site, const char *app,
    const char *model)
{
	size_t i;

	for (i = 0; i < site->n; i++)
		if (strcmp(site->entries[i].app_label, app) == 0 &&
		    strcmp(site->entries[i].model_name, model) == 0)
			return &site->entries[i];
	return NULL;
}

/* Every admin page: never framed, never cached by a shared cache. */
static int
page_headers(struct wk_response *resp)
{
	if (wk_response_set_header(resp, "X-Frame-Options", "DENY") != 0 ||
	    wk_response_set_header(resp, "Cache-Control",
	    "private, no-store") != 0)
		return -1;
	return 0;
}

/* ---- login, logout, index ---------------------------------------------------------- */

static const struct wk_form_field login_fields[] = {
	{ .name = "username", .kind = WK_FF_TEXT, .label = "Username",
	  .max_length = 150 },
	{ .name = "password", .kind = WK_FF_PASSWORD, .label = "Password" },
};
static const struct wk_form_def login_form = WK_FORM_DEF(login_fields,
    NULL);

/* 1 if u may use the admin. */
static int
is_staff(const struct wick_user *u)
{
	return u != NULL && u->is_active && u->is_staff;
}

static int
login_show(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, struct wk_form *f, const char *next, int status)
{
	struct wk_map *ctx = wk__admin_context(req, ad, "Log in");

	if (ctx == NULL ||
	    wk_map_set(req->arena, ctx, "form", wk_form_value(f)) != 0 ||
	    wk_map_set(req->arena, ctx, "next", wk_val_str(next)) != 0)
		return -1;
	return wk__admin_render(req, resp, ad, "admin/login.html", ctx,
	    status);
}

static int
login_page(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	struct wk_form f;
	struct wick_user *u;
	const char *next;

	next = wk_request_post(req, "next");
	if (next == NULL)
		next = wk_request_get(req, "next");
	if (!wk_auth_safe_next(next))
		next = NULL;
	if (wk_form_init(&f, &login_form, req->arena) != 0)
		return -1;
	if (req->method != WK_METHOD_POST) {
		if (is_staff(ad->user))
			return wk_response_redirect(resp, NULL, next != NULL ?
			    next : ad->base, 302);
		return login_show(req, resp, ad, &f, next, 200);
	}
	if (wk_form_bind(&f, req) != 0)
		return -1;
	switch (wk_form_is_valid(&f)) {
	case 1:
		break;
	case 0:
		return login_show(req, resp, ad, &f, next, 200);
	default:
		return -1;
	}
	switch (wk_auth_authenticate(req, wk_form_text(&f, "username"),
	    wk_form_text(&f, "password"), &u)) {
	case WK_AUTH_OK:
		if (!is_staff(u))
			break;
		if (wk_auth_login(req, u) != 0)
			return -1;
		return wk_response_redirect(resp, NULL, next != NULL ? next :
		    ad->base, 302);
	case WK_AUTH_THROTTLED:
		if (wk_form_add_error(&f, NULL, MSG_THROTTLED) != 0 ||
		    login_show(req, resp, ad, &f, next, 429) != 0)
			return -1;
		return wk_response_set_header(resp, "Retry-After", "900");
	case WK_AUTH_INVALID:
		break;
	default:
		return wk_error(req, resp, 503, "Login is unavailable.");
	}
	if (wk_form_add_error(&f, NULL, MSG_STAFF_LOGIN) != 0)
		return -1;
	return login_show(req, resp, ad, &f, next, 200);
}

static int
logout_page(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	const char *url;

	if (req->method != WK_METHOD_POST)
		return wk_response_not_allowed(resp, WK_POST);
	if (wk_auth_logout(req) != 0 ||
	    (url = wk_arena_printf(req->arena, "%slogin/", ad->base)) == NULL)
		return -1;
	return wk_response_redirect(resp, NULL, url, 303);
}

/* Send a visitor who may not use the admin to login/?next=here. */
static int
to_login(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	wk_buf b;

	wk_buf_init(&b, req->arena);
	wk_buf_printf(&b, "%slogin/?next=", ad->base);
	wk__admin_encode(&b, req->script_name);
	wk__admin_encode(&b, req->path);
	if (req->query_string[0] != '\0') {
		wk_buf_puts(&b, "%3F");
		wk__admin_encode(&b, req->query_string);
	}
	if (b.failed)
		return -1;
	return wk_response_redirect(resp, NULL, wk_buf_cstr(&b), 302);
}

/* The index: each app (in registration order) with the models the user
 * may see; app NULL for all, else that app's only (404 when it shows
 * none: an unknown app label or nothing the user may see). */
static int
index_page(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, const char *app)
{
	wk_arena *a = req->arena;
	struct wk_list *apps = wk_list_new(a), *models = NULL;
	struct wk_map *ctx, *am, *mm;
	const struct wk_admin_entry *e;
	const char *last = NULL, *url;
	size_t i;

	if (req->method != WK_METHOD_GET && req->method != WK_METHOD_HEAD)
		return wk_response_not_allowed(resp, WK_GET);
	if (apps == NULL)
		return -1;
	for (i = 0; i < ad->site->n; i++) {
		e = &ad->site->entries[i];
		if (app != NULL && strcmp(e->app_label, app) != 0)
			continue;
		if (!wk__admin_can_see(req, ad, e))
			continue;
		if (last == NULL || strcmp(last, e->app_label) != 0) {
			if ((am = wk_map_new(a)) == NULL ||
			    (models = wk_list_new(a)) == NULL ||
			    (url = wk_arena_printf(a, "%s%s/", ad->base,
			    e->app_label)) == NULL ||
			    wk_map_set(a, am, "label",
			    wk_val_str(e->app_label)) != 0 ||
			    wk_map_set(a, am, "url", wk_val_str(url)) != 0 ||
			    wk_map_set(a, am, "models",
			    wk_val_list(models)) != 0 ||
			    wk_list_push(a, apps, wk_val_map(am)) != 0)
				return -1;
			last = e->app_label;
		}
		if ((mm = wk_map_new(a)) == NULL ||
		    (url = wk__admin_url(req, ad, e, "")) == NULL ||
		    wk_map_set(a, mm, "name", wk_val_str(
		    e->model->verbose_name_plural != NULL ?
		    e->model->verbose_name_plural : e->model_name)) != 0 ||
		    wk_map_set(a, mm, "url", wk_val_str(url)) != 0 ||
		    wk_list_push(a, models, wk_val_map(mm)) != 0)
			return -1;
		if (wk__admin_perm(req, ad, e, "add") &&
		    ((url = wk__admin_url(req, ad, e, "add/")) == NULL ||
		    wk_map_set(a, mm, "add_url", wk_val_str(url)) != 0))
			return -1;
	}
	if (app != NULL && apps->len == 0)
		return wk_error(req, resp, 404, "No such application");
	if ((ctx = wk__admin_context(req, ad, app != NULL ? app :
	    "Site administration")) == NULL ||
	    wk_map_set(a, ctx, "apps", wk_val_list(apps)) != 0)
		return -1;
	return wk__admin_render(req, resp, ad, "admin/index.html", ctx, 200);
}

/* ---- the URL --------------------------------------------------------------------- */

#define MAX_SEGS 4

/* Split rest ("blog/post/3/change/") at '/' into segs; -1 when it has
 * more than MAX_SEGS, an empty segment, or no trailing '/'. */
static int
split_path(wk_arena *a, const char *rest, char **segs, size_t *nsegs)
{
	const char *s = rest, *e;

	*nsegs = 0;
	while (*s != '\0') {
		if ((e = strchr(s, '/')) == NULL || e == s ||
		    *nsegs == MAX_SEGS)
			return -1;
		if ((segs[(*nsegs)++] = wk_arena_strndup(a, s,
		    (size_t)(e - s))) == NULL)
			return -1;
		s = e + 1;
	}
	return 0;
}

/* An object id from the URL: 1 to 18 digits, not 0. */
static int
parse_id(const char *s, long long *id)
{
	long long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 18)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0 || v == 0)
		return -1;
	*id = v;
	return 0;
}

/* Where the admin is mounted: SCRIPT_NAME and the path before rest. */
static const char *
mount_base(struct wk_request *req, const char *rest)
{
	size_t plen = strlen(req->path), rlen = strlen(rest);

	if (rlen > plen)
		return NULL;
	return wk_arena_printf(req->arena, "%s%.*s", req->script_name,
	    (int)(plen - rlen), req->path);
}

static int
dispatch(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, const char *rest)
{
	char *seg[MAX_SEGS];
	size_t n;
	const char *url;

	if (rest[0] != '\0' && rest[strlen(rest) - 1] != '/') {
		/* Django's APPEND_SLASH, for pages that are read */
		if (req->method != WK_METHOD_GET ||
		    (url = wk_arena_printf(req->arena, "%s%s/",
		    req->script_name, req->path)) == NULL)
			return wk_error(req, resp, 404, NULL);
		return wk_response_redirect(resp, NULL, url, 301);
	}
	if (split_path(req->arena, rest, seg, &n) != 0)
		return wk_error(req, resp, 404, NULL);
	if (n == 1 && strcmp(seg[0], "login") == 0)
		return login_page(req, resp, ad);
	if (n == 1 && strcmp(seg[0], "logout") == 0)
		return logout_page(req, resp, ad);
	if (!is_staff(ad->user))
		return to_login(req, resp, ad);
	if (n >= 1 && strcmp(seg[0], "password_change") == 0) {  /* users.c */
		if (n == 1)
			return wk__admin_password_change(req, resp, ad);
		if (n == 2 && strcmp(seg[1], "done") == 0)
			return wk__admin_password_change_done(req, resp, ad);
		return wk_error(req, resp, 404, NULL);
	}
	if (n == 0)
		return index_page(req, resp, ad, NULL);
	if (n == 1)
		return index_page(req, resp, ad, seg[0]);
	if ((ad->entry = wk_admin_find(ad->site, seg[0], seg[1])) == NULL)
		return wk_error(req, resp, 404, "No such model");
	if (n == 2 && req->method == WK_METHOD_POST)
		return wk__admin_actions(req, resp, ad);
	if (n == 2)
		return wk__admin_changelist(req, resp, ad);
	if (n == 3 && strcmp(seg[2], "add") == 0)
		return wk__admin_add(req, resp, ad);
	if (parse_id(seg[2], &ad->id) != 0)
		return wk_error(req, resp, 404, "No such object");
	if (n == 3) {
		if ((url = wk_arena_printf(req->arena, "%s%lld/change/",
		    wk__admin_url(req, ad, ad->entry, ""), ad->id)) == NULL)
			return -1;
		return wk_response_redirect(resp, NULL, url, 302);
	}
	if (strcmp(seg[3], "change") == 0)
		return wk__admin_change(req, resp, ad);
	if (strcmp(seg[3], "delete") == 0)
		return wk__admin_delete(req, resp, ad);
	if (strcmp(seg[3], "password") == 0)
		return wk__admin_user_password(req, resp, ad);   /* users.c */
	if (strcmp(seg[3], "history") == 0)
		return wk__admin_history(req, resp, ad);
	return wk_error(req, resp, 404, NULL);
}

/* see admin.h */
int
wk_admin_view(struct wk_request *req, struct wk_response *resp)
{
	struct wk_admin_site *const *sp;
	struct wk__admin ad;
	const char *rest;
	int rc;

	sp = req->route != NULL ? req->route->data : NULL;
	if (sp == NULL || *sp == NULL) {
		wk_log(req, WK_LOG_ERROR, "wk_admin_view: the route has no "
		    "site; mount it with WK_ADMIN_ROUTES");
		return -1;
	}
	memset(&ad, 0, sizeof(ad));
	ad.site = *sp;
	if (ad.site->ready == 0)
		ad.site->ready = ad.site->setup == NULL ||
		    ad.site->setup(ad.site) == 0 ? 1 : -1;
	if (ad.site->ready < 0) {
		wk_log(req, WK_LOG_ERROR, "wk_admin_view: the site's setup "
		    "failed (see the admin: lines before)");
		return -1;
	}
	if ((rest = wk_request_arg(req, "wk_admin_path")) == NULL)
		rest = "";
	if ((ad.base = mount_base(req, rest)) == NULL)
		return -1;
	ad.user = wk_auth_user(req);
	if (req->method != WK_METHOD_GET && req->method != WK_METHOD_HEAD &&
	    req->method != WK_METHOD_POST) {
		if (wk_response_not_allowed(resp, WK_GET | WK_POST) != 0)
			return -1;
		rc = 0;
	} else {
		rc = dispatch(req, resp, &ad, rest);
	}
	if (rc != 0)
		return rc;
	return page_headers(resp);
}
