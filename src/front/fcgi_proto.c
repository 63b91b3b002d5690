/*
 * fcgi_proto.c - the FastCGI record layer (see fcgi_proto.h).
 *
 * Every byte the peer sends passes through fcgi_read_full, under the
 * deadline of the record it belongs to; every length the peer states is
 * checked against the bytes we hold before it is used.  The layer never
 * allocates beyond the caller's struct and the request's arena (for the
 * environment it builds).  It speaks one request at a time: what a
 * multiplexing peer sends for another id is refused or ignored, never
 * mixed into the active request.
 */
#include <assert.h>
#include <string.h>

#include "fcgi_proto.h"

/* How long an unread body may take to drop, in all (CGI's drain too). */
#define FCGI_DRAIN_MS 2000

/* Read exactly n bytes before deadline.  1 done, 0 clean end before any
 * byte (only when may_eof), -1 error, timeout or a short input. */
static int
fcgi_read_full(struct wk_fcgi_conn *c, void *dst, size_t n,
    long long deadline, int may_eof)
{
	unsigned char *p = dst;
	size_t got = 0;

	while (got < n) {
		long r = c->in->read(c->in->ctx, p + got, n - got, deadline);
		if (r == 0 && got == 0 && may_eof)
			return 0;
		if (r <= 0 || (size_t)r > n - got)
			return -1;
		got += (size_t)r;
	}
	return 1;
}

static void
fcgi_header_put(unsigned char *h, unsigned type, unsigned id, size_t len)
{
	h[0] = WK_FCGI_VERSION;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(len >> 8);
	h[5] = (unsigned char)len;
	h[6] = 0;
	h[7] = 0;
}

/* Write one record (len <= WK_FCGI_MAX_CONTENT) in a single write. */
static int
fcgi_write_record(struct wk_fcgi_conn *c, unsigned type, unsigned id,
    const void *content, size_t len)
{
	unsigned char rec[WK_FCGI_HEADER_LEN + 64];

	assert(len <= sizeof(rec) - WK_FCGI_HEADER_LEN);
	fcgi_header_put(rec, type, id, len);
	if (len > 0)
		memcpy(rec + WK_FCGI_HEADER_LEN, content, len);
	if (c->out->write(c->out->ctx, rec, WK_FCGI_HEADER_LEN + len) != 0) {
		c->out_failed = 1;
		return -1;
	}
	return 0;
}

static int
fcgi_end_record(struct wk_fcgi_conn *c, unsigned id, unsigned app_status,
    unsigned proto)
{
	unsigned char b[8] = { (unsigned char)(app_status >> 24),
		(unsigned char)(app_status >> 16), (unsigned char)(app_status >> 8),
		(unsigned char)app_status, (unsigned char)proto, 0, 0, 0 };

	return fcgi_write_record(c, WK_FCGI_END_REQUEST, id, b, sizeof(b));
}

/* One record, by the record's own deadline or limit (> 0), the sooner. */
static int
fcgi_record_read_by(struct wk_fcgi_conn *c, struct wk_fcgi_header *h,
    long long limit)
{
	unsigned char hb[WK_FCGI_HEADER_LEN];
	long long deadline;
	int r;

	deadline = wk_io_now_ms() + c->timeout_ms;
	if (limit > 0 && limit < deadline)
		deadline = limit;
	r = fcgi_read_full(c, hb, sizeof(hb), deadline, 1);
	if (r == 0)
		return WK_FCGI_EOF;
	if (r < 0 || hb[0] != WK_FCGI_VERSION)
		goto fail;
	h->type = hb[1];
	h->id = (unsigned)hb[2] << 8 | hb[3];
	h->len = (size_t)hb[4] << 8 | hb[5];
	h->pad = hb[6];
	/* len <= 65535 and pad <= 255: rec[] holds both, by its size. */
	if (fcgi_read_full(c, c->rec, h->len + h->pad, deadline, 0) != 1)
		goto fail;
	return WK_FCGI_OK;
fail:
	c->broken = 1;
	return WK_FCGI_ERROR;
}

/* see fcgi_proto.h */
int
wk_fcgi_record_read(struct wk_fcgi_conn *c, struct wk_fcgi_header *h)
{
	return fcgi_record_read_by(c, h, 0);
}

/*
 * One name-value length at p[*off] (1 byte below 128, else 4 bytes with
 * the top bit set).  0 with *len, or -1 when it does not fit in end.
 */
static int
fcgi_nv_len(const unsigned char *p, size_t end, size_t *off, size_t *len)
{
	if (*off >= end)
		return -1;
	if ((p[*off] & 0x80) == 0) {
		*len = p[(*off)++];
		return 0;
	}
	if (end - *off < 4)
		return -1;
	*len = (size_t)(p[*off] & 0x7f) << 24 | (size_t)p[*off + 1] << 16 |
	    (size_t)p[*off + 2] << 8 | p[*off + 3];
	*off += 4;
	return 0;
}

/* The next pair of p[0..end) from *off: name and value pointers and
 * lengths, both checked against what is left.  0, or -1. */
static int
fcgi_nv_next(const unsigned char *p, size_t end, size_t *off,
    const unsigned char **name, size_t *nlen, const unsigned char **value,
    size_t *vlen)
{
	if (fcgi_nv_len(p, end, off, nlen) != 0 ||
	    fcgi_nv_len(p, end, off, vlen) != 0)
		return -1;
	if (*nlen > end - *off || *vlen > end - *off - *nlen)
		return -1;
	*name = p + *off;
	*value = p + *off + *nlen;
	*off += *nlen + *vlen;
	return 0;
}

/* The request's PARAMS as a CGI environment in a. */
static int
fcgi_params_env(const struct wk_fcgi_conn *c, wk_arena *a, char ***envp)
{
	const unsigned char *name, *value;
	size_t off = 0, nlen, vlen, count = 0, i;
	char **env;

	/* Count and check first, then allocate once. */
	while (off < c->params_len) {
		if (fcgi_nv_next(c->params, c->params_len, &off, &name, &nlen,
		    &value, &vlen) != 0 || nlen == 0 ||
		    memchr(name, '=', nlen) != NULL ||
		    memchr(name, '\0', nlen) != NULL ||
		    memchr(value, '\0', vlen) != NULL)
			return WK_FCGI_BAD_PARAMS;
		if (++count > WK_FCGI_PARAMS_COUNT_MAX)
			return WK_FCGI_BAD_PARAMS;
	}
	env = wk_arena_alloc(a, (count + 1) * sizeof(*env));
	if (env == NULL)
		return WK_FCGI_BAD_PARAMS;
	off = 0;
	for (i = 0; i < count; i++) {
		char *e;

		(void)fcgi_nv_next(c->params, c->params_len, &off, &name,
		    &nlen, &value, &vlen);
		/* nlen + vlen < WK_FCGI_PARAMS_MAX: no overflow. */
		if ((e = wk_arena_alloc(a, nlen + vlen + 2)) == NULL)
			return WK_FCGI_BAD_PARAMS;
		memcpy(e, name, nlen);
		e[nlen] = '=';
		memcpy(e + nlen + 1, value, vlen);
		e[nlen + 1 + vlen] = '\0';
		env[i] = e;
	}
	env[count] = NULL;
	*envp = env;
	return WK_FCGI_OK;
}

/* Answer GET_VALUES (its content in c->rec) with what we know. */
static int
fcgi_get_values(struct wk_fcgi_conn *c, size_t len)
{
	static const struct { const char *name, *value; } known[] = {
		{ "FCGI_MAX_CONNS", "1" },
		{ "FCGI_MAX_REQS", "1" },
		{ "FCGI_MPXS_CONNS", "0" },
	};
	unsigned char out[WK_FCGI_HEADER_LEN + 64];
	const unsigned char *name, *value;
	size_t off = 0, nlen, vlen, olen = WK_FCGI_HEADER_LEN, k;

	while (off < len && fcgi_nv_next(c->rec, len, &off, &name, &nlen,
	    &value, &vlen) == 0) {
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			size_t kl = strlen(known[k].name);
			size_t vl = strlen(known[k].value);
			if (nlen != kl || memcmp(name, known[k].name, kl) != 0)
				continue;
			if (olen + 2 + kl + vl > sizeof(out))
				break;  /* a peer asking twice: answered once */
			out[olen++] = (unsigned char)kl;
			out[olen++] = (unsigned char)vl;
			memcpy(out + olen, known[k].name, kl);
			olen += kl;
			memcpy(out + olen, known[k].value, vl);
			olen += vl;
		}
	}
	fcgi_header_put(out, WK_FCGI_GET_VALUES_RESULT, 0,
	    olen - WK_FCGI_HEADER_LEN);
	if (c->out->write(c->out->ctx, out, olen) != 0) {
		c->out_failed = 1;
		return -1;
	}
	return 0;
}

static int
fcgi_unknown_type(struct wk_fcgi_conn *c, unsigned type)
{
	unsigned char b[8] = { (unsigned char)type, 0, 0, 0, 0, 0, 0, 0 };

	return fcgi_write_record(c, WK_FCGI_UNKNOWN_TYPE, 0, b, sizeof(b));
}

/*
 * A record that is not the active request's stream: management records,
 * a BEGIN for another id, records of inactive ids.  0 handled (answered
 * or ignored), -1 write failure.  ABORT of the active id is the caller's.
 */
static int
fcgi_other_record(struct wk_fcgi_conn *c, const struct wk_fcgi_header *h)
{
	switch (h->type) {
	case WK_FCGI_GET_VALUES:
		if (h->id != 0)
			return 0;
		return fcgi_get_values(c, h->len);
	case WK_FCGI_BEGIN_REQUEST:
		/* Another request while one is active (same id: broken). */
		if (h->id == 0)
			return fcgi_unknown_type(c, h->type);
		return fcgi_end_record(c, h->id, 0, WK_FCGI_CANT_MPX_CONN);
	case WK_FCGI_ABORT_REQUEST:
	case WK_FCGI_PARAMS:
	case WK_FCGI_STDIN:
	case WK_FCGI_DATA:
		return 0;  /* for an id that is not active: ignored */
	default:
		return fcgi_unknown_type(c, h->type);
	}
}

/* The app's body reader: the active request's STDIN records, with the
 * management records that arrive meanwhile answered on the way. */
static long
fcgi_body_read(void *ctx, void *dst, size_t n, long long deadline_ms)
{
	struct wk_fcgi_conn *c = ctx;
	struct wk_fcgi_header h;
	size_t take;

	while (c->rec_off == c->rec_len) {
		if (c->stdin_done)
			return 0;
		if (c->aborted || c->broken || c->id == 0)
			return WK_IO_ERROR;
		/* The parser's deadline for the whole body bounds a peer that
		 * sends a byte a record, each just inside c->timeout_ms. */
		if (fcgi_record_read_by(c, &h, deadline_ms) != WK_FCGI_OK) {
			c->broken = 1;
			return WK_IO_ERROR;
		}
		if (h.id == c->id && h.type == WK_FCGI_STDIN) {
			if (h.len == 0)
				c->stdin_done = 1;
			c->rec_off = 0;
			c->rec_len = h.len;
			continue;
		}
		if (h.id == c->id && h.type == WK_FCGI_ABORT_REQUEST) {
			c->aborted = 1;
			return WK_IO_ERROR;
		}
		if (h.id == c->id && h.type == WK_FCGI_BEGIN_REQUEST) {
			c->broken = 1;
			return WK_IO_ERROR;
		}
		if (h.id == c->id && h.type == WK_FCGI_PARAMS)
			continue;  /* late params: ignored */
		if (fcgi_other_record(c, &h) != 0)
			return WK_IO_ERROR;
	}
	take = c->rec_len - c->rec_off;
	if (take > n)
		take = n;
	memcpy(dst, c->rec + c->rec_off, take);
	c->rec_off += take;
	return (long)take;
}

static int
fcgi_flush(struct wk_fcgi_conn *c)
{
	size_t len = c->out_len;

	if (len == 0 || c->out_failed)
		return c->out_failed ? -1 : 0;
	fcgi_header_put(c->out_buf, WK_FCGI_STDOUT, c->id, len);
	c->out_len = 0;
	if (c->out->write(c->out->ctx, c->out_buf, WK_FCGI_HEADER_LEN + len)
	    != 0) {
		c->out_failed = 1;
		return -1;
	}
	return 0;
}

/* The app's answer, cut into STDOUT records of at most 65535 bytes. */
static int
fcgi_stdout_write(void *ctx, const void *src, size_t n)
{
	struct wk_fcgi_conn *c = ctx;
	const unsigned char *p = src;

	while (n > 0) {
		size_t room = WK_FCGI_MAX_CONTENT - c->out_len;
		size_t take = n < room ? n : room;

		memcpy(c->out_buf + WK_FCGI_HEADER_LEN + c->out_len, p, take);
		c->out_len += take;
		p += take;
		n -= take;
		if (c->out_len == WK_FCGI_MAX_CONTENT && fcgi_flush(c) != 0)
			return -1;
	}
	return c->out_failed ? -1 : 0;
}

/* see fcgi_proto.h */
void
wk_fcgi_conn_init(struct wk_fcgi_conn *c, const struct wk_reader *in,
    const struct wk_writer *out, int timeout_ms)
{
	c->in = in;
	c->out = out;
	c->timeout_ms = timeout_ms;
	c->id = 0;
	c->keep_conn = 0;
	c->stdin_done = 0;
	c->aborted = 0;
	c->broken = 0;
	c->out_failed = 0;
	c->rec_off = c->rec_len = 0;
	c->out_len = 0;
	c->params_len = 0;
	c->body.read = fcgi_body_read;
	c->body.ctx = c;
	c->body.stream = in->stream;
	c->stdout_w.write = fcgi_stdout_write;
	c->stdout_w.ctx = c;
}

/* see fcgi_proto.h */
int
wk_fcgi_request_begin(struct wk_fcgi_conn *c, wk_arena *a, char ***envp)
{
	struct wk_fcgi_header h;
	int r;

	assert(c->id == 0);
	c->keep_conn = 0;
	c->stdin_done = c->aborted = 0;
	c->rec_off = c->rec_len = 0;
	c->out_len = 0;
	c->params_len = 0;
	for (;;) {
		if ((r = wk_fcgi_record_read(c, &h)) != WK_FCGI_OK)
			return r;
		if (c->id == 0) {
			if (h.type != WK_FCGI_BEGIN_REQUEST || h.id == 0) {
				if (fcgi_other_record(c, &h) != 0)
					goto broken;
				continue;
			}
			if (h.len != 8)
				goto broken;
			if (((unsigned)c->rec[0] << 8 | c->rec[1]) !=
			    WK_FCGI_RESPONDER) {
				if (fcgi_end_record(c, h.id, 0,
				    WK_FCGI_UNKNOWN_ROLE) != 0)
					goto broken;
				continue;
			}
			c->id = h.id;
			c->keep_conn = (c->rec[2] & WK_FCGI_KEEP_CONN) != 0;
			continue;
		}
		if (h.id != c->id) {
			if (fcgi_other_record(c, &h) != 0)
				goto broken;
			continue;
		}
		switch (h.type) {
		case WK_FCGI_PARAMS:
			if (h.len == 0) {
				if ((r = fcgi_params_env(c, a, envp)) != 0)
					c->broken = 1;
				return r;
			}
			if (h.len > sizeof(c->params) - c->params_len) {
				c->broken = 1;
				return WK_FCGI_BAD_PARAMS;
			}
			memcpy(c->params + c->params_len, c->rec, h.len);
			c->params_len += h.len;
			break;
		case WK_FCGI_ABORT_REQUEST:
			r = fcgi_end_record(c, c->id, 0,
			    WK_FCGI_REQUEST_COMPLETE);
			c->id = 0;
			if (r != 0)
				goto broken;
			return WK_FCGI_ABORTED;
		case WK_FCGI_GET_VALUES:
		case WK_FCGI_BEGIN_REQUEST:
		case WK_FCGI_STDIN:
		case WK_FCGI_DATA:
			/* the same id again, or its body before its params */
			goto broken;
		default:
			if (fcgi_unknown_type(c, h.type) != 0)
				goto broken;
			break;
		}
	}
broken:
	c->broken = 1;
	return WK_FCGI_ERROR;
}

/* see fcgi_proto.h */
int
wk_fcgi_drain_stdin(struct wk_fcgi_conn *c, size_t max)
{
	unsigned char sink[4096];
	size_t dropped = 0;
	long long deadline = wk_io_now_ms() + FCGI_DRAIN_MS;
	long n;

	while ((n = fcgi_body_read(c, sink, sizeof(sink), deadline)) > 0) {
		dropped += (size_t)n;
		if (dropped > max)
			return -1;
	}
	return n == 0 ? 0 : -1;
}

/* see fcgi_proto.h */
int
wk_fcgi_request_end(struct wk_fcgi_conn *c, unsigned app_status)
{
	int r = 0;

	if (c->id == 0)
		return 0;
	if (fcgi_flush(c) != 0 ||
	    fcgi_write_record(c, WK_FCGI_STDOUT, c->id, NULL, 0) != 0 ||
	    fcgi_end_record(c, c->id, app_status,
	    WK_FCGI_REQUEST_COMPLETE) != 0)
		r = -1;
	c->id = 0;
	return r;
}
