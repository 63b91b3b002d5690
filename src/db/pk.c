/*
 * pk.c - text and UUID primary keys (see pk.h and model.h's
 * WK_MODEL_DEFINE_TEXT_PK / WK_MODEL_DEFINE_UUID_PK).
 *
 * Models keyed by `long long id` never come here: orm.c hands create and
 * save of a text-keyed model to wk__pk_write, which writes the key column
 * with the others (the database does not make it) and finds the row by
 * it.  Reading needs nothing special: the key is a TEXT field like any
 * other, fields[0] with WK_PK.
 */
#include <string.h>

#include <sqlite3.h>

#include "wick/core/random.h"
#include "wick/db/pk.h"
#include "internal.h"

/* see pk.h */
int
wk_uuid4(char out[WK_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t i, j = 0;

	out[0] = '\0';
	if (wk_random_bytes(b, sizeof(b)) != 0)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[b[i] >> 4];
		out[j++] = hex[b[i] & 0x0f];
	}
	out[j] = '\0';
	return 0;
}

/* see pk.h */
struct wk_value
wk_orm_pk_value(const struct wk_model *m, const void *obj)
{
	const char *s;

	if (!wk_model_text_pk(m))
		return wk_val_int(wk_model_id(m, obj));
	s = wk_model_pk_text(m, obj);
	return s != NULL ? wk_val_str(s) : wk_val_null();
}

/*
 * A UUID made on create lives as long as the process: the object's
 * `const char *` must point somewhere, and wk_orm_create has no arena.
 * 37 bytes per row created; a CGI process creates a few.
 */
static wk_arena pk_arena;
static int pk_arena_ready;

/* see internal.h */
int
wk__pk_make(const struct wk_model *m, void *obj)
{
	const struct wk_field *f = &m->fields[0];
	const char *s = wk_model_pk_text(m, obj);
	char *u;

	if (!(f->flags & WK_UUID) || (s != NULL && *s != '\0'))
		return WK_DB_OK;
	if (!pk_arena_ready) {
		wk_arena_init(&pk_arena);
		pk_arena_ready = 1;
	}
	if ((u = wk_arena_alloc(&pk_arena, WK_UUID_LEN + 1)) == NULL)
		return wk__db_fail_msg(WK_DB_NOMEM, "%s: no memory for a "
		    "UUID", m->name);
	if (wk_uuid4(u) != 0)
		return wk__db_fail_msg(WK_DB_ERROR, "%s: no randomness for a "
		    "UUID", m->name);
	memcpy((char *)obj + f->offset, &u, sizeof(u));
	return WK_DB_OK;
}

/* see internal.h */
int
wk__pk_write(const struct wk_model *m, const void *obj, int update)
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
	if (update) {
		wk_buf_puts(&b, "UPDATE ");
		wk__q_ident(&b, m->name);
		wk_buf_puts(&b, " SET ");
		for (i = 1; i < m->nfields; i++) {
			if (i > 1)
				wk_buf_puts(&b, ", ");
			wk__q_ident(&b, m->fields[i].name);
			wk_buf_puts(&b, " = ");
			wk__q_param(&b, (int)i);
		}
		wk_buf_puts(&b, " WHERE ");
		wk__q_ident(&b, pk->name);
		wk_buf_puts(&b, " = ");
		wk__q_param(&b, (int)m->nfields);
	} else {
		wk_buf_puts(&b, "INSERT INTO ");
		wk__q_ident(&b, m->name);
		wk_buf_puts(&b, " (");
		for (i = 0; i < m->nfields; i++) {
			if (i > 0)
				wk_buf_puts(&b, ", ");
			wk__q_ident(&b, m->fields[i].name);
		}
		wk_buf_puts(&b, ") VALUES (");
		for (i = 0; i < m->nfields; i++) {
			if (i > 0)
				wk_buf_puts(&b, ", ");
			wk__q_param(&b, (int)i + 1);
		}
		wk_buf_putc(&b, ')');
	}
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
			rc = wk__q_bind_field(st, ++k, m, &m->fields[i], obj);
		if (rc == SQLITE_OK && update)
			rc = wk__q_bind_field(st, ++k, m, pk, obj);
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

/* A query for the row keyed pk; WK_DB_NOT_FOUND for a key that cannot
 * be one (a malformed UUID). */
static int
pk_query(struct wk_query *q, wk_arena *a, const struct wk_model *m,
    struct wk_value pk)
{
	const struct wk_field *f = &m->fields[0];

	wk_q_init(q, a, m);
	if ((f->flags & WK_UUID) && (!wk_val_is_str(&pk) ||
	    !wk_model_is_uuid(pk.u.s.p, pk.u.s.n)))
		return wk__db_fail_msg(WK_DB_NOT_FOUND, "not found: '%.*s' "
		    "is not a UUID", wk_val_is_str(&pk) && pk.u.s.n < 80 ?
		    (int)pk.u.s.n : 0, wk_val_is_str(&pk) ? pk.u.s.p : "");
	return wk_q_filter(q, f->name, pk);
}

/* see pk.h */
int
wk_orm_get_pk(wk_arena *a, const struct wk_model *m, struct wk_value pk,
    void **row)
{
	struct wk_query q;
	int s;

	*row = NULL;
	if ((s = pk_query(&q, a, m, pk)) != WK_DB_OK)
		return s;
	return wk_q_get(&q, row);
}

/* see pk.h */
int
wk_orm_delete_pk(const struct wk_model *m, struct wk_value pk)
{
	struct wk_query q;
	wk_arena a;
	long long n = 0;
	int s;

	wk_arena_init(&a);
	if ((s = pk_query(&q, &a, m, pk)) == WK_DB_OK)
		s = wk_q_delete(&q, &n);
	wk_arena_free(&a);
	if (s == WK_DB_OK && n == 0)
		return wk__db_fail_msg(WK_DB_NOT_FOUND, "not found: no %s "
		    "with that key to delete", m->name);
	return s;
}
