/*
 * value.c - the template context's value type (see value.h).
 *
 * Values follow Python's rules where Django's templates rely on them
 * (truth, equality between numbers, `in`, the text of None and floats), so
 * a template behaves as its Django twin would.  Everything allocated here
 * comes from the caller's arena.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/value.h"

/* see value.h */
struct wk_list *
wk_list_new(wk_arena *a)
{
	return wk_arena_calloc(a, 1, sizeof(struct wk_list));
}

/* see value.h */
int
wk_list_push(wk_arena *a, struct wk_list *l, struct wk_value v)
{
	struct wk_value *p;
	size_t ncap;

	if (l->len == l->cap) {
		ncap = l->cap < 8 ? 8 : l->cap;
		if (l->cap >= 8) {
			if (ncap > SIZE_MAX / 2 / sizeof(*p))
				return -1;
			ncap *= 2;
		}
		p = wk_arena_realloc(a, l->items, l->cap * sizeof(*p),
		    ncap * sizeof(*p));
		if (p == NULL)
			return -1;
		l->items = p;
		l->cap = ncap;
	}
	l->items[l->len++] = v;
	return 0;
}

/* see value.h */
struct wk_map *
wk_map_new(wk_arena *a)
{
	return wk_arena_calloc(a, 1, sizeof(struct wk_map));
}

/* see value.h */
int
wk_map_setn(wk_arena *a, struct wk_map *m, const char *key, size_t keylen,
    struct wk_value v)
{
	struct wk_map_entry *p;
	size_t i, ncap;

	for (i = 0; i < m->len; i++) {
		if (m->items[i].keylen == keylen &&
		    memcmp(m->items[i].key, key, keylen) == 0) {
			m->items[i].value = v;
			return 0;
		}
	}
	if (m->len == m->cap) {
		ncap = m->cap < 8 ? 8 : m->cap;
		if (m->cap >= 8) {
			if (ncap > SIZE_MAX / 2 / sizeof(*p))
				return -1;
			ncap *= 2;
		}
		p = wk_arena_realloc(a, m->items, m->cap * sizeof(*p),
		    ncap * sizeof(*p));
		if (p == NULL)
			return -1;
		m->items = p;
		m->cap = ncap;
	}
	m->items[m->len].key = key;
	m->items[m->len].keylen = keylen;
	m->items[m->len].value = v;
	m->len++;
	return 0;
}

/* see value.h */
int
wk_map_set(wk_arena *a, struct wk_map *m, const char *key, struct wk_value v)
{
	return wk_map_setn(a, m, key, strlen(key), v);
}

/* see value.h */
const struct wk_value *
wk_map_get(const struct wk_map *m, const char *key, size_t keylen)
{
	size_t i;

	for (i = 0; i < m->len; i++)
		if (m->items[i].keylen == keylen &&
		    memcmp(m->items[i].key, key, keylen) == 0)
			return &m->items[i].value;
	return NULL;
}

/* see value.h */
size_t
wk_utf8_next(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t want, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		want = 2;
	else if (c >= 0xe0 && c <= 0xef)
		want = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		want = 4;
	else
		return 1;
	if (want > n)
		return 1;
	for (i = 1; i < want; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return want;
}

/* see value.h */
size_t
wk_utf8_len(const char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		i += wk_utf8_next(s + i, n - i);
		count++;
	}
	return count;
}

/* see value.h */
int
wk_value_truthy(const struct wk_value *v)
{
	size_t n;

	switch (v->kind) {
	case WK_VAL_NULL:
		return 0;
	case WK_VAL_BOOL:
		return v->u.b;
	case WK_VAL_INT:
		return v->u.i != 0;
	case WK_VAL_REAL:
		return v->u.r != 0.0;
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		return v->u.s.n != 0;
	case WK_VAL_LIST:
		return v->u.list->len != 0;
	case WK_VAL_MAP:
		return v->u.map->len != 0;
	case WK_VAL_OBJECT:
		if (wk_value_len(v, &n) == 0)
			return n != 0;
		return 1;
	default:
		return 0;
	}
}

/* Python's repr of a float: the shortest text that reads back the same,
 * with ".0" added to whole numbers. */
static int
value_write_real(double r, wk_buf *out)
{
	char tmp[40];
	int prec, n = 0;

	if (isnan(r))
		return wk_buf_puts(out, "nan");
	if (isinf(r))
		return wk_buf_puts(out, r < 0 ? "-inf" : "inf");
	for (prec = 1; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, r);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return -1;
		if (strtod(tmp, NULL) == r)
			break;
	}
	if (strpbrk(tmp, ".eEn") == NULL) {
		if ((size_t)n + 2 >= sizeof(tmp))
			return -1;
		tmp[n++] = '.';
		tmp[n++] = '0';
		tmp[n] = '\0';
	}
	return wk_buf_append(out, tmp, (size_t)n);
}

static int value_write_repr(const struct wk_value *v, wk_buf *out);

/* The decimal digits of i, written backwards ending at end (at least 21
 * bytes after the buffer's start); returns where they begin. */
static const char *
value_int_digits(long long i, char *end)
{
	/* unsigned arithmetic: -LLONG_MIN does not fit a long long */
	unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i :
	    (unsigned long long)i;
	char *p = end;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (i < 0)
		*--p = '-';
	return p;
}

/* see value.h */
int
wk_value_write(const struct wk_value *v, wk_buf *out)
{
	char tmp[32];
	const char *p;
	size_t i;

	switch (v->kind) {
	case WK_VAL_NULL:
		return wk_buf_append(out, "None", 4);
	case WK_VAL_BOOL:
		return v->u.b ? wk_buf_append(out, "True", 4) :
		    wk_buf_append(out, "False", 5);
	case WK_VAL_INT:
		/* by hand: snprintf costs ten times as much, and reversed
		 * URLs write an id for every row of a list */
		p = value_int_digits(v->u.i, tmp + sizeof(tmp));
		return wk_buf_append(out, p, (size_t)(tmp + sizeof(tmp) - p));
	case WK_VAL_REAL:
		return value_write_real(v->u.r, out);
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		return wk_buf_append(out, v->u.s.p, v->u.s.n);
	case WK_VAL_LIST:
		wk_buf_putc(out, '[');
		for (i = 0; i < v->u.list->len; i++) {
			if (i > 0)
				wk_buf_append(out, ", ", 2);
			if (value_write_repr(&v->u.list->items[i], out) != 0)
				return -1;
		}
		return wk_buf_putc(out, ']');
	case WK_VAL_MAP:
		wk_buf_putc(out, '{');
		for (i = 0; i < v->u.map->len; i++) {
			const struct wk_map_entry *e = &v->u.map->items[i];

			if (i > 0)
				wk_buf_append(out, ", ", 2);
			wk_buf_putc(out, '\'');
			wk_buf_append(out, e->key, e->keylen);
			wk_buf_append(out, "': ", 3);
			if (value_write_repr(&e->value, out) != 0)
				return -1;
		}
		return wk_buf_putc(out, '}');
	case WK_VAL_OBJECT:
		if (v->u.obj.ops->str != NULL)
			return v->u.obj.ops->str(v->u.obj.self, out) != 0 ||
			    out->failed ? -1 : 0;
		return wk_buf_puts(out, v->u.obj.ops->type_name != NULL ?
		    v->u.obj.ops->type_name : "object");
	default:
		return -1;
	}
}

/* Items inside a list's text form: strings quoted, as Python shows them. */
static int
value_write_repr(const struct wk_value *v, wk_buf *out)
{
	if (!wk_val_is_str(v))
		return wk_value_write(v, out);
	wk_buf_putc(out, '\'');
	wk_buf_append(out, v->u.s.p, v->u.s.n);
	return wk_buf_putc(out, '\'');
}

/* see value.h */
int
wk_value_text(const struct wk_value *v, wk_arena *a, const char **p,
    size_t *n)
{
	wk_buf b;

	if (wk_val_is_str(v)) {
		*p = v->u.s.p;
		*n = v->u.s.n;
		return 0;
	}
	wk_buf_init(&b, a);
	if (wk_value_write(v, &b) != 0 || b.failed)
		return -1;
	*p = wk_buf_cstr(&b);
	*n = b.len;
	return 0;
}

/* A decimal index ("0", "12"), or -1. */
static long long
value_index_of(const char *name, size_t len)
{
	long long i = 0;
	size_t k;

	if (len == 0 || len > 15)
		return -1;
	for (k = 0; k < len; k++) {
		if (name[k] < '0' || name[k] > '9')
			return -1;
		i = i * 10 + (name[k] - '0');
	}
	return i;
}

/* A map's items/keys/values as a new list. */
static int
value_map_view(const struct wk_map *m, int which, wk_arena *a,
    struct wk_value *out)
{
	struct wk_list *l = wk_list_new(a), *pair;
	size_t i;

	if (l == NULL)
		return -1;
	for (i = 0; i < m->len; i++) {
		const struct wk_map_entry *e = &m->items[i];
		struct wk_value key = wk_val_strn(e->key, e->keylen);
		struct wk_value item;

		if (which == 0) {
			if ((pair = wk_list_new(a)) == NULL ||
			    wk_list_push(a, pair, key) != 0 ||
			    wk_list_push(a, pair, e->value) != 0)
				return -1;
			item = wk_val_list(pair);
		} else
			item = which == 1 ? key : e->value;
		if (wk_list_push(a, l, item) != 0)
			return -1;
	}
	*out = wk_val_list(l);
	return 0;
}

/* see value.h */
int
wk_value_attr(const struct wk_value *v, const char *name, size_t len,
    wk_arena *a, struct wk_value *out)
{
	const struct wk_value *found;
	long long idx;

	switch (v->kind) {
	case WK_VAL_MAP:
		if ((found = wk_map_get(v->u.map, name, len)) != NULL) {
			*out = *found;
			return 0;
		}
		if (len == 5 && memcmp(name, "items", 5) == 0)
			return value_map_view(v->u.map, 0, a, out);
		if (len == 4 && memcmp(name, "keys", 4) == 0)
			return value_map_view(v->u.map, 1, a, out);
		if (len == 6 && memcmp(name, "values", 6) == 0)
			return value_map_view(v->u.map, 2, a, out);
		return 1;
	case WK_VAL_LIST:
		idx = value_index_of(name, len);
		if (idx < 0 || (size_t)idx >= v->u.list->len)
			return 1;
		*out = v->u.list->items[idx];
		return 0;
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		/* "abc".1 is "b", as Python indexes a str (by character). */
		if ((idx = value_index_of(name, len)) < 0)
			return 1;
		{
			size_t i = 0, k = 0, w;

			while (i < v->u.s.n) {
				w = wk_utf8_next(v->u.s.p + i, v->u.s.n - i);
				if (k++ == (size_t)idx) {
					*out = *v;
					out->u.s.p = v->u.s.p + i;
					out->u.s.n = w;
					return 0;
				}
				i += w;
			}
		}
		return 1;
	case WK_VAL_OBJECT:
		if (v->u.obj.ops->get != NULL) {
			int rc = v->u.obj.ops->get(v->u.obj.self, name, len, a,
			    out);
			if (rc != 1)
				return rc;
		}
		idx = value_index_of(name, len);
		if (idx >= 0)
			return wk_value_item(v, (size_t)idx, a, out);
		return 1;
	default:
		return 1;
	}
}

/* see value.h */
int
wk_value_len(const struct wk_value *v, size_t *n)
{
	switch (v->kind) {
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		*n = wk_utf8_len(v->u.s.p, v->u.s.n);
		return 0;
	case WK_VAL_LIST:
		*n = v->u.list->len;
		return 0;
	case WK_VAL_MAP:
		*n = v->u.map->len;
		return 0;
	case WK_VAL_OBJECT:
		if (v->u.obj.ops->len == NULL)
			return -1;
		*n = v->u.obj.ops->len(v->u.obj.self);
		return 0;
	default:
		return -1;
	}
}

/* see value.h */
int
wk_value_item(const struct wk_value *v, size_t i, wk_arena *a,
    struct wk_value *out)
{
	switch (v->kind) {
	case WK_VAL_LIST:
		if (i >= v->u.list->len)
			return 1;
		*out = v->u.list->items[i];
		return 0;
	case WK_VAL_MAP:
		if (i >= v->u.map->len)
			return 1;
		*out = wk_val_strn(v->u.map->items[i].key,
		    v->u.map->items[i].keylen);
		return 0;
	case WK_VAL_OBJECT:
		if (v->u.obj.ops->len == NULL || v->u.obj.ops->item == NULL ||
		    i >= v->u.obj.ops->len(v->u.obj.self))
			return 1;
		return v->u.obj.ops->item(v->u.obj.self, i, a, out);
	default:
		return 1;
	}
}

/* Parse n bytes of s as a whole number, allowing surrounding spaces. */
static int
value_parse_int(const char *s, size_t n, long long *out)
{
	char tmp[32], *end;
	long long i;

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n'))
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	i = strtoll(tmp, &end, 10);
	if (errno != 0 || *end != '\0' || end == tmp)
		return -1;
	*out = i;
	return 0;
}

/* Parse n bytes of s as a decimal number (no hex, no inf/nan). */
static int
value_parse_real(const char *s, size_t n, double *out)
{
	char tmp[64], *end;
	size_t k;
	double r;

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n'))
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	for (k = 0; k < n; k++)
		if (strchr("0123456789+-.eE", s[k]) == NULL)
			return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	r = strtod(tmp, &end);
	if (errno == ERANGE || *end != '\0' || end == tmp)
		return -1;
	*out = r;
	return 0;
}

/* see value.h */
int
wk_value_to_int(const struct wk_value *v, long long *out)
{
	switch (v->kind) {
	case WK_VAL_BOOL:
		*out = v->u.b;
		return 0;
	case WK_VAL_INT:
		*out = v->u.i;
		return 0;
	case WK_VAL_REAL:
		if (!isfinite(v->u.r) || v->u.r >= 9.2e18 || v->u.r <= -9.2e18)
			return -1;
		*out = (long long)v->u.r;
		return 0;
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		return value_parse_int(v->u.s.p, v->u.s.n, out);
	default:
		return -1;
	}
}

/* see value.h */
int
wk_value_to_real(const struct wk_value *v, double *out)
{
	switch (v->kind) {
	case WK_VAL_BOOL:
		*out = v->u.b;
		return 0;
	case WK_VAL_INT:
		*out = (double)v->u.i;
		return 0;
	case WK_VAL_REAL:
		*out = v->u.r;
		return 0;
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		return value_parse_real(v->u.s.p, v->u.s.n, out);
	default:
		return -1;
	}
}

static int
value_is_number(const struct wk_value *v)
{
	return v->kind == WK_VAL_BOOL || v->kind == WK_VAL_INT ||
	    v->kind == WK_VAL_REAL;
}

/* see value.h */
int
wk_value_compare(const struct wk_value *a, const struct wk_value *b,
    int *cmp)
{
	size_t n;
	int c;

	if (value_is_number(a) && value_is_number(b)) {
		if (a->kind != WK_VAL_REAL && b->kind != WK_VAL_REAL) {
			long long x = a->kind == WK_VAL_INT ? a->u.i : a->u.b;
			long long y = b->kind == WK_VAL_INT ? b->u.i : b->u.b;

			*cmp = (x > y) - (x < y);
		} else {
			double x, y;

			(void)wk_value_to_real(a, &x);
			(void)wk_value_to_real(b, &y);
			if (isnan(x) || isnan(y))
				return -1;
			*cmp = (x > y) - (x < y);
		}
		return 0;
	}
	if (wk_val_is_str(a) && wk_val_is_str(b)) {
		n = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
		c = n > 0 ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
		if (c == 0)
			c = (a->u.s.n > b->u.s.n) - (a->u.s.n < b->u.s.n);
		*cmp = (c > 0) - (c < 0);
		return 0;
	}
	return -1;
}

/* see value.h */
int
wk_value_equal(const struct wk_value *a, const struct wk_value *b)
{
	size_t i;
	int cmp;

	if (a->kind == WK_VAL_NULL || b->kind == WK_VAL_NULL)
		return a->kind == b->kind;
	if ((value_is_number(a) && value_is_number(b)) ||
	    (wk_val_is_str(a) && wk_val_is_str(b)))
		return wk_value_compare(a, b, &cmp) == 0 && cmp == 0;
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case WK_VAL_LIST:
		if (a->u.list->len != b->u.list->len)
			return 0;
		for (i = 0; i < a->u.list->len; i++)
			if (!wk_value_equal(&a->u.list->items[i],
			    &b->u.list->items[i]))
				return 0;
		return 1;
	case WK_VAL_MAP:
		return a->u.map == b->u.map;
	case WK_VAL_OBJECT:
		return a->u.obj.ops == b->u.obj.ops &&
		    a->u.obj.self == b->u.obj.self;
	default:
		return 0;
	}
}

/* Substring search without quadratic blow-up on common inputs (memmem). */
static int
value_has_substring(const char *h, size_t hn, const char *n, size_t nn)
{
	if (nn == 0)
		return 1;
	return memmem(h, hn, n, nn) != NULL;
}

/* see value.h */
int
wk_value_contains(const struct wk_value *hay, const struct wk_value *needle,
    wk_arena *a)
{
	struct wk_value item;
	size_t i, n;
	int rc;

	switch (hay->kind) {
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		if (!wk_val_is_str(needle))
			return 0;
		return value_has_substring(hay->u.s.p, hay->u.s.n,
		    needle->u.s.p, needle->u.s.n);
	case WK_VAL_LIST:
		for (i = 0; i < hay->u.list->len; i++)
			if (wk_value_equal(&hay->u.list->items[i], needle))
				return 1;
		return 0;
	case WK_VAL_MAP:
		if (!wk_val_is_str(needle))
			return 0;
		return wk_map_get(hay->u.map, needle->u.s.p,
		    needle->u.s.n) != NULL;
	case WK_VAL_OBJECT:
		if (wk_value_len(hay, &n) != 0)
			return 0;
		for (i = 0; i < n; i++) {
			rc = wk_value_item(hay, i, a, &item);
			if (rc < 0)
				return -1;
			if (rc == 0 && wk_value_equal(&item, needle))
				return 1;
		}
		return 0;
	default:
		return 0;
	}
}
