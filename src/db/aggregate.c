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
