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
 * `const struct wk_template_set <app>_templates`.
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
		}
	}
	wk_arena_free(&a);
	if (bad)
		return 1;
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
	fprintf(out, "#include <stddef.h>\n\n#include \"wick/template/template.h\"\n\n");
	fprintf(out, "extern const struct wk_template_set %s_templates;\n\n",
	    app);
	for (k = 0; k < nfiles; k++) {
		fprintf(out, "/* %s */\nstatic const %s f%zu[] =\n",
		    files[k].name, k < ntpl ? "char" : "unsigned char", k);
		emit_literal(out, files[k].data, files[k].len);
		fprintf(out, ";\n\n");
	}
	if (ntpl > 0) {
		fprintf(out, "static const struct wk_template_file "
		    "tpl_files[] = {\n");
		for (k = 0; k < ntpl; k++) {
			fprintf(out, "\t{ ");
			emit_cstr(out, files[k].name);
			fprintf(out, ", f%zu, sizeof(f%zu) - 1 },\n", k, k);
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
	for (k = 0; k < nfiles; k++) {
		free(files[k].name);
		free(files[k].path);
		free(files[k].data);
	}
	return 0;
}
