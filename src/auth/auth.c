/*
 * auth.c - users, permissions, the auth middleware, login throttling and
 * the login/logout views (see auth.h).
 *
 * The security decisions all live here, in the order a login meets them:
 * the throttle is asked before any password work (a throttled attempt
 * costs one indexed COUNT), an unknown user costs the same PBKDF2 as a
 * known one, a success rotates the session id (fixation) and the CSRF
 * secret, and the session keeps a digest of the password hash so that a
 * password change ends the other sessions.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "wick/auth/auth.h"
#include "wick/core/crypto.h"
#include "wick/http/app.h"
#include "wick/auth/csrf.h"
#include "wick/db/db.h"
#include "wick/forms/form.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/auth/password.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/auth/session.h"
#include "wick/template/template.h"

WK_MODEL_DEFINE(wick_user, WICK_USER, .verbose_name = "user",
    .verbose_name_plural = "users")
WK_MODEL_DEFINE(wick_group, WICK_GROUP, .verbose_name = "group",
    .verbose_name_plural = "groups")
WK_MODEL_DEFINE(wick_permission, WICK_PERMISSION,
    .verbose_name = "permission", .verbose_name_plural = "permissions")
WK_MODEL_DEFINE(wick_user_groups, WICK_USER_GROUPS,
    .verbose_name = "group membership")
WK_MODEL_DEFINE(wick_grant, WICK_GRANT, .verbose_name = "grant")
WK_MODEL_DEFINE(wick_login_failure, WICK_LOGIN_FAILURE,
    .verbose_name = "login failure")

static const struct wk_model *const auth_models[] = {
	&wick_user_model,
	&wick_group_model,
	&wick_permission_model,
	&wick_user_groups_model,
	&wick_grant_model,
	&wick_login_failure_model,
	NULL
};

static const struct wk_migration auth_steps[] = {
	WK_MIGRATION("0001_auth",
	    WK_CREATE_TABLE(wick_user_model),
	    WK_CREATE_TABLE(wick_group_model),
	    WK_CREATE_TABLE(wick_permission_model),
	    WK_CREATE_TABLE(wick_user_groups_model),
	    WK_CREATE_TABLE(wick_grant_model),
	    WK_ADD_INDEX(wick_permission_model, "model,codename", 1),
	    WK_ADD_INDEX(wick_user_groups_model, "user,group", 1)),
	WK_MIGRATION("0002_login_failure",
	    WK_CREATE_TABLE(wick_login_failure_model)),
};

static const struct wk_schema auth_schema = {
	.app = "auth",
	.order = 10,
	.models = auth_models,
	.steps = auth_steps,
	.nsteps = sizeof(auth_steps) / sizeof(auth_steps[0]),
};
WK_SCHEMA_REGISTER(auth_schema)

#define USERNAME_MAX 150
#define MSG_INVALID_LOGIN "Please enter a correct username and password. " \
	"Note that both fields may be case-sensitive."
#define MSG_THROTTLED "Too many failed login attempts. Please try again " \
	"later."

/* ---- small helpers ------------------------------------------------------------------- */

static long
iterations(const struct wk_request *req)
{
	return req != NULL && req->settings != NULL ?
	    req->settings->password_iterations : 0;
}

/* The session's digest of a password hash: SHA-256, hex. */
static void
hash_digest(const char *encoded, char out[WK_SHA256_LEN * 2 + 1])
{
	unsigned char d[WK_SHA256_LEN];

	wk_sha256(encoded != NULL ? encoded : "", encoded != NULL ?
	    strlen(encoded) : 0, d);
	(void)wk_hex_encode(out, WK_SHA256_LEN * 2 + 1, d, sizeof(d));
}

static int
username_ok(const char *u)
{
	const unsigned char *p;
	size_t n;

	if (u == NULL || u[0] == '\0')
		return 0;
	n = wk_utf8_len(u, strlen(u));
	if (n > USERNAME_MAX)
		return 0;
	/* Django's UnicodeUsernameValidator: letters, digits, @.+-_ */
	for (p = (const unsigned char *)u; *p; p++)
		if (*p < 0x80 && !isalnum(*p) && strchr("@.+-_", *p) == NULL)
			return 0;
	return 1;
}

/* ---- users ------------------------------------------------------------------------- */

/* see auth.h */
int
wk_auth_get_user(wk_arena *a, const char *username, struct wick_user **u)
{
	struct wk_query q;

	wk_q_init(&q, a, &wick_user_model);
	wk_q_filter(&q, "username", wk_val_str(username));
	return wk_q_get(&q, (void **)u);
}

static int
make_hash(char *enc, size_t encsz, const char *password, long iter)
{
	int r;

	if (password == NULL)
		return wk_password_make_unusable(enc, encsz) == 0 ? WK_DB_OK :
		    WK_DB_ERROR;
	r = wk_password_make(enc, encsz, password, strlen(password), iter,
	    NULL);
	if (r == WK_PASSWORD_OK)
		return WK_DB_OK;
	return r == WK_PASSWORD_TOO_LONG || r == WK_PASSWORD_BAD_ARGS ?
	    WK_DB_INVALID : WK_DB_ERROR;
}

/* see auth.h */
int
wk_auth_create_user(wk_arena *a, const char *username, const char *email,
    const char *password, long iter, int superuser, long long *id)
{
	struct wick_user u;
	char enc[WK_PASSWORD_ENCODED_MAX], now[32];
	int st;

	(void)a;
	if (!username_ok(username))
		return WK_DB_INVALID;
	if ((st = make_hash(enc, sizeof(enc), password, iter)) != WK_DB_OK)
		return st;
	if (wk_model_init(&wick_user_model, &u) != 0 ||
	    wk_db_now(now, sizeof(now)) != 0)
		return WK_DB_ERROR;
	u.username = username;
	u.email = email != NULL ? email : "";
	u.password = enc;
	u.is_superuser = superuser != 0;
	u.is_staff = superuser != 0;
	u.is_active = 1;
	u.date_joined = now;
	st = wk_orm_create(&wick_user_model, &u);
	if (st == WK_DB_OK && id != NULL)
		*id = u.id;
	return st;
}

/* see auth.h */
int
wk_auth_set_password(wk_arena *a, long long id, const char *password,
    long iter)
{
	struct wk_query q;
	char enc[WK_PASSWORD_ENCODED_MAX];
	long long n = 0;
	int st;

	if ((st = make_hash(enc, sizeof(enc), password, iter)) != WK_DB_OK)
		return st;
	wk_q_init(&q, a, &wick_user_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_set(&q, "password", wk_val_str(enc));
	if ((st = wk_q_update(&q, &n)) != WK_DB_OK)
		return st;
	return n == 1 ? WK_DB_OK : WK_DB_NOT_FOUND;
}

/* ---- the middleware -------------------------------------------------------------------- */

/* see auth.h */
const struct wick_user *
wk_auth_user(const struct wk_request *req)
{
	return req != NULL ? req->slots[WK_SLOT_USER] : NULL;
}

static int
auth_on_request(struct wk_request *req, struct wk_response *resp)
{
	const char *sid, *shash;
	char want[WK_SHA256_LEN * 2 + 1], *end;
	struct wick_user *u;
	long long id;
	int st;

	if (wk_session(req) == NULL) {
		wk_log(req, WK_LOG_ERROR, "auth: list a session middleware "
		    "before wk_mw_auth");
		return WK_MW_ERROR;
	}
	if ((sid = wk_session_get(req, WK_AUTH_SESSION_USER)) == NULL)
		return WK_MW_CONTINUE;
	errno = 0;
	id = strtoll(sid, &end, 10);
	if (errno != 0 || *end != '\0' || id <= 0)
		goto anonymous;
	st = wk_orm_get(req->arena, &wick_user_model, id, (void **)&u);
	if (st == WK_DB_NOT_FOUND)
		goto anonymous;
	if (st != WK_DB_OK) {
		if (wk_db_respond(req, resp, st, 0) != 0)
			return WK_MW_ERROR;
		return WK_MW_ANSWERED;
	}
	shash = wk_session_get(req, WK_AUTH_SESSION_HASH);
	hash_digest(u->password, want);
	if (!u->is_active || !wk_ct_streq(shash, want))
		goto anonymous;
	req->slots[WK_SLOT_USER] = u;
	return WK_MW_CONTINUE;
anonymous:
	/* A deleted or deactivated user, or a changed password: the old
	 * session ends (Django's get_user flushes it too). */
	if (wk_session_flush(req) != 0)
		return WK_MW_ERROR;
	return WK_MW_CONTINUE;
}

const struct wk_middleware wk_mw_auth = { "auth", auth_on_request, NULL };

/* ---- throttling -------------------------------------------------------------------------- */

static const char *
client_addr(const struct wk_request *req)
{
	return req->remote_addr != NULL ? req->remote_addr : "";
}

/* The username as recorded: at most 150 characters' worth of bytes. */
static const char *
failure_name(wk_arena *a, const char *username)
{
	size_t n = strlen(username);

	return wk_arena_strndup(a, username, n > USERNAME_MAX * 4 ?
	    USERNAME_MAX * 4 : n);
}

static int
throttled(struct wk_request *req, const char *username, int *yes)
{
	struct wk_value args[4];
	struct wk_raw r;
	long long since = (long long)time(NULL) - WK_AUTH_FAILURE_WINDOW;
	long long by_name = 0, by_addr = 0;
	int st;

	args[0] = wk_val_str(failure_name(req->arena, username));
	args[1] = wk_val_int(since);
	args[2] = wk_val_str(client_addr(req));
	args[3] = wk_val_int(since);
	if (args[0].kind != WK_VAL_STR)
		return WK_DB_NOMEM;
	st = wk_raw(&r, req->arena, "SELECT (SELECT count(*) FROM "
	    "wick_login_failure WHERE username = ? AND at > ?), (SELECT "
	    "count(*) FROM wick_login_failure WHERE addr = ? AND at > ?)",
	    args, 4);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW) {
		by_name = wk_raw_col(&r, 0).u.i;
		by_addr = wk_raw_col(&r, 1).u.i;
	}
	wk_raw_close(&r);
	if (st != WK_DB_DONE && st != WK_DB_OK)
		return st;
	*yes = by_name >= WK_AUTH_MAX_FAILURES ||
	    by_addr >= WK_AUTH_MAX_FAILURES;
	return WK_DB_OK;
}

static int
record_failure(struct wk_request *req, const char *username)
{
	struct wk_value args[3];
	long long now = (long long)time(NULL);
	int st;

	args[0] = wk_val_int(now - WK_AUTH_FAILURE_WINDOW);
	st = wk_raw_exec(req->arena, "DELETE FROM wick_login_failure WHERE "
	    "at <= ?", args, 1, NULL);
	if (st != WK_DB_OK)
		return st;
	args[0] = wk_val_str(failure_name(req->arena, username));
	args[1] = wk_val_str(client_addr(req));
	args[2] = wk_val_int(now);
	if (args[0].kind != WK_VAL_STR)
		return WK_DB_NOMEM;
	return wk_raw_exec(req->arena, "INSERT INTO wick_login_failure "
	    "(username, addr, at) VALUES (?, ?, ?)", args, 3, NULL);
}

/* see auth.h */
enum wk_auth_result
wk_auth_authenticate(struct wk_request *req, const char *username,
    const char *password, struct wick_user **user)
{
	struct wick_user *u = NULL;
	size_t pwlen;
	int st, yes = 0, ok;

	*user = NULL;
	if (username == NULL || password == NULL)
		return WK_AUTH_INVALID;
	if ((st = throttled(req, username, &yes)) != WK_DB_OK)
		goto db_fail;
	if (yes) {
		wk_log(req, WK_LOG_WARN, "login throttled for user '%s' from %s",
		    username, client_addr(req));
		return WK_AUTH_THROTTLED;
	}
	pwlen = strlen(password);
	st = wk_auth_get_user(req->arena, username, &u);
	if (st != WK_DB_OK && st != WK_DB_NOT_FOUND)
		goto db_fail;
	if (pwlen > WK_PASSWORD_MAX_BYTES)
		ok = 0;  /* refused without hashing (password.h) */
	else if (st == WK_DB_NOT_FOUND)
		ok = wk_password_dummy_check(password, pwlen, iterations(req));
	else
		ok = wk_password_check(password, pwlen, u->password) &&
		    u->is_active;
	if (!ok) {
		if ((st = record_failure(req, username)) != WK_DB_OK)
			goto db_fail;
		return WK_AUTH_INVALID;
	}
	if (wk_password_needs_rehash(u->password, iterations(req))) {
		char enc[WK_PASSWORD_ENCODED_MAX];
		if (make_hash(enc, sizeof(enc), password, iterations(req)) ==
		    WK_DB_OK) {
			struct wk_query q;
			char *copy = wk_arena_strdup(req->arena, enc);
			wk_q_init(&q, req->arena, &wick_user_model);
			wk_q_filter(&q, "id", wk_val_int(u->id));
			wk_q_set(&q, "password", wk_val_str(enc));
			if ((st = wk_q_update(&q, NULL)) != WK_DB_OK)
				goto db_fail;
			if (copy != NULL)
				u->password = copy;
		}
	}
	{
		/* A login that succeeds clears the name's failures; when that
		 * fails the login still stands, but the log says why the
		 * user may find themselves throttled later. */
		struct wk_value args[1];
		args[0] = wk_val_str(failure_name(req->arena, username));
		if (args[0].kind != WK_VAL_STR ||
		    wk_raw_exec(req->arena, "DELETE FROM wick_login_failure "
		    "WHERE username = ?", args, 1, NULL) != WK_DB_OK)
			wk_log(req, WK_LOG_WARN, "login: failures of '%s' not "
			    "cleared: %s", username, wk_db_last_error());
	}
	*user = u;
	return WK_AUTH_OK;
db_fail:
	wk_log(req, WK_LOG_ERROR, "login: %s", wk_db_last_error());
	return WK_AUTH_ERROR;
}

/* see auth.h */
int
wk_auth_login(struct wk_request *req, struct wick_user *user)
{
	char digest[WK_SHA256_LEN * 2 + 1], id[24], now[32];
	struct wk_query q;

	hash_digest(user->password, digest);
	(void)snprintf(id, sizeof(id), "%lld", user->id);
	if (wk_session_cycle_key(req) != 0 ||
	    wk_session_set(req, WK_AUTH_SESSION_USER, id) != 0 ||
	    wk_session_set(req, WK_AUTH_SESSION_HASH, digest) != 0)
		return -1;
	if (wk_csrf_rotate(req) != 0)
		return -1;
	if (wk_db_now(now, sizeof(now)) != 0)
		return -1;
	wk_q_init(&q, req->arena, &wick_user_model);
	wk_q_filter(&q, "id", wk_val_int(user->id));
	wk_q_set(&q, "last_login", wk_val_str(now));
	if (wk_q_update(&q, NULL) != WK_DB_OK)
		return -1;
	req->slots[WK_SLOT_USER] = user;
	return 0;
}

/* see auth.h */
int
wk_auth_logout(struct wk_request *req)
{
	req->slots[WK_SLOT_USER] = NULL;
	if (wk_session_flush(req) != 0)
		return -1;
	return wk_csrf_rotate(req);
}

/* see auth.h */
int
wk_auth_safe_next(const char *url)
{
	const unsigned char *p;

	if (url == NULL || url[0] != '/' || url[1] == '/' || url[1] == '\\')
		return 0;
	for (p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			return 0;
	return 1;
}

/* ---- permissions ------------------------------------------------------------------------ */

/* Split "model.codename"; both parts [a-z0-9_]+. */
static int
perm_split(wk_arena *a, const char *perm, const char **model,
    const char **code)
{
	const char *dot, *p;

	if (perm == NULL || (dot = strrchr(perm, '.')) == NULL ||
	    dot == perm || dot[1] == '\0')
		return -1;
	for (p = perm; *p; p++)
		if (p != dot && !((*p >= 'a' && *p <= 'z') || (*p >= '0' &&
		    *p <= '9') || *p == '_'))
			return -1;
	*model = wk_arena_strndup(a, perm, (size_t)(dot - perm));
	*code = dot + 1;
	return *model != NULL ? 0 : -1;
}

/* see auth.h */
int
wk_auth_has_perm(wk_arena *a, const struct wick_user *u, const char *perm)
{
	struct wk_value args[4];
	const char *model, *code;
	struct wk_raw r;
	int st, found = 0;

	if (u == NULL || !u->is_active)
		return 0;
	if (u->is_superuser)
		return 1;
	if (perm_split(a, perm, &model, &code) != 0)
		return 0;
	args[0] = wk_val_str(model);
	args[1] = wk_val_str(code);
	args[2] = wk_val_int(u->id);
	args[3] = wk_val_int(u->id);
	st = wk_raw(&r, a, "SELECT 1 FROM wick_permission p WHERE "
	    "p.model = ? AND p.codename = ? AND (EXISTS (SELECT 1 FROM "
	    "wick_grant g WHERE g.permission = p.id AND g.\"user\" = ?) OR "
	    "EXISTS (SELECT 1 FROM wick_grant g JOIN wick_user_groups ug ON "
	    "ug.\"group\" = g.\"group\" WHERE g.permission = p.id AND "
	    "ug.\"user\" = ?)) LIMIT 1", args, 4);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW)
		found = 1;
	wk_raw_close(&r);
	if (st != WK_DB_DONE && st != WK_DB_OK) {
		wk_log(NULL, WK_LOG_ERROR, "has_perm: %s", wk_db_last_error());
		return 0;
	}
	return found;
}

/* The first column of the one-row result of a raw query, as an id. */
static int
raw_id(struct wk_raw *r, int st, long long *id)
{
	*id = 0;
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(r)) == WK_DB_ROW)
		*id = wk_raw_col(r, 0).u.i;
	wk_raw_close(r);
	if (st != WK_DB_DONE && st != WK_DB_OK)
		return st;
	return *id > 0 ? WK_DB_OK : WK_DB_NOT_FOUND;
}

/* see auth.h */
int
wk_auth_perm_ensure(wk_arena *a, const char *perm, const char *name,
    long long *id)
{
	struct wk_value args[3];
	const char *model, *code;
	struct wk_raw r;
	int st;

	if (perm_split(a, perm, &model, &code) != 0)
		return WK_DB_INVALID;
	args[0] = wk_val_str(model);
	args[1] = wk_val_str(code);
	args[2] = wk_val_str(name != NULL ? name : "");
	st = wk_raw_exec(a, "INSERT OR IGNORE INTO wick_permission (model, "
	    "codename, name) VALUES (?, ?, ?)", args, 3, NULL);
	if (st != WK_DB_OK)
		return st;
	st = wk_raw(&r, a, "SELECT id FROM wick_permission WHERE model = ? "
	    "AND codename = ?", args, 2);
	return raw_id(&r, st, id);
}

/* see auth.h */
int
wk_auth_model_perms(wk_arena *a, const struct wk_model *m)
{
	static const char *const actions[] = { "view", "add", "change",
	    "delete" };
	const char *vn = m->verbose_name != NULL ? m->verbose_name : m->name;
	long long id;
	size_t i;
	int st;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		const char *perm = wk_arena_printf(a, "%s.%s", m->name,
		    actions[i]);
		const char *name = wk_arena_printf(a, "Can %s %s", actions[i],
		    vn);
		if (perm == NULL || name == NULL)
			return WK_DB_NOMEM;
		if ((st = wk_auth_perm_ensure(a, perm, name, &id)) != WK_DB_OK)
			return st;
	}
	return WK_DB_OK;
}

/* see auth.h */
int
wk_auth_group_ensure(wk_arena *a, const char *name, long long *id)
{
	struct wk_value args[1];
	struct wk_raw r;
	int st;

	args[0] = wk_val_str(name);
	st = wk_raw_exec(a, "INSERT OR IGNORE INTO wick_group (name) "
	    "VALUES (?)", args, 1, NULL);
	if (st != WK_DB_OK)
		return st;
	st = wk_raw(&r, a, "SELECT id FROM wick_group WHERE name = ?", args,
	    1);
	return raw_id(&r, st, id);
}

/* see auth.h */
int
wk_auth_group_add(wk_arena *a, long long user_id, long long group_id)
{
	struct wk_value args[2];

	args[0] = wk_val_int(user_id);
	args[1] = wk_val_int(group_id);
	return wk_raw_exec(a, "INSERT OR IGNORE INTO wick_user_groups "
	    "(\"user\", \"group\") VALUES (?, ?)", args, 2, NULL);
}

/* see auth.h */
int
wk_auth_grant(wk_arena *a, long long user_id, long long group_id,
    const char *perm)
{
	struct wk_value args[3];
	long long pid;
	int st;

	if ((user_id > 0) == (group_id > 0))
		return WK_DB_INVALID;
	if ((st = wk_auth_perm_ensure(a, perm, NULL, &pid)) != WK_DB_OK)
		return st;
	args[0] = user_id > 0 ? wk_val_int(user_id) : wk_val_null();
	args[1] = group_id > 0 ? wk_val_int(group_id) : wk_val_null();
	args[2] = wk_val_int(pid);
	return wk_raw_exec(a, "INSERT INTO wick_grant (\"user\", \"group\", "
	    "permission) SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM "
	    "wick_grant WHERE \"user\" IS ?1 AND \"group\" IS ?2 AND "
	    "permission = ?3)", args, 3, NULL);
}

/* ---- protecting views -------------------------------------------------------------------- */

static void
url_escape(wk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~/", *p) != NULL) {
			wk_buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			wk_buf_append(b, e, 3);
		}
	}
}

/* see auth.h */
int
wk_login_required(struct wk_request *req, struct wk_response *resp)
{
	const char *login;
	wk_buf b;

	if (wk_auth_user(req) != NULL)
		return 0;
	login = wk_url(req, "login", NULL, 0);
	wk_buf_init(&b, req->arena);
	if (login != NULL)
		wk_buf_puts(&b, login);
	else
		wk_buf_printf(&b, "%s/accounts/login/", req->script_name);
	wk_buf_puts(&b, "?next=");
	url_escape(&b, req->script_name);
	url_escape(&b, req->raw_path[0] ? req->raw_path : "/");
	if (req->query_string[0] != '\0') {
		wk_buf_puts(&b, "%3F");
		url_escape(&b, req->query_string);
	}
	if (b.failed || wk_response_redirect(resp, NULL, wk_buf_cstr(&b),
	    302) != 0) {
		if (wk_error(req, resp, 403, "Login required") != 0)
			resp->status = 403;
	}
	return 1;
}

/* see auth.h */
int
wk_permission_required(struct wk_request *req, struct wk_response *resp,
    const char *perm)
{
	if (wk_login_required(req, resp))
		return 1;
	if (wk_auth_has_perm(req->arena, wk_auth_user(req), perm))
		return 0;
	if (wk_error(req, resp, 403, "You do not have permission to do "
	    "this.") != 0)
		resp->status = 403;
	return 1;
}

/* ---- the views ------------------------------------------------------------------------ */

static const struct wk_form_field login_fields[] = {
	{ .name = "username", .kind = WK_FF_TEXT, .label = "Username",
	  .max_length = USERNAME_MAX },
	{ .name = "password", .kind = WK_FF_PASSWORD, .label = "Password" },
};
static const struct wk_form_def login_form = WK_FORM_DEF(login_fields,
    NULL);

static int
login_render(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p, struct wk_form *f, const char *next,
    int status)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	const struct wick_user *u = wk_auth_user(req);

	if (ctx == NULL ||
	    wk_map_set(req->arena, ctx, "form", wk_form_value(f)) != 0 ||
	    wk_map_set(req->arena, ctx, "next", wk_val_str(next)) != 0 ||
	    wk_map_set(req->arena, ctx, "messages",
	    wk_messages_value(req)) != 0 ||
	    wk_map_set(req->arena, ctx, "user", u != NULL ?
	    wk_orm_value(req->arena, &wick_user_model, u) :
	    wk_val_null()) != 0)
		return -1;
	resp->status = status;
	return wk_render(req, resp, p->set, p->login_template, ctx);
}

static int
redirect_named(struct wk_request *req, struct wk_response *resp,
    const char *name, int status)
{
	const char *url = name != NULL ? wk_url(req, name, NULL, 0) : NULL;

	if (url == NULL)
		url = req->script_name[0] ? req->script_name : "/";
	if (url[0] == '\0')
		url = "/";
	return wk_response_redirect(resp, NULL, url, status);
}

/* see auth.h */
int
wk_auth_login_view(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p)
{
	struct wk_form f;
	struct wick_user *u;
	const char *next;
	enum wk_auth_result r;

	next = wk_request_post(req, "next");
	if (next == NULL)
		next = wk_request_get(req, "next");
	if (!wk_auth_safe_next(next))
		next = NULL;
	if (wk_form_init(&f, &login_form, req->arena) != 0)
		return -1;
	if (req->method != WK_METHOD_POST)
		return login_render(req, resp, p, &f, next, 200);
	if (wk_form_bind(&f, req) != 0)
		return -1;
	switch (wk_form_is_valid(&f)) {
	case 1:
		break;
	case 0:
		return login_render(req, resp, p, &f, next, 200);
	default:
		return -1;
	}
	r = wk_auth_authenticate(req, wk_form_text(&f, "username"),
	    wk_form_text(&f, "password"), &u);
	switch (r) {
	case WK_AUTH_OK:
		if (wk_auth_login(req, u) != 0)
			return -1;
		if (next != NULL)
			return wk_response_redirect(resp, NULL, next, 302);
		return redirect_named(req, resp, p->after_login, 302);
	case WK_AUTH_THROTTLED:
		if (wk_form_add_error(&f, NULL, MSG_THROTTLED) != 0)
			return -1;
		if (login_render(req, resp, p, &f, next, 429) != 0)
			return -1;
		return wk_response_set_header(resp, "Retry-After", "900");
	case WK_AUTH_INVALID:
		if (wk_form_add_error(&f, NULL, MSG_INVALID_LOGIN) != 0)
			return -1;
		return login_render(req, resp, p, &f, next, 200);
	default:
		return wk_error(req, resp, 503, "Login is unavailable.");
	}
}

/* see auth.h */
int
wk_auth_logout_view(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p)
{
	if (req->method != WK_METHOD_POST) {
		if (wk_response_not_allowed(resp, WK_POST) != 0)
			return -1;
		return 0;
	}
	if (wk_auth_logout(req) != 0)
		return -1;
	return redirect_named(req, resp, p->after_logout, 303);
}

/* ---- commands ------------------------------------------------------------------------- */

/* Read one line (without the newline) into buf; 0, or -1 at EOF/error or
 * when the line does not fit. */
static int
read_line(int fd, char *buf, size_t bufsz)
{
	size_t n = 0;
	char c;
	ssize_t r;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (n == 0)
				return -1;
			break;
		}
		if (c == '\n')
			break;
		if (n + 1 >= bufsz)
			return -1;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

/* Prompt on the terminal with echo off. */
static int
prompt_secret(const char *prompt, char *buf, size_t bufsz)
{
	struct termios old, quiet;
	ssize_t w;
	int fd, rc, have_tio;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		fprintf(stderr, "no terminal to ask for a password; use "
		    "--password-stdin\n");
		return -1;
	}
	w = write(fd, prompt, strlen(prompt));
	(void)w;
	have_tio = tcgetattr(fd, &old) == 0;
	if (have_tio) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	rc = read_line(fd, buf, bufsz);
	if (have_tio)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	return rc;
}

/* A new password: from stdin (one line) or asked twice on the terminal,
 * then the validators.  0 or -1 (reported). */
static int
new_password(int from_stdin, const char *username, const char *email,
    char *pw, size_t pwsz)
{
	char again[WK_PASSWORD_MAX_BYTES + 2];
	const char *msgs[8];
	struct wk_password_user pu = { username, email, NULL, NULL };
	wk_arena a;
	size_t n, i;

	if (from_stdin) {
		if (read_line(0, pw, pwsz) != 0) {
			fprintf(stderr, "no password on standard input (or "
			    "longer than %d bytes)\n", WK_PASSWORD_MAX_BYTES);
			return -1;
		}
	} else {
		if (prompt_secret("Password: ", pw, pwsz) != 0 ||
		    prompt_secret("Password (again): ", again,
		    sizeof(again)) != 0)
			return -1;
		if (strcmp(pw, again) != 0) {
			fprintf(stderr, "Error: your passwords didn't match.\n");
			return -1;
		}
	}
	wk_arena_init(&a);
	n = wk_password_validate(&a, pw, &pu, 0, msgs, 8);
	for (i = 0; n != (size_t)-1 && i < n && i < 8; i++)
		fprintf(stderr, "This password is not accepted: %s\n", msgs[i]);
	wk_arena_free(&a);
	return n == 0 ? 0 : -1;
}

static int
cmd_createsuperuser(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	char pw[WK_PASSWORD_MAX_BYTES + 2], name[USERNAME_MAX * 4 + 2];
	const char *username = NULL, *email = "";
	int from_stdin = 0, i, st, rc = 1;
	long long id = 0;
	wk_arena a;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--username") == 0 && i + 1 < argc)
			username = argv[++i];
		else if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
			email = argv[++i];
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else {
			fprintf(stderr, "usage: %s createsuperuser [--username "
			    "NAME] [--email ADDR] [--password-stdin]\n",
			    argv[0]);
			return 2;
		}
	}
	if (username == NULL) {
		if (from_stdin) {
			fprintf(stderr, "--password-stdin needs --username\n");
			return 2;
		}
		printf("Username: ");
		fflush(stdout);
		if (read_line(0, name, sizeof(name)) != 0)
			return 1;
		username = name;
	}
	if (!username_ok(username)) {
		fprintf(stderr, "Enter a valid username: up to 150 letters, "
		    "digits and @/./+/-/_ only.\n");
		return 1;
	}
	if (new_password(from_stdin, username, email, pw, sizeof(pw)) != 0)
		goto out;
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_auth_create_user(&a, username, email, pw,
	    s->password_iterations, 1, &id);
	wk_arena_free(&a);
	if (st == WK_DB_CONSTRAINT)
		fprintf(stderr, "Error: that username is already taken.\n");
	else if (st != WK_DB_OK)
		fprintf(stderr, "createsuperuser: %s\n", wk_db_last_error());
	else {
		printf("Superuser created successfully.\n");
		rc = 0;
	}
	wk_db_close();
out:
	memset(pw, 0, sizeof(pw));
	return rc;
}

static int
cmd_changepassword(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	char pw[WK_PASSWORD_MAX_BYTES + 2];
	struct wick_user *u;
	int from_stdin = 0, st, rc = 1;
	const char *username = NULL;
	wk_arena a;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (username == NULL && argv[i][0] != '-')
			username = argv[i];
		else
			break;   /* unknown option or a second name */
	}
	if (username == NULL || i < argc) {
		fprintf(stderr, "usage: %s changepassword USER "
		    "[--password-stdin]\n", argv[0]);
		return 2;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_auth_get_user(&a, username, &u);
	if (st == WK_DB_NOT_FOUND) {
		fprintf(stderr, "user '%s' does not exist\n", username);
		goto out;
	}
	if (st != WK_DB_OK) {
		fprintf(stderr, "changepassword: %s\n", wk_db_last_error());
		goto out;
	}
	if (!from_stdin)
		printf("Changing password for user '%s'\n", username);
	if (new_password(from_stdin, u->username, u->email, pw,
	    sizeof(pw)) != 0)
		goto out;
	st = wk_auth_set_password(&a, u->id, pw, s->password_iterations);
	if (st != WK_DB_OK) {
		fprintf(stderr, "changepassword: %s\n", wk_db_last_error());
		goto out;
	}
	printf("Password changed successfully for user '%s'\n", username);
	rc = 0;
out:
	memset(pw, 0, sizeof(pw));
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}

const struct wk_command wk_auth_commands[] = {
	{ "createsuperuser", "createsuperuser [--username NAME] [--email ADDR] "
	    "[--password-stdin]", "create a superuser (password asked without "
	    "echo, or one line on stdin)", cmd_createsuperuser },
	{ "changepassword", "changepassword USER [--password-stdin]",
	    "set a user's password", cmd_changepassword },
	WK_COMMANDS_END
};
