/*
 * models.c - the model metadata of models.h and its migrations.
 *
 * WK_MODEL_DEFINE turns the field list into metadata; the schema
 * registered below tells `./@PROJECT@.cgi migrate` how to build and
 * upgrade the database.  When a model changes, add a step at the end
 * (never edit one that has run); `./@PROJECT@.cgi diffmodels` says which
 * step is missing.
 */
#include <stddef.h>

#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "models.h"

WK_MODEL_DEFINE(@PROJECT@_note, @PROJECT_UPPER@_NOTE, .verbose_name = "note",
    .verbose_name_plural = "notes")

static const struct wk_model *const @PROJECT@_models[] = {
	&@PROJECT@_note_model,
	NULL
};

static const struct wk_migration @PROJECT@_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(@PROJECT@_note_model)),
};

static const struct wk_schema @PROJECT@_schema = {
	.app = "@PROJECT@",
	.order = 100,
	.models = @PROJECT@_models,
	.steps = @PROJECT@_steps,
	.nsteps = sizeof(@PROJECT@_steps) / sizeof(@PROJECT@_steps[0]),
};
WK_SCHEMA_REGISTER(@PROJECT@_schema)
