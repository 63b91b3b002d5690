/*
 * expr.c - F() expressions (see expr.h): SET "a" = "b" + ?n in an UPDATE,
 * "a" > "b" in a WHERE.  Both sides are fields found in the metadata
 * through query.c's resolver; numbers are bound; the operators come from
 * the table below.  The pieces go into the query's own SET and WHERE
 * buffers, so wk_q_update, wk_q_next and the rest run them unchanged.
 */
#include <string.h>

#include "wick/db/expr.h"
#include "internal.h"

/* The arithmetic an update may write, by the caller's character. */
static const struct {
	char op;
	const char *sql;
} f_ops[] = {
	{ '+', " + " },
	{ '-', " - " },
	{ '*', " * " },
};

/* The comparisons of two columns. */
static const struct {
	const char *name;
	const char *sql;
} f_cmps[] = {
	{ "exact", " = " },
	{ "gt", " > " },
	{ "gte", " >= " },
	{ "lt", " < " },
	{ "lte", " <= " },
};

static const char *
f_op_sql(char op)
{
	size_t i;

	for (i = 0; i < sizeof(f_ops) / sizeof(f_ops[0]); i++)
		if (f_ops[i].op == op)
			return f_ops[i].sql;
	return NULL;
}

static int
f_is_number(const struct wk_field *f)
{
	return f->kind == WK_FIELD_INT || f->kind == WK_FIELD_BIGINT ||
	    f->kind == WK_FIELD_REAL;
}

/* A field of the model's own table (updates name no joined column). */
static const struct wk_field *
f_own(struct wk_query *q, const char *name)
{
	if (name == NULL || strnlen(name, WK__Q_MAX_NAME + 1) > WK__Q_MAX_NAME)
		return NULL;
	return wk_model_field(q->model, name);
}

/* Start "field" = in q->set, checking the target. */
static const struct wk_field *
f_target(struct wk_query *q, const char *field)
{
	const struct wk_field *f = f_own(q, field);

	if (f == NULL || (f->flags & WK_PK)) {
		wk__q_fail(q, WK_DB_INVALID, "unknown or read-only field",
		    field);
		return NULL;
	}
	return f;
}

static void
f_set_start(struct wk_query *q, const struct wk_field *f)
{
	if (q->set.len > 0)
		wk_buf_puts(&q->set, ", ");
	wk__q_ident(&q->set, f->name);
	wk_buf_puts(&q->set, " = ");
}

/* see expr.h */
int
wk_q_set_f(struct wk_query *q, const char *field, const char *other,
    char op, struct wk_value v)
{
	const struct wk_field *f, *o;
	const char *sql = NULL;
	struct wk_value nv;
	int n = 0;

	if (q->status != WK_DB_OK)
		return q->status;
	if ((f = f_target(q, field)) == NULL)
		return q->status;
	if ((o = f_own(q, other)) == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field in "
		    "expression", other);
	if (op == 0) {
		if (o->kind != f->kind && !(f_is_number(f) && f_is_number(o)))
			return wk__q_fail(q, WK_DB_INVALID, "fields of "
			    "different kinds", other);
	} else {
		if ((sql = f_op_sql(op)) == NULL)
			return wk__q_fail(q, WK_DB_INVALID, "unknown operator "
			    "(+, -, * only)", field);
		if (!f_is_number(f) || !f_is_number(o))
			return wk__q_fail(q, WK_DB_INVALID, "arithmetic needs "
			    "number fields", field);
		if (v.kind == WK_VAL_NULL || wk__q_norm(f->kind ==
		    WK_FIELD_REAL ? WK_FIELD_REAL : WK_FIELD_BIGINT, v,
		    &nv) != 0)
			return wk__q_fail(q, WK_DB_INVALID, "value does not "
			    "fit field", field);
		if ((n = wk__q_bind(q, nv, f->kind)) == 0)
			return q->status;
	}
	f_set_start(q, f);
	wk__q_ident(&q->set, o->name);
	if (sql != NULL) {
		wk_buf_puts(&q->set, sql);
		wk__q_param(&q->set, n);
	}
	if (q->set.failed)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	return q->status;
}

/* see expr.h */
int
wk_q_set_ff(struct wk_query *q, const char *field, const char *a, char op,
    const char *b)
{
	const struct wk_field *f, *fa, *fb;
	const char *sql;

	if (q->status != WK_DB_OK)
		return q->status;
	if ((f = f_target(q, field)) == NULL)
		return q->status;
	if ((fa = f_own(q, a)) == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field in "
		    "expression", a);
	if ((fb = f_own(q, b)) == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field in "
		    "expression", b);
	if ((sql = f_op_sql(op)) == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "unknown operator "
		    "(+, -, * only)", field);
	if (!f_is_number(f) || !f_is_number(fa) || !f_is_number(fb))
		return wk__q_fail(q, WK_DB_INVALID, "arithmetic needs number "
		    "fields", field);
	f_set_start(q, f);
	wk__q_ident(&q->set, fa->name);
	wk_buf_puts(&q->set, sql);
	wk__q_ident(&q->set, fb->name);
	if (q->set.failed)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	return q->status;
}

/* A side that can read NULL: a WK_NULL field, or any joined one. */
static int
f_nullable(const struct wk__q_col *c)
{
	return c->join >= 0 || (c->f->flags & WK_NULL);
}

/* see expr.h */
int
wk_q_filter_f(struct wk_query *q, const char *lookup, const char *other)
{
	struct wk__q_col a, b;
	const char *cmp = " = ";
	size_t len, i, plen;
	wk_buf *w = &q->where;
	int guard;

	if (q->status != WK_DB_OK)
		return q->status;
	if (lookup == NULL || other == NULL)
		return wk__q_fail(q, WK_DB_INVALID, "no field name", NULL);
	len = strnlen(lookup, WK__Q_MAX_NAME + 1);
	if (len == 0 || len > WK__Q_MAX_NAME)
		return wk__q_fail(q, WK_DB_INVALID, "bad field name", NULL);
	plen = len;
	for (i = 0; i < sizeof(f_cmps) / sizeof(f_cmps[0]); i++) {
		size_t n = strlen(f_cmps[i].name);
		if (len > n + 2 && memcmp(lookup + len - n, f_cmps[i].name,
		    n) == 0 && memcmp(lookup + len - n - 2, "__", 2) == 0) {
			cmp = f_cmps[i].sql;
			plen = len - n - 2;
			break;
		}
	}
	if (wk__q_resolve(q, lookup, plen, &a) != 0)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field or lookup "
		    "(F comparisons: exact, gt, gte, lt, lte)", lookup);
	if (strnlen(other, WK__Q_MAX_NAME + 1) > WK__Q_MAX_NAME ||
	    wk__q_resolve(q, other, strlen(other), &b) != 0)
		return wk__q_fail(q, WK_DB_INVALID, "unknown field in "
		    "expression", other);
	if (a.f->kind == WK_FIELD_BLOB || b.f->kind == WK_FIELD_BLOB)
		return wk__q_fail(q, WK_DB_INVALID, "blobs are not compared",
		    lookup);
	guard = q->group_neg[q->depth] && (f_nullable(&a) || f_nullable(&b));
	wk__q_connect(q);
	if (guard)
		wk_buf_putc(w, '(');
	wk__q_colsql(q, w, &a);
	wk_buf_puts(w, cmp);
	wk__q_colsql(q, w, &b);
	if (guard) {
		wk_buf_puts(w, " AND ");
		wk__q_colsql(q, w, &a);
		wk_buf_puts(w, " IS NOT NULL AND ");
		wk__q_colsql(q, w, &b);
		wk_buf_puts(w, " IS NOT NULL)");
	}
	if (w->failed)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	return q->status;
}
