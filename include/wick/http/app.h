/*
 * app.h - an application and the request pipeline.
 *
 * An app is a const description: its name, route table, middleware chain,
 * management commands, optional error view and settings keys: the one
 * place where an app (and the components it lists) plugs into Wick.
 * wk_main() (front/cgi.h, included below) is the whole of an app's main():
 * with GATEWAY_INTERFACE set it serves one CGI request;
 * otherwise it is the app's management tool (help, routes, check,
 * runserver, plus the app's and components' commands).
 *
 * The pipeline for one request (wk_app_serve, called by a front end with
 * the request's environment, a body reader and a response writer, io.h):
 *   settings -> request parse (4xx on bad input) -> allowed host check ->
 *   middleware on_request (in order) -> router -> view ->
 *   middleware on_response (reverse order) -> wk_response_send
 * Errors at any step become an error response that still passes through
 * the middleware on the way out (security headers on 404 and 500 too).
 * Nothing in the pipeline reads the process's environment, stdin or
 * stdout: that is the front end's job (src/front/).
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
struct wk_map;
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
	/*
	 * Optional: the app's context processors (template.h,
	 * wk_context_processor_fn), a NULL-terminated list run in order
	 * before every wk_render and template error page of this app, ahead
	 * of those added with wk_template_add_context_processor; the view's
	 * own values win on a shared name.  The library's: the user
	 * (wk_auth_context_processor, auth.h), flash messages
	 * (wk_messages_context_processor, session.h), the CSRF token
	 * (wk_csrf_context_processor, csrf.h).
	 */
	int (*const *context_processors)(struct wk_request *req,
	    struct wk_map *ctx);
};

/*
 * wk_app_serve - what a front end calls for one request: wk_app_handle,
 * then the whole response through out (wk_response_send).  body, out and
 * everything else as for wk_app_handle.  A writer that fails (the client
 * went away) is logged and is not an error.  Returns 0, or -1 when no
 * response could be built (logged; nothing was written: the front end
 * answers with its last resort).
 */
int wk_app_serve(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, wk_arena *a, char *const *envp,
    const struct wk_reader *body, const struct wk_writer *out,
    struct wk_request *req, struct wk_response *resp);

/*
 * wk_app_handle - run one request through the whole pipeline: parse envp
 * and the body read through body (io.h; NULL: none) into req (req and
 * resp are initialised here, in arena a), then middleware, router, view,
 * error handling.  resp is ready to serialise.  body must outlive req.
 * settings_error, when not NULL, is a configuration problem found at start:
 * the request then gets a 500 page (and a log line), never a default.
 * Returns 0 (even for 4xx/5xx answers) or -1 if nothing could be built.
 */
int wk_app_handle(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, wk_arena *a, char *const *envp,
    const struct wk_reader *body, struct wk_request *req,
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

/*
 * wk_db_respond - answer a request whose query failed with status (a
 * WK_DB_* code, db.h): log one line with the details and the request id,
 * then fill resp with the page for wk_db_http_status(status) (503 gets
 * Retry-After: 5).  json: answer {"error": "..."} as application/json
 * instead of an HTML page (APIs).  Returns 0 (the view returns it), or -1
 * if nothing could be built.  It lives here, in the HTTP layer, so that
 * the database layer knows nothing of requests.
 *
 *   if ((st = wk_orm_get(...)) != WK_DB_OK)
 *       return wk_db_respond(req, resp, st, 0);
 */
int wk_db_respond(struct wk_request *req, struct wk_response *resp,
    int status, int json);

/* The built-in commands (help, routes, check, runserver). */
extern const struct wk_command wk_builtin_commands[];

/* wk_main, the entry point every app's main() calls, is the CGI front
 * end's (front/cgi.h); it is included here so that main.c needs only
 * this header. */
#include "wick/front/cgi.h"

#endif /* WICK_APP_H */
