/*
 * db.h - the SQLite connection: opened lazily, tuned for many short-lived
 * writers, with transactions that nest and errors sorted into classes.
 *
 * A Wick process serves one request, so it holds at most one connection,
 * kept in this module.  Nothing is opened until a query runs: a view that
 * never touches the database (/hello) costs no open(2), no schema parse.
 * On first use the connection is opened READ-WRITE ONLY - a request never
 * creates a database; only `APP migrate` may (wk_db_allow_create) - and set
 * up once:
 *
 *   journal_mode=WAL    readers never block the writer (stored in the
 *                       file: `migrate` sets it when it creates or
 *                       upgrades the database)
 *   synchronous=NORMAL  durable at checkpoints, no fsync per commit
 *                       (compiled in as the WAL default in production;
 *                       set by PRAGMA when SQLite was built otherwise)
 *   foreign_keys=ON     ON DELETE CASCADE / PROTECT / SET NULL work
 *                       (sqlite3_db_config: no SQL to parse)
 *   busy handler        SQLITE_BUSY is retried with a jittered, bounded
 *                       exponential backoff for up to
 *                       settings.db_busy_timeout_ms (default 5000) per
 *                       statement in all: the handler and the
 *                       statement's own retries share that one clock
 *
 * then the schema version is compared with the migrations compiled into
 * the binary (migrate.h): a database that is behind gives
 * WK_DB_NEEDS_MIGRATION, or is migrated on the spot when the auto_migrate
 * setting is on.  (migrate.c registers that check as an open check, see
 * src/db/internal.h: migrate depends on this module, never the reverse.)
 *
 * Statements are prepared once per process and cached by their SQL text
 * (a plain prepare: a CGI process lives for one request, so SQLite's
 * long-lived-statement hint would not pay); the ORM binds every value.
 *
 * Where the database lives: settings.database; when that is NULL,
 * $HOME/.local/share/wick/APP.sqlite3, with HOME taken from the password
 * database (getpwuid(geteuid())) when the environment has none, as under
 * Apache.  That is outside any web root; `APP check` warns otherwise.
 * Parent directories are created only by `migrate`.  (If no one called
 * wk_db_configure, the first open reads $WICK_CONFIG itself and names the
 * default file after the program: blog.cgi -> blog.)
 *
 * Errors are one enum (wk_db_status).  Each class maps to an HTTP answer
 * with wk_db_respond() (http/app.h: the HTTP layer answers, this layer
 * knows nothing of requests): a missing, unwritable, full or corrupt database, one
 * that needs migrating or stays locked past the timeout all give 503 with
 * Retry-After and one log line with the details - never SQLite's text to
 * the client.
 */
#ifndef WICK_DB_H
#define WICK_DB_H

#include <stddef.h>

struct wk_settings;

enum wk_db_status {
	WK_DB_OK = 0,
	WK_DB_ROW,              /* iteration: a row is ready */
	WK_DB_DONE,             /* iteration: no more rows */
	WK_DB_NOT_FOUND,        /* get: no row matched (-> 404) */
	WK_DB_MULTIPLE,         /* get: more than one row matched */
	WK_DB_INVALID,          /* unknown field or lookup, bad value (-> 400) */
	WK_DB_CONSTRAINT,       /* unique / not null / foreign key (-> 400) */
	WK_DB_BUSY,             /* still locked after the timeout (-> 503) */
	WK_DB_MISSING,          /* the database file does not exist (-> 503) */
	WK_DB_READONLY,         /* file or directory not writable (-> 503) */
	WK_DB_FULL,             /* disk or quota full (-> 503) */
	WK_DB_CORRUPT,          /* not a database, or damaged (-> 503) */
	WK_DB_NEEDS_MIGRATION,  /* schema behind the binary (-> 503) */
	WK_DB_NOMEM,            /* allocation failed (-> 500) */
	WK_DB_ERROR,            /* anything else, incl. misuse (-> 500) */
	WK_DB__MAX
};

/* Default for settings.db_busy_timeout_ms when it is 0. */
#define WK_DB_DEFAULT_BUSY_MS 5000

/*
 * wk_db_configure - remember where the database is and how to treat it:
 * settings.database (NULL = the default path above), db_busy_timeout_ms and
 * auto_migrate; app_name names the default file.  Copies what it needs;
 * opens nothing.  Call once at start (wk_main does); calling again closes
 * an open connection first.
 */
void wk_db_configure(const struct wk_settings *s, const char *app_name);

/*
 * wk_db_set_path - use path (":memory:" allowed) from now on; closes an open
 * connection.  For tests and tools.  0, or -1 if path is too long.
 */
int wk_db_set_path(const char *path);

/*
 * wk_db_path - the database path in use (the configured one, or the
 * default computed from HOME and the app name).  NULL if none can be built.
 * The string is static: valid until the next configure.
 */
const char *wk_db_path(void);

/*
 * wk_db_allow_create - let the next open create the file (and its parent
 * directories, mode 0700) when missing, and skip the schema check.  Only
 * the migrate command calls this; requests never do.
 */
void wk_db_allow_create(int allow);

/*
 * wk_db_connect - open the connection now if it is not open (normally the
 * first query does it).  Returns WK_DB_OK or the error class; a failed open
 * is remembered, so later queries fail fast with the same class.
 */
int wk_db_connect(void);

/*
 * wk_db_close - finalize cached statements and close the connection; the
 * next query opens it again.  An atomic block still open is rolled back.
 */
void wk_db_close(void);

/*
 * wk_db_forget - after fork(): drop the inherited connection WITHOUT
 * closing it (closing would touch the parent's locks and WAL).  The child
 * then opens its own.
 */
void wk_db_forget(void);

/*
 * wk_db_request_done - between two requests of one process (FastCGI):
 * roll back an atomic block a failed view left open, hand back cached
 * statements it left in use (reset, bindings cleared) and clear the last
 * error, so nothing of one request reaches the next.  The connection, its
 * prepared statements and the schema stay.  Cheap when nothing is left.
 */
void wk_db_request_done(void);

/*
 * wk_db_is_open - 1 if a connection is open (tests: /hello must leave it 0).
 */
int wk_db_is_open(void);

/* ---- transactions ------------------------------------------------------------ */

/*
 * wk_db_begin - start an atomic block.  The outermost one is
 * BEGIN IMMEDIATE: the write lock is taken now, so concurrent writers queue
 * in the busy handler instead of failing half-way.  Nested blocks are
 * SAVEPOINTs.  Returns WK_DB_OK or an error class (e.g. WK_DB_BUSY).
 */
int wk_db_begin(void);

/* wk_db_commit - end the innermost block, keeping its changes.  On error
 * the block is rolled back and the error class returned. */
int wk_db_commit(void);

/* wk_db_rollback - end the innermost block, undoing its changes. */
int wk_db_rollback(void);

/* wk_db_depth - how many atomic blocks are open (0 = autocommit). */
int wk_db_depth(void);

/*
 * wk_db_atomic - run fn(ctx) inside an atomic block: committed when fn
 * returns WK_DB_OK, rolled back otherwise.  Returns fn's status, or the
 * begin/commit error.
 *
 *   static int move(void *ctx) { ... return wk_orm_save(...); }
 *   st = wk_db_atomic(move, &args);
 */
int wk_db_atomic(int (*fn)(void *ctx), void *ctx);

/* ---- errors -------------------------------------------------------------------- */

/* wk_db_status_name - "not found", "database is missing"... (static). */
const char *wk_db_status_name(int status);

/*
 * wk_db_http_status - the HTTP status for a status: 200 for OK/ROW/DONE,
 * 404 NOT_FOUND, 400 INVALID and CONSTRAINT, 503 for BUSY, MISSING,
 * READONLY, FULL, CORRUPT and NEEDS_MIGRATION, 500 otherwise (MULTIPLE,
 * NOMEM, ERROR: bugs, not bad input).
 */
int wk_db_http_status(int status);

/*
 * wk_db_last_error - details of the last error (class, SQLite's message,
 * path) for logs; "" if none.  Static storage, overwritten by the next one.
 */
const char *wk_db_last_error(void);

/*
 * wk_db_now - the current UTC time as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" in
 * out (at least 21 bytes), the format of DATETIME fields.  0 or -1.
 */
int wk_db_now(char *out, size_t outlen);

#endif /* WICK_DB_H */
