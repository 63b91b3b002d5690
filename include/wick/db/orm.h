/*
 * orm.h - queries over models: Django's QuerySet ideas in C.
 *
 * A query (struct wk_query) names a model and is refined by calls that
 * take FIELD NAMES AS STRINGS and VALUES AS struct wk_value.  Names are
 * looked up in the model's metadata: an unknown field, lookup or ordering
 * makes the query fail with WK_DB_INVALID, never reaches SQL text.  Values
 * are always bound parameters.  So `?sort=` or `?q=` from a request can be
 * passed straight in: they can only choose among declared fields.
 *
 * Errors are sticky (BearSSL's habit): after a failed call the query stays
 * failed and the executing call (next, get, count, update...) returns the
 * first error, so a chain of refinements is checked once.
 *
 *   struct wk_query q;
 *   struct blog_post *p;
 *   int st;
 *
 *   wk_q_init(&q, req->arena, &blog_post_model);
 *   wk_q_filter(&q, "published", wk_val_bool(1));
 *   wk_q_filter(&q, "title__icontains", wk_val_str(wk_request_get(req, "q")));
 *   wk_q_order_by(&q, "-created");
 *   wk_q_limit(&q, 20, 0);
 *   while ((st = wk_q_next(&q, (void **)&p)) == WK_DB_ROW)
 *       ... p->title ...
 *   wk_q_close(&q);
 *   if (st != WK_DB_DONE)
 *       return wk_db_respond(req, resp, st, 0);
 *
 * Lookups ("field__lookup"; plain "field" is exact): exact, iexact,
 * contains, icontains, startswith, istartswith, endswith, iendswith, gt,
 * gte, lt, lte, in (value: a list), isnull (value: bool), range (value: a
 * list of two).  "i" lookups fold ASCII case only (SQLite's LIKE);
 * contains, startswith and endswith are case-sensitive (Django's fold
 * ASCII case on SQLite).  regex and iregex are refused by name.  A
 * foreign key may be followed one step: "post__title__icontains" (a JOIN).
 *
 * None: exact and iexact with a null value mean IS NULL; a null in an
 * `in` list is ignored (NULL equals nothing; a list of only nulls matches
 * no row); any other lookup with null is WK_DB_INVALID.
 *
 * Date parts, on DATE and DATETIME fields: "created__year", then
 * optionally a comparison: "created__year__gte", "created__date__lt",
 * "created__month__in".  Parts: year, month, day, week_day (1 = Sunday ..
 * 7 = Saturday, as Django), iso_week_day (1 = Monday), week (ISO 8601
 * week number), iso_year, quarter; on DATETIME only also date (compared
 * with "YYYY-MM-DD" text), hour, minute, second.  After a part: exact,
 * gt, gte, lt, lte, in, range, isnull.  A part on another kind of field
 * is WK_DB_INVALID.  The SQL is strftime() around the column, so it does
 * not use an index on it.
 *
 * Groups: wk_q_or(&q) ... wk_q_end(&q) ORs the conditions added in between;
 * wk_q_and / wk_q_not likewise (NOT negates the AND of its members).
 * Groups nest up to 8 deep.  wk_q_exclude(q, l, v) is NOT (l = v).
 *
 * Negation is the complement, as in Django: wk_q_exclude(&q, "n__gt", 3)
 * returns the rows where n is NULL too, and an exclude through a nullable
 * foreign key ("cat__title") the rows without one.  A condition under an
 * odd number of NOTs on a column that can read NULL (a WK_NULL field, or
 * any field across a WK_NULL foreign key) is written (cond AND col IS NOT
 * NULL), so that its NOT is true, not NULL, for those rows.
 *
 * Values are not copied: strings passed to wk_q_filter / wk_q_set must
 * stay valid until the query has run (request data and literals do).
 *
 * Rows are allocated in the query's arena (the request's), one struct per
 * row; text columns are arena copies.  Iteration streams: one row at a
 * time from SQLite, nothing is loaded ahead.
 *
 * Writes (create, save, update, delete) run in an atomic block: the
 * caller's, or their own BEGIN IMMEDIATE when none is open.
 */
#ifndef WICK_ORM_H
#define WICK_ORM_H

#include <stddef.h>
#include <stdint.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/db/db.h"
#include "wick/db/model.h"
#include "wick/core/value.h"

#define WK_Q_MAX_DEPTH 8
#define WK_Q_MAX_BINDS 200   /* values in one query (an `in` list counts
                                each item) */

struct wk__q_annot;  /* src/db/internal.h */

/* A bound value and the column kind it is compared with. */
struct wk_qbind {
	struct wk_value v;
	enum wk_field_kind kind;
	int like;              /* 1: v is text for LIKE, escaped with '\' */
	const char *like_pre;  /* "%" or "" around it */
	const char *like_post;
};

struct wk_query {
	const struct wk_model *model;
	wk_arena *arena;
	int status;                  /* WK_DB_OK or the first error */
	wk_buf where;                /* WHERE clause SQL */
	wk_buf order;                /* ORDER BY list */
	wk_buf set;                  /* update: SET list */
	struct wk_qbind *binds;
	size_t nbinds, capbinds;
	int depth;                   /* open groups */
	unsigned char group_op[WK_Q_MAX_DEPTH + 1];    /* 'A' 'O' 'N' */
	unsigned char group_empty[WK_Q_MAX_DEPTH + 1];
	unsigned char group_neg[WK_Q_MAX_DEPTH + 1];   /* 1: under an odd
	                                number of NOTs (see "Negation") */
	long long limit, offset;     /* -1 = none */
	int limit_bind, offset_bind; /* bind numbers */
	uint64_t joins;              /* FK fields (by index) joined */
	uint64_t related;            /* FK fields whose rows are fetched */
	int qualify;                 /* statement being built joins */
	void *stmt;                  /* sqlite3_stmt while iterating */
	int cached;
	int rows;                    /* rows returned so far */
	/* Run by wk_q_list over the whole result (relations.h: prefetch);
	 * NULL = nothing. */
	int (*after_list)(struct wk_query *q, void **rows, size_t n);
	void *after_data;
	struct wk__q_annot *annot;   /* wk_q_annotate's, in order */
};

/* Aggregates for wk_q_aggregate. */
enum wk_agg {
	WK_AGG_COUNT,
	WK_AGG_SUM,
	WK_AGG_MIN,
	WK_AGG_MAX,
	WK_AGG_AVG,
	WK_AGG__MAX
};

/* WK_LIST(v1, v2...) - a list value for `in` and `range` (no allocation;
 * valid in the enclosing block). */
#define WK_LIST(...) wk_val_list(&(struct wk_list){ \
	(struct wk_value[]){ __VA_ARGS__ }, \
	sizeof((struct wk_value[]){ __VA_ARGS__ }) / sizeof(struct wk_value), \
	sizeof((struct wk_value[]){ __VA_ARGS__ }) / sizeof(struct wk_value) })

/* ---- building a query (each returns q->status) ---------------------------------- */

/* wk_q_init - a query over every row of m; memory from a. */
void wk_q_init(struct wk_query *q, wk_arena *a, const struct wk_model *m);

/* wk_q_filter - AND (in the current group) the condition lookup = v. */
int wk_q_filter(struct wk_query *q, const char *lookup, struct wk_value v);

/* wk_q_exclude - add NOT (lookup = v): every row wk_q_filter would not
 * match, the NULL ones included (see "Negation" above). */
int wk_q_exclude(struct wk_query *q, const char *lookup, struct wk_value v);

/* wk_q_or / wk_q_and / wk_q_not - open a group; wk_q_end closes it.
 * An empty group is true (AND, OR) - like Q() in Django. */
int wk_q_or(struct wk_query *q);
int wk_q_and(struct wk_query *q);
int wk_q_not(struct wk_query *q);
int wk_q_end(struct wk_query *q);

/*
 * wk_q_order_by - append orderings: "created", "-created" (descending),
 * several separated by commas ("-published,title"), FK paths
 * ("post__created").  Unknown names are WK_DB_INVALID.
 */
int wk_q_order_by(struct wk_query *q, const char *names);

/* wk_q_limit - at most limit rows (-1: no limit) after skipping offset. */
int wk_q_limit(struct wk_query *q, long long limit, long long offset);

/* wk_q_select_related - also fetch the row the FK field points at, into
 * row->FIELD_obj (NULL when the link is NULL). */
int wk_q_select_related(struct wk_query *q, const char *fk_field);

/* ---- running it -------------------------------------------------------------- */

/*
 * wk_q_next - the next row into *row (arena memory).  Returns WK_DB_ROW,
 * WK_DB_DONE at the end (the statement is then released), or an error.
 */
int wk_q_next(struct wk_query *q, void **row);

/* wk_q_close - release the statement (safe to call twice, or unrun). */
void wk_q_close(struct wk_query *q);

/*
 * wk_q_list - every row into an arena array *rows of *n pointers, with
 * the relations asked for by wk_q_prefetch_related (relations.h) fetched
 * for them all.  WK_DB_OK or an error.
 */
int wk_q_list(struct wk_query *q, void ***rows, size_t *n);

/* wk_q_get - exactly one row: WK_DB_OK, WK_DB_NOT_FOUND or WK_DB_MULTIPLE. */
int wk_q_get(struct wk_query *q, void **row);

/* wk_q_count - the number of matching rows (limit/offset honoured). */
int wk_q_count(struct wk_query *q, long long *n);

/* wk_q_exists - *yes = 1 if any row matches. */
int wk_q_exists(struct wk_query *q, int *yes);

/*
 * wk_q_aggregate - COUNT/SUM/MIN/MAX/AVG of field over the matching rows
 * (COUNT counts non-NULL values).  *out is an integer, real, text (MIN/MAX
 * of text) or null (no rows) value; text is arena memory.
 */
int wk_q_aggregate(struct wk_query *q, enum wk_agg agg, const char *field,
    struct wk_value *out);

/* wk_q_set - for wk_q_update: set field to v. */
int wk_q_set(struct wk_query *q, const char *field, struct wk_value v);

/* wk_q_update - UPDATE the matching rows with the wk_q_set values; *n
 * (may be NULL) receives how many changed.  Filters on FK paths are not
 * allowed here (WK_DB_INVALID); ordering and limits are ignored. */
int wk_q_update(struct wk_query *q, long long *n);

/* wk_q_delete - DELETE the matching rows (FK rules apply: CASCADE,
 * PROTECT -> WK_DB_CONSTRAINT, SET NULL).  *n may be NULL. */
int wk_q_delete(struct wk_query *q, long long *n);

/* ---- one object ------------------------------------------------------------------ */

/*
 * wk_orm_create - validate obj (wk_model_validate) and INSERT it; sets its
 * id.  WK_DB_INVALID when validation fails (details in wk_db_last_error),
 * WK_DB_CONSTRAINT for unique/foreign-key violations.
 */
int wk_orm_create(const struct wk_model *m, void *obj);

/* wk_orm_save - validate and UPDATE every field of obj by its id.
 * WK_DB_NOT_FOUND if no such row. */
int wk_orm_save(const struct wk_model *m, const void *obj);

/* wk_orm_get - the row with primary key id into *row (arena a).  For a
 * model with a text or UUID key use wk_orm_get_pk (pk.h). */
int wk_orm_get(wk_arena *a, const struct wk_model *m, long long id,
    void **row);

/* wk_orm_delete - delete the row with primary key id (NOT_FOUND if none). */
int wk_orm_delete(const struct wk_model *m, long long id);

/*
 * wk_orm_value - obj as a template value: {{ post.title }} reads the field
 * through the metadata; an FK gives the related row when it was fetched,
 * else its id.  "pk" is the id.  Allocates a small wrapper in a.
 */
struct wk_value wk_orm_value(wk_arena *a, const struct wk_model *m,
    const void *obj);

/* wk_orm_field_value - field f of obj as a value (text not copied). */
struct wk_value wk_orm_field_value(const struct wk_model *m,
    const struct wk_field *f, const void *obj);

/* ---- raw SQL ---------------------------------------------------------------- */

/*
 * The escape hatch: SQL written by the programmer, values bound.  The SQL
 * must be a string LITERAL - the macro pastes "" around it, so a variable
 * (and with it any string built from input) does not compile.  Use ?
 * placeholders for every value.
 *
 *   struct wk_raw r;
 *   struct wk_value args[] = { wk_val_int(id) };
 *   st = wk_raw(&r, req->arena, "SELECT count(*) FROM blog_comment "
 *       "WHERE post = ?", args, 1);
 *   while ((st = wk_raw_next(&r)) == WK_DB_ROW)
 *       n = wk_raw_col(&r, 0).u.i;
 *   wk_raw_close(&r);
 */
struct wk_raw {
	wk_arena *arena;
	void *stmt;
	int cached;
	int status;
	int rows;
	int ncols;
};

#define wk_raw(r, a, sql, vals, n) wk_raw_start_((r), (a), "" sql "", \
	(vals), (n))

/* Do not call directly: use the wk_raw macro. */
int wk_raw_start_(struct wk_raw *r, wk_arena *a, const char *sql,
    const struct wk_value *vals, size_t n);

/* wk_raw_next - WK_DB_ROW, WK_DB_DONE or an error (releases at the end). */
int wk_raw_next(struct wk_raw *r);

/* wk_raw_col - column i of the current row: int, real, text (arena copy;
 * blobs too, as bytes), or null. */
struct wk_value wk_raw_col(struct wk_raw *r, int i);

/* wk_raw_close - release the statement. */
void wk_raw_close(struct wk_raw *r);

/*
 * wk_raw_exec - run a raw statement with no result rows (a write).  *changes
 * (may be NULL) receives the changed row count.  Same literal rule.
 */
#define wk_raw_exec(a, sql, vals, n, changes) \
	wk_raw_exec_((a), "" sql "", (vals), (n), (changes))
int wk_raw_exec_(wk_arena *a, const char *sql, const struct wk_value *vals,
    size_t n, long long *changes);

#endif /* WICK_ORM_H */
