/*
 * test_home.c - @PROJECT@'s own pages through the whole pipeline, with
 * Wick's test client: the home page and its notes (escaped), the
 * stylesheet, the log-in page, a logged-in visitor (force_login) and the
 * 404 page.  Each test gets a new in-memory database, migrated
 * (wk_test_client_fresh_db): no test sees another's rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "../@PROJECT@.h"
#include "../models.h"

static struct wk_test_client client;

/* Once, for the whole group: what main() would do before serving. */
static int
setup_group(void **state)
{
	(void)state;
	return @PROJECT@_setup();
}

/* Before each test: a client on a database of its own. */
static int
setup(void **state)
{
	(void)state;
	if (wk_test_client_init(&client, &@PROJECT@_app, NULL) != 0)
		return -1;
	return wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY);
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);
	return 0;
}

static void
test_home_empty(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Welcome to @PROJECT@"));
	assert_non_null(strstr(r.body, "No notes yet."));
	/* the context processor ran: no user, so a log-in link */
	assert_non_null(strstr(r.body, "Log in</a>"));
	wk_test_response_free(&r);
}

static void
test_home_lists_notes_escaped(void **state)
{
	struct @PROJECT@_note n;
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_model_init(&@PROJECT@_note_model, &n), 0);
	n.title = "<b>First</b> note";
	n.created = "2024-01-02T03:04:05Z";
	assert_int_equal(wk_orm_create(&@PROJECT@_note_model, &n), WK_DB_OK);
	assert_int_equal(wk_test_get(&client, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "&lt;b&gt;First&lt;/b&gt; note"));
	assert_null(strstr(r.body, "<b>First</b>"));
	wk_test_response_free(&r);
}

static void
test_stylesheet(void **state)
{
	struct wk_test_response r;
	const char *ct;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/static/style.css", &r), 0);
	assert_int_equal(r.status, 200);
	ct = wk_test_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/css"));
	assert_non_null(strstr(r.body, "body {"));
	wk_test_response_free(&r);
}

static void
test_login_page(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/accounts/login/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "csrfmiddlewaretoken"));
	wk_test_response_free(&r);
}

/* A logged-in visitor gets a log-out button instead of the link; the
 * notes of an earlier test are not there. */
static void
test_logged_in(void **state)
{
	struct wk_test_response r;
	wk_arena a;

	(void)state;
	wk_arena_init(&a);
	assert_int_equal(wk_auth_create_user(&a, "ann", "", NULL, 0, 0, NULL),
	    WK_DB_OK);
	wk_arena_free(&a);
	assert_int_equal(wk_test_force_login(&client, "ann"), 0);
	assert_int_equal(wk_test_get(&client, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Log out ann"));
	assert_non_null(strstr(r.body, "No notes yet."));
	wk_test_response_free(&r);
	/* Logging out needs a POST with the CSRF token; skip_csrf lets the
	 * client supply it. */
	assert_int_equal(wk_test_post(&client, "/accounts/logout/",
	    "application/x-www-form-urlencoded", "", &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	client.skip_csrf = 1;
	assert_int_equal(wk_test_post(&client, "/accounts/logout/",
	    "application/x-www-form-urlencoded", "", &r), 0);
	assert_int_equal(r.status, 303);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, "/", &r), 0);
	assert_non_null(strstr(r.body, "Log in</a>"));
	wk_test_response_free(&r);
}

static void
test_not_found(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/no/such/page/", &r), 0);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "Back to the home page"));
	wk_test_response_free(&r);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_home_empty),
		T(test_home_lists_notes_escaped),
		T(test_stylesheet),
		T(test_login_page),
		T(test_logged_in),
		T(test_not_found),
	};
#undef T

	return cmocka_run_group_tests_name("@PROJECT@ pages", tests,
	    setup_group, NULL);
}
