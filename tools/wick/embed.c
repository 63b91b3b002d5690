/*
 * embed.c - turn the skeleton folders into C arrays for the wick command.
 *
 * A host program run by the Makefile:
 *
 *   build/tools/wick-embed --out build/gen/wick_skeleton.c \
 *       wick_project_skel=share/project_template \
 *       wick_app_skel=share/app_template
 *
 * Each NAME=DIR becomes `const struct wick_skel NAME` (skeleton.h) holding
 * every regular file under DIR, dot files included (.gitignore is part of
 * a project), sorted by path so the output does not depend on the order
 * readdir happens to return.  Nothing is interpreted here: placeholders
 * are substituted by wick.c when a project is written.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 512
#define MAX_FILE_BYTES ((size_t)1 << 20)
#define MAX_PATH 1024

struct file {
	char rel[MAX_PATH];     /* relative to the skeleton's root */
	char full[MAX_PATH];    /* as given + rel */
};

static struct file files[MAX_FILES];
static size_t nfiles;

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->rel,
	    ((const struct file *)b)->rel);
}

/* Collect the regular files under root/rel (rel "" for the root). */
static int
walk(const char *root, const char *rel)
{
	char dir[MAX_PATH], rp[MAX_PATH], fp[MAX_PATH];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int n, rc = 0;

	n = snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return fprintf(stderr, "wick-embed: path too long: %s\n", rel), -1;
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "wick-embed: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n = snprintf(rp, sizeof(rp), "%s%s%s", rel, *rel ? "/" : "",
		    e->d_name);
		if (n < 0 || (size_t)n >= sizeof(rp) ||
		    (n = snprintf(fp, sizeof(fp), "%s/%s", root, rp)) < 0 ||
		    (size_t)n >= sizeof(fp)) {
			fprintf(stderr, "wick-embed: path too long: %s\n",
			    e->d_name);
			rc = -1;
			break;
		}
		if (lstat(fp, &st) != 0) {
			fprintf(stderr, "wick-embed: %s: %s\n", fp,
			    strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(root, rp);
		} else if (S_ISREG(st.st_mode)) {
			if (nfiles == MAX_FILES) {
				fprintf(stderr, "wick-embed: more than %d "
				    "files\n", MAX_FILES);
				rc = -1;
				break;
			}
			memcpy(files[nfiles].rel, rp, strlen(rp) + 1);
			memcpy(files[nfiles].full, fp, strlen(fp) + 1);
			nfiles++;
		} else {
			fprintf(stderr, "wick-embed: %s: not a regular file "
			    "or folder\n", fp);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

/* Write s as a C string literal, one source line per input line. */
static void
emit_literal(FILE *out, const unsigned char *s, size_t len)
{
	size_t i;

	fputs("\t\"", out);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\n') {
			fputs("\\n\"", out);
			if (i + 1 < len)
				fputs("\n\t\"", out);
			else
				return;
		} else if (c == '"' || c == '\\') {
			fprintf(out, "\\%c", c);
		} else if (c == '\t') {
			fputs("\\t", out);
		} else if (c < 0x20 || c >= 0x7f || c == '?') {
			/* octal: never runs into a following digit; '?' so
			 * no trigraph forms */
			fprintf(out, "\\%03o", c);
		} else {
			fputc(c, out);
		}
	}
	fputs("\"", out);
}

static int
emit_file(FILE *out, const char *sym, size_t idx, const struct file *f)
{
	unsigned char *buf;
	size_t len;
	FILE *in;

	if ((in = fopen(f->full, "rb")) == NULL) {
		fprintf(stderr, "wick-embed: %s: %s\n", f->full,
		    strerror(errno));
		return -1;
	}
	if ((buf = malloc(MAX_FILE_BYTES + 1)) == NULL) {
		fclose(in);
		return fprintf(stderr, "wick-embed: out of memory\n"), -1;
	}
	len = fread(buf, 1, MAX_FILE_BYTES + 1, in);
	if (ferror(in) || len > MAX_FILE_BYTES) {
		fprintf(stderr, "wick-embed: %s: %s\n", f->full,
		    ferror(in) ? "read error" : "too big");
		fclose(in);
		free(buf);
		return -1;
	}
	fclose(in);
	fprintf(out, "/* %s */\nstatic const char %s_%zu[] =\n", f->rel, sym,
	    idx);
	if (len == 0)
		fputs("\t\"\"", out);
	else
		emit_literal(out, buf, len);
	fputs(";\n\n", out);
	free(buf);
	return 0;
}

static int
emit_skel(FILE *out, const char *sym, const char *root)
{
	size_t i;

	nfiles = 0;
	if (walk(root, "") != 0)
		return -1;
	if (nfiles == 0) {
		fprintf(stderr, "wick-embed: %s has no files\n", root);
		return -1;
	}
	qsort(files, nfiles, sizeof(files[0]), cmp_file);
	for (i = 0; i < nfiles; i++)
		if (emit_file(out, sym, i, &files[i]) != 0)
			return -1;
	fprintf(out, "static const struct wick_skel_file %s_files[] = {\n",
	    sym);
	for (i = 0; i < nfiles; i++) {
		fputs("\t{ ", out);
		emit_literal(out, (const unsigned char *)files[i].rel,
		    strlen(files[i].rel));
		fprintf(out, ", %s_%zu, sizeof(%s_%zu) - 1 },\n", sym, i, sym,
		    i);
	}
	fprintf(out, "};\n\nconst struct wick_skel %s = { %s_files, %zu };\n\n",
	    sym, sym, nfiles);
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: wick-embed --out FILE SYMBOL=DIR...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *outpath;
	FILE *out;
	int i;

	if (argc < 4 || strcmp(argv[1], "--out") != 0)
		return usage();
	outpath = argv[2];
	if ((out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "wick-embed: %s: %s\n", outpath,
		    strerror(errno));
		return 1;
	}
	fputs("/*\n * Generated by tools/wick/embed.c from the skeleton "
	    "folders: do not edit.\n */\n#include <stddef.h>\n\n"
	    "#include \"skeleton.h\"\n\n", out);
	for (i = 3; i < argc; i++) {
		char sym[128];
		const char *eq = strchr(argv[i], '=');
		size_t n;

		if (eq == NULL || (n = (size_t)(eq - argv[i])) == 0 ||
		    n >= sizeof(sym)) {
			fclose(out);
			remove(outpath);
			return usage();
		}
		memcpy(sym, argv[i], n);
		sym[n] = '\0';
		if (emit_skel(out, sym, eq + 1) != 0) {
			fclose(out);
			remove(outpath);
			return 1;
		}
	}
	if (fclose(out) != 0) {
		fprintf(stderr, "wick-embed: %s: write error\n", outpath);
		remove(outpath);
		return 1;
	}
	return 0;
}
