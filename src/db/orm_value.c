/*
 * orm_value.c - rows as template values (see orm.h): a model struct seen
 * by templates as an object whose attributes are its fields, a foreign
 * key fetched with select_related as the related row, "pk" as the id.
 * Nothing here touches the database.
 */
#include <string.h>

#include "wick/db/orm.h"

struct q_objref {
	const struct wk_model *m;
	const void *obj;
};

/* see orm.h */
struct wk_value
wk_orm_field_value(const struct wk_model *m, const struct wk_field *f,
    const void *obj)
{
	const char *p = (const char *)obj + f->offset;

	if (wk_model_is_null(m, f, obj))
		return wk_val_null();
	switch (f->kind) {
	case WK_FIELD_INT: {
		int v;
		memcpy(&v, p, sizeof(v));
		return wk_val_int(v);
	}
	case WK_FIELD_BOOL: {
		int v;
		memcpy(&v, p, sizeof(v));
		return wk_val_bool(v);
	}
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK: {
		long long v;
		memcpy(&v, p, sizeof(v));
		return wk_val_int(v);
	}
	case WK_FIELD_REAL: {
		double d;
		memcpy(&d, p, sizeof(d));
		return wk_val_real(d);
	}
	case WK_FIELD_BLOB: {
		struct wk_blob b;
		memcpy(&b, p, sizeof(b));
		return wk_val_strn(b.data, b.len);
	}
	default: {
		const char *s;
		memcpy(&s, p, sizeof(s));
		return wk_val_str(s);
	}
	}
}

/* {{ post.tags }}: a set fetched by wk_q_prefetch_related (relations.h),
 * as a list of rows, or {{ post.n_comments }}, an annotation's value;
 * 1 when there is none of that name. */
static int
q_obj_prefetched(const struct q_objref *r, const char *name, size_t len,
    wk_arena *a, struct wk_value *out)
{
	const struct wk_prefetched *p;
	struct wk_list *l;
	size_t i;

	if (r->m->prefetch_offset == 0)
		return 1;
	memcpy(&p, (const char *)r->obj + r->m->prefetch_offset, sizeof(p));
	for (; p != NULL; p = p->next)
		if (strlen(p->name) == len && memcmp(p->name, name, len) == 0)
			break;
	if (p == NULL)
		return 1;
	if (p->model == NULL) {  /* an annotation: {{ post.n_comments }} */
		*out = p->value;
		return 0;
	}
	if ((l = wk_list_new(a)) == NULL)
		return -1;
	for (i = 0; i < p->n; i++) {
		struct wk_value v = wk_orm_value(a, p->model, p->rows[i]);
		if (v.kind == WK_VAL_NULL || wk_list_push(a, l, v) != 0)
			return -1;
	}
	*out = wk_val_list(l);
	return 0;
}

static int
q_obj_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct q_objref *r = self;
	const struct wk_field *f;

	if (len == 2 && memcmp(name, "pk", 2) == 0) {
		name = r->m->fields[0].name;  /* "id", or a text key */
		len = strlen(name);
	}
	f = wk_model_fieldn(r->m, name, len);
	if (f == NULL)
		return q_obj_prefetched(r, name, len, a, out);
	if (f->kind == WK_FIELD_FK) {
		const void *rel;
		memcpy(&rel, (const char *)r->obj + f->rel_offset,
		    sizeof(rel));
		if (rel != NULL) {
			*out = wk_orm_value(a, f->to, rel);
			return out->kind == WK_VAL_NULL ? -1 : 0;
		}
	}
	*out = wk_orm_field_value(r->m, f, r->obj);
	return 0;
}

static int
q_obj_str(const void *self, wk_buf *out)
{
	const struct q_objref *r = self;

	if (wk_model_text_pk(r->m))
		return wk_buf_printf(out, "%s object (%s)", r->m->verbose_name ?
		    r->m->verbose_name : r->m->name, wk_model_pk_text(r->m,
		    r->obj) ? wk_model_pk_text(r->m, r->obj) : "None");
	return wk_buf_printf(out, "%s object (%lld)", r->m->verbose_name ?
	    r->m->verbose_name : r->m->name, wk_model_id(r->m, r->obj));
}

static const struct wk_object_ops q_obj_ops = {
	.type_name = "row",
	.get = q_obj_get,
	.str = q_obj_str,
};

/* see orm.h */
struct wk_value
wk_orm_value(wk_arena *a, const struct wk_model *m, const void *obj)
{
	struct q_objref *r;

	if (obj == NULL || (r = wk_arena_alloc(a, sizeof(*r))) == NULL)
		return wk_val_null();
	r->m = m;
	r->obj = obj;
	return wk_val_object(&q_obj_ops, r);
}
