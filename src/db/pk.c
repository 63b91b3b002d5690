/*
 * pk.c - rows of models with a text or UUID primary key (see pk.h and
 * model.h's WK_MODEL_DEFINE_TEXT_PK / WK_MODEL_DEFINE_UUID_PK): fetched
 * and deleted by key, and the key of any row as a value.
 *
 * Writing them is orm.c's (wk_orm_create and wk_orm_save write the key
 * column with the others when wk_model_text_pk), and making UUIDs is
 * uuid.c's; reading needs nothing special: the key is a TEXT field like
 * any other, fields[0] with WK_PK.
 */
#include <string.h>

#include "wick/db/orm.h"
#include "wick/db/pk.h"
#include "internal.h"

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
