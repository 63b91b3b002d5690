/*
 * filters_list.c - filters over sequences: join, first, last, slice,
 * make_list, dictsort/dictsortreversed, random, and unordered_list (a
 * nested list as nested <li> elements).  A string counts as a sequence of
 * characters where Django's does (first, last, slice, random).
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

#include "wick/core/random.h"

#include "internal.h"
#include "../core/unicode_int.h"

int
tpl_f_join(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	struct wk_value item;
	const char *sep, *p;
	size_t nsep, n, i, pn;
	int esc = c->autoescape, rc;
	wk_buf b;

	if (wk_val_is_str(in) || wk_value_len(in, &n) != 0) {
		*out = *in;
		return 0;
	}
	if (tpl_text_of(c, arg, &sep, &nsep) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	for (i = 0; i < n; i++) {
		if ((rc = wk_value_item(in, i, c->arena, &item)) < 0)
			return -1;
		if (i > 0)
			tpl_put_maybe_escaped(&b, esc && arg->kind != WK_VAL_SAFE,
			    sep, nsep);
		if (rc > 0)
			continue;
		if (tpl_text_of(c, &item, &p, &pn) != 0)
			return -1;
		tpl_put_maybe_escaped(&b, esc && item.kind != WK_VAL_SAFE, p, pn);
	}
	return tpl_from_buf(&b, 1, out);
}

/* The i-th UTF-8 character of p as a string value. */
static struct wk_value
nth_char(const char *p, size_t n, size_t idx)
{
	size_t i = 0, k = 0, w;

	while (i < n) {
		w = wk_utf8_next(p + i, n - i);
		if (k == idx)
			return wk_val_strn(p + i, w);
		i += w;
		k++;
	}
	return wk_val_strn("", 0);
}

static int
first_last(const struct wk_filter_ctx *c, const struct wk_value *in,
    struct wk_value *out, int last)
{
	size_t n;
	int rc;

	if (wk_value_len(in, &n) != 0 || n == 0) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	if (wk_val_is_str(in)) {
		/* Django: last is_safe, first not (a safe "&amp;" starts
		 * with a bare '&'). */
		*out = nth_char(in->u.s.p, in->u.s.n, last ? n - 1 : 0);
		if (last && in->kind == WK_VAL_SAFE)
			out->kind = WK_VAL_SAFE;
		return 0;
	}
	rc = wk_value_item(in, last ? n - 1 : 0, c->arena, out);
	if (rc > 0)
		*out = wk_val_strn("", 0);
	return rc < 0 ? -1 : 0;
}

int
tpl_f_first(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return first_last(c, in, out, 0);
}

int
tpl_f_last(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return first_last(c, in, out, 1);
}

/* Python slice bounds for a length n. */
static void
slice_bounds(long long n, const long long *v, const int *set,
    long long *start, long long *stop, long long *step)
{
	*step = set[2] ? v[2] : 1;
	if (*step > 0) {
		*start = set[0] ? v[0] : 0;
		*stop = set[1] ? v[1] : n;
		if (*start < 0 && (*start += n) < 0)
			*start = 0;
		if (*start > n)
			*start = n;
		if (*stop < 0 && (*stop += n) < 0)
			*stop = 0;
		if (*stop > n)
			*stop = n;
	} else {
		*start = set[0] ? v[0] : n - 1;
		*stop = set[1] ? v[1] : -n - 1;
		if (*start < 0)
			*start += n;
		if (*start < -1)
			*start = -1;
		if (*start >= n)
			*start = n - 1;
		if (*stop < 0)
			*stop += n;
		if (*stop < -1)
			*stop = -1;
		if (*stop >= n)
			*stop = n - 1;
	}
}

int
tpl_f_slice(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *spec, *q;
	size_t ns, n, i, *offs = NULL;
	long long v[3] = { 0, 0, 0 }, start, stop, step, k;
	int set[3] = { 0, 0, 0 }, part = 0, neg;
	struct wk_list *l;
	struct wk_value item;
	wk_buf b;

	if (tpl_text_of(c, arg, &spec, &ns) != 0)
		return -1;
	for (q = spec; q < spec + ns; q++) {
		if (*q == ':') {
			if (++part > 2)
				goto invalid;
			continue;
		}
		neg = *q == '-';
		if (neg)
			q++;
		if (q >= spec + ns || !isdigit((unsigned char)*q))
			goto invalid;
		v[part] = 0;
		while (q < spec + ns && isdigit((unsigned char)*q)) {
			if (v[part] > 100000000000LL)
				goto invalid;
			v[part] = v[part] * 10 + (*q++ - '0');
		}
		q--;
		if (neg)
			v[part] = -v[part];
		set[part] = 1;
	}
	if (part == 0) {
		/* "2" means [:2]?  No: Python's value[2] is an index, but
		 * Django's slice always builds a slice: "2" -> [:2]. */
		v[1] = v[0], set[1] = set[0], set[0] = 0;
	}
	if (set[2] && v[2] == 0)
		goto invalid;
	if (wk_value_len(in, &n) != 0) {
		*out = *in;
		return 0;
	}
	slice_bounds((long long)n, v, set, &start, &stop, &step);
	if (wk_val_is_str(in)) {
		/* Character offsets, then bytes. */
		if ((offs = wk_arena_alloc(c->arena, (n + 1) *
		    sizeof(*offs))) == NULL)
			return -1;
		for (i = 0, k = 0; k < (long long)n; k++) {
			offs[k] = i;
			i += wk_utf8_next(in->u.s.p + i, in->u.s.n - i);
		}
		offs[n] = in->u.s.n;
		wk_buf_init(&b, c->arena);
		wk_buf_append(&b, "", 0);
		for (k = start; step > 0 ? k < stop : k > stop; k += step)
			wk_buf_append(&b, in->u.s.p + offs[k],
			    offs[k + 1] - offs[k]);
		return tpl_from_buf(&b, in->kind == WK_VAL_SAFE, out);
	}
	if ((l = wk_list_new(c->arena)) == NULL)
		return -1;
	for (k = start; step > 0 ? k < stop : k > stop; k += step) {
		int rc = wk_value_item(in, (size_t)k, c->arena, &item);

		if (rc < 0 || (rc == 0 && wk_list_push(c->arena, l, item) != 0))
			return -1;
	}
	*out = wk_val_list(l);
	return 0;
invalid:
	*out = *in;
	return 0;
}

int
tpl_f_make_list(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	struct wk_list *l;
	const char *p;
	size_t n, i = 0, w;

	(void)arg;
	if (in->kind == WK_VAL_LIST) {
		*out = *in;
		return 0;
	}
	if (tpl_text_of(c, in, &p, &n) != 0 || (l = wk_list_new(c->arena)) == NULL)
		return -1;
	while (i < n) {
		w = wk_utf8_next(p + i, n - i);
		if (wk_list_push(c->arena, l, wk_val_strn(p + i, w)) != 0)
			return -1;
		i += w;
	}
	*out = wk_val_list(l);
	return 0;
}

/* Sort a list of maps/objects by the attribute path in arg. */
struct sort_item {
	struct wk_value v, key;
	size_t idx;
};

static int sort_desc;

static int
sort_cmp(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int cmp;

	if (wk_value_compare(&x->key, &y->key, &cmp) != 0)
		cmp = (x->key.kind > y->key.kind) - (x->key.kind < y->key.kind);
	if (sort_desc)
		cmp = -cmp;
	if (cmp == 0)  /* stable: keep the original order */
		cmp = (x->idx > y->idx) - (x->idx < y->idx);
	return cmp;
}

static int
dictsort(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out, int desc)
{
	struct sort_item *items;
	struct wk_list *l;
	const char *path, *seg, *dot;
	size_t plen, n, i;
	int rc;

	if (wk_val_is_str(in) || wk_value_len(in, &n) != 0 ||
	    tpl_text_of(c, arg, &path, &plen) != 0) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	if ((items = wk_arena_calloc(c->arena, n ? n : 1, sizeof(*items))) ==
	    NULL || (l = wk_list_new(c->arena)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((rc = wk_value_item(in, i, c->arena, &items[i].v)) < 0)
			return -1;
		if (rc > 0)
			items[i].v = wk_val_null();
		items[i].key = items[i].v;
		items[i].idx = i;
		for (seg = path; seg <= path + plen; seg = dot + 1) {
			dot = memchr(seg, '.', (size_t)(path + plen - seg));
			if (dot == NULL)
				dot = path + plen;
			rc = wk_value_attr(&items[i].key, seg,
			    (size_t)(dot - seg), c->arena, &items[i].key);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				items[i].key = wk_val_null();
				break;
			}
		}
	}
	sort_desc = desc;
	qsort(items, n, sizeof(*items), sort_cmp);
	for (i = 0; i < n; i++)
		if (wk_list_push(c->arena, l, items[i].v) != 0)
			return -1;
	*out = wk_val_list(l);
	return 0;
}

int
tpl_f_dictsort(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return dictsort(c, in, arg, out, 0);
}

int
tpl_f_dictsortreversed(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return dictsort(c, in, arg, out, 1);
}

#define UL_MAX_DEPTH 100   /* deeper lists are shown as text */

/*
 * unordered_list: Django's nested-list convention, where a list that
 * follows an item holds that item's children:
 * ['States', ['Kansas', ['Lawrence']]].  Items are escaped unless safe
 * (or autoescape is off); no outer <ul>, tabs for indentation as Django.
 */
static int
ul_items(const struct wk_filter_ctx *c, wk_buf *b, const struct wk_value *l,
    int depth)
{
	struct wk_value item, next;
	size_t i, n, k;
	const char *p;
	size_t pn;
	int rc, first = 1, has_next;

	if (wk_value_len(l, &n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if ((rc = wk_value_item(l, i, c->arena, &item)) < 0)
			return -1;
		if (rc > 0)
			continue;
		has_next = 0;
		if (i + 1 < n) {
			if ((rc = wk_value_item(l, i + 1, c->arena, &next)) < 0)
				return -1;
			has_next = rc == 0 && next.kind == WK_VAL_LIST;
		}
		if (!first)
			wk_buf_putc(b, '\n');
		first = 0;
		for (k = 0; k < (size_t)depth; k++)
			wk_buf_putc(b, '\t');
		wk_buf_append(b, "<li>", 4);
		if (tpl_text_of(c, &item, &p, &pn) != 0)
			return -1;
		tpl_put_maybe_escaped(b, tpl_must_escape(c, &item), p, pn);
		if (has_next) {
			i++;  /* the children are consumed with their parent */
			if (next.u.list->len > 0 && depth < UL_MAX_DEPTH) {
				wk_buf_putc(b, '\n');
				for (k = 0; k < (size_t)depth; k++)
					wk_buf_putc(b, '\t');
				wk_buf_append(b, "<ul>\n", 5);
				if (ul_items(c, b, &next, depth + 1) != 0)
					return -1;
				wk_buf_putc(b, '\n');
				for (k = 0; k < (size_t)depth; k++)
					wk_buf_putc(b, '\t');
				wk_buf_append(b, "</ul>\n", 6);
				for (k = 0; k < (size_t)depth; k++)
					wk_buf_putc(b, '\t');
			}
		}
		wk_buf_append(b, "</li>", 5);
	}
	return b->failed ? -1 : 0;
}

int
tpl_f_unordered_list(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	struct wk_value l = *in;
	wk_buf b;
	int rc;

	(void)arg;
	/* Django iterates whatever it gets: a text gives one item per
	 * character (make_list's split). */
	if (wk_val_is_str(in) && tpl_f_make_list(c, in, NULL, &l) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	if ((rc = ul_items(c, &b, &l, 1)) != 0)
		return rc;
	return tpl_from_buf(&b, 1, out);
}

/* random: one item, chosen with the OS's randomness (random.h); the item
 * keeps its own safety.  An empty sequence gives "". */
int
tpl_f_random(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	uint64_t r;
	size_t n;
	int rc;

	(void)arg;
	if (wk_value_len(in, &n) != 0 || n == 0) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	if (wk_random_bytes(&r, sizeof(r)) != 0)
		return -1;
	/* The modulo bias of 64 random bits over a list's length is below
	 * 2^-40: nothing a template can notice. */
	r %= n;
	if (wk_val_is_str(in)) {
		*out = nth_char(in->u.s.p, in->u.s.n, (size_t)r);
		return 0;
	}
	rc = wk_value_item(in, (size_t)r, c->arena, out);
	if (rc > 0)
		*out = wk_val_strn("", 0);
	return rc < 0 ? -1 : 0;
}
