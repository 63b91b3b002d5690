/*
 * models.h - @PROJECT@'s own data: each model declared once (see
 * wick/db/model.h).  The C struct, the field metadata, the table (through
 * the migration in models.c) and the model forms all come from this list.
 */
#ifndef @PROJECT_UPPER@_MODELS_H
#define @PROJECT_UPPER@_MODELS_H

#include "wick/db/model.h"

/* A note: something to show on the home page. */
#define @PROJECT_UPPER@_NOTE(F, M) \
	F(M, title, TEXT, .max_length = 200, .verbose_name = "title") \
	F(M, body, TEXT, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "body") \
	F(M, created, DATETIME, .verbose_name = "created")
WK_MODEL_STRUCT(@PROJECT@_note, @PROJECT_UPPER@_NOTE)

#endif /* @PROJECT_UPPER@_MODELS_H */
