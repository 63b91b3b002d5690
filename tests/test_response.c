/*
 * test_response.c - response building and CGI output: header injection is
 * refused and logged, cookies carry exact attributes, the wire format is
 * byte-exact, Content-Length is always computed, redirects only go where
 * they are allowed, and error pages escape what they show.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/core/settings.h"

/* ---- fixtures ------------------------------------------------------------ */

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
	f->settings.allowed_redirect_hosts[0] = "static.example.org";
	f->settings.allowed_redirect_hosts[1] = ".trusted.net";
	f->settings.n_allowed_redirect_hosts = 2;
	f->req.arena = &f->arena;
	f->req.settings = &f->settings;
	f->req.host = "example.com";
	f->req.host_port = "example.com";
	f->req.method = WK_METHOD_GET;
	f->req.method_name = "GET";
	f->req.path = "/";
	f->req.raw_path = "/";
	f->req.script_name = "";
	f->req.query_string = "";
	f->req.scheme = "http";
	wk_response_init(&f->resp, &f->arena);
	/* Refusals are logged; keep the test output clean. */
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

/* Serialise r into a NUL-terminated arena string. */
static const char *
wire(struct fix *f, const struct wk_response *r)
{
	wk_buf b;

	wk_buf_init(&b, &f->arena);
	assert_int_equal(wk_response_serialize(r, &b), 0);
	return wk_buf_cstr(&b);
}

/* Log capture: a pipe whose write end replaces the log fd. */
struct capture {
	int fds[2];
};

static void
capture_start(struct capture *c)
{
	assert_int_equal(pipe(c->fds), 0);
	wk_log_set_fd(c->fds[1]);
}

/* Stop capturing; what was logged goes into out. */
static void
capture_end(struct capture *c, char *out, size_t outlen)
{
	size_t off = 0;
	ssize_t n;

	wk_log_set_fd(-1);
	close(c->fds[1]);
	while (off + 1 < outlen &&
	    (n = read(c->fds[0], out + off, outlen - 1 - off)) > 0)
		off += (size_t)n;
	out[off] = '\0';
	close(c->fds[0]);
}

/* ---- headers ------------------------------------------------------------- */

static void
test_init_defaults(void **state)
{
	struct fix *f = *state;

	assert_int_equal(f->resp.status, 200);
	assert_int_equal(f->resp.headers.len, 0);
	assert_int_equal(f->resp.body.len, 0);
	assert_int_equal(f->resp.no_body, 0);
	assert_ptr_equal(f->resp.arena, &f->arena);
}

static void
test_set_add_lookup(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	char value[8];

	/* Strings are copied: changing the caller's buffer changes nothing. */
	memcpy(value, "one", 4);
	assert_int_equal(wk_response_set_header(r, "X-Thing", value), 0);
	memcpy(value, "BAD", 4);
	assert_string_equal(wk_response_header(r, "x-thing"), "one");

	/* set replaces in any case; add keeps earlier values. */
	assert_int_equal(wk_response_set_header(r, "x-THING", "two"), 0);
	assert_int_equal(r->headers.len, 1);
	assert_string_equal(wk_response_header(r, "X-Thing"), "two");
	assert_int_equal(wk_response_add_header(r, "Vary", "Cookie"), 0);
	assert_int_equal(wk_response_add_header(r, "vary", "Accept"), 0);
	assert_int_equal(r->headers.len, 3);
	assert_string_equal(wk_response_header(r, "VARY"), "Accept");
	assert_null(wk_response_header(r, "X-Missing"));

	/* Tabs and obs-text are legal in values; an empty value too. */
	assert_int_equal(wk_response_set_header(r, "X-Tab", "a\tb"), 0);
	assert_int_equal(wk_response_set_header(r, "X-Utf8", "caf\xc3\xa9"), 0);
	assert_int_equal(wk_response_set_header(r, "X-Empty", ""), 0);
	assert_int_equal(wk_response_set_header(r, "!#$%&'*+-.^_`|~09az", "t"),
	    0);
	assert_string_equal(wk_response_header(r, "X-Tab"), "a\tb");
}

static void
test_header_injection_refused(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	static const char *const bad_values[] = {
		"a\r\nX-Injected: yes",
		"a\nX-Injected: yes",
		"a\rX-Injected: yes",
		"\r\n\r\n<html>X-Injected",
		"a\x01" "b",
		"a\x1b[31m",
		"a\x7f",
		"\x0b",
		"\x0c",
		NULL,
	};
	static const char *const bad_names[] = {
		"", "X Injected", "X-Injected:", "X-Injected\r\n", "X\nInjected",
		"X-Inj\x01", "X-Inj\xc3\xa9", "X(Injected)", "X/Injected",
		"X\"Injected\"", "X@Injected", "X{Injected}", "X\tInjected",
		NULL,
	};
	const char *out;
	size_t i;

	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		assert_int_equal(wk_response_set_header(r, "X-Injected",
		    bad_values[i]), -1);
		assert_int_equal(wk_response_add_header(r, "X-Injected",
		    bad_values[i]), -1);
	}
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		assert_int_equal(wk_response_set_header(r, bad_names[i], "v"),
		    -1);
		assert_int_equal(wk_response_add_header(r, bad_names[i], "v"),
		    -1);
	}
	/* A CGI Status header would override the real status line. */
	assert_int_equal(wk_response_set_header(r, "Status", "200 OK"), -1);
	assert_int_equal(wk_response_add_header(r, "status", "302 Found"), -1);

	assert_int_equal(r->headers.len, 0);
	out = wire(f, r);
	assert_null(strstr(out, "Injected"));
	assert_string_equal(out,
	    "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");

	/* A refused set does not disturb an earlier good value. */
	assert_int_equal(wk_response_set_header(r, "X-Good", "1"), 0);
	assert_int_equal(wk_response_set_header(r, "X-Good", "2\r\n"), -1);
	assert_string_equal(wk_response_header(r, "X-Good"), "1");
}

static void
test_refusal_is_logged(void **state)
{
	struct fix *f = *state;
	struct capture c;
	char log[4096];

	capture_start(&c);
	assert_int_equal(wk_response_set_header(&f->resp, "X-Evil-Header",
	    "a\r\nSet-Cookie: x=1"), -1);
	capture_end(&c, log, sizeof(log));
	assert_non_null(strstr(log, " warn "));
	assert_non_null(strstr(log, "X-Evil-Header"));
	assert_non_null(strstr(log, "refused"));
	/* One line, and the value's CRLF never reaches the log raw. */
	assert_ptr_equal(strchr(log, '\n'), log + strlen(log) - 1);

	capture_start(&c);
	assert_int_equal(wk_response_set_header(&f->resp, "Bad\r\nName", "v"),
	    -1);
	capture_end(&c, log, sizeof(log));
	assert_non_null(strstr(log, "Bad\\x0d\\x0aName"));
	assert_ptr_equal(strchr(log, '\n'), log + strlen(log) - 1);

	/* Good headers log nothing. */
	capture_start(&c);
	assert_int_equal(wk_response_set_header(&f->resp, "X-Fine", "v"), 0);
	capture_end(&c, log, sizeof(log));
	assert_string_equal(log, "");
}

/* ---- cookies ------------------------------------------------------------- */

static void
test_cookie_attributes(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	const char *all[8];
	struct wk_cookie_opts o;

	memset(&o, 0, sizeof(o));
	o.max_age = -1;
	o.http_only = 1;
	o.samesite = WK_SAMESITE_LAX;
	assert_int_equal(wk_response_set_cookie(r, "sid", "abc123", &o), 0);

	o.path = "/blog/";
	o.domain = ".example.com";
	o.secure = 1;
	o.http_only = 0;
	o.samesite = WK_SAMESITE_STRICT;
	assert_int_equal(wk_response_set_cookie(r, "pref", "dark", &o), 0);

	/* SameSite=None forces Secure. */
	memset(&o, 0, sizeof(o));
	o.max_age = -1;
	o.samesite = WK_SAMESITE_NONE;
	assert_int_equal(wk_response_set_cookie(r, "x", "1", &o), 0);

	o.samesite = WK_SAMESITE_OMIT;
	assert_int_equal(wk_response_set_cookie(r, "y", "", &o), 0);

	/* Prefixed names: Secure is added. */
	assert_int_equal(wk_response_set_cookie(r, "__Secure-t", "v", &o), 0);

	/* NULL options: Path=/, HttpOnly, SameSite=Lax, session cookie. */
	assert_int_equal(wk_response_set_cookie(r, "d", "v", NULL), 0);

	assert_int_equal(wk_kv_get_all(&r->headers, "Set-Cookie", all, 8), 6);
	assert_string_equal(all[0],
	    "sid=abc123; Path=/; HttpOnly; SameSite=Lax");
	assert_string_equal(all[1], "pref=dark; Path=/blog/; "
	    "Domain=.example.com; Secure; SameSite=Strict");
	assert_string_equal(all[2], "x=1; Path=/; Secure; SameSite=None");
	assert_string_equal(all[3], "y=; Path=/");
	assert_string_equal(all[4], "__Secure-t=v; Path=/; Secure");
	assert_string_equal(all[5], "d=v; Path=/; HttpOnly; SameSite=Lax");
}

static void
test_cookie_refused(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	struct wk_cookie_opts o;
	struct capture c;
	char log[4096];
	static const char *const bad_values[] = {
		"a b", "a;b", "a,b", "a\"b", "a\\b", "a\r\nSet-Cookie: x=1",
		"a\nb", "a\tb", "a\x01", "a\x7f", "caf\xc3\xa9",
	};
	static const char *const bad_names[] = {
		"", "a=b", "a b", "a;b", "a\r\nb", "a,b", "a\"b", "a\xc3\xa9",
		NULL,
	};
	static const char *const bad_paths[] = {
		"/a;b", "/a b", "/a\r\nb", "relative", "", "/\x01",
	};
	static const char *const bad_domains[] = {
		"ex;ample.com", "example.com\r\nX: y", "", ".", "a..b",
		"ex ample.com", "-x.com", "exa_mple.com",
	};
	size_t i;

	memset(&o, 0, sizeof(o));
	o.max_age = -1;
	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++)
		assert_int_equal(wk_response_set_cookie(r, "n", bad_values[i],
		    &o), -1);
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		assert_int_equal(wk_response_set_cookie(r, bad_names[i], "v",
		    &o), -1);
		assert_int_equal(wk_response_delete_cookie(r, bad_names[i],
		    NULL, NULL), -1);
	}
	for (i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		o.path = bad_paths[i];
		assert_int_equal(wk_response_set_cookie(r, "n", "v", &o), -1);
		assert_int_equal(wk_response_delete_cookie(r, "n",
		    bad_paths[i], NULL), -1);
	}
	o.path = NULL;
	for (i = 0; i < sizeof(bad_domains) / sizeof(bad_domains[0]); i++) {
		o.domain = bad_domains[i];
		assert_int_equal(wk_response_set_cookie(r, "n", "v", &o), -1);
		assert_int_equal(wk_response_delete_cookie(r, "n", NULL,
		    bad_domains[i]), -1);
	}
	o.domain = NULL;
	/* __Host- cookies must be host-only at Path=/. */
	o.domain = "example.com";
	assert_int_equal(wk_response_set_cookie(r, "__Host-s", "v", &o), -1);
	o.domain = NULL;
	o.path = "/sub/";
	assert_int_equal(wk_response_set_cookie(r, "__Host-s", "v", &o), -1);
	o.path = NULL;
	/* Out-of-range options. */
	o.samesite = (enum wk_samesite)42;
	assert_int_equal(wk_response_set_cookie(r, "n", "v", &o), -1);
	o.samesite = WK_SAMESITE__MAX;
	assert_int_equal(wk_response_set_cookie(r, "n", "v", &o), -1);
	o.samesite = WK_SAMESITE_LAX;
	o.max_age = 101L * 366 * 24 * 3600;
	assert_int_equal(wk_response_set_cookie(r, "n", "v", &o), -1);
	o.max_age = LONG_MAX;
	assert_int_equal(wk_response_set_cookie(r, "n", "v", &o), -1);
	o.max_age = -1;

	assert_int_equal(r->headers.len, 0);
	assert_null(strstr(wire(f, r), "Set-Cookie"));

	capture_start(&c);
	assert_int_equal(wk_response_set_cookie(r, "session_id", "a;b", &o),
	    -1);
	capture_end(&c, log, sizeof(log));
	assert_non_null(strstr(log, "session_id"));
	assert_non_null(strstr(log, "refused"));

	/* The good ones still work afterwards; __Host- at / is fine. */
	assert_int_equal(wk_response_set_cookie(r, "__Host-s", "v", &o), 0);
	assert_string_equal(wk_response_header(r, "Set-Cookie"),
	    "__Host-s=v; Path=/; Secure; SameSite=Lax");
}

/* Parse an IMF-fixdate strictly; returns the time or (time_t)-1. */
static time_t
parse_imf_fixdate(const char *s)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm, back;
	char day[4], mon[4];
	int i, n = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' ||
	    strcmp(s + 25, " GMT") != 0)
		return (time_t)-1;
	if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d GMT%n", day, &tm.tm_mday,
	    mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 7 ||
	    n != 29)
		return (time_t)-1;
	tm.tm_year -= 1900;
	tm.tm_mon = -1;
	for (i = 0; i < 12; i++)
		if (strcmp(mon, mons[i]) == 0)
			tm.tm_mon = i;
	if (tm.tm_mon < 0)
		return (time_t)-1;
	t = timegm(&tm);
	/* The weekday must be the right one. */
	if (gmtime_r(&t, &back) == NULL || strcmp(day, days[back.tm_wday]) != 0)
		return (time_t)-1;
	return t;
}

static void
test_cookie_max_age_expires(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	struct wk_cookie_opts o;
	const char *sc, *exp;
	time_t before, after, t;

	memset(&o, 0, sizeof(o));
	o.max_age = 3600;
	o.http_only = 1;
	o.samesite = WK_SAMESITE_LAX;
	before = time(NULL);
	assert_int_equal(wk_response_set_cookie(r, "sid", "v", &o), 0);
	after = time(NULL);
	sc = wk_response_header(r, "Set-Cookie");
	assert_non_null(sc);
	assert_memory_equal(sc, "sid=v; Path=/; Max-Age=3600; Expires=", 37);
	exp = sc + 37;
	assert_string_equal(exp + 29, "; HttpOnly; SameSite=Lax");
	{
		char date[30];
		memcpy(date, exp, 29);
		date[29] = '\0';
		t = parse_imf_fixdate(date);
	}
	assert_true(t != (time_t)-1);
	assert_true(t >= before + 3600 && t <= after + 3600);

	/* Known answers for the date format through the parser above. */
	assert_int_equal(parse_imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
	    784111777);
	assert_int_equal(parse_imf_fixdate("Mon, 06 Nov 1994 08:49:37 GMT"),
	    -1);

	/* A long life (session_cookie_age allows up to INT32_MAX seconds) is
	 * accepted with a matching Expires. */
	wk_response_init(r, &f->arena);
	o.max_age = 2147483647L;
	before = time(NULL);
	assert_int_equal(wk_response_set_cookie(r, "sid", "v", &o), 0);
	after = time(NULL);
	sc = wk_response_header(r, "Set-Cookie");
	assert_memory_equal(sc, "sid=v; Path=/; Max-Age=2147483647; Expires=",
	    43);
	{
		char date[30];
		memcpy(date, sc + 43, 29);
		date[29] = '\0';
		t = parse_imf_fixdate(date);
	}
	assert_true(t >= before + 2147483647L && t <= after + 2147483647L);

	/* Max-Age=0 expires now. */
	wk_response_init(r, &f->arena);
	o.max_age = 0;
	before = time(NULL);
	assert_int_equal(wk_response_set_cookie(r, "sid", "v", &o), 0);
	after = time(NULL);
	sc = wk_response_header(r, "Set-Cookie");
	assert_memory_equal(sc, "sid=v; Path=/; Max-Age=0; Expires=", 34);
	{
		char date[30];
		memcpy(date, sc + 34, 29);
		date[29] = '\0';
		t = parse_imf_fixdate(date);
	}
	assert_true(t >= before && t <= after);
}

static void
test_delete_cookie(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	const char *all[4];

	assert_int_equal(wk_response_delete_cookie(r, "sid", NULL, NULL), 0);
	assert_int_equal(wk_response_delete_cookie(r, "pref", "/blog/",
	    "example.com"), 0);
	assert_int_equal(wk_response_delete_cookie(r, "__Host-s", NULL, NULL),
	    0);
	assert_int_equal(wk_kv_get_all(&r->headers, "Set-Cookie", all, 4), 3);
	assert_string_equal(all[0], "sid=; Path=/; Max-Age=0; "
	    "Expires=Thu, 01 Jan 1970 00:00:00 GMT");
	assert_string_equal(all[1], "pref=; Path=/blog/; Domain=example.com; "
	    "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
	assert_string_equal(all[2], "__Host-s=; Path=/; Max-Age=0; "
	    "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure");
}

/* ---- body helpers and serialisation -------------------------------------- */

static void
test_body_helpers(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;

	assert_int_equal(wk_response_html(r, 201, "<p>x</p>"), 0);
	assert_int_equal(r->status, 201);
	assert_string_equal(wk_response_header(r, "Content-Type"),
	    "text/html; charset=utf-8");
	assert_string_equal(wk_buf_cstr(&r->body), "<p>x</p>");

	/* A second helper replaces body and type: one Content-Type. */
	assert_int_equal(wk_response_text(r, 400, "plain"), 0);
	assert_int_equal(r->status, 400);
	assert_string_equal(wk_response_header(r, "Content-Type"),
	    "text/plain; charset=utf-8");
	assert_string_equal(wk_buf_cstr(&r->body), "plain");
	assert_int_equal(r->headers.len, 1);

	assert_int_equal(wk_response_json(r, 200, "{\"a\":1}"), 0);
	assert_string_equal(wk_response_header(r, "Content-Type"),
	    "application/json; charset=utf-8");
	assert_string_equal(wk_buf_cstr(&r->body), "{\"a\":1}");

	assert_int_equal(wk_response_html(r, 200, NULL), 0);
	assert_int_equal(r->body.len, 0);
}

static void
test_serialize_exact(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;

	assert_int_equal(wk_response_text(r, 200, "hi"), 0);
	assert_int_equal(wk_response_add_header(r, "X-A", "1"), 0);
	assert_string_equal(wire(f, r),
	    "Status: 200 OK\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "X-A: 1\r\n"
	    "Content-Length: 2\r\n"
	    "\r\n"
	    "hi");

	/* HEAD: the same headers and length, no body. */
	r->no_body = 1;
	assert_string_equal(wire(f, r),
	    "Status: 200 OK\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "X-A: 1\r\n"
	    "Content-Length: 2\r\n"
	    "\r\n");
}

static void
test_serialize_content_length_and_type(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	const char *out;

	/* A view's Content-Length (any case) is dropped, the real one sent. */
	assert_int_equal(wk_response_set_header(r, "Content-Length", "999"), 0);
	assert_int_equal(wk_response_add_header(r, "content-length", "1"), 0);
	wk_buf_puts(&r->body, "hello");
	out = wire(f, r);
	assert_null(strstr(out, "999"));
	assert_null(strstr(out, "content-length"));
	assert_string_equal(out,
	    "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: 5\r\n"
	    "\r\n"
	    "hello");

	/* No body, no type: no Content-Type invented. */
	wk_response_init(r, &f->arena);
	r->status = 404;
	assert_string_equal(wire(f, r),
	    "Status: 404 Not Found\r\nContent-Length: 0\r\n\r\n");

	/* Bodiless statuses: neither body nor Content-Length. */
	wk_buf_puts(&r->body, "ignored");
	r->status = 204;
	assert_string_equal(wire(f, r), "Status: 204 No Content\r\n\r\n");
	r->status = 304;
	assert_string_equal(wire(f, r), "Status: 304 Not Modified\r\n\r\n");

	/* An impossible status becomes a 500. */
	wk_response_init(r, &f->arena);
	r->status = 42;
	assert_string_equal(wire(f, r),
	    "Status: 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
	r->status = 1000;
	assert_memory_equal(wire(f, r), "Status: 500 ", 12);

	/* A body with a NUL byte is counted in full. */
	wk_response_init(r, &f->arena);
	wk_buf_append(&r->body, "a\0b", 3);
	assert_int_equal(wk_response_set_header(r, "Content-Type",
	    "application/octet-stream"), 0);
	{
		wk_buf b;
		wk_buf_init(&b, &f->arena);
		assert_int_equal(wk_response_serialize(r, &b), 0);
		assert_non_null(strstr(b.data, "Content-Length: 3\r\n"));
		assert_memory_equal(b.data + b.len - 3, "a\0b", 3);
	}
}

static void
test_serialize_rechecks_raw_headers(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	const char *out;

	/* Headers pushed into the list directly bypass set_header: the
	 * serialiser must still refuse them. */
	assert_int_equal(wk_kv_add(&f->arena, &r->headers, "X-Bad",
	    "v\r\nX-Injected: 1", 16), 0);
	assert_int_equal(wk_kv_add(&f->arena, &r->headers, "Bad Name", "v", 1),
	    0);
	assert_int_equal(wk_kv_add(&f->arena, &r->headers, "Status", "302", 3),
	    0);
	assert_int_equal(wk_kv_add(&f->arena, &r->headers, "X-Ok", "v", 1), 0);
	out = wire(f, r);
	assert_null(strstr(out, "Injected"));
	assert_null(strstr(out, "Bad"));
	assert_null(strstr(out, "302"));
	assert_string_equal(out,
	    "Status: 200 OK\r\nX-Ok: v\r\nContent-Length: 0\r\n\r\n");
}

static void
test_write(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	char got[4096];
	const char *expect;
	size_t off = 0;
	ssize_t n;
	int fds[2];
	struct sigaction sa, old;

	assert_int_equal(wk_response_text(r, 200, "written"), 0);
	expect = wire(f, r);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(wk_response_write(r, fds[1]), 0);
	close(fds[1]);
	while ((n = read(fds[0], got + off, sizeof(got) - 1 - off)) > 0)
		off += (size_t)n;
	got[off] = '\0';
	close(fds[0]);
	assert_string_equal(got, expect);

	/* A large body goes out whole through a small pipe. */
	{
		static char big[300000];
		pid_t pid;
		size_t total = 0;
		memset(big, 'x', sizeof(big) - 1);
		wk_response_init(r, &f->arena);
		assert_int_equal(wk_response_text(r, 200, big), 0);
		expect = wire(f, r);
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			_exit(wk_response_write(r, fds[1]) == 0 ? 0 : 1);
		}
		close(fds[1]);
		while ((n = read(fds[0], got, sizeof(got))) > 0) {
			assert_memory_equal(got, expect + total, (size_t)n);
			total += (size_t)n;
		}
		close(fds[0]);
		assert_int_equal(total, strlen(expect));
		{
			int st;
			assert_int_equal(waitpid(pid, &st, 0), pid);
			assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		}
	}

	/* The client went away: -1, not a crash (SIGPIPE ignored as in CGI). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGPIPE, &sa, &old), 0);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	assert_int_equal(wk_response_write(r, fds[1]), -1);
	close(fds[1]);
	assert_int_equal(sigaction(SIGPIPE, &old, NULL), 0);
	assert_int_equal(wk_response_write(r, -1), -1);
}

/* ---- redirects ----------------------------------------------------------- */

static const char *const redirect_ok[] = {
	"/",
	"/next",
	"/a/b/?x=1&y=2#frag",
	"/?next=//evil.com",
	"/cgi-bin/blog.cgi/posts/3/",
	"http://example.com",
	"http://example.com/",
	"https://example.com/x?y=z",
	"HTTPS://EXAMPLE.COM/upper",
	"https://example.com:8443/port",
	"https://example.com./trailing-dot",
	"https://example.com?q",
	"https://example.com#f",
	"https://static.example.org/a.css",
	"https://trusted.net/",
	"https://cdn.trusted.net/x",
};

static const char *const redirect_bad[] = {
	"",
	"//evil.com",
	"//evil.com/x",
	"///evil.com",
	"////evil.com",
	"/\\evil.com",
	"\\\\evil.com",
	"\\/evil.com",
	"/\\/evil.com",
	"javascript:alert(1)",
	"JavaScript:alert(1)",
	" javascript:alert(1)",
	"java\tscript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"vbscript:x",
	"ftp://example.com/",
	"file:///etc/passwd",
	"http:evil.com",
	"http:/evil.com",
	"https:evil.com",
	"http:///evil.com",
	"http://",
	"http://evil.com",
	"https://evil.com/",
	"https://example.com.evil.com/",
	"https://evilexample.com/",
	"https://example.co/",
	"http://example.com@evil.com/",
	"http://evil.com@example.com/",
	"http://user:pass@example.com/",
	"http://example.com:80@evil.com/",
	"http://example.com%40evil.com/",
	"http://%65xample.com/",
	"http://evil.com#@example.com",
	"http://evil.com?@example.com",
	"http://evil.com\\@example.com",
	"http://example.com\\.evil.com",
	"http://example.com:abc/",
	"http://example.com:123456/",
	"https://trusted.net.evil.com/",
	"https://nottrusted.net/",
	"https://static.example.org.evil/",
	"http://[::1]/",
	"/x\r\nSet-Cookie: a=b",
	"/x\nLocation: //evil.com",
	"/x\ry",
	"/x\ty",
	"/x y",
	" /x",
	"/x ",
	"\x01/x",
	"/\x7f",
	"\t//evil.com",
	"/\t/evil.com",
	"next",
	"evil.com",
	"?x=1",
	"#top",
	"./x",
	"../x",
	"https://ex\xc3\xa4mple.com/",
};

static void
test_redirect_table(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	size_t i;

	for (i = 0; i < sizeof(redirect_ok) / sizeof(redirect_ok[0]); i++) {
		wk_response_init(r, &f->arena);
		if (wk_response_redirect(r, &f->req, redirect_ok[i], 302) != 0)
			fail_msg("refused good redirect '%s'", redirect_ok[i]);
		assert_int_equal(r->status, 302);
		assert_string_equal(wk_response_header(r, "Location"),
		    redirect_ok[i]);
	}
	for (i = 0; i < sizeof(redirect_bad) / sizeof(redirect_bad[0]); i++) {
		wk_response_init(r, &f->arena);
		if (wk_response_redirect(r, &f->req, redirect_bad[i], 302) !=
		    -1)
			fail_msg("accepted bad redirect '%s'", redirect_bad[i]);
		/* Nothing changed. */
		assert_int_equal(r->status, 200);
		assert_int_equal(r->headers.len, 0);
		assert_int_equal(r->body.len, 0);
	}
	wk_response_init(r, &f->arena);
	assert_int_equal(wk_response_redirect(r, &f->req, NULL, 302), -1);
	assert_int_equal(r->headers.len, 0);

	/* Without allowed_redirect_hosts only the request's host is fine. */
	f->settings.n_allowed_redirect_hosts = 0;
	assert_int_equal(wk_response_redirect(r, &f->req,
	    "https://static.example.org/", 302), -1);
	assert_int_equal(wk_response_redirect(r, &f->req,
	    "https://example.com/", 302), 0);
}

static void
test_redirect_without_request(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;

	assert_int_equal(wk_response_redirect(r, NULL, "/local", 301), 0);
	assert_int_equal(r->status, 301);
	assert_string_equal(wk_response_header(r, "Location"), "/local");
	wk_response_init(r, &f->arena);
	assert_int_equal(wk_response_redirect(r, NULL, "https://example.com/",
	    302), -1);
	assert_int_equal(wk_response_redirect(r, NULL, "//example.com/", 302),
	    -1);
	assert_null(wk_response_header(r, "Location"));
}

static void
test_redirect_status_body_log(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	static const int good[] = { 301, 302, 303, 307, 308 };
	static const int bad[] = { 200, 300, 304, 305, 306, 309, 404, -1 };
	struct capture c;
	char log[4096];
	const char *body;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		wk_response_init(r, &f->arena);
		assert_int_equal(wk_response_redirect(r, &f->req, "/x",
		    good[i]), 0);
		assert_int_equal(r->status, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wk_response_init(r, &f->arena);
		assert_int_equal(wk_response_redirect(r, &f->req, "/x",
		    bad[i]), -1);
		assert_int_equal(r->status, 200);
		assert_null(wk_response_header(r, "Location"));
	}
	/* 0 means the default, 302. */
	wk_response_init(r, &f->arena);
	assert_int_equal(wk_response_redirect(r, &f->req, "/x", 0), 0);
	assert_int_equal(r->status, 302);

	/* The body links to the target, escaped; UTF-8 is %-encoded. */
	wk_response_init(r, &f->arena);
	assert_int_equal(wk_response_redirect(r, &f->req,
	    "/s?q=<b>&t='\"", 303), 0);
	assert_string_equal(wk_response_header(r, "Location"),
	    "/s?q=<b>&t='\"");
	assert_string_equal(wk_response_header(r, "Content-Type"),
	    "text/html; charset=utf-8");
	body = wk_buf_cstr(&r->body);
	assert_non_null(strstr(body,
	    "href=\"/s?q=&lt;b&gt;&amp;t=&#x27;&quot;\""));
	assert_null(strstr(body, "<b>"));
	wk_response_init(r, &f->arena);
	assert_int_equal(wk_response_redirect(r, &f->req,
	    "/caf\xc3\xa9/", 302), 0);
	assert_string_equal(wk_response_header(r, "Location"),
	    "/caf%C3%A9/");

	/* Refusals are logged with the (escaped) target. */
	wk_response_init(r, &f->arena);
	capture_start(&c);
	assert_int_equal(wk_response_redirect(r, &f->req,
	    "//evil.example/\r\n", 302), -1);
	capture_end(&c, log, sizeof(log));
	assert_non_null(strstr(log, "redirect"));
	assert_non_null(strstr(log, "//evil.example/\\x0d\\x0a"));
	assert_ptr_equal(strchr(log, '\n'), log + strlen(log) - 1);
}

/* ---- error pages --------------------------------------------------------- */

static void
test_error_page(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	const char *body;

	assert_int_equal(wk_response_error(r, 404,
	    "No <script>alert(1)</script> & \"quotes\""), 0);
	assert_int_equal(r->status, 404);
	assert_string_equal(wk_response_header(r, "Content-Type"),
	    "text/html; charset=utf-8");
	body = wk_buf_cstr(&r->body);
	assert_memory_equal(body, "<!DOCTYPE html>\n", 16);
	assert_non_null(strstr(body, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(body, "<title>404 Not Found</title>"));
	assert_non_null(strstr(body, "<h1>404 Not Found</h1>"));
	assert_non_null(strstr(body, "<p>No &lt;script&gt;alert(1)&lt;/script"
	    "&gt; &amp; &quot;quotes&quot;</p>"));
	assert_null(strstr(body, "<script>"));
	assert_non_null(strstr(body, "</html>"));

	/* No message: no paragraph; the page replaces an earlier body. */
	wk_buf_puts(&r->body, "junk");
	assert_int_equal(wk_response_error(r, 500, NULL), 0);
	body = wk_buf_cstr(&r->body);
	assert_non_null(strstr(body, "<title>500 Internal Server Error</title>"));
	assert_null(strstr(body, "<p>"));
	assert_null(strstr(body, "junk"));
	assert_int_equal(r->headers.len, 1);

	assert_int_equal(wk_response_error(r, 413, ""), 0);
	assert_non_null(strstr(wk_buf_cstr(&r->body), "413 Content Too Large"));
	assert_null(strstr(wk_buf_cstr(&r->body), "<p>"));
}

static void
test_not_allowed(void **state)
{
	struct fix *f = *state;
	struct wk_response *r = &f->resp;
	static const struct {
		unsigned mask;
		const char *allow;
	} cases[] = {
		{ WK_GET, "GET, HEAD" },
		{ WK_BIT(WK_METHOD_GET), "GET, HEAD" },
		{ WK_GET | WK_POST, "GET, HEAD, POST" },
		{ WK_POST | WK_GET, "GET, HEAD, POST" },
		{ WK_POST, "POST" },
		{ WK_DELETE | WK_PUT, "PUT, DELETE" },
		{ WK_OPTIONS | WK_PATCH | WK_DELETE | WK_PUT | WK_POST | WK_GET,
		  "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" },
		{ 0xffffffffu, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" },
		{ 0, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wk_response_init(r, &f->arena);
		assert_int_equal(wk_response_not_allowed(r, cases[i].mask), 0);
		assert_int_equal(r->status, 405);
		assert_string_equal(wk_response_header(r, "Allow"),
		    cases[i].allow);
		assert_non_null(strstr(wk_buf_cstr(&r->body),
		    "<title>405 Method Not Allowed</title>"));
	}
}

static void
test_status_reasons(void **state)
{
	static const struct {
		int status;
		const char *reason;
	} known[] = {
		{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" },
		{ 303, "See Other" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 503, "Service Unavailable" },
		{ 0, "Unknown" }, { -1, "Unknown" }, { 299, "Unknown" },
		{ 999, "Unknown" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_string_equal(wk_status_reason(known[i].status),
		    known[i].reason);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_add_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_injection_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_is_logged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cookie_attributes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cookie_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cookie_max_age_expires,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_cookie, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_body_helpers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_serialize_exact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_serialize_content_length_and_type, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_serialize_rechecks_raw_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_redirect_without_request,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_status_body_log,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_allowed, setup,
		    teardown),
		cmocka_unit_test(test_status_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
