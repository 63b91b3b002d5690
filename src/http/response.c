/*
 * response.c - building a response and writing it as CGI output (see
 * response.h).
 *
 * Everything that goes out to the client passes through this file, so this
 * is where header injection is stopped: every header name and value, every
 * cookie and every redirect target is checked when it is stored, and the
 * checks run again when the response is serialised (in case a caller filled
 * r->headers directly).  Anything refused is logged and never emitted.
 * Content-Length is always computed here; a value set by a view is dropped,
 * so the length on the wire always matches the body.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/core/settings.h"

#define CT_HTML "text/html; charset=utf-8"
#define CT_TEXT "text/plain; charset=utf-8"
/*
 * JSON is UTF-8 by definition (RFC 8259 section 8.1) and the media type has
 * no charset parameter; it is sent anyway because Wick promises charset=utf-8
 * on every text response and clients ignore the parameter harmlessly.
 */
#define CT_JSON "application/json; charset=utf-8"

/*
 * The longest Max-Age accepted: 100 years keeps the Expires arithmetic far
 * from any overflow.  (Browsers shorten anything above 400 days themselves,
 * RFC 6265bis 5.6.2, so a long session_cookie_age is not an error here.)
 */
#define COOKIE_MAX_AGE_MAX (100L * 366 * 24 * 3600)

/* The expiry date of a deleted cookie. */
#define EXPIRES_EPOCH "Thu, 01 Jan 1970 00:00:00 GMT"

/* ---- status reasons ----------------------------------------------------- */

static const struct {
	int status;
	const char *reason;
} status_reasons[] = {
	{ 100, "Continue" },
	{ 101, "Switching Protocols" },
	{ 200, "OK" },
	{ 201, "Created" },
	{ 202, "Accepted" },
	{ 203, "Non-Authoritative Information" },
	{ 204, "No Content" },
	{ 205, "Reset Content" },
	{ 206, "Partial Content" },
	{ 300, "Multiple Choices" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 408, "Request Timeout" },
	{ 409, "Conflict" },
	{ 410, "Gone" },
	{ 411, "Length Required" },
	{ 412, "Precondition Failed" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 416, "Range Not Satisfiable" },
	{ 417, "Expectation Failed" },
	{ 421, "Misdirected Request" },
	{ 422, "Unprocessable Content" },
	{ 425, "Too Early" },
	{ 426, "Upgrade Required" },
	{ 428, "Precondition Required" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 451, "Unavailable For Legal Reasons" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

/* Methods in the order Allow lists them. */
static const struct {
	enum wk_method method;
	const char *name;
} allow_order[] = {
	{ WK_METHOD_GET, "GET" },
	{ WK_METHOD_HEAD, "HEAD" },
	{ WK_METHOD_POST, "POST" },
	{ WK_METHOD_PUT, "PUT" },
	{ WK_METHOD_PATCH, "PATCH" },
	{ WK_METHOD_DELETE, "DELETE" },
	{ WK_METHOD_OPTIONS, "OPTIONS" },
};

static const char *const samesite_names[WK_SAMESITE__MAX] = {
	[WK_SAMESITE_LAX] = "Lax",
	[WK_SAMESITE_STRICT] = "Strict",
	[WK_SAMESITE_NONE] = "None",
	[WK_SAMESITE_OMIT] = NULL,
};

static const char *const wday_names[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Headers this file writes itself; a caller's copy is never emitted. */
static const char *const reserved_headers[] = {
	"Status",           /* CGI: would override the status line */
	"Content-Length",   /* computed from the body */
};

/* ---- character classes -------------------------------------------------- */

/* RFC 9110 tchar. */
static int
resp_is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* 1 if s is a non-empty RFC 9110 token. */
static int
resp_is_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!resp_is_tchar((unsigned char)*s))
			return 0;
	return 1;
}

/* 1 if c may appear in a header value: not a control other than HTAB. */
static int
resp_is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* 1 if v can be emitted as a header value. */
static int
resp_is_value(const char *v)
{
	if (v == NULL)
		return 0;
	for (; *v != '\0'; v++)
		if (!resp_is_value_char((unsigned char)*v))
			return 0;
	return 1;
}

/* RFC 6265 cookie-octet: no CTLs, whitespace, DQUOTE, comma, semicolon
 * or backslash. */
static int
resp_is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	    (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

/* 1 if the header name is one serialize writes itself. */
static int
resp_is_reserved(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reserved_headers) / sizeof(reserved_headers[0]);
	    i++)
		if (strcasecmp(name, reserved_headers[i]) == 0)
			return 1;
	return 0;
}

/*
 * Check a header before storing it; log and return -1 when it would be
 * unsafe to emit.  The log escapes the name, so a hostile one is harmless.
 */
static int
resp_check_header(const char *name, const char *value)
{
	if (!resp_is_token(name)) {
		wk_log(NULL, WK_LOG_WARN, "response header refused: name '%s' "
		    "is not an HTTP token", name != NULL ? name : "(null)");
		return -1;
	}
	if (!resp_is_value(value)) {
		wk_log(NULL, WK_LOG_WARN, "response header %s refused: value "
		    "holds CR, LF or another control character", name);
		return -1;
	}
	return 0;
}

/* ---- headers ------------------------------------------------------------ */

/* see response.h */
void
wk_response_init(struct wk_response *r, wk_arena *a)
{
	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->status = 200;
	wk_buf_init(&r->body, a);
}

/* Drop every header called name, in any case. */
static void
resp_remove_header(struct wk_response *r, const char *name)
{
	size_t i, j = 0;

	for (i = 0; i < r->headers.len; i++) {
		if (strcasecmp(r->headers.items[i].name, name) == 0)
			continue;
		r->headers.items[j++] = r->headers.items[i];
	}
	r->headers.len = j;
}

/* Store a checked header; replace earlier ones when replace is set. */
static int
resp_store_header(struct wk_response *r, const char *name, const char *value,
    int replace)
{
	char *n, *v;
	size_t vlen;

	if (resp_check_header(name, value) != 0)
		return -1;
	if (strcasecmp(name, "Status") == 0) {
		wk_log(NULL, WK_LOG_WARN, "response header Status refused: set "
		    "r->status instead");
		return -1;
	}
	vlen = strlen(value);
	n = wk_arena_strdup(r->arena, name);
	v = wk_arena_strndup(r->arena, value, vlen);
	if (n == NULL || v == NULL)
		return -1;
	if (replace)
		resp_remove_header(r, name);
	return wk_kv_add(r->arena, &r->headers, n, v, vlen);
}

/* see response.h */
int
wk_response_set_header(struct wk_response *r, const char *name,
    const char *value)
{
	return resp_store_header(r, name, value, 1);
}

/* see response.h */
int
wk_response_add_header(struct wk_response *r, const char *name,
    const char *value)
{
	return resp_store_header(r, name, value, 0);
}

/* see response.h */
const char *
wk_response_header(const struct wk_response *r, const char *name)
{
	return wk_kv_get_case(&r->headers, name);
}

/* ---- cookies ------------------------------------------------------------ */

/* Format t as an IMF-fixdate (RFC 9110 5.6.7), independent of the locale. */
static int
resp_http_date(char *out, size_t outlen, time_t t)
{
	struct tm tm;
	int n;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	n = snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wday_names[tm.tm_wday], tm.tm_mday, month_names[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	return 0;
}

/* Path attribute: starts with '/', printable ASCII, no ';'. */
static int
resp_cookie_path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e ||
		    *p == ';')
			return 0;
	return 1;
}

/* Domain attribute: a host name, optionally with a leading dot. */
static int
resp_cookie_domain_ok(const char *d)
{
	if (*d == '.')
		d++;
	if (*d == '\0' || *d == '.' || *d == '-')
		return 0;
	for (; *d != '\0'; d++) {
		unsigned char c = (unsigned char)*d;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
		if (c == '.' && d[1] == '.')
			return 0;
	}
	return 1;
}

/* 1 if name starts with prefix, matched case-insensitively (as browsers
 * match cookie prefixes). */
static int
resp_has_prefix(const char *name, const char *prefix)
{
	return strncasecmp(name, prefix, strlen(prefix)) == 0;
}

/* see response.h */
int
wk_response_set_cookie(struct wk_response *r, const char *name,
    const char *value, const struct wk_cookie_opts *o)
{
	static const struct wk_cookie_opts defaults = {
		NULL, NULL, -1, 0, 1, WK_SAMESITE_LAX
	};
	const char *path, *p;
	char date[64];
	wk_buf b;
	int secure;

	if (o == NULL)
		o = &defaults;
	path = o->path != NULL ? o->path : "/";
	secure = o->secure;
	if (!resp_is_token(name)) {
		wk_log(NULL, WK_LOG_WARN, "cookie refused: name '%s' is not an "
		    "HTTP token", name != NULL ? name : "(null)");
		return -1;
	}
	if (value == NULL)
		value = "";
	for (p = value; *p != '\0'; p++) {
		if (!resp_is_cookie_octet((unsigned char)*p)) {
			wk_log(NULL, WK_LOG_WARN, "cookie %s refused: value holds "
			    "a byte that is not a cookie-octet", name);
			return -1;
		}
	}
	if (!resp_cookie_path_ok(path) ||
	    (o->domain != NULL && !resp_cookie_domain_ok(o->domain))) {
		wk_log(NULL, WK_LOG_WARN, "cookie %s refused: bad Path or "
		    "Domain attribute", name);
		return -1;
	}
	if ((unsigned)o->samesite >= WK_SAMESITE__MAX ||
	    o->max_age > COOKIE_MAX_AGE_MAX) {
		wk_log(NULL, WK_LOG_WARN, "cookie %s refused: bad SameSite or "
		    "Max-Age", name);
		return -1;
	}
	/* Browsers reject these without Secure; __Host- also pins the path. */
	if (o->samesite == WK_SAMESITE_NONE || resp_has_prefix(name,
	    "__Secure-") || resp_has_prefix(name, "__Host-"))
		secure = 1;
	if (resp_has_prefix(name, "__Host-") && (o->domain != NULL ||
	    strcmp(path, "/") != 0)) {
		wk_log(NULL, WK_LOG_WARN, "cookie %s refused: a __Host- cookie "
		    "takes Path=/ and no Domain", name);
		return -1;
	}

	wk_buf_init(&b, r->arena);
	wk_buf_printf(&b, "%s=%s; Path=%s", name, value, path);
	if (o->domain != NULL)
		wk_buf_printf(&b, "; Domain=%s", o->domain);
	if (o->max_age >= 0) {
		if (resp_http_date(date, sizeof(date),
		    time(NULL) + (time_t)o->max_age) != 0)
			return -1;
		wk_buf_printf(&b, "; Max-Age=%ld; Expires=%s", o->max_age,
		    date);
	}
	if (secure)
		wk_buf_puts(&b, "; Secure");
	if (o->http_only)
		wk_buf_puts(&b, "; HttpOnly");
	if (samesite_names[o->samesite] != NULL)
		wk_buf_printf(&b, "; SameSite=%s", samesite_names[o->samesite]);
	if (b.failed)
		return -1;
	return wk_response_add_header(r, "Set-Cookie", wk_buf_cstr(&b));
}

/* see response.h */
int
wk_response_delete_cookie(struct wk_response *r, const char *name,
    const char *path, const char *domain)
{
	const char *p = path != NULL ? path : "/";
	wk_buf b;

	if (!resp_is_token(name)) {
		wk_log(NULL, WK_LOG_WARN, "cookie deletion refused: name '%s' "
		    "is not an HTTP token", name != NULL ? name : "(null)");
		return -1;
	}
	if (!resp_cookie_path_ok(p) ||
	    (domain != NULL && !resp_cookie_domain_ok(domain))) {
		wk_log(NULL, WK_LOG_WARN, "cookie deletion %s refused: bad Path "
		    "or Domain attribute", name);
		return -1;
	}
	wk_buf_init(&b, r->arena);
	wk_buf_printf(&b, "%s=; Path=%s", name, p);
	if (domain != NULL)
		wk_buf_printf(&b, "; Domain=%s", domain);
	wk_buf_puts(&b, "; Max-Age=0; Expires=" EXPIRES_EPOCH);
	/* A prefixed cookie can only be overwritten by a Secure one. */
	if (resp_has_prefix(name, "__Secure-") ||
	    resp_has_prefix(name, "__Host-"))
		wk_buf_puts(&b, "; Secure");
	if (b.failed)
		return -1;
	return wk_response_add_header(r, "Set-Cookie", wk_buf_cstr(&b));
}

/* ---- body helpers ------------------------------------------------------- */

/* Status, Content-Type and a fresh body. */
static int
resp_body(struct wk_response *r, int status, const char *ctype,
    const char *body)
{
	if (wk_response_set_header(r, "Content-Type", ctype) != 0)
		return -1;
	r->status = status;
	wk_buf_reset(&r->body);
	if (body != NULL)
		wk_buf_puts(&r->body, body);
	return r->body.failed ? -1 : 0;
}

/* see response.h */
int
wk_response_html(struct wk_response *r, int status, const char *html)
{
	return resp_body(r, status, CT_HTML, html);
}

/* see response.h */
int
wk_response_text(struct wk_response *r, int status, const char *text)
{
	return resp_body(r, status, CT_TEXT, text);
}

/* see response.h */
int
wk_response_json(struct wk_response *r, int status, const char *json)
{
	return resp_body(r, status, CT_JSON, json);
}

/* ---- redirects ---------------------------------------------------------- */

/* 1 if host (hl bytes) matches the allowed-hosts pattern pat: an exact name,
 * ".example.com" for the domain and its subdomains, or "*". */
static int
resp_host_matches(const char *host, size_t hl, const char *pat)
{
	size_t pl;

	if (pat == NULL)
		return 0;
	pl = strlen(pat);
	if (pl == 1 && pat[0] == '*')
		return 1;
	if (pl > 1 && pat[0] == '.') {
		if (hl == pl - 1 && strncasecmp(host, pat + 1, hl) == 0)
			return 1;
		return hl > pl && strncasecmp(host + hl - pl, pat, pl) == 0;
	}
	return hl == pl && strncasecmp(host, pat, hl) == 0;
}

/* 1 if an absolute URL may point at host (hl bytes, no port). */
static int
resp_host_allowed(const struct wk_request *req, const char *host, size_t hl)
{
	const struct wk_settings *s = req->settings;
	size_t i;

	/* "example.com." names the same host as "example.com". */
	if (hl > 1 && host[hl - 1] == '.')
		hl--;
	if (req->host != NULL && req->host[0] != '\0' &&
	    strlen(req->host) == hl && strncasecmp(req->host, host, hl) == 0)
		return 1;
	if (s == NULL)
		return 0;
	for (i = 0; i < s->n_allowed_redirect_hosts &&
	    i < WK_SETTINGS_MAX_HOSTS; i++)
		if (resp_host_matches(host, hl, s->allowed_redirect_hosts[i]))
			return 1;
	return 0;
}

/*
 * Check the authority of an absolute http(s) URL (a bytes up to the path):
 * no userinfo, a plain host name or IP literal, an optional numeric port.
 * Stores the host's extent in *host / *hl.
 */
static int
resp_parse_authority(const char *a, size_t n, const char **host, size_t *hl)
{
	size_t i, end;

	if (n == 0 || memchr(a, '@', n) != NULL)
		return -1;
	if (a[0] == '[') {
		/* IPv6 literal: hex digits, ':' and '.' between brackets. */
		for (i = 1; i < n && a[i] != ']'; i++)
			if (!((a[i] >= '0' && a[i] <= '9') ||
			    (a[i] >= 'a' && a[i] <= 'f') ||
			    (a[i] >= 'A' && a[i] <= 'F') || a[i] == ':' ||
			    a[i] == '.'))
				return -1;
		if (i == n || i == 1)
			return -1;
		end = i + 1;
	} else {
		for (i = 0; i < n && a[i] != ':'; i++)
			if (!((a[i] >= '0' && a[i] <= '9') ||
			    (a[i] >= 'a' && a[i] <= 'z') ||
			    (a[i] >= 'A' && a[i] <= 'Z') || a[i] == '-' ||
			    a[i] == '.'))
				return -1;
		if (i == 0 || a[0] == '.')
			return -1;
		end = i;
	}
	if (end < n) {
		if (a[end] != ':')
			return -1;
		for (i = end + 1; i < n; i++)
			if (a[i] < '0' || a[i] > '9')
				return -1;
		if (n - end - 1 > 5)
			return -1;
	}
	*host = a;
	*hl = end;
	return 0;
}

/*
 * The redirect rule (after Django's url_has_allowed_host_and_scheme):
 * a local path "/x" (never "//x", which is another host), or an http(s)
 * URL whose host is this site or an allowed redirect host.  Backslashes,
 * whitespace and control characters are refused anywhere, because browsers
 * read "\" as "/" and strip or split on the others.  Returns NULL when the
 * URL is acceptable, else why it was refused.
 */
static const char *
resp_redirect_refusal(const struct wk_request *req, const char *url)
{
	const char *p, *auth, *host;
	size_t alen, hl;

	if (url == NULL || url[0] == '\0')
		return "empty target";
	for (p = url; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c == 0x7f)
			return "whitespace or control character";
		if (c == '\\')
			return "backslash";
	}
	if (url[0] == '/')
		return url[1] == '/' ? "scheme-relative URL (another host)" :
		    NULL;
	if (strncasecmp(url, "http://", 7) == 0)
		auth = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		auth = url + 8;
	else
		return "not a local path or an http(s) URL";
	if (req == NULL)
		return "absolute URL without a request to compare hosts";
	alen = strcspn(auth, "/?#");
	if (resp_parse_authority(auth, alen, &host, &hl) != 0)
		return "bad host part";
	if (!resp_host_allowed(req, host, hl))
		return "host not allowed";
	return NULL;
}

/* see response.h */
int
wk_response_redirect(struct wk_response *r, const struct wk_request *req,
    const char *url, int status)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *why, *loc, *p;
	wk_buf b;

	if (status == 0)
		status = 302;
	if (status != 301 && status != 302 && status != 303 &&
	    status != 307 && status != 308) {
		wk_log(req, WK_LOG_WARN, "redirect refused: status %d is not a "
		    "redirect", status);
		return -1;
	}
	why = resp_redirect_refusal(req, url);
	if (why != NULL) {
		wk_log(req, WK_LOG_WARN, "redirect to '%s' refused: %s",
		    url != NULL ? url : "(null)", why);
		return -1;
	}
	/* A Location header is ASCII: percent-encode UTF-8 (an IRI). */
	wk_buf_init(&b, r->arena);
	for (p = url; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			wk_buf_putc(&b, (char)c);
		} else {
			wk_buf_putc(&b, '%');
			wk_buf_putc(&b, hex[c >> 4]);
			wk_buf_putc(&b, hex[c & 15]);
		}
	}
	if (b.failed)
		return -1;
	loc = wk_buf_cstr(&b);
	if (wk_response_set_header(r, "Location", loc) != 0 ||
	    wk_response_set_header(r, "Content-Type", CT_HTML) != 0)
		return -1;
	r->status = status;
	wk_buf_reset(&r->body);
	wk_buf_puts(&r->body, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Redirecting</title></head>\n"
	    "<body><p>Redirecting to <a href=\"");
	wk_buf_append_html(&r->body, loc, strlen(loc));
	wk_buf_puts(&r->body, "\">");
	wk_buf_append_html(&r->body, loc, strlen(loc));
	wk_buf_puts(&r->body, "</a>.</p></body></html>\n");
	return r->body.failed ? -1 : 0;
}

/* ---- error pages -------------------------------------------------------- */

/* see response.h */
const char *
wk_status_reason(int status)
{
	size_t i;

	for (i = 0; i < sizeof(status_reasons) / sizeof(status_reasons[0]);
	    i++)
		if (status_reasons[i].status == status)
			return status_reasons[i].reason;
	return "Unknown";
}

/* see response.h */
int
wk_response_error(struct wk_response *r, int status, const char *message)
{
	const char *reason = wk_status_reason(status);
	wk_buf *b = &r->body;

	if (wk_response_set_header(r, "Content-Type", CT_HTML) != 0)
		return -1;
	r->status = status;
	wk_buf_reset(b);
	wk_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s</title></head>\n<body>\n"
	    "<h1>%d %s</h1>\n", status, reason, status, reason);
	if (message != NULL && message[0] != '\0') {
		wk_buf_puts(b, "<p>");
		wk_buf_append_html(b, message, strlen(message));
		wk_buf_puts(b, "</p>\n");
	}
	wk_buf_puts(b, "</body></html>\n");
	return b->failed ? -1 : 0;
}

/* see response.h */
int
wk_response_not_allowed(struct wk_response *r, unsigned allowed)
{
	char list[128];
	size_t i, off = 0;

	/* GET implies HEAD (RFC 9110 9.3.2). */
	if (allowed & WK_BIT(WK_METHOD_GET))
		allowed |= WK_BIT(WK_METHOD_HEAD);
	list[0] = '\0';
	for (i = 0; i < sizeof(allow_order) / sizeof(allow_order[0]); i++) {
		int n;
		if (!(allowed & WK_BIT(allow_order[i].method)))
			continue;
		n = snprintf(list + off, sizeof(list) - off, "%s%s",
		    off > 0 ? ", " : "", allow_order[i].name);
		if (n < 0 || (size_t)n >= sizeof(list) - off)
			return -1;
		off += (size_t)n;
	}
	if (wk_response_set_header(r, "Allow", list) != 0)
		return -1;
	return wk_response_error(r, 405, "This URL does not accept that "
	    "method.");
}

/* ---- output ------------------------------------------------------------- */

/* 1 for statuses that never carry a body (RFC 9110 6.4.1). */
static int
resp_status_bodiless(int status)
{
	return (status >= 100 && status < 200) || status == 204 ||
	    status == 304;
}

/* Decimal digits of v into num (at least 21 bytes); returns the length. */
static size_t
resp_utoa(char *num, size_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		num[i] = tmp[n - 1 - i];
	return n;
}

/* see response.h */
int
wk_response_serialize(const struct wk_response *r, wk_buf *out)
{
	size_t i;
	int status = r->status, has_type = 0, bodiless;

	if (status < 100 || status > 999) {
		wk_log(NULL, WK_LOG_ERROR, "response status %d is invalid; "
		    "sending 500", status);
		status = 500;
	}
	bodiless = resp_status_bodiless(status);
	/* Plain appends, not printf: this runs on every request. */
	{
		char num[24];
		wk_buf_puts(out, "Status: ");
		wk_buf_append(out, num, resp_utoa(num, (size_t)status));
		wk_buf_putc(out, ' ');
		wk_buf_puts(out, wk_status_reason(status));
		wk_buf_append(out, "\r\n", 2);
	}
	for (i = 0; i < r->headers.len; i++) {
		const struct wk_kv *h = &r->headers.items[i];
		if (resp_is_reserved(h->name))
			continue;
		/* Checked again: r->headers may have been filled directly. */
		if (resp_check_header(h->name, h->value) != 0 ||
		    strlen(h->value) != h->value_len) {
			wk_log(NULL, WK_LOG_ERROR, "response header dropped at "
			    "output");
			continue;
		}
		if (strcasecmp(h->name, "Content-Type") == 0)
			has_type = 1;
		wk_buf_puts(out, h->name);
		wk_buf_append(out, ": ", 2);
		wk_buf_append(out, h->value, h->value_len);
		wk_buf_append(out, "\r\n", 2);
	}
	if (!bodiless) {
		if (!has_type && r->body.len > 0)
			wk_buf_puts(out, "Content-Type: " CT_HTML "\r\n");
		char num[24];
		wk_buf_puts(out, "Content-Length: ");
		wk_buf_append(out, num, resp_utoa(num, r->body.len));
		wk_buf_append(out, "\r\n", 2);
	}
	wk_buf_puts(out, "\r\n");
	if (!r->no_body && !bodiless && r->body.len > 0)
		wk_buf_append(out, r->body.data, r->body.len);
	return out->failed ? -1 : 0;
}

/* see response.h */
int
wk_response_send(const struct wk_response *r, const struct wk_writer *w)
{
	wk_buf out;

	wk_buf_init(&out, r->arena);
	if (wk_response_serialize(r, &out) != 0)
		return -1;
	/* One call with the whole response: nothing goes out half-built. */
	return w->write(w->ctx, out.data, out.len);
}

/* see response.h */
int
wk_response_write(const struct wk_response *r, int fd)
{
	struct wk_fd_writer w;

	return wk_response_send(r, wk_fd_writer_init(&w, fd));
}
