/*
 * kv.h - ordered lists of name/value pairs.
 *
 * Query parameters, form fields, cookies, request headers, response headers
 * and route arguments are all ordered multi-maps.  One small type serves them
 * all.  Duplicates are kept in arrival order.
 *
 * The rule for duplicates (documented in README.md): wk_kv_get() returns the
 * LAST value given for a name, as Django's QueryDict does; wk_kv_get_all()
 * returns every value in order.
 *
 * Values carry their length, but are also NUL-terminated; the request parser
 * refuses NUL bytes in values, so C-string use is safe for request data.
 */
#ifndef WICK_KV_H
#define WICK_KV_H

#include <stddef.h>

#include "wick/core/arena.h"

struct wk_kv {
	const char *name;
	const char *value;
	size_t value_len;
};

struct wk_kvlist {
	struct wk_kv *items;
	size_t len;
	size_t cap;
};

/*
 * wk_kv_add - append (name, value) to l.  The strings are NOT copied: they
 * must live as long as the list (use arena strings).  value_len is the
 * length of value.  0 on success, -1 on allocation failure.
 */
int wk_kv_add(wk_arena *a, struct wk_kvlist *l, const char *name,
    const char *value, size_t value_len);

/*
 * wk_kv_set - replace every pair named name (exact, case-sensitive match)
 * with one pair holding value, or append it.  0 or -1.
 */
int wk_kv_set(wk_arena *a, struct wk_kvlist *l, const char *name,
    const char *value, size_t value_len);

/* wk_kv_remove - delete every pair named name.  Returns how many. */
size_t wk_kv_remove(struct wk_kvlist *l, const char *name);

/* wk_kv_get - the last value for name (case-sensitive), or NULL. */
const char *wk_kv_get(const struct wk_kvlist *l, const char *name);

/* wk_kv_find - the last pair for name, or NULL. */
const struct wk_kv *wk_kv_find(const struct wk_kvlist *l, const char *name);

/* wk_kv_get_case - like wk_kv_get, matching name case-insensitively. */
const char *wk_kv_get_case(const struct wk_kvlist *l, const char *name);

/*
 * wk_kv_get_all - store up to max values for name, in order, into out.
 * Returns the total number of values present (may exceed max).
 */
size_t wk_kv_get_all(const struct wk_kvlist *l, const char *name,
    const char **out, size_t max);

#endif /* WICK_KV_H */
