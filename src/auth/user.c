/*
 * user.c - the auth tables and the users in them (see auth.h).
 *
 * The models and the migration that creates them live here, next to the
 * functions that make and find users, so that any program using users
 * also links the schema.  Passwords are hashed by password.c; this file
 * only decides what a valid username is and what a session remembers of
 * a password (a digest of its hash, so a change ends other sessions).
 */
#include <ctype.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/core/crypto.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/auth/password.h"
#include "wick/http/request.h"
#include "internal.h"

WK_MODEL_DEFINE(wick_user, WICK_USER, .verbose_name = "user",
    .verbose_name_plural = "users", .str_field = "username")
WK_MODEL_DEFINE(wick_group, WICK_GROUP, .verbose_name = "group",
    .verbose_name_plural = "groups", .str_field = "name")
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
	.post_migrate = auth_perm_rows,     /* perm_rows.c */
};
WK_SCHEMA_REGISTER(auth_schema)

/* ---- small helpers ------------------------------------------------------------------- */

/* see internal.h */
long
auth_iterations(const struct wk_request *req)
{
	return req != NULL && req->settings != NULL ?
	    req->settings->password_iterations : 0;
}

/* see internal.h */
void
auth_hash_digest(const char *encoded, char out[WK_SHA256_LEN * 2 + 1])
{
	unsigned char d[WK_SHA256_LEN];

	wk_sha256(encoded != NULL ? encoded : "", encoded != NULL ?
	    strlen(encoded) : 0, d);
	(void)wk_hex_encode(out, WK_SHA256_LEN * 2 + 1, d, sizeof(d));
}

/* see internal.h */
int
auth_username_ok(const char *u)
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

/* see internal.h */
int
auth_make_hash(char *enc, size_t encsz, const char *password, long iter)
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
	if (!auth_username_ok(username))
		return WK_DB_INVALID;
	if ((st = auth_make_hash(enc, sizeof(enc), password, iter)) != WK_DB_OK)
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

	if ((st = auth_make_hash(enc, sizeof(enc), password, iter)) != WK_DB_OK)
		return st;
	wk_q_init(&q, a, &wick_user_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_set(&q, "password", wk_val_str(enc));
	if ((st = wk_q_update(&q, &n)) != WK_DB_OK)
		return st;
	return n == 1 ? WK_DB_OK : WK_DB_NOT_FOUND;
}
