/*
 * models.h - the app @APP@'s data: each model declared once (see
 * wick/db/model.h); the struct, the metadata, the table and the forms
 * come from the field list.
 */
#ifndef @PROJECT_UPPER@_@APP_UPPER@_MODELS_H
#define @PROJECT_UPPER@_@APP_UPPER@_MODELS_H

#include "wick/db/model.h"

/* An item: replace it with the app's own models. */
#define @APP_UPPER@_ITEM(F, M) \
	F(M, name, TEXT, .max_length = 200, .verbose_name = "name")
WK_MODEL_STRUCT(@APP@_item, @APP_UPPER@_ITEM)

#endif /* @PROJECT_UPPER@_@APP_UPPER@_MODELS_H */
