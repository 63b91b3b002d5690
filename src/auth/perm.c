/*
 * perm.c - groups, permissions and grants (see auth.h).
 *
 * A permission is "model.codename"; a user has it when superuser, or
 * granted it directly or through a group.  The rows themselves are made
 * by perm_rows.c (every model's four at migrate time); this file finds
 * them, and keeps groups, memberships and grants.
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
	if (auth_perm_split(a, perm, &model, &code) != 0)
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
	return auth_raw_id(&r, st, id);
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

/* see auth.h */
int
wk_auth_perm_get(wk_arena *a, const char *perm, long long *id)
{
	struct wk_value args[2];
	const char *model, *code;
	struct wk_raw r;
	int st;

	*id = 0;
	if (auth_perm_split(a, perm, &model, &code) != 0)
		return WK_DB_INVALID;
	args[0] = wk_val_str(model);
	args[1] = wk_val_str(code);
	st = wk_raw(&r, a, "SELECT id FROM wick_permission WHERE model = ? "
	    "AND codename = ?", args, 2);
	return auth_raw_id(&r, st, id);
}

/* see auth.h */
int
wk_auth_group_get(wk_arena *a, const char *name, long long *id)
{
	struct wk_value args[1];
	struct wk_raw r;
	int st;

	*id = 0;
	args[0] = wk_val_str(name != NULL ? name : "");
	st = wk_raw(&r, a, "SELECT id FROM wick_group WHERE name = ?", args,
	    1);
	return auth_raw_id(&r, st, id);
}

/* see auth.h */
int
wk_auth_group_remove(wk_arena *a, long long user_id, long long group_id,
    long long *n)
{
	struct wk_value args[2];

	args[0] = wk_val_int(user_id);
	args[1] = wk_val_int(group_id);
	return wk_raw_exec(a, "DELETE FROM wick_user_groups WHERE \"user\" = "
	    "? AND \"group\" = ?", args, 2, n);
}

/* see auth.h */
int
wk_auth_revoke(wk_arena *a, long long user_id, long long group_id,
    const char *perm, long long *n)
{
	struct wk_value args[3];
	long long pid;
	int st;

	if (n != NULL)
		*n = 0;
	if ((user_id > 0) == (group_id > 0))
		return WK_DB_INVALID;
	st = wk_auth_perm_get(a, perm, &pid);
	if (st == WK_DB_NOT_FOUND)
		return WK_DB_OK;     /* no such permission: nothing granted */
	if (st != WK_DB_OK)
		return st;
	args[0] = user_id > 0 ? wk_val_int(user_id) : wk_val_null();
	args[1] = group_id > 0 ? wk_val_int(group_id) : wk_val_null();
	args[2] = wk_val_int(pid);
	return wk_raw_exec(a, "DELETE FROM wick_grant WHERE \"user\" IS ?1 "
	    "AND \"group\" IS ?2 AND permission = ?3", args, 3, n);
}
