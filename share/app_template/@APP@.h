/*
 * @APP@.h - the app @APP@ of project @PROJECT@: what its files share.
 * Its URLs are mounted at /@APP@/ by app.c (through apps.mk).
 */
#ifndef @PROJECT_UPPER@_@APP_UPPER@_H
#define @PROJECT_UPPER@_@APP_UPPER@_H

#include "wick/http/router.h"

struct wk_request;
struct wk_response;

/* The app's URLs (views.c), relative to /@APP@/. */
extern const struct wk_route @APP@_routes[];

/* views.c */
int @APP@_index(struct wk_request *req, struct wk_response *resp);

#endif /* @PROJECT_UPPER@_@APP_UPPER@_H */
