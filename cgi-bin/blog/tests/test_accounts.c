/*
 * test_accounts.c - the demo's pages that need a visitor (accounts.c)
 * through the whole pipeline (the test client with its cookie jar):
 * writing a post when logged in (escaping, the flash message shown once,
 * the author filled in, a duplicate slug and bad input as field errors),
 * commenting on a post, and CSRF on both forms and on the login.  The
 * library's login, logout and throttling are tested on their own in
 * tests/test_auth.c.  Each test gets its own SQLite file
 * (wk_test_client_fresh_db); a test that needs a visitor logged in gets
 * one from wk_test_force_login.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/http/response.h"
#include "wick/front/testclient.h"
#include "../blog.h"
#include "../models.h"

#define PW "correct horse battery"

static struct wk_test_client client;
static wk_arena arena;
static long long alice_id;

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
	assert_int_equal(wk_test_client_init(&client, &blog_app, &s), 0);
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_FILE), 0);
	assert_int_equal(wk_auth_create_user(&arena, "alice", "a@example.com",
	    PW, 1000, 0, &alice_id), WK_DB_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);   /* and the database, and its folder */
	wk_arena_free(&arena);
	return 0;
}

/* ---- helpers ----------------------------------------------------------------------- */

/* The CSRF form token in body, "" when the page has none. */
static const char *
token_in(const char *body)
{
	static char tok[256];
	const char *p = strstr(body, "name=\"csrfmiddlewaretoken\" value=\"");
	size_t n;

	tok[0] = '\0';
	if (p == NULL)
		return tok;
	p += strlen("name=\"csrfmiddlewaretoken\" value=\"");
	n = strcspn(p, "\"");
	if (n < sizeof(tok)) {
		memcpy(tok, p, n);
		tok[n] = '\0';
	}
	return tok;
}

/* GET the login page for a fresh token. */
static const char *
fresh_token(void)
{
	struct wk_test_response r;
	static char tok[256];

	assert_int_equal(wk_test_get(&client, "/accounts/login/", &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(tok, sizeof(tok), "%s", token_in(r.body));
	wk_test_response_free(&r);
	return tok;
}

/* POST fields (urlencoded) with a fresh CSRF token added. */
static void
post(const char *path, const char *fields, struct wk_test_response *r)
{
	const char *tok = fresh_token();
	size_t len = strlen(fields) + strlen(tok) + 32;
	char *body = malloc(len);
	int n;

	assert_non_null(body);
	n = snprintf(body, len, "%s%scsrfmiddlewaretoken=%s", fields,
	    fields[0] ? "&" : "", tok);
	assert_true(n > 0 && (size_t)n < len);
	assert_int_equal(wk_test_post(&client, path,
	    "application/x-www-form-urlencoded", body, r), 0);
	free(body);
}

/* ---- the pages ---------------------------------------------------------------------- */

static void
test_new_post_flow(void **state)
{
	struct wk_test_response r;
	struct blog_post *p;
	const char *loc;
	char path[64];

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "alice"), 0);
	post("/posts/new/", "title=Hello+%3Cworld%3E&slug=hello-world&body=Hi",
	    &r);
	assert_int_equal(r.status, 302);
	loc = wk_test_header(&r, "Location");
	assert_non_null(loc);
	snprintf(path, sizeof(path), "%s", loc);
	wk_test_response_free(&r);
	assert_int_equal(strncmp(path, "/posts/", 7), 0);

	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Hello &lt;world&gt;"));
	assert_non_null(strstr(r.body, "Your post was published."));
	wk_test_response_free(&r);
	/* Shown once. */
	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_null(strstr(r.body, "Your post was published."));
	wk_test_response_free(&r);

	assert_int_equal(wk_orm_get(&arena, &blog_post_model,
	    atoll(path + 7), (void **)&p), WK_DB_OK);
	assert_int_equal(p->author, alice_id);
	assert_string_equal(p->author_name, "alice");

	/* The same slug again: a field error, nothing stored. */
	post("/posts/new/", "title=Again&slug=hello-world&body=", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Post with this Slug already exists."));
	assert_non_null(strstr(r.body, "value=\"Again\""));
	wk_test_response_free(&r);
	/* Bad input: errors per field, values escaped back. */
	post("/posts/new/", "title=%22%3E%3Cscript%3E&slug=+", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "value=\"&quot;&gt;&lt;script&gt;\""));
	assert_non_null(strstr(r.body, "This field is required."));
	assert_null(strstr(r.body, "\"><script>"));
	wk_test_response_free(&r);
}

static void
test_comment_flow(void **state)
{
	struct wk_test_response r;
	struct blog_post p;
	char path[64], cpath[64];

	(void)state;
	assert_int_equal(wk_model_init(&blog_post_model, &p), 0);
	p.title = "Commented";
	p.slug = "commented";
	p.author_name = "x";
	p.created = "2024-01-01T00:00:00Z";
	p.published = 1;
	assert_int_equal(wk_orm_create(&blog_post_model, &p), WK_DB_OK);
	snprintf(path, sizeof(path), "/posts/%lld/", p.id);
	snprintf(cpath, sizeof(cpath), "/posts/%lld/comment/", p.id);

	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, cpath));
	wk_test_response_free(&r);

	post(cpath, "name=Eve&body=Nice+%3Cb%3Epost%3C%2Fb%3E", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), path);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_non_null(strstr(r.body, "Nice &lt;b&gt;post&lt;/b&gt;"));
	assert_non_null(strstr(r.body, "Thanks, your comment was posted."));
	wk_test_response_free(&r);

	post(cpath, "name=Eve&body=+++", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "This field is required."));
	wk_test_response_free(&r);

	post("/posts/99999/comment/", "name=Eve&body=x", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
}

static void
test_csrf_required(void **state)
{
	struct wk_test_response r;
	struct blog_post p;
	char cpath[64];

	(void)state;
	assert_int_equal(wk_model_init(&blog_post_model, &p), 0);
	p.title = "T";
	p.slug = "t";
	p.author_name = "x";
	p.created = "2024-01-01T00:00:00Z";
	p.published = 1;
	assert_int_equal(wk_orm_create(&blog_post_model, &p), WK_DB_OK);
	snprintf(cpath, sizeof(cpath), "/posts/%lld/comment/", p.id);
	(void)fresh_token();   /* the csrftoken cookie is set */
	assert_int_equal(wk_test_post(&client, cpath,
	    "application/x-www-form-urlencoded", "name=Eve&body=x", &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_post(&client, "/accounts/login/",
	    "application/x-www-form-urlencoded", "username=alice&password="
	    "correct+horse+battery", &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_null(wk_kv_get(&client.jar, "sessionid"));
	/* With the token it goes through. */
	post(cpath, "name=Eve&body=x", &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_new_post_flow),
		T(test_comment_flow),
		T(test_csrf_required),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
