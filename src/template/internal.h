/*
 * internal.h - what the template files share and nobody else sees.
 *
 * The template engine is split by concern, and its files call each other
 * in one direction only, top to bottom (no file calls one above it):
 *
 *   page.c      wk_render, error pages, context processors: the one file
 *               that answers HTTP (response headers, the request's log)
 *   render.c    walks the node tree: if, for, with, blocks and
 *               inheritance, include, cycle...; dispatches the leaf tags
 *   tags.c      the tags that reach outside the template (url, static and
 *               the prefixes, querystring, debug, csrf_token, now, custom
 *               tags)
 *   lorem.c     {% lorem %}'s placeholder text
 *   eval.c      names, values and errors: variable lookup on the scope
 *               stack, filter chains, escaped output, tpl_fail, step limit
 *   load.c      finds templates (the app's set, then the library's;
 *               embedded or on disk), caches them, finds static files
 *   parse.c     text into the node tree (wick/template/tree.h, public
 *               for the trees tools/wk-templates writes as C data); the
 *               tag registry
 *   filters*.c  the filters: filters.c the table, the registry and the
 *               small ones, then one file per concern (text, url, list,
 *               number, date, json)
 *
 * render.c reaches the loader directly (tpl_load) and the leaf tags
 * through tpl_render_*; tags.c and lorem.c use only eval.c below them,
 * never the walker.  Serving static files is HTTP's (src/http/static.c).
 * tools/wk-templates links only the parser, the filters and value.c, so
 * those never call into the request pipeline.
 */
#ifndef WICK_TEMPLATE_INT_H
#define WICK_TEMPLATE_INT_H

#include <stddef.h>

#include "wick/template/template.h"
#include "wick/template/tree.h"
#include "wick/core/buf.h"
#include "wick/core/value.h"

#define TPL_MAX_NEST 100     /* tags inside tags (parse) */
#define TPL_MAX_RENDER 20    /* extends/include chain (render) */
#define TPL_MAX_CALLS 400    /* render recursion guard */

/* A name bound while rendering (for, with, block, include ... with). */
struct tpl_var {
	const char *name;
	size_t len;
	struct wk_value v;
};

/* The blocks of one extends chain: nodes[0] is the child's. */
struct tpl_block_entry {
	const char *name;
	size_t len;
	const struct tpl_node *nodes[TPL_MAX_RENDER + 1];
	size_t n;
};

struct tpl_cycle_state {
	const struct tpl_node *node;
	size_t next;
};

/* What an {% ifchanged %} saw last, per node and loop run. */
struct tpl_changed_state {
	const struct tpl_node *node;
	unsigned long loop;          /* the loop run it belongs to */
	struct wk_value *vals;       /* the arguments' values, or */
	const char *text;            /* the body's text (no arguments) */
	size_t textlen;
};

/* The state of one wk_template_render call. */
struct tpl_render {
	const struct wk_render_env *env;
	wk_arena *a;
	wk_buf *out;
	const struct wk_map *ctx;
	struct tpl_var *vars;        /* scope stack: vars[0..nvars) */
	size_t nvars, capvars;
	size_t floor;                /* lookups stop here (include only) */
	const struct tpl_block_entry *blocks; /* the current extends chain */
	size_t nblocks;
	struct tpl_cycle_state *cycles;
	size_t ncycles, capcycles;
	struct tpl_changed_state *changed;
	size_t nchanged, capchanged;
	unsigned long loop;          /* the innermost for's run; 0 outside */
	unsigned long loops;         /* for runs started so far */
	int autoescape;
	int depth;                   /* extends/include depth */
	int calls;                   /* recursion guard */
	unsigned long steps;         /* nodes visited; bounded by max_steps */
	unsigned long max_steps;
	const struct wk_template *tpl; /* for error positions */
	struct wk_template_error *err;
};

/* filters.c: a filter by name (built-in or registered), or NULL. */
const struct tpl_filter_def *tpl_filter_find(const char *name, size_t len);

/* parse.c: a registered tag by name, or NULL. */
const struct tpl_tag_def *tpl_tag_find(const char *name, size_t len);

/* parse.c: line and column (1-based) of byte off in text. */
void tpl_linecol(const char *text, size_t len, size_t off, unsigned *line,
    unsigned *col);

/* ---- eval.c: what a render in progress offers every tag ---- */

/* Set r->err to "name:line:col: message" for node n (NULL: no place),
 * unless an error is already set (the first, innermost one wins).
 * Returns -1. */
int tpl_fail(struct tpl_render *r, const struct tpl_node *n,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The innermost binding of name on the scope stack (down to the include
 * floor), else the context's; NULL if none. */
const struct wk_value *tpl_lookup(const struct tpl_render *r,
    const char *name, size_t len);

/* Evaluate e into *out; a name that does not resolve is None when
 * none_if_missing (if, firstof, ifchanged) and "" otherwise.  0 or -1. */
int tpl_eval_missing(struct tpl_render *r, const struct tpl_expr *e,
    int none_if_missing, struct wk_value *out);

/* Evaluate e into *out (a missing name is "").  0 or -1. */
int tpl_eval(struct tpl_render *r, const struct tpl_expr *e,
    struct wk_value *out);

/* Run e's filters over cur into *out (cur may be *out).  0 or -1. */
int tpl_apply_filters(struct tpl_render *r, const struct tpl_expr *e,
    struct wk_value cur, struct wk_value *out);

/* Write v escaped as a variable is.  0 or -1. */
int tpl_output(struct tpl_render *r, const struct wk_value *v);

/* Bind name to v in the innermost scope.  0 or -1. */
int tpl_bind(struct tpl_render *r, const char *name, size_t len,
    struct wk_value v);

/* Count k more steps against max_steps (work a tag does without
 * visiting nodes: lorem's words, regroup's items).  0 or -1. */
int tpl_charge(struct tpl_render *r, const struct tpl_node *n,
    unsigned long k);

/* Bind name to v where Django's set_upward would: the innermost binding
 * of name if there is one, else a new one.  0 or -1. */
int tpl_set_upward(struct tpl_render *r, const char *name, size_t len,
    struct wk_value v);

/* ---- tags.c and lorem.c: leaf nodes render.c dispatches to ---- */

int tpl_render_url(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_prefix(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_querystring(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_debug(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_csrf(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_static(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_now(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_custom(struct tpl_render *r, const struct tpl_node *n);
int tpl_render_lorem(struct tpl_render *r, const struct tpl_node *n);

/* ---- load.c ---- */

/* The template called name (n bytes) from set, else from the library's
 * set; as wk_template_load (template.h) but with a length. */
const struct wk_template *tpl_load(const struct wk_template_set *set,
    const char *name, size_t n, int reload, wk_arena *a,
    struct wk_template_error *err);

/* 1 if set (may be NULL) or the library embeds a template called name. */
int tpl_exists(const struct wk_template_set *set, const char *name,
    size_t n);

/* Fill err (zeroed first) with a printf-style message, no position. */
void tpl_set_error(struct wk_template_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- filters*.c: what the filter files share ---- */

#define TPL_ELLIPSIS "\xe2\x80\xa6"   /* U+2026, what truncation adds */
#define TPL_NBSP "\xc2\xa0"            /* U+00A0, "1\xc2\xa0KB", "2\xc2\xa0days" */

/* Escape n bytes for HTML into a new safe value. */
int tpl_escape_value(wk_arena *a, const char *s, size_t n,
    struct wk_value *out);

/* The input as text (numbers written out). */
static inline int
tpl_text_of(const struct wk_filter_ctx *c, const struct wk_value *v,
    const char **p, size_t *n)
{
	return wk_value_text(v, c->arena, p, n);
}

/* A value from a buffer, safe or not; -1 if the buffer failed. */
static inline int
tpl_from_buf(const wk_buf *b, int safe, struct wk_value *out)
{
	if (b->failed)
		return -1;
	*out = safe ? wk_val_safen(wk_buf_cstr(b), b->len) :
	    wk_val_strn(wk_buf_cstr(b), b->len);
	return 0;
}

/* Does this filter's input need escaping when the filter builds HTML? */
static inline int
tpl_must_escape(const struct wk_filter_ctx *c, const struct wk_value *in)
{
	return c->autoescape && in->kind != WK_VAL_SAFE;
}

/* Append s, escaped for HTML when esc is set.  0 or -1. */
static inline int
tpl_put_maybe_escaped(wk_buf *b, int esc, const char *s, size_t n)
{
	return esc ? wk_buf_append_html(b, s, n) : wk_buf_append(b, s, n);
}

/* An integer argument, or def when absent (*ok 1) or not a number
 * (*ok 0). */
static inline long long
tpl_int_arg(const struct wk_value *arg, long long def, int *ok)
{
	long long i;

	*ok = 1;
	if (arg == NULL)
		return def;
	if (wk_value_to_int(arg, &i) != 0) {
		*ok = 0;
		return def;
	}
	return i;
}

/*
 * The filters the table in filters.c names but other files define (one
 * file per concern; see the opening comment).  Each is a wk_filter_fn.
 */
#define TPL_FILTER(name) int tpl_f_##name(const struct wk_filter_ctx *c, \
    const struct wk_value *in, const struct wk_value *arg, \
    struct wk_value *out)
TPL_FILTER(truncatechars);
TPL_FILTER(truncatewords);
TPL_FILTER(wordcount);
TPL_FILTER(striptags);
TPL_FILTER(linebreaks);
TPL_FILTER(linebreaksbr);
TPL_FILTER(join);
TPL_FILTER(first);
TPL_FILTER(last);
TPL_FILTER(slice);
TPL_FILTER(add);
TPL_FILTER(floatformat);
TPL_FILTER(filesizeformat);
TPL_FILTER(urlencode);
TPL_FILTER(urlize);
TPL_FILTER(urlizetrunc);
TPL_FILTER(escapejs);
TPL_FILTER(json_script);
TPL_FILTER(date);
TPL_FILTER(time);
TPL_FILTER(make_list);
TPL_FILTER(get_digit);
TPL_FILTER(linenumbers);
TPL_FILTER(iriencode);
TPL_FILTER(wordwrap);
TPL_FILTER(stringformat);
TPL_FILTER(dictsort);
TPL_FILTER(dictsortreversed);
TPL_FILTER(timesince);
TPL_FILTER(timeuntil);
TPL_FILTER(unordered_list);
TPL_FILTER(random);
TPL_FILTER(pprint);
TPL_FILTER(truncatechars_html);
TPL_FILTER(truncatewords_html);
#undef TPL_FILTER

#endif /* WICK_TEMPLATE_INT_H */
