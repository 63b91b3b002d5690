/*
 * app.h - an application and the request pipeline.
 *
 * An app is a const description: its name, route table, middleware chain,
 * management commands, optional error view and settings keys: the one
 * place where an app (and the components it lists) plugs into Wick.  wk_main() is the whole of an
 * app's main(): with GATEWAY_INTERFACE set it serves one CGI request;
 * otherwise it is the app's management tool (help, routes, check,
 * runserver, plus the app's and components' commands).
 *
 * The pipeline for one request (wk_app_handle):
 *   settings -> request parse (4xx on bad input) -> allowed host check ->
 *   middleware on_request (in order) -> router -> view ->
 *   middleware on_response (reverse order) -> wk_response_write
 * Errors at any step become an error response that still passes through
 * the middleware on the way out (security headers on 404 and 500 too).
 */
#ifndef WICK_APP_H
#define WICK_APP_H

#include <stddef.h>

#include "wick/http/request.h"
#include "wick/http/router.h"
#include "wick/core/settings.h"

struct wk_request;
struct wk_response;
struct wk_middleware;
struct wk_app;

/* A management command: `APP name args...`.  Returns the exit status. */
struct wk_command {
	const char *name;
	const char *usage;     /* e.g. "runserver [ADDR:PORT]" */
	const char *help;      /* one line */
	int (*run)(const struct wk_app *app, const struct wk_settings *s,
	    int argc, char **argv);
};

#define WK_COMMANDS_END { NULL, NULL, NULL, NULL }

struct wk_app {
	const char *name;                            /* "blog" */
	const struct wk_route *routes;
	const struct wk_middleware *const *middleware; /* NULL-terminated */
	const struct wk_command *const *commands;    /* NULL-terminated list
	                                                of WK_COMMANDS_END-
	                                                terminated tables */
	/*
	 * Optional: render the page for an error status (resp->status is set,
	 * message may be NULL).  Return 0 if it filled resp, -1 to fall back
	 * to the built-in page.
	 */
	int (*error_view)(struct wk_request *req, struct wk_response *resp,
	    const char *message);
	/*
	 * Optional: the app's and its components' own settings keys, a
	 * NULL-terminated list of WK_SETTINGS_END-terminated tables
	 * (settings.h, "Keys of your own").  wk_main registers them before
	 * it reads the config file; a bad table is a configuration error.
	 */
	const struct wk_setting_def *const *settings;
};

/*
 * wk_main - entry point: call it from main() and return its value.
 * Reads settings (WICK_CONFIG), then serves a CGI request when
 * GATEWAY_INTERFACE is set, else runs the command in argv[1].
 */
int wk_main(const struct wk_app *app, int argc, char **argv, char **envp);

/*
 * wk_app_handle - run one request through the whole pipeline: parse envp
 * and body into req (req and resp are initialised here, in arena a), then
 * middleware, router, view, error handling.  resp is ready to serialise.
 * settings_error, when not NULL, is a configuration problem found at start:
 * the request then gets a 500 page (and a log line), never a default.
 * Returns 0 (even for 4xx/5xx answers) or -1 if nothing could be built.
 */
int wk_app_handle(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, wk_arena *a, char *const *envp,
    const struct wk_body_source *body, struct wk_request *req,
    struct wk_response *resp);

/*
 * wk_app_error - fill resp with the page for status (app's error_view, or
 * the built-in one; with DEBUG on a detailed page naming message).
 */
int wk_app_error(const struct wk_app *app, struct wk_request *req,
    struct wk_response *resp, int status, const char *message);

/*
 * wk_error - what a view calls to answer with an error page:
 * wk_app_error(req->app, req, resp, status, message).  Returns 0.
 *   if (post == NULL) return wk_error(req, resp, 404, "No such post");
 */
int wk_error(struct wk_request *req, struct wk_response *resp, int status,
    const char *message);

/* The built-in commands (help, routes, check, runserver). */
extern const struct wk_command wk_builtin_commands[];

#endif /* WICK_APP_H */
