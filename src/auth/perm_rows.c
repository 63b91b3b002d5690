/*
 * perm_rows.c - the permission rows: how a permission is named, making a
 * row, and making every model's four after each migrate (see auth.h).
 *
 * Django's django.contrib.auth create_permissions runs on its
 * post_migrate signal; here the auth schema's post_migrate hook
 * (migrate.h) does the same: for every model of every registered schema,
 * "<table>.view", ".add", ".change" and ".delete", each made only when
 * missing, so migrating twice adds nothing and a model added later gets
 * its rows on the next migrate.  Rows of models that are gone are kept
 * (grants may point at them), as Django keeps them.
 *
 * This file reaches the tables by name in SQL, never through the model
 * symbols of user.c: user.c points its schema's hook here, so a reference
 * back would make a circle (tools/check-layout).
 */
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "internal.h"

/* Django's default_permissions, in its order. */
static const char *const perm_actions[] = { "view", "add", "change",
    "delete" };

/*
 * Auth's own bookkeeping tables get no rows: nobody is meant to be
 * granted the right to edit them (Django makes none for the join tables
 * it creates itself, and has no login-failure model).
 */
static const char *const perm_no_rows[] = {
	"wick_user_groups",
	"wick_grant",
	"wick_login_failure",
};

/* see internal.h */
int
auth_perm_split(wk_arena *a, const char *perm, const char **model,
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

/* see internal.h */
int
auth_raw_id(struct wk_raw *r, int st, long long *id)
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

	if (auth_perm_split(a, perm, &model, &code) != 0)
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
	return auth_raw_id(&r, st, id);
}

/* see auth.h */
int
wk_auth_model_perms(wk_arena *a, const struct wk_model *m)
{
	const char *vn = m->verbose_name != NULL ? m->verbose_name : m->name;
	long long id;
	size_t i;
	int st;

	for (i = 0; i < sizeof(perm_actions) / sizeof(perm_actions[0]); i++) {
		const char *perm = wk_arena_printf(a, "%s.%s", m->name,
		    perm_actions[i]);
		const char *name = wk_arena_printf(a, "Can %s %s",
		    perm_actions[i], vn);
		if (perm == NULL || name == NULL)
			return WK_DB_NOMEM;
		if ((st = wk_auth_perm_ensure(a, perm, name, &id)) != WK_DB_OK)
			return st;
	}
	return WK_DB_OK;
}

/* 1 if m is one of the tables that get no rows. */
static int
perm_skipped(const struct wk_model *m)
{
	size_t i;

	for (i = 0; i < sizeof(perm_no_rows) / sizeof(perm_no_rows[0]); i++)
		if (strcmp(m->name, perm_no_rows[i]) == 0)
			return 1;
	return 0;
}

/* see internal.h */
int
auth_perm_rows(wk_arena *a, const struct wk_schema *app)
{
	const struct wk_model *const *m;
	int st;

	for (m = app->models; m != NULL && *m != NULL; m++) {
		if (perm_skipped(*m))
			continue;
		if ((st = wk_auth_model_perms(a, *m)) != WK_DB_OK)
			return st;
	}
	return WK_DB_OK;
}
