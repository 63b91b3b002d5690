/*
 * test_value.c - the context value type: Python's truth, equality,
 * ordering and `in`; text forms; lists, maps and object getters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/value.h"

static wk_arena arena;

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_arena_free(&arena);
	return 0;
}

static const char *
text(struct wk_value v)
{
	wk_buf b;

	wk_buf_init(&b, &arena);
	assert_int_equal(wk_value_write(&v, &b), 0);
	return wk_buf_cstr(&b);
}

static void
test_text_forms(void **state)
{
	struct wk_list *l = wk_list_new(&arena);

	(void)state;
	assert_string_equal(text(wk_val_null()), "None");
	assert_string_equal(text(wk_val_bool(1)), "True");
	assert_string_equal(text(wk_val_bool(0)), "False");
	assert_string_equal(text(wk_val_int(-42)), "-42");
	assert_string_equal(text(wk_val_int(0)), "0");
	assert_string_equal(text(wk_val_int(7)), "7");
	assert_string_equal(text(wk_val_int(1000)), "1000");
	assert_string_equal(text(wk_val_int(LLONG_MAX)),
	    "9223372036854775807");
	assert_string_equal(text(wk_val_int(LLONG_MIN)),
	    "-9223372036854775808");
	assert_string_equal(text(wk_val_real(2.0)), "2.0");
	assert_string_equal(text(wk_val_real(0.1)), "0.1");
	assert_string_equal(text(wk_val_real(1e300)), "1e+300");
	assert_string_equal(text(wk_val_real(NAN)), "nan");
	assert_string_equal(text(wk_val_real(-INFINITY)), "-inf");
	assert_string_equal(text(wk_val_strn("ab\0c", 4)), "ab");
	wk_list_push(&arena, l, wk_val_str("x"));
	wk_list_push(&arena, l, wk_val_int(1));
	wk_list_push(&arena, l, wk_val_null());
	assert_string_equal(text(wk_val_list(l)), "['x', 1, None]");
	assert_int_equal(wk_val_str(NULL).kind, WK_VAL_NULL);
	assert_int_equal(wk_val_safe(NULL).kind, WK_VAL_NULL);
	assert_int_equal(wk_val_list(NULL).kind, WK_VAL_NULL);
	assert_int_equal(wk_val_strn(NULL, 5).u.s.n, 0);
}

static void
test_truth_equality_order(void **state)
{
	struct wk_list *l = wk_list_new(&arena), *l2 = wk_list_new(&arena);
	struct wk_map *m = wk_map_new(&arena);
	struct wk_value a, b;
	int cmp;

	(void)state;
	assert_false(wk_value_truthy(&(struct wk_value){ 0 }));
	a = wk_val_int(0); assert_false(wk_value_truthy(&a));
	a = wk_val_real(0.0); assert_false(wk_value_truthy(&a));
	a = wk_val_str(""); assert_false(wk_value_truthy(&a));
	a = wk_val_str("0"); assert_true(wk_value_truthy(&a));
	a = wk_val_list(l); assert_false(wk_value_truthy(&a));
	a = wk_val_map(m); assert_false(wk_value_truthy(&a));
	wk_list_push(&arena, l, wk_val_int(1));
	a = wk_val_list(l); assert_true(wk_value_truthy(&a));

	a = wk_val_int(1), b = wk_val_real(1.0);
	assert_true(wk_value_equal(&a, &b));
	b = wk_val_bool(1);
	assert_true(wk_value_equal(&a, &b));
	b = wk_val_str("1");
	assert_false(wk_value_equal(&a, &b));
	a = wk_val_safe("x"), b = wk_val_str("x");
	assert_true(wk_value_equal(&a, &b));
	a = wk_val_null(), b = wk_val_null();
	assert_true(wk_value_equal(&a, &b));
	b = wk_val_int(0);
	assert_false(wk_value_equal(&a, &b));
	wk_list_push(&arena, l2, wk_val_real(1.0));
	a = wk_val_list(l), b = wk_val_list(l2);
	assert_true(wk_value_equal(&a, &b));

	a = wk_val_int(2), b = wk_val_real(2.5);
	assert_int_equal(wk_value_compare(&a, &b, &cmp), 0);
	assert_true(cmp < 0);
	a = wk_val_str("abc"), b = wk_val_str("ab");
	assert_int_equal(wk_value_compare(&a, &b, &cmp), 0);
	assert_true(cmp > 0);
	b = wk_val_int(1);
	assert_int_equal(wk_value_compare(&a, &b, &cmp), -1);
	a = wk_val_real(NAN);
	assert_int_equal(wk_value_compare(&a, &b, &cmp), -1);
	a = wk_val_int(LLONG_MAX), b = wk_val_int(LLONG_MIN);
	assert_int_equal(wk_value_compare(&a, &b, &cmp), 0);
	assert_true(cmp > 0);
}

static void
test_numbers(void **state)
{
	struct wk_value v;
	long long i;
	double r;

	(void)state;
	v = wk_val_str(" 42 ");
	assert_int_equal(wk_value_to_int(&v, &i), 0);
	assert_int_equal(i, 42);
	v = wk_val_str("4x");
	assert_int_equal(wk_value_to_int(&v, &i), -1);
	v = wk_val_str("99999999999999999999");
	assert_int_equal(wk_value_to_int(&v, &i), -1);
	v = wk_val_str("");
	assert_int_equal(wk_value_to_int(&v, &i), -1);
	v = wk_val_real(1e30);
	assert_int_equal(wk_value_to_int(&v, &i), -1);
	v = wk_val_real(-2.7);
	assert_int_equal(wk_value_to_int(&v, &i), 0);
	assert_int_equal(i, -2);
	v = wk_val_str("2.5e1");
	assert_int_equal(wk_value_to_real(&v, &r), 0);
	assert_true(r == 25.0);
	v = wk_val_str("inf");
	assert_int_equal(wk_value_to_real(&v, &r), -1);
	v = wk_val_str("0x10");
	assert_int_equal(wk_value_to_real(&v, &r), -1);
	v = wk_val_null();
	assert_int_equal(wk_value_to_real(&v, &r), -1);
}

static void
test_maps_lists(void **state)
{
	struct wk_map *m = wk_map_new(&arena);
	struct wk_list *l = wk_list_new(&arena);
	struct wk_value v, out, needle;
	char keys[300][8];
	size_t k, n;

	(void)state;
	for (k = 0; k < 300; k++) {
		snprintf(keys[k], sizeof(keys[k]), "k%zu", k);
		assert_int_equal(wk_map_set(&arena, m, keys[k],
		    wk_val_int((long long)k)), 0);
		assert_int_equal(wk_list_push(&arena, l,
		    wk_val_int((long long)k)), 0);
	}
	assert_int_equal(wk_map_set(&arena, m, "k7", wk_val_str("seven")), 0);
	assert_int_equal(m->len, 300);
	assert_string_equal(wk_map_get(m, "k7", 2)->u.s.p, "seven");
	assert_null(wk_map_get(m, "k", 1));
	v = wk_val_map(m);
	assert_int_equal(wk_value_attr(&v, "k299", 4, &arena, &out), 0);
	assert_int_equal(out.u.i, 299);
	assert_int_equal(wk_value_attr(&v, "nope", 4, &arena, &out), 1);
	assert_int_equal(wk_value_attr(&v, "items", 5, &arena, &out), 0);
	assert_int_equal(out.kind, WK_VAL_LIST);
	assert_int_equal(out.u.list->len, 300);
	assert_int_equal(wk_value_attr(&v, "values", 6, &arena, &out), 0);
	assert_int_equal(out.u.list->items[1].u.i, 1);
	assert_int_equal(wk_value_len(&v, &n), 0);
	assert_int_equal(n, 300);
	needle = wk_val_str("k3");
	assert_int_equal(wk_value_contains(&v, &needle, &arena), 1);
	v = wk_val_list(l);
	assert_int_equal(wk_value_attr(&v, "12", 2, &arena, &out), 0);
	assert_int_equal(out.u.i, 12);
	assert_int_equal(wk_value_attr(&v, "300", 3, &arena, &out), 1);
	assert_int_equal(wk_value_attr(&v, "-1", 2, &arena, &out), 1);
	assert_int_equal(wk_value_attr(&v, "99999999999999999999", 20, &arena,
	    &out), 1);
	needle = wk_val_real(5.0);
	assert_int_equal(wk_value_contains(&v, &needle, &arena), 1);
	needle = wk_val_str("5");
	assert_int_equal(wk_value_contains(&v, &needle, &arena), 0);
	v = wk_val_str("h\xc3\xa9llo");
	assert_int_equal(wk_value_len(&v, &n), 0);
	assert_int_equal(n, 5);
	needle = wk_val_str("\xc3\xa9l");
	assert_int_equal(wk_value_contains(&v, &needle, &arena), 1);
	v = wk_val_int(3);
	assert_int_equal(wk_value_len(&v, &n), -1);
	assert_int_equal(wk_value_item(&v, 0, &arena, &out), 1);
	/* Malformed UTF-8 counts byte by byte, never reads past the end. */
	assert_int_equal(wk_utf8_len("\xe2\x80", 2), 2);
	assert_int_equal(wk_utf8_len("\xf0\x9f\x98\x80", 4), 1);
	assert_int_equal(wk_utf8_len("\xc0\xaf", 2), 2);
}

/* An object over a C array: what ORM rows and query results look like. */
struct row {
	const char *title;
	long long id;
};

static int
row_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct row *r = self;

	(void)a;
	if (len == 5 && memcmp(name, "title", 5) == 0)
		*out = wk_val_str(r->title);
	else if (len == 2 && memcmp(name, "id", 2) == 0)
		*out = wk_val_int(r->id);
	else if (len == 4 && memcmp(name, "boom", 4) == 0)
		return -1;
	else
		return 1;
	return 0;
}

static int
row_str(const void *self, wk_buf *out)
{
	return wk_buf_puts(out, ((const struct row *)self)->title);
}

static const struct wk_object_ops row_ops = { "row", row_get, NULL, NULL,
	row_str };

static const struct row rows[] = { { "one", 1 }, { "two", 2 } };

static size_t
rows_len(const void *self)
{
	(void)self;
	return 2;
}

static int
rows_item(const void *self, size_t i, wk_arena *a, struct wk_value *out)
{
	(void)self, (void)a;
	*out = wk_val_object(&row_ops, &rows[i]);
	return 0;
}

static const struct wk_object_ops rows_ops = { "rows", NULL, rows_len,
	rows_item, NULL };

static void
test_objects(void **state)
{
	struct wk_value o = wk_val_object(&row_ops, &rows[1]), out, seq;
	size_t n;

	(void)state;
	assert_int_equal(wk_value_attr(&o, "title", 5, &arena, &out), 0);
	assert_string_equal(out.u.s.p, "two");
	assert_int_equal(wk_value_attr(&o, "nope", 4, &arena, &out), 1);
	assert_int_equal(wk_value_attr(&o, "boom", 4, &arena, &out), -1);
	assert_string_equal(text(o), "two");
	assert_true(wk_value_truthy(&o));
	assert_int_equal(wk_value_len(&o, &n), -1);
	seq = wk_val_object(&rows_ops, rows);
	assert_int_equal(wk_value_len(&seq, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(wk_value_attr(&seq, "1", 1, &arena, &out), 0);
	assert_int_equal(wk_value_attr(&out, "id", 2, &arena, &out), 0);
	assert_int_equal(out.u.i, 2);
	assert_int_equal(wk_value_item(&seq, 2, &arena, &out), 1);
	assert_string_equal(text(seq), "rows");
	out = wk_val_object(&row_ops, &rows[1]);
	assert_int_equal(wk_value_contains(&seq, &out, &arena), 1);
	assert_int_equal(wk_val_object(NULL, NULL).kind, WK_VAL_NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truth_equality_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maps_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
