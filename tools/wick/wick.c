/*
 * wick.c - the `wick` command: start a project or an app from a skeleton.
 *
 *   wick startproject NAME [DIR]   write a new project into DIR (./NAME)
 *   wick startapp NAME             add the app NAME to the project here
 *   wick help | wick version
 *
 * Django's django-admin startproject/startapp, for Wick.  The skeletons
 * are embedded (skeleton.h), so the command needs nothing but itself.
 * It never overwrites: every file it would write is checked first, and if
 * any exists it names it and writes nothing; files are then created with
 * O_EXCL, so a file appearing in between is refused too.  Names must be
 * lower-case C identifiers because they become C symbols (NAME_app,
 * NAME_routes), file names and URL prefixes; C keywords and the
 * libraries' own prefixes are refused.  The command is a tool, not part
 * of libwick: it links nothing from the library.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skeleton.h"

#ifndef WICK_VERSION
#define WICK_VERSION "unknown"
#endif

#define NAME_MAX_LEN 32
#define PATH_LEN 4096
#define APPS_FILE "apps.mk"
#define APPS_MAX_BYTES 65536

/* Lower-case words a name may not be: C11's keywords, <stdbool.h>'s
 * macros and main. */
static const char *const reserved_words[] = {
	"auto", "bool", "break", "case", "char", "const", "continue",
	"default", "do", "double", "else", "enum", "extern", "false",
	"float", "for", "goto", "if", "inline", "int", "long", "main",
	"register", "restrict", "return", "short", "signed", "sizeof",
	"static", "struct", "switch", "true", "typedef", "union",
	"unsigned", "void", "volatile", "while",
	NULL
};

/* Prefixes owned by the libraries a project links: Wick (wk_, wick_),
 * SQLite (sqlite3_) and BearSSL (br_). */
static const char *const reserved_prefixes[] = {
	"wk", "wick", "sqlite", "br_", NULL
};

/* Folder names a project already uses for itself (startapp only). */
static const char *const project_folders[] = {
	"build", "static", "templates", "tests", NULL
};

/* One placeholder and what replaces it. */
struct subst {
	const char *key;      /* "@PROJECT@" */
	const char *value;
};

/*
 * check_name - 0 if name may name a project or an app (kind says which,
 * for the message), else -1 after printing why.
 */
static int
check_name(const char *kind, const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN) {
		fprintf(stderr, "wick: %s name '%s' must be 1 to %d "
		    "characters\n", kind, name, NAME_MAX_LEN);
		return -1;
	}
	if (name[0] < 'a' || name[0] > 'z') {
		fprintf(stderr, "wick: %s name '%s' must start with a "
		    "lower-case letter (a-z)\n", kind, name);
		return -1;
	}
	for (i = 1; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_')) {
			fprintf(stderr, "wick: %s name '%s' is not a "
			    "lower-case C identifier (a-z, 0-9, _)\n", kind,
			    name);
			return -1;
		}
	}
	for (i = 0; reserved_words[i] != NULL; i++)
		if (strcmp(name, reserved_words[i]) == 0) {
			fprintf(stderr, "wick: %s name '%s' is a reserved "
			    "word in C\n", kind, name);
			return -1;
		}
	for (i = 0; reserved_prefixes[i] != NULL; i++)
		if (strncmp(name, reserved_prefixes[i],
		    strlen(reserved_prefixes[i])) == 0) {
			fprintf(stderr, "wick: %s name '%s' starts with "
			    "'%s', a prefix the libraries use\n", kind, name,
			    reserved_prefixes[i]);
			return -1;
		}
	return 0;
}

/* A growable output buffer; on overflow or no memory, err is set. */
struct out {
	char *s;
	size_t len, cap;
	int err;
};

static void
out_add(struct out *o, const char *s, size_t n)
{
	char *ns;
	size_t want;

	if (o->err)
		return;
	if (n > (size_t)-1 / 2 - o->len - 1) {
		o->err = 1;
		return;
	}
	want = o->len + n + 1;
	if (want > o->cap) {
		size_t cap = o->cap ? o->cap : 256;

		while (cap < want)
			cap *= 2;
		if ((ns = realloc(o->s, cap)) == NULL) {
			o->err = 1;
			return;
		}
		o->s = ns;
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

/* Copy text into o with every placeholder of subs replaced. */
static void
substitute(struct out *o, const char *text, size_t len,
    const struct subst *subs)
{
	size_t i = 0, j;

	while (i < len) {
		const char *at = memchr(text + i, '@', len - i);
		size_t k;

		if (at == NULL) {
			out_add(o, text + i, len - i);
			return;
		}
		j = (size_t)(at - text);
		out_add(o, text + i, j - i);
		for (k = 0; subs[k].key != NULL; k++) {
			size_t kl = strlen(subs[k].key);

			if (len - j >= kl && memcmp(text + j, subs[k].key,
			    kl) == 0) {
				out_add(o, subs[k].value,
				    strlen(subs[k].value));
				i = j + kl;
				break;
			}
		}
		if (subs[k].key == NULL) {
			out_add(o, "@", 1);
			i = j + 1;
		}
	}
}

/* The destination path of skeleton file f under dir; NULL on error. */
static char *
dest_path(const char *dir, const struct wick_skel_file *f,
    const struct subst *subs)
{
	struct out o = { NULL, 0, 0, 0 };

	out_add(&o, dir, strlen(dir));
	out_add(&o, "/", 1);
	substitute(&o, f->path, strlen(f->path), subs);
	if (o.err || o.len >= PATH_LEN) {
		free(o.s);
		fprintf(stderr, "wick: path too long under %s\n", dir);
		return NULL;
	}
	return o.s;
}

/* 1 if something (a file, a folder, a link) is at path, 0 if not, -1 on
 * an error other than "not there" (printed). */
static int
exists(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	if (errno == ENOTDIR) {
		fprintf(stderr, "wick: %s: a parent of it is not a folder\n",
		    path);
		return -1;
	}
	fprintf(stderr, "wick: %s: %s\n", path, strerror(errno));
	return -1;
}

/* mkdir -p for the folders above path (path itself is a file). */
static int
make_parents(const char *path)
{
	char buf[PATH_LEN];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (i = 1; i < n; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "wick: cannot create folder %s: %s\n",
			    buf, strerror(errno));
			return -1;
		}
		buf[i] = '/';
	}
	return 0;
}

/* Create path (never replacing one) holding data. */
static int
write_new(const char *path, const char *data, size_t len)
{
	size_t off = 0;
	int fd;

	if (make_parents(path) != 0)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		fprintf(stderr, "wick: cannot create %s: %s\n", path,
		    errno == EEXIST ? "it already exists" : strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "wick: writing %s: %s\n", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		fprintf(stderr, "wick: writing %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * write_skel - write every file of skel under dir with subs applied.
 * Checks all destinations first: if any exists, names it and writes
 * nothing.  Prints each file written.  0 or -1.
 */
static int
write_skel(const struct wick_skel *skel, const char *dir,
    const struct subst *subs)
{
	char **paths;
	size_t i;
	int rc = -1, clash = 0;

	if ((paths = calloc(skel->n_files, sizeof(*paths))) == NULL) {
		fprintf(stderr, "wick: out of memory\n");
		return -1;
	}
	for (i = 0; i < skel->n_files; i++) {
		int e;

		if ((paths[i] = dest_path(dir, &skel->files[i], subs)) == NULL)
			goto out;
		if ((e = exists(paths[i])) < 0)
			goto out;
		if (e) {
			fprintf(stderr, "wick: %s already exists; not "
			    "overwriting it\n", paths[i]);
			clash = 1;
		}
	}
	if (clash) {
		fprintf(stderr, "wick: nothing written\n");
		goto out;
	}
	for (i = 0; i < skel->n_files; i++) {
		struct out o = { NULL, 0, 0, 0 };
		int w;

		substitute(&o, skel->files[i].data, skel->files[i].len, subs);
		if (o.err) {
			free(o.s);
			fprintf(stderr, "wick: out of memory\n");
			goto out;
		}
		w = write_new(paths[i], o.s != NULL ? o.s : "", o.len);
		free(o.s);
		if (w != 0)
			goto out;
		printf("  created %s\n", paths[i]);
	}
	rc = 0;
out:
	for (i = 0; i < skel->n_files; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* name in upper case into buf (names are at most NAME_MAX_LEN). */
static void
upper(char *buf, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i < NAME_MAX_LEN; i++)
		buf[i] = (name[i] >= 'a' && name[i] <= 'z') ?
		    (char)(name[i] - 'a' + 'A') : name[i];
	buf[i] = '\0';
}

static int
cmd_startproject(int argc, char **argv)
{
	char up[NAME_MAX_LEN + 1];
	const char *name, *dir;
	struct subst subs[4];

	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: wick startproject NAME [DIR]\n");
		return 2;
	}
	name = argv[0];
	dir = argc == 2 ? argv[1] : name;
	if (check_name("project", name) != 0)
		return 1;
	upper(up, name);
	subs[0] = (struct subst){ "@PROJECT@", name };
	subs[1] = (struct subst){ "@PROJECT_UPPER@", up };
	subs[2] = (struct subst){ "@WICK_VERSION@", WICK_VERSION };
	subs[3] = (struct subst){ NULL, NULL };
	printf("wick: starting project %s in %s\n", name, dir);
	if (write_skel(&wick_project_skel, dir, subs) != 0)
		return 1;
	printf("wick: done.  Next:\n  cd %s && make test && make run\n", dir);
	return 0;
}

/*
 * Read apps.mk of the project in the current folder into buf: the
 * project's name (the "PROJECT = NAME" line) into project, and whether
 * app is already listed ("APPS += NAME").  0, or -1 after printing why.
 */
static int
read_apps(char *project, size_t plen, const char *app, int *listed)
{
	static char buf[APPS_MAX_BYTES + 1];
	char *line, *save = NULL;
	size_t n;
	FILE *f;

	*project = '\0';
	*listed = 0;
	if ((f = fopen(APPS_FILE, "r")) == NULL) {
		fprintf(stderr, "wick: no %s here (%s): run startapp in a "
		    "project's folder (made by wick startproject)\n",
		    APPS_FILE, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, APPS_MAX_BYTES + 1, f);
	if (ferror(f) || n > APPS_MAX_BYTES) {
		fprintf(stderr, "wick: cannot read %s\n", APPS_FILE);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char word[64], val[64];

		if (sscanf(line, " %63[A-Z_] = %63[a-z0-9_]", word, val) == 2 &&
		    strcmp(word, "PROJECT") == 0) {
			if (strlen(val) >= plen)
				break;
			memcpy(project, val, strlen(val) + 1);
		} else if (sscanf(line, " APPS += %63[a-z0-9_]", val) == 1 &&
		    strcmp(val, app) == 0) {
			*listed = 1;
		}
	}
	if (*project == '\0') {
		fprintf(stderr, "wick: %s has no 'PROJECT = NAME' line\n",
		    APPS_FILE);
		return -1;
	}
	return 0;
}

static int
cmd_startapp(int argc, char **argv)
{
	char project[NAME_MAX_LEN + 1], pup[NAME_MAX_LEN + 1];
	char aup[NAME_MAX_LEN + 1], line[NAME_MAX_LEN + 16];
	struct subst subs[6];
	const char *name;
	size_t i;
	int listed, e, n;
	FILE *f;

	if (argc != 1) {
		fprintf(stderr, "usage: wick startapp NAME   (in a "
		    "project's folder)\n");
		return 2;
	}
	name = argv[0];
	if (check_name("app", name) != 0)
		return 1;
	for (i = 0; project_folders[i] != NULL; i++)
		if (strcmp(name, project_folders[i]) == 0) {
			fprintf(stderr, "wick: app name '%s' is a folder the "
			    "project uses for itself\n", name);
			return 1;
		}
	if (read_apps(project, sizeof(project), name, &listed) != 0)
		return 1;
	if (strcmp(name, project) == 0) {
		fprintf(stderr, "wick: app name '%s' is the project's own "
		    "name\n", name);
		return 1;
	}
	if (listed) {
		fprintf(stderr, "wick: app %s is already listed in %s\n", name,
		    APPS_FILE);
		return 1;
	}
	if ((e = exists(name)) != 0) {
		if (e > 0)
			fprintf(stderr, "wick: %s already exists; not "
			    "overwriting it\n", name);
		return 1;
	}
	upper(pup, project);
	upper(aup, name);
	subs[0] = (struct subst){ "@PROJECT@", project };
	subs[1] = (struct subst){ "@PROJECT_UPPER@", pup };
	subs[2] = (struct subst){ "@APP@", name };
	subs[3] = (struct subst){ "@APP_UPPER@", aup };
	subs[4] = (struct subst){ "@WICK_VERSION@", WICK_VERSION };
	subs[5] = (struct subst){ NULL, NULL };
	printf("wick: starting app %s in project %s\n", name, project);
	if (write_skel(&wick_app_skel, name, subs) != 0)
		return 1;
	/* Register it: the one place the project lists its apps. */
	n = snprintf(line, sizeof(line), "APPS += %s\n", name);
	if (n < 0 || (size_t)n >= sizeof(line) ||
	    (f = fopen(APPS_FILE, "a")) == NULL) {
		fprintf(stderr, "wick: cannot add %s to %s: %s\n", name,
		    APPS_FILE, strerror(errno));
		return 1;
	}
	if (fputs(line, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "wick: cannot add %s to %s\n", name,
		    APPS_FILE);
		return 1;
	}
	printf("  added %s to %s: its URLs are under /%s/\n", name,
	    APPS_FILE, name);
	return 0;
}

static void
help(FILE *f)
{
	fprintf(f,
	    "usage: wick COMMAND [ARGS]\n"
	    "\n"
	    "  startproject NAME [DIR]  write a new Wick project into DIR "
	    "(default ./NAME)\n"
	    "  startapp NAME            add an app (models, views, templates, "
	    "tests) to\n"
	    "                           the project in the current folder\n"
	    "  help                     this text\n"
	    "  version                  the version of Wick this command "
	    "belongs to\n"
	    "\n"
	    "NAME is a lower-case C identifier (it names C symbols, files and "
	    "URLs):\n"
	    "not a C keyword, not starting with wk, wick, sqlite or br_.  "
	    "Existing\nfiles are never overwritten.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return 2;
	}
	if (strcmp(argv[1], "startproject") == 0)
		return cmd_startproject(argc - 2, argv + 2);
	if (strcmp(argv[1], "startapp") == 0)
		return cmd_startapp(argc - 2, argv + 2);
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "version") == 0 ||
	    strcmp(argv[1], "--version") == 0) {
		printf("wick %s\n", WICK_VERSION);
		return 0;
	}
	fprintf(stderr, "wick: unknown command '%s' (wick help lists them)\n",
	    argv[1]);
	return 2;
}
