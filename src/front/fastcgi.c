/*
 * fastcgi.c - the FastCGI front end: the responder loop (see internal.h).
 *
 * The same binary that runs as a CGI program serves FastCGI when it starts
 * with a listening socket on fd 0 (how mod_fcgid, lighttpd and spawn-fcgi
 * start it), or when `APP fastcgi --listen ADDR` binds one (for nginx).
 * Each connection's records become what the CGI front end hands the
 * pipeline (fcgi_proto.c): an environment, a body reader and a writer, so
 * wk_app_serve cannot tell the two apart.
 *
 * What lives across requests is what wk_main set up before the loop and
 * the process-wide caches that are filled once: the settings, the parsed
 * templates, the route table, the database connection with its prepared
 * statements and the schema; all read-only to views.  Everything of a
 * request lives in an arena made for it and freed after it; the database
 * layer is told between requests (wk_db_request_done) so that a view that
 * failed inside an atomic block leaves nothing open for the next.
 *
 * The process ends after fastcgi_max_requests requests, or on SIGTERM once
 * the request in flight is answered, so the server recycles it.  A crash
 * in a view (SIGSEGV, SIGBUS, SIGFPE, SIGABRT) answers that request 500
 * with records prepared before it ran, and ends the process: the server
 * starts another, and no other request is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wick/db/db.h"
#include "wick/http/app.h"
#include "wick/http/io.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "fcgi_proto.h"
#include "internal.h"

/* A body the app did not read is dropped up to this much on a kept
 * connection; more, and the connection is closed instead. */
#define FCGI_DRAIN_MAX ((size_t)16 << 20)

static const char fcgi_bad_request[] =
    "Status: 400 Bad Request\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 17\r\n\r\n"
    "Bad Request (400)";
static const char fcgi_server_error[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 18\r\n\r\n"
    "Server Error (500)";

static volatile sig_atomic_t fcgi_stop;

/*
 * The last resort for a crash inside a view, as the CGI front end's: the
 * whole answer (STDOUT with a 500, the empty STDOUT, END_REQUEST) is laid
 * out for the request's id before the view runs, so the handler only
 * writes it, with async-signal-safe calls.  Nothing else of the request
 * has reached the connection by then: responses are written whole.
 */
static const char fcgi_crash_body[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Content-Length: 18\r\n\r\n"
    "Server Error (500)";
static const char fcgi_crash_log[] =
    "wick: fatal signal while serving a FastCGI request\n";
static unsigned char fcgi_crash_bytes[3 * WK_FCGI_HEADER_LEN +
    sizeof(fcgi_crash_body) + 8 + 8];
static size_t fcgi_crash_len;
static volatile sig_atomic_t fcgi_crash_fd = -1;

/* One record header at p; returns the bytes written (8). */
static size_t
fcgi_crash_header(unsigned char *p, unsigned type, unsigned id, size_t len,
    size_t pad)
{
	p[0] = WK_FCGI_VERSION;
	p[1] = (unsigned char)type;
	p[2] = (unsigned char)(id >> 8);
	p[3] = (unsigned char)id;
	p[4] = (unsigned char)(len >> 8);
	p[5] = (unsigned char)len;
	p[6] = (unsigned char)pad;
	p[7] = 0;
	return WK_FCGI_HEADER_LEN;
}

/* Lay out the crash answer for request id on fd (see above). */
static void
fcgi_crash_arm(int fd, unsigned id)
{
	size_t n = 0, blen = sizeof(fcgi_crash_body) - 1;
	size_t pad = (8 - blen % 8) % 8;

	n += fcgi_crash_header(fcgi_crash_bytes + n, WK_FCGI_STDOUT, id, blen,
	    pad);
	memcpy(fcgi_crash_bytes + n, fcgi_crash_body, blen);
	n += blen;
	memset(fcgi_crash_bytes + n, 0, pad);
	n += pad;
	n += fcgi_crash_header(fcgi_crash_bytes + n, WK_FCGI_STDOUT, id, 0, 0);
	n += fcgi_crash_header(fcgi_crash_bytes + n, WK_FCGI_END_REQUEST, id,
	    8, 0);
	/* appStatus 70 (EX_SOFTWARE, as the CGI front end exits), then
	 * FCGI_REQUEST_COMPLETE */
	memset(fcgi_crash_bytes + n, 0, 8);
	fcgi_crash_bytes[n + 3] = 70;
	n += 8;
	fcgi_crash_len = n;
	fcgi_crash_fd = fd;
}

static void
fcgi_on_crash(int sig)
{
	ssize_t rc;

	if (fcgi_crash_fd >= 0)
		rc = write(fcgi_crash_fd, fcgi_crash_bytes, fcgi_crash_len);
	rc = write(2, fcgi_crash_log, sizeof(fcgi_crash_log) - 1);
	(void)rc;
	signal(sig, SIG_DFL);
	_exit(70);
}

static void
fcgi_on_term(int sig)
{
	(void)sig;
	fcgi_stop = 1;
}

/* see internal.h */
int
wk_fastcgi_is_listener(int fd)
{
	int on = 0;
	socklen_t len = sizeof(on);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) != 0)
		return 0;
	return on != 0;
}

/* see internal.h */
int
wk_fastcgi_listen(const char *addr, char *err, size_t errlen)
{
	int fd = -1, one = 1;

	if (addr == NULL || addr[0] == '\0')
		goto bad;
	if (addr[0] == '/' || addr[0] == '.') {
		struct sockaddr_un un;
		size_t n = strlen(addr);

		if (n >= sizeof(un.sun_path)) {
			snprintf(err, errlen, "%s: socket path too long", addr);
			return -1;
		}
		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		memcpy(un.sun_path, addr, n + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			goto sys;
		(void)unlink(addr);  /* a stale socket of an earlier run */
		if (bind(fd, (struct sockaddr *)&un, sizeof(un)) != 0)
			goto sys;
	} else {
		struct sockaddr_in in;
		const char *colon = strrchr(addr, ':');
		char host[64];
		char *end;
		long port;

		if (colon == NULL || (size_t)(colon - addr) >= sizeof(host))
			goto bad;
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || *end != '\0' ||
		    port < 1 || port > 65535)
			goto bad;
		memset(&in, 0, sizeof(in));
		in.sin_family = AF_INET;
		in.sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, host, &in.sin_addr) != 1)
			goto bad;
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			goto sys;
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) != 0 ||
		    bind(fd, (struct sockaddr *)&in, sizeof(in)) != 0)
			goto sys;
	}
	if (listen(fd, 64) != 0)
		goto sys;
	return fd;
bad:
	snprintf(err, errlen, "'%s': expected a socket path (/run/app.sock) "
	    "or 127.0.0.1:PORT", addr ? addr : "");
	return -1;
sys:
	snprintf(err, errlen, "%s: %s", addr, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The requests of one connection, until it closes or must be closed. */
static void
fcgi_connection(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, struct wk_fcgi_conn *c, int fd,
    long *served, long max)
{
	struct wk_fd_reader in;
	struct wk_fd_writer out;

	wk_fcgi_conn_init(c, wk_fd_reader_init(&in, fd),
	    wk_fd_writer_init(&out, fd), s->read_timeout_ms);
	for (;;) {
		struct wk_request req;
		struct wk_response resp;
		wk_arena arena;
		char **envp = NULL;
		int r;

		wk_arena_init(&arena);
		r = wk_fcgi_request_begin(c, &arena, &envp);
		if (r == WK_FCGI_OK) {
			fcgi_crash_arm(fd, c->id);
			if (wk_app_serve(app, s, settings_error, &arena, envp,
			    &c->body, &c->stdout_w, &req, &resp) != 0)
				(void)c->stdout_w.write(c, fcgi_server_error,
				    sizeof(fcgi_server_error) - 1);
			fcgi_crash_fd = -1;
			if (wk_fcgi_drain_stdin(c, FCGI_DRAIN_MAX) != 0)
				c->broken = 1;
			(void)wk_fcgi_request_end(c, 0);
			wk_db_request_done();
			(*served)++;
		} else if (r == WK_FCGI_BAD_PARAMS) {
			(void)c->stdout_w.write(c, fcgi_bad_request,
			    sizeof(fcgi_bad_request) - 1);
			(void)wk_fcgi_request_end(c, 0);
		}
		wk_arena_free(&arena);
		if (r != WK_FCGI_OK && r != WK_FCGI_ABORTED)
			return;
		if (!c->keep_conn || c->broken || c->out_failed ||
		    fcgi_stop || *served >= max)
			return;
	}
}

/* see internal.h */
int
wk_fastcgi_serve(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, int lfd)
{
	static struct wk_fcgi_conn conn;  /* ~200 KB: not on the stack */
	struct sigaction sa;
	sigset_t term, orig;
	long served = 0, max = s->fastcgi_max_requests > 0 ?
	    s->fastcgi_max_requests : 1000;
	int fl;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = fcgi_on_term;  /* no SA_RESTART: ppoll returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = fcgi_on_crash;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	/* SIGTERM waits while a request runs; it is taken only in ppoll. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	if (sigprocmask(SIG_BLOCK, &term, &orig) != 0)
		return 1;
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGINT);
	/* Several processes may share the socket: whoever loses the race to
	 * accept must go back to waiting, not block in accept. */
	if ((fl = fcntl(lfd, F_GETFL)) < 0 ||
	    fcntl(lfd, F_SETFL, fl | O_NONBLOCK) != 0)
		return 1;

	while (!fcgi_stop && served < max) {
		struct pollfd p = { lfd, POLLIN, 0 };
		int fd, r;

		r = ppoll(&p, 1, NULL, &orig);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK || errno == ECONNABORTED)
				continue;
			return 1;
		}
		fcgi_connection(app, s, settings_error, &conn, fd, &served,
		    max);
		close(fd);
	}
	return 0;
}
