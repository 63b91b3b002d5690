/*
 * filters_url.c - filters about URLs: urlencode and iriencode (Python's
 * quote, with Django's safe characters), and urlize/urlizetrunc, which
 * find links and e-mail addresses in text and turn them into <a>
 * elements, escaping everything else.
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

static int
url_quote(wk_buf *b, const char *p, size_t n, const char *safe)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (isalnum(ch) && ch < 0x80)
			wk_buf_putc(b, (char)ch);
		else if (ch != 0 && (strchr("-._~", ch) != NULL ||
		    (safe != NULL && strchr(safe, ch) != NULL)))
			wk_buf_putc(b, (char)ch);
		else {
			wk_buf_putc(b, '%');
			wk_buf_putc(b, hex[ch >> 4]);
			wk_buf_putc(b, hex[ch & 15]);
		}
	}
	return b->failed ? -1 : 0;
}

int
tpl_f_urlencode(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *safe = "/", *s;
	size_t n, sn;
	wk_buf b;

	if (arg != NULL) {
		if (tpl_text_of(c, arg, &s, &sn) != 0 ||
		    (safe = wk_arena_strndup(c->arena, s, sn)) == NULL)
			return -1;
	}
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	url_quote(&b, p, n, safe);
	return tpl_from_buf(&b, 0, out);
}

static int
has_prefix_ci(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(p, prefix, k) == 0;
}

/* user@example.com: one '@', a dotted domain of letters, digits, '-'. */
static int
looks_like_email(const char *p, size_t n)
{
	const char *at = memchr(p, '@', n), *dot = NULL;
	size_t i;

	if (at == NULL || at == p || at + 1 >= p + n)
		return 0;
	if (memchr(at + 1, '@', (size_t)(p + n - at - 1)) != NULL)
		return 0;
	for (i = 0; p + i < at; i++)
		if (!isalnum((unsigned char)p[i]) && strchr("._%+-", p[i]) == NULL)
			return 0;
	for (i = (size_t)(at - p) + 1; i < n; i++) {
		if (p[i] == '.')
			dot = p + i;
		else if (!isalnum((unsigned char)p[i]) && p[i] != '-')
			return 0;
	}
	return dot != NULL && dot + 1 < p + n && dot > at + 1;
}

/* example.com, example.org/path: Django links these bare domains too. */
static int
looks_like_domain(const char *p, size_t n)
{
	static const char *const tlds[] = { ".com", ".edu", ".gov", ".int",
	    ".mil", ".net", ".org" };
	const char *slash = memchr(p, '/', n);
	size_t host = slash != NULL ? (size_t)(slash - p) : n, k, i;

	if (n == 0 || !isalnum((unsigned char)p[0]) ||
	    memchr(p, '@', n) != NULL)
		return 0;
	for (i = 0; i < host; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '.' && p[i] != '-')
			return 0;
	for (k = 0; k < sizeof(tlds) / sizeof(tlds[0]); k++)
		if (host > 4 && strncasecmp(p + host - 4, tlds[k], 4) == 0)
			return 1;
	return 0;
}

/* The entities escape() writes, and numeric ones: what a link's text may
 * carry that its target must not. */
static const struct { const char *ent; size_t n; char ch; } html_entities[] = {
	{ "&amp;", 5, '&' }, { "&lt;", 4, '<' }, { "&gt;", 4, '>' },
	{ "&quot;", 6, '"' }, { "&#x27;", 6, '\'' }, { "&#39;", 5, '\'' },
	{ "&apos;", 6, '\'' },
};

/* Decode HTML's entities in p[0..n) into b (others stay as written). */
static void
html_unescape(wk_buf *b, const char *p, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (p[i] == '&') {
			for (k = 0; k < sizeof(html_entities) /
			    sizeof(html_entities[0]); k++)
				if (n - i >= html_entities[k].n &&
				    strncasecmp(p + i, html_entities[k].ent,
				    html_entities[k].n) == 0)
					break;
			if (k < sizeof(html_entities) / sizeof(html_entities[0])) {
				wk_buf_putc(b, html_entities[k].ch);
				i += html_entities[k].n;
				continue;
			}
		}
		wk_buf_putc(b, p[i++]);
	}
}

/* Does p[0..n) end with one of those entities?  Its ';' is not the
 * sentence's punctuation (Django trims on the decoded text). */
static int
ends_in_entity(const char *p, size_t n)
{
	size_t k;

	for (k = 0; k < sizeof(html_entities) / sizeof(html_entities[0]); k++)
		if (n >= html_entities[k].n && strncasecmp(p + n -
		    html_entities[k].n, html_entities[k].ent,
		    html_entities[k].n) == 0)
			return 1;
	return 0;
}

static int
urlize_word(wk_buf *b, int esc, const char *w, size_t n, long long trunc)
{
	const char *lead_set = "([<\"'", *trail_set = ".,:;!)]>\"'";
	size_t lead = 0, trail = 0;
	const char *m, *scheme = "";
	size_t mn;
	int link;

	while (lead < n && strchr(lead_set, w[lead]) != NULL)
		lead++;
	while (trail < n - lead && strchr(trail_set, w[n - 1 - trail]) != NULL &&
	    !ends_in_entity(w + lead, n - lead - trail))
		trail++;
	m = w + lead;
	mn = n - lead - trail;
	if (mn == 0) {
		return tpl_put_maybe_escaped(b, esc, w, n);
	}
	if ((has_prefix_ci(m, mn, "http://") && mn > 7) ||
	    (has_prefix_ci(m, mn, "https://") && mn > 8))
		link = 1;
	else if (has_prefix_ci(m, mn, "www.") && mn > 4)
		link = 1, scheme = "http://";
	else if (looks_like_email(m, mn))
		link = 2, scheme = "mailto:";
	else if (looks_like_domain(m, mn))
		link = 1, scheme = "http://";
	else
		link = 0;
	if (!link)
		return tpl_put_maybe_escaped(b, esc, w, n);
	tpl_put_maybe_escaped(b, esc, w, lead);
	wk_buf_append(b, "<a href=\"", 9);
	wk_buf_puts(b, scheme);
	{
		/* As Django: the link's text may hold entities ("&amp;",
		 * "&lt;"), so decode them, percent-encode what a URL may not
		 * hold ('<' is %3C), then escape '&' once for the attribute. */
		wk_buf u, q;

		wk_buf_init(&u, b->arena);
		wk_buf_init(&q, b->arena);
		wk_buf_append(&u, "", 0);
		html_unescape(&u, m, mn);
		url_quote(&q, wk_buf_cstr(&u), u.len, "/:?#[]@!$&()*+,;=%~'");
		if (u.failed)
			return -1;
		wk_buf_append_html(b, wk_buf_cstr(&q), q.len);
		if (q.failed)
			return -1;
	}
	wk_buf_puts(b, link == 2 ? "\">" : "\" rel=\"nofollow\">");
	if (trunc > 0 && wk_utf8_len(m, mn) > (size_t)trunc) {
		/* urlizetrunc: the shown text is cut, the link is whole. */
		size_t i = 0, k = 0;

		while (i < mn && (long long)k + 1 < trunc) {
			i += wk_utf8_next(m + i, mn - i);
			k++;
		}
		tpl_put_maybe_escaped(b, esc, m, i);
		wk_buf_append(b, TPL_ELLIPSIS, sizeof(TPL_ELLIPSIS) - 1);
	} else
		tpl_put_maybe_escaped(b, esc, m, mn);
	wk_buf_append(b, "</a>", 4);
	tpl_put_maybe_escaped(b, esc, m + mn, trail);
	return b->failed ? -1 : 0;
}

static int
urlize(const struct wk_filter_ctx *c, const struct wk_value *in,
    long long trunc, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, start;
	int esc = tpl_must_escape(c, in);
	wk_buf b;

	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	while (i < n) {
		start = i;
		while (i < n && isspace((unsigned char)p[i]))
			i++;
		wk_buf_append(&b, p + start, i - start);
		start = i;
		while (i < n && !isspace((unsigned char)p[i]))
			i++;
		if (i > start && urlize_word(&b, esc, p + start, i - start,
		    trunc) != 0)
			return -1;
	}
	return tpl_from_buf(&b, 1, out);
}

int
tpl_f_urlize(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return urlize(c, in, 0, out);
}

int
tpl_f_urlizetrunc(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	int ok;
	long long n = tpl_int_arg(arg, 0, &ok);

	if (!ok) {
		*out = *in;
		return 0;
	}
	return urlize(c, in, n < 1 ? 1 : n, out);
}

int
tpl_f_iriencode(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i;
	wk_buf b;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	/* Django's iri_to_uri: keep reserved and non-ASCII-safe characters,
	 * percent-encode the rest (non-ASCII bytes included). */
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch < 0x80 && ch > 0x20 && (isalnum(ch) ||
		    strchr("/#%[]=:;$&()+,!?*@'~-._", ch) != NULL))
			wk_buf_putc(&b, (char)ch);
		else
			wk_buf_printf(&b, "%%%02X", ch);
	}
	return tpl_from_buf(&b, 0, out);
}
