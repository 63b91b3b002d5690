/*
 * migrate.c - schema steps, the wick_migrations table, the request-time
 * schema check and the migrate / showmigrations / diffmodels commands
 * (see migrate.h).
 *
 * DDL is generated here from model metadata, which is compiled in; no
 * name from outside reaches it.  Each step is one transaction, and the row
 * that records it is written in that same transaction, so a step is either
 * fully applied and recorded or not at all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wick/core/buf.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/core/settings.h"
#include "internal.h"

#define MIG_MAX_SCHEMAS 16

static int mig_diff_no_table;  /* diff: the database has no step yet */

static const struct wk_schema *mig_schemas[MIG_MAX_SCHEMAS];
static size_t mig_nschemas;

static const char mig_table_sql[] =
    "CREATE TABLE IF NOT EXISTS wick_migrations (app TEXT NOT NULL, "
    "name TEXT NOT NULL, applied TEXT NOT NULL, PRIMARY KEY (app, name)) "
    "WITHOUT ROWID";

/*
 * The schemas that WK_SCHEMA_REGISTER placed in the "wk_schemas" section;
 * the linker defines these bounds (weak: an app may register none).
 */
extern const struct wk_schema *const __start_wk_schemas[]
    __attribute__((weak));
extern const struct wk_schema *const __stop_wk_schemas[]
    __attribute__((weak));
static int mig_collected;

static int mig_add(const struct wk_schema *s);

/* Read the section once, on first need (never on a request that does not
 * use the database). */
static void
mig_collect(void)
{
	const struct wk_schema *const *p;

	if (mig_collected)
		return;
	mig_collected = 1;
	if (__start_wk_schemas == NULL || __stop_wk_schemas == NULL)
		return;
	for (p = __start_wk_schemas; p < __stop_wk_schemas; p++)
		(void)mig_add(*p);
}

/* see migrate.h */
int
wk_schema_register(const struct wk_schema *s)
{
	mig_collect();
	return mig_add(s);
}

/* Insert s keeping the list sorted by (order, app). */
static int
mig_add(const struct wk_schema *s)
{
	size_t i, j;

	for (i = 0; i < mig_nschemas; i++)
		if (mig_schemas[i] == s || strcmp(mig_schemas[i]->app,
		    s->app) == 0)
			return -1;
	if (mig_nschemas >= MIG_MAX_SCHEMAS)
		return -1;
	/* Sorted by (order, app): section order is the link order. */
	for (i = 0; i < mig_nschemas; i++)
		if (s->order < mig_schemas[i]->order ||
		    (s->order == mig_schemas[i]->order &&
		    strcmp(s->app, mig_schemas[i]->app) < 0))
			break;
	for (j = mig_nschemas; j > i; j--)
		mig_schemas[j] = mig_schemas[j - 1];
	mig_schemas[i] = s;
	mig_nschemas++;
	return 0;
}

/* see migrate.h */
void
wk_schema_reset(void)
{
	mig_collected = 1;  /* and do not read the section again */
	mig_nschemas = 0;
}

/* see migrate.h */
const struct wk_schema *
wk_schema_at(size_t i)
{
	mig_collect();
	return i < mig_nschemas ? mig_schemas[i] : NULL;
}

/* A fingerprint of every step name, stored in PRAGMA user_version. */
static int32_t
mig_fingerprint(void)
{
	uint32_t h = 2166136261u;
	size_t i, k;

	for (i = 0; i < mig_nschemas; i++) {
		const struct wk_schema *s = mig_schemas[i];
		for (k = 0; k < s->nsteps; k++) {
			const char *p;
			for (p = s->app; *p; p++)
				h = (h ^ (unsigned char)*p) * 16777619u;
			h = (h ^ 1u) * 16777619u;
			for (p = s->steps[k].name; *p; p++)
				h = (h ^ (unsigned char)*p) * 16777619u;
			h = (h ^ 2u) * 16777619u;
		}
	}
	return (int32_t)((h & 0x7ffffffeu) | 1u);
}

/* ---- DDL from metadata --------------------------------------------------------- */

static void
mig_ident(wk_buf *b, const char *name)
{
	wk_buf_putc(b, '"');
	wk_buf_puts(b, name);
	wk_buf_putc(b, '"');
}

static const char *
mig_type(enum wk_field_kind k)
{
	switch (k) {
	case WK_FIELD_REAL:
		return "REAL";
	case WK_FIELD_TEXT:
	case WK_FIELD_DATE:
	case WK_FIELD_DATETIME:
		return "TEXT";
	case WK_FIELD_BLOB:
		return "BLOB";
	default:
		return "INTEGER";
	}
}

/* The default as an SQL literal (validated by wk_model_check first). */
static void
mig_default(wk_buf *b, const struct wk_field *f)
{
	const char *p;

	switch (f->kind) {
	case WK_FIELD_INT:
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK:
	case WK_FIELD_BOOL:
		if (strcmp(f->def, "true") == 0 || strcmp(f->def, "True") == 0)
			wk_buf_puts(b, "1");
		else if (strcmp(f->def, "false") == 0 ||
		    strcmp(f->def, "False") == 0)
			wk_buf_puts(b, "0");
		else
			wk_buf_printf(b, "%lld", strtoll(f->def, NULL, 10));
		return;
	case WK_FIELD_REAL:
		wk_buf_printf(b, "%.17g", strtod(f->def, NULL));
		return;
	default:
		wk_buf_putc(b, '\'');
		for (p = f->def; *p; p++) {
			if (*p == '\'')
				wk_buf_putc(b, '\'');
			wk_buf_putc(b, *p);
		}
		wk_buf_putc(b, '\'');
		return;
	}
}

static void
mig_coldef(wk_buf *b, const struct wk_field *f)
{
	mig_ident(b, f->name);
	if (f->flags & WK_PK) {
		wk_buf_puts(b, f->kind == WK_FIELD_TEXT ? " TEXT NOT NULL "
		    "PRIMARY KEY" : " INTEGER PRIMARY KEY");  /* pk.h */
		return;
	}
	wk_buf_printf(b, " %s", mig_type(f->kind));
	if (!(f->flags & WK_NULL))
		wk_buf_puts(b, " NOT NULL");
	if (f->def != NULL) {
		wk_buf_puts(b, " DEFAULT ");
		mig_default(b, f);
	}
	if (f->kind == WK_FIELD_FK && f->to != NULL) {
		wk_buf_puts(b, " REFERENCES ");
		mig_ident(b, f->to->name);
		wk_buf_puts(b, " (\"id\") ON DELETE ");
		wk_buf_puts(b, f->on_delete == WK_PROTECT ? "RESTRICT" :
		    f->on_delete == WK_SET_NULL ? "SET NULL" : "CASCADE");
	}
}

/* CREATE [UNIQUE] INDEX IF NOT EXISTS "t__a_b[__uniq]" ON "t" ("a", "b") */
static int
mig_index_sql(wk_buf *b, const struct wk_model *m, const char *fields,
    int unique)
{
	const char *p, *e;
	wk_buf cols;

	wk_buf_init(&cols, b->arena);
	wk_buf_printf(b, "CREATE %sINDEX IF NOT EXISTS \"%s_", unique ?
	    "UNIQUE " : "", m->name);
	for (p = fields; *p; p = *e ? e + 1 : e) {
		const struct wk_field *f;
		for (e = p; *e && *e != ','; e++)
			;
		f = wk_model_fieldn(m, p, (size_t)(e - p));
		if (f == NULL)
			return wk__db_fail_msg(WK_DB_INVALID, "index on %s: "
			    "no field '%.*s'", m->name, (int)(e - p), p);
		wk_buf_printf(b, "_%s", f->name);
		if (cols.len > 0)
			wk_buf_puts(&cols, ", ");
		mig_ident(&cols, f->name);
	}
	wk_buf_printf(b, "%s\" ON ", unique ? "__uniq" : "");
	mig_ident(b, m->name);
	wk_buf_printf(b, " (%s);", wk_buf_cstr(&cols));
	return b->failed || cols.failed ? WK_DB_NOMEM : WK_DB_OK;
}

/* The indexes a field asks for: WK_UNIQUE, WK_INDEX, and every FK unless
 * it says WK_NO_INDEX. */
static int
mig_field_indexes(wk_buf *b, const struct wk_model *m,
    const struct wk_field *f)
{
	int s = WK_DB_OK;

	if (f->flags & WK_PK)
		return WK_DB_OK;
	if (f->flags & WK_UNIQUE)
		s = mig_index_sql(b, m, f->name, 1);
	else if ((f->flags & WK_INDEX) ||
	    (f->kind == WK_FIELD_FK && !(f->flags & WK_NO_INDEX)))
		s = mig_index_sql(b, m, f->name, 0);
	return s;
}

/*
 * The join table of M2M field d (model.h, struct wk_m2m), if it is ours
 * to make (no .through):
 *   CREATE TABLE IF NOT EXISTS "blog_post_tags" ("id" INTEGER PRIMARY
 *   KEY, "blog_post_id" INTEGER NOT NULL REFERENCES "blog_post" ("id")
 *   ON DELETE CASCADE, "blog_tag_id" ... , UNIQUE ("blog_post_id",
 *   "blog_tag_id"));
 * and an index on the second column (the unique one leads with the
 * first), for the reverse side's lookups.
 */
static int
mig_m2m_sql(wk_buf *b, const struct wk_m2m *d)
{
	char a[WK__REL_COL], c[WK__REL_COL];

	if (d->through != NULL)
		return WK_DB_OK;
	if (wk__m2m_columns(d, a, c, sizeof(a)) != 0)
		return wk__db_fail_msg(WK_DB_INVALID, "%s.%s: cannot name the "
		    "join table's columns", d->from->name, d->name);
	wk_buf_puts(b, "CREATE TABLE IF NOT EXISTS ");
	mig_ident(b, d->table);
	wk_buf_puts(b, " (\"id\" INTEGER PRIMARY KEY, ");
	mig_ident(b, a);
	wk_buf_puts(b, " INTEGER NOT NULL REFERENCES ");
	mig_ident(b, d->from->name);
	wk_buf_puts(b, " (\"id\") ON DELETE CASCADE, ");
	mig_ident(b, c);
	wk_buf_puts(b, " INTEGER NOT NULL REFERENCES ");
	mig_ident(b, d->to->name);
	wk_buf_puts(b, " (\"id\") ON DELETE CASCADE, UNIQUE (");
	mig_ident(b, a);
	wk_buf_puts(b, ", ");
	mig_ident(b, c);
	wk_buf_puts(b, "));");
	wk_buf_printf(b, "CREATE INDEX IF NOT EXISTS \"%s__%s\" ON ", d->table,
	    c);
	mig_ident(b, d->table);
	wk_buf_puts(b, " (");
	mig_ident(b, c);
	wk_buf_puts(b, ");");
	return b->failed ? WK_DB_NOMEM : WK_DB_OK;
}

/* The M2M field of m called name, or NULL. */
static const struct wk_m2m *
mig_m2m(const struct wk_model *m, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < m->nm2m; i++)
		if (strcmp(m->m2m[i].name, name) == 0)
			return &m->m2m[i];
	return NULL;
}

static int
mig_create_table_sql(wk_buf *b, const struct wk_model *m)
{
	size_t i;
	int s;

	wk_buf_puts(b, "CREATE TABLE IF NOT EXISTS ");
	mig_ident(b, m->name);
	wk_buf_puts(b, " (");
	for (i = 0; i < m->nfields; i++) {
		if (i > 0)
			wk_buf_puts(b, ", ");
		mig_coldef(b, &m->fields[i]);
	}
	wk_buf_puts(b, ");");
	for (i = 0; i < m->nfields; i++)
		if ((s = mig_field_indexes(b, m, &m->fields[i])) != WK_DB_OK)
			return s;
	for (i = 0; m->unique_together != NULL &&
	    m->unique_together[i] != NULL; i++)
		if ((s = mig_index_sql(b, m, m->unique_together[i], 1)) !=
		    WK_DB_OK)
			return s;
	for (i = 0; i < m->nm2m; i++)
		if ((s = mig_m2m_sql(b, &m->m2m[i])) != WK_DB_OK)
			return s;
	return b->failed ? WK_DB_NOMEM : WK_DB_OK;
}

/* 1 if table m has column name, 0 if not; <0 error. */
static int
mig_has_column(sqlite3 *h, const char *table, const char *col)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	rc = sqlite3_prepare_v2(h, "SELECT 1 FROM pragma_table_info(?1) "
	    "WHERE name = ?2", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -wk__db_fail(rc, "table_info");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		found = 1;
	else if (rc != SQLITE_DONE)
		found = -wk__db_fail(rc, "table_info");
	sqlite3_finalize(st);
	return found;
}

static int
mig_run_op(const struct wk_mig_op *op, wk_arena *a)
{
	sqlite3 *h;
	wk_buf b;
	const struct wk_field *f;
	int s, has;
	char problems[1024];

	if ((s = wk__db_handle(&h)) != WK_DB_OK)
		return s;
	wk_buf_init(&b, a);
	if (op->model != NULL && wk_model_check(op->model, problems,
	    sizeof(problems)) != 0)
		return wk__db_fail_msg(WK_DB_INVALID, "bad model declaration: "
		    "%s", problems);
	switch (op->kind) {
	case WK_MIG_CREATE_TABLE:
		if ((s = mig_create_table_sql(&b, op->model)) != WK_DB_OK)
			return s;
		break;
	case WK_MIG_ADD_COLUMN:
		f = op->fields ? wk_model_field(op->model, op->fields) : NULL;
		if (f == NULL)
			return wk__db_fail_msg(WK_DB_INVALID, "add column: %s "
			    "has no field '%s'", op->model->name,
			    op->fields ? op->fields : "");
		has = mig_has_column(h, op->model->name, f->name);
		if (has < 0)
			return -has;
		if (has == 0) {
			if (!(f->flags & WK_NULL) && f->def == NULL)
				return wk__db_fail_msg(WK_DB_INVALID, "add "
				    "column %s.%s: a new column needs WK_NULL "
				    "or a default", op->model->name, f->name);
			wk_buf_puts(&b, "ALTER TABLE ");
			mig_ident(&b, op->model->name);
			wk_buf_puts(&b, " ADD COLUMN ");
			mig_coldef(&b, f);
			wk_buf_puts(&b, ";");
		}
		if ((s = mig_field_indexes(&b, op->model, f)) != WK_DB_OK)
			return s;
		break;
	case WK_MIG_ADD_INDEX:
		if (op->fields == NULL || (s = mig_index_sql(&b, op->model,
		    op->fields, op->unique)) != WK_DB_OK)
			return op->fields == NULL ? WK_DB_INVALID : s;
		break;
	case WK_MIG_ADD_M2M: {
		const struct wk_m2m *d = mig_m2m(op->model, op->fields);
		if (d == NULL)
			return wk__db_fail_msg(WK_DB_INVALID, "add many-to-many: "
			    "%s has no M2M field '%s'", op->model->name,
			    op->fields ? op->fields : "");
		if ((s = mig_m2m_sql(&b, d)) != WK_DB_OK)
			return s;
		break;
	}
	case WK_MIG_RUN_C:
		if (op->fn == NULL)
			return WK_DB_OK;
		return op->fn(a);
	case WK_MIG_RUN_SQL:
		if (op->sql == NULL)
			return WK_DB_INVALID;
		return wk__db_exec(op->sql);
	default:
		return WK_DB_INVALID;
	}
	if (b.failed)
		return WK_DB_NOMEM;
	return b.len > 0 ? wk__db_exec(wk_buf_cstr(&b)) : WK_DB_OK;
}

/* 1 applied, 0 not, <0 -error. */
static int
mig_applied(const char *app, const char *name)
{
	static const char sql[] =
	    "SELECT 1 FROM wick_migrations WHERE app = ?1 AND name = ?2";
	sqlite3_stmt *st;
	int cached, s;

	if ((s = wk__db_prepare(sql, sizeof(sql) - 1, &st, &cached)) !=
	    WK_DB_OK)
		return -s;
	sqlite3_bind_text(st, 1, app, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	s = wk__db_step(st, 1);
	wk__db_release(st, cached);
	if (s == WK_DB_ROW)
		return 1;
	if (s == WK_DB_DONE)
		return 0;
	return -s;
}

static int
mig_record(const char *app, const char *name)
{
	static const char sql[] = "INSERT INTO wick_migrations (app, name, "
	    "applied) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st;
	char now[32];
	int cached, s;

	if (wk_db_now(now, sizeof(now)) != 0)
		return WK_DB_ERROR;
	if ((s = wk__db_prepare(sql, sizeof(sql) - 1, &st, &cached)) !=
	    WK_DB_OK)
		return s;
	sqlite3_bind_text(st, 1, app, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	s = wk__db_step(st, 1);
	wk__db_release(st, cached);
	return s == WK_DB_DONE ? WK_DB_OK : s;
}

/* Apply one step in its own transaction.  *done = 1 if it ran now. */
static int
mig_step(const struct wk_schema *sc, const struct wk_migration *m, int *done)
{
	wk_arena a;
	size_t i;
	int s, ap;

	*done = 0;
	if ((s = wk_db_begin()) != WK_DB_OK)
		return s;
	ap = mig_applied(sc->app, m->name);
	if (ap < 0) {
		s = -ap;
		goto fail;
	}
	if (ap == 1)  /* another process did it while we waited */
		return wk_db_commit();
	wk_arena_init(&a);
	for (i = 0, s = WK_DB_OK; i < m->nops && s == WK_DB_OK; i++)
		s = mig_run_op(&m->ops[i], &a);
	wk_arena_free(&a);
	if (s == WK_DB_OK)
		s = mig_record(sc->app, m->name);
	if (s != WK_DB_OK)
		goto fail;
	if ((s = wk_db_commit()) == WK_DB_OK)
		*done = 1;
	return s;
fail:
	{
		char keep[512];
		size_t n = strnlen(wk_db_last_error(), sizeof(keep) - 1);
		memcpy(keep, wk_db_last_error(), n);
		keep[n] = '\0';
		(void)wk_db_rollback();
		wk__db_fail_msg(s, "%s", keep);
	}
	return s;
}

/* The post_migrate hooks: each schema's, called for every schema, in one
 * transaction (they only add rows; the steps are already committed). */
static int
mig_post_migrate(void)
{
	const struct wk_schema *sc = NULL, *app = NULL;
	char keep[512];
	wk_arena a;
	size_t i, k, n;
	int s = WK_DB_OK;

	for (i = 0; i < mig_nschemas && mig_schemas[i]->post_migrate == NULL;
	    i++)
		;
	if (i == mig_nschemas)
		return WK_DB_OK;
	if ((s = wk_db_begin()) != WK_DB_OK)
		return s;
	for (i = 0; i < mig_nschemas && s == WK_DB_OK; i++) {
		sc = mig_schemas[i];
		if (sc->post_migrate == NULL)
			continue;
		for (k = 0; k < mig_nschemas && s == WK_DB_OK; k++) {
			app = mig_schemas[k];
			wk_arena_init(&a);
			s = sc->post_migrate(&a, app);
			wk_arena_free(&a);
		}
	}
	if (s == WK_DB_OK)
		return wk_db_commit();
	/* The message names the hook; copied first, as the rollback may
	 * record its own. */
	n = strnlen(wk_db_last_error(), sizeof(keep) - 1);
	memcpy(keep, wk_db_last_error(), n);
	keep[n] = '\0';
	(void)wk_db_rollback();
	return wk__db_fail_msg(s, "post_migrate of %s for %s: %s", sc->app,
	    app->app, keep);
}

/* see migrate.h */
int
wk_migrate_run(FILE *out)
{
	size_t i, k;
	int s, done;
	char sql[64];

	mig_collect();

	if ((s = wk__db_exec(mig_table_sql)) != WK_DB_OK)
		return s;
	for (i = 0; i < mig_nschemas; i++) {
		const struct wk_schema *sc = mig_schemas[i];
		for (k = 0; k < sc->nsteps; k++) {
			s = mig_step(sc, &sc->steps[k], &done);
			if (s != WK_DB_OK) {
				if (out != NULL)
					fprintf(out, "  Applying %s.%s... "
					    "FAILED\n    %s\n", sc->app,
					    sc->steps[k].name,
					    wk_db_last_error());
				return s;
			}
			if (done && out != NULL)
				fprintf(out, "  Applying %s.%s... OK\n",
				    sc->app, sc->steps[k].name);
		}
	}
	if ((s = mig_post_migrate()) != WK_DB_OK) {
		if (out != NULL)
			fprintf(out, "  Post-migrate... FAILED\n    %s\n",
			    wk_db_last_error());
		return s;
	}
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %ld",
	    (long)mig_fingerprint());
	return wk__db_exec(sql);
}

/* see migrate.h */
int
wk_migrate_pending(size_t *n)
{
	size_t i, k;
	sqlite3 *h;
	int s, ap;

	mig_collect();

	*n = 0;
	if ((s = wk__db_handle(&h)) != WK_DB_OK)
		return s;
	if ((ap = mig_has_column(h, "wick_migrations", "name")) < 0)
		return -ap;
	if (ap == 0) {
		for (i = 0; i < mig_nschemas; i++)
			*n += mig_schemas[i]->nsteps;
		return WK_DB_OK;
	}
	for (i = 0; i < mig_nschemas; i++)
		for (k = 0; k < mig_schemas[i]->nsteps; k++) {
			ap = mig_applied(mig_schemas[i]->app,
			    mig_schemas[i]->steps[k].name);
			if (ap < 0)
				return -ap;
			if (ap == 0)
				(*n)++;
		}
	return WK_DB_OK;
}

/*
 * The request-time schema check, run by db.c each time the connection
 * opens in request mode (registered below, see internal.h).
 */
static int
mig_open_check(sqlite3 *h)
{
	sqlite3_stmt *st;
	size_t pending;
	int rc, s, version = 0;

	mig_collect();

	if (mig_nschemas == 0)
		return WK_DB_OK;
	rc = sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return wk__db_fail(rc, "schema check");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return wk__db_fail(rc, "schema check");
	if (version == mig_fingerprint())
		return WK_DB_OK;
	if ((s = wk_migrate_pending(&pending)) != WK_DB_OK)
		return s;
	if (pending == 0)
		return WK_DB_OK;  /* recorded, fingerprint not yet updated */
	if (wk__db_auto_migrate()) {
		wk_log(NULL, WK_LOG_WARN, "database %s: applying %zu pending "
		    "migration step(s) (auto_migrate)", wk_db_path(), pending);
		s = wk_migrate_run(NULL);
		if (s != WK_DB_OK)
			wk_log(NULL, WK_LOG_ERROR, "auto_migrate failed: %s",
			    wk_db_last_error());
		return s;
	}
	return wk__db_fail_msg(WK_DB_NEEDS_MIGRATION, "database needs "
	    "migrating: %zu step(s) pending for %s; run the app's `migrate` "
	    "command (or set auto_migrate)", pending, wk_db_path());
}

WK__DB_OPEN_CHECK(mig_open_check)

/* ---- diff --------------------------------------------------------------------------- */

/*
 * Does a pending (not yet applied) step hold an operation on m that
 * match(op, arg) accepts?  *covered says; the status is WK_DB_OK or the
 * error reading the applied steps.
 */
static int
mig_pending(const struct wk_model *m,
    int (*match)(const struct wk_mig_op *op, const char *arg),
    const char *arg, int *covered)
{
	size_t i, k, o;
	int ap;

	*covered = 0;
	for (i = 0; i < mig_nschemas; i++) {
		const struct wk_schema *sc = mig_schemas[i];
		for (k = 0; k < sc->nsteps; k++) {
			const struct wk_migration *st = &sc->steps[k];
			int found = 0;
			for (o = 0; o < st->nops && !found; o++) {
				const struct wk_mig_op *op = &st->ops[o];
				found = op->model != NULL &&
				    strcmp(op->model->name, m->name) == 0 &&
				    match(op, arg);
			}
			if (!found)
				continue;
			ap = mig_diff_no_table ? 0 : mig_applied(sc->app,
			    st->name);
			if (ap < 0)
				return -ap;
			if (ap == 0) {
				*covered = 1;
				return WK_DB_OK;
			}
		}
	}
	return WK_DB_OK;
}

/* The model's CREATE_TABLE, or (field set) the ADD_COLUMN or ADD_M2M of
 * field. */
static int
mig_op_makes_column(const struct wk_mig_op *op, const char *field)
{
	return op->kind == WK_MIG_CREATE_TABLE ||
	    (field != NULL && (op->kind == WK_MIG_ADD_COLUMN ||
	    op->kind == WK_MIG_ADD_M2M) && strcmp(op->fields, field) == 0);
}

/* Does a pending step make this table (field NULL) or column? */
static int
mig_pending_covers(const struct wk_model *m, const char *field, int *covered)
{
	return mig_pending(m, mig_op_makes_column, field, covered);
}

/* Column facts from the database: type and notnull, or *found = 0. */
static int
mig_column(sqlite3 *h, const char *table, const char *col, char *type,
    size_t typelen, int *notnull, int *found)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	rc = sqlite3_prepare_v2(h, "SELECT type, \"notnull\" FROM "
	    "pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return wk__db_fail(rc, "table_info");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		(void)snprintf(type, typelen, "%s", t ? (const char *)t : "");
		*notnull = sqlite3_column_int(st, 1);
		*found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return wk__db_fail(rc, "table_info");
	return WK_DB_OK;
}

/* Report one difference. */
static void
mig_report(FILE *out, int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
mig_report(FILE *out, int *n, const char *fmt, ...)
{
	va_list ap;

	(*n)++;
	if (out == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* Columns of table that the model does not declare. */
static int
mig_extra_columns(FILE *out, sqlite3 *h, const struct wk_model *m, int *n)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(h, "SELECT name FROM pragma_table_info(?1)",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return wk__db_fail(rc, "table_info");
	sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		if (c != NULL && wk_model_field(m, c) == NULL)
			mig_report(out, n, "%s.%s: column in the database but "
			    "no longer in the model; add a step such as "
			    "WK_RUN_SQL(\"ALTER TABLE %s DROP COLUMN %s\")",
			    m->name, c, m->name, c);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? WK_DB_OK : wk__db_fail(rc, "table_info");
}

/* The name mig_index_sql gives the unique index on fields ("a,b") of m:
 * "m__a_b__uniq".  0, or -1 when it does not fit. */
static int
mig_unique_name(const struct wk_model *m, const char *fields, char *out,
    size_t outlen)
{
	const char *p;
	size_t n;
	int k;

	k = snprintf(out, outlen, "%s__", m->name);
	if (k < 0 || (size_t)k >= outlen)
		return -1;
	n = (size_t)k;
	for (p = fields; *p; p++) {
		if (n + 1 >= outlen)
			return -1;
		out[n++] = *p == ',' ? '_' : *p;
	}
	k = snprintf(out + n, outlen - n, "__uniq");
	return k < 0 || (size_t)k >= outlen - n ? -1 : 0;
}

/* The model's CREATE_TABLE, or a unique ADD_INDEX of this field list. */
static int
mig_op_makes_unique(const struct wk_mig_op *op, const char *fields)
{
	return op->kind == WK_MIG_CREATE_TABLE ||
	    (op->kind == WK_MIG_ADD_INDEX && op->unique &&
	    op->fields != NULL && strcmp(op->fields, fields) == 0);
}

/* Does a pending step create the unique index on fields of m? */
static int
mig_pending_index(const struct wk_model *m, const char *fields, int *covered)
{
	return mig_pending(m, mig_op_makes_unique, fields, covered);
}

/* unique_together lists of m whose index the database lacks. */
static int
mig_diff_unique_together(FILE *out, sqlite3 *h, const struct wk_model *m,
    int *n)
{
	const char *const *u;
	sqlite3_stmt *st;
	char name[256];
	int rc, found, covered, s;

	for (u = m->unique_together; u != NULL && *u != NULL; u++) {
		if (mig_unique_name(m, *u, name, sizeof(name)) != 0)
			return wk__db_fail_msg(WK_DB_INVALID, "%s: unique "
			    "together '%s': name too long", m->name, *u);
		rc = sqlite3_prepare_v2(h, "SELECT 1 FROM sqlite_master WHERE "
		    "type = 'index' AND name = ?1", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return wk__db_fail(rc, "index list");
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		found = rc == SQLITE_ROW;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return wk__db_fail(rc, "index list");
		if (found)
			continue;
		if ((s = mig_pending_index(m, *u, &covered)) != WK_DB_OK)
			return s;
		if (!covered)
			mig_report(out, n, "%s: new unique together (%s); add "
			    "a step with WK_ADD_INDEX(%s_model, \"%s\", 1)",
			    m->name, *u, m->name, *u);
	}
	return WK_DB_OK;
}

/* diff: an M2M field whose join table is missing (ours only: a .through
 * model is a model of the schema, checked as one). */
static int
mig_diff_m2m(FILE *out, sqlite3 *h, const struct wk_model *m, int *n)
{
	char type[32];
	size_t i;
	int s, found, notnull, covered;

	for (i = 0; i < m->nm2m; i++) {
		const struct wk_m2m *d = &m->m2m[i];
		if (d->through != NULL)
			continue;
		if ((s = mig_column(h, d->table, "id", type, sizeof(type),
		    &notnull, &found)) != WK_DB_OK)
			return s;
		if (found)
			continue;
		if ((s = mig_pending_covers(m, d->name, &covered)) != WK_DB_OK)
			return s;
		if (!covered)
			mig_report(out, n, "%s.%s: new many-to-many field; add a "
			    "step with WK_ADD_M2M(%s_model, \"%s\")", m->name,
			    d->name, m->name, d->name);
	}
	return WK_DB_OK;
}

/* see migrate.h */
int
wk_migrate_diff(FILE *out, int *ndiff)
{
	sqlite3 *h;
	size_t i, k;
	int s, covered, found, notnull;
	char type[32];

	mig_collect();

	*ndiff = 0;
	if ((s = wk__db_handle(&h)) != WK_DB_OK)
		return s;
	/* Read only: without a migrations table every step is pending. */
	if ((found = mig_has_column(h, "wick_migrations", "name")) < 0)
		return -found;
	mig_diff_no_table = !found;
	for (i = 0; i < mig_nschemas; i++) {
		const struct wk_model *const *mp;
		for (mp = mig_schemas[i]->models; mp && *mp; mp++) {
			const struct wk_model *m = *mp;
			if ((s = mig_column(h, m->name, m->fields[0].name, type,
			    sizeof(type), &notnull, &found)) != WK_DB_OK)
				return s;
			if (!found) {
				if ((s = mig_pending_covers(m, NULL,
				    &covered)) != WK_DB_OK)
					return s;
				if (!covered)
					mig_report(out, ndiff, "%s: new model; "
					    "add a step with WK_CREATE_TABLE("
					    "%s_model)", m->name, m->name);
				continue;
			}
			for (k = 1; k < m->nfields; k++) {
				const struct wk_field *f = &m->fields[k];
				if ((s = mig_column(h, m->name, f->name, type,
				    sizeof(type), &notnull, &found)) !=
				    WK_DB_OK)
					return s;
				if (!found) {
					if ((s = mig_pending_covers(m, f->name,
					    &covered)) != WK_DB_OK)
						return s;
					if (!covered)
						mig_report(out, ndiff, "%s.%s: "
						    "new field; add a step with "
						    "WK_ADD_COLUMN(%s_model, "
						    "\"%s\")", m->name, f->name,
						    m->name, f->name);
					continue;
				}
				if (strcmp(type, mig_type(f->kind)) != 0 ||
				    notnull != !(f->flags & WK_NULL))
					mig_report(out, ndiff, "%s.%s: changed "
					    "(database: %s%s; model: %s%s); "
					    "needs a WK_RUN_SQL step", m->name,
					    f->name, type, notnull ?
					    " NOT NULL" : "",
					    mig_type(f->kind), (f->flags &
					    WK_NULL) ? "" : " NOT NULL");
			}
			if ((s = mig_extra_columns(out, h, m, ndiff)) !=
			    WK_DB_OK)
				return s;
			if ((s = mig_diff_m2m(out, h, m, ndiff)) != WK_DB_OK)
				return s;
			if ((s = mig_diff_unique_together(out, h, m, ndiff)) !=
			    WK_DB_OK)
				return s;
		}
	}
	return WK_DB_OK;
}

/* ---- commands ---------------------------------------------------------------------- */

static int
mig_check_models(void)
{
	char problems[2048];
	size_t i;
	int n = 0;

	mig_collect();

	for (i = 0; i < mig_nschemas; i++) {
		const struct wk_model *const *m;
		for (m = mig_schemas[i]->models; m != NULL && *m != NULL; m++)
			if (wk_model_check(*m, problems, sizeof(problems))) {
				fprintf(stderr, "%s", problems);
				n++;
			}
	}
	return n;
}

static int
cmd_migrate(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv)
{
	int st;

	(void)argc;
	(void)argv;
	wk_db_configure(s, app->name);
	if (mig_check_models() != 0)
		return 1;
	if (wk_db_path() == NULL) {
		fprintf(stderr, "migrate: no database path (set `database` "
		    "in the config file)\n");
		return 1;
	}
	printf("Database: %s\n", wk_db_path());
	wk_db_allow_create(1);
	if ((st = wk_db_connect()) != WK_DB_OK) {
		fprintf(stderr, "migrate: %s\n", wk_db_last_error());
		return 1;
	}
	st = wk_migrate_run(stdout);
	if (st != WK_DB_OK) {
		fprintf(stderr, "migrate: %s\n", wk_db_last_error());
		wk_db_close();
		return 1;
	}
	printf("Database is up to date.\n");
	wk_db_close();
	wk_db_allow_create(0);
	return 0;
}

static int
cmd_showmigrations(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	const char *path;
	size_t i, k;
	int exists, st, ap;

	mig_collect();

	(void)argc;
	(void)argv;
	wk_db_configure(s, app->name);
	path = wk_db_path();
	exists = path != NULL && (strcmp(path, ":memory:") == 0 ||
	    access(path, F_OK) == 0);
	printf("Database: %s%s\n", path ? path : "(none)", exists ? "" :
	    " (does not exist yet)");
	if (exists) {
		wk_db_allow_create(1);  /* exists: no creation, no check */
		if ((st = wk_db_connect()) != WK_DB_OK) {
			fprintf(stderr, "showmigrations: %s\n",
			    wk_db_last_error());
			return 1;
		}
		if ((st = wk__db_exec(mig_table_sql)) != WK_DB_OK) {
			fprintf(stderr, "showmigrations: %s\n",
			    wk_db_last_error());
			wk_db_close();
			return 1;
		}
	}
	for (i = 0; i < mig_nschemas; i++) {
		const struct wk_schema *sc = mig_schemas[i];
		printf("%s\n", sc->app);
		for (k = 0; k < sc->nsteps; k++) {
			ap = exists ? mig_applied(sc->app, sc->steps[k].name) :
			    0;
			if (ap < 0) {
				fprintf(stderr, "showmigrations: %s\n",
				    wk_db_last_error());
				wk_db_close();
				return 1;
			}
			printf(" [%c] %s\n", ap ? 'X' : ' ',
			    sc->steps[k].name);
		}
	}
	wk_db_close();
	wk_db_allow_create(0);
	return 0;
}

static int
cmd_diffmodels(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	const char *path;
	int n = 0, st;

	(void)argc;
	(void)argv;
	if (mig_check_models() != 0)
		return 1;
	wk_db_configure(s, app->name);
	path = wk_db_path();
	if (path == NULL || (strcmp(path, ":memory:") != 0 &&
	    access(path, F_OK) != 0)) {
		printf("Database %s does not exist: comparing with an empty "
		    "one.\n", path ? path : "(none)");
		if (wk_db_set_path(":memory:") != 0)
			return 1;
	}
	wk_db_allow_create(1);  /* exists (or memory): no check, no file */
	st = wk_migrate_diff(stdout, &n);
	wk_db_close();
	wk_db_allow_create(0);
	if (st != WK_DB_OK) {
		fprintf(stderr, "diffmodels: %s\n", wk_db_last_error());
		return 1;
	}
	if (n == 0) {
		printf("No changes: the database and its pending steps match "
		    "the models.\n");
		return 0;
	}
	printf("%d change(s) need a migration step.\n", n);
	return 1;
}

/* see migrate.h */
const struct wk_command wk_db_commands[] = {
	{ "migrate", "migrate", "create or upgrade the database",
	    cmd_migrate },
	{ "showmigrations", "showmigrations",
	    "list migration steps, [X] = applied", cmd_showmigrations },
	{ "diffmodels", "diffmodels", "show model changes no migration step "
	    "covers (exit 1 if any)", cmd_diffmodels },
	WK_COMMANDS_END
};
