/*
 * value.h - the values a view hands to a template.
 *
 * A template context is a map of names to values.  A value is small (three
 * words), passed by value, and never owns memory: strings, lists and maps
 * point into the request's arena (or into static storage), so building a
 * context costs a few arena allocations and no frees.
 *
 * Kinds: null, bool, integer, real, string, safe string (already HTML, not
 * escaped again), list, map, and "object": a pointer plus a table of
 * functions (struct wk_object_ops).  Objects let ORM rows and query results
 * go into a context as they are: the template asks for `post.title` and
 * the row's getter answers, so nothing is copied field by field and fields
 * nobody renders are never converted.
 *
 *   struct wk_map *ctx = wk_map_new(a);
 *   wk_map_set(a, ctx, "title", wk_val_str(post_title));
 *   wk_map_set(a, ctx, "posts", wk_val_object(&my_rows_ops, rows));
 *   wk_render(req, resp, &blog_templates, "post_list.html", ctx);
 *
 * Strings are byte strings carrying their length; templates treat them as
 * UTF-8.  Nothing here escapes: escaping happens once, on output.
 */
#ifndef WICK_VALUE_H
#define WICK_VALUE_H

#include <stddef.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"

enum wk_value_kind {
	WK_VAL_NULL,      /* Python's None: renders "None" */
	WK_VAL_BOOL,      /* renders "True" / "False" */
	WK_VAL_INT,       /* long long */
	WK_VAL_REAL,      /* double; renders like Python's repr */
	WK_VAL_STR,       /* text; HTML-escaped on output */
	WK_VAL_SAFE,      /* text that is already HTML; output as is */
	WK_VAL_LIST,      /* struct wk_list */
	WK_VAL_MAP,       /* struct wk_map */
	WK_VAL_OBJECT,    /* ops + self pointer (ORM rows, query results) */
	WK_VAL__MAX
};

struct wk_value;

/*
 * Functions behind an object value.  Every member but type_name may be
 * NULL.  Returned values may point into self or into arena a (use a for
 * anything computed, e.g. a number turned into text).
 *
 * get:  attribute `name` (len bytes, not NUL-terminated).  Return 0 and set
 *       *out when found, 1 when there is no such attribute (the template
 *       then renders nothing), -1 on a real error (rendering fails).
 * len:  the number of items if the object is a sequence (query results),
 *       else leave NULL: `for`, `length`, `first`, `last` use it.
 * item: item i (0 <= i < len), same returns as get.
 * str:  append the object's text form to out (what {{ obj }} shows);
 *       0 or -1.  NULL: type_name is shown.
 */
struct wk_object_ops {
	const char *type_name;
	int (*get)(const void *self, const char *name, size_t len, wk_arena *a,
	    struct wk_value *out);
	size_t (*len)(const void *self);
	int (*item)(const void *self, size_t i, wk_arena *a,
	    struct wk_value *out);
	int (*str)(const void *self, wk_buf *out);
};

struct wk_list;
struct wk_map;

struct wk_value {
	enum wk_value_kind kind;
	union {
		int b;                           /* BOOL */
		long long i;                     /* INT */
		double r;                        /* REAL */
		struct {
			const char *p;           /* STR, SAFE: not NUL- */
			size_t n;                /* terminated necessarily */
		} s;
		struct wk_list *list;            /* LIST */
		struct wk_map *map;              /* MAP */
		struct {
			const struct wk_object_ops *ops;
			const void *self;
		} obj;                           /* OBJECT */
	} u;
};

/* A list: items[0..len). Grown by wk_list_push. */
struct wk_list {
	struct wk_value *items;
	size_t len;
	size_t cap;
};

/* One map entry.  Keys are not copied. */
struct wk_map_entry {
	const char *key;
	size_t keylen;
	struct wk_value value;
};

/* A map keeps insertion order; lookups are linear (contexts are small). */
struct wk_map {
	struct wk_map_entry *items;
	size_t len;
	size_t cap;
};

/* ---- making values (nothing is copied) ------------------------------------ */

/* wk_val_null - null (Python's None). */
static inline struct wk_value
wk_val_null(void)
{
	struct wk_value v;

	memset(&v, 0, sizeof(v));
	v.kind = WK_VAL_NULL;
	return v;
}

/* wk_val_bool - True when b is not 0, else False. */
static inline struct wk_value
wk_val_bool(int b)
{
	struct wk_value v = wk_val_null();

	v.kind = WK_VAL_BOOL;
	v.u.b = b != 0;
	return v;
}

/* wk_val_int - the integer i. */
static inline struct wk_value
wk_val_int(long long i)
{
	struct wk_value v = wk_val_null();

	v.kind = WK_VAL_INT;
	v.u.i = i;
	return v;
}

/* wk_val_real - the real number r. */
static inline struct wk_value
wk_val_real(double r)
{
	struct wk_value v = wk_val_null();

	v.kind = WK_VAL_REAL;
	v.u.r = r;
	return v;
}

/* wk_val_strn - text of n bytes at s (escaped on output). s may be NULL
 * only with n == 0. */
static inline struct wk_value
wk_val_strn(const char *s, size_t n)
{
	struct wk_value v = wk_val_null();

	v.kind = WK_VAL_STR;
	v.u.s.p = s != NULL ? s : "";
	v.u.s.n = s != NULL ? n : 0;
	return v;
}

/* wk_val_str - NUL-terminated text; NULL gives null (None). */
static inline struct wk_value
wk_val_str(const char *s)
{
	return s != NULL ? wk_val_strn(s, strlen(s)) : wk_val_null();
}

/* wk_val_safen - n bytes of HTML the caller vouches for: never escaped. */
static inline struct wk_value
wk_val_safen(const char *s, size_t n)
{
	struct wk_value v = wk_val_strn(s, n);

	v.kind = WK_VAL_SAFE;
	return v;
}

/* wk_val_safe - NUL-terminated trusted HTML; NULL gives null. */
static inline struct wk_value
wk_val_safe(const char *s)
{
	return s != NULL ? wk_val_safen(s, strlen(s)) : wk_val_null();
}

/* wk_val_list - the list l (not copied); NULL gives null. */
static inline struct wk_value
wk_val_list(struct wk_list *l)
{
	struct wk_value v = wk_val_null();

	if (l != NULL) {
		v.kind = WK_VAL_LIST;
		v.u.list = l;
	}
	return v;
}

/* wk_val_map - the map m (not copied); NULL gives null. */
static inline struct wk_value
wk_val_map(struct wk_map *m)
{
	struct wk_value v = wk_val_null();

	if (m != NULL) {
		v.kind = WK_VAL_MAP;
		v.u.map = m;
	}
	return v;
}

/* wk_val_object - self viewed through ops (ops must stay valid). */
static inline struct wk_value
wk_val_object(const struct wk_object_ops *ops, const void *self)
{
	struct wk_value v = wk_val_null();

	if (ops != NULL) {
		v.kind = WK_VAL_OBJECT;
		v.u.obj.ops = ops;
		v.u.obj.self = self;
	}
	return v;
}

/* wk_val_is_str - 1 for STR and SAFE. */
static inline int
wk_val_is_str(const struct wk_value *v)
{
	return v->kind == WK_VAL_STR || v->kind == WK_VAL_SAFE;
}

/* ---- lists and maps ------------------------------------------------------ */

/* wk_list_new - an empty list in a; NULL on allocation failure. */
struct wk_list *wk_list_new(wk_arena *a);

/* wk_list_push - append v (growing in a).  0, or -1 on allocation failure
 * (the list is then unchanged). */
int wk_list_push(wk_arena *a, struct wk_list *l, struct wk_value v);

/* wk_map_new - an empty map in a; NULL on allocation failure. */
struct wk_map *wk_map_new(wk_arena *a);

/*
 * wk_map_set - bind key (NUL-terminated, NOT copied: it must outlive the
 * map) to v, replacing an earlier binding.  0 or -1 on allocation failure.
 */
int wk_map_set(wk_arena *a, struct wk_map *m, const char *key,
    struct wk_value v);

/* wk_map_setn - like wk_map_set with a key of keylen bytes. */
int wk_map_setn(wk_arena *a, struct wk_map *m, const char *key,
    size_t keylen, struct wk_value v);

/* wk_map_get - the value bound to key (keylen bytes), or NULL. */
const struct wk_value *wk_map_get(const struct wk_map *m, const char *key,
    size_t keylen);

/* ---- using values ---------------------------------------------------------- */

/*
 * wk_value_truthy - Python's truth: null, false, 0, 0.0, "" and empty
 * lists/maps/sequences are false; objects without len are true.
 */
int wk_value_truthy(const struct wk_value *v);

/*
 * wk_value_write - append v's text form to out, unescaped: ints in
 * decimal, reals like Python's repr ("2.0", "0.1"), null "None", bools
 * "True"/"False", lists "[a, b]" with strings quoted, objects through
 * ops->str.  0 or -1 (sticky buffer failure or an object error).
 */
int wk_value_write(const struct wk_value *v, wk_buf *out);

/*
 * wk_value_text - v as text: strings as they are (no copy), anything else
 * written into arena a.  Sets *p and *n.  0 or -1.
 */
int wk_value_text(const struct wk_value *v, wk_arena *a, const char **p,
    size_t *n);

/*
 * wk_value_attr - attribute or key `name` (len bytes) of v: a map's key
 * (and, when absent, "items", "keys", "values" as lists), a list's,
 * sequence's or string's index when name is a decimal number (a string
 * gives its idx-th UTF-8 character), an object's getter.
 * 0 found, 1 missing, -1 error.
 */
int wk_value_attr(const struct wk_value *v, const char *name, size_t len,
    wk_arena *a, struct wk_value *out);

/*
 * wk_value_len - the number of items of a list, map (its keys), sequence
 * object, or the number of UTF-8 characters of a string.  0 and *n set,
 * or -1 when v has no length.
 */
int wk_value_len(const struct wk_value *v, size_t *n);

/*
 * wk_value_item - item i of a list or sequence object (a map: its i-th
 * key).  0 found, 1 out of range / not a sequence, -1 error.
 */
int wk_value_item(const struct wk_value *v, size_t i, wk_arena *a,
    struct wk_value *out);

/*
 * wk_value_to_int - v as an integer: ints, bools, reals (truncated) and
 * decimal strings ("  42 ").  0, or -1 when v is not a number.
 */
int wk_value_to_int(const struct wk_value *v, long long *out);

/* wk_value_to_real - v as a double (ints, reals, numeric strings). 0/-1. */
int wk_value_to_real(const struct wk_value *v, double *out);

/*
 * wk_value_equal - Python's ==: numbers by value across int/real/bool,
 * strings (safe or not) by bytes, null == null, lists item by item;
 * maps and objects by identity.
 */
int wk_value_equal(const struct wk_value *a, const struct wk_value *b);

/*
 * wk_value_compare - order a and b (numbers by value, strings by bytes).
 * 0 and *cmp (<0, 0, >0) set, or -1 when they are not comparable (Django
 * then treats the comparison as false).
 */
int wk_value_compare(const struct wk_value *a, const struct wk_value *b,
    int *cmp);

/*
 * wk_value_contains - Python's `needle in hay`: substring for strings,
 * membership for lists and sequences, key for maps.  1, 0, or -1 on error.
 */
int wk_value_contains(const struct wk_value *hay,
    const struct wk_value *needle, wk_arena *a);

/* wk_utf8_len - the number of UTF-8 characters in n bytes (bytes that
 * start no character are counted as one each). */
size_t wk_utf8_len(const char *s, size_t n);

/* wk_utf8_next - the byte length of the character starting at s[0]
 * (1 for a malformed byte); n > 0 bytes are available. */
size_t wk_utf8_next(const char *s, size_t n);

#endif /* WICK_VALUE_H */
