/*
 * internal.h - what the files of src/db/ share and nobody else: from db.c
 * the raw connection, the statement cache and SQLite's result codes turned
 * into Wick's error classes; between the ORM's files (query.c builds the
 * SQL, orm.c runs it, aggregate.c and raw.c) the pieces of a query.
 * Public code goes through db.h / orm.h.
 */
#ifndef WICK_DB_INT_H
#define WICK_DB_INT_H

#include <stddef.h>
#include <sqlite3.h>

/*
 * wk__db_handle - the open connection (opening it if needed) in *h.
 * WK_DB_OK or the error class.
 */
int wk__db_handle(sqlite3 **h);

/*
 * wk__db_prepare - a statement for sql (len bytes), from the per-process
 * cache when possible.  *cached tells wk__db_release what to do.
 * WK_DB_OK or the error class (an SQL error is WK_DB_ERROR: a bug).
 */
int wk__db_prepare(const char *sql, size_t len, sqlite3_stmt **st,
    int *cached);

/* wk__db_release - reset and unbind (cached) or finalize st.  NULL is ok. */
void wk__db_release(sqlite3_stmt *st, int cached);

/*
 * wk__db_step - sqlite3_step with the bounded retry on SQLITE_BUSY that the
 * busy handler cannot cover.  first: no row has been returned yet, so the
 * statement may be reset and run again.  Returns WK_DB_ROW, WK_DB_DONE or
 * the error class (details recorded for wk_db_last_error).
 */
int wk__db_step(sqlite3_stmt *st, int first);

/* wk__db_exec - run constant SQL with no rows (several statements ok). */
int wk__db_exec(const char *sql);

/*
 * wk__db_fail - record rc (an SQLite result code) with SQLite's message
 * and context, return its class.
 */
int wk__db_fail(int rc, const char *context);

/* wk__db_fail_msg - record a Wick-side error (no SQLite code). */
int wk__db_fail_msg(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* wk__db_changes - rows changed by the last statement. */
long long wk__db_changes(void);

/* wk__db_last_id - rowid of the last insert. */
long long wk__db_last_id(void);

/*
 * wk__db_auto_migrate - auto_migrate setting (db.c stores it, migrate.c
 * reads it when the schema check finds pending steps).
 */
int wk__db_auto_migrate(void);

/*
 * Checks run on the connection each time it opens in request mode (not
 * while migrate may create): each returns WK_DB_OK, or the status that
 * fails the open (the connection is then closed again).  A module above
 * db.c registers one with WK__DB_OPEN_CHECK; db.c finds them through the
 * linker's section bounds, as migrate.c finds schemas, so it calls into
 * no module above it.  migrate.c registers the schema check (pending
 * steps -> WK_DB_NEEDS_MIGRATION, or applied with auto_migrate); it is
 * linked into every app that has schemas, through its `migrate` command.
 */
typedef int (*wk__db_open_check)(sqlite3 *h);
#define WK__DB_OPEN_CHECK(fn) \
	static const wk__db_open_check wk__db_open_check_ptr_##fn \
	__attribute__((used, section("wk_db_open_checks"))) = (fn);

/* ---- the ORM's files: query.c, orm.c, aggregate.c, raw.c ---------------- */

#include <stdint.h>

#include "wick/core/buf.h"
#include "wick/db/orm.h"

/* The longest field path a caller may name ("author__username__lt"). */
#define WK__Q_MAX_NAME 256

/* A resolved name: which table alias (-1 = "t") and which field. */
struct wk__q_col {
	int join;                       /* FK field index, or -1 */
	const struct wk_field *f;
};

/* wk__q_num - append a small non-negative number (bind numbers, aliases):
 * printf is slow, and this runs for every placeholder of every query. */
static inline void
wk__q_num(wk_buf *b, size_t n)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	wk_buf_append(b, tmp + i, sizeof(tmp) - i);
}

/* wk__q_param - append the placeholder "?N". */
static inline void
wk__q_param(wk_buf *b, int n)
{
	wk_buf_putc(b, '?');
	wk__q_num(b, (size_t)n);
}

/* wk__q_ident - append "name", a name from model metadata (never input). */
static inline void
wk__q_ident(wk_buf *b, const char *name)
{
	wk_buf_putc(b, '"');
	wk_buf_puts(b, name);
	wk_buf_putc(b, '"');
}

/*
 * Implemented in query.c.
 *
 * wk__q_fail - make status q's sticky error (the first one wins) and record
 * "what 'name'" for wk_db_last_error (name may be NULL; it is shown, at
 * most 80 bytes of it, never run).  Returns q->status.
 */
int wk__q_fail(struct wk_query *q, int status, const char *what,
    const char *name);

/*
 * wk__q_resolve - find "field" or "fk__field" (len bytes) in q's model
 * into *c, marking the join as used.  0, or -1 when no such field.
 */
int wk__q_resolve(struct wk_query *q, const char *name, size_t len,
    struct wk__q_col *c);

/* wk__q_colsql_final - append column c as the statement being assembled
 * names it ("t." only when it joins: q->qualify). */
void wk__q_colsql_final(const struct wk_query *q, wk_buf *b,
    const struct wk__q_col *c);

/* wk__q_from - append " FROM ... [LEFT JOIN ...] [WHERE ...]" with the
 * joins given; sets q->qualify. */
void wk__q_from(struct wk_query *q, wk_buf *b, uint64_t joins);

/* wk__q_tail - append " [ORDER BY ...] [LIMIT ?n [OFFSET ?m]]"; the
 * ordering only when with_order. */
void wk__q_tail(struct wk_query *q, wk_buf *b, int with_order);

/* wk__q_select_sql - append the whole SELECT of q: every column of the
 * model and of the select_related models, FROM, WHERE, ORDER BY, LIMIT. */
void wk__q_select_sql(struct wk_query *q, wk_buf *b);

/* wk__q_write_where - append the WHERE of an UPDATE or DELETE of what q
 * matches: direct, or through the ids when q needs joins. */
void wk__q_write_where(struct wk_query *q, wk_buf *b);

/*
 * Also in query.c, for expr.c (F expressions):
 *
 * wk__q_bind - add v as the next bound value, compared with a column of
 * kind; its number (1-based), or 0 with q failed.
 * wk__q_norm - v made to fit kind (strict conversions); 0 or -1.
 * wk__q_connect - the AND / OR of the current group before a condition.
 * wk__q_colsql - append column c as conditions and orderings write it
 * (resolved to "t." or nothing when the statement is assembled).
 */
int wk__q_bind(struct wk_query *q, struct wk_value v, enum wk_field_kind kind);
int wk__q_norm(enum wk_field_kind k, struct wk_value v, struct wk_value *out);
void wk__q_connect(struct wk_query *q);
void wk__q_colsql(const struct wk_query *q, wk_buf *b,
    const struct wk__q_col *c);

/*
 * Implemented in orm.c.
 *
 * wk__q_prepare - prepare b's SQL (through the statement cache) and bind
 * every value of q the statement uses into *st; *cached is for
 * wk__db_release.  WK_DB_OK, or q's sticky error, or the error class
 * (nothing to release then).
 */
int wk__q_prepare(struct wk_query *q, wk_buf *b, sqlite3_stmt **st,
    int *cached);

/* wk__q_bind_value - bind v at position i (text, or a blob when kind is
 * WK_FIELD_BLOB); an SQLite result code. */
int wk__q_bind_value(sqlite3_stmt *st, int i, const struct wk_value *v,
    enum wk_field_kind kind);

/* wk__q_write_begin - a write joins the caller's atomic block, or opens
 * its own (*own = 1); WK_DB_OK or the error class. */
int wk__q_write_begin(int *own);

/* wk__q_write_end - commit the block begun with *own set when s is
 * WK_DB_OK, roll it back otherwise keeping s's message; returns s or the
 * commit's error. */
int wk__q_write_end(int own, int s);

/* Also in orm.c, for bulk.c: wk__q_bind_field - bind field f of obj at
 * position i (NULL, number, text or blob as the field says); an SQLite
 * result code. */
int wk__q_bind_field(sqlite3_stmt *st, int i, const struct wk_model *m,
    const struct wk_field *f, const void *obj);

/* ---- relations: related.c, for query.c, relations.c and migrate.c ---------- */

/* The longest join-table column name, with its NUL. */
#define WK__REL_COL 80

/*
 * A relation followed from model `self` by name: one of self's M2M fields
 * (m2m set, self is its `from`), an M2M of another model pointing at self
 * (m2m set, self is its `to`: a reverse name), or a foreign key of another
 * model pointing at self (fk set: a reverse FK, whose rows are `other`'s
 * and whose table is other's own).
 */
struct wk__rel {
	const struct wk_m2m *m2m;       /* or NULL */
	const struct wk_field *fk;      /* reverse FK: other's field, or NULL */
	const struct wk_model *self;
	const struct wk_model *other;   /* the rows at the far end */
	const char *table;              /* join table, or other's (FK) */
	char self_col[WK__REL_COL];     /* column naming self's id */
	char other_col[WK__REL_COL];    /* M2M: column naming other's id */
};

/*
 * wk__rel_find - the relation called name (len bytes) from m: its own M2M
 * field, else a reverse name (an M2M's related_name, else the declaring
 * model's name; then an FK's likewise) among the models in the binary.
 * 0, or -1 when there is none (or its join table cannot be named).
 */
int wk__rel_find(const struct wk_model *m, const char *name, size_t len,
    struct wk__rel *r);

/* wk__m2m_columns - the join table's column naming d->from's id and the
 * one naming d->to's id (model.h, struct wk_m2m), n bytes each; 0, or -1
 * (a .through model without the two foreign keys, or names too long). */
int wk__m2m_columns(const struct wk_m2m *d, char *from_col, char *to_col,
    size_t n);

/* wk__m2m_table - the join table of d: its .through model's, or its own. */
const char *wk__m2m_table(const struct wk_m2m *d);

/*
 * In query.c: wk__q_filter_rel - AND (in the current group) "there is a
 * row across r for which rest = v" (rest: "title__icontains", "" for the
 * other model's key), as a correlated EXISTS, so that several matching
 * related rows never repeat a row.  Returns q->status.
 */
int wk__q_filter_rel(struct wk_query *q, const struct wk__rel *r,
    const char *rest, struct wk_value v);

/*
 * An annotation (aggregate.c: wk_q_annotate): a computed column that
 * lookups, orderings and the select list name like a field.  f comes
 * first: a struct wk__q_col with join WK__Q_JOIN_ANNOT points at it.
 * sql is the correlated subquery, with the base-table markers of
 * conditions (query.c), resolved when the statement is assembled.
 */
struct wk__q_annot {
	struct wk_field f;              /* name = the alias; kind of the value */
	const struct wk_model *model;   /* the query's model */
	char *sql;
	size_t len;
	struct wk__q_annot *next;
};
#define WK__Q_JOIN_ANNOT (-3)

/* In aggregate.c: the SQL name of agg ("count", "sum"...), or NULL. */
const char *wk__q_agg_name(enum wk_agg agg);

/* The joins bit that says "the WHERE has a subquery naming the outer
 * table": the statement then qualifies its columns ("t."), as with a
 * JOIN, but joins nothing (fields use bits 0..62). */
#define WK__Q_SUBQUERY ((uint64_t)1 << 63)

/*
 * In uuid.c, for models with a UUID key (orm.c and bulk.c call it only
 * when wk_model_text_pk(m)): wk__pk_make - give obj a fresh v4 UUID key
 * when its UUID key is NULL or "" (memory of the process's own, 37 bytes);
 * WK_DB_OK also when there is nothing to make.
 */
int wk__pk_make(const struct wk_model *m, void *obj);

#endif /* WICK_DB_INT_H */
