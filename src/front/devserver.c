/*
 * devserver.c - `APP runserver`, the development HTTP server (devserver.h).
 *
 * The point of this server is that development runs the production code
 * path: every request execs the app's own binary as a CGI child, with the
 * environment and stdin Apache's mod_cgid would give it, and turns the
 * child's CGI output into the HTTP response.  It is deliberately small:
 *
 *   accept loop (this process)
 *     -> one handler process per connection (fork; a browser's idle
 *        pre-connection cannot stall the others; no threads)
 *          read and check the request head and body, with limits and
 *          deadlines -> fork + exec the CGI child -> feed its stdin, collect
 *          its stdout -> write the HTTP response -> log one line -> exit
 *
 * So it is not a front end of the pipeline itself (io.h): its child runs
 * the CGI front end (cgi.c), and this file only speaks HTTP to the browser
 * and CGI to the child, through its own deadline- and signal-aware socket
 * I/O (the stop signals must interrupt every wait).
 *
 * One request per connection; every response says `Connection: close`.
 * Apache's habits are copied where the app could notice them: PATH_INFO is
 * percent-decoded and dot segments removed; an encoded '/' or NUL in the
 * path is a 404 (AllowEncodedSlashes Off); Authorization is not passed
 * (CGIPassAuth Off); header names with characters other than letters,
 * digits and '-' are dropped; the child runs in the binary's directory.
 * The Proxy header is never passed (httpoxy).  Chunked request bodies are
 * refused with 411: send Content-Length.
 *
 * SIGINT and SIGTERM stop the server cleanly.  They are blocked except
 * while waiting in ppoll(), so a signal can never slip in between a check
 * of the stop flag and a blocking call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/front/devserver.h"
#include "wick/core/log.h"
#include "wick/http/response.h"

#define DS_DEFAULT_HOST  "127.0.0.1"
#define DS_DEFAULT_PORT  8000
#define DS_HEAD_MAX      (64 * 1024)          /* request line + headers */
#define DS_LINE_MAX      8190                 /* request line (Apache) */
#define DS_HEADERS_MAX   100                  /* header fields (Apache) */
#define DS_BODY_MAX      ((size_t)16 << 20)   /* request body */
#define DS_OUT_MAX       ((size_t)64 << 20)   /* CGI output */
#define DS_READ_MS       10000                /* head deadline; body idle */
#define DS_CGI_MS        30000                /* whole CGI run */
#define DS_WRITE_MS      30000                /* response to the client */
#define DS_LINGER_MS     2000                 /* drain after an early error */
#define DS_CHILDREN_MAX  32                   /* handler processes at once */
#define DS_ENV_FIXED     24                   /* env slots besides HTTP_* */

/* Set by SIGINT/SIGTERM; checked whenever ppoll() returns. */
static volatile sig_atomic_t ds_stop;
/* The mask to wait with (ours minus the blocked stop signals). */
static sigset_t ds_waitmask;
/* The mask the caller had: given back to the CGI child. */
static sigset_t ds_origmask;

/* Where the server listens. */
struct ds_listen {
	int family;
	char host[64];          /* as typed: "127.0.0.1", "::1" */
	unsigned port;          /* actual port after bind */
	struct sockaddr_storage ss;
	socklen_t sslen;
};

struct ds_header {
	char *name;
	char *value;
};

/* One connection in its handler process. */
struct ds_conn {
	wk_arena *a;
	int fd;
	const struct ds_listen *ls;
	const char *exe;
	char *exe_arg;               /* exe, writable for execve's argv */
	const char *exe_dir;
	char peer[64];
	unsigned peer_port;
	struct timespec start;

	char *head;                  /* DS_HEAD_MAX + 1 bytes */
	size_t head_len;             /* bytes read into head */
	size_t line_off;             /* request line starts here */
	size_t head_end;             /* body starts here (0: not found) */
	char reqline[DS_LINE_MAX + 1]; /* for the log, unmodified */

	const char *method, *target, *version;
	int http11;
	struct ds_header hdr[DS_HEADERS_MAX];
	size_t nhdr;
	const char *host_header;
	const char *content_type;
	int has_length;
	size_t content_length;
	int expect_continue;

	char *path_info;             /* decoded, dot segments removed */
	const char *query;           /* raw, after '?' */

	char *body;                  /* malloc'd, content_length bytes */
	size_t body_len;

	char *out;                   /* CGI output, malloc'd */
	size_t out_len, out_cap;

	pid_t child;                 /* CGI child while it runs, else 0 */
};

/* ---- time and waiting --------------------------------------------------- */

static long long
ds_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait until one of the fds is ready or deadline_ms (ds_now_ms clock) has
 * passed.  Returns >0 ready, 0 timeout, -1 on a stop signal or error.
 * Signals other than the stop signals just restart the wait.
 */
static int
ds_poll(struct pollfd *pfd, nfds_t n, long long deadline_ms)
{
	struct timespec ts;
	long long left;
	int r;

	for (;;) {
		if (ds_stop)
			return -1;
		left = deadline_ms - ds_now_ms();
		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		r = ppoll(pfd, n, &ts, &ds_waitmask);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -1;
	}
}

static void
ds_on_stop(int sig)
{
	(void)sig;
	ds_stop = 1;
}

static void
ds_on_child(int sig)
{
	(void)sig;
}

/* ---- logging ------------------------------------------------------------ */

/* One access-log line: peer "request line" status bytes time. */
static void
ds_log_access(const struct ds_conn *c, int status, size_t bytes)
{
	char esc[DS_LINE_MAX * 4 + 1];
	char line[sizeof(esc) + 200];
	struct timespec now;
	double ms;
	int n;
	ssize_t w;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - c->start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - c->start.tv_nsec) / 1e6;
	wk_log_escape(esc, sizeof(esc), c->reqline, strlen(c->reqline));
	n = snprintf(line, sizeof(line), "%s \"%s\" %d %zu %.1fms\n", c->peer,
	    esc[0] != '\0' ? esc : "-", status, bytes, ms);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		/* Cannot happen with the sizes above; keep the line whole. */
		line[sizeof(line) - 2] = '\n';
		n = (int)sizeof(line) - 1;
	}
	w = write(2, line, (size_t)n);
	(void)w;
}

/* A problem worth a line of its own (CGI crashed, timed out...). */
static void
ds_log_problem(const struct ds_conn *c, const char *what)
{
	char esc[DS_LINE_MAX * 4 + 1];

	wk_log_escape(esc, sizeof(esc), c->reqline, strlen(c->reqline));
	wk_log(NULL, WK_LOG_ERROR, "runserver: \"%s\": %s", esc, what);
}

/* ---- writing to the client ---------------------------------------------- */

static int
ds_write_all(int fd, const char *p, size_t n, long long deadline)
{
	struct pollfd pfd;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			return -1;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (ds_poll(&pfd, 1, deadline) <= 0)
			return -1;
	}
	return 0;
}

/*
 * After an early answer the client may still be sending: closing with
 * unread data makes the kernel send a reset that can destroy our answer.
 * Half-close, then read and discard for a short while (Apache's lingering
 * close).
 */
static void
ds_linger(int fd)
{
	char sink[4096];
	struct pollfd pfd;
	long long deadline = ds_now_ms() + DS_LINGER_MS;
	ssize_t r;

	if (shutdown(fd, SHUT_WR) != 0)
		return;
	for (;;) {
		r = read(fd, sink, sizeof(sink));
		if (r == 0 || (r < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR))
			return;
		if (r > 0)
			continue;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (ds_poll(&pfd, 1, deadline) <= 0)
			return;
	}
}

/* An answer made by the server itself (4xx/5xx): a short text page. */
static void
ds_send_error(struct ds_conn *c, int status, const char *message)
{
	char body[512], head[512];
	int bn, hn;
	long long deadline = ds_now_ms() + DS_WRITE_MS;
	int is_head = c->method != NULL && strcmp(c->method, "HEAD") == 0;

	bn = snprintf(body, sizeof(body), "%d %s\n\n%s\n", status,
	    wk_status_reason(status), message);
	if (bn < 0 || (size_t)bn >= sizeof(body))
		bn = snprintf(body, sizeof(body), "%d\n", status);
	hn = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %d\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Connection: close\r\n\r\n", status, wk_status_reason(status), bn);
	if (bn < 0 || hn < 0 || (size_t)hn >= sizeof(head))
		return;
	if (ds_write_all(c->fd, head, (size_t)hn, deadline) == 0 && !is_head)
		(void)ds_write_all(c->fd, body, (size_t)bn, deadline);
	ds_log_access(c, status, is_head ? 0 : (size_t)bn);
	ds_linger(c->fd);
}

/* ---- reading and checking the request ----------------------------------- */

/* RFC 9110 tchar: what a method or header name may contain. */
static int
ds_is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') ||
	    (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int
ds_is_alnum(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9');
}

/*
 * Find the blank line that ends the head, searching from byte from.
 * Returns the offset just past it, or 0 when not (yet) there.
 */
static size_t
ds_find_head_end(const char *b, size_t len, size_t from)
{
	size_t k;

	for (k = from; k < len; k++) {
		if (b[k] != '\n')
			continue;
		if (k + 1 < len && b[k + 1] == '\n')
			return k + 2;
		if (k + 2 < len && b[k + 1] == '\r' && b[k + 2] == '\n')
			return k + 3;
	}
	return 0;
}

/*
 * Read until the end of the head.  Returns 0, or an HTTP status to answer
 * with (408, 431), or -1 when the client went away or we are stopping.
 */
static int
ds_read_head(struct ds_conn *c)
{
	long long deadline = ds_now_ms() + DS_READ_MS;
	struct pollfd pfd;
	size_t from;
	ssize_t r;
	int pr;

	for (;;) {
		if (c->head_len >= DS_HEAD_MAX)
			return 431;
		r = read(c->fd, c->head + c->head_len,
		    DS_HEAD_MAX - c->head_len);
		if (r == 0)
			return -1;
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				return -1;
			pfd.fd = c->fd;
			pfd.events = POLLIN;
			pr = ds_poll(&pfd, 1, deadline);
			if (pr < 0)
				return -1;
			if (pr == 0)
				return c->head_len > 0 ? 408 : -1;
			continue;
		}
		from = c->head_len > 2 ? c->head_len - 2 : 0;
		c->head_len += (size_t)r;
		/* Empty lines before the request line are ignored. */
		while (c->line_off < c->head_len &&
		    (c->head[c->line_off] == '\r' ||
		    c->head[c->line_off] == '\n'))
			c->line_off++;
		if (from < c->line_off)
			from = c->line_off;
		c->head_end = ds_find_head_end(c->head, c->head_len, from);
		if (c->head_end != 0)
			return 0;
	}
}

/* Split off the next line at *p (strip CR LF); NULL at the end. */
static char *
ds_next_line(char **p, char *end)
{
	char *line = *p, *nl;
	size_t n;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl == NULL)
		nl = end;
	n = (size_t)(nl - line);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	*p = nl < end ? nl + 1 : end;
	return line;
}

/* Parse the request line in place.  0 or an HTTP status. */
static int
ds_parse_request_line(struct ds_conn *c, char *line)
{
	char *sp1, *sp2, *p;
	size_t n = strlen(line);

	if (n > DS_LINE_MAX)
		return 414;
	memcpy(c->reqline, line, n + 1);
	sp1 = strchr(line, ' ');
	if (sp1 == NULL)
		return 400;
	sp2 = strchr(sp1 + 1, ' ');
	if (sp2 == NULL || strchr(sp2 + 1, ' ') != NULL)
		return 400;
	*sp1 = '\0';
	*sp2 = '\0';
	c->method = line;
	c->target = sp1 + 1;
	c->version = sp2 + 1;
	if (c->method[0] == '\0')
		return 400;
	for (p = line; *p != '\0'; p++)
		if (!ds_is_tchar((unsigned char)*p))
			return 400;
	if (c->target[0] != '/')
		return 400;
	for (p = sp1 + 1; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 400;
	if (strcmp(c->version, "HTTP/1.1") == 0)
		c->http11 = 1;
	else if (strcmp(c->version, "HTTP/1.0") != 0)
		return strncmp(c->version, "HTTP/", 5) == 0 ? 505 : 400;
	return 0;
}

/* Parse the header lines in place.  0 or an HTTP status (msg set). */
static int
ds_parse_headers(struct ds_conn *c, char *p, char *end, const char **msg)
{
	char *line, *colon, *v, *e, *q;
	size_t i;
	unsigned long long cl;
	const char *name;

	while ((line = ds_next_line(&p, end)) != NULL) {
		if (line[0] == '\0')
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			*msg = "Folded header lines are not allowed.";
			return 400;
		}
		colon = strchr(line, ':');
		if (colon == NULL || colon == line) {
			*msg = "Malformed header line.";
			return 400;
		}
		*colon = '\0';
		for (q = line; *q != '\0'; q++)
			if (!ds_is_tchar((unsigned char)*q)) {
				*msg = "Malformed header name.";
				return 400;
			}
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		e = v + strlen(v);
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		for (q = v; *q != '\0'; q++)
			if (((unsigned char)*q < 0x20 && *q != '\t') ||
			    (unsigned char)*q == 0x7f) {
				*msg = "Control character in a header value.";
				return 400;
			}
		if (c->nhdr >= DS_HEADERS_MAX) {
			*msg = "Too many header fields.";
			return 431;
		}
		c->hdr[c->nhdr].name = line;
		c->hdr[c->nhdr].value = v;
		c->nhdr++;
	}

	for (i = 0; i < c->nhdr; i++) {
		name = c->hdr[i].name;
		v = c->hdr[i].value;
		if (strcasecmp(name, "Host") == 0) {
			if (c->host_header != NULL) {
				*msg = "More than one Host header.";
				return 400;
			}
			c->host_header = v;
		} else if (strcasecmp(name, "Content-Length") == 0) {
			if (v[0] == '\0' || strspn(v, "0123456789") !=
			    strlen(v)) {
				*msg = "Content-Length is not a number.";
				return 400;
			}
			cl = 0;
			for (q = v; *q != '\0'; q++) {
				cl = cl * 10 + (unsigned)(*q - '0');
				if (cl > DS_BODY_MAX) {
					*msg = "The request body is larger "
					    "than runserver accepts (16 MiB).";
					return 413;
				}
			}
			if (c->has_length && c->content_length != cl) {
				*msg = "Conflicting Content-Length headers.";
				return 400;
			}
			c->has_length = 1;
			c->content_length = (size_t)cl;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			if (strcasestr(v, "chunked") != NULL) {
				*msg = "runserver does not accept chunked "
				    "request bodies; send Content-Length.";
				return 411;
			}
			*msg = "Unsupported Transfer-Encoding.";
			return 501;
		} else if (strcasecmp(name, "Content-Type") == 0) {
			c->content_type = v;
		} else if (strcasecmp(name, "Expect") == 0) {
			if (strcasecmp(v, "100-continue") != 0) {
				*msg = "Unsupported expectation.";
				return 417;
			}
			c->expect_continue = 1;
		}
	}
	if (c->http11 && c->host_header == NULL) {
		*msg = "HTTP/1.1 requests need a Host header.";
		return 400;
	}
	return 0;
}

static int
ds_hex(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/*
 * PATH_INFO as Apache makes it: percent-decode (an encoded '/' or NUL is a
 * 404, a broken escape a 400), then remove "." and ".." segments.
 */
static int
ds_decode_path(struct ds_conn *c, const char *raw, size_t n)
{
	char *dec, *out;
	size_t i, o = 0, j, d = 0;
	int hi, lo;

	if (n > SIZE_MAX - 2)
		return 414;
	dec = wk_arena_alloc(c->a, n + 2);
	out = wk_arena_alloc(c->a, n + 2);
	if (dec == NULL || out == NULL)
		return 500;
	for (i = 0; i < n; i++) {
		if (raw[i] != '%') {
			dec[d++] = raw[i];
			continue;
		}
		if (i + 2 >= n)
			return 400;
		hi = ds_hex((unsigned char)raw[i + 1]);
		lo = ds_hex((unsigned char)raw[i + 2]);
		if (hi < 0 || lo < 0)
			return 400;
		dec[d] = (char)(hi * 16 + lo);
		if (dec[d] == '/' || dec[d] == '\0')
			return 404;
		d++;
		i += 2;
	}
	/* Remove dot segments (RFC 3986 5.2.4); dec starts with '/'. */
	i = 0;
	while (i < d) {
		j = i + 1;
		while (j < d && dec[j] != '/')
			j++;
		if (j - i == 2 && dec[i + 1] == '.') {
			if (j == d)
				out[o++] = '/';
		} else if (j - i == 3 && dec[i + 1] == '.' &&
		    dec[i + 2] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (j == d)
				out[o++] = '/';
		} else {
			memcpy(out + o, dec + i, j - i);
			o += j - i;
		}
		i = j;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	c->path_info = out;
	return 0;
}

/* Read the rest of the body.  0, an HTTP status, or -1 (client gone). */
static int
ds_read_body(struct ds_conn *c)
{
	size_t have = c->head_len - c->head_end;
	long long deadline;
	struct pollfd pfd;
	ssize_t r;
	int pr;
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

	c->body_len = c->content_length;
	if (c->content_length == 0)
		return 0;
	c->body = malloc(c->content_length);
	if (c->body == NULL)
		return 500;
	if (have > c->content_length)
		have = c->content_length;
	memcpy(c->body, c->head + c->head_end, have);
	if (have < c->content_length && c->expect_continue && c->http11 &&
	    ds_write_all(c->fd, cont, sizeof(cont) - 1, ds_now_ms() +
	    DS_WRITE_MS) != 0)
		return -1;
	deadline = ds_now_ms() + DS_READ_MS;
	while (have < c->content_length) {
		r = read(c->fd, c->body + have, c->content_length - have);
		if (r > 0) {
			have += (size_t)r;
			deadline = ds_now_ms() + DS_READ_MS;
			continue;
		}
		if (r == 0)
			return -1;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		pr = ds_poll(&pfd, 1, deadline);
		if (pr < 0)
			return -1;
		if (pr == 0)
			return 408;
	}
	return 0;
}

/* ---- the CGI environment ------------------------------------------------ */

/* Request headers Apache never passes as HTTP_* (or passes elsewhere). */
static const char *const ds_hidden_headers[] = {
	"Content-Type",          /* CONTENT_TYPE */
	"Content-Length",        /* CONTENT_LENGTH */
	"Authorization",         /* CGIPassAuth Off */
	"Proxy-Authorization",
	"Proxy",                 /* httpoxy: HTTP_PROXY would be trusted */
	NULL
};

/* Server environment passed through to the child (when set). */
static const char *const ds_passed_env[] = {
	"WICK_CONFIG", "TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
	NULL
};

static int
ds_header_hidden(const char *name)
{
	const char *const *h;
	const char *q;

	for (h = ds_hidden_headers; *h != NULL; h++)
		if (strcasecmp(name, *h) == 0)
			return 1;
	/* Apache drops names that would map ambiguously (X_Foo vs X-Foo). */
	for (q = name; *q != '\0'; q++)
		if (!ds_is_alnum((unsigned char)*q) && *q != '-')
			return 1;
	return 0;
}

/* SERVER_NAME: the Host header without its port, else the listen host. */
static const char *
ds_server_name(struct ds_conn *c)
{
	const char *h = c->host_header, *colon;

	if (h == NULL || h[0] == '\0')
		return c->ls->host;
	if (h[0] == '[') {
		colon = strchr(h, ']');
		return colon != NULL ? wk_arena_strndup(c->a, h,
		    (size_t)(colon - h + 1)) : h;
	}
	colon = strchr(h, ':');
	return colon != NULL ? wk_arena_strndup(c->a, h, (size_t)(colon - h)) :
	    h;
}

/*
 * Build the child's environment.  Returns a NULL-terminated array in the
 * arena, or NULL when out of memory.
 */
static char **
ds_build_env(struct ds_conn *c)
{
	char **env;
	size_t n = 0, i, k, cap = DS_ENV_FIXED + DS_HEADERS_MAX + 1;
	const char *const *p;
	const char *v, *server_name;
	wk_buf b;
	char *q;

	env = wk_arena_calloc(c->a, cap, sizeof(*env));
	server_name = ds_server_name(c);
	if (env == NULL || server_name == NULL)
		return NULL;
#define DS_ENV(...) do { \
		if ((env[n++] = wk_arena_printf(c->a, __VA_ARGS__)) == NULL) \
			return NULL; \
	} while (0)
	DS_ENV("GATEWAY_INTERFACE=CGI/1.1");
	DS_ENV("SERVER_PROTOCOL=%s", c->version);
	DS_ENV("SERVER_SOFTWARE=wick-runserver");
	DS_ENV("SERVER_NAME=%s", server_name);
	DS_ENV("SERVER_ADDR=%s", c->ls->host);
	DS_ENV("SERVER_PORT=%u", c->ls->port);
	DS_ENV("REQUEST_SCHEME=http");
	DS_ENV("REQUEST_METHOD=%s", c->method);
	DS_ENV("REQUEST_URI=%s", c->target);
	DS_ENV("SCRIPT_NAME=");
	DS_ENV("SCRIPT_FILENAME=%s", c->exe);
	DS_ENV("PATH_INFO=%s", c->path_info);
	DS_ENV("QUERY_STRING=%s", c->query);
	DS_ENV("REMOTE_ADDR=%s", c->peer);
	DS_ENV("REMOTE_PORT=%u", c->peer_port);
	if (c->content_type != NULL)
		DS_ENV("CONTENT_TYPE=%s", c->content_type);
	if (c->has_length)
		DS_ENV("CONTENT_LENGTH=%zu", c->content_length);
	v = getenv("PATH");
	DS_ENV("PATH=%s", v != NULL && v[0] != '\0' ? v :
	    "/usr/local/bin:/usr/bin:/bin");
	for (p = ds_passed_env; *p != NULL; p++)
		if ((v = getenv(*p)) != NULL)
			DS_ENV("%s=%s", *p, v);

	/* HTTP_*: repeated fields are joined (cookies with "; "). */
	for (i = 0; i < c->nhdr; i++) {
		if (ds_header_hidden(c->hdr[i].name))
			continue;
		for (k = 0; k < i; k++)
			if (strcasecmp(c->hdr[k].name, c->hdr[i].name) == 0)
				break;
		if (k < i)
			continue;       /* joined into the first one */
		wk_buf_init(&b, c->a);
		wk_buf_puts(&b, "HTTP_");
		for (v = c->hdr[i].name; *v != '\0'; v++)
			wk_buf_putc(&b, *v == '-' ? '_' :
			    (*v >= 'a' && *v <= 'z') ? (char)(*v - 32) : *v);
		wk_buf_putc(&b, '=');
		wk_buf_puts(&b, c->hdr[i].value);
		for (k = i + 1; k < c->nhdr; k++)
			if (strcasecmp(c->hdr[k].name, c->hdr[i].name) == 0) {
				wk_buf_puts(&b, strcasecmp(c->hdr[i].name,
				    "Cookie") == 0 ? "; " : ", ");
				wk_buf_puts(&b, c->hdr[k].value);
			}
		if (b.failed || b.data == NULL)
			return NULL;
		q = b.data;
		env[n++] = q;
	}
#undef DS_ENV
	env[n] = NULL;
	return env;
}

/* ---- running the CGI child ---------------------------------------------- */

static int
ds_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

/* In the child: become the CGI program.  Never returns. */
static void
ds_exec_child(struct ds_conn *c, int in_fd, int out_fd, char **env)
{
	static const int sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGCHLD };
	struct sigaction sa;
	char *argv[2];
	size_t i;
	ssize_t w;
	static const char fail[] = "runserver: cannot exec the app binary\n";

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
	(void)sigprocmask(SIG_SETMASK, &ds_origmask, NULL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0)
		_exit(127);
	/* Apache runs CGI programs in their own directory. */
	if (c->exe_dir != NULL && chdir(c->exe_dir) != 0)
		_exit(127);
	argv[0] = c->exe_arg;
	argv[1] = NULL;
	execve(c->exe, argv, env);
	w = write(2, fail, sizeof(fail) - 1);
	(void)w;
	_exit(127);
}

/* Append n bytes of CGI output; -1 past DS_OUT_MAX or out of memory. */
static int
ds_out_append(struct ds_conn *c, const char *p, size_t n)
{
	size_t need, cap;
	char *nb;

	if (n > DS_OUT_MAX - c->out_len)
		return -1;
	need = c->out_len + n;
	if (need > c->out_cap) {
		cap = c->out_cap == 0 ? 16384 : c->out_cap;
		while (cap < need)
			cap *= 2;
		nb = realloc(c->out, cap);
		if (nb == NULL)
			return -1;
		c->out = nb;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return 0;
}

/* Kill the CGI child (if any) and collect it. */
static void
ds_kill_child(struct ds_conn *c)
{
	if (c->child <= 0)
		return;
	(void)kill(c->child, SIGKILL);
	while (waitpid(c->child, NULL, 0) < 0 && errno == EINTR)
		;
	c->child = 0;
}

/*
 * Run the CGI child: body to its stdin, stdout into c->out.  Returns 0
 * with *wstatus set, or an HTTP status (502, 504, 500) with *why set, or
 * -1 when stopping.
 */
static int
ds_run_cgi(struct ds_conn *c, char **env, int *wstatus, const char **why)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	struct pollfd pfd[2];
	long long deadline = ds_now_ms() + DS_CGI_MS;
	size_t sent = 0;
	char chunk[16384];
	ssize_t r;
	int rc = 500, pr, out_open = 1;
	nfds_t np;
	pid_t w;

	*why = "cannot start the CGI child";
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		goto done;
	c->child = fork();
	if (c->child < 0) {
		c->child = 0;
		goto done;
	}
	if (c->child == 0)
		ds_exec_child(c, in[0], out[1], env);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	if (ds_set_nonblock(in[1]) != 0 || ds_set_nonblock(out[0]) != 0)
		goto done;
	if (c->body_len == 0) {
		close(in[1]);
		in[1] = -1;
	}
	while (out_open) {
		np = 0;
		pfd[np].fd = out[0];
		pfd[np].events = POLLIN;
		np++;
		if (in[1] >= 0) {
			pfd[np].fd = in[1];
			pfd[np].events = POLLOUT;
			np++;
		}
		pr = ds_poll(pfd, np, deadline);
		if (pr < 0) {
			rc = -1;
			goto done;
		}
		if (pr == 0) {
			rc = 504;
			*why = "the CGI child took longer than 30 s (killed)";
			goto done;
		}
		if (np == 2 && pfd[1].revents != 0) {
			r = write(in[1], c->body + sent, c->body_len - sent);
			if (r > 0)
				sent += (size_t)r;
			/* EPIPE: the child did not want the body; fine. */
			if ((r < 0 && errno != EAGAIN && errno != EINTR) ||
			    sent == c->body_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (pfd[0].revents != 0) {
			r = read(out[0], chunk, sizeof(chunk));
			if (r == 0) {
				out_open = 0;
			} else if (r > 0) {
				if (ds_out_append(c, chunk, (size_t)r) != 0) {
					rc = 502;
					*why = "the CGI output is larger than "
					    "64 MiB (killed)";
					goto done;
				}
			} else if (errno != EAGAIN && errno != EINTR) {
				rc = 502;
				*why = "cannot read the CGI output";
				goto done;
			}
		}
	}
	/* Output closed: the child should be exiting; don't wait forever. */
	for (;;) {
		w = waitpid(c->child, wstatus, WNOHANG);
		if (w == c->child) {
			c->child = 0;
			rc = 0;
			break;
		}
		if (w < 0 && errno != EINTR) {
			rc = 502;
			*why = "lost the CGI child";
			c->child = 0;
			break;
		}
		if (ds_stop) {
			rc = -1;
			break;
		}
		if (ds_now_ms() >= deadline) {
			rc = 504;
			*why = "the CGI child did not exit after closing its "
			    "output (killed)";
			break;
		}
		pr = ds_poll(NULL, 0, ds_now_ms() + 5);
		(void)pr;
	}
done:
	ds_kill_child(c);
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	return rc;
}

/* ---- turning CGI output into an HTTP response --------------------------- */

/* CGI response headers that this server sets itself. */
static const char *const ds_dropped_response_headers[] = {
	"Status", "Connection", "Content-Length", "Transfer-Encoding",
	"Keep-Alive", NULL
};

static int
ds_dropped(const char *name, size_t n)
{
	const char *const *h;

	for (h = ds_dropped_response_headers; *h != NULL; h++)
		if (strlen(*h) == n && strncasecmp(name, *h, n) == 0)
			return 1;
	return 0;
}

/* One header line of the CGI output. */
struct ds_cgi_header {
	const char *name;
	size_t n;
	const char *value;
};

/*
 * Parse the CGI header block and write the HTTP response.  Returns the
 * status sent, or -1 with *why set when the output is not a CGI response
 * (nothing is written then).
 */
static int
ds_respond(struct ds_conn *c, const char **why, size_t *sent_bytes)
{
	struct ds_cgi_header hv[DS_HEADERS_MAX];
	char *p = c->out, *end, *line, *colon, *v, *q;
	size_t body_off, i, n, nh = 0, cgi_len = 0;
	int status = 0, has_location = 0, has_cgi_len = 0, is_head;
	const char *reason = NULL;
	char date[64], msg[160];
	struct tm tm;
	time_t now;
	wk_buf h;
	long long deadline = ds_now_ms() + DS_WRITE_MS;

	if (c->out_len > 0 && (c->out[0] == '\n' || (c->out_len > 1 &&
	    c->out[0] == '\r' && c->out[1] == '\n'))) {
		*why = "the CGI output starts with a blank line (no headers)";
		return -1;
	}
	body_off = ds_find_head_end(c->out, c->out_len, 0);
	if (body_off == 0) {
		*why = c->out_len == 0 ? "the CGI child wrote nothing" :
		    "the CGI output has no complete header block";
		return -1;
	}
	end = c->out + body_off;
	while ((line = ds_next_line(&p, end)) != NULL && line[0] != '\0') {
		colon = strchr(line, ':');
		if (colon == NULL || colon == line) {
			*why = "malformed CGI header line";
			return -1;
		}
		for (q = line; q < colon; q++)
			if (!ds_is_tchar((unsigned char)*q)) {
				*why = "malformed CGI header name";
				return -1;
			}
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		for (q = v; *q != '\0'; q++)
			if (((unsigned char)*q < 0x20 && *q != '\t') ||
			    (unsigned char)*q == 0x7f) {
				*why = "control character in a CGI header";
				return -1;
			}
		if (nh >= DS_HEADERS_MAX) {
			*why = "more than 100 CGI header lines";
			return -1;
		}
		n = (size_t)(colon - line);
		hv[nh].name = line;
		hv[nh].n = n;
		hv[nh].value = v;
		nh++;
		if (n == 6 && strncasecmp(line, "Status", 6) == 0) {
			if (!(v[0] >= '1' && v[0] <= '5' && v[1] >= '0' &&
			    v[1] <= '9' && v[2] >= '0' && v[2] <= '9' &&
			    (v[3] == '\0' || v[3] == ' '))) {
				*why = "bad CGI Status header";
				return -1;
			}
			status = (v[0] - '0') * 100 + (v[1] - '0') * 10 +
			    (v[2] - '0');
			reason = v[3] == ' ' && v[4] != '\0' ? v + 4 : NULL;
		} else if (n == 8 && strncasecmp(line, "Location", 8) == 0) {
			has_location = 1;
		} else if (n == 14 &&
		    strncasecmp(line, "Content-Length", 14) == 0) {
			if (v[0] < '0' || v[0] > '9') {
				*why = "bad CGI Content-Length header";
				return -1;
			}
			has_cgi_len = 1;
			cgi_len = (size_t)strtoull(v, NULL, 10);
		}
	}
	if (status == 0)
		status = has_location ? 302 : 200;
	if (reason == NULL)
		reason = wk_status_reason(status);
	is_head = strcmp(c->method, "HEAD") == 0;

	wk_buf_init(&h, c->a);
	wk_buf_printf(&h, "HTTP/1.1 %d %s\r\n", status, reason);
	now = time(NULL);
	if (gmtime_r(&now, &tm) != NULL && strftime(date, sizeof(date),
	    "%a, %d %b %Y %H:%M:%S GMT", &tm) != 0)
		wk_buf_printf(&h, "Date: %s\r\n", date);
	for (i = 0; i < nh; i++) {
		if (ds_dropped(hv[i].name, hv[i].n))
			continue;
		wk_buf_append(&h, hv[i].name, hv[i].n);
		wk_buf_puts(&h, ": ");
		wk_buf_puts(&h, hv[i].value);
		wk_buf_puts(&h, "\r\n");
	}
	n = c->out_len - body_off;
	if (is_head) {
		/* The app sent no body; its length header stays. */
		if (has_cgi_len)
			wk_buf_printf(&h, "Content-Length: %zu\r\n", cgi_len);
	} else {
		if (has_cgi_len && cgi_len != n) {
			if (snprintf(msg, sizeof(msg), "the CGI Content-Length "
			    "(%zu) differs from its body (%zu bytes); sent the "
			    "body's", cgi_len, n) < (int)sizeof(msg))
				ds_log_problem(c, msg);
		}
		wk_buf_printf(&h, "Content-Length: %zu\r\n", n);
	}
	wk_buf_puts(&h, "Connection: close\r\n\r\n");
	if (h.failed) {
		*why = "out of memory";
		return -1;
	}
	*sent_bytes = 0;
	if (ds_write_all(c->fd, h.data, h.len, deadline) != 0)
		return status;
	if (!is_head && n > 0) {
		if (ds_write_all(c->fd, c->out + body_off, n, deadline) != 0)
			return status;
		*sent_bytes = n;
	}
	return status;
}

/* ---- one connection ----------------------------------------------------- */

static void
ds_describe_exit(char *dst, size_t n, int ws)
{
	int r;

	if (WIFSIGNALED(ws))
		r = snprintf(dst, n, "the CGI child was killed by signal %d "
		    "(%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	else
		r = snprintf(dst, n, "the CGI child exited with status %d",
		    WEXITSTATUS(ws));
	if (r < 0 && n > 0)
		dst[0] = '\0';
}

/* The handler process: serve connection fd, then return. */
static void
ds_handle(int fd, const struct ds_listen *ls, const char *exe,
    const char *exe_dir, const struct sockaddr_storage *peer)
{
	struct ds_conn c;
	wk_arena arena;
	char *p, *end, *line, **env, *qm;
	const char *msg = "Bad request.", *why = NULL;
	char detail[256];
	int st, ws = 0;
	size_t sent = 0;

	memset(&c, 0, sizeof(c));
	wk_arena_init(&arena);
	c.a = &arena;
	c.fd = fd;
	c.ls = ls;
	c.exe = exe;
	c.exe_dir = exe_dir;
	clock_gettime(CLOCK_MONOTONIC, &c.start);
	if (peer->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)peer;
		inet_ntop(AF_INET6, &s6->sin6_addr, c.peer, sizeof(c.peer));
		c.peer_port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)peer;
		inet_ntop(AF_INET, &s4->sin_addr, c.peer, sizeof(c.peer));
		c.peer_port = ntohs(s4->sin_port);
	}
	c.head = wk_arena_alloc(&arena, DS_HEAD_MAX + 1);
	if (c.head == NULL)
		goto out;

	st = ds_read_head(&c);
	if (st < 0)
		goto out;
	if (st == 431) {
		ds_send_error(&c, 431, "The request head is larger than "
		    "64 KiB.");
		goto out;
	}
	if (st != 0) {
		ds_send_error(&c, st, "The request head did not arrive in "
		    "time.");
		goto out;
	}
	p = c.head + c.line_off;
	end = c.head + c.head_end;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
		ds_send_error(&c, 400, "NUL byte in the request head.");
		goto out;
	}
	line = ds_next_line(&p, end);
	st = ds_parse_request_line(&c, line);
	if (st != 0) {
		ds_send_error(&c, st, st == 414 ? "The request line is too "
		    "long." : st == 505 ? "Only HTTP/1.0 and HTTP/1.1 are "
		    "supported." : "Malformed request line.");
		goto out;
	}
	st = ds_parse_headers(&c, p, end, &msg);
	if (st != 0) {
		ds_send_error(&c, st, msg);
		goto out;
	}
	qm = strchr(c.target, '?');
	c.query = qm != NULL ? qm + 1 : "";
	st = ds_decode_path(&c, c.target, qm != NULL ?
	    (size_t)(qm - c.target) : strlen(c.target));
	if (st != 0) {
		ds_send_error(&c, st, st == 404 ? "The path contains an "
		    "encoded '/' or NUL (%2F, %00)." : st == 400 ?
		    "Bad percent-encoding in the path." : "Cannot decode the "
		    "path.");
		goto out;
	}
	st = ds_read_body(&c);
	if (st < 0)
		goto out;
	if (st != 0) {
		ds_send_error(&c, st, st == 408 ? "The request body did not "
		    "arrive in time." : "Cannot read the request body.");
		goto out;
	}
	env = ds_build_env(&c);
	c.exe_arg = wk_arena_strdup(&arena, exe);
	if (env == NULL || c.exe_arg == NULL) {
		ds_send_error(&c, 500, "runserver is out of memory.");
		goto out;
	}
	st = ds_run_cgi(&c, env, &ws, &why);
	if (st < 0)
		goto out;
	if (st == 0 && WIFSIGNALED(ws)) {
		ds_describe_exit(detail, sizeof(detail), ws);
		why = detail;
		st = 502;
	}
	if (st == 0) {
		why = NULL;
		st = ds_respond(&c, &why, &sent);
	}
	if (st < 0) {
		st = 502;
		if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0) {
			ds_describe_exit(detail, sizeof(detail), ws);
			if (strlen(detail) + strlen(why) + 3 < sizeof(detail)) {
				size_t dl = strlen(detail);
				snprintf(detail + dl, sizeof(detail) - dl,
				    "; %s", why);
			}
			why = detail;
		}
	}
	if (why != NULL && st >= 500) {
		ds_log_problem(&c, why);
		ds_send_error(&c, st, st == 504 ? "The app did not answer in "
		    "time; see the server log." : "The app did not produce a "
		    "valid response; see the server log.");
		goto out;
	}
	ds_log_access(&c, st, sent);
out:
	ds_kill_child(&c);
	free(c.body);
	free(c.out);
	wk_arena_free(&arena);
	close(fd);
}

/* ---- the listening socket and the accept loop --------------------------- */

/* Parse "HOST:PORT", "PORT" or NULL into ls.  0 or -1. */
static int
ds_parse_addr(const char *addr, struct ds_listen *ls)
{
	const char *host = DS_DEFAULT_HOST, *port = NULL, *colon;
	char hostbuf[64];
	unsigned long pn = DS_DEFAULT_PORT;
	size_t hl;
	char *endp;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ls->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ls->ss;

	memset(ls, 0, sizeof(*ls));
	if (addr != NULL && addr[0] != '\0') {
		if (addr[0] == '[') {
			colon = strchr(addr, ']');
			if (colon == NULL || colon[1] != ':')
				return -1;
			hl = (size_t)(colon - addr - 1);
			if (hl == 0 || hl >= sizeof(hostbuf))
				return -1;
			memcpy(hostbuf, addr + 1, hl);
			hostbuf[hl] = '\0';
			host = hostbuf;
			port = colon + 2;
		} else if ((colon = strrchr(addr, ':')) != NULL) {
			hl = (size_t)(colon - addr);
			if (hl == 0 || hl >= sizeof(hostbuf) ||
			    memchr(addr, ':', hl) != NULL)
				return -1;
			memcpy(hostbuf, addr, hl);
			hostbuf[hl] = '\0';
			host = hostbuf;
			port = colon + 1;
		} else {
			port = addr;
		}
		if (port[0] < '0' || port[0] > '9')
			return -1;
		errno = 0;
		pn = strtoul(port, &endp, 10);
		if (errno != 0 || *endp != '\0' || pn > 65535 ||
		    strlen(port) > 5)
			return -1;
	}
	if (strcmp(host, "localhost") == 0)
		host = DS_DEFAULT_HOST;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		ls->family = AF_INET;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)pn);
		ls->sslen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		ls->family = AF_INET6;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)pn);
		ls->sslen = sizeof(*s6);
	} else {
		return -1;
	}
	if (strlen(host) >= sizeof(ls->host))
		return -1;
	memcpy(ls->host, host, strlen(host) + 1);
	ls->port = (unsigned)pn;
	return 0;
}

/* "127.0.0.1:8000" or "[::1]:8000" for messages. */
static void
ds_format_addr(const struct ds_listen *ls, char *dst, size_t n)
{
	int r = snprintf(dst, n, ls->family == AF_INET6 ? "[%s]:%u" :
	    "%s:%u", ls->host, ls->port);

	if (r < 0 || (size_t)r >= n)
		snprintf(dst, n, "?");
}

static int
ds_open_listener(struct ds_listen *ls)
{
	int fd, one = 1, saved;
	char where[96];
	struct sockaddr_storage got;
	socklen_t gl = sizeof(got);

	ds_format_addr(ls, where, sizeof(where));
	fd = socket(ls->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		fprintf(stderr, "runserver: cannot create a socket: %s\n",
		    strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (ls->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(fd, (struct sockaddr *)&ls->ss, ls->sslen) != 0) {
		saved = errno;
		fprintf(stderr, "runserver: cannot bind %s: %s\n", where,
		    strerror(saved));
		close(fd);
		return -1;
	}
	if (listen(fd, 64) != 0) {
		fprintf(stderr, "runserver: cannot listen on %s: %s\n", where,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&got, &gl) == 0) {
		if (got.ss_family == AF_INET6)
			ls->port = ntohs(((struct sockaddr_in6 *)&got)->
			    sin6_port);
		else if (got.ss_family == AF_INET)
			ls->port = ntohs(((struct sockaddr_in *)&got)->
			    sin_port);
	}
	return fd;
}

/* Collect finished handler processes; returns how many are left. */
static size_t
ds_reap(pid_t *kids, size_t nkids, int block)
{
	size_t i = 0;
	pid_t w;

	while (i < nkids) {
		w = waitpid(kids[i], NULL, block ? 0 : WNOHANG);
		if (w == kids[i] || (w < 0 && errno == ECHILD)) {
			kids[i] = kids[--nkids];
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		i++;
	}
	return nkids;
}

/* see devserver.h */
int
wk_devserver_run(const char *addr, const char *exe, long max_requests)
{
	static const int stop_sigs[] = { SIGINT, SIGTERM };
	struct ds_listen ls;
	struct sigaction sa, old_int, old_term, old_chld, old_pipe;
	sigset_t block;
	struct sockaddr_storage peer;
	socklen_t pl;
	struct pollfd pfd;
	pid_t kids[DS_CHILDREN_MAX], pid;
	size_t nkids = 0, i;
	long served = 0;
	char where[96], *exe_dir = NULL, *slash;
	int lfd, cfd, r;

	if (exe == NULL || access(exe, X_OK) != 0) {
		fprintf(stderr, "runserver: cannot execute %s: %s\n",
		    exe != NULL ? exe : "(null)", exe != NULL ?
		    strerror(errno) : "no binary");
		return 1;
	}
	if (ds_parse_addr(addr, &ls) != 0) {
		fprintf(stderr, "runserver: bad address '%s': expected PORT, "
		    "IP:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8000\n", addr);
		return 1;
	}
	slash = strrchr(exe, '/');
	if (slash != NULL) {
		exe_dir = strndup(exe, slash == exe ? 1 :
		    (size_t)(slash - exe));
		if (exe_dir == NULL) {
			fprintf(stderr, "runserver: out of memory\n");
			return 1;
		}
	}
	lfd = ds_open_listener(&ls);
	if (lfd < 0) {
		free(exe_dir);
		return 1;
	}

	ds_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = ds_on_stop;     /* no SA_RESTART: wake ppoll */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = ds_on_child;
	sigaction(SIGCHLD, &sa, &old_chld);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	sigemptyset(&block);
	for (i = 0; i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
		sigaddset(&block, stop_sigs[i]);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &ds_origmask);
	ds_waitmask = ds_origmask;
	sigdelset(&ds_waitmask, SIGINT);
	sigdelset(&ds_waitmask, SIGTERM);
	sigdelset(&ds_waitmask, SIGCHLD);

	ds_format_addr(&ls, where, sizeof(where));
	fprintf(stderr, "runserver: serving http://%s/ with %s "
	    "(development only; Ctrl-C stops)\n", where, exe);
	if (strcmp(ls.host, "0.0.0.0") == 0 || strcmp(ls.host, "::") == 0)
		fprintf(stderr, "runserver: warning: reachable from the "
		    "network; this server is not for production\n");

	while (!ds_stop && (max_requests <= 0 || served < max_requests)) {
		nkids = ds_reap(kids, nkids, 0);
		if (nkids >= DS_CHILDREN_MAX) {
			(void)ds_poll(NULL, 0, ds_now_ms() + 100);
			continue;
		}
		pfd.fd = lfd;
		pfd.events = POLLIN;
		r = ds_poll(&pfd, 1, ds_now_ms() + 1000);
		if (r <= 0)
			continue;
		pl = sizeof(peer);
		cfd = accept4(lfd, (struct sockaddr *)&peer, &pl,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				wk_log(NULL, WK_LOG_ERROR, "runserver: accept: "
				    "%s", strerror(errno));
				(void)ds_poll(NULL, 0, ds_now_ms() + 100);
			}
			continue;
		}
		served++;
		pid = fork();
		if (pid == 0) {
			close(lfd);
			ds_handle(cfd, &ls, exe, exe_dir, &peer);
			_exit(0);
		}
		if (pid < 0)
			wk_log(NULL, WK_LOG_ERROR, "runserver: fork: %s",
			    strerror(errno));
		else
			kids[nkids++] = pid;
		close(cfd);
	}
	close(lfd);
	/* On a signal, ask the handlers to abort; else let them finish. */
	if (ds_stop)
		for (i = 0; i < nkids; i++)
			(void)kill(kids[i], SIGTERM);
	nkids = ds_reap(kids, nkids, 1);
	if (ds_stop)
		fprintf(stderr, "runserver: stopped\n");

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigprocmask(SIG_SETMASK, &ds_origmask, NULL);
	free(exe_dir);
	return 0;
}
