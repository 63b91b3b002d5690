/*
 * test_db.c - the connection layer: lazy opening (/hello never opens the
 * database), a missing database is never created by a request, error
 * classes for missing / corrupt / read-only / full / behind-schema
 * databases and their 503 answers, nested atomic blocks, BEGIN IMMEDIATE
 * under contention from several processes, and kill -9 in the middle of
 * a multi-row transaction, twenty times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/core/settings.h"
#include "wick/front/testclient.h"
#include "fixture/fixture.h"

#define T_ITEM(F, M) \
	F(M, batch, INT) \
	F(M, n, INT, .def = "0") \
	F(M, payload, BLOB, .flags = WK_NULL)
WK_MODEL_STRUCT(t_item, T_ITEM)
WK_MODEL_DEFINE(t_item, T_ITEM)

static const struct wk_model *const t_models[] = { &t_item_model, NULL };
static const struct wk_migration t_steps[] = {
	WK_MIGRATION("0001_items", WK_CREATE_TABLE(t_item_model)),
};
static const struct wk_schema t_schema = {
	.app = "dbt", .order = 100, .models = t_models, .steps = t_steps,
	.nsteps = 1,
};

/* The same app with one more step: the "upgraded binary".  The data
 * migration takes a while and leaves a mark per run in runs_path. */
static char runs_path[160];

static int
t_fill(wk_arena *a)
{
	FILE *f;

	(void)a;
	if (runs_path[0] != '\0') {
		f = fopen(runs_path, "a");
		if (f == NULL)
			return WK_DB_ERROR;
		fputs("run\n", f);
		fclose(f);
		usleep(200 * 1000);
	}
	return WK_DB_OK;
}
static const struct wk_migration t_steps2[] = {
	WK_MIGRATION("0001_items", WK_CREATE_TABLE(t_item_model)),
	WK_MIGRATION("0002_noop", WK_RUN_C(t_fill)),
};
static const struct wk_schema t_schema2 = {
	.app = "dbt", .order = 100, .models = t_models, .steps = t_steps2,
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
	snprintf(dir, sizeof(dir), "/tmp/wick-db-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/db.sqlite3", dir);
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&t_schema), 0);
	assert_int_equal(wk_db_set_path(path), 0);
	wk_db_allow_create(0);
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
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* Create and migrate the file database, then go back to request mode. */
static void
make_db(void)
{
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_close();
	wk_db_allow_create(0);
}

static int
add_item(int batch, int n)
{
	struct t_item it;

	wk_model_init(&t_item_model, &it);
	it.batch = batch;
	it.n = n;
	return wk_orm_create(&t_item_model, &it);
}

static long long
count_items(void)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, &t_item_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

/* ---- opening ------------------------------------------------------------------------ */

static void
test_lazy_open_hello(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;
	struct wk_settings s;

	(void)state;
	wk_settings_defaults(&s);
	s.database = path;
	wk_db_configure(&s, "fixture");
	assert_false(wk_db_is_open());
	assert_int_equal(wk_test_client_init(&c, &fixture_app, &s), 0);
	assert_int_equal(wk_test_get(&c, "/hello", &r), 0);
	assert_int_equal(r.status, 200);
	assert_false(wk_db_is_open());
	assert_int_equal(access(path, F_OK), -1);  /* never created */
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_default_path(void **state)
{
	struct wk_settings s;
	const char *p;
	char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	(void)state;
	wk_settings_defaults(&s);
	s.database = NULL;
	setenv("HOME", "/home/someone", 1);
	wk_db_configure(&s, "blog");
	p = wk_db_path();
	assert_non_null(p);
	assert_string_equal(p, "/home/someone/.local/share/wick/blog.sqlite3");
	unsetenv("HOME");  /* as under Apache: from the password file */
	wk_db_configure(&s, "blog");
	p = wk_db_path();
	assert_non_null(p);
	assert_non_null(strstr(p, "/.local/share/wick/blog.sqlite3"));
	if (old != NULL) {
		setenv("HOME", old, 1);
		free(old);
	}
	wk_db_set_path(path);
}

static void
test_missing_not_created(void **state)
{
	struct wk_request req;
	struct wk_response resp;
	int st;

	(void)state;
	{
		struct wk_query q;
		long long n;
		wk_q_init(&q, &arena, &t_item_model);
		st = wk_q_count(&q, &n);
	}
	assert_int_equal(st, WK_DB_MISSING);
	assert_int_equal(access(path, F_OK), -1);
	assert_non_null(strstr(wk_db_last_error(), "migrate"));
	/* Sticky: fails fast again, still not created. */
	assert_int_equal(add_item(1, 1), WK_DB_MISSING);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(wk_db_http_status(st), 503);
	/* The answer: 503 with Retry-After, JSON body, nothing leaked. */
	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_db_respond(&req, &resp, st, 1), 0);
	assert_int_equal(resp.status, 503);
	assert_string_equal(wk_response_header(&resp, "Retry-After"), "5");
	assert_null(strstr(wk_buf_cstr(&resp.body), dir));
}

static void
test_corrupt(void **state)
{
	int fd;
	static const char junk[] = "this is not a database, it is a text file "
	    "that happens to be long enough to hold a header......"
	    "..........................................................";

	(void)state;
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	close(fd);
	assert_int_equal(add_item(1, 1), WK_DB_CORRUPT);
	assert_int_equal(wk_db_http_status(WK_DB_CORRUPT), 503);
}

static void
test_needs_migration_and_auto(void **state)
{
	struct wk_settings s;
	int fd;

	(void)state;
	/* An empty file: exists, but no schema. */
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(add_item(1, 1), WK_DB_NEEDS_MIGRATION);
	wk_db_set_path(path);
	make_db();
	assert_int_equal(add_item(1, 1), WK_DB_OK);
	wk_db_close();
	/* The binary is upgraded: one more step. */
	wk_schema_reset();
	wk_schema_register(&t_schema2);
	wk_db_set_path(path);
	assert_int_equal(add_item(1, 2), WK_DB_NEEDS_MIGRATION);
	assert_non_null(strstr(wk_db_last_error(), "1 step"));
	/* auto_migrate: the first request applies it. */
	wk_settings_defaults(&s);
	s.database = path;
	s.auto_migrate = 1;
	wk_db_configure(&s, "dbt");
	assert_int_equal(add_item(1, 3), WK_DB_OK);
	assert_int_equal(count_items(), 2);
	{
		size_t n = 99;
		assert_int_equal(wk_migrate_pending(&n), WK_DB_OK);
		assert_int_equal(n, 0);
	}
}

/* Run fn in a child that drops root (so file modes bite).  Returns the
 * child's exit status. */
static int
as_nobody(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		wk_db_forget();
		if (geteuid() == 0 && (setgid(65534) != 0 ||
		    setuid(65534) != 0))
			_exit(100);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
write_one(void)
{
	return add_item(7, 7);
}

static void
test_readonly(void **state)
{
	int st;

	(void)state;
	make_db();
	/* World-readable file and folder, writable by root only; when the
	 * tests do not run as root, by nobody at all. */
	if (geteuid() == 0) {
		assert_int_equal(chmod(path, 0644), 0);
		assert_int_equal(chmod(dir, 0755), 0);
	} else {
		assert_int_equal(chmod(path, 0444), 0);
		assert_int_equal(chmod(dir, 0555), 0);
	}
	st = as_nobody(write_one);
	if (st == 100)
		skip();
	assert_true(st == WK_DB_READONLY);
	assert_int_equal(wk_db_http_status(st), 503);
}

static void
test_full(void **state)
{
	static unsigned char big[8192];
	struct wk_raw r;
	struct t_item it;
	int st = WK_DB_OK, i;

	(void)state;
	make_db();
	assert_int_equal(wk_raw(&r, &arena, "PRAGMA max_page_count = 12",
	    NULL, 0), WK_DB_OK);
	while (wk_raw_next(&r) == WK_DB_ROW)
		;
	wk_raw_close(&r);
	for (i = 0; i < 50 && st == WK_DB_OK; i++) {
		wk_model_init(&t_item_model, &it);
		it.payload.data = big;
		it.payload.len = sizeof(big);
		wk_clear_null(&it, t_item, payload);
		st = wk_orm_create(&t_item_model, &it);
	}
	assert_int_equal(st, WK_DB_FULL);
	assert_int_equal(wk_db_http_status(st), 503);
	/* The failed write left no transaction open. */
	assert_int_equal(wk_db_depth(), 0);
}

/* ---- transactions -------------------------------------------------------------------- */

static void
test_nested_atomic(void **state)
{
	(void)state;
	make_db();
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	assert_int_equal(add_item(1, 1), WK_DB_OK);
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	assert_int_equal(wk_db_depth(), 2);
	assert_int_equal(add_item(1, 2), WK_DB_OK);
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	assert_int_equal(add_item(1, 3), WK_DB_OK);
	assert_int_equal(wk_db_commit(), WK_DB_OK);   /* 3 kept in level 2 */
	assert_int_equal(count_items(), 3);
	assert_int_equal(wk_db_rollback(), WK_DB_OK); /* drops 2 and 3 */
	assert_int_equal(count_items(), 1);
	assert_int_equal(add_item(1, 4), WK_DB_OK);
	assert_int_equal(wk_db_commit(), WK_DB_OK);
	assert_int_equal(wk_db_depth(), 0);
	assert_int_equal(count_items(), 2);
	/* Outer rollback undoes committed inner blocks. */
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	assert_int_equal(add_item(2, 1), WK_DB_OK);
	assert_int_equal(wk_db_commit(), WK_DB_OK);
	assert_int_equal(wk_db_rollback(), WK_DB_OK);
	assert_int_equal(count_items(), 2);
	/* Misuse is an error, not a crash. */
	assert_int_equal(wk_db_commit(), WK_DB_ERROR);
	assert_int_equal(wk_db_rollback(), WK_DB_ERROR);
}

static int
atomic_fails(void *ctx)
{
	(void)ctx;
	assert_int_equal(add_item(3, 1), WK_DB_OK);
	assert_int_equal(add_item(3, 2), WK_DB_OK);
	return WK_DB_INVALID;
}

static int
atomic_inner_fails(void *ctx)
{
	(void)ctx;
	assert_int_equal(add_item(4, 1), WK_DB_OK);
	/* inner block fails; the outer one goes on */
	assert_int_equal(wk_db_atomic(atomic_fails, NULL), WK_DB_INVALID);
	return WK_DB_OK;
}

static void
test_atomic_fn(void **state)
{
	(void)state;
	make_db();
	assert_int_equal(wk_db_atomic(atomic_fails, NULL), WK_DB_INVALID);
	assert_int_equal(count_items(), 0);
	assert_int_equal(wk_db_atomic(atomic_inner_fails, NULL), WK_DB_OK);
	assert_int_equal(count_items(), 1);
}

/* ---- many processes ------------------------------------------------------------------ */

#define WRITERS 4
#define INCREMENTS 150

/* Read-modify-write of one counter row in an atomic block. */
static int
bump(void *ctx)
{
	struct t_item *it;
	int st;

	(void)ctx;
	st = wk_orm_get(&arena, &t_item_model, 1, (void **)&it);
	if (st != WK_DB_OK)
		return st;
	it->n++;
	return wk_orm_save(&t_item_model, it);
}

static void
test_contention(void **state)
{
	pid_t pids[WRITERS];
	struct t_item *it;
	int i, status;

	(void)state;
	make_db();
	assert_int_equal(add_item(0, 0), WK_DB_OK);
	wk_db_close();
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int k, st;
			wk_db_forget();
			for (k = 0; k < INCREMENTS; k++) {
				st = wk_db_atomic(bump, NULL);
				if (st != WK_DB_OK) {
					fprintf(stderr, "writer: %s\n",
					    wk_db_last_error());
					_exit(10 + st);
				}
			}
			wk_db_close();
			_exit(0);
		}
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(wk_orm_get(&arena, &t_item_model, 1, (void **)&it),
	    WK_DB_OK);
	/* No lost update: BEGIN IMMEDIATE serialised the writers. */
	assert_int_equal(it->n, WRITERS * INCREMENTS);
}

/* A writer holding the lock past db_busy_timeout_ms: the statement waits
 * the timeout once (the busy handler and wk__db_step's retries share one
 * clock; they used to wait it twice) and answers WK_DB_BUSY. */
static void
test_busy_waits_once(void **state)
{
	struct wk_settings s;
	struct timespec t0, t1;
	sqlite3 *other;
	long ms;

	(void)state;
	make_db();
	wk_settings_defaults(&s);
	s.database = path;
	s.db_busy_timeout_ms = 300;
	wk_db_configure(&s, "dbt");
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	assert_int_equal(add_item(1, 1), WK_DB_BUSY);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* Twice the timeout is 600 ms; the slack is for a loaded machine. */
	assert_in_range(ms, 280, 540);
	/* Once the lock is free the same write goes through. */
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(add_item(1, 2), WK_DB_OK);
	assert_int_equal(count_items(), 1);
	sqlite3_close(other);
}

#define MIGRATORS 6

/* auto_migrate under concurrency: several "first requests" after an
 * upgrade; one applies the step, the others wait for the lock and find it
 * done.  The data migration runs exactly once. */
static void
test_auto_migrate_concurrent(void **state)
{
	pid_t pids[MIGRATORS];
	struct wk_settings s;
	char line[16];
	FILE *f;
	int i, status, runs = 0;

	(void)state;
	make_db();
	snprintf(runs_path, sizeof(runs_path), "%s/runs", dir);
	wk_schema_reset();
	wk_schema_register(&t_schema2);
	wk_settings_defaults(&s);
	s.database = path;
	s.auto_migrate = 1;
	for (i = 0; i < MIGRATORS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			wk_db_forget();
			wk_db_configure(&s, "dbt");
			_exit(add_item(9, i));
		}
	}
	for (i = 0; i < MIGRATORS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), WK_DB_OK);
	}
	f = fopen(runs_path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		runs++;
	fclose(f);
	runs_path[0] = '\0';
	assert_int_equal(runs, 1);
	wk_db_set_path(path);
	assert_int_equal(count_items(), MIGRATORS);
}

#define CRASH_ROUNDS 20
#define CRASH_ROWS 200

static void
test_kill9_mid_transaction(void **state)
{
	int round;

	(void)state;
	make_db();
	for (round = 0; round < CRASH_ROUNDS; round++) {
		int p[2], status;
		char c;
		pid_t pid;

		assert_int_equal(pipe(p), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int k;
			close(p[0]);
			wk_db_forget();
			if (wk_db_begin() != WK_DB_OK)
				_exit(1);
			for (k = 0; k < CRASH_ROWS; k++) {
				if (add_item(1000 + round, k) != WK_DB_OK)
					_exit(2);
				if (k == CRASH_ROWS / 2) {
					/* tell the parent: kill me now */
					if (write(p[1], "x", 1) != 1)
						_exit(3);
					for (;;)
						pause();
				}
			}
			_exit(4);
		}
		close(p[1]);
		assert_int_equal(read(p[0], &c, 1), 1);
		close(p[0]);
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		/* The next "request" succeeds and sees none of the rows. */
		wk_db_close();
		assert_int_equal(add_item(round, 1), WK_DB_OK);
		assert_int_equal(count_items(), round + 1);
	}
	wk_db_close();
	{
		sqlite3 *h;
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check",
		    -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
		    "ok");
		sqlite3_finalize(st);
		sqlite3_close(h);
	}
}

/* Many small write requests keep the WAL short (the next process reads
 * all of its valid frames to rebuild the WAL index). */
static void
test_wal_stays_short(void **state)
{
	char wal[160];
	struct stat sb;
	int i;

	(void)state;
	make_db();
	for (i = 0; i < 300; i++)
		assert_int_equal(add_item(7, i), WK_DB_OK);  /* 300 commits */
	assert_int_equal(count_items(), 300);
	assert_true(snprintf(wal, sizeof(wal), "%s-wal", path) <
	    (int)sizeof(wal));
	assert_int_equal(stat(wal, &sb), 0);
	/* SQLite's default (1,000 pages) would let it pass 300 frames */
	assert_true(sb.st_size < 100 * (4096 + 24));
}

static void
test_status_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < WK_DB__MAX; i++)
		assert_non_null(wk_db_status_name(i));
	assert_string_equal(wk_db_status_name(-3), "unknown");
	assert_int_equal(wk_db_http_status(WK_DB_NOT_FOUND), 404);
	assert_int_equal(wk_db_http_status(WK_DB_INVALID), 400);
	assert_int_equal(wk_db_http_status(WK_DB_BUSY), 503);
	assert_int_equal(wk_db_http_status(WK_DB_MULTIPLE), 500);
	assert_int_equal(wk_db_http_status(WK_DB_ERROR), 500);
	{
		char now[32];
		assert_int_equal(wk_db_now(now, sizeof(now)), 0);
		assert_int_equal(strlen(now), 20);
		assert_int_equal(now[19], 'Z');
		assert_int_equal(wk_db_now(now, 5), -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_lazy_open_hello),
		T(test_default_path),
		T(test_missing_not_created),
		T(test_corrupt),
		T(test_needs_migration_and_auto),
		T(test_readonly),
		T(test_full),
		T(test_nested_atomic),
		T(test_atomic_fn),
		T(test_contention),
		T(test_busy_waits_once),
		T(test_auto_migrate_concurrent),
		T(test_kill9_mid_transaction),
		T(test_wal_stays_short),
		cmocka_unit_test(test_status_names),
	};

	wk_log_set_fd(-1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
