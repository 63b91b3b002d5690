/*
 * orm_bench.c - what the ORM costs over hand-written SQLite, in one run.
 *
 * A database of 1,000 blog posts is made in a temporary folder; then the
 * 20 newest published posts are read into struct blog_post rows (every
 * column, text copied into an arena) two ways:
 *
 *   bench_orm_request / bench_raw_request
 *       what one CGI request pays: open the connection, set it up, run the
 *       query once (prepare included, schema parse included), close.  The
 *       ORM side also runs its PRAGMAs and the schema-version check.
 *   bench_orm_query / bench_raw_query
 *       the query alone on an open connection with the statement prepared
 *       (the steady state): SQL building, cache look-up, binding, stepping
 *       and row conversion against prepare-once / bind / step / copy.
 *
 * Each function is noinline with an external name so that callgrind can
 * count it alone:
 *
 *   make build/bench/orm_bench
 *   for f in bench_orm_request bench_raw_request bench_orm_query \
 *            bench_raw_query; do
 *     valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *       --toggle-collect=$f build/bench/orm_bench 2>&1 | \
 *       sed -n "s/.*Collected : //p"
 *   done
 *
 * Without valgrind it prints median wall times per call and checks that
 * both ways return the same rows (exit 1 if not).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "../cgi-bin/blog/models.h"

#define POSTS 1000
#define PAGE 20
#define RUNS 50

static char path[128];

static const char raw_sql[] =
    "SELECT id, title, slug, body, author_name, created, published, author "
    "FROM blog_post WHERE published = ?1 "
    "ORDER BY created DESC, id DESC LIMIT ?2";

/* ---- the ORM way --------------------------------------------------------------------- */

__attribute__((noinline)) int bench_orm_query(wk_arena *a,
    struct blog_post **rows);
__attribute__((noinline)) int bench_raw_query(sqlite3_stmt *st,
    wk_arena *a, struct blog_post **rows);
__attribute__((noinline)) int bench_orm_request(wk_arena *a,
    struct blog_post **rows);
__attribute__((noinline)) int bench_raw_request(wk_arena *a,
    struct blog_post **rows);

/* The query itself; the two entry points below call it so that callgrind
 * can tell a request from a bare query. */
static int
orm_rows(wk_arena *a, struct blog_post **rows)
{
	struct wk_query q;
	struct blog_post *p;
	int n = 0, st;

	wk_q_init(&q, a, &blog_post_model);
	wk_q_filter(&q, "published", wk_val_bool(1));
	wk_q_order_by(&q, "-created,-id");
	wk_q_limit(&q, PAGE, 0);
	while ((st = wk_q_next(&q, (void **)&p)) == WK_DB_ROW)
		rows[n++] = p;
	return st == WK_DB_DONE ? n : -1;
}

int
bench_orm_query(wk_arena *a, struct blog_post **rows)
{
	return orm_rows(a, rows);
}

int
bench_orm_request(wk_arena *a, struct blog_post **rows)
{
	int n = orm_rows(a, rows);

	wk_db_close();
	return n;
}

/* ---- by hand ------------------------------------------------------------------------- */

static char *
copy_text(wk_arena *a, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return wk_arena_strndup(a, (const char *)t,
	    (size_t)sqlite3_column_bytes(st, col));
}

static int
raw_rows(sqlite3_stmt *st, wk_arena *a, struct blog_post **rows)
{
	int n = 0, rc;

	sqlite3_bind_int(st, 1, 1);
	sqlite3_bind_int(st, 2, PAGE);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct blog_post *p = wk_arena_alloc(a, sizeof(*p));
		if (p == NULL)
			return -1;
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(st, 0);
		p->title = copy_text(a, st, 1);
		p->slug = copy_text(a, st, 2);
		p->body = copy_text(a, st, 3);
		p->author_name = copy_text(a, st, 4);
		p->created = copy_text(a, st, 5);
		p->published = sqlite3_column_int(st, 6);
		if (sqlite3_column_type(st, 7) == SQLITE_NULL)
			wk_set_null(p, blog_post, author);
		else
			p->author = sqlite3_column_int64(st, 7);
		rows[n++] = p;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
bench_raw_query(sqlite3_stmt *st, wk_arena *a, struct blog_post **rows)
{
	return raw_rows(st, a, rows);
}

int
bench_raw_request(wk_arena *a, struct blog_post **rows)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(h, 5000);
	if (sqlite3_prepare_v2(h, raw_sql, -1, &st, NULL) == SQLITE_OK) {
		n = raw_rows(st, a, rows);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return n;
}

/* ---- harness ----------------------------------------------------------------------- */

static int
fill(void *ctx)
{
	struct blog_post p;
	char title[64], slug[32], created[32];
	int i, st;

	(void)ctx;
	for (i = 1; i <= POSTS; i++) {
		wk_model_init(&blog_post_model, &p);
		snprintf(title, sizeof(title), "Post %d: <b>bold</b> & more", i);
		snprintf(slug, sizeof(slug), "post-%d", i);
		snprintf(created, sizeof(created),
		    "2024-01-%02dT%02d:%02d:00Z", 1 + i / 100, (i / 60) % 24,
		    i % 60);
		p.title = title;
		p.slug = slug;
		p.body = "A body of some length, as blog posts have, with a "
		    "few sentences in it. And another one here.";
		p.author_name = "Bench";
		p.created = created;
		p.published = i % 10 != 0;
		if ((st = wk_orm_create(&blog_post_model, &p)) != WK_DB_OK)
			return st;
	}
	return WK_DB_OK;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static int
same_rows(struct blog_post **a, struct blog_post **b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i]->id != b[i]->id || strcmp(a[i]->title,
		    b[i]->title) != 0 || strcmp(a[i]->created,
		    b[i]->created) != 0 || strcmp(a[i]->body, b[i]->body) != 0)
			return 0;
	return 1;
}

int
main(void)
{
	struct blog_post *orows[PAGE], *rrows[PAGE];
	double t_or[RUNS], t_rr[RUNS], t_oq[RUNS], t_rq[RUNS];
	char dir[] = "/tmp/wick-bench-XXXXXX";
	char cmd[96];
	sqlite3 *h;
	sqlite3_stmt *st;
	wk_arena a;
	int i, n1, n2, ok = 1;

	wk_log_set_fd(-1);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/bench.sqlite3", dir);
	wk_db_set_path(path);
	wk_db_allow_create(1);
	if (wk_migrate_run(NULL) != WK_DB_OK ||
	    wk_db_atomic(fill, NULL) != WK_DB_OK) {
		fprintf(stderr, "setup: %s\n", wk_db_last_error());
		return 1;
	}
	wk_db_close();
	wk_db_allow_create(0);  /* requests: open read-write, check schema */
	wk_arena_init(&a);

	/* One request each way: open, query, close. */
	for (i = 0; i < RUNS; i++) {
		double t0 = now_us();
		n1 = bench_orm_request(&a, orows);
		t_or[i] = now_us() - t0;
		t0 = now_us();
		n2 = bench_raw_request(&a, rrows);
		t_rr[i] = now_us() - t0;
		ok &= n1 == PAGE && n2 == PAGE && same_rows(orows, rrows,
		    PAGE);
		wk_arena_free(&a);
	}
	/* The query alone, connections open and statements prepared. */
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(h, raw_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return 1;
	orm_rows(&a, orows);  /* open, and warm the ORM's cache */
	for (i = 0; i < RUNS; i++) {
		double t0 = now_us();
		n1 = bench_orm_query(&a, orows);
		t_oq[i] = now_us() - t0;
		t0 = now_us();
		n2 = bench_raw_query(st, &a, rrows);
		t_rq[i] = now_us() - t0;
		ok &= n1 == PAGE && n2 == PAGE && same_rows(orows, rrows,
		    PAGE);
		wk_arena_free(&a);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	wk_db_close();

	qsort(t_or, RUNS, sizeof(double), cmp_double);
	qsort(t_rr, RUNS, sizeof(double), cmp_double);
	qsort(t_oq, RUNS, sizeof(double), cmp_double);
	qsort(t_rq, RUNS, sizeof(double), cmp_double);
	printf("orm_bench: 20 newest of %d posts, median of %d runs\n",
	    POSTS, RUNS);
	printf("  per request (open+query+close): orm %.1f us, raw %.1f us, "
	    "ratio %.3f\n", t_or[RUNS / 2], t_rr[RUNS / 2],
	    t_or[RUNS / 2] / t_rr[RUNS / 2]);
	printf("  query only (prepared):          orm %.1f us, raw %.1f us, "
	    "ratio %.3f\n", t_oq[RUNS / 2], t_rq[RUNS / 2],
	    t_oq[RUNS / 2] / t_rq[RUNS / 2]);
	printf("  same rows both ways: %s\n", ok ? "yes" : "NO");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok = 0;
	return ok ? 0 : 1;
}
