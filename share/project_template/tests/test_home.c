/*
 * test_home.c - @PROJECT@'s own pages through the whole pipeline, with
 * Wick's test client: the home page and its notes (escaped), the
 * stylesheet, the log-in page and the 404 page.  The database is an
 * in-memory SQLite, migrated here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "../@PROJECT@.h"
#include "../models.h"

static struct wk_test_client client;

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(@PROJECT@_setup(), 0);
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	return wk_test_client_init(&client, &@PROJECT@_app, NULL);
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
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_home_empty),
		cmocka_unit_test(test_home_lists_notes_escaped),
		cmocka_unit_test(test_stylesheet),
		cmocka_unit_test(test_login_page),
		cmocka_unit_test(test_not_found),
	};

	return cmocka_run_group_tests_name("@PROJECT@ pages", tests, setup,
	    teardown);
}
