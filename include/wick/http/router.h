/*
 * router.h - URL dispatch with Django's path syntax.
 *
 * A route table is a const array of struct wk_route ending with
 * WK_ROUTES_END.  Patterns are written without the leading slash, as in
 * Django: "posts/<int:id>/".  Converters: int, str (no '/'), slug,
 * uuid, path (may contain '/'); apps add their own with
 * wk_router_register_converter().  A route with .include set (and no view)
 * mounts a sub-table under its pattern prefix.
 *
 *   static const struct wk_route blog_routes[] = {
 *       { "", home, "home", WK_GET, NULL },
 *       { "posts/<int:id>/", post_detail, "post", WK_GET, NULL },
 *       { "api/", NULL, NULL, 0, api_routes },
 *       WK_ROUTES_END
 *   };
 *
 * A route may carry configuration for its view in .data, the last member
 * (rows that leave it out get NULL): the view reads it back through
 * req->route->data.  This is how one view function serves many routes,
 * as the generic views do (wick/views/generic.h):
 *
 *   static const struct wk_list_view note_list = {
 *       .model = &notes_note_model, .paginate_by = 20,
 *       .ordering = "-created" };
 *   { "", wk_list_view, "note_list", WK_GET, NULL, &note_list },
 *
 * Matching walks the table in order; the first pattern that matches the
 * path wins.  If a pattern matches but not the method, the router keeps
 * looking and, failing that, answers 405 with the union of methods.
 */
#ifndef WICK_ROUTER_H
#define WICK_ROUTER_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/value.h"

struct wk_request;
struct wk_response;

/* A view: fill resp; return 0, or -1 to have Wick answer 500. */
typedef int (*wk_view_fn)(struct wk_request *req, struct wk_response *resp);

struct wk_route {
	const char *pattern;               /* "posts/<int:id>/" */
	wk_view_fn view;                   /* NULL for an include */
	const char *name;                  /* for reverse; may be NULL */
	unsigned methods;                  /* WK_GET | WK_POST ...; 0 = any */
	const struct wk_route *include;    /* sub-table, or NULL */
	/* The view's own configuration, or NULL: whatever the view
	 * expects (a generic view, its struct wk_list_view ...), read as
	 * req->route->data.  Not copied; usually a static const struct.
	 * Keep it last: rows written positionally may leave it out. */
	const void *data;
};

#define WK_ROUTES_END { NULL, NULL, NULL, 0, NULL, NULL }

/*
 * A path converter.  match returns how many bytes of s (len bytes left in
 * the path) it accepts, 0 for no match; it must not accept '/' unless it
 * means to.  to_url checks a value for reverse(): 1 if acceptable.
 */
struct wk_converter {
	const char *name;
	size_t (*match)(const char *s, size_t len);
	int (*to_url)(const char *value);
};

enum wk_route_result {
	WK_ROUTE_FOUND,
	WK_ROUTE_NOT_FOUND,
	WK_ROUTE_METHOD_NOT_ALLOWED,  /* *allowed holds the methods */
	WK_ROUTE_APPEND_SLASH,        /* path + "/" would match */
	WK_ROUTE_ERROR,               /* bad table or allocation failure */
	WK_ROUTE__MAX
};

/*
 * wk_router_resolve - match req->path against table for req->method.
 * On WK_ROUTE_FOUND sets req->route and fills req->args with the captured
 * values (as strings).  On METHOD_NOT_ALLOWED stores the allowed mask in
 * *allowed.  WK_ROUTE_APPEND_SLASH is returned only when append_slash is
 * set, nothing matched, the path lacks a trailing slash and path + "/"
 * matches.
 */
enum wk_route_result wk_router_resolve(const struct wk_route *table,
    struct wk_request *req, int append_slash, unsigned *allowed);

/*
 * wk_router_reverse - the URL for the route named name with positional
 * args, prefixed by script_name (e.g. "/cgi-bin/blog.cgi"), allocated in a.
 * Each arg must satisfy its converter's to_url and is percent-encoded
 * where needed.  Returns NULL if no such name, wrong arg count, a rejected
 * value, or allocation failure.
 */
char *wk_router_reverse(const struct wk_route *table, wk_arena *a,
    const char *script_name, const char *name, const char *const *args,
    size_t nargs);

/*
 * wk_router_reverse_kw - as wk_router_reverse, but with keys non-NULL
 * args[i] fills the capture named keys[i] (Django's reverse(kwargs=)):
 * every capture of the route must be named once and every key used.
 * keys NULL is wk_router_reverse.
 *
 *   const char *k[] = { "year", "slug" }, *v[] = { "2024", "hello" };
 *   url = wk_router_reverse_kw(routes, a, "", "post", k, v, 2);
 */
char *wk_router_reverse_kw(const struct wk_route *table, wk_arena *a,
    const char *script_name, const char *name, const char *const *keys,
    const char *const *args, size_t nargs);

/* wk_url_kw - wk_router_reverse_kw over the request, as wk_url. */
char *wk_url_kw(const struct wk_request *req, const char *name,
    const char *const *keys, const char *const *args, size_t nargs);

/*
 * wk_url - wk_router_reverse over req->routes with req->script_name, in
 * req->arena: what views and templates use.  NULL as above.
 */
char *wk_url(const struct wk_request *req, const char *name,
    const char *const *args, size_t nargs);

/*
 * wk_url_values - wk_url with typed arguments: each of the nargs values is
 * turned into the text its converter checks (an INT in decimal, a STR or
 * SAFE string as it is); any other kind (null, bool, real, list...) is
 * refused.  NULL as wk_url, also for a refused kind.  keys as wk_url_kw
 * (NULL: positional).
 */
char *wk_url_values(const struct wk_request *req, const char *name,
    const char *const *keys, const struct wk_value *args, size_t nargs);

/*
 * WK_URL - reverse with typed arguments and no array to write: one or more
 * values after the name (use wk_url(req, name, NULL, 0) for a route
 * without captures).
 *
 *   url = WK_URL(req, "post", wk_val_int(post->id));
 *   url = WK_URL(req, "archive", wk_val_int(2024), wk_val_str(slug));
 */
#define WK_URL(req, name, ...) \
	wk_url_values((req), (name), NULL, \
	    (const struct wk_value[]){ __VA_ARGS__ }, \
	    sizeof((const struct wk_value[]){ __VA_ARGS__ }) / \
	    sizeof(struct wk_value))

/*
 * wk_router_register_converter - make c available to patterns as
 * "<c->name:...>".  c must stay valid.  Up to 16 custom converters;
 * returns 0, or -1 if full or the name is taken.
 */
int wk_router_register_converter(const struct wk_converter *c);

/*
 * wk_router_check - validate every pattern of table (unknown converter,
 * unbalanced '<', leading '/', duplicate names).  Writes problems, one per
 * line, into out; returns how many.
 */
int wk_router_check(const struct wk_route *table, char *out, size_t outlen);

/*
 * wk_router_each - call fn for every route with its full pattern (includes
 * expanded), e.g. for `APP routes`.
 */
void wk_router_each(const struct wk_route *table,
    void (*fn)(void *ctx, const char *pattern, const struct wk_route *r),
    void *ctx);

#endif /* WICK_ROUTER_H */
