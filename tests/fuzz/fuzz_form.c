/*
 * fuzz_form.c - libFuzzer harness for form cleaning and rendering, and
 * for the session data encoding.
 *
 * Submitted fields reach the form code as they are (after the request
 * parser's URL decoding), so the input is parsed as an urlencoded body
 * into a field list, bound to a form with one field of every kind, cleaned
 * and rendered.  Properties checked: nothing crashes; the rendered HTML
 * never contains a '<' that the form did not write (every submitted byte
 * '<' comes out as &lt;), so no value can open a tag; and the same field
 * list survives the session encoding round trip unchanged.
 * Seeds: tests/fuzz/corpus/fuzz_form/ (optional); tests/fuzz/run runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/forms/form.h"
#include "wick/http/request.h"
#include "wick/auth/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
reject_x(struct wk_form *f, const struct wk_form_field *fd, const char *v)
{
	(void)f;
	(void)fd;
	return strchr(v, 'x') != NULL ? "no x <here>" : NULL;
}

static const struct wk_form_field fields[] = {
	{ .name = "t", .kind = WK_FF_TEXT, .min_length = 1, .max_length = 8,
	  .validate = reject_x },
	{ .name = "a", .kind = WK_FF_TEXTAREA, .flags = WK_FF_OPTIONAL },
	{ .name = "i", .kind = WK_FF_INT, .flags = WK_FF_OPTIONAL |
	  WK_FF_HAS_MIN | WK_FF_HAS_MAX, .min_value = -5, .max_value = 5 },
	{ .name = "d", .kind = WK_FF_DECIMAL, .flags = WK_FF_OPTIONAL },
	{ .name = "e", .kind = WK_FF_EMAIL, .flags = WK_FF_OPTIONAL },
	{ .name = "u", .kind = WK_FF_URL, .flags = WK_FF_OPTIONAL },
	{ .name = "s", .kind = WK_FF_SLUG, .flags = WK_FF_OPTIONAL },
	{ .name = "b", .kind = WK_FF_BOOL },
	{ .name = "c", .kind = WK_FF_CHOICE, .flags = WK_FF_OPTIONAL,
	  .choices = WK_CHOICES({ "1", "One" }, { "2", "Two" }) },
	{ .name = "m", .kind = WK_FF_MULTI, .flags = WK_FF_OPTIONAL,
	  .choices = WK_CHOICES({ "1", "One" }, { "2", "Two" }) },
	{ .name = "y", .kind = WK_FF_DATE, .flags = WK_FF_OPTIONAL },
	{ .name = "w", .kind = WK_FF_DATETIME, .flags = WK_FF_OPTIONAL },
	{ .name = "p", .kind = WK_FF_PASSWORD, .flags = WK_FF_OPTIONAL },
	{ .name = "h", .kind = WK_FF_HIDDEN, .flags = WK_FF_OPTIONAL },
	{ .name = "f", .kind = WK_FF_FILE, .flags = WK_FF_OPTIONAL },
};
static const struct wk_form_def form = WK_FORM_DEF(fields, NULL);

/* The number of '<' in s. */
static size_t
count_lt(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '<';
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wk_kvlist l = { NULL, 0, 0 }, back = { NULL, 0, 0 };
	struct wk_form f, clean;
	const char *why = NULL;
	size_t count = 0, i;
	wk_arena a;
	wk_buf out, ref;
	char *enc;

	if (size > 8192)
		return 0;
	wk_arena_init(&a);
	if (wk_parse_urlencoded(&a, &l, (const char *)data, size, 64, &count,
	    &why) != 0)
		goto out;
	if (wk_form_init(&f, &form, &a) != 0 || wk_form_bind_data(&f, &l) != 0)
		goto out;
	(void)wk_form_is_valid(&f);
	wk_buf_init(&out, &a);
	if (wk_form_render_p(&f, &out) != 0)
		goto out;

	/* The markup is the form's own: an empty form with the same errors
	 * has exactly as many tags. */
	if (wk_form_init(&clean, &form, &a) != 0)
		goto out;
	clean.bound = f.bound;
	clean.errors = f.errors;
	for (i = 0; i < form.nfields; i++) {
		clean.values[i] = f.values[i];
		clean.values[i].raw = NULL;
		clean.values[i].raw_items = NULL;
		clean.values[i].nraw_items = 0;
	}
	wk_buf_init(&ref, &a);
	if (wk_form_render_p(&clean, &ref) != 0)
		goto out;
	/* Selected options add no '<'; values never do. */
	if (count_lt(wk_buf_cstr(&out)) != count_lt(wk_buf_cstr(&ref)))
		abort();

	/* Session encoding round trip. */
	if ((enc = wk_session_encode(&a, &l)) == NULL)
		goto out;
	if (wk_session_decode(&a, enc, &back) != 0 || back.len != l.len)
		abort();
	for (i = 0; i < l.len; i++)
		if (strcmp(back.items[i].name, l.items[i].name) != 0 ||
		    strcmp(back.items[i].value, l.items[i].value) != 0)
			abort();
out:
	wk_arena_free(&a);
	return 0;
}
