/*
 * test_testclient.c - the test client's helpers (src/front/testclient_db.c,
 * testclient_auth.c and skip_csrf in testclient.c) on the fixture app: a
 * fresh database per test (a row one test makes is gone in the next, in
 * memory and in a file, whose folder goes at free), force_login (the
 * login-required page answers, last_login is set, unknown users and an
 * app without sessions fail), logout (the page asks for a login again,
 * the session row and the jar are empty), and skip_csrf (off: a POST
 * without a token is 403; on: it passes, over HTTPS too, a wrong token
 * of the test's own is still 403, and the login form works without
 * fetching a token first).
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
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "wick/http/middleware.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "fixture/fixture.h"

#define FORM "application/x-www-form-urlencoded"

static struct wk_test_client client;
static wk_arena arena;
static char file_dir[64];      /* the FILE test's folder, checked after */

static int
setup(void **state)
{
	struct wk_settings s;

	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	wk_settings_defaults(&s);
	s.password_iterations = 1000;
	assert_int_equal(wk_test_client_init(&client, &fixture_app, &s), 0);
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY),
	    0);
	assert_int_equal(wk_auth_create_user(&arena, "alice", "", "correct "
	    "horse battery", 1000, 0, NULL), WK_DB_OK);
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

/* ---- helpers ------------------------------------------------------------------- */

static int
status_get(struct wk_test_client *c, const char *path)
{
	struct wk_test_response r;
	int st;

	assert_int_equal(wk_test_get(c, path, &r), 0);
	st = r.status;
	wk_test_response_free(&r);
	return st;
}

static int
status_post(struct wk_test_client *c, const char *path, const char *body)
{
	struct wk_test_response r;
	int st;

	assert_int_equal(wk_test_post(c, path, FORM, body, &r), 0);
	st = r.status;
	wk_test_response_free(&r);
	return st;
}

static long long
count_sql_sessions(void)
{
	struct wk_raw r;
	long long n = -1;
	int st;

	st = wk_raw(&r, &arena, "SELECT count(*) FROM wick_session", NULL, 0);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW)
		n = wk_raw_col(&r, 0).u.i;
	wk_raw_close(&r);
	return n;
}

/* 1 if a user named name exists in the database in use. */
static int
user_exists(const char *name)
{
	struct wick_user *u;
	int st = wk_auth_get_user(&arena, name, &u);

	assert_true(st == WK_DB_OK || st == WK_DB_NOT_FOUND);
	return st == WK_DB_OK;
}

/* ---- a database per test --------------------------------------------------------- */

/* The first writes a row; the next test must not see it. */
static void
test_fresh_db_first(void **state)
{
	long long n;

	(void)state;
	assert_int_equal(wk_auth_create_user(&arena, "only_here", "", "pw pw "
	    "pw pw", 1000, 0, NULL), WK_DB_OK);
	assert_true(user_exists("only_here"));
	/* migrated in full: the permission rows are there too */
	assert_int_equal(wk_raw_exec(&arena, "UPDATE wick_permission SET name "
	    "= name WHERE model = 'fixture_post'", NULL, 0, &n), WK_DB_OK);
	assert_int_equal(n, 4);
	assert_string_equal(client.settings.database, ":memory:");
}

static void
test_fresh_db_second(void **state)
{
	(void)state;
	assert_false(user_exists("only_here"));
	assert_true(user_exists("alice"));
	/* starting over inside a test drops alice too */
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY),
	    0);
	assert_false(user_exists("alice"));
}

static void
test_fresh_db_file(void **state)
{
	(void)state;
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_FILE), 0);
	assert_non_null(strstr(client.db_path, "/wick-test-"));
	assert_string_equal(client.settings.database, client.db_path);
	assert_string_equal(wk_db_path(), client.db_path);
	assert_false(user_exists("alice"));
	assert_int_equal(wk_auth_create_user(&arena, "in_file", "", "pw pw pw "
	    "pw", 1000, 0, NULL), WK_DB_OK);
	assert_int_equal(access(client.db_path, F_OK), 0);
	/* again: the same folder, an empty file */
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_FILE), 0);
	assert_false(user_exists("in_file"));
	snprintf(file_dir, sizeof(file_dir), "%s", client.db_dir);
	assert_int_equal(access(file_dir, F_OK), 0);
	/* bad kind */
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB__MAX), -1);
}

/* Runs after test_fresh_db_file's teardown freed its client. */
static void
test_fresh_db_file_removed(void **state)
{
	(void)state;
	assert_true(file_dir[0] != '\0');
	assert_int_not_equal(access(file_dir, F_OK), 0);
	assert_false(user_exists("in_file"));
}

/* ---- force_login and logout --------------------------------------------------------- */

static void
test_force_login(void **state)
{
	struct wk_test_response r;
	struct wick_user *u;

	(void)state;
	assert_int_equal(status_get(&client, "/posts/new/"), 302);
	assert_int_equal(wk_test_force_login(&client, "alice"), 0);
	assert_int_equal(wk_test_get(&client, "/posts/new/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "alice"));
	wk_test_response_free(&r);
	/* as a real login: last_login set, one session row */
	assert_int_equal(wk_auth_get_user(&arena, "alice", &u), WK_DB_OK);
	assert_non_null(u->last_login);
	assert_int_equal(count_sql_sessions(), 1);
	/* by id: another user in the same client replaces alice */
	{
		long long bob;
		assert_int_equal(wk_auth_create_user(&arena, "bob", "", "pw pw "
		    "pw pw", 1000, 0, &bob), WK_DB_OK);
		assert_int_equal(wk_test_force_login_id(&client, bob), 0);
		assert_int_equal(wk_test_get(&client, "/posts/new/", &r), 0);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, "bob"));
		assert_null(strstr(r.body, "alice"));
		wk_test_response_free(&r);
		assert_int_equal(count_sql_sessions(), 1);  /* cycled */
	}
}

static int
plain_view(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	return wk_response_text(resp, 200, "plain");
}

static void
test_force_login_failures(void **state)
{
	static const struct wk_route routes[] = {
		{ "", plain_view, "home", WK_GET, NULL }, WK_ROUTES_END
	};
	static const struct wk_middleware *const chain[] = {
		&wk_mw_security, NULL
	};
	static const struct wk_app bare = { .name = "bare", .routes = routes,
	    .middleware = chain };
	struct wk_test_client c;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "nobody"), -1);
	assert_int_equal(wk_test_force_login(&client, NULL), -1);
	assert_int_equal(wk_test_force_login_id(&client, 9999), -1);
	assert_int_equal(wk_test_force_login_id(&client, 0), -1);
	assert_int_equal(status_get(&client, "/posts/new/"), 302);
	/* an app without a session middleware cannot keep a login */
	assert_int_equal(wk_test_client_init(&c, &bare, NULL), 0);
	assert_int_equal(wk_test_force_login(&c, "alice"), -1);
	wk_test_client_free(&c);
	/* HTTPS forced on a plain client: the redirect is no login */
	client.settings.ssl_redirect = 1;
	assert_int_equal(wk_test_force_login(&client, "alice"), -1);
	client.https = 1;
	assert_int_equal(wk_test_force_login(&client, "alice"), 0);
	assert_int_equal(status_get(&client, "/posts/new/"), 200);
}

static void
test_logout(void **state)
{
	(void)state;
	assert_int_equal(wk_test_force_login(&client, "alice"), 0);
	assert_int_equal(status_get(&client, "/posts/new/"), 200);
	assert_int_equal(count_sql_sessions(), 1);
	assert_int_equal(wk_test_logout(&client), 0);
	assert_int_equal(client.jar.len, 0);
	assert_int_equal(count_sql_sessions(), 0);
	assert_int_equal(status_get(&client, "/posts/new/"), 302);
	/* logging out when nobody is logged in is fine */
	assert_int_equal(wk_test_logout(&client), 0);
}

/* ---- skip_csrf ---------------------------------------------------------------------- */

static void
test_csrf_enforced_by_default(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(client.skip_csrf, 0);
	assert_int_equal(wk_test_post(&client, "/accounts/logout/", FORM, "",
	    &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "CSRF"));
	wk_test_response_free(&r);
	/* and a login form without its token is refused */
	assert_int_equal(status_post(&client, "/accounts/login/",
	    "username=alice&password=correct+horse+battery"), 403);
}

static void
test_skip_csrf(void **state)
{
	struct wk_test_client c;

	(void)state;
	client.skip_csrf = 1;
	assert_int_equal(status_post(&client, "/accounts/logout/", ""), 303);
	/* a form posted without fetching its page first */
	assert_int_equal(status_post(&client, "/accounts/login/",
	    "username=alice&password=correct+horse+battery"), 302);
	assert_int_equal(status_get(&client, "/posts/new/"), 200);
	/* after the login rotated the secret, the jar's new one is used */
	assert_int_equal(status_post(&client, "/accounts/logout/", ""), 303);
	assert_int_equal(status_get(&client, "/posts/new/"), 302);
	/* a token the test sends itself is still checked */
	assert_int_equal(status_post(&client, "/accounts/logout/",
	    "csrfmiddlewaretoken=wrong"), 403);
	/* over HTTPS (Origin or Referer required) */
	assert_int_equal(wk_test_client_init(&c, &fixture_app, NULL), 0);
	c.https = 1;
	c.skip_csrf = 1;
	assert_int_equal(status_post(&c, "/accounts/logout/", ""), 303);
	c.skip_csrf = 0;
	assert_int_equal(status_post(&c, "/accounts/logout/", ""), 403);
	wk_test_client_free(&c);
	/* safe methods get nothing added: no cookie appears */
	assert_int_equal(wk_test_client_init(&c, &fixture_app, NULL), 0);
	c.skip_csrf = 1;
	assert_int_equal(status_get(&c, "/hello"), 200);
	assert_int_equal(c.jar.len, 0);
	wk_test_client_free(&c);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_fresh_db_first),
		T(test_fresh_db_second),
		T(test_fresh_db_file),
		T(test_fresh_db_file_removed),
		T(test_force_login),
		T(test_force_login_failures),
		T(test_logout),
		T(test_csrf_enforced_by_default),
		T(test_skip_csrf),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
