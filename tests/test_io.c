/*
 * test_io.c - the front-end seam (io.h): the stock readers and writers,
 * a request body pulled through a custom reader in small chunks, a reader
 * that ends early, fails or stalls (the same 400s as from stdin), and a
 * writer that fails (logged, no crash).  A small app of its own: no demo.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/http/app.h"
#include "wick/http/io.h"
#include "wick/http/multipart.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"

/* ---- a reader under the test's control ------------------------------------- */

struct chunky {
	struct wk_reader base;
	const char *data;
	size_t len, off;
	size_t chunk;        /* at most this many bytes per read */
	size_t stop_at;      /* then this happens at offset stop_at: */
	long at_stop;        /* 0 (end early), WK_IO_ERROR or WK_IO_TIMEOUT */
	int calls;
};

static long
chunky_read(void *ctx, void *dst, size_t n, long long deadline_ms)
{
	struct chunky *c = ctx;
	size_t k;

	(void)deadline_ms;
	assert_true(n > 0);              /* never asked for nothing */
	c->calls++;
	if (c->off >= c->stop_at)
		return c->at_stop;
	k = c->stop_at - c->off;
	if (k > c->chunk)
		k = c->chunk;
	if (k > n)
		k = n;
	memcpy(dst, c->data + c->off, k);
	c->off += k;
	return (long)k;
}

static const struct wk_reader *
chunky_init(struct chunky *c, const char *data, size_t chunk, int stream)
{
	memset(c, 0, sizeof(*c));
	c->base.read = chunky_read;
	c->base.ctx = c;
	c->base.stream = stream;
	c->data = data;
	c->len = strlen(data);
	c->chunk = chunk;
	c->stop_at = c->len;
	c->at_stop = 0;
	return &c->base;
}

/* A writer that fails, counting its calls. */
static int bad_writes;
static int
bad_write(void *ctx, const void *src, size_t n)
{
	(void)ctx;
	(void)src;
	(void)n;
	bad_writes++;
	return -1;
}
static const struct wk_writer bad_writer = { bad_write, NULL };

/* ---- a small app -------------------------------------------------------------- */

static int
view_echo(struct wk_request *req, struct wk_response *resp)
{
	const char *t = wk_request_post(req, "title");

	if (wk_response_text(resp, 200, "title=") != 0)
		return -1;
	return wk_buf_puts(&resp->body, t != NULL ? t : "(none)");
}

static const struct wk_route io_routes[] = {
	{ "echo", view_echo, "echo", WK_GET | WK_POST, NULL },
	WK_ROUTES_END
};
static const struct wk_middleware *const io_mw[] = { NULL };
static const struct wk_app io_app = {
	.name = "io",
	.routes = io_routes,
	.middleware = io_mw,
	.commands = NULL,
	.error_view = NULL,
};

static struct wk_settings settings;
static wk_arena arena;
static struct wk_request req;
static struct wk_response resp;
static char cl[48];
static char *env[] = {
	(char *)(uintptr_t)"REQUEST_METHOD=POST",
	(char *)(uintptr_t)"PATH_INFO=/echo",
	(char *)(uintptr_t)"CONTENT_TYPE=application/x-www-form-urlencoded",
	cl,
	(char *)(uintptr_t)"HTTP_HOST=localhost",
	(char *)(uintptr_t)"SERVER_NAME=localhost",
	(char *)(uintptr_t)"SERVER_PORT=80",
	NULL
};

static void
set_length(size_t n)
{
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", n);
}

static int
setup(void **state)
{
	(void)state;
	wk_settings_defaults(&settings);
	settings.allowed_hosts[0] = "localhost";
	settings.n_allowed_hosts = 1;
	settings.debug = 0;
	wk_arena_init(&arena);
	bad_writes = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_log_set_fd(2);
	wk_arena_free(&arena);
	return 0;
}

/* Run the pipeline: the answer's bytes in *out (arena-owned). */
static int
serve(const struct wk_reader *body, wk_buf *out)
{
	struct wk_buf_writer w;

	wk_buf_init(out, &arena);
	return wk_app_serve(&io_app, &settings, NULL, &arena, env, body,
	    wk_buf_writer_init(&w, out), &req, &resp);
}

/* Log lines go to a temporary file while fn-like code runs; read back. */
static FILE *log_file;
static void
log_capture(void)
{
	log_file = tmpfile();
	assert_non_null(log_file);
	wk_log_set_fd(fileno(log_file));
}
static const char *
log_captured(void)
{
	static char text[4096];
	size_t n;

	wk_log_set_fd(2);
	rewind(log_file);
	n = fread(text, 1, sizeof(text) - 1, log_file);
	text[n] = '\0';
	fclose(log_file);
	log_file = NULL;
	return text;
}

/* ---- the stock readers and writers --------------------------------------- */

static void
test_mem_reader(void **state)
{
	struct wk_mem_reader m;
	const struct wk_reader *r;
	char buf[8];

	(void)state;
	r = wk_mem_reader_init(&m, "abcdef", 6);
	assert_ptr_equal(r, &m.base);
	assert_int_equal(r->stream, 0);
	assert_int_equal(r->read(r->ctx, buf, 4, 0), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(r->read(r->ctx, buf, 4, 0), 2);   /* short */
	assert_memory_equal(buf, "ef", 2);
	assert_int_equal(r->read(r->ctx, buf, 4, 0), 0);   /* end */
	r = wk_mem_reader_init(&m, NULL, 5);                /* no bytes */
	assert_int_equal(r->read(r->ctx, buf, 4, 0), 0);
}

static void
test_fd_reader_and_writer(void **state)
{
	struct wk_fd_reader fr;
	struct wk_fd_writer fw;
	const struct wk_reader *r;
	const struct wk_writer *w;
	char buf[8];
	long long t0;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	r = wk_fd_reader_init(&fr, p[0]);
	w = wk_fd_writer_init(&fw, p[1]);
	assert_int_equal(r->stream, 1);
	assert_int_equal(w->write(w->ctx, "hey", 3), 0);
	assert_int_equal(r->read(r->ctx, buf, sizeof(buf),
	    wk_io_now_ms() + 1000), 3);
	assert_memory_equal(buf, "hey", 3);
	/* Nothing more and the writer still open: a timeout, on time. */
	t0 = wk_io_now_ms();
	assert_int_equal(r->read(r->ctx, buf, sizeof(buf), t0 + 100),
	    WK_IO_TIMEOUT);
	assert_true(wk_io_now_ms() - t0 >= 90);
	close(p[1]);
	assert_int_equal(r->read(r->ctx, buf, sizeof(buf),
	    wk_io_now_ms() + 1000), 0);                      /* EOF */
	close(p[0]);
	/* Closed descriptors: errors, not crashes. */
	assert_int_equal(r->read(r->ctx, buf, sizeof(buf),
	    wk_io_now_ms() + 100), WK_IO_ERROR);
	assert_int_equal(w->write(w->ctx, "x", 1), -1);
}

static void
test_buf_writer(void **state)
{
	struct wk_buf_writer bw;
	const struct wk_writer *w;
	wk_buf b;

	(void)state;
	wk_buf_init(&b, &arena);
	w = wk_buf_writer_init(&bw, &b);
	assert_int_equal(w->write(w->ctx, "ab", 2), 0);
	assert_int_equal(w->write(w->ctx, "", 0), 0);
	assert_int_equal(w->write(w->ctx, "cd", 2), 0);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "abcd", 4);
	b.failed = 1;                                     /* could not grow */
	assert_int_equal(w->write(w->ctx, "e", 1), -1);
}

/* ---- the body through a reader --------------------------------------------- */

/* A form body in 3-byte reads: the same request as from memory. */
static void
test_body_in_small_chunks(void **state)
{
	static const char body[] = "title=Hello%2C+chunked+world&x=1";
	struct chunky c;
	wk_buf out;

	(void)state;
	set_length(sizeof(body) - 1);
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env,
	    chunky_init(&c, body, 3, 0)), 0);
	assert_true(c.calls >= (int)((sizeof(body) - 1) / 3));
	assert_int_equal(req.body_len, sizeof(body) - 1);
	assert_string_equal(req.body, body);
	assert_string_equal(wk_request_post(&req, "title"),
	    "Hello, chunked world");
	assert_null(req.body_reader);          /* read, not left waiting */

	/* Through the whole pipeline, 1 byte at a time. */
	assert_int_equal(serve(chunky_init(&c, body, 1, 0), &out), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(c.calls, (int)(sizeof(body) - 1));
	assert_non_null(strstr(wk_buf_cstr(&out), "\r\n\r\ntitle=Hello, "
	    "chunked world"));
}

/* A streaming reader keeps a multipart body for the multipart parser,
 * which pulls it through the same reader in chunks. */
static void
test_multipart_streamed_from_reader(void **state)
{
	static const char mp_body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
	    "streamed\r\n"
	    "--XyZ--\r\n";
	static char *mp_env[] = {
		(char *)(uintptr_t)"REQUEST_METHOD=POST",
		(char *)(uintptr_t)"CONTENT_TYPE=multipart/form-data; "
		    "boundary=XyZ",
		cl,
		(char *)(uintptr_t)"HTTP_HOST=localhost",
		NULL
	};
	struct wk_multipart_opts o;
	struct wk_multipart mp;
	struct chunky c;

	(void)state;
	set_length(sizeof(mp_body) - 1);
	assert_int_equal(wk_request_parse(&req, &arena, &settings, mp_env,
	    chunky_init(&c, mp_body, 5, 1)), 0);
	assert_int_equal(c.calls, 0);               /* nothing read yet */
	assert_ptr_equal(req.body_reader, &c.base);
	assert_int_equal(req.body_left, sizeof(mp_body) - 1);
	memset(&o, 0, sizeof(o));
	wk_multipart_opts_default(&o, &settings);
	assert_int_equal(wk_multipart_parse_request(&req, &o, &mp), 0);
	assert_true(c.calls >= 1);
	assert_int_equal(c.off, sizeof(mp_body) - 1);
	assert_null(req.body_reader);
	assert_string_equal(wk_request_post(&req, "title"), "streamed");
	wk_multipart_request_cleanup(&req);
}

/* A reader that ends early, fails or stalls: 400, as from stdin. */
static void
test_reader_short_error_timeout(void **state)
{
	static const char body[] = "title=0123456789";
	static const struct {
		long at_stop;
		const char *error;
	} cases[] = {
		{ 0, "Request body ended after 5 of 16 bytes" },
		{ WK_IO_ERROR, "Could not read the request body" },
		{ WK_IO_TIMEOUT, "Request body timed out after 5 of 16 bytes" },
	};
	struct chunky c;
	wk_buf out;
	size_t i;

	(void)state;
	set_length(sizeof(body) - 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		chunky_init(&c, body, 2, 0);
		c.stop_at = 5;
		c.at_stop = cases[i].at_stop;
		assert_int_equal(wk_request_parse(&req, &arena, &settings,
		    env, &c.base), 400);
		assert_int_equal(req.error_status, 400);
		assert_string_equal(req.error, cases[i].error);

		/* The pipeline answers it with the 400 page. */
		chunky_init(&c, body, 2, 0);
		c.stop_at = 5;
		c.at_stop = cases[i].at_stop;
		log_capture();
		assert_int_equal(serve(&c.base, &out), 0);
		assert_non_null(strstr(log_captured(), cases[i].error));
		assert_int_equal(resp.status, 400);
		assert_non_null(strstr(wk_buf_cstr(&out),
		    "Status: 400 Bad Request\r\n"));
		assert_null(strstr(wk_buf_cstr(&out), "title="));
	}
	/* No reader at all for a body that was announced: 400 too. */
	assert_int_equal(wk_request_parse(&req, &arena, &settings, env, NULL),
	    400);
	assert_string_equal(req.error, "Request body ended after 0 of 16 bytes");
}

/* A writer that fails: logged, the request still counts as served. */
static void
test_writer_fails(void **state)
{
	static const char body[] = "title=x";
	struct wk_mem_reader m;

	(void)state;
	set_length(sizeof(body) - 1);
	log_capture();
	assert_int_equal(wk_app_serve(&io_app, &settings, NULL, &arena, env,
	    wk_mem_reader_init(&m, body, sizeof(body) - 1), &bad_writer,
	    &req, &resp), 0);
	assert_int_equal(bad_writes, 1);            /* one write, no retry */
	assert_non_null(strstr(log_captured(),
	    "client went away before the response was written"));
	assert_int_equal(resp.status, 200);
	/* wk_response_send reports it. */
	assert_int_equal(wk_response_send(&resp, &bad_writer), -1);
	assert_int_equal(bad_writes, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mem_reader, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fd_reader_and_writer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_buf_writer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_body_in_small_chunks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_multipart_streamed_from_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_reader_short_error_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_fails, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
