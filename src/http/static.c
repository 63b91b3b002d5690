/*
 * static.c - answering a request for an embedded static file.
 *
 * The lookup by name (hashed or plain, the app's files before the
 * library's) belongs to the template sets and lives in
 * src/template/load.c (wk_asset_find), where {% static %} uses it too;
 * this file only turns a found file into a response with the right
 * caching headers, so the template engine never answers HTTP.
 */
#include <string.h>

#include "wick/http/static.h"
#include "wick/http/app.h"
#include "wick/http/response.h"
#include "wick/template/template.h"

/* see static.h */
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
