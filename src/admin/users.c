/*
 * users.c - the admin's pages for the library's own models, wick_user and
 * wick_group (Django's UserAdmin and GroupAdmin; see admin.h): the add
 * form of a user (username and a password twice, Django's
 * UserCreationForm), a change form that never shows the password hash
 * (only a link to the user's password form), a password form of its own,
 * groups and permissions as multi-selects saved into the join tables
 * perm.c reads (wick_user_groups, wick_grant), and the logged-in user's
 * own password_change/ page.
 *
 * The change lists and delete pages stay the generic ones (changelist.c,
 * edit.c); edit.c and site.c send the other pages here.  The passwords go
 * through the project's validators (password.h) and its hasher
 * (wk_auth_create_user, wk_auth_set_password).
 */
#include <stdlib.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/auth/password.h"
#include "wick/auth/session.h"
#include "wick/core/log.h"
#include "wick/core/settings.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/forms/form.h"
#include "wick/http/app.h"
#include "internal.h"

#define MSG_MISMATCH "The two password fields didn\xe2\x80\x99t match."
#define MSG_OLD_WRONG "Your old password was entered incorrectly. " \
	"Please enter it again."
#define MSG_USERNAME_TAKEN "A user with that username already exists."
#define MSG_USERNAME_BAD "Enter a valid username. This value may " \
	"contain only letters, numbers, and @/./+/-/_ characters."
#define HELP_USERNAME "Required. 150 characters or fewer. Letters, " \
	"digits and @/./+/-/_ only."
#define HELP_PASSWORD2 "Enter the same password as before, for " \
	"verification."
/* How many validator messages one password may collect. */
#define MAX_PW_MSGS 8

/* ---- the configurations ------------------------------------------------------ */

static const char *const user_list[] = { "username", "email", "is_staff",
    "is_active", NULL };
static const char *const user_filter[] = { "is_staff", "is_superuser",
    "is_active", NULL };
static const char *const user_search[] = { "username", "email", NULL };
/* The change form's model fields: never the password. */
static const char *const user_fields[] = { "username", "email",
    "is_active", "is_staff", "is_superuser", "last_login", "date_joined",
    NULL };

/* see internal.h */
const struct wk_model_admin wk__admin_user_opts = {
	.list_display = user_list,
	.list_filter = user_filter,
	.search_fields = user_search,
	.ordering = "username",
	.fields = user_fields,
};

static const char *const group_search[] = { "name", NULL };
static const char *const group_fields[] = { "name", NULL };

/* see internal.h */
const struct wk_model_admin wk__admin_group_opts = {
	.search_fields = group_search,
	.ordering = "name",
	.fields = group_fields,
};

/* see internal.h */
int
wk__admin_auth_kind(const struct wk_admin_entry *e)
{
	if (e == NULL)
		return 0;
	if (e->model == &wick_user_model)
		return 1;
	return e->model == &wick_group_model ? 2 : 0;
}

/* ---- passwords ----------------------------------------------------------------- */

/* Django's UnicodeUsernameValidator (auth's rule, user.c). */
static const char *
username_check(struct wk_form *f, const struct wk_form_field *fd,
    const char *value)
{
	const unsigned char *p;

	(void)f;
	(void)fd;
	for (p = (const unsigned char *)value; p != NULL && *p; p++)
		if (*p < 0x80 && !((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("@.+-_", *p) != NULL))
			return MSG_USERNAME_BAD;
	return NULL;
}

/*
 * The new password of a valid form f, typed twice into fields first and
 * second: they must match and pass the validators (for the user pu), the
 * errors going to second as Django's forms put them.  1 acceptable, 0
 * not (errors added), -1 on allocation failure.
 */
static int
new_password_ok(struct wk_form *f, const char *first, const char *second,
    const struct wk_password_user *pu)
{
	const char *p1 = wk_form_text(f, first), *p2 = wk_form_text(f, second);
	const char *msgs[MAX_PW_MSGS];
	size_t n, i;

	if (p1 == NULL || p2 == NULL)
		return 0;
	if (strcmp(p1, p2) != 0)
		return wk_form_add_error(f, second, MSG_MISMATCH) == 0 ? 0 : -1;
	if ((n = wk_password_validate(f->arena, p2, pu, 0, msgs,
	    MAX_PW_MSGS)) == (size_t)-1)
		return -1;
	for (i = 0; i < n && i < MAX_PW_MSGS; i++)
		if (wk_form_add_error(f, second, msgs[i]) != 0)
			return -1;
	return n == 0;
}

static long
iterations(const struct wk_request *req)
{
	return req->settings != NULL ? req->settings->password_iterations : 0;
}

/* Bind f to the POST and validate it: 1, 0 or -1. */
static int
bind_valid(struct wk_request *req, struct wk_form *f)
{
	if (wk_form_bind(f, req) != 0)
		return -1;
	return wk_form_is_valid(f);
}

/* ---- page helpers ---------------------------------------------------------------- */

static const char *
verbose(const struct wk_admin_entry *e)
{
	return e->model->verbose_name != NULL ? e->model->verbose_name :
	    e->model_name;
}

/* The context of every page here: the breadcrumbs' entry, the title. */
static struct wk_map *
page_context(struct wk_request *req, const struct wk__admin *ad,
    const char *title, const char *object_label)
{
	wk_arena *a = req->arena;
	const struct wk_admin_entry *e = ad->entry;
	struct wk_map *ctx = wk__admin_context(req, ad, title);

	if (ctx == NULL)
		return NULL;
	if (e == NULL)
		return ctx;
	if (wk_map_set(a, ctx, "app_label", wk_val_str(e->app_label)) != 0 ||
	    wk_map_set(a, ctx, "model_name", wk_val_str(verbose(e))) != 0 ||
	    wk_map_set(a, ctx, "model_plural", wk_val_str(
	    e->model->verbose_name_plural != NULL ?
	    e->model->verbose_name_plural : verbose(e))) != 0 ||
	    wk_map_set(a, ctx, "list_url", wk_val_str(wk__admin_url(req, ad,
	    e, ""))) != 0 ||
	    wk_map_set(a, ctx, "object_label", wk_val_str(object_label)) != 0 ||
	    wk_map_set(a, ctx, "is_new", wk_val_bool(object_label == NULL)))
		return NULL;
	return ctx;
}

/* A form alone on a page (admin/auth/simple_form.html): title, an
 * introduction, the fields and one button. */
static int
simple_form(struct wk_request *req, struct wk_response *resp,
    const struct wk__admin *ad, const char *template, const char *title,
    const char *object_label, const char *intro, struct wk_form *f)
{
	struct wk_map *ctx = page_context(req, ad, title, object_label);

	if (ctx == NULL ||
	    wk_map_set(req->arena, ctx, "form", wk_form_value(f)) != 0 ||
	    wk_map_set(req->arena, ctx, "intro", wk_val_str(intro)) != 0)
		return -1;
	return wk__admin_render(req, resp, ad, template, ctx, 200);
}

/* The flash message, then the page the button pressed asks for. */
static int
saved(struct wk_request *req, struct wk_response *resp,
    const struct wk__admin *ad, const char *label, long long id, int added)
{
	const struct wk_admin_entry *e = ad->entry;
	const char *list = wk__admin_url(req, ad, e, ""), *url, *more = "";

	if (list == NULL)
		return -1;
	/* a new user goes on to its change page, as Django's UserAdmin */
	if (wk_request_post(req, "_addanother") != NULL) {
		url = wk_arena_printf(req->arena, "%sadd/", list);
		more = wk_arena_printf(req->arena, " You may add another %s "
		    "below.", verbose(e));
	} else if (wk_request_post(req, "_continue") != NULL ||
	    (added && wk__admin_auth_kind(e) == 1)) {
		url = wk_arena_printf(req->arena, "%s%lld/change/", list, id);
		more = " You may edit it again below.";
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

/* ---- the many-to-many selects -------------------------------------------------- */

/* The rows of m (groups by name, permissions by model and codename) as
 * choices: value the id, label the name.  NULL on failure. */
static const struct wk_choice *
row_choices(struct wk_request *req, const struct wk_model *m)
{
	struct wk_choice *c;
	struct wk_query q;
	void **rows;
	size_t n, i;

	wk_q_init(&q, req->arena, m);
	wk_q_order_by(&q, m == &wick_group_model ? "name" : "model,codename");
	if (wk_q_list(&q, &rows, &n) != WK_DB_OK ||
	    (c = wk_arena_calloc(req->arena, n + 1, sizeof(*c))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (m == &wick_group_model) {
			const struct wick_group *g = rows[i];
			c[i].value = wk_arena_printf(req->arena, "%lld", g->id);
			c[i].label = g->name;
		} else {
			const struct wick_permission *p = rows[i];
			c[i].value = wk_arena_printf(req->arena, "%lld", p->id);
			c[i].label = wk_arena_printf(req->arena, "%s | %s",
			    p->model, p->name[0] != '\0' ? p->name :
			    p->codename);
		}
		if (c[i].value == NULL || c[i].label == NULL)
			return NULL;
	}
	return c;
}

/*
 * The second form of a user's or a group's page: "groups" and
 * "user_permissions" (a user) or "permissions" (a group), each a
 * <select multiple> of the rows.
 */
struct m2m {
	struct wk_form form;
	struct wk_form_def def;
	struct wk_form_field fields[2];
};

static int
m2m_init(struct wk_request *req, struct m2m *mm, int user)
{
	const struct wk_choice *perms = row_choices(req,
	    &wick_permission_model);
	size_t n = 0;

	memset(mm, 0, sizeof(*mm));
	if (perms == NULL)
		return -1;
	if (user) {
		const struct wk_choice *groups = row_choices(req,
		    &wick_group_model);
		if (groups == NULL)
			return -1;
		mm->fields[n++] = (struct wk_form_field){ .name = "groups",
		    .kind = WK_FF_MULTI, .label = "Groups",
		    .flags = WK_FF_OPTIONAL, .choices = groups,
		    .help_text = "The groups this user belongs to. A user "
		    "will get all permissions granted to each of their "
		    "groups." };
	}
	mm->fields[n++] = (struct wk_form_field){ .name = user ?
	    "user_permissions" : "permissions", .kind = WK_FF_MULTI,
	    .label = user ? "User permissions" : "Permissions",
	    .flags = WK_FF_OPTIONAL, .choices = perms,
	    .help_text = user ? "Specific permissions for this user." : NULL };
	mm->def.fields = mm->fields;
	mm->def.nfields = n;
	return wk_form_init(&mm->form, &mm->def, req->arena);
}

/* Into data under name: the ids of column target of the rows of join
 * whose column owner is id. */
static int
current_ids(struct wk_request *req, const struct wk_model *join,
    const char *owner, long long id, const char *target, const char *name,
    struct wk_kvlist *data)
{
	const struct wk_field *f = wk_model_field(join, target);
	struct wk_query q;
	const char *s;
	void **rows;
	long long v;
	size_t n, i;

	wk_q_init(&q, req->arena, join);
	wk_q_filter(&q, owner, wk_val_int(id));
	if (f == NULL || wk_q_list(&q, &rows, &n) != WK_DB_OK)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(&v, (const char *)rows[i] + f->offset, sizeof(v));
		if ((s = wk_arena_printf(req->arena, "%lld", v)) == NULL ||
		    wk_kv_add(req->arena, data, name, s, strlen(s)) != 0)
			return -1;
	}
	return 0;
}

/* Show the current selection of owner id (0: a new row, none). */
static int
m2m_load(struct wk_request *req, struct m2m *mm, int user, long long id)
{
	struct wk_kvlist *data = wk_arena_calloc(req->arena, 1,
	    sizeof(*data));

	if (data == NULL)
		return -1;
	if (id > 0 && user && (current_ids(req, &wick_user_groups_model,
	    "user", id, "group", "groups", data) != 0 ||
	    current_ids(req, &wick_grant_model, "user", id, "permission",
	    "user_permissions", data) != 0))
		return -1;
	if (id > 0 && !user && current_ids(req, &wick_grant_model, "group",
	    id, "permission", "permissions", data) != 0)
		return -1;
	return wk_form_bind_data(&mm->form, data);
}

/* A chosen id (the form checked it is one of the choices). */
static long long
item_id(const char *s)
{
	return strtoll(s, NULL, 10);
}

/*
 * Replace the memberships and grants of owner id by the valid form mm's
 * selection, inside the caller's transaction.  WK_DB_OK or an error.
 */
static int
m2m_save(struct wk_request *req, struct m2m *mm, int user, long long id)
{
	const struct wk_form_value *v;
	struct wick_user_groups ug;
	struct wick_grant g;
	struct wk_query q;
	size_t i;
	int st;

	if (user) {
		wk_q_init(&q, req->arena, &wick_user_groups_model);
		wk_q_filter(&q, "user", wk_val_int(id));
		if ((st = wk_q_delete(&q, NULL)) != WK_DB_OK)
			return st;
		v = wk_form_get(&mm->form, "groups");
		for (i = 0; v != NULL && i < v->nitems; i++) {
			if (wk_model_init(&wick_user_groups_model, &ug) != 0)
				return WK_DB_ERROR;
			ug.user = id;
			ug.group = item_id(v->items[i]);
			if ((st = wk_orm_create(&wick_user_groups_model,
			    &ug)) != WK_DB_OK)
				return st;
		}
	}
	wk_q_init(&q, req->arena, &wick_grant_model);
	wk_q_filter(&q, user ? "user" : "group", wk_val_int(id));
	if ((st = wk_q_delete(&q, NULL)) != WK_DB_OK)
		return st;
	v = wk_form_get(&mm->form, user ? "user_permissions" : "permissions");
	for (i = 0; v != NULL && i < v->nitems; i++) {
		if (wk_model_init(&wick_grant_model, &g) != 0)
			return WK_DB_ERROR;
		if (user) {
			g.user = id;
			wk_clear_null(&g, wick_grant, user);
			wk_set_null(&g, wick_grant, group);
		} else {
			g.group = id;
			wk_clear_null(&g, wick_grant, group);
			wk_set_null(&g, wick_grant, user);
		}
		g.permission = item_id(v->items[i]);
		if ((st = wk_orm_create(&wick_grant_model, &g)) != WK_DB_OK)
			return st;
	}
	return WK_DB_OK;
}

/* ---- change (and a group's add) ---------------------------------------------------- */

/* The model fields of a read-only page, as {label, value}. */
static struct wk_list *
readonly_rows(struct wk_request *req, const struct wk_model *m,
    const char *const *names, const void *obj)
{
	wk_arena *a = req->arena;
	struct wk_list *l = wk_list_new(a);
	const struct wk_field *f;
	struct wk_map *mp;
	const char *text;
	size_t i;

	for (i = 0; l != NULL && names[i] != NULL; i++) {
		f = wk_model_field(m, names[i]);
		text = wk__admin_cell(req, m, f, obj);
		if (text == NULL || (mp = wk_map_new(a)) == NULL ||
		    wk_map_set(a, mp, "label", wk_val_str(wk_field_label(f))) ||
		    wk_map_set(a, mp, "value", wk_val_str(text)) != 0 ||
		    wk_list_push(a, l, wk_val_map(mp)) != 0)
			return NULL;
	}
	return l;
}

/* The change page of a user or a group (obj NULL: a new group). */
static int
show_change(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, struct wk_model_form *mf, struct m2m *mm,
    const void *obj, int editable)
{
	wk_arena *a = req->arena;
	const struct wk_admin_entry *e = ad->entry;
	const char *label = obj != NULL ? wk_model_str(e->model, obj, a) : NULL;
	const char *title, *list = wk__admin_url(req, ad, e, "");
	struct wk_map *ctx;
	long long id = obj != NULL ? wk_model_id(e->model, obj) : 0;

	title = wk_arena_printf(a, "%s %s", obj == NULL ? "Add" : editable ?
	    "Change" : "View", verbose(e));
	if (title == NULL || list == NULL || (obj != NULL && label == NULL) ||
	    (ctx = page_context(req, ad, title, label)) == NULL ||
	    wk_map_set(a, ctx, "editable", wk_val_bool(editable)) != 0 ||
	    wk_map_set(a, ctx, "form", mf != NULL ? wk_form_value(&mf->form) :
	    wk_val_null()) != 0 ||
	    wk_map_set(a, ctx, "m2m", wk_form_value(&mm->form)) != 0)
		return -1;
	if (!editable && wk_map_set(a, ctx, "readonly", wk_val_list(
	    readonly_rows(req, e->model, wk__admin_auth_kind(e) == 1 ?
	    user_fields : group_fields, obj))) != 0)
		return -1;
	if (obj != NULL && wk__admin_auth_kind(e) == 1 && editable &&
	    wk_map_set(a, ctx, "password_url", wk_val_str(wk_arena_printf(a,
	    "%s%lld/password/", list, id))) != 0)
		return -1;
	if (obj != NULL && wk__admin_perm(req, ad, e, "delete") &&
	    wk_map_set(a, ctx, "delete_url", wk_val_str(wk_arena_printf(a,
	    "%s%lld/delete/", list, id))) != 0)
		return -1;
	if (wk__admin_perm(req, ad, e, "add") &&
	    wk_map_set(a, ctx, "can_add", wk_val_bool(1)) != 0)
		return -1;
	return wk__admin_render(req, resp, ad, "admin/auth/change_form.html",
	    ctx, 200);
}

/*
 * The change page of a user or group obj, or the add page of a group
 * (obj NULL): the model form and the selects, validated together and
 * saved in one transaction.
 */
static int
change_page(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, void *obj, int editable)
{
	const struct wk_admin_entry *e = ad->entry;
	int user = wk__admin_auth_kind(e) == 1, ok, st;
	const char *const *fields = user ? user_fields : group_fields;
	struct wk_model_form mf;
	struct m2m mm;
	long long id = obj != NULL ? wk_model_id(e->model, obj) : 0;

	if (m2m_init(req, &mm, user) != 0)
		return -1;
	if (!editable || req->method != WK_METHOD_POST) {
		if (m2m_load(req, &mm, user, id) != 0)
			return -1;
		if (!editable)
			return show_change(req, resp, ad, NULL, &mm, obj, 0);
	}
	if (wk_model_form_init(&mf, req->arena, e->model, fields, obj) != 0)
		return -1;
	if (user)
		mf.fields[0].validate = username_check;
	if (req->method != WK_METHOD_POST)
		return show_change(req, resp, ad, &mf, &mm, obj, 1);
	if (wk_form_bind(&mf.form, req) != 0 ||
	    (ok = wk_model_form_is_valid(&mf)) < 0 ||
	    (st = bind_valid(req, &mm.form)) < 0)
		return -1;
	if (ok == 0 || st == 0)
		return show_change(req, resp, ad, &mf, &mm, obj, 1);
	if ((st = wk_db_begin()) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	st = wk_model_form_save(&mf);
	if (st == WK_DB_OK)
		st = m2m_save(req, &mm, user, wk_model_id(e->model, mf.obj));
	if (st == WK_DB_OK)
		st = wk_db_commit();
	else
		(void)wk_db_rollback();
	if (st == WK_DB_INVALID)
		return show_change(req, resp, ad, &mf, &mm, obj, 1);
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: %s %s id=%lld by user %lld",
	    obj == NULL ? "added" : "changed", e->model->name,
	    wk_model_id(e->model, mf.obj), ad->user->id);
	return saved(req, resp, ad, wk_model_str(e->model, mf.obj,
	    req->arena), wk_model_id(e->model, mf.obj), obj == NULL);
}

/* The row the URL names into *obj: 0, or 1 with the answer in resp. */
static int
get_object(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad, void **obj)
{
	int st = wk_orm_get(req->arena, ad->entry->model, ad->id, obj);

	if (st == WK_DB_OK)
		return 0;
	if (st == WK_DB_NOT_FOUND)
		(void)wk_error(req, resp, 404, wk_arena_printf(req->arena,
		    "No %s with ID %lld", verbose(ad->entry), ad->id));
	else
		(void)wk_db_respond(req, resp, st, 0);
	return 1;
}

/* see internal.h */
int
wk__admin_auth_change(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	int can_change = wk__admin_perm(req, ad, ad->entry, "change");
	void *obj;

	if (!can_change && (req->method == WK_METHOD_POST ||
	    !wk__admin_perm(req, ad, ad->entry, "view")))
		return wk__admin_forbidden(req, resp);
	if (get_object(req, resp, ad, &obj) != 0)
		return 0;
	return change_page(req, resp, ad, obj, can_change);
}

/* ---- a user's add form ------------------------------------------------------------- */

static const struct wk_form_field user_add_fields[] = {
	{ .name = "username", .kind = WK_FF_TEXT, .label = "Username",
	  .max_length = 150, .help_text = HELP_USERNAME,
	  .validate = username_check },
	{ .name = "password1", .kind = WK_FF_PASSWORD, .label = "Password" },
	{ .name = "password2", .kind = WK_FF_PASSWORD,
	  .label = "Password confirmation", .help_text = HELP_PASSWORD2 },
};
static const struct wk_form_def user_add_form = WK_FORM_DEF(user_add_fields,
    NULL);

static int
user_add(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	struct wk_password_user pu = { NULL, NULL, NULL, NULL };
	struct wk_form f;
	const char *name;
	long long id = 0;
	int ok, st;

	if (wk_form_init(&f, &user_add_form, req->arena) != 0)
		return -1;
	if (req->method != WK_METHOD_POST)
		goto show;
	if ((ok = bind_valid(req, &f)) < 0)
		return -1;
	if (ok == 0)
		goto show;
	name = wk_form_text(&f, "username");
	pu.username = name;
	if ((ok = new_password_ok(&f, "password1", "password2", &pu)) < 0)
		return -1;
	if (ok == 0)
		goto show;
	st = wk_auth_create_user(req->arena, name, "", wk_form_text(&f,
	    "password1"), iterations(req), 0, &id);
	if (st == WK_DB_CONSTRAINT || st == WK_DB_INVALID) {
		if (wk_form_add_error(&f, "username", st == WK_DB_CONSTRAINT ?
		    MSG_USERNAME_TAKEN : MSG_USERNAME_BAD) != 0)
			return -1;
		goto show;
	}
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: added wick_user id=%lld by user "
	    "%lld", id, ad->user->id);
	return saved(req, resp, ad, name, id, 1);
show:
	return simple_form(req, resp, ad, "admin/auth/simple_form.html",
	    "Add user", NULL, "First, enter a username and password. Then, "
	    "you\xe2\x80\x99ll be able to edit more user options.", &f);
}

/* see internal.h */
int
wk__admin_auth_add(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	if (!wk__admin_perm(req, ad, ad->entry, "add"))
		return wk__admin_forbidden(req, resp);
	if (wk__admin_auth_kind(ad->entry) == 2)
		return change_page(req, resp, ad, NULL, 1);
	/* Django's UserAdmin: adding a user takes change too */
	if (!wk__admin_perm(req, ad, ad->entry, "change"))
		return wk__admin_forbidden(req, resp);
	return user_add(req, resp, ad);
}

/* ---- setting a password ----------------------------------------------------------- */

/*
 * Store password for user u (arena row); when u is the logged-in user,
 * keep the session logged in.  WK_DB_OK or an error.
 */
static int
store_password(struct wk_request *req, struct wick_user *u,
    const char *password)
{
	struct wick_user *fresh;
	int st;

	if ((st = wk_auth_set_password(req->arena, u->id, password,
	    iterations(req))) != WK_DB_OK)
		return st;
	if (wk_auth_user(req) == NULL || wk_auth_user(req)->id != u->id)
		return WK_DB_OK;
	if ((st = wk_orm_get(req->arena, &wick_user_model, u->id,
	    (void **)&fresh)) != WK_DB_OK)
		return st;
	return wk_auth_update_session(req, fresh) == 0 ? WK_DB_OK :
	    WK_DB_ERROR;
}

static const struct wk_form_field set_password_fields[] = {
	{ .name = "password1", .kind = WK_FF_PASSWORD, .label = "Password" },
	{ .name = "password2", .kind = WK_FF_PASSWORD,
	  .label = "Password (again)", .help_text = HELP_PASSWORD2 },
};
static const struct wk_form_def set_password_form =
    WK_FORM_DEF(set_password_fields, NULL);

/* see internal.h */
int
wk__admin_user_password(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	struct wk_password_user pu = { NULL, NULL, NULL, NULL };
	struct wick_user *u;
	struct wk_form f;
	const char *title, *back;
	int ok, st;

	if (wk__admin_auth_kind(ad->entry) != 1)
		return wk_error(req, resp, 404, NULL);
	if (!wk__admin_perm(req, ad, ad->entry, "change"))
		return wk__admin_forbidden(req, resp);
	if (get_object(req, resp, ad, (void **)&u) != 0)
		return 0;
	if (wk_form_init(&f, &set_password_form, req->arena) != 0 ||
	    (title = wk_arena_printf(req->arena, "Change password: %s",
	    u->username)) == NULL)
		return -1;
	if (req->method != WK_METHOD_POST)
		goto show;
	if ((ok = bind_valid(req, &f)) < 0)
		return -1;
	pu.username = u->username;
	pu.email = u->email;
	if (ok == 0 || (ok = new_password_ok(&f, "password1", "password2",
	    &pu)) == 0)
		goto show;
	if (ok < 0)
		return -1;
	if ((st = store_password(req, u, wk_form_text(&f, "password1"))) !=
	    WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: set the password of wick_user "
	    "id=%lld by user %lld", u->id, ad->user->id);
	if ((back = wk_arena_printf(req->arena, "%s%lld/change/",
	    wk__admin_url(req, ad, ad->entry, ""), u->id)) == NULL ||
	    wk_message_add(req, WK_MSG_SUCCESS, "Password changed "
	    "successfully.") != 0)
		return -1;
	return wk_response_redirect(resp, NULL, back, 302);
show:
	return simple_form(req, resp, ad, "admin/auth/simple_form.html",
	    title, u->username, wk_arena_printf(req->arena, "Enter a new "
	    "password for the user %s.", u->username), &f);
}

/* ---- password_change/ ------------------------------------------------------------- */

static const struct wk_form_field password_change_fields[] = {
	{ .name = "old_password", .kind = WK_FF_PASSWORD,
	  .label = "Old password" },
	{ .name = "new_password1", .kind = WK_FF_PASSWORD,
	  .label = "New password" },
	{ .name = "new_password2", .kind = WK_FF_PASSWORD,
	  .label = "New password confirmation" },
};
static const struct wk_form_def password_change_form =
    WK_FORM_DEF(password_change_fields, NULL);

/* see internal.h */
int
wk__admin_password_change(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	struct wk_password_user pu = { ad->user->username, ad->user->email,
	    NULL, NULL };
	struct wk_form f;
	const char *old, *url;
	struct wick_user *u;
	int ok, st;

	if (wk_form_init(&f, &password_change_form, req->arena) != 0)
		return -1;
	if (req->method != WK_METHOD_POST)
		goto show;
	if ((ok = bind_valid(req, &f)) < 0)
		return -1;
	if (ok == 0)
		goto show;
	old = wk_form_text(&f, "old_password");
	if (!wk_password_check(old, strlen(old), ad->user->password)) {
		if (wk_form_add_error(&f, "old_password", MSG_OLD_WRONG) != 0)
			return -1;
		goto show;
	}
	if ((ok = new_password_ok(&f, "new_password1", "new_password2",
	    &pu)) < 0)
		return -1;
	if (ok == 0)
		goto show;
	if ((st = wk_orm_get(req->arena, &wick_user_model, ad->user->id,
	    (void **)&u)) != WK_DB_OK ||
	    (st = store_password(req, u, wk_form_text(&f,
	    "new_password1"))) != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	wk_log(req, WK_LOG_INFO, "admin: user %lld changed their password",
	    u->id);
	if ((url = wk_arena_printf(req->arena, "%spassword_change/done/",
	    ad->base)) == NULL)
		return -1;
	return wk_response_redirect(resp, NULL, url, 302);
show:
	return simple_form(req, resp, ad, "admin/password_change_form.html",
	    "Password change", NULL, "Please enter your old password, for "
	    "security\xe2\x80\x99s sake, and then enter your new password "
	    "twice so we can verify you typed it in correctly.", &f);
}

/* see internal.h */
int
wk__admin_password_change_done(struct wk_request *req,
    struct wk_response *resp, struct wk__admin *ad)
{
	struct wk_map *ctx;

	if (req->method != WK_METHOD_GET && req->method != WK_METHOD_HEAD)
		return wk_response_not_allowed(resp, WK_GET);
	if ((ctx = wk__admin_context(req, ad, "Password change successful")) ==
	    NULL)
		return -1;
	return wk__admin_render(req, resp, ad,
	    "admin/password_change_done.html", ctx, 200);
}
