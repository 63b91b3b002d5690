/*
 * test_json.c - the JSON writer (escaping of every control character,
 * quotes, HTML-significant characters, invalid UTF-8; misuse refused) and
 * the parser (RFC 8259 acceptance and rejection tables, surrogates, depth,
 * size and item limits, the request helper's content-type rules).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "wick/core/json.h"
#include "wick/http/request.h"
#include "wick/core/settings.h"

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
esc(const char *s, size_t n)
{
	wk_buf b;

	wk_buf_init(&b, &arena);
	assert_int_equal(wk_json_escape(&b, s, n), 0);
	return wk_buf_cstr(&b);
}

static void
test_escape(void **state)
{
	char all[32];
	wk_buf b;
	int i;

	(void)state;
	assert_string_equal(esc("plain", 5), "\"plain\"");
	assert_string_equal(esc("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	assert_string_equal(esc("\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"");
	assert_string_equal(esc("<a href='x'>&</a>", 17),
	    "\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\"");
	assert_string_equal(esc("\x01\x1f\x7f", 3),
	    "\"\\u0001\\u001f\\u007f\"");
	assert_string_equal(esc("nul\0x", 5), "\"nul\\u0000x\"");
	assert_string_equal(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* invalid UTF-8: lone continuation, overlong, surrogate, truncated */
	assert_string_equal(esc("a\x80z", 3), "\"a\\ufffdz\"");
	assert_string_equal(esc("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");
	assert_string_equal(esc("\xed\xa0\x80", 3),
	    "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(esc("\xe2\x82", 2), "\"\\ufffd\\ufffd\"");
	assert_string_equal(esc("\xe2\x80\xa8\xe2\x80\xa9", 6),
	    "\"\\u2028\\u2029\"");
	/* every control character is escaped */
	for (i = 0; i < 32; i++)
		all[i] = (char)i;
	wk_buf_init(&b, &arena);
	wk_json_escape(&b, all, 32);
	for (i = 0; (size_t)i < b.len; i++)
		assert_true((unsigned char)b.data[i] >= 0x20);
}

static void
test_writer(void **state)
{
	struct wk_json_writer w;
	wk_buf b;

	(void)state;
	wk_buf_init(&b, &arena);
	wk_json_init(&w, &b);
	wk_json_object_begin(&w);
	wk_json_key(&w, "a");
	wk_json_int(&w, -5);
	wk_json_key(&w, "b\"");
	wk_json_array_begin(&w);
	wk_json_str(&w, "x");
	wk_json_real(&w, 2);
	wk_json_real(&w, 0.5);
	wk_json_real(&w, 1.0 / 0.0);
	wk_json_bool(&w, 1);
	wk_json_null(&w);
	wk_json_str(&w, NULL);
	wk_json_int(&w, 0);
	wk_json_int(&w, LLONG_MAX);
	wk_json_int(&w, LLONG_MIN);
	wk_json_str(&w, "plain text, then <&> and \\ \x7f end");
	wk_json_object_begin(&w);
	wk_json_object_end(&w);
	wk_json_array_end(&w);
	wk_json_object_end(&w);
	assert_int_equal(wk_json_finish(&w), 0);
	assert_string_equal(wk_buf_cstr(&b), "{\"a\":-5,\"b\\\"\":[\"x\",2.0,"
	    "0.5,null,true,null,null,0,9223372036854775807,"
	    "-9223372036854775808,\"plain text, then \\u003c\\u0026\\u003e "
	    "and \\\\ \\u007f end\",{}]}");
}

static void
test_writer_misuse(void **state)
{
	struct wk_json_writer w;
	wk_buf b;

	(void)state;
	wk_buf_init(&b, &arena);
	wk_json_init(&w, &b);
	wk_json_object_begin(&w);
	assert_int_equal(wk_json_int(&w, 1), -1);       /* value, no key */
	assert_int_equal(wk_json_finish(&w), -1);
	wk_json_init(&w, &b);
	wk_json_array_begin(&w);
	assert_int_equal(wk_json_key(&w, "k"), -1);     /* key in array */
	wk_json_init(&w, &b);
	wk_json_array_begin(&w);
	assert_int_equal(wk_json_object_end(&w), -1);   /* wrong close */
	wk_json_init(&w, &b);
	assert_int_equal(wk_json_finish(&w), -1);       /* nothing */
	wk_json_int(&w, 1);
	assert_int_equal(wk_json_int(&w, 2), -1);       /* two top values */
	wk_json_init(&w, &b);
	wk_json_object_begin(&w);
	wk_json_key(&w, "k");
	assert_int_equal(wk_json_object_end(&w), -1);   /* key w/o value */
	wk_json_init(&w, &b);
	for (int i = 0; i < WK_JSON_MAX_DEPTH; i++)
		assert_int_equal(wk_json_array_begin(&w), 0);
	assert_int_equal(wk_json_array_begin(&w), -1);  /* too deep */
}

static const char *const good[] = {
	"0", "-0", "1.5e10", "-1E-2", "0.0", "true", "false", "null",
	"\"\"", "\"\\u00e9\\ud83d\\ude00\\n\\/\"", "[]", "{}",
	" [1 , 2 ,\t\n3 ] ", "{\"a\":{\"b\":[null,{}]}}",
	"\"caf\xc3\xa9\"", "123456789012345678901234567890",
	"{\"a\":1,\"a\":2}",
};

static const char *const bad[] = {
	"", " ", "01", "-", "1.", ".5", "1e", "+1", "0x10", "NaN",
	"Infinity", "tru", "nul", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}",
	"{a:1}", "'x'", "\"unterminated", "\"bad \\x escape\"",
	"\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
	"\"\\u0000\"", "\"tab\tinside\"", "\"\xff\"", "\"\xc0\xaf\"",
	"\"\xed\xa0\x80\"", "[", "{", "]", "1 2", "[1]x", "// c\n1",
	"1e999", "\"\\", "[\"a\":1]",
};

static void
test_parse_tables(void **state)
{
	struct wk_json *j;
	const char *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err = NULL;
		if (wk_json_parse(&arena, good[i], strlen(good[i]), NULL, &j,
		    &err, NULL) != 0)
			fail_msg("refused good JSON '%s': %s", good[i], err);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		if (wk_json_parse(&arena, bad[i], strlen(bad[i]), NULL, &j,
		    &err, NULL) == 0)
			fail_msg("accepted bad JSON '%s'", bad[i]);
		assert_non_null(err);
		assert_null(j);
	}
}

static void
test_parse_values(void **state)
{
	struct wk_json *j;
	const struct wk_json *m;
	static const char text[] = "{\"name\": \"Ann \\\"A\\\"\", \"n\": 42, "
	    "\"r\": -2.5e1, \"ok\": true, \"nothing\": null, "
	    "\"list\": [1, \"two\"], \"emoji\": \"\\ud83d\\ude00\", "
	    "\"name\": \"last wins\"}";

	(void)state;
	assert_int_equal(wk_json_parse(&arena, text, sizeof(text) - 1, NULL,
	    &j, NULL, NULL), 0);
	assert_int_equal(j->type, WK_JSON_OBJECT);
	assert_int_equal(j->n, 8);
	assert_string_equal(wk_json_string(j, "name"), "last wins");
	m = wk_json_get(j, "n");
	assert_int_equal(m->type, WK_JSON_NUMBER);
	assert_true(m->is_int);
	assert_int_equal(m->i, 42);
	m = wk_json_get(j, "r");
	assert_false(m->is_int);
	assert_true(m->num == -25.0);
	assert_int_equal(wk_json_get(j, "ok")->b, 1);
	assert_int_equal(wk_json_get(j, "nothing")->type, WK_JSON_NULL);
	m = wk_json_get(j, "list");
	assert_int_equal(m->n, 2);
	assert_string_equal(m->items[1].str, "two");
	assert_string_equal(wk_json_string(j, "emoji"), "\xf0\x9f\x98\x80");
	assert_null(wk_json_get(j, "missing"));
	assert_null(wk_json_string(j, "n"));
	assert_null(wk_json_get(m, "x"));  /* not an object */
	/* big integers stay reals */
	assert_int_equal(wk_json_parse(&arena, "99999999999999999999", 20,
	    NULL, &j, NULL, NULL), 0);
	assert_false(j->is_int);
}

static void
test_limits(void **state)
{
	struct wk_json_limits lim = { 0, 0, 0 };
	struct wk_json *j;
	const char *err;
	char deep[200];
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++) {
		deep[i] = '[';
		deep[199 - i] = ']';
	}
	/* default depth 32 */
	assert_int_equal(wk_json_parse(&arena, deep, 200, NULL, &j, &err,
	    NULL), -1);
	assert_string_equal(err, "nesting too deep");
	assert_int_equal(wk_json_parse(&arena, deep + 70, 60, NULL, &j, &err,
	    NULL), 0);
	lim.max_depth = 3;
	assert_int_equal(wk_json_parse(&arena, "[[[[1]]]]", 9, &lim, &j, &err,
	    NULL), -1);
	assert_int_equal(wk_json_parse(&arena, "[[[1]]]", 7, &lim, &j, &err,
	    NULL), 0);
	lim.max_depth = 0;
	lim.max_bytes = 4;
	assert_int_equal(wk_json_parse(&arena, "[1,2]", 5, &lim, &j, &err,
	    NULL), -1);
	assert_string_equal(err, "JSON text too large");
	lim.max_bytes = 0;
	lim.max_items = 3;
	assert_int_equal(wk_json_parse(&arena, "[1,2,3]", 7, &lim, &j, &err,
	    NULL), -1);
	assert_string_equal(err, "too many items");
	assert_int_equal(wk_json_parse(&arena, "[1,2]", 5, &lim, &j, &err,
	    NULL), 0);
	/* an arena limit turns into an error, not a crash */
	{
		wk_arena small;
		char *big = malloc(100001);
		assert_non_null(big);
		big[0] = '"';
		memset(big + 1, 'a', 99999);
		big[100000] = '"';
		wk_arena_init(&small);
		small.limit = 4096;
		assert_int_equal(wk_json_parse(&small, big, 100001, NULL, &j,
		    &err, NULL), -1);
		assert_string_equal(err, "out of memory");
		wk_arena_free(&small);
		free(big);
	}
}

static void
test_round_trip(void **state)
{
	static const char s[] = "<\"x\">&\\\n\x01 caf\xc3\xa9 \xe2\x80\xa8";
	struct wk_json_writer w;
	struct wk_json *j;
	wk_buf b;

	(void)state;
	wk_buf_init(&b, &arena);
	wk_json_init(&w, &b);
	wk_json_array_begin(&w);
	wk_json_strn(&w, s, sizeof(s) - 1);
	wk_json_array_end(&w);
	assert_int_equal(wk_json_finish(&w), 0);
	assert_int_equal(wk_json_parse(&arena, b.data, b.len, NULL, &j, NULL,
	    NULL), 0);
	assert_int_equal(j->items[0].len, sizeof(s) - 1);
	assert_memory_equal(j->items[0].str, s, sizeof(s) - 1);
}

static void
test_request(void **state)
{
	struct wk_request req;
	struct wk_settings s;
	struct wk_json *j;
	const char *err;

	(void)state;
	wk_settings_defaults(&s);
	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	req.settings = &s;
	req.body = "{\"a\": 1}";
	req.body_len = strlen(req.body);
	req.content_type = "application/json";
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 0);
	req.content_type = "Application/JSON; charset=UTF-8";
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 0);
	req.content_type = "application/json; charset=latin-1";
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 415);
	req.content_type = "text/plain";
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 415);
	req.content_type = "application/jsonx";
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 415);
	req.content_type = NULL;
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 415);
	req.content_type = "application/json";
	req.body = "{\"a\": }";
	req.body_len = strlen(req.body);
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 400);
	assert_non_null(err);
	req.body = NULL;
	req.body_len = 0;
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 400);
	s.max_body = 3;
	req.body = "[1,2]";
	req.body_len = 5;
	assert_int_equal(wk_json_parse_request(&req, &j, &err), 413);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_escape),
		T(test_writer),
		T(test_writer_misuse),
		T(test_parse_tables),
		T(test_parse_values),
		T(test_limits),
		T(test_round_trip),
		T(test_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
