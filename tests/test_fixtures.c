/*
 * test_fixtures.c - dumpdata / loaddata (src/db/fixtures.c) against real
 * SQLite: labels, a dump that loads back into an empty database as the
 * same text (integer, text and UUID keys, a foreign key, NULL, booleans,
 * reals, blobs), upserts by pk, and every bad fixture refused whole:
 * bad JSON, not an array, unknown model, key or field, a wrong type, a
 * value the model refuses, a foreign key to no row - with nothing of the
 * load (nor of the other fixtures of it) left behind.
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

#include "wick/core/log.h"
#include "wick/core/settings.h"
#include "wick/db/db.h"
#include "wick/db/fixtures.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/db/pk.h"

#define FT_WRITER(F, M) \
	F(M, name, TEXT, .max_length = 20) \
	F(M, country, TEXT, .flags = WK_NULL)
WK_MODEL_STRUCT(ft_writer, FT_WRITER)
WK_MODEL_DEFINE(ft_writer, FT_WRITER)

#define FT_BOOK(F, M) \
	F(M, writer, FK, .to = &ft_writer_model, .on_delete = WK_CASCADE, \
	    .flags = WK_NULL) \
	F(M, title, TEXT) \
	F(M, pages, INT, .def = "0") \
	F(M, price, REAL, .flags = WK_NULL) \
	F(M, done, BOOL, .def = "0") \
	F(M, cover, BLOB, .flags = WK_NULL) \
	F(M, out, DATE, .flags = WK_NULL)
WK_MODEL_STRUCT(ft_book, FT_BOOK)
WK_MODEL_DEFINE(ft_book, FT_BOOK)

#define FT_COUNTRY(F, M) F(M, label, TEXT, .max_length = 50)
WK_MODEL_STRUCT_PK(ft_country, FT_COUNTRY, code)
WK_MODEL_DEFINE_TEXT_PK(ft_country, FT_COUNTRY, code, 2)

#define FT_ORDER(F, M) F(M, total, REAL, .def = "0")
WK_MODEL_STRUCT_PK(ft_order, FT_ORDER, uuid)
WK_MODEL_DEFINE_UUID_PK(ft_order, FT_ORDER, uuid)

static const struct wk_model *const ft_models[] = {
	&ft_writer_model, &ft_book_model, &ft_country_model, &ft_order_model,
	NULL
};
static const struct wk_migration ft_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(ft_writer_model),
	    WK_CREATE_TABLE(ft_book_model), WK_CREATE_TABLE(ft_country_model),
	    WK_CREATE_TABLE(ft_order_model)),
};
static const struct wk_schema ft_schema = {
	.app = "ft", .order = 100, .models = ft_models, .steps = ft_steps,
	.nsteps = 1,
};

static wk_arena arena;
static char err[1024];

static void
fresh_db(void)
{
	wk_db_close();
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
}

static int
setup(void **state)
{
	(void)state;
	wk_log_set_fd(-1);
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&ft_schema), 0);
	wk_arena_init(&arena);
	fresh_db();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_db_close();
	wk_arena_free(&arena);
	return 0;
}

static long long
count(const struct wk_model *m)
{
	struct wk_query q;
	long long n = -1;

	wk_q_init(&q, &arena, m);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	return n;
}

/* Load one fixture given as text. */
static int
load(const char *text, size_t *n)
{
	struct wk_fixture fx = { "t.json", text, strlen(text) };

	return wk_fixtures_load(&arena, &fx, 1, n, err, sizeof(err));
}

static const char *
dump(const char *const *labels, size_t n)
{
	wk_buf out;

	wk_buf_init(&out, &arena);
	assert_int_equal(wk_fixtures_dump(&arena, labels, n, &out, err,
	    sizeof(err)), WK_DB_OK);
	return wk_buf_cstr(&out);
}

static void
test_labels(void **state)
{
	char label[64];

	(void)state;
	assert_int_equal(wk_fixture_label(&ft_book_model, label,
	    sizeof(label)), 0);
	assert_string_equal(label, "ft.book");
	assert_int_equal(wk_fixture_label(&ft_book_model, label, 5), -1);
	assert_ptr_equal(wk_fixture_model("ft.writer", 9), &ft_writer_model);
	assert_ptr_equal(wk_fixture_model("ft.country", 10),
	    &ft_country_model);
	assert_null(wk_fixture_model("ft.nope", 7));
	assert_null(wk_fixture_model("ft", 2));
	assert_null(wk_fixture_model("xx.book", 7));
}

static const char rows[] =
    "[{\"model\": \"ft.book\", \"pk\": 7, \"fields\": {\"writer\": 3, "
    "\"title\": \"Dune \\u00e9\", \"pages\": 412, \"price\": 9.5, "
    "\"done\": true, \"cover\": \"AAEC/w==\", \"out\": \"1965-08-01\"}},"
    " {\"model\": \"ft.writer\", \"pk\": 3, \"fields\": {\"name\": "
    "\"Frank\", \"country\": null}},"
    " {\"model\": \"ft.book\", \"pk\": 8, \"fields\": {\"writer\": null, "
    "\"title\": \"Anon\", \"price\": null, \"done\": false}},"
    " {\"model\": \"ft.country\", \"pk\": \"fr\", \"fields\": {\"label\": "
    "\"France\"}},"
    " {\"model\": \"ft.order\", \"pk\": "
    "\"0f8fad5b-d9cb-469f-a165-70867728950e\", \"fields\": {\"total\": "
    "0.1}}]";

static void
test_round_trip(void **state)
{
	const char *first, *second;
	struct ft_book *b;
	size_t n = 0;

	(void)state;
	/* a book before its writer: keys are checked at the end */
	assert_int_equal(load(rows, &n), WK_DB_OK);
	assert_int_equal(n, 5);
	assert_int_equal(wk_orm_get(&arena, &ft_book_model, 7, (void **)&b),
	    WK_DB_OK);
	assert_int_equal(b->writer, 3);
	assert_string_equal(b->title, "Dune \xc3\xa9");
	assert_int_equal(b->pages, 412);
	assert_true(b->done);
	assert_int_equal(b->cover.len, 4);
	assert_memory_equal(b->cover.data, "\x00\x01\x02\xff", 4);
	assert_int_equal(wk_orm_get(&arena, &ft_book_model, 8, (void **)&b),
	    WK_DB_OK);
	assert_true(wk_is_null(b, ft_book, writer));
	assert_true(wk_is_null(b, ft_book, price));
	assert_int_equal(b->pages, 0);            /* left out: the default */

	first = dump(NULL, 0);
	assert_non_null(strstr(first, "{\"model\":\"ft.book\",\"pk\":7,"
	    "\"fields\":{\"writer\":3,"));
	assert_non_null(strstr(first, "\"done\":true"));
	assert_non_null(strstr(first, "\"country\":null"));
	assert_non_null(strstr(first, "\"cover\":\"AAEC/w==\""));
	assert_non_null(strstr(first, "\"pk\":\"fr\""));
	/* writers come before books (schema order), each on its own line */
	assert_true(strstr(first, "ft.writer") < strstr(first, "ft.book"));
	assert_int_equal(first[0], '[');

	/* into an empty database, and out again: the same text */
	fresh_db();
	assert_int_equal(count(&ft_book_model), 0);
	assert_int_equal(load(first, &n), WK_DB_OK);
	assert_int_equal(n, 5);
	second = dump(NULL, 0);
	assert_string_equal(first, second);

	/* one app, one model */
	{
		const char *only[] = { "ft.writer" };
		const char *app[] = { "ft" };
		const char *bad[] = { "ft.nope" };
		wk_buf out;
		second = dump(only, 1);
		assert_null(strstr(second, "ft.book"));
		assert_non_null(strstr(second, "ft.writer"));
		assert_string_equal(dump(app, 1), first);
		wk_buf_init(&out, &arena);
		assert_int_equal(wk_fixtures_dump(&arena, bad, 1, &out, err,
		    sizeof(err)), WK_DB_INVALID);
		assert_non_null(strstr(err, "'ft.nope'"));
	}
}

static void
test_upsert_and_new(void **state)
{
	struct ft_writer *w;
	struct ft_book *b;
	size_t n;

	(void)state;
	assert_int_equal(load(rows, &n), WK_DB_OK);
	/* the same pk again replaces the row, and its books stay */
	assert_int_equal(load("[{\"model\": \"ft.writer\", \"pk\": 3, "
	    "\"fields\": {\"name\": \"Herbert\", \"country\": \"US\"}}]", &n),
	    WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(wk_orm_get(&arena, &ft_writer_model, 3, (void **)&w),
	    WK_DB_OK);
	assert_string_equal(w->name, "Herbert");
	assert_string_equal(w->country, "US");
	assert_int_equal(wk_orm_get(&arena, &ft_book_model, 7, (void **)&b),
	    WK_DB_OK);
	assert_int_equal(count(&ft_writer_model), 1);
	/* without pk: a new row; a UUID key is made */
	assert_int_equal(load("[{\"model\": \"ft.writer\", \"fields\": "
	    "{\"name\": \"New\"}}, {\"model\": \"ft.order\", \"fields\": "
	    "{\"total\": 2}}]", &n), WK_DB_OK);
	assert_int_equal(count(&ft_writer_model), 2);
	assert_int_equal(count(&ft_order_model), 2);
	/* an empty fixture is fine */
	assert_int_equal(load("[]", &n), WK_DB_OK);
	assert_int_equal(n, 0);
}

/* A bad fixture: refused with a message naming want, nothing written. */
static void
refused(const char *text, int status, const char *want)
{
	size_t n = 99;

	assert_int_equal(load(text, &n), status);
	assert_int_equal(n, 0);
	if (strstr(err, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err, want);
	assert_int_equal(count(&ft_writer_model), 0);
	assert_int_equal(count(&ft_book_model), 0);
}

#define W1 "{\"model\": \"ft.writer\", \"pk\": 1, \"fields\": {\"name\": \"a\"}}, "

static void
test_refused(void **state)
{
	(void)state;
	refused("[" W1 "{\"model\": ", WK_DB_INVALID, "t.json: bad JSON at "
	    "byte");
	refused("{\"model\": \"ft.writer\"}", WK_DB_INVALID, "a JSON array");
	refused("[" W1 "3]", WK_DB_INVALID, "object 2: expected an object");
	refused("[" W1 "{\"model\": \"ft.nope\", \"pk\": 2}]", WK_DB_INVALID,
	    "t.json: object 2: unknown model 'ft.nope'");
	refused("[" W1 "{\"pk\": 2}]", WK_DB_INVALID, "object 2: no \"model\"");
	refused("[" W1 "{\"model\": \"ft.writer\", \"pk\": 2, \"feilds\": {}}]",
	    WK_DB_INVALID, "unknown key 'feilds'");
	refused("[" W1 "{\"model\": \"ft.writer\", \"pk\": 2, \"fields\": "
	    "{\"nmae\": \"b\"}}]", WK_DB_INVALID,
	    "object 2 (ft.writer): unknown field 'nmae'");
	refused("[" W1 "{\"model\": \"ft.writer\", \"pk\": 2, \"fields\": "
	    "{\"id\": 4}}]", WK_DB_INVALID, "goes in \"pk\"");
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": 2, \"fields\": "
	    "{\"title\": \"t\", \"pages\": \"many\"}}]", WK_DB_INVALID,
	    "field 'pages': expected an integer, got a string");
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": 2, \"fields\": "
	    "{\"title\": \"t\", \"pages\": 1.5}}]", WK_DB_INVALID,
	    "field 'pages': expected an integer, got a number");
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": 2, \"fields\": "
	    "{\"title\": \"t\", \"done\": \"yes\"}}]", WK_DB_INVALID,
	    "field 'done': expected true or false");
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": 2, \"fields\": "
	    "{\"title\": null}}]", WK_DB_INVALID,
	    "field 'title' may not be null");
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": 2, \"fields\": "
	    "{\"title\": \"t\", \"cover\": \"not base64!\"}}]", WK_DB_INVALID,
	    "field 'cover': expected a base64 string");
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": \"2\", \"fields\": "
	    "{\"title\": \"t\"}}]", WK_DB_INVALID, "pk: expected an integer");
	/* the model's own rules */
	refused("[" W1 "{\"model\": \"ft.writer\", \"pk\": 2, \"fields\": "
	    "{\"name\": \"this name is far too long\"}}]", WK_DB_INVALID,
	    "field 'name': Ensure this value");
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": 2, \"fields\": "
	    "{\"title\": \"t\", \"out\": \"yesterday\"}}]", WK_DB_INVALID,
	    "field 'out'");
	refused("[" W1 "{\"model\": \"ft.country\", \"pk\": \"fra\", "
	    "\"fields\": {\"label\": \"France\"}}]", WK_DB_INVALID, "pk 'code'");
	refused("[" W1 "{\"model\": \"ft.order\", \"pk\": \"not-a-uuid\"}]",
	    WK_DB_INVALID, "pk 'uuid'");
	/* a foreign key to no row: found at the end, the load undone */
	refused("[" W1 "{\"model\": \"ft.book\", \"pk\": 2, \"fields\": "
	    "{\"title\": \"t\", \"writer\": 99}}]", WK_DB_CONSTRAINT,
	    "ft.book with pk 2: a foreign key points at no row of ft_writer");
	assert_int_equal(count(&ft_country_model), 0);
}

static void
test_all_fixtures_or_none(void **state)
{
	struct wk_fixture fx[2] = {
		{ "a.json", "[" W1 "{\"model\": \"ft.book\", \"pk\": 5, "
		    "\"fields\": {\"title\": \"t\", \"writer\": 2}}]", 0 },
		{ "b.json", "[{\"model\": \"ft.writer\", \"pk\": 2, \"fields\": "
		    "{\"name\": 12}}]", 0 },
	};
	size_t n = 7;

	(void)state;
	fx[0].len = strlen(fx[0].text);
	fx[1].len = strlen(fx[1].text);
	assert_int_equal(wk_fixtures_load(&arena, fx, 2, &n, err,
	    sizeof(err)), WK_DB_INVALID);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "b.json: object 1 (ft.writer): field "
	    "'name': expected a string"));
	assert_int_equal(count(&ft_writer_model), 0);
	assert_int_equal(count(&ft_book_model), 0);
	/* fixed: the book in a.json points at the writer of b.json */
	fx[1].text = "[{\"model\": \"ft.writer\", \"pk\": 2, \"fields\": "
	    "{\"name\": \"b\"}}]";
	fx[1].len = strlen(fx[1].text);
	assert_int_equal(wk_fixtures_load(&arena, fx, 2, &n, err,
	    sizeof(err)), WK_DB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(count(&ft_writer_model), 2);
	/* a text key left out: refused, and nothing before it stays */
	assert_int_equal(load("[{\"model\": \"ft.writer\", \"pk\": 9, "
	    "\"fields\": {\"name\": \"z\"}}, {\"model\": \"ft.country\", "
	    "\"pk\": \"de\", \"fields\": {\"label\": \"x\"}}, {\"model\": "
	    "\"ft.country\", \"fields\": {\"label\": \"y\"}}]", &n),
	    WK_DB_INVALID);
	assert_non_null(strstr(err, "object 3 (ft.country)"));
	assert_int_equal(count(&ft_writer_model), 2);
	assert_int_equal(count(&ft_country_model), 0);
}

static const struct wk_command *const ft_cmds[] = { wk_fixture_commands,
    NULL };
static const struct wk_app ft_app = { .name = "ft", .commands = ft_cmds };

/* Run the command argv[1] on the database at dbpath; its stdout and
 * stderr (together) in *output (free it). */
static int
run_cmd(const char *dbpath, int argc, char **argv, char **output)
{
	const struct wk_command *c;
	struct wk_settings s;
	int rc, out1, out2;
	FILE *tmp;
	size_t n;

	wk_settings_defaults(&s);
	s.database = dbpath;
	for (c = wk_fixture_commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			break;
	assert_non_null(c->name);
	fflush(stdout);
	fflush(stderr);
	tmp = tmpfile();
	assert_non_null(tmp);
	out1 = dup(1);
	out2 = dup(2);
	dup2(fileno(tmp), 1);
	dup2(fileno(tmp), 2);
	rc = c->run(&ft_app, &s, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out1, 1);
	dup2(out2, 2);
	close(out1);
	close(out2);
	rewind(tmp);
	*output = calloc(1, 16384);
	assert_non_null(*output);
	n = fread(*output, 1, 16383, tmp);
	(*output)[n] = '\0';
	fclose(tmp);
	return rc;
}

static void
test_commands(void **state)
{
	char dir[] = "/tmp/wick-fixtures.XXXXXX", db[64], good[64], bad[64];
	char *out;
	FILE *f;
	char *load_good[] = { (char *)(uintptr_t)"app",
	    (char *)(uintptr_t)"loaddata", good, NULL };
	char *load_both[] = { (char *)(uintptr_t)"app",
	    (char *)(uintptr_t)"loaddata", good, bad, NULL };
	char *load_none[] = { (char *)(uintptr_t)"app",
	    (char *)(uintptr_t)"loaddata", NULL };
	char *load_missing[] = { (char *)(uintptr_t)"app",
	    (char *)(uintptr_t)"loaddata", (char *)(uintptr_t)"/nonexistent/x",
	    NULL };
	char *dump_w[] = { (char *)(uintptr_t)"app",
	    (char *)(uintptr_t)"dumpdata", (char *)(uintptr_t)"ft.writer",
	    NULL };
	char *dump_bad[] = { (char *)(uintptr_t)"app",
	    (char *)(uintptr_t)"dumpdata", (char *)(uintptr_t)"nope", NULL };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/ft.sqlite3", dir);
	snprintf(good, sizeof(good), "%s/good.json", dir);
	snprintf(bad, sizeof(bad), "%s/bad.json", dir);
	f = fopen(good, "w");
	assert_non_null(f);
	fputs("[" W1 "{\"model\": \"ft.writer\", \"pk\": 2, \"fields\": "
	    "{\"name\": \"b\"}}]", f);
	fclose(f);
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("[{\"model\": \"ft.writer\", \"pk\": 5, \"fields\": "
	    "{\"name\": \"c\", \"age\": 3}}]", f);
	fclose(f);
	/* no database yet: refused, and not created */
	assert_int_equal(run_cmd(db, 3, load_good, &out), 1);
	assert_non_null(strstr(out, "does not exist"));
	free(out);
	assert_int_equal(access(db, F_OK), -1);
	wk_db_close();
	assert_int_equal(wk_db_set_path(db), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	wk_db_close();
	assert_int_equal(run_cmd(db, 4, load_both, &out), 1);
	assert_non_null(strstr(out, "bad.json: object 1 (ft.writer): unknown "
	    "field 'age'"));
	assert_non_null(strstr(out, "nothing was installed"));
	free(out);
	assert_int_equal(run_cmd(db, 3, dump_w, &out), 0);
	assert_string_equal(out, "[\n]\n");         /* good.json undone too */
	free(out);
	assert_int_equal(run_cmd(db, 3, load_good, &out), 0);
	assert_string_equal(out, "Installed 2 object(s) from 1 fixture(s)\n");
	free(out);
	assert_int_equal(run_cmd(db, 3, dump_w, &out), 0);
	assert_string_equal(out, "[\n"
	    "{\"model\":\"ft.writer\",\"pk\":1,\"fields\":{\"name\":\"a\","
	    "\"country\":null}},\n"
	    "{\"model\":\"ft.writer\",\"pk\":2,\"fields\":{\"name\":\"b\","
	    "\"country\":null}}\n]\n");
	free(out);
	assert_int_equal(run_cmd(db, 3, dump_bad, &out), 1);
	assert_non_null(strstr(out, "unknown app or model 'nope'"));
	free(out);
	assert_int_equal(run_cmd(db, 2, load_none, &out), 2);
	free(out);
	assert_int_equal(run_cmd(db, 3, load_missing, &out), 1);
	assert_non_null(strstr(out, "/nonexistent/x"));
	free(out);
	unlink(good);
	unlink(bad);
	unlink(db);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upsert_and_new, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_fixtures_or_none, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
