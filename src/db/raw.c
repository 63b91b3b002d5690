/*
 * raw.c - raw SQL for what the query API cannot say (see orm.h): the SQL
 * text is the caller's constant, every value is bound, the number of
 * placeholders must match the values given, and columns come back as
 * values copied into the caller's arena.
 */
#include <string.h>

#include <sqlite3.h>

#include "wick/db/orm.h"
#include "internal.h"

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
		rc = wk__q_bind_value(st, (int)i + 1, &vals[i], WK_FIELD_TEXT);
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
	if ((s = wk__q_write_begin(&own)) != WK_DB_OK)
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
	return wk__q_write_end(own, s);
}
