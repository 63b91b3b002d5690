/*
 * filters_json.c - values written out as code: escapejs (text for a
 * JavaScript string), json_script (a value as JSON inside a <script>
 * element, with <, > and & escaped so it cannot close it) and pprint
 * (a value as Python's repr would show it).  Nesting is bounded
 * (JSON_MAX_DEPTH), so a cyclic or hostile value cannot recurse for ever.
 */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

#define JSON_MAX_DEPTH 64

/* JavaScript string escapes for the characters that matter in HTML. */
static int
js_escape(wk_buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch < 0x20 || strchr("\\'\"<>&=-;`", ch) != NULL) {
			wk_buf_printf(b, "\\u%04X", ch);
		} else if (ch == 0xe2 && i + 2 < n &&
		    (unsigned char)p[i + 1] == 0x80 &&
		    ((unsigned char)p[i + 2] == 0xa8 ||
		    (unsigned char)p[i + 2] == 0xa9)) {
			wk_buf_printf(b, "\\u%04X",
			    (unsigned char)p[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			i += 2;
		} else
			wk_buf_putc(b, (char)ch);
	}
	return b->failed ? -1 : 0;
}

int
tpl_f_escapejs(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;
	wk_buf b;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	js_escape(&b, p, n);
	return tpl_from_buf(&b, 1, out);
}

/* A JSON string with <, >, & as \u escapes (safe inside <script>). */
static void
json_string(wk_buf *b, const char *p, size_t n)
{
	size_t i;

	wk_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		switch (ch) {
		case '"': wk_buf_append(b, "\\\"", 2); break;
		case '\\': wk_buf_append(b, "\\\\", 2); break;
		case '\n': wk_buf_append(b, "\\n", 2); break;
		case '\r': wk_buf_append(b, "\\r", 2); break;
		case '\t': wk_buf_append(b, "\\t", 2); break;
		case '<': wk_buf_append(b, "\\u003C", 6); break;
		case '>': wk_buf_append(b, "\\u003E", 6); break;
		case '&': wk_buf_append(b, "\\u0026", 6); break;
		default:
			if (ch < 0x20)
				wk_buf_printf(b, "\\u%04x", ch);
			else
				wk_buf_putc(b, (char)ch);
		}
	}
	wk_buf_putc(b, '"');
}

static int
json_value(wk_buf *b, const struct wk_value *v, wk_arena *a, int depth)
{
	struct wk_value item;
	size_t i, n;
	const char *p;
	int rc;

	if (depth > JSON_MAX_DEPTH)
		return -1;
	switch (v->kind) {
	case WK_VAL_NULL:
		return wk_buf_puts(b, "null");
	case WK_VAL_BOOL:
		return wk_buf_puts(b, v->u.b ? "true" : "false");
	case WK_VAL_INT:
		return wk_buf_printf(b, "%lld", v->u.i);
	case WK_VAL_REAL:
		if (!isfinite(v->u.r))
			return wk_buf_puts(b, "null");
		return wk_value_write(v, b);
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		json_string(b, v->u.s.p, v->u.s.n);
		return b->failed ? -1 : 0;
	case WK_VAL_MAP:
		wk_buf_putc(b, '{');
		for (i = 0; i < v->u.map->len; i++) {
			if (i > 0)
				wk_buf_append(b, ", ", 2);
			json_string(b, v->u.map->items[i].key,
			    v->u.map->items[i].keylen);
			wk_buf_append(b, ": ", 2);
			if (json_value(b, &v->u.map->items[i].value, a,
			    depth + 1) != 0)
				return -1;
		}
		return wk_buf_putc(b, '}');
	case WK_VAL_LIST:
	case WK_VAL_OBJECT:
		if (wk_value_len(v, &n) == 0) {
			wk_buf_putc(b, '[');
			for (i = 0; i < n; i++) {
				if (i > 0)
					wk_buf_append(b, ", ", 2);
				if ((rc = wk_value_item(v, i, a, &item)) < 0)
					return -1;
				if (rc > 0)
					item = wk_val_null();
				if (json_value(b, &item, a, depth + 1) != 0)
					return -1;
			}
			return wk_buf_putc(b, ']');
		}
		if (wk_value_text(v, a, &p, &n) != 0)
			return -1;
		json_string(b, p, n);
		return b->failed ? -1 : 0;
	default:
		return -1;
	}
}

int
tpl_f_json_script(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *id;
	size_t idn;
	wk_buf b;

	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "<script", 7);
	if (arg != NULL) {
		if (tpl_text_of(c, arg, &id, &idn) != 0)
			return -1;
		if (idn > 0) {
			wk_buf_append(&b, " id=\"", 5);
			wk_buf_append_html(&b, id, idn);
			wk_buf_putc(&b, '"');
		}
	}
	wk_buf_puts(&b, " type=\"application/json\">");
	if (json_value(&b, in, c->arena, 0) != 0)
		return -1;
	wk_buf_puts(&b, "</script>");
	return tpl_from_buf(&b, 1, out);
}

/* Python's repr of a text: single quotes unless only double quotes
 * avoid escaping, backslash escapes for controls. */
static void
repr_str(wk_buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char q = memchr(p, '\'', n) != NULL && memchr(p, '"', n) == NULL ?
	    '"' : '\'';
	size_t i;

	wk_buf_putc(b, q);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\\' || ch == (unsigned char)q) {
			wk_buf_putc(b, '\\');
			wk_buf_putc(b, (char)ch);
		} else if (ch == '\n')
			wk_buf_append(b, "\\n", 2);
		else if (ch == '\r')
			wk_buf_append(b, "\\r", 2);
		else if (ch == '\t')
			wk_buf_append(b, "\\t", 2);
		else if (ch < 0x20 || ch == 0x7f) {
			wk_buf_append(b, "\\x", 2);
			wk_buf_putc(b, hex[ch >> 4]);
			wk_buf_putc(b, hex[ch & 15]);
		} else
			wk_buf_putc(b, (char)ch);
	}
	wk_buf_putc(b, q);
}

/* pprint's repr of any value: texts quoted, lists and maps recursively. */
static int
repr_value(wk_buf *b, const struct wk_value *v, wk_arena *a, int depth)
{
	struct wk_value item;
	size_t i, n;
	int rc;

	if (depth > JSON_MAX_DEPTH)
		return wk_buf_puts(b, "[...]");
	switch (v->kind) {
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		repr_str(b, v->u.s.p, v->u.s.n);
		return b->failed ? -1 : 0;
	case WK_VAL_MAP:
		wk_buf_putc(b, '{');
		for (i = 0; i < v->u.map->len; i++) {
			if (i > 0)
				wk_buf_append(b, ", ", 2);
			repr_str(b, v->u.map->items[i].key,
			    v->u.map->items[i].keylen);
			wk_buf_append(b, ": ", 2);
			if (repr_value(b, &v->u.map->items[i].value, a,
			    depth + 1) != 0)
				return -1;
		}
		return wk_buf_putc(b, '}');
	case WK_VAL_LIST:
		wk_buf_putc(b, '[');
		for (i = 0; wk_value_len(v, &n) == 0 && i < n; i++) {
			if (i > 0)
				wk_buf_append(b, ", ", 2);
			if ((rc = wk_value_item(v, i, a, &item)) < 0)
				return -1;
			if (rc > 0)
				item = wk_val_null();
			if (repr_value(b, &item, a, depth + 1) != 0)
				return -1;
		}
		return wk_buf_putc(b, ']');
	default:
		return wk_value_write(v, b);
	}
}

int
tpl_f_pprint(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	wk_buf b;

	(void)arg;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	if (repr_value(&b, in, c->arena, 0) != 0)
		return -1;
	return tpl_from_buf(&b, 0, out);
}
