/*
 * auth.h - users, groups, permissions, login and logout.
 *
 * The tables are models like any app's (model.h), created by migration
 * steps that this module registers (schema "auth", order 10, so apps can
 * point foreign keys at wick_user):
 *
 *   wick_user         username (unique), email, password (Django's
 *                     pbkdf2_sha256 format, password.h), is_active,
 *                     is_staff, is_superuser, last_login, date_joined
 *   wick_group        name (unique)
 *   wick_permission   model + codename (unique together): "blog_post" +
 *                     "add"; written "blog_post.add" in checks (Django's
 *                     "blog.add_post"); after every migrate each model
 *                     of every schema has view, add, change and delete
 *                     (below, "permissions")
 *   wick_user_groups  user <-> group
 *   wick_grant        a permission given to a user or to a group
 *   wick_login_failure  failed logins, for throttling
 *
 * Who is logged in: wk_mw_auth (list it after the session and CSRF
 * middleware) reads the user id the session holds, loads the user and
 * puts it in req->slots[WK_SLOT_USER]; wk_auth_user(req) returns it, NULL
 * for an anonymous visitor.  The session also holds a digest of the
 * password hash, so changing the password logs out every other session
 * (Django's session auth hash).
 *
 * Protecting views - views are plain function pointers in const route
 * tables, so the check is a wrapper made by a macro, explicit at the place
 * the view is defined:
 *
 *   static int post_new_view(struct wk_request *, struct wk_response *);
 *   WK_LOGIN_REQUIRED(post_new, post_new_view)
 *   WK_PERMISSION_REQUIRED(post_delete, "blog_post.delete", delete_view)
 *   ... { "posts/new/", post_new, "post_new", WK_GET | WK_POST, NULL }
 *
 * or, inside a view, `if (wk_login_required(req, resp)) return 0;`.
 * Anonymous visitors are redirected to the route named "login" (or
 * /accounts/login/) with ?next=<this path>; logged-in users without the
 * permission get 403.
 *
 * Logging in (wk_auth_login_view): throttled - after WK_AUTH_MAX_FAILURES
 * failures for a username OR from a client address within
 * WK_AUTH_FAILURE_WINDOW seconds, attempts get 429 without any password
 * check; an unknown user, a wrong password and an inactive user get the
 * same answer after the same amount of PBKDF2 work; the session id is
 * rotated and the CSRF secret too; a hash made with fewer iterations than
 * settings.password_iterations is replaced.  `next` is followed only when
 * it is a path on this site (wk_auth_safe_next).
 */
#ifndef WICK_AUTH_H
#define WICK_AUTH_H

#include <stddef.h>

#include "wick/http/app.h"
#include "wick/db/model.h"
#include "wick/template/template.h"

struct wk_request;
struct wk_response;
struct wk_middleware;

#define WK_AUTH_MAX_FAILURES 10
#define WK_AUTH_FAILURE_WINDOW 900     /* seconds */
#define WK_AUTH_SESSION_USER "_auth_user_id"
#define WK_AUTH_SESSION_HASH "_auth_user_hash"

#define WICK_USER(F, M) \
	F(M, username, TEXT, .max_length = 150, .flags = WK_UNIQUE, \
	    .verbose_name = "username") \
	F(M, email, TEXT, .max_length = 254, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "email address") \
	F(M, password, TEXT, .max_length = 128, .verbose_name = "password") \
	F(M, is_active, BOOL, .def = "1", .verbose_name = "active") \
	F(M, is_staff, BOOL, .def = "0", .verbose_name = "staff status") \
	F(M, is_superuser, BOOL, .def = "0", \
	    .verbose_name = "superuser status") \
	F(M, last_login, DATETIME, .flags = WK_NULL, \
	    .verbose_name = "last login") \
	F(M, date_joined, DATETIME, .verbose_name = "date joined")
WK_MODEL_STRUCT(wick_user, WICK_USER)

#define WICK_GROUP(F, M) \
	F(M, name, TEXT, .max_length = 150, .flags = WK_UNIQUE, \
	    .verbose_name = "name")
WK_MODEL_STRUCT(wick_group, WICK_GROUP)

#define WICK_PERMISSION(F, M) \
	F(M, model, TEXT, .max_length = 100, .verbose_name = "model") \
	F(M, codename, TEXT, .max_length = 100, .verbose_name = "codename") \
	F(M, name, TEXT, .max_length = 255, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "name")
WK_MODEL_STRUCT(wick_permission, WICK_PERMISSION)

/* (user, group) has a unique index, which also serves look-ups by user. */
#define WICK_USER_GROUPS(F, M) \
	F(M, user, FK, .to = &wick_user_model, .on_delete = WK_CASCADE, \
	    .flags = WK_NO_INDEX) \
	F(M, group, FK, .to = &wick_group_model, .on_delete = WK_CASCADE)
WK_MODEL_STRUCT(wick_user_groups, WICK_USER_GROUPS)

#define WICK_GRANT(F, M) \
	F(M, user, FK, .to = &wick_user_model, .on_delete = WK_CASCADE, \
	    .flags = WK_NULL) \
	F(M, group, FK, .to = &wick_group_model, .on_delete = WK_CASCADE, \
	    .flags = WK_NULL) \
	F(M, permission, FK, .to = &wick_permission_model, \
	    .on_delete = WK_CASCADE, .flags = WK_NO_INDEX)
WK_MODEL_STRUCT(wick_grant, WICK_GRANT)

#define WICK_LOGIN_FAILURE(F, M) \
	F(M, username, TEXT, .max_length = 150, .flags = WK_BLANK | WK_INDEX) \
	F(M, addr, TEXT, .max_length = 64, .flags = WK_BLANK | WK_INDEX) \
	F(M, at, BIGINT, .flags = WK_INDEX)
WK_MODEL_STRUCT(wick_login_failure, WICK_LOGIN_FAILURE)

/* The middleware: sets req->slots[WK_SLOT_USER]. */
extern const struct wk_middleware wk_mw_auth;

/* wk_auth_user - the logged-in user, or NULL (anonymous). */
const struct wick_user *wk_auth_user(const struct wk_request *req);

/*
 * wk_auth_context_processor - a context processor (template.h; Django's
 * django.contrib.auth.context_processors.auth): sets "user" to the
 * logged-in user's row (wk_orm_value of wick_user) or null for an
 * anonymous visitor, so `{% if user %}{{ user.username }}{% endif %}`
 * works on every page.  List it in the app's .context_processors (app.h).
 * 0, or -1 on allocation failure.
 */
struct wk_map;
int wk_auth_context_processor(struct wk_request *req, struct wk_map *ctx);

/* ---- users ------------------------------------------------------------------------ */

/*
 * wk_auth_create_user - INSERT a user with password hashed at iterations
 * (settings.password_iterations; 0 = default).  password NULL: unusable.
 * *id (may be NULL) gets the new id.  WK_DB_OK, WK_DB_CONSTRAINT (name
 * taken), WK_DB_INVALID (bad username, password too long), or an error.
 */
int wk_auth_create_user(wk_arena *a, const char *username, const char *email,
    const char *password, long iterations, int superuser, long long *id);

/* wk_auth_set_password - hash and store a new password for user id. */
int wk_auth_set_password(wk_arena *a, long long id, const char *password,
    long iterations);

/* wk_auth_get_user - the user named username into *u (arena a). */
int wk_auth_get_user(wk_arena *a, const char *username,
    struct wick_user **u);

/* ---- authentication ---------------------------------------------------------------- */

enum wk_auth_result {
	WK_AUTH_OK = 0,
	WK_AUTH_INVALID,      /* unknown, wrong password or inactive */
	WK_AUTH_THROTTLED,    /* too many failures: 429 */
	WK_AUTH_ERROR,        /* database or memory failure */
	WK_AUTH__MAX
};

/*
 * wk_auth_authenticate - check username/password for a login from req
 * (whose remote_addr counts for throttling): throttling first, then the
 * password (or a dummy PBKDF2 run for an unknown user), failures
 * recorded.  On WK_AUTH_OK *user is set (and a stale hash upgraded).
 */
enum wk_auth_result wk_auth_authenticate(struct wk_request *req,
    const char *username, const char *password, struct wick_user **user);

/*
 * wk_auth_login - make user the session's user: rotate the session id
 * and the CSRF secret, store the id and hash digest, set last_login.
 * 0 or -1.
 */
int wk_auth_login(struct wk_request *req, struct wick_user *user);

/*
 * wk_auth_update_session - after user's password changed (user holds the
 * new hash), keep this session logged in: rotate the session id and store
 * the new hash digest (Django's update_session_auth_hash); the user's
 * other sessions end at their next request.  0 or -1.
 */
int wk_auth_update_session(struct wk_request *req, struct wick_user *user);

/* wk_auth_logout - flush the session (and rotate the CSRF secret). */
int wk_auth_logout(struct wk_request *req);

/*
 * wk_auth_safe_next - 1 if url is safe to redirect to after login: a path
 * on this site.  Refused: empty; not starting with '/'; "//" or "/\"
 * (scheme-relative); any backslash, control character, space or
 * non-ASCII byte (browsers drop tabs and newlines, turning "/\t/x" into
 * "//x"); anything with a scheme.  Stricter than Django's
 * url_has_allowed_host_and_scheme, which also allows absolute URLs to
 * allowed hosts.
 */
int wk_auth_safe_next(const char *url);

/* ---- permissions ------------------------------------------------------------------- */

/*
 * A permission is "<model's table>.<codename>": "blog_post.add".  The
 * rows: `APP migrate` makes view, add, change and delete for every model
 * of every registered schema (Django's default permissions, made by its
 * post_migrate signal), named "Can add post" after the verbose name;
 * only the missing ones, so migrating twice adds nothing and a new model
 * gets its rows at the next migrate.  Auth's bookkeeping tables
 * (wick_user_groups, wick_grant, wick_login_failure) get none.  Other
 * codenames ("blog_post.publish") are the app's: wk_auth_perm_ensure in
 * a WK_RUN_C step makes them.
 *
 * The commands (wk_auth_commands): creategroup, addtogroup,
 * removefromgroup, grant, revoke, permissions (docs/auth.md).
 */

/*
 * wk_auth_has_perm - 1 if the user may do perm ("blog_post.add"):
 * active superusers may do everything, inactive users nothing, others
 * through a grant to them or to one of their groups.  0 on errors too
 * (logged).
 */
int wk_auth_has_perm(wk_arena *a, const struct wick_user *u,
    const char *perm);

/*
 * wk_auth_perm_ensure - the id of perm's row into *id, creating it (with
 * name, NULL = "") when missing.  WK_DB_OK, WK_DB_INVALID (perm is not
 * "model.codename" of [a-z0-9_]), or an error.
 */
int wk_auth_perm_ensure(wk_arena *a, const char *perm, const char *name,
    long long *id);

/*
 * wk_auth_perm_get - the id of perm's row into *id, never creating it.
 * WK_DB_OK, WK_DB_NOT_FOUND, WK_DB_INVALID (malformed name), or an error.
 */
int wk_auth_perm_get(wk_arena *a, const char *perm, long long *id);

/* wk_auth_model_perms - create view/add/change/delete for model m (what
 * migrate does for every model; idempotent).  WK_DB_OK or an error. */
int wk_auth_model_perms(wk_arena *a, const struct wk_model *m);

/*
 * wk_auth_grant - give perm to user id (group_id 0) or to a group (user_id
 * 0), creating perm's row when missing (wk_auth_perm_ensure); granting
 * twice is one grant.  WK_DB_OK, WK_DB_INVALID (both or neither id, bad
 * name), or an error.
 */
int wk_auth_grant(wk_arena *a, long long user_id, long long group_id,
    const char *perm);

/*
 * wk_auth_revoke - take perm back from user id (group_id 0) or a group
 * (user_id 0).  *n (may be NULL) gets how many grants went (0 when there
 * was none, or no such permission).  WK_DB_OK, WK_DB_INVALID, or an error.
 */
int wk_auth_revoke(wk_arena *a, long long user_id, long long group_id,
    const char *perm, long long *n);

/* wk_auth_group_ensure - the id of group name, created if missing. */
int wk_auth_group_ensure(wk_arena *a, const char *name, long long *id);

/* wk_auth_group_get - the id of group name into *id.  WK_DB_OK,
 * WK_DB_NOT_FOUND, or an error. */
int wk_auth_group_get(wk_arena *a, const char *name, long long *id);

/* wk_auth_group_add - put user id into group id (idempotent). */
int wk_auth_group_add(wk_arena *a, long long user_id, long long group_id);

/* wk_auth_group_remove - take user id out of group id; *n (may be NULL)
 * gets 1, or 0 when the user was not in it.  WK_DB_OK or an error. */
int wk_auth_group_remove(wk_arena *a, long long user_id, long long group_id,
    long long *n);

/* ---- protecting views ---------------------------------------------------------------- */

/*
 * wk_login_required - 0 when a user is logged in; else fills resp with a
 * redirect to the login page (?next=the current path) and returns 1.
 */
int wk_login_required(struct wk_request *req, struct wk_response *resp);

/* wk_permission_required - 0 when allowed; else 1 with resp filled
 * (redirect for anonymous visitors, 403 for users without perm). */
int wk_permission_required(struct wk_request *req, struct wk_response *resp,
    const char *perm);

/* A view named name that runs view only for a logged-in user. */
#define WK_LOGIN_REQUIRED(name, view) \
	static int name(struct wk_request *req, struct wk_response *resp) \
	{ \
		if (wk_login_required(req, resp)) \
			return 0; \
		return view(req, resp); \
	}

/* A view named name that runs view only for users with perm. */
#define WK_PERMISSION_REQUIRED(name, perm, view) \
	static int name(struct wk_request *req, struct wk_response *resp) \
	{ \
		if (wk_permission_required(req, resp, perm)) \
			return 0; \
		return view(req, resp); \
	}

/* ---- the views ------------------------------------------------------------------------ */

/* How an app's login page looks and where it goes. */
struct wk_auth_pages {
	const struct wk_template_set *set;
	const char *login_template;    /* gets form, next, messages, user */
	const char *after_login;       /* route name when next is absent */
	const char *after_logout;      /* route name */
};

/*
 * wk_auth_login_view - GET shows the form; POST authenticates (429 when
 * throttled, the form again with one non-field error when invalid) and
 * redirects to next or after_login.  The app's view calls it.
 */
int wk_auth_login_view(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p);

/* wk_auth_logout_view - POST only: log out and redirect (303). */
int wk_auth_logout_view(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p);

/* createsuperuser, changepassword, creategroup, addtogroup,
 * removefromgroup, grant, revoke, permissions. */
extern const struct wk_command wk_auth_commands[];

#endif /* WICK_AUTH_H */
