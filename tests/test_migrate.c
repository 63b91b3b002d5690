/*
 * test_migrate.c - migration steps: applied once and recorded, idempotent
 * when run again, a failing step rolled back whole (never half applied),
 * ADD_COLUMN on old and fresh databases, data migrations, the model diff
 * (diffmodels) and the migrate / showmigrations commands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/core/settings.h"

#define M_NOTE(F, M) \
	F(M, text, TEXT) \
	F(M, stars, INT, .def = "3") \
	F(M, tag, TEXT, .flags = WK_NULL | WK_INDEX)
WK_MODEL_STRUCT(m_note, M_NOTE)
WK_MODEL_DEFINE(m_note, M_NOTE)

#define M_OTHER(F, M) \
	F(M, label, TEXT, .flags = WK_UNIQUE)
WK_MODEL_STRUCT(m_other, M_OTHER)
WK_MODEL_DEFINE(m_other, M_OTHER)

/* Two links: one gets the automatic FK index, one opts out. */
#define M_LINK(F, M) \
	F(M, a, FK, .to = &m_note_model, .on_delete = WK_CASCADE) \
	F(M, b, FK, .to = &m_note_model, .on_delete = WK_CASCADE, \
	    .flags = WK_NO_INDEX)
WK_MODEL_STRUCT(m_link, M_LINK)
WK_MODEL_DEFINE(m_link, M_LINK)

static const struct wk_model *const m_models[] = { &m_note_model, NULL };
static const struct wk_model *const m_models2[] = {
	&m_note_model, &m_other_model, NULL
};

static int data_runs;

/* A data migration: fill in notes through the ORM. */
static int
add_notes(wk_arena *a)
{
	struct m_note n;
	int i, st;

	(void)a;
	data_runs++;
	for (i = 0; i < 3; i++) {
		wk_model_init(&m_note_model, &n);
		n.text = "seeded";
		if ((st = wk_orm_create(&m_note_model, &n)) != WK_DB_OK)
			return st;
	}
	return WK_DB_OK;
}

static int
fails_after_writing(wk_arena *a)
{
	struct m_other o;

	(void)a;
	wk_model_init(&m_other_model, &o);
	o.label = "half";
	assert_int_equal(wk_orm_create(&m_other_model, &o), WK_DB_OK);
	return WK_DB_ERROR;
}

static const struct wk_migration steps_v1[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(m_note_model)),
	WK_MIGRATION("0002_data", WK_RUN_C(add_notes)),
};
static const struct wk_schema schema_v1 = {
	.app = "m", .order = 100, .models = m_models, .steps = steps_v1,
	.nsteps = 2,
};

/* v2: a new model and a column step; v2bad: its step fails half-way. */
static const struct wk_migration steps_v2[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(m_note_model)),
	WK_MIGRATION("0002_data", WK_RUN_C(add_notes)),
	WK_MIGRATION("0003_tag", WK_ADD_COLUMN(m_note_model, "tag")),
	WK_MIGRATION("0004_other", WK_CREATE_TABLE(m_other_model),
	    WK_ADD_INDEX(m_note_model, "stars,text", 0)),
};
static const struct wk_schema schema_v2 = {
	.app = "m", .order = 100, .models = m_models2, .steps = steps_v2,
	.nsteps = 4,
};
static const struct wk_migration steps_bad[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(m_note_model)),
	WK_MIGRATION("0002_data", WK_RUN_C(add_notes)),
	WK_MIGRATION("0003_bad", WK_CREATE_TABLE(m_other_model),
	    WK_RUN_C(fails_after_writing)),
};
static const struct wk_schema schema_bad = {
	.app = "m", .order = 100, .models = m_models2, .steps = steps_bad,
	.nsteps = 3,
};
static const struct wk_migration steps_badsql[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(m_note_model)),
	WK_MIGRATION("0002_sql", WK_RUN_SQL("CREATE TABLE junk (x)"),
	    WK_RUN_SQL("THIS IS NOT SQL")),
};
static const struct wk_schema schema_badsql = {
	.app = "m", .order = 100, .models = m_models, .steps = steps_badsql,
	.nsteps = 2,
};

static char dir[64];
static char path[128];
static wk_arena arena;

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	snprintf(dir, sizeof(dir), "/tmp/wick-mig-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/db.sqlite3", dir);
	wk_schema_reset();
	data_runs = 0;
	assert_int_equal(wk_db_set_path(path), 0);
	wk_db_allow_create(1);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	wk_db_close();
	wk_db_allow_create(0);
	wk_arena_free(&arena);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static long long
raw_count(const char *what)
{
	struct wk_raw r;
	struct wk_value v = wk_val_str(what);
	long long n = -1;

	assert_int_equal(wk_raw(&r, &arena, "SELECT count(*) FROM "
	    "sqlite_schema WHERE name = ?", &v, 1), WK_DB_OK);
	assert_int_equal(wk_raw_next(&r), WK_DB_ROW);
	n = wk_raw_col(&r, 0).u.i;
	wk_raw_close(&r);
	return n;
}

static long long
applied_count(void)
{
	struct wk_raw r;
	long long n;

	assert_int_equal(wk_raw(&r, &arena, "SELECT count(*) FROM "
	    "wick_migrations", NULL, 0), WK_DB_OK);
	assert_int_equal(wk_raw_next(&r), WK_DB_ROW);
	n = wk_raw_col(&r, 0).u.i;
	wk_raw_close(&r);
	return n;
}

static void
test_apply_idempotent(void **state)
{
	struct wk_query q;
	long long n;
	size_t pending;

	(void)state;
	wk_schema_register(&schema_v1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);  /* creates dirs */
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(data_runs, 1);
	assert_int_equal(applied_count(), 2);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(data_runs, 1);                     /* not again */
	assert_int_equal(applied_count(), 2);
	assert_int_equal(wk_migrate_pending(&pending), WK_DB_OK);
	assert_int_equal(pending, 0);
	wk_q_init(&q, &arena, &m_note_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 3);
	/* the tag index of the model came with CREATE_TABLE */
	assert_int_equal(raw_count("m_note__tag"), 1);
}

static const struct wk_model *const link_models[] = {
	&m_note_model, &m_link_model, NULL
};
static const struct wk_migration link_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(m_note_model),
	    WK_CREATE_TABLE(m_link_model)),
};
static const struct wk_schema link_schema = {
	.app = "m", .order = 100, .models = link_models, .steps = link_steps,
	.nsteps = 1,
};

/* Every FK gets an index unless it says WK_NO_INDEX. */
static void
test_fk_index_opt_out(void **state)
{
	(void)state;
	wk_schema_register(&link_schema);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(raw_count("m_link__a"), 1);
	assert_int_equal(raw_count("m_link__b"), 0);
}

static void
test_upgrade_add_column(void **state)
{
	struct m_note *nt;
	size_t pending;

	(void)state;
	wk_schema_register(&schema_v1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	/* Make the database look like it predates the tag field. */
	assert_int_equal(wk_raw_exec(&arena, "DROP INDEX m_note__tag", NULL,
	    0, NULL), WK_DB_OK);
	assert_int_equal(wk_raw_exec(&arena, "ALTER TABLE m_note DROP COLUMN "
	    "tag", NULL, 0, NULL), WK_DB_OK);
	wk_schema_reset();
	wk_schema_register(&schema_v2);
	assert_int_equal(wk_migrate_pending(&pending), WK_DB_OK);
	assert_int_equal(pending, 2);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(applied_count(), 4);
	assert_int_equal(raw_count("m_note__tag"), 1);
	assert_int_equal(raw_count("m_other"), 1);
	assert_int_equal(raw_count("m_note__stars_text"), 1);
	assert_int_equal(wk_orm_get(&arena, &m_note_model, 1, (void **)&nt),
	    WK_DB_OK);
	assert_true(wk_is_null(nt, m_note, tag));
	assert_int_equal(nt->stars, 3);
}

static void
test_fresh_db_add_column_noop(void **state)
{
	(void)state;
	/* Fresh: 0001 builds the current model; 0003 finds tag there. */
	wk_schema_register(&schema_v2);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(applied_count(), 4);
	assert_int_equal(data_runs, 1);
}

static void
test_failing_step_rolls_back(void **state)
{
	size_t pending;

	(void)state;
	wk_schema_register(&schema_bad);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_ERROR);
	/* 0001 and 0002 stay; 0003 left nothing behind */
	assert_int_equal(applied_count(), 2);
	assert_int_equal(raw_count("m_other"), 0);
	assert_int_equal(raw_count("m_other__label__uniq"), 0);
	assert_int_equal(wk_migrate_pending(&pending), WK_DB_OK);
	assert_int_equal(pending, 1);
	assert_int_equal(wk_db_depth(), 0);
	/* and again: same failure, still nothing half-done */
	assert_int_equal(wk_migrate_run(NULL), WK_DB_ERROR);
	assert_int_equal(raw_count("m_other"), 0);
	assert_int_equal(data_runs, 1);
}

static void
test_failing_sql_rolls_back(void **state)
{
	(void)state;
	wk_schema_register(&schema_badsql);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_ERROR);
	assert_int_equal(applied_count(), 1);
	assert_int_equal(raw_count("junk"), 0);
	assert_non_null(strstr(wk_db_last_error(), "syntax"));
}

static void
test_diff(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int n = -1;

	(void)state;
	/* Empty database, steps pending: covered, no difference. */
	wk_schema_register(&schema_v2);
	assert_int_equal(wk_db_connect(), WK_DB_OK);
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	/* A field that the database lacks and no pending step adds. */
	assert_int_equal(wk_raw_exec(&arena, "DROP INDEX m_note__tag", NULL,
	    0, NULL), WK_DB_OK);
	assert_int_equal(wk_raw_exec(&arena, "ALTER TABLE m_note DROP COLUMN "
	    "tag", NULL, 0, NULL), WK_DB_OK);
	/* A column the models no longer declare. */
	assert_int_equal(wk_raw_exec(&arena, "ALTER TABLE m_other ADD COLUMN "
	    "old TEXT", NULL, 0, NULL), WK_DB_OK);
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(wk_migrate_diff(out, &n), WK_DB_OK);
	fclose(out);
	assert_int_equal(n, 2);
	assert_non_null(strstr(buf, "m_note.tag: new field"));
	assert_non_null(strstr(buf, "WK_ADD_COLUMN(m_note_model, \"tag\")"));
	assert_non_null(strstr(buf, "m_other.old"));
	free(buf);
	/* A model without any table or step. */
	assert_int_equal(wk_raw_exec(&arena, "DROP TABLE m_other", NULL, 0,
	    NULL), WK_DB_OK);
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 2);  /* tag + m_other */
}

static const struct wk_command *const no_cmds[] = { wk_db_commands, NULL };
static const struct wk_app m_app = { .name = "m", .commands = no_cmds };

static int
run_cmd(const char *name, char **output)
{
	const struct wk_command *c;
	struct wk_settings s;
	char *argv[] = { (char *)(uintptr_t)"app", (char *)(uintptr_t)name,
	    NULL };
	int rc, saved;
	FILE *tmp;
	size_t n;

	wk_settings_defaults(&s);
	s.database = path;
	for (c = wk_db_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			break;
	assert_non_null(c->name);
	fflush(stdout);
	tmp = tmpfile();
	assert_non_null(tmp);
	saved = dup(1);
	dup2(fileno(tmp), 1);
	rc = c->run(&m_app, &s, 2, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(tmp);
	*output = calloc(1, 8192);
	n = fread(*output, 1, 8191, tmp);
	(*output)[n] = '\0';
	fclose(tmp);
	return rc;
}

static void
test_commands(void **state)
{
	char *out;

	(void)state;
	wk_db_allow_create(0);
	wk_schema_register(&schema_v1);
	assert_int_equal(run_cmd("showmigrations", &out), 0);
	assert_non_null(strstr(out, "does not exist"));
	assert_non_null(strstr(out, " [ ] 0001_initial"));
	free(out);
	assert_int_equal(access(path, F_OK), -1);  /* show never creates */
	assert_int_equal(run_cmd("diffmodels", &out), 0);
	free(out);
	assert_int_equal(run_cmd("migrate", &out), 0);
	assert_non_null(strstr(out, "Applying m.0001_initial... OK"));
	assert_non_null(strstr(out, "Applying m.0002_data... OK"));
	free(out);
	assert_int_equal(run_cmd("migrate", &out), 0);
	assert_null(strstr(out, "Applying"));
	free(out);
	assert_int_equal(run_cmd("showmigrations", &out), 0);
	assert_non_null(strstr(out, " [X] 0002_data"));
	free(out);
	/* upgraded binary with a new model, no step for it */
	wk_schema_reset();
	{
		static const struct wk_schema v1_plus = {
			.app = "m", .order = 100, .models = m_models2,
			.steps = steps_v1, .nsteps = 2,
		};
		wk_schema_register(&v1_plus);
	}
	assert_int_equal(run_cmd("diffmodels", &out), 1);
	assert_non_null(strstr(out, "m_other: new model"));
	free(out);
}

static void
test_register(void **state)
{
	static const struct wk_schema a = { .app = "a", .order = 10 };
	static const struct wk_schema b = { .app = "b", .order = 5 };
	static const struct wk_schema a2 = { .app = "a", .order = 1 };

	(void)state;
	assert_int_equal(wk_schema_register(&a), 0);
	assert_int_equal(wk_schema_register(&b), 0);
	assert_int_equal(wk_schema_register(&a), -1);
	assert_int_equal(wk_schema_register(&a2), -1);  /* same namespace */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_apply_idempotent),
		T(test_fk_index_opt_out),
		T(test_upgrade_add_column),
		T(test_fresh_db_add_column_noop),
		T(test_failing_step_rolls_back),
		T(test_failing_sql_rolls_back),
		T(test_diff),
		T(test_commands),
		T(test_register),
	};

	wk_log_set_fd(-1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
