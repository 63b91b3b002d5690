/*
 * models.c - the app books' model metadata and migrations.
 */
#include <stddef.h>

#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "models.h"

WK_MODEL_DEFINE(books_book, BOOKS_BOOK, .verbose_name = "book",
    .verbose_name_plural = "books")

static const struct wk_model *const books_models[] = {
	&books_book_model,
	NULL
};

static const struct wk_migration books_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(books_book_model)),
};

static const struct wk_schema books_schema = {
	.app = "books",
	.order = 200,
	.models = books_models,
	.steps = books_steps,
	.nsteps = sizeof(books_steps) / sizeof(books_steps[0]),
};
WK_SCHEMA_REGISTER(books_schema)
