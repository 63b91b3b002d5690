/*
 * related.c - relations found by name from either end, from metadata
 * only: a model's own many-to-many fields, the M2M fields and foreign
 * keys of other models that point at it (reverse names), and the join
 * table's two columns.  query.c (lookups across relations), relations.c
 * (add / remove / prefetch / annotate) and migrate.c (join tables) all
 * ask here, so the naming rules of model.h's struct wk_m2m live in one
 * place.  Nothing here touches the database.
 *
 * The other models come from the "wk_models" linker section that
 * WK_MODEL_DEFINE fills (model.h), read on each reverse look-up: a few
 * models, and only names that are not fields of the model reach it.
 */
#include <string.h>

#include "wick/db/model.h"
#include "internal.h"

/* The linker's bounds of the section (weak: a binary may define none). */
extern const struct wk_model *const __start_wk_models[]
    __attribute__((weak));
extern const struct wk_model *const __stop_wk_models[]
    __attribute__((weak));

/* Write "<a><b>_id" into out (n bytes); 0, or -1 when it does not fit. */
static int
rel_col(char *out, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + lb + 4 > n)
		return -1;
	memcpy(out, a, la);
	memcpy(out + la, b, lb);
	memcpy(out + la + lb, "_id", 4);
	return 0;
}

/* The n-th (0-based) FK field of m pointing at target, or NULL. */
static const struct wk_field *
rel_fk_to(const struct wk_model *m, const struct wk_model *target, int nth)
{
	size_t i;

	for (i = 1; i < m->nfields; i++)
		if (m->fields[i].kind == WK_FIELD_FK &&
		    m->fields[i].to == target && nth-- == 0)
			return &m->fields[i];
	return NULL;
}

/* see internal.h */
int
wk__m2m_columns(const struct wk_m2m *d, char *from_col, char *to_col,
    size_t n)
{
	const struct wk_field *a, *b;

	if (d->from == NULL || d->to == NULL)
		return -1;
	if (d->through != NULL) {
		a = rel_fk_to(d->through, d->from, 0);
		b = rel_fk_to(d->through, d->to, d->to == d->from ? 1 : 0);
		if (a == NULL || b == NULL || strlen(a->name) >= n ||
		    strlen(b->name) >= n)
			return -1;
		memcpy(from_col, a->name, strlen(a->name) + 1);
		memcpy(to_col, b->name, strlen(b->name) + 1);
		return 0;
	}
	if (d->to == d->from)
		return rel_col(from_col, n, "from_", d->from->name) != 0 ||
		    rel_col(to_col, n, "to_", d->to->name) != 0 ? -1 : 0;
	return rel_col(from_col, n, "", d->from->name) != 0 ||
	    rel_col(to_col, n, "", d->to->name) != 0 ? -1 : 0;
}

/* see internal.h */
const char *
wk__m2m_table(const struct wk_m2m *d)
{
	return d->through != NULL ? d->through->name : d->table;
}

/* Does name (len bytes) equal s? */
static int
rel_is(const char *s, const char *name, size_t len)
{
	return s != NULL && strlen(s) == len && memcmp(s, name, len) == 0;
}

/* Fill r for M2M d seen from its `from` side (reverse = 0) or its `to`
 * side (reverse = 1). */
static int
rel_m2m(const struct wk_m2m *d, int reverse, struct wk__rel *r)
{
	char a[WK__REL_COL], b[WK__REL_COL];

	memset(r, 0, sizeof(*r));
	if (wk__m2m_columns(d, a, b, sizeof(a)) != 0)
		return -1;
	r->m2m = d;
	r->table = wk__m2m_table(d);
	r->self = reverse ? d->to : d->from;
	r->other = reverse ? d->from : d->to;
	memcpy(r->self_col, reverse ? b : a, WK__REL_COL);
	memcpy(r->other_col, reverse ? a : b, WK__REL_COL);
	return 0;
}

/* see internal.h */
int
wk__rel_find(const struct wk_model *m, const char *name, size_t len,
    struct wk__rel *r)
{
	const struct wk_model *const *p;
	size_t i;

	for (i = 0; i < m->nm2m; i++)
		if (rel_is(m->m2m[i].name, name, len))
			return rel_m2m(&m->m2m[i], 0, r);
	if (__start_wk_models == NULL || __stop_wk_models == NULL)
		return -1;
	for (p = __start_wk_models; p < __stop_wk_models; p++) {
		const struct wk_model *o = *p;
		for (i = 0; i < o->nm2m; i++) {
			const struct wk_m2m *d = &o->m2m[i];
			if (d->to == m && rel_is(d->related_name != NULL ?
			    d->related_name : o->name, name, len))
				return rel_m2m(d, 1, r);
		}
		for (i = 1; i < o->nfields; i++) {
			const struct wk_field *f = &o->fields[i];
			if (f->kind != WK_FIELD_FK || f->to != m ||
			    !rel_is(f->related_name != NULL ?
			    f->related_name : o->name, name, len))
				continue;
			if (strlen(f->name) >= WK__REL_COL)
				return -1;
			memset(r, 0, sizeof(*r));
			r->fk = f;
			r->table = o->name;
			r->self = m;
			r->other = o;
			memcpy(r->self_col, f->name, strlen(f->name) + 1);
			return 0;
		}
	}
	return -1;
}
