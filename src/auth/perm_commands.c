/*
 * perm_commands.c - groups and grants from the command line: creategroup,
 * addtogroup, removefromgroup, grant, revoke, permissions (listed in
 * wk_auth_commands, see auth.h; docs/auth.md has examples).
 *
 * What Django's admin does with its group and user forms, for an app
 * that has no admin yet.  Every name given is looked up first and an
 * unknown user, group or permission is an error that names it (exit
 * status 1; a usage error is 2); grant and revoke check all their
 * permissions before changing anything, and change them in one
 * transaction.  grant never creates a permission: the rows come from
 * migrate (perm_rows.c), so a typing mistake cannot make a new one.
 */
#include <stdio.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/core/value.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/http/request.h"
#include "internal.h"

#define GROUP_NAME_MAX 150     /* wick_group.name's max_length */

/* A user by name, or a message naming it.  0, or 1 (reported). */
static int
pc_user(wk_arena *a, const char *cmd, const char *name,
    struct wick_user **u)
{
	int st = wk_auth_get_user(a, name, u);

	if (st == WK_DB_OK)
		return 0;
	if (st == WK_DB_NOT_FOUND)
		fprintf(stderr, "%s: user '%s' does not exist\n", cmd, name);
	else
		fprintf(stderr, "%s: %s\n", cmd, wk_db_last_error());
	return 1;
}

/* A group's id by name, or a message naming it.  0, or 1 (reported). */
static int
pc_group(wk_arena *a, const char *cmd, const char *name, long long *id)
{
	int st = wk_auth_group_get(a, name, id);

	if (st == WK_DB_OK)
		return 0;
	if (st == WK_DB_NOT_FOUND)
		fprintf(stderr, "%s: group '%s' does not exist (creategroup "
		    "makes one)\n", cmd, name);
	else
		fprintf(stderr, "%s: %s\n", cmd, wk_db_last_error());
	return 1;
}

/* Every perm in perms[0..n) exists; else each unknown one is named.
 * 0, or 1 (reported). */
static int
pc_perms_exist(wk_arena *a, const char *cmd, char **perms, int n)
{
	long long id;
	int i, st, bad = 0;

	for (i = 0; i < n; i++) {
		st = wk_auth_perm_get(a, perms[i], &id);
		if (st == WK_DB_OK)
			continue;
		bad = 1;
		if (st == WK_DB_INVALID)
			fprintf(stderr, "%s: '%s' is not a permission name "
			    "(MODEL.CODENAME, e.g. blog_post.add)\n", cmd,
			    perms[i]);
		else if (st == WK_DB_NOT_FOUND)
			fprintf(stderr, "%s: permission '%s' does not exist "
			    "(`permissions` lists them; run migrate after "
			    "adding a model)\n", cmd, perms[i]);
		else {
			fprintf(stderr, "%s: %s\n", cmd, wk_db_last_error());
			return 1;
		}
	}
	return bad;
}

/* ---- groups ------------------------------------------------------------------------- */

/* see internal.h */
int
auth_cmd_creategroup(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	const char *name;
	long long id;
	wk_arena a;
	int st, rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s creategroup NAME\n", argv[0]);
		return 2;
	}
	name = argv[2];
	if (name[0] == '\0' || !wk_utf8_valid(name, strlen(name)) ||
	    wk_utf8_len(name, strlen(name)) > GROUP_NAME_MAX) {
		fprintf(stderr, "creategroup: a group name is 1 to %d "
		    "characters of UTF-8\n", GROUP_NAME_MAX);
		return 1;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_auth_group_get(&a, name, &id);
	if (st == WK_DB_OK)
		fprintf(stderr, "creategroup: group '%s' already exists\n",
		    name);
	else if (st != WK_DB_NOT_FOUND ||
	    (st = wk_auth_group_ensure(&a, name, &id)) != WK_DB_OK)
		fprintf(stderr, "creategroup: %s\n", wk_db_last_error());
	else {
		printf("Group '%s' created.\n", name);
		rc = 0;
	}
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}

/* addtogroup and removefromgroup: USER GROUP. */
static int
pc_membership(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv, int add)
{
	const char *cmd = add ? "addtogroup" : "removefromgroup";
	struct wick_user *u;
	long long gid, n = 0;
	wk_arena a;
	int st, rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s %s USER GROUP\n", argv[0], cmd);
		return 2;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	if (pc_user(&a, cmd, argv[2], &u) != 0 ||
	    pc_group(&a, cmd, argv[3], &gid) != 0)
		goto out;
	st = add ? wk_auth_group_add(&a, u->id, gid) :
	    wk_auth_group_remove(&a, u->id, gid, &n);
	if (st != WK_DB_OK) {
		fprintf(stderr, "%s: %s\n", cmd, wk_db_last_error());
		goto out;
	}
	if (add)
		printf("User '%s' is in group '%s'.\n", argv[2], argv[3]);
	else if (n > 0)
		printf("User '%s' removed from group '%s'.\n", argv[2],
		    argv[3]);
	else
		printf("User '%s' was not in group '%s'.\n", argv[2],
		    argv[3]);
	rc = 0;
out:
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}

/* see internal.h */
int
auth_cmd_addtogroup(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	return pc_membership(app, s, argc, argv, 1);
}

/* see internal.h */
int
auth_cmd_removefromgroup(const struct wk_app *app,
    const struct wk_settings *s, int argc, char **argv)
{
	return pc_membership(app, s, argc, argv, 0);
}

/* ---- grants ---------------------------------------------------------------------------- */

/* grant and revoke: USER PERM... or --group GROUP PERM... */
static int
pc_grants(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv, int grant)
{
	const char *cmd = grant ? "grant" : "revoke";
	const char *who, *kind;
	struct wick_user *u;
	long long uid = 0, gid = 0, n;
	char **perms;
	int nperms, i, st = WK_DB_OK, rc = 1;
	wk_arena a;

	if (argc >= 3 && strcmp(argv[2], "--group") == 0) {
		kind = "group";
		who = argc >= 4 ? argv[3] : NULL;
		perms = argv + 4;
		nperms = argc - 4;
	} else {
		kind = "user";
		who = argc >= 3 ? argv[2] : NULL;
		perms = argv + 3;
		nperms = argc - 3;
	}
	if (who == NULL || who[0] == '-' || nperms < 1) {
		fprintf(stderr, "usage: %s %s USER|--group GROUP PERM...\n",
		    argv[0], cmd);
		return 2;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	if (kind[0] == 'g') {
		if (pc_group(&a, cmd, who, &gid) != 0)
			goto out;
	} else {
		if (pc_user(&a, cmd, who, &u) != 0)
			goto out;
		uid = u->id;
	}
	if (pc_perms_exist(&a, cmd, perms, nperms) != 0)
		goto out;
	if ((st = wk_db_begin()) != WK_DB_OK)
		goto fail;
	for (i = 0; i < nperms; i++) {
		n = 1;
		st = grant ? wk_auth_grant(&a, uid, gid, perms[i]) :
		    wk_auth_revoke(&a, uid, gid, perms[i], &n);
		if (st != WK_DB_OK) {
			(void)wk_db_rollback();
			goto fail;
		}
		if (grant)
			printf("Granted %s to %s '%s'.\n", perms[i], kind, who);
		else if (n > 0)
			printf("Revoked %s from %s '%s'.\n", perms[i], kind,
			    who);
		else
			printf("The %s '%s' had no grant of %s.\n", kind, who,
			    perms[i]);
	}
	if ((st = wk_db_commit()) != WK_DB_OK)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "%s: %s\n", cmd, wk_db_last_error());
out:
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}

/* see internal.h */
int
auth_cmd_grant(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	return pc_grants(app, s, argc, argv, 1);
}

/* see internal.h */
int
auth_cmd_revoke(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	return pc_grants(app, s, argc, argv, 0);
}

/* ---- listing ----------------------------------------------------------------------------- */

/* Print the rows of r (started with status st): "%s.%s" of columns 0 and
 * 1, then column 2 after two spaces.  *n counts them.  WK_DB_OK or an
 * error. */
static int
pc_print_rows(struct wk_raw *r, int st, long long *n)
{
	struct wk_value m, c, x;

	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(r)) == WK_DB_ROW) {
		m = wk_raw_col(r, 0);
		c = wk_raw_col(r, 1);
		x = wk_raw_col(r, 2);
		printf("%.*s.%.*s  %.*s\n", (int)m.u.s.n, m.u.s.p,
		    (int)c.u.s.n, c.u.s.p, x.kind == WK_VAL_STR ?
		    (int)x.u.s.n : 0, x.kind == WK_VAL_STR ? x.u.s.p : "");
		(*n)++;
	}
	wk_raw_close(r);
	return st == WK_DB_DONE || st == WK_DB_OK ? WK_DB_OK : st;
}

/* Everything granted to user u, directly or through a group, and its
 * groups. */
static int
pc_list_user(wk_arena *a, const struct wick_user *u, long long *n)
{
	struct wk_value args[1];
	struct wk_value g;
	struct wk_raw r;
	int st, first = 1;

	args[0] = wk_val_int(u->id);
	printf("User '%s'%s%s\n", u->username, u->is_superuser ?
	    ": a superuser, who has every permission" : "", u->is_active ?
	    "" : " (inactive: has no permission)");
	st = wk_raw(&r, a, "SELECT g.name FROM wick_group g JOIN "
	    "wick_user_groups ug ON ug.\"group\" = g.id WHERE ug.\"user\" = "
	    "?1 ORDER BY g.name", args, 1);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW) {
		g = wk_raw_col(&r, 0);
		printf("%s%.*s", first ? "Groups: " : ", ", (int)g.u.s.n,
		    g.u.s.p);
		first = 0;
	}
	wk_raw_close(&r);
	if (st != WK_DB_DONE && st != WK_DB_OK)
		return st;
	printf("%s\n", first ? "Groups: (none)" : "");
	st = wk_raw(&r, a, "SELECT p.model, p.codename, 'user' FROM "
	    "wick_grant g JOIN wick_permission p ON p.id = g.permission WHERE "
	    "g.\"user\" = ?1 UNION ALL SELECT p.model, p.codename, 'group ' "
	    "|| gr.name FROM wick_grant g JOIN wick_permission p ON p.id = "
	    "g.permission JOIN wick_group gr ON gr.id = g.\"group\" JOIN "
	    "wick_user_groups ug ON ug.\"group\" = g.\"group\" WHERE "
	    "ug.\"user\" = ?1 ORDER BY 1, 2, 3", args, 1);
	return pc_print_rows(&r, st, n);
}

/* see internal.h */
int
auth_cmd_permissions(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	struct wk_value args[1];
	struct wick_user *u;
	struct wk_raw r;
	long long gid, n = 0;
	wk_arena a;
	int st, rc = 1;

	if (argc > 4 || (argc == 4 && strcmp(argv[2], "--group") != 0) ||
	    (argc == 3 && (argv[2][0] == '-'))) {
		fprintf(stderr, "usage: %s permissions [USER | --group "
		    "GROUP]\n", argv[0]);
		return 2;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	if (argc == 2) {
		st = wk_raw(&r, &a, "SELECT model, codename, name FROM "
		    "wick_permission ORDER BY model, codename", NULL, 0);
		st = pc_print_rows(&r, st, &n);
	} else if (argc == 4) {
		if (pc_group(&a, "permissions", argv[3], &gid) != 0)
			goto out;
		printf("Group '%s'\n", argv[3]);
		args[0] = wk_val_int(gid);
		st = wk_raw(&r, &a, "SELECT p.model, p.codename, p.name FROM "
		    "wick_grant g JOIN wick_permission p ON p.id = "
		    "g.permission WHERE g.\"group\" = ?1 ORDER BY 1, 2", args,
		    1);
		st = pc_print_rows(&r, st, &n);
	} else {
		if (pc_user(&a, "permissions", argv[2], &u) != 0)
			goto out;
		st = pc_list_user(&a, u, &n);
	}
	if (st != WK_DB_OK) {
		fprintf(stderr, "permissions: %s\n", wk_db_last_error());
		goto out;
	}
	if (n == 0)
		printf("(no permissions%s)\n", argc == 2 ? " yet: run "
		    "migrate" : " granted");
	rc = 0;
out:
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}
