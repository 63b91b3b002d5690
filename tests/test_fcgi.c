/*
 * test_fcgi.c - the FastCGI front end: the record layer
 * (src/front/fcgi_proto.c) fed from memory, every refusal included, and
 * the responder loop (src/front/fastcgi.c) run in a child process on a
 * Unix socket with the fixture app, talked to by a client written here:
 * two users' requests alternate on one process and neither sees the
 * other's, a POST body arrives, an oversize body is 413, the process ends
 * after fastcgi_max_requests and on SIGTERM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wick/auth/auth.h"
#include "wick/auth/csrf.h"
#include "wick/auth/session.h"
#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/front/testclient.h"
#include "wick/http/io.h"
#include "../src/front/fcgi_proto.h"
#include "../src/front/internal.h"
#include "fixture/fixture.h"

/* ---- building the peer's bytes ------------------------------------------------ */

struct bytes {
	unsigned char b[400000];
	size_t n;
};

static struct bytes in_bytes;
static struct wk_fcgi_conn conn;

static void
put(struct bytes *o, const void *p, size_t n)
{
	assert_true(o->n + n <= sizeof(o->b));
	if (n == 0)
		return;
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void
record(struct bytes *o, unsigned type, unsigned id, const void *content,
    size_t len, unsigned pad)
{
	unsigned char h[8] = { 1, (unsigned char)type, (unsigned char)(id >> 8),
		(unsigned char)id, (unsigned char)(len >> 8), (unsigned char)len,
		(unsigned char)pad, 0 };
	unsigned char zero[255] = { 0 };

	put(o, h, 8);
	put(o, content, len);
	put(o, zero, pad);
}

static void
begin(struct bytes *o, unsigned id, unsigned role, int keep)
{
	unsigned char b[8] = { (unsigned char)(role >> 8), (unsigned char)role,
		(unsigned char)(keep ? 1 : 0), 0, 0, 0, 0, 0 };

	record(o, WK_FCGI_BEGIN_REQUEST, id, b, 8, 0);
}

/* A name-value pair; lengths of 128 and more take 4 bytes. */
static size_t
nv(unsigned char *dst, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value), n = 0, i;
	size_t lens[2] = { nl, vl };

	for (i = 0; i < 2; i++) {
		if (lens[i] < 128) {
			dst[n++] = (unsigned char)lens[i];
		} else {
			dst[n++] = (unsigned char)(0x80 | lens[i] >> 24);
			dst[n++] = (unsigned char)(lens[i] >> 16);
			dst[n++] = (unsigned char)(lens[i] >> 8);
			dst[n++] = (unsigned char)lens[i];
		}
	}
	memcpy(dst + n, name, nl);
	memcpy(dst + n + nl, value, vl);
	return n + nl + vl;
}

/* PARAMS records from NULL-terminated "NAME=value" strings, then the
 * empty one. */
static void
params(struct bytes *o, unsigned id, const char *const *env)
{
	unsigned char p[8192];
	size_t n = 0, i;

	for (i = 0; env[i] != NULL; i++) {
		char name[256];
		const char *eq = strchr(env[i], '=');
		size_t nl = (size_t)(eq - env[i]);

		memcpy(name, env[i], nl);
		name[nl] = '\0';
		n += nv(p + n, name, eq + 1);
	}
	record(o, WK_FCGI_PARAMS, id, p, n, 3);
	record(o, WK_FCGI_PARAMS, id, NULL, 0, 0);
}

/* ---- the transport in memory -------------------------------------------------- */

/* Hands out one byte per read when one_byte is set. */
struct slow_reader {
	struct wk_reader base;
	const unsigned char *p;
	size_t len, off;
	int one_byte;
};

static long
slow_read(void *ctx, void *dst, size_t n, long long deadline)
{
	struct slow_reader *r = ctx;

	(void)deadline;
	if (r->off == r->len)
		return 0;
	if (r->one_byte || n > r->len - r->off)
		n = r->one_byte ? 1 : r->len - r->off;
	memcpy(dst, r->p + r->off, n);
	r->off += n;
	return (long)n;
}

static struct slow_reader reader;
static struct wk_buf_writer writer;
static wk_arena arena;
static wk_buf out;

static void
conn_on(const struct bytes *o, int one_byte)
{
	reader.base.read = slow_read;
	reader.base.ctx = &reader;
	reader.base.stream = 1;
	reader.p = o->b;
	reader.len = o->n;
	reader.off = 0;
	reader.one_byte = one_byte;
	wk_buf_init(&out, &arena);
	wk_fcgi_conn_init(&conn, &reader.base, wk_buf_writer_init(&writer,
	    &out), 1000);
}

/* The records we wrote, decoded one by one from out. */
struct out_rec {
	unsigned type, id;
	const unsigned char *content;
	size_t len;
};

static size_t
out_records(struct out_rec *recs, size_t max)
{
	const unsigned char *p = (const unsigned char *)out.data;
	size_t off = 0, n = 0;

	while (off + 8 <= out.len && n < max) {
		assert_int_equal(p[off], 1);
		recs[n].type = p[off + 1];
		recs[n].id = (unsigned)p[off + 2] << 8 | p[off + 3];
		recs[n].len = (size_t)p[off + 4] << 8 | p[off + 5];
		recs[n].content = p + off + 8;
		off += 8 + recs[n].len + p[off + 6];
		n++;
	}
	assert_int_equal(off, out.len);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	in_bytes.n = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_arena_free(&arena);
	return 0;
}

static const char *const get_env[] = { "REQUEST_METHOD=POST",
    "SCRIPT_NAME=", "PATH_INFO=/hello", "CONTENT_LENGTH=3", NULL };

static int
env_has(char **envp, const char *entry)
{
	size_t i;

	for (i = 0; envp[i] != NULL; i++)
		if (strcmp(envp[i], entry) == 0)
			return 1;
	return 0;
}

/* ---- the record layer ---------------------------------------------------------- */

static void
check_good_request(int one_byte)
{
	struct out_rec recs[8];
	char **envp = NULL;
	char body[16];
	long n;

	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 0);
	params(&in_bytes, 1, get_env);
	record(&in_bytes, WK_FCGI_STDIN, 1, "ab", 2, 6);
	record(&in_bytes, WK_FCGI_STDIN, 1, "c", 1, 0);
	record(&in_bytes, WK_FCGI_STDIN, 1, NULL, 0, 0);
	conn_on(&in_bytes, one_byte);

	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_OK);
	assert_int_equal(conn.id, 1);
	assert_int_equal(conn.keep_conn, 0);
	assert_true(env_has(envp, "REQUEST_METHOD=POST"));
	assert_true(env_has(envp, "SCRIPT_NAME="));
	assert_true(env_has(envp, "PATH_INFO=/hello"));
	assert_null(envp[4]);
	n = conn.body.read(conn.body.ctx, body, sizeof(body), 0);
	assert_int_equal(n, 2);
	n = conn.body.read(conn.body.ctx, body + 2, sizeof(body) - 2, 0);
	assert_int_equal(n, 1);
	assert_memory_equal(body, "abc", 3);
	assert_int_equal(conn.body.read(conn.body.ctx, body, 1, 0), 0);
	assert_int_equal(conn.stdout_w.write(conn.stdout_w.ctx, "Status: 200",
	    11), 0);
	assert_int_equal(wk_fcgi_request_end(&conn, 0), 0);

	assert_int_equal(out_records(recs, 8), 3);
	assert_int_equal(recs[0].type, WK_FCGI_STDOUT);
	assert_int_equal(recs[0].id, 1);
	assert_int_equal(recs[0].len, 11);
	assert_memory_equal(recs[0].content, "Status: 200", 11);
	assert_int_equal(recs[1].type, WK_FCGI_STDOUT);
	assert_int_equal(recs[1].len, 0);
	assert_int_equal(recs[2].type, WK_FCGI_END_REQUEST);
	assert_int_equal(recs[2].len, 8);
	assert_int_equal(recs[2].content[4], WK_FCGI_REQUEST_COMPLETE);
	/* The connection then ends cleanly. */
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_EOF);
}

static void
test_good_request(void **state)
{
	(void)state;
	check_good_request(0);
}

static void
test_one_byte_reads(void **state)
{
	(void)state;
	check_good_request(1);
}

static void
test_keep_conn_two_requests(void **state)
{
	char **envp;

	(void)state;
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 1);
	params(&in_bytes, 1, get_env);
	record(&in_bytes, WK_FCGI_STDIN, 1, "xyz", 3, 0);
	record(&in_bytes, WK_FCGI_STDIN, 1, NULL, 0, 0);
	begin(&in_bytes, 2, WK_FCGI_RESPONDER, 1);
	params(&in_bytes, 2, get_env);
	record(&in_bytes, WK_FCGI_STDIN, 2, NULL, 0, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp), 0);
	assert_int_equal(conn.keep_conn, 1);
	/* The app read nothing: the drain drops the body. */
	assert_int_equal(wk_fcgi_drain_stdin(&conn, 100), 0);
	assert_int_equal(wk_fcgi_request_end(&conn, 0), 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp), 0);
	assert_int_equal(conn.id, 2);
	assert_int_equal(wk_fcgi_drain_stdin(&conn, 100), 0);
}

static void
test_drain_limit(void **state)
{
	static char big[4000];
	char **envp;

	(void)state;
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 1);
	params(&in_bytes, 1, get_env);
	record(&in_bytes, WK_FCGI_STDIN, 1, big, sizeof(big), 0);
	record(&in_bytes, WK_FCGI_STDIN, 1, NULL, 0, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp), 0);
	assert_int_equal(wk_fcgi_drain_stdin(&conn, 1000), -1);
}

static void
test_unknown_role(void **state)
{
	struct out_rec recs[4];
	char **envp;

	(void)state;
	begin(&in_bytes, 7, 2 /* authorizer */, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_EOF);
	assert_int_equal(out_records(recs, 4), 1);
	assert_int_equal(recs[0].type, WK_FCGI_END_REQUEST);
	assert_int_equal(recs[0].id, 7);
	assert_int_equal(recs[0].content[4], WK_FCGI_UNKNOWN_ROLE);
}

static void
test_get_values(void **state)
{
	static const char want[] = "\x0e\x01" "FCGI_MAX_CONNS" "1"
	    "\x0d\x01" "FCGI_MAX_REQS" "1" "\x0f\x01" "FCGI_MPXS_CONNS" "0";
	unsigned char q[128];
	size_t n = 0;
	struct out_rec recs[4];
	char **envp;

	(void)state;
	n += nv(q + n, "FCGI_MAX_CONNS", "");
	n += nv(q + n, "FCGI_MAX_REQS", "");
	n += nv(q + n, "FCGI_MPXS_CONNS", "");
	n += nv(q + n, "SOMETHING_ELSE", "");
	record(&in_bytes, WK_FCGI_GET_VALUES, 0, q, n, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_EOF);
	assert_int_equal(out_records(recs, 4), 1);
	assert_int_equal(recs[0].type, WK_FCGI_GET_VALUES_RESULT);
	assert_int_equal(recs[0].id, 0);
	assert_int_equal(recs[0].len, sizeof(want) - 1);
	assert_memory_equal(recs[0].content, want, sizeof(want) - 1);
}

static void
test_unknown_type(void **state)
{
	struct out_rec recs[4];
	char **envp;

	(void)state;
	record(&in_bytes, 42, 0, "zz", 2, 0);
	record(&in_bytes, WK_FCGI_STDOUT, 0, "zz", 2, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_EOF);
	assert_int_equal(out_records(recs, 4), 2);
	assert_int_equal(recs[0].type, WK_FCGI_UNKNOWN_TYPE);
	assert_int_equal(recs[0].content[0], 42);
	assert_int_equal(recs[1].type, WK_FCGI_UNKNOWN_TYPE);
	assert_int_equal(recs[1].content[0], WK_FCGI_STDOUT);
}

static void
test_cant_mpx(void **state)
{
	struct out_rec recs[4];
	char **envp;
	char c;

	(void)state;
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 0);
	begin(&in_bytes, 2, WK_FCGI_RESPONDER, 0);  /* during params */
	params(&in_bytes, 1, get_env);
	begin(&in_bytes, 3, WK_FCGI_RESPONDER, 0);  /* during the body */
	record(&in_bytes, WK_FCGI_STDIN, 3, "no", 2, 0);  /* ignored */
	record(&in_bytes, WK_FCGI_STDIN, 1, "Y", 1, 0);
	record(&in_bytes, WK_FCGI_STDIN, 1, NULL, 0, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp), 0);
	assert_int_equal(conn.id, 1);
	assert_int_equal(conn.body.read(conn.body.ctx, &c, 1, 0), 1);
	assert_int_equal(c, 'Y');
	assert_int_equal(conn.body.read(conn.body.ctx, &c, 1, 0), 0);
	assert_int_equal(out_records(recs, 4), 2);
	assert_int_equal(recs[0].type, WK_FCGI_END_REQUEST);
	assert_int_equal(recs[0].id, 2);
	assert_int_equal(recs[0].content[4], WK_FCGI_CANT_MPX_CONN);
	assert_int_equal(recs[1].id, 3);
	assert_int_equal(recs[1].content[4], WK_FCGI_CANT_MPX_CONN);
}

static void
test_abort(void **state)
{
	struct out_rec recs[4];
	char **envp;
	char c;

	(void)state;
	/* During the params: the request ends there. */
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 1);
	record(&in_bytes, WK_FCGI_ABORT_REQUEST, 1, NULL, 0, 0);
	/* During the body: the body reader fails. */
	begin(&in_bytes, 2, WK_FCGI_RESPONDER, 1);
	params(&in_bytes, 2, get_env);
	record(&in_bytes, WK_FCGI_ABORT_REQUEST, 2, NULL, 0, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_ABORTED);
	assert_int_equal(conn.id, 0);
	assert_int_equal(out_records(recs, 4), 1);
	assert_int_equal(recs[0].type, WK_FCGI_END_REQUEST);
	assert_int_equal(recs[0].id, 1);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp), 0);
	assert_int_equal(conn.body.read(conn.body.ctx, &c, 1, 0), WK_IO_ERROR);
	assert_int_equal(conn.aborted, 1);
}

static void
test_params_total_limit(void **state)
{
	static unsigned char chunk[40000];
	char **envp;

	(void)state;
	memset(chunk, 'v', sizeof(chunk));
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 0);
	/* 80,000 bytes of params in two records: over 64 KiB. */
	record(&in_bytes, WK_FCGI_PARAMS, 1, chunk, sizeof(chunk), 0);
	record(&in_bytes, WK_FCGI_PARAMS, 1, chunk, sizeof(chunk), 0);
	record(&in_bytes, WK_FCGI_PARAMS, 1, NULL, 0, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_BAD_PARAMS);
	assert_int_equal(conn.broken, 1);
}

/* One PARAMS record whose content is p[0..n). */
static int
params_result(const unsigned char *p, size_t n)
{
	char **envp;

	in_bytes.n = 0;
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 0);
	record(&in_bytes, WK_FCGI_PARAMS, 1, p, n, 0);
	record(&in_bytes, WK_FCGI_PARAMS, 1, NULL, 0, 0);
	conn_on(&in_bytes, 0);
	return wk_fcgi_request_begin(&conn, &arena, &envp);
}

static void
test_params_refused(void **state)
{
	/* A 4-byte value length of 2^31-1 with 3 bytes behind it. */
	static const unsigned char huge[] = { 1, 0xff, 0xff, 0xff, 0xff, 'A',
		'x', 'y' };
	static const unsigned char name_past_end[] = { 9, 0, 'A' };
	static const unsigned char empty_name[] = { 0, 1, 'x' };
	static const unsigned char eq_name[] = { 3, 1, 'A', '=', 'B', 'x' };
	static const unsigned char nul_value[] = { 1, 2, 'A', 'x', 0 };
	static const unsigned char cut_length[] = { 1, 0x80, 0 };
	static const unsigned char good[] = { 1, 2, 'A', 'x', 'y' };
	static unsigned char many[WK_FCGI_PARAMS_COUNT_MAX * 4 + 4];
	size_t i, n = 0;

	(void)state;
	assert_int_equal(params_result(good, sizeof(good)), WK_FCGI_OK);
	assert_int_equal(params_result(huge, sizeof(huge)),
	    WK_FCGI_BAD_PARAMS);
	assert_int_equal(params_result(name_past_end, sizeof(name_past_end)),
	    WK_FCGI_BAD_PARAMS);
	assert_int_equal(params_result(empty_name, sizeof(empty_name)),
	    WK_FCGI_BAD_PARAMS);
	assert_int_equal(params_result(eq_name, sizeof(eq_name)),
	    WK_FCGI_BAD_PARAMS);
	assert_int_equal(params_result(nul_value, sizeof(nul_value)),
	    WK_FCGI_BAD_PARAMS);
	assert_int_equal(params_result(cut_length, sizeof(cut_length)),
	    WK_FCGI_BAD_PARAMS);
	for (i = 0; i < WK_FCGI_PARAMS_COUNT_MAX; i++)
		n += nv(many + n, "A", "");
	assert_int_equal(params_result(many, n), WK_FCGI_OK);
	n += nv(many + n, "B", "");
	assert_int_equal(params_result(many, n), WK_FCGI_BAD_PARAMS);
}

static void
test_protocol_errors(void **state)
{
	char **envp;
	unsigned char bad[8] = { 2, 1, 0, 1, 0, 8, 0, 0 };  /* version 2 */

	(void)state;
	put(&in_bytes, bad, 8);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_ERROR);
	/* A record cut short (content promised, input ends). */
	in_bytes.n = 0;
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 0);
	in_bytes.n -= 3;
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_ERROR);
	/* BEGIN of the wrong size. */
	in_bytes.n = 0;
	record(&in_bytes, WK_FCGI_BEGIN_REQUEST, 1, "\0\1\0", 3, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_ERROR);
	/* STDIN before the params ended. */
	in_bytes.n = 0;
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 0);
	record(&in_bytes, WK_FCGI_STDIN, 1, "x", 1, 0);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_ERROR);
}

/* A peer that stops mid-record is cut off by the record deadline. */
static void
test_stall_times_out(void **state)
{
	struct wk_fd_reader fr;
	int sv[2];
	char **envp;
	long long t0;
	unsigned char half[5] = { 1, 1, 0, 1, 0 };

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], half, sizeof(half)), 5);
	wk_buf_init(&out, &arena);
	wk_fcgi_conn_init(&conn, wk_fd_reader_init(&fr, sv[0]),
	    wk_buf_writer_init(&writer, &out), 150);
	t0 = wk_io_now_ms();
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp),
	    WK_FCGI_ERROR);
	assert_true(wk_io_now_ms() - t0 >= 100);
	assert_true(wk_io_now_ms() - t0 < 3000);
	close(sv[0]);
	close(sv[1]);
}

/* The body reader keeps the parser's deadline for the whole body, even
 * when each record would have longer. */
static void
test_body_deadline(void **state)
{
	struct wk_fd_reader fr;
	int sv[2];
	char **envp, c;
	long long t0;

	(void)state;
	begin(&in_bytes, 1, WK_FCGI_RESPONDER, 0);
	params(&in_bytes, 1, get_env);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], in_bytes.b, in_bytes.n),
	    (ssize_t)in_bytes.n);
	wk_buf_init(&out, &arena);
	wk_fcgi_conn_init(&conn, wk_fd_reader_init(&fr, sv[0]),
	    wk_buf_writer_init(&writer, &out), 5000);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp), 0);
	t0 = wk_io_now_ms();
	assert_true(conn.body.read(conn.body.ctx, &c, 1, t0 + 150) < 0);
	assert_true(wk_io_now_ms() - t0 < 2000);
	close(sv[0]);
	close(sv[1]);
}

static void
test_stdout_split(void **state)
{
	static char big[70000];
	struct out_rec recs[8];
	char **envp;

	(void)state;
	memset(big, 'z', sizeof(big));
	begin(&in_bytes, 5, WK_FCGI_RESPONDER, 0);
	params(&in_bytes, 5, get_env);
	conn_on(&in_bytes, 0);
	assert_int_equal(wk_fcgi_request_begin(&conn, &arena, &envp), 0);
	assert_int_equal(conn.stdout_w.write(conn.stdout_w.ctx, big, 100), 0);
	assert_int_equal(conn.stdout_w.write(conn.stdout_w.ctx, big,
	    sizeof(big) - 100), 0);
	assert_int_equal(wk_fcgi_request_end(&conn, 0), 0);
	assert_int_equal(out_records(recs, 8), 4);
	assert_int_equal(recs[0].len, 65535);
	assert_int_equal(recs[1].len, sizeof(big) - 65535);
	assert_int_equal(recs[1].id, 5);
	assert_int_equal(recs[2].len, 0);
	assert_int_equal(recs[3].type, WK_FCGI_END_REQUEST);
}

/* ---- the responder loop, in a child process ---------------------------------------- */

static struct wk_test_client ca, cb;
static char sock_path[108];

/* "name=value; ..." of c's jar, for HTTP_COOKIE. */
static const char *
cookie_header(struct wk_test_client *c)
{
	static char buf[2][1024];
	static int which;
	char *b = buf[which++ & 1];
	size_t i, n = 0;

	b[0] = '\0';
	for (i = 0; i < c->jar.len; i++) {
		int k = snprintf(b + n, 1024 - n, "%s%s=%s", i ? "; " : "",
		    c->jar.items[i].name, c->jar.items[i].value);
		assert_true(k > 0 && (size_t)k < 1024 - n);
		n += (size_t)k;
	}
	return b;
}

static pid_t
start_server(struct wk_settings *s)
{
	char err[256];
	int lfd;
	pid_t pid;

	snprintf(sock_path, sizeof(sock_path), "/tmp/wick-fcgi-%ld.sock",
	    (long)getpid());
	lfd = wk_fastcgi_listen(sock_path, err, sizeof(err));
	assert_true(lfd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		wk_db_forget();  /* the child's own connection */
		_exit(wk_fastcgi_serve(&fixture_app, s, NULL, lfd));
	}
	close(lfd);
	return pid;
}

static int
client_connect(void)
{
	struct sockaddr_un un;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, sock_path, strlen(sock_path) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&un, sizeof(un)), 0);
	return fd;
}

/* Send one request on fd and collect its STDOUT into resp (NUL-ended);
 * returns the protocolStatus of END_REQUEST, -1 if the peer closed. */
static int
roundtrip(int fd, unsigned id, int keep, const char *const *env,
    const char *body, size_t body_len, char *resp, size_t resp_max)
{
	static struct bytes o;
	size_t got = 0, off = 0;
	unsigned char buf[8 + 65535 + 255];

	o.n = 0;
	begin(&o, id, WK_FCGI_RESPONDER, keep);
	params(&o, id, env);
	while (body_len > 0) {
		size_t k = body_len > 30000 ? 30000 : body_len;
		record(&o, WK_FCGI_STDIN, id, body, k, 0);
		body += k;
		body_len -= k;
	}
	record(&o, WK_FCGI_STDIN, id, NULL, 0, 0);
	assert_int_equal(write(fd, o.b, o.n), (ssize_t)o.n);
	for (;;) {
		size_t len, pad;
		ssize_t r;

		/* a header, then its content and padding */
		for (off = 0; off < 8; off += (size_t)r)
			if ((r = read(fd, buf + off, 8 - off)) <= 0)
				return -1;
		len = (size_t)buf[4] << 8 | buf[5];
		pad = buf[6];
		for (off = 0; off < len + pad; off += (size_t)r)
			if ((r = read(fd, buf + 8 + off, len + pad - off)) <= 0)
				return -1;
		if (buf[1] == WK_FCGI_STDOUT) {
			assert_true(got + len < resp_max);
			memcpy(resp + got, buf + 8, len);
			got += len;
			resp[got] = '\0';
		} else if (buf[1] == WK_FCGI_END_REQUEST) {
			return buf[8 + 4];
		}
	}
}

static int
child_exit(pid_t pid, int wait_ms)
{
	int st, i;

	for (i = 0; i < wait_ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
			    WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int
loop_setup(void **state)
{
	struct wk_settings s;
	wk_arena a;

	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&a);
	wk_arena_init(&arena);
	wk_settings_defaults(&s);
	s.password_iterations = 1000;
	assert_int_equal(wk_test_client_init(&ca, &fixture_app, &s), 0);
	assert_int_equal(wk_test_client_fresh_db(&ca, WK_TEST_DB_FILE), 0);
	assert_int_equal(wk_auth_create_user(&a, "alice", "", "alice pw pw "
	    "pw", 1000, 0, NULL), WK_DB_OK);
	assert_int_equal(wk_auth_create_user(&a, "bob", "", "bob pw pw pw",
	    1000, 0, NULL), WK_DB_OK);
	assert_int_equal(wk_test_client_init(&cb, &fixture_app, &s), 0);
	assert_int_equal(wk_test_force_login(&ca, "alice"), 0);
	assert_int_equal(wk_test_force_login(&cb, "bob"), 0);
	wk_arena_free(&a);
	return 0;
}

static int
loop_teardown(void **state)
{
	(void)state;
	wk_test_client_free(&cb);
	wk_test_client_free(&ca);
	wk_arena_free(&arena);
	return 0;
}

/* The env of GET path with cookie (may be NULL). */
static const char *const *
get(const char *path, const char *cookie)
{
	static char p[256], c[1100];
	static const char *env[8];
	size_t n = 0;

	snprintf(p, sizeof(p), "PATH_INFO=%s", path);
	env[n++] = "REQUEST_METHOD=GET";
	env[n++] = "SCRIPT_NAME=";
	env[n++] = p;
	env[n++] = "HTTP_HOST=localhost";
	if (cookie != NULL) {
		snprintf(c, sizeof(c), "HTTP_COOKIE=%s", cookie);
		env[n++] = c;
	}
	env[n] = NULL;
	return env;
}

static char resp[200000];

static void
test_two_users_alternate(void **state)
{
	struct wk_settings s = ca.settings;
	const char *cka, *ckb;
	pid_t pid;
	int fd, i;

	(void)state;
	s.fastcgi_max_requests = 6;
	cka = cookie_header(&ca);
	ckb = cookie_header(&cb);
	pid = start_server(&s);
	for (i = 0; i < 2; i++) {
		fd = client_connect();
		assert_int_equal(roundtrip(fd, 1, 0, get("/posts/new/", cka),
		    NULL, 0, resp, sizeof(resp)), 0);
		assert_non_null(strstr(resp, "Status: 200"));
		assert_non_null(strstr(resp, "Log out alice"));
		assert_null(strstr(resp, "bob"));
		close(fd);
		/* bob on a kept connection, twice, then a stranger */
		fd = client_connect();
		assert_int_equal(roundtrip(fd, 1, 1, get("/posts/new/", ckb),
		    NULL, 0, resp, sizeof(resp)), 0);
		assert_non_null(strstr(resp, "Log out bob"));
		assert_null(strstr(resp, "alice"));
		if (i == 0) {
			assert_int_equal(roundtrip(fd, 2, 1,
			    get("/posts/new/", NULL), NULL, 0, resp,
			    sizeof(resp)), 0);
			/* not logged in: sent to the login page */
			assert_non_null(strstr(resp, "Status: 302"));
			assert_null(strstr(resp, "alice"));
			assert_null(strstr(resp, "bob"));
			assert_null(strstr(resp, "sessionid"));
		}
		close(fd);
	}
	/* A stranger's login page: a new CSRF cookie, not alice's or bob's */
	fd = client_connect();
	assert_int_equal(roundtrip(fd, 1, 0, get("/accounts/login/", NULL),
	    NULL, 0, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Status: 200"));
	assert_non_null(strstr(resp, WK_CSRF_COOKIE_NAME "="));
	assert_null(strstr(resp, wk_kv_get(&ca.jar, WK_CSRF_COOKIE_NAME)));
	assert_null(strstr(resp, wk_kv_get(&cb.jar, WK_CSRF_COOKIE_NAME)));
	assert_null(strstr(resp, "Log out"));
	close(fd);
	/* 6 requests served: the process ends by itself. */
	assert_int_equal(child_exit(pid, 3000), 0);
	unlink(sock_path);
}

/* The CSRF secret the two users' POSTs carry, in the cookie and the body. */
#define LOOP_SECRET "abcdefghijABCDEFGHIJ0123456789xy"

/* The env of a same-origin POST to path as client c (NULL: a stranger)
 * with a body of len bytes of type ct. */
static const char *const *
post(const char *path, struct wk_test_client *c, const char *ct,
    size_t len)
{
	static char p[256], ck[512], t[256], l[64];
	static const char *env[12];
	const char *sid = c != NULL ? wk_kv_get(&c->jar, WK_SESSION_COOKIE) :
	    NULL;
	size_t n = 0;

	snprintf(p, sizeof(p), "PATH_INFO=%s", path);
	snprintf(ck, sizeof(ck), "HTTP_COOKIE=%s=%s%s%s", WK_CSRF_COOKIE_NAME,
	    LOOP_SECRET, sid != NULL ? "; " WK_SESSION_COOKIE "=" : "",
	    sid != NULL ? sid : "");
	snprintf(t, sizeof(t), "CONTENT_TYPE=%s", ct);
	snprintf(l, sizeof(l), "CONTENT_LENGTH=%zu", len);
	env[n++] = "REQUEST_METHOD=POST";
	env[n++] = "SCRIPT_NAME=";
	env[n++] = p;
	env[n++] = "HTTP_HOST=localhost";
	env[n++] = "HTTP_ORIGIN=http://localhost";
	env[n++] = t;
	env[n++] = l;
	env[n++] = ck;
	env[n] = NULL;
	return env;
}

/* POST /flash/ as c on fd: queues a message naming c's user. */
static void
flash_post(int fd, unsigned id, struct wk_test_client *c)
{
	static const char body[] = "csrfmiddlewaretoken=" LOOP_SECRET;

	assert_int_equal(roundtrip(fd, id, 1, post("/flash/", c,
	    "application/x-www-form-urlencoded", sizeof(body) - 1), body,
	    sizeof(body) - 1, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "queued"));
}

/* POST /upload/ as c on fd with one file named fname holding text; resp
 * then lists the parts. */
static void
upload_post(int fd, unsigned id, struct wk_test_client *c,
    const char *fname, const char *text)
{
	char body[1024];
	int n = snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: "
	    "form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n" LOOP_SECRET
	    "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; "
	    "filename=\"%s\"\r\nContent-Type: text/plain\r\n\r\n%s\r\n"
	    "--XyZ--\r\n", fname, text);

	assert_true(n > 0 && (size_t)n < sizeof(body));
	assert_int_equal(roundtrip(fd, id, 1, post("/upload/", c,
	    "multipart/form-data; boundary=XyZ", (size_t)n), body,
	    (size_t)n, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Status: 200"));
}

/*
 * Flash messages and uploads on one process, alice and bob alternately
 * on one kept connection: each sees only what was queued for them, and
 * an upload's temporary files are gone when its request ends, never
 * visible to the next request.
 */
static void
test_two_users_flash_upload(void **state)
{
	struct wk_settings s = ca.settings;
	char dir[512], line[600];
	const char *d, *e;
	struct stat st;
	pid_t pid;
	int fd;

	(void)state;
	s.fastcgi_max_requests = 100;
	pid = start_server(&s);
	fd = client_connect();
	flash_post(fd, 1, &ca);
	/* bob's page and a stranger's: nothing of alice's */
	assert_int_equal(roundtrip(fd, 2, 1, get("/flash/", cookie_header(&cb)),
	    NULL, 0, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "messages: 0"));
	flash_post(fd, 3, &cb);
	assert_int_equal(roundtrip(fd, 4, 1, get("/flash/", NULL), NULL, 0,
	    resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "messages: 0"));
	/* each then reads their own, once */
	assert_int_equal(roundtrip(fd, 5, 1, get("/flash/", cookie_header(&ca)),
	    NULL, 0, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "messages: 1\n[alice]\n"));
	assert_null(strstr(resp, "bob"));
	assert_int_equal(roundtrip(fd, 6, 1, get("/flash/", cookie_header(&cb)),
	    NULL, 0, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "messages: 1\n[bob]\n"));
	assert_null(strstr(resp, "alice"));
	assert_int_equal(roundtrip(fd, 7, 1, get("/flash/", cookie_header(&ca)),
	    NULL, 0, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "messages: 0"));

	/* alice's upload is stored while her request runs ... */
	upload_post(fd, 8, &ca, "alice-secret.txt", "ALICE-SECRET");
	assert_non_null(strstr(resp, "parts: 2\n"));
	assert_non_null(strstr(resp, "doc alice-secret.txt 12 stored\n"));
	d = strstr(resp, "dir: /");
	assert_non_null(d);
	d += 5;
	e = strchr(d, '\n');
	assert_non_null(e);
	assert_true((size_t)(e - d) < sizeof(dir));
	memcpy(dir, d, (size_t)(e - d));
	dir[e - d] = '\0';
	/* ... and gone, folder and all, once it has ended */
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* bob's next request has no parts of hers, with or without a body */
	flash_post(fd, 9, &cb);
	assert_int_equal(roundtrip(fd, 10, 1, get("/flash/", cookie_header(&cb)),
	    NULL, 0, resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "messages: 1\n[bob]\n"));
	upload_post(fd, 11, &cb, "bob.txt", "BOB");
	assert_non_null(strstr(resp, "parts: 2\n"));
	assert_non_null(strstr(resp, "doc bob.txt 3 stored\n"));
	assert_null(strstr(resp, "alice"));
	assert_null(strstr(resp, "ALICE"));
	snprintf(line, sizeof(line), "dir: %s\n", dir);
	assert_null(strstr(resp, line));
	close(fd);
	kill(pid, SIGTERM);
	assert_int_equal(child_exit(pid, 3000), 0);
	unlink(sock_path);
}

/*
 * A view that crashes: its request is answered 500 (records laid out
 * before it ran), the process ends with 70, and the request before it on
 * the same connection was answered whole.
 */
static void
test_crash_answers_500(void **state)
{
	struct wk_settings s = ca.settings;
	pid_t pid;
	int fd;

	(void)state;
	s.fastcgi_max_requests = 100;
	pid = start_server(&s);
	fd = client_connect();
	assert_int_equal(roundtrip(fd, 1, 1, get("/hello", NULL), NULL, 0,
	    resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Hello, world"));
	assert_int_equal(roundtrip(fd, 2, 1, get("/crash/", NULL), NULL, 0,
	    resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Status: 500"));
	assert_non_null(strstr(resp, "Server Error (500)"));
	close(fd);
	assert_int_equal(child_exit(pid, 3000), 70);
	unlink(sock_path);
	/* the next process serves as if nothing happened */
	pid = start_server(&s);
	fd = client_connect();
	assert_int_equal(roundtrip(fd, 1, 0, get("/hello", NULL), NULL, 0,
	    resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Hello, world"));
	close(fd);
	kill(pid, SIGTERM);
	assert_int_equal(child_exit(pid, 3000), 0);
	unlink(sock_path);
}

static void
test_post_body_and_413(void **state)
{
	static char big[5000];
	struct wk_settings s = ca.settings;
	const char *secret = "abcdefghijABCDEFGHIJ0123456789xy";
	char body[256], cl[64], cookie[128];
	const char *env[12];
	pid_t pid;
	int fd, n;

	(void)state;
	assert_int_equal(strlen(secret), WK_CSRF_SECRET_LEN);
	s.max_body = 1000;
	s.fastcgi_max_requests = 100;
	pid = start_server(&s);
	n = snprintf(body, sizeof(body), "csrfmiddlewaretoken=%s&username="
	    "alice&password=wrong", secret);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%d", n);
	snprintf(cookie, sizeof(cookie), "HTTP_COOKIE=%s=%s",
	    WK_CSRF_COOKIE_NAME, secret);
	env[0] = "REQUEST_METHOD=POST";
	env[1] = "SCRIPT_NAME=";
	env[2] = "PATH_INFO=/accounts/login/";
	env[3] = "HTTP_HOST=localhost";
	env[4] = "HTTP_ORIGIN=http://localhost";
	env[5] = "CONTENT_TYPE=application/x-www-form-urlencoded";
	env[6] = cl;
	env[7] = cookie;
	env[8] = NULL;
	fd = client_connect();
	/* The token is only in the body: 200 (the form again, with an
	 * error) proves the body was read; 403 would mean it was not. */
	assert_int_equal(roundtrip(fd, 1, 1, env, body, (size_t)n, resp,
	    sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Status: 200"));
	assert_non_null(strstr(resp, "value=\"alice\""));
	/* Over max_body_bytes: 413, and the kept connection still serves. */
	memset(big, 'a', sizeof(big));
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", sizeof(big));
	assert_int_equal(roundtrip(fd, 2, 1, env, big, sizeof(big), resp,
	    sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Status: 413"));
	assert_int_equal(roundtrip(fd, 3, 1, get("/hello", NULL), NULL, 0,
	    resp, sizeof(resp)), 0);
	assert_non_null(strstr(resp, "Hello, world"));
	close(fd);
	/* SIGTERM while idle: a clean exit. */
	kill(pid, SIGTERM);
	assert_int_equal(child_exit(pid, 3000), 0);
	unlink(sock_path);
}

static void
test_listen_refuses(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(wk_fastcgi_listen("nowhere", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "127.0.0.1:PORT"));
	assert_int_equal(wk_fastcgi_listen("127.0.0.1:99999", err,
	    sizeof(err)), -1);
	assert_int_equal(wk_fastcgi_is_listener(-1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_request, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_byte_reads, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keep_conn_two_requests,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_get_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cant_mpx, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_total_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_protocol_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stall_times_out, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_body_deadline, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stdout_split, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_two_users_alternate,
		    loop_setup, loop_teardown),
		cmocka_unit_test_setup_teardown(test_two_users_flash_upload,
		    loop_setup, loop_teardown),
		cmocka_unit_test_setup_teardown(test_crash_answers_500,
		    loop_setup, loop_teardown),
		cmocka_unit_test_setup_teardown(test_post_body_and_413,
		    loop_setup, loop_teardown),
		cmocka_unit_test(test_listen_refuses),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
