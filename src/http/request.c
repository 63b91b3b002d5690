/*
 * request.c - parse one CGI request into a struct wk_request (see request.h).
 *
 * Everything a client controls enters Wick here and nowhere else: the
 * environment the server built from the request line and headers, and the
 * body on stdin.  The parser works in two steps.  First it collects the
 * meta-variables into the request without judging them, so that even a
 * refused request has a usable method, path, host and scheme for the error
 * page and the middleware.  Then it checks them in a fixed order (method,
 * URL length, headers, path, query string, Content-Length, body) and stops
 * at the first problem with a short reason in req->error.  The body is only
 * read, and its buffer only allocated, once everything before it passed.
 *
 * Decisions a reader may look for:
 *  - A variable present twice in the environment (a real server never does
 *    this) resolves to the first, as getenv() would; HTTP_* duplicates are
 *    all kept in req->headers and wk_request_header() returns the first.
 *  - HTTP_PROXY is dropped (httpoxy), HTTP_CONTENT_TYPE/HTTP_CONTENT_LENGTH
 *    are dropped (servers that send them also send the real CONTENT_*), and
 *    CONTENT_TYPE/CONTENT_LENGTH are added to req->headers under those names
 *    so wk_request_header(req, "Content-Type") works, as Django's
 *    request.headers does.
 *  - A header's size is counted as on the wire: "Name: value".
 *  - PATH_INFO arrives already percent-decoded: RFC 3875 4.1.5 says so,
 *    Apache does it, and the test client and development server imitate
 *    it.  Decoding it again would be double decoding ("/a%2541" would
 *    become "/aA", "/100%25" a 400), so the path is only checked: invalid
 *    UTF-8 -> 400 (a NUL cannot pass through the environment).
 *  - An empty PATH_INFO with a REQUEST_URI that goes on past SCRIPT_NAME
 *    with a '/' is busybox httpd's: it takes a URL ending in '/' for a
 *    folder and runs cgi-bin/index.cgi with no PATH_INFO.  The path is
 *    then the rest of REQUEST_URI (up to '?'), percent-decoded as a server
 *    would; a bad escape there is a 400.  Apache, nginx and lighttpd never
 *    send that combination.
 *  - Body fields are parsed only for POST, as Django fills request.POST only
 *    for POST; other methods find the raw body in req->body.
 *  - Limits are taken literally: a limit of 0 allows nothing.
 */
#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "wick/core/kv.h"
#include "wick/core/random.h"
#include "wick/http/io.h"
#include "wick/http/request.h"

/* Outcome of decoding one percent-encoded string. */
enum decode_result {
	DECODE_OK,
	DECODE_ESCAPE,   /* '%' not followed by two hex digits */
	DECODE_NUL,      /* a NUL byte, raw or as %00 */
	DECODE_UTF8,     /* the decoded bytes are not valid UTF-8 */
	DECODE_NOMEM,
	DECODE__MAX
};

static const char *const decode_reasons[DECODE__MAX] = {
	[DECODE_OK] = "OK",
	[DECODE_ESCAPE] = "Invalid percent-encoding",
	[DECODE_NUL] = "NUL byte",
	[DECODE_UTF8] = "Invalid UTF-8",
	[DECODE_NOMEM] = "Out of memory",
};

/* Indexed by enum wk_method. */
static const char *const method_names[WK_METHOD__MAX] = {
	[WK_METHOD_GET] = "GET",
	[WK_METHOD_HEAD] = "HEAD",
	[WK_METHOD_POST] = "POST",
	[WK_METHOD_PUT] = "PUT",
	[WK_METHOD_PATCH] = "PATCH",
	[WK_METHOD_DELETE] = "DELETE",
	[WK_METHOD_OPTIONS] = "OPTIONS",
	[WK_METHOD_OTHER] = "OTHER",
};

/* The meta-variables read by name; the first occurrence wins. */
enum cgi_var {
	VAR_REQUEST_METHOD,
	VAR_PATH_INFO,
	VAR_SCRIPT_NAME,
	VAR_QUERY_STRING,
	VAR_CONTENT_TYPE,
	VAR_CONTENT_LENGTH,
	VAR_HTTPS,
	VAR_REQUEST_SCHEME,
	VAR_SERVER_NAME,
	VAR_SERVER_PORT,
	VAR_REMOTE_ADDR,
	VAR_REQUEST_URI,
	VAR__MAX
};

static const char *const var_names[VAR__MAX] = {
	[VAR_REQUEST_METHOD] = "REQUEST_METHOD",
	[VAR_PATH_INFO] = "PATH_INFO",
	[VAR_SCRIPT_NAME] = "SCRIPT_NAME",
	[VAR_QUERY_STRING] = "QUERY_STRING",
	[VAR_CONTENT_TYPE] = "CONTENT_TYPE",
	[VAR_CONTENT_LENGTH] = "CONTENT_LENGTH",
	[VAR_HTTPS] = "HTTPS",
	[VAR_REQUEST_SCHEME] = "REQUEST_SCHEME",
	[VAR_SERVER_NAME] = "SERVER_NAME",
	[VAR_SERVER_PORT] = "SERVER_PORT",
	[VAR_REMOTE_ADDR] = "REMOTE_ADDR",
	[VAR_REQUEST_URI] = "REQUEST_URI",
};

/* HTTP_* variables never turned into headers. */
static const char *const dropped_headers[] = {
	"PROXY",          /* httpoxy: a client must not set our proxy */
	"CONTENT_TYPE",   /* the real ones are CONTENT_TYPE/LENGTH */
	"CONTENT_LENGTH",
};

/* What the collecting step found, before any judgement. */
struct collected {
	const char *var[VAR__MAX];   /* arena copies, NULL when absent */
	size_t var_len[VAR__MAX];
	const char *cookie;          /* first HTTP_COOKIE */
	const char *forwarded_proto; /* first HTTP_X_FORWARDED_PROTO */
	const char *host_header;     /* first HTTP_HOST */
	const char *long_header;     /* a header beyond max_header */
	const char *bad_header;      /* a header holding CR or LF */
	size_t headers_total;        /* "Name: value" bytes of all headers */
};

static int
ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int
ascii_upper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 1 if s equals the n bytes of p, ignoring ASCII case. */
static int
span_equal_nocase(const char *p, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || ascii_lower((unsigned char)p[i]) !=
		    ascii_lower((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

/* see request.h */
int
wk_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, need;
	unsigned long cp, min;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			need = 1;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			need = 3;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else {
			return 0; /* continuation byte, C0/C1, F5..FF */
		}
		if (n - i - 1 < need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

/*
 * Decode n bytes of src into a new arena string (*out, *outlen).  The
 * decoded form is never longer than the encoded one, so one allocation of
 * n + 1 bytes serves.
 */
static enum decode_result
decode(wk_arena *a, const char *src, size_t n, int plus_is_space,
    char **out, size_t *outlen)
{
	char *dst;
	size_t i, j = 0;
	int hi, lo;

	*out = NULL;
	*outlen = 0;
	if (n == SIZE_MAX)
		return DECODE_NOMEM;
	dst = wk_arena_alloc(a, n + 1);
	if (dst == NULL)
		return DECODE_NOMEM;
	for (i = 0; i < n; i++) {
		char c = src[i];

		if (c == '%') {
			if (n - i < 3)
				return DECODE_ESCAPE;
			hi = hex_value((unsigned char)src[i + 1]);
			lo = hex_value((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0)
				return DECODE_ESCAPE;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			return DECODE_NUL;
		dst[j++] = c;
	}
	dst[j] = '\0';
	if (!wk_utf8_valid(dst, j))
		return DECODE_UTF8;
	*out = dst;
	*outlen = j;
	return DECODE_OK;
}

/* see request.h */
char *
wk_url_decode(wk_arena *a, const char *src, size_t n, int plus_is_space,
    size_t *outlen, int *bad)
{
	enum decode_result r;
	char *out;
	size_t len;

	r = decode(a, src, n, plus_is_space, &out, &len);
	if (bad != NULL)
		*bad = (r != DECODE_OK && r != DECODE_NOMEM);
	if (outlen != NULL)
		*outlen = len;
	return r == DECODE_OK ? out : NULL;
}

/*
 * see request.h.  Pairs are separated by '&' only (';' is data, as in
 * Python >= 3.9.2); empty pairs are skipped; "name" without '=' is the
 * field name with an empty value (Django keeps blank values).
 */
int
wk_parse_urlencoded(wk_arena *a, struct wk_kvlist *l, const char *src,
    size_t n, size_t max_fields, size_t *count, const char **why)
{
	const char *p = src, *end = src + n, *amp, *eq;
	char *name, *value;
	size_t name_len, value_len;
	enum decode_result r;

	assert(count != NULL && why != NULL);
	*why = NULL;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (*count >= max_fields) {
			*why = wk_arena_printf(a, "Too many fields (limit %zu)",
			    max_fields);
			if (*why == NULL)
				*why = "Too many fields";
			return 400;
		}
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		r = decode(a, p, (size_t)(eq - p), 1, &name, &name_len);
		if (r == DECODE_OK && eq < amp)
			r = decode(a, eq + 1, (size_t)(amp - eq - 1), 1, &value,
			    &value_len);
		else if (r == DECODE_OK) {
			value = name + name_len; /* the empty string */
			value_len = 0;
		}
		if (r != DECODE_OK) {
			*why = decode_reasons[r];
			return r == DECODE_NOMEM ? 500 : 400;
		}
		if (wk_kv_add(a, l, name, value, value_len) != 0) {
			*why = decode_reasons[DECODE_NOMEM];
			return 500;
		}
		(*count)++;
		p = amp < end ? amp + 1 : end;
	}
	return 0;
}

/* see request.h */
enum wk_method
wk_method_from_name(const char *name)
{
	int m;

	if (name == NULL)
		return WK_METHOD_OTHER;
	for (m = 0; m < WK_METHOD_OTHER; m++)
		if (strcmp(name, method_names[m]) == 0)
			return (enum wk_method)m;
	return WK_METHOD_OTHER;
}

/* see request.h */
const char *
wk_method_name(enum wk_method m)
{
	if ((int)m < 0 || m >= WK_METHOD__MAX)
		return method_names[WK_METHOD_OTHER];
	return method_names[m];
}

/* Set the error and return its status, for one-line failure returns. */
static int
fail_with(struct wk_request *req, int status, const char *why)
{
	req->error_status = status;
	req->error = why != NULL ? why : "Out of memory";
	return status;
}

/* The same with a formatted reason; falls back to fixed text on OOM. */
static int
fail_fmt(struct wk_request *req, int status, const char *fallback,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail_fmt(struct wk_request *req, int status, const char *fallback,
    const char *fmt, ...)
{
	va_list ap;
	const char *msg;

	va_start(ap, fmt);
	msg = wk_arena_vprintf(req->arena, fmt, ap);
	va_end(ap);
	return fail_with(req, status, msg != NULL ? msg : fallback);
}

/* 1 if the header (the env name after "HTTP_") is never stored. */
static int
header_dropped(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(dropped_headers) / sizeof(dropped_headers[0]);
	    i++)
		if (span_equal_nocase(name, len, dropped_headers[i]))
			return 1;
	return 0;
}

/* Account one header for the limits and look for CR/LF in its value. */
static void
measure_header(struct wk_request *req, struct collected *c, const char *name,
    size_t name_len, const char *value, size_t value_len)
{
	const struct wk_settings *s = req->settings;
	size_t line = name_len + 2 + value_len; /* "Name: value" */

	if (line > s->max_header && c->long_header == NULL)
		c->long_header = name;
	if (c->headers_total <= SIZE_MAX - line)
		c->headers_total += line;
	else
		c->headers_total = SIZE_MAX;
	if (c->bad_header == NULL && (memchr(value, '\r', value_len) != NULL ||
	    memchr(value, '\n', value_len) != NULL))
		c->bad_header = name;
}

/*
 * Step one: walk the environment, copy what matters into the arena.
 * Returns 0 or -1 on allocation failure.
 */
static int
collect(struct wk_request *req, struct collected *c, char *const *envp)
{
	wk_arena *a = req->arena;
	size_t i, name_len, value_len;
	const char *eq, *entry;
	char *name, *value;
	int v;

	for (i = 0; envp != NULL && envp[i] != NULL; i++) {
		entry = envp[i];
		eq = strchr(entry, '=');
		if (eq == NULL || eq == entry)
			continue;
		name_len = (size_t)(eq - entry);
		value_len = strlen(eq + 1);
		if (name_len > 5 && memcmp(entry, "HTTP_", 5) == 0) {
			if (header_dropped(entry + 5, name_len - 5))
				continue;
			/*
			 * Past the total limit the request is refused: stop
			 * storing, so memory stays bounded.
			 */
			measure_header(req, c, entry + 5, name_len - 5, eq + 1,
			    value_len);
			if (c->headers_total > req->settings->max_headers_total)
				continue;
			name = wk_arena_strndup(a, entry + 5, name_len - 5);
			value = wk_arena_strndup(a, eq + 1, value_len);
			if (name == NULL || value == NULL ||
			    wk_kv_add(a, &req->headers, name, value,
			    value_len) != 0)
				return -1;
			if (c->host_header == NULL && strcmp(name, "HOST") == 0)
				c->host_header = value;
			else if (c->cookie == NULL &&
			    strcmp(name, "COOKIE") == 0)
				c->cookie = value;
			else if (c->forwarded_proto == NULL &&
			    strcmp(name, "X_FORWARDED_PROTO") == 0)
				c->forwarded_proto = value;
			continue;
		}
		for (v = 0; v < VAR__MAX; v++) {
			if (c->var[v] != NULL ||
			    strlen(var_names[v]) != name_len ||
			    memcmp(entry, var_names[v], name_len) != 0)
				continue;
			c->var[v] = wk_arena_strndup(a, eq + 1, value_len);
			if (c->var[v] == NULL)
				return -1;
			c->var_len[v] = value_len;
			break;
		}
	}

	/* Content-Type and Content-Length are headers too (see top). */
	if (c->var[VAR_CONTENT_TYPE] != NULL) {
		measure_header(req, c, "CONTENT_TYPE", 12,
		    c->var[VAR_CONTENT_TYPE], c->var_len[VAR_CONTENT_TYPE]);
		if (wk_kv_add(a, &req->headers, "CONTENT_TYPE",
		    c->var[VAR_CONTENT_TYPE],
		    c->var_len[VAR_CONTENT_TYPE]) != 0)
			return -1;
	}
	if (c->var[VAR_CONTENT_LENGTH] != NULL) {
		measure_header(req, c, "CONTENT_LENGTH", 14,
		    c->var[VAR_CONTENT_LENGTH],
		    c->var_len[VAR_CONTENT_LENGTH]);
		if (wk_kv_add(a, &req->headers, "CONTENT_LENGTH",
		    c->var[VAR_CONTENT_LENGTH],
		    c->var_len[VAR_CONTENT_LENGTH]) != 0)
			return -1;
	}
	return 0;
}

/*
 * Split a Host value into its domain, with Django's host validation rules:
 * lowercased, then either a name of [a-z0-9.-] or a bracketed IPv6 literal
 * (hex digits, a ':', then at least one of hex digits, ':' and '.'), then
 * optionally ':' and digits.
 * One trailing '.' of the domain is dropped.  Writes the lowercase domain
 * (brackets kept for IPv6, as Django does) into a new arena string.
 * Returns 1 and sets *domain when valid, 0 when the syntax is bad, -1 on
 * allocation failure.
 */
static int
split_host(wk_arena *a, const char *hp, const char **domain)
{
	size_t n = strlen(hp), i, dlen;
	char *d;
	int c, tail = 0;

	*domain = "";
	if (n == 0)
		return 0;
	if (hp[0] == '[') {
		/* [hex*:{hex.:}+] as Django's pattern */
		for (i = 1; i < n && hp[i] != ':'; i++)
			if (hex_value((unsigned char)hp[i]) < 0)
				return 0;
		if (i == n)
			return 0;
		for (i++; i < n && hp[i] != ']'; i++) {
			c = (unsigned char)hp[i];
			if (hex_value(c) < 0 && c != '.' && c != ':')
				return 0;
			tail = 1;
		}
		if (i == n || !tail)
			return 0;
		dlen = ++i; /* through ']' */
	} else {
		for (i = 0; i < n && hp[i] != ':'; i++) {
			c = ascii_lower((unsigned char)hp[i]);
			if (!((c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '.' || c == '-'))
				return 0;
		}
		if (i == 0)
			return 0;
		dlen = i;
	}
	if (i < n) {
		if (hp[i] != ':' || i + 1 == n)
			return 0;
		for (i++; i < n; i++)
			if (hp[i] < '0' || hp[i] > '9')
				return 0;
	}
	if (dlen > 1 && hp[dlen - 1] == '.')
		dlen--;
	d = wk_arena_strndup(a, hp, dlen);
	if (d == NULL)
		return -1;
	for (i = 0; i < dlen; i++)
		d[i] = (char)ascii_lower((unsigned char)d[i]);
	*domain = d;
	return 1;
}

/* Is this HTTPS or REQUEST_SCHEME / X-Forwarded-Proto value "https"? */
static int
says_https(const char *v, size_t n)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return span_equal_nocase(v, n, "https");
}

/*
 * busybox httpd's empty PATH_INFO (see the top of the file): fill it from
 * REQUEST_URI.  Returns 0 (also when there is nothing to recover), or -1
 * with *why set for a bad escape, or -1 with *why NULL when out of memory.
 */
static int
recover_path_info(struct wk_request *req, struct collected *c,
    const char **why)
{
	const char *uri = c->var[VAR_REQUEST_URI], *rest, *q;
	size_t sn = strlen(req->script_name), len;
	char *path;
	enum decode_result r;

	*why = NULL;
	if (c->var_len[VAR_PATH_INFO] != 0 || uri == NULL || sn == 0 ||
	    strncmp(uri, req->script_name, sn) != 0 || uri[sn] != '/')
		return 0;
	rest = uri + sn;
	q = strchr(rest, '?');
	r = decode(req->arena, rest, q != NULL ? (size_t)(q - rest) :
	    strlen(rest), 0, &path, &len);
	if (r != DECODE_OK) {
		if (r != DECODE_NOMEM)
			*why = decode_reasons[r];
		return -1;
	}
	c->var[VAR_PATH_INFO] = path;
	c->var_len[VAR_PATH_INFO] = len;
	req->raw_path = path;
	return 0;
}

/* Scheme and host: everything the error page and middleware rely on. */
static int
set_scheme_and_host(struct wk_request *req, const struct collected *c)
{
	const char *https = c->var[VAR_HTTPS];
	const char *scheme = c->var[VAR_REQUEST_SCHEME];
	const char *xfp = c->forwarded_proto, *comma;
	const char *port, *hp;

	req->is_secure = (https != NULL && (strcasecmp(https, "on") == 0 ||
	    strcmp(https, "1") == 0)) ||
	    (scheme != NULL && says_https(scheme, strlen(scheme)));
	/*
	 * A trusted proxy's X-Forwarded-Proto decides when present (Django's
	 * SECURE_PROXY_SSL_HEADER); its first comma-separated entry counts.
	 */
	if (req->settings->trust_x_forwarded_proto && xfp != NULL) {
		comma = strchr(xfp, ',');
		req->is_secure = says_https(xfp, comma != NULL ?
		    (size_t)(comma - xfp) : strlen(xfp));
	}
	req->scheme = req->is_secure ? "https" : "http";

	if (c->host_header != NULL) {
		req->host_port = c->host_header;
	} else if (req->server_name[0] != '\0') {
		/* No Host (HTTP/1.0): SERVER_NAME, with a non-default port. */
		port = req->server_port;
		if (port[0] == '\0' ||
		    strcmp(port, req->is_secure ? "443" : "80") == 0)
			hp = req->server_name;
		else
			hp = wk_arena_printf(req->arena, "%s:%s",
			    req->server_name, port);
		if (hp == NULL)
			return -1;
		req->host_port = hp;
	}
	return split_host(req->arena, req->host_port, &req->host) < 0 ? -1 : 0;
}

/* "GET" and friends: an HTTP token of at most 32 characters. */
static int
method_valid(const char *m)
{
	static const char tchar_extra[] = "!#$%&'*+-.^_`|~";
	size_t i;

	for (i = 0; m[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)m[i];

		if (i >= 32)
			return 0;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') ||
		    strchr(tchar_extra, ch) != NULL))
			return 0;
	}
	return i > 0;
}

/*
 * CONTENT_LENGTH: plain decimal digits only (no sign, space or 0x), no
 * overflow.  Absent or empty means no body.  0 or -1.
 */
static int
parse_content_length(const char *s, size_t *out)
{
	size_t v = 0;
	unsigned d;

	*out = 0;
	if (s == NULL || s[0] == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (SIZE_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/*
 * Read exactly n bytes through the reader into dst by the deadline.
 * Returns 0, or fails the request with 400: the body ended early, did not
 * arrive in time, or the transport failed.  A deadline already past means
 * only what is there at once is accepted (settings reject a timeout of 0).
 */
static int
read_body(struct wk_request *req, const struct wk_reader *r, char *dst,
    size_t n, long long deadline)
{
	size_t got = 0;
	long k;

	while (got < n) {
		k = r->read(r->ctx, dst + got, n - got, deadline);
		if (k > 0) {
			got += (size_t)k;
			continue;
		}
		if (k == 0)
			return fail_fmt(req, 400, "Request body ended early",
			    "Request body ended after %zu of %zu bytes", got,
			    n);
		if (k == WK_IO_TIMEOUT)
			return fail_fmt(req, 400, "Request body timed out",
			    "Request body timed out after %zu of %zu bytes",
			    got, n);
		return fail_with(req, 400, "Could not read the request body");
	}
	return 0;
}

/* 1 if the content type is multipart/form-data (any case, parameters
 * allowed): such a body is left on a streaming reader for the multipart
 * parser to stream. */
static int
is_multipart_form(const char *ct)
{
	static const char type[] = "multipart/form-data";

	while (*ct == ' ' || *ct == '\t')
		ct++;
	return strncasecmp(ct, type, sizeof(type) - 1) == 0 &&
	    (ct[sizeof(type) - 1] == '\0' || ct[sizeof(type) - 1] == ';' ||
	    ct[sizeof(type) - 1] == ' ' || ct[sizeof(type) - 1] == '\t');
}

/* see request.h */
long
wk_request_body_read(struct wk_request *req, void *dst, size_t n)
{
	size_t want;

	if (req->body_reader == NULL || req->body_left == 0)
		return 0;
	want = n < req->body_left ? n : req->body_left;
	if (want > (size_t)LONG_MAX)
		want = (size_t)LONG_MAX;
	/* Exactly want bytes (the body is known to hold them), with the
	 * request's deadline: a stalled or short body is a 400. */
	if (read_body(req, req->body_reader, dst, want,
	    req->body_deadline_ms) != 0) {
		req->body_reader = NULL;
		return -1;
	}
	req->body_left -= want;
	if (req->body_left == 0)
		req->body_reader = NULL;
	return (long)want;
}

/* 1 if the content type is application/x-www-form-urlencoded (any case,
 * parameters allowed). */
static int
is_form_urlencoded(const char *ct)
{
	static const char type[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(type) - 1;

	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * Cookies: only ';' separates pairs, so a ',' belongs to a value.  Names
 * and values are trimmed of spaces and tabs; a pair without '=' or with an
 * empty name is ignored.  Values are kept as sent, double quotes included:
 * RFC 6265 makes the quotes part of the value and Wick never writes quoted
 * cookies, so stripping them (as Django does) would only lose information.
 * A value that is not UTF-8 is dropped rather than failing the request:
 * browsers send whatever other sites on the domain set.
 */
static int
parse_cookies(struct wk_request *req, const char *h)
{
	const char *p = h, *end = h + strlen(h), *semi, *eq, *ns, *ne, *vs, *ve;
	char *name, *value;

	while (p < end) {
		semi = memchr(p, ';', (size_t)(end - p));
		if (semi == NULL)
			semi = end;
		eq = memchr(p, '=', (size_t)(semi - p));
		if (eq != NULL) {
			ns = p;
			ne = eq;
			vs = eq + 1;
			ve = semi;
			while (ns < ne && (*ns == ' ' || *ns == '\t'))
				ns++;
			while (ne > ns && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ne > ns && wk_utf8_valid(ns, (size_t)(ne - ns)) &&
			    wk_utf8_valid(vs, (size_t)(ve - vs))) {
				name = wk_arena_strndup(req->arena, ns,
				    (size_t)(ne - ns));
				value = wk_arena_strndup(req->arena, vs,
				    (size_t)(ve - vs));
				if (name == NULL || value == NULL ||
				    wk_kv_add(req->arena, &req->cookies, name,
				    value, (size_t)(ve - vs)) != 0)
					return -1;
			}
		}
		p = semi < end ? semi + 1 : end;
	}
	return 0;
}

/* Step two: judge what was collected, first problem wins. */
static int
check_and_parse(struct wk_request *req, const struct collected *c,
    const struct wk_reader *body)
{
	const struct wk_settings *s = req->settings;
	const char *why, *path;
	size_t len, url_len, count = 0;
	char *buf;
	int st;

	if (!method_valid(req->method_name))
		return fail_with(req, 400, req->method_name[0] == '\0' ?
		    "Missing request method" : "Invalid request method");

	url_len = c->var_len[VAR_PATH_INFO];
	if (c->var_len[VAR_QUERY_STRING] > 0)
		url_len += 1 + c->var_len[VAR_QUERY_STRING];
	if (url_len > s->max_url)
		return fail_fmt(req, 414, "Request URL too long",
		    "Request URL exceeds the %zu-byte limit", s->max_url);

	if (c->long_header != NULL)
		return fail_fmt(req, 400, "Request header too long",
		    "Request header exceeds the %zu-byte limit", s->max_header);
	if (c->headers_total > s->max_headers_total)
		return fail_fmt(req, 400, "Request headers too long",
		    "Request headers exceed the %zu-byte limit",
		    s->max_headers_total);
	if (c->bad_header != NULL)
		return fail_with(req, 400,
		    "Line break in a request header value");

	len = c->var_len[VAR_PATH_INFO];
	if (!wk_utf8_valid(req->raw_path, len))
		return fail_with(req, 400, "Invalid UTF-8 in path");
	path = req->raw_path;
	if (len == 0 || path[0] != '/') {
		path = wk_arena_printf(req->arena, "/%s", req->raw_path);
		if (path == NULL)
			return fail_with(req, 500, NULL);
	}
	req->path = path;

	st = wk_parse_urlencoded(req->arena, &req->get, req->query_string,
	    c->var_len[VAR_QUERY_STRING], s->max_fields, &count, &why);
	if (st == 500)
		return fail_with(req, 500, NULL);
	if (st != 0)
		return fail_fmt(req, st, why, "%s in query string", why);

	if (c->cookie != NULL && parse_cookies(req, c->cookie) != 0)
		return fail_with(req, 500, NULL);

	if (parse_content_length(c->var[VAR_CONTENT_LENGTH],
	    &req->content_length) != 0)
		return fail_with(req, 400, "Invalid Content-Length");
	if (req->content_length > s->max_body)
		return fail_fmt(req, 413, "Request body too large",
		    "Request body exceeds the %zu-byte limit", s->max_body);

	/* A multipart body on a streaming reader (CGI) stays where it is:
	 * the multipart parser streams it (files to disk) when the view or
	 * CSRF asks for it. */
	len = req->content_length;
	/* (Only with a body: the first clock read costs a page fault.) */
	if (len > 0)
		req->body_deadline_ms = wk_io_now_ms() +
		    (s->read_timeout_ms > 0 ? s->read_timeout_ms : 0);
	if (len > 0 && body != NULL && body->stream &&
	    is_multipart_form(req->content_type)) {
		req->body_reader = body;
		req->body_left = len;
		return 0;
	}

	/* Only now, with the length checked, allocate and read. */
	buf = wk_arena_alloc(req->arena, len + 1);
	if (buf == NULL)
		return fail_with(req, 500, NULL);
	if (len > 0) {
		if (body == NULL)
			return fail_fmt(req, 400, "Request body ended early",
			    "Request body ended after 0 of %zu bytes", len);
		st = read_body(req, body, buf, len, req->body_deadline_ms);
		if (st != 0)
			return st;
	}
	buf[len] = '\0';
	req->body = buf;
	req->body_len = len;

	if (req->method == WK_METHOD_POST &&
	    is_form_urlencoded(req->content_type)) {
		count = 0;
		st = wk_parse_urlencoded(req->arena, &req->post, buf, len,
		    s->max_fields, &count, &why);
		if (st == 500)
			return fail_with(req, 500, NULL);
		if (st != 0)
			return fail_fmt(req, st, why, "%s in request body",
			    why);
	}
	return 0;
}

/* see request.h */
int
wk_request_parse(struct wk_request *req, wk_arena *a,
    const struct wk_settings *s, char *const *envp,
    const struct wk_reader *body)
{
	struct collected c;
	const char *why;

	assert(req != NULL && a != NULL && s != NULL);
	memset(req, 0, sizeof(*req));
	memset(&c, 0, sizeof(c));
	req->arena = a;
	req->settings = s;
	/* Safe values for every field, so a refused request can be answered. */
	req->method = WK_METHOD_GET;
	req->method_name = "";
	req->path = "/";
	req->raw_path = "";
	req->script_name = "";
	req->query_string = "";
	req->content_type = "";
	req->host = "";
	req->host_port = "";
	req->scheme = "http";
	req->server_name = "";
	req->server_port = "";
	req->remote_addr = "";
	req->body = "";

	if (wk_random_hex(req->id, (sizeof(req->id) - 1) / 2) != 0)
		return fail_with(req, 500, "No randomness for the request id");
	if (collect(req, &c, envp) != 0)
		return fail_with(req, 500, NULL);

#define VAR_OR_EMPTY(v) (c.var[v] != NULL ? c.var[v] : "")
	req->method_name = VAR_OR_EMPTY(VAR_REQUEST_METHOD);
	req->method = wk_method_from_name(req->method_name);
	req->raw_path = VAR_OR_EMPTY(VAR_PATH_INFO);
	req->script_name = VAR_OR_EMPTY(VAR_SCRIPT_NAME);
	req->query_string = VAR_OR_EMPTY(VAR_QUERY_STRING);
	req->content_type = VAR_OR_EMPTY(VAR_CONTENT_TYPE);
	req->server_name = VAR_OR_EMPTY(VAR_SERVER_NAME);
	req->server_port = VAR_OR_EMPTY(VAR_SERVER_PORT);
	req->remote_addr = VAR_OR_EMPTY(VAR_REMOTE_ADDR);
#undef VAR_OR_EMPTY
	if (recover_path_info(req, &c, &why) != 0)
		return why != NULL ? fail_fmt(req, 400, why, "%s in path",
		    why) : fail_with(req, 500, NULL);
	if (set_scheme_and_host(req, &c) != 0)
		return fail_with(req, 500, NULL);
	return check_and_parse(req, &c, body);
}

/* see request.h */
int
wk_request_check_host(struct wk_request *req)
{
	const char *domain;
	int r;

	r = split_host(req->arena, req->host_port, &domain);
	if (r < 0)
		return fail_with(req, 500, NULL);
	if (r == 0)
		return fail_with(req, 400, req->host_port[0] == '\0' ?
		    "Missing Host header" : "Invalid Host header");
	/* Django's matching ("*", ".example.com", exact) lives in settings. */
	if (wk_settings_host_allowed(req->settings, domain))
		return 0;
	/* domain passed the syntax check: safe to quote in the message. */
	return fail_fmt(req, 400, "Host not allowed",
	    "Host '%s' is not in allowed_hosts", domain);
}

/* see request.h */
const char *
wk_request_header(const struct wk_request *req, const char *name)
{
	size_t i, k, n = strlen(name);
	const char *h;
	int c;

	for (i = 0; i < req->headers.len; i++) {
		h = req->headers.items[i].name;
		for (k = 0; k < n; k++) {
			c = ascii_upper((unsigned char)name[k]);
			if (c == '-')
				c = '_';
			if (h[k] != c)
				break;
		}
		if (k == n && h[n] == '\0')
			return req->headers.items[i].value;
	}
	return NULL;
}

/* see request.h */
const char *
wk_request_cookie(const struct wk_request *req, const char *name)
{
	return wk_kv_get(&req->cookies, name);
}

/* see request.h */
const char *
wk_request_get(const struct wk_request *req, const char *name)
{
	return wk_kv_get(&req->get, name);
}

/* see request.h */
const char *
wk_request_post(const struct wk_request *req, const char *name)
{
	return wk_kv_get(&req->post, name);
}

/* see request.h */
const char *
wk_request_arg(const struct wk_request *req, const char *name)
{
	return wk_kv_get(&req->args, name);
}

/* see request.h.  Accepts an optional '-' and decimal digits only. */
int
wk_request_arg_long(const struct wk_request *req, const char *name,
    long long *out)
{
	const char *s = wk_request_arg(req, name);
	unsigned long long v = 0, limit;
	int neg = 0;

	if (s == NULL)
		return -1;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s == '\0')
		return -1;
	limit = neg ? (unsigned long long)LLONG_MAX + 1 :
	    (unsigned long long)LLONG_MAX;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (limit - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (neg)
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)v;
	else
		*out = (long long)v;
	return 0;
}
