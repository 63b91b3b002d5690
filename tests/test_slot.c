/*
 * test_slot.c - per-request slots: built-in ids, ids registered by name,
 * the table growing in the arena, and refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "wick/http/request.h"

static void
test_builtin_slots(void **state)
{
	struct wk_request req;
	wk_arena a;
	int x = 1;

	(void)state;
	wk_arena_init(&a);
	memset(&req, 0, sizeof(req));
	req.arena = &a;
	assert_null(wk_request_slot(&req, WK_SLOT_SESSION));
	assert_int_equal(wk_request_set_slot(&req, WK_SLOT_USER, &x), 0);
	assert_ptr_equal(req.slots[WK_SLOT_USER], &x);
	assert_ptr_equal(wk_request_slot(&req, WK_SLOT_USER), &x);
	assert_null(req.more_slots);           /* nothing grown for them */
	assert_int_equal(wk_request_set_slot(&req, -1, &x), -1);
	assert_null(wk_request_slot(&req, -1));
	assert_null(wk_request_slot(NULL, WK_SLOT_USER));
	wk_arena_free(&a);
}

static void
test_registered_slots(void **state)
{
	struct wk_request req;
	wk_arena a;
	int cart, wish, x = 1, y = 2, i, last = -1;
	static char names[WK_REQUEST_SLOTS_MAX][16]; /* kept by the table */

	(void)state;
	wk_arena_init(&a);
	memset(&req, 0, sizeof(req));
	req.arena = &a;
	cart = wk_request_slot_new("cart");
	assert_true(cart >= WK_SLOT__MAX);
	assert_int_equal(wk_request_slot_new("cart"), cart);   /* same name */
	wish = wk_request_slot_new("wishlist");
	assert_int_equal(wish, cart + 1);
	assert_int_equal(wk_request_slot_new(""), -1);
	assert_int_equal(wk_request_slot_new(NULL), -1);

	assert_null(wk_request_slot(&req, cart));
	assert_int_equal(wk_request_set_slot(&req, wish, &y), 0);
	assert_int_equal(wk_request_set_slot(&req, cart, &x), 0);
	assert_ptr_equal(wk_request_slot(&req, cart), &x);
	assert_ptr_equal(wk_request_slot(&req, wish), &y);
	assert_null(wk_request_slot(&req, WK_SLOT_SESSION));
	/* An id never handed out is refused. */
	assert_int_equal(wk_request_set_slot(&req, wish + 1, &x), -1);
	assert_null(wk_request_slot(&req, wish + 1));

	/* A slot made after the table grew: the table grows again. */
	assert_int_equal(wk_request_set_slot(&req,
	    wk_request_slot_new("later"), &y), 0);
	assert_ptr_equal(wk_request_slot(&req, wish + 1), &y);
	assert_ptr_equal(wk_request_slot(&req, cart), &x);

	/* The documented limit. */
	for (i = 0; i < WK_REQUEST_SLOTS_MAX; i++) {
		int id;
		(void)snprintf(names[i], sizeof(names[i]), "s%d", i);
		if ((id = wk_request_slot_new(names[i])) < 0)
			break;
		last = id;
	}
	assert_int_equal(last, WK_REQUEST_SLOTS_MAX - 1);
	assert_int_equal(wk_request_slot_new("one-too-many"), -1);
	assert_int_equal(wk_request_slot_new("cart"), cart);
	assert_int_equal(wk_request_set_slot(&req, last, &x), 0);
	assert_ptr_equal(wk_request_slot(&req, last), &x);
	wk_arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_slots),
		cmocka_unit_test(test_registered_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
