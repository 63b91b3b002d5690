/*
 * test_admin_users.c - the admin's users and groups pages and the
 * password forms (src/admin/users.c) through the test client and the
 * fixture's admin app (tests/fixture/admin.c, which registers them with
 * wk_admin_register_auth): adding a user (mismatched and weak passwords
 * refused, the new password works for a login), the hash never in a page,
 * permissions and groups through the multi-selects, staff without the
 * auth permissions refused, a user's password form, and password_change/.
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
#include "wick/auth/password.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "fixture/fixture.h"

#define PW "correct horse"
#define FORM "application/x-www-form-urlencoded"
#define USERS "/admin/auth/user/"

static struct wk_test_client client;
static wk_arena arena;
static long long boss_id, staff_id;

static long long
make_user(const char *name, int staff, int superuser)
{
	struct wk_query q;
	long long id;

	assert_int_equal(wk_auth_create_user(&arena, name, "", PW, 1000,
	    superuser, &id), WK_DB_OK);
	wk_q_init(&q, &arena, &wick_user_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_set(&q, "is_staff", wk_val_bool(staff));
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
	client.settings.password_iterations = 1000;
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY),
	    0);
	client.skip_csrf = 1;
	boss_id = make_user("boss", 1, 1);
	staff_id = make_user("staff", 1, 0);
	assert_int_equal(wk_auth_grant(&arena, staff_id, 0,
	    "fixture_entry.view"), WK_DB_OK);
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
get(const char *path, struct wk_test_response *r)
{
	assert_int_equal(wk_test_get(&client, path, r), 0);
	if (getenv("TEST_DUMP") != NULL)
		fprintf(stderr, "---- %s %d\n%s\n", path, r->status, r->body);
}

static void
post(const char *path, const char *body, struct wk_test_response *r)
{
	assert_int_equal(wk_test_post(&client, path, FORM, body, r), 0);
	if (getenv("TEST_DUMP") != NULL)
		fprintf(stderr, "---- POST %s %d\n%s\n", path, r->status,
		    r->body);
}

/* The stored hash of user id (arena memory). */
static const char *
hash_of(long long id)
{
	struct wick_user *u;

	assert_int_equal(wk_orm_get(&arena, &wick_user_model, id, (void **)&u),
	    WK_DB_OK);
	return u->password;
}

/* 1 if password is user id's (what a login checks). */
static int
pw_works(long long id, const char *password)
{
	return wk_password_check(password, strlen(password), hash_of(id));
}

static long long
user_id(const char *name)
{
	struct wick_user *u;

	assert_int_equal(wk_auth_get_user(&arena, name, &u), WK_DB_OK);
	return u->id;
}

/* GET path as the client is and check the hash of id is not in it. */
static void
no_hash(const char *path, long long id)
{
	struct wk_test_response r;
	const char *h = hash_of(id);

	get(path, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, h));
	assert_null(strstr(r.body, "pbkdf2_sha256$"));
	wk_test_response_free(&r);
}

/* ---- the change list and the add form ------------------------------------------ */

static void
test_changelist(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	get("/admin/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "href=\"/admin/auth/user/\""));
	assert_non_null(strstr(r.body, "href=\"/admin/auth/group/\""));
	assert_non_null(strstr(r.body, "/admin/password_change/"));
	wk_test_response_free(&r);
	get(USERS "?is_staff=1&q=sta", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "change/\">staff<"));
	assert_null(strstr(r.body, "change/\">boss<"));
	assert_null(strstr(r.body, "pbkdf2_sha256$"));
	wk_test_response_free(&r);
	no_hash(USERS, boss_id);
}

static void
test_add_user(void **state)
{
	struct wk_test_response r;
	struct wick_user *u;
	long long id;
	char url[96];

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	get(USERS "add/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"password2\""));
	wk_test_response_free(&r);
	/* mismatched */
	post(USERS "add/", "username=alice&password1=tulip+garden+77"
	    "&password2=tulip+garden+78", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "The two password fields didn"));
	wk_test_response_free(&r);
	/* weak: common and numeric */
	post(USERS "add/", "username=alice&password1=12345678"
	    "&password2=12345678", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "This password is too common."));
	assert_non_null(strstr(r.body, "entirely numeric"));
	wk_test_response_free(&r);
	/* a bad username, a taken one */
	post(USERS "add/", "username=al+ice%21&password1=tulip+garden+77"
	    "&password2=tulip+garden+77", &r);
	assert_non_null(strstr(r.body, "Enter a valid username."));
	wk_test_response_free(&r);
	post(USERS "add/", "username=staff&password1=tulip+garden+77"
	    "&password2=tulip+garden+77", &r);
	assert_non_null(strstr(r.body, "A user with that username already"));
	wk_test_response_free(&r);
	assert_int_equal(wk_auth_get_user(&arena, "alice", &u),
	    WK_DB_NOT_FOUND);
	/* success: to the change page */
	post(USERS "add/", "username=alice&password1=tulip+garden+77"
	    "&password2=tulip+garden+77", &r);
	assert_int_equal(r.status, 302);
	id = user_id("alice");
	snprintf(url, sizeof(url), USERS "%lld/change/", id);
	assert_string_equal(wk_test_header(&r, "Location"), url);
	wk_test_response_free(&r);
	assert_non_null(strstr(hash_of(id), "pbkdf2_sha256$1000$"));
	assert_int_equal(pw_works(id, "tulip garden 77"), 1);
	/* the change page links the password form, never shows the hash */
	get(url, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "this form</a>"));
	snprintf(url, sizeof(url), "href=\"" USERS "%lld/password/\"", id);
	assert_non_null(strstr(r.body, url));
	assert_null(strstr(r.body, hash_of(id)));
	assert_non_null(strstr(r.body, "<select name=\"user_permissions\""));
	assert_non_null(strstr(r.body, " multiple"));
	wk_test_response_free(&r);
	snprintf(url, sizeof(url), USERS "%lld/password/", id);
	no_hash(url, id);
	snprintf(url, sizeof(url), USERS "%lld/delete/", id);
	no_hash(url, id);
}

/* ---- permissions and groups ------------------------------------------------------ */

static void
test_permissions(void **state)
{
	struct wk_test_response r;
	struct wick_user *u;
	long long pid, gid, n = 0;
	char url[96], body[256];
	struct wk_query q;

	(void)state;
	assert_int_equal(wk_auth_perm_get(&arena, "fixture_entry.change",
	    &pid), WK_DB_OK);
	assert_int_equal(wk_auth_group_ensure(&arena, "editors", &gid),
	    WK_DB_OK);
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	snprintf(url, sizeof(url), USERS "%lld/change/", staff_id);
	snprintf(body, sizeof(body), "username=staff&email=s%%40x.org"
	    "&is_active=1&is_staff=1&date_joined=2026-01-02T03%%3A04%%3A05"
	    "&groups=%lld&user_permissions=%lld&_save=1", gid, pid);
	post(url, body, &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), USERS);
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &wick_user_model, staff_id,
	    (void **)&u), WK_DB_OK);
	assert_string_equal(u->email, "s@x.org");
	assert_int_equal(wk_auth_has_perm(&arena, u, "fixture_entry.change"),
	    1);
	/* the old grant (entry.view) is gone: the select is the whole set */
	assert_int_equal(wk_auth_has_perm(&arena, u, "fixture_entry.view"), 0);
	wk_q_init(&q, &arena, &wick_user_groups_model);
	wk_q_filter(&q, "user", wk_val_int(staff_id));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	/* the page shows the selection */
	get(url, &r);
	snprintf(body, sizeof(body), "<option value=\"%lld\" selected>", pid);
	assert_non_null(strstr(r.body, body));
	wk_test_response_free(&r);
	/* a value that is no row: an error in place, nothing saved */
	post(url, "username=staff&is_active=1&is_staff=1&date_joined="
	    "2026-01-02T03%3A04%3A05&user_permissions=99999", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Select a valid choice"));
	wk_test_response_free(&r);
	assert_int_equal(wk_auth_has_perm(&arena, u, "fixture_entry.change"),
	    1);
	/* a group with permissions */
	snprintf(body, sizeof(body), "name=writers&permissions=%lld", pid);
	post("/admin/auth/group/add/", body, &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_int_equal(wk_auth_group_get(&arena, "writers", &gid), WK_DB_OK);
	wk_q_init(&q, &arena, &wick_grant_model);
	wk_q_filter(&q, "group", wk_val_int(gid));
	wk_q_filter(&q, "permission", wk_val_int(pid));
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
}

static void
test_staff_without_perms(void **state)
{
	struct wk_test_response r;
	char url[96];

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "staff"), 0);
	get(USERS, &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	get(USERS "add/", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	snprintf(url, sizeof(url), USERS "%lld/change/", boss_id);
	post(url, "username=boss&is_superuser=1", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	snprintf(url, sizeof(url), USERS "%lld/password/", boss_id);
	post(url, "password1=tulip+garden+77&password2=tulip+garden+77", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	post("/admin/auth/group/add/", "name=x", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	/* add needs change too (Django's UserAdmin) */
	assert_int_equal(wk_auth_grant(&arena, staff_id, 0, "wick_user.add"),
	    WK_DB_OK);
	get(USERS "add/", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	/* change alone: the list, the change page */
	assert_int_equal(wk_auth_grant(&arena, staff_id, 0,
	    "wick_user.change"), WK_DB_OK);
	get(USERS, &r);
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
	get(USERS "add/", &r);
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
}

/* ---- passwords ------------------------------------------------------------------- */

static void
test_user_password(void **state)
{
	struct wk_test_response r;
	char url[96];
	const char *before = hash_of(staff_id);

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	snprintf(url, sizeof(url), USERS "%lld/password/", staff_id);
	post(url, "password1=tulip+garden+77&password2=tulip", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "The two password fields didn"));
	wk_test_response_free(&r);
	post(url, "password1=staff123&password2=staff123", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "too similar to the username"));
	wk_test_response_free(&r);
	assert_string_equal(hash_of(staff_id), before);
	post(url, "password1=tulip+garden+77&password2=tulip+garden+77", &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_int_equal(pw_works(staff_id, "tulip garden 77"), 1);
	assert_int_equal(pw_works(staff_id, PW), 0);
	get("/admin/", &r);              /* boss is still logged in */
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
	get("/admin/auth/user/999/password/", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	get("/admin/auth/group/1/password/", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
}

static void
test_password_change(void **state)
{
	struct wk_test_response r;
	const char *before = hash_of(staff_id);

	(void)state;
	get("/admin/password_change/", &r);   /* anonymous: to login */
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_force_login(&client, "staff"), 0);
	get("/admin/password_change/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"old_password\""));
	assert_non_null(strstr(r.body, "csrfmiddlewaretoken"));
	wk_test_response_free(&r);
	post("/admin/password_change/", "old_password=wrong&new_password1="
	    "tulip+garden+77&new_password2=tulip+garden+77", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Your old password was entered "
	    "incorrectly."));
	wk_test_response_free(&r);
	post("/admin/password_change/", "old_password=correct+horse"
	    "&new_password1=abc&new_password2=abc", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "too short"));
	wk_test_response_free(&r);
	assert_string_equal(hash_of(staff_id), before);
	post("/admin/password_change/", "old_password=correct+horse"
	    "&new_password1=tulip+garden+77&new_password2=tulip+garden+77",
	    &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/admin/password_change/done/");
	wk_test_response_free(&r);
	assert_int_equal(pw_works(staff_id, "tulip garden 77"), 1);
	/* the session stays logged in */
	get("/admin/password_change/done/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Your password was changed."));
	wk_test_response_free(&r);
	get("/admin/password_change/nope/", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
}

static void
test_csrf(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	client.skip_csrf = 0;
	post("/admin/password_change/", "old_password=correct+horse"
	    "&new_password1=tulip+garden+77&new_password2=tulip+garden+77",
	    &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(pw_works(boss_id, PW), 1);
}

static void
test_register_refuses_password(void **state)
{
	static struct wk_admin_site site;
	static const char *const bad[] = { "username", "password", NULL };
	const struct wk_model_admin o = { .list_display = bad };

	(void)state;
	assert_int_equal(wk_admin_register(&site, &wick_user_model, &o), -1);
	assert_int_equal(wk_admin_register_auth(&site), 0);
	assert_non_null(wk_admin_find(&site, "auth", "user"));
	assert_non_null(wk_admin_find(&site, "auth", "group"));
	assert_int_equal(wk_admin_register_auth(&site), -1);  /* twice */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changelist, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_staff_without_perms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_user_password, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_password_change, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
		cmocka_unit_test(test_register_refuses_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
