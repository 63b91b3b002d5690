/*
 * unique.c - validate_unique (see unique.h): one EXISTS query per unique
 * field and per unique-together list, built with the ORM (query.c) from
 * the object's own values, and Django's messages for the clashes.
 */
#include <ctype.h>
#include <string.h>

#include "wick/core/buf.h"
#include "wick/db/orm.h"
#include "wick/db/pk.h"
#include "wick/db/unique.h"

/* Append label with its first letter capitalised (Django's capfirst). */
static void
u_capfirst(wk_buf *b, const char *label)
{
	if (*label == '\0')
		return;
	wk_buf_putc(b, (char)toupper((unsigned char)label[0]));
	wk_buf_puts(b, label + 1);
}

/* see unique.h */
const char *
wk_orm_unique_message(wk_arena *a, const struct wk_model *m,
    const char *list)
{
	const struct wk_field *fs[16];
	const char *p, *e;
	size_t n = 0, i;
	wk_buf b;

	for (p = list; ; p = e + 1) {
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		if (n >= 16 || (fs[n] = wk_model_fieldn(m, p,
		    (size_t)(e - p))) == NULL)
			return NULL;
		n++;
		if (*e == '\0')
			break;
	}
	wk_buf_init(&b, a);
	u_capfirst(&b, m->verbose_name != NULL ? m->verbose_name : m->name);
	wk_buf_puts(&b, " with this ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			wk_buf_puts(&b, i + 1 == n ? " and " : ", ");
		u_capfirst(&b, wk_field_label(fs[i]));
	}
	wk_buf_puts(&b, " already exists.");
	return b.failed ? NULL : wk_buf_cstr(&b);
}

/* Does another row have obj's values for the fields of list?  A NULL
 * member: no (*skip = 1). */
static int
u_exists(wk_arena *a, const struct wk_model *m, const void *obj,
    const char *list, int *yes)
{
	struct wk_query q;
	const char *p, *e;
	struct wk_value pk = wk_orm_pk_value(m, obj);

	*yes = 0;
	wk_q_init(&q, a, m);
	for (p = list; ; p = e + 1) {
		const struct wk_field *f;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		f = wk_model_fieldn(m, p, (size_t)(e - p));
		if (f == NULL)
			return WK_DB_INVALID;
		if (wk_model_is_null(m, f, obj))
			return WK_DB_OK;
		wk_q_filter(&q, f->name, wk_orm_field_value(m, f, obj));
		if (*e == '\0')
			break;
	}
	if (pk.kind == WK_VAL_STR || (pk.kind == WK_VAL_INT && pk.u.i != 0))
		wk_q_exclude(&q, m->fields[0].name, pk);
	return wk_q_exists(&q, yes);
}

/* see unique.h */
int
wk_orm_validate_unique(wk_arena *a, const struct wk_model *m,
    const void *obj, unsigned what, struct wk_kvlist *errors, int *n)
{
	const char *const *u;
	const char *msg;
	size_t i;
	int s, yes;

	*n = 0;
	for (i = 0; (what & WK_UNIQUE_CHECK_FIELDS) && i < m->nfields; i++) {
		const struct wk_field *f = &m->fields[i];
		if (!(f->flags & WK_UNIQUE) || (f->flags & WK_PK))
			continue;
		if ((s = u_exists(a, m, obj, f->name, &yes)) != WK_DB_OK)
			return s;
		if (!yes)
			continue;
		(*n)++;
		if (errors == NULL)
			continue;
		if ((msg = wk_orm_unique_message(a, m, f->name)) == NULL ||
		    wk_kv_add(a, errors, f->name, msg, strlen(msg)) != 0)
			return WK_DB_NOMEM;
	}
	for (u = (what & WK_UNIQUE_CHECK_TOGETHER) ? m->unique_together :
	    NULL; u != NULL && *u != NULL; u++) {
		if ((s = u_exists(a, m, obj, *u, &yes)) != WK_DB_OK)
			return s;
		if (!yes)
			continue;
		(*n)++;
		if (errors == NULL)
			continue;
		if ((msg = wk_orm_unique_message(a, m, *u)) == NULL ||
		    wk_kv_add(a, errors, WK_UNIQUE_ALL, msg, strlen(msg)) != 0)
			return WK_DB_NOMEM;
	}
	return WK_DB_OK;
}
