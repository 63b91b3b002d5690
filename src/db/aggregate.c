/*
 * aggregate.c - one value from a query (see orm.h): count, exists and the
 * aggregates sum / min / max / avg / count of a field.  The SELECT is
 * built from query.c's pieces around the query's own WHERE (and its
 * LIMIT, as a subquery), prepared and bound by orm.c, and its one row and
 * one column read here.
 */
#include <string.h>

#include <sqlite3.h>

#include "wick/db/orm.h"
#include "wick/db/relations.h"
#include "internal.h"

static const char *const q_agg_names[WK_AGG__MAX] = {
	[WK_AGG_COUNT] = "count",
	[WK_AGG_SUM] = "sum",
	[WK_AGG_MIN] = "min",
	[WK_AGG_MAX] = "max",
	[WK_AGG_AVG] = "avg",
};

/* Run b (one row, one column) into *out. */
static int
q_scalar(struct wk_query *q, wk_buf *b, struct wk_value *out)
{
	sqlite3_stmt *st;
	int cached, s;

	*out = wk_val_null();
	if ((s = wk__q_prepare(q, b, &st, &cached)) != WK_DB_OK)
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
		    "t." : "SELECT count(*) FROM (SELECT ");
		wk__q_ident(&b, q->model->fields[0].name);  /* "id" or a text
		                                              key (pk.h) */
		wk__q_from(q, &b, q->joins);
		wk__q_tail(q, &b, 1);
		wk_buf_putc(&b, ')');
	} else {
		wk_buf_puts(&b, "SELECT count(*)");
		wk__q_from(q, &b, q->joins);
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
	wk__q_from(q, &b, q->joins);
	wk__q_tail(q, &b, 0);
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
	struct wk__q_col c;
	wk_buf b;

	*out = wk_val_null();
	if (q->status != WK_DB_OK)
		return q->status;
	if ((int)agg < 0 || agg >= WK_AGG__MAX)
		return wk__q_fail(q, WK_DB_INVALID, "unknown aggregate", NULL);
	if (field == NULL ||
	    strnlen(field, WK__Q_MAX_NAME + 1) > WK__Q_MAX_NAME ||
	    wk__q_resolve(q, field, strlen(field), &c) != 0)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field", field);
	wk_buf_init(&b, q->arena);
	q->qualify = q->joins != 0;
	/* the function name comes from a constant table */
	wk_buf_puts(&b, "SELECT ");
	wk_buf_puts(&b, q_agg_names[agg]);
	wk_buf_putc(&b, '(');
	if (q->limit_bind > 0 && (q->limit >= 0 || q->offset > 0)) {
		wk_buf_puts(&b, "x) FROM (SELECT ");
		wk__q_colsql_final(q, &b, &c);
		wk_buf_puts(&b, " AS x");
		wk__q_from(q, &b, q->joins);
		wk__q_tail(q, &b, 1);
		wk_buf_putc(&b, ')');
	} else {
		wk__q_colsql_final(q, &b, &c);
		wk_buf_putc(&b, ')');
		wk__q_from(q, &b, q->joins);
	}
	return q_scalar(q, &b, out);
}

/* see internal.h */
const char *
wk__q_agg_name(enum wk_agg agg)
{
	return (int)agg >= 0 && agg < WK_AGG__MAX ? q_agg_names[agg] : NULL;
}

/* An alias: [a-z0-9_], not starting with a digit, no "__", < 64 bytes. */
static int
q_alias_ok(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9') ||
	    strstr(s, "__") != NULL || strnlen(s, 64) >= 64)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* see relations.h */
int
wk_q_annotate(struct wk_query *q, const char *alias, enum wk_agg agg,
    const char *path)
{
	const struct wk_field *f = NULL;
	struct wk__q_annot *an, **tail;
	struct wk__q_col base;
	struct wk__rel r;
	const char *sep;
	size_t len, seg;
	wk_buf b;

	if (q->status != WK_DB_OK)
		return q->status;
	if (wk__q_agg_name(agg) == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "unknown aggregate", NULL);
	if (!q_alias_ok(alias) || wk_model_field(q->model, alias) != NULL ||
	    wk__q_resolve(q, alias, strlen(alias), &base) == 0)
		return wk__q_fail(q, WK_DB_INVALID, "bad or taken annotation "
		    "name", alias);
	len = path != NULL ? strnlen(path, WK__Q_MAX_NAME + 1) : 0;
	if (len == 0 || len > WK__Q_MAX_NAME)
		return wk__q_fail(q, WK_DB_INVALID, "no relation to annotate",
		    NULL);
	sep = strstr(path, "__");
	seg = sep != NULL ? (size_t)(sep - path) : len;
	if (wk__rel_find(q->model, path, seg, &r) != 0)
		return wk__q_fail(q, WK_DB_INVALID, "not a many-to-many or "
		    "reverse relation", path);
	if (sep != NULL && (f = wk_model_field(r.other, sep + 2)) == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field of the "
		    "related model", path);
	if (f == NULL && agg != WK_AGG_COUNT)
		return wk__q_fail(q, WK_DB_INVALID, "only Count may go without "
		    "a field (\"comments__likes\")", path);
	if ((an = wk_arena_alloc(q->arena, sizeof(*an))) == NULL)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	memset(an, 0, sizeof(*an));
	an->model = q->model;
	an->f.name = wk_arena_strndup(q->arena, alias, strlen(alias));
	an->f.kind = agg == WK_AGG_COUNT ? WK_FIELD_BIGINT : agg ==
	    WK_AGG_AVG ? WK_FIELD_REAL : f->kind == WK_FIELD_INT ||
	    f->kind == WK_FIELD_BOOL || f->kind == WK_FIELD_FK ?
	    WK_FIELD_BIGINT : f->kind;
	an->f.flags = agg == WK_AGG_COUNT ? 0u : WK_NULL;  /* no rows: NULL */

	/* (SELECT count(r."x") FROM "join" AS m [JOIN "far" AS r ON ...]
	 *  WHERE m."ours" = <t>."id") - or FROM "far" AS r for a reverse FK */
	wk_buf_init(&b, q->arena);
	wk_buf_puts(&b, "(SELECT ");
	wk_buf_puts(&b, wk__q_agg_name(agg));
	wk_buf_putc(&b, '(');
	if (f != NULL) {
		wk_buf_puts(&b, "r.");
		wk__q_ident(&b, f->name);
	} else {
		wk_buf_putc(&b, '*');
	}
	wk_buf_puts(&b, ") FROM ");
	wk__q_ident(&b, r.table);
	if (r.m2m != NULL) {
		wk_buf_puts(&b, " AS m");
		if (f != NULL) {
			wk_buf_puts(&b, " JOIN ");
			wk__q_ident(&b, r.other->name);
			wk_buf_puts(&b, " AS r ON r.");
			wk__q_ident(&b, r.other->fields[0].name);
			wk_buf_puts(&b, " = m.");
			wk__q_ident(&b, r.other_col);
		}
		wk_buf_puts(&b, " WHERE m.");
	} else {
		wk_buf_puts(&b, " AS r WHERE r.");
	}
	wk__q_ident(&b, r.self_col);
	wk_buf_puts(&b, " = ");
	base.join = -1;
	base.f = &q->model->fields[0];
	wk__q_colsql(q, &b, &base);
	wk_buf_putc(&b, ')');
	if (b.failed || an->f.name == NULL)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	an->sql = b.data;
	an->len = b.len;
	for (tail = &q->annot; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = an;
	q->joins |= WK__Q_SUBQUERY;
	return q->status;
}
