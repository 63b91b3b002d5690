/*
 * models.c - the app @APP@'s model metadata and migrations.  Add a step
 * at the end when a model changes (`./@PROJECT@.cgi diffmodels` tells
 * which); never edit a step that has run somewhere.
 */
#include <stddef.h>

#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "models.h"

WK_MODEL_DEFINE(@APP@_item, @APP_UPPER@_ITEM, .verbose_name = "item",
    .verbose_name_plural = "items")

static const struct wk_model *const @APP@_models[] = {
	&@APP@_item_model,
	NULL
};

static const struct wk_migration @APP@_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(@APP@_item_model)),
};

static const struct wk_schema @APP@_schema = {
	.app = "@APP@",
	.order = 200,
	.models = @APP@_models,
	.steps = @APP@_steps,
	.nsteps = sizeof(@APP@_steps) / sizeof(@APP@_steps[0]),
};
WK_SCHEMA_REGISTER(@APP@_schema)
