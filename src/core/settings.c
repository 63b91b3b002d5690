/*
 * settings.c - compiled-in defaults and the WICK_CONFIG file (settings.h).
 *
 * Every key lives in one const table below: its name, its type, where it
 * goes in struct wk_settings and its limits.  The parser reads the whole
 * file (at most 64 KiB) in one go, walks it line by line and hands each
 * value to the parser of its type.  Anything it does not understand is an
 * error naming the file and line: a typo in a config file must stop the
 * app (the request gets a 500 page), never fall back to a default.
 *
 * File format
 *   key = value        whitespace around key and value is ignored
 *   # comment          only whole lines; a '#' inside a value is part of it
 *   (blank line)       ignored
 * Values are taken literally (no quoting, no escapes; a value wrapped in
 * double quotes is refused as a likely slip).  The file must be
 * UTF-8 without NUL or control bytes (tab is allowed); CRLF line ends are
 * accepted.  Each key may appear once.  Lines are at most 4096 bytes.
 *
 * Keys (type, default)
 *   debug                      bool    off     detailed error pages
 *   allowed_hosts              hosts   localhost 127.0.0.1 [::1]
 *   secret_key_file            path    unset   file holding the secret key
 *   database                   path    unset   SQLite file (ORM default)
 *   append_slash               bool    on      redirect /x to /x/
 *   static_url                 url     /static/  must end with '/'
 *   media_url                  url     /media/   {% get_media_prefix %}
 *   max_body_bytes             size    2621440   larger body -> 413
 *   max_fields                 int     1000      more fields -> 400
 *   max_url_bytes              size    8192      longer path+query -> 414
 *   max_header_bytes           size    8192      one longer header -> 400
 *   max_headers_total_bytes    size    65536     all headers -> 400
 *   read_timeout_ms            int     10000     body read deadline
 *   fastcgi_max_requests       int     1000      FastCGI: then exit
 *   hsts_seconds               int     0         0 = no HSTS header
 *   hsts_include_subdomains    bool    off
 *   hsts_preload               bool    off
 *   ssl_redirect               bool    off       http -> https redirect
 *   content_security_policy    string  unset     empty/none = no header
 *   x_frame_options            choice  DENY      DENY, SAMEORIGIN, none
 *   referrer_policy            choices same-origin  comma list, or none
 *   cross_origin_opener_policy choice  same-origin  or none
 *   trust_x_forwarded_proto    bool    off
 *   allowed_redirect_hosts     hosts   (empty)   redirect targets allowed
 *   auto_migrate               bool    off       first request migrates
 *   db_busy_timeout_ms         int     5000
 *   session_cookie_age         int     1209600   seconds (two weeks)
 *   csrf_trusted_origins       origins (empty)   e.g. https://app.example.com
 *   password_iterations        int     1200000   PBKDF2 rounds
 *   date_format                string  N j, Y    Django's named date formats
 *   datetime_format            string  N j, Y, P (|date:"DATE_FORMAT" ...)
 *   short_date_format          string  m/d/Y
 *   short_datetime_format      string  m/d/Y P
 *   time_format                string  P
 *   month_day_format           string  F j
 *   year_month_format          string  F Y
 *
 * Types
 *   bool     true/false, on/off, yes/no, 1/0 (any case)
 *   int      decimal digits within the key's range (see st_keys below;
 *            out of range is an error, never clamped)
 *   size     like int; a K, M or G suffix multiplies by 1024, 1024^2, 1024^3
 *   hosts    host names separated by spaces (commas also accepted), at most
 *            WK_SETTINGS_MAX_HOSTS; ".example.com" is the domain and every
 *            subdomain, "*" is any host
 *   origins  scheme://host[:port] separated like hosts
 *   path     a file name; a relative one is taken relative to the directory
 *            of the config file (the CGI working directory varies)
 *
 * An app or a component adds keys of its own (wk_settings_register, from
 * the app's `settings` tables): they are parsed by the same parsers, so
 * the same rules and messages apply; a key nobody registered is still an
 * error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/core/settings.h"

#define ST_FILE_MAX  ((size_t)64 * 1024)  /* whole config file */
#define ST_LINE_MAX  4096                 /* one line, without its end */
#define ST_MSG_MAX   384                  /* one error, before "path:line" */
#define ST_SHOW_MAX  64                   /* bytes of a bad value quoted */
#define ST_SECRET_MIN 32                  /* shortest acceptable secret */

enum st_type {
	ST_BOOL,     /* int */
	ST_INT,      /* int, within [min, max] */
	ST_LONG,     /* long, within [min, max] */
	ST_SIZE,     /* size_t, within [min, max], K/M/G suffixes */
	ST_COUNT,    /* size_t, within [min, max], digits only */
	ST_STRING,   /* const char * */
	ST_URL,      /* const char *: "/prefix/" or "http(s)://.../" */
	ST_PATH,     /* const char *, relative to the config file */
	ST_CHOICE,   /* const char *, one (or a list) of choices */
	ST_HOSTS,    /* const char *[], count at count_off */
	ST_ORIGINS,  /* const char *[], count at count_off */
	ST__MAX
};

/* Flags. */
#define F_NULLABLE 1u  /* empty or "none" stores NULL (header omitted) */
#define F_LIST     2u  /* ST_CHOICE: comma-separated list of choices */

struct st_key {
	const char *name;
	enum st_type type;
	size_t off;                   /* offsetof the field */
	size_t count_off;             /* lists: offsetof the count */
	long long min, max;           /* numbers: range; lists: max items */
	const char *const *choices;   /* ST_CHOICE: NULL-terminated */
	unsigned flags;
};

static const char *const frame_choices[] = { "DENY", "SAMEORIGIN", NULL };
static const char *const referrer_choices[] = {
	"no-referrer", "no-referrer-when-downgrade", "origin",
	"origin-when-cross-origin", "same-origin", "strict-origin",
	"strict-origin-when-cross-origin", "unsafe-url", NULL
};
static const char *const coop_choices[] = {
	"same-origin", "same-origin-allow-popups", "noopener-allow-popups",
	"unsafe-none", NULL
};

#define OFF(f) offsetof(struct wk_settings, f)
#define NUM(k, t, f, lo, hi) { k, t, OFF(f), 0, lo, hi, NULL, 0 }
#define STR(k, t, f, fl) { k, t, OFF(f), 0, 0, 0, NULL, fl }
#define LIST(k, t, f, n, mx) { k, t, OFF(f), OFF(n), 0, mx, NULL, 0 }
#define CHOICE(k, f, c, fl) { k, ST_CHOICE, OFF(f), 0, 0, 0, c, fl }

/* The keys.  Names are a contract with operators: see README.md. */
static const struct st_key st_keys[] = {
	NUM("debug", ST_BOOL, debug, 0, 1),
	LIST("allowed_hosts", ST_HOSTS, allowed_hosts, n_allowed_hosts,
	    WK_SETTINGS_MAX_HOSTS),
	STR("secret_key_file", ST_PATH, secret_key_file, 0),
	STR("database", ST_PATH, database, 0),
	NUM("append_slash", ST_BOOL, append_slash, 0, 1),
	STR("static_url", ST_URL, static_url, 0),
	STR("media_url", ST_URL, media_url, 0),
	NUM("max_body_bytes", ST_SIZE, max_body, 0, (long long)1 << 30),
	NUM("max_fields", ST_COUNT, max_fields, 1, 1000000),
	NUM("max_url_bytes", ST_SIZE, max_url, 16, (long long)1 << 20),
	NUM("max_header_bytes", ST_SIZE, max_header, 64, (long long)1 << 20),
	NUM("max_headers_total_bytes", ST_SIZE, max_headers_total, 64,
	    (long long)16 << 20),
	NUM("read_timeout_ms", ST_INT, read_timeout_ms, 1, 600000),
	NUM("fastcgi_max_requests", ST_LONG, fastcgi_max_requests, 1,
	    100000000),
	NUM("hsts_seconds", ST_LONG, hsts_seconds, 0, INT32_MAX),
	NUM("hsts_include_subdomains", ST_BOOL, hsts_include_subdomains, 0, 1),
	NUM("hsts_preload", ST_BOOL, hsts_preload, 0, 1),
	NUM("ssl_redirect", ST_BOOL, ssl_redirect, 0, 1),
	STR("content_security_policy", ST_STRING, csp, F_NULLABLE),
	CHOICE("x_frame_options", frame_options, frame_choices, F_NULLABLE),
	CHOICE("referrer_policy", referrer_policy, referrer_choices,
	    F_NULLABLE | F_LIST),
	CHOICE("cross_origin_opener_policy", coop, coop_choices, F_NULLABLE),
	NUM("trust_x_forwarded_proto", ST_BOOL, trust_x_forwarded_proto, 0, 1),
	LIST("allowed_redirect_hosts", ST_HOSTS, allowed_redirect_hosts,
	    n_allowed_redirect_hosts, WK_SETTINGS_MAX_HOSTS),
	NUM("auto_migrate", ST_BOOL, auto_migrate, 0, 1),
	NUM("db_busy_timeout_ms", ST_INT, db_busy_timeout_ms, 0, 600000),
	NUM("session_cookie_age", ST_LONG, session_age, 60, INT32_MAX),
	LIST("csrf_trusted_origins", ST_ORIGINS, trusted_origins,
	    n_trusted_origins, WK_SETTINGS_MAX_ORIGINS),
	NUM("password_iterations", ST_LONG, password_iterations, 1000,
	    100000000),
	STR("date_format", ST_STRING, date_format, 0),
	STR("datetime_format", ST_STRING, datetime_format, 0),
	STR("short_date_format", ST_STRING, short_date_format, 0),
	STR("short_datetime_format", ST_STRING, short_datetime_format, 0),
	STR("time_format", ST_STRING, time_format, 0),
	STR("month_day_format", ST_STRING, month_day_format, 0),
	STR("year_month_format", ST_STRING, year_month_format, 0),
};

#define ST_NKEYS (sizeof(st_keys) / sizeof(st_keys[0]))

/* What a value parser needs besides the value. */
struct st_ctx {
	struct wk_settings *s;
	void *base;            /* where k->off points into: s, or an app value */
	wk_arena *a;
	const char *path;      /* the config file, for relative paths */
	char msg[ST_MSG_MAX];  /* the error, without "path:line: " */
};

typedef int (*st_parse_fn)(struct st_ctx *, const struct st_key *,
    const char *, size_t);

static int st_parse_bool(struct st_ctx *, const struct st_key *,
    const char *, size_t);
static int st_parse_number(struct st_ctx *, const struct st_key *,
    const char *, size_t);
static int st_parse_string(struct st_ctx *, const struct st_key *,
    const char *, size_t);
static int st_parse_url(struct st_ctx *, const struct st_key *,
    const char *, size_t);
static int st_parse_path(struct st_ctx *, const struct st_key *,
    const char *, size_t);
static int st_parse_choice(struct st_ctx *, const struct st_key *,
    const char *, size_t);
static int st_parse_list(struct st_ctx *, const struct st_key *,
    const char *, size_t);

static const st_parse_fn st_parsers[ST__MAX] = {
	[ST_BOOL] = st_parse_bool,
	[ST_INT] = st_parse_number,
	[ST_LONG] = st_parse_number,
	[ST_SIZE] = st_parse_number,
	[ST_COUNT] = st_parse_number,
	[ST_STRING] = st_parse_string,
	[ST_URL] = st_parse_url,
	[ST_PATH] = st_parse_path,
	[ST_CHOICE] = st_parse_choice,
	[ST_HOSTS] = st_parse_list,
	[ST_ORIGINS] = st_parse_list,
};

static const struct {
	const char *word;
	int value;
} st_bools[] = {
	{ "true", 1 }, { "on", 1 }, { "yes", 1 }, { "1", 1 },
	{ "false", 0 }, { "off", 0 }, { "no", 0 }, { "0", 0 },
};

/*
 * The defaults, inlined into wk_settings_load: every request runs it, and
 * /hello's page layout (cgi-bin/blog/hot.ld) has no room for a call out.
 */
static inline __attribute__((always_inline)) void
st_defaults(struct wk_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->debug = 0;
	s->allowed_hosts[0] = "localhost";
	s->allowed_hosts[1] = "127.0.0.1";
	s->allowed_hosts[2] = "[::1]";
	s->n_allowed_hosts = 3;
	s->secret_key_file = NULL;
	s->database = NULL;
	s->append_slash = 1;
	s->static_url = "/static/";
	s->media_url = "/media/";
	s->max_body = 2621440;
	s->max_fields = 1000;
	s->max_url = 8192;
	s->max_header = 8192;
	s->max_headers_total = 65536;
	s->read_timeout_ms = 10000;
	s->fastcgi_max_requests = 1000;
	s->hsts_seconds = 0;
	s->csp = NULL;
	s->frame_options = "DENY";
	s->referrer_policy = "same-origin";
	s->coop = "same-origin";
	s->trust_x_forwarded_proto = 0;
	s->auto_migrate = 0;
	s->db_busy_timeout_ms = 5000;
	s->session_age = 1209600;
	s->password_iterations = 1200000;
	s->date_format = "N j, Y";
	s->datetime_format = "N j, Y, P";
	s->short_date_format = "m/d/Y";
	s->short_datetime_format = "m/d/Y P";
	s->time_format = "P";
	s->month_day_format = "F j";
	s->year_month_format = "F Y";
	s->source = NULL;
}

/* see settings.h */
void
wk_settings_defaults(struct wk_settings *s)
{
	st_defaults(s);
}

/* Quote n bytes of v for a message: escaped and cut at ST_SHOW_MAX. */
static const char *
st_show(char *dst, size_t dstlen, const char *v, size_t n)
{
	size_t len = n > ST_SHOW_MAX ? ST_SHOW_MAX : n;
	size_t w = wk_log_escape(dst, dstlen, v, len);

	if (len < n && w + 3 < dstlen)
		memcpy(dst + w, "...", 4);
	return dst;
}

/*
 * Format the error into c->msg; always returns -1.  A message cut to
 * ST_MSG_MAX still says what went wrong, so truncation is accepted here.
 */
static int
st_fail(struct st_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
st_fail(struct st_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	if (r < 0)
		c->msg[0] = '\0';
	return -1;
}

/* Write "key: what, got 'value'" into c->msg; always returns -1. */
static int
st_bad(struct st_ctx *c, const struct st_key *k, const char *what,
    const char *v, size_t n)
{
	char shown[ST_SHOW_MAX * 4 + 8];

	return st_fail(c, "%s: %s, got '%s'", k->name, what,
	    st_show(shown, sizeof(shown), v, n));
}

static void *
st_field(struct st_ctx *c, const struct st_key *k)
{
	return (char *)c->base + k->off;
}

static int
st_store_string(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	char *copy = wk_arena_strndup(c->a, v, n);

	if (copy == NULL)
		return st_fail(c, "%s: out of memory", k->name);
	*(const char **)st_field(c, k) = copy;
	return 0;
}

static int
st_parse_bool(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(st_bools) / sizeof(st_bools[0]); i++) {
		if (strlen(st_bools[i].word) == n &&
		    strncasecmp(st_bools[i].word, v, n) == 0) {
			*(int *)st_field(c, k) = st_bools[i].value;
			return 0;
		}
	}
	return st_bad(c, k, "expected true/false, on/off, yes/no or 1/0", v,
	    n);
}

static int
st_parse_number(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	unsigned long long x = 0, mult = 1;
	size_t i, digits = n;
	char unit;

	if (k->type == ST_SIZE && n > 1) {
		unit = (char)(v[n - 1] | 0x20);
		mult = unit == 'k' ? 1024ULL : unit == 'm' ? 1024ULL * 1024 :
		    unit == 'g' ? 1024ULL * 1024 * 1024 : 1;
		if (mult != 1)
			digits = n - 1;
	}
	if (digits == 0)
		goto bad;
	for (i = 0; i < digits; i++) {
		if (v[i] < '0' || v[i] > '9')
			goto bad;
		if (x > (ULLONG_MAX - 9) / 10)
			goto range;
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	if (x > ULLONG_MAX / mult)
		goto range;
	x *= mult;
	if (x < (unsigned long long)k->min || x > (unsigned long long)k->max)
		goto range;
	switch (k->type) {
	case ST_INT:
		*(int *)st_field(c, k) = (int)x;
		break;
	case ST_LONG:
		*(long *)st_field(c, k) = (long)x;
		break;
	default:
		*(size_t *)st_field(c, k) = (size_t)x;
		break;
	}
	return 0;
bad:
	return st_bad(c, k, k->type == ST_SIZE ?
	    "expected a number of bytes (digits, optional K/M/G)" :
	    "expected a whole number (digits only)", v, n);
range:
	{
		char what[96];
		int r = snprintf(what, sizeof(what),
		    "must be between %lld and %lld", k->min, k->max);
		if (r < 0 || (size_t)r >= sizeof(what))
			what[0] = '\0';
		return st_bad(c, k, what, v, n);
	}
}

static int
st_is_none(const char *v, size_t n)
{
	return n == 0 || (n == 4 && strncasecmp(v, "none", 4) == 0);
}

static int
st_parse_string(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	if ((k->flags & F_NULLABLE) && st_is_none(v, n)) {
		*(const char **)st_field(c, k) = NULL;
		return 0;
	}
	if (n == 0)
		return st_bad(c, k, "expected a value", v, n);
	return st_store_string(c, k, v, n);
}

/* static_url, media_url: a path prefix or an absolute http(s) URL, ending
 * in '/'. */
static int
st_parse_url(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	size_t i;

	if (n == 0 || v[n - 1] != '/' || !(v[0] == '/' ||
	    (n > 7 && strncmp(v, "http://", 7) == 0) ||
	    (n > 8 && strncmp(v, "https://", 8) == 0)))
		return st_bad(c, k, "expected a URL prefix that starts with "
		    "'/' or http(s):// and ends with '/'", v, n);
	for (i = 0; i < n; i++)
		if (v[i] == ' ' || v[i] == '\t' || v[i] == '"' || v[i] == '<' ||
		    v[i] == '>' || v[i] == '\\')
			return st_bad(c, k, "a URL prefix cannot contain "
			    "spaces, quotes, '<', '>' or '\\'", v, n);
	return st_store_string(c, k, v, n);
}

/* A path; relative ones are joined to the config file's directory. */
static int
st_parse_path(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	const char *slash;
	char *joined;
	size_t dirlen;

	if (n == 0)
		return st_bad(c, k, "expected a file path", v, n);
	slash = c->path != NULL ? strrchr(c->path, '/') : NULL;
	if (v[0] == '/' || slash == NULL)
		return st_store_string(c, k, v, n);
	dirlen = (size_t)(slash - c->path);
	if (n > SIZE_MAX - dirlen - 2)
		return st_bad(c, k, "path too long", v, n);
	joined = wk_arena_alloc(c->a, dirlen + 1 + n + 1);
	if (joined == NULL)
		return st_fail(c, "%s: out of memory", k->name);
	memcpy(joined, c->path, dirlen);
	joined[dirlen] = '/';
	memcpy(joined + dirlen + 1, v, n);
	joined[dirlen + 1 + n] = '\0';
	*(const char **)st_field(c, k) = joined;
	return 0;
}

static const char *
st_find_choice(const struct st_key *k, const char *v, size_t n)
{
	const char *const *ch;

	for (ch = k->choices; *ch != NULL; ch++)
		if (strlen(*ch) == n && strncasecmp(*ch, v, n) == 0)
			return *ch;
	return NULL;
}

static int
st_is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One choice from a table, or (F_LIST) a comma list of them. */
static int
st_parse_choice(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	const char *canon = NULL;
	size_t i = 0, b, e, items = 0;
	char what[200];
	const char *const *ch;
	size_t w = 0;
	int r;

	if ((k->flags & F_NULLABLE) && st_is_none(v, n)) {
		*(const char **)st_field(c, k) = NULL;
		return 0;
	}
	while (i <= n) {
		b = i;
		while (i < n && (k->flags & F_LIST) && v[i] != ',')
			i++;
		if (!(k->flags & F_LIST))
			i = n;
		e = i;
		while (b < e && st_is_space(v[b]))
			b++;
		while (e > b && st_is_space(v[e - 1]))
			e--;
		canon = st_find_choice(k, v + b, e - b);
		if (canon == NULL)
			goto bad;
		items++;
		i++;
	}
	/* A single choice stores the table's spelling; a list is kept. */
	if (items == 1) {
		*(const char **)st_field(c, k) = canon;
		return 0;
	}
	return st_store_string(c, k, v, n);
bad:
	for (ch = k->choices; *ch != NULL && w < sizeof(what); ch++) {
		r = snprintf(what + w, sizeof(what) - w, "%s%s",
		    ch == k->choices ? "expected one of " : ", ", *ch);
		if (r < 0)
			break;
		w += (size_t)r;
	}
	if (w >= sizeof(what))
		what[sizeof(what) - 1] = '\0';
	return st_bad(c, k, w > 0 ? what : "unexpected value", v, n);
}

/*
 * Host pattern as Django validates ALLOWED_HOSTS entries: "*", a name of
 * letters, digits, '.', '-' (a leading '.' means "and subdomains"), or a
 * bracketed IPv6 literal.
 */
static int
st_host_ok(const char *h, size_t n)
{
	size_t i;

	if (n == 1 && h[0] == '*')
		return 1;
	if (n == 0 || n > 255)
		return 0;
	if (h[0] == '[') {
		if (n < 4 || h[n - 1] != ']')
			return 0;
		for (i = 1; i < n - 1; i++)
			if (strchr("0123456789abcdefABCDEF:.", h[i]) == NULL)
				return 0;
		return 1;
	}
	for (i = 0; i < n; i++) {
		char ch = h[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
			return 0;
	}
	return !(n == 1 && h[0] == '.');
}

/* An origin: http(s)://host[:port], host possibly "*.example.com". */
static int
st_origin_ok(const char *o, size_t n)
{
	size_t skip, i, hostlen;

	if (n > 7 && strncmp(o, "http://", 7) == 0)
		skip = 7;
	else if (n > 8 && strncmp(o, "https://", 8) == 0)
		skip = 8;
	else
		return 0;
	o += skip;
	n -= skip;
	hostlen = n;
	for (i = 0; i < n; i++) {
		if (o[i] == ':' && o[0] != '[') {
			hostlen = i;
			break;
		}
		if (o[i] == ']' && o[0] == '[') {
			hostlen = i + 1;
			break;
		}
	}
	if (hostlen < n) {
		/* ":port", 1 to 5 digits. */
		if (o[hostlen] != ':' || n - hostlen < 2 || n - hostlen > 6)
			return 0;
		for (i = hostlen + 1; i < n; i++)
			if (o[i] < '0' || o[i] > '9')
				return 0;
	}
	if (hostlen > 2 && o[0] == '*' && o[1] == '.')
		return st_host_ok(o + 1, hostlen - 1);
	return hostlen > 0 && !(hostlen == 1 && o[0] == '*') &&
	    st_host_ok(o, hostlen);
}

static int
st_is_sep(char ch)
{
	return ch == ' ' || ch == '\t' || ch == ',';
}

static int
st_parse_list(struct st_ctx *c, const struct st_key *k, const char *v,
    size_t n)
{
	const char **items = st_field(c, k);
	size_t *count = (size_t *)((char *)c->s + k->count_off);
	size_t i = 0, b, got = 0;
	int ok;

	while (i < n) {
		while (i < n && st_is_sep(v[i]))
			i++;
		if (i == n)
			break;
		b = i;
		while (i < n && !st_is_sep(v[i]))
			i++;
		ok = k->type == ST_HOSTS ? st_host_ok(v + b, i - b) :
		    st_origin_ok(v + b, i - b);
		if (!ok)
			return st_bad(c, k, k->type == ST_HOSTS ?
			    "invalid host name (letters, digits, '.', '-', "
			    "\"*\" or [IPv6])" :
			    "invalid origin (expected scheme://host[:port])",
			    v + b, i - b);
		if (got >= (size_t)k->max)
			return st_fail(c, "%s: more than %lld entries",
			    k->name, k->max);
		items[got] = wk_arena_strndup(c->a, v + b, i - b);
		if (items[got] == NULL)
			return st_fail(c, "%s: out of memory", k->name);
		got++;
	}
	*count = got;
	for (i = got; i < (size_t)k->max; i++)
		items[i] = NULL;
	return 0;
}

/*
 * Length of the valid UTF-8 sequence at p (n bytes left), or 0 when it is
 * invalid: overlong forms, surrogates and values past U+10FFFF are refused.
 */
static size_t
st_utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Check one line's bytes: UTF-8, no NUL, no control bytes except tab. */
static int
st_check_bytes(struct st_ctx *c, const char *p, size_t n)
{
	size_t i = 0, len;
	unsigned char ch;

	while (i < n) {
		ch = (unsigned char)p[i];
		if (ch == '\0')
			return st_fail(c, "NUL byte in line");
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return st_fail(c, "control character 0x%02x in line",
			    ch);
		len = st_utf8_len((const unsigned char *)p + i, n - i);
		if (len == 0)
			return st_fail(c, "invalid UTF-8");
		i += len;
	}
	return 0;
}

static const struct st_key *
st_lookup(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < ST_NKEYS; i++)
		if (strlen(st_keys[i].name) == n &&
		    memcmp(st_keys[i].name, name, n) == 0)
			return &st_keys[i];
	return NULL;
}

/* ---- keys an app registers ------------------------------------------------------------- */

/*
 * The registered tables, in a growing array (realloc; at most
 * WK_SETTINGS_MAX_TABLES).  Process state, like the schema list: an app
 * registers before it loads (wk_main does it from app->settings).
 *
 * Every request reads it: a production link script can gather it with the
 * rest of the zero-initialised state a request writes (.bss.st_reg; see
 * cgi-bin/blog/hot.ld).
 */
static struct {
	const struct wk_setting_def **tables;
	size_t ntables, cap, keys;
} st_reg;

/* An app key as the value parsers above see it: its field in the value. */
static void
st_app_key(const struct wk_setting_def *d, struct st_key *k)
{
	static const enum st_type types[WK_SETTING__MAX] = {
		[WK_SETTING_STRING] = ST_STRING,
		[WK_SETTING_INT] = ST_LONG,
		[WK_SETTING_BOOL] = ST_BOOL,
		[WK_SETTING_PATH] = ST_PATH,
		[WK_SETTING_LIST] = ST_STRING,
	};

	memset(k, 0, sizeof(*k));
	k->name = d->name;
	k->type = types[d->type];
	k->min = d->min;
	k->max = d->min == 0 && d->max == 0 ? LONG_MAX : d->max;
	switch (d->type) {
	case WK_SETTING_INT:
		k->off = offsetof(struct wk_setting_value, i);
		break;
	case WK_SETTING_BOOL:
		k->off = offsetof(struct wk_setting_value, b);
		break;
	default:
		k->off = offsetof(struct wk_setting_value, s);
		break;
	}
}

/* A list: words separated by spaces or commas, at most max (0: 64). */
static int
st_parse_words(struct st_ctx *c, const struct wk_setting_def *d,
    struct wk_setting_value *val, const char *v, size_t n)
{
	size_t i = 0, b, got = 0, max = d->max > 0 ? (size_t)d->max : 64;
	const char **items;

	if ((items = wk_arena_calloc(c->a, max + 1, sizeof(*items))) == NULL)
		return st_fail(c, "%s: out of memory", d->name);
	while (i < n) {
		while (i < n && st_is_sep(v[i]))
			i++;
		if (i == n)
			break;
		b = i;
		while (i < n && !st_is_sep(v[i]))
			i++;
		if (got >= max)
			return st_fail(c, "%s: more than %zu entries", d->name,
			    max);
		if ((items[got] = wk_arena_strndup(c->a, v + b, i - b)) == NULL)
			return st_fail(c, "%s: out of memory", d->name);
		got++;
	}
	val->items = items;
	val->n = got;
	val->s = got > 0 ? items[0] : NULL;
	return 0;
}

/* Parse v as d's value into val.  0, or -1 with c->msg set. */
static int
st_parse_app(struct st_ctx *c, const struct wk_setting_def *d,
    struct wk_setting_value *val, const char *v, size_t n)
{
	struct st_key k;
	int r;

	if (d->type == WK_SETTING_LIST)
		return st_parse_words(c, d, val, v, n);
	st_app_key(d, &k);
	c->base = val;
	r = st_parsers[k.type](c, &k, v, n);
	c->base = c->s;
	return r;
}

static const struct wk_setting_def *
st_app_lookup(const char *name, size_t n)
{
	const struct wk_setting_def *d;
	size_t t;

	for (t = 0; t < st_reg.ntables; t++)
		for (d = st_reg.tables[t]; d->name != NULL; d++)
			if (strlen(d->name) == n && memcmp(d->name, name, n) == 0)
				return d;
	return NULL;
}

/* The value slot of d in c->s (filled by st_app_values). */
static struct wk_setting_value *
st_app_slot(const struct wk_settings *s, const struct wk_setting_def *d)
{
	size_t i;

	for (i = 0; i < s->n_app_values; i++)
		if (s->app_values[i].def == d)
			return &s->app_values[i];
	return NULL;
}

/*
 * Give s a value for every registered key: the one s already has (an
 * earlier load), else the default.  0, or -1 with c->msg set.
 */
static int
st_app_values(struct st_ctx *c)
{
	struct wk_settings *s = c->s;
	struct wk_setting_value *vals, *old;
	const struct wk_setting_def *d;
	const char *keep_path = c->path;
	size_t t, n = 0;

	if (st_reg.keys == 0)
		return 0;
	if ((vals = wk_arena_calloc(c->a, st_reg.keys, sizeof(*vals))) == NULL)
		return st_fail(c, "out of memory");
	c->path = NULL;      /* a default path is taken as written */
	for (t = 0; t < st_reg.ntables; t++) {
		for (d = st_reg.tables[t]; d->name != NULL; d++, n++) {
			if ((old = st_app_slot(s, d)) != NULL) {
				vals[n] = *old;
				vals[n].line = 0;   /* not from this file */
				continue;
			}
			vals[n].def = d;
			if (d->def != NULL && st_parse_app(c, d, &vals[n],
			    d->def, strlen(d->def)) != 0) {
				c->path = keep_path;
				return -1;
			}
		}
	}
	c->path = keep_path;
	s->app_values = vals;
	s->n_app_values = n;
	return 0;
}

static int
st_name_ok(const char *name)
{
	const char *p;

	if (name == NULL || name[0] == '\0' || strlen(name) > 64)
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return 0;
	return 1;
}

/* see settings.h */
int
wk_settings_register(const struct wk_setting_def *table, char *err,
    size_t errlen)
{
	const struct wk_setting_def *d, *e, **grown;
	struct wk_settings scratch;
	struct wk_setting_value v;
	struct st_ctx c;
	wk_arena a;
	size_t n = 0, cap;
	char dummy[1];
	int r = 0;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (table == NULL)
		goto bad_table;
	for (n = 0; n < st_reg.ntables; n++)
		if (st_reg.tables[n] == table)
			return 0;       /* again (wk_main run twice) */
	n = 0;
	for (d = table; d->name != NULL; d++) {
		if (!st_name_ok(d->name)) {
			snprintf(err, errlen, "setting '%s': names are "
			    "lowercase letters, digits and '_'", d->name);
			return -1;
		}
		if ((unsigned)d->type >= WK_SETTING__MAX) {
			snprintf(err, errlen, "setting %s: unknown type",
			    d->name);
			return -1;
		}
		if (st_lookup(d->name, strlen(d->name)) != NULL ||
		    st_app_lookup(d->name, strlen(d->name)) != NULL) {
			snprintf(err, errlen, "setting %s: already a key",
			    d->name);
			return -1;
		}
		for (e = table; e < d; e++)
			if (strcmp(e->name, d->name) == 0) {
				snprintf(err, errlen, "setting %s: listed "
				    "twice", d->name);
				return -1;
			}
		n++;
	}
	/* Check every default now, so that a load never fails on one. */
	wk_arena_init(&a);
	memset(&c, 0, sizeof(c));
	memset(&scratch, 0, sizeof(scratch));   /* parsers only write the value */
	c.s = &scratch;
	c.base = &scratch;
	c.a = &a;
	for (d = table; d->name != NULL && r == 0; d++) {
		memset(&v, 0, sizeof(v));
		if (d->def != NULL && st_parse_app(&c, d, &v, d->def,
		    strlen(d->def)) != 0) {
			snprintf(err, errlen, "setting %s: bad default: %s",
			    d->name, c.msg);
			r = -1;
		}
	}
	wk_arena_free(&a);
	if (r != 0)
		return -1;
	if (st_reg.ntables >= WK_SETTINGS_MAX_TABLES)
		goto bad_table;
	if (st_reg.ntables == st_reg.cap) {
		cap = st_reg.cap == 0 ? 4 : st_reg.cap * 2;
		if ((grown = realloc(st_reg.tables, cap * sizeof(*grown))) ==
		    NULL)
			goto bad_table;
		st_reg.tables = grown;
		st_reg.cap = cap;
	}
	st_reg.tables[st_reg.ntables++] = table;
	st_reg.keys += n;
	return 0;
bad_table:
	snprintf(err, errlen, "settings: cannot register the table (NULL, "
	    "more than %d tables, or out of memory)", WK_SETTINGS_MAX_TABLES);
	return -1;
}

/* see settings.h */
void
wk_settings_unregister_all(void)
{
	free(st_reg.tables);
	st_reg.tables = NULL;
	st_reg.ntables = st_reg.cap = st_reg.keys = 0;
}

/*
 * The value of the registered key name in s, or NULL: unknown, not of a
 * type in mask, or s was never loaded (then *d is still the definition).
 */
static const struct wk_setting_value *
st_app_get(const struct wk_settings *s, const char *name, unsigned mask,
    const struct wk_setting_def **d)
{
	*d = name != NULL ? st_app_lookup(name, strlen(name)) : NULL;
	if (*d == NULL || !(mask & (1u << (*d)->type)))
		return *d = NULL, NULL;
	return s != NULL ? st_app_slot(s, *d) : NULL;
}

/* see settings.h */
const char *
wk_settings_str(const struct wk_settings *s, const char *name)
{
	const struct wk_setting_def *d;
	const struct wk_setting_value *v = st_app_get(s, name,
	    1u << WK_SETTING_STRING | 1u << WK_SETTING_PATH, &d);

	if (v != NULL)
		return v->s;
	return d != NULL ? d->def : NULL;
}

/* see settings.h */
long
wk_settings_int(const struct wk_settings *s, const char *name)
{
	const struct wk_setting_def *d;
	const struct wk_setting_value *v = st_app_get(s, name,
	    1u << WK_SETTING_INT | 1u << WK_SETTING_BOOL, &d);
	size_t i;

	if (v != NULL)
		return d->type == WK_SETTING_BOOL ? v->b : v->i;
	if (d == NULL || d->def == NULL)
		return 0;
	if (d->type == WK_SETTING_INT)
		return strtol(d->def, NULL, 10);
	for (i = 0; i < sizeof(st_bools) / sizeof(st_bools[0]); i++)
		if (strcasecmp(st_bools[i].word, d->def) == 0)
			return st_bools[i].value;
	return 0;
}

/* see settings.h */
size_t
wk_settings_list(const struct wk_settings *s, const char *name,
    const char *const **items)
{
	const struct wk_setting_def *d;
	const struct wk_setting_value *v = st_app_get(s, name,
	    1u << WK_SETTING_LIST, &d);

	*items = v != NULL ? v->items : NULL;
	return v != NULL ? v->n : 0;
}

/* see settings.h */
int
wk_settings_each(const struct wk_settings *s,
    void (*fn)(void *ctx, const struct wk_setting_def *d,
    const struct wk_setting_value *v), void *ctx)
{
	const struct wk_setting_def *d;
	size_t t;
	int n = 0;

	for (t = 0; t < st_reg.ntables; t++)
		for (d = st_reg.tables[t]; d->name != NULL; d++, n++)
			if (fn != NULL)
				fn(ctx, d, s != NULL ? st_app_slot(s, d) : NULL);
	return n;
}

/* Parse one line (no line end).  0 ok, -1 with c->msg set. */
static int
st_parse_line(struct st_ctx *c, const char *p, size_t n,
    unsigned *seen, unsigned lineno)
{
	const char *eq, *key, *val;
	size_t klen, vlen, i;
	const struct st_key *k;
	const struct wk_setting_def *d;
	struct wk_setting_value *v;
	char shown[ST_SHOW_MAX * 4 + 8];

	if (st_check_bytes(c, p, n) != 0)
		return -1;
	while (n > 0 && st_is_space(p[0]))
		p++, n--;
	while (n > 0 && st_is_space(p[n - 1]))
		n--;
	if (n == 0 || p[0] == '#')
		return 0;
	eq = memchr(p, '=', n);
	if (eq == NULL) {
		return st_fail(c, "expected 'key = value', got '%s'",
		    st_show(shown, sizeof(shown), p, n));
	}
	key = p;
	klen = (size_t)(eq - p);
	while (klen > 0 && st_is_space(key[klen - 1]))
		klen--;
	val = eq + 1;
	vlen = (size_t)(p + n - val);
	while (vlen > 0 && st_is_space(val[0]))
		val++, vlen--;
	if (klen == 0)
		return st_fail(c, "missing key before '='");
	k = st_lookup(key, klen);
	if (k == NULL && (d = st_app_lookup(key, klen)) != NULL) {
		if ((v = st_app_slot(c->s, d)) == NULL)
			return st_fail(c, "%s: out of memory", d->name);
		if (v->line != 0)
			return st_fail(c, "duplicate key '%s' (first set on "
			    "line %u)", d->name, v->line);
		v->line = lineno;
		if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"')
			return st_fail(c, "%s: values are not quoted; write "
			    "%s = value", d->name, d->name);
		return st_parse_app(c, d, v, val, vlen);
	}
	if (k == NULL) {
		const char *hint = "";
		for (i = 0; i < ST_NKEYS; i++)
			if (strlen(st_keys[i].name) == klen &&
			    strncasecmp(st_keys[i].name, key, klen) == 0)
				hint = " (keys are lowercase)";
		return st_fail(c, "unknown key '%s'%s",
		    st_show(shown, sizeof(shown), key, klen), hint);
	}
	i = (size_t)(k - st_keys);
	if (seen[i] != 0)
		return st_fail(c, "duplicate key '%s' (first set on line %u)",
		    k->name, seen[i]);
	seen[i] = lineno;
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"')
		return st_fail(c, "%s: values are not quoted; write %s = value",
		    k->name, k->name);
	return st_parsers[k->type](c, k, val, vlen);
}

/*
 * Read the whole file (at most ST_FILE_MAX bytes) into arena a.  Not
 * malloc: /hello would then be the request that initialises musl's
 * allocator (brk, two mmaps, a munmap and three page faults) just to hold
 * a few lines that the arena's static first chunk holds for free.  The
 * bytes stay in the arena until it is freed, as the parsed strings do.
 * openat, not open: musl's open() adds an fcntl(FD_CLOEXEC) for kernels
 * older than 2.6.23; openat() trusts O_CLOEXEC.
 */
static int
st_read_file(wk_arena *a, const char *path, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t cap, got = 0;
	ssize_t r;
	int fd;

	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot stat %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read %s: not a regular file",
		    path);
		goto fail;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > ST_FILE_MAX)
		goto toobig;
	/* One spare byte notices a file that grew since fstat. */
	cap = (size_t)st.st_size + 1;
	buf = wk_arena_alloc(a, cap + 1);
	if (buf == NULL) {
		snprintf(err, errlen, "cannot read %s: out of memory", path);
		goto fail;
	}
	while (got < cap) {
		r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got == cap) {
		snprintf(err, errlen, "cannot read %s: file changed while "
		    "being read", path);
		goto fail;
	}
	buf[got] = '\0';
	close(fd);
	*out = buf;
	*outlen = got;
	return 0;
toobig:
	snprintf(err, errlen, "%s: file larger than %zu KiB", path,
	    ST_FILE_MAX / 1024);
fail:
	close(fd);
	return -1;
}

/* see settings.h */
int
wk_settings_load_file(struct wk_settings *s, wk_arena *a, const char *path,
    char *err, size_t errlen)
{
	struct st_ctx c;
	struct wk_settings work;
	unsigned seen[ST_NKEYS];
	char *buf = NULL, dummy[1];
	const char *p, *end, *nl;
	size_t len = 0, n;
	unsigned lineno = 0;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (st_read_file(a, path, &buf, &len, err, errlen) != 0)
		return -1;
	/* Work on a copy: on error s is left as it was. */
	work = *s;
	memset(&c, 0, sizeof(c));
	memset(seen, 0, sizeof(seen));
	c.s = &work;
	c.base = &work;
	c.a = a;
	c.path = path;
	if (st_reg.keys != 0 && st_app_values(&c) != 0)
		goto fail;
	p = buf;
	end = buf + len;
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > ST_LINE_MAX) {
			st_fail(&c, "line longer than %d bytes", ST_LINE_MAX);
			goto fail;
		}
		if (st_parse_line(&c, p, n, seen, lineno) != 0)
			goto fail;
		p = nl != NULL ? nl + 1 : end;
	}
	work.source = wk_arena_strdup(a, path);
	if (work.source == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	*s = work;
	return 0;
fail:
	/* Cut to errlen as settings.h says. */
	snprintf(err, errlen, "%s:%u: %s", path, lineno, c.msg);
	return -1;
}

/* The registered keys at their defaults, without a file. */
static int
st_app_defaults(struct wk_settings *s, wk_arena *a, char *err, size_t errlen)
{
	struct st_ctx c;

	if (st_reg.keys == 0)
		return 0;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.base = s;
	c.a = a;
	if (st_app_values(&c) == 0)
		return 0;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "settings: %s", c.msg);
	return -1;
}

/* see settings.h */
int
wk_settings_load(struct wk_settings *s, wk_arena *a, char *err,
    size_t errlen)
{
	const char *path = getenv("WICK_CONFIG");

	st_defaults(s);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL || path[0] == '\0')
		return st_reg.keys != 0 ? st_app_defaults(s, a, err, errlen) : 0;
	return wk_settings_load_file(s, a, path, err, errlen);
}

/* Append one "  level: text" line to out; counts even when out is full. */
static void
st_problem(char *out, size_t outlen, size_t *used, int *count,
    const char *level, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void
st_problem(char *out, size_t outlen, size_t *used, int *count,
    const char *level, const char *fmt, ...)
{
	char line[768];
	va_list ap;
	int r;
	size_t n;

	(*count)++;
	va_start(ap, fmt);
	r = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (outlen == 0 || *used >= outlen - 1)
		return;
	r = snprintf(out + *used, outlen - *used, "  %s: %s\n", level, line);
	if (r < 0)
		return;
	n = (size_t)r;
	if (n >= outlen - *used) {
		/* Out of room: end on a whole line marker. */
		*used = outlen - 1;
		if (outlen >= 5)
			memcpy(out + outlen - 5, "...\n", 5);
		return;
	}
	*used += n;
}

/* see settings.h */
int
wk_settings_check(const struct wk_settings *s, char *out, size_t outlen)
{
	struct stat st;
	size_t used = 0, i;
	int count = 0, fd;
	const char *docroot;

	if (outlen > 0)
		out[0] = '\0';
	if (s->secret_key_file == NULL) {
		st_problem(out, outlen, &used, &count, "error",
		    "secret_key_file is not set: sessions, CSRF and signed "
		    "values need a secret key file (at least %d random bytes)",
		    ST_SECRET_MIN);
	} else if ((fd = open(s->secret_key_file, O_RDONLY | O_CLOEXEC)) < 0) {
		st_problem(out, outlen, &used, &count, "error",
		    "secret_key_file %s: cannot open: %s", s->secret_key_file,
		    strerror(errno));
	} else {
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
			st_problem(out, outlen, &used, &count, "error",
			    "secret_key_file %s: not a regular file",
			    s->secret_key_file);
		else {
			if (st.st_size < ST_SECRET_MIN)
				st_problem(out, outlen, &used, &count, "error",
				    "secret_key_file %s: only %lld bytes; use "
				    "at least %d random bytes",
				    s->secret_key_file, (long long)st.st_size,
				    ST_SECRET_MIN);
			if (st.st_mode & S_IROTH)
				st_problem(out, outlen, &used, &count, "error",
				    "secret_key_file %s: readable by every "
				    "user (chmod o-r)", s->secret_key_file);
		}
		close(fd);
	}
	if (s->debug)
		st_problem(out, outlen, &used, &count, "warning",
		    "debug is on: error pages show internals; turn it off "
		    "in production");
	if (s->n_allowed_hosts == 0)
		st_problem(out, outlen, &used, &count, "warning",
		    "allowed_hosts is empty: every request gets 400");
	for (i = 0; i < s->n_allowed_hosts && i < WK_SETTINGS_MAX_HOSTS; i++)
		if (s->allowed_hosts[i] != NULL &&
		    strcmp(s->allowed_hosts[i], "*") == 0)
			st_problem(out, outlen, &used, &count, "warning",
			    "allowed_hosts contains \"*\": any Host header is "
			    "accepted (host header attacks)");
	if (s->database == NULL) {
		st_problem(out, outlen, &used, &count, "info",
		    "database is not set: the ORM uses its default file");
	} else {
		docroot = getenv("DOCUMENT_ROOT");
		if (docroot != NULL && docroot[0] == '/' &&
		    strncmp(s->database, docroot, strlen(docroot)) == 0 &&
		    (s->database[strlen(docroot)] == '/' ||
		    docroot[strlen(docroot) - 1] == '/'))
			st_problem(out, outlen, &used, &count, "error",
			    "database %s is inside the document root %s: the "
			    "web server may serve it", s->database, docroot);
	}
	if (s->hsts_preload && (!s->hsts_include_subdomains ||
	    s->hsts_seconds < 31536000))
		st_problem(out, outlen, &used, &count, "warning",
		    "hsts_preload needs hsts_include_subdomains on and "
		    "hsts_seconds of at least 31536000");
	return count;
}

/* see settings.h */
int
wk_settings_secret_key(const struct wk_settings *s, unsigned char *out,
    size_t outsz, size_t *outlen, const char **why)
{
	ssize_t n;
	size_t len = 0;
	int fd;

	if (s == NULL || s->secret_key_file == NULL) {
		*why = "secret_key_file is not set in the settings (a file of "
		    "at least 32 random bytes)";
		return -1;
	}
	if ((fd = open(s->secret_key_file, O_RDONLY | O_CLOEXEC)) < 0) {
		*why = "secret_key_file cannot be opened";
		return -1;
	}
	while (len < outsz) {
		n = read(fd, out + len, outsz - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\t' ||
	    out[len - 1] == '\n' || out[len - 1] == '\r' ||
	    out[len - 1] == '\v' || out[len - 1] == '\f'))
		len--;
	if (len < WK_SECRET_KEY_MIN) {
		*why = "secret_key_file holds fewer than 32 bytes";
		return -1;
	}
	*outlen = len;
	return 0;
}

/* see settings.h */
int
wk_settings_host_allowed(const struct wk_settings *s, const char *host)
{
	size_t i, hl, pl;
	const char *p;

	if (host == NULL || host[0] == '\0')
		return 0;
	hl = strlen(host);
	/* "example.com." is example.com (as Django does). */
	if (hl > 1 && host[hl - 1] == '.')
		hl--;
	for (i = 0; i < s->n_allowed_hosts && i < WK_SETTINGS_MAX_HOSTS; i++) {
		p = s->allowed_hosts[i];
		if (p == NULL)
			continue;
		pl = strlen(p);
		if (pl == 1 && p[0] == '*')
			return 1;
		if (pl > 1 && p[0] == '.') {
			/* ".example.com": example.com and its subdomains. */
			if (hl == pl - 1 && strncasecmp(host, p + 1, hl) == 0)
				return 1;
			if (hl > pl && strncasecmp(host + hl - pl, p, pl) == 0)
				return 1;
			continue;
		}
		if (hl == pl && strncasecmp(host, p, hl) == 0)
			return 1;
	}
	return 0;
}
