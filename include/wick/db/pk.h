/*
 * pk.h - models whose primary key is text or a UUID (model.h's
 * WK_MODEL_STRUCT_PK, WK_MODEL_DEFINE_TEXT_PK, WK_MODEL_DEFINE_UUID_PK):
 * fetching and deleting by such a key, the key of any row as a value,
 * and v4 UUIDs.
 *
 *   struct shop_order o, *row;
 *   wk_model_init(&shop_order_model, &o);
 *   o.total = 9.5;
 *   st = wk_orm_create(&shop_order_model, &o);     o.uuid is made
 *   st = wk_orm_get_pk(req->arena, &shop_order_model,
 *       wk_val_str(wk_request_get(req, "order")), (void **)&row);
 *
 * wk_orm_create, wk_orm_save, queries (filter, order_by, values, update,
 * delete), bulk_create and get_or_create work on these models as on the
 * others; wk_orm_get and wk_orm_delete take an integer id and so answer
 * WK_DB_INVALID for them.  A key that is not a valid UUID (for a UUID
 * key) finds nothing, as in Django a bad value in a URL is a 404.
 */
#ifndef WICK_DB_PK_H
#define WICK_DB_PK_H

#include "wick/core/arena.h"
#include "wick/core/value.h"
#include "wick/db/model.h"

/* The length of a UUID's text form (without the NUL). */
#define WK_UUID_LEN 36

/*
 * wk_uuid4 - a random (version 4, RFC 4122 variant) UUID from the OS's
 * randomness (getrandom) as 36 lowercase characters and a NUL in out.
 * 0, or -1 when no randomness could be had (out is then "").
 */
int wk_uuid4(char out[WK_UUID_LEN + 1]);

/*
 * wk_orm_pk_value - the primary key of obj as a value: an integer for an
 * `id` key, text (not copied) for a text key, null when a text key is
 * unset.
 */
struct wk_value wk_orm_pk_value(const struct wk_model *m, const void *obj);

/*
 * wk_orm_get_pk - the row whose primary key is pk (an integer or a
 * string for an `id` key, a string for a text key) into *row (arena a).
 * WK_DB_OK, WK_DB_NOT_FOUND (also for a malformed UUID) or an error.
 */
int wk_orm_get_pk(wk_arena *a, const struct wk_model *m, struct wk_value pk,
    void **row);

/* wk_orm_delete_pk - delete the row whose primary key is pk (FK rules
 * apply); WK_DB_NOT_FOUND if there is none. */
int wk_orm_delete_pk(const struct wk_model *m, struct wk_value pk);

#endif /* WICK_DB_PK_H */
