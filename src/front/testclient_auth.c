/*
 * testclient_auth.c - force_login and logout for the test client (see
 * testclient.h).
 *
 * Django's Client.force_login builds a request, calls login() on it and
 * copies the session cookie.  Here the same happens through the app's
 * own pipeline, so that whatever session store its middleware uses (the
 * database, the signed cookie, one of the app's) keeps the login: the
 * client sends one GET to a copy of the app whose route table holds only
 * the two views below, with the app's middleware, settings and host.  The
 * views exist in that copy only; the app serving real requests never has
 * them.
 */
#include <stdio.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/auth/session.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"

/* Log in the user whose id the path names. */
static int
tca_login(struct wk_request *req, struct wk_response *resp)
{
	struct wick_user *u;
	long long id;
	int st;

	if (wk_session(req) == NULL)
		return wk_response_text(resp, 500, "force_login: the app "
		    "lists no session middleware");
	if (wk_request_arg_long(req, "id", &id) != 0)
		return wk_response_text(resp, 404, "no user");
	st = wk_orm_get(req->arena, &wick_user_model, id, (void **)&u);
	if (st == WK_DB_NOT_FOUND)
		return wk_response_text(resp, 404, "no user");
	if (st != WK_DB_OK || wk_auth_login(req, u) != 0)
		return -1;
	return wk_response_text(resp, 200, "logged in");
}

/* Flush the session the cookie names. */
static int
tca_logout(struct wk_request *req, struct wk_response *resp)
{
	if (wk_session(req) == NULL)
		return wk_response_text(resp, 500, "logout: the app lists no "
		    "session middleware");
	if (wk_auth_logout(req) != 0)
		return -1;
	return wk_response_text(resp, 200, "logged out");
}

static const struct wk_route tca_routes[] = {
	{ "__wick_test__/login/<int:id>/", tca_login, "wick_test_login",
	    WK_GET, NULL },
	{ "__wick_test__/logout/", tca_logout, "wick_test_logout", WK_GET,
	    NULL },
	WK_ROUTES_END
};

/* GET path through c's app with the two views as its routes; 0 when the
 * view answered 200. */
static int
tca_run(struct wk_test_client *c, const char *path)
{
	const struct wk_app *saved = c->app;
	struct wk_test_response r;
	struct wk_app copy;
	int rc, status;

	copy = *saved;
	copy.routes = tca_routes;
	c->app = &copy;
	rc = wk_test_get(c, path, &r);
	c->app = saved;
	status = r.status;
	wk_test_response_free(&r);
	return rc == 0 && status == 200 ? 0 : -1;
}

/* see testclient.h */
int
wk_test_force_login_id(struct wk_test_client *c, long long user_id)
{
	char path[64];
	int n;

	if (user_id <= 0)
		return -1;
	n = snprintf(path, sizeof(path), "/__wick_test__/login/%lld/",
	    user_id);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	return tca_run(c, path);
}

/* see testclient.h */
int
wk_test_force_login(struct wk_test_client *c, const char *username)
{
	struct wick_user *u;
	long long id;
	wk_arena a;
	int st;

	if (username == NULL)
		return -1;
	wk_arena_init(&a);
	st = wk_auth_get_user(&a, username, &u);
	id = st == WK_DB_OK ? u->id : 0;
	wk_arena_free(&a);
	return id > 0 ? wk_test_force_login_id(c, id) : -1;
}

/* see testclient.h */
int
wk_test_logout(struct wk_test_client *c)
{
	int rc = tca_run(c, "/__wick_test__/logout/");

	/* Django's logout empties the cookie jar too. */
	wk_arena_free(&c->arena);
	wk_arena_init(&c->arena);
	memset(&c->jar, 0, sizeof(c->jar));
	return rc;
}
