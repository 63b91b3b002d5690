/*
 * model_str.c - the label of a row (Django's Model.__str__), see model.h.
 *
 * Kept apart from model.c because it reads a field's value through the
 * ORM's value conversion (orm_value.c), which model.c does not need: a
 * form's <select> of related rows, an admin list, a log line all name a
 * row the same way.
 */
#include <ctype.h>
#include <string.h>

#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/core/value.h"

/* see model.h */
const char *
wk_model_str(const struct wk_model *m, const void *obj, wk_arena *a)
{
	const struct wk_field *f;
	const char *name, *p;
	struct wk_value v;
	size_t n;

	if (m->str != NULL)
		return m->str(obj, a);
	if (m->str_field != NULL &&
	    (f = wk_model_field(m, m->str_field)) != NULL &&
	    !wk_model_is_null(m, f, obj)) {
		v = wk_orm_field_value(m, f, obj);
		if (v.kind == WK_VAL_STR || v.kind == WK_VAL_SAFE)
			return wk_arena_strndup(a, v.u.s.p != NULL ? v.u.s.p :
			    "", v.u.s.p != NULL ? v.u.s.n : 0);
		if (v.kind != WK_VAL_NULL) {
			if (wk_value_text(&v, a, &p, &n) != 0)
				return NULL;
			return wk_arena_strndup(a, p, n);
		}
	}
	name = m->verbose_name != NULL ? m->verbose_name : m->name;
	return wk_arena_printf(a, "%c%s object (%lld)",
	    toupper((unsigned char)name[0]), name[0] != '\0' ? name + 1 : "",
	    wk_model_id(m, obj));
}
