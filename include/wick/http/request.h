/*
 * request.h - the incoming request, parsed from a CGI environment (RFC 3875).
 *
 * This is the one place where untrusted request input is parsed.  The parser
 * reads the CGI meta-variables (REQUEST_METHOD, PATH_INFO, SCRIPT_NAME,
 * QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, HTTP_*, HTTPS, REQUEST_SCHEME,
 * SERVER_NAME, SERVER_PORT, REMOTE_ADDR) from an environ-style array and
 * the body through a reader (io.h) that the front end supplies: stdin
 * under CGI, memory in the test client.  It never reads the process's own
 * environment or stdin.  Everything it produces lives in the request's
 * arena.
 *
 * Rules enforced here (each failure sets req->error and a 4xx status):
 *  - path: PATH_INFO as the server decoded it (RFC 3875 4.1.5; not decoded
 *    again, which would be double decoding); invalid UTF-8 -> 400;
 *    PATH_INFO + QUERY_STRING longer than settings.max_url -> 414.
 *  - query string and x-www-form-urlencoded bodies: '+' is a space, bad
 *    escapes / NUL / invalid UTF-8 -> 400; more than max_fields -> 400.
 *  - body: exactly CONTENT_LENGTH bytes are read; a CONTENT_LENGTH that is
 *    not a plain decimal number -> 400; above max_body -> 413 before reading
 *    or allocating anything; a body that ends early or stalls past
 *    read_timeout_ms -> 400.
 *  - headers: one longer than max_header, or all together longer than
 *    max_headers_total -> 400.  HTTP_PROXY is dropped (httpoxy) and never
 *    visible as a header.
 *  - cookies: only ';' separates pairs; names/values are trimmed of spaces;
 *    pairs without '=' are ignored.
 *  - host: HTTP_HOST (or SERVER_NAME) must be in settings.allowed_hosts,
 *    else 400 (Django's ALLOWED_HOSTS).  Checked by wk_request_check_host.
 *
 * Duplicates: parameters keep every value in order; wk_request_get() returns
 * the last one (see kv.h).
 */
#ifndef WICK_REQUEST_H
#define WICK_REQUEST_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/core/settings.h"
#include "wick/http/io.h"

enum wk_method {
	WK_METHOD_GET,
	WK_METHOD_HEAD,
	WK_METHOD_POST,
	WK_METHOD_PUT,
	WK_METHOD_PATCH,
	WK_METHOD_DELETE,
	WK_METHOD_OPTIONS,
	WK_METHOD_OTHER,
	WK_METHOD__MAX
};

/* Method bit masks for route tables: WK_GET | WK_POST ... */
#define WK_BIT(m) (1u << (m))
#define WK_GET (WK_BIT(WK_METHOD_GET) | WK_BIT(WK_METHOD_HEAD))
#define WK_POST WK_BIT(WK_METHOD_POST)
#define WK_PUT WK_BIT(WK_METHOD_PUT)
#define WK_PATCH WK_BIT(WK_METHOD_PATCH)
#define WK_DELETE WK_BIT(WK_METHOD_DELETE)
#define WK_OPTIONS WK_BIT(WK_METHOD_OPTIONS)

/*
 * Slots where components hang per-request state (session, user...).  The
 * built-in ones are this enum, read directly as req->slots[WK_SLOT_...].
 * A component of an app's own asks for an id once (wk_request_slot_new)
 * and reads and writes its slot with wk_request_slot / _set_slot:
 *
 *   static int cart_slot = -1;
 *   ... at start-up (or lazily): cart_slot = wk_request_slot_new("cart");
 *   ... in its middleware:  wk_request_set_slot(req, cart_slot, cart);
 *   ... in a view:          struct cart *c = wk_request_slot(req, cart_slot);
 */
enum wk_request_slot {
	WK_SLOT_SESSION,
	WK_SLOT_USER,
	WK_SLOT_CSRF,
	WK_SLOT_MESSAGES,
	WK_SLOT_APP,
	WK_SLOT_MULTIPART,    /* the parsed multipart body (multipart.c) */
	WK_SLOT__MAX
};

struct wk_route;
struct wk_app;

struct wk_request {
	wk_arena *arena;                   /* owns everything below */
	const struct wk_settings *settings;
	char id[17];                       /* random request id, hex */

	enum wk_method method;
	const char *method_name;           /* as sent, e.g. "GET" */
	const char *path;                  /* PATH_INFO (decoded by the server),
	                                      "/" if empty */
	const char *raw_path;              /* PATH_INFO as given */
	const char *script_name;           /* SCRIPT_NAME ("" if none) */
	const char *query_string;          /* raw QUERY_STRING ("" if none) */
	const char *content_type;          /* CONTENT_TYPE or "" */
	size_t content_length;             /* 0 if none */

	const char *host;                  /* Host header without port */
	const char *host_port;             /* Host header as sent */
	int is_secure;                     /* HTTPS=on, REQUEST_SCHEME=https,
	                                      or trusted X-Forwarded-Proto */
	const char *scheme;                /* "http" or "https" */
	const char *server_name;
	const char *server_port;
	const char *remote_addr;

	struct wk_kvlist headers;          /* names like "USER_AGENT" */
	struct wk_kvlist cookies;
	struct wk_kvlist get;              /* query parameters */
	struct wk_kvlist post;             /* urlencoded body fields */
	const char *body;                  /* raw body, NUL-terminated */
	size_t body_len;
	/* A multipart/form-data body on a streaming reader (CGI: stdin) is
	 * not read into memory: body is "" and the body waits on
	 * body_reader for wk_request_body_read (wk_multipart_parse_request
	 * streams it to disk).  body_reader is NULL otherwise, and once the
	 * body is consumed. */
	const struct wk_reader *body_reader;
	size_t body_left;                  /* bytes still to read there */
	long long body_deadline_ms;        /* CLOCK_MONOTONIC, whole body */

	const struct wk_app *app;          /* the app serving this request */
	const struct wk_route *routes;     /* the app's root table (reverse) */
	const struct wk_route *route;      /* set by the router on a match */
	struct wk_kvlist args;             /* route arguments, as strings */

	int error_status;                  /* 0, or 400/413/414 on bad input */
	const char *error;                 /* human-readable reason */

	void *slots[WK_SLOT__MAX];
	void **more_slots;                 /* registered slots (arena), */
	size_t n_more_slots;               /* grown on first set */
};

#define WK_REQUEST_SLOTS_MAX 256       /* slot ids, built-in ones included */

/*
 * wk_request_slot_new - the slot id for name (a component's name, kept as
 * given: pass a string literal): a new id >= WK_SLOT__MAX the first time,
 * the same id for the same name afterwards.  -1 when name is NULL or
 * empty, WK_REQUEST_SLOTS_MAX ids are taken, or out of memory.  Process
 * state: ids hold for every request the process serves.
 */
int wk_request_slot_new(const char *name);

/*
 * wk_request_slot - the pointer in req's slot id (a built-in WK_SLOT_* or
 * one from wk_request_slot_new), or NULL when none was set or id is not
 * a valid id.
 */
void *wk_request_slot(const struct wk_request *req, int id);

/*
 * wk_request_set_slot - put p in req's slot id; the slot table grows in
 * req->arena as needed.  0, or -1 for an id never handed out (or
 * negative) or on allocation failure.  req does not own p.
 */
int wk_request_set_slot(struct wk_request *req, int id, void *p);

/*
 * wk_request_parse - fill req from envp (NULL-terminated "NAME=value"
 * strings, like environ) and the body read through body (NULL: no body
 * source, so a request announcing a body gets 400).  a, s and body must
 * outlive req (a streamed multipart body is read through body later).
 * Returns 0 when the request is acceptable; otherwise returns the HTTP
 * status to answer (400, 413 or 414) and sets req->error_status and
 * req->error.  The body is read only after the headers passed the checks.
 * Allocation failure returns 500.
 */
int wk_request_parse(struct wk_request *req, wk_arena *a,
    const struct wk_settings *s, char *const *envp,
    const struct wk_reader *body);

/*
 * wk_request_body_read - read up to n more bytes of a body left on
 * req->body_reader (see above) into dst.  Returns the count (> 0), 0 when the
 * whole body has been read, or -1 with req->error_status (400) and
 * req->error set: the body ended early, or did not arrive within the
 * read_timeout_ms setting, counted from the start of the request.
 */
long wk_request_body_read(struct wk_request *req, void *dst, size_t n);

/*
 * wk_request_check_host - 0 if req->host is allowed by the settings,
 * else 400 with req->error set.
 */
int wk_request_check_host(struct wk_request *req);

/*
 * wk_request_header - a request header by its HTTP name ("User-Agent"),
 * matched case-insensitively with '-' and '_' equivalent; NULL if absent.
 */
const char *wk_request_header(const struct wk_request *req, const char *name);

/* wk_request_cookie - the last cookie named name, or NULL. */
const char *wk_request_cookie(const struct wk_request *req, const char *name);

/* wk_request_get - the last query parameter named name, or NULL. */
const char *wk_request_get(const struct wk_request *req, const char *name);

/* wk_request_post - the last body field named name, or NULL. */
const char *wk_request_post(const struct wk_request *req, const char *name);

/* wk_request_arg - a route argument by name, or NULL. */
const char *wk_request_arg(const struct wk_request *req, const char *name);

/*
 * wk_request_arg_long - a route argument converted to a number; returns 0
 * and stores it in *out, or -1 if missing or out of range.
 */
int wk_request_arg_long(const struct wk_request *req, const char *name,
    long long *out);

/* wk_method_from_name - WK_METHOD_* for "GET" etc.; WK_METHOD_OTHER else. */
enum wk_method wk_method_from_name(const char *name);

/* wk_method_name - "GET" for WK_METHOD_GET etc. */
const char *wk_method_name(enum wk_method m);

/*
 * wk_url_decode - percent-decode n bytes of src into a new arena string.
 * plus_is_space: treat '+' as ' ' (form encoding).  Returns NULL and sets
 * *bad = 1 for malformed escapes, NUL bytes or invalid UTF-8; NULL with
 * *bad = 0 on allocation failure.  *outlen receives the decoded length.
 */
char *wk_url_decode(wk_arena *a, const char *src, size_t n,
    int plus_is_space, size_t *outlen, int *bad);

/*
 * wk_parse_urlencoded - parse "a=1&b=2" (n bytes) into l, honouring
 * max_fields (counted across calls via *count).  Returns 0, or 400/500 and
 * a reason in *why.
 */
int wk_parse_urlencoded(wk_arena *a, struct wk_kvlist *l, const char *src,
    size_t n, size_t max_fields, size_t *count, const char **why);

/* wk_utf8_valid - 1 if the n bytes are valid UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF), else 0. */
int wk_utf8_valid(const char *s, size_t n);

#endif /* WICK_REQUEST_H */
