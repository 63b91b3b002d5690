/*
 * expr.h - F() expressions: a column's value used in an UPDATE or a
 * filter instead of a value read into C first (Django's F).
 *
 * `views = views + 1` read, incremented and saved by the program loses
 * counts when two requests do it at once; written as one UPDATE the
 * database does it atomically:
 *
 *   wk_q_init(&q, req->arena, &blog_post_model);
 *   wk_q_filter(&q, "id", wk_val_int(id));
 *   wk_q_set_f(&q, "views", "views", '+', wk_val_int(1));
 *   st = wk_q_update(&q, NULL);
 *
 *   wk_q_set_ff(&q, "total", "price", '*', "qty");    total = price * qty
 *   wk_q_filter_f(&q, "likes__gt", "dislikes");        WHERE likes > dislikes
 *
 * Operators: '+', '-', '*', and 0 (no operator: a plain copy of the other
 * column, wk_q_set_f(&q, "a", "b", 0, wk_val_null())).  Arithmetic needs
 * number fields (INT, BIGINT, REAL) on both sides; the operand value is
 * bound (an integer for INT and BIGINT targets, a number for REAL), and
 * strings from a request are converted strictly ("5").  Names are looked
 * up in the metadata as in orm.h (unknown -> WK_DB_INVALID, never SQL);
 * updates read the model's own columns only, filters may follow a foreign
 * key one step ("author__age").  SQL NULL in an operand makes the result
 * NULL, which a NOT NULL field refuses at update time (WK_DB_CONSTRAINT).
 */
#ifndef WICK_DB_EXPR_H
#define WICK_DB_EXPR_H

#include "wick/db/orm.h"

/*
 * wk_q_set_f - for wk_q_update: field = other op v (op '+', '-', '*'), or
 * field = other (op 0; v is ignored).  Returns q->status: WK_DB_INVALID
 * for an unknown or read-only field, an operator not in the list, a
 * non-number field under arithmetic, or a v that does not fit.
 */
int wk_q_set_f(struct wk_query *q, const char *field, const char *other,
    char op, struct wk_value v);

/* wk_q_set_ff - for wk_q_update: field = a op b, three fields of the
 * model (op '+', '-', '*').  Same errors as wk_q_set_f. */
int wk_q_set_ff(struct wk_query *q, const char *field, const char *a,
    char op, const char *b);

/*
 * wk_q_filter_f - AND (in the current group) the comparison of two
 * columns: lookup is "field" or "field__exact|gt|gte|lt|lte", other a
 * field (either may be "fk__field").  Under an odd number of NOTs a
 * nullable side is guarded as in orm.h's "Negation", so the NOT is the
 * complement.  Other lookups are WK_DB_INVALID.
 */
int wk_q_filter_f(struct wk_query *q, const char *lookup, const char *other);

#endif /* WICK_DB_EXPR_H */
