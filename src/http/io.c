/*
 * io.c - the stock readers and writers of io.h: file descriptors (what
 * the CGI front end passes for stdin and stdout) and memory (the test
 * client).  They know nothing of HTTP; which descriptor is the request's
 * is the front end's business.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wick/http/io.h"

/* see io.h */
long long
wk_io_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One read from the descriptor, waiting in poll() until the deadline.  A
 * descriptor that is ready but yields nothing (EAGAIN) is polled again,
 * never spun on past the deadline.
 */
static long
fd_read(void *ctx, void *dst, size_t n, long long deadline_ms)
{
	const struct wk_fd_reader *r = ctx;
	struct pollfd pfd;
	long long left;
	ssize_t got;
	int pr;

	if (n > (size_t)LONG_MAX)
		n = (size_t)LONG_MAX;
	for (;;) {
		left = deadline_ms - wk_io_now_ms();
		if (left < 0)
			left = 0;
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		pr = poll(&pfd, 1, (int)(left > INT_MAX ? INT_MAX : left));
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0 || (pfd.revents & POLLNVAL))
			return WK_IO_ERROR;
		if (pr == 0)
			return WK_IO_TIMEOUT;
		got = read(r->fd, dst, n);
		if (got >= 0)
			return (long)got;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return WK_IO_ERROR;
		if (wk_io_now_ms() >= deadline_ms)
			return WK_IO_TIMEOUT;
	}
}

/* see io.h */
const struct wk_reader *
wk_fd_reader_init(struct wk_fd_reader *r, int fd)
{
	r->base.read = fd_read;
	r->base.ctx = r;
	r->base.stream = 1;
	r->fd = fd;
	return &r->base;
}

/* Hand out the next bytes; a pipe that hit EOF when they run out. */
static long
mem_read(void *ctx, void *dst, size_t n, long long deadline_ms)
{
	struct wk_mem_reader *r = ctx;
	size_t left = r->len - r->off;

	(void)deadline_ms;
	if (n > left)
		n = left;
	if (n > (size_t)LONG_MAX)
		n = (size_t)LONG_MAX;
	if (n > 0)
		memcpy(dst, r->data + r->off, n);
	r->off += n;
	return (long)n;
}

/* see io.h */
const struct wk_reader *
wk_mem_reader_init(struct wk_mem_reader *r, const void *data, size_t len)
{
	r->base.read = mem_read;
	r->base.ctx = r;
	r->base.stream = 0;
	r->data = data;
	r->len = data != NULL ? len : 0;
	r->off = 0;
	return &r->base;
}

/* Everything, retrying short writes and EINTR. */
static int
fd_write(void *ctx, const void *src, size_t n)
{
	const struct wk_fd_writer *w = ctx;
	const char *p = src;
	size_t off = 0;

	while (off < n) {
		ssize_t k = write(w->fd, p + off, n - off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			return -1;
		off += (size_t)k;
	}
	return 0;
}

/* see io.h */
const struct wk_writer *
wk_fd_writer_init(struct wk_fd_writer *w, int fd)
{
	w->base.write = fd_write;
	w->base.ctx = w;
	w->fd = fd;
	return &w->base;
}

static int
buf_write(void *ctx, const void *src, size_t n)
{
	const struct wk_buf_writer *w = ctx;

	if (n > 0 && wk_buf_append(w->buf, src, n) != 0)
		return -1;
	return w->buf->failed ? -1 : 0;
}

/* see io.h */
const struct wk_writer *
wk_buf_writer_init(struct wk_buf_writer *w, wk_buf *buf)
{
	w->base.write = buf_write;
	w->base.ctx = w;
	w->buf = buf;
	return &w->base;
}
