/*
 * cgi.c - the CGI front end and the binary's entry point (see cgi.h).
 *
 * Everything that knows the process lives here: the environment Apache
 * gave us (RFC 3875), the body on stdin, the response on stdout, the exit
 * status, and the last-resort answer when a view crashes.  The pipeline
 * below (wk_app_serve, app.c) sees only an environ-style array, a reader
 * and a writer (io.h); FastCGI is another file like this one
 * (fastcgi.c), started from wk_main when fd 0 is a listening socket.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/front/cgi.h"
#include "wick/http/app.h"
#include "wick/http/io.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "internal.h"

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
cgi_crash_handler(int sig)
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
cgi_drain_stdin(const struct wk_request *req)
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

/* see cgi.h */
int
wk_cgi_serve(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, wk_arena *a, char *const *envp)
{
	struct wk_request req;
	struct wk_response resp;
	struct wk_fd_reader in;
	struct wk_fd_writer out;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = cgi_crash_handler;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);

	if (wk_app_serve(app, s, settings_error, a, envp,
	    wk_fd_reader_init(&in, 0), wk_fd_writer_init(&out, 1), &req,
	    &resp) != 0)
		cgi_crash_handler(SIGABRT);
	cgi_drain_stdin(&req);
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

/* see cgi.h */
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
	/*
	 * A listening socket on fd 0 means FastCGI, whatever the environment
	 * says (mod_fcgid starts the process with the first request's CGI
	 * variables).  One getsockopt: all the FastCGI path costs CGI.
	 */
	gi = getenv("GATEWAY_INTERFACE");
	if (wk_fastcgi_is_listener(0))
		rc = wk_fastcgi_serve(app, &s, settings_error, 0);
	else if (gi != NULL && gi[0] != '\0')
		rc = wk_cgi_serve(app, &s, settings_error, &arena, envp);
	else
		rc = wk_commands_run(app, &s, settings_error, argc, argv);
	wk_arena_free(&arena);
	return rc;
}
