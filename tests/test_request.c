/*
 * test_request.c - the request parser (src/http/request.c) against well-formed
 * and hostile CGI environments: bad percent-encoding and UTF-8, NULs,
 * CRLF, oversized URLs, headers and bodies, field floods, duplicate keys,
 * bad Content-Length, bodies that stall or arrive in pieces through a pipe,
 * httpoxy, X-Forwarded-Proto, Host validation and matching, cookies and
 * methods.  Most cases are tables: one row per hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/http/request.h"
#include "wick/core/settings.h"

#define MAX_ENV 64

/* Per-test state: one arena, settings, a request. */
static wk_arena arena;
static struct wk_settings settings;
static struct wk_request req;

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	wk_settings_defaults(&settings);
	settings.allowed_hosts[0] = "localhost";
	settings.allowed_hosts[1] = ".example.com";
	settings.allowed_hosts[2] = "[::1]";
	settings.allowed_hosts[3] = "10.0.0.1";
	settings.n_allowed_hosts = 4;
	settings.read_timeout_ms = 2000;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_arena_free(&arena);
	return 0;
}

/*
 * Parse env (NULL-terminated) plus a few defaults that later entries
 * override (first wins in the parser, so defaults go last), with the body
 * from memory.
 */
static int
parse_mem(const char *const *env, const char *body, size_t body_len)
{
	char *full[MAX_ENV + 8];
	struct wk_mem_reader src;
	size_t i, n = 0;

	for (i = 0; env != NULL && env[i] != NULL; i++) {
		assert_true(n < MAX_ENV);
		full[n++] = (char *)(uintptr_t)env[i];
	}
	full[n++] = (char *)(uintptr_t)"REQUEST_METHOD=GET";
	full[n++] = (char *)(uintptr_t)"HTTP_HOST=localhost";
	full[n++] = (char *)(uintptr_t)"SERVER_NAME=localhost";
	full[n++] = (char *)(uintptr_t)"SERVER_PORT=80";
	full[n] = NULL;
	return wk_request_parse(&req, &arena, &settings, full,
	    wk_mem_reader_init(&src, body, body_len));
}

static int
parse_env(const char *const *env)
{
	return parse_mem(env, NULL, 0);
}

/* Parse with the body coming from fd. */
static int
parse_fd(const char *const *env, int fd)
{
	char *full[MAX_ENV + 4];
	static struct wk_fd_reader src;   /* outlives req */
	size_t i, n = 0;

	for (i = 0; env[i] != NULL; i++) {
		assert_true(n < MAX_ENV);
		full[n++] = (char *)(uintptr_t)env[i];
	}
	full[n++] = (char *)(uintptr_t)"HTTP_HOST=localhost";
	full[n] = NULL;
	return wk_request_parse(&req, &arena, &settings, full,
	    wk_fd_reader_init(&src, fd));
}

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- basics -------------------------------------------------------------- */

static void
test_simple_get(void **state)
{
	const char *env[] = {
		"REQUEST_METHOD=GET", "PATH_INFO=/posts/3/",
		"SCRIPT_NAME=/cgi-bin/blog.cgi", "QUERY_STRING=q=a+b&page=2",
		"HTTP_USER_AGENT=curl/8", "REMOTE_ADDR=127.0.0.1",
		"HTTP_HOST=LocalHost:8000", "NOEQUALSIGN", "=novalue", NULL
	};
	size_t i;

	(void)state;
	assert_int_equal(parse_env(env), 0);
	assert_int_equal(req.error_status, 0);
	assert_null(req.error);
	assert_int_equal(req.method, WK_METHOD_GET);
	assert_string_equal(req.method_name, "GET");
	assert_string_equal(req.path, "/posts/3/");
	assert_string_equal(req.raw_path, "/posts/3/");
	assert_string_equal(req.script_name, "/cgi-bin/blog.cgi");
	assert_string_equal(req.query_string, "q=a+b&page=2");
	assert_string_equal(wk_request_get(&req, "q"), "a b");
	assert_string_equal(wk_request_get(&req, "page"), "2");
	assert_null(wk_request_get(&req, "missing"));
	assert_string_equal(req.remote_addr, "127.0.0.1");
	assert_string_equal(req.host_port, "LocalHost:8000");
	assert_string_equal(req.host, "localhost");
	assert_string_equal(req.scheme, "http");
	assert_int_equal(req.is_secure, 0);
	assert_string_equal(req.body, "");
	assert_int_equal(req.body_len, 0);
	assert_int_equal(strlen(req.id), 16);
	for (i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", req.id[i]));
	assert_int_equal(wk_request_check_host(&req), 0);
}

static void
test_request_ids_differ(void **state)
{
	char first[17];

	(void)state;
	assert_int_equal(parse_env(NULL), 0);
	memcpy(first, req.id, sizeof(first));
	assert_int_equal(parse_env(NULL), 0);
	assert_string_not_equal(first, req.id);
}

/* busybox httpd runs cgi-bin/index.cgi for a URL ending in '/' with an
 * empty PATH_INFO: the path comes from REQUEST_URI after SCRIPT_NAME,
 * decoded once; nothing else is taken from REQUEST_URI. */
static void
test_path_from_request_uri(void **state)
{
	static const struct {
		const char *path_info, *uri;
		int status;
		const char *path;
	} rows[] = {
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi/posts/", 0, "/posts/" },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi/caf%C3%A9/?page=2", 0,
		    "/caf\xc3\xa9/" },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi/a+b/", 0, "/a+b/" },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi", 0, "/" },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi?x=/y/", 0, "/" },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgix/y/", 0, "/" },
		{ "PATH_INFO=", "REQUEST_URI=/posts/", 0, "/" },
		/* A server's own PATH_INFO always wins. */
		{ "PATH_INFO=/hello", "REQUEST_URI=/cgi-bin/index.cgi/other/", 0, "/hello" },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi/%zz/", 400, NULL },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi/a%00b/", 400, NULL },
		{ "PATH_INFO=", "REQUEST_URI=/cgi-bin/index.cgi/%ff/", 400, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { "REQUEST_METHOD=GET",
		    "SCRIPT_NAME=/cgi-bin/index.cgi", rows[i].path_info,
		    rows[i].uri, NULL };

		assert_int_equal(parse_env(env), rows[i].status);
		if (rows[i].path != NULL)
			assert_string_equal(req.path, rows[i].path);
		wk_arena_free(&arena);
		wk_arena_init(&arena);
	}
}

/* PATH_INFO comes decoded from the server (RFC 3875 4.1.5): it is taken
 * as is, never decoded a second time. */
static void
test_path_rules(void **state)
{
	static const struct {
		const char *env;
		const char *path;
	} rows[] = {
		{ "PATH_INFO=", "/" },
		{ "PATH_INFO=/", "/" },
		{ "PATH_INFO=/caf\xc3\xa9/", "/caf\xc3\xa9/" },
		{ "PATH_INFO=/\xf0\x9f\x98\x80", "/\xf0\x9f\x98\x80" },
		{ "PATH_INFO=/a+b", "/a+b" },          /* no '+' rule in paths */
		{ "PATH_INFO=/100%", "/100%" },        /* client sent %25 */
		{ "PATH_INFO=/a%2541", "/a%2541" },    /* no double decoding */
		{ "PATH_INFO=/a%2Fb", "/a%2Fb" },
		{ "PATH_INFO=/a b", "/a b" },
		{ "PATH_INFO=relative", "/relative" },
		{ "PATH_INFO=/x\r\ny", "/x\r\ny" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { rows[i].env, NULL };

		assert_int_equal(parse_env(env), 0);
		assert_string_equal(req.path, rows[i].path);
		assert_string_equal(req.raw_path, rows[i].env + 10);
	}
	{
		const char *env[] = { NULL };

		assert_int_equal(parse_env(env), 0);
		assert_string_equal(req.path, "/");
		assert_string_equal(req.raw_path, "");
	}
}

/* What the server hands over after decoding hostile escapes. */
static const char *const bad_path_bytes[] = {
	"\xc0\xaf",              /* %C0%AF: overlong '/' */
	"\xc1\xbf",
	"\xe0\x80\xaf",          /* overlong, 3 bytes */
	"\xf0\x80\x80\xaf",      /* overlong, 4 bytes */
	"\xed\xa0\x80",          /* %ED%A0%80: surrogate */
	"\xed\xbf\xbf",
	"\xf4\x90\x80\x80",      /* %F4%90%80%80: above U+10FFFF */
	"\xf5\x80\x80\x80",
	"\xff", "\x80", "\xc3", "\xe2\x82", "\xc3\x28", "a\xfe",
};

/* Hostile percent sequences, each tried in the path, the query string and
 * a form body. */
static const char *const bad_encodings[] = {
	"%",             /* truncated */
	"%4",            /* truncated */
	"%zz",           /* not hex */
	"%4g",
	"%%41",
	"%00",           /* NUL */
	"a%00b",
	"%C0%AF",        /* overlong '/' */
	"%C1%BF",        /* overlong */
	"%E0%80%AF",     /* overlong, 3 bytes */
	"%F0%80%80%AF",  /* overlong, 4 bytes */
	"%ED%A0%80",     /* UTF-16 surrogate */
	"%ED%BF%BF",     /* surrogate */
	"%F4%90%80%80",  /* above U+10FFFF */
	"%F5%80%80%80",
	"%FF",
	"%80",           /* lone continuation byte */
	"%C3",           /* truncated sequence */
	"%E2%82",        /* truncated sequence */
	"%C3%28",        /* bad continuation */
	"\xc0\xaf",      /* raw overlong */
	"\xed\xa0\x80",  /* raw surrogate */
	"\xff",
};

static void
test_bad_utf8_in_path(void **state)
{
	char entry[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_path_bytes) / sizeof(bad_path_bytes[0]);
	    i++) {
		const char *env[] = { entry, NULL };

		snprintf(entry, sizeof(entry), "PATH_INFO=/x/%s/y",
		    bad_path_bytes[i]);
		assert_int_equal(parse_env(env), 400);
		assert_int_equal(req.error_status, 400);
		assert_string_equal(req.error, "Invalid UTF-8 in path");
		/* A refused request still has safe fields to answer with. */
		assert_string_equal(req.path, "/");
		assert_string_equal(req.scheme, "http");
		assert_string_equal(req.method_name, "GET");
		assert_string_equal(req.host, "localhost");
	}
}

static void
test_bad_encoding_in_query(void **state)
{
	char entry[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_encodings) / sizeof(bad_encodings[0]);
	    i++) {
		const char *env[] = { entry, NULL };

		/* in the value */
		snprintf(entry, sizeof(entry), "QUERY_STRING=ok=1&v=%s",
		    bad_encodings[i]);
		assert_int_equal(parse_env(env), 400);
		assert_non_null(strstr(req.error, "in query string"));
		/* in the name */
		snprintf(entry, sizeof(entry), "QUERY_STRING=%s=1",
		    bad_encodings[i]);
		assert_int_equal(parse_env(env), 400);
		assert_non_null(strstr(req.error, "in query string"));
	}
}

static void
test_bad_encoding_in_body(void **state)
{
	const char *env[] = {
		"REQUEST_METHOD=POST",
		"CONTENT_TYPE=application/x-www-form-urlencoded",
		"CONTENT_LENGTH=64", NULL
	};
	char body[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_encodings) / sizeof(bad_encodings[0]);
	    i++) {
		memset(body, 'x', sizeof(body));
		memcpy(body, "a=", 2);
		memcpy(body + 2, bad_encodings[i], strlen(bad_encodings[i]));
		assert_int_equal(parse_mem(env, body, sizeof(body)), 400);
		assert_non_null(strstr(req.error, "in request body"));
	}
	/* A raw NUL byte in a form body is refused too. */
	memcpy(body, "a=1&b=\0", 7);
	assert_int_equal(parse_mem(env, body, sizeof(body)), 400);
	assert_string_equal(req.error, "NUL byte in request body");
}

static void
test_error_messages(void **state)
{
	const char *e1[] = { "QUERY_STRING=a=%zz", NULL };
	const char *e2[] = { "QUERY_STRING=a=%00", NULL };
	const char *e3[] = { "QUERY_STRING=a=%C0%AF", NULL };

	(void)state;
	assert_int_equal(parse_env(e1), 400);
	assert_string_equal(req.error, "Invalid percent-encoding in query string");
	assert_int_equal(parse_env(e2), 400);
	assert_string_equal(req.error, "NUL byte in query string");
	assert_int_equal(parse_env(e3), 400);
	assert_string_equal(req.error, "Invalid UTF-8 in query string");
}

static void
test_crlf_in_values(void **state)
{
	const char *ok[] = { "QUERY_STRING=t=line1%0D%0Aline2%0ASet-Cookie:x",
		NULL };
	const char *bad1[] = { "HTTP_X_EVIL=a\r\nSet-Cookie: x=1", NULL };
	const char *bad2[] = { "HTTP_X_EVIL=a\nb", NULL };
	const char *bad3[] = { "CONTENT_TYPE=text/plain\r\nX: y", NULL };

	(void)state;
	/* Decoded CRLF is data (textareas send it); the response layer is
	 * what refuses CR/LF in headers. */
	assert_int_equal(parse_env(ok), 0);
	assert_string_equal(wk_request_get(&req, "t"),
	    "line1\r\nline2\nSet-Cookie:x");
	/* A raw line break in a header value can only be an injection. */
	assert_int_equal(parse_env(bad1), 400);
	assert_string_equal(req.error, "Line break in a request header value");
	assert_int_equal(parse_env(bad2), 400);
	assert_int_equal(parse_env(bad3), 400);
}

/* ---- size limits --------------------------------------------------------- */

static void
test_url_limits(void **state)
{
	size_t big = (size_t)1 << 20;
	char *qs = malloc(big + 32);
	const char *env[] = { qs, NULL };

	(void)state;
	assert_non_null(qs);
	assert_true(settings.max_url < big);
	memcpy(qs, "QUERY_STRING=", 13);
	memset(qs + 13, 'a', big);
	qs[13 + big] = '\0';
	assert_int_equal(parse_env(env), 414);
	assert_int_equal(req.error_status, 414);
	assert_non_null(strstr(req.error, "URL exceeds"));

	/* Exactly at the limit passes; one more byte does not. */
	settings.max_url = 100;
	memcpy(qs, "PATH_INFO=/", 11);
	memset(qs + 11, 'p', 99);
	qs[110] = '\0';
	assert_int_equal(parse_env(env), 0);
	qs[110] = 'p';
	qs[111] = '\0';
	assert_int_equal(parse_env(env), 414);
	free(qs);
}

/* "QUERY_STRING=" or a body of n fields "f0=0&f1=1&..." */
static char *
make_fields(const char *prefix, size_t n, size_t *len)
{
	size_t cap = strlen(prefix) + n * 24 + 1, off, i;
	char *s = malloc(cap);
	int w;

	assert_non_null(s);
	off = (size_t)snprintf(s, cap, "%s", prefix);
	for (i = 0; i < n; i++) {
		w = snprintf(s + off, cap - off, "%sf%zu=%zu", i ? "&" : "", i,
		    i);
		assert_true(w > 0 && (size_t)w < cap - off);
		off += (size_t)w;
	}
	*len = off;
	return s;
}

static void
test_field_limits(void **state)
{
	const char *post_env[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=0",
		"CONTENT_TYPE=application/x-www-form-urlencoded", NULL
	};
	char cl[32];
	size_t len;
	char *s;

	(void)state;
	settings.max_url = (size_t)16 << 20;
	settings.max_fields = 1000;

	/* 100,000 fields in the query string. */
	s = make_fields("QUERY_STRING=", 100000, &len);
	{
		const char *env[] = { s, NULL };

		assert_int_equal(parse_env(env), 400);
		assert_string_equal(req.error,
		    "Too many fields (limit 1000) in query string");
		/* refused early: never stored more than the limit */
		assert_true(req.get.len <= 1000);
	}
	free(s);

	/* Exactly 1000 pass, 1001 do not. */
	s = make_fields("QUERY_STRING=", 1000, &len);
	{
		const char *env[] = { s, NULL };

		assert_int_equal(parse_env(env), 0);
		assert_int_equal(req.get.len, 1000);
		assert_string_equal(wk_request_get(&req, "f999"), "999");
	}
	free(s);
	s = make_fields("QUERY_STRING=", 1001, &len);
	{
		const char *env[] = { s, NULL };

		assert_int_equal(parse_env(env), 400);
	}
	free(s);

	/* The same in a form body. */
	settings.max_body = (size_t)8 << 20;
	s = make_fields("", 100000, &len);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", len);
	post_env[1] = cl;
	assert_int_equal(parse_mem(post_env, s, len), 400);
	assert_string_equal(req.error,
	    "Too many fields (limit 1000) in request body");
	free(s);
	s = make_fields("", 1000, &len);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", len);
	assert_int_equal(parse_mem(post_env, s, len), 0);
	assert_int_equal(req.post.len, 1000);
	free(s);
}

static void
test_header_limits(void **state)
{
	char *big = malloc(20000);
	const char *env[] = { big, NULL };
	char *many[40];
	size_t i;

	(void)state;
	assert_non_null(big);
	settings.max_header = 100;
	settings.max_headers_total = 1000;
	/* "X_LONG: " + value: 6 + 2 + 92 = 100 bytes is the limit. */
	memcpy(big, "HTTP_X_LONG=", 12);
	memset(big + 12, 'v', 92);
	big[104] = '\0';
	assert_int_equal(parse_env(env), 0);
	big[104] = 'v';
	big[105] = '\0';
	assert_int_equal(parse_env(env), 400);
	assert_string_equal(req.error,
	    "Request header exceeds the 100-byte limit");
	/* A long Content-Type counts too. */
	memcpy(big, "CONTENT_TYPE=", 13);
	memset(big + 13, 't', 200);
	big[213] = '\0';
	assert_int_equal(parse_env(env), 400);

	/* Many small headers exceeding the total. */
	for (i = 0; i < 39; i++) {
		many[i] = malloc(64);
		assert_non_null(many[i]);
		snprintf(many[i], 64, "HTTP_X_H%02zu=%040zu", i, i);
	}
	many[39] = NULL;
	assert_int_equal(parse_env((const char *const *)many), 400);
	assert_string_equal(req.error,
	    "Request headers exceed the 1000-byte limit");
	settings.max_headers_total = 100000;
	assert_int_equal(parse_env((const char *const *)many), 0);
	assert_string_equal(wk_request_header(&req, "X-H07"),
	    "0000000000000000000000000000000000000007");
	for (i = 0; i < 39; i++)
		free(many[i]);
	free(big);
}

static void
test_header_flood_is_bounded(void **state)
{
	/* 20,000 headers: refused, and only those within the total limit
	 * were ever stored. */
	size_t n = 20000, i;
	char **env = calloc(n + 2, sizeof(*env));
	char (*store)[32] = calloc(n, sizeof(*store));

	(void)state;
	assert_non_null(env);
	assert_non_null(store);
	settings.max_headers_total = 1000;
	env[0] = (char *)(uintptr_t)"REQUEST_METHOD=GET";
	for (i = 0; i < n; i++) {
		snprintf(store[i], sizeof(store[i]), "HTTP_X%zu=v", i);
		env[i + 1] = store[i];
	}
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env, NULL),
	    400);
	assert_string_equal(req.error,
	    "Request headers exceed the 1000-byte limit");
	assert_true(req.headers.len < 200);
	assert_null(wk_request_header(&req, "Content-Type"));
	free(store);
	free(env);
}

/* ---- query strings and duplicates ---------------------------------------- */

static void
test_query_rules(void **state)
{
	const char *env[] = {
		"QUERY_STRING=a=1&b=2&a=3&&flag&=empty&s=x+y%2Bz&semi=1;2&"
		"eq=a=b&u=%E2%9C%93", NULL
	};
	const char *vals[4];

	(void)state;
	assert_int_equal(parse_env(env), 0);
	/* Duplicates: all kept in order, the last wins. */
	assert_string_equal(wk_request_get(&req, "a"), "3");
	assert_int_equal(wk_kv_get_all(&req.get, "a", vals, 4), 2);
	assert_string_equal(vals[0], "1");
	assert_string_equal(vals[1], "3");
	assert_string_equal(req.get.items[0].name, "a");
	assert_string_equal(req.get.items[1].name, "b");
	assert_string_equal(req.get.items[2].name, "a");
	/* "flag" has an empty value; empty pairs are skipped. */
	assert_string_equal(wk_request_get(&req, "flag"), "");
	assert_string_equal(wk_request_get(&req, ""), "empty");
	assert_string_equal(wk_request_get(&req, "s"), "x y+z");
	/* ';' is data, not a separator. */
	assert_string_equal(wk_request_get(&req, "semi"), "1;2");
	assert_string_equal(wk_request_get(&req, "eq"), "a=b");
	assert_string_equal(wk_request_get(&req, "u"), "\xe2\x9c\x93");
	assert_int_equal(req.get.len, 9);
}

static void
test_parse_urlencoded_direct(void **state)
{
	struct wk_kvlist l;
	const char *why = NULL;
	size_t count = 0;

	(void)state;
	memset(&l, 0, sizeof(l));
	/* The count carries across calls. */
	assert_int_equal(wk_parse_urlencoded(&arena, &l, "a=1&b=2", 7, 3,
	    &count, &why), 0);
	assert_int_equal(count, 2);
	assert_int_equal(wk_parse_urlencoded(&arena, &l, "c=3&d=4", 7, 3,
	    &count, &why), 400);
	assert_non_null(why);
	assert_int_equal(count, 3);
	assert_int_equal(l.len, 3);
	/* Only n bytes are read. */
	count = 0;
	memset(&l, 0, sizeof(l));
	assert_int_equal(wk_parse_urlencoded(&arena, &l, "k=v%zz", 3, 10,
	    &count, &why), 0);
	assert_string_equal(wk_kv_get(&l, "k"), "v");
	assert_int_equal(wk_parse_urlencoded(&arena, &l, "k=%4", 4, 10,
	    &count, &why), 400);
	assert_string_equal(why, "Invalid percent-encoding");
}

static void
test_url_decode_direct(void **state)
{
	size_t len = 99;
	int bad = 99;
	char *s;

	(void)state;
	s = wk_url_decode(&arena, "a+b%20c", 7, 1, &len, &bad);
	assert_string_equal(s, "a b c");
	assert_int_equal(len, 5);
	assert_int_equal(bad, 0);
	s = wk_url_decode(&arena, "a+b", 3, 0, &len, &bad);
	assert_string_equal(s, "a+b");
	s = wk_url_decode(&arena, "", 0, 1, &len, &bad);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	s = wk_url_decode(&arena, "%e2%9C%93", 9, 0, &len, &bad);
	assert_string_equal(s, "\xe2\x9c\x93");
	assert_int_equal(len, 3);
	assert_null(wk_url_decode(&arena, "%2", 2, 0, &len, &bad));
	assert_int_equal(bad, 1);
	bad = 0;
	assert_null(wk_url_decode(&arena, "%00", 3, 0, &len, &bad));
	assert_int_equal(bad, 1);
	bad = 0;
	assert_null(wk_url_decode(&arena, "%ed%a0%80", 9, 0, &len, &bad));
	assert_int_equal(bad, 1);
}

static void
test_utf8_table(void **state)
{
	static const struct {
		const char *s;
		int valid;
	} rows[] = {
		{ "", 1 }, { "plain", 1 }, { "\xc2\x80", 1 },
		{ "\xdf\xbf", 1 }, { "\xe0\xa0\x80", 1 }, { "\xef\xbf\xbf", 1 },
		{ "\xed\x9f\xbf", 1 }, { "\xee\x80\x80", 1 },
		{ "\xf0\x90\x80\x80", 1 }, { "\xf4\x8f\xbf\xbf", 1 },
		{ "\xc0\x80", 0 }, { "\xc1\xbf", 0 }, { "\xe0\x9f\xbf", 0 },
		{ "\xf0\x8f\xbf\xbf", 0 }, { "\xed\xa0\x80", 0 },
		{ "\xed\xbf\xbf", 0 }, { "\xf4\x90\x80\x80", 0 },
		{ "\xf5\x80\x80\x80", 0 }, { "\xf8\x88\x80\x80\x80", 0 },
		{ "\x80", 0 }, { "\xbf", 0 }, { "\xc2", 0 }, { "\xe2\x82", 0 },
		{ "\xf0\x9f\x98", 0 }, { "\xc3\x28", 0 }, { "a\xfe", 0 },
		{ "\xff", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(wk_utf8_valid(rows[i].s, strlen(rows[i].s)),
		    rows[i].valid);
	/* Length is honoured: a valid prefix of an invalid string. */
	assert_int_equal(wk_utf8_valid("ab\xff", 2), 1);
	/* NUL is valid UTF-8; the decoder refuses it separately. */
	assert_int_equal(wk_utf8_valid("a\0b", 3), 1);
}

/* ---- Content-Length and the body ----------------------------------------- */

static void
test_content_length_table(void **state)
{
	static const struct {
		const char *cl;
		size_t body_len;   /* bytes available in memory */
		int status;
		size_t expect_len; /* body_len in the request when 0 */
	} rows[] = {
		{ "CONTENT_LENGTH=5", 5, 0, 5 },
		{ "CONTENT_LENGTH=005", 5, 0, 5 },
		{ "CONTENT_LENGTH=", 5, 0, 0 },
		{ "CONTENT_LENGTH=0", 5, 0, 0 },
		{ "CONTENT_LENGTH=3", 11, 0, 3 },     /* extra bytes ignored */
		{ "CONTENT_LENGTH=10", 5, 400, 0 },   /* shorter than said */
		{ "CONTENT_LENGTH=-1", 5, 400, 0 },
		{ "CONTENT_LENGTH=-0", 5, 400, 0 },
		{ "CONTENT_LENGTH=+5", 5, 400, 0 },
		{ "CONTENT_LENGTH= 5", 5, 400, 0 },
		{ "CONTENT_LENGTH=5 ", 5, 400, 0 },
		{ "CONTENT_LENGTH=0x10", 5, 400, 0 },
		{ "CONTENT_LENGTH=abc", 5, 400, 0 },
		{ "CONTENT_LENGTH=5abc", 5, 400, 0 },
		{ "CONTENT_LENGTH=1e3", 5, 400, 0 },
		{ "CONTENT_LENGTH=5.0", 5, 400, 0 },
		{ "CONTENT_LENGTH=5,5", 5, 400, 0 },
		{ "CONTENT_LENGTH=\xd9\xa5", 5, 400, 0 }, /* Arabic-Indic 5 */
		{ "CONTENT_LENGTH=99999999999999999999999999", 5, 400, 0 },
		{ "CONTENT_LENGTH=18446744073709551616", 5, 400, 0 },
		{ "CONTENT_LENGTH=18446744073709551615", 5, 413, 0 },
		{ "CONTENT_LENGTH=2621441", 5, 413, 0 },
		{ "CONTENT_LENGTH=9223372036854775807", 5, 413, 0 },
	};
	static const char body[] = "hello world";
	size_t i;

	(void)state;
	settings.max_body = 2621440;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { "REQUEST_METHOD=POST", rows[i].cl,
			"CONTENT_TYPE=text/plain", NULL };

		assert_int_equal(parse_mem(env, body, rows[i].body_len),
		    rows[i].status);
		assert_int_equal(req.error_status, rows[i].status);
		if (rows[i].status == 0) {
			assert_int_equal(req.body_len, rows[i].expect_len);
			assert_int_equal(req.content_length, rows[i].expect_len);
			assert_memory_equal(req.body, body, req.body_len);
			assert_int_equal(req.body[req.body_len], '\0');
		} else {
			assert_non_null(req.error);
		}
	}
	{
		const char *env[] = { "CONTENT_LENGTH=2621441", NULL };

		assert_int_equal(parse_env(env), 413);
		assert_string_equal(req.error,
		    "Request body exceeds the 2621440-byte limit");
	}
	{
		const char *env[] = { "CONTENT_LENGTH=10", NULL };

		assert_int_equal(parse_mem(env, body, 5), 400);
		assert_string_equal(req.error,
		    "Request body ended after 5 of 10 bytes");
	}
	{
		const char *env[] = { "CONTENT_LENGTH=0x10", NULL };

		assert_int_equal(parse_env(env), 400);
		assert_string_equal(req.error, "Invalid Content-Length");
	}
}

static void
test_huge_length_allocates_nothing(void **state)
{
	const char *env[] = { "CONTENT_LENGTH=2000000000", NULL };

	(void)state;
	/* An arena too small for the claimed body: the 413 comes first. */
	arena.limit = 1 << 20;
	assert_int_equal(parse_env(env), 413);
	assert_true(arena.total < (1 << 20));
	/* Exactly max_body is fine when it arrives. */
	settings.max_body = 16;
	{
		const char *e2[] = { "CONTENT_LENGTH=16", NULL };

		assert_int_equal(parse_mem(e2, "0123456789abcdef", 16), 0);
		assert_int_equal(req.body_len, 16);
	}
	{
		const char *e3[] = { "CONTENT_LENGTH=17", NULL };

		assert_int_equal(parse_mem(e3, "0123456789abcdefg", 17), 413);
	}
}

static void
test_missing_body_source(void **state)
{
	char *env[] = { (char *)(uintptr_t)"REQUEST_METHOD=POST",
		(char *)(uintptr_t)"CONTENT_LENGTH=4", NULL };

	(void)state;
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env, NULL),
	    400);
	/* No body at all is fine without a source. */
	env[1] = NULL;
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env, NULL),
	    0);
}

static void
test_body_forms_and_raw(void **state)
{
	static const struct {
		const char *method;
		const char *ct;
		int parsed;
	} rows[] = {
		{ "REQUEST_METHOD=POST",
		  "CONTENT_TYPE=application/x-www-form-urlencoded", 1 },
		{ "REQUEST_METHOD=POST",
		  "CONTENT_TYPE=application/x-www-form-urlencoded; charset=utf-8",
		  1 },
		{ "REQUEST_METHOD=POST",
		  "CONTENT_TYPE=Application/X-WWW-Form-URLEncoded;charset=UTF-8",
		  1 },
		{ "REQUEST_METHOD=POST",
		  "CONTENT_TYPE=application/x-www-form-urlencoded ", 1 },
		{ "REQUEST_METHOD=POST",
		  "CONTENT_TYPE=application/x-www-form-urlencodedx", 0 },
		{ "REQUEST_METHOD=POST", "CONTENT_TYPE=application/json", 0 },
		{ "REQUEST_METHOD=POST",
		  "CONTENT_TYPE=multipart/form-data; boundary=x", 0 },
		{ "REQUEST_METHOD=POST", "NO_CONTENT_TYPE=1", 0 },
		{ "REQUEST_METHOD=PUT",
		  "CONTENT_TYPE=application/x-www-form-urlencoded", 0 },
	};
	static const char body[] = "title=Hi+there&tag=a&tag=b";
	const char *tags[3];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { rows[i].method, rows[i].ct,
			"CONTENT_LENGTH=26", NULL };

		assert_int_equal(parse_mem(env, body, 26), 0);
		assert_string_equal(req.body, body);
		assert_int_equal(req.body_len, 26);
		if (rows[i].parsed) {
			assert_string_equal(wk_request_post(&req, "title"),
			    "Hi there");
			assert_int_equal(wk_kv_get_all(&req.post, "tag", tags,
			    3), 2);
			assert_string_equal(tags[0], "a");
			assert_string_equal(tags[1], "b");
			assert_string_equal(wk_request_post(&req, "tag"), "b");
		} else {
			assert_int_equal(req.post.len, 0);
		}
	}
	/* A binary body keeps its NULs and length. */
	{
		const char *env[] = { "REQUEST_METHOD=POST",
			"CONTENT_TYPE=application/octet-stream",
			"CONTENT_LENGTH=5", NULL };

		assert_int_equal(parse_mem(env, "a\0b\0c", 5), 0);
		assert_int_equal(req.body_len, 5);
		assert_memory_equal(req.body, "a\0b\0c", 5);
	}
}

/* A child that writes the pieces with pauses, then optionally stays. */
static pid_t
writer(int fd, const char *const *pieces, int pause_ms, int linger_ms)
{
	pid_t pid = fork();
	size_t i;

	assert_true(pid >= 0);
	if (pid == 0) {
		for (i = 0; pieces[i] != NULL; i++) {
			size_t n = strlen(pieces[i]), off = 0;

			while (off < n) {
				ssize_t w = write(fd, pieces[i] + off, n - off);

				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					_exit(1);
				off += (size_t)w;
			}
			usleep((useconds_t)pause_ms * 1000);
		}
		usleep((useconds_t)linger_ms * 1000);
		_exit(0);
	}
	return pid;
}

static void
reap(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

static void
test_body_pipe_never_arrives(void **state)
{
	const char *env[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=10", NULL };
	long long t0, dt;
	int p[2];

	(void)state;
	settings.read_timeout_ms = 200;
	assert_int_equal(pipe(p), 0);
	/* The write end stays open: the client just never sends. */
	t0 = ms_now();
	assert_int_equal(parse_fd(env, p[0]), 400);
	dt = ms_now() - t0;
	assert_true(dt >= 150);
	assert_true(dt < 2000);
	assert_string_equal(req.error,
	    "Request body timed out after 0 of 10 bytes");
	close(p[0]);
	close(p[1]);
}

static void
test_body_pipe_trickles_past_deadline(void **state)
{
	/* Each byte comes before a per-read timeout would fire, but the
	 * total deadline still ends it (slowloris). */
	const char *env[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=100",
		NULL };
	const char *pieces[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i",
		"j", "k", "l", NULL };
	long long t0, dt;
	pid_t pid;
	int p[2];

	(void)state;
	settings.read_timeout_ms = 300;
	assert_int_equal(pipe(p), 0);
	pid = writer(p[1], pieces, 100, 2000);
	close(p[1]);
	t0 = ms_now();
	assert_int_equal(parse_fd(env, p[0]), 400);
	dt = ms_now() - t0;
	assert_true(dt < 1500);
	assert_non_null(strstr(req.error, "timed out"));
	close(p[0]);
	reap(pid);
}

static void
test_body_pipe_in_chunks(void **state)
{
	const char *env[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=21",
		"CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *pieces[] = { "na", "me=Ada+Lo", "velace&", "x=1", NULL };
	pid_t pid;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	pid = writer(p[1], pieces, 30, 0);
	close(p[1]);
	assert_int_equal(parse_fd(env, p[0]), 0);
	assert_string_equal(req.body, "name=Ada+Lovelace&x=1");
	assert_int_equal(req.body_len, 21);
	assert_string_equal(wk_request_post(&req, "name"), "Ada Lovelace");
	close(p[0]);
	reap(pid);
}

static void
test_body_pipe_nonblocking(void **state)
{
	/* An fd in O_NONBLOCK mode (EAGAIN between chunks) works the same. */
	const char *env[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=9", NULL };
	const char *pieces[] = { "abc", "def", "ghi", NULL };
	pid_t pid;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	pid = writer(p[1], pieces, 40, 0);
	close(p[1]);
	assert_int_equal(parse_fd(env, p[0]), 0);
	assert_string_equal(req.body, "abcdefghi");
	close(p[0]);
	reap(pid);
}

static void
test_body_pipe_ends_early(void **state)
{
	const char *env[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=50", NULL };
	const char *pieces[] = { "only ", "twelve", NULL };
	long long t0;
	pid_t pid;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	pid = writer(p[1], pieces, 10, 0);
	close(p[1]);
	t0 = ms_now();
	assert_int_equal(parse_fd(env, p[0]), 400);
	/* EOF is noticed at once, not at the deadline. */
	assert_true(ms_now() - t0 < 1000);
	assert_string_equal(req.error, "Request body ended after 11 of 50 bytes");
	close(p[0]);
	reap(pid);
}

static void
test_body_pipe_large_and_extra(void **state)
{
	/* A body larger than a pipe buffer, followed by bytes that are not
	 * ours: exactly CONTENT_LENGTH is read, the rest left alone. */
	size_t n = 300000;
	char *big = malloc(n + 8), cl[40], rest[8];
	const char *env[] = { "REQUEST_METHOD=POST", cl, NULL };
	const char *pieces[] = { big, NULL };
	size_t got;
	ssize_t r;
	pid_t pid;
	int p[2];

	(void)state;
	assert_non_null(big);
	memset(big, 'z', n);
	memcpy(big + n, "EXTRA", 6);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", n);
	assert_int_equal(pipe(p), 0);
	pid = writer(p[1], pieces, 0, 0);
	close(p[1]);
	assert_int_equal(parse_fd(env, p[0]), 0);
	assert_int_equal(req.body_len, n);
	assert_int_equal(req.body[n - 1], 'z');
	assert_int_equal(req.body[n], '\0');
	for (got = 0; got < 5; got += (size_t)r) {
		r = read(p[0], rest + got, 5 - got);
		assert_true(r > 0);
	}
	assert_memory_equal(rest, "EXTRA", 5);
	close(p[0]);
	reap(pid);
	free(big);
}

static void
test_body_bad_fd(void **state)
{
	const char *env[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=3", NULL };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	close(p[1]);
	/* p[0] is now closed: poll reports POLLNVAL. */
	assert_int_equal(parse_fd(env, p[0]), 400);
	assert_string_equal(req.error, "Could not read the request body");
}

/* ---- headers, httpoxy, HTTPS --------------------------------------------- */

static void
test_headers_and_httpoxy(void **state)
{
	const char *env[] = {
		"HTTP_USER_AGENT=Mozilla/5.0", "HTTP_PROXY=http://evil:3128",
		"HTTP_ACCEPT=text/html", "HTTP_X_DUP=first", "HTTP_X_DUP=second",
		"CONTENT_TYPE=application/json", "CONTENT_LENGTH=2",
		"HTTP_CONTENT_TYPE=text/evil", "HTTP_CONTENT_LENGTH=999", NULL
	};
	size_t i;

	(void)state;
	assert_int_equal(parse_mem(env, "{}", 2), 0);
	assert_string_equal(wk_request_header(&req, "User-Agent"),
	    "Mozilla/5.0");
	assert_string_equal(wk_request_header(&req, "user-agent"),
	    "Mozilla/5.0");
	assert_string_equal(wk_request_header(&req, "USER_AGENT"),
	    "Mozilla/5.0");
	assert_string_equal(wk_request_header(&req, "Accept"), "text/html");
	assert_null(wk_request_header(&req, "Accept-Language"));
	assert_null(wk_request_header(&req, "User"));
	assert_null(wk_request_header(&req, "User-Agent-X"));
	/* httpoxy: not a header at all. */
	assert_null(wk_request_header(&req, "Proxy"));
	for (i = 0; i < req.headers.len; i++)
		assert_string_not_equal(req.headers.items[i].name, "PROXY");
	/* Duplicates in the environment: the first, as getenv. */
	assert_string_equal(wk_request_header(&req, "X-Dup"), "first");
	/* Content-Type/Length: the real CGI variables, not HTTP_*. */
	assert_string_equal(wk_request_header(&req, "Content-Type"),
	    "application/json");
	assert_string_equal(wk_request_header(&req, "Content-Length"), "2");
	assert_string_equal(req.content_type, "application/json");
	assert_int_equal(req.content_length, 2);
}

static void
test_scheme_table(void **state)
{
	static const struct {
		const char *a, *b;
		int trust;
		int secure;
	} rows[] = {
		{ "HTTPS=on", NULL, 0, 1 },
		{ "HTTPS=ON", NULL, 0, 1 },
		{ "HTTPS=1", NULL, 0, 1 },
		{ "HTTPS=off", NULL, 0, 0 },
		{ "HTTPS=", NULL, 0, 0 },
		{ "HTTPS=yes", NULL, 0, 0 },
		{ "REQUEST_SCHEME=https", NULL, 0, 1 },
		{ "REQUEST_SCHEME=HTTPS", NULL, 0, 1 },
		{ "REQUEST_SCHEME=http", NULL, 0, 0 },
		{ "X=1", NULL, 0, 0 },
		/* X-Forwarded-Proto ignored unless trusted */
		{ "HTTP_X_FORWARDED_PROTO=https", NULL, 0, 0 },
		{ "HTTP_X_FORWARDED_PROTO=https", NULL, 1, 1 },
		{ "HTTP_X_FORWARDED_PROTO= HTTPS , http", NULL, 1, 1 },
		{ "HTTP_X_FORWARDED_PROTO=http, https", NULL, 1, 0 },
		{ "HTTP_X_FORWARDED_PROTO=httpsx", NULL, 1, 0 },
		/* a trusted proxy's word decides */
		{ "HTTP_X_FORWARDED_PROTO=http", "HTTPS=on", 1, 0 },
		{ "HTTP_X_FORWARDED_PROTO=http", "HTTPS=on", 0, 1 },
		{ "X=1", "HTTPS=on", 1, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { rows[i].a, rows[i].b, NULL };

		settings.trust_x_forwarded_proto = rows[i].trust;
		assert_int_equal(parse_env(env), 0);
		assert_int_equal(req.is_secure, rows[i].secure);
		assert_string_equal(req.scheme,
		    rows[i].secure ? "https" : "http");
	}
}

/* ---- Host ---------------------------------------------------------------- */

static void
test_host_table(void **state)
{
	static const struct {
		const char *host;  /* HTTP_HOST value */
		const char *parsed; /* req->host after parse */
		int status;         /* wk_request_check_host */
	} rows[] = {
		{ "localhost", "localhost", 0 },
		{ "LOCALHOST", "localhost", 0 },
		{ "localhost:8000", "localhost", 0 },
		{ "localhost.", "localhost", 0 },
		{ "localhost.:80", "localhost", 0 },
		{ "example.com", "example.com", 0 },
		{ "www.example.com", "www.example.com", 0 },
		{ "a.b.Example.COM:443", "a.b.example.com", 0 },
		{ "badexample.com", "badexample.com", 400 },
		{ "example.com.evil.org", "example.com.evil.org", 400 },
		{ "xample.com", "xample.com", 400 },
		{ "[::1]", "[::1]", 0 },
		{ "[::1]:8000", "[::1]", 0 },
		{ "[::2]:8000", "[::2]", 400 },
		{ "[0:0:0:0:0:0:0:1]", "[0:0:0:0:0:0:0:1]", 400 },
		{ "10.0.0.1:81", "10.0.0.1", 0 },
		{ "10.0.0.2", "10.0.0.2", 400 },
		/* bad syntax */
		{ "", "", 400 },
		{ "exa mple.com", "", 400 },
		{ "example.com:", "", 400 },
		{ "example.com:abc", "", 400 },
		{ "example.com:80:80", "", 400 },
		{ "example.com:-1", "", 400 },
		{ "evil.com@example.com", "", 400 },
		{ "evil.com/example.com", "", 400 },
		{ "evil.com#.example.com", "", 400 },
		{ "a_b.example.com", "", 400 },
		{ "[::1", "", 400 },
		{ "[::1]x", "", 400 },
		{ "[::1]:", "", 400 },
		{ "[]", "", 400 },
		{ "[g::1]", "", 400 },
		{ "[1234]", "", 400 },
		{ "[:]", "", 400 },
		{ "[a:]", "", 400 },
		{ "[.:1]", "", 400 },
		{ "[::]", "[::]", 400 },
		{ "[::ffff:10.0.0.1]:443", "[::ffff:10.0.0.1]", 400 },
		{ ":80", "", 400 },
		{ "localhost\xc3\xa9", "", 400 },
		{ "localhost, example.com", "", 400 },
	};
	char entry[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { entry, NULL };

		snprintf(entry, sizeof(entry), "HTTP_HOST=%s", rows[i].host);
		assert_int_equal(parse_env(env), 0);
		assert_string_equal(req.host_port, rows[i].host);
		assert_string_equal(req.host, rows[i].parsed);
		assert_int_equal(wk_request_check_host(&req), rows[i].status);
		assert_int_equal(req.error_status, rows[i].status);
		if (rows[i].status != 0)
			assert_non_null(req.error);
	}
	{
		const char *env[] = { "HTTP_HOST=evil.org:80", NULL };

		assert_int_equal(parse_env(env), 0);
		assert_int_equal(wk_request_check_host(&req), 400);
		assert_string_equal(req.error,
		    "Host 'evil.org' is not in allowed_hosts");
	}
	{
		const char *env[] = { "HTTP_HOST=ev il", NULL };

		assert_int_equal(parse_env(env), 0);
		assert_int_equal(wk_request_check_host(&req), 400);
		assert_string_equal(req.error, "Invalid Host header");
	}
}

static void
test_host_patterns(void **state)
{
	static const struct {
		const char *pattern;
		const char *host;
		int ok;
	} rows[] = {
		{ "*", "anything.example", 1 },
		{ "*", "[::1]", 1 },
		{ ".example.com", "example.com", 1 },
		{ ".example.com", "sub.example.com", 1 },
		{ ".example.com", "a.b.example.com", 1 },
		{ ".example.com", "evilexample.com", 0 },
		{ ".example.com", "example.com.au", 0 },
		{ ".Example.COM", "www.example.com", 1 },
		{ "example.com", "example.com", 1 },
		{ "example.com", "www.example.com", 0 },
		{ "EXAMPLE.com", "example.com", 1 },
		{ "example.com:8000", "example.com:8000", 0 }, /* ports never */
		{ ".", "example.com", 0 },
		{ "", "example.com", 0 },
		{ "*.example.com", "www.example.com", 0 },    /* not a glob */
	};
	char entry[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { entry, NULL };

		settings.allowed_hosts[0] = rows[i].pattern;
		settings.n_allowed_hosts = 1;
		snprintf(entry, sizeof(entry), "HTTP_HOST=%s", rows[i].host);
		assert_int_equal(parse_env(env), 0);
		assert_int_equal(wk_request_check_host(&req),
		    rows[i].ok ? 0 : 400);
	}
	/* No allowed hosts: nothing passes. */
	settings.n_allowed_hosts = 0;
	{
		const char *env[] = { "HTTP_HOST=localhost", NULL };

		assert_int_equal(parse_env(env), 0);
		assert_int_equal(wk_request_check_host(&req), 400);
	}
}

static void
test_host_from_server_name(void **state)
{
	char *env[8];
	struct wk_mem_reader src;

	(void)state;
	env[0] = (char *)(uintptr_t)"REQUEST_METHOD=GET";
	env[1] = (char *)(uintptr_t)"SERVER_NAME=WWW.Example.com";
	env[2] = (char *)(uintptr_t)"SERVER_PORT=8080";
	env[3] = NULL;
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env,
	    wk_mem_reader_init(&src, NULL, 0)), 0);
	assert_string_equal(req.host_port, "WWW.Example.com:8080");
	assert_string_equal(req.host, "www.example.com");
	assert_string_equal(req.server_name, "WWW.Example.com");
	assert_string_equal(req.server_port, "8080");
	assert_int_equal(wk_request_check_host(&req), 0);

	/* The default port for the scheme is left out. */
	env[2] = (char *)(uintptr_t)"SERVER_PORT=443";
	env[3] = (char *)(uintptr_t)"HTTPS=on";
	env[4] = NULL;
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env, &src.base),
	    0);
	assert_string_equal(req.host_port, "WWW.Example.com");

	/* Neither Host nor SERVER_NAME. */
	env[1] = (char *)(uintptr_t)"X=1";
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env, &src.base),
	    0);
	assert_string_equal(req.host_port, "");
	assert_int_equal(wk_request_check_host(&req), 400);
	assert_string_equal(req.error, "Missing Host header");
}

/* ---- cookies ------------------------------------------------------------- */

static void
test_cookies(void **state)
{
	const char *env[] = {
		"HTTP_COOKIE=a=1; list=x,y,z; eq=k=v==; noequals; "
		"q=\"quoted\"; \t sp \t =\t pad \t;;  ; =nameless; "
		"bad=\xc3\x28; empty=; a=2; last=1;", NULL
	};
	const char *vals[4];

	(void)state;
	assert_int_equal(parse_env(env), 0);
	/* Duplicate names: all kept, the last wins. */
	assert_string_equal(wk_request_cookie(&req, "a"), "2");
	assert_int_equal(wk_kv_get_all(&req.cookies, "a", vals, 4), 2);
	assert_string_equal(vals[0], "1");
	/* ',' belongs to the value; so does every '=' after the first. */
	assert_string_equal(wk_request_cookie(&req, "list"), "x,y,z");
	assert_string_equal(wk_request_cookie(&req, "eq"), "k=v==");
	/* No '=': ignored.  Quotes: kept as sent. */
	assert_null(wk_request_cookie(&req, "noequals"));
	assert_string_equal(wk_request_cookie(&req, "q"), "\"quoted\"");
	/* Spaces and tabs trimmed around names and values. */
	assert_string_equal(wk_request_cookie(&req, "sp"), "pad");
	/* Empty name ignored, invalid UTF-8 dropped, empty value kept. */
	assert_null(wk_request_cookie(&req, ""));
	assert_null(wk_request_cookie(&req, "bad"));
	assert_string_equal(wk_request_cookie(&req, "empty"), "");
	assert_string_equal(wk_request_cookie(&req, "last"), "1");
	assert_null(wk_request_cookie(&req, "missing"));
	assert_int_equal(req.cookies.len, 8);
}

static void
test_cookie_edge_cases(void **state)
{
	static const struct {
		const char *header;
		size_t count;
	} rows[] = {
		{ "HTTP_COOKIE=", 0 },
		{ "HTTP_COOKIE=;;;", 0 },
		{ "HTTP_COOKIE==", 0 },
		{ "HTTP_COOKIE=a", 0 },
		{ "HTTP_COOKIE=a=", 1 },
		{ "HTTP_COOKIE= a = b ", 1 },
		{ "HTTP_COOKIE=a=b, c=d", 1 },   /* one cookie: "b, c=d" */
		{ "HTTP_COOKIE=\xff=1; ok=2", 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { rows[i].header, NULL };

		assert_int_equal(parse_env(env), 0);
		assert_int_equal(req.cookies.len, rows[i].count);
	}
	{
		const char *env[] = { "HTTP_COOKIE=a=b, c=d", NULL };

		assert_int_equal(parse_env(env), 0);
		assert_string_equal(wk_request_cookie(&req, "a"), "b, c=d");
	}
}

/* ---- methods ------------------------------------------------------------- */

static void
test_methods(void **state)
{
	static const struct {
		const char *name;
		enum wk_method m;
	} rows[] = {
		{ "GET", WK_METHOD_GET }, { "HEAD", WK_METHOD_HEAD },
		{ "POST", WK_METHOD_POST }, { "PUT", WK_METHOD_PUT },
		{ "PATCH", WK_METHOD_PATCH }, { "DELETE", WK_METHOD_DELETE },
		{ "OPTIONS", WK_METHOD_OPTIONS },
	};
	static const char *const others[] = { "get", "Get", "TRACE",
		"CONNECT", "PROPFIND", "GETX", "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(wk_method_from_name(rows[i].name), rows[i].m);
		assert_string_equal(wk_method_name(rows[i].m), rows[i].name);
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(wk_method_from_name(others[i]),
		    WK_METHOD_OTHER);
	assert_int_equal(wk_method_from_name(NULL), WK_METHOD_OTHER);
	assert_string_equal(wk_method_name(WK_METHOD_OTHER), "OTHER");
	assert_string_equal(wk_method_name(WK_METHOD__MAX), "OTHER");
	assert_string_equal(wk_method_name((enum wk_method)-1), "OTHER");
}

static void
test_request_methods(void **state)
{
	static const struct {
		const char *env;
		int status;
		enum wk_method m;
	} rows[] = {
		{ "REQUEST_METHOD=HEAD", 0, WK_METHOD_HEAD },
		{ "REQUEST_METHOD=DELETE", 0, WK_METHOD_DELETE },
		{ "REQUEST_METHOD=PROPFIND", 0, WK_METHOD_OTHER },
		{ "REQUEST_METHOD=get", 0, WK_METHOD_OTHER },
		{ "REQUEST_METHOD=", 400, WK_METHOD_OTHER },
		{ "REQUEST_METHOD=GE T", 400, WK_METHOD_OTHER },
		{ "REQUEST_METHOD=GET\r\n", 400, WK_METHOD_OTHER },
		{ "REQUEST_METHOD=G\xc3\xa9T", 400, WK_METHOD_OTHER },
		{ "REQUEST_METHOD=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 400,
		  WK_METHOD_OTHER },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *env[] = { rows[i].env, NULL };

		assert_int_equal(parse_env(env), rows[i].status);
		if (rows[i].status == 0)
			assert_int_equal(req.method, rows[i].m);
	}
	{
		char *env[] = { (char *)(uintptr_t)"PATH_INFO=/", NULL };

		assert_int_equal(wk_request_parse(&req, &arena, &settings, env,
		    NULL), 400);
		assert_string_equal(req.error, "Missing request method");
	}
}

/* ---- allocation failure ---------------------------------------------- */

static void
test_allocation_failures(void **state)
{
	/* A request big enough to need many arena chunks, parsed under every
	 * arena limit from nothing upwards: each run answers 0 or 500 and
	 * leaves every string field usable for the error page. */
	size_t body_len = 200000, qlen, lim, i;
	char *body = malloc(body_len), *qs, cl[40], hdr[50][40];
	const char *env[64];
	int rc, saw500 = 0, saw0 = 0;

	(void)state;
	assert_non_null(body);
	memcpy(body, "big=", 4);
	memset(body + 4, 'x', body_len - 4);
	qs = make_fields("QUERY_STRING=", 900, &qlen);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", body_len);
	settings.max_url = 1 << 20;
	i = 0;
	env[i++] = "REQUEST_METHOD=POST";
	env[i++] = "CONTENT_TYPE=application/x-www-form-urlencoded";
	env[i++] = cl;
	env[i++] = qs;
	env[i++] = "HTTP_COOKIE=a=1; b=2; c=3; d=4";
	for (; i < 55; i++) {
		snprintf(hdr[i - 5], sizeof(hdr[0]), "HTTP_X_H%zu=value%zu",
		    i, i);
		env[i] = hdr[i - 5];
	}
	env[i] = NULL;
	for (lim = 0; lim <= ((size_t)1 << 20); lim += 4096) {
		wk_arena_free(&arena);
		wk_arena_init(&arena);
		arena.limit = lim == 0 ? 1 : lim;
		rc = parse_mem(env, body, body_len);
		assert_true(rc == 0 || rc == 500);
		assert_int_equal(req.error_status, rc);
		assert_non_null(req.path);
		assert_non_null(req.method_name);
		assert_non_null(req.host);
		assert_non_null(req.host_port);
		assert_non_null(req.scheme);
		assert_non_null(req.query_string);
		assert_non_null(req.content_type);
		assert_non_null(req.body);
		if (rc == 500) {
			assert_string_equal(req.error, "Out of memory");
			saw500 = 1;
		} else {
			assert_int_equal(req.get.len, 900);
			assert_int_equal(req.post.len, 1);
			assert_int_equal(req.cookies.len, 4);
			saw0 = 1;
		}
	}
	assert_true(saw500 && saw0);
	free(qs);
	free(body);
}

/* ---- route arguments ----------------------------------------------------- */

static void
test_route_args(void **state)
{
	static const struct {
		const char *value;
		int rc;
		long long n;
	} rows[] = {
		{ "0", 0, 0 }, { "42", 0, 42 }, { "-7", 0, -7 },
		{ "007", 0, 7 },
		{ "9223372036854775807", 0, 9223372036854775807LL },
		{ "-9223372036854775808", 0, (-9223372036854775807LL - 1) },
		{ "9223372036854775808", -1, 0 },
		{ "-9223372036854775809", -1, 0 },
		{ "99999999999999999999999", -1, 0 },
		{ "", -1, 0 }, { "-", -1, 0 }, { "+1", -1, 0 }, { " 1", -1, 0 },
		{ "1 ", -1, 0 }, { "1x", -1, 0 }, { "0x10", -1, 0 },
	};
	long long n;
	size_t i;

	(void)state;
	assert_int_equal(parse_env(NULL), 0);
	assert_null(wk_request_arg(&req, "id"));
	assert_int_equal(wk_request_arg_long(&req, "id", &n), -1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = 12345;
		assert_int_equal(wk_kv_set(&arena, &req.args, "id",
		    rows[i].value, strlen(rows[i].value)), 0);
		assert_string_equal(wk_request_arg(&req, "id"), rows[i].value);
		assert_int_equal(wk_request_arg_long(&req, "id", &n),
		    rows[i].rc);
		if (rows[i].rc == 0)
			assert_true(n == rows[i].n);
		else
			assert_true(n == 12345);
	}
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_simple_get),
		T(test_request_ids_differ),
		T(test_path_rules),
	T(test_path_from_request_uri),
		T(test_bad_utf8_in_path),
		T(test_bad_encoding_in_query),
		T(test_bad_encoding_in_body),
		T(test_error_messages),
		T(test_crlf_in_values),
		T(test_url_limits),
		T(test_field_limits),
		T(test_header_limits),
		T(test_header_flood_is_bounded),
		T(test_query_rules),
		T(test_parse_urlencoded_direct),
		T(test_url_decode_direct),
		T(test_utf8_table),
		T(test_content_length_table),
		T(test_huge_length_allocates_nothing),
		T(test_missing_body_source),
		T(test_body_forms_and_raw),
		T(test_body_pipe_never_arrives),
		T(test_body_pipe_trickles_past_deadline),
		T(test_body_pipe_in_chunks),
		T(test_body_pipe_nonblocking),
		T(test_body_pipe_ends_early),
		T(test_body_pipe_large_and_extra),
		T(test_body_bad_fd),
		T(test_headers_and_httpoxy),
		T(test_scheme_table),
		T(test_host_table),
		T(test_host_patterns),
		T(test_host_from_server_name),
		T(test_cookies),
		T(test_cookie_edge_cases),
		T(test_methods),
		T(test_request_methods),
		T(test_allocation_failures),
		T(test_route_args),
	};
#undef T
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
