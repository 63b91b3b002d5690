/*
 * internal.h - what db.c shares with orm.c and migrate.c and nobody else:
 * the raw connection, the statement cache and SQLite's result codes turned
 * into Wick's error classes.  Public code goes through db.h / orm.h.
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

#endif /* WICK_DB_INT_H */
