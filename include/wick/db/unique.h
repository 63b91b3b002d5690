/*
 * unique.h - Django's validate_unique: before a write, ask the database
 * whether an object would break a unique field (WK_UNIQUE) or a
 * unique-together list of its model (.unique_together =
 * WK_UNIQUE_TOGETHER("author,slug")), and say so in Django's words:
 *
 *   "Post with this Slug already exists."            (on the field)
 *   "Post with this Author and Slug already exists." (on "__all__")
 *
 * The unique index that migrate creates stays the rule: a row written by
 * another request between the check and the write still fails with
 * WK_DB_CONSTRAINT.  Model forms (form.h) run the check in
 * wk_model_form_save.
 */
#ifndef WICK_DB_UNIQUE_H
#define WICK_DB_UNIQUE_H

#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/db/model.h"

/* The errors key of a unique-together clash (Django's NON_FIELD_ERRORS;
 * the same as forms' WK_FORM_ALL). */
#define WK_UNIQUE_ALL "__all__"

/* What wk_orm_validate_unique checks. */
#define WK_UNIQUE_CHECK_FIELDS   0x01u  /* each WK_UNIQUE field */
#define WK_UNIQUE_CHECK_TOGETHER 0x02u  /* each unique_together list */

/*
 * wk_orm_validate_unique - for each unique field and/or list of m (what),
 * whether another row has obj's values: each clash is added to errors (if
 * not NULL; strings in a) as (field name or WK_UNIQUE_ALL, message).  A
 * field whose value is NULL is not checked, nor a list with a NULL
 * member (NULL equals nothing, as in SQL and Django).  When obj's id is
 * not 0 (a saved row being changed), or its text key is set, the row with
 * that key is no clash.  *n gets
 * the number of clashes.  Returns WK_DB_OK (look at *n) or the error of a
 * query.
 */
int wk_orm_validate_unique(wk_arena *a, const struct wk_model *m,
    const void *obj, unsigned what, struct wk_kvlist *errors, int *n);

/*
 * wk_orm_unique_message - the message for a clash on the fields of list
 * ("author,slug") of m: "Post with this Author and Slug already exists."
 * (capitalised verbose names; three or more as "A, B and C").  Arena
 * string, or NULL when out of memory or a name is not a field.
 */
const char *wk_orm_unique_message(wk_arena *a, const struct wk_model *m,
    const char *list);

#endif /* WICK_DB_UNIQUE_H */
