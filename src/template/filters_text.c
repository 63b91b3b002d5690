/*
 * filters_text.c - filters that reshape running text.
 *
 * Truncation by characters or words (plain and HTML-aware: the _html
 * forms count only text outside tags and close the elements they cut
 * open), word counts, wrapping, line numbers, stripping tags, and turning
 * line breaks into <p> and <br>.  Characters are counted as Django counts
 * them (code points of UTF-8 text); the ones that build markup escape
 * their input unless it is safe.
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
#include "../core/unicode_int.h"

int
tpl_f_truncatechars(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, count = 0;
	long long max;
	int ok;
	wk_buf b;

	max = tpl_int_arg(arg, 0, &ok);
	if (!ok) {
		*out = *in;
		return 0;
	}
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	if (wk_utf8_len(p, n) <= (size_t)(max < 0 ? 0 : max) && max >= 0) {
		*out = wk_val_strn(p, n);
		return 0;
	}
	while (i < n && (long long)count + 1 < max) {
		i += wk_utf8_next(p + i, n - i);
		count++;
	}
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, p, i);
	wk_buf_append(&b, TPL_ELLIPSIS, sizeof(TPL_ELLIPSIS) - 1);
	return tpl_from_buf(&b, 0, out);
}

/* Visit whitespace-separated words: fn(ctx, word, len) for each. */
static size_t
count_words(const char *p, size_t n)
{
	size_t i = 0, words = 0;

	while (i < n) {
		while (i < n && isspace((unsigned char)p[i]))
			i++;
		if (i >= n)
			break;
		words++;
		while (i < n && !isspace((unsigned char)p[i]))
			i++;
	}
	return words;
}

int
tpl_f_truncatewords(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, words = 0, start;
	long long max;
	int ok;
	wk_buf b;

	max = tpl_int_arg(arg, 0, &ok);
	if (!ok) {
		*out = *in;
		return 0;
	}
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	while (i < n) {
		while (i < n && isspace((unsigned char)p[i]))
			i++;
		if (i >= n)
			break;
		if ((long long)words >= max) {
			wk_buf_append(&b, " ", 1);
			wk_buf_append(&b, TPL_ELLIPSIS, sizeof(TPL_ELLIPSIS) - 1);
			break;
		}
		start = i;
		while (i < n && !isspace((unsigned char)p[i]))
			i++;
		if (words > 0)
			wk_buf_putc(&b, ' ');
		wk_buf_append(&b, p + start, i - start);
		words++;
	}
	if (b.len == 0 && !b.failed) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	return tpl_from_buf(&b, 0, out);
}

int
tpl_f_wordcount(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	*out = wk_val_int((long long)count_words(p, n));
	return 0;
}

int
tpl_f_striptags(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *gt = NULL;
	size_t n, i = 0, start = 0;
	int gt_known = 0;
	wk_buf b;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	while (i < n) {
		if (p[i] != '<' || i + 1 >= n || !(isalpha((unsigned char)p[i + 1])
		    || p[i + 1] == '/' || p[i + 1] == '!' || p[i + 1] == '?')) {
			i++;
			continue;
		}
		/* The first '>' after i: searched again only once passed, so
		 * many '<' and no '>' cost one scan in all. */
		if (!gt_known || (gt != NULL && gt < p + i)) {
			gt = memchr(p + i, '>', n - i);
			gt_known = 1;
		}
		if (gt == NULL)
			break;  /* an unclosed tag: the rest is text */
		wk_buf_append(&b, p + start, i - start);
		i = (size_t)(gt - p) + 1;
		start = i;
	}
	wk_buf_append(&b, p + start, n - start);
	return tpl_from_buf(&b, 0, out);
}

int
tpl_f_linebreaks(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0;
	int esc = tpl_must_escape(c, in);
	wk_buf b;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "<p>", 3);
	while (i < n) {
		size_t start = i, nl = 0;

		while (i < n && p[i] != '\n' && p[i] != '\r')
			i++;
		tpl_put_maybe_escaped(&b, esc, p + start, i - start);
		/* Count the line breaks that follow (\r\n counts once). */
		while (i < n && (p[i] == '\n' || p[i] == '\r')) {
			if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
				i++;
			i++;
			nl++;
		}
		if (nl == 1 && i < n)
			wk_buf_append(&b, "<br>", 4);
		else if (nl >= 2 && i < n)
			wk_buf_append(&b, "</p>\n\n<p>", 9);
		else if (nl == 1)
			wk_buf_append(&b, "<br>", 4);
	}
	wk_buf_append(&b, "</p>", 4);
	return tpl_from_buf(&b, 1, out);
}

int
tpl_f_linebreaksbr(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, start;
	int esc = tpl_must_escape(c, in);
	wk_buf b;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	while (i < n) {
		start = i;
		while (i < n && p[i] != '\n' && p[i] != '\r')
			i++;
		tpl_put_maybe_escaped(&b, esc, p + start, i - start);
		if (i < n) {
			if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
				i++;
			i++;
			wk_buf_append(&b, "<br>", 4);
		}
	}
	if (b.len == 0 && !b.failed) {
		*out = wk_val_safen("", 0);
		return 0;
	}
	return tpl_from_buf(&b, 1, out);
}

int
tpl_f_linenumbers(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *nl;
	size_t n, i = 0, lines = 1, width = 1, k, line = 1;
	int esc = tpl_must_escape(c, in);
	wk_buf b;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	for (k = 0; k < n; k++)
		lines += p[k] == '\n';
	for (k = lines; k >= 10; k /= 10)
		width++;
	wk_buf_init(&b, c->arena);
	for (;;) {
		nl = memchr(p + i, '\n', n - i);
		wk_buf_printf(&b, "%0*zu. ", (int)width, line++);
		tpl_put_maybe_escaped(&b, esc, p + i, (nl ? (size_t)(nl - p) : n) - i);
		if (nl == NULL)
			break;
		wk_buf_putc(&b, '\n');
		i = (size_t)(nl - p) + 1;
	}
	return tpl_from_buf(&b, 1, out);
}

int
tpl_f_wordwrap(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, col = 0, start, wl;
	long long width;
	int ok;
	wk_buf b;

	width = tpl_int_arg(arg, 0, &ok);
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	if (!ok || width < 1) {
		*out = wk_val_strn(p, n);
		return 0;
	}
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	/* Greedy: words stay whole; a break replaces the space before a word
	 * that would pass the width.  Existing newlines are kept. */
	while (i < n) {
		if (p[i] == '\n') {
			wk_buf_putc(&b, '\n');
			col = 0;
			i++;
			continue;
		}
		start = i;
		while (i < n && p[i] == ' ')
			i++;
		if (i >= n || p[i] == '\n')
			continue;  /* trailing spaces on a line are dropped */
		wl = 0;
		{
			size_t j = i;

			while (j < n && p[j] != ' ' && p[j] != '\n') {
				j += wk_utf8_next(p + j, n - j);
				wl++;
			}
			if (col > 0 && col + (i - start) + wl > (size_t)width) {
				wk_buf_putc(&b, '\n');
				col = 0;
			} else if (col > 0) {
				wk_buf_append(&b, p + start, i - start);
				col += i - start;
			}
			wk_buf_append(&b, p + i, j - i);
			col += wl;
			i = j;
		}
	}
	return tpl_from_buf(&b, 0, out);
}

/* Elements HTML 4 never closes: they open nothing to close later. */
static const char *const html4_singlets[] = { "area", "base", "br", "col",
	"hr", "img", "input", "link", "param" };

/* An element left open at the cut: its name in the input. */
struct open_tag {
	const char *p;
	size_t n;
};

/*
 * Read the tag t[0..n) ("<a href=x>", '<' to the first '>') as Django's
 * re_tag does: a name of non-spaces after an optional '/', then either
 * nothing, " /" (self-closing) or a space and attributes.  Returns 0 and
 * sets *name, *closing, *self_closing; -1 when it is not a tag ("< a>").
 */
static int
read_tag(const char *t, size_t n, const char **name, size_t *nn,
    int *closing, int *self_closing)
{
	size_t i = 1, end = n - 1, k;

	*closing = 0;
	*self_closing = 0;
	if (i < end && t[i] == '/' && i + 1 < end &&
	    !isspace((unsigned char)t[i + 1])) {
		*closing = 1;
		i++;
	}
	if (i >= end || isspace((unsigned char)t[i]))
		return -1;
	*name = t + i;
	while (i < end && !isspace((unsigned char)t[i]))
		i++;
	*nn = (size_t)(t + i - *name);
	if (i == end) {
		/* "<br/>": the shortest name that leaves "/>" */
		if (*nn > 1 && (*name)[*nn - 1] == '/') {
			(*nn)--;
			*self_closing = 1;
		}
		return 0;
	}
	for (k = i; k < end && isspace((unsigned char)t[k]); k++)
		;
	if (k + 1 == end && t[k] == '/')
		*self_closing = 1;
	return 0;
}

static int
is_singlet(const char *p, size_t n)
{
	size_t k;

	for (k = 0; k < sizeof(html4_singlets) / sizeof(html4_singlets[0]);
	    k++)
		if (strlen(html4_singlets[k]) == n &&
		    strncasecmp(html4_singlets[k], p, n) == 0)
			return 1;
	return 0;
}

/*
 * truncatechars_html / truncatewords_html: count characters (or words)
 * outside tags; at the limit cut, add the ellipsis and close the elements
 * still open, most recent first (a closing tag only closes the element
 * opened last, as Django, so misnested input costs no search).  Linear:
 * the next '>' is found once per '>' passed, as in striptags.
 */
static int
truncate_html(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out, int words)
{
	const char *p, *gt = NULL, *name;
	size_t n, i = 0, end_text = 0, nopen = 0, capopen = 0, nn, k;
	long long max, count = 0, cut_at;
	struct open_tag *open = NULL, *grown;
	int ok, gt_known = 0, closing, self_closing, is_word;
	wk_buf b;

	max = tpl_int_arg(arg, 0, &ok);
	if (!ok) {
		*out = *in;
		return 0;
	}
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	if (words && max <= 0) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	/* Where the text ends: the ellipsis takes one of the characters;
	 * " …" follows the last word. */
	cut_at = words ? max : max - 1;
	while (count <= max && i < n) {
		size_t start = i;

		if (p[i] == '<') {
			if (!gt_known || (gt != NULL && gt < p + i)) {
				gt = memchr(p + i, '>', n - i);
				gt_known = 1;
			}
		}
		if (p[i] == '<' && gt != NULL && (words || gt > p + i + 1)) {
			/* A tag, or Django's skipped "<>" between words. */
			i = (size_t)(gt - p) + 1;
			is_word = 0;
		} else if (words) {
			if (isspace((unsigned char)p[i]) || p[i] == '<' ||
			    p[i] == '>') {
				i++;
				continue;
			}
			while (i < n && !isspace((unsigned char)p[i]) &&
			    p[i] != '<' && p[i] != '>')
				i++;
			is_word = 1;
		} else {
			i += wk_utf8_next(p + i, n - i);
			is_word = 1;
		}
		if (is_word) {
			if (++count == cut_at)
				end_text = i;
			continue;
		}
		if (count >= cut_at || read_tag(p + start, i - start, &name,
		    &nn, &closing, &self_closing) != 0)
			continue;
		if (self_closing || is_singlet(name, nn))
			continue;
		if (closing) {
			if (nopen > 0 && open[nopen - 1].n == nn &&
			    strncasecmp(open[nopen - 1].p, name, nn) == 0)
				nopen--;
			continue;
		}
		if (nopen == capopen) {
			capopen = capopen ? capopen * 2 : 8;
			grown = wk_arena_alloc(c->arena, capopen * sizeof(*open));
			if (grown == NULL)
				return -1;
			if (nopen > 0)
				memcpy(grown, open, nopen * sizeof(*open));
			open = grown;
		}
		open[nopen].p = name;
		open[nopen].n = nn;
		nopen++;
	}
	if (count <= max) {
		*out = wk_val_strn(p, n);
		return 0;
	}
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, p, end_text);
	if (words)
		wk_buf_putc(&b, ' ');
	wk_buf_append(&b, TPL_ELLIPSIS, sizeof(TPL_ELLIPSIS) - 1);
	while (nopen > 0) {
		nopen--;
		wk_buf_append(&b, "</", 2);
		for (k = 0; k < open[nopen].n; k++)
			wk_buf_putc(&b, (char)tolower(
			    (unsigned char)open[nopen].p[k]));
		wk_buf_putc(&b, '>');
	}
	return tpl_from_buf(&b, 0, out);
}

int
tpl_f_truncatechars_html(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return truncate_html(c, in, arg, out, 0);
}

int
tpl_f_truncatewords_html(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return truncate_html(c, in, arg, out, 1);
}
