/*
 * kv.c - ordered name/value lists (see kv.h).
 *
 * Lists are short (a request has tens of headers and fields), so lookups
 * scan linearly from the end: the last value wins, which is the documented
 * rule for duplicates.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "wick/core/kv.h"

/* see kv.h */
int
wk_kv_add(wk_arena *a, struct wk_kvlist *l, const char *name,
    const char *value, size_t value_len)
{
	assert(l != NULL && name != NULL && value != NULL);
	if (l->len == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct wk_kv *n;
		if (ncap > SIZE_MAX / sizeof(*n))
			return -1;
		n = wk_arena_realloc(a, l->items, l->cap * sizeof(*n),
		    ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		l->items = n;
		l->cap = ncap;
	}
	l->items[l->len].name = name;
	l->items[l->len].value = value;
	l->items[l->len].value_len = value_len;
	l->len++;
	return 0;
}

/* see kv.h */
size_t
wk_kv_remove(struct wk_kvlist *l, const char *name)
{
	size_t i, j = 0, removed;

	for (i = 0; i < l->len; i++) {
		if (strcmp(l->items[i].name, name) == 0)
			continue;
		l->items[j++] = l->items[i];
	}
	removed = l->len - j;
	l->len = j;
	return removed;
}

/* see kv.h */
int
wk_kv_set(wk_arena *a, struct wk_kvlist *l, const char *name,
    const char *value, size_t value_len)
{
	wk_kv_remove(l, name);
	return wk_kv_add(a, l, name, value, value_len);
}

/* see kv.h */
const struct wk_kv *
wk_kv_find(const struct wk_kvlist *l, const char *name)
{
	size_t i;

	for (i = l->len; i > 0; i--)
		if (strcmp(l->items[i - 1].name, name) == 0)
			return &l->items[i - 1];
	return NULL;
}

/* see kv.h */
const char *
wk_kv_get(const struct wk_kvlist *l, const char *name)
{
	const struct wk_kv *kv = wk_kv_find(l, name);

	return kv != NULL ? kv->value : NULL;
}

/* see kv.h */
const char *
wk_kv_get_case(const struct wk_kvlist *l, const char *name)
{
	size_t i;

	for (i = l->len; i > 0; i--)
		if (strcasecmp(l->items[i - 1].name, name) == 0)
			return l->items[i - 1].value;
	return NULL;
}

/* see kv.h */
size_t
wk_kv_get_all(const struct wk_kvlist *l, const char *name, const char **out,
    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < l->len; i++) {
		if (strcmp(l->items[i].name, name) != 0)
			continue;
		if (n < max)
			out[n] = l->items[i].value;
		n++;
	}
	return n;
}
