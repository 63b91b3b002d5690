/*
 * unicode.c - Python 3's case mapping, NFKD/NFKC and \w/\s, for the
 * template filters (see unicode_int.h).
 *
 * The tables are generated at build time (tools/gen-unicode) and searched
 * by bisection; bytes below 0x80 never reach them.  Python's rules, from
 * CPython's unicodeobject.c: upper/lower/title use SpecialCasing's
 * unconditional entries before UnicodeData's simple mappings; lower()
 * turns U+03A3 into the final sigma when a cased letter precedes it and
 * none follows (skipping case-ignorable code points both ways); title()
 * title-cases a code point after an uncased one and lowers the rest.
 */
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "wick/core/arena.h"

#include "unicode_int.h"

struct uc_range {
	uint32_t lo, hi;
};

/* lo..hi, every step-th code point, maps to itself plus delta. */
struct uc_case {
	uint32_t lo, hi;
	int32_t step, delta;
};

struct uc_special {
	uint32_t cp;
	uint32_t lower[3], title[3], upper[3];  /* 0 ends a short one */
};

struct uc_ccc {
	uint32_t lo, hi;
	uint32_t ccc;
};

/* a followed by b composes to c. */
struct uc_comp {
	uint32_t a, b, c;
};

#include "unicode_data.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Hangul syllables decompose and compose by arithmetic (Unicode 3.12). */
#define H_SBASE 0xac00u
#define H_LBASE 0x1100u
#define H_VBASE 0x1161u
#define H_TBASE 0x11a7u
#define H_LCOUNT 19u
#define H_VCOUNT 21u
#define H_TCOUNT 28u
#define H_NCOUNT (H_VCOUNT * H_TCOUNT)
#define H_SCOUNT (H_LCOUNT * H_NCOUNT)

#define SIGMA 0x3a3u
#define FINAL_SIGMA 0x3c2u
#define SMALL_SIGMA 0x3c3u

const char wk_uc_version[] = UC_VERSION;

/* ---- lookups ------------------------------------------------------------------ */

static int
in_ranges(const struct uc_range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static uint32_t
simple_case(const struct uc_case *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else if ((cp - r[mid].lo) % (uint32_t)r[mid].step == 0)
			return (uint32_t)((int32_t)cp + r[mid].delta);
		else
			return cp;
	}
	return cp;
}

static const struct uc_special *
special_case(uint32_t cp)
{
	size_t lo = 0, hi = NELEM(uc_special), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < uc_special[mid].cp)
			hi = mid;
		else if (cp > uc_special[mid].cp)
			lo = mid + 1;
		else
			return &uc_special[mid];
	}
	return NULL;
}

static uint32_t
ccc_of(uint32_t cp)
{
	size_t lo = 0, hi = NELEM(uc_ccc), mid;

	if (cp < 0x300)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < uc_ccc[mid].lo)
			hi = mid;
		else if (cp > uc_ccc[mid].hi)
			lo = mid + 1;
		else
			return uc_ccc[mid].ccc;
	}
	return 0;
}

/* cp's full compatibility decomposition as UTF-8, or NULL (none). */
static const char *
decomp_of(uint32_t cp, size_t *len)
{
	size_t lo = 0, hi = NELEM(uc_decomp_key), mid;
	uint32_t k;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		k = uc_decomp_key[mid] >> 8;
		if (cp < k)
			hi = mid;
		else if (cp > k)
			lo = mid + 1;
		else {
			*len = uc_decomp_key[mid] & 0xff;
			return uc_decomp_pool + uc_decomp_off[mid];
		}
	}
	return NULL;
}

/* What a followed by b composes to, or 0. */
static uint32_t
compose(uint32_t a, uint32_t b)
{
	size_t lo = 0, hi = NELEM(uc_comp), mid;

	if (a >= H_LBASE && a < H_LBASE + H_LCOUNT &&
	    b >= H_VBASE && b < H_VBASE + H_VCOUNT)
		return H_SBASE + ((a - H_LBASE) * H_VCOUNT + b - H_VBASE) *
		    H_TCOUNT;
	if (a >= H_SBASE && a < H_SBASE + H_SCOUNT &&
	    (a - H_SBASE) % H_TCOUNT == 0 &&
	    b > H_TBASE && b < H_TBASE + H_TCOUNT)
		return a + b - H_TBASE;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a < uc_comp[mid].a ||
		    (a == uc_comp[mid].a && b < uc_comp[mid].b))
			hi = mid;
		else if (a > uc_comp[mid].a || b > uc_comp[mid].b)
			lo = mid + 1;
		else
			return uc_comp[mid].c;
	}
	return 0;
}

static int
is_cased(uint32_t cp)
{
	if (cp < 0x80)
		return isalpha((int)cp) != 0;
	return cp != WK_UC_INVALID && in_ranges(uc_cased, NELEM(uc_cased), cp);
}

static int
is_ignorable(uint32_t cp)
{
	return cp != WK_UC_INVALID &&
	    in_ranges(uc_ignorable, NELEM(uc_ignorable), cp);
}

/* Python's str \w. */
static int
is_word(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) || cp == '_';
	return in_ranges(uc_word, NELEM(uc_word), cp);
}

/* Python's str \s. */
static int
is_space(uint32_t cp)
{
	return in_ranges(uc_space, NELEM(uc_space), cp);
}

/* see unicode_int.h */
int
wk_uc_isdecimal(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= '0' && cp <= '9';
	return cp != WK_UC_INVALID &&
	    in_ranges(uc_decimal, NELEM(uc_decimal), cp);
}

/* ---- UTF-8 ---------------------------------------------------------------------- */

/* see unicode_int.h */
size_t
wk_uc_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t want, i;
	uint32_t v;

	assert(n > 0);
	*cp = WK_UC_INVALID;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		want = 2;
		v = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		want = 3;
		v = u[0] & 0x0f;
		if (u[0] == 0xe0)
			lo = 0xa0;          /* overlong */
		else if (u[0] == 0xed)
			hi = 0x9f;          /* surrogates */
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		want = 4;
		v = u[0] & 0x07;
		if (u[0] == 0xf0)
			lo = 0x90;          /* overlong */
		else if (u[0] == 0xf4)
			hi = 0x8f;          /* past U+10FFFF */
	} else
		return 1;
	if (n < want || u[1] < lo || u[1] > hi)
		return 1;
	for (i = 1; i < want; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 1;
		v = v << 6 | (u[i] & 0x3f);
	}
	*cp = v;
	return want;
}

static void
put_cp(wk_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		wk_buf_putc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		n = 4;
	}
	u[n - 1] = (char)(0x80 | (cp & 0x3f));
	wk_buf_append(b, u, n);
}

/* ---- case ---------------------------------------------------------------------- */

/* The code point ending just before s + i, or WK_UC_INVALID. */
static uint32_t
decode_back(const char *s, size_t i, size_t *start)
{
	size_t j = i, k = 0;
	uint32_t cp;

	if ((unsigned char)s[i - 1] < 0x80) {
		*start = i - 1;
		return (unsigned char)s[i - 1];
	}
	while (j > 0 && k < 4 && ((unsigned char)s[j - 1] & 0xc0) == 0x80) {
		j--;
		k++;
	}
	if (j > 0 && k < 4 && (unsigned char)s[j - 1] >= 0xc0) {
		j--;
		if (wk_uc_decode(s + j, i - j, &cp) == i - j) {
			*start = j;
			return cp;
		}
	}
	*start = i - 1;
	return WK_UC_INVALID;
}

/*
 * Python's Final_Sigma test for the U+03A3 at s[i..i+w): a cased code
 * point before it, none after, case-ignorable ones skipped.  Each scan
 * stops at the first code point that is not case-ignorable, so the work
 * over a whole string stays linear.
 */
static int
final_sigma(const char *s, size_t n, size_t i, size_t w)
{
	uint32_t cp = WK_UC_INVALID;
	size_t j = i;

	while (j > 0) {
		cp = decode_back(s, j, &j);
		if (!is_ignorable(cp))
			break;
	}
	if (j == i || !is_cased(cp) || (is_ignorable(cp) && j == 0))
		return 0;
	for (j = i + w; j < n; ) {
		j += wk_uc_decode(s + j, n - j, &cp);
		if (!is_ignorable(cp))
			return !is_cased(cp);
	}
	return 1;
}

/* Append cp's full mapping: 0 lower, 1 title, 2 upper. */
static void
put_mapped(wk_buf *b, uint32_t cp, int which)
{
	static const struct uc_case *const simple[] = {
		uc_lower, uc_title, uc_upper
	};
	static const size_t nsimple[] = {
		NELEM(uc_lower), NELEM(uc_title), NELEM(uc_upper)
	};
	const struct uc_special *sp;
	const uint32_t *m;
	size_t k;

	if ((sp = special_case(cp)) == NULL) {
		put_cp(b, simple_case(simple[which], nsimple[which], cp));
		return;
	}
	m = which == 0 ? sp->lower : which == 1 ? sp->title : sp->upper;
	for (k = 0; k < 3 && m[k] != 0; k++)
		put_cp(b, m[k]);
}

/* see unicode_int.h */
int
wk_uc_case(wk_buf *b, const char *s, size_t n, enum wk_uc_case how)
{
	size_t i = 0, w;
	uint32_t cp;
	int prev_cased = 0, which;

	assert(how < WK_UC__MAX);
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];

		if (how == WK_UC_CAPFIRST && i > 0) {
			wk_buf_append(b, s + i, n - i);
			break;
		}
		/* Which mapping: 0 lower, 1 title, 2 upper. */
		if (how == WK_UC_UPPER || how == WK_UC_CAPFIRST)
			which = 2;
		else if (how == WK_UC_LOWER || prev_cased)
			which = 0;
		else
			which = 1;
		if (ch < 0x80) {
			wk_buf_putc(b, (char)(which == 0 ? tolower(ch) :
			    toupper(ch)));
			prev_cased = isalpha(ch) != 0;
			i++;
			continue;
		}
		w = wk_uc_decode(s + i, n - i, &cp);
		if (cp == WK_UC_INVALID)
			wk_buf_putc(b, (char)ch);
		else if (cp == SIGMA && which == 0)
			put_cp(b, final_sigma(s, n, i, w) ? FINAL_SIGMA :
			    SMALL_SIGMA);
		else
			put_mapped(b, cp, which);
		prev_cased = is_cased(cp);
		i += w;
	}
	return b->failed ? -1 : 0;
}

/* ---- slugify -------------------------------------------------------------------- */

/* The [-\s]+ -> '-' and [^\w\s-] -> '' steps, one code point at a time. */
struct slug {
	wk_buf *b;
	int in_run;  /* the last kept code point was '-' or a space */
};

static void
slug_put(struct slug *sl, uint32_t cp)
{
	if (is_word(cp)) {
		put_cp(sl->b, cp);
		sl->in_run = 0;
	} else if (cp == '-' || is_space(cp)) {
		if (!sl->in_run)
			wk_buf_putc(sl->b, '-');
		sl->in_run = 1;
	}
}

/* NFKD's ASCII: each code point's decomposition, non-ASCII left out. */
static int
slug_ascii(wk_buf *b, const char *s, size_t n)
{
	struct slug sl = { b, 0 };
	const char *d;
	size_t i = 0, k, dn;
	uint32_t cp;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			slug_put(&sl, (uint32_t)tolower((unsigned char)s[i]));
			i++;
			continue;
		}
		i += wk_uc_decode(s + i, n - i, &cp);
		if (cp == WK_UC_INVALID || (d = decomp_of(cp, &dn)) == NULL)
			continue;
		for (k = 0; k < dn; k++)
			if ((unsigned char)d[k] < 0x80)
				slug_put(&sl, (uint32_t)tolower(
				    (unsigned char)d[k]));
	}
	return b->failed ? -1 : 0;
}

/*
 * The full decomposition of s into out (NULL: count only); the number of
 * code points.  Invalid bytes are left out.
 */
static size_t
decompose(const char *s, size_t n, uint32_t *out)
{
	const char *d;
	size_t i = 0, k, dn, count = 0;
	uint32_t cp, sub;

	while (i < n) {
		i += wk_uc_decode(s + i, n - i, &cp);
		if (cp == WK_UC_INVALID)
			continue;
		if (cp >= H_SBASE && cp < H_SBASE + H_SCOUNT) {
			sub = cp - H_SBASE;
			if (out != NULL) {
				out[count] = H_LBASE + sub / H_NCOUNT;
				out[count + 1] = H_VBASE +
				    sub % H_NCOUNT / H_TCOUNT;
				if (sub % H_TCOUNT != 0)
					out[count + 2] = H_TBASE +
					    sub % H_TCOUNT;
			}
			count += sub % H_TCOUNT != 0 ? 3 : 2;
		} else if (cp < 0xa0 || (d = decomp_of(cp, &dn)) == NULL) {
			if (out != NULL)
				out[count] = cp;
			count++;
		} else {
			for (k = 0; k < dn; ) {
				k += wk_uc_decode(d + k, dn - k, &sub);
				if (out != NULL)
					out[count] = sub;
				count++;
			}
		}
	}
	return count;
}

/*
 * The canonical ordering: each run of non-starters sorted by combining
 * class, stably.  A merge sort, so that a hostile run of marks costs
 * n log n, not n squared.
 */
static void
reorder(uint32_t *v, uint32_t *tmp, size_t n)
{
	size_t i = 0, j, width, lo, mid, hi, a, c, k;

	while (i < n) {
		if (ccc_of(v[i]) == 0) {
			i++;
			continue;
		}
		for (j = i + 1; j < n && ccc_of(v[j]) != 0; j++)
			;
		for (width = 1; width < j - i; width *= 2) {
			for (lo = i; lo < j; lo += 2 * width) {
				mid = lo + width < j ? lo + width : j;
				hi = mid + width < j ? mid + width : j;
				a = lo;
				c = mid;
				for (k = lo; k < hi; k++)
					if (a < mid && (c >= hi ||
					    ccc_of(v[a]) <= ccc_of(v[c])))
						tmp[k] = v[a++];
					else
						tmp[k] = v[c++];
			}
			memcpy(v + i, tmp + i, (j - i) * sizeof(*v));
		}
		i = j;
	}
}

/* The canonical composition (UAX #15); the new length. */
static size_t
recompose(uint32_t *v, size_t n)
{
	size_t starter = 0, out = 1, i;
	uint32_t last, cl, c;

	if (n == 0)
		return 0;
	last = ccc_of(v[0]) != 0 ? 256 : 0;
	for (i = 1; i < n; i++) {
		cl = ccc_of(v[i]);
		if ((last < cl || last == 0) &&
		    (c = compose(v[starter], v[i])) != 0) {
			v[starter] = c;
			continue;
		}
		if (cl == 0)
			starter = out;
		last = cl;
		v[out++] = v[i];
	}
	return out;
}

/* Final_Sigma on code points (see final_sigma). */
static int
final_sigma_cp(const uint32_t *v, size_t n, size_t i)
{
	size_t j = i;

	while (j > 0 && is_ignorable(v[j - 1]))
		j--;
	if (j == 0 || !is_cased(v[j - 1]))
		return 0;
	for (j = i + 1; j < n && is_ignorable(v[j]); j++)
		;
	return j == n || !is_cased(v[j]);
}

/* NFKC, lower(), then the regular expressions with Unicode's \w, \s. */
static int
slug_unicode(wk_buf *b, const char *s, size_t n)
{
	struct slug sl = { b, 0 };
	const struct uc_special *sp;
	uint32_t *v, *tmp, cp;
	size_t count, i, k;

	count = decompose(s, n, NULL);
	if (count > SIZE_MAX / (2 * sizeof(*v)))
		return -1;
	if ((v = wk_arena_alloc(b->arena, 2 * count * sizeof(*v))) == NULL)
		return -1;
	tmp = v + count;
	(void)decompose(s, n, v);
	reorder(v, tmp, count);
	count = recompose(v, count);
	for (i = 0; i < count; i++) {
		cp = v[i];
		if (cp < 0x80)
			slug_put(&sl, (uint32_t)tolower((int)cp));
		else if (cp == SIGMA)
			slug_put(&sl, final_sigma_cp(v, count, i) ?
			    FINAL_SIGMA : SMALL_SIGMA);
		else if ((sp = special_case(cp)) != NULL) {
			for (k = 0; k < 3 && sp->lower[k] != 0; k++)
				slug_put(&sl, sp->lower[k]);
		} else
			slug_put(&sl, simple_case(uc_lower, NELEM(uc_lower),
			    cp));
	}
	return b->failed ? -1 : 0;
}

/* see unicode_int.h */
int
wk_uc_slugify(wk_buf *b, const char *s, size_t n, int allow_unicode)
{
	return allow_unicode ? slug_unicode(b, s, n) : slug_ascii(b, s, n);
}
