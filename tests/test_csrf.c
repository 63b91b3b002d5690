/*
 * test_csrf.c - src/auth/csrf.c against Django's CSRF test cases, re-expressed
 * (django/tests/csrf_tests): no cookie, bad or short tokens and cookies,
 * bare and masked tokens (and Django's own masked/unmasked pair), the
 * header token, a token only in the query string, Origin and the HTTPS
 * Referer rules with trusted origins and wildcards, duplicate cookies,
 * Sec-Fetch-Site, the cookie's attributes, rotation, exemption, and
 * multipart bodies.  Most cases run the middleware on a parsed request and
 * compare Django's exact reason; a few go through the whole pipeline with
 * the test client.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wick/http/app.h"
#include "wick/core/arena.h"
#include "wick/auth/csrf.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/core/settings.h"
#include "wick/front/testclient.h"

/* Django's test constants (csrf_tests/tests.py) */
#define TEST_SECRET "lcccccccX2kcccccccY2jcccccccssIC"
#define MASKED_TEST_SECRET1 \
	"1bcdefghij2bcdefghij3bcdefghij4bcdefghij5bcdefghij6bcdefghijABCD"
#define OTHER_SECRET "OtherSecretOtherSecretOtherSecre"

#define MAX_ENV 32

static wk_arena arena;
static struct wk_settings settings;
static struct wk_request req;
static struct wk_response resp;

static int
setup(void **state)
{
	(void)state;
	wk_log_set_fd(-1);
	wk_arena_init(&arena);
	wk_settings_defaults(&settings);
	settings.allowed_hosts[0] = "www.example.com";
	settings.allowed_hosts[1] = ".example.com";
	settings.n_allowed_hosts = 2;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_arena_free(&arena);
	return 0;
}

/* One request description for run(). */
struct rq {
	const char *method;        /* "POST" if NULL */
	int https;
	const char *cookie;        /* HTTP_COOKIE, or NULL */
	const char *body;          /* urlencoded unless content_type */
	const char *content_type;
	const char *env[8];        /* extra "NAME=value", NULL-terminated */
};

/* Append "name=value" (or the raw entry when name is NULL). */
static void
add_env(char **env, size_t *n, const char *name, const char *v)
{
	assert_true(*n < MAX_ENV);
	env[(*n)++] = name != NULL ? wk_arena_printf(&arena, "%s=%s", name, v) :
	    wk_arena_strdup(&arena, v);
	assert_non_null(env[*n - 1]);
}

/*
 * Parse the request, run the middleware both ways; return 0 when it let
 * the request through, else the answer's status.  req and resp stay for
 * inspection.
 */
static int
run(const struct rq *r)
{
	char *env[MAX_ENV + 1];
	char cl[32];
	struct wk_mem_reader body;
	size_t n = 0, i;
	int mr;

	for (i = 0; r->env[i] != NULL; i++)
		add_env(env, &n, NULL, r->env[i]);
	add_env(env, &n, "REQUEST_METHOD", r->method ? r->method : "POST");
	add_env(env, &n, "HTTP_HOST", "www.example.com");
	add_env(env, &n, "SERVER_NAME", "www.example.com");
	add_env(env, &n, "SERVER_PORT", r->https ? "443" : "80");
	if (r->https)
		add_env(env, &n, "HTTPS", "on");
	if (r->cookie != NULL)
		add_env(env, &n, "HTTP_COOKIE", r->cookie);
	if (r->body != NULL) {
		snprintf(cl, sizeof(cl), "%zu", strlen(r->body));
		add_env(env, &n, "CONTENT_LENGTH", cl);
		add_env(env, &n, "CONTENT_TYPE", r->content_type ?
		    r->content_type : "application/x-www-form-urlencoded");
	}
	env[n] = NULL;
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env,
	    wk_mem_reader_init(&body, r->body, r->body ? strlen(r->body) : 0)),
	    0);
	wk_response_init(&resp, &arena);
	mr = wk_mw_csrf.on_request(&req, &resp);
	assert_true(mr == WK_MW_CONTINUE || mr == WK_MW_ANSWERED);
	wk_mw_csrf.on_response(&req, &resp);
	if (mr == WK_MW_CONTINUE)
		return 0;
	assert_int_equal(resp.status, 403);
	return resp.status;
}

/* Refused with exactly Django's reason. */
static void
expect_reason(const struct rq *r, const char *reason)
{
	int st = run(r);

	if (st != 403)
		fail_msg("accepted; wanted \"%s\"", reason);
	assert_non_null(wk_csrf_reason(&req));
	assert_string_equal(wk_csrf_reason(&req), reason);
}

static void
expect_ok(const struct rq *r)
{
	int st = run(r);

	if (st != 0)
		fail_msg("refused: %s", wk_csrf_reason(&req));
}

/* The Set-Cookie for csrftoken in resp, or NULL. */
static const char *
csrf_set_cookie(void)
{
	size_t i;

	for (i = 0; i < resp.headers.len; i++)
		if (strcasecmp(resp.headers.items[i].name, "Set-Cookie") == 0 &&
		    strncmp(resp.headers.items[i].value, "csrftoken=", 10) == 0)
			return resp.headers.items[i].value;
	return NULL;
}

/* ---- the cipher ----------------------------------------------------------- */

static void
test_django_cipher_vectors(void **state)
{
	char out[WK_CSRF_SECRET_LEN + 1];

	(void)state;
	assert_int_equal(wk_csrf_unmask(MASKED_TEST_SECRET1, out), 0);
	assert_string_equal(out, TEST_SECRET);
	/* wrap-around at both ends of the alphabet */
	assert_int_equal(wk_csrf_unmask("99999999999999999999999999999999"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", out), 0);
	assert_string_equal(out, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
	assert_int_equal(wk_csrf_unmask("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "99999999999999999999999999999999", out), 0);
	assert_string_equal(out, "99999999999999999999999999999999");
	/* refused shapes */
	assert_int_equal(wk_csrf_unmask(TEST_SECRET, out), -1);
	assert_int_equal(wk_csrf_unmask("!bcdefghij2bcdefghij3bcdefghij4b"
	    "cdefghij5bcdefghij6bcdefghijABCD", out), -1);
	assert_int_equal(wk_csrf_unmask(NULL, out), -1);
}

static void
test_mask_roundtrip(void **state)
{
	char a[WK_CSRF_TOKEN_LEN + 1], b[WK_CSRF_TOKEN_LEN + 1];
	char s[WK_CSRF_SECRET_LEN + 1];

	(void)state;
	assert_int_equal(wk_csrf_mask(TEST_SECRET, a), 0);
	assert_int_equal(wk_csrf_mask(TEST_SECRET, b), 0);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);     /* a new mask every time */
	assert_null(wk_csrf_token_format(a));
	assert_int_equal(wk_csrf_unmask(a, s), 0);
	assert_string_equal(s, TEST_SECRET);
	assert_int_equal(wk_csrf_unmask(b, s), 0);
	assert_string_equal(s, TEST_SECRET);
	assert_int_equal(wk_csrf_mask("short", a), -1);
	assert_int_equal(wk_csrf_mask("lcccccccX2kcccccccY2jcccccccss-C", a),
	    -1);
}

static void
test_token_format(void **state)
{
	(void)state;
	assert_null(wk_csrf_token_format(TEST_SECRET));
	assert_null(wk_csrf_token_format(MASKED_TEST_SECRET1));
	assert_string_equal(wk_csrf_token_format(""), "has incorrect length");
	assert_string_equal(wk_csrf_token_format("abc"),
	    "has incorrect length");
	assert_string_equal(wk_csrf_token_format(TEST_SECRET "x"),
	    "has incorrect length");
	assert_string_equal(wk_csrf_token_format(
	    "lcccccccX2kcccccccY2jccccccc$sIC"), "has invalid characters");
	assert_string_equal(wk_csrf_token_format(NULL),
	    "has incorrect length");
}

/* ---- Django's middleware cases ------------------------------------------- */

static void
test_no_cookie(void **state)
{
	struct rq r = { .body = "csrfmiddlewaretoken=" TEST_SECRET };

	(void)state;
	expect_reason(&r, "CSRF cookie not set.");
	assert_null(csrf_set_cookie());
}

static void
test_cookie_no_token(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET, .body = "a=1" };

	(void)state;
	expect_reason(&r, "CSRF token missing.");
	r.body = "csrfmiddlewaretoken=";  /* empty counts as missing */
	expect_reason(&r, "CSRF token missing.");
	r.body = NULL;
	expect_reason(&r, "CSRF token missing.");
}

static void
test_cookie_and_token(void **state)
{
	struct rq masked = { .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" MASKED_TEST_SECRET1 };
	struct rq bare = { .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" TEST_SECRET };

	(void)state;
	expect_ok(&masked);
	expect_ok(&bare);
	/* nothing to set: no token was handed out */
	assert_null(csrf_set_cookie());
}

/* A cookie stored masked (Django < 4.0) is still accepted. */
static void
test_masked_cookie(void **state)
{
	struct rq r = { .cookie = "csrftoken=" MASKED_TEST_SECRET1,
		.body = "csrfmiddlewaretoken=" TEST_SECRET };

	(void)state;
	expect_ok(&r);
	r.body = "csrfmiddlewaretoken=" MASKED_TEST_SECRET1;
	expect_ok(&r);
}

static void
test_token_from_post_incorrect(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" OTHER_SECRET };

	(void)state;
	expect_reason(&r, "CSRF token from POST incorrect.");
	r.body = "csrfmiddlewaretoken=" TEST_SECRET "0";   /* 33 */
	expect_reason(&r, "CSRF token from POST has incorrect length.");
	r.body = "csrfmiddlewaretoken=lcccccccX2kcccccccY2jcccc";
	expect_reason(&r, "CSRF token from POST has incorrect length.");
	r.body = "csrfmiddlewaretoken=lcccccccX2kcccccccY2jccccccc%24sIC";
	expect_reason(&r, "CSRF token from POST has invalid characters.");
	/* a masked token for another secret */
	r.body = "csrfmiddlewaretoken=2bcdefghij2bcdefghij3bcdefghij4b"
	    "cdefghij5bcdefghij6bcdefghijABCD";
	expect_reason(&r, "CSRF token from POST incorrect.");
}

static void
test_header_token(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET,
		.env = { "HTTP_X_CSRFTOKEN=" MASKED_TEST_SECRET1 } };

	(void)state;
	expect_ok(&r);
	r.method = "PUT";
	expect_ok(&r);
	r.method = "DELETE";
	expect_ok(&r);
	r.method = "PATCH";
	expect_ok(&r);
	r.env[0] = "HTTP_X_CSRFTOKEN=" OTHER_SECRET;
	expect_reason(&r, "CSRF token from the 'X-Csrftoken' HTTP header "
	    "incorrect.");
	r.env[0] = "HTTP_X_CSRFTOKEN=abc";
	expect_reason(&r, "CSRF token from the 'X-Csrftoken' HTTP header "
	    "has incorrect length.");
	/* the POST field wins over the header when present */
	r.method = "POST";
	r.env[0] = "HTTP_X_CSRFTOKEN=" TEST_SECRET;
	r.body = "csrfmiddlewaretoken=" OTHER_SECRET;
	expect_reason(&r, "CSRF token from POST incorrect.");
}

static void
test_unsafe_methods_need_token(void **state)
{
	static const char *const methods[] = { "POST", "PUT", "PATCH",
		"DELETE", "PROPFIND" };
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		r.method = methods[i];
		expect_reason(&r, "CSRF token missing.");
	}
}

static void
test_safe_methods_pass(void **state)
{
	static const char *const methods[] = { "GET", "HEAD", "OPTIONS",
		"TRACE" };
	struct rq r = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		r.method = methods[i];
		expect_ok(&r);
		assert_null(csrf_set_cookie());
	}
	assert_int_equal(wk_csrf_check(&req, NULL), 0);
}

/* Only the body and the header count; ?csrfmiddlewaretoken= does not. */
static void
test_token_in_query_string_ignored(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET,
		.env = { "QUERY_STRING=csrfmiddlewaretoken=" TEST_SECRET } };

	(void)state;
	expect_reason(&r, "CSRF token missing.");
	r.body = "x=1";
	expect_reason(&r, "CSRF token missing.");
}

static void
test_bad_cookie(void **state)
{
	struct rq r = { .cookie = "csrftoken=abc",
		.body = "csrfmiddlewaretoken=abc" };
	struct rq get = { .method = "GET", .cookie = "csrftoken=abc" };
	const char *sc;
	char val[33];

	(void)state;
	expect_reason(&r, "CSRF cookie has incorrect length.");
	r.cookie = "csrftoken=lcccccccX2kcccccccY2jccccccc-sIC";
	expect_reason(&r, "CSRF cookie has invalid characters.");
	/* a bad cookie is replaced, on any request */
	expect_ok(&get);
	sc = csrf_set_cookie();
	assert_non_null(sc);
	memcpy(val, sc + 10, 32);
	val[32] = '\0';
	assert_null(wk_csrf_token_format(val));
	assert_int_equal(sc[42], ';');
}

/* Cookie tossing: two different csrftoken cookies cannot be told apart. */
static void
test_duplicate_cookies(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET "; csrftoken="
		OTHER_SECRET, .body = "csrfmiddlewaretoken=" TEST_SECRET };

	(void)state;
	expect_reason(&r, "CSRF cookie sent more than once with different "
	    "values.");
	r.body = "csrfmiddlewaretoken=" OTHER_SECRET;
	expect_reason(&r, "CSRF cookie sent more than once with different "
	    "values.");
	/* and a fresh cookie is offered */
	assert_non_null(csrf_set_cookie());
	/* identical duplicates are harmless */
	r.cookie = "csrftoken=" TEST_SECRET "; other=1; csrftoken="
	    TEST_SECRET;
	r.body = "csrfmiddlewaretoken=" MASKED_TEST_SECRET1;
	expect_ok(&r);
}

static void
test_https_referer(void **state)
{
	struct rq r = { .https = 1, .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" TEST_SECRET };

	(void)state;
	expect_reason(&r, "Referer checking failed - no Referer.");
	r.env[0] = "HTTP_REFERER=https://www.evil.org/somepage";
	expect_reason(&r, "Referer checking failed - "
	    "https://www.evil.org/somepage does not match any trusted "
	    "origins.");
	/* a subdomain of an allowed host is not the host */
	r.env[0] = "HTTP_REFERER=https://sub.www.example.com/";
	expect_reason(&r, "Referer checking failed - "
	    "https://sub.www.example.com/ does not match any trusted "
	    "origins.");
	r.env[0] = "HTTP_REFERER=http://www.example.com/";
	expect_reason(&r, "Referer checking failed - Referer is insecure "
	    "while host is secure.");
	r.env[0] = "HTTP_REFERER=//www.example.com/";
	expect_reason(&r, "Referer checking failed - Referer is malformed.");
	r.env[0] = "HTTP_REFERER=https://";
	expect_reason(&r, "Referer checking failed - Referer is malformed.");
	r.env[0] = "HTTP_REFERER=www.example.com";
	expect_reason(&r, "Referer checking failed - Referer is malformed.");
	/* a port that is not the host's */
	r.env[0] = "HTTP_REFERER=https://www.example.com:8443/";
	expect_reason(&r, "Referer checking failed - "
	    "https://www.example.com:8443/ does not match any trusted "
	    "origins.");
	r.env[0] = "HTTP_REFERER=https://www.example.com/somepage";
	expect_ok(&r);
	r.env[0] = "HTTP_REFERER=https://www.example.com";
	expect_ok(&r);
	r.env[0] = "HTTP_REFERER=https://WWW.Example.COM/x?y#z";
	expect_ok(&r);
	/* over plain HTTP the Referer is not required (Django) */
	r.https = 0;
	r.env[0] = NULL;
	expect_ok(&r);
}

static void
test_https_referer_trusted_origins(void **state)
{
	struct rq r = { .https = 1, .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" TEST_SECRET,
		.env = { "HTTP_REFERER=https://dashboard.example.com" } };

	(void)state;
	expect_reason(&r, "Referer checking failed - "
	    "https://dashboard.example.com does not match any trusted "
	    "origins.");
	settings.trusted_origins[0] = "https://dashboard.example.com";
	settings.n_trusted_origins = 1;
	expect_ok(&r);
	settings.trusted_origins[0] = "https://*.example.com";
	expect_ok(&r);
	r.env[0] = "HTTP_REFERER=https://example.com/";
	expect_ok(&r);
	r.env[0] = "HTTP_REFERER=https://example.com.evil.org/";
	expect_reason(&r, "Referer checking failed - "
	    "https://example.com.evil.org/ does not match any trusted "
	    "origins.");
	r.env[0] = "HTTP_REFERER=https://notexample.com/";
	expect_reason(&r, "Referer checking failed - "
	    "https://notexample.com/ does not match any trusted origins.");
}

static void
test_origin(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" TEST_SECRET,
		.env = { "HTTP_ORIGIN=https://www.evil.org" } };

	(void)state;
	expect_reason(&r, "Origin checking failed - https://www.evil.org does "
	    "not match any trusted origins.");
	r.env[0] = "HTTP_ORIGIN=null";
	expect_reason(&r, "Origin checking failed - null does not match any "
	    "trusted origins.");
	/* the wrong scheme: https page origin, http request */
	r.env[0] = "HTTP_ORIGIN=https://www.example.com";
	expect_reason(&r, "Origin checking failed - https://www.example.com "
	    "does not match any trusted origins.");
	r.env[0] = "HTTP_ORIGIN=http://www.example.com";
	expect_ok(&r);
	r.env[0] = "HTTP_ORIGIN=http://www.example.com:80";
	expect_reason(&r, "Origin checking failed - http://www.example.com:80 "
	    "does not match any trusted origins.");
	r.env[0] = "HTTP_ORIGIN=https://[";
	expect_reason(&r, "Origin checking failed - https://[ does not match "
	    "any trusted origins.");
	/* secure: Origin replaces the Referer check (Django) */
	r.https = 1;
	r.env[0] = "HTTP_ORIGIN=https://www.example.com";
	expect_ok(&r);
	r.env[0] = "HTTP_ORIGIN=http://www.example.com";
	expect_reason(&r, "Origin checking failed - http://www.example.com "
	    "does not match any trusted origins.");
	/* a good Origin does not excuse a bad token */
	r.env[0] = "HTTP_ORIGIN=https://www.example.com";
	r.body = "csrfmiddlewaretoken=" OTHER_SECRET;
	expect_reason(&r, "CSRF token from POST incorrect.");
}

static void
test_origin_trusted(void **state)
{
	struct rq r = { .https = 1, .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" TEST_SECRET,
		.env = { "HTTP_ORIGIN=https://dashboard.example.com" } };

	(void)state;
	settings.trusted_origins[0] = "https://dashboard.example.com";
	settings.n_trusted_origins = 1;
	expect_ok(&r);
	/* the scheme is part of the origin */
	r.env[0] = "HTTP_ORIGIN=http://dashboard.example.com";
	expect_reason(&r, "Origin checking failed - "
	    "http://dashboard.example.com does not match any trusted "
	    "origins.");
	settings.trusted_origins[0] = "https://*.example.com";
	r.env[0] = "HTTP_ORIGIN=https://foo.example.com";
	expect_ok(&r);
	r.env[0] = "HTTP_ORIGIN=https://example.com";
	expect_ok(&r);
	r.env[0] = "HTTP_ORIGIN=http://foo.example.com";
	expect_reason(&r, "Origin checking failed - http://foo.example.com "
	    "does not match any trusted origins.");
	r.env[0] = "HTTP_ORIGIN=https://foo.example.com.evil.org";
	expect_reason(&r, "Origin checking failed - "
	    "https://foo.example.com.evil.org does not match any trusted "
	    "origins.");
}

static void
test_sec_fetch_site(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" TEST_SECRET,
		.env = { "HTTP_SEC_FETCH_SITE=cross-site" } };

	(void)state;
	/* even with a valid token */
	expect_reason(&r, "Cross-site request refused (Sec-Fetch-Site: "
	    "cross-site).");
	r.env[0] = "HTTP_SEC_FETCH_SITE=Cross-Site";
	expect_reason(&r, "Cross-site request refused (Sec-Fetch-Site: "
	    "cross-site).");
	r.env[0] = "HTTP_SEC_FETCH_SITE=same-origin";
	expect_ok(&r);
	r.env[0] = "HTTP_SEC_FETCH_SITE=same-site";
	expect_ok(&r);
	r.env[0] = "HTTP_SEC_FETCH_SITE=none";
	expect_ok(&r);
	/* a trusted origin on another site may post (token still needed) */
	settings.trusted_origins[0] = "https://partner.example.net";
	settings.n_trusted_origins = 1;
	r.env[0] = "HTTP_SEC_FETCH_SITE=cross-site";
	r.env[1] = "HTTP_ORIGIN=https://partner.example.net";
	expect_ok(&r);
	r.body = "x=1";
	expect_reason(&r, "CSRF token missing.");
	/* safe methods are never refused */
	r.method = "GET";
	r.env[1] = NULL;
	expect_ok(&r);
}

static void
test_multipart_token(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET,
		.content_type = "multipart/form-data; boundary=B",
		.body = "--B\r\nContent-Disposition: form-data; name=\"f\"; "
		    "filename=\"a.txt\"\r\n\r\nfile\r\n--B\r\n"
		    "Content-Disposition: form-data; "
		    "name=\"csrfmiddlewaretoken\"\r\n\r\n" MASKED_TEST_SECRET1
		    "\r\n--B--\r\n" };

	(void)state;
	expect_ok(&r);
	r.body = "--B\r\nContent-Disposition: form-data; "
	    "name=\"csrfmiddlewaretoken\"\r\n\r\n" OTHER_SECRET "\r\n--B--\r\n";
	expect_reason(&r, "CSRF token from POST incorrect.");
	/* malformed multipart: no token found */
	r.body = "--B\nContent-Disposition: form-data; "
	    "name=\"csrfmiddlewaretoken\"\n\n" TEST_SECRET "\n--B--\n";
	expect_reason(&r, "CSRF token missing.");
}

/* ---- tokens, cookies, rotation ------------------------------------------- */

static void
test_get_token_sets_cookie(void **state)
{
	struct rq r = { .method = "GET" };
	char s1[WK_CSRF_SECRET_LEN + 1], s2[WK_CSRF_SECRET_LEN + 1];
	const char *t1, *t2, *sc;

	(void)state;
	expect_ok(&r);
	assert_null(csrf_set_cookie());        /* no token used: no cookie */
	t1 = wk_csrf_token(&req);
	t2 = wk_csrf_token(&req);
	assert_non_null(t1);
	assert_non_null(t2);
	assert_string_not_equal(t1, t2);       /* changes on every render */
	assert_int_equal(wk_csrf_unmask(t1, s1), 0);
	assert_int_equal(wk_csrf_unmask(t2, s2), 0);
	assert_string_equal(s1, s2);
	wk_mw_csrf.on_response(&req, &resp);
	sc = csrf_set_cookie();
	assert_non_null(sc);
	assert_int_equal(strncmp(sc + 10, s1, 32), 0);
	assert_non_null(strstr(sc, "Max-Age=31449600"));
	assert_non_null(strstr(sc, "SameSite=Lax"));
	assert_non_null(strstr(sc, "Path=/"));
	assert_null(strstr(sc, "HttpOnly"));
	assert_null(strstr(sc, "Secure"));
	assert_null(strstr(sc, "Domain"));
	assert_string_equal(wk_response_header(&resp, "Vary"), "Cookie");

	/* an existing cookie's secret is reused; Secure under HTTPS */
	r.cookie = "csrftoken=" TEST_SECRET;
	r.https = 1;
	expect_ok(&r);
	assert_int_equal(wk_response_set_header(&resp, "Vary",
	    "Accept-Encoding"), 0);
	t1 = wk_csrf_token(&req);
	assert_int_equal(wk_csrf_unmask(t1, s1), 0);
	assert_string_equal(s1, TEST_SECRET);
	wk_mw_csrf.on_response(&req, &resp);
	sc = csrf_set_cookie();
	assert_non_null(sc);
	assert_int_equal(strncmp(sc, "csrftoken=" TEST_SECRET ";", 43), 0);
	assert_non_null(strstr(sc, "Secure"));
	assert_string_equal(wk_response_header(&resp, "Vary"),
	    "Accept-Encoding, Cookie");
}

static void
test_rotate(void **state)
{
	struct rq r = { .cookie = "csrftoken=" TEST_SECRET,
		.body = "csrfmiddlewaretoken=" TEST_SECRET };
	char s[WK_CSRF_SECRET_LEN + 1];
	const char *sc, *t;

	(void)state;
	expect_ok(&r);
	assert_int_equal(wk_csrf_rotate(&req), 0);
	/* the check still looks at the cookie that came in (Django) */
	assert_int_equal(wk_csrf_check(&req, NULL), 0);
	t = wk_csrf_token(&req);
	assert_int_equal(wk_csrf_unmask(t, s), 0);
	assert_string_not_equal(s, TEST_SECRET);
	wk_mw_csrf.on_response(&req, &resp);
	sc = csrf_set_cookie();
	assert_non_null(sc);
	assert_int_equal(strncmp(sc + 10, s, 32), 0);
}

/* wk_csrf_token works before (or without) the middleware's on_request. */
static void
test_token_without_middleware(void **state)
{
	char *env[] = { (char *)(uintptr_t)"REQUEST_METHOD=GET",
		(char *)(uintptr_t)"HTTP_HOST=www.example.com", NULL };
	struct wk_mem_reader body;

	(void)state;
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env,
	    wk_mem_reader_init(&body, NULL, 0)), 0);
	wk_response_init(&resp, &arena);
	wk_mw_csrf.on_response(&req, &resp);   /* empty slot: nothing */
	assert_null(csrf_set_cookie());
	assert_null(wk_csrf_reason(&req));
	assert_non_null(wk_csrf_token(&req));
	wk_mw_csrf.on_response(&req, &resp);
	assert_non_null(csrf_set_cookie());
}

/* The context processor's csrf_token: no token (no cookie) until a
 * template prints it; then a token of the request's secret. */
static void
test_context_processor(void **state)
{
	struct rq r = { .method = "GET" };
	char sec[WK_CSRF_SECRET_LEN + 1];
	struct wk_map *ctx;
	const struct wk_value *v;
	wk_buf b;

	(void)state;
	expect_ok(&r);
	ctx = wk_map_new(&arena);
	assert_non_null(ctx);
	assert_int_equal(wk_csrf_context_processor(&req, ctx), 0);
	v = wk_map_get(ctx, "csrf_token", 10);
	assert_non_null(v);
	assert_int_equal(v->kind, WK_VAL_OBJECT);
	wk_mw_csrf.on_response(&req, &resp);
	assert_null(csrf_set_cookie());        /* not printed: no cookie */
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_value_write(v, &b), 0);
	assert_int_equal(b.len, WK_CSRF_TOKEN_LEN);
	assert_int_equal(wk_csrf_unmask(wk_buf_cstr(&b), sec), 0);
	wk_mw_csrf.on_response(&req, &resp);
	assert_non_null(csrf_set_cookie());
	assert_int_equal(strncmp(csrf_set_cookie() + 10, sec, 32), 0);
}

/* ---- through the pipeline ----------------------------------------------- */

static int
form_view(struct wk_request *rq, struct wk_response *rs)
{
	const char *tok;

	if (rq->method == WK_METHOD_POST)
		return wk_response_text(rs, 200, "posted");
	tok = wk_csrf_token(rq);
	if (tok == NULL)
		return -1;
	return wk_response_text(rs, 200, tok);
}

static int
hook_view(struct wk_request *rq, struct wk_response *rs)
{
	(void)rq;
	return wk_response_text(rs, 200, "hooked");
}

static const struct wk_route test_routes[] = {
	{ "form/", form_view, "form", WK_GET | WK_POST, NULL },
	{ "hook/", hook_view, "hook", WK_POST, NULL },
	WK_ROUTES_END
};

static const struct wk_middleware *const test_mw[] = { &wk_mw_csrf, NULL };

static const struct wk_app test_app = {
	.name = "csrftest", .routes = test_routes, .middleware = test_mw,
};

static void
test_pipeline(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;
	struct wk_test_request rq;
	char body[128];
	const char *hdrs[3] = { NULL, NULL, NULL };

	(void)state;
	assert_int_equal(wk_test_client_init(&c, &test_app, NULL), 0);
	/* refused without a token: 403 with the reason on the page */
	assert_int_equal(wk_test_post(&c, "/form/",
	    "application/x-www-form-urlencoded", "a=1", &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "CSRF cookie not set."));
	wk_test_response_free(&r);

	/* GET the form: a token in the page, the cookie in the jar */
	assert_int_equal(wk_test_get(&c, "/form/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 64);
	snprintf(body, sizeof(body), "csrfmiddlewaretoken=%.64s", r.body);
	assert_non_null(wk_test_header(&r, "Set-Cookie"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_post(&c, "/form/",
	    "application/x-www-form-urlencoded", body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "posted");
	wk_test_response_free(&r);

	/* the same token from JavaScript, in the header */
	memset(&rq, 0, sizeof(rq));
	rq.method = "DELETE";
	rq.path = "/form/";
	hdrs[0] = wk_arena_printf(&arena, "X-CSRFToken: %s", body + 20);
	rq.headers = hdrs;
	assert_int_equal(wk_test_request(&c, &rq, &r), 0);
	assert_int_equal(r.status, 405);   /* got past CSRF to the router */
	wk_test_response_free(&r);

	/* the exempt view: no token needed, once registered */
	assert_int_equal(wk_test_post(&c, "/hook/", "text/plain", "x", &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(wk_csrf_is_exempt(hook_view), 0);
	assert_int_equal(wk_csrf_exempt(hook_view), 0);
	assert_int_equal(wk_csrf_exempt(hook_view), 0);
	assert_int_equal(wk_csrf_is_exempt(hook_view), 1);
	assert_int_equal(wk_csrf_is_exempt(form_view), 0);
	assert_int_equal(wk_test_post(&c, "/hook/", "text/plain", "x", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "hooked");
	wk_test_response_free(&r);
	/* ... and only that view */
	assert_int_equal(wk_test_post(&c, "/form/", "text/plain", "x", &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(wk_csrf_exempt(NULL), -1);
	wk_test_client_free(&c);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_django_cipher_vectors),
		T(test_mask_roundtrip),
		T(test_token_format),
		T(test_no_cookie),
		T(test_cookie_no_token),
		T(test_cookie_and_token),
		T(test_masked_cookie),
		T(test_token_from_post_incorrect),
		T(test_header_token),
		T(test_unsafe_methods_need_token),
		T(test_safe_methods_pass),
		T(test_token_in_query_string_ignored),
		T(test_bad_cookie),
		T(test_duplicate_cookies),
		T(test_https_referer),
		T(test_https_referer_trusted_origins),
		T(test_origin),
		T(test_origin_trusted),
		T(test_sec_fetch_site),
		T(test_multipart_token),
		T(test_get_token_sets_cookie),
		T(test_rotate),
		T(test_token_without_middleware),
		T(test_context_processor),
		T(test_pipeline),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
