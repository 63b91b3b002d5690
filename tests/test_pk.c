/*
 * test_pk.c - text and UUID primary keys (model.h's WK_MODEL_STRUCT_PK,
 * WK_MODEL_DEFINE_TEXT_PK / _UUID_PK; src/db/pk.c) against real SQLite:
 * create, get, save, delete, filter, order, values, bulk_create and
 * get_or_create by key; made v4 UUIDs; refused keys (missing, too long,
 * not a UUID, a duplicate); the table migrate makes and diffmodels; a
 * foreign key to such a model refused by wk_model_check; and integer-key
 * models left as they were.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/db/bulk.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/db/pk.h"
#include "wick/db/values.h"

#define P_COUNTRY(F, M) \
	F(M, name, TEXT, .max_length = 50) \
	F(M, people, BIGINT, .def = "0")
WK_MODEL_STRUCT_PK(p_country, P_COUNTRY, code)
WK_MODEL_DEFINE_TEXT_PK(p_country, P_COUNTRY, code, 2,
    .verbose_name = "country")

#define P_ORDER(F, M) \
	F(M, total, REAL, .def = "0") \
	F(M, note, TEXT, .flags = WK_BLANK, .def = "")
WK_MODEL_STRUCT_PK(p_order, P_ORDER, uuid)
WK_MODEL_DEFINE_UUID_PK(p_order, P_ORDER, uuid, .verbose_name = "order")

/* An integer-key model next to them, unchanged. */
#define P_PLAIN(F, M) \
	F(M, name, TEXT)
WK_MODEL_STRUCT(p_plain, P_PLAIN)
WK_MODEL_DEFINE(p_plain, P_PLAIN)
_Static_assert(offsetof(struct p_plain, id) == 0, "id first");
_Static_assert(sizeof(((struct p_plain *)0)->id) == sizeof(long long),
    "id is a long long");

/* Not allowed: a foreign key to a text-keyed model. */
#define P_CITY(F, M) \
	F(M, country, FK, .to = &p_country_model)
WK_MODEL_STRUCT(p_city, P_CITY)
WK_MODEL_DEFINE(p_city, P_CITY)

static const struct wk_model *const p_models[] = {
	&p_country_model, &p_order_model, &p_plain_model, NULL
};
static const struct wk_migration p_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(p_country_model),
	    WK_CREATE_TABLE(p_order_model), WK_CREATE_TABLE(p_plain_model)),
};
static const struct wk_schema p_schema = {
	.app = "p", .order = 100, .models = p_models, .steps = p_steps,
	.nsteps = 1,
};

static wk_arena arena;

static int
setup(void **state)
{
	(void)state;
	wk_log_set_fd(-1);
	wk_arena_init(&arena);
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&p_schema), 0);
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_db_close();
	wk_db_allow_create(0);
	wk_arena_free(&arena);
	return 0;
}

static int
country(const char *code, const char *name, long long people)
{
	struct p_country c;

	assert_int_equal(wk_model_init(&p_country_model, &c), 0);
	c.code = code;
	c.name = name;
	c.people = people;
	return wk_orm_create(&p_country_model, &c);
}

static void
test_text_pk(void **state)
{
	struct p_country *c, copy;
	struct wk_query q;
	struct wk_list *rows;
	struct wk_value v;
	wk_buf b;
	long long n = -1;

	(void)state;
	assert_true(wk_model_text_pk(&p_country_model));
	assert_false(wk_model_text_pk(&p_plain_model));
	assert_int_equal(country("nz", "New Zealand", 5), WK_DB_OK);
	assert_int_equal(country("fr", "France", 68), WK_DB_OK);
	assert_int_equal(country("de", "Germany", 84), WK_DB_OK);

	/* get by key; a missing key; an integer id makes no sense here. */
	assert_int_equal(wk_orm_get_pk(&arena, &p_country_model,
	    wk_val_str("fr"), (void **)&c), WK_DB_OK);
	assert_string_equal(c->code, "fr");
	assert_string_equal(c->name, "France");
	assert_int_equal(wk_orm_get_pk(&arena, &p_country_model,
	    wk_val_str("xx"), (void **)&c), WK_DB_NOT_FOUND);
	assert_int_equal(wk_orm_get(&arena, &p_country_model, 1, (void **)&c),
	    WK_DB_INVALID);

	/* Refused keys: missing, too long, a duplicate. */
	assert_int_equal(country(NULL, "Nowhere", 0), WK_DB_INVALID);
	assert_non_null(strstr(wk_db_last_error(), "p_country.code"));
	assert_int_equal(country("", "Nowhere", 0), WK_DB_INVALID);
	assert_int_equal(country("abc", "Too long", 0), WK_DB_INVALID);
	assert_int_equal(country("nz", "Again", 0), WK_DB_CONSTRAINT);

	/* save by key; a key no row has is NOT_FOUND. */
	assert_int_equal(wk_orm_get_pk(&arena, &p_country_model,
	    wk_val_str("nz"), (void **)&c), WK_DB_OK);
	copy = *c;
	copy.people = 6;
	assert_int_equal(wk_orm_save(&p_country_model, &copy), WK_DB_OK);
	assert_int_equal(wk_orm_get_pk(&arena, &p_country_model,
	    wk_val_str("nz"), (void **)&c), WK_DB_OK);
	assert_int_equal(c->people, 6);
	copy.code = "zz";
	assert_int_equal(wk_orm_save(&p_country_model, &copy),
	    WK_DB_NOT_FOUND);

	/* filter, order, count with a limit, values with "pk". */
	wk_q_init(&q, &arena, &p_country_model);
	wk_q_filter(&q, "code__in", WK_LIST(wk_val_str("de"),
	    wk_val_str("nz")));
	wk_q_order_by(&q, "-code");
	assert_int_equal(wk_q_values_list(&q, "pk", WK_VALUES_FLAT, &rows),
	    WK_DB_OK);
	assert_int_equal(rows->len, 2);
	assert_memory_equal(rows->items[0].u.s.p, "nz", 2);
	wk_q_init(&q, &arena, &p_country_model);
	wk_q_order_by(&q, "code");
	wk_q_limit(&q, 2, 0);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 2);
	wk_q_init(&q, &arena, &p_country_model);
	wk_q_order_by(&q, "code");
	assert_int_equal(wk_q_get(&q, (void **)&c), WK_DB_MULTIPLE);

	/* The template view: pk and its text form. */
	v = wk_orm_value(&arena, &p_country_model, &copy);
	{
		struct wk_value pk;
		assert_int_equal(wk_value_attr(&v, "pk", 2, &arena, &pk), 0);
		assert_int_equal(pk.kind, WK_VAL_STR);
		assert_memory_equal(pk.u.s.p, "zz", 2);
	}
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_value_write(&v, &b), 0);
	assert_string_equal(wk_buf_cstr(&b), "country object (zz)");
	assert_int_equal(wk_orm_pk_value(&p_country_model, &copy).kind,
	    WK_VAL_STR);

	/* delete by key, and through a query. */
	assert_int_equal(wk_orm_delete_pk(&p_country_model, wk_val_str("de")),
	    WK_DB_OK);
	assert_int_equal(wk_orm_delete_pk(&p_country_model, wk_val_str("de")),
	    WK_DB_NOT_FOUND);
	wk_q_init(&q, &arena, &p_country_model);
	wk_q_filter(&q, "name__startswith", wk_val_str("Fr"));
	assert_int_equal(wk_q_delete(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	wk_q_init(&q, &arena, &p_country_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	assert_int_equal(n, 1);
}

static int
is_v4(const char *u)
{
	return u != NULL && strlen(u) == WK_UUID_LEN &&
	    wk_model_is_uuid(u, WK_UUID_LEN) && u[14] == '4' &&
	    strchr("89ab", u[19]) != NULL;
}

static void
test_uuid_pk(void **state)
{
	struct p_order o, o2, *row, many[3];
	struct wk_query q;
	char u[WK_UUID_LEN + 1], u2[WK_UUID_LEN + 1];
	int created = -1;
	size_t i;

	(void)state;
	assert_int_equal(wk_uuid4(u), 0);
	assert_int_equal(wk_uuid4(u2), 0);
	assert_true(is_v4(u));
	assert_string_not_equal(u, u2);
	assert_false(wk_model_is_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E",
	    36));
	assert_false(wk_model_is_uuid("0f8fad5bd9cb469fa16570867728950e", 32));
	assert_false(wk_model_is_uuid("0f8fad5b-d9cb-469f-a165-70867728950g",
	    36));

	/* Made on create when empty. */
	assert_int_equal(wk_model_init(&p_order_model, &o), 0);
	assert_null(o.uuid);
	o.total = 9.5;
	assert_int_equal(wk_orm_create(&p_order_model, &o), WK_DB_OK);
	assert_true(is_v4(o.uuid));
	assert_int_equal(wk_orm_get_pk(&arena, &p_order_model,
	    wk_val_str(o.uuid), (void **)&row), WK_DB_OK);
	assert_true(row->total == 9.5);
	assert_string_equal(row->uuid, o.uuid);

	/* Given by the program: kept, and validated. */
	assert_int_equal(wk_model_init(&p_order_model, &o2), 0);
	o2.uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
	assert_int_equal(wk_orm_create(&p_order_model, &o2), WK_DB_OK);
	assert_string_equal(o2.uuid, "0f8fad5b-d9cb-469f-a165-70867728950e");
	o2.uuid = "not-a-uuid";
	assert_int_equal(wk_orm_create(&p_order_model, &o2), WK_DB_INVALID);
	assert_non_null(strstr(wk_db_last_error(), "Enter a valid UUID."));
	o2.uuid = "0F8FAD5B-D9CB-469F-A165-70867728950E";
	assert_int_equal(wk_orm_create(&p_order_model, &o2), WK_DB_INVALID);

	/* A malformed key from a URL finds nothing, never an error. */
	assert_int_equal(wk_orm_get_pk(&arena, &p_order_model,
	    wk_val_str("1 OR 1=1"), (void **)&row), WK_DB_NOT_FOUND);
	assert_null(row);
	assert_int_equal(wk_orm_get_pk(&arena, &p_order_model, wk_val_int(1),
	    (void **)&row), WK_DB_NOT_FOUND);
	assert_int_equal(wk_orm_delete_pk(&p_order_model, wk_val_str("x")),
	    WK_DB_NOT_FOUND);

	/* save by key. */
	o.note = "paid";
	assert_int_equal(wk_orm_save(&p_order_model, &o), WK_DB_OK);
	assert_int_equal(wk_orm_get_pk(&arena, &p_order_model,
	    wk_val_str(o.uuid), (void **)&row), WK_DB_OK);
	assert_string_equal(row->note, "paid");

	/* bulk_create makes one each; get_or_create by key. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(wk_model_init(&p_order_model, &many[i]), 0);
		many[i].total = (double)i;
	}
	assert_int_equal(wk_orm_bulk_create(&p_order_model, many, 3, NULL),
	    WK_DB_OK);
	for (i = 0; i < 3; i++)
		assert_true(is_v4(many[i].uuid));
	assert_string_not_equal(many[0].uuid, many[1].uuid);
	wk_q_init(&q, &arena, &p_order_model);
	wk_q_filter(&q, "uuid", wk_val_str(many[2].uuid));
	assert_int_equal(wk_model_init(&p_order_model, &o2), 0);
	assert_int_equal(wk_orm_get_or_create(&q, &o2, (void **)&row,
	    &created), WK_DB_OK);
	assert_int_equal(created, 0);
	assert_true(row->total == 2.0);

	/* One bad key in a batch: nothing written. */
	for (i = 0; i < 3; i++)
		assert_int_equal(wk_model_init(&p_order_model, &many[i]), 0);
	many[1].uuid = "nope";
	{
		size_t bad = 9;
		long long before = -1, after = -1;
		wk_q_init(&q, &arena, &p_order_model);
		assert_int_equal(wk_q_count(&q, &before), WK_DB_OK);
		assert_int_equal(wk_orm_bulk_create(&p_order_model, many, 3,
		    &bad), WK_DB_INVALID);
		assert_int_equal(bad, 1);
		wk_q_init(&q, &arena, &p_order_model);
		assert_int_equal(wk_q_count(&q, &after), WK_DB_OK);
		assert_int_equal(before, after);
	}
}

static void
test_pk_schema(void **state)
{
	char out[1024];
	struct wk_raw r;
	int n = -1, found = 0;

	(void)state;
	/* The table: "code" TEXT NOT NULL PRIMARY KEY. */
	assert_int_equal(wk_raw(&r, &arena, "SELECT type, \"notnull\", pk "
	    "FROM pragma_table_info('p_country') WHERE name = 'code'", NULL,
	    0), WK_DB_OK);
	while (wk_raw_next(&r) == WK_DB_ROW) {
		assert_memory_equal(wk_raw_col(&r, 0).u.s.p, "TEXT", 4);
		assert_int_equal(wk_raw_col(&r, 1).u.i, 1);
		assert_int_equal(wk_raw_col(&r, 2).u.i, 1);
		found = 1;
	}
	wk_raw_close(&r);
	assert_true(found);
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);

	/* Declarations: these are fine, a foreign key to them is not. */
	assert_int_equal(wk_model_check(&p_country_model, out, sizeof(out)),
	    0);
	assert_int_equal(wk_model_check(&p_order_model, out, sizeof(out)), 0);
	assert_int_equal(wk_model_check(&p_city_model, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "p_city.country: foreign keys to a model "
	    "with a text or UUID primary key are not supported"));
	assert_int_equal(p_plain_model.fields[0].kind, WK_FIELD_BIGINT);
	assert_string_equal(p_plain_model.fields[0].name, "id");
}

/* A new text-keyed model without its step: diffmodels says so. */
static const struct wk_model *const p_more_models[] = {
	&p_country_model, &p_order_model, &p_plain_model, &p_city_model, NULL
};
static const struct wk_migration p_more_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(p_country_model),
	    WK_CREATE_TABLE(p_order_model), WK_CREATE_TABLE(p_plain_model)),
	WK_MIGRATION("0002_city", WK_CREATE_TABLE(p_city_model)),
};
static const struct wk_schema p_more = {
	.app = "p", .order = 100, .models = p_more_models,
	.steps = p_more_steps, .nsteps = 2,
};

#define P_NEW(F, M) \
	F(M, label, TEXT, .flags = WK_NULL)
WK_MODEL_STRUCT_PK(p_new, P_NEW, slug)
WK_MODEL_DEFINE_TEXT_PK(p_new, P_NEW, slug, 0)
static const struct wk_model *const p_new_models[] = { &p_new_model, NULL };
static const struct wk_migration p_new_steps[] = {
	WK_MIGRATION("0001", WK_CREATE_TABLE(p_new_model)),
};
static const struct wk_schema p_new_schema_empty = {
	.app = "pnew", .order = 100, .models = p_new_models,
	.steps = p_new_steps, .nsteps = 0,
};
static const struct wk_schema p_new_schema = {
	.app = "pnew2", .order = 100, .models = p_new_models,
	.steps = p_new_steps, .nsteps = 1,
};

static void
test_pk_migrations(void **state)
{
	char out[1024];
	FILE *f;
	int n = -1;

	(void)state;
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&p_new_schema_empty), 0);
	assert_non_null(f = fmemopen(out, sizeof(out), "w"));
	assert_int_equal(wk_migrate_diff(f, &n), WK_DB_OK);
	fclose(f);
	assert_int_equal(n, 1);
	assert_non_null(strstr(out, "p_new: new model; add a step with "
	    "WK_CREATE_TABLE(p_new_model)"));
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&p_new_schema), 0);
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	assert_int_equal(wk_migrate_diff(NULL, &n), WK_DB_OK);
	assert_int_equal(n, 0);
	{
		struct p_new x;
		assert_int_equal(wk_model_init(&p_new_model, &x), 0);
		x.slug = "a-long-slug-with-no-limit";
		assert_int_equal(wk_orm_create(&p_new_model, &x), WK_DB_OK);
	}
	/* migrate refuses a step for a model with a foreign key to one. */
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&p_more), 0);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_INVALID);
	assert_non_null(strstr(wk_db_last_error(), "not supported"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_pk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uuid_pk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pk_schema, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pk_migrations, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
