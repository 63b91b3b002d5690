/*
 * books.h - the app books of project mysite: what its files share.
 * Its URLs are mounted at /books/ by app.c (through apps.mk).
 */
#ifndef MYSITE_BOOKS_H
#define MYSITE_BOOKS_H

#include "wick/http/router.h"

struct wk_request;
struct wk_response;

/* The app's URLs (views.c), relative to /books/. */
extern const struct wk_route books_routes[];

/* views.c */
int books_book_new(struct wk_request *req, struct wk_response *resp);

#endif /* MYSITE_BOOKS_H */
