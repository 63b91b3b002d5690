/*
 * tree.h - the parsed form of a template, as the engine walks it.
 *
 * Not an API: apps never read or build these structs, and they change
 * with the library.  They are public for one reason: tools/wk-templates
 * (installed as wick-templates) parses an app's templates at build time
 * and writes each one's tree out as static const initialisers of these
 * structs, so that a binary renders its embedded templates without
 * parsing them (docs/templates.md, "Parsed at build time").  That is why
 * every pointer here is a pointer to const: nothing rewrites a tree once
 * it is built, whether the parser built it in an arena or the compiler
 * laid it out in read-only data.  The parser (src/template/parse.c) is
 * the one place that builds them at run time.
 */
#ifndef WICK_TEMPLATE_TREE_H
#define WICK_TEMPLATE_TREE_H

#include <stddef.h>

#include "wick/template/template.h"
#include "wick/core/value.h"

/* One dotted part of a variable: `post`, `title`, `0`. */
struct tpl_seg {
	const char *name;
	size_t len;
};

/* A literal or a variable path. */
struct tpl_operand {
	int is_var;
	struct wk_value lit;         /* !is_var */
	const struct tpl_seg *segs;  /* is_var */
	size_t nsegs;
};

/* A filter, from the built-in table or registered by the app. */
struct tpl_filter_def {
	const char *name;
	wk_filter_fn fn;
	unsigned flags;              /* WK_FILTER_* */
};

/* One `|name:arg` of an expression. */
struct tpl_filter {
	const struct tpl_filter_def *def;  /* NULL: lenient parse, look up
	                                      when rendering */
	const char *name;
	size_t namelen;
	int has_arg;
	struct tpl_operand arg;
	int late;                          /* a built tree's app filter: def
	                                      looked up and the argument
	                                      checked when rendering */
};

/* `post.title|truncatechars:40|upper` */
struct tpl_expr {
	struct tpl_operand base;
	const struct tpl_filter *filters;
	size_t nfilters;
};

enum tpl_cond_op {
	TC_LEAF, TC_OR, TC_AND, TC_NOT, TC_EQ, TC_NE, TC_LT, TC_GT, TC_LE,
	TC_GE, TC_IN, TC_NOTIN, TC_IS, TC_ISNOT, TC__MAX
};

/* An {% if %} condition tree. */
struct tpl_cond {
	enum tpl_cond_op op;
	const struct tpl_cond *l, *r; /* r is NULL for NOT */
	const struct tpl_expr *leaf; /* TC_LEAF */
};

/* One `name=expr` (with, include ... with). */
struct tpl_bind {
	struct tpl_seg name;
	const struct tpl_expr *expr;
};

enum tpl_node_kind {
	TN_TEXT, TN_VAR, TN_IF, TN_FOR, TN_WITH, TN_BLOCK, TN_INCLUDE,
	TN_AUTOESCAPE, TN_URL, TN_CSRF, TN_STATIC, TN_NOW, TN_CYCLE,
	TN_FIRSTOF, TN_SPACELESS, TN_CUSTOM, TN_RESETCYCLE, TN_IFCHANGED,
	TN_WIDTHRATIO, TN_REGROUP, TN_FILTER, TN_LOREM, TN_DEBUG, TN_PREFIX,
	TN_QUERYSTRING, TN__MAX
};

struct tpl_node;

struct tpl_branch {
	const struct tpl_cond *cond; /* NULL for else */
	const struct tpl_node *body;
};

struct tpl_tag_def {
	const char *name;
	wk_tag_fn fn;
};

struct tpl_node {
	enum tpl_node_kind kind;
	const struct tpl_node *next;
	unsigned line, col;
	union {
		struct { const char *p; size_t n; } text;
		const struct tpl_expr *var;
		struct { const struct tpl_branch *br; size_t n; } iff;
		struct {
			const struct tpl_seg *names;
			size_t nnames;
			const struct tpl_expr *seq;
			int reversed;
			const struct tpl_node *body, *empty;
		} loop;
		struct {
			const struct tpl_bind *b;
			size_t n;
			const struct tpl_node *body;
		}
		    with;
		struct {
			const char *name;
			size_t len;
			const struct tpl_node *body;
		}
		    block;
		struct {
			const struct tpl_expr *name;
			const struct tpl_bind *b;
			size_t n;
			int only;
		} include;
		struct { int on; const struct tpl_node *body; } autoesc;
		struct {
			const struct tpl_expr *name;
			const struct tpl_expr *const *args;
			size_t nargs;
			const struct tpl_seg *kw;  /* keyword names, one per arg;
			                        NULL: positional */
			struct tpl_seg as;   /* as.len == 0: output */
		} url;
		struct {
			const struct tpl_expr *path;
			struct tpl_seg as;
		} stat;
		struct { const char *fmt; size_t len; struct tpl_seg as; } now;
		struct {
			const struct tpl_expr *const *items;
			size_t n;
			struct tpl_seg as;   /* `as name`; len 0: none */
			int silent;          /* cycle ... as name silent */
			const struct tpl_node *ref; /* {% cycle name %}: the
			                               named cycle; else self */
		} list;                      /* cycle, firstof */
		const struct tpl_node *reset;   /* resetcycle: its cycle */
		struct {
			const struct tpl_expr *const *args; /* n == 0: the body */
			size_t n;
			const struct tpl_node *body, *els;
		} ifchanged;
		struct {
			const struct tpl_expr *val, *max, *width;
			struct tpl_seg as;
		} ratio;                     /* widthratio */
		struct {
			const struct tpl_expr *seq;
			const struct tpl_expr *by;     /* base's first segment is as */
			struct tpl_seg as;
		} regroup;
		struct {
			const struct tpl_expr *chain; /* base unused: the body */
			const struct tpl_node *body;
		} filter;
		struct {
			const struct tpl_expr *count;
			char method;             /* 'w', 'p' or 'b' */
			int random;
		} lorem;
		struct { int media; struct tpl_seg as; } prefix;
		struct { const struct tpl_bind *b; size_t n; } qs; /* querystring */
		const struct tpl_node *body; /* spaceless */
		struct {
			const struct tpl_tag_def *def; /* NULL: look up later */
			const char *name;
			size_t len;
			const struct tpl_expr *const *args;
			size_t nargs;
		} custom;
	} u;
};

struct wk_template {
	const char *name;
	const struct tpl_node *body;
	const struct tpl_expr *extends; /* {% extends %}, or NULL */
	const struct tpl_node *const *blocks; /* every block node, in order */
	size_t nblocks;
	const char *text;            /* the source (for line numbers) */
	size_t len;
};

/*
 * The built-in filters, sorted by name (src/template/filters.c): the
 * generated trees point into this table, so a precompiled template does
 * not look its filters up by name.  An app's own filters are registered
 * at run time; a generated tree leaves their def NULL (looked up when
 * rendering, as a lenient parse does).
 */
extern const struct tpl_filter_def tpl_builtin_filters[];
extern const size_t tpl_builtin_nfilters;

#endif /* WICK_TEMPLATE_TREE_H */
