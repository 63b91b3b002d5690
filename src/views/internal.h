/*
 * internal.h - what the generic views share (generic.c defines these,
 * edit.c uses them); not part of the API.
 *
 * The return rule of every helper: 0 to go on, 1 when resp already holds
 * the answer (a 404, a 405, a database error's page: the view returns
 * 0), -1 on a failure that should become a 500 (already logged).
 */
#ifndef WICK_VIEWS_INTERNAL_H
#define WICK_VIEWS_INTERNAL_H

#include "wick/core/value.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/views/generic.h"

/* The route's .data, or NULL after logging that the view has none. */
const void *wk__view_data(struct wk_request *req, const char *view);

/* The route's struct wk_object_view, or NULL (logged) when it has none
 * or no model. */
const struct wk_object_view *wk__view_object(struct wk_request *req,
    const char *view);

/* Answer OPTIONS (200 with Allow) and methods outside allowed (405). */
int wk__view_method(struct wk_request *req, struct wk_response *resp,
    unsigned allowed);

/* A hook's return value: 0 go on, -1 fail, >= 400 that error page (1). */
int wk__view_hook(struct wk_request *req, struct wk_response *resp, int rc);

/* The object of an object view's route (404 when none matches). */
int wk__view_get_object(struct wk_request *req, struct wk_response *resp,
    const struct wk_object_view *v, void **obj);

/* Put obj in ctx as "object" and as its context name. */
int wk__view_put_object(struct wk_request *req, struct wk_map *ctx,
    const struct wk_object_view *v, const void *obj);

/* Run v's context hook, then render v's template (or the default one
 * with suffix).  0, 1 or -1. */
int wk__view_render(struct wk_request *req, struct wk_response *resp,
    const struct wk_object_view *v, const char *suffix, struct wk_map *ctx);

/* The URL to go to after saving or deleting obj; NULL after logging. */
const char *wk__view_success_url(struct wk_request *req,
    const struct wk_object_view *v, const void *obj);

#endif /* WICK_VIEWS_INTERNAL_H */
