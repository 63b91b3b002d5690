/*
 * buf.c - growable arena-backed buffers (see buf.h).
 *
 * Capacity doubles, so building an N-byte body costs O(N) copies in total;
 * when the buffer is the newest arena allocation, wk_arena_realloc grows it
 * in place and nothing is copied at all.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wick/core/buf.h"

/* see buf.h */
void
wk_buf_init(wk_buf *b, wk_arena *a)
{
	assert(b != NULL && a != NULL);
	b->arena = a;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
}

/* Make room for n more bytes (plus the NUL). */
static int
buf_reserve(wk_buf *b, size_t n)
{
	size_t want, newcap;
	char *p;

	if (b->failed)
		return -1;
	if (n > SIZE_MAX - 1 - b->len)
		goto fail;
	want = b->len + n;
	if (want <= b->cap && b->data != NULL)
		return 0;
	newcap = b->cap < 256 ? 256 : b->cap;
	while (newcap < want) {
		if (newcap > SIZE_MAX / 2 - 1)
			goto fail;
		newcap *= 2;
	}
	p = wk_arena_realloc(b->arena, b->data, b->data ? b->cap + 1 : 0,
	    newcap + 1);
	if (p == NULL)
		goto fail;
	b->data = p;
	b->cap = newcap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

/* see buf.h */
int
wk_buf_append(wk_buf *b, const void *p, size_t n)
{
	/* Room already there (the common case): no call. */
	if ((b->data == NULL || b->failed || n > b->cap - b->len) &&
	    buf_reserve(b, n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* see buf.h */
int
wk_buf_puts(wk_buf *b, const char *s)
{
	return wk_buf_append(b, s, strlen(s));
}

/* see buf.h */
int
wk_buf_putc(wk_buf *b, char c)
{
	if (b->data != NULL && !b->failed && b->len < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return wk_buf_append(b, &c, 1);
}

/* see buf.h */
int
wk_buf_vprintf(wk_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->failed)
		return -1;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || buf_reserve(b, (size_t)n) != 0) {
		b->failed = 1;
		return -1;
	}
	if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n) {
		b->failed = 1;
		return -1;
	}
	b->len += (size_t)n;
	return 0;
}

/* see buf.h */
int
wk_buf_printf(wk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = wk_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * The replacement of each byte HTML text escapes (index into html_rep),
 * 0 for the bytes copied as they are: one load per byte on the path every
 * printed variable takes.
 */
static const unsigned char html_class[256] = {
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const struct {
	const char *s;
	size_t n;
} html_rep[6] = {
	{ "", 0 }, { "&amp;", 5 }, { "&lt;", 4 }, { "&gt;", 4 },
	{ "&quot;", 6 }, { "&#x27;", 6 },
};

/* see buf.h */
int
wk_buf_append_html(wk_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, start = 0;
	unsigned k;

	for (i = 0; i < n; i++) {
		if ((k = html_class[u[i]]) == 0)
			continue;
		if (wk_buf_append(b, s + start, i - start) != 0 ||
		    wk_buf_append(b, html_rep[k].s, html_rep[k].n) != 0)
			return -1;
		start = i + 1;
	}
	return wk_buf_append(b, s + start, n - start);
}

/* see buf.h */
const char *
wk_buf_cstr(const wk_buf *b)
{
	return b->data != NULL ? b->data : "";
}

/* see buf.h */
void
wk_buf_reset(wk_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}
