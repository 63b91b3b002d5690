/*
 * bulk.c - get_or_create, update_or_create and bulk_create (see bulk.h):
 * the ORM's single-row calls of orm.c put together in one atomic block,
 * and many rows inserted through one prepared statement.
 *
 * The atomic block is always our own wk_db_begin: BEGIN IMMEDIATE at
 * depth 0, a SAVEPOINT inside the caller's block, so a failed insert can
 * be undone without undoing what the caller did before it.
 */
#include <string.h>

#include <sqlite3.h>

#include "wick/db/bulk.h"
#include "internal.h"

/* Roll back the innermost block, keeping the error message of s. */
static int
b_rollback(int s)
{
	char keep[512];
	size_t n = strnlen(wk_db_last_error(), sizeof(keep) - 1);

	memcpy(keep, wk_db_last_error(), n);
	keep[n] = '\0';
	(void)wk_db_rollback();
	wk__db_fail_msg(s, "%s", keep);
	return s;
}

/* Let q run again (wk_q_get leaves it finished). */
static void
b_rewind(struct wk_query *q)
{
	wk_q_close(q);
	q->rows = 0;
}

/* The bytes of a field's member, by kind (FK: the id only). */
static size_t
b_member_size(enum wk_field_kind k)
{
	switch (k) {
	case WK_FIELD_INT:
	case WK_FIELD_BOOL:
		return sizeof(int);
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK:
		return sizeof(long long);
	case WK_FIELD_REAL:
		return sizeof(double);
	case WK_FIELD_BLOB:
		return sizeof(struct wk_blob);
	default:
		return sizeof(const char *);
	}
}

/* Copy field f (value and NULL bit) from src to dst. */
static void
b_copy_field(const struct wk_model *m, const struct wk_field *f, void *dst,
    const void *src)
{
	uint64_t dn, sn, bit = (uint64_t)1 << wk_model_index(m, f);

	memcpy((char *)dst + f->offset, (const char *)src + f->offset,
	    b_member_size(f->kind));
	memcpy(&dn, (char *)dst + m->nulls_offset, sizeof(dn));
	memcpy(&sn, (const char *)src + m->nulls_offset, sizeof(sn));
	dn = (dn & ~bit) | (sn & bit);
	memcpy((char *)dst + m->nulls_offset, &dn, sizeof(dn));
}

/* Copy the fields named in list (NULL = all but the key) from obj to row. */
static int
b_copy_fields(struct wk_query *q, const char *list, void *row,
    const void *obj)
{
	const struct wk_model *m = q->model;
	const struct wk_field *f;
	const char *p, *e;
	size_t i;

	if (list == NULL) {
		for (i = 0; i < m->nfields; i++)
			if (!(m->fields[i].flags & WK_PK))
				b_copy_field(m, &m->fields[i], row, obj);
		return WK_DB_OK;
	}
	for (p = list; ; p = e + 1) {
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		f = wk_model_fieldn(m, p, (size_t)(e - p));
		if (f == NULL || (f->flags & WK_PK))
			return wk__db_fail_msg(WK_DB_INVALID, "update_or_create"
			    ": unknown or read-only field '%.80s' of %s", p,
			    m->name);
		b_copy_field(m, f, row, obj);
		if (*e == '\0')
			break;
	}
	return WK_DB_OK;
}

/* Check every name of list before anything is written. */
static int
b_check_fields(const struct wk_model *m, const char *list)
{
	const struct wk_field *f;
	const char *p, *e;

	if (list == NULL)
		return WK_DB_OK;
	for (p = list; ; p = e + 1) {
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		f = wk_model_fieldn(m, p, (size_t)(e - p));
		if (f == NULL || (f->flags & WK_PK))
			return wk__db_fail_msg(WK_DB_INVALID, "update_or_create"
			    ": unknown or read-only field '%.*s' of %s",
			    (int)((e - p) > 80 ? 80 : (e - p)), p, m->name);
		if (*e == '\0')
			break;
	}
	return WK_DB_OK;
}

/*
 * Create obj in a block of its own; on a unique violation undo it and
 * get again.  The caller holds no statement of q.
 */
static int
b_create_or_get(struct wk_query *q, void *obj, void **row, int *created)
{
	int s, c;

	if ((s = wk_db_begin()) != WK_DB_OK)
		return s;
	s = wk_orm_create(q->model, obj);
	if (s == WK_DB_OK) {
		if ((s = wk_db_commit()) != WK_DB_OK)
			return s;
		*row = obj;
		*created = 1;
		return WK_DB_OK;
	}
	b_rollback(s);
	if (s != WK_DB_CONSTRAINT)
		return s;
	/* Someone else created it since our get (Django: IntegrityError,
	 * then get again). */
	b_rewind(q);
	c = wk_q_get(q, row);
	if (c == WK_DB_NOT_FOUND)
		return wk__db_fail_msg(WK_DB_CONSTRAINT, "%s: get_or_create: "
		    "the insert broke a constraint and no row matches",
		    q->model->name);
	return c;
}

/* see bulk.h */
int
wk_orm_get_or_create(struct wk_query *q, void *obj, void **row,
    int *created)
{
	int s;

	*row = NULL;
	*created = 0;
	s = wk_q_get(q, row);
	if (s != WK_DB_NOT_FOUND)
		return s;
	return b_create_or_get(q, obj, row, created);
}

/* see bulk.h */
int
wk_orm_update_or_create(struct wk_query *q, void *obj, const char *fields,
    void **row, int *created)
{
	int s;

	*row = NULL;
	*created = 0;
	if (q->status != WK_DB_OK)
		return q->status;
	if ((s = b_check_fields(q->model, fields)) != WK_DB_OK)
		return s;
	if ((s = wk_db_begin()) != WK_DB_OK)
		return s;
	s = wk_q_get(q, row);
	if (s == WK_DB_NOT_FOUND)
		s = b_create_or_get(q, obj, row, created);
	if (s == WK_DB_OK && !*created) {
		if ((s = b_copy_fields(q, fields, *row, obj)) == WK_DB_OK)
			s = wk_orm_save(q->model, *row);
	}
	if (s != WK_DB_OK) {
		*row = NULL;
		*created = 0;
		return b_rollback(s);
	}
	return wk_db_commit();
}

/* Field i is a column the INSERT writes: all but an integer id (a text
 * key is the program's, pk.h). */
static int
b_written(const struct wk_model *m, size_t i)
{
	return !(m->fields[i].flags & WK_PK) || wk_model_text_pk(m);
}

/* INSERT INTO "t" ("a", ...) VALUES (?1, ...) for the written fields. */
static int
b_insert_sql(const struct wk_model *m, wk_buf *b)
{
	size_t i;
	int k = 0;

	wk_buf_puts(b, "INSERT INTO ");
	wk__q_ident(b, m->name);
	wk_buf_puts(b, " (");
	for (i = 0; i < m->nfields; i++) {
		if (!b_written(m, i))
			continue;
		if (k++ > 0)
			wk_buf_puts(b, ", ");
		wk__q_ident(b, m->fields[i].name);
	}
	wk_buf_puts(b, ") VALUES (");
	for (i = 1; (int)i <= k; i++) {
		if (i > 1)
			wk_buf_puts(b, ", ");
		wk__q_param(b, (int)i);
	}
	wk_buf_putc(b, ')');
	return b->failed ? WK_DB_NOMEM : WK_DB_OK;
}

/* Bind the non-key fields of obj to st. */
static int
b_bind_row(sqlite3_stmt *st, const struct wk_model *m, const void *obj)
{
	size_t i;
	int k = 0, rc = SQLITE_OK;

	for (i = 0; i < m->nfields && rc == SQLITE_OK; i++)
		if (b_written(m, i))
			rc = wk__q_bind_field(st, ++k, m, &m->fields[i], obj);
	return rc;
}

/* see bulk.h */
int
wk_orm_bulk_create(const struct wk_model *m, void *objs, size_t n,
    size_t *bad)
{
	char *base = objs;
	const struct wk_field *pk = &m->fields[0];
	sqlite3_stmt *st = NULL;
	wk_arena a;
	wk_buf b;
	size_t r, i;
	int s, cached = 0, rc;

	if (bad != NULL)
		*bad = 0;
	if (n == 0)
		return WK_DB_OK;
	/* Every row first: nothing is written if one is invalid. */
	for (r = 0; r < n; r++) {
		void *obj = base + r * m->size;
		if (wk_model_text_pk(m) && (s = wk__pk_make(m, obj)) !=
		    WK_DB_OK)
			return s;
		for (i = 0; i < m->nfields; i++) {
			const char *msg;
			if (!b_written(m, i))
				continue;
			msg = wk_model_validate_field(m, &m->fields[i], obj);
			if (msg == NULL)
				continue;
			if (bad != NULL)
				*bad = r;
			return wk__db_fail_msg(WK_DB_INVALID, "bulk_create: "
			    "row %zu: invalid value for %s.%s: %s", r,
			    m->name, m->fields[i].name, msg);
		}
	}
	wk_arena_init(&a);
	wk_buf_init(&b, &a);
	if ((s = b_insert_sql(m, &b)) != WK_DB_OK) {
		wk_arena_free(&a);
		return wk__db_fail_msg(s, "bulk_create: out of memory");
	}
	if ((s = wk_db_begin()) != WK_DB_OK) {
		wk_arena_free(&a);
		return s;
	}
	s = wk__db_prepare(b.data, b.len, &st, &cached);
	for (r = 0; s == WK_DB_OK && r < n; r++) {
		void *obj = base + r * m->size;
		if ((rc = b_bind_row(st, m, obj)) != SQLITE_OK) {
			s = wk__db_fail(rc, "bind");
			break;
		}
		s = wk__db_step(st, 1);
		if (s != WK_DB_DONE && s != WK_DB_ROW)
			break;
		s = WK_DB_OK;
		if (!wk_model_text_pk(m)) {
			long long id = wk__db_last_id();
			memcpy((char *)obj + pk->offset, &id, sizeof(id));
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if (s != WK_DB_OK && bad != NULL)
		*bad = r;
	wk__db_release(st, cached);
	wk_arena_free(&a);
	if (s != WK_DB_OK) {
		/* The ids set so far name rows that are gone again (text
		 * keys are the caller's, and stay). */
		for (i = 0; !wk_model_text_pk(m) && i < r && i < n; i++)
			memset(base + i * m->size + pk->offset, 0,
			    sizeof(long long));
		return b_rollback(s);
	}
	return wk_db_commit();
}
