/*
 * test_security.c - the security-headers middleware: default headers on
 * every response (errors included), operator overrides and omissions, CSP
 * only when configured, HSTS only over HTTPS, the HTTPS redirect only over
 * plain HTTP, and headers the view set are left alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/core/settings.h"

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
	f->req.host = "example.com";
	f->req.host_port = "example.com";
	f->req.method = WK_METHOD_GET;
	f->req.method_name = "GET";
	f->req.path = "/x";
	f->req.raw_path = "/x";
	f->req.script_name = "";
	f->req.query_string = "";
	f->req.scheme = "http";
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

/* How many headers called name (any case) r holds. */
static size_t
count_header(const struct wk_response *r, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < r->headers.len; i++)
		if (strcasecmp(r->headers.items[i].name, name) == 0)
			n++;
	return n;
}

static void
run_out(struct fix *f)
{
	wk_mw_security.on_response(&f->req, &f->resp);
}

static void
assert_defaults(const struct wk_response *r)
{
	assert_string_equal(wk_response_header(r, "X-Content-Type-Options"),
	    "nosniff");
	assert_string_equal(wk_response_header(r, "X-Frame-Options"), "DENY");
	assert_string_equal(wk_response_header(r, "Referrer-Policy"),
	    "same-origin");
	assert_string_equal(wk_response_header(r,
	    "Cross-Origin-Opener-Policy"), "same-origin");
}

static void
test_descriptor(void **state)
{
	(void)state;
	assert_string_equal(wk_mw_security.name, "security");
	assert_non_null(wk_mw_security.on_request);
	assert_non_null(wk_mw_security.on_response);
}

static void
test_defaults_on_error_pages(void **state)
{
	struct fix *f = *state;
	static const int statuses[] = { 200, 400, 404, 405, 413, 500 };
	wk_buf b;
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		wk_response_init(&f->resp, &f->arena);
		if (statuses[i] == 405)
			assert_int_equal(wk_response_not_allowed(&f->resp,
			    WK_GET), 0);
		else
			assert_int_equal(wk_response_error(&f->resp,
			    statuses[i], "x"), 0);
		run_out(f);
		assert_int_equal(f->resp.status, statuses[i]);
		assert_defaults(&f->resp);
		assert_null(wk_response_header(&f->resp,
		    "Content-Security-Policy"));
		assert_null(wk_response_header(&f->resp,
		    "Strict-Transport-Security"));
	}

	/* Running twice adds nothing twice. */
	run_out(f);
	assert_int_equal(count_header(&f->resp, "X-Frame-Options"), 1);
	assert_int_equal(count_header(&f->resp, "X-Content-Type-Options"), 1);

	/* And they reach the wire. */
	wk_buf_init(&b, &f->arena);
	assert_int_equal(wk_response_serialize(&f->resp, &b), 0);
	assert_non_null(strstr(wk_buf_cstr(&b),
	    "\r\nX-Content-Type-Options: nosniff\r\n"));
	assert_non_null(strstr(wk_buf_cstr(&b), "\r\nX-Frame-Options: DENY\r\n"));
}

static void
test_no_settings_still_safe(void **state)
{
	struct fix *f = *state;

	f->req.settings = NULL;
	assert_int_equal(wk_response_error(&f->resp, 500, NULL), 0);
	run_out(f);
	assert_defaults(&f->resp);
	/* And no redirect without settings. */
	wk_response_init(&f->resp, &f->arena);
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_CONTINUE);
	assert_int_equal(f->resp.headers.len, 0);
}

static void
test_operator_settings(void **state)
{
	struct fix *f = *state;

	f->settings.frame_options = "SAMEORIGIN";
	f->settings.referrer_policy = "no-referrer, strict-origin";
	f->settings.coop = "same-origin-allow-popups";
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp, "X-Frame-Options"),
	    "SAMEORIGIN");
	assert_string_equal(wk_response_header(&f->resp, "Referrer-Policy"),
	    "no-referrer, strict-origin");
	assert_string_equal(wk_response_header(&f->resp,
	    "Cross-Origin-Opener-Policy"), "same-origin-allow-popups");

	/* NULL turns a header off; nosniff stays. */
	wk_response_init(&f->resp, &f->arena);
	f->settings.frame_options = NULL;
	f->settings.referrer_policy = NULL;
	f->settings.coop = NULL;
	run_out(f);
	assert_null(wk_response_header(&f->resp, "X-Frame-Options"));
	assert_null(wk_response_header(&f->resp, "Referrer-Policy"));
	assert_null(wk_response_header(&f->resp, "Cross-Origin-Opener-Policy"));
	assert_string_equal(wk_response_header(&f->resp,
	    "X-Content-Type-Options"), "nosniff");
	assert_int_equal(f->resp.headers.len, 1);
}

static void
test_csp_only_when_set(void **state)
{
	struct fix *f = *state;

	run_out(f);
	assert_null(wk_response_header(&f->resp, "Content-Security-Policy"));

	wk_response_init(&f->resp, &f->arena);
	f->settings.csp = "";
	run_out(f);
	assert_null(wk_response_header(&f->resp, "Content-Security-Policy"));

	wk_response_init(&f->resp, &f->arena);
	f->settings.csp = "default-src 'self'; img-src 'self' data:";
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp,
	    "Content-Security-Policy"),
	    "default-src 'self'; img-src 'self' data:");

	/* A policy the view chose for its page wins. */
	wk_response_init(&f->resp, &f->arena);
	assert_int_equal(wk_response_set_header(&f->resp,
	    "content-security-policy", "default-src 'none'"), 0);
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp,
	    "Content-Security-Policy"), "default-src 'none'");
	assert_int_equal(count_header(&f->resp, "Content-Security-Policy"), 1);
}

static void
test_hsts_only_over_https(void **state)
{
	struct fix *f = *state;

	/* Configured, but plain HTTP: never. */
	f->settings.hsts_seconds = 31536000;
	f->settings.hsts_include_subdomains = 1;
	f->settings.hsts_preload = 1;
	f->req.is_secure = 0;
	run_out(f);
	assert_null(wk_response_header(&f->resp, "Strict-Transport-Security"));

	/* HTTPS: with the configured flags. */
	wk_response_init(&f->resp, &f->arena);
	f->req.is_secure = 1;
	f->req.scheme = "https";
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp,
	    "Strict-Transport-Security"),
	    "max-age=31536000; includeSubDomains; preload");

	wk_response_init(&f->resp, &f->arena);
	f->settings.hsts_seconds = 3600;
	f->settings.hsts_include_subdomains = 0;
	f->settings.hsts_preload = 0;
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp,
	    "Strict-Transport-Security"), "max-age=3600");

	wk_response_init(&f->resp, &f->arena);
	f->settings.hsts_include_subdomains = 1;
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp,
	    "Strict-Transport-Security"), "max-age=3600; includeSubDomains");

	/* HTTPS but not configured: none. */
	wk_response_init(&f->resp, &f->arena);
	f->settings.hsts_seconds = 0;
	run_out(f);
	assert_null(wk_response_header(&f->resp, "Strict-Transport-Security"));
	wk_response_init(&f->resp, &f->arena);
	f->settings.hsts_seconds = -5;
	run_out(f);
	assert_null(wk_response_header(&f->resp, "Strict-Transport-Security"));

	/* On a 500 over HTTPS too. */
	wk_response_init(&f->resp, &f->arena);
	f->settings.hsts_seconds = 60;
	f->settings.hsts_include_subdomains = 0;
	assert_int_equal(wk_response_error(&f->resp, 500, NULL), 0);
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp,
	    "Strict-Transport-Security"), "max-age=60");
	assert_defaults(&f->resp);
}

static void
test_view_headers_not_overridden(void **state)
{
	struct fix *f = *state;

	f->req.is_secure = 1;
	f->settings.hsts_seconds = 100;
	assert_int_equal(wk_response_set_header(&f->resp, "x-frame-options",
	    "SAMEORIGIN"), 0);
	assert_int_equal(wk_response_set_header(&f->resp, "Referrer-Policy",
	    "no-referrer"), 0);
	assert_int_equal(wk_response_set_header(&f->resp,
	    "Cross-Origin-Opener-Policy", "unsafe-none"), 0);
	assert_int_equal(wk_response_set_header(&f->resp,
	    "Strict-Transport-Security", "max-age=0"), 0);
	run_out(f);
	assert_string_equal(wk_response_header(&f->resp, "X-Frame-Options"),
	    "SAMEORIGIN");
	assert_string_equal(wk_response_header(&f->resp, "Referrer-Policy"),
	    "no-referrer");
	assert_string_equal(wk_response_header(&f->resp,
	    "Cross-Origin-Opener-Policy"), "unsafe-none");
	assert_string_equal(wk_response_header(&f->resp,
	    "Strict-Transport-Security"), "max-age=0");
	assert_int_equal(count_header(&f->resp, "X-Frame-Options"), 1);
	assert_int_equal(count_header(&f->resp, "Referrer-Policy"), 1);
	assert_int_equal(count_header(&f->resp, "Strict-Transport-Security"),
	    1);
	assert_string_equal(wk_response_header(&f->resp,
	    "X-Content-Type-Options"), "nosniff");
}

static void
test_ssl_redirect(void **state)
{
	struct fix *f = *state;

	/* Off: nothing happens over HTTP. */
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_CONTINUE);
	assert_int_equal(f->resp.status, 200);
	assert_int_equal(f->resp.headers.len, 0);

	/* On, over HTTP: 301 to the same URL over HTTPS. */
	f->settings.ssl_redirect = 1;
	f->req.host_port = "example.com:8080";
	f->req.script_name = "/cgi-bin/blog.cgi";
	f->req.raw_path = "/posts/3/";
	f->req.query_string = "page=2&q=a%20b";
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ANSWERED);
	assert_int_equal(f->resp.status, 301);
	assert_string_equal(wk_response_header(&f->resp, "Location"),
	    "https://example.com:8080/cgi-bin/blog.cgi/posts/3/?page=2&q=a%20b");
	/* The outbound hook still adds the headers, but no HSTS over HTTP. */
	f->settings.hsts_seconds = 100;
	run_out(f);
	assert_defaults(&f->resp);
	assert_null(wk_response_header(&f->resp, "Strict-Transport-Security"));

	/* Over HTTPS: no redirect. */
	wk_response_init(&f->resp, &f->arena);
	f->req.is_secure = 1;
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_CONTINUE);
	assert_int_equal(f->resp.status, 200);
	assert_null(wk_response_header(&f->resp, "Location"));
	f->req.is_secure = 0;

	/* Empty path and query; a decoded path is encoded again. */
	wk_response_init(&f->resp, &f->arena);
	f->req.host_port = "example.com";
	f->req.script_name = "";
	f->req.raw_path = "";
	f->req.query_string = "";
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ANSWERED);
	assert_string_equal(wk_response_header(&f->resp, "Location"),
	    "https://example.com/");

	wk_response_init(&f->resp, &f->arena);
	f->req.raw_path = "/a b/caf\xc3\xa9/100%/?#\\\r\n";
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ANSWERED);
	assert_string_equal(wk_response_header(&f->resp, "Location"),
	    "https://example.com/a%20b/caf%C3%A9/100%25/%3F%23%5C%0D%0A");

	/* A hostile query string cannot break out of the header. */
	wk_response_init(&f->resp, &f->arena);
	f->req.raw_path = "/";
	f->req.query_string = "x=1\r\nSet-Cookie: a=b";
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ANSWERED);
	assert_string_equal(wk_response_header(&f->resp, "Location"),
	    "https://example.com/?x=1%0D%0ASet-Cookie:%20a=b");
	assert_null(wk_response_header(&f->resp, "Set-Cookie"));

	/* Without host_port the bare host is used. */
	wk_response_init(&f->resp, &f->arena);
	f->req.query_string = "";
	f->req.host_port = NULL;
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ANSWERED);
	assert_string_equal(wk_response_header(&f->resp, "Location"),
	    "https://example.com/");

	/* No host at all, or a host the redirect rule refuses: an error
	 * (500), never an open redirect. */
	wk_response_init(&f->resp, &f->arena);
	f->req.host = NULL;
	f->req.host_port = NULL;
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ERROR);
	assert_null(wk_response_header(&f->resp, "Location"));
	f->req.host = "example.com";
	f->req.host_port = "evil.com";
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ERROR);
	assert_null(wk_response_header(&f->resp, "Location"));
	f->req.host_port = "example.com@evil.com";
	assert_int_equal(wk_mw_security.on_request(&f->req, &f->resp),
	    WK_MW_ERROR);
	assert_null(wk_response_header(&f->resp, "Location"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test_setup_teardown(test_defaults_on_error_pages,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_settings_still_safe,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_operator_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_csp_only_when_set, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hsts_only_over_https,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_view_headers_not_overridden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssl_redirect, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
