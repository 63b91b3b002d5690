/*
 * validate.c - e-mail, URL and IP address syntax, and punycode.
 *
 * Form fields (src/forms/form.c) call these, and apps may too.  They follow
 * Django's validators (django/core/validators.py in 3.2) closely because a
 * site moving from Django must accept and refuse the same input; Django's
 * own validator test data judges that (tests/django/run_validators.py).
 * Django states its rules as regular expressions over Unicode text; here
 * each rule is a small scanner over UTF-8, linear and allocation-free, so
 * the form parser stays safe to fuzz (tests/fuzz/fuzz_form.c).
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "wick/forms/validate.h"

/* Django's limits: a URL (URLValidator.max_length), a host (RFC 1034),
 * an e-mail address (RFC 3696), a DNS label. */
#define URL_MAX    2048
#define HOST_MAX   253
#define EMAIL_MAX  320
#define LABEL_MAX  63

/* Room for a host rewritten in punycode: a valid one fits in HOST_MAX,
 * so anything longer is refused without being finished. */
#define ACE_MAX    (HOST_MAX + 1)

/* Decode the code point at s[*i] (n bytes) and advance; -1 when the bytes
 * are not UTF-8 (overlong forms and surrogates included). */
static long
utf8_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t k, len;
	long c;

	assert(*i < n);
	c = s[*i];
	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
	} else {
		return -1;
	}
	if (n - *i < len)
		return -1;
	for (k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[*i + k] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return -1;
	*i += len;
	return c;
}

/* Code points in s, or -1 when it is not UTF-8. */
static long
utf8_count(const char *s, size_t n)
{
	size_t i = 0;
	long count = 0;

	while (i < n) {
		if (utf8_next(s, n, &i) < 0)
			return -1;
		count++;
	}
	return count;
}

/* Python's \s for str patterns: what Django's URL pattern forbids. */
static int
is_space(long c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
	    c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ---- IP addresses ----------------------------------------------------------- */

/* see validate.h */
int
wk_valid_ipv4(const char *s, size_t n)
{
	size_t i = 0, start;
	int part, value;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		start = i;
		value = 0;
		while (i < n && is_digit(s[i]) && i - start < 3)
			value = value * 10 + (s[i++] - '0');
		/* No leading zeros: "016" could be read as octal. */
		if (i == start || value > 255 || (s[start] == '0' && i - start > 1))
			return 0;
	}
	return i == n;
}

/* One group of an IPv6 address: 1-4 hex digits. */
static int
hextet_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 4)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return 0;
	return 1;
}

/* see validate.h */
int
wk_valid_ipv6(const char *s, size_t n)
{
	/* Each part's place in s; an embedded dotted quad stands for two
	 * groups and is marked with len (size_t)-1. */
	size_t start[10], len[10], nparts = 0, i, from = 0, skip = 0, hi, lo;
	int have_skip = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != ':')
			continue;
		if (nparts == 9)
			return 0;    /* more than eight groups and a "::" */
		start[nparts] = from;
		len[nparts] = i - from;
		nparts++;
		from = i + 1;
	}
	if (nparts < 3)
		return 0;
	if (memchr(s + start[nparts - 1], '.', len[nparts - 1]) != NULL) {
		if (!wk_valid_ipv4(s + start[nparts - 1], len[nparts - 1]) ||
		    nparts == 9)
			return 0;
		len[nparts - 1] = (size_t)-1;
		start[nparts] = 0;
		len[nparts] = (size_t)-1;
		nparts++;
	}
	/* The "::": an empty part other than the first or last. */
	for (i = 1; i + 1 < nparts; i++) {
		if (len[i] != 0)
			continue;
		if (have_skip)
			return 0;
		have_skip = 1;
		skip = i;
	}
	if (have_skip) {
		hi = skip;
		lo = nparts - skip - 1;
		if (len[0] == 0 && --hi != 0)
			return 0;    /* a leading ':' not part of "::" */
		if (len[nparts - 1] == 0 && --lo != 0)
			return 0;
		if (hi + lo >= 8)
			return 0;    /* "::" must stand for one group or more */
	} else {
		if (nparts != 8 || len[0] == 0 || len[nparts - 1] == 0)
			return 0;
		hi = 8;
		lo = 0;
	}
	for (i = 0; i < nparts; i++) {
		if (have_skip && ((i >= hi && i < nparts - lo)))
			continue;
		if (len[i] == (size_t)-1)
			continue;
		if (!hextet_ok(s + start[i], len[i]))
			return 0;
	}
	return 1;
}

/* ---- punycode (RFC 3492) ------------------------------------------------------ */

enum {
	PC_BASE = 36, PC_TMIN = 1, PC_TMAX = 26, PC_SKEW = 38, PC_DAMP = 700,
	PC_BIAS = 72, PC_N = 128
};

/* RFC 3492 section 6.1: the bias after a code point is written. */
static unsigned long
pc_adapt(unsigned long delta, unsigned long points, int first)
{
	unsigned long k = 0;

	delta = first ? delta / PC_DAMP : delta / 2;
	delta += delta / points;
	while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
		delta /= PC_BASE - PC_TMIN;
		k += PC_BASE;
	}
	return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static char
pc_digit(unsigned long d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* see validate.h */
long
wk_punycode_encode(const char *s, size_t n, char *out, size_t cap)
{
	/* A label longer than this cannot become one of 63 characters. */
	uint32_t cps[256];
	size_t ncp = 0, i = 0, o = 0, h, b, k;
	unsigned long delta = 0, bias = PC_BIAS, cur = PC_N, m, q, t;
	long c;

	if (cap == 0)
		return -1;
	while (i < n) {
		if ((c = utf8_next(s, n, &i)) < 0 ||
		    ncp == sizeof(cps) / sizeof(cps[0]))
			return -1;
		cps[ncp++] = (uint32_t)c;
	}
	for (k = 0; k < ncp; k++) {
		if (cps[k] < 0x80) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = (char)cps[k];
		}
	}
	h = b = o;
	if (b > 0) {
		if (o + 1 >= cap)
			return -1;
		out[o++] = '-';
	}
	while (h < ncp) {
		m = 0x110000;
		for (k = 0; k < ncp; k++)
			if (cps[k] >= cur && cps[k] < m)
				m = cps[k];
		/* At most 256 code points below 0x110000: no overflow. */
		delta += (m - cur) * (h + 1);
		cur = m;
		for (k = 0; k < ncp; k++) {
			if (cps[k] < cur) {
				delta++;
				continue;
			}
			if (cps[k] != cur)
				continue;
			for (q = delta, t = 0;; ) {
				unsigned long kk = (unsigned long)(t += PC_BASE);
				unsigned long th = kk <= bias ? PC_TMIN :
				    kk >= bias + PC_TMAX ? PC_TMAX : kk - bias;

				if (q < th)
					break;
				if (o + 1 >= cap)
					return -1;
				out[o++] = pc_digit(th + (q - th) %
				    (PC_BASE - th));
				q = (q - th) / (PC_BASE - th);
			}
			if (o + 1 >= cap)
				return -1;
			out[o++] = pc_digit(q);
			bias = pc_adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
		delta++;
		cur++;
	}
	out[o] = '\0';
	return (long)o;
}

/*
 * Rewrite a domain with each non-ASCII label in its "xn--" form, as
 * Python's idna codec does for Django (ASCII labels are kept, and must be
 * 1-63 characters but for a final empty one: a trailing dot).  Writes a
 * NUL-terminated string into out (cap bytes); its length, or -1 when a
 * label cannot be encoded or the result does not fit.
 */
static long
to_ace(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, from = 0, o = 0, k;
	char lower[LABEL_MAX * 4 + 1];
	long w;
	int ascii;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		ascii = 1;
		for (k = from; k < i; k++)
			if ((unsigned char)s[k] >= 0x80)
				ascii = 0;
		if (o > 0) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = '.';
		}
		if (ascii) {
			if ((i == from && i != n) || i - from > LABEL_MAX ||
			    o + (i - from) >= cap)
				return -1;
			memcpy(out + o, s + from, i - from);
			o += i - from;
		} else {
			/* Nameprep folds case; for ASCII letters that is this. */
			if (i - from >= sizeof(lower))
				return -1;
			for (k = from; k < i; k++)
				lower[k - from] = (s[k] >= 'A' && s[k] <= 'Z') ?
				    (char)(s[k] - 'A' + 'a') : s[k];
			if (o + 4 >= cap)
				return -1;
			memcpy(out + o, "xn--", 4);
			w = wk_punycode_encode(lower, i - from, out + o + 4,
			    cap - o - 4);
			if (w < 0 || w + 4 > LABEL_MAX)
				return -1;
			o += 4 + (size_t)w;
		}
		from = i + 1;
	}
	out[o] = '\0';
	return (long)o;
}

/* ---- URLs ---------------------------------------------------------------------- */

/*
 * One label of a URL host: letters, digits, hyphens and any code point from
 * U+00A1 to U+FFFF (Django's "Unicode letters" range), 1-63 of them, not
 * starting or ending with a hyphen.  The top-level label (tld) has no
 * digits and at least two characters, or is "xn--" and 1-59 letters or
 * digits.
 */
static int
url_label_ok(const char *s, size_t n, int tld)
{
	size_t i = 0, count = 0, k;
	int digits = 0;
	long c;

	if (n == 0 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	while (i < n) {
		if ((c = utf8_next(s, n, &i)) < 0)
			return 0;
		if (c < 0x80) {
			if (is_digit((int)c))
				digits = 1;
			else if (!is_alpha((int)c) && c != '-')
				return 0;
		} else if (c < 0xa1 || c > 0xffff) {
			return 0;
		}
		count++;
	}
	if (count > LABEL_MAX)
		return 0;
	if (!tld)
		return 1;
	if (n > 4 && strncasecmp(s, "xn--", 4) == 0 && n - 4 <= 59) {
		for (k = 4; k < n; k++)
			if (!is_alpha(s[k]) && !is_digit(s[k]))
				break;
		if (k == n)
			return 1;
	}
	return !digits && count >= 2;
}

/* A host name: two labels or more, one trailing dot allowed. */
static int
url_dns_ok(const char *s, size_t n)
{
	size_t i, from = 0, labels = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++)
		if (s[i] == '.')
			labels++;
	if (labels == 0)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!url_label_ok(s + from, i - from, i == n))
			return 0;
		from = i + 1;
	}
	return 1;
}

/* The host part of a URL, not bracketed. */
static int
url_host_ok(const char *s, size_t n)
{
	char ace[ACE_MAX];
	long w;

	if (n == 9 && strncasecmp(s, "localhost", 9) == 0)
		return 1;
	if (wk_valid_ipv4(s, n) || url_dns_ok(s, n))
		return 1;
	/* Django tries again with the host in punycode (IDN labels beyond
	 * its Unicode range, such as emoji, pass that way). */
	if ((w = to_ace(s, n, ace, sizeof(ace))) < 0)
		return 0;
	return url_dns_ok(ace, (size_t)w);
}

/*
 * Host, port and path from s: host (or [IPv6]), then an optional ":port"
 * of 2-5 digits, then nothing or one of / ? # and no white space.  The
 * host's length in characters goes to *hostlen.
 */
static int
url_rest_ok(const char *s, size_t n, long *hostlen)
{
	size_t h = 0, e, i, d;
	long c;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL)
			return 0;
		e = (size_t)(close - s);
		for (i = 1; i < e; i++)
			if (!is_hex(s[i]) && s[i] != ':' && s[i] != '.')
				return 0;
		if (e == 1 || !wk_valid_ipv6(s + 1, e - 1))
			return 0;
		*hostlen = (long)(e - 1);
		e++;
	} else {
		for (e = 0; e < n && strchr(":/?#", s[e]) == NULL; e++)
			;
		if (!url_host_ok(s, e))
			return 0;
		*hostlen = utf8_count(s, e);
	}
	h = e;
	if (h < n && s[h] == ':') {
		for (d = h + 1; d < n && is_digit(s[d]); d++)
			;
		if (d - h - 1 < 2 || d - h - 1 > 5)
			return 0;
		h = d;
	}
	if (h == n)
		return 1;
	if (strchr("/?#", s[h]) == NULL)
		return 0;
	for (i = h; i < n; ) {
		if ((c = utf8_next(s, n, &i)) < 0 || is_space(c))
			return 0;
	}
	return 1;
}

/*
 * user[:password]@ at the start of s: the user is one character or more
 * and neither part holds white space, ':', '@' or '/'.  Its length with
 * the '@', or 0 when there is none.
 */
static size_t
userinfo_len(const char *s, size_t n)
{
	size_t i = 0, user = 0;
	int colon = 0;
	long c;

	while (i < n) {
		size_t at = i;

		if ((c = utf8_next(s, n, &i)) < 0 || is_space(c) || c == '/')
			return 0;
		if (c == '@')
			return user > 0 ? at + 1 : 0;
		if (c == ':') {
			if (colon)
				return 0;
			colon = 1;
		} else if (!colon) {
			user++;
		}
	}
	return 0;
}

/* see validate.h */
int
wk_valid_url(const char *s, size_t n)
{
	const char *sep;
	size_t scheme, rest, info, netloc, k;
	long chars = utf8_count(s, n), hostlen = -1;
	int ok = 0, open = 0, close = 0;

	if (chars < 0 || chars > URL_MAX)
		return 0;
	if (memchr(s, '\t', n) || memchr(s, '\r', n) || memchr(s, '\n', n) ||
	    memchr(s, '\0', n))
		return 0;
	if ((sep = memmem(s, n, "://", 3)) == NULL)
		return 0;
	scheme = (size_t)(sep - s);
	if (!((scheme == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (scheme == 5 && strncasecmp(s, "https", 5) == 0)))
		return 0;
	rest = scheme + 3;
	/* Python's urlsplit refuses a netloc with one bracket only. */
	for (netloc = rest; netloc < n && strchr("/?#", s[netloc]) == NULL;
	    netloc++) {
		open |= s[netloc] == '[';
		close |= s[netloc] == ']';
	}
	if (open != close)
		return 0;
	/* A backslash is a path separator to browsers: refused outright. */
	for (k = rest; k < n; k++)
		if (s[k] == '\\' || (unsigned char)s[k] < 0x20 || s[k] == 0x7f)
			return 0;
	info = userinfo_len(s + rest, n - rest);
	if (info > 0)
		ok = url_rest_ok(s + rest + info, n - rest - info, &hostlen);
	if (!ok)
		ok = url_rest_ok(s + rest, n - rest, &hostlen);
	return ok && hostlen > 0 && hostlen <= HOST_MAX;
}

/* ---- e-mail addresses ----------------------------------------------------------- */

/* The local part: a dot-atom, or a quoted string (RFC 5322's, ASCII). */
static int
email_user_ok(const char *s, size_t n)
{
	static const char atext[] = "!#$%&'*+/=?^_`{|}~-";
	size_t i;
	int c;

	if (n == 0)
		return 0;
	if (s[0] == '"') {
		if (n < 2 || s[n - 1] != '"')
			return 0;
		for (i = 1; i < n - 1; i++) {
			c = (unsigned char)s[i];
			if (c == '\\') {
				if (i + 1 >= n - 1)
					return 0;
				c = (unsigned char)s[++i];
				if (c == 0 || c == '\n' || c == '\r' || c > 0x7f)
					return 0;
				continue;
			}
			if (c == 0 || c == '\t' || c == '\n' || c == '\r' ||
			    c == ' ' || c == '"' || c > 0x7f)
				return 0;
		}
		return 1;
	}
	if (s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return 0;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) &&
		    (c == 0 || strchr(atext, c) == NULL))
			return 0;
	}
	return 1;
}

/* A domain of ASCII labels: each 1-63 letters, digits, hyphens, not at
 * either end; the last 2-63 of them, not ending in a hyphen. */
static int
email_dns_ok(const char *s, size_t n)
{
	size_t i, from = 0, len, k;
	int labels = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		len = i - from;
		if (len == 0 || len > LABEL_MAX || s[i - 1] == '-')
			return 0;
		if (i < n && s[from] == '-')
			return 0;
		if (i == n && len < 2)
			return 0;
		for (k = from; k < i; k++)
			if (!is_alpha(s[k]) && !is_digit(s[k]) && s[k] != '-')
				return 0;
		labels++;
		from = i + 1;
	}
	return labels >= 2;
}

/* [IPv4] or [IPv6], as SMTP writes an address literal (Django's form:
 * without RFC 5321's "IPv6:" tag). */
static int
email_literal_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	for (i = 1; i < n - 1; i++)
		if (!is_hex(s[i]) && s[i] != ':' && s[i] != '.')
			return 0;
	return wk_valid_ipv4(s + 1, n - 2) || wk_valid_ipv6(s + 1, n - 2);
}

/* see validate.h */
int
wk_valid_email(const char *s, size_t n)
{
	const char *at;
	const char *dom;
	char ace[EMAIL_MAX + 1];
	size_t dn;
	long chars = utf8_count(s, n), w;

	if (n == 0 || chars < 0 || chars > EMAIL_MAX)
		return 0;
	if ((at = memrchr(s, '@', n)) == NULL)
		return 0;
	if (!email_user_ok(s, (size_t)(at - s)))
		return 0;
	dom = at + 1;
	dn = n - (size_t)(dom - s);
	if (dn == 9 && memcmp(dom, "localhost", 9) == 0)
		return 1;
	if (email_dns_ok(dom, dn) || email_literal_ok(dom, dn))
		return 1;
	if ((w = to_ace(dom, dn, ace, sizeof(ace))) < 0)
		return 0;
	return email_dns_ok(ace, (size_t)w) ||
	    email_literal_ok(ace, (size_t)w);
}
