/*
 * io.h - the two seams between a front end and the request pipeline: a
 * reader for the request body and a writer for the response bytes.
 *
 * A front end (src/front/: CGI on stdin/stdout, the test client on memory;
 * FastCGI next, on its records) turns its transport into a request
 * environment, a struct wk_reader and a struct wk_writer, and hands them to
 * wk_app_serve() (app.h).  Below that call nothing reads the environment,
 * stdin or stdout: the request parser pulls the body through the reader,
 * the pipeline pushes the serialised response through the writer.
 *
 * Both are a function pointer plus a context pointer (SQLite's VFS and
 * BearSSL's vtables are the models), owned by the caller: no allocation.
 * The stock implementations below embed the interface in their own state,
 * so one caller-owned struct is the whole object:
 *
 *   struct wk_fd_reader in;
 *   struct wk_fd_writer out;
 *   wk_app_serve(app, s, NULL, &arena, envp, wk_fd_reader_init(&in, 0),
 *       wk_fd_writer_init(&out, 1), &req, &resp);
 *
 * A reader or writer must outlive the request it serves (a multipart body
 * is read through the reader while the view runs).
 */
#ifndef WICK_IO_H
#define WICK_IO_H

#include <stddef.h>

#include "wick/core/buf.h"

/* What a read returns besides a byte count (> 0) or 0 (end of input). */
#define WK_IO_ERROR   (-1)   /* the transport failed */
#define WK_IO_TIMEOUT (-2)   /* nothing arrived before the deadline */

struct wk_reader {
	/*
	 * Read up to n (> 0) bytes into dst, waiting no later than
	 * deadline_ms (CLOCK_MONOTONIC, milliseconds; see wk_io_now_ms).
	 * Returns the count (1..n; a short count is fine), 0 at the end of
	 * the input, WK_IO_ERROR or WK_IO_TIMEOUT.  The parser asks for
	 * exactly CONTENT_LENGTH bytes in total and turns 0, an error or a
	 * timeout before that into a 400.
	 */
	long (*read)(void *ctx, void *dst, size_t n, long long deadline_ms);
	void *ctx;               /* the implementation's state */
	/*
	 * 1 when the body arrives over a transport (pipe, socket) and may be
	 * large: a multipart/form-data body is then left on the reader for
	 * the multipart parser to stream (files go to disk, not memory).
	 * 0 when the bytes are in memory anyway: the body is read at once.
	 */
	int stream;
};

struct wk_writer {
	/*
	 * Write all n bytes of src (n may be 0).  Returns 0, or -1 when the
	 * transport failed (the client went away); the pipeline logs that
	 * and carries on, it never retries.
	 */
	int (*write)(void *ctx, const void *src, size_t n);
	void *ctx;
};

/* ---- stock implementations ------------------------------------------------ */

/* A body read from a file descriptor (stdin under CGI, a pipe, a socket),
 * with poll() bounding each wait by the deadline. */
struct wk_fd_reader {
	struct wk_reader base;
	int fd;
};

/*
 * wk_fd_reader_init - set r up to read fd (not closed by it; EINTR and
 * EAGAIN are retried until the deadline).  stream is 1.  Returns &r->base.
 */
const struct wk_reader *wk_fd_reader_init(struct wk_fd_reader *r, int fd);

/* A body already in memory (the test client, tests, fuzzers). */
struct wk_mem_reader {
	struct wk_reader base;
	const char *data;
	size_t len;
	size_t off;              /* bytes handed out so far */
};

/*
 * wk_mem_reader_init - set r up to hand out the len bytes at data (not
 * copied: they must outlive r; data may be NULL when len is 0), then end
 * of input, like a pipe whose writer closed.  stream is 0.  Returns &r->base.
 */
const struct wk_reader *wk_mem_reader_init(struct wk_mem_reader *r,
    const void *data, size_t len);

/* Response bytes written to a file descriptor (stdout under CGI). */
struct wk_fd_writer {
	struct wk_writer base;
	int fd;
};

/*
 * wk_fd_writer_init - set w up to write to fd, retrying short writes and
 * EINTR; a write error, or a write of 0 bytes, is -1.  Returns &w->base.
 */
const struct wk_writer *wk_fd_writer_init(struct wk_fd_writer *w, int fd);

/* Response bytes appended to a wk_buf (the test client). */
struct wk_buf_writer {
	struct wk_writer base;
	wk_buf *buf;
};

/*
 * wk_buf_writer_init - set w up to append to buf (which keeps the bytes,
 * in its own arena).  -1 once buf has failed to grow.  Returns &w->base.
 */
const struct wk_writer *wk_buf_writer_init(struct wk_buf_writer *w,
    wk_buf *buf);

/* wk_io_now_ms - CLOCK_MONOTONIC in milliseconds (0 if unreadable): the
 * clock of every deadline_ms. */
long long wk_io_now_ms(void);

#endif /* WICK_IO_H */
