/*
 * test_admin_history.c - the admin log (src/admin/history.c) through the
 * test client and the fixture's admin app: add, change and delete write
 * one entry each with its message (old and new values); the history page
 * lists them (404 for an unknown id, 403 without permission); the HMAC
 * chain: an altered, removed or forged entry is named by
 * wk_admin_log_verify, an intact log passes, and a missing key fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/admin/admin.h"
#include "wick/auth/auth.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "fixture/fixture.h"

#define PW "correct horse"
#define FORM "application/x-www-form-urlencoded"
#define BASE "/admin/fixture/entry/"

static struct wk_test_client client;
static wk_arena arena;

static long long
make_user(const char *name, int superuser)
{
	struct wk_query q;
	long long id;

	assert_int_equal(wk_auth_create_user(&arena, name, "", PW, 1000,
	    superuser, &id), WK_DB_OK);
	wk_q_init(&q, &arena, &wick_user_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_set(&q, "is_staff", wk_val_bool(1));
	assert_int_equal(wk_q_update(&q, NULL), WK_DB_OK);
	return id;
}

static int
setup(void **state)
{
	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	assert_int_equal(wk_test_client_init(&client, &fixture_admin_app,
	    NULL), 0);
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY),
	    0);
	client.skip_csrf = 1;
	client.settings.secret_key_file = fixture_secret_key();
	assert_non_null(client.settings.secret_key_file);
	make_user("boss", 1);
	make_user("nobody", 0);
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
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

static void
post(const char *path, const char *body, int status)
{
	struct wk_test_response r;

	assert_int_equal(wk_test_post(&client, path, FORM, body, &r), 0);
	assert_int_equal(r.status, status);
	wk_test_response_free(&r);
}

/* Add, change and delete one entry; its id. */
static long long
three_edits(void)
{
	struct fixture_entry *e;
	struct wk_query q;
	char path[64];
	long long id;

	post(BASE "add/", "title=One&slug=one&status=d&body=&category=", 302);
	wk_q_init(&q, &arena, &fixture_entry_model);
	wk_q_filter(&q, "slug", wk_val_str("one"));
	assert_int_equal(wk_q_get(&q, (void **)&e), WK_DB_OK);
	id = e->id;
	snprintf(path, sizeof(path), BASE "%lld/change/", id);
	post(path, "title=Two&slug=one&status=p&body=&category=", 302);
	return id;
}

/* Entry n (1-based) of the log. */
static struct wick_admin_log *
entry(long long n)
{
	void *row;

	assert_int_equal(wk_orm_get(&arena, &wick_admin_log_model, n, &row),
	    WK_DB_OK);
	return row;
}

static void
test_entries_written(void **state)
{
	struct wick_admin_log *l;
	struct wk_test_response r;
	char path[64];
	long long id;

	(void)state;
	id = three_edits();
	snprintf(path, sizeof(path), BASE "%lld/delete/", id);
	post(path, "post=yes", 302);
	l = entry(1);
	assert_int_equal(l->action_flag, WK_ADMIN_ADDITION);
	assert_string_equal(l->change_message, "Added.");
	assert_string_equal(l->username, "boss");
	assert_string_equal(l->model, "fixture_entry");
	assert_string_equal(l->object_repr, "One");
	l = entry(2);
	assert_int_equal(l->action_flag, WK_ADMIN_CHANGE);
	assert_string_equal(l->change_message, "Changed title: \xe2\x80\x9c"
	    "One\xe2\x80\x9d \xe2\x86\x92 \xe2\x80\x9cTwo\xe2\x80\x9d; status: "
	    "\xe2\x80\x9c" "Draft\xe2\x80\x9d \xe2\x86\x92 \xe2\x80\x9c"
	    "Published\xe2\x80\x9d.");
	l = entry(3);
	assert_int_equal(l->action_flag, WK_ADMIN_DELETION);
	assert_string_equal(l->change_message, "Deleted.");
	/* an invalid form writes nothing */
	post(BASE "add/", "title=&slug=&status=d", 200);
	assert_int_equal(wk_orm_get(&arena, &wick_admin_log_model, 4,
	    (void **)&l), WK_DB_NOT_FOUND);
	(void)r;
}

static void
test_history_page(void **state)
{
	struct wk_test_response r;
	char path[64];
	long long id;

	(void)state;
	id = three_edits();
	snprintf(path, sizeof(path), BASE "%lld/history/", id);
	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Added."));
	assert_non_null(strstr(r.body, "Changed title"));
	assert_true(strstr(r.body, "Added.") < strstr(r.body, "Changed"));
	wk_test_response_free(&r);
	snprintf(path, sizeof(path), BASE "%lld/change/", id);
	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_non_null(strstr(r.body, "/history/\">History</a>"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, BASE "999/history/", &r), 0);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	/* staff without a permission on entries */
	assert_int_equal(wk_test_force_login(&client, "nobody"), 0);
	snprintf(path, sizeof(path), BASE "%lld/history/", id);
	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
}

/* Verify, expecting fault at bad. */
static void
verify(enum wk_admin_fault fault, long long bad)
{
	struct wk_admin_log_check c;

	assert_int_equal(wk_admin_log_verify(&arena, &client.settings, &c),
	    WK_DB_OK);
	if (getenv("TEST_DUMP") != NULL)
		fprintf(stderr, "%s\n", c.message);
	assert_int_equal(c.fault, fault);
	assert_int_equal(c.bad_id, bad);
}

static void
test_chain(void **state)
{
	struct wk_admin_log_check c;
	long long id;

	(void)state;
	id = three_edits();
	post(BASE "add/", "title=Z&slug=z&status=d&body=&category=", 302);
	verify(WK_ADMIN_LOG_INTACT, 0);
	assert_int_equal(wk_admin_log_verify(&arena, &client.settings, &c),
	    WK_DB_OK);
	assert_string_equal(c.message, "3 entries, chain intact");
	(void)id;
	/* altered: a field of entry 2 */
	assert_int_equal(wk_raw_exec(&arena, "UPDATE wick_admin_log SET "
	    "username = 'mallory' WHERE id = 2", NULL, 0, NULL), WK_DB_OK);
	verify(WK_ADMIN_LOG_ALTERED, 2);
	assert_int_equal(wk_raw_exec(&arena, "UPDATE wick_admin_log SET "
	    "username = 'boss' WHERE id = 2", NULL, 0, NULL), WK_DB_OK);
	verify(WK_ADMIN_LOG_INTACT, 0);
	/* forged: an entry appended without the key */
	assert_int_equal(wk_raw_exec(&arena, "INSERT INTO wick_admin_log "
	    "(id, action_time, user_id, username, model, object_id, "
	    "object_repr, action_flag, change_message, mac) VALUES (4, "
	    "'2026-01-01T00:00:00Z', 1, 'boss', 'fixture_entry', '1', 'x', 3, "
	    "'Deleted.', '00000000000000000000000000000000000000000000000000"
	    "00000000000000')", NULL, 0, NULL), WK_DB_OK);
	verify(WK_ADMIN_LOG_FORGED, 4);
	assert_int_equal(wk_raw_exec(&arena, "DELETE FROM wick_admin_log "
	    "WHERE id = 4", NULL, 0, NULL), WK_DB_OK);
	/* removed: entry 2 */
	assert_int_equal(wk_raw_exec(&arena, "DELETE FROM wick_admin_log "
	    "WHERE id = 2", NULL, 0, NULL), WK_DB_OK);
	verify(WK_ADMIN_LOG_REMOVED, 2);
	/* no key: an error, not a verdict */
	client.settings.secret_key_file = NULL;
	assert_int_equal(wk_admin_log_verify(&arena, &client.settings, &c),
	    WK_DB_ERROR);
}

static void
test_no_key_no_change(void **state)
{
	struct wk_query q;
	long long n;

	(void)state;
	client.settings.secret_key_file = NULL;
	post(BASE "add/", "title=One&slug=one&status=d&body=&category=", 500);
	wk_q_init(&q, &arena, &fixture_entry_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entries_written, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_history_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_no_change, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
