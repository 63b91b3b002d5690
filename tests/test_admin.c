/*
 * test_admin.c - the admin site (src/admin/) through the test client and
 * the fixture's admin app (tests/fixture/admin.c): registration checks;
 * who gets in (anonymous and non-staff sent to login, the staff-only
 * login form, logout by POST only); the index by permission; the change
 * list (columns, sort by declared fields only, search with ^ = and
 * contains, %/_ taken literally, words ANDed, filters with counts, bad
 * filter values 400, pages); add, change and delete with their buttons
 * and flash messages; view-only users (read-only page, POST 403); CSRF;
 * X-Frame-Options; unknown app, model or id 404; escaping.  Each test
 * gets its own in-memory database with four users and seven entries.
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
#include "wick/http/middleware.h"
#include "wick/auth/session.h"
#include "wick/auth/csrf.h"
#include "fixture/fixture.h"

#define PW "correct horse"
#define FORM "application/x-www-form-urlencoded"
#define BASE "/admin/fixture/entry/"

static struct wk_test_client client;
static wk_arena arena;
static long long news_id, tech_id, alpha_id;

struct seed {
	const char *title, *slug, *status;
	int featured;
	int cat;          /* 0 none, 1 news, 2 tech */
	const char *body;
	int hits;
};

static const struct seed seeds[] = {
	{ "Alpha", "alpha", "p", 1, 1, "first of all", 10 },
	{ "Bravo", "bravo", "d", 0, 1, "100% sure", 20 },
	{ "Charlie", "charlie", "p", 0, 2, "under_score", 30 },
	{ "Delta", "delta", "d", 1, 2, "alpha again", 40 },
	{ "Echo", "echo", "p", 0, 0, "", 50 },
	{ "Foxtrot", "foxtrot", "d", 0, 0, "", 60 },
	{ "Golf <b>", "golf", "d", 0, 0, "", 70 },
};

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
	struct fixture_category c;
	struct fixture_entry e;
	long long viewer, editor;
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
	make_user("boss", 1, 1);
	viewer = make_user("viewer", 1, 0);
	editor = make_user("editor", 1, 0);
	make_user("joe", 0, 0);
	assert_int_equal(wk_auth_grant(&arena, viewer, 0, "fixture_entry.view"),
	    WK_DB_OK);
	assert_int_equal(wk_auth_grant(&arena, editor, 0,
	    "fixture_entry.change"), WK_DB_OK);
	assert_int_equal(wk_auth_grant(&arena, editor, 0,
	    "fixture_category.delete"), WK_DB_OK);
	assert_int_equal(wk_auth_grant(&arena, editor, 0,
	    "fixture_category.view"), WK_DB_OK);
	wk_model_init(&fixture_category_model, &c);
	c.name = "News";
	assert_int_equal(wk_orm_create(&fixture_category_model, &c), WK_DB_OK);
	news_id = c.id;
	c.name = "Tech";
	assert_int_equal(wk_orm_create(&fixture_category_model, &c), WK_DB_OK);
	tech_id = c.id;
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		wk_model_init(&fixture_entry_model, &e);
		e.title = seeds[i].title;
		e.slug = seeds[i].slug;
		e.status = seeds[i].status;
		e.featured = seeds[i].featured;
		e.body = seeds[i].body;
		e.hits = seeds[i].hits;
		if (seeds[i].cat == 0)
			wk_set_null(&e, fixture_entry, category);
		else {
			wk_clear_null(&e, fixture_entry, category);
			e.category = seeds[i].cat == 1 ? news_id : tech_id;
		}
		assert_int_equal(wk_orm_create(&fixture_entry_model, &e),
		    WK_DB_OK);
		if (i == 0)
			alpha_id = e.id;
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

/* GET path as user (NULL: as the client is). */
static void
get(const char *user, const char *path, struct wk_test_response *r)
{
	if (user != NULL)
		assert_int_equal(wk_test_force_login(&client, user), 0);
	assert_int_equal(wk_test_get(&client, path, r), 0);
	if (getenv("TEST_DUMP") != NULL)
		fprintf(stderr, "---- %s %d\n%s\n", path, r->status, r->body);
}

static void
post(const char *path, const char *body, struct wk_test_response *r)
{
	assert_int_equal(wk_test_post(&client, path, FORM, body, r), 0);
}

/* How many times needle occurs in hay. */
static int
occurs(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The rows of a change list page: how many <th scope="row">. */
static int
nrows(const struct wk_test_response *r)
{
	return occurs(r->body, "<th scope=\"row\">");
}

/* ---- registration ------------------------------------------------------------- */

static void
test_register(void **state)
{
	static struct wk_admin_site site;
	static const char *const bad_field[] = { "nope", NULL };
	static const char *const text_filter[] = { "title", NULL };
	static const char *const int_search[] = { "hits", NULL };
	static const char *const id_field[] = { "id", NULL };
	static const char *const good_search[] = { "^title", "=slug", NULL };
	static const char *const col_field[] = { "title", "words", NULL };
	static const struct wk_admin_column no_fn[] = {
		{ "words", NULL, NULL }, { NULL, NULL, NULL } };
	const struct wk_model_admin o_display = { .list_display = bad_field };
	const struct wk_model_admin o_col = { .list_display = col_field };
	const struct wk_model_admin o_nofn = { .list_display = col_field,
	    .columns = no_fn };
	const struct wk_model_admin o_filter = { .list_filter = text_filter };
	const struct wk_model_admin o_search = { .search_fields = int_search };
	const struct wk_model_admin o_ro = { .readonly_fields = id_field };
	const struct wk_model_admin o_fields = { .fields = id_field };
	const struct wk_model_admin o_order = { .ordering = "-nope" };
	const struct wk_model_admin o_page = { .list_per_page = -1 };
	const struct wk_model_admin o_ok = { .search_fields = good_search,
	    .ordering = "-hits,title" };
	const struct wk_admin_entry *e;

	(void)state;
	memset(&site, 0, sizeof(site));
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_display), -1);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_col), -1);                         /* no such column */
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_nofn), -1);                        /* a column without value */
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_filter), -1);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_search), -1);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_ro), -1);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_fields), -1);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_order), -1);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_page), -1);
	assert_int_equal(site.n, 0);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    &o_ok), 0);
	assert_int_equal(wk_admin_register(&site, &fixture_category_model,
	    NULL), 0);
	assert_int_equal(wk_admin_register(&site, &fixture_entry_model,
	    NULL), -1);                               /* twice */
	assert_int_equal(wk_admin_register(NULL, &fixture_entry_model,
	    NULL), -1);
	assert_int_equal(site.n, 2);
	e = wk_admin_find(&site, "fixture", "entry");
	assert_non_null(e);
	assert_ptr_equal(e->model, &fixture_entry_model);
	assert_ptr_equal(e->opts, &o_ok);
	e = wk_admin_find(&site, "fixture", "category");
	assert_non_null(e);
	assert_non_null(e->opts);                     /* the defaults */
	assert_null(wk_admin_find(&site, "fixture", "post"));
	assert_null(wk_admin_find(&site, "other", "entry"));
}

/* ---- who gets in ------------------------------------------------------------- */

static void
test_anonymous_redirected(void **state)
{
	struct wk_test_response r;

	(void)state;
	get(NULL, "/admin/", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/admin/login/?next=%2Fadmin%2F");
	wk_test_response_free(&r);
	get(NULL, BASE "?q=a", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/admin/login/?next=%2Fadmin%2Ffixture%2Fentry%2F%3Fq%3Da");
	wk_test_response_free(&r);
	/* a POST too: nothing is saved */
	post(BASE "add/", "title=X&slug=x&status=d", &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	get("joe", "/admin/", &r);                    /* not staff */
	assert_int_equal(r.status, 302);
	assert_non_null(strstr(wk_test_header(&r, "Location"),
	    "/admin/login/"));
	wk_test_response_free(&r);
}

static void
test_login(void **state)
{
	struct wk_test_response r;

	(void)state;
	get(NULL, "/admin/login/?next=/admin/fixture/", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(wk_test_header(&r, "X-Frame-Options"), "DENY");
	assert_non_null(strstr(r.body, "name=\"password\""));
	assert_non_null(strstr(r.body, "csrfmiddlewaretoken"));
	assert_non_null(strstr(r.body, "value=\"/admin/fixture/\""));
	wk_test_response_free(&r);
	/* right password, not staff: refused, not logged in */
	post("/admin/login/", "username=joe&password=correct+horse", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "for a staff account"));
	wk_test_response_free(&r);
	get(NULL, "/admin/", &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	/* wrong password */
	post("/admin/login/", "username=boss&password=nope", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "for a staff account"));
	wk_test_response_free(&r);
	/* staff: in, to next */
	post("/admin/login/", "username=boss&password=correct+horse&"
	    "next=/admin/fixture/", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/admin/fixture/");
	wk_test_response_free(&r);
	get(NULL, "/admin/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Fixture administration"));
	wk_test_response_free(&r);
	/* a next that leaves the site is dropped */
	post("/admin/login/", "username=boss&password=correct+horse&"
	    "next=//evil.example/", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/admin/");
	wk_test_response_free(&r);
}

static void
test_login_throttled(void **state)
{
	struct wk_test_response r;
	int i;

	(void)state;
	for (i = 0; i < WK_AUTH_MAX_FAILURES; i++) {
		post("/admin/login/", "username=boss&password=nope", &r);
		assert_int_equal(r.status, 200);
		wk_test_response_free(&r);
	}
	post("/admin/login/", "username=boss&password=correct+horse", &r);
	assert_int_equal(r.status, 429);
	assert_non_null(wk_test_header(&r, "Retry-After"));
	wk_test_response_free(&r);
}

static void
test_logout(void **state)
{
	struct wk_test_response r;

	(void)state;
	get("boss", "/admin/logout/", &r);
	assert_int_equal(r.status, 405);
	wk_test_response_free(&r);
	post("/admin/logout/", "", &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(wk_test_header(&r, "Location"), "/admin/login/");
	wk_test_response_free(&r);
	get(NULL, "/admin/", &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
}

static void
test_index_by_permission(void **state)
{
	struct wk_test_response r;

	(void)state;
	get("boss", "/admin/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "href=\"/admin/fixture/entry/\""));
	assert_non_null(strstr(r.body, "href=\"/admin/fixture/category/\""));
	assert_non_null(strstr(r.body, "/admin/fixture/entry/add/"));
	wk_test_response_free(&r);
	get("viewer", "/admin/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "href=\"/admin/fixture/entry/\""));
	assert_null(strstr(r.body, "/admin/fixture/category/"));
	assert_null(strstr(r.body, "/add/"));         /* view only */
	wk_test_response_free(&r);
	get("viewer", "/admin/fixture/", &r);         /* the app's index */
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
	get("viewer", "/admin/other/", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
}

/* ---- the change list ---------------------------------------------------------- */

static void
test_changelist(void **state)
{
	struct wk_test_response r;

	(void)state;
	get("boss", BASE, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(wk_test_header(&r, "X-Frame-Options"), "DENY");
	assert_int_equal(nrows(&r), 5);               /* list_per_page */
	assert_non_null(strstr(r.body, "Page 1 of 2"));
	assert_non_null(strstr(r.body, "7 results"));
	/* ordered by title; the first column links to the change page */
	assert_true(strstr(r.body, ">Alpha<") < strstr(r.body, ">Bravo<"));
	assert_non_null(strstr(r.body, "<a href=\"/admin/fixture/entry/"));
	/* cells: the choice's label, Yes/No, the category's name, '-' */
	assert_non_null(strstr(r.body, "<td>Published</td>"));
	assert_non_null(strstr(r.body, "<td>Yes</td>"));
	assert_non_null(strstr(r.body, "<td>News</td>"));
	assert_non_null(strstr(r.body, "href=\"?p=2\""));
	assert_non_null(strstr(r.body, ">Add entry</a>"));
	/* the computed column: a plain header, its text escaped */
	assert_non_null(strstr(r.body, "<th scope=\"col\">Summary</th>"));
	assert_non_null(strstr(r.body, "<td>&lt;i&gt;alpha&lt;/i&gt; x10</td>"));
	assert_null(strstr(r.body, "<i>alpha</i>"));
	wk_test_response_free(&r);
	get(NULL, BASE "?p=2", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(nrows(&r), 2);
	assert_non_null(strstr(r.body, "Golf &lt;b&gt;"));   /* escaped */
	assert_null(strstr(r.body, "Golf <b>"));
	assert_non_null(strstr(r.body, "<td>-</td>"));       /* no category */
	wk_test_response_free(&r);
	get(NULL, BASE "?p=3", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	get(NULL, BASE "?p=x", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	get(NULL, BASE "?p=0", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
}

static void
test_changelist_sort(void **state)
{
	struct wk_test_response r;

	(void)state;
	get("boss", BASE "?o=-hits", &r);
	assert_int_equal(r.status, 200);
	assert_true(strstr(r.body, ">Golf &lt;b&gt;<") <
	    strstr(r.body, ">Foxtrot<"));
	assert_null(strstr(r.body, ">Alpha<"));       /* on page 2 now */
	assert_non_null(strstr(r.body, "class=\"desc\""));
	assert_non_null(strstr(r.body, "href=\"?o=hits\""));   /* toggles */
	assert_non_null(strstr(r.body, "href=\"?o=-hits&amp;p=2\""));
	wk_test_response_free(&r);
	/* not a list_display field, or not a field at all: ignored */
	get(NULL, BASE "?o=body", &r);
	assert_int_equal(r.status, 200);
	assert_true(strstr(r.body, ">Alpha<") < strstr(r.body, ">Bravo<"));
	assert_null(strstr(r.body, "class=\"asc\""));
	wk_test_response_free(&r);
	get(NULL, BASE "?o=summary", &r);            /* computed: ignored */
	assert_int_equal(r.status, 200);
	assert_true(strstr(r.body, ">Alpha<") < strstr(r.body, ">Bravo<"));
	wk_test_response_free(&r);
	get(NULL, BASE "?o=title;DROP%20TABLE%20fixture_entry", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(nrows(&r), 5);
	wk_test_response_free(&r);
}

static void
test_changelist_search(void **state)
{
	struct wk_test_response r;

	(void)state;
	/* ^title starts with (any case), body contains: Alpha, Delta */
	get("boss", BASE "?q=ALPHA", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(nrows(&r), 2);
	assert_non_null(strstr(r.body, ">Delta<"));
	assert_non_null(strstr(r.body, "2 results (7 total)"));
	assert_non_null(strstr(r.body, "value=\"ALPHA\""));
	wk_test_response_free(&r);
	/* "lpha" is inside Alpha's title, but title is ^: only Delta's body */
	get(NULL, BASE "?q=lpha", &r);
	assert_int_equal(nrows(&r), 1);
	assert_non_null(strstr(r.body, ">Delta<"));
	wk_test_response_free(&r);
	/* =slug is exact */
	get(NULL, BASE "?q=echo", &r);
	assert_int_equal(nrows(&r), 1);
	wk_test_response_free(&r);
	get(NULL, BASE "?q=cho", &r);      /* inside slug echo: not =slug */
	assert_int_equal(nrows(&r), 0);
	assert_non_null(strstr(r.body, "0 results"));
	wk_test_response_free(&r);
	/* % and _ are themselves, not wildcards */
	get(NULL, BASE "?q=%25", &r);
	assert_int_equal(nrows(&r), 1);
	assert_non_null(strstr(r.body, ">Bravo<"));
	wk_test_response_free(&r);
	get(NULL, BASE "?q=r_s", &r);
	assert_int_equal(nrows(&r), 1);
	assert_non_null(strstr(r.body, ">Charlie<"));
	wk_test_response_free(&r);
	/* words are ANDed */
	get(NULL, BASE "?q=alpha+again", &r);
	assert_int_equal(nrows(&r), 1);
	assert_non_null(strstr(r.body, ">Delta<"));
	wk_test_response_free(&r);
	get(NULL, BASE "?q=alpha+zulu", &r);
	assert_int_equal(nrows(&r), 0);
	wk_test_response_free(&r);
	get(NULL, BASE "?q=%27%29%20OR%201%3D1%20--", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(nrows(&r), 0);
	wk_test_response_free(&r);
}

static void
test_changelist_filter(void **state)
{
	struct wk_test_response r;
	char path[128];

	(void)state;
	get("boss", BASE, &r);
	/* the sidebar, with counts */
	assert_non_null(strstr(r.body, "By status"));
	assert_non_null(strstr(r.body, ">Published</a> <span class=\"count\">"
	    "(3)"));
	assert_non_null(strstr(r.body, ">Draft</a> <span class=\"count\">"
	    "(4)"));
	assert_non_null(strstr(r.body, ">News</a> <span class=\"count\">(2)"));
	assert_non_null(strstr(r.body, ">Yes</a> <span class=\"count\">(2)"));
	wk_test_response_free(&r);
	get(NULL, BASE "?status=p", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(nrows(&r), 3);
	assert_non_null(strstr(r.body, "3 results (7 total)"));
	/* the other filters count within it */
	assert_non_null(strstr(r.body, ">Yes</a> <span class=\"count\">(1)"));
	assert_non_null(strstr(r.body, "<li class=\"selected\"><a "
	    "href=\"?status=p\">Published"));
	/* the search form keeps the filter */
	assert_non_null(strstr(r.body, "name=\"status\" value=\"p\""));
	wk_test_response_free(&r);
	get(NULL, BASE "?status=d&featured=1", &r);
	assert_int_equal(nrows(&r), 1);
	assert_non_null(strstr(r.body, ">Delta<"));
	wk_test_response_free(&r);
	snprintf(path, sizeof(path), BASE "?category=%lld&q=a", tech_id);
	get(NULL, path, &r);
	assert_int_equal(nrows(&r), 1);               /* Delta: "alpha" */
	wk_test_response_free(&r);
	/* values that are not the field's: 400, never SQL */
	get(NULL, BASE "?status=x", &r);
	assert_int_equal(r.status, 400);
	wk_test_response_free(&r);
	get(NULL, BASE "?featured=2", &r);
	assert_int_equal(r.status, 400);
	wk_test_response_free(&r);
	get(NULL, BASE "?category=1%20OR%201", &r);
	assert_int_equal(r.status, 400);
	wk_test_response_free(&r);
	/* parameters that are no filter: ignored */
	get(NULL, BASE "?body=x&title__gt=a", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(nrows(&r), 5);
	wk_test_response_free(&r);
}

/* ---- add, change, delete ------------------------------------------------------ */

static void
test_add(void **state)
{
	struct wk_test_response r;
	struct wk_query q;
	long long n;

	(void)state;
	get("boss", BASE "add/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"title\""));
	assert_non_null(strstr(r.body, "<select"));   /* the category */
	assert_non_null(strstr(r.body, "name=\"_addanother\""));
	assert_null(strstr(r.body, "name=\"hits\"")); /* read-only */
	assert_non_null(strstr(r.body, "Hits:"));
	wk_test_response_free(&r);
	/* invalid: shown again with the error at its field */
	post(BASE "add/", "title=&slug=new&status=d", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "errorlist"));
	assert_non_null(strstr(r.body, "This field is required."));
	wk_test_response_free(&r);
	post(BASE "add/", "title=New&slug=alpha&status=d", &r);
	assert_int_equal(r.status, 200);              /* slug taken */
	assert_non_null(strstr(r.body, "already exists"));
	wk_test_response_free(&r);
	/* Save: to the list, with a message */
	post(BASE "add/", "title=New&slug=new&status=p&hits=99&_save=1", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), BASE);
	wk_test_response_free(&r);
	get(NULL, BASE "?q=new", &r);
	assert_non_null(strstr(r.body, "The entry \xe2\x80\x9cNew\xe2\x80\x9d "
	    "was added successfully."));
	assert_non_null(strstr(r.body, "<td>0</td>"));    /* hits ignored */
	wk_test_response_free(&r);
	/* Save and add another */
	post(BASE "add/", "title=Two&slug=two&status=d&_addanother=1", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), BASE "add/");
	wk_test_response_free(&r);
	/* Save and continue editing */
	post(BASE "add/", "title=Three&slug=three&status=d&_continue=1", &r);
	assert_int_equal(r.status, 302);
	assert_non_null(strstr(wk_test_header(&r, "Location"), "/change/"));
	wk_test_response_free(&r);
	wk_q_init(&q, &arena, &fixture_entry_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 10);
}

static void
test_change(void **state)
{
	struct wk_test_response r;
	struct fixture_entry *e;
	char path[128], body[160];

	(void)state;
	snprintf(path, sizeof(path), BASE "%lld/change/", alpha_id);
	get("boss", path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "value=\"Alpha\""));
	assert_non_null(strstr(r.body, "/delete/"));
	assert_non_null(strstr(r.body, "<div>10</div>"));      /* hits */
	assert_non_null(strstr(r.body, "href=\"/admin/fixture/entry/\">"
	    "Entries</a>"));                           /* breadcrumbs */
	wk_test_response_free(&r);
	snprintf(body, sizeof(body), "title=Alpha+2&slug=alpha&status=d&"
	    "category=%lld&body=&_continue=1", tech_id);
	post(path, body, &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), path);
	wk_test_response_free(&r);
	get(NULL, path, &r);
	assert_non_null(strstr(r.body, "was changed successfully. You may "
	    "edit it again below."));
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, alpha_id,
	    (void **)&e), WK_DB_OK);
	assert_string_equal(e->title, "Alpha 2");
	assert_int_equal(e->category, tech_id);
	assert_int_equal(e->hits, 10);                /* read-only kept */
	/* the bare id redirects; unknown ids are 404 */
	snprintf(path, sizeof(path), BASE "%lld/", alpha_id);
	get(NULL, path, &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	get(NULL, BASE "999/change/", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	get(NULL, BASE "abc/change/", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	get(NULL, BASE "0/change/", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
}

static void
test_delete(void **state)
{
	struct wk_test_response r;
	char path[128];
	void *row;

	(void)state;
	snprintf(path, sizeof(path), BASE "%lld/delete/", alpha_id);
	get("boss", path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Are you sure"));
	assert_non_null(strstr(r.body, "Alpha"));
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, alpha_id,
	    &row), WK_DB_OK);                         /* GET deletes nothing */
	post(path, "", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), BASE);
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, alpha_id,
	    &row), WK_DB_NOT_FOUND);
	get(NULL, BASE, &r);
	assert_non_null(strstr(r.body, "was deleted successfully."));
	wk_test_response_free(&r);
	post(path, "", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	/* a category entries point at is protected: the page says so */
	snprintf(path, sizeof(path), "/admin/fixture/category/%lld/delete/",
	    news_id);
	get(NULL, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Cannot delete category"));
	assert_non_null(strstr(r.body, "<li>1 entry</li>"));  /* Alpha went */
	assert_null(strstr(r.body, "Yes, I"));
	wk_test_response_free(&r);
	post(path, "", &r);
	assert_int_equal(r.status, 302);
	assert_non_null(strstr(wk_test_header(&r, "Location"), "/change/"));
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &fixture_category_model, news_id,
	    &row), WK_DB_OK);
}

/* ---- security ---------------------------------------------------------------- */

static void
test_view_only(void **state)
{
	struct wk_test_response r;
	struct fixture_entry *e;
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), BASE "%lld/change/", alpha_id);
	get("viewer", BASE, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Select entry to view"));
	assert_null(strstr(r.body, "/add/"));
	wk_test_response_free(&r);
	get(NULL, path, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "name=\"_save\""));
	assert_null(strstr(r.body, "name=\"title\""));
	assert_non_null(strstr(r.body, "<div>Alpha</div>"));
	assert_null(strstr(r.body, "/delete/"));
	wk_test_response_free(&r);
	/* forged POSTs */
	post(path, "title=Hacked&slug=alpha&status=d", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	post(BASE "add/", "title=Hacked&slug=hacked&status=d", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	get(NULL, BASE "add/", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	snprintf(path, sizeof(path), BASE "%lld/delete/", alpha_id);
	post(path, "", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(wk_orm_get(&arena, &fixture_entry_model, alpha_id,
	    (void **)&e), WK_DB_OK);
	assert_string_equal(e->title, "Alpha");
	/* a model the user has nothing on */
	get(NULL, "/admin/fixture/category/", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	/* change without view still sees and saves; delete is its own */
	snprintf(path, sizeof(path), BASE "%lld/change/", alpha_id);
	get("editor", path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"_save\""));
	assert_null(strstr(r.body, "/delete/"));
	assert_null(strstr(r.body, "_addanother"));
	wk_test_response_free(&r);
	snprintf(path, sizeof(path), BASE "%lld/delete/", alpha_id);
	get(NULL, path, &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
}

static void
test_csrf(void **state)
{
	struct wk_test_response r;
	struct wk_query q;
	long long n;

	(void)state;
	get("boss", BASE "add/", &r);
	assert_non_null(strstr(r.body, "name=\"csrfmiddlewaretoken\""));
	wk_test_response_free(&r);
	client.skip_csrf = 0;
	post(BASE "add/", "title=X&slug=x&status=d", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	post("/admin/logout/", "", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	wk_q_init(&q, &arena, &fixture_entry_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 7);
}

static void
test_not_found(void **state)
{
	static const char *const paths[] = {
		"/admin/fixture/nope/", "/admin/nope/entry/",
		"/admin/fixture/entry/1/bogus/", "/admin/fixture/entry/x/",
		"/admin/fixture/entry/1/change/more/",
		"/admin/fixture//", "/admin/fixture/entry/99999999999999999999/"
		"change/",
	};
	struct wk_test_response r;
	size_t i;

	(void)state;
	assert_int_equal(wk_test_force_login(&client, "boss"), 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get(NULL, paths[i], &r);
		if (r.status != 404)
			fail_msg("%s: %d", paths[i], r.status);
		wk_test_response_free(&r);
	}
	/* no trailing slash: redirected on GET */
	get(NULL, "/admin/fixture/entry", &r);
	assert_int_equal(r.status, 301);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/admin/fixture/entry/");
	wk_test_response_free(&r);
	/* other methods */
	{
		struct wk_test_request rq = { .method = "PUT", .path = BASE };
		assert_int_equal(wk_test_request(&client, &rq, &r), 0);
		assert_int_equal(r.status, 405);
		wk_test_response_free(&r);
	}
	post(BASE, "", &r);             /* no action chosen: back to it */
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
}

/* A site whose setup fails, and a route to the view without a site. */
static int
bad_setup(struct wk_admin_site *site)
{
	static const char *const nope[] = { "nope", NULL };
	static const struct wk_model_admin bad = { .list_display = nope };

	return wk_admin_register(site, &fixture_entry_model, &bad);
}

static struct wk_admin_site bad_site = { .setup = bad_setup };

static const struct wk_route bad_routes[] = {
	WK_ADMIN_ROUTES("admin/", &bad_site),
	{ "bare/", wk_admin_view, "bare", 0, NULL },
	WK_ROUTES_END
};

static const struct wk_middleware *const bad_middleware[] = {
	&wk_mw_security, &wk_mw_session, &wk_mw_csrf, &wk_mw_auth, NULL
};

static const struct wk_app bad_app = {
	.name = "bad", .routes = bad_routes, .middleware = bad_middleware,
};

static void
test_misconfigured(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;
	int i;

	(void)state;
	assert_int_equal(wk_test_client_init(&c, &bad_app, NULL), 0);
	for (i = 0; i < 2; i++) {                     /* and stays so */
		assert_int_equal(wk_test_get(&c, "/admin/", &r), 0);
		assert_int_equal(r.status, 500);
		wk_test_response_free(&r);
	}
	assert_int_equal(bad_site.ready, -1);
	assert_int_equal(bad_site.n, 0);
	assert_int_equal(wk_test_get(&c, "/bare/", &r), 0);
	assert_int_equal(r.status, 500);
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_pages_misc(void **state)
{
	struct wk_test_response r;
	char path[128];

	(void)state;
	/* staff asking for the login page again go where they were going */
	get("boss", "/admin/login/?next=/admin/fixture/", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/admin/fixture/");
	wk_test_response_free(&r);
	get(NULL, "/admin/login/", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/admin/");
	wk_test_response_free(&r);
	/* HEAD is a GET */
	{
		struct wk_test_request rq = { .method = "HEAD", .path = BASE };
		assert_int_equal(wk_test_request(&client, &rq, &r), 0);
		assert_int_equal(r.status, 200);
		wk_test_response_free(&r);
	}
	/* a label with markup is escaped in the flash message too */
	snprintf(path, sizeof(path), BASE "%lld/delete/", alpha_id + 6);
	post(path, "", &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	get(NULL, BASE, &r);
	assert_non_null(strstr(r.body, "\xe2\x80\x9cGolf &lt;b&gt;\xe2\x80\x9d "
	    "was deleted"));
	assert_null(strstr(r.body, "Golf <b>"));
	wk_test_response_free(&r);
	/* the default configuration: one column, the row's label */
	get(NULL, "/admin/fixture/category/", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(nrows(&r), 2);
	assert_non_null(strstr(r.body, ">News</a>"));
	assert_null(strstr(r.body, "type=\"search\""));   /* no search */
	assert_null(strstr(r.body, "By "));                 /* no filters */
	wk_test_response_free(&r);
	/* a search on a model without search_fields is ignored */
	get(NULL, "/admin/fixture/category/?q=zzz", &r);
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anonymous_redirected,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_throttled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_by_permission,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_changelist, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changelist_sort, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changelist_search, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changelist_filter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_misconfigured, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pages_misc, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
