/*
 * tags.c - the tags that reach outside the template.
 *
 * {% url %} asks the router, {% static %} the embedded asset table and the
 * settings (as do {% get_static_prefix %} and {% get_media_prefix %}),
 * {% querystring %} the request's query, {% debug %} the settings' debug
 * flag, {% csrf_token %} the CSRF module (through a hook, so the
 * template engine does not depend on it), {% now %} the clock, and custom
 * tags the app's C functions.  Kept apart from the renderer so that the
 * build-time template checker (which links the parser only) never pulls
 * in the request pipeline.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wick/core/kv.h"
#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/router.h"
#include "wick/core/settings.h"
#include "internal.h"

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

/* see internal.h */
int
tpl_render_url(struct tpl_render *r, const struct tpl_node *n)
{
	const char *args[URL_MAX_ARGS], *keys[URL_MAX_ARGS], *name, *url = NULL;
	const struct tpl_seg *kw = n->u.url.kw;
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
		if (kw != NULL && (keys[k] = wk_arena_strndup(r->a,
		    kw[k].name, kw[k].len)) == NULL)
			return tpl_fail(r, n, "out of memory");
	}
	if (r->env->req != NULL)
		url = wk_url_kw(r->env->req, name, kw != NULL ? keys : NULL,
		    args, n->u.url.nargs);
	if (n->u.url.as.len > 0) {
		/* {% url ... as var %}: no error when it does not reverse. */
		v = url != NULL ? wk_val_str(url) : wk_val_strn("", 0);
		if (tpl_set_upward(r, n->u.url.as.name, n->u.url.as.len, v) != 0)
			return tpl_fail(r, n, "out of memory");
		return 0;
	}
	if (url == NULL)
		return tpl_fail(r, n, "no route named '%s' takes %zu%s "
		    "argument(s) like these%s", name, n->u.url.nargs,
		    kw != NULL ? " keyword" : "",
		    r->env->req == NULL ? " (no request)" : "");
	v = wk_val_str(url);
	return tpl_output(r, &v);
}

/* see internal.h */
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

/*
 * Append the prefix of static (or media) URLs to b: the setting, placed
 * under the app's SCRIPT_NAME when it is a path (there the app's own view
 * answers); a full URL points elsewhere (a CDN) and is used as is.
 */
static void
url_prefix(struct tpl_render *r, int media, wk_buf *b)
{
	const struct wk_settings *s;
	const char *prefix = media ? "/media/" : "/static/", *script = "";
	const char *set;

	if (r->env->req != NULL) {
		s = r->env->req->settings;
		set = s == NULL ? NULL : media ? s->media_url : s->static_url;
		if (set != NULL && set[0])
			prefix = set;
		if (r->env->req->script_name != NULL)
			script = r->env->req->script_name;
	}
	if (prefix[0] == '/')
		wk_buf_puts(b, script);
	wk_buf_puts(b, prefix);
}

/* A file name in a URL as Django's filepath_to_uri writes it: quoted but
 * for letters, digits, "-._" and "/~!*()'". */
static void
put_uri_path(wk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._/~!*()'", c) != NULL)
			wk_buf_putc(b, (char)c);
		else {
			wk_buf_putc(b, '%');
			wk_buf_putc(b, hex[c >> 4]);
			wk_buf_putc(b, hex[c & 15]);
		}
	}
}

/* see internal.h */
int
tpl_render_static(struct tpl_render *r, const struct tpl_node *n)
{
	const struct wk_asset *asset = NULL;
	const char *path;
	struct wk_value v;
	wk_buf b;

	if (tpl_eval(r, n->u.stat.path, &v) != 0)
		return -1;
	if ((path = value_cstr(r, &v)) == NULL)
		return tpl_fail(r, n, "out of memory");
	if (r->env->set != NULL)
		asset = wk_asset_find(r->env->set, path);
	wk_buf_init(&b, r->a);
	url_prefix(r, 0, &b);
	put_uri_path(&b, asset != NULL ? asset->hashed_name : path);
	if (b.failed)
		return tpl_fail(r, n, "out of memory");
	v = wk_val_strn(wk_buf_cstr(&b), b.len);
	if (n->u.stat.as.len > 0)
		return tpl_set_upward(r, n->u.stat.as.name, n->u.stat.as.len,
		    v) != 0 ? tpl_fail(r, n, "out of memory") : 0;
	return tpl_output(r, &v);
}

/* see internal.h */
int
tpl_render_prefix(struct tpl_render *r, const struct tpl_node *n)
{
	struct wk_value v;
	wk_buf b;

	wk_buf_init(&b, r->a);
	url_prefix(r, n->u.prefix.media, &b);
	if (b.failed)
		return tpl_fail(r, n, "out of memory");
	v = wk_val_strn(wk_buf_cstr(&b), b.len);
	if (n->u.prefix.as.len > 0)
		return tpl_set_upward(r, n->u.prefix.as.name,
		    n->u.prefix.as.len, v) != 0 ? tpl_fail(r, n, "out of "
		    "memory") : 0;
	return tpl_output(r, &v);
}

/* Python's quote_plus, as QueryDict.urlencode writes names and values. */
static void
put_quoted(wk_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '-' || c == '~')
			wk_buf_putc(b, (char)c);
		else if (c == ' ')
			wk_buf_putc(b, '+');
		else {
			wk_buf_putc(b, '%');
			wk_buf_putc(b, hex[c >> 4]);
			wk_buf_putc(b, hex[c & 15]);
		}
	}
}

/* "&name=value" after the '?' (no '&' right after it); 0 or -1. */
static int
put_pair(wk_buf *b, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	if (b->len > 1)
		wk_buf_putc(b, '&');
	put_quoted(b, name, nlen);
	wk_buf_putc(b, '=');
	put_quoted(b, v, vlen);
	return b->failed ? -1 : 0;
}

/* A keyword's value: None writes nothing (the key goes), a list one pair
 * per item (QueryDict.setlist), anything else its text. */
static int
put_kw(struct tpl_render *r, wk_buf *b, const struct tpl_seg *name,
    const struct wk_value *v)
{
	struct wk_value item;
	const char *p;
	size_t n, k, len;

	if (v->kind == WK_VAL_NULL)
		return 0;
	if (v->kind == WK_VAL_LIST) {
		if (wk_value_len(v, &len) != 0)
			return -1;
		for (k = 0; k < len; k++) {
			if (wk_value_item(v, k, r->a, &item) != 0 ||
			    wk_value_text(&item, r->a, &p, &n) != 0 ||
			    put_pair(b, name->name, name->len, p, n) != 0)
				return -1;
		}
		return 0;
	}
	if (wk_value_text(v, r->a, &p, &n) != 0)
		return -1;
	return put_pair(b, name->name, name->len, p, n);
}

/*
 * {% querystring page=2 q=None %} (Django 5.1): the request's query with
 * the keywords replacing (or, given None, removing) their keys, as
 * "?a=1&page=2".  Names keep the order of their first appearance and a
 * name's values stay together, as QueryDict writes them; new names come
 * last.  An empty result is "?", as Django 5.2 settled on: an empty href
 * would keep the current query instead of clearing it.
 */
int
tpl_render_querystring(struct tpl_render *r, const struct tpl_node *n)
{
	static const struct wk_kvlist none = { NULL, 0, 0 };
	const struct wk_kvlist *get = r->env->req != NULL ?
	    &r->env->req->get : &none;
	const struct tpl_bind *kb = n->u.qs.b;
	struct wk_value *vals = NULL;
	size_t nk = n->u.qs.n, i, j, k, nlen;
	const char *name;
	wk_buf b;

	if (tpl_charge(r, n, get->len) != 0)
		return -1;
	if (nk > 0 && (vals = wk_arena_alloc(r->a, nk * sizeof(*vals))) ==
	    NULL)
		return tpl_fail(r, n, "out of memory");
	for (k = 0; k < nk; k++)
		if (tpl_eval(r, kb[k].expr, &vals[k]) != 0)
			return -1;
	wk_buf_init(&b, r->a);
	wk_buf_putc(&b, '?');
	for (i = 0; i < get->len; i++) {
		name = get->items[i].name;
		nlen = strlen(name);
		for (j = 0; j < i; j++)
			if (strcmp(get->items[j].name, name) == 0)
				break;
		if (j < i)
			continue;           /* written with its first */
		for (k = 0; k < nk; k++)
			if (kb[k].name.len == nlen &&
			    memcmp(kb[k].name.name, name, nlen) == 0)
				break;
		if (k < nk) {
			if (put_kw(r, &b, &kb[k].name, &vals[k]) != 0)
				return tpl_fail(r, n, "out of memory");
			continue;
		}
		for (j = i; j < get->len; j++)
			if (strcmp(get->items[j].name, name) == 0 &&
			    put_pair(&b, name, nlen, get->items[j].value,
			    get->items[j].value_len) != 0)
				return tpl_fail(r, n, "out of memory");
	}
	for (k = 0; k < nk; k++) {
		for (i = 0; i < get->len; i++)
			if (kb[k].name.len == strlen(get->items[i].name) &&
			    memcmp(kb[k].name.name, get->items[i].name,
			    kb[k].name.len) == 0)
				break;
		if (i == get->len && put_kw(r, &b, &kb[k].name, &vals[k]) != 0)
			return tpl_fail(r, n, "out of memory");
	}
	if (b.failed)
		return tpl_fail(r, n, "out of memory");
	/* A plain string: escaped on output, so '&' is "&amp;" in HTML. */
	{
		struct wk_value v = wk_val_strn(wk_buf_cstr(&b), b.len);

		return tpl_output(r, &v);
	}
}

/*
 * {% debug %}: Django prints the whole context and the loaded modules,
 * which puts secrets and personal data into a page.  Wick prints only the
 * names a template could use (the scope's, then the view's context), and
 * only with the debug setting on; otherwise nothing.
 */
int
tpl_render_debug(struct tpl_render *r, const struct tpl_node *n)
{
	const struct wk_request *req = r->env->req;
	size_t k, shown = 0;
	wk_buf *o = r->out;

	if (req == NULL || req->settings == NULL || !req->settings->debug)
		return 0;
	wk_buf_puts(o, "<pre class=\"wk-debug\">names:");
	for (k = r->nvars; k > r->floor; k--, shown++) {
		wk_buf_putc(o, ' ');
		wk_buf_append_html(o, r->vars[k - 1].name, r->vars[k - 1].len);
	}
	for (k = 0; r->ctx != NULL && k < r->ctx->len; k++, shown++) {
		wk_buf_putc(o, ' ');
		wk_buf_append_html(o, r->ctx->items[k].key,
		    r->ctx->items[k].keylen);
	}
	if (shown == 0)
		wk_buf_puts(o, " (none)");
	wk_buf_puts(o, "</pre>");
	return o->failed ? tpl_fail(r, n, "out of memory") : 0;
}

/* see internal.h */
int
tpl_render_now(struct tpl_render *r, const struct tpl_node *n)
{
	struct timespec ts;
	struct wk_value v;
	wk_buf b;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return tpl_fail(r, n, "no clock");
	if (n->u.now.as.len > 0) {
		/* {% now "Y" as year %}: the text, bound instead of shown. */
		wk_buf_init(&b, r->a);
		if (wk_template_format_date(&b, n->u.now.fmt, n->u.now.len,
		    (long long)ts.tv_sec, ts.tv_nsec / 1000) != 0 || b.failed)
			return tpl_fail(r, n, "'now' failed");
		v = wk_val_strn(wk_buf_cstr(&b), b.len);
		return tpl_set_upward(r, n->u.now.as.name, n->u.now.as.len, v)
		    != 0 ? tpl_fail(r, n, "out of memory") : 0;
	}
	if (wk_template_format_date(r->out, n->u.now.fmt, n->u.now.len,
	    (long long)ts.tv_sec, ts.tv_nsec / 1000) != 0)
		return tpl_fail(r, n, "'now' failed");
	return 0;
}

/* see internal.h */
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
