/*
 * app.c - @PROJECT@'s URL table, middleware chain and commands: the file
 * to read first.  Every URL the project answers is listed here with its
 * view and the name templates and views use to link to it ({% url %},
 * wk_url); each app listed in apps.mk is mounted at /NAME/.
 */
#include <stddef.h>

#include "wick/auth/auth.h"
#include "wick/auth/csrf.h"
#include "wick/auth/session.h"
#include "wick/db/fixtures.h"
#include "wick/db/migrate.h"
#include "wick/db/shell.h"
#include "wick/db/orm.h"
#include "wick/http/app.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/http/router.h"
#include "wick/template/template.h"
#include "@PROJECT@.h"

/* Each app's route table (NAME/views.c), from apps.mk. */
#define PROJECT_APP(name) extern const struct wk_route name##_routes[];
#include "apps.h"
#undef PROJECT_APP

static const struct wk_route @PROJECT@_routes[] = {
	{ "", @PROJECT@_home, "home", WK_GET, NULL },
	{ "accounts/login/", @PROJECT@_login, "login", WK_GET | WK_POST, NULL },
	{ "accounts/logout/", @PROJECT@_logout, "logout", WK_POST, NULL },
	{ "static/<path:name>", @PROJECT@_static, "static", WK_GET, NULL },
	/* the apps, each under its name */
#define PROJECT_APP(name) { #name "/", NULL, NULL, 0, name##_routes },
#include "apps.h"
#undef PROJECT_APP
	WK_ROUTES_END
};

/* Order matters: requests pass top to bottom, responses bottom to top. */
static const struct wk_middleware *const @PROJECT@_middleware[] = {
	&wk_mw_security,
	&wk_mw_session,
	&wk_mw_csrf,
	&wk_mw_auth,
	&wk_mw_messages,
	NULL
};

/* `./@PROJECT@.cgi help` lists them: migrate, createsuperuser, ... */
static const struct wk_command *const @PROJECT@_commands[] = {
	wk_db_commands,
	wk_session_commands,
	wk_auth_commands,
	wk_shell_commands,
	wk_fixture_commands,
	NULL
};

/*
 * Every page rendered (wk_render) gets what these add, so no view adds
 * them by hand: the logged-in user (or None), the pending flash messages
 * and the CSRF token for forms.
 */
static const wk_context_processor_fn @PROJECT@_context_processors[] = {
	wk_auth_context_processor,        /* user */
	wk_messages_context_processor,    /* messages */
	wk_csrf_context_processor,        /* csrf_token */
	NULL
};

const struct wk_app @PROJECT@_app = {
	.name = "@PROJECT@",
	.routes = @PROJECT@_routes,
	.middleware = @PROJECT@_middleware,
	.commands = @PROJECT@_commands,
	.error_view = @PROJECT@_error_page,  /* 404.html and the like */
	.context_processors = @PROJECT@_context_processors,
};

/* see @PROJECT@.h */
int
@PROJECT@_setup(void)
{
	/* Register the project's own template filters, tags and path
	 * converters here (template.h, router.h); none by default. */
	return 0;
}
