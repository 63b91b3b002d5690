/*
 * fcgi_proto.h - the FastCGI record layer, private to src/front/: the
 * responder loop (fastcgi.c) and its tests and fuzzer use it.
 *
 * One connection, one request at a time (FCGI_MAX_CONNS=1, FCGI_MAX_REQS=1,
 * FCGI_MPXS_CONNS=0).  Everything here is written for a hostile peer: each
 * record is read whole within a deadline (a peer that stalls mid-record is
 * cut off), its length is the 16-bit one of the header so the buffer below
 * always holds it, the parameters of a request are bounded in bytes and in
 * count, and every length inside a parameter is checked against what is
 * left before it is used.  Wick's own parser, not libfcgi: libfcgi has a
 * history of integer overflows in exactly this name-value code.
 *
 * Use (fastcgi.c):
 *
 *   wk_fcgi_conn_init(c, in, out, timeout_ms);
 *   while ((r = wk_fcgi_request_begin(c, &arena, &envp)) == WK_FCGI_OK) {
 *       wk_app_serve(..., envp, &c->body, &c->stdout_w, ...);
 *       wk_fcgi_request_end(c, 0);       // flush STDOUT, END_REQUEST
 *       if (!c->keep_conn || c->broken) break;
 *   }
 *
 * The connection's transport is a wk_reader and a wk_writer (io.h), so the
 * tests and the fuzzer drive it from memory.
 */
#ifndef WICK_FRONT_FCGI_PROTO_H
#define WICK_FRONT_FCGI_PROTO_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/http/io.h"

/* Record types (FastCGI 1.0, section 8). */
enum wk_fcgi_type {
	WK_FCGI_BEGIN_REQUEST = 1,
	WK_FCGI_ABORT_REQUEST = 2,
	WK_FCGI_END_REQUEST = 3,
	WK_FCGI_PARAMS = 4,
	WK_FCGI_STDIN = 5,
	WK_FCGI_STDOUT = 6,
	WK_FCGI_STDERR = 7,
	WK_FCGI_DATA = 8,
	WK_FCGI_GET_VALUES = 9,
	WK_FCGI_GET_VALUES_RESULT = 10,
	WK_FCGI_UNKNOWN_TYPE = 11,
	WK_FCGI_TYPE__MAX
};

/* protocolStatus of END_REQUEST. */
enum wk_fcgi_status {
	WK_FCGI_REQUEST_COMPLETE = 0,
	WK_FCGI_CANT_MPX_CONN = 1,
	WK_FCGI_OVERLOADED = 2,
	WK_FCGI_UNKNOWN_ROLE = 3
};

#define WK_FCGI_VERSION 1
#define WK_FCGI_HEADER_LEN 8
#define WK_FCGI_RESPONDER 1
#define WK_FCGI_KEEP_CONN 1
#define WK_FCGI_MAX_CONTENT 65535        /* the header's 16-bit length */
#define WK_FCGI_PARAMS_MAX (64 * 1024)   /* all PARAMS of one request */
#define WK_FCGI_PARAMS_COUNT_MAX 512     /* name-value pairs in them */

/* What wk_fcgi_request_begin and wk_fcgi_record_read return. */
enum wk_fcgi_result {
	WK_FCGI_OK = 0,
	WK_FCGI_EOF = 1,        /* the peer closed between records */
	WK_FCGI_ERROR = -1,     /* protocol error, timeout or transport */
	WK_FCGI_BAD_PARAMS = -2,/* the request's PARAMS are refused */
	WK_FCGI_ABORTED = -3    /* ABORT_REQUEST before the params ended */
};

/* One record's header, decoded. */
struct wk_fcgi_header {
	unsigned type;           /* enum wk_fcgi_type, or anything the peer sent */
	unsigned id;             /* requestId; 0 for management records */
	size_t len;              /* contentLength */
	size_t pad;              /* paddingLength */
};

/* A connection: caller-owned (it is large; make it static or malloc it). */
struct wk_fcgi_conn {
	const struct wk_reader *in;
	const struct wk_writer *out;
	int timeout_ms;          /* to read one record, from its first byte */

	unsigned id;             /* the active request, 0 when none */
	int keep_conn;           /* FCGI_KEEP_CONN of the active request */
	int stdin_done;          /* its empty STDIN record arrived */
	int aborted;             /* ABORT_REQUEST arrived for it */
	int broken;              /* protocol or transport error: close */
	int out_failed;          /* a write to the peer failed */

	/* What the app's body reader gets: STDIN content of the active id. */
	struct wk_reader body;
	/* What the app's answer goes through: STDOUT records. */
	struct wk_writer stdout_w;

	size_t rec_off, rec_len; /* unread STDIN bytes in rec[] */
	size_t out_len;          /* STDOUT bytes waiting in out_buf */
	size_t params_len;
	unsigned char rec[WK_FCGI_MAX_CONTENT + 255];
	unsigned char params[WK_FCGI_PARAMS_MAX];
	unsigned char out_buf[WK_FCGI_HEADER_LEN + WK_FCGI_MAX_CONTENT];
};

/*
 * wk_fcgi_conn_init - set c up on a transport: in for the peer's bytes
 * (its stream flag is passed on to c->body), out for ours; timeout_ms
 * bounds the read of each record.  No request is active.
 */
void wk_fcgi_conn_init(struct wk_fcgi_conn *c, const struct wk_reader *in,
    const struct wk_writer *out, int timeout_ms);

/*
 * wk_fcgi_record_read - read one whole record (header, content into
 * c->rec, padding skipped) into *h, within c->timeout_ms.  Returns
 * WK_FCGI_OK, WK_FCGI_EOF when the input ended before any byte of it, or
 * WK_FCGI_ERROR (a version other than 1, a record cut short, a timeout, a
 * transport error; c->broken is set).
 */
int wk_fcgi_record_read(struct wk_fcgi_conn *c, struct wk_fcgi_header *h);

/*
 * wk_fcgi_request_begin - read records until a responder request has its
 * parameters: answers GET_VALUES, refuses other roles (END_REQUEST
 * UNKNOWN_ROLE), a second request id (CANT_MPX_CONN) and unknown types
 * (UNKNOWN_TYPE), ignores records of inactive ids.  On WK_FCGI_OK, *envp
 * is a NULL-terminated "NAME=value" array in a (the CGI environment the
 * pipeline takes) and c->body reads the STDIN stream.  WK_FCGI_BAD_PARAMS:
 * parameters over WK_FCGI_PARAMS_MAX bytes or WK_FCGI_PARAMS_COUNT_MAX
 * pairs, a length past the end, an empty name, '=' or NUL in a name, NUL
 * in a value; the request is still active, for the caller to answer.
 * WK_FCGI_ABORTED: the request ended (END_REQUEST sent); begin again if
 * c->keep_conn.  WK_FCGI_EOF and WK_FCGI_ERROR as for wk_fcgi_record_read.
 */
int wk_fcgi_request_begin(struct wk_fcgi_conn *c, wk_arena *a,
    char ***envp);

/*
 * wk_fcgi_drain_stdin - read and drop what is left of the active
 * request's STDIN, at most max bytes.  Returns 0 when the stream ended,
 * -1 otherwise (too much, longer than 2 s, error, abort: the connection
 * cannot be reused).
 */
int wk_fcgi_drain_stdin(struct wk_fcgi_conn *c, size_t max);

/*
 * wk_fcgi_request_end - flush STDOUT, send the empty STDOUT record and
 * END_REQUEST (app_status, REQUEST_COMPLETE); no request is active
 * afterwards.  Returns 0, or -1 when the peer could not be written to.
 */
int wk_fcgi_request_end(struct wk_fcgi_conn *c, unsigned app_status);

#endif /* WICK_FRONT_FCGI_PROTO_H */
