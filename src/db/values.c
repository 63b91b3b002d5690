/*
 * values.c - a query read as values (see values.h): the SELECT names only
 * the chosen columns, each row becomes a map or a list of struct
 * wk_value in the query's arena.
 *
 * The names are resolved through query.c (wk__q_resolve), so they are
 * found in the metadata or refused; the WHERE, ORDER BY and LIMIT are the
 * query's own, and orm.c binds its values.  Nothing here writes a name
 * from the caller into SQL: the column text comes from the field found.
 */
#include <string.h>

#include <sqlite3.h>

#include "wick/db/values.h"
#include "internal.h"

/* The resolved columns of one values call. */
struct v_cols {
	struct wk__q_col c[WK_VALUES_MAX_FIELDS];
	const char *key[WK_VALUES_MAX_FIELDS];   /* arena copies */
	size_t n;
};

/* Resolve fields ("a,b__c", NULL = every field) into cols. */
static int
v_resolve(struct wk_query *q, const char *fields, struct v_cols *cols)
{
	const struct wk_model *m = q->model;
	const char *p, *e;
	size_t i, n;

	cols->n = 0;
	if (fields == NULL || *fields == '\0') {
		if (m->nfields > WK_VALUES_MAX_FIELDS)
			return wk__q_fail(q, WK_DB_INVALID, "too many fields",
			    NULL);
		for (i = 0; i < m->nfields; i++) {
			cols->c[i].join = -1;
			cols->c[i].f = &m->fields[i];
			cols->key[i] = m->fields[i].name;
		}
		cols->n = m->nfields;
		return WK_DB_OK;
	}
	if (strnlen(fields, 4097) > 4096)
		return wk__q_fail(q, WK_DB_INVALID, "field list too long",
		    NULL);
	for (p = fields; ; p = e + 1) {
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		n = (size_t)(e - p);
		if (cols->n >= WK_VALUES_MAX_FIELDS)
			return wk__q_fail(q, WK_DB_INVALID, "too many fields",
			    NULL);
		if (n == 2 && memcmp(p, "pk", 2) == 0) {
			cols->c[cols->n].join = -1;
			cols->c[cols->n].f = &m->fields[0];
		} else if (n == 0 || n > WK__Q_MAX_NAME ||
		    wk__q_resolve(q, p, n, &cols->c[cols->n]) != 0) {
			char name[WK__Q_MAX_NAME + 1];
			size_t k = n < WK__Q_MAX_NAME ? n : WK__Q_MAX_NAME;
			memcpy(name, p, k);
			name[k] = '\0';
			return wk__q_fail(q, WK_DB_INVALID, "unknown field in "
			    "values", name);
		}
		if ((cols->key[cols->n] = wk_arena_strndup(q->arena, p, n)) ==
		    NULL)
			return wk__q_fail(q, WK_DB_NOMEM, "out of memory",
			    NULL);
		cols->n++;
		if (*e == '\0')
			break;
	}
	return WK_DB_OK;
}

/* Column i of the current row as a value of field f's kind. */
static int
v_column(wk_arena *a, sqlite3_stmt *st, int i, const struct wk_field *f,
    struct wk_value *out)
{
	const void *p;
	int n;

	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		*out = wk_val_null();
		return WK_DB_OK;
	}
	switch (f->kind) {
	case WK_FIELD_INT:
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK:
		*out = wk_val_int(sqlite3_column_int64(st, i));
		return WK_DB_OK;
	case WK_FIELD_BOOL:
		*out = wk_val_bool(sqlite3_column_int64(st, i) != 0);
		return WK_DB_OK;
	case WK_FIELD_REAL:
		*out = wk_val_real(sqlite3_column_double(st, i));
		return WK_DB_OK;
	case WK_FIELD_BLOB:
		p = sqlite3_column_blob(st, i);
		break;
	default:
		p = sqlite3_column_text(st, i);
		break;
	}
	n = sqlite3_column_bytes(st, i);
	if (p == NULL && n > 0)
		return WK_DB_NOMEM;
	{
		char *copy = wk_arena_strndup(a, p != NULL ? p : "",
		    (size_t)n);
		if (copy == NULL)
			return WK_DB_NOMEM;
		*out = wk_val_strn(copy, (size_t)n);
	}
	return WK_DB_OK;
}

/* shape: 'm' maps, 'l' lists, 'f' flat. */
static int
v_run(struct wk_query *q, const char *fields, unsigned flags, int shape,
    struct wk_list **rows)
{
	struct v_cols cols;
	struct wk_list *out;
	sqlite3_stmt *st;
	wk_buf b;
	size_t i;
	int s, cached, first = 1;

	*rows = NULL;
	if (q->status != WK_DB_OK)
		return q->status;
	if (flags & ~(WK_VALUES_DISTINCT | WK_VALUES_FLAT))
		return wk__q_fail(q, WK_DB_INVALID, "unknown values flag",
		    NULL);
	if (shape == 'm' && (flags & WK_VALUES_FLAT))
		return wk__q_fail(q, WK_DB_INVALID, "values() has no flat "
		    "form; use wk_q_values_list", NULL);
	if (v_resolve(q, fields, &cols) != WK_DB_OK)
		return q->status;
	if (shape == 'f' && cols.n != 1)
		return wk__q_fail(q, WK_DB_INVALID, "flat values_list needs "
		    "exactly one field", fields);

	wk_buf_init(&b, q->arena);
	q->qualify = q->joins != 0;
	wk_buf_puts(&b, (flags & WK_VALUES_DISTINCT) ? "SELECT DISTINCT " :
	    "SELECT ");
	for (i = 0; i < cols.n; i++) {
		if (i > 0)
			wk_buf_puts(&b, ", ");
		wk__q_colsql_final(q, &b, &cols.c[i]);
	}
	wk__q_from(q, &b, q->joins);
	wk__q_tail(q, &b, 1);
	if ((s = wk__q_prepare(q, &b, &st, &cached)) != WK_DB_OK)
		return s;
	if ((out = wk_list_new(q->arena)) == NULL) {
		wk__db_release(st, cached);
		return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
	}
	while ((s = wk__db_step(st, first)) == WK_DB_ROW) {
		struct wk_value row, v;
		struct wk_map *map = NULL;
		struct wk_list *tuple = NULL;
		first = 0;
		if (shape == 'm' && (map = wk_map_new(q->arena)) == NULL)
			goto nomem;
		if (shape == 'l' && (tuple = wk_list_new(q->arena)) == NULL)
			goto nomem;
		row = wk_val_null();
		for (i = 0; i < cols.n; i++) {
			if ((s = v_column(q->arena, st, (int)i, cols.c[i].f,
			    &v)) != WK_DB_OK)
				goto fail;
			if (shape == 'f')
				row = v;
			else if (shape == 'l' ? wk_list_push(q->arena, tuple,
			    v) != 0 : wk_map_set(q->arena, map, cols.key[i],
			    v) != 0)
				goto nomem;
		}
		if (shape == 'm')
			row = wk_val_map(map);
		else if (shape == 'l')
			row = wk_val_list(tuple);
		if (wk_list_push(q->arena, out, row) != 0)
			goto nomem;
	}
	wk__db_release(st, cached);
	if (s != WK_DB_DONE)
		return q->status = s;
	*rows = out;
	return WK_DB_OK;
nomem:
	s = WK_DB_NOMEM;
fail:
	wk__db_release(st, cached);
	return wk__q_fail(q, s, "reading values", NULL);
}

/* see values.h */
int
wk_q_values(struct wk_query *q, const char *fields, unsigned flags,
    struct wk_list **rows)
{
	return v_run(q, fields, flags, 'm', rows);
}

/* see values.h */
int
wk_q_values_list(struct wk_query *q, const char *fields, unsigned flags,
    struct wk_list **rows)
{
	return v_run(q, fields, flags, (flags & WK_VALUES_FLAT) ? 'f' : 'l',
	    rows);
}
