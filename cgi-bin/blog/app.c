/*
 * app.c - the blog's URL table, middleware chain and commands.
 *
 * This is the file an app author reads first: every URL the app answers is
 * listed here, with the view that answers it and the name templates and
 * views use to build links (wk_url / {% url %}).
 */
#include <stddef.h>

#include "wick/app.h"
#include "wick/middleware.h"
#include "wick/migrate.h"
#include "wick/request.h"
#include "wick/router.h"
#include "blog.h"

static const struct wk_route blog_routes[] = {
	{ "", blog_home, "home", WK_GET, NULL },
	{ "hello", blog_hello, "hello", WK_GET, NULL },
	/* page routes (templates helper) */
	/* api routes (ORM helper) */
	{ "api/", NULL, NULL, 0, blog_api_routes },
	WK_ROUTES_END
};

/* Order matters: requests pass top to bottom, responses bottom to top. */
static const struct wk_middleware *const blog_middleware[] = {
	&wk_mw_security,
	NULL
};

static const struct wk_command *const blog_commands[] = {
	/* command tables */
	wk_db_commands,
	blog_api_commands,
	NULL
};

const struct wk_app blog_app = {
	.name = "blog",
	.routes = blog_routes,
	.middleware = blog_middleware,
	.commands = blog_commands,
	.error_view = NULL, /* error view (templates helper) */
};
