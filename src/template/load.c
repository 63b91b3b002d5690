/*
 * load.c - finding templates, caching them, and the calls views
 * make (wk_render, error pages, static files).
 *
 * Embedded templates are parsed the first time a process needs them and
 * kept for the life of the process in an arena of their own (a CGI process
 * serves one request, the test client many).  With DEBUG on, a template is
 * read from the source folder recorded at build time and parsed into the
 * request's arena every time, so edits show without a rebuild.  Template
 * names come from templates and could come from data ({% include var %}),
 * so a name that could leave the folder is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/app.h"
#include "internal.h"

#define CACHE_SETS 8
#define TEMPLATE_MAX_BYTES ((size_t)4 << 20)

#define MAX_PROCESSORS 8

static wk_context_processor_fn processors[MAX_PROCESSORS];
static size_t nprocessors;

static wk_arena cache_arena;
static int cache_ready;
static struct {
	const struct wk_template_set *set;
	struct wk_template **tpls;     /* parallel to set->files */
} cache[CACHE_SETS];

static void __attribute__((format(printf, 2, 3)))
set_err(struct wk_template_error *err, const char *fmt, ...)
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
	set_err(err, "%s: cannot read", path);
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

/* The loader behind wk_template_load and tpl_load_for. */
static const struct wk_template *
load(const struct wk_template_set *set, const char *name, size_t n,
    int reload, wk_arena *a, struct wk_template_error *err)
{
	struct wk_template *t, **slots;
	char *text, *tname;
	size_t len;
	long idx;
	int rc;

	if (set == NULL) {
		set_err(err, "%.*s: no templates to load from", (int)n, name);
		return NULL;
	}
	if (!name_ok(name, n)) {
		set_err(err, "refusing template name '%.*s'", (int)n, name);
		return NULL;
	}
	if (reload && set->source_dir != NULL) {
		rc = read_source(set, name, n, a, &text, &len, err);
		if (rc < 0)
			return NULL;
		if (rc == 0) {
			if ((tname = wk_arena_strndup(a, name, n)) == NULL) {
				set_err(err, "out of memory");
				return NULL;
			}
			if (wk_template_parse(a, tname, text, len, 0, &t,
			    err) != 0)
				return NULL;
			return t;
		}
	}
	if ((idx = find_file(set, name, n)) < 0) {
		set_err(err, "template '%.*s' does not exist", (int)n, name);
		return NULL;
	}
	if ((slots = cache_slots(set)) == NULL) {
		/* More sets than the cache holds: parse per use. */
		if (wk_template_parse(a, set->files[idx].name,
		    set->files[idx].text, set->files[idx].len, 0, &t, err) != 0)
			return NULL;
		return t;
	}
	if (slots[idx] == NULL) {
		if (wk_template_parse(&cache_arena, set->files[idx].name,
		    set->files[idx].text, set->files[idx].len, 0, &t, err) != 0)
			return NULL;
		slots[idx] = t;
	}
	return slots[idx];
}

/* see template.h */
const struct wk_template *
wk_template_load(const struct wk_template_set *set, const char *name,
    int reload, wk_arena *a, struct wk_template_error *err)
{
	return load(set, name, strlen(name), reload, a, err);
}

/* see internal.h */
const struct wk_template *
tpl_load_for(struct tpl_render *r, const struct tpl_node *n, const char *name,
    size_t len)
{
	struct wk_template_error e;
	const struct wk_template *t;

	t = load(r->env->set, name, len, r->env->reload, r->a, &e);
	if (t != NULL)
		return t;
	if (e.line != 0 && r->err->message[0] == '\0') {
		*r->err = e;  /* a syntax error: its own name:line:col */
		return NULL;
	}
	tpl_fail(r, n, "%s", e.message);
	return NULL;
}

/* see template.h */
int
wk_template_add_context_processor(wk_context_processor_fn fn)
{
	if (fn == NULL || nprocessors == MAX_PROCESSORS)
		return -1;
	processors[nprocessors++] = fn;
	return 0;
}

/*
 * The context a page is rendered with: the processors' values, then the
 * view's on top.  Without processors, the view's map as it is.  NULL with
 * err set on failure.
 */
static const struct wk_map *
page_context(struct wk_request *req, const struct wk_map *view,
    struct wk_template_error *err)
{
	struct wk_map *m;
	size_t k;

	if (nprocessors == 0)
		return view != NULL ? view : wk_map_new(req->arena);
	if ((m = wk_map_new(req->arena)) == NULL)
		goto nomem;
	for (k = 0; k < nprocessors; k++) {
		if (processors[k](req, m) != 0) {
			set_err(err, "a context processor failed");
			return NULL;
		}
	}
	for (k = 0; view != NULL && k < view->len; k++)
		if (wk_map_setn(req->arena, m, view->items[k].key,
		    view->items[k].keylen, view->items[k].value) != 0)
			goto nomem;
	return m;
nomem:
	set_err(err, "out of memory");
	return NULL;
}

/* see template.h */
int
wk_render(struct wk_request *req, struct wk_response *resp,
    const struct wk_template_set *set, const char *name,
    const struct wk_map *ctx)
{
	struct wk_render_env env;
	struct wk_template_error err;
	const struct wk_template *t;
	int debug = req->settings != NULL && req->settings->debug;

	env.set = set;
	env.req = req;
	env.arena = req->arena;
	env.reload = debug;
	env.max_steps = 0;
	t = wk_template_load(set, name, debug, req->arena, &err);
	if (t == NULL || (ctx = page_context(req, ctx, &err)) == NULL)
		goto fail;
	if (wk_response_set_header(resp, "Content-Type",
	    "text/html; charset=utf-8") != 0) {
		set_err(&err, "%s: cannot set Content-Type", name);
		goto fail;
	}
	if (wk_template_render(t, &env, ctx, &resp->body, &err) != 0)
		goto fail;
	return 0;
fail:
	wk_log(req, WK_LOG_ERROR, "template: %s", err.message);
	return -1;
}

/* see template.h */
int
wk_template_error_page(const struct wk_template_set *set,
    struct wk_request *req, struct wk_response *resp, const char *message)
{
	struct wk_render_env env;
	struct wk_template_error err;
	const struct wk_template *t;
	const struct wk_map *page;
	struct wk_map *ctx;
	char name[32];
	int status = resp->status, n;
	int debug = req->settings != NULL && req->settings->debug;

	n = snprintf(name, sizeof(name), "%d.html", status);
	if (n < 0 || (size_t)n >= sizeof(name) || set == NULL)
		return -1;
	if (find_file(set, name, (size_t)n) < 0 && !debug)
		return -1;
	if ((t = wk_template_load(set, name, debug, req->arena, &err)) == NULL)
		return -1;
	if ((ctx = wk_map_new(req->arena)) == NULL ||
	    wk_map_set(req->arena, ctx, "status", wk_val_int(status)) != 0 ||
	    wk_map_set(req->arena, ctx, "reason",
	    wk_val_str(wk_status_reason(status))) != 0 ||
	    wk_map_set(req->arena, ctx, "message", wk_val_str(message)) != 0)
		return -1;
	if ((page = page_context(req, ctx, &err)) == NULL) {
		wk_log(req, WK_LOG_ERROR, "template: %s: %s", name, err.message);
		return -1;
	}
	env.set = set;
	env.req = req;
	env.arena = req->arena;
	env.reload = debug;
	env.max_steps = 0;
	wk_buf_reset(&resp->body);
	if (wk_response_set_header(resp, "Content-Type",
	    "text/html; charset=utf-8") != 0)
		return -1;
	if (wk_template_render(t, &env, page, &resp->body, &err) != 0) {
		wk_log(req, WK_LOG_ERROR, "template: %s", err.message);
		wk_buf_reset(&resp->body);
		return -1;
	}
	return 0;
}

/* see template.h */
const struct wk_asset *
wk_asset_find(const struct wk_template_set *set, const char *name)
{
	size_t k;

	if (set == NULL || name == NULL)
		return NULL;
	for (k = 0; k < set->n_assets; k++)
		if (strcmp(set->assets[k].hashed_name, name) == 0)
			return &set->assets[k];
	for (k = 0; k < set->n_assets; k++)
		if (strcmp(set->assets[k].name, name) == 0)
			return &set->assets[k];
	return NULL;
}

/* see template.h */
int
wk_asset_serve(const struct wk_template_set *set, struct wk_request *req,
    struct wk_response *resp, const char *name)
{
	const struct wk_asset *a = wk_asset_find(set, name);
	int hashed;

	if (a == NULL)
		return wk_error(req, resp, 404, "No such static file");
	hashed = strcmp(a->hashed_name, name) == 0;
	resp->status = 200;
	if (wk_response_set_header(resp, "Content-Type", a->content_type) != 0 ||
	    wk_response_set_header(resp, "Cache-Control", hashed ?
	    "public, max-age=31536000, immutable" : "no-cache") != 0)
		return -1;
	wk_buf_reset(&resp->body);
	if (wk_buf_append(&resp->body, a->data, a->len) != 0)
		return -1;
	return 0;
}
