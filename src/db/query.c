/*
 * query.c - building a query: names, lookups, Q groups, orderings and
 * values turned into SQL text with numbered parameters (see orm.h).
 * orm.c runs what is built here; aggregate.c builds its own SELECT from
 * the same pieces (internal.h).
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
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- errors and small helpers ------------------------------------------------------ */

/* see internal.h */
int
wk__q_fail(struct wk_query *q, int status, const char *what, const char *name)
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

/*
 * A column reference.  Columns of the model's own table are written with
 * a marker byte (Q_BASE) in front while conditions and orderings are
 * collected; q_append_sql turns it into "t." when the statement joins
 * another table and drops it otherwise.  Whether a query
 * joins is only known once it is complete, and single-table SQL without
 * qualifiers is shorter for SQLite to parse on every prepare.
 */
#define Q_BASE '\x01'

/* The join number of a column of the far model of a relation, inside
 * its EXISTS subquery (alias "r"; see q_rel_condition). */
#define Q_JOIN_REL (-2)

static void
q_colsql(const struct wk_query *q, wk_buf *b, const struct wk__q_col *c)
{
	(void)q;
	if (c->join >= 0) {
		wk_buf_putc(b, 'j');
		wk__q_num(b, (size_t)c->join);
		wk_buf_putc(b, '.');
	} else if (c->join == Q_JOIN_REL) {
		wk_buf_puts(b, "r.");
	} else if (c->join == WK__Q_JOIN_ANNOT) {
		const struct wk__q_annot *an = (const void *)c->f;
		wk_buf_append(b, an->sql, an->len);
		return;
	} else {
		wk_buf_putc(b, Q_BASE);
	}
	wk__q_ident(b, c->f->name);
}

static void q_append_sql(const struct wk_query *q, wk_buf *b, const char *p,
    size_t len);

/* see internal.h */
void
wk__q_colsql_final(const struct wk_query *q, wk_buf *b,
    const struct wk__q_col *c)
{
	if (c->join >= 0) {
		wk_buf_putc(b, 'j');
		wk__q_num(b, (size_t)c->join);
		wk_buf_putc(b, '.');
	} else if (c->join == WK__Q_JOIN_ANNOT) {
		const struct wk__q_annot *an = (const void *)c->f;
		q_append_sql(q, b, an->sql, an->len);
		return;
	} else if (q->qualify) {
		wk_buf_puts(b, "t.");
	}
	wk__q_ident(b, c->f->name);
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
		wk__q_fail(q, WK_DB_INVALID, "too many values in one query",
		    NULL);
		return 0;
	}
	if (q->nbinds == q->capbinds) {
		size_t nc = q->capbinds ? q->capbinds * 2 : 8;
		void *p = wk_arena_realloc(q->arena, q->binds,
		    q->capbinds * sizeof(*q->binds), nc * sizeof(*q->binds));
		if (p == NULL) {
			wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
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

/* An annotation of q called name (len bytes) into *c; 0 or -1. */
static int
q_resolve_annot(const struct wk_query *q, const char *name, size_t len,
    struct wk__q_col *c)
{
	const struct wk__q_annot *an;

	for (an = q->annot; an != NULL; an = an->next)
		if (an->model == q->model && strlen(an->f.name) == len &&
		    memcmp(an->f.name, name, len) == 0) {
			c->join = WK__Q_JOIN_ANNOT;
			c->f = &an->f;
			return 0;
		}
	return -1;
}

/* see internal.h */
int
wk__q_resolve(struct wk_query *q, const char *name, size_t len,
    struct wk__q_col *c)
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
			return q_resolve_annot(q, name, len, c);
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
q_colexpr(const struct wk_query *q, wk_buf *b, const struct wk__q_col *c,
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
q_nullable(const struct wk_query *q, const struct wk__q_col *c)
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
 * and the column.  0, or -1 with the query failed; with rel_ok, -2 (the
 * query not failed) when the first name is no field of the model, which
 * may then name a relation (q_rel_condition).  As in Django, a name
 * is a field before it is a part or a refused lookup: a related model's
 * field called "week" or "regex" is still found.
 */
static int
q_parse_lookup(struct wk_query *q, const char *lookup, size_t len,
    enum q_lookup *lk, enum q_part *pt, struct wk__q_col *c, int rel_ok)
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
	if (wk__q_resolve(q, lookup, plen, c) != 0) {
		/* Then "__part" at the end of what is left. */
		seg = q_last_segment(lookup, plen, &n);
		for (k = 1; seg != NULL && k < PT__MAX; k++)
			if (strlen(q_parts[k].name) == n &&
			    memcmp(seg, q_parts[k].name, n) == 0)
				break;
		if (seg != NULL && k < PT__MAX && wk__q_resolve(q, lookup,
		    (size_t)(seg - lookup) - 2, c) == 0) {
			*pt = (enum q_part)k;
		} else {
			seg = q_last_segment(lookup, len, &n);
			for (k = 0; seg != NULL && k < sizeof(q_refused) /
			    sizeof(q_refused[0]); k++)
				if (strcmp(seg, q_refused[k].name) == 0)
					return wk__q_fail(q, WK_DB_INVALID,
					    q_refused[k].why, lookup), -1;
			/* Not a field: perhaps a relation (the caller's). */
			seg = strstr(lookup, "__");
			if (rel_ok && wk_model_fieldn(q->model, lookup, seg ?
			    (size_t)(seg - lookup) : len) == NULL)
				return -2;
			return wk__q_fail(q, WK_DB_INVALID, "unknown field or "
			    "lookup", lookup), -1;
		}
	}
	if (*pt != PT_NONE) {
		if (c->f->kind != WK_FIELD_DATETIME && (q_parts[*pt].
		    datetime_only || c->f->kind != WK_FIELD_DATE))
			return wk__q_fail(q, WK_DB_INVALID, q_parts[*pt].
			    datetime_only ? "date part needs a DATETIME "
			    "field" : "date part needs a DATE or DATETIME "
			    "field", lookup), -1;
		if (!(Q_PART_LOOKUPS & (1u << *lk)))
			return wk__q_fail(q, WK_DB_INVALID, "only comparisons, "
			    "in, range and isnull may follow a date part",
			    lookup), -1;
	}
	if (c->f->kind == WK_FIELD_BLOB && *lk != LK_EXACT &&
	    *lk != LK_ISNULL)
		return wk__q_fail(q, WK_DB_INVALID, "lookup not supported on a "
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
static int q_rel_condition(struct wk_query *q, const char *lookup,
    size_t len, size_t seglen, struct wk_value v, int negate);
static int q_rel_exists(struct wk_query *q, const struct wk__rel *r,
    const char *rest, struct wk_value v, int negate);
static int q_cond_body(struct wk_query *q, const char *lookup,
    enum q_lookup lk, enum q_part pt, const struct wk__q_col *c,
    struct wk_value v, size_t nitems);

/* exact/iexact None is isnull; `in` ignores None (NULL equals nothing),
 * and nothing left is false: *lk and *v adjusted, the non-null items of
 * an `in` list counted. */
static size_t
q_null_rules(enum q_lookup *lk, struct wk_value *v)
{
	size_t i, nitems = 0;

	if (v->kind == WK_VAL_NULL && (*lk == LK_EXACT || *lk == LK_IEXACT)) {
		*lk = LK_ISNULL;
		*v = wk_val_bool(1);
	}
	if (*lk == LK_IN && v->kind == WK_VAL_LIST)
		for (i = 0; i < v->u.list->len; i++)
			nitems += v->u.list->items[i].kind != WK_VAL_NULL;
	return nitems;
}

static int
q_condition(struct wk_query *q, const char *lookup, struct wk_value v,
    int negate)
{
	size_t len, nitems, seg;
	enum q_lookup lk;
	enum q_part pt;
	struct wk__q_col c;
	wk_buf *w = &q->where;
	const char *sep;
	int guard, parsed;

	if (q->status != WK_DB_OK)
		return q->status;
	if (lookup == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "no field name", NULL);
	len = strnlen(lookup, WK__Q_MAX_NAME + 1);
	if (len == 0 || len > WK__Q_MAX_NAME)
		return wk__q_fail(q, WK_DB_INVALID, "bad field name", NULL);
	if ((parsed = q_parse_lookup(q, lookup, len, &lk, &pt, &c, 1)) != 0) {
		/* A first name that is no field may name a relation
		 * (relations.h): a many-to-many field, or a reverse one. */
		if (parsed != -2)
			return q->status;
		sep = strstr(lookup, "__");
		seg = sep != NULL ? (size_t)(sep - lookup) : len;
		return q_rel_condition(q, lookup, len, seg, v, negate);
	}
	nitems = q_null_rules(&lk, &v);
	guard = (negate ^ q->group_neg[q->depth]) && lk != LK_ISNULL &&
	    !(lk == LK_IN && nitems == 0) && q_nullable(q, &c);

	q_connect(q);
	if (negate)
		wk_buf_puts(w, "NOT (");
	else if (guard)
		wk_buf_putc(w, '(');
	if (q_cond_body(q, lookup, lk, pt, &c, v, nitems) != WK_DB_OK)
		return q->status;
	if (guard) {
		wk_buf_puts(w, " AND ");
		q_colsql(q, w, &c);
		wk_buf_puts(w, " IS NOT NULL");
	}
	if (negate || guard)
		wk_buf_putc(w, ')');
	if (w->failed)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	return q->status;
}

/* The SQL of (column c, lookup lk, value v) into q->where. */
static int
q_cond_body(struct wk_query *q, const char *lookup, enum q_lookup lk,
    enum q_part pt, const struct wk__q_col *cp, struct wk_value v,
    size_t nitems)
{
	enum wk_field_kind kind = pt != PT_NONE ? q_parts[pt].result :
	    cp->f->kind;
	struct wk__q_col c = *cp;
	struct wk_value nv;
	wk_buf *w = &q->where;
	size_t i;
	int n, n2;

	switch (lk) {
	case LK_ISNULL:
		if (v.kind != WK_VAL_BOOL && v.kind != WK_VAL_INT)
			return wk__q_fail(q, WK_DB_INVALID,
			    "isnull needs a bool", lookup);
		q_colexpr(q, w, &c, pt);
		wk_buf_puts(w, (v.kind == WK_VAL_BOOL ? v.u.b : v.u.i != 0) ?
		    " IS NULL" : " IS NOT NULL");
		break;
	case LK_IN:
	case LK_RANGE: {
		struct wk_list *l = v.kind == WK_VAL_LIST ? v.u.list : NULL;
		int first = 1;
		if (l == NULL || (lk == LK_RANGE && l->len != 2))
			return wk__q_fail(q, WK_DB_INVALID, lk == LK_IN ?
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
				return wk__q_fail(q, WK_DB_INVALID,
				    "bad value in list for", lookup);
			if ((n = q_bind(q, nv, kind, NULL, NULL)) == 0)
				return q->status;
			if (!first)
				wk_buf_puts(w, lk == LK_IN ? ", " : " AND ");
			first = 0;
			wk__q_param(w, n);
		}
		if (lk == LK_IN)
			wk_buf_putc(w, ')');
		break;
	}
	default:
		if (v.kind == WK_VAL_NULL)
			return wk__q_fail(q, WK_DB_INVALID, "null value "
			    "only with exact, iexact, isnull or in", lookup);
		if (q_lookups[lk].like_pre != NULL || lk == LK_CONTAINS ||
		    lk == LK_STARTSWITH || lk == LK_ENDSWITH) {
			/* Text matching: the value must be text. */
			if (!wk_val_is_str(&v))
				return wk__q_fail(q, WK_DB_INVALID,
				    "text lookup needs a text value", lookup);
			nv = wk_val_strn(v.u.s.p, v.u.s.n);
		} else if (q_norm(kind, v, &nv) != 0) {
			return wk__q_fail(q, WK_DB_INVALID,
			    "value does not fit field", lookup);
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
			wk__q_param(w, n);
			wk_buf_puts(w, " ESCAPE '\\'");
		} else if (lk == LK_CONTAINS) {
			wk_buf_puts(w, "instr(");
			q_colsql(q, w, &c);
			wk_buf_puts(w, ", ");
			wk__q_param(w, n);
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
			wk__q_param(w, n);
		}
		break;
	}
	return q->status;
}

/*
 * A condition across a relation ("tags__name", "posts__title__icontains",
 * "comments__author", "tags" alone for the far key): the far model's
 * field resolved on that model, the condition written inside
 *
 *   EXISTS (SELECT 1 FROM "join" AS m JOIN "far" AS r ON r."id" =
 *       m."far_col" WHERE m."our_col" = t."id" AND <cond on r>)
 *
 * (a reverse FK: FROM "far" AS r WHERE r."fk" = t."id" AND ...).  An
 * EXISTS matches each outer row once however many related rows match:
 * no DISTINCT needed, and each condition is its own subquery (Django's
 * rule for separate filter() calls on a multi-valued relation).  Under
 * an exclude it is NOT EXISTS: no related row matches.  "rel__isnull"
 * asks whether there is any related row at all.  One step only: a
 * foreign key followed from the far model is refused.
 */
static int
q_rel_condition(struct wk_query *q, const char *lookup, size_t len,
    size_t seglen, struct wk_value v, int negate)
{
	const struct wk_model *self = q->model;
	struct wk__rel r;
	char rest[WK__Q_MAX_NAME + 80];
	const char *tail = seglen < len ? lookup + seglen + 2 : "";
	size_t k, pklen;

	if (wk__rel_find(self, lookup, seglen, &r) != 0)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field or lookup",
		    lookup);
	/* "tags", "tags__in": the far model's key. */
	for (k = 0; k < LK__MAX && strcmp(tail, q_lookups[k].name) != 0; k++)
		;
	if (*tail == '\0' || k < LK__MAX) {
		pklen = strlen(r.other->fields[0].name);
		memcpy(rest, r.other->fields[0].name, pklen);
		if (*tail != '\0') {
			memcpy(rest + pklen, "__", 2);
			memcpy(rest + pklen + 2, tail, strlen(tail) + 1);
		} else {
			rest[pklen] = '\0';
		}
		if (k == LK_ISNULL) {
			/* any related row at all: isnull=1 is NOT EXISTS */
			int none;
			if (v.kind != WK_VAL_BOOL && v.kind != WK_VAL_INT)
				return wk__q_fail(q, WK_DB_INVALID,
				    "isnull needs a bool", lookup);
			none = v.kind == WK_VAL_BOOL ? v.u.b : v.u.i != 0;
			return q_rel_exists(q, &r, NULL, v, negate ^ none);
		}
	} else {
		memcpy(rest, tail, strlen(tail) + 1);
	}
	return q_rel_exists(q, &r, rest, v, negate);
}

/* see internal.h */
int
wk__q_filter_rel(struct wk_query *q, const struct wk__rel *r,
    const char *rest, struct wk_value v)
{
	return q_rel_exists(q, r, rest, v, 0);
}

/* [NOT] EXISTS (... across r [AND rest = v]); rest NULL: no condition. */
static int
q_rel_exists(struct wk_query *q, const struct wk__rel *r, const char *rest,
    struct wk_value v, int negate)
{
	const struct wk_model *self = q->model;
	uint64_t joins = q->joins;
	struct wk__q_col c;
	enum q_lookup lk;
	enum q_part pt;
	wk_buf *w = &q->where;
	size_t nitems;
	int s;

	if (q->status != WK_DB_OK)
		return q->status;
	if (rest != NULL) {
		/* the far model's field, resolved as a lookup of its own */
		q->model = r->other;
		s = q_parse_lookup(q, rest, strlen(rest), &lk, &pt, &c, 0);
		q->model = self;
		if (s != 0)
			return q->status;
		if (q->joins != joins) {
			q->joins = joins;
			return wk__q_fail(q, WK_DB_INVALID, "one step only "
			    "across a many-to-many or reverse relation", rest);
		}
		c.join = Q_JOIN_REL;
		nitems = q_null_rules(&lk, &v);
	}
	q_connect(q);
	wk_buf_puts(w, negate ? "NOT EXISTS (SELECT 1 FROM " :
	    "EXISTS (SELECT 1 FROM ");
	wk__q_ident(w, r->table);
	if (r->m2m != NULL) {
		wk_buf_puts(w, " AS m JOIN ");
		wk__q_ident(w, r->other->name);
		wk_buf_puts(w, " AS r ON r.");
		wk__q_ident(w, r->other->fields[0].name);
		wk_buf_puts(w, " = m.");
		wk__q_ident(w, r->other_col);
		wk_buf_puts(w, " WHERE m.");
	} else {
		wk_buf_puts(w, " AS r WHERE r.");
	}
	wk__q_ident(w, r->self_col);
	wk_buf_puts(w, " = ");
	wk_buf_putc(w, Q_BASE);
	wk__q_ident(w, self->fields[0].name);
	if (rest != NULL) {
		wk_buf_puts(w, " AND ");
		if (q_cond_body(q, rest, lk, pt, &c, v, nitems) != WK_DB_OK)
			return q->status;
	}
	wk_buf_putc(w, ')');
	q->joins |= WK__Q_SUBQUERY;
	if (w->failed)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
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
		return wk__q_fail(q, WK_DB_INVALID, "groups nested too deep",
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
		return wk__q_fail(q, WK_DB_INVALID, "wk_q_end without a group",
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
	struct wk__q_col c;

	if (q->status != WK_DB_OK)
		return q->status;
	if (names == NULL || strnlen(names, 1025) > 1024)
		return wk__q_fail(q, WK_DB_INVALID, "bad ordering", NULL);
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
		if (n == 0 || n > WK__Q_MAX_NAME ||
		    wk__q_resolve(q, p, n, &c) != 0)
			return wk__q_fail(q, WK_DB_INVALID, "unknown field in "
			    "ordering", names);
		if (q->order.len > 0)
			wk_buf_puts(&q->order, ", ");
		q_colsql(q, &q->order, &c);
		wk_buf_puts(&q->order, desc ? " DESC" : " ASC");
		p = *e == ',' ? e + 1 : e;
	}
	if (q->order.failed)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	return q->status;
}

/* see orm.h */
int
wk_q_limit(struct wk_query *q, long long limit, long long offset)
{
	if (q->status != WK_DB_OK)
		return q->status;
	if (limit < -1 || offset < 0)
		return wk__q_fail(q, WK_DB_INVALID, "negative limit or offset",
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
		return wk__q_fail(q, WK_DB_INVALID, "not a foreign key",
		    fk_field);
	q->related |= (uint64_t)1 << wk_model_index(q->model, f);
	return q->status;
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
		return wk__q_fail(q, WK_DB_INVALID,
		    "unknown or read-only field", field);
	if (q_norm(f->kind, v, &nv) != 0 ||
	    (nv.kind == WK_VAL_NULL && !(f->flags & WK_NULL)))
		return wk__q_fail(q, WK_DB_INVALID, "value does not fit field",
		    field);
	if ((n = q_bind(q, nv, f->kind, NULL, NULL)) == 0)
		return q->status;
	if (q->set.len > 0)
		wk_buf_puts(&q->set, ", ");
	wk__q_ident(&q->set, f->name);
	wk_buf_puts(&q->set, " = ");
	wk__q_param(&q->set, n);
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
	struct wk__q_col c;
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
		wk__q_colsql_final(q, &tmp, &c);
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

/* see internal.h */
void
wk__q_from(struct wk_query *q, wk_buf *b, uint64_t joins)
{
	const struct wk_model *m = q->model;
	size_t i;

	q->qualify = joins != 0;
	wk_buf_puts(b, " FROM ");
	wk__q_ident(b, m->name);
	if (q->qualify)
		wk_buf_puts(b, " AS t");
	for (i = 0; i < m->nfields && joins != 0; i++) {
		const struct wk_field *f = &m->fields[i];
		if (!(joins & ((uint64_t)1 << i)))
			continue;
		wk_buf_puts(b, " LEFT JOIN ");
		wk__q_ident(b, f->to->name);
		wk_buf_puts(b, " AS j");
		wk__q_num(b, i);
		wk_buf_puts(b, " ON j");
		wk__q_num(b, i);
		wk_buf_puts(b, ".\"id\" = t.");
		wk__q_ident(b, f->name);
	}
	if (q->where.len > 0) {
		wk_buf_puts(b, " WHERE ");
		q_append_sql(q, b, q->where.data, q->where.len);
	}
}

/* see internal.h */
void
wk__q_tail(struct wk_query *q, wk_buf *b, int with_order)
{
	if (with_order && q->order.len > 0) {
		wk_buf_puts(b, " ORDER BY ");
		q_append_sql(q, b, q->order.data, q->order.len);
	}
	if (q->limit_bind == 0 || (q->limit < 0 && q->offset <= 0))
		return;
	/* OFFSET only when there is one: page 1 is the common case. */
	wk_buf_puts(b, " LIMIT ");
	wk__q_param(b, q->limit_bind);
	if (q->offset > 0) {
		wk_buf_puts(b, " OFFSET ");
		wk__q_param(b, q->offset_bind);
	}
}

/* see internal.h */
void
wk__q_select_sql(struct wk_query *q, wk_buf *b)
{
	uint64_t joins = q->joins | q->related;
	const struct wk_model *m = q->model;
	size_t i;

	q->qualify = joins != 0;
	wk_buf_puts(b, "SELECT ");
	q_columns(q, b, m, -1);
	for (i = 0; i < m->nfields; i++)
		if (q->related & ((uint64_t)1 << i)) {
			wk_buf_puts(b, ", ");
			q_columns(q, b, m->fields[i].to, (int)i);
		}
	if (q->annot != NULL) {
		const struct wk__q_annot *an;
		for (an = q->annot; an != NULL; an = an->next) {
			wk_buf_puts(b, ", ");
			q_append_sql(q, b, an->sql, an->len);
		}
	}
	wk__q_from(q, b, joins);
	wk__q_tail(q, b, 1);
}

/* see internal.h */
void
wk__q_write_where(struct wk_query *q, wk_buf *b)
{
	q->qualify = 0;
	if (q->joins != 0) {
		/* the key's name: "id", or a text key's (pk.h) */
		wk_buf_puts(b, " WHERE ");
		wk__q_ident(b, q->model->fields[0].name);
		wk_buf_puts(b, " IN (SELECT t.");
		wk__q_ident(b, q->model->fields[0].name);
		wk__q_from(q, b, q->joins);
		wk_buf_putc(b, ')');
	} else if (q->where.len > 0) {
		wk_buf_puts(b, " WHERE ");
		q_append_sql(q, b, q->where.data, q->where.len);
	}
}

/* ---- pieces for expr.c (see internal.h) -------------------------------------------- */

/* see internal.h */
int
wk__q_bind(struct wk_query *q, struct wk_value v, enum wk_field_kind kind)
{
	return q_bind(q, v, kind, NULL, NULL);
}

/* see internal.h */
int
wk__q_norm(enum wk_field_kind k, struct wk_value v, struct wk_value *out)
{
	return q_norm(k, v, out);
}

/* see internal.h */
void
wk__q_connect(struct wk_query *q)
{
	q_connect(q);
}

/* see internal.h */
void
wk__q_colsql(const struct wk_query *q, wk_buf *b, const struct wk__q_col *c)
{
	q_colsql(q, b, c);
}
