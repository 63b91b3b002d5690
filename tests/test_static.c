/*
 * test_static.c - src/http/static.c: answering for an embedded static
 * file (hashed name cached for ever, plain name revalidated, unknown name
 * a 404), with the app's files found before the library's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/log.h"
#include "wick/core/settings.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/static.h"
#include "wick/template/template.h"

static const struct wk_asset assets[] = {
	{ "app.js", "app.12345678.js", "text/javascript; charset=utf-8",
	    (const unsigned char *)"let a = 1;\n", 11 },
	{ "style.css", "style.0badf00d.css", "text/css; charset=utf-8",
	    (const unsigned char *)"body{}", 6 },
};
static const struct wk_template_set set = { "test", NULL, 0, assets, 2,
	NULL };

struct fix {
	wk_arena arena;
	struct wk_settings settings;
	struct wk_request req;
	struct wk_response resp;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	wk_arena_init(&f->arena);
	wk_settings_defaults(&f->settings);
	f->req.arena = &f->arena;
	f->req.settings = &f->settings;
	f->req.method = WK_METHOD_GET;
	f->req.method_name = "GET";
	f->req.path = "/static/x";
	f->req.raw_path = "/static/x";
	f->req.script_name = "";
	f->req.query_string = "";
	wk_response_init(&f->resp, &f->arena);
	wk_log_set_fd(-1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	wk_log_set_fd(2);
	wk_arena_free(&f->arena);
	free(f);
	return 0;
}

static void
test_hashed_name_is_immutable(void **state)
{
	struct fix *f = *state;

	/* Whatever the view had written is replaced. */
	wk_buf_puts(&f->resp.body, "stale");
	f->resp.status = 201;
	assert_int_equal(wk_asset_serve(&set, &f->req, &f->resp,
	    "style.0badf00d.css"), 0);
	assert_int_equal(f->resp.status, 200);
	assert_string_equal(wk_response_header(&f->resp, "Content-Type"),
	    "text/css; charset=utf-8");
	assert_string_equal(wk_response_header(&f->resp, "Cache-Control"),
	    "public, max-age=31536000, immutable");
	assert_int_equal(f->resp.body.len, 6);
	assert_memory_equal(wk_buf_cstr(&f->resp.body), "body{}", 6);
}

static void
test_plain_name_is_revalidated(void **state)
{
	struct fix *f = *state;

	assert_int_equal(wk_asset_serve(&set, &f->req, &f->resp, "app.js"), 0);
	assert_int_equal(f->resp.status, 200);
	assert_string_equal(wk_response_header(&f->resp, "Content-Type"),
	    "text/javascript; charset=utf-8");
	assert_string_equal(wk_response_header(&f->resp, "Cache-Control"),
	    "no-cache");
	assert_int_equal(f->resp.body.len, 11);
}

static void
test_unknown_name_is_404(void **state)
{
	struct fix *f = *state;

	assert_int_equal(wk_asset_serve(&set, &f->req, &f->resp,
	    "style.deadbeef.css"), 0);
	assert_int_equal(f->resp.status, 404);
	assert_null(wk_response_header(&f->resp, "Cache-Control"));
	assert_non_null(strstr(wk_buf_cstr(&f->resp.body),
	    "No such static file"));
	wk_response_init(&f->resp, &f->arena);
	assert_int_equal(wk_asset_serve(NULL, &f->req, &f->resp, "app.js"), 0);
	assert_int_equal(f->resp.status, 404);
}

static void
test_find_order(void **state)
{
	(void)state;
	/* Hashed name first, then the plain one; the app's set, then the
	 * library's (which ships no static files yet). */
	assert_ptr_equal(wk_asset_find(&set, "app.12345678.js"), &assets[0]);
	assert_ptr_equal(wk_asset_find(&set, "style.css"), &assets[1]);
	assert_null(wk_asset_find(&set, "style.css.map"));
	assert_null(wk_asset_find(&set, NULL));
	assert_int_equal(wk_library_templates.n_assets, 0);
	assert_null(wk_asset_find(NULL, "style.css"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hashed_name_is_immutable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_name_is_revalidated,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_name_is_404, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_find_order, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
