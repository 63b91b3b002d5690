/*
 * blog.h - declarations shared by the demo app's files.
 *
 * The blog is Wick's demo and its living tutorial: cgi-bin/blog.cgi is built
 * from the files in this folder (see the Makefile's BLOG_SRCS).
 */
#ifndef BLOG_H
#define BLOG_H

#include "wick/app.h"

struct wk_request;
struct wk_response;

/* The app descriptor (app.c); tests run it through the test client. */
extern const struct wk_app blog_app;

/* views.c */
int blog_hello(struct wk_request *req, struct wk_response *resp);
int blog_home(struct wk_request *req, struct wk_response *resp);

/* api.c: the JSON API (mounted under "api/") and the `seed` command. */
extern const struct wk_route blog_api_routes[];
extern const struct wk_command blog_api_commands[];

#endif /* BLOG_H */
