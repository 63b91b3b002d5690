/*
 * load.c - finding templates and static files by name, and caching the
 * parsed templates.
 *
 * Templates embedded by tools/wk-templates come with their tree, parsed
 * at build time and laid out as static const data: loading one is a
 * lookup.  An embedded template without a tree (a set written by hand,
 * as the test fixture's) is parsed the first time a process needs it and
 * kept for the life of the process in an arena of their own (a CGI
 * process serves one request, the test client many).  With DEBUG on, a
 * template is
 * read from the source folder recorded at build time and parsed into the
 * request's arena every time, so edits show without a rebuild.  Template
 * names come from templates and could come from data ({% include var %}),
 * so a name that could leave the folder is refused.
 *
 * A name is looked for in the app's set, then in the library's own
 * (wk_library_templates, built from src/template/templates/), the way
 * Django searches DIRS before the app directories: an app overrides a
 * library template by shipping one under the same name.  Static files are
 * found the same way.  Nothing here renders or answers HTTP: render.c
 * calls down into this file, page.c (the view-level calls) and
 * src/http/static.c (serving the files) sit above it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define CACHE_SETS 8
#define TEMPLATE_MAX_BYTES ((size_t)4 << 20)

static wk_arena cache_arena;
static int cache_ready;
static struct {
	const struct wk_template_set *set;
	struct wk_template **tpls;     /* parallel to set->files */
} cache[CACHE_SETS];

/* see internal.h */
void
tpl_set_error(struct wk_template_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(err, 0, sizeof(*err));
	va_start(ap, fmt);
	n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	if (n < 0)
		err->message[0] = '\0';
}

/* 1 if name may be looked up: relative, no "..", no backslash, no NUL. */
static int
name_ok(const char *name, size_t n)
{
	size_t i, start = 0;

	if (n == 0 || n > 255 || name[0] == '/')
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && (name[i] == '\\' || name[i] == '\0'))
			return 0;
		if (i == n || name[i] == '/') {
			if (i - start == 2 && name[start] == '.' &&
			    name[start + 1] == '.')
				return 0;
			if (i == start)
				return 0;  /* "a//b" */
			start = i + 1;
		}
	}
	return 1;
}

static long
find_file(const struct wk_template_set *set, const char *name, size_t n)
{
	size_t lo = 0, hi = set->n_files, mid, fl;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		fl = strlen(set->files[mid].name);
		c = memcmp(name, set->files[mid].name, n < fl ? n : fl);
		if (c == 0)
			c = (n > fl) - (n < fl);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Read source_dir/name into a; 1 when the file does not exist. */
static int
read_source(const struct wk_template_set *set, const char *name, size_t n,
    wk_arena *a, char **text, size_t *len, struct wk_template_error *err)
{
	char path[4096];
	struct stat st;
	size_t got = 0;
	ssize_t k;
	char *buf;
	int fd, m;

	m = snprintf(path, sizeof(path), "%s/%.*s", set->source_dir, (int)n,
	    name);
	if (m < 0 || (size_t)m >= sizeof(path))
		return 1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 1 : -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > TEMPLATE_MAX_BYTES)
		goto fail;
	if ((buf = wk_arena_alloc(a, (size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)st.st_size) {
		k = read(fd, buf + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
fail:
	close(fd);
	tpl_set_error(err, "%s: cannot read", path);
	return -1;
}

static struct wk_template **
cache_slots(const struct wk_template_set *set)
{
	size_t k;

	if (!cache_ready) {
		wk_arena_init(&cache_arena);
		cache_ready = 1;
	}
	for (k = 0; k < CACHE_SETS; k++) {
		if (cache[k].set == set)
			return cache[k].tpls;
		if (cache[k].set == NULL) {
			cache[k].tpls = wk_arena_calloc(&cache_arena,
			    set->n_files ? set->n_files : 1,
			    sizeof(*cache[k].tpls));
			if (cache[k].tpls == NULL)
				return NULL;
			cache[k].set = set;
			return cache[k].tpls;
		}
	}
	return NULL;
}

/* see template.h */
void
wk_template_cache_clear(void)
{
	if (cache_ready)
		wk_arena_free(&cache_arena);
	memset(cache, 0, sizeof(cache));
	cache_ready = 0;
}

/*
 * Look name up in one set: its source folder first when reloading, then
 * its embedded copy (parsed once and cached).  0 with *out set, 1 when the
 * set has no such template, -1 with err filled (unreadable, bad syntax,
 * memory).
 */
static int
load_from(const struct wk_template_set *set, const char *name, size_t n,
    int reload, wk_arena *a, const struct wk_template **out,
    struct wk_template_error *err)
{
	struct wk_template *t, **slots;
	char *text, *tname;
	size_t len;
	long idx;
	int rc;

	if (reload && set->source_dir != NULL) {
		rc = read_source(set, name, n, a, &text, &len, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if ((tname = wk_arena_strndup(a, name, n)) == NULL) {
				tpl_set_error(err, "out of memory");
				return -1;
			}
			if (wk_template_parse(a, tname, text, len, 0, &t,
			    err) != 0)
				return -1;
			*out = t;
			return 0;
		}
	}
	if ((idx = find_file(set, name, n)) < 0)
		return 1;
	if (set->files[idx].tree != NULL) {
		/* Parsed at build time (tools/wk-templates): nothing to do. */
		*out = set->files[idx].tree;
		return 0;
	}
	if ((slots = cache_slots(set)) == NULL) {
		/* More sets than the cache holds: parse per use. */
		if (wk_template_parse(a, set->files[idx].name,
		    set->files[idx].text, set->files[idx].len, 0, &t, err) != 0)
			return -1;
		*out = t;
		return 0;
	}
	if (slots[idx] == NULL) {
		if (wk_template_parse(&cache_arena, set->files[idx].name,
		    set->files[idx].text, set->files[idx].len, 0, &t, err) != 0)
			return -1;
		slots[idx] = t;
	}
	*out = slots[idx];
	return 0;
}

/* see internal.h */
const struct wk_template *
tpl_load(const struct wk_template_set *set, const char *name, size_t n,
    int reload, wk_arena *a, struct wk_template_error *err)
{
	const struct wk_template_set *lib = &wk_library_templates;
	const struct wk_template *t = NULL;
	int rc = 1;

	if (set == NULL && find_file(lib, name, n) < 0) {
		tpl_set_error(err, "%.*s: no templates to load from", (int)n,
		    name);
		return NULL;
	}
	if (!name_ok(name, n)) {
		tpl_set_error(err, "refusing template name '%.*s'", (int)n,
		    name);
		return NULL;
	}
	/* Django's order: the app's templates (DIRS), then the library's
	 * (its app directories), so an app overrides a library page by
	 * shipping one under the same name. */
	if (set != NULL)
		rc = load_from(set, name, n, reload, a, &t, err);
	if (rc == 1 && set != lib)
		rc = load_from(lib, name, n, reload, a, &t, err);
	if (rc == 0)
		return t;
	if (rc == 1)
		tpl_set_error(err, "template '%.*s' does not exist", (int)n,
		    name);
	return NULL;
}

/* see internal.h */
int
tpl_exists(const struct wk_template_set *set, const char *name, size_t n)
{
	return (set != NULL && find_file(set, name, n) >= 0) ||
	    find_file(&wk_library_templates, name, n) >= 0;
}

/* see template.h */
const struct wk_template *
wk_template_load(const struct wk_template_set *set, const char *name,
    int reload, wk_arena *a, struct wk_template_error *err)
{
	return tpl_load(set, name, strlen(name), reload, a, err);
}

/* One set's asset called name (hashed first, then plain); NULL if none. */
static const struct wk_asset *
asset_in(const struct wk_template_set *set, const char *name)
{
	size_t k;

	for (k = 0; k < set->n_assets; k++)
		if (strcmp(set->assets[k].hashed_name, name) == 0)
			return &set->assets[k];
	for (k = 0; k < set->n_assets; k++)
		if (strcmp(set->assets[k].name, name) == 0)
			return &set->assets[k];
	return NULL;
}

/* see template.h */
const struct wk_asset *
wk_asset_find(const struct wk_template_set *set, const char *name)
{
	const struct wk_asset *a = NULL;

	if (name == NULL)
		return NULL;
	if (set != NULL)
		a = asset_in(set, name);
	if (a == NULL && set != &wk_library_templates)
		a = asset_in(&wk_library_templates, name);
	return a;
}
