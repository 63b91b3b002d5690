/*
 * test_generic.c - the generic views (src/views/generic.c, edit.c)
 * through the test client and the fixture's notes app
 * (tests/fixture/notes.c), after Django's tests/generic_views/: the list
 * with its pages, ?page=last, bad and out-of-range pages (404), an
 * empty list, a filtered one, the context names and a custom template;
 * detail by pk, id and slug, missing (404), filtered out by the hook;
 * create and update (GET shows, a valid POST saves and redirects, an
 * invalid one is 200 with its errors and saves nothing, no CSRF token is
 * 403); delete (GET only asks, POST deletes); OPTIONS and 405; views
 * configured wrongly (500).  Each test gets its own in-memory database
 * (wk_test_client_fresh_db) with seven notes, Alpha .. Golf, ranked 1 .. 7.
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

#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "wick/http/router.h"
#include "wick/template/template.h"
#include "wick/views/generic.h"
#include "fixture/fixture.h"

static struct wk_test_client client;
static wk_arena arena;

static const char *const names[] = { "Alpha", "Bravo", "Charlie", "Delta",
    "Echo", "Foxtrot", "Golf" };

/* A context processor, as an app registers one: every page has it. */
static int
site_processor(struct wk_request *req, struct wk_map *ctx)
{
	return wk_map_set(req->arena, ctx, "site_name", wk_val_str("Wick"));
}

static int
setup(void **state)
{
	size_t i;

	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	assert_int_equal(wk_test_client_init(&client, &fixture_notes_app,
	    NULL), 0);
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY),
	    0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct fixture_note n;
		char *slug;
		assert_int_equal(wk_model_init(&fixture_note_model, &n), 0);
		slug = wk_arena_strdup(&arena, names[i]);
		slug[0] = (char)(slug[0] - 'A' + 'a');
		n.title = names[i];
		n.slug = slug;
		n.body = wk_arena_printf(&arena, "Body of %s", names[i]);
		n.rank = (int)i + 1;
		assert_int_equal(wk_orm_create(&fixture_note_model, &n),
		    WK_DB_OK);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);   /* and the database */
	wk_arena_free(&arena);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------ */

/* GET path; the body (copied into the test arena) and the status. */
static const char *
get(const char *path, int *status)
{
	struct wk_test_response r;
	const char *body;

	assert_int_equal(wk_test_get(&client, path, &r), 0);
	*status = r.status;
	body = wk_arena_strdup(&arena, r.body);
	wk_test_response_free(&r);
	return body;
}

/* GET path expecting 200 and the body. */
static const char *
page(const char *path)
{
	int st;
	const char *body = get(path, &st);

	if (st != 200)
		fail_msg("GET %s: %d", path, st);
	return body;
}

static const char *token_at(const char *path);

/* The status of method on path, sent with a CSRF token in X-CSRFToken
 * (so that the router, not the CSRF check, answers). */
static int
status_of(const char *method, const char *path)
{
	const char *hdr[] = { wk_arena_printf(&arena, "X-CSRFToken: %s",
	    token_at("/notes/new/")), NULL };
	struct wk_test_request rq = { .method = method, .path = path,
	    .headers = hdr };
	struct wk_test_response r;
	int st;

	assert_int_equal(wk_test_request(&client, &rq, &r), 0);
	st = r.status;
	wk_test_response_free(&r);
	return st;
}

/* The CSRF token of the form at path (GET, 200). */
static const char *
token_at(const char *path)
{
	static const char key[] = "name=\"csrfmiddlewaretoken\" value=\"";
	const char *p = strstr(page(path), key);
	size_t n;

	assert_non_null(p);
	p += sizeof(key) - 1;
	n = strcspn(p, "\"");
	return wk_arena_strndup(&arena, p, n);
}

/* POST fields to path (method POST unless given), with the token of the
 * form at form_path (NULL: no token).  Fills r. */
static void
submit(const char *method, const char *path, const char *form_path,
    const char *fields, struct wk_test_response *r)
{
	const char *tok = form_path != NULL ? token_at(form_path) : NULL;
	const char *body = tok != NULL ? wk_arena_printf(&arena,
	    "%s%scsrfmiddlewaretoken=%s", fields, fields[0] ? "&" : "", tok) :
	    fields;
	struct wk_test_request rq = {
		.method = method != NULL ? method : "POST",
		.path = path,
		.content_type = "application/x-www-form-urlencoded",
		.body = body,
	};

	assert_non_null(body);
	assert_int_equal(wk_test_request(&client, &rq, r), 0);
}

/* The note with primary key id, or NULL. */
static struct fixture_note *
note(long long id)
{
	void *row = NULL;

	if (wk_orm_get(&arena, &fixture_note_model, id, &row) != WK_DB_OK)
		return NULL;
	return row;
}

static long long
count_notes(void)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, &fixture_note_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

#define assert_has(body, s) do { \
	if (strstr((body), (s)) == NULL) \
		fail_msg("'%s' not in:\n%s", (s), (body)); \
} while (0)
#define assert_lacks(body, s) do { \
	if (strstr((body), (s)) != NULL) \
		fail_msg("'%s' unexpectedly in:\n%s", (s), (body)); \
} while (0)

/* ---- names ---------------------------------------------------------------------- */

static void
test_template_and_model_names(void **state)
{
	static const struct wk_model plain = { .name = "plain" };
	static const struct wk_model two = { .name = "my_app_entry" };
	size_t n;

	(void)state;
	assert_string_equal(wk_view_template_name(&arena, &fixture_note_model,
	    "_list"), "fixture/note_list.html");
	assert_string_equal(wk_view_template_name(&arena, &fixture_note_model,
	    "_confirm_delete"), "fixture/note_confirm_delete.html");
	assert_string_equal(wk_view_template_name(&arena, &plain, "_detail"),
	    "plain_detail.html");
	/* the app label is what comes before the first '_' */
	assert_string_equal(wk_view_template_name(&arena, &two, "_form"),
	    "my/app_entry_form.html");
	assert_string_equal(wk_view_model_name(&fixture_note_model, &n),
	    "note");
	assert_int_equal(n, 4);
}

/* A route's .data reaches the view as req->route->data, through an
 * include too; rows that leave it out have NULL. */
static void
test_route_data(void **state)
{
	static const int conf_a = 1, conf_b = 2;
	static const struct wk_route sub[] = {
		{ "b/", wk_list_view, "b", WK_GET, NULL, &conf_b },
		{ "c/", wk_list_view, "c", WK_GET, NULL },
		WK_ROUTES_END
	};
	static const struct wk_route table[] = {
		{ "a/", wk_list_view, "a", WK_GET, NULL, &conf_a },
		{ "s/", NULL, NULL, 0, sub },
		WK_ROUTES_END
	};
	struct wk_request req;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	req.method = WK_METHOD_GET;
	req.script_name = "";
	req.path = "/a/";
	assert_int_equal(wk_router_resolve(table, &req, 0, NULL),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route->data, &conf_a);
	req.path = "/s/b/";
	assert_int_equal(wk_router_resolve(table, &req, 0, NULL),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route->data, &conf_b);
	req.path = "/s/c/";
	assert_int_equal(wk_router_resolve(table, &req, 0, NULL),
	    WK_ROUTE_FOUND);
	assert_null(req.route->data);
}

/* ---- the list ------------------------------------------------------------------- */

static void
test_list_first_page(void **state)
{
	const char *b;

	(void)state;
	b = page("/notes/");
	assert_has(b, "count=7 pages=3 page=1 paginated=True\n");
	assert_has(b, "objects=[Alpha][Bravo][Charlie]\n");
	assert_has(b, "named=<alpha><bravo><charlie>\n");
	assert_has(b, "range=1,2,3,\n");
	assert_has(b, "next=2\n");
	assert_lacks(b, "prev=");
	assert_has(b, "idx=1-3\n");
	assert_has(b, "str=&lt;Page 1 of 3&gt;");
	/* the app's context processor ran */
	assert_has(b, "site=Wick");
	assert_string_equal(page("/notes/?page=1"), b);
	/* Django: `GET.get("page") or 1`, so an empty value is page 1 */
	assert_string_equal(page("/notes/?page="), b);
}

static void
test_list_other_pages(void **state)
{
	const char *b;

	(void)state;
	b = page("/notes/?page=2");
	assert_has(b, "page=2 ");
	assert_has(b, "objects=[Delta][Echo][Foxtrot]\n");
	assert_has(b, "next=3\n");
	assert_has(b, "prev=1\n");
	assert_has(b, "idx=4-6\n");
	b = page("/notes/?page=last");
	assert_has(b, "page=3 ");
	assert_has(b, "objects=[Golf]\n");
	assert_lacks(b, "next=");
	assert_has(b, "prev=2\n");
	assert_has(b, "idx=7-7\n");
	assert_string_equal(page("/notes/?page=3"), b);
	assert_string_equal(page("/notes/?page=%203%20"), b);
	/* the page from the URL (<int:page>), as Django's kwargs */
	b = page("/notes/page/2/");
	assert_has(b, "objects=[Delta][Echo][Foxtrot]\n");
}

static void
test_list_bad_pages_are_404(void **state)
{
	static const char *const bad[] = {
		"/notes/?page=0", "/notes/?page=4", "/notes/?page=-1",
		"/notes/?page=x", "/notes/?page=1.5", "/notes/?page=1.0",
		"/notes/?page=Last", "/notes/?page=99999999999999999999999",
		"/notes/page/0/", "/notes/page/4/",
		"/notes/page/99999999999999999999/",
	};
	size_t i;
	int st;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)get(bad[i], &st);
		if (st != 404)
			fail_msg("GET %s: %d, not 404", bad[i], st);
	}
}

static void
test_list_bad_page_messages(void **state)
{
	const char *b;
	int st;

	(void)state;
	client.settings.debug = 1;   /* the detailed page names the reason */
	b = get("/notes/?page=9", &st);
	assert_int_equal(st, 404);
	assert_has(b, "Invalid page (9): That page contains no results");
	b = get("/notes/?page=0", &st);
	assert_has(b, "Invalid page (0): That page number is less than 1");
	b = get("/notes/?page=two", &st);
	assert_int_equal(st, 404);
	assert_has(b, "nor can it be converted to an int");
}

static void
test_list_empty(void **state)
{
	struct wk_query q;
	const char *b;
	int st;

	(void)state;
	wk_q_init(&q, &arena, &fixture_note_model);
	assert_int_equal(wk_q_delete(&q, NULL), WK_DB_OK);
	/* allow_empty (the default): page 1 of nothing */
	b = page("/notes/");
	assert_has(b, "count=0 pages=1 page=1 paginated=False\n");
	assert_has(b, "objects=\n");
	assert_has(b, "idx=0-0\n");
	(void)get("/notes/?page=2", &st);
	assert_int_equal(st, 404);
	/* disallow_empty: 404 */
	(void)get("/notes/ranked/", &st);
	assert_int_equal(st, 404);
}

static void
test_list_queryset_hook_and_orphans(void **state)
{
	struct wk_query q;
	const char *b;
	int st;

	(void)state;
	/* rank >= 5: Echo, Foxtrot, Golf; 2 a page with 1 orphan: 1 page */
	b = page("/notes/ranked/");
	assert_has(b, "count=3 pages=1 page=1 paginated=False\n");
	assert_has(b, "objects=[Echo][Foxtrot][Golf]\n");
	(void)get("/notes/ranked/?page=2", &st);
	assert_int_equal(st, 404);
	/* the hook's filter keeps an emptied list a 404 (disallow_empty) */
	wk_q_init(&q, &arena, &fixture_note_model);
	wk_q_filter(&q, "rank__gte", wk_val_int(5));
	assert_int_equal(wk_q_delete(&q, NULL), WK_DB_OK);
	(void)get("/notes/ranked/", &st);
	assert_int_equal(st, 404);
	assert_int_equal(count_notes(), 4);
}

static void
test_list_unpaginated_custom_names(void **state)
{
	const char *b;
	int st;

	(void)state;
	b = page("/notes/all/");
	/* .ordering "-rank,title"; .context_object_name "notes" */
	assert_has(b, "(Golf)(Foxtrot)(Echo)(Delta)(Charlie)(Bravo)(Alpha)\n");
	assert_has(b, "len=7 paginator=None page=None paginated=False\n");
	/* a hook answering with a status */
	(void)get("/notes/all/?deny=1", &st);
	assert_int_equal(st, 403);
}

/* ---- detail ------------------------------------------------------------------------ */

static void
test_detail(void **state)
{
	const char *b;
	int st;

	(void)state;
	b = page("/notes/1/");
	assert_has(b, "<h1>Alpha</h1><p>Body of Alpha</p>");
	assert_has(b, "<p>rank 1, pk 1</p>");
	/* context processor, and the view's own context hook */
	assert_has(b, "site=Wick extra=yes");
	assert_has(page("/notes/id/2/"), "<h1>Bravo</h1>");
	assert_has(page("/notes/s/charlie/"), "<h1>Charlie</h1>");
	(void)get("/notes/999/", &st);
	assert_int_equal(st, 404);
	(void)get("/notes/id/0/", &st);
	assert_int_equal(st, 404);
	(void)get("/notes/s/nobody/", &st);
	assert_int_equal(st, 404);
	(void)get("/notes/99999999999999999999999/", &st);
	assert_int_equal(st, 404);
	/* the queryset hook: rank >= 5 only */
	(void)get("/notes/ranked/1/", &st);
	assert_int_equal(st, 404);
	assert_has(page("/notes/ranked/6/"), "<h1>Foxtrot</h1>");
	client.settings.debug = 1;
	b = get("/notes/999/", &st);
	assert_has(b, "No note found matching the query");
}

/* ---- methods ------------------------------------------------------------------------- */

static void
test_methods(void **state)
{
	struct wk_test_request rq = { .method = "OPTIONS", .path = "/notes/" };
	struct wk_test_response r;

	(void)state;
	/* the list's route takes any method: the view answers */
	assert_int_equal(wk_test_request(&client, &rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(wk_test_header(&r, "Allow"), "GET, HEAD");
	assert_int_equal(r.body_len, 0);
	wk_test_response_free(&r);

	submit(NULL, "/notes/", "/notes/new/", "", &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(wk_test_header(&r, "Allow"), "GET, HEAD");
	wk_test_response_free(&r);
	submit(NULL, "/notes/1/", "/notes/new/", "", &r);
	assert_int_equal(r.status, 405);
	wk_test_response_free(&r);

	rq.method = "HEAD";
	assert_int_equal(wk_test_request(&client, &rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	wk_test_response_free(&r);

	/* routes that list their methods: the router answers */
	assert_int_equal(status_of("PUT", "/notes/all/"), 405);
	assert_int_equal(status_of("DELETE", "/notes/1/delete/"), 405);
	assert_int_equal(status_of("PATCH", "/notes/1/edit/"), 405);
	assert_non_null(note(1));
}

/* ---- create ------------------------------------------------------------------------ */

static void
test_create(void **state)
{
	struct wk_test_response r;
	struct fixture_note *n;
	const char *b;

	(void)state;
	b = page("/notes/new/");
	assert_has(b, "<h1>New note</h1>");
	assert_has(b, "name=\"title\"");
	assert_has(b, "name=\"slug\"");
	assert_has(b, "csrfmiddlewaretoken");
	assert_lacks(b, "name=\"rank\"");

	submit(NULL, "/notes/new/", "/notes/new/",
	    "title=Hotel&slug=hotel&body=Some+text", &r);
	assert_int_equal(r.status, 302);
	/* success_route "note_detail" reversed with the new pk */
	assert_string_equal(wk_test_header(&r, "Location"), "/notes/8/");
	wk_test_response_free(&r);
	assert_non_null(n = note(8));
	assert_string_equal(n->title, "Hotel");
	assert_string_equal(n->body, "Some text");
	assert_int_equal(n->rank, 1);   /* set by the form_valid hook */
	assert_int_equal(count_notes(), 8);

	/* under a SCRIPT_NAME the redirect keeps it */
	client.script_name = "/cgi-bin/notes.cgi";
	submit(NULL, "/notes/new/", "/notes/new/", "title=India&slug=india",
	    &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/cgi-bin/notes.cgi/notes/9/");
	wk_test_response_free(&r);
}

static void
test_create_invalid(void **state)
{
	static const struct {
		const char *fields, *error;
	} t[] = {
		{ "title=&slug=x", "This field is required." },
		{ "slug=x", "This field is required." },
		{ "title=Dup&slug=alpha", "already exists" },
		{ "title=forbidden&slug=ok", "That title is not allowed." },
		{ "title=Long&slug=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "at most 50 characters" },
	};
	struct wk_test_response r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		submit(NULL, "/notes/new/", "/notes/new/", t[i].fields, &r);
		if (r.status != 200)
			fail_msg("%s: %d", t[i].fields, r.status);
		assert_has(r.body, t[i].error);
		assert_has(r.body, "<h1>New note</h1>");
		wk_test_response_free(&r);
		assert_int_equal(count_notes(), 7);
	}
	/* the submitted value is shown again, escaped */
	submit(NULL, "/notes/new/", "/notes/new/", "title=%3Cb%3E&slug=", &r);
	assert_int_equal(r.status, 200);
	assert_has(r.body, "&lt;b&gt;");
	assert_lacks(r.body, "<b>");
	wk_test_response_free(&r);
	/* no CSRF token: the middleware refuses, nothing is saved */
	submit(NULL, "/notes/new/", NULL, "title=Juliett&slug=juliett", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(count_notes(), 7);
}

/* ---- update ------------------------------------------------------------------------- */

static void
test_update(void **state)
{
	struct wk_test_response r;
	struct fixture_note *n;
	const char *b;
	int st;

	(void)state;
	b = page("/notes/2/edit/");
	assert_has(b, "<h1>Edit Bravo</h1>");
	assert_has(b, "value=\"Bravo\"");
	assert_has(b, "value=\"bravo\"");

	submit(NULL, "/notes/2/edit/", "/notes/2/edit/",
	    "title=Bravo+Two&slug=bravo-2&body=", &r);
	assert_int_equal(r.status, 302);
	/* success_url with {slug} and {title} filled, percent-encoded */
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/notes/s/bravo-2/?from=Bravo%20Two");
	wk_test_response_free(&r);
	assert_non_null(n = note(2));
	assert_string_equal(n->title, "Bravo Two");
	assert_string_equal(n->slug, "bravo-2");
	assert_string_equal(n->body, "");
	assert_int_equal(n->rank, 2);   /* not in the form: kept */
	assert_int_equal(count_notes(), 7);

	/* invalid: 200 with errors, the row as it was */
	submit(NULL, "/notes/2/edit/", "/notes/2/edit/",
	    "title=&slug=bravo-3", &r);
	assert_int_equal(r.status, 200);
	assert_has(r.body, "This field is required.");
	assert_has(r.body, "<h1>Edit Bravo Two</h1>");
	wk_test_response_free(&r);
	submit(NULL, "/notes/2/edit/", "/notes/2/edit/",
	    "title=Taken&slug=charlie", &r);
	assert_int_equal(r.status, 200);
	assert_has(r.body, "already exists");
	wk_test_response_free(&r);
	assert_string_equal(note(2)->title, "Bravo Two");
	assert_string_equal(note(2)->slug, "bravo-2");

	/* keeping its own unique slug is fine */
	submit(NULL, "/notes/2/edit/", "/notes/2/edit/",
	    "title=Bravo&slug=bravo-2", &r);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_string_equal(note(2)->title, "Bravo");

	(void)get("/notes/999/edit/", &st);
	assert_int_equal(st, 404);
	submit(NULL, "/notes/999/edit/", "/notes/2/edit/", "title=X&slug=x",
	    &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	assert_int_equal(count_notes(), 7);
}

/* ---- delete ------------------------------------------------------------------------- */

static void
test_delete(void **state)
{
	struct wk_test_response r;
	const char *b;
	int st;

	(void)state;
	/* GET asks and deletes nothing */
	b = page("/notes/3/delete/");
	assert_has(b, "<p>Delete Charlie?</p>");
	assert_non_null(note(3));
	assert_int_equal(count_notes(), 7);

	submit(NULL, "/notes/3/delete/", "/notes/3/delete/", "", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/notes/");
	wk_test_response_free(&r);
	assert_null(note(3));
	assert_int_equal(count_notes(), 6);

	/* gone: 404 for both */
	(void)get("/notes/3/delete/", &st);
	assert_int_equal(st, 404);
	submit(NULL, "/notes/3/delete/", "/notes/4/delete/", "", &r);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	/* no token: 403, nothing deleted */
	submit(NULL, "/notes/4/delete/", NULL, "", &r);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_non_null(note(4));
	assert_int_equal(count_notes(), 6);
}

/* ---- configured wrongly: 500, logged, nothing done ------------------------------ */

static void
test_misconfigured(void **state)
{
	struct wk_test_response r;
	int st;

	(void)state;
	(void)get("/notes/no-settings/", &st);
	assert_int_equal(st, 500);
	(void)get("/notes/bad-order/", &st);
	assert_int_equal(st, 500);
	/* no success URL: refused before saving */
	(void)get("/notes/new-nowhere/", &st);
	assert_int_equal(st, 500);
	submit(NULL, "/notes/new-nowhere/", "/notes/new/",
	    "title=Kilo&slug=kilo", &r);
	assert_int_equal(r.status, 500);
	wk_test_response_free(&r);
	assert_int_equal(count_notes(), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_template_and_model_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_data, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_first_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_other_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_bad_pages_are_404,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_bad_page_messages,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_list_queryset_hook_and_orphans, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_list_unpaginated_custom_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_methods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_invalid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misconfigured, setup,
		    teardown),
	};

	if (wk_template_add_context_processor(site_processor) != 0)
		return 1;
	return cmocka_run_group_tests_name("generic", tests, NULL, NULL);
}
