/*
 * wk-templates.c - embed an app's templates and static files in its binary.
 *
 * A host program run by the Makefile:
 *
 *   wk-templates --app blog --templates cgi-bin/blog/templates \
 *       --static cgi-bin/blog/static --source-dir /abs/templates \
 *       --out build/gen/blog_assets.c
 *
 * It parses every template with the same parser the binary uses, so a
 * syntax error or an unknown filter fails the build with
 * "path:line:col: message".  An app's own filters and tags are registered
 * at run time; name them with --filter / --tag so the check knows them.
 * Static files get a content-hashed name (style.css -> style.3f2a9c1b.css)
 * so the binary can serve them with a one-year immutable cache lifetime: a
 * changed file has a new name.  The output is one C file defining
 * `const struct wk_template_set <app>_templates`; beside each template's
 * source it holds the tree the check parsed, as static const data (see
 * "the parsed tree as C data" below), so the binary never parses an
 * embedded template.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wick/core/arena.h"
#include "wick/template/template.h"
#include "wick/template/tree.h"

#define MAX_FILES 4096
#define MAX_FILE_BYTES ((size_t)16 << 20)

struct file {
	char *name;        /* relative to the folder */
	char *path;        /* as given + name */
	unsigned char *data;
	size_t len;
	char hashed[512];
};

static struct file files[MAX_FILES];
static struct wk_template *trees[MAX_FILES];  /* parallel to files */
static size_t nfiles;

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->name,
	    ((const struct file *)b)->name);
}

static char *
join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = malloc(na + nb + 2);

	if (s == NULL)
		return NULL;
	memcpy(s, a, na);
	s[na] = '/';
	memcpy(s + na + 1, b, nb + 1);
	if (na == 0)
		memmove(s, s + 1, nb + 1);
	return s;
}

static int
read_all(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return -1;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > MAX_FILE_BYTES + 1 ||
			    (nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return -1;
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* Collect regular files under root/rel (skipping dot files), recursively. */
static int
walk(const char *root, const char *rel)
{
	char *dirpath = rel[0] ? join(root, rel) : strdup(root);
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (dirpath == NULL)
		return -1;
	if ((d = opendir(dirpath)) == NULL) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc != 0)
			fprintf(stderr, "wk-templates: %s: %s\n", dirpath,
			    strerror(errno));
		free(dirpath);
		return rc;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *name, *path;

		if (de->d_name[0] == '.')
			continue;
		name = rel[0] ? join(rel, de->d_name) : strdup(de->d_name);
		path = name != NULL ? join(root, name) : NULL;
		if (path == NULL || stat(path, &st) != 0) {
			fprintf(stderr, "wk-templates: %s: cannot stat\n",
			    path != NULL ? path : de->d_name);
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(root, name);
		} else if (S_ISREG(st.st_mode)) {
			if (nfiles == MAX_FILES) {
				fprintf(stderr, "wk-templates: too many files\n");
				rc = -1;
			} else if (read_all(path, &files[nfiles].data,
			    &files[nfiles].len) != 0) {
				fprintf(stderr, "wk-templates: %s: cannot "
				    "read\n", path);
				rc = -1;
			} else {
				files[nfiles].name = name;
				files[nfiles].path = path;
				nfiles++;
				continue;
			}
		}
		free(name);
		free(path);
	}
	closedir(d);
	free(dirpath);
	return rc;
}

/* Write n bytes as a C string literal, a line per source line. */
static void
emit_literal(FILE *out, const unsigned char *p, size_t n)
{
	size_t i, col = 0;

	fputs("\t\"", out);
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '\n') {
			fputs("\\n", out);
			if (i + 1 < n)
				fputs("\"\n\t\"", out);
			col = 0;
			continue;
		}
		if (col >= 100) {
			fputs("\"\n\t\"", out);
			col = 0;
		}
		if (c == '"' || c == '\\')
			col += (size_t)fprintf(out, "\\%c", c);
		else if (c == '?')
			col += (size_t)fprintf(out, "\\?");  /* no trigraphs */
		else if (c >= 0x20 && c < 0x7f)
			col += (size_t)(fputc(c, out) != EOF);
		else
			col += (size_t)fprintf(out, "\\%03o", c);
	}
	fputs("\"", out);
}

/* FNV-1a: a cache-busting tag, not a security measure. */
static uint32_t
content_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static const char *
content_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".map", "application/json" },
		{ ".html", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".webp", "image/webp" },
		{ ".ico", "image/vnd.microsoft.icon" },
		{ ".woff", "font/woff" },
		{ ".woff2", "font/woff2" },
	};
	const char *dot = strrchr(name, '.');
	size_t k;

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			if (strcmp(dot, types[k].ext) == 0)
				return types[k].type;
	return "application/octet-stream";
}

/* "css/site.css" -> "css/site.1a2b3c4d.css" */
static int
hashed_name(struct file *f)
{
	const char *base = strrchr(f->name, '/');
	const char *dot;
	uint32_t h = content_hash(f->data, f->len);
	int n;

	base = base != NULL ? base + 1 : f->name;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		n = snprintf(f->hashed, sizeof(f->hashed), "%s.%08x", f->name,
		    (unsigned)h);
	else
		n = snprintf(f->hashed, sizeof(f->hashed), "%.*s.%08x%s",
		    (int)(dot - f->name), f->name, (unsigned)h, dot);
	return n < 0 || (size_t)n >= sizeof(f->hashed) ? -1 : 0;
}

static int
check_c_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || s[i] == '_' || (i > 0 && s[i] >= '0' &&
		    s[i] <= '9')))
			return -1;
	return i > 0 ? 0 : -1;
}

/* A C string literal for a short NUL-free string (names, paths). */
static void
emit_cstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s == '?')
			fputs("\\?", out);
		else if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			fputc(*s, out);
		else
			fprintf(out, "\\%03o", (unsigned char)*s);
	}
	fputc('"', out);
}

/* ---- the parsed tree as C data ------------------------------------------- */

/*
 * Each template's tree is written as static const initialisers of the
 * structs in wick/template/tree.h, so the binary renders it without
 * parsing.  Strings that point into the source point into its embedded
 * copy (f<k> + offset); strings the parser made (unescaped literals) get
 * arrays of their own.  Node addresses matter (named cycles, the block
 * table, per-node render state), so every node is declared first and
 * referred to by name.  An object's initialiser is built in a memory
 * stream while the objects it points to are defined, so each is defined
 * before its first use.  A tree this writer cannot express (a literal of
 * a kind the parser never makes) is left out: that template is then
 * parsed at run time, as before.
 */

#define MAX_NODES 65536

static const char *const node_kinds[] = {
	"TN_TEXT", "TN_VAR", "TN_IF", "TN_FOR", "TN_WITH", "TN_BLOCK",
	"TN_INCLUDE", "TN_AUTOESCAPE", "TN_URL", "TN_CSRF", "TN_STATIC",
	"TN_NOW", "TN_CYCLE", "TN_FIRSTOF", "TN_SPACELESS", "TN_CUSTOM",
	"TN_RESETCYCLE", "TN_IFCHANGED", "TN_WIDTHRATIO", "TN_REGROUP",
	"TN_FILTER", "TN_LOREM", "TN_DEBUG", "TN_PREFIX", "TN_QUERYSTRING",
};
_Static_assert(sizeof(node_kinds) / sizeof(node_kinds[0]) == TN__MAX,
    "node_kinds follows enum tpl_node_kind");

static const char *const cond_ops[] = {
	"TC_LEAF", "TC_OR", "TC_AND", "TC_NOT", "TC_EQ", "TC_NE", "TC_LT",
	"TC_GT", "TC_LE", "TC_GE", "TC_IN", "TC_NOTIN", "TC_IS", "TC_ISNOT",
};
_Static_assert(sizeof(cond_ops) / sizeof(cond_ops[0]) == TC__MAX,
    "cond_ops follows enum tpl_cond_op");

/* One template being written. */
struct emit {
	FILE *out;                 /* definitions, in order */
	size_t k;                  /* its index: f<k>, t<k>_... */
	const char *text;          /* the source the tree points into */
	size_t len;
	const struct tpl_node **nodes;
	size_t nnodes;
	unsigned long obj;         /* the next t<k>_o<n> */
	int bad;                   /* something could not be written */
	const char *why;
};

/* An initialiser being built. */
struct init {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *
init_open(struct emit *e, struct init *in)
{
	in->buf = NULL;
	in->len = 0;
	if ((in->f = open_memstream(&in->buf, &in->len)) == NULL) {
		e->bad = 1;
		e->why = "out of memory";
		in->f = fopen("/dev/null", "w");
		if (in->f == NULL) {
			perror("wk-templates");
			exit(1);
		}
	}
	return in->f;
}

/* Define "static const <decl> = <initialiser>;" and free the builder. */
static void
init_define(struct emit *e, struct init *in, const char *decl)
{
	if (fclose(in->f) != 0)
		e->bad = 1;
	if (in->buf != NULL)
		fprintf(e->out, "static const %s = %s;\n", decl, in->buf);
	free(in->buf);
}

static void
emit_fail(struct emit *e, const char *why)
{
	if (!e->bad)
		e->why = why;
	e->bad = 1;
}

/* A fresh object name "t<k>_o<n>" into r (32 bytes). */
static char *
new_obj(struct emit *e, char *r)
{
	snprintf(r, 32, "t%zu_o%lu", e->k, e->obj++);
	return r;
}

static long
node_id(const struct emit *e, const struct tpl_node *n)
{
	size_t i;

	for (i = 0; i < e->nnodes; i++)
		if (e->nodes[i] == n)
			return (long)i;
	return -1;
}

/* Collect n, its siblings and everything under them. */
static void
collect(struct emit *e, const struct tpl_node *n)
{
	size_t i;

	for (; n != NULL; n = n->next) {
		if (node_id(e, n) >= 0)
			continue;
		if (e->nnodes == MAX_NODES) {
			emit_fail(e, "too many nodes");
			return;
		}
		e->nodes[e->nnodes++] = n;
		switch (n->kind) {
		case TN_IF:
			for (i = 0; i < n->u.iff.n; i++)
				collect(e, n->u.iff.br[i].body);
			break;
		case TN_FOR:
			collect(e, n->u.loop.body);
			collect(e, n->u.loop.empty);
			break;
		case TN_WITH:
			collect(e, n->u.with.body);
			break;
		case TN_BLOCK:
			collect(e, n->u.block.body);
			break;
		case TN_AUTOESCAPE:
			collect(e, n->u.autoesc.body);
			break;
		case TN_IFCHANGED:
			collect(e, n->u.ifchanged.body);
			collect(e, n->u.ifchanged.els);
			break;
		case TN_FILTER:
			collect(e, n->u.filter.body);
			break;
		case TN_SPACELESS:
			collect(e, n->u.body);
			break;
		default:
			break;
		}
	}
}

/* "&t<k>_n<i>" for a node of this tree, or NULL. */
static void
put_node(struct emit *e, FILE *w, const struct tpl_node *n)
{
	long id;

	if (n == NULL) {
		fputs("NULL", w);
		return;
	}
	if ((id = node_id(e, n)) < 0) {
		emit_fail(e, "a node outside the tree");
		fputs("NULL", w);
		return;
	}
	fprintf(w, "&t%zu_n%ld", e->k, id);
}

/* A (possibly NULL) string of n bytes: into the source, or an array. */
static void
put_str(struct emit *e, FILE *w, const char *p, size_t n)
{
	char name[32];

	if (p == NULL) {
		fputs("NULL", w);
		return;
	}
	if (p >= e->text && p <= e->text + e->len &&
	    n <= (size_t)(e->text + e->len - p)) {
		fprintf(w, "f%zu + %zu", e->k, (size_t)(p - e->text));
		return;
	}
	/* Made by the parser (an unescaped literal): its own array, n bytes
	 * and a NUL as the arena copy has. */
	new_obj(e, name);
	fprintf(e->out, "static const char %s[] =\n", name);
	emit_literal(e->out, (const unsigned char *)p, n);
	fputs(";\n", e->out);
	fputs(name, w);
}

static void
put_seg(struct emit *e, FILE *w, const struct tpl_seg *s)
{
	fputs("{ ", w);
	put_str(e, w, s->name, s->len);
	fprintf(w, ", %zu }", s->len);
}

/* An array of n segments (one zeroed one when n is 0, so that a pointer
 * the parser set stays non-NULL), or NULL. */
static void
put_segs(struct emit *e, FILE *w, const struct tpl_seg *s, size_t n)
{
	struct init in;
	char name[32], decl[64];
	size_t i;
	FILE *a;

	if (s == NULL) {
		fputs("NULL", w);
		return;
	}
	a = init_open(e, &in);
	fputs("{", a);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : " ", a);
		put_seg(e, a, &s[i]);
	}
	fputs(n ? " }" : " { NULL, 0 } }", a);
	snprintf(decl, sizeof(decl), "struct tpl_seg %s[]", new_obj(e, name));
	init_define(e, &in, decl);
	fputs(name, w);
}

static void
put_value(struct emit *e, FILE *w, const struct wk_value *v)
{
	switch (v->kind) {
	case WK_VAL_NULL:
		fputs("{ .kind = WK_VAL_NULL }", w);
		break;
	case WK_VAL_BOOL:
		fprintf(w, "{ .kind = WK_VAL_BOOL, .u.b = %d }", v->u.b);
		break;
	case WK_VAL_INT:
		fprintf(w, "{ .kind = WK_VAL_INT, .u.i = %lldLL }", v->u.i);
		break;
	case WK_VAL_REAL:
		if (v->u.r != v->u.r || v->u.r - v->u.r != 0)
			emit_fail(e, "a literal that is not finite");
		fprintf(w, "{ .kind = WK_VAL_REAL, .u.r = %a }", v->u.r);
		break;
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		fprintf(w, "{ .kind = %s, .u.s = { ", v->kind == WK_VAL_STR ?
		    "WK_VAL_STR" : "WK_VAL_SAFE");
		put_str(e, w, v->u.s.p, v->u.s.n);
		fprintf(w, ", %zu } }", v->u.s.n);
		break;
	default:
		emit_fail(e, "a literal of a kind the writer does not know");
		fputs("{ .kind = WK_VAL_NULL }", w);
		break;
	}
}

static void
put_operand(struct emit *e, FILE *w, const struct tpl_operand *o)
{
	fprintf(w, "{ %d, ", o->is_var);
	put_value(e, w, &o->lit);
	fputs(", ", w);
	put_segs(e, w, o->segs, o->nsegs);
	fprintf(w, ", %zu }", o->nsegs);
}

static int
is_builtin(const struct tpl_filter_def *d)
{
	return d != NULL && d >= tpl_builtin_filters &&
	    d < tpl_builtin_filters + tpl_builtin_nfilters;
}

/* A filter's definition: the built-in table's entry, else NULL (an app's
 * filter, registered at run time: looked up, and its argument checked,
 * when rendering; the tree marks it late). */
static void
put_filter_def(FILE *w, const struct tpl_filter_def *d)
{
	if (is_builtin(d))
		fprintf(w, "&tpl_builtin_filters[%zu]",
		    (size_t)(d - tpl_builtin_filters));
	else
		fputs("NULL", w);
}

/* "&t<k>_o<n>" for a new expression object, or NULL. */
static void
put_expr(struct emit *e, FILE *w, const struct tpl_expr *x)
{
	struct init in, fin;
	char name[32], fname[32], decl[64];
	const struct tpl_filter *f;
	size_t i;
	FILE *a, *fa;

	if (x == NULL) {
		fputs("NULL", w);
		return;
	}
	fname[0] = '\0';
	if (x->filters != NULL) {
		fa = init_open(e, &fin);
		fputs("{", fa);
		for (i = 0; i < x->nfilters; i++) {
			f = &x->filters[i];
			fputs(i ? ",\n\t{ " : "\n\t{ ", fa);
			put_filter_def(fa, f->def);
			fputs(", ", fa);
			put_str(e, fa, f->name, f->namelen);
			fprintf(fa, ", %zu, %d, ", f->namelen, f->has_arg);
			put_operand(e, fa, &f->arg);
			fprintf(fa, ", %d }", !is_builtin(f->def));
		}
		if (x->nfilters == 0)
			fputs(" { NULL, NULL, 0, 0, { 0 }, 0 }", fa);
		fputs(" }", fa);
		snprintf(decl, sizeof(decl), "struct tpl_filter %s[]",
		    new_obj(e, fname));
		init_define(e, &fin, decl);
	}
	a = init_open(e, &in);
	fputs("{ ", a);
	put_operand(e, a, &x->base);
	fprintf(a, ", %s, %zu }", fname[0] ? fname : "NULL", x->nfilters);
	snprintf(decl, sizeof(decl), "struct tpl_expr %s", new_obj(e, name));
	init_define(e, &in, decl);
	fprintf(w, "&%s", name);
}

/* An array of n expression pointers, or NULL. */
static void
put_exprs(struct emit *e, FILE *w, const struct tpl_expr *const *v,
    size_t n)
{
	struct init in;
	char name[32], decl[64];
	size_t i;
	FILE *a;

	if (v == NULL) {
		fputs("NULL", w);
		return;
	}
	a = init_open(e, &in);
	fputs("{", a);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : " ", a);
		put_expr(e, a, v[i]);
	}
	fputs(n ? " }" : " NULL }", a);
	snprintf(decl, sizeof(decl), "struct tpl_expr *const %s[]",
	    new_obj(e, name));
	init_define(e, &in, decl);
	fputs(name, w);
}

static void
put_binds(struct emit *e, FILE *w, const struct tpl_bind *b, size_t n)
{
	struct init in;
	char name[32], decl[64];
	size_t i;
	FILE *a;

	if (b == NULL) {
		fputs("NULL", w);
		return;
	}
	a = init_open(e, &in);
	fputs("{", a);
	for (i = 0; i < n; i++) {
		fputs(i ? ", { " : " { ", a);
		put_seg(e, a, &b[i].name);
		fputs(", ", a);
		put_expr(e, a, b[i].expr);
		fputs(" }", a);
	}
	fputs(n ? " }" : " { { NULL, 0 }, NULL } }", a);
	snprintf(decl, sizeof(decl), "struct tpl_bind %s[]", new_obj(e, name));
	init_define(e, &in, decl);
	fputs(name, w);
}

static void
put_cond(struct emit *e, FILE *w, const struct tpl_cond *c)
{
	struct init in;
	char name[32], decl[64];
	FILE *a;

	if (c == NULL) {
		fputs("NULL", w);
		return;
	}
	if ((unsigned)c->op >= TC__MAX) {
		emit_fail(e, "an unknown condition");
		fputs("NULL", w);
		return;
	}
	a = init_open(e, &in);
	fprintf(a, "{ %s, ", cond_ops[c->op]);
	put_cond(e, a, c->l);
	fputs(", ", a);
	put_cond(e, a, c->r);
	fputs(", ", a);
	put_expr(e, a, c->leaf);
	fputs(" }", a);
	snprintf(decl, sizeof(decl), "struct tpl_cond %s", new_obj(e, name));
	init_define(e, &in, decl);
	fprintf(w, "&%s", name);
}

static void
put_branches(struct emit *e, FILE *w, const struct tpl_branch *b, size_t n)
{
	struct init in;
	char name[32], decl[64];
	size_t i;
	FILE *a;

	if (b == NULL) {
		fputs("NULL", w);
		return;
	}
	a = init_open(e, &in);
	fputs("{", a);
	for (i = 0; i < n; i++) {
		fputs(i ? ", { " : " { ", a);
		put_cond(e, a, b[i].cond);
		fputs(", ", a);
		put_node(e, a, b[i].body);
		fputs(" }", a);
	}
	fputs(n ? " }" : " { NULL, NULL } }", a);
	snprintf(decl, sizeof(decl), "struct tpl_branch %s[]",
	    new_obj(e, name));
	init_define(e, &in, decl);
	fputs(name, w);
}

/* The union member of node n, as ".u.<member> = { ... }". */
static void
put_node_u(struct emit *e, FILE *w, const struct tpl_node *n)
{
	switch (n->kind) {
	case TN_TEXT:
		fputs(".u.text = { ", w);
		put_str(e, w, n->u.text.p, n->u.text.n);
		fprintf(w, ", %zu }", n->u.text.n);
		break;
	case TN_VAR:
		fputs(".u.var = ", w);
		put_expr(e, w, n->u.var);
		break;
	case TN_IF:
		fputs(".u.iff = { ", w);
		put_branches(e, w, n->u.iff.br, n->u.iff.n);
		fprintf(w, ", %zu }", n->u.iff.n);
		break;
	case TN_FOR:
		fputs(".u.loop = { ", w);
		put_segs(e, w, n->u.loop.names, n->u.loop.nnames);
		fprintf(w, ", %zu, ", n->u.loop.nnames);
		put_expr(e, w, n->u.loop.seq);
		fprintf(w, ", %d, ", n->u.loop.reversed);
		put_node(e, w, n->u.loop.body);
		fputs(", ", w);
		put_node(e, w, n->u.loop.empty);
		fputs(" }", w);
		break;
	case TN_WITH:
		fputs(".u.with = { ", w);
		put_binds(e, w, n->u.with.b, n->u.with.n);
		fprintf(w, ", %zu, ", n->u.with.n);
		put_node(e, w, n->u.with.body);
		fputs(" }", w);
		break;
	case TN_BLOCK:
		fputs(".u.block = { ", w);
		put_str(e, w, n->u.block.name, n->u.block.len);
		fprintf(w, ", %zu, ", n->u.block.len);
		put_node(e, w, n->u.block.body);
		fputs(" }", w);
		break;
	case TN_INCLUDE:
		fputs(".u.include = { ", w);
		put_expr(e, w, n->u.include.name);
		fputs(", ", w);
		put_binds(e, w, n->u.include.b, n->u.include.n);
		fprintf(w, ", %zu, %d }", n->u.include.n, n->u.include.only);
		break;
	case TN_AUTOESCAPE:
		fprintf(w, ".u.autoesc = { %d, ", n->u.autoesc.on);
		put_node(e, w, n->u.autoesc.body);
		fputs(" }", w);
		break;
	case TN_URL:
		fputs(".u.url = { ", w);
		put_expr(e, w, n->u.url.name);
		fputs(", ", w);
		put_exprs(e, w, n->u.url.args, n->u.url.nargs);
		fprintf(w, ", %zu, ", n->u.url.nargs);
		put_segs(e, w, n->u.url.kw, n->u.url.nargs);
		fputs(", ", w);
		put_seg(e, w, &n->u.url.as);
		fputs(" }", w);
		break;
	case TN_STATIC:
		fputs(".u.stat = { ", w);
		put_expr(e, w, n->u.stat.path);
		fputs(", ", w);
		put_seg(e, w, &n->u.stat.as);
		fputs(" }", w);
		break;
	case TN_NOW:
		fputs(".u.now = { ", w);
		put_str(e, w, n->u.now.fmt, n->u.now.len);
		fprintf(w, ", %zu, ", n->u.now.len);
		put_seg(e, w, &n->u.now.as);
		fputs(" }", w);
		break;
	case TN_CYCLE:
	case TN_FIRSTOF:
		fputs(".u.list = { ", w);
		put_exprs(e, w, n->u.list.items, n->u.list.n);
		fprintf(w, ", %zu, ", n->u.list.n);
		put_seg(e, w, &n->u.list.as);
		fprintf(w, ", %d, ", n->u.list.silent);
		put_node(e, w, n->u.list.ref);
		fputs(" }", w);
		break;
	case TN_RESETCYCLE:
		fputs(".u.reset = ", w);
		put_node(e, w, n->u.reset);
		break;
	case TN_IFCHANGED:
		fputs(".u.ifchanged = { ", w);
		put_exprs(e, w, n->u.ifchanged.args, n->u.ifchanged.n);
		fprintf(w, ", %zu, ", n->u.ifchanged.n);
		put_node(e, w, n->u.ifchanged.body);
		fputs(", ", w);
		put_node(e, w, n->u.ifchanged.els);
		fputs(" }", w);
		break;
	case TN_WIDTHRATIO:
		fputs(".u.ratio = { ", w);
		put_expr(e, w, n->u.ratio.val);
		fputs(", ", w);
		put_expr(e, w, n->u.ratio.max);
		fputs(", ", w);
		put_expr(e, w, n->u.ratio.width);
		fputs(", ", w);
		put_seg(e, w, &n->u.ratio.as);
		fputs(" }", w);
		break;
	case TN_REGROUP:
		fputs(".u.regroup = { ", w);
		put_expr(e, w, n->u.regroup.seq);
		fputs(", ", w);
		put_expr(e, w, n->u.regroup.by);
		fputs(", ", w);
		put_seg(e, w, &n->u.regroup.as);
		fputs(" }", w);
		break;
	case TN_FILTER:
		fputs(".u.filter = { ", w);
		put_expr(e, w, n->u.filter.chain);
		fputs(", ", w);
		put_node(e, w, n->u.filter.body);
		fputs(" }", w);
		break;
	case TN_LOREM:
		fputs(".u.lorem = { ", w);
		put_expr(e, w, n->u.lorem.count);
		fprintf(w, ", %d, %d }", (int)n->u.lorem.method,
		    n->u.lorem.random);
		break;
	case TN_PREFIX:
		fprintf(w, ".u.prefix = { %d, ", n->u.prefix.media);
		put_seg(e, w, &n->u.prefix.as);
		fputs(" }", w);
		break;
	case TN_QUERYSTRING:
		fputs(".u.qs = { ", w);
		put_binds(e, w, n->u.qs.b, n->u.qs.n);
		fprintf(w, ", %zu }", n->u.qs.n);
		break;
	case TN_SPACELESS:
		fputs(".u.body = ", w);
		put_node(e, w, n->u.body);
		break;
	case TN_CUSTOM:
		/* The tag's definition is the app's, registered at run time:
		 * looked up when rendering (def NULL). */
		fputs(".u.custom = { NULL, ", w);
		put_str(e, w, n->u.custom.name, n->u.custom.len);
		fprintf(w, ", %zu, ", n->u.custom.len);
		put_exprs(e, w, n->u.custom.args, n->u.custom.nargs);
		fprintf(w, ", %zu }", n->u.custom.nargs);
		break;
	case TN_CSRF:
	case TN_DEBUG:
		fputs(".u.body = NULL", w);
		break;
	default:
		emit_fail(e, "an unknown node kind");
		fputs(".u.body = NULL", w);
		break;
	}
}

/*
 * Write template k's tree to out as t<k> (a const struct wk_template
 * named name, over the embedded source f<k>).  Returns 0, or -1 when the
 * tree cannot be written (then nothing is: the template is parsed at run
 * time); *why says why.
 */
static int
emit_tree(FILE *out, size_t k, const char *name, const char *text,
    size_t len, const struct wk_template *t, const char **why)
{
	static const struct tpl_node *nodes[MAX_NODES];
	struct emit e;
	struct init in;
	char decl[64];
	char *buf = NULL;
	size_t blen = 0, i;
	FILE *a;

	memset(&e, 0, sizeof(e));
	e.k = k;
	e.text = text;
	e.len = len;
	e.nodes = nodes;
	if ((e.out = open_memstream(&buf, &blen)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	collect(&e, t->body);
	for (i = 0; i < t->nblocks; i++)
		collect(&e, t->blocks[i]);
	for (i = 0; i < e.nnodes; i++)
		fprintf(e.out, "static const struct tpl_node t%zu_n%zu;\n", k,
		    i);
	for (i = 0; i < e.nnodes && !e.bad; i++) {
		const struct tpl_node *n = e.nodes[i];

		if ((unsigned)n->kind >= TN__MAX) {
			emit_fail(&e, "an unknown node kind");
			break;
		}
		a = init_open(&e, &in);
		fprintf(a, "{\n\t.kind = %s, .next = ", node_kinds[n->kind]);
		put_node(&e, a, n->next);
		fprintf(a, ", .line = %u, .col = %u,\n\t", n->line, n->col);
		put_node_u(&e, a, n);
		fputs("\n}", a);
		snprintf(decl, sizeof(decl), "struct tpl_node t%zu_n%zu", k, i);
		init_define(&e, &in, decl);
	}
	if (t->blocks != NULL) {
		a = init_open(&e, &in);
		fputs("{", a);
		for (i = 0; i < t->nblocks; i++) {
			fputs(i ? ", " : " ", a);
			put_node(&e, a, t->blocks[i]);
		}
		fputs(t->nblocks ? " }" : " NULL }", a);
		snprintf(decl, sizeof(decl), "struct tpl_node *const t%zu_b[]",
		    k);
		init_define(&e, &in, decl);
	}
	a = init_open(&e, &in);
	fputs("{\n\t", a);
	emit_cstr(a, name);
	fputs(", ", a);
	put_node(&e, a, t->body);
	fputs(", ", a);
	put_expr(&e, a, t->extends);
	if (t->blocks != NULL)
		fprintf(a, ",\n\tt%zu_b, ", k);
	else
		fputs(",\n\tNULL, ", a);
	fprintf(a, "%zu, f%zu, sizeof(f%zu) - 1\n}", t->nblocks, k, k);
	snprintf(decl, sizeof(decl), "struct wk_template t%zu", k);
	init_define(&e, &in, decl);
	if (fclose(e.out) != 0)
		emit_fail(&e, "out of memory");
	if (!e.bad && buf != NULL)
		fputs(buf, out);
	free(buf);
	*why = e.why;
	return e.bad ? -1 : 0;
}

/* Stands in for an app's custom filter or tag: only its name matters. */
static int
stub_filter(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	(void)c, (void)arg;
	*out = *in;
	return 0;
}

static int
stub_tag(const struct wk_tag_ctx *c, const struct wk_value *args,
    size_t nargs, struct wk_value *out)
{
	(void)c, (void)args, (void)nargs;
	*out = wk_val_strn("", 0);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: wk-templates --app NAME --templates DIR "
	    "[--static DIR] [--source-dir ABSDIR] [--filter NAME]... "
	    "[--tag NAME]... --out FILE.c\n");
}

int
main(int argc, char **argv)
{
	const char *app = NULL, *tdir = NULL, *sdir = NULL, *src = NULL;
	const char *outpath = NULL;
	struct wk_template_error err;
	struct wk_template *t;
	const char *why;
	size_t ntpl, k, nstatic;
	char tmp[4096];
	wk_arena a;
	FILE *out;
	int i, bad = 0, n;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--app") == 0)
			app = argv[i + 1];
		else if (strcmp(argv[i], "--templates") == 0)
			tdir = argv[i + 1];
		else if (strcmp(argv[i], "--static") == 0)
			sdir = argv[i + 1];
		else if (strcmp(argv[i], "--source-dir") == 0)
			src = argv[i + 1];
		else if (strcmp(argv[i], "--out") == 0)
			outpath = argv[i + 1];
		else if (strcmp(argv[i], "--filter") == 0) {
			/* The app's own filters: known by name, so a typo in
			 * any other name still fails the build. */
			if (wk_template_register_filter(argv[i + 1],
			    stub_filter, WK_FILTER_ARG_OPTIONAL) != 0) {
				fprintf(stderr, "wk-templates: bad filter name "
				    "'%s'\n", argv[i + 1]);
				return 2;
			}
		} else if (strcmp(argv[i], "--tag") == 0) {
			if (wk_template_register_tag(argv[i + 1],
			    stub_tag) != 0) {
				fprintf(stderr, "wk-templates: bad tag name "
				    "'%s'\n", argv[i + 1]);
				return 2;
			}
		} else {
			usage();
			return 2;
		}
	}
	if (i != argc || app == NULL || tdir == NULL || outpath == NULL ||
	    check_c_name(app) != 0) {
		usage();
		return 2;
	}
	if (walk(tdir, "") != 0)
		return 1;
	ntpl = nfiles;
	qsort(files, ntpl, sizeof(files[0]), cmp_file);
	wk_arena_init(&a);
	for (k = 0; k < ntpl; k++) {
		if (memchr(files[k].data, '\0', files[k].len) != NULL) {
			fprintf(stderr, "%s: NUL byte in template\n",
			    files[k].path);
			bad = 1;
			continue;
		}
		if (wk_template_parse(&a, files[k].path,
		    (const char *)files[k].data, files[k].len, 0, &t,
		    &err) != 0) {
			fprintf(stderr, "%s\n", err.message);
			bad = 1;
		} else
			trees[k] = t;
	}
	if (bad) {
		wk_arena_free(&a);
		return 1;
	}
	if (sdir != NULL && walk(sdir, "") != 0)
		return 1;
	nstatic = nfiles - ntpl;
	qsort(files + ntpl, nstatic, sizeof(files[0]), cmp_file);
	for (k = ntpl; k < nfiles; k++)
		if (hashed_name(&files[k]) != 0) {
			fprintf(stderr, "%s: name too long\n", files[k].path);
			return 1;
		}

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", outpath);
	if (n < 0 || (size_t)n >= sizeof(tmp) ||
	    (out = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "wk-templates: cannot write %s\n", outpath);
		return 1;
	}
	fprintf(out, "/*\n * Generated by tools/wk-templates from %s%s%s: "
	    "do not edit.\n * The app's templates and static files, "
	    "embedded (see template.h).\n */\n", tdir, sdir ? " and " : "",
	    sdir ? sdir : "");
	fprintf(out, "#include <stddef.h>\n\n#include \"wick/template/template.h\"\n"
	    "#include \"wick/template/tree.h\"\n\n");
	fprintf(out, "extern const struct wk_template_set %s_templates;\n\n",
	    app);
	for (k = 0; k < nfiles; k++) {
		fprintf(out, "/* %s */\nstatic const %s f%zu[] =\n",
		    files[k].name, k < ntpl ? "char" : "unsigned char", k);
		emit_literal(out, files[k].data, files[k].len);
		fprintf(out, ";\n\n");
	}
	/* The parsed trees, so the binary need not parse (see emit_tree). */
	for (k = 0; k < ntpl; k++) {
		fprintf(out, "/* %s, parsed */\n", files[k].name);
		if (emit_tree(out, k, files[k].name, (const char *)files[k].data,
		    files[k].len, trees[k], &why) != 0) {
			fprintf(stderr, "wk-templates: %s: %s; parsed at run "
			    "time instead\n", files[k].path, why);
			trees[k] = NULL;
		}
		fputc('\n', out);
	}
	if (ntpl > 0) {
		fprintf(out, "static const struct wk_template_file "
		    "tpl_files[] = {\n");
		for (k = 0; k < ntpl; k++) {
			fprintf(out, "\t{ ");
			emit_cstr(out, files[k].name);
			if (trees[k] != NULL)
				fprintf(out, ", f%zu, sizeof(f%zu) - 1, &t%zu "
				    "},\n", k, k, k);
			else
				fprintf(out, ", f%zu, sizeof(f%zu) - 1, NULL "
				    "},\n", k, k);
		}
		fprintf(out, "};\n\n");
	}
	if (nstatic > 0) {
		fprintf(out, "static const struct wk_asset assets[] = {\n");
		for (k = ntpl; k < nfiles; k++) {
			fprintf(out, "\t{ ");
			emit_cstr(out, files[k].name);
			fprintf(out, ", ");
			emit_cstr(out, files[k].hashed);
			fprintf(out, ",\n\t  \"%s\", f%zu, sizeof(f%zu) - 1 },\n",
			    content_type(files[k].name), k, k);
		}
		fprintf(out, "};\n\n");
	}
	fprintf(out, "const struct wk_template_set %s_templates = {\n", app);
	fprintf(out, "\t\"%s\",\n\t%s, %zu,\n\t%s, %zu,\n\t", app,
	    ntpl ? "tpl_files" : "NULL", ntpl, nstatic ? "assets" : "NULL",
	    nstatic);
	if (src != NULL)
		emit_cstr(out, src);
	else
		fputs("NULL", out);
	fprintf(out, ",\n};\n");
	if (fclose(out) != 0 || rename(tmp, outpath) != 0) {
		fprintf(stderr, "wk-templates: cannot write %s\n", outpath);
		remove(tmp);
		return 1;
	}
	wk_arena_free(&a);
	for (k = 0; k < nfiles; k++) {
		free(files[k].name);
		free(files[k].path);
		free(files[k].data);
	}
	return 0;
}
