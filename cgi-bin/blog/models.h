/*
 * models.h - the blog's data: each model declared once (see wick/db/model.h).
 *
 * Each list below is the single place a field is written down; the C
 * structs, the field metadata, the tables (through the migrations in
 * models.c) and the API's validation all come from it.
 */
#ifndef BLOG_MODELS_H
#define BLOG_MODELS_H

#include "wick/auth/auth.h"
#include "wick/db/model.h"

/* A blog post.  author_name stands in for a user link until auth exists. */
#define BLOG_POST(F, M) \
	F(M, title, TEXT, .max_length = 200, .verbose_name = "title") \
	F(M, slug, TEXT, .max_length = 200, .flags = WK_UNIQUE, \
	    .verbose_name = "slug") \
	F(M, body, TEXT, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "body") \
	F(M, author_name, TEXT, .max_length = 100, \
	    .verbose_name = "author") \
	F(M, created, DATETIME, .verbose_name = "created", \
	    .help_text = "UTC, ISO 8601") \
	F(M, published, BOOL, .def = "0", .verbose_name = "published") \
	F(M, author, FK, .to = &wick_user_model, .on_delete = WK_SET_NULL, \
	    .flags = WK_NULL, .verbose_name = "author account")
WK_MODEL_STRUCT(blog_post, BLOG_POST)

/* A reader's comment on a post; deleted with the post. */
#define BLOG_COMMENT(F, M) \
	F(M, post, FK, .to = &blog_post_model, .on_delete = WK_CASCADE, \
	    .verbose_name = "post") \
	F(M, name, TEXT, .max_length = 100, .verbose_name = "name") \
	F(M, body, TEXT, .max_length = 5000, .verbose_name = "comment") \
	F(M, created, DATETIME, .verbose_name = "created")
WK_MODEL_STRUCT(blog_comment, BLOG_COMMENT)

#endif /* BLOG_MODELS_H */
