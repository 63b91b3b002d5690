/*
 * orm.c - turning query calls into parameterized SQL (see orm.h).
 *
 * The only text that reaches SQL is (1) fixed fragments written here,
 * (2) table and column names copied from model metadata, and (3) ?NNN
 * placeholders.  Names that come from callers - and so maybe from a
 * request - are only ever used to FIND a field in the metadata.  Values
 * are bound.  The SQL of each query shape is the same text every time, so
 * the statement cache in db.c prepares it once per process.
 *
 * Aliases: the model's table is "t"; the table behind FK field number i
 * is "j<i>" (LEFT JOIN), added when a filter, an ordering or
 * select_related follows that field.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "wick/db/orm.h"
#include "internal.h"

enum q_lookup {
	LK_EXACT,
	LK_IEXACT,
	LK_CONTAINS,
	LK_ICONTAINS,
	LK_STARTSWITH,
	LK_ISTARTSWITH,
	LK_ENDSWITH,
	LK_IENDSWITH,
	LK_GT,
	LK_GTE,
	LK_LT,
	LK_LTE,
	LK_IN,
	LK_ISNULL,
	LK_RANGE,
	LK__MAX
};

/* Lookups: name, and for LIKE-based ones the wildcards around the value;
 * for comparisons the operator. */
static const struct {
	const char *name;
	const char *op;
	const char *like_pre;
	const char *like_post;
} q_lookups[LK__MAX] = {
	[LK_EXACT] = { "exact", " = ", NULL, NULL },
	[LK_IEXACT] = { "iexact", NULL, "", "" },
	[LK_CONTAINS] = { "contains", NULL, NULL, NULL },
	[LK_ICONTAINS] = { "icontains", NULL, "%", "%" },
	[LK_STARTSWITH] = { "startswith", NULL, NULL, NULL },
	[LK_ISTARTSWITH] = { "istartswith", NULL, "", "%" },
	[LK_ENDSWITH] = { "endswith", NULL, NULL, NULL },
	[LK_IENDSWITH] = { "iendswith", NULL, "%", "" },
	[LK_GT] = { "gt", " > ", NULL, NULL },
	[LK_GTE] = { "gte", " >= ", NULL, NULL },
	[LK_LT] = { "lt", " < ", NULL, NULL },
	[LK_LTE] = { "lte", " <= ", NULL, NULL },
	[LK_IN] = { "in", NULL, NULL, NULL },
	[LK_ISNULL] = { "isnull", NULL, NULL, NULL },
	[LK_RANGE] = { "range", NULL, NULL, NULL },
};

static const char *const q_agg_names[WK_AGG__MAX] = {
	[WK_AGG_COUNT] = "count",
	[WK_AGG_SUM] = "sum",
	[WK_AGG_MIN] = "min",
	[WK_AGG_MAX] = "max",
	[WK_AGG_AVG] = "avg",
};

/* A resolved name: which table alias (-1 = "t") and which field. */
struct q_col {
	int join;                       /* FK field index, or -1 */
	const struct wk_field *f;
};

#define Q_MAX_NAME 256

/* ---- errors and small helpers ------------------------------------------------------ */

static int
q_fail(struct wk_query *q, int status, const char *what, const char *name)
{
	if (q->status == WK_DB_OK) {
		q->status = status;
		/* Names from input are shown escaped by the log, never run. */
		wk__db_fail_msg(status, "%s: %s%s%.80s%s", wk_db_status_name(
		    status), what, name ? " '" : "", name ? name : "",
		    name ? "'" : "");
	}
	return q->status;
}

/* Append a small non-negative number (bind numbers, aliases): printf is
 * slow, and this runs for every placeholder of every query. */
static void
q_num(wk_buf *b, size_t n)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	wk_buf_append(b, tmp + i, sizeof(tmp) - i);
}

/* "?N" */
static void
q_param(wk_buf *b, int n)
{
	wk_buf_putc(b, '?');
	q_num(b, (size_t)n);
}

static void
q_ident(wk_buf *b, const char *name)
{
	wk_buf_putc(b, '"');
	wk_buf_puts(b, name);
	wk_buf_putc(b, '"');
}

/*
 * A column reference.  Columns of the model's own table are written with
 * a marker byte (Q_BASE) in front while conditions and orderings are
 * collected; q_append_sql turns it into "t." when the statement joins
 * another table and drops it otherwise.  Whether a query
 * joins is only known once it is complete, and single-table SQL without
 * qualifiers is shorter for SQLite to parse on every prepare.
 */
#define Q_BASE '\x01'

static void
q_colsql(const struct wk_query *q, wk_buf *b, const struct q_col *c)
{
	(void)q;
	if (c->join >= 0) {
		wk_buf_putc(b, 'j');
		q_num(b, (size_t)c->join);
		wk_buf_putc(b, '.');
	} else {
		wk_buf_putc(b, Q_BASE);
	}
	q_ident(b, c->f->name);
}

/* The same, resolved for the statement being assembled (q->qualify). */
static void
q_colsql_final(const struct wk_query *q, wk_buf *b, const struct q_col *c)
{
	if (c->join >= 0) {
		wk_buf_putc(b, 'j');
		q_num(b, (size_t)c->join);
		wk_buf_putc(b, '.');
	} else if (q->qualify) {
		wk_buf_puts(b, "t.");
	}
	q_ident(b, c->f->name);
}

/* Append len bytes of SQL written with Q_BASE markers, resolving them
 * for the statement being built ("t." when it joins, nothing otherwise). */
static void
q_append_sql(const struct wk_query *q, wk_buf *b, const char *p, size_t len)
{
	const char *e = p + len, *m;

	while ((m = memchr(p, Q_BASE, (size_t)(e - p))) != NULL) {
		wk_buf_append(b, p, (size_t)(m - p));
		if (q->qualify)
			wk_buf_puts(b, "t.");
		p = m + 1;
	}
	wk_buf_append(b, p, (size_t)(e - p));
}

/* see orm.h */
void
wk_q_init(struct wk_query *q, wk_arena *a, const struct wk_model *m)
{
	memset(q, 0, sizeof(*q));
	q->model = m;
	q->arena = a;
	wk_buf_init(&q->where, a);
	wk_buf_init(&q->order, a);
	wk_buf_init(&q->set, a);
	q->limit = -1;
	q->offset = -1;
	q->group_op[0] = 'A';
	q->group_empty[0] = 1;
}

/* Add a bind; returns its number (1-based) or 0 on failure. */
static int
q_bind(struct wk_query *q, struct wk_value v, enum wk_field_kind kind,
    const char *like_pre, const char *like_post)
{
	struct wk_qbind *b;

	if (q->nbinds >= WK_Q_MAX_BINDS) {
		q_fail(q, WK_DB_INVALID, "too many values in one query", NULL);
		return 0;
	}
	if (q->nbinds == q->capbinds) {
		size_t nc = q->capbinds ? q->capbinds * 2 : 8;
		void *p = wk_arena_realloc(q->arena, q->binds,
		    q->capbinds * sizeof(*q->binds), nc * sizeof(*q->binds));
		if (p == NULL) {
			q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
			return 0;
		}
		q->binds = p;
		q->capbinds = nc;
	}
	b = &q->binds[q->nbinds++];
	b->v = v;
	b->kind = kind;
	b->like = like_pre != NULL;
	b->like_pre = like_pre;
	b->like_post = like_post;
	return (int)q->nbinds;
}

/*
 * Resolve "field" or "fk__field" (len bytes).  Marks the join as used.
 */
static int
q_resolve(struct wk_query *q, const char *name, size_t len, struct q_col *c)
{
	const struct wk_model *m = q->model;
	const char *sep = NULL;
	const struct wk_field *f;
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (name[i] == '_' && name[i + 1] == '_') {
			sep = name + i;
			break;
		}
	if (sep == NULL) {
		f = wk_model_fieldn(m, name, len);
		if (f == NULL)
			return -1;
		c->join = -1;
		c->f = f;
		return 0;
	}
	f = wk_model_fieldn(m, name, (size_t)(sep - name));
	if (f == NULL || f->kind != WK_FIELD_FK || f->to == NULL)
		return -1;
	c->join = (int)wk_model_index(m, f);
	c->f = wk_model_fieldn(f->to, sep + 2, len - (size_t)(sep - name) - 2);
	if (c->f == NULL)
		return -1;
	q->joins |= (uint64_t)1 << c->join;
	return 0;
}

/* Parse a strict decimal integer. */
static int
q_parse_ll(const char *s, size_t n, long long *out)
{
	char tmp[32];
	char *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (!(tmp[0] == '-' || tmp[0] == '+' || (tmp[0] >= '0' &&
	    tmp[0] <= '9')))
		return -1;
	errno = 0;
	*out = strtoll(tmp, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/*
 * The value v made to fit field kind k: integers for INT/BIGINT/FK/BOOL,
 * reals for REAL, text for text kinds and blobs.  Strings from requests
 * ("5") are converted strictly.  NULL passes through.
 */
static int
q_norm(enum wk_field_kind k, struct wk_value v, struct wk_value *out)
{
	long long ll;

	if (v.kind == WK_VAL_NULL) {
		*out = v;
		return 0;
	}
	switch (k) {
	case WK_FIELD_INT:
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK:
	case WK_FIELD_BOOL:
		if (v.kind == WK_VAL_INT) {
			*out = v;
		} else if (v.kind == WK_VAL_BOOL) {
			*out = wk_val_int(v.u.b);
		} else if (wk_val_is_str(&v)) {
			if (k == WK_FIELD_BOOL && v.u.s.n == 4 &&
			    memcmp(v.u.s.p, "true", 4) == 0)
				ll = 1;
			else if (k == WK_FIELD_BOOL && v.u.s.n == 5 &&
			    memcmp(v.u.s.p, "false", 5) == 0)
				ll = 0;
			else if (q_parse_ll(v.u.s.p, v.u.s.n, &ll) != 0)
				return -1;
			*out = wk_val_int(ll);
		} else {
			return -1;
		}
		return 0;
	case WK_FIELD_REAL:
		if (v.kind == WK_VAL_REAL && isfinite(v.u.r)) {
			*out = v;
		} else if (v.kind == WK_VAL_INT) {
			*out = wk_val_real((double)v.u.i);
		} else if (wk_val_is_str(&v) && v.u.s.n > 0 && v.u.s.n < 64) {
			char tmp[64], *end;
			double d;
			memcpy(tmp, v.u.s.p, v.u.s.n);
			tmp[v.u.s.n] = '\0';
			errno = 0;
			d = strtod(tmp, &end);
			if (errno != 0 || *end != '\0' || !isfinite(d) ||
			    !((tmp[0] >= '0' && tmp[0] <= '9') ||
			    tmp[0] == '-' || tmp[0] == '.'))
				return -1;
			*out = wk_val_real(d);
		} else {
			return -1;
		}
		return 0;
	default:
		if (!wk_val_is_str(&v))
			return -1;
		*out = wk_val_strn(v.u.s.p, v.u.s.n);
		return 0;
	}
}

/* Before a condition: the connector of the current group. */
static void
q_connect(struct wk_query *q)
{
	if (!q->group_empty[q->depth])
		wk_buf_puts(&q->where, q->group_op[q->depth] == 'O' ? " OR " :
		    " AND ");
	q->group_empty[q->depth] = 0;
}

/*
 * Date parts ("created__year", "created__date__lt"): a function of the
 * column, compared like a column.  Dates and datetimes are ISO 8601 text,
 * which SQLite's strftime() reads (a trailing "Z" included), so each part
 * is SQL around the column; NULL stays NULL.  SQLite 3.40 has no %V %G
 * %u, so the ISO week and year come from the Thursday of the date's week
 * (ISO 8601 puts a week in the year that holds its Thursday): "-3 days"
 * then "weekday 4" moves any day to that Thursday.  Numbering as Django's:
 * week_day 1 = Sunday .. 7 = Saturday, iso_week_day 1 = Monday .. 7.
 */
enum q_part {
	PT_NONE,
	PT_YEAR,
	PT_MONTH,
	PT_DAY,
	PT_WEEK_DAY,
	PT_ISO_WEEK_DAY,
	PT_WEEK,
	PT_ISO_YEAR,
	PT_QUARTER,
	PT_DATE,
	PT_HOUR,
	PT_MINUTE,
	PT_SECOND,
	PT__MAX
};

static const struct {
	const char *name;
	const char *pre;               /* SQL before the column */
	const char *post;              /* and after it */
	unsigned char datetime_only;   /* needs a time of day */
	enum wk_field_kind result;     /* what it is compared as */
} q_parts[PT__MAX] = {
	[PT_YEAR] = { "year", "CAST(strftime('%Y', ", ") AS INTEGER)", 0,
	    WK_FIELD_INT },
	[PT_MONTH] = { "month", "CAST(strftime('%m', ", ") AS INTEGER)", 0,
	    WK_FIELD_INT },
	[PT_DAY] = { "day", "CAST(strftime('%d', ", ") AS INTEGER)", 0,
	    WK_FIELD_INT },
	[PT_WEEK_DAY] = { "week_day", "(CAST(strftime('%w', ",
	    ") AS INTEGER) + 1)", 0, WK_FIELD_INT },
	[PT_ISO_WEEK_DAY] = { "iso_week_day", "((CAST(strftime('%w', ",
	    ") AS INTEGER) + 6) % 7 + 1)", 0, WK_FIELD_INT },
	[PT_WEEK] = { "week", "((CAST(strftime('%j', ",
	    ", '-3 days', 'weekday 4') AS INTEGER) - 1) / 7 + 1)", 0,
	    WK_FIELD_INT },
	[PT_ISO_YEAR] = { "iso_year", "CAST(strftime('%Y', ",
	    ", '-3 days', 'weekday 4') AS INTEGER)", 0, WK_FIELD_INT },
	[PT_QUARTER] = { "quarter", "((CAST(strftime('%m', ",
	    ") AS INTEGER) + 2) / 3)", 0, WK_FIELD_INT },
	[PT_DATE] = { "date", "date(", ")", 1, WK_FIELD_DATE },
	[PT_HOUR] = { "hour", "CAST(strftime('%H', ", ") AS INTEGER)", 1,
	    WK_FIELD_INT },
	[PT_MINUTE] = { "minute", "CAST(strftime('%M', ", ") AS INTEGER)", 1,
	    WK_FIELD_INT },
	[PT_SECOND] = { "second", "CAST(strftime('%S', ", ") AS INTEGER)", 1,
	    WK_FIELD_INT },
};

/* The lookups that may follow a date part: comparisons of its value. */
#define Q_PART_LOOKUPS ((1u << LK_EXACT) | (1u << LK_GT) | (1u << LK_GTE) | \
	(1u << LK_LT) | (1u << LK_LTE) | (1u << LK_IN) | (1u << LK_RANGE) | \
	(1u << LK_ISNULL))

/* Lookups Django has that Wick refuses by name, with the reason, so that
 * "name__regex" says why rather than "unknown field". */
static const struct {
	const char *name;
	const char *why;
} q_refused[] = {
	{ "regex", "regex lookups are not supported (SQLite has no REGEXP "
	    "function)" },
	{ "iregex", "regex lookups are not supported (SQLite has no REGEXP "
	    "function)" },
};

/* The column c, wrapped in date part pt's SQL when there is one. */
static void
q_colexpr(const struct wk_query *q, wk_buf *b, const struct q_col *c,
    enum q_part pt)
{
	if (pt == PT_NONE) {
		q_colsql(q, b, c);
		return;
	}
	wk_buf_puts(b, q_parts[pt].pre);
	q_colsql(q, b, c);
	wk_buf_puts(b, q_parts[pt].post);
}

/* Can column c read NULL: a nullable field, or any field reached through
 * a nullable foreign key (the LEFT JOIN finds no row)? */
static int
q_nullable(const struct wk_query *q, const struct q_col *c)
{
	return (c->f->flags & WK_NULL) || (c->join >= 0 &&
	    (q->model->fields[c->join].flags & WK_NULL));
}

/* The "__name" segment that ends the first len bytes of s, or NULL. */
static const char *
q_last_segment(const char *s, size_t len, size_t *seglen)
{
	size_t i;

	for (i = len; i >= 2; i--)
		if (s[i - 1] == '_' && s[i - 2] == '_') {
			*seglen = len - i;
			return s + i;
		}
	return NULL;
}

/*
 * Split "path[__part][__lookup]" (len bytes): the lookup, the date part
 * and the column.  0, or -1 with the query failed.  As in Django, a name
 * is a field before it is a part or a refused lookup: a related model's
 * field called "week" or "regex" is still found.
 */
static int
q_parse_lookup(struct wk_query *q, const char *lookup, size_t len,
    enum q_lookup *lk, enum q_part *pt, struct q_col *c)
{
	const char *seg;
	size_t plen = len, n, k;

	*lk = LK_EXACT;
	*pt = PT_NONE;
	/* A trailing "__lookup" when it names a lookup. */
	if ((seg = q_last_segment(lookup, len, &n)) != NULL) {
		for (k = 0; k < LK__MAX; k++)
			if (strcmp(seg, q_lookups[k].name) == 0)
				break;
		if (k < LK__MAX) {
			*lk = (enum q_lookup)k;
			plen = (size_t)(seg - lookup) - 2;
		}
	}
	if (q_resolve(q, lookup, plen, c) != 0) {
		/* Then "__part" at the end of what is left. */
		seg = q_last_segment(lookup, plen, &n);
		for (k = 1; seg != NULL && k < PT__MAX; k++)
			if (strlen(q_parts[k].name) == n &&
			    memcmp(seg, q_parts[k].name, n) == 0)
				break;
		if (seg != NULL && k < PT__MAX && q_resolve(q, lookup,
		    (size_t)(seg - lookup) - 2, c) == 0) {
			*pt = (enum q_part)k;
		} else {
			seg = q_last_segment(lookup, len, &n);
			for (k = 0; seg != NULL && k < sizeof(q_refused) /
			    sizeof(q_refused[0]); k++)
				if (strcmp(seg, q_refused[k].name) == 0)
					return q_fail(q, WK_DB_INVALID,
					    q_refused[k].why, lookup), -1;
			return q_fail(q, WK_DB_INVALID, "unknown field or "
			    "lookup", lookup), -1;
		}
	}
	if (*pt != PT_NONE) {
		if (c->f->kind != WK_FIELD_DATETIME && (q_parts[*pt].
		    datetime_only || c->f->kind != WK_FIELD_DATE))
			return q_fail(q, WK_DB_INVALID, q_parts[*pt].
			    datetime_only ? "date part needs a DATETIME "
			    "field" : "date part needs a DATE or DATETIME "
			    "field", lookup), -1;
		if (!(Q_PART_LOOKUPS & (1u << *lk)))
			return q_fail(q, WK_DB_INVALID, "only comparisons, "
			    "in, range and isnull may follow a date part",
			    lookup), -1;
	}
	if (c->f->kind == WK_FIELD_BLOB && *lk != LK_EXACT &&
	    *lk != LK_ISNULL)
		return q_fail(q, WK_DB_INVALID, "lookup not supported on a "
		    "blob", lookup), -1;
	return 0;
}

/*
 * Write the condition for (column, lookup, value) into q->where.
 *
 * Negation: a condition under an odd number of NOTs (an exclude, a
 * wk_q_not group, or both an even number of times not) must still be
 * the complement of its filter where the column reads NULL.  Under SQL's
 * three-valued logic NOT (n > 3) is NULL, not true, when n is NULL, so
 * those rows would vanish from both the filter and its exclude.  As
 * Django does, such a condition on a column that can be NULL becomes
 * (cond AND col IS NOT NULL), whose NOT is true for them.  Not for
 * isnull and for null values (IS NULL is never NULL) nor for NOT NULL
 * columns, whose SQL stays as it was.
 */
static int
q_condition(struct wk_query *q, const char *lookup, struct wk_value v,
    int negate)
{
	size_t len, i, nitems;
	enum q_lookup lk;
	enum q_part pt;
	enum wk_field_kind kind;
	struct q_col c;
	struct wk_value nv;
	wk_buf *w = &q->where;
	int n, n2, guard;

	if (q->status != WK_DB_OK)
		return q->status;
	if (lookup == NULL)
		return q_fail(q, WK_DB_INVALID, "no field name", NULL);
	len = strnlen(lookup, Q_MAX_NAME + 1);
	if (len == 0 || len > Q_MAX_NAME)
		return q_fail(q, WK_DB_INVALID, "bad field name", NULL);
	if (q_parse_lookup(q, lookup, len, &lk, &pt, &c) != 0)
		return q->status;
	kind = pt != PT_NONE ? q_parts[pt].result : c.f->kind;

	/* exact/iexact None is isnull; `in` ignores None (NULL equals
	 * nothing), and nothing left is false. */
	if (v.kind == WK_VAL_NULL && (lk == LK_EXACT || lk == LK_IEXACT)) {
		lk = LK_ISNULL;
		v = wk_val_bool(1);
	}
	nitems = 0;
	if (lk == LK_IN && v.kind == WK_VAL_LIST)
		for (i = 0; i < v.u.list->len; i++)
			nitems += v.u.list->items[i].kind != WK_VAL_NULL;
	guard = (negate ^ q->group_neg[q->depth]) && lk != LK_ISNULL &&
	    !(lk == LK_IN && nitems == 0) && q_nullable(q, &c);

	q_connect(q);
	if (negate)
		wk_buf_puts(w, "NOT (");
	else if (guard)
		wk_buf_putc(w, '(');
	switch (lk) {
	case LK_ISNULL:
		if (v.kind != WK_VAL_BOOL && v.kind != WK_VAL_INT)
			return q_fail(q, WK_DB_INVALID, "isnull needs a bool",
			    lookup);
		q_colexpr(q, w, &c, pt);
		wk_buf_puts(w, (v.kind == WK_VAL_BOOL ? v.u.b : v.u.i != 0) ?
		    " IS NULL" : " IS NOT NULL");
		break;
	case LK_IN:
	case LK_RANGE: {
		struct wk_list *l = v.kind == WK_VAL_LIST ? v.u.list : NULL;
		int first = 1;
		if (l == NULL || (lk == LK_RANGE && l->len != 2))
			return q_fail(q, WK_DB_INVALID, lk == LK_IN ?
			    "in needs a list" : "range needs a list of two",
			    lookup);
		if (lk == LK_IN && nitems == 0) {
			wk_buf_puts(w, "0");  /* x IN () is false */
			break;
		}
		q_colexpr(q, w, &c, pt);
		wk_buf_puts(w, lk == LK_IN ? " IN (" : " BETWEEN ");
		for (i = 0; i < l->len; i++) {
			if (lk == LK_IN && l->items[i].kind == WK_VAL_NULL)
				continue;
			if (l->items[i].kind == WK_VAL_NULL ||
			    q_norm(kind, l->items[i], &nv) != 0)
				return q_fail(q, WK_DB_INVALID, "bad value in "
				    "list for", lookup);
			if ((n = q_bind(q, nv, kind, NULL, NULL)) == 0)
				return q->status;
			if (!first)
				wk_buf_puts(w, lk == LK_IN ? ", " : " AND ");
			first = 0;
			q_param(w, n);
		}
		if (lk == LK_IN)
			wk_buf_putc(w, ')');
		break;
	}
	default:
		if (v.kind == WK_VAL_NULL)
			return q_fail(q, WK_DB_INVALID, "null value only with "
			    "exact, iexact, isnull or in", lookup);
		if (q_lookups[lk].like_pre != NULL || lk == LK_CONTAINS ||
		    lk == LK_STARTSWITH || lk == LK_ENDSWITH) {
			/* Text matching: the value must be text. */
			if (!wk_val_is_str(&v))
				return q_fail(q, WK_DB_INVALID, "text lookup "
				    "needs a text value", lookup);
			nv = wk_val_strn(v.u.s.p, v.u.s.n);
		} else if (q_norm(kind, v, &nv) != 0) {
			return q_fail(q, WK_DB_INVALID, "value does not fit "
			    "field", lookup);
		}
		if ((n = q_bind(q, nv, kind == WK_FIELD_BLOB ?
		    WK_FIELD_BLOB : (q_lookups[lk].like_pre != NULL ||
		    lk == LK_CONTAINS || lk == LK_STARTSWITH ||
		    lk == LK_ENDSWITH) ? WK_FIELD_TEXT : kind,
		    q_lookups[lk].like_pre, q_lookups[lk].like_post)) == 0)
			return q->status;
		n2 = n;
		if (q_lookups[lk].like_pre != NULL) {
			q_colsql(q, w, &c);
			wk_buf_puts(w, " LIKE ");
			q_param(w, n);
			wk_buf_puts(w, " ESCAPE '\\'");
		} else if (lk == LK_CONTAINS) {
			wk_buf_puts(w, "instr(");
			q_colsql(q, w, &c);
			wk_buf_puts(w, ", ");
			q_param(w, n);
			wk_buf_puts(w, ") > 0");
		} else if (lk == LK_STARTSWITH) {
			wk_buf_puts(w, "substr(");
			q_colsql(q, w, &c);
			wk_buf_printf(w, ", 1, length(?%d)) = ?%d", n, n2);
		} else if (lk == LK_ENDSWITH) {
			wk_buf_puts(w, "(length(");
			q_colsql(q, w, &c);
			wk_buf_printf(w, ") >= length(?%d) AND substr(", n);
			q_colsql(q, w, &c);
			wk_buf_puts(w, ", length(");
			q_colsql(q, w, &c);
			wk_buf_printf(w, ") - length(?%d) + 1) = ?%d)", n, n2);
		} else {
			q_colexpr(q, w, &c, pt);
			wk_buf_puts(w, q_lookups[lk].op);
			q_param(w, n);
		}
		break;
	}
	if (guard) {
		wk_buf_puts(w, " AND ");
		q_colsql(q, w, &c);
		wk_buf_puts(w, " IS NOT NULL");
	}
	if (negate || guard)
		wk_buf_putc(w, ')');
	if (w->failed)
		return q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	return q->status;
}

/* see orm.h */
int
wk_q_filter(struct wk_query *q, const char *lookup, struct wk_value v)
{
	return q_condition(q, lookup, v, 0);
}

/* see orm.h */
int
wk_q_exclude(struct wk_query *q, const char *lookup, struct wk_value v)
{
	return q_condition(q, lookup, v, 1);
}

static int
q_open(struct wk_query *q, unsigned char op)
{
	if (q->status != WK_DB_OK)
		return q->status;
	if (q->depth >= WK_Q_MAX_DEPTH)
		return q_fail(q, WK_DB_INVALID, "groups nested too deep",
		    NULL);
	q_connect(q);
	wk_buf_puts(&q->where, op == 'N' ? "NOT (" : "(");
	q->depth++;
	q->group_op[q->depth] = op;
	q->group_empty[q->depth] = 1;
	q->group_neg[q->depth] = (unsigned char)(q->group_neg[q->depth - 1] ^
	    (op == 'N'));
	return q->status;
}

/* see orm.h */
int
wk_q_or(struct wk_query *q)
{
	return q_open(q, 'O');
}

/* see orm.h */
int
wk_q_and(struct wk_query *q)
{
	return q_open(q, 'A');
}

/* see orm.h */
int
wk_q_not(struct wk_query *q)
{
	return q_open(q, 'N');
}

/* see orm.h */
int
wk_q_end(struct wk_query *q)
{
	if (q->status != WK_DB_OK)
		return q->status;
	if (q->depth == 0)
		return q_fail(q, WK_DB_INVALID, "wk_q_end without a group",
		    NULL);
	if (q->group_empty[q->depth])
		wk_buf_puts(&q->where, q->group_op[q->depth] == 'N' ? "0" :
		    "1");
	wk_buf_putc(&q->where, ')');
	q->depth--;
	return q->status;
}

/* see orm.h */
int
wk_q_order_by(struct wk_query *q, const char *names)
{
	const char *p = names, *e;
	struct q_col c;

	if (q->status != WK_DB_OK)
		return q->status;
	if (names == NULL || strnlen(names, 1025) > 1024)
		return q_fail(q, WK_DB_INVALID, "bad ordering", NULL);
	while (*p != '\0') {
		int desc = 0;
		size_t n;
		if (*p == '-') {
			desc = 1;
			p++;
		}
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		n = (size_t)(e - p);
		if (n == 0 || n > Q_MAX_NAME || q_resolve(q, p, n, &c) != 0)
			return q_fail(q, WK_DB_INVALID, "unknown field in "
			    "ordering", names);
		if (q->order.len > 0)
			wk_buf_puts(&q->order, ", ");
		q_colsql(q, &q->order, &c);
		wk_buf_puts(&q->order, desc ? " DESC" : " ASC");
		p = *e == ',' ? e + 1 : e;
	}
	if (q->order.failed)
		return q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	return q->status;
}

/* see orm.h */
int
wk_q_limit(struct wk_query *q, long long limit, long long offset)
{
	if (q->status != WK_DB_OK)
		return q->status;
	if (limit < -1 || offset < 0)
		return q_fail(q, WK_DB_INVALID, "negative limit or offset",
		    NULL);
	q->limit = limit;
	q->offset = offset;
	if (q->limit_bind == 0) {
		q->limit_bind = q_bind(q, wk_val_int(limit), WK_FIELD_BIGINT,
		    NULL, NULL);
		q->offset_bind = q_bind(q, wk_val_int(offset),
		    WK_FIELD_BIGINT, NULL, NULL);
	} else {
		q->binds[q->limit_bind - 1].v = wk_val_int(limit);
		q->binds[q->offset_bind - 1].v = wk_val_int(offset);
	}
	return q->status;
}

/* see orm.h */
int
wk_q_select_related(struct wk_query *q, const char *fk_field)
{
	const struct wk_field *f;

	if (q->status != WK_DB_OK)
		return q->status;
	f = fk_field != NULL ? wk_model_field(q->model, fk_field) : NULL;
	if (f == NULL || f->kind != WK_FIELD_FK || f->to == NULL)
		return q_fail(q, WK_DB_INVALID, "not a foreign key", fk_field);
	q->related |= (uint64_t)1 << wk_model_index(q->model, f);
	return q->status;
}

/* ---- SQL assembly ------------------------------------------------------------------ */

/*
 * The select list of model m under alias join, e.g. t."id", t."title"...
 * It depends only on the model, so it is built once per process and kept
 * (a few models per app: a small table, malloc'd, never freed).
 */
#define Q_COLS_CACHE 16

static void
q_columns(const struct wk_query *q, wk_buf *b, const struct wk_model *m,
    int join)
{
	static struct {
		const struct wk_model *m;
		int join, qualify;
		char *sql;
		size_t len;
	} cache[Q_COLS_CACHE];
	size_t i, slot = Q_COLS_CACHE;
	struct q_col c;
	wk_buf tmp;

	for (i = 0; i < Q_COLS_CACHE; i++) {
		if (cache[i].m == m && cache[i].join == join &&
		    cache[i].qualify == q->qualify) {
			wk_buf_append(b, cache[i].sql, cache[i].len);
			return;
		}
		if (cache[i].m == NULL && slot == Q_COLS_CACHE)
			slot = i;
	}
	wk_buf_init(&tmp, b->arena);
	c.join = join;
	for (i = 0; i < m->nfields; i++) {
		if (i > 0)
			wk_buf_puts(&tmp, ", ");
		c.f = &m->fields[i];
		q_colsql_final(q, &tmp, &c);
	}
	if (tmp.failed) {
		b->failed = 1;
		return;
	}
	wk_buf_append(b, tmp.data, tmp.len);
	if (slot < Q_COLS_CACHE && (cache[slot].sql = malloc(tmp.len + 1)) !=
	    NULL) {
		memcpy(cache[slot].sql, tmp.data, tmp.len + 1);
		cache[slot].len = tmp.len;
		cache[slot].join = join;
		cache[slot].qualify = q->qualify;
		cache[slot].m = m;
	}
}

/* " FROM "tbl" [AS t LEFT JOIN ...] [WHERE ...]" */
static void
q_from(struct wk_query *q, wk_buf *b, uint64_t joins)
{
	const struct wk_model *m = q->model;
	size_t i;

	q->qualify = joins != 0;
	wk_buf_puts(b, " FROM ");
	q_ident(b, m->name);
	if (q->qualify)
		wk_buf_puts(b, " AS t");
	for (i = 0; i < m->nfields && joins != 0; i++) {
		const struct wk_field *f = &m->fields[i];
		if (!(joins & ((uint64_t)1 << i)))
			continue;
		wk_buf_puts(b, " LEFT JOIN ");
		q_ident(b, f->to->name);
		wk_buf_puts(b, " AS j");
		q_num(b, i);
		wk_buf_puts(b, " ON j");
		q_num(b, i);
		wk_buf_puts(b, ".\"id\" = t.");
		q_ident(b, f->name);
	}
	if (q->where.len > 0) {
		wk_buf_puts(b, " WHERE ");
		q_append_sql(q, b, q->where.data, q->where.len);
	}
}

static void
q_tail(struct wk_query *q, wk_buf *b, int with_order)
{
	if (with_order && q->order.len > 0) {
		wk_buf_puts(b, " ORDER BY ");
		q_append_sql(q, b, q->order.data, q->order.len);
	}
	if (q->limit_bind == 0 || (q->limit < 0 && q->offset <= 0))
		return;
	/* OFFSET only when there is one: page 1 is the common case. */
	wk_buf_puts(b, " LIMIT ");
	q_param(b, q->limit_bind);
	if (q->offset > 0) {
		wk_buf_puts(b, " OFFSET ");
		q_param(b, q->offset_bind);
	}
}

/* A LIKE pattern: pre + value with \ % _ escaped + post, in the arena. */
static char *
q_like(wk_arena *a, const struct wk_qbind *qb, size_t *len)
{
	const char *s = qb->v.u.s.p;
	size_t n = qb->v.u.s.n, i, j = 0;
	char *out;

	if (n > (SIZE_MAX - 3) / 2)
		return NULL;
	out = wk_arena_alloc(a, 2 * n + 3);
	if (out == NULL)
		return NULL;
	if (qb->like_pre[0])
		out[j++] = '%';
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '%' || s[i] == '_')
			out[j++] = '\\';
		out[j++] = s[i];
	}
	if (qb->like_post[0])
		out[j++] = '%';
	out[j] = '\0';
	*len = j;
	return out;
}

static int
q_bind_value(sqlite3_stmt *st, int i, const struct wk_value *v,
    enum wk_field_kind kind)
{
	switch (v->kind) {
	case WK_VAL_NULL:
		return sqlite3_bind_null(st, i);
	case WK_VAL_BOOL:
		return sqlite3_bind_int64(st, i, v->u.b);
	case WK_VAL_INT:
		return sqlite3_bind_int64(st, i, v->u.i);
	case WK_VAL_REAL:
		return sqlite3_bind_double(st, i, v->u.r);
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		if (v->u.s.n > INT_MAX)
			return SQLITE_TOOBIG;
		if (kind == WK_FIELD_BLOB)
			return sqlite3_bind_blob(st, i, v->u.s.p,
			    (int)v->u.s.n, SQLITE_STATIC);
		return sqlite3_bind_text(st, i, v->u.s.p, (int)v->u.s.n,
		    SQLITE_STATIC);
	default:
		return SQLITE_MISMATCH;
	}
}

/* Prepare b's SQL and bind every value the statement uses. */
static int
q_prepare(struct wk_query *q, wk_buf *b, sqlite3_stmt **st, int *cached)
{
	int s, count;
	size_t i;

	if (q->status != WK_DB_OK)
		return q->status;
	if (q->depth != 0)
		return q_fail(q, WK_DB_INVALID, "a group was not closed", NULL);
	if (b->failed)
		return q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	s = wk__db_prepare(b->data, b->len, st, cached);
	if (s != WK_DB_OK)
		return s;
	count = sqlite3_bind_parameter_count(*st);
	for (i = 0; i < q->nbinds && (int)i < count; i++) {
		const struct wk_qbind *qb = &q->binds[i];
		int rc;
		if (qb->like) {
			size_t n = 0;
			char *pat = q_like(q->arena, qb, &n);
			if (pat == NULL || n > INT_MAX) {
				wk__db_release(*st, *cached);
				*st = NULL;
				return q_fail(q, WK_DB_NOMEM, "out of memory",
				    NULL);
			}
			rc = sqlite3_bind_text(*st, (int)i + 1, pat, (int)n,
			    SQLITE_STATIC);
		} else {
			rc = q_bind_value(*st, (int)i + 1, &qb->v, qb->kind);
		}
		if (rc != SQLITE_OK) {
			s = wk__db_fail(rc, "bind");
			wk__db_release(*st, *cached);
			*st = NULL;
			return s;
		}
	}
	return WK_DB_OK;
}

/* ---- reading rows --------------------------------------------------------------------- */

static int
q_is_textual(enum wk_field_kind k)
{
	return k == WK_FIELD_TEXT || k == WK_FIELD_DATE ||
	    k == WK_FIELD_DATETIME;
}

static int
q_read(wk_arena *a, const struct wk_model *m, sqlite3_stmt *st, int col0,
    void *obj)
{
	char *base = obj;
	uint64_t nulls = 0;
	size_t i;

	for (i = 0; i < m->nfields; i++) {
		const struct wk_field *f = &m->fields[i];
		int col = col0 + (int)i;
		char *p = base + f->offset;

		/* NOT NULL columns cannot be NULL; text says NULL by itself
		 * (below), so only nullable numbers need asking. */
		if ((f->flags & WK_NULL) && !q_is_textual(f->kind) &&
		    sqlite3_column_type(st, col) == SQLITE_NULL) {
			nulls |= (uint64_t)1 << i;
			continue;
		}
		switch (f->kind) {
		case WK_FIELD_INT:
		case WK_FIELD_BOOL: {
			long long ll = sqlite3_column_int64(st, col);
			int v;
			if (ll < INT_MIN || ll > INT_MAX)
				return wk__db_fail_msg(WK_DB_ERROR, "value of "
				    "%s.%s out of range", m->name, f->name);
			v = (int)ll;
			memcpy(p, &v, sizeof(v));
			break;
		}
		case WK_FIELD_BIGINT:
		case WK_FIELD_FK: {
			long long ll = sqlite3_column_int64(st, col);
			memcpy(p, &ll, sizeof(ll));
			break;
		}
		case WK_FIELD_REAL: {
			double d = sqlite3_column_double(st, col);
			memcpy(p, &d, sizeof(d));
			break;
		}
		case WK_FIELD_BLOB: {
			struct wk_blob bl;
			const void *src = sqlite3_column_blob(st, col);
			int n = sqlite3_column_bytes(st, col);
			void *copy = wk_arena_alloc(a, (size_t)n + 1);
			if (copy == NULL)
				return WK_DB_NOMEM;
			if (n > 0)
				memcpy(copy, src, (size_t)n);
			bl.data = copy;
			bl.len = (size_t)n;
			memcpy(p, &bl, sizeof(bl));
			break;
		}
		default: {
			const unsigned char *t = sqlite3_column_text(st, col);
			int n = sqlite3_column_bytes(st, col);
			char *copy;
			if (t == NULL) {
				if (sqlite3_column_type(st, col) != SQLITE_NULL)
					return WK_DB_NOMEM;
				nulls |= (uint64_t)1 << i;
				break;
			}
			copy = wk_arena_strndup(a, (const char *)t, (size_t)n);
			if (copy == NULL)
				return WK_DB_NOMEM;
			memcpy(p, &copy, sizeof(copy));
			break;
		}
		}
	}
	memcpy(base + m->nulls_offset, &nulls, sizeof(nulls));
	return WK_DB_OK;
}

static int
q_start(struct wk_query *q)
{
	wk_buf b;
	uint64_t joins = q->joins | q->related;
	const struct wk_model *m = q->model;
	size_t i;
	sqlite3_stmt *st;
	int s;

	wk_buf_init(&b, q->arena);
	q->qualify = joins != 0;
	wk_buf_puts(&b, "SELECT ");
	q_columns(q, &b, m, -1);
	for (i = 0; i < m->nfields; i++)
		if (q->related & ((uint64_t)1 << i)) {
			wk_buf_puts(&b, ", ");
			q_columns(q, &b, m->fields[i].to, (int)i);
		}
	q_from(q, &b, joins);
	q_tail(q, &b, 1);
	s = q_prepare(q, &b, &st, &q->cached);
	if (s != WK_DB_OK)
		return s;
	q->stmt = st;
	q->rows = 0;
	return WK_DB_OK;
}

/* see orm.h */
int
wk_q_next(struct wk_query *q, void **row)
{
	const struct wk_model *m = q->model;
	sqlite3_stmt *st;
	char *obj;
	size_t i;
	int s, col;

	*row = NULL;
	if (q->status != WK_DB_OK)
		return q->status;
	if (q->stmt == NULL && q->rows == 0 && (s = q_start(q)) != WK_DB_OK)
		return q->status = s;
	if (q->stmt == NULL)
		return WK_DB_DONE;
	st = q->stmt;
	s = wk__db_step(st, q->rows == 0);
	if (s != WK_DB_ROW) {
		wk_q_close(q);
		q->rows = -1;  /* finished: next calls say DONE */
		if (s != WK_DB_DONE)
			q->status = s;
		return s;
	}
	obj = wk_arena_alloc(q->arena, m->size);
	if (obj == NULL)
		goto nomem;
	memset(obj, 0, m->size);
	if ((s = q_read(q->arena, m, st, 0, obj)) != WK_DB_OK)
		goto fail;
	col = (int)m->nfields;
	for (i = 0; q->related != 0 && i < m->nfields; i++) {
		const struct wk_field *f = &m->fields[i];
		void *rel;
		if (!(q->related & ((uint64_t)1 << i)))
			continue;
		if (sqlite3_column_type(st, col) != SQLITE_NULL) {
			rel = wk_arena_alloc(q->arena, f->to->size);
			if (rel == NULL)
				goto nomem;
			memset(rel, 0, f->to->size);
			if ((s = q_read(q->arena, f->to, st, col, rel)) !=
			    WK_DB_OK)
				goto fail;
			memcpy(obj + f->rel_offset, &rel, sizeof(rel));
		}
		col += (int)f->to->nfields;
	}
	q->rows++;
	*row = obj;
	return WK_DB_ROW;
nomem:
	s = WK_DB_NOMEM;
fail:
	wk_q_close(q);
	q->status = s;
	return s;
}

/* see orm.h */
void
wk_q_close(struct wk_query *q)
{
	if (q->stmt != NULL) {
		wk__db_release(q->stmt, q->cached);
		q->stmt = NULL;
	}
}

/* see orm.h */
int
wk_q_list(struct wk_query *q, void ***rows, size_t *n)
{
	void **v = NULL, *row;
	size_t len = 0, cap = 0;
	int s;

	*rows = NULL;
	*n = 0;
	while ((s = wk_q_next(q, &row)) == WK_DB_ROW) {
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *p = wk_arena_realloc(q->arena, v,
			    cap * sizeof(*v), nc * sizeof(*v));
			if (p == NULL) {
				wk_q_close(q);
				return q->status = WK_DB_NOMEM;
			}
			v = p;
			cap = nc;
		}
		v[len++] = row;
	}
	if (s != WK_DB_DONE)
		return s;
	*rows = v;
	*n = len;
	return WK_DB_OK;
}

/* see orm.h */
int
wk_q_get(struct wk_query *q, void **row)
{
	void *first, *second;
	int s;

	*row = NULL;
	if (q->limit < 0 && q->offset <= 0 && wk_q_limit(q, 2, 0) != WK_DB_OK)
		return q->status;
	s = wk_q_next(q, &first);
	if (s == WK_DB_DONE)
		return wk__db_fail_msg(WK_DB_NOT_FOUND, "not found: no %s "
		    "matches", q->model->name);
	if (s != WK_DB_ROW)
		return s;
	s = wk_q_next(q, &second);
	wk_q_close(q);
	if (s == WK_DB_ROW)
		return wk__db_fail_msg(WK_DB_MULTIPLE, "more than one %s "
		    "matched a get", q->model->name);
	if (s != WK_DB_DONE)
		return s;
	*row = first;
	return WK_DB_OK;
}

/* Run b (one row, one column) into *out. */
static int
q_scalar(struct wk_query *q, wk_buf *b, struct wk_value *out)
{
	sqlite3_stmt *st;
	int cached, s;

	*out = wk_val_null();
	if ((s = q_prepare(q, b, &st, &cached)) != WK_DB_OK)
		return s;
	s = wk__db_step(st, 1);
	if (s == WK_DB_ROW) {
		switch (sqlite3_column_type(st, 0)) {
		case SQLITE_INTEGER:
			*out = wk_val_int(sqlite3_column_int64(st, 0));
			break;
		case SQLITE_FLOAT:
			*out = wk_val_real(sqlite3_column_double(st, 0));
			break;
		case SQLITE_NULL:
			break;
		default: {
			const unsigned char *t = sqlite3_column_text(st, 0);
			char *c = t ? wk_arena_strndup(q->arena,
			    (const char *)t,
			    (size_t)sqlite3_column_bytes(st, 0)) : NULL;
			if (c == NULL) {
				s = WK_DB_NOMEM;
				break;
			}
			*out = wk_val_str(c);
			break;
		}
		}
		if (s == WK_DB_ROW)
			s = WK_DB_OK;
	} else if (s == WK_DB_DONE) {
		s = WK_DB_OK;
	}
	wk__db_release(st, cached);
	return s;
}

/* see orm.h */
int
wk_q_count(struct wk_query *q, long long *n)
{
	struct wk_value v;
	wk_buf b;
	int s;

	*n = 0;
	wk_buf_init(&b, q->arena);
	if (q->limit_bind > 0 && (q->limit >= 0 || q->offset > 0)) {
		wk_buf_puts(&b, q->joins != 0 ? "SELECT count(*) FROM (SELECT "
		    "t.\"id\"" : "SELECT count(*) FROM (SELECT \"id\"");
		q_from(q, &b, q->joins);
		q_tail(q, &b, 1);
		wk_buf_putc(&b, ')');
	} else {
		wk_buf_puts(&b, "SELECT count(*)");
		q_from(q, &b, q->joins);
	}
	if ((s = q_scalar(q, &b, &v)) != WK_DB_OK)
		return s;
	*n = v.kind == WK_VAL_INT ? v.u.i : 0;
	return WK_DB_OK;
}

/* see orm.h */
int
wk_q_exists(struct wk_query *q, int *yes)
{
	struct wk_value v;
	wk_buf b;
	int s;

	*yes = 0;
	wk_buf_init(&b, q->arena);
	wk_buf_puts(&b, "SELECT EXISTS (SELECT 1");
	q_from(q, &b, q->joins);
	q_tail(q, &b, 0);
	wk_buf_putc(&b, ')');
	if ((s = q_scalar(q, &b, &v)) != WK_DB_OK)
		return s;
	*yes = v.kind == WK_VAL_INT && v.u.i != 0;
	return WK_DB_OK;
}

/* see orm.h */
int
wk_q_aggregate(struct wk_query *q, enum wk_agg agg, const char *field,
    struct wk_value *out)
{
	struct q_col c;
	wk_buf b;

	*out = wk_val_null();
	if (q->status != WK_DB_OK)
		return q->status;
	if ((int)agg < 0 || agg >= WK_AGG__MAX)
		return q_fail(q, WK_DB_INVALID, "unknown aggregate", NULL);
	if (field == NULL || strnlen(field, Q_MAX_NAME + 1) > Q_MAX_NAME ||
	    q_resolve(q, field, strlen(field), &c) != 0)
		return q_fail(q, WK_DB_INVALID, "unknown field", field);
	wk_buf_init(&b, q->arena);
	q->qualify = q->joins != 0;
	/* the function name comes from a constant table */
	wk_buf_puts(&b, "SELECT ");
	wk_buf_puts(&b, q_agg_names[agg]);
	wk_buf_putc(&b, '(');
	if (q->limit_bind > 0 && (q->limit >= 0 || q->offset > 0)) {
		wk_buf_puts(&b, "x) FROM (SELECT ");
		q_colsql_final(q, &b, &c);
		wk_buf_puts(&b, " AS x");
		q_from(q, &b, q->joins);
		q_tail(q, &b, 1);
		wk_buf_putc(&b, ')');
	} else {
		q_colsql_final(q, &b, &c);
		wk_buf_putc(&b, ')');
		q_from(q, &b, q->joins);
	}
	return q_scalar(q, &b, out);
}

/* see orm.h */
int
wk_q_set(struct wk_query *q, const char *field, struct wk_value v)
{
	const struct wk_field *f;
	struct wk_value nv;
	int n;

	if (q->status != WK_DB_OK)
		return q->status;
	f = field != NULL ? wk_model_field(q->model, field) : NULL;
	if (f == NULL || (f->flags & WK_PK))
		return q_fail(q, WK_DB_INVALID, "unknown or read-only field",
		    field);
	if (q_norm(f->kind, v, &nv) != 0 ||
	    (nv.kind == WK_VAL_NULL && !(f->flags & WK_NULL)))
		return q_fail(q, WK_DB_INVALID, "value does not fit field",
		    field);
	if ((n = q_bind(q, nv, f->kind, NULL, NULL)) == 0)
		return q->status;
	if (q->set.len > 0)
		wk_buf_puts(&q->set, ", ");
	q_ident(&q->set, f->name);
	wk_buf_puts(&q->set, " = ");
	q_param(&q->set, n);
	return q->status;
}

/* Writes: inside the caller's atomic block, or in one of their own. */
static int
q_write_begin(int *own)
{
	*own = 0;
	if (wk_db_depth() > 0)
		return WK_DB_OK;
	*own = 1;
	return wk_db_begin();
}

static int
q_write_end(int own, int s)
{
	if (!own)
		return s;
	if (s == WK_DB_OK)
		return wk_db_commit();
	{
		char keep[512];
		size_t n = strnlen(wk_db_last_error(), sizeof(keep) - 1);
		memcpy(keep, wk_db_last_error(), n);
		keep[n] = '\0';
		(void)wk_db_rollback();
		wk__db_fail_msg(s, "%s", keep);
	}
	return s;
}

/* Run a write statement built in b. */
static int
q_run_write(struct wk_query *q, wk_buf *b, long long *n)
{
	sqlite3_stmt *st;
	int cached, s, own;

	if (n != NULL)
		*n = 0;
	if (q->status != WK_DB_OK)
		return q->status;
	if ((s = q_write_begin(&own)) != WK_DB_OK)
		return s;
	if ((s = q_prepare(q, b, &st, &cached)) == WK_DB_OK) {
		s = wk__db_step(st, 1);
		if (s == WK_DB_DONE || s == WK_DB_ROW) {
			s = WK_DB_OK;
			if (n != NULL)
				*n = wk__db_changes();
		}
		wk__db_release(st, cached);
	}
	return q_write_end(own, s);
}

/* " WHERE ..." for UPDATE/DELETE: direct, or through the ids when joins
 * are needed. */
static void
q_write_where(struct wk_query *q, wk_buf *b)
{
	q->qualify = 0;
	if (q->joins != 0) {
		wk_buf_puts(b, " WHERE \"id\" IN (SELECT t.\"id\"");
		q_from(q, b, q->joins);
		wk_buf_putc(b, ')');
	} else if (q->where.len > 0) {
		wk_buf_puts(b, " WHERE ");
		q_append_sql(q, b, q->where.data, q->where.len);
	}
}

/* see orm.h */
int
wk_q_update(struct wk_query *q, long long *n)
{
	wk_buf b;

	if (q->status == WK_DB_OK && q->set.len == 0)
		return q_fail(q, WK_DB_INVALID, "update without wk_q_set",
		    NULL);
	wk_buf_init(&b, q->arena);
	wk_buf_puts(&b, "UPDATE ");
	q_ident(&b, q->model->name);
	wk_buf_puts(&b, " SET ");
	wk_buf_append(&b, q->set.data, q->set.len);
	q_write_where(q, &b);
	return q_run_write(q, &b, n);
}

/* see orm.h */
int
wk_q_delete(struct wk_query *q, long long *n)
{
	wk_buf b;

	wk_buf_init(&b, q->arena);
	wk_buf_puts(&b, "DELETE FROM ");
	q_ident(&b, q->model->name);
	q_write_where(q, &b);
	return q_run_write(q, &b, n);
}

/* ---- one object ---------------------------------------------------------------------- */

/* Bind field f of obj at position i. */
static int
q_bind_field(sqlite3_stmt *st, int i, const struct wk_model *m,
    const struct wk_field *f, const void *obj)
{
	const char *p = (const char *)obj + f->offset;

	if (wk_model_is_null(m, f, obj))
		return sqlite3_bind_null(st, i);
	switch (f->kind) {
	case WK_FIELD_INT:
	case WK_FIELD_BOOL: {
		int v;
		memcpy(&v, p, sizeof(v));
		return sqlite3_bind_int64(st, i, v);
	}
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK: {
		long long v;
		memcpy(&v, p, sizeof(v));
		return sqlite3_bind_int64(st, i, v);
	}
	case WK_FIELD_REAL: {
		double d;
		memcpy(&d, p, sizeof(d));
		return sqlite3_bind_double(st, i, d);
	}
	case WK_FIELD_BLOB: {
		struct wk_blob b;
		memcpy(&b, p, sizeof(b));
		if (b.len > INT_MAX)
			return SQLITE_TOOBIG;
		return sqlite3_bind_blob(st, i, b.data ? b.data : "",
		    (int)b.len, SQLITE_STATIC);
	}
	default: {
		const char *s;
		memcpy(&s, p, sizeof(s));
		return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	}
	}
}

static int
q_validate(const struct wk_model *m, const void *obj)
{
	size_t i;

	for (i = 1; i < m->nfields; i++) {
		const char *msg = wk_model_validate_field(m, &m->fields[i],
		    obj);
		if (msg != NULL)
			return wk__db_fail_msg(WK_DB_INVALID, "invalid value "
			    "for %s.%s: %s", m->name, m->fields[i].name, msg);
	}
	return WK_DB_OK;
}

/*
 * INSERT (update = 0) or UPDATE ... WHERE id (update = 1) of every field.
 * The SQL depends only on the model: built in a stack buffer each time is
 * cheap, and the statement cache does the rest.
 */
static int
q_write_object(const struct wk_model *m, const void *obj, int update,
    long long *changes)
{
	char sqlbuf[4096];
	wk_arena a;
	wk_buf b;
	sqlite3_stmt *st;
	size_t i;
	int cached, s, own, rc = SQLITE_OK;

	if ((s = q_validate(m, obj)) != WK_DB_OK)
		return s;
	wk_arena_init(&a);
	wk_buf_init(&b, &a);
	if (update) {
		wk_buf_puts(&b, "UPDATE ");
		q_ident(&b, m->name);
		wk_buf_puts(&b, " SET ");
		for (i = 1; i < m->nfields; i++) {
			if (i > 1)
				wk_buf_puts(&b, ", ");
			q_ident(&b, m->fields[i].name);
			wk_buf_puts(&b, " = ");
			q_param(&b, (int)i);
		}
		wk_buf_puts(&b, " WHERE \"id\" = ");
		q_param(&b, (int)m->nfields);
	} else {
		wk_buf_puts(&b, "INSERT INTO ");
		q_ident(&b, m->name);
		wk_buf_puts(&b, " (");
		for (i = 1; i < m->nfields; i++) {
			if (i > 1)
				wk_buf_puts(&b, ", ");
			q_ident(&b, m->fields[i].name);
		}
		wk_buf_puts(&b, ") VALUES (");
		for (i = 1; i < m->nfields; i++)
		{
			if (i > 1)
				wk_buf_puts(&b, ", ");
			q_param(&b, (int)i);
		}
		wk_buf_putc(&b, ')');
	}
	if (b.failed || b.len >= sizeof(sqlbuf)) {
		wk_arena_free(&a);
		return wk__db_fail_msg(WK_DB_NOMEM, "SQL for %s too long",
		    m->name);
	}
	memcpy(sqlbuf, b.data, b.len + 1);
	wk_arena_free(&a);

	if ((s = q_write_begin(&own)) != WK_DB_OK)
		return s;
	s = wk__db_prepare(sqlbuf, strlen(sqlbuf), &st, &cached);
	if (s == WK_DB_OK) {
		for (i = 1; i < m->nfields && rc == SQLITE_OK; i++)
			rc = q_bind_field(st, (int)i, m, &m->fields[i], obj);
		if (rc == SQLITE_OK && update)
			rc = sqlite3_bind_int64(st, (int)m->nfields,
			    wk_model_id(m, obj));
		if (rc != SQLITE_OK)
			s = wk__db_fail(rc, "bind");
		else
			s = wk__db_step(st, 1);
		if (s == WK_DB_DONE || s == WK_DB_ROW) {
			s = WK_DB_OK;
			*changes = update ? wk__db_changes() :
			    wk__db_last_id();
		}
		wk__db_release(st, cached);
	}
	return q_write_end(own, s);
}

/* see orm.h */
int
wk_orm_create(const struct wk_model *m, void *obj)
{
	long long id = 0;
	int s = q_write_object(m, obj, 0, &id);

	if (s == WK_DB_OK)
		memcpy((char *)obj + m->fields[0].offset, &id, sizeof(id));
	return s;
}

/* see orm.h */
int
wk_orm_save(const struct wk_model *m, const void *obj)
{
	long long n = 0;
	int s = q_write_object(m, obj, 1, &n);

	if (s == WK_DB_OK && n == 0)
		return wk__db_fail_msg(WK_DB_NOT_FOUND, "not found: no %s "
		    "with id %lld to save", m->name, wk_model_id(m, obj));
	return s;
}

/* see orm.h */
int
wk_orm_get(wk_arena *a, const struct wk_model *m, long long id, void **row)
{
	struct wk_query q;

	wk_q_init(&q, a, m);
	wk_q_filter(&q, "id", wk_val_int(id));
	return wk_q_get(&q, row);
}

/* see orm.h */
int
wk_orm_delete(const struct wk_model *m, long long id)
{
	struct wk_query q;
	wk_arena a;
	long long n = 0;
	int s;

	wk_arena_init(&a);
	wk_q_init(&q, &a, m);
	wk_q_filter(&q, "id", wk_val_int(id));
	s = wk_q_delete(&q, &n);
	wk_arena_free(&a);
	if (s == WK_DB_OK && n == 0)
		return wk__db_fail_msg(WK_DB_NOT_FOUND, "not found: no %s "
		    "with id %lld to delete", m->name, id);
	return s;
}

/* ---- rows as template values ------------------------------------------------------- */

struct q_objref {
	const struct wk_model *m;
	const void *obj;
};

/* see orm.h */
struct wk_value
wk_orm_field_value(const struct wk_model *m, const struct wk_field *f,
    const void *obj)
{
	const char *p = (const char *)obj + f->offset;

	if (wk_model_is_null(m, f, obj))
		return wk_val_null();
	switch (f->kind) {
	case WK_FIELD_INT: {
		int v;
		memcpy(&v, p, sizeof(v));
		return wk_val_int(v);
	}
	case WK_FIELD_BOOL: {
		int v;
		memcpy(&v, p, sizeof(v));
		return wk_val_bool(v);
	}
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK: {
		long long v;
		memcpy(&v, p, sizeof(v));
		return wk_val_int(v);
	}
	case WK_FIELD_REAL: {
		double d;
		memcpy(&d, p, sizeof(d));
		return wk_val_real(d);
	}
	case WK_FIELD_BLOB: {
		struct wk_blob b;
		memcpy(&b, p, sizeof(b));
		return wk_val_strn(b.data, b.len);
	}
	default: {
		const char *s;
		memcpy(&s, p, sizeof(s));
		return wk_val_str(s);
	}
	}
}

static int
q_obj_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct q_objref *r = self;
	const struct wk_field *f;

	if (len == 2 && memcmp(name, "pk", 2) == 0)
		name = "id";
	f = wk_model_fieldn(r->m, name, len);
	if (f == NULL)
		return 1;
	if (f->kind == WK_FIELD_FK) {
		const void *rel;
		memcpy(&rel, (const char *)r->obj + f->rel_offset,
		    sizeof(rel));
		if (rel != NULL) {
			*out = wk_orm_value(a, f->to, rel);
			return out->kind == WK_VAL_NULL ? -1 : 0;
		}
	}
	*out = wk_orm_field_value(r->m, f, r->obj);
	return 0;
}

static int
q_obj_str(const void *self, wk_buf *out)
{
	const struct q_objref *r = self;

	return wk_buf_printf(out, "%s object (%lld)", r->m->verbose_name ?
	    r->m->verbose_name : r->m->name, wk_model_id(r->m, r->obj));
}

static const struct wk_object_ops q_obj_ops = {
	.type_name = "row",
	.get = q_obj_get,
	.str = q_obj_str,
};

/* see orm.h */
struct wk_value
wk_orm_value(wk_arena *a, const struct wk_model *m, const void *obj)
{
	struct q_objref *r;

	if (obj == NULL || (r = wk_arena_alloc(a, sizeof(*r))) == NULL)
		return wk_val_null();
	r->m = m;
	r->obj = obj;
	return wk_val_object(&q_obj_ops, r);
}

/* ---- raw SQL --------------------------------------------------------------------------- */

/* see orm.h */
int
wk_raw_start_(struct wk_raw *r, wk_arena *a, const char *sql,
    const struct wk_value *vals, size_t n)
{
	sqlite3_stmt *st;
	size_t i;
	int s, rc;

	memset(r, 0, sizeof(*r));
	r->arena = a;
	s = wk__db_prepare(sql, strlen(sql), &st, &r->cached);
	if (s != WK_DB_OK)
		return r->status = s;
	if ((size_t)sqlite3_bind_parameter_count(st) != n) {
		wk__db_release(st, r->cached);
		return r->status = wk__db_fail_msg(WK_DB_INVALID, "raw SQL "
		    "has %d placeholders but %zu values were given",
		    sqlite3_bind_parameter_count(st), n);
	}
	for (i = 0; i < n; i++) {
		rc = q_bind_value(st, (int)i + 1, &vals[i], WK_FIELD_TEXT);
		if (rc != SQLITE_OK) {
			s = wk__db_fail(rc, "raw bind");
			wk__db_release(st, r->cached);
			return r->status = s;
		}
	}
	r->stmt = st;
	r->ncols = sqlite3_column_count(st);
	return WK_DB_OK;
}

/* see orm.h */
int
wk_raw_next(struct wk_raw *r)
{
	int s;

	if (r->status != WK_DB_OK)
		return r->status;
	if (r->stmt == NULL)
		return WK_DB_DONE;
	s = wk__db_step(r->stmt, r->rows == 0);
	if (s == WK_DB_ROW) {
		r->rows++;
		return s;
	}
	wk_raw_close(r);
	if (s != WK_DB_DONE)
		r->status = s;
	return s;
}

/* see orm.h */
struct wk_value
wk_raw_col(struct wk_raw *r, int i)
{
	sqlite3_stmt *st = r->stmt;
	const void *p;
	char *c;
	int n;

	if (st == NULL || i < 0 || i >= r->ncols)
		return wk_val_null();
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return wk_val_int(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return wk_val_real(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return wk_val_null();
	case SQLITE_BLOB:
		p = sqlite3_column_blob(st, i);
		break;
	default:
		p = sqlite3_column_text(st, i);
		break;
	}
	n = sqlite3_column_bytes(st, i);
	c = wk_arena_strndup(r->arena, p != NULL ? p : "", p ? (size_t)n : 0);
	return c != NULL ? wk_val_strn(c, (size_t)n) : wk_val_null();
}

/* see orm.h */
void
wk_raw_close(struct wk_raw *r)
{
	if (r->stmt != NULL) {
		wk__db_release(r->stmt, r->cached);
		r->stmt = NULL;
	}
}

/* see orm.h */
int
wk_raw_exec_(wk_arena *a, const char *sql, const struct wk_value *vals,
    size_t n, long long *changes)
{
	struct wk_raw r;
	int s, own;

	if (changes != NULL)
		*changes = 0;
	if ((s = q_write_begin(&own)) != WK_DB_OK)
		return s;
	s = wk_raw_start_(&r, a, sql, vals, n);
	if (s == WK_DB_OK) {
		while ((s = wk_raw_next(&r)) == WK_DB_ROW)
			;
		wk_raw_close(&r);
		if (s == WK_DB_DONE) {
			s = WK_DB_OK;
			if (changes != NULL)
				*changes = wk__db_changes();
		}
	}
	return q_write_end(own, s);
}
