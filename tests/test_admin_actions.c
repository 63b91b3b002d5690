/*
 * test_admin_actions.c - the change list's actions (src/admin/actions.c)
 * through the test client and the fixture's admin app
 * (tests/fixture/admin.c): the action form offered by permission,
 * "delete selected" with its confirmation page and its one-transaction
 * delete, protected rows, a forged POST without the permission (403), no
 * selection (Django's message), ids that are not numbers of existing
 * rows (400), the header's "select all" box, and app actions (their
 * message, their permission, a failing one rolled back).
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
static long long ids[4], cat_id;

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
	static const char *const titles[] = { "Alpha", "Bravo", "Charlie",
	    "Delta <b>" };
	struct fixture_category c;
	struct fixture_entry e;
	long long editor, viewer;
	char slug[16];
	size_t i;

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
	make_user("boss", 1);
	editor = make_user("editor", 0);
	viewer = make_user("viewer", 0);
	assert_int_equal(wk_auth_grant(&arena, editor, 0,
	    "fixture_entry.change"), WK_DB_OK);
	assert_int_equal(wk_auth_grant(&arena, viewer, 0, "fixture_entry.view"),
	    WK_DB_OK);
	wk_model_init(&fixture_category_model, &c);
	c.name = "News";
	assert_int_equal(wk_orm_create(&fixture_category_model, &c), WK_DB_OK);
	cat_id = c.id;
	for (i = 0; i < 4; i++) {
		wk_model_init(&fixture_entry_model, &e);
		snprintf(slug, sizeof(slug), "s%zu", i);
		e.title = titles[i];
		e.slug = wk_arena_strdup(&arena, slug);
		e.status = "d";
		e.hits = (int)i;
		if (i == 0) {
			wk_clear_null(&e, fixture_entry, category);
			e.category = cat_id;
		}
		assert_int_equal(wk_orm_create(&fixture_entry_model, &e),
		    WK_DB_OK);
		ids[i] = e.id;
	}
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
get(const char *user, const char *path, struct wk_test_response *r)
{
	if (user != NULL)
		assert_int_equal(wk_test_force_login(&client, user), 0);
	assert_int_equal(wk_test_get(&client, path, r), 0);
	if (getenv("TEST_DUMP") != NULL)
		fprintf(stderr, "---- %s %d\n%s\n", path, r->status, r->body);
}

/* POST body (printf-style) to path. */
static void
post(const char *path, struct wk_test_response *r, const char *fmt, ...)
{
	char body[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(body));
	assert_int_equal(wk_test_post(&client, path, FORM, body, r), 0);
	if (getenv("TEST_DUMP") != NULL)
		fprintf(stderr, "---- POST %s %s %d\n%s\n", path, body,
		    r->status, r->body);
}

static long long
count_entries(void)
{
	struct wk_query q;
	long long n;

	wk_q_init(&q, &arena, &fixture_entry_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

/* The next page's flash messages contain text. */
static void
message_shows(const char *text)
{
	struct wk_test_response r;

	get(NULL, BASE, &r);
	assert_int_equal(r.status, 200);
	if (strstr(r.body, text) == NULL)
		fail_msg("no message \"%s\" in:\n%s", text, r.body);
	wk_test_response_free(&r);
}

static void
test_action_form(void **state)
{
	struct wk_test_response r;
	char want[64];

	(void)state;
	get("boss", BASE, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<form id=\"changelist-form\" "
	    "method=\"post\""));
	assert_non_null(strstr(r.body, "name=\"csrfmiddlewaretoken\""));
	assert_non_null(strstr(r.body, "<option value=\"delete_selected\">"
	    "Delete selected entries</option>"));
	assert_non_null(strstr(r.body, "<option value=\"feature\">Mark "
	    "selected entries as featured</option>"));
	assert_non_null(strstr(r.body, ">add_only</option>"));  /* no label */
	snprintf(want, sizeof(want), "name=\"_selected_action\" value=\"%lld\"",
	    ids[1]);
	assert_non_null(strstr(r.body, want));
	/* select all: the page's ids, so that it works without JavaScript */
	snprintf(want, sizeof(want), "name=\"_select_page\" value=\"%lld,",
	    ids[0]);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, ">Go</button>"));
	wk_test_response_free(&r);
	/* change only: the app actions needing change, no delete, no add */
	get("editor", BASE, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "delete_selected"));
	assert_non_null(strstr(r.body, "value=\"feature\""));
	assert_null(strstr(r.body, "value=\"add_only\""));
	wk_test_response_free(&r);
	/* view only: no action at all, so no checkboxes */
	get("viewer", BASE, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "changelist-form"));
	assert_null(strstr(r.body, "_selected_action"));
	wk_test_response_free(&r);
}

/* How many admin log entries have flag (history.c writes them). */
static long long
log_count(int flag)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, &wick_admin_log_model);
	assert_int_equal(wk_q_filter(&q, "action_flag", wk_val_int(flag)),
	    0);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

static void
test_delete_selected(void **state)
{
	struct wk_test_response r;
	void *row;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	/* the confirmation page: the rows, escaped, and the same ids */
	post(BASE "?q=x", &r, "action=delete_selected&index=0&"
	    "_selected_action=%lld&_selected_action=%lld&_selected_action=%lld",
	    ids[3], ids[1], ids[2]);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Are you sure you want to delete the "
	    "selected entries?"));
	assert_non_null(strstr(r.body, ">Bravo</a>"));
	assert_non_null(strstr(r.body, ">Delta &lt;b&gt;</a>"));
	assert_null(strstr(r.body, "Delta <b>"));
	assert_null(strstr(r.body, ">Alpha</a>"));
	assert_non_null(strstr(r.body, "name=\"post\" value=\"yes\""));
	assert_non_null(strstr(r.body, "name=\"action\" "
	    "value=\"delete_selected\""));
	assert_int_equal(count_entries(), 4);         /* nothing yet */
	wk_test_response_free(&r);
	/* confirmed: all three go, back to the list with its query */
	post(BASE "?q=x", &r, "action=delete_selected&post=yes&"
	    "_selected_action=%lld&_selected_action=%lld&_selected_action=%lld",
	    ids[1], ids[2], ids[3]);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), BASE "?q=x");
	wk_test_response_free(&r);
	assert_int_equal(count_entries(), 1);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, ids[0],
	    &row), WK_DB_OK);
	message_shows("Successfully deleted 3 entries.");
	assert_int_equal(log_count(WK_ADMIN_DELETION), 3);
	/* one: the singular */
	post(BASE, &r, "action=delete_selected&post=yes&_selected_action=%lld",
	    ids[0]);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	message_shows("Successfully deleted 1 entry.");
	assert_int_equal(count_entries(), 0);
}

static void
test_delete_selected_protected(void **state)
{
	struct wk_test_response r;
	void *row;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	post("/admin/fixture/category/", &r, "action=delete_selected&"
	    "_selected_action=%lld", cat_id);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Cannot delete category"));
	assert_non_null(strstr(r.body, "<li>1 entry</li>"));
	assert_null(strstr(r.body, "Yes, I"));
	wk_test_response_free(&r);
	/* forced anyway: refused as a whole, with a message */
	post("/admin/fixture/category/", &r, "action=delete_selected&post=yes&"
	    "_selected_action=%lld", cat_id);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &fixture_category_model, cat_id,
	    &row), WK_DB_OK);
	get(NULL, "/admin/fixture/category/", &r);
	assert_non_null(strstr(r.body, "cannot be deleted"));
	wk_test_response_free(&r);
}

static void
test_select_page(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	/* the header box alone, and with a row box repeating an id */
	post(BASE, &r, "action=delete_selected&_select_page=%lld,%lld,%lld&"
	    "_selected_action=%lld", ids[0], ids[1], ids[2], ids[1]);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">Alpha</a>"));
	assert_non_null(strstr(r.body, ">Charlie</a>"));
	assert_null(strstr(r.body, ">Delta"));
	wk_test_response_free(&r);
	post(BASE, &r, "action=feature&_select_page=%lld,%lld,%lld,%lld",
	    ids[0], ids[1], ids[2], ids[3]);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	message_shows("4 entries marked as featured.");
}

static void
test_forbidden(void **state)
{
	struct wk_test_response r;

	(void)state;
	/* delete selected without the delete permission: 403, kept */
	assert_int_equal(wk_test_force_login(&client, "editor"), 0);
	post(BASE, &r, "action=delete_selected&post=yes&_selected_action=%lld",
	    ids[0]);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	post(BASE, &r, "action=add_only&_selected_action=%lld", ids[0]);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_force_login(&client, "viewer"), 0);
	post(BASE, &r, "action=feature&_selected_action=%lld", ids[0]);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(count_entries(), 4);
	/* the editor's own action works */
	assert_int_equal(wk_test_force_login(&client, "editor"), 0);
	post(BASE, &r, "action=feature&_selected_action=%lld", ids[2]);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	message_shows("1 entry marked as featured.");
	/* CSRF guards the action form as every other */
	client.skip_csrf = 0;
	post(BASE, &r, "action=delete_selected&post=yes&_selected_action=%lld",
	    ids[0]);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	/* anonymous: to the login page */
	client.skip_csrf = 1;
	assert_int_equal(wk_test_logout(&client), 0);
	post(BASE, &r, "action=feature&_selected_action=%lld", ids[0]);
	assert_int_equal(r.status, 302);
	assert_non_null(strstr(wk_test_header(&r, "Location"), "/login/"));
	wk_test_response_free(&r);
	assert_int_equal(count_entries(), 4);
}

static void
test_no_selection(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	post(BASE "?o=-hits", &r, "action=delete_selected&index=0");
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), BASE "?o=-hits");
	wk_test_response_free(&r);
	message_shows("Items must be selected in order to perform actions on "
	    "them. No items have been changed.");
	post(BASE, &r, "action=&_selected_action=%lld", ids[0]);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	message_shows("No action selected.");
	assert_int_equal(count_entries(), 4);
}

static void
test_bad_ids(void **state)
{
	static const char *const bodies[] = {
		"action=delete_selected&_selected_action=abc",
		"action=delete_selected&_selected_action=0",
		"action=delete_selected&_selected_action=-1",
		"action=delete_selected&_selected_action=",
		"action=delete_selected&_selected_action=1%20OR%201",
		"action=delete_selected&_selected_action=999999",
		"action=delete_selected&_selected_action=1234567890123456789",
		"action=delete_selected&_select_page=1,,2",
		"action=delete_selected&_select_page=1,x",
		"action=feature&_selected_action=999999",
		"action=nope&_selected_action=1",
	};
	struct wk_test_response r;
	size_t i;
	char body[64];

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		post(BASE, &r, "%s", bodies[i]);
		if (r.status != 400)
			fail_msg("%s: %d", bodies[i], r.status);
		wk_test_response_free(&r);
	}
	/* an existing id with a missing one: 400, nothing deleted */
	snprintf(body, sizeof(body), "_selected_action=%lld", ids[0]);
	post(BASE, &r, "action=delete_selected&post=yes&%s&"
	    "_selected_action=424242", body);
	assert_int_equal(r.status, 400);
	wk_test_response_free(&r);
	assert_int_equal(count_entries(), 4);
}

static void
test_app_action(void **state)
{
	struct wk_test_response r;
	struct fixture_entry *e;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	post(BASE, &r, "action=feature&_selected_action=%lld&"
	    "_selected_action=%lld", ids[1], ids[3]);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), BASE);
	wk_test_response_free(&r);
	message_shows("2 entries marked as featured.");
	/* one history entry per row, naming the action */
	assert_int_equal(log_count(WK_ADMIN_ACTION), 2);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, ids[1],
	    (void **)&e), WK_DB_OK);
	assert_int_equal(e->featured, 1);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, ids[0],
	    (void **)&e), WK_DB_OK);
	assert_int_equal(e->featured, 0);
	/* an action that fails after writing: 500, its writes rolled back */
	post(BASE, &r, "action=explode&_selected_action=%lld", ids[2]);
	assert_int_equal(r.status, 500);
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, ids[2],
	    (void **)&e), WK_DB_OK);
	assert_int_equal(e->hits, 2);
	assert_int_equal(log_count(WK_ADMIN_ACTION), 2);  /* rolled back */
}

static void
test_register_actions(void **state)
{
	static struct wk_admin_site site;
	static const struct wk_admin_action no_run[] = {
		{ "x", NULL, NULL, NULL }, { NULL, NULL, NULL, NULL } };
	static const struct wk_admin_action reserved[] = {
		{ "delete_selected", NULL, NULL, NULL },
		{ NULL, NULL, NULL, NULL } };
	struct wk_model_admin o = { .actions = no_run };

	(void)state;
	memset(&site, 0, sizeof(site));
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model, &o),
	    -1);
	o.actions = reserved;
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model, &o),
	    -1);
	assert_int_equal(site.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_action_form, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete_selected, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete_selected_protected,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_select_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forbidden, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_selection, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_app_action, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_register_actions, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
