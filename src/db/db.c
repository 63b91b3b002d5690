/*
 * db.c - the process's one SQLite connection (see db.h).
 *
 * Everything about talking to SQLite that is not query building lives
 * here: where the file is, opening it lazily and never creating it from a
 * request, the PRAGMAs, the busy handler with jittered backoff, the
 * statement cache, transactions and savepoints, and the sorting of
 * SQLite's result codes into the few classes a view can act on.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/core/settings.h"
#include "internal.h"

#define DB_CACHE_SLOTS 64      /* statements kept per process */
#define DB_MAX_DEPTH 32        /* nested atomic blocks */
#define DB_BACKOFF_MAX_MS 64   /* longest single sleep while busy */

struct db_stmt {
	uint32_t hash;
	size_t len;
	char *sql;             /* malloc'd: lives as long as the process */
	sqlite3_stmt *st;
	int in_use;
};

static struct {
	sqlite3 *h;
	int open_status;       /* sticky failure of the last open */
	int allow_create;
	int auto_migrate;
	int busy_ms;
	int depth;
	int have_path;         /* path[] set by configure/set_path */
	int configured;        /* configure or set_path was called */
	char app[64];
	char path[PATH_MAX];
	uint64_t busy_start_ms; /* when the current wait began */
	int busy_retry;         /* wk__db_step is retrying a statement */
	uint32_t rnd;
	struct db_stmt cache[DB_CACHE_SLOTS];
	char last_error[768];
} db = { .busy_ms = WK_DB_DEFAULT_BUSY_MS, .app = "wick" };

static const char *const db_status_names[WK_DB__MAX] = {
	[WK_DB_OK] = "ok",
	[WK_DB_ROW] = "row",
	[WK_DB_DONE] = "done",
	[WK_DB_NOT_FOUND] = "not found",
	[WK_DB_MULTIPLE] = "more than one row matched",
	[WK_DB_INVALID] = "invalid query or value",
	[WK_DB_CONSTRAINT] = "constraint violated",
	[WK_DB_BUSY] = "database is busy",
	[WK_DB_MISSING] = "database is missing",
	[WK_DB_READONLY] = "database is not writable",
	[WK_DB_FULL] = "disk is full",
	[WK_DB_CORRUPT] = "database is corrupt",
	[WK_DB_NEEDS_MIGRATION] = "database needs migrating",
	[WK_DB_NOMEM] = "out of memory",
	[WK_DB_ERROR] = "database error",
};

/* ---- small helpers ------------------------------------------------------------ */

static uint64_t
db_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
db_sleep_ms(unsigned ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* xorshift32: jitter only, no secrets. */
static uint32_t
db_random(void)
{
	uint32_t x = db.rnd;

	if (x == 0)
		x = (uint32_t)getpid() * 2654435761u ^ (uint32_t)db_now_ms();
	if (x == 0)
		x = 1;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	db.rnd = x;
	return x;
}

/* The n-th wait: 1, 2, 4 ... 64 ms, jittered to 50-150%. */
static unsigned
db_backoff_ms(int n)
{
	unsigned base = 1u << (n < 6 ? n : 6);

	if (base > DB_BACKOFF_MAX_MS)
		base = DB_BACKOFF_MAX_MS;
	return base / 2 + db_random() % (base + 1);
}

/* A hash of the SQL text for the statement cache, eight bytes a step
 * (the cache compares the text too, so collisions cost only time). */
static uint32_t
db_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 1099511628211ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (uint32_t)(h ^ (h >> 32));
}

/* Equal SQL texts of n bytes?  Word by word: musl's memcmp goes byte by
 * byte, and this runs on every query. */
static int
db_same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	return memcmp(a + i, b + i, n - i) == 0;
}

/* ---- errors -------------------------------------------------------------------- */

static int
db_class(int rc, const char *msg)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return WK_DB_OK;
	case SQLITE_ROW:
		return WK_DB_ROW;
	case SQLITE_DONE:
		return WK_DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	/* SQLite gave up on the WAL read lock after ~10 s of retries: lock
	 * contention, worth another try later, like a busy database. */
	case SQLITE_PROTOCOL:
		return WK_DB_BUSY;
	case SQLITE_CONSTRAINT:
		return WK_DB_CONSTRAINT;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:  /* after open: -wal/-shm cannot be made */
		return WK_DB_READONLY;
	case SQLITE_FULL:
		return WK_DB_FULL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return WK_DB_CORRUPT;
	case SQLITE_NOMEM:
		return WK_DB_NOMEM;
	case SQLITE_IOERR:
		if (rc == SQLITE_IOERR_SHMOPEN || rc == SQLITE_IOERR_SHMSIZE ||
		    rc == SQLITE_IOERR_ACCESS)
			return WK_DB_READONLY;
		return WK_DB_ERROR;
	case SQLITE_ERROR:
		if (msg != NULL && (strncmp(msg, "no such table", 13) == 0 ||
		    strncmp(msg, "no such column", 14) == 0))
			return WK_DB_NEEDS_MIGRATION;
		return WK_DB_ERROR;
	default:
		return WK_DB_ERROR;
	}
}

/* see internal.h */
int
wk__db_fail(int rc, const char *context)
{
	const char *msg = db.h != NULL ? sqlite3_errmsg(db.h) :
	    sqlite3_errstr(rc);
	int st = db_class(rc, msg);
	int n;

	n = snprintf(db.last_error, sizeof(db.last_error),
	    "%s: %s (sqlite %d) in %s [%s]", db_status_names[st], msg, rc,
	    context != NULL ? context : "?", db.have_path ? db.path : "?");
	if (n < 0 || (size_t)n >= sizeof(db.last_error))
		memcpy(db.last_error + sizeof(db.last_error) - 4, "...", 4);
	return st;
}

/* see internal.h */
int
wk__db_fail_msg(int status, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(db.last_error, sizeof(db.last_error), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(db.last_error))
		memcpy(db.last_error + sizeof(db.last_error) - 4, "...", 4);
	return status;
}

/* see db.h */
const char *
wk_db_status_name(int status)
{
	if (status < 0 || status >= WK_DB__MAX)
		return "unknown";
	return db_status_names[status];
}

/* see db.h */
int
wk_db_http_status(int status)
{
	switch (status) {
	case WK_DB_OK:
	case WK_DB_ROW:
	case WK_DB_DONE:
		return 200;
	case WK_DB_NOT_FOUND:
		return 404;
	case WK_DB_INVALID:
	case WK_DB_CONSTRAINT:
		return 400;
	case WK_DB_BUSY:
	case WK_DB_MISSING:
	case WK_DB_READONLY:
	case WK_DB_FULL:
	case WK_DB_CORRUPT:
	case WK_DB_NEEDS_MIGRATION:
		return 503;
	default:
		return 500;
	}
}

/* see db.h */
const char *
wk_db_last_error(void)
{
	return db.last_error;
}

/* see db.h */
int
wk_db_now(char *out, size_t outlen)
{
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	if (strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

/* ---- configuration ------------------------------------------------------------- */

static int
db_copy(char *dst, size_t dstlen, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstlen)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* see db.h */
void
wk_db_configure(const struct wk_settings *s, const char *app_name)
{
	/* A write first: the first touch of this page of .data then costs one
	 * page fault (a private copy), where a read would cost two (the file's
	 * page, then the copy).  Every request passes here. */
	db.configured = 1;
	wk_db_close();
	db.have_path = 0;
	db.open_status = WK_DB_OK;
	if (app_name != NULL && app_name[0] != '\0' &&
	    db_copy(db.app, sizeof(db.app), app_name) != 0)
		(void)db_copy(db.app, sizeof(db.app), "wick");
	if (s == NULL)
		return;
	db.busy_ms = s->db_busy_timeout_ms > 0 ? s->db_busy_timeout_ms :
	    WK_DB_DEFAULT_BUSY_MS;
	db.auto_migrate = s->auto_migrate;
	if (s->database != NULL && s->database[0] != '\0' &&
	    db_copy(db.path, sizeof(db.path), s->database) == 0)
		db.have_path = 1;
}

/* see db.h */
int
wk_db_set_path(const char *path)
{
	wk_db_close();
	db.open_status = WK_DB_OK;
	db.have_path = 0;
	db.configured = 1;
	if (path == NULL || db_copy(db.path, sizeof(db.path), path) != 0)
		return -1;
	db.have_path = 1;
	return 0;
}

/* see db.h */
const char *
wk_db_path(void)
{
	const char *home;
	struct passwd *pw;
	int n;

	if (db.have_path)
		return db.path;
	home = getenv("HOME");
	if (home == NULL || home[0] != '/') {
		pw = getpwuid(geteuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] != '/')
		return NULL;
	n = snprintf(db.path, sizeof(db.path),
	    "%s/.local/share/wick/%s.sqlite3", home, db.app);
	if (n < 0 || (size_t)n >= sizeof(db.path))
		return NULL;
	db.have_path = 1;
	return db.path;
}

/* see db.h */
void
wk_db_allow_create(int allow)
{
	db.allow_create = allow;
	db.open_status = WK_DB_OK;
}

/* see internal.h */
int
wk__db_auto_migrate(void)
{
	return db.auto_migrate;
}

/* ---- opening --------------------------------------------------------------------- */

/* mkdir -p for the directories above path (migrate only). */
static int
db_make_parents(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	if (db_copy(tmp, sizeof(tmp), path) != 0)
		return -1;
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int
db_busy_handler(void *ctx, int count)
{
	uint64_t now = db_now_ms(), waited;

	(void)ctx;
	/* One wait per statement: when wk__db_step retries a statement the
	 * handler gave up on, the clock it started keeps running. */
	if (count == 0 && !db.busy_retry)
		db.busy_start_ms = now;
	waited = now - db.busy_start_ms;
	if (waited >= (uint64_t)db.busy_ms)
		return 0;
	{
		unsigned ms = db_backoff_ms(count);
		if (ms > db.busy_ms - waited)
			ms = (unsigned)(db.busy_ms - waited);
		db_sleep_ms(ms ? ms : 1);
	}
	return 1;
}

/*
 * Per-connection settings, paid on every request that touches the
 * database, so done without parsing SQL where SQLite allows it:
 *  - foreign_keys=ON through sqlite3_db_config;
 *  - synchronous=NORMAL: the production build compiles it in as the WAL
 *    default (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1), so the PRAGMA runs only
 *    with an SQLite built otherwise (the test build's system library);
 *  - journal_mode=WAL is stored in the file: migrate sets it when it
 *    creates or upgrades the database, requests find it there;
 *  - a short WAL (DB_WAL_CHECKPOINT_PAGES): no process outlives its
 *    request, so every connection is the first to open the WAL index and
 *    SQLite recovers it by reading every valid frame of the log (~2,400
 *    instructions a frame).  With SQLite's default of 1,000 pages a busy
 *    site's reads would pay up to ~2.4M instructions each; checkpointing
 *    at 64 pages keeps the log, and that cost, small.
 */
#define DB_WAL_CHECKPOINT_PAGES 64

static int
db_setup(sqlite3 *h)
{
	static int wal_sync_default = -1;
	int on = 0, rc;

	rc = sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &on);
	if (rc != SQLITE_OK || !on)
		return rc != SQLITE_OK ? rc : SQLITE_ERROR;
	if (wal_sync_default < 0)
		wal_sync_default = sqlite3_compileoption_used(
		    "DEFAULT_WAL_SYNCHRONOUS=1");
	if (!wal_sync_default &&
	    (rc = sqlite3_exec(h, "PRAGMA synchronous=NORMAL", NULL, NULL,
	    NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_wal_autocheckpoint(h, DB_WAL_CHECKPOINT_PAGES)) !=
	    SQLITE_OK)
		return rc;
	if (db.allow_create)
		rc = sqlite3_exec(h, "PRAGMA journal_mode=WAL", NULL, NULL,
		    NULL);
	return rc;
}

/*
 * The open checks that other modules registered (internal.h); the linker
 * defines these bounds (weak: none registered, as in a binary without
 * migrate.c).
 */
extern const wk__db_open_check __start_wk_db_open_checks[]
    __attribute__((weak));
extern const wk__db_open_check __stop_wk_db_open_checks[]
    __attribute__((weak));

static int
db_open_checks(sqlite3 *h)
{
	const wk__db_open_check *p;
	int st;

	if (__start_wk_db_open_checks == NULL ||
	    __stop_wk_db_open_checks == NULL)
		return WK_DB_OK;
	for (p = __start_wk_db_open_checks; p < __stop_wk_db_open_checks; p++)
		if ((st = (*p)(h)) != WK_DB_OK)
			return st;
	return WK_DB_OK;
}

static int
db_open(void)
{
	const char *path = wk_db_path();
	int memory, flags, rc, st;
	struct stat sb;

	if (path == NULL)
		return wk__db_fail_msg(WK_DB_MISSING, "database is missing: no "
		    "path configured and no home directory to default to");
	memory = strcmp(path, ":memory:") == 0 || path[0] == '\0';
	flags = SQLITE_OPEN_READWRITE;
	if (db.allow_create) {
		flags |= SQLITE_OPEN_CREATE;
		if (!memory && db_make_parents(path) != 0)
			return wk__db_fail_msg(WK_DB_READONLY, "database is not "
			    "writable: cannot create the folder for %s: %s",
			    path, strerror(errno));
	} else if (!memory && stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return wk__db_fail_msg(WK_DB_MISSING, "database is "
			    "missing: %s does not exist; run the app's "
			    "`migrate` command to create it", path);
		return wk__db_fail_msg(WK_DB_READONLY, "database is not "
		    "accessible: %s: %s", path, strerror(errno));
	}
	rc = sqlite3_open_v2(path, &db.h, flags, NULL);
	if (rc != SQLITE_OK) {
		st = wk__db_fail(rc, "open");
		if ((rc & 0xff) == SQLITE_CANTOPEN && access(path, F_OK) != 0)
			st = WK_DB_MISSING;
		sqlite3_close(db.h);
		db.h = NULL;
		return st;
	}
	sqlite3_extended_result_codes(db.h, 1);
	sqlite3_busy_handler(db.h, db_busy_handler, NULL);
	rc = db_setup(db.h);
	if (rc != SQLITE_OK) {
		st = wk__db_fail(rc, "connection set-up");
		sqlite3_close(db.h);
		db.h = NULL;
		return st;
	}
	if (!db.allow_create && (st = db_open_checks(db.h)) != WK_DB_OK) {
		wk_db_close();
		return st;
	}
	return WK_DB_OK;
}

/*
 * Nobody called wk_db_configure (wk_main does): take the settings from
 * $WICK_CONFIG as wk_main would, and name the default file after the
 * program (blog.cgi -> blog).
 */
static void
db_autoconfigure(void)
{
	static wk_arena a;
	static struct wk_settings s;
	char err[256], name[64];
	const char *prog = program_invocation_short_name;
	size_t n = prog != NULL ? strcspn(prog, ".") : 0;

	if (n == 0 || n >= sizeof(name))
		n = 0;
	if (n > 0)
		memcpy(name, prog, n);
	name[n] = '\0';
	wk_arena_init(&a);
	if (wk_settings_load(&s, &a, err, sizeof(err)) != 0)
		wk_settings_defaults(&s);
	wk_db_configure(&s, n > 0 ? name : NULL);
}

/* see db.h */
int
wk_db_connect(void)
{
	if (db.h != NULL)
		return WK_DB_OK;
	if (!db.configured)
		db_autoconfigure();
	if (db.open_status != WK_DB_OK)
		return db.open_status;
	db.open_status = db_open();
	return db.open_status;
}

/* see internal.h */
int
wk__db_handle(sqlite3 **h)
{
	int st = wk_db_connect();

	*h = db.h;
	return st;
}

/* see db.h */
int
wk_db_is_open(void)
{
	return db.h != NULL;
}

static void
db_cache_clear(int finalize)
{
	size_t i;

	for (i = 0; i < DB_CACHE_SLOTS; i++) {
		struct db_stmt *e = &db.cache[i];
		if (e->sql == NULL)
			continue;
		if (finalize)
			sqlite3_finalize(e->st);
		free(e->sql);
		memset(e, 0, sizeof(*e));
	}
}

/* see db.h */
void
wk_db_close(void)
{
	if (db.h == NULL)
		return;
	if (db.depth > 0)
		(void)sqlite3_exec(db.h, "ROLLBACK", NULL, NULL, NULL);
	db.depth = 0;
	db_cache_clear(1);
	sqlite3_close(db.h);
	db.h = NULL;
}

/* see db.h */
void
wk_db_request_done(void)
{
	size_t i;

	db.last_error[0] = '\0';
	if (db.h == NULL)
		return;
	if (db.depth > 0)
		(void)sqlite3_exec(db.h, "ROLLBACK", NULL, NULL, NULL);
	db.depth = 0;
	for (i = 0; i < DB_CACHE_SLOTS; i++) {
		struct db_stmt *e = &db.cache[i];
		if (e->st != NULL && e->in_use) {
			sqlite3_reset(e->st);
			sqlite3_clear_bindings(e->st);
			e->in_use = 0;
		}
	}
}

/* see db.h */
void
wk_db_forget(void)
{
	db.h = NULL;
	db.depth = 0;
	db.open_status = WK_DB_OK;
	db_cache_clear(0);
}

/* ---- statements ------------------------------------------------------------------ */

/* see internal.h */
int
wk__db_prepare(const char *sql, size_t len, sqlite3_stmt **st, int *cached)
{
	uint32_t hash = db_hash(sql, len);
	struct db_stmt *free_slot = NULL;
	sqlite3 *h;
	size_t i;
	int rc, s;

	*st = NULL;
	*cached = 0;
	if ((s = wk__db_handle(&h)) != WK_DB_OK)
		return s;
	for (i = 0; i < DB_CACHE_SLOTS; i++) {
		struct db_stmt *e = &db.cache[(hash + i) % DB_CACHE_SLOTS];
		if (e->sql == NULL) {
			free_slot = e;
			break;
		}
		if (e->hash == hash && e->len == len &&
		    db_same(e->sql, sql, len)) {
			if (e->in_use)
				break;  /* re-entered: use a private copy */
			e->in_use = 1;
			*st = e->st;
			*cached = (int)(e - db.cache) + 1;
			return WK_DB_OK;
		}
	}
	if (len > INT_MAX)
		return wk__db_fail_msg(WK_DB_ERROR, "SQL too long");
	/* No SQLITE_PREPARE_PERSISTENT: a CGI process lives for one request,
	 * and the flag keeps SQLite from its lookaside allocator during the
	 * prepare, which includes the schema parse of a new connection
	 * (~60K instructions more per request, measured by bench/api.sh). */
	rc = sqlite3_prepare_v3(h, sql, (int)len, 0, st, NULL);
	if (rc != SQLITE_OK) {
		char ctx[200];
		size_t n = len < sizeof(ctx) - 1 ? len : sizeof(ctx) - 1;
		memcpy(ctx, sql, n);
		ctx[n] = '\0';
		*st = NULL;
		return wk__db_fail(rc, ctx);
	}
	if (free_slot != NULL) {
		free_slot->sql = malloc(len + 1);
		if (free_slot->sql != NULL) {
			memcpy(free_slot->sql, sql, len);
			free_slot->sql[len] = '\0';
			free_slot->len = len;
			free_slot->hash = hash;
			free_slot->st = *st;
			free_slot->in_use = 1;
			*cached = (int)(free_slot - db.cache) + 1;
		}
	}
	return WK_DB_OK;
}

/* see internal.h */
void
wk__db_release(sqlite3_stmt *st, int cached)
{
	if (st == NULL)
		return;
	if (cached > 0 && cached <= DB_CACHE_SLOTS &&
	    db.cache[cached - 1].st == st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		db.cache[cached - 1].in_use = 0;
		return;
	}
	sqlite3_finalize(st);
}

/* see internal.h */
int
wk__db_step(sqlite3_stmt *st, int first)
{
	uint64_t now;
	int rc, tries = 0;

	/* The busy handler and the retries below share one clock, started
	 * by whichever waits first: a statement waits db_busy_timeout_ms in
	 * all, not that long in the handler and as long again here. */
	db.busy_start_ms = 0;
	db.busy_retry = 0;
	for (;;) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			break;
		if ((rc & 0xff) == SQLITE_BUSY && first) {
			now = db_now_ms();
			if (db.busy_start_ms == 0)
				db.busy_start_ms = now;
			if (now < db.busy_start_ms + (uint64_t)db.busy_ms) {
				uint64_t left = db.busy_start_ms +
				    (uint64_t)db.busy_ms - now;
				unsigned ms = db_backoff_ms(tries++);

				sqlite3_reset(st);
				db_sleep_ms(ms > left ? (unsigned)left : ms);
				db.busy_retry = 1;
				continue;
			}
		}
		break;
	}
	db.busy_retry = 0;
	if (rc == SQLITE_ROW)
		return WK_DB_ROW;
	if (rc == SQLITE_DONE)
		return WK_DB_DONE;
	sqlite3_reset(st);
	return wk__db_fail(rc, sqlite3_sql(st));
}

/* see internal.h */
int
wk__db_exec(const char *sql)
{
	sqlite3 *h;
	int rc, st;

	if ((st = wk__db_handle(&h)) != WK_DB_OK)
		return st;
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return wk__db_fail(rc, sql);
	return WK_DB_OK;
}

/* Run one constant statement through the cache. */
static int
db_run(const char *sql)
{
	sqlite3_stmt *st;
	int cached, s;

	if ((s = wk__db_prepare(sql, strlen(sql), &st, &cached)) != WK_DB_OK)
		return s;
	s = wk__db_step(st, 1);
	wk__db_release(st, cached);
	return s == WK_DB_DONE || s == WK_DB_ROW ? WK_DB_OK : s;
}

/* see internal.h */
long long
wk__db_changes(void)
{
	return db.h != NULL ? (long long)sqlite3_changes(db.h) : 0;
}

/* see internal.h */
long long
wk__db_last_id(void)
{
	return db.h != NULL ? (long long)sqlite3_last_insert_rowid(db.h) : 0;
}

/* ---- transactions ---------------------------------------------------------------- */

/* see db.h */
int
wk_db_begin(void)
{
	char sql[48];
	int s;

	if ((s = wk_db_connect()) != WK_DB_OK)
		return s;
	if (db.depth >= DB_MAX_DEPTH)
		return wk__db_fail_msg(WK_DB_ERROR, "atomic blocks nested "
		    "deeper than %d", DB_MAX_DEPTH);
	if (db.depth == 0) {
		s = db_run("BEGIN IMMEDIATE");
	} else {
		(void)snprintf(sql, sizeof(sql), "SAVEPOINT wk_sp%d", db.depth);
		s = db_run(sql);
	}
	if (s == WK_DB_OK)
		db.depth++;
	return s;
}

/* see db.h */
int
wk_db_rollback(void)
{
	char sql[64];
	int s;

	if (db.depth <= 0 || db.h == NULL)
		return wk__db_fail_msg(WK_DB_ERROR, "rollback outside an "
		    "atomic block");
	db.depth--;
	if (db.depth == 0) {
		s = db_run("ROLLBACK");
		if (s != WK_DB_OK && sqlite3_get_autocommit(db.h))
			s = WK_DB_OK;  /* SQLite already rolled back */
		return s;
	}
	(void)snprintf(sql, sizeof(sql), "ROLLBACK TO wk_sp%d", db.depth);
	s = db_run(sql);
	(void)snprintf(sql, sizeof(sql), "RELEASE wk_sp%d", db.depth);
	if (s == WK_DB_OK)
		s = db_run(sql);
	return s;
}

/* see db.h */
int
wk_db_commit(void)
{
	char sql[48];
	int s;

	if (db.depth <= 0 || db.h == NULL)
		return wk__db_fail_msg(WK_DB_ERROR, "commit outside an "
		    "atomic block");
	if (db.depth == 1) {
		s = db_run("COMMIT");
	} else {
		(void)snprintf(sql, sizeof(sql), "RELEASE wk_sp%d",
		    db.depth - 1);
		s = db_run(sql);
	}
	if (s == WK_DB_OK) {
		db.depth--;
		return WK_DB_OK;
	}
	{
		char keep[sizeof(db.last_error)];
		memcpy(keep, db.last_error, sizeof(keep));
		(void)wk_db_rollback();
		memcpy(db.last_error, keep, sizeof(keep));
	}
	return s;
}

/* see db.h */
int
wk_db_depth(void)
{
	return db.depth;
}

/* see db.h */
int
wk_db_atomic(int (*fn)(void *ctx), void *ctx)
{
	int s;

	if ((s = wk_db_begin()) != WK_DB_OK)
		return s;
	s = fn(ctx);
	if (s != WK_DB_OK) {
		char keep[sizeof(db.last_error)];
		memcpy(keep, db.last_error, sizeof(keep));
		(void)wk_db_rollback();
		memcpy(db.last_error, keep, sizeof(keep));
		return s;
	}
	return wk_db_commit();
}
