/*
 * test_admin.c - the demo's admin site (admin.c) through the test
 * client: mounted at /admin/, a superuser sees posts and comments, the
 * post change list searches and filters, a post is added through the
 * form and a comment deleted with its confirmation.  The admin itself is
 * tested on its own in tests/test_admin.c.
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
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "../blog.h"
#include "../models.h"

#define FORM "application/x-www-form-urlencoded"

static struct wk_test_client client;
static wk_arena arena;
static long long post_id, comment_id;

/* A secret key file for the admin log's chain, made once, removed at
 * exit. */
static char key_path[] = "/tmp/wick-blogkey-XXXXXX";

static void
key_remove(void)
{
	unlink(key_path);
}

static const char *
secret_key(void)
{
	static const char key[] = "blog-test-secret-key-0123456789abcdefghij";
	static int made;
	int fd;

	if (!made) {
		assert_true((fd = mkstemp(key_path)) >= 0);
		assert_int_equal(write(fd, key, sizeof(key) - 1),
		    (ssize_t)(sizeof(key) - 1));
		close(fd);
		atexit(key_remove);
		made = 1;
	}
	return key_path;
}

static int
setup(void **state)
{
	struct blog_post p;
	struct blog_comment c;

	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	assert_int_equal(wk_test_client_init(&client, &blog_app, NULL), 0);
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY),
	    0);
	client.skip_csrf = 1;
	client.settings.secret_key_file = secret_key();
	assert_int_equal(wk_auth_create_user(&arena, "root", "", "pw", 1000,
	    1, NULL), WK_DB_OK);
	assert_int_equal(wk_auth_create_user(&arena, "reader", "", "pw", 1000,
	    0, NULL), WK_DB_OK);
	wk_model_init(&blog_post_model, &p);
	p.title = "Hello admin";
	p.slug = "hello-admin";
	p.author_name = "Root";
	p.created = "2026-12-01T10:00:00Z";
	p.published = 1;
	assert_int_equal(wk_orm_create(&blog_post_model, &p), WK_DB_OK);
	post_id = p.id;
	wk_model_init(&blog_comment_model, &c);
	c.post = post_id;
	c.name = "Visitor";
	c.body = "Nice";
	c.created = "2026-12-02T10:00:00Z";
	assert_int_equal(wk_orm_create(&blog_comment_model, &c), WK_DB_OK);
	comment_id = c.id;
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
test_mounted(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/admin/", &r), 0);
	assert_int_equal(r.status, 302);
	assert_non_null(strstr(wk_test_header(&r, "Location"),
	    "/admin/login/"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_force_login(&client, "reader"), 0);
	assert_int_equal(wk_test_get(&client, "/admin/", &r), 0);
	assert_int_equal(r.status, 302);              /* not staff */
	wk_test_response_free(&r);
	assert_int_equal(wk_test_force_login(&client, "root"), 0);
	assert_int_equal(wk_test_get(&client, "/admin/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Blog administration"));
	assert_non_null(strstr(r.body, "href=\"/admin/blog/post/\""));
	assert_non_null(strstr(r.body, "href=\"/admin/blog/comment/\""));
	assert_non_null(strstr(r.body, "href=\"/admin/auth/user/\""));
	assert_non_null(strstr(r.body, "href=\"/admin/auth/group/\""));
	wk_test_response_free(&r);
	/* the users' list never shows a password hash */
	assert_int_equal(wk_test_get(&client, "/admin/auth/user/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "change/\">root<"));
	assert_null(strstr(r.body, "pbkdf2_sha256$"));
	wk_test_response_free(&r);
}

static void
test_posts(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "root"), 0);
	assert_int_equal(wk_test_get(&client, "/admin/blog/post/?q=hello&"
	    "published=1", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">Hello admin<"));
	assert_non_null(strstr(r.body, "1 result"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_post(&client, "/admin/blog/post/add/", FORM,
	    "title=Second&slug=second&body=x&author_name=Root&published=on&"
	    "created=2026-12-03T09:00:00Z", &r), 0);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, "/admin/blog/post/", &r), 0);
	assert_non_null(strstr(r.body, "was added successfully"));
	assert_true(strstr(r.body, ">Second<") <
	    strstr(r.body, ">Hello admin<"));         /* -created */
	wk_test_response_free(&r);
}

static void
test_comment_delete(void **state)
{
	struct wk_test_response r;
	char path[96];
	void *row;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "root"), 0);
	/* the post's page names what goes with it */
	snprintf(path, sizeof(path), "/admin/blog/post/%lld/delete/", post_id);
	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<li>1 comment</li>"));
	wk_test_response_free(&r);
	snprintf(path, sizeof(path), "/admin/blog/comment/%lld/delete/",
	    comment_id);
	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Are you sure"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_post(&client, path, FORM, "", &r), 0);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &blog_comment_model, comment_id,
	    &row), WK_DB_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mounted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_posts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comment_delete, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
