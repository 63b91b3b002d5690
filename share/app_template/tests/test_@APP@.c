/*
 * test_@APP@.c - the app @APP@'s pages through Wick's test client, on an
 * in-memory database migrated here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "@PROJECT@.h"
#include "../models.h"

static struct wk_test_client client;

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(@PROJECT@_setup(), 0);
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	return wk_test_client_init(&client, &@PROJECT@_app, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);
	return 0;
}

static void
test_index_lists_items(void **state)
{
	struct @APP@_item it;
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/@APP@/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "No items yet."));
	wk_test_response_free(&r);

	assert_int_equal(wk_model_init(&@APP@_item_model, &it), 0);
	it.name = "<i>one</i>";
	assert_int_equal(wk_orm_create(&@APP@_item_model, &it), WK_DB_OK);
	assert_int_equal(wk_test_get(&client, "/@APP@/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "&lt;i&gt;one&lt;/i&gt;"));
	wk_test_response_free(&r);
}

static void
test_index_refuses_post(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_post(&client, "/@APP@/",
	    "application/x-www-form-urlencoded", "name=x", &r), 0);
	assert_true(r.status == 403 || r.status == 405);
	wk_test_response_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_lists_items),
		cmocka_unit_test(test_index_refuses_post),
	};

	return cmocka_run_group_tests_name("@APP@", tests, setup, teardown);
}
