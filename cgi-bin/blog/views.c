/*
 * views.c - the demo's plain views: /hello and the home page.
 *
 * /hello is the smallest page that still goes through the whole pipeline
 * (request parse, middleware, router, response); the benchmark compares it
 * with a static C program printing the same bytes.  It must never touch the
 * database.
 */
#include <string.h>

#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "blog.h"

int
blog_hello(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	return wk_response_html(resp, 200,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>Hello</title></head>\n"
	    "<body><p>Hello, world</p></body></html>\n");
}

int
blog_home(struct wk_request *req, struct wk_response *resp)
{
	const char *hello = wk_url(req, "hello", NULL, 0);
	wk_buf *b = &resp->body;

	if (hello == NULL)
		return -1;
	if (wk_response_html(resp, 200, "") != 0)
		return -1;
	wk_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Wick blog</title></head>\n<body>\n"
	    "<h1>Wick blog</h1>\n<p><a href=\"");
	wk_buf_append_html(b, hello, strlen(hello));
	wk_buf_puts(b, "\">Say hello</a></p>\n</body></html>\n");
	return b->failed ? -1 : 0;
}
