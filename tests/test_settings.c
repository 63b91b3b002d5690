/*
 * test_settings.c - defaults, every value type, every parse error with its
 * line number, WICK_CONFIG, `check` problems and allowed-host matching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wick/core/settings.h"
#include "wick/http/app.h"

static char tmpdir[64];
static char conf_path[128];

static int
setup_dir(void **state)
{
	(void)state;
	memcpy(tmpdir, "/tmp/wick-settings-XXXXXX", 26);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if (snprintf(conf_path, sizeof(conf_path), "%s/app.conf", tmpdir) >=
	    (int)sizeof(conf_path))
		return -1;
	return 0;
}

static int
teardown_dir(void **state)
{
	char p[160];
	static const char *const names[] = { "app.conf", "key", "sub" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		if (unlink(p) != 0)
			(void)rmdir(p);
	}
	return rmdir(tmpdir);
}

static void
write_file(const char *path, const char *data, size_t n, mode_t mode)
{
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Load text as the config file on top of the defaults. */
static int
load(struct wk_settings *s, wk_arena *a, const char *text, char *err,
    size_t errlen)
{
	write_file(conf_path, text, strlen(text), 0600);
	wk_settings_defaults(s);
	return wk_settings_load_file(s, a, conf_path, err, errlen);
}

static void
test_defaults(void **state)
{
	struct wk_settings s;

	(void)state;
	wk_settings_defaults(&s);
	assert_int_equal(s.debug, 0);
	assert_int_equal(s.n_allowed_hosts, 3);
	assert_string_equal(s.allowed_hosts[0], "localhost");
	assert_string_equal(s.allowed_hosts[1], "127.0.0.1");
	assert_string_equal(s.allowed_hosts[2], "[::1]");
	assert_null(s.secret_key_file);
	assert_null(s.database);
	assert_int_equal(s.append_slash, 1);
	assert_string_equal(s.static_url, "/static/");
	assert_int_equal(s.max_body, 2621440);
	assert_int_equal(s.max_fields, 1000);
	assert_int_equal(s.max_url, 8192);
	assert_int_equal(s.max_header, 8192);
	assert_int_equal(s.max_headers_total, 65536);
	assert_int_equal(s.read_timeout_ms, 10000);
	assert_int_equal(s.hsts_seconds, 0);
	assert_int_equal(s.hsts_include_subdomains, 0);
	assert_int_equal(s.hsts_preload, 0);
	assert_int_equal(s.ssl_redirect, 0);
	assert_null(s.csp);
	assert_string_equal(s.frame_options, "DENY");
	assert_string_equal(s.referrer_policy, "same-origin");
	assert_string_equal(s.coop, "same-origin");
	assert_int_equal(s.trust_x_forwarded_proto, 0);
	assert_int_equal(s.n_allowed_redirect_hosts, 0);
	assert_int_equal(s.auto_migrate, 0);
	assert_int_equal(s.db_busy_timeout_ms, 5000);
	assert_int_equal(s.session_age, 1209600);
	assert_int_equal(s.n_trusted_origins, 0);
	assert_int_equal(s.password_iterations, 1200000);
	assert_null(s.source);
}

static void
test_every_key(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char err[256];
	char want[200];

	(void)state;
	wk_arena_init(&a);
	assert_int_equal(load(&s, &a,
	    "# a comment line\n"
	    "\n"
	    "   debug   =   Yes   \n"
	    "allowed_hosts = example.com .example.org,[::1]\t*\n"
	    "secret_key_file = /etc/wick/key\n"
	    "database = data/blog.db\n"
	    "append_slash = off\r\n"
	    "static_url = https://cdn.example.com/s/\n"
	    "max_body_bytes = 10M\n"
	    "max_fields = 20\n"
	    "max_url_bytes = 2k\n"
	    "max_header_bytes = 4096\n"
	    "max_headers_total_bytes = 1M\n"
	    "read_timeout_ms = 250\n"
	    "hsts_seconds = 31536000\n"
	    "hsts_include_subdomains = TRUE\n"
	    "hsts_preload = 1\n"
	    "ssl_redirect = on\n"
	    "content_security_policy = default-src 'self' # not a comment\n"
	    "x_frame_options = sameorigin\n"
	    "referrer_policy = no-referrer, strict-origin-when-cross-origin\n"
	    "cross_origin_opener_policy = none\n"
	    "trust_x_forwarded_proto = yes\n"
	    "allowed_redirect_hosts = pay.example.net\n"
	    "auto_migrate = 1\n"
	    "db_busy_timeout_ms = 0\n"
	    "session_cookie_age = 3600\n"
	    "csrf_trusted_origins = https://*.example.com http://[::1]:8000\n"
	    "password_iterations = 1000\n"
	    "# last line without newline\n"
	    "#", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(s.debug, 1);
	assert_int_equal(s.n_allowed_hosts, 4);
	assert_string_equal(s.allowed_hosts[0], "example.com");
	assert_string_equal(s.allowed_hosts[1], ".example.org");
	assert_string_equal(s.allowed_hosts[2], "[::1]");
	assert_string_equal(s.allowed_hosts[3], "*");
	assert_null(s.allowed_hosts[4]);
	assert_string_equal(s.secret_key_file, "/etc/wick/key");
	/* Relative paths are relative to the config file's directory. */
	snprintf(want, sizeof(want), "%s/data/blog.db", tmpdir);
	assert_string_equal(s.database, want);
	assert_int_equal(s.append_slash, 0);
	assert_string_equal(s.static_url, "https://cdn.example.com/s/");
	assert_int_equal(s.max_body, 10 << 20);
	assert_int_equal(s.max_fields, 20);
	assert_int_equal(s.max_url, 2048);
	assert_int_equal(s.max_header, 4096);
	assert_int_equal(s.max_headers_total, 1 << 20);
	assert_int_equal(s.read_timeout_ms, 250);
	assert_int_equal(s.hsts_seconds, 31536000);
	assert_int_equal(s.hsts_include_subdomains, 1);
	assert_int_equal(s.hsts_preload, 1);
	assert_int_equal(s.ssl_redirect, 1);
	assert_string_equal(s.csp, "default-src 'self' # not a comment");
	assert_string_equal(s.frame_options, "SAMEORIGIN");
	assert_string_equal(s.referrer_policy,
	    "no-referrer, strict-origin-when-cross-origin");
	assert_null(s.coop);
	assert_int_equal(s.trust_x_forwarded_proto, 1);
	assert_int_equal(s.n_allowed_redirect_hosts, 1);
	assert_string_equal(s.allowed_redirect_hosts[0], "pay.example.net");
	assert_int_equal(s.auto_migrate, 1);
	assert_int_equal(s.db_busy_timeout_ms, 0);
	assert_int_equal(s.session_age, 3600);
	assert_int_equal(s.n_trusted_origins, 2);
	assert_string_equal(s.trusted_origins[0], "https://*.example.com");
	assert_string_equal(s.trusted_origins[1], "http://[::1]:8000");
	assert_int_equal(s.password_iterations, 1000);
	assert_string_equal(s.source, conf_path);
	wk_arena_free(&a);
}

static void
test_max_headers_total_range(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char err[256];

	(void)state;
	wk_arena_init(&a);
	/* 1G is past this key's 16 MiB ceiling. */
	assert_int_equal(load(&s, &a, "max_headers_total_bytes = 1G\n", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: max_headers_total_bytes: must be "
	    "between 64 and 16777216, got '1G'"));
	assert_int_equal(load(&s, &a, "max_headers_total_bytes = 16M\n", err,
	    sizeof(err)), 0);
	assert_int_equal(s.max_headers_total, 16 << 20);
	wk_arena_free(&a);
}

/* Every boolean spelling, in both cases. */
static void
test_bools(void **state)
{
	static const struct {
		const char *v;
		int want;
	} cases[] = {
		{ "true", 1 }, { "TRUE", 1 }, { "on", 1 }, { "On", 1 },
		{ "yes", 1 }, { "YES", 1 }, { "1", 1 },
		{ "false", 0 }, { "False", 0 }, { "off", 0 }, { "OFF", 0 },
		{ "no", 0 }, { "No", 0 }, { "0", 0 },
	};
	struct wk_settings s;
	wk_arena a;
	char text[64], err[256];
	size_t i;

	(void)state;
	wk_arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "append_slash = %s\n", cases[i].v);
		assert_int_equal(load(&s, &a, text, err, sizeof(err)), 0);
		assert_int_equal(s.append_slash, cases[i].want);
	}
	wk_arena_free(&a);
}

/* Each bad file gives -1 and exactly this message after the path. */
static void
test_errors_name_the_line(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "debug = on\n\n# c\ndebgu = on\n",
		    ":4: unknown key 'debgu'" },
		{ "DEBUG = on\n",
		    ":1: unknown key 'DEBUG' (keys are lowercase)" },
		{ "\n\nk\x1bq = 1\n", ":3: control character 0x1b in line" },
		{ "debug on\n", ":1: expected 'key = value', got 'debug on'" },
		{ "# x\n = 3\n", ":2: missing key before '='" },
		{ "debug = maybe\n", ":1: debug: expected true/false, on/off, "
		    "yes/no or 1/0, got 'maybe'" },
		{ "debug =\n", ":1: debug: expected true/false, on/off, "
		    "yes/no or 1/0, got ''" },
		{ "\nmax_fields = 12a\n", ":2: max_fields: expected a whole "
		    "number (digits only), got '12a'" },
		{ "max_fields = -1\n", ":1: max_fields: expected a whole "
		    "number (digits only), got '-1'" },
		{ "max_fields = 0\n", ":1: max_fields: must be between 1 and "
		    "1000000, got '0'" },
		{ "max_body_bytes = 99999999999999999999999\n",
		    ":1: max_body_bytes: must be between 0 and 1073741824, got "
		    "'99999999999999999999999'" },
		{ "max_body_bytes = 17179869184G\n",
		    ":1: max_body_bytes: must be between 0 and 1073741824, got "
		    "'17179869184G'" },
		{ "max_body_bytes = 2T\n", ":1: max_body_bytes: expected a "
		    "number of bytes (digits, optional K/M/G), got '2T'" },
		{ "max_body_bytes = K\n", ":1: max_body_bytes: expected a "
		    "number of bytes (digits, optional K/M/G), got 'K'" },
		{ "read_timeout_ms = 600001\n", ":1: read_timeout_ms: must be "
		    "between 1 and 600000, got '600001'" },
		{ "password_iterations = 999\n", ":1: password_iterations: "
		    "must be between 1000 and 100000000, got '999'" },
		{ "debug = 1\nappend_slash = 1\ndebug = 0\n",
		    ":3: duplicate key 'debug' (first set on line 1)" },
		{ "x_frame_options = ALLOW-FROM x\n", ":1: x_frame_options: "
		    "expected one of DENY, SAMEORIGIN, got 'ALLOW-FROM x'" },
		{ "referrer_policy = origin, bogus\n", ":1: referrer_policy: "
		    "expected one of no-referrer" },
		{ "referrer_policy = origin,\n", ":1: referrer_policy: "
		    "expected one of no-referrer" },
		{ "allowed_hosts = good.com bad/host\n", ":1: allowed_hosts: "
		    "invalid host name (letters, digits, '.', '-', \"*\" or "
		    "[IPv6]), got 'bad/host'" },
		{ "allowed_hosts = [::1\n", ":1: allowed_hosts: invalid host" },
		{ "allowed_hosts = .\n", ":1: allowed_hosts: invalid host" },
		{ "csrf_trusted_origins = example.com\n",
		    ":1: csrf_trusted_origins: invalid origin (expected "
		    "scheme://host[:port]), got 'example.com'" },
		{ "csrf_trusted_origins = https://a.com/path\n",
		    ":1: csrf_trusted_origins: invalid origin" },
		{ "csrf_trusted_origins = https://a.com:99999x\n",
		    ":1: csrf_trusted_origins: invalid origin" },
		{ "static_url = static\n", ":1: static_url: expected a URL "
		    "prefix that starts with '/' or http(s):// and ends with "
		    "'/', got 'static'" },
		{ "static_url = /a b/\n", ":1: static_url: a URL prefix "
		    "cannot contain" },
		{ "database =\n",
		    ":1: database: expected a file path, got ''" },
		{ "database = \"/srv/blog.db\"\n", ":1: database: values are "
		    "not quoted; write database = value" },
		{ "debug = 1\n\x01", ":2: control character 0x01 in line" },
		{ "debug = 1\r\r\n", ":1: control character 0x0d in line" },
		{ "debug = 1\ncsp = \xc3\x28\n", ":2: invalid UTF-8" },
		{ "database = /x\xed\xa0\x80\n", ":1: invalid UTF-8" },
		{ "database = /x\xc0\xaf\n", ":1: invalid UTF-8" },
		{ "database = /x\xf4\x90\x80\x80\n", ":1: invalid UTF-8" },
		{ "k\xff = 1\n", ":1: invalid UTF-8" },
	};
	struct wk_settings s;
	wk_arena a;
	char err[512], want[256];
	size_t i;

	(void)state;
	wk_arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(&s, &a, cases[i].text, err, sizeof(err)),
		    -1);
		snprintf(want, sizeof(want), "%s%s", conf_path, cases[i].msg);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu: got \"%s\", want prefix \"%s\"", i,
			    err, want);
		/* A failed load leaves the settings untouched. */
		assert_int_equal(s.debug, 0);
		assert_null(s.source);
	}
	wk_arena_free(&a);
}

/* A long or hostile value is quoted escaped and cut in messages. */
static void
test_message_quotes_safely(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char text[256], err[512], want[256];

	(void)state;
	wk_arena_init(&a);
	snprintf(text, sizeof(text), "max_fields = %080d\n", 7);
	text[13] = 'x';
	assert_int_equal(load(&s, &a, text, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: max_fields: expected a whole "
	    "number (digits only), got 'x%063d...'", conf_path, 0);
	assert_string_equal(err, want);
	assert_int_equal(load(&s, &a, "x_frame_options = \xc3\xa9'\\\n", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "got '\\xc3\\xa9'\\x5c'"));
	wk_arena_free(&a);
}

/* Bytes a C string cannot carry: NUL inside a line. */
static void
test_nul_byte(void **state)
{
	static const char text[] = "debug = 1\nappend_slash = 0\0x\n";
	struct wk_settings s;
	wk_arena a;
	char err[256], want[200];

	(void)state;
	wk_arena_init(&a);
	write_file(conf_path, text, sizeof(text) - 1, 0600);
	wk_settings_defaults(&s);
	assert_int_equal(wk_settings_load_file(&s, &a, conf_path, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: NUL byte in line", conf_path);
	assert_string_equal(err, want);
	wk_arena_free(&a);
}

static void
test_long_line_and_big_file(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char err[256], want[200];
	char *text;
	size_t n;

	(void)state;
	wk_arena_init(&a);
	/* A 4096-byte line is fine (the value is a 4080-byte CSP). */
	text = malloc(70 * 1024);
	assert_non_null(text);
	n = (size_t)snprintf(text, 100,
	    "debug = 0\ncontent_security_policy = ");
	memset(text + n, 'a', 4096 - 26);
	n += 4096 - 26;
	text[n++] = '\n';
	text[n] = '\0';
	assert_int_equal(load(&s, &a, text, err, sizeof(err)), 0);
	assert_int_equal(strlen(s.csp), 4096 - 26);
	/* One byte more is refused, naming line 2. */
	text[n - 1] = 'a';
	text[n++] = '\n';
	text[n] = '\0';
	assert_int_equal(load(&s, &a, text, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: line longer than 4096 bytes",
	    conf_path);
	assert_string_equal(err, want);

	/* 64 KiB of comments is fine; one byte more is not. */
	memset(text, '#', 64 * 1024);
	for (n = 100; n < 64 * 1024; n += 100)
		text[n] = '\n';
	text[64 * 1024] = '\0';
	assert_int_equal(load(&s, &a, text, err, sizeof(err)), 0);
	text[64 * 1024] = '#';
	text[64 * 1024 + 1] = '\0';
	assert_int_equal(load(&s, &a, text, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: file larger than 64 KiB", conf_path);
	assert_string_equal(err, want);
	free(text);
	wk_arena_free(&a);
}

static void
test_unreadable(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char err[256], want[200], sub[160];

	(void)state;
	wk_arena_init(&a);
	wk_settings_defaults(&s);
	snprintf(sub, sizeof(sub), "%s/missing.conf", tmpdir);
	assert_int_equal(wk_settings_load_file(&s, &a, sub, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "cannot open %s: No such file or "
	    "directory", sub);
	assert_string_equal(err, want);
	/* A directory is not a config file. */
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(wk_settings_load_file(&s, &a, sub, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "cannot read %s: not a regular file", sub);
	assert_string_equal(err, want);
	assert_int_equal(rmdir(sub), 0);
	/* A tiny err buffer is still NUL-terminated; NULL err is allowed. */
	assert_int_equal(wk_settings_load_file(&s, &a, "/nonexistent/x", err,
	    5), -1);
	assert_string_equal(err, "cann");
	assert_int_equal(wk_settings_load_file(&s, &a, "/nonexistent/x", NULL,
	    0), -1);
	wk_arena_free(&a);
}

static void
test_host_limit(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char text[512], err[256];
	size_t n = 0, i;

	(void)state;
	wk_arena_init(&a);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "allowed_hosts =");
	for (i = 0; i < WK_SETTINGS_MAX_HOSTS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " h%zu.com",
		    i);
	assert_int_equal(load(&s, &a, text, err, sizeof(err)), 0);
	assert_int_equal(s.n_allowed_hosts, WK_SETTINGS_MAX_HOSTS);
	assert_string_equal(s.allowed_hosts[15], "h15.com");
	snprintf(text + n, sizeof(text) - n, " one-too-many.com\n");
	assert_int_equal(load(&s, &a, text, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: allowed_hosts: more than 16 entries"));
	/* An empty list is allowed (and `check` warns about it). */
	assert_int_equal(load(&s, &a, "allowed_hosts =\n", err, sizeof(err)),
	    0);
	assert_int_equal(s.n_allowed_hosts, 0);
	assert_null(s.allowed_hosts[0]);
	wk_arena_free(&a);
}

static void
test_nullable_headers(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char err[256];

	(void)state;
	wk_arena_init(&a);
	assert_int_equal(load(&s, &a, "x_frame_options = none\n"
	    "referrer_policy =\ncontent_security_policy = \n", err,
	    sizeof(err)), 0);
	assert_null(s.frame_options);
	assert_null(s.referrer_policy);
	assert_null(s.csp);
	assert_string_equal(s.coop, "same-origin");
	assert_int_equal(load(&s, &a, "x_frame_options = deny\n"
	    "referrer_policy = ORIGIN\n", err, sizeof(err)), 0);
	assert_string_equal(s.frame_options, "DENY");
	assert_string_equal(s.referrer_policy, "origin");
	wk_arena_free(&a);
}

static void
test_env(void **state)
{
	struct wk_settings s;
	wk_arena a;
	char err[256], want[200], missing[160];

	(void)state;
	wk_arena_init(&a);
	write_file(conf_path, "debug = on\n", 11, 0600);

	assert_int_equal(unsetenv("WICK_CONFIG"), 0);
	assert_int_equal(wk_settings_load(&s, &a, err, sizeof(err)), 0);
	assert_int_equal(s.debug, 0);
	assert_null(s.source);

	assert_int_equal(setenv("WICK_CONFIG", "", 1), 0);
	assert_int_equal(wk_settings_load(&s, &a, err, sizeof(err)), 0);
	assert_null(s.source);

	assert_int_equal(setenv("WICK_CONFIG", conf_path, 1), 0);
	assert_int_equal(wk_settings_load(&s, &a, err, sizeof(err)), 0);
	assert_int_equal(s.debug, 1);
	assert_string_equal(s.source, conf_path);

	/* Set but unreadable: an error, never the defaults in silence. */
	snprintf(missing, sizeof(missing), "%s/nope.conf", tmpdir);
	assert_int_equal(setenv("WICK_CONFIG", missing, 1), 0);
	assert_int_equal(wk_settings_load(&s, &a, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "cannot open %s: No such file or "
	    "directory", missing);
	assert_string_equal(err, want);

	write_file(conf_path, "debug = on\nbogus = 1\n", 21, 0600);
	assert_int_equal(setenv("WICK_CONFIG", conf_path, 1), 0);
	assert_int_equal(wk_settings_load(&s, &a, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: unknown key 'bogus'", conf_path);
	assert_string_equal(err, want);
	assert_int_equal(unsetenv("WICK_CONFIG"), 0);
	wk_arena_free(&a);
}

static void
test_check(void **state)
{
	struct wk_settings s;
	char out[2048], key[160];
	int n;

	(void)state;
	wk_settings_defaults(&s);
	n = wk_settings_check(&s, out, sizeof(out));
	assert_int_equal(n, 2);
	assert_non_null(strstr(out, "  error: secret_key_file is not set"));
	assert_non_null(strstr(out, "  info: database is not set"));

	snprintf(key, sizeof(key), "%s/key", tmpdir);
	s.secret_key_file = key;
	s.database = "/srv/blog.db";
	(void)unlink(key);
	n = wk_settings_check(&s, out, sizeof(out));
	assert_int_equal(n, 1);
	assert_non_null(strstr(out, "cannot open: No such file"));

	write_file(key, "short", 5, 0644);
	n = wk_settings_check(&s, out, sizeof(out));
	assert_int_equal(n, 2);
	assert_non_null(strstr(out, "only 5 bytes; use at least 32"));
	assert_non_null(strstr(out, "readable by every user"));

	write_file(key, "0123456789abcdef0123456789abcdef", 32, 0600);
	n = wk_settings_check(&s, out, sizeof(out));
	assert_int_equal(n, 0);
	assert_string_equal(out, "");

	s.debug = 1;
	s.allowed_hosts[3] = "*";
	s.n_allowed_hosts = 4;
	s.hsts_preload = 1;
	n = wk_settings_check(&s, out, sizeof(out));
	assert_int_equal(n, 3);
	assert_non_null(strstr(out, "  warning: debug is on"));
	assert_non_null(strstr(out, "allowed_hosts contains \"*\""));
	assert_non_null(strstr(out, "hsts_preload needs"));
	/* One problem per line. */
	assert_int_equal(out[strlen(out) - 1], '\n');

	/* A short buffer still counts every problem and stays terminated. */
	n = wk_settings_check(&s, out, 40);
	assert_int_equal(n, 3);
	assert_true(strlen(out) < 40);

	s.n_allowed_hosts = 0;
	s.debug = 0;
	s.hsts_preload = 0;
	assert_int_equal(setenv("DOCUMENT_ROOT", "/srv", 1), 0);
	n = wk_settings_check(&s, out, sizeof(out));
	assert_int_equal(unsetenv("DOCUMENT_ROOT"), 0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(out, "allowed_hosts is empty"));
	assert_non_null(strstr(out, "inside the document root"));
}

static void
test_host_allowed(void **state)
{
	static const struct {
		const char *patterns;
		const char *host;
		int want;
	} cases[] = {
		{ "example.com", "example.com", 1 },
		{ "example.com", "EXAMPLE.com", 1 },
		{ "example.com", "example.com.", 1 },
		{ "example.com", "www.example.com", 0 },
		{ "example.com", "example.co", 0 },
		{ "example.com", "xexample.com", 0 },
		{ ".example.com", "example.com", 1 },
		{ ".example.com", "www.example.com", 1 },
		{ ".example.com", "a.b.Example.COM", 1 },
		{ ".example.com", "badexample.com", 0 },
		{ ".example.com", "example.com.evil.org", 0 },
		{ ".example.com", "xample.com", 0 },
		{ "*", "anything.at.all", 1 },
		{ "a.com [::1]", "[::1]", 1 },
		{ "a.com [::1]", "::1", 0 },
		{ "a.com [::1]", "", 0 },
		{ "", "localhost", 0 },
	};
	struct wk_settings s;
	wk_arena a;
	char text[128], err[256];
	size_t i;

	(void)state;
	wk_arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "allowed_hosts = %s\n",
		    cases[i].patterns);
		assert_int_equal(load(&s, &a, text, err, sizeof(err)), 0);
		if (wk_settings_host_allowed(&s, cases[i].host) !=
		    cases[i].want)
			fail_msg("case %zu: '%s' in '%s'", i, cases[i].host,
			    cases[i].patterns);
	}
	assert_int_equal(wk_settings_host_allowed(&s, NULL), 0);
	wk_settings_defaults(&s);
	assert_int_equal(wk_settings_host_allowed(&s, "localhost"), 1);
	assert_int_equal(wk_settings_host_allowed(&s, "127.0.0.1"), 1);
	assert_int_equal(wk_settings_host_allowed(&s, "[::1]"), 1);
	assert_int_equal(wk_settings_host_allowed(&s, "evil.com"), 0);
	wk_arena_free(&a);
}

/* ---- keys an app registers ------------------------------------------------------------- */

static const struct wk_setting_def shelf_keys[] = {
	{ "shelf_title", WK_SETTING_STRING, "My shelf", 0, 0,
	    "the name in the page header" },
	{ "books_per_page", WK_SETTING_INT, "10", 1, 100,
	    "books on one page" },
	{ "shelf_public", WK_SETTING_BOOL, "off", 0, 0, NULL },
	{ "shelf_covers", WK_SETTING_PATH, NULL, 0, 0, "cover images" },
	{ "shelf_langs", WK_SETTING_LIST, "en fr", 0, 0, NULL },
	WK_SETTINGS_END
};

static int
teardown_keys(void **state)
{
	(void)state;
	wk_settings_unregister_all();
	(void)unsetenv("WICK_CONFIG");
	return 0;
}

static void
test_app_key_defaults(void **state)
{
	struct wk_settings s;
	const char *const *items;
	wk_arena a;
	char err[256];

	(void)state;
	wk_arena_init(&a);
	assert_int_equal(wk_settings_register(shelf_keys, err, sizeof(err)),
	    0);
	/* Not loaded: scalars read as their defaults. */
	wk_settings_defaults(&s);
	assert_string_equal(wk_settings_str(&s, "shelf_title"), "My shelf");
	assert_int_equal(wk_settings_int(&s, "books_per_page"), 10);
	/* Loaded without a file: every key at its default. */
	assert_int_equal(unsetenv("WICK_CONFIG"), 0);
	assert_int_equal(wk_settings_load(&s, &a, err, sizeof(err)), 0);
	assert_int_equal(s.n_app_values, 5);
	assert_string_equal(wk_settings_str(&s, "shelf_title"), "My shelf");
	assert_int_equal(wk_settings_int(&s, "books_per_page"), 10);
	assert_int_equal(wk_settings_int(&s, "shelf_public"), 0);
	assert_null(wk_settings_str(&s, "shelf_covers"));
	assert_int_equal(wk_settings_list(&s, "shelf_langs", &items), 2);
	assert_string_equal(items[0], "en");
	assert_string_equal(items[1], "fr");
	assert_null(items[2]);
	/* Wrong type or unknown: unset. */
	assert_null(wk_settings_str(&s, "books_per_page"));
	assert_int_equal(wk_settings_int(&s, "nope"), 0);
	assert_int_equal(wk_settings_list(&s, "shelf_title", &items), 0);
	assert_null(items);
	/* A key nobody registered is still an error. */
	write_file(conf_path, "shelf_colour = red\n", 19, 0600);
	assert_int_equal(wk_settings_load_file(&s, &a, conf_path, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: unknown key 'shelf_colour'"));
	wk_arena_free(&a);
}

static void
test_app_key_set(void **state)
{
	static const char conf[] = "debug = on\n"
	    "shelf_title = Books & more\n"
	    "books_per_page = 25\n"
	    "shelf_public = yes\n"
	    "shelf_covers = covers\n"
	    "shelf_langs = de, it,nl\n";
	struct wk_settings s;
	const char *const *items;
	wk_arena a;
	char err[256], want[200];

	(void)state;
	wk_arena_init(&a);
	assert_int_equal(wk_settings_register(shelf_keys, err, sizeof(err)),
	    0);
	assert_int_equal(wk_settings_register(shelf_keys, err, sizeof(err)),
	    0);                                  /* twice: harmless */
	write_file(conf_path, conf, sizeof(conf) - 1, 0600);
	assert_int_equal(setenv("WICK_CONFIG", conf_path, 1), 0);
	assert_int_equal(wk_settings_load(&s, &a, err, sizeof(err)), 0);
	assert_int_equal(s.debug, 1);
	assert_string_equal(wk_settings_str(&s, "shelf_title"), "Books & more");
	assert_int_equal(wk_settings_int(&s, "books_per_page"), 25);
	assert_int_equal(wk_settings_int(&s, "shelf_public"), 1);
	snprintf(want, sizeof(want), "%s/covers", tmpdir);
	assert_string_equal(wk_settings_str(&s, "shelf_covers"), want);
	assert_int_equal(wk_settings_list(&s, "shelf_langs", &items), 3);
	assert_string_equal(items[0], "de");
	assert_string_equal(items[2], "nl");
	assert_int_equal(s.app_values[1].line, 3);
	assert_int_equal(s.n_app_values, 5);
	wk_arena_free(&a);
}

/* Load conf; expect err to be "<conf_path>:<suffix>". */
static void
expect_app_error(const char *conf, const char *suffix)
{
	struct wk_settings s;
	wk_arena a;
	char err[256], want[300];

	wk_arena_init(&a);
	write_file(conf_path, conf, strlen(conf), 0600);
	wk_settings_defaults(&s);
	assert_int_equal(wk_settings_load_file(&s, &a, conf_path, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%s", conf_path, suffix);
	assert_string_equal(err, want);
	wk_arena_free(&a);
}

static void
test_app_key_bad_values(void **state)
{
	(void)state;
	assert_int_equal(wk_settings_register(shelf_keys, NULL, 0), 0);
	expect_app_error("debug = off\nbooks_per_page = 500\n",
	    "2: books_per_page: must be between 1 and 100, got '500'");
	expect_app_error("books_per_page = ten\n", "1: books_per_page: "
	    "expected a whole number (digits only), got 'ten'");
	expect_app_error("shelf_public = maybe\n", "1: shelf_public: "
	    "expected true/false, on/off, yes/no or 1/0, got 'maybe'");
	expect_app_error("shelf_title =\n",
	    "1: shelf_title: expected a value, got ''");
	expect_app_error("shelf_title = a\n\nshelf_title = b\n",
	    "3: duplicate key 'shelf_title' (first set on line 1)");
	expect_app_error("shelf_title = \"quoted\"\n", "1: shelf_title: "
	    "values are not quoted; write shelf_title = value");
}

static void
test_app_key_register_errors(void **state)
{
	static const struct wk_setting_def upper[] = {
		{ "Shelf", WK_SETTING_STRING, NULL, 0, 0, NULL },
		WK_SETTINGS_END
	};
	static const struct wk_setting_def builtin[] = {
		{ "debug", WK_SETTING_BOOL, NULL, 0, 0, NULL },
		WK_SETTINGS_END
	};
	static const struct wk_setting_def twice[] = {
		{ "shelf_a", WK_SETTING_STRING, NULL, 0, 0, NULL },
		{ "shelf_a", WK_SETTING_STRING, NULL, 0, 0, NULL },
		WK_SETTINGS_END
	};
	static const struct wk_setting_def bad_default[] = {
		{ "shelf_n", WK_SETTING_INT, "0", 1, 9, NULL },
		WK_SETTINGS_END
	};
	static const struct wk_setting_def clash[] = {
		{ "books_per_page", WK_SETTING_INT, NULL, 0, 0, NULL },
		WK_SETTINGS_END
	};
	char err[256];

	(void)state;
	assert_int_equal(wk_settings_register(upper, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "setting 'Shelf': names are lowercase"));
	assert_int_equal(wk_settings_register(builtin, err, sizeof(err)), -1);
	assert_string_equal(err, "setting debug: already a key");
	assert_int_equal(wk_settings_register(twice, err, sizeof(err)), -1);
	assert_string_equal(err, "setting shelf_a: listed twice");
	assert_int_equal(wk_settings_register(bad_default, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "setting shelf_n: bad default: shelf_n: "
	    "must be between 1 and 9, got '0'");
	assert_int_equal(wk_settings_register(NULL, err, sizeof(err)), -1);
	assert_int_equal(wk_settings_register(shelf_keys, err, sizeof(err)),
	    0);
	assert_int_equal(wk_settings_register(clash, err, sizeof(err)), -1);
	assert_string_equal(err, "setting books_per_page: already a key");
	/* The failed tables registered nothing. */
	assert_int_equal(wk_settings_each(NULL, NULL, NULL), 5);
}

/* Run `APP check` through wk_main; what it writes to fd (1 or 2) into out. */
static int
run_check(const struct wk_app *app, int which, char *out, size_t outlen)
{
	char path[160], a0[] = "shelf", a1[] = "check";
	char *argv[] = { a0, a1, NULL };
	char *envp[] = { NULL };
	int fd, saved, rc;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/sub", tmpdir);
	fflush(stdout);
	fflush(stderr);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	saved = dup(which);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, which), which);
	rc = wk_main(app, 2, argv, envp);
	fflush(stdout);
	fflush(stderr);
	assert_int_equal(dup2(saved, which), which);
	close(saved);
	n = pread(fd, out, outlen - 1, 0);
	assert_true(n >= 0);
	out[n] = '\0';
	close(fd);
	(void)unlink(path);
	return rc;
}

static void
test_app_key_check(void **state)
{
	static const struct wk_route no_routes[] = { WK_ROUTES_END };
	static const struct wk_setting_def *const tables[] = {
		shelf_keys, NULL
	};
	static const struct wk_app shelf_app = {
		.name = "shelf", .routes = no_routes, .settings = tables,
	};
	char out[4096], want[300];

	(void)state;
	write_file(conf_path, "books_per_page = 20\n", 20, 0600);
	assert_int_equal(setenv("WICK_CONFIG", conf_path, 1), 0);
	(void)run_check(&shelf_app, 1, out, sizeof(out));
	assert_non_null(strstr(out, "app settings:\n"));
	snprintf(want, sizeof(want), "  books_per_page = 20  (%s:1)  books "
	    "on one page\n", conf_path);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "  shelf_title = My shelf  (default)  "
	    "the name in the page header\n"));
	assert_non_null(strstr(out, "  shelf_public = false  (default)\n"));
	assert_non_null(strstr(out, "  shelf_covers = (unset)  (default)  "
	    "cover images\n"));
	assert_non_null(strstr(out, "  shelf_langs = en fr  (default)\n"));

	/* A bad value: check refuses to run and names the key and line. */
	write_file(conf_path, "\nbooks_per_page = 0\n", 20, 0600);
	assert_int_equal(run_check(&shelf_app, 2, out, sizeof(out)), 2);
	snprintf(want, sizeof(want), "shelf: configuration error: %s:2: "
	    "books_per_page: must be between 1 and 100, got '0'\n",
	    conf_path);
	assert_string_equal(out, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_max_headers_total_range),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_message_quotes_safely),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_long_line_and_big_file),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_host_limit),
		cmocka_unit_test(test_nullable_headers),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_host_allowed),
		cmocka_unit_test_teardown(test_app_key_defaults,
		    teardown_keys),
		cmocka_unit_test_teardown(test_app_key_set, teardown_keys),
		cmocka_unit_test_teardown(test_app_key_bad_values,
		    teardown_keys),
		cmocka_unit_test_teardown(test_app_key_register_errors,
		    teardown_keys),
		cmocka_unit_test_teardown(test_app_key_check, teardown_keys),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
