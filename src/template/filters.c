/*
 * filters.c - the filter table, the apps' own filters, and the small ones.
 *
 * One const table, sorted by name, maps a filter's name to its function
 * and flags; the parser looks names up here so that a misspelt filter
 * fails the build.  Apps add theirs with wk_template_register_filter; the
 * registry grows in an arena of its own (each entry stays where it was
 * first put, since parsed templates point at it).  Filters never see the
 * output buffer: they take a value and return a value, allocating from
 * the render's arena.  Filters that build markup (linebreaks, urlize,
 * join, json_script...) escape their input themselves and return a safe
 * string.  Every filter is linear in its input: hostile text (100,000
 * '<', an unclosed tag) costs no more than plain text of the same size.
 *
 * The filters live by concern: this file holds escaping and safety, the
 * defaults and tests (default, length, yesno, pluralize...), case
 * (lower, upper, capfirst, title) and the small string ones (cut,
 * addslashes, slugify, ljust/rjust/center, phone2numeric);
 * filters_text.c, filters_url.c, filters_list.c, filters_number.c,
 * filters_date.c and filters_json.c the rest.
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
	return tpl_from_buf(&b, 1, out);
}

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
	if (tpl_text_of(c, in, &p, &n) != 0)
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
	if (tpl_text_of(c, in, &p, &n) != 0)
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
	if (tpl_text_of(c, in, &p, &n) != 0)
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
			if (tpl_text_of(c, &item, &p, &pn) != 0)
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

	if (arg != NULL && tpl_text_of(c, arg, &p, &n) != 0)
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

	if (arg != NULL && tpl_text_of(c, arg, &p, &n) != 0)
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

	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	if (has_high(p, n)) {
		wk_buf_init(&b, c->arena);
		wk_buf_append(&b, "", 0);
		if (wk_uc_case(&b, p, n, how) != 0)
			return -1;
		return tpl_from_buf(&b, 0, out);
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
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	if (n > 0 && (unsigned char)p[0] >= 0x80) {
		wk_buf_init(&b, c->arena);
		wk_buf_append(&b, "", 0);
		if (wk_uc_case(&b, p, n, WK_UC_CAPFIRST) != 0)
			return -1;
		return tpl_from_buf(&b, 0, out);
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
	if (tpl_text_of(c, in, &p, &n) != 0)
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
	return tpl_from_buf(&b, 0, out);
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

	if (tpl_text_of(c, in, &p, &n) != 0 || tpl_text_of(c, arg, &a, &an) != 0)
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
	return tpl_from_buf(&b, in->kind == WK_VAL_SAFE &&
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
	if (tpl_text_of(c, in, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (p[i] == '\\' || p[i] == '"' || p[i] == '\'')
			wk_buf_putc(&b, '\\');
		wk_buf_putc(&b, p[i]);
	}
	return tpl_from_buf(&b, 0, out);
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
		if (tpl_text_of(c, arg, &a, &an) != 0)
			return -1;
		allow_unicode = an == 7 && memcmp(a, "unicode", 7) == 0;
	}
	if (tpl_text_of(c, in, &p, &n) != 0)
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

	width = tpl_int_arg(arg, 0, &ok);
	if (tpl_text_of(c, in, &p, &n) != 0)
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
	return tpl_from_buf(&b, 0, out);
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
f_phone2numeric(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	static const char keys[] = "22233344455566677778889999";
	const char *p;
	char *q;
	size_t n, i;

	(void)arg;
	if (tpl_text_of(c, in, &p, &n) != 0 ||
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

#define OPT WK_FILTER_ARG_OPTIONAL
#define REQ WK_FILTER_ARG_REQUIRED
#define KEEP WK_FILTER_KEEP_SAFE

/* Sorted by name (bsearch). */
/* see tree.h */
const struct tpl_filter_def tpl_builtin_filters[] = {
	{ "add", tpl_f_add, REQ },
	{ "addslashes", f_addslashes, KEEP },
	{ "capfirst", f_capfirst, KEEP },
	{ "center", f_center, REQ | KEEP },
	{ "cut", f_cut, REQ },  /* keeps safety itself */
	{ "date", tpl_f_date, OPT },
	{ "default", f_default, REQ },
	{ "default_if_none", f_default_if_none, REQ },
	{ "dictsort", tpl_f_dictsort, REQ },
	{ "dictsortreversed", tpl_f_dictsortreversed, REQ },
	{ "divisibleby", f_divisibleby, REQ },
	{ "escape", f_escape, 0 },
	{ "escapejs", tpl_f_escapejs, 0 },
	{ "escapeseq", f_escapeseq, 0 },
	{ "filesizeformat", tpl_f_filesizeformat, KEEP },
	{ "first", tpl_f_first, 0 },
	{ "floatformat", tpl_f_floatformat, OPT | KEEP },
	{ "force_escape", f_force_escape, 0 },
	{ "get_digit", tpl_f_get_digit, REQ },
	{ "iriencode", tpl_f_iriencode, KEEP },
	{ "join", tpl_f_join, REQ },
	{ "json_script", tpl_f_json_script, OPT },
	{ "last", tpl_f_last, KEEP },
	{ "length", f_length, 0 },
	{ "linebreaks", tpl_f_linebreaks, 0 },
	{ "linebreaksbr", tpl_f_linebreaksbr, 0 },
	{ "linenumbers", tpl_f_linenumbers, 0 },
	{ "ljust", f_ljust, REQ | KEEP },
	{ "lower", f_lower, KEEP },
	{ "make_list", tpl_f_make_list, 0 },
	{ "phone2numeric", f_phone2numeric, KEEP },
	{ "pluralize", f_pluralize, OPT },
	{ "pprint", tpl_f_pprint, KEEP },
	{ "random", tpl_f_random, 0 },  /* the item keeps its own safety */
	{ "rjust", f_rjust, REQ | KEEP },
	{ "safe", f_safe, 0 },
	{ "safeseq", f_safeseq, 0 },
	{ "slice", tpl_f_slice, REQ | KEEP },
	{ "slugify", f_slugify, OPT | KEEP },  /* Wick: :"unicode" */
	{ "stringformat", tpl_f_stringformat, REQ | KEEP },
	{ "striptags", tpl_f_striptags, KEEP },
	{ "time", tpl_f_time, OPT },
	{ "timesince", tpl_f_timesince, OPT },
	{ "timeuntil", tpl_f_timeuntil, OPT },
	{ "title", f_title, KEEP },
	{ "truncatechars", tpl_f_truncatechars, REQ | KEEP },
	{ "truncatechars_html", tpl_f_truncatechars_html, REQ | KEEP },
	{ "truncatewords", tpl_f_truncatewords, REQ | KEEP },
	{ "truncatewords_html", tpl_f_truncatewords_html, REQ | KEEP },
	{ "unordered_list", tpl_f_unordered_list, 0 },
	{ "upper", f_upper, 0 },  /* Django: &amp; -> &AMP; */
	{ "urlencode", tpl_f_urlencode, OPT },
	{ "urlize", tpl_f_urlize, 0 },
	{ "urlizetrunc", tpl_f_urlizetrunc, REQ },
	{ "wordcount", tpl_f_wordcount, 0 },
	{ "wordwrap", tpl_f_wordwrap, REQ | KEEP },
	{ "yesno", f_yesno, OPT },
};

/* see tree.h */
const size_t tpl_builtin_nfilters = sizeof(tpl_builtin_filters) /
    sizeof(tpl_builtin_filters[0]);

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

/*
 * The apps' own filters: a list in an arena of its own that lives as long
 * as the process.  Entries never move (a parsed template keeps a pointer
 * to its filter's), so the list grows by links, not by reallocation.
 */
struct custom_filter {
	struct tpl_filter_def def;
	struct custom_filter *next;
};

static wk_arena custom_arena;
static int custom_ready;
static struct custom_filter *custom_head, **custom_tail = &custom_head;

/* see internal.h */
const struct tpl_filter_def *
tpl_filter_find(const char *name, size_t len)
{
	struct name_key key = { name, len };
	const struct tpl_filter_def *d;
	const struct custom_filter *cf;

	d = bsearch(&key, tpl_builtin_filters, tpl_builtin_nfilters,
	    sizeof(tpl_builtin_filters[0]), filter_cmp);
	if (d != NULL)
		return d;
	for (cf = custom_head; cf != NULL; cf = cf->next)
		if (filter_cmp(&key, &cf->def) == 0)
			return &cf->def;
	return NULL;
}

/* see template.h */
int
wk_template_register_filter(const char *name, wk_filter_fn fn, unsigned flags)
{
	struct custom_filter *cf;
	size_t k, n;

	if (name == NULL || fn == NULL || (n = strlen(name)) == 0)
		return -1;
	if ((flags & WK_FILTER_ARG_OPTIONAL) && (flags & WK_FILTER_ARG_REQUIRED))
		return -1;
	for (k = 0; k < n; k++)
		if (!isalnum((unsigned char)name[k]) && name[k] != '_')
			return -1;
	if (tpl_filter_find(name, n) != NULL)
		return -1;
	if (!custom_ready) {
		wk_arena_init(&custom_arena);
		custom_ready = 1;
	}
	if ((cf = wk_arena_alloc(&custom_arena, sizeof(*cf))) == NULL)
		return -1;
	cf->def.name = name;
	cf->def.fn = fn;
	cf->def.flags = flags;
	cf->next = NULL;
	*custom_tail = cf;
	custom_tail = &cf->next;
	return 0;
}
