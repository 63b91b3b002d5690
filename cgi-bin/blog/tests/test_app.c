/*
 * test_app.c - the demo's contract through the whole pipeline (the test
 * client): /hello with its headers, the home page's links under a
 * SCRIPT_NAME, 404 / 405 / HEAD, and a bad Host or a bad query string.
 * The pipeline itself (middleware order, errors, APPEND_SLASH, wk_main)
 * is tested on the library's own in tests/test_app.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/front/testclient.h"
#include "../blog.h"

/* ---- the demo's contract --------------------------------------------------- */

static void
assert_security_headers(const struct wk_test_response *r)
{
	assert_string_equal(wk_test_header(r, "X-Content-Type-Options"),
	    "nosniff");
	assert_string_equal(wk_test_header(r, "X-Frame-Options"), "DENY");
	assert_string_equal(wk_test_header(r, "Referrer-Policy"),
	    "same-origin");
	assert_string_equal(wk_test_header(r, "Cross-Origin-Opener-Policy"),
	    "same-origin");
}

static void
test_blog_hello(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	wk_test_client_init(&c, &blog_app, NULL);
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(wk_test_header(&r, "Content-Type"),
	    "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "Hello, world"));
	assert_int_equal(atoi(wk_test_header(&r, "Content-Length")),
	    (int)r.body_len);
	assert_security_headers(&r);
	assert_null(wk_test_header(&r, "Strict-Transport-Security"));
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_blog_home_links_with_script_name(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	wk_test_client_init(&c, &blog_app, NULL);
	c.script_name = "/cgi-bin/blog.cgi";
	assert_int_equal(wk_test_get(&c, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "href=\"/cgi-bin/blog.cgi/hello\""));
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_blog_404_405_head(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r, h;
	struct wk_test_request rq;

	(void)state;
	wk_test_client_init(&c, &blog_app, NULL);
	assert_int_equal(wk_test_get(&c, "/no/such/page", &r), 0);
	assert_int_equal(r.status, 404);
	assert_security_headers(&r);
	assert_non_null(strstr(wk_test_header(&r, "Content-Type"),
	    "charset=utf-8"));
	wk_test_response_free(&r);

	/* OPTIONS: a safe method, so CSRF protection does not answer first. */
	memset(&rq, 0, sizeof(rq));
	rq.method = "OPTIONS";
	rq.path = "/hello";
	assert_int_equal(wk_test_request(&c, &rq, &r), 0);
	assert_int_equal(r.status, 405);
	assert_non_null(wk_test_header(&r, "Allow"));
	assert_non_null(strstr(wk_test_header(&r, "Allow"), "GET"));
	assert_null(strstr(wk_test_header(&r, "Allow"), "POST"));
	assert_security_headers(&r);
	wk_test_response_free(&r);

	memset(&rq, 0, sizeof(rq));
	rq.method = "HEAD";
	rq.path = "/hello";
	assert_int_equal(wk_test_request(&c, &rq, &h), 0);
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(h.status, 200);
	assert_int_equal(h.body_len, 0);
	assert_string_equal(wk_test_header(&h, "Content-Length"),
	    wk_test_header(&r, "Content-Length"));
	wk_test_response_free(&h);
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_blog_bad_host_and_bad_input(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	wk_log_set_fd(-1);
	wk_test_client_init(&c, &blog_app, NULL);
	c.host = "evil.example";
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(r.status, 400);
	assert_security_headers(&r);
	wk_test_response_free(&r);
	c.host = "localhost:8000";
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&c, "/hello?q=%zz", &r), 0);
	assert_int_equal(r.status, 400);
	assert_security_headers(&r);
	wk_test_response_free(&r);
	wk_test_client_free(&c);
	wk_log_set_fd(2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blog_hello),
		cmocka_unit_test(test_blog_home_links_with_script_name),
		cmocka_unit_test(test_blog_404_405_head),
		cmocka_unit_test(test_blog_bad_host_and_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
