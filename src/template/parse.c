/*
 * parse.c - template text to node tree (see template.h).
 *
 * One pass, linear in the size of the text: a lexer cuts the text into
 * literal text, {{ variables }}, {% tags %} and {# comments #}; a
 * recursive-descent parser builds nodes, resolving filter names as it goes
 * so that a typo fails at build time with a line and column rather than at
 * request time.  {% verbatim %} and {% comment %} bodies are skipped as raw
 * text.  Nesting is bounded (TPL_MAX_NEST) so hostile input cannot exhaust
 * the stack.  Apps' custom tags are registered here too, since the parser
 * must know them.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TPL_MAX_BITS 64    /* words in one tag */

/*
 * The apps' own tags: a list in an arena of its own that lives as long as
 * the process.  Entries never move (a parsed template keeps a pointer to
 * its tag's), so the list grows by links, not by reallocation.
 */
struct custom_tag {
	struct tpl_tag_def def;
	struct custom_tag *next;
};

static wk_arena tags_arena;
static int tags_ready;
static struct custom_tag *custom_tags, **tags_tail = &custom_tags;

enum tok_kind { TOK_TEXT, TOK_VAR, TOK_TAG, TOK_COMMENT, TOK_EOF };

struct tok {
	enum tok_kind kind;
	const char *p;          /* content (trimmed for var/tag) */
	size_t n;
	size_t off;             /* byte offset of the token's start */
};

/* One word of a tag ("x|default:'a b'"). */
struct bit {
	const char *p;
	size_t n;
};

struct parser {
	wk_arena *a;
	const char *name;
	const char *text;
	size_t len;
	size_t pos;
	unsigned flags;
	int depth;
	struct wk_template *t;
	const struct tpl_node **blocks; /* t->blocks, writable */
	size_t capblocks;
	int seen_node;          /* a non-text node came before */
	struct wk_template_error *err;
	int failed;
	size_t lc_off;          /* new_node's line/column cache: offsets */
	size_t lc_start;        /* only grow, so positions cost O(n) in all */
	unsigned lc_line;
	const char *fc_at[4];   /* find_cached: "}}" "%}" "#}" "\n" */
	int fc_done[4];
	struct tpl_node **cycles; /* named cycles ({% cycle ... as x %}) */
	size_t ncycles, capcycles;
	struct tpl_node *last_cycle; /* for a {% resetcycle %} without name */
};

/* see internal.h */
void
tpl_linecol(const char *text, size_t len, size_t off, unsigned *line,
    unsigned *col)
{
	size_t i, last = 0;
	unsigned l = 1;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			l++;
			last = i + 1;
		}
	}
	*line = l;
	*col = (unsigned)(off - last + 1);
}

/* Record an error at byte offset off; always returns -1. */
static int __attribute__((format(printf, 3, 4)))
perr(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	int n;

	if (p->failed)
		return -1;
	p->failed = 1;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	tpl_linecol(p->text, p->len, off, &p->err->line, &p->err->col);
	n = snprintf(p->err->message, sizeof(p->err->message), "%s:%u:%u: %s",
	    p->name, p->err->line, p->err->col, msg);
	if (n < 0 || (size_t)n >= sizeof(p->err->message))
		p->err->message[sizeof(p->err->message) - 1] = '\0';
	return -1;
}

/* Offset of pointer q inside the text. */
static size_t
offof(const struct parser *p, const char *q)
{
	return (size_t)(q - p->text);
}

static void *
palloc(struct parser *p, size_t n)
{
	void *q = wk_arena_calloc(p->a, 1, n);

	if (q == NULL)
		perr(p, p->pos, "out of memory");
	return q;
}

/* ---- lexer ------------------------------------------------------------------ */

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s))
		(*s)++, (*n)--;
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

/*
 * The first two-byte string c0 c1 in [s, end), or NULL.  memchr-based
 * rather than memmem: some memmem implementations (and sanitizer
 * interceptors) touch the whole rest of the text on every call, which
 * would make a template with many tags quadratic.
 */
static const char *
find2(const char *s, const char *end, const char *two)
{
	while (s + 1 < end) {
		s = memchr(s, two[0], (size_t)(end - s - 1));
		if (s == NULL)
			return NULL;
		if (s[1] == two[1])
			return s;
		s++;
	}
	return NULL;
}

/*
 * The first occurrence of two (or of the byte two[0] when two[1] is NUL)
 * at or after from, remembered in slot k.  The lexer asks with a from that
 * only grows, so an answer at or after from is still the first one; a
 * run like "{{{{{{..." on one long line then costs linear time instead of
 * one scan to the line's end per brace.
 */
static const char *
find_cached(struct parser *p, int k, const char *from, const char *two)
{
	const char *end = p->text + p->len, *q;

	if (p->fc_done[k] && (p->fc_at[k] == NULL || p->fc_at[k] >= from))
		return p->fc_at[k];
	if (two[1] == '\0')
		q = from < end ? memchr(from, two[0], (size_t)(end - from)) :
		    NULL;
	else
		q = find2(from, end, two);
	p->fc_at[k] = q;
	p->fc_done[k] = 1;
	return q;
}

/* Next token from p->pos. */
static int
lex_next(struct parser *p, struct tok *t)
{
	static const char *const closers[] = { "}}", "%}", "#}" };
	const char *s = p->text + p->pos, *end = p->text + p->len, *q, *close;
	const char *nl;
	int k;

	t->off = p->pos;
	if (s >= end) {
		t->kind = TOK_EOF;
		t->p = s;
		t->n = 0;
		return 0;
	}
	if (s[0] == '{' && s + 1 < end &&
	    (s[1] == '{' || s[1] == '%' || s[1] == '#')) {
		k = s[1] == '{' ? 0 : s[1] == '%' ? 1 : 2;
		close = find_cached(p, k, s + 2, closers[k]);
		/* A short tag is searched for a newline directly; a long
		 * stretch asks the cache, so openers on one long line do not
		 * each scan to its end. */
		if (close != NULL && close - s < 256)
			nl = memchr(s + 2, '\n', (size_t)(close - s - 2));
		else
			nl = find_cached(p, 3, s + 2, "\n");
		/* As Django's lexer: a tag ends on the line it starts on;
		 * "{{ moo %}" or "{{ moo\n }}" is only text. */
		if (close != NULL && (nl == NULL || close < nl)) {
			t->kind = k == 0 ? TOK_VAR : k == 1 ? TOK_TAG :
			    TOK_COMMENT;
			t->p = s + 2;
			t->n = (size_t)(close - s - 2);
			trim(&t->p, &t->n);
			p->pos = (size_t)(close + 2 - p->text);
			return 0;
		}
	}
	/* Text up to the next "{{", "{%" or "{#" after the first byte (which
	 * may be a brace that opened nothing). */
	q = s + 1;
	for (;;) {
		q = q < end ? memchr(q, '{', (size_t)(end - q)) : NULL;
		if (q == NULL || q + 1 >= end) {
			q = end;
			break;
		}
		if (q[1] == '{' || q[1] == '%' || q[1] == '#')
			break;
		q++;
	}
	t->kind = TOK_TEXT;
	t->p = s;
	t->n = (size_t)(q - s);
	p->pos = (size_t)(q - p->text);
	return 0;
}

/*
 * Skip raw text up to the tag whose content is `endname` (for verbatim and
 * comment).  *body gets the raw text.  The "%}" found for one "{%" is
 * remembered, so a run of "{%{%{%..." costs linear time.
 */
static int
lex_raw_until(struct parser *p, const char *endname, size_t endlen,
    size_t open_off, const char *what, struct tok *body)
{
	const char *s = p->text + p->pos, *end = p->text + p->len;
	const char *q = s, *close = NULL, *c;
	size_t n;

	for (;;) {
		q = find2(q, end, "{%");
		if (q == NULL)
			return perr(p, open_off, "unclosed '%s' tag", what);
		if (close == NULL || close < q + 2) {
			close = find2(q + 2, end, "%}");
			if (close == NULL)
				return perr(p, open_off, "unclosed '%s' tag",
				    what);
		}
		c = q + 2;
		n = (size_t)(close - c);
		trim(&c, &n);
		if (n == endlen && memcmp(c, endname, n) == 0)
			break;
		q += 2;
	}
	body->kind = TOK_TEXT;
	body->p = s;
	body->n = (size_t)(q - s);
	body->off = p->pos;
	p->pos = (size_t)(close + 2 - p->text);
	return 0;
}

/* Split tag content into words, keeping quoted strings whole. */
static int
split_bits(struct parser *p, const struct tok *t, struct bit *bits,
    size_t *nbits)
{
	const char *s = t->p, *end = t->p + t->n;
	size_t n = 0;
	char quote;

	while (s < end) {
		while (s < end && is_space(*s))
			s++;
		if (s >= end)
			break;
		if (n == TPL_MAX_BITS)
			return perr(p, t->off, "too many words in tag");
		bits[n].p = s;
		while (s < end && !is_space(*s)) {
			if (*s == '"' || *s == '\'') {
				quote = *s++;
				while (s < end && *s != quote) {
					if (*s == '\\' && s + 1 < end)
						s++;
					s++;
				}
				if (s >= end)
					return perr(p, offof(p, bits[n].p),
					    "unterminated string");
			}
			s++;
		}
		bits[n].n = (size_t)(s - bits[n].p);
		n++;
	}
	*nbits = n;
	return 0;
}

static int
bit_is(const struct bit *b, const char *word)
{
	size_t n = strlen(word);

	return b->n == n && memcmp(b->p, word, n) == 0;
}

/* ---- expressions ------------------------------------------------------------ */

static int
is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* A string literal at s (quote first); *used gets its length. */
static int
parse_string(struct parser *p, const char *s, const char *end, size_t *used,
    struct wk_value *out)
{
	char quote = *s, *buf;
	const char *q = s + 1;
	size_t n = 0;

	buf = wk_arena_alloc(p->a, (size_t)(end - s));
	if (buf == NULL)
		return perr(p, offof(p, s), "out of memory");
	while (q < end && *q != quote) {
		/* As Django: only \\ and an escaped quote are escapes. */
		if (*q == '\\' && q + 1 < end && (q[1] == quote || q[1] == '\\'))
			q++;
		buf[n++] = *q++;
	}
	if (q >= end)
		return perr(p, offof(p, s), "unterminated string");
	buf[n] = '\0';
	/* Django marks literals in templates safe: the author wrote them. */
	*out = wk_val_safen(buf, n);
	*used = (size_t)(q + 1 - s);
	return 0;
}

/* A number literal: -12, 3.5, 1e3.  *used = 0 when s is not a number. */
static int
parse_number(struct parser *p, const char *s, const char *end, size_t *used,
    struct wk_value *out)
{
	const char *q = s;
	char tmp[64], *e;
	int real = 0;
	size_t n;

	if (q < end && (*q == '-' || *q == '+'))
		q++;
	if (q >= end || !(isdigit((unsigned char)*q) ||
	    (*q == '.' && q + 1 < end && isdigit((unsigned char)q[1])))) {
		*used = 0;
		return 0;
	}
	while (q < end && (isdigit((unsigned char)*q) || *q == '.' ||
	    *q == 'e' || *q == 'E' ||
	    ((*q == '-' || *q == '+') && (q[-1] == 'e' || q[-1] == 'E')))) {
		if (*q == '.' || *q == 'e' || *q == 'E')
			real = 1;
		q++;
	}
	n = (size_t)(q - s);
	if (n >= sizeof(tmp))
		return perr(p, offof(p, s), "number too long");
	if (q < end && is_ident_char(*q)) {
		*used = 0;  /* "1abc": a variable name, not a number */
		return 0;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	if (real) {
		double r = strtod(tmp, &e);

		if (*e != '\0' && strchr(e, '.') != NULL &&
		    strspn(tmp, "0123456789.") == n) {
			/* "1.2.3": Django reads it as a variable path. */
			*used = 0;
			return 0;
		}
		if (*e != '\0' || errno == ERANGE)
			return perr(p, offof(p, s), "bad number '%s'", tmp);
		*out = wk_val_real(r);
	} else {
		long long i = strtoll(tmp, &e, 10);

		if (*e != '\0' || errno == ERANGE)
			return perr(p, offof(p, s), "bad number '%s'", tmp);
		*out = wk_val_int(i);
	}
	*used = n;
	return 0;
}

/* An operand: literal or dotted variable.  *used gets its length. */
static int
parse_operand(struct parser *p, const char *s, const char *end, size_t *used,
    struct tpl_operand *op)
{
	const char *q = s, *seg;
	struct tpl_seg *segs;
	size_t n, k;

	memset(op, 0, sizeof(*op));
	if (s >= end)
		return perr(p, offof(p, s), "expected a value");
	if (*s == '"' || *s == '\'')
		return parse_string(p, s, end, used, &op->lit);
	if (parse_number(p, s, end, used, &op->lit) != 0)
		return -1;
	if (*used > 0)
		return 0;
	while (q < end && (is_ident_char(*q) || *q == '.'))
		q++;
	n = (size_t)(q - s);
	if (n == 0)
		return perr(p, offof(p, s), "unexpected '%c'", *s);
	if ((n == 4 && memcmp(s, "True", 4) == 0) ||
	    (n == 5 && memcmp(s, "False", 5) == 0)) {
		op->lit = wk_val_bool(n == 4);
		*used = n;
		return 0;
	}
	if (n == 4 && memcmp(s, "None", 4) == 0) {
		op->lit = wk_val_null();
		*used = n;
		return 0;
	}
	op->is_var = 1;
	op->nsegs = 1;
	for (k = 0; k < n; k++)
		if (s[k] == '.')
			op->nsegs++;
	if ((segs = palloc(p, op->nsegs * sizeof(*segs))) == NULL)
		return -1;
	op->segs = segs;
	seg = s;
	for (k = 0; k < op->nsegs; k++) {
		const char *dot = memchr(seg, '.', (size_t)(q - seg));
		const char *stop = dot != NULL ? dot : q;

		if (stop == seg)
			return perr(p, offof(p, seg), "empty name in '%.*s'",
			    (int)n, s);
		if (*seg == '_')
			return perr(p, offof(p, seg), "names may not begin "
			    "with an underscore: '%.*s'", (int)n, s);
		segs[k].name = seg;
		segs[k].len = (size_t)(stop - seg);
		seg = stop + 1;
	}
	*used = n;
	return 0;
}

/*
 * The filters of e from q to end: "|name:arg|name".  bar_optional lets
 * the first filter come without its '|' ({% filter upper|lower %}).  s and
 * len are the whole expression, for messages.
 */
static int
parse_filters(struct parser *p, struct tpl_expr *e, const char *q,
    const char *end, const char *s, size_t len, int bar_optional)
{
	struct tpl_filter *f, *fs = NULL;
	const char *name;
	size_t used, nf = 0, k, cap = bar_optional ? 1 : 0;

	for (k = 0; q + k < end; k++)
		if (q[k] == '|')
			cap++;
	if (cap > 0 && (fs = palloc(p, cap * sizeof(*f))) == NULL)
		return -1;
	e->filters = fs;
	while (q < end) {
		while (q < end && is_space(*q))
			q++;
		if (q >= end)
			break;
		if (*q != '|' && !(bar_optional && nf == 0))
			return perr(p, offof(p, q), "unexpected '%.*s' in "
			    "'%.*s'", (int)(end - q), q, (int)len, s);
		if (*q == '|')
			q++;
		while (q < end && is_space(*q))
			q++;
		name = q;
		while (q < end && is_ident_char(*q))
			q++;
		if (q == name)
			return perr(p, offof(p, name), "missing filter name");
		f = &fs[nf];
		f->name = name;
		f->namelen = (size_t)(q - name);
		f->def = tpl_filter_find(name, f->namelen);
		if (f->def == NULL && !(p->flags & WK_TPL_LENIENT))
			return perr(p, offof(p, name), "unknown filter "
			    "'%.*s'", (int)f->namelen, name);
		if (q < end && *q == ':') {
			q++;
			if (parse_operand(p, q, end, &used, &f->arg) != 0)
				return -1;
			f->has_arg = 1;
			q += used;
		}
		if (f->def != NULL) {
			if (f->has_arg && !(f->def->flags &
			    (WK_FILTER_ARG_OPTIONAL | WK_FILTER_ARG_REQUIRED)))
				return perr(p, offof(p, name), "filter '%s' "
				    "takes no argument", f->def->name);
			if (!f->has_arg &&
			    (f->def->flags & WK_FILTER_ARG_REQUIRED))
				return perr(p, offof(p, name), "filter '%s' "
				    "needs an argument", f->def->name);
		}
		nf++;
	}
	e->nfilters = nf;
	return 0;
}

/* A filter expression in s..end: operand then |filter:arg ... */
static struct tpl_expr *
parse_expr(struct parser *p, const char *s, size_t len)
{
	struct tpl_expr *e;
	size_t used;

	trim(&s, &len);
	if (len == 0) {
		perr(p, offof(p, s), "empty expression");
		return NULL;
	}
	if ((e = palloc(p, sizeof(*e))) == NULL)
		return NULL;
	if (parse_operand(p, s, s + len, &used, &e->base) != 0)
		return NULL;
	if (parse_filters(p, e, s + used, s + len, s, len, 0) != 0)
		return NULL;
	return e;
}

static struct tpl_expr *
parse_bit_expr(struct parser *p, const struct bit *b)
{
	return parse_expr(p, b->p, b->n);
}

/* ---- {% if %} conditions (Django's precedence) ------------------------------ */

struct condp {
	struct parser *p;
	const struct bit *bits;
	size_t n, i;
	int depth;
};

/* The infix operator at bits[i]: its op, binding power and width. */
static int
cond_infix(const struct condp *c, enum tpl_cond_op *op, int *bp, size_t *w)
{
	static const struct { const char *word; enum tpl_cond_op op; int bp; }
	    ops[] = {
		{ "or", TC_OR, 6 }, { "and", TC_AND, 7 }, { "in", TC_IN, 9 },
		{ "==", TC_EQ, 10 }, { "!=", TC_NE, 10 }, { "<", TC_LT, 10 },
		{ ">", TC_GT, 10 }, { "<=", TC_LE, 10 }, { ">=", TC_GE, 10 },
		{ "is", TC_IS, 10 },
	};
	const struct bit *b;
	size_t k;

	if (c->i >= c->n)
		return 0;
	b = &c->bits[c->i];
	if (bit_is(b, "not") && c->i + 1 < c->n &&
	    bit_is(&c->bits[c->i + 1], "in")) {
		*op = TC_NOTIN, *bp = 9, *w = 2;
		return 1;
	}
	if (bit_is(b, "is") && c->i + 1 < c->n &&
	    bit_is(&c->bits[c->i + 1], "not")) {
		*op = TC_ISNOT, *bp = 10, *w = 2;
		return 1;
	}
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		if (bit_is(b, ops[k].word)) {
			*op = ops[k].op, *bp = ops[k].bp, *w = 1;
			return 1;
		}
	}
	return 0;
}

static int
cond_is_word(const struct bit *b)
{
	static const char *const words[] = { "or", "and", "in", "==", "!=",
	    "<", ">", "<=", ">=", "is", "not" };
	size_t k;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (bit_is(b, words[k]))
			return 1;
	return 0;
}

static struct tpl_cond *
cond_parse(struct condp *c, int rbp)
{
	struct parser *p = c->p;
	struct tpl_cond *left, *node;
	enum tpl_cond_op op;
	size_t w;
	int bp;

	if (++c->depth > TPL_MAX_NEST) {
		perr(p, offof(p, c->bits[0].p), "condition nested too deeply");
		return NULL;
	}
	if (c->i >= c->n) {
		perr(p, offof(p, c->bits[c->n - 1].p + c->bits[c->n - 1].n),
		    "unexpected end of condition");
		return NULL;
	}
	if ((left = palloc(p, sizeof(*left))) == NULL)
		return NULL;
	if (bit_is(&c->bits[c->i], "not")) {
		c->i++;
		left->op = TC_NOT;
		if ((left->l = cond_parse(c, 8)) == NULL)
			return NULL;
	} else {
		if (cond_is_word(&c->bits[c->i])) {
			perr(p, offof(p, c->bits[c->i].p), "unexpected '%.*s' "
			    "in condition", (int)c->bits[c->i].n,
			    c->bits[c->i].p);
			return NULL;
		}
		left->op = TC_LEAF;
		if ((left->leaf = parse_bit_expr(p, &c->bits[c->i])) == NULL)
			return NULL;
		c->i++;
	}
	while (cond_infix(c, &op, &bp, &w) && bp > rbp) {
		c->i += w;
		if ((node = palloc(p, sizeof(*node))) == NULL)
			return NULL;
		node->op = op;
		node->l = left;
		if ((node->r = cond_parse(c, bp)) == NULL)
			return NULL;
		left = node;
	}
	c->depth--;
	return left;
}

/* The condition in bits[1..n) of an if/elif tag. */
static struct tpl_cond *
parse_cond(struct parser *p, const struct bit *bits, size_t n,
    const struct tok *t)
{
	struct condp c = { p, bits + 1, n - 1, 0, 0 };
	struct tpl_cond *cond;

	if (n < 2) {
		perr(p, t->off, "'%.*s' needs a condition", (int)bits[0].n,
		    bits[0].p);
		return NULL;
	}
	if ((cond = cond_parse(&c, 0)) == NULL)
		return NULL;
	if (c.i < c.n) {
		perr(p, offof(p, c.bits[c.i].p), "unexpected '%.*s' in "
		    "condition", (int)c.bits[c.i].n, c.bits[c.i].p);
		return NULL;
	}
	return cond;
}

/* ---- node lists --------------------------------------------------------------- */

struct nodelist {
	struct tpl_node *head, *tail;
};

static void
nl_add(struct nodelist *l, struct tpl_node *n)
{
	if (l->tail != NULL)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
}

static struct tpl_node *
new_node(struct parser *p, enum tpl_node_kind kind, size_t off)
{
	struct tpl_node *n = palloc(p, sizeof(*n));
	const char *nl;

	if (n == NULL)
		return NULL;
	n->kind = kind;
	if (off < p->lc_off || p->lc_line == 0) {
		p->lc_off = p->lc_start = 0;
		p->lc_line = 1;
	}
	while ((nl = memchr(p->text + p->lc_off, '\n', off - p->lc_off)) !=
	    NULL) {
		p->lc_line++;
		p->lc_off = p->lc_start = (size_t)(nl - p->text) + 1;
	}
	p->lc_off = off;
	n->line = p->lc_line;
	n->col = (unsigned)(off - p->lc_start + 1);
	return n;
}

/*
 * Parse nodes until one of the end tags (NULL-terminated list) or EOF.
 * The end tag found is returned in *end_tok / end_bits; with no end tags,
 * EOF is the normal end.
 */
struct ending {
	struct tok tok;
	struct bit bits[TPL_MAX_BITS];
	size_t nbits;
};

static int parse_nodes(struct parser *p, const char *const *ends,
    const char *opener, size_t open_off, struct nodelist *out,
    struct ending *e);

/* `name=expr` words into binds; used by with and include. */
static int
parse_binds(struct parser *p, const struct bit *bits, size_t n,
    const struct tpl_bind **out, size_t *nout)
{
	struct tpl_bind *b;
	const char *eq;
	size_t k, j;

	*nout = 0;
	if (n == 0)
		return 0;
	if ((b = palloc(p, n * sizeof(*b))) == NULL)
		return -1;
	for (k = 0; k < n; k++) {
		eq = memchr(bits[k].p, '=', bits[k].n);
		if (eq == NULL || eq == bits[k].p)
			return perr(p, offof(p, bits[k].p), "expected "
			    "name=value, got '%.*s'", (int)bits[k].n,
			    bits[k].p);
		for (j = 0; bits[k].p + j < eq; j++)
			if (!is_ident_char(bits[k].p[j]))
				return perr(p, offof(p, bits[k].p), "bad name "
				    "'%.*s'", (int)(eq - bits[k].p), bits[k].p);
		b[k].name.name = bits[k].p;
		b[k].name.len = (size_t)(eq - bits[k].p);
		b[k].expr = parse_expr(p, eq + 1,
		    (size_t)(bits[k].p + bits[k].n - eq - 1));
		if (b[k].expr == NULL)
			return -1;
	}
	*out = b;
	*nout = n;
	return 0;
}

static const struct tpl_expr **
parse_expr_list(struct parser *p, const struct bit *bits, size_t n)
{
	const struct tpl_expr **v;
	size_t k;

	if ((v = palloc(p, (n ? n : 1) * sizeof(*v))) == NULL)
		return NULL;
	for (k = 0; k < n; k++)
		if ((v[k] = parse_bit_expr(p, &bits[k])) == NULL)
			return NULL;
	return v;
}

static int
tag_if(struct parser *p, struct bit *bits, size_t nbits, const struct tok *t,
    struct nodelist *out)
{
	static const char *const ends[] = { "elif", "else", "endif", NULL };
	struct tpl_node *n = new_node(p, TN_IF, t->off);
	struct tpl_branch br[64], *brs;
	struct ending ending, *e = &ending;
	struct nodelist body;
	size_t nb = 0;
	int is_else = 0;

	if (n == NULL)
		return -1;
	if ((br[0].cond = parse_cond(p, bits, nbits, t)) == NULL)
		return -1;
	for (;;) {
		memset(&body, 0, sizeof(body));
		if (parse_nodes(p, is_else ? ends + 2 : ends, "if", t->off,
		    &body, e) != 0)
			return -1;
		br[nb].body = body.head;
		nb++;
		if (bit_is(&e->bits[0], "endif"))
			break;
		if (nb == sizeof(br) / sizeof(br[0]))
			return perr(p, e->tok.off, "too many elif branches");
		if (bit_is(&e->bits[0], "else")) {
			if (e->nbits != 1)
				return perr(p, e->tok.off, "'else' takes no "
				    "arguments");
			br[nb].cond = NULL;
			is_else = 1;
		} else if ((br[nb].cond = parse_cond(p, e->bits, e->nbits,
		    &e->tok)) == NULL)
			return -1;
	}
	if ((brs = palloc(p, nb * sizeof(br[0]))) == NULL)
		return -1;
	memcpy(brs, br, nb * sizeof(br[0]));
	n->u.iff.br = brs;
	n->u.iff.n = nb;
	nl_add(out, n);
	return 0;
}

static int
tag_for(struct parser *p, struct bit *bits, size_t nbits, const struct tok *t,
    struct nodelist *out)
{
	static const char *const ends[] = { "empty", "endfor", NULL };
	struct tpl_node *n = new_node(p, TN_FOR, t->off);
	struct ending ending, *e = &ending;
	struct nodelist body;
	struct tpl_seg *names;
	size_t in = 0, k, nn = 0;
	const char *s, *stop;

	if (n == NULL)
		return -1;
	for (k = 1; k < nbits; k++)
		if (bit_is(&bits[k], "in"))
			in = k;
	if (in < 2 || in + 1 >= nbits)
		return perr(p, t->off, "'for' needs 'for x in y': got '%.*s'",
		    (int)t->n, t->p);
	if (bit_is(&bits[nbits - 1], "reversed")) {
		n->u.loop.reversed = 1;
		nbits--;
	}
	if (in + 2 != nbits)
		return perr(p, offof(p, bits[in + 1].p), "'for' takes one "
		    "sequence after 'in'");
	/* As Django: the words between "for" and "in" are joined and cut at
	 * commas; each piece (spaces around it dropped) must be one name, so
	 * "for k v in" and "for a,,b in" are errors. */
	if ((names = palloc(p, TPL_MAX_BITS * sizeof(*names))) == NULL)
		return -1;
	n->u.loop.names = names;
	s = bits[1].p;
	stop = bits[in - 1].p + bits[in - 1].n;
	while (s <= stop) {
		const char *c = memchr(s, ',', (size_t)(stop - s));
		const char *w = c != NULL ? c : stop, *a = s;
		size_t j, wn;

		while (a < w && is_space(*a))
			a++;
		wn = (size_t)(w - a);
		while (wn > 0 && is_space(a[wn - 1]))
			wn--;
		for (j = 0; j < wn && is_ident_char(a[j]); j++)
			;
		if (wn == 0 || j < wn)
			return perr(p, t->off, "'for' tag received an invalid "
			    "argument: %.*s", (int)t->n, t->p);
		if (nn == TPL_MAX_BITS)
			return perr(p, t->off, "too many names");
		names[nn].name = a;
		names[nn].len = wn;
		nn++;
		if (c == NULL)
			break;
		s = c + 1;
	}
	if (nn == 0)
		return perr(p, t->off, "'for' needs a loop variable");
	n->u.loop.nnames = nn;
	if ((n->u.loop.seq = parse_bit_expr(p, &bits[in + 1])) == NULL)
		return -1;
	memset(&body, 0, sizeof(body));
	if (parse_nodes(p, ends, "for", t->off, &body, e) != 0)
		return -1;
	n->u.loop.body = body.head;
	if (bit_is(&e->bits[0], "empty")) {
		memset(&body, 0, sizeof(body));
		if (parse_nodes(p, ends + 1, "for", t->off, &body, e) != 0)
			return -1;
		n->u.loop.empty = body.head;
	}
	nl_add(out, n);
	return 0;
}

static int
tag_with(struct parser *p, struct bit *bits, size_t nbits, const struct tok *t,
    struct nodelist *out)
{
	static const char *const ends[] = { "endwith", NULL };
	struct tpl_node *n = new_node(p, TN_WITH, t->off);
	struct ending ending, *e = &ending;
	struct nodelist body;
	struct tpl_bind *b;

	if (n == NULL)
		return -1;
	if (nbits == 4 && bit_is(&bits[2], "as")) {
		/* Legacy form: {% with expr as name %} */
		if ((b = palloc(p, sizeof(*b))) == NULL)
			return -1;
		b->name.name = bits[3].p;
		b->name.len = bits[3].n;
		if ((b->expr = parse_bit_expr(p, &bits[1])) == NULL)
			return -1;
		n->u.with.b = b;
		n->u.with.n = 1;
	} else {
		if (nbits < 2)
			return perr(p, t->off, "'with' needs name=value");
		if (parse_binds(p, bits + 1, nbits - 1, &n->u.with.b,
		    &n->u.with.n) != 0)
			return -1;
	}
	memset(&body, 0, sizeof(body));
	if (parse_nodes(p, ends, "with", t->off, &body, e) != 0)
		return -1;
	n->u.with.body = body.head;
	nl_add(out, n);
	return 0;
}

static int
tag_block(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const char *const ends[] = { "endblock", NULL };
	struct tpl_node *n = new_node(p, TN_BLOCK, t->off);
	const struct tpl_node **nb;
	struct ending ending, *e = &ending;
	struct nodelist body;
	size_t k, j;

	if (n == NULL)
		return -1;
	if (nbits != 2)
		return perr(p, t->off, "'block' takes one name");
	for (j = 0; j < bits[1].n; j++)
		if (!is_ident_char(bits[1].p[j]))
			return perr(p, offof(p, bits[1].p), "bad block name "
			    "'%.*s'", (int)bits[1].n, bits[1].p);
	n->u.block.name = bits[1].p;
	n->u.block.len = bits[1].n;
	for (k = 0; k < p->t->nblocks; k++)
		if (p->t->blocks[k]->u.block.len == bits[1].n &&
		    memcmp(p->t->blocks[k]->u.block.name, bits[1].p,
		    bits[1].n) == 0)
			return perr(p, t->off, "block '%.*s' appears more "
			    "than once", (int)bits[1].n, bits[1].p);
	if (p->t->nblocks == p->capblocks) {
		size_t ncap = p->capblocks ? p->capblocks * 2 : 8;

		nb = wk_arena_realloc(p->a, p->blocks,
		    p->capblocks * sizeof(*nb), ncap * sizeof(*nb));
		if (nb == NULL)
			return perr(p, t->off, "out of memory");
		p->blocks = nb;
		p->t->blocks = nb;
		p->capblocks = ncap;
	}
	p->blocks[p->t->nblocks++] = n;
	memset(&body, 0, sizeof(body));
	if (parse_nodes(p, ends, "block", t->off, &body, e) != 0)
		return -1;
	if (e->nbits > 2 || (e->nbits == 2 && (e->bits[1].n != bits[1].n ||
	    memcmp(e->bits[1].p, bits[1].p, bits[1].n) != 0)))
		return perr(p, e->tok.off, "'endblock %.*s' does not close "
		    "block '%.*s'", (int)e->bits[e->nbits - 1].n,
		    e->bits[e->nbits - 1].p, (int)bits[1].n, bits[1].p);
	n->u.block.body = body.head;
	nl_add(out, n);
	return 0;
}

static int
tag_include(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_INCLUDE, t->off);
	size_t end = nbits;

	if (n == NULL)
		return -1;
	if (nbits < 2)
		return perr(p, t->off, "'include' needs a template name");
	/* Django takes "only" before "with" as well as after it. */
	if (bit_is(&bits[nbits - 1], "only")) {
		n->u.include.only = 1;
		end--;
	} else if (nbits > 3 && bit_is(&bits[2], "only")) {
		n->u.include.only = 1;
		memmove(&bits[2], &bits[3], (nbits - 3) * sizeof(*bits));
		end--;
	}
	if ((n->u.include.name = parse_bit_expr(p, &bits[1])) == NULL)
		return -1;
	if (end > 2) {
		if (!bit_is(&bits[2], "with") || end == 3)
			return perr(p, offof(p, bits[2].p), "expected 'with "
			    "name=value' or 'only' after the template name");
		if (parse_binds(p, bits + 3, end - 3, &n->u.include.b,
		    &n->u.include.n) != 0)
			return -1;
	}
	nl_add(out, n);
	return 0;
}

static int
tag_extends(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	(void)out;
	if (nbits != 2)
		return perr(p, t->off, "'extends' takes one template name");
	if (p->t->extends != NULL)
		return perr(p, t->off, "'extends' appears more than once");
	if (p->seen_node || p->depth > 1)
		return perr(p, t->off, "'extends' must be the first tag");
	p->t->extends = parse_bit_expr(p, &bits[1]);
	return p->t->extends != NULL ? 0 : -1;
}

static int
tag_autoescape(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const char *const ends[] = { "endautoescape", NULL };
	struct tpl_node *n = new_node(p, TN_AUTOESCAPE, t->off);
	struct ending ending, *e = &ending;
	struct nodelist body;

	if (n == NULL)
		return -1;
	if (nbits != 2 || !(bit_is(&bits[1], "on") || bit_is(&bits[1], "off")))
		return perr(p, t->off, "'autoescape' takes 'on' or 'off'");
	n->u.autoesc.on = bit_is(&bits[1], "on");
	memset(&body, 0, sizeof(body));
	if (parse_nodes(p, ends, "autoescape", t->off, &body, e) != 0)
		return -1;
	n->u.autoesc.body = body.head;
	nl_add(out, n);
	return 0;
}

static int
tag_spaceless(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const char *const ends[] = { "endspaceless", NULL };
	struct tpl_node *n = new_node(p, TN_SPACELESS, t->off);
	struct ending ending, *e = &ending;
	struct nodelist body;

	(void)bits;
	if (n == NULL)
		return -1;
	if (nbits != 1)
		return perr(p, t->off, "'spaceless' takes no arguments");
	memset(&body, 0, sizeof(body));
	if (parse_nodes(p, ends, "spaceless", t->off, &body, e) != 0)
		return -1;
	n->u.body = body.head;
	nl_add(out, n);
	return 0;
}

/* {% verbatim [name] %} and {% comment ["note"] %}: raw until the end. */
static int
tag_raw(struct parser *p, struct bit *bits, size_t nbits, const struct tok *t,
    struct nodelist *out)
{
	int verbatim = bit_is(&bits[0], "verbatim");
	char endname[128];
	struct tok body = { TOK_TEXT, NULL, 0, 0 };
	struct tpl_node *n;
	int len;

	if (verbatim && nbits > 2)
		return perr(p, t->off, "'verbatim' takes at most one name");
	if (verbatim && nbits == 2)
		len = snprintf(endname, sizeof(endname), "endverbatim %.*s",
		    (int)bits[1].n, bits[1].p);
	else
		len = snprintf(endname, sizeof(endname), "%s",
		    verbatim ? "endverbatim" : "endcomment");
	if (len < 0 || (size_t)len >= sizeof(endname))
		return perr(p, t->off, "name too long");
	if (lex_raw_until(p, endname, (size_t)len, t->off,
	    verbatim ? "verbatim" : "comment", &body) != 0)
		return -1;
	if (!verbatim || body.n == 0)
		return 0;
	if ((n = new_node(p, TN_TEXT, body.off)) == NULL)
		return -1;
	n->u.text.p = body.p;
	n->u.text.n = body.n;
	nl_add(out, n);
	return 0;
}

/* "name=..." with an identifier before the '=' (a quoted '=' is not
 * one): Django's keyword argument.  *eq gets the '='. */
static int
bit_keyword(const struct bit *b, const char **eq)
{
	size_t j;

	for (j = 0; j < b->n && is_ident_char(b->p[j]); j++)
		;
	if (j == 0 || j == b->n || b->p[j] != '=')
		return 0;
	*eq = b->p + j;
	return 1;
}

static int
tag_url(struct parser *p, struct bit *bits, size_t nbits, const struct tok *t,
    struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_URL, t->off);
	const struct tpl_expr **args;
	struct tpl_seg *kws;
	const char *eq;
	size_t k, j, nkw = 0;

	if (n == NULL)
		return -1;
	if (nbits < 2)
		return perr(p, t->off, "'url' needs a route name");
	if (nbits >= 4 && bit_is(&bits[nbits - 2], "as")) {
		n->u.url.as.name = bits[nbits - 1].p;
		n->u.url.as.len = bits[nbits - 1].n;
		nbits -= 2;
	}
	if ((n->u.url.name = parse_bit_expr(p, &bits[1])) == NULL)
		return -1;
	n->u.url.nargs = nbits - 2;
	if ((args = palloc(p, (nbits - 1) * sizeof(*args))) == NULL ||
	    (kws = palloc(p, (nbits - 1) * sizeof(*kws))) == NULL)
		return -1;
	n->u.url.args = args;
	n->u.url.kw = kws;
	for (k = 2; k < nbits; k++) {
		struct tpl_seg *kw = &kws[k - 2];

		if (!bit_keyword(&bits[k], &eq)) {
			args[k - 2] = parse_bit_expr(p, &bits[k]);
			if (args[k - 2] == NULL)
				return -1;
			continue;
		}
		kw->name = bits[k].p;
		kw->len = (size_t)(eq - bits[k].p);
		for (j = 0; j < k - 2; j++)
			if (n->u.url.kw[j].len == kw->len &&
			    memcmp(n->u.url.kw[j].name, kw->name, kw->len) == 0)
				return perr(p, offof(p, bits[k].p), "'url' "
				    "got '%.*s' twice", (int)kw->len, kw->name);
		args[k - 2] = parse_expr(p, eq + 1,
		    (size_t)(bits[k].p + bits[k].n - eq - 1));
		if (args[k - 2] == NULL)
			return -1;
		nkw++;
	}
	/* As Django's reverse(): all by position or all by name. */
	if (nkw > 0 && nkw != n->u.url.nargs)
		return perr(p, t->off, "'url' takes positional or keyword "
		    "arguments, not both");
	if (nkw == 0)
		n->u.url.kw = NULL;
	nl_add(out, n);
	return 0;
}

/* {% get_static_prefix [as var] %}, {% get_media_prefix [as var] %} */
static int
tag_prefix(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_PREFIX, t->off);

	if (n == NULL)
		return -1;
	n->u.prefix.media = bit_is(&bits[0], "get_media_prefix");
	if (nbits == 3 && bit_is(&bits[1], "as")) {
		n->u.prefix.as.name = bits[2].p;
		n->u.prefix.as.len = bits[2].n;
	} else if (nbits != 1)
		return perr(p, t->off, "'%.*s' takes nothing or 'as name'",
		    (int)bits[0].n, bits[0].p);
	nl_add(out, n);
	return 0;
}

/* {% querystring key=value ... %} */
static int
tag_querystring(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_QUERYSTRING, t->off);
	const char *eq;
	size_t k;

	if (n == NULL)
		return -1;
	for (k = 1; k < nbits; k++)
		if (!bit_keyword(&bits[k], &eq))
			return perr(p, offof(p, bits[k].p), "'querystring' "
			    "takes key=value arguments only (a query "
			    "dictionary argument is not supported)");
	if (parse_binds(p, bits + 1, nbits - 1, &n->u.qs.b, &n->u.qs.n) != 0)
		return -1;
	nl_add(out, n);
	return 0;
}

/* "as name" at the end of a tag: taken off *nbits into *as. */
static void
take_as(struct bit *bits, size_t *nbits, size_t min, struct tpl_seg *as)
{
	if (*nbits >= min + 2 && bit_is(&bits[*nbits - 2], "as")) {
		as->name = bits[*nbits - 1].p;
		as->len = bits[*nbits - 1].n;
		*nbits -= 2;
	}
}

static int
tag_static(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_STATIC, t->off);

	if (n == NULL)
		return -1;
	take_as(bits, &nbits, 2, &n->u.stat.as);
	if (nbits != 2)
		return perr(p, t->off, "'static' takes one path (and 'as "
		    "name')");
	if ((n->u.stat.path = parse_bit_expr(p, &bits[1])) == NULL)
		return -1;
	nl_add(out, n);
	return 0;
}

static int
tag_now(struct parser *p, struct bit *bits, size_t nbits, const struct tok *t,
    struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_NOW, t->off);
	struct wk_value v;
	size_t used;

	if (n == NULL)
		return -1;
	take_as(bits, &nbits, 2, &n->u.now.as);
	if (nbits != 2 || (bits[1].p[0] != '"' && bits[1].p[0] != '\''))
		return perr(p, t->off, "'now' takes one quoted format");
	if (parse_string(p, bits[1].p, bits[1].p + bits[1].n, &used, &v) != 0)
		return -1;
	n->u.now.fmt = v.u.s.p;
	n->u.now.len = v.u.s.n;
	nl_add(out, n);
	return 0;
}

/* The named cycle called b, or NULL. */
static struct tpl_node *
named_cycle(const struct parser *p, const struct bit *b)
{
	size_t k;

	for (k = p->ncycles; k > 0; k--)
		if (p->cycles[k - 1]->u.list.as.len == b->n &&
		    memcmp(p->cycles[k - 1]->u.list.as.name, b->p, b->n) == 0)
			return p->cycles[k - 1];
	return NULL;
}

/*
 * {% cycle a b c %}, {% cycle a b as name [silent] %}, {% cycle name %}.
 * Django's rules: one argument names an earlier cycle (the same state);
 * "as" counts only with more than three words, so {% cycle a as b %}
 * cycles over three values.
 */
static int
tag_cycle(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_CYCLE, t->off), *ref, **nc;
	size_t nvals = nbits - 1, ncap;

	if (n == NULL)
		return -1;
	if (nbits < 2)
		return perr(p, t->off, "'cycle' tag requires at least two "
		    "arguments");
	if (nbits == 2) {
		if ((ref = named_cycle(p, &bits[1])) == NULL)
			return perr(p, offof(p, bits[1].p), "named cycle "
			    "'%.*s' does not exist", (int)bits[1].n,
			    bits[1].p);
		n->u.list.ref = ref;
		nl_add(out, n);
		return 0;
	}
	if (nbits > 4 && bit_is(&bits[nbits - 3], "as")) {
		if (!bit_is(&bits[nbits - 1], "silent"))
			return perr(p, offof(p, bits[nbits - 1].p), "only "
			    "'silent' is allowed after cycle's name, not "
			    "'%.*s'", (int)bits[nbits - 1].n,
			    bits[nbits - 1].p);
		n->u.list.silent = 1;
		nbits--;
	}
	if (nbits > 4 && bit_is(&bits[nbits - 2], "as")) {
		n->u.list.as.name = bits[nbits - 1].p;
		n->u.list.as.len = bits[nbits - 1].n;
		nvals = nbits - 3;
	} else if (n->u.list.silent)
		return perr(p, t->off, "'silent' needs 'as name'");
	n->u.list.n = nvals;
	if ((n->u.list.items = parse_expr_list(p, bits + 1, nvals)) == NULL)
		return -1;
	n->u.list.ref = n;
	if (n->u.list.as.len > 0) {
		if (p->ncycles == p->capcycles) {
			ncap = p->capcycles ? p->capcycles * 2 : 4;
			nc = wk_arena_realloc(p->a, p->cycles,
			    p->capcycles * sizeof(*nc), ncap * sizeof(*nc));
			if (nc == NULL)
				return perr(p, t->off, "out of memory");
			p->cycles = nc;
			p->capcycles = ncap;
		}
		p->cycles[p->ncycles++] = n;
	}
	p->last_cycle = n;
	nl_add(out, n);
	return 0;
}

/* {% resetcycle [name] %}: the named cycle, or the last one before it. */
static int
tag_resetcycle(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_RESETCYCLE, t->off);

	if (n == NULL)
		return -1;
	if (nbits > 2)
		return perr(p, t->off, "'resetcycle' takes at most one name");
	if (nbits == 2) {
		if ((n->u.reset = named_cycle(p, &bits[1])) == NULL)
			return perr(p, offof(p, bits[1].p), "named cycle "
			    "'%.*s' does not exist", (int)bits[1].n,
			    bits[1].p);
	} else if ((n->u.reset = p->last_cycle) == NULL)
		return perr(p, t->off, "'resetcycle': no cycles in template");
	nl_add(out, n);
	return 0;
}

/* {% firstof a b "c" [as name] %} */
static int
tag_firstof(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_FIRSTOF, t->off);

	if (n == NULL)
		return -1;
	if (nbits >= 3 && bit_is(&bits[nbits - 2], "as")) {
		n->u.list.as.name = bits[nbits - 1].p;
		n->u.list.as.len = bits[nbits - 1].n;
		nbits -= 2;
	}
	if (nbits < 2)
		return perr(p, t->off, "'firstof' needs at least one value");
	n->u.list.n = nbits - 1;
	if ((n->u.list.items = parse_expr_list(p, bits + 1, nbits - 1)) == NULL)
		return -1;
	nl_add(out, n);
	return 0;
}

/* {% ifchanged [a b ...] %} ... [{% else %} ...] {% endifchanged %} */
static int
tag_ifchanged(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const char *const ends[] = { "else", "endifchanged", NULL };
	struct tpl_node *n = new_node(p, TN_IFCHANGED, t->off);
	struct ending ending, *e = &ending;
	struct nodelist body;

	if (n == NULL)
		return -1;
	n->u.ifchanged.n = nbits - 1;
	if ((n->u.ifchanged.args = parse_expr_list(p, bits + 1, nbits - 1)) ==
	    NULL)
		return -1;
	memset(&body, 0, sizeof(body));
	if (parse_nodes(p, ends, "ifchanged", t->off, &body, e) != 0)
		return -1;
	n->u.ifchanged.body = body.head;
	if (bit_is(&e->bits[0], "else")) {
		memset(&body, 0, sizeof(body));
		if (parse_nodes(p, ends + 1, "ifchanged", t->off, &body, e) != 0)
			return -1;
		n->u.ifchanged.els = body.head;
	}
	nl_add(out, n);
	return 0;
}

/* {% widthratio this max width [as name] %} */
static int
tag_widthratio(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_WIDTHRATIO, t->off);

	if (n == NULL)
		return -1;
	if (nbits == 6) {
		if (!bit_is(&bits[4], "as"))
			return perr(p, offof(p, bits[4].p), "'widthratio' "
			    "expects 'as' before the name");
		n->u.ratio.as.name = bits[5].p;
		n->u.ratio.as.len = bits[5].n;
	} else if (nbits != 4)
		return perr(p, t->off, "'widthratio' takes three values "
		    "(and 'as name')");
	if ((n->u.ratio.val = parse_bit_expr(p, &bits[1])) == NULL ||
	    (n->u.ratio.max = parse_bit_expr(p, &bits[2])) == NULL ||
	    (n->u.ratio.width = parse_bit_expr(p, &bits[3])) == NULL)
		return -1;
	nl_add(out, n);
	return 0;
}

/* {% regroup list by attr as name %} */
static int
tag_regroup(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_REGROUP, t->off);
	struct tpl_operand *base;
	struct tpl_expr *by;
	struct tpl_seg *segs;

	if (n == NULL)
		return -1;
	if (nbits != 6)
		return perr(p, t->off, "'regroup' takes five arguments: "
		    "'regroup list by attr as name'");
	if (!bit_is(&bits[2], "by"))
		return perr(p, offof(p, bits[2].p), "second argument to "
		    "'regroup' must be 'by'");
	if (!bit_is(&bits[4], "as"))
		return perr(p, offof(p, bits[4].p), "next-to-last argument "
		    "to 'regroup' must be 'as'");
	if ((n->u.regroup.seq = parse_bit_expr(p, &bits[1])) == NULL ||
	    (by = parse_bit_expr(p, &bits[3])) == NULL)
		return -1;
	n->u.regroup.by = by;
	base = &by->base;
	if (!base->is_var)
		return perr(p, offof(p, bits[3].p), "'regroup' groups by an "
		    "attribute, not '%.*s'", (int)bits[3].n, bits[3].p);
	/* As Django: the attribute is read off each item bound to the
	 * target name, so "by date|date:'Y'" is name.date|date:'Y'. */
	if ((segs = palloc(p, (base->nsegs + 1) * sizeof(*segs))) == NULL)
		return -1;
	segs[0].name = bits[5].p;
	segs[0].len = bits[5].n;
	memcpy(segs + 1, base->segs, base->nsegs * sizeof(*segs));
	base->segs = segs;
	base->nsegs++;
	n->u.regroup.as = segs[0];
	nl_add(out, n);
	return 0;
}

/* {% filter f1|f2:arg %} ... {% endfilter %} */
static int
tag_filter(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const char *const ends[] = { "endfilter", NULL };
	struct tpl_node *n = new_node(p, TN_FILTER, t->off);
	struct ending ending, *e = &ending;
	struct nodelist body;
	struct tpl_expr *chain;
	const char *s, *end;
	size_t k;

	if (n == NULL)
		return -1;
	if (nbits < 2)
		return perr(p, t->off, "'filter' needs a filter");
	s = bits[1].p;
	end = bits[nbits - 1].p + bits[nbits - 1].n;
	if ((chain = palloc(p, sizeof(*chain))) == NULL)
		return -1;
	n->u.filter.chain = chain;
	if (parse_filters(p, chain, s, end, s, (size_t)(end - s), 1) != 0)
		return -1;
	/* As Django: escaping is the autoescape tag's job; "filter safe"
	 * would unescape the whole body without saying so. */
	for (k = 0; k < n->u.filter.chain->nfilters; k++) {
		const struct tpl_filter *f = &n->u.filter.chain->filters[k];

		if ((f->namelen == 6 && memcmp(f->name, "escape", 6) == 0) ||
		    (f->namelen == 4 && memcmp(f->name, "safe", 4) == 0))
			return perr(p, offof(p, f->name), "\"filter %.*s\" "
			    "is not permitted; use the \"autoescape\" tag "
			    "instead", (int)f->namelen, f->name);
	}
	memset(&body, 0, sizeof(body));
	if (parse_nodes(p, ends, "filter", t->off, &body, e) != 0)
		return -1;
	n->u.filter.body = body.head;
	nl_add(out, n);
	return 0;
}

/* {% lorem [count] [w|p|b] [random] %}, parsed from the end as Django. */
static int
tag_lorem(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const struct bit one = { "1", 1 };
	struct tpl_node *n = new_node(p, TN_LOREM, t->off);
	const struct bit *count = &one;

	if (n == NULL)
		return -1;
	n->u.lorem.method = 'b';
	if (nbits > 1 && bit_is(&bits[nbits - 1], "random")) {
		n->u.lorem.random = 1;
		nbits--;
	}
	if (nbits > 1 && (bit_is(&bits[nbits - 1], "w") ||
	    bit_is(&bits[nbits - 1], "p") || bit_is(&bits[nbits - 1], "b"))) {
		n->u.lorem.method = bits[nbits - 1].p[0];
		nbits--;
	}
	if (nbits > 1)
		count = &bits[--nbits];
	if (nbits != 1)
		return perr(p, t->off, "incorrect format for 'lorem': "
		    "'lorem [count] [w|p|b] [random]'");
	if ((n->u.lorem.count = parse_expr(p, count->p, count->n)) == NULL)
		return -1;
	nl_add(out, n);
	return 0;
}

/* {% templatetag openblock %}: the syntax characters as text. */
static int
tag_templatetag(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const struct { const char *word, *text; } marks[] = {
		{ "openblock", "{%" }, { "closeblock", "%}" },
		{ "openvariable", "{{" }, { "closevariable", "}}" },
		{ "openbrace", "{" }, { "closebrace", "}" },
		{ "opencomment", "{#" }, { "closecomment", "#}" },
	};
	struct tpl_node *n;
	size_t k;

	for (k = 0; nbits == 2 && k < sizeof(marks) / sizeof(marks[0]); k++) {
		if (!bit_is(&bits[1], marks[k].word))
			continue;
		if ((n = new_node(p, TN_TEXT, t->off)) == NULL)
			return -1;
		n->u.text.p = marks[k].text;
		n->u.text.n = strlen(marks[k].text);
		nl_add(out, n);
		return 0;
	}
	return perr(p, t->off, "'templatetag' takes one of openblock "
	    "closeblock openvariable closevariable openbrace closebrace "
	    "opencomment closecomment");
}

/* {% cache %}: refused by name until Wick has a cache to keep it in. */
static int
tag_cache(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	(void)bits, (void)nbits, (void)out;
	return perr(p, t->off, "the cache tag needs Wick's cache, not "
	    "available yet");
}

/* {% debug %}: see tpl_render_debug for what it shows. */
static int
tag_debug(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n;

	(void)bits;
	if (nbits != 1)
		return perr(p, t->off, "'debug' takes no arguments");
	if ((n = new_node(p, TN_DEBUG, t->off)) == NULL)
		return -1;
	nl_add(out, n);
	return 0;
}

static int
tag_csrf(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	struct tpl_node *n = new_node(p, TN_CSRF, t->off);

	(void)bits;
	if (n == NULL)
		return -1;
	if (nbits != 1)
		return perr(p, t->off, "'csrf_token' takes no arguments");
	nl_add(out, n);
	return 0;
}

/*
 * {% load lib ... %} and {% load name ... from lib %}: Wick's tags are all
 * built in, so Django's own libraries load nothing; any other library
 * would be a tag set Wick lacks, and saying so beats an "unknown tag"
 * further down.
 */
static int
tag_load(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	static const char *const libs[] = { "cache", "i18n", "l10n", "static",
	    "tz" };
	size_t k, j, first = 1;

	(void)out;
	if (nbits < 2)
		return perr(p, t->off, "'load' needs a library name");
	if (nbits >= 3 && bit_is(&bits[nbits - 2], "from")) {
		if (nbits == 3)
			return perr(p, t->off, "'load ... from' needs names "
			    "before 'from'");
		first = nbits - 1;
	} else if (nbits >= 2 && bit_is(&bits[nbits - 1], "from"))
		return perr(p, t->off, "'load ... from' needs a library");
	for (k = first; k < nbits; k++) {
		for (j = 0; j < sizeof(libs) / sizeof(libs[0]); j++)
			if (bit_is(&bits[k], libs[j]))
				break;
		if (j == sizeof(libs) / sizeof(libs[0]))
			return perr(p, offof(p, bits[k].p), "'%.*s' is not a "
			    "tag library Wick has (built in: cache i18n l10n "
			    "static tz)", (int)bits[k].n, bits[k].p);
	}
	return 0;
}

typedef int (*tag_parse_fn)(struct parser *, struct bit *, size_t,
    const struct tok *, struct nodelist *);

/* Built-in tags, sorted by name (builtin_tag searches them in halves). */
static const struct { const char *name; tag_parse_fn fn; } builtin_tags[] = {
	{ "autoescape", tag_autoescape },
	{ "block", tag_block },
	{ "cache", tag_cache },
	{ "comment", tag_raw },
	{ "csrf_token", tag_csrf },
	{ "cycle", tag_cycle },
	{ "debug", tag_debug },
	{ "extends", tag_extends },
	{ "filter", tag_filter },
	{ "firstof", tag_firstof },
	{ "for", tag_for },
	{ "get_media_prefix", tag_prefix },
	{ "get_static_prefix", tag_prefix },
	{ "if", tag_if },
	{ "ifchanged", tag_ifchanged },
	{ "include", tag_include },
	{ "load", tag_load },
	{ "lorem", tag_lorem },
	{ "now", tag_now },
	{ "querystring", tag_querystring },
	{ "regroup", tag_regroup },
	{ "resetcycle", tag_resetcycle },
	{ "spaceless", tag_spaceless },
	{ "static", tag_static },
	{ "templatetag", tag_templatetag },
	{ "url", tag_url },
	{ "verbatim", tag_raw },
	{ "widthratio", tag_widthratio },
	{ "with", tag_with },
};

/* The built-in tag called name: a binary search, since every tag of every
 * template is looked up here and the table keeps growing. */
static tag_parse_fn
builtin_tag(const char *name, size_t n)
{
	size_t lo = 0, hi = sizeof(builtin_tags) / sizeof(builtin_tags[0]);
	size_t mid, len;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		len = strlen(builtin_tags[mid].name);
		c = memcmp(name, builtin_tags[mid].name, n < len ? n : len);
		if (c == 0)
			c = n < len ? -1 : n > len ? 1 : 0;
		if (c == 0)
			return builtin_tags[mid].fn;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
tag_custom(struct parser *p, struct bit *bits, size_t nbits,
    const struct tok *t, struct nodelist *out)
{
	const struct tpl_tag_def *def = tpl_tag_find(bits[0].p, bits[0].n);
	struct tpl_node *n;
	size_t j;

	for (j = 0; j < bits[0].n; j++)
		if (!is_ident_char(bits[0].p[j]))
			return perr(p, t->off, "bad tag name '%.*s'",
			    (int)bits[0].n, bits[0].p);
	if (def == NULL && !(p->flags & WK_TPL_LENIENT))
		return perr(p, t->off, "unknown tag '%.*s'", (int)bits[0].n,
		    bits[0].p);
	if ((n = new_node(p, TN_CUSTOM, t->off)) == NULL)
		return -1;
	n->u.custom.def = def;
	n->u.custom.name = bits[0].p;
	n->u.custom.len = bits[0].n;
	n->u.custom.nargs = nbits - 1;
	if ((n->u.custom.args = parse_expr_list(p, bits + 1, nbits - 1)) == NULL)
		return -1;
	nl_add(out, n);
	return 0;
}

static int
is_end_word(const struct bit *b)
{
	return (b->n > 3 && memcmp(b->p, "end", 3) == 0) ||
	    bit_is(b, "else") || bit_is(b, "elif") || bit_is(b, "empty");
}

static int
parse_nodes(struct parser *p, const char *const *ends, const char *opener,
    size_t open_off, struct nodelist *out, struct ending *e)
{
	struct bit bits[TPL_MAX_BITS];
	struct tpl_node *n;
	struct tok t;
	tag_parse_fn fn;
	size_t nbits = 0, k;

	if (++p->depth > TPL_MAX_NEST)
		return perr(p, open_off, "tags nested too deeply");
	for (;;) {
		if (lex_next(p, &t) != 0)
			return -1;
		switch (t.kind) {
		case TOK_EOF:
			if (ends != NULL) {
				for (k = 0; ends[k + 1] != NULL; k++)
					;
				return perr(p, open_off, "unclosed '%s' tag: "
				    "no '%s' before the end of the template",
				    opener, ends[k]);
			}
			p->depth--;
			return 0;
		case TOK_COMMENT:
			continue;
		case TOK_TEXT:
			if ((n = new_node(p, TN_TEXT, t.off)) == NULL)
				return -1;
			n->u.text.p = t.p;
			n->u.text.n = t.n;
			nl_add(out, n);
			continue;
		case TOK_VAR:
			p->seen_node = 1;
			if (t.n == 0)
				return perr(p, t.off, "empty variable tag");
			if ((n = new_node(p, TN_VAR, t.off)) == NULL)
				return -1;
			if ((n->u.var = parse_expr(p, t.p, t.n)) == NULL)
				return -1;
			nl_add(out, n);
			continue;
		case TOK_TAG:
			break;
		}
		if (split_bits(p, &t, bits, &nbits) != 0)
			return -1;
		if (nbits == 0)
			return perr(p, t.off, "empty tag");
		for (k = 0; ends != NULL && ends[k] != NULL; k++) {
			if (bit_is(&bits[0], ends[k])) {
				e->tok = t;
				memcpy(e->bits, bits, nbits * sizeof(*bits));
				e->nbits = nbits;
				if (nbits > 1 && !bit_is(&bits[0], "elif") &&
				    !bit_is(&bits[0], "endblock"))
					return perr(p, t.off, "'%s' takes no "
					    "arguments", ends[k]);
				p->depth--;
				return 0;
			}
		}
		fn = builtin_tag(bits[0].p, bits[0].n);
		if (fn == NULL) {
			if (is_end_word(&bits[0]) &&
			    tpl_tag_find(bits[0].p, bits[0].n) == NULL)
				return perr(p, t.off, ends != NULL ?
				    "unexpected '%.*s' inside '%s'; expected "
				    "'%s'" : "unexpected '%.*s'%.0s%.0s",
				    (int)bits[0].n, bits[0].p, opener,
				    ends != NULL ? ends[0] : "");
			fn = tag_custom;
		}
		if (fn != tag_extends && fn != tag_load && fn != tag_raw)
			p->seen_node = 1;
		if (fn(p, bits, nbits, &t, out) != 0)
			return -1;
	}
}

/* see template.h */
int
wk_template_parse(wk_arena *a, const char *name, const char *text,
    size_t len, unsigned flags, struct wk_template **out,
    struct wk_template_error *err)
{
	struct parser p;
	struct nodelist body;
	struct wk_template *t;

	assert(a != NULL && text != NULL && out != NULL && err != NULL);
	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.name = name != NULL ? name : "<string>";
	p.text = text;
	p.len = len;
	p.flags = flags;
	p.err = err;
	*out = NULL;
	if ((t = palloc(&p, sizeof(*t))) == NULL)
		return -1;
	t->name = p.name;
	t->text = text;
	t->len = len;
	p.t = t;
	memset(&body, 0, sizeof(body));
	if (parse_nodes(&p, NULL, "", 0, &body, NULL) != 0)
		return -1;
	t->body = body.head;
	*out = t;
	return 0;
}

/* see template.h */
const char *
wk_template_name(const struct wk_template *t)
{
	return t->name;
}

/* see internal.h */
const struct tpl_tag_def *
tpl_tag_find(const char *name, size_t len)
{
	const struct custom_tag *ct;

	for (ct = custom_tags; ct != NULL; ct = ct->next)
		if (strlen(ct->def.name) == len &&
		    memcmp(ct->def.name, name, len) == 0)
			return &ct->def;
	return NULL;
}

/* see template.h */
int
wk_template_register_tag(const char *name, wk_tag_fn fn)
{
	struct custom_tag *ct;
	size_t k, n;

	if (name == NULL || fn == NULL || (n = strlen(name)) == 0)
		return -1;
	for (k = 0; k < n; k++)
		if (!is_ident_char(name[k]))
			return -1;
	if (builtin_tag(name, n) != NULL || tpl_tag_find(name, n) != NULL)
		return -1;
	if (!tags_ready) {
		wk_arena_init(&tags_arena);
		tags_ready = 1;
	}
	if ((ct = wk_arena_alloc(&tags_arena, sizeof(*ct))) == NULL)
		return -1;
	ct->def.name = name;
	ct->def.fn = fn;
	ct->next = NULL;
	*tags_tail = ct;
	tags_tail = &ct->next;
	return 0;
}
