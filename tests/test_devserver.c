/*
 * test_devserver.c - runserver over real sockets on 127.0.0.1.
 *
 * The CGI program is a small shell script that echoes its environment and
 * stdin, or misbehaves on purpose (crash, no headers...).  Each test runs
 * wk_devserver_run() in a forked child bound to a free loopback port, with
 * its stderr (the access log) sent to a file, talks HTTP to it with a plain
 * socket, and checks the exit status.  alarm() bounds every process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wick/front/devserver.h"

static char tmpdir[64];
static char script[128];
static char logpath[128];
static unsigned port;
static pid_t server;

static const char script_text[] =
	"#!/bin/sh\n"
	"case \"$PATH_INFO\" in\n"
	"/crash) kill -SEGV $$ ;;\n"
	"/empty) exit 0 ;;\n"
	"/fail) exit 3 ;;\n"
	"/nohead) printf 'no header block here'; exit 0 ;;\n"
	"/redirect) printf 'Location: http://example.com/next\\r\\n\\r\\n';"
	" exit 0 ;;\n"
	"/badlen) printf 'Content-Type: text/plain\\r\\nContent-Length: 99"
	"\\r\\n\\r\\nshort'; exit 0 ;;\n"
	"/inject) printf 'X-Bad: a\\rb\\r\\n\\r\\n'; exit 0 ;;\n"
	"/badstatus) printf 'Status: abc\\r\\n\\r\\n'; exit 0 ;;\n"
	"/err500) printf 'Status: 500 Internal Server Error\\r\\n"
	"Content-Type: text/html\\r\\n\\r\\n<p>app page</p>'; exit 1 ;;\n"
	"/big) printf 'Content-Type: text/plain\\n\\n';"
	" head -c 300000 /dev/zero | tr '\\0' x; exit 0 ;;\n"
	"esac\n"
	"printf 'Status: 201 Created\\r\\nContent-Type: text/plain\\r\\n"
	"X-Cgi: yes\\r\\n\\r\\n'\n"
	"echo \"method=$REQUEST_METHOD\"\n"
	"echo \"path=$PATH_INFO\"\n"
	"echo \"query=$QUERY_STRING\"\n"
	"echo \"uri=$REQUEST_URI\"\n"
	"echo \"script=[$SCRIPT_NAME]\"\n"
	"echo \"len=${CONTENT_LENGTH-unset}\"\n"
	"echo \"type=${CONTENT_TYPE-unset}\"\n"
	"echo \"xtest=$HTTP_X_TEST\"\n"
	"echo \"proxy=${HTTP_PROXY-unset}\"\n"
	"echo \"auth=${HTTP_AUTHORIZATION-unset}\"\n"
	"echo \"under=${HTTP_X_UNDER_SCORE-unset}\"\n"
	"echo \"cookie=$HTTP_COOKIE\"\n"
	"echo \"accept=$HTTP_ACCEPT\"\n"
	"echo \"host=${HTTP_HOST-unset}\"\n"
	"echo \"server=$SERVER_NAME:$SERVER_PORT\"\n"
	"echo \"remote=$REMOTE_ADDR\"\n"
	"echo \"gw=$GATEWAY_INTERFACE proto=$SERVER_PROTOCOL"
	" scheme=$REQUEST_SCHEME\"\n"
	"echo \"config=${WICK_CONFIG-unset}\"\n"
	"echo \"home=${HOME-unset}\"\n"
	"echo \"cwd=$(pwd)\"\n"
	"echo \"body=$(cat)\"\n";

static int
group_setup(void **state)
{
	int fd;
	ssize_t w;

	(void)state;
	alarm(120);  /* the whole suite */
	memcpy(tmpdir, "/tmp/wick-devserver-XXXXXX", 27);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(script, sizeof(script), "%s/cgi.sh", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/server.log", tmpdir);
	fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0)
		return -1;
	w = write(fd, script_text, sizeof(script_text) - 1);
	if (close(fd) != 0 || w != (ssize_t)sizeof(script_text) - 1)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(script);
	unlink(logpath);
	return rmdir(tmpdir);
}

/* A loopback port nobody listens on right now. */
static unsigned
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static int
connect_to(unsigned p)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)p);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Fork a server for n requests; wait until it accepts connections. */
static void
start_server(long n)
{
	char addr[32];
	int fd, i;

	port = free_port();
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	(void)unlink(logpath);
	server = fork();
	assert_true(server >= 0);
	if (server == 0) {
		alarm(60);
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(99);
		setenv("WICK_CONFIG", "/etc/wick/test.conf", 1);
		setenv("HOME", "/root", 1);
		_exit(wk_devserver_run(addr, script, n));
	}
	/* The probe connection would count as a request: poll the log. */
	for (i = 0; i < 500; i++) {
		struct stat st;
		if (stat(logpath, &st) == 0 && st.st_size > 0)
			return;
		usleep(10000);
	}
	fail_msg("server did not start");
}

/* Wait for the server to exit; returns its exit status. */
static int
stop_server(void)
{
	int ws, i;
	pid_t w;

	for (i = 0; i < 1000; i++) {
		w = waitpid(server, &ws, WNOHANG);
		if (w == server)
			return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 +
			    WTERMSIG(ws);
		usleep(10000);
	}
	kill(server, SIGKILL);
	waitpid(server, &ws, 0);
	fail_msg("server did not stop");
	return -1;
}

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;     /* the server may close early: fine */
		p += w;
		n -= (size_t)w;
	}
}

/* Read until EOF (or 15 s); NUL-terminated; returns the length. */
static size_t
read_all(int fd, char *out, size_t cap)
{
	struct pollfd pfd;
	size_t got = 0;
	ssize_t r;

	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 15000) <= 0)
			break;
		r = read(fd, out + got, cap - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == cap - 1)
			break;
	}
	out[got] = '\0';
	return got;
}

/* Send raw bytes as one request; the response goes into out. */
static size_t
exchange(const char *req, size_t n, char *out, size_t cap)
{
	int fd = connect_to(port);
	size_t got;

	assert_true(fd >= 0);
	write_all(fd, req, n);
	got = read_all(fd, out, cap);
	close(fd);
	return got;
}

static void
write_str(int fd, const char *s)
{
	write_all(fd, s, strlen(s));
}

static size_t
exchange_str(const char *req, char *out, size_t cap)
{
	return exchange(req, strlen(req), out, cap);
}

static void
read_log(char *out, size_t cap)
{
	int fd = open(logpath, O_RDONLY);
	ssize_t r;

	assert_true(fd >= 0);
	r = read(fd, out, cap - 1);
	assert_true(r >= 0);
	out[r] = '\0';
	close(fd);
}

static const char *
body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

static void
assert_status(const char *resp, const char *status_line)
{
	if (strncmp(resp, status_line, strlen(status_line)) != 0)
		fail_msg("want \"%s\", got \"%.200s\"", status_line, resp);
}

static void
test_env_body_and_headers(void **state)
{
	char req[1024], resp[8192], want[256], log[4096];
	const char *body;

	(void)state;
	start_server(1);
	snprintf(req, sizeof(req),
	    "POST /a%%20b/./c/../d%%C3%%A9?x=1&y=%%2F HTTP/1.1\r\n"
	    "Host: localhost:%u\r\n"
	    "X-Test: hello\r\n"
	    "Proxy: http://evil.example/\r\n"
	    "Authorization: Basic Zm9vOmJhcg==\r\n"
	    "X_Under_Score: sneaky\r\n"
	    "Cookie: a=1\r\n"
	    "Accept: text/html\r\n"
	    "Cookie: b=2\r\n"
	    "accept: text/plain\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: 11\r\n"
	    "\r\n"
	    "hello world", port);
	exchange_str(req, resp, sizeof(resp));
	assert_int_equal(stop_server(), 0);

	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	assert_non_null(strstr(resp, "\r\nX-Cgi: yes\r\n"));
	assert_non_null(strstr(resp, "\r\nContent-Type: text/plain\r\n"));
	assert_non_null(strstr(resp, "\r\nConnection: close\r\n"));
	assert_non_null(strstr(resp, "\r\nDate: "));
	assert_null(strstr(resp, "Status:"));
	body = body_of(resp);
	snprintf(want, sizeof(want), "\r\nContent-Length: %zu\r\n",
	    strlen(body));
	assert_non_null(strstr(resp, want));
	assert_non_null(strstr(body, "method=POST\n"));
	/* Decoded, dot segments removed; the query stays raw. */
	assert_non_null(strstr(body, "path=/a b/d\xc3\xa9\n"));
	assert_non_null(strstr(body, "query=x=1&y=%2F\n"));
	assert_non_null(strstr(body,
	    "uri=/a%20b/./c/../d%C3%A9?x=1&y=%2F\n"));
	assert_non_null(strstr(body, "script=[]\n"));
	assert_non_null(strstr(body, "len=11\n"));
	assert_non_null(strstr(body, "type=text/plain\n"));
	assert_non_null(strstr(body, "xtest=hello\n"));
	assert_non_null(strstr(body, "proxy=unset\n"));
	assert_non_null(strstr(body, "auth=unset\n"));
	assert_non_null(strstr(body, "under=unset\n"));
	assert_non_null(strstr(body, "cookie=a=1; b=2\n"));
	assert_non_null(strstr(body, "accept=text/html, text/plain\n"));
	snprintf(want, sizeof(want), "host=localhost:%u\nserver=localhost:%u\n",
	    port, port);
	assert_non_null(strstr(body, want));
	assert_non_null(strstr(body, "remote=127.0.0.1\n"));
	assert_non_null(strstr(body,
	    "gw=CGI/1.1 proto=HTTP/1.1 scheme=http\n"));
	assert_non_null(strstr(body, "config=/etc/wick/test.conf\n"));
	/* A fresh environment: the server's HOME is not passed. */
	assert_non_null(strstr(body, "home=unset\n"));
	snprintf(want, sizeof(want), "cwd=%s\n", tmpdir);
	assert_non_null(strstr(body, want));
	assert_non_null(strstr(body, "body=hello world\n"));

	read_log(log, sizeof(log));
	assert_non_null(strstr(log, "runserver: serving http://127.0.0.1:"));
	assert_non_null(strstr(log, "\n127.0.0.1 \"POST /a%20b/./c/../d%C3%A9"
	    "?x=1&y=%2F HTTP/1.1\" 201 "));
	assert_non_null(strstr(log, "ms\n"));
}

static void
test_request_errors(void **state)
{
	static const struct {
		const char *req;
		const char *status;
	} cases[] = {
		{ "GET /a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n",
		    "HTTP/1.1 404 Not Found\r\n" },
		{ "GET /a%2fb HTTP/1.1\r\nHost: x\r\n\r\n",
		    "HTTP/1.1 404 Not Found\r\n" },
		{ "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
		    "HTTP/1.1 404 Not Found\r\n" },
		{ "GET /a%zzb HTTP/1.1\r\nHost: x\r\n\r\n",
		    "HTTP/1.1 400 Bad Request\r\n" },
		{ "GET /a% HTTP/1.1\r\nHost: x\r\n\r\n",
		    "HTTP/1.1 400 Bad Request\r\n" },
		{ "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		    "\r\n5\r\nhello\r\n0\r\n\r\n",
		    "HTTP/1.1 411 Length Required\r\n" },
		{ "POST / HTTP/1.1\r\nHost: x\r\n"
		    "Transfer-Encoding: gzip\r\n\r\n",
		    "HTTP/1.1 501 " },
		{ "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		    "HTTP/1.1 400 Bad Request\r\n" },
		{ "GET / HTTP/2.0\r\nHost: x\r\n\r\n", "HTTP/1.1 505 " },
		{ "GET / FTP/1.0\r\nHost: x\r\n\r\n", "HTTP/1.1 400 " },
		{ "garbage\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n" },
		{ "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400 " },
		{ "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n",
		    "HTTP/1.1 400 " },
		{ "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400 " },
		{ "GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400 " },
		{ "GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n",
		    "HTTP/1.1 400 " },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX: a\x01z\r\n\r\n",
		    "HTTP/1.1 400 " },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX: a\rz\r\n\r\n",
		    "HTTP/1.1 400 " },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n",
		    "HTTP/1.1 400 " },
		{ "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
		    "HTTP/1.1 400 " },
		{ "POST / HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: 99999999999\r\n\r\n", "HTTP/1.1 413 " },
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 16777217\r\n"
		    "\r\n", "HTTP/1.1 413 " },
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
		    "HTTP/1.1 400 " },
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
		    "Content-Length: 2\r\n\r\nab", "HTTP/1.1 400 " },
		{ "POST / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n",
		    "HTTP/1.1 417 " },
	};
	char resp[4096], log[16384];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	static const char nul[] = "GET / HTTP/1.1\r\nHost: x\r\nX: a\0z\r\n\r\n";

	(void)state;
	start_server((long)n + 1);
	for (i = 0; i < n; i++) {
		exchange_str(cases[i].req, resp, sizeof(resp));
		if (strncmp(resp, cases[i].status, strlen(cases[i].status)))
			fail_msg("case %zu: want \"%s\", got \"%.100s\"", i,
			    cases[i].status, resp);
		assert_non_null(strstr(resp, "\r\nConnection: close\r\n"));
		assert_non_null(strstr(resp, "charset=utf-8"));
	}
	/* A NUL byte inside a header value. */
	exchange(nul, sizeof(nul) - 1, resp, sizeof(resp));
	assert_status(resp, "HTTP/1.1 400 Bad Request\r\n");
	assert_non_null(strstr(resp, "NUL byte"));
	assert_int_equal(stop_server(), 0);
	read_log(log, sizeof(log));
	/* Hostile bytes are escaped in the log. */
	assert_non_null(strstr(log, "\"GET /\\x7f HTTP/1.1\" 400 "));
	assert_non_null(strstr(log, "\"GET /a%2Fb HTTP/1.1\" 404 "));
}

static void
test_oversized_and_truncated(void **state)
{
	char *big, resp[4096];
	size_t n;
	int fd;
	static const char head[] = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ";

	(void)state;
	start_server(3);
	/* A head over 64 KiB: 431, and the answer survives unread input. */
	n = sizeof(head) - 1 + 70000 + 4;
	big = malloc(n + 1);
	assert_non_null(big);
	memcpy(big, head, sizeof(head) - 1);
	memset(big + sizeof(head) - 1, 'a', 70000);
	memcpy(big + n - 4, "\r\n\r\n", 4);
	exchange(big, n, resp, sizeof(resp));
	assert_status(resp, "HTTP/1.1 431 Request Header Fields Too Large\r\n");

	/* A request line over 8190 bytes: 414. */
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', 9000);
	memcpy(big + 9005, " HTTP/1.1\r\nHost: x\r\n\r\n", 23);
	exchange(big, 9028, resp, sizeof(resp));
	assert_status(resp, "HTTP/1.1 414 ");
	free(big);

	/* A body shorter than Content-Length, then EOF: no CGI run. */
	fd = connect_to(port);
	assert_true(fd >= 0);
	write_str(fd, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
	    "abc");
	shutdown(fd, SHUT_WR);
	assert_int_equal(read_all(fd, resp, sizeof(resp)), 0);
	close(fd);
	assert_int_equal(stop_server(), 0);
}

static void
test_cgi_failures(void **state)
{
	static const struct {
		const char *path;
		const char *status;
	} cases[] = {
		{ "/crash", "HTTP/1.1 502 Bad Gateway\r\n" },
		{ "/empty", "HTTP/1.1 502 Bad Gateway\r\n" },
		{ "/fail", "HTTP/1.1 502 Bad Gateway\r\n" },
		{ "/nohead", "HTTP/1.1 502 Bad Gateway\r\n" },
		{ "/inject", "HTTP/1.1 502 Bad Gateway\r\n" },
		{ "/badstatus", "HTTP/1.1 502 Bad Gateway\r\n" },
		{ "/redirect", "HTTP/1.1 302 Found\r\n" },
		{ "/err500", "HTTP/1.1 500 Internal Server Error\r\n" },
		{ "/badlen", "HTTP/1.1 200 OK\r\n" },
		{ "/big", "HTTP/1.1 200 OK\r\n" },
	};
	char req[256], log[16384];
	static char resp[400000];
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	(void)state;
	start_server((long)n);
	for (i = 0; i < n; i++) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n",
		    cases[i].path);
		exchange_str(req, resp, sizeof(resp));
		if (strncmp(resp, cases[i].status, strlen(cases[i].status)))
			fail_msg("%s: want \"%s\", got \"%.100s\"",
			    cases[i].path, cases[i].status, resp);
		if (strcmp(cases[i].path, "/redirect") == 0)
			assert_non_null(strstr(resp,
			    "\r\nLocation: http://example.com/next\r\n"));
		/* The app's own error page is passed on, not replaced. */
		if (strcmp(cases[i].path, "/err500") == 0)
			assert_string_equal(body_of(resp), "<p>app page</p>");
		if (strcmp(cases[i].path, "/badlen") == 0) {
			assert_non_null(strstr(resp,
			    "\r\nContent-Length: 5\r\n"));
			assert_string_equal(body_of(resp), "short");
		}
		if (strcmp(cases[i].path, "/big") == 0) {
			assert_non_null(strstr(resp,
			    "\r\nContent-Length: 300000\r\n"));
			assert_int_equal(strlen(body_of(resp)), 300000);
		}
		/* A CR inside a CGI header never reaches the client. */
		assert_null(strstr(resp, "X-Bad"));
	}
	assert_int_equal(stop_server(), 0);
	read_log(log, sizeof(log));
	assert_non_null(strstr(log, "killed by signal 11"));
	assert_non_null(strstr(log, "the CGI child wrote nothing"));
	assert_non_null(strstr(log, "exited with status 3"));
	assert_non_null(strstr(log, "no complete header block"));
	assert_non_null(strstr(log, "control character in a CGI header"));
	assert_non_null(strstr(log, "bad CGI Status header"));
	assert_non_null(strstr(log, "Content-Length (99) differs"));
	assert_non_null(strstr(log, "\"GET /crash HTTP/1.1\" 502 "));
}

static void
test_head_http10_and_continue(void **state)
{
	char resp[8192], want[128];
	const char *body;
	int fd;

	(void)state;
	start_server(3);
	/* HEAD: the headers only. */
	exchange_str("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	assert_string_equal(body_of(resp), "");
	assert_null(strstr(resp, "Content-Length"));

	/* HTTP/1.0 without Host: SERVER_NAME is the listening address. */
	exchange_str("GET /old?q HTTP/1.0\r\n\r\n", resp, sizeof(resp));
	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	body = body_of(resp);
	snprintf(want, sizeof(want), "server=127.0.0.1:%u\n", port);
	assert_non_null(strstr(body, want));
	assert_non_null(strstr(body, "host=unset\n"));
	assert_non_null(strstr(body, "len=unset\n"));
	assert_non_null(strstr(body, "proto=HTTP/1.0"));
	assert_non_null(strstr(body, "query=q\n"));

	/* Expect: 100-continue gets an interim answer before the body. */
	fd = connect_to(port);
	assert_true(fd >= 0);
	write_str(fd, "PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
	    "Content-Length: 3\r\n\r\n");
	{
		char interim[64];
		ssize_t r;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		assert_int_equal(poll(&pfd, 1, 5000), 1);
		r = read(fd, interim, 25);
		assert_int_equal(r, 25);
		interim[25] = '\0';
		assert_string_equal(interim, "HTTP/1.1 100 Continue\r\n\r\n");
	}
	write_str(fd, "xyz");
	read_all(fd, resp, sizeof(resp));
	close(fd);
	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	assert_non_null(strstr(body_of(resp), "method=PUT\n"));
	assert_non_null(strstr(body_of(resp), "body=xyz\n"));
	assert_int_equal(stop_server(), 0);
}

/* Run fn with fd 2 sent to the log file; return what it wrote there. */
static int
run_captured(const char *addr, const char *exe, char *out, size_t cap)
{
	int saved = dup(2), fd, rc;

	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	close(fd);
	rc = wk_devserver_run(addr, exe, 1);
	dup2(saved, 2);
	close(saved);
	read_log(out, cap);
	return rc;
}

static void
test_bad_addresses(void **state)
{
	static const char *const bad[] = {
		"nonsense", "127.0.0.1:99999", "127.0.0.1:", ":8000",
		"1.2.3.4.5:80", "example.com:80", "[::1]", "[::1]:x", "::1:80",
		"127.0.0.1:-1", "127.0.0.1:+80", "80a", "1234567",
	};
	char out[2048], want[128];
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	size_t i;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(run_captured(bad[i], script, out, sizeof(out)),
		    1);
		if (strstr(out, "runserver: bad address") == NULL)
			fail_msg("'%s': %s", bad[i], out);
	}
	assert_int_equal(run_captured("8000", "/nonexistent/app", out,
	    sizeof(out)), 1);
	assert_non_null(strstr(out, "runserver: cannot execute "
	    "/nonexistent/app: No such file or directory"));

	/* Port in use. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(sin.sin_port));
	assert_int_equal(run_captured(want, script, out, sizeof(out)), 1);
	close(fd);
	snprintf(want, sizeof(want), "runserver: cannot bind 127.0.0.1:%u: "
	    "Address already in use\n", ntohs(sin.sin_port));
	assert_string_equal(out, want);
}

static void
test_sigterm_stops(void **state)
{
	char resp[4096];

	(void)state;
	start_server(0);
	exchange_str("GET /one HTTP/1.1\r\nHost: x\r\n\r\n", resp,
	    sizeof(resp));
	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	assert_int_equal(kill(server, SIGTERM), 0);
	assert_int_equal(stop_server(), 0);

	start_server(0);
	assert_int_equal(kill(server, SIGINT), 0);
	assert_int_equal(stop_server(), 0);
}

/* An idle connection (a browser's pre-connect) must not block others. */
static void
test_idle_connection_does_not_block(void **state)
{
	char resp[4096];
	int idle;
	struct timespec t0, t1;

	(void)state;
	start_server(2);
	idle = connect_to(port);
	assert_true(idle >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	exchange_str("GET /x HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	/* The idle one then sends its request and is served too. */
	write_str(idle, "GET /y HTTP/1.1\r\nHost: x\r\n\r\n");
	read_all(idle, resp, sizeof(resp));
	close(idle);
	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	assert_int_equal(stop_server(), 0);
}

/* A client that stops sending gets 408 after the 10 s read deadline. */
static void
test_stalled_client_gets_408(void **state)
{
	char resp[4096];
	int a, b;
	struct timespec t0, t1;

	(void)state;
	start_server(2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	a = connect_to(port);
	b = connect_to(port);
	assert_true(a >= 0 && b >= 0);
	write_str(a, "GET /slow HTTP/1.1\r\nHost: x\r\n");
	write_str(b, "POST /slow HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 10\r\n\r\nabc");
	read_all(a, resp, sizeof(resp));
	assert_status(resp, "HTTP/1.1 408 Request Timeout\r\n");
	read_all(b, resp, sizeof(resp));
	assert_status(resp, "HTTP/1.1 408 Request Timeout\r\n");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec >= 9 && t1.tv_sec - t0.tv_sec <= 13);
	close(a);
	close(b);
	assert_int_equal(stop_server(), 0);
}

static void
test_ipv6(void **state)
{
	struct sockaddr_in6 s6;
	char addr[64], resp[4096];
	int fd, i;
	unsigned p;
	socklen_t sl = sizeof(s6);

	(void)state;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_addr = in6addr_loopback;
	if (fd < 0 || bind(fd, (struct sockaddr *)&s6, sizeof(s6)) != 0) {
		if (fd >= 0)
			close(fd);
		skip();
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&s6, &sl), 0);
	p = ntohs(s6.sin6_port);
	close(fd);
	snprintf(addr, sizeof(addr), "[::1]:%u", p);
	(void)unlink(logpath);
	server = fork();
	assert_true(server >= 0);
	if (server == 0) {
		alarm(30);
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(99);
		_exit(wk_devserver_run(addr, script, 1));
	}
	for (i = 0; i < 500; i++) {
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(fd >= 0);
		s6.sin6_port = htons((uint16_t)p);
		if (connect(fd, (struct sockaddr *)&s6, sizeof(s6)) == 0)
			break;
		close(fd);
		fd = -1;
		usleep(10000);
	}
	assert_true(fd >= 0);
	write_str(fd, "GET /six HTTP/1.1\r\nHost: [::1]\r\n\r\n");
	read_all(fd, resp, sizeof(resp));
	close(fd);
	assert_status(resp, "HTTP/1.1 201 Created\r\n");
	assert_non_null(strstr(resp, "remote=::1\n"));
	assert_non_null(strstr(resp, "server=[::1]:"));
	assert_int_equal(stop_server(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_body_and_headers),
		cmocka_unit_test(test_request_errors),
		cmocka_unit_test(test_oversized_and_truncated),
		cmocka_unit_test(test_cgi_failures),
		cmocka_unit_test(test_head_http10_and_continue),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_sigterm_stops),
		cmocka_unit_test(test_idle_connection_does_not_block),
		cmocka_unit_test(test_stalled_client_gets_408),
		cmocka_unit_test(test_ipv6),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
