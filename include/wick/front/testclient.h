/*
 * testclient.h - run requests through an app in-process, for tests.
 *
 * The test client builds the same CGI environment Apache would, runs the
 * full pipeline (wk_app_handle), serialises the response exactly as it would
 * go to the server, and parses it back.  A cookie jar carries Set-Cookie
 * values into the next request, so multi-step flows (log in, post) work.
 *
 *   struct wk_test_client c;
 *   struct wk_test_response r;
 *   wk_test_client_init(&c, &blog_app, NULL);
 *   wk_test_get(&c, "/hello", &r);
 *   assert_int_equal(r.status, 200);
 *   assert_non_null(strstr(r.body, "Hello, world"));
 *   wk_test_response_free(&r);
 *   wk_test_client_free(&c);
 */
#ifndef WICK_TESTCLIENT_H
#define WICK_TESTCLIENT_H

#include <stddef.h>

#include "wick/http/app.h"
#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/core/settings.h"

#define WK_TEST_MAX_COOKIES 32

struct wk_test_client {
	const struct wk_app *app;
	struct wk_settings settings;       /* copy; tests may change fields */
	const char *script_name;           /* default "" */
	const char *host;                  /* Host header, default "localhost" */
	int https;                         /* send HTTPS=on */
	wk_arena arena;                    /* cookie jar storage */
	struct wk_kvlist jar;              /* cookies kept across requests */
};

struct wk_test_request {
	const char *method;                /* "GET" if NULL */
	const char *path;                  /* may contain "?query" */
	const char *const *headers;        /* "Name: value" strings, NULL-ended */
	const char *content_type;
	const char *body;
	size_t body_len;                   /* strlen(body) if 0 and body set */
	const char *const *env;            /* extra raw "NAME=value" entries */
};

struct wk_test_response {
	int status;
	struct wk_kvlist headers;          /* as emitted, names as written */
	const char *body;                  /* NUL-terminated */
	size_t body_len;
	const char *raw;                   /* the whole CGI output */
	size_t raw_len;
	wk_arena arena;                    /* owns all of the above */
};

/*
 * wk_test_client_init - s may be NULL for the defaults (debug off,
 * allowed_hosts localhost).  0 or -1.
 */
int wk_test_client_init(struct wk_test_client *c, const struct wk_app *app,
    const struct wk_settings *s);

/* wk_test_client_free - release the jar. */
void wk_test_client_free(struct wk_test_client *c);

/*
 * wk_test_request - run rq through the app; fill out (free it with
 * wk_test_response_free).  Updates the cookie jar from Set-Cookie
 * (Max-Age=0 removes).  0, or -1 if the pipeline produced nothing.
 */
int wk_test_request(struct wk_test_client *c,
    const struct wk_test_request *rq, struct wk_test_response *out);

/* wk_test_get - GET path. */
int wk_test_get(struct wk_test_client *c, const char *path,
    struct wk_test_response *out);

/* wk_test_post - POST body (content_type) to path. */
int wk_test_post(struct wk_test_client *c, const char *path,
    const char *content_type, const char *body, struct wk_test_response *out);

/* wk_test_header - a response header by name (any case), or NULL. */
const char *wk_test_header(const struct wk_test_response *r,
    const char *name);

/* wk_test_response_free - release r's memory. */
void wk_test_response_free(struct wk_test_response *r);

#endif /* WICK_TESTCLIENT_H */
