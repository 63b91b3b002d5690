/*
 * filters_number.c - filters over numbers: add, floatformat,
 * filesizeformat, get_digit, and stringformat (Python's %-formatting of
 * one value), each giving Django's text for the same input, including
 * its fallbacks when the input is not a number.
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

int
tpl_f_add(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	long long a, b;
	struct wk_list *l;
	size_t i;
	wk_buf buf;

	if (wk_value_to_int(in, &a) == 0 && wk_value_to_int(arg, &b) == 0) {
		if ((b > 0 && a > LLONG_MAX - b) || (b < 0 && a < LLONG_MIN - b))
			*out = wk_val_real((double)a + (double)b);
		else
			*out = wk_val_int(a + b);
		return 0;
	}
	if (wk_val_is_str(in) && wk_val_is_str(arg)) {
		wk_buf_init(&buf, c->arena);
		wk_buf_append(&buf, "", 0);
		wk_buf_append(&buf, in->u.s.p, in->u.s.n);
		wk_buf_append(&buf, arg->u.s.p, arg->u.s.n);
		return tpl_from_buf(&buf, in->kind == WK_VAL_SAFE &&
		    arg->kind == WK_VAL_SAFE, out);
	}
	if (in->kind == WK_VAL_LIST && arg->kind == WK_VAL_LIST) {
		if ((l = wk_list_new(c->arena)) == NULL)
			return -1;
		for (i = 0; i < in->u.list->len; i++)
			if (wk_list_push(c->arena, l, in->u.list->items[i]) != 0)
				return -1;
		for (i = 0; i < arg->u.list->len; i++)
			if (wk_list_push(c->arena, l, arg->u.list->items[i]) != 0)
				return -1;
		*out = wk_val_list(l);
		return 0;
	}
	*out = wk_val_strn("", 0);
	return 0;
}

int
tpl_f_floatformat(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	double x, scaled, scale;
	long long d;
	int ok, digits, k, allzero = 1;
	char tmp[400];
	int n;

	d = tpl_int_arg(arg, -1, &ok);
	if (wk_value_to_real(in, &x) != 0 || !isfinite(x)) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	if (!ok || d > 20 || d < -20) {
		*out = *in;
		return 0;
	}
	digits = (int)(d < 0 ? -d : d);
	if (d < 0 && x == floor(x))
		digits = 0;
	scale = pow(10.0, digits);
	scaled = x * scale;
	if (fabs(scaled) < 9e15) {
		/* Round half away from zero, as Django's ROUND_HALF_UP. */
		scaled = round(scaled);
		x = scaled / scale;
	}
	n = snprintf(tmp, sizeof(tmp), "%.*f", digits, x);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		*out = *in;
		return 0;
	}
	for (k = 0; k < n; k++)
		if (tmp[k] >= '1' && tmp[k] <= '9')
			allzero = 0;
	/* No "-0.0": Django drops the sign of a rounded-away zero. */
	{
		int skip = tmp[0] == '-' && allzero;
		char *copy = wk_arena_strndup(c->arena, tmp + skip,
		    (size_t)(n - skip));

		if (copy == NULL)
			return -1;
		*out = wk_val_strn(copy, (size_t)(n - skip));
	}
	return 0;
}

int
tpl_f_filesizeformat(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB", "PB" };
	double x, ax;
	size_t u;
	wk_buf b;

	(void)arg;
	wk_buf_init(&b, c->arena);
	if (wk_value_to_real(in, &x) != 0 || !isfinite(x))
		x = 0;
	ax = fabs(x);
	if (x < 0)
		wk_buf_putc(&b, '-');
	if (ax < 1024) {
		wk_buf_printf(&b, "%lld%s%s", (long long)ax, TPL_NBSP,
		    (long long)ax == 1 ? "byte" : "bytes");
		return tpl_from_buf(&b, 0, out);
	}
	ax /= 1024;
	for (u = 0; u + 1 < sizeof(units) / sizeof(units[0]) && ax >= 1024; u++)
		ax /= 1024;
	wk_buf_printf(&b, "%.1f%s%s", ax, TPL_NBSP, units[u]);
	return tpl_from_buf(&b, 0, out);
}

int
tpl_f_get_digit(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	long long v, d, k;
	int ok;

	(void)c;
	d = tpl_int_arg(arg, 0, &ok);
	if (!ok || d < 1 || wk_value_to_int(in, &v) != 0 || v < 0 ||
	    (in->kind != WK_VAL_INT && !wk_val_is_str(in))) {
		*out = *in;
		return 0;
	}
	for (k = 1; k < d && v > 0; k++)
		v /= 10;
	*out = wk_val_int(v % 10);
	return 0;
}

/* stringformat: Python's "%<spec>" % value for one conversion. */
int
tpl_f_stringformat(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	char fmt[32], tmp[512];
	const char *spec, *p;
	size_t sn, k = 0, pn;
	long long iv;
	double rv;
	char conv;
	int n = -1, num;

	if (tpl_text_of(c, arg, &spec, &sn) != 0)
		return -1;
	*out = wk_val_strn("", 0);
	if (sn == 0 || sn > 20)
		return 0;
	conv = spec[sn - 1];
	/* Flags, width and precision: digits only (no '*', no NUL: strchr
	 * would find the terminator), bounded. */
	for (k = 0; k + 1 < sn; k++)
		if (spec[k] == '\0' || strchr("-+ #0123456789.", spec[k]) == NULL)
			return 0;
	for (k = 0, num = 0; k + 1 < sn; k++) {
		num = isdigit((unsigned char)spec[k]) ? num * 10 +
		    (spec[k] - '0') : 0;
		if (num > 200)
			return 0;
	}
	/* Only the flag combinations C defines for each conversion. */
	if ((conv == 'd' || conv == 'i' || conv == 's') &&
	    memchr(spec, '#', sn - 1) != NULL)
		return 0;
	if (conv == 's' && (memchr(spec, '+', sn) != NULL ||
	    memchr(spec, ' ', sn) != NULL ||
	    (sn > 1 && (spec[0] == '0' || (spec[0] == '-' && sn > 2 &&
	    spec[1] == '0')))))
		return 0;
	fmt[0] = '%';
	memcpy(fmt + 1, spec, sn - 1);
	switch (conv) {
	case 'd': case 'i': case 'x': case 'X': case 'o':
		if (wk_value_to_int(in, &iv) != 0 ||
		    (iv < 0 && conv != 'd' && conv != 'i'))
			return 0;  /* Python writes -ff; C would not */
		memcpy(fmt + sn, "ll", 2);
		fmt[sn + 2] = conv == 'i' ? 'd' : conv;
		fmt[sn + 3] = '\0';
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		n = snprintf(tmp, sizeof(tmp), fmt, iv);
		break;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
		if (wk_value_to_real(in, &rv) != 0)
			return 0;
		fmt[sn] = conv;
		fmt[sn + 1] = '\0';
		n = snprintf(tmp, sizeof(tmp), fmt, rv);
		break;
	case 's':
		if (tpl_text_of(c, in, &p, &pn) != 0)
			return -1;
		if (pn > 256)
			pn = 256;
		memcpy(fmt + sn, ".*s", 4);
		/* Python's %s has no precision-less truncation: print all. */
		if (memchr(spec, '.', sn) != NULL)
			return 0;
		n = snprintf(tmp, sizeof(tmp), fmt, (int)pn, p);
#pragma GCC diagnostic pop
		break;
	default:
		return 0;
	}
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return 0;
	p = wk_arena_strndup(c->arena, tmp, (size_t)n);
	if (p == NULL)
		return -1;
	*out = wk_val_strn(p, (size_t)n);
	return 0;
}
