/*
 * filters_date.c - dates and times: date, time, timesince, timeuntil,
 * and the format characters behind them (wk_template_format_date).
 *
 * A value is a time when it is an integer (a Unix time, UTC) or an ISO
 * 8601 text as SQLite writes it ("2024-03-05 14:07:09", with or without a
 * 'T', fractions and an offset).  The calendar arithmetic is done here on
 * integers (days from the civil date, ISO weeks), so the output does not
 * depend on the C library's time zone or locale.  Named formats
 * (DATE_FORMAT, SHORT_DATE_FORMAT...) come from the request's settings.
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

#include "wick/core/settings.h"

#include "internal.h"

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
	if (arg != NULL && tpl_text_of(c, arg, &fmt, &fn) != 0)
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
	return tpl_from_buf(&b, 0, out);
}

int
tpl_f_date(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return date_filter(c, in, arg, out, "DATE_FORMAT");
}

int
tpl_f_time(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return date_filter(c, in, arg, out, "TIME_FORMAT");
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
		wk_buf_printf(&b, "0%sminutes", TPL_NBSP);
		return tpl_from_buf(&b, 0, out);
	}
	for (i = 0; i + 1 < sizeof(u) / sizeof(u[0]) && d < u[i].secs; i++)
		;
	k1 = d / u[i].secs;
	wk_buf_printf(&b, "%lld%s%s", k1, TPL_NBSP, k1 == 1 ? u[i].one : u[i].many);
	if (i + 1 < sizeof(u) / sizeof(u[0])) {
		k2 = (d - k1 * u[i].secs) / u[i + 1].secs;
		if (k2 > 0)
			wk_buf_printf(&b, ", %lld%s%s", k2, TPL_NBSP,
			    k2 == 1 ? u[i + 1].one : u[i + 1].many);
	}
	return tpl_from_buf(&b, 0, out);
}

int
tpl_f_timesince(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return since(c, in, arg, out, 0);
}

int
tpl_f_timeuntil(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	return since(c, in, arg, out, 1);
}
