/*
 * orm.c - running queries (see orm.h): a built query prepared with its
 * values bound, its rows read into model structs in the caller's arena,
 * UPDATE and DELETE of what a query matches, and one object created,
 * saved, fetched or deleted by id.
 *
 * The SQL comes from query.c (internal.h); this file only prepares it
 * through db.c's statement cache and binds values, so nothing here puts a
 * value into SQL text.  Writes run inside the caller's atomic block, or
 * in one of their own.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "wick/db/orm.h"
#include "internal.h"

/* ---- preparing and binding ------------------------------------------------------------ */

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

/* see internal.h */
int
wk__q_bind_value(sqlite3_stmt *st, int i, const struct wk_value *v,
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

/* see internal.h */
int
wk__q_prepare(struct wk_query *q, wk_buf *b, sqlite3_stmt **st, int *cached)
{
	int s, count;
	size_t i;

	if (q->status != WK_DB_OK)
		return q->status;
	if (q->depth != 0)
		return wk__q_fail(q, WK_DB_INVALID, "a group was not closed",
		    NULL);
	if (b->failed)
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
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
				return wk__q_fail(q, WK_DB_NOMEM,
				    "out of memory", NULL);
			}
			rc = sqlite3_bind_text(*st, (int)i + 1, pat, (int)n,
			    SQLITE_STATIC);
		} else {
			rc = wk__q_bind_value(*st, (int)i + 1, &qb->v,
			    qb->kind);
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

/* The annotations' columns (from col on) onto row obj, as wk_prefetched
 * entries with a value (wk_q_annotate, relations.h). */
static int
q_read_annots(struct wk_query *q, sqlite3_stmt *st, int col, char *obj)
{
	const struct wk__q_annot *an;
	struct wk_prefetched *p, *last = NULL;

	for (an = q->annot; an != NULL; an = an->next, col++) {
		if ((p = wk_arena_alloc(q->arena, sizeof(*p))) == NULL)
			return WK_DB_NOMEM;
		memset(p, 0, sizeof(*p));
		p->name = an->f.name;
		switch (sqlite3_column_type(st, col)) {
		case SQLITE_INTEGER:
			p->value = wk_val_int(sqlite3_column_int64(st, col));
			break;
		case SQLITE_FLOAT:
			p->value = wk_val_real(sqlite3_column_double(st, col));
			break;
		case SQLITE_NULL:
			p->value = wk_val_null();
			break;
		default: {
			const unsigned char *t = sqlite3_column_text(st, col);
			char *c = t ? wk_arena_strndup(q->arena, (const char *)t,
			    (size_t)sqlite3_column_bytes(st, col)) : NULL;
			if (c == NULL)
				return WK_DB_NOMEM;
			p->value = wk_val_str(c);
			break;
		}
		}
		/* in declaration order, ahead of any prefetched sets */
		if (last == NULL)
			memcpy(obj + q->model->prefetch_offset, &p, sizeof(p));
		else
			last->next = p;
		last = p;
	}
	return WK_DB_OK;
}

static int
q_start(struct wk_query *q)
{
	wk_buf b;
	sqlite3_stmt *st;
	int s;

	wk_buf_init(&b, q->arena);
	wk__q_select_sql(q, &b);
	s = wk__q_prepare(q, &b, &st, &q->cached);
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
	if (q->annot != NULL && (s = q_read_annots(q, st, col, obj)) !=
	    WK_DB_OK)
		goto fail;
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
	if (q->after_list != NULL && len > 0 &&
	    (s = q->after_list(q, v, len)) != WK_DB_OK)
		return q->status = s;
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

/* ---- writes through a query ----------------------------------------------------------- */

/* see internal.h */
int
wk__q_write_begin(int *own)
{
	*own = 0;
	if (wk_db_depth() > 0)
		return WK_DB_OK;
	*own = 1;
	return wk_db_begin();
}

/* see internal.h */
int
wk__q_write_end(int own, int s)
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
	if ((s = wk__q_write_begin(&own)) != WK_DB_OK)
		return s;
	if ((s = wk__q_prepare(q, b, &st, &cached)) == WK_DB_OK) {
		s = wk__db_step(st, 1);
		if (s == WK_DB_DONE || s == WK_DB_ROW) {
			s = WK_DB_OK;
			if (n != NULL)
				*n = wk__db_changes();
		}
		wk__db_release(st, cached);
	}
	return wk__q_write_end(own, s);
}

/* see orm.h */
int
wk_q_update(struct wk_query *q, long long *n)
{
	wk_buf b;

	if (q->status == WK_DB_OK && q->set.len == 0)
		return wk__q_fail(q, WK_DB_INVALID, "update without wk_q_set",
		    NULL);
	wk_buf_init(&b, q->arena);
	wk_buf_puts(&b, "UPDATE ");
	wk__q_ident(&b, q->model->name);
	wk_buf_puts(&b, " SET ");
	wk_buf_append(&b, q->set.data, q->set.len);
	wk__q_write_where(q, &b);
	return q_run_write(q, &b, n);
}

/* see orm.h */
int
wk_q_delete(struct wk_query *q, long long *n)
{
	wk_buf b;

	wk_buf_init(&b, q->arena);
	wk_buf_puts(&b, "DELETE FROM ");
	wk__q_ident(&b, q->model->name);
	wk__q_write_where(q, &b);
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
 * The SQL of a whole-object write into b: the INSERT of fields[first..]
 * (first = 1 when the database makes the `id`, 0 when the key is the
 * program's, pk.h), or the UPDATE of fields[1..] found by fields[0].
 * Parameters are numbered from 1 in that order.
 */
static void
q_write_sql(wk_buf *b, const struct wk_model *m, int update, size_t first)
{
	size_t i;
	int k = 0;

	if (update) {
		wk_buf_puts(b, "UPDATE ");
		wk__q_ident(b, m->name);
		wk_buf_puts(b, " SET ");
		for (i = 1; i < m->nfields; i++) {
			if (i > 1)
				wk_buf_puts(b, ", ");
			wk__q_ident(b, m->fields[i].name);
			wk_buf_puts(b, " = ");
			wk__q_param(b, ++k);
		}
		wk_buf_puts(b, " WHERE ");
		wk__q_ident(b, m->fields[0].name);
		wk_buf_puts(b, " = ");
		wk__q_param(b, ++k);
		return;
	}
	wk_buf_puts(b, "INSERT INTO ");
	wk__q_ident(b, m->name);
	wk_buf_puts(b, " (");
	for (i = first; i < m->nfields; i++) {
		if (i > first)
			wk_buf_puts(b, ", ");
		wk__q_ident(b, m->fields[i].name);
	}
	wk_buf_puts(b, ") VALUES (");
	for (i = first; i < m->nfields; i++) {
		if (i > first)
			wk_buf_puts(b, ", ");
		wk__q_param(b, ++k);
	}
	wk_buf_putc(b, ')');
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
	q_write_sql(&b, m, update, 1);
	if (b.failed || b.len >= sizeof(sqlbuf)) {
		wk_arena_free(&a);
		return wk__db_fail_msg(WK_DB_NOMEM, "SQL for %s too long",
		    m->name);
	}
	memcpy(sqlbuf, b.data, b.len + 1);
	wk_arena_free(&a);

	if ((s = wk__q_write_begin(&own)) != WK_DB_OK)
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
	return wk__q_write_end(own, s);
}

/*
 * A model with a text or UUID key (pk.h): its key is the program's, so
 * the INSERT writes it with the other fields and the UPDATE finds the
 * row by it.  Every field, the key too, is validated (create has made a
 * UUID key first).  Kept apart from q_write_object so that `id` models
 * run exactly the code they always did.
 */
static int
q_write_text_key(const struct wk_model *m, const void *obj, int update)
{
	const struct wk_field *pk = &m->fields[0];
	wk_arena a;
	wk_buf b;
	sqlite3_stmt *st;
	size_t i;
	int cached, s, own, k = 0, rc = SQLITE_OK;

	for (i = 0; i < m->nfields; i++) {
		const char *msg = wk_model_validate_field(m, &m->fields[i],
		    obj);
		if (msg != NULL)
			return wk__db_fail_msg(WK_DB_INVALID, "invalid value "
			    "for %s.%s: %s", m->name, m->fields[i].name, msg);
	}
	wk_arena_init(&a);
	wk_buf_init(&b, &a);
	q_write_sql(&b, m, update, 0);
	if (b.failed) {
		wk_arena_free(&a);
		return wk__db_fail_msg(WK_DB_NOMEM, "SQL for %s: out of memory",
		    m->name);
	}
	if ((s = wk__q_write_begin(&own)) != WK_DB_OK) {
		wk_arena_free(&a);
		return s;
	}
	s = wk__db_prepare(b.data, b.len, &st, &cached);
	wk_arena_free(&a);
	if (s == WK_DB_OK) {
		for (i = update ? 1 : 0; i < m->nfields && rc == SQLITE_OK;
		    i++)
			rc = q_bind_field(st, ++k, m, &m->fields[i], obj);
		if (rc == SQLITE_OK && update)
			rc = q_bind_field(st, ++k, m, pk, obj);
		s = rc != SQLITE_OK ? wk__db_fail(rc, "bind") :
		    wk__db_step(st, 1);
		if (s == WK_DB_DONE || s == WK_DB_ROW) {
			s = WK_DB_OK;
			if (update && wk__db_changes() == 0)
				s = wk__db_fail_msg(WK_DB_NOT_FOUND, "not "
				    "found: no %s with %s '%.80s' to save",
				    m->name, pk->name,
				    wk_model_pk_text(m, obj));
		}
		wk__db_release(st, cached);
	}
	return wk__q_write_end(own, s);
}

/* see orm.h */
int
wk_orm_create(const struct wk_model *m, void *obj)
{
	long long id = 0;
	int s;

	if (wk_model_text_pk(m)) {  /* pk.h: the key is the program's */
		if ((s = wk__pk_make(m, obj)) != WK_DB_OK)
			return s;
		return q_write_text_key(m, obj, 0);
	}
	s = q_write_object(m, obj, 0, &id);

	if (s == WK_DB_OK)
		memcpy((char *)obj + m->fields[0].offset, &id, sizeof(id));
	return s;
}

/* see orm.h */
int
wk_orm_save(const struct wk_model *m, const void *obj)
{
	long long n = 0;
	int s;

	if (wk_model_text_pk(m))
		return q_write_text_key(m, obj, 1);
	s = q_write_object(m, obj, 1, &n);

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

/* ---- pieces for bulk.c (see internal.h) -------------------------------------------- */

/* see internal.h */
int
wk__q_bind_field(sqlite3_stmt *st, int i, const struct wk_model *m,
    const struct wk_field *f, const void *obj)
{
	return q_bind_field(st, i, m, f, obj);
}
