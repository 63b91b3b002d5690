/*
 * template.h - Django's template language, auto-escaped, embedded in the
 * binary.
 *
 * An app keeps its templates as files under templates/ and its static
 * files under static/.  At build time tools/wk-templates parses every
 * template (a syntax error fails the build with "name:line:col: message")
 * and writes a C file defining one struct wk_template_set that holds the
 * template sources and the static files (under content-hashed names such
 * as style.3f2a9c1b.css).  The binary therefore carries everything it
 * serves: deploying is copying one file.
 *
 * At run time a template is parsed once per process (and cached) and then
 * rendered straight into the response body.  With DEBUG on, templates are
 * re-read from the source folder recorded at build time on every request,
 * so an edit shows on the next reload without a rebuild (when a file is
 * missing there, the embedded copy is used).
 *
 *   int post_list(struct wk_request *req, struct wk_response *resp) {
 *       struct wk_map *ctx = wk_map_new(req->arena);
 *       wk_map_set(req->arena, ctx, "title", wk_val_str("Posts"));
 *       return wk_render(req, resp, &blog_templates, "post_list.html", ctx);
 *   }
 *
 * The language is Django's (docs/templates.md lists the tags and filters
 * supported and those that are not).  Every variable is HTML-escaped on
 * output (& < > " ') unless it is a safe string (wk_val_safe, |safe,
 * or a filter that builds markup and escaped its own input).  A variable
 * that does not resolve renders as the empty string.
 */
#ifndef WICK_TEMPLATE_H
#define WICK_TEMPLATE_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/value.h"

struct wk_request;
struct wk_response;
struct wk_settings;

/* ---- embedded templates and static files (generated) ---------------------- */

/* One template's source, as embedded by tools/wk-templates. */
struct wk_template_file {
	const char *name;          /* path under templates/: "blog/list.html" */
	const char *text;          /* the source (NUL-terminated) */
	size_t len;
	const struct wk_template *tree;  /* text, parsed at build time by
	                                    wick-templates; NULL: parse it
	                                    on first use */
};

/* One static file. */
struct wk_asset {
	const char *name;          /* path under static/: "style.css" */
	const char *hashed_name;   /* "style.3f2a9c1b.css": what URLs use */
	const char *content_type;  /* "text/css; charset=utf-8" */
	const unsigned char *data;
	size_t len;
};

/*
 * Everything one app embeds.  tools/wk-templates writes one of these,
 * named <app>_templates, into a generated C file.
 */
struct wk_template_set {
	const char *app;                       /* "blog" */
	const struct wk_template_file *files;  /* sorted by name */
	size_t n_files;
	const struct wk_asset *assets;         /* sorted by name */
	size_t n_assets;
	const char *source_dir;  /* absolute templates/ path at build time,
	                            for DEBUG reloads; may be NULL */
};

/*
 * The library's own templates and static files (Django's contrib app
 * templates): built by tools/wk-templates from src/template/templates/
 * into libwick, under names that start with "wick/" (wick/base.html: the
 * skeleton the library's own pages extend) or, for the admin site's,
 * "admin/" (wick/admin/admin.h).  Every lookup -
 * wk_template_load, wk_render, {% extends %}, {% include %},
 * wk_asset_find - searches the app's set first and this one after, so an
 * app overrides a library template by shipping its own under the same
 * name (Django's DIRS before the app directories).
 */
extern const struct wk_template_set wk_library_templates;

/* ---- errors ------------------------------------------------------------------ */

/* Where and why parsing or rendering failed. */
struct wk_template_error {
	unsigned line;             /* 1-based; 0 when not about a place */
	unsigned col;              /* 1-based */
	char message[512];         /* "name:line:col: message" */
};

/* ---- parsing ------------------------------------------------------------------ */

struct wk_template;

/* Flags for wk_template_parse. */
#define WK_TPL_LENIENT 0x1u  /* unknown filters and tags are accepted and
                                looked up when rendering (a checker that
                                cannot know the app's registrations;
                                tools/wk-templates takes --filter/--tag
                                names instead, and stays strict) */

/*
 * wk_template_parse - parse len bytes of text, the template called name,
 * into *out, allocated in arena a (name is not copied; it must outlive
 * the template).  Returns 0, or -1 with err filled ("name:3:14: unknown
 * filter 'lowr'").  Parsing takes time linear in len; nesting deeper than
 * 100 tags is refused.
 */
int wk_template_parse(wk_arena *a, const char *name, const char *text,
    size_t len, unsigned flags, struct wk_template **out,
    struct wk_template_error *err);

/* wk_template_name - the name given to wk_template_parse. */
const char *wk_template_name(const struct wk_template *t);

/*
 * wk_template_load - the parsed template called name from set (may be
 * NULL), or else from the library's own (wk_library_templates).
 * When reload is set and a set's source_dir has the file, it is read from
 * disk and parsed into arena a (nothing cached); otherwise the embedded
 * source is parsed once per process and cached.  Names with "..", a
 * leading '/', or a backslash are refused.  NULL with err filled when the
 * template does not exist ("template 'x.html' does not exist"; with set
 * NULL, "x.html: no templates to load from") or does not parse.
 */
const struct wk_template *wk_template_load(const struct wk_template_set *set,
    const char *name, int reload, wk_arena *a, struct wk_template_error *err);

/*
 * wk_template_cache_clear - forget every cached parsed template (the
 * cache is keyed by the set's address, so a test or fuzzer that builds
 * sets on the stack calls this between uses).  Apps never need it.
 */
void wk_template_cache_clear(void);

/* ---- rendering ---------------------------------------------------------------- */

/*
 * What a render needs besides the template and the context.
 *   set:    where {% extends %} and {% include %} find templates, and
 *           {% static %} finds hashed names (may be NULL)
 *   req:    for {% url %}, {% csrf_token %}, {% static %}'s prefix (may be
 *           NULL: those tags then fail)
 *   arena:  scratch memory for the render (the request's arena)
 *   reload: re-read templates from disk (DEBUG)
 *   max_steps: 0 for the default (WK_TPL_MAX_STEPS): how many steps one
 *           render may take before it fails (a loop nested in loops over
 *           big lists would otherwise run for ever); a step is a node
 *           visited, a word {% lorem %} writes, an item {% regroup %}
 *           groups, a query parameter {% querystring %} copies
 */
struct wk_render_env {
	const struct wk_template_set *set;
	struct wk_request *req;
	wk_arena *arena;
	int reload;
	unsigned long max_steps;
};

#define WK_TPL_MAX_STEPS 50000000UL

/*
 * wk_template_render - render t with context ctx (may be NULL) into out,
 * appending.  Returns 0, or -1 with err filled: a template that cannot be
 * found or parsed (extends/include), a {% url %} that does not reverse,
 * too deep an include chain (20), an object getter error or memory
 * exhaustion.  Missing variables are not errors.
 */
int wk_template_render(const struct wk_template *t,
    const struct wk_render_env *env, const struct wk_map *ctx, wk_buf *out,
    struct wk_template_error *err);

/*
 * wk_render - the view's one call: load name from set (reloading when
 * req->settings->debug is on), render it with ctx into resp's body, and
 * set Content-Type text/html; charset=utf-8 (the status is left as is:
 * 200 unless the view changed it).  Returns 0, or -1 after logging the
 * error (the view then returns -1 and the app answers 500).
 */
int wk_render(struct wk_request *req, struct wk_response *resp,
    const struct wk_template_set *set, const char *name,
    const struct wk_map *ctx);

/*
 * wk_template_error_page - an app's error_view in one call: renders
 * "<status>.html" (e.g. 404.html) from set with the context
 * { status, reason, message } into resp.  message may be NULL.  Returns
 * 0, or -1 when the app has no such template or it failed (the caller
 * then falls back to the built-in page).
 */
int wk_template_error_page(const struct wk_template_set *set,
    struct wk_request *req, struct wk_response *resp, const char *message);

/* ---- static files ------------------------------------------------------------------ */

/* wk_asset_find - the asset whose hashed_name (or, failing that, plain
 * name) is name, in set (may be NULL) and then in the library's own
 * (wk_library_templates); NULL if none. */
const struct wk_asset *wk_asset_find(const struct wk_template_set *set,
    const char *name);

/* Serving them is HTTP's: wk_asset_serve, wick/http/static.h. */

/* ---- extending: filters ------------------------------------------------------------ */

/* What a filter gets besides its input and argument. */
struct wk_filter_ctx {
	wk_arena *arena;           /* for anything the filter allocates */
	int autoescape;            /* 1 unless inside {% autoescape off %} */
	const struct wk_settings *settings; /* the request's (named date
	                                       formats); NULL: defaults */
};

/*
 * A filter: read in (and arg, NULL when the template gave none), set *out.
 * Return 0, or -1 on an error that should fail the render (memory).  Bad
 * input is not an error: Django's filters return "" or the input then.
 * A filter that builds HTML must escape its input when c->autoescape is
 * set and in is not WK_VAL_SAFE, and return a safe string.
 */
typedef int (*wk_filter_fn)(const struct wk_filter_ctx *c,
    const struct wk_value *in, const struct wk_value *arg,
    struct wk_value *out);

/* Filter flags. */
#define WK_FILTER_ARG_NONE     0x0u  /* {{ x|f }} only */
#define WK_FILTER_ARG_OPTIONAL 0x1u  /* {{ x|f }} or {{ x|f:arg }} */
#define WK_FILTER_ARG_REQUIRED 0x2u  /* {{ x|f:arg }} only */
#define WK_FILTER_KEEP_SAFE    0x4u  /* Django's is_safe: a text result of
                                        a safe input stays safe */

/*
 * wk_template_register_filter - make fn usable as |name in every template
 * parsed afterwards (register before the first render, e.g. first thing in
 * main()).  name must be an identifier and not a built-in filter's name;
 * it is not copied (a string literal, or one that outlives the process's
 * renders).  The registry grows as needed (in an arena kept for the
 * process).  0, or -1 (bad name, taken, out of memory).
 *
 *   static int shout(const struct wk_filter_ctx *c, const struct wk_value *in,
 *       const struct wk_value *arg, struct wk_value *out) { ... }
 *   wk_template_register_filter("shout", shout, WK_FILTER_KEEP_SAFE);
 */
int wk_template_register_filter(const char *name, wk_filter_fn fn,
    unsigned flags);

/* ---- extending: tags ------------------------------------------------------------------ */

/* What a custom tag gets. */
struct wk_tag_ctx {
	wk_arena *arena;
	struct wk_request *req;    /* may be NULL */
	int autoescape;
};

/*
 * A simple tag (Django's simple_tag): `{% name arg1 arg2 %}`.  Each
 * argument is a filter expression, resolved before the call.  Set *out to
 * the value to show: it is escaped like a variable unless it is a safe
 * string.  0, or -1 to fail the render.
 */
typedef int (*wk_tag_fn)(const struct wk_tag_ctx *c,
    const struct wk_value *args, size_t nargs, struct wk_value *out);

/*
 * wk_template_register_tag - make fn usable as {% name ... %}.  name must
 * be an identifier and not a built-in tag; it is not copied.  The
 * registry grows as needed (in an arena kept for the process).  0, or -1
 * (bad name, taken, out of memory).
 */
int wk_template_register_tag(const char *name, wk_tag_fn fn);

/* ---- context processors ---------------------------------------------------------------- */

/*
 * A context processor (Django's): add values every page of the app needs
 * (the logged-in user, flash messages) to ctx for req.  0, or -1 to fail
 * the render.  An app lists its own in struct wk_app's
 * .context_processors (app.h); the library provides the user's
 * (wk_auth_context_processor), the messages' and the CSRF token's.
 */
typedef int (*wk_context_processor_fn)(struct wk_request *req,
    struct wk_map *ctx);

/*
 * wk_template_add_context_processor - run fn before every wk_render and
 * wk_template_error_page, in registration order; the view's own context
 * is applied afterwards and wins on a name both set.  Register before the
 * first render.  Up to WK_CONTEXT_PROCESSORS_MAX; 0, or -1 when fn is
 * NULL, the list is full or memory ran out (nothing is added then).
 */
#define WK_CONTEXT_PROCESSORS_MAX 64
int wk_template_add_context_processor(wk_context_processor_fn fn);

/* ---- the CSRF hook -------------------------------------------------------------------- */

/*
 * What {% csrf_token %} calls: append the hidden form field (HTML) for req
 * to out; 0 or -1.  By default it is wk_csrf_form_field (csrf.h) when the
 * CSRF module is linked in; without it csrf_token renders nothing (and
 * logs once per process).
 */
typedef int (*wk_csrf_hook_fn)(struct wk_request *req, wk_buf *out);

/* wk_template_set_csrf_hook - use fn instead (NULL: back to the default). */
void wk_template_set_csrf_hook(wk_csrf_hook_fn fn);

/* ---- helpers shared with apps --------------------------------------------------------- */

/*
 * wk_template_format_date - Django's date format characters (d D j l N S
 * w z W m n M F b E y Y L t H G h g i s u A a P f e O T Z I U c r) applied
 * to the UTC time t; other characters are copied, backslash escapes the
 * next one.  Appends to out; 0 or -1.
 */
int wk_template_format_date(wk_buf *out, const char *fmt, size_t fmtlen,
    long long t, long usec);

#endif /* WICK_TEMPLATE_H */
