/*
 * test_app.c - the whole pipeline through the test client: the default
 * middleware chain (the tests' fixture app, tests/fixture/), middleware
 * order, error handling, APPEND_SLASH, crashes and the management
 * commands.  The demo's own contract is cgi-bin/blog/tests/test_app.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wick/http/app.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/front/testclient.h"
#include "fixture/fixture.h"

/* ---- the default chain (the fixture app) ---------------------------------- */

static void
assert_security_headers(const struct wk_test_response *r)
{
	assert_string_equal(wk_test_header(r, "X-Content-Type-Options"),
	    "nosniff");
	assert_string_equal(wk_test_header(r, "X-Frame-Options"), "DENY");
	assert_string_equal(wk_test_header(r, "Referrer-Policy"),
	    "same-origin");
	assert_string_equal(wk_test_header(r, "Cross-Origin-Opener-Policy"),
	    "same-origin");
}

static void
test_fixture_hello(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	wk_test_client_init(&c, &fixture_app, NULL);
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(wk_test_header(&r, "Content-Type"),
	    "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "Hello, world"));
	assert_int_equal(atoi(wk_test_header(&r, "Content-Length")),
	    (int)r.body_len);
	assert_security_headers(&r);
	assert_null(wk_test_header(&r, "Strict-Transport-Security"));
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_fixture_404_405_head(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r, h;
	struct wk_test_request rq;

	(void)state;
	wk_test_client_init(&c, &fixture_app, NULL);
	assert_int_equal(wk_test_get(&c, "/no/such/page", &r), 0);
	assert_int_equal(r.status, 404);
	assert_security_headers(&r);
	assert_non_null(strstr(wk_test_header(&r, "Content-Type"),
	    "charset=utf-8"));
	wk_test_response_free(&r);

	/* OPTIONS: a safe method, so CSRF protection does not answer first. */
	memset(&rq, 0, sizeof(rq));
	rq.method = "OPTIONS";
	rq.path = "/hello";
	assert_int_equal(wk_test_request(&c, &rq, &r), 0);
	assert_int_equal(r.status, 405);
	assert_non_null(wk_test_header(&r, "Allow"));
	assert_non_null(strstr(wk_test_header(&r, "Allow"), "GET"));
	assert_null(strstr(wk_test_header(&r, "Allow"), "POST"));
	assert_security_headers(&r);
	wk_test_response_free(&r);

	memset(&rq, 0, sizeof(rq));
	rq.method = "HEAD";
	rq.path = "/hello";
	assert_int_equal(wk_test_request(&c, &rq, &h), 0);
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(h.status, 200);
	assert_int_equal(h.body_len, 0);
	assert_string_equal(wk_test_header(&h, "Content-Length"),
	    wk_test_header(&r, "Content-Length"));
	wk_test_response_free(&h);
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_fixture_bad_host_and_bad_input(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	wk_log_set_fd(-1);
	wk_test_client_init(&c, &fixture_app, NULL);
	c.host = "evil.example";
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(r.status, 400);
	assert_security_headers(&r);
	wk_test_response_free(&r);
	c.host = "localhost:8000";
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&c, "/hello?q=%zz", &r), 0);
	assert_int_equal(r.status, 400);
	assert_security_headers(&r);
	wk_test_response_free(&r);
	wk_test_client_free(&c);
	wk_log_set_fd(2);
}

/* ---- a test app that records what ran -------------------------------------- */

static char trail[256];

static void
note(const char *s)
{
	size_t n = strlen(trail);
	snprintf(trail + n, sizeof(trail) - n, "%s,", s);
}

static int mw_a_in(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	note("a-in");
	if (wk_request_get(req, "stop_a") != NULL) {
		wk_response_text(resp, 200, "answered by a");
		return WK_MW_ANSWERED;
	}
	return WK_MW_CONTINUE;
}
static void mw_a_out(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	note("a-out");
	wk_response_set_header(resp, "X-A", "1");
}
static int mw_b_in(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	note("b-in");
	return wk_request_get(req, "fail_b") ? WK_MW_ERROR : WK_MW_CONTINUE;
}
static void mw_b_out(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	(void)resp;
	note("b-out");
}
static const struct wk_middleware mw_a = { "a", mw_a_in, mw_a_out };
static const struct wk_middleware mw_b = { "b", mw_b_in, mw_b_out };

static int view_ok(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	note("view");
	return wk_response_text(resp, 200, "ok");
}
static int view_fail(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	note("view");
	wk_response_text(resp, 200, "half a page with SECRET-DETAIL");
	return -1;
}
static int view_missing(struct wk_request *req, struct wk_response *resp)
{
	return wk_error(req, resp, 404, "No post 42");
}
static int view_crash(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	(void)resp;
	raise(SIGSEGV);
	return 0;
}

static int view_setc(struct wk_request *req, struct wk_response *resp)
{
	struct wk_cookie_opts o = { NULL, NULL, 3600, 0, 1, WK_SAMESITE_LAX };
	(void)req;
	wk_response_set_cookie(resp, "k", "v1", &o);
	return wk_response_text(resp, 200, "set");
}
static int view_delc(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	wk_response_delete_cookie(resp, "k", NULL, NULL);
	return wk_response_text(resp, 200, "deleted");
}
static int view_getc(struct wk_request *req, struct wk_response *resp)
{
	const char *v = wk_request_cookie(req, "k");
	wk_response_text(resp, 200, "k=");
	return wk_buf_puts(&resp->body, v ? v : "");
}

static const struct wk_route t_sub[] = {
	{ "item/<int:id>/", view_ok, "item", WK_GET | WK_POST, NULL },
	WK_ROUTES_END
};
static const struct wk_route t_routes[] = {
	{ "ok", view_ok, "ok", WK_GET, NULL },
	{ "fail", view_fail, "fail", WK_GET, NULL },
	{ "missing", view_missing, "missing", WK_GET, NULL },
	{ "crash", view_crash, "crash", WK_GET, NULL },
	{ "sub/", NULL, NULL, 0, t_sub },
	{ "setc", view_setc, NULL, WK_GET, NULL },
	{ "delc", view_delc, NULL, WK_GET, NULL },
	{ "getc", view_getc, NULL, WK_GET, NULL },
	WK_ROUTES_END
};
static const struct wk_middleware *const t_mw[] = { &mw_a, &mw_b, NULL };

static int
t_error_view(struct wk_request *req, struct wk_response *resp,
    const char *message)
{
	(void)req;
	wk_response_html(resp, resp->status, "<p>custom error page</p>");
	if (message != NULL)
		wk_buf_puts(&resp->body, message);
	return 0;
}

static int
cmd_hello(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv)
{
	(void)app;
	(void)s;
	(void)argc;
	(void)argv;
	printf("hello from a command\n");
	return 7;
}
static const struct wk_command t_cmds[] = {
	{ "hello", "hello", "say hello", cmd_hello },
	WK_COMMANDS_END
};
static const struct wk_command *const t_cmd_tables[] = { t_cmds, NULL };

static const struct wk_app t_app = {
	.name = "t",
	.routes = t_routes,
	.middleware = t_mw,
	.commands = t_cmd_tables,
	.error_view = NULL,
};
static const struct wk_app t_app_custom = {
	.name = "t2",
	.routes = t_routes,
	.middleware = t_mw,
	.commands = NULL,
	.error_view = t_error_view,
};

static void
get(const struct wk_app *app, int debug, const char *path,
    struct wk_test_response *r)
{
	struct wk_test_client c;

	trail[0] = '\0';
	wk_test_client_init(&c, app, NULL);
	c.settings.debug = debug;
	assert_int_equal(wk_test_get(&c, path, r), 0);
	wk_test_client_free(&c);
}

static void
test_middleware_order(void **state)
{
	struct wk_test_response r;

	(void)state;
	get(&t_app, 0, "/ok", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(trail, "a-in,b-in,view,b-out,a-out,");
	assert_string_equal(wk_test_header(&r, "X-A"), "1");
	wk_test_response_free(&r);

	get(&t_app, 0, "/ok?stop_a=1", &r);
	assert_string_equal(r.body, "answered by a");
	assert_string_equal(trail, "a-in,b-out,a-out,");
	wk_test_response_free(&r);

	/* Error responses travel out through the chain too. */
	get(&t_app, 0, "/nothing-here", &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(trail, "a-in,b-in,b-out,a-out,");
	assert_string_equal(wk_test_header(&r, "X-A"), "1");
	wk_test_response_free(&r);
}

static void
test_failures_become_500_without_details(void **state)
{
	struct wk_test_response r;

	(void)state;
	wk_log_set_fd(-1);
	get(&t_app, 0, "/fail", &r);
	assert_int_equal(r.status, 500);
	assert_null(strstr(r.body, "SECRET-DETAIL"));
	assert_null(strstr(r.body, "view reported"));
	assert_string_equal(wk_test_header(&r, "X-A"), "1");
	wk_test_response_free(&r);

	get(&t_app, 0, "/ok?fail_b=1", &r);
	assert_int_equal(r.status, 500);
	assert_string_equal(trail, "a-in,b-in,b-out,a-out,");
	wk_test_response_free(&r);

	/* DEBUG on: a detailed page, still escaped. */
	get(&t_app, 1, "/fail?x=<script>", &r);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.body, "view reported an error"));
	assert_non_null(strstr(r.body, "debug"));
	wk_test_response_free(&r);
	get(&t_app, 1, "/<script>", &r);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "<script>"));
	assert_non_null(strstr(r.body, "&lt;script&gt;"));
	wk_test_response_free(&r);
	wk_log_set_fd(2);
}

static void
test_error_view_and_wk_error(void **state)
{
	struct wk_test_response r;

	(void)state;
	get(&t_app, 0, "/missing", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "No post 42"));
	wk_test_response_free(&r);

	get(&t_app_custom, 0, "/missing", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "custom error page"));
	assert_non_null(strstr(r.body, "No post 42"));
	wk_test_response_free(&r);

	wk_log_set_fd(-1);
	get(&t_app_custom, 0, "/fail", &r);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.body, "custom error page"));
	assert_null(strstr(r.body, "view reported"));
	wk_test_response_free(&r);
	wk_log_set_fd(2);

	/* 405 from the app's page still carries Allow. */
	{
		struct wk_test_client c;
		wk_test_client_init(&c, &t_app_custom, NULL);
		assert_int_equal(wk_test_post(&c, "/ok", "text/plain", "",
		    &r), 0);
		assert_int_equal(r.status, 405);
		assert_non_null(wk_test_header(&r, "Allow"));
		wk_test_response_free(&r);
		wk_test_client_free(&c);
	}
}

static void
test_append_slash(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	get(&t_app, 0, "/sub/item/3?x=1", &r);
	assert_int_equal(r.status, 301);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/sub/item/3/?x=1");
	wk_test_response_free(&r);

	wk_test_client_init(&c, &t_app, NULL);
	c.script_name = "/cgi-bin/t.cgi";
	assert_int_equal(wk_test_get(&c, "/sub/item/3", &r), 0);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/cgi-bin/t.cgi/sub/item/3/");
	wk_test_response_free(&r);
	/* A POST would lose its body in a redirect: 404 instead. */
	assert_int_equal(wk_test_post(&c, "/sub/item/3", "text/plain", "x",
	    &r), 0);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	c.settings.append_slash = 0;
	assert_int_equal(wk_test_get(&c, "/sub/item/3", &r), 0);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_cookie_jar(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	wk_test_client_init(&c, &t_app, NULL);
	assert_int_equal(wk_test_get(&c, "/getc", &r), 0);
	assert_string_equal(r.body, "k=");
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&c, "/setc", &r), 0);
	assert_non_null(strstr(wk_test_header(&r, "Set-Cookie"), "k=v1"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&c, "/getc", &r), 0);
	assert_string_equal(r.body, "k=v1");
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&c, "/delc", &r), 0);
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&c, "/getc", &r), 0);
	assert_string_equal(r.body, "k=");
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

/* ---- wk_main: CGI mode and commands, in a child process ------------------- */

/* Run wk_main(app) in a child with env and argv; return its stdout. */
static int
run_main(const struct wk_app *app, char **argv, char **env, char *out,
    size_t outlen)
{
	int fds[2], status;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int argc = 0, devnull;
		close(fds[0]);
		dup2(fds[1], 1);
		devnull = open("/dev/null", 0);
		dup2(devnull, 0);
		dup2(devnull, 2);
		clearenv();
		for (; env[argc] != NULL; argc++)
			putenv(env[argc]);
		for (argc = 0; argv[argc] != NULL; argc++)
			;
		alarm(10);
		argc = wk_main(app, argc, argv, env);
		fflush(stdout);
		_exit(argc & 0xff);
	}
	close(fds[1]);
	while (got + 1 < outlen &&
	    (n = read(fds[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void
test_main_cgi_and_crash(void **state)
{
	char out[8192];
	char *argv[] = { (char[]){"t.cgi"}, NULL };
	char *env_ok[] = { (char[]){"GATEWAY_INTERFACE=CGI/1.1"},
	    (char[]){"REQUEST_METHOD=GET"}, (char[]){"PATH_INFO=/ok"},
	    (char[]){"HTTP_HOST=localhost"}, NULL };
	char *env_crash[] = { (char[]){"GATEWAY_INTERFACE=CGI/1.1"},
	    (char[]){"REQUEST_METHOD=GET"}, (char[]){"PATH_INFO=/crash"},
	    (char[]){"HTTP_HOST=localhost"}, NULL };
	char *env_badconf[] = { (char[]){"GATEWAY_INTERFACE=CGI/1.1"},
	    (char[]){"REQUEST_METHOD=GET"}, (char[]){"PATH_INFO=/ok"},
	    (char[]){"HTTP_HOST=localhost"},
	    (char[]){"WICK_CONFIG=/nonexistent/wick.conf"}, NULL };

	(void)state;
	assert_int_equal(run_main(&t_app, argv, env_ok, out, sizeof(out)), 0);
	assert_true(strncmp(out, "Status: 200 OK\r\n", 16) == 0);
	assert_non_null(strstr(out, "\r\n\r\nok"));

	run_main(&t_app, argv, env_crash, out, sizeof(out));
	assert_true(strncmp(out, "Status: 500", 11) == 0);

	/* A config problem is a 500 page, never a silent default. */
	assert_int_equal(run_main(&t_app, argv, env_badconf, out,
	    sizeof(out)), 0);
	assert_true(strncmp(out, "Status: 500", 11) == 0);
}

static void
test_main_commands(void **state)
{
	char out[8192];
	char *env[] = { NULL };
	char *help[] = { (char[]){"t.cgi"}, NULL };
	char *routes[] = { (char[]){"t.cgi"}, (char[]){"routes"}, NULL };
	char *custom[] = { (char[]){"t.cgi"}, (char[]){"hello"}, NULL };
	char *unknown[] = { (char[]){"t.cgi"}, (char[]){"frobnicate"}, NULL };

	(void)state;
	assert_int_equal(run_main(&t_app, help, env, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "runserver"));
	assert_non_null(strstr(out, "hello"));
	assert_int_equal(run_main(&t_app, routes, env, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "/sub/item/<int:id>/"));
	assert_non_null(strstr(out, "item"));
	assert_int_equal(run_main(&t_app, custom, env, out, sizeof(out)), 7);
	assert_non_null(strstr(out, "hello from a command"));
	assert_int_equal(run_main(&t_app, unknown, env, out, sizeof(out)), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_hello),
		cmocka_unit_test(test_fixture_404_405_head),
		cmocka_unit_test(test_fixture_bad_host_and_bad_input),
		cmocka_unit_test(test_middleware_order),
		cmocka_unit_test(test_failures_become_500_without_details),
		cmocka_unit_test(test_error_view_and_wk_error),
		cmocka_unit_test(test_append_slash),
		cmocka_unit_test(test_cookie_jar),
		cmocka_unit_test(test_main_cgi_and_crash),
		cmocka_unit_test(test_main_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
