/*
 * internal.h - what the files of src/forms share and nobody else sees.
 *
 * form.c (declared forms, cleaning, rendering, model forms) hands the
 * fields whose value is a row of another model (WK_FF_MODEL) to
 * model_choice.c, the one file of the component that queries rows; it
 * calls nothing back in form.c.  validate.c holds the e-mail and URL
 * rules (validate.h).
 */
#ifndef WICK_FORMS_INTERNAL_H
#define WICK_FORMS_INTERNAL_H

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/forms/form.h"

/* Django's message for a choice that names no row. */
#define FORM_MSG_INVALID_CHOICE "Select a valid choice. That choice is " \
	"not one of the available choices."

/*
 * form_model_clean - clean the non-empty, stripped value s of MODEL field
 * fd: look its id up in fd->model.  NULL when it names a row (v->i, v->r
 * and v->row set), else the error message (static).  A database failure
 * sets *failed (the form answers -1) and is logged.
 */
const char *form_model_clean(wk_arena *a, const struct wk_form_field *fd,
    struct wk_form_value *v, const char *s, int *failed);

/*
 * form_model_render - the widget of MODEL field fd with state v: the
 * <select> of the rows, or the raw id box (WK_FF_RAW_ID, or more than
 * WK_FORM_SELECT_MAX rows).  Appends to out; 0, or -1 on a database or
 * allocation failure (or a field declared without .model).
 */
int form_model_render(wk_arena *a, const struct wk_form_field *fd,
    const struct wk_form_value *v, wk_buf *out);

/*
 * form_model_exists - whether row id of m is there: 1, 0, or -1 on a
 * database failure.  For wk_model_form_save's check after the database
 * refused a link.
 */
int form_model_exists(wk_arena *a, const struct wk_model *m, long long id);

#endif /* WICK_FORMS_INTERNAL_H */
