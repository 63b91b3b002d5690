/*
 * filters.c - Django's built-in filters, and the apps' own.
 *
 * One const table, sorted by name, maps a filter's name to its function
 * and flags; the parser looks names up here so that a misspelt filter
 * fails the build.  Filters never see the output buffer: they take a value
 * and return a value, allocating from the render's arena.  Filters that
 * build markup (linebreaks, urlize, join, json_script...) escape their
 * input themselves and return a safe string.  Every filter is linear in its
 * input: hostile text (100,000 '<', an unclosed tag) costs no more than
 * plain text of the same size.
 *
 * Text handling is UTF-8 aware: characters are counted as Django counts
 * them (length, truncatechars, slice), and case (lower, upper, title,
 * capfirst) and slugify follow Python 3's Unicode rules through
 * src/core/unicode.c, with a byte-at-a-time path for ASCII text.
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
#include "wick/core/settings.h"

#include "internal.h"
#include "../core/unicode_int.h"

#define TPL_MAX_FILTERS 64
#define JSON_MAX_DEPTH 64

static struct tpl_filter_def custom_filters[TPL_MAX_FILTERS];
static size_t n_custom_filters;

static const char ellipsis[] = "\xe2\x80\xa6";   /* U+2026 */
static const char nbsp[] = "\xc2\xa0";          /* U+00A0 */

/* ---- helpers ----------------------------------------------------------------- */

/* The input as text (numbers written out). */
static int
text_of(const struct wk_filter_ctx *c, const struct wk_value *v,
    const char **p, size_t *n)
{
	return wk_value_text(v, c->arena, p, n);
}

/* A value from a buffer, safe or not. */
static int
from_buf(const wk_buf *b, int safe, struct wk_value *out)
{
	if (b->failed)
		return -1;
	*out = safe ? wk_val_safen(wk_buf_cstr(b), b->len) :
	    wk_val_strn(wk_buf_cstr(b), b->len);
	return 0;
}

/* Does this filter's input need escaping when the filter builds HTML? */
static int
must_escape(const struct wk_filter_ctx *c, const struct wk_value *in)
{
	return c->autoescape && in->kind != WK_VAL_SAFE;
}

static int
put_maybe_escaped(wk_buf *b, int esc, const char *s, size_t n)
{
	return esc ? wk_buf_append_html(b, s, n) : wk_buf_append(b, s, n);
}

/* see internal.h */
int
tpl_escape_value(wk_arena *a, const char *s, size_t n, struct wk_value *out)
{
	wk_buf b;

	wk_buf_init(&b, a);
	if (n == 0) {
		*out = wk_val_safen("", 0);
		return 0;
	}
	wk_buf_append_html(&b, s, n);
	return from_buf(&b, 1, out);
}

/* An integer argument, or def when absent or not a number. */
static long long
int_arg(const struct wk_value *arg, long long def, int *ok)
{
	long long i;

	*ok = 1;
	if (arg == NULL)
		return def;
	if (wk_value_to_int(arg, &i) != 0) {
		*ok = 0;
		return def;
	}
	return i;
}

/* ---- escaping and safety ------------------------------------------------------ */

static int
f_escape(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;

	(void)arg;
	if (in->kind == WK_VAL_SAFE) {
		*out = *in;
		return 0;
	}
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	return tpl_escape_value(c->arena, p, n, out);
}

static int
f_force_escape(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	return tpl_escape_value(c->arena, p, n, out);
}

static int
f_safe(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	*out = wk_val_safen(p, n);
	return 0;
}

/* safeseq / escapeseq: each item of a list made safe or escaped. */
static int
seq_map(const struct wk_filter_ctx *c, const struct wk_value *in,
    struct wk_value *out, int escape)
{
	struct wk_list *l;
	struct wk_value item, v;
	size_t i, n;
	const char *p;
	size_t pn;
	int rc;

	if (wk_val_is_str(in) || wk_value_len(in, &n) != 0) {
		*out = *in;
		return 0;
	}
	if ((l = wk_list_new(c->arena)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((rc = wk_value_item(in, i, c->arena, &item)) < 0)
			return -1;
		if (rc > 0)
			continue;
		if (escape && item.kind == WK_VAL_SAFE)
			v = item;
		else {
			if (text_of(c, &item, &p, &pn) != 0)
				return -1;
			if (escape) {
				if (tpl_escape_value(c->arena, p, pn, &v) != 0)
					return -1;
			} else
				v = wk_val_safen(p, pn);
		}
		if (wk_list_push(c->arena, l, v) != 0)
			return -1;
	}
	*out = wk_val_list(l);
	return 0;
}

static int
f_safeseq(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return seq_map(c, in, out, 0);
}

static int
f_escapeseq(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return seq_map(c, in, out, 1);
}

/* ---- defaults and tests ---------------------------------------------------------- */

static int
f_default(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)c;
	*out = wk_value_truthy(in) ? *in : *arg;
	return 0;
}

static int
f_default_if_none(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)c;
	*out = in->kind == WK_VAL_NULL ? *arg : *in;
	return 0;
}

static int
f_length(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	size_t n;

	(void)c, (void)arg;
	*out = wk_val_int(wk_value_len(in, &n) == 0 ? (long long)n : 0);
	return 0;
}

static int
f_divisibleby(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	long long a, b;

	(void)c;
	if (wk_value_to_int(in, &a) != 0 || wk_value_to_int(arg, &b) != 0 ||
	    b == 0 || (b == -1 && a == LLONG_MIN)) {
		*out = wk_val_bool(0);
		return 0;
	}
	*out = wk_val_bool(a % b == 0);
	return 0;
}

static int
f_yesno(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p = "yes,no,maybe", *parts[3], *q;
	size_t n = 12, lens[3], k = 0;

	if (arg != NULL && text_of(c, arg, &p, &n) != 0)
		return -1;
	q = p;
	while (k < 3) {
		const char *comma = memchr(q, ',', (size_t)(p + n - q));
		const char *stop = comma != NULL ? comma : p + n;

		parts[k] = q;
		lens[k] = (size_t)(stop - q);
		k++;
		if (comma == NULL)
			break;
		q = comma + 1;
	}
	if (k < 2) {
		*out = *in;  /* Django: an invalid argument returns the value */
		return 0;
	}
	if (in->kind == WK_VAL_NULL)
		k = k == 3 ? 2 : 1;
	else
		k = wk_value_truthy(in) ? 0 : 1;
	*out = wk_val_strn(parts[k], lens[k]);
	return 0;
}

static int
f_pluralize(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p = "s", *comma;
	size_t n = 1, len;
	double r;
	int plural;

	if (arg != NULL && text_of(c, arg, &p, &n) != 0)
		return -1;
	if (wk_value_to_real(in, &r) == 0)
		plural = r != 1.0;
	else if (wk_value_len(in, &len) == 0)
		plural = len != 1;
	else {
		*out = wk_val_strn("", 0);
		return 0;
	}
	comma = memchr(p, ',', n);
	if (comma == NULL) {
		*out = plural ? wk_val_strn(p, n) : wk_val_strn("", 0);
		return 0;
	}
	if (memchr(comma + 1, ',', (size_t)(p + n - comma - 1)) != NULL) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	*out = plural ? wk_val_strn(comma + 1, (size_t)(p + n - comma - 1)) :
	    wk_val_strn(p, (size_t)(comma - p));
	return 0;
}

/* ---- case and text ------------------------------------------------------------- */

/* Any byte of p[0..n) at or above 0x80 (a string that is not ASCII)? */
static int
has_high(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

/*
 * ASCII text changes case byte by byte in place; anything else goes
 * through src/core/unicode.c (Python's full case mappings).
 */
static int
map_case(const struct wk_filter_ctx *c, const struct wk_value *in,
    struct wk_value *out, enum wk_uc_case how)
{
	const char *p;
	char *q;
	size_t n, i;
	wk_buf b;

	if (text_of(c, in, &p, &n) != 0)
		return -1;
	if (has_high(p, n)) {
		wk_buf_init(&b, c->arena);
		wk_buf_append(&b, "", 0);
		if (wk_uc_case(&b, p, n, how) != 0)
			return -1;
		return from_buf(&b, 0, out);
	}
	if ((q = wk_arena_alloc(c->arena, n + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		q[i] = (char)(how == WK_UC_LOWER ? tolower((unsigned char)p[i]) :
		    toupper((unsigned char)p[i]));
	q[n] = '\0';
	*out = wk_val_strn(q, n);
	return 0;
}

static int
f_lower(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return map_case(c, in, out, WK_UC_LOWER);
}

static int
f_upper(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return map_case(c, in, out, WK_UC_UPPER);
}

static int
f_capfirst(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	char *q;
	size_t n;
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	if (n > 0 && (unsigned char)p[0] >= 0x80) {
		wk_buf_init(&b, c->arena);
		wk_buf_append(&b, "", 0);
		if (wk_uc_case(&b, p, n, WK_UC_CAPFIRST) != 0)
			return -1;
		return from_buf(&b, 0, out);
	}
	if ((q = wk_arena_strndup(c->arena, p, n)) == NULL)
		return -1;
	if (n > 0)
		q[0] = (char)toupper((unsigned char)q[0]);
	*out = wk_val_strn(q, n);
	return 0;
}

/*
 * Django's title: Python's str.title(), then
 *   re.sub("([a-z])'([A-Z])", lambda m: m[0].lower(), t)
 *   re.sub(r"\d([A-Z])", lambda m: m[0].lower(), t)
 * done here in one pass over the title-cased bytes.  A match of the first
 * ends at the letter it lowers, so the next match starts after it ("Ab'C'D"
 * becomes "Ab'c'D"); \d is Unicode's decimal digits.
 */
static int
f_title(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	char *q;
	size_t n, i, w;
	uint32_t cp;
	int prev_digit = 0;
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	if (wk_uc_case(&b, p, n, WK_UC_TITLE) != 0)
		return -1;
	q = b.data;  /* not NULL: the empty append above allocated it */
	for (i = 0; i < b.len; i += w) {
		unsigned char ch = (unsigned char)q[i];

		w = 1;
		if (ch >= 'a' && ch <= 'z' && i + 2 < b.len && q[i + 1] == '\'' &&
		    q[i + 2] >= 'A' && q[i + 2] <= 'Z') {
			q[i + 2] = (char)tolower((unsigned char)q[i + 2]);
			w = 3;
			prev_digit = 0;
			continue;
		}
		if (ch >= 'A' && ch <= 'Z' && prev_digit)
			q[i] = (char)tolower(ch);
		if (ch < 0x80)
			prev_digit = ch >= '0' && ch <= '9';
		else {
			w = wk_uc_decode(q + i, b.len - i, &cp);
			prev_digit = wk_uc_isdecimal(cp);
		}
	}
	return from_buf(&b, 0, out);
}

static int
f_truncatechars(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, count = 0;
	long long max;
	int ok;
	wk_buf b;

	max = int_arg(arg, 0, &ok);
	if (!ok) {
		*out = *in;
		return 0;
	}
	if (text_of(c, in, &p, &n) != 0)
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
	wk_buf_append(&b, ellipsis, sizeof(ellipsis) - 1);
	return from_buf(&b, 0, out);
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

static int
f_truncatewords(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, words = 0, start;
	long long max;
	int ok;
	wk_buf b;

	max = int_arg(arg, 0, &ok);
	if (!ok) {
		*out = *in;
		return 0;
	}
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	while (i < n) {
		while (i < n && isspace((unsigned char)p[i]))
			i++;
		if (i >= n)
			break;
		if ((long long)words >= max) {
			wk_buf_append(&b, " ", 1);
			wk_buf_append(&b, ellipsis, sizeof(ellipsis) - 1);
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
	return from_buf(&b, 0, out);
}

static int
f_wordcount(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	*out = wk_val_int((long long)count_words(p, n));
	return 0;
}

static int
f_striptags(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *gt = NULL;
	size_t n, i = 0, start = 0;
	int gt_known = 0;
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
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
	return from_buf(&b, 0, out);
}

static int
f_linebreaks(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0;
	int esc = must_escape(c, in);
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "<p>", 3);
	while (i < n) {
		size_t start = i, nl = 0;

		while (i < n && p[i] != '\n' && p[i] != '\r')
			i++;
		put_maybe_escaped(&b, esc, p + start, i - start);
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
	return from_buf(&b, 1, out);
}

static int
f_linebreaksbr(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, start;
	int esc = must_escape(c, in);
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	while (i < n) {
		start = i;
		while (i < n && p[i] != '\n' && p[i] != '\r')
			i++;
		put_maybe_escaped(&b, esc, p + start, i - start);
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
	return from_buf(&b, 1, out);
}

/* The first an-byte needle a in p[0..n), by memchr on its first byte (see
 * find2 in parse.c for why not memmem). */
static const char *
find_str(const char *p, size_t n, const char *a, size_t an)
{
	const char *end = p + n;

	while ((size_t)(end - p) >= an) {
		p = memchr(p, a[0], (size_t)(end - p) - an + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, a, an) == 0)
			return p;
		p++;
	}
	return NULL;
}

static int
f_cut(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *a, *hit;
	size_t n, an, i = 0;
	wk_buf b;

	if (text_of(c, in, &p, &n) != 0 || text_of(c, arg, &a, &an) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	while (an > 0 && i < n &&
	    (hit = find_str(p + i, n - i, a, an)) != NULL) {
		wk_buf_append(&b, p + i, (size_t)(hit - p) - i);
		i = (size_t)(hit - p) + an;
	}
	wk_buf_append(&b, p + i, n - i);
	/* As Django: a safe input stays safe, unless ';' was cut, which can
	 * turn "&amp;" into a bare '&'. */
	return from_buf(&b, in->kind == WK_VAL_SAFE &&
	    !(an == 1 && a[0] == ';'), out);
}

static int
f_addslashes(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i;
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (p[i] == '\\' || p[i] == '"' || p[i] == '\'')
			wk_buf_putc(&b, '\\');
		wk_buf_putc(&b, p[i]);
	}
	return from_buf(&b, 0, out);
}

/*
 * Django's slugify; Wick's slugify:"unicode" is Django's
 * slugify(value, allow_unicode=True) (the filter itself takes no argument
 * in Django).  src/core/unicode.c does all but the final strip('-_').
 */
static int
f_slugify(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *a, *d;
	size_t n, an, lo, hi;
	int allow_unicode = 0;
	wk_buf b;

	if (arg != NULL) {
		if (text_of(c, arg, &a, &an) != 0)
			return -1;
		allow_unicode = an == 7 && memcmp(a, "unicode", 7) == 0;
	}
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	if (wk_uc_slugify(&b, p, n, allow_unicode) != 0 || b.failed)
		return -1;
	d = wk_buf_cstr(&b);
	for (lo = 0; lo < b.len && (d[lo] == '-' || d[lo] == '_'); lo++)
		;
	for (hi = b.len; hi > lo && (d[hi - 1] == '-' || d[hi - 1] == '_');
	    hi--)
		;
	*out = wk_val_strn(d + lo, hi - lo);
	return 0;
}

/* ---- sequences ---------------------------------------------------------------------- */

static int
f_join(const struct wk_filter_ctx *c, const struct wk_value *in,
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
	if (text_of(c, arg, &sep, &nsep) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	for (i = 0; i < n; i++) {
		if ((rc = wk_value_item(in, i, c->arena, &item)) < 0)
			return -1;
		if (i > 0)
			put_maybe_escaped(&b, esc && arg->kind != WK_VAL_SAFE,
			    sep, nsep);
		if (rc > 0)
			continue;
		if (text_of(c, &item, &p, &pn) != 0)
			return -1;
		put_maybe_escaped(&b, esc && item.kind != WK_VAL_SAFE, p, pn);
	}
	return from_buf(&b, 1, out);
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

static int
f_first(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return first_last(c, in, out, 0);
}

static int
f_last(const struct wk_filter_ctx *c, const struct wk_value *in,
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

static int
f_slice(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *spec, *q;
	size_t ns, n, i, *offs = NULL;
	long long v[3] = { 0, 0, 0 }, start, stop, step, k;
	int set[3] = { 0, 0, 0 }, part = 0, neg;
	struct wk_list *l;
	struct wk_value item;
	wk_buf b;

	if (text_of(c, arg, &spec, &ns) != 0)
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
		return from_buf(&b, in->kind == WK_VAL_SAFE, out);
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

/* ---- numbers ------------------------------------------------------------------------- */

static int
f_add(const struct wk_filter_ctx *c, const struct wk_value *in,
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
		return from_buf(&buf, in->kind == WK_VAL_SAFE &&
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

static int
f_floatformat(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	double x, scaled, scale;
	long long d;
	int ok, digits, k, allzero = 1;
	char tmp[400];
	int n;

	d = int_arg(arg, -1, &ok);
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

static int
f_filesizeformat(const struct wk_filter_ctx *c, const struct wk_value *in,
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
		wk_buf_printf(&b, "%lld%s%s", (long long)ax, nbsp,
		    (long long)ax == 1 ? "byte" : "bytes");
		return from_buf(&b, 0, out);
	}
	ax /= 1024;
	for (u = 0; u + 1 < sizeof(units) / sizeof(units[0]) && ax >= 1024; u++)
		ax /= 1024;
	wk_buf_printf(&b, "%.1f%s%s", ax, nbsp, units[u]);
	return from_buf(&b, 0, out);
}

/* ---- URLs and scripts ------------------------------------------------------------------ */

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

static int
f_urlencode(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *safe = "/", *s;
	size_t n, sn;
	wk_buf b;

	if (arg != NULL) {
		if (text_of(c, arg, &s, &sn) != 0 ||
		    (safe = wk_arena_strndup(c->arena, s, sn)) == NULL)
			return -1;
	}
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	url_quote(&b, p, n, safe);
	return from_buf(&b, 0, out);
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
		return put_maybe_escaped(b, esc, w, n);
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
		return put_maybe_escaped(b, esc, w, n);
	put_maybe_escaped(b, esc, w, lead);
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
		put_maybe_escaped(b, esc, m, i);
		wk_buf_append(b, ellipsis, sizeof(ellipsis) - 1);
	} else
		put_maybe_escaped(b, esc, m, mn);
	wk_buf_append(b, "</a>", 4);
	put_maybe_escaped(b, esc, m + mn, trail);
	return b->failed ? -1 : 0;
}

static int
urlize(const struct wk_filter_ctx *c, const struct wk_value *in,
    long long trunc, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, start;
	int esc = must_escape(c, in);
	wk_buf b;

	if (text_of(c, in, &p, &n) != 0)
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
	return from_buf(&b, 1, out);
}

static int
f_urlize(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)arg;
	return urlize(c, in, 0, out);
}

static int
f_urlizetrunc(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	int ok;
	long long n = int_arg(arg, 0, &ok);

	if (!ok) {
		*out = *in;
		return 0;
	}
	return urlize(c, in, n < 1 ? 1 : n, out);
}

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

static int
f_escapejs(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	js_escape(&b, p, n);
	return from_buf(&b, 1, out);
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

static int
f_json_script(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *id;
	size_t idn;
	wk_buf b;

	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "<script", 7);
	if (arg != NULL) {
		if (text_of(c, arg, &id, &idn) != 0)
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
	return from_buf(&b, 1, out);
}

/* ---- dates ------------------------------------------------------------------------------ */

/* Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's
 * civil-calendar arithmetic). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct civil {
	long long year;
	int month, day, hour, minute, second, wday, yday;
	long usec;
	long long epoch;
};

static int
is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long long y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

static void
civil_from_epoch(long long t, long usec, struct civil *c)
{
	long long z = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	long long secs = t - z * 86400, era, doe, yoe, y, doy, mp;

	c->epoch = t;
	c->usec = usec;
	c->hour = (int)(secs / 3600);
	c->minute = (int)(secs / 60 % 60);
	c->second = (int)(secs % 60);
	c->wday = (int)((z % 7 + 11) % 7);  /* 1970-01-01 was a Thursday */
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = y + (c->month <= 2);
	c->yday = (int)(days_from_civil(c->year, (unsigned)c->month,
	    (unsigned)c->day) - days_from_civil(c->year, 1, 1));
}

static int
digits(const char *p, size_t n, size_t *i, size_t count, long long *out)
{
	size_t k;

	*out = 0;
	for (k = 0; k < count; k++, (*i)++) {
		if (*i >= n || !isdigit((unsigned char)p[*i]))
			return -1;
		*out = *out * 10 + (p[*i] - '0');
	}
	return 0;
}

/* What a date value holds: Django tells a datetime from a date, a time
 * and a naive datetime from an aware one, and the format letters follow. */
#define TT_DATE  0x1u   /* has a calendar day */
#define TT_TIME  0x2u   /* has a time of day */
#define TT_AWARE 0x4u   /* an offset was given (Z, +01:00, or a Unix time) */
#define TT_FIXED 0x8u   /* the offset was a number (+01:00), not Z */

struct tpl_time {
	long long t;        /* seconds since the epoch, UTC; for a time alone,
	                       seconds since midnight */
	long usec;
	unsigned what;      /* TT_* */
	long off;           /* with TT_FIXED: seconds east of UTC */
};

/* "+HH:MM" or "-HHMM" at p[*i], in seconds east of UTC. */
static int
parse_offset(const char *p, size_t n, size_t *i, long *off)
{
	long long oh, om;
	int sign = p[*i] == '-' ? -1 : 1;

	(*i)++;
	if (digits(p, n, i, 2, &oh))
		return -1;
	if (*i < n && p[*i] == ':')
		(*i)++;
	if (digits(p, n, i, 2, &om) || oh > 23 || om > 59)
		return -1;
	*off = sign * (long)(oh * 3600 + om * 60);
	return 0;
}

/* "HH:MM[:SS[.ffffff]]" at p[*i]. */
static int
parse_clock(const char *p, size_t n, size_t *i, long long *secs, long *usec)
{
	long long h, mi, s = 0;
	long us = 0, scale = 100000;

	if (digits(p, n, i, 2, &h) || *i >= n || p[(*i)++] != ':' ||
	    digits(p, n, i, 2, &mi))
		return -1;
	if (*i < n && p[*i] == ':') {
		(*i)++;
		if (digits(p, n, i, 2, &s))
			return -1;
		if (*i < n && p[*i] == '.') {
			(*i)++;
			while (*i < n && isdigit((unsigned char)p[*i])) {
				us += (p[*i] - '0') * scale;
				scale /= 10;
				(*i)++;
			}
		}
	}
	if (h > 23 || mi > 59 || s > 60)
		return -1;
	*secs = h * 3600 + mi * 60 + s;
	*usec = us;
	return 0;
}

/* "2024-03-05", "2024-03-05 14:07[:09[.123456]]", "...T...Z", "+01:00",
 * or a time alone: "16:25[:00]". */
static int
parse_iso(const char *p, size_t n, struct tpl_time *tt)
{
	long long y, mo, d, secs = 0;
	size_t i = 0;
	long us = 0, off = 0;

	tt->what = TT_DATE;
	tt->off = 0;
	if (n >= 5 && p[2] == ':') {
		/* A time's offset is read and dropped: Django prints no zone
		 * for a time of day. */
		if (parse_clock(p, n, &i, &secs, &us) != 0 ||
		    (i < n && (p[i] == '+' || p[i] == '-') &&
		    parse_offset(p, n, &i, &off) != 0) || i != n)
			return -1;
		tt->t = secs;
		tt->usec = us;
		tt->what = TT_TIME;
		return 0;
	}
	if (digits(p, n, &i, 4, &y) || i >= n || p[i++] != '-' ||
	    digits(p, n, &i, 2, &mo) || i >= n || p[i++] != '-' ||
	    digits(p, n, &i, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, (int)mo))
		return -1;
	if (i < n && (p[i] == 'T' || p[i] == ' ')) {
		i++;
		if (parse_clock(p, n, &i, &secs, &us) != 0)
			return -1;
		tt->what |= TT_TIME;
		if (i < n && p[i] == 'Z') {
			i++;
			tt->what |= TT_AWARE;
		} else if (i < n && (p[i] == '+' || p[i] == '-')) {
			if (parse_offset(p, n, &i, &off) != 0)
				return -1;
			tt->what |= TT_AWARE | TT_FIXED;
			tt->off = off;
		}
	}
	if (i != n)
		return -1;
	tt->t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + secs -
	    off;
	tt->usec = us;
	return 0;
}

/* A value as a time: seconds since the epoch, or an ISO 8601 text. */
static int
value_time(const struct wk_filter_ctx *c, const struct wk_value *v,
    struct tpl_time *tt)
{
	const char *p;
	size_t n;
	double r;

	tt->usec = 0;
	tt->off = 0;
	tt->what = TT_DATE | TT_TIME | TT_AWARE;
	if (v->kind == WK_VAL_INT) {
		tt->t = v->u.i;
		return 0;
	}
	if (v->kind == WK_VAL_REAL) {
		if (!isfinite(v->u.r) || fabs(v->u.r) > 1e15)
			return -1;
		r = floor(v->u.r);
		tt->t = (long long)r;
		tt->usec = (long)((v->u.r - r) * 1e6);
		return 0;
	}
	if (v->kind == WK_VAL_NULL || v->kind == WK_VAL_BOOL)
		return -1;
	if (wk_value_text(v, c->arena, &p, &n) != 0)
		return -1;
	return parse_iso(p, n, tt);
}

static const char *const month_names[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };
static const char *const month_ap[] = { "Jan.", "Feb.", "March", "April",
	"May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec." };
static const char *const day_names[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };

/* Does ISO year y have 53 weeks?  It does when it begins on a Thursday,
 * or on a Wednesday in a leap year. */
static int
iso_long_year(long long y)
{
	int jan1 = (int)((days_from_civil(y, 1, 1) % 7 + 11) % 7);

	return jan1 == 4 || (jan1 == 3 && is_leap(y));
}

/* ISO 8601 week number, and the year that week belongs to ('o'): the last
 * days of December can be in week 1 of the next year, the first days of
 * January in the last week of the one before. */
static int
iso_week(const struct civil *c, long long *iso_year)
{
	int wday = (c->wday + 6) % 7;  /* Monday = 0 */
	int week = (c->yday - wday + 10) / 7;

	*iso_year = c->year;
	if (week < 1) {
		*iso_year = c->year - 1;
		return iso_long_year(c->year - 1) ? 53 : 52;
	}
	if (week == 53 && !iso_long_year(c->year)) {
		*iso_year = c->year + 1;
		return 1;
	}
	return week;
}

/*
 * What each format letter needs of the value (Django refuses a time
 * letter on a date and a date letter on a time: the filter then shows
 * nothing).  Letters absent here are copied.
 */
static const unsigned char fmt_needs[128] = {
	['d'] = TT_DATE, ['j'] = TT_DATE, ['D'] = TT_DATE, ['l'] = TT_DATE,
	['w'] = TT_DATE, ['z'] = TT_DATE, ['W'] = TT_DATE, ['S'] = TT_DATE,
	['m'] = TT_DATE, ['n'] = TT_DATE, ['M'] = TT_DATE, ['b'] = TT_DATE,
	['F'] = TT_DATE, ['E'] = TT_DATE, ['N'] = TT_DATE, ['t'] = TT_DATE,
	['y'] = TT_DATE, ['Y'] = TT_DATE, ['L'] = TT_DATE, ['o'] = TT_DATE,
	['U'] = TT_DATE, ['c'] = TT_DATE,
	['r'] = TT_DATE | TT_TIME,
	['H'] = TT_TIME, ['G'] = TT_TIME, ['h'] = TT_TIME, ['g'] = TT_TIME,
	['i'] = TT_TIME, ['s'] = TT_TIME, ['u'] = TT_TIME, ['A'] = TT_TIME,
	['a'] = TT_TIME, ['f'] = TT_TIME, ['P'] = TT_TIME, ['e'] = TT_TIME,
	['O'] = TT_TIME, ['T'] = TT_TIME, ['Z'] = TT_TIME, ['I'] = TT_TIME,
};

/*
 * v in decimal, zero-padded to width digits: the date formats print a
 * number or two per letter, and printf's machinery costs ten times the
 * digits (a page of twenty dates spent 80,000 instructions in it).
 */
static void
put_num(wk_buf *b, long long v, int width)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v;

	assert(width >= 0 && width < 20);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	while (tmp + sizeof(tmp) - p < width)
		*--p = '0';
	if (v < 0)
		*--p = '-';
	wk_buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Django's 'f': "1", "1:30" (12-hour, minutes only when not zero). */
static void
fmt_f(wk_buf *b, const struct civil *c)
{
	int h = c->hour % 12 == 0 ? 12 : c->hour % 12;

	put_num(b, h, 0);
	if (c->minute != 0) {
		wk_buf_putc(b, ':');
		put_num(b, c->minute, 2);
	}
}

/* A fixed offset as Django names it: "+0315" (colon after the hours: "+03:15"). */
static void
put_offset(wk_buf *b, long off, int colon)
{
	wk_buf_putc(b, off < 0 ? '-' : '+');
	if (off < 0)
		off = -off;
	put_num(b, off / 3600, 2);
	if (colon)
		wk_buf_putc(b, ':');
	put_num(b, off / 60 % 60, 2);
}

/* The zone's name ('e', 'T'): "UTC", or the fixed offset. */
static void
put_zone(wk_buf *b, const struct tpl_time *tt)
{
	if (tt->what & TT_FIXED)
		put_offset(b, tt->off, 0);
	else
		wk_buf_puts(b, "UTC");
}

/*
 * Format tt with Django's letters.  A value with a numeric offset
 * (+03:15) is shown at that offset and named by it, as Django shows a
 * datetime in its own fixed zone; anything else in UTC.  A value without
 * an offset is taken as UTC but prints no zone name ('e'), and a time
 * alone prints no zone at all (Django's rule for time objects).  Returns 1 when
 * fmt asks tt for what it lacks (a time letter on a date), else 0 or -1.
 */
static int
format_time(wk_buf *b, const char *fmt, size_t n, const struct tpl_time *tt)
{
	struct civil cv, *c = &cv;
	long long iso_year;
	size_t i;
	int h12, zone = (tt->what & TT_DATE) != 0;
	unsigned char ch;

	for (i = 0; i < n; i++) {
		ch = (unsigned char)fmt[i];
		if (ch == '\\')
			i++;
		else if (ch < 128 && (fmt_needs[ch] & ~tt->what) != 0)
			return 1;
	}
	if (tt->t > 253402300799LL || tt->t < -62135596800LL)
		return 1;  /* outside years 1..9999 */
	civil_from_epoch(tt->t + tt->off, tt->usec, c);
	h12 = c->hour % 12 == 0 ? 12 : c->hour % 12;
	for (i = 0; i < n; i++) {
		switch (fmt[i]) {
		case '\\':
			if (i + 1 < n)
				wk_buf_putc(b, fmt[++i]);
			break;
		case 'd': put_num(b, c->day, 2); break;
		case 'j': put_num(b, c->day, 0); break;
		case 'D': wk_buf_append(b, day_names[c->wday], 3); break;
		case 'l': wk_buf_puts(b, day_names[c->wday]); break;
		case 'w': put_num(b, c->wday, 0); break;
		case 'z': put_num(b, c->yday + 1, 0); break;
		case 'W': put_num(b, iso_week(c, &iso_year), 0); break;
		case 'o':
			(void)iso_week(c, &iso_year);
			put_num(b, iso_year, 0);
			break;
		case 'S':
			if (c->day % 10 == 1 && c->day != 11)
				wk_buf_puts(b, "st");
			else if (c->day % 10 == 2 && c->day != 12)
				wk_buf_puts(b, "nd");
			else if (c->day % 10 == 3 && c->day != 13)
				wk_buf_puts(b, "rd");
			else
				wk_buf_puts(b, "th");
			break;
		case 'm': put_num(b, c->month, 2); break;
		case 'n': put_num(b, c->month, 0); break;
		case 'M': wk_buf_append(b, month_names[c->month - 1], 3); break;
		case 'b':
			wk_buf_putc(b, (char)tolower(month_names[c->month - 1][0]));
			wk_buf_append(b, month_names[c->month - 1] + 1, 2);
			break;
		case 'F':
		case 'E': wk_buf_puts(b, month_names[c->month - 1]); break;
		case 'N': wk_buf_puts(b, month_ap[c->month - 1]); break;
		case 't': put_num(b, month_days(c->year, c->month), 0);
			break;
		case 'y': put_num(b, c->year % 100, 2); break;
		case 'Y': put_num(b, c->year, 4); break;
		case 'L': wk_buf_puts(b, is_leap(c->year) ? "True" : "False");
			break;
		case 'H': put_num(b, c->hour, 2); break;
		case 'G': put_num(b, c->hour, 0); break;
		case 'h': put_num(b, h12, 2); break;
		case 'g': put_num(b, h12, 0); break;
		case 'i': put_num(b, c->minute, 2); break;
		case 's': put_num(b, c->second, 2); break;
		case 'u': put_num(b, c->usec, 6); break;
		case 'A': wk_buf_puts(b, c->hour < 12 ? "AM" : "PM"); break;
		case 'a': wk_buf_puts(b, c->hour < 12 ? "a.m." : "p.m."); break;
		case 'f': fmt_f(b, c); break;
		case 'P':
			if (c->hour == 0 && c->minute == 0)
				wk_buf_puts(b, "midnight");
			else if (c->hour == 12 && c->minute == 0)
				wk_buf_puts(b, "noon");
			else {
				fmt_f(b, c);
				wk_buf_puts(b, c->hour < 12 ? " a.m." : " p.m.");
			}
			break;
		case 'e':
			if (zone && (tt->what & TT_AWARE))
				put_zone(b, tt);
			break;
		case 'T': if (zone) put_zone(b, tt); break;
		case 'O': if (zone) put_offset(b, tt->off, 0); break;
		case 'Z':
			if (zone)
				wk_buf_printf(b, "%ld", tt->off);
			break;
		case 'I': if (zone) wk_buf_putc(b, '0'); break;
		case 'U': put_num(b, tt->t, 0); break;
		case 'c':
			put_num(b, c->year, 4);
			wk_buf_putc(b, '-');
			put_num(b, c->month, 2);
			wk_buf_putc(b, '-');
			put_num(b, c->day, 2);
			if (!(tt->what & TT_TIME))
				break;
			wk_buf_printf(b, "T%02d:%02d:%02d", c->hour, c->minute,
			    c->second);
			if (c->usec != 0)
				wk_buf_printf(b, ".%06ld", c->usec);
			if (tt->what & TT_AWARE)
				put_offset(b, tt->off, 1);
			break;
		case 'r':
			wk_buf_printf(b, "%.3s, %02d %.3s %04lld %02d:%02d:%02d ",
			    day_names[c->wday], c->day,
			    month_names[c->month - 1], c->year, c->hour,
			    c->minute, c->second);
			put_offset(b, tt->off, 0);
			break;
		default:
			wk_buf_putc(b, fmt[i]);
		}
	}
	return b->failed ? -1 : 0;
}

/* see template.h */
int
wk_template_format_date(wk_buf *b, const char *fmt, size_t n, long long t,
    long usec)
{
	struct tpl_time tt = { t, usec, TT_DATE | TT_TIME | TT_AWARE, 0 };

	return format_time(b, fmt, n, &tt) == 0 ? 0 : -1;
}

/*
 * Django's named formats: {{ d|date:"SHORT_DATE_FORMAT" }} means the
 * setting's format, not those letters.  Defaults are Django's English
 * ones; each is a settings key (settings.h) an operator may change.
 */
struct named_format {
	const char *name;
	size_t off;         /* offsetof the field in struct wk_settings */
	const char *def;
};

#define NAMED(n, f, d) { n, offsetof(struct wk_settings, f), d }
static const struct named_format named_formats[] = {
	NAMED("DATETIME_FORMAT", datetime_format, "N j, Y, P"),
	NAMED("DATE_FORMAT", date_format, "N j, Y"),
	NAMED("MONTH_DAY_FORMAT", month_day_format, "F j"),
	NAMED("SHORT_DATETIME_FORMAT", short_datetime_format, "m/d/Y P"),
	NAMED("SHORT_DATE_FORMAT", short_date_format, "m/d/Y"),
	NAMED("TIME_FORMAT", time_format, "P"),
	NAMED("YEAR_MONTH_FORMAT", year_month_format, "F Y"),
};
#undef NAMED

/* The format a named one stands for (settings first), or fmt itself. */
static void
resolve_format(const struct wk_filter_ctx *c, const char **fmt, size_t *n)
{
	const char *v;
	size_t k;

	/* Every name ends in "_FORMAT": one test skips the table for the
	 * letters a template usually gives. */
	if (*n < 11 || memcmp(*fmt + *n - 7, "_FORMAT", 7) != 0)
		return;
	for (k = 0; k < sizeof(named_formats) / sizeof(named_formats[0]);
	    k++) {
		if (strlen(named_formats[k].name) != *n ||
		    memcmp(named_formats[k].name, *fmt, *n) != 0)
			continue;
		v = NULL;
		if (c->settings != NULL)
			memcpy(&v, (const char *)c->settings +
			    named_formats[k].off, sizeof(v));
		*fmt = v != NULL ? v : named_formats[k].def;
		*n = strlen(*fmt);
		return;
	}
}

static int
date_filter(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out, const char *def)
{
	const char *fmt = def;
	size_t fn = strlen(def);
	struct tpl_time tt;
	wk_buf b;
	int rc;

	if (value_time(c, in, &tt) != 0) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	if (arg != NULL && text_of(c, arg, &fmt, &fn) != 0)
		return -1;
	resolve_format(c, &fmt, &fn);
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	if ((rc = format_time(&b, fmt, fn, &tt)) < 0)
		return -1;
	if (rc > 0) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	return from_buf(&b, 0, out);
}

static int
f_date(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return date_filter(c, in, arg, out, "DATE_FORMAT");
}

static int
f_time(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return date_filter(c, in, arg, out, "TIME_FORMAT");
}

/* ---- the less used ones ----------------------------------------------------------------- */

/* ljust / rjust / center: pad with spaces to width characters (Python). */
static int
pad(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out, int how)
{
	const char *p;
	size_t n, len, marg, left, k;
	long long width;
	int ok;
	wk_buf b;

	width = int_arg(arg, 0, &ok);
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	len = wk_utf8_len(p, n);
	if (!ok || width <= 0 || (size_t)width <= len || width > 10000) {
		*out = wk_val_strn(p, n);
		return 0;
	}
	marg = (size_t)width - len;
	if (how < 0)
		left = 0;
	else if (how > 0)
		left = marg;
	else
		left = marg / 2 + (marg & (size_t)width & 1);
	wk_buf_init(&b, c->arena);
	for (k = 0; k < left; k++)
		wk_buf_putc(&b, ' ');
	wk_buf_append(&b, p, n);
	for (k = left; k < marg; k++)
		wk_buf_putc(&b, ' ');
	return from_buf(&b, 0, out);
}

static int
f_ljust(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return pad(c, in, arg, out, -1);
}

static int
f_rjust(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return pad(c, in, arg, out, 1);
}

static int
f_center(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return pad(c, in, arg, out, 0);
}

static int
f_make_list(const struct wk_filter_ctx *c, const struct wk_value *in,
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
	if (text_of(c, in, &p, &n) != 0 || (l = wk_list_new(c->arena)) == NULL)
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

static int
f_get_digit(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	long long v, d, k;
	int ok;

	(void)c;
	d = int_arg(arg, 0, &ok);
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

static int
f_linenumbers(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p, *nl;
	size_t n, i = 0, lines = 1, width = 1, k, line = 1;
	int esc = must_escape(c, in);
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
		return -1;
	for (k = 0; k < n; k++)
		lines += p[k] == '\n';
	for (k = lines; k >= 10; k /= 10)
		width++;
	wk_buf_init(&b, c->arena);
	for (;;) {
		nl = memchr(p + i, '\n', n - i);
		wk_buf_printf(&b, "%0*zu. ", (int)width, line++);
		put_maybe_escaped(&b, esc, p + i, (nl ? (size_t)(nl - p) : n) - i);
		if (nl == NULL)
			break;
		wk_buf_putc(&b, '\n');
		i = (size_t)(nl - p) + 1;
	}
	return from_buf(&b, 1, out);
}

static int
f_phone2numeric(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	static const char keys[] = "22233344455566677778889999";
	const char *p;
	char *q;
	size_t n, i;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0 ||
	    (q = wk_arena_strndup(c->arena, p, n)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (q[i] >= 'a' && q[i] <= 'z')
			q[i] = keys[q[i] - 'a'];
		else if (q[i] >= 'A' && q[i] <= 'Z')
			q[i] = keys[q[i] - 'A'];
	*out = wk_val_strn(q, n);
	return 0;
}

static int
f_iriencode(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i;
	wk_buf b;

	(void)arg;
	if (text_of(c, in, &p, &n) != 0)
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
	return from_buf(&b, 0, out);
}

static int
f_wordwrap(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n, i = 0, col = 0, start, wl;
	long long width;
	int ok;
	wk_buf b;

	width = int_arg(arg, 0, &ok);
	if (text_of(c, in, &p, &n) != 0)
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
	return from_buf(&b, 0, out);
}

/* stringformat: Python's "%<spec>" % value for one conversion. */
static int
f_stringformat(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	char fmt[32], tmp[512];
	const char *spec, *p;
	size_t sn, k = 0, pn;
	long long iv;
	double rv;
	char conv;
	int n = -1, num;

	if (text_of(c, arg, &spec, &sn) != 0)
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
		if (text_of(c, in, &p, &pn) != 0)
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
	    text_of(c, arg, &path, &plen) != 0) {
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

static int
f_dictsort(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return dictsort(c, in, arg, out, 0);
}

static int
f_dictsortreversed(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return dictsort(c, in, arg, out, 1);
}

/* timesince / timeuntil: "2 days, 3 hours" (months of 30 days, years of
 * 365), the two largest adjacent units, "0 minutes" when under one. */
static int
since(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out, int until)
{
	static const struct { long long secs; const char *one, *many; } u[] = {
		{ 365LL * 86400, "year", "years" },
		{ 30LL * 86400, "month", "months" },
		{ 7LL * 86400, "week", "weeks" },
		{ 86400, "day", "days" },
		{ 3600, "hour", "hours" },
		{ 60, "minute", "minutes" },
	};
	struct tpl_time tt, rt;
	long long t, ref, d, k1, k2;
	size_t i;
	wk_buf b;

	if (value_time(c, in, &tt) != 0 || !(tt.what & TT_DATE)) {
		*out = wk_val_strn("", 0);
		return 0;
	}
	t = tt.t;
	if (arg != NULL) {
		/* A naive value against an aware one: Django cannot compare
		 * them and prints nothing. */
		if (value_time(c, arg, &rt) != 0 || !(rt.what & TT_DATE) ||
		    ((rt.what ^ tt.what) & TT_AWARE) != 0) {
			*out = wk_val_strn("", 0);
			return 0;
		}
		ref = rt.t;
	} else
		ref = (long long)time(NULL);
	d = until ? t - ref : ref - t;
	wk_buf_init(&b, c->arena);
	if (d < 60) {
		wk_buf_printf(&b, "0%sminutes", nbsp);
		return from_buf(&b, 0, out);
	}
	for (i = 0; i + 1 < sizeof(u) / sizeof(u[0]) && d < u[i].secs; i++)
		;
	k1 = d / u[i].secs;
	wk_buf_printf(&b, "%lld%s%s", k1, nbsp, k1 == 1 ? u[i].one : u[i].many);
	if (i + 1 < sizeof(u) / sizeof(u[0])) {
		k2 = (d - k1 * u[i].secs) / u[i + 1].secs;
		if (k2 > 0)
			wk_buf_printf(&b, ", %lld%s%s", k2, nbsp,
			    k2 == 1 ? u[i + 1].one : u[i + 1].many);
	}
	return from_buf(&b, 0, out);
}

static int
f_timesince(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return since(c, in, arg, out, 0);
}

static int
f_timeuntil(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return since(c, in, arg, out, 1);
}

/* ---- lists as HTML, random, pprint ---------------------------------------------------- */

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
		if (text_of(c, &item, &p, &pn) != 0)
			return -1;
		put_maybe_escaped(b, must_escape(c, &item), p, pn);
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

static int
f_unordered_list(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	struct wk_value l = *in;
	wk_buf b;
	int rc;

	(void)arg;
	/* Django iterates whatever it gets: a text gives one item per
	 * character (make_list's split). */
	if (wk_val_is_str(in) && f_make_list(c, in, NULL, &l) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	if ((rc = ul_items(c, &b, &l, 1)) != 0)
		return rc;
	return from_buf(&b, 1, out);
}

/* random: one item, chosen with the OS's randomness (random.h); the item
 * keeps its own safety.  An empty sequence gives "". */
static int
f_random(const struct wk_filter_ctx *c, const struct wk_value *in,
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

static int
f_pprint(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	wk_buf b;

	(void)arg;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	if (repr_value(&b, in, c->arena, 0) != 0)
		return -1;
	return from_buf(&b, 0, out);
}

/* ---- HTML-aware truncation --------------------------------------------------------------- */

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

	max = int_arg(arg, 0, &ok);
	if (!ok) {
		*out = *in;
		return 0;
	}
	if (text_of(c, in, &p, &n) != 0)
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
	wk_buf_append(&b, ellipsis, sizeof(ellipsis) - 1);
	while (nopen > 0) {
		nopen--;
		wk_buf_append(&b, "</", 2);
		for (k = 0; k < open[nopen].n; k++)
			wk_buf_putc(&b, (char)tolower(
			    (unsigned char)open[nopen].p[k]));
		wk_buf_putc(&b, '>');
	}
	return from_buf(&b, 0, out);
}

static int
f_truncatechars_html(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return truncate_html(c, in, arg, out, 0);
}

static int
f_truncatewords_html(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return truncate_html(c, in, arg, out, 1);
}

/* ---- the table -------------------------------------------------------------------------- */

#define OPT WK_FILTER_ARG_OPTIONAL
#define REQ WK_FILTER_ARG_REQUIRED
#define KEEP WK_FILTER_KEEP_SAFE

/* Sorted by name (bsearch). */
static const struct tpl_filter_def builtin_filters[] = {
	{ "add", f_add, REQ },
	{ "addslashes", f_addslashes, KEEP },
	{ "capfirst", f_capfirst, KEEP },
	{ "center", f_center, REQ | KEEP },
	{ "cut", f_cut, REQ },  /* keeps safety itself */
	{ "date", f_date, OPT },
	{ "default", f_default, REQ },
	{ "default_if_none", f_default_if_none, REQ },
	{ "dictsort", f_dictsort, REQ },
	{ "dictsortreversed", f_dictsortreversed, REQ },
	{ "divisibleby", f_divisibleby, REQ },
	{ "escape", f_escape, 0 },
	{ "escapejs", f_escapejs, 0 },
	{ "escapeseq", f_escapeseq, 0 },
	{ "filesizeformat", f_filesizeformat, KEEP },
	{ "first", f_first, 0 },
	{ "floatformat", f_floatformat, OPT | KEEP },
	{ "force_escape", f_force_escape, 0 },
	{ "get_digit", f_get_digit, REQ },
	{ "iriencode", f_iriencode, KEEP },
	{ "join", f_join, REQ },
	{ "json_script", f_json_script, OPT },
	{ "last", f_last, KEEP },
	{ "length", f_length, 0 },
	{ "linebreaks", f_linebreaks, 0 },
	{ "linebreaksbr", f_linebreaksbr, 0 },
	{ "linenumbers", f_linenumbers, 0 },
	{ "ljust", f_ljust, REQ | KEEP },
	{ "lower", f_lower, KEEP },
	{ "make_list", f_make_list, 0 },
	{ "phone2numeric", f_phone2numeric, KEEP },
	{ "pluralize", f_pluralize, OPT },
	{ "pprint", f_pprint, KEEP },
	{ "random", f_random, 0 },  /* the item keeps its own safety */
	{ "rjust", f_rjust, REQ | KEEP },
	{ "safe", f_safe, 0 },
	{ "safeseq", f_safeseq, 0 },
	{ "slice", f_slice, REQ | KEEP },
	{ "slugify", f_slugify, OPT | KEEP },  /* Wick: :"unicode" */
	{ "stringformat", f_stringformat, REQ | KEEP },
	{ "striptags", f_striptags, KEEP },
	{ "time", f_time, OPT },
	{ "timesince", f_timesince, OPT },
	{ "timeuntil", f_timeuntil, OPT },
	{ "title", f_title, KEEP },
	{ "truncatechars", f_truncatechars, REQ | KEEP },
	{ "truncatechars_html", f_truncatechars_html, REQ | KEEP },
	{ "truncatewords", f_truncatewords, REQ | KEEP },
	{ "truncatewords_html", f_truncatewords_html, REQ | KEEP },
	{ "unordered_list", f_unordered_list, 0 },
	{ "upper", f_upper, 0 },  /* Django: &amp; -> &AMP; */
	{ "urlencode", f_urlencode, OPT },
	{ "urlize", f_urlize, 0 },
	{ "urlizetrunc", f_urlizetrunc, REQ },
	{ "wordcount", f_wordcount, 0 },
	{ "wordwrap", f_wordwrap, REQ | KEEP },
	{ "yesno", f_yesno, OPT },
};

struct name_key {
	const char *p;
	size_t n;
};

static int
filter_cmp(const void *k, const void *e)
{
	const struct name_key *key = k;
	const struct tpl_filter_def *d = e;
	size_t dn = strlen(d->name);
	int c = memcmp(key->p, d->name, key->n < dn ? key->n : dn);

	if (c != 0)
		return c;
	return (key->n > dn) - (key->n < dn);
}

/* see internal.h */
const struct tpl_filter_def *
tpl_filter_find(const char *name, size_t len)
{
	struct name_key key = { name, len };
	const struct tpl_filter_def *d;
	size_t k;

	d = bsearch(&key, builtin_filters, sizeof(builtin_filters) /
	    sizeof(builtin_filters[0]), sizeof(builtin_filters[0]), filter_cmp);
	if (d != NULL)
		return d;
	for (k = 0; k < n_custom_filters; k++)
		if (filter_cmp(&key, &custom_filters[k]) == 0)
			return &custom_filters[k];
	return NULL;
}

/* see template.h */
int
wk_template_register_filter(const char *name, wk_filter_fn fn, unsigned flags)
{
	size_t k, n;

	if (name == NULL || fn == NULL || (n = strlen(name)) == 0 ||
	    n_custom_filters == TPL_MAX_FILTERS)
		return -1;
	if ((flags & WK_FILTER_ARG_OPTIONAL) && (flags & WK_FILTER_ARG_REQUIRED))
		return -1;
	for (k = 0; k < n; k++)
		if (!isalnum((unsigned char)name[k]) && name[k] != '_')
			return -1;
	if (tpl_filter_find(name, n) != NULL)
		return -1;
	custom_filters[n_custom_filters].name = name;
	custom_filters[n_custom_filters].fn = fn;
	custom_filters[n_custom_filters].flags = flags;
	n_custom_filters++;
	return 0;
}
