/*
 * test_router.c - unit tests for src/http/router.c.
 *
 * The router decides which code runs for a URL and builds the URLs pages
 * link to, so every converter is tried with values it must accept and
 * values it must refuse (overflow, uppercase uuid, non-ASCII slug), and the
 * table-level rules (order, includes, 405, APPEND_SLASH, reverse with
 * SCRIPT_NAME, check, listing) each get a case that would fail if the rule
 * were broken.  Requests are built by hand: only the fields the router
 * reads are set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/router.h"

/* ---- fixtures ----------------------------------------------------------- */

static wk_arena arena;
static struct wk_request req;

static int view_a(struct wk_request *r, struct wk_response *resp)
{ (void)r; (void)resp; return 0; }
static int view_b(struct wk_request *r, struct wk_response *resp)
{ (void)r; (void)resp; return 0; }
static int view_c(struct wk_request *r, struct wk_response *resp)
{ (void)r; (void)resp; return 0; }

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_arena_free(&arena);
	return 0;
}

/* Resolve path with method against table; the outcome and req are kept. */
static enum wk_route_result
resolve_m(const struct wk_route *table, enum wk_method m, const char *path,
    int append_slash, unsigned *allowed)
{
	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	req.path = path;
	req.method = m;
	req.script_name = "";
	req.routes = table;
	return wk_router_resolve(table, &req, append_slash, allowed);
}

static enum wk_route_result
resolve(const struct wk_route *table, const char *path)
{
	return resolve_m(table, WK_METHOD_GET, path, 0, NULL);
}

/* Send log lines to a temporary file until log_text() hands them back. */
static FILE *log_file;

static void
log_capture(void)
{
	log_file = tmpfile();
	assert_non_null(log_file);
	wk_log_set_fd(fileno(log_file));
}

static const char *
log_text(void)
{
	static char text[4096];
	size_t got;

	assert_non_null(log_file);
	rewind(log_file);
	got = fread(text, 1, sizeof(text) - 1, log_file);
	text[got] = '\0';
	assert_int_equal(fclose(log_file), 0);
	log_file = NULL;
	wk_log_set_fd(2);
	return text;
}

static const char *
arg(const char *name)
{
	return wk_kv_get(&req.args, name);
}

/* ---- converters --------------------------------------------------------- */

static const struct wk_route conv_routes[] = {
	{ "posts/<int:id>/", view_a, "post", WK_GET, NULL },
	{ "hello/<name>/", view_a, "hello", WK_GET, NULL },
	{ "str/<str:s>/", view_a, "str", WK_GET, NULL },
	{ "tag/<slug:t>/", view_a, "tag", WK_GET, NULL },
	{ "obj/<uuid:u>/", view_a, "obj", WK_GET, NULL },
	{ "files/<path:p>/edit/", view_b, "edit", WK_GET, NULL },
	{ "files/<path:p>", view_a, "file", WK_GET, NULL },
	WK_ROUTES_END
};

static void
test_int(void **state)
{
	(void)state;
	assert_int_equal(resolve(conv_routes, "/posts/3/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("id"), "3");
	assert_ptr_equal(req.route, &conv_routes[0]);
	assert_int_equal(req.args.len, 1);
	assert_int_equal(resolve(conv_routes, "/posts/007/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("id"), "007");
	assert_int_equal(resolve(conv_routes, "/posts/9223372036854775807/"),
	    WK_ROUTE_FOUND);
	assert_string_equal(arg("id"), "9223372036854775807");
	assert_int_equal(resolve(conv_routes,
	    "/posts/0000000000009223372036854775807/"), WK_ROUTE_FOUND);

	/* overflow is not a match */
	assert_int_equal(resolve(conv_routes, "/posts/9223372036854775808/"),
	    WK_ROUTE_NOT_FOUND);
	assert_null(req.route);
	assert_int_equal(req.args.len, 0);
	assert_int_equal(resolve(conv_routes, "/posts/99999999999999999999/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes,
	    "/posts/100000000000000000000000000000000000000/"),
	    WK_ROUTE_NOT_FOUND);

	assert_int_equal(resolve(conv_routes, "/posts/abc/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/posts/-1/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/posts/+1/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/posts/1x/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/posts//"), WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/posts/3"), WK_ROUTE_NOT_FOUND);
	/* ARABIC-INDIC DIGIT THREE is not [0-9] */
	assert_int_equal(resolve(conv_routes, "/posts/\xd9\xa3/"),
	    WK_ROUTE_NOT_FOUND);
}

static void
test_str(void **state)
{
	(void)state;
	assert_int_equal(resolve(conv_routes, "/hello/bob/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("name"), "bob");
	assert_int_equal(resolve(conv_routes, "/hello/a b.c~\xc3\xa9/"),
	    WK_ROUTE_FOUND);
	assert_string_equal(arg("name"), "a b.c~\xc3\xa9");
	assert_int_equal(resolve(conv_routes, "/str/x-y/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("s"), "x-y");
	assert_int_equal(resolve(conv_routes, "/hello/a/b/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/hello//"), WK_ROUTE_NOT_FOUND);
}

static void
test_slug(void **state)
{
	(void)state;
	assert_int_equal(resolve(conv_routes, "/tag/My-tag_2/"),
	    WK_ROUTE_FOUND);
	assert_string_equal(arg("t"), "My-tag_2");
	assert_int_equal(resolve(conv_routes, "/tag/my tag/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/tag/caf\xc3\xa9/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/tag/a.b/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/tag//"), WK_ROUTE_NOT_FOUND);
}

static void
test_uuid(void **state)
{
	(void)state;
	assert_int_equal(resolve(conv_routes,
	    "/obj/0123abcd-4567-89ef-0a1b-2c3d4e5f6789/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("u"), "0123abcd-4567-89ef-0a1b-2c3d4e5f6789");
	assert_int_equal(resolve(conv_routes,
	    "/obj/0123ABCD-4567-89ef-0a1b-2c3d4e5f6789/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes,
	    "/obj/0123abcd-4567-89ef-0a1b-2c3d4e5f678/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes,
	    "/obj/0123abcd-4567-89ef-0a1b-2c3d4e5f67890/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes,
	    "/obj/0123abcd04567-89ef-0a1b-2c3d4e5f6789/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes,
	    "/obj/0123abcg-4567-89ef-0a1b-2c3d4e5f6789/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(conv_routes, "/obj/0123/"),
	    WK_ROUTE_NOT_FOUND);
}

static void
test_path(void **state)
{
	(void)state;
	assert_int_equal(resolve(conv_routes, "/files/a/b/c.txt"),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &conv_routes[6]);
	assert_string_equal(arg("p"), "a/b/c.txt");
	assert_int_equal(resolve(conv_routes, "/files/x"), WK_ROUTE_FOUND);
	assert_string_equal(arg("p"), "x");

	/* backtracking: the path converter gives back "/edit/" */
	assert_int_equal(resolve(conv_routes, "/files/a/b/edit/"),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &conv_routes[5]);
	assert_string_equal(arg("p"), "a/b");
	/* longest first, as Django's greedy regex */
	assert_int_equal(resolve(conv_routes, "/files/a/edit/b/edit/"),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &conv_routes[5]);
	assert_string_equal(arg("p"), "a/edit/b");
	/* "/edit/" in the middle only: the plain path route takes it */
	assert_int_equal(resolve(conv_routes, "/files/a/edit/b"),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &conv_routes[6]);
	assert_string_equal(arg("p"), "a/edit/b");
	/* an empty value is no match for the edit route */
	assert_int_equal(resolve(conv_routes, "/files//edit/"),
	    WK_ROUTE_FOUND);
	assert_string_equal(arg("p"), "/edit/");
	assert_int_equal(resolve(conv_routes, "/files/"), WK_ROUTE_NOT_FOUND);
	/* Python's '.' does not match a newline */
	assert_int_equal(resolve(conv_routes, "/files/a\nb"),
	    WK_ROUTE_NOT_FOUND);
}

/* Captures between two converters need backtracking of non-path ones too. */
static void
test_backtrack_slug(void **state)
{
	static const struct wk_route t[] = {
		{ "<slug:s>-edit/", view_a, NULL, 0, NULL },
		{ "<int:a><int:b>/", view_b, NULL, 0, NULL },
		WK_ROUTES_END
	};

	(void)state;
	assert_int_equal(resolve(t, "/my-post-edit/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[0]);
	assert_string_equal(arg("s"), "my-post");
	assert_int_equal(resolve(t, "/1234/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[1]);
	assert_string_equal(arg("a"), "123");
	assert_string_equal(arg("b"), "4");
	assert_int_equal(resolve(t, "/-edit/"), WK_ROUTE_NOT_FOUND);
}

/* ---- tables ------------------------------------------------------------- */

static const struct wk_route literal_routes[] = {
	{ "", view_a, "home", WK_GET, NULL },
	{ "about/", view_b, "about", WK_GET, NULL },
	{ "a/b/c", view_c, "abc", 0, NULL },
	WK_ROUTES_END
};

static void
test_literal(void **state)
{
	(void)state;
	assert_int_equal(resolve(literal_routes, "/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &literal_routes[0]);
	assert_int_equal(req.args.len, 0);
	assert_int_equal(resolve(literal_routes, ""), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &literal_routes[0]);
	assert_int_equal(resolve(literal_routes, "/about/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &literal_routes[1]);
	assert_int_equal(resolve(literal_routes, "/a/b/c"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &literal_routes[2]);

	assert_int_equal(resolve(literal_routes, "/about"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(literal_routes, "/about/x"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(literal_routes, "/abou/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(literal_routes, "//about/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(literal_routes, "/ABOUT/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(literal_routes, "/a/b/c/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(literal_routes, "/a/b/"),
	    WK_ROUTE_NOT_FOUND);
}

static void
test_first_match(void **state)
{
	static const struct wk_route t[] = {
		{ "<slug:s>/", view_a, NULL, 0, NULL },
		{ "new/", view_b, NULL, 0, NULL },
		{ "new/<int:id>/", view_c, NULL, 0, NULL },
		WK_ROUTES_END
	};

	(void)state;
	assert_int_equal(resolve(t, "/new/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[0]);
	assert_string_equal(arg("s"), "new");
	assert_int_equal(resolve(t, "/new/5/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[2]);
	assert_string_equal(arg("id"), "5");
	assert_null(arg("s"));
}

static const struct wk_route v_routes[] = {
	{ "items/<int:id>/", view_a, "item", WK_GET, NULL },
	{ "items/", view_b, "items", WK_GET | WK_POST, NULL },
	WK_ROUTES_END
};

static const struct wk_route api_routes[] = {
	{ "v<int:ver>/", NULL, NULL, 0, v_routes },
	{ "status", view_c, "status", WK_GET, NULL },
	WK_ROUTES_END
};

static const struct wk_route lang_routes[] = {
	{ "intro/", view_a, "intro", 0, NULL },
	WK_ROUTES_END
};

static const struct wk_route root_routes[] = {
	{ "", view_a, "home", WK_GET, NULL },
	{ "api/", NULL, NULL, 0, api_routes },
	{ "<slug:lang>/", NULL, NULL, 0, lang_routes },
	{ "x/about/", view_b, "about", 0, NULL },
	{ "posts/<int:id>/", view_c, "post", WK_GET, NULL },
	WK_ROUTES_END
};

static void
test_include(void **state)
{
	(void)state;
	assert_int_equal(resolve(root_routes, "/api/v2/items/5/"),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &v_routes[0]);
	assert_int_equal(req.args.len, 2);
	/* prefix captures come first, in pattern order */
	assert_string_equal(req.args.items[0].name, "ver");
	assert_string_equal(req.args.items[0].value, "2");
	assert_string_equal(req.args.items[1].name, "id");
	assert_string_equal(req.args.items[1].value, "5");
	assert_int_equal(req.args.items[1].value_len, 1);

	assert_int_equal(resolve(root_routes, "/api/v10/items/"),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &v_routes[1]);
	assert_string_equal(arg("ver"), "10");

	assert_int_equal(resolve(root_routes, "/api/status"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &api_routes[1]);
	assert_int_equal(req.args.len, 0);

	assert_int_equal(resolve(root_routes, "/en/intro/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &lang_routes[0]);
	assert_string_equal(arg("lang"), "en");

	/* the lang prefix matches "x/" but its table has no "about/": the
	 * capture is dropped and the later route wins */
	assert_int_equal(resolve(root_routes, "/x/about/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &root_routes[3]);
	assert_int_equal(req.args.len, 0);

	assert_int_equal(resolve(root_routes, "/api/v2/nope/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(req.args.len, 0);
	assert_int_equal(resolve(root_routes, "/api/"), WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(root_routes, "/api/vx/items/"),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(root_routes, "/"), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &root_routes[0]);
}

static void
test_method_not_allowed(void **state)
{
	static const struct wk_route t[] = {
		{ "thing/", view_a, NULL, WK_GET, NULL },
		{ "thing/", view_b, NULL, WK_POST, NULL },
		{ "other/", view_c, NULL, WK_PUT, NULL },
		{ "x/", view_a, NULL, WK_POST, NULL },
		{ "x/", view_b, NULL, WK_GET, NULL },
		{ "any/", view_c, NULL, 0, NULL },
		{ "getonly/", view_a, NULL, WK_BIT(WK_METHOD_GET), NULL },
		{ "api/", NULL, NULL, 0, v_routes },
		WK_ROUTES_END
	};
	unsigned allowed = 12345;

	(void)state;
	assert_int_equal(resolve_m(t, WK_METHOD_DELETE, "/thing/", 0,
	    &allowed), WK_ROUTE_METHOD_NOT_ALLOWED);
	assert_int_equal(allowed, WK_GET | WK_POST);
	assert_null(req.route);
	assert_int_equal(resolve_m(t, WK_METHOD_OTHER, "/thing/", 1,
	    &allowed), WK_ROUTE_METHOD_NOT_ALLOWED);
	assert_int_equal(allowed, WK_GET | WK_POST);
	assert_int_equal(resolve_m(t, WK_METHOD_POST, "/thing/", 0,
	    &allowed), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[1]);
	assert_int_equal(allowed, 0);
	assert_int_equal(resolve_m(t, WK_METHOD_HEAD, "/thing/", 0,
	    &allowed), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[0]);
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/other/", 0,
	    &allowed), WK_ROUTE_METHOD_NOT_ALLOWED);
	assert_int_equal(allowed, WK_PUT);
	/* a later route with the right method still wins */
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/x/", 0, &allowed),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[4]);
	assert_int_equal(resolve_m(t, WK_METHOD_PATCH, "/any/", 0, &allowed),
	    WK_ROUTE_FOUND);
	/* HEAD goes wherever GET goes, even without the HEAD bit */
	assert_int_equal(resolve_m(t, WK_METHOD_HEAD, "/getonly/", 0,
	    &allowed), WK_ROUTE_FOUND);
	assert_int_equal(resolve_m(t, WK_METHOD_POST, "/getonly/", 0,
	    &allowed), WK_ROUTE_METHOD_NOT_ALLOWED);
	assert_int_equal(allowed, WK_GET);
	/* 405 from inside an include; NULL allowed is fine */
	assert_int_equal(resolve_m(t, WK_METHOD_DELETE, "/api/items/", 0,
	    &allowed), WK_ROUTE_METHOD_NOT_ALLOWED);
	assert_int_equal(allowed, WK_GET | WK_POST);
	assert_int_equal(resolve_m(t, WK_METHOD_DELETE, "/api/items/", 0,
	    NULL), WK_ROUTE_METHOD_NOT_ALLOWED);
	/* no pattern matched at all: 404, not 405 */
	assert_int_equal(resolve_m(t, WK_METHOD_DELETE, "/nope/", 0,
	    &allowed), WK_ROUTE_NOT_FOUND);
	assert_int_equal(allowed, 0);
}

static void
test_append_slash(void **state)
{
	static const struct wk_route t[] = {
		{ "about/", view_a, NULL, WK_GET, NULL },
		{ "posts/<int:id>/", view_b, NULL, WK_GET, NULL },
		{ "raw", view_c, NULL, WK_GET, NULL },
		{ "api/", NULL, NULL, 0, v_routes },
		{ "dbl//", view_a, NULL, 0, NULL },
		WK_ROUTES_END
	};

	(void)state;
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/about", 1, NULL),
	    WK_ROUTE_APPEND_SLASH);
	assert_null(req.route);
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/posts/3", 1, NULL),
	    WK_ROUTE_APPEND_SLASH);
	assert_int_equal(req.args.len, 0);
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/api/items", 1,
	    NULL), WK_ROUTE_APPEND_SLASH);
	/* any method counts for the probe */
	assert_int_equal(resolve_m(t, WK_METHOD_POST, "/about", 1, NULL),
	    WK_ROUTE_APPEND_SLASH);
	/* disabled */
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/about", 0, NULL),
	    WK_ROUTE_NOT_FOUND);
	/* already ends with a slash */
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/nope/", 1, NULL),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/", 1, NULL),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/dbl/", 1, NULL),
	    WK_ROUTE_NOT_FOUND);
	/* no match either way */
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/nope", 1, NULL),
	    WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/posts/x", 1, NULL),
	    WK_ROUTE_NOT_FOUND);
	/* a real match is never redirected */
	assert_int_equal(resolve_m(t, WK_METHOD_GET, "/raw", 1, NULL),
	    WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &t[2]);
	/* 405 takes precedence over the slash probe */
	assert_int_equal(resolve_m(t, WK_METHOD_POST, "/raw", 1, NULL),
	    WK_ROUTE_METHOD_NOT_ALLOWED);
}

/* ---- reverse ------------------------------------------------------------ */

static void
test_reverse(void **state)
{
	const char *three[] = { "3" };
	const char *item[] = { "2", "5" };
	char *u;

	(void)state;
	u = wk_router_reverse(root_routes, &arena, "/cgi-bin/blog.cgi",
	    "post", three, 1);
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/posts/3/");
	u = wk_router_reverse(root_routes, &arena, "/cgi-bin/blog.cgi/",
	    "post", three, 1);
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/posts/3/");
	u = wk_router_reverse(root_routes, &arena, "", "post", three, 1);
	assert_non_null(u);
	assert_string_equal(u, "/posts/3/");
	u = wk_router_reverse(root_routes, &arena, NULL, "post", three, 1);
	assert_non_null(u);
	assert_string_equal(u, "/posts/3/");

	u = wk_router_reverse(root_routes, &arena, "/cgi-bin/blog.cgi",
	    "home", NULL, 0);
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/");
	u = wk_router_reverse(root_routes, &arena, "", "home", NULL, 0);
	assert_non_null(u);
	assert_string_equal(u, "/");
	u = wk_router_reverse(root_routes, &arena, "/", "home", NULL, 0);
	assert_non_null(u);
	assert_string_equal(u, "/");

	/* through nested includes, prefix captures first */
	u = wk_router_reverse(root_routes, &arena, "/s", "item", item, 2);
	assert_non_null(u);
	assert_string_equal(u, "/s/api/v2/items/5/");
	u = wk_router_reverse(root_routes, &arena, "/s", "status", NULL, 0);
	assert_non_null(u);
	assert_string_equal(u, "/s/api/status");

	/* what reverse builds resolves back */
	memset(&req, 0, sizeof(req));
	u = wk_router_reverse(root_routes, &arena, "", "item", item, 2);
	assert_non_null(u);
	assert_int_equal(resolve(root_routes, u), WK_ROUTE_FOUND);
	assert_ptr_equal(req.route, &v_routes[0]);
}

static void
test_reverse_rejects(void **state)
{
	static const char *const bad_int[] = { "abc" };
	static const char *const neg_int[] = { "-1" };
	static const char *const big_int[] = { "9223372036854775808" };
	static const char *const empty[] = { "" };
	static const char *const null_arg[] = { NULL };
	static const char *const two[] = { "1", "2" };
	static const char *const one[] = { "1" };
	static const char *const spaced[] = { "a b" };
	static const char *const slashed[] = { "a/b" };
	static const char *const upper_uuid[] = {
		"0123ABCD-4567-89ef-0a1b-2c3d4e5f6789" };
	static const char *const nl[] = { "a\nb" };

	(void)state;
	assert_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    bad_int, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    neg_int, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    big_int, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    empty, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    null_arg, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    NULL, 0));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    two, 2));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "tag",
	    spaced, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "hello",
	    slashed, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "hello",
	    empty, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "obj",
	    upper_uuid, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "file",
	    nl, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", "nosuch",
	    one, 1));
	assert_null(wk_router_reverse(conv_routes, &arena, "", NULL,
	    one, 1));
	assert_null(wk_router_reverse(literal_routes, &arena, "", "home",
	    one, 1));
	/* the prefix's capture counts: "items" needs the version */
	assert_null(wk_router_reverse(root_routes, &arena, "", "items",
	    NULL, 0));
	assert_non_null(wk_router_reverse(root_routes, &arena, "", "items",
	    one, 1));
	/* the good value passes, so the failures above are about values */
	assert_non_null(wk_router_reverse(conv_routes, &arena, "", "post",
	    one, 1));
}

static void
test_reverse_encoding(void **state)
{
	static const char *const p1[] = { "a b/c%d?e#f" };
	static const char *const s1[] = { "\xc3\xbc+&=~._-" };
	static const char *const lead[] = { "/evil.example/x" };
	int c;
	static const struct wk_route t[] = {
		{ "<path:p>", view_a, "any", 0, NULL },
		{ "caf\xc3\xa9 menu/", view_b, "menu", 0, NULL },
		WK_ROUTES_END
	};
	char *u;

	(void)state;
	u = wk_router_reverse(conv_routes, &arena, "/app", "file", p1, 1);
	assert_non_null(u);
	assert_string_equal(u, "/app/files/a%20b/c%25d%3Fe%23f");
	u = wk_router_reverse(conv_routes, &arena, "", "hello", s1, 1);
	assert_non_null(u);
	assert_string_equal(u, "/hello/%C3%BC%2B%26%3D~._-/");
	/* literals and the script name are encoded the same way */
	u = wk_router_reverse(t, &arena, "/my app", "menu", NULL, 0);
	assert_non_null(u);
	assert_string_equal(u, "/my%20app/caf%C3%A9%20menu/");
	/* never "//host": that is another site to a browser */
	u = wk_router_reverse(t, &arena, "", "any", lead, 1);
	assert_non_null(u);
	assert_string_equal(u, "/%2Fevil.example/x");
	u = wk_router_reverse(t, &arena, "/cgi", "any", lead, 1);
	assert_non_null(u);
	assert_string_equal(u, "/cgi//evil.example/x");
	/* every byte but NUL as a path argument: RFC 3986's unreserved
	 * characters and '/' stay, the rest become %XX */
	for (c = 1; c < 256; c++) {
		char arg[4] = { 'x', (char)c, 'x', '\0' }, want[8];
		const char *one[] = { arg };
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/';

		if (keep)
			snprintf(want, sizeof(want), "/x%cx", c);
		else
			snprintf(want, sizeof(want), "/x%%%02Xx", c);
		u = wk_router_reverse(t, &arena, "", "any", one, 1);
		if (c == '\n' || c == '\r' || c == 0x7f || c < 0x20) {
			/* the path converter may refuse control bytes */
			if (u == NULL)
				continue;
		}
		assert_non_null(u);
		assert_string_equal(u, want);
	}
}

static void
test_wk_url(void **state)
{
	static const char *const args[] = { "42" };
	char *u;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	req.routes = root_routes;
	req.script_name = "/cgi-bin/blog.cgi";
	u = wk_url(&req, "post", args, 1);
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/posts/42/");
	assert_null(wk_url(&req, "post", NULL, 0));
	assert_null(wk_url(&req, "missing", NULL, 0));
	req.routes = NULL;
	assert_null(wk_url(&req, "post", args, 1));
}

/* Typed arguments: an int, a string that needs encoding, keys; refused
 * kinds and converters that refuse the text. */
static void
test_wk_url_values(void **state)
{
	static const char *const keys[] = { "id", "ver" };
	struct wk_value kv[2];
	char *u;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	req.routes = root_routes;
	req.script_name = "/cgi-bin/blog.cgi";
	u = WK_URL(&req, "post", wk_val_int(42));
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/posts/42/");
	u = WK_URL(&req, "post", wk_val_str("7"));
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/posts/7/");
	/* the int converter refuses a negative number, as wk_url "-1" */
	assert_null(WK_URL(&req, "post", wk_val_int(-1)));
	assert_null(WK_URL(&req, "post", wk_val_str("x")));
	/* kinds with no URL text */
	assert_null(WK_URL(&req, "post", wk_val_null()));
	assert_null(WK_URL(&req, "post", wk_val_bool(1)));
	assert_null(WK_URL(&req, "post", wk_val_real(1.0)));
	assert_null(WK_URL(&req, "post", wk_val_str(NULL)));
	/* a string with a NUL inside is not a capture */
	assert_null(WK_URL(&req, "post", wk_val_strn("4\0" "2", 3)));
	/* wrong count, unknown name */
	assert_null(WK_URL(&req, "post", wk_val_int(1), wk_val_int(2)));
	assert_null(WK_URL(&req, "missing", wk_val_int(1)));
	assert_null(wk_url_values(&req, "post", NULL, NULL, 1));
	/* none at all: the route without captures */
	u = wk_url_values(&req, "home", NULL, NULL, 0);
	assert_non_null(u);
	assert_string_equal(u, wk_url(&req, "home", NULL, 0));
	/* strings are percent-encoded like wk_url's */
	req.routes = conv_routes;
	u = WK_URL(&req, "str", wk_val_str("a b&c"));
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/str/a%20b%26c/");
	/* by name, in any order */
	req.routes = root_routes;
	kv[0] = wk_val_int(5);
	kv[1] = wk_val_int(2);
	u = wk_url_values(&req, "item", keys, kv, 2);
	assert_non_null(u);
	assert_string_equal(u, "/cgi-bin/blog.cgi/api/v2/items/5/");
	req.routes = NULL;
	assert_null(WK_URL(&req, "post", wk_val_int(42)));
}

static void
test_allocation_failure(void **state)
{
	static const char *const args[] = { "42" };
	wk_arena tiny;

	(void)state;
	wk_log_set_fd(-1);      /* bad tables are logged */
	wk_arena_init(&tiny);
	tiny.limit = 64;
	assert_null(wk_router_reverse(root_routes, &tiny, "", "post",
	    args, 1));
	memset(&req, 0, sizeof(req));
	req.arena = &tiny;
	req.path = "/posts/3/";
	assert_int_equal(wk_router_resolve(root_routes, &req, 0, NULL),
	    WK_ROUTE_ERROR);
	assert_null(req.route);
	req.path = "/posts/3";
	assert_int_equal(wk_router_resolve(root_routes, &req, 1, NULL),
	    WK_ROUTE_ERROR);
	/* no captures and no slash probe: nothing to allocate */
	req.path = "/";
	assert_int_equal(wk_router_resolve(root_routes, &req, 1, NULL),
	    WK_ROUTE_FOUND);
	wk_arena_free(&tiny);
	wk_log_set_fd(2);
}

/* ---- custom converters -------------------------------------------------- */

/* [0-9]{4} */
static size_t
match_year(const char *s, size_t len)
{
	size_t i;

	if (len < 4)
		return 0;
	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 4;
}

static int
year_to_url(const char *v)
{
	return strlen(v) == 4 && match_year(v, 4) == 4;
}

/* "yes" or "no", checked for reverse by match alone (no to_url) */
static size_t
match_yesno(const char *s, size_t len)
{
	if (len >= 3 && memcmp(s, "yes", 3) == 0)
		return 3;
	if (len >= 2 && memcmp(s, "no", 2) == 0)
		return 2;
	return 0;
}

static const struct wk_converter year_conv = { "year", match_year,
    year_to_url };
static const struct wk_converter yesno_conv = { "yesno", match_yesno, NULL };

static void
test_custom_converter(void **state)
{
	static const struct wk_route t[] = {
		{ "archive/<year:y>/", view_a, "archive", 0, NULL },
		{ "flag/<yesno:f>/", view_b, "flag", 0, NULL },
		{ "flag2/<yesno:f>s/", view_b, "flag2", 0, NULL },
		WK_ROUTES_END
	};
	static const char *names[] = { "c2", "c3", "c4", "c5", "c6", "c7",
	    "c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15" };
	static struct wk_converter fillers[14];
	static const char *const y2024[] = { "2024" };
	static const char *const y24[] = { "24" };
	static const char *const yes[] = { "yes" };
	static const char *const maybe[] = { "maybe" };
	static const struct wk_converter dup_int = { "int", match_year, NULL };
	static const struct wk_converter bad_name = { "bad name", match_year,
	    NULL };
	static const struct wk_converter no_match = { "nomatch", NULL, NULL };
	static const struct wk_converter no_name = { NULL, match_year, NULL };
	static const struct wk_converter extra = { "extra", match_year, NULL };
	char out[512];
	char *u;
	size_t i;

	(void)state;
	wk_log_set_fd(-1);      /* bad tables are logged */
	/* before registration the pattern is broken */
	assert_int_equal(resolve(t, "/archive/2024/"), WK_ROUTE_ERROR);
	assert_int_equal(wk_router_check(t, out, sizeof(out)), 3);
	assert_non_null(strstr(out, "unknown converter 'year'"));

	assert_int_equal(wk_router_register_converter(&year_conv), 0);
	assert_int_equal(wk_router_register_converter(&yesno_conv), 0);
	assert_int_equal(wk_router_check(t, out, sizeof(out)), 0);
	assert_string_equal(out, "");

	assert_int_equal(resolve(t, "/archive/2024/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("y"), "2024");
	assert_int_equal(resolve(t, "/archive/20245/"), WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(t, "/archive/24/"), WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(t, "/archive/abcd/"), WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(t, "/flag/no/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("f"), "no");
	assert_int_equal(resolve(t, "/flag/nope/"), WK_ROUTE_NOT_FOUND);
	/* backtracking asks the converter again: "ye" is not a yesno */
	assert_int_equal(resolve(t, "/flag2/yes/"), WK_ROUTE_NOT_FOUND);
	assert_int_equal(resolve(t, "/flag2/yess/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("f"), "yes");
	assert_int_equal(resolve(t, "/flag2/nos/"), WK_ROUTE_FOUND);
	assert_string_equal(arg("f"), "no");

	u = wk_router_reverse(t, &arena, "", "archive", y2024, 1);
	assert_non_null(u);
	assert_string_equal(u, "/archive/2024/");
	assert_null(wk_router_reverse(t, &arena, "", "archive", y24, 1));
	u = wk_router_reverse(t, &arena, "", "flag", yes, 1);
	assert_non_null(u);
	assert_string_equal(u, "/flag/yes/");
	assert_null(wk_router_reverse(t, &arena, "", "flag", maybe, 1));

	/* refused: taken names (custom and built-in), malformed */
	assert_int_equal(wk_router_register_converter(&year_conv), -1);
	assert_int_equal(wk_router_register_converter(&dup_int), -1);
	assert_int_equal(wk_router_register_converter(&bad_name), -1);
	assert_int_equal(wk_router_register_converter(&no_match), -1);
	assert_int_equal(wk_router_register_converter(&no_name), -1);
	assert_int_equal(wk_router_register_converter(NULL), -1);

	/* 2 registered; 14 more fill the table of 16 */
	for (i = 0; i < 14; i++) {
		fillers[i].name = names[i];
		fillers[i].match = match_year;
		fillers[i].to_url = NULL;
		assert_int_equal(wk_router_register_converter(&fillers[i]), 0);
	}
	assert_int_equal(wk_router_register_converter(&extra), -1);
	/* the earlier ones still work */
	assert_int_equal(resolve(t, "/archive/1999/"), WK_ROUTE_FOUND);
	wk_log_set_fd(2);
}

/* ---- check -------------------------------------------------------------- */

static const struct wk_route check_sub[] = {
	{ "dup/", view_a, "dup", 0, NULL },
	{ "<int:id>/<slug:id>/", view_a, "twice", 0, NULL },
	WK_ROUTES_END
};

static const struct wk_route check_bad[] = {
	{ "/lead/", view_a, "lead", 0, NULL },
	{ "a/<int:id", view_a, "unclosed", 0, NULL },
	{ "b/<foo:x>/", view_a, "unknown", 0, NULL },
	{ "c/<int:1x>/", view_a, "badname", 0, NULL },
	{ "d/<int: id>/", view_a, "space", 0, NULL },
	{ "e/", NULL, "neither", 0, NULL },
	{ "f/", view_a, NULL, 0, check_sub },
	{ "dup/", view_b, "dup", 0, NULL },
	{ "g/", NULL, NULL, 0, check_sub },
	{ "^h/(?P<id>[0-9]+)/$", view_a, "regex", 0, NULL },
	{ "i/<int:a/<int:b>/", view_a, "unclosed2", 0, NULL },
	WK_ROUTES_END
};

extern const struct wk_route test_loop_routes[];
const struct wk_route test_loop_routes[] = {
	{ "x/", view_a, "x", 0, NULL },
	{ "", NULL, NULL, 0, test_loop_routes },
	WK_ROUTES_END
};

static void
test_check(void **state)
{
	char out[4096], small[100];
	int n;

	(void)state;
	wk_log_set_fd(-1);      /* bad tables are logged */
	assert_int_equal(wk_router_check(root_routes, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(wk_router_check(conv_routes, out, sizeof(out)), 0);

	n = wk_router_check(check_bad, out, sizeof(out));
	assert_non_null(strstr(out, "route '/lead/': pattern starts with '/'"));
	assert_non_null(strstr(out, "route 'a/<int:id': unclosed '<'"));
	assert_non_null(strstr(out, "route 'i/<int:a/<int:b>/': unclosed"));
	assert_non_null(strstr(out, "unknown converter 'foo'"));
	assert_non_null(strstr(out, "not a C identifier: '1x'"));
	assert_non_null(strstr(out, "not a C identifier: ' id'"));
	assert_non_null(strstr(out, "route 'e/': neither a view nor"));
	assert_non_null(strstr(out, "route 'f/': both a view and"));
	assert_non_null(strstr(out, "route 'dup/': duplicate route name "
	    "'dup'"));
	assert_non_null(strstr(out, "route 'g/<int:id>/<slug:id>/': capture "
	    "name 'id' used twice"));
	/* check_sub is mounted twice: its names clash with themselves */
	assert_non_null(strstr(out, "route 'g/dup/': duplicate route name"));
	assert_non_null(strstr(out, "duplicate route name 'twice'"));
	assert_non_null(strstr(out, "route '^h/(?P<id>[0-9]+)/$': looks like "
	    "a regular expression"));
	/*
	 * lead, unclosed, unknown, badname, space, neither, both,
	 * f/<..> twice, dup/ dup, g/<..> twice, g/dup/ dup, g/twice dup,
	 * regex, unclosed2
	 */
	assert_int_equal(n, 14);
	assert_int_equal(out[strlen(out) - 1], '\n');

	/* a small buffer: whole lines only, still counted, terminated */
	memset(small, 'Z', sizeof(small));
	assert_int_equal(wk_router_check(check_bad, small, sizeof(small)), n);
	assert_true(strlen(small) < sizeof(small));
	assert_true(strlen(small) > 0);
	assert_int_equal(small[strlen(small) - 1], '\n');
	assert_int_equal(strncmp(small, out, strlen(small)), 0);
	assert_int_equal(wk_router_check(check_bad, small, 1), n);
	assert_string_equal(small, "");
	assert_int_equal(wk_router_check(check_bad, NULL, 0), n);
	/* once a line is left out, no later (shorter) line is written */
	{
		static const struct wk_route t[] = {
			{ "/a", view_a, NULL, 0, NULL },
			{ "/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", view_a,
			    NULL, 0, NULL },
			{ "/c", view_a, NULL, 0, NULL },
			WK_ROUTES_END
		};
		char mid[400];
		size_t l1;

		assert_int_equal(wk_router_check(t, out, sizeof(out)), 3);
		l1 = (size_t)(strchr(out, '\n') - out) + 1;
		assert_true(2 * l1 + 1 <= sizeof(mid));
		assert_int_equal(wk_router_check(t, mid, 2 * l1 + 1), 3);
		assert_int_equal(strlen(mid), l1);
		assert_int_equal(strncmp(mid, out, l1), 0);
	}

	/* a table that includes itself */
	n = wk_router_check(test_loop_routes, out, sizeof(out));
	assert_true(n >= 1);
	assert_non_null(strstr(out, "nested deeper"));

	/* what check reports, resolve refuses rather than guessing */
	assert_int_equal(resolve(check_bad, "/zzz/"), WK_ROUTE_ERROR);
	assert_int_equal(resolve(test_loop_routes, "/x/"), WK_ROUTE_FOUND);
	assert_int_equal(resolve(test_loop_routes, "/y/"), WK_ROUTE_ERROR);
	wk_log_set_fd(2);
}

static void
test_bad_tables_resolve(void **state)
{
	static const struct wk_route unclosed[] = {
		{ "a/<int:id", view_a, NULL, 0, NULL }, WK_ROUTES_END };
	static const struct wk_route neither[] = {
		{ "ok/", view_a, NULL, 0, NULL },
		{ "a/", NULL, NULL, 0, NULL }, WK_ROUTES_END };
	static const struct wk_route both[] = {
		{ "a/", view_a, NULL, 0, v_routes }, WK_ROUTES_END };

	const char *logged;

	(void)state;
	log_capture();
	assert_int_equal(resolve(unclosed, "/a/1"), WK_ROUTE_ERROR);
	assert_int_equal(resolve(neither, "/ok/"), WK_ROUTE_FOUND);
	assert_int_equal(resolve(neither, "/a/"), WK_ROUTE_ERROR);
	assert_int_equal(resolve(both, "/a/"), WK_ROUTE_ERROR);
	assert_null(wk_router_reverse(unclosed, &arena, "", "x", NULL, 0));
	logged = log_text();
	/* the operator is told which route */
	assert_non_null(strstr(logged, "route 'a/<int:id': bad pattern"));
	assert_non_null(strstr(logged, "route 'a/': needs exactly one of"));
}

/* 33 captures: more than the router keeps */
static void
test_too_many_captures(void **state)
{
	char pat[512], path[512], out[512];
	struct wk_route t[2];
	size_t pl = 0, ql = 0;
	int i, n;

	(void)state;
	wk_log_set_fd(-1);      /* bad tables are logged */
	for (i = 0; i < 33; i++) {
		n = snprintf(pat + pl, sizeof(pat) - pl, "<int:a%d>/", i);
		assert_true(n > 0 && (size_t)n < sizeof(pat) - pl);
		pl += (size_t)n;
		n = snprintf(path + ql, sizeof(path) - ql, "/%d", i);
		assert_true(n > 0 && (size_t)n < sizeof(path) - ql);
		ql += (size_t)n;
	}
	assert_true(ql + 1 < sizeof(path));
	path[ql++] = '/';
	path[ql] = '\0';
	memset(t, 0, sizeof(t));
	t[0].pattern = pat;
	t[0].view = view_a;
	assert_int_equal(resolve(t, path), WK_ROUTE_ERROR);
	assert_int_equal(wk_router_check(t, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "more than 32 captures"));
	wk_log_set_fd(2);
}

/* ---- listing ------------------------------------------------------------ */

struct listing {
	char items[16][1100];
	const struct wk_route *routes[16];
	size_t n;
};

static void
collect(void *ctx, const char *pattern, const struct wk_route *r)
{
	struct listing *l = ctx;

	assert_true(l->n < 16);
	assert_true(strlen(pattern) < 1100);
	memcpy(l->items[l->n], pattern, strlen(pattern) + 1);
	l->routes[l->n] = r;
	l->n++;
}

static void
test_each(void **state)
{
	static struct listing l;
	static char longpre[1000 + 2], longsub[200];
	struct wk_route sub[2], top[2];

	(void)state;
	memset(&l, 0, sizeof(l));
	wk_router_each(root_routes, collect, &l);
	assert_int_equal(l.n, 7);
	assert_string_equal(l.items[0], "");
	assert_string_equal(l.items[1], "api/v<int:ver>/items/<int:id>/");
	assert_ptr_equal(l.routes[1], &v_routes[0]);
	assert_string_equal(l.items[2], "api/v<int:ver>/items/");
	assert_string_equal(l.items[3], "api/status");
	assert_string_equal(l.items[4], "<slug:lang>/intro/");
	assert_string_equal(l.items[5], "x/about/");
	assert_string_equal(l.items[6], "posts/<int:id>/");

	/* a full pattern too long to show ends in "..." */
	memset(longpre, 'p', 1000);
	longpre[1000] = '/';
	longpre[1001] = '\0';
	memset(longsub, 's', sizeof(longsub) - 1);
	longsub[sizeof(longsub) - 1] = '\0';
	memset(sub, 0, sizeof(sub));
	memset(top, 0, sizeof(top));
	sub[0].pattern = longsub;
	sub[0].view = view_a;
	top[0].pattern = longpre;
	top[0].include = sub;
	memset(&l, 0, sizeof(l));
	wk_router_each(top, collect, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(strlen(l.items[0]), 1023);
	assert_int_equal(strncmp(l.items[0], longpre, 1001), 0);
	assert_string_equal(l.items[0] + 1020, "...");
	assert_ptr_equal(l.routes[0], &sub[0]);

	/* the self-including table stops at the depth limit */
	memset(&l, 0, sizeof(l));
	wk_router_each(test_loop_routes, collect, &l);
	assert_int_equal(l.n, 16);
	assert_string_equal(l.items[0], "x/");
}

/* ---- hostile input ------------------------------------------------------ */

static void
test_hostile(void **state)
{
	static const struct wk_route t[] = {
		{ "<path:a>/<path:b>/<path:c>/x", view_a, NULL, 0, NULL },
		{ "<str:a><str:b><str:c>x", view_a, NULL, 0, NULL },
		{ "all/<path:p>", view_b, NULL, 0, NULL },
		WK_ROUTES_END
	};
	size_t n = 1 << 20, i;
	struct timespec t0, t1;
	double secs;
	char *path;

	(void)state;
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	path = wk_arena_alloc(&arena, n + 1);
	assert_non_null(path);
	/* "/a/a/a/..." with no final "/x": many ways to split, none match */
	for (i = 0; i < 20000; i += 2) {
		path[i] = '/';
		path[i + 1] = 'a';
	}
	path[i] = '\0';
	log_capture();
	assert_int_equal(resolve(t, path), WK_ROUTE_NOT_FOUND);
	/* the router gave up, and said so */
	assert_non_null(strstr(log_text(), "gave up matching pattern "
	    "'<path:a>/<path:b>/<path:c>/x'"));
	wk_log_set_fd(-1);
	/* one long segment against three adjacent str converters */
	path[0] = '/';
	memset(path + 1, 'a', 5000);
	path[5001] = '\0';
	assert_int_equal(resolve(t, path), WK_ROUTE_NOT_FOUND);

	/* a 1 MiB path through the path converter */
	memcpy(path, "/all/", 5);
	memset(path + 5, 'b', n - 5);
	path[n] = '\0';
	assert_int_equal(resolve(t, path), WK_ROUTE_FOUND);
	assert_int_equal(strlen(arg("p")), n - 5);
	wk_log_set_fd(2);

	/* bounded work: generous enough for ASan on a busy machine */
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 10.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_int, setup, teardown),
		cmocka_unit_test_setup_teardown(test_str, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uuid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backtrack_slug, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_literal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_match, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_not_allowed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_append_slash, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reverse_rejects, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reverse_encoding, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wk_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wk_url_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_allocation_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_custom_converter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_tables_resolve, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_many_captures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
