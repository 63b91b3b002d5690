/*
 * @PROJECT@.h - what the project's own files (and its apps and tests)
 * share: the app descriptor, the embedded templates and the views.
 */
#ifndef @PROJECT_UPPER@_H
#define @PROJECT_UPPER@_H

#include "wick/http/app.h"
#include "wick/template/template.h"

struct wk_request;
struct wk_response;

/* The app (app.c): routes, middleware, commands.  Tests run it through
 * the test client (wick/front/testclient.h). */
extern const struct wk_app @PROJECT@_app;

/* templates/ and static/ (and every app's templates/), embedded at build
 * time into build/gen/assets.c by Wick's embedder. */
extern const struct wk_template_set @PROJECT@_templates;

/*
 * @PROJECT@_setup - what must happen once before the first request:
 * the project's own template filters, tags and path converters, if it
 * has any.  main() calls it, and so does each test's setup.  0 or -1.
 */
int @PROJECT@_setup(void);

/* views.c */
int @PROJECT@_home(struct wk_request *req, struct wk_response *resp);
int @PROJECT@_login(struct wk_request *req, struct wk_response *resp);
int @PROJECT@_logout(struct wk_request *req, struct wk_response *resp);
int @PROJECT@_static(struct wk_request *req, struct wk_response *resp);
int @PROJECT@_error_page(struct wk_request *req, struct wk_response *resp,
    const char *message);

#endif /* @PROJECT_UPPER@_H */
