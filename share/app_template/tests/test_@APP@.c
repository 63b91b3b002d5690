/*
 * test_@APP@.c - the app @APP@'s pages through Wick's test client, each
 * test on a new in-memory database, migrated (wk_test_client_fresh_db).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "@PROJECT@.h"
#include "../models.h"

static struct wk_test_client client;

/* Once, for the whole group: what main() would do before serving. */
static int
setup_group(void **state)
{
	(void)state;
	return @PROJECT@_setup();
}

/* Before each test: a client on a database of its own. */
static int
setup(void **state)
{
	(void)state;
	if (wk_test_client_init(&client, &@PROJECT@_app, NULL) != 0)
		return -1;
	return wk_test_client_fresh_db(&client, WK_TEST_DB_MEMORY);
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
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_index_lists_items),
		T(test_index_refuses_post),
	};
#undef T

	return cmocka_run_group_tests_name("@APP@", tests, setup_group, NULL);
}
