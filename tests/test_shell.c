/*
 * test_shell.c - the SQLite shell (src/db/shell.c) on the fixture app's
 * migrated database: statements over several lines, rows in list mode,
 * NULL and blobs, .tables, .schema, .headers, errors that do not stop the
 * script (but set the exit status), .quit, and the `shell` command
 * refusing a database that does not exist.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/core/settings.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/shell.h"
#include "fixture/fixture.h"

static char *out_text, *err_text;

/* Run the shell on script; the output and errors in out_text, err_text. */
static int
run(const char *script)
{
	FILE *in, *out, *err;
	size_t on, en;
	int rc;

	free(out_text);
	free(err_text);
	in = fmemopen((void *)(uintptr_t)script, strlen(script), "r");
	out = open_memstream(&out_text, &on);
	err = open_memstream(&err_text, &en);
	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(err);
	rc = wk_shell_run(in, out, err, 0);
	fclose(in);
	fclose(out);
	fclose(err);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	wk_log_set_fd(-1);
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	(void)fixture_app.name;     /* links the fixture's schema */
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_db_close();
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	return 0;
}

static void
test_statements(void **state)
{
	(void)state;
	assert_int_equal(run(
	    "INSERT INTO fixture_post (title, slug, body)\n"
	    "  VALUES ('One', 'one', 'a;b'),\n"
	    "         ('Two', 'two', '');\n"
	    "\n"
	    "SELECT id, title, author FROM fixture_post\n"
	    "ORDER BY id;\n"
	    "SELECT x'00ff', NULL, 1.5; SELECT 'semi;colon';\n"
	    "-- a comment alone\n"
	    "SELECT count(*) FROM fixture_post"), 0);   /* no final ';' */
	assert_string_equal(out_text,
	    "1|One|\n"
	    "2|Two|\n"
	    "X'00ff'||1.5\n"
	    "semi;colon\n"
	    "2\n");
	assert_string_equal(err_text, "");
}

static void
test_dot_commands(void **state)
{
	(void)state;
	assert_int_equal(run(".tables\n"), 0);
	assert_non_null(strstr(out_text, "fixture_post\n"));
	assert_non_null(strstr(out_text, "wick_user\n"));
	assert_null(strstr(out_text, "sqlite_"));
	assert_int_equal(run(".schema fixture_post\n"), 0);
	assert_true(strncmp(out_text, "CREATE TABLE \"fixture_post\"", 27) == 0 ||
	    strncmp(out_text, "CREATE TABLE fixture_post", 25) == 0);
	assert_non_null(strstr(out_text, ");\n"));
	/* that table only (and its indexes) */
	assert_null(strstr(strstr(out_text, "CREATE TABLE") + 1,
	    "CREATE TABLE"));
	assert_int_equal(run(".schema\n"), 0);
	assert_non_null(strstr(out_text, "wick_user"));
	assert_int_equal(run(".headers on\nSELECT 1 AS a, 2 AS b;\n"
	    ".headers off\nSELECT 3;\n"), 0);
	assert_string_equal(out_text, "a|b\n1|2\n3\n");
	assert_int_equal(run(".help\n"), 0);
	assert_non_null(strstr(out_text, ".schema [TABLE]"));
	/* .quit stops reading: the statement after it never runs */
	assert_int_equal(run("SELECT 1;\n.quit\nSELECT 2;\n"), 0);
	assert_string_equal(out_text, "1\n");
}

static void
test_errors_go_on(void **state)
{
	(void)state;
	assert_int_equal(run("SELEC 1;\nSELECT 2;\nSELECT * FROM nope;\n"
	    "SELECT 3;\n"), 1);
	assert_string_equal(out_text, "2\n3\n");
	assert_non_null(strstr(err_text, "Error: near \"SELEC\": syntax "
	    "error\n"));
	assert_non_null(strstr(err_text, "Error: no such table: nope\n"));
	assert_int_equal(run(".frobnicate\nSELECT 4;\n"), 1);
	assert_string_equal(out_text, "4\n");
	assert_non_null(strstr(err_text, "unknown command \"frobnicate\""));
	assert_int_equal(run(".headers maybe\n"), 1);
	assert_non_null(strstr(err_text, "usage: .headers on|off"));
	assert_int_equal(run(".tables extra\n"), 1);
	/* a constraint fails the statement, the shell goes on */
	assert_int_equal(run("INSERT INTO fixture_post (title, slug, body) "
	    "VALUES ('a', 'dup', '');\nINSERT INTO fixture_post (title, slug, "
	    "body) VALUES ('b', 'dup', '');\nSELECT count(*) FROM "
	    "fixture_post;\n"), 1);
	assert_string_equal(out_text, "1\n");
	assert_non_null(strstr(err_text, "UNIQUE constraint failed"));
}

static void
test_command(void **state)
{
	const struct wk_command *c = wk_shell_commands;
	struct wk_settings s;
	char *argv[] = { (char *)(uintptr_t)"app", (char *)(uintptr_t)"shell",
	    NULL };
	char *argv3[] = { (char *)(uintptr_t)"app",
	    (char *)(uintptr_t)"shell", (char *)(uintptr_t)"x", NULL };
	int saved, devnull;

	(void)state;
	assert_string_equal(c->name, "shell");
	wk_settings_defaults(&s);
	s.database = "/nonexistent/wick-test-shell.sqlite3";
	saved = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	assert_true(saved >= 0 && devnull >= 0);
	dup2(devnull, 2);
	assert_int_equal(c->run(&fixture_app, &s, 2, argv), 1);
	assert_int_equal(c->run(&fixture_app, &s, 3, argv3), 2);
	dup2(saved, 2);
	close(saved);
	close(devnull);
	assert_int_equal(access(s.database, F_OK), -1);   /* not created */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_statements, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dot_commands, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors_go_on, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_command, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
