/*
 * response.h - building the answer and writing it as a CGI response.
 *
 * A view fills a wk_response: status, headers, cookies and a body buffer.
 * Nothing reaches the client until wk_response_send() serialises the whole
 * thing (RFC 3875 section 6: a `Status:` line, the headers, Content-Length,
 * a blank line, the body) and hands it to the front end's writer (io.h) at
 * once, so an error half-way through a view can still turn into a clean
 * 500 - never a partial write.
 *
 * Header names must be HTTP tokens and values must not contain CR, LF or
 * NUL; a bad header is refused (-1), logged, and never emitted.
 */
#ifndef WICK_RESPONSE_H
#define WICK_RESPONSE_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/kv.h"
#include "wick/http/io.h"

struct wk_request;

enum wk_samesite {
	WK_SAMESITE_LAX,      /* default */
	WK_SAMESITE_STRICT,
	WK_SAMESITE_NONE,
	WK_SAMESITE_OMIT,     /* no SameSite attribute */
	WK_SAMESITE__MAX
};

struct wk_cookie_opts {
	const char *path;          /* NULL -> "/" */
	const char *domain;        /* NULL -> host-only */
	long max_age;              /* seconds; <0 -> session cookie; also
	                              writes the matching Expires */
	int secure;                /* Secure attribute */
	int http_only;             /* HttpOnly attribute */
	enum wk_samesite samesite;
};

struct wk_response {
	wk_arena *arena;
	int status;                /* 200 by default */
	struct wk_kvlist headers;  /* in order; Set-Cookie may repeat */
	wk_buf body;
	int no_body;               /* HEAD: send headers only */
};

/* wk_response_init - status 200, no headers, empty body. */
void wk_response_init(struct wk_response *r, wk_arena *a);

/*
 * wk_response_set_header - set name to value, replacing earlier values
 * (matched case-insensitively).  -1 if name is not a token or either
 * contains CR, LF or NUL (logged; nothing stored), or on allocation failure.
 * Strings are copied.
 */
int wk_response_set_header(struct wk_response *r, const char *name,
    const char *value);

/* wk_response_add_header - like set_header but keeps earlier values. */
int wk_response_add_header(struct wk_response *r, const char *name,
    const char *value);

/* wk_response_header - the last value of header name (any case), or NULL. */
const char *wk_response_header(const struct wk_response *r, const char *name);

/*
 * wk_response_set_cookie - add a Set-Cookie header.  name must be a token;
 * value may only hold cookie-octets (RFC 6265), else -1 and logged.
 */
int wk_response_set_cookie(struct wk_response *r, const char *name,
    const char *value, const struct wk_cookie_opts *o);

/* wk_response_delete_cookie - expire cookie name at path/domain. */
int wk_response_delete_cookie(struct wk_response *r, const char *name,
    const char *path, const char *domain);

/* Body helpers: set status, Content-Type with charset=utf-8, and body. */
int wk_response_html(struct wk_response *r, int status, const char *html);
int wk_response_text(struct wk_response *r, int status, const char *text);
/* json must be a complete JSON text (see json.h for building one). */
int wk_response_json(struct wk_response *r, int status, const char *json);

/*
 * wk_response_redirect - 302 (or status 301/303/307/308) to url.
 * url must be a path on this site ("/x"), or an absolute http(s) URL whose
 * host is req->host or in settings.allowed_redirect_hosts; anything else
 * (other hosts, "//evil", "javascript:", control characters) is refused:
 * returns -1 and logs.  req may be NULL to allow only local paths.
 */
int wk_response_redirect(struct wk_response *r, const struct wk_request *req,
    const char *url, int status);

/*
 * wk_response_error - a plain error page for status (400, 403, 404, 405,
 * 413, 414, 500, 503...) with an optional one-line message (escaped).
 * For 405 use wk_response_not_allowed so that Allow is set.
 */
int wk_response_error(struct wk_response *r, int status, const char *message);

/* wk_response_not_allowed - 405 with Allow built from a WK_GET|... mask. */
int wk_response_not_allowed(struct wk_response *r, unsigned allowed);

/* wk_status_reason - "Not Found" for 404 etc.; "Unknown" otherwise. */
const char *wk_status_reason(int status);

/*
 * wk_response_serialize - the CGI response bytes (Status line, headers,
 * Content-Length, blank line, body unless r->no_body) into out.  0 or -1.
 */
int wk_response_serialize(const struct wk_response *r, wk_buf *out);

/*
 * wk_response_send - serialise r and hand the bytes to w in one write
 * (io.h).  0, or -1 if serialising or the writer failed (the client went
 * away).  What the pipeline calls (wk_app_serve); a front end supplies w.
 */
int wk_response_send(const struct wk_response *r, const struct wk_writer *w);

/*
 * wk_response_write - wk_response_send to fd through a wk_fd_writer:
 * short writes and EINTR retried.  0, or -1 if the write failed.
 */
int wk_response_write(const struct wk_response *r, int fd);

#endif /* WICK_RESPONSE_H */
