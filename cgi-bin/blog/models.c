/*
 * models.c - the blog's model metadata and its migration steps.
 *
 * WK_MODEL_DEFINE turns each field list of models.h into metadata; the
 * schema registered below tells `blog.cgi migrate` how to build and
 * upgrade the database.  Add a step at the end when a model changes;
 * `blog.cgi diffmodels` says which step is missing.
 */
#include <stddef.h>

#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "models.h"

/* .str_field: how a row is named in forms and lists (Django's __str__). */
WK_MODEL_DEFINE(blog_post, BLOG_POST, .verbose_name = "post",
    .verbose_name_plural = "posts", .str_field = "title")
WK_MODEL_DEFINE(blog_comment, BLOG_COMMENT, .verbose_name = "comment",
    .verbose_name_plural = "comments", .str_field = "name")

static const struct wk_model *const blog_models[] = {
	&blog_post_model,
	&blog_comment_model,
	NULL
};

static const struct wk_migration blog_steps[] = {
	WK_MIGRATION("0001_initial",
	    WK_CREATE_TABLE(blog_post_model),
	    WK_CREATE_TABLE(blog_comment_model)),
	/* The API lists published posts newest first: one index serves it. */
	WK_MIGRATION("0002_post_published_created",
	    WK_ADD_INDEX(blog_post_model, "published,created", 0)),
	/* Posts get an author account; NULL for posts made before. */
	WK_MIGRATION("0003_post_author",
	    WK_ADD_COLUMN(blog_post_model, "author")),
};

static const struct wk_schema blog_schema = {
	.app = "blog",
	.order = 100,
	.models = blog_models,
	.steps = blog_steps,
	.nsteps = sizeof(blog_steps) / sizeof(blog_steps[0]),
};
WK_SCHEMA_REGISTER(blog_schema)
