/*
 * perm.c - groups, permissions and grants (see auth.h).
 *
 * A permission is "model.codename"; a user has it when superuser, or
 * granted it directly or through a group.  Apps create the default ones
 * for their models with wk_auth_model_perms at migrate time.
 */
#include <ctype.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "internal.h"

/* The tables are user.c's: this reference links them (and their
 * migration) into any program that checks permissions. */
static const struct wk_model *const perm_tables
    __attribute__((used)) = &wick_permission_model;

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
