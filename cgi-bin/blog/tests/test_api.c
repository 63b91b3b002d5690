/*
 * test_api.c - the demo's JSON API through the whole pipeline (test
 * client): pagination with next/previous links, 404s as JSON, comment
 * creation with validation errors, content-type and JSON refusals, the
 * 503 answers of a missing or outdated database, and the seed command.
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

#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/json.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/core/settings.h"
#include "wick/front/testclient.h"
#include "../blog.h"
#include "../models.h"

static char dir[64];
static char path[128];
static struct wk_settings settings;
static struct wk_test_client client;
static wk_arena arena;

static int
run_command2(const char *name, const char *arg, const char *arg2)
{
	const struct wk_command *const *t;
	const struct wk_command *c;
	char *argv[] = { (char *)(uintptr_t)"blog.cgi",
	    (char *)(uintptr_t)name, (char *)(uintptr_t)arg,
	    (char *)(uintptr_t)arg2, NULL };
	int rc = -1, saved;

	fflush(stdout);
	saved = dup(1);
	assert_true(freopen("/dev/null", "w", stdout) != NULL);
	for (t = blog_app.commands; *t != NULL; t++)
		for (c = *t; c->name != NULL; c++)
			if (strcmp(c->name, name) == 0)
				rc = c->run(&blog_app, &settings,
				    arg2 ? 4 : arg ? 3 : 2, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

static int
run_command(const char *name, const char *arg)
{
	return run_command2(name, arg, NULL);
}

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	snprintf(dir, sizeof(dir), "/tmp/wick-api-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/blog.sqlite3", dir);
	wk_settings_defaults(&settings);
	settings.database = path;
	assert_int_equal(run_command("migrate", NULL), 0);
	assert_int_equal(run_command("seed", "45"), 0);
	wk_db_configure(&settings, "blog");
	assert_int_equal(wk_test_client_init(&client, &blog_app, &settings),
	    0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	wk_test_client_free(&client);
	wk_db_close();
	wk_arena_free(&arena);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* POST JSON the way an API client does under the CSRF rules: the
 * csrftoken cookie and the same secret in the X-CSRFToken header. */
#define CSRF_SECRET "abcdefghijklmnopqrstuvwxyzABCDEF"

static int
post_json(const char *path_, const char *ctype, const char *body,
    struct wk_test_response *r)
{
	static const char *const headers[] = {
		"Cookie: csrftoken=" CSRF_SECRET,
		"X-CSRFToken: " CSRF_SECRET,
		NULL
	};
	struct wk_test_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.path = path_;
	rq.headers = headers;
	rq.content_type = ctype;
	rq.body = body;
	return wk_test_request(&client, &rq, r);
}

static struct wk_json *
json_of(const struct wk_test_response *r)
{
	struct wk_json *j = NULL;
	const char *err = NULL;

	assert_string_equal(wk_test_header(r, "Content-Type"),
	    "application/json; charset=utf-8");
	if (wk_json_parse(&arena, r->body, r->body_len, NULL, &j, &err,
	    NULL) != 0)
		fail_msg("not JSON (%s): %s", err, r->body);
	return j;
}

static void
test_list_pages(void **state)
{
	struct wk_test_response r;
	struct wk_json *j;
	const struct wk_json *res;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/api/posts/", &r), 0);
	assert_int_equal(r.status, 200);
	j = json_of(&r);
	res = wk_json_get(j, "results");
	assert_int_equal(res->n, 20);
	/* 45 posts, 10/20/30/40 are drafts: newest published is 45 */
	assert_int_equal(wk_json_get(&res->items[0], "id")->i, 45);
	assert_int_equal(wk_json_get(&res->items[1], "id")->i, 44);
	assert_int_equal(wk_json_get(&res->items[5], "id")->i, 39);
	assert_string_equal(wk_json_string(&res->items[0], "title"),
	    "Post 45: <b>bold</b> & \"quoted\"");
	/* the raw text never has a bare < or & */
	assert_null(strchr(r.body, '<'));
	assert_null(strchr(r.body, '&'));
	assert_string_equal(wk_json_string(j, "next"), "/api/posts/?page=2");
	assert_int_equal(wk_json_get(j, "previous")->type, WK_JSON_NULL);
	assert_string_equal(wk_json_string(&res->items[0], "url"),
	    "/api/posts/45/");
	wk_test_response_free(&r);

	assert_int_equal(wk_test_get(&client, "/api/posts/?page=3", &r), 0);
	assert_int_equal(r.status, 200);
	j = json_of(&r);
	assert_int_equal(wk_json_get(j, "results")->n, 1);
	assert_int_equal(wk_json_get(j, "next")->type, WK_JSON_NULL);
	assert_string_equal(wk_json_string(j, "previous"),
	    "/api/posts/?page=2");
	wk_test_response_free(&r);

	assert_int_equal(wk_test_get(&client, "/api/posts/?page=4", &r), 0);
	assert_int_equal(r.status, 404);
	json_of(&r);
	wk_test_response_free(&r);
	{
		static const char *const badpages[] = { "0", "-1", "abc",
		    "1;DROP%20TABLE%20blog_post", "99999999999999999999",
		    "%20" "1", "1.5" };
		char url[96];
		size_t i;
		for (i = 0; i < sizeof(badpages) / sizeof(badpages[0]); i++) {
			snprintf(url, sizeof(url), "/api/posts/?page=%s",
			    badpages[i]);
			assert_int_equal(wk_test_get(&client, url, &r), 0);
			assert_int_equal(r.status, 400);
			json_of(&r);
			wk_test_response_free(&r);
		}
	}
}

static void
test_script_name_links(void **state)
{
	struct wk_test_response r;
	struct wk_json *j;

	(void)state;
	client.script_name = "/cgi-bin/blog.cgi";
	assert_int_equal(wk_test_get(&client, "/api/posts/", &r), 0);
	assert_int_equal(r.status, 200);
	j = json_of(&r);
	assert_string_equal(wk_json_string(j, "next"),
	    "/cgi-bin/blog.cgi/api/posts/?page=2");
	wk_test_response_free(&r);
	client.script_name = "";
}

static void
test_detail(void **state)
{
	struct wk_test_response r;
	struct wk_json *j;
	const struct wk_json *p;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/api/posts/7/", &r), 0);
	assert_int_equal(r.status, 200);
	j = json_of(&r);
	p = wk_json_get(j, "post");
	assert_int_equal(wk_json_get(p, "id")->i, 7);
	assert_string_equal(wk_json_string(p, "slug"), "post-7");
	assert_non_null(wk_json_string(p, "body"));
	assert_int_equal(wk_json_get(j, "comments")->n, 0);
	wk_test_response_free(&r);
	/* a draft and a missing post: JSON 404s */
	assert_int_equal(wk_test_get(&client, "/api/posts/10/", &r), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(wk_json_string(json_of(&r), "error"),
	    "no such post");
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, "/api/posts/999999/", &r), 0);
	assert_int_equal(r.status, 404);
	json_of(&r);
	wk_test_response_free(&r);
}

static void
test_comments(void **state)
{
	struct wk_test_response r;
	struct wk_json *j;
	const struct wk_json *e;
	struct wk_query q;
	long long n;

	(void)state;
	assert_int_equal(post_json("/api/posts/7/comments/",
	    "application/json", "{\"name\": \"Ann\", \"body\": "
	    "\"Nice <post> & \\\"all\\\"\"}", &r), 0);
	assert_int_equal(r.status, 201);
	j = json_of(&r);
	assert_int_equal(wk_json_get(j, "post")->i, 7);
	assert_string_equal(wk_json_string(j, "body"),
	    "Nice <post> & \"all\"");
	assert_true(wk_json_get(j, "id")->i > 0);
	assert_string_equal(wk_test_header(&r, "Location"), "/api/posts/7/");
	wk_test_response_free(&r);
	/* shows up in the detail */
	assert_int_equal(wk_test_get(&client, "/api/posts/7/", &r), 0);
	assert_int_equal(wk_json_get(json_of(&r), "comments")->n, 1);
	wk_test_response_free(&r);

	/* field errors */
	assert_int_equal(post_json("/api/posts/7/comments/",
	    "application/json", "{\"body\": 5}", &r), 0);
	assert_int_equal(r.status, 400);
	e = wk_json_get(json_of(&r), "errors");
	assert_string_equal(wk_json_get(e, "name")->items[0].str,
	    "This field is required.");
	assert_string_equal(wk_json_get(e, "body")->items[0].str,
	    "Must be a string.");
	wk_test_response_free(&r);
	{
		char body[400];
		snprintf(body, sizeof(body), "{\"name\": \"%0150d\", "
		    "\"body\": \"x\"}", 0);
		assert_int_equal(post_json(
		    "/api/posts/7/comments/", "application/json", body, &r),
		    0);
		assert_int_equal(r.status, 400);
		e = wk_json_get(json_of(&r), "errors");
		assert_string_equal(wk_json_get(e, "name")->items[0].str,
		    "Ensure this value has at most 100 characters.");
		wk_test_response_free(&r);
	}
	/* without the CSRF token: refused before the view */
	assert_int_equal(wk_test_post(&client, "/api/posts/7/comments/",
	    "application/json", "{\"name\": \"a\", \"body\": \"b\"}", &r),
	    0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	/* not JSON, not an object, wrong type, draft post, wrong method */
	assert_int_equal(post_json("/api/posts/7/comments/",
	    "application/json", "{\"name\": ", &r), 0);
	assert_int_equal(r.status, 400);
	json_of(&r);
	wk_test_response_free(&r);
	assert_int_equal(post_json("/api/posts/7/comments/",
	    "application/json", "[1]", &r), 0);
	assert_int_equal(r.status, 400);
	wk_test_response_free(&r);
	assert_int_equal(post_json("/api/posts/7/comments/",
	    "application/x-www-form-urlencoded", "name=a&body=b", &r), 0);
	assert_int_equal(r.status, 415);
	json_of(&r);
	wk_test_response_free(&r);
	assert_int_equal(post_json("/api/posts/10/comments/",
	    "application/json", "{\"name\": \"a\", \"body\": \"b\"}", &r), 0);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, "/api/posts/7/comments/", &r),
	    0);
	assert_int_equal(r.status, 405);
	wk_test_response_free(&r);
	/* exactly one comment was stored */
	wk_q_init(&q, &arena, &blog_comment_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
}

/* `seed N --if-empty` (what `make run` uses) seeds only an empty blog. */
static void
test_seed_if_empty(void **state)
{
	struct wk_query q;
	long long n;

	(void)state;
	assert_int_equal(run_command2("seed", "10", "--if-empty"), 0);
	wk_q_init(&q, &arena, &blog_post_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 45);                        /* untouched */
	assert_int_equal(run_command2("seed", "10", "--bogus"), 2);
	assert_int_equal(run_command("seed", "5"), 0);  /* plain: adds */
	wk_q_init(&q, &arena, &blog_post_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 50);
}

static void
test_missing_db_503(void **state)
{
	struct wk_test_response r;
	char missing[160];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/nope.sqlite3", dir);
	settings.database = missing;
	wk_db_configure(&settings, "blog");
	assert_int_equal(wk_test_get(&client, "/api/posts/", &r), 0);
	assert_int_equal(r.status, 503);
	assert_non_null(wk_test_header(&r, "Retry-After"));
	assert_null(strstr(r.body, "nope"));  /* no path to the client */
	json_of(&r);
	wk_test_response_free(&r);
	assert_int_equal(access(missing, F_OK), -1);
	settings.database = path;
	wk_db_configure(&settings, "blog");
}

static void
test_outdated_db_503(void **state)
{
	struct wk_test_response r;

	(void)state;
	/* Forget one step: the binary is "newer" than the database. */
	assert_int_equal(wk_db_connect(), WK_DB_OK);
	wk_db_close();
	{
		long long changes = 0;
		wk_db_allow_create(1);  /* raw access without the check */
		assert_int_equal(wk_raw_exec(&arena, "DELETE FROM "
		    "wick_migrations WHERE name = '0002_post_published_created'",
		    NULL, 0, &changes), WK_DB_OK);
		assert_int_equal(changes, 1);
		assert_int_equal(wk_raw_exec(&arena, "PRAGMA user_version = 0",
		    NULL, 0, NULL), WK_DB_OK);
		wk_db_close();
		wk_db_allow_create(0);
	}
	assert_int_equal(wk_test_get(&client, "/api/posts/", &r), 0);
	assert_int_equal(r.status, 503);
	assert_string_equal(wk_test_header(&r, "Retry-After"), "5");
	wk_test_response_free(&r);
	/* With auto_migrate the next request repairs it. */
	settings.auto_migrate = 1;
	wk_db_configure(&settings, "blog");
	assert_int_equal(wk_test_get(&client, "/api/posts/", &r), 0);
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
	settings.auto_migrate = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_list_pages),
		T(test_script_name_links),
		T(test_detail),
		T(test_comments),
		T(test_seed_if_empty),
		T(test_missing_db_503),
		T(test_outdated_db_503),
	};

	wk_log_set_fd(-1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
