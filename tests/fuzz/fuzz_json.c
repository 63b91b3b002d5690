/*
 * fuzz_json.c - libFuzzer harness for the JSON parser and writer.
 *
 * Request bodies sent as application/json reach wk_json_parse, so it is
 * fuzzed on its own, with small limits so that the depth, size and item
 * checks are exercised too.  Every accepted document is written back out
 * with the writer and parsed again: the second parse must succeed and give
 * the same tree (a round trip), which checks the writer's escaping
 * against the parser on arbitrary strings.
 * Seeds live in tests/fuzz/corpus/fuzz_json/; tests/fuzz/run runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
write_tree(struct wk_json_writer *w, const struct wk_json *j)
{
	size_t i;

	switch (j->type) {
	case WK_JSON_NULL:
		wk_json_null(w);
		break;
	case WK_JSON_BOOL:
		wk_json_bool(w, j->b);
		break;
	case WK_JSON_NUMBER:
		if (j->is_int)
			wk_json_int(w, j->i);
		else
			wk_json_real(w, j->num);
		break;
	case WK_JSON_STRING:
		wk_json_strn(w, j->str, j->len);
		break;
	case WK_JSON_ARRAY:
	case WK_JSON_OBJECT:
		if (j->type == WK_JSON_OBJECT)
			wk_json_object_begin(w);
		else
			wk_json_array_begin(w);
		for (i = 0; i < j->n; i++) {
			if (j->type == WK_JSON_OBJECT) {
				/* keys are NUL-free: parser refuses \u0000 */
				wk_json_key(w, j->items[i].key);
			}
			write_tree(w, &j->items[i]);
		}
		if (j->type == WK_JSON_OBJECT)
			wk_json_object_end(w);
		else
			wk_json_array_end(w);
		break;
	default:
		abort();
	}
}

static int
same(const struct wk_json *a, const struct wk_json *b)
{
	size_t i;

	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case WK_JSON_BOOL:
		return a->b == b->b;
	case WK_JSON_NUMBER:
		return a->is_int ? (b->is_int && a->i == b->i) :
		    a->num == b->num;
	case WK_JSON_STRING:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case WK_JSON_ARRAY:
	case WK_JSON_OBJECT:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++) {
			if (a->type == WK_JSON_OBJECT &&
			    (a->items[i].keylen != b->items[i].keylen ||
			    memcmp(a->items[i].key, b->items[i].key,
			    a->items[i].keylen) != 0))
				return 0;
			if (!same(&a->items[i], &b->items[i]))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wk_json_limits lim = { 65536, 24, 20000 };
	struct wk_json *j = NULL, *k = NULL;
	struct wk_json_writer w;
	const char *err = NULL;
	wk_arena a;
	wk_buf b;

	wk_arena_init(&a);
	a.limit = (size_t)32 << 20;
	if (wk_json_parse(&a, (const char *)data, size, &lim, &j, &err,
	    NULL) == 0) {
		wk_buf_init(&b, &a);
		wk_json_init(&w, &b);
		write_tree(&w, j);
		if (wk_json_finish(&w) != 0 && !b.failed)
			abort();
		if (!b.failed) {
			lim.max_bytes = 0;  /* escapes may grow it */
			if (wk_json_parse(&a, b.data, b.len, &lim, &k, &err,
			    NULL) != 0)
				abort();
			if (!same(j, k))
				abort();
		}
	} else if (err == NULL) {
		abort();  /* a refusal always says why */
	}
	wk_arena_free(&a);
	return 0;
}
