/*
 * test_pages.c - the demo's HTML pages through the whole pipeline (the
 * test client): home, the post list and its pages, a post with comments,
 * 404 pages from the app's templates, and the embedded stylesheet with
 * its content-hashed name and cache headers.  The database is an
 * in-memory SQLite migrated and filled here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/template/template.h"
#include "wick/front/testclient.h"
#include "../blog.h"
#include "../models.h"

#define NPOSTS 25

static struct wk_test_client client;
static long long first_post, draft_post;

static long long
add_post(int i, int published)
{
	static char titles[NPOSTS + 4][96], slugs[NPOSTS + 4][32];
	static char created[NPOSTS + 4][32];
	struct blog_post p;

	assert_int_equal(wk_model_init(&blog_post_model, &p), 0);
	snprintf(titles[i], sizeof(titles[i]), "Post %d <script>alert(%d)"
	    "</script> & \"more\"", i, i);
	snprintf(slugs[i], sizeof(slugs[i]), "post-%d", i);
	snprintf(created[i], sizeof(created[i]), "2024-03-%02dT10:00:00Z",
	    i + 1);
	p.title = titles[i];
	p.slug = slugs[i];
	p.body = "First line\nsecond line <b>not bold</b>\n\nNew paragraph.";
	p.author_name = "Ada";
	p.created = created[i];
	p.published = published;
	assert_int_equal(wk_orm_create(&blog_post_model, &p), WK_DB_OK);
	return p.id;
}

static void
add_comment(long long post, const char *name, const char *body)
{
	struct blog_comment c;

	assert_int_equal(wk_model_init(&blog_comment_model, &c), 0);
	c.post = post;
	c.name = name;
	c.body = body;
	c.created = "2024-04-01T09:30:00Z";
	assert_int_equal(wk_orm_create(&blog_comment_model, &c), WK_DB_OK);
}

static int
setup(void **state)
{
	int i;

	(void)state;
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	for (i = 0; i < NPOSTS; i++) {
		long long id = add_post(i, 1);

		if (i == 0)
			first_post = id;
	}
	draft_post = add_post(NPOSTS, 0);
	add_comment(first_post, "Eve", "<img src=x onerror=alert(1)>");
	add_comment(first_post, "Bob", "Second\nline");
	assert_int_equal(wk_test_client_init(&client, &blog_app, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);
	wk_db_close();
	return 0;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
get(const char *path, int status, struct wk_test_response *r)
{
	assert_int_equal(wk_test_get(&client, path, r), 0);
	if (r->status != status)
		fail_msg("GET %s: %d, want %d\n%s", path, r->status, status,
		    r->body);
}

static void
test_home(void **state)
{
	struct wk_test_response r;

	(void)state;
	get("/", 200, &r);
	assert_string_equal(wk_test_header(&r, "Content-Type"),
	    "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "href=\"/hello\""));
	assert_non_null(strstr(r.body, "href=\"/posts/\""));
	assert_int_equal(count(r.body, "<li class=\"post\">"), 5);
	assert_null(strstr(r.body, "<script>"));
	wk_test_response_free(&r);
	get("/hello", 200, &r);
	assert_non_null(strstr(r.body, "Hello, world"));
	wk_test_response_free(&r);
}

static void
test_post_list(void **state)
{
	struct wk_test_response r;

	(void)state;
	get("/posts/", 200, &r);
	assert_int_equal(count(r.body, "<li class=\"post\">"), 20);
	/* Newest first; titles escaped; bodies stripped and truncated. */
	assert_non_null(strstr(r.body, "Post 24 &lt;script&gt;alert(24)"
	    "&lt;/script&gt; &amp; &quot;more&quot;"));
	assert_null(strstr(r.body, "Post 4 "));
	assert_null(strstr(r.body, "<script>"));
	assert_null(strstr(r.body, "<b>not bold"));
	assert_non_null(strstr(r.body, "March 25, 2024"));
	assert_non_null(strstr(r.body, "rel=\"next\" href=\"/posts/?page=2\""));
	assert_null(strstr(r.body, "rel=\"prev\""));
	assert_non_null(strstr(r.body, "<title>Posts &middot; Wick blog"
	    "</title>"));
	wk_test_response_free(&r);

	get("/posts/?page=2", 200, &r);
	assert_int_equal(count(r.body, "<li class=\"post\">"), 5);
	assert_non_null(strstr(r.body, "rel=\"prev\" href=\"/posts/?page=1\""));
	assert_null(strstr(r.body, "rel=\"next\""));
	assert_non_null(strstr(r.body, "(page 2)"));
	wk_test_response_free(&r);

	get("/posts/?page=3", 404, &r);
	assert_non_null(strstr(r.body, "Page not found"));
	wk_test_response_free(&r);
	get("/posts/?page=abc", 404, &r);
	wk_test_response_free(&r);
	get("/posts/?page=0", 404, &r);
	wk_test_response_free(&r);
	get("/posts/?page=99999999999999999999", 404, &r);
	wk_test_response_free(&r);
}

static void
test_post_detail(void **state)
{
	struct wk_test_response r;
	char path[64];

	(void)state;
	snprintf(path, sizeof(path), "/posts/%lld/", first_post);
	get(path, 200, &r);
	assert_non_null(strstr(r.body, "<h1>Post 0 &lt;script&gt;"));
	assert_non_null(strstr(r.body, "<p>First line<br>second line "
	    "&lt;b&gt;not bold&lt;/b&gt;</p>\n\n<p>New paragraph.</p>"));
	assert_non_null(strstr(r.body, "2 comments"));
	assert_non_null(strstr(r.body, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_null(strstr(r.body, "<img"));
	assert_non_null(strstr(r.body, "<strong>Bob</strong>"));
	assert_non_null(strstr(r.body, "Second<br>line"));
	assert_non_null(strstr(r.body, "Friday, March 1st 2024, 10:00"));
	wk_test_response_free(&r);

	snprintf(path, sizeof(path), "/posts/%lld/", first_post + 1);
	get(path, 200, &r);
	assert_non_null(strstr(r.body, "0 comments"));
	assert_non_null(strstr(r.body, "No comments yet."));
	wk_test_response_free(&r);

	/* Missing and draft posts: the app's own 404 template. */
	get("/posts/99999/", 404, &r);
	assert_non_null(strstr(r.body, "<h1>404 &middot; Page not found</h1>"));
	assert_non_null(strstr(r.body, "No such post"));
	assert_non_null(strstr(r.body, "class=\"brand\""));
	wk_test_response_free(&r);
	snprintf(path, sizeof(path), "/posts/%lld/", draft_post);
	get(path, 404, &r);
	wk_test_response_free(&r);
	get("/posts/99999999999999999999999/", 404, &r);
	wk_test_response_free(&r);
}

static void
test_static(void **state)
{
	const struct wk_asset *a = wk_asset_find(&blog_templates, "style.css");
	struct wk_test_response r;
	char path[256];

	(void)state;
	assert_non_null(a);
	assert_string_not_equal(a->hashed_name, "style.css");
	assert_int_equal(strncmp(a->hashed_name, "style.", 6), 0);
	assert_int_equal(strlen(a->hashed_name), strlen("style.12345678.css"));
	/* Pages link the hashed name. */
	get("/", 200, &r);
	snprintf(path, sizeof(path), "href=\"/static/%s\"", a->hashed_name);
	assert_non_null(strstr(r.body, path));
	wk_test_response_free(&r);

	snprintf(path, sizeof(path), "/static/%s", a->hashed_name);
	get(path, 200, &r);
	assert_string_equal(wk_test_header(&r, "Content-Type"),
	    "text/css; charset=utf-8");
	assert_string_equal(wk_test_header(&r, "Cache-Control"),
	    "public, max-age=31536000, immutable");
	assert_int_equal(r.body_len, a->len);
	assert_memory_equal(r.body, a->data, a->len);
	wk_test_response_free(&r);

	get("/static/style.css", 200, &r);
	assert_string_equal(wk_test_header(&r, "Cache-Control"), "no-cache");
	wk_test_response_free(&r);

	get("/static/style.00000000.css", 404, &r);
	assert_non_null(strstr(r.body, "Page not found"));
	wk_test_response_free(&r);
	get("/static/../app.c", 404, &r);
	wk_test_response_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_home),
		cmocka_unit_test(test_post_list),
		cmocka_unit_test(test_post_detail),
		cmocka_unit_test(test_static),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
