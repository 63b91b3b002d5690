/*
 * unicode_int.h - Python 3's answers for case and slugs, in UTF-8.
 *
 * Django's upper, lower, title, capfirst and slugify filters are Python's
 * str methods, unicodedata.normalize and re's \w and \s.  src/core/unicode.c
 * gives the same answers from tables that tools/gen-unicode writes at
 * build time from Debian's unicode-data package (build/gen/unicode_data.h),
 * so glibc and musl builds agree and no library is linked.  Only the
 * template filters use it (tools/wk-templates links it with them).
 *
 * Every function takes bytes that should be UTF-8.  A byte that does not
 * start a well-formed sequence (a stray continuation byte, a truncated or
 * overlong sequence, a surrogate, a code point past U+10FFFF) is one
 * character of its own, uncased and not a word character: the case
 * functions copy it unchanged, slugify drops it.  Output goes to a wk_buf
 * (its sticky `failed` reports a full arena); nothing is allocated
 * elsewhere except slugify's scratch arrays, from the buffer's arena.
 *
 *	wk_buf b;
 *	wk_buf_init(&b, arena);
 *	if (wk_uc_case(&b, "stra\xc3\x9f" "e", 7, WK_UC_UPPER) != 0)
 *		return -1;                        // b holds "STRASSE"
 */
#ifndef WICK_UNICODE_INT_H
#define WICK_UNICODE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "wick/core/buf.h"

/* What wk_uc_case does, each one Python's: */
enum wk_uc_case {
	WK_UC_UPPER,     /* str.upper(): full mappings, ß -> SS */
	WK_UC_LOWER,     /* str.lower(): full mappings, final sigma */
	WK_UC_TITLE,     /* str.title() (Django's filter adds two fixes) */
	WK_UC_CAPFIRST,  /* s[0].upper() + s[1:] */
	WK_UC__MAX
};

/* The Unicode version of the tables, "15.0.0". */
extern const char wk_uc_version[];

/*
 * wk_uc_decode - the code point starting s (n > 0 bytes) in *cp, and the
 * number of bytes it takes; for a byte that starts no well-formed
 * sequence, 1 with *cp = WK_UC_INVALID.
 */
#define WK_UC_INVALID 0xffffffffu
size_t wk_uc_decode(const char *s, size_t n, uint32_t *cp);

/* wk_uc_isdecimal - cp is a decimal digit (Python's str \d). */
int wk_uc_isdecimal(uint32_t cp);

/*
 * wk_uc_case - append s (n bytes) to b changed as `how` says.  Returns 0,
 * or -1 when b has failed.
 */
int wk_uc_case(wk_buf *b, const char *s, size_t n, enum wk_uc_case how);

/*
 * wk_uc_slugify - append Django 3.2's slugify(s, allow_unicode) to b, but
 * for the final strip('-_'), which the caller does on the bytes (both are
 * ASCII).  Without allow_unicode: NFKD, non-ASCII dropped, lowered, then
 * [^\w\s-] removed and [-\s]+ made one '-'.  With it: NFKC, lower(), and
 * the same with Unicode's \w and \s.  Returns 0, or -1 on a full arena.
 */
int wk_uc_slugify(wk_buf *b, const char *s, size_t n, int allow_unicode);

#endif /* WICK_UNICODE_INT_H */
