/*
 * eval.c - what every tag needs from a render in progress: names, values
 * and errors.
 *
 * A variable is looked up on the render's scope stack (for, with, include
 * ... with, searched from the top down to the include floor), then in the
 * view's context; its dotted parts go through wk_value_attr, its filters
 * through the filter table.  tpl_output writes a value escaped unless it
 * is safe; tpl_fail records the first error with the template's name,
 * line and column; tpl_charge counts work against the step limit.
 *
 * This is the layer under the node renderers: render.c (the tree walker),
 * tags.c and lorem.c all call down into it and it calls none of them, so
 * the walker can dispatch to the leaf tags without a circle.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wick/http/request.h"

#include "internal.h"

/* see internal.h */
int
tpl_fail(struct tpl_render *r, const struct tpl_node *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	int len;

	if (r->err->message[0] != '\0')
		return -1;  /* keep the first, innermost error */
	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len < 0)
		msg[0] = '\0';
	r->err->line = n != NULL ? n->line : 0;
	r->err->col = n != NULL ? n->col : 0;
	if (n != NULL)
		len = snprintf(r->err->message, sizeof(r->err->message),
		    "%s:%u:%u: %s", r->tpl != NULL ? r->tpl->name : "?",
		    n->line, n->col, msg);
	else
		len = snprintf(r->err->message, sizeof(r->err->message),
		    "%s: %s", r->tpl != NULL ? r->tpl->name : "?", msg);
	if (len < 0 || (size_t)len >= sizeof(r->err->message))
		r->err->message[sizeof(r->err->message) - 1] = '\0';
	return -1;
}

/* see internal.h */
int
tpl_bind(struct tpl_render *r, const char *name, size_t len, struct wk_value v)
{
	struct tpl_var *nv;
	size_t ncap;

	if (r->nvars == r->capvars) {
		ncap = r->capvars ? r->capvars * 2 : 16;
		nv = wk_arena_realloc(r->a, r->vars, r->capvars * sizeof(*nv),
		    ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		r->vars = nv;
		r->capvars = ncap;
	}
	r->vars[r->nvars].name = name;
	r->vars[r->nvars].len = len;
	r->vars[r->nvars].v = v;
	r->nvars++;
	return 0;
}

/* see internal.h */
const struct wk_value *
tpl_lookup(const struct tpl_render *r, const char *name, size_t len)
{
	size_t i = r->nvars;

	while (i > r->floor) {
		i--;
		if (r->vars[i].len == len &&
		    memcmp(r->vars[i].name, name, len) == 0)
			return &r->vars[i].v;
	}
	return r->ctx != NULL ? wk_map_get(r->ctx, name, len) : NULL;
}

/* see internal.h */
int
tpl_set_upward(struct tpl_render *r, const char *name, size_t len,
    struct wk_value v)
{
	size_t i = r->nvars;

	while (i > r->floor) {
		i--;
		if (r->vars[i].len == len &&
		    memcmp(r->vars[i].name, name, len) == 0) {
			r->vars[i].v = v;
			return 0;
		}
	}
	return tpl_bind(r, name, len, v);
}

/* see internal.h */
int
tpl_charge(struct tpl_render *r, const struct tpl_node *n, unsigned long k)
{
	if (r->steps > r->max_steps || k > r->max_steps - r->steps)
		return tpl_fail(r, n, "rendering took more than %lu steps",
		    r->max_steps);
	r->steps += k;
	return 0;
}

/* An operand's value: 0 found, 1 missing, -1 error. */
static int
resolve(struct tpl_render *r, const struct tpl_operand *op,
    struct wk_value *out)
{
	const struct wk_value *v;
	struct wk_value cur;
	size_t k;
	int rc;

	if (!op->is_var) {
		*out = op->lit;
		return 0;
	}
	if ((v = tpl_lookup(r, op->segs[0].name, op->segs[0].len)) == NULL)
		return 1;
	cur = *v;
	for (k = 1; k < op->nsegs; k++) {
		rc = wk_value_attr(&cur, op->segs[k].name, op->segs[k].len,
		    r->a, &cur);
		if (rc != 0)
			return rc;
	}
	*out = cur;
	return 0;
}

/* see internal.h */
int
tpl_apply_filters(struct tpl_render *r, const struct tpl_expr *e,
    struct wk_value cur, struct wk_value *out)
{
	const struct tpl_filter *f;
	const struct tpl_filter_def *def;
	struct wk_filter_ctx fc;
	struct wk_value argv, next;
	size_t k;
	int rc;

	fc.arena = r->a;
	fc.autoescape = r->autoescape;
	fc.settings = r->env->req != NULL ? r->env->req->settings : NULL;
	for (k = 0; k < e->nfilters; k++) {
		f = &e->filters[k];
		def = f->def;
		if (def == NULL && (def = tpl_filter_find(f->name,
		    f->namelen)) == NULL)
			return tpl_fail(r, NULL, "unknown filter '%.*s'",
			    (int)f->namelen, f->name);
		/* The parser's argument check, for a filter it could not know
		 * (an app's, registered at run time, in a tree built by
		 * tools/wk-templates). */
		if (f->late && f->has_arg && !(def->flags &
		    (WK_FILTER_ARG_OPTIONAL | WK_FILTER_ARG_REQUIRED)))
			return tpl_fail(r, NULL, "filter '%s' takes no "
			    "argument", def->name);
		if (f->late && !f->has_arg &&
		    (def->flags & WK_FILTER_ARG_REQUIRED))
			return tpl_fail(r, NULL, "filter '%s' needs an "
			    "argument", def->name);
		if (f->has_arg) {
			rc = resolve(r, &f->arg, &argv);
			if (rc < 0)
				return tpl_fail(r, NULL, "error reading a "
				    "filter argument");
			if (rc > 0)
				argv = wk_val_strn("", 0);
		}
		if (def->fn(&fc, &cur, f->has_arg ? &argv : NULL, &next) != 0)
			return tpl_fail(r, NULL, "filter '%s' failed", def->name);
		if ((def->flags & WK_FILTER_KEEP_SAFE) &&
		    cur.kind == WK_VAL_SAFE && next.kind == WK_VAL_STR)
			next.kind = WK_VAL_SAFE;
		cur = next;
	}
	*out = cur;
	return 0;
}

/* see internal.h */
int
tpl_eval_missing(struct tpl_render *r, const struct tpl_expr *e, int none_if_missing,
    struct wk_value *out)
{
	struct wk_value cur;
	int rc;

	rc = resolve(r, &e->base, &cur);
	if (rc < 0)
		return tpl_fail(r, NULL, "error reading '%.*s'",
		    (int)e->base.segs[0].len, e->base.segs[0].name);
	/* As Django's ignore_failures: where a missing name is None (if,
	 * firstof, ifchanged), its filters see None too. */
	if (rc > 0)
		cur = none_if_missing ? wk_val_null() : wk_val_strn("", 0);
	if (e->nfilters == 0) {
		*out = cur;
		return 0;
	}
	return tpl_apply_filters(r, e, cur, out);
}

/* see internal.h */
int
tpl_eval(struct tpl_render *r, const struct tpl_expr *e, struct wk_value *out)
{
	return tpl_eval_missing(r, e, 0, out);
}

/* see internal.h */
int
tpl_output(struct tpl_render *r, const struct wk_value *v)
{
	char tmp[24], *p;
	unsigned long long u;
	wk_buf b;
	int neg;

	switch (v->kind) {
	case WK_VAL_STR:
		if (r->autoescape)
			return wk_buf_append_html(r->out, v->u.s.p, v->u.s.n);
		return wk_buf_append(r->out, v->u.s.p, v->u.s.n);
	case WK_VAL_SAFE:
		return wk_buf_append(r->out, v->u.s.p, v->u.s.n);
	case WK_VAL_INT:
		/* The common case, without printf. */
		neg = v->u.i < 0;
		u = neg ? 0ULL - (unsigned long long)v->u.i :
		    (unsigned long long)v->u.i;
		p = tmp + sizeof(tmp);
		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u != 0);
		if (neg)
			*--p = '-';
		return wk_buf_append(r->out, p, (size_t)(tmp + sizeof(tmp) - p));
	default:
		wk_buf_init(&b, r->a);
		if (wk_value_write(v, &b) != 0 || b.failed)
			return -1;
		if (r->autoescape)
			return wk_buf_append_html(r->out, wk_buf_cstr(&b), b.len);
		return wk_buf_append(r->out, wk_buf_cstr(&b), b.len);
	}
}
