/*
 * static.h - serving an app's embedded static files.
 *
 * tools/wk-templates embeds every file under an app's static/ folder in
 * its struct wk_template_set (template.h), each under its plain name
 * ("style.css") and a content-hashed one ("style.3f2a9c1b.css") that
 * {% static %} writes into pages.  Because a hashed name changes whenever
 * the bytes do, a response for it may be cached for ever; the plain name
 * is revalidated on every use.  The app routes its static URL prefix to a
 * view that calls wk_asset_serve:
 *
 *   static int static_file(struct wk_request *req, struct wk_response *resp) {
 *       return wk_asset_serve(&blog_templates, req, resp,
 *           wk_request_arg(req, "name"));
 *   }
 *
 * Files are looked up in the app's set, then in the library's own
 * (wk_asset_find, template.h), so the library's pages find their assets.
 */
#ifndef WICK_HTTP_STATIC_H
#define WICK_HTTP_STATIC_H

struct wk_request;
struct wk_response;
struct wk_template_set;

/*
 * wk_asset_serve - answer with the static file called name from set (or
 * the library's): 200, the file's Content-Type, Cache-Control "public,
 * max-age=31536000, immutable" when name is its hashed name, "no-cache"
 * when it is the plain one, and the bytes (the body is replaced; they are
 * not copied out of the binary but appended to resp's body).  An unknown
 * name answers 404 through the app's error pages (wk_error).  Returns 0,
 * or -1 when a header or the body cannot be set (memory); the caller
 * then answers 500 as for any view error.
 */
int wk_asset_serve(const struct wk_template_set *set, struct wk_request *req,
    struct wk_response *resp, const char *name);

#endif /* WICK_HTTP_STATIC_H */
