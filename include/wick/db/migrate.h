/*
 * migrate.h - versioned schema steps compiled into the binary.
 *
 * An app (and each Wick component with tables) lists its models and an
 * ordered array of named steps in a struct wk_schema and registers it with
 * WK_SCHEMA_REGISTER (a constructor: the binary knows its schemas before
 * main).  `APP migrate` creates the database if needed and applies every
 * step not yet recorded in the wick_migrations table, each step in its own
 * BEGIN IMMEDIATE transaction that also records it: a failing step rolls
 * back whole, a step is never half applied, and running migrate twice does
 * nothing the second time.  After the steps, each schema's post_migrate
 * hook (if any) sees every schema: that is how auth makes the
 * permission rows of every model (auth.h).
 *
 *   static const struct wk_migration blog_steps[] = {
 *       WK_MIGRATION("0001_initial",
 *           WK_CREATE_TABLE(blog_post_model),
 *           WK_CREATE_TABLE(blog_comment_model)),
 *       WK_MIGRATION("0002_post_subtitle",
 *           WK_ADD_COLUMN(blog_post_model, "subtitle")),
 *       WK_MIGRATION("0003_fill_slugs", WK_RUN_C(fill_slugs)),
 *   };
 *
 * Operations build their SQL from the model metadata as it is in the
 * binary, and are idempotent on their own: CREATE_TABLE creates the table
 * with all the model's current fields and indexes if it does not exist;
 * ADD_COLUMN adds the column (and its index) if it is missing; ADD_INDEX
 * creates the index if missing.  So a fresh database gets the current
 * schema from 0001 and later ADD_COLUMN steps are no-ops there, while an
 * old database gets the column added.  An added column must be WK_NULL or
 * have a default (SQLite's rule for ALTER TABLE ADD COLUMN).  Removing or
 * renaming columns is a WK_RUN_SQL step ("ALTER TABLE ... DROP COLUMN").
 * A many-to-many field (relations.h) has a join table instead of a
 * column: CREATE_TABLE makes the join tables of the model's M2M fields
 * too, and ADD_M2M(model, "tags") makes one for a field added later
 * (none for a field with a .through model: that model has its own
 * CREATE_TABLE).
 *
 * At request time (db.h) the database's PRAGMA user_version is compared
 * with a fingerprint of all step names.  If they differ and steps are
 * pending, the request gets WK_DB_NEEDS_MIGRATION (503 + a log line) - or,
 * with the auto_migrate setting, the request applies the steps itself;
 * concurrent requests wait for the write lock (busy timeout) and then find
 * the steps done, or get 503 with Retry-After when the wait runs out.
 *
 * Commands (wk_db_commands, listed in the app's commands):
 *   migrate         create/upgrade the database
 *   showmigrations  [X] applied / [ ] pending, per step
 *   diffmodels      what changed in the models since the database was last
 *                   migrated and no pending step covers (new field
 *                   without ADD_COLUMN, new model without CREATE_TABLE,
 *                   new many-to-many field without ADD_M2M,
 *                   new unique_together list without a unique ADD_INDEX,
 *                   removed or changed field): Django's
 *                   `makemigrations --check`; exit status 1 if any.
 */
#ifndef WICK_MIGRATE_H
#define WICK_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

#include "wick/http/app.h"
#include "wick/core/arena.h"
#include "wick/db/model.h"

enum wk_mig_kind {
	WK_MIG_CREATE_TABLE,
	WK_MIG_ADD_COLUMN,
	WK_MIG_ADD_INDEX,
	WK_MIG_ADD_M2M,
	WK_MIG_RUN_C,
	WK_MIG_RUN_SQL,
	WK_MIG__MAX
};

struct wk_mig_op {
	enum wk_mig_kind kind;
	const struct wk_model *model;
	const char *fields;            /* ADD_COLUMN: one; ADD_INDEX: "a,b" */
	int unique;                    /* ADD_INDEX */
	/* RUN_C: a data migration, run inside the step's transaction.  Use
	 * the ORM; return WK_DB_OK or an error (the step rolls back). */
	int (*fn)(wk_arena *a);
	const char *sql;               /* RUN_SQL: constant SQL */
};

#define WK_CREATE_TABLE(m) { WK_MIG_CREATE_TABLE, &(m), NULL, 0, NULL, NULL }
#define WK_ADD_COLUMN(m, field) \
	{ WK_MIG_ADD_COLUMN, &(m), field, 0, NULL, NULL }
#define WK_ADD_INDEX(m, fields, unique) \
	{ WK_MIG_ADD_INDEX, &(m), fields, unique, NULL, NULL }
#define WK_ADD_M2M(m, field) \
	{ WK_MIG_ADD_M2M, &(m), field, 0, NULL, NULL }
#define WK_RUN_C(fn) { WK_MIG_RUN_C, NULL, NULL, 0, fn, NULL }
#define WK_RUN_SQL(sql) { WK_MIG_RUN_SQL, NULL, NULL, 0, NULL, "" sql "" }

struct wk_migration {
	const char *name;              /* "0001_initial": unique per app */
	const struct wk_mig_op *ops;
	size_t nops;
};

#define WK_MIGRATION(name, ...) { name, \
	(const struct wk_mig_op[]){ __VA_ARGS__ }, \
	sizeof((const struct wk_mig_op[]){ __VA_ARGS__ }) / \
	sizeof(struct wk_mig_op) }

struct wk_schema {
	const char *app;               /* "blog", "auth": the namespace */
	int order;                     /* lower applies first (components
	                                  10, apps 100) */
	const struct wk_model *const *models;   /* NULL-terminated */
	const struct wk_migration *steps;
	size_t nsteps;
	/*
	 * Optional (Django's post_migrate signal): rows a component keeps
	 * about every app's models, such as auth's permissions.  When every
	 * pending step is applied, wk_migrate_run calls it once for each
	 * registered schema in order (app = that schema, this one's own
	 * included), all calls of all hooks in one transaction.  It runs on
	 * every migrate, so it must be idempotent.  Returns WK_DB_OK, or an
	 * error: the hooks' rows roll back and migrate fails (the steps stay
	 * applied).  a is freed after each call.  NULL: none.
	 */
	int (*post_migrate)(wk_arena *a, const struct wk_schema *app);
};

/*
 * wk_schema_register - add s to the binary's schemas (up to 16).  0, or -1
 * when full or already registered.
 */
int wk_schema_register(const struct wk_schema *s);

/*
 * Register s with the binary.  This runs no code at start-up: it puts a
 * pointer to s in the "wk_schemas" linker section, which the migration
 * code reads the first time it needs the list (a request that never
 * touches the database never looks at it).
 */
#define WK_SCHEMA_REGISTER(s) \
	static const struct wk_schema *const wk__schema_ptr_##s \
	__attribute__((used, section("wk_schemas"))) = &(s);

/*
 * wk_schema_reset - forget every registered schema (tests).
 */
void wk_schema_reset(void);

/*
 * wk_schema_at - the i-th registered schema (from 0) in the order migrate
 * applies them, or NULL past the last one (dumpdata walks them):
 *
 *   for (i = 0; (sc = wk_schema_at(i)) != NULL; i++) ...
 */
const struct wk_schema *wk_schema_at(size_t i);

/*
 * wk_migrate_run - apply every pending step of every schema in order to
 * the configured database (which must be open or openable; the migrate
 * command allows creating it first), then run the schemas' post_migrate
 * hooks.  Progress lines go to out (may be NULL).  Returns WK_DB_OK, or
 * the error of the failing step (which was rolled back; earlier steps
 * stay applied) or hook (its rows rolled back).
 */
int wk_migrate_run(FILE *out);

/*
 * wk_migrate_pending - how many steps are not applied yet (*n).
 * WK_DB_OK or an error.
 */
int wk_migrate_pending(size_t *n);

/*
 * wk_migrate_diff - what the models declare that the open database lacks
 * and no pending step provides (a new model without WK_CREATE_TABLE, a
 * new field without WK_ADD_COLUMN), and what the database has that the
 * models dropped or changed; one line per difference to out (may be
 * NULL).  *ndiff gets the count.  WK_DB_OK or an error.
 */
int wk_migrate_diff(FILE *out, int *ndiff);

/* migrate, showmigrations, diffmodels. */
extern const struct wk_command wk_db_commands[];

#endif /* WICK_MIGRATE_H */
