/*
 * bulk.h - writes of Django's QuerySet that are more than one statement:
 * get_or_create, update_or_create and bulk_create.
 *
 *   struct wk_query q;
 *   struct tag t, *row;
 *   int created;
 *
 *   wk_q_init(&q, req->arena, &tag_model);
 *   wk_q_filter(&q, "name", wk_val_str(name));
 *   wk_model_init(&tag_model, &t);
 *   t.name = name;                              the lookup's values ...
 *   t.color = "blue";                           ... and the defaults
 *   st = wk_orm_get_or_create(&q, &t, (void **)&row, &created);
 *
 *   struct tag many[3] = ...;                   wk_model_init'd, filled
 *   st = wk_orm_bulk_create(&tag_model, many, 3, &bad);   ids filled in
 *
 * Each runs in an atomic block: the caller's (as a savepoint of it) or
 * its own BEGIN IMMEDIATE.  Ownership as in orm.h: rows found are in the
 * query's arena, objects passed in stay the caller's.
 */
#ifndef WICK_DB_BULK_H
#define WICK_DB_BULK_H

#include <stddef.h>

#include "wick/db/orm.h"

/*
 * wk_orm_get_or_create - the one row q matches into *row (*created = 0),
 * or, when none does, obj created (wk_orm_create: validated, its id set)
 * and *row = obj (*created = 1).  obj must be of q's model and should
 * hold the values q filters on (they are not copied from q).  Race-safe
 * as Django's: when the INSERT breaks a unique constraint (another
 * request created the row since the get), the insert's savepoint is
 * rolled back and the get runs again; if it still finds nothing the
 * constraint error is returned.  Returns WK_DB_OK, WK_DB_MULTIPLE (more
 * than one row matches), WK_DB_INVALID (obj does not validate, or q is
 * failed), WK_DB_CONSTRAINT, or another error.
 */
int wk_orm_get_or_create(struct wk_query *q, void *obj, void **row,
    int *created);

/*
 * wk_orm_update_or_create - in one atomic block (the write lock taken
 * first, so no other writer comes between the get and the write): the
 * row q matches gets the fields named in fields (comma-separated; NULL =
 * every field but the primary key) copied from obj and is saved
 * (*created = 0, *row = that row), or obj is created (*created = 1, *row
 * = obj).  Unknown names in fields are WK_DB_INVALID.  Other returns as
 * wk_orm_get_or_create.
 */
int wk_orm_update_or_create(struct wk_query *q, void *obj,
    const char *fields, void **row, int *created);

/*
 * wk_orm_bulk_create - INSERT n objects of model m laid out as an array
 * (objs points at n structs of m->size bytes) with one prepared
 * statement, in one atomic block, and set each one's id.  Every object
 * is validated first (wk_model_validate_field on each field): if one is
 * invalid nothing is written, *bad (may be NULL) gets its index and the
 * call returns WK_DB_INVALID (wk_db_last_error names row and field).  A
 * constraint violation part-way (unique, foreign key) rolls back the
 * whole batch: WK_DB_CONSTRAINT, *bad = the failing row.  n = 0 is
 * WK_DB_OK and writes nothing.
 */
int wk_orm_bulk_create(const struct wk_model *m, void *objs, size_t n,
    size_t *bad);

#endif /* WICK_DB_BULK_H */
