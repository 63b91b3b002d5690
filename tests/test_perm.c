/*
 * test_perm.c - permission rows made by migrate (src/auth/perm_rows.c,
 * the post_migrate hook of src/db/migrate.c) and the group and grant
 * commands (src/auth/perm_commands.c), on the fixture app: after migrate
 * every model has view/add/change/delete named after its verbose name,
 * auth's bookkeeping tables none; a second migrate adds nothing, a
 * missing row and a model registered later get theirs at the next one; a
 * failing hook fails migrate and leaves none of its rows; creategroup,
 * addtogroup, removefromgroup, grant, revoke and permissions do what
 * they say, and each unknown user, group or permission is an error that
 * names it, with nothing changed.  Each test gets its own database file
 * (the commands reopen it from the settings).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/auth/auth.h"
#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "fixture/fixture.h"

static struct wk_test_client client;
static wk_arena arena;
static long long alice_id;

/* What the last command printed. */
static char out_text[8192], err_text[8192];

static int
setup(void **state)
{
	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	assert_int_equal(wk_test_client_init(&client, &fixture_app, NULL), 0);
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_FILE), 0);
	assert_int_equal(wk_auth_create_user(&arena, "alice", "", "correct "
	    "horse battery", 1000, 0, &alice_id), WK_DB_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);
	wk_arena_free(&arena);
	return 0;
}

/* ---- helpers ----------------------------------------------------------------------- */

static long long
count_perms(const char *model)
{
	struct wk_value args[1];
	struct wk_raw r;
	long long n = -1;
	int st;

	args[0] = wk_val_str(model != NULL ? model : "");
	st = wk_raw(&r, &arena, "SELECT count(*) FROM wick_permission WHERE "
	    "?1 = '' OR model = ?1", args, 1);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW)
		n = wk_raw_col(&r, 0).u.i;
	wk_raw_close(&r);
	return n;
}

/* The name of the row perm, or "" when there is none. */
static const char *
perm_name(const char *model, const char *code)
{
	struct wk_value args[2];
	struct wk_raw r;
	const char *name = "";
	int st;

	args[0] = wk_val_str(model);
	args[1] = wk_val_str(code);
	st = wk_raw(&r, &arena, "SELECT name FROM wick_permission WHERE model "
	    "= ? AND codename = ?", args, 2);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW) {
		struct wk_value v = wk_raw_col(&r, 0);
		name = wk_arena_strndup(&arena, v.u.s.p, v.u.s.n);
	}
	wk_raw_close(&r);
	return name;
}

static int
migrate(void)
{
	int st;

	wk_db_allow_create(1);
	st = wk_migrate_run(NULL);
	wk_db_allow_create(0);
	return st;
}

/* Does alice (read again) have perm? */
static int
alice_may(const char *perm)
{
	struct wick_user *u;

	assert_int_equal(wk_auth_get_user(&arena, "alice", &u), WK_DB_OK);
	return wk_auth_has_perm(&arena, u, perm);
}

/* Read a temporary file back into buf. */
static void
slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run the command of wk_auth_commands named by argv[1] with the
 * client's settings, its output in out_text and err_text; the exit
 * status. */
static int
run(const char *const *args)
{
	const struct wk_command *c;
	FILE *o = tmpfile(), *e = tmpfile();
	char *argv[16];
	int argc, saved_out, saved_err, rc;

	assert_non_null(o);
	assert_non_null(e);
	for (argc = 0; args[argc] != NULL; argc++) {
		assert_true(argc < 15);
		argv[argc] = wk_arena_strdup(&arena, args[argc]);
		assert_non_null(argv[argc]);
	}
	argv[argc] = NULL;
	for (c = wk_auth_commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			break;
	if (c->name == NULL)
		fail_msg("no command %s", argv[1]);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	assert_true(saved_out >= 0 && saved_err >= 0);
	assert_int_equal(dup2(fileno(o), 1), 1);
	assert_int_equal(dup2(fileno(e), 2), 2);
	rc = c->run(&fixture_app, &client.settings, argc, argv);
	fflush(stdout);
	fflush(stderr);
	assert_int_equal(dup2(saved_out, 1), 1);
	assert_int_equal(dup2(saved_err, 2), 2);
	close(saved_out);
	close(saved_err);
	slurp(o, out_text, sizeof(out_text));
	slurp(e, err_text, sizeof(err_text));
	return rc;
}

#define RUN(...) run((const char *const[]){ "app.cgi", __VA_ARGS__, NULL })

/* ---- rows after migrate -------------------------------------------------------------- */

static void
test_rows_after_migrate(void **state)
{
	static const char *const actions[] = { "view", "add", "change",
	    "delete" };
	size_t i;

	(void)state;
	assert_int_equal(count_perms("fixture_post"), 4);
	for (i = 0; i < 4; i++) {
		char want[64];
		snprintf(want, sizeof(want), "Can %s post", actions[i]);
		assert_string_equal(perm_name("fixture_post", actions[i]),
		    want);
	}
	assert_string_equal(perm_name("wick_user", "change"),
	    "Can change user");
	assert_int_equal(count_perms("wick_group"), 4);
	assert_int_equal(count_perms("wick_permission"), 4);
	assert_int_equal(count_perms("wick_session"), 4);
	/* auth's bookkeeping gets none */
	assert_int_equal(count_perms("wick_grant"), 0);
	assert_int_equal(count_perms("wick_user_groups"), 0);
	assert_int_equal(count_perms("wick_login_failure"), 0);
	/* the rows are the ones has_perm and grant use */
	assert_false(alice_may("fixture_post.add"));
	assert_int_equal(wk_auth_grant(&arena, alice_id, 0, "fixture_post.add"),
	    WK_DB_OK);
	assert_true(alice_may("fixture_post.add"));
	assert_int_equal(count_perms("fixture_post"), 4);
}

static void
test_rows_idempotent(void **state)
{
	long long before = count_perms(NULL), n;

	(void)state;
	assert_true(before >= 20);
	assert_int_equal(migrate(), WK_DB_OK);
	assert_int_equal(migrate(), WK_DB_OK);
	assert_int_equal(count_perms(NULL), before);
	/* a row that went missing comes back, with its old name */
	assert_int_equal(wk_raw_exec(&arena, "DELETE FROM wick_permission "
	    "WHERE model = 'fixture_post' AND codename = 'view'", NULL, 0, &n),
	    WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(count_perms(NULL), before - 1);
	assert_int_equal(migrate(), WK_DB_OK);
	assert_int_equal(count_perms(NULL), before);
	assert_string_equal(perm_name("fixture_post", "view"),
	    "Can view post");
	/* the app's own codenames are left alone */
	assert_int_equal(wk_auth_perm_ensure(&arena, "fixture_post.publish",
	    "Can publish post", &n), WK_DB_OK);
	assert_int_equal(migrate(), WK_DB_OK);
	assert_int_equal(count_perms("fixture_post"), 5);
}

/* A model the program registers after the database was made: the next
 * migrate creates its table and its rows. */
#define LATE_THING(F, M) F(M, label, TEXT, .max_length = 20)
WK_MODEL_STRUCT(late_thing, LATE_THING)
WK_MODEL_DEFINE(late_thing, LATE_THING)
static const struct wk_model *const late_models[] = { &late_thing_model,
    NULL };
static const struct wk_migration late_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(late_thing_model)),
};
static const struct wk_schema late_schema = {
	.app = "late", .order = 150, .models = late_models,
	.steps = late_steps, .nsteps = 1,
};

/* A hook that fails when told to, after adding a row. */
static int hook_fails;
static int
failing_hook(wk_arena *a, const struct wk_schema *app)
{
	long long id;
	int st;

	if (!hook_fails || strcmp(app->app, "late") != 0)
		return WK_DB_OK;
	st = wk_auth_group_ensure(a, "made_by_hook", &id);
	return st == WK_DB_OK ? WK_DB_CONSTRAINT : st;
}
static const struct wk_schema hook_schema = {
	.app = "hooked", .order = 160, .models = NULL, .steps = NULL,
	.nsteps = 0, .post_migrate = failing_hook,
};

static void
test_new_model_gets_rows_and_failing_hook(void **state)
{
	long long before = count_perms(NULL), id;

	(void)state;
	assert_int_equal(count_perms("late_thing"), 0);
	assert_int_equal(wk_schema_register(&late_schema), 0);
	assert_int_equal(migrate(), WK_DB_OK);
	assert_int_equal(count_perms("late_thing"), 4);
	assert_int_equal(count_perms(NULL), before + 4);
	assert_string_equal(perm_name("late_thing", "add"),
	    "Can add late_thing");   /* no verbose name: the table's */

	/* A hook that fails: migrate fails, naming it, and its row is not
	 * kept; the rows made before it in the same run are rolled back. */
	assert_int_equal(wk_schema_register(&hook_schema), 0);
	assert_int_equal(wk_raw_exec(&arena, "DELETE FROM wick_permission "
	    "WHERE model = 'late_thing'", NULL, 0, NULL), WK_DB_OK);
	hook_fails = 1;
	assert_int_equal(migrate(), WK_DB_CONSTRAINT);
	assert_non_null(strstr(wk_db_last_error(), "post_migrate of hooked "
	    "for late"));
	assert_int_equal(wk_auth_group_get(&arena, "made_by_hook", &id),
	    WK_DB_NOT_FOUND);
	assert_int_equal(count_perms("late_thing"), 0);
	hook_fails = 0;
	assert_int_equal(migrate(), WK_DB_OK);
	assert_int_equal(count_perms("late_thing"), 4);
}

/* ---- commands ------------------------------------------------------------------------- */

static void
test_group_commands(void **state)
{
	long long gid;
	struct wk_value args[1];
	long long n;

	(void)state;
	assert_int_equal(RUN("creategroup", "editors"), 0);
	assert_non_null(strstr(out_text, "Group 'editors' created."));
	assert_int_equal(wk_auth_group_get(&arena, "editors", &gid), WK_DB_OK);
	assert_int_equal(RUN("creategroup", "editors"), 1);
	assert_non_null(strstr(err_text, "group 'editors' already exists"));
	assert_int_equal(RUN("creategroup", ""), 1);
	assert_non_null(strstr(err_text, "1 to 150 characters"));
	assert_int_equal(RUN("creategroup"), 2);
	assert_non_null(strstr(err_text, "usage:"));
	assert_int_equal(RUN("creategroup", "a", "b"), 2);

	assert_int_equal(RUN("addtogroup", "alice", "editors"), 0);
	assert_int_equal(RUN("addtogroup", "alice", "editors"), 0);
	args[0] = wk_val_int(alice_id);
	assert_int_equal(wk_raw_exec(&arena, "UPDATE wick_user_groups SET "
	    "\"user\" = \"user\" WHERE \"user\" = ?", args, 1, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(RUN("addtogroup", "nobody", "editors"), 1);
	assert_non_null(strstr(err_text, "user 'nobody' does not exist"));
	assert_int_equal(RUN("addtogroup", "alice", "ghosts"), 1);
	assert_non_null(strstr(err_text, "group 'ghosts' does not exist"));
	assert_int_equal(RUN("addtogroup", "alice"), 2);

	assert_int_equal(RUN("removefromgroup", "alice", "ghosts"), 1);
	assert_non_null(strstr(err_text, "group 'ghosts' does not exist"));
	assert_int_equal(RUN("removefromgroup", "bob", "editors"), 1);
	assert_non_null(strstr(err_text, "user 'bob' does not exist"));
	assert_int_equal(RUN("removefromgroup", "alice", "editors"), 0);
	assert_non_null(strstr(out_text, "removed from group 'editors'"));
	assert_int_equal(wk_raw_exec(&arena, "UPDATE wick_user_groups SET "
	    "\"user\" = \"user\" WHERE \"user\" = ?", args, 1, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(RUN("removefromgroup", "alice", "editors"), 0);
	assert_non_null(strstr(out_text, "was not in group 'editors'"));
}

static void
test_grant_and_revoke(void **state)
{
	(void)state;
	assert_int_equal(RUN("grant", "alice", "fixture_post.add",
	    "fixture_post.change"), 0);
	assert_non_null(strstr(out_text, "Granted fixture_post.change to user "
	    "'alice'."));
	assert_true(alice_may("fixture_post.add"));
	assert_true(alice_may("fixture_post.change"));

	/* One unknown permission: named, and nothing of the list granted. */
	assert_int_equal(RUN("grant", "alice", "fixture_post.delete",
	    "fixture_post.nope"), 1);
	assert_non_null(strstr(err_text, "permission 'fixture_post.nope' does "
	    "not exist"));
	assert_false(alice_may("fixture_post.delete"));
	assert_int_equal(RUN("grant", "alice", "Fixture Post"), 1);
	assert_non_null(strstr(err_text, "'Fixture Post' is not a permission "
	    "name"));
	assert_int_equal(RUN("grant", "carol", "fixture_post.view"), 1);
	assert_non_null(strstr(err_text, "user 'carol' does not exist"));
	assert_int_equal(RUN("grant", "alice"), 2);
	assert_int_equal(RUN("grant", "--group", "editors"), 2);
	assert_int_equal(RUN("grant", "--group", "editors",
	    "fixture_post.view"), 1);
	assert_non_null(strstr(err_text, "group 'editors' does not exist"));
	/* grant never makes a permission */
	assert_int_equal(count_perms("fixture_post"), 4);

	/* Through a group. */
	assert_int_equal(RUN("creategroup", "editors"), 0);
	assert_int_equal(RUN("grant", "--group", "editors",
	    "fixture_post.view"), 0);
	assert_non_null(strstr(out_text, "to group 'editors'"));
	assert_false(alice_may("fixture_post.view"));
	assert_int_equal(RUN("addtogroup", "alice", "editors"), 0);
	assert_true(alice_may("fixture_post.view"));

	/* Revoking. */
	assert_int_equal(RUN("revoke", "alice", "fixture_post.add"), 0);
	assert_non_null(strstr(out_text, "Revoked fixture_post.add from user "
	    "'alice'."));
	assert_false(alice_may("fixture_post.add"));
	assert_true(alice_may("fixture_post.change"));
	assert_int_equal(RUN("revoke", "alice", "fixture_post.add"), 0);
	assert_non_null(strstr(out_text, "had no grant of fixture_post.add"));
	assert_int_equal(RUN("revoke", "alice", "fixture_post.change",
	    "fixture_post.bogus"), 1);
	assert_non_null(strstr(err_text, "'fixture_post.bogus' does not "
	    "exist"));
	assert_true(alice_may("fixture_post.change"));
	/* the user's own grants are not the group's */
	assert_int_equal(RUN("revoke", "alice", "fixture_post.view"), 0);
	assert_true(alice_may("fixture_post.view"));
	assert_int_equal(RUN("revoke", "--group", "editors",
	    "fixture_post.view"), 0);
	assert_false(alice_may("fixture_post.view"));
	assert_int_equal(RUN("revoke", "--group", "ghosts",
	    "fixture_post.view"), 1);
	assert_non_null(strstr(err_text, "group 'ghosts' does not exist"));
}

static void
test_permissions_listing(void **state)
{
	(void)state;
	assert_int_equal(RUN("permissions"), 0);
	assert_non_null(strstr(out_text, "fixture_post.add  Can add post\n"));
	assert_non_null(strstr(out_text, "wick_user.delete  Can delete user\n"));
	assert_null(strstr(out_text, "wick_grant."));

	assert_int_equal(RUN("permissions", "alice"), 0);
	assert_non_null(strstr(out_text, "User 'alice'\n"));
	assert_non_null(strstr(out_text, "Groups: (none)\n"));
	assert_non_null(strstr(out_text, "(no permissions granted)"));

	assert_int_equal(RUN("creategroup", "editors"), 0);
	assert_int_equal(RUN("creategroup", "authors"), 0);
	assert_int_equal(RUN("addtogroup", "alice", "editors"), 0);
	assert_int_equal(RUN("addtogroup", "alice", "authors"), 0);
	assert_int_equal(RUN("grant", "alice", "fixture_post.add"), 0);
	assert_int_equal(RUN("grant", "--group", "editors",
	    "fixture_post.change"), 0);
	assert_int_equal(RUN("permissions", "alice"), 0);
	assert_non_null(strstr(out_text, "Groups: authors, editors\n"));
	assert_non_null(strstr(out_text, "fixture_post.add  user\n"));
	assert_non_null(strstr(out_text, "fixture_post.change  group "
	    "editors\n"));
	assert_int_equal(RUN("permissions", "--group", "editors"), 0);
	assert_non_null(strstr(out_text, "Group 'editors'\n"
	    "fixture_post.change  Can change post\n"));
	assert_null(strstr(out_text, "fixture_post.add"));

	assert_int_equal(RUN("permissions", "nobody"), 1);
	assert_non_null(strstr(err_text, "user 'nobody' does not exist"));
	assert_int_equal(RUN("permissions", "--group", "ghosts"), 1);
	assert_non_null(strstr(err_text, "group 'ghosts' does not exist"));
	assert_int_equal(RUN("permissions", "--user"), 2);
	assert_int_equal(RUN("permissions", "a", "b"), 2);

	/* a superuser is said to have everything */
	assert_int_equal(wk_auth_create_user(&arena, "root", "", "pw pw pw pw",
	    1000, 1, NULL), WK_DB_OK);
	assert_int_equal(RUN("permissions", "root"), 0);
	assert_non_null(strstr(out_text, "a superuser, who has every "
	    "permission"));
}

/* The library functions under the commands, on their own. */
static void
test_revoke_and_remove_functions(void **state)
{
	long long gid, n = -1, id;

	(void)state;
	assert_int_equal(wk_auth_perm_get(&arena, "fixture_post.add", &id),
	    WK_DB_OK);
	assert_true(id > 0);
	assert_int_equal(wk_auth_perm_get(&arena, "fixture_post.nope", &id),
	    WK_DB_NOT_FOUND);
	assert_int_equal(wk_auth_perm_get(&arena, "no-dot", &id),
	    WK_DB_INVALID);
	assert_int_equal(wk_auth_revoke(&arena, alice_id, 0,
	    "fixture_post.nope", &n), WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(wk_auth_revoke(&arena, alice_id, 1,
	    "fixture_post.add", &n), WK_DB_INVALID);
	assert_int_equal(wk_auth_revoke(&arena, 0, 0, "fixture_post.add", &n),
	    WK_DB_INVALID);
	assert_int_equal(wk_auth_grant(&arena, alice_id, 0, "fixture_post.add"),
	    WK_DB_OK);
	assert_int_equal(wk_auth_revoke(&arena, alice_id, 0,
	    "fixture_post.add", &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_auth_group_get(&arena, "x", &gid),
	    WK_DB_NOT_FOUND);
	assert_int_equal(wk_auth_group_ensure(&arena, "x", &gid), WK_DB_OK);
	assert_int_equal(wk_auth_group_add(&arena, alice_id, gid), WK_DB_OK);
	assert_int_equal(wk_auth_group_remove(&arena, alice_id, gid, &n),
	    WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_auth_group_remove(&arena, alice_id, gid, &n),
	    WK_DB_OK);
	assert_int_equal(n, 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rows_after_migrate),
		T(test_rows_idempotent),
		T(test_group_commands),
		T(test_grant_and_revoke),
		T(test_permissions_listing),
		T(test_revoke_and_remove_functions),
		/* last: it registers schemas for the rest of the process */
		T(test_new_model_gets_rows_and_failing_hook),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
