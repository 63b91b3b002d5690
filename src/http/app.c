/*
 * app.c - the request pipeline and the binary's entry point (see app.h).
 *
 * This file is the only one that knows the order of the steps; each step is
 * a module of its own (settings, request, middleware, router, response) and
 * never calls the others.  Data flows one way:
 *
 *   settings -> request parse -> host check -> middleware in -> router ->
 *   view -> middleware out -> response write
 *
 * Every failure becomes a response that still travels back out through the
 * middleware, so security headers are on 400, 404 and 500 pages too, and
 * nothing is written to the client until the whole response exists.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/http/multipart.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "../core/internal.h"

/* The detailed page shown with DEBUG on. */
static int
app_debug_page(struct wk_request *req, struct wk_response *resp, int status,
    const char *message)
{
	wk_buf *b = &resp->body;

	resp->status = status;
	wk_buf_reset(b);
	wk_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s</title></head>\n<body>\n"
	    "<h1>%d %s</h1>\n<p>", status, wk_status_reason(status), status,
	    wk_status_reason(status));
	wk_buf_append_html(b, message ? message : "", message ? strlen(message) : 0);
	wk_buf_puts(b, "</p>\n<table>\n<tr><th>Method</th><td>");
	if (req->method_name != NULL)
		wk_buf_append_html(b, req->method_name, strlen(req->method_name));
	wk_buf_puts(b, "</td></tr>\n<tr><th>Path</th><td>");
	if (req->path != NULL)
		wk_buf_append_html(b, req->path, strlen(req->path));
	wk_buf_printf(b, "</td></tr>\n<tr><th>Request id</th><td>%s</td></tr>\n"
	    "</table>\n<p>You see this page because <code>debug</code> is on. "
	    "Turn it off in production.</p>\n</body></html>\n", req->id);
	if (b->failed)
		return -1;
	return wk_response_set_header(resp, "Content-Type",
	    "text/html; charset=utf-8");
}

/* see app.h */
int
wk_app_error(const struct wk_app *app, struct wk_request *req,
    struct wk_response *resp, int status, const char *message)
{
	const struct wk_settings *s = req->settings;
	const char *shown = message;

	/* Start from a clean response: a failed view may have half-built it. */
	wk_response_init(resp, resp->arena);
	resp->status = status;
	if (status >= 500 && (s == NULL || !s->debug))
		shown = NULL;  /* details go to the log, not to the client */
	if (s != NULL && s->debug && app_debug_page(req, resp, status,
	    message) == 0)
		return 0;
	if (app != NULL && app->error_view != NULL) {
		if (app->error_view(req, resp, shown) == 0) {
			resp->status = status;
			return 0;
		}
		wk_response_init(resp, resp->arena);
	}
	return wk_response_error(resp, status, shown);
}

/* see app.h */
int
wk_error(struct wk_request *req, struct wk_response *resp, int status,
    const char *message)
{
	if (wk_app_error(req->app, req, resp, status, message) != 0)
		return -1;
	return 0;
}

/* Redirect /x to /x/ (APPEND_SLASH), keeping the query string. */
static int
app_append_slash(struct wk_request *req, struct wk_response *resp)
{
	const char *url;

	if (req->method != WK_METHOD_GET && req->method != WK_METHOD_HEAD) {
		/* A redirect would lose the body: say what to do instead. */
		return wk_error(req, resp, 404,
		    "This URL needs a trailing slash; a redirect would lose "
		    "the request body");
	}
	url = wk_arena_printf(req->arena, "%s%s/%s%s", req->script_name,
	    req->raw_path[0] ? req->raw_path : "/",
	    req->query_string[0] ? "?" : "", req->query_string);
	if (url == NULL || wk_response_redirect(resp, NULL, url, 301) != 0)
		return wk_error(req, resp, 404, "Not found");
	return 0;
}

/* Route and run the view. */
static void
app_dispatch(const struct wk_app *app, struct wk_request *req,
    struct wk_response *resp)
{
	unsigned allowed = 0;
	enum wk_route_result rr;

	rr = wk_router_resolve(app->routes, req, req->settings->append_slash,
	    &allowed);
	switch (rr) {
	case WK_ROUTE_FOUND:
		if (req->route->view(req, resp) != 0) {
			wk_log(req, WK_LOG_ERROR, "view for %s %s (route %s) "
			    "failed", req->method_name, req->path,
			    req->route->name ? req->route->name :
			    req->route->pattern);
			wk_app_error(app, req, resp, 500,
			    "The view reported an error; see the server log.");
		}
		break;
	case WK_ROUTE_METHOD_NOT_ALLOWED:
		wk_app_error(app, req, resp, 405, "Method not allowed");
		if (resp->status == 405 && wk_response_header(resp, "Allow") == NULL) {
			/* The app's page keeps the status; add Allow to it. */
			struct wk_response tmp;
			wk_response_init(&tmp, resp->arena);
			if (wk_response_not_allowed(&tmp, allowed) == 0)
				wk_response_set_header(resp, "Allow",
				    wk_response_header(&tmp, "Allow"));
		}
		break;
	case WK_ROUTE_APPEND_SLASH:
		app_append_slash(req, resp);
		break;
	case WK_ROUTE_NOT_FOUND:
		wk_app_error(app, req, resp, 404, "No page matches this URL.");
		break;
	default:
		wk_log(req, WK_LOG_ERROR, "router failed for %s", req->path);
		wk_app_error(app, req, resp, 500, "Routing failed");
		break;
	}
}

/* see app.h */
int
wk_app_handle(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, wk_arena *a, char *const *envp,
    const struct wk_body_source *body, struct wk_request *req,
    struct wk_response *resp)
{
	const struct wk_middleware *const *mw = app->middleware;
	size_t nmw = 0, i;
	int st;

	memset(req, 0, sizeof(*req));
	wk_response_init(resp, a);
	for (; mw != NULL && mw[nmw] != NULL; nmw++)
		;

	st = wk_request_parse(req, a, s, envp, body);
	req->app = app;
	req->routes = app->routes;
	if (req->settings == NULL)
		req->settings = s;
	if (req->path == NULL)
		req->path = "/";
	if (req->raw_path == NULL)
		req->raw_path = "";
	if (req->script_name == NULL)
		req->script_name = "";
	if (req->query_string == NULL)
		req->query_string = "";
	if (req->method_name == NULL)
		req->method_name = "GET";

	if (settings_error != NULL) {
		wk_log(req, WK_LOG_ERROR, "configuration error: %s",
		    settings_error);
		wk_app_error(app, req, resp, 500, settings_error);
		goto out;
	}
	if (st != 0) {
		wk_log(req, WK_LOG_WARN, "%s %s: %d %s", req->method_name,
		    req->path, st, req->error ? req->error : "bad request");
		wk_app_error(app, req, resp, st, req->error);
		goto out;
	}
	if ((st = wk_request_check_host(req)) != 0) {
		wk_log(req, WK_LOG_WARN, "%s", req->error ? req->error :
		    "host not allowed");
		wk_app_error(app, req, resp, st, req->error);
		goto out;
	}

	for (i = 0; i < nmw; i++) {
		int r;
		if (mw[i]->on_request == NULL)
			continue;
		r = mw[i]->on_request(req, resp);
		if (r == WK_MW_ANSWERED)
			goto out;
		if (r != WK_MW_CONTINUE) {
			wk_log(req, WK_LOG_ERROR, "middleware %s failed",
			    mw[i]->name);
			wk_app_error(app, req, resp, 500, "Middleware failed");
			goto out;
		}
	}
	app_dispatch(app, req, resp);
out:
	for (i = nmw; i > 0; i--)
		if (mw[i - 1]->on_response != NULL)
			mw[i - 1]->on_response(req, resp);
	/* Uploaded files nobody moved away (also after a refusal). */
	if (req->slots[WK_SLOT_MULTIPART] != NULL)
		wk_multipart_request_cleanup(req);
	if (req->method == WK_METHOD_HEAD)
		resp->no_body = 1;
	if (resp->body.failed) {
		wk_log(req, WK_LOG_ERROR, "response body could not be built");
		wk_response_init(resp, a);
		if (wk_response_error(resp, 500, NULL) != 0)
			return -1;
	}
	return 0;
}

/*
 * A last resort for a crash inside a view: answer 500 with bytes prepared
 * before the request, using only async-signal-safe calls.  Nothing else has
 * reached stdout at that point, because responses are written whole.
 */
static const char crash_response[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Content-Length: 22\r\n\r\n"
    "Server Error (500)\r\n\r\n";
static const char crash_log[] = "wick: fatal signal while serving a request\n";

static void
app_crash_handler(int sig)
{
	ssize_t rc;

	rc = write(1, crash_response, sizeof(crash_response) - 1);
	rc = write(2, crash_log, sizeof(crash_log) - 1);
	(void)rc;
	signal(sig, SIG_DFL);
	_exit(70);
}

/*
 * After answering without reading the body (413, 400...), read and discard
 * what the client is still sending.  If the process exits with the body
 * unread, Apache's mod_cgid gets EPIPE writing it and resets the
 * connection, and the client never sees the answer.  Bounded in bytes and
 * time so a huge or stalled upload cannot keep the process alive.
 */
#define DRAIN_MAX_BYTES ((unsigned long long)16 << 20)
#define DRAIN_MAX_MS 2000

static void
app_drain_stdin(const struct wk_request *req)
{
	const char *cl = getenv("CONTENT_LENGTH");
	unsigned long long want = 0, got = 0;
	static char buf[16384];  /* not on the stack: no fault when unused */
	struct timespec start, now;

	if (cl == NULL || cl[0] == '\0')
		return;
	for (; *cl >= '0' && *cl <= '9'; cl++) {
		if (want > DRAIN_MAX_BYTES)
			break;
		want = want * 10 + (unsigned long long)(*cl - '0');
	}
	if (want <= req->body_len)
		return;
	want -= req->body_len;
	if (want > DRAIN_MAX_BYTES)
		want = DRAIN_MAX_BYTES;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (got < want) {
		struct pollfd pfd = { 0, POLLIN, 0 };
		long elapsed;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= DRAIN_MAX_MS ||
		    poll(&pfd, 1, (int)(DRAIN_MAX_MS - elapsed)) <= 0)
			break;
		n = read(0, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (unsigned long long)n;
	}
}

/* Serve one CGI request on stdin/stdout. */
static int
app_serve_cgi(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, wk_arena *a, char **envp)
{
	struct wk_request req;
	struct wk_response resp;
	struct wk_body_source body = { 0, NULL, 0 };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = app_crash_handler;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);

	if (wk_app_handle(app, s, settings_error, a, envp, &body, &req,
	    &resp) != 0) {
		wk_log(&req, WK_LOG_ERROR, "no response could be built");
		app_crash_handler(SIGABRT);
	}
	if (wk_response_write(&resp, 1) != 0)
		wk_log(&req, WK_LOG_INFO, "client went away before the "
		    "response was written");
	app_drain_stdin(&req);
	return 0;
}

/* The app's own settings keys (app.h); 0, or -1 with err set. */
static int
app_register_settings(const struct wk_app *app, char *err, size_t errlen)
{
	size_t t;

	for (t = 0; app->settings != NULL && app->settings[t] != NULL; t++)
		if (wk_settings_register(app->settings[t], err, errlen) != 0)
			return -1;
	return 0;
}

/* see app.h */
int
wk_main(const struct wk_app *app, int argc, char **argv, char **envp)
{
	wk_arena arena;
	struct wk_settings s;
	char err[512];
	const char *settings_error = NULL;
	const char *gi;
	int rc;

	wk_arena_init(&arena);
	if (app_register_settings(app, err, sizeof(err)) != 0 ||
	    wk_settings_load(&s, &arena, err, sizeof(err)) != 0) {
		settings_error = err;
		/* Parse the request with safe defaults; it will get a 500. */
		wk_settings_defaults(&s);
	}
	/* Where the database is; nothing is opened until a view needs it. */
	wk_db_configure(&s, app->name);
	gi = getenv("GATEWAY_INTERFACE");
	if (gi != NULL && gi[0] != '\0')
		rc = app_serve_cgi(app, &s, settings_error, &arena, envp);
	else
		rc = wk_commands_run(app, &s, settings_error, argc, argv);
	wk_arena_free(&arena);
	return rc;
}
