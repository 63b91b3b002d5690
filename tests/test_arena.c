/*
 * test_arena.c - the per-request allocator, buffers and name/value lists
 * (src/core/arena.c, src/core/buf.c, src/core/kv.c are small; their tests live together).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/kv.h"

static void
test_alloc_alignment_and_reuse(void **state)
{
	wk_arena a;
	int i;

	(void)state;
	wk_arena_init(&a);
	for (i = 1; i < 1000; i++) {
		char *p = wk_arena_alloc(&a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xab, (size_t)i);
	}
	assert_non_null(wk_arena_alloc(&a, 0));
	wk_arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	/* Reusable after free. */
	assert_non_null(wk_arena_alloc(&a, 10));
	wk_arena_free(&a);
}

static void
test_alloc_overflow_and_limit(void **state)
{
	wk_arena a;

	(void)state;
	wk_arena_init(&a);
	assert_null(wk_arena_alloc(&a, SIZE_MAX));
	assert_null(wk_arena_alloc(&a, SIZE_MAX - 8));
	assert_null(wk_arena_calloc(&a, SIZE_MAX / 2, 3));
	a.limit = 256 * 1024;
	assert_non_null(wk_arena_alloc(&a, 100 * 1024));
	assert_null(wk_arena_alloc(&a, 200 * 1024));
	/* Small ones still fit in what is left. */
	assert_non_null(wk_arena_alloc(&a, 100));
	wk_arena_free(&a);
}

static void
test_big_block_keeps_small_chunk(void **state)
{
	wk_arena a;
	char *s1, *big, *s2;

	(void)state;
	wk_arena_init(&a);
	s1 = wk_arena_alloc(&a, 16);
	big = wk_arena_alloc(&a, 1 << 20);
	s2 = wk_arena_alloc(&a, 16);
	assert_non_null(s1);
	assert_non_null(big);
	assert_non_null(s2);
	/* The small allocations share the first chunk. */
	assert_ptr_equal(s2, s1 + 16);
	wk_arena_free(&a);
}

static void
test_strings_and_printf(void **state)
{
	wk_arena a;
	char *s;

	(void)state;
	wk_arena_init(&a);
	s = wk_arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	assert_string_equal(wk_arena_strdup(&a, ""), "");
	s = wk_arena_printf(&a, "%s-%d-%05.1f", "x", 42, 3.14159);
	assert_string_equal(s, "x-42-003.1");
	wk_arena_free(&a);
}

static void
test_realloc_in_place_and_copy(void **state)
{
	wk_arena a;
	char *p, *q, *r;

	(void)state;
	wk_arena_init(&a);
	p = wk_arena_alloc(&a, 32);
	memcpy(p, "abcdef", 7);
	q = wk_arena_realloc(&a, p, 32, 64);
	assert_ptr_equal(p, q);          /* last allocation: grown in place */
	r = wk_arena_alloc(&a, 8);
	assert_non_null(r);
	q = wk_arena_realloc(&a, p, 64, 128);
	assert_ptr_not_equal(p, q);      /* no longer last: copied */
	assert_string_equal(q, "abcdef");
	wk_arena_free(&a);
}

static void
test_buf_append_printf_html(void **state)
{
	wk_arena a;
	wk_buf b;
	int i;

	(void)state;
	wk_arena_init(&a);
	wk_buf_init(&b, &a);
	assert_string_equal(wk_buf_cstr(&b), "");
	assert_int_equal(wk_buf_puts(&b, "a"), 0);
	assert_int_equal(wk_buf_putc(&b, 'b'), 0);
	assert_int_equal(wk_buf_printf(&b, "%d", 123), 0);
	assert_string_equal(wk_buf_cstr(&b), "ab123");
	wk_buf_reset(&b);
	assert_int_equal(wk_buf_append_html(&b, "<a href=\"x\">'&'</a>", 19), 0);
	assert_string_equal(wk_buf_cstr(&b),
	    "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;");
	wk_buf_reset(&b);
	for (i = 0; i < 100000; i++)
		wk_buf_puts(&b, "0123456789");
	assert_false(b.failed);
	assert_int_equal(b.len, 1000000);
	assert_int_equal(b.data[b.len], '\0');
	wk_arena_free(&a);
}

static void
test_buf_sticky_failure(void **state)
{
	wk_arena a;
	wk_buf b;

	(void)state;
	wk_arena_init(&a);
	a.limit = 128 * 1024;
	wk_buf_init(&b, &a);
	while (wk_buf_puts(&b, "0123456789abcdef") == 0)
		;
	assert_true(b.failed);
	/* Sticky: even a tiny append now fails. */
	assert_int_equal(wk_buf_putc(&b, 'x'), -1);
	assert_int_equal(wk_buf_printf(&b, "%d", 1), -1);
	wk_arena_free(&a);
}

static void
test_kv_duplicates_last_wins(void **state)
{
	wk_arena a;
	struct wk_kvlist l;
	const char *all[4];

	(void)state;
	wk_arena_init(&a);
	memset(&l, 0, sizeof(l));
	assert_int_equal(wk_kv_add(&a, &l, "a", "1", 1), 0);
	assert_int_equal(wk_kv_add(&a, &l, "b", "2", 1), 0);
	assert_int_equal(wk_kv_add(&a, &l, "a", "3", 1), 0);
	assert_string_equal(wk_kv_get(&l, "a"), "3");
	assert_int_equal(wk_kv_get_all(&l, "a", all, 4), 2);
	assert_string_equal(all[0], "1");
	assert_string_equal(all[1], "3");
	assert_int_equal(wk_kv_get_all(&l, "a", all, 1), 2);
	assert_null(wk_kv_get(&l, "A"));
	assert_string_equal(wk_kv_get_case(&l, "A"), "3");
	assert_int_equal(wk_kv_set(&a, &l, "a", "9", 1), 0);
	assert_int_equal(wk_kv_get_all(&l, "a", all, 4), 1);
	assert_string_equal(wk_kv_get(&l, "a"), "9");
	assert_int_equal(wk_kv_remove(&l, "a"), 1);
	assert_null(wk_kv_find(&l, "a"));
	assert_int_equal(l.len, 1);
	wk_arena_free(&a);
}

static void
test_kv_many(void **state)
{
	wk_arena a;
	struct wk_kvlist l;
	int i;

	(void)state;
	wk_arena_init(&a);
	memset(&l, 0, sizeof(l));
	for (i = 0; i < 10000; i++)
		assert_int_equal(wk_kv_add(&a, &l, "k", "v", 1), 0);
	assert_int_equal(l.len, 10000);
	wk_arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_alignment_and_reuse),
		cmocka_unit_test(test_alloc_overflow_and_limit),
		cmocka_unit_test(test_big_block_keeps_small_chunk),
		cmocka_unit_test(test_strings_and_printf),
		cmocka_unit_test(test_realloc_in_place_and_copy),
		cmocka_unit_test(test_buf_append_printf_html),
		cmocka_unit_test(test_buf_sticky_failure),
		cmocka_unit_test(test_kv_duplicates_last_wins),
		cmocka_unit_test(test_kv_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
