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
#include "wick/db/migrate.h"
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
	NULL
};

const struct wk_app @PROJECT@_app = {
	.name = "@PROJECT@",
	.routes = @PROJECT@_routes,
	.middleware = @PROJECT@_middleware,
	.commands = @PROJECT@_commands,
	.error_view = @PROJECT@_error_page,  /* 404.html and the like */
};

/*
 * The context processor: every page rendered (wk_render) gets the
 * logged-in user (or None) and the pending flash messages, so no view
 * adds them by hand.
 */
static int
@PROJECT@_context(struct wk_request *req, struct wk_map *ctx)
{
	const struct wick_user *u = wk_auth_user(req);

	if (wk_map_set(req->arena, ctx, "user", u != NULL ?
	    wk_orm_value(req->arena, &wick_user_model, u) :
	    wk_val_null()) != 0)
		return -1;
	if (wk_session(req) != NULL && wk_map_set(req->arena, ctx,
	    "messages", wk_messages_value(req)) != 0)
		return -1;
	return 0;
}

/* see @PROJECT@.h */
int
@PROJECT@_setup(void)
{
	static int done;

	if (done)
		return 0;
	if (wk_template_add_context_processor(@PROJECT@_context) != 0)
		return -1;
	done = 1;
	return 0;
}
