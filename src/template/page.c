/*
 * page.c - the calls views make: render a template into the response.
 *
 * This is the thin layer between the template engine and HTTP.  wk_render
 * loads a template (load.c), builds the page's context from the app's
 * context processors and the view's map, sets Content-Type and renders
 * (render.c) into the response body; wk_template_error_page does the same
 * for an app's <status>.html.  The engine below (parse, eval, render,
 * tags, filters, load) never includes the response or the app: only this
 * file answers HTTP.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/app.h"
#include "internal.h"

/* Process state, read-only once requests are served (a growing array). */
static wk_context_processor_fn *processors;
static size_t nprocessors, cap_processors;

/* see template.h */
int
wk_template_add_context_processor(wk_context_processor_fn fn)
{
	wk_context_processor_fn *grown;
	size_t cap;

	if (fn == NULL || nprocessors >= WK_CONTEXT_PROCESSORS_MAX)
		return -1;
	if (nprocessors == cap_processors) {
		cap = cap_processors == 0 ? 8 : cap_processors * 2;
		grown = realloc(processors, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		processors = grown;
		cap_processors = cap;
	}
	processors[nprocessors++] = fn;
	return 0;
}

/*
 * The context a page is rendered with: the app's processors' values, the
 * registered ones', then the view's on top.  Without processors, the
 * view's map as it is.  NULL with err set on failure.
 */
static const struct wk_map *
page_context(struct wk_request *req, const struct wk_map *view,
    struct wk_template_error *err)
{
	int (*const *app_procs)(struct wk_request *, struct wk_map *) =
	    req->app != NULL ? req->app->context_processors : NULL;
	struct wk_map *m;
	size_t k;

	if (nprocessors == 0 && (app_procs == NULL || app_procs[0] == NULL))
		return view != NULL ? view : wk_map_new(req->arena);
	if ((m = wk_map_new(req->arena)) == NULL)
		goto nomem;
	for (k = 0; app_procs != NULL && app_procs[k] != NULL; k++) {
		if (app_procs[k](req, m) != 0) {
			tpl_set_error(err, "a context processor failed");
			return NULL;
		}
	}
	for (k = 0; k < nprocessors; k++) {
		if (processors[k](req, m) != 0) {
			tpl_set_error(err, "a context processor failed");
			return NULL;
		}
	}
	for (k = 0; view != NULL && k < view->len; k++)
		if (wk_map_setn(req->arena, m, view->items[k].key,
		    view->items[k].keylen, view->items[k].value) != 0)
			goto nomem;
	return m;
nomem:
	tpl_set_error(err, "out of memory");
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
		tpl_set_error(&err, "%s: cannot set Content-Type", name);
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
	if (!debug && !tpl_exists(set, name, (size_t)n))
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

