/*
 * render.c - walking a parsed template into a buffer.
 *
 * Rendering appends straight to the output buffer (the response body), so
 * a page is built in one pass with no intermediate strings except where a
 * tag needs its body's text (spaceless, block.super).  Names bound by for,
 * with and include live on a small scope stack searched from the top, then
 * the view's context map.  Inheritance follows Django: the chain of
 * {% extends %} is loaded first, every block name maps to its overriding
 * nodes from the child up to the root, and the root's body is rendered;
 * {{ block.super }} renders the next node up that list.
 *
 * Every value is escaped on output unless it is a safe string; a missing
 * variable is empty (None in {% if %}), never an error.
 */
#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static int render_nodes(struct tpl_render *r, const struct tpl_node *n);
static int render_template(struct tpl_render *r, const struct wk_template *t);

/*
 * The template called name for {% extends %} or {% include %} at node n
 * (NULL: no place), from the render's set (load.c; the library's own
 * templates after the app's).  NULL with r->err set.
 */
static const struct wk_template *
load_for(struct tpl_render *r, const struct tpl_node *n, const char *name,
    size_t len)
{
	struct wk_template_error e;
	const struct wk_template *t;

	t = tpl_load(r->env->set, name, len, r->env->reload, r->a, &e);
	if (t != NULL)
		return t;
	if (e.line != 0 && r->err->message[0] == '\0') {
		*r->err = e;  /* a syntax error: its own name:line:col */
		return NULL;
	}
	tpl_fail(r, n, "%s", e.message);
	return NULL;
}

/* ---- {% if %} -------------------------------------------------------------------- */

static int cond_truth(struct tpl_render *r, const struct tpl_cond *c);

/* The value of one side of a comparison. */
static int
cond_value(struct tpl_render *r, const struct tpl_cond *c, struct wk_value *v)
{
	int t;

	if (c->op == TC_LEAF)
		return tpl_eval_missing(r, c->leaf, 1, v);
	if ((t = cond_truth(r, c)) < 0)
		return -1;
	*v = wk_val_bool(t);
	return 0;
}

/* 1 true, 0 false, -1 error. */
static int
cond_truth(struct tpl_render *r, const struct tpl_cond *c)
{
	struct wk_value a, b;
	int t, cmp;

	switch (c->op) {
	case TC_LEAF:
		if (tpl_eval_missing(r, c->leaf, 1, &a) != 0)
			return -1;
		return wk_value_truthy(&a);
	case TC_OR:
		if ((t = cond_truth(r, c->l)) != 0)
			return t;
		return cond_truth(r, c->r);
	case TC_AND:
		if ((t = cond_truth(r, c->l)) <= 0)
			return t;
		return cond_truth(r, c->r);
	case TC_NOT:
		if ((t = cond_truth(r, c->l)) < 0)
			return -1;
		return !t;
	default:
		break;
	}
	if (cond_value(r, c->l, &a) != 0 || cond_value(r, c->r, &b) != 0)
		return -1;
	switch (c->op) {
	case TC_EQ:
		return wk_value_equal(&a, &b);
	case TC_NE:
		return !wk_value_equal(&a, &b);
	case TC_LT:
		return wk_value_compare(&a, &b, &cmp) == 0 && cmp < 0;
	case TC_GT:
		return wk_value_compare(&a, &b, &cmp) == 0 && cmp > 0;
	case TC_LE:
		return wk_value_compare(&a, &b, &cmp) == 0 && cmp <= 0;
	case TC_GE:
		return wk_value_compare(&a, &b, &cmp) == 0 && cmp >= 0;
	case TC_IN:
	case TC_NOTIN:
		t = wk_value_contains(&b, &a, r->a);
		if (t < 0)
			return -1;
		return c->op == TC_IN ? t : !t;
	case TC_IS:
	case TC_ISNOT:
		/* Identity: meaningful for None, True and False. */
		t = a.kind == b.kind && (a.kind == WK_VAL_NULL ||
		    (a.kind == WK_VAL_BOOL && a.u.b == b.u.b) ||
		    (a.kind != WK_VAL_BOOL && wk_value_equal(&a, &b)));
		return c->op == TC_IS ? t : !t;
	default:
		return -1;
	}
}

/* ---- {% for %} ---------------------------------------------------------------------- */

struct loop_state {
	size_t i, n;
	struct wk_value parent;
};

static int
loop_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct loop_state *s = self;

	(void)a;
#define IS(w) (len == sizeof(w) - 1 && memcmp(name, w, len) == 0)
	if (IS("counter"))
		*out = wk_val_int((long long)s->i + 1);
	else if (IS("counter0"))
		*out = wk_val_int((long long)s->i);
	else if (IS("revcounter"))
		*out = wk_val_int((long long)(s->n - s->i));
	else if (IS("revcounter0"))
		*out = wk_val_int((long long)(s->n - s->i - 1));
	else if (IS("first"))
		*out = wk_val_bool(s->i == 0);
	else if (IS("last"))
		*out = wk_val_bool(s->i + 1 == s->n);
	else if (IS("parentloop"))
		*out = s->parent;
	else
		return 1;
#undef IS
	return 0;
}

static const struct wk_object_ops loop_ops = { "forloop", loop_get, NULL,
	NULL, NULL };

/*
 * Unpack item into the loop's names at vars[first...]: a list, an object
 * with items, or a string (its characters), which must have exactly as
 * many parts as there are names (Django's ValueError otherwise).
 */
static int
unpack(struct tpl_render *r, const struct tpl_node *n,
    const struct wk_value *item, size_t first)
{
	size_t want = n->u.loop.nnames, have, k, off = 0, w;
	struct wk_value part;
	int rc;

	if (wk_value_len(item, &have) != 0 || item->kind == WK_VAL_MAP)
		return tpl_fail(r, n, "cannot unpack a value that is not a "
		    "sequence into %zu loop variables", want);
	if (have != want)
		return tpl_fail(r, n, "Need %zu values to unpack in for loop; "
		    "got %zu.", want, have);
	for (k = 0; k < want; k++) {
		if (wk_val_is_str(item)) {
			w = wk_utf8_next(item->u.s.p + off, item->u.s.n - off);
			part = wk_val_strn(item->u.s.p + off, w);
			off += w;
		} else {
			rc = wk_value_item(item, k, r->a, &part);
			if (rc < 0)
				return tpl_fail(r, n, "error unpacking an "
				    "item");
			if (rc > 0)
				part = wk_val_null();
		}
		r->vars[first + k].v = part;
	}
	return 0;
}

static int
render_for(struct tpl_render *r, const struct tpl_node *n)
{
	const struct wk_value *parent;
	struct wk_value seq, item;
	struct loop_state st;
	size_t mark = r->nvars, count, k, idx, off = 0, w;
	unsigned long saved_loop = r->loop;
	int rc, is_str;

	if (tpl_eval_missing(r, n->u.loop.seq, 1, &seq) != 0)
		return -1;
	is_str = wk_val_is_str(&seq);
	if (wk_value_len(&seq, &count) != 0)
		count = 0;
	if (count == 0)
		return render_nodes(r, n->u.loop.empty);
	if (is_str && n->u.loop.reversed)
		return tpl_fail(r, n, "'reversed' over a string is not "
		    "supported");
	memset(&st, 0, sizeof(st));
	st.n = count;
	parent = tpl_lookup(r, "forloop", 7);
	st.parent = parent != NULL ? *parent : wk_val_null();
	if (tpl_bind(r, "forloop", 7, wk_val_object(&loop_ops, &st)) != 0)
		goto nomem;
	for (k = 0; k < n->u.loop.nnames; k++)
		if (tpl_bind(r, n->u.loop.names[k].name,
		    n->u.loop.names[k].len, wk_val_null()) != 0)
			goto nomem;
	/* A new run of this loop: {% ifchanged %} inside starts afresh. */
	r->loop = ++r->loops;
	for (st.i = 0; st.i < count; st.i++) {
		idx = n->u.loop.reversed ? count - 1 - st.i : st.i;
		if (is_str) {
			w = wk_utf8_next(seq.u.s.p + off, seq.u.s.n - off);
			item = wk_val_strn(seq.u.s.p + off, w);
			off += w;
		} else {
			rc = wk_value_item(&seq, idx, r->a, &item);
			if (rc < 0)
				return tpl_fail(r, n, "error reading item %zu",
				    idx);
			if (rc > 0)
				item = wk_val_null();
		}
		if (n->u.loop.nnames == 1)
			r->vars[mark + 1].v = item;
		else if (unpack(r, n, &item, mark + 1) != 0)
			return -1;
		if (render_nodes(r, n->u.loop.body) != 0)
			return -1;
		r->nvars = mark + 1 + n->u.loop.nnames;
	}
	r->nvars = mark;
	r->loop = saved_loop;
	return 0;
nomem:
	return tpl_fail(r, n, "out of memory");
}

/* ---- blocks ------------------------------------------------------------------------------ */

struct block_state {
	struct tpl_render *r;
	const struct tpl_block_entry *entry;  /* NULL: no inheritance */
	size_t level;
};

static int render_block_level(struct tpl_render *r,
    const struct tpl_block_entry *e, size_t level);

static int
block_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct block_state *s = self;
	struct tpl_render *r = s->r;
	wk_buf b, *saved;
	int rc;

	(void)a;
	if (len != 5 || memcmp(name, "super", 5) != 0)
		return 1;
	/* As Django: in a template that extends nothing there is no
	 * parent block to ask, and saying so beats printing nothing. */
	if (s->entry == NULL)
		return tpl_fail(r, NULL, "{{ block.super }} used in a template "
		    "that does not extend another");
	if (s->level + 1 >= s->entry->n) {
		*out = wk_val_safen("", 0);
		return 0;
	}
	wk_buf_init(&b, r->a);
	saved = r->out;
	r->out = &b;
	rc = render_block_level(r, s->entry, s->level + 1);
	r->out = saved;
	if (rc != 0 || b.failed)
		return -1;
	*out = wk_val_safen(wk_buf_cstr(&b), b.len);
	return 0;
}

static const struct wk_object_ops block_ops = { "block", block_get, NULL,
	NULL, NULL };

static int
render_block_body(struct tpl_render *r, const struct tpl_node *node,
    const struct tpl_block_entry *e, size_t level)
{
	struct block_state st = { r, e, level };
	size_t mark = r->nvars;
	int rc;

	if (tpl_bind(r, "block", 5, wk_val_object(&block_ops, &st)) != 0)
		return tpl_fail(r, node, "out of memory");
	rc = render_nodes(r, node->u.block.body);
	r->nvars = mark;
	return rc;
}

static int
render_block_level(struct tpl_render *r, const struct tpl_block_entry *e,
    size_t level)
{
	return render_block_body(r, e->nodes[level], e, level);
}

static const struct tpl_block_entry *
find_block(const struct tpl_render *r, const char *name, size_t len)
{
	size_t k;

	for (k = 0; k < r->nblocks; k++)
		if (r->blocks[k].len == len &&
		    memcmp(r->blocks[k].name, name, len) == 0)
			return &r->blocks[k];
	return NULL;
}

static int
render_block(struct tpl_render *r, const struct tpl_node *n)
{
	const struct tpl_block_entry *e = find_block(r, n->u.block.name,
	    n->u.block.len);

	if (e == NULL)
		return render_block_body(r, n, NULL, 0);
	return render_block_level(r, e, 0);
}

/* ---- with, include, cycle, firstof, spaceless ------------------------------------------- */

/* Evaluate binds first, then push them (so a=b b=a sees the old values). */
static int
push_binds(struct tpl_render *r, const struct tpl_node *n,
    const struct tpl_bind *b, size_t nb)
{
	struct wk_value *vals;
	size_t k;

	if (nb == 0)
		return 0;
	if ((vals = wk_arena_alloc(r->a, nb * sizeof(*vals))) == NULL)
		return tpl_fail(r, n, "out of memory");
	for (k = 0; k < nb; k++)
		if (tpl_eval_missing(r, b[k].expr, 0, &vals[k]) != 0)
			return -1;
	for (k = 0; k < nb; k++)
		if (tpl_bind(r, b[k].name.name, b[k].name.len, vals[k]) != 0)
			return tpl_fail(r, n, "out of memory");
	return 0;
}

static int
render_with(struct tpl_render *r, const struct tpl_node *n)
{
	size_t mark = r->nvars;
	int rc;

	if (push_binds(r, n, n->u.with.b, n->u.with.n) != 0)
		return -1;
	rc = render_nodes(r, n->u.with.body);
	r->nvars = mark;
	return rc;
}

static int
render_include(struct tpl_render *r, const struct tpl_node *n)
{
	const struct wk_template *t;
	const struct wk_map *saved_ctx = r->ctx;
	const struct tpl_block_entry *saved_blocks = r->blocks;
	size_t saved_nblocks = r->nblocks, saved_floor = r->floor;
	size_t mark = r->nvars, k;
	struct wk_value name, *vals = NULL;
	const char *p;
	size_t pn;
	int rc;

	if (tpl_eval_missing(r, n->u.include.name, 0, &name) != 0)
		return -1;
	if (wk_value_text(&name, r->a, &p, &pn) != 0)
		return tpl_fail(r, n, "out of memory");
	if ((t = load_for(r, n, p, pn)) == NULL)
		return -1;
	if (n->u.include.n > 0) {
		vals = wk_arena_alloc(r->a, n->u.include.n * sizeof(*vals));
		if (vals == NULL)
			return tpl_fail(r, n, "out of memory");
		for (k = 0; k < n->u.include.n; k++)
			if (tpl_eval_missing(r, n->u.include.b[k].expr, 0, &vals[k]) != 0)
				return -1;
	}
	if (n->u.include.only) {
		r->floor = r->nvars;
		r->ctx = NULL;
	}
	for (k = 0; k < n->u.include.n; k++)
		if (tpl_bind(r, n->u.include.b[k].name.name,
		    n->u.include.b[k].name.len, vals[k]) != 0)
			return tpl_fail(r, n, "out of memory");
	r->blocks = NULL;
	r->nblocks = 0;
	rc = render_template(r, t);
	r->blocks = saved_blocks;
	r->nblocks = saved_nblocks;
	r->ctx = saved_ctx;
	r->floor = saved_floor;
	r->nvars = mark;
	return rc;
}

/* The cycle state of node n (created at 0 when new); NULL on no memory. */
static struct tpl_cycle_state *
cycle_state(struct tpl_render *r, const struct tpl_node *n)
{
	struct tpl_cycle_state *nc;
	size_t k, ncap;

	for (k = 0; k < r->ncycles; k++)
		if (r->cycles[k].node == n)
			return &r->cycles[k];
	if (r->ncycles == r->capcycles) {
		ncap = r->capcycles ? r->capcycles * 2 : 4;
		nc = wk_arena_realloc(r->a, r->cycles,
		    r->capcycles * sizeof(*nc), ncap * sizeof(*nc));
		if (nc == NULL)
			return NULL;
		r->cycles = nc;
		r->capcycles = ncap;
	}
	nc = &r->cycles[r->ncycles++];
	nc->node = n;
	nc->next = 0;
	return nc;
}

/* {% cycle %}: a {% cycle name %} advances the named cycle it refers to,
 * silent or not as that one was declared. */
static int
render_cycle(struct tpl_render *r, const struct tpl_node *n)
{
	const struct tpl_node *c = n->u.list.ref;
	struct tpl_cycle_state *cs;
	struct wk_value v;
	size_t k;

	if ((cs = cycle_state(r, c)) == NULL)
		return tpl_fail(r, n, "out of memory");
	k = cs->next % c->u.list.n;
	cs->next = k + 1;
	if (tpl_eval_missing(r, c->u.list.items[k], 0, &v) != 0)
		return -1;
	if (c->u.list.as.len > 0 && tpl_set_upward(r, c->u.list.as.name,
	    c->u.list.as.len, v) != 0)
		return tpl_fail(r, n, "out of memory");
	if (c->u.list.silent)
		return 0;
	return tpl_output(r, &v);
}

static int
render_resetcycle(struct tpl_render *r, const struct tpl_node *n)
{
	struct tpl_cycle_state *cs = cycle_state(r, n->u.reset);

	if (cs == NULL)
		return tpl_fail(r, n, "out of memory");
	cs->next = 0;
	return 0;
}

/* Render v as {{ v }} would, into a new safe string (firstof ... as). */
static int
output_to_value(struct tpl_render *r, const struct wk_value *v,
    struct wk_value *out)
{
	wk_buf b, *saved = r->out;
	int rc;

	wk_buf_init(&b, r->a);
	r->out = &b;
	rc = tpl_output(r, v);
	r->out = saved;
	if (rc != 0 || b.failed)
		return -1;
	*out = wk_val_safen(wk_buf_cstr(&b), b.len);
	return 0;
}

static int
render_firstof(struct tpl_render *r, const struct tpl_node *n)
{
	struct wk_value v, shown;
	size_t k;

	for (k = 0; k < n->u.list.n; k++) {
		if (tpl_eval_missing(r, n->u.list.items[k], 1, &v) != 0)
			return -1;
		if (wk_value_truthy(&v))
			break;
	}
	if (n->u.list.as.len == 0)
		return k < n->u.list.n ? tpl_output(r, &v) : 0;
	/* As Django: the name gets the text as it would have been shown
	 * (escaped), not the value. */
	shown = wk_val_safen("", 0);
	if (k < n->u.list.n && output_to_value(r, &v, &shown) != 0)
		return tpl_fail(r, n, "out of memory");
	if (tpl_set_upward(r, n->u.list.as.name, n->u.list.as.len, shown) != 0)
		return tpl_fail(r, n, "out of memory");
	return 0;
}

/* ---- ifchanged, widthratio, regroup, filter ------------------------------------------- */

/*
 * {% ifchanged %}: Django keeps what it last saw in the innermost loop's
 * forloop, so the memory is per run of that loop: an inner loop starts
 * afresh each time the outer one comes round.  Here a state records the
 * run it belongs to; a state from an older run counts as none.
 */
static int
render_ifchanged(struct tpl_render *r, const struct tpl_node *n)
{
	struct tpl_changed_state *cs = NULL, *nc;
	struct wk_value *vals = NULL;
	wk_buf b, *saved;
	size_t k, ncap, nargs = n->u.ifchanged.n;
	int changed, rc;

	for (k = 0; k < r->nchanged; k++)
		if (r->changed[k].node == n)
			cs = &r->changed[k];
	if (cs == NULL) {
		if (r->nchanged == r->capchanged) {
			ncap = r->capchanged ? r->capchanged * 2 : 4;
			nc = wk_arena_realloc(r->a, r->changed,
			    r->capchanged * sizeof(*nc), ncap * sizeof(*nc));
			if (nc == NULL)
				return tpl_fail(r, n, "out of memory");
			r->changed = nc;
			r->capchanged = ncap;
		}
		cs = &r->changed[r->nchanged++];
		memset(cs, 0, sizeof(*cs));
		cs->node = n;
		cs->loop = ULONG_MAX;    /* no run has that number: fresh */
	}
	changed = cs->loop != r->loop;
	if (nargs > 0) {
		if ((vals = wk_arena_alloc(r->a, nargs * sizeof(*vals))) ==
		    NULL)
			return tpl_fail(r, n, "out of memory");
		for (k = 0; k < nargs; k++) {
			if (tpl_eval_missing(r, n->u.ifchanged.args[k], 1, &vals[k]) != 0)
				return -1;
			if (!changed && !wk_value_equal(&vals[k],
			    &cs->vals[k]))
				changed = 1;
		}
		cs->loop = r->loop;
		if (!changed)
			return render_nodes(r, n->u.ifchanged.els);
		cs->vals = vals;
		return render_nodes(r, n->u.ifchanged.body);
	}
	wk_buf_init(&b, r->a);
	saved = r->out;
	r->out = &b;
	rc = render_nodes(r, n->u.ifchanged.body);
	r->out = saved;
	if (rc != 0)
		return -1;
	if (b.failed)
		return tpl_fail(r, n, "out of memory");
	if (!changed && b.len == cs->textlen && (b.len == 0 ||
	    memcmp(b.data, cs->text, b.len) == 0))
		return render_nodes(r, n->u.ifchanged.els);
	cs->loop = r->loop;
	cs->text = b.data;
	cs->textlen = b.len;
	return wk_buf_append(r->out, b.data, b.len);
}

/* Python's float() of a value: 0, or -1 when it has none. */
static int
py_float(const struct wk_value *v, double *out)
{
	if (v->kind == WK_VAL_NULL || v->kind == WK_VAL_LIST ||
	    v->kind == WK_VAL_MAP || v->kind == WK_VAL_OBJECT)
		return -1;
	if (v->kind == WK_VAL_BOOL) {
		*out = v->u.b != 0;
		return 0;
	}
	return wk_value_to_real(v, out);
}

/* Python's int() of a value: integers, reals truncated, integer text. */
static int
py_int(const struct wk_value *v, double *out)
{
	long long i;

	switch (v->kind) {
	case WK_VAL_INT:
		*out = (double)v->u.i;
		return 0;
	case WK_VAL_BOOL:
		*out = v->u.b != 0;
		return 0;
	case WK_VAL_REAL:
		if (!isfinite(v->u.r))
			return -1;
		*out = trunc(v->u.r);
		return 0;
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		if (memchr(v->u.s.p, '.', v->u.s.n) != NULL ||
		    memchr(v->u.s.p, 'e', v->u.s.n) != NULL ||
		    memchr(v->u.s.p, 'E', v->u.s.n) != NULL ||
		    wk_value_to_int(v, &i) != 0)
			return -1;
		*out = (double)i;
		return 0;
	default:
		return -1;
	}
}

/*
 * {% widthratio this max width %}: round(this / max * width) with
 * Python's round (halves to even: 62.5 gives 62).  As Django: a width
 * that is not a number fails the render; a value or maximum that is not
 * one gives ""; a zero maximum gives "0".
 */
static int
render_widthratio(struct tpl_render *r, const struct tpl_node *n)
{
	struct wk_value v, m, w, shown;
	double val, max, width, ratio;
	char num[400];
	int len;

	if (tpl_eval_missing(r, n->u.ratio.val, 1, &v) != 0 ||
	    tpl_eval_missing(r, n->u.ratio.max, 1, &m) != 0 ||
	    tpl_eval_missing(r, n->u.ratio.width, 0, &w) != 0)
		return -1;
	if (py_int(&w, &width) != 0)
		return tpl_fail(r, n, "widthratio final argument must be a "
		    "number");
	num[0] = '\0';
	if (py_float(&v, &val) == 0 && py_float(&m, &max) == 0) {
		if (max == 0)
			len = snprintf(num, sizeof(num), "0");
		else {
			ratio = val / max * width;
			len = isfinite(ratio) ? snprintf(num, sizeof(num),
			    "%.0f", nearbyint(ratio)) : 0;
			if (len > 0 && strcmp(num, "-0") == 0)
				len = snprintf(num, sizeof(num), "0");
		}
		if (len < 0 || (size_t)len >= sizeof(num))
			num[0] = '\0';
	}
	shown = wk_val_strn(wk_arena_strndup(r->a, num, strlen(num)),
	    strlen(num));
	if (shown.u.s.p == NULL)
		return tpl_fail(r, n, "out of memory");
	if (n->u.ratio.as.len > 0)
		return tpl_set_upward(r, n->u.ratio.as.name, n->u.ratio.as.len,
		    shown) != 0 ? tpl_fail(r, n, "out of memory") : 0;
	return wk_buf_append(r->out, num, strlen(num));
}

/* One group of {% regroup %}: .grouper and .list, or unpacked as a pair. */
struct group {
	struct wk_value grouper;
	struct wk_list *list;
};

static int
group_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct group *g = self;

	(void)a;
	if (len == 7 && memcmp(name, "grouper", 7) == 0)
		*out = g->grouper;
	else if (len == 4 && memcmp(name, "list", 4) == 0)
		*out = wk_val_list(g->list);
	else
		return 1;
	return 0;
}

static size_t
group_len(const void *self)
{
	(void)self;
	return 2;
}

static int
group_item(const void *self, size_t i, wk_arena *a, struct wk_value *out)
{
	const struct group *g = self;

	(void)a;
	if (i > 1)
		return 1;
	*out = i == 0 ? g->grouper : wk_val_list(g->list);
	return 0;
}

static const struct wk_object_ops group_ops = { "GroupedResult", group_get,
	group_len, group_item, NULL };

/* {% regroup xs by attr as name %}: runs of equal attr, in order. */
static int
render_regroup(struct tpl_render *r, const struct tpl_node *n)
{
	struct wk_list *groups = wk_list_new(r->a);
	struct group *g = NULL;
	struct wk_value seq, item, key;
	size_t mark = r->nvars, count = 0, k;
	int rc;

	if (groups == NULL)
		return tpl_fail(r, n, "out of memory");
	if (tpl_eval_missing(r, n->u.regroup.seq, 1, &seq) != 0)
		return -1;
	if (seq.kind == WK_VAL_NULL || wk_val_is_str(&seq) ||
	    wk_value_len(&seq, &count) != 0)
		count = 0;
	if (tpl_charge(r, n, count) != 0)
		return -1;
	if (tpl_bind(r, n->u.regroup.as.name, n->u.regroup.as.len,
	    wk_val_null()) != 0)
		return tpl_fail(r, n, "out of memory");
	for (k = 0; k < count; k++) {
		rc = wk_value_item(&seq, k, r->a, &item);
		if (rc < 0)
			return tpl_fail(r, n, "error reading item %zu", k);
		if (rc > 0)
			item = wk_val_null();
		r->vars[mark].v = item;
		if (tpl_eval_missing(r, n->u.regroup.by, 1, &key) != 0)
			return -1;
		if (g == NULL || !wk_value_equal(&key, &g->grouper)) {
			if ((g = wk_arena_alloc(r->a, sizeof(*g))) == NULL ||
			    (g->list = wk_list_new(r->a)) == NULL ||
			    wk_list_push(r->a, groups,
			    wk_val_object(&group_ops, g)) != 0)
				return tpl_fail(r, n, "out of memory");
			g->grouper = key;
		}
		if (wk_list_push(r->a, g->list, item) != 0)
			return tpl_fail(r, n, "out of memory");
	}
	r->nvars = mark;
	if (tpl_set_upward(r, n->u.regroup.as.name, n->u.regroup.as.len,
	    wk_val_list(groups)) != 0)
		return tpl_fail(r, n, "out of memory");
	return 0;
}

/* {% filter %}: the body's text (safe) through the filters, written as
 * the filters left it (Django does not escape the result again). */
static int
render_filter(struct tpl_render *r, const struct tpl_node *n)
{
	wk_buf b, *saved = r->out;
	struct wk_value v;
	int rc;

	wk_buf_init(&b, r->a);
	r->out = &b;
	rc = render_nodes(r, n->u.filter.body);
	r->out = saved;
	if (rc != 0)
		return -1;
	if (b.failed)
		return tpl_fail(r, n, "out of memory");
	v = wk_val_safen(b.len > 0 ? b.data : "", b.len);
	if (tpl_apply_filters(r, n->u.filter.chain, v, &v) != 0)
		return -1;
	if (wk_val_is_str(&v))
		return wk_buf_append(r->out, v.u.s.p, v.u.s.n);
	return wk_value_write(&v, r->out);
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Drop whitespace between tags (">  <" becomes "><") and at both ends. */
static int
render_spaceless(struct tpl_render *r, const struct tpl_node *n)
{
	wk_buf b, *saved = r->out;
	const char *s;
	size_t i = 0, len, j;
	int rc;

	wk_buf_init(&b, r->a);
	r->out = &b;
	rc = render_nodes(r, n->u.body);
	r->out = saved;
	if (rc != 0)
		return -1;
	if (b.failed)
		return tpl_fail(r, n, "out of memory");
	s = wk_buf_cstr(&b);
	len = b.len;
	while (len > 0 && is_ws(s[len - 1]))
		len--;
	while (i < len && is_ws(s[i]))
		i++;
	while (i < len) {
		if (s[i] == '>') {
			wk_buf_putc(r->out, '>');
			j = i + 1;
			while (j < len && is_ws(s[j]))
				j++;
			if (j < len && s[j] == '<')
				i = j;
			else
				i++;
			continue;
		}
		wk_buf_putc(r->out, s[i]);
		i++;
	}
	return r->out->failed ? -1 : 0;
}

/* ---- the walk ---------------------------------------------------------------------------- */

static int
render_node(struct tpl_render *r, const struct tpl_node *n)
{
	struct wk_value v;
	size_t k;
	int t, saved, rc;

	switch (n->kind) {
	case TN_TEXT:
		return wk_buf_append(r->out, n->u.text.p, n->u.text.n);
	case TN_VAR:
		if (tpl_eval_missing(r, n->u.var, 0, &v) != 0)
			return -1;
		return tpl_output(r, &v);
	case TN_IF:
		for (k = 0; k < n->u.iff.n; k++) {
			const struct tpl_branch *br = &n->u.iff.br[k];

			if (br->cond == NULL)
				return render_nodes(r, br->body);
			if ((t = cond_truth(r, br->cond)) < 0)
				return -1;
			if (t)
				return render_nodes(r, br->body);
		}
		return 0;
	case TN_FOR:
		return render_for(r, n);
	case TN_WITH:
		return render_with(r, n);
	case TN_BLOCK:
		return render_block(r, n);
	case TN_INCLUDE:
		return render_include(r, n);
	case TN_AUTOESCAPE:
		saved = r->autoescape;
		r->autoescape = n->u.autoesc.on;
		rc = render_nodes(r, n->u.autoesc.body);
		r->autoescape = saved;
		return rc;
	case TN_URL:
		return tpl_render_url(r, n);
	case TN_CSRF:
		return tpl_render_csrf(r, n);
	case TN_STATIC:
		return tpl_render_static(r, n);
	case TN_NOW:
		return tpl_render_now(r, n);
	case TN_CYCLE:
		return render_cycle(r, n);
	case TN_FIRSTOF:
		return render_firstof(r, n);
	case TN_SPACELESS:
		return render_spaceless(r, n);
	case TN_CUSTOM:
		return tpl_render_custom(r, n);
	case TN_RESETCYCLE:
		return render_resetcycle(r, n);
	case TN_IFCHANGED:
		return render_ifchanged(r, n);
	case TN_WIDTHRATIO:
		return render_widthratio(r, n);
	case TN_REGROUP:
		return render_regroup(r, n);
	case TN_FILTER:
		return render_filter(r, n);
	case TN_LOREM:
		return tpl_render_lorem(r, n);
	case TN_DEBUG:
		return tpl_render_debug(r, n);
	case TN_PREFIX:
		return tpl_render_prefix(r, n);
	case TN_QUERYSTRING:
		return tpl_render_querystring(r, n);
	default:
		return tpl_fail(r, n, "unknown node");
	}
}

static int
render_nodes(struct tpl_render *r, const struct tpl_node *n)
{
	int rc = 0;

	if (++r->calls > TPL_MAX_CALLS)
		return tpl_fail(r, n, "templates nested too deeply");
	for (; n != NULL; n = n->next) {
		if (++r->steps > r->max_steps)
			return tpl_fail(r, n, "rendering took more than %lu "
			    "steps", r->max_steps);
		if ((rc = render_node(r, n)) != 0)
			break;
	}
	r->calls--;
	if (rc == 0 && r->out->failed)
		return tpl_fail(r, NULL, "out of memory");
	if (rc != 0 && r->err->message[0] == '\0')
		return tpl_fail(r, n, "%s", r->out->failed ? "out of memory" :
		    "rendering failed");
	return rc;
}

/* Add the blocks of t to the chain's table (child first, so later
 * templates append behind the overriding ones). */
static int
collect_blocks(struct tpl_render *r, struct tpl_block_entry *tab, size_t *n,
    size_t cap, const struct wk_template *t)
{
	const struct tpl_node *b;
	struct tpl_block_entry *e;
	size_t k, j;

	for (k = 0; k < t->nblocks; k++) {
		b = t->blocks[k];
		e = NULL;
		for (j = 0; j < *n; j++)
			if (tab[j].len == b->u.block.len &&
			    memcmp(tab[j].name, b->u.block.name,
			    b->u.block.len) == 0)
				e = &tab[j];
		if (e == NULL) {
			if (*n == cap)
				return tpl_fail(r, b, "too many blocks");
			e = &tab[(*n)++];
			e->name = b->u.block.name;
			e->len = b->u.block.len;
			e->n = 0;
		}
		if (e->n <= TPL_MAX_RENDER)
			e->nodes[e->n++] = b;
	}
	return 0;
}

static int
render_template(struct tpl_render *r, const struct wk_template *t)
{
	const struct wk_template *chain[TPL_MAX_RENDER + 1], *cur;
	const struct wk_template *saved_tpl = r->tpl;
	const struct tpl_block_entry *saved_blocks = r->blocks;
	struct tpl_block_entry *tab;
	size_t saved_nblocks = r->nblocks, nchain = 1, total = 0, ntab = 0, k;
	struct wk_value name;
	const char *p;
	size_t pn;
	int rc;

	if (++r->depth > TPL_MAX_RENDER) {
		r->tpl = t;
		return tpl_fail(r, NULL, "include/extends chain longer than "
		    "%d", TPL_MAX_RENDER);
	}
	r->tpl = t;
	if (t->extends == NULL) {
		rc = render_nodes(r, t->body);
		r->tpl = saved_tpl;
		r->depth--;
		return rc;
	}
	chain[0] = t;
	total = t->nblocks;
	for (cur = t; cur->extends != NULL; cur = chain[nchain - 1]) {
		if (nchain > TPL_MAX_RENDER)
			return tpl_fail(r, NULL, "extends chain longer than "
			    "%d", TPL_MAX_RENDER);
		r->tpl = cur;
		if (tpl_eval_missing(r, cur->extends, 0, &name) != 0)
			return -1;
		if (wk_value_text(&name, r->a, &p, &pn) != 0)
			return tpl_fail(r, NULL, "out of memory");
		if ((chain[nchain] = load_for(r, NULL, p, pn)) == NULL)
			return -1;
		total += chain[nchain]->nblocks;
		nchain++;
	}
	tab = wk_arena_alloc(r->a, (total ? total : 1) * sizeof(*tab));
	if (tab == NULL)
		return tpl_fail(r, NULL, "out of memory");
	for (k = 0; k < nchain; k++)
		if (collect_blocks(r, tab, &ntab, total, chain[k]) != 0)
			return -1;
	r->blocks = tab;
	r->nblocks = ntab;
	r->tpl = cur;
	rc = render_nodes(r, cur->body);
	r->blocks = saved_blocks;
	r->nblocks = saved_nblocks;
	r->tpl = saved_tpl;
	r->depth--;
	return rc;
}

/* see template.h */
int
wk_template_render(const struct wk_template *t,
    const struct wk_render_env *env, const struct wk_map *ctx, wk_buf *out,
    struct wk_template_error *err)
{
	struct tpl_render r;

	assert(t != NULL && env != NULL && env->arena != NULL && out != NULL &&
	    err != NULL);
	memset(err, 0, sizeof(*err));
	memset(&r, 0, sizeof(r));
	r.env = env;
	r.a = env->arena;
	r.out = out;
	r.ctx = ctx;
	r.autoescape = 1;
	r.err = err;
	r.max_steps = env->max_steps ? env->max_steps : WK_TPL_MAX_STEPS;
	if (render_template(&r, t) != 0) {
		if (err->message[0] == '\0')
			snprintf(err->message, sizeof(err->message),
			    "%s: rendering failed", t->name);
		return -1;
	}
	return 0;
}
