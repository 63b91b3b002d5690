/*
 * values.h - rows as values instead of model structs: Django's values()
 * and values_list().
 *
 * A query built with wk_q_init / wk_q_filter / wk_q_order_by ... can be
 * read as plain values for the fields a caller names, which is what a JSON
 * answer, a <select> of choices or a template that shows two columns of a
 * big table needs: only those columns are read, and a foreign key may be
 * followed one step ("author__name": a LEFT JOIN, NULL when the link is).
 *
 *   struct wk_query q;
 *   struct wk_list *rows;
 *
 *   wk_q_init(&q, req->arena, &blog_post_model);
 *   wk_q_filter(&q, "published", wk_val_bool(1));
 *   wk_q_order_by(&q, "-created");
 *   st = wk_q_values(&q, "id,title,author__username", 0, &rows);
 *   // rows->items[i] is a map {"id": 3, "title": "...", ...}
 *
 *   st = wk_q_values_list(&q2, "slug", WK_VALUES_FLAT | WK_VALUES_DISTINCT,
 *       &rows);
 *   // rows->items[i] is the slug itself
 *
 * Field names are looked up in the model's metadata like every other name
 * of orm.h: an unknown one fails the query with WK_DB_INVALID and never
 * reaches SQL text.  "pk" names the primary key.  NULL (or "") names every
 * field of the model, in declaration order.
 *
 * Values: INT/BIGINT/FK are integers, BOOL a bool, REAL a real, TEXT,
 * DATE and DATETIME text, BLOB text holding the bytes; SQL NULL is null.
 * Every row, map, list and string is allocated in the query's arena.
 */
#ifndef WICK_DB_VALUES_H
#define WICK_DB_VALUES_H

#include "wick/core/value.h"
#include "wick/db/orm.h"

/* Flags of wk_q_values / wk_q_values_list. */
#define WK_VALUES_DISTINCT 0x01u  /* SELECT DISTINCT: no repeated rows */
#define WK_VALUES_FLAT     0x02u  /* values_list(flat=True): one field,
                                     each row is its value, not a list */

/* The most fields one values call may name. */
#define WK_VALUES_MAX_FIELDS 64

/*
 * wk_q_values - every row q matches as a map from field name (as the
 * caller wrote it: "author__name") to value, in *rows (a list of map
 * values, arena memory).  fields: comma-separated names, NULL or "" for
 * every field.  flags: WK_VALUES_DISTINCT (WK_VALUES_FLAT is refused:
 * WK_DB_INVALID).  Limits, offsets and orderings of q apply.  Returns
 * WK_DB_OK, WK_DB_INVALID for an unknown field (q is then failed), or the
 * error of running it.  *rows is NULL on error.
 */
int wk_q_values(struct wk_query *q, const char *fields, unsigned flags,
    struct wk_list **rows);

/*
 * wk_q_values_list - like wk_q_values, each row a list of the values in
 * the order of fields (a tuple).  With WK_VALUES_FLAT exactly one field
 * must be named (else WK_DB_INVALID) and each row is that field's value.
 */
int wk_q_values_list(struct wk_query *q, const char *fields, unsigned flags,
    struct wk_list **rows);

#endif /* WICK_DB_VALUES_H */
