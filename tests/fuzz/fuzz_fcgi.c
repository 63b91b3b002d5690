/*
 * fuzz_fcgi.c - libFuzzer harness for the FastCGI record layer
 * (src/front/fcgi_proto.c), where a FastCGI peer's bytes enter Wick.
 *
 * The input is the byte stream of one connection.  Requests are taken
 * from it in a loop as the responder does (wk_fcgi_request_begin), the
 * environment built from each request's params is walked (ASan sees a
 * bad pointer or a missing NUL), the body is read through the request's
 * reader in odd-sized pieces, a short answer is written, and the request
 * is ended; the loop stops when the layer says the connection is done.
 * Whatever the layer writes back goes to a buffer that is checked to be
 * whole records.  Seeds live in tests/fuzz/corpus/fuzz_fcgi/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/http/io.h"
#include "../../src/front/fcgi_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wk_fcgi_conn conn;

/* The layer's own output must parse as whole version-1 records. */
static void
check_records(const wk_buf *b)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t off = 0;

	while (off < b->len) {
		if (b->len - off < 8 || p[off] != 1)
			abort();
		off += 8 + ((size_t)p[off + 4] << 8 | p[off + 5]) + p[off + 6];
	}
	if (off != b->len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wk_mem_reader in;
	struct wk_buf_writer w;
	wk_arena out_arena;
	wk_buf out;
	int rounds;

	wk_arena_init(&out_arena);
	wk_buf_init(&out, &out_arena);
	wk_fcgi_conn_init(&conn, wk_mem_reader_init(&in, data, size),
	    wk_buf_writer_init(&w, &out), 1000);
	for (rounds = 0; rounds < 64; rounds++) {
		wk_arena a;
		char **envp = NULL;
		char sink[37];
		size_t i, sum = 0;
		int r;

		wk_arena_init(&a);
		r = wk_fcgi_request_begin(&conn, &a, &envp);
		if (r == WK_FCGI_OK) {
			for (i = 0; envp[i] != NULL; i++)
				sum += strlen(envp[i]);
			if (i > WK_FCGI_PARAMS_COUNT_MAX ||
			    sum > WK_FCGI_PARAMS_MAX * 2)
				abort();
			while (conn.body.read(conn.body.ctx, sink,
			    1 + (sum + (size_t)rounds) % sizeof(sink), 0) > 0)
				;
			(void)conn.stdout_w.write(conn.stdout_w.ctx,
			    "Status: 200\r\n\r\n", 15);
			(void)wk_fcgi_request_end(&conn, 0);
		} else if (r == WK_FCGI_BAD_PARAMS) {
			(void)wk_fcgi_request_end(&conn, 0);
		}
		wk_arena_free(&a);
		if ((r != WK_FCGI_OK && r != WK_FCGI_ABORTED) ||
		    conn.broken || !conn.keep_conn)
			break;
	}
	check_records(&out);
	wk_arena_free(&out_arena);
	return 0;
}
