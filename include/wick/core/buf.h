/*
 * buf.h - growable byte buffers backed by an arena.
 *
 * Response bodies, rendered templates, JSON and log lines are all built by
 * appending to a wk_buf.  Errors are sticky (BearSSL's habit): once an append
 * fails (size overflow or arena limit), b->failed stays set and further
 * appends do nothing, so callers may append many pieces and check once.
 * The contents are always NUL-terminated when b->data is not NULL.
 */
#ifndef WICK_BUF_H
#define WICK_BUF_H

#include <stddef.h>
#include <stdarg.h>

#include "wick/core/arena.h"

typedef struct wk_buf {
	wk_arena *arena; /* where the storage comes from */
	char *data;      /* NUL-terminated contents, or NULL while empty */
	size_t len;      /* bytes used, excluding the NUL */
	size_t cap;      /* bytes available, excluding the NUL */
	int failed;      /* sticky: an append failed */
} wk_buf;

/* wk_buf_init - an empty buffer drawing on arena a. */
void wk_buf_init(wk_buf *b, wk_arena *a);

/* wk_buf_append - append n bytes of p.  0 on success, -1 (sticky) on error. */
int wk_buf_append(wk_buf *b, const void *p, size_t n);

/* wk_buf_puts - append the NUL-terminated s.  0 or -1. */
int wk_buf_puts(wk_buf *b, const char *s);

/* wk_buf_putc - append one byte.  0 or -1. */
int wk_buf_putc(wk_buf *b, char c);

/* wk_buf_printf - append formatted text (never truncated).  0 or -1. */
int wk_buf_printf(wk_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int wk_buf_vprintf(wk_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * wk_buf_append_html - append n bytes of s escaped for HTML text and
 * attribute values: & < > " ' become &amp; &lt; &gt; &quot; &#x27;.
 */
int wk_buf_append_html(wk_buf *b, const char *s, size_t n);

/* wk_buf_cstr - the contents as a C string ("" while empty). */
const char *wk_buf_cstr(const wk_buf *b);

/* wk_buf_reset - forget the contents (keeps the storage), clears failed. */
void wk_buf_reset(wk_buf *b);

#endif /* WICK_BUF_H */
