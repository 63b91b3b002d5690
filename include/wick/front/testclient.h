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
 *
 * What Django's TestCase and Client give a test, a test gets here with
 * three calls (testclient_db.c, testclient_auth.c):
 *
 *   wk_test_client_fresh_db(&c, WK_TEST_DB_MEMORY);  a new database,
 *                                           migrated, for this test alone
 *   wk_test_force_login(&c, "alice");       logged in, no password asked
 *   c.skip_csrf = 1;                        POSTs pass CSRF by themselves
 *
 * Call them from a cmocka setup that runs for each test
 * (cmocka_unit_test_setup_teardown), not a group setup, so that no test
 * sees another's rows.
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
	/*
	 * 0 (the default): CSRF is checked as for any client, so a POST
	 * without a token gets 403.  1: every unsafe request (POST, PUT,
	 * PATCH, DELETE) carries what passes the check - a csrftoken cookie
	 * (made once and kept in the jar when there is none), the
	 * X-CSRFToken header, and an Origin naming the site when the test
	 * gives neither Origin nor Referer - so a test may post a form
	 * without fetching its token first.  Django's test client skips the
	 * check instead; here the check still runs, so nothing in the
	 * library can switch it off.  A csrfmiddlewaretoken field the test
	 * sends itself is still checked (a wrong one is still 403).
	 */
	int skip_csrf;
	/* The folder wk_test_client_fresh_db made for WK_TEST_DB_FILE, ""
	 * if none: removed by wk_test_client_free.  Read-only. */
	char db_dir[64];
	char db_path[96];                  /* its database file */
	int owns_db;                       /* fresh_db ran: free closes it */
};

/* Where wk_test_client_fresh_db puts the database. */
enum wk_test_db {
	WK_TEST_DB_MEMORY,     /* SQLite's ":memory:": fastest, gone at close */
	WK_TEST_DB_FILE,       /* a file in a new folder under $TMPDIR (or
	                          /tmp), for tests that run commands (they
	                          reopen the database from c->settings) or
	                          open a second connection */
	WK_TEST_DB__MAX
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

/* wk_test_client_free - release the jar; when wk_test_client_fresh_db
 * ran, close the database too (an in-memory one is gone) and delete the
 * file and its folder (files a test added there are its own to remove:
 * the folder then stays). */
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

/* ---- a database per test (testclient_db.c) ------------------------------------- */

/*
 * wk_test_client_fresh_db - give c a new, empty database with every
 * registered schema migrated and the post-migrate hooks run (so
 * permission rows exist, as after `APP migrate`): Django's test database,
 * made anew for each test.  Closes the connection that is open (an
 * in-memory database with it), points the process's connection at the
 * new database (wk_db_set_path) and sets c->settings.database to it, so
 * that commands run with c->settings find the same one.  kind: see enum
 * wk_test_db; calling it again for the same client starts over (a file
 * is deleted and made again).  0, or -1 (the folder could not be made,
 * or the migration failed: wk_db_last_error() says why).
 */
int wk_test_client_fresh_db(struct wk_test_client *c, enum wk_test_db kind);

/* ---- users (testclient_auth.c) ------------------------------------------------------- */

/*
 * wk_test_force_login - make c's next requests those of the user named
 * username, without a password (Django's Client.force_login): a request
 * that never reaches the app's views runs through the app's own
 * middleware, whose session middleware (any store) keeps the login
 * that wk_auth_login makes, and the jar takes its cookies (a new session
 * id; the CSRF secret rotates as at any login).  The app must list a
 * session middleware and, to see the user, wk_mw_auth.  0; -1 when there
 * is no such user (or the database failed), the app has no session
 * middleware, or the pipeline answered otherwise (e.g. ssl_redirect on
 * a client without https).
 */
int wk_test_force_login(struct wk_test_client *c, const char *username);

/* wk_test_force_login_id - the same for the user with id user_id. */
int wk_test_force_login_id(struct wk_test_client *c, long long user_id);

/*
 * wk_test_logout - log c out as Django's Client.logout: the session is
 * flushed through the app's middleware (its row deleted) and the jar is
 * emptied (every cookie, the CSRF one too).  0 (also when no one was
 * logged in), or -1 when the request failed.
 */
int wk_test_logout(struct wk_test_client *c);

#endif /* WICK_TESTCLIENT_H */
