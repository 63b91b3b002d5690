/*
 * app.c - the blog's URL table, middleware chain and commands.
 *
 * This is the file an app author reads first: every URL the app answers is
 * listed here, with the view that answers it and the name templates and
 * views use to build links (WK_URL / {% url %}); then the middleware, the
 * values every template gets (context processors) and the commands.
 */
#include <stddef.h>

#include "wick/admin/admin.h"
#include "wick/http/app.h"
#include "wick/auth/auth.h"
#include "wick/auth/csrf.h"
#include "wick/http/middleware.h"
#include "wick/db/fixtures.h"
#include "wick/db/migrate.h"
#include "wick/db/shell.h"
#include "wick/http/request.h"
#include "wick/http/router.h"
#include "wick/auth/session.h"
#include "wick/template/template.h"
#include "blog.h"

static const struct wk_route blog_routes[] = {
	{ "", blog_page_home, "home", WK_GET, NULL },
	{ "hello", blog_hello, "hello", WK_GET, NULL },
	/* pages (pages.c) */
	{ "posts/", blog_post_list, "posts", WK_GET, NULL },
	{ "posts/<int:id>/", blog_post_detail, "post", WK_GET, NULL },
	{ "static/<path:name>", blog_static, "static", WK_GET, NULL },
	/* accounts (accounts.c) */
	{ "accounts/login/", blog_login, "login", WK_GET | WK_POST, NULL },
	{ "accounts/logout/", blog_logout, "logout", WK_POST, NULL },
	{ "posts/new/", blog_post_new, "post_new", WK_GET | WK_POST, NULL },
	{ "posts/<int:id>/comment/", blog_post_comment, "post_comment",
	    WK_POST, NULL },
	/* the JSON API (api.c) */
	{ "api/", NULL, NULL, 0, blog_api_routes },
	/* the admin site (admin.c) */
	WK_ADMIN_ROUTES("admin/", &blog_admin_site),
	WK_ROUTES_END
};

/* Order matters: requests pass top to bottom, responses bottom to top. */
static const struct wk_middleware *const blog_middleware[] = {
	&wk_mw_security,
	&wk_mw_session,
	&wk_mw_csrf,
	&wk_mw_auth,
	&wk_mw_messages,
	NULL
};

/* Values every page's template gets (the view's own win on a name). */
static const wk_context_processor_fn blog_context_processors[] = {
	wk_auth_context_processor,        /* user */
	wk_messages_context_processor,    /* messages */
	wk_csrf_context_processor,        /* csrf_token */
	NULL
};

static const struct wk_command *const blog_commands[] = {
	/* command tables */
	wk_db_commands,
	blog_api_commands,
	wk_session_commands,
	wk_auth_commands,
	wk_shell_commands,
	wk_fixture_commands,
	wk_admin_commands,
	NULL
};

const struct wk_app blog_app = {
	.name = "blog",
	.routes = blog_routes,
	.middleware = blog_middleware,
	.commands = blog_commands,
	.error_view = blog_error_page, /* 403/404/500 from templates */
	.context_processors = blog_context_processors,
};
