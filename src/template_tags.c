/*
 * template_tags.c - the tags that reach outside the template.
 *
 * {% url %} asks the router, {% static %} the embedded asset table and the
 * settings, {% csrf_token %} the CSRF module (through a hook, so the
 * template engine does not depend on it), {% now %} the clock, and custom
 * tags the app's C functions.  Kept apart from the renderer so that the
 * build-time template checker (which links the parser only) never pulls
 * in the request pipeline.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wick/log.h"
#include "wick/request.h"
#include "wick/router.h"
#include "wick/settings.h"
#include "template_int.h"

#define URL_MAX_ARGS 16

static wk_csrf_hook_fn csrf_hook;

/*
 * The CSRF module's {% csrf_token %}, when the program links it (csrf.c).
 * A weak reference: it does not pull the module in, and is NULL without
 * it.  Nothing is installed per request, so a request that renders no
 * template touches neither this code nor csrf_hook's page.
 */
extern int wk_csrf_form_field(struct wk_request *req, wk_buf *out)
    __attribute__((weak));

/* see template.h */
void
wk_template_set_csrf_hook(wk_csrf_hook_fn fn)
{
	csrf_hook = fn;
}

/* A value's text as a NUL-terminated arena string. */
static const char *
value_cstr(struct tpl_render *r, const struct wk_value *v)
{
	const char *p;
	size_t n;

	if (wk_value_text(v, r->a, &p, &n) != 0)
		return NULL;
	return wk_arena_strndup(r->a, p, n);
}

/* see template_int.h */
int
tpl_render_url(struct tpl_render *r, const struct tpl_node *n)
{
	const char *args[URL_MAX_ARGS], *name, *url;
	struct wk_value v;
	size_t k;

	if (n->u.url.nargs > URL_MAX_ARGS)
		return tpl_fail(r, n, "too many arguments to 'url'");
	if (tpl_eval(r, n->u.url.name, &v) != 0)
		return -1;
	if ((name = value_cstr(r, &v)) == NULL)
		return tpl_fail(r, n, "out of memory");
	for (k = 0; k < n->u.url.nargs; k++) {
		if (tpl_eval(r, n->u.url.args[k], &v) != 0)
			return -1;
		if ((args[k] = value_cstr(r, &v)) == NULL)
			return tpl_fail(r, n, "out of memory");
	}
	url = r->env->req != NULL ? wk_url(r->env->req, name, args,
	    n->u.url.nargs) : NULL;
	if (n->u.url.as.len > 0) {
		/* {% url ... as var %}: no error when it does not reverse. */
		v = url != NULL ? wk_val_str(url) : wk_val_strn("", 0);
		if (tpl_bind(r, n->u.url.as.name, n->u.url.as.len, v) != 0)
			return tpl_fail(r, n, "out of memory");
		return 0;
	}
	if (url == NULL)
		return tpl_fail(r, n, "no route named '%s' takes %zu "
		    "argument(s) like these%s", name, n->u.url.nargs,
		    r->env->req == NULL ? " (no request)" : "");
	v = wk_val_str(url);
	return tpl_output(r, &v);
}

/* see template_int.h */
int
tpl_render_csrf(struct tpl_render *r, const struct tpl_node *n)
{
	static int warned;
	wk_csrf_hook_fn hook = csrf_hook != NULL ? csrf_hook :
	    wk_csrf_form_field;

	if (hook == NULL || r->env->req == NULL) {
		if (!warned) {
			warned = 1;
			wk_log(r->env->req, WK_LOG_WARN, "{%% csrf_token %%} "
			    "used but no CSRF hook is installed (or no "
			    "request): rendered empty");
		}
		return 0;
	}
	if (hook(r->env->req, r->out) != 0)
		return tpl_fail(r, n, "csrf_token failed");
	return 0;
}

/* see template_int.h */
int
tpl_render_static(struct tpl_render *r, const struct tpl_node *n)
{
	const struct wk_asset *asset = NULL;
	const struct wk_settings *s;
	const char *path, *prefix = "/static/", *script = "", *q;
	struct wk_value v;
	wk_buf b;

	if (tpl_eval(r, n->u.stat, &v) != 0)
		return -1;
	if ((path = value_cstr(r, &v)) == NULL)
		return tpl_fail(r, n, "out of memory");
	if (r->env->set != NULL)
		asset = wk_asset_find(r->env->set, path);
	if (r->env->req != NULL) {
		s = r->env->req->settings;
		if (s != NULL && s->static_url != NULL && s->static_url[0])
			prefix = s->static_url;
		if (r->env->req->script_name != NULL)
			script = r->env->req->script_name;
	}
	/* A path prefix lives under the app (SCRIPT_NAME), where the app's
	 * static view answers; a full URL points elsewhere (a CDN). */
	wk_buf_init(&b, r->a);
	if (prefix[0] == '/')
		wk_buf_puts(&b, script);
	wk_buf_puts(&b, prefix);
	/* Percent-encoded as Django's quote(path): a '?' or '&' in a file
	 * name must not start a query. */
	for (q = asset != NULL ? asset->hashed_name : path; *q != '\0'; q++) {
		unsigned char ch = (unsigned char)*q;

		if ((ch < 0x80 && isalnum(ch)) || strchr("/_.-~", ch) != NULL)
			wk_buf_putc(&b, (char)ch);
		else {
			wk_buf_putc(&b, '%');
			wk_buf_putc(&b, "0123456789ABCDEF"[ch >> 4]);
			wk_buf_putc(&b, "0123456789ABCDEF"[ch & 15]);
		}
	}
	if (b.failed)
		return tpl_fail(r, n, "out of memory");
	v = wk_val_strn(wk_buf_cstr(&b), b.len);
	return tpl_output(r, &v);
}

/* see template_int.h */
int
tpl_render_now(struct tpl_render *r, const struct tpl_node *n)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return tpl_fail(r, n, "no clock");
	if (wk_template_format_date(r->out, n->u.now.fmt, n->u.now.len,
	    (long long)ts.tv_sec, ts.tv_nsec / 1000) != 0)
		return tpl_fail(r, n, "'now' failed");
	return 0;
}

/* see template_int.h */
int
tpl_render_custom(struct tpl_render *r, const struct tpl_node *n)
{
	const struct tpl_tag_def *def = n->u.custom.def;
	struct wk_value *args, out;
	struct wk_tag_ctx c;
	size_t k;

	if (def == NULL && (def = tpl_tag_find(n->u.custom.name,
	    n->u.custom.len)) == NULL)
		return tpl_fail(r, n, "unknown tag '%.*s'",
		    (int)n->u.custom.len, n->u.custom.name);
	args = wk_arena_alloc(r->a, (n->u.custom.nargs + 1) * sizeof(*args));
	if (args == NULL)
		return tpl_fail(r, n, "out of memory");
	for (k = 0; k < n->u.custom.nargs; k++)
		if (tpl_eval(r, n->u.custom.args[k], &args[k]) != 0)
			return -1;
	c.arena = r->a;
	c.req = r->env->req;
	c.autoescape = r->autoescape;
	out = wk_val_strn("", 0);
	if (def->fn(&c, args, n->u.custom.nargs, &out) != 0)
		return tpl_fail(r, n, "tag '%s' failed", def->name);
	return tpl_output(r, &out);
}
