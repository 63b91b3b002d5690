/*
 * json.c - JSON out (a writer that cannot emit malformed text) and JSON in
 * (a strict, bounded parser for request bodies).  See json.h.
 *
 * The parser is recursive descent with an explicit depth limit, a size
 * limit checked before anything is read, and an item budget, so hostile
 * input costs at most O(limit) time and memory.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wick/core/json.h"
#include "wick/http/request.h"

/* ---- UTF-8 ---------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes), or 0 if invalid;
 * *cp receives the code point. */
static size_t
json_utf8(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 ||
	    v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* ---- writer ----------------------------------------------------------------------- */

/* ASCII bytes copied as they are: printable, except " \\ < > & (the last
 * three escaped so JSON can sit inside HTML).  Controls and DEL are 0. */
static const unsigned char json_plain[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* " & */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,  /* < > */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,  /* \\ */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,  /* DEL */
};

/* see json.h */
int
wk_json_escape(wk_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, len;
	unsigned cp;

	wk_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = p[i];
		const char *rep = NULL;
		char u[7];

		if (c < 0x80 && json_plain[c]) {
			/* the common case: a run of plain ASCII */
			for (i++; i < n && p[i] < 0x80 && json_plain[p[i]]; i++)
				;
			continue;
		}
		len = 1;
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		default:
			if (c < 0x80) {     /* control, DEL, < > & */
				u[0] = '\\';
				u[1] = 'u';
				u[2] = '0';
				u[3] = '0';
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				u[6] = '\0';
				rep = u;
				break;
			}
			len = json_utf8(p + i, n - i, &cp);
			if (len == 0) {
				rep = "\\ufffd";
				len = 1;
			} else if (cp == 0x2028) {
				rep = "\\u2028";
			} else if (cp == 0x2029) {
				rep = "\\u2029";
			} else {
				i += len;   /* valid: copied as it is */
				continue;
			}
			break;
		}
		wk_buf_append(b, s + start, i - start);
		wk_buf_puts(b, rep);
		i += len;
		start = i;
	}
	wk_buf_append(b, s + start, n - start);
	wk_buf_putc(b, '"');
	return b->failed ? -1 : 0;
}

/* see json.h */
void
wk_json_init(struct wk_json_writer *w, wk_buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Before any value: the comma, and the check that it may go here. */
static int
json_before_value(struct wk_json_writer *w)
{
	if (w->failed || w->out->failed)
		return -1;
	if (w->is_object[w->depth] && w->depth > 0) {
		if (!w->want_value)
			return w->failed = -1;
		w->want_value = 0;
		return 0;
	}
	if (w->depth == 0 && w->count[0]) {
		return w->failed = -1;  /* one top-level value only */
	}
	if (w->count[w->depth])
		wk_buf_putc(w->out, ',');
	w->count[w->depth] = 1;
	return 0;
}

static int
json_done(struct wk_json_writer *w)
{
	return w->failed || w->out->failed ? -1 : 0;
}

static int
json_open(struct wk_json_writer *w, int object)
{
	if (json_before_value(w) != 0)
		return -1;
	if (w->depth >= WK_JSON_MAX_DEPTH)
		return w->failed = -1;
	wk_buf_putc(w->out, object ? '{' : '[');
	w->depth++;
	w->is_object[w->depth] = (unsigned char)object;
	w->count[w->depth] = 0;
	return json_done(w);
}

static int
json_close(struct wk_json_writer *w, int object)
{
	if (w->failed || w->depth == 0 || w->is_object[w->depth] != object ||
	    w->want_value)
		return w->failed = -1;
	w->depth--;
	wk_buf_putc(w->out, object ? '}' : ']');
	if (w->depth == 0)
		w->count[0] = 1;
	return json_done(w);
}

/* see json.h */
int
wk_json_object_begin(struct wk_json_writer *w)
{
	return json_open(w, 1);
}

/* see json.h */
int
wk_json_object_end(struct wk_json_writer *w)
{
	return json_close(w, 1);
}

/* see json.h */
int
wk_json_array_begin(struct wk_json_writer *w)
{
	return json_open(w, 0);
}

/* see json.h */
int
wk_json_array_end(struct wk_json_writer *w)
{
	return json_close(w, 0);
}

/* see json.h */
int
wk_json_key(struct wk_json_writer *w, const char *key)
{
	if (w->failed || w->depth == 0 || !w->is_object[w->depth] ||
	    w->want_value || key == NULL)
		return w->failed = -1;
	if (w->count[w->depth])
		wk_buf_putc(w->out, ',');
	w->count[w->depth] = 1;
	wk_json_escape(w->out, key, strlen(key));
	wk_buf_putc(w->out, ':');
	w->want_value = 1;
	return json_done(w);
}

/* see json.h */
int
wk_json_strn(struct wk_json_writer *w, const char *s, size_t n)
{
	if (json_before_value(w) != 0)
		return -1;
	if (s == NULL)
		wk_buf_puts(w->out, "null");
	else
		wk_json_escape(w->out, s, n);
	return json_done(w);
}

/* see json.h */
int
wk_json_str(struct wk_json_writer *w, const char *s)
{
	return wk_json_strn(w, s, s != NULL ? strlen(s) : 0);
}

/* see json.h */
int
wk_json_int(struct wk_json_writer *w, long long v)
{
	char tmp[24];
	size_t k = sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	if (json_before_value(w) != 0)
		return -1;
	/* Digits by hand: printf's machinery costs more than the number. */
	do {
		tmp[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		tmp[--k] = '-';
	wk_buf_append(w->out, tmp + k, sizeof(tmp) - k);
	return json_done(w);
}

/* see json.h */
int
wk_json_real(struct wk_json_writer *w, double v)
{
	char tmp[40];
	int n;

	if (json_before_value(w) != 0)
		return -1;
	if (!isfinite(v)) {
		wk_buf_puts(w->out, "null");
		return json_done(w);
	}
	n = snprintf(tmp, sizeof(tmp), "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return w->failed = -1;
	wk_buf_puts(w->out, tmp);
	/* Keep it a real: 2 -> 2.0 (readers may care). */
	if (strpbrk(tmp, ".eE") == NULL)
		wk_buf_puts(w->out, ".0");
	return json_done(w);
}

/* see json.h */
int
wk_json_bool(struct wk_json_writer *w, int v)
{
	if (json_before_value(w) != 0)
		return -1;
	wk_buf_puts(w->out, v ? "true" : "false");
	return json_done(w);
}

/* see json.h */
int
wk_json_null(struct wk_json_writer *w)
{
	if (json_before_value(w) != 0)
		return -1;
	wk_buf_puts(w->out, "null");
	return json_done(w);
}

/* see json.h */
int
wk_json_finish(const struct wk_json_writer *w)
{
	if (w->failed || w->out->failed || w->depth != 0 || w->want_value ||
	    !w->count[0])
		return -1;
	return 0;
}

/* ---- parser ---------------------------------------------------------------------------- */

struct json_parser {
	wk_arena *a;
	const unsigned char *s;
	size_t n, pos;
	int max_depth;
	size_t items_left;
	const char *err;
};

static int
json_fail(struct json_parser *p, const char *why)
{
	if (p->err == NULL)
		p->err = why;
	return -1;
}

static void
json_ws(struct json_parser *p)
{
	while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
	    p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int json_value(struct json_parser *p, struct wk_json *v, int depth);

static int
json_hex4(struct json_parser *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (p->n - p->pos < 4)
		return json_fail(p, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned char c = p->s[p->pos + (size_t)i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return json_fail(p, "invalid \\u escape");
	}
	p->pos += 4;
	*out = v;
	return 0;
}

/* A string starting after its opening quote; decoded into the arena. */
static int
json_string(struct json_parser *p, const char **out, size_t *outlen)
{
	size_t start = p->pos, end, len = 0;
	char *buf;
	int escapes = 0;

	/* Find the end (and whether there is anything to decode). */
	for (end = start; end < p->n && p->s[end] != '"'; end++) {
		if (p->s[end] == '\\') {
			escapes = 1;
			end++;
		} else if (p->s[end] < 0x20) {
			p->pos = end;
			return json_fail(p, "control character in string");
		}
	}
	if (end >= p->n)
		return json_fail(p, "unterminated string");
	buf = wk_arena_alloc(p->a, end - start + 1);
	if (buf == NULL)
		return json_fail(p, "out of memory");
	if (!escapes) {
		len = end - start;
		memcpy(buf, p->s + start, len);
		p->pos = end + 1;
		goto check;
	}
	while (p->pos < end) {
		unsigned char c = p->s[p->pos++];
		unsigned cp, lo;
		if (c != '\\') {
			buf[len++] = (char)c;
			continue;
		}
		c = p->s[p->pos++];
		switch (c) {
		case '"': buf[len++] = '"'; break;
		case '\\': buf[len++] = '\\'; break;
		case '/': buf[len++] = '/'; break;
		case 'b': buf[len++] = '\b'; break;
		case 'f': buf[len++] = '\f'; break;
		case 'n': buf[len++] = '\n'; break;
		case 'r': buf[len++] = '\r'; break;
		case 't': buf[len++] = '\t'; break;
		case 'u':
			if (json_hex4(p, &cp) != 0)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return json_fail(p, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->n - p->pos < 6 || p->s[p->pos] != '\\' ||
				    p->s[p->pos + 1] != 'u')
					return json_fail(p, "lone high "
					    "surrogate");
				p->pos += 2;
				if (json_hex4(p, &lo) != 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return json_fail(p, "bad surrogate "
					    "pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (cp == 0)
				return json_fail(p, "\\u0000 is not allowed");
			/* Escapes are >= 6 bytes; UTF-8 is <= 4: fits. */
			if (cp < 0x80) {
				buf[len++] = (char)cp;
			} else if (cp < 0x800) {
				buf[len++] = (char)(0xc0 | (cp >> 6));
				buf[len++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				buf[len++] = (char)(0xe0 | (cp >> 12));
				buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				buf[len++] = (char)(0x80 | (cp & 0x3f));
			} else {
				buf[len++] = (char)(0xf0 | (cp >> 18));
				buf[len++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				buf[len++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			return json_fail(p, "invalid escape");
		}
	}
	p->pos = end + 1;
check:
	buf[len] = '\0';
	{
		size_t i = 0;
		unsigned cp;
		while (i < len) {
			size_t k = json_utf8((const unsigned char *)buf + i,
			    len - i, &cp);
			if (k == 0)
				return json_fail(p, "invalid UTF-8 in string");
			i += k;
		}
	}
	*out = buf;
	*outlen = len;
	return 0;
}

static int
json_number(struct json_parser *p, struct wk_json *v)
{
	size_t start = p->pos, i = p->pos;
	int is_int = 1;
	char tmp[352];
	char *end;

	if (i < p->n && p->s[i] == '-')
		i++;
	if (i >= p->n)
		return json_fail(p, "bad number");
	if (p->s[i] == '0') {
		i++;
	} else if (p->s[i] >= '1' && p->s[i] <= '9') {
		while (i < p->n && isdigit(p->s[i]))
			i++;
	} else {
		return json_fail(p, "bad number");
	}
	if (i < p->n && p->s[i] == '.') {
		is_int = 0;
		i++;
		if (i >= p->n || !isdigit(p->s[i]))
			return json_fail(p, "bad number");
		while (i < p->n && isdigit(p->s[i]))
			i++;
	}
	if (i < p->n && (p->s[i] == 'e' || p->s[i] == 'E')) {
		is_int = 0;
		i++;
		if (i < p->n && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		if (i >= p->n || !isdigit(p->s[i]))
			return json_fail(p, "bad number");
		while (i < p->n && isdigit(p->s[i]))
			i++;
	}
	if (i - start >= sizeof(tmp))
		return json_fail(p, "number too long");
	memcpy(tmp, p->s + start, i - start);
	tmp[i - start] = '\0';
	p->pos = i;
	v->type = WK_JSON_NUMBER;
	errno = 0;
	v->num = strtod(tmp, &end);
	if (!isfinite(v->num))
		return json_fail(p, "number out of range");
	if (is_int) {
		errno = 0;
		v->i = strtoll(tmp, &end, 10);
		v->is_int = errno == 0;
	}
	return 0;
}

static int
json_literal(struct json_parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->n - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return json_fail(p, "unexpected character");
	p->pos += n;
	return 0;
}

/* Grow a member array in the arena. */
static int
json_push(struct json_parser *p, struct wk_json **items, size_t *n,
    size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		void *q;
		if (nc > SIZE_MAX / sizeof(**items))
			return json_fail(p, "too many items");
		q = wk_arena_realloc(p->a, *items, *cap * sizeof(**items),
		    nc * sizeof(**items));
		if (q == NULL)
			return json_fail(p, "out of memory");
		*items = q;
		*cap = nc;
	}
	memset(&(*items)[*n], 0, sizeof(**items));
	(*n)++;
	return 0;
}

static int
json_container(struct json_parser *p, struct wk_json *v, int depth,
    int object)
{
	struct wk_json *items = NULL;
	size_t n = 0, cap = 0;
	char close = object ? '}' : ']';

	if (depth >= p->max_depth)
		return json_fail(p, "nesting too deep");
	p->pos++;  /* { or [ */
	v->type = object ? WK_JSON_OBJECT : WK_JSON_ARRAY;
	json_ws(p);
	if (p->pos < p->n && p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		struct wk_json *it;
		if (json_push(p, &items, &n, &cap) != 0)
			return -1;
		it = &items[n - 1];
		json_ws(p);
		if (object) {
			if (p->pos >= p->n || p->s[p->pos] != '"')
				return json_fail(p, "expected a key");
			p->pos++;
			if (json_string(p, &it->key, &it->keylen) != 0)
				return -1;
			json_ws(p);
			if (p->pos >= p->n || p->s[p->pos] != ':')
				return json_fail(p, "expected ':'");
			p->pos++;
		}
		if (json_value(p, it, depth + 1) != 0)
			return -1;
		json_ws(p);
		if (p->pos >= p->n)
			return json_fail(p, "unterminated container");
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			break;
		}
		return json_fail(p, object ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
	v->items = items;
	v->n = n;
	return 0;
}

static int
json_value(struct json_parser *p, struct wk_json *v, int depth)
{
	json_ws(p);
	if (p->pos >= p->n)
		return json_fail(p, "unexpected end of input");
	if (p->items_left == 0)
		return json_fail(p, "too many items");
	p->items_left--;
	switch (p->s[p->pos]) {
	case '{':
		return json_container(p, v, depth, 1);
	case '[':
		return json_container(p, v, depth, 0);
	case '"':
		p->pos++;
		v->type = WK_JSON_STRING;
		return json_string(p, &v->str, &v->len);
	case 't':
		v->type = WK_JSON_BOOL;
		v->b = 1;
		return json_literal(p, "true");
	case 'f':
		v->type = WK_JSON_BOOL;
		return json_literal(p, "false");
	case 'n':
		v->type = WK_JSON_NULL;
		return json_literal(p, "null");
	default:
		return json_number(p, v);
	}
}

/* see json.h */
int
wk_json_parse(wk_arena *a, const char *text, size_t n,
    const struct wk_json_limits *lim, struct wk_json **out,
    const char **err, size_t *where)
{
	struct json_parser p;
	struct wk_json *root;
	size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : 1u << 20;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.s = (const unsigned char *)text;
	p.n = n;
	p.max_depth = lim && lim->max_depth > 0 ? lim->max_depth : 32;
	if (p.max_depth > WK_JSON_MAX_DEPTH)
		p.max_depth = WK_JSON_MAX_DEPTH;
	p.items_left = lim && lim->max_items ? lim->max_items : 100000;
	if (n > max_bytes) {
		json_fail(&p, "JSON text too large");
		goto fail;
	}
	if (text == NULL) {
		json_fail(&p, "no JSON text");
		goto fail;
	}
	root = wk_arena_calloc(a, 1, sizeof(*root));
	if (root == NULL) {
		json_fail(&p, "out of memory");
		goto fail;
	}
	if (json_value(&p, root, 0) != 0)
		goto fail;
	json_ws(&p);
	if (p.pos != p.n) {
		json_fail(&p, "trailing characters after the JSON value");
		goto fail;
	}
	*out = root;
	return 0;
fail:
	if (err != NULL)
		*err = p.err;
	if (where != NULL)
		*where = p.pos;
	return -1;
}

/* see json.h */
const struct wk_json *
wk_json_get(const struct wk_json *obj, const char *key)
{
	size_t i, klen;

	if (obj == NULL || obj->type != WK_JSON_OBJECT || key == NULL)
		return NULL;
	klen = strlen(key);
	for (i = obj->n; i > 0; i--) {
		const struct wk_json *m = &obj->items[i - 1];
		if (m->keylen == klen && memcmp(m->key, key, klen) == 0)
			return m;
	}
	return NULL;
}

/* see json.h */
const char *
wk_json_string(const struct wk_json *obj, const char *key)
{
	const struct wk_json *m = wk_json_get(obj, key);

	return m != NULL && m->type == WK_JSON_STRING ? m->str : NULL;
}

/* see json.h */
int
wk_json_parse_request(struct wk_request *req, struct wk_json **out,
    const char **err)
{
	const char *ct = req->content_type ? req->content_type : "";
	const char *semi = strchr(ct, ';');
	size_t tlen = semi ? (size_t)(semi - ct) : strlen(ct);
	struct wk_json_limits lim = { 0, 32, 100000 };

	*out = NULL;
	if (err != NULL)
		*err = NULL;
	while (tlen > 0 && ct[tlen - 1] == ' ')
		tlen--;
	if (tlen != 16 || strncasecmp(ct, "application/json", 16) != 0) {
		if (err != NULL)
			*err = "Content-Type must be application/json";
		return 415;
	}
	if (semi != NULL) {
		const char *cs = strstr(semi, "charset=");
		if (cs != NULL && strncasecmp(cs + 8, "utf-8", 5) != 0 &&
		    strncasecmp(cs + 8, "\"utf-8\"", 7) != 0) {
			if (err != NULL)
				*err = "JSON must be UTF-8";
			return 415;
		}
	}
	lim.max_bytes = req->settings && req->settings->max_body ?
	    req->settings->max_body : (size_t)1 << 20;
	if (req->body_len > lim.max_bytes) {
		if (err != NULL)
			*err = "request body too large";
		return 413;
	}
	if (wk_json_parse(req->arena, req->body ? req->body : "",
	    req->body_len, &lim, out, err, NULL) != 0)
		return 400;
	return 0;
}
